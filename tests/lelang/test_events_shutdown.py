"""Stopping the server ends its live streams at once (Ctrl+C in ``make run``, SIGTERM).

A real uvicorn, started with the flags ``make run`` uses (read from the Makefile),
serves ``tests/lelang/events_app.py`` over a throw-away SQLite file, with two open
streams: one through Django (``events.stream``) and one answered in plain ASGI
(``events.asgi_stream``, as the projector's). Everything is on 127.0.0.1 with
bounded waits, and the server is always stopped.
"""

import asyncio
import os
import signal
import sqlite3
import subprocess
import time

import pytest
from django.conf import settings

from tests.e2e.live import free_port, make_run_command
from tests.lelang.test_events_multiprocess import Stream, wait_ready

#: The issue's promise: every stream ends, and the server with it, within 2 s.
STOP_SECONDS = 2.0


class RawStream(Stream):
    async def open(self, path):
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        self.writer.write(
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n".encode()
        )
        await self.writer.drain()

    async def read_to_end(self, timeout):
        deadline = time.monotonic() + timeout
        try:
            while chunk := await asyncio.wait_for(
                self.reader.read(65536), max(0.01, deadline - time.monotonic())
            ):
                self.data += chunk
        except TimeoutError:
            raise AssertionError(
                f"the stream was still open {timeout}s after the signal: {self.data[-200:]!r}"
            ) from None


def start(tmp_path, port, log):
    database = tmp_path / "shutdown.sqlite3"
    with sqlite3.connect(database) as db:
        db.execute("CREATE TABLE events_demo (n int)")
    command = make_run_command(port)
    command[command.index("lelang.asgi:application")] = "tests.lelang.events_app:application"
    env = {key: value for key, value in os.environ.items() if not key.startswith("REDIS_")}
    env.update(DATABASE_URL=f"sqlite:///{database}", DJANGO_DEBUG="1")
    return subprocess.Popen(
        command, env=env, cwd=settings.BASE_DIR, stdout=log, stderr=subprocess.STDOUT
    )


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl+C"])
def test_a_stopping_server_ends_every_open_stream_and_exits_within_2_seconds(tmp_path, signum):
    port = free_port()
    log = open(tmp_path / "uvicorn.log", "wb")  # noqa: SIM115
    server = start(tmp_path, port, log)

    async def scenario():
        await wait_ready(port, server)
        streams = [RawStream(port), RawStream(port)]
        for stream, path in zip(streams, ["/events-test/stream/", "/events-test/raw/"]):
            await stream.open(path)
            await stream.wait_for(b"n=0;", 20)
        started = time.monotonic()
        server.send_signal(signum)
        for stream in streams:
            await stream.read_to_end(STOP_SECONDS)  # the server closed it: EOF
        while server.poll() is None and time.monotonic() - started < 10:
            await asyncio.sleep(0.02)
        return streams, time.monotonic() - started

    try:
        streams, seconds = asyncio.run(asyncio.wait_for(scenario(), 60))
        assert server.poll() is not None, "the server is still running"
        assert seconds < STOP_SECONDS, f"the server took {seconds:.2f}s to stop"
        for stream in streams:
            # The last event tells the page the server went away: it reconnects.
            body = stream.data.split(b"\r\n\r\n", 1)[1]
            assert b"event: restart\ndata: \n\n" in body, stream.data[-300:]
    except BaseException:
        log.flush()
        print((tmp_path / "uvicorn.log").read_text(errors="replace")[-3000:])
        raise
    finally:
        if server.poll() is None:
            server.kill()
        server.wait(timeout=10)
        log.close()

"""Two uvicorn processes share live events (and the closing of streams): via
PostgreSQL NOTIFY, via Redis, and via PostgreSQL while the configured Redis is down.

Transport ``postgresql`` runs only when DATABASE_URL points at PostgreSQL (the test
database pytest-django creates is shared with the two servers). Transport ``redis``
runs with a reachable Redis (see the ``redis_url`` fixture) on either database: with
SQLite the servers share a temporary database file. Everything is on 127.0.0.1 with
bounded timeouts, and the servers are always terminated.
"""

import asyncio
import os
import socket
import sqlite3
import subprocess
import sys
import time
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection, transaction

from lelang import events

POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))

pytestmark = pytest.mark.django_db(transaction=True)


class SharedDatabase:
    """The database both servers and the test process use for table ``events_demo``."""

    def __init__(self, sqlite_path=None):
        self.sqlite_path = sqlite_path

    @property
    def url(self):
        if self.sqlite_path is not None:
            return f"sqlite:///{self.sqlite_path}"
        return database_url()

    def execute(self, sql, params=()):
        if self.sqlite_path is not None:
            with sqlite3.connect(self.sqlite_path) as db:
                db.execute(sql.replace("%s", "?"), params)
            return
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
        connection.close()


@pytest.fixture(params=["postgresql", "redis", "redis-down"])
def transport(request, tmp_path):
    """(environment for the servers, shared database) for each way across processes.

    ``redis-down``: the servers are configured for a Redis that does not answer (port
    1), on PostgreSQL: events must still arrive, through PostgreSQL."""
    if request.param in ("postgresql", "redis-down"):
        if not POSTGRES:
            pytest.skip(f"transport {request.param}: needs DATABASE_URL pointing at PostgreSQL")
        if request.param == "redis-down":
            return {"REDIS_URL": "redis://127.0.0.1:1/0"}, SharedDatabase()
        return {}, SharedDatabase()
    request.getfixturevalue("redis_url")
    env = {"REDIS_URL": settings.REDIS_URL, "LELANG_EVENTS_CHANNEL": settings.LELANG_EVENTS_CHANNEL}
    return env, SharedDatabase() if POSTGRES else SharedDatabase(tmp_path / "shared.sqlite3")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url():
    db = connection.settings_dict
    auth = quote(db["USER"] or "postgres", safe="")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{auth}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


def start_server(port, log, db, extra_env):
    env = {key: value for key, value in os.environ.items() if not key.startswith("REDIS_")}
    env.update(DATABASE_URL=db.url, DJANGO_DEBUG="1", **extra_env)
    cmd = [sys.executable, "-m", "uvicorn", "tests.lelang.events_app:application"]
    cmd += ["--host", "127.0.0.1", "--port", str(port), "--no-access-log", "--lifespan", "off"]
    return subprocess.Popen(
        cmd, env=env, cwd=settings.BASE_DIR, stdout=log, stderr=subprocess.STDOUT
    )


async def wait_ready(port, server, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert server.poll() is None, "uvicorn exited"
        try:
            _reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.1)
            continue
        writer.close()
        return
    raise AssertionError(f"uvicorn on port {port} did not start")


class Stream:
    """A raw HTTP/1.1 SSE client that keeps everything it has read."""

    def __init__(self, port):
        self.port = port
        self.data = b""

    async def open(self):
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        self.writer.write(
            b"GET /events-test/stream/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Accept: text/event-stream\r\n\r\n"
        )
        await self.writer.drain()

    async def wait_for(self, marker, timeout, count=1):
        deadline = time.monotonic() + timeout
        while self.data.count(marker) < count:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"{marker!r} not received; got {self.data[-300:]!r}")
            chunk = await asyncio.wait_for(self.reader.read(65536), remaining)
            if not chunk:
                raise AssertionError(f"stream closed; got {self.data[-300:]!r}")
            self.data += chunk

    def close(self):
        self.writer.close()


async def get(port, path):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
    body = await asyncio.wait_for(reader.read(), 10)
    writer.close()
    return body


def publish_here(db, n):
    """The test process itself makes a change (its event reaches both servers)."""
    db.execute("INSERT INTO events_demo (n) VALUES (%s)", [n])
    notify_only()


def notify_only():
    with transaction.atomic():
        events.publish("demo:1")
    connection.close()


async def scenario(port_a, port_b, servers, db):
    for port, server in zip((port_a, port_b), servers, strict=True):
        await wait_ready(port, server)
    on_a, on_b = Stream(port_a), Stream(port_b)
    await on_a.open()
    await on_b.open()
    for stream in (on_a, on_b):
        await stream.wait_for(b"n=0;", 20)  # the current state comes first
        assert b"content-type: text/event-stream" in stream.data.lower()
    # Each server starts listening with its first viewer: wait until an event
    # from here makes both re-render (no change yet, so still n=0).
    for _attempt in range(50):
        await asyncio.to_thread(notify_only)
        try:
            for stream in (on_a, on_b):
                await stream.wait_for(b"n=0;", 0.2, count=2)
            break
        except TimeoutError:
            continue
    else:
        raise AssertionError("the servers never heard an event from the test process")

    # Process A commits and publishes in a sync view; B's viewer hears it.
    reply = await get(port_a, "/events-test/publish/1/")
    assert b"200 OK" in reply
    published = time.monotonic()
    await on_b.wait_for(b"n=1;", 1)
    latency_b = time.monotonic() - published
    await on_a.wait_for(b"n=1;", 1)

    # The test process publishes (it runs no server: it only sends the event).
    await asyncio.to_thread(publish_here, db, 2)
    published = time.monotonic()
    await on_b.wait_for(b"n=2;", 1)
    await on_a.wait_for(b"n=2;", 1)

    # Process A ends every demo:1 stream: B's viewer too gets "closed", then EOF.
    reply = await get(port_a, "/events-test/close/")
    assert b"200 OK" in reply
    for stream in (on_b, on_a):
        await stream.wait_for(b"event: closed\ndata: test\n\n\r\n0\r\n\r\n", 2)  # the end
    for stream in (on_a, on_b):
        stream.close()
    return latency_b


def test_an_event_committed_in_one_process_reaches_viewers_of_another(tmp_path, transport):
    extra_env, db = transport
    db.execute("CREATE TABLE events_demo (n int)")
    port_a, port_b = free_port(), free_port()
    servers = []
    log = open(tmp_path / "uvicorn.log", "wb")  # noqa: SIM115
    try:
        servers = [start_server(port, log, db, extra_env) for port in (port_a, port_b)]
        latency = asyncio.run(asyncio.wait_for(scenario(port_a, port_b, servers, db), 60))
        assert latency < 1
    except BaseException:
        log.flush()
        print((tmp_path / "uvicorn.log").read_text(errors="replace")[-3000:])
        raise
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=10)
        log.close()
        db.execute("DROP TABLE IF EXISTS events_demo")

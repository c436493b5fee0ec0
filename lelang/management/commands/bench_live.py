"""Benchmark of the live fan-out: N projector viewers on one uvicorn worker, K offers.

    python manage.py bench_live [--viewers 100,1000,2000] [--events 20] [--interval 0.3]

For each N it prints one line on stdout::

    live_fanout viewers=1000 connect_s=0.84 p50_ms=.. p95_ms=.. p99_ms=.. lost=0 server_rss_mb=..

It measures the real path: the project's ASGI app, the projector stream of a demo
session, offers issued through ``auctions.services.offer_issue``. Everything runs on
127.0.0.1 and every wait is bounded:

1. creates a throw-away PostgreSQL database ``lelang_bench_<pid>`` (server
   127.0.0.1:5432, user postgres, trust auth) and drops it at the end, whatever
   happens; the measuring itself runs in a child process whose ``DATABASE_URL``
   points at it, so ``events.publish`` there really goes through NOTIFY;
2. migrates it, runs ``seed_demo --quiet-logins``, finds the planned session
   "Lelang Kinerja Hari 2 — Kecamatan dan Tematik" and starts its first waiting
   item (a kecamatan) with ``item_start`` as the operator ``bappeda``;
3. collects the static files as a release would (``staticfiles/``, git-ignored);
4. per N: starts ONE uvicorn worker serving ``lelang.asgi:application``
   (``--lifespan off --no-access-log``, ``DJANGO_DEBUG=0``, a random secret key,
   ``DJANGO_ALLOWED_HOSTS=127.0.0.1``), opens one warm-up viewer, then N SSE
   connections with raw asyncio on ``GET /layar/<display_token>/stream/`` (``Host:
   127.0.0.1``) and waits until each has its initial state (``connect_s``); then
   issues K offers ``--interval`` apart with ``offer_issue`` as the panel
   ``walikota`` (every ready indicator of the kecamatan, every year 2019–2023,
   deadline 2023), taking the time just before each call. Each offer is the
   next version v of the negotiation; the projector's live fragment carries it as
   ``data-offer-version="v"``, and every viewer records when it first sees each v.
   Latency is receipt minus the send time of that version (driver and viewers share
   one process and one clock).

``lost`` counts (viewer, version) pairs never seen, honestly (a viewer answered
with an HTTP error instead of a stream loses all K and does not hold up
``connect_s``; ``-v 2`` counts them): the hub coalesces
events while a render runs, so a viewer that jumps from v3 to v5 loses v4 (offers
are spaced so that renders should not overlap; ``-v 2`` shows the spacing achieved).
``server_rss_mb`` is the largest VmRSS of the uvicorn process sampled during the
round. ``-v 2`` adds a diagnostic line per round on stderr (server threads and CPU
seconds while connecting and while offering). The server takes its database
connections from the PostgreSQL pool as in production (``DATABASE_POOL``).
Versions carry on across rounds (the same negotiation).

Goals (DESIGN.md §6, 2-core machine): 1,000 viewers p95 ≤ 100 ms, p99 ≤ 150 ms,
lost 0, connect_s ≤ 2, RSS ≤ 150 MB; 2,000 viewers p95 ≤ 200 ms.
"""

import asyncio
import contextlib
import io
import itertools
import math
import os
import re
import resource
import secrets
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

PG_HOST = "127.0.0.1"
SESSION_TITLE = "Lelang Kinerja Hari 2 — Kecamatan dan Tematik"
OPERATOR = "bappeda"
PANEL = "walikota"
FIRST_YEAR, DEADLINE = 2019, 2023
MARK = re.compile(rb'data-offer-version="(\d+)"')
FD_WANTED = 8192


class Command(BaseCommand):
    help = "Measure live projector fan-out latency with N viewers on one uvicorn worker."
    # A performance run need not wait for unrelated checks (e.g. the admin's).
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--viewers", default="100,1000,2000", help="comma-separated N")
        parser.add_argument("--events", type=int, default=20, help="offers per round (K)")
        parser.add_argument("--interval", type=float, default=0.3, help="seconds between offers")
        parser.add_argument("--pg-port", type=int, default=5432)
        parser.add_argument("--pg-user", default="postgres")
        parser.add_argument("--driver", default="", help="(internal) run the rounds")

    def handle(self, *args, **options):
        viewers = [int(n) for n in options["viewers"].split(",") if n.strip()]
        if not viewers or min(viewers) < 1 or max(viewers) > 5000:
            raise CommandError("--viewers: between 1 and 5000 each")
        if not 1 <= options["events"] <= 1000:
            raise CommandError("--events: between 1 and 1000")
        if not 0.05 <= options["interval"] <= 10:
            raise CommandError("--interval: between 0.05 and 10 seconds")
        raise_fd_limit(max(viewers) + 256)
        if options["driver"]:
            self.drive(viewers, options)
        else:
            self.orchestrate(options)

    # -- parent: a fresh database around the child ----------------------------------

    def orchestrate(self, options):
        import psycopg

        name = f"lelang_bench_{os.getpid()}"
        admin = dict(host=PG_HOST, port=options["pg_port"], user=options["pg_user"])
        try:
            with psycopg.connect(**admin, dbname="postgres", autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
        except psycopg.Error as exc:
            raise CommandError(f"cannot create the bench database on {PG_HOST}: {exc}") from exc
        url = f"postgres://{options['pg_user']}@{PG_HOST}:{options['pg_port']}/{name}"
        env = {**os.environ, "DATABASE_URL": url}
        cmd = [sys.executable, "-m", "django", "bench_live", "--driver", name]
        cmd += ["--viewers", options["viewers"], "--events", str(options["events"])]
        cmd += ["--interval", str(options["interval"])]
        cmd += ["--verbosity", str(options["verbosity"])]
        # Its own process group: on any way out, the child and its server go together.
        child = subprocess.Popen(  # noqa: S603
            cmd, env=env, cwd=settings.BASE_DIR, start_new_session=True
        )
        try:
            code = child.wait(timeout=1200)
        except (subprocess.TimeoutExpired, KeyboardInterrupt):
            code = -1
        finally:
            signal_group(child.pid, signal.SIGTERM)
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                signal_group(child.pid, signal.SIGKILL)
                child.wait(timeout=10)
            time.sleep(1)  # let a server that outlived the child finish its SIGTERM
            signal_group(child.pid, signal.SIGKILL)
            with psycopg.connect(**admin, dbname="postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if code != 0:
            raise CommandError(f"benchmark failed (exit {code})")

    # -- child: migrate, seed, start an item, then one round per N -----------------

    def drive(self, viewers, options):
        from django.db import connection

        if connection.vendor != "postgresql":
            raise CommandError("--driver needs DATABASE_URL pointing at PostgreSQL")
        signal.signal(signal.SIGTERM, _interrupt)  # stop the server on the way out
        call_command("migrate", verbosity=0, interactive=False, skip_checks=True)
        call_command("seed_demo", quiet_logins=True, stdout=io.StringIO(), skip_checks=True)
        collect_static()
        stage = Stage()
        connection.close()
        for n in viewers:
            line = asyncio.run(
                run_round(
                    stage, n, options["events"], options["interval"], options["verbosity"] > 1
                )
            )
            self.stdout.write(line)
            self.stdout.flush()


def signal_group(pgid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signum)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def raise_fd_limit(wanted: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = max(wanted, FD_WANTED)
    if hard != resource.RLIM_INFINITY:
        target = min(target, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    rank = math.ceil(p / 100 * len(sorted_values)) - 1
    return sorted_values[max(0, min(len(sorted_values) - 1, rank))]


class Round:
    """One N: the viewers, the send time of each version, and two barriers."""

    def __init__(self, n: int, base: int, events: int):
        self.n = n
        self.base = base  # the version on the table before this round's offers
        self.last = base + events
        self.sent: dict[int, float] = {}  # version -> perf_counter() just before the call
        self.viewers: list[Viewer] = []
        self.initial = 0
        self.failed = 0  # answered with an HTTP error instead of a stream
        self.finished = 0
        loop = asyncio.get_running_loop()
        self.all_initial = loop.create_future()
        self.all_finished = loop.create_future()

    def got_initial(self):
        self.initial += 1
        self._check()

    def got_error(self):
        self.failed += 1
        self._check()

    def _check(self):
        if self.initial + self.failed >= self.n and not self.all_initial.done():
            self.all_initial.set_result(time.perf_counter())
        if self.finished + self.failed >= self.n and not self.all_finished.done():
            self.all_finished.set_result(None)

    def got_last(self):
        self.finished += 1
        if self.finished + self.failed >= self.n and not self.all_finished.done():
            self.all_finished.set_result(None)


class Viewer(asyncio.Protocol):
    """One EventSource: sends the GET, then notes when each offer version first shows."""

    def __init__(self, round_: Round, request: bytes):
        self.round = round_
        self.request = request
        self.transport = None
        self.tail = b""
        self.last = -1
        self.received: dict[int, float] = {}  # version -> perf_counter() at receipt

    def connection_made(self, transport):
        self.transport = transport
        transport.write(self.request)

    def data_received(self, data):
        now = time.perf_counter()
        if self.last < 0 and not self.tail and not data.startswith(b"HTTP/1.1 200 "):
            # An error page, not a stream: this viewer sees nothing (all its pairs lost).
            self.last = 1 << 62
            self.round.got_error()
            self.transport.close()
            return
        buf = self.tail + data
        for match in MARK.finditer(buf):
            version = int(match[1])
            if version <= self.last:
                continue
            if self.last < 0:
                self.round.got_initial()
            elif version > self.round.base:
                self.received[version] = now
            self.last = version
            if version >= self.round.last:
                self.round.got_last()
        # Keep a possibly cut attribute for the next chunk (a full match never fits).
        self.tail = buf[-40:]

    def connection_lost(self, exc):
        self.transport = None


class Stage:
    """The demo session's item on stage and who issues the offers (driver's DB thread)."""

    def __init__(self):
        from django.contrib.auth import get_user_model

        from auctions.models import AgendaItem, Session
        from auctions.selectors import ready_indicators
        from auctions.services import item_start

        users = get_user_model().objects
        session = Session.objects.get(title=SESSION_TITLE)
        item = (
            session.items.filter(state=AgendaItem.State.WAITING, opd__isnull=False)
            .order_by("order", "pk")
            .first()
        )
        if item is None:
            raise CommandError(f"no waiting item in “{SESSION_TITLE}”")
        self.item = item_start(item=item, user=users.get(username=OPERATOR))
        self.panel = users.get(username=PANEL)
        self.opd = item.opd
        self.token = session.display_token
        indicators = ready_indicators(self.item).get(self.opd, [])
        if not indicators:
            raise CommandError(f"{self.opd} has no ready indicator")
        self.values = {
            (indicator.pk, year): _plausible(indicator)
            for indicator in indicators
            for year in range(FIRST_YEAR, DEADLINE + 1)
        }
        self.version = 0

    def offer(self, round_: Round) -> None:
        from auctions.services import offer_issue

        version = self.version + 1
        round_.sent[version] = time.perf_counter()
        offer = offer_issue(
            item=self.item,
            opd=self.opd,
            deadline_year=DEADLINE,
            values=self.values,
            user=self.panel,
        )
        if offer.version != version:
            raise CommandError(f"expected offer version {version}, got {offer.version}")
        self.version = version


def _plausible(indicator) -> Decimal:
    value = indicator.baseline_value if indicator.baseline_value is not None else Decimal(1)
    if indicator.unit.strip() == "%":
        value = min(max(value, Decimal(0)), Decimal(100))
    return value


def close_db() -> None:
    from django.db import connections

    connections.close_all()


def server_env() -> dict[str, str]:
    """A production-like server: debug off, a random key, plain HTTP on 127.0.0.1."""
    return {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_HSTS_SECONDS": "0",
        "LELANG_LOG_LEVEL": "WARNING",
    }


def collect_static() -> None:
    """As a release does once: ServeStatic serves the collected files (staticfiles/)."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        env=server_env(),
        cwd=settings.BASE_DIR,
        check=True,
        timeout=300,
    )


async def start_server(port: int) -> subprocess.Popen:
    env = server_env()
    cmd = [sys.executable, "-m", "uvicorn", "lelang.asgi:application"]
    cmd += ["--host", "127.0.0.1", "--port", str(port), "--no-access-log", "--lifespan", "off"]
    cmd += ["--backlog", "4096", "--log-level", "warning"]
    server = subprocess.Popen(cmd, env=env, cwd=settings.BASE_DIR)  # noqa: S603
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise CommandError("uvicorn exited during start-up")
        try:
            _reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.1)
            continue
        writer.close()
        return server
    stop_server(server)
    raise CommandError("uvicorn did not start within 30 s")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


async def open_viewers(round_: Round, count: int, port: int, token: str) -> None:
    loop = asyncio.get_running_loop()
    request = (
        f"GET /layar/{token}/stream/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Accept: text/event-stream\r\nCache-Control: no-cache\r\n\r\n"
    ).encode()

    async def one():
        for _attempt in range(3):
            try:
                _transport, viewer = await loop.create_connection(
                    lambda: Viewer(round_, request), "127.0.0.1", port
                )
            except OSError:
                await asyncio.sleep(0.2)
                continue
            round_.viewers.append(viewer)
            return

    await asyncio.gather(*(one() for _ in range(count)))


def cpu_s(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def threads(pid: int) -> int:
    try:
        return len(os.listdir(f"/proc/{pid}/task"))
    except OSError:
        return 0


async def run_round(stage: Stage, n: int, events: int, interval: float, verbose: bool) -> str:
    loop = asyncio.get_running_loop()
    db = ThreadPoolExecutor(1, thread_name_prefix="bench-db")
    port = free_port()
    server = await start_server(port)
    peak = [rss_mb(server.pid)]

    async def sample():
        while True:
            peak[0] = max(peak[0], rss_mb(server.pid))
            await asyncio.sleep(0.05)

    sampler = loop.create_task(sample())
    rounds: list[Round] = []
    try:
        # Warm up: the first request imports and builds what a running server has.
        warm = Round(1, stage.version, events)
        rounds.append(warm)
        await open_viewers(warm, 1, port, stage.token)
        try:
            await asyncio.wait_for(asyncio.shield(warm.all_initial), 30)
        except TimeoutError:
            raise CommandError("the warm-up viewer got no initial state within 30 s") from None
        for viewer in warm.viewers:
            if viewer.transport:
                viewer.transport.close()
        await asyncio.sleep(0.5)

        round_ = Round(n, stage.version, events)
        rounds.append(round_)
        cpu_before = cpu_s(server.pid)
        started = time.perf_counter()
        opening = loop.create_task(open_viewers(round_, n, port, stage.token))
        try:
            connected_at = await asyncio.wait_for(asyncio.shield(round_.all_initial), 90)
        except TimeoutError:
            connected_at = time.perf_counter()
        await asyncio.wait_for(opening, 30)
        connect_s = connected_at - started
        cpu_connect = cpu_s(server.pid) - cpu_before
        threads_connected = threads(server.pid)
        await asyncio.sleep(0.5)
        cpu_before = cpu_s(server.pid)

        first = time.perf_counter()
        for k in range(events):
            await asyncio.sleep(max(0.0, first + k * interval - time.perf_counter()))
            await asyncio.wait_for(loop.run_in_executor(db, stage.offer, round_), 30)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(round_.all_finished), 10)
        cpu_offer = cpu_s(server.pid) - cpu_before
    finally:
        sampler.cancel()
        peak[0] = max(peak[0], rss_mb(server.pid))
        for each in rounds:
            for viewer in each.viewers:
                if viewer.transport:
                    viewer.transport.close()
        stop_server(server)
        await loop.run_in_executor(db, close_db)
        db.shutdown()

    ms = sorted(
        (received - round_.sent[version]) * 1000
        for viewer in round_.viewers
        for version, received in viewer.received.items()
        if version in round_.sent
    )
    lost = n * events - len(ms)
    if verbose:
        short = [v.last for v in round_.viewers if v.last < round_.last]
        sent = [round_.sent[v] for v in sorted(round_.sent)]
        gaps = [round((b - a) * 1000) for a, b in itertools.pairwise(sent)]
        sys.stderr.write(
            f"  viewers: opened={len(round_.viewers)} initial={round_.initial} "
            f"http_errors={round_.failed} "
            f"short={len(short)} (last version seen: {sorted(set(short))[:10]}); "
            f"versions {round_.base + 1}..{round_.last}, send gaps ms min={min(gaps, default=0)} "
            f"max={max(gaps, default=0)}; server threads={threads_connected} "
            f"cpu_connect_s={cpu_connect:.2f} cpu_offer_s={cpu_offer:.2f} "
            f"max_ms={max(ms, default=0):.0f}\n"
        )
    return (
        f"live_fanout viewers={n} connect_s={connect_s:.2f} p50_ms={percentile(ms, 50):.1f} "
        f"p95_ms={percentile(ms, 95):.1f} p99_ms={percentile(ms, 99):.1f} lost={lost} "
        f"server_rss_mb={peak[0]:.0f}"
    )

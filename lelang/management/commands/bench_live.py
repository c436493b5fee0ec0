"""Benchmark of the live session: N projector viewers, offers made, time until they see it.

    python manage.py bench_live [--viewers 100,1000,2000] [--events 20] [--clicks 20]
                                [--workers-viewers 4000] [--interval 0.3]

It prints one line per measurement on stdout::

    live_fanout viewers=1000 connect_s=0.84 p50_ms=.. p95_ms=.. p99_ms=.. lost=0 server_rss_mb=..
    live_click viewers=1000 p50_ms=.. p95_ms=.. p99_ms=.. lost=0 server_rss_mb=..
    live_fanout viewers=4000 workers=2 connect_s=.. p50_ms=.. ... server_rss_mb=.. worker_rss_mb=a,b

It measures the real path: the project's ASGI app, the projector stream of a demo
session, offers made through the service or through the panel's form over HTTP.
Everything runs on 127.0.0.1 and every wait is bounded:

1. creates a throw-away PostgreSQL database ``lelang_bench_<pid>`` (server
   127.0.0.1:5432, user postgres, trust auth) and drops it at the end, whatever
   happens; the measuring itself runs in a child process whose ``DATABASE_URL``
   points at it, so ``events.publish`` there really goes through NOTIFY;
2. migrates it, runs ``seed_demo --quiet-logins`` and finds the planned session
   a planned session of its own (every demo unit has agreed already): six unit items
   whose ready data rooms copy Kecamatan Blimbing's (``bench_sessions``); each round
   starts its next waiting unit item with ``item_start`` as the operator ``bappeda``;
3. collects the static files as a release would (``staticfiles/``, git-ignored);
4. per N: starts ONE uvicorn worker serving ``lelang.asgi:application``
   (``--lifespan off --no-access-log``, ``DJANGO_DEBUG=0``, a random secret key,
   ``DJANGO_ALLOWED_HOSTS=127.0.0.1``), opens one warm-up viewer, then N SSE
   connections with raw asyncio (uvloop) on ``GET /layar/<display_token>/stream/``
   (``Host: 127.0.0.1``), read by ``--viewer-procs`` child processes (2), not by the
   driver whose thread makes the offers, and waits until each has its initial state
   (``connect_s``). Then:

   * ``live_fanout``: K offers ``--interval`` apart with ``offer_issue`` as the
     panel ``walikota`` (every ready indicator of the kecamatan, every year
     2019–2023, deadline 2023), timed from just before each call: the service,
     its commit, NOTIFY, the render and the fan-out;
   * ``live_click``: the same, as the panel's browser does it: the driver logs in
     over HTTP as ``walikota`` (login form, CSRF), opens the panel page for its
     CSRF token, then POSTs each offer to the panel form's view
     (``auctions:offer_create``, ``HX-Request``; the values of the stage, with
     ``send_anyway`` so the ambition check's confirmation is given in the same
     click), timed from just before the request is written: the middleware, the
     view, the service with its audit entry and commit, NOTIFY, the render and
     the fan-out, while the view renders its own answer.

   Each offer is the next version v of the negotiation; the projector's live
   fragment carries it as ``data-offer-version="v"``, and every viewer records
   when it first sees each v. Latency is receipt minus the send time of that
   version (``time.perf_counter()``: one monotonic clock for every process);
5. then ``live_fanout workers=2``: two uvicorn processes (two ports, as behind a
   proxy) sharing events through PostgreSQL NOTIFY, half of ``--workers-viewers``
   viewers on each, K service offers; ``server_rss_mb`` is the larger process,
   ``worker_rss_mb`` each.

``lost`` counts (viewer, version) pairs never seen, honestly (a viewer answered
with an HTTP error instead of a stream loses all of them and does not hold up
``connect_s``; ``-v 2`` counts them): the hub coalesces events while a render
runs, so a viewer that jumps from v3 to v5 loses v4 (offers are spaced so that
renders should not overlap; ``-v 2`` shows the spacing achieved).
``server_rss_mb`` is the largest VmRSS of the uvicorn process sampled during the
round. ``-v 2`` adds a diagnostic line per round on stderr (server threads and CPU
seconds while connecting and while offering, the POST's own response times). The
server takes its database connections from the PostgreSQL pool as in production
(``DATABASE_POOL``). Each round puts the next unit item with as many indicators on stage (the one
before is postponed to round 2), so its offers are versions 1, 2, …

Goals (2-core machine): 1,000 viewers p95 ≤ 100 ms (fan-out) and ≤ 120 ms (click),
p99 ≤ 150 ms, lost 0, connect_s ≤ 2, RSS ≤ 150 MB; 2,000 viewers p95 ≤ 200 ms;
4,000 viewers on two workers p95 ≤ 300 ms and ≤ 150 MB per worker.
"""

import asyncio
import contextlib
import datetime
import http.client
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
from urllib.parse import urlencode

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

PG_HOST = "127.0.0.1"
SESSION_TITLE = "Bench — sesi uji kecepatan"
LATER_TITLE = "Bench — sesi cadangan"
#: The bench's units are copies of this demo unit's ready data room (its indicators,
#: comparators and supporting tables): the size of a real kecamatan's case.
MODEL_UNIT = "kec-blimbing"
BENCH_UNITS = 6
OPERATOR = "bappeda"
PANEL = "walikota"
FIRST_YEAR, DEADLINE = 2019, 2023
MARK_BYTES = b'data-offer-version="'
TAIL = 40  # longer than the attribute with its value: a cut one is whole next time
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CSRF_HEADER = re.compile(r'"X-CSRFToken": "([^"]+)"')
FD_WANTED = 8192


class Command(BaseCommand):
    help = "Measure live projector latency with N viewers: service offers and panel clicks."
    # A performance run need not wait for unrelated checks (e.g. the admin's).
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--viewers", default="100,1000,2000", help="comma-separated N")
        parser.add_argument("--events", type=int, default=20, help="service offers per round")
        parser.add_argument("--clicks", type=int, default=20, help="panel POSTs per round")
        parser.add_argument(
            "--workers-viewers",
            type=int,
            default=4000,
            help="viewers of the two-worker round (0: skip it)",
        )
        parser.add_argument("--interval", type=float, default=0.3, help="seconds between offers")
        parser.add_argument(
            "--viewer-procs", type=int, default=2, help="processes reading the viewers"
        )
        parser.add_argument("--pg-port", type=int, default=5432)
        parser.add_argument("--pg-user", default="postgres")
        parser.add_argument("--driver", default="", help="(internal) run the rounds")

    def handle(self, *args, **options):
        viewers = [int(n) for n in options["viewers"].split(",") if n.strip()]
        if not viewers or min(viewers) < 1 or max(viewers) > 5000:
            raise CommandError("--viewers: between 1 and 5000 each")
        if not 1 <= options["events"] <= 1000:
            raise CommandError("--events: between 1 and 1000")
        if not 0 <= options["clicks"] <= 1000:
            raise CommandError("--clicks: between 0 and 1000")
        if not 0 <= options["workers_viewers"] <= 8000:
            raise CommandError("--workers-viewers: between 0 and 8000")
        if not 0.05 <= options["interval"] <= 10:
            raise CommandError("--interval: between 0.05 and 10 seconds")
        if not 1 <= options["viewer_procs"] <= 16:
            raise CommandError("--viewer-procs: between 1 and 16")
        raise_fd_limit(max([*viewers, options["workers_viewers"]]) + 256)
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
        cmd += ["--clicks", str(options["clicks"])]
        cmd += ["--workers-viewers", str(options["workers_viewers"])]
        cmd += ["--interval", str(options["interval"])]
        cmd += ["--viewer-procs", str(options["viewer_procs"])]
        cmd += ["--verbosity", str(options["verbosity"])]
        # Its own process group: on any way out, the child and its servers go together.
        child = subprocess.Popen(  # noqa: S603
            cmd, env=env, cwd=settings.BASE_DIR, start_new_session=True
        )
        try:
            code = child.wait(timeout=1800)
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

    # -- child: migrate, seed, start an item, then the rounds ------------------------

    def drive(self, viewers, options):
        from django.db import connection

        if connection.vendor != "postgresql":
            raise CommandError("--driver needs DATABASE_URL pointing at PostgreSQL")
        signal.signal(signal.SIGTERM, _interrupt)  # stop the servers on the way out
        call_command("migrate", verbosity=0, interactive=False, skip_checks=True)
        call_command("seed_demo", quiet_logins=True, stdout=io.StringIO(), skip_checks=True)
        collect_static()
        stage = Stage()
        connection.close()
        verbose = options["verbosity"] > 1
        plans = [(n, 1, options["clicks"]) for n in viewers]
        if options["workers_viewers"]:
            plans.append((options["workers_viewers"], 2, 0))
        for n, workers, clicks in plans:
            # uvloop, as uvicorn uses: the viewers' reading costs the driver less CPU.
            with asyncio.Runner(loop_factory=_loop_factory()) as runner:
                lines = runner.run(
                    run_round(
                        stage,
                        n,
                        workers=workers,
                        events=options["events"],
                        clicks=clicks,
                        interval=options["interval"],
                        viewer_procs=options["viewer_procs"],
                        verbose=verbose,
                    )
                )
            for line in lines:
                self.stdout.write(line)
            self.stdout.flush()


def _loop_factory():
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


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
    """One N: its viewers (in the process reading them), the send time of each version
    (in the driver), and the barrier "every viewer has its first state"."""

    def __init__(self, n: int, base: int):
        self.n = n
        self.base = base  # the version on the table before this round's offers
        self.sent: dict[int, float] = {}  # version -> perf_counter() just before sending
        self.viewers: list[Viewer] = []
        self.initial = 0
        self.failed = 0  # answered with an HTTP error instead of a stream
        self.all_initial = asyncio.get_running_loop().create_future()

    def got_initial(self):
        self.initial += 1
        self._check()

    def got_error(self):
        self.failed += 1
        self._check()

    def _check(self):
        if self.initial + self.failed >= self.n and not self.all_initial.done():
            self.all_initial.set_result(time.perf_counter())

    async def seen_by_all(self, version: int, timeout: float) -> None:
        """Until every viewer still streaming has seen ``version`` (bounded)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all(v.last >= version or v.transport is None for v in self.viewers):
                return
            await asyncio.sleep(0.05)


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
        # The driver's own work counts against the server's: it shares the two cores
        # (browsers would not), so it looks with bytes.find (2.5x cheaper than a
        # regex on a 16 KB fragment) and copies nothing but a short tail.
        now = time.perf_counter()
        if self.last < 0 and not self.tail and not data.startswith(b"HTTP/1.1 200 "):
            # An error page, not a stream: this viewer sees nothing (all its pairs lost).
            self.last = 1 << 62
            self.round.got_error()
            self.transport.close()
            return
        if self.tail:  # an attribute cut in two by the previous chunk
            joint = self.tail + data[:TAIL]
            at = joint.find(MARK_BYTES)
            if 0 <= at < len(self.tail):
                self._saw(joint, at, now)
        at = data.find(MARK_BYTES)
        while at >= 0:
            at = self._saw(data, at, now)
            at = data.find(MARK_BYTES, at) if at >= 0 else -1
        self.tail = data[-TAIL:]

    def _saw(self, data: bytes, at: int, now: float) -> int:
        """The version written at ``at``; where to look on (-1: cut off, seen next time)."""
        start = at + len(MARK_BYTES)
        end = data.find(b'"', start)
        if end < 0:
            return -1
        version = int(data[start:end])
        if version > self.last:
            if self.last < 0:
                self.round.got_initial()
            elif version > self.round.base:
                self.received[version] = now
            self.last = version
        return end

    def connection_lost(self, exc):
        self.transport = None


class Stage:
    """The demo session's item on stage and who issues the offers (driver's DB thread).

    Each round puts a fresh unit item on stage (the one before is postponed to round
    2), so every round's negotiation starts at version 1 with as many indicators as
    the first round's: a real negotiation has a handful of versions, and a screen
    that draws a long history should not make later rounds look slower.
    """

    def __init__(self):
        from django.contrib.auth import get_user_model

        users = get_user_model().objects
        session, later = bench_sessions()
        self.session_id = session.pk
        self.token = session.display_token
        self.operator = users.get(username=OPERATOR)
        self.panel = users.get(username=PANEL)
        self.later = later
        self.item = self.opd = None
        self.size = 0  # indicators per item, as on the first round's
        self.values: dict = {}
        self.version = 0

    def next_item(self) -> None:
        from auctions.models import AgendaItem
        from auctions.selectors import ready_indicators
        from auctions.services import item_postpone, item_start

        if self.item is not None:
            if self.later is None:
                raise CommandError("no round-2 session to postpone the last item to")
            item_postpone(item=self.item, to_session=self.later, user=self.operator)
        waiting = AgendaItem.objects.filter(
            session_id=self.session_id, state=AgendaItem.State.WAITING, opd__isnull=False
        ).order_by("order", "pk")
        candidates = [(item, ready_indicators(item).get(item.opd, [])) for item in waiting]
        candidates = [(item, found) for item, found in candidates if found]
        same = [(item, found) for item, found in candidates if len(found) == self.size]
        if not candidates:
            raise CommandError(f"no waiting unit item with ready data in “{SESSION_TITLE}”")
        item, indicators = (same or candidates)[0]
        self.item = item_start(item=item, user=self.operator)
        self.opd, self.size = item.opd, len(indicators)
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
            send_anyway=True,  # the baseline every year: no ambition, only fan-out measured
            user=self.panel,
        )
        if offer.version != version:
            raise CommandError(f"expected offer version {version}, got {offer.version}")
        self.version = version

    def form(self) -> dict[str, str]:
        """The panel form's fields for this offer, typed as the panel types numbers."""
        prefix = f"o{self.opd.pk}"
        data = {
            "opd": str(self.opd.pk),
            f"{prefix}-deadline_year": str(DEADLINE),
            f"{prefix}-note": "bench",
            f"{prefix}-send_anyway": "1",
        }
        for (indicator_id, year), value in self.values.items():
            data[f"{prefix}-t_{indicator_id}_{year}"] = format(value, "f").replace(".", ",")
        return data


def bench_sessions():
    """A planned session of its own in the demo auction, with ``BENCH_UNITS`` unit items
    whose data rooms copy ``MODEL_UNIT``'s (in the demo every unit has agreed already),
    and an empty planned session to postpone finished items to. Throw-away database."""
    from django.contrib.auth import get_user_model

    from auctions.models import AgendaItem, Auction, Session
    from lelang.roles import Role
    from opd.models import (
        DataRoom,
        Official,
        Opd,
        Position,
        Program,
        StrategicObjective,
        Tenure,
    )

    auction = Auction.objects.get(is_demo=True)
    model = DataRoom.objects.get(opd__code=MODEL_UNIT, period=auction.period)
    session = Session.objects.create(
        auction=auction, title=SESSION_TITLE, date=datetime.date(2019, 2, 4), day=5, round=4
    )
    later = Session.objects.create(
        auction=auction, title=LATER_TITLE, date=datetime.date(2019, 2, 5), day=6, round=4
    )
    for n in range(1, BENCH_UNITS + 1):
        opd = Opd.objects.create(code=f"bench-{n}", name=f"Kecamatan Uji {n}", kind=model.opd.kind)
        user = get_user_model().objects.create_user(
            username=f"bench.{n}",
            password=secrets.token_urlsafe(16),
            name=f"Camat Uji {n}",
            role=Role.OPD_HEAD,
        )
        official = Official.objects.create(name=f"Camat Uji {n}", user=user)
        position = Position.objects.create(opd=opd, title=f"Camat Uji {n}", is_head=True)
        Tenure.objects.create(
            official=official, position=position, start_date=datetime.date(2018, 1, 1)
        )
        room = DataRoom.objects.create(opd=opd, period=auction.period, status=DataRoom.Status.READY)
        objectives = {}
        for program in model.programs.all():
            copy = Program.objects.create(data_room=room, name=program.name, order=program.order)
            for indicator in program.indicators.select_related("objective"):
                comparators = list(indicator.comparators.all())
                tables = [(t, list(t.rows.all())) for t in indicator.supporting_tables.all()]
                name = indicator.objective.name if indicator.objective_id else "Sasaran"
                if name not in objectives:
                    objectives[name] = StrategicObjective.objects.create(data_room=room, name=name)
                indicator.pk = None
                indicator.program, indicator.theme = copy, None
                indicator.objective = objectives[name]
                indicator.save()
                for comparator in comparators:
                    comparator.pk = None
                    comparator.indicator = indicator
                    comparator.save()
                for table, rows in tables:
                    table.pk = None
                    table.indicator = indicator
                    table.save()
                    for row in rows:
                        row.pk = None
                        row.table = table
                        row.save()
        AgendaItem.objects.create(session=session, opd=opd, order=n, time_box=10)
    return session, later


def _plausible(indicator) -> Decimal:
    value = indicator.baseline_value if indicator.baseline_value is not None else Decimal(1)
    if indicator.unit.strip() == "%":
        value = min(max(value, Decimal(0)), Decimal(100))
    return value


class PanelBrowser:
    """The panel's browser, reduced to its HTTP: cookies, CSRF, keep-alive (sync; it
    runs in the driver's DB thread, off the viewers' event loop)."""

    def __init__(self, port: int, stage: Stage):
        self.stage = stage
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}
        self.csrf = ""
        self.post_ms: list[float] = []

    def request(self, method: str, path: str, body: str | None = None, headers=None):
        headers = {"Host": "127.0.0.1", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                break
            except (ConnectionError, http.client.RemoteDisconnected):
                # The server closed the idle keep-alive connection: a browser reconnects.
                self.conn.close()
                if attempt:
                    raise
        content = response.read()
        for cookie in response.msg.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, content.decode(errors="replace")

    def log_in(self) -> None:
        from lelang.demo import DEMO_PASSWORD

        status, page = self.request("GET", "/accounts/login/")
        token = CSRF_INPUT.search(page)
        if status != 200 or token is None:
            raise CommandError(f"the login page answered {status} without a CSRF token")
        form = {"csrfmiddlewaretoken": token[1], "username": PANEL, "password": DEMO_PASSWORD}
        status, page = self.request(
            "POST", "/accounts/login/", urlencode(form), {"Content-Type": FORM_TYPE}
        )
        if status != 302:
            raise CommandError(f"logging in as {PANEL} answered {status}")
        status, page = self.request("GET", f"/sesi/{self.stage.session_id}/panel/")
        token = CSRF_HEADER.search(page)
        if status != 200 or token is None or "offer-form" not in page:
            raise CommandError(f"the panel page answered {status} without its offer form")
        self.csrf = token[1]

    def offer(self, round_: Round) -> None:
        """One click on "Issue offer": the form's POST, as htmx sends it."""
        version = self.stage.version + 1
        body = urlencode(self.stage.form())
        headers = {
            "Content-Type": FORM_TYPE,
            "HX-Request": "true",
            "X-CSRFToken": self.csrf,
            "Accept": "text/html",
        }
        path = f"/sesi/{self.stage.session_id}/panel/tawaran/"
        started = round_.sent[version] = time.perf_counter()
        status, page = self.request("POST", path, body, headers)
        self.post_ms.append((time.perf_counter() - started) * 1000)
        if status != 200 or "field__error" in page or "alert--error" in page:
            snippet = re.sub(r"\s+", " ", page)[:300]
            raise CommandError(f"the offer POST answered {status}: {snippet}")
        self.stage.version = version

    def close(self) -> None:
        self.conn.close()


FORM_TYPE = "application/x-www-form-urlencoded"


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


async def start_server(port: int, env: dict[str, str]) -> subprocess.Popen:
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


async def open_viewers(round_: Round, count: int, ports: list[int], token: str) -> None:
    loop = asyncio.get_running_loop()
    request = (
        f"GET /layar/{token}/stream/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Accept: text/event-stream\r\nCache-Control: no-cache\r\n\r\n"
    ).encode()

    async def one(port):
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

    await asyncio.gather(*(one(ports[i % len(ports)]) for i in range(count)))


def viewer_process(conn, count: int, ports: list[int], token: str, base: int) -> None:
    """A child process reading ``count`` viewers' streams (see :class:`ViewerPool`)."""
    raise_fd_limit(count + 256)

    async def main():
        loop = asyncio.get_running_loop()
        round_ = Round(count, base)
        started = time.perf_counter()
        await open_viewers(round_, count, ports, token)
        try:
            connected_at = await asyncio.wait_for(asyncio.shield(round_.all_initial), 90)
        except TimeoutError:
            connected_at = time.perf_counter()
        conn.send(("connected", round_.initial, round_.failed, started, connected_at))
        while True:
            command = await loop.run_in_executor(None, conn.recv)
            if command[0] == "seen":
                await round_.seen_by_all(command[1], command[2])
                conn.send(("seen",))
            else:
                received: dict[int, list[float]] = {}
                for viewer in round_.viewers:
                    for version, at in viewer.received.items():
                        received.setdefault(version, []).append(at)
                lasts = [viewer.last for viewer in round_.viewers]
                conn.send(("results", received, lasts, len(round_.viewers)))
                break
        for viewer in round_.viewers:
            if viewer.transport:
                viewer.transport.close()

    with asyncio.Runner(loop_factory=_loop_factory()) as runner:
        runner.run(main())
    conn.close()


class ViewerPool:
    """A round's viewers, read by child processes.

    Not by the driver: its thread that makes the offers (the service, the panel's
    POST) would wait for the GIL behind thousands of reads, and the offers would go
    out late and bunched (measured at 4,000 viewers: gaps of 37 to 949 ms instead of
    300). Receipt times are ``time.perf_counter()``, CLOCK_MONOTONIC on Linux: one
    clock for every process on the machine.
    """

    def __init__(self, n: int, ports: list[int], token: str, base: int, procs: int):
        import multiprocessing

        context = multiprocessing.get_context("spawn")
        self.conns, self.procs = [], []
        procs = max(1, min(procs, n))
        for i in range(procs):
            count = n // procs + (1 if i < n % procs else 0)
            parent, child = context.Pipe()
            rotated = ports[i % len(ports) :] + ports[: i % len(ports)]
            process = context.Process(
                target=viewer_process, args=(child, count, rotated, token, base), daemon=True
            )
            process.start()
            child.close()
            self.conns.append(parent)
            self.procs.append(process)
        self.executor = ThreadPoolExecutor(len(self.conns), thread_name_prefix="bench-viewers")

    async def _ask(self, command, timeout: float) -> list:
        loop = asyncio.get_running_loop()
        if command is not None:
            for conn in self.conns:
                conn.send(command)

        def recv(conn):
            if not conn.poll(timeout):
                raise CommandError(f"a viewer process did not answer {command!r} in time")
            return conn.recv()

        return await asyncio.gather(
            *(loop.run_in_executor(self.executor, recv, conn) for conn in self.conns)
        )

    async def connected(self) -> tuple[int, int, float]:
        """(viewers with their first state, HTTP errors, seconds from the first
        connection attempt until the last one had it: the processes' start-up aside)."""
        replies = await self._ask(None, 120)
        return (
            sum(reply[1] for reply in replies),
            sum(reply[2] for reply in replies),
            max(reply[4] for reply in replies) - min(reply[3] for reply in replies),
        )

    async def seen(self, version: int, timeout: float) -> None:
        await self._ask(("seen", version, timeout), timeout + 30)

    async def results(self) -> tuple[dict[int, list[float]], list[int], int]:
        received: dict[int, list[float]] = {}
        lasts: list[int] = []
        opened = 0
        for reply in await self._ask(("results",), 60):
            for version, times in reply[1].items():
                received.setdefault(version, []).extend(times)
            lasts += reply[2]
            opened += reply[3]
        return received, lasts, opened

    def close(self) -> None:
        for process in self.procs:
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
        for conn in self.conns:
            conn.close()
        self.executor.shutdown(wait=False)


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


async def run_round(
    stage: Stage,
    n: int,
    *,
    workers: int,
    events: int,
    clicks: int,
    interval: float,
    viewer_procs: int,
    verbose: bool,
) -> list[str]:
    """``workers`` servers, ``n`` viewers spread over them, ``events`` service offers
    then ``clicks`` panel POSTs (to the first server); one line per kind."""
    loop = asyncio.get_running_loop()
    db = ThreadPoolExecutor(1, thread_name_prefix="bench-db")
    env = server_env()  # one secret key: the servers share the panel's login
    ports = [free_port() for _ in range(workers)]
    servers: list[subprocess.Popen] = []
    peaks: list[float] = []
    warm = pool = browser = sampler = None
    lines = []

    async def sample():
        while True:
            for i, server in enumerate(servers):
                peaks[i] = max(peaks[i], rss_mb(server.pid))
            await asyncio.sleep(0.05)

    try:
        await loop.run_in_executor(db, stage.next_item)
        for port in ports:
            servers.append(await start_server(port, env))
            peaks.append(rss_mb(servers[-1].pid))
        sampler = loop.create_task(sample())
        # Warm up: the first request imports and builds what a running server has.
        warm = Round(workers, stage.version)
        await open_viewers(warm, workers, ports, stage.token)
        try:
            await asyncio.wait_for(asyncio.shield(warm.all_initial), 30)
        except TimeoutError:
            raise CommandError("the warm-up viewers got no initial state within 30 s") from None
        for viewer in warm.viewers:
            if viewer.transport:
                viewer.transport.close()
        if clicks:
            browser = PanelBrowser(ports[0], stage)
            await loop.run_in_executor(db, browser.log_in)
        await asyncio.sleep(0.5)

        sent = Round(n, stage.version)  # only its send times: the pool has the viewers
        cpu_before = sum(cpu_s(s.pid) for s in servers)
        pool = ViewerPool(n, ports, stage.token, stage.version, viewer_procs)
        initial, failed, connect_s = await pool.connected()
        cpu_connect = sum(cpu_s(s.pid) for s in servers) - cpu_before
        threads_connected = threads(servers[0].pid)
        await asyncio.sleep(0.5)

        phases = [("fanout", events, stage.offer)]
        if clicks:
            phases.append(("click", clicks, browser.offer))
        done = []
        for kind, count, send in phases:
            cpu_before = sum(cpu_s(s.pid) for s in servers)
            driver_before = cpu_s(os.getpid())
            first_version = stage.version + 1
            first = time.perf_counter()
            for k in range(count):
                await asyncio.sleep(max(0.0, first + k * interval - time.perf_counter()))
                await asyncio.wait_for(loop.run_in_executor(db, send, sent), 30)
            await pool.seen(stage.version, 10)
            cpu_offer = sum(cpu_s(s.pid) for s in servers) - cpu_before
            cpu_driver = cpu_s(os.getpid()) - driver_before
            done.append(
                (kind, count, range(first_version, stage.version + 1), cpu_offer, cpu_driver)
            )
        received, lasts, opened = await pool.results()

        for kind, count, versions, cpu_offer, cpu_driver in done:
            ms = sorted(
                (at - sent.sent[version]) * 1000
                for version in versions
                for at in received.get(version, ())
            )
            lost = n * count - len(ms)
            label = f"live_{kind} viewers={n}"
            if workers > 1:
                label += f" workers={workers}"
            if kind == "fanout":
                label += f" connect_s={connect_s:.2f}"
            line = (
                f"{label} p50_ms={percentile(ms, 50):.1f} p95_ms={percentile(ms, 95):.1f} "
                f"p99_ms={percentile(ms, 99):.1f} lost={lost} server_rss_mb={max(peaks):.0f}"
            )
            if workers > 1:
                line += " worker_rss_mb=" + ",".join(f"{peak:.0f}" for peak in peaks)
            lines.append(line)
            if verbose:
                short = [last for last in lasts if last < versions[-1]]
                times = [sent.sent[v] for v in versions]
                gaps = [round((b - a) * 1000) for a, b in itertools.pairwise(times)]
                posts = sorted(browser.post_ms) if kind == "click" and browser else []
                sys.stderr.write(
                    f"  {kind}: viewers opened={opened} initial={initial} "
                    f"http_errors={failed} short={len(short)} "
                    f"(last version seen: {sorted(set(short))[:10]}); versions "
                    f"{versions[0]}..{versions[-1]}, send gaps ms min={min(gaps, default=0)} "
                    f"max={max(gaps, default=0)}; server threads={threads_connected} "
                    f"cpu_connect_s={cpu_connect:.2f} cpu_offer_s={cpu_offer:.2f} "
                    f"driver_cpu_s={cpu_driver:.2f} load1={os.getloadavg()[0]:.1f} "
                    f"max_ms={max(ms, default=0):.0f}"
                    + (
                        f" post_p50_ms={percentile(posts, 50):.1f} post_max_ms={max(posts):.1f}"
                        if posts
                        else ""
                    )
                    + "\n"
                )
    finally:
        if sampler is not None:
            sampler.cancel()
        for i, server in enumerate(servers):
            peaks[i] = max(peaks[i], rss_mb(server.pid))
        for viewer in warm.viewers if warm is not None else ():
            if viewer.transport:
                viewer.transport.close()
        if pool is not None:
            pool.close()
        if browser is not None:
            browser.close()
        for server in servers:
            stop_server(server)
        await loop.run_in_executor(db, close_db)
        db.shutdown()
    return lines

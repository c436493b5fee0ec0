"""The whole live session in four browsers, against a real ASGI server.

The operator starts an item, the panel makes an offer, the head of the unit
counter-proposes, the panel makes a second offer and the head accepts it. The
projector (display link, no login), the console, the panel and the head's screen
follow every step over server-sent events, without a reload. Half-way, the server
is killed (SIGKILL) and started again on the same port: nothing is lost, and the
screens that stay open reconnect and show the current state again.

The live screens stream from an async view, so this needs uvicorn, not
pytest-django's WSGI ``live_server``; and uvicorn runs in its own process, so it
cannot see the test database. The module therefore builds its own: a fresh
PostgreSQL database next to ``DATABASE_URL`` (when that points at PostgreSQL), or
SQLite in a temporary ``LELANG_DATA_DIR``, migrated and seeded with the demo data
by ``manage.py`` in subprocesses.
"""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from auctions.demo import DAY2, PANEL_LOGIN
from lelang.demo import DEMO_PASSWORD

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
HEAD_LOGIN = "camat.blimbing"  # the head of the first unit on day 2's agenda
OPERATOR_LOGIN = "bappeda"

#: One step must reach every screen within this (a second is the goal; the CI
#: machine is slow, and four browsers share its two cores with the server).
STEP_MS = 3_000
#: After a restart the SSE extension reconnects with backoff.
RECONNECT_MS = 15_000
SERVER_START_SECONDS = 30
MANAGE_TIMEOUT = 180

# Counts the SSE extension's events on every page (the init script runs again on a
# reload, but ``window.__no_reload`` would be gone then).
SSE_PROBE = """
window.__sse = {opens: 0, messages: 0, errors: 0};
document.addEventListener("htmx:sseOpen", function () { window.__sse.opens += 1; });
document.addEventListener("htmx:sseMessage", function () { window.__sse.messages += 1; });
document.addEventListener("htmx:sseError", function () { window.__sse.errors += 1; });
"""

# What the test needs to know about the seeded session, printed as JSON.
SESSION_QUERY = f"""
import json
from auctions.models import Session
from auctions.selectors import current_head_official, ready_indicators
session = Session.objects.get(title={DAY2["title"]!r})
item = session.items.filter(state="waiting").order_by("order", "pk").first()
(opd, indicators), = ready_indicators(item).items()
print(json.dumps({{
    "session": session.pk,
    "token": session.display_token,
    "status": session.status,
    "item": item.title,
    "opd": opd.name,
    "head": current_head_official(opd).user.username,
    "last_year": session.auction.period.end_year,
    "indicators": [{{"id": i.pk, "name": i.name, "unit": i.unit}} for i in indicators],
}}))
"""


# --- the server and its database ------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _manage(env: dict, *args: str) -> str:
    """Run ``manage.py`` in a subprocess; its stdout, or a failure with its output."""
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=MANAGE_TIMEOUT,
        check=False,
    )
    if done.returncode != 0:
        pytest.fail(
            f"manage.py {' '.join(args[:1])} failed ({done.returncode}):\n"
            f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )
    return done.stdout


@contextmanager
def _fresh_database(env: dict, data_dir: Path):
    """A database of our own: PostgreSQL next to DATABASE_URL, else SQLite in data_dir."""
    env["LELANG_DATA_DIR"] = str(data_dir)
    url = os.environ.get("DATABASE_URL", "")
    if not url or not urlsplit(url).scheme.startswith(("postgres", "pgsql")):
        env.pop("DATABASE_URL", None)
        yield "sqlite"
        return

    import dj_database_url
    import psycopg
    from psycopg import sql

    config = dj_database_url.parse(url)
    params = {
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
        "dbname": config.get("NAME") or "postgres",
        **{k: v for k, v in (config.get("OPTIONS") or {}).items() if isinstance(v, str | int)},
    }
    params = {k: v for k, v in params.items() if v is not None}
    name = f"lelang_e2e_{os.getpid()}"
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    with psycopg.connect(**params, autocommit=True) as conn:
        conn.execute(drop)
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    env["DATABASE_URL"] = urlsplit(url)._replace(path=f"/{name}").geturl()
    try:
        yield "postgresql"
    finally:
        with psycopg.connect(**params, autocommit=True) as conn:
            conn.execute(drop)


class Uvicorn:
    """``uvicorn lelang.asgi:application`` in a subprocess, on a fixed port."""

    def __init__(self, env: dict, port: int, log_path: Path):
        self.env, self.port, self.log_path = env, port, log_path
        self.url = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        with self.log_path.open("ab") as log:
            log.write(f"\n--- start {self.starts} ---\n".encode())
            log.flush()
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    "lelang.asgi:application",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--lifespan",
                    "off",
                    "--no-access-log",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self._wait_until_ready()

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while True:
            if self.process.poll() is not None:
                pytest.fail(f"uvicorn exited ({self.process.returncode}):\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/accounts/login/", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except urllib.error.HTTPError as error:
                pytest.fail(f"/accounts/login/ answered {error.code}:\n{self.log_tail()}")
            except OSError:
                pass  # not listening yet
            if time.monotonic() > deadline:
                self.stop()
                pytest.fail(
                    f"uvicorn did not answer in {SERVER_START_SECONDS}s:\n{self.log_tail()}"
                )
            time.sleep(0.1)

    def kill(self) -> None:
        """A crash: SIGKILL, no shutdown of any kind."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:  # open streams keep it from finishing
            self.process.kill()
            self.process.wait(timeout=10)

    def log_tail(self, chars: int = 4000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:]

    def last_traceback(self) -> str:
        log = self.log_path.read_text(errors="replace")
        start = log.rfind("Traceback (most recent call last)")
        return log[start:][-4000:] if start >= 0 else ""


@dataclass
class LiveApp:
    server: Uvicorn
    database: str
    session: int
    token: str
    status: str
    item: str
    opd: str
    head: str
    last_year: int
    indicators: list


@pytest.fixture(scope="module")
def live_app(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("live-session")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lelang.settings",
        "DJANGO_DEBUG": "1",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PYTHONUNBUFFERED": "1",
    }
    # tests/e2e/conftest.py allows sync ORM calls in this process; the server must
    # run as it does in production, where such a call in async code is an error.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    with _fresh_database(env, data_dir) as database:
        _manage(env, "migrate", "--no-input", "-v", "0")
        _manage(env, "seed_demo", "--quiet-logins")
        info = json.loads(_manage(env, "shell", "-v", "0", "-c", SESSION_QUERY).splitlines()[-1])
        server = Uvicorn(env, _free_port(), data_dir / "uvicorn.log")
        try:
            server.start()
            yield LiveApp(server=server, database=database, **info)
        finally:
            server.stop()


# --- the screens ---------------------------------------------------------------------------


@dataclass
class Screen:
    """One browser context on one live screen."""

    name: str
    page: Page
    live: str  # the selector of the region the server pushes into
    errors: list = field(default_factory=list)
    tolerate_errors: bool = False
    failed_requests: list = field(default_factory=list)
    composer_loads: int = 0

    def region(self):
        return self.page.locator(self.live)

    def sse(self) -> dict:
        return self.page.evaluate("window.__sse")


def _open(browser, app: LiveApp, name: str, path: str, live: str, login: str | None) -> Screen:
    context = browser.new_context(base_url=app.server.url, locale="id-ID")
    context.set_default_timeout(10_000)
    context.add_init_script(SSE_PROBE)
    page = context.new_page()
    screen = Screen(name, page, live)

    def console_error(message):
        # A failed request is logged as "Failed to load resource" without its address;
        # the response handler below records it with the address.
        failed_load = message.text.startswith("Failed to load resource")
        if message.type == "error" and not screen.tolerate_errors and not failed_load:
            screen.errors.append(message.text)

    page.on("console", console_error)
    page.on("pageerror", lambda error: screen.errors.append(f"page error: {error}"))

    def response(answer):
        if answer.status >= 400:
            screen.failed_requests.append(f"{answer.status} {answer.request.method} {answer.url}")

    def request(sent):
        if sent.method == "GET" and sent.headers.get("hx-request") and "/panel/" in sent.url:
            screen.composer_loads += 1

    page.on("response", response)
    page.on("request", request)
    if login:
        page.goto("/accounts/login/")
        page.get_by_label("Nama pengguna").fill(login)
        page.get_by_label("Sandi").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Masuk").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Selamat datang")
    page.goto(path)
    page.evaluate("window.__no_reload = true")
    return screen


class Steps:
    """Times each step from the click that makes it to its arrival on each screen."""

    def __init__(self):
        self.timings: list[tuple[str, str, float]] = []
        self.name, self.started = "", 0.0

    def begin(self, name: str) -> None:
        self.name, self.started = name, time.monotonic()

    def seen(self, screen: Screen, locator, text: str, timeout: int = STEP_MS) -> None:
        expect(locator).to_contain_text(text, timeout=timeout)
        self.timings.append((self.name, screen.name, time.monotonic() - self.started))

    def report(self) -> str:
        return "\n".join(
            f"  {step:<28} {screen:<10} {s:5.2f} s" for step, screen, s in self.timings
        )


def test_the_live_journey_survives_a_server_crash(browser, live_app):
    app = live_app
    assert (app.status, app.item, app.head) == ("planned", app.opd, HEAD_LOGIN)
    percent = next((i for i in app.indicators if i["unit"].strip() == "%"), app.indicators[0])
    ind, year = percent["id"], app.last_year
    session = f"/sesi/{app.session}"

    screens: list[Screen] = []
    steps = Steps()
    try:
        for name, path, live, login in [
            ("console", f"{session}/konsol/", "#console-live", OPERATOR_LOGIN),
            ("projector", f"/layar/{app.token}/", "#projector-live", None),
            ("panel", f"{session}/panel/", "#panel-live", PANEL_LOGIN),
            ("head", f"{session}/jawab/", "#answer-live", HEAD_LOGIN),
        ]:
            screens.append(_open(browser, app, name, path, live, login))
        console, projector, panel, head = screens

        # Every screen is connected and got its first state before anything happens.
        for screen in screens:
            # A function, not an expression: Playwright would eval() an expression in
            # the page, which the Content-Security-Policy forbids.
            screen.page.wait_for_function("() => __sse.opens >= 1 && __sse.messages >= 1")
        expect(projector.region().locator(".screen__agenda")).to_contain_text(app.item)
        expect(head.region()).to_contain_text("Belum ada yang tampil di panggung")

        # 1. The operator puts the first waiting item on stage.
        steps.begin("start")
        console.page.locator("button[hx-post$='/start/']").first.click()
        expect(console.page.locator("#flash")).to_contain_text("sekarang di panggung")
        stage = console.region().locator(".console__stage")
        steps.seen(console, stage, app.item)
        expect(stage.locator(".status--presenting")).to_be_visible()
        steps.seen(projector, projector.region().locator(".screen__title"), app.item)
        steps.seen(panel, panel.region().locator(".stage-title"), app.item)
        steps.seen(head, head.region(), "Tunggu penawaran dari panel")
        offer_form = panel.page.locator("form.offer-form")
        steps.seen(panel, offer_form, app.opd)

        # The offer form was reloaded for the new stage; now it stays put while the
        # panel types (it reloads only when the stage changes).
        loads = panel.composer_loads
        offer_form.locator(f"input[name$='-t_{ind}_{year}']").fill("66")
        panel.page.wait_for_timeout(1_000)
        assert panel.composer_loads == loads, (
            f"the panel's offer form reloaded itself {panel.composer_loads - loads} times "
            "in one second without any change on stage, wiping what the panel typed"
        )
        expect(offer_form.locator(f"input[name$='-t_{ind}_{year}']")).to_have_value("66")

        # 2. The panel issues offer version 1, more ambitious than the unit's proposal.
        offer_form.locator("input[name$='-note']").fill("Penawaran awal panel")
        steps.begin("offer v1")
        offer_form.locator("button[type=submit]").click()
        steps.seen(head, head.region().locator("h2"), "Penawaran versi 1")
        steps.seen(projector, projector.region().locator(".screen__state"), "Penawaran 1 diajukan")
        targets = projector.region().locator(".screen__indicator", has_text=percent["name"])
        expect(targets.locator(".screen__targets td").last).to_have_text("66")
        steps.seen(console, stage, "penawaran versi 1: menunggu jawaban")
        steps.seen(panel, panel.region(), "versi 1 menunggu jawaban")
        expect(head.page.locator("form.answer__form")).to_be_visible()

        # 3. The server crashes mid-negotiation and comes back on the same port. The
        # screens stay open; each reconnects and is sent the current state afresh.
        opens = {screen.name: screen.sse()["opens"] for screen in screens}
        for screen in screens:
            screen.tolerate_errors = True  # the browser reports the broken streams
            screen.page.evaluate(
                "selector => document.querySelector(selector).firstElementChild"
                ".setAttribute('data-before-crash', '')",
                screen.live,
            )
        app.server.kill()
        steps.begin("crash and restart")
        app.server.start()
        for screen in screens:
            stale = screen.page.locator(f"{screen.live} > [data-before-crash]")
            expect(stale).to_have_count(0, timeout=RECONNECT_MS)
            screen.page.wait_for_function(
                "before => __sse.opens > before", arg=opens[screen.name], timeout=RECONNECT_MS
            )
        steps.seen(projector, projector.region().locator(".screen__state"), "Penawaran 1 diajukan")
        expect(targets.locator(".screen__targets td").last).to_have_text("66")
        steps.seen(head, head.region().locator("h2"), "Penawaran versi 1")
        steps.seen(console, stage, "penawaran versi 1: menunggu jawaban")
        steps.seen(panel, panel.region(), "versi 1 menunggu jawaban")
        for screen in screens:
            screen.tolerate_errors = False
        # A push re-renders the head's form; let the reconnection's pushes pass first.
        _wait_until_quiet(head)

        # 4. The head counter-proposes, with a reason, confirming with the password.
        answer = head.page.locator("form.answer__form")
        # Before a choice only the password shows; a counter-proposal reveals its values.
        expect(answer.locator(f"input[name='c-c_{ind}_{year}']")).to_be_hidden()
        answer.locator("input[name='c-kind'][value='counter']").check()
        expect(answer.locator("#c-reason-category")).to_be_hidden()
        answer.locator(f"input[name='c-c_{ind}_{year}']").fill("58")
        reason = "Anggaran kelurahan 2023 belum cukup untuk target setinggi itu."
        answer.locator("#c-reason").fill(reason)
        answer.locator("#c-password").fill(DEMO_PASSWORD)
        steps.begin("counter-proposal")
        answer.locator("button[type=submit]").click()
        expect(head.page.locator("#answer-flash")).to_contain_text("untuk versi 1 sudah dicatat")
        steps.seen(head, head.region(), "Versi 1 sudah dijawab: usulan balik")
        steps.seen(
            projector,
            projector.region().locator(".screen__state"),
            "Penawaran 1: usulan balik",
        )
        steps.seen(console, stage, "penawaran versi 1: usulan balik")
        steps.seen(panel, panel.region(), reason)
        # The panel's composer follows the stage: the next version, from the counter.
        steps.seen(panel, offer_form, "ini akan menjadi versi 2")
        counter_box = offer_form.locator(f"input[name$='-t_{ind}_{year}']")
        expect(counter_box).to_have_value(_number("58"))

        # 5. The panel issues version 2, between its offer and the counter-proposal.
        counter_box.fill("62")
        steps.begin("offer v2")
        offer_form.locator("button[type=submit]").click()
        steps.seen(head, head.region().locator("h2"), "Penawaran versi 2")
        steps.seen(projector, projector.region().locator(".screen__state"), "Penawaran 2 diajukan")
        expect(targets.locator(".screen__targets td").last).to_have_text("62")
        steps.seen(console, stage, "penawaran versi 2: menunggu jawaban")
        steps.seen(panel, panel.region(), "versi 2 menunggu jawaban")

        # 6. The head accepts version 2, again with the password.
        answer.locator("input[name='c-kind'][value='accept']").check()
        answer.locator("#c-password").fill(DEMO_PASSWORD)
        steps.begin("acceptance")
        answer.locator("button[type=submit]").click()
        expect(head.page.locator("#answer-flash")).to_contain_text("untuk versi 2 sudah dicatat")
        verdict = projector.region().locator(".verdict--accepted")
        steps.seen(projector, verdict, "DITERIMA")
        steps.seen(head, head.region(), "Versi 2 sudah dijawab: diterima")
        steps.seen(console, stage, "penawaran versi 2: diterima")
        expect(stage.locator(".status--accepted")).to_be_visible()
        steps.seen(panel, panel.region(), "versi 2: diterima")

        # No screen was reloaded, nothing broke on any of them.
        for screen in screens:
            assert screen.page.evaluate("window.__no_reload") is True, screen.name
        problems = {screen.name: screen.errors + screen.failed_requests for screen in screens}
        assert problems == {screen.name: [] for screen in screens}
    finally:
        print(f"\nlive journey ({app.database}), time from action to screen:\n{steps.report()}")
        failed = [f"{s.name}: {r}" for s in screens for r in s.failed_requests]
        if failed:
            print("\nrequests the server failed:\n  " + "\n  ".join(failed))
            print(f"\nthe server's last traceback:\n{app.server.last_traceback()}")
        for screen in screens:
            screen.page.context.close()


def _wait_until_quiet(screen: Screen, quiet: float = 0.5, limit: float = 5.0) -> None:
    """Until the screen has had no pushed update for ``quiet`` seconds."""
    deadline = time.monotonic() + limit
    seen, calm_since = screen.sse()["messages"], time.monotonic()
    while time.monotonic() - calm_since < quiet:
        assert time.monotonic() < deadline, f"the {screen.name} screen keeps being updated"
        screen.page.wait_for_timeout(100)
        now = screen.sse()["messages"]
        if now != seen:
            seen, calm_since = now, time.monotonic()


def _number(value: str) -> re.Pattern:
    """A form value as the server writes it back: "58", "58,0" or "58,0000"."""
    return re.compile(rf"^{re.escape(value)}(,0+)?$")

"""What the live-session browser tests share: a real uvicorn server over a seeded demo
database, and browser screens that follow it (not a test module).

The live screens stream from an async view, so they need uvicorn, not pytest-django's
WSGI ``live_server``; and uvicorn runs in its own process, so it cannot see the test
database. :func:`seeded_server` therefore builds one of its own: a fresh PostgreSQL
database next to ``DATABASE_URL`` (when that points at PostgreSQL), or SQLite in a
temporary ``LELANG_DATA_DIR``, migrated and seeded with the demo data by ``manage.py``
in subprocesses. The server is started with the very command ``make run`` uses
(read from the Makefile), so what these tests see is what a developer's Ctrl+C sees.
"""

import json
import os
import re
import shlex
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

from auctions.demo import FOLLOW_UP
from lelang.demo import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
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

# What the tests need to know about the seeded session, printed as JSON.
SESSION_QUERY = f"""
import json
from auctions.models import Session
from auctions.selectors import current_head_official, ready_indicators
session = Session.objects.get(title={FOLLOW_UP["title"]!r})
item = session.items.filter(state="waiting").order_by("order", "pk").first()
(opd, indicators), = ready_indicators(item).items()
print(json.dumps({{
    "session": session.pk,
    "token": session.display_token,
    "status": session.status,
    "item": item.title,
    "item_id": item.pk,
    "opd": opd.name,
    "opd_id": opd.pk,
    "head": current_head_official(opd).user.username,
    "last_year": session.auction.period.end_year,
    "indicators": [
        {{"id": i.pk, "name": i.name, "unit": i.unit, "polarity": i.polarity}} for i in indicators
    ],
}}))
"""


# --- the server and its database ------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_run_command(port: int, host: str = "127.0.0.1") -> list[str]:
    """The uvicorn command of ``make run``, as the Makefile has it, on ``host:port``."""
    makefile = (ROOT / "Makefile").read_text()
    recipe = re.search(r"^run:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert recipe, "the Makefile has no run target"
    lines = recipe[1].replace("\\\n", " ").splitlines()  # join continued lines
    line = next((ln for ln in lines if "/uvicorn " in ln), None)
    assert line, "make run does not start uvicorn"
    words = shlex.split(line.strip())
    assert words[0] == "$(BIN)/uvicorn", words[0]
    values = {"$(HOST)": host, "$(PORT)": str(port)}
    args = [values.get(word, word) for word in words[1:]]
    assert not [word for word in args if "$(" in word], f"unknown make variable in {line}"
    return [sys.executable, "-m", "uvicorn", *args]


def manage(env: dict, *args: str) -> str:
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
def fresh_database(env: dict, data_dir: Path, name: str):
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
    name = f"lelang_e2e_{name}_{os.getpid()}"
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
    """``make run``'s uvicorn command in a subprocess, on a fixed port."""

    def __init__(self, env: dict, port: int, log_path: Path, workers: int = 1):
        self.env, self.port, self.log_path = env, port, log_path
        self.workers = workers  # above 1: uvicorn's --workers, processes sharing the port
        self.url = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        with self.log_path.open("ab") as log:
            log.write(f"\n--- start {self.starts} ---\n".encode())
            log.flush()
            command = make_run_command(self.port)
            if self.workers > 1:
                command += ["--workers", str(self.workers)]
            self.process = subprocess.Popen(
                command,
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

    def terminate(self, signum: int = signal.SIGTERM, limit: float = 10.0) -> float:
        """Ask the server to stop (as systemd or Ctrl+C does); seconds until it exited.

        A server still running after ``limit`` seconds is killed, and the test fails.
        """
        started = time.monotonic()
        self.process.send_signal(signum)
        try:
            self.process.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
            pytest.fail(f"uvicorn was still running {limit:.0f}s after {signum!r}")
        return time.monotonic() - started

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
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
    env: dict
    # The demo's follow-up session (empty when the server was started without the demo).
    session: int = 0
    token: str = ""
    status: str = ""
    item: str = ""
    item_id: int = 0
    opd: str = ""
    opd_id: int = 0
    head: str = ""
    last_year: int = 0
    indicators: list = field(default_factory=list)

    def shell(self, code: str) -> str:
        """Run Python in ``manage.py shell`` against the server's database."""
        return manage(self.env, "shell", "-v", "0", "-c", code)


@contextmanager
def seeded_server(
    tmp_path_factory, name: str, *, documents: bool = False, demo: bool = True, workers: int = 1
):
    """A migrated, seeded database of its own and uvicorn serving it: a LiveApp.
    ``documents``: the demo's signed documents too (some 20 s more). ``demo=False``:
    migrated only, no demo data at all (an empty database, as on a new installation)."""
    data_dir = tmp_path_factory.mktemp(name)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lelang.settings",
        "DJANGO_DEBUG": "1",
        "LELANG_DEMO_DOCUMENTS": "1" if documents else "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PYTHONUNBUFFERED": "1",
    }
    # tests/e2e/conftest.py allows sync ORM calls in this process; the server must
    # run as it does in production, where such a call in async code is an error.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    with fresh_database(env, data_dir, name.replace("-", "_")) as database:
        manage(env, "migrate", "--no-input", "-v", "0")
        info = {}
        if demo:
            manage(env, "seed_demo", "--quiet-logins")
            query = manage(env, "shell", "-v", "0", "-c", SESSION_QUERY)
            info = json.loads(query.splitlines()[-1])
        server = Uvicorn(env, free_port(), data_dir / "uvicorn.log", workers=workers)
        try:
            server.start()
            yield LiveApp(server=server, database=database, env=env, **info)
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


def open_screen(
    browser,
    app: LiveApp,
    name: str,
    path: str,
    live: str,
    login: str | None,
    *,
    password: str = DEMO_PASSWORD,
    viewport: dict | None = None,
) -> Screen:
    context = browser.new_context(
        base_url=app.server.url, locale="id-ID", **({"viewport": viewport} if viewport else {})
    )
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
        page.get_by_label("Sandi").fill(password)
        page.get_by_role("button", name="Masuk").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Selamat datang")
    page.goto(path)
    page.evaluate("window.__no_reload = true")
    return screen


def wait_until_connected(screen: Screen) -> None:
    """Until the screen's stream is open and has brought its first state."""
    # A function, not an expression: Playwright would eval() an expression in the
    # page, which the Content-Security-Policy forbids.
    screen.page.wait_for_function("() => __sse.opens >= 1 && __sse.messages >= 1")


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


def wait_until_quiet(screen: Screen, quiet: float = 0.5, limit: float = 5.0) -> None:
    """Until the screen has had no pushed update for ``quiet`` seconds."""
    deadline = time.monotonic() + limit
    seen, calm_since = screen.sse()["messages"], time.monotonic()
    while time.monotonic() - calm_since < quiet:
        assert time.monotonic() < deadline, f"the {screen.name} screen keeps being updated"
        screen.page.wait_for_timeout(100)
        now = screen.sse()["messages"]
        if now != seen:
            seen, calm_since = now, time.monotonic()


def number(value: str) -> re.Pattern:
    """A form value as the server writes it back: "58", "58,0" or "58,0000"."""
    return re.compile(rf"^{re.escape(value)}(,0+)?$")

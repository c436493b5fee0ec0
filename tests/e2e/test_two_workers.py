"""Two uvicorn workers behind one port, as on a production machine (docs/deploy.md).

The screens of one session land on both workers (the kernel hands each connection to
whichever worker accepts it); an offer sent through one worker must reach every
screen, including those streaming from the other, through PostgreSQL LISTEN/NOTIFY
(or Redis when REDIS_URL is set). Each worker's listening connection is named
``lelang-events-<pid>``; the test opens projectors until both workers hold one,
so it knows the streams really are split. PostgreSQL only: SQLite has no channel
between processes (one worker is its only supported setup).
"""

import os
import time
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from auctions.demo import PANEL_LOGIN
from tests.e2e.live import (
    OPERATOR_LOGIN,
    STEP_MS,
    Screen,
    open_screen,
    seeded_server,
    wait_until_connected,
)
from tests.e2e.test_restart import _send_offer

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not urlsplit(os.environ.get("DATABASE_URL", "")).scheme.startswith("postgres"),
        reason="two workers share events through PostgreSQL: run with DATABASE_URL",
    ),
]

MAX_PROJECTORS = 10


@pytest.fixture(scope="module")
def live_app(tmp_path_factory):
    with seeded_server(tmp_path_factory, "two-workers", workers=2) as app:
        app.shell(
            "from django.contrib.auth import get_user_model\n"
            "from auctions.models import AgendaItem\n"
            "from auctions.services import item_start\n"
            f"item_start(item=AgendaItem.objects.get(pk={app.item_id}),\n"
            f"           user=get_user_model().objects.get(username={OPERATOR_LOGIN!r}))\n"
        )
        yield app


def _listeners(app) -> set[str]:
    """The workers' event listeners connected to the app's database."""
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(app.env["DATABASE_URL"])
    with psycopg.connect(
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        dbname=config["NAME"],
        autocommit=True,
    ) as conn:
        rows = conn.execute(
            "SELECT application_name FROM pg_stat_activity "
            "WHERE datname = current_database() AND application_name LIKE 'lelang-events-%%'"
        ).fetchall()
    return {name for (name,) in rows}


def test_an_offer_reaches_screens_on_both_workers(browser, live_app):
    app = live_app
    session = f"/sesi/{app.session}"
    screens: list[Screen] = []
    try:
        panel = open_screen(browser, app, "panel", f"{session}/panel/", "#panel-live", PANEL_LOGIN)
        console = open_screen(
            browser, app, "console", f"{session}/konsol/", "#console-live", OPERATOR_LOGIN
        )
        screens += [panel, console]
        for screen in screens:
            wait_until_connected(screen)
        projectors: list[Screen] = []
        while len(_listeners(app)) < 2 and len(projectors) < MAX_PROJECTORS:
            projector = open_screen(
                browser, app, f"projector-{len(projectors)}", f"/layar/{app.token}/",
                "#projector-live", None,
            )  # fmt: skip
            wait_until_connected(projector)
            projectors.append(projector)
            screens.append(projector)
            time.sleep(0.2)  # the listener connects just after the first stream opens
        listeners = _listeners(app)
        assert len(listeners) == 2, (
            f"after {len(projectors)} projectors the streams are on {sorted(listeners)}"
        )

        _send_offer(panel, panel.page.locator("form.offer-form"))
        for projector in projectors:
            expect(projector.region().locator(".screen__state")).to_contain_text(
                "Penawaran 1", timeout=STEP_MS
            )
        expect(console.region()).to_contain_text(
            "penawaran versi 1: menunggu jawaban", timeout=STEP_MS
        )
        print(f"\ntwo workers {sorted(listeners)}: {len(projectors)} projectors followed")
        problems = {s.name: s.errors + s.failed_requests for s in screens if s.errors}
        assert problems == {}
    finally:
        for screen in screens:
            screen.page.context.close()

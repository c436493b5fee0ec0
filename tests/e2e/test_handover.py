"""A refusal in the room, and the position handed to a Plt. appointed from the console.

The demo's follow-up session, the first unit on stage, the panel's offer out. The head answers
*Tidak sanggup* on a phone. The operator's console offers the hand-over; Bappeda
creates a new official on the spot (a login with a one-time password, shown once)
and appoints them Plt. The former head's phone changes to "Diserahkan kepada …"
without a reload. The panel makes a new offer; the Plt. logs in on their own phone
with the one-time password and answers *Sanggup*; the console shows the item accepted.
"""

import re

import pytest
from playwright.sync_api import expect

from lelang.demo import DEMO_PASSWORD
from tests.e2e.live import (
    OPERATOR_LOGIN,
    STEP_MS,
    Screen,
    open_screen,
    seeded_server,
    wait_until_connected,
)

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
PLT_NAME = "Rahmat Hidayat (contoh)"
PLT_LOGIN = "plt.e2e"

OFFER = """
from django.contrib.auth import get_user_model
from auctions.models import AgendaItem
from auctions.selectors import ready_indicators
from auctions import services
item = AgendaItem.objects.get(pk={item})
(opd, indicators), = ready_indicators(item).items()
values = {{
    (i.pk, y): (i.target_value if i.target_value is not None else i.baseline_value)
    for i in indicators for y in range(2019, 2024)
}}
services.offer_issue(item=item, opd=opd, deadline_year=2023, values=values, send_anyway=True,
                     user=get_user_model().objects.get(username="walikota"))
"""

START = """
from django.contrib.auth import get_user_model
from auctions.models import AgendaItem
from auctions.services import item_start
item_start(item=AgendaItem.objects.get(pk={item}),
           user=get_user_model().objects.get(username={login!r}))
"""


@pytest.fixture(scope="module")
def live_app(tmp_path_factory):
    with seeded_server(tmp_path_factory, "handover") as app:
        app.shell(START.format(item=app.item_id, login=OPERATOR_LOGIN))
        app.shell(OFFER.format(item=app.item_id))
        yield app


def test_a_plt_appointed_from_the_console_answers_after_a_refusal(browser, live_app):
    app = live_app
    session = f"/sesi/{app.session}"
    screens: list[Screen] = []
    try:
        console = open_screen(
            browser, app, "console", f"{session}/konsol/", "#console-live", OPERATOR_LOGIN
        )
        head = open_screen(
            browser, app, "head", f"{session}/jawab/", "#answer-live", app.head, viewport=PHONE
        )
        screens += [console, head]
        for screen in screens:
            wait_until_connected(screen)

        # The head refuses, on the phone.
        answer = head.region()
        answer.locator("input[name='c-kind'][value='refuse']").check()
        answer.locator("#c-reason-category").select_option("budget")
        answer.locator("#c-reason").fill("Anggaran kegiatan belum tersedia")
        answer.locator("#c-password").fill(DEMO_PASSWORD)
        answer.locator("button[type=submit]").click()

        # The console offers the hand-over; Bappeda creates the Plt. on the spot.
        form = console.page.locator("form.handover")
        expect(form).to_be_visible(timeout=STEP_MS)
        form.locator("input[name='mode'][value='new']").check()
        form.get_by_label("Nama lengkap").fill(PLT_NAME)
        form.get_by_label("NIP (18 angka)").fill("197805122003121009")
        form.get_by_label("Jabatan sendiri").fill("Sekretaris Dinas Sosial (contoh)")
        form.get_by_label("Nama pengguna untuk masuk").fill(PLT_LOGIN)
        form.get_by_role("button", name="Tunjuk sebagai Plt.").click()
        flash = console.page.locator("#flash")
        expect(flash).to_contain_text("kata sandi sekali pakai", timeout=STEP_MS)
        password = re.search(r"kata sandi sekali pakai: (\S+) —", flash.inner_text())[1]
        expect(console.region()).to_contain_text(PLT_NAME, timeout=STEP_MS)

        # The former head's phone says who answers now, without a reload.
        expect(head.region()).to_contain_text(f"Diserahkan kepada {PLT_NAME}", timeout=STEP_MS)
        expect(head.region().locator("#c-password")).to_have_count(0)
        assert head.page.evaluate("window.__no_reload") is True

        # A new offer; the Plt. answers Sanggup on their own phone.
        app.shell(OFFER.format(item=app.item_id))
        plt = open_screen(
            browser,
            app,
            "plt",
            f"{session}/jawab/",
            "#answer-live",
            PLT_LOGIN,
            password=password,
            viewport=PHONE,
        )
        screens.append(plt)
        wait_until_connected(plt)
        answer = plt.region()
        answer.locator("input[name='c-kind'][value='accept']").check()
        answer.locator("#c-password").fill(password)
        answer.locator("button[type=submit]").click()
        expect(console.region().locator(".stage-title")).to_contain_text(
            "Diterima", timeout=STEP_MS
        )
        expect(head.region()).to_contain_text(f"Diserahkan kepada {PLT_NAME}")
        for screen in screens:
            assert screen.errors == [], (screen.name, screen.errors)
    finally:
        for screen in screens:
            screen.page.context.close()

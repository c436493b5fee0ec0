"""The mayor composes an offer on a laptop and the unit's head answers on a phone.

The ambition check runs while the mayor types (no offer is sent), sending with a
warning asks for "Kirim tetap" and loses nothing typed, a reload of the composer keeps
what was typed, and the head's double tap records one answer, shown as a success.
"""

import pytest
from playwright.sync_api import expect

from auctions.demo import PANEL_LOGIN
from lelang.demo import DEMO_PASSWORD
from tests.e2e.live import (
    OPERATOR_LOGIN,
    STEP_MS,
    open_screen,
    seeded_server,
    wait_until_connected,
)

pytestmark = pytest.mark.e2e

HEAD_LOGIN = "kepala.dinsos"
DECISIONS = (
    "from auctions.models import Decision; "
    "print(list(Decision.objects.filter(offer__negotiation__item_id={item})"
    ".values_list('kind', flat=True)))"
)

# Records whether the answer's button was disabled while its request was on its way.
SEND_BUTTON_PROBE = """() => document.addEventListener("htmx:beforeSend", (event) => {
    const form = event.target.closest("form.answer__form");
    if (form) {
        const button = form.querySelector("button[type=submit]");
        window.__sendButton = button.disabled ? "disabled while sending" : "enabled";
    }
})"""


@pytest.fixture(scope="module")
def live_app(tmp_path_factory):
    with seeded_server(tmp_path_factory, "panel-answer") as app:
        # On stage before any screen opens: every page then loads the current state.
        app.shell(
            "from django.contrib.auth import get_user_model; "
            "from auctions import services; from auctions.models import AgendaItem; "
            f"services.item_start(item=AgendaItem.objects.get(pk={app.item_id}), "
            f"user=get_user_model().objects.get(username={OPERATOR_LOGIN!r}))"
        )
        yield app


def _size(screen, width, height):
    screen.page.set_viewport_size({"width": width, "height": height})


def test_the_mayor_is_warned_while_typing_and_the_head_answers_once(browser, live_app):
    app = live_app
    percent = next(i for i in app.indicators if i["unit"].strip() == "%")
    session = f"/sesi/{app.session}"
    panel = open_screen(browser, app, "panel", f"{session}/panel/", "#panel-live", PANEL_LOGIN)
    head = open_screen(browser, app, "head", f"{session}/jawab/", "#answer-live", HEAD_LOGIN)
    try:
        _size(panel, 1280, 720)
        _size(head, 390, 844)
        for screen in (panel, head):
            wait_until_connected(screen)
        form = panel.page.locator("form.offer-form")
        warnings = form.locator(".offer-warnings")
        expect(warnings).to_contain_text("Tidak ada peringatan")

        # 1. A slip of the finger: 1,5 where the trajectory is near 49. Warned as typed.
        cell = form.locator(f"input[name$='-t_{percent['id']}_2020']")
        cell.fill("")
        cell.press_sequentially("1,5", delay=50)
        form.locator("input[name$='-note']").fill("Mohon dipercepat")
        expect(warnings).to_contain_text(
            f"{percent['name']} 2020: 1,5 melompat tidak wajar", timeout=STEP_MS
        )
        expect(form.locator("td.cell--warning input")).to_have_value("1,5")
        expect(head.region()).to_contain_text("Tunggu penawaran dari panel")  # nothing sent

        # 2. The composer reloads (the stage changed): what was typed stays.
        panel.page.evaluate("() => htmx.trigger('#composer', 'refresh')")
        expect(form.locator(f"input[name$='-t_{percent['id']}_2020']")).to_have_value("1,5")
        expect(form.locator("input[name$='-note']")).to_have_value("Mohon dipercepat")
        expect(form.locator(".offer-warnings")).to_contain_text("melompat tidak wajar")

        # 3. Sending asks for "Kirim tetap", with everything typed still in place.
        form.get_by_role("button", name="Kirim penawaran").click()
        expect(form.locator(".offer-warnings")).to_contain_text("Belum dikirim")
        expect(form.locator(f"input[name$='-t_{percent['id']}_2020']")).to_have_value("1,5")
        expect(head.region()).to_contain_text("Tunggu penawaran dari panel")
        form.get_by_role("button", name="Kirim tetap").click()
        expect(panel.page.locator("#flash")).to_contain_text("Penawaran versi 1 dikirim")

        # 4. The head's phone: the pact's words, who is to answer, then a double tap.
        expect(head.region().locator("h2")).to_contain_text("Penawaran versi 1", timeout=STEP_MS)
        region = head.region()
        expect(region).to_contain_text("Menunggu jawaban dari")
        expect(region).not_to_contain_text("Dijawab oleh")
        answer = head.page.locator("form.answer__form")
        answer.locator("label.choice--accept").click()  # the whole card is the target
        expect(answer.locator("label.choice--accept")).to_contain_text("Sanggup")
        answer.locator("#c-password").fill(DEMO_PASSWORD)
        head.page.evaluate(SEND_BUTTON_PROBE)
        answer.get_by_role("button", name="Kirim jawaban saya").dblclick()
        done = region.locator(".answer__recorded")
        expect(done).to_contain_text("Versi 1 sudah dijawab: sanggup.", timeout=STEP_MS)
        expect(done).to_be_in_viewport()
        expect(region).to_contain_text("Dijawab oleh")
        expect(head.page.locator(".alert--error")).to_have_count(0)
        assert head.page.evaluate("() => window.__sendButton") == "disabled while sending"
        assert app.shell(DECISIONS.format(item=app.item_id)).strip() == "['accept']"

        problems = {s.name: s.errors + s.failed_requests for s in (panel, head)}
        assert problems == {"panel": [], "head": []}
    finally:
        for screen in (panel, head):
            screen.page.context.close()


THEME_ON_STAGE = """
from django.contrib.auth import get_user_model
from auctions import services
from auctions.models import Session
from auctions.states import ACTIVE_STATES
operator = get_user_model().objects.get(username={operator!r})
session = Session.objects.get(pk={session})
later = Session.objects.exclude(pk=session.pk).exclude(status="closed").first()
for busy in session.items.filter(state__in=ACTIVE_STATES):
    services.item_postpone(item=busy, to_session=later, user=operator)
theme = session.items.get(theme__isnull=False, state="waiting")
# Dinas Sosial agreed its poverty indicators on its own item (the test before): Bappeda
# reopens them, so both units negotiate on the theme.
from auctions.selectors import settled_indicators
for row in settled_indicators(theme):
    services.indicator_reopen(
        item=theme, indicator=row["indicator"], reason="Dibahas bersama", user=operator
    )
services.item_start(item=theme, user=operator)
print(theme.pk)
"""


def test_sending_one_units_offer_keeps_what_was_typed_for_the_other(browser, live_app):
    """A theme item has a form per unit; the whole composer is redrawn after a send."""
    app = live_app
    app.shell(THEME_ON_STAGE.format(operator=OPERATOR_LOGIN, session=app.session))
    panel = open_screen(
        browser, app, "panel", f"/sesi/{app.session}/panel/", "#panel-live", PANEL_LOGIN
    )
    try:
        _size(panel, 1280, 720)
        wait_until_connected(panel)
        forms = panel.page.locator("form.offer-form")
        expect(forms).to_have_count(2)
        first, second = forms.nth(0), forms.nth(1)
        typed = second.locator("input[name*='-t_']").last
        typed.fill("99")
        second.locator("input[name$='-note']").fill("Untuk Diskopum")
        first.get_by_role("button", name="Kirim penawaran").click()
        expect(panel.page.locator("#flash")).to_contain_text("Penawaran versi 1 dikirim")
        expect(forms.nth(0)).to_contain_text("ini akan menjadi versi 2", timeout=STEP_MS)
        expect(forms.nth(1).locator("input[name*='-t_']").last).to_have_value("99")
        expect(forms.nth(1).locator("input[name$='-note']")).to_have_value("Untuk Diskopum")
        assert panel.errors + panel.failed_requests == []
    finally:
        panel.page.context.close()

"""Keyboard alone: no mouse, no touch. A head logs in, reaches the offer on the
projector-less phone screen and answers it; a unit's staff save a quarterly report
line; the skip link takes the focus past the navigation. Every step is a key press
(Tab, Shift+Tab, Space, Enter, typing) and the focus is always where the person
expects it. With the pages' axe check (test_accessibility.py) this stands for "every
screen works by keyboard alone" on the screens people use under time pressure.
"""

import pytest
from playwright.sync_api import expect

from lelang.demo import DEMO_PASSWORD
from tests.e2e.live import (
    OPERATOR_LOGIN,
    STEP_MS,
    open_screen,
    seeded_server,
    wait_until_connected,
    wait_until_quiet,
)
from tests.e2e.test_accessibility import START_AND_OFFER

pytestmark = pytest.mark.e2e

PANEL_LOGIN = "walikota"


@pytest.fixture(scope="module")
def live_app(tmp_path_factory):
    with seeded_server(tmp_path_factory, "keyboard", documents=True) as app:
        app.shell(
            START_AND_OFFER.format(item=app.item_id, operator=OPERATOR_LOGIN, panel=PANEL_LOGIN)
        )
        yield app


def _page(browser, app, viewport=None):
    context = browser.new_context(
        base_url=app.server.url, locale="id-ID", **({"viewport": viewport} if viewport else {})
    )
    context.set_default_timeout(10_000)
    return context.new_page()


def _tab_to(page, selector: str, limit: int = 80, back: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the element matching ``selector`` has the focus."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement?.matches(s) ?? false", selector):
            return
        page.keyboard.press("Shift+Tab" if back else "Tab")
    raise AssertionError(f"{selector} never got the focus by keyboard")


def _login(page, username: str) -> None:
    page.goto("/accounts/login/")
    _tab_to(page, "input[name=username]")
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Selamat datang")


def test_the_skip_link_comes_first_and_moves_the_focus(browser, live_app):
    page = _page(browser, live_app)
    page.goto("/publik/")  # a page without a field that takes the focus on its own
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")  # the next stop is inside the content, past the navigation
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")
    page.context.close()


def test_a_head_answers_the_offer_by_keyboard(browser, live_app):
    app = live_app
    head = open_screen(
        browser,
        app,
        "head",
        f"/sesi/{app.session}/jawab/",
        "#answer-live",
        app.head,
        viewport={"width": 390, "height": 844},
    )
    page = head.page
    expect(page.locator("#answer-live h2")).to_contain_text("Penawaran versi 1", timeout=STEP_MS)
    # The stream re-renders the answer form when it connects: answer after that.
    wait_until_connected(head)
    wait_until_quiet(head)
    _tab_to(page, "form.answer__form input[name='c-kind'][value='accept']")
    page.keyboard.press("Space")
    expect(page.locator("input[name='c-kind'][value='accept']")).to_be_checked()
    _tab_to(page, "#c-password")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator("#answer-live .answer__recorded")).to_contain_text(
        "Versi 1 sudah dijawab: sanggup.", timeout=STEP_MS
    )
    page.context.close()


def test_staff_save_a_report_line_by_keyboard(browser, live_app):
    page = _page(browser, live_app)
    _login(page, "camat.sukun")
    page.goto("/pemantauan/kec-sukun/2020/4/")
    first = page.locator("article.report-line").first
    name = first.locator("input[name$='-realization']").get_attribute("name")
    _tab_to(page, f"input[name='{name}']")
    page.keyboard.press("Control+A")
    page.keyboard.type("12,5")
    _tab_to(page, "article.report-line:first-of-type button[type=submit]")
    page.keyboard.press("Enter")
    card = page.locator("article.report-line").first
    expect(card.locator("[data-field='realization']")).to_contain_text("12,5")
    page.context.close()

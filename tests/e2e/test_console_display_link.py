"""The operator copies the projector link, then revokes it: the console shows the new link
and its QR code without a reload."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from auctions.models import Auction, Session
from tests.e2e.test_smoke import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_operator_copies_and_renews_the_display_link(new_page, operator, period):
    auction = Auction.objects.create(name="Lelang Kinerja RPJMD 2018–2023", period=period)
    session = Session.objects.create(
        auction=auction, title="Hari 1", date=datetime.date(2018, 12, 3)
    )
    page = new_page()
    # The console's live stream is not needed here (and under the test's WSGI server it
    # would hold a thread to the end).
    page.route(re.compile(r"/stream/$"), lambda route: route.abort())
    log_in(page, operator.username)
    page.goto(f"/sesi/{session.pk}/konsol/")
    page.evaluate("window.__no_reload = true")
    link = page.locator("#display-link")
    old_link, old_token = link.input_value(), session.display_token
    old_qr = page.locator("#display-link-card svg.qr").inner_html()
    assert old_link.endswith(f"/layar/{old_token}/")

    # Copy: the clipboard API, or where it is refused the link is selected for Ctrl+C.
    page.locator("[data-copy='display-link']").click()
    expect(page.locator("#display-link-status")).not_to_be_empty()

    # Revoke and issue a new link, after the confirmation.
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("[data-renews-display]").click()
    expect(link).not_to_have_value(old_link)
    session.refresh_from_db()
    assert session.display_token != old_token
    expect(link).to_have_value(old_link.replace(old_token, session.display_token))
    assert page.locator("#display-link-card svg.qr").inner_html() != old_qr
    assert page.evaluate("window.__no_reload") is True
    cut_stream = ("net::ERR_FAILED", "[object Event]")  # the stream we cut off above
    assert [e for e in page.console_errors if not e.endswith(cut_stream)] == []

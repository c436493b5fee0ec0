"""Shared command-center computers: nothing a signed-in person saw stays in the browser's
cache, a login ends with the browser and after an idle time, and the streams answered
before Django's middleware carry the same security headers as pages."""

import asyncio
import datetime
import time

import pytest
from asgiref.sync import sync_to_async
from django.db import connections
from django.urls import reverse

from auctions.models import Auction, Session
from lelang import events
from lelang.asgi import application
from lelang.middleware import LAST_ACTIVITY
from lelang.models import AuditEntry
from opd.models import DataRoom
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

SECURITY = (
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "X-Frame-Options",
)


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


# --- Cache-Control: no-store -----------------------------------------------------------


def test_a_signed_in_page_is_not_stored_by_the_browser(client, operator):
    client.force_login(operator)
    assert no_store(client.get(reverse("home")))


def test_downloads_and_exports_are_not_stored(client, operator, inspector, dinkes, period):
    DataRoom.objects.create(opd=dinkes, period=period)
    client.force_login(operator)
    assert no_store(client.get(reverse("opd:excel_export", args=[dinkes.code])))
    client.force_login(inspector)
    assert no_store(client.get(reverse("audit_export")))


def test_static_files_stay_cacheable(client, operator):
    client.force_login(operator)
    response = client.get("/static/css/lelang.css")
    assert response.status_code == 200
    assert not no_store(response)


# --- The login's life -------------------------------------------------------------------


def test_the_login_cookie_ends_with_the_browser(client, dinkes_head):
    response = client.post(reverse("login"), {"username": "kadinkes", "password": PASSWORD})
    cookie = response.cookies["sessionid"]
    assert cookie["max-age"] == "" and cookie["expires"] == ""


def idle(client, minutes):
    session = client.session
    session[LAST_ACTIVITY] = time.time() - minutes * 60
    session.save()


def test_after_the_idle_time_the_next_page_asks_for_the_login(client, dinkes_head):
    client.force_login(dinkes_head)
    assert client.get(reverse("home")).status_code == 200
    idle(client, 31)

    response = client.get(reverse("home"), follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert "30 menit tanpa aktivitas" in response.content.decode()
    entry = AuditEntry.objects.filter(action="auth.logout").get()
    assert entry.after == {"reason": "idle"}


def test_within_the_idle_time_each_request_extends_it(client, dinkes_head):
    client.force_login(dinkes_head)
    client.get(reverse("home"))
    idle(client, 29)
    assert client.get(reverse("home")).status_code == 200
    assert time.time() - client.session[LAST_ACTIVITY] < 5


def test_the_idle_time_is_a_setting(client, dinkes_head, settings):
    settings.LELANG_IDLE_MINUTES = 5
    client.force_login(dinkes_head)
    client.get(reverse("home"))
    idle(client, 6)
    assert client.get(reverse("home")).status_code == 302


def test_an_htmx_request_after_the_idle_time_sends_the_page_to_the_login(client, dinkes_head):
    client.force_login(dinkes_head)
    client.get(reverse("home"))
    idle(client, 31)

    response = client.get(
        reverse("home"), headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/opd/"}
    )

    assert response["HX-Redirect"] == reverse("login") + "?next=%2Fopd%2F"


def test_a_form_sent_after_the_idle_time_is_not_applied(client, dinkes_staff):
    client.force_login(dinkes_staff)
    client.get(reverse("home"))
    idle(client, 31)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "X-baru-2019!",
            "new_password2": "X-baru-2019!",
        },
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    dinkes_staff.refresh_from_db()
    assert dinkes_staff.check_password(PASSWORD)


# --- The live screens and the idle time -------------------------------------------------


@pytest.fixture
def live_session(period, operator):
    auction = Auction.objects.create(name="Lelang Uji", period=period)
    return Session.objects.create(
        auction=auction, title="Hari 1", date=datetime.date(2018, 12, 3), status="live"
    )


def test_a_stream_reconnecting_does_not_count_as_activity(client, operator):
    client.force_login(operator)
    client.get(reverse("home"))
    idle(client, 10)
    before = client.session[LAST_ACTIVITY]
    # What the browser's EventSource sends (a real stream would stay open here).
    client.get(reverse("home"), headers={"Accept": "text/event-stream"})
    assert client.session[LAST_ACTIVITY] == before


def test_an_idle_stream_gets_204_so_the_browser_stops_reconnecting(client, operator):
    client.force_login(operator)
    client.get(reverse("home"))
    idle(client, 31)
    response = client.get("/sesi/1/konsol/stream/", headers={"Accept": "text/event-stream"})
    assert response.status_code == 204


def test_watching_a_live_session_is_not_idleness(client, operator, live_session):
    client.force_login(operator)
    assert client.get(reverse("auctions:console", args=[live_session.pk])).status_code == 200
    idle(client, 90)

    assert client.get(reverse("auctions:console", args=[live_session.pk])).status_code == 200


def test_once_the_session_is_closed_the_idle_time_applies_again(client, operator, live_session):
    client.force_login(operator)
    client.get(reverse("auctions:console", args=[live_session.pk]))
    Session.objects.filter(pk=live_session.pk).update(status="closed")
    idle(client, 31)

    assert client.get(reverse("home")).status_code == 302


def test_the_projector_link_is_outside_the_idle_time(client, operator, live_session):
    client.force_login(operator)
    client.get(reverse("auctions:console", args=[live_session.pk]))
    Session.objects.filter(pk=live_session.pk).update(status="closed")
    idle(client, 31)

    # The wall screen still opens (no login needed) and logs nobody out.
    projector = client.get(reverse("projector", args=[live_session.display_token]))

    assert projector.status_code == 200
    assert "_auth_user_id" in client.session


def test_watching_keeps_a_login_for_a_session_day_not_forever(client, operator, live_session):
    client.force_login(operator)
    client.get(reverse("auctions:console", args=[live_session.pk]))
    idle(client, 13 * 60)

    assert client.get(reverse("home")).status_code == 302


# --- The streams answered before the middleware ----------------------------------------


def asgi_get(path):
    sent = []

    async def receive():
        await asyncio.sleep(3600)

    async def send(message):
        sent.append(message)

    async def scenario():
        task = asyncio.create_task(
            application(
                {
                    "type": "http",
                    "method": "GET",
                    "path": path,
                    "headers": [(b"host", b"127.0.0.1")],
                    "query_string": b"",
                },
                receive,
                send,
            )
        )
        while not sent:
            await asyncio.sleep(0.01)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await events.get_hub().aclose()
        await sync_to_async(connections.close_all)()

    asyncio.run(asyncio.wait_for(scenario(), 10))
    return {k.decode(): v.decode() for k, v in sent[0]["headers"]}, sent[0]["status"]


@pytest.fixture
def fresh_hub(monkeypatch):
    monkeypatch.setattr("lelang.events.hub._hub", events.Hub(tune_gc=False, stop_signals=False))


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", ["open", "closed", "unknown"])
def test_the_projector_stream_carries_the_security_headers_of_a_page(
    client, kind, period, fresh_hub
):
    auction = Auction.objects.create(name="Lelang Uji", period=period)
    session = Session.objects.create(
        auction=auction,
        title="Hari 1",
        date=datetime.date(2018, 12, 3),
        status="closed" if kind == "closed" else "planned",
    )
    token = session.display_token if kind != "unknown" else "bukan-token"
    page = client.get(reverse("login"))

    headers, status = asgi_get(f"/layar/{token}/stream/")

    assert status == (404 if kind == "unknown" else 200)
    for name in SECURITY:
        assert headers[name.lower()] == page[name], name
    assert headers["cache-control"] == "no-store"


def test_over_https_the_stream_headers_include_hsts(settings):
    from lelang.security_headers import security_headers

    settings.SECURE_HSTS_SECONDS = 3600
    headers = dict(security_headers({"scheme": "https", "headers": []}))
    assert headers[b"strict-transport-security"].startswith(b"max-age=3600")
    assert b"strict-transport-security" not in dict(
        security_headers({"scheme": "http", "headers": []})
    )

"""The projector's display link: its stream (answered before Django's middleware, still
checked), and its life cycle: Bappeda revokes it and issues a new one, and it stops
streaming when the session closes."""

import asyncio

import pytest
from asgiref.sync import sync_to_async
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections, transaction
from django.http import Http404
from django.urls import reverse

from auctions import access, services
from auctions.models import Session
from lelang import events
from lelang.asgi import application
from lelang.events import registry
from lelang.models import AuditEntry

HX = {"HX-Request": "true"}
CLOSED = b"event: closed\ndata: session-closed\n\n"
REVOKED = b"event: closed\ndata: link-revoked\n\n"


def _scope(path, host=b"127.0.0.1"):
    return {
        "type": "http",
        "method": "GET",
        "path": path,
        "headers": [(b"host", host)],
        "query_string": b"",
    }


def _get(path, host=b"127.0.0.1"):
    sent = []

    async def receive():
        await asyncio.sleep(3600)

    async def send(message):
        sent.append(message)

    async def scenario():
        await application(_scope(path, host), receive, send)
        await _close_thread_connections()

    asyncio.run(asyncio.wait_for(scenario(), 10))
    return sent


async def _close_thread_connections():
    # The app's sync code ran in asgiref's shared thread: let its connection go, or the
    # test database cannot be dropped at the end (PostgreSQL).
    await sync_to_async(connections.close_all)()


def _body(sent) -> bytes:
    return b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


@pytest.fixture
def hub(monkeypatch):
    """A fresh hub of this process's own, as a server has (no signal handling)."""
    hub = events.Hub(tune_gc=False, stop_signals=False)
    monkeypatch.setattr("lelang.events.hub._hub", hub)
    return hub


def _watch_then(session, change, hub):
    """Open the projector stream of ``session`` (through the ASGI app, as a wall
    screen does), run ``change()`` in a worker thread as a request would, and return
    everything the screen received until its stream ended (at most 10 s)."""
    sent, ended = [], asyncio.Event()

    async def receive():
        await asyncio.sleep(3600)

    async def send(message):
        sent.append(message)
        if message["type"] == "http.response.body" and not message.get("more_body"):
            ended.set()

    def in_a_request():
        try:
            change()
        finally:
            connection.close()

    async def scenario():
        token = session.display_token
        screen = asyncio.create_task(application(_scope(f"/layar/{token}/stream/"), receive, send))
        while b"data-offer-version" not in _body(sent):  # its first state arrived
            await asyncio.sleep(0.01)
        while hub.loop is not None and hub._listener_task is not None and not hub._listening:
            await asyncio.sleep(0.01)  # PostgreSQL: LISTEN is up
        await asyncio.to_thread(in_a_request)
        await asyncio.wait_for(ended.wait(), 10)
        await screen
        await hub.aclose()
        await _close_thread_connections()

    asyncio.run(asyncio.wait_for(scenario(), 20))
    return sent


# --- the stream ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_wrong_display_link_gets_a_404():
    sent = _get("/layar/bukan-token/stream/")
    assert sent[0]["status"] == 404


@pytest.mark.django_db(transaction=True)
def test_an_unknown_host_is_refused(session):
    sent = _get(f"/layar/{session.display_token}/stream/", host=b"evil.example.com")
    assert sent[0]["status"] == 400


@pytest.mark.django_db(transaction=True)
def test_a_closed_sessions_link_streams_only_closed_so_the_wall_stops_reconnecting(session):
    Session.objects.filter(pk=session.pk).update(status=Session.Status.CLOSED)
    sent = _get(f"/layar/{session.display_token}/stream/")
    assert sent[0]["status"] == 200
    assert (b"content-type", b"text/event-stream; charset=utf-8") in sent[0]["headers"]
    assert _body(sent) == b"retry: 1000\n\n" + CLOSED
    assert sent[-1]["more_body"] is False


@pytest.mark.django_db
def test_the_django_route_of_the_stream_also_says_closed(client, session):
    Session.objects.filter(pk=session.pk).update(status=Session.Status.CLOSED)
    response = client.get(reverse("projector_stream", args=[session.display_token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/event-stream"

    async def read():
        return b"".join([chunk async for chunk in response])

    assert asyncio.run(read()).endswith(CLOSED)


@pytest.mark.django_db
def test_a_closed_sessions_wall_page_still_shows_its_final_state(client, session):
    """A projector PC that reloads during the closing words shows the day's agenda, not
    an error; the page declares that a "closed" event ends its stream for good."""
    Session.objects.filter(pk=session.pk).update(status=Session.Status.CLOSED)
    response = client.get(reverse("projector", args=[session.display_token]))
    assert response.status_code == 200
    assert 'sse-close="closed"' in response.content.decode()


@pytest.mark.django_db
def test_display_topic_refuses_a_closed_session_even_when_it_was_remembered(session):
    assert access.display_topic(session.display_token) == session.topic
    Session.objects.filter(pk=session.pk).update(status=Session.Status.CLOSED)
    # The close is heard by every process (events.close_streams): they forget the link.
    access.forget_display_links(f"{session.topic}:projector", access.DISPLAY_CLOSED)
    with pytest.raises(access.DisplayClosed):
        access.display_topic(session.display_token)


# --- renewing the link (revoking the old one) ------------------------------------------


@pytest.mark.django_db
def test_bappeda_renews_the_link_and_the_old_one_opens_nothing_any_more(
    session, operator, client, django_capture_on_commit_callbacks
):
    old = session.display_token
    assert access.display_topic(old) == session.topic  # remembered by this process
    with django_capture_on_commit_callbacks(execute=True):
        services.display_link_renew(session=session, user=operator)
    session.refresh_from_db()
    assert session.display_token != old
    assert len(session.display_token) >= 32
    with pytest.raises(Http404):
        access.display_topic(old)
    assert access.display_topic(session.display_token) == session.topic
    assert client.get(reverse("projector", args=[old])).status_code == 404
    assert client.get(reverse("projector", args=[session.display_token])).status_code == 200
    entry = AuditEntry.objects.get(action="auctions.display.renew")
    assert entry.actor == operator
    assert old not in str(entry.__dict__)
    assert session.display_token not in str(entry.__dict__)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["mayor", "dinkes_head", "inspector"])
def test_only_bappeda_renews_the_link(request, session, persona):
    old = session.display_token
    with pytest.raises(PermissionDenied):
        services.display_link_renew(session=session, user=request.getfixturevalue(persona))
    session.refresh_from_db()
    assert session.display_token == old
    assert not AuditEntry.objects.filter(action="auctions.display.renew").exists()


@pytest.mark.django_db
def test_a_closed_sessions_link_is_not_renewed(session, operator):
    services.session_close(session=session, user=operator)
    old = Session.objects.get(pk=session.pk).display_token
    with pytest.raises(ValidationError, match="selesai"):
        services.display_link_renew(session=session, user=operator)
    assert Session.objects.get(pk=session.pk).display_token == old


@pytest.mark.django_db(transaction=True)
def test_renewing_stops_the_screens_on_the_old_link_at_once(session, operator, hub):
    sent = _watch_then(
        session, lambda: services.display_link_renew(session=session, user=operator), hub
    )
    body = _body(sent)
    assert body.endswith(REVOKED)  # the page stops reconnecting
    assert sent[-1]["more_body"] is False


@pytest.mark.django_db(transaction=True)
def test_closing_the_session_shows_its_final_state_then_stops_the_wall(session, operator, hub):
    def close():
        services.session_close(session=session, user=operator)

    sent = _watch_then(session, close, hub)
    body = _body(sent)
    assert body.endswith(CLOSED)
    # The last state before "closed" is the closed session's, rendered after the commit.
    last_state = body[: -len(CLOSED)].rsplit(b"event: state\n", 1)[1]
    assert b"data-offer-version" in last_state
    assert sent[-1]["more_body"] is False


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_renewal_stops_nothing(session, operator, monkeypatch):
    sent = []
    monkeypatch.setattr(
        "lelang.events.publishing._send", lambda message, alias: sent.append(message)
    )
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        services.display_link_renew(session=session, user=operator)
        1 / 0  # whatever else the request did failed
    assert sent == []
    assert Session.objects.get(pk=session.pk).display_token == session.display_token


# --- the console's button posts here ---------------------------------------------------


@pytest.mark.django_db
def test_the_console_renews_the_link_and_says_so_in_the_flash_area(client, operator, session):
    client.force_login(operator)
    old = session.display_token
    response = client.post(reverse("auctions:display_renew", args=[session.pk]), headers=HX)
    assert response.status_code == 200
    assert "alert--success" in response.content.decode()
    assert Session.objects.get(pk=session.pk).display_token != old


@pytest.mark.django_db
def test_renewing_without_htmx_goes_back_to_the_console(client, operator, session):
    client.force_login(operator)
    response = client.post(reverse("auctions:display_renew", args=[session.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("auctions:console", args=[session.pk])


@pytest.mark.django_db
def test_renewing_a_closed_sessions_link_reports_the_refusal(client, operator, session):
    services.session_close(session=session, user=operator)
    client.force_login(operator)
    response = client.post(reverse("auctions:display_renew", args=[session.pk]), headers=HX)
    assert "Sesi ini sudah selesai" in response.content.decode()
    assert "alert--success" not in response.content.decode()


@pytest.mark.django_db
def test_renewing_is_a_post_for_bappeda_only(client, operator, mayor, session):
    url = reverse("auctions:display_renew", args=[session.pk])
    client.force_login(operator)
    assert client.get(url).status_code == 405
    client.force_login(mayor)
    assert client.post(url, headers=HX).status_code == 403
    assert Session.objects.get(pk=session.pk).display_token == session.display_token


def test_the_old_links_screens_are_ended_in_every_process_and_forgotten_there():
    """What each process does when it hears the close (unit level, no database)."""
    access._display_topics["tok-a"] = ("session:7", float("inf"))
    access._display_topics["tok-b"] = ("session:77", float("inf"))
    try:
        assert access.forget_display_links in registry._close_callbacks
        access.forget_display_links("session:7:projector", access.DISPLAY_REVOKED)
        assert "tok-a" not in access._display_topics
        assert "tok-b" in access._display_topics  # another session's link stays
    finally:
        access._display_topics.pop("tok-b", None)

"""A live update arrives in the language of the page it updates.

The footer switch sets the language cookie; a screen's stream channel carries it
(``session:12:panel@en``), and each language is rendered only while watched.
"""

import asyncio

import pytest
from django.urls import reverse

from auctions.live import localized, render_session
from lelang.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)


def test_channels_carry_any_language_but_the_default():
    assert localized("session:1:panel", "id") == "session:1:panel"
    assert localized("session:1:panel", "en") == "session:1:panel@en"
    assert localized("session:1:panel", "fr") == "session:1:panel"  # not offered: default


def test_each_watched_language_gets_its_own_fragment(offer, session, dinkes):
    panel, head = f"session:{session.pk}:panel", f"session:{session.pk}:opd:{dinkes.pk}"

    fragments = render_session(session.topic, {panel, f"{panel}@en", f"{head}@en"})

    assert set(fragments) == {panel, f"{panel}@en", f"{head}@en"}
    assert "Pembanding" in fragments[panel] and "Comparators" not in fragments[panel]
    assert "Comparators" in fragments[f"{panel}@en"]
    assert "Pembanding" not in fragments[f"{panel}@en"]


def test_nobody_watching_in_english_means_no_english_render(offer, session):
    fragments = render_session(session.topic, {f"session:{session.pk}:projector"})
    assert set(fragments) == {f"session:{session.pk}:projector"}


async def _first_event(path, cookie=b""):
    """Open a stream through the ASGI app; return its first event's text."""
    body = asyncio.Queue()
    request = [{"type": "http.request", "body": b"", "more_body": False}]

    async def receive():
        if request:
            return request.pop()
        await asyncio.sleep(3600)  # the client never hangs up on its own

    async def send(message):
        if message["type"] == "http.response.start" and message["status"] != 200:
            await body.put(f"HTTP {message['status']}")
        if message["type"] == "http.response.body" and b"data:" in message.get("body", b""):
            await body.put(message["body"].decode())

    headers = [(b"host", b"127.0.0.1")] + ([(b"cookie", cookie)] if cookie else [])
    scope = {"type": "http", "method": "GET", "path": path, "headers": headers}
    scope |= {"query_string": b"", "scheme": "http", "server": ("127.0.0.1", 80)}
    scope |= {"client": ("127.0.0.1", 5000), "root_path": "", "http_version": "1.1"}
    task = asyncio.ensure_future(application(scope, receive, send))
    try:
        return await asyncio.wait_for(body.get(), 10)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


def test_the_projector_stream_follows_the_language_cookie(offer, session):
    path = f"/layar/{session.display_token}/stream/"

    indonesian = asyncio.run(_first_event(path))
    english = asyncio.run(_first_event(path, b"django_language=en"))

    assert "Penawaran 1 diajukan" in indonesian
    assert "Offer 1 on the table" in english


def test_the_panel_stream_follows_the_language_cookie(client, mayor, offer, session):
    client.force_login(mayor)
    cookie = f"sessionid={client.cookies['sessionid'].value}; django_language=en".encode()

    english = asyncio.run(_first_event(reverse("auctions:panel_stream", args=[session.pk]), cookie))

    assert "Comparators" in english and "Pembanding" not in english

"""The projector's stream is answered before Django's middleware: still checked."""

import asyncio

import pytest

from lelang.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)


def _get(path, host=b"127.0.0.1"):
    sent = []

    async def receive():
        await asyncio.sleep(3600)

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "headers": [(b"host", host)],
        "query_string": b"",
    }
    asyncio.run(asyncio.wait_for(application(scope, receive, send), 10))
    return sent


def test_a_wrong_display_link_gets_a_404():
    sent = _get("/layar/bukan-token/stream/")
    assert sent[0]["status"] == 404


def test_an_unknown_host_is_refused(session):
    sent = _get(f"/layar/{session.display_token}/stream/", host=b"evil.example.com")
    assert sent[0]["status"] == 400

"""ASGI entry point, served by uvicorn (the live session streams over it).

One route is answered before Django's middleware: the projector's event stream
(``/layar/<token>/stream/``). A display link needs no login or session, and a
command center may open a thousand of them at once, so each connection should cost
as little as possible. Everything else goes through Django as usual.

A revoked link's stream is answered 404; a closed session's with a lone SSE event
``closed``, on which the projector page stops reconnecting (``sse-close``). When the
server stops, ``lelang.events`` ends every stream itself (see "Ending streams" there).
"""

import os
import re

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lelang.settings")

django_application = get_asgi_application()

# Imported after Django is set up.
from asgiref.sync import sync_to_async  # noqa: E402
from django.conf import settings  # noqa: E402
from django.http import Http404, parse_cookie  # noqa: E402
from django.http.request import split_domain_port, validate_host  # noqa: E402

from auctions.access import DISPLAY_CLOSED, DisplayClosed, display_topic  # noqa: E402
from auctions.live import localized  # noqa: E402
from lelang import events  # noqa: E402
from lelang.security_headers import security_headers  # noqa: E402

DISPLAY_STREAM = re.compile(r"^/layar/(?P<token>[A-Za-z0-9_-]{1,64})/stream/$")


async def _plain(scope, send, status: int, text: str) -> None:
    headers = [(b"content-type", b"text/plain; charset=utf-8"), *security_headers(scope)]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": text.encode()})


def _header(scope, name: bytes) -> str:
    return next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == name), "")


def _host_allowed(scope) -> bool:
    domain, _port = split_domain_port(_header(scope, b"host"))
    return bool(domain) and validate_host(domain, settings.ALLOWED_HOSTS)


def _language(scope) -> str:
    """The language the footer switch chose (as lelang.middleware reads it)."""
    code = parse_cookie(_header(scope, b"cookie")).get(settings.LANGUAGE_COOKIE_NAME, "")
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


async def display_stream(scope, receive, send, token: str) -> None:
    if not _host_allowed(scope):
        return await _plain(scope, send, 400, "Bad Request")
    try:
        topic = await sync_to_async(display_topic)(token)
    except DisplayClosed:
        # The session is over: the page keeps its last state and stops reconnecting.
        return await events.asgi_closed(send, DISPLAY_CLOSED)
    except Http404:
        return await _plain(scope, send, 404, "Tautan tampilan tidak berlaku.")
    channel = localized(f"{topic}:projector", _language(scope))
    await events.asgi_stream(scope, receive, send, topic=topic, channel=channel, label="Proyektor")


async def application(scope, receive, send):
    if scope["type"] == "http" and scope.get("method") == "GET":
        match = DISPLAY_STREAM.match(scope.get("path", ""))
        if match:
            return await display_stream(scope, receive, send, match["token"])
    return await django_application(scope, receive, send)

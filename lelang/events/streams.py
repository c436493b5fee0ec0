"""One viewer's stream: the view helper :func:`stream`, its raw-ASGI twin
:func:`asgi_stream`, and the answers to a stream that has ended for good
(:func:`closed_response`, :func:`asgi_closed`).

A stream subscribes to the hub (:mod:`lelang.events.hub`), sends the current state,
then every update the hub puts in its queue.

Streaming under ASGI
--------------------
``stream()`` returns an :class:`EventStreamResponse` (a ``StreamingHttpResponse``)
over an *async* generator; serve it with uvicorn (``runserver`` buffers it). Never
add GZipMiddleware for ``text/event-stream``: it would compress per viewer and
buffer. When the client disconnects Django cancels the task; the generator lets
``CancelledError`` through and unsubscribes in ``finally``. A stream whose
generator is never resumed (a vanished client in the middle of a write) is ended by
its bounded queue: heartbeats and updates fill it and the hub drops it.

The project's middleware does not break streaming (checked under uvicorn: events
arrive one by one). It costs at *connect* time, though: Django's own middleware
are ``MiddlewareMixin`` classes, so under ASGI every ``process_request``/
``process_response`` is a hop between the event loop and the request's thread —
dozens per request, a few ms of CPU (ServeStatic, serving the static files, is
async and adds none). That is what bounds how fast
a thousand screens can (re)connect, not the fan-out.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator

from asgiref.sync import SyncToAsync, sync_to_async
from django.db import connections
from django.http import StreamingHttpResponse

from lelang.events.hub import Hub, get_hub
from lelang.events.protocol import CLOSED_EVENT, RETRY_MS, _check_topic, encode_event
from lelang.security_headers import security_headers


def _release_request_thread() -> None:
    """Let the thread Django keeps for this request go while the stream is open.

    Under ASGI each request gets its own thread for sync code (asgiref's
    ThreadSensitiveContext), kept until the request ends: for a stream, hours. With
    2,000 viewers that is 2,000 idle threads (~20 MB of RSS at 1,000 and slower
    thread creation for everyone). By the time the body is iterated the middleware
    has finished with it, so shut its executor down; anything sync that Django
    runs after the stream ends (``response.close``) gets a fresh thread. Relies on
    asgiref internals, hence the defensive lookups: if they change, nothing happens.
    """
    try:
        ctx = SyncToAsync.thread_sensitive_context.get(None)
        if ctx is None or getattr(ctx, "_executor", None) is not None:
            return
        executor = SyncToAsync.context_to_thread_executor.pop(ctx, None)
    except (AttributeError, TypeError):
        return
    if executor is not None:
        executor.shutdown(wait=False)


def _close_request_connections() -> None:
    for conn in connections.all(initialized_only=True):
        conn.close()


class EventStreamResponse(StreamingHttpResponse):
    """``text/event-stream`` over an async generator of ready-made SSE bytes.

    Django's ASGI handler iterates ``aiter(response)``; by default that goes through
    two wrapper generators (``__aiter__`` and ``streaming_content``'s ``make_bytes``
    map) per chunk, per viewer. Our chunks are bytes already, so hand the generator
    over directly, unless a middleware has replaced ``streaming_content`` since.
    Iterated this way, Django's ``aclosing()`` also closes our generator when the
    response is done.
    """

    def __init__(self, events: AsyncIterator[bytes]):
        self._events = events
        super().__init__(events, content_type="text/event-stream")

    def __aiter__(self):
        if getattr(self, "_iterator", None) is self._events:
            return self._events
        return super().__aiter__()


async def stream(
    request,
    *,
    topic: str,
    channel: str,
    label: str = "",
    hub: Hub | None = None,
) -> EventStreamResponse:
    """An SSE response for one viewer of ``channel``, fed by ``topic``.

    Use it as the last line of an async view, after checking access. The stream
    subscribes first, then sends the current state (so nothing between the two is
    missed), then every update, with a ``: ping`` comment on quiet streams.
    Each event is ``event: state``; browsers swap it with ``sse-swap="state"``.
    """
    _check_topic(topic)
    hub = hub or get_hub()
    hub.start()
    # The view may have read the database in this request's thread (access check);
    # a stream can stay open for hours, so do not keep that connection.
    await sync_to_async(_close_request_connections, thread_sensitive=True)()
    response = EventStreamResponse(_events(hub, topic, channel, label))
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response


async def _events(hub: Hub, topic: str, channel: str, label: str) -> AsyncIterator[bytes]:
    sub = hub.subscribe(topic, channel, label)
    task = asyncio.current_task()
    sub.task = weakref.ref(task) if task is not None else None  # no reference cycle
    try:
        _release_request_thread()
        # A server that is stopping sends no state, only the hint to come back.
        frames = {} if sub.ending else await hub.snapshot(topic, channel)
        sub.last = frames.get(channel)
        first = b"retry: %d\n\n" % RETRY_MS
        yield first + frames[channel] if channel in frames else first
        while True:
            data = await sub.get()
            if data is None:
                return
            yield data
    finally:
        sub.finished = True
        if sub._cutoff is not None:
            sub._cutoff.cancel()
        hub.unsubscribe(sub)


def _closed_body(reason: str) -> AsyncIterator[bytes]:
    async def body():
        yield b"retry: %d\n\n" % RETRY_MS + encode_event(reason, event=CLOSED_EVENT)

    return body()


def closed_response(reason: str = "") -> EventStreamResponse:
    """A stream that only says ``closed`` (with ``reason``) and ends: the answer to a
    screen whose stream has ended for good, so its page stops reconnecting."""
    response = EventStreamResponse(_closed_body(reason))
    response["Cache-Control"] = "no-cache"
    return response


async def asgi_closed(send, reason: str = "") -> None:
    """:func:`closed_response`, spoken directly in ASGI."""
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", b"text/event-stream; charset=utf-8"),
                *security_headers(),
            ],
        }
    )
    async for chunk in _closed_body(reason):
        await send({"type": "http.response.body", "body": chunk, "more_body": False})


async def asgi_stream(scope, receive, send, *, topic: str, channel: str, label: str = "") -> None:
    """The same stream as :func:`stream`, spoken directly in ASGI.

    For the one stream that a thousand screens open at once (the projector's display
    link, which needs no login): it skips Django's middleware chain, whose sync↔async
    hops cost several milliseconds of CPU per connection. The caller checks access.
    """
    _check_topic(topic)
    hub = get_hub()
    hub.start()
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", b"text/event-stream; charset=utf-8"),
                (b"x-accel-buffering", b"no"),
                # Those of every page (CSP, no sniffing, no framing, no-store, HSTS…).
                *security_headers(scope),
            ],
        }
    )
    task = asyncio.current_task()
    left = asyncio.Event()

    async def watch_disconnect():
        while (await receive())["type"] != "http.disconnect":
            pass
        left.set()
        task.cancel()

    watcher = asyncio.ensure_future(watch_disconnect())
    body = _events(hub, topic, channel, label)
    try:
        async for chunk in body:
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})
    except asyncio.CancelledError:
        if not left.is_set():
            raise  # the server is stopping, or the hub dropped this viewer: let it end
    finally:
        watcher.cancel()
        await body.aclose()

"""Live push: server-sent events rendered once per process, fanned out to every viewer.

The model
---------
A *topic* names something that changes ("session:12"). A *channel* names one
stream of identical bytes that browsers subscribe to ("session:12:projector",
"session:12:opd:7"). One topic feeds several channels; every subscriber of a
channel receives exactly the same bytes.

Apps wire it up in three places::

    # auctions/apps.py (ready()) — who renders what
    from lelang import events
    events.register("session:", render_session)      # render_session(topic) -> {channel: html}
    events.on_presence_change("session:12:", "presence:session:12")   # optional

    # a service, inside its transaction — announce a change
    events.publish(f"session:{session.pk}")

    # an async view — one viewer's stream
    async def projector_stream(request, pk):
        ...check access (await sync_to_async(...)())...
        return await events.stream(request, topic=f"session:{pk}",
                                   channel=f"session:{pk}:projector", label="Proyektor")

How an event travels
--------------------
``publish(topic)`` waits for the commit, then tells every server process's hub —
through Redis pub/sub, PostgreSQL ``LISTEN/NOTIFY`` or, with SQLite, in-process. Each
hub that has viewers of the topic renders it once (in a worker thread, or in the
committing request's own thread) and puts the same bytes into every viewer's bounded
queue; a viewer that falls behind is dropped and reconnects to the full state.
``close_streams(prefix)`` travels the same way and ends streams for good; when the
server stops, the hub ends every stream with a ``restart`` event.

Ending streams
--------------
A stream normally lasts as long as its page is open. ``close_streams(prefix,
reason=...)`` ends some after a commit, in every process (see
:mod:`~lelang.events.publishing`); when the server stops (Ctrl+C, SIGTERM) the hub
ends every stream with an event ``restart``, so uvicorn need not wait for screens
that never disconnect (see :mod:`~lelang.events.hub`).

Where things are
----------------
Use everything through this package (``from lelang import events``); the modules,
from the bottom up (none imports one above it):

* :mod:`~lelang.events.protocol` — what travels as text: SSE framing
  (``encode_event``), the events a stream ends with, the messages between processes.
* :mod:`~lelang.events.registry` — who renders what: ``register``, ``renderer_for``,
  ``on_presence_change``, ``on_streams_closed``.
* :mod:`~lelang.events.transports` — how messages cross processes: ``transport()``,
  Redis PUBLISH / PostgreSQL NOTIFY, and the listening connections.
* :mod:`~lelang.events.hub` — the per-process :class:`Hub` and its
  :class:`Subscriber`s: rendering, coalescing, snapshots, fan-out, presence, the
  garbage-collector tuning, ending streams when the server stops; ``get_hub``.
* :mod:`~lelang.events.publishing` — what services call: ``publish``,
  ``close_streams``.
* :mod:`~lelang.events.streams` — what views call: ``stream``, ``asgi_stream``,
  ``closed_response``, ``asgi_closed``.

The names below are re-exported for callers. Settings such as ``HEARTBEAT_SECONDS``
are read in the module that defines them: patch them there (``lelang.events.hub``),
not here.
"""

from lelang.events.hub import (
    CLOSE_RENDER_SECONDS,
    DROP_GRACE_SECONDS,
    GC_THRESHOLD,
    HEARTBEAT_SECONDS,
    PRESENCE_INTERVAL,
    QUEUE_SIZE,
    RECONNECT_MAX,
    RECONNECT_MIN,
    RENDER_THREADS,
    SHOW_WAIT_SECONDS,
    SNAPSHOT_MAX_AGE,
    STOP_SIGNALS,
    Hub,
    Subscriber,
    get_hub,
    presence,
    tune_gc,
)
from lelang.events.protocol import (
    CLOSE_MESSAGE,
    CLOSED_EVENT,
    MAX_TOPIC_LENGTH,
    ORIGIN,
    PING,
    RESTART_EVENT,
    RETRY_MS,
    TOPIC_MESSAGE,
    encode_event,
)
from lelang.events.publishing import close_streams, publish
from lelang.events.registry import (
    Renderer,
    on_presence_change,
    on_streams_closed,
    register,
    renderer_for,
)
from lelang.events.streams import (
    EventStreamResponse,
    asgi_closed,
    asgi_stream,
    closed_response,
    stream,
)
from lelang.events.transports import (
    LISTEN_PING_SECONDS,
    LISTENER_NAME,
    PG_CHANNEL,
    transport,
)

__all__ = [
    "CLOSED_EVENT",
    "CLOSE_MESSAGE",
    "CLOSE_RENDER_SECONDS",
    "DROP_GRACE_SECONDS",
    "GC_THRESHOLD",
    "HEARTBEAT_SECONDS",
    "LISTENER_NAME",
    "LISTEN_PING_SECONDS",
    "MAX_TOPIC_LENGTH",
    "ORIGIN",
    "PG_CHANNEL",
    "PING",
    "PRESENCE_INTERVAL",
    "QUEUE_SIZE",
    "RECONNECT_MAX",
    "RECONNECT_MIN",
    "RENDER_THREADS",
    "RESTART_EVENT",
    "RETRY_MS",
    "SHOW_WAIT_SECONDS",
    "SNAPSHOT_MAX_AGE",
    "STOP_SIGNALS",
    "TOPIC_MESSAGE",
    "EventStreamResponse",
    "Hub",
    "Renderer",
    "Subscriber",
    "asgi_closed",
    "asgi_stream",
    "close_streams",
    "closed_response",
    "encode_event",
    "get_hub",
    "on_presence_change",
    "on_streams_closed",
    "presence",
    "publish",
    "register",
    "renderer_for",
    "stream",
    "transport",
    "tune_gc",
]

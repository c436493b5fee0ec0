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
``publish(topic)`` registers a ``transaction.on_commit`` callback, so nothing
leaves a rolled-back transaction. After the commit, by the first that applies:

* ``REDIS_URL`` set (any database): ``PUBLISH <LELANG_EVENTS_CHANNEL> <topic>``. Every
  server process keeps one subscribed Redis connection (``redis.asyncio``, opened
  with its first viewer), so every process — this one included — hears the change.
  If Redis cannot be reached at publish time, the change still reaches this
  process's viewers (and is logged); other processes catch up when their viewers
  reconnect or on the next event.
* PostgreSQL: ``NOTIFY lelang_events, '<topic>'``. Every server process keeps one
  ``LISTEN`` connection (psycopg 3 ``AsyncConnection``, opened when its first viewer
  connects), so every process — this one included — hears about the change. The
  payload is only the topic name: a fragment may exceed NOTIFY's 8,000-byte limit,
  and each process renders for its own viewers anyway.
* SQLite (a single process): the topic is handed straight to this process's hub
  with ``loop.call_soon_threadsafe`` (``publish`` is called from worker threads).
* No server loop (tests, management commands with SQLite): nothing happens.

When the commit happens in a thread of a server process whose viewers watch the
topic (a request: the panel sends an offer), that thread renders the topic for them
itself, right after sending the message, and hands the frames to the loop
(:meth:`Hub.claim_render`, :meth:`Hub.render_here`); the message then reads
``topic\n<origin>\n<topic>`` and this process's hub ignores its own. Otherwise the
request would go on to render its own answer while the hub rendered in another
thread, both at half speed under the GIL. Renders of a topic may finish out of
order; a render is only shown if none that began later was shown before.

Otherwise, on the event loop the :class:`Hub`, for a topic that has viewers here:

1. coalesces: while a render of the topic runs, any number of further events
   schedule exactly one more render afterwards;
2. calls the topic's renderer (plain sync code using the ORM) in a worker thread,
   closing the thread's database connection afterwards the way a request would
   (``close_old_connections``: closed with ``CONN_MAX_AGE=0``, kept otherwise);
3. encodes each channel's fragment ONCE as an SSE ``state`` event and puts the same
   ``bytes`` object into every subscriber's bounded queue with ``put_nowait``.

A subscriber whose queue is full (``QUEUE_SIZE`` updates it has not taken yet) is
dropped: its stream ends, the browser's EventSource reconnects and, like every
(re)connect, receives the full current state first.

New viewers get the current state from the last render of their topic when no
event has arrived since it started (and it is at most ``SNAPSHOT_MAX_AGE`` seconds
old; with PostgreSQL only while the LISTEN connection was up the whole time), or
join a render already in flight; otherwise their connect renders afresh. So a
thousand projectors reconnecting after a restart cost a handful of renders, not a
thousand. A renderer must therefore depend only on published state: a change that
is not published reaches a reconnecting screen within ``SNAPSHOT_MAX_AGE``.

Presence
--------
Each subscriber carries a label ("Proyektor", "Walikota …"). ``presence(prefix)``
lists the labels of the viewers connected *to this process* whose channel starts
with ``prefix`` (per-process: with several server processes an operator console
sees the viewers of the process it is connected to). ``on_presence_change(prefix,
topic)`` re-renders ``topic`` (locally, at most once per ``PRESENCE_INTERVAL``
second) whenever such a viewer connects or leaves. Give presence its own topic
that renders only the fragment showing presence (e.g. ``"presence:session:12"`` →
``{"session:12:console": ...}``), so a viewer arriving does not re-send the
projector's state to every projector. Nobody subscribes to the presence topic
itself: it is rendered while any channel under ``prefix`` is watched here, and its
renderer is told which of those channels are watched.

Garbage collector
-----------------
With thousands of open streams the process holds hundreds of thousands of live
objects (Django, the URLconf, templates, plus futures, generators and buffers per
viewer). CPython's default thresholds (700, 10, 10) run a young collection every
700 net allocations and regularly a full one, which walks every tracked object:
measured at 2,000 connections that was a 250+ ms pause in which no viewer got
anything. When the hub starts (first viewer) it therefore calls ``gc.freeze()``
— everything alive after start-up moves to a permanent generation that is never
scanned — and raises the young threshold to 50,000 so collections are rare and
short. Reference counting still frees almost everything immediately; the cycle
collector only matters for the occasional cycle.

Ending streams
--------------
A stream normally lasts as long as its page is open. Two things end it earlier:

* The server stops (Ctrl+C, SIGTERM). uvicorn would wait for every open connection
  to finish, forever for a live screen, and the browser, still connected to the old
  process, would never hear from the new one. When the hub starts inside a server it
  therefore wraps the server's SIGINT/SIGTERM handler (see ``_chain_stop_signals``):
  on the signal every stream gets an SSE event ``restart`` and ends, and a stream
  that connects meanwhile ends at once. The browser's EventSource reconnects (after
  ``retry``) to whatever answers on the address next, and is sent the full state.
* ``close_streams(prefix, reason=...)`` after a commit (a session closes, a display
  link is revoked): in every process each stream whose channel starts with
  ``prefix`` gets its topic's final state, then an event ``closed`` and ends; a page
  with ``sse-close="closed"`` stops reconnecting. ``closed_response`` /
  ``asgi_closed`` answer a stream that must not start again the same way.

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
import contextlib
import gc
import inspect
import logging
import os
import re
import secrets
import signal
import threading
import time
import weakref
from collections import deque
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial

from asgiref.sync import SyncToAsync, sync_to_async
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, close_old_connections, connections, transaction
from django.http import StreamingHttpResponse

from lelang.security_headers import security_headers

logger = logging.getLogger(__name__)

#: PostgreSQL NOTIFY channel shared by every server process.
PG_CHANNEL = "lelang_events"
#: Updates a subscriber may have pending before it is dropped.
QUEUE_SIZE = 16
#: Seconds between comment heartbeats on an idle stream.
HEARTBEAT_SECONDS = 15.0
#: A new viewer may be served the last render of its topic if it is this fresh.
SNAPSHOT_MAX_AGE = 2.0
#: Presence-triggered re-renders of one topic happen at most this often (seconds).
PRESENCE_INTERVAL = 1.0
#: The browser's reconnection delay, sent once at the start of every stream.
RETRY_MS = 1000
#: Worker threads that run renderers (each may hold a database connection).
RENDER_THREADS = 4
#: A dropped subscriber whose connection is stuck in a write is cut off after this.
DROP_GRACE_SECONDS = 5.0
#: A quiet LISTEN connection is checked with a query this often (seconds).
LISTEN_PING_SECONDS = 30.0
#: A committing thread that rendered its change waits this long at most for the loop
#: to have sent it to every viewer (see Hub.render_here).
SHOW_WAIT_SECONDS = 0.5
#: close_streams() waits this long at most for the final render before closing.
CLOSE_RENDER_SECONDS = 5.0
#: LISTEN reconnection backoff (seconds): first wait and ceiling.
RECONNECT_MIN, RECONNECT_MAX = 0.5, 10.0
#: How a process's listening connection introduces itself to PostgreSQL
#: (``application_name``) and Redis (``CLIENT SETNAME``), so operators can tell it apart.
LISTENER_NAME = "lelang-events-{pid}"

GC_THRESHOLD = (50_000, 20, 20)

PING = b": ping\n\n"
MAX_TOPIC_LENGTH = 200

#: How a message between processes that is not a bare topic begins (topics are one
#: line): ``close``, reason, channel prefix; ``topic``, origin, topic.
CLOSE_MESSAGE, TOPIC_MESSAGE = "close", "topic"
#: This process among all that share the transport (a pid alone may repeat across hosts).
ORIGIN = f"{os.getpid()}-{secrets.token_hex(4)}"
#: The SSE event that ends a stream for good (the page stops reconnecting).
CLOSED_EVENT = "closed"
#: The SSE event a stream ends with when the server stops (the page reconnects).
RESTART_EVENT = "restart"
#: Signals on which a server stops; the hub ends its streams on them (see start()).
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)

Renderer = Callable[[str], dict[str, str]]

_renderers: dict[str, Renderer] = {}
_close_callbacks: list[Callable[[str, str], None]] = []
_presence_watchers: list[tuple[str, str]] = []
_line_break = re.compile(r"\r\n|\r|\n")
_gc_tuned = False


# --- registration ------------------------------------------------------------------


def register(prefix: str, render: Renderer) -> None:
    """Render topics starting with ``prefix`` with ``render(topic) -> {channel: html}``.

    ``render`` is plain sync code (it may use the ORM); it runs in a worker thread,
    or in the thread whose commit published the change (see :meth:`Hub.render_here`):
    it must not depend on that thread's state, such as its active language.
    It returns the fragment of every channel the topic feeds; channels missing from
    the result get nothing. The longest matching prefix wins; registering the same
    prefix again replaces the renderer.
    """
    if not prefix:
        raise ValueError("prefix must not be empty")
    _renderers[prefix] = render


def on_presence_change(prefix: str, topic: str) -> None:
    """Re-render ``topic`` whenever a viewer whose channel starts with ``prefix``
    connects to or leaves this process (at most once per ``PRESENCE_INTERVAL``)."""
    _check_topic(topic)
    if (prefix, topic) not in _presence_watchers:
        _presence_watchers.append((prefix, topic))


def _presence_prefix(topic: str) -> str | None:
    return next((prefix for prefix, watched in _presence_watchers if watched == topic), None)


def renderer_for(topic: str) -> Renderer | None:
    best = None
    for prefix in _renderers:
        if topic.startswith(prefix) and (best is None or len(prefix) > len(best)):
            best = prefix
    return _renderers[best] if best is not None else None


# --- SSE framing ---------------------------------------------------------------------


def encode_event(data: str, event: str = "state", event_id: str | None = None) -> bytes:
    """One SSE event: ``event:``, optional ``id:``, one ``data:`` line per line of data.

    Lines are split on CR LF, CR and LF (the SSE line ends), so the browser joins
    them back with LF; other Unicode line separators stay inside a line.
    """
    if _line_break.search(event) or (event_id is not None and _line_break.search(event_id)):
        raise ValueError("event name and id must be single lines")
    parts = [f"event: {event}\n"]
    if event_id is not None:
        parts.append(f"id: {event_id}\n")
    parts.extend(f"data: {line}\n" for line in _line_break.split(data))
    parts.append("\n")
    return "".join(parts).encode()


# --- publishing ----------------------------------------------------------------------


def _check_topic(topic: str) -> None:
    if not isinstance(topic, str) or not topic or len(topic) > MAX_TOPIC_LENGTH:
        raise ValueError(f"topic must be a non-empty string of at most {MAX_TOPIC_LENGTH} chars")
    if _line_break.search(topic) or "\x00" in topic:
        raise ValueError("topic must be a single line")


def publish(topic: str, *, using: str | None = None) -> None:
    """Announce that ``topic`` changed, once the current transaction commits.

    Safe to call anywhere: outside a transaction it is delivered at once; with no
    server loop in this process (tests, commands) and SQLite it does nothing.
    """
    _check_topic(topic)
    alias = using or DEFAULT_DB_ALIAS
    transaction.on_commit(partial(_deliver, topic, alias), using=alias, robust=True)


def transport(alias: str = DEFAULT_DB_ALIAS) -> str:
    """How events cross server processes: ``"redis"``, ``"postgresql"`` or ``"local"``."""
    if settings.REDIS_URL:
        return "redis"
    return "postgresql" if connections[alias].vendor == "postgresql" else "local"


_redis_client = None
_redis_lock = threading.Lock()


def _redis():
    """This process's synchronous Redis client (thread-safe, pooled)."""
    global _redis_client
    if _redis_client is None:
        import redis  # only with REDIS_URL

        with _redis_lock:
            if _redis_client is None:
                _redis_client = redis.Redis.from_url(
                    settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2
                )
    return _redis_client


def close_streams(prefix: str, *, reason: str = "", using: str | None = None) -> None:
    """End every open stream whose channel starts with ``prefix``, in every server
    process, once the current transaction commits.

    Each such viewer is first sent its topic's state as rendered after the commit (so
    the last thing on the screen is the final state), then an SSE event ``closed``
    whose data is ``reason``, and its stream ends. A page that declares
    ``sse-close="closed"`` stops reconnecting. Choose a prefix that ends where a
    channel name does: ``"session:1:projector"`` also ends
    ``"session:1:projector@en"``, but ``"session:1"`` would end ``"session:12:…"``.
    It travels like :func:`publish` (Redis, PostgreSQL NOTIFY or in-process); every
    process also calls the callbacks given to :func:`on_streams_closed`.
    """
    _check_topic(prefix)
    if _line_break.search(reason) or len(reason) > MAX_TOPIC_LENGTH:
        raise ValueError("reason must be a short single line")
    alias = using or DEFAULT_DB_ALIAS
    message = f"{CLOSE_MESSAGE}\n{reason}\n{prefix}"
    transaction.on_commit(partial(_send, message, alias), using=alias, robust=True)


def on_streams_closed(callback: Callable[[str, str], None]) -> None:
    """Call ``callback(prefix, reason)`` in every server process whose hub hears a
    :func:`close_streams` (on its event loop: keep it short), e.g. to forget a cached
    permission behind those streams."""
    if callback not in _close_callbacks:
        _close_callbacks.append(callback)


def _deliver(topic: str, alias: str) -> None:
    _send(topic, alias)


def _send(message: str, alias: str) -> None:
    """After a commit: hand ``message`` (a topic, or a command with a line break) to
    every process's hub through this installation's transport.

    A topic changed by a thread of a server process whose viewers watch it is rendered
    right here, in the committing thread (see :meth:`Hub.render_here`); the message
    then names this process as its origin, so that its own hub skips it.
    """
    kind = transport(alias)
    wanted = None
    if "\n" not in message and _hub is not None:
        wanted = _hub.claim_render(message)
    payload = f"{TOPIC_MESSAGE}\n{ORIGIN}\n{message}" if wanted else message
    if kind == "redis":
        import redis

        try:
            _redis().publish(settings.LELANG_EVENTS_CHANNEL, payload)
        except redis.RedisError as exc:
            logger.warning(
                "events: cannot publish %r to Redis (%s); local viewers only", message, exc
            )
            if not wanted:
                get_hub().message_threadsafe(message)
    elif kind == "postgresql":
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, %s)", [PG_CHANNEL, payload])
    elif not wanted:
        get_hub().message_threadsafe(message)
    if wanted:
        _hub.render_here(message, wanted)


# --- subscribers ---------------------------------------------------------------------


class Subscriber:
    """One viewer's bounded mailbox of pending SSE bytes."""

    __slots__ = (
        "_cutoff",
        "_items",
        "_waiter",
        "channel",
        "closed",
        "ending",
        "finished",
        "label",
        "last",
        "maxsize",
        "task",
        "topic",
    )

    def __init__(self, topic: str, channel: str, label: str = "", maxsize: int = QUEUE_SIZE):
        self.topic = topic
        self.channel = channel
        self.label = label
        self.maxsize = maxsize
        self.closed = False
        self.ending = False  # end() was called: what is queued is the last of it
        self.finished = False
        # The last state sent to this viewer: an identical re-render is not resent,
        # so an unrelated change cannot wipe what someone is typing on their screen.
        self.last: bytes | None = None
        self.task: weakref.ref[asyncio.Task] | None = None
        self._items: deque[bytes] = deque()
        self._waiter: asyncio.Future | None = None
        self._cutoff: asyncio.TimerHandle | None = None

    def qsize(self) -> int:
        return len(self._items)

    def put_nowait(self, data: bytes) -> bool:
        """Queue ``data``; False (and nothing queued) when closed, ending or full."""
        if self.closed or self.ending or len(self._items) >= self.maxsize:
            return False
        self._items.append(data)
        self._wake()
        return True

    def end(self, last: bytes) -> None:
        """Queue ``last`` whatever the queue holds, then nothing more: the stream sends
        what is pending and ``last``, and ends."""
        if self.closed or self.ending:
            return
        self.ending = True
        self._items.append(last)
        self._wake()

    def close(self) -> None:
        self.closed = True
        self._items.clear()
        self._wake()

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def get(self) -> bytes | None:
        """Everything pending, joined; None once the subscriber is closed, or ended
        and drained."""
        while not self._items:
            if self.closed or self.ending:
                return None
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        if self.closed:
            return None
        if len(self._items) == 1:
            return self._items.popleft()
        data = b"".join(self._items)
        self._items.clear()
        return data


class _Render:
    """A render of one topic in flight; ``stale`` once an event arrived after it began."""

    __slots__ = ("future", "stale")

    def __init__(self, future: asyncio.Future):
        self.future = future
        self.stale = False


class Hub:
    """Per-process fan-out, living on the ASGI event loop.

    Only :meth:`notify_threadsafe` and :meth:`presence` may be called from other
    threads; everything else runs on the loop.
    """

    def __init__(
        self,
        *,
        heartbeat: float = HEARTBEAT_SECONDS,
        queue_size: int = QUEUE_SIZE,
        snapshot_max_age: float = SNAPSHOT_MAX_AGE,
        presence_interval: float = PRESENCE_INTERVAL,
        listen: bool | None = None,
        tune_gc: bool = True,
        stop_signals: bool = True,
    ):
        self.heartbeat = heartbeat
        self.queue_size = queue_size
        self.snapshot_max_age = snapshot_max_age
        self.presence_interval = presence_interval
        self._listen_wanted = listen
        self._tune_gc = tune_gc
        self._stop_signals = stop_signals
        self._wrapped_signals: dict[int, tuple[Callable, Callable]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._reset()

    def _reset(self) -> None:
        self._subscribers: dict[Subscriber, None] = {}  # ordered, for presence
        self._channels: dict[str, set[Subscriber]] = {}
        self._topic_counts: dict[str, int] = {}
        self._dirty: set[str] = set()
        self._pumps: dict[str, asyncio.Task] = {}
        self._renders: dict[str, _Render] = {}
        self._snapshots: dict[str, tuple[float, dict[str, bytes]]] = {}
        self._last_frames: dict[str, bytes] = {}
        self._shown: dict[str, float] = {}  # topic -> start of the render last broadcast
        self._presence_last: dict[str, float] = {}
        self._presence_timers: dict[str, asyncio.TimerHandle] = {}
        self._heartbeat_task: asyncio.Task | None = None
        self._listener_task: asyncio.Task | None = None
        self._listening = False  # LISTEN connection up (PostgreSQL)
        self._reliable = True  # every event since the last snapshot was seen
        self._executor: ThreadPoolExecutor | None = None
        self._closing: set[asyncio.Task] = set()  # close_streams() at work
        self.stopping = False  # the server is shutting down: streams end at once
        self.renders = 0  # counters, for tests and the benchmark
        self.dropped = 0

    # -- life cycle -------------------------------------------------------------------

    @property
    def loop(self) -> asyncio.AbstractEventLoop | None:
        return self._loop

    def start(self) -> None:
        """Bind to the running loop (idempotent); start heartbeat and LISTEN."""
        loop = asyncio.get_running_loop()
        if self._loop is loop:
            return
        if self._loop is not None and not self._loop.is_closed():
            raise RuntimeError("events.Hub is already bound to another running event loop")
        if self._loop is not None:  # the old loop is gone (tests): start afresh
            if self._executor is not None:
                self._executor.shutdown(wait=False)
            self._reset()
        self._loop = loop
        self._executor = ThreadPoolExecutor(RENDER_THREADS, thread_name_prefix="lelang-events")
        if self.heartbeat > 0:
            self._heartbeat_task = loop.create_task(self._heartbeats())
        listen = self._listen_wanted
        if listen is None:
            listen = transport() != "local"
        if listen:
            self._reliable = False
            self._listener_task = loop.create_task(self._listen())
        if self._tune_gc:
            tune_gc()
        if self._stop_signals:
            _chain_stop_signals(self)

    def stop(self) -> None:
        """The server is stopping: end every stream now, and every later one at once.

        Each viewer gets an SSE event ``restart`` and its stream ends, so the server
        need not wait for browsers that would otherwise keep their streams open for
        hours; their EventSource reconnects, to the next server on the address.
        """
        if self.stopping:
            return
        self.stopping = True
        logger.info("events: server stopping; ending %d stream(s)", len(self._subscribers))
        last = encode_event("", event=RESTART_EVENT)
        for sub in list(self._subscribers):
            sub.end(last)

    def stop_threadsafe(self) -> None:
        """:meth:`stop` from a signal handler or another thread."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
            loop.call_soon_threadsafe(self.stop)

    async def aclose(self) -> None:
        """Stop background tasks and end every stream (tests, shutdown)."""
        for sub in list(self._subscribers):
            sub.close()
        tasks = [t for t in (self._heartbeat_task, self._listener_task) if t is not None]
        tasks += list(self._pumps.values()) + list(self._closing)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        for timer in self._presence_timers.values():
            timer.cancel()
        if self._executor is not None:
            self._executor.shutdown(wait=False)
        _unchain_stop_signals(self)
        self._loop = None
        self._reset()

    # -- subscriptions ----------------------------------------------------------------

    def subscribe(self, topic: str, channel: str, label: str = "") -> Subscriber:
        self.start()
        sub = Subscriber(topic, channel, str(label), self.queue_size)  # lazy text → str
        self._subscribers[sub] = None
        self._channels.setdefault(channel, set()).add(sub)
        self._topic_counts[topic] = self._topic_counts.get(topic, 0) + 1
        self._presence_changed(channel)
        if self.stopping:
            sub.end(encode_event("", event=RESTART_EVENT))
        return sub

    def unsubscribe(self, sub: Subscriber) -> None:
        sub.close()
        if sub not in self._subscribers:
            return  # already gone (dropped, or the hub was reset)
        del self._subscribers[sub]
        subs = self._channels.get(sub.channel)
        if subs is not None:
            subs.discard(sub)
            if not subs:
                del self._channels[sub.channel]
        count = self._topic_counts.get(sub.topic, 0) - 1
        if count > 0:
            self._topic_counts[sub.topic] = count
        else:
            self._topic_counts.pop(sub.topic, None)
        self._presence_changed(sub.channel)

    def _drop(self, sub: Subscriber) -> None:
        """A subscriber fell too far behind: end its stream (it reconnects)."""
        self.dropped += 1
        logger.info("events: dropping a slow viewer of %s", sub.channel)
        task = sub.task() if sub.task is not None else None
        self.unsubscribe(sub)
        if task is not None and self._loop is not None:
            # If its connection is stuck in a write, the generator never sees the
            # close; cut the request off after a grace period.
            sub._cutoff = self._loop.call_later(
                DROP_GRACE_SECONDS, _cancel_unless_finished, sub, task
            )

    def subscriber_count(self, channel: str | None = None) -> int:
        if channel is None:
            return len(self._subscribers)
        return len(self._channels.get(channel, ()))

    def presence(self, prefix: str) -> list[str]:
        """Labels of this process's viewers whose channel starts with ``prefix``.

        Callable from any thread (renderers run in worker threads): the copy of the
        subscriber dict is taken in one C call, under the GIL.
        """
        return [
            sub.label
            for sub in list(self._subscribers)
            if sub.label and sub.channel.startswith(prefix)
        ]

    # -- events -----------------------------------------------------------------------

    def notify_threadsafe(self, topic: str) -> None:
        """Hand ``topic`` to the loop from any thread; no-op without a running loop."""
        self.message_threadsafe(topic)

    def message_threadsafe(self, message: str) -> None:
        """Hand a message (see :meth:`message`) to the loop from any thread; no-op
        without a running loop."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
            loop.call_soon_threadsafe(self.message, message)

    def message(self, message: str) -> None:
        """A message from a transport: a topic that changed, or a command on several
        lines (``close``, reason, channel prefix: see :func:`close_streams`)."""
        if "\n" not in message:
            self.topic_changed(message)
            return
        kind, arg, rest = [*message.split("\n", 2), ""][:3]
        if kind == CLOSE_MESSAGE and rest:
            self.close_streams(rest, arg)
        elif kind == TOPIC_MESSAGE and rest:
            if arg != ORIGIN:  # this process renders its own changes (render_here)
                self.topic_changed(rest)
        else:
            logger.warning("events: ignoring an unknown message %r", message[:80])

    # -- rendering in the committing thread --------------------------------------------

    def claim_render(self, topic: str) -> set[str] | None:
        """Called after a commit by the thread that made it: the channels of ``topic``
        watched here if that thread should render them itself (then the hub forgets
        what it knew of the topic at once), else None.

        Why: a request that changes the session (the panel's offer) goes on, after its
        commit, to render its own answer. A hub render started by the event would run
        alongside it in another thread, and under the GIL both go at half speed: the
        projector's update came after the panel's own page (measured: a render of
        about 40 ms took 113 ms). Rendered first, here, it takes its 40 ms, and the
        request answers that much later. Only from a thread of a process whose hub
        is running (not from its event loop, not from a process without viewers).
        """
        loop = self._loop
        if loop is None or loop.is_closed() or self.stopping:
            return None
        with contextlib.suppress(RuntimeError):
            asyncio.get_running_loop()
            return None  # on an event loop: the ORM may not run here
        try:
            # Read from another thread: copies taken in single C calls under the GIL;
            # if the loop changed a set meanwhile, let the hub render instead.
            channels = [
                (name, next(iter(subs)).topic)
                for name, subs in list(self._channels.items())
                if subs
            ]
        except (RuntimeError, StopIteration):
            return None
        prefix = _presence_prefix(topic)
        wanted = {
            name
            for name, fed_by in channels
            if fed_by == topic or (prefix is not None and name.startswith(prefix))
        }
        if not wanted or renderer_for(topic) is None:
            return None
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
            loop.call_soon_threadsafe(self._forget, topic)
            return wanted
        return None

    def render_here(self, topic: str, wanted: set[str]) -> None:
        """Render ``topic`` in this (committing) thread and hand the frames to the loop
        to broadcast; if that fails, the hub renders it as usual.

        Then wait (at most ``SHOW_WAIT_SECONDS``) until the loop has written them to
        every viewer here, for the same reason: the sending, too, would otherwise share
        the GIL with the rest of the request.
        """
        started = time.monotonic()
        self.renders += 1
        frames = _render_frames(renderer_for(topic), topic, wanted, own_connection=True)
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        shown = threading.Event()
        try:
            if frames is None:
                loop.call_soon_threadsafe(self.topic_changed, topic)
                return
            loop.call_soon_threadsafe(self._show, topic, started, frames, shown)
        except RuntimeError:  # the loop closed meanwhile
            return
        shown.wait(SHOW_WAIT_SECONDS)

    def _forget(self, topic: str) -> None:
        """``topic`` changed and is being rendered elsewhere: no snapshot or render
        begun before may be served as current."""
        self._snapshots.pop(topic, None)
        render = self._renders.get(topic)
        if render is not None:
            render.stale = True

    def _show(
        self,
        topic: str,
        started: float,
        frames: dict[str, bytes],
        shown: threading.Event | None = None,
    ) -> None:
        """Broadcast a render begun at ``started`` unless one begun later was shown
        already: renders of one topic may finish out of order, screens never go back.

        ``shown`` is set once every viewer's stream has written its frame: the viewers'
        tasks woken by the broadcast run before a callback scheduled after them.
        """
        if started >= self._shown.get(topic, -1.0):
            self._shown[topic] = started
            self._broadcast(frames)
        if shown is not None:
            if self._loop is None:
                shown.set()
            else:
                self._loop.call_soon(shown.set)

    def close_streams(self, prefix: str, reason: str = "") -> None:
        """End this process's streams whose channel starts with ``prefix``: each gets
        its topic's current state (if it has not seen it), an event ``closed`` with
        ``reason`` as data, and ends. Runs the :func:`on_streams_closed` callbacks."""
        for callback in _close_callbacks:
            try:
                callback(prefix, reason)
            except Exception:
                logger.exception("events: a streams-closed callback failed for %r", prefix)
        subs = [
            sub
            for sub in self._subscribers
            if sub.channel.startswith(prefix) and not (sub.ending or sub.closed)
        ]
        if not subs or self._loop is None:
            return
        task = self._loop.create_task(self._close(subs, reason))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    async def _close(self, subs: list[Subscriber], reason: str) -> None:
        last = encode_event(reason, event=CLOSED_EVENT)
        by_topic: dict[str, list[Subscriber]] = {}
        for sub in subs:
            by_topic.setdefault(sub.topic, []).append(sub)
        for topic, group in by_topic.items():
            frames = None
            if renderer_for(topic) is not None:
                # Rendered after the change that closes these streams (a render that
                # began before it is stale): the screen's last state is the final one.
                try:
                    frames = await asyncio.wait_for(self._render(topic), CLOSE_RENDER_SECONDS)
                except Exception:
                    logger.warning("events: no final render of %r before closing", topic)
            for sub in group:
                data = (frames or {}).get(sub.channel)
                if data is not None and data != sub.last:
                    sub.last = data
                    sub.end(data + last)
                else:
                    sub.end(last)

    def topic_changed(self, topic: str) -> None:
        """``topic`` changed: forget its snapshot and (re)render it for its viewers."""
        self._snapshots.pop(topic, None)
        render = self._renders.get(topic)
        if render is not None:
            render.stale = True
        if not self._watched(topic) or self._loop is None:
            return
        self._dirty.add(topic)
        if topic not in self._pumps:
            self._pumps[topic] = self._loop.create_task(self._pump(topic))

    def _watched(self, topic: str) -> bool:
        """Somebody here watches ``topic``: subscribed to it or, for a presence
        topic, to a channel under its prefix (those viewers subscribe to their own
        topic, e.g. the console to ``session:12``)."""
        if self._topic_counts.get(topic):
            return True
        prefix = _presence_prefix(topic)
        return prefix is not None and any(name.startswith(prefix) for name in self._channels)

    def _wanted(self, topic: str) -> set[str]:
        """The channels of ``topic`` (or under its presence prefix) watched here."""
        prefix = _presence_prefix(topic)
        return {
            name
            for name, subs in self._channels.items()
            if subs
            and (
                next(iter(subs)).topic == topic  # a channel is fed by one topic
                or (prefix is not None and name.startswith(prefix))
            )
        }

    def _everything_changed(self) -> None:
        for topic in list(self._topic_counts):
            self.topic_changed(topic)

    async def _pump(self, topic: str) -> None:
        """Render and broadcast ``topic`` until no event arrived during the last render."""
        try:
            while topic in self._dirty and self._watched(topic):
                self._dirty.discard(topic)
                frames, started = await self._render_timed(topic)
                if frames:
                    self._show(topic, started, frames)
        finally:
            self._pumps.pop(topic, None)
            self._dirty.discard(topic)

    def _broadcast(self, frames: dict[str, bytes]) -> None:
        slow = []
        for channel, data in frames.items():
            subs = self._channels.get(channel)
            if not subs:
                continue
            previous = self._last_frames.get(channel)
            if previous is not None and previous == data:
                data = previous  # unchanged: only viewers who have not seen it get it
            self._last_frames[channel] = data
            for sub in subs:
                if sub.last is data or (sub.last is not None and sub.last == data):
                    continue
                if sub.ending:
                    continue  # its final bytes are queued; it is not slow
                if sub.put_nowait(data):
                    sub.last = data
                else:
                    slow.append(sub)
        for sub in slow:
            self._drop(sub)

    async def snapshot(self, topic: str, channel: str | None = None) -> dict[str, bytes]:
        """The current frames of ``topic``: a fresh enough earlier render, the render
        in flight, or a new one. With ``channel``, the frames include that channel
        (renderers may draw only the channels somebody watches)."""
        cached = self._snapshots.get(topic)
        fresh = cached is not None and time.monotonic() - cached[0] <= self.snapshot_max_age
        if fresh and (channel is None or channel in cached[1]):
            return cached[1]
        frames = await self._render(topic) or {}
        if channel is not None and channel not in frames:
            # The shared render began before this viewer subscribed: draw again.
            frames, _started = await self._run_renderer(topic)
            frames = frames or {}
        return frames

    async def _render(self, topic: str) -> dict[str, bytes] | None:
        """Frames from a render of ``topic`` that began after its last event: the one
        in flight if there is one (shared; a cancelled waiter does not cancel it)."""
        frames, _started = await self._render_timed(topic)
        return frames

    async def _render_timed(self, topic: str) -> tuple[dict[str, bytes] | None, float]:
        """:meth:`_render`, with when that render began (``time.monotonic()``)."""
        render = self._renders.get(topic)
        if render is None or render.stale:
            render = _Render(self._loop.create_task(self._run_renderer(topic)))
            self._renders[topic] = render
            render.future.add_done_callback(partial(self._render_done, topic, render))
        return await asyncio.shield(render.future)

    def _render_done(self, topic: str, render: _Render, future: asyncio.Future) -> None:
        if self._renders.get(topic) is render:
            del self._renders[topic]
        if future.cancelled() or future.exception() is not None:
            return
        frames, started = future.result()
        if frames is not None and not render.stale and self._reliable:
            self._snapshots[topic] = (started, frames)
            if len(self._snapshots) > 64:  # forget expired ones
                oldest = time.monotonic() - self.snapshot_max_age
                for key, (when, _frames) in list(self._snapshots.items()):
                    if when < oldest:
                        del self._snapshots[key]

    async def _run_renderer(self, topic: str) -> tuple[dict[str, bytes] | None, float]:
        started = time.monotonic()
        render = renderer_for(topic)
        if render is None:
            logger.warning("events: no renderer registered for topic %r", topic)
            return None, started
        self.renders += 1
        wanted = self._wanted(topic)
        frames = await self._loop.run_in_executor(
            self._executor, _render_frames, render, topic, wanted or None
        )
        return frames, started

    # -- presence, heartbeat, LISTEN ----------------------------------------------------

    def _presence_changed(self, channel: str) -> None:
        for prefix, topic in _presence_watchers:
            if channel.startswith(prefix):
                self._presence_touch(topic)

    def _presence_touch(self, topic: str) -> None:
        if topic in self._presence_timers or self._loop is None:
            return
        wait = self._presence_last.get(topic, -1e9) + self.presence_interval - time.monotonic()
        if wait <= 0:
            self._presence_fire(topic)
        else:
            self._presence_timers[topic] = self._loop.call_later(wait, self._presence_fire, topic)

    def _presence_fire(self, topic: str) -> None:
        self._presence_timers.pop(topic, None)
        self._presence_last[topic] = time.monotonic()
        self.topic_changed(topic)

    async def _heartbeats(self) -> None:
        while True:
            await asyncio.sleep(self.heartbeat)
            for sub in list(self._subscribers):
                if not sub.qsize():
                    sub.put_nowait(PING)

    async def _listen(self) -> None:
        """Hear other processes' events (Redis or PostgreSQL), reconnecting forever."""
        self._listen_delay = RECONNECT_MIN
        while True:
            try:
                if transport() == "redis":
                    await self._listen_redis()
                else:
                    await self._listen_postgresql()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                logger.warning(
                    "events: listening connection lost (%s); retrying in %.1fs",
                    exc,
                    self._listen_delay,
                )
            finally:
                self._listening = self._reliable = False
                self._snapshots.clear()
                for render in self._renders.values():
                    render.stale = True
            await asyncio.sleep(self._listen_delay)
            self._listen_delay = min(self._listen_delay * 2, RECONNECT_MAX)

    def _listener_up(self) -> None:
        self._listening = self._reliable = True
        self._listen_delay = RECONNECT_MIN
        # Whatever changed while we were not listening: render afresh.
        self._everything_changed()

    async def _listen_postgresql(self) -> None:
        import psycopg  # PostgreSQL only

        params = _listen_params()
        params["application_name"] = LISTENER_NAME.format(pid=os.getpid())
        async with await psycopg.AsyncConnection.connect(**params, autocommit=True) as conn:
            await conn.execute(f"LISTEN {PG_CHANNEL}")
            self._listener_up()
            while True:
                async for notify in conn.notifies(timeout=LISTEN_PING_SECONDS):
                    self.message(notify.payload)
                # Quiet for a while: make sure the connection is still alive.
                await conn.execute("SELECT 1")

    async def _listen_redis(self) -> None:
        from redis import asyncio as aioredis  # only with REDIS_URL

        client = aioredis.Redis.from_url(
            settings.REDIS_URL,
            socket_connect_timeout=5,
            client_name=LISTENER_NAME.format(pid=os.getpid()),
        )
        pubsub = client.pubsub(ignore_subscribe_messages=True)
        try:
            await pubsub.subscribe(settings.LELANG_EVENTS_CHANNEL)
            self._listener_up()
            pinged = False
            while True:
                asked = time.monotonic()
                message = await pubsub.get_message(timeout=LISTEN_PING_SECONDS)
                if message is None:
                    if time.monotonic() - asked < LISTEN_PING_SECONDS / 2:
                        continue  # a subscribe confirmation, ignored
                    # Quiet for a while: a PING must be answered before the next one.
                    if pinged:
                        raise ConnectionError("Redis did not answer PING")
                    await pubsub.ping()
                    pinged = True
                    continue
                pinged = False
                if message["type"] == "message":
                    self.message(message["data"].decode(errors="replace"))
        finally:
            await pubsub.aclose()
            await client.aclose()


def _chain_stop_signals(hub: Hub) -> None:
    """Have the server's own SIGINT/SIGTERM handler also stop ``hub``.

    uvicorn, told to stop, closes its listening socket and then waits for every open
    connection to finish, with no timeout by default; a live screen's stream never
    finishes by itself, so Ctrl+C or a SIGTERM would hang for as long as a browser
    stays open (and that browser, still connected to the old process, would miss
    everything the new one publishes). Its ASGI lifespan shutdown comes only after
    that wait, too late to help. So when the hub starts, inside the running server,
    it wraps the handler the server installed: first the server's (uvicorn sets
    ``should_exit``), then :meth:`Hub.stop` on the loop. Only a handler installed by
    Python code for a server is wrapped: not the default action, Python's
    KeyboardInterrupt or ``asyncio.run``'s own Ctrl+C handler, so a test run or a
    management command is left alone. uvicorn puts its originals back when it exits;
    :meth:`Hub.aclose` does too. Main thread only, as Python requires.
    """
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in STOP_SIGNALS:
        previous = signal.getsignal(signum)
        if (
            not callable(previous)
            or previous is signal.default_int_handler
            or getattr(getattr(previous, "func", None), "__qualname__", "") == "Runner._on_sigint"
            or getattr(previous, "lelang_hub", None) is hub
        ):
            continue

        def on_stop(sig, frame, previous=previous):
            try:
                previous(sig, frame)
            finally:
                hub.stop_threadsafe()

        on_stop.lelang_hub = hub
        signal.signal(signum, on_stop)
        hub._wrapped_signals[signum] = (on_stop, previous)


def _unchain_stop_signals(hub: Hub) -> None:
    if threading.current_thread() is not threading.main_thread():
        return
    for signum, (ours, previous) in hub._wrapped_signals.items():
        if signal.getsignal(signum) is ours:
            signal.signal(signum, previous)
    hub._wrapped_signals.clear()


def _cancel_unless_finished(sub: Subscriber, task: asyncio.Task) -> None:
    if not sub.finished and not task.done():
        task.cancel()


def _render_frames(
    render: Renderer, topic: str, wanted: set[str] | None = None, *, own_connection=False
) -> dict[str, bytes] | None:
    """Worker thread: call the renderer as a request would, and encode each fragment.

    A renderer that takes a second argument gets the channels somebody here watches
    (None: unknown, draw everything), so it can skip fragments nobody would receive.
    ``own_connection``: the calling thread's (a request's, after its commit) is used
    and left to it.
    """
    if not own_connection:
        close_old_connections()
    try:
        fragments = render(topic, wanted) if _takes_wanted(render) else render(topic)
        return {channel: encode_event(html) for channel, html in fragments.items()}
    except Exception:
        logger.exception("events: renderer for %r failed", topic)
        return None
    finally:
        if not own_connection:
            close_old_connections()


def _takes_wanted(render: Renderer) -> bool:
    try:
        return len(inspect.signature(render).parameters) >= 2
    except (TypeError, ValueError):
        return False


def _listen_params() -> dict:
    params = dict(connections[DEFAULT_DB_ALIAS].get_connection_params())
    for key in ("cursor_factory", "context", "prepare_threshold"):
        params.pop(key, None)
    return params


def tune_gc() -> None:
    """Freeze start-up objects and make young collections rare (once per process)."""
    global _gc_tuned
    if _gc_tuned:
        return
    _gc_tuned = True
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)


_hub: Hub | None = None
_hub_lock = threading.Lock()


def get_hub() -> Hub:
    """This process's hub."""
    global _hub
    if _hub is None:
        with _hub_lock:
            if _hub is None:
                _hub = Hub()
    return _hub


def presence(prefix: str) -> list[str]:
    """Labels of the viewers connected to this process whose channel starts with prefix."""
    return get_hub().presence(prefix)


# --- the view helper -----------------------------------------------------------------


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

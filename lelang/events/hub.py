"""The per-process hub: subscribers, rendering, fan-out, presence, shutdown.

:func:`get_hub` is this process's one :class:`Hub`; each viewer's stream is a
:class:`Subscriber` in it. The hub lives on the server's event loop and starts with
its first viewer: heartbeats, the listening connection of the transport (see
:mod:`lelang.events.transports`), the garbage-collector tuning and the stop-signal
chaining below.

Rendering a change
------------------
When the commit happens in a thread of a server process whose viewers watch the
topic (a request: the panel sends an offer), that thread renders the topic for them
itself, right after sending the message, and hands the frames to the loop
(:meth:`Hub.claim_render`, :meth:`Hub.render_here`); the message then reads
``topic\\n<origin>\\n<topic>`` and this process's hub ignores its own. Otherwise the
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

When the server stops
---------------------
uvicorn, told to stop (Ctrl+C, SIGTERM), would wait for every open connection to
finish, forever for a live screen, and the browser, still connected to the old
process, would never hear from the new one. When the hub starts inside a server it
therefore wraps the server's SIGINT/SIGTERM handler (see ``_chain_stop_signals``):
on the signal every stream gets an SSE event ``restart`` and ends, and a stream that
connects meanwhile ends at once. The browser's EventSource reconnects (after
``retry``) to whatever answers on the address next, and is sent the full state.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import inspect
import logging
import signal
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial

from django.db import close_old_connections

from lelang.events.protocol import (
    CLOSE_MESSAGE,
    CLOSED_EVENT,
    ORIGIN,
    PING,
    RESTART_EVENT,
    TOPIC_MESSAGE,
    encode_event,
)
from lelang.events.registry import (
    Renderer,
    _presence_prefix,
    _presence_topics,
    _streams_closed,
    renderer_for,
)
from lelang.events.transports import fallback, listen_postgresql, listen_redis, transport

logger = logging.getLogger("lelang.events")

#: Updates a subscriber may have pending before it is dropped.
QUEUE_SIZE = 16
#: Seconds between comment heartbeats on an idle stream.
HEARTBEAT_SECONDS = 15.0
#: A new viewer may be served the last render of its topic if it is this fresh.
SNAPSHOT_MAX_AGE = 2.0
#: Presence-triggered re-renders of one topic happen at most this often (seconds).
PRESENCE_INTERVAL = 1.0
#: Worker threads that run renderers (each may hold a database connection).
RENDER_THREADS = 4
#: A dropped subscriber whose connection is stuck in a write is cut off after this.
DROP_GRACE_SECONDS = 5.0
#: A committing thread that rendered its change waits this long at most for the loop
#: to have sent it to every viewer (see Hub.render_here).
SHOW_WAIT_SECONDS = 0.5
#: close_streams() waits this long at most for the final render before closing.
CLOSE_RENDER_SECONDS = 5.0
#: LISTEN reconnection backoff (seconds): first wait and ceiling.
RECONNECT_MIN, RECONNECT_MAX = 0.5, 10.0

GC_THRESHOLD = (50_000, 20, 20)

#: Signals on which a server stops; the hub ends its streams on them (see start()).
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)

_gc_tuned = False


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
        self._fallback_task: asyncio.Task | None = None  # PostgreSQL beside Redis
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
            if fallback() is not None:
                self._fallback_task = loop.create_task(self._listen_fallback())
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
        tasks = [
            t
            for t in (self._heartbeat_task, self._listener_task, self._fallback_task)
            if t is not None
        ]
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
        lines (``close``, reason, channel prefix: see
        :func:`lelang.events.publishing.close_streams`)."""
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
        _streams_closed(prefix, reason)
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
        for topic in _presence_topics(channel):
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
                    await listen_redis(self._listener_up, self.message)
                else:
                    await listen_postgresql(self._listener_up, self.message)
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

    async def _listen_fallback(self) -> None:
        """With Redis as the transport on PostgreSQL, also LISTEN on PostgreSQL: it
        carries what a process sends while Redis cannot be reached
        (:func:`lelang.events.transports.transmit`). Reconnects forever, like
        :meth:`_listen`; a message heard on both is only rendered twice."""
        delay = RECONNECT_MIN

        def up() -> None:
            nonlocal delay
            delay = RECONNECT_MIN

        while True:
            try:
                await listen_postgresql(up, self.message)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                logger.warning(
                    "events: PostgreSQL listener beside Redis lost (%s); retrying in %.1fs",
                    exc,
                    delay,
                )
            await asyncio.sleep(delay)
            delay = min(delay * 2, RECONNECT_MAX)

    def _listener_up(self) -> None:
        self._listening = self._reliable = True
        self._listen_delay = RECONNECT_MIN
        # Whatever changed while we were not listening: render afresh.
        self._everything_changed()


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


def current_hub() -> Hub | None:
    """This process's hub if it exists yet (never creates it)."""
    return _hub


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

"""The live-push hub: SSE framing, coalescing, bounded queues, publish-after-commit,
presence and the stream helper, driven directly on an event loop (no server)."""

import asyncio
import os
import signal
import threading

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.http import StreamingHttpResponse
from django.test import RequestFactory

from lelang import events
from lelang.events import transports


@pytest.fixture(autouse=True)
def clean_registry(monkeypatch):
    """Each test registers its own renderers and presence watchers."""
    monkeypatch.setattr("lelang.events.registry._renderers", {})
    monkeypatch.setattr("lelang.events.registry._presence_watchers", [])
    monkeypatch.setattr("lelang.events.registry._close_callbacks", [])


def make_hub(**kwargs):
    kwargs.setdefault("listen", False)
    kwargs.setdefault("tune_gc", False)
    kwargs.setdefault("heartbeat", 0)
    kwargs.setdefault("stop_signals", False)
    return events.Hub(**kwargs)


def run(coro, timeout=5):
    async def bounded():
        return await asyncio.wait_for(coro, timeout)

    return asyncio.run(bounded())


async def next_chunk(iterator, timeout=2):
    return await asyncio.wait_for(anext(iterator), timeout)


class State:
    """A renderer whose output the test controls, counting its calls."""

    def __init__(self, channels=("demo:1:a",)):
        self.version = 1
        self.calls = 0
        self.channels = channels
        self.gate = None  # a threading.Event the renderer waits on, when set
        self.started = threading.Event()

    def __call__(self, topic):
        self.calls += 1
        version = self.version  # what the database said when the render began
        self.started.set()
        if self.gate is not None:
            assert self.gate.wait(5)
        return {channel: f"{channel} v{version}" for channel in self.channels}


# --- framing -----------------------------------------------------------------------


def test_event_is_framed_with_one_data_line_per_line():
    assert events.encode_event("<p>hi</p>") == b"event: state\ndata: <p>hi</p>\n\n"
    assert events.encode_event("a\nb\r\nc\rd") == (
        b"event: state\ndata: a\ndata: b\ndata: c\ndata: d\n\n"
    )


def test_trailing_newline_and_empty_data_survive_the_round_trip():
    # The browser joins data lines with LF: "a\n" comes back as "a\n", "" as "".
    assert events.encode_event("a\n") == b"event: state\ndata: a\ndata: \n\n"
    assert events.encode_event("") == b"event: state\ndata: \n\n"


def test_other_unicode_line_separators_stay_inside_a_line():
    data = "Rp 1.000\u2028baris\x0cdua — ✓"
    assert events.encode_event(data) == f"event: state\ndata: {data}\n\n".encode()


def test_event_name_and_id():
    assert events.encode_event("x", event="offer", event_id="7") == (
        b"event: offer\nid: 7\ndata: x\n\n"
    )
    with pytest.raises(ValueError):
        events.encode_event("x", event="a\nb")


@pytest.mark.parametrize("topic", ["", "a\nb", "x" * 201, None])
def test_bad_topics_are_refused(topic):
    with pytest.raises(ValueError):
        events.publish(topic)


def test_longest_prefix_renderer_wins():
    general, specific = State(), State()
    events.register("session:", general)
    events.register("session:12", specific)
    assert events.renderer_for("session:12") is specific
    assert events.renderer_for("session:3") is general
    assert events.renderer_for("other:1") is None


# --- hub: fan-out, coalescing, dropping --------------------------------------------


def test_one_render_is_fanned_out_as_the_same_bytes_to_every_subscriber():
    state = State(channels=("demo:1:a", "demo:1:b"))
    events.register("demo:", state)

    async def scenario():
        hub = make_hub()
        subs = [hub.subscribe("demo:1", "demo:1:a") for _ in range(3)]
        other = hub.subscribe("demo:1", "demo:1:b")
        hub.topic_changed("demo:1")
        got = [await sub.get() for sub in subs]
        other_got = await other.get()
        await hub.aclose()
        return got, other_got

    got, other_got = run(scenario())
    assert state.calls == 1
    assert got[0] == b"event: state\ndata: demo:1:a v1\n\n"
    assert got[0] is got[1] is got[2]  # encoded once, shared
    assert other_got == b"event: state\ndata: demo:1:b v1\n\n"


def test_events_during_a_render_coalesce_into_exactly_one_more_render():
    state = State()
    state.gate = threading.Event()
    events.register("demo:", state)

    async def scenario():
        hub = make_hub()
        sub = hub.subscribe("demo:1", "demo:1:a")
        hub.topic_changed("demo:1")
        await asyncio.to_thread(state.started.wait, 5)
        state.version = 2
        for _ in range(5):  # five more changes while the first render runs
            hub.topic_changed("demo:1")
        state.gate.set()
        first = await sub.get()
        second = await sub.get()
        await asyncio.sleep(0.1)  # nothing else is coming
        pending = sub.qsize()
        await hub.aclose()
        return first, second, pending

    first, second, pending = run(scenario())
    assert state.calls == 2
    assert first.endswith(b"v1\n\n")
    assert second.endswith(b"v2\n\n")
    assert pending == 0


def test_topics_without_subscribers_are_not_rendered():
    state = State()
    events.register("demo:", state)

    async def scenario():
        hub = make_hub()
        hub.start()
        hub.topic_changed("demo:1")
        await asyncio.sleep(0.05)
        await hub.aclose()

    run(scenario())
    assert state.calls == 0


def test_a_full_queue_refuses_more():
    sub = events.Subscriber("t", "c", maxsize=2)
    assert sub.put_nowait(b"1") and sub.put_nowait(b"2")
    assert not sub.put_nowait(b"3")
    assert run(sub.get()) == b"12"  # everything pending, in one piece
    sub.close()
    assert not sub.put_nowait(b"4")
    assert run(sub.get()) is None


def test_a_subscriber_that_falls_behind_is_dropped_and_its_stream_ends():
    state = State()
    events.register("demo:", state)

    async def scenario():
        hub = make_hub(queue_size=3)
        slow = hub.subscribe("demo:1", "demo:1:a")
        fast = hub.subscribe("demo:1", "demo:1:a")
        received = 0
        for _ in range(5):
            state.version += 1  # a real change: identical states are not resent
            hub.topic_changed("demo:1")
            while hub._pumps:
                await asyncio.sleep(0.01)
            if await fast.get():
                received += 1
        ended = await slow.get()
        result = (received, ended, hub.dropped, hub.subscriber_count("demo:1:a"))
        await hub.aclose()
        return result

    received, ended, dropped, count = run(scenario())
    assert received == 5  # the one keeping up got everything
    assert ended is None  # the slow one's stream ends
    assert dropped == 1
    assert count == 1


def test_heartbeat_pings_idle_subscribers():
    async def scenario():
        hub = make_hub(heartbeat=0.05)
        sub = hub.subscribe("demo:1", "demo:1:a")
        ping = await asyncio.wait_for(sub.get(), 1)
        await hub.aclose()
        return ping

    assert run(scenario()) == b": ping\n\n"


def test_new_viewers_share_a_fresh_snapshot_until_the_topic_changes():
    state = State()
    events.register("demo:", state)

    async def scenario():
        hub = make_hub()
        hub.start()
        first = await hub.snapshot("demo:1")
        again = await hub.snapshot("demo:1")
        calls_before = state.calls
        hub.topic_changed("demo:1")
        state.version = 2
        after = await hub.snapshot("demo:1")
        await hub.aclose()
        return first, again, calls_before, after

    first, again, calls_before, after = run(scenario())
    assert calls_before == 1
    assert first is again
    assert after["demo:1:a"].endswith(b"v2\n\n")
    assert state.calls == 2


def test_a_failing_renderer_sends_nothing_and_the_hub_carries_on():
    calls = []

    def broken(topic):
        calls.append(topic)
        if len(calls) == 1:
            raise RuntimeError("boom")
        return {"demo:1:a": "ok"}

    events.register("demo:", broken)

    async def scenario():
        hub = make_hub()
        sub = hub.subscribe("demo:1", "demo:1:a")
        hub.topic_changed("demo:1")
        while hub._pumps:
            await asyncio.sleep(0.01)
        nothing = sub.qsize()
        hub.topic_changed("demo:1")
        data = await sub.get()
        await hub.aclose()
        return nothing, data

    nothing, data = run(scenario())
    assert nothing == 0
    assert data == b"event: state\ndata: ok\n\n"


# --- presence ------------------------------------------------------------------------


def test_presence_lists_labels_and_rerenders_at_most_once_per_interval():
    console = []

    def render_presence(topic):
        labels = hub.presence("room:1:")
        console.append(labels)
        return {"room:1:console": ", ".join(labels)}

    events.register("presence:", render_presence)
    events.on_presence_change("room:1:", "presence:room:1")
    hub = make_hub(presence_interval=0.2)

    async def scenario():
        operator = hub.subscribe("presence:room:1", "room:1:console", "Operator")
        projector = hub.subscribe("room:1", "room:1:projector", "Proyektor")
        mayor = hub.subscribe("room:1", "room:1:panel", "Walikota")
        hub.subscribe("room:2", "room:2:projector", "Proyektor ruang 2")
        await asyncio.sleep(0.05)
        early = len(console)
        hub.unsubscribe(mayor)
        await asyncio.sleep(0.4)
        labels = hub.presence("room:1:")
        del projector, operator
        await hub.aclose()
        return early, labels

    early, labels = run(scenario())
    assert early == 1  # the first arrival renders at once, the rest wait
    assert len(console) == 2  # ... and are folded into one render a moment later
    assert console[-1] == ["Operator", "Proyektor"]
    assert labels == ["Operator", "Proyektor"]


def test_presence_reaches_a_console_subscribed_to_its_own_topic():
    """As in the app: the console streams topic room:1; presence re-renders it."""
    seen = []

    def render_presence(topic, wanted):
        seen.append(wanted)
        return {"room:1:console": "console: " + ", ".join(hub.presence("room:1:"))}

    events.register("presence:", render_presence)
    events.on_presence_change("room:1:", "presence:room:1")
    hub = make_hub(presence_interval=0.05)

    async def scenario():
        console = hub.subscribe("room:1", "room:1:console", "Operator")
        await asyncio.sleep(0.1)
        hub.subscribe("room:1", "room:1:projector", "Proyektor")
        data = b""
        while not data.endswith(b"Operator, Proyektor\n\n"):
            data += await asyncio.wait_for(console.get(), 2)
        await hub.aclose()
        return data

    assert run(scenario()).endswith(b"data: console: Operator, Proyektor\n\n")
    assert seen[-1] == {"room:1:console", "room:1:projector"}


# --- publish -------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_publish_is_delivered_after_commit_and_never_on_rollback(monkeypatch):
    delivered = []
    monkeypatch.setattr(
        "lelang.events.publishing._deliver", lambda topic, alias: delivered.append(topic)
    )

    with transaction.atomic():
        events.publish("demo:1")
        assert delivered == []  # not before the commit
    assert delivered == ["demo:1"]

    with pytest.raises(ZeroDivisionError), transaction.atomic():
        events.publish("demo:2")
        1 / 0
    with transaction.atomic():
        with pytest.raises(ZeroDivisionError), transaction.atomic():  # a savepoint
            events.publish("demo:3")
            1 / 0
        events.publish("demo:4")
    assert delivered == ["demo:1", "demo:4"]


@pytest.mark.django_db(transaction=True)
def test_publish_without_a_server_loop_is_harmless(monkeypatch):
    monkeypatch.setattr("lelang.events.hub._hub", make_hub())
    with transaction.atomic():
        events.publish("demo:1")


def commit_v2_from_a_worker_thread(monkeypatch, *, listen):
    """A sync service in the thread pool commits version 2 and publishes ``demo:1``;
    returns the events a subscriber of ``demo:1:a`` received, up to and including v2."""
    hub = make_hub(listen=listen)
    monkeypatch.setattr("lelang.events.hub._hub", hub)
    state = State()
    events.register("demo:", state)

    def service():
        with transaction.atomic():
            connection.cursor().execute("SELECT 1")
            state.version = 2
            events.publish("demo:1")
        connection.close()

    async def scenario():
        sub = hub.subscribe("demo:1", "demo:1:a")
        if listen is not False:
            while not hub._listening and hub._listener_task is not None:
                await asyncio.sleep(0.01)
        await asyncio.to_thread(service)
        data = b""
        while not data.endswith(b"v2\n\n"):
            data += await asyncio.wait_for(sub.get(), 5)
        await hub.aclose()
        return data

    # A listener's first connection re-renders every watched topic (it may have missed
    # an event); that render can still show v1 when it began before the service's
    # commit. Whatever came first, the viewer ends on v2.
    received = [event for event in run(scenario(), timeout=10).split(b"\n\n") if event]
    assert received[-1] == b"event: state\ndata: demo:1:a v2"
    assert set(received) <= {b"event: state\ndata: demo:1:a v1", received[-1]}
    return received


@pytest.mark.django_db(transaction=True)
def test_publish_from_a_worker_thread_reaches_the_loop(monkeypatch):
    """SQLite: handed over with call_soon_threadsafe; PostgreSQL: NOTIFY → LISTEN."""
    commit_v2_from_a_worker_thread(monkeypatch, listen=None)


@pytest.mark.django_db(transaction=True)
def test_publish_through_redis_reaches_the_loop(monkeypatch, settings, redis_url):
    """With REDIS_URL the event goes PUBLISH → the hub's subscribed connection."""
    published = []
    real_redis = transports._redis

    def recording_redis():
        client = real_redis()
        if not hasattr(client, "recorded"):
            original = client.publish

            def publish(channel, message):
                published.append((channel, message))
                return original(channel, message)

            client.publish = publish
            client.recorded = True
        return client

    monkeypatch.setattr("lelang.events.transports._redis", recording_redis)

    commit_v2_from_a_worker_thread(monkeypatch, listen=None)  # listens: REDIS_URL is set

    # The committing thread rendered for this process's viewers; the others render too.
    assert published == [(settings.LELANG_EVENTS_CHANNEL, f"topic\n{events.ORIGIN}\ndemo:1")]


@pytest.mark.django_db(transaction=True)
def test_an_unreachable_redis_still_updates_this_process_and_logs_it(monkeypatch, settings, caplog):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    monkeypatch.setattr("lelang.events.transports._redis_client", None)

    received = commit_v2_from_a_worker_thread(monkeypatch, listen=False)

    assert received == [b"event: state\ndata: demo:1:a v2"]
    assert "cannot publish 'demo:1' to Redis" in caplog.text


def _cut_the_listener(transport):
    """Kill this process's listening connection on the server side (a restart, a
    network cut), the way an operator would find it: by its name."""
    name = events.LISTENER_NAME.format(pid=os.getpid())
    if transport == "redis":
        import redis

        client = redis.Redis.from_url(settings.REDIS_URL)
        ids = [c["id"] for c in client.client_list() if c.get("name") == name]
        for client_id in ids:
            client.client_kill_filter(_id=client_id)
        client.close()
    else:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = %s AND datname = current_database()",
                [name],
            )
            ids = cursor.fetchall()
        connection.close()
    assert ids, f"no listening connection named {name}"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("transport", ["postgresql", "redis"])
def test_a_listener_that_loses_its_connection_reconnects_and_catches_up(
    monkeypatch, request, transport
):
    if transport == "redis":
        request.getfixturevalue("redis_url")
    elif connection.vendor != "postgresql":
        pytest.skip("transport postgresql: needs DATABASE_URL pointing at PostgreSQL")
    monkeypatch.setattr("lelang.events.hub.RECONNECT_MIN", 0.05)
    hub = make_hub(listen=None)
    monkeypatch.setattr("lelang.events.hub._hub", hub)
    state = State()
    events.register("demo:", state)

    async def until(condition):
        while not condition():
            await asyncio.sleep(0.01)

    async def scenario():
        sub = hub.subscribe("demo:1", "demo:1:a")
        await until(lambda: hub._listening)
        first = await asyncio.wait_for(sub.get(), 5)  # rendered when listening began
        await asyncio.to_thread(_cut_the_listener, transport)
        await asyncio.wait_for(until(lambda: not hub._listening), 5)
        state.version = 2  # changed while this process could not hear about it
        await asyncio.wait_for(until(lambda: hub._listening), 5)
        data = b""
        while not data.endswith(b"v2\n\n"):
            data += await asyncio.wait_for(sub.get(), 5)
        await hub.aclose()
        return first, data

    first, caught_up = run(scenario(), timeout=20)
    assert first == b"event: state\ndata: demo:1:a v1\n\n"
    assert caught_up.endswith(b"event: state\ndata: demo:1:a v2\n\n")


# --- the stream helper ---------------------------------------------------------------


def test_stream_sends_the_current_state_first_then_updates():
    state = State()
    events.register("demo:", state)
    request = RequestFactory().get("/live/")

    async def scenario():
        hub = make_hub()
        response = await events.stream(
            request, topic="demo:1", channel="demo:1:a", label="Proyektor", hub=hub
        )
        received = asyncio.Queue()

        async def consume():  # as Django's ASGI handler does
            async for chunk in response:
                received.put_nowait(chunk)

        task = asyncio.create_task(consume())
        first = await asyncio.wait_for(received.get(), 2)
        labels = hub.presence("demo:")
        state.version = 2
        hub.topic_changed("demo:1")
        second = await asyncio.wait_for(received.get(), 2)
        task.cancel()  # the client went away
        with pytest.raises(asyncio.CancelledError):
            await task
        left = hub.subscriber_count()
        await hub.aclose()
        return response, first, labels, second, left

    response, first, labels, second, left = run(scenario())
    assert isinstance(response, StreamingHttpResponse)
    assert response.is_async
    assert response["Content-Type"] == "text/event-stream"
    assert response["Cache-Control"] == "no-cache"
    assert response["X-Accel-Buffering"] == "no"
    assert first == b"retry: 1000\n\nevent: state\ndata: demo:1:a v1\n\n"
    assert labels == ["Proyektor"]
    assert second == b"event: state\ndata: demo:1:a v2\n\n"
    assert left == 0


def test_stream_subscribes_before_it_renders_so_no_change_is_missed():
    state = State()
    state.gate = threading.Event()
    events.register("demo:", state)

    async def scenario():
        hub = make_hub()
        response = await events.stream(
            RequestFactory().get("/"), topic="demo:1", channel="demo:1:a", hub=hub
        )
        body = response.streaming_content
        first = asyncio.ensure_future(anext(body))
        await asyncio.to_thread(state.started.wait, 5)
        # A change commits while the initial render is still running.
        state.version = 2
        hub.topic_changed("demo:1")
        state.gate.set()
        chunks = [await asyncio.wait_for(first, 2), await next_chunk(body)]
        await body.aclose()
        await hub.aclose()
        return chunks

    chunks = run(scenario())
    assert chunks[0].endswith(b"demo:1:a v1\n\n")  # the state when it connected...
    assert chunks[1] == b"event: state\ndata: demo:1:a v2\n\n"  # ...and the change


def test_a_dropped_viewers_stream_ends():
    state = State()
    events.register("demo:", state)

    async def scenario():
        hub = make_hub(queue_size=2)
        response = await events.stream(
            RequestFactory().get("/"), topic="demo:1", channel="demo:1:a", hub=hub
        )
        body = response.streaming_content
        await next_chunk(body)
        for _ in range(3):  # the viewer reads nothing meanwhile
            state.version += 1
            hub.topic_changed("demo:1")
            while hub._pumps:
                await asyncio.sleep(0.01)
        with pytest.raises(StopAsyncIteration):
            await next_chunk(body)
        dropped = hub.dropped
        await hub.aclose()
        return dropped

    assert run(scenario()) == 1


def test_a_missing_channel_gets_only_the_retry_hint():
    events.register("demo:", State())

    async def scenario():
        hub = make_hub()
        response = await events.stream(
            RequestFactory().get("/"), topic="demo:1", channel="demo:1:nobody", hub=hub
        )
        body = response.streaming_content
        first = await next_chunk(body)
        await body.aclose()
        await hub.aclose()
        return first

    assert run(scenario()) == b"retry: 1000\n\n"


def test_an_unchanged_fragment_is_not_sent_again():
    """A head typing an answer must not have the form replaced by an identical state."""
    hub = events.Hub()
    sub = events.Subscriber("t:1", "t:1:a")
    hub._channels.setdefault("t:1:a", set()).add(sub)
    first = events.encode_event("<p>v1</p>")
    hub._broadcast({"t:1:a": first})
    hub._broadcast({"t:1:a": events.encode_event("<p>v1</p>")})  # same content, new object
    assert sub.qsize() == 1
    hub._broadcast({"t:1:a": events.encode_event("<p>v2</p>")})
    assert sub.qsize() == 2


# --- ending streams: the server stops, a channel closes ---------------------------------


def test_an_ended_subscriber_delivers_what_is_pending_then_its_last_bytes_then_nothing():
    sub = events.Subscriber("t", "c", maxsize=1)
    assert sub.put_nowait(b"1")
    sub.end(b"last")  # even on a full queue
    assert not sub.put_nowait(b"2")
    assert run(sub.get()) == b"1last"
    assert run(sub.get()) is None


def test_a_stopping_hub_ends_every_stream_with_a_restart_event_and_refuses_new_ones():
    state = State()
    events.register("demo:", state)

    async def scenario():
        hub = make_hub()
        response = await events.stream(
            RequestFactory().get("/"), topic="demo:1", channel="demo:1:a", hub=hub
        )
        body = response.streaming_content
        first = await next_chunk(body)
        hub.stop()
        last = await next_chunk(body)
        with pytest.raises(StopAsyncIteration):
            await next_chunk(body)
        # A screen reconnecting to the stopping server is told to come back later.
        late = await events.stream(
            RequestFactory().get("/"), topic="demo:1", channel="demo:1:a", hub=hub
        )
        late_chunks = [chunk async for chunk in late.streaming_content]
        left = hub.subscriber_count()
        await hub.aclose()
        return first, last, late_chunks, left

    first, last, late_chunks, left = run(scenario())
    assert first.endswith(b"demo:1:a v1\n\n")
    assert last == b"event: restart\ndata: \n\n"
    assert late_chunks == [b"retry: 1000\n\n", b"event: restart\ndata: \n\n"]
    assert state.calls == 1  # the late one was not rendered for
    assert left == 0


def test_the_servers_stop_signal_also_stops_the_hub(monkeypatch):
    """As under uvicorn: its SIGTERM handler is wrapped when the hub starts."""
    server_saw = []
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: server_saw.append(signum))
    try:

        async def scenario():
            hub = events.Hub(listen=False, tune_gc=False, heartbeat=0)
            sub = hub.subscribe("demo:1", "demo:1:a")
            signal.raise_signal(signal.SIGTERM)
            data = await asyncio.wait_for(sub.get(), 2)
            ended = await asyncio.wait_for(sub.get(), 2)
            await hub.aclose()
            return data, ended

        data, ended = run(scenario())
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert server_saw == [signal.SIGTERM]  # the server still hears its signal
    assert data == b"event: restart\ndata: \n\n"
    assert ended is None


def test_without_a_server_handler_no_signal_is_touched():
    """A test run or a management command keeps Python's own signal handling."""
    before = {signum: signal.getsignal(signum) for signum in events.STOP_SIGNALS}

    async def scenario():
        hub = events.Hub(listen=False, tune_gc=False, heartbeat=0)
        hub.start()
        await hub.aclose()

    run(scenario())
    assert {signum: signal.getsignal(signum) for signum in events.STOP_SIGNALS} == before


def test_closing_a_channel_sends_the_final_state_then_closed_and_ends_only_those_streams():
    state = State(channels=("demo:1:projector", "demo:1:projector@en", "demo:1:console"))
    events.register("demo:", state)
    heard = []
    events.on_streams_closed(lambda prefix, reason: heard.append((prefix, reason)))

    async def scenario():
        hub = make_hub()
        wall = hub.subscribe("demo:1", "demo:1:projector")
        english = hub.subscribe("demo:1", "demo:1:projector@en")
        console = hub.subscribe("demo:1", "demo:1:console")
        other = hub.subscribe("demo:12", "demo:12:projector")
        hub.topic_changed("demo:1")
        for sub in (wall, english, console):
            await sub.get()  # v1
        state.version = 2  # the change that closes the session...
        hub.message("demo:1")  # ...is published, then the close (in this order)
        hub.message("close\nsession-closed\ndemo:1:projector")
        got = {}
        for name, sub in (("wall", wall), ("english", english)):
            data = b""
            while (chunk := await asyncio.wait_for(sub.get(), 2)) is not None:
                data += chunk
            got[name] = data
        console_next = await asyncio.wait_for(console.get(), 2)
        counts = (hub.subscriber_count("demo:1:console"), other.ending, console.ending)
        await hub.aclose()
        return got, console_next, counts

    got, console_next, counts = run(scenario())
    for name, channel in (("wall", "demo:1:projector"), ("english", "demo:1:projector@en")):
        # The final state once (not twice), then "closed" with the reason.
        assert got[name] == (
            f"event: state\ndata: {channel} v2\n\n".encode()
            + b"event: closed\ndata: session-closed\n\n"
        ), name
    assert console_next == b"event: state\ndata: demo:1:console v2\n\n"  # still live
    assert counts == (1, False, False)
    assert heard == [("demo:1:projector", "session-closed")]


def test_closing_twice_or_a_channel_nobody_watches_is_harmless():
    events.register("demo:", State())

    async def scenario():
        hub = make_hub()
        sub = hub.subscribe("demo:1", "demo:1:a")
        hub.close_streams("demo:1:a", "x")
        hub.close_streams("demo:1:a", "x")
        hub.close_streams("nobody:", "")
        hub.message("bogus\nmessage\nhere")  # an unknown command is ignored
        data = b""
        while (chunk := await asyncio.wait_for(sub.get(), 2)) is not None:
            data += chunk
        await hub.aclose()
        return data

    assert run(scenario()) == b"event: state\ndata: demo:1:a v1\n\nevent: closed\ndata: x\n\n"


@pytest.mark.parametrize("reason", ["a\nb", "x" * 201])
def test_a_close_reason_is_one_short_line(reason):
    with pytest.raises(ValueError):
        events.close_streams("demo:1", reason=reason)


def test_a_closed_response_says_closed_and_ends():
    async def scenario():
        response = events.closed_response("revoked")
        return response["Content-Type"], [chunk async for chunk in response]

    content_type, chunks = run(scenario())
    assert content_type == "text/event-stream"
    assert b"".join(chunks) == b"retry: 1000\n\nevent: closed\ndata: revoked\n\n"


def close_from_a_worker_thread(monkeypatch, *, listen):
    """A sync service commits version 2, publishes ``demo:1`` and closes the channel
    ``demo:1:a``; returns everything its subscriber received."""
    hub = make_hub(listen=listen)
    monkeypatch.setattr("lelang.events.hub._hub", hub)
    state = State(channels=("demo:1:a", "demo:1:b"))
    events.register("demo:", state)

    def service():
        with transaction.atomic():
            connection.cursor().execute("SELECT 1")
            state.version = 2
            events.publish("demo:1")
            events.close_streams("demo:1:a", reason="done")
        connection.close()

    async def scenario():
        sub = hub.subscribe("demo:1", "demo:1:a")
        other = hub.subscribe("demo:1", "demo:1:b")
        if listen is not False:
            while not hub._listening and hub._listener_task is not None:
                await asyncio.sleep(0.01)
        await asyncio.to_thread(service)
        data = b""
        while (chunk := await asyncio.wait_for(sub.get(), 5)) is not None:
            data += chunk
        still_open = not other.ending and hub.subscriber_count("demo:1:b") == 1
        await hub.aclose()
        return data, still_open

    data, still_open = run(scenario(), timeout=10)
    assert data.endswith(b"event: state\ndata: demo:1:a v2\n\nevent: closed\ndata: done\n\n")
    assert still_open


@pytest.mark.django_db(transaction=True)
def test_close_streams_after_commit_reaches_the_loop(monkeypatch):
    """SQLite: handed over in-process; PostgreSQL: NOTIFY → LISTEN."""
    close_from_a_worker_thread(monkeypatch, listen=None)


@pytest.mark.django_db(transaction=True)
def test_close_streams_through_redis_reaches_the_loop(monkeypatch, redis_url):
    close_from_a_worker_thread(monkeypatch, listen=None)


@pytest.mark.django_db(transaction=True)
def test_close_streams_is_not_sent_on_rollback(monkeypatch):
    sent = []
    monkeypatch.setattr(
        "lelang.events.publishing._send", lambda message, alias: sent.append(message)
    )
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        events.close_streams("demo:1:a")
        1 / 0
    with transaction.atomic():
        events.close_streams("demo:1:a", reason="ok")
    assert sent == ["close\nok\ndemo:1:a"]


# --- rendering in the committing thread --------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_change_committed_in_a_servers_thread_is_rendered_there_once(monkeypatch):
    """The request that commits renders for this process's viewers before it goes on
    (no render racing it for the GIL); its own event, heard back, is not rendered again."""
    hub = make_hub(listen=None)
    monkeypatch.setattr("lelang.events.hub._hub", hub)
    state = State()
    threads = []

    def render(topic):
        threads.append(threading.current_thread().name)
        return state(topic)

    events.register("demo:", render)

    def service():
        threading.current_thread().name = "request"
        with transaction.atomic():
            connection.cursor().execute("SELECT 1")
            state.version = 2
            events.publish("demo:1")
        connection.close()

    async def scenario():
        sub = hub.subscribe("demo:1", "demo:1:a")
        while not hub._listening and hub._listener_task is not None:
            await asyncio.sleep(0.01)
        hub.topic_changed("demo:1")
        first = await asyncio.wait_for(sub.get(), 5)  # the state when it connected
        while hub._pumps:
            await asyncio.sleep(0.01)
        calls_before = state.calls
        await asyncio.to_thread(service)
        data = await asyncio.wait_for(sub.get(), 5)
        await asyncio.sleep(0.3)  # the echo from PostgreSQL, if any, has arrived
        more = sub.qsize()
        await hub.aclose()
        return first, calls_before, data, more

    first, calls_before, data, more = run(scenario(), timeout=10)
    assert first.endswith(b"v1\n\n")
    assert data == b"event: state\ndata: demo:1:a v2\n\n"
    assert state.calls == calls_before + 1  # one render for the change...
    assert threads[-1] == "request"  # ...in the thread that committed it
    assert more == 0


def test_another_processs_change_is_rendered_and_this_ones_own_is_not():
    events.register("demo:", State())

    async def scenario():
        hub = make_hub()
        sub = hub.subscribe("demo:1", "demo:1:a")
        hub.message(f"topic\n{events.ORIGIN}\ndemo:1")  # our own, already rendered here
        await asyncio.sleep(0.1)
        own = sub.qsize()
        hub.message("topic\n999-other\ndemo:1")
        other = await asyncio.wait_for(sub.get(), 2)
        await hub.aclose()
        return own, other

    own, other = run(scenario())
    assert own == 0
    assert other == b"event: state\ndata: demo:1:a v1\n\n"


def test_a_render_that_began_earlier_never_replaces_a_later_one_on_screen():
    """Renders of one topic (the hub's, a committing thread's) may finish out of order."""

    async def scenario():
        hub = make_hub()
        sub = hub.subscribe("demo:1", "demo:1:a")
        hub._show("demo:1", 2.0, {"demo:1:a": b"new"})
        hub._show("demo:1", 1.0, {"demo:1:a": b"old"})  # began before the one shown
        hub._show("demo:1", 3.0, {"demo:1:a": b"newer"})
        data = await sub.get()
        await hub.aclose()
        return data

    assert run(scenario()) == b"newnewer"

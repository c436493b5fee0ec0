"""How events cross server processes: Redis pub/sub, PostgreSQL LISTEN/NOTIFY, or
none (one process).

:func:`transport` picks one, by the first that applies:

* ``REDIS_URL`` set (any database): ``PUBLISH <LELANG_EVENTS_CHANNEL> <message>``.
  Every server process keeps one subscribed Redis connection (``redis.asyncio``,
  opened with its first viewer: :func:`listen_redis`), so every process — this one
  included — hears the change. If Redis cannot be reached at publish time and the
  database is PostgreSQL, :func:`transmit` sends the change with ``NOTIFY`` instead
  (logged): with Redis configured on PostgreSQL every process also holds a LISTEN
  connection (:func:`fallback`), so events still arrive while Redis is down. On
  SQLite the change reaches this process's viewers only (logged); other processes
  catch up when their viewers reconnect or on the next event.
* PostgreSQL: ``NOTIFY lelang_events, '<message>'``. Every server process keeps one
  ``LISTEN`` connection (psycopg 3 ``AsyncConnection``, opened when its first viewer
  connects: :func:`listen_postgresql`), so every process — this one included —
  hears about the change. The payload is only the topic name: a fragment may exceed
  NOTIFY's 8,000-byte limit, and each process renders for its own viewers anyway.
* SQLite (a single process): ``"local"``; the message is handed straight to this
  process's hub (see :func:`lelang.events.publishing._send`).

Both listening connections name themselves ``LISTENER_NAME``, so an operator can
find them (``pg_stat_activity``, ``CLIENT LIST``). The hub runs them and reconnects
them (:meth:`lelang.events.hub.Hub._listen`); this module knows nothing of the hub.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

logger = logging.getLogger("lelang.events")

#: PostgreSQL NOTIFY channel shared by every server process.
PG_CHANNEL = "lelang_events"
#: A quiet LISTEN connection is checked with a query this often (seconds).
LISTEN_PING_SECONDS = 30.0
#: How a process's listening connection introduces itself to PostgreSQL
#: (``application_name``) and Redis (``CLIENT SETNAME``), so operators can tell it apart.
LISTENER_NAME = "lelang-events-{pid}"


def transport(alias: str = DEFAULT_DB_ALIAS) -> str:
    """How events cross server processes: ``"redis"``, ``"postgresql"`` or ``"local"``."""
    if settings.REDIS_URL:
        return "redis"
    return "postgresql" if connections[alias].vendor == "postgresql" else "local"


def fallback(alias: str = DEFAULT_DB_ALIAS) -> str | None:
    """The transport that carries events while Redis cannot be reached: PostgreSQL,
    when Redis is configured on a PostgreSQL database (every process then also holds a
    LISTEN connection); otherwise none."""
    if settings.REDIS_URL and connections[alias].vendor == "postgresql":
        return "postgresql"
    return None


# --- sending -------------------------------------------------------------------------

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


def transmit(kind: str, payload: str, alias: str, *, about: str) -> bool:
    """Send ``payload`` to every process's hub through the transport ``kind``.

    True once it is on its way (this process hears it back, too); False when it did
    not leave this process: the transport is ``"local"``, or Redis could not be
    reached (logged, naming the message ``about``).
    """
    if kind == "redis":
        import redis

        try:
            _redis().publish(settings.LELANG_EVENTS_CHANNEL, payload)
        except redis.RedisError as exc:
            if fallback(alias) is None:
                logger.warning(
                    "events: cannot publish %r to Redis (%s); local viewers only", about, exc
                )
                return False
            logger.warning(
                "events: cannot publish %r to Redis (%s); sent through PostgreSQL", about, exc
            )
            kind = "postgresql"
        else:
            return True
    if kind == "postgresql":
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, %s)", [PG_CHANNEL, payload])
        return True
    return False


# --- listening -----------------------------------------------------------------------


def _listen_params() -> dict:
    params = dict(connections[DEFAULT_DB_ALIAS].get_connection_params())
    for key in ("cursor_factory", "context", "prepare_threshold"):
        params.pop(key, None)
    return params


async def listen_postgresql(on_up: Callable[[], None], on_message: Callable[[str], None]) -> None:
    """Hold a LISTEN connection: ``on_up()`` once it listens, then ``on_message`` for
    every NOTIFY; returns or raises only when the connection is lost."""
    import psycopg  # PostgreSQL only

    params = _listen_params()
    params["application_name"] = LISTENER_NAME.format(pid=os.getpid())
    async with await psycopg.AsyncConnection.connect(**params, autocommit=True) as conn:
        await conn.execute(f"LISTEN {PG_CHANNEL}")
        on_up()
        while True:
            async for notify in conn.notifies(timeout=LISTEN_PING_SECONDS):
                on_message(notify.payload)
            # Quiet for a while: make sure the connection is still alive.
            await conn.execute("SELECT 1")


async def listen_redis(on_up: Callable[[], None], on_message: Callable[[str], None]) -> None:
    """Hold a Redis subscription: ``on_up()`` once subscribed, then ``on_message`` for
    every message; raises only when the connection is lost."""
    from redis import asyncio as aioredis  # only with REDIS_URL

    client = aioredis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=5,
        client_name=LISTENER_NAME.format(pid=os.getpid()),
    )
    pubsub = client.pubsub(ignore_subscribe_messages=True)
    try:
        await pubsub.subscribe(settings.LELANG_EVENTS_CHANNEL)
        on_up()
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
                on_message(message["data"].decode(errors="replace"))
    finally:
        await pubsub.aclose()
        await client.aclose()

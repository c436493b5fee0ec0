"""Announcing changes: :func:`publish` and :func:`close_streams`, called by services
inside their transactions.

Both register a ``transaction.on_commit`` callback, so nothing leaves a rolled-back
transaction. After the commit, :func:`_send` hands the message to every process's
hub through the installation's transport (:mod:`lelang.events.transports`), or, with
no transport between processes, straight to this process's hub with
``loop.call_soon_threadsafe`` (``publish`` is called from worker threads). With no
server loop in this process (tests, management commands with SQLite) nothing
happens.

A topic changed by a thread of a server process whose viewers watch it is rendered
right in the committing thread (see :meth:`lelang.events.hub.Hub.render_here`).

Ending streams
--------------
A stream normally lasts as long as its page is open; the hub ends them all when the
server stops (see :mod:`lelang.events.hub`). ``close_streams(prefix, reason=...)``
ends some earlier, after a commit (a session closes, a display link is revoked): in
every process each stream whose channel starts with ``prefix`` gets its topic's
final state, then an event ``closed`` and ends; a page with ``sse-close="closed"``
stops reconnecting. ``closed_response`` / ``asgi_closed``
(:mod:`lelang.events.streams`) answer a stream that must not start again the same
way.
"""

from __future__ import annotations

from functools import partial

from django.db import DEFAULT_DB_ALIAS, transaction

from lelang.events.hub import current_hub, get_hub
from lelang.events.protocol import (
    CLOSE_MESSAGE,
    MAX_TOPIC_LENGTH,
    ORIGIN,
    TOPIC_MESSAGE,
    _check_topic,
    _line_break,
)
from lelang.events.transports import transmit, transport


def publish(topic: str, *, using: str | None = None) -> None:
    """Announce that ``topic`` changed, once the current transaction commits.

    Safe to call anywhere: outside a transaction it is delivered at once; with no
    server loop in this process (tests, commands) and SQLite it does nothing.
    """
    _check_topic(topic)
    alias = using or DEFAULT_DB_ALIAS
    transaction.on_commit(partial(_deliver, topic, alias), using=alias, robust=True)


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


def _deliver(topic: str, alias: str) -> None:
    _send(topic, alias)


def _send(message: str, alias: str) -> None:
    """After a commit: hand ``message`` (a topic, or a command with a line break) to
    every process's hub through this installation's transport.

    A topic changed by a thread of a server process whose viewers watch it is rendered
    right here, in the committing thread (see :meth:`lelang.events.hub.Hub.render_here`);
    the message then names this process as its origin, so that its own hub skips it.
    """
    kind = transport(alias)
    hub = current_hub()
    wanted = None
    if "\n" not in message and hub is not None:
        wanted = hub.claim_render(message)
    payload = f"{TOPIC_MESSAGE}\n{ORIGIN}\n{message}" if wanted else message
    if not transmit(kind, payload, alias, about=message) and not wanted:
        get_hub().message_threadsafe(message)
    if wanted:
        hub.render_here(message, wanted)

"""What travels, as text: SSE events to browsers and messages between processes.

The lowest layer of :mod:`lelang.events` (it imports none of its siblings):

* :func:`encode_event` frames one SSE event; ``PING`` is the comment a quiet stream
  is kept alive with, ``RETRY_MS`` the reconnection delay every stream starts with,
  ``CLOSED_EVENT`` and ``RESTART_EVENT`` the events a stream ends with.
* A message between processes is a topic (one line, checked by :func:`_check_topic`)
  or a command on several lines: ``close``, reason, channel prefix (see
  :func:`lelang.events.publishing.close_streams`); ``topic``, origin, topic (a change
  the process ``ORIGIN`` has rendered itself, see
  :meth:`lelang.events.hub.Hub.render_here`).
"""

from __future__ import annotations

import os
import re
import secrets

#: The browser's reconnection delay, sent once at the start of every stream.
RETRY_MS = 1000

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

_line_break = re.compile(r"\r\n|\r|\n")


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


def _check_topic(topic: str) -> None:
    if not isinstance(topic, str) or not topic or len(topic) > MAX_TOPIC_LENGTH:
        raise ValueError(f"topic must be a non-empty string of at most {MAX_TOPIC_LENGTH} chars")
    if _line_break.search(topic) or "\x00" in topic:
        raise ValueError("topic must be a single line")

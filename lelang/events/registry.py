"""Who renders what, and who hears about it: the process-wide registries.

Apps fill them once, in ``AppConfig.ready()``:

* :func:`register` — the renderer of every topic under a prefix
  (``render(topic) -> {channel: html}``); :func:`renderer_for` finds it.
* :func:`on_presence_change` — a topic to re-render when the viewers under a channel
  prefix change (see "Presence" in :mod:`lelang.events.hub`).
* :func:`on_streams_closed` — a callback every process runs when it hears a
  :func:`lelang.events.publishing.close_streams`.

This module holds the only copy of each registry; the hub reads them through the
functions here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from lelang.events.protocol import _check_topic

logger = logging.getLogger("lelang.events")

Renderer = Callable[[str], dict[str, str]]

_renderers: dict[str, Renderer] = {}
_close_callbacks: list[Callable[[str, str], None]] = []
_presence_watchers: list[tuple[str, str]] = []


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


def _presence_topics(channel: str) -> list[str]:
    """The presence topics to re-render when a viewer of ``channel`` comes or goes."""
    return [topic for prefix, topic in _presence_watchers if channel.startswith(prefix)]


def on_streams_closed(callback: Callable[[str, str], None]) -> None:
    """Call ``callback(prefix, reason)`` in every server process whose hub hears a
    :func:`close_streams` (on its event loop: keep it short), e.g. to forget a cached
    permission behind those streams."""
    if callback not in _close_callbacks:
        _close_callbacks.append(callback)


def _streams_closed(prefix: str, reason: str) -> None:
    """Run the :func:`on_streams_closed` callbacks; one that fails is logged."""
    for callback in _close_callbacks:
        try:
            callback(prefix, reason)
        except Exception:
            logger.exception("events: a streams-closed callback failed for %r", prefix)

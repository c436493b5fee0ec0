"""What every live screen shows, rendered once per change and pushed to all viewers.

``render_session(topic)`` reads the session's state once and renders one fragment per
channel: the projector, the operator console, the panel, and one per unit head. The
event bus (``lelang.events``) fans the same bytes out to every subscriber.

Language: a screen's channel carries its viewer's language, ``session:12:panel`` in
Bahasa Indonesia and ``session:12:panel@en`` in English (see :func:`localized`), so
a live update never switches a screen to another language than the page it
updates. A language is rendered only while somebody watches in it.
"""

import re
from collections.abc import Callable

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _

from auctions.models import AgendaItem, Decision, Session
from auctions.selectors import (
    handover_candidates,
    item_indicators,
    latest_negotiations,
    latest_offer,
    ready_indicators,
)
from auctions.services import handover_open
from auctions.states import ACTIVE_STATES
from auctions.targets import IndicatorFacts, offer_warnings
from lelang import events
from opd.charts import baseline_chart_svg


def channel(session_id: int, screen: str) -> str:
    return f"session:{session_id}:{screen}"


def opd_channel(session_id: int, opd_id: int, user_id: int | None = None) -> str:
    """A unit head's screen. With ``user_id``, the screen of that person: who sees the
    answer form depends on who is looking (after a hand-over the former head's screen
    says who answers now)."""
    base = f"session:{session_id}:opd:{opd_id}"
    return f"{base}:user:{user_id}" if user_id is not None else base


_HEAD_CHANNEL = re.compile(r"^session:\d+:opd:(\d+)(?::user:(\d+))?$")


def localized(name: str, language: str | None = None) -> str:
    """The channel ``name`` for viewers reading ``language`` (default: the active one)."""
    language = language or get_language()
    if language not in dict(settings.LANGUAGES) or language == settings.LANGUAGE_CODE:
        return name
    return f"{name}@{language}"


def _by_language(wanted: set[str] | None) -> dict[str, set[str] | None]:
    """{language: the plain channel names wanted in it}; ``None``: every channel."""
    if wanted is None:
        return {settings.LANGUAGE_CODE: None}
    plan: dict[str, set[str]] = {}
    for name in wanted:
        base, _at, language = name.partition("@")
        if language and language not in dict(settings.LANGUAGES):
            continue
        plan.setdefault(language or settings.LANGUAGE_CODE, set()).add(base)
    return plan


#: The projector's chart: drawn for a card about 840 px wide at 1080p, with text
#: 1,75 × the data room's (labels ≥ 21 px there, so ≥ 18 px even when the card is
#: a little narrower); the card shows the yearly figures itself, so the line's points
#: carry no labels. Without an offer the bars alone may take more height.
PROJECTOR_CHART = {"width": 840, "scale": 1.75, "point_labels": False}


def projector_chart(indicator, offered: list) -> str:
    """The indicator's chart for the projector. Once an offer exists it shows the offered
    trajectory and the offered end target, not the unit's own proposal."""
    if offered:
        last = max(offered, key=lambda t: t.year)
        target = (last.year, last.value)
        label = _("Offered target %(year)s") % {"year": last.year}
    elif indicator.target_value is not None:
        target, label = (indicator.target_year, indicator.target_value), ""
    else:
        target, label = None, ""
    return baseline_chart_svg(
        unit=indicator.unit,
        baseline=(indicator.baseline_year, indicator.baseline_value),
        target=target,
        target_label=label,
        comparators=[(c.label, c.year, c.value) for c in indicator.comparators.all()],
        trajectory=sorted((t.year, t.value) for t in offered) or None,
        title="",  # the card names the indicator in large type above the chart
        height=300 if offered else 420,
        **PROJECTOR_CHART,
    )


def _unit_rows(item: AgendaItem, ready: dict | None = None):
    """Per unit on the item: its indicators, negotiation, newest offer and its answer."""
    negotiations = latest_negotiations(item)
    rows = []
    for opd, indicators in (ready if ready is not None else ready_indicators(item)).items():
        negotiation = negotiations.get(opd.pk)
        offer = latest_offer(negotiation) if negotiation else None
        targets = {}
        if offer is not None:
            for target in offer.targets.all():
                targets.setdefault(target.indicator_id, []).append(target)
        decision = getattr(offer, "decision", None) if offer else None
        counters = {}
        if decision is not None:
            for target in decision.targets.all():
                counters.setdefault(target.indicator_id, []).append(target)
        lines = []
        for indicator in indicators:
            offered = targets.get(indicator.pk, [])
            # The panel sees the sent offer checked as its composer checked it.
            warnings = [
                w.message
                for w in offer_warnings(
                    IndicatorFacts.of(indicator), {t.year: t.value for t in offered}
                )
            ]
            lines.append(
                {
                    "indicator": indicator,
                    "offered": offered,
                    "counter": counters.get(indicator.pk, []),
                    "warnings": warnings,
                    "chart": projector_chart(indicator, offered),
                }
            )
        rows.append(
            {
                "opd": opd,
                "negotiation": negotiation,
                "offer": offer,
                "decision": decision,
                "lines": lines,
                "history": list(negotiation.offers.all()) if negotiation else [],
            }
        )
    return rows


def _load_session(pk: int) -> Session | None:
    return (
        Session.objects.select_related(
            "auction__period", "current_item__opd", "current_item__theme", "focus_indicator"
        )
        .filter(pk=pk)
        .first()
    )


#: Apps built on the auction (contracts) add to the live screens without the auction
#: knowing them: each provider gets the session context and may add to it, e.g. an
#: HTML snippet per screen under ``unit["slots"]`` (``console``, ``panel``,
#: ``projector``, ``answer``) that the screens print as it is.
_context_providers: list[Callable[[dict], None]] = []


def add_context_provider(provider: Callable[[dict], None]) -> None:
    if provider not in _context_providers:
        _context_providers.append(provider)


def session_context(session: Session, *, loaded: bool = False) -> dict:
    """What every live screen shows; ``loaded``: ``session`` was read by
    :func:`_load_session` for this render already (each query counts on every click)."""
    if not loaded:
        session = _load_session(session.pk)
    items = list(session.items.select_related("opd", "theme", "postponed_to"))
    item = session.current_item
    if item is not None:
        item.session = session  # the selectors read its period; no query for it again
    ready, settled = item_indicators(item) if item is not None else ({}, [])
    units = _unit_rows(item, ready) if item is not None else []
    handover = []
    if session.status != Session.Status.CLOSED:
        for row in units:
            if handover_open(row["negotiation"]):
                row["candidates"] = handover_candidates(row["opd"], row["negotiation"])
                handover.append(row)
    context = {
        "session": session,
        "items": items,
        "item": item,
        # Only one item at a time: the other items' Start waits until it is concluded.
        "stage_busy": any(i.state in ACTIVE_STATES for i in items),
        "units": units,
        "handover": handover,
        "settled": settled,
        "now": timezone.now(),
        "presence": events.presence(channel(session.pk, "")),
        # Only the console lists them: read when a template first asks.
        "other_sessions": SimpleLazyObject(
            lambda: list(
                Session.objects.filter(auction_id=session.auction_id)
                .exclude(pk=session.pk)
                .exclude(status=Session.Status.CLOSED)
            )
        ),
        "reasons": Decision.Reason.choices,
        "timer_actions": [
            ("pause", _("Pause")),
            ("resume", _("Resume")),
            ("plus", _("+1 minute")),
            ("restart", _("Restart")),
        ],
    }
    for row in units:
        row["slots"] = {}
    for provider in _context_providers:
        provider(context)
    return context


def unit_context(context: dict, opd_id: int, viewer_id: int | None = None) -> dict:
    """The session context narrowed to one unit, for its head's screen.

    With ``viewer_id`` (the person looking), ``handed_to`` names the official who answers
    for the unit when that is somebody else, e.g. the Plt. appointed after the viewer's
    refusal: their screen shows that instead of a form that would be refused.
    """
    unit = next((row for row in context["units"] if row["opd"].pk == opd_id), None)
    handed_to = None
    if unit is not None and viewer_id is not None and unit["negotiation"] is not None:
        official = unit["negotiation"].official
        if official.user_id != viewer_id:
            handed_to = official
    return {**context, "unit": unit, "handed_to": handed_to}


def render_session(topic: str, wanted: set[str] | None = None) -> dict[str, str]:
    """Every screen's fragment for this session's current state; with ``wanted``,
    only the channels somebody is watching (in the languages they read)."""
    session = _load_session(int(topic.split(":")[1]))
    if session is None:
        return {}
    fragments = {}
    for language, names in _by_language(wanted).items():
        with override(language):
            for name, html in _render_screens(session, names).items():
                fragments[localized(name, language)] = html
    return fragments


def _render_screens(session: Session, names: set[str] | None) -> dict[str, str]:
    """The fragments of ``names`` (None: all) in the active language."""

    def watched(name: str) -> bool:
        return names is None or name in names

    context = session_context(session, loaded=True)
    fragments = {
        channel(session.pk, screen): render_to_string(f"auctions/{screen}.html#live", context)
        for screen in ("projector", "console", "panel")
        if watched(channel(session.pk, screen))
    }
    unit_ids = {row["opd"].pk for row in context["units"]}
    if names is None:
        # Everything: one plain fragment per unit on the agenda (idle until its turn).
        heads = {(opd_id, None) for opd_id in _agenda_opd_ids(session) | unit_ids}
    else:
        heads = set()
        for name in names:
            match = _HEAD_CHANNEL.match(name)
            if match and name.startswith(f"session:{session.pk}:"):
                heads.add((int(match[1]), int(match[2]) if match[2] else None))
    for opd_id, user_id in heads:
        fragments[opd_channel(session.pk, opd_id, user_id)] = render_to_string(
            "auctions/answer.html#live", unit_context(context, opd_id, user_id)
        )
    return fragments


def _agenda_opd_ids(session: Session) -> set[int]:
    ids = set(session.items.exclude(opd=None).values_list("opd_id", flat=True))
    for item in session.items.exclude(theme=None).select_related("session__auction"):
        ids |= {opd.pk for opd in ready_indicators(item)}
    return ids


def render_presence(topic: str, wanted: set[str] | None = None) -> dict[str, str]:
    """Only the console shows who is connected: re-render just that channel."""
    session_id = int(topic.split(":")[2])
    session = Session.objects.filter(pk=session_id).first()
    if session is None:
        return {}
    console = channel(session_id, "console")
    fragments = {}
    for language, names in _by_language(wanted).items():
        if names is None or console in names:
            with override(language):
                fragments[localized(console, language)] = render_to_string(
                    "auctions/console.html#live", session_context(session)
                )
    return fragments


def watch_presence(session_id: int) -> None:
    events.on_presence_change(f"session:{session_id}:", f"presence:session:{session_id}")


events.register("session:", render_session)
events.register("presence:session:", render_presence)

"""What goes into each document, read from the auction's record at preparation time.

Each builder returns plain JSON (numbers as strings, dates ISO): the document keeps
it as ``content``, the PDF is drawn from it, and nothing read later — an edited data
room, a renamed unit — can change what was prepared for signing.
"""

from __future__ import annotations

from collections import OrderedDict
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone

from auctions.models import (
    AgreedTarget,
    CounterTarget,
    Decision,
    Negotiation,
    Offer,
    OfferTarget,
    Session,
)
from opd.models import Indicator, Opd, Program, Tenure


def _num(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _when(value) -> str | None:
    return None if value is None else timezone.localtime(value).isoformat()


def official_facts(official, opd: Opd | None = None, on=None) -> dict:
    """Name, NIP and position of ``official`` as of ``on`` (today): their head position
    of ``opd`` if they hold it (with "Plt." when acting), else their main position."""
    tenures = Tenure.objects.current(on).filter(official=official).select_related("position")
    if opd is not None:
        head = tenures.filter(position__opd=opd, position__is_head=True).first()
    else:
        head = None
    tenure = head or tenures.order_by("-position__is_head", "-start_date").first()
    position = tenure.position.title if tenure else ""
    if tenure is not None and tenure.is_acting:
        position = f"Plt. {position}"
    return {"name": official.name, "nip": official.nip or "", "position": position}


def user_position(user, on=None) -> str:
    """The main position a person holds (on ``on``, today by default), "Plt. …" if acting."""
    tenure = (
        Tenure.objects.current(on)
        .filter(official__user=user)
        .select_related("position")
        .order_by("-position__is_head", "-start_date")
        .first()
    )
    if tenure is None:
        return ""
    return f"Plt. {tenure.position.title}" if tenure.is_acting else tenure.position.title


def _day(decision: Decision):
    """The day of the answer: the official's position as it was then."""
    return timezone.localtime(decision.decided_at).date()


def _indicator_facts(indicator: Indicator) -> dict:
    objective = getattr(indicator, "objective", None)
    comparators = [
        {"label": c.label, "year": c.year, "value": _num(c.value), "kind": c.kind}
        for c in indicator.comparators.all()
    ]
    return {
        "id": indicator.pk,
        "name": indicator.name,
        "unit": indicator.unit,
        "polarity": indicator.polarity,
        "objective": objective.name if objective is not None else "",
        "program": indicator.program.name,
        "program_id": indicator.program_id,
        "baseline": {
            "value": _num(indicator.baseline_value),
            "year": indicator.baseline_year,
            "source": indicator.baseline_source,
        },
        "proposal": {"value": _num(indicator.target_value), "year": indicator.target_year},
        "comparators": comparators,
    }


def _indicators(ids) -> dict[int, Indicator]:
    related = ["program"]
    if any(f.name == "objective" for f in Indicator._meta.get_fields()):
        related.append("objective")
    return {
        i.pk: i
        for i in Indicator.objects.filter(pk__in=ids)
        .select_related(*related)
        .prefetch_related("comparators")
    }


def _rows(values_by_indicator: dict[int, dict[int, Decimal]]) -> list[dict]:
    """One row per indicator: its facts, the yearly values and the end value."""
    indicators = _indicators(values_by_indicator)
    rows = []
    for indicator_id, values in values_by_indicator.items():
        indicator = indicators[indicator_id]
        years = sorted(values)
        rows.append(
            {
                **_indicator_facts(indicator),
                "targets": {str(y): _num(values[y]) for y in years},
                "end": {"year": years[-1], "value": _num(values[years[-1]])} if years else None,
            }
        )
    rows.sort(key=lambda r: (r["objective"], r["program"], r["name"]))
    return rows


def _session_facts(session: Session) -> dict:
    return {
        "id": session.pk,
        "title": session.title,
        "date": session.date.isoformat(),
        "venue": session.venue,
        "day": session.day,
        "round": session.round,
    }


def _party_two() -> dict:
    """The second party as prepared (the mayor); the name is completed by whoever
    countersigns."""
    mayor = (
        Tenure.objects.current()
        .filter(position__opd__isnull=True, position__title=settings.LELANG_MAYOR_TITLE)
        .select_related("official")
        .first()
    )
    facts = {"position": settings.LELANG_MAYOR_TITLE, "name": "", "nip": ""}
    if mayor is not None:
        facts |= {"name": mayor.official.name, "nip": mayor.official.nip or ""}
    return facts


def pact_content(negotiation: Negotiation, decision: Decision) -> dict:
    """The pact of willingness: the binding targets this negotiation agreed."""
    item = negotiation.item
    session = item.session
    offer = decision.offer
    values: dict[int, dict[int, Decimal]] = OrderedDict()
    for target in AgreedTarget.objects.filter(negotiation=negotiation).order_by(
        "indicator_id", "year"
    ):
        values.setdefault(target.indicator_id, {})[target.year] = target.value
    return {
        "opd": {"name": negotiation.opd.name, "code": negotiation.opd.code},
        "official": official_facts(negotiation.official, negotiation.opd, on=_day(decision)),
        "party_two": _party_two(),
        "session": _session_facts(session),
        "item": item.title,
        "period": session.auction.period.name,
        "offer_version": offer.version,
        "deadline_year": offer.deadline_year,
        "decided_at": _when(decision.decided_at),
        "indicators": _rows(values),
    }


def refusal_content(negotiation: Negotiation, decision: Decision) -> dict:
    """The pact of unwillingness: the offer refused, the category and the reason."""
    item = negotiation.item
    session = item.session
    offer = decision.offer
    values: dict[int, dict[int, Decimal]] = OrderedDict()
    for target in OfferTarget.objects.filter(offer=offer).order_by("indicator_id", "year"):
        values.setdefault(target.indicator_id, {})[target.year] = target.value
    return {
        "opd": {"name": negotiation.opd.name, "code": negotiation.opd.code},
        "official": official_facts(negotiation.official, negotiation.opd, on=_day(decision)),
        "session": _session_facts(session),
        "item": item.title,
        "period": session.auction.period.name,
        "offer_version": offer.version,
        "deadline_year": offer.deadline_year,
        "decided_at": _when(decision.decided_at),
        "reason_category": decision.reason_category,
        "reason_label": str(decision.get_reason_category_display()),
        "reason": decision.reason,
        "indicators": _rows(values),
    }


def agreement_content(opd: Opd, year: int, official) -> dict:
    """The yearly performance agreement: every binding target of the unit for ``year``,
    by strategic objective, and the programs those indicators belong to."""
    values: dict[int, dict[int, Decimal]] = OrderedDict()
    targets = AgreedTarget.objects.filter(
        is_binding=True, year=year, negotiation__opd=opd
    ).order_by("indicator_id")
    for target in targets:
        values.setdefault(target.indicator_id, {})[target.year] = target.value
    rows = _rows(values)
    program_ids = {row["program_id"] for row in rows}
    programs = [
        {"name": p.name, "budget": _num(p.budget)}
        for p in Program.objects.filter(pk__in=program_ids).order_by("order", "name")
    ]
    budgets = [p for p in programs if p["budget"]]
    objectives: dict[str, list[dict]] = OrderedDict()
    for row in rows:
        objectives.setdefault(row["objective"], []).append(row)
    return {
        "opd": {"name": opd.name, "code": opd.code},
        "official": official_facts(official, opd),
        "party_two": _party_two(),
        "year": year,
        "objectives": [{"name": name, "indicators": rows} for name, rows in objectives.items()],
        "programs": programs,
        "budget_total": _num(sum(Decimal(p["budget"]) for p in budgets)) if budgets else None,
    }


def minutes_content(session: Session, chain_head: tuple[int, str]) -> dict:
    """The session's minutes from the recorded ledger: who took part, the agenda, every
    offer version, counter-proposal and answer with its time."""
    offers = Offer.objects.select_related("created_by").prefetch_related(
        Prefetch("targets", queryset=OfferTarget.objects.select_related("indicator"))
    )
    negotiations = (
        Negotiation.objects.filter(item__session=session)
        .select_related("opd", "official", "item")
        .prefetch_related(Prefetch("offers", queryset=offers))
        .order_by("item__order", "opd__name", "number")
    )
    decisions = {
        d.offer_id: d
        for d in Decision.objects.filter(offer__negotiation__item__session=session)
        .select_related("decided_by", "official")
        .prefetch_related(
            Prefetch("targets", queryset=CounterTarget.objects.select_related("indicator"))
        )
    }
    ledger: dict[int, list[dict]] = {}
    panel, officials = OrderedDict(), OrderedDict()
    for negotiation in negotiations:
        officials[negotiation.official_id] = {
            **official_facts(negotiation.official, negotiation.opd, on=session.date),
            "opd": negotiation.opd.name,
        }
        for offer in negotiation.offers.all():
            if offer.created_by_id not in panel:
                panel[offer.created_by_id] = {
                    "name": offer.created_by.get_full_name(),
                    "position": user_position(offer.created_by, on=session.date),
                }
            entry = {
                "opd": negotiation.opd.name,
                "official": negotiation.official.name,
                "negotiation": negotiation.number,
                "version": offer.version,
                "offered_at": _when(offer.created_at),
                "offered_by": offer.created_by.get_full_name(),
                "deadline_year": offer.deadline_year,
                "note": offer.note,
                "targets": [
                    {"indicator": t.indicator.name, "year": t.year, "value": _num(t.value)}
                    for t in offer.targets.all()
                ],
                "decision": None,
            }
            decision = decisions.get(offer.pk)
            if decision is not None:
                entry["decision"] = {
                    "kind": decision.kind,
                    "label": str(decision.outcome),
                    "at": _when(decision.decided_at),
                    "by": decision.official.name,
                    "reason_label": str(decision.get_reason_category_display())
                    if decision.reason_category
                    else "",
                    "reason": decision.reason,
                    "counter": [
                        {"indicator": t.indicator.name, "year": t.year, "value": _num(t.value)}
                        for t in decision.targets.all()
                    ],
                }
            ledger.setdefault(negotiation.item_id, []).append(entry)
    agenda = [
        {
            "order": n,
            "title": item.title,
            "state": item.state,
            "state_label": str(item.get_state_display()),
            "started_at": _when(item.started_at),
            "closed_at": _when(item.closed_at),
            "ledger": ledger.get(item.pk, []),
        }
        for n, item in enumerate(session.items.select_related("opd", "theme"), 1)
    ]
    seq, digest = chain_head
    return {
        "session": _session_facts(session),
        "period": session.auction.period.name,
        "auction": session.auction.name,
        "panel": list(panel.values()),
        "officials": list(officials.values()),
        "agenda": agenda,
        "closed_at": _when(timezone.now()),
        "chain_head": {"seq": seq, "hash": digest},
    }

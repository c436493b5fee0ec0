"""Demo auction sessions: a finished first day, an upcoming second day and a round 2.

Like the rest of the demo (``lelang.demo``, ``opd.demo``) everything here is
INVENTED, flagged ``is_demo`` and idempotent: rows are looked up by their natural
keys and only missing ones are created; nothing existing is changed, and no row
that is not demo data is touched. If a real auction already uses the demo name,
loading stops before changing anything.

The rows are written directly with the ORM, not through ``auctions.services``:
those publish live events and write an audit entry per action, which a seed must
not do. The history is therefore built here by hand, following the same rules as
the services (one decision per offer version, agreed targets from the accepted
version, a refusal flags the position, an item concludes once every unit has).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction

from auctions.models import (
    AgendaItem,
    AgreedTarget,
    Auction,
    CounterTarget,
    Decision,
    Negotiation,
    Offer,
    OfferTarget,
    Session,
)
from auctions.selectors import current_head_official, ready_indicators
from auctions.targets import linear_trajectory, offer_years
from lelang.demo import DEMO_PASSWORD, DemoConflict, SeedResult
from opd.models import DataRoom, Indicator, Opd, Period, Theme

JAKARTA = ZoneInfo("Asia/Jakarta")
PERIOD_NAME = "RPJMD 2018–2023"
AUCTION_NAME = "Lelang Kinerja RPJMD 2018–2023"
VENUE = "Ngalam Command Center"
DEADLINE = 2023
PANEL_LOGIN = "walikota"
UNIT_GAP = 3  # minutes between two units' offers on a theme item

ItemState = AgendaItem.State
Kind = Decision.Kind


@dataclass(frozen=True)
class Ambition:
    """How far an offer goes beyond the unit's own proposal.

    ``stretch`` is the share of the proposed improvement added on top of it (0: the
    proposal itself); when a percentage cannot go further (it would pass 100 or 0),
    the bound is reached ``earlier`` years before the proposed target year instead.
    """

    stretch: Decimal
    earlier: int = 0


PROPOSAL = Ambition(Decimal("0"))
AMBITIOUS = Ambition(Decimal("0.30"), earlier=2)  # the panel's opening offer to Dinkes
COUNTER = Ambition(Decimal("0.05"))  # Dinkes' counter-proposal: close to its own
MIDDLE = Ambition(Decimal("0.15"), earlier=1)  # the panel's second offer, in between
STRETCHED = Ambition(Decimal("0.25"), earlier=2)  # the offer DPUPR refused

# --- Day 1 and round 2 (finished) ---------------------------------------------------
# Malang, Ngalam Command Center: the dinas on Monday 12 November 2018, the second
# round ("putaran ke-2") on Tuesday 13 November; the fourteen pacts were signed on
# Saturday 8 December (contracts.demo).

DAY1 = {
    "title": "Lelang Kinerja Hari 1 — Dinas",
    "date": date(2018, 11, 12),
    "day": 1,
    "round": 1,
    "status": Session.Status.CLOSED,
}

DINKES_COUNTER_REASON = (
    "Penurunan AKI dan stunting setajam itu belum didukung jumlah bidan dan tenaga gizi "
    "di puskesmas; kami sanggup mendekati target usulan kami, dengan tambahan "
    "pendampingan kader mulai 2020."
)
DPUPR_REFUSAL_REASON = (
    "Pagu indikatif 2019–2020 untuk jalan, jembatan dan drainase tidak cukup untuk "
    "target setinggi itu; dengan anggaran yang tersedia kami hanya sanggup pada "
    "lintasan usulan kami. Mohon dibahas kembali bersama TAPD."
)

# The decided items of a finished session, in agenda order: the unit (``opd``) or
# ``theme``, the time box, when the item went on stage, and its ``steps``: one per
# offer version, (how ambitious the offer is, minute it was made, the answer, minute
# of the answer), minutes counted from the item's start. Each unit on the item goes
# through the steps. ``handover``: after the refusal the position goes to an acting
# head (Plt.) appointed on the spot, who answers ``handover["steps"]``.
DAY1_ITEMS = [
    {
        "opd": "dinkes",
        "time_box": 15,
        "start": time(8, 30),
        "steps": [
            (AMBITIOUS, 6, Kind.COUNTER, 11),
            (MIDDLE, 16, Kind.ACCEPT, 19),
        ],
        "note": {1: "Penawaran awal panel", 2: "Jalan tengah setelah usulan balik Dinkes"},
    },
    {
        "opd": "dindik",
        "time_box": 15,
        "start": time(9, 0),
        "steps": [(PROPOSAL, 7, Kind.ACCEPT, 10)],
    },
    {
        "opd": "disdag",
        "time_box": 15,
        "start": time(9, 20),
        "steps": [(PROPOSAL, 8, Kind.ACCEPT, 12)],
    },
    {
        "theme": "penurunan-aki",
        "time_box": 20,
        "start": time(9, 45),
        "steps": [(PROPOSAL, 9, Kind.ACCEPT, 13)],
    },
]

ROUND2 = {
    "title": "Lelang Kinerja Putaran 2",
    "date": date(2018, 11, 13),
    "day": 2,
    "round": 2,
    "status": Session.Status.CLOSED,
}

# Sekretaris Dinas PUPR, appointed Plt. Kepala Dinas PUPR from the console after the
# head's refusal (invented, like every person in the demo).
DPUPR_ACTING = {
    "name": "Ir. Dimas Arya Prakoso, M.T. (contoh)",
    "nip": "197604122001121004",
    "username": "plt.dpupr",
}

ROUND2_ITEMS = [
    {
        "theme": "penanganan-stunting",
        "time_box": 20,
        "start": time(8, 30),
        "steps": [(PROPOSAL, 9, Kind.ACCEPT, 13)],
    },
    {
        "opd": "dpmptsp",
        "time_box": 15,
        "start": time(8, 55),
        "steps": [(PROPOSAL, 7, Kind.ACCEPT, 10)],
    },
    {
        "opd": "disperin",
        "time_box": 15,
        "start": time(9, 15),
        "steps": [(MIDDLE, 7, Kind.ACCEPT, 11)],
    },
    {
        "opd": "disbudpar",
        "time_box": 15,
        "start": time(9, 35),
        "steps": [(PROPOSAL, 6, Kind.ACCEPT, 9)],
    },
    {
        "opd": "dpupr",
        "time_box": 15,
        "start": time(9, 55),
        "steps": [(STRETCHED, 8, Kind.REFUSE, 14)],
        "refusal": (Decision.Reason.BUDGET, DPUPR_REFUSAL_REASON),
        "handover": {"at": 18, "steps": [(STRETCHED, 21, Kind.ACCEPT, 25)]},
    },
    {
        "opd": "dishub",
        "time_box": 15,
        "start": time(10, 30),
        "steps": [(PROPOSAL, 7, Kind.ACCEPT, 10)],
    },
    {
        "opd": "disperkim",
        "time_box": 15,
        "start": time(10, 50),
        "steps": [(PROPOSAL, 7, Kind.ACCEPT, 11)],
    },
    {
        "opd": "kec-blimbing",
        "time_box": 10,
        "start": time(11, 10),
        "steps": [(PROPOSAL, 5, Kind.ACCEPT, 7)],
    },
    {
        "opd": "kec-kedungkandang",
        "time_box": 10,
        "start": time(11, 25),
        "steps": [(PROPOSAL, 5, Kind.ACCEPT, 8)],
    },
    {
        "opd": "kec-klojen",
        "time_box": 10,
        "start": time(11, 40),
        "steps": [(PROPOSAL, 5, Kind.ACCEPT, 7)],
    },
    {
        "opd": "kec-lowokwaru",
        "time_box": 10,
        "start": time(13, 0),
        "steps": [(PROPOSAL, 5, Kind.ACCEPT, 8)],
    },
    {
        "opd": "kec-sukun",
        "time_box": 10,
        "start": time(13, 15),
        "steps": [(PROPOSAL, 5, Kind.ACCEPT, 7)],
    },
]

# --- The follow-up (planned) ---------------------------------------------------------
# "Yang lain akan segera dirampungkan": the units not done yet, on the poverty theme
# the mayor named ("penurunan angka kemiskinan"); ready to run from the console.

FOLLOW_UP = {
    "title": "Lelang Kinerja Lanjutan — Penanggulangan Kemiskinan",
    "date": date(2019, 1, 21),
    "day": 3,
    "round": 3,
    "status": Session.Status.PLANNED,
}
FOLLOW_UP_ITEMS = [  # (opd code or None, theme code or None, time box in minutes)
    ("dinsos", None, 15),
    (None, "penurunan-kemiskinan", 20),
    ("diskopum", None, 15),
]
# An empty later day to postpone items to.
RESERVE = {
    "title": "Lelang Kinerja Lanjutan — Hari Cadangan",
    "date": date(2019, 1, 28),
    "day": 4,
    "round": 3,
    "status": Session.Status.PLANNED,
}


def seed_sessions(result: SeedResult) -> None:
    """Create whatever demo auction, sessions, items and negotiations are missing."""

    real = Auction.objects.filter(name=AUCTION_NAME, is_demo=False).first()
    if real is not None:
        raise DemoConflict(f"auction {real.name}")
    period = Period.objects.filter(name=PERIOD_NAME, is_demo=True).first()
    if period is None:  # the data rooms were not seeded: nothing to auction
        return
    with transaction.atomic():
        auction = Auction.objects.filter(name=AUCTION_NAME).first()
        result.add("auction", auction is None)
        if auction is None:
            auction = Auction.objects.create(name=AUCTION_NAME, period=period, is_demo=True)
        day1 = _session(auction, DAY1, result)
        round2 = _session(auction, ROUND2, result)
        follow_up = _session(auction, FOLLOW_UP, result)
        _session(auction, RESERVE, result)
        panel = get_user_model().objects.filter(username=PANEL_LOGIN, is_demo=True).first()
        for session, specs in ((day1, DAY1_ITEMS), (round2, ROUND2_ITEMS)):
            if session.is_demo and panel is not None:
                for order, spec in enumerate(specs, 1):
                    _decided_item(session, order, spec, panel, result)
        if follow_up.is_demo:
            for order, (opd_code, theme_code, time_box) in enumerate(FOLLOW_UP_ITEMS, 1):
                _waiting_item(follow_up, order, opd_code, theme_code, time_box, result)


def _session(auction: Auction, spec: dict, result: SeedResult) -> Session:
    session = Session.objects.filter(auction=auction, title=spec["title"]).first()
    result.add("session", session is None)
    if session is None:
        session = Session.objects.create(auction=auction, venue=VENUE, is_demo=True, **spec)
    return session


def _unit(opd_code: str | None, theme_code: str | None) -> dict:
    """The lookup of an agenda item: its demo unit or demo theme (empty if missing)."""
    if opd_code:
        opd = Opd.objects.filter(code=opd_code, is_demo=True).first()
        return {"opd": opd, "theme": None} if opd else {}
    theme = Theme.objects.filter(code=theme_code, is_demo=True).first()
    return {"opd": None, "theme": theme} if theme else {}


def _is_ready(session: Session, unit: dict) -> bool:
    """Whether the item has something on the table: a ready data room, or (a theme)
    at least one unit with theme indicators in a ready room."""
    indicators = Indicator.objects.filter(
        program__data_room__period_id=session.auction.period_id,
        program__data_room__status=DataRoom.Status.READY,
    )
    if unit["opd"] is not None:
        return indicators.filter(program__data_room__opd=unit["opd"]).exists()
    return indicators.filter(theme=unit["theme"]).exists()


def _waiting_item(
    session: Session,
    order: int,
    opd_code: str | None,
    theme_code: str | None,
    time_box: int,
    result: SeedResult,
) -> None:
    unit = _unit(opd_code, theme_code)
    if not unit:
        return
    item = AgendaItem.objects.filter(session=session, **unit).first()
    if item is None and not _is_ready(session, unit):
        return
    result.add("agenda_item", item is None)
    if item is None:
        AgendaItem.objects.create(session=session, order=order, time_box=time_box, **unit)


def _at(day: date, clock: time, minutes: int = 0) -> datetime:
    return datetime.combine(day, clock, tzinfo=JAKARTA) + timedelta(minutes=minutes)


def _decided_item(session: Session, order: int, spec: dict, panel, result: SeedResult) -> None:
    """A day-1 item with its whole history, created only together with the item."""
    unit = _unit(spec.get("opd"), spec.get("theme"))
    if not unit:
        return
    item = AgendaItem.objects.filter(session=session, **unit).first()
    if item is not None:
        result.add("agenda_item", False)
        return
    start = spec["start"]
    item = AgendaItem(
        session=session,
        order=order,
        time_box=spec["time_box"],
        started_at=_at(session.date, start),
        **unit,
    )
    # Everyone who answers must be on record (a head with a login) before anything is
    # written; otherwise the item is left out rather than half made.
    units = ready_indicators(item)
    heads = {opd: current_head_official(opd) for opd in units}
    if not units or any(h is None or h.user_id is None for h in heads.values()):
        return
    # On a theme item the units answer one after the other, a few minutes apart.
    last_minute = spec["steps"][-1][3] + UNIT_GAP * (len(units) - 1)
    item.closed_at = _at(session.date, start, last_minute + 1)
    refused = any(kind == Kind.REFUSE for *_rest, kind, _minute in spec["steps"])
    item.state = ItemState.REFUSED if refused else ItemState.ACCEPTED
    item.save()
    result.add("agenda_item", True)

    years = offer_years(session.auction.period.start_year + 1, DEADLINE)
    for index, (opd, indicators) in enumerate(units.items()):
        gap = UNIT_GAP * index
        negotiation = _negotiate(
            item, opd, heads[opd], 1, spec["steps"], spec, panel, gap, indicators, years, result
        )
        handover = spec.get("handover")
        if handover and negotiation.state == Negotiation.State.REFUSED:
            at = _at(session.date, start, handover["at"] + gap)
            acting = _appoint_acting(opd, at, result)
            if acting is None:
                continue
            Negotiation.objects.filter(pk=negotiation.pk).update(
                state=Negotiation.State.HANDED_OVER
            )
            _negotiate(
                item,
                opd,
                acting,
                2,
                handover["steps"],
                spec,
                panel,
                gap,
                indicators,
                years,
                result,
                opened=at,
            )
            AgendaItem.objects.filter(pk=item.pk).update(state=ItemState.ACCEPTED)


def _negotiate(
    item, opd, official, number, steps, spec, panel, gap, indicators, years, result, opened=None
) -> Negotiation:
    """One negotiation of ``opd`` on a finished item with its offers and answers."""
    session, start = item.session, spec["start"]
    negotiation = Negotiation.objects.create(item=item, opd=opd, official=official, number=number)
    Negotiation.objects.filter(pk=negotiation.pk).update(opened_at=opened or item.started_at)
    result.add("negotiation", True)
    for version, (ambition, offered, kind, answered) in enumerate(steps, 1):
        values = _offer_values(item, opd, indicators, years, ambition)
        offer = Offer.objects.create(
            negotiation=negotiation,
            version=version,
            deadline_year=DEADLINE,
            note=spec.get("note", {}).get(version, "") if number == 1 else "",
            created_by=panel,
            created_at=_at(session.date, start, offered + gap),
        )
        OfferTarget.objects.bulk_create(
            OfferTarget(offer=offer, indicator=indicator, year=year, value=value)
            for (indicator, year), value in values.items()
        )
        result.add("offer", True)
        decided_at = _at(session.date, start, answered + gap)
        _decide(negotiation, offer, kind, spec, values, years, indicators, decided_at, result)
        if kind != Kind.COUNTER:
            negotiation.closed_at = decided_at
            negotiation.save(update_fields=["state", "position_flagged", "closed_at"])
    return negotiation


def _appoint_acting(opd: Opd, at: datetime, result: SeedResult):
    """The Plt. appointed from the console after the refusal: a login, an official and
    an acting tenure of the head position from that day; the refusing head's tenure
    ends the day before (as ``opd.services.acting_head_appoint`` does)."""
    from lelang.roles import Role
    from opd.models import Official, Position, Tenure

    users = get_user_model().objects
    if users.filter(username=DPUPR_ACTING["username"], is_demo=False).exists():
        return None
    position = Position.objects.filter(opd=opd, is_head=True).first()
    if position is None:
        return None
    user = users.filter(username=DPUPR_ACTING["username"]).first()
    if user is None:
        user = users.create_user(
            username=DPUPR_ACTING["username"],
            password=DEMO_PASSWORD,
            name=DPUPR_ACTING["name"],
            role=Role.OPD_HEAD,
            is_demo=True,
        )
        result.add("user", True)
    official = Official.objects.filter(user=user).first()
    if official is None:
        official = Official.objects.create(
            name=DPUPR_ACTING["name"], nip=DPUPR_ACTING["nip"], user=user, is_demo=True
        )
        result.add("official", True)
    day = at.date()
    Tenure.objects.filter(position=position, end_date__isnull=True).exclude(
        official=official
    ).update(end_date=day - timedelta(days=1))
    Tenure.objects.get_or_create(
        official=official,
        position=position,
        defaults={"start_date": day, "is_acting": True},
    )
    return official


def _decide(
    negotiation: Negotiation,
    offer: Offer,
    kind: str,
    spec: dict,
    values: dict,
    years: list[int],
    indicators: list[Indicator],
    decided_at: datetime,
    result: SeedResult,
) -> None:
    """The head's answer to one offer, with what it entails (as decision_record does)."""
    official = negotiation.official
    category, reason = "", ""
    if kind == Kind.COUNTER:
        reason = DINKES_COUNTER_REASON
    elif kind == Kind.REFUSE:
        category, reason = spec["refusal"]
    decision = Decision.objects.create(
        offer=offer,
        kind=kind,
        reason_category=category,
        reason=reason,
        decided_by=official.user,
        official=official,
        decided_at=decided_at,
    )
    result.add("decision", True)
    if kind == Kind.COUNTER:
        counter = {
            (indicator, year): value
            for indicator in indicators
            for year, value in _trajectory(indicator, years, COUNTER).items()
        }
        CounterTarget.objects.bulk_create(
            CounterTarget(decision=decision, indicator=indicator, year=year, value=value)
            for (indicator, year), value in counter.items()
        )
    elif kind == Kind.ACCEPT:
        AgreedTarget.objects.bulk_create(
            AgreedTarget(
                negotiation=negotiation,
                decision=decision,
                indicator=indicator,
                year=year,
                value=value,
            )
            for (indicator, year), value in values.items()
        )
        for _key in values:
            result.add("agreed_target", True)
        negotiation.state = Negotiation.State.ACCEPTED
    else:
        negotiation.state = Negotiation.State.REFUSED
        negotiation.position_flagged = True


def _offer_values(
    item: AgendaItem,
    opd: Opd,
    indicators: list[Indicator],
    years: list[int],
    ambition: Ambition,
) -> dict[tuple[Indicator, int], Decimal]:
    """The targets offered to one unit. On a theme item, an indicator the unit already
    agreed earlier in the session is offered at the agreed values, so that the demo
    tells one story."""
    agreed = {}
    if item.theme_id:
        agreed = {
            (target.indicator_id, target.year): target.value
            for target in AgreedTarget.objects.filter(
                negotiation__item__session=item.session,
                negotiation__opd=opd,
                negotiation__state=Negotiation.State.ACCEPTED,
                indicator__in=indicators,
                year__in=years,
            )
        }
    values = {}
    for indicator in indicators:
        trajectory = _trajectory(indicator, years, ambition)
        for year in years:
            values[(indicator, year)] = agreed.get((indicator.pk, year), trajectory[year])
    return values


def _trajectory(indicator: Indicator, years: list[int], ambition: Ambition) -> dict:
    """Baseline to the proposed target, stretched by ``ambition``, year by year."""
    baseline = indicator.baseline_value
    target = indicator.target_value if indicator.target_value is not None else baseline
    target_year = indicator.target_year or DEADLINE
    if ambition.stretch:
        stretched = target + (target - baseline) * ambition.stretch
        whole = baseline == baseline.to_integral_value() and target == target.to_integral_value()
        stretched = stretched.quantize(Decimal(1) if whole else Decimal("0.1"), ROUND_HALF_UP)
        bounded = _bounded(stretched, indicator.unit)
        if bounded != stretched:  # a percentage at its bound: reach it sooner instead
            target_year = max(target_year - ambition.earlier, indicator.baseline_year + 1)
        target = bounded
    return linear_trajectory(
        baseline_year=indicator.baseline_year,
        baseline=baseline,
        target_year=target_year,
        target=target,
        years=years,
    )


def _bounded(value: Decimal, unit: str) -> Decimal:
    if unit.strip() == "%":
        return min(max(value, Decimal(0)), Decimal(100))
    return max(value, Decimal(0))

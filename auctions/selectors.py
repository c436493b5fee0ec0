"""Reads for the live session: which indicators an item covers, its latest offers."""

from collections import defaultdict

from django.db.models import Exists, OuterRef, Prefetch, prefetch_related_objects

from auctions.models import AgendaItem, AgreedTarget, Negotiation, Offer, Reopening
from opd.models import DataRoom, Indicator, Opd, Tenure


def _item_indicators(item: AgendaItem):
    """Every indicator the item covers, from data rooms marked ready, agreed or not."""
    period_id = item.session.auction.period_id
    indicators = Indicator.objects.filter(
        program__data_room__period_id=period_id,
        program__data_room__status=DataRoom.Status.READY,
    )
    if item.opd_id:
        return indicators.filter(program__data_room__opd_id=item.opd_id)
    return indicators.filter(theme_id=item.theme_id)


def has_ready_data(item: AgendaItem) -> bool:
    """Whether the item has anything from a ready data room, agreed already or not."""
    return _item_indicators(item).exists()


def _bound_elsewhere(item: AgendaItem):
    """Binding agreed targets of an indicator that were agreed on another item."""
    return AgreedTarget.objects.filter(indicator=OuterRef("pk"), is_binding=True).exclude(
        negotiation__item_id=item.pk
    )


def _annotated_indicators(item: AgendaItem):
    """The item's indicators, each marked ``bound`` (agreed on another item) and
    ``reopened`` (Bappeda reopened it here), in agenda order."""
    return (
        _item_indicators(item)
        .annotate(
            bound=Exists(_bound_elsewhere(item)),
            reopened=Exists(Reopening.objects.filter(item_id=item.pk, indicator=OuterRef("pk"))),
        )
        .select_related("program__data_room__opd")
        .prefetch_related("comparators")
        .order_by("program__data_room__opd__name", "program__order", "order", "pk")
    )


def item_indicators(item: AgendaItem) -> tuple[dict[Opd, list[Indicator]], list[dict]]:
    """What is on the table for an item and what was settled before it, in one read:
    ``(ready, settled)`` as :func:`ready_indicators` and :func:`settled_indicators`
    return them (the live screens need both on every change)."""
    grouped: dict[Opd, list[Indicator]] = defaultdict(list)
    settled: list[Indicator] = []
    for indicator in _annotated_indicators(item):
        if indicator.bound and not indicator.reopened:
            settled.append(indicator)
        else:
            grouped[indicator.program.data_room.opd].append(indicator)
    return dict(grouped), _settled_rows(settled)


def _settled_rows(indicators: list[Indicator]) -> list[dict]:
    if not indicators:
        return []
    targets = defaultdict(list)
    for target in (
        AgreedTarget.objects.filter(indicator__in=indicators, is_binding=True)
        .select_related("negotiation__item__session", "negotiation__opd")
        .order_by("year")
    ):
        targets[target.indicator_id].append(target)
    return [
        {
            "indicator": indicator,
            "opd": indicator.program.data_room.opd,
            "targets": targets[indicator.pk],
            "item": targets[indicator.pk][0].negotiation.item if targets[indicator.pk] else None,
        }
        for indicator in indicators
    ]


def ready_indicators(item: AgendaItem) -> dict[Opd, list[Indicator]]:
    """The indicators on the table for an item, per unit: from data rooms marked ready.

    An OPD item covers all indicators of that unit's data room; a theme item covers
    the indicators of every unit linked to the theme. An indicator that already has a
    binding target agreed on another item is left out (see :func:`settled_indicators`)
    unless Bappeda reopened it on this item.
    """
    grouped: dict[Opd, list[Indicator]] = defaultdict(list)
    for indicator in _annotated_indicators(item).exclude(bound=True, reopened=False):
        grouped[indicator.program.data_room.opd].append(indicator)
    return dict(grouped)


def settled_indicators(item: AgendaItem) -> list[dict]:
    """The item's indicators already agreed elsewhere (and not reopened here), each with
    its binding trajectory and where it was agreed: shown, but not offered again."""
    return item_indicators(item)[1]


def agreed_opd_ids(opd_ids) -> set[int]:
    """Which of these units already have binding agreed targets (for a warning)."""
    return set(
        AgreedTarget.objects.filter(
            is_binding=True, indicator__program__data_room__opd_id__in=opd_ids
        ).values_list("indicator__program__data_room__opd_id", flat=True)
    )


def current_head_official(opd: Opd):
    tenure = (
        Tenure.objects.current()
        .filter(position__opd=opd, position__is_head=True)
        .select_related("official")
        .order_by("is_acting", "-start_date")
        .first()
    )
    return tenure.official if tenure else None


def latest_negotiations(item: AgendaItem) -> dict[int, Negotiation]:
    """The newest negotiation per unit, keyed by OPD id, with its offers and decisions.

    Only the newest offer of each comes with its targets (and its answer's): every
    live screen draws those, once per change and per process, and fetching the targets
    of every earlier version made a render grow with the length of the negotiation
    (measured: 106 of 112 ms at 83 versions). Older offers load theirs when asked.
    """
    offers = Offer.objects.select_related("decision", "created_by")
    negotiations = item.negotiations.select_related("opd", "official__user").prefetch_related(
        Prefetch("offers", queryset=offers)
    )
    latest: dict[int, Negotiation] = {}
    for negotiation in negotiations.order_by("opd_id", "number"):
        latest[negotiation.opd_id] = negotiation
    newest = [offer for n in latest.values() if (offer := latest_offer(n)) is not None]
    prefetch_related_objects(newest, "targets", "decision__targets")
    return latest


def latest_offer(negotiation: Negotiation) -> Offer | None:
    offers = list(negotiation.offers.all())
    return offers[-1] if offers else None


def handover_candidates(opd: Opd, negotiation: Negotiation) -> list[dict]:
    """Who may be appointed acting head of ``opd`` on the spot: officials of any unit with
    an active login (heads and staff; not Bappeda, the panel or inspectors), the unit's
    own people first, each with the position they hold today."""
    from opd.models import Official
    from opd.services import APPOINTABLE_ROLES

    officials = (
        Official.objects.filter(user__is_active=True, user__role__in=APPOINTABLE_ROLES)
        .exclude(pk=negotiation.official_id)
        .select_related("user")
        .order_by("name")
    )
    held = {}
    for tenure in (
        Tenure.objects.current()
        .filter(official__in=officials)
        .select_related("position__opd")
        .order_by("-position__is_head", "is_acting")
    ):
        held.setdefault(tenure.official_id, tenure)
    rows = [{"official": o, "tenure": held.get(o.pk)} for o in officials]
    rows.sort(
        key=lambda r: (
            not (r["tenure"] and r["tenure"].position.opd_id == opd.pk),
            r["official"].name,
        )
    )
    return rows

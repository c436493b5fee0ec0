"""Reads for the live session: which indicators an item covers, its latest offers."""

from collections import defaultdict

from django.db.models import Prefetch

from auctions.models import AgendaItem, Negotiation, Offer
from opd.models import DataRoom, Indicator, Opd, Tenure


def ready_indicators(item: AgendaItem) -> dict[Opd, list[Indicator]]:
    """The indicators on the table for an item, per unit: from data rooms marked ready.

    An OPD item covers all indicators of that unit's data room; a theme item covers
    the indicators of every unit linked to the theme.
    """
    period_id = item.session.auction.period_id
    indicators = (
        Indicator.objects.filter(
            program__data_room__period_id=period_id,
            program__data_room__status=DataRoom.Status.READY,
        )
        .select_related("program__data_room__opd")
        .prefetch_related("comparators")
        .order_by("program__data_room__opd__name", "program__order", "order", "pk")
    )
    if item.opd_id:
        indicators = indicators.filter(program__data_room__opd_id=item.opd_id)
    else:
        indicators = indicators.filter(theme_id=item.theme_id)
    grouped: dict[Opd, list[Indicator]] = defaultdict(list)
    for indicator in indicators:
        grouped[indicator.program.data_room.opd].append(indicator)
    return dict(grouped)


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
    """The newest negotiation per unit, keyed by OPD id, with its offers and decisions."""
    offers = Offer.objects.select_related("decision", "created_by").prefetch_related(
        "targets", "decision__targets"
    )
    negotiations = item.negotiations.select_related("opd", "official__user").prefetch_related(
        Prefetch("offers", queryset=offers)
    )
    latest: dict[int, Negotiation] = {}
    for negotiation in negotiations.order_by("opd_id", "number"):
        latest[negotiation.opd_id] = negotiation
    return latest


def latest_offer(negotiation: Negotiation) -> Offer | None:
    offers = list(negotiation.offers.all())
    return offers[-1] if offers else None

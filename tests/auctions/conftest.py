"""A ready Dinas Kesehatan data room, an auction and a session with its agenda item."""

import datetime
from decimal import Decimal

import pytest

from auctions import services
from auctions.models import AgendaItem, Auction, Session
from opd.models import DataRoom
from tests.opd.conftest import make_indicator


@pytest.fixture
def ready_dinkes(period, dinkes, dinkes_head):
    room = DataRoom.objects.create(opd=dinkes, period=period, status=DataRoom.Status.READY)
    make_indicator(room)  # Angka Kematian Ibu, lower is better, 53,6 → 40
    make_indicator(
        room,
        name="Persalinan di fasilitas kesehatan",
        unit="%",
        polarity="higher",
        baseline_value=Decimal("92"),
        target_value=Decimal("99"),
    )
    return room


@pytest.fixture
def auction(period):
    return Auction.objects.create(name="Lelang Kinerja RPJMD 2018–2023", period=period)


@pytest.fixture
def session(auction):
    return Session.objects.create(auction=auction, title="Hari 1", date=datetime.date(2018, 12, 3))


@pytest.fixture
def later_session(auction):
    return Session.objects.create(
        auction=auction, title="Putaran 2", round=2, date=datetime.date(2018, 12, 17)
    )


@pytest.fixture
def item(session, ready_dinkes, dinkes):
    return AgendaItem.objects.create(session=session, opd=dinkes, order=1)


def full_values(item, opd, value_for=lambda indicator, year: Decimal("50")):
    """A value for every indicator of ``opd`` on ``item`` and every year 2019–2023."""
    from auctions.selectors import ready_indicators

    return {
        (indicator.pk, year): value_for(indicator, year)
        for indicator in ready_indicators(item)[opd]
        for year in range(2019, 2024)
    }


@pytest.fixture
def on_stage(item, operator):
    services.item_start(item=item, user=operator)
    item.refresh_from_db()
    return item


def arbitrary_offer(item, opd, mayor, **kwargs):
    """An offer with every value of :func:`full_values` (50 unless ``value_for``):
    deliberately arbitrary, so sent past the ambition check (tested on its own)."""
    return services.offer_issue(
        item=item,
        opd=opd,
        deadline_year=2023,
        values=full_values(item, opd, **kwargs),
        send_anyway=True,
        user=mayor,
    )


@pytest.fixture
def offer(on_stage, dinkes, mayor):
    return arbitrary_offer(on_stage, dinkes, mayor)

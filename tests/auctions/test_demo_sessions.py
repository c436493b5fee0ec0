"""The demo sessions: a finished day 1, a day 2 ready to run, idempotent, never on real rows."""

import datetime

import pytest
from django.apps import apps

from auctions.demo import AUCTION_NAME, seed_sessions
from auctions.models import (
    AgendaItem,
    AgreedTarget,
    Auction,
    CounterTarget,
    Decision,
    Negotiation,
    Offer,
    Session,
)
from auctions.selectors import ready_indicators, settled_indicators
from lelang.demo import DemoConflict, SeedResult, seed_demo
from opd.models import Opd, Period

pytestmark = pytest.mark.django_db

YEARS = list(range(2019, 2024))
JAKARTA = datetime.timezone(datetime.timedelta(hours=7))


def _snapshot() -> dict[str, list[str]]:
    """Every row of the auctions app, as plain values."""
    return {
        model._meta.label: sorted(map(repr, model.objects.values_list()))
        for model in apps.get_app_config("auctions").get_models()
    }


@pytest.fixture
def seeded() -> SeedResult:
    """What the whole demo created, whether or not ``seed_demo`` already seeds sessions."""
    result = seed_demo()
    seed_sessions(result)
    return result


def _day1() -> Session:
    return Session.objects.get(title="Lelang Kinerja Hari 1 — Dinas")


def _item(session: Session, code: str) -> AgendaItem:
    return session.items.get(opd__code=code)


def test_one_demo_auction_on_the_demo_period(seeded):
    auction = Auction.objects.get()
    assert auction.name == AUCTION_NAME
    assert auction.is_demo
    assert auction.period == Period.objects.get(name="RPJMD 2018–2023")
    assert auction.sessions.count() == 3
    assert all(session.is_demo for session in auction.sessions.all())


def test_day_one_is_closed_with_accepted_and_refused_items(seeded):
    closed = Session.objects.filter(status=Session.Status.CLOSED)
    assert closed.count() == 1
    day1 = closed.get()
    assert day1 == _day1()
    assert (day1.date, day1.day, day1.round, day1.venue) == (
        datetime.date(2018, 11, 12),
        1,
        1,
        "Ngalam Command Center",
    )
    states = {item.title: item.state for item in day1.items.select_related("opd", "theme")}
    assert states == {
        "Dinas Kesehatan": "accepted",
        "Dinas Pendidikan": "accepted",
        "Dinas Pekerjaan Umum dan Penataan Ruang": "refused",
        "Penurunan Angka Kematian Ibu": "accepted",
    }
    for item in day1.items.all():
        assert item.started_at.astimezone(JAKARTA).date() == day1.date
        assert item.started_at < item.closed_at
        # Every unit with indicators on the item has its (one) negotiation.
        assert {n.opd for n in item.negotiations.all()} == set(ready_indicators(item))


def test_dinkes_countered_then_accepted_version_two(seeded):
    item = _item(_day1(), "dinkes")
    negotiation = item.negotiations.get()
    assert negotiation.state == Negotiation.State.ACCEPTED
    assert negotiation.official.user.username == "kepala.dinkes"
    v1, v2 = negotiation.offers.order_by("version")
    assert (v1.version, v2.version) == (1, 2)
    assert {v1.created_by.username, v2.created_by.username} == {"walikota"}
    assert v1.decision.kind == Decision.Kind.COUNTER
    assert v1.decision.reason.strip()
    assert v1.decision.decided_by == negotiation.official.user
    assert v2.decision.kind == Decision.Kind.ACCEPT
    assert v2.decision.official == negotiation.official
    assert v1.created_at < v1.decision.decided_at < v2.created_at < v2.decision.decided_at
    for stamp in (v1.created_at, v1.decision.decided_at, v2.decision.decided_at):
        assert stamp.astimezone(JAKARTA).date() == datetime.date(2018, 11, 12)

    offered = {(t.indicator_id, t.year): t.value for t in v2.targets.all()}
    agreed = {(t.indicator_id, t.year): t.value for t in negotiation.agreed_targets.all()}
    assert agreed == offered
    assert set(negotiation.agreed_targets.values_list("decision", flat=True)) == {v2.decision.pk}
    countered = {(t.indicator_id, t.year): t.value for t in v1.decision.targets.all()}
    assert set(countered) == set(offered)


def test_dinkes_offers_move_from_ambitious_towards_the_proposal(seeded):
    item = _item(_day1(), "dinkes")
    negotiation = item.negotiations.get()
    v1, v2 = negotiation.offers.order_by("version")
    aki = next(
        i
        for i in ready_indicators(item)[negotiation.opd]
        if i.name.startswith("Angka Kematian Ibu")
    )
    first = v1.targets.get(indicator=aki, year=2023).value
    counter = CounterTarget.objects.get(decision=v1.decision, indicator=aki, year=2023).value
    second = v2.targets.get(indicator=aki, year=2023).value
    # Lower is better: the panel's first offer asks most, the counter least, v2 between.
    assert first < second < counter <= aki.target_value


def test_dindik_accepted_at_version_one(seeded):
    negotiation = _item(_day1(), "dindik").negotiations.get()
    offer = negotiation.offers.get()
    assert offer.version == 1
    assert offer.decision.kind == Decision.Kind.ACCEPT
    assert negotiation.agreed_targets.count() == offer.targets.count() > 0


def test_the_refused_item_flags_the_position(seeded):
    item = _item(_day1(), "dpupr")
    negotiation = item.negotiations.get()
    assert negotiation.state == Negotiation.State.REFUSED
    assert negotiation.position_flagged
    assert negotiation.closed_at is not None
    decision = negotiation.offers.get().decision
    assert decision.kind == Decision.Kind.REFUSE
    assert decision.reason_category == Decision.Reason.BUDGET
    assert decision.reason.strip()
    assert not negotiation.agreed_targets.exists()


def test_the_theme_item_negotiates_only_what_is_not_agreed_yet(seeded):
    item = _day1().items.get(theme__code="penurunan-aki")
    negotiations = list(item.negotiations.select_related("opd"))
    # Dinkes agreed its AKI indicator on its own item earlier that day: on the theme
    # item it is shown as settled, not offered again; Kedungkandang negotiates.
    assert {n.opd.code for n in negotiations} == {"kec-kedungkandang"}
    assert {n.state for n in negotiations} == {Negotiation.State.ACCEPTED}
    settled = settled_indicators(item)
    assert {row["opd"].code for row in settled} == {"dinkes"}
    own = _item(_day1(), "dinkes")
    assert all(row["item"] == own for row in settled)


def test_no_indicator_has_two_binding_targets_for_a_year(seeded):
    from django.db.models import Count

    doubled = (
        AgreedTarget.objects.filter(is_binding=True)
        .values("indicator", "year")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    assert not doubled.exists()


def test_every_offer_covers_every_ready_indicator_and_year(seeded):
    offers = Offer.objects.select_related("negotiation__item__session__auction", "negotiation__opd")
    assert offers.count() == 5
    for offer in offers:
        negotiation = offer.negotiation
        indicators = ready_indicators(negotiation.item)[negotiation.opd]
        expected = {(i.pk, year) for i in indicators for year in YEARS}
        assert set(offer.targets.values_list("indicator_id", "year")) == expected, offer
        assert offer.deadline_year == 2023
        for target in offer.targets.select_related("indicator"):
            if target.indicator.unit.strip() == "%":
                assert 0 <= target.value <= 100, target


def test_day_two_is_planned_with_waiting_items(seeded):
    day2 = Session.objects.get(title="Lelang Kinerja Hari 2 — Kecamatan dan Tematik")
    assert day2.status == Session.Status.PLANNED
    assert (day2.date, day2.day, day2.round) == (datetime.date(2018, 11, 13), 2, 1)
    items = list(day2.items.select_related("opd", "theme"))
    assert len(items) >= 6
    assert {item.state for item in items} == {AgendaItem.State.WAITING}
    assert any(item.theme_id for item in items)
    assert not any(item.negotiations.exists() for item in items)
    decided = set(_day1().items.exclude(opd=None).values_list("opd__code", flat=True))
    codes = {item.opd.code for item in items if item.opd_id}
    assert codes == {
        "kec-blimbing",
        "kec-kedungkandang",
        "kec-klojen",
        "kec-lowokwaru",
        "kec-sukun",
        "disbudpar",
        "disperkim",
        "dpmptsp",
    }
    assert not codes & decided
    boxes = {item.title: item.time_box for item in items}
    assert boxes["Kecamatan Sukun"] == 10
    assert boxes["Dinas Kebudayaan dan Pariwisata"] == 15
    assert boxes["Penanganan Stunting"] == 20
    for item in items:
        assert ready_indicators(item), item


def test_round_two_is_planned_and_empty(seeded):
    round2 = Session.objects.get(title="Lelang Kinerja Putaran 2")
    assert (round2.status, round2.round, round2.day) == (Session.Status.PLANNED, 2, 1)
    assert round2.date == datetime.date(2018, 12, 17)
    assert not round2.items.exists()


def test_row_counts_reported(seeded):
    assert seeded.created["auction"] == 1
    assert seeded.created["session"] == 3
    assert seeded.created["agenda_item"] == 4 + 9
    assert seeded.created["negotiation"] == Negotiation.objects.count() == 4
    assert seeded.created["offer"] == 5
    assert seeded.created["decision"] == Decision.objects.count() == 5
    assert seeded.created["agreed_target"] == AgreedTarget.objects.count()


def test_seeding_twice_creates_and_changes_nothing(seeded):
    before = _snapshot()
    again = SeedResult()
    seed_sessions(again)
    assert not again.changed
    seed_demo()
    seed_sessions(SeedResult())
    assert _snapshot() == before


def test_it_refuses_a_real_auction_with_the_demo_name():
    # A real auction (on a real, earlier period) already uses the name the demo needs.
    real_period = Period.objects.create(name="RPJMD 2013–2018", start_year=2013, end_year=2018)
    Auction.objects.create(name=AUCTION_NAME, period=real_period)
    before = _snapshot()
    with pytest.raises(DemoConflict, match="Lelang Kinerja"):
        seed_demo()  # raises here once seed_demo seeds the sessions itself
        seed_sessions(SeedResult())
    assert _snapshot() == before
    assert not Session.objects.exists()


def test_it_leaves_real_sessions_and_units_alone(seeded):
    """A real session added to the demo auction is not filled in by seeding again."""
    auction = Auction.objects.get()
    real = Session.objects.create(
        auction=auction, title="Rapat tambahan", date=datetime.date(2018, 12, 12)
    )
    real_unit = Opd.objects.create(code="bpbd", name="BPBD", kind=Opd.Kind.BADAN)
    AgendaItem.objects.create(session=real, opd=real_unit)
    before = _snapshot()
    seed_sessions(SeedResult())
    assert _snapshot() == before

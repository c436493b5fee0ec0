"""The demo sessions: day 1 and round 2 finished (12 and 13 November 2018), a follow-up
ready to run, idempotent, never on real rows."""

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
from lelang.demo import DemoConflict, SeedResult
from lelang.management.commands.seed_demo import seed_demo
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


def _round2() -> Session:
    return Session.objects.get(title="Lelang Kinerja Putaran 2")


NINE_DINAS = {
    "dindik",
    "dinkes",
    "disdag",
    "dpmptsp",
    "disperin",
    "disbudpar",
    "dpupr",
    "dishub",
    "disperkim",
}
FIVE_KECAMATAN = {"kec-blimbing", "kec-kedungkandang", "kec-klojen", "kec-lowokwaru", "kec-sukun"}


def _item(session: Session, code: str) -> AgendaItem:
    return session.items.get(opd__code=code)


def test_one_demo_auction_on_the_demo_period(seeded):
    auction = Auction.objects.get()
    assert auction.name == AUCTION_NAME
    assert auction.is_demo
    assert auction.period == Period.objects.get(name="RPJMD 2018–2023")
    assert auction.sessions.count() == 4
    assert all(session.is_demo for session in auction.sessions.all())


def test_day_one_and_round_two_are_closed_as_in_malang(seeded):
    closed = Session.objects.filter(status=Session.Status.CLOSED).order_by("date")
    assert list(closed) == [_day1(), _round2()]
    day1, round2 = closed
    assert (day1.date, day1.day, day1.round, day1.venue) == (
        datetime.date(2018, 11, 12),
        1,
        1,
        "Ngalam Command Center",
    )
    assert (round2.date, round2.round, round2.venue) == (
        datetime.date(2018, 11, 13),
        2,
        "Ngalam Command Center",
    )
    assert round2.date.weekday() == 1  # a Tuesday
    states = {item.title: item.state for item in day1.items.select_related("opd", "theme")}
    assert states == {
        "Dinas Kesehatan": "accepted",
        "Dinas Pendidikan": "accepted",
        "Dinas Perdagangan": "accepted",
        "Penurunan Angka Kematian Ibu": "accepted",
    }
    for session in closed:
        for item in session.items.all():
            assert item.state == "accepted", item
            assert item.started_at.astimezone(JAKARTA).date() == session.date
            assert item.started_at < item.closed_at
            # Every unit with indicators on the item has its negotiation.
            assert {n.opd for n in item.negotiations.all()} == set(ready_indicators(item))


def test_the_nine_dinas_and_five_kecamatan_all_agreed(seeded):
    accepted = set(
        Negotiation.objects.filter(state=Negotiation.State.ACCEPTED).values_list(
            "opd__code", flat=True
        )
    )
    assert accepted >= NINE_DINAS | FIVE_KECAMATAN


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


def test_dpupr_refused_and_the_position_went_to_a_plt_who_accepted(seeded):
    from opd.models import Tenure
    from opd.selectors import holds_head_position

    item = _item(_round2(), "dpupr")
    first, second = item.negotiations.order_by("number")
    assert first.state == Negotiation.State.HANDED_OVER
    assert first.position_flagged
    decision = first.offers.get().decision
    assert decision.kind == Decision.Kind.REFUSE
    assert decision.reason_category == Decision.Reason.BUDGET
    assert decision.reason.strip()
    assert not first.agreed_targets.exists()
    assert second.state == Negotiation.State.ACCEPTED
    assert second.official.user.username == "plt.dpupr"
    assert second.agreed_targets.exists()
    assert holds_head_position(second.official, item.opd)
    assert not holds_head_position(first.official, item.opd)
    acting = Tenure.objects.get(official=second.official)
    assert acting.is_acting and acting.start_date == datetime.date(2018, 11, 13)
    assert decision.decided_at < second.opened_at


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
    assert offers.count() >= 17
    for offer in offers:
        negotiation = offer.negotiation
        indicators = ready_indicators(negotiation.item)[negotiation.opd]
        expected = {(i.pk, year) for i in indicators for year in YEARS}
        assert set(offer.targets.values_list("indicator_id", "year")) == expected, offer
        assert offer.deadline_year == 2023
        for target in offer.targets.select_related("indicator"):
            if target.indicator.unit.strip() == "%":
                assert 0 <= target.value <= 100, target


def test_the_follow_up_is_planned_on_poverty_with_units_not_done_yet(seeded):
    follow_up = Session.objects.get(title="Lelang Kinerja Lanjutan — Penanggulangan Kemiskinan")
    assert follow_up.status == Session.Status.PLANNED
    items = list(follow_up.items.select_related("opd", "theme").order_by("order"))
    assert [item.opd.code if item.opd_id else item.theme.code for item in items] == [
        "dinsos",
        "penurunan-kemiskinan",
        "diskopum",
    ]
    assert {item.state for item in items} == {AgendaItem.State.WAITING}
    assert not any(item.negotiations.exists() for item in items)
    for item in items:
        assert ready_indicators(item), item
    theme = items[1]
    assert {opd.code for opd in ready_indicators(theme)} == {"dinsos", "diskopum"}


def test_a_reserve_day_is_planned_and_empty(seeded):
    reserve = Session.objects.get(title="Lelang Kinerja Lanjutan — Hari Cadangan")
    assert reserve.status == Session.Status.PLANNED
    assert not reserve.items.exists()


def test_row_counts_reported(seeded):
    assert seeded.created["auction"] == 1
    assert seeded.created["session"] == 4
    assert seeded.created["agenda_item"] == AgendaItem.objects.count()
    assert seeded.created["negotiation"] == Negotiation.objects.count()
    assert seeded.created["offer"] == Offer.objects.count()
    assert seeded.created["decision"] == Decision.objects.count()
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

"""The live session's rules, at the service level."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from auctions import services
from auctions.models import AgendaItem, AgreedTarget, Decision, Negotiation, Offer
from auctions.states import IllegalTransition
from lelang.models import AuditEntry
from tests.auctions.conftest import arbitrary_offer, full_values
from tests.factories import PASSWORD, UserFactory, make_member

pytestmark = pytest.mark.django_db


def test_starting_an_item_puts_it_on_stage_with_its_timer(on_stage, session):
    session.refresh_from_db()
    assert on_stage.state == AgendaItem.State.PRESENTING
    assert session.current_item == on_stage
    assert session.timer_ends_at is not None
    assert session.status == "live"
    assert AuditEntry.objects.filter(action="auctions.item.presenting").exists()


def test_only_one_item_on_stage_at_a_time(on_stage, session, dindik, operator):
    other = AgendaItem.objects.create(session=session, opd=dindik, order=2)
    with pytest.raises(ValidationError, match="masih sedang paparan"):
        services.item_start(item=other, user=operator)


def test_an_offer_moves_the_item_to_negotiating_and_is_version_1(on_stage, dinkes, mayor):
    offer = arbitrary_offer(on_stage, dinkes, mayor)
    on_stage.refresh_from_db()
    assert offer.version == 1
    assert on_stage.state == AgendaItem.State.NEGOTIATING
    assert offer.targets.count() == 10  # 2 indicators × 5 years


def test_an_offer_with_a_missing_year_saves_nothing(on_stage, dinkes, mayor):
    values = full_values(on_stage, dinkes)
    values.pop(next(iter(values)))
    with pytest.raises(ValidationError, match="2019"):
        services.offer_issue(
            item=on_stage, opd=dinkes, deadline_year=2023, values=values, user=mayor
        )
    assert not Offer.objects.exists()


def test_an_offer_of_130_percent_saves_nothing(on_stage, dinkes, mayor):
    with pytest.raises(ValidationError, match="antara 0 dan 100"):
        arbitrary_offer(on_stage, dinkes, mayor, value_for=lambda i, y: Decimal("130"))
    assert not Offer.objects.exists()


def test_no_offer_before_the_item_is_on_stage(item, dinkes, mayor):
    with pytest.raises(ValidationError):
        arbitrary_offer(item, dinkes, mayor)


def _answer(offer, user, kind="accept", password=PASSWORD, **kwargs):
    return services.decision_record(offer=offer, kind=kind, user=user, password=password, **kwargs)


def test_counter_then_new_version_then_accept_creates_agreed_targets(
    on_stage, dinkes, mayor, dinkes_head
):
    v1 = arbitrary_offer(on_stage, dinkes, mayor)
    counter = {key: Decimal("60") for key in full_values(on_stage, dinkes)}
    _answer(v1, dinkes_head, "counter", reason="Anggaran belum cukup", counter_values=counter)
    assert Decision.objects.get(offer=v1).targets.count() == 10
    v2 = arbitrary_offer(on_stage, dinkes, mayor, value_for=lambda i, y: Decimal("55"))
    assert v2.version == 2
    _answer(v2, dinkes_head)
    on_stage.refresh_from_db()
    assert on_stage.state == AgendaItem.State.ACCEPTED
    agreed = AgreedTarget.objects.all()
    assert agreed.count() == 10 and {t.value for t in agreed} == {Decimal("55")}


def test_a_superseded_version_cannot_be_answered(on_stage, dinkes, mayor, dinkes_head):
    v1 = arbitrary_offer(on_stage, dinkes, mayor)
    arbitrary_offer(on_stage, dinkes, mayor)
    with pytest.raises(ValidationError, match="digantikan oleh versi 2"):
        _answer(v1, dinkes_head)
    assert not Decision.objects.exists()


def test_a_second_answer_to_the_same_version_is_refused(on_stage, dinkes, mayor, dinkes_head):
    offer = arbitrary_offer(on_stage, dinkes, mayor)
    counter = {key: Decimal("60") for key in full_values(on_stage, dinkes)}
    _answer(offer, dinkes_head, "counter", reason="Terlalu berat", counter_values=counter)
    with pytest.raises(ValidationError, match="sudah dijawab"):
        _answer(offer, dinkes_head)
    assert Decision.objects.count() == 1


def test_the_password_must_be_re_entered(on_stage, dinkes, mayor, dinkes_head):
    offer = arbitrary_offer(on_stage, dinkes, mayor)
    with pytest.raises(ValidationError, match="Kata sandi"):
        _answer(offer, dinkes_head, password="salah")
    assert not Decision.objects.exists()


def test_staff_and_other_heads_cannot_answer(on_stage, dinkes, mayor, dinkes_staff, dindik_head):
    offer = arbitrary_offer(on_stage, dinkes, mayor)
    for user in (dinkes_staff, dindik_head):
        with pytest.raises(ValidationError):
            _answer(offer, user)
    assert not Decision.objects.exists()


def test_a_refusal_needs_a_reason_and_flags_the_position(on_stage, dinkes, mayor, dinkes_head):
    offer = arbitrary_offer(on_stage, dinkes, mayor)
    with pytest.raises(ValidationError):
        _answer(offer, dinkes_head, "refuse")
    _answer(offer, dinkes_head, "refuse", reason_category="budget", reason="Anggaran tidak ada")
    on_stage.refresh_from_db()
    negotiation = Negotiation.objects.get()
    assert on_stage.state == AgendaItem.State.REFUSED
    assert negotiation.position_flagged and negotiation.state == "refused"


def test_handing_over_after_a_refusal_opens_a_new_negotiation(
    on_stage, dinkes, mayor, dinkes_head, operator
):
    offer = arbitrary_offer(on_stage, dinkes, mayor)
    _answer(offer, dinkes_head, "refuse", reason_category="budget", reason="Tidak sanggup")
    acting = UserFactory(username="plt.dinkes", name="Plt. Kepala Dinkes", role="opd_head")
    tenure = make_member(acting, dinkes)
    services.item_hand_over(item=on_stage, opd=dinkes, official=tenure.official, user=operator)
    on_stage.refresh_from_db()
    assert on_stage.state == AgendaItem.State.NEGOTIATING
    new = Negotiation.objects.get(number=2)
    assert new.official == tenure.official
    offer = arbitrary_offer(on_stage, dinkes, mayor)
    assert offer.negotiation == new and offer.version == 1
    with pytest.raises(ValidationError):
        _answer(offer, dinkes_head)  # the old head no longer answers
    _answer(offer, acting)
    on_stage.refresh_from_db()
    assert on_stage.state == AgendaItem.State.ACCEPTED


def test_postponing_moves_the_item_to_a_later_session(on_stage, later_session, operator, session):
    moved = services.item_postpone(item=on_stage, to_session=later_session, user=operator)
    on_stage.refresh_from_db()
    session.refresh_from_db()
    assert on_stage.state == AgendaItem.State.POSTPONED
    assert moved.session == later_session and moved.state == "waiting"
    assert moved.postponed_from == on_stage
    assert session.current_item is None


def test_an_accepted_item_cannot_be_postponed(
    on_stage, dinkes, mayor, dinkes_head, later_session, operator
):
    _answer(arbitrary_offer(on_stage, dinkes, mayor), dinkes_head)
    with pytest.raises(IllegalTransition):
        services.item_postpone(item=on_stage, to_session=later_session, user=operator)


def test_reordering_swaps_waiting_neighbours(session, ready_dinkes, dinkes, dindik, operator):
    first = AgendaItem.objects.create(session=session, opd=dinkes, order=1)
    second = AgendaItem.objects.create(session=session, opd=dindik, order=2)
    services.item_move(item=second, up=True, user=operator)
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.order < first.order


def test_timer_pause_and_resume(on_stage, session, operator):
    services.timer_control(session=session, action="pause", user=operator)
    session.refresh_from_db()
    assert session.timer_ends_at is None and session.timer_remaining > 0
    services.timer_control(session=session, action="resume", user=operator)
    session.refresh_from_db()
    assert session.timer_ends_at is not None


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
def test_two_concurrent_answers_make_exactly_one_decision(on_stage, dinkes, mayor, dinkes_head):
    offer = arbitrary_offer(on_stage, dinkes, mayor)
    barrier = threading.Barrier(2)
    outcomes = []

    def answer():
        from django.db import connection as thread_connection

        barrier.wait()
        try:
            _answer(offer, dinkes_head)
            outcomes.append("ok")
        except ValidationError as error:
            outcomes.append(error.messages[0])
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=answer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes)[-1] == "ok" and outcomes.count("ok") == 1
    assert Decision.objects.count() == 1


def test_only_units_with_a_ready_data_room_go_on_the_agenda(
    session, ready_dinkes, dinkes, dindik, operator
):
    services.item_add(session=session, opd=dinkes, user=operator)
    with pytest.raises(ValidationError, match="siap"):
        services.item_add(session=session, opd=dindik, user=operator)
    assert session.items.count() == 1


def test_a_session_closes_only_with_nothing_on_stage(
    on_stage, session, operator, dinkes, mayor, dinkes_head
):
    with pytest.raises(ValidationError):
        services.session_close(session=session, user=operator)
    _answer(arbitrary_offer(on_stage, dinkes, mayor), dinkes_head)
    services.session_close(session=session, user=operator)
    session.refresh_from_db()
    assert session.status == "closed"

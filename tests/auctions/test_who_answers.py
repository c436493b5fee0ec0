"""Who may answer an offer, and the hand-over of the head position to a Plt.

The answer belongs to the official who holds the unit's head position *now*
(definitive or acting), checked in the service when the answer is recorded.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from auctions import services
from auctions.live import render_session
from auctions.models import AgendaItem, Decision, Negotiation
from auctions.selectors import handover_candidates
from lelang.models import AuditEntry
from opd.models import Tenure
from opd.selectors import holds_head_position
from tests.auctions.conftest import arbitrary_offer, full_values
from tests.factories import PASSWORD, UserFactory, make_member

pytestmark = pytest.mark.django_db


def _answer(offer, user, kind="accept", **kwargs):
    return services.decision_record(
        offer=offer, kind=kind, user=user, password=kwargs.pop("password", PASSWORD), **kwargs
    )


def _refused(on_stage, dinkes, mayor, dinkes_head):
    offer = arbitrary_offer(on_stage, dinkes, mayor)
    _answer(offer, dinkes_head, "refuse", reason_category="budget", reason="Anggaran tidak ada")
    return offer


@pytest.fixture
def dinkes_secretary(dinkes):
    user = UserFactory(username="sekdinkes", name="Sekretaris Dinkes", role="opd_staff")
    make_member(user, dinkes)
    return user


def test_a_staff_member_named_on_a_negotiation_cannot_answer(on_stage, dinkes, mayor, dinkes_staff):
    # However a negotiation came to name them, staff do not hold the head position.
    staff_official = dinkes_staff.official
    negotiation = Negotiation.objects.create(item=on_stage, opd=dinkes, official=staff_official)
    offer = arbitrary_offer(on_stage, dinkes, mayor)
    assert offer.negotiation == negotiation
    with pytest.raises(services.AnswerNotAllowed, match="jabatan kepala"):
        _answer(offer, dinkes_staff)
    assert not Decision.objects.exists()


def test_the_head_of_another_unit_cannot_answer_for_this_one(on_stage, dinkes, mayor, dindik_head):
    Negotiation.objects.create(item=on_stage, opd=dinkes, official=dindik_head.official)
    offer = arbitrary_offer(on_stage, dinkes, mayor)
    with pytest.raises(services.AnswerNotAllowed):
        _answer(offer, dindik_head)
    assert not Decision.objects.exists()


def test_a_head_whose_tenure_ended_yesterday_cannot_answer(on_stage, dinkes, mayor, dinkes_head):
    offer = arbitrary_offer(on_stage, dinkes, mayor)
    tenure = Tenure.objects.get(official__user=dinkes_head)
    tenure.end_date = timezone.localdate() - datetime.timedelta(days=1)
    tenure.save()
    with pytest.raises(services.AnswerNotAllowed, match="tidak memegang jabatan kepala"):
        _answer(offer, dinkes_head)
    assert not Decision.objects.exists()


def test_the_current_head_answers(on_stage, dinkes, mayor, dinkes_head):
    decision = _answer(arbitrary_offer(on_stage, dinkes, mayor), dinkes_head)
    assert decision.kind == Decision.Kind.ACCEPT


def test_handing_over_appoints_a_plt_and_ends_the_refusing_heads_tenure(
    on_stage, dinkes, mayor, dinkes_head, dinkes_secretary, operator
):
    _refused(on_stage, dinkes, mayor, dinkes_head)
    new = services.item_hand_over(
        item=on_stage, opd=dinkes, official=dinkes_secretary.official, user=operator
    )
    today = timezone.localdate()
    plt = Tenure.objects.get(official__user=dinkes_secretary, position__is_head=True)
    assert plt.is_acting and plt.start_date == today and plt.end_date is None
    old = Tenure.objects.get(official__user=dinkes_head)
    assert old.end_date == today - datetime.timedelta(days=1)
    assert not holds_head_position(dinkes_head.official, dinkes)
    dinkes_secretary.refresh_from_db()
    assert dinkes_secretary.role == "opd_head"  # may now answer and sign
    assert new.official == dinkes_secretary.official and new.number == 2
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"opd.tenure.end", "opd.tenure.appoint_acting", "lelang.user.role"} <= actions
    # The Plt. answers the next offer; the former head cannot.
    offer = arbitrary_offer(on_stage, dinkes, mayor)
    with pytest.raises(ValidationError):
        _answer(offer, dinkes_head)
    _answer(offer, dinkes_secretary)
    on_stage.refresh_from_db()
    assert on_stage.state == AgendaItem.State.ACCEPTED


def test_the_head_of_another_unit_can_be_appointed_plt_and_keeps_their_own_unit(
    on_stage, dinkes, dindik, mayor, dinkes_head, dindik_head, operator
):
    _refused(on_stage, dinkes, mayor, dinkes_head)
    services.item_hand_over(item=on_stage, opd=dinkes, official=dindik_head.official, user=operator)
    assert holds_head_position(dindik_head.official, dinkes)
    assert holds_head_position(dindik_head.official, dindik)
    _answer(arbitrary_offer(on_stage, dinkes, mayor), dindik_head)


def test_the_panel_or_bappeda_cannot_be_appointed(on_stage, dinkes, mayor, dinkes_head, operator):
    _refused(on_stage, dinkes, mayor, dinkes_head)
    make_member(mayor, dinkes)  # even with a position on record
    with pytest.raises(ValidationError, match="bukan pejabat"):
        services.item_hand_over(item=on_stage, opd=dinkes, official=mayor.official, user=operator)
    assert Negotiation.objects.count() == 1


def test_candidates_are_unit_people_with_a_login_never_the_refusing_head(
    on_stage, dinkes, mayor, dinkes_head, dinkes_secretary, dindik_head, inspector
):
    _refused(on_stage, dinkes, mayor, dinkes_head)
    make_member(inspector, dinkes)
    negotiation = Negotiation.objects.get()
    rows = handover_candidates(dinkes, negotiation)
    names = [row["official"].name for row in rows]
    assert dinkes_head.official.name not in names
    assert inspector.name not in names
    # The unit's own people come first.
    assert names[0] == dinkes_secretary.official.name
    assert dindik_head.official.name in names


def test_hand_over_to_a_new_official_creates_a_login_with_a_one_time_password(
    on_stage, dinkes, mayor, dinkes_head, operator
):
    _refused(on_stage, dinkes, mayor, dinkes_head)
    negotiation, password = services.item_hand_over_to_new(
        item=on_stage,
        opd=dinkes,
        name="Dr. Rina Wulandari (contoh)",
        nip="198001012005012001",
        title="Sekretaris Dinas Kesehatan",
        username="rina.dinkes",
        user=operator,
    )
    official = negotiation.official
    assert official.nip == "198001012005012001"
    assert official.user.username == "rina.dinkes"
    assert official.user.check_password(password)
    assert holds_head_position(official, dinkes)
    assert not AuditEntry.objects.filter(after__icontains=password).exists()
    _answer(arbitrary_offer(on_stage, dinkes, mayor), official.user, password=password)


def test_a_new_official_with_a_taken_username_or_bad_nip_changes_nothing(
    on_stage, dinkes, mayor, dinkes_head, operator
):
    _refused(on_stage, dinkes, mayor, dinkes_head)
    with pytest.raises(ValidationError) as raised:
        services.item_hand_over_to_new(
            item=on_stage,
            opd=dinkes,
            name="Budi",
            nip="12345",
            title="Sekretaris",
            username="kadinkes",
            user=operator,
        )
    assert set(raised.value.message_dict) == {"nip", "username"}
    assert Negotiation.objects.count() == 1
    assert holds_head_position(dinkes_head.official, dinkes)


def test_no_hand_over_on_a_closed_session(
    on_stage, dinkes, mayor, dinkes_head, dindik_head, operator
):
    _refused(on_stage, dinkes, mayor, dinkes_head)
    services.session_close(session=on_stage.session, user=operator)
    with pytest.raises(ValidationError, match="ditutup"):
        services.item_hand_over(
            item=on_stage, opd=dinkes, official=dindik_head.official, user=operator
        )
    on_stage.refresh_from_db()
    assert on_stage.state == AgendaItem.State.REFUSED
    assert holds_head_position(dinkes_head.official, dinkes)


def test_an_open_negotiation_whose_head_left_office_can_be_handed_over(
    on_stage, dinkes, mayor, dinkes_head, dindik_head, operator
):
    arbitrary_offer(on_stage, dinkes, mayor)
    tenure = Tenure.objects.get(official__user=dinkes_head)
    tenure.end_date = timezone.localdate() - datetime.timedelta(days=1)
    tenure.save()
    new = services.item_hand_over(
        item=on_stage, opd=dinkes, official=dindik_head.official, user=operator
    )
    assert new.number == 2
    assert Negotiation.objects.get(number=1).state == Negotiation.State.HANDED_OVER


def test_the_former_heads_screen_says_who_answers_now(
    on_stage, dinkes, mayor, dinkes_head, dinkes_secretary, operator
):
    _refused(on_stage, dinkes, mayor, dinkes_head)
    services.item_hand_over(
        item=on_stage, opd=dinkes, official=dinkes_secretary.official, user=operator
    )
    arbitrary_offer(on_stage, dinkes, mayor)
    base = f"session:{on_stage.session_id}:opd:{dinkes.pk}"
    former, plt = f"{base}:user:{dinkes_head.pk}", f"{base}:user:{dinkes_secretary.pk}"
    frames = render_session(f"session:{on_stage.session_id}", {former, plt})
    assert "Diserahkan kepada Sekretaris Dinkes" in frames[former]
    assert 'name="c-password"' not in frames[former]
    assert 'name="c-password"' in frames[plt]


def test_a_wrong_password_is_audited_although_nothing_is_recorded(
    on_stage, dinkes, mayor, dinkes_head
):
    offer = arbitrary_offer(on_stage, dinkes, mayor)
    with pytest.raises(ValidationError, match="Kata sandi"):
        _answer(offer, dinkes_head, password="salah")
    assert not Decision.objects.exists()
    entry = AuditEntry.objects.get(action="auctions.decision.bad_password")
    assert entry.actor_id == dinkes_head.pk


def test_an_answered_version_reports_already_answered(on_stage, dinkes, mayor, dinkes_head):
    offer = arbitrary_offer(on_stage, dinkes, mayor)
    _answer(
        offer,
        dinkes_head,
        "counter",
        reason="Belum sanggup",
        counter_values={key: Decimal("50") for key in full_values(on_stage, dinkes)},
    )
    with pytest.raises(services.AlreadyAnswered):
        _answer(offer, dinkes_head)


def test_only_the_session_operator_hands_over_or_reopens_in_the_service(
    on_stage, dinkes, mayor, dinkes_head, dinkes_secretary
):
    _refused(on_stage, dinkes, mayor, dinkes_head)
    for user in (mayor, dinkes_head, dinkes_secretary):
        with pytest.raises(PermissionDenied):
            services.item_hand_over(
                item=on_stage, opd=dinkes, official=dinkes_secretary.official, user=user
            )
        with pytest.raises(PermissionDenied):
            services.item_hand_over_to_new(
                item=on_stage,
                opd=dinkes,
                name="X",
                nip="",
                title="Staf",
                username="x.dinkes",
                user=user,
            )
    assert Negotiation.objects.count() == 1
    assert holds_head_position(dinkes_head.official, dinkes)

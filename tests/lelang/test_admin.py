"""The back office opens by role, speaks Indonesian, and audits every change."""

import pytest
from django.urls import reverse

from lelang.models import AuditEntry
from opd.models import Opd

pytestmark = pytest.mark.django_db


def test_bappeda_opens_the_back_office_in_indonesian(client, operator):
    client.force_login(operator)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Administrasi Lelang Kinerja" in body
    assert reverse("admin:opd_opd_changelist") in body


@pytest.mark.parametrize("persona", ["mayor", "dinkes_head", "dinkes_staff", "inspector"])
def test_other_roles_cannot_open_the_back_office(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("admin:opd_opd_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


@pytest.mark.parametrize(
    "name",
    [
        "admin:lelang_user_changelist",
        "admin:lelang_auditentry_changelist",
        "admin:opd_opd_changelist",
        "admin:opd_position_changelist",
        "admin:opd_official_changelist",
        "admin:opd_tenure_changelist",
        "admin:axes_accessattempt_changelist",
        "admin:opd_period_changelist",
        "admin:opd_theme_changelist",
        "admin:opd_dataroom_changelist",
        "admin:opd_indicator_changelist",
        "admin:opd_submission_changelist",
        "admin:auctions_auction_changelist",
        "admin:auctions_session_changelist",
        "admin:auctions_agendaitem_changelist",
        "admin:auctions_offer_changelist",
        "admin:auctions_decision_changelist",
        "admin:auctions_agreedtarget_changelist",
    ],
)
def test_every_model_has_a_working_admin_page(admin_client, name):
    assert admin_client.get(reverse(name)).status_code == 200


def test_a_change_in_the_back_office_is_audited_with_before_and_after(client, operator, dinkes):
    client.force_login(operator)
    response = client.post(
        reverse("admin:opd_opd_change", args=[dinkes.pk]),
        {
            "code": "dinkes",
            "name": "Dinas Kesehatan Kota",
            "short_name": "Dinkes",
            "kind": "dinas",
            "positions-TOTAL_FORMS": "0",
            "positions-INITIAL_FORMS": "0",
            "positions-MIN_NUM_FORMS": "0",
            "positions-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Opd.objects.get(pk=dinkes.pk).name == "Dinas Kesehatan Kota"
    entry = AuditEntry.objects.get(action="opd.opd.change")
    assert entry.before["name"] == "Dinas Kesehatan"
    assert entry.after["name"] == "Dinas Kesehatan Kota"
    assert entry.actor == operator


def test_audit_entries_cannot_be_changed_in_the_back_office(admin_client, operator):
    from lelang.audit import audit_record

    entry = audit_record(action="test.event", actor=operator)
    response = admin_client.post(reverse("admin:lelang_auditentry_delete", args=[entry.pk]))
    assert response.status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_bappeda_cannot_edit_a_superuser(client, operator, admin_user):
    client.force_login(operator)
    response = client.get(reverse("admin:lelang_user_change", args=[admin_user.pk]))
    # View is allowed, change is not: the form is read-only, no save button.
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()

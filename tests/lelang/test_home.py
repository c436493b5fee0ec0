"""Each role's start page lists the sections that exist for it, and only those."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _home(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def _section_keys(client, user):
    client.force_login(user)
    return [s.key for s in client.get(reverse("home")).context["sections"]]


def test_bappeda_sees_units_audit_and_administration(client, operator):
    assert _section_keys(client, operator) == [
        "opd",
        "review",
        "sessions",
        "documents",
        "reports",
        "dashboards",
        "audit",
        "admin",
    ]
    assert "Log audit" in _home(client, operator)


def test_panel_sees_units_and_sessions(client, mayor):
    assert _section_keys(client, mayor) == [
        "opd",
        "sessions",
        "documents",
        "reports",
        "dashboards",
    ]


def test_inspector_sees_units_and_audit(client, inspector):
    assert _section_keys(client, inspector) == [
        "opd",
        "sessions",
        "documents",
        "reports",
        "dashboards",
        "audit",
    ]


def test_opd_head_sees_own_unit(client, dinkes_head, dinkes):
    body = _home(client, dinkes_head)
    assert _section_keys(client, dinkes_head) == ["data_room", "opd", "documents", "reports"]
    assert dinkes.get_absolute_url() in body
    assert "Kepala Dinas Kesehatan" in body


def test_opd_staff_sees_own_unit(client, dinkes_staff, dinkes):
    assert _section_keys(client, dinkes_staff) == ["data_room", "opd", "reports"]
    assert dinkes.get_absolute_url() in _home(client, dinkes_staff)


def test_opd_user_without_a_position_is_told_what_to_do(client, db):
    from tests.factories import UserFactory

    user = UserFactory(role="opd_staff")
    body = _home(client, user)
    assert _section_keys(client, user) == []
    assert "belum terhubung dengan jabatan" in body


def test_start_page_rejects_post(client, operator):
    client.force_login(operator)
    assert client.post(reverse("home")).status_code == 405

import pytest
from django.urls import reverse

from lelang.audit import audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(operator, dinkes):
    audit_record(action="auth.login", actor=operator)
    audit_record(action="opd.opd.change", actor=operator, obj=dinkes, after={"name": "X"})


@pytest.mark.parametrize("persona", ["operator", "inspector"])
def test_bappeda_and_inspector_read_the_audit_log(client, request, persona, entries):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("audit_log"))
    assert response.status_code == 200
    assert "opd.opd.change" in response.content.decode()


@pytest.mark.parametrize("persona", ["mayor", "dinkes_head", "dinkes_staff"])
def test_others_cannot_read_the_audit_log(client, request, persona, entries):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("audit_log")).status_code == 403


def test_verify_button_reports_an_intact_chain(client, inspector, entries):
    client.force_login(inspector)
    body = client.get(reverse("audit_log"), {"verify": "1"}).content.decode()
    assert "Rantai audit utuh" in body


def test_filter_returns_only_the_table_for_htmx(client, inspector, entries):
    client.force_login(inspector)
    response = client.get(
        reverse("audit_log"), {"action": "auth.login"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="audit-table"')
    assert "auth.login" in body and "opd.opd.change" not in body

"""Who may open which unit, tested through the URLs."""

import datetime

import pytest
from django.urls import reverse

from tests.factories import make_member

pytestmark = pytest.mark.django_db


def _detail(opd):
    return reverse("opd:detail", args=[opd.code])


def test_staff_opens_own_unit(client, dinkes_staff, dinkes):
    client.force_login(dinkes_staff)
    response = client.get(_detail(dinkes))
    assert response.status_code == 200
    assert "Dinas Kesehatan" in response.content.decode()


def test_staff_of_dinkes_cannot_open_dindik(client, dinkes_staff, dindik):
    client.force_login(dinkes_staff)
    response = client.get(_detail(dindik))
    assert response.status_code == 403
    assert "Akses ditolak" in response.content.decode()


def test_head_of_dindik_cannot_open_dinkes(client, dindik_head, dinkes):
    client.force_login(dindik_head)
    assert client.get(_detail(dinkes)).status_code == 403


def test_unknown_unit_is_404(client, operator):
    client.force_login(operator)
    assert client.get(reverse("opd:detail", args=["tidak-ada"])).status_code == 404


@pytest.mark.parametrize("persona", ["operator", "mayor", "inspector"])
def test_bappeda_panel_and_inspector_open_every_unit(client, request, persona, dinkes, dindik):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(_detail(dinkes)).status_code == 200
    assert client.get(_detail(dindik)).status_code == 200


def test_list_shows_only_own_unit_to_staff(client, dinkes_staff, dinkes, dindik):
    client.force_login(dinkes_staff)
    response = client.get(reverse("opd:list"))
    assert list(response.context["opds"]) == [dinkes]


def test_list_shows_all_units_and_current_heads_to_the_panel(
    client, mayor, dinkes_head, dindik_head
):
    client.force_login(mayor)
    body = client.get(reverse("opd:list")).content.decode()
    assert "Dinas Kesehatan" in body and "Dinas Pendidikan" in body
    assert "Kepala Dinas Kesehatan" in body  # the head's name from the persona


def test_list_filters_with_htmx_partial(client, mayor, dinkes, dindik):
    client.force_login(mayor)
    response = client.get(reverse("opd:list"), {"q": "Kesehatan"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="opd-table"')
    assert "Dinas Kesehatan" in body and "Dinas Pendidikan" not in body
    assert "<html" not in body


def test_list_rejects_post(client, mayor):
    client.force_login(mayor)
    assert client.post(reverse("opd:list")).status_code == 405


def test_a_former_member_loses_access_when_the_tenure_ends(client, dinkes_staff, dinkes):
    tenure = dinkes_staff.official.tenures.get()
    tenure.end_date = datetime.date(2019, 12, 31)
    tenure.save()
    client.force_login(dinkes_staff)
    assert client.get(_detail(dinkes)).status_code == 403


def test_detail_shows_acting_head_and_history(client, mayor, dinkes):
    from tests.factories import UserFactory

    acting = UserFactory(name="Pelaksana Tugas", role="opd_head")
    make_member(acting, dinkes, head=True, acting=True)
    client.force_login(mayor)
    body = client.get(_detail(dinkes)).content.decode()
    assert "Plt. Pelaksana Tugas" in body


def test_a_head_acting_for_a_second_unit_keeps_access_to_both(client, dinkes_head, dinkes, dindik):
    make_member(dinkes_head, dindik, head=True, acting=True)
    client.force_login(dinkes_head)
    assert client.get(_detail(dinkes)).status_code == 200
    assert client.get(_detail(dindik)).status_code == 200
    listed = client.get(reverse("opd:list")).context["opds"]
    assert set(listed) == {dinkes, dindik}

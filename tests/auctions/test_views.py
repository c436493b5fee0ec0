"""The live screens through their URLs: who may open and do what."""

from decimal import Decimal

import pytest
from django.urls import reverse

from auctions import services
from auctions.models import AgendaItem, Decision, Offer
from tests.auctions.conftest import full_values
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


def _offer_post(item, opd, value="45"):
    data = {"opd": opd.pk, f"o{opd.pk}-deadline_year": "2023", f"o{opd.pk}-note": "Ayo"}
    data[f"o{opd.pk}-send_anyway"] = "1"  # arbitrary values; the check has its own tests
    for indicator_id, year in full_values(item, opd):
        data[f"o{opd.pk}-t_{indicator_id}_{year}"] = value
    return data


@pytest.mark.parametrize(
    "persona,status", [("operator", 200), ("mayor", 403), ("dinkes_head", 403), ("inspector", 403)]
)
def test_only_bappeda_opens_the_console(client, request, session, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("auctions:console", args=[session.pk])).status_code == status


def test_the_console_starts_an_item_and_reports_in_the_flash_area(client, operator, item):
    client.force_login(operator)
    url = reverse("auctions:item_action", args=[item.pk, "start"])
    response = client.post(url, headers=HX)
    assert response.status_code == 200
    assert "alert--success" in response.content.decode()
    item.refresh_from_db()
    assert item.state == "presenting"


def test_an_illegal_step_gets_a_clear_message(client, operator, on_stage, later_session):
    client.force_login(operator)
    response = client.post(reverse("auctions:item_action", args=[on_stage.pk, "start"]), headers=HX)
    assert "alert--error" in response.content.decode()


def test_while_an_item_is_on_stage_the_others_cannot_be_started(client, operator, on_stage, dindik):
    waiting = AgendaItem.objects.create(session=on_stage.session, opd=dindik, order=2)
    client.force_login(operator)
    body = client.get(reverse("auctions:console", args=[on_stage.session_id])).content.decode()

    start = reverse("auctions:item_action", args=[waiting.pk, "start"])
    button = body[body.index(f'hx-post="{start}"') :].split(">", 1)[0]
    assert "disabled" in button
    assert "selesaikan atau tunda" in body.lower()
    # The server refuses anyway (a stale page, a crafted request).
    response = client.post(start, headers=HX)
    assert "alert--error" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.state == "waiting"


def test_the_projector_opens_with_its_secret_link_without_login(client, session):
    response = client.get(reverse("projector", args=[session.display_token]))
    assert response.status_code == 200
    assert session.title in response.content.decode()


def test_a_wrong_display_link_is_404(client, session):
    assert client.get(reverse("projector", args=["bukan-token"])).status_code == 404


def test_a_display_link_cannot_act(client, session, item):
    client.get(reverse("projector", args=[session.display_token]))
    response = client.post(reverse("auctions:item_action", args=[item.pk, "start"]))
    assert response.status_code == 302  # to the login page
    item.refresh_from_db()
    assert item.state == "waiting"


def test_the_panel_issues_an_offer_with_indonesian_numbers(client, mayor, on_stage, dinkes):
    client.force_login(mayor)
    response = client.post(
        reverse("auctions:offer_create", args=[on_stage.session_id]),
        _offer_post(on_stage, dinkes, value="45,5"),
        headers=HX,
    )
    assert response.status_code == 200
    offer = Offer.objects.get()
    assert {t.value for t in offer.targets.all()} == {Decimal("45.5")}


def test_text_in_a_target_is_refused_and_nothing_is_saved(client, mayor, on_stage, dinkes):
    client.force_login(mayor)
    data = _offer_post(on_stage, dinkes)
    first_key = next(k for k in data if "-t_" in k)
    data[first_key] = "empat puluh"
    response = client.post(
        reverse("auctions:offer_create", args=[on_stage.session_id]), data, headers=HX
    )
    body = response.content.decode()
    assert 'value="empat puluh"' in body
    assert "field__error" in body
    assert not Offer.objects.exists()


def test_a_missing_year_is_refused(client, mayor, on_stage, dinkes):
    client.force_login(mayor)
    data = _offer_post(on_stage, dinkes)
    data[next(k for k in data if k.endswith("_2021"))] = ""
    client.post(reverse("auctions:offer_create", args=[on_stage.session_id]), data, headers=HX)
    assert not Offer.objects.exists()


def test_a_unit_head_cannot_make_offers(client, dinkes_head, on_stage, dinkes):
    client.force_login(dinkes_head)
    response = client.post(
        reverse("auctions:offer_create", args=[on_stage.session_id]),
        _offer_post(on_stage, dinkes),
        headers=HX,
    )
    assert response.status_code == 403


def _answer(client, offer, kind="accept", password=PASSWORD, **extra):
    data = {"c-offer": offer.pk, "c-kind": kind, "c-password": password, **extra}
    return client.post(reverse("auctions:decision_create", args=[offer.pk]), data, headers=HX)


def test_the_head_opens_the_answer_screen_and_accepts(client, dinkes_head, offer):
    client.force_login(dinkes_head)
    page = client.get(reverse("auctions:answer", args=[offer.negotiation.item.session_id]))
    assert page.status_code == 200
    assert "c-password" in page.content.decode()
    response = _answer(client, offer)
    assert "alert--success" in response.content.decode()
    assert Decision.objects.get().kind == "accept"
    # Status lines say what happened in the pact's words, not the button ("Sanggup").
    session_id = offer.negotiation.item.session_id
    page = client.get(reverse("auctions:answer", args=[session_id])).content.decode()
    assert "Versi 1 sudah dijawab: sanggup." in page
    token = offer.negotiation.item.session.display_token
    assert "Penawaran 1: sanggup" in client.get(reverse("projector", args=[token])).content.decode()


def test_another_head_cannot_answer(client, dindik_head, offer):
    client.force_login(dindik_head)
    assert _answer(client, offer).status_code == 403
    assert not Decision.objects.exists()


def test_staff_cannot_answer(client, dinkes_staff, offer):
    client.force_login(dinkes_staff)
    assert _answer(client, offer).status_code == 403
    assert not Decision.objects.exists()


def test_an_answer_to_a_superseded_version_is_explained(
    client, dinkes_head, offer, on_stage, dinkes, mayor
):
    services.offer_issue(
        item=on_stage,
        opd=dinkes,
        deadline_year=2023,
        values=full_values(on_stage, dinkes),
        send_anyway=True,
        user=mayor,
    )
    client.force_login(dinkes_head)
    response = _answer(client, offer)
    assert "alert--error" in response.content.decode()
    assert not Decision.objects.exists()


def test_a_wrong_password_records_nothing(client, dinkes_head, offer):
    client.force_login(dinkes_head)
    response = _answer(client, offer, password="salah-sandi")
    assert "alert--error" in response.content.decode()
    assert not Decision.objects.exists()


def test_a_refusal_without_a_reason_is_explained(client, dinkes_head, offer):
    client.force_login(dinkes_head)
    response = _answer(client, offer, kind="refuse")
    assert "alert--error" in response.content.decode()
    assert not Decision.objects.exists()


def test_a_counter_proposal_with_text_names_the_indicator_and_year(client, dinkes_head, offer):
    client.force_login(dinkes_head)
    values = {f"c-c_{t.indicator_id}_{t.year}": "45" for t in offer.targets.all()}
    bad = offer.targets.select_related("indicator").get(
        indicator__name="Angka Kematian Ibu", year=2021
    )
    values[f"c-c_{bad.indicator_id}_2021"] = "empat puluh"

    response = _answer(client, offer, kind="counter", **values, **{"c-reason": "Anggaran"})

    errors = response.content.decode()
    assert "Angka Kematian Ibu 2021: “empat puluh” bukan angka" in errors
    assert "2020:" not in errors  # only the field that is wrong
    assert not Decision.objects.exists()


@pytest.mark.parametrize("name", ["auctions:console_stream", "auctions:panel_stream"])
def test_live_streams_check_permissions(client, dinkes_staff, session, name):
    client.force_login(dinkes_staff)
    assert client.get(reverse(name, args=[session.pk])).status_code == 403


def test_answer_stream_refuses_staff(client, dinkes_staff, session):
    client.force_login(dinkes_staff)
    assert client.get(reverse("auctions:answer_stream", args=[session.pk])).status_code == 403


def test_streams_need_a_login(client, session):
    for name in ("auctions:console_stream", "auctions:panel_stream", "auctions:answer_stream"):
        assert client.get(reverse(name, args=[session.pk])).status_code == 403


def test_the_panel_page_shows_the_offer_grid_pre_filled(client, mayor, on_stage):
    client.force_login(mayor)
    body = client.get(reverse("auctions:panel", args=[on_stage.session_id])).content.decode()
    assert "offer-form" in body
    assert 'value="40"' in body  # the unit's proposed 2023 target pre-fills the last year
    # Comparators with their year and satuan, next to the baseline.
    assert "Jawa Timur (2017): 91,5\u00a0per 100.000 kelahiran hidup" in body


def test_an_inspector_reads_the_panel_but_gets_no_offer_form(client, inspector, on_stage):
    client.force_login(inspector)
    url = reverse("auctions:panel", args=[on_stage.session_id])
    assert "offer-form" not in client.get(url).content.decode()
    assert client.get(url, headers=HX).status_code == 403


def test_a_wrong_display_link_gets_no_stream(client, session):
    assert client.get(reverse("projector_stream", args=["bukan-token"])).status_code == 404


def test_a_display_link_is_looked_up_once_for_many_screens(session, django_assert_num_queries):
    from django.core.cache import cache

    from auctions.access import display_topic

    cache.clear()
    with django_assert_num_queries(1):
        for _screen in range(50):
            assert display_topic(session.display_token) == session.topic

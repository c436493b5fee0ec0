"""The console's hand-over and reopen forms, and the answer's lockout, through their URLs."""

import pytest
from django.urls import reverse

from auctions import services
from auctions.models import Decision, Negotiation
from auctions.selectors import settled_indicators
from lelang.models import AuditEntry
from opd.selectors import holds_head_position
from tests.auctions.conftest import arbitrary_offer
from tests.factories import PASSWORD, UserFactory, make_member

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


@pytest.fixture
def refused(on_stage, dinkes, mayor, dinkes_head):
    offer = arbitrary_offer(on_stage, dinkes, mayor)
    services.decision_record(
        offer=offer,
        kind="refuse",
        user=dinkes_head,
        password=PASSWORD,
        reason_category="budget",
        reason="Anggaran tidak cukup",
    )
    return on_stage


@pytest.fixture
def secretary(dinkes):
    user = UserFactory(username="sekdinkes", name="Sekretaris Dinkes", role="opd_staff")
    make_member(user, dinkes)
    return user


def _url(item):
    return reverse("auctions:hand_over", args=[item.pk])


def test_the_console_offers_the_hand_over_after_a_refusal(client, operator, refused, secretary):
    client.force_login(operator)
    body = client.get(reverse("auctions:console", args=[refused.session_id])).content.decode()
    assert "Tunjuk sebagai Plt." in body
    assert "Sekretaris Dinkes" in body


def test_bappeda_appoints_an_official_on_record(client, operator, refused, dinkes, secretary):
    client.force_login(operator)
    response = client.post(
        _url(refused),
        {"opd": dinkes.pk, "mode": "existing", "official": secretary.official.pk},
        headers=HX,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "alert--success" in body and "Plt." in body
    assert holds_head_position(secretary.official, dinkes)
    assert Negotiation.objects.get(number=2).official == secretary.official


def test_bappeda_creates_a_new_official_and_sees_the_password_once(
    client, operator, refused, dinkes
):
    client.force_login(operator)
    response = client.post(
        _url(refused),
        {
            "opd": dinkes.pk,
            "mode": "new",
            "name": "Rina Wulandari (contoh)",
            "nip": "198001012005012001",
            "title": "Sekretaris Dinas Kesehatan",
            "username": "rina.dinkes",
        },
        headers=HX,
    )
    body = response.content.decode()
    assert "kata sandi sekali pakai" in body
    official = Negotiation.objects.get(number=2).official
    assert official.user.username == "rina.dinkes"
    # The console itself never shows it again.
    console = client.get(reverse("auctions:console", args=[refused.session_id])).content.decode()
    assert "sekali pakai" not in console


def test_missing_fields_of_a_new_official_are_named(client, operator, refused, dinkes):
    client.force_login(operator)
    response = client.post(
        _url(refused), {"opd": dinkes.pk, "mode": "new", "name": "Budi"}, headers=HX
    )
    body = response.content.decode()
    assert "alert--error" in body
    assert "Jabatan sendiri" in body and "Nama pengguna untuk masuk" in body
    assert Negotiation.objects.count() == 1


@pytest.mark.parametrize("persona", ["mayor", "dinkes_head", "dinkes_staff", "inspector"])
def test_only_bappeda_hands_over(client, request, refused, dinkes, secretary, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(
        _url(refused), {"opd": dinkes.pk, "mode": "existing", "official": secretary.official.pk}
    )
    assert response.status_code == 403
    assert Negotiation.objects.count() == 1


def test_hand_over_needs_post(client, operator, refused):
    client.force_login(operator)
    assert client.get(_url(refused)).status_code == 405


def test_a_stale_hand_over_form_is_refused(client, operator, on_stage, dinkes, secretary):
    # Nothing was refused: the form may be a stale screen or a crafted request.
    client.force_login(operator)
    response = client.post(
        _url(on_stage),
        {"opd": dinkes.pk, "mode": "existing", "official": secretary.official.pk},
        headers=HX,
    )
    assert "alert--error" in response.content.decode()
    assert not holds_head_position(secretary.official, dinkes)


def test_the_former_heads_answer_page_says_who_answers_now(
    client, operator, refused, dinkes, dinkes_head, secretary
):
    services.item_hand_over(item=refused, opd=dinkes, official=secretary.official, user=operator)
    client.force_login(dinkes_head)
    body = client.get(reverse("auctions:answer", args=[refused.session_id])).content.decode()
    assert "Diserahkan kepada Sekretaris Dinkes" in body
    assert 'name="c-password"' not in body


def test_five_wrong_passwords_on_an_answer_lock_the_account(
    client, on_stage, dinkes, mayor, dinkes_head
):
    offer = arbitrary_offer(on_stage, dinkes, mayor)
    client.force_login(dinkes_head)
    url = reverse("auctions:decision_create", args=[offer.pk])
    for _attempt in range(5):
        client.post(url, {"c-offer": offer.pk, "c-kind": "accept", "c-password": "salah"})
    assert AuditEntry.objects.filter(action="auctions.decision.bad_password").count() == 5
    response = client.post(url, {"c-offer": offer.pk, "c-kind": "accept", "c-password": PASSWORD})
    assert "terkunci" in response.content.decode()
    assert not Decision.objects.exists()


def test_bappeda_reopens_an_agreed_indicator_from_the_console(
    client, operator, session, on_stage, dinkes, mayor, dinkes_head
):
    from opd.models import Theme

    offer = arbitrary_offer(on_stage, dinkes, mayor)
    services.decision_record(offer=offer, kind="accept", user=dinkes_head, password=PASSWORD)
    theme = Theme.objects.create(code="aki", name="AKI")
    indicator = offer.targets.first().indicator
    indicator.theme = theme
    indicator.save()
    theme_item = services.item_add(session=session, theme=theme, user=operator)
    services.item_start(item=theme_item, user=operator)
    client.force_login(operator)
    console = client.get(reverse("auctions:console", args=[session.pk])).content.decode()
    assert "Sudah disepakati pada agenda lain" in console
    url = reverse("auctions:reopen", args=[theme_item.pk])
    response = client.post(url, {"indicator": indicator.pk, "reason": ""}, headers=HX)
    assert "alert--error" in response.content.decode()
    response = client.post(url, {"indicator": indicator.pk, "reason": "Data baru"}, headers=HX)
    assert "alert--success" in response.content.decode()
    assert settled_indicators(theme_item) == []

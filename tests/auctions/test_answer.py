"""The unit head's answer screen: the pact's words, a calm double click, who answers."""

import pytest
from django.urls import reverse

from auctions import services
from auctions.models import Decision
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


def _page(client, offer) -> str:
    url = reverse("auctions:answer", args=[offer.negotiation.item.session_id])
    return client.get(url).content.decode()


def _answer(client, offer, kind="accept", password=PASSWORD, **extra):
    data = {"c-offer": offer.pk, "c-kind": kind, "c-password": password, **extra}
    return client.post(reverse("auctions:decision_create", args=[offer.pk]), data, headers=HX)


def test_the_three_answers_speak_the_words_of_the_pact(client, dinkes_head, offer):
    client.force_login(dinkes_head)
    page = _page(client, offer)
    assert "pakta integritas kesanggupan" in page
    for value, label in [
        ("accept", "Sanggup"),
        ("counter", "Mengajukan usulan lain"),
        ("refuse", "Tidak sanggup"),
    ]:
        assert f'value="{value}"' in page and f"{label}<small" in page
    assert "Terima" not in page and "Tolak" not in page


def test_the_answer_is_named_as_the_pact_names_it(client, dinkes_head, offer):
    client.force_login(dinkes_head)
    body = _answer(client, offer).content.decode()
    assert "Jawaban Anda “Sanggup” untuk versi 1 sudah dicatat." in body
    assert "Versi 1 sudah dijawab: sanggup." in _page(client, offer)


def test_a_double_click_shows_the_recorded_answer_as_a_success(client, dinkes_head, offer):
    client.force_login(dinkes_head)
    _answer(client, offer)
    body = _answer(client, offer).content.decode()
    assert "alert--success" in body and "alert--error" not in body
    assert "Jawaban Anda sudah tercatat: Sanggup (versi 1)." in body
    assert Decision.objects.count() == 1


def test_a_second_tab_is_shown_what_the_first_recorded(client, dinkes_head, offer):
    client.force_login(dinkes_head)
    _answer(client, offer)
    # The second tab still shows the form and chose another answer (incomplete, even).
    body = _answer(client, offer, kind="refuse", password="").content.decode()
    assert "Jawaban Anda sudah tercatat: Sanggup (versi 1)." in body
    assert "alert--error" not in body
    assert Decision.objects.get().kind == "accept"


def test_two_clicks_at_once_show_the_one_that_won_as_a_success(
    client, dinkes_head, offer, monkeypatch
):
    """The second request passed the first look before the first one committed."""
    record = services.decision_record

    def recorded_meanwhile(**kwargs):
        record(**kwargs)  # the other click, committed while this one waited for the lock
        raise services.AlreadyAnswered("Versi 1 sudah dijawab.")

    monkeypatch.setattr(services, "decision_record", recorded_meanwhile)
    client.force_login(dinkes_head)
    body = _answer(client, offer).content.decode()
    assert "Jawaban Anda sudah tercatat: Sanggup (versi 1)." in body
    assert "alert--error" not in body


def test_a_wrong_password_is_an_error_next_to_the_button(client, dinkes_head, offer):
    client.force_login(dinkes_head)
    body = _answer(client, offer, password="salah-sandi").content.decode()
    assert "alert--error" in body
    assert 'id="answer-flash"' not in body  # not swapped into the top of the page
    page = _page(client, offer)
    form = page[page.index('<form id="jawab" class="card answer__form"') :]
    assert 'hx-target="find .answer__result"' in form
    assert form.index('class="answer__result"') < form.index('type="submit"')
    assert not Decision.objects.exists()


def test_the_send_button_is_disabled_while_sending(client, dinkes_head, offer):
    client.force_login(dinkes_head)
    assert 'hx-disabled-elt="find button[type=submit]"' in _page(client, offer)


def test_answered_by_appears_only_once_someone_has_answered(client, dinkes_head, offer):
    client.force_login(dinkes_head)
    page = _page(client, offer)
    assert "Dijawab oleh" not in page
    assert "Menunggu jawaban dari Kepala Dinas Kesehatan, kepala Dinas Kesehatan." in page
    _answer(client, offer)
    page = _page(client, offer)
    assert "Dijawab oleh: Kepala Dinas Kesehatan" in page
    assert "Menunggu jawaban dari" not in page

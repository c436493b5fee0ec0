import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_are_in_indonesian_by_default(client):
    response = client.get(reverse("login"))
    assert '<html lang="id">' in response.content.decode()
    assert "Masuk" in response.content.decode()


def test_switching_to_english_shows_english(client):
    response = client.post(reverse("language_set"), {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    response = client.get(reverse("login"))
    assert '<html lang="en">' in response.content.decode()
    assert "Log in" in response.content.decode()


def test_an_unknown_language_code_gets_a_clear_message(client):
    response = client.post(
        reverse("language_set"), {"language": "xx", "next": "/accounts/login/"}, follow=True
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Bahasa “xx” tidak tersedia" in body
    assert '<html lang="id">' in body


def test_language_switch_does_not_redirect_off_site(client):
    response = client.post(
        reverse("language_set"), {"language": "xx", "next": "https://evil.example.com/"}
    )
    assert response["Location"] == "/"


def test_a_next_that_is_a_bare_word_is_an_address_not_a_view_name(client):
    """Found by the fuzz test: "abc" was taken for a view name and gave a 500."""
    response = client.post(reverse("language_set"), {"language": "xx", "next": "abc"})
    assert response.status_code == 302 and response["Location"] == "abc"


def test_language_switch_needs_post(client):
    assert client.get(reverse("language_set")).status_code == 405


def test_a_browser_set_to_english_still_gets_indonesian(client):
    response = client.get(reverse("login"), headers={"accept-language": "en-US,en;q=0.9"})
    assert '<html lang="id">' in response.content.decode()

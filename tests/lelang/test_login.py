"""Logging in, being locked out, logging out and changing the password."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from lelang.models import AuditEntry
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_it_logs_in_and_lands_on_the_start_page(client, dinkes_head):
    response = _login(client, "kadinkes", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert AuditEntry.objects.filter(action="auth.login", actor=dinkes_head).exists()


def test_wrong_password_shows_a_clear_indonesian_message_and_keeps_the_username(
    client, dinkes_head
):
    response = _login(client, "kadinkes", "salah-sandi")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Nama pengguna atau kata sandi salah" in body
    assert 'value="kadinkes"' in body
    assert "Traceback" not in body


def test_five_wrong_passwords_lock_the_account_with_a_message(client, dinkes_head):
    for _attempt in range(5):
        _login(client, "kadinkes", "salah-sandi")
    response = _login(client, "kadinkes", PASSWORD)  # even the right password is refused now
    assert response.status_code == 429
    body = response.content.decode()
    assert "Akun ini dikunci" in body
    assert "15 menit" in body
    assert 'value="kadinkes"' in body
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="auth.locked_out").exists()


def test_a_lock_on_one_account_does_not_lock_another(client, dinkes_head, dindik_head):
    for _attempt in range(5):
        _login(client, "kadinkes", "salah-sandi")
    response = _login(client, "kadindik", PASSWORD)
    assert response.status_code == 302


def test_removing_the_attempt_record_unlocks_the_account(client, dinkes_head):
    for _attempt in range(5):
        _login(client, "kadinkes", "salah-sandi")
    AccessAttempt.objects.filter(username="kadinkes").delete()
    assert _login(client, "kadinkes", PASSWORD).status_code == 302


def test_logout_needs_post_and_is_audited(client, dinkes_head):
    client.force_login(dinkes_head)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="auth.logout", actor=dinkes_head).exists()


def test_pages_need_a_login(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_password_change_works_and_is_audited(client, dinkes_staff):
    client.force_login(dinkes_staff)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Kota-Malang-Bersih-2019",
            "new_password2": "Kota-Malang-Bersih-2019",
        },
    )
    assert response.status_code == 302
    dinkes_staff.refresh_from_db()
    assert dinkes_staff.check_password("Kota-Malang-Bersih-2019")
    assert AuditEntry.objects.filter(action="auth.password_change").exists()


def test_password_change_with_wrong_old_password_explains_why(client, dinkes_staff):
    client.force_login(dinkes_staff)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "bukan-sandi-lama",
            "new_password1": "Kota-Malang-Bersih-2019",
            "new_password2": "Kota-Malang-Bersih-2019",
        },
    )
    assert response.status_code == 200
    assert "Sandi lama Anda yang dimasukkan salah" in response.content.decode()

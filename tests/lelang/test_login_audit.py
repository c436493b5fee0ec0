"""Failed logins are in the audit chain, but an anonymous client cannot flood it: at most
one entry per account and lockout window; the rest are counted by django-axes."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from lelang import audit_receivers
from lelang.audit import verify_chain
from lelang.models import AuditEntry
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def attempt(client, username, password="salah-sandi", **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def actions(*names):
    return list(
        AuditEntry.objects.filter(action__in=names).order_by("seq").values_list("action", flat=True)
    )


def test_a_failed_login_is_in_the_chain_with_the_account_and_address(client, dinkes_head):
    attempt(client, "kadinkes", REMOTE_ADDR="10.1.2.3")

    entry = AuditEntry.objects.get(action="auth.login_failed")
    assert (entry.object_type, entry.object_id) == ("lelang.user", str(dinkes_head.pk))
    assert entry.object_repr == "kadinkes"
    assert entry.ip == "10.1.2.3"
    assert entry.actor is None


def test_a_flood_of_wrong_passwords_writes_one_failure_and_one_lockout(client, dinkes_head):
    for _n in range(40):
        attempt(client, "kadinkes")

    assert actions("auth.login_failed", "auth.locked_out") == [
        "auth.login_failed",
        "auth.locked_out",
    ]
    # Every attempt is still counted, outside the chain.
    assert AccessAttempt.objects.get(username="kadinkes").failures_since_start == 40
    assert AuditEntry.objects.get(action="auth.locked_out").after == {
        "username": "kadinkes",
        "failures": 5,
    }
    assert verify_chain().ok


def test_invented_names_make_one_entry_and_are_not_written_down(client, db):
    for n in range(25):
        attempt(client, f"tebakan{n}-Rahasia!")

    [entry] = AuditEntry.objects.filter(action="auth.login_failed")
    assert entry.object_repr == ""
    assert entry.after == {"account": "unknown"}
    assert "tebakan" not in str(list(AuditEntry.objects.values_list("after", "object_repr")))


def test_invented_names_locked_out_make_one_lockout_entry(client, db):
    for n in range(4):
        for _try in range(6):
            attempt(client, f"tebakan{n}")

    assert actions("auth.locked_out") == ["auth.locked_out"]


def test_a_new_window_after_an_unlock_is_recorded_again(client, operator, dinkes_head):
    for _n in range(6):
        attempt(client, "kadinkes")
    client.force_login(operator)
    for row in AccessAttempt.objects.filter(username="kadinkes"):
        client.post(reverse("admin:axes_accessattempt_delete", args=[row.pk]), {"post": "yes"})
    client.logout()
    for _n in range(6):
        attempt(client, "kadinkes")

    assert actions("auth.login_failed", "auth.locked_out", "auth.unlock") == [
        "auth.login_failed",
        "auth.locked_out",
        "auth.unlock",
        "auth.login_failed",
        "auth.locked_out",
    ]


def test_a_new_window_after_a_successful_login_is_recorded_again(client, dinkes_head):
    attempt(client, "kadinkes")
    assert attempt(client, "kadinkes", PASSWORD).status_code == 302
    client.logout()
    attempt(client, "kadinkes")

    assert actions("auth.login_failed") == ["auth.login_failed", "auth.login_failed"]


def test_after_the_cooloff_a_new_failure_is_recorded_again(
    client, dinkes_head, settings, monkeypatch
):
    attempt(client, "kadinkes")
    later = timezone.now() + settings.AXES_COOLOFF_TIME + datetime.timedelta(minutes=1)
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME * 2)
    monkeypatch.setattr(audit_receivers.timezone, "now", lambda: later)

    attempt(client, "kadinkes")

    assert actions("auth.login_failed") == ["auth.login_failed", "auth.login_failed"]

"""Authentication events into the audit trail.

Django and django-axes announce logins, logouts, failed logins, lockouts and the
removal of lockout records only through signals, so this is the one place where
signals feed the audit log.

An anonymous client must not be able to flood the chain: failed logins and lockouts
are written at most once per account and lockout window (the window starts at the
account's last successful login or unlock, and is at most the cool-off period long).
django-axes keeps counting every attempt in its own table (*Access attempts*), so the
rest are counted, just not chained. Names typed that belong to no account are never
written (people type their password into the wrong box): all of them together make
at most one entry per window.
"""

from datetime import datetime

from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.db.models import Q, Sum
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.utils import timezone

from lelang.audit import audit_record, locked_head
from lelang.models import AuditEntry

#: Set on an AccessAttempt the back office already audited as it deletes it.
AUDITED_FLAG = "_lelang_audited"


@receiver(user_logged_in, dispatch_uid="lelang.audit.login")
def record_login(sender, request, user, **kwargs):
    audit_record(action="auth.login", actor=user, obj=user, request=request)


@receiver(user_logged_out, dispatch_uid="lelang.audit.logout")
def record_logout(sender, request, user, **kwargs):
    if user is not None:
        reason = getattr(request, "lelang_logout_reason", None)  # "idle": logged out for it
        audit_record(
            action="auth.logout",
            actor=user,
            obj=user,
            after={"reason": reason} if reason else None,
            request=request,
        )


def _window_start(username: str, user) -> datetime:
    """Where the account's current lockout window began."""
    start = timezone.now() - settings.AXES_COOLOFF_TIME
    resets = Q(action="auth.unlock", object_repr=username)
    if user is not None:
        resets |= Q(action="auth.login", object_type="lelang.user", object_id=str(user.pk))
    last_reset = (
        AuditEntry.objects.filter(resets, created_at__gte=start)
        .order_by("-seq")
        .values_list("created_at", flat=True)
        .first()
    )
    return max(start, last_reset) if last_reset else start


def _record_once_per_window(*, action: str, username: str, request, after: dict) -> None:
    """Write ``action`` for this account unless this window already has one."""
    user = get_user_model().objects.filter(username=username).first() if username else None
    # Names of no account share one key and are not written down (they may be a password).
    key, after = (username, {"username": username, **after}) if user else ("", after)
    with transaction.atomic():
        locked_head()  # writers queue here, so two racing failures write one entry
        already = AuditEntry.objects.filter(
            action=action,
            object_type="lelang.user" if user is not None else "",
            object_repr=key,
            created_at__gte=_window_start(key, user),
        ).exists()
        if not already:
            audit_record(
                action=action,
                actor=None,
                obj=user,
                object_repr=key,
                after=after if user else {"account": "unknown", **after},
                request=request,
            )


@receiver(user_login_failed, dispatch_uid="lelang.audit.login_failed")
def record_login_failure(sender, credentials, request=None, **kwargs):
    user = getattr(request, "user", None)
    if request is None or (user is not None and user.is_authenticated):
        # A signed-in person re-entering a password (answering an offer): that feature
        # writes its own entry; the failure still counts toward the lockout.
        return
    username = str((credentials or {}).get("username") or "")[:150]
    _record_once_per_window(
        action="auth.login_failed", username=username, request=request, after={}
    )


@receiver(user_locked_out, dispatch_uid="lelang.audit.locked_out")
def record_lockout(sender, request, username, ip_address, **kwargs):
    failures = getattr(request, "axes_failures_since_start", None)
    _record_once_per_window(
        action="auth.locked_out",
        username=str(username or "")[:150],
        request=request,
        after={"failures": failures} if failures is not None else {},
    )


def lockout_failures(username: str) -> int:
    """The failures counting toward the lock on ``username`` right now (as axes sums them)."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    attempts = AccessAttempt.objects.filter(username=username, attempt_time__gte=since)
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def unlock_record(attempt: AccessAttempt) -> dict | None:
    """What to write when ``attempt`` is deleted: None unless it locks an account now.

    Deleting records that lock nobody (expired ones, or the reset after a successful
    login) is not an unlock. A name that belongs to no account is not written down."""
    failures = lockout_failures(attempt.username or "")
    if failures < settings.AXES_FAILURE_LIMIT:
        return None
    user = get_user_model().objects.filter(username=attempt.username).first()
    key = user.username if user else ""
    last = (
        AuditEntry.objects.filter(action__in=("auth.locked_out", "auth.unlock"), object_repr=key)
        .order_by("-seq")
        .values_list("action", flat=True)
        .first()
    )
    if last == "auth.unlock":
        return None  # already unlocked since the last lockout (another row of the same lock)
    details = {"failures": failures, "ip_address": attempt.ip_address}
    if user is None:
        return {"obj": None, "object_repr": "", "before": {"account": "unknown", **details}}
    return {
        "obj": user,
        "object_repr": user.username,
        "before": {"username": user.username, **details},
    }


@receiver(pre_delete, sender=AccessAttempt, dispatch_uid="lelang.audit.unlock")
def record_unlock(sender, instance: AccessAttempt, **kwargs):
    """A lock lifted outside the back office (``axes_reset_username``, ``axes_reset``).

    The back office audits its own deletions, with the person who made them
    (``lelang.admin``), and flags them so they are not written twice."""
    if getattr(instance, AUDITED_FLAG, False):
        return
    record = unlock_record(instance)
    if record is not None:
        audit_record(action="auth.unlock", actor=None, after={"source": "server"}, **record)

"""Authentication events into the audit trail.

Django and django-axes announce logins, logouts and lockouts only through
signals, so this is the one place where signals feed the audit log.
"""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from lelang.audit import audit_record


@receiver(user_logged_in, dispatch_uid="lelang.audit.login")
def record_login(sender, request, user, **kwargs):
    audit_record(action="auth.login", actor=user, obj=user, request=request)


@receiver(user_logged_out, dispatch_uid="lelang.audit.logout")
def record_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action="auth.logout", actor=user, obj=user, request=request)


@receiver(user_locked_out, dispatch_uid="lelang.audit.locked_out")
def record_lockout(sender, request, username, ip_address, **kwargs):
    user = get_user_model().objects.filter(username=username).first()
    audit_record(
        action="auth.locked_out",
        actor=None,
        obj=user,
        object_repr=username or "",
        after={"username": username},
        request=request,
    )

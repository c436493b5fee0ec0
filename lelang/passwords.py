"""Re-entering the password to confirm an act (answering an offer, signing a document).

One rule for every such act: a locked-out account is refused before the password is
looked at; a wrong password is recorded in the audit chain in its own transaction
(the act's own is rolled back) and counts toward the lockout like a failed login.
"""

from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lelang.audit import audit_record


def locked_out(user, request) -> bool:
    if request is None:
        return False
    from axes.handlers.proxy import AxesProxyHandler

    return AxesProxyHandler.is_locked(request, credentials={"username": user.get_username()})


def confirm_password(user, password: str, *, obj, action: str, refused: str, request=None) -> None:
    """Raise ``ValidationError`` (``refused`` on a wrong password) unless ``password``
    is the user's and the account is not locked out; a wrong one is audited as
    ``action`` on ``obj``."""
    if locked_out(user, request):
        raise ValidationError(
            _("This account is locked after too many wrong passwords; try again later.")
        )
    if user.check_password(password):
        return
    with transaction.atomic():
        audit_record(action=action, actor=user, obj=obj, request=request)
    if request is not None:
        user_login_failed.send(
            sender=__name__, credentials={"username": user.get_username()}, request=request
        )
    raise ValidationError(refused)

"""Messages to people: in the app, and by e-mail (Django's mail backend).

``notify`` is idempotent per (person, key): a reminder job that runs twice, or a
retry after a crash, sends nothing twice. A failing mail server does not lose the
in-app message; the mail is logged as not sent and the next run does not retry it
(the person still sees it in the app).
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from lelang.models import Notification

logger = logging.getLogger(__name__)


def notify(users, *, key: str, text: str, url: str = "", subject: str = "") -> list[Notification]:
    """Give each of ``users`` the message once; returns the notifications made now."""
    made = []
    for user in users:
        try:
            with transaction.atomic():
                note = Notification.objects.create(user=user, key=key, text=text, url=url)
        except IntegrityError:
            continue  # told before
        made.append(note)
        if user.email:
            link = f"{settings.LELANG_PUBLIC_URL}{url}" if url else ""
            try:
                send_mail(
                    subject or text[:80],
                    f"{text}\n\n{link}".strip(),
                    settings.DEFAULT_FROM_EMAIL,
                    [user.email],
                )
            except Exception:  # the mail server: the message in the app stands
                logger.exception("notification %s: e-mail to %s not sent", key, user.email)
            else:
                Notification.objects.filter(pk=note.pk).update(emailed=True)
    return made


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()

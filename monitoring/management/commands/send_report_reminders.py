import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from monitoring.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "Remind units before their quarterly report is due and escalate late ones to the "
        "planning agency (in the app and by e-mail). Safe to run as often as you like: "
        "nothing is sent twice. Run it daily from cron or a systemd timer."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", help="the day to act as (YYYY-MM-DD); default: today")

    def handle(self, *args, today=None, **options):
        with translation.override(settings.LANGUAGE_CODE):
            try:
                day = datetime.date.fromisoformat(today) if today else timezone.localdate()
            except ValueError:
                raise CommandError(_("--today: write the date as YYYY-MM-DD.")) from None
            sent = send_reminders(day)
            self.stdout.write(
                _("Reminders %(r)s, late notices %(l)s, escalations %(e)s (as of %(day)s).")
                % {"r": sent.reminders, "l": sent.late, "e": sent.escalations, "day": day}
            )

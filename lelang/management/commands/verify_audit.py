from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from lelang.audit import describe_report, verify_chain


class Command(BaseCommand):
    help = "Verify the SHA-256 chain of the audit log; exit 1 naming the first bad entry."

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            report = verify_chain()
            message = describe_report(report)
        if not report.ok:
            raise CommandError(message, returncode=1)
        self.stdout.write(message)

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from lelang.audit import check_expected_head, describe_head_check, describe_report, verify_chain


class Command(BaseCommand):
    help = (
        "Verify the SHA-256 chain of the audit log; exit 1 naming the first bad entry. "
        "With --expect-head, also compare the head with a hash kept outside the database."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--expect-head",
            metavar="HASH",
            help="the head hash written down earlier (manage.py audit_head); "
            "exit 1 if the current head differs",
        )
        parser.add_argument(
            "--appended-ok",
            action="store_true",
            help="with --expect-head: entries added after the written-down one are fine, "
            "as long as that entry is still in the intact chain",
        )

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            report = verify_chain()
            message = describe_report(report)
            if not report.ok:
                raise CommandError(message, returncode=1)
            self.stdout.write(message)
            if options["expect_head"]:
                check = check_expected_head(
                    options["expect_head"], appended_ok=options["appended_ok"]
                )
                head_message = describe_head_check(check)
                if not check.ok:
                    raise CommandError(head_message, returncode=1)
                self.stdout.write(head_message)

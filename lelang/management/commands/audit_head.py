from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.translation import gettext as _

from lelang.audit import chain_head


class Command(BaseCommand):
    help = (
        "Print the audit chain's head (newest seq and hash) to write down outside the "
        "database; check it later with verify_audit --expect-head."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--hash-only", action="store_true", help="print only the hash (for scripts)"
        )

    def handle(self, *args, **options):
        seq, head_hash = chain_head()
        if options["hash_only"]:
            self.stdout.write(head_hash)
            return
        with translation.override(settings.LANGUAGE_CODE):
            self.stdout.write(
                _("Audit chain head: #%(seq)s %(hash)s") % {"seq": seq, "hash": head_hash}
            )
            self.stdout.write(
                _("Check it later with: manage.py verify_audit --expect-head %(hash)s")
                % {"hash": head_hash}
            )

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from lelang.demo import DEMO_PASSWORD, DemoConflict, demo_logins, seed_demo


class Command(BaseCommand):
    help = "Load the demo data (Kota Malang 2018–2023); safe to run again, never touches real rows."

    def add_arguments(self, parser):
        parser.add_argument(
            "--quiet-logins", action="store_true", help="Do not print the demo logins."
        )

    def handle(self, *args, quiet_logins=False, **options):
        with translation.override(settings.LANGUAGE_CODE):
            try:
                result = seed_demo()
            except DemoConflict as conflict:
                raise CommandError(
                    _("Demo data not loaded, nothing changed: real data already uses %(names)s.")
                    % {"names": conflict}
                ) from None
            if result.changed:
                counts = ", ".join(f"{key}={n}" for key, n in sorted(result.created.items()) if n)
                self.stdout.write(_("Demo data loaded (%(counts)s).") % {"counts": counts})
            else:
                self.stdout.write(_("Demo data already loaded; nothing changed."))
            if not quiet_logins:
                self._print_logins()

    def _print_logins(self):
        rows = demo_logins()
        width = max(len(username) for _role, username, _name in rows)
        self.stdout.write("")
        self.stdout.write(
            self.style.WARNING(
                _("DEMO LOGINS (example people) — password for every account: %(pw)s")
                % {"pw": DEMO_PASSWORD}
            )
        )
        for role, username, name in rows:
            self.stdout.write(f"  {username:<{width}}  {role:<45}  {name}")

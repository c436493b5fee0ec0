"""Load the demo: each app seeds its own part, this command puts them in order.

The apps' demo modules import ``lelang.demo`` (the shared result, the units and the
people) and nothing of each other's demo, so no module imports another in a circle.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from auctions.demo import seed_sessions
from contracts.demo import seed_documents
from lelang.audit import audit_record
from lelang.demo import DEMO_PASSWORD, DemoConflict, SeedResult, demo_logins, seed_people
from monitoring.consequence_demo import seed_consequences
from monitoring.demo import seed_reports
from opd.demo import seed_data_rooms

#: The parts in the order they depend on each other: the people hold the positions
#: whose data rooms go to the sessions, whose decisions are signed, then reported on.
PARTS = (
    seed_people,
    seed_data_rooms,
    seed_sessions,
    seed_documents,
    seed_reports,
    seed_consequences,
)


@transaction.atomic
def seed_demo() -> SeedResult:
    """Create whatever demo rows are missing; leave existing ones exactly as they are."""
    result = SeedResult()
    for part in PARTS:
        part(result)
    if result.changed:
        audit_record(action="demo.seed", after=result.created, object_repr="seed_demo")
    return result


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

"""Run the reward-and-punishment rules: ``manage.py propose_consequences --year 2020``."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from monitoring.consequences import propose_consequences


class Command(BaseCommand):
    help = "Propose rompi and recognitions for a year (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=None)
        parser.add_argument("--late-days", type=int, default=None)

    def handle(self, *args, year=None, late_days=None, **options):
        year = year or timezone.localdate().year
        made = propose_consequences(year, late_days=late_days)
        self.stdout.write(f"proposed={len(made)} year={year}")

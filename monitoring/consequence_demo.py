"""Demo consequences on the demo reports (issue 11, DESIGN.md §8).

INVENTED, flagged ``is_demo``, written with the ORM (no audit entries, like the demo
reports), idempotent. Two rompi:

- confirmed: Dinas Perhubungan, late with every report of 2019 and 2020 (12 days;
  the demo city counts "late" from more than ``DEMO_LATE_DAYS`` = 10 days, the
  setting's default is 14), TW IV 2020, "suka terlambat", worn a working week;
- proposed: the unit with the lowest average achievement of 2020 (band very low),
  a proposal put to the mayor by hand (no rule: it was very low once, not twice).
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from lelang.demo import SeedResult
from opd.models import Opd

from . import achievement, consequences
from .models import Sanction

LATE_UNIT = "dishub"
DEMO_LATE_DAYS = 10
YEAR = 2020
MAYOR = "walikota"
WORN = (datetime.date(2021, 1, 11), datetime.date(2021, 1, 15))


@transaction.atomic
def seed_consequences(result: SeedResult) -> None:
    _confirmed_late_rompi(result)
    _proposed_low_rompi(result)


def _confirmed_late_rompi(result: SeedResult) -> None:
    opd = Opd.objects.filter(code=LATE_UNIT, is_demo=True).first()
    mayor = get_user_model().objects.filter(username=MAYOR, is_demo=True).first()
    if opd is None or mayor is None:
        return
    key = {"rule": Sanction.Rule.LATE_REPORT, "opd": opd, "year": YEAR, "quarter": 4}
    if Sanction.objects.filter(**key).exists():
        result.add("sanction", False)
        return
    late = consequences.late_by_unit(YEAR).get((opd.pk, YEAR, 4))
    if late is None or late <= DEMO_LATE_DAYS:
        return  # the demo reports are not there (or not late): nothing to sanction
    Sanction.objects.create(
        **key,
        kind=Sanction.Kind.ROMPI,
        status=Sanction.Status.CONFIRMED,
        official=consequences.head_at(opd.pk, datetime.date(YEAR, 12, 31)),
        facts={"days_late": late, "threshold": DEMO_LATE_DAYS},
        vest_words="suka terlambat",
        starts_on=WORN[0],
        ends_on=WORN[1],
        reason="Terlambat melapor pada setiap triwulan 2019 dan 2020.",
        decided_at=timezone.make_aware(datetime.datetime(2021, 1, 8, 9, 0)),
        decided_by=mayor,
        is_demo=True,
    )
    result.add("sanction", True)


def _proposed_low_rompi(result: SeedResult) -> None:
    if Sanction.objects.filter(is_demo=True, rule="", status=Sanction.Status.PROPOSED).exists():
        result.add("sanction", False)
        return
    averages = {
        key: value
        for key, value in consequences.unit_averages(consequences._verified(YEAR)).items()
        if key[1] == YEAR and value is not None
    }
    if not averages:
        return
    (opd_id, year, number), average = min(averages.items(), key=lambda kv: (kv[1], kv[0]))
    if achievement.band(average) != "very_low":
        return
    Sanction.objects.create(
        kind=Sanction.Kind.ROMPI,
        opd_id=opd_id,
        official=consequences.head_at(opd_id, consequences._period_end(year, number)),
        year=year,
        quarter=number,
        facts={"quarters": [{"year": year, "quarter": number, "average": str(average)}]},
        vest_words="kinerja rendah",
        is_demo=True,
    )
    result.add("sanction", True)

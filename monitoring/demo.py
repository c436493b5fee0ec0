"""Demo quarterly reports: 2019 and 2020, every quarter, for the units that signed.

INVENTED figures, flagged ``is_demo``, written with the ORM (no audit entries, no
events), idempotent (a unit's quarter that has a report is left alone). They spread
over the Permendagri bands; one unit reports late every quarter (Dinas Perhubungan),
one report is returned with a comment (Dinas Perindustrian, TW IV 2020), the last
quarter of Kecamatan Sukun is still a draft (that quarter is still open, the earlier
ones are closed), and the maternal mortality ratio of
Dinas Kesehatan is reported as deaths and live births. The theme indicators (maternal
mortality, stunting, poverty) are marked for the public page.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction

from contracts.models import Document
from contracts.selectors import targets_in_force
from lelang.demo import SeedResult
from opd.models import Indicator, Opd

from . import achievement
from .models import Quarter, Report, ReportLine
from .services import _quarter_target

JAKARTA = ZoneInfo("Asia/Jakarta")
YEARS = (2019, 2020)
LATE_UNIT = "dishub"
RETURNED = ("disperin", 2020, 4)
DRAFT = ("kec-sukun", 2020, 4)
OPEN_QUARTER = (2020, 4)
REVIEWER = "bappeda"
BIRTHS_PER_QUARTER = Decimal(3600)  # live births in Kota Malang, roughly, per quarter


def seed_reports(result: SeedResult) -> None:
    users = get_user_model().objects
    reviewer = users.filter(username=REVIEWER, is_demo=True).first()
    pacts = Document.objects.filter(kind=Document.Kind.PACT, is_demo=True)
    if reviewer is None or not pacts.exists():
        return
    opds = Opd.objects.filter(pk__in=pacts.values("opd_id"), is_demo=True).order_by("name")
    signed = targets_in_force([o.pk for o in opds])
    for opd in opds:
        lines = {
            (indicator_id, year): entry
            for (indicator_id, year), entry in signed.items()
            if entry["opd_id"] == opd.pk
        }
        head = _head_user(opd)
        if head is None:
            continue
        for year in YEARS:
            for number in (1, 2, 3, 4):
                _report(opd, year, number, lines, head, reviewer, result)
    # Bappeda closed every quarter three weeks after its due date, except the last one,
    # which is still open: Kecamatan Sukun can still submit its draft, late.
    for quarter in Quarter.objects.filter(is_demo=True, closed_at__isnull=True).exclude(
        year=OPEN_QUARTER[0], number=OPEN_QUARTER[1]
    ):
        quarter.closed_at = datetime.combine(
            quarter.due_date + timedelta(days=21), time(16), tzinfo=JAKARTA
        )
        quarter.closed_by = reviewer
        quarter.save(update_fields=["closed_at", "closed_by"])
    # The themes the city carries together are what Bappeda shows the public.
    Indicator.objects.filter(
        program__data_room__opd__is_demo=True, theme__isnull=False, is_public=False
    ).update(is_public=True)


def _head_user(opd):
    from auctions.selectors import current_head_official

    official = current_head_official(opd)
    return official.user if official is not None else None


def _factor(*parts) -> Decimal:
    """A stable pseudo-random achievement between 45 % and 118 % for one line."""
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return Decimal(45 + digest[0] % 74) / 100


def _realization(indicator: Indicator, target: Decimal, factor: Decimal) -> Decimal:
    if indicator.polarity == Indicator.Polarity.LOWER:
        value = target * (2 - factor)
    else:
        value = target * factor
    if indicator.unit.strip() == "%":
        value = min(value, Decimal(100))
    places = Decimal(1) if target == target.to_integral_value() and target > 10 else Decimal("0.1")
    return max(value, Decimal(0)).quantize(places, ROUND_HALF_UP)


@transaction.atomic
def _report(opd, year, number, lines, head, reviewer, result: SeedResult) -> None:
    quarter, _created = Quarter.objects.get_or_create(
        year=year,
        number=number,
        defaults={"due_date": Quarter.default_due(year, number), "is_demo": True},
    )
    if Report.objects.filter(opd=opd, quarter=quarter).exists():
        result.add("report", False)
        return
    wanted = [(i, entry) for (i, y), entry in lines.items() if y == year]
    if not wanted:
        return
    indicators = Indicator.objects.in_bulk([i for i, _entry in wanted])
    due = datetime.combine(quarter.due_date, time(10), tzinfo=JAKARTA)
    late = opd.code == LATE_UNIT
    submitted = due + timedelta(days=12 if late else -3)
    state = Report.Status.VERIFIED
    if (opd.code, year, number) == RETURNED:
        state = Report.Status.RETURNED
    elif (opd.code, year, number) == DRAFT:
        state = Report.Status.DRAFT
    report = Report.objects.create(
        opd=opd,
        quarter=quarter,
        created_by=head,
        status=Report.Status.DRAFT,
        is_demo=True,
    )
    created = []
    for order, (indicator_id, entry) in enumerate(sorted(wanted)):
        indicator = indicators[indicator_id]
        target = _quarter_target(indicator, entry["value"], number)
        value = _realization(indicator, target, _factor(opd.code, indicator_id, year, number))
        numerator = denominator = None
        if indicator.aggregation == Indicator.Aggregation.RATIO:
            denominator = BIRTHS_PER_QUARTER + number * 37
            numerator = (value * denominator / (indicator.ratio_per or 1)).quantize(Decimal(1))
            value = achievement.ratio_value(numerator, denominator, indicator.ratio_per or 1)
        created.append(
            ReportLine(
                report=report,
                indicator=indicator,
                pact=entry["document"],
                yearly_target=entry["value"],
                target=target,
                realization=value if state != Report.Status.DRAFT or order % 2 == 0 else None,
                numerator=numerator,
                denominator=denominator,
                narrative="Kegiatan berjalan sesuai rencana kerja triwulan.",
                obstacles="" if value >= target else "Anggaran perubahan baru cair akhir triwulan.",
                follow_up="" if value >= target else "Percepatan kegiatan pada triwulan berikut.",
                review=ReportLine.Review.ACCEPTED
                if state == Report.Status.VERIFIED
                else ReportLine.Review.PENDING,
                order=order,
            )
        )
    if state == Report.Status.RETURNED and created:
        created[0].review = ReportLine.Review.RETURNED
        created[0].review_comment = (
            "Lampirkan rekap realisasi per kecamatan; angka ini belum sama dengan data "
            "SIPD triwulan IV."
        )
    ReportLine.objects.bulk_create(created)
    fields = {"status": state}
    if state != Report.Status.DRAFT:
        fields |= {"submitted_at": submitted, "submitted_by": head}
        fields |= {"reviewed_at": submitted + timedelta(days=4), "reviewed_by": reviewer}
    Report.objects.filter(pk=report.pk).update(**fields)
    result.add("report", True)

"""The public page ("kontrolnya di masyarakat"): what anyone may see without a login.

Only the indicators Bappeda marks public (``Indicator.is_public``), only verified
reports (per unit and quarter the newest verified revision, as on the dashboards),
the signed target beside the realisation, and no personal data beyond unit names.
The figures come from ``monitoring.dashboards`` (the same flat rows and the same
achievement), in a fixed number of queries.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction

from contracts.selectors import targets_in_force
from lelang.audit import audit_record
from lelang.roles import is_bappeda
from opd.models import Indicator, Opd, Theme

from . import achievement, dashboards
from .models import Report, ReportLine


@dataclass
class PublicLine:
    unit: str
    theme: str
    indicator: str
    measure: str  # the indicator's satuan
    yearly_target: Decimal | None
    target: Decimal | None
    realization: Decimal | None
    achievement: Decimal | None
    band: str | None

    @property
    def band_info(self) -> achievement.Band | None:
        return achievement.band_info(self.band)


@dataclass
class PublicGroup:
    code: str
    name: str
    lines: list[PublicLine] = field(default_factory=list)

    @property
    def average(self) -> Decimal | None:
        return dashboards._mean(line.achievement for line in self.lines)

    @property
    def band(self) -> str | None:
        return achievement.band(self.average)

    @property
    def band_info(self) -> achievement.Band | None:
        return achievement.band_info(self.band)


@dataclass
class PublicData:
    year: int
    quarter: int
    lines: list[PublicLine]
    themes: list[PublicGroup]
    units: list[PublicGroup]
    band_counts: list[tuple[achievement.Band, int]]
    trend: list[tuple[str, Decimal | None]]

    @property
    def average(self) -> Decimal | None:
        return dashboards._mean(line.achievement for line in self.lines)

    @property
    def label(self) -> str:
        return dashboards.quarter_label(self.year, self.quarter)


def public_years() -> list[int]:
    """Years with a verified report on a public indicator (one query), newest first."""
    years = ReportLine.objects.filter(
        indicator__is_public=True, report__status=Report.Status.VERIFIED
    ).values_list("report__quarter__year", flat=True)
    return sorted(set(years), reverse=True)


def public_period(years: list[int], year: int | None, quarter: int | None) -> tuple[int, int]:
    """The asked period when it is one with public data, else the newest one."""
    default_year, default_quarter = dashboards.default_period(years)
    if year not in years:
        year = default_year
    if quarter not in dashboards.QUARTER_NUMBERS:
        quarter = default_quarter if year == default_year else 4
    return year, quarter


def public_data(year: int, quarter: int) -> PublicData:
    """The public indicators' verified figures for ``year`` and ``quarter``: per theme
    and per unit, with a city-wide trend over the year's quarters (three queries)."""
    rows = dashboards._lines(report__quarter__year=year, indicator__is_public=True)
    verified = dashboards._verified_rows(rows)
    units = {o.pk: o.name for o in Opd.objects.only("pk", "name")}
    themes = {t.pk: (t.code, t.name) for t in Theme.objects.only("pk", "code", "name")}
    current = [r for r in verified if r["report__quarter__number"] == quarter]
    lines = []
    by_theme: dict[str, PublicGroup] = {}
    by_unit: dict[int, PublicGroup] = {}
    for row in current:
        theme_code, theme_name = themes.get(row["indicator__theme_id"], ("", ""))
        unit_name = units.get(row["report__opd_id"], "")
        line = PublicLine(
            unit=unit_name,
            theme=theme_name,
            indicator=row["indicator__name"],
            measure=row["indicator__unit"],
            yearly_target=row["yearly_target"],
            target=row["target"],
            realization=row["realization"],
            achievement=row["achievement"],
            band=row["band"],
        )
        lines.append(line)
        if theme_code:
            by_theme.setdefault(theme_code, PublicGroup(theme_code, theme_name)).lines.append(line)
        group = by_unit.setdefault(
            row["report__opd_id"], PublicGroup(str(row["report__opd_id"]), unit_name)
        )
        group.lines.append(line)
    lines.sort(key=lambda line: (line.unit, line.indicator))
    counts = defaultdict(int)
    for line in lines:
        counts[line.band] += 1
    trend = []
    for number in dashboards.QUARTER_NUMBERS:
        values = [r["achievement"] for r in verified if r["report__quarter__number"] == number]
        trend.append((f"TW {dashboards.ROMAN[number]}", dashboards._mean(values)))
    ranked = sorted(by_unit.values(), key=lambda g: (g.average is None, -(g.average or 0), g.name))
    return PublicData(
        year=year,
        quarter=quarter,
        lines=lines,
        themes=sorted(by_theme.values(), key=lambda g: g.name),
        units=ranked,
        band_counts=[(b, counts.get(b.code, 0)) for b in achievement.BANDS],
        trend=trend,
    )


# --- Bappeda marks indicators public --------------------------------------------


def markable_indicators() -> list[Indicator]:
    """Indicators with a signed target in force (what the public page can show),
    by unit and program."""
    ids = {indicator_id for indicator_id, _year in targets_in_force()}
    return list(
        Indicator.objects.filter(pk__in=ids)
        .select_related("program__data_room__opd", "theme")
        .order_by("program__data_room__opd__name", "program__order", "order", "pk")
    )


@transaction.atomic
def indicators_set_public(*, user, public_ids, request=None) -> int:
    """Bappeda marks which of the markable indicators are public; every change is an
    audit event. Returns how many indicators changed."""
    if not is_bappeda(user):
        raise PermissionDenied
    wanted = {int(pk) for pk in public_ids}
    ids = [i.pk for i in markable_indicators()]
    changed = 0
    for indicator in Indicator.objects.select_for_update().filter(pk__in=ids).order_by("pk"):
        now_public = indicator.pk in wanted
        if indicator.is_public == now_public:
            continue
        before = {"is_public": indicator.is_public}
        indicator.is_public = now_public
        indicator.save(update_fields=["is_public"])
        audit_record(
            action="monitoring.indicator.public" if now_public else "monitoring.indicator.private",
            actor=user,
            obj=indicator,
            before=before,
            after={"is_public": now_public},
            request=request,
        )
        changed += 1
    return changed

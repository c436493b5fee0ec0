"""What the dashboards show, computed from a few flat queries (DESIGN.md §6).

Every selector here runs a constant number of SQL queries whatever the size of the
city: it reads flat rows (``values()``) and aggregates in Python with
``monitoring.achievement``, never a query per unit, indicator or quarter.

Only verified reports count for achievement: per unit and quarter the newest
verified revision. A report submitted and not yet verified is counted apart
("awaiting verification"), never in a band.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count
from django.http import Http404
from django.utils import timezone

from contracts.selectors import targets_in_force, units_bound_in
from opd.models import Indicator, Opd, Theme

from . import achievement
from .models import ROMAN, Evidence, Quarter, Report, ReportLine, days_late

QUARTER_NUMBERS = (1, 2, 3, 4)
BAND_CODES = tuple(b.code for b in achievement.BANDS)

_LINE_FIELDS = (
    "report_id",
    "report__opd_id",
    "report__quarter__year",
    "report__quarter__number",
    "report__revision",
    "report__status",
    "indicator_id",
    "indicator__name",
    "indicator__unit",
    "indicator__polarity",
    "indicator__theme_id",
    "target",
    "yearly_target",
    "realization",
)


@dataclass(frozen=True)
class Filters:
    year: int
    quarter: int
    opd: Opd | None = None
    theme: Theme | None = None
    band: str | None = None


def quarter_label(year: int, number: int) -> str:
    return f"TW {ROMAN[number]} {year}"


def _mean(values) -> Decimal | None:
    values = [v for v in values if v is not None]
    if not values:
        return None
    return (sum(values, Decimal(0)) / len(values)).quantize(achievement.PERCENT_PLACES)


def line_achievement(row: dict) -> Decimal | None:
    """Achievement of one report line (a ``values()`` row) against its quarter's target."""
    polarity = row["indicator__polarity"]
    if polarity == achievement.RANGE:
        low, high = row["indicator__range_min"], row["indicator__range_max"]
        target = (low, high) if low is not None and high is not None else None
        if target is None:
            return None
        return achievement.achievement(target, row["realization"], polarity)
    return achievement.achievement(row["target"], row["realization"], polarity)


def _ranges() -> dict[int, tuple]:
    """(low, high) of every range indicator, one query: the few range indicators are
    looked up here instead of two more decimal columns on every line."""
    return {
        pk: (low, high)
        for pk, low, high in Indicator.objects.filter(polarity=achievement.RANGE).values_list(
            "pk", "range_min", "range_max"
        )
    }


def _verified_rows(rows) -> list[dict]:
    """Per (unit, quarter) the lines of the newest verified revision only."""
    ranges = _ranges() if any(r["indicator__polarity"] == achievement.RANGE for r in rows) else {}
    newest: dict[tuple, int] = {}
    for row in rows:
        if row["report__status"] != Report.Status.VERIFIED:
            continue
        key = (row["report__opd_id"], row["report__quarter__year"], row["report__quarter__number"])
        newest[key] = max(newest.get(key, 0), row["report__revision"])
    kept = []
    for row in rows:
        key = (row["report__opd_id"], row["report__quarter__year"], row["report__quarter__number"])
        if (
            row["report__status"] == Report.Status.VERIFIED
            and newest[key] == row["report__revision"]
        ):
            if row["indicator__polarity"] == achievement.RANGE:
                low, high = ranges.get(row["indicator_id"], (None, None))
                row["indicator__range_min"], row["indicator__range_max"] = low, high
            row["achievement"] = line_achievement(row)
            row["band"] = achievement.band(row["achievement"])
            kept.append(row)
    return kept


def _lines(**filters) -> list[dict]:
    return list(ReportLine.objects.filter(**filters).values(*_LINE_FIELDS).order_by())


def available_years() -> list[int]:
    """Years that have a quarter with a report (one query), newest first."""
    years = Quarter.objects.filter(reports__isnull=False).values_list("year", flat=True)
    return sorted(set(years), reverse=True)


def default_period(years: list[int]) -> tuple[int, int]:
    """The newest year with reports and its last quarter already over, or this quarter."""
    today = timezone.localdate()
    year = years[0] if years else today.year
    if year < today.year:
        return year, 4
    return year, max(1, (today.month - 1) // 3)


# --- City view ------------------------------------------------------------------


@dataclass
class UnitRow:
    opd: Opd
    average: Decimal | None = None
    band: str | None = None
    indicators: int = 0
    bands: Counter = field(default_factory=Counter)

    @property
    def band_info(self) -> achievement.Band | None:
        return achievement.band_info(self.band)


@dataclass
class LateRow:
    opd: Opd
    days_late: int
    submitted_on: datetime.date | None


@dataclass
class RefusalRow:
    opd: Opd
    answers: int
    accepted: int
    refused: int
    countered: int
    reasons: list[tuple[str, int]]

    @property
    def refusal_rate(self) -> Decimal | None:
        decided = self.accepted + self.refused
        if not decided:
            return None
        return (Decimal(self.refused) * 100 / decided).quantize(Decimal("0.1"))


@dataclass
class CityData:
    filters: Filters
    band_counts: list[tuple[achievement.Band, int]]
    counted: int
    awaiting_verification: int
    awaiting_units: list[Opd]
    not_computable: int
    average: Decimal | None
    trend: list[tuple[str, Decimal | None]]
    units: list[UnitRow]
    late: list[LateRow]
    closed_on: datetime.date | None  # the quarter closed: a missing report is "not reported"
    refusals: list[RefusalRow]
    band_lines: list[dict]


def _submitted_dates(
    opd_ids, year: int, number: int
) -> dict[int, tuple[str, datetime.date | None]]:
    """Per unit: the newest revision's status and the first submission's date."""
    found: dict[int, tuple[int, str]] = {}
    first_submitted: dict[int, datetime.date] = {}
    reports = Report.objects.filter(quarter__year=year, quarter__number=number).values_list(
        "opd_id", "revision", "status", "submitted_at"
    )
    for opd_id, revision, status, submitted_at in reports:
        if opd_ids is not None and opd_id not in opd_ids:
            continue
        if opd_id not in found or found[opd_id][0] < revision:
            found[opd_id] = (revision, status)
        if revision == 1 and submitted_at is not None:
            first_submitted[opd_id] = timezone.localtime(submitted_at).date()
    return {k: (status, first_submitted.get(k)) for k, (_rev, status) in found.items()}


def city_dashboard(filters: Filters) -> CityData:
    """Everything on the city view for ``filters`` in a fixed number of queries."""
    year, number = filters.year, filters.quarter
    opds = {o.pk: o for o in Opd.objects.only("pk", "code", "name", "short_name")}
    line_filter: dict = {"report__quarter__year": year}
    if filters.opd is not None:
        line_filter["report__opd_id"] = filters.opd.pk
    if filters.theme is not None:
        line_filter["indicator__theme_id"] = filters.theme.pk
    rows = _lines(**line_filter)
    verified = _verified_rows(rows)
    current = [r for r in verified if r["report__quarter__number"] == number]

    counts = Counter(r["band"] for r in current)
    band_counts = [(b, counts.get(b.code, 0)) for b in achievement.BANDS]
    trend = []
    for q in QUARTER_NUMBERS:
        values = [r["achievement"] for r in verified if r["report__quarter__number"] == q]
        trend.append((f"TW {ROMAN[q]}", _mean(values)))

    by_unit: dict[int, list[dict]] = defaultdict(list)
    for row in current:
        by_unit[row["report__opd_id"]].append(row)
    units = []
    for opd_id, unit_rows in by_unit.items():
        average = _mean(r["achievement"] for r in unit_rows)
        units.append(
            UnitRow(
                opd=opds[opd_id],
                average=average,
                band=achievement.band(average),
                indicators=len(unit_rows),
                bands=Counter(r["band"] for r in unit_rows),
            )
        )
    if filters.band:
        units = [u for u in units if u.band == filters.band]
    units.sort(key=lambda u: (u.average is None, -(u.average or 0), u.opd.name))

    # Units expected to report: those with a signed target for the year.
    expected = units_bound_in(year)
    if filters.opd is not None:
        expected &= {filters.opd.pk}
    if filters.theme is not None:
        expected &= {r["report__opd_id"] for r in rows}
    statuses = _submitted_dates(expected | {r["report__opd_id"] for r in rows}, year, number)
    found = Quarter.objects.filter(year=year, number=number).values_list("due_date", "closed_at")
    due_date, closed_at = next(iter(found), (Quarter.default_due(year, number), None))
    closed_on = timezone.localtime(closed_at).date() if closed_at else None
    today = timezone.localdate()
    late = []
    awaiting_units = []
    for opd_id in expected | set(statuses):
        status, submitted_on = statuses.get(opd_id, (None, None))
        if status == Report.Status.SUBMITTED:
            awaiting_units.append(opds[opd_id])
        days = days_late(due_date, submitted_on=submitted_on, closed_on=closed_on, today=today)
        if days:
            late.append(LateRow(opds[opd_id], days, submitted_on))
    late.sort(key=lambda r: (-r.days_late, r.opd.name))
    awaiting_units.sort(key=lambda o: o.name)

    band_lines = []
    if filters.band:
        band_lines = [dict(r, opd=opds[r["report__opd_id"]]) for r in current
                      if r["band"] == filters.band]  # fmt: skip
        band_lines.sort(key=lambda r: (r["achievement"], r["opd"].name, r["indicator__name"]))

    return CityData(
        filters=filters,
        band_counts=band_counts,
        counted=sum(1 for r in current if r["band"] is not None),
        awaiting_verification=sum(
            1
            for r in rows
            if r["report__status"] == Report.Status.SUBMITTED
            and r["report__quarter__number"] == number
        ),
        awaiting_units=awaiting_units,
        not_computable=counts.get(None, 0),
        average=_mean(r["achievement"] for r in current),
        trend=trend,
        units=units,
        late=late,
        closed_on=closed_on,
        refusals=refusals(opds, filters),
        band_lines=band_lines,
    )


def refusals(opds: dict[int, Opd], filters: Filters) -> list[RefusalRow]:
    """Answers to the auction's offers per unit: one query, read-only."""
    from auctions.models import Decision

    decisions = Decision.objects.values_list(
        "offer__negotiation__opd_id", "kind", "reason_category"
    ).order_by()
    if filters.opd is not None:
        decisions = decisions.filter(offer__negotiation__opd_id=filters.opd.pk)
    kinds: dict[int, Counter] = defaultdict(Counter)
    reasons: dict[int, Counter] = defaultdict(Counter)
    labels = dict(Decision.Reason.choices)
    for opd_id, kind, reason in decisions:
        kinds[opd_id][kind] += 1
        if kind == Decision.Kind.REFUSE:
            reasons[opd_id][str(labels.get(reason, labels[Decision.Reason.OTHER]))] += 1
    result = [
        RefusalRow(
            opd=opds[opd_id],
            answers=sum(counter.values()),
            accepted=counter[Decision.Kind.ACCEPT],
            refused=counter[Decision.Kind.REFUSE],
            countered=counter[Decision.Kind.COUNTER],
            reasons=reasons[opd_id].most_common(),
        )
        for opd_id, counter in kinds.items()
        if opd_id in opds
    ]
    result.sort(key=lambda r: (-(r.refusal_rate or 0), r.opd.name))
    return result


# --- Unit scorecard -------------------------------------------------------------


@dataclass
class QuarterCell:
    number: int
    label: str
    target: Decimal | None = None
    realization: Decimal | None = None
    achievement: Decimal | None = None
    band: str | None = None
    status: str | None = None  # the newest revision's status, when not verified
    evidence: int = 0

    @property
    def band_info(self) -> achievement.Band | None:
        return achievement.band_info(self.band)


@dataclass
class IndicatorCard:
    indicator: Indicator
    trajectory: list[tuple[int, Decimal]]
    yearly_target: Decimal | None
    quarters: list[QuarterCell]
    evidence: int = 0

    @property
    def latest(self) -> QuarterCell | None:
        done = [q for q in self.quarters if q.achievement is not None]
        return done[-1] if done else None


def opd_for_dashboard(code: str) -> Opd:
    """The unit by its code (anyone who may see the dashboards sees every unit)."""
    try:
        return Opd.objects.get(code=code)
    except Opd.DoesNotExist:
        raise Http404 from None


def theme_for_dashboard(code: str) -> Theme:
    try:
        return Theme.objects.get(code=code)
    except Theme.DoesNotExist:
        raise Http404 from None


def _cards(indicators, signed, rows, evidence_by_line) -> list[IndicatorCard]:
    """A card per indicator: its signed trajectory and its quarters of the year."""
    by_key: dict[tuple[int, int], dict] = {}
    newest_status: dict[tuple[int, int], tuple[int, str]] = {}
    for row in rows:
        key = (row["indicator_id"], row["report__quarter__number"])
        seen = newest_status.get(key)
        if seen is None or seen[0] < row["report__revision"]:
            newest_status[key] = (row["report__revision"], row["report__status"])
    for row in _verified_rows(rows):
        by_key[(row["indicator_id"], row["report__quarter__number"])] = row
    all_by_key = {}
    for row in sorted(rows, key=lambda r: r["report__revision"]):
        all_by_key[(row["indicator_id"], row["report__quarter__number"])] = row
    cards = []
    for indicator in indicators:
        quarters = []
        total = 0
        for q in QUARTER_NUMBERS:
            cell = QuarterCell(q, f"TW {ROMAN[q]}")
            newest = all_by_key.get((indicator.pk, q))
            if newest is not None:
                cell.target = newest["target"]
                cell.evidence = evidence_by_line.get(newest["id"], 0)
                total += cell.evidence
            status = newest_status.get((indicator.pk, q))
            row = by_key.get((indicator.pk, q))
            if row is not None:
                cell.target, cell.realization = row["target"], row["realization"]
                cell.achievement, cell.band = row["achievement"], row["band"]
            if status is not None and status[1] != Report.Status.VERIFIED:
                cell.status = status[1]
            quarters.append(cell)
        trajectory = sorted(signed.get(indicator.pk, {}).items())
        cards.append(
            IndicatorCard(
                indicator=indicator,
                trajectory=trajectory,
                yearly_target=None,
                quarters=quarters,
                evidence=total,
            )
        )
    return cards


def _evidence_counts(line_ids) -> dict[int, int]:
    counts = (
        Evidence.objects.filter(line_id__in=line_ids)
        .values("line_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {c["line_id"]: c["n"] for c in counts}


@dataclass
class ScorecardData:
    opd: Opd
    year: int
    cards: list[IndicatorCard]
    average: Decimal | None
    band: str | None

    @property
    def band_info(self) -> achievement.Band | None:
        return achievement.band_info(self.band)


def opd_scorecard(opd: Opd, year: int) -> ScorecardData:
    """Each indicator the unit signed (or reported) with its quarters of ``year``."""
    signed: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for (indicator_id, target_year), entry in targets_in_force([opd.pk]).items():
        signed[indicator_id][target_year] = entry["value"]
    rows = list(
        ReportLine.objects.filter(report__opd_id=opd.pk, report__quarter__year=year)
        .values("id", *_LINE_FIELDS)
        .order_by()
    )
    ids = set(signed) | {r["indicator_id"] for r in rows}
    indicators = list(
        Indicator.objects.filter(pk__in=ids)
        .select_related("theme")
        .order_by("program__order", "order", "pk")
    )
    cards = _cards(indicators, signed, rows, _evidence_counts([r["id"] for r in rows]))
    for card in cards:
        card.yearly_target = signed.get(card.indicator.pk, {}).get(year)
    latest = [c.latest.achievement for c in cards if c.latest is not None]
    average = _mean(latest)
    return ScorecardData(opd, year, cards, average, achievement.band(average))


# --- Theme view -----------------------------------------------------------------


@dataclass
class ThemeUnit:
    opd: Opd
    cards: list[IndicatorCard]
    average: Decimal | None
    band: str | None

    @property
    def band_info(self) -> achievement.Band | None:
        return achievement.band_info(self.band)


@dataclass
class ThemeData:
    theme: Theme
    year: int
    units: list[ThemeUnit]


def theme_dashboard(theme: Theme, year: int) -> ThemeData:
    """The theme's indicators across the units that carry it, grouped by unit."""
    indicators = list(
        Indicator.objects.filter(theme=theme)
        .select_related("program__data_room__opd", "theme")
        .order_by("program__data_room__opd__name", "program__order", "order", "pk")
    )
    ids = [i.pk for i in indicators]
    signed: dict[int, dict[int, Decimal]] = defaultdict(dict)
    opd_ids = {i.program.data_room.opd_id for i in indicators}
    for (indicator_id, target_year), entry in targets_in_force(opd_ids).items():
        if indicator_id in ids:
            signed[indicator_id][target_year] = entry["value"]
    rows = list(
        ReportLine.objects.filter(indicator_id__in=ids, report__quarter__year=year)
        .values("id", *_LINE_FIELDS)
        .order_by()
    )
    evidence = _evidence_counts([r["id"] for r in rows])
    grouped: dict[int, list[Indicator]] = defaultdict(list)
    for indicator in indicators:
        if indicator.pk in signed or any(r["indicator_id"] == indicator.pk for r in rows):
            grouped[indicator.program.data_room.opd_id].append(indicator)
    units = []
    for group in grouped.values():
        opd = group[0].program.data_room.opd
        own_rows = [r for r in rows if r["report__opd_id"] == opd.pk]
        cards = _cards(group, signed, own_rows, evidence)
        for card in cards:
            card.yearly_target = signed.get(card.indicator.pk, {}).get(year)
        average = _mean(c.latest.achievement for c in cards if c.latest is not None)
        units.append(ThemeUnit(opd, cards, average, achievement.band(average)))
    units.sort(key=lambda u: u.opd.name)
    return ThemeData(theme, year, units)

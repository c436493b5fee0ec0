"""Exports of the dashboards: the city view's data as an .xlsx workbook, and quarterly
reports as PDF (a unit's, the city's).

The figures come from the dashboards' own selectors (``monitoring.dashboards``) and the
charts from ``monitoring.dashboard_charts``, so an export shows what the screen shows.
Workbooks pass through ``lelang.spreadsheet.protect_workbook`` (a unit or indicator
name that starts with "=" stays a text); PDFs are drawn in formal Bahasa Indonesia
with WeasyPrint (``contracts.pdf.write_pdf``), A4, with the city's letterhead.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from contracts.pdf import LANGUAGE, long_date, write_pdf
from contracts.pdf import number as shown_number
from lelang.numbers import format_number
from lelang.spreadsheet import protect_workbook
from opd.models import Opd

from . import achievement, dashboard_charts, dashboards
from .models import Report

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
#: Excel keeps 15 significant digits; a longer stored decimal goes as Indonesian text.
EXCEL_DIGITS = 15
_SCREEN_SIZING = ' style="max-width: 100%; height: auto"'


def _cell(value):
    """A value for a cell: decimals as numbers (text when Excel would round them)."""
    if isinstance(value, Decimal):
        if len(value.normalize().as_tuple().digits) > EXCEL_DIGITS:
            return format_number(value, 4, language=LANGUAGE)
        return float(value)
    return value


def _band_label(code: str | None) -> str:
    info = achievement.band_info(code)
    return str(info.label) if info is not None else _("not computable")


def _sheet(workbook, title: str, headers: list[str], rows, widths: dict[int, int]) -> None:
    ws = workbook.create_sheet(title)
    ws.append(headers)
    for cell in ws[1]:
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    count = 0
    for row in rows:
        ws.append([_cell(v) for v in row])
        count += 1
    for index in range(1, len(headers) + 1):
        ws.column_dimensions[get_column_letter(index)].width = widths.get(index, 16)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{count + 1}"


def city_lines(filters: dashboards.Filters) -> list[dict]:
    """The verified lines behind the city view for ``filters`` (the quarter's, of the
    filtered unit, theme and band), with the unit, by unit and indicator."""
    line_filter: dict = {
        "report__quarter__year": filters.year,
        "report__quarter__number": filters.quarter,
    }
    if filters.opd is not None:
        line_filter["report__opd_id"] = filters.opd.pk
    if filters.theme is not None:
        line_filter["indicator__theme_id"] = filters.theme.pk
    rows = dashboards._verified_rows(dashboards._lines(**line_filter))
    if filters.band:
        rows = [r for r in rows if r["band"] == filters.band]
    opds = {o.pk: o for o in Opd.objects.only("pk", "code", "name")}
    for row in rows:
        row["opd"] = opds[row["report__opd_id"]]
    rows.sort(key=lambda r: (r["opd"].name, r["indicator__name"]))
    return rows


def city_workbook(filters: dashboards.Filters) -> bytes:
    """The city view's data as filtered: bands, units ranked, indicator lines."""
    data = dashboards.city_dashboard(filters)
    lines = city_lines(filters)
    with translation.override(LANGUAGE):
        workbook = Workbook()
        workbook.remove(workbook.active)
        period = dashboards.quarter_label(filters.year, filters.quarter)
        _sheet(
            workbook,
            _("Bands"),
            [_("Band"), _("Indicators"), _("Period")],
            [(str(band.label), n, period) for band, n in data.band_counts],
            {1: 22, 3: 14},
        )
        _sheet(
            workbook,
            _("Units ranked"),
            [
                _("Rank"),
                _("Code"),
                _("Unit (OPD)"),
                _("Indicators"),
                _("Average achievement (%)"),
                _("Band"),
            ],
            [
                (n, u.opd.code, u.opd.name, u.indicators, u.average, _band_label(u.band))
                for n, u in enumerate(data.units, start=1)
            ],
            {3: 48, 5: 18, 6: 16},
        )
        _sheet(
            workbook,
            _("Indicators"),
            [
                _("Unit (OPD)"),
                _("Indicator"),
                _("Unit of measure"),
                _("Target for the year"),
                _("Target for the quarter"),
                _("Realisation"),
                _("Achievement (%)"),
                _("Band"),
                _("Period"),
            ],
            [
                (
                    r["opd"].name,
                    r["indicator__name"],
                    r["indicator__unit"],
                    r["yearly_target"],
                    r["target"],
                    r["realization"],
                    r["achievement"],
                    _band_label(r["band"]),
                    period,
                )
                for r in lines
            ],
            {1: 40, 2: 60, 3: 16, 8: 16},
        )
    protect_workbook(workbook)  # unit and indicator names are typed by people
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- PDF ---------------------------------------------------------------------------


def _percent(value) -> str:
    return "—" if value is None else f"{format_number(value, 2, language=LANGUAGE)} %"


def _image(svg: str) -> str:
    """A chart as an SVG data URI for an <img>, without the screen's inline sizing
    (``height: auto`` on the root): WeasyPrint then keeps the chart's proportions."""
    markup = str(svg).replace(_SCREEN_SIZING, "", 1)
    return "data:image/svg+xml;base64," + base64.b64encode(markup.encode()).decode()


def _letterhead() -> dict:
    return {
        "city": settings.LELANG_CITY_NAME,
        "city_address": settings.LELANG_CITY_ADDRESS,
        "agency": settings.LELANG_PLANNING_AGENCY,
        "emblem": Path(settings.LELANG_CITY_EMBLEM).resolve().as_uri(),
        "printed_on": long_date(timezone.localdate()),
    }


@dataclass
class PdfLine:
    indicator: str
    measure: str
    yearly_target: str
    target: str
    realization: str
    achievement: str
    band: achievement.Band | None
    narrative: str
    obstacles: str
    follow_up: str
    chart: str


def unit_report(opd: Opd, year: int, quarter: int) -> Report | None:
    """The unit's report for the quarter: the newest verified revision, else the newest."""
    reports = list(
        Report.objects.filter(opd=opd, quarter__year=year, quarter__number=quarter)
        .select_related("quarter")
        .order_by("-revision")
    )
    verified = [r for r in reports if r.status == Report.Status.VERIFIED]
    return (verified or reports or [None])[0]


def unit_pdf(opd: Opd, year: int, quarter: int) -> bytes | None:
    """The unit's quarterly report as a PDF, or ``None`` when it has no report."""
    report = unit_report(opd, year, quarter)
    if report is None:
        return None
    scorecard = dashboards.opd_scorecard(opd, year)
    with translation.override(LANGUAGE):
        charts = {}
        for n, card in enumerate(scorecard.cards):
            charts[card.indicator.pk] = _image(
                dashboard_charts.indicator_svg(
                    ident=f"pdf-ind-{card.indicator.pk}-{n}",
                    name=card.indicator.name,
                    unit=card.indicator.unit,
                    baseline=card.indicator.baseline_value,
                    quarters=[(q.label, q.target, q.realization) for q in card.quarters],
                    width=420,
                )
            )
        lines = []
        values = []
        for line in report.lines.select_related("indicator").order_by("order", "pk"):
            ind = line.indicator
            value = dashboards.line_achievement(
                {
                    "indicator__polarity": ind.polarity,
                    "indicator__range_min": ind.range_min,
                    "indicator__range_max": ind.range_max,
                    "target": line.target,
                    "realization": line.realization,
                }
            )
            values.append(value)
            lines.append(
                PdfLine(
                    indicator=ind.name,
                    measure=ind.unit,
                    yearly_target=shown_number(line.yearly_target),
                    target=shown_number(line.target),
                    realization=shown_number(line.realization),
                    achievement=_percent(value),
                    band=achievement.band_info(achievement.band(value)),
                    narrative=line.narrative,
                    obstacles=line.obstacles,
                    follow_up=line.follow_up,
                    chart=charts.get(ind.pk, ""),
                )
            )
        average = dashboards._mean(values)
        context = {
            **_letterhead(),
            "opd": opd,
            "report": report,
            "period": dashboards.quarter_label(year, quarter),
            "verified": report.status == Report.Status.VERIFIED,
            "status": report.get_status_display(),
            "lines": lines,
            "average": _percent(average),
            "band": achievement.band_info(achievement.band(average)),
        }
        return write_pdf(render_to_string("monitoring/pdf/unit.html", context))


def city_pdf(filters: dashboards.Filters) -> bytes:
    """The city view's figures and charts for ``filters`` as a PDF."""
    data = dashboards.city_dashboard(filters)
    with translation.override(LANGUAGE):
        charts = {
            "bands": _image(dashboard_charts.band_bars_svg(data.band_counts)),
            "trend": _image(dashboard_charts.trend_svg(data.trend)),
            "ranking": _image(
                dashboard_charts.ranking_svg([(u.opd.name, u.average) for u in data.units])
            ),
        }
        context = {
            **_letterhead(),
            "period": dashboards.quarter_label(filters.year, filters.quarter),
            "data": data,
            "average": _percent(data.average),
            "units": [
                {
                    "opd": u.opd,
                    "indicators": u.indicators,
                    "average": _percent(u.average),
                    "band": u.band_info,
                }
                for u in data.units
            ],
            "charts": charts,
        }
        return write_pdf(render_to_string("monitoring/pdf/city.html", context))

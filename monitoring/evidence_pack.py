"""What monitoring adds to the inspectors' evidence pack (``contracts.evidence``).

Per unit, from the first year of the pack on: each quarter's report (its newest
revision) as a CSV of its lines — target, realisation, achievement, band, narrative,
kendala, tindak lanjut, Bappeda's review — the evidence files behind them (read in
chunks when their turn comes), and the reward and punishment decisions.
"""

from __future__ import annotations

import csv
import io

from contracts.evidence import EvidenceFile, EvidenceUnit
from lelang.spreadsheet import csv_text

from . import achievement
from .models import Evidence, Report, Sanction

FOLDER = "laporan-triwulan"


def _csv(rows) -> bytes:
    """Rows as CSV for a spreadsheet (UTF-8 with BOM); no cell can start a formula."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([csv_text("" if cell is None else str(cell)) for cell in row])
    return out.getvalue().encode("utf-8-sig")


def _newest_reports(opd, first_year: int | None) -> list[Report]:
    reports = Report.objects.filter(opd=opd).select_related("quarter")
    if first_year is not None:
        reports = reports.filter(quarter__year__gte=first_year)
    newest: dict[int, Report] = {}
    for report in reports.order_by("quarter__year", "quarter__number", "revision"):
        newest[report.quarter_id] = report
    return list(newest.values())


def _report_csv(report: Report) -> bytes:
    rows = [
        [
            "Indikator",
            "Satuan",
            "Target triwulan",
            "Target tahunan",
            "Realisasi",
            "Pembilang",
            "Penyebut",
            "Capaian (%)",
            "Kategori",
            "Uraian",
            "Kendala",
            "Tindak lanjut",
            "Tinjauan",
            "Catatan",
            "Status laporan",
            "Pakta",
        ]
    ]
    for line in report.lines.select_related("indicator", "pact"):
        percentage = achievement.achievement(line.target, line.realization, line.indicator.polarity)
        band = achievement.band_info(achievement.band(percentage))
        rows.append(
            [
                line.indicator.name,
                line.indicator.unit,
                line.target,
                line.yearly_target,
                line.realization if line.realization is not None else "",
                line.numerator if line.numerator is not None else "",
                line.denominator if line.denominator is not None else "",
                percentage if percentage is not None else "",
                str(band.label) if band else "",
                line.narrative,
                line.obstacles,
                line.follow_up,
                line.get_review_display(),
                line.review_comment,
                report.get_status_display(),
                line.pact.number,
            ]
        )
    return _csv(rows)


def _sanctions_csv(sanctions) -> bytes:
    rows = [["Tahun", "Triwulan", "Jenis", "Status", "Pejabat", "Tulisan rompi", "Dari", "Sampai",
             "Alasan", "Diputuskan"]]  # fmt: skip
    for s in sanctions:
        rows.append(
            [
                s.year,
                s.quarter or "",
                s.get_kind_display(),
                s.get_status_display(),
                str(s.official) if s.official_id else "",
                s.vest_words,
                s.starts_on.isoformat() if s.starts_on else "",
                s.ends_on.isoformat() if s.ends_on else "",
                s.reason,
                s.decided_at.isoformat() if s.decided_at else "",
            ]
        )
    return _csv(rows)


def quarterly_evidence(unit: EvidenceUnit):
    first_year = min(unit.years) if unit.years else None
    for report in _newest_reports(unit.opd, first_year):
        stem = f"{FOLDER}/{report.quarter.year}-TW{report.quarter.number}"
        yield EvidenceFile(name=f"{stem}.csv", data=_report_csv(report))
        files = Evidence.objects.filter(line__report=report).order_by("pk")
        for evidence in files:
            yield EvidenceFile(
                name=f"{stem}-bukti/{evidence.pk}-{evidence.original_name}",
                open=lambda evidence=evidence: evidence.file.open("rb"),
            )
    sanctions = Sanction.objects.filter(opd=unit.opd).exclude(status=Sanction.Status.PROPOSED)
    if first_year is not None:
        sanctions = sanctions.filter(year__gte=first_year)
    sanctions = list(sanctions.select_related("official").order_by("year", "quarter", "pk"))
    if sanctions:
        yield EvidenceFile(name="reward-punishment.csv", data=_sanctions_csv(sanctions))

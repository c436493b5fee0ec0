"""Documents to PDF (WeasyPrint, from Django templates) and a PDF's first page to PNG.

Every document is drawn in formal Bahasa Indonesia whatever the reader's language:
the signed text is the official one. Each page carries the city's letterhead on the
first page, the document number, "Halaman x dari y" and a QR code to the public
verification page.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.safestring import mark_safe

from lelang.numbers import format_number
from opd.charts import baseline_chart_svg

#: The documents' own language.
LANGUAGE = "id"


def long_date(value: date | datetime | str | None) -> str:
    """8 Desember 2018."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    with translation.override(LANGUAGE):
        return formats.date_format(value, "j F Y")


def long_time(value: str | None) -> str:
    if not value:
        return ""
    moment = timezone.localtime(datetime.fromisoformat(value))
    return moment.strftime("%H.%M WIB")


def number(value, unit: str = "") -> str:
    if value in (None, ""):
        return "—"
    shown = format_number(Decimal(str(value)), language=LANGUAGE)
    return f"{shown} {unit}".strip() if unit and unit != "%" else shown + (unit or "")


def verification_url(document) -> str:
    return settings.LELANG_PUBLIC_URL + document.verification_path()


def qr_svg(url: str) -> str:
    """The QR code of ``url`` as an SVG data URI (segno), for an <img> on every page."""
    return segno.make(url, error="m").svg_data_uri(scale=3, border=1)


def _chart(row: dict) -> str:
    baseline = row["baseline"]
    targets = sorted((int(y), Decimal(v)) for y, v in row["targets"].items())
    if not targets:
        return ""
    return baseline_chart_svg(
        unit=row["unit"],
        baseline=(baseline["year"], Decimal(baseline["value"])),
        target=targets[-1],
        target_label="",
        comparators=[(c["label"], c["year"], Decimal(c["value"])) for c in row["comparators"]],
        trajectory=targets,
        title="",
        width=560,
        height=190,
    )


def _prepare_rows(rows: list[dict], years: list[int]) -> list[dict]:
    prepared = []
    for row in rows:
        prepared.append(
            {
                **row,
                "baseline_shown": number(row["baseline"]["value"]),
                "cells": [number(row["targets"].get(str(y))) for y in years],
                "end_shown": number(row["end"]["value"]) if row.get("end") else "—",
                "chart": mark_safe(_chart(row)),  # noqa: S308 - our own SVG, escaped inside
            }
        )
    return prepared


def _by_indicator(targets: list[dict]) -> list[dict]:
    """Targets as one line per indicator: "2019–2023", "50 · 48 · 46 · 44 · 42"."""
    lines: dict[str, list] = {}
    for target in sorted(targets, key=lambda t: t["year"]):
        lines.setdefault(target["indicator"], []).append(target)
    return [
        {
            "indicator": name,
            "years": f"{rows[0]['year']}–{rows[-1]['year']}" if len(rows) > 1 else rows[0]["year"],
            "values": " · ".join(number(t["value"]) for t in rows),
        }
        for name, rows in lines.items()
    ]


def _minutes(content: dict) -> dict:
    """Times and values of the minutes, shown the Indonesian way."""
    agenda = []
    for item in content.get("agenda", []):
        ledger = []
        for entry in item["ledger"]:
            decision = entry["decision"]
            if decision is not None:
                decision = {
                    **decision,
                    "time": long_time(decision["at"]),
                    "lines": _by_indicator(decision["counter"]),
                }
            ledger.append(
                {
                    **entry,
                    "offered_time": long_time(entry["offered_at"]),
                    "lines": _by_indicator(entry["targets"]),
                    "decision": decision,
                }
            )
        agenda.append(
            {
                **item,
                "started_time": long_time(item["started_at"]),
                "closed_time": long_time(item["closed_at"]),
                "ledger": ledger,
            }
        )
    day = date.fromisoformat(content["session"]["date"])
    with translation.override(LANGUAGE):
        weekday = formats.date_format(day, "l")
    return {
        "c": {**content, "agenda": agenda},
        "session_day": weekday,
        "session_date": long_date(day),
        "closed_on": f"{long_date(content['closed_at'])} pukul {long_time(content['closed_at'])}",
    }


def _agreement(content: dict) -> dict:
    programs = [
        {**p, "budget_shown": number(p["budget"]) if p["budget"] else "—"}
        for p in content.get("programs", [])
    ]
    return {
        "c": {**content, "programs": programs},
        "budget_total_shown": number(content.get("budget_total")),
    }


def context(document, signatures: dict | None = None, *, final: bool = False) -> dict:
    """What the document's template draws: its content, signatures and the QR code."""
    content = document.content
    signatures = signatures if signatures is not None else document_signatures(document)
    rows = content.get("indicators", [])
    years = sorted({int(y) for row in rows for y in row.get("targets", {})})
    url = verification_url(document)
    signed_on = _signing_date(document, signatures)
    return {
        "doc": document,
        "c": content,
        "years": years,
        "rows": _prepare_rows(rows, years),
        "objectives": [
            {**o, "rows": _prepare_rows(o["indicators"], [content["year"]])}
            for o in content.get("objectives", [])
        ],
        "sig": signatures,
        "draft": not (final or document.is_sealed),
        "verify_url": url,
        "qr": qr_svg(url),
        "city": settings.LELANG_CITY_NAME,
        "city_address": settings.LELANG_CITY_ADDRESS,
        "agency": settings.LELANG_PLANNING_AGENCY,
        "place": settings.LELANG_CITY_PLACE,
        "mayor_title": settings.LELANG_MAYOR_TITLE,
        "signed_on": long_date(signed_on),
        "emblem": Path(settings.LELANG_CITY_EMBLEM).resolve().as_uri(),
        **(_minutes(content) if document.kind == document.Kind.MINUTES else {}),
        **(_agreement(content) if document.kind == document.Kind.AGREEMENT else {}),
    }


def document_signatures(document) -> dict:
    return {s.role: s for s in document.signatures.all()}


def _signing_date(document, signatures: dict):
    if signatures:
        return max(s.signed_at for s in signatures.values())
    if document.kind == document.Kind.MINUTES:
        return document.content["session"]["date"]
    return timezone.localdate()


def html(document, signatures: dict | None = None, *, final: bool = False) -> str:
    with translation.override(LANGUAGE):
        return render_to_string(
            f"contracts/pdf/{document.kind}.html", context(document, signatures, final=final)
        )


def write_pdf(markup: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=markup, base_url=str(settings.BASE_DIR)).write_pdf(
        pdf_identifier=None, custom_metadata=True
    )


def render(document, signatures: dict | None = None, *, final: bool = False) -> bytes:
    """The document as a PDF (not sealed, not stored); a draft says so on every page
    unless ``final`` (the rendering that is sealed)."""
    return write_pdf(html(document, signatures, final=final))


def first_page_png(pdf: bytes, width: int = 1100) -> bytes:
    """The first page as a PNG ``width`` pixels wide (the projector shows it)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        page = document[0]
        scale = width / page.get_width()
        image = page.render(scale=scale).to_pil()
        out = io.BytesIO()
        image.save(out, format="PNG", optimize=True)
        return out.getvalue()
    finally:
        document.close()


def text_of(pdf: bytes) -> str:
    """The PDF's text (pypdf), as a reader selecting it would get it."""
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)

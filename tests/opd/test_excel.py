"""Excel in and out for a data room: the template, the export and the all-or-nothing import."""

import io
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from lelang.audit import verify_chain
from lelang.models import AuditEntry
from opd.excel import (
    COL_BASELINE_SOURCE,
    COL_BASELINE_VALUE,
    COL_BASELINE_YEAR,
    COL_COMPARATOR_KIND,
    COL_INDICATOR,
    COL_LABEL,
    COL_NOTE,
    COL_OBJECTIVE,
    COL_POLARITY,
    COL_PROGRAM,
    COL_PROGRAM_KIND,
    COL_RANGE_MAX,
    COL_RANGE_MIN,
    COL_ROW_LABEL,
    COL_SOURCE,
    COL_TABLE,
    COL_TABLE_SOURCE,
    COL_TARGET_VALUE,
    COL_TARGET_YEAR,
    COL_THEME,
    COL_UNIT,
    COL_VALUE,
    COL_VALUE_LABEL,
    COL_YEAR,
    COMPARATOR_HEADERS,
    INDICATOR_HEADERS,
    NUMBER_FORMAT,
    SUPPORTING_HEADERS,
    build_workbook,
    import_workbook,
    parse_indonesian_decimal,
)
from opd.models import (
    Comparator,
    DataRoom,
    Indicator,
    Period,
    Program,
    StrategicObjective,
    SupportingRow,
    SupportingTable,
    Theme,
)

# --- Building blocks ------------------------------------------------------------------


@pytest.fixture
def period(db):
    return Period.objects.create(
        name="RPJMD 2018–2023", start_year=2018, end_year=2023, is_current=True
    )


@pytest.fixture
def data_room(dinkes, period):
    return DataRoom.objects.create(opd=dinkes, period=period)


@pytest.fixture
def theme(db):
    return Theme.objects.create(code="aki", name="Penurunan Angka Kematian Ibu")


@pytest.fixture
def filled_room(data_room, theme):
    """Two programs, two strategic objectives, three indicators, comparators and
    supporting tables (one empty)."""
    health = StrategicObjective.objects.create(
        data_room=data_room, name="Meningkatnya derajat kesehatan masyarakat", order=1
    )
    participation = StrategicObjective.objects.create(
        data_room=data_room, name="Meningkatnya peran serta masyarakat", order=2
    )
    kia = Program.objects.create(data_room=data_room, name="Program Kesehatan Ibu", order=1)
    aki = Indicator.objects.create(
        program=kia,
        objective=health,
        theme=theme,
        name="Angka Kematian Ibu",
        definition="Kematian ibu per 100.000 kelahiran hidup",
        unit="per 100.000 KH",
        polarity=Indicator.Polarity.LOWER,
        aggregation=Indicator.Aggregation.CUMULATIVE,
        data_source="Dinkes",
        baseline_value=Decimal("150.5"),
        baseline_year=2017,
        baseline_source="Profil Kesehatan 2017",
        target_value=Decimal("100"),
        target_year=2023,
        order=1,
    )
    persalinan = Indicator.objects.create(
        program=kia,
        objective=health,
        name="Persalinan di fasilitas kesehatan",
        unit="%",
        baseline_value=Decimal("87.25"),
        baseline_year=2017,
        baseline_source="SIMPUS",
        order=2,
    )
    inovasi = Program.objects.create(
        data_room=data_room, name="Posyandu Digital", kind=Program.Kind.INNOVATION, order=2
    )
    Indicator.objects.create(
        program=inovasi,
        objective=participation,
        name="Rasio kader per posyandu",
        unit="orang",
        polarity=Indicator.Polarity.RANGE,
        range_min=Decimal("5"),
        range_max=Decimal("10"),
        baseline_value=Decimal("4"),
        baseline_year=2017,
        baseline_source="Laporan posyandu",
    )
    Comparator.objects.create(
        indicator=aki,
        label="Jawa Timur",
        kind=Comparator.Kind.PROVINCE,
        value=Decimal("91.45"),
        year=2017,
        source="Profil Kesehatan Jatim",
    )
    Comparator.objects.create(
        indicator=persalinan,
        label="SPM",
        kind=Comparator.Kind.STANDARD,
        value=Decimal("100"),
        year=2016,
        source="Permenkes 43/2016",
    )
    table = SupportingTable.objects.create(
        indicator=aki, title="Kematian ibu per kecamatan", source="Dinkes"
    )
    SupportingRow.objects.create(table=table, label="Klojen", value=Decimal("3"), order=1)
    SupportingRow.objects.create(
        table=table, label="Sukun", value=Decimal("4"), note="termasuk rujukan", order=2
    )
    SupportingTable.objects.create(indicator=persalinan, title="Belum diisi", value_label="Ibu")
    return data_room


def make_upload(indicators=(), comparators=(), supporting=()) -> bytes:
    """A workbook in the import format; each row is a {header: value} dict."""
    wb = Workbook()
    sheets = (
        ("Indikator", INDICATOR_HEADERS, indicators),
        ("Pembanding", COMPARATOR_HEADERS, comparators),
        ("Data pendukung", SUPPORTING_HEADERS, supporting),
    )
    wb.remove(wb.active)
    for title, headers, rows in sheets:
        ws = wb.create_sheet(title)
        ws.append(list(headers))
        for row in rows:
            ws.append([row.get(h) for h in headers] if row else [])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def indicator_row(**overrides):
    row = {
        COL_PROGRAM: "Program Gizi Masyarakat",
        COL_PROGRAM_KIND: "program",
        COL_OBJECTIVE: "Meningkatnya status gizi masyarakat",
        COL_INDICATOR: "Prevalensi stunting",
        COL_UNIT: "%",
        COL_POLARITY: "turun",
        "Agregasi": "nilai akhir",
        COL_BASELINE_VALUE: "27,5",
        COL_BASELINE_YEAR: 2017,
        COL_BASELINE_SOURCE: "Riskesdas 2017",
        COL_TARGET_VALUE: "14",
        COL_TARGET_YEAR: 2023,
    }
    row.update(overrides)
    return row


def database_state(data_room):
    """Everything the import may touch, as comparable plain data."""
    indicators = Indicator.objects.filter(program__data_room=data_room)
    return {
        "programs": sorted(data_room.programs.values_list("pk", "name", "kind", "order")),
        "objectives": sorted(data_room.objectives.values_list("pk", "name", "order")),
        "indicators": sorted(
            indicators.values_list(
                "pk",
                "program_id",
                "name",
                "unit",
                "polarity",
                "range_min",
                "range_max",
                "aggregation",
                "baseline_value",
                "baseline_year",
                "target_value",
                "target_year",
                "theme_id",
                "objective_id",
            )
        ),
        "comparators": sorted(
            Comparator.objects.filter(indicator__in=indicators).values_list(
                "indicator_id", "label", "kind", "value", "year", "source"
            )
        ),
        "tables": sorted(
            SupportingTable.objects.filter(indicator__in=indicators).values_list(
                "indicator_id", "title", "value_label", "source"
            )
        ),
        "rows": sorted(
            SupportingRow.objects.filter(table__indicator__in=indicators).values_list(
                "table__title", "label", "value", "note", "order"
            )
        ),
    }


def imports(data_room, content, user):
    return import_workbook(data_room=data_room, fileobj=io.BytesIO(content), user=user)


def where(result):
    return [(e.sheet, e.row, e.column) for e in result.errors]


def sheet_values(content: bytes) -> dict[str, list[tuple]]:
    wb = load_workbook(io.BytesIO(content))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}


# --- The template and the export --------------------------------------------------------


@pytest.mark.django_db
def test_template_of_an_empty_room_has_four_sheets_with_exact_headers(data_room, theme):
    wb = load_workbook(io.BytesIO(build_workbook(data_room)))

    assert wb.sheetnames == ["Indikator", "Pembanding", "Data pendukung", "Petunjuk"]
    headers = {ws.title: [c.value for c in ws[1]] for ws in wb.worksheets[:3]}
    assert headers["Indikator"] == [
        "Program",
        "Jenis program",
        "Sasaran strategis",
        "Indikator",
        "Definisi/rumus",
        "Satuan",
        "Polaritas",
        "Batas bawah",
        "Batas atas",
        "Agregasi",
        "Sumber data",
        "Baseline nilai",
        "Baseline tahun",
        "Baseline sumber",
        "Target usulan",
        "Tahun target",
        "Tema",
    ]
    assert headers["Pembanding"] == [
        "Program",
        "Indikator",
        "Label",
        "Jenis",
        "Nilai",
        "Tahun",
        "Sumber",
    ]
    assert headers["Data pendukung"] == [
        "Program",
        "Indikator",
        "Tabel",
        "Kolom nilai",
        "Sumber tabel",
        "Baris",
        "Nilai",
        "Keterangan",
    ]
    indikator = wb["Indikator"]
    assert indikator.max_row == 1  # no data rows
    assert indikator.freeze_panes == "A2"
    assert indikator["A1"].font.bold
    assert indikator.column_dimensions["A"].width > 20
    lists = {str(dv.sqref)[0]: dv.formula1 for dv in indikator.data_validations.dataValidation}
    assert lists["B"] == '"program,inovasi"'
    assert lists["G"] == '"naik,turun,rentang"'
    assert lists["J"] == '"kumulatif,nilai akhir,rata-rata"'
    assert lists["Q"].startswith("Petunjuk!")  # the theme codes listed on the Petunjuk sheet
    pembanding_lists = [dv.formula1 for dv in wb["Pembanding"].data_validations.dataValidation]
    assert pembanding_lists == ['"daerah lain,provinsi,nasional,standar (SPM),tahun sebelumnya"']
    petunjuk = " ".join(str(v) for row in wb["Petunjuk"].values for v in row if v)
    assert "1.234,5" in petunjuk and "aki" in petunjuk


@pytest.mark.django_db
def test_export_writes_one_row_per_indicator_with_codes_and_real_numbers(filled_room):
    wb = load_workbook(io.BytesIO(build_workbook(filled_room)))
    ws = wb["Indikator"]
    rows = [
        dict(zip(INDICATOR_HEADERS, r, strict=True))
        for r in ws.iter_rows(min_row=2, values_only=True)
    ]

    assert [r[COL_INDICATOR] for r in rows] == [
        "Angka Kematian Ibu",
        "Persalinan di fasilitas kesehatan",
        "Rasio kader per posyandu",
    ]
    aki = rows[0]
    assert aki[COL_PROGRAM_KIND] == "program"
    assert aki[COL_POLARITY] == "turun"
    assert aki["Agregasi"] == "kumulatif"
    assert aki[COL_THEME] == "aki"
    assert aki[COL_BASELINE_VALUE] == 150.5
    assert aki[COL_OBJECTIVE] == "Meningkatnya derajat kesehatan masyarakat"
    assert rows[2][COL_OBJECTIVE] == "Meningkatnya peran serta masyarakat"
    assert ws["L2"].number_format == NUMBER_FORMAT
    assert rows[2][COL_PROGRAM_KIND] == "inovasi"
    assert rows[2][COL_POLARITY] == "rentang"
    assert (rows[2][COL_RANGE_MIN], rows[2][COL_RANGE_MAX]) == (5, 10)

    comparators = list(wb["Pembanding"].iter_rows(min_row=2, values_only=True))
    assert (
        "Program Kesehatan Ibu",
        "Angka Kematian Ibu",
        "Jawa Timur",
        "provinsi",
        91.45,
        2017,
        "Profil Kesehatan Jatim",
    ) in comparators
    assert any(row[3] == "standar (SPM)" for row in comparators)
    supporting = list(wb["Data pendukung"].iter_rows(min_row=2, values_only=True))
    assert supporting[:2] == [
        (
            "Program Kesehatan Ibu",
            "Angka Kematian Ibu",
            "Kematian ibu per kecamatan",
            "Jumlah",
            "Dinkes",
            "Klojen",
            3,
            None,
        ),
        (
            "Program Kesehatan Ibu",
            "Angka Kematian Ibu",
            "Kematian ibu per kecamatan",
            "Jumlah",
            "Dinkes",
            "Sukun",
            4,
            "termasuk rujukan",
        ),
    ]


@pytest.mark.django_db
def test_export_then_import_of_the_same_file_changes_and_duplicates_nothing(
    filled_room, dinkes_staff
):
    before = database_state(filled_room)
    exported = build_workbook(filled_room)

    result = imports(filled_room, exported, dinkes_staff)

    assert result.ok, result.errors
    assert (result.programs_created, result.indicators_created) == (0, 0)
    assert result.indicators_updated == 3
    assert (result.comparators, result.supporting_rows) == (2, 2)
    after = database_state(filled_room)
    # Comparators and tables are replaced (new primary keys), but hold the same content.
    assert after == before
    assert (
        sheet_values(build_workbook(filled_room))["Indikator"]
        == sheet_values(exported)["Indikator"]
    )


@pytest.mark.django_db
def test_blank_template_imports_as_nothing(data_room, dinkes_staff):
    result = imports(data_room, build_workbook(data_room), dinkes_staff)

    assert result.ok
    assert result.counts() == dict.fromkeys(result.counts(), 0)
    assert not Program.objects.exists()


# --- A good upload ------------------------------------------------------------------------


@pytest.mark.django_db
def test_good_upload_creates_programs_indicators_comparators_and_rows_in_one_go(
    data_room, theme, dinkes_staff
):
    content = make_upload(
        indicators=[
            indicator_row(),
            indicator_row(
                **{
                    COL_PROGRAM: "Inovasi Sayang Ibu",
                    COL_PROGRAM_KIND: "Inovasi",  # codes ignore case
                    COL_INDICATOR: "Ibu hamil mendapat tablet tambah darah",
                    COL_UNIT: "indeks",
                    COL_POLARITY: "naik",
                    "Agregasi": "kumulatif",
                    COL_BASELINE_VALUE: "1.234,5",
                    COL_TARGET_VALUE: 2000,
                    COL_THEME: "aki",
                }
            ),
        ],
        comparators=[
            {
                COL_PROGRAM: "Program Gizi Masyarakat",
                COL_INDICATOR: "Prevalensi stunting",
                COL_LABEL: "Nasional",
                COL_COMPARATOR_KIND: "nasional",
                COL_VALUE: "30,8",
                COL_YEAR: 2018,
                COL_SOURCE: "Riskesdas 2018",
            },
            {
                COL_PROGRAM: "Program Gizi Masyarakat",
                COL_INDICATOR: "Prevalensi stunting",
                COL_LABEL: "Kota Batu",
                COL_COMPARATOR_KIND: "daerah lain",
                COL_VALUE: 22.1,
                COL_YEAR: "2017",
                COL_SOURCE: "Profil Kesehatan Batu",
            },
        ],
        supporting=[
            {
                COL_PROGRAM: "Program Gizi Masyarakat",
                COL_INDICATOR: "Prevalensi stunting",
                COL_TABLE: "Balita stunting per kecamatan",
                COL_VALUE_LABEL: "Balita",
                COL_TABLE_SOURCE: "e-PPGBM",
                COL_ROW_LABEL: "Kedungkandang",
                COL_VALUE: "1.020",
            },
            {},  # an empty row in between is skipped
            {
                COL_PROGRAM: "Program Gizi Masyarakat",
                COL_INDICATOR: "Prevalensi stunting",
                COL_TABLE: "Balita stunting per kecamatan",
                COL_ROW_LABEL: "Lowokwaru",
                COL_VALUE: 812,
                COL_NOTE: "data Agustus",
            },
        ],
    )

    result = imports(data_room, content, dinkes_staff)

    assert result.ok, result.errors
    assert result.counts() == {
        "programs_created": 2,
        "objectives_created": 1,
        "indicators_created": 2,
        "indicators_updated": 0,
        "comparators": 2,
        "supporting_rows": 2,
    }
    innovation = Program.objects.get(data_room=data_room, name="Inovasi Sayang Ibu")
    assert innovation.kind == Program.Kind.INNOVATION
    ttd = innovation.indicators.get()
    assert ttd.baseline_value == Decimal("1234.5")
    assert ttd.target_value == Decimal("2000")
    assert ttd.aggregation == Indicator.Aggregation.CUMULATIVE
    assert ttd.theme == theme
    stunting = Indicator.objects.get(name="Prevalensi stunting")
    assert stunting.baseline_value == Decimal("27.5")
    assert stunting.polarity == Indicator.Polarity.LOWER
    assert stunting.aggregation == Indicator.Aggregation.LAST
    assert stunting.theme is None
    assert sorted(stunting.comparators.values_list("label", "kind", "value", "year")) == [
        ("Kota Batu", "region", Decimal("22.1"), 2017),
        ("Nasional", "national", Decimal("30.8"), 2018),
    ]
    table = stunting.supporting_tables.get()
    assert (table.title, table.value_label, table.source) == (
        "Balita stunting per kecamatan",
        "Balita",
        "e-PPGBM",
    )
    assert list(table.rows.values_list("label", "value", "note", "order")) == [
        ("Kedungkandang", Decimal("1020"), "", 1),
        ("Lowokwaru", Decimal("812"), "data Agustus", 2),
    ]
    entry = AuditEntry.objects.get(action="opd.dataroom.import")
    assert entry.actor_id == dinkes_staff.pk
    assert entry.object_id == str(data_room.pk)
    assert entry.after == result.counts()
    assert verify_chain().ok


@pytest.mark.django_db
def test_upload_updates_listed_indicators_and_leaves_the_others_alone(filled_room, dinkes_staff):
    untouched = Indicator.objects.get(name="Rasio kader per posyandu")
    content = make_upload(
        indicators=[
            indicator_row(
                **{
                    COL_PROGRAM: "program  kesehatan IBU",  # matched ignoring case and spaces
                    COL_INDICATOR: "Persalinan di fasilitas kesehatan",
                    COL_BASELINE_VALUE: 90,
                    COL_POLARITY: "naik",
                }
            )
        ],
        comparators=[  # an indicator only in the data room may be referred to
            {
                COL_PROGRAM: "Program Kesehatan Ibu",
                COL_INDICATOR: "Angka Kematian Ibu",
                COL_LABEL: "Nasional",
                COL_COMPARATOR_KIND: "nasional",
                COL_VALUE: 305,
                COL_YEAR: 2015,
                COL_SOURCE: "SUPAS 2015",
            }
        ],
    )

    result = imports(filled_room, content, dinkes_staff)

    assert result.ok, result.errors
    assert (result.programs_created, result.indicators_created, result.indicators_updated) == (
        0,
        0,
        1,
    )
    persalinan = Indicator.objects.get(name="Persalinan di fasilitas kesehatan")
    assert persalinan.baseline_value == Decimal("90")
    assert not persalinan.comparators.exists()  # replaced by none
    assert not persalinan.supporting_tables.exists()
    aki = Indicator.objects.get(name="Angka Kematian Ibu")
    assert list(aki.comparators.values_list("label", flat=True)) == ["Nasional"]
    assert aki.supporting_tables.get().rows.count() == 2  # not mentioned: kept
    untouched.refresh_from_db()
    assert untouched.range_max == Decimal("10")
    assert Program.objects.filter(data_room=filled_room).count() == 2


# --- Bad uploads ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_upload_with_bad_rows_changes_nothing_and_lists_exactly_those_rows(
    filled_room, dinkes_staff
):
    next_year = timezone.localdate().year + 1
    before = database_state(filled_room)
    content = make_upload(
        indicators=[
            indicator_row(),  # row 2: fine
            indicator_row(**{COL_INDICATOR: "Balita gizi buruk", COL_BASELINE_VALUE: "banyak"}),
            {},  # row 4: empty, skipped
            indicator_row(
                **{
                    COL_INDICATOR: "Balita ditimbang",
                    COL_BASELINE_YEAR: next_year,
                    COL_TARGET_YEAR: None,
                }
            ),
        ],
        comparators=[
            {
                COL_PROGRAM: "Program Gizi Masyarakat",
                COL_INDICATOR: "Prevalensi stunting",
                COL_LABEL: "Nasional",
                COL_COMPARATOR_KIND: "nasional",
                COL_VALUE: "30,8",
                COL_YEAR: 2018,
                COL_SOURCE: "Riskesdas 2018",
            }
        ],
    )

    with translation.override("en"):
        result = imports(filled_room, content, dinkes_staff)

    assert not result.ok
    assert where(result) == [
        ("Indikator", 3, COL_BASELINE_VALUE),
        ("Indikator", 5, COL_BASELINE_YEAR),
    ]
    first, second = (e.message for e in result.errors)
    assert "Baseline nilai" in first and "banyak" in first
    assert second == f"The baseline year {next_year} is in the future."
    assert result.counts() == dict.fromkeys(result.counts(), 0)
    assert database_state(filled_room) == before
    assert not AuditEntry.objects.filter(action="opd.dataroom.import").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("sheet", "column"),
    [
        ("Indikator", COL_BASELINE_VALUE),
        ("Indikator", COL_TARGET_VALUE),
        ("Pembanding", COL_VALUE),
    ],
)
def test_value_of_130_is_refused_for_a_percentage_indicator(data_room, dinkes_staff, sheet, column):
    indicator = indicator_row()
    comparator = {
        COL_PROGRAM: "Program Gizi Masyarakat",
        COL_INDICATOR: "Prevalensi stunting",
        COL_LABEL: "Kota Batu",
        COL_COMPARATOR_KIND: "daerah lain",
        COL_VALUE: 20,
        COL_YEAR: 2017,
        COL_SOURCE: "Profil",
    }
    (indicator if sheet == "Indikator" else comparator)[column] = "130"

    with translation.override("en"):
        result = imports(data_room, make_upload([indicator], [comparator]), dinkes_staff)

    assert where(result) == [(sheet, 2, column)]
    assert "130" in result.errors[0].message
    assert "between 0 and 100" in result.errors[0].message
    assert not Program.objects.exists()


@pytest.mark.django_db
def test_130_is_fine_when_the_unit_is_not_percent(data_room, dinkes_staff):
    content = make_upload([indicator_row(**{COL_UNIT: "% KH", COL_BASELINE_VALUE: 130})])
    assert imports(data_room, content, dinkes_staff).ok


@pytest.mark.django_db
def test_unknown_polarity_code_is_refused_with_the_allowed_codes_listed(data_room, dinkes_staff):
    content = make_upload([indicator_row(**{COL_POLARITY: "lebih tinggi lebih baik"})])

    with translation.override("en"):
        result = imports(data_room, content, dinkes_staff)

    assert where(result) == [("Indikator", 2, COL_POLARITY)]
    message = result.errors[0].message
    assert "lebih tinggi lebih baik" in message
    assert "naik, turun, rentang" in message


@pytest.mark.django_db
def test_unknown_program_kind_aggregation_comparator_kind_and_theme_are_refused(
    data_room, dinkes_staff
):
    content = make_upload(
        [indicator_row(**{COL_PROGRAM_KIND: "kegiatan", "Agregasi": "total", COL_THEME: "xyz"})],
        [
            {
                COL_PROGRAM: "Program Gizi Masyarakat",
                COL_INDICATOR: "Prevalensi stunting",
                COL_LABEL: "WHO",
                COL_COMPARATOR_KIND: "internasional",
                COL_VALUE: 20,
                COL_YEAR: 2017,
                COL_SOURCE: "WHO",
            }
        ],
    )

    with translation.override("en"):
        result = imports(data_room, content, dinkes_staff)

    assert where(result) == [
        ("Indikator", 2, COL_PROGRAM_KIND),
        ("Indikator", 2, "Agregasi"),
        ("Indikator", 2, COL_THEME),
        ("Pembanding", 2, COL_COMPARATOR_KIND),
    ]
    messages = [e.message for e in result.errors]
    assert "program, inovasi" in messages[0]
    assert "kumulatif, nilai akhir, rata-rata" in messages[1]
    assert "daerah lain, provinsi, nasional, standar (SPM), tahun sebelumnya" in messages[3]


@pytest.mark.django_db
def test_required_cells_are_named_by_row_and_column(data_room, dinkes_staff):
    content = make_upload(
        [
            indicator_row(**{COL_UNIT: None, COL_BASELINE_VALUE: " ", COL_BASELINE_SOURCE: None}),
        ]
    )

    with translation.override("en"):
        result = imports(data_room, content, dinkes_staff)

    assert where(result) == [
        ("Indikator", 2, COL_UNIT),
        ("Indikator", 2, COL_BASELINE_VALUE),
        ("Indikator", 2, COL_BASELINE_SOURCE),
    ]
    assert result.errors[0].message == "“Satuan” is required."


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "column", "fragment"),
    [
        ({COL_BASELINE_YEAR: 1985}, COL_BASELINE_YEAR, "between 1990 and"),
        ({COL_BASELINE_YEAR: "dua ribu"}, COL_BASELINE_YEAR, "must be a year"),
        ({COL_TARGET_YEAR: 2016}, COL_TARGET_YEAR, "before the baseline year 2017"),
        ({COL_TARGET_YEAR: 2101}, COL_TARGET_YEAR, "between 1990 and 2100"),
        (
            {COL_POLARITY: "rentang", COL_RANGE_MIN: 10, COL_RANGE_MAX: 5},
            COL_RANGE_MAX,
            "must not be greater",
        ),
        ({COL_POLARITY: "rentang", COL_RANGE_MIN: 10}, COL_RANGE_MAX, "needs both"),
        ({COL_BASELINE_VALUE: "12.5"}, COL_BASELINE_VALUE, "12,5"),
    ],
)
def test_years_ranges_and_numbers_are_checked(data_room, dinkes_staff, overrides, column, fragment):
    content = make_upload([indicator_row(**{COL_UNIT: "indeks", **overrides})])

    with translation.override("en"):
        result = imports(data_room, content, dinkes_staff)

    assert where(result) == [("Indikator", 2, column)]
    assert fragment in result.errors[0].message


@pytest.mark.django_db
def test_other_sheets_must_refer_to_a_known_indicator(filled_room, dinkes_staff):
    content = make_upload(
        [indicator_row()],
        [
            {
                COL_PROGRAM: "Program Gizi Masyarakat",
                COL_INDICATOR: "Indikator yang tidak ada",
                COL_LABEL: "Nasional",
                COL_COMPARATOR_KIND: "nasional",
                COL_VALUE: 1,
                COL_YEAR: 2017,
                COL_SOURCE: "BPS",
            }
        ],
        [
            {
                COL_PROGRAM: "Program Entah",
                COL_INDICATOR: "Angka Kematian Ibu",
                COL_TABLE: "Per kecamatan",
                COL_ROW_LABEL: "Klojen",
                COL_VALUE: 1,
            }
        ],
    )

    result = imports(filled_room, content, dinkes_staff)

    assert where(result) == [("Pembanding", 2, COL_INDICATOR), ("Data pendukung", 2, COL_INDICATOR)]
    assert not Indicator.objects.filter(name="Prevalensi stunting").exists()


@pytest.mark.django_db
def test_the_same_indicator_twice_is_refused(data_room, dinkes_staff):
    content = make_upload([indicator_row(), indicator_row(**{COL_BASELINE_VALUE: 30})])

    result = imports(data_room, content, dinkes_staff)

    assert where(result) == [("Indikator", 3, COL_INDICATOR)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content",
    [b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff", b"PK\x03\x04 not really a zip", b""],
)
def test_a_file_that_is_not_xlsx_gives_one_clear_error(data_room, dinkes_staff, content):
    with translation.override("en"):
        result = imports(data_room, content, dinkes_staff)

    assert len(result.errors) == 1
    assert result.errors[0].row is None
    assert "Excel" in result.errors[0].message
    assert not Program.objects.exists()


@pytest.mark.django_db
def test_a_workbook_without_the_expected_sheets_or_columns_is_refused(data_room, dinkes_staff):
    wb = Workbook()
    wb.active.title = "Indikator"
    wb.active.append(["Program", "Indikator"])
    buffer = io.BytesIO()
    wb.save(buffer)

    result = imports(data_room, buffer.getvalue(), dinkes_staff)

    missing_sheets = {e.sheet for e in result.errors if e.row is None}
    assert missing_sheets == {"Pembanding", "Data pendukung"}
    assert (("Indikator", 1, COL_UNIT)) in where(result)


@pytest.mark.django_db
def test_a_submitted_data_room_refuses_the_import(filled_room, dinkes_staff):
    filled_room.status = DataRoom.Status.SUBMITTED
    filled_room.save()
    before = database_state(filled_room)

    result = imports(filled_room, make_upload([indicator_row()]), dinkes_staff)

    assert len(result.errors) == 1
    assert database_state(filled_room) == before
    assert not AuditEntry.objects.filter(action="opd.dataroom.import").exists()


@pytest.mark.django_db
def test_a_returned_data_room_accepts_the_import(filled_room, dinkes_staff):
    filled_room.status = DataRoom.Status.RETURNED
    filled_room.save()

    assert imports(filled_room, make_upload([indicator_row()]), dinkes_staff).ok


@pytest.mark.django_db
def test_a_room_submitted_after_it_was_loaded_refuses_the_import(data_room, dinkes_staff):
    DataRoom.objects.filter(pk=data_room.pk).update(status=DataRoom.Status.SUBMITTED)

    result = imports(data_room, make_upload([indicator_row()]), dinkes_staff)  # stale object

    assert len(result.errors) == 1
    assert not Program.objects.exists()


# --- Indonesian numbers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234,5", "1234.5"),
        ("12,5", "12.5"),
        ("1234", "1234"),
        ("1.234", "1234"),
        ("1.234.567,891", "1234567.891"),
        ("0,05", "0.05"),
        ("-3,5", "-3.5"),
        ("\u22123", "-3"),
        ("  42 ", "42"),
    ],
)
def test_parse_indonesian_decimal_reads_indonesian_notation(text, expected):
    assert parse_indonesian_decimal(text) == Decimal(expected)


@pytest.mark.parametrize(
    "text", ["banyak", "", "12.5", "1,2,3", "1.23,4", "12,", ",5", "1e5", "NaN", "1 234", "Rp 5"]
)
def test_parse_indonesian_decimal_refuses_anything_else(text):
    with pytest.raises(ValueError):
        parse_indonesian_decimal(text)


def _indonesian(value: Decimal) -> str:
    """Write a decimal the Indonesian way: dots between thousands, a decimal comma."""
    sign = "-" if value < 0 else ""
    whole, _, fraction = format(abs(value), "f").partition(".")
    groups = []
    while len(whole) > 3:
        whole, groups = whole[:-3], [whole[-3:], *groups]
    text = sign + ".".join([whole, *groups])
    return f"{text},{fraction}" if fraction else text


@given(
    st.decimals(
        min_value=Decimal("-1e15"),
        max_value=Decimal("1e15"),
        places=4,
        allow_nan=False,
        allow_infinity=False,
    )
)
def test_parse_indonesian_decimal_reads_back_what_was_written_the_indonesian_way(value):
    assert parse_indonesian_decimal(_indonesian(value)) == value

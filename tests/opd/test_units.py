"""The satuan decides what a value may be and how it reads: one list (opd.units) used by
the forms, the Excel import, the pages and the live session's offers."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from auctions.targets import value_problem
from opd import units
from opd.models import Indicator, Program, SupportingRow, SupportingTable, outside_unit_range
from tests.opd.conftest import make_indicator
from tests.opd.test_data_room import _prefixed, indicator_post

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"


# --- The list ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit", "kind"),
    [
        ("%", units.Kind.SHARE),
        (" Persen ", units.Kind.SHARE),
        ("% pertumbuhan", units.Kind.PERCENTAGE),
        ("%  Rasio", units.Kind.PERCENTAGE),
        ("orang", units.Kind.COUNT),
        ("Kelurahan", units.Kind.COUNT),
        ("sekolah", units.Kind.COUNT),
        ("unit usaha", units.Kind.COUNT),
        ("Rp juta", units.Kind.MONEY),
        ("rp", units.Kind.MONEY),
        ("per 100.000 kelahiran hidup", units.Kind.OTHER),
        ("hari kerja", units.Kind.OTHER),  # a duration may be 3,5 days
        ("% KH", units.Kind.OTHER),  # not on the list: any number
        ("", units.Kind.OTHER),
    ],
)
def test_each_satuan_has_one_kind_matched_ignoring_case_and_spaces(unit, kind):
    assert units.kind_of(unit) == kind


def test_the_suggested_satuan_offer_each_kind():
    kinds = {units.kind_of(name) for name in units.SUGGESTIONS}
    assert kinds == set(units.Kind)
    assert "%" in units.SUGGESTIONS and "% pertumbuhan" in units.SUGGESTIONS


@pytest.mark.parametrize(
    ("value", "unit"),
    [
        ("130", "%"),
        ("-1", "%"),
        ("8.67", "kelurahan"),
        ("0.5", "orang"),
    ],
)
def test_a_value_its_satuan_does_not_allow_is_a_problem_everywhere(value, unit):
    assert units.value_problem(Decimal(value), unit)
    assert outside_unit_range(Decimal(value), unit)  # the models' API
    assert value_problem(Decimal(value), unit=unit)  # the live session's offers


@pytest.mark.parametrize(
    ("value", "unit"),
    [
        ("100", "%"),
        ("0", "%"),
        ("105.5", "% rasio"),  # APK above 100
        ("-3.5", "% pertumbuhan"),  # a fall
        ("9", "kelurahan"),
        ("9.0000", "kelurahan"),
        ("3.5", "hari kerja"),
        ("130", "% KH"),
        ("1842.5", "Rp miliar"),
    ],
)
def test_a_value_its_satuan_allows_is_no_problem(value, unit):
    assert units.value_problem(Decimal(value), unit) is None
    assert value_problem(Decimal(value), unit=unit) is None


def test_the_live_session_says_why_a_count_is_refused():
    with translation.override("en"):
        assert value_problem(Decimal("8.67"), unit="kelurahan") == (
            "a count (kelurahan) must be a whole number"
        )


@pytest.mark.parametrize(
    ("value_label", "indicator_unit", "checked_as"),
    [
        ("orang", "%", "orang"),  # the value column names a satuan
        ("%", "orang", "%"),
        ("Jumlah", "kelurahan", "kelurahan"),  # a breakdown of a count is a count
        ("Jumlah", "%", ""),  # the counts behind a share are free numbers
        ("Nasabah", "per 1.000 kelahiran hidup", ""),
    ],
)
def test_a_supporting_table_is_checked_in_the_satuan_of_its_value_column(
    value_label, indicator_unit, checked_as
):
    assert units.supporting_unit(value_label, indicator_unit) == checked_as


# --- The forms --------------------------------------------------------------------------


def _create_indicator(client, program, **changes):
    return client.post(
        reverse("opd:indicator_create", args=[program.pk]),
        _prefixed(f"ind-new-{program.pk}", indicator_post(program.data_room, **changes)),
        headers={"HX-Request": "true"},
    )


def test_a_count_with_decimals_is_refused_next_to_its_field(client, dinkes_staff, dinkes_room):
    program = Program.objects.create(data_room=dinkes_room, name="Sampah")
    client.force_login(dinkes_staff)

    body = _create_indicator(
        client, program, unit="kelurahan", baseline_value="8,67", target_value="12"
    ).content.decode()

    assert "kelurahan" in body and 'value="8,67"' in body
    assert not Indicator.objects.exists()


@pytest.mark.parametrize(
    ("unit", "baseline", "target"), [("% rasio", "105,5", "110"), ("% pertumbuhan", "-3,5", "6")]
)
def test_a_percentage_that_is_not_a_share_may_pass_100_or_go_below_0(
    client, dinkes_staff, dinkes_room, unit, baseline, target
):
    program = Program.objects.create(data_room=dinkes_room, name="PAUD")
    client.force_login(dinkes_staff)

    _create_indicator(
        client, program, unit=unit, polarity="higher", baseline_value=baseline, target_value=target
    )

    assert Indicator.objects.get().unit == unit


def test_a_supporting_row_follows_its_tables_satuan(client, dinkes_staff, complete_indicator):
    table = SupportingTable.objects.create(
        indicator=complete_indicator, title="Ibu hamil", value_label="orang"
    )
    client.force_login(dinkes_staff)
    url = reverse("opd:row_create", args=[table.pk])
    prefix = f"row-new-{table.pk}"

    client.post(url, _prefixed(prefix, {"label": "Sukun", "value": "2,5", "note": ""}))
    assert not SupportingRow.objects.filter(table=table).exists()

    client.post(url, _prefixed(prefix, {"label": "Sukun", "value": "2.140", "note": ""}))
    assert SupportingRow.objects.get(table=table).value == Decimal("2140")


def test_an_ambiguous_number_in_a_form_is_refused_never_read_as_125(
    client, dinkes_staff, dinkes_room
):
    program = Program.objects.create(data_room=dinkes_room, name="Gizi")
    client.force_login(dinkes_staff)

    body = _create_indicator(client, program, baseline_value="0.125").content.decode()

    assert "0,125" in body  # how to write it
    assert not Indicator.objects.exists()


def test_a_definition_has_a_maximum_length(client, dinkes_staff, dinkes_room):
    program = Program.objects.create(data_room=dinkes_room, name="Gizi")
    client.force_login(dinkes_staff)

    body = _create_indicator(client, program, definition="x" * 2001).content.decode()

    assert 'maxlength="2000"' in body
    assert not Indicator.objects.exists()


def test_a_program_description_has_a_maximum_length(client, dinkes_staff, dinkes_room, dinkes):
    client.force_login(dinkes_staff)
    data = {"name": "Gizi", "kind": "program", "description": "x" * 4001, "budget": ""}

    client.post(reverse("opd:program_create", args=[dinkes.code]), _prefixed("program-new", data))

    assert not Program.objects.exists()


def test_invisible_characters_are_dropped_from_an_indicator_name(client, dinkes_staff, dinkes_room):
    program = Program.objects.create(data_room=dinkes_room, name="Gizi")
    client.force_login(dinkes_staff)

    _create_indicator(client, program, name="Prevalensi\u200b stun\u202eting")

    assert Indicator.objects.get().name == "Prevalensi stunting"


# --- The pages ----------------------------------------------------------------------------


def test_a_budget_reads_in_millions_of_rupiah(client, dinkes_staff, dinkes_room, dinkes):
    client.force_login(dinkes_staff)
    data = {"name": "Pasar", "kind": "program", "description": "", "budget": "11.240.000.000"}
    client.post(reverse("opd:program_create", args=[dinkes.code]), _prefixed("program-new", data))
    assert Program.objects.get().budget == Decimal("11240000000")

    body = client.get(reverse("opd:data_room", args=[dinkes.code])).content.decode()

    assert f"Rp{NBSP}11.240{NBSP}" in body


def test_a_count_is_shown_without_decimals(client, dinkes_staff, dinkes_room, dinkes):
    make_indicator(dinkes_room, unit="kelurahan", baseline_value=Decimal("8.67"))
    client.force_login(dinkes_staff)

    body = client.get(reverse("opd:data_room", args=[dinkes.code])).content.decode()

    assert f"9{NBSP}kelurahan" in body
    assert "8,67" not in body


@pytest.fixture
def language_restored():
    """A request activates its language for the thread; put the test's own back after."""
    with translation.override(translation.get_language()):
        yield


def test_an_english_page_shows_and_reads_english_separators(
    client, dinkes_staff, dinkes_room, dinkes, language_restored
):
    indicator = make_indicator(dinkes_room, unit="indeks", baseline_value=Decimal("1234.5"))
    client.force_login(dinkes_staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    body = client.get(reverse("opd:data_room", args=[dinkes.code])).content.decode()
    assert "1,234.5" in body and "1.234,5" not in body

    url = reverse("opd:indicator_edit", args=[indicator.pk])
    data = indicator_post(
        dinkes_room, unit="indeks", baseline_value="2,345.25", target_value="1,000"
    )
    client.post(url, _prefixed(f"ind-{indicator.pk}", data), headers={"HX-Request": "true"})
    indicator.refresh_from_db()
    assert indicator.baseline_value == Decimal("2345.25")

"""Numbers read the Indonesian way (1.234,5) in both languages: filters and format modules."""

from datetime import date
from decimal import Decimal

import pytest
from django import forms
from django.template import Context, Template
from django.utils import formats, translation
from hypothesis import given
from hypothesis import strategies as st

from lelang.templatetags.numbers import angka, satuan

NBSP = "\u00a0"


@pytest.fixture
def lelang_formats(settings):
    settings.FORMAT_MODULE_PATH = ["lelang.formats"]
    formats.reset_format_cache()  # Django caches format modules per language
    yield
    formats.reset_format_cache()


def render(source: str, **context) -> str:
    return Template("{% load numbers %}" + source).render(Context(context))


# --- angka -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("1234.5000"), "1.234,5"),
        (Decimal("12"), "12"),
        (Decimal("12.0000"), "12"),
        (0.1, "0,1"),
        (None, "—"),
        ("", "—"),
        (0, "0"),
        (Decimal("0.0000"), "0"),
        (1234567, "1.234.567"),
        (Decimal("1E+3"), "1.000"),
        (Decimal("-1234.5"), "-1.234,5"),
        (Decimal("0.12345"), "0,1235"),  # at most four places, half up
        (Decimal("-0.00001"), "0"),  # no "-0"
        ("1234.5", "1.234,5"),  # numeric text, as from a form
        (Decimal("99999999999999999999.9999"), "99.999.999.999.999.999.999,9999"),
    ],
)
def test_angka(value, expected):
    assert angka(value) == expected


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (Decimal("1234.5678"), 2, "1.234,57"),
        (Decimal("1234.5000"), 2, "1.234,5"),
        (Decimal("2.005"), 2, "2,01"),  # half up, not to even
        (Decimal("1234.5"), 0, "1.235"),
        (1.25, 1, "1,3"),
        (Decimal("7"), "2", "7"),  # a text argument works too
        (Decimal("7.123456"), "nonsense", "7,1235"),  # falls back to four places
    ],
)
def test_angka_with_places(value, places, expected):
    assert angka(value, places) == expected


def test_angka_shows_text_that_is_not_a_number_unchanged():
    assert angka("n/a") == "n/a"
    assert angka("  ") == "—"


def test_angka_in_a_template():
    assert render("{{ v|angka }}", v=Decimal("1234.5000")) == "1.234,5"
    assert render("{{ v|angka:2 }}", v=Decimal("1234.5678")) == "1.234,57"
    assert render("{{ v|angka }}", v=None) == "—"
    assert render("{{ missing|angka }}") == "—"
    assert render("{{ v|angka }}", v="<b>") == "&lt;b&gt;"


@pytest.mark.parametrize("language", ["id", "en"])
def test_angka_is_indonesian_in_every_language(language):
    with translation.override(language):
        assert render("{{ v|angka }} {{ v|angka:1 }}", v=Decimal("1234567.25")) == (
            "1.234.567,25 1.234.567,3"
        )


@given(st.decimals(places=4, min_value=-(10**16), max_value=10**16))
def test_angka_reads_back_as_the_same_number(value):
    shown = angka(value)
    assert Decimal(shown.replace(".", "").replace(",", ".")) == value
    assert not shown.endswith(",") and ("," not in shown or not shown.endswith("0"))


@given(st.decimals(places=4, min_value=-(10**16), max_value=10**16))
def test_angka_groups_thousands_in_threes(value):
    whole = angka(value).removeprefix("-").split(",")[0]
    groups = whole.split(".")
    assert 1 <= len(groups[0]) <= 3 and all(len(group) == 3 for group in groups[1:])


# --- satuan ----------------------------------------------------------------


def test_satuan_joins_value_and_unit_with_a_non_breaking_space():
    assert satuan(Decimal("12.5000"), "%") == f"12,5{NBSP}%"
    assert satuan(Decimal("1234"), "orang") == f"1.234{NBSP}orang"
    assert satuan(Decimal("1234"), " orang ") == f"1.234{NBSP}orang"


def test_satuan_without_a_value_or_unit():
    assert satuan(None, "%") == "—"
    assert satuan("", "orang") == "—"
    assert satuan(Decimal("12.5"), "") == "12,5"
    assert satuan(Decimal("12.5"), None) == "12,5"


def test_satuan_in_a_template_escapes_the_unit():
    html = render("{{ v|satuan:unit }}", v=Decimal("12.5"), unit="<i>kg</i>")
    assert html == f"12,5{NBSP}&lt;i&gt;kg&lt;/i&gt;"
    with translation.override("en"):
        assert render("{{ v|satuan:'%' }}", v=Decimal("1234.5")) == f"1.234,5{NBSP}%"


# --- format modules --------------------------------------------------------


@pytest.mark.parametrize("language", ["id", "en"])
def test_both_languages_use_indonesian_separators(lelang_formats, language):
    with translation.override(language):
        assert formats.get_format("DECIMAL_SEPARATOR") == ","
        assert formats.get_format("THOUSAND_SEPARATOR") == "."
        assert formats.get_format("NUMBER_GROUPING") == 3
        assert formats.number_format(Decimal("1234567.5"), 1) == "1.234.567,5"
        assert formats.localize(Decimal("1234.50")) == "1.234,50"


@pytest.mark.parametrize("language", ["id", "en"])
def test_both_languages_accept_indonesian_numbers_in_forms(lelang_formats, language):
    class AmountForm(forms.Form):
        amount = forms.DecimalField(localize=True, decimal_places=4)

    with translation.override(language):
        form = AmountForm({"amount": "1.234,5"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["amount"] == Decimal("1234.5")


def test_english_dates_are_day_first(lelang_formats):
    class DayForm(forms.Form):
        day = forms.DateField()

    with translation.override("en"):
        assert formats.date_format(date(2025, 4, 3)) == "3 April 2025"
        assert formats.date_format(date(2025, 4, 3), "SHORT_DATE_FORMAT") == "03/04/2025"
        assert formats.get_format("DATETIME_FORMAT") == "j F Y H:i"
        for typed in ("03/04/2025", "2025-04-03"):
            form = DayForm({"day": typed})
            assert form.is_valid(), form.errors
            assert form.cleaned_data["day"] == date(2025, 4, 3)


def test_indonesian_keeps_djangos_other_formats(lelang_formats):
    with translation.override("id"):
        assert formats.get_format("DATE_FORMAT") == "j N Y"
        assert formats.date_format(date(2025, 10, 25)) == "25 Okt. 2025"
        assert "%d/%m/%Y" in formats.get_format("DATE_INPUT_FORMATS")


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        (Decimal("2.6700"), "2,67"),
        (Decimal("10.0000"), "10"),
        (Decimal("1234.5000"), "1.234,5"),
        (Decimal("0.0001"), "0,0001"),
        (Decimal("-3.2500"), "-3,25"),
    ],
)
def test_a_stored_number_is_offered_for_editing_without_trailing_zeros(stored, shown):
    from opd.forms import number_field

    class AmountForm(forms.Form):
        amount = number_field("Jumlah")

    html = str(AmountForm(initial={"amount": stored})["amount"])
    assert f'value="{shown}"' in html
    assert AmountForm({"amount": shown}).is_valid()

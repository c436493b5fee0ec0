"""Numbers as people read and type them: 1.234,5 on Indonesian pages, 1,234.5 on English
ones; one strict parser (lelang.numbers) and the template filters built on it."""

from datetime import date
from decimal import Decimal

import pytest
from django import forms
from django.template import Context, Template
from django.utils import formats, translation
from hypothesis import given
from hypothesis import strategies as st

from lelang.numbers import NumberError, format_number, format_rupiah, parse_number
from lelang.templatetags.numbers import angka, rupiah, satuan

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


@pytest.mark.parametrize(
    ("language", "expected"),
    [("id", "1.234.567,25 1.234.567,3"), ("en", "1,234,567.25 1,234,567.3")],
)
def test_angka_uses_the_separators_of_the_pages_language(language, expected):
    with translation.override(language):
        assert render("{{ v|angka }} {{ v|angka:1 }}", v=Decimal("1234567.25")) == expected


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
        assert render("{{ v|satuan:'%' }}", v=Decimal("1234.5")) == f"1,234.5{NBSP}%"


# --- format modules --------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "decimal", "thousands", "shown"),
    [("id", ",", ".", "1.234.567,5"), ("en", ".", ",", "1,234,567.5")],
)
def test_each_language_has_its_own_separators(lelang_formats, language, decimal, thousands, shown):
    with translation.override(language):
        assert formats.get_format("DECIMAL_SEPARATOR") == decimal
        assert formats.get_format("THOUSAND_SEPARATOR") == thousands
        assert formats.get_format("NUMBER_GROUPING") == 3
        assert formats.number_format(Decimal("1234567.5"), 1) == shown


@pytest.mark.parametrize(("language", "typed"), [("id", "1.234,5"), ("en", "1,234.5")])
def test_a_number_field_accepts_the_convention_of_the_pages_language(
    lelang_formats, language, typed
):
    from opd.forms import number_field

    class AmountForm(forms.Form):
        amount = number_field("Jumlah")

    with translation.override(language):
        form = AmountForm({"amount": typed})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["amount"] == Decimal("1234.5")


@pytest.mark.parametrize("typed", ["0.125", "12.5", "1_000", "1e3", "١٢٣", "１２３"])
def test_a_number_field_refuses_what_could_be_misread_and_says_why(typed):
    from opd.forms import number_field

    class AmountForm(forms.Form):
        amount = number_field("Jumlah")

    form = AmountForm({"amount": typed})
    assert not form.is_valid()
    assert typed in form.errors["amount"][0]  # the message quotes what was typed


def test_a_number_field_says_how_a_decimal_is_written_on_an_indonesian_page():
    from opd.forms import number_field

    class AmountForm(forms.Form):
        amount = number_field("Jumlah")

    with translation.override("id"):
        assert "0,125" in AmountForm({"amount": "0.125"}).errors["amount"][0]
        assert "12,5" in AmountForm({"amount": "12.5"}).errors["amount"][0]


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


def test_a_stored_number_is_offered_for_editing_in_the_pages_language():
    from opd.forms import number_field

    class AmountForm(forms.Form):
        amount = number_field("Jumlah")

    with translation.override("en"):
        html = str(AmountForm(initial={"amount": Decimal("1234.5000")})["amount"])
        assert 'value="1,234.5"' in html
        assert AmountForm({"amount": "1,234.5"}).is_valid()


# --- parse_number ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234,5", "1234.5"),
        ("12,5", "12.5"),
        ("1234", "1234"),
        ("1.234", "1234"),  # a dot groups thousands on an Indonesian page
        ("1.234.567,891", "1234567.891"),
        ("0,125", "0.125"),
        ("-3,5", "-3.5"),
        ("+7", "7"),
        ("\u22123", "-3"),  # the minus sign a word processor types
        (" 42\u00a0", "42"),
        ("0", "0"),
        ("007", "7"),
    ],
)
def test_parse_number_reads_the_indonesian_convention(text, expected):
    with translation.override("id"):
        assert parse_number(text) == Decimal(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1,234.5", "1234.5"), ("12.5", "12.5"), ("1,234", "1234"), ("0.125", "0.125")],
)
def test_parse_number_reads_the_english_convention_on_english_pages(text, expected):
    with translation.override("en"):
        assert parse_number(text) == Decimal(expected)


def test_parse_number_can_be_told_the_convention_whatever_the_page():
    with translation.override("en"):
        assert parse_number("1.234,5", language="id") == Decimal("1234.5")


@pytest.mark.parametrize(
    ("language", "text", "hint"),
    [
        ("id", "0.125", "0,125"),  # never 125
        ("id", "0.000", "0,000"),
        ("en", "0,125", "0.125"),
    ],
)
def test_a_grouped_number_starting_with_zero_is_ambiguous_and_refused(language, text, hint):
    with translation.override(language), pytest.raises(NumberError) as refused:
        parse_number(text)
    assert text in refused.value.message and hint in refused.value.message


@pytest.mark.parametrize(
    ("language", "text", "hint"), [("id", "12.5", "12,5"), ("en", "12,5", "12.5")]
)
def test_decimals_written_the_other_way_are_refused_with_the_right_form(language, text, hint):
    with translation.override(language), pytest.raises(NumberError) as refused:
        parse_number(text)
    assert hint in refused.value.message


@pytest.mark.parametrize(
    "text",
    [
        "١٢٣",  # Arabic-Indic digits: Decimal() would read 123
        "۱۲۳",  # Extended Arabic-Indic
        "１２３",  # full-width
        "१२३",  # Devanagari
        "١٢,٥",  # Arabic-Indic digits with a decimal comma
    ],
)
def test_digits_other_than_0_to_9_are_refused(text):
    with pytest.raises(NumberError) as refused:
        parse_number(text)
    assert "0–9" in refused.value.message


def test_an_underscore_is_refused_with_the_separator_to_use():
    with translation.override("id"), pytest.raises(NumberError) as refused:
        parse_number("1_000")
    assert "_" in refused.value.message and "“.”" in refused.value.message


@pytest.mark.parametrize("text", ["1e3", "1E+30", "2,5e-3", "1 e 3"])
def test_exponent_notation_is_refused(text):
    with translation.override("id"), pytest.raises(NumberError) as refused:
        parse_number(text)
    assert "1.000" in refused.value.message  # the number written in full, as an example


@pytest.mark.parametrize(
    "text",
    [
        "",
        "  ",
        "banyak",
        "1,2,3",
        "1.23,4",
        "12,",
        ",5",
        "NaN",
        "Infinity",
        "1 234",
        "Rp 5",
        "85%",
        "--3",
        "1.2345.678",
    ],
)
def test_parse_number_refuses_anything_else_with_an_example(text):
    with translation.override("id"), pytest.raises(NumberError) as refused:
        parse_number(text)
    assert "1.234,5" in refused.value.message or "0–9" in refused.value.message


@given(st.decimals(places=4, min_value=-(10**16), max_value=10**16))
def test_what_is_shown_is_read_back_as_the_same_number_in_both_languages(value):
    for language in ("id", "en"):
        with translation.override(language):
            assert parse_number(format_number(value)) == value


# --- Rupiah and units ------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (Decimal("11240000000"), f"Rp{NBSP}11.240{NBSP}juta"),
        (Decimal("11240500000"), f"Rp{NBSP}11.240,5{NBSP}juta"),
        (Decimal("1250000"), f"Rp{NBSP}1,25{NBSP}juta"),
        (Decimal("1000000"), f"Rp{NBSP}1{NBSP}juta"),
        (Decimal("750000"), f"Rp{NBSP}750.000"),
        (None, "—"),
    ],
)
def test_a_rupiah_amount_reads_in_millions_from_one_million(amount, shown):
    with translation.override("id"):
        assert rupiah(amount).replace("million", "juta") == shown


def test_a_rupiah_amount_in_a_scaled_satuan_keeps_its_scale():
    with translation.override("id"):
        assert format_rupiah(Decimal("11240"), scale=1_000_000).startswith(f"Rp{NBSP}11.240{NBSP}")
        assert render("{{ v|rupiah:'Rp miliar' }}", v=Decimal("1842.5")).startswith(
            f"Rp{NBSP}1.842,5{NBSP}"
        )
    with translation.override("en"):
        assert rupiah(Decimal("11240000000")) == f"Rp{NBSP}11,240{NBSP}million"


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (Decimal("8.6700"), "kelurahan", f"9{NBSP}kelurahan"),  # a count has no decimals
        (Decimal("1234.0000"), "orang", f"1.234{NBSP}orang"),
        (Decimal("12.5000"), "%", f"12,5{NBSP}%"),
        (Decimal("-3.2"), "% pertumbuhan", f"-3,2{NBSP}% pertumbuhan"),
        (Decimal("53.6"), "per 100.000 kelahiran hidup", f"53,6{NBSP}per 100.000 kelahiran hidup"),
    ],
)
def test_satuan_shows_each_kind_of_unit_as_it_is_read(value, unit, shown):
    with translation.override("id"):
        assert satuan(value, unit) == shown


def test_satuan_shows_money_as_rupiah():
    with translation.override("en"):
        assert satuan(Decimal("11240"), "Rp juta") == f"Rp{NBSP}11,240{NBSP}million"
        assert satuan(Decimal("11240000000"), "Rp") == f"Rp{NBSP}11,240{NBSP}million"


def test_a_number_field_refuses_a_huge_number_with_a_message():
    from opd.forms import number_field

    class AmountForm(forms.Form):
        amount = number_field("Jumlah")

    form = AmountForm({"amount": "1.000.000.000.000.000.000.000.000.000"})
    assert not form.is_valid()
    assert "20" in form.errors["amount"][0]  # at most 20 digits

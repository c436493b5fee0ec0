"""Numbers as people type and read them: one parser and one formatter for the whole app.

Indonesian screens write ``1.234,5`` (a dot between thousands, a decimal comma);
English screens write ``1,234.5``. The separators come from the active language's
format module (``lelang/formats``), so Django's own ``localize`` agrees with
:func:`format_number` and :func:`parse_number`.

:func:`parse_number` is strict, because a misread figure in a performance contract
is worse than a refusal:

- the thousands separator only groups thousands, in threes, and a grouped number
  never starts with 0: in Indonesian ``1.234`` is one thousand two hundred and
  thirty-four, while ``0.125`` and ``12.5`` are refused with a hint (never read as
  125 or 125);
- only the digits 0–9: Python would happily read ``١٢٣`` or ``１２３`` as 123;
- no ``1_000`` and no exponent (``1e3``), which Python also accepts.

Web forms parse in the active language; the Excel workbook is a file format with an
Indonesian instruction sheet, so its text cells are always read the Indonesian way.
"""

import functools
import re
import unicodedata
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation

from django.utils import formats, numberformat
from django.utils.translation import get_language
from django.utils.translation import gettext as _

EMPTY = "—"
DEFAULT_PLACES = 4
NBSP = "\u00a0"
MINUS_SIGNS = {"\u2212": "-", "\u2013": "-"}  # what word processors type for "-"
# Spaces around a number (a copy from a PDF brings no-break spaces along).
_SPACES = " \t\r\n\u00a0\u202f\u2007"
_EXPONENT = re.compile(r"[0-9.,]\s*[eE]\s*[+-]?\s*[0-9]")


class NumberError(ValueError):
    """The text is not a number in the expected convention; ``message`` says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _language(language: str | None) -> str | None:
    return language or get_language()


def separators(language: str | None = None) -> tuple[str, str]:
    """(thousands separator, decimal separator) of ``language`` (default: the active one)."""
    lang = _language(language)
    return (
        str(formats.get_format("THOUSAND_SEPARATOR", lang)),
        str(formats.get_format("DECIMAL_SEPARATOR", lang)),
    )


@functools.cache
def _pattern(thousands: str, decimal: str) -> re.Pattern:
    t, d = re.escape(thousands), re.escape(decimal)
    whole = rf"[0-9]{{1,3}}(?:{t}[0-9]{{3}})+|[0-9]+"
    return re.compile(rf"(?P<sign>[+-])?(?P<whole>{whole})(?:{d}(?P<fraction>[0-9]+))?")


def parse_number(text: str, *, language: str | None = None) -> Decimal:
    """The number written in ``text`` in the convention of ``language``; see the module doc.

    Raises :class:`NumberError` with a message for the person who typed it.
    """
    if not isinstance(text, str):
        raise TypeError(f"expected text, got {type(text).__name__}")
    thousands, decimal = separators(language)
    example = format_number(Decimal("1234.5"), language=language)
    cleaned = text.strip(_SPACES)
    for sign, ascii_sign in MINUS_SIGNS.items():
        cleaned = cleaned.replace(sign, ascii_sign)
    if not cleaned:
        raise NumberError(_("Type a number, for example %(example)s.") % {"example": example})
    if any(
        (ch.isdigit() or unicodedata.category(ch) == "Nd") and not "0" <= ch <= "9"
        for ch in cleaned
    ):
        raise NumberError(
            _("“%(text)s” uses digits other than 0–9; type the number with the digits 0–9.")
            % {"text": text.strip()}
        )
    if "_" in cleaned:
        raise NumberError(
            _("Write “%(text)s” without “_”; separate thousands with “%(thousands)s”.")
            % {"text": text.strip(), "thousands": thousands}
        )
    if _EXPONENT.search(cleaned):
        raise NumberError(
            _(
                "“%(text)s” is written with an exponent; write the number in full, "
                "for example %(example)s."
            )
            % {"text": text.strip(), "example": format_number(Decimal(1000), language=language)}
        )
    match = _pattern(thousands, decimal).fullmatch(cleaned)
    if match is None:
        raise NumberError(_hint(cleaned, text.strip(), thousands, decimal, example))
    whole = match["whole"]
    if thousands in whole and whole.startswith("0"):
        # "0.125": a decimal written the other way round; reading it as 125 would be a lie.
        raise NumberError(
            _(
                "“%(text)s” is ambiguous: “%(thousands)s” separates thousands, so for a "
                "decimal number write %(decimal_text)s."
            )
            % {
                "text": text.strip(),
                "thousands": thousands,
                "decimal_text": cleaned.replace(thousands, decimal, 1),
            }
        )
    digits = whole.replace(thousands, "")
    if match["fraction"]:
        digits += "." + match["fraction"]
    return Decimal((match["sign"] or "") + digits)


def _hint(cleaned: str, typed: str, thousands: str, decimal: str, example: str) -> str:
    """Why ``cleaned`` is not a number: the other language's decimal mark, or in general."""
    other = re.fullmatch(rf"[+-]?[0-9]+{re.escape(thousands)}[0-9]+", cleaned)
    if other is not None:
        return _("Write decimals with “%(decimal)s”: %(suggestion)s, not %(text)s.") % {
            "decimal": decimal,
            "suggestion": cleaned.replace(thousands, decimal),
            "text": typed,
        }
    return _("“%(text)s” is not a number; write it like %(example)s.") % {
        "text": typed,
        "example": example,
    }


def to_decimal(value) -> Decimal | None:
    """A value that is already a number (Decimal, int, float or plain numeric text such as
    a database or a form gives) as a Decimal; None when it is empty or not a number."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    else:
        # repr() of a float is its shortest exact form: 0.1 -> "0.1", not 0.1000000000000000055…
        text = repr(value) if isinstance(value, float) else str(value).strip()
        if not text:
            return None
        try:
            number = Decimal(text)
        except (InvalidOperation, ValueError):
            return None
    return number if number.is_finite() else None


def round_to(number: Decimal, places: int) -> Decimal:
    """``number`` rounded half up to at most ``places`` decimals, without trailing zeros."""
    places = max(0, int(places))
    # Enough precision for the whole number, so quantize never raises on large values.
    context = Context(prec=max(28, number.adjusted() + places + 2), rounding=ROUND_HALF_UP)
    if number.as_tuple().exponent < -places:
        number = number.quantize(Decimal(1).scaleb(-places), context=context)
    number = number.normalize(context)  # 12.5000 -> 12.5, but also 1200 -> 1.2E+3
    if number.as_tuple().exponent > 0:
        number = number.quantize(Decimal(1), context=context)  # back to 1200
    return Decimal(0) if number.is_zero() else number  # no "-0"


def format_number(value, places: int = DEFAULT_PLACES, *, language: str | None = None) -> str:
    """``value`` as "1.234,5" (Indonesian) or "1,234.5" (English): at most ``places``
    decimals, rounded half up, no trailing zeros; "—" when empty."""
    number = to_decimal(value)
    if number is None:
        return EMPTY
    thousands, decimal = separators(language)
    return str(
        numberformat.format(
            round_to(number, places),
            decimal_sep=decimal,
            decimal_pos=None,
            grouping=3,
            thousand_sep=thousands,
            force_grouping=True,
        )
    )


# --- Rupiah ---------------------------------------------------------------------------

MILLION = Decimal(1_000_000)
MONEY_PLACES = 2


def scale_word(scale: int) -> str:
    """The word after an amount in this many rupiah: "juta" for 1.000.000."""
    words = {
        1_000: _("thousand"),
        1_000_000: _("million"),
        1_000_000_000: _("billion"),
        1_000_000_000_000: _("trillion"),
    }
    return words.get(int(scale), "")


def format_rupiah(value, *, scale: int = 1, language: str | None = None) -> str:
    """A Rupiah amount as the planning documents write it.

    ``value`` is counted in units of ``scale`` rupiah (1, or 1.000.000 for a satuan
    "Rp juta"). An amount in plain rupiah is shown in millions from Rp 1 juta up
    ("Rp 11.240 juta"), in full below; an amount in a scaled satuan keeps its scale
    ("Rp 1.842,5 miliar"). At most two decimals.
    """
    number = to_decimal(value)
    if number is None:
        return EMPTY
    if scale == 1 and abs(number) >= MILLION:
        number, scale = number / MILLION, 1_000_000
    shown = format_number(number, MONEY_PLACES, language=language)
    word = scale_word(scale) if scale != 1 else ""
    return f"Rp{NBSP}{shown}{NBSP}{word}" if word else f"Rp{NBSP}{shown}"

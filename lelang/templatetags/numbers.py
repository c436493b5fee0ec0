"""Numbers the Indonesian way (1.234,5) in every language of the interface.

    {% load numbers %}
    {{ indicator.baseline_value|angka }}        1.234,5
    {{ indicator.baseline_value|angka:2 }}      1.234,57
    {{ indicator.baseline_value|satuan:indicator.unit }}   12,5 %

Indicator values are stored with four decimal places, so Django's own
``floatformat`` would show "12,5000"; ``angka`` rounds to at most ``places``
decimals (half up) and drops the trailing zeros. The separators are fixed here
rather than taken from the active language, so English pages agree with the
Indonesian documents.
"""

from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation

from django import template
from django.utils import numberformat

register = template.Library()

EMPTY = "—"
DEFAULT_PLACES = 4
NBSP = "\u00a0"


def to_decimal(value) -> Decimal | None:
    """The value as a Decimal, or None when it is empty or not a number."""
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


def format_angka(value, places: int = DEFAULT_PLACES) -> str:
    """``value`` as "1.234,5": at most ``places`` decimals, no trailing zeros; "—" if empty."""
    number = to_decimal(value)
    if number is None:
        return EMPTY
    places = max(0, int(places))
    # Enough precision for the whole number, so quantize never raises on large values.
    context = Context(prec=max(28, number.adjusted() + places + 2), rounding=ROUND_HALF_UP)
    if number.as_tuple().exponent < -places:
        number = number.quantize(Decimal(1).scaleb(-places), context=context)
    number = number.normalize(context)  # 12.5000 -> 12.5, but also 1200 -> 1.2E+3
    if number.as_tuple().exponent > 0:
        number = number.quantize(Decimal(1), context=context)  # back to 1200
    if number.is_zero():
        number = Decimal(0)  # no "-0"
    return str(
        numberformat.format(
            number,
            decimal_sep=",",
            decimal_pos=None,
            grouping=3,
            thousand_sep=".",
            force_grouping=True,
        )
    )


@register.filter
def angka(value, places=DEFAULT_PLACES):
    """Format a number the Indonesian way; see the module docstring."""
    if isinstance(value, str) and value.strip() and to_decimal(value) is None:
        return value  # text that is not a number: show it as it is rather than hide it
    try:
        places = int(places)
    except (TypeError, ValueError):
        places = DEFAULT_PLACES
    return format_angka(value, places)


@register.filter
def satuan(value, unit=""):
    """The number with its unit, joined by a non-breaking space: "12,5 %", "1.234 orang"."""
    shown = angka(value)
    if shown == EMPTY:
        return EMPTY
    unit = str(unit or "").strip()
    return f"{shown}{NBSP}{unit}" if unit else str(shown)

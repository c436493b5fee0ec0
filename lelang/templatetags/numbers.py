"""Numbers in templates, in the separators of the active language.

    {% load numbers %}
    {{ indicator.baseline_value|angka }}                   1.234,5   (English: 1,234.5)
    {{ indicator.baseline_value|angka:2 }}                 1.234,57
    {{ indicator.baseline_value|satuan:indicator.unit }}   12,5 %  ·  9 kelurahan  ·  Rp 11.240 juta
    {{ program.budget|rupiah }}                            Rp 11.240 juta

Indicator values are stored with four decimal places, so Django's own
``floatformat`` would show "12,5000"; ``angka`` rounds to at most ``places``
decimals (half up) and drops the trailing zeros. ``satuan`` shows a value as its
satuan wants it (``opd.units``): counts without decimals, Rupiah through ``rupiah``.
The formatting itself lives in ``lelang.numbers``.
"""

from django import template

from lelang.numbers import DEFAULT_PLACES, EMPTY, NBSP, format_number, format_rupiah, to_decimal
from opd.units import format_in_unit, unit_of  # the list of satuan belongs to the data room

register = template.Library()

__all__ = ["EMPTY", "NBSP", "angka", "format_angka", "rupiah", "satuan", "to_decimal"]

#: The name other modules import; the same function as ``lelang.numbers.format_number``.
format_angka = format_number


@register.filter
def angka(value, places=DEFAULT_PLACES):
    """Format a number in the active language's separators; see the module docstring."""
    if isinstance(value, str) and value.strip() and to_decimal(value) is None:
        return value  # text that is not a number: show it as it is rather than hide it
    try:
        places = int(places)
    except (TypeError, ValueError):
        places = DEFAULT_PLACES
    return format_number(value, places)


@register.filter
def satuan(value, unit=""):
    """The number with its unit, joined by a non-breaking space: "12,5 %", "1.234 orang"."""
    if isinstance(value, str) and value.strip() and to_decimal(value) is None:
        return value
    return format_in_unit(value, unit)


@register.filter
def rupiah(value, unit=""):
    """A Rupiah amount: ``{{ budget|rupiah }}`` (in rupiah) gives "Rp 11.240 juta";
    ``{{ value|rupiah:"Rp miliar" }}`` keeps the satuan's scale: "Rp 1.842,5 miliar"."""
    return format_rupiah(value, scale=unit_of(unit).scale if unit else 1)

"""The satuan (measurement unit) of an indicator and what it allows: the one list.

Every check and display of a value in its satuan goes through here: the data-room
forms, the Excel import, the ``satuan`` template filter and the live session's offers
(``auctions.targets.value_problem``). Each known satuan has a kind:

``share``
    ``%``, ``persen``: a part of a whole (coverage, prevalence), between 0 and 100.
``percentage``
    ``% pertumbuhan``, ``% perubahan``, ``% rasio``: a percentage that may be negative
    (growth) or above 100 (a gross ratio such as APK).
``count``
    things counted (``orang``, ``kelurahan``, ``sekolah``, ``unit`` …): whole numbers,
    shown without decimals.
``money``
    ``Rp``, ``Rp juta``, ``Rp miliar`` …: shown as "Rp 11.240 juta" (``scale`` is the
    number of rupiah in one unit of the satuan).
``other``
    rates, indices, lengths, days (``per 100.000 kelahiran hidup``, ``indeks``,
    ``hari kerja`` …), and any satuan not on the list: any number.

A satuan is matched ignoring case and repeated spaces. The rule for a supporting
table is in :func:`supporting_unit`.
"""

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.utils.translation import gettext as _

from lelang.numbers import EMPTY, NBSP, format_number, format_rupiah, to_decimal


class Kind(StrEnum):
    SHARE = "share"
    PERCENTAGE = "percentage"
    COUNT = "count"
    MONEY = "money"
    OTHER = "other"


@dataclass(frozen=True)
class Unit:
    name: str
    kind: Kind
    scale: int = 1  # money only: rupiah per unit of this satuan
    suggested: bool = True  # offered in the data room's list of satuan


def _units(kind: Kind, *names: str, suggested: bool = True) -> tuple[Unit, ...]:
    return tuple(Unit(name, kind, suggested=suggested) for name in names)


UNITS: tuple[Unit, ...] = (
    *_units(Kind.SHARE, "%"),
    *_units(Kind.SHARE, "persen", "persentase", suggested=False),
    *_units(Kind.PERCENTAGE, "% pertumbuhan", "% perubahan", "% rasio"),
    *_units(Kind.PERCENTAGE, "persen pertumbuhan", "persen perubahan", suggested=False),
    *_units(
        Kind.COUNT,
        "orang",
        "jiwa",
        "keluarga",
        "KK",
        "rumah tangga",
        "balita",
        "bayi",
        "ibu hamil",
        "siswa",
        "guru",
        "kasus",
        "kejadian",
        "kelurahan",
        "kecamatan",
        "RW",
        "RT",
        "kampung",
        "sekolah",
        "puskesmas",
        "posyandu",
        "rumah sakit",
        "pasar",
        "unit",
        "unit usaha",
        "UMKM",
        "IKM",
        "koperasi",
        "pelaku usaha",
        "rumah",
        "bangunan",
        "dokumen",
        "laporan",
        "izin",
        "sertifikat",
        "kegiatan",
        "paket",
        "inovasi",
        "produk",
        "titik",
        "lokasi",
        "kunjungan",
        "wisatawan",
        "objek",
        "kali",
        "buah",
    ),
    Unit("Rp", Kind.MONEY),
    Unit("Rp ribu", Kind.MONEY, 1_000, suggested=False),
    Unit("Rp juta", Kind.MONEY, 1_000_000),
    Unit("Rp miliar", Kind.MONEY, 1_000_000_000),
    Unit("Rp triliun", Kind.MONEY, 1_000_000_000_000, suggested=False),
    Unit("rupiah", Kind.MONEY, suggested=False),
    Unit("juta rupiah", Kind.MONEY, 1_000_000, suggested=False),
    Unit("miliar rupiah", Kind.MONEY, 1_000_000_000, suggested=False),
    *_units(
        Kind.OTHER,
        "per 100.000 kelahiran hidup",
        "per 1.000 kelahiran hidup",
        "per 1.000 penduduk",
        "indeks",
        "nilai",
        "skor",
        "rasio",
        "hari",
        "hari kerja",
        "tahun",
        "km",
        "hektare",
        "ton",
        "m³/detik",
        "siswa per rombel",
    ),
)


def unit_key(text: str | None) -> str:
    """How a satuan is matched: ignoring case and repeated spaces."""
    return " ".join(str(text or "").split()).casefold()


_BY_KEY: dict[str, Unit] = {unit_key(unit.name): unit for unit in UNITS}

SUGGESTIONS: list[str] = [unit.name for unit in UNITS if unit.suggested]


def unit_of(text: str | None) -> Unit:
    """The known satuan written ``text``, or an ``other`` one of that name."""
    return _BY_KEY.get(unit_key(text)) or Unit(" ".join(str(text or "").split()), Kind.OTHER)


def kind_of(text: str | None) -> Kind:
    return unit_of(text).kind


def is_share(text: str | None) -> bool:
    """The satuan bounds every value to 0–100 (``%``)."""
    return kind_of(text) == Kind.SHARE


def is_count(text: str | None) -> bool:
    return kind_of(text) == Kind.COUNT


def supporting_unit(value_label: str | None, indicator_unit: str | None) -> str:
    """The satuan a supporting table's values are checked in.

    The table's value column ("Kolom nilai") says what its rows hold when it names a
    known satuan ("%", "orang", "Rp juta"). Otherwise ("Jumlah", "Nasabah") the rows
    break down the indicator: they are counts when the indicator counts, and free
    numbers otherwise (a "%" indicator's table often lists the counts behind it).
    """
    if unit_key(value_label) in _BY_KEY:
        return _BY_KEY[unit_key(value_label)].name
    return unit_of(indicator_unit).name if is_count(indicator_unit) else ""


def value_problem(value, unit: str | None) -> str | None:
    """Why ``value`` cannot be a value in this satuan, as a phrase, or None.

    The phrase starts in lower case so it can follow a name ("Target 2020: …");
    :func:`value_sentence` makes a sentence of it.
    """
    number = to_decimal(value)
    if number is None:
        return None
    known = unit_of(unit)
    if known.kind == Kind.SHARE and not Decimal(0) <= number <= Decimal(100):
        return _("a percentage must be between 0 and 100")
    if known.kind == Kind.COUNT and number != number.to_integral_value():
        return _("a count (%(unit)s) must be a whole number") % {"unit": known.name}
    return None


def value_sentence(value, unit: str | None) -> str | None:
    """:func:`value_problem` as a sentence for a form field: "A percentage must be …"."""
    problem = value_problem(value, unit)
    return f"{problem[0].upper()}{problem[1:]}." if problem else None


def format_in_unit(value, unit: str | None) -> str:
    """``value`` shown as its satuan wants it: "12,5 %", "9 kelurahan", "Rp 11.240 juta"."""
    number = to_decimal(value)
    if number is None:
        return EMPTY
    known = unit_of(unit)
    if known.kind == Kind.MONEY:
        return format_rupiah(number, scale=known.scale)
    shown = format_number(number, 0 if known.kind == Kind.COUNT else 4)
    written = " ".join(str(unit or "").split())  # as the unit wrote it: "KK", "Kelurahan"
    return f"{shown}{NBSP}{written}" if written else shown

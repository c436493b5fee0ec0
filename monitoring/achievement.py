"""Achievement (capaian): one implementation for every screen, export and rule.

Pure functions: no database, no models. Values may be given as ``Decimal``, ``int``,
``float`` (converted through ``str``, so ``0.1`` is read as ``Decimal("0.1")``) or a
plain ``str`` such as ``"53.6"``. Reading Indonesian text (``53,6`` or ``1.234``) is
the caller's job (:func:`lelang.numbers.parse_number`); here a string must be a plain
ASCII decimal, so ``"53,6"``, ``"1e3"``, ``"NaN"`` or ``True`` count as nonsense.
A missing or nonsense value gives ``None`` ("cannot be computed"), never an exception;
a programming error (an unknown polarity or method, a quarter outside 1–4) and badly
planned shares raise ``ValueError``.

Achievement, as a percentage (DESIGN.md §5, PermenPAN-RB 6/2022 form)
----------------------------------------------------------------------
Rounded to 2 places, half up. Never capped above: doing better than the target
gives more than 100. Never below 0.

- **higher** is better: ``R / T × 100``.
  T = 80, R = 72 → 90.00; T = 80, R = 100 → 125.00; T = 5, R = −2 → 0 (floored).
- **lower** is better: ``(2T − R) / T × 100``, floored at 0.
  Maternal mortality T = 40, R = 53.6 → 66.00; R = 30 → 125.00;
  T = 100, R = 120 → 80.00; T = 100, R = 250 → 0.00.
- **range**: the target is a ``(low, high)`` pair. Inside ``[low, high]`` → 100.
  Below ``low``: the higher-is-better rule against ``low`` (``R / low × 100``);
  above ``high``: the lower-is-better rule against ``high`` (``(2·high − R) / high ×
  100``, floored at 0). Inflation target (2, 4): R = 3 → 100.00; R = 1.5 → 75.00;
  R = 5 → 75.00; R = 9 → 0.00. A pair with ``low > high`` is nonsense → ``None``.

Target of 0:
- lower is better: 100 when R = 0 (zero maternal deaths promised and kept),
  otherwise 0 (the issue's rule; ``(2T − R) / T`` has no meaning at T = 0).
- higher is better: 100 when R ≥ 0 (nothing was promised, and nothing was lost),
  0 when R < 0 (the indicator went backwards from a promise to hold it). The ratio
  ``R / 0`` has no meaning, and a 0 target is in practice "hold the line".

Negative targets (or range bounds) give ``None``: the formulas compare magnitudes on
a scale that starts at 0, and ``R / T`` with T < 0 would reward going the wrong way.
An indicator that can be negative (a growth rate) should be given a target ≥ 0 or
its achievement judged by hand.

Bands (Permendagri 86/2017)
---------------------------
``very_high`` ≥ 91, ``high`` ≥ 76, ``medium`` ≥ 66, ``low`` ≥ 51, ``very_low`` below:
90.99 → high, 91 → very_high, 50.99 → very_low. :data:`BANDS` holds the label and
colours; each band's ``colour`` is a background with ``text`` in front of it at a
WCAG AA contrast ratio of at least 4.5 : 1 (checked by the tests). The light fills
(high, medium, low) are below 3 : 1 against a white page, so a chart draws them with
a ``text``-coloured outline or a visible label, never by colour alone.

Yearly aggregation of quarterly realisations
--------------------------------------------
Quarters are keyed 1–4; a missing key or ``None`` is a quarter not reported (yet).
When no quarter is reported the result is ``None``; a nonsense value anywhere makes
the whole year ``None`` (a year is never computed from part of the figures silently).

- **cumulative**: the sum of the reported quarters (people trained: 10, 15, —, 20 → 45).
- **last**: the value of the latest reported quarter (a rate: 61, 64, —, — → 64).
- **average**: the mean of the reported quarters (80, 90, —, — → 85.0000).
- **ratio**: each quarter is a ``(numerator, denominator)`` pair; the year is
  ``Σ numerator / Σ denominator × per``, never the mean of the quarters' ratios.
  Maternal deaths per 100,000 live births: (1, 2 000), (2, 3 000) → 3 / 5 000 ×
  100 000 = 60.0000, while the mean of the quarters' ratios would be 58.33.
  ``None`` or ``(None, None)`` is a quarter not reported; a pair with one side missing,
  a negative side, or a denominator sum of 0 gives ``None``.

Average and ratio results are rounded to 4 places, half up (:data:`VALUE_PLACES`);
sums and last values are exact.

Quarterly targets from the yearly one
-------------------------------------
Cumulative indicators: the yearly target times the planned share reached by the end
of each quarter, by default 25 / 50 / 75 / 100 % (yearly 80 → 20, 40, 60, 80). A unit
may plan its own shares (e.g. 10 / 30 / 60 / 100): four values, non-decreasing,
ending at 100. Other methods: the yearly target in every quarter.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from itertools import pairwise
from typing import Literal, TypeAlias

from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

Number: TypeAlias = Decimal | int | float | str
Polarity = Literal["higher", "lower", "range"]
Method = Literal["cumulative", "last", "average", "ratio"]

HIGHER = "higher"
LOWER = "lower"
RANGE = "range"
POLARITIES = (HIGHER, LOWER, RANGE)

CUMULATIVE = "cumulative"
LAST = "last"
AVERAGE = "average"
RATIO = "ratio"
METHODS = (CUMULATIVE, LAST, AVERAGE, RATIO)

QUARTERS = (1, 2, 3, 4)
DEFAULT_SHARES = (Decimal(25), Decimal(50), Decimal(75), Decimal(100))

PERCENT_PLACES = Decimal("0.01")
VALUE_PLACES = Decimal("0.0001")

_HUNDRED = Decimal(100)
_ZERO = Decimal(0)
_PLAIN_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


def to_decimal(value: object) -> Decimal | None:
    """``value`` as a finite ``Decimal``, or ``None`` when missing or not a plain number."""
    if type(value) is Decimal:  # the common case: a database column
        return value if value.is_finite() else None
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float):
        value = str(value)
    if isinstance(value, str):
        text = value.strip()
        if not _PLAIN_DECIMAL.fullmatch(text):
            return None
        value = text
    if not isinstance(value, Decimal | int | str):
        return None
    try:
        number = Decimal(value)
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _quantize(value: Decimal, places: Decimal) -> Decimal | None:
    try:
        return value.quantize(places, rounding=ROUND_HALF_UP)
    except InvalidOperation:  # more digits than any indicator has
        return None


def _higher(target: Decimal, realization: Decimal) -> Decimal:
    if target == 0:
        return _HUNDRED if realization >= 0 else _ZERO
    return max(realization / target * _HUNDRED, _ZERO)


def _lower(target: Decimal, realization: Decimal) -> Decimal:
    if target == 0:
        return _HUNDRED if realization == 0 else _ZERO
    return max((2 * target - realization) / target * _HUNDRED, _ZERO)


def _range_target(target: object) -> tuple[Decimal, Decimal] | None:
    if not isinstance(target, Sequence) or isinstance(target, str) or len(target) != 2:
        return None
    low, high = to_decimal(target[0]), to_decimal(target[1])
    if low is None or high is None or low > high:
        return None
    return low, high


def achievement(target: object, realization: object, polarity: str) -> Decimal | None:
    """Achievement of ``realization`` against ``target`` in percent, 2 places, or ``None``.

    ``polarity`` is the indicator's stored value: ``"higher"``, ``"lower"`` or
    ``"range"`` (then ``target`` is a ``(low, high)`` pair). Rules and worked examples
    in the module docstring; e.g. ``achievement(40, "53.6", "lower") == Decimal("66.00")``.

    Range rule: inside ``[low, high]`` → 100; below ``low`` → ``R / low × 100``;
    above ``high`` → ``(2·high − R) / high × 100``, never below 0. Worked example,
    target (2, 4): R = 1.5 → 1.5 / 2 × 100 = 75.00; R = 5 → (8 − 5) / 4 × 100 = 75.00.
    """
    if polarity not in POLARITIES:
        raise ValueError(f"Unknown polarity {polarity!r}; expected one of {POLARITIES}.")
    r = to_decimal(realization)
    if r is None:
        return None
    with localcontext() as ctx:
        ctx.prec = 34
        if polarity == RANGE:
            bounds = _range_target(target)
            if bounds is None or bounds[0] < 0:
                return None
            low, high = bounds
            if r < low:
                value = _higher(low, r)
            elif r > high:
                value = _lower(high, r)
            else:
                value = _HUNDRED
        else:
            t = to_decimal(target)
            if t is None or t < 0:
                return None
            value = _higher(t, r) if polarity == HIGHER else _lower(t, r)
        return _quantize(value, PERCENT_PLACES)


# --- Bands (Permendagri 86/2017) ----------------------------------------------


@dataclass(frozen=True)
class Band:
    """One achievement band: code, inclusive lower bound, label and colours."""

    code: str
    lower: Decimal | None  # None: everything below the next band up
    label: str | Promise
    colour: str  # background, hex
    text: str  # text colour in front of ``colour``, contrast ≥ 4.5 : 1


BANDS: tuple[Band, ...] = (
    Band("very_high", Decimal(91), pgettext_lazy("achievement band", "Very high"),
         "#1a7f37", "#ffffff"),
    Band("high", Decimal(76), pgettext_lazy("achievement band", "High"), "#8fd19e", "#1b1f24"),
    Band("medium", Decimal(66), pgettext_lazy("achievement band", "Medium"),
         "#ffd33d", "#1b1f24"),
    Band("low", Decimal(51), pgettext_lazy("achievement band", "Low"), "#f0883e", "#1b1f24"),
    Band("very_low", None, pgettext_lazy("achievement band", "Very low"), "#b42318", "#ffffff"),
)  # fmt: skip
_BANDS_BY_CODE = {b.code: b for b in BANDS}


def band(percentage: object) -> str | None:
    """The band code of an achievement ``percentage``, or ``None`` for ``None``/nonsense.

    ``band(Decimal("90.99")) == "high"``, ``band(91) == "very_high"``,
    ``band(50.99) == "very_low"``.
    """
    value = to_decimal(percentage)
    if value is None:
        return None
    for b in BANDS:
        if b.lower is None or value >= b.lower:
            return b.code
    raise AssertionError("unreachable: the last band has no lower bound")


def band_info(code: str | None) -> Band | None:
    """The :class:`Band` for ``code`` (``None`` for ``None``); an unknown code is an error."""
    if code is None:
        return None
    try:
        return _BANDS_BY_CODE[code]
    except KeyError:
        known = list(_BANDS_BY_CODE)
        raise ValueError(f"Unknown band {code!r}; expected one of {known}.") from None


# --- Aggregation of quarterly realisations -------------------------------------


def _check_method(method: str) -> None:
    if method not in METHODS:
        raise ValueError(f"Unknown aggregation method {method!r}; expected one of {METHODS}.")


def _check_quarters(values_by_quarter: Mapping[int, object]) -> None:
    wrong = [q for q in values_by_quarter if q not in QUARTERS]
    if wrong:
        raise ValueError(f"Quarters are numbered 1 to 4, not {wrong!r}.")


def ratio_value(numerator: object, denominator: object, per: Number = 1) -> Decimal | None:
    """``numerator / denominator × per``, 4 places; ``None`` when missing, negative or ÷ 0.

    ``ratio_value(3, 5000, 100000) == Decimal("60.0000")``.
    """
    n, d, p = to_decimal(numerator), to_decimal(denominator), to_decimal(per)
    if n is None or d is None or p is None or n < 0 or d <= 0 or p <= 0:
        return None
    with localcontext() as ctx:
        ctx.prec = 34
        return _quantize(n / d * p, VALUE_PLACES)


_NOT_REPORTED = object()
_NONSENSE = object()


def _ratio_pair(value: object) -> object:
    if value is None:
        return _NOT_REPORTED
    if not isinstance(value, Sequence) or isinstance(value, str) or len(value) != 2:
        return _NONSENSE
    if value[0] is None and value[1] is None:
        return _NOT_REPORTED
    n, d = to_decimal(value[0]), to_decimal(value[1])
    if n is None or d is None or n < 0 or d < 0:
        return _NONSENSE
    return n, d


def aggregate_year(
    values_by_quarter: Mapping[int, object], method: str, *, per: Number = 1
) -> Decimal | None:
    """The year's realisation from ``{quarter: value}`` by ``method``; ``None`` if none.

    ``method``: ``"cumulative"`` (sum), ``"last"`` (latest reported quarter),
    ``"average"`` (mean of reported quarters, 4 places) or ``"ratio"`` (values are
    ``(numerator, denominator)`` pairs; ``Σ num / Σ den × per``, 4 places). A quarter
    absent or ``None`` is not reported; any nonsense value makes the result ``None``.
    """
    _check_method(method)
    _check_quarters(values_by_quarter)
    ordered = [values_by_quarter[q] for q in QUARTERS if q in values_by_quarter]
    if method == RATIO:
        pairs = [_ratio_pair(v) for v in ordered]
        if any(p is _NONSENSE for p in pairs):
            return None
        reported = [p for p in pairs if p is not _NOT_REPORTED]
        if not reported:
            return None
        return ratio_value(sum(n for n, _ in reported), sum(d for _, d in reported), per)

    present = [v for v in ordered if v is not None]
    numbers = [to_decimal(v) for v in present]
    if not numbers or any(n is None for n in numbers):
        return None
    with localcontext() as ctx:
        ctx.prec = 34
        if method == CUMULATIVE:
            return sum(numbers, _ZERO)
        if method == LAST:
            return numbers[-1]
        return _quantize(sum(numbers, _ZERO) / len(numbers), VALUE_PLACES)


# --- Quarterly targets ---------------------------------------------------------


def _validated_shares(shares: Sequence[Number] | Mapping[int, Number]) -> list[Decimal]:
    if isinstance(shares, Mapping):
        if sorted(shares) != list(QUARTERS):
            raise ValueError("Planned shares need exactly one value for each quarter 1 to 4.")
        raw: list[object] = [shares[q] for q in QUARTERS]
    else:
        raw = list(shares)
    if len(raw) != 4:
        raise ValueError(f"Planned shares need exactly 4 values (one per quarter), got {len(raw)}.")
    values = [to_decimal(v) for v in raw]
    if any(v is None for v in values):
        raise ValueError(f"Planned shares must be numbers (percent), got {raw!r}.")
    checked = [v for v in values if v is not None]
    if checked[0] < 0:
        raise ValueError(f"Planned shares cannot be negative, got {raw!r}.")
    if any(b < a for a, b in pairwise(checked)):
        raise ValueError(
            f"Planned shares are cumulative to date and must not decrease, got {raw!r}."
        )
    if checked[-1] != _HUNDRED:
        raise ValueError(f"Planned shares must end at 100 % in the fourth quarter, got {raw!r}.")
    return checked


def quarterly_targets(
    yearly_target: object,
    method: str,
    shares: Sequence[Number] | Mapping[int, Number] | None = None,
) -> dict[int, Decimal | tuple[Decimal, Decimal] | None]:
    """Targets for quarters 1–4 derived from ``yearly_target``.

    Cumulative: the yearly target × each quarter's planned share to date (default
    25/50/75/100 %; ``shares`` non-decreasing, ending at 100, else ``ValueError``).
    Other methods: the yearly target every quarter (``shares`` is then an error).
    A range target ``(low, high)`` is treated bound by bound. A missing or nonsense
    yearly target gives ``None`` for every quarter.
    ``quarterly_targets(80, "cumulative") == {1: 20, 2: 40, 3: 60, 4: 80}``.
    """
    _check_method(method)
    if shares is not None and method != CUMULATIVE:
        raise ValueError(
            f"Planned shares apply only to cumulative indicators, not to {method!r} ones."
        )
    planned = DEFAULT_SHARES if shares is None else _validated_shares(shares)

    if isinstance(yearly_target, Sequence) and not isinstance(yearly_target, str):
        pair = _range_target(yearly_target)
        if pair is None:
            return dict.fromkeys(QUARTERS)
        own = None if shares is None else planned
        low_targets = quarterly_targets(pair[0], method, own)
        high_targets = quarterly_targets(pair[1], method, own)
        return {q: (low_targets[q], high_targets[q]) for q in QUARTERS}  # type: ignore[misc]

    target = to_decimal(yearly_target)
    if target is None:
        return dict.fromkeys(QUARTERS)
    if method != CUMULATIVE:
        return dict.fromkeys(QUARTERS, target)
    with localcontext() as ctx:
        ctx.prec = 34
        result: dict[int, Decimal | tuple[Decimal, Decimal] | None] = {
            q: target * share / _HUNDRED for q, share in zip(QUARTERS, planned, strict=True)
        }
    result[4] = target  # 100 % is the yearly target itself, exactly
    return result

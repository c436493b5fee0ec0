"""Pure rules about offered targets: years, pre-filled trajectories, ambition warnings.

The ambition check looks at every year of an offer before it is sent, and again in
``services.offer_issue``. A warning never blocks an offer by itself: the panel may send
anyway, explicitly. See :func:`offer_warnings` for the rules.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from lelang.templatetags.numbers import format_angka
from opd import units
from opd.models import is_percentage_unit

MAX_PLACES = 2
# A step between two years is implausible (a slip of the finger, "1,5" for "81,5") when
# it is larger than this many times the unit's own yearly step…
JUMP_STEPS = 3
# …and larger than this share of the indicator's own magnitude.
JUMP_SHARE = Decimal("0.5")


def offer_years(first_year: int, deadline_year: int) -> list[int]:
    return list(range(first_year, deadline_year + 1))


def round_places(value: Decimal, places: int) -> Decimal:
    """``value`` rounded half up to ``places`` decimals, without trailing zeros."""
    rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    # normalize() writes 100 as 1E+2; quantizing to a whole number brings the digits back.
    normal = rounded.normalize()
    return normal.quantize(Decimal(1)) if normal.as_tuple().exponent > 0 else normal


def linear_trajectory(
    *,
    baseline_year: int,
    baseline: Decimal,
    target_year: int,
    target: Decimal,
    years: list[int],
    places: int = MAX_PLACES,
) -> dict[int, Decimal]:
    """Evenly spaced steps from the baseline to the proposed target, held after its year,
    rounded to ``places`` decimals."""
    span = max(target_year - baseline_year, 1)
    values = {}
    for year in years:
        share = Decimal(min(max(year - baseline_year, 0), span)) / Decimal(span)
        values[year] = round_places(baseline + (target - baseline) * share, places)
    return values


def value_problem(value: Decimal, *, unit: str) -> str | None:
    """Why ``value`` cannot be a target in this unit (a percentage above 100, a fraction
    of a count…), or None; the rules are ``opd.units``'s."""
    return units.value_problem(value, unit)


def decimal_places(value: Decimal | None) -> int:
    """How many decimals ``value`` really uses: 53.6000 → 1, 40.0000 → 0."""
    if value is None or not value.is_finite():
        return 0
    return max(0, -value.normalize().as_tuple().exponent)


@dataclass(frozen=True)
class Comparison:
    label: str
    value: Decimal
    is_standard: bool = False  # a norm (SPM, a law): reaching it is enough


@dataclass(frozen=True)
class IndicatorFacts:
    """What the ambition check needs to know about one indicator (no database)."""

    pk: int
    name: str
    unit: str
    polarity: str  # "higher", "lower" or "range"
    baseline_year: int
    baseline: Decimal
    target_year: int | None = None
    target: Decimal | None = None
    range_min: Decimal | None = None
    range_max: Decimal | None = None
    comparisons: tuple[Comparison, ...] = ()

    @classmethod
    def of(cls, indicator) -> "IndicatorFacts":
        """From an ``opd.Indicator`` (its comparators prefetched, preferably)."""
        return cls(
            pk=indicator.pk,
            name=indicator.name,
            unit=indicator.unit,
            polarity=indicator.polarity,
            baseline_year=indicator.baseline_year,
            baseline=indicator.baseline_value,
            target_year=indicator.target_year,
            target=indicator.target_value,
            range_min=indicator.range_min,
            range_max=indicator.range_max,
            comparisons=tuple(
                Comparison(c.label, c.value, is_standard=c.kind == "standard")
                for c in indicator.comparators.all()
            ),
        )

    @property
    def places(self) -> int:
        """The indicator's precision, read from the decimals its own figures use (there
        is no precision field): at most two."""
        figures = [self.baseline, self.target, *(c.value for c in self.comparisons)]
        return min(max(decimal_places(f) for f in figures), MAX_PLACES)

    def proposal(self, years: list[int]) -> dict[int, Decimal]:
        """The unit's own proposal year by year, at the indicator's precision."""
        if self.target is None or not self.target_year:
            return {}
        return linear_trajectory(
            baseline_year=self.baseline_year,
            baseline=self.baseline,
            target_year=self.target_year,
            target=self.target,
            years=years,
            places=self.places,
        )


@dataclass(frozen=True)
class AmbitionWarning:
    indicator_id: int
    year: int
    kind: str  # one of KINDS
    message: str


KINDS = ("range", "jump", "baseline", "backwards", "proposal", "comparator")


def _better(polarity: str, a: Decimal, b: Decimal) -> bool:
    return a > b if polarity == "higher" else a < b


def _at_best_level(facts: IndicatorFacts, value: Decimal) -> bool:
    """Holding this level is no lack of ambition: 100 % where higher is better, zero
    where lower is better, or a standard (SPM) already met."""
    if facts.polarity == "higher" and is_percentage_unit(facts.unit) and value >= 100:
        return True
    if facts.polarity == "lower" and value <= 0:
        return True
    return any(
        c.is_standard and not _better(facts.polarity, c.value, value) for c in facts.comparisons
    )


def _best_comparison(facts: IndicatorFacts) -> Comparison | None:
    best = None
    for comparison in facts.comparisons:
        if best is None or _better(facts.polarity, comparison.value, best.value):
            best = comparison
    return best


def _far(facts: IndicatorFacts, value: Decimal, reference: Decimal, gap: int) -> bool:
    """Whether ``value`` lies implausibly far from ``reference``, ``gap`` years apart:
    further than a few of the unit's own yearly steps and than half the indicator's
    magnitude. Nothing is far when there is nothing to judge by (all zero)."""
    step = Decimal(0)
    if facts.target is not None and facts.target_year:
        span = max(facts.target_year - facts.baseline_year, 1)
        step = abs(facts.target - facts.baseline) / span
    scale = max(abs(facts.baseline), abs(facts.target or 0), abs(reference))
    if not step and not scale:
        return False
    return abs(value - reference) > max(JUMP_STEPS * step * gap, JUMP_SHARE * scale)


def offer_warnings(facts: IndicatorFacts, values: dict[int, Decimal]) -> list[AmbitionWarning]:
    """Warnings for one indicator's offered ``values`` ({year: value}; years left out
    are skipped, and the last year given is taken as the deadline).

    Every year is held to:
    - *range* indicators: the range (outside it is a warning; nothing else applies);
    - a *jump*: a value far both from the year before (or the baseline) and from where
      the unit's own proposal is that year, measured by the unit's yearly step and the
      indicator's magnitude — e.g. 1,5 typed where the baseline is 80,2. The next year
      is then compared with the last plausible value (one slip makes one warning);
    - the *baseline*: worse by the polarity, or equal unless already at the best level
      (100 %, zero, a standard met);
    - going *backwards* from the year before;
    - the unit's own *proposal* (the linear trajectory to its proposed target);
    - the best *comparator*, at the deadline: a comparator is a level others have
      reached, which the offer should reach by its end (in the years before it, the
      trajectory is on its way; losing ground is caught by the rules above).
    A year worse than the baseline is not also reported as going backwards or as worse
    than the proposal: one message says it.
    """
    years = sorted(values)
    if not years:
        return []
    warnings: list[AmbitionWarning] = []

    def warn(year: int, kind: str, message: str, **numbers) -> None:
        shown = {
            key: format_angka(number) if isinstance(number, Decimal) else number
            for key, number in numbers.items()
        }
        text = _("%(indicator)s %(year)s: ") % {"indicator": facts.name, "year": year}
        warnings.append(AmbitionWarning(facts.pk, year, kind, text + message % shown))

    polarity = facts.polarity
    proposal = facts.proposal(years)
    best = _best_comparison(facts)
    deadline = years[-1]
    previous_year, previous = facts.baseline_year, facts.baseline
    for year in years:
        value = values[year]
        expected = proposal.get(year, facts.baseline)
        if _far(facts, value, previous, max(year - previous_year, 1)) and _far(
            facts, value, expected, 1 if year in proposal else year - facts.baseline_year
        ):
            warn(
                year,
                "jump",
                _(
                    "%(value)s is an implausible jump from %(previous)s (%(previous_year)s); "
                    "check the number."
                ),
                value=value,
                previous=previous,
                previous_year=previous_year,
            )
            continue  # the next year is compared with the last plausible value
        if polarity not in ("higher", "lower"):
            low, high = facts.range_min, facts.range_max
            if (low is not None and value < low) or (high is not None and value > high):
                warn(
                    year,
                    "range",
                    _("%(value)s is outside the range %(low)s–%(high)s."),
                    value=value,
                    low=low if low is not None else "…",
                    high=high if high is not None else "…",
                )
        else:
            worse_than_baseline = _better(polarity, facts.baseline, value)
            if worse_than_baseline:
                warn(
                    year,
                    "baseline",
                    _(
                        "%(value)s is less ambitious than the baseline "
                        "(%(baseline)s in %(baseline_year)s)."
                    ),
                    value=value,
                    baseline=facts.baseline,
                    baseline_year=facts.baseline_year,
                )
            elif value == facts.baseline and not _at_best_level(facts, value):
                warn(
                    year,
                    "baseline",
                    _(
                        "%(value)s is no better than the baseline "
                        "(%(baseline)s in %(baseline_year)s)."
                    ),
                    value=value,
                    baseline=facts.baseline,
                    baseline_year=facts.baseline_year,
                )
            if (
                not worse_than_baseline
                and previous_year != facts.baseline_year
                and _better(polarity, previous, value)
            ):
                warn(
                    year,
                    "backwards",
                    _("%(value)s goes backwards from %(previous)s in %(previous_year)s."),
                    value=value,
                    previous=previous,
                    previous_year=previous_year,
                )
            own = proposal.get(year)
            if own is not None and not worse_than_baseline and _better(polarity, own, value):
                warn(
                    year,
                    "proposal",
                    _("%(value)s is less ambitious than the unit's own proposal (%(own)s)."),
                    value=value,
                    own=own,
                )
            if year == deadline and best is not None and _better(polarity, best.value, value):
                warn(
                    year,
                    "comparator",
                    _("%(value)s is less ambitious than %(label)s (%(comparator)s)."),
                    value=value,
                    label=best.label,
                    comparator=best.value,
                )
        previous_year, previous = year, value
    return warnings


def grid_warnings(
    indicators: Iterable[IndicatorFacts], values: dict[tuple[int, int], Decimal]
) -> list[AmbitionWarning]:
    """Warnings for a whole offer: ``values`` maps (indicator id, year) to the target."""
    warnings = []
    for facts in indicators:
        mine = {year: value for (pk, year), value in values.items() if pk == facts.pk}
        warnings.extend(offer_warnings(facts, mine))
    return warnings

"""Pure rules about offered targets: years, pre-filled trajectories, ambition warnings."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from opd.models import outside_unit_range


def offer_years(first_year: int, deadline_year: int) -> list[int]:
    return list(range(first_year, deadline_year + 1))


def linear_trajectory(
    *, baseline_year: int, baseline: Decimal, target_year: int, target: Decimal, years: list[int]
) -> dict[int, Decimal]:
    """Evenly spaced steps from the baseline to the proposed target, held after its year."""
    span = max(target_year - baseline_year, 1)
    values = {}
    for year in years:
        share = Decimal(min(max(year - baseline_year, 0), span)) / Decimal(span)
        value = baseline + (target - baseline) * share
        values[year] = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize()
    return values


def value_problem(value: Decimal, *, unit: str) -> str | None:
    """Why ``value`` cannot be a target in this unit (a percentage above 100…), or None."""
    if outside_unit_range(value, unit):
        return _("a percentage must be between 0 and 100")
    return None


def ambition_warnings(
    *, polarity: str, baseline: Decimal, final: Decimal, comparators: list[tuple[str, Decimal]]
) -> list[str]:
    """Warnings (not errors) when the final offered value is less ambitious than the
    baseline or than a comparator, given the indicator's polarity."""
    if polarity not in ("higher", "lower"):
        return []
    worse = (lambda a, b: a < b) if polarity == "higher" else (lambda a, b: a > b)
    warnings = []
    if worse(final, baseline) or final == baseline:
        warnings.append(_("the final target is no better than the baseline"))
    for label, value in comparators:
        if worse(final, value):
            warnings.append(
                _("the final target is less ambitious than %(label)s") % {"label": label}
            )
    return warnings

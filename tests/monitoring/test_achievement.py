"""monitoring.achievement: worked examples, band edges and properties (DESIGN.md §5)."""

from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import assume, given
from hypothesis import strategies as st

from monitoring.achievement import (
    BANDS,
    DEFAULT_SHARES,
    achievement,
    aggregate_year,
    band,
    band_info,
    quarterly_targets,
    ratio_value,
    to_decimal,
)

D = Decimal

# --- achievement: worked examples --------------------------------------------


@pytest.mark.parametrize(
    ("target", "realization", "polarity", "expected"),
    [
        # the acceptance examples
        (80, 72, "higher", "90.00"),
        (100, 120, "lower", "80.00"),
        (100, 250, "lower", "0.00"),
        # the seeds: maternal mortality, lower is better
        (40, "53.6", "lower", "66.00"),
        (40, 30, "lower", "125.00"),
        (40, 40, "lower", "100.00"),
        (40, 0, "lower", "200.00"),
        (40, 80, "lower", "0.00"),
        # higher is better, not capped
        (80, 100, "higher", "125.00"),
        (80, 80, "higher", "100.00"),
        (3, 1, "higher", "33.33"),
        (3, 2, "higher", "66.67"),  # half up
        (8, D("0.0001"), "higher", "0.00"),
        (5, -2, "higher", "0.00"),  # floored at 0
        (D("0.5"), D("0.45"), "higher", "90.00"),
        ("80", " 72 ", "higher", "90.00"),
        (80.0, 72.0, "higher", "90.00"),
        # target 0
        (0, 0, "lower", "100.00"),
        (0, 1, "lower", "0.00"),
        (0, D("0.01"), "lower", "0.00"),
        (0, 0, "higher", "100.00"),
        (0, 5, "higher", "100.00"),
        (0, -1, "higher", "0.00"),
        # range: inflation (2, 4)
        ((2, 4), 3, "range", "100.00"),
        ((2, 4), 2, "range", "100.00"),
        ((2, 4), 4, "range", "100.00"),
        ((2, 4), "1.5", "range", "75.00"),
        ((2, 4), 5, "range", "75.00"),
        ((2, 4), 9, "range", "0.00"),
        ((2, 4), 0, "range", "0.00"),
        ([D("6.5"), D("8")], 9, "range", "87.50"),
        ((5, 5), 5, "range", "100.00"),
        ((0, 4), 0, "range", "100.00"),
        ((0, 4), -1, "range", "0.00"),
        ((0, 0), 1, "range", "0.00"),
    ],
)
def test_worked_examples(target, realization, polarity, expected):
    result = achievement(target, realization, polarity)
    assert result == D(expected)
    assert result.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("target", "realization", "polarity"),
    [
        (None, 5, "higher"),
        (80, None, "higher"),
        (80, "", "lower"),
        (80, "abc", "higher"),
        (80, "53,6", "lower"),  # Indonesian text is the caller's job
        (80, "1.234,5", "higher"),
        (80, "1e3", "higher"),
        (80, "1_000", "higher"),
        (80, "NaN", "higher"),
        (80, "Infinity", "higher"),
        (80, D("NaN"), "higher"),
        (80, float("inf"), "higher"),
        (80, "١٢٣", "higher"),
        (80, True, "higher"),
        (80, [72], "higher"),
        (-10, 5, "higher"),  # negative target
        (-10, 5, "lower"),
        ((4, 2), 3, "range"),  # low > high
        ((-1, 2), 1, "range"),
        ((None, 4), 3, "range"),
        ((2,), 3, "range"),
        ("2-4", 3, "range"),
        (5, 3, "range"),
    ],
)
def test_cannot_be_computed(target, realization, polarity):
    assert achievement(target, realization, polarity) is None


def test_unknown_polarity_is_a_programming_error():
    with pytest.raises(ValueError, match="polarity"):
        achievement(80, 72, "bigger")


def test_better_than_target_is_not_capped():
    assert achievement(80, 120, "higher") > 100
    assert achievement(40, 30, "lower") > 100


@pytest.mark.parametrize(
    ("value", "expected"),
    [(5, D(5)), ("5.50", D("5.50")), (0.1, D("0.1")), (" -3 ", D(-3)), (".5", D("0.5"))],
)
def test_to_decimal(value, expected):
    assert to_decimal(value) == expected


# --- bands ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("percentage", "expected"),
    [
        (None, None),
        ("nonsense", None),
        (D("250"), "very_high"),
        (D("91"), "very_high"),
        (D("91.00"), "very_high"),
        (D("90.99"), "high"),
        (D("76"), "high"),
        (D("75.99"), "medium"),
        (D("66"), "medium"),
        (D("65.99"), "low"),
        (D("51"), "low"),
        (D("50.99"), "very_low"),
        (D("50"), "very_low"),
        (D("0"), "very_low"),
        (91, "very_high"),
        ("90.99", "high"),
    ],
)
def test_band_edges(percentage, expected):
    assert band(percentage) == expected


def test_band_of_the_acceptance_example():
    assert band(achievement(80, 72, "higher")) == "high"


def test_bands_table():
    assert [b.code for b in BANDS] == ["very_high", "high", "medium", "low", "very_low"]
    assert [b.lower for b in BANDS] == [D(91), D(76), D(66), D(51), None]
    with translation.override("en"):
        assert [str(b.label) for b in BANDS] == ["Very high", "High", "Medium", "Low", "Very low"]


def test_band_info():
    assert band_info("medium").lower == D(66)
    assert band_info(None) is None
    with pytest.raises(ValueError, match="band"):
        band_info("excellent")


def _luminance(hex_colour):
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize("info", BANDS, ids=lambda b: b.code)
def test_band_colours_have_accessible_contrast(info):
    lighter, darker = sorted([_luminance(info.colour), _luminance(info.text)], reverse=True)
    assert (lighter + 0.05) / (darker + 0.05) >= 4.5  # WCAG AA, normal text


def test_the_bands_read_in_indonesian():
    with translation.override("id"):
        labels = [str(b.label) for b in BANDS]
    assert labels == ["Sangat tinggi", "Tinggi", "Sedang", "Rendah", "Sangat rendah"]


# --- aggregation -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "method", "expected"),
    [
        ({1: 10, 2: 15, 3: None, 4: 20}, "cumulative", "45"),
        ({1: 10, 2: 15}, "cumulative", "25"),
        ({1: "1.5", 2: D("2.25")}, "cumulative", "3.75"),
        ({1: 61, 2: 64, 3: None}, "last", "64"),
        ({4: 70, 1: 61}, "last", "70"),  # by quarter, not by dict order
        ({1: 80, 2: 90}, "average", "85.0000"),
        ({1: 1, 2: 1, 3: 2}, "average", "1.3333"),
        ({1: 1, 3: 2}, "average", "1.5000"),
        ({}, "cumulative", None),
        ({1: None, 2: None}, "last", None),
        ({1: None}, "average", None),
        ({1: 10, 2: "abc"}, "cumulative", None),  # nonsense: the year is not computed
    ],
)
def test_aggregate_year(values, method, expected):
    result = aggregate_year(values, method)
    assert result == (None if expected is None else D(expected))


def test_ratio_of_sums_not_mean_of_ratios():
    # maternal deaths per 100,000 live births
    values = {1: (1, 2000), 2: (2, 3000), 3: None, 4: (None, None)}
    assert aggregate_year(values, "ratio", per=100_000) == D("60.0000")
    mean_of_ratios = (ratio_value(1, 2000, 100_000) + ratio_value(2, 3000, 100_000)) / 2
    assert mean_of_ratios.quantize(D("0.01")) == D("58.33")  # not the year's value


@pytest.mark.parametrize(
    "values",
    [
        {},
        {1: None, 2: (None, None)},
        {1: (1, None)},  # half entered
        {1: (1, 0), 2: (0, 0)},  # no denominator
        {1: (-1, 100)},
        {1: (1, -100)},
        {1: 5},
        {1: ("x", 10)},
    ],
)
def test_ratio_cannot_be_computed(values):
    assert aggregate_year(values, "ratio", per=100_000) is None


def test_ratio_value():
    assert ratio_value(3, 5000, 100_000) == D("60.0000")
    assert ratio_value(1, 3) == D("0.3333")
    assert ratio_value(0, 12_345, 100_000) == D("0.0000")
    assert ratio_value(1, 0, 100) is None
    assert ratio_value(None, 10) is None
    assert ratio_value(1, 10, 0) is None


def test_aggregate_rejects_bad_method_and_quarters():
    with pytest.raises(ValueError, match="method"):
        aggregate_year({1: 1}, "median")
    with pytest.raises(ValueError, match="1 to 4"):
        aggregate_year({5: 1}, "cumulative")


# --- quarterly targets ---------------------------------------------------------------


def test_quarterly_targets_cumulative_default():
    assert quarterly_targets(80, "cumulative") == {1: 20, 2: 40, 3: 60, 4: 80}
    assert quarterly_targets("7", "cumulative") == {
        1: D("1.75"),
        2: D("3.5"),
        3: D("5.25"),
        4: D(7),
    }


def test_quarterly_targets_own_shares():
    assert quarterly_targets(200, "cumulative", shares=[10, 30, 60, 100]) == {
        1: 20,
        2: 60,
        3: 120,
        4: 200,
    }
    assert quarterly_targets(200, "cumulative", shares={1: 0, 2: 0, 3: 50, 4: 100}) == {
        1: 0,
        2: 0,
        3: 100,
        4: 200,
    }


@pytest.mark.parametrize("method", ["last", "average", "ratio"])
def test_quarterly_targets_other_methods(method):
    assert quarterly_targets(D("95.5"), method) == dict.fromkeys((1, 2, 3, 4), D("95.5"))


def test_quarterly_targets_range_and_missing():
    assert quarterly_targets((2, 4), "last") == dict.fromkeys((1, 2, 3, 4), (D(2), D(4)))
    assert quarterly_targets((400, 800), "cumulative")[1] == (D(100), D(200))
    assert quarterly_targets(None, "cumulative") == dict.fromkeys((1, 2, 3, 4))
    assert quarterly_targets("abc", "last") == dict.fromkeys((1, 2, 3, 4))


@pytest.mark.parametrize(
    ("shares", "message"),
    [
        ([25, 50, 75], "exactly 4"),
        ([25, 50, 75, 90], "end at 100"),
        ([50, 25, 75, 100], "must not decrease"),
        ([-5, 25, 75, 100], "negative"),
        ([25, "x", 75, 100], "numbers"),
        ({1: 25, 2: 50, 4: 100}, "each quarter"),
    ],
)
def test_quarterly_targets_bad_shares(shares, message):
    with pytest.raises(ValueError, match=message):
        quarterly_targets(100, "cumulative", shares=shares)


def test_shares_only_for_cumulative():
    with pytest.raises(ValueError, match="only to cumulative"):
        quarterly_targets(100, "last", shares=[25, 50, 75, 100])


# --- properties ------------------------------------------------------------------------

targets = st.decimals(min_value=D("0.01"), max_value=D("1000000"), places=2)
realizations = st.decimals(min_value=D("-1000"), max_value=D("10000000"), places=2)
percentages = st.decimals(min_value=D("-50"), max_value=D("500"), places=2)
quarter_values = st.decimals(min_value=D("0"), max_value=D("1000000"), places=3)
maybe_values = st.dictionaries(st.sampled_from([1, 2, 3, 4]), st.none() | quarter_values)
band_rank = {b.code: i for i, b in enumerate(reversed(BANDS))}


@given(targets, realizations, realizations)
def test_higher_grows_with_realization(t, r1, r2):
    low, high = sorted([r1, r2])
    assert achievement(t, low, "higher") <= achievement(t, high, "higher")


@given(targets, realizations, realizations)
def test_lower_falls_with_realization(t, r1, r2):
    low, high = sorted([r1, r2])
    assert achievement(t, low, "lower") >= achievement(t, high, "lower")


@given(targets, realizations, st.sampled_from(["higher", "lower"]))
def test_never_below_zero(t, r, polarity):
    assert achievement(t, r, polarity) >= 0


@given(targets, realizations)
def test_meeting_the_target_is_100(t, r):
    assert achievement(t, t, "higher") == 100
    assert achievement(t, t, "lower") == 100


@given(targets, targets, realizations)
def test_range_is_100_inside_and_at_most_100_outside(a, b, r):
    low, high = sorted([a, b])
    result = achievement((low, high), r, "range")
    if low <= r <= high:
        assert result == 100
    else:
        assert 0 <= result <= 100


@given(percentages, percentages)
def test_band_is_monotone(p1, p2):
    low, high = sorted([p1, p2])
    assert band_rank[band(low)] <= band_rank[band(high)]


@given(maybe_values)
def test_cumulative_is_the_sum(values):
    reported = [v for v in values.values() if v is not None]
    result = aggregate_year(values, "cumulative")
    assert result == (sum(reported) if reported else None)


@given(maybe_values)
def test_last_and_average_stay_within_the_reported_values(values):
    reported = [values[q] for q in sorted(values) if values[q] is not None]
    assume(reported)
    assert aggregate_year(values, "last") == reported[-1]
    assert min(reported) <= aggregate_year(values, "average") <= max(reported)


pairs = st.tuples(
    st.integers(min_value=0, max_value=10_000), st.integers(min_value=1, max_value=1_000_000)
)


@given(st.dictionaries(st.sampled_from([1, 2, 3, 4]), pairs, min_size=1))
def test_ratio_of_sums_matches_manual_computation(values):
    numerators = sum(n for n, _ in values.values())
    denominators = sum(d for _, d in values.values())
    expected = (D(numerators) * 100_000 / D(denominators)).quantize(D("0.0001"), "ROUND_HALF_UP")
    assert aggregate_year(values, "ratio", per=100_000) == expected
    assert aggregate_year(values, "ratio", per=100_000) == ratio_value(
        numerators, denominators, 100_000
    )


share_lists = (
    st.lists(st.integers(min_value=0, max_value=100), min_size=3, max_size=3)
    .map(sorted)
    .map(lambda s: [*s, 100])
)


@given(st.decimals(min_value=0, max_value=D("1000000000"), places=4), share_lists)
def test_cumulative_quarterly_targets_end_at_the_yearly_target(yearly, shares):
    result = quarterly_targets(yearly, "cumulative", shares=shares)
    assert result[4] == yearly
    assert [result[q] for q in (1, 2, 3, 4)] == sorted(result.values())
    assert quarterly_targets(yearly, "cumulative")[4] == yearly
    assert DEFAULT_SHARES[-1] == 100

"""The ambition check and the pre-filled trajectories: pure rules, no database."""

from decimal import Decimal

from django.utils.translation import override
from hypothesis import assume, given
from hypothesis import strategies as st

from auctions.targets import (
    Comparison,
    IndicatorFacts,
    grid_warnings,
    linear_trajectory,
    offer_warnings,
    round_places,
    value_problem,
)

YEARS = [2019, 2020, 2021, 2022, 2023]


def facts(**fields) -> IndicatorFacts:
    """Kecamatan Klojen's Indeks Kepuasan Masyarakat (higher is better, 80,2 → 88)."""
    values = {
        "pk": 7,
        "name": "Indeks Kepuasan Masyarakat",
        "unit": "indeks",
        "polarity": "higher",
        "baseline_year": 2017,
        "baseline": Decimal("80.2"),
        "target_year": 2023,
        "target": Decimal("88"),
        "comparisons": (Comparison("Kecamatan Klojen 2016", Decimal("78.5")),),
        **fields,
    }
    return IndicatorFacts(**values)


def aki(**fields) -> IndicatorFacts:
    """Angka Kematian Ibu: lower is better, 53,6 → 40, with two comparators."""
    values = {
        "name": "Angka Kematian Ibu",
        "unit": "per 100.000 kelahiran hidup",
        "polarity": "lower",
        "baseline": Decimal("53.6"),
        "target": Decimal("40"),
        "comparisons": (
            Comparison("Jawa Timur", Decimal("91.5")),
            Comparison("Kota Surabaya", Decimal("45")),
        ),
        **fields,
    }
    return facts(**values)


def offered(*values) -> dict[int, Decimal]:
    return {year: Decimal(str(value)) for year, value in zip(YEARS, values, strict=True)}


def kinds(warnings) -> set[tuple[int, str]]:
    return {(w.year, w.kind) for w in warnings}


# --- Trajectories and precision ---------------------------------------------------------


def test_trajectory_goes_from_baseline_to_the_proposed_target():
    values = linear_trajectory(
        baseline_year=2017,
        baseline=Decimal("53.6"),
        target_year=2023,
        target=Decimal("40"),
        years=YEARS,
    )
    assert values[2023] == Decimal("40")
    assert values[2019] < Decimal("53.6")


@given(
    st.decimals(min_value=0, max_value=1000, places=2),
    st.decimals(min_value=0, max_value=1000, places=2),
    st.integers(min_value=0, max_value=2),
)
def test_trajectory_is_monotonic_between_baseline_and_target(baseline, target, places):
    values = linear_trajectory(
        baseline_year=2018,
        baseline=baseline,
        target_year=2023,
        target=target,
        years=YEARS,
        places=places,
    )
    ordered = [values[y] for y in YEARS]
    assert ordered == sorted(ordered) or ordered == sorted(ordered, reverse=True)
    assert all(-v.as_tuple().exponent <= places for v in ordered)


def test_the_precision_comes_from_the_figures_the_unit_used():
    assert facts().places == 1  # 80,2 / 88 / 78,5
    assert facts(baseline=Decimal("7.0000"), target=Decimal("12"), comparisons=()).places == 0
    assert facts(baseline=Decimal("1.62"), target=Decimal("2")).places == 2
    assert facts(baseline=Decimal("3.14159")).places == 2  # never more than two


def test_a_count_of_kelurahan_is_pre_filled_in_whole_numbers():
    bank_sampah = facts(baseline=Decimal("7.0000"), target=Decimal("12.0000"), comparisons=())
    assert bank_sampah.proposal(YEARS) == {
        2019: Decimal("9"),  # 8,67 rounded, not 8,6667
        2020: Decimal("10"),  # 9,5 rounded half up
        2021: Decimal("10"),
        2022: Decimal("11"),
        2023: Decimal("12"),
    }


def test_rounding_drops_trailing_zeros_but_keeps_whole_hundreds():
    assert str(round_places(Decimal("100.0000"), 2)) == "100"
    assert str(round_places(Decimal("84.1500"), 1)) == "84.2"


def test_a_percentage_above_100_is_a_problem():
    assert value_problem(Decimal("130"), unit="%") is not None
    assert value_problem(Decimal("130"), unit="orang") is None


# --- The cases the panel meets ------------------------------------------------------------


def test_the_units_own_proposal_raises_no_warning():
    indicator = facts()
    assert offer_warnings(indicator, indicator.proposal(YEARS)) == []


def test_one_comma_five_typed_where_the_baseline_is_80_2_is_an_implausible_jump():
    typed = offered(1.5, 84.5, 85.5, 87, 88)
    assert kinds(offer_warnings(facts(), typed)) == {(2019, "jump")}  # 2020 is held to 80,2
    [warning] = offer_warnings(facts(), typed)
    assert warning.message == (
        "Indeks Kepuasan Masyarakat 2019: 1,5 melompat tidak wajar dari 80,2 (2017); "
        "periksa angkanya."
    )
    with override("en"):  # an English screen reads English numbers
        [warning] = offer_warnings(facts(), typed)
    assert "1.5 is an implausible jump from 80.2 (2017)" in warning.message


def test_a_jump_is_caught_whichever_way_is_better():
    # 1,5 where the baseline is 53,6 would be a marvellous fall in maternal deaths: a slip.
    assert (2021, "jump") in kinds(offer_warnings(aki(), offered(50, 47, 1.5, 42, 40)))
    # A number with its comma lost (815 for 81,5) too.
    assert (2020, "jump") in kinds(offer_warnings(facts(), offered(81, 815, 84, 86, 88)))


def test_one_outlier_makes_one_warning_not_a_cascade():
    # PATEN 2 → 1 hari kerja (lower is better): 2,5 in 2021, then back on the path.
    paten = facts(
        name="Rata-rata waktu penyelesaian layanan PATEN",
        unit="hari kerja",
        polarity="lower",
        baseline=Decimal("2"),
        target=Decimal("1"),
        comparisons=(Comparison("Kecamatan Blimbing", Decimal("3.5")),),  # one decimal
    )
    warnings = offer_warnings(paten, offered(1.7, 1.5, 2.5, 1.2, 1))
    assert kinds(warnings) == {(2021, "baseline")}


def test_a_year_going_backwards_is_a_warning():
    warnings = offer_warnings(facts(), offered(83, 85, 84, 87, 88))
    assert kinds(warnings) == {(2021, "backwards"), (2021, "proposal")}
    assert any("mundur dari 85 pada 2020" in w.message for w in warnings)


def test_every_year_is_held_to_the_baseline_by_polarity():
    warnings = offer_warnings(aki(), offered(54, 46, 44, 42, 40))
    assert kinds(warnings) == {(2019, "baseline")}
    [warning] = warnings
    assert warning.message == (
        "Angka Kematian Ibu 2019: 54 kurang ambisius dibanding titik nol (53,6 pada 2017)."
    )


def test_a_year_below_the_units_own_proposal_is_a_warning():
    # The unit proposed 80,2 → 88: 2021 on its own trajectory is 85,4.
    warnings = offer_warnings(facts(), offered(83, 84.5, 85, 86.8, 88))
    assert kinds(warnings) == {(2021, "proposal")}
    assert "usulan OPD sendiri (85,4)" in warnings[0].message


def test_the_final_year_is_held_to_the_best_comparator_by_polarity():
    warnings = offer_warnings(aki(), offered(49, 46, 44, 42, 38))
    assert warnings == []  # 38 beats Surabaya's 45 and Jawa Timur's 91,5
    warnings = offer_warnings(aki(target=Decimal("47")), offered(51, 50, 49, 48, 46))
    assert kinds(warnings) == {(2023, "comparator")}
    assert "Kota Surabaya (45)" in warnings[0].message  # the best, not Jawa Timur


def test_keeping_a_100_percent_standard_level_is_no_warning():
    full = facts(
        name="Kelurahan ODF",
        unit="%",
        baseline=Decimal("100"),
        target=Decimal("100"),
        comparisons=(Comparison("SPM", Decimal("100"), is_standard=True),),
    )
    assert offer_warnings(full, offered(100, 100, 100, 100, 100)) == []
    # Without a ceiling, holding the baseline is no progress at all.
    flat = facts(target=Decimal("80.2"))
    assert kinds(offer_warnings(flat, offered(80.2, 80.2, 80.2, 80.2, 80.2))) == {
        (year, "baseline") for year in YEARS
    }


def test_holding_a_level_that_meets_the_standard_is_no_warning():
    spm = facts(
        unit="%",
        baseline=Decimal("97"),
        target=Decimal("97"),
        comparisons=(Comparison("SPM", Decimal("95"), is_standard=True),),
    )
    assert offer_warnings(spm, offered(97, 97, 97, 97, 97)) == []
    assert kinds(offer_warnings(spm, offered(97, 96, 97, 97, 97))) == {(2020, "baseline")}


def test_a_range_indicator_warns_only_outside_its_range():
    bmi = facts(
        name="Rata-rata IMT",
        polarity="range",
        baseline=Decimal("23"),
        target=Decimal("22"),
        range_min=Decimal("18.5"),
        range_max=Decimal("25"),
        comparisons=(),
    )
    assert offer_warnings(bmi, offered(23, 22, 21, 20, 24.9)) == []
    warnings = offer_warnings(bmi, offered(23, 26, 24, 18, 22))
    assert kinds(warnings) == {(2020, "range"), (2022, "range")}
    assert "di luar rentang 18,5–25" in warnings[0].message


def test_the_comparator_is_met_by_the_offers_own_deadline():
    values = {(7, 2019): Decimal("51"), (7, 2020): Decimal("50")}  # deadline 2020
    warnings = grid_warnings([aki(target=Decimal("47"))], values)
    assert kinds(warnings) == {(2020, "comparator")}


# --- Properties -----------------------------------------------------------------------------

amounts = st.decimals(min_value=1, max_value=1000, places=1)
polarities = st.sampled_from(["higher", "lower"])


@given(amounts, amounts, polarities, st.lists(amounts, max_size=3))
def test_the_pre_filled_proposal_only_ever_meets_comparators_or_a_flat_start(
    baseline, target, polarity, comparators
):
    indicator = facts(
        polarity=polarity,
        baseline=baseline,
        target=target,
        comparisons=tuple(Comparison(f"P{i}", v) for i, v in enumerate(comparators)),
    )
    assume(target != baseline and ((target > baseline) == (polarity == "higher")))
    for warning in offer_warnings(indicator, indicator.proposal(YEARS)):
        # Rounded to one decimal, a tiny first step can land on the baseline itself.
        assert warning.kind in ("comparator", "baseline"), warning.message
        if warning.kind == "baseline":
            assert indicator.proposal(YEARS)[warning.year] == baseline


@given(amounts, polarities, st.lists(amounts, min_size=5, max_size=5))
def test_every_year_worse_than_the_baseline_is_named(baseline, polarity, values):
    indicator = facts(polarity=polarity, baseline=baseline, target=None, comparisons=())
    offer = offered(*values)
    warnings = offer_warnings(indicator, offer)
    jumps = {w.year for w in warnings if w.kind == "jump"}
    flagged = {w.year for w in warnings if w.kind == "baseline"}
    worse = {
        year
        for year, value in offer.items()
        if (value < baseline if polarity == "higher" else value > baseline) or value == baseline
    }
    assert flagged == worse - jumps
    for warning in warnings:
        assert warning.message.startswith(f"Indeks Kepuasan Masyarakat {warning.year}: ")


@given(amounts, amounts, polarities, st.decimals(min_value=0, max_value=50, places=1))
def test_a_more_ambitious_offer_never_gets_more_ambition_warnings(
    baseline, target, polarity, extra
):
    indicator = facts(polarity=polarity, baseline=baseline, target=target)
    plain = indicator.proposal(YEARS)
    sign = 1 if polarity == "higher" else -1
    bolder = {year: value + sign * extra for year, value in plain.items()}
    assume(all(v > 0 for v in bolder.values()))

    def ambition(warnings):
        return {
            (w.year, w.kind) for w in warnings if w.kind in ("baseline", "proposal", "comparator")
        }

    assert ambition(offer_warnings(indicator, bolder)) <= ambition(offer_warnings(indicator, plain))


@given(amounts, amounts, polarities, st.sampled_from(YEARS), amounts)
def test_one_slip_is_flagged_in_its_own_year_only(baseline, target, polarity, year, slip):
    indicator = facts(polarity=polarity, baseline=baseline, target=target)
    offer = {**indicator.proposal(YEARS), year: slip}
    jumps = {w.year for w in offer_warnings(indicator, offer) if w.kind == "jump"}
    assert jumps <= {year}

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from auctions.targets import ambition_warnings, linear_trajectory, value_problem


def test_trajectory_goes_from_baseline_to_the_proposed_target():
    values = linear_trajectory(
        baseline_year=2017,
        baseline=Decimal("53.6"),
        target_year=2023,
        target=Decimal("40"),
        years=[2019, 2020, 2021, 2022, 2023],
    )
    assert values[2023] == Decimal("40")
    assert values[2019] < Decimal("53.6")


@given(
    st.decimals(min_value=0, max_value=1000, places=2),
    st.decimals(min_value=0, max_value=1000, places=2),
)
def test_trajectory_is_monotonic_between_baseline_and_target(baseline, target):
    years = list(range(2019, 2024))
    values = linear_trajectory(
        baseline_year=2018, baseline=baseline, target_year=2023, target=target, years=years
    )
    ordered = [values[y] for y in years]
    assert ordered == sorted(ordered) or ordered == sorted(ordered, reverse=True)


def test_a_percentage_above_100_is_a_problem():
    assert value_problem(Decimal("130"), unit="%") is not None
    assert value_problem(Decimal("130"), unit="orang") is None


def test_warns_when_a_lower_is_better_target_is_worse_than_a_comparator():
    warnings = ambition_warnings(
        polarity="lower",
        baseline=Decimal("53.6"),
        final=Decimal("50"),
        comparators=[("Surabaya", Decimal("45"))],
    )
    assert any("Surabaya" in w for w in warnings)


def test_warns_when_the_target_is_no_better_than_the_baseline():
    assert ambition_warnings(
        polarity="higher", baseline=Decimal("92"), final=Decimal("90"), comparators=[]
    )
    assert not ambition_warnings(
        polarity="higher", baseline=Decimal("92"), final=Decimal("99"), comparators=[]
    )

"""Indicator math against values computed by hand from the articles."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from povlib import indicators as ind

rates = st.floats(min_value=0.1, max_value=99.9, allow_nan=False)
counts = st.floats(min_value=1, max_value=1e7, allow_nan=False)


def test_langson_falls():
    # Lạng Sơn: 12,20% -> 8,92% -> 6,02% (articles 002 and 003).
    assert ind.fall_pp(12.20, 8.92) == pytest.approx(3.28)
    assert ind.change_pp(8.92, 6.02) == pytest.approx(-2.90)
    assert ind.relative_change_pct(12.20, 8.92) == pytest.approx(-26.885, abs=1e-3)  # 3.28/12.2
    assert ind.average_annual_change_pp(12.20, 6.02, 2) == pytest.approx(-3.09)


def test_vectorised_over_series():
    earlier = pd.Series([12.20, 8.92])
    later = pd.Series([8.92, 6.02])
    assert ind.fall_pp(earlier, later).round(2).tolist() == [3.28, 2.90]


def test_cagr():
    # Hoàng Thu Phố income 24,1 -> 29,8 million dong/person/year, 2020 -> 2023.
    assert ind.cagr_pct(24.1, 29.8, 3) == pytest.approx(((29.8 / 24.1) ** (1 / 3) - 1) * 100)
    assert ind.cagr_pct(24.1, 29.8, 3) == pytest.approx(7.333, abs=1e-3)  # ln(1.2365)/3 = 0.0708


def test_implied_totals():
    # Lạng Sơn 2021: 23.511 poor households = 12,2%; 23.247 near-poor = 12,06%.
    assert ind.implied_total(23511, 12.2) == pytest.approx(192713.11, abs=0.01)
    assert ind.implied_total(23247, 12.06) == pytest.approx(192761.19, abs=0.01)
    # Bắc Kạn: 22,25% less 2,46 points means 24,71% in 2022.
    assert ind.earlier_level_from_fall(22.25, 2.46) == pytest.approx(24.71)
    assert ind.earlier_level_from_rise(8.71, 0.9) == pytest.approx(7.81)


def test_money():
    # 10 communes: 357,7 bn disbursed = 87,4% of plan; 304,8 bn balance up 9,8%.
    assert ind.implied_plan_bn(357.7, 87.4) == pytest.approx(409.2677, abs=1e-4)
    assert ind.disbursement_ratio_pct(357.7, 409.2677) == pytest.approx(87.4, abs=1e-4)
    assert ind.earlier_balance_bn(304.8, 9.8) == pytest.approx(277.5956, abs=1e-4)
    assert ind.credit_growth_pct(277.5956, 304.8) == pytest.approx(9.8, abs=1e-4)
    assert ind.per_unit(473, 157) == pytest.approx(3.0127, abs=1e-4)
    assert np.isnan(ind.per_unit(1.0, 0))


def test_targets():
    # 50,54% in 2023 to 17,26% in 2025.
    assert ind.gap_to_target_pp(50.54, 17.26) == pytest.approx(33.28)
    assert ind.required_pace_pp(50.54, 17.26, 2) == pytest.approx(16.64)
    assert ind.on_track(10, 16.64) == "off track"
    assert ind.on_track(2.46, 2.0) == "on track"
    assert ind.on_track(1.0, -1.0) == "target reached"
    assert ind.years_to_target(50.54, 17.26, 10) == pytest.approx(3.328)
    assert ind.years_to_target(10, 17.26, 1) == 0
    assert ind.years_to_target(50, 17, 0) == np.inf
    assert list(ind.on_track(np.array([1.0, 3.0]), np.array([2.0, 2.0]))) == ["off track", "on track"]


def test_bounds_from_qualifiers():
    lo, hi = ind.bounds(
        [18300, 50.54, 20, 30.5, 3600, 1306],
        ["more than", "exact", "under", "at least", "nearly", "exact"],
        [0, 2, 0, 1, 0, 0],
        [100, 0.01, 1, 0.1, 100, 1],
        [True, False, False, False, True, True],
    )
    assert lo.tolist() == [18300, pytest.approx(50.535), -np.inf, 30.5, 3500, 1306]
    assert hi.tolist() == [18400, pytest.approx(50.545), 20, np.inf, 3600, 1306]


def test_more_than_carries_into_derived_figures():
    # hơn 18.300 hộ at 22,25%: total households between 18300/0.22255 and 18400/0.22245.
    lo, hi = ind.propagate(ind.implied_total, (18300, 18400), (22.245, 22.255))
    assert lo == pytest.approx(18300 / 0.22255)
    assert hi == pytest.approx(18400 / 0.22245)


@given(rates, rates)
def test_change_reversed_is_negated(a, b):
    assert ind.change_pp(a, b) == pytest.approx(-ind.change_pp(b, a))
    assert ind.fall_pp(a, b) == pytest.approx(-ind.change_pp(a, b))


@given(counts, rates)
def test_implied_total_and_rate_round_trip(count, rate):
    total = ind.implied_total(count, rate)
    assert ind.share_pct(count, total) == pytest.approx(rate, rel=1e-9)
    assert ind.implied_count(total, rate) == pytest.approx(count, rel=1e-9)


@given(st.floats(min_value=1, max_value=1e6), st.floats(min_value=-50, max_value=200))
def test_growth_round_trip(later, growth):
    earlier = ind.earlier_balance_bn(later, growth)
    assert ind.credit_growth_pct(earlier, later) == pytest.approx(growth, rel=1e-9, abs=1e-9)


@given(st.floats(min_value=1, max_value=1e6), st.floats(min_value=0.1, max_value=100))
def test_plan_round_trip(disbursed, ratio):
    plan = ind.implied_plan_bn(disbursed, ratio)
    assert ind.disbursement_ratio_pct(disbursed, plan) == pytest.approx(ratio, rel=1e-9)


@given(rates, rates, st.integers(min_value=1, max_value=20))
def test_required_pace_reaches_target(current, target, years):
    pace = ind.required_pace_pp(current, target, years)
    assert current - pace * years == pytest.approx(target, abs=1e-9)


def test_pace_from_counts_ten_communes():
    # 3.124 poor at 50,54% -> 6.181,2 households; 1.306 fewer over 3 years -> 4.430 poor before,
    # 71,67% of households; (71,67 - 50,54) / 3 = 7,04 points a year.
    assert ind.pace_from_counts_pp(3124, 50.54, 1306, 3) == pytest.approx(7.0428, abs=1e-4)
    # (3.124 / 4.430)^(1/3) = 0,8901: a relative fall of 10,99% a year.
    assert ind.relative_pace_from_counts_pct(3124, 1306, 3) == pytest.approx(10.9906, abs=1e-4)

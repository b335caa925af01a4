"""Indicator math for poverty statistics, vectorised over scalars, arrays and Series.

Units are part of every name and docstring: ``_pp`` is percentage points,
``_pct`` per cent, rates are per cent of households (0-100), money is in
billion dong, ``years`` is a count of years.  No function loops over rows.

A figure printed as "more than" or "about" is not a point.  :func:`bounds`
turns a value, its qualifier and its printed precision into an interval, and
:func:`propagate` carries intervals through any of these functions (all are
monotonic in each argument over the positive values they are used on, so the
extremes lie at the corners).
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd


def _where(cond, a, b):
    out = np.where(cond, a, b)
    return out if out.shape else out.item()


# --- changes -----------------------------------------------------------------


def change_pp(earlier_pct, later_pct):
    """Change of a rate in percentage points: ``later - earlier`` (negative is a fall)."""
    return later_pct - earlier_pct


def fall_pp(earlier_pct, later_pct):
    """Fall of a rate in percentage points: ``earlier - later`` (positive is a fall)."""
    return earlier_pct - later_pct


def relative_change_pct(earlier, later):
    """Relative change in per cent of the earlier value: ``(later / earlier - 1) * 100``."""
    return (later / earlier - 1) * 100


def average_annual_change_pp(earlier_pct, later_pct, years):
    """Average change of a rate per year, in percentage points per year."""
    return (later_pct - earlier_pct) / years


def cagr_pct(earlier, later, years):
    """Compound annual growth rate in per cent per year: ``((later/earlier)^(1/years) - 1) * 100``."""
    return ((later / earlier) ** (1 / years) - 1) * 100


def earlier_level_from_fall(later_pct, fall_pp_):
    """Earlier rate implied by a later rate and a reported fall in points: ``later + fall``."""
    return later_pct + fall_pp_


def earlier_level_from_rise(later_pct, rise_pp):
    """Earlier rate implied by a later rate and a reported rise in points: ``later - rise``."""
    return later_pct - rise_pp


# --- counts, rates, totals ---------------------------------------------------


def share_pct(part, whole):
    """Part as a percentage of whole (0-100 when part <= whole)."""
    return part / whole * 100


def implied_total(count, rate_pct):
    """Total households implied by a count of poor households and the poverty rate in per cent."""
    return count / (rate_pct / 100)


def implied_count(total, rate_pct):
    """Households implied by a total and a rate in per cent: ``total * rate / 100``."""
    return total * rate_pct / 100


def pace_from_counts_pp(count_end, rate_end_pct, fall_count, years):
    """Average fall of the rate per year, in points, implied by the final count of poor
    households, the final rate and the fall in the count over ``years``, holding the
    number of households constant (``total = count_end / rate_end``)."""
    total = implied_total(count_end, rate_end_pct)
    return fall_pp(share_pct(count_end + fall_count, total), rate_end_pct) / years


def relative_pace_from_counts_pct(count_end, fall_count, years):
    """Average relative fall per year, in per cent, of the count of poor households."""
    return -cagr_pct(count_end + fall_count, count_end, years)


# --- money -------------------------------------------------------------------


def disbursement_ratio_pct(disbursed_bn, plan_bn):
    """Disbursed capital as a percentage of the assigned plan (both billion dong)."""
    return disbursed_bn / plan_bn * 100


def implied_plan_bn(disbursed_bn, ratio_pct):
    """Assigned plan in billion dong implied by the amount disbursed and the ratio in per cent."""
    return disbursed_bn / (ratio_pct / 100)


def credit_growth_pct(earlier_bn, later_bn):
    """Growth of an outstanding balance in per cent of the earlier balance."""
    return relative_change_pct(earlier_bn, later_bn)


def earlier_balance_bn(later_bn, growth_pct):
    """Earlier balance in billion dong implied by the later balance and its growth in per cent."""
    return later_bn / (1 + growth_pct / 100)


def per_unit(amount, units):
    """Amount per unit (for example billion dong per project); NaN where ``units`` is 0."""
    units = np.asarray(units, dtype=float)
    return _where(units != 0, np.asarray(amount, dtype=float) / np.where(units != 0, units, 1), np.nan)


# --- targets -----------------------------------------------------------------


def gap_to_target_pp(current_pct, target_pct):
    """Points still to fall to reach a target rate: ``current - target`` (<= 0: reached)."""
    return current_pct - target_pct


def required_pace_pp(current_pct, target_pct, years):
    """Fall per year, in points, needed to go from ``current`` to ``target`` in ``years``."""
    return (current_pct - target_pct) / years


def on_track(achieved_pace_pp, required_pace_pp_):
    """``"on track"`` where the achieved fall per year is at least the required one,
    ``"off track"`` where it is not, ``"target reached"`` where nothing is required."""
    achieved = np.asarray(achieved_pace_pp, dtype=float)
    required = np.asarray(required_pace_pp_, dtype=float)
    out = np.where(required <= 0, "target reached", np.where(achieved >= required, "on track", "off track"))
    out = np.where(np.isnan(achieved) | np.isnan(required), "not checkable", out)
    return out if out.shape else str(out)


def years_to_target(current_pct, target_pct, pace_pp_per_year):
    """Years needed to reach the target at a constant fall per year (points/year).

    0 where the target is already reached; ``inf`` where the pace is not a fall.
    """
    gap = np.asarray(current_pct, dtype=float) - np.asarray(target_pct, dtype=float)
    pace = np.asarray(pace_pp_per_year, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        years = np.where(gap <= 0, 0.0, np.where(pace > 0, gap / pace, np.inf))
    return years if years.shape else float(years)


# --- uncertainty of printed figures -------------------------------------------


def bounds(value, qualifier, decimals, step, whole_count=False):
    """Interval (low, high) that a printed figure vouches for.

    ``exact``: half a unit of the last printed decimal either way, except a
    whole count (``whole_count`` True: households, projects), which is exact.
    ``more than`` (hơn, trên): up to one rounding step above, the journalist
    having rounded down (``hơn 18.300`` is 18,300 to 18,400).  ``nearly`` (gần):
    one step below.  ``about`` (khoảng): one step either way.  ``under`` (dưới):
    unbounded below.  ``at least`` (tối thiểu): unbounded above.  Range ends
    are exact ends.  ``step`` is the figure's rounding step (see
    :class:`povlib.numbers.Figure`).
    """
    v = np.asarray(value, dtype=float)
    q = np.asarray(qualifier, dtype=object)
    half = 0.5 * 10.0 ** -np.asarray(decimals, dtype=float)
    half = np.where(np.asarray(whole_count, dtype=bool) & (np.asarray(decimals) == 0), 0.0, half)
    s = np.asarray(step, dtype=float)
    low = np.select(
        [q == "exact", q == "more than", q == "nearly", q == "about", q == "under", q == "at least"],
        [v - half, v, v - s, v - s, -np.inf, v],
        default=v,
    )
    high = np.select(
        [q == "exact", q == "more than", q == "nearly", q == "about", q == "under", q == "at least"],
        [v + half, v + s, v, v + s, v, np.inf],
        default=v,
    )
    return low, high


def propagate(func, *intervals):
    """Evaluate ``func`` at every corner of the argument intervals; return (low, high).

    Each interval is a pair ``(low, high)`` of scalars or arrays.  Exact for
    functions monotonic in each argument over the box, which all functions in
    this module are on positive inputs.
    """
    import warnings

    with np.errstate(invalid="ignore", divide="ignore"):
        corners = [func(*combo) for combo in itertools.product(*intervals)]
        stack = np.stack([np.asarray(c, dtype=float) for c in corners])
    with warnings.catch_warnings():
        # A missing input makes every corner NaN: the bound is NaN, which is the answer.
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmin(stack, axis=0), np.nanmax(stack, axis=0)


def as_series(values, index) -> pd.Series:
    """Wrap a NumPy result back into a Series on ``index``."""
    return pd.Series(np.asarray(values), index=index)

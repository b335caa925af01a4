"""Projections of a rate, tested against what happened.

Three methods project a yearly series of rates (per cent) forward:

- ``linear``: a straight line fitted by least squares, in points per year (can cross zero,
  so a projection is floored at zero);
- ``relative``: a constant relative fall, a straight line fitted to the log of the rate
  (cannot cross zero);
- ``last_pace``: the last observed change per year carried forward (floored at zero).

A *series* is one place under one poverty standard: nothing is fitted across a change of
standard, and every function here groups by ``geo`` and ``standard`` before it fits.

:func:`backtest` stands at each observed year of a series (the *origin*), projects every
later observed year from the values known then, and records the error (projected minus
actual, in points) with its *horizon* (target year minus origin, in years).  A series with
a missing year gives two-year and three-year tests as well as one-year ones: summaries are
kept apart by horizon (:func:`scores`, :func:`paired`).  :func:`intervals` turns the errors
of one method at one horizon into an interval around a projection; :func:`forecast` projects
each place's latest series to a last year, never past the day the place ceased to exist.
:func:`estimate_errors` gives the provinces' own estimates the same test against the
figures that replaced them.

Every number is computed with Python floats, exactly rounded sums (:func:`math.fsum`) and
:mod:`math`'s ``log``/``exp``, then rounded to :data:`DIGITS` decimals: a fit of two to ten
points does not need BLAS, and going through it made the last bit, and so now and then the
second printed decimal, differ from one machine to another.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from itertools import combinations

import pandas as pd

from ..reading import vocabulary

METHODS = ("linear", "relative", "last_pace")
METHOD_LABELS = {
    "en": {
        "linear": "straight line (points per year)",
        "relative": "constant relative fall",
        "last_pace": "last observed pace",
    },
    "vi": {
        "linear": "đường thẳng (điểm % mỗi năm)",
        "relative": "giảm tương đối không đổi",
        "last_pace": "tốc độ gần nhất",
    },
}
# Decimals every computed number is rounded to: far below any printed digit, far above the
# last-bit noise of floating point.
DIGITS = 10
SERIES = ["geo", "standard"]
TEST = ["geo", "standard", "origin", "target_year"]
BACKTEST_COLUMNS = [
    *TEST,
    "horizon",
    "method",
    "n_points",
    "projected",
    "actual",
    "error",
]


def _r(x: float) -> float:
    return round(x, DIGITS)


def _mean(values: Iterable[float]) -> float:
    v = list(values)
    return _r(math.fsum(v) / len(v)) if v else math.nan


def _line(xs: Sequence[float], ys: Sequence[float]) -> tuple[float, float]:
    """Least-squares intercept and slope of ``ys`` on ``xs`` (closed form, exact sums)."""
    n = len(xs)
    mx, my = math.fsum(xs) / n, math.fsum(ys) / n
    sxx = math.fsum((x - mx) ** 2 for x in xs)
    slope = math.fsum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx
    return my - slope * mx, slope


def _check(years: Sequence[float], values: Sequence[float], method: str) -> None:
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; use one of {METHODS}")
    if len(years) < 2:
        raise ValueError(f"{len(years)} point(s): a projection needs at least two")
    if any(b <= a for a, b in zip(years, years[1:], strict=False)):
        raise ValueError(f"years must be distinct and increasing, not {list(years)}")
    if method == "relative" and min(values) <= 0:
        raise ValueError("a constant relative fall needs rates above zero")


def _point(years: Sequence[float], values: Sequence[float], year: float, method: str) -> float:
    """One projected rate (per cent) for ``year``; inputs already checked."""
    if method == "last_pace":
        pace = (values[-1] - values[-2]) / (years[-1] - years[-2])
        return max(values[-1] + pace * (year - years[-1]), 0.0)
    if method == "linear":
        a, b = _line(years, values)
        return max(a + b * year, 0.0)
    a, b = _line(years, [math.log(v) for v in values])
    return math.exp(a + b * year)


def _year_end(year: int) -> pd.Timestamp:
    return pd.Timestamp(year=int(year), month=12, day=31)


def project(years, values, to_years, method: str, valid_to=None) -> pd.DataFrame:
    """Project one series (one place, one standard) of rates (per cent) to ``to_years``.

    ``years``: the observed years, increasing; ``values``: the rates, per cent;
    ``to_years``: later years.  ``valid_to``: the last day the place existed (a date;
    None or empty while it exists).  A year's rate is its end-of-year review, so a target
    year whose 31 December falls after ``valid_to`` is refused: the place was gone before
    the figure could exist.  Returns ``year``, ``horizon`` (years after the last observed
    one) and ``value`` (per cent).
    """
    ys, vs = [float(y) for y in years], [float(v) for v in values]
    to = [int(t) for t in pd.Series(to_years, dtype="Int64").tolist()]
    _check(ys, vs, method)
    if any(t <= ys[-1] for t in to):
        raise ValueError(f"target years {to} must come after the last observed year {int(ys[-1])}")
    end = pd.to_datetime(valid_to, errors="coerce") if valid_to not in (None, "") else pd.NaT
    late = [t for t in to if pd.notna(end) and _year_end(t) > end]
    if late:
        raise ValueError(f"target year(s) {late} fall after {end.date()}, when the place ceased to exist")
    return pd.DataFrame(
        {
            "year": to,
            "horizon": [t - int(ys[-1]) for t in to],
            "value": [_r(_point(ys, vs, t, method)) for t in to],
        }
    )


def _series(frame: pd.DataFrame):
    """(geo, standard, years, values) for each series, years increasing; a year twice in
    one series is an error (reconcile first)."""
    for (geo, std), g in frame.sort_values("year").groupby(SERIES, sort=True):
        twice = g["year"][g["year"].duplicated()]
        if len(twice):
            raise ValueError(f"{geo}, standard {std}: year {int(twice.iloc[0])} appears twice")
        yield geo, std, g["year"].astype(int).tolist(), g["value"].astype(float).tolist()


def backtest(series: pd.DataFrame, methods=METHODS, min_points: int = 2) -> pd.DataFrame:
    """Rolling-origin test of each method on each series.

    ``series``: ``geo``, ``standard``, ``year``, ``value`` (rate, per cent).  For each
    series and each origin with at least ``min_points`` values up to it, every later
    observed year of the same series is projected from those values.  Returns one row per
    test and method: ``geo``, ``standard``, ``origin``, ``target_year``, ``horizon``
    (years), ``method``, ``n_points`` (values fitted), ``projected`` and ``actual`` (per
    cent), ``error`` (projected - actual, points: positive means the fall was
    under-predicted).  ``relative`` is skipped where a rate up to the origin is zero.
    """
    rows = []
    for geo, std, years, values in _series(series):
        for k in range(min_points, len(years)):
            for m in methods:
                if m == "relative" and min(values[:k]) <= 0:
                    continue
                for j in range(k, len(years)):
                    f = _point(years[:k], values[:k], years[j], m)
                    rows.append(
                        (geo, std, years[k - 1], years[j], years[j] - years[k - 1], m, k, _r(f), values[j])
                    )
    out = pd.DataFrame(rows, columns=BACKTEST_COLUMNS[:-1])
    out["error"] = [_r(a - b) for a, b in zip(out["projected"], out["actual"], strict=True)]
    return out.astype({"origin": int, "target_year": int, "horizon": int, "n_points": int})


def scores(bt: pd.DataFrame, by=("method",)) -> pd.DataFrame:
    """Per group of ``by``: ``tests`` (count), ``mae`` (mean absolute error, points),
    ``bias`` (mean signed error, points: above zero, falls under-predicted), ``rmse``
    (points), ``too_high`` and ``too_low`` (tests projecting above and below the actual
    rate)."""
    by = list(by)
    cols = [*by, "tests", "mae", "bias", "rmse", "too_high", "too_low"]
    if bt.empty:
        return pd.DataFrame(columns=cols)

    def one(e: pd.Series) -> pd.Series:
        v = e.tolist()
        return pd.Series(
            {
                "tests": len(v),
                "mae": _mean(abs(x) for x in v),
                "bias": _mean(v),
                "rmse": _r(math.sqrt(math.fsum(x * x for x in v) / len(v))),
                "too_high": sum(x > 0 for x in v),
                "too_low": sum(x < 0 for x in v),
            }
        )

    out = bt.groupby(by, sort=False)["error"].apply(one).unstack().reset_index()
    return out.astype({c: int for c in ("tests", "too_high", "too_low")})[cols]


def paired(bt: pd.DataFrame, methods=METHODS) -> pd.DataFrame:
    """Head-to-head record of each pair of methods over the tests both made.

    A test is one series, origin and target year.  ``wins``: tests where ``method`` came
    closer to the actual rate than ``other``; ``losses``: the reverse; ``ties``: equally
    close (to :data:`DIGITS` decimals).  ``tests`` = wins + losses + ties.
    """
    wide = bt.pivot_table(index=TEST, columns="method", values="error", aggfunc="first")
    rows = []
    for a, b in combinations([m for m in methods if m in wide], 2):
        both = wide[[a, b]].dropna()
        da, db = both[a].abs().round(DIGITS), both[b].abs().round(DIGITS)
        wins, losses = int((da < db).sum()), int((da > db).sum())
        rows.append((a, b, len(both), wins, losses, len(both) - wins - losses))
    return pd.DataFrame(rows, columns=["method", "other", "tests", "wins", "losses", "ties"])


def intervals(proj: pd.DataFrame, bt: pd.DataFrame) -> pd.DataFrame:
    """An interval around each projection from the backtest errors of the same method at
    the same horizon: from ``value - max(error)`` to ``value - min(error)``, each end
    floored at zero (a rate cannot be negative).

    Why the range of past errors: with a handful of tests a quantile is just the smallest
    or largest error anyway, and the range needs no assumption about their shape; if the
    errors are exchangeable, a new actual rate falls inside with probability
    ``(n - 1) / (n + 1)`` (``coverage``) for ``n`` past errors (``n_tests``).  Fewer than
    two tests give no interval (NaN).  ``proj``: ``method``, ``horizon``, ``value`` (per
    cent); adds ``low``, ``high`` (per cent), ``n_tests``, ``coverage`` (share, 0 to 1).
    """
    err = bt.groupby(["method", "horizon"])["error"].agg(["min", "max", "size"])
    err = err.rename(columns={"min": "_min", "max": "_max", "size": "n_tests"}).reset_index()
    out = proj.merge(err, on=["method", "horizon"], how="left")
    out["n_tests"] = out["n_tests"].fillna(0).astype(int)
    ok = out["n_tests"] >= 2
    low = (out["value"] - out["_max"]).clip(lower=0).round(DIGITS)
    high = (out["value"] - out["_min"]).clip(lower=0).round(DIGITS)
    out["low"], out["high"] = low.where(ok), high.where(ok)
    out["coverage"] = ((out["n_tests"] - 1) / (out["n_tests"] + 1)).round(DIGITS).where(ok)
    return out.drop(columns=["_min", "_max"])


def _standard_end(standard: str) -> int | None:
    found = re.search(r"(\d{4})\s*$", str(standard))
    return int(found.group(1)) if found else None


def forecast(series: pd.DataFrame, until: int, valid_to: Mapping, methods=METHODS) -> pd.DataFrame:
    """Each place's latest series projected to ``until`` (a year), where it may be.

    ``series``: ``geo``, ``standard``, ``year``, ``value`` (per cent); ``valid_to``: geo ->
    last day the place existed (empty or missing: it still exists), e.g. the geography
    table's ``valid_to`` column.  Only the latest standard of each place is used, and no
    year after the end of that standard's period (the year its label ends with) nor after
    ``valid_to`` is projected.  Returns one row per place and method: ``geo``,
    ``standard``, ``last_year``, ``n_points``, ``method``, ``year``, ``horizon``,
    ``value`` (per cent; NaN where nothing is projected) and ``reason``: ``""`` when
    projected, else ``"reaches_end"`` (the series already reaches the last year),
    ``"ceased"`` (the place ceased to exist first), ``"too_few"`` (fewer than two points)
    or ``"zero_rate"`` (a rate of zero, which a constant relative fall cannot start from).
    """
    rows = []
    # The later standard wins a year printed under both (labels sort in time order).
    latest = series.sort_values(["year", "standard"]).groupby("geo")["standard"].last()
    for geo, std, years, values in _series(series[series["standard"] == series["geo"].map(latest)]):
        base = {"geo": geo, "standard": std, "last_year": years[-1], "n_points": len(years)}
        end = _standard_end(std)
        stop = min(until, end) if end is not None else until
        gone = pd.to_datetime(valid_to.get(geo), errors="coerce")
        wanted = list(range(years[-1] + 1, stop + 1))
        ahead = [t for t in wanted if pd.isna(gone) or _year_end(t) <= gone]
        reason = (
            "reaches_end" if not wanted else "ceased" if not ahead else "too_few" if len(years) < 2 else ""
        )
        for m in methods:
            why = reason or ("zero_rate" if m == "relative" and min(values) <= 0 else "")
            if why:
                rows.append(
                    {**base, "method": m, "year": pd.NA, "horizon": pd.NA, "value": math.nan, "reason": why}
                )
                continue
            f = project(years, values, ahead, m, valid_to=gone if pd.notna(gone) else None)
            rows += [{**base, "method": m, **r, "reason": ""} for r in f.to_dict("records")]
    cols = ["geo", "standard", "last_year", "n_points", "method", "year", "horizon", "value", "reason"]
    out = pd.DataFrame(rows, columns=cols)
    return out.astype({"year": "Int64", "horizon": "Int64", "value": float})


def estimate_errors(obs: pd.DataFrame, indicator: str) -> pd.DataFrame:
    """Each estimate or preliminary figure against the settled figure (approved, else
    reported) for the same place, period and standard.  ``error``: estimate - settled,
    in the indicator's unit (points for a rate)."""
    o = obs[(obs["indicator"] == indicator) & (obs["qualifier"].isin(["exact", "about"]))]
    est = o[o["status"].isin(["estimate", "preliminary"])]
    settled = (
        o[o["status"].isin(vocabulary.settled())]
        .assign(_r=lambda d: d["status"].map({"approved": 0, "reported": 1}))
        .sort_values(["_r", "obs_id"])
        .drop_duplicates(["geo", "period", "standard"])
    )
    m = est.merge(settled, on=["geo", "period", "standard"], suffixes=("_est", ""))
    m = m.assign(error=[_r(a - b) for a, b in zip(m["value_est"], m["value"], strict=True)])
    return m[
        [
            "geo",
            "period",
            "standard",
            "value_est",
            "status_est",
            "obs_id_est",
            "value",
            "status",
            "obs_id",
            "error",
        ]
    ].reset_index(drop=True)


def settled_series(points: pd.DataFrame, indicator: str, places: Iterable[str]) -> pd.DataFrame:
    """The yearly settled (approved or reported) printed values of ``indicator`` for
    ``places``, as the series the functions above take: ``geo``, ``standard``, ``year``,
    ``value`` (the indicator's unit), ``source_id``.  ``points``: the panel's point values
    (``Panel.points(derived=False)``); implied values are left out, as they were never
    printed."""
    keep = (
        (points["indicator"] == indicator)
        & points["geo"].isin(list(places))
        & points["status"].isin(vocabulary.settled())
        & (points["kind"] == "year")
        & ~points["derived"].astype(bool)
    )
    s = points[keep]
    return pd.DataFrame(
        {
            "geo": s["geo"],
            "standard": s["standard"],
            "year": s["end"].astype(int),
            "value": s["value"].astype(float),
            "source_id": s["source_id"],
        }
    ).reset_index(drop=True)


def compare(bt: pd.DataFrame, methods=METHODS) -> pd.DataFrame:
    """The methods side by side, one year ahead apart from longer horizons.

    One row per ``ahead`` (``"one"``: horizon of one year; ``"longer"``: more) and method,
    with ``h_min``/``h_max`` (the horizons in the group, years), the columns of
    :func:`scores` and the paired record within the group summed over the other methods
    (``wins``, ``losses``, ``ties``; see :func:`paired`)."""
    parts = []
    for ahead, sub in (("one", bt[bt["horizon"] == 1]), ("longer", bt[bt["horizon"] > 1])):
        if sub.empty:
            continue
        sc = scores(sub, by=["method"])
        pr = paired(sub, methods)
        both = pd.concat(
            [
                pr[["method", "wins", "losses", "ties"]],
                pr.rename(columns={"method": "other", "other": "method", "wins": "losses", "losses": "wins"})[
                    ["method", "wins", "losses", "ties"]
                ],
            ]
        )
        rec = both.groupby("method")[["wins", "losses", "ties"]].sum()
        sc = sc.merge(rec, left_on="method", right_index=True, how="left")
        sc[["wins", "losses", "ties"]] = sc[["wins", "losses", "ties"]].fillna(0).astype(int)
        order = {m: i for i, m in enumerate(methods)}
        sc = sc.sort_values("method", key=lambda s: s.map(order))
        parts.append(sc.assign(ahead=ahead, h_min=int(sub["horizon"].min()), h_max=int(sub["horizon"].max())))
    cols = ["ahead", "h_min", "h_max", "method", "tests", "mae", "bias", "rmse", "too_high", "too_low"]
    cols += ["wins", "losses", "ties"]
    return pd.concat(parts, ignore_index=True)[cols] if parts else pd.DataFrame(columns=cols)

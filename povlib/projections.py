"""Projections of a rate, tested against what happened.

Three methods project the next value of a yearly series of rates (per cent):

- ``linear``: a straight line fitted by OLS, in points per year (can cross zero);
- ``relative``: a constant relative fall, a line fitted by OLS to the log of the
  rate (cannot cross zero);
- ``last_pace``: the last observed change per year carried forward (floored at zero).

:func:`backtest` projects each year ``t+1`` from the data up to ``t`` (rolling
origin) and reports each method's error.  :func:`estimate_errors` gives the
provinces' own estimates the same test against the figures that replaced them.
Prediction intervals come from statsmodels; with fewer than three points a
line has no degree of freedom left and no interval is given.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

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


def _ols(x, y):
    import statsmodels.api as sm

    return sm.OLS(np.asarray(y, float), sm.add_constant(np.asarray(x, float))).fit()


def project(years, values, to_years, method: str, alpha: float = 0.05) -> pd.DataFrame:
    """Project a rate (per cent) to ``to_years`` with one method.

    Returns ``year``, ``value`` (per cent), ``pi_low``/``pi_high`` (the
    ``1 - alpha`` prediction interval; NaN for ``last_pace`` and with fewer than
    three points).  Needs at least two points.
    """
    years = np.asarray(years, float)
    values = np.asarray(values, float)
    to = np.atleast_1d(np.asarray(to_years, float))
    if len(years) < 2:
        raise ValueError(f"{len(years)} point(s): a projection needs at least two")
    nan = np.full(len(to), np.nan)
    if method == "last_pace":
        pace = (values[-1] - values[-2]) / (years[-1] - years[-2])
        return pd.DataFrame(
            {
                "year": to.astype(int),
                "value": np.maximum(values[-1] + pace * (to - years[-1]), 0),
                "pi_low": nan,
                "pi_high": nan,
            }
        )
    if method not in ("linear", "relative"):
        raise ValueError(f"unknown method {method!r}; use one of {METHODS}")
    y = values if method == "linear" else np.log(values)
    fit = _ols(years, y)
    import statsmodels.api as sm

    exog = sm.add_constant(to, has_constant="add")
    if len(years) >= 3:
        frame = fit.get_prediction(exog).summary_frame(alpha=alpha)
        mean, low, high = (frame[c].to_numpy() for c in ("mean", "obs_ci_lower", "obs_ci_upper"))
    else:
        mean, low, high = exog @ fit.params, nan, nan
    if method == "relative":
        mean, low, high = np.exp(mean), np.exp(low), np.exp(high)
    return pd.DataFrame({"year": to.astype(int), "value": mean, "pi_low": low, "pi_high": high})


def backtest(series: pd.DataFrame, methods=METHODS, min_points: int = 2) -> pd.DataFrame:
    """Rolling-origin test: for each origin with at least ``min_points`` earlier values,
    project the next observed year from the values up to the origin.

    ``series``: ``geo``, ``year``, ``value`` (one standard, one unit per geo).  Returns one
    row per geo, origin, method: ``target_year``, ``projected``, ``actual``, ``error``
    (projected - actual, points), ``inside`` (actual within the 95% interval, where any).
    """
    rows = []
    for geo, g in series.sort_values("year").groupby("geo", sort=True):
        years, values = g["year"].to_numpy(float), g["value"].to_numpy(float)
        for k in range(min_points, len(g)):
            for m in methods:
                if m == "relative" and (values[:k] <= 0).any():
                    continue
                f = project(years[:k], values[:k], [years[k]], m).iloc[0]
                rows.append(
                    dict(
                        geo=geo,
                        origin=int(years[k - 1]),
                        target_year=int(years[k]),
                        method=m,
                        n_points=k,
                        projected=f["value"],
                        actual=values[k],
                        pi_low=f["pi_low"],
                        pi_high=f["pi_high"],
                    )
                )
    out = pd.DataFrame(
        rows,
        columns=[
            "geo",
            "origin",
            "target_year",
            "method",
            "n_points",
            "projected",
            "actual",
            "pi_low",
            "pi_high",
        ],
    )
    out["error"] = out["projected"] - out["actual"]
    inside = (out["actual"] >= out["pi_low"]) & (out["actual"] <= out["pi_high"])
    out["inside"] = inside.astype("boolean").mask(out["pi_low"].isna())
    return out


def scores(bt: pd.DataFrame) -> pd.DataFrame:
    """Mean absolute error (points) and count of tests per geo and method, and overall."""
    per = (
        bt.groupby(["geo", "method"])
        .agg(tests=("error", "size"), mae=("error", lambda e: e.abs().mean()), bias=("error", "mean"))
        .reset_index()
    )
    overall = (
        bt.groupby("method")
        .agg(tests=("error", "size"), mae=("error", lambda e: e.abs().mean()), bias=("error", "mean"))
        .reset_index()
    )
    return pd.concat([per, overall.assign(geo="all")], ignore_index=True)


def estimate_errors(obs: pd.DataFrame, indicator: str) -> pd.DataFrame:
    """Each estimate or preliminary figure against the settled figure (approved, else
    reported) for the same place, period and standard.  ``error``: estimate - settled,
    in the indicator's unit (points for a rate)."""
    o = obs[(obs["indicator"] == indicator) & (obs["qualifier"].isin(["exact", "about"]))]
    est = o[o["status"].isin(["estimate", "preliminary"])]
    settled = (
        o[o["status"].isin(["approved", "reported"])]
        .assign(_r=lambda d: d["status"].map({"approved": 0, "reported": 1}))
        .sort_values(["_r", "obs_id"])
        .drop_duplicates(["geo", "period", "standard"])
    )
    m = est.merge(settled, on=["geo", "period", "standard"], suffixes=("_est", ""))
    return m.assign(error=m["value_est"] - m["value"])[
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

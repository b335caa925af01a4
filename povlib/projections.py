"""Projections of a rate to a target year with statsmodels, intervals included.

With two or three printed points a fitted line has one degree of freedom or
none: the prediction interval is wide, or does not exist, and the functions
say so instead of returning a false point.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

MODEL_NAME = "OLS (statsmodels): rate_pct = a + b * year"


def linear_projection(years, values, to_year: int, alpha: float = 0.05) -> pd.DataFrame:
    """Fit ``rate = a + b*year`` by OLS and project to ``to_year``.

    Returns one row per year from the first observed to ``to_year`` with
    ``kind`` (observed or projected), ``value`` (observed, %), ``fitted`` and the
    ``(1 - alpha)`` prediction interval ``pi_low``/``pi_high`` (points of %).
    Raises ``ValueError`` with fewer than 3 points: no interval can be had.
    """
    import statsmodels.api as sm

    years = np.asarray(years, dtype=float)
    values = np.asarray(values, dtype=float)
    if len(years) < 3:
        raise ValueError(f"{len(years)} points leave no degree of freedom for a prediction "
                         "interval; at least 3 are needed")
    fit = sm.OLS(values, sm.add_constant(years)).fit()
    grid = np.arange(years.min(), to_year + 1)
    pred = fit.get_prediction(sm.add_constant(grid)).summary_frame(alpha=alpha)
    observed = dict(zip(years, values, strict=True))
    return pd.DataFrame({
        "year": grid.astype(int),
        "kind": ["observed" if y in observed else "projected" for y in grid],
        "value": [observed.get(y, np.nan) for y in grid],
        "fitted": pred["mean"].to_numpy(),
        "pi_low": pred["obs_ci_lower"].to_numpy(),
        "pi_high": pred["obs_ci_upper"].to_numpy(),
    })


def slope(years, values) -> tuple[float, float]:
    """OLS slope (points per year) and its standard error."""
    import statsmodels.api as sm

    fit = sm.OLS(np.asarray(values, float), sm.add_constant(np.asarray(years, float))).fit()
    return float(fit.params[1]), float(fit.bse[1])

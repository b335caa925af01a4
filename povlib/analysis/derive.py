"""Values derived over the reconciled panel, each with its basis: changes along a series,
ratios of two indicators, and the rates of units formed by merger as if they had existed.

- :func:`changes`: the change between consecutive levels of one series, never
  across a change of poverty standard or of administrative unit (a ``break``
  row says where a series stops).
- :func:`ratio`: one indicator over another, same place and year (or period).
- :func:`as_if_merged`: a merged unit's rate from its parts' summed counts.

Nothing here names an indicator or a place of the data.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from ..reading import indicators as ind
from ..reading import vocabulary
from .implied import join_ids, worst_status
from .panel import Panel

# --- changes along a series -----------------------------------------------------------


def _date_bounds(kind: pd.Series, start: pd.Series, end_date: pd.Series, month_known: bool):
    """Earliest and latest date (fractional years) a figure can stand for: exact for a month
    or a year-end review; for a stock printed with a year only, any month-end of that year."""
    exact = end_date.dt.year + end_date.dt.day_of_year / 365.25
    year_only = (kind == "year") & (not month_known)
    lo = np.where(year_only, start.astype(float) + 31 / 365.25, exact)
    hi = np.where(year_only, start.astype(float) + 1.0, exact)
    return lo, hi


def changes(p: Panel, indicator: str, places=None, role: str = "outcome") -> pd.DataFrame:
    """Changes between consecutive levels of one indicator of the panel ``p``, place by place.

    One row per pair of consecutive periods of the same place and poverty
    standard: ``earlier``, ``later``, ``change`` (later - earlier, in the
    indicator's unit; for a rate, percentage points), ``relative_pct`` (per cent
    of the earlier value), ``years`` (calendar years between the two dates) and
    ``per_year`` (change per year; for a stock, ``annual_growth_pct`` compounds).
    Where consecutive levels are under different standards, or the place was
    replaced by a successor unit, a row with ``break`` set and no change is
    returned instead: no change is computed across a break.

    A stock (indicator kind ``stock`` in ``indicators``) printed with a year but no
    month may stand for any month of that year: ``years_low``/``years_high`` give the
    range of time between the two figures and ``growth_low_pct``/``growth_high_pct``
    the range of compound growth per year; ``dates_known`` is False and ``years``,
    ``per_year`` and ``annual_growth_pct`` are left empty rather than annualised over a
    length of time that was not printed.
    """
    table, geography, indicators = p.table, p.ds.geography, p.ds.indicators
    t = table[(table["indicator"] == indicator) & (table["role"] == role) & (table["bound"] == "point")]
    if places is not None:
        t = t[t["geo"].isin(list(places))]
    t = t.sort_values(["geo", "end_date", "standard"], kind="stable")
    nxt = t.groupby("geo").shift(-1)
    pairs = t.assign(
        to_period=nxt["period"],
        later=nxt["value"],
        to_standard=nxt["standard"],
        to_status=nxt["status"],
        to_derived=nxt["derived"],
        to_date=nxt["end_date"],
        to_end=nxt["end"],
        to_kind=nxt["kind"],
    )
    pairs = pairs[pairs["to_period"].notna()].rename(
        columns={
            "period": "from_period",
            "value": "earlier",
            "status": "from_status",
            "derived": "from_derived",
        }
    )
    same_std = pairs["standard"] == pairs["to_standard"]
    yearly = (pairs["kind"] == "year") & (pairs["to_kind"] == "year")
    years = np.where(
        yearly,
        (pairs["to_end"] - pairs["end"]).astype(float),
        (pairs["to_date"] - pairs["end_date"]).dt.days / 365.25,
    )
    out = pairs.assign(
        years=years,
        change=np.where(same_std, pairs["later"] - pairs["earlier"], np.nan),
        brk=np.where(
            same_std,
            "",
            "poverty standard changed: " + pairs["standard"] + " to " + pairs["to_standard"].astype(str),
        ),
    )
    stock = indicators.set_index("code")["kind"].get(indicator, "") == "stock"
    a_lo, a_hi = _date_bounds(pairs["kind"], pairs["start"], pairs["end_date"], not stock)
    b_lo, b_hi = _date_bounds(pairs["to_kind"], pairs["to_end"], pairs["to_date"], not stock)
    known = (a_lo == a_hi) & (b_lo == b_hi)
    y_lo, y_hi = np.where(known, years, b_lo - a_hi), np.where(known, years, b_hi - a_lo)
    out = out.assign(
        years=np.where(known, years, np.nan),
        years_low=y_lo,
        years_high=y_hi,
        dates_known=known,
    )
    # Two figures of one date (a year printed under both standards) have no growth rate.
    with np.errstate(divide="ignore", invalid="ignore"):
        g_a = ind.cagr_pct(out["earlier"], out["later"], y_lo).where(same_std & (y_lo > 0))
        g_b = ind.cagr_pct(out["earlier"], out["later"], y_hi).where(same_std & (y_hi > 0))
        out = out.assign(
            relative_pct=ind.relative_change_pct(out["earlier"], out["later"]).where(same_std),
            per_year=out["change"] / out["years"],
            annual_growth_pct=ind.cagr_pct(out["earlier"], out["later"], out["years"]).where(same_std),
            growth_low_pct=np.fmin(g_a, g_b),
            growth_high_pct=np.fmax(g_a, g_b),
            derived=out["from_derived"].astype(bool) | out["to_derived"].astype(bool),
            status=worst_status(out["from_status"], out["to_status"]),
        )
    cols = [
        "geo",
        "indicator",
        "from_period",
        "to_period",
        "standard",
        "to_standard",
        "earlier",
        "later",
        "change",
        "relative_pct",
        "years",
        "per_year",
        "annual_growth_pct",
        "years_low",
        "years_high",
        "growth_low_pct",
        "growth_high_pct",
        "dates_known",
        "status",
        "derived",
        "brk",
    ]
    out = out[cols].rename(columns={"brk": "break"})
    succ = geography.set_index("geo_id")["successor"]
    unit_breaks = t.drop_duplicates("geo", keep="last")
    unit_breaks = unit_breaks[
        unit_breaks["geo"].map(succ).fillna("").isin(set(table.loc[table["indicator"] == indicator, "geo"]))
    ]
    if len(unit_breaks):
        ub = pd.DataFrame(
            {
                "geo": unit_breaks["geo"],
                "indicator": indicator,
                "from_period": unit_breaks["period"],
                "to_period": "",
                "standard": unit_breaks["standard"],
                "to_standard": "",
                "earlier": unit_breaks["value"],
                "break": "unit replaced by " + unit_breaks["geo"].map(succ),
            }
        )
        out = pd.concat([out, ub], ignore_index=True)
    return out.reset_index(drop=True)


def ratio(
    p: Panel,
    numerator: str,
    denominator: str,
    scale: float = 1.0,
    places=None,
    same_period: bool = False,
    drop: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """``numerator / denominator * scale`` where both are known for the same place and
    review year (the year of each period's end: a stock at a month meets the count of
    that year's review), or, with ``same_period``, for the same period exactly (two stocks
    at one date).  Units: the numerator's unit times ``scale`` per denominator unit (for
    example bn VND * 1000 / households = million dong per household).

    ``drop``: denominators not to use (columns ``geo`` and ``year``), such as household
    totals that a plausibility check found implausible; those rows are left out.  Each row
    keeps both inputs with their periods, qualifiers and statuses, and whether either was
    derived; ``qualifier`` says which way the ratio can only be read (a "more than"
    numerator over an exact denominator is "more than")."""
    pts = p.table[(p.table["role"] == "outcome") & (p.table["bound"] == "point")]
    if places is not None:
        pts = pts[pts["geo"].isin(list(places))]
    pts = pts.assign(year=pts["end_date"].dt.year)
    num = pts[pts["indicator"] == numerator]
    den = pts[pts["indicator"] == denominator]
    if drop is not None and len(drop):
        out_keys = pd.MultiIndex.from_frame(drop[["geo", "year"]].astype({"year": int}))
        den = den[~pd.MultiIndex.from_frame(den[["geo", "year"]]).isin(out_keys)]
    on = ["geo", "period"] if same_period else ["geo", "year"]
    den = den.sort_values(["derived", "standard"]).drop_duplicates(on)
    m = num.merge(den, on=on, suffixes=("", "_den"))
    if same_period:
        m = m.assign(period_den=m["period"])
    up, down = ("more than", "at least"), ("under", "nearly")
    q_num, q_den = m["qualifier"], m["qualifier_den"]
    qualifier = np.select(
        [
            q_num.isin(up) & ~q_den.isin(up),
            q_num.isin(down) & ~q_den.isin(down),
            (q_num == "exact") & q_den.isin(up),
            (q_num == "exact") & q_den.isin(down),
            (q_num == "exact") & (q_den.isin(["exact", "derived"])),
            q_num.eq("derived") & q_den.isin(["exact", "derived"]),
        ],
        ["more than", "under", "under", "more than", "exact", "exact"],
        default="about",
    )
    return pd.DataFrame(
        {
            "geo": m["geo"],
            "period": m["period"],
            "numerator": m["value"],
            "denominator": m["value_den"],
            "period_den": m["period_den"],
            "ratio": m["value"] / m["value_den"] * scale,
            "qualifier": qualifier,
            "status": worst_status(m["status"], m["status_den"]),
            "derived": m["derived"] | m["derived_den"],
        }
    ).reset_index(drop=True)


# --- units formed by merger ------------------------------------------------------------


NOTHING_TYPES = {
    "value": "Float64",
    "numerator": "Float64",
    "denominator": "Float64",
    "derived_inputs": "bool",
}
"""Types of :func:`as_if_merged`'s columns that are not text, for a table with no row."""


def as_if_merged(p: Panel, rate: str | Iterable[str]) -> pd.DataFrame:
    """The rate a unit formed by merger would have had before it existed: the parts' summed
    numerators over their summed denominators (``rate``'s ``numerator`` and ``denominator``
    in the indicator metadata), year by year and within one poverty standard.  ``rate`` is
    one rate's code or several (one table for all, in the order first given, in one pass).

    A merged unit is a place that is the ``successor`` of two or more places.  One row per
    rate, merged unit, standard and year in which any part has a count: ``value`` (per cent,
    NaN where a part lacks a count), ``numerator`` and ``denominator`` (the sums), ``parts``
    and ``missing`` (``;``-separated ids of the parts with both counts, and of those
    lacking one), ``derived_inputs`` (a count was itself implied, such as households from a
    count and a rate), ``status`` (the least settled input) and ``basis`` (the ids used).
    Nothing is summed across two standards; households carry none and join every standard.
    """
    table, geography = p.table, p.ds.geography
    rates = [rate] if isinstance(rate, str) else list(dict.fromkeys(rate))  # each once: no sum twice
    meta = p.ds.indicators.set_index("code")
    unknown = [r for r in rates if r not in meta.index]
    if unknown:
        raise ValueError(f"unknown indicator(s) {', '.join(map(repr, unknown))}: see indicators.csv")
    pairs = pd.DataFrame(
        {
            "rate": rates,
            "num": meta["numerator"].reindex(rates).tolist(),
            "den": meta["denominator"].reindex(rates).tolist(),
        }
    )
    succ = geography.loc[geography["successor"] != "", ["geo_id", "successor"]]
    merged = succ.groupby("successor")["geo_id"].agg(list)
    merged = merged[merged.map(len) > 1]
    cols = [
        "geo",
        "indicator",
        "period",
        "standard",
        "value",
        "numerator",
        "denominator",
        "parts",
        "missing",
        "derived_inputs",
        "status",
        "basis",
    ]
    # Typed as a table with rows: a caller may put the two together.
    nothing = pd.DataFrame({c: pd.Series(dtype=NOTHING_TYPES.get(c, "str")) for c in cols})
    if merged.empty or not rates:
        return nothing
    parts = merged.explode().rename("part").reset_index().rename(columns={"successor": "geo"})
    # Only the parts' yearly counts are summed: the rest of the panel is left out at once.
    mine = table["geo"].isin(parts["part"]) & table["indicator"].isin(pd.concat([pairs["num"], pairs["den"]]))
    pts = table[mine]
    pts = pts[(pts["role"] == "outcome") & (pts["bound"] == "point") & (pts["kind"] == "year")]
    if not pts["indicator"].isin(pairs["num"]).any():  # no part prints the count (most rates)
        return nothing
    pts = pts.assign(year=pts["end"].astype(int)).rename(columns={"indicator": "count"})
    n = pairs.merge(pts, left_on="num", right_on="count")[
        ["rate", "geo", "year", "standard", "value", "status", "obs_id", "derived", "basis"]
    ]
    # a printed count before an implied one; among printed ones, the panel's first (stable sort)
    d = pts[pts["count"].isin(pairs["den"])].sort_values("derived", kind="stable")
    d = d.drop_duplicates(["count", "geo", "year"])
    d = pairs.merge(d, left_on="den", right_on="count")[
        ["rate", "geo", "year", "value", "status", "obs_id", "derived", "basis"]
    ]
    grid = parts.merge(
        n[["rate", "geo", "year", "standard"]].drop_duplicates(),
        left_on="part",
        right_on="geo",
        suffixes=("", "_p"),
    )
    grid = grid[["rate", "geo", "year", "standard"]].drop_duplicates().merge(parts, on="geo")
    m = grid.merge(
        n.add_suffix("_n"),
        how="left",
        left_on=["rate", "part", "year", "standard"],
        right_on=["rate_n", "geo_n", "year_n", "standard_n"],
    )
    m = m.merge(
        d.add_suffix("_d"),
        how="left",
        left_on=["rate", "part", "year"],
        right_on=["rate_d", "geo_d", "year_d"],
    )
    m = m.assign(
        has=m["value_n"].notna() & m["value_d"].notna(),
        ids=join_ids(
            m["obs_id_n"]
            .fillna("")
            .where(~m["derived_n"].fillna(False).astype(bool), m["basis_n"].fillna("")),
            m["obs_id_d"]
            .fillna("")
            .where(~m["derived_d"].fillna(False).astype(bool), m["basis_d"].fillna("")),
        ).to_numpy(),
        der=(
            m["derived_n"].fillna(False).astype(bool) | m["derived_d"].fillna(False).astype(bool)
        ).to_numpy(),
        worst=worst_status(m["status_n"].fillna("approved"), m["status_d"].fillna("approved")).to_numpy(),
    )
    m = m.assign(
        _with=np.where(m["has"], m["part"], ""),
        _without=np.where(m["has"], "", m["part"]),
        _rank=m["worst"].map(vocabulary.rank()),
    )

    def joined(values: pd.Series) -> str:
        return ";".join(v for v in values if v)

    out = (
        m.groupby(["rate", "geo", "year", "standard"], sort=False)
        .agg(
            numerator=("value_n", lambda v: v.sum(min_count=1)),
            denominator=("value_d", lambda v: v.sum(min_count=1)),
            complete=("has", "all"),
            derived_inputs=("der", "any"),
            parts=("_with", joined),
            missing=("_without", joined),
            basis=("ids", joined),
            rank=("_rank", "max"),
        )
        .reset_index()
    )
    out["status"] = out["rank"].map(vocabulary.outcome_by_rank())
    value = (out["numerator"] / out["denominator"] * 100).where(out["complete"])
    out = out.assign(indicator=out["rate"], period=out["year"].astype(str), value=value)
    order = out["rate"].map({r: i for i, r in enumerate(rates)})
    return (
        out.assign(_order=order)
        .sort_values(["_order", "geo", "year", "standard"])[cols]
        .reset_index(drop=True)
    )


# --- a ratio beside its parts ----------------------------------------------------------


def with_parts(p: Panel, ratio: str, places=None) -> pd.DataFrame:
    """A ratio indicator beside its numerator and denominator (``numerator`` and
    ``denominator`` in the indicator metadata), one row per place, plan period and period
    at which any of the three is known (printed or implied): ``ratio`` (the ratio's unit,
    such as per cent), ``numerator`` and ``denominator`` (their units, such as billion
    dong), and ``implied`` (one of them was implied by the other two).  A value missing
    for that place, plan period and period is NaN."""
    meta = p.ds.indicators.set_index("code")
    num, den = meta.at[ratio, "numerator"], meta.at[ratio, "denominator"]
    t = p.points()
    t = t[t["indicator"].isin([ratio, num, den])]
    if places is not None:
        t = t[t["geo"].isin(list(places))]
    keys = ["geo", "plan_period", "period"]
    wide = (
        t.pivot_table(index=keys, columns="indicator", values="value", aggfunc="first")
        .reindex(columns=[ratio, num, den])
        .rename(columns={ratio: "ratio", num: "numerator", den: "denominator"})
    )
    implied = t.groupby(keys)["derived"].any().rename("implied")
    out = wide.join(implied).reset_index().assign(indicator=ratio)
    out.columns.name = None
    return out[["geo", "indicator", "plan_period", "period", "ratio", "numerator", "denominator", "implied"]]

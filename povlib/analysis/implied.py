"""What the panel adds where nothing was printed: values implied by printed figures, each
with its basis, and the relations between indicators they rest on.

Relations between indicators are read from the indicator metadata
(``data/indicators.csv``): a rate's ``numerator`` and ``denominator``, the
``level_of`` a change, pace or growth and its ``direction``.  Nothing here
names an indicator or a place of the data.

- :func:`implied_levels`: totals behind a rate, plans behind a disbursement
  ratio, earlier (or later) levels behind a reported change or growth; added to
  the panel only where nothing was printed for the key.

Intervals: every implied value carries ``low``/``high`` from the printed
precision of its inputs (:func:`povlib.indicators.propagate`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..reading import indicators as ind
from ..reading import vocabulary
from ..reading.lookup import lookup

_ID = ["geo", "period", "standard", "value", "low", "high", "obs_id", "status", "source_id"]


def relations(indicators: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The relations the metadata declares, as tables.

    ``shares``: code, numerator, denominator; ``changes``: code, level_of, ind_kind,
    sign (+1 where the change is earlier minus later, a fall; -1 for a rise);
    ``sums``: whole, part (one row per part); ``part_of``: part, whole.
    """
    i = indicators
    shares = i.loc[i["numerator"] != "", ["code", "numerator", "denominator"]]
    ch = i.loc[i["level_of"] != "", ["code", "level_of", "kind", "direction"]].rename(
        columns={"kind": "ind_kind"}
    )
    ch = ch.assign(sign=np.where(ch["direction"] == "fall", 1, -1))
    sums = (
        i.loc[i["parts"] != "", ["code", "parts"]]
        .assign(part=lambda d: d["parts"].str.split(";"))
        .explode("part")
        .rename(columns={"code": "whole"})[["whole", "part"]]
    )
    part_of = i.loc[i["part_of"] != "", ["code", "part_of"]].rename(
        columns={"code": "part", "part_of": "whole"}
    )
    return {
        "shares": shares.reset_index(drop=True),
        "changes": ch.reset_index(drop=True),
        "sums": sums.reset_index(drop=True),
        "part_of": part_of.reset_index(drop=True),
    }


def worst_status(*statuses: pd.Series) -> pd.Series:
    """The least settled status among inputs (an estimate taints what is derived from it)."""
    rank = pd.concat([lookup(s, vocabulary.rank()) for s in statuses], axis=1).max(axis=1)
    return rank.map(vocabulary.outcome_by_rank())


def _standard_of(codes: pd.Series, std: pd.Series, indicators: pd.DataFrame) -> pd.Series:
    """The standard a derived value of ``codes`` carries: its inputs' where the indicator
    is measured under one, none otherwise."""
    needs = lookup(codes, indicators.set_index("code")["standard"]).eq("yes")
    return std.where(needs, "")


def _rows(geo, code, period, standard, value, bounds, status, sources, basis) -> pd.DataFrame:
    lo, hi = bounds
    return pd.DataFrame(
        {
            "geo": geo,
            "indicator": code,
            "period": period,
            "standard": standard,
            "role": "outcome",
            "bound": "point",
            "value": np.asarray(value, float),
            "low": np.asarray(lo, float),
            "high": np.asarray(hi, float),
            "qualifier": "derived",
            "status": status,
            "source_id": sources,
            "obs_id": "",
            "alternatives": "",
            "n_obs": 0,
            "derived": True,
            "basis": basis,
        }
    )


def join_ids(*cols) -> pd.Series:
    """Ids of the inputs, ``;``-separated, in order, empty ones left out and a repeat of
    the one before dropped.  Vectorised: string concatenation, no row loop."""
    series = [pd.Series(c).fillna("").astype(str).reset_index(drop=True) for c in cols]
    out = series[0]
    last = series[0]
    for c in series[1:]:
        skip = (c == "") | (c == last)
        out = out.where(skip, np.where(out == "", c, out + ";" + c))
        last = c.where(c != "", last)
    return out


def _from_shares(pts: pd.DataFrame, indicators: pd.DataFrame) -> list[pd.DataFrame]:
    """Denominator = numerator / rate * 100, and numerator = denominator * rate / 100."""
    sh = relations(indicators)["shares"]
    rate = pts.merge(sh, left_on="indicator", right_on="code")
    if rate.empty:
        return []
    rate = rate.assign(
        num_std=_standard_of(rate["numerator"], rate["standard"], indicators),
        den_std=_standard_of(rate["denominator"], rate["standard"], indicators),
    )
    side = pts[["indicator", *_ID]]
    out = []
    for have, want, have_std, func, word in (
        ("numerator", "denominator", "num_std", ind.implied_total, "/"),
        ("denominator", "numerator", "den_std", ind.implied_count, "*"),
    ):
        m = rate.merge(
            side,
            left_on=["geo", have, "period", have_std],
            right_on=["geo", "indicator", "period", "standard"],
            suffixes=("", "_x"),
        )
        if m.empty:
            continue
        value = func(m["value_x"], m["value"])
        bounds = ind.propagate(func, (m["low_x"], m["high_x"]), (m["low"], m["high"]))
        basis = (
            m[have]
            + f" {word} "
            + m["code"]
            + (" * 100" if word == "/" else " / 100")
            + " ["
            + join_ids(m["obs_id_x"], m["obs_id"])
            + "]"
        )
        out.append(
            _rows(
                m["geo"],
                m[want],
                m["period"],
                _standard_of(m[want], m["standard"], indicators),
                value,
                bounds,
                worst_status(m["status"], m["status_x"]),
                join_ids(m["source_id_x"], m["source_id"]),
                basis,
            )
        )
    return out


def _from_changes(
    pts: pd.DataFrame, indicators: pd.DataFrame, standards: pd.DataFrame | None = None
) -> list[pd.DataFrame]:
    """The level at one end of a reported change (or growth) from the level at the other.

    A change whose span runs from a review under one poverty standard to a review
    under another (:func:`povlib.standards.spans_break`) implies nothing: its start
    was counted under a different standard from its end."""
    from ..reading import periods
    from ..reading.standards import spans_break

    rel = relations(indicators)["changes"]
    rel = rel[rel["ind_kind"].isin(["change", "growth"])]
    ch = pts.merge(rel, left_on="indicator", right_on="code")
    per = periods.parse(ch["period"])
    span = (per["kind"] == "span").to_numpy().copy()
    if standards is not None and span.any():
        span &= ~spans_break(standards, per["start"], per["end"]).to_numpy()
    ch = ch[span].assign(a=per["start"][span].astype(str), b=per["end"][span].astype(str))
    if ch.empty:
        return []
    side = pts[["indicator", *_ID]]
    out = []
    for have, want in (("b", "a"), ("a", "b")):
        m = ch.merge(
            side,
            left_on=["geo", "level_of", have, "standard"],
            right_on=["geo", "indicator", "period", "standard"],
            suffixes=("", "_x"),
        )
        if m.empty:
            continue
        growth = (m["ind_kind"] == "growth").to_numpy()
        s = m["sign"].to_numpy() * (1 if have == "b" else -1)

        def f(level, change, s=s, growth=growth, have=have):
            if have == "b":
                g = level / (1 + change / 100)
            else:
                g = level * (1 + change / 100)
            return np.where(growth, g, level + s * change)

        value = f(m["value_x"].to_numpy(float), m["value"].to_numpy(float))
        bounds = ind.propagate(
            f,
            (m["low_x"].to_numpy(float), m["high_x"].to_numpy(float)),
            (m["low"].to_numpy(float), m["high"].to_numpy(float)),
        )
        basis = (
            "level "
            + m[have]
            + " and reported "
            + m["code"]
            + " "
            + m["period"]
            + " ["
            + join_ids(m["obs_id_x"], m["obs_id"])
            + "]"
        )
        out.append(
            _rows(
                m["geo"],
                m["level_of"],
                m[want],
                m["standard"],
                value,
                bounds,
                worst_status(m["status"], m["status_x"]),
                join_ids(m["source_id_x"], m["source_id"]),
                basis,
            )
        )
    return out


def implied_levels(
    chosen: pd.DataFrame, indicators: pd.DataFrame, standards: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Values implied by printed outcome points, for keys where nothing was printed.

    Where two relations imply the same key, the narrower interval is kept (its
    basis names the figures used).  Nothing is implied from a change that spans a
    change of poverty standard (``standards``: the standards table).  Units: those of
    the derived indicator.
    """
    pts = chosen[(chosen["role"] == "outcome") & (chosen["bound"] == "point")]
    parts = _from_shares(pts, indicators) + _from_changes(pts, indicators, standards)
    cols = [
        "geo",
        "indicator",
        "period",
        "standard",
        "role",
        "bound",
        "value",
        "low",
        "high",
        "qualifier",
        "status",
        "source_id",
        "obs_id",
        "alternatives",
        "n_obs",
        "derived",
        "basis",
    ]
    if not parts:
        return pd.DataFrame(columns=[*cols, "unit"])
    d = pd.concat(parts, ignore_index=True)
    d = d[np.isfinite(d["value"])]
    key = ["geo", "indicator", "period", "standard"]
    printed = chosen[(chosen["role"] == "outcome")][key].drop_duplicates()
    d = d.merge(printed, on=key, how="left", indicator=True)
    d = d[d["_merge"] == "left_only"].drop(columns="_merge")
    d = (
        d.assign(_w=d["high"] - d["low"])
        .sort_values([*key, "_w", "basis"], kind="stable")
        .drop_duplicates(key)
        .drop(columns="_w")
    )
    units = indicators.set_index("code")["unit"]
    return d.assign(unit=lookup(d["indicator"], units))[[*cols, "unit"]].reset_index(drop=True)

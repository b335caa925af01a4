"""Pick one observation where several give the same place, indicator and period.

Rule, applied in order until one observation stands out:

1. status: approved, then reported, then preliminary, then estimate (targets
   and plans are compared only with each other: target before plan);
2. exactness: exact figures before range ends, before about/nearly, before
   one-sided ones (more than, under, at least);
3. precision: more printed decimals first;
4. the later publication (a source with no printed date counts as oldest);
5. the obs_id, so that the choice is deterministic.

Nothing is dropped without a trace: :func:`reconcile` returns the chosen rows
with the ids of the others, and the conflicts with their spread.
"""

from __future__ import annotations

import pandas as pd

from ._callable import make_callable

STATUS_RANK = {"approved": 0, "reported": 1, "preliminary": 2, "estimate": 3,
               "target": 0, "plan": 1}
QUALIFIER_RANK = {"exact": 0, "range low": 1, "range high": 1, "about": 2, "nearly": 2,
                  "more than": 3, "under": 3, "at least": 3}
KEY = ["geo", "indicator", "period", "role", "bound"]


def _role(status: pd.Series) -> pd.Series:
    return status.isin(["target", "plan"]).map({True: "target", False: "outcome"})


def _bound(qualifier: pd.Series) -> pd.Series:
    return qualifier.map({"range low": "low", "range high": "high"}).fillna("point")


def reconcile(obs: pd.DataFrame, sources: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return ``(chosen, conflicts)``.

    ``chosen`` has one row per place, indicator, period, role (outcome or
    target) and range bound, with ``n_obs`` and ``alternatives`` (ids not
    chosen, ``;``-separated).  ``conflicts`` lists every key whose observations
    differ in value: ids, values, ``spread`` (max - min, in the unit) and the
    chosen id.  ``obs`` needs ``decimals`` (see :func:`povlib.tables.with_bounds`).
    """
    dates = sources.set_index("source_id")["date_published"]
    ranked = obs.assign(
        role=_role(obs["status"]),
        bound=_bound(obs["qualifier"]),
        _status=obs["status"].map(STATUS_RANK),
        _qual=obs["qualifier"].map(QUALIFIER_RANK),
        _date=obs["source_id"].map(dates).fillna("0000-00-00"),
    ).sort_values(["_status", "_qual", "decimals", "_date", "obs_id"],
                  ascending=[True, True, False, False, True], kind="stable")
    groups = ranked.groupby(KEY, sort=True, dropna=False)
    chosen = groups.head(1).set_index(KEY)
    summary = groups.agg(n_obs=("obs_id", "size"), ids=("obs_id", list),
                         vmin=("value", "min"), vmax=("value", "max"),
                         values=("value", list))
    chosen = chosen.join(summary[["n_obs", "ids"]])
    chosen["alternatives"] = [";".join(i for i in ids if i != c)
                              for ids, c in zip(chosen["ids"], chosen["obs_id"], strict=True)]
    chosen = chosen.drop(columns=["ids", "_status", "_qual", "_date"]).reset_index()
    conflicts = summary[summary["vmax"] > summary["vmin"]].assign(
        spread=lambda d: d["vmax"] - d["vmin"],
        chosen=lambda d: chosen.set_index(KEY).loc[d.index, "obs_id"],
    ).drop(columns=["vmin", "vmax"]).reset_index()
    conflicts["ids"] = conflicts["ids"].map(";".join)
    conflicts["values"] = conflicts["values"].map(lambda v: ";".join(f"{x:g}" for x in v))
    return chosen, conflicts


def lookup(chosen: pd.DataFrame, geo: str, indicator: str, period: str, role: str = "outcome"):
    """The reconciled point observation for one key (a row of ``chosen``), or None."""
    c = chosen
    hit = c[(c["geo"] == geo) & (c["indicator"] == indicator) & (c["period"] == period)
            & (c["role"] == role) & (c["bound"] == "point")]
    return None if hit.empty else hit.iloc[0]


make_callable(__name__, reconcile)

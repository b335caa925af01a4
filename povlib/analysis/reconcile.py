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

from .._callable import make_callable
from ..reading import vocabulary
from ..reading.lookup import lookup

QUALIFIER_RANK = {
    "exact": 0,
    "range low": 1,
    "range high": 1,
    "about": 2,
    "nearly": 2,
    "more than": 3,
    "under": 3,
    "at least": 3,
}
KEY = ["geo", "indicator", "period", "standard", "role", "bound"]


def _role(status: pd.Series) -> pd.Series:
    return status.isin(vocabulary.of_role("target")).map({True: "target", False: "outcome"})


def _bound(qualifier: pd.Series) -> pd.Series:
    return lookup(qualifier, {"range low": "low", "range high": "high"}).fillna("point")


def _joined(rows: pd.DataFrame, texts: pd.Series) -> pd.Series:
    """``texts`` of ``rows`` joined with ``;`` per key, in the rows' order.  A string sum per
    group runs in the group-by's own loop; ``agg(";".join)`` would call Python once per key."""
    texts = texts.reindex(rows.index).astype("str") + ";"
    return rows[KEY].assign(_t=texts).groupby(KEY, sort=True, dropna=False)["_t"].sum().str[:-1]


def reconcile(obs, sources: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return ``(chosen, conflicts)``.

    ``obs`` is a loaded :class:`~povlib.tables.Dataset` (then ``sources`` is
    taken from it) or an observations table with ``decimals`` (see
    :func:`povlib.tables.with_bounds`).  ``chosen`` has one row per place,
    indicator, period, poverty standard, role (outcome or target) and range
    bound, with ``n_obs`` and ``alternatives`` (ids not chosen,
    ``;``-separated).  ``conflicts`` lists every key whose observations differ
    in value: ids, values, ``spread`` (max - min, in the unit) and the chosen id.
    Figures under different standards are never compared with each other.
    """
    from ..reading.tables import Dataset, with_bounds

    if isinstance(obs, Dataset):
        obs, sources = with_bounds(obs.observations, obs._parsed, obs.sources), obs.sources
    if sources is None:
        raise TypeError("reconcile(observations, sources): the sources table is needed")
    dates = sources.set_index("source_id")["date_published"]
    ranked = obs.assign(
        role=_role(obs["status"]),
        bound=_bound(obs["qualifier"]),
        _status=lookup(obs["status"], vocabulary.rank()),
        _qual=lookup(obs["qualifier"], QUALIFIER_RANK),
        _date=lookup(obs["source_id"], dates).fillna("0000-00-00"),
    ).sort_values(
        ["_status", "_qual", "decimals", "_date", "obs_id"],
        ascending=[True, True, False, False, True],
        kind="stable",
    )
    groups = ranked.groupby(KEY, sort=True, dropna=False)
    first = groups.cumcount() == 0
    chosen = ranked[first].set_index(KEY)
    n_obs = groups["obs_id"].size()
    # Lists are built only for the few keys printed more than once.
    multi = ranked[groups["obs_id"].transform("size") > 1]
    alts = _joined(multi[~first.loc[multi.index]], multi["obs_id"])
    chosen = chosen.assign(n_obs=n_obs, alternatives=alts.reindex(chosen.index).fillna(""))
    chosen = chosen.drop(columns=["_status", "_qual", "_date"]).reset_index()
    mg = multi.groupby(KEY, sort=True, dropna=False)
    summary = mg.agg(n_obs=("obs_id", "size"), vmin=("value", "min"), vmax=("value", "max"))
    summary["ids"] = _joined(multi, multi["obs_id"])
    summary["values"] = _joined(
        multi, pd.Series([f"{x:g}" for x in multi["value"].to_numpy(float)], index=multi.index)
    )
    conflicts = summary[summary["vmax"] > summary["vmin"]]
    conflicts = (
        conflicts.assign(
            spread=conflicts["vmax"] - conflicts["vmin"],
            chosen=chosen.set_index(KEY)["obs_id"].reindex(conflicts.index),
        )
        .drop(columns=["vmin", "vmax"])
        .reset_index()
    )
    return chosen, conflicts[[*KEY, "n_obs", "ids", "values", "spread", "chosen"]]


make_callable(__name__, reconcile)

"""The record every audit check fills in, and how it becomes rows of the audit table.

A check pairs each reported figure with the value the other printed figures imply for it
and hands back a :class:`Comparison`: the reported figures (:class:`Figures`), the implied
point and interval, the relation in words, the observations used and a note.  Everything
is vectorised: each field holds one element per compared pair (or one value for all).
:func:`rows` decides the verdict and marks the limits of the reading, the same way for
every check.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..reading.lookup import lookup
from ..reading.standards import NOT_COMPARABLE

ONE_SIDED = ("more than", "at least", "under", "nearly", "about")
"""Qualifiers of a figure that vouches for one side only: its value need not lie inside
what the other figures allow, only the implied value inside its own bounds."""

AGREES, LIMIT, PROVISIONAL, DISAGREES = "agrees", "reading limit", "provisional replaced", "disagreement"

ROW_COLUMNS = [
    "check",
    "class",
    "geo",
    "period",
    "relation",
    "reported",
    "implied",
    "difference",
    "tolerance",
    "verdict",
    "finding",
    "obs_ids",
    "note",
]

CROSSES_NOTE = "the span runs from a review under one poverty standard to a review under another"


@dataclass(frozen=True)
class Figures:
    """Reported figures, one per compared pair, in the unit of their indicator: the
    printed ``value``, the ``low`` and ``high`` bounds its printed precision vouches for,
    its ``qualifier`` (``exact``, ``about``, ``more than``...) and its ``indicator`` code
    (which names the unit shown with the relation; ``None`` shows none)."""

    value: Any
    low: Any
    high: Any
    qualifier: Any
    indicator: Any = None

    @classmethod
    def columns(cls, frame: pd.DataFrame, suffix: str) -> Figures:
        """The figures in ``frame``'s columns ``value{suffix}``, ``low{suffix}``,
        ``high{suffix}``, ``qualifier{suffix}`` and ``indicator{suffix}``."""
        return cls(*(frame[f"{c}{suffix}"] for c in ("value", "low", "high", "qualifier", "indicator")))


@dataclass(frozen=True)
class Comparison:
    """One batch of comparisons, one per row of ``where``.

    - ``where``: the compared pairs, with columns ``geo`` and ``period`` and, optionally,
      ``crosses`` (True where a span runs from a review under one poverty standard to one
      under another: nothing is implied there and the verdict says the standard changed);
    - ``reported``: the reported figures;
    - ``implied``, ``interval``: what the other figures imply, a point and its (low, high)
      bounds from their printed precision (NaN where a figure is missing);
    - ``relation``: the relation in words; ``observations``: the ``;``-joined ids of the
      figures used; ``note``: anything the reader needs (a missing figure, an assumption);
    - ``op``: ``=`` (the two must agree) or ``>=`` (the reported must reach the implied: a
      whole against its part);
    - ``verdict``, ``difference``: set only when the verdict was reached elsewhere (a
      target scored by :mod:`povlib.targets`); then no tolerance applies.
    """

    where: pd.DataFrame
    reported: Figures
    implied: Any
    interval: tuple[Any, Any]
    relation: Any
    observations: Any
    note: Any = ""
    op: str = "="
    verdict: Any = None
    difference: Any = None


def verdicts(rep, rep_lo, rep_hi, imp, imp_lo, imp_hi, one_sided, op="=") -> np.ndarray:
    """Vectorised verdict of reported intervals against implied ones.

    ``op`` ``=``: the relation is an equality; ``>=``: the reported value must
    reach the implied threshold (a target, a whole against its part).
    """
    rep, rep_lo, rep_hi, imp, imp_lo, imp_hi = (
        np.asarray(x, dtype=float) for x in (rep, rep_lo, rep_hi, imp, imp_lo, imp_hi)
    )
    one_sided = np.asarray(one_sided, dtype=bool)
    with np.errstate(invalid="ignore"):
        if op == ">=":
            v = np.where(
                rep >= imp, "consistent", np.where(rep_hi >= imp_lo, "within rounding", "inconsistent")
            )
        else:
            inside = (rep_lo <= imp) & (imp <= rep_hi) & (one_sided | ((imp_lo <= rep) & (rep <= imp_hi)))
            overlap = (rep_lo <= imp_hi) & (imp_lo <= rep_hi)
            v = np.where(inside, "consistent", np.where(overlap, "within rounding", "inconsistent"))
    return np.where(np.isfinite(imp) & np.isfinite(rep), v, "not checkable")


def verdict(rep, rep_lo, rep_hi, imp, imp_lo, imp_hi, one_sided=False) -> str:
    """Verdict of one comparison (see :func:`verdicts`)."""
    return str(verdicts([rep], [rep_lo], [rep_hi], [imp], [imp_lo], [imp_hi], [one_sided])[0])


def fmt(x) -> pd.Series:
    """Numbers for notes: thousands grouped above 1,000, four significant digits below.
    Formatted once per distinct value."""
    x = pd.Series(x, dtype=float)
    distinct = pd.Series(x.unique())
    text = distinct.map(lambda v: "" if not np.isfinite(v) else f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.4g}")
    return x.map(dict(zip(distinct, text, strict=True))).fillna("")


def ids(*cols) -> pd.Series:
    """The ids of a comparison's figures, ``;``-joined (see :func:`povlib.implied.join_ids`)."""
    from ..analysis.implied import join_ids

    return join_ids(*cols)


def reading_limit(val, rlo, rhi, imp, lo, hi, slip_units: float) -> np.ndarray:
    """Where a disagreement can be a limit of the reading rather than a conflict: the
    reported figure truncated rather than rounded, the figures it is checked against
    truncated (which doubles the reach of their rounding: a figure then stands for
    [v - u/2, v + u] rather than [v - u/2, v + u/2]), or a slip of ``slip_units`` units
    of its last printed digit.  Arrays of the reported value and bounds and the implied
    point and bounds, in the reported figure's unit."""
    last = np.where(rhi - rlo > 0, rhi - rlo, np.where(np.mod(val, 1) == 0, 1.0, 0.0))
    with np.errstate(invalid="ignore"):
        truncated = (val <= hi) & (lo <= val + last)
        inputs_truncated = np.abs(val - imp) <= (hi - lo) + (rhi - rlo) / 2
        slip = np.abs(val - imp) - ((rhi - rlo) / 2 + (hi - lo) / 2) <= slip_units * last + 1e-9
    return truncated | inputs_truncated | slip


def _per_row(x, index: pd.Index) -> pd.Series:
    """``x`` (a column, or one value for every row) as a Series on ``index``; a column
    keeps its dtype, so that mapping it stays fast."""
    if isinstance(x, pd.Series):
        return x.set_axis(index)
    return pd.Series(np.broadcast_to(np.asarray(x, dtype=object), (len(index),)), index=index)


def _relation(c: Comparison, units: pd.Series | None) -> np.ndarray:
    """The relation in words, with the unit of the reported side in brackets."""
    index = c.where.index
    rel = pd.Series(c.relation, index=index).astype(str)
    if units is None or c.reported.indicator is None:
        return rel.to_numpy()
    unit = lookup(_per_row(c.reported.indicator, index), units).fillna("")
    return (rel + np.where(unit != "", " [" + unit.astype(str) + "]", "")).to_numpy()


def rows(check: str, klass: str, c: Comparison, units: pd.Series | None, slip_units: float) -> pd.DataFrame:
    """Audit rows (columns :data:`ROW_COLUMNS`) from a comparison: ``check`` names the
    check, ``klass`` its class; ``units`` maps indicator codes to units (for the
    relation); ``slip_units`` is how many units of its last printed digit a figure may be
    off and still count as a limit of the reading (see :func:`reading_limit`)."""
    m = c.where
    if m.empty:
        return pd.DataFrame(columns=ROW_COLUMNS)
    n = len(m)
    r = c.reported
    val, rlo, rhi = (np.broadcast_to(np.asarray(x, float), (n,)) for x in (r.value, r.low, r.high))
    imp, lo, hi = (np.broadcast_to(np.asarray(x, float), (n,)) for x in (c.implied, *c.interval))
    if c.verdict is not None:
        v = np.broadcast_to(np.asarray(c.verdict), (n,))
        return _frame(check, klass, c, units, val, imp, c.difference, np.nan, v, v, c.note)
    crosses = m["crosses"].fillna(False).to_numpy(bool) if "crosses" in m else np.zeros(n, bool)
    imp = np.where(crosses, np.nan, imp)
    one = _per_row(r.qualifier, m.index).isin(ONE_SIDED).to_numpy()
    v = np.where(crosses, NOT_COMPARABLE, verdicts(val, rlo, rhi, imp, lo, hi, one, c.op))
    limit = (v == "inconsistent") & reading_limit(val, rlo, rhi, imp, lo, hi, slip_units)
    note = np.where(crosses, CROSSES_NOTE, pd.Series(c.note, index=m.index).to_numpy())
    finite = np.isfinite(imp)
    return _frame(
        check,
        klass,
        c,
        units,
        val,
        np.where(finite, imp, np.nan),
        np.where(finite, val - imp, np.nan),
        np.where(finite, (rhi - rlo) / 2 + (hi - lo) / 2, np.nan),
        v,
        np.where(limit, LIMIT, ""),
        note,
    )


def _frame(check, klass, c, units, reported, implied, difference, tolerance, v, finding, note):
    obs = c.observations
    return pd.DataFrame(
        {
            "check": check,
            "class": klass,
            "geo": c.where["geo"].to_numpy(),
            "period": pd.Series(c.where["period"]).to_numpy(),
            "relation": _relation(c, units),
            "reported": reported,
            "implied": implied,
            "difference": difference,
            "tolerance": tolerance,
            "verdict": v,
            "finding": finding,
            "obs_ids": pd.Series(obs).to_numpy() if not isinstance(obs, str) else obs,
            "note": note,
        }
    )

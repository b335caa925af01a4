"""Consistency audit: do the sources' own figures agree with each other?

Each check states a relation between printed figures (for example ``rate 2022
- rate 2023 = reported fall``), computes the side implied by the other figures
with :func:`povlib.indicators.propagate`, and compares it with the reported
side.  The tolerance is what the printed precision and qualifiers of all the
inputs allow.  The checks are small functions in :mod:`povlib.audit_checks`, each
registered with its label, class and the assumptions it uses; they share one
comparison record (:mod:`povlib.audit_compare`).  The relations come from the
indicator metadata; every check is a join over the panel's tables, so the audit is
linear in the data.

Verdicts:

- ``consistent``: the implied value lies inside what the reported figure
  vouches for, and the reported value inside what the inputs allow (for a
  one-sided figure such as "more than", the first condition suffices);
- ``within rounding``: the two intervals overlap, but the points differ;
- ``inconsistent``: the intervals do not overlap;
- ``not checkable``: a figure the relation needs was not printed (the note
  says which, and what the printed ones imply).

Each row has a ``class``: ``agreement`` (do two sources, or two figures, agree),
``target`` (a finding about progress against a target, not a disagreement
between sources) or ``plausibility`` (a check resting on a stated assumption,
see :class:`Assumptions`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

import numpy as np
import pandas as pd

from .._callable import make_callable
from ..analysis.panel import panel
from ..analysis.query import as_panel
from ..reading import vocabulary
from ..reading.standards import NOT_COMPARABLE
from .checks import ASSUMPTION_NAMES, CHECKS, Assumptions, Context, comparisons
from .compare import AGREES, DISAGREES, LIMIT, ONE_SIDED, PROVISIONAL, ROW_COLUMNS, rows, verdict, verdicts

__all__ = [
    "AGREES",
    "CHECKS",
    "COLUMNS",
    "DISAGREES",
    "FINDINGS",
    "FINDING_LABELS",
    "HOUSEHOLD_GROWTH_MAX",
    "LABELS",
    "LIMIT",
    "ONE_SIDED",
    "PROVISIONAL",
    "Assumptions",
    "audit",
    "audit_by_province",
    "checks",
    "families",
    "implausible_years",
    "label",
    "verdict",
    "verdicts",
]

COLUMNS = ["check_id", *ROW_COLUMNS]
HOUSEHOLD_GROWTH_MAX = Assumptions().household_growth_max
"""Plausibility assumption by default: the number of households changes by at most 3% a
year (see :class:`Assumptions` for the reasoning)."""

LABELS = {c.name: c.label for c in CHECKS.values()}
"""Human-readable names of the checks, (English, Vietnamese)."""

FINDINGS = {
    "agreement": (AGREES, LIMIT, PROVISIONAL, DISAGREES, "not checkable", NOT_COMPARABLE),
    "plausibility": ("plausible", "implausible", "not checkable"),
}
"""What each class of check can find.  Agreement checks sort a failure into a limit of
the reading (truncation, or one unit of the last printed digit), a provisional figure
(estimate or preliminary) against the final one, or a real disagreement."""
FINDING_LABELS = {
    "en": {
        AGREES: "agrees",
        LIMIT: "reading limit (truncation or last digit)",
        PROVISIONAL: "provisional figure replaced by the final one",
        DISAGREES: "real disagreement",
        "not checkable": "not checkable",
        NOT_COMPARABLE: NOT_COMPARABLE,
        "plausible": "plausible",
        "implausible": "implausible",
    },
    "vi": {
        AGREES: "khớp",
        LIMIT: "giới hạn của cách đọc (cắt bớt hoặc chữ số cuối)",
        PROVISIONAL: "số sơ bộ hoặc ước đã được thay bằng số chính thức",
        DISAGREES: "không khớp thực sự",
        "not checkable": "không kiểm tra được",
        NOT_COMPARABLE: "không so sánh được: đổi chuẩn nghèo",
        "plausible": "hợp lý",
        "implausible": "khó xảy ra",
    },
}
ORDER = ["check", "geo", "period", "relation", "obs_ids"]
"""The audit's rows are sorted by these columns (stable), then numbered."""


def _any_id_in(ids: pd.Series, wanted: set) -> np.ndarray:
    """Whether any of the ``;``-separated ids of each row is in ``wanted``: split and
    looked up in Arrow, since a large audit may ask it of hundreds of thousands of rows."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not wanted or ids.empty:
        return np.zeros(len(ids), dtype=bool)
    lists = pc.split_pattern(pa.array(ids.astype(str).to_numpy(), type=pa.string()), ";")
    hit = pc.is_in(pc.list_flatten(lists), value_set=pa.array(sorted(wanted), type=pa.string()))
    rows = pc.list_parent_indices(lists).to_numpy()[hit.to_numpy(zero_copy_only=False)]
    return np.bincount(rows, minlength=len(ids)) > 0


def _findings(out: pd.DataFrame, obs: pd.DataFrame) -> pd.Series:
    """The finding of each row (see :data:`FINDINGS`); a target's is its verdict."""
    # Outcomes that are not final (preliminary, estimate): replaced later by the final figure.
    unsettled = sorted(set(vocabulary.of_role("outcome")) - set(vocabulary.settled()))
    provisional = set(obs.loc[obs["status"].isin(unsettled), "obs_id"])
    v = out["verdict"]
    agreement, plausibility = out["class"] == "agreement", out["class"] == "plausibility"
    ok, bad = v.isin(["consistent", "within rounding"]), v == "inconsistent"
    # Only an inconsistent agreement can be a provisional figure replaced: the ids of those
    # few rows are split, not those of every row (a third of the audit's time at a million).
    asked = bad & agreement
    has_prov = np.zeros(len(out), dtype=bool)
    has_prov[asked.to_numpy()] = _any_id_in(out.loc[asked, "obs_ids"], provisional)
    # Each step overrides the ones before it, so the last that applies wins; masks keep the
    # texts in Arrow (a choice among numpy arrays converted a million texts there and back).
    # An inconsistent agreement disagrees, unless it is a provisional figure replaced, or
    # unless a limit of the check explains it; another verdict that does not agree says so.
    f = pd.Series(v, index=out.index, dtype="str")
    f = (
        f.mask(asked, DISAGREES)
        .mask(asked & has_prov, PROVISIONAL)
        .mask(asked & (out["finding"] == LIMIT), LIMIT)
    )
    f = f.mask(agreement & ok, AGREES)
    return f.mask(plausibility & ok, "plausible").mask(plausibility & bad, "implausible")


def _in_order(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The rows of ``frames`` (each of one check) sorted by :data:`ORDER`, stably: each
    check's rows are sorted on their own and the checks put together in order, which is
    the same table as one sort of all the rows, without its copy of every row and the
    temporaries of sorting a million texts at once (a large audit's peak memory).
    ``frames`` is emptied as its rows are sorted, so that each is freed."""
    if not frames:  # typed as a table with rows: a caller may put the two together
        numbers = {"reported", "implied", "difference", "tolerance"}
        return pd.DataFrame({c: pd.Series(dtype="float64" if c in numbers else "str") for c in ROW_COLUMNS})
    names = sorted({f["check"].iloc[0] for f in frames})
    parts = []
    for name in names:
        mine = [f for f in frames if f["check"].iloc[0] == name]
        frames[:] = [f for f in frames if f["check"].iloc[0] != name]
        part = pd.concat(mine, ignore_index=True) if len(mine) > 1 else mine[0]
        del mine
        parts.append(part.sort_values(ORDER[1:], kind="stable"))
    return pd.concat(parts, ignore_index=True)


def label(check: str, lang: str = "en") -> str:
    """Readable name of a check in English or Vietnamese."""
    return LABELS[check][0 if lang == "en" else 1]


def checks() -> pd.DataFrame:
    """The registered checks, in the order they run: ``check``, ``label_en``, ``label_vi``,
    ``class`` and the ``assumptions`` (fields of :class:`Assumptions`, ``;``-separated)
    each rests on."""
    return pd.DataFrame(
        [(c.name, *c.label, c.klass, ";".join(c.assumptions)) for c in CHECKS.values()],
        columns=["check", "label_en", "label_vi", "class", "assumptions"],
    )


def assumptions_of(assumptions: Assumptions | None = None, **changes) -> Assumptions:
    """``assumptions`` (the defaults if None) with ``changes`` by name, e.g.
    ``household_growth_max=0.05``; an unknown name is a one-line error."""
    unknown = sorted(set(changes) - set(ASSUMPTION_NAMES))
    if unknown:
        raise ValueError(f"unknown audit assumption {unknown[0]!r}: known are {', '.join(ASSUMPTION_NAMES)}")
    return replace(assumptions or Assumptions(), **changes)


def audit(
    data,
    as_of: int | None = None,
    *,
    checks: Iterable[str] | None = None,
    assumptions: Assumptions | None = None,
    **changes,
) -> pd.DataFrame:
    """Run every check on the panel ``data`` (or a dataset, whose panel is built once and
    kept); one row per check, in a stable order.  ``checks`` names the checks to run
    (default: all of them; see :data:`povlib.auditing.checks.CHECKS`): their rows are those
    of the whole audit, numbered among themselves.

    ``as_of`` is the year a target counts as due (default: the latest settled year of
    the data); ``assumptions`` and keyword arguments named after its fields (such as
    ``household_growth_max=0.05``) change what the plausibility and agreement checks
    assume (see :class:`Assumptions`).

    Columns: ``check_id``, ``check``, ``class`` (agreement, target,
    plausibility), ``geo``, ``period``, ``relation`` (with the unit of the
    reported side), ``reported``, ``implied``, ``difference`` (reported -
    implied), ``tolerance`` (half-widths of both intervals), ``verdict``,
    ``obs_ids`` and ``note``.
    """
    chosen = assumptions_of(assumptions, **changes)
    names = None if checks is None else _known(checks)
    p = as_panel(data)
    ctx = Context(p, as_of, chosen)
    frames = [
        rows(c.name, c.klass, comparison, ctx.units, chosen.last_digit_slip)
        for c, comparison in comparisons(ctx, names)
    ]
    del ctx
    frames = [f for f in frames if len(f)]
    out = _in_order(frames)
    out["finding"] = _findings(out, p.obs)
    out.insert(0, "check_id", [f"A{i + 1:02d}" for i in range(len(out))])
    return out[COLUMNS]


def _known(checks: Iterable[str]) -> set[str]:
    names = [checks] if isinstance(checks, str) else list(checks)
    unknown = sorted(set(names) - set(CHECKS))
    if unknown or not names:
        raise ValueError(
            f"unknown check(s) {', '.join(map(repr, unknown)) or '(none named)'}; the audit's checks are "
            + ", ".join(CHECKS)
        )
    return set(names)


make_callable(__name__, audit)


def implausible_years(table: pd.DataFrame) -> pd.DataFrame:
    """Places and review years (``geo``, ``year``) whose household totals a plausibility
    check of ``table`` (an :func:`audit` result) found implausible: both ends of the
    check's span, since the check cannot tell which total is off.  A ratio should not
    use them as denominators."""
    bad = table[(table["class"] == "plausibility") & (table["finding"] == "implausible")]
    years = bad["period"].str.split("-").explode()
    return pd.DataFrame({"geo": bad.loc[years.index, "geo"], "year": years.astype(int)}).drop_duplicates()


def families(geography: pd.DataFrame) -> pd.Series:
    """Province (``geo_id``) -> the piece it is audited in when the audit is cut by
    province: its successor after a merger, else itself, so that a merged province and
    its parts (whose sums the ``merged`` check compares) are never apart."""
    succ = geography.set_index("geo_id")["successor"]
    return succ.where(succ != "", succ.index.to_series())


def audit_by_province(
    ds, pieces: int = 2, *, assumptions: Assumptions | None = None, **changes
) -> pd.DataFrame:
    """:func:`audit` run on ``pieces`` parts of the observations cut by province (see
    :func:`families`; whole families in turn, in a stable order), then put together and
    numbered again: the same table as ``audit(ds)`` with the same assumptions.  What a
    partitioned engine does, on one machine: each piece needs only its own rows in memory.
    The one number that looks across pieces is the year a target counts as due (the latest
    settled year of all the data): it is the largest of the pieces' own, taken in a first,
    cheap pass."""
    from ..analysis import targets

    chosen = assumptions_of(assumptions, **changes)
    obs = ds.observations
    fam = obs["province"].map(families(ds.geography)).fillna(obs["province"])
    order = pd.Series(sorted(fam.unique()))
    piece = fam.map(dict(zip(order, order.index % pieces, strict=True)))
    parts = [
        replace(ds, observations=obs[piece == k].reset_index(drop=True), _panel=None, _parsed=None)
        for k in range(pieces)
    ]
    years = []
    for part in parts:
        lv = targets._levels(panel(part))
        settled = lv[lv["status"].isin(vocabulary.settled()) & ~lv["derived"]]
        years.append(int(settled["year"].max()) if len(settled) else 0)
    as_of = max(years)
    out = pd.concat([audit(part, as_of=as_of, assumptions=chosen) for part in parts], ignore_index=True)
    out = out.drop(columns="check_id").sort_values(ORDER, kind="stable")
    out.insert(0, "check_id", [f"A{i + 1:02d}" for i in range(len(out))])
    return out.reset_index(drop=True)[COLUMNS]

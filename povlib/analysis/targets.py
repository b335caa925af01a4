"""Targets scored once, against what was achieved, in their own words.

A printed target is one place, indicator, period and poverty standard with role
``target``: a level to reach by a year (a rate of at most 17.26% in 2025), a fall
over a span (at least 4 points during 2025), or a fall per year over a plan
period (2-2.5 points a year over 2021-2025).  A range and its headline wording
are one target: the panel keeps their bounds, and the target is scored once
against its least demanding reading, with ``reached`` saying whether the whole
range was.

:func:`score` gives one row per target and outcome year: a level target once, a
fall over a span once, a fall per year once for each year of its period.  The
verdict is one of :data:`VERDICTS`:

- ``met`` / ``missed``: an outcome under the target's own standard exists;
- ``not yet due``: the outcome year comes after ``as_of`` (the latest year-end
  review the data holds);
- ``no outcome printed``: the year is due but no outcome was found;
- ``not comparable: standard changed``: the fall would run from a review under
  one poverty standard to a review under another.

Units: rates in per cent, falls in percentage points (per year for paces).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..reading import vocabulary
from ..reading.standards import NOT_COMPARABLE, spans_break
from .implied import relations, worst_status
from .panel import Panel

MET, MISSED, NOT_DUE, NO_OUTCOME = "met", "missed", "not yet due", "no outcome printed"
VERDICTS = (MET, MISSED, NOT_DUE, NO_OUTCOME, NOT_COMPARABLE)
VERDICT_LABELS = {
    "en": {v: v for v in VERDICTS},
    "vi": {
        MET: "đạt",
        MISSED: "không đạt",
        NOT_DUE: "chưa đến hạn",
        NO_OUTCOME: "chưa có kết quả được công bố",
        NOT_COMPARABLE: "không so sánh được: đổi chuẩn nghèo",
    },
}
REACHED_LABELS = {
    "en": {"whole range": "whole range", "lower end only": "lower end only", "": ""},
    "vi": {"whole range": "cả khoảng", "lower end only": "chỉ mức thấp", "": ""},
}
KIND_LABELS = {
    "en": {"level": "level", "fall": "fall", "fall per year": "fall per year"},
    "vi": {"level": "mức", "fall": "mức giảm", "fall per year": "mức giảm mỗi năm"},
}
FLOOR_QUALIFIERS = ("at least", "more than")


def _targets(p: Panel) -> pd.DataFrame:
    """One row per printed target: its bounds folded into ``ask_low``/``ask_high``."""
    t = p.table[(p.table["role"] == "target") & ~p.table["derived"]]
    key = ["geo", "indicator", "period", "standard"]
    if t.empty:
        empty = ["ask_low", "ask_high", "qualifier", "start", "end", "status", "obs_ids"]
        return pd.DataFrame(columns=[*key, *empty]).rename(columns={"period": "target_period"})
    g = t.groupby(key, sort=True)
    out = g.agg(
        ask_low=("value", "min"),
        ask_high=("value", "max"),
        qualifier=("qualifier", "first"),
        start=("start", "first"),
        end=("end", "first"),
        status=("status", "first"),
    )
    ids = t.assign(_ids=t["obs_id"] + np.where(t["alternatives"] != "", ";" + t["alternatives"], ""))
    out["obs_ids"] = ids.groupby(key, sort=True)["_ids"].agg(";".join)
    return out.reset_index().rename(columns={"period": "target_period"})


def _levels(p: Panel) -> pd.DataFrame:
    """Outcome levels of yearly reviews: one per place, indicator, standard and year."""
    t = p.table
    cols = ["geo", "indicator", "standard", "end", "value", "status", "derived", "obs_id"]
    t = t.loc[(t["role"] == "outcome") & (t["bound"] == "point") & (t["kind"] == "year"), cols]
    return t.assign(end=t["end"].astype(int)).rename(columns={"end": "year"})


def _printed_changes(p: Panel) -> pd.DataFrame:
    t = p.table
    cols = ["geo", "indicator", "standard", "start", "end", "value", "status", "obs_id"]
    span = (t["role"] == "outcome") & (t["bound"] == "point") & (t["kind"] == "span")
    t = t.loc[span & ~t["derived"], cols]
    t = t.assign(start=t["start"].astype(int), end=t["end"].astype(int))
    return t.rename(columns={"start": "a", "end": "b"})


def _falls(p: Panel, rows: pd.DataFrame, sign: pd.Series) -> pd.DataFrame:
    """Achieved falls (``sign`` +1 for a fall, -1 for a rise) of ``level`` from year ``a``
    to year ``b`` under ``standard``: from the two levels where both exist, else from a
    printed change of the same span.  Adds ``achieved``, ``out_status``, ``out_derived``,
    ``out_ids`` and ``start_level``."""
    lv = _levels(p)
    m = rows.merge(
        lv.add_suffix("_a"),
        how="left",
        left_on=["geo", "level", "standard", "a"],
        right_on=["geo_a", "indicator_a", "standard_a", "year_a"],
    )
    m = m.merge(
        lv.add_suffix("_b"),
        how="left",
        left_on=["geo", "level", "standard", "b"],
        right_on=["geo_b", "indicator_b", "standard_b", "year_b"],
    )
    s = sign.to_numpy(float)
    from_levels = s * (m["value_a"].to_numpy(float) - m["value_b"].to_numpy(float))
    ch = _printed_changes(p).rename(columns={"indicator": "change_code"})
    m = m.merge(
        ch.add_suffix("_c"),
        how="left",
        left_on=["geo", "change_code", "standard", "a", "b"],
        right_on=["geo_c", "change_code_c", "standard_c", "a_c", "b_c"],
    )
    use_levels = np.isfinite(from_levels)
    achieved = np.where(use_levels, from_levels, m["value_c"].to_numpy(float))
    status = worst_status(m["status_a"], m["status_b"]).where(use_levels, m["status_c"])
    ids = np.where(
        use_levels,
        m["obs_id_a"].fillna("") + ";" + m["obs_id_b"].fillna(""),
        m["obs_id_c"].fillna(""),
    )
    derived = np.where(use_levels, m["derived_a"].fillna(False) | m["derived_b"].fillna(False), False)
    return m.assign(
        achieved=achieved,
        out_status=status.fillna(""),
        out_derived=derived.astype(bool),
        out_ids=pd.Series(ids, index=m.index).str.strip(";"),
        start_level=m["value_a"].to_numpy(float),
    )


def _verdicts(frame: pd.DataFrame, standards: pd.DataFrame, as_of: int, floor: np.ndarray) -> pd.DataFrame:
    """Verdict, reach and shortfall from ``achieved`` against ``ask_low``/``ask_high``;
    ``floor``: True where the achieved value must reach the ask (a fall), False where it
    must not exceed it (a ceiling on a level)."""
    # A fall from a review under one standard to a review under another is not scored,
    # even where a place printed both ends under one of them.
    crosses = spans_break(standards, frame["a"], frame["b"]).to_numpy()
    ach = np.where(crosses, np.nan, frame["achieved"].to_numpy(float))
    frame = frame.assign(achieved=ach)
    lo, hi = frame["ask_low"].to_numpy(float), frame["ask_high"].to_numpy(float)
    lenient = np.where(floor, lo, hi)
    strict = np.where(floor, hi, lo)
    with np.errstate(invalid="ignore"):
        ok = np.where(floor, ach >= lenient, ach <= lenient)
        whole = np.where(floor, ach >= strict, ach <= strict)
        short = np.where(floor, lenient - ach, ach - lenient)
    known = np.isfinite(ach)
    verdict = np.select(
        [known & ok, known, crosses, frame["b"].to_numpy(int) > as_of],
        [MET, MISSED, NOT_COMPARABLE, NOT_DUE],
        default=NO_OUTCOME,
    )
    reached = np.where(known & ok & (lo < hi), np.where(whole, "whole range", "lower end only"), "")
    return frame.assign(
        verdict=verdict,
        reached=reached,
        shortfall=np.where(known & ~ok, short, np.where(known, 0.0, np.nan)),
    )


def score(p: Panel, as_of: int | None = None) -> pd.DataFrame:
    """Every printed target against what was achieved; see the module doc.

    ``as_of``: the latest year-end review counted as due (default: the latest year of
    any settled yearly outcome in the panel).  Columns: ``geo``, ``indicator`` (the
    target's), ``level`` (the indicator whose level it is about), ``target_period``,
    ``standard``, ``target_kind`` (level, fall, fall per year), ``ask_low``, ``ask_high``,
    ``period`` (the outcome's: a year, or ``a-b``), ``achieved``, ``verdict``, ``reached``
    (whole range or lower end only, for ranges), ``shortfall`` (how far short, in the
    target's unit; 0 when met), ``start_level`` (the level the fall starts from),
    ``status`` and ``derived`` of the outcome, ``note`` and ``obs_ids``.
    """
    return _score(p, _targets(p), as_of)


def score_against(
    p: Panel, yardstick: str, places, indicators=None, as_of: int | None = None
) -> pd.DataFrame:
    """Other places scored against the targets printed for ``yardstick`` (a place whose
    targets are a programme's norms, such as a national programme's yardsticks): each of
    the yardstick's targets (restricted to ``indicators`` when given) is set, unchanged,
    for every place of ``places``, and scored as :func:`score` scores a place's own
    targets, with the same verdicts, reach and shortfall.  A yardstick under one poverty
    standard is scored only against outcomes under that standard.

    Columns: those of :func:`score`, ``geo`` being the place scored, plus ``yardstick``.
    Units: rates in per cent, falls in percentage points (per year for paces).
    """
    tg = _targets(p)
    tg = tg[tg["geo"] == yardstick]
    if indicators is not None:
        tg = tg[tg["indicator"].isin(list(indicators))]
    places = pd.DataFrame({"geo": list(dict.fromkeys(places))})
    tg = tg.drop(columns="geo").merge(places, how="cross")
    return _score(p, tg, as_of).assign(yardstick=yardstick)


def _score(p: Panel, tg: pd.DataFrame, as_of: int | None) -> pd.DataFrame:
    """:func:`score` over the targets ``tg`` (rows of :func:`_targets`)."""
    lv = _levels(p)
    if as_of is None:
        settled = lv[lv["status"].isin(vocabulary.settled()) & ~lv["derived"]]
        as_of = int(settled["year"].max()) if len(settled) else 0
    kinds = p.indicators["kind"]
    rel = relations(p.ds.indicators)["changes"]
    # A target with no year (a standing norm of a programme) has nothing to be scored against.
    tg = tg[tg["end"].notna()]
    tg = tg.assign(ind_kind=tg["indicator"].map(kinds))
    standards = p.ds.standards
    parts = []
    # Falls over a span, or per year within it.
    ch = tg[tg["ind_kind"].isin(["change", "pace"])].merge(
        rel[["code", "level_of", "sign"]], left_on="indicator", right_on="code"
    )
    change_of = rel[rel["ind_kind"] == "change"].drop_duplicates("level_of").set_index("level_of")["code"]
    if len(ch):
        ch = ch.assign(level=ch["level_of"], change_code=ch["level_of"].map(change_of).fillna(""))
        once = ch[ch["ind_kind"] == "change"].assign(
            a=lambda d: d["start"].astype(int), b=lambda d: d["end"].astype(int)
        )
        yearly = ch[ch["ind_kind"] == "pace"]
        yearly = yearly.assign(
            b=[
                list(range(int(s) + 1, int(e) + 1))
                for s, e in zip(yearly["start"], yearly["end"], strict=True)
            ]
        ).explode("b")
        yearly = yearly.assign(b=yearly["b"].astype(int), a=lambda d: d["b"] - 1)
        both = pd.concat(
            [once.assign(target_kind="fall"), yearly.assign(target_kind="fall per year")], ignore_index=True
        )
        if len(both):
            f = _falls(p, both, both["sign"])
            f = _verdicts(f, standards, as_of, np.ones(len(f), dtype=bool))
            over = f["ask_low"].to_numpy(float) > f["start_level"].to_numpy(float)
            f = f.assign(
                period=f["a"].astype(str) + "-" + f["b"].astype(str),
                note=np.where(over, "asks for a fall larger than the rate left at the start", ""),
            )
            parts.append(f)
    # Levels to reach by a year.
    lvl = tg[tg["ind_kind"] == "rate"]
    if len(lvl):
        lvl = lvl.assign(level=lvl["indicator"], a=lvl["end"].astype(int), b=lvl["end"].astype(int))
        m = lvl.merge(
            lv.add_suffix("_o"),
            how="left",
            left_on=["geo", "level", "standard", "b"],
            right_on=["geo_o", "indicator_o", "standard_o", "year_o"],
        )
        m = m.assign(
            achieved=m["value_o"].astype(float),
            out_status=m["status_o"].fillna(""),
            out_derived=m["derived_o"].fillna(False).astype(bool),
            out_ids=m["obs_id_o"].fillna(""),
            target_kind="level",
            period=m["b"].astype(str),
        )
        floor = m["qualifier"].isin(FLOOR_QUALIFIERS).to_numpy()
        m = _verdicts(m, standards, as_of, floor)
        m = _with_needed_pace(m, lv)
        parts.append(m)
    cols = [
        "geo",
        "indicator",
        "level",
        "target_period",
        "standard",
        "target_kind",
        "ask_low",
        "ask_high",
        "period",
        "achieved",
        "verdict",
        "reached",
        "shortfall",
        "start_level",
        "needed_pp_per_year",
        "status",
        "derived",
        "note",
        "obs_ids",
    ]
    if not parts:
        return pd.DataFrame(columns=cols)
    out = pd.concat(parts, ignore_index=True)
    out = out.assign(
        status=out["out_status"],
        derived=out["out_derived"].astype(bool),
        obs_ids=(out["obs_ids"] + ";" + out["out_ids"]).str.strip(";"),
        needed_pp_per_year=out.get("needed_pp_per_year", np.nan),
        start_level=out.get("start_level", np.nan),
        note=out["note"].fillna("") if "note" in out else "",
    )
    # A unit that ceased before the review of the outcome year can have no outcome for it.
    ended = pd.to_datetime(out["geo"].map(p.places["valid_to"]), errors="coerce")
    gone = (ended.dt.year < out["b"].astype(int)) & out["verdict"].eq(NO_OUTCOME)
    out["note"] = out["note"].where(
        ~gone, "the unit ceased on " + ended.dt.strftime("%Y-%m-%d") + ", before this review"
    )
    return p.sort(out[cols].assign(_p=out["period"])).drop(columns="_p").reset_index(drop=True)


def _with_needed_pace(m: pd.DataFrame, lv: pd.DataFrame) -> pd.DataFrame:
    """For a level target not met or not yet measured: the fall per year it needs from the
    latest outcome before its year under the same standard (points per year)."""
    before = (
        m[["geo", "level", "standard", "b"]]
        .reset_index()
        .merge(lv, left_on=["geo", "level", "standard"], right_on=["geo", "indicator", "standard"])
    )
    before = before[before["year"] < before["b"]].sort_values("year").drop_duplicates("index", keep="last")
    needed = (before["value"] - m.loc[before["index"], "ask_low"].to_numpy()) / (before["b"] - before["year"])
    note = "needs " + needed.round(2).astype(str) + " points a year from " + before["year"].astype(str)
    m = m.assign(needed_pp_per_year=np.nan, note="")
    m.loc[before["index"].to_numpy(), "needed_pp_per_year"] = needed.to_numpy()
    pending = m["verdict"].isin([NOT_DUE, NO_OUTCOME]).to_numpy()
    idx = before["index"].to_numpy()
    m.loc[idx[pending[idx]], "note"] = note.to_numpy()[pending[idx]]
    return m

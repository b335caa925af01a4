"""The audit's checks, each a small function registered with its label, class and the
assumptions it rests on.

A check reads the shared :class:`Context` (every printed figure with its bounds, the
reconciled printed levels, the relations between indicators) and yields
:class:`~povlib.audit_compare.Comparison` records; :func:`povlib.audit.audit` turns them
into rows.  Every check is a join over the panel's tables, so the audit stays linear in
the data.  The relations come from the indicator metadata (``level_of``, ``direction``,
``numerator``/``denominator``, ``parts``, ``part_of``), never from code.

Classes: ``agreement`` (do two sources, or two figures, agree), ``target`` (a finding
about progress against a target, not a disagreement between sources) and
``plausibility`` (a check resting on a stated assumption, see :class:`Assumptions`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, fields
from functools import cached_property

import numpy as np
import pandas as pd

from ..analysis.implied import relations
from ..analysis.panel import Panel
from ..reading import indicators as ind
from ..reading import vocabulary
from ..reading.lookup import lookup
from ..reading.standards import spans_break
from .compare import Comparison, Figures, fmt, ids

SETTLED_OUT = tuple(vocabulary.of_role("target"))
"""Statuses that are aims, not outcomes (target, plan): scored once by ``target_scored``,
never checked for agreement."""


@dataclass(frozen=True)
class Assumptions:
    """What the audit assumes beyond the printed figures; settable by the caller, e.g.
    ``povlib.audit(p, household_growth_max=0.05)``.

    - ``household_growth_max``: the largest change in a place's number of households in a
      year, as a fraction (0.03 = 3%).  Households grow through population growth and
      young couples setting up their own household; Vietnam's census counted about 22.4
      million households in 2009 and 26.9 million in 2019, about 1.8% a year, so 3% leaves
      room for a province growing faster than the country.  A reported fall in poor
      households whose households at the end differ from those at the start by more is
      implausible (used by ``households_plausible``).
    - ``last_digit_slip``: how many units of its last printed digit a figure may be off
      and still be read as a slip of arithmetic or typing, a limit of the reading rather
      than a disagreement between sources (units of the last digit; 1 = one unit, 0 =
      none; used by every agreement check).
    """

    household_growth_max: float = 0.03
    last_digit_slip: float = 1.0

    def __post_init__(self) -> None:
        for f in fields(self):
            v = getattr(self, f.name)
            if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v) or v < 0:
                raise ValueError(f"audit assumption {f.name} must be a number >= 0, not {v!r}")


ASSUMPTION_NAMES = tuple(f.name for f in fields(Assumptions))

OBS_COLUMNS = ["obs_id", "source_id", "raw", "geo", "indicator", "period", "standard"]
OBS_COLUMNS += ["value", "qualifier", "status", "low", "high"]


class Context:
    """What every check reads: ``obs`` (every printed figure with bounds, its span's
    years ``a``-``b`` and whether the span ``crosses`` a change of poverty standard),
    ``levels`` (the reconciled printed levels), ``implied`` (the panel's derived levels),
    ``rel`` (relations between indicators), ``units`` and the :class:`Assumptions`."""

    def __init__(self, p: Panel, as_of: int | None, assumptions: Assumptions):
        from ..reading import periods

        self.p = p
        self.as_of = as_of
        self.assumptions = assumptions
        # Only the columns the checks read: every filter and join below copies each column
        # kept, and the long texts (note, paragraph) would be copied for nothing.
        obs = p.obs[OBS_COLUMNS]
        per = periods.parse(obs["period"])
        span = per["kind"] == "span"
        self.obs = obs.assign(
            a=per["start"].astype("string"),
            b=per["end"].astype("string"),
            years=per["years"],
            pkind=per["kind"],
            # A span from a review under one standard to a review under another.
            crosses=span & spans_break(p.ds.standards, per["start"], per["end"]),
        )
        level_columns = ["geo", "indicator", "period", "standard", "value", "low", "high", "qualifier"]
        self.levels = p.points(derived=False, columns=[*level_columns, "obs_id", "status", "source_id"])
        self.implied = p.table.loc[p.table["derived"], ["geo", "indicator", "period", "standard", "value"]]
        self.rel = relations(p.ds.indicators)
        self.units = p.indicators["unit"]

    @property
    def outcomes(self) -> pd.DataFrame:
        """Printed figures that are not targets or plans."""
        return self.obs[~self.obs["status"].isin(SETTLED_OUT)]

    def lv(self, suffix: str) -> pd.DataFrame:
        """The printed levels, every column but ``geo`` suffixed ``suffix``."""
        return self.levels.add_suffix(suffix).rename(columns={f"geo{suffix}": "geo"})

    def join_level(self, frame, suffix, indicator, period, standard=None, how="inner"):
        """``frame`` joined with the printed levels, their columns suffixed ``suffix``:
        same place, the indicator in column ``indicator``, the period in column ``period``
        and, if ``standard`` names a column, the same poverty standard."""
        left = ["geo", indicator, period] + ([standard] if standard else [])
        right = ["geo", f"indicator{suffix}", f"period{suffix}"] + ([f"standard{suffix}"] if standard else [])
        return frame.merge(self.lv(suffix), how=how, left_on=left, right_on=right)

    def implied_for(self, m: pd.DataFrame, indicator: str, period: str, standard: str | None) -> np.ndarray:
        """The panel's derived value of indicator column ``indicator`` for period column
        ``period`` (and standard column ``standard``) of each row of ``m``, NaN where none."""
        left = ["geo", indicator, period] + ([standard] if standard else [])
        right = ["geo", "indicator", "period"] + (["standard"] if standard else [])
        imp = self.implied.rename(columns={"value": "_imp"})
        j = m.merge(imp, how="left", left_on=left, right_on=right, suffixes=("", "_i"))
        return j["_imp"].to_numpy(float)

    @cached_property
    def share_joins(self) -> pd.DataFrame:
        """Each printed rate (suffix ``_r``) with its printed numerator (``_n``) and
        denominator (``_d``) where printed: same place and period, and the same standard
        where the numerator or denominator carries one."""
        needs = self.p.indicators["standard"]
        r = self.lv("_r").merge(self.rel["shares"], left_on="indicator_r", right_on="code")
        r = r.assign(
            den_std=np.where(r["denominator"].map(needs) == "yes", r["standard_r"], ""),
            num_std=np.where(r["numerator"].map(needs) == "yes", r["standard_r"], ""),
        )
        m = self.join_level(r, "_n", "numerator", "period_r", "num_std", how="left")
        m = self.join_level(m, "_d", "denominator", "period_r", "den_std", how="left")
        return m.rename(columns={"period_r": "period"})


@dataclass(frozen=True)
class Check:
    """A registered check: its ``name`` (the ``check`` column), ``label`` (English,
    Vietnamese), ``klass`` (the ``class`` column), the :class:`Assumptions` fields it
    rests on, the function that yields its comparisons, and the joins of the
    :class:`Context` it ``reads`` (computed once, dropped after the last check that
    reads them, so that a large panel does not hold them through the whole audit)."""

    name: str
    label: tuple[str, str]
    klass: str
    assumptions: tuple[str, ...]
    run: Callable[[Context], Iterator[Comparison]]
    reads: tuple[str, ...] = ()


CHECKS: dict[str, Check] = {}
"""Every check, by name, in the order they are run and listed."""

AGREEMENT_ASSUMPTIONS = ("last_digit_slip",)


def check(name: str, en: str, vi: str, klass: str = "agreement", assumptions=AGREEMENT_ASSUMPTIONS, reads=()):
    """Register the decorated function as the check ``name`` with its labels, class,
    assumptions and the shared joins it reads."""

    def register(func: Callable[[Context], Iterator[Comparison]]):
        unknown = set(assumptions) - set(ASSUMPTION_NAMES)
        if unknown:
            raise ValueError(f"check {name}: unknown assumptions {sorted(unknown)}")
        CHECKS[name] = Check(name, (en, vi), klass, tuple(assumptions), func, tuple(reads))
        return func

    return register


def comparisons(ctx: Context, names: Collection[str] | None = None) -> Iterator[tuple[Check, Comparison]]:
    """Every registered check's comparisons (or those of the checks ``names``), in order,
    with the check; a shared join is dropped from ``ctx`` once no later check reads it."""
    order = [c for c in CHECKS.values() if names is None or c.name in names]
    for i, c in enumerate(order):
        for comparison in c.run(ctx):
            yield c, comparison
        later = {r for d in order[i + 1 :] for r in d.reads}
        for name in set(c.reads) - later:
            ctx.__dict__.pop(name, None)  # a cached_property lives in the instance's dict


# --- levels and changes ----------------------------------------------------------------


@check("change_vs_levels", "A reported change against the two levels", "Mức thay đổi đã đăng so với hai mức")
def change_vs_levels(ctx: Context) -> Iterator[Comparison]:
    """A reported change (or pace, per year) between two reviews against the two printed
    levels; where a level is missing, the note says what the printed figures imply for it."""
    rel = ctx.rel["changes"]
    rel = rel[rel["ind_kind"].isin(["change", "pace"])]
    o = ctx.obs[ctx.obs["pkind"] == "span"].merge(rel, left_on="indicator", right_on="code")
    o = o[~o["status"].isin(SETTLED_OUT)]
    m = ctx.join_level(o, "_a", "level_of", "a", "standard", how="left")
    m = ctx.join_level(m, "_b", "level_of", "b", "standard", how="left")
    if m.empty:
        return
    per_year = (m["ind_kind"] == "pace").to_numpy()
    yrs = np.where(per_year, m["years"].astype(float), 1.0)
    sign = m["sign"].to_numpy(float)

    def f(x, y):
        return sign * (x - y) / yrs

    point = f(m["value_a"].to_numpy(float), m["value_b"].to_numpy(float))
    interval = ind.propagate(
        f,
        (m["low_a"].to_numpy(float), m["high_a"].to_numpy(float)),
        (m["low_b"].to_numpy(float), m["high_b"].to_numpy(float)),
    )
    word = np.where(sign > 0, "fall", "rise")
    first, second = (np.where(sign > 0, m["a"], m["b"]), np.where(sign > 0, m["b"], m["a"]))
    lvl = m["level_of"]
    relation = (
        "(" + lvl + " " + first + " - " + lvl + " " + second + ")"
        + np.where(per_year, " / " + m["years"].astype(str), "")
        + " = reported " + word + np.where(per_year, " per year", "")
    )  # fmt: skip
    miss_a, miss_b = m["value_a"].isna(), m["value_b"].isna()
    miss_year = np.where(miss_a, m["a"], m["b"])
    implied_other = np.where(
        miss_a,
        ctx.implied_for(m, "level_of", "a", "standard"),
        ctx.implied_for(m, "level_of", "b", "standard"),
    )
    note = np.where(
        miss_a | miss_b,
        "no "
        + lvl
        + " printed for "
        + miss_year
        + np.where(
            np.isfinite(implied_other) & ~per_year,
            "; the printed figures imply " + fmt(implied_other).to_numpy() + " for it",
            "",
        ),
        "",
    )
    yield Comparison(
        m,
        Figures.columns(m, ""),
        point,
        interval,
        relation,
        ids(m["obs_id"], m["obs_id_a"], m["obs_id_b"]),
        note,
    )


@check("pace_vs_counts", "A reported pace against household counts", "Tốc độ đã đăng so với số hộ")
def pace_vs_counts(ctx: Context) -> Iterator[Comparison]:
    """A reported pace per year against the pace implied by counts and a rate, read two
    ways: as points a year (households held constant) and as a relative fall in per cent."""
    rel, sh = ctx.rel["changes"], ctx.rel["shares"]
    pace = rel[rel["ind_kind"] == "pace"].merge(sh, left_on="level_of", right_on="code", suffixes=("", "_s"))
    count_change = rel[rel["ind_kind"] == "change"][["code", "level_of"]].rename(
        columns={"code": "count_change", "level_of": "numerator"}
    )
    pace = pace.merge(count_change, on="numerator")
    o = ctx.outcomes.merge(
        pace[["code", "level_of", "numerator", "count_change"]], left_on="indicator", right_on="code"
    )
    m = ctx.join_level(o, "_c", "numerator", "b", "standard")
    m = ctx.join_level(m, "_r", "level_of", "b", "standard")
    m = ctx.join_level(m, "_f", "count_change", "period", "standard")
    if m.empty:
        return
    yrs = m["years"].to_numpy(float)
    box_c, box_r, box_f = ((m[f"low_{k}"].to_numpy(float), m[f"high_{k}"].to_numpy(float)) for k in "crf")

    def pp(c, r, f):
        return ind.pace_from_counts_pp(c, r, f, yrs)

    def rel_pct(c, f):
        return ind.relative_pace_from_counts_pct(c, f, yrs)

    c, r, f = (m[f"value_{k}"].to_numpy(float) for k in "crf")
    obs = ids(m["obs_id"], m["obs_id_c"], m["obs_id_r"], m["obs_id_f"])
    reported = Figures.columns(m, "")
    n_years = m["years"].astype(str)
    yield Comparison(
        m,
        reported,
        pp(c, r, f),
        ind.propagate(pp, box_c, box_r, box_f),
        "(poor " + m["a"] + " / households - rate " + m["b"] + ") / " + n_years
        + " = reported fall per year, households held constant, reading the figure as points",
        obs,
    )  # fmt: skip
    yield Comparison(
        m,
        reported,
        rel_pct(c, f),
        ind.propagate(rel_pct, box_c, box_f),
        "1 - (poor " + m["b"] + " / poor " + m["a"] + ")^(1/" + n_years
        + ") = reported fall per year, reading the figure as a relative fall in per cent",
        obs,
    )  # fmt: skip


# --- shares, counts and totals ------------------------------------------------------------


@check(
    "total_vs_count_rate",
    "A total against its count and rate",
    "Tổng số so với số lượng và tỷ lệ",
    reads=("share_joins",),
)
def total_vs_count_rate(ctx: Context) -> Iterator[Comparison]:
    """A printed denominator (households) against the one its printed count and rate imply."""
    m = ctx.share_joins
    t = m[m["value_n"].notna() & m["value_d"].notna()]
    if t.empty:
        return
    t = t.assign(value_t=ind.implied_total(t["value_n"], t["value_r"]))
    interval = ind.propagate(
        ind.implied_total,
        (t["low_n"].to_numpy(float), t["high_n"].to_numpy(float)),
        (t["low_r"].to_numpy(float), t["high_r"].to_numpy(float)),
    )
    yield Comparison(
        t,
        Figures.columns(t, "_d"),
        t["value_t"],
        interval,
        t["numerator"] + "/" + t["code"] + " * 100 = reported " + t["denominator"],
        ids(t["obs_id_d"], t["obs_id_n"], t["obs_id_r"]),
    )


@check(
    "totals_from_two_counts",
    "Two counts and rates imply the same total",
    "Hai cặp số lượng, tỷ lệ cho cùng một tổng",
    reads=("share_joins",),
)
def totals_from_two_counts(ctx: Context) -> Iterator[Comparison]:
    """Two (count, rate) pairs that share a denominator must imply the same total: the
    first pair (by rate code) is taken as reported, the second as implied."""
    m = ctx.share_joins
    pairs = m[m["value_n"].notna()].assign(total=lambda d: ind.implied_total(d["value_n"], d["value_r"]))
    if pairs.empty:
        return
    lo, hi = ind.propagate(
        ind.implied_total, (pairs["low_n"], pairs["high_n"]), (pairs["low_r"], pairs["high_r"])
    )
    pairs = pairs.assign(
        tlo=lo,
        thi=hi,
        pair=pairs["numerator"] + "/" + pairs["code"],
        ids=ids(pairs["obs_id_n"], pairs["obs_id_r"]).to_numpy(),
    )
    key = ["geo", "period", "denominator", "den_std"]
    pairs = pairs.sort_values([*key, "code"])
    first = pairs.drop_duplicates(key, keep="first")
    second = pairs[pairs.duplicated(key, keep="first")].drop_duplicates(key)
    x = first.merge(second, on=key, suffixes=("", "_2"))
    if x.empty:
        return
    yield Comparison(
        x,
        Figures(x["total"], x["tlo"], x["thi"], "exact", x["denominator"]),
        x["total_2"],
        (x["tlo_2"], x["thi_2"]),
        x["pair"] + " * 100 = " + x["pair_2"] + " * 100 (" + x["denominator"] + ")",
        x["ids"] + ";" + x["ids_2"],
    )


@check(
    "share_vs_parts",
    "A rate against its numerator and denominator",
    "Tỷ lệ so với tử số và mẫu số",
    reads=("share_joins",),
)
def share_vs_parts(ctx: Context) -> Iterator[Comparison]:
    """A printed rate against its printed numerator over denominator; where only one of
    them is printed, not checkable, and the note says what the printed figures imply for
    the other."""
    m = ctx.share_joins
    b = m[m["value_n"].notna() & m["value_d"].notna()]
    if len(b):
        box_n = (b["low_n"].to_numpy(float), b["high_n"].to_numpy(float))
        box_d = (b["low_d"].to_numpy(float), b["high_d"].to_numpy(float))
        yield Comparison(
            b,
            Figures.columns(b, "_r"),
            ind.share_pct(b["value_n"].to_numpy(float), b["value_d"].to_numpy(float)),
            ind.propagate(ind.share_pct, box_n, box_d),
            b["numerator"] + " / " + b["denominator"] + " * 100 = reported " + b["code"],
            ids(b["obs_id_r"], b["obs_id_n"], b["obs_id_d"]),
        )
    o = m[m["value_n"].notna() ^ m["value_d"].notna()]
    if len(o):
        have_n = o["value_n"].notna()
        other = np.where(
            have_n,
            ind.implied_total(o["value_n"], o["value_r"]),
            ind.implied_count(o["value_d"], o["value_r"]),
        )
        missing = np.where(have_n, o["denominator"], o["numerator"])
        yield Comparison(
            o,
            Figures.columns(o, "_r"),
            np.nan,
            (np.nan, np.nan),
            o["numerator"] + " / " + o["denominator"] + " * 100 = reported " + o["code"],
            ids(o["obs_id_r"], o["obs_id_n"].fillna("") + o["obs_id_d"].fillna("")),
            "no " + missing + " printed; the printed figures imply " + fmt(other).to_numpy(),
        )


@check("growth_vs_levels", "A growth rate against the two balances", "Tốc độ tăng so với hai số dư")
def growth_vs_levels(ctx: Context) -> Iterator[Comparison]:
    """A printed growth rate (per cent) against the two printed balances; a balance
    carries no poverty standard, so the join is on place and period only."""
    rel = ctx.rel["changes"]
    rel = rel[rel["ind_kind"] == "growth"]
    o = ctx.obs[ctx.obs["pkind"] == "span"].merge(rel, left_on="indicator", right_on="code")
    m = ctx.join_level(o, "_a", "level_of", "a", how="left")
    m = ctx.join_level(m, "_b", "level_of", "b", how="left")
    if m.empty:
        return
    box_a = (m["low_a"].to_numpy(float), m["high_a"].to_numpy(float))
    box_b = (m["low_b"].to_numpy(float), m["high_b"].to_numpy(float))
    point = ind.credit_growth_pct(m["value_a"].to_numpy(float), m["value_b"].to_numpy(float))
    start = pd.Series(ctx.implied_for(m, "level_of", "a", None))
    lvl = m["level_of"]
    note = np.where(
        m["value_a"].isna(),
        "no "
        + lvl
        + " printed for "
        + m["a"]
        + np.where(start.notna(), "; the printed figures imply " + fmt(start).to_numpy(), ""),
        np.where(m["value_b"].isna(), "no " + lvl + " printed for " + m["b"], ""),
    )
    yield Comparison(
        m,
        Figures.columns(m, ""),
        point,
        ind.propagate(ind.credit_growth_pct, box_a, box_b),
        "(" + lvl + " " + m["b"] + " / " + lvl + " " + m["a"] + " - 1) * 100 = reported " + m["code"],
        ids(m["obs_id"], m["obs_id_a"], m["obs_id_b"]),
        note,
    )


# --- parts and wholes -----------------------------------------------------------------


@check("parts_vs_sum", "Parts against their sum", "Các phần so với tổng")
def parts_vs_sum(ctx: Context) -> Iterator[Comparison]:
    """A printed whole against the sum of its printed parts (all of them), and a
    fraction's printed denominator ("106/231") against the whole printed elsewhere."""
    sums = ctx.rel["sums"]
    w = ctx.lv("_w").merge(sums, left_on="indicator_w", right_on="whole")
    m = w.merge(
        ctx.lv("_p"), left_on=["geo", "part", "period_w"], right_on=["geo", "indicator_p", "period_p"]
    )
    key = ["geo", "whole", "period_w"]
    g = (
        m.groupby(key)
        .agg(
            point=("value_p", "sum"),
            lo=("low_p", "sum"),
            hi=("high_p", "sum"),
            n=("part", "size"),
            ids=("obs_id_p", ";".join),
            names=("part", " + ".join),
        )
        .reset_index()
    )
    g = g[g["n"] == g["whole"].map(sums.groupby("whole")["part"].size())]
    g = g.merge(
        ctx.lv("_w"), left_on=["geo", "whole", "period_w"], right_on=["geo", "indicator_w", "period_w"]
    ).rename(columns={"period_w": "period"})
    yield Comparison(
        g,
        Figures.columns(g, "_w"),
        g["point"],
        (g["lo"], g["hi"]),
        g["names"] + " = reported " + g["whole"],
        g["obs_id_w"] + ";" + g["ids"],
    )
    yield from _fraction_denominators(ctx)


def _fraction_denominators(ctx: Context) -> Iterator[Comparison]:
    frac = ctx.obs[ctx.obs["raw"].str.contains(r"\d/\d", regex=True)]
    if frac.empty:
        return
    from ..reading.numbers import parse_figure
    from ..reading.tables import raw_languages

    lang = raw_languages(frac, ctx.p.ds.sources)
    # Only the few figures printed as fractions are parsed again, one by one.
    den = pd.Series(
        [parse_figure(r, lang=g).denominator for r, g in zip(frac["raw"], lang, strict=True)],
        index=frac.index,
    )
    frac = frac.assign(den=den.astype(float)).merge(ctx.rel["part_of"], left_on="indicator", right_on="part")
    m = frac.merge(
        ctx.lv("_w"), left_on=["geo", "whole", "period"], right_on=["geo", "indicator_w", "period_w"]
    )
    yield Comparison(
        m,
        Figures.columns(m, "_w"),
        m["den"],
        (m["den"] - 0.5, m["den"] + 0.5),
        "denominator of '" + m["raw"] + "' = reported " + m["whole"],
        m["obs_id_w"] + ";" + m["obs_id"],
    )


@check("part_within_whole", "A part within its whole", "Phần nằm trong tổng thể")
def part_within_whole(ctx: Context) -> Iterator[Comparison]:
    """A printed whole must reach each printed part: an indicator within the one it is
    ``part_of``, and a place's count within its parent province's (same indicator,
    period and standard)."""
    m = (
        ctx.lv("_p")
        .merge(ctx.rel["part_of"], left_on="indicator_p", right_on="part")
        .merge(
            ctx.lv("_w"), left_on=["geo", "whole", "period_p"], right_on=["geo", "indicator_w", "period_w"]
        )
        .rename(columns={"period_p": "period"})
    )
    yield Comparison(
        m,
        Figures.columns(m, "_w"),
        m["value_p"],
        (m["low_p"], m["high_p"]),
        "reported " + m["whole"] + " >= " + m["part"],
        m["obs_id_w"] + ";" + m["obs_id_p"],
        op=">=",
    )
    kinds = ctx.p.indicators["kind"]
    prov = ctx.p.places["province"]
    c = ctx.lv("_p")
    c = c[(lookup(c["indicator_p"], kinds) == "count") & (lookup(c["geo"], prov) != c["geo"])]
    c = c.assign(province=lookup(c["geo"], prov))
    m = c.merge(
        ctx.lv("_w").rename(columns={"geo": "province"}),
        left_on=["province", "indicator_p", "period_p", "standard_p"],
        right_on=["province", "indicator_w", "period_w", "standard_w"],
    ).rename(columns={"period_p": "period"})
    yield Comparison(
        m,
        Figures.columns(m, "_w"),
        m["value_p"],
        (m["low_p"], m["high_p"]),
        "reported "
        + m["indicator_w"]
        + " of "
        + m["province"]
        + " >= "
        + m["indicator_p"]
        + " of "
        + m["geo"],
        m["obs_id_w"] + ";" + m["obs_id_p"],
        op=">=",
    )


# --- restatements -----------------------------------------------------------------------


@check("restatement", "The same figure printed twice", "Cùng một số liệu đăng hai lần")
def restatement(ctx: Context) -> Iterator[Comparison]:
    """Each figure printed again (same place, indicator, period) against the one the
    reconciliation chose."""
    t = ctx.p.table
    alt = t.loc[
        (t["n_obs"] > 1) & ~t["derived"],
        ["geo", "indicator", "period", "value", "low", "high", "obs_id", "source_id", "alternatives"],
    ]
    alt = alt.assign(other=alt["alternatives"].str.split(";")).explode("other")
    o = ctx.obs.set_index("obs_id")[["value", "low", "high", "qualifier", "source_id", "indicator"]]
    m = alt.join(o.add_suffix("_o"), on="other")
    yield Comparison(
        m,
        Figures.columns(m, "_o"),
        m["value"],
        (m["low"], m["high"]),
        m["indicator"] + " as restated = " + m["indicator"] + " as chosen",
        m["other"] + ";" + m["obs_id"],
        np.where(m["source_id_o"] == m["source_id"], "", "printed by two sources"),
    )


# --- units formed by merger ----------------------------------------------------------------


@check(
    "merged_vs_parts",
    "A merged province against its parts' counts",
    "Tỉnh sau sáp nhập so với số liệu của các tỉnh cũ",
)
def merged_vs_parts(ctx: Context) -> Iterator[Comparison]:
    """A merged unit's printed rate against the rate its parts' counts give together
    (:func:`povlib.derive.as_if_merged`), same year and standard."""
    from ..analysis.derive import as_if_merged

    lv, successors = ctx.lv("_r"), ctx.p.ds.geography["successor"]
    # Only a rate some merged unit prints can be set against its parts, and those are summed
    # in one pass: each pass costs a dozen joins, whatever the size of the data.
    printed = set(lv.loc[lv["geo"].isin(successors[successors != ""]), "indicator_r"])
    rates = [rate for rate in ctx.rel["shares"]["code"] if rate in printed]
    m = as_if_merged(ctx.p, rates)
    m = m[m["value"].notna()]
    j = m.merge(
        lv,
        left_on=["geo", "indicator", "period", "standard"],
        right_on=["geo", "indicator_r", "period_r", "standard_r"],
    )
    if len(j):
        yield Comparison(
            j,
            Figures.columns(j, "_r"),
            j["value"],
            (j["value"], j["value"]),
            "sum of parts' " + j["indicator"] + " counts (" + j["parts"].str.replace(";", " + ")
            + ") = printed " + j["indicator"] + " of the merged unit",
            ids(j["obs_id_r"], j["basis"]),
            np.where(j["derived_inputs"], "a part's count is itself implied by other figures", ""),
        )  # fmt: skip


# --- flows into and out of a stock ------------------------------------------------------------


def _net_flows(ctx: Context) -> pd.DataFrame:
    """Per place, count, period and standard, the printed flows summed with their sign
    (into the count adds, out of it subtracts) and bounds, where every flow of the count
    is printed; ``a``-``b`` are the years the flows cover."""
    from ..reading import periods

    rel = ctx.rel["changes"]
    rel = rel[rel["ind_kind"] == "flow"]
    lv = ctx.levels
    f = lv[lv["indicator"].isin(rel["code"])].merge(rel, left_on="indicator", right_on="code")
    if f.empty:
        return f
    per = periods.parse(f["period"])
    f = f.assign(a=per["start"], b=per["end"], pkind=per["kind"])
    f = f[f["pkind"].isin(["year", "span"])]
    # A rise of the count (sign -1) flows into it; bounds widen the sum.
    into = f["sign"] < 0
    f = f.assign(
        net=np.where(into, f["value"], -f["value"]),
        net_lo=np.where(into, f["low"], -f["high"]),
        net_hi=np.where(into, f["high"], -f["low"]),
    )
    key = ["geo", "level_of", "period", "standard", "a", "b"]
    g = (
        f.groupby(key, sort=True)
        .agg(
            n=("code", "nunique"),
            net=("net", "sum"),
            net_lo=("net_lo", "sum"),
            net_hi=("net_hi", "sum"),
            ids=("obs_id", ";".join),
        )
        .reset_index()
    )
    return g[g["n"] == g["level_of"].map(rel.groupby("level_of")["code"].nunique())]


@check(
    "flows_vs_levels",
    "Households entering and leaving poverty against the two counts",
    "Số hộ thoát nghèo, phát sinh mới, tái nghèo so với hai số hộ nghèo",
)
def flows_vs_levels(ctx: Context) -> Iterator[Comparison]:
    """A count at the start of a period, plus the flows into it, minus the flows out of
    it, against the count at the end: the flows are the indicators of kind ``flow``
    whose ``level_of`` is the count, ``direction`` rise (into it) or fall (out of it).
    A flow's period is the years it covers, so it runs from the review before its first
    year to the review of its last; checked only where every flow of the count is
    printed for the same place, period and standard, and both counts under that
    standard.  Units: the count's (households)."""
    g = _net_flows(ctx)
    if g.empty:
        return
    g = g.assign(start=(g["a"].astype(int) - 1).astype(str), end=g["b"].astype(int).astype(str))
    m = ctx.join_level(g, "_s", "level_of", "start", "standard")
    m = ctx.join_level(m, "_e", "level_of", "end", "standard")
    if m.empty:
        return
    yield Comparison(
        m,
        Figures.columns(m, "_e"),
        m["value_s"] + m["net"],
        (m["low_s"] + m["net_lo"], m["high_s"] + m["net_hi"]),
        m["level_of"] + " at the review before the period + flows into it - flows out of it = "
        + m["level_of"] + " at the end of the period",
        ids(m["obs_id_s"], m["ids"], m["obs_id_e"]),
    )  # fmt: skip


# --- targets ----------------------------------------------------------------------------


@check(
    "target_scored",
    "A target against what was achieved",
    "Mục tiêu so với kết quả đạt được",
    klass="target",
    assumptions=(),
)
def target_scored(ctx: Context) -> Iterator[Comparison]:
    """Every printed target scored once against what was achieved (:mod:`povlib.targets`):
    a finding about progress, in the targets' own words, never a disagreement."""
    from ..analysis import targets

    sc = targets.score(ctx.p, ctx.as_of)
    if sc.empty:
        return
    ask = np.where(
        sc["ask_low"] == sc["ask_high"], fmt(sc["ask_low"]), fmt(sc["ask_low"]) + "-" + fmt(sc["ask_high"])
    )
    what = np.where(
        sc["target_kind"] == "level", sc["level"] + " " + sc["period"], sc["target_kind"] + " " + sc["period"]
    )
    unit = lookup(sc["indicator"], ctx.units).fillna("")
    reached = sc["reached"].where(sc["reached"] == "", "reached: " + sc["reached"])
    yield Comparison(
        sc,
        Figures(sc["achieved"].astype(float), np.nan, np.nan, "exact"),
        np.where(sc["target_kind"] == "level", sc["ask_high"], sc["ask_low"]).astype(float),
        (np.nan, np.nan),
        what + " against target " + ask + " (" + sc["target_period"] + ") [" + unit + "]",
        sc["obs_ids"],
        (reached + "; " + sc["note"]).str.strip("; ").to_numpy(),
        verdict=sc["verdict"].to_numpy(),
        difference=-sc["shortfall"].astype(float).to_numpy(),
    )


# --- plausibility --------------------------------------------------------------------------


@check(
    "households_plausible",
    "Households implied by a reported fall",
    "Số hộ suy ra từ mức giảm đã đăng",
    klass="plausibility",
    assumptions=("household_growth_max",),
)
def households_plausible(ctx: Context) -> Iterator[Comparison]:
    """Households implied at the end of a reported fall in a count, against the start.

    Assumption (stated in each row): households change by at most
    ``household_growth_max`` a year (:class:`Assumptions`).  Applied where a count of a
    rate's numerator and its fall are printed, with the rate at the end.  Units: the
    rate's denominator (households).
    """
    growth = ctx.assumptions.household_growth_max
    rel, sh = ctx.rel["changes"], ctx.rel["shares"]
    fall = rel[(rel["ind_kind"] == "change")].merge(
        sh, left_on="level_of", right_on="numerator", suffixes=("", "_s")
    )
    o = ctx.obs[(ctx.obs["pkind"] == "span") & ~ctx.obs["status"].isin(SETTLED_OUT)]
    m = o.merge(
        fall[["code", "level_of", "code_s", "denominator", "sign"]], left_on="indicator", right_on="code"
    )
    m = ctx.join_level(m, "_c", "level_of", "a", "standard")
    m = ctx.join_level(m, "_r", "code_s", "b", "standard")
    if m.empty:
        return
    start = _households_at_start(ctx)
    m = m.merge(start, left_on=["geo", "denominator", "a"], right_on=["geo", "indicator_h", "period_h"])
    if m.empty:
        return
    sign = m["sign"].to_numpy(float)

    def end_households(c, f, r):
        return (c - sign * f) / (r / 100)

    box = tuple((m[f"low{k}"].to_numpy(float), m[f"high{k}"].to_numpy(float)) for k in ("_c", "", "_r"))
    implied = end_households(*(m[f"value{k}"].to_numpy(float) for k in ("_c", "", "_r")))
    g = (1 + growth) ** m["years"].to_numpy(float)
    start_v = m["value_h"].to_numpy(float)
    note = _plausibility_note(m, implied, start_v, growth)
    yield Comparison(
        m,
        # The start, widened by the assumed change over the span's years; read as "about"
        # (one-sided): only the implied end need fall inside.
        Figures(start_v, m["low_h"] / g, m["high_h"] * g, "about", m["denominator"]),
        implied,
        ind.propagate(end_households, *box),
        "(" + m["level_of"] + " " + m["a"] + " - reported " + m["code"] + ") / " + m["code_s"] + " " + m["b"]
        + " * 100 = " + m["denominator"] + " " + m["a"] + " within the assumed change",
        ids(m["obs_id"], m["obs_id_c"], m["obs_id_r"], m["obs_id_h"]),
        note,
    )  # fmt: skip


def _households_at_start(ctx: Context) -> pd.DataFrame:
    """Households of each place and period, printed or implied by a count and its rate,
    with their bounds, columns suffixed ``_h`` (but ``geo``)."""
    columns = [
        "geo",
        "indicator",
        "period",
        "value",
        "low",
        "high",
        "obs_id",
        "derived",
        "basis",
        "qualifier",
    ]
    return ctx.p.points(columns=columns).add_suffix("_h").rename(columns={"geo_h": "geo"})


def _plausibility_note(m: pd.DataFrame, implied, start_v, growth: float) -> np.ndarray:
    """The assumption, and the households the fall implies against those at the start."""
    change = pd.Series((implied / start_v - 1) * 100).map(lambda v: f"{v:+.1f}%").to_numpy()
    return (
        "assumption: households change by at most " + f"{growth * 100:g}% a year; the reported fall implies "
        + fmt(implied).to_numpy() + " " + m["denominator"] + " in " + m["b"] + ", "
        + change + " on " + fmt(start_v).to_numpy()
        + " in " + m["a"] + np.where(m["derived_h"], " (itself implied: " + m["basis_h"] + ")", "")
    ).to_numpy()  # fmt: skip

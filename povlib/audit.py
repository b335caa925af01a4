"""Consistency audit: do the sources' own figures agree with each other?

Each check states a relation between printed figures (for example ``rate 2022
- rate 2023 = reported fall``), computes the side implied by the other figures
with :func:`povlib.indicators.propagate`, and compares it with the reported
side.  The tolerance is what the printed precision and qualifiers of all the
inputs allow.  The relations come from the indicator metadata (``level_of``,
``direction``, ``numerator``/``denominator``, ``parts``, ``part_of``); every
check is a join over the panel's tables, so the audit is linear in the data.

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
between sources) or ``plausibility`` (a check resting on a stated assumption).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import indicators as ind
from ._callable import make_callable
from .implied import relations
from .panel import Panel, panel
from .standards import NOT_COMPARABLE, spans_break

COLUMNS = [
    "check_id",
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
ONE_SIDED = ("more than", "at least", "under", "nearly", "about")
HOUSEHOLD_GROWTH_MAX = 0.03
"""Plausibility assumption: the number of households changes by at most 3% a year."""

LABELS = {
    "change_vs_levels": ("A reported change against the two levels", "Mức thay đổi đã đăng so với hai mức"),
    "pace_vs_counts": ("A reported pace against household counts", "Tốc độ đã đăng so với số hộ"),
    "total_vs_count_rate": ("A total against its count and rate", "Tổng số so với số lượng và tỷ lệ"),
    "totals_from_two_counts": (
        "Two counts and rates imply the same total",
        "Hai cặp số lượng, tỷ lệ cho cùng một tổng",
    ),
    "share_vs_parts": ("A rate against its numerator and denominator", "Tỷ lệ so với tử số và mẫu số"),
    "growth_vs_levels": ("A growth rate against the two balances", "Tốc độ tăng so với hai số dư"),
    "parts_vs_sum": ("Parts against their sum", "Các phần so với tổng"),
    "part_within_whole": ("A part within its whole", "Phần nằm trong tổng thể"),
    "restatement": ("The same figure printed twice", "Cùng một số liệu đăng hai lần"),
    "merged_vs_parts": (
        "A merged province against its parts' counts",
        "Tỉnh sau sáp nhập so với số liệu của các tỉnh cũ",
    ),
    "flows_vs_levels": (
        "Households entering and leaving poverty against the two counts",
        "Số hộ thoát nghèo, phát sinh mới, tái nghèo so với hai số hộ nghèo",
    ),
    "target_scored": ("A target against what was achieved", "Mục tiêu so với kết quả đạt được"),
    "households_plausible": ("Households implied by a reported fall", "Số hộ suy ra từ mức giảm đã đăng"),
}
"""Human-readable names of the checks, (English, Vietnamese)."""


AGREES, LIMIT, PROVISIONAL, DISAGREES = "agrees", "reading limit", "provisional replaced", "disagreement"
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


def _findings(out: pd.DataFrame, obs: pd.DataFrame) -> pd.Series:
    """The finding of each row (see :data:`FINDINGS`); a target's is its verdict."""
    provisional = set(obs.loc[obs["status"].isin(["estimate", "preliminary"]), "obs_id"])
    ids = out["obs_ids"].str.split(";").explode()
    has_prov = ids.isin(provisional).groupby(level=0).any().reindex(out.index, fill_value=False)
    v = out["verdict"]
    agreement = np.select(
        [v.isin(["consistent", "within rounding"]), v != "inconsistent", out["finding"] == LIMIT, has_prov],
        [AGREES, v, LIMIT, PROVISIONAL],
        default=DISAGREES,
    )
    plaus = np.select(
        [v.isin(["consistent", "within rounding"]), v == "inconsistent"],
        ["plausible", "implausible"],
        default=v,
    )
    return pd.Series(
        np.select(
            [out["class"] == "agreement", out["class"] == "plausibility"], [agreement, plaus], default=v
        ),
        index=out.index,
    )


def label(check: str, lang: str = "en") -> str:
    """Readable name of a check in English or Vietnamese."""
    return LABELS[check][0 if lang == "en" else 1]


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


def _fmt(x) -> pd.Series:
    """Numbers for notes: thousands grouped above 1,000, four significant digits below.
    Formatted once per distinct value."""
    x = pd.Series(x, dtype=float)
    distinct = pd.Series(x.unique())
    text = distinct.map(lambda v: "" if not np.isfinite(v) else f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.4g}")
    return x.map(dict(zip(distinct, text, strict=True))).fillna("")


def _ids(*cols) -> pd.Series:
    from .implied import join_ids

    return join_ids(*cols)


def _rows(
    check, klass, m: pd.DataFrame, rep: str, imp, lo, hi, relation, ids, note="", op="=", units=None
) -> pd.DataFrame:
    """Audit rows from a joined frame; ``rep`` is the prefix of the reported columns
    (``value{rep}``, ``low{rep}``, ``high{rep}``, ``qualifier{rep}``, ``indicator{rep}``).
    Where the frame has ``crosses`` (a span from a review under one poverty standard to
    one under another), nothing is implied and the verdict says the standard changed."""
    if m.empty:
        return pd.DataFrame(columns=COLUMNS[1:])
    n = len(m)
    val = m[f"value{rep}"].to_numpy(float)
    rlo, rhi = m[f"low{rep}"].to_numpy(float), m[f"high{rep}"].to_numpy(float)
    imp, lo, hi = (np.broadcast_to(np.asarray(x, float), (n,)) for x in (imp, lo, hi))
    crosses = m["crosses"].fillna(False).to_numpy(bool) if "crosses" in m else np.zeros(n, bool)
    imp = np.where(crosses, np.nan, imp)
    one = m[f"qualifier{rep}"].isin(ONE_SIDED).to_numpy()
    v = np.where(crosses, NOT_COMPARABLE, verdicts(val, rlo, rhi, imp, lo, hi, one, op))
    # A printed figure may have been truncated rather than rounded, or be one unit of its
    # last digit off (a slip of arithmetic or typing): limits of the reading, not conflicts.
    # Truncation of the figures it is checked against doubles the reach of their rounding
    # (a figure then stands for [v - u/2, v + u] rather than [v - u/2, v + u/2]).
    last = np.where(rhi - rlo > 0, rhi - rlo, np.where(np.mod(val, 1) == 0, 1.0, 0.0))
    with np.errstate(invalid="ignore"):
        truncated = (val <= hi) & (lo <= val + last)
        inputs_truncated = np.abs(val - imp) <= (hi - lo) + (rhi - rlo) / 2
        slip = np.abs(val - imp) - ((rhi - rlo) / 2 + (hi - lo) / 2) <= last + 1e-9
    limit = (v == "inconsistent") & (truncated | inputs_truncated | slip)
    note = np.where(
        crosses,
        "the span runs from a review under one poverty standard to a review under another",
        pd.Series(note, index=m.index).to_numpy(),
    )
    finite = np.isfinite(imp)
    unit = m[f"indicator{rep}"].map(units).fillna("") if units is not None else ""
    rel = pd.Series(relation, index=m.index).astype(str)
    rel = rel + np.where(
        pd.Series(unit, index=m.index) != "", " [" + pd.Series(unit, index=m.index).astype(str) + "]", ""
    )
    return pd.DataFrame(
        {
            "check": check,
            "class": klass,
            "geo": m["geo"].to_numpy(),
            "period": pd.Series(m["period"]).to_numpy(),
            "relation": rel.to_numpy(),
            "reported": val,
            "implied": np.where(finite, imp, np.nan),
            "difference": np.where(finite, val - imp, np.nan),
            "tolerance": np.where(finite, (rhi - rlo) / 2 + (hi - lo) / 2, np.nan),
            "verdict": v,
            "finding": np.where(limit, LIMIT, ""),
            "obs_ids": pd.Series(ids).to_numpy() if not isinstance(ids, str) else ids,
            "note": note,
        }
    )


class _Audit:
    """The checks, each a join over ``obs`` (every printed figure with bounds) and
    ``levels`` (the reconciled printed outcome points)."""

    def __init__(self, p: Panel, as_of: int | None = None):
        self.p = p
        self.as_of = as_of
        self.obs = p.obs.assign(_per=p.obs["period"])
        from . import periods

        per = periods.parse(self.obs["period"])
        span = per["kind"] == "span"
        self.obs = self.obs.assign(
            a=per["start"].astype("string"),
            b=per["end"].astype("string"),
            years=per["years"],
            pkind=per["kind"],
            # A span from a review under one standard to a review under another.
            crosses=span & spans_break(p.ds.standards, per["start"], per["end"]),
        )
        pts = p.points(derived=False)
        self.levels = pts[
            [
                "geo",
                "indicator",
                "period",
                "standard",
                "value",
                "low",
                "high",
                "qualifier",
                "obs_id",
                "status",
                "source_id",
            ]
        ]
        self.implied = p.table[p.table["derived"]][["geo", "indicator", "period", "standard", "value"]]
        self.rel = relations(p.ds.indicators)
        self.units = p.indicators["unit"]
        self.out: list[pd.DataFrame] = []

    def lv(self, suffix: str) -> pd.DataFrame:
        return self.levels.add_suffix(suffix).rename(columns={f"geo{suffix}": "geo"})

    def join_level(self, frame, suffix, indicator, period, standard=None, how="inner"):
        """``frame`` joined with the printed levels, their columns suffixed ``suffix``:
        same place, the indicator in column ``indicator``, the period in column ``period``
        and, if ``standard`` names a column, the same poverty standard."""
        left = ["geo", indicator, period] + ([standard] if standard else [])
        right = ["geo", f"indicator{suffix}", f"period{suffix}"] + ([f"standard{suffix}"] if standard else [])
        return frame.merge(self.lv(suffix), how=how, left_on=left, right_on=right)

    def add(self, frame: pd.DataFrame) -> None:
        if len(frame):
            self.out.append(frame)

    # --- changes ----------------------------------------------------------------

    def changes_vs_levels(self):
        rel = self.rel["changes"]
        rel = rel[rel["ind_kind"].isin(["change", "pace"])]
        o = self.obs[self.obs["pkind"] == "span"].merge(rel, left_on="indicator", right_on="code")
        # Targets are findings about progress, scored once in targets().
        o = o[~o["status"].isin(["target", "plan"])]
        lv = self.lv("_a")
        m = o.merge(
            lv,
            how="left",
            left_on=["geo", "level_of", "a", "standard"],
            right_on=["geo", "indicator_a", "period_a", "standard_a"],
        )
        m = m.merge(
            self.lv("_b"),
            how="left",
            left_on=["geo", "level_of", "b", "standard"],
            right_on=["geo", "indicator_b", "period_b", "standard_b"],
        )
        if m.empty:
            return
        per_year = (m["ind_kind"] == "pace").to_numpy()
        yrs = np.where(per_year, m["years"].astype(float), 1.0)
        sign = m["sign"].to_numpy(float)

        def f(x, y):
            return sign * (x - y) / yrs

        point = f(m["value_a"].to_numpy(float), m["value_b"].to_numpy(float))
        lo, hi = ind.propagate(
            f,
            (m["low_a"].to_numpy(float), m["high_a"].to_numpy(float)),
            (m["low_b"].to_numpy(float), m["high_b"].to_numpy(float)),
        )
        word = np.where(sign > 0, "fall", "rise")
        first, second = (np.where(sign > 0, m["a"], m["b"]), np.where(sign > 0, m["b"], m["a"]))
        relation = (
            "("
            + m["level_of"]
            + " "
            + first
            + " - "
            + m["level_of"]
            + " "
            + second
            + ")"
            + np.where(per_year, " / " + m["years"].astype(str), "")
            + " = reported "
            + word
            + np.where(per_year, " per year", "")
        )
        miss_a, miss_b = m["value_a"].isna(), m["value_b"].isna()
        # What the printed figures imply for the missing level, from the panel's derived rows.
        imp = self.implied.rename(columns={"value": "_imp"})
        ma = m.merge(
            imp,
            how="left",
            left_on=["geo", "level_of", "a", "standard"],
            right_on=["geo", "indicator", "period", "standard"],
            suffixes=("", "_i"),
        )
        mb = m.merge(
            imp,
            how="left",
            left_on=["geo", "level_of", "b", "standard"],
            right_on=["geo", "indicator", "period", "standard"],
            suffixes=("", "_i"),
        )
        miss_year = np.where(miss_a, m["a"], m["b"])
        implied_other = np.where(miss_a, ma["_imp"], mb["_imp"]).astype(float)
        note = np.where(
            miss_a | miss_b,
            "no "
            + m["level_of"]
            + " printed for "
            + miss_year
            + np.where(
                np.isfinite(implied_other) & ~per_year,
                "; the printed figures imply " + _fmt(implied_other).to_numpy() + " for it",
                "",
            ),
            "",
        )
        self.add(
            _rows(
                "change_vs_levels",
                "agreement",
                m,
                "",
                point,
                lo,
                hi,
                relation,
                _ids(m["obs_id"], m["obs_id_a"], m["obs_id_b"]),
                note,
                units=self.units,
            )
        )

    def pace_vs_counts(self):
        """A reported pace per year against the pace implied by counts and a rate."""
        rel, sh = self.rel["changes"], self.rel["shares"]
        pace = rel[rel["ind_kind"] == "pace"].merge(
            sh, left_on="level_of", right_on="code", suffixes=("", "_s")
        )
        count_change = rel[rel["ind_kind"] == "change"][["code", "level_of"]].rename(
            columns={"code": "count_change", "level_of": "numerator"}
        )
        pace = pace.merge(count_change, on="numerator")
        o = self.obs[~self.obs["status"].isin(["target", "plan"])].merge(
            pace[["code", "level_of", "numerator", "count_change"]], left_on="indicator", right_on="code"
        )
        m = self.join_level(o, "_c", "numerator", "b", "standard")
        m = self.join_level(m, "_r", "level_of", "b", "standard")
        m = self.join_level(m, "_f", "count_change", "period", "standard")
        if m.empty:
            return
        yrs = m["years"].to_numpy(float)
        box_c = (m["low_c"].to_numpy(float), m["high_c"].to_numpy(float))
        box_r = (m["low_r"].to_numpy(float), m["high_r"].to_numpy(float))
        box_f = (m["low_f"].to_numpy(float), m["high_f"].to_numpy(float))

        def pp(c, r, f):
            return ind.pace_from_counts_pp(c, r, f, yrs)

        def rel_pct(c, f):
            return ind.relative_pace_from_counts_pct(c, f, yrs)

        c, r, f = (m[f"value_{k}"].to_numpy(float) for k in "crf")
        ids = _ids(m["obs_id"], m["obs_id_c"], m["obs_id_r"], m["obs_id_f"])
        self.add(
            _rows(
                "pace_vs_counts",
                "agreement",
                m,
                "",
                pp(c, r, f),
                *ind.propagate(pp, box_c, box_r, box_f),
                "(poor "
                + m["a"]
                + " / households - rate "
                + m["b"]
                + ") / "
                + m["years"].astype(str)
                + " = reported fall per year, households held"
                " constant, reading the figure as points",
                ids,
                units=self.units,
            )
        )
        self.add(
            _rows(
                "pace_vs_counts",
                "agreement",
                m,
                "",
                rel_pct(c, f),
                *ind.propagate(rel_pct, box_c, box_f),
                "1 - (poor "
                + m["b"]
                + " / poor "
                + m["a"]
                + ")^(1/"
                + m["years"].astype(str)
                + ") = reported fall per year, reading the"
                " figure as a relative fall in per cent",
                ids,
                units=self.units,
            )
        )

    # --- shares and totals -----------------------------------------------------------

    def _share_pairs(self) -> pd.DataFrame:
        """Each printed rate with its printed numerator (same place, period, standard)."""
        sh = self.rel["shares"]
        needs = self.p.indicators["standard"]
        r = self.lv("_r").merge(sh, left_on="indicator_r", right_on="code")
        r = r.assign(
            den_std=np.where(r["denominator"].map(needs) == "yes", r["standard_r"], ""),
            num_std=np.where(r["numerator"].map(needs) == "yes", r["standard_r"], ""),
        )
        return r

    def shares(self):
        r = self._share_pairs()
        m = self.join_level(r, "_n", "numerator", "period_r", "num_std", how="left")
        m = self.join_level(m, "_d", "denominator", "period_r", "den_std", how="left")
        m = m.rename(columns={"period_r": "period"})
        both = m["value_n"].notna() & m["value_d"].notna()
        one = m["value_n"].notna() ^ m["value_d"].notna()
        b = m[both]
        if len(b):
            box = (
                (b["low_n"].to_numpy(float), b["high_n"].to_numpy(float)),
                (b["low_d"].to_numpy(float), b["high_d"].to_numpy(float)),
            )
            self.add(
                _rows(
                    "share_vs_parts",
                    "agreement",
                    b,
                    "_r",
                    ind.share_pct(b["value_n"].to_numpy(float), b["value_d"].to_numpy(float)),
                    *ind.propagate(ind.share_pct, *box),
                    b["numerator"] + " / " + b["denominator"] + " * 100 = reported " + b["code"],
                    _ids(b["obs_id_r"], b["obs_id_n"], b["obs_id_d"]),
                    units=self.units,
                )
            )
            t = b.assign(value_t=ind.implied_total(b["value_n"], b["value_r"]))
            lo, hi = ind.propagate(
                ind.implied_total, box[0], (t["low_r"].to_numpy(float), t["high_r"].to_numpy(float))
            )
            self.add(
                _rows(
                    "total_vs_count_rate",
                    "agreement",
                    t,
                    "_d",
                    t["value_t"],
                    lo,
                    hi,
                    t["numerator"] + "/" + t["code"] + " * 100 = reported " + t["denominator"],
                    _ids(t["obs_id_d"], t["obs_id_n"], t["obs_id_r"]),
                    units=self.units,
                )
            )
        o = m[one]
        if len(o):
            have_n = o["value_n"].notna()
            other = np.where(
                have_n,
                ind.implied_total(o["value_n"], o["value_r"]),
                ind.implied_count(o["value_d"], o["value_r"]),
            )
            missing = np.where(have_n, o["denominator"], o["numerator"])
            self.add(
                _rows(
                    "share_vs_parts",
                    "agreement",
                    o,
                    "_r",
                    np.nan,
                    np.nan,
                    np.nan,
                    o["numerator"] + " / " + o["denominator"] + " * 100 = reported " + o["code"],
                    _ids(o["obs_id_r"], o["obs_id_n"].fillna("") + o["obs_id_d"].fillna("")),
                    "no " + missing + " printed; the printed figures imply " + _fmt(other).to_numpy(),
                    units=self.units,
                )
            )
        # Two (count, rate) pairs that share a denominator must imply the same total.
        pairs = m[m["value_n"].notna()].assign(total=lambda d: ind.implied_total(d["value_n"], d["value_r"]))
        if len(pairs):
            lo, hi = ind.propagate(
                ind.implied_total, (pairs["low_n"], pairs["high_n"]), (pairs["low_r"], pairs["high_r"])
            )
            pairs = pairs.assign(
                tlo=lo,
                thi=hi,
                pair=pairs["numerator"] + "/" + pairs["code"],
                ids=_ids(pairs["obs_id_n"], pairs["obs_id_r"]).to_numpy(),
            )
            key = ["geo", "period", "denominator", "den_std"]
            pairs = pairs.sort_values([*key, "code"])
            first = pairs.drop_duplicates(key, keep="first")
            second = pairs[pairs.duplicated(key, keep="first")].drop_duplicates(key)
            x = first.merge(second, on=key, suffixes=("", "_2"))
            if len(x):
                x = x.assign(
                    value_x=x["total"],
                    low_x=x["tlo"],
                    high_x=x["thi"],
                    qualifier_x="exact",
                    indicator_x=x["denominator"],
                )
                self.add(
                    _rows(
                        "totals_from_two_counts",
                        "agreement",
                        x,
                        "_x",
                        x["total_2"],
                        x["tlo_2"],
                        x["thi_2"],
                        x["pair"] + " * 100 = " + x["pair_2"] + " * 100 (" + x["denominator"] + ")",
                        x["ids"] + ";" + x["ids_2"],
                        units=self.units,
                    )
                )

    def plausibility(self):
        """Households implied at the end of a reported fall in a count, against the start.

        Assumption (stated in each row): households change by at most
        :data:`HOUSEHOLD_GROWTH_MAX` a year.  Applied where a count of a rate's
        numerator and its fall are printed, with the rate at the end.
        """
        rel, sh = self.rel["changes"], self.rel["shares"]
        fall = rel[(rel["ind_kind"] == "change")].merge(
            sh, left_on="level_of", right_on="numerator", suffixes=("", "_s")
        )
        o = self.obs[(self.obs["pkind"] == "span") & ~self.obs["status"].isin(["target", "plan"])]
        m = o.merge(
            fall[["code", "level_of", "code_s", "denominator", "sign"]],
            left_on="indicator",
            right_on="code",
        )
        m = self.join_level(m, "_c", "level_of", "a", "standard")
        m = self.join_level(m, "_r", "code_s", "b", "standard")
        if m.empty:
            return
        # Households at the start: printed, or implied by the count and rate at the start.
        start = (
            self.p.points()[
                [
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
            ]
            .add_suffix("_h")
            .rename(columns={"geo_h": "geo"})
        )
        m = m.merge(start, left_on=["geo", "denominator", "a"], right_on=["geo", "indicator_h", "period_h"])
        if m.empty:
            return
        yrs = m["years"].to_numpy(float)
        sign = m["sign"].to_numpy(float)

        def end_households(c, f, r):
            return (c - sign * f) / (r / 100)

        box = (
            (m["low_c"].to_numpy(float), m["high_c"].to_numpy(float)),
            (m["low"].to_numpy(float), m["high"].to_numpy(float)),
            (m["low_r"].to_numpy(float), m["high_r"].to_numpy(float)),
        )
        implied = end_households(
            m["value_c"].to_numpy(float), m["value"].to_numpy(float), m["value_r"].to_numpy(float)
        )
        lo, hi = ind.propagate(end_households, *box)
        g = (1 + HOUSEHOLD_GROWTH_MAX) ** yrs
        start_v = m["value_h"].to_numpy(float)
        x = m.assign(
            value_x=start_v,
            low_x=m["low_h"].to_numpy(float) / g,
            high_x=m["high_h"].to_numpy(float) * g,
            qualifier_x="about",
            indicator_x=m["denominator"],
        )
        change = (implied / start_v - 1) * 100
        note = (
            "assumption: households change by at most "
            + f"{HOUSEHOLD_GROWTH_MAX * 100:g}% a year; the reported fall implies "
            + _fmt(implied).to_numpy()
            + " "
            + m["denominator"]
            + " in "
            + m["b"]
            + ", "
            + pd.Series(change).map(lambda v: f"{v:+.1f}%").to_numpy()
            + " on "
            + _fmt(start_v).to_numpy()
            + " in "
            + m["a"]
            + np.where(m["derived_h"], " (itself implied: " + m["basis_h"] + ")", "")
        )
        self.add(
            _rows(
                "households_plausible",
                "plausibility",
                x,
                "_x",
                implied,
                lo,
                hi,
                "("
                + m["level_of"]
                + " "
                + m["a"]
                + " - reported "
                + m["code"]
                + ") / "
                + m["code_s"]
                + " "
                + m["b"]
                + " * 100 = "
                + m["denominator"]
                + " "
                + m["a"]
                + " within the assumed change",
                _ids(m["obs_id"], m["obs_id_c"], m["obs_id_r"], m["obs_id_h"]),
                note,
                units=self.units,
            )
        )

    def growth_vs_levels(self):
        rel = self.rel["changes"]
        rel = rel[rel["ind_kind"] == "growth"]
        o = self.obs[self.obs["pkind"] == "span"].merge(rel, left_on="indicator", right_on="code")
        # A balance carries no poverty standard: join on place and period only.
        m = self.join_level(o, "_a", "level_of", "a", how="left")
        m = self.join_level(m, "_b", "level_of", "b", how="left")
        if m.empty:
            return
        box = (
            (m["low_a"].to_numpy(float), m["high_a"].to_numpy(float)),
            (m["low_b"].to_numpy(float), m["high_b"].to_numpy(float)),
        )
        point = ind.credit_growth_pct(m["value_a"].to_numpy(float), m["value_b"].to_numpy(float))
        lo, hi = ind.propagate(ind.credit_growth_pct, *box)
        imp = self.implied.rename(columns={"value": "_imp"})
        ma = m.merge(
            imp,
            how="left",
            left_on=["geo", "level_of", "a"],
            right_on=["geo", "indicator", "period"],
            suffixes=("", "_i"),
        )
        note = np.where(
            m["value_a"].isna(),
            "no "
            + m["level_of"]
            + " printed for "
            + m["a"]
            + np.where(ma["_imp"].notna(), "; the printed figures imply " + _fmt(ma["_imp"]).to_numpy(), ""),
            np.where(m["value_b"].isna(), "no " + m["level_of"] + " printed for " + m["b"], ""),
        )
        self.add(
            _rows(
                "growth_vs_levels",
                "agreement",
                m,
                "",
                point,
                lo,
                hi,
                "("
                + m["level_of"]
                + " "
                + m["b"]
                + " / "
                + m["level_of"]
                + " "
                + m["a"]
                + " - 1) * 100 = reported "
                + m["code"],
                _ids(m["obs_id"], m["obs_id_a"], m["obs_id_b"]),
                note,
                units=self.units,
            )
        )

    def parts(self):
        sums = self.rel["sums"]
        w = self.lv("_w").merge(sums, left_on="indicator_w", right_on="whole")
        m = w.merge(
            self.lv("_p"), left_on=["geo", "part", "period_w"], right_on=["geo", "indicator_p", "period_p"]
        )
        key = ["geo", "whole", "period_w"]
        n_parts = sums.groupby("whole")["part"].size()
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
        g = g[g["n"] == g["whole"].map(n_parts)]
        g = g.merge(
            self.lv("_w"), left_on=["geo", "whole", "period_w"], right_on=["geo", "indicator_w", "period_w"]
        ).rename(columns={"period_w": "period"})
        self.add(
            _rows(
                "parts_vs_sum",
                "agreement",
                g,
                "_w",
                g["point"],
                g["lo"],
                g["hi"],
                g["names"] + " = reported " + g["whole"],
                g["obs_id_w"] + ";" + g["ids"],
                units=self.units,
            )
        )
        po = self.rel["part_of"]
        m = (
            self.lv("_p")
            .merge(po, left_on="indicator_p", right_on="part")
            .merge(
                self.lv("_w"),
                left_on=["geo", "whole", "period_p"],
                right_on=["geo", "indicator_w", "period_w"],
            )
            .rename(columns={"period_p": "period"})
        )
        self.add(
            _rows(
                "part_within_whole",
                "agreement",
                m,
                "_w",
                m["value_p"],
                m["low_p"],
                m["high_p"],
                "reported " + m["whole"] + " >= " + m["part"],
                m["obs_id_w"] + ";" + m["obs_id_p"],
                op=">=",
                units=self.units,
            )
        )
        # A place's count within its parent province's, same indicator, period and standard.
        kinds = self.p.indicators["kind"]
        prov = self.p.places["province"]
        c = self.lv("_p")
        c = c[(c["indicator_p"].map(kinds) == "count") & (c["geo"].map(prov) != c["geo"])]
        c = c.assign(province=c["geo"].map(prov))
        m = c.merge(
            self.lv("_w").rename(columns={"geo": "province"}),
            left_on=["province", "indicator_p", "period_p", "standard_p"],
            right_on=["province", "indicator_w", "period_w", "standard_w"],
        ).rename(columns={"period_p": "period"})
        self.add(
            _rows(
                "part_within_whole",
                "agreement",
                m,
                "_w",
                m["value_p"],
                m["low_p"],
                m["high_p"],
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
                units=self.units,
            )
        )
        # A fraction's denominator ("106/231") against the whole printed elsewhere.
        frac = self.obs[self.obs["raw"].str.contains(r"\d/\d", regex=True)]
        if len(frac):
            from .numbers import parse_figure
            from .tables import raw_languages

            lang = raw_languages(frac, self.p.ds.sources)
            den = pd.Series(
                [parse_figure(r, lang=g).denominator for r, g in zip(frac["raw"], lang, strict=True)],
                index=frac.index,
            )
            frac = frac.assign(den=den.astype(float)).merge(po, left_on="indicator", right_on="part")
            m = frac.merge(
                self.lv("_w"), left_on=["geo", "whole", "period"], right_on=["geo", "indicator_w", "period_w"]
            )
            self.add(
                _rows(
                    "parts_vs_sum",
                    "agreement",
                    m,
                    "_w",
                    m["den"],
                    m["den"] - 0.5,
                    m["den"] + 0.5,
                    "denominator of '" + m["raw"] + "' = reported " + m["whole"],
                    m["obs_id_w"] + ";" + m["obs_id"],
                    units=self.units,
                )
            )

    def restatements(self):
        t = self.p.printed
        alt = t.loc[
            t["n_obs"] > 1,
            ["geo", "indicator", "period", "value", "low", "high", "obs_id", "source_id", "alternatives"],
        ]
        alt = alt.assign(other=alt["alternatives"].str.split(";")).explode("other")
        o = self.obs.set_index("obs_id")[
            ["value", "low", "high", "qualifier", "source_id", "indicator"]
        ].add_suffix("_o")
        m = alt.join(o, on="other")
        self.add(
            _rows(
                "restatement",
                "agreement",
                m,
                "_o",
                m["value"],
                m["low"],
                m["high"],
                m["indicator"] + " as restated = " + m["indicator"] + " as chosen",
                m["other"] + ";" + m["obs_id"],
                np.where(m["source_id_o"] == m["source_id"], "", "printed by two sources"),
                units=self.units,
            )
        )

    # --- units formed by merger -----------------------------------------------------

    def merged(self):
        """A merged unit's printed rate against the rate its parts' counts give together
        (:func:`povlib.derive.as_if_merged`), same year and standard."""
        from .derive import as_if_merged

        shares = self.rel["shares"]
        for rate in shares["code"]:
            m = as_if_merged(self.p, rate)
            m = m[m["value"].notna()]
            if m.empty:
                continue
            j = m.merge(
                self.lv("_r"),
                left_on=["geo", "indicator", "period", "standard"],
                right_on=["geo", "indicator_r", "period_r", "standard_r"],
            )
            if j.empty:
                continue
            self.add(
                _rows(
                    "merged_vs_parts",
                    "agreement",
                    j,
                    "_r",
                    j["value"],
                    j["value"],
                    j["value"],
                    "sum of parts' "
                    + j["indicator"]
                    + " counts ("
                    + j["parts"].str.replace(";", " + ")
                    + ") = printed "
                    + j["indicator"]
                    + " of the merged unit",
                    _ids(j["obs_id_r"], j["basis"]),
                    np.where(j["derived_inputs"], "a part's count is itself implied by other figures", ""),
                    units=self.units,
                )
            )

    # --- flows into and out of a stock -------------------------------------------

    def flows(self):
        """A count at the start of a period, plus the flows into it, minus the flows out of
        it, against the count at the end: the flows are the indicators of kind ``flow``
        whose ``level_of`` is the count, ``direction`` rise (into it) or fall (out of it).
        A flow's period is the years it covers, so it runs from the review before its first
        year to the review of its last; checked only where every flow of the count is
        printed for the same place, period and standard, and both counts under that
        standard.  Units: the count's (households)."""
        rel = self.rel["changes"]
        rel = rel[rel["ind_kind"] == "flow"]
        lv = self.levels
        f = lv[lv["indicator"].isin(rel["code"])].merge(rel, left_on="indicator", right_on="code")
        if f.empty:
            return
        from . import periods

        per = periods.parse(f["period"])
        f = f.assign(a=per["start"], b=per["end"], pkind=per["kind"])
        f = f[f["pkind"].isin(["year", "span"])]
        # Into the count adds (sign -1 for a rise), out of it subtracts; bounds widen the sum.
        into = f["sign"] < 0
        f = f.assign(
            net=np.where(into, f["value"], -f["value"]),
            net_lo=np.where(into, f["low"], -f["high"]),
            net_hi=np.where(into, f["high"], -f["low"]),
        )
        need = rel.groupby("level_of")["code"].nunique()
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
        g = g[g["n"] == g["level_of"].map(need)]
        if g.empty:
            return
        g = g.assign(start=(g["a"].astype(int) - 1).astype(str), end=g["b"].astype(int).astype(str))
        m = self.join_level(g, "_s", "level_of", "start", "standard")
        m = self.join_level(m, "_e", "level_of", "end", "standard")
        if m.empty:
            return
        self.add(
            _rows(
                "flows_vs_levels",
                "agreement",
                m,
                "_e",
                m["value_s"] + m["net"],
                m["low_s"] + m["net_lo"],
                m["high_s"] + m["net_hi"],
                m["level_of"]
                + " at the review before the period + flows into it - flows out of it = "
                + m["level_of"]
                + " at the end of the period",
                _ids(m["obs_id_s"], m["ids"], m["obs_id_e"]),
                units=self.units,
            )
        )

    # --- targets ---------------------------------------------------------------------

    def targets(self):
        """Every printed target scored once against what was achieved (:mod:`povlib.targets`):
        a finding about progress, in the targets' own words, never a disagreement."""
        from . import targets

        sc = targets.score(self.p, self.as_of)
        if sc.empty:
            return
        ask = np.where(
            sc["ask_low"] == sc["ask_high"],
            _fmt(sc["ask_low"]),
            _fmt(sc["ask_low"]) + "-" + _fmt(sc["ask_high"]),
        )
        what = np.where(
            sc["target_kind"] == "level",
            sc["level"] + " " + sc["period"],
            sc["target_kind"] + " " + sc["period"],
        )
        unit = sc["indicator"].map(self.units).fillna("")
        self.add(
            pd.DataFrame(
                {
                    "check": "target_scored",
                    "class": "target",
                    "geo": sc["geo"],
                    "period": sc["period"],
                    "relation": what
                    + " against target "
                    + ask
                    + " ("
                    + sc["target_period"]
                    + ") ["
                    + unit
                    + "]",
                    "reported": sc["achieved"].astype(float),
                    "implied": np.where(sc["target_kind"] == "level", sc["ask_high"], sc["ask_low"]).astype(
                        float
                    ),
                    "difference": -sc["shortfall"].astype(float),
                    "tolerance": np.nan,
                    "verdict": sc["verdict"],
                    "finding": sc["verdict"],
                    "obs_ids": sc["obs_ids"],
                    "note": (
                        sc["reached"].where(sc["reached"] == "", "reached: " + sc["reached"])
                        + "; "
                        + sc["note"]
                    ).str.strip("; "),
                }
            )
        )


def implausible_years(table: pd.DataFrame) -> pd.DataFrame:
    """Places and review years (``geo``, ``year``) whose household totals a plausibility
    check of ``table`` (an :func:`audit` result) found implausible: both ends of the
    check's span, since the check cannot tell which total is off.  A ratio should not
    use them as denominators."""
    bad = table[(table["class"] == "plausibility") & (table["finding"] == "implausible")]
    years = bad["period"].str.split("-").explode()
    return pd.DataFrame({"geo": bad.loc[years.index, "geo"], "year": years.astype(int)}).drop_duplicates()


def audit(data=None, as_of: int | None = None) -> pd.DataFrame:
    """Run every check on a loaded dataset (or panel); one row per check, in a stable order.

    Columns: ``check_id``, ``check``, ``class`` (agreement, target,
    plausibility), ``geo``, ``period``, ``relation`` (with the unit of the
    reported side), ``reported``, ``implied``, ``difference`` (reported -
    implied), ``tolerance`` (half-widths of both intervals), ``verdict``,
    ``obs_ids`` and ``note``.
    """
    p = data if isinstance(data, Panel) else panel(data)
    a = _Audit(p, as_of)
    for step in (
        a.changes_vs_levels,
        a.pace_vs_counts,
        a.shares,
        a.plausibility,
        a.growth_vs_levels,
        a.parts,
        a.restatements,
        a.merged,
        a.flows,
        a.targets,
    ):
        step()
    out = pd.concat(a.out, ignore_index=True) if a.out else pd.DataFrame(columns=COLUMNS[1:])
    out = out.sort_values(["check", "geo", "period", "relation", "obs_ids"], kind="stable").reset_index(
        drop=True
    )
    out["finding"] = _findings(out, p.obs)
    out.insert(0, "check_id", [f"A{i + 1:02d}" for i in range(len(out))])
    return out[COLUMNS]


make_callable(__name__, audit)


def families(geography: pd.DataFrame) -> pd.Series:
    """Province (``geo_id``) -> the piece it is audited in when the audit is cut by
    province: its successor after a merger, else itself, so that a merged province and
    its parts (whose sums the ``merged`` check compares) are never apart."""
    succ = geography.set_index("geo_id")["successor"]
    return succ.where(succ != "", succ.index.to_series())


def audit_by_province(ds, pieces: int = 2) -> pd.DataFrame:
    """:func:`audit` run on ``pieces`` parts of the observations cut by province (see
    :func:`families`; whole families in turn, in a stable order), then put together and
    numbered again: the same table as ``audit(ds)``.  What a partitioned engine does, on
    one machine: each piece needs only its own rows in memory.  The one number that looks
    across pieces is the year a target counts as due (the latest settled year of all the
    data): it is the largest of the pieces' own, taken in a first, cheap pass."""
    from dataclasses import replace

    from . import targets

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
        settled = lv[lv["status"].isin(["approved", "reported"]) & ~lv["derived"]]
        years.append(int(settled["year"].max()) if len(settled) else 0)
    as_of = max(years)
    out = pd.concat([audit(part, as_of=as_of) for part in parts], ignore_index=True)
    out = out.drop(columns="check_id").sort_values(
        ["check", "geo", "period", "relation", "obs_ids"], kind="stable"
    )
    out.insert(0, "check_id", [f"A{i + 1:02d}" for i in range(len(out))])
    return out.reset_index(drop=True)[COLUMNS]

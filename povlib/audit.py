"""Consistency audit: do the sources' own figures agree with each other?

Each check states a relation between printed figures (for example ``rate 2022
- rate 2023 = reported fall``), computes the side implied by the other figures
with :func:`povlib.indicators.propagate`, and compares it with the reported
side.  The tolerance is what the printed precision and qualifiers of all the
inputs allow.  Verdicts:

- ``consistent``: the implied value lies inside what the reported figure
  vouches for, and the reported value inside what the inputs allow (for a
  one-sided figure such as "more than", the first condition suffices);
- ``within rounding``: the two intervals overlap, but the points differ;
- ``inconsistent``: the intervals do not overlap;
- ``not checkable``: a figure the relation needs was not printed (the note
  says which, and what the printed ones imply).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import indicators as ind
from ._callable import make_callable
from .numbers import parse_figure
from .reconcile import lookup, reconcile
from .tables import Dataset, with_bounds

COLUMNS = ["check_id", "check", "geo", "period", "relation", "reported", "implied",
           "difference", "tolerance", "verdict", "obs_ids", "note"]
ONE_SIDED = ("more than", "at least", "under", "nearly", "about")

# change indicator -> (level indicator, +1 for a fall: earlier - later, -1 for a rise)
CHANGES = {
    "poverty_rate_fall_pp": ("poverty_rate", 1),
    "poverty_rate_fall_pp_per_year": ("poverty_rate", 1),
    "near_poor_rate_rise_pp": ("near_poor_rate", -1),
    "poor_em_share_rise_pp": ("poor_em_share", -1),
    "poverty_rate_em_fall_pp": ("poverty_rate_em", 1),
    "poor_households_fall": ("poor_households", 1),
}
# share -> (part, whole)
SHARES = {
    "poor_em_share": ("poor_households_em", "poor_households"),
    "poverty_rate_em": ("poor_households_em", "households_em"),
    "poverty_rate": ("poor_households", "households"),
    "near_poor_rate": ("near_poor_households", "households"),
}
# (count, rate, total they imply)
TOTALS = [("poor_households", "poverty_rate", "households"),
          ("near_poor_households", "near_poor_rate", "households"),
          ("poor_households_em", "poverty_rate_em", "households_em")]
# whole = sum of parts
SUMS = {"production_projects": ["value_chain_projects", "community_projects"],
        "district_level_units": ["districts", "cities"]}
# part <= whole, same place
PART_OF = [("works_assigned_plan239", "works_assigned"), ("works_prepared", "works_assigned")]


def verdict(rep, rep_lo, rep_hi, imp, imp_lo, imp_hi, one_sided=False) -> str:
    """Verdict of one comparison of a reported interval with an implied one."""
    if not np.isfinite(imp):
        return "not checkable"
    if rep_lo <= imp <= rep_hi and (one_sided or imp_lo <= rep <= imp_hi):
        return "consistent"
    if rep_lo <= imp_hi and imp_lo <= rep_hi:
        return "within rounding"
    return "inconsistent"


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.4g}"


def _years(period: str) -> int:
    a, _, b = period.partition("-")
    return int(b) - int(a) if b else 1


class _Audit:
    """Collects rows; ``obs`` carries bounds, ``best`` is the reconciled table."""

    def __init__(self, ds: Dataset):
        self.obs = with_bounds(ds.observations)
        self.best, self.conflicts = reconcile(self.obs, ds.sources)
        self.units = ds.indicators.set_index("code")["unit"]
        self.rows: list[dict] = []

    def level(self, geo, indicator, period, role="outcome"):
        """The reconciled observation for a key, or None."""
        return lookup(self.best, geo, indicator, period, role)

    def add(self, check, geo, period, relation, rep, imp, ids, note="", op="="):
        """Add a row. ``rep`` is an observation row (or None), ``imp`` a (point, low, high)."""
        point, lo, hi = (float(x) for x in imp)
        unit = self.units.get(rep["indicator"], "") if rep is not None else ""
        if rep is None:
            v, rv = "not checkable", np.nan
        else:
            rv = float(rep["value"])
            one_sided = rep["qualifier"] in ONE_SIDED
            if op == ">=":  # reported must reach the implied threshold
                v = ("consistent" if rv >= point else
                     "within rounding" if rep["high"] >= lo else "inconsistent")
            else:
                v = verdict(rv, rep["low"], rep["high"], point, lo, hi, one_sided)
        if not np.isfinite(point):
            v = "not checkable"
        tol = (((rep["high"] - rep["low"]) / 2 if rep is not None else 0) + (hi - lo) / 2)
        self.rows.append(dict(
            check=check, geo=geo, period=period, relation=relation + (f" [{unit}]" if unit else ""),
            reported=rv, implied=point, difference=rv - point if np.isfinite(point) else np.nan,
            tolerance=tol if np.isfinite(point) else np.nan, verdict=v,
            obs_ids=";".join(i for i in ids if i), note=note))

    # --- checks -----------------------------------------------------------

    def changes_vs_levels(self):
        o = self.obs
        # Targets of a pace per year are checked against annual falls in targets().
        todo = o[o["indicator"].isin(list(CHANGES))
                 & ~(o["indicator"].str.endswith("per_year") & o["status"].isin(["target", "plan"]))]
        for _, r in todo.iterrows():
            level_ind, sign = CHANGES[r["indicator"]]
            a, _, b = r["period"].partition("-")
            years = int(b) - int(a)
            role_end = "target" if r["status"] in ("target", "plan") else "outcome"
            la = self.level(r["geo"], level_ind, a)
            if role_end == "outcome":
                ends = [self.level(r["geo"], level_ind, b)]
            else:  # a target may be worded twice: check the change against every wording
                ends = [e for _, e in o[(o["geo"] == r["geo"]) & (o["indicator"] == level_ind)
                                        & (o["period"] == b)
                                        & o["status"].isin(["target", "plan"])].iterrows()] or [None]
            per_year = "per_year" in r["indicator"]
            word = "fall" if sign > 0 else "rise"
            for lb in ends:
                rel = (f"({level_ind} {a} - {level_ind} {b}" if sign > 0 else
                       f"({level_ind} {b} - {level_ind} {a}") + (
                    f") / {years} = reported {word} per year" if per_year
                    else f") = reported {word}")
                if la is None or lb is None:
                    have = la if la is not None else lb
                    note = f"no {level_ind} printed for {a if la is None else b}"
                    if have is not None and not per_year:
                        other = (have["value"] + sign * r["value"] if la is None
                                 else have["value"] - sign * r["value"])
                        note += f"; the printed figures imply {_fmt(other)} for it"
                    self.add("change_vs_levels", r["geo"], r["period"], rel, r,
                             (np.nan, np.nan, np.nan), [r["obs_id"]], note)
                    continue

                def f(x, y, years=years, per_year=per_year, sign=sign):
                    return sign * (x - y) / (years if per_year else 1)
                point = f(la["value"], lb["value"])
                lo, hi = ind.propagate(f, (la["low"], la["high"]), (lb["low"], lb["high"]))
                self.add("change_vs_levels", r["geo"], r["period"], rel, r, (point, lo, hi),
                         [r["obs_id"], la["obs_id"], lb["obs_id"]])

    def totals_agree(self):
        rows = []
        for count, rate, total in TOTALS:
            c = self.best[(self.best["indicator"] == count) & (self.best["role"] == "outcome")]
            r = self.best[(self.best["indicator"] == rate) & (self.best["role"] == "outcome")]
            m = c.merge(r, on=["geo", "period"], suffixes=("_c", "_r"))
            for _, x in m.iterrows():
                point = ind.implied_total(x["value_c"], x["value_r"])
                lo, hi = ind.propagate(ind.implied_total, (x["low_c"], x["high_c"]),
                                       (x["low_r"], x["high_r"]))
                rows.append(dict(geo=x["geo"], period=x["period"], total=total, pair=f"{count}/{rate}",
                                 point=point, lo=lo, hi=hi, ids=[x["obs_id_c"], x["obs_id_r"]]))
        implied = pd.DataFrame(rows)
        if implied.empty:
            return
        for (geo, period, total), g in implied.groupby(["geo", "period", "total"], sort=True):
            reported = self.level(geo, total, period)
            if reported is not None:
                for _, x in g.iterrows():
                    self.add("total_vs_count_rate", geo, period,
                             f"{x['pair']} * 100 = reported {total}", reported,
                             (x["point"], x["lo"], x["hi"]), [reported["obs_id"], *x["ids"]])
            if len(g) >= 2:
                first, second = g.iloc[0], g.iloc[1]
                fake = dict(indicator=total, value=first["point"], low=first["lo"],
                            high=first["hi"], qualifier="exact")
                self.add("totals_from_two_counts", geo, period,
                         f"{first['pair']} * 100 = {second['pair']} * 100 ({total})",
                         fake, (second["point"], second["lo"], second["hi"]),
                         [*first["ids"], *second["ids"]])

    def shares_vs_parts(self):
        for share, (part, whole) in SHARES.items():
            for _, s in self.best[(self.best["indicator"] == share)
                                  & (self.best["role"] == "outcome")].iterrows():
                p = self.level(s["geo"], part, s["period"])
                w = self.level(s["geo"], whole, s["period"])
                rel = f"{part} / {whole} * 100 = reported {share}"
                if p is None or w is None:
                    if p is not None or w is not None:  # one side printed: say what it implies
                        have = p if p is not None else w
                        other = (ind.implied_total(have["value"], s["value"]) if p is not None
                                 else ind.implied_count(have["value"], s["value"]))
                        self.add("share_vs_parts", s["geo"], s["period"], rel, s,
                                 (np.nan,) * 3, [s["obs_id"], have["obs_id"]],
                                 f"no {whole if p is not None else part} printed; the printed"
                                 f" figures imply {_fmt(other)}")
                    continue
                point = ind.share_pct(p["value"], w["value"])
                lo, hi = ind.propagate(ind.share_pct, (p["low"], p["high"]), (w["low"], w["high"]))
                self.add("share_vs_parts", s["geo"], s["period"], rel, s, (point, lo, hi),
                         [s["obs_id"], p["obs_id"], w["obs_id"]])

    def growth_vs_levels(self):
        for _, g in self.obs[self.obs["indicator"] == "credit_growth"].iterrows():
            a, _, b = g["period"].partition("-")
            later, earlier = (self.level(g["geo"], "credit_balance", y) for y in (b, a))
            rel = f"(credit_balance {b} / credit_balance {a} - 1) * 100 = reported credit_growth"
            if later is not None and earlier is not None:
                point = ind.credit_growth_pct(earlier["value"], later["value"])
                lo, hi = ind.propagate(ind.credit_growth_pct, (earlier["low"], earlier["high"]),
                                       (later["low"], later["high"]))
                self.add("growth_vs_levels", g["geo"], g["period"], rel, g, (point, lo, hi),
                         [g["obs_id"], earlier["obs_id"], later["obs_id"]])
            else:
                note = f"no credit_balance printed for {a}"
                if later is not None:
                    lo, hi = ind.propagate(ind.earlier_balance_bn, (later["low"], later["high"]),
                                           (g["low"], g["high"]))
                    earlier_bn = ind.earlier_balance_bn(later["value"], g["value"])
                    note += (f"; the printed figures imply {earlier_bn:.1f} bn VND"
                             f" ({lo:.1f} to {hi:.1f})")
                self.add("growth_vs_levels", g["geo"], g["period"], rel, g,
                         (np.nan,) * 3, [g["obs_id"], later["obs_id"] if later is not None else ""],
                         note)

    def disbursed_vs_ratio(self):
        for _, r in self.best[self.best["indicator"] == "disbursement_ratio"].iterrows():
            d = self.level(r["geo"], "disbursed", r["period"])
            if d is None:
                continue
            lo, hi = ind.propagate(ind.implied_plan_bn, (d["low"], d["high"]), (r["low"], r["high"]))
            self.add("disbursed_vs_ratio_plan", r["geo"], r["period"],
                     "disbursed = disbursement_ratio / 100 * plan", d, (np.nan,) * 3,
                     [d["obs_id"], r["obs_id"]],
                     f"the plan is not printed; the printed figures imply a plan of"
                     f" {ind.implied_plan_bn(d['value'], r['value']):.1f} bn VND"
                     f" ({lo:.1f} to {hi:.1f})")

    def parts_vs_sum(self):
        for whole, parts in SUMS.items():
            for _, w in self.best[self.best["indicator"] == whole].iterrows():
                ps = [self.level(w["geo"], p, w["period"]) for p in parts]
                if any(p is None for p in ps):
                    continue
                point = sum(p["value"] for p in ps)
                self.add("parts_vs_sum", w["geo"], w["period"],
                         " + ".join(parts) + f" = reported {whole}", w,
                         (point, sum(p["low"] for p in ps), sum(p["high"] for p in ps)),
                         [w["obs_id"], *(p["obs_id"] for p in ps)])
        for part, whole in PART_OF:
            for _, p in self.best[self.best["indicator"] == part].iterrows():
                w = self.level(p["geo"], whole, p["period"])
                if w is not None:
                    self.add("part_within_whole", p["geo"], p["period"],
                             f"reported {whole} >= {part}", w, (p["value"], p["low"], p["high"]),
                             [w["obs_id"], p["obs_id"]], op=">=")
        # A district's count of poor households within its province's.
        b = self.best[(self.best["indicator"] == "poor_households") & (self.best["role"] == "outcome")]
        parents = b.assign(province=b["obs_id"].map(self.obs.set_index("obs_id")["province"]))
        for _, d in parents[parents["geo"] != parents["province"]].iterrows():
            w = self.level(d["province"], "poor_households", d["period"])
            if w is not None:
                self.add("part_within_whole", d["geo"], d["period"],
                         f"reported poor_households of {d['province']} >= poor_households of"
                         f" {d['geo']}", w, (d["value"], d["low"], d["high"]),
                         [w["obs_id"], d["obs_id"]], op=">=")
        # A fraction's denominator against the whole printed elsewhere ("106/231").
        for _, o in self.obs[self.obs["raw"].str.contains(r"\d/\d", regex=True)].iterrows():
            den = parse_figure(o["raw"]).denominator
            w = self.level(o["geo"], dict(PART_OF).get(o["indicator"], ""), o["period"])
            if den is not None and w is not None:
                self.add("parts_vs_sum", o["geo"], o["period"],
                         f"denominator of {o['raw']!r} = reported {w['indicator']}", w,
                         (den, den - 0.5, den + 0.5), [w["obs_id"], o["obs_id"]])

    def restatements(self):
        for _, c in self.best[self.best["n_obs"] > 1].iterrows():
            for other_id in c["alternatives"].split(";"):
                o = self.obs.set_index("obs_id").loc[other_id]
                rep = o.to_dict() | {"obs_id": other_id}
                self.add("restatement", c["geo"], c["period"],
                         f"{c['indicator']} as restated = {c['indicator']} as chosen", rep,
                         (c["value"], c["low"], c["high"]), [other_id, c["obs_id"]],
                         "" if o["source_id"] == c["source_id"] else "printed by two sources")

    def pace_from_counts(self):
        """A reported average fall per year against the pace implied by counts and a rate."""
        for _, r in self.obs[self.obs["indicator"] == "poverty_rate_fall_pp_per_year"].iterrows():
            if r["status"] in ("target", "plan"):
                continue
            a, _, b = r["period"].partition("-")
            years = int(b) - int(a)
            cb, rb = (self.level(r["geo"], i, b) for i in ("poor_households", "poverty_rate"))
            fall = self.level(r["geo"], "poor_households_fall", r["period"])
            if cb is None or rb is None or fall is None:
                continue
            ids = [r["obs_id"], cb["obs_id"], rb["obs_id"], fall["obs_id"]]

            def pace_pp(count_b, rate_b, fall_n, years=years):
                return ind.pace_from_counts_pp(count_b, rate_b, fall_n, years)

            def pace_rel(count_b, fall_n, years=years):
                return ind.relative_pace_from_counts_pct(count_b, fall_n, years)

            box = [(cb["low"], cb["high"]), (rb["low"], rb["high"]), (fall["low"], fall["high"])]
            p = pace_pp(cb["value"], rb["value"], fall["value"])
            self.add("pace_vs_counts", r["geo"], r["period"],
                     f"(poor {a} / households - rate {b}) / {years} = reported fall per year,"
                     " households held constant, reading the figure as points", r,
                     (p, *ind.propagate(pace_pp, *box)), ids)
            q = pace_rel(cb["value"], fall["value"])
            self.add("pace_vs_counts", r["geo"], r["period"],
                     f"1 - (poor {b} / poor {a})^(1/{years}) = reported fall per year,"
                     " reading the figure as a relative fall in per cent", r,
                     (q, *ind.propagate(pace_rel, box[0], box[2])), ids)

    def targets(self):
        """Annual falls against annual targets, and the pace that level targets require."""
        o = self.obs
        for _, t in o[(o["indicator"] == "poverty_rate_fall_pp_per_year")
                      & o["status"].isin(["target", "plan"])].iterrows():
            a, _, b = t["period"].partition("-")
            done = o[(o["geo"] == t["geo"]) & (o["indicator"] == "poverty_rate_fall_pp")
                     & ~o["status"].isin(["target", "plan"])
                     & o["period"].map(lambda p, a=a, b=b: _years(p) == 1 and a <= p[-4:] <= b)]
            for _, d in done.iterrows():
                end = {"range low": "lower end", "range high": "upper end"}.get(t["qualifier"], "")
                self.add("fall_vs_annual_target", t["geo"], d["period"],
                         f"reported fall {d['period']} >= target fall per year ({end or 'point'})",
                         d, (t["value"], t["low"], t["high"]), [d["obs_id"], t["obs_id"]], op=">=")
        for _, t in o[(o["indicator"] == "poverty_rate") & (o["status"] == "target")].iterrows():
            latest = self.best[(self.best["geo"] == t["geo"]) & (self.best["indicator"] == "poverty_rate")
                               & (self.best["role"] == "outcome")
                               & (self.best["period"] < t["period"])].sort_values("period")
            pace = o[(o["geo"] == t["geo"]) & (o["indicator"] == "poverty_rate_fall_pp_per_year")
                     & ~o["status"].isin(["target", "plan"])]
            if latest.empty or pace.empty:
                continue
            cur, achieved = latest.iloc[-1], pace.iloc[0]
            years = int(t["period"]) - int(cur["period"])

            def req(c, tg, years=years):
                return ind.required_pace_pp(c, tg, years)
            self.add("pace_vs_target", t["geo"], f"{cur['period']}-{t['period']}",
                     f"reported fall per year >= (rate {cur['period']} - target {t['period']}) /"
                     f" {years}", achieved,
                     (req(cur["value"], t["value"]),
                      *ind.propagate(req, (cur["low"], cur["high"]), (t["low"], t["high"]))),
                     [achieved["obs_id"], cur["obs_id"], t["obs_id"]],
                     "inconsistent here means the achieved pace falls short of the pace the target"
                     " requires", op=">=")


def audit(ds: Dataset) -> pd.DataFrame:
    """Run every check on a loaded dataset; one row per check, in a stable order.

    Columns: ``check_id``, ``check``, ``geo``, ``period``, ``relation`` (with
    the unit of the reported side), ``reported``, ``implied``, ``difference``
    (reported - implied), ``tolerance`` (half-widths of both intervals),
    ``verdict``, ``obs_ids`` and ``note``.
    """
    a = _Audit(ds)
    for step in (a.changes_vs_levels, a.pace_from_counts, a.totals_agree, a.shares_vs_parts,
                 a.growth_vs_levels, a.disbursed_vs_ratio, a.parts_vs_sum, a.restatements,
                 a.targets):
        step()
    out = pd.DataFrame(a.rows)
    out = out.sort_values(["check", "geo", "period", "relation"], kind="stable").reset_index(drop=True)
    out.insert(0, "check_id", [f"A{i + 1:02d}" for i in range(len(out))])
    return out[COLUMNS]


make_callable(__name__, audit)

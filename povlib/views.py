"""Tables the notebooks show: every number here is derived from ``data/`` by povlib.

Each function takes a loaded :class:`~povlib.tables.Dataset` and returns a
DataFrame with units in its column names (``_pct``, ``_pp``, ``_bn``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import indicators as ind
from .reconcile import lookup, reconcile
from .tables import Dataset, with_bounds

THEMES = {
    "poverty": ["poverty_rate", "poverty_rate_fall_pp", "poverty_rate_fall_pp_per_year",
                "poor_households", "poor_households_fall", "poverty_plan_achievement"],
    "near-poor": ["near_poor_rate", "near_poor_rate_rise_pp", "near_poor_households",
                  "poor_near_poor_rate"],
    "ethnic minority": ["poverty_rate_em", "poverty_rate_em_fall_pp", "poor_em_share",
                        "poor_em_share_rise_pp", "poor_households_em", "households_em",
                        "em_population_share", "mong_population_share"],
    "income": ["income_per_capita", "worker_monthly_income"],
    "credit": ["credit_balance", "credit_growth"],
    "disbursement, funding": ["disbursed", "disbursement_ratio", "central_funding",
                              "socialised_funding", "production_projects_funding"],
    "programme outputs": ["production_projects", "value_chain_projects", "community_projects",
                          "works_assigned", "works_assigned_plan239", "works_prepared",
                          "works_additional", "houses_replaced", "houses_repaired",
                          "jobs_created", "overseas_workers", "vocational_trainees",
                          "migrant_workers", "officials_rotated", "official_training_turns",
                          "leaders_assigned", "directive_documents", "policy_tasks",
                          "priority_districts", "policies_delivered", "telecom_access",
                          "workers_per_household"],
    "context": ["households", "population", "area", "ethnic_groups", "district_level_units",
                "districts", "cities", "communes", "villages"],
}
THEME_OF = {code: theme for theme, codes in THEMES.items() for code in codes}
GEO_ORDER = ["laocai", "laocai-10xa", "laocai-pacheo", "laocai-lapantan", "laocai-hoangthupho",
             "langson", "backan", "backan-nari"]


class Analysis:
    """A dataset with its bounds and reconciliation computed once, for the notebooks."""

    def __init__(self, ds: Dataset):
        self.ds = ds
        self.obs = with_bounds(ds.observations)
        self.best, self.conflicts = reconcile(self.obs, ds.sources)
        self.names = ds.geography.set_index("geo_id")["name_vi"]

    def name(self, geo: str, lang: str = "en") -> str:
        """Display name of a place; the commune group gets a descriptive name."""
        if geo == "laocai-10xa":
            return "Lào Cai: 10 xã nghèo nhất" if lang == "vi" else "Lào Cai: 10 poorest communes"
        return self.names[geo]

    def get(self, indicator: str, role: str = "outcome") -> pd.DataFrame:
        """Reconciled rows of one indicator, with the place's name."""
        b = self.best
        out = b[(b["indicator"] == indicator) & (b["role"] == role)].copy()
        return out.assign(place=out["geo"].map(self.name))

    def value(self, geo: str, indicator: str, period: str, role: str = "outcome") -> float:
        """One reconciled value; NaN when not printed."""
        row = lookup(self.best, geo, indicator, period, role)
        return np.nan if row is None else float(row["value"])

    # --- 01 data and sources -------------------------------------------------

    def sources_table(self) -> pd.DataFrame:
        """One row per article: what it is and how many figures the project takes from it."""
        s = self.ds.sources
        counts = self.obs.groupby("source_id").agg(
            figures=("obs_id", "size"),
            places=("geo", lambda g: ", ".join(sorted(g.map(self.name).unique()))))
        return (s[["source_id", "file", "publisher", "author", "date_published"]]
                .merge(counts, left_on="source_id", right_index=True, how="left")
                .fillna({"figures": 0}))

    def coverage(self) -> pd.DataFrame:
        """Place by theme: the years (or periods) for which a figure was printed."""
        o = self.obs.assign(theme=self.obs["indicator"].map(THEME_OF),
                            period=self.obs["period"].replace("", "n.d."))
        missing = sorted(set(o["indicator"]) - set(THEME_OF))
        if missing:
            raise KeyError(f"indicators without a theme: {missing}")
        table = o.pivot_table(index="geo", columns="theme", values="period",
                              aggfunc=lambda p: ", ".join(sorted(set(p))))
        table = table.reindex(index=[g for g in GEO_ORDER if g in table.index] +
                              [g for g in table.index if g not in GEO_ORDER],
                              columns=list(THEMES)).fillna("")
        table.index = table.index.map(self.name)
        return table

    def coverage_counts(self) -> pd.DataFrame:
        """Place by theme: number of figures printed."""
        o = self.obs.assign(theme=self.obs["indicator"].map(THEME_OF))
        t = pd.crosstab(o["geo"], o["theme"]).reindex(columns=list(THEMES), fill_value=0)
        t = t.reindex([g for g in GEO_ORDER if g in t.index])
        t.index = t.index.map(self.name)
        return t

    def gaps(self, years=("2021", "2022", "2023")) -> pd.DataFrame:
        """Core indicators not printed for a province-level place and year."""
        core = ["poverty_rate", "poor_households", "near_poor_rate", "credit_balance",
                "disbursement_ratio"]
        places = ["laocai", "langson", "backan"]
        grid = pd.MultiIndex.from_product([places, core, list(years)],
                                          names=["geo", "indicator", "period"]).to_frame(index=False)
        have = self.best[self.best["role"] == "outcome"][["geo", "indicator", "period"]]
        m = grid.merge(have.drop_duplicates(), how="left", indicator=True)
        miss = m[m["_merge"] == "left_only"].drop(columns="_merge")
        return (miss.groupby(["geo", "indicator"])["period"].agg(", ".join).unstack()
                .reindex(index=places, columns=core).fillna("")
                .rename(index=self.name))

    def geography_table(self) -> pd.DataFrame:
        g = self.ds.geography
        return g.assign(parent=g["parent"].map(lambda p: self.names.get(p, "")))[
            ["name_vi", "alias", "level", "parent", "fate_2025"]]

    # --- 02 poverty rates ----------------------------------------------------

    def rates(self, indicator: str = "poverty_rate") -> pd.DataFrame:
        """Printed levels (outcomes and targets) of a rate, one row per place and year."""
        b = self.best[(self.best["indicator"] == indicator) & (self.best["bound"] == "point")]
        out = b.assign(place=b["geo"].map(self.name), year=b["period"].astype(int))
        return out[["geo", "place", "year", "value", "low", "high", "status", "role", "source_id",
                    "obs_id"]].sort_values(["geo", "year", "role"]).reset_index(drop=True)

    def rate_changes(self, indicator: str = "poverty_rate") -> pd.DataFrame:
        """Falls between printed levels and printed falls, in points and in per cent.

        Where only a later level and a reported fall are printed, the earlier level
        is implied (``earlier = later + fall``) and flagged ``implied``.
        """
        lv = self.rates(indicator)
        lv = lv[lv["role"] == "outcome"].sort_values(["geo", "year"])
        nxt = lv.groupby("geo").shift(-1)
        pairs = lv.assign(to_year=nxt["year"], later=nxt["value"], to_status=nxt["status"])
        pairs = pairs.dropna(subset=["to_year"])
        pairs = pairs.assign(earlier=pairs["value"],
                             basis=np.where(pairs["to_status"] == "estimate",
                                            "printed levels (later one an estimate)", "printed levels"))
        fall_code = {"poverty_rate": "poverty_rate_fall_pp",
                     "poverty_rate_em": "poverty_rate_em_fall_pp"}.get(indicator)
        rows = [pairs[["geo", "year", "to_year", "earlier", "later", "basis"]]]
        if fall_code:
            f = self.best[(self.best["indicator"] == fall_code) & (self.best["role"] == "outcome")]
            for _, r in f.iterrows():
                a, _, b = r["period"].partition("-")
                if ((pairs["geo"] == r["geo"]) & (pairs["year"] == int(a))).any():
                    continue
                later = self.value(r["geo"], indicator, b)
                rows.append(pd.DataFrame([dict(
                    geo=r["geo"], year=int(a), to_year=int(b), later=later,
                    earlier=ind.earlier_level_from_fall(later, r["value"]) if later == later
                    else np.nan, basis="later level + reported fall" if later == later
                    else "reported fall only", reported_fall=r["value"])]))
        out = pd.concat(rows, ignore_index=True)
        out["to_year"] = out["to_year"].astype(int)
        out["fall_pp"] = ind.fall_pp(out["earlier"], out["later"])
        if "reported_fall" in out:
            out["fall_pp"] = out["fall_pp"].fillna(out["reported_fall"])
        out["years"] = out["to_year"] - out["year"]
        out["fall_pp_per_year"] = out["fall_pp"] / out["years"]
        out["relative_fall_pct"] = -ind.relative_change_pct(out["earlier"], out["later"])
        out.insert(1, "place", out["geo"].map(self.name))
        return out.drop(columns=[c for c in ["reported_fall"] if c in out]).sort_values(
            ["geo", "year"]).reset_index(drop=True)

    def subnational(self, geos=("laocai-10xa", "laocai-hoangthupho", "laocai-lapantan")) -> pd.DataFrame:
        """Reconciled poverty figures (rates, falls, counts) for sub-provincial units."""
        b = self.best
        sub = b[b["geo"].isin(list(geos))
                & b["indicator"].str.startswith(("poverty_rate", "poor_households"))]
        return sub.assign(place=sub["geo"].map(self.name))[
            ["place", "indicator", "period", "value", "qualifier", "status"]].reset_index(drop=True)

    def reported_series(self, geo: str, indicator: str = "poverty_rate") -> pd.DataFrame:
        """Printed outcome levels with status ``reported`` (no estimates, no targets), by year."""
        lv = self.rates(indicator)
        return lv[(lv["geo"] == geo) & (lv["status"] == "reported")].reset_index(drop=True)

    def breakdowns(self) -> pd.DataFrame:
        """Near-poor, ethnic-minority and poor-plus-near-poor figures as printed."""
        codes = THEMES["near-poor"] + THEMES["ethnic minority"]
        b = self.best[self.best["indicator"].isin(codes)]
        units = self.ds.indicators.set_index("code")["unit"]
        return (b.assign(place=b["geo"].map(self.name), unit=b["indicator"].map(units))
                [["place", "indicator", "period", "value", "unit", "qualifier", "status",
                  "source_id"]].sort_values(["place", "indicator", "period"])
                .reset_index(drop=True))

    # --- 03 credit -----------------------------------------------------------

    def credit(self) -> pd.DataFrame:
        """Credit balance, its growth, the earlier balance it implies, and balance per household.

        Money in billion dong; per-household figures in million dong.
        """
        rows = []
        for _, g in self.get("credit_growth").iterrows():
            a, _, b = g["period"].partition("-")
            bal = lookup(self.best, g["geo"], "credit_balance", b)
            lo, hi = ind.propagate(ind.earlier_balance_bn, (bal["low"], bal["high"]),
                                   (g["low"], g["high"]))
            poor = self.value(g["geo"], "poor_households", b)
            rate = self.value(g["geo"], "poverty_rate", b)
            total = ind.implied_total(poor, rate)
            fall = self.best[(self.best["geo"] == g["geo"])
                             & (self.best["indicator"] == "poor_households_fall")]
            rows.append(dict(
                place=self.name(g["geo"]), year=int(b), balance_bn=bal["value"],
                growth_pct=g["value"],
                earlier_balance_bn=ind.earlier_balance_bn(bal["value"], g["value"]),
                earlier_balance_low_bn=lo, earlier_balance_high_bn=hi,
                increase_bn=bal["value"] - ind.earlier_balance_bn(bal["value"], g["value"]),
                poor_households=poor, poverty_rate_pct=rate, households_implied=total,
                balance_per_poor_household_mn=ind.per_unit(bal["value"] * 1000, poor),
                balance_per_household_mn=ind.per_unit(bal["value"] * 1000, total),
                households_left_poverty=fall["value"].iloc[0] if len(fall) else np.nan,
                period_left_poverty=fall["period"].iloc[0] if len(fall) else "",
            ))
        return pd.DataFrame(rows)

    # --- 04 disbursement and funding ------------------------------------------

    def disbursement(self) -> pd.DataFrame:
        """Disbursed amount, ratio, the plan it implies (with bounds) and what is left, bn dong."""
        rows = []
        for _, r in self.get("disbursement_ratio").iterrows():
            d = lookup(self.best, r["geo"], "disbursed", r["period"])
            lo, hi = ind.propagate(ind.implied_plan_bn, (d["low"], d["high"]), (r["low"], r["high"]))
            plan = ind.implied_plan_bn(d["value"], r["value"])
            rows.append(dict(place=self.name(r["geo"]), period=r["period"],
                             disbursed_bn=d["value"], ratio_pct=r["value"], plan_implied_bn=plan,
                             plan_low_bn=lo, plan_high_bn=hi, undisbursed_bn=plan - d["value"]))
        return pd.DataFrame(rows)

    def funding(self) -> pd.DataFrame:
        """Every money figure printed, by place and source of funds (billion dong)."""
        codes = ["central_funding", "production_projects_funding", "socialised_funding",
                 "disbursed", "credit_balance"]
        b = self.best[self.best["indicator"].isin(codes)]
        labels = self.ds.indicators.set_index("code")["label_en"]
        return (b.assign(place=b["geo"].map(self.name), item=b["indicator"].map(labels))
                [["place", "item", "indicator", "period", "value", "qualifier", "source_id"]]
                .rename(columns={"value": "value_bn"})
                .sort_values(["place", "indicator"]).reset_index(drop=True))

    def funding_ratios(self) -> pd.DataFrame:
        """Funding per project and per household that left poverty, in billion / million dong.

        A "more than" amount gives a lower bound of the ratio, and says so.
        """
        rows = []
        pairs = [("central_funding", "production_projects", "bn VND per project", 1),
                 ("production_projects_funding", "production_projects", "bn VND per project", 1),
                 ("production_projects_funding", "poor_households_fall",
                  "million VND per household that left poverty", 1000),
                 ("disbursed", "poor_households_fall",
                  "million VND per household that left poverty", 1000),
                 ("socialised_funding", "poor_households_fall",
                  "million VND per household that left poverty", 1000)]
        for money, count, unit, scale in pairs:
            for _, m in self.get(money).iterrows():
                c = self.best[(self.best["geo"] == m["geo"]) & (self.best["indicator"] == count)
                              & (self.best["role"] == "outcome")]
                if c.empty:
                    continue
                c = c.iloc[0]
                rows.append(dict(place=self.name(m["geo"]), numerator=money,
                                 numerator_period=m["period"], denominator=count,
                                 denominator_period=c["period"],
                                 value=ind.per_unit(m["value"] * scale, c["value"]), unit=unit,
                                 bound="lower bound" if m["qualifier"] == "more than" else "point"))
        return pd.DataFrame(rows)

    # --- 05 targets ------------------------------------------------------------

    def targets(self) -> pd.DataFrame:
        """Each poverty-rate target against the latest level, the pace it requires and the
        pace achieved; years to target at the achieved pace (points per year)."""
        rows = []
        levels = self.rates()
        for _, t in self.obs[(self.obs["indicator"] == "poverty_rate")
                             & (self.obs["status"] == "target")].iterrows():
            lv = levels[(levels["geo"] == t["geo"]) & (levels["role"] == "outcome")]
            cur = lv.iloc[-1]
            years = int(t["period"]) - int(cur["year"])
            paces = self.obs[(self.obs["geo"] == t["geo"])
                             & (self.obs["indicator"] == "poverty_rate_fall_pp_per_year")
                             & (self.obs["status"] != "target")]
            counted = self.pace_from_counts(t["geo"])
            for basis, pace in ([("reported average per commune", p["value"])
                                 for _, p in paces.iterrows()]
                                + ([("implied by household counts", counted)]
                                   if counted == counted else [])):
                req = ind.required_pace_pp(cur["value"], t["value"], years)
                rows.append(dict(
                    place=self.name(t["geo"]), target_year=int(t["period"]),
                    target_pct=t["value"], target_wording=t["raw"], latest_year=int(cur["year"]),
                    latest_pct=cur["value"], gap_pp=ind.gap_to_target_pp(cur["value"], t["value"]),
                    required_pp_per_year=req, achieved_pp_per_year=pace, pace_basis=basis,
                    verdict=ind.on_track(pace, req),
                    years_to_target=ind.years_to_target(cur["value"], t["value"], pace)))
        return pd.DataFrame(rows)

    def pace_from_counts(self, geo: str) -> float:
        """Average fall per year, in points, implied by the end count, end rate and the fall
        in the number of poor households, holding the number of households constant."""
        f = self.best[(self.best["geo"] == geo) & (self.best["indicator"] == "poor_households_fall")]
        if f.empty:
            return np.nan
        a, _, b = f["period"].iloc[0].partition("-")
        count, rate = self.value(geo, "poor_households", b), self.value(geo, "poverty_rate", b)
        return float(ind.pace_from_counts_pp(count, rate, f["value"].iloc[0], int(b) - int(a)))

    def annual_targets(self) -> pd.DataFrame:
        """Targets of a fall per year (points) against each printed annual fall."""
        t = self.obs[(self.obs["indicator"] == "poverty_rate_fall_pp_per_year")
                     & (self.obs["status"] == "target")]
        rows = []
        for geo, g in t.groupby("geo"):
            lo, hi = g["value"].min(), g["value"].max()
            falls = self.best[(self.best["geo"] == geo)
                              & (self.best["indicator"] == "poverty_rate_fall_pp")
                              & (self.best["role"] == "outcome")]
            for _, f in falls.iterrows():
                rows.append(dict(place=self.name(geo), period=f["period"], fall_pp=f["value"],
                                 target_low_pp=lo, target_high_pp=hi,
                                 vs_low=ind.on_track(f["value"], lo),
                                 vs_high=ind.on_track(f["value"], hi)))
        return pd.DataFrame(rows)

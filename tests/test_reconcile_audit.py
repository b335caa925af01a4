"""Reconciliation and audit on the real data, against hand-computed figures."""

import pandas as pd
import pytest

from povlib.analysis.reconcile import reconcile
from povlib.auditing.audit import COLUMNS, audit, verdict
from povlib.cli import main
from povlib.reading.tables import with_bounds


@pytest.fixture(scope="module")
def table(ds_audit):
    return ds_audit


def _row(table, check, geo, period, contains=""):
    hit = table[
        (table["check"] == check)
        & (table["geo"] == geo)
        & (table["period"] == period)
        & table["relation"].str.contains(contains, regex=False)
    ]
    assert len(hit) >= 1, (check, geo, period, contains)
    return hit.iloc[0]


def test_reconcile_rule_and_trace(ds):
    obs = with_bounds(ds.observations, languages=ds.sources)
    chosen, conflicts = reconcile(obs, ds.sources)
    assert reconcile(ds)[0].equals(chosen)  # the loaded dataset is accepted directly
    c = chosen.set_index(["geo", "indicator", "period", "role"])
    # 50,54% (2 decimals) wins over its restatement 50,5%.
    assert c.loc[("laocai-10xa", "poverty_rate", "2023", "outcome"), "value"].item() == 50.54
    # The exact 17,26% wins over "dưới 20%".
    assert c.loc[("laocai-10xa", "poverty_rate", "2025", "target"), "value"].item() == 17.26
    spreads = conflicts.set_index(["geo", "period"])["spread"]
    assert spreads[("laocai-10xa", "2023")] == pytest.approx(0.04)
    assert spreads[("laocai-10xa", "2025")] == pytest.approx(2.74)
    # Every observation is either chosen or listed as an alternative.
    alts = {i for a in chosen["alternatives"] for i in a.split(";") if i}
    assert set(chosen["obs_id"]) | alts == set(ds.observations["obs_id"])
    assert len(chosen) + len(alts) == len(ds.observations)


def test_preliminary_loses_to_reported():
    obs = pd.DataFrame(
        {
            "obs_id": ["a", "b"],
            "source_id": ["s1", "s2"],
            "geo": ["g", "g"],
            "indicator": ["poverty_rate"] * 2,
            "period": ["2023"] * 2,
            "standard": ["2022-2025"] * 2,
            "value": [22.25, 22.0],
            "qualifier": ["exact"] * 2,
            "status": ["preliminary", "reported"],
            "decimals": [2, 1],
        }
    )
    sources = pd.DataFrame({"source_id": ["s1", "s2"], "date_published": ["2024-02-27", None]})
    chosen, conflicts = reconcile(obs, sources)
    assert chosen["obs_id"].tolist() == ["b"]
    assert conflicts["spread"].iloc[0] == pytest.approx(0.25)


def test_audit_columns_and_ids(table):
    assert list(table.columns) == COLUMNS
    assert table["check_id"].is_unique
    agreement = table[table["class"] != "target"]
    assert set(agreement["verdict"]) <= {
        "consistent",
        "within rounding",
        "inconsistent",
        "not checkable",
        "not comparable: standard changed",
    }


def test_langson_rate_fall_is_consistent(table):
    r = _row(table, "change_vs_levels", "langson", "2021-2022", "poverty_rate 2021")
    assert (r["reported"], round(r["implied"], 2), r["verdict"]) == (3.28, 3.28, "consistent")


def test_langson_count_fall_is_off_by_one(table):
    # 23.511 - 17.497 = 6.014, printed 6.013.
    r = _row(table, "change_vs_levels", "langson", "2021-2022", "poor_households")
    assert (r["reported"], r["implied"], r["verdict"]) == (6013, 6014, "inconsistent")
    assert r["finding"] == "reading limit"  # one unit of the last digit


def test_langson_ethnic_minority_shares_are_truncated(table):
    r = _row(table, "share_vs_parts", "langson", "2022", "households_em")
    assert r["implied"] == pytest.approx(16664 / 159826 * 100)
    assert r["verdict"] == "inconsistent"
    r = _row(table, "share_vs_parts", "langson", "2022", "poor_em_share")
    assert r["implied"] == pytest.approx(16664 / 17497 * 100)
    # 95.2392 printed 95.23: the source truncated rather than rounded.
    assert (r["verdict"], r["finding"]) == ("inconsistent", "reading limit")


def test_two_counts_give_the_same_total(table):
    r = _row(table, "totals_from_two_counts", "langson", "2021")
    assert sorted([r["reported"], r["implied"]]) == pytest.approx(sorted([23511 / 0.122, 23247 / 0.1206]))
    assert r["verdict"] == "consistent"


def test_ten_commune_pace_spans_the_change_of_standard(table):
    # The pace "more than 10" runs from end-2020 (old standard: 4.430 poor) to end-2023 (new
    # standard): no reading of it can be tested against counts of two standards.
    for reading in ("as points", "relative"):
        r = _row(table, "pace_vs_counts", "laocai-10xa", "2020-2023", reading)
        assert r["verdict"] == "not comparable: standard changed" and pd.isna(r["implied"])


def test_a_total_from_a_truncated_rate_is_a_reading_limit(table):
    # 16.664 / 10,42% = 159.923, printed 159.826; 10,42 truncated from 10,4263 allows it.
    r = _row(table, "total_vs_count_rate", "langson", "2022", "households_em")
    assert (r["verdict"], r["finding"]) == ("inconsistent", "reading limit")


def test_real_disagreements_are_named(table):
    real = table[table["finding"] == "disagreement"]
    # Lào Cai's approved 11.24% for 2024 against 7.8% on another page is a real conflict.
    assert ((real["geo"] == "laocai") & (real["period"] == "2024")).any()
    prov = table[table["finding"] == "provisional replaced"]
    assert ((prov["geo"] == "laocai") & (prov["period"] == "2020")).any()  # the 8.46 estimate


def test_parts_sum(table):
    r = _row(table, "parts_vs_sum", "backan", "2021-2025")
    assert (r["reported"], r["implied"], r["verdict"]) == (157, 157, "consistent")


def test_not_checkable_says_what_is_implied(table):
    r = _row(table, "change_vs_levels", "backan-nari", "2022-2023", "poverty_rate 2022")
    assert r["verdict"] == "not checkable" and "36.44" in r["note"]  # 32,81% + 3,63 points
    r = _row(table, "share_vs_parts", "laocai-10xa", "2021-2023", "disbursement_plan")
    assert "409.3" in r["note"]


def test_verdict_rules():
    assert verdict(3.28, 3.275, 3.285, 3.28, 3.27, 3.29) == "consistent"
    assert verdict(50.5, 50.45, 50.55, 50.54, 50.535, 50.545) == "within rounding"
    assert verdict(10.42, 10.415, 10.425, 10.4263, 10.4263, 10.4263) == "inconsistent"
    assert verdict(30.5, 30.5, float("inf"), 33.28, 33.27, 33.29, one_sided=True) == "consistent"
    assert verdict(1, 0, 2, float("nan"), 0, 0) == "not checkable"


def test_audit_command_csv(tmp_path, table):
    out = tmp_path / "audit.csv"
    assert main(["audit", "--format", "csv", "--output", str(out)]) == 0
    written = pd.read_csv(out)
    assert list(written.columns) == COLUMNS
    assert len(written) == len(table)


def test_standards_are_never_compared():
    obs = pd.DataFrame(
        {
            "obs_id": ["old", "new"],
            "source_id": ["s1", "s1"],
            "geo": ["g", "g"],
            "indicator": ["poverty_rate"] * 2,
            "period": ["2021"] * 2,
            "standard": ["2016-2020", "2022-2025"],
            "value": [8.0, 12.0],
            "qualifier": ["exact"] * 2,
            "status": ["reported"] * 2,
            "decimals": [1, 1],
        }
    )
    chosen, conflicts = reconcile(obs, pd.DataFrame({"source_id": ["s1"], "date_published": [None]}))
    assert sorted(chosen["obs_id"]) == ["new", "old"] and conflicts.empty


def test_langson_2023_fall_in_households_is_implausible(table, ds):
    # 17.497 poor at 8,92% -> 196.155 households in 2022; 17.497 - 5.100 = 12.397 poor at
    # 6,02% -> 205.930 in 2023: +5.0% in one year, beyond the assumed 3%.
    r = _row(table, "households_plausible", "langson", "2022-2023")
    assert r["reported"] == pytest.approx(17497 / 0.0892)
    # Two pages print the 2023 rate (6,02% and 6,03%); the row names the one it used.
    values = ds.observations.set_index("obs_id")["value"]
    fall, count, rate = r["obs_ids"].split(";")[:3]  # the fall, the 2022 count, the 2023 rate
    assert (values[fall], values[count]) == (5100, 17497) and values[rate] in (6.02, 6.03)
    assert r["implied"] == pytest.approx(12397 / (values[rate] / 100))
    assert r["implied"] > 17497 / 0.0892 * 1.03
    assert r["verdict"] == "inconsistent" and r["class"] == "plausibility"
    assert "3% a year" in r["note"] and f"{r['implied']:,.0f} households in 2023" in r["note"]


def test_target_findings_are_not_disagreements(table):
    t = table[table["check"] == "target_scored"]
    assert set(t["class"]) == {"target"}
    assert set(t["verdict"]) <= {
        "met",
        "missed",
        "not yet due",
        "no outcome printed",
        "not comparable: standard changed",
    }
    assert set(t["finding"]) == set(t["verdict"])


def test_audit_on_synthetic_data(synth_panel):
    t = audit(synth_panel)
    r = _row(t, "change_vs_levels", "pb", "2022-2023", "poverty_rate 2022")
    assert (r["implied"], r["verdict"]) == (4.0, "consistent")
    r = _row(t, "share_vs_parts", "pb", "2022")
    assert (r["implied"], r["verdict"]) == (20.0, "consistent")
    r = _row(t, "households_plausible", "pb", "2022-2023")
    assert r["implied"] == pytest.approx(1600 / 0.16) and r["verdict"] == "consistent"
    # A growth with no balance on either side is not checkable, and raises nothing.
    r = _row(t, "growth_vs_levels", "pb", "2022-2023")
    assert r["verdict"] == "not checkable"
    r = _row(t, "growth_vs_levels", "pc", "2022-2023")
    assert r["verdict"] == "not checkable" and "imply 100" in r["note"]
    # The approved 16% replaces the 15% estimate: listed, not hidden.
    r = _row(t, "restatement", "pb", "2023")
    assert (r["reported"], r["implied"]) == (15.0, 16.0)
    # Nothing crosses the change of standard or the merger.
    assert t[(t["geo"] == "pa") & (t["period"] == "2020-2021")].empty

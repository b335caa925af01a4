"""Households entering and leaving poverty against the two counts (values by hand).

The relation is data: the flow indicators name ``poor_households`` as their ``level_of``,
with direction rise (into the count) or fall (out of it)."""

from __future__ import annotations

import pytest

import povlib
from povlib.analysis.panel import panel


def _row(obs_id, geo, ind, period, value, std="2022-2025"):
    raw = f"{value:,}".replace(",", ".") + " hộ"
    return (obs_id, "s3", raw, geo, geo, ind, period, std, str(value), "households", "exact", "reported")


@pytest.fixture(scope="module")
def flows_audit(tmp_path_factory):
    import synthetic

    folder = synthetic.write(tmp_path_factory.mktemp("flows") / "data")
    rows = [
        *synthetic._OBS,
        # Tỉnh Bình: 1.000 poor at the end-2024 review, 800 at the end-2025 review; during
        # 2025 300 left poverty, 80 became poor and 20 fell back: 1000 + 80 + 20 - 300 = 800.
        _row("pb.p24", "pb", "poor_households", "2024", 1000),
        _row("pb.p25", "pb", "poor_households", "2025", 800),
        _row("pb.left25", "pb", "households_left_poverty", "2025", 300),
        _row("pb.new25", "pb", "newly_poor_households", "2025", 80),
        _row("pb.back25", "pb", "fallen_back_households", "2025", 20),
        # Tỉnh Cát: the same flows but 900 poor at the end: 100 more than the flows allow.
        _row("pc.p24", "pc", "poor_households", "2024", 1000),
        _row("pc.p25", "pc", "poor_households", "2025", 900),
        _row("pc.left25", "pc", "households_left_poverty", "2025", 300),
        _row("pc.new25", "pc", "newly_poor_households", "2025", 80),
        _row("pc.back25", "pc", "fallen_back_households", "2025", 20),
        # Tỉnh Bình 2020-2021 (old standard): no count of households fallen back, so the
        # relation cannot be closed.
        _row("pb.p20", "pb", "poor_households", "2020", 700, "2016-2020"),
        _row("pb.p21", "pb", "poor_households", "2021", 600, "2016-2020"),
        _row("pb.left21", "pb", "households_left_poverty", "2021", 150, "2016-2020"),
        _row("pb.new21", "pb", "newly_poor_households", "2021", 50, "2016-2020"),
    ]
    (folder / "observations.csv").write_text(synthetic.observations_csv(rows), encoding="utf-8")
    a = povlib.audit(panel(povlib.load_dataset(folder)))
    return a[a["check"] == "flows_vs_levels"]


def test_flow_relation_is_metadata(ds):
    ind = ds.indicators.set_index("code")
    flows = ind[(ind["kind"] == "flow") & (ind["level_of"] == "poor_households")]
    assert flows["direction"].to_dict() == {
        "households_left_poverty": "fall",
        "newly_poor_households": "rise",
        "fallen_back_households": "rise",
    }


def test_start_plus_new_plus_fallen_back_minus_left_is_end(flows_audit):
    r = flows_audit.set_index(["geo", "period"])
    assert r.loc[("pb", "2025"), "reported"] == 800
    assert r.loc[("pb", "2025"), "implied"] == 1000 + 80 + 20 - 300
    assert r.loc[("pb", "2025"), "verdict"] == "consistent"
    assert r.loc[("pb", "2025"), "obs_ids"] == "pb.p24;pb.left25;pb.new25;pb.back25;pb.p25"


def test_a_count_the_flows_cannot_reach_is_flagged(flows_audit):
    r = flows_audit.set_index(["geo", "period"]).loc[("pc", "2025")]
    assert (r["reported"], r["implied"], r["difference"]) == (900, 800, 100)
    assert r["verdict"] == "inconsistent"


def test_no_check_where_a_flow_is_missing(flows_audit):
    assert ("pb", "2021") not in set(zip(flows_audit["geo"], flows_audit["period"], strict=True))
    assert len(flows_audit) == 2

"""The panel, its derived values, the query API and export, on synthetic and real data.

Expected values are computed by hand from the figures in tests/synthetic.py.
"""

import json

import pandas as pd
import pytest

from povlib import derive
from povlib.analysis.query import QueryError, coverage, series
from povlib.cli import main


def _one(table, **key):
    hit = table
    for k, v in key.items():
        hit = hit[hit[k] == v]
    assert len(hit) == 1, key
    return hit.iloc[0]


def test_panel_has_one_row_per_key(synth_panel):
    key = ["geo", "indicator", "period", "standard", "role", "bound"]
    assert not synth_panel.table.duplicated(key).any()


def test_conflict_is_resolved_and_kept(synth_panel):
    r = _one(synth_panel.printed, geo="pb", indicator="poverty_rate", period="2023")
    assert (r["value"], r["status"], r["alternatives"]) == (16.0, "approved", "pb.r2023e")
    c = _one(synth_panel.conflicts, geo="pb", indicator="poverty_rate", period="2023")
    assert c["spread"] == pytest.approx(1.0)


def test_derived_values_and_their_basis(synth_panel):
    t = synth_panel.table[synth_panel.table["derived"]]
    # 1.500 poor at 15,00% -> 10.000 households.
    hh = _one(t, geo="pc", indicator="households", period="2023")
    assert hh["value"] == pytest.approx(10000) and "pc.poor2023" in hh["basis"]
    assert hh["standard"] == ""  # households are not measured under a poverty standard
    # 110 bn after growing 10% -> 100 bn a year earlier.
    assert _one(t, geo="pc", indicator="credit_balance", period="2022")["value"] == pytest.approx(100)
    # 40 bn is 80% of a 50 bn plan.
    assert _one(t, geo="pc", indicator="disbursement_plan", period="2023")["value"] == pytest.approx(50)
    # 2.000 poor less a fall of 400 -> 1.600.
    assert _one(t, geo="pb", indicator="poor_households", period="2023")["value"] == 1600
    # Nothing is derived where a figure was printed, nor from a growth with no balance.
    assert t[(t["geo"] == "pb") & (t["indicator"] == "credit_balance")].empty
    assert t[(t["geo"] == "pb") & (t["indicator"] == "households")].empty


def test_no_change_across_a_standard_or_a_merger(synth_panel, synth):
    ch = derive.changes(synth_panel, "poverty_rate", places=["pa"])
    steps = ch.set_index(["from_period", "to_period"])
    assert steps.loc[("2019", "2020"), "change"] == pytest.approx(-2.0)
    assert steps.loc[("2021", "2022"), "change"] == pytest.approx(-3.0)
    across = steps.loc[("2020", "2021")]
    assert pd.isna(across["change"]) and "standard changed" in across["break"]
    merged = ch[ch["break"].str.startswith("unit replaced")]
    assert merged["from_period"].tolist() == ["2022"] and "pa2" in merged["break"].iloc[0]
    assert not ((ch["geo"] == "pa") & (ch["to_period"] == "2025")).any()


def test_stock_change_and_its_derived_start(synth_panel):
    ch = derive.changes(synth_panel, "credit_balance", places=["pc"])
    half = _one(ch, from_period="2023", to_period="2024-06")
    assert half["change"] == pytest.approx(11.0) and half["relative_pct"] == pytest.approx(10.0)
    assert bool(_one(ch, from_period="2022")["derived"])  # rests on the implied 2022 balance


def test_series_by_name_without_diacritics_and_int_or_str_years(synth):
    a = series(synth, "poverty_rate", places=["Tinh Binh"], years=[2022, "2023"])
    assert a["value"].tolist() == [20.0, 16.0]
    assert set(a.columns) >= {"place", "period", "value", "unit", "status", "standard", "sources"}
    assert a["unit"].unique().tolist() == ["%"]
    b = series(synth, "poverty_rate", places="tỉnh bình", years="2022")
    assert b["value"].tolist() == [20.0]


@pytest.mark.parametrize(
    "kwargs, words",
    [
        (dict(indicator="poverty_rat"), ["poverty_rat", "poverty_rate"]),
        (dict(indicator="poverty_rate", places=["Tinh Bnh"]), ["Tinh Bnh", "Tỉnh Bình"]),
        (dict(indicator="poverty_rate", years=[1999]), ["1999"]),
        (dict(indicator="poverty_rate", standard="2010"), ["2010", "2022-2025"]),
        (dict(indicator="credit_balance", places=["pa"]), ["no outcome of credit_balance"]),
    ],
)
def test_unknown_names_raise_with_suggestions(synth, kwargs, words):
    with pytest.raises(QueryError) as err:
        series(synth, **kwargs)
    for w in words:
        assert w in str(err.value)


def test_coverage_counts_sources_and_shows_gaps(synth):
    cov = coverage(synth, families={"rate": ["poverty_rate"]}, places=["pa", "pb", "pc"], years=(2019, 2025))
    assert list(cov.columns) == list(range(2019, 2026))
    assert cov.loc[("pb", "rate"), 2023] == 2  # the estimate and the approved figure
    assert cov.loc[("pa", "rate"), 2023] == 0  # a visible gap
    assert cov.loc[("pc", "rate")].sum() == 1


def test_ratio_per_household(synth_panel):
    r = _one(derive.ratio(synth_panel, "credit_balance", "households", 1000, places=["pc"]), period="2023")
    assert r["ratio"] == pytest.approx(110 * 1000 / 10000)  # million dong per household
    assert bool(r["derived"])  # the households were implied


def test_export_command(synth_dir, capsys):
    assert (
        main(
            [
                "export",
                "--indicator",
                "poverty_rate",
                "--place",
                "Tinh Binh",
                "--data",
                str(synth_dir),
                "--format",
                "json",
            ]
        )
        == 0
    )
    rows = json.loads(capsys.readouterr().out)
    assert [(r["period"], r["value"], r["status"]) for r in rows] == [
        ("2022", 20.0, "reported"),
        ("2023", 16.0, "approved"),
    ]
    assert rows[1]["alternatives"] == "pb.r2023e"
    assert main(["export", "--indicator", "nope", "--data", str(synth_dir)]) == 1
    assert "unknown indicator 'nope'" in capsys.readouterr().err


def test_python_dash_m_runs_the_cli():
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "povlib", "--help"], capture_output=True, text=True, check=True
    )
    assert "export" in out.stdout


def test_real_data_invariants(ds):
    from povlib.analysis.panel import panel

    p = panel(ds)
    key = ["geo", "indicator", "period", "standard", "role", "bound"]
    assert not p.table.duplicated(key).any()
    # Every observation is chosen or listed as an alternative: nothing is dropped.
    chosen = p.printed
    alts = {i for a in chosen["alternatives"] for i in a.split(";") if i}
    assert set(chosen["obs_id"]) | alts == set(ds.observations["obs_id"])
    # Derived rows never replace a printed key and always say how they were made.
    d = p.table[p.table["derived"]]
    assert (d["basis"] != "").all()
    assert d.merge(chosen[key], on=key).empty


def test_readme_coverage_table_matches_the_data(capsys):
    import re
    import shlex

    from povlib import paths

    readme = (paths.ROOT / "README.md").read_text(encoding="utf-8")
    blocks = list(re.finditer(r"<!-- coverage: povlib (.+?) -->\n(.*?)<!-- /coverage -->", readme, re.S))
    # The three provinces and their successors; the nation, the region and its other provinces.
    assert len(blocks) == 2, "README has not its two coverage blocks"
    for m in blocks:
        assert main(shlex.split(m.group(1))) == 0
        assert capsys.readouterr().out == m.group(2)


def test_top_level_names(synth):
    import povlib

    assert povlib.panel(synth).table is povlib.panel(synth).table  # built once per dataset
    assert povlib.series(synth, "poverty_rate", "pc")["value"].tolist() == [15.0]


def test_stock_dated_by_year_alone_gives_ranges(synth_panel, synth):
    """A balance printed with its year but no month may stand for any month-end of that year:
    the time to a month-dated balance and the growth per year are ranges, not one figure."""
    ch = derive.changes(synth_panel, "credit_balance", places=["pc"])
    half = _one(ch, from_period="2023", to_period="2024-06")
    end_june = 2024 + 182 / 365.25  # 30 June 2024 is day 182
    assert not bool(half["dates_known"]) and pd.isna(half["annual_growth_pct"])
    assert half["years_low"] == pytest.approx(end_june - 2024.0)
    assert half["years_high"] == pytest.approx(end_june - (2023 + 31 / 365.25))
    assert half["growth_high_pct"] == pytest.approx((1.1 ** (1 / (end_june - 2024.0)) - 1) * 100)
    assert half["growth_low_pct"] == pytest.approx((1.1 ** (1 / (end_june - 2023 - 31 / 365.25)) - 1) * 100)


def test_ratio_same_period_qualifier_and_dropped_denominators(synth_panel):
    # 1.500 poor households at 15,00% imply 10.000 households for pc in 2023.
    r = derive.ratio(synth_panel, "credit_balance", "households", scale=1000, places=["pc"])
    row = _one(r, period="2023")
    assert row["ratio"] == pytest.approx(110 * 1000 / 10000) and row["derived"]
    dropped = derive.ratio(
        synth_panel,
        "credit_balance",
        "households",
        scale=1000,
        places=["pc"],
        drop=pd.DataFrame({"geo": ["pc"], "year": [2023]}),
    )
    assert dropped[dropped["period"] == "2023"].empty


def test_a_ratio_beside_its_parts(synth_panel):
    # 40 bn disbursed at 80% of the plan: the plan of 50 bn is implied, and the row says so.
    t = derive.with_parts(synth_panel, "disbursement_ratio", places=["pc"])
    assert t[["period", "ratio", "numerator", "denominator", "implied"]].to_numpy().tolist() == [
        ["2023", 80.0, 40.0, 50.0, True]
    ]
    assert derive.with_parts(synth_panel, "disbursement_ratio", places=["pa"]).empty


def test_labels_of_many_indicators(synth_panel):
    codes = pd.Series(["poverty_rate", "households"])
    assert synth_panel.labels(codes, "vi").tolist() == [
        synth_panel.label("poverty_rate", "vi"),
        synth_panel.label("households", "vi"),
    ]

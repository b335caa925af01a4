"""As-if-merged rates of a unit formed by merger, from its parts' counts (values by hand)."""

from __future__ import annotations

import pandas as pd
import pytest

import povlib
from povlib import derive
from povlib.analysis.panel import panel


@pytest.fixture(scope="module")
def merged_panel(tmp_path_factory):
    import synthetic

    folder = synthetic.write(tmp_path_factory.mktemp("merged") / "data")
    geo = (
        synthetic.GEOGRAPHY
        + "pd,Tỉnh Dư,Tinh Du,Tỉnh Dư,Tỉnh Dư,province,,pd,94,,2025-06-30,pa2,5,Merged on 1 July 2025.\n"
    )
    (folder / "geography.csv").write_text(geo, encoding="utf-8")
    rows = [
        *synthetic._OBS,
        # 2022: Tỉnh An 900 of 10.000 households (9,0% is printed too), Tỉnh Dư 300 of 5.000.
        (
            "pa.p2022",
            "s1",
            "900 hộ",
            "pa",
            "pa",
            "poor_households",
            "2022",
            "2022-2025",
            "900",
            "households",
            "exact",
            "reported",
        ),
        (
            "pa.h2022",
            "s1",
            "10.000 hộ",
            "pa",
            "pa",
            "households",
            "2022",
            "",
            "10000",
            "households",
            "exact",
            "reported",
        ),
        (
            "pd.p2022",
            "s1",
            "300 hộ",
            "pd",
            "pd",
            "poor_households",
            "2022",
            "2022-2025",
            "300",
            "households",
            "exact",
            "reported",
        ),
        (
            "pd.h2022",
            "s1",
            "5.000 hộ",
            "pd",
            "pd",
            "households",
            "2022",
            "",
            "5000",
            "households",
            "exact",
            "reported",
        ),
        # 2021: only Tỉnh Dư's counts.
        (
            "pd.p2021",
            "s1",
            "400 hộ",
            "pd",
            "pd",
            "poor_households",
            "2021",
            "2022-2025",
            "400",
            "households",
            "exact",
            "reported",
        ),
        (
            "pd.h2021",
            "s1",
            "5.000 hộ",
            "pd",
            "pd",
            "households",
            "2021",
            "",
            "5000",
            "households",
            "exact",
            "reported",
        ),
        # The merged unit's own figure for 2022, printed after the merger.
        (
            "pa2.r2022",
            "s3",
            "8,0%",
            "pa2",
            "pa2",
            "poverty_rate",
            "2022",
            "2022-2025",
            "8",
            "%",
            "exact",
            "reported",
        ),
    ]
    (folder / "observations.csv").write_text(synthetic.observations_csv(rows), encoding="utf-8")
    return panel(povlib.load_dataset(folder))


def test_as_if_rate_sums_counts_within_one_standard(merged_panel):
    p = merged_panel
    m = derive.as_if_merged(p, "poverty_rate")
    y22 = m[(m["geo"] == "pa2") & (m["period"] == "2022")].iloc[0]
    assert (y22["numerator"], y22["denominator"]) == (1200, 15000)
    assert y22["value"] == pytest.approx(8.0) and y22["missing"] == "" and y22["standard"] == "2022-2025"
    assert set(y22["parts"].split(";")) == {"pa", "pd"}
    # 2021: Tỉnh An printed a rate (12,0%) but no counts: no as-if rate, and the row names the part.
    y21 = m[(m["geo"] == "pa2") & (m["period"] == "2021")].iloc[0]
    assert y21["missing"] == "pa" and pd.isna(y21["value"])


def test_audit_sets_the_as_if_rate_against_the_printed_merged_figure(merged_panel):
    a = povlib.audit(merged_panel)
    r = a[(a["check"] == "merged_vs_parts") & (a["geo"] == "pa2") & (a["period"] == "2022")].iloc[0]
    assert (r["reported"], r["implied"], r["verdict"]) == (8.0, pytest.approx(8.0), "consistent")


def test_a_rate_whose_count_no_part_prints_gives_no_row_with_the_types_of_rows(merged_panel):
    # The synthetic parts print no near-poor count: nothing is summed, and the empty table
    # has the columns and types a table with rows has.
    m = derive.as_if_merged(merged_panel, "near_poor_rate")
    full = derive.as_if_merged(merged_panel, "poverty_rate")
    assert m.empty and list(m.columns) == list(full.columns)
    assert m.dtypes.astype(str).to_dict() == {
        **{c: "str" for c in m.columns},
        "value": "Float64",
        "numerator": "Float64",
        "denominator": "Float64",
        "derived_inputs": "bool",
    }
    assert full["value"].dtype == "Float64" and full["derived_inputs"].dtype == bool


def test_several_rates_in_one_pass_are_each_rate_alone(merged_panel, ds):
    # The audit sums every rate a merged unit prints in one pass: the same rows as one rate at
    # a time, in the order the rates are given.
    for p in (merged_panel, panel(ds)):
        meta = p.ds.indicators
        rates = list(meta.loc[meta["numerator"].fillna("") != "", "code"])[::-1]
        assert "poverty_rate" in rates
        together = derive.as_if_merged(p, [*rates, "poverty_rate"])  # named twice, summed once
        alone = pd.concat([derive.as_if_merged(p, r) for r in rates], ignore_index=True)
        assert len(together) and together["indicator"].nunique() >= 1
        pd.testing.assert_frame_equal(together, alone)
    with pytest.raises(ValueError, match="unknown indicator.*'no_such_rate'"):
        derive.as_if_merged(merged_panel, ["poverty_rate", "no_such_rate"])

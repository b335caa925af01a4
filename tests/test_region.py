"""The provinces in their region, on the real data (values computed by hand from data/)."""

from __future__ import annotations

import pytest

import povlib
from povlib import derive, targets
from povlib.analysis.panel import panel
from povlib.reading.tables import read_table


@pytest.fixture(scope="module")
def p():
    return panel(povlib.load_dataset())


def test_tile_grid_places_each_of_the_region_s_provinces_once(p):
    tiles, problems = read_table("tiles")
    assert problems == []
    members = set(p.places.index[p.places["parent"] == "northern-midlands-mountains"])
    assert set(tiles["geo"]) == members and len(tiles) == 14
    assert not tiles.duplicated(["tile_row", "tile_col"]).any()


def test_provinces_against_the_national_yardstick(p):
    sc = targets.score_against(p, "vietnam", ["langson", "backan"], ["poverty_rate_fall_pp_per_year"])
    r = sc[sc["target_period"] == "2021-2025"].set_index(["geo", "period"])
    # Lạng Sơn: 12,2% at the end-2021 review, 8,92% at the end-2022 one: 3.28 points against 1-1.5.
    assert r.loc[("langson", "2021-2022"), "achieved"] == pytest.approx(12.2 - 8.92)
    assert r.loc[("langson", "2021-2022"), ["verdict", "reached"]].tolist() == ["met", "whole range"]
    # 3,36% to 2,32% during 2025: 1.04 points, the lower end only.
    assert r.loc[("langson", "2024-2025"), "achieved"] == pytest.approx(3.36 - 2.32)
    assert r.loc[("langson", "2024-2025"), "reached"] == "lower end only"
    # Bắc Kạn prints no end-2025 review.
    assert r.loc[("backan", "2024-2025"), "verdict"] == "no outcome printed"


def test_poor_districts_against_their_yardstick(p):
    sc = targets.score_against(
        p, "vietnam-poor-districts", ["laocai-simacai"], ["poverty_rate_fall_pp_per_year"]
    )
    r = sc[sc["target_period"] == "2021-2025"].set_index("period")
    # Si Ma Cai: 40,74% (2023) to 33,05% (2024) against 4-4.5 points a year.
    assert r.at["2023-2024", "achieved"] == pytest.approx(40.74 - 33.05)
    assert (r.at["2023-2024", "ask_low"], r.at["2023-2024", "ask_high"]) == (4.0, 4.5)
    assert r.at["2023-2024", "verdict"] == "met"


def test_no_as_if_rate_of_the_merged_provinces_in_2021_2025(p):
    m = derive.as_if_merged(p, "poverty_rate")
    m = m[m["geo"].isin(["laocai-2025", "thainguyen-2025"]) & (m["standard"] == "2022-2025")]
    assert m["value"].isna().all()
    r = m.set_index(["geo", "period"])
    # 2024: Lào Cai prints both counts, Yên Bái only a preliminary count of poor households.
    assert (r.at[("laocai-2025", "2024"), "parts"], r.at[("laocai-2025", "2024"), "missing"]) == (
        "laocai",
        "yenbai",
    )
    # Lào Cai's 20.411 poor households plus Yên Bái's 12.725; the households are Lào Cai's alone.
    assert r.at[("laocai-2025", "2024"), "numerator"] == 20411 + 12725
    assert r.at[("laocai-2025", "2024"), "denominator"] == 181603

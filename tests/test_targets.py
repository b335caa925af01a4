"""Targets scored once, in their own words (values computed by hand)."""

from __future__ import annotations

import pandas as pd
import pytest

import povlib
from povlib import targets
from povlib.analysis.panel import panel


def _row(frame, **kw):
    for k, v in kw.items():
        frame = frame[frame[k] == v]
    assert len(frame) == 1, frame
    return frame.iloc[0]


def test_synthetic_targets(synth_panel):
    sc = targets.score(synth_panel)
    pace = sc[(sc["geo"] == "pb") & (sc["indicator"] == "poverty_rate_fall_pp_per_year")]
    # One row per year of 2021-2025, each scored once against the 2-3 range.
    assert pace["period"].tolist() == ["2021-2022", "2022-2023", "2023-2024", "2024-2025"]
    y23 = _row(pace, period="2022-2023")
    assert (y23["achieved"], y23["verdict"], y23["reached"], y23["shortfall"]) == (
        4.0,
        "met",
        "whole range",
        0.0,
    )
    # No 2021 level: nothing to score; 2024 and 2025 are due (pa2 has a 2025 review) but unprinted.
    assert set(pace.loc[pace["period"] != "2022-2023", "verdict"]) == {"no outcome printed"}
    lvl = _row(sc, geo="pb", indicator="poverty_rate")
    # From 16% (2023) to 8% (2025): 8 points in two years.
    assert (lvl["verdict"], lvl["needed_pp_per_year"]) == ("no outcome printed", 4.0)


def test_not_yet_due_after_as_of(synth_panel):
    sc = targets.score(synth_panel, as_of=2023)
    assert _row(sc, geo="pb", indicator="poverty_rate")["verdict"] == "not yet due"


def test_real_targets_scored_once_and_right():
    p = povlib.panel(povlib.load_dataset())
    sc = targets.score(p)
    # Bắc Kạn's 2024 level target (19.65%) against the reported 19.46%: met.
    bk = _row(sc, geo="backan", indicator="poverty_rate", period="2024")
    assert (bk["verdict"], bk["achieved"]) == ("met", 19.46)
    # Its 2021-2025 target (2-2.5 a year, and the 'more than 2.5' headline) is scored once a
    # year: 2023's fall of 2.49 points (21.95 to 19.46) meets the lower end only.
    y = _row(sc, geo="backan", indicator="poverty_rate_fall_pp_per_year", period="2023-2024")
    assert y["verdict"] == "met" and y["reached"] == "lower end only"
    assert y["achieved"] == pytest.approx(2.49)
    # Lạng Sơn's 3 points a year: 2024-2025 from 3.36 to 2.32 is 1.04, missed by 1.96.
    ls = _row(sc, geo="langson", period="2024-2025")
    assert ls["verdict"] == "missed" and ls["shortfall"] == pytest.approx(1.96)
    # Pác Nặm's fall for 2021 runs from an old-standard review to a new-standard one.
    assert _row(sc, geo="backan-pacnam")["verdict"] == "not comparable: standard changed"
    # No target is scored twice for the same year.
    assert not sc.duplicated(["geo", "indicator", "target_period", "standard", "period"]).any()
    assert set(sc["verdict"]) <= set(targets.VERDICTS)


def test_audit_target_rows_use_target_words():
    a = povlib.audit(povlib.load_dataset())
    t = a[a["class"] == "target"]
    assert set(t["verdict"]) <= set(targets.VERDICTS)
    assert not set(a.loc[a["class"] != "target", "verdict"]) & {"met", "missed"}


def test_a_fall_larger_than_the_rate_left_says_so(tmp_path):
    import synthetic

    from povlib.analysis.panel import panel

    rows = [
        *synthetic._OBS,
        # From 16% at end-2023, a target to fall 20 points during 2024 cannot be met.
        (
            "pb.t20",
            "s1",
            "20%",
            "pb",
            "pb",
            "poverty_rate_fall_pp",
            "2023-2024",
            "2022-2025",
            "20",
            "pp",
            "exact",
            "target",
        ),
    ]
    folder = synthetic.write(tmp_path / "data")
    (folder / "observations.csv").write_text(synthetic.observations_csv(rows), encoding="utf-8")
    sc = targets.score(panel(povlib.load_dataset(folder)))
    row = _row(sc, geo="pb", indicator="poverty_rate_fall_pp")
    assert row["verdict"] == "no outcome printed" and row["start_level"] == 16.0
    assert "larger than the rate left" in row["note"]


@pytest.fixture(scope="module")
def yardstick_panel(tmp_path_factory):
    import synthetic

    folder = synthetic.write(tmp_path_factory.mktemp("yardstick") / "data")
    rows = [
        *synthetic._OBS,
        # Tỉnh Cát: 15,00% at the end-2023 review (already there), 14,00% at the end-2024 one.
        (
            "pc.r2024",
            "s3",
            "14,00%",
            "pc",
            "pc",
            "poverty_rate",
            "2024",
            "2022-2025",
            "14",
            "%",
            "exact",
            "reported",
        ),
    ]
    (folder / "observations.csv").write_text(synthetic.observations_csv(rows), encoding="utf-8")
    return panel(povlib.load_dataset(folder))


def test_other_places_scored_against_a_yardstick(yardstick_panel):
    # Tỉnh Bình's target, a fall of 2-3 points a year over 2021-2025, as a yardstick for
    # Tỉnh An (12% at the end-2021 review, 9% at the end-2022 one) and Tỉnh Cát.
    p = yardstick_panel
    sc = targets.score_against(p, "pb", ["pa", "pc"], indicators=["poverty_rate_fall_pp_per_year"])
    assert set(sc["yardstick"]) == {"pb"} and set(sc["geo"]) == {"pa", "pc"}
    r = sc.set_index(["geo", "period"])
    # Tỉnh An, during 2022: 12 - 9 = 3 points, the whole range.
    assert r.loc[("pa", "2021-2022"), ["achieved", "verdict", "reached", "shortfall"]].tolist() == [
        3.0,
        "met",
        "whole range",
        0.0,
    ]
    assert (r.loc[("pa", "2021-2022"), "ask_low"], r.loc[("pa", "2021-2022"), "ask_high"]) == (2.0, 3.0)
    # Tỉnh Cát, during 2024: 15 - 14 = 1 point against at least 2: missed by 1.
    assert r.loc[("pc", "2023-2024"), ["achieved", "verdict", "shortfall"]].tolist() == [1.0, "missed", 1.0]
    # No review of Tỉnh An in 2023: due (the data run to 2025) but not printed.
    assert r.loc[("pa", "2022-2023"), "verdict"] == "no outcome printed"
    assert len(sc) == 8  # four years of the period for each of the two places


def test_a_place_against_its_own_targets_as_yardstick_is_score(yardstick_panel):
    p = yardstick_panel
    own = targets.score(p)
    own = own[(own["geo"] == "pb") & (own["indicator"] == "poverty_rate_fall_pp_per_year")]
    again = targets.score_against(p, "pb", ["pb"], indicators=["poverty_rate_fall_pp_per_year"])
    cols = ["period", "achieved", "verdict", "shortfall"]
    pd.testing.assert_frame_equal(own[cols].reset_index(drop=True), again[cols].reset_index(drop=True))

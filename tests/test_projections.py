"""Projections and their tests, on series small enough to compute by hand.

Series (rates, per cent):
- ``a`` under the 2016-2020 standard: 2016 10, 2017 8, 2018 7, 2020 4 (2019 missing);
- ``b`` under the 2016-2020 standard: 2016 5, 2017 4, 2018 3.5;
- ``a`` under the 2022-2025 standard: 2022 30, 2023 27, 2024 25.
"""

import math

import pandas as pd
import pytest

from povlib import projections as pj

OLD, NEW = "2016-2020", "2022-2025"


def _series():
    rows = [("a", OLD, y, v) for y, v in [(2016, 10), (2017, 8), (2018, 7), (2020, 4)]]
    rows += [("b", OLD, y, v) for y, v in [(2016, 5), (2017, 4), (2018, 3.5)]]
    rows += [("a", NEW, y, v) for y, v in [(2022, 30), (2023, 27), (2024, 25)]]
    return pd.DataFrame(rows, columns=["geo", "standard", "year", "value"])


def _err(bt, geo, std, origin, target, method):
    row = bt[
        (bt["geo"] == geo)
        & (bt["standard"] == std)
        & (bt["origin"] == origin)
        & (bt["target_year"] == target)
        & (bt["method"] == method)
    ]
    assert len(row) == 1
    return row.iloc[0]


def test_methods_by_hand():
    # Through (2016, 10), (2017, 8): two points, so the line is the last pace, -2 a year.
    assert pj.project([2016, 2017], [10, 8], [2018, 2020], "linear")["value"].tolist() == [6, 2]
    assert pj.project([2016, 2017], [10, 8], [2018, 2020], "last_pace")["value"].tolist() == [6, 2]
    # A constant relative fall of 8/10 a year: 6.4, then 8 * 0.8 ** 3.
    rel = pj.project([2016, 2017], [10, 8], [2018, 2020], "relative")
    assert rel["value"].tolist() == pytest.approx([6.4, 4.096])
    assert rel["horizon"].tolist() == [1, 3]
    # Least squares through 10, 8, 7: slope -1.5 around the mean 25/3 at 2017.
    assert pj.project([2016, 2017, 2018], [10, 8, 7], [2020], "linear")["value"].iloc[0] == pytest.approx(
        25 / 3 - 3 * 1.5
    )
    # On logs: the geometric mean at 2017 times (7/10) ** (3/2) three years on.
    assert pj.project([2016, 2017, 2018], [10, 8, 7], [2020], "relative")["value"].iloc[0] == pytest.approx(
        560 ** (1 / 3) * 0.7**1.5
    )
    # A line that crosses zero is floored there: 4 - 3 * 2 is below zero.
    assert pj.project([2016, 2017], [6, 4], [2019], "linear")["value"].iloc[0] == 0


def test_a_value_on_a_half_prints_the_same_everywhere():
    # 12.2, 8.92, 6.03, 3.36 over 2021-2024: the line gives exactly 0.275 in 2025. The fit is
    # rounded to ten decimals, so machines whose last bit differs print the same 0.28.
    v = pj.project([2021, 2022, 2023, 2024], [12.2, 8.92, 6.03, 3.36], [2025], "linear")["value"].iloc[0]
    assert v == 0.275
    assert f"{v:.2f}" == "0.28"


def test_backtest_horizons_and_errors():
    bt = pj.backtest(_series())
    # From 2017, a's old series aims at 2018 (one year ahead) and 2020 (three years ahead).
    r = _err(bt, "a", OLD, 2017, 2018, "linear")
    assert (r["horizon"], r["n_points"], r["projected"], r["actual"], r["error"]) == (1, 2, 6, 7, -1)
    assert _err(bt, "a", OLD, 2017, 2020, "linear")["horizon"] == 3
    assert _err(bt, "a", OLD, 2017, 2020, "linear")["error"] == -2
    assert _err(bt, "a", OLD, 2017, 2020, "relative")["error"] == pytest.approx(0.096)
    assert _err(bt, "a", OLD, 2018, 2020, "last_pace")["error"] == 1  # 7 - 2 * 1, against 4
    assert _err(bt, "a", OLD, 2018, 2020, "last_pace")["horizon"] == 2
    assert _err(bt, "a", NEW, 2023, 2024, "relative")["error"] == pytest.approx(27 * 0.9 - 25)
    # 3 + 1 + 1 tests per method, none from one standard into the other.
    assert len(bt) == 5 * 3
    assert (bt["target_year"] > bt["origin"]).all()
    assert bt.loc[bt["standard"] == NEW, "origin"].min() == 2023
    assert bt.loc[bt["standard"] == OLD, "target_year"].max() == 2020


def test_one_year_ahead_scores_and_longer_ones_apart():
    bt = pj.backtest(_series())
    one = pj.scores(bt[bt["horizon"] == 1]).set_index("method")
    # One year ahead, errors: linear -1, -0.5, -1; relative -0.6, -0.3, -0.7.
    assert one.loc["linear", "tests"] == 3
    assert one.loc["linear", "mae"] == pytest.approx(2.5 / 3)
    assert one.loc["linear", "bias"] == pytest.approx(-2.5 / 3)
    assert one.loc["linear", "rmse"] == pytest.approx(math.sqrt(2.25 / 3))
    assert (one.loc["linear", "too_high"], one.loc["linear", "too_low"]) == (0, 3)
    assert one.loc["relative", "mae"] == pytest.approx(1.6 / 3)
    cmp_ = pj.compare(bt).set_index(["ahead", "method"])
    assert cmp_.loc[("one", "relative"), "mae"] == pytest.approx(1.6 / 3)
    # Longer: linear -2 (three years ahead) and -1/6 (two years ahead).
    longer = cmp_.loc[("longer", "linear")]
    assert (longer["tests"], longer["h_min"], longer["h_max"]) == (2, 2, 3)
    assert longer["mae"] == pytest.approx((2 + 1 / 6) / 2)


def test_paired_wins_losses_ties():
    bt = pj.backtest(_series())
    pr = pj.paired(bt[bt["horizon"] == 1]).set_index(["method", "other"])
    assert pr.loc[("linear", "relative")].tolist() == [3, 0, 3, 0]  # tests, wins, losses, ties
    assert pr.loc[("linear", "last_pace")].tolist() == [3, 0, 0, 3]  # the same projection
    assert pr.loc[("relative", "last_pace")].tolist() == [3, 3, 0, 0]
    cmp_ = pj.compare(bt).set_index(["ahead", "method"])
    assert cmp_.loc[("one", "relative"), ["wins", "losses", "ties"]].tolist() == [6, 0, 0]
    assert cmp_.loc[("one", "linear"), ["wins", "losses", "ties"]].tolist() == [0, 3, 3]


def test_intervals_from_errors_floored_at_zero():
    bt = pj.backtest(_series())
    proj = pd.DataFrame({"method": ["linear", "relative"], "horizon": [1, 5], "value": [2.0, 3.0]})
    iv = pj.intervals(proj, bt).set_index("method")
    # Linear one year ahead missed by -1, -0.5, -1: the actual was 0.5 to 1 above the projection.
    assert (iv.loc["linear", "low"], iv.loc["linear", "high"]) == (2.5, 3.0)
    assert iv.loc["linear", "n_tests"] == 3
    assert iv.loc["linear", "coverage"] == 0.5  # (3 - 1) / (3 + 1)
    # No five-year test: no interval, and it says it rests on none.
    assert iv.loc["relative", "n_tests"] == 0 and math.isnan(iv.loc["relative", "low"])
    own = pd.DataFrame({"method": ["m", "m"], "horizon": [1, 1], "error": [2.0, -1.0]})
    low_high = pj.intervals(pd.DataFrame({"method": ["m"], "horizon": [1], "value": [1.0]}), own)
    assert (low_high["low"].iloc[0], low_high["high"].iloc[0]) == (0, 2)  # 1 - 2 floored at zero


def test_nothing_past_the_end_of_a_unit():
    with pytest.raises(ValueError, match="ceased to exist"):
        pj.project([2023, 2024], [10, 8], [2025], "linear", valid_to="2025-06-30")
    assert pj.project([2023, 2024], [10, 8], [2025], "linear", valid_to="2025-12-31")["value"].iloc[0] == 6


def test_forecast_keeps_to_the_latest_standard_and_the_unit_s_life():
    s = pd.concat([_series(), pd.DataFrame([("c", NEW, 2024, 5.0)], columns=_series().columns)])
    fc = pj.forecast(s, 2026, {"b": "2019-06-30"}).set_index(["geo", "method"])
    # a: the 2022-2025 series only, to 2025 (2026 would be under another standard).
    a = fc.loc["a"]
    assert a["year"].tolist() == [2025] * 3 and (a["standard"] == NEW).all()
    assert a.loc["linear", "value"] == pytest.approx(82 / 3 - 2 * 2.5)
    assert a.loc["last_pace", "value"] == 23
    assert a.loc["relative", "value"] == pytest.approx((30 * 27 * 25) ** (1 / 3) * 25 / 30)
    # b: ended mid-2019, before any year-end review left to project.
    assert set(fc.loc["b", "reason"]) == {"ceased"} and fc.loc["b", "value"].isna().all()
    assert set(fc.loc["c", "reason"]) == {"too_few"}


def test_bad_series_are_refused():
    with pytest.raises(ValueError, match="at least two"):
        pj.project([2020], [5], [2021], "linear")
    with pytest.raises(ValueError, match="increasing"):
        pj.project([2021, 2020], [5, 6], [2022], "linear")
    with pytest.raises(ValueError, match="unknown method"):
        pj.project([2020, 2021], [5, 6], [2022], "cubic")
    with pytest.raises(ValueError, match="after the last observed year"):
        pj.project([2020, 2021], [5, 6], [2021], "linear")
    twice = pd.concat([_series(), _series().head(1)])
    with pytest.raises(ValueError, match="a, standard 2016-2020: year 2016 appears twice"):
        pj.backtest(twice)


def test_error_strips_speak_vietnamese_and_list_only_what_is_drawn(synth_panel, tmp_path, monkeypatch):
    from povlib import plots
    from povlib.outputs.figures import t

    monkeypatch.setenv("POVLIB_FIGURES_DIR", str(tmp_path))
    monkeypatch.setenv("POVLIB_FIGURE_FORMATS", "svg")
    p = synth_panel
    bt = pj.backtest(_series().replace({"geo": {"a": "pa", "b": "pb"}}))
    shown = bt.assign(
        series=bt["geo"] + "|" + bt["standard"], ahead=bt["horizon"].gt(1).map({False: "one", True: "longer"})
    )
    keys = [("pa", OLD), ("pb", OLD), ("pa", NEW), ("pc", NEW)]  # Tỉnh Cát has no test
    labels = {
        lg: {
            "method": pj.METHOD_LABELS[lg],
            "series": {
                f"{g}|{s}": t("series_standard", lg, place=p.name(g, lg), standard=s) for g, s in keys
            },
            "ahead": {"one": t("one_year_ahead", lg), "longer": t("years_ahead", lg, low=2, high=3)},
        }
        for lg in ("en", "vi")
    }
    plots.strips(
        p,
        shown,
        x="method",
        y="error",
        hue="series",
        panel="ahead",
        name="st",
        notebook="n",
        caption="c",
        title="t",
        value_label={"en": "points", "vi": "điểm %"},
        source_ids=["s1"],
        labels=labels,
        mean_label={lg: t("mean_error", lg) for lg in ("en", "vi")},
    )
    vi = (tmp_path / "st_vi.svg").read_text(encoding="utf-8")
    assert "Tỉnh An, chuẩn 2016-2020" in vi and "trước một năm" in vi and "giảm tương đối" in vi
    assert "Tỉnh Cát" not in vi  # labelled, but not drawn: not in the legend
    assert "pa|" not in vi and "relative" not in vi  # no id reaches the reader


def test_tested_paths_draw_each_series_in_both_languages(synth_panel, tmp_path, monkeypatch):
    from povlib import plots
    from povlib.outputs.figures import t

    monkeypatch.setenv("POVLIB_FIGURES_DIR", str(tmp_path))
    monkeypatch.setenv("POVLIB_FIGURE_FORMATS", "svg")
    p = synth_panel
    s = _series().replace({"geo": {"a": "pa", "b": "pb"}})
    one = pj.backtest(s).query("horizon == 1")
    keys = s[["geo", "standard"]].drop_duplicates()
    plots.tested_paths(
        p,
        s.assign(series=s["geo"] + "|" + s["standard"]),
        one.assign(
            series=one["geo"] + "|" + one["standard"], year=one["target_year"], value=one["projected"]
        ),
        name="tp",
        notebook="n",
        caption="c",
        title="t",
        unit="%",
        source_ids=["s1"],
        labels={
            lg: {
                "series": {
                    f"{g}|{st}": t("series_standard", lg, place=p.name(g, lg), standard=st)
                    for g, st in keys.itertuples(index=False)
                },
                "method": pj.METHOD_LABELS[lg],
            }
            for lg in ("en", "vi")
        },
        legend={
            "en": {"observed": "settled", "ahead": "ahead"},
            "vi": {"observed": "chính thức", "ahead": "dự báo"},
        },
    )
    vi = (tmp_path / "tp_vi.svg").read_text(encoding="utf-8")
    assert "Tỉnh Bình, chuẩn" in vi and "chính thức" in vi and "tốc độ gần nhất" in vi
    assert "dự báo" not in vi  # nothing projected ahead here, so not in the legend


def test_a_year_under_both_standards_goes_with_the_later_one():
    # d: 2021 printed under both standards (as the end-2021 review was); the new one is latest.
    d = pd.DataFrame(
        [("d", NEW, 2021, 8.0), ("d", OLD, 2020, 5.0), ("d", OLD, 2021, 4.0)],
        columns=["geo", "standard", "year", "value"],
    )
    fc = pj.forecast(d, 2022, {})
    assert set(fc["standard"]) == {NEW} and set(fc["reason"]) == {"too_few"}
    # Within the old standard alone, 2022 lies past its period: nothing is projected.
    assert set(pj.forecast(d[d["standard"] == OLD], 2022, {})["reason"]) == {"reaches_end"}

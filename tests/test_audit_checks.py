"""The audit's registered checks, their shared comparison record and the assumptions a
caller may change (values by hand)."""

from __future__ import annotations

from dataclasses import fields

import pandas as pd
import pytest

import povlib
from povlib import audit_checks
from povlib.analysis.panel import panel
from povlib.auditing.audit import (
    LABELS,
    LIMIT,
    Assumptions,
    audit,
    audit_by_province,
    checks,
    implausible_years,
)
from povlib.auditing.compare import Comparison, Figures, rows


def test_every_check_is_registered_with_label_class_and_assumptions():
    assert list(LABELS) == list(audit_checks.CHECKS)
    names = {f.name for f in fields(Assumptions)}
    for c in audit_checks.CHECKS.values():
        en, vi = c.label
        assert en and vi and en != vi, c.name
        assert c.klass in ("agreement", "target", "plausibility"), c.name
        assert set(c.assumptions) <= names, c.name
    used = {a for c in audit_checks.CHECKS.values() for a in c.assumptions}
    assert used == names  # no assumption that no check uses
    assert audit_checks.CHECKS["households_plausible"].assumptions == ("household_growth_max",)
    assert audit_checks.CHECKS["households_plausible"].klass == "plausibility"
    assert audit_checks.CHECKS["target_scored"].klass == "target"
    table = checks().set_index("check")
    assert list(table.index) == list(LABELS)
    assert table.loc["households_plausible", ["class", "assumptions"]].tolist() == [
        "plausibility",
        "household_growth_max",
    ]
    assert table.loc["target_scored", "assumptions"] == ""
    assert table.loc["restatement", "label_vi"] == "Cùng một số liệu đăng hai lần"


def _compare(imp, lo, hi, slip):
    """A rate printed as 8,0% (bounds 7.95-8.05) against an implied value."""
    where = pd.DataFrame({"geo": ["x"], "period": ["2023"]})
    c = Comparison(
        where,
        Figures([8.0], [7.95], [8.05], ["exact"], ["poverty_rate"]),
        [imp],
        ([lo], [hi]),
        "a = b",
        "o1;o2",
    )
    return rows("change_vs_levels", "agreement", c, pd.Series({"poverty_rate": "%"}), slip).iloc[0]


def test_comparison_record_becomes_a_row():
    r = _compare(8.04, 8.0, 8.08, 1.0)
    assert (r["relation"], r["verdict"], r["finding"], r["obs_ids"]) == (
        "a = b [%]",
        "consistent",
        "",
        "o1;o2",
    )
    assert (r["difference"], r["tolerance"]) == (pytest.approx(-0.04), pytest.approx(0.05 + 0.04))


def test_a_slip_of_the_last_digit_is_an_assumption():
    # 8,0 against 8,2 (8,15-8,25): 0,2 apart, 0,1 beyond both half-widths, which is one
    # unit (0,1) of the last printed digit: a reading limit by default, not with no slip.
    assert _compare(8.2, 8.15, 8.25, 1.0)[["verdict", "finding"]].tolist() == ["inconsistent", LIMIT]
    assert _compare(8.2, 8.15, 8.25, 0.0)[["verdict", "finding"]].tolist() == ["inconsistent", ""]
    # 8,5 is five units off: no reading explains it.
    assert _compare(8.5, 8.45, 8.55, 1.0)["finding"] == ""


def _obs(obs_id, ind, period, raw, value, unit):
    return (obs_id, "s1", raw, "pc", "pc", ind, period, "2022-2025", value, unit, "exact", "reported")


@pytest.fixture(scope="module")
def growing(tmp_path_factory):
    """Tỉnh Cát: 2.000 poor at 20,00% in 2022 (10.000 households implied), a printed fall
    of 425 poor households in 2023 and 15,00% in 2023: (2.000 - 425) / 15% = 10.500
    households at the end, 5% more in one year."""
    import synthetic

    folder = synthetic.write(tmp_path_factory.mktemp("growing") / "data")
    rows_ = [
        *synthetic._OBS,
        _obs("pc.poor2022", "poor_households", "2022", "2.000 hộ", "2000", "households"),
        _obs("pc.r2022", "poverty_rate", "2022", "20,00%", "20", "%"),
        _obs("pc.fall", "poor_households_fall", "2022-2023", "425 hộ", "425", "households"),
    ]
    (folder / "observations.csv").write_text(synthetic.observations_csv(rows_), encoding="utf-8")
    return povlib.load_dataset(folder)


def _plausibility(table):
    t = table[(table["check"] == "households_plausible") & (table["geo"] == "pc")]
    assert len(t) == 1
    return t.iloc[0]


def test_household_growth_is_a_named_assumption(growing):
    p = panel(growing)
    whole = audit(p)
    default = _plausibility(whole)
    assert default["implied"] == pytest.approx(10500)
    assert default["reported"] == pytest.approx(10000)
    # Printed counts are exact; 20,00% stands for 19,995-20,005, so the households of 2022
    # are 2.000 / 20,005% = 9.997,5 to 2.000 / 19,995% = 10.002,5.  By default at most 3%
    # a year: at most 10.002,5 * 1,03 = 10.302,6, below 1.575 / 15,005% = 10.496,5, the
    # least the fall implies.
    assert (default["verdict"], default["finding"]) == ("inconsistent", "implausible")
    assert default["note"].startswith("assumption: households change by at most 3% a year;")
    assert "+5.0% on 10,000 in 2022" in default["note"]
    assert implausible_years(whole).query("geo == 'pc'")["year"].tolist() == [2022, 2023]
    # At most 6% a year: up to 10.002,5 * 1,06 = 10.602,7, and 10.500 lies inside.
    for table in (
        audit(p, household_growth_max=0.06),
        audit(p, assumptions=Assumptions(household_growth_max=0.06)),
    ):
        wider = _plausibility(table)
        assert (wider["verdict"], wider["finding"]) == ("consistent", "plausible")
        assert wider["note"].startswith("assumption: households change by at most 6% a year;")
        # Half-widths: households 2022 widened by 6%, households 2023 from 15,00%.
        start_lo, start_hi = 2000 / 0.20005 / 1.06, 2000 / 0.19995 * 1.06
        end_lo, end_hi = 1575 / 0.15005, 1575 / 0.14995
        assert wider["tolerance"] == pytest.approx((start_hi - start_lo) / 2 + (end_hi - end_lo) / 2)
        assert implausible_years(table).query("geo == 'pc'").empty
    # The audit cut by province takes the same assumptions.
    pd.testing.assert_frame_equal(
        audit_by_province(growing, 2, household_growth_max=0.06), audit(p, household_growth_max=0.06)
    )


def test_bad_assumptions_get_a_one_line_error(synth_panel):
    with pytest.raises(ValueError, match="unknown audit assumption 'household_growth'"):
        audit(synth_panel, household_growth=0.05)
    with pytest.raises(ValueError, match="household_growth_max must be a number >= 0"):
        audit(synth_panel, household_growth_max=-0.01)
    with pytest.raises(ValueError, match="last_digit_slip must be a number >= 0"):
        Assumptions(last_digit_slip=float("nan"))


@pytest.fixture(scope="module")
def whole_audits(ds, ds_audit, synth_panel, synth_audit):
    """Each panel with its whole audit."""
    return [(panel(ds), ds_audit), (synth_panel, synth_audit)]


@pytest.mark.parametrize(
    "chosen",
    [
        ["households_plausible"],
        ["target_scored", "change_vs_levels", "growth_vs_levels"],
        ["flows_vs_levels", "merged_vs_parts"],  # no row in either panel: an empty table, typed
    ],
)
def test_the_checks_named_give_their_rows_of_the_whole_audit(whole_audits, chosen):
    # A notebook that needs a few checks runs only those: the same rows, numbered anew.
    for p, whole in whole_audits:
        some = audit(p, checks=chosen)
        expected = whole[whole["check"].isin(chosen)].drop(columns="check_id").reset_index(drop=True)
        assert list(some["check_id"]) == [f"A{i + 1:02d}" for i in range(len(some))]
        pd.testing.assert_frame_equal(some.drop(columns="check_id"), expected)
        if "households_plausible" in chosen:  # what notebook 3 takes from it
            flagged = [implausible_years(t).reset_index(drop=True) for t in (some, whole)]
            pd.testing.assert_frame_equal(*flagged)
        if p is whole_audits[0][0] and "merged_vs_parts" not in chosen:
            assert len(some) > 0


def test_an_unknown_check_is_refused(synth_panel):
    with pytest.raises(
        ValueError, match="unknown check.*'merged'; the audit's checks are change_vs_levels, "
    ):
        audit(synth_panel, checks=["merged"])
    with pytest.raises(ValueError, match=r"unknown check\(s\) \(none named\)"):
        audit(synth_panel, checks=[])

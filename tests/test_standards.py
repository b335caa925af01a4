"""Poverty standards as data, and a walk over every derived and audited result: none may
pair figures measured under two standards."""

from __future__ import annotations

import re

import pandas as pd
import pytest

import povlib
from povlib import derive, standards, targets

STD = pd.DataFrame(
    {
        "standard": ["2016-2020", "2022-2025", "2027-2030"],
        "label_en": ["old", "new", "next"],
        "label_vi": ["cũ", "mới", "sau"],
        "first_review": [2015, 2021, 2026],
        "last_review": [2020, 2025, 2029],
    }
)


def test_review_years_map_to_their_standard():
    got = standards.of_review(STD, [2015, 2020, 2021, 2025, 2026, 2014, None]).tolist()
    assert got == ["2016-2020", "2016-2020", "2022-2025", "2022-2025", "2027-2030", "", ""]


def test_a_span_breaks_only_across_reviews_of_two_standards():
    got = standards.spans_break(
        STD, pd.Series([2020, 2020, 2021, 2019, 2025]), pd.Series([2023, 2021, 2023, 2020, 2026])
    )
    assert got.tolist() == [True, True, False, False, True]


def test_break_lines_sit_between_last_and_first_review():
    assert standards.breaks(STD) == [2020.5, 2025.5]
    assert standards.breaks(STD, 2016, 2025) == [2020.5]


def test_the_data_table_governs_the_end_2021_review_by_the_new_standard():
    ds = povlib.load_dataset()
    assert standards.of_review(ds.standards, [2020, 2021, 2025]).tolist() == [
        "2016-2020",
        "2022-2025",
        "2022-2025",
    ]
    assert standards.breaks(ds.standards, 2016, 2025) == [2020.5]


def _ids(text: str) -> list[str]:
    return [i for part in re.findall(r"\[([^\]]*)\]", text) for i in part.split(";") if i]


def _standards_by_id(p) -> dict[str, set[str]]:
    """Each figure's standards (for those measured under one), with both ends of a span
    read from the standards table: built once per panel, as the walk looks up thousands
    of ids."""
    found: dict[str, set[str]] = {}
    for i, std, per in p.obs[["obs_id", "standard", "period"]].itertuples(index=False):
        if not std:
            continue
        found[i] = {std}
        if re.fullmatch(r"\d{4}-\d{4}", str(per)):
            a, b = str(per).split("-")
            ends = set(standards.of_review(p.ds.standards, [int(a), int(b)])) - {""}
            if len(ends) > 1:
                found[i] |= ends
    return found


def _standards_of(known: dict[str, set[str]], ids) -> set[str]:
    """Standards of the figures behind ``ids`` (``known``: :func:`_standards_by_id`)."""
    return set().union(*(known.get(i, set()) for i in ids))


def _derived_pairings(table, p, known=None) -> list[str]:
    known = _standards_by_id(p) if known is None else known
    bad = []
    for r in table[table["derived"]].itertuples():
        used = _standards_of(known, _ids(r.basis))
        if len(used) > 1 or (r.standard and used and used != {r.standard}):
            bad.append(f"derived {r.geo} {r.indicator} {r.period}: {sorted(used)}")
    return bad


def _walk(p, a: pd.DataFrame) -> list[str]:
    """What pairs two standards in panel ``p`` and in ``a``, its audit."""
    known = _standards_by_id(p)
    bad = _derived_pairings(p.table, p, known)
    # Two count-and-rate pairs each imply the number of households, which no standard
    # measures: comparing those totals pairs no poverty figures of two standards.
    computed = a[a["implied"].notna() & (a["class"] != "target") & (a["check"] != "totals_from_two_counts")]
    for r in computed.itertuples():
        used = _standards_of(known, r.obs_ids.split(";"))
        if len(used) > 1:
            bad.append(f"audit {r.check_id} {r.check} {r.geo} {r.period}: {sorted(used)}")
    sc = targets.score(p)
    for r in sc[sc["achieved"].notna()].itertuples():
        used = _standards_of(known, r.obs_ids.split(";"))
        if len(used) > 1:
            bad.append(f"target {r.geo} {r.indicator} {r.period}: {sorted(used)}")
    # Every national or group place with targets as a yardstick for every place with
    # outcomes.  (A province's own pace over a plan period that starts before the break is
    # scored year by year within its standard, but its id spans the break, which this
    # walk reads as a pairing: such targets are walked through score() above.)
    targeted = p.table.loc[p.table["role"] == "target", "geo"]
    yard = targeted[~targeted.map(p.places["level"]).isin(["province", "district", "commune"])].unique()
    others = p.table.loc[p.table["role"] == "outcome", "geo"].unique()
    for y in yard:
        sa = targets.score_against(p, y, others)
        for r in sa[sa["achieved"].notna()].itertuples():
            used = _standards_of(known, r.obs_ids.split(";"))
            if len(used) > 1:
                bad.append(f"yardstick {y}: {r.geo} {r.indicator} {r.period}: {sorted(used)}")
    for code in p.indicators.index[p.indicators["standard"] == "yes"]:
        ch = derive.changes(p, code)
        mixed = ch[ch["change"].notna() & (ch["standard"] != ch["to_standard"])]
        bad += [f"change {r.geo} {code} {r.from_period}-{r.to_period}" for r in mixed.itertuples()]
    return bad


@pytest.mark.parametrize(
    ("data", "audited"), [("ds", "ds_audit"), ("synth", "synth_audit")], ids=["real", "synthetic"]
)
def test_no_result_pairs_two_standards(data, audited, request):
    p = povlib.panel(request.getfixturevalue(data))  # the panel each audit was run on
    assert _walk(p, request.getfixturevalue(audited)) == []


def test_the_walk_catches_a_pairing(synth_panel):
    """The walk itself can fail: a derived value built from figures of both standards."""
    p = synth_panel
    fake = (
        p.table[p.table["derived"] & (p.table["standard"] != "")].head(1).assign(basis="[pa.r2020;pa.r2021]")
    )
    assert _derived_pairings(fake, p) != []


def test_a_pace_across_the_break_is_not_comparable(ds, ds_audit):
    p, a = povlib.panel(ds), ds_audit
    cross = a[a["obs_ids"].str.contains("laocai-10xa-3y.p12.poverty_rate_fall_pp_per_year", regex=False)]
    assert set(cross["verdict"]) == {standards.NOT_COMPARABLE}
    # and nothing is implied for 2020 under the new standard from the 2020-2023 fall
    d = p.table[p.table["derived"] & (p.table["geo"] == "laocai-10xa") & (p.table["period"] == "2020")]
    assert d.empty

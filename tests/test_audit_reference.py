"""The vectorised audit against a straightforward row-by-row reference, on a few hundred
synthetic rows with one-sided figures ("hơn", "khoảng"), conflicts and both standards."""

import itertools
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from povlib import audit
from povlib.analysis.panel import panel
from povlib.reading.tables import load_dataset

sys.path.insert(0, str(Path(__file__).parents[1] / "scripts"))
import synth_panel  # noqa: E402

WORDS = {"more than": "hơn ", "about": "khoảng "}


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    folder = synth_panel.write(tmp_path_factory.mktemp("ref") / "data", 600, seed=3)
    obs = pd.read_csv(folder / "observations.csv", dtype=str, keep_default_na=False)
    rng = np.random.default_rng(5)
    q = rng.choice(["exact", "exact", "more than", "about"], len(obs))
    obs["qualifier"] = q
    obs["raw"] = [WORDS.get(x, "") + r for x, r in zip(q, obs["raw"], strict=True)]
    obs.to_csv(folder / "observations.csv", index=False, lineterminator="\n")
    p = panel(load_dataset(folder, sources_dir=False))
    return p, audit(p)


def _corners(f, *boxes):
    vals = [f(*c) for c in itertools.product(*boxes)]
    return min(vals), max(vals)


def _verdict(rep, rlo, rhi, imp, ilo, ihi, one_sided):
    if not np.isfinite(imp):
        return "not checkable"
    if rlo <= imp <= rhi and (one_sided or ilo <= rep <= ihi):
        return "consistent"
    if rlo <= ihi and ilo <= rhi:
        return "within rounding"
    return "inconsistent"


def test_changes_match_the_reference(sample):
    p, table = sample
    levels = {(r.geo, r.indicator, r.period, r.standard): r for r in p.points(derived=False).itertuples()}
    got = table[table["check"] == "change_vs_levels"]
    seen = 0
    falls = p.obs[
        p.obs["indicator"].isin(["poverty_rate_fall_pp", "poor_households_fall"])
        & ~p.obs["status"].isin(["target", "plan"])  # targets are scored, not audited for agreement
    ]
    for o in falls.itertuples():
        level = "poverty_rate" if o.indicator == "poverty_rate_fall_pp" else "poor_households"
        a, b = o.period.split("-")
        if (int(a) <= 2020) != (int(b) <= 2020):  # reviews of the two standards (end-2020 / end-2021)
            row = got[got["obs_ids"].str.startswith(o.obs_id + ";") | (got["obs_ids"] == o.obs_id)]
            assert row["verdict"].tolist() == ["not comparable: standard changed"], o.obs_id
            continue
        la, lb = levels.get((o.geo, level, a, o.standard)), levels.get((o.geo, level, b, o.standard))
        row = got[got["obs_ids"].str.startswith(o.obs_id + ";") | (got["obs_ids"] == o.obs_id)]
        assert len(row) == 1, o.obs_id
        row = row.iloc[0]
        if la is None or lb is None:
            assert row["verdict"] == "not checkable"
            continue
        imp = la.value - lb.value
        lo, hi = _corners(lambda x, y: x - y, (la.low, la.high), (lb.low, lb.high))
        expect = _verdict(o.value, o.low, o.high, imp, lo, hi, o.qualifier in ("more than", "about"))
        assert (row["implied"], row["verdict"]) == (pytest.approx(imp), expect), o.obs_id
        seen += 1
    assert seen > 50


def test_shares_match_the_reference(sample):
    p, table = sample
    levels = {(r.geo, r.indicator, r.period, r.standard): r for r in p.points(derived=False).itertuples()}
    got = table[table["check"] == "share_vs_parts"].set_index("obs_ids")
    seen = 0
    for (geo, ind, period, std), r in levels.items():
        if ind != "poverty_rate":
            continue
        n, d = levels.get((geo, "poor_households", period, std)), levels.get((geo, "households", period, ""))
        if n is None or d is None:
            continue
        imp = n.value / d.value * 100
        lo, hi = _corners(lambda x, y: x / y * 100, (n.low, n.high), (d.low, d.high))
        row = got.loc[f"{r.obs_id};{n.obs_id};{d.obs_id}"]
        expect = _verdict(r.value, r.low, r.high, imp, lo, hi, r.qualifier in ("more than", "about"))
        assert (row["implied"], row["verdict"]) == (pytest.approx(imp), expect)
        seen += 1
    assert seen > 10


def test_nothing_crosses_a_standard(sample):
    p, table = sample
    ch = table[table["check"] == "change_vs_levels"]
    across = ch[ch["period"] == "2020-2021"]
    assert len(across) and (across["verdict"] == "not comparable: standard changed").all()
    assert across["implied"].isna().all()

"""The audit's whole table, pinned: on the real data and on the synthetic dataset (with a
few rows added so that every kind of check has a row), the audit must give, byte for byte,
the CSV committed in ``tests/data/``.  A change to the audit's code that is meant to leave
its findings alone (a refactoring) must leave these files alone too.

When a change to the data or to a check is meant to change the table, write the files
again and read the difference before committing it::

    POVLIB_PIN_AUDIT=write pytest tests/test_audit_pinned.py

Numbers are written with 12 significant digits: finer than ``povlib audit --format csv``
(6), so that a change in the arithmetic shows, yet coarse enough that the last bit of a
floating-point result (which may differ between machines) does not.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import povlib
from povlib.analysis.panel import panel
from povlib.cli import neutralise

HERE = Path(__file__).parent / "data"


def _row(obs_id, geo, ind, period, raw, value, unit="households", std="2022-2025", source="s3"):
    province = geo.split("-")[0]
    return (obs_id, source, raw, province, geo, ind, period, std, value, unit, "exact", "reported")


# Rows added to tests/synthetic.py's figures so that every check has something to find
# (values by hand in the comments).
EXTRA_GEOGRAPHY = (
    "pd,Tỉnh Dư,Tinh Du,Tỉnh Dư,Tỉnh Dư,province,,pd,94,,2025-06-30,pa2,5,Merged on 1 July 2025.\n"
)
EXTRA_OBS = [
    # Flows: Tỉnh Bình 1.000 poor at end-2024, 800 at end-2025; 300 left, 80 new, 20 back:
    # 1000 + 80 + 20 - 300 = 800 (agrees).  Tỉnh Cát: the same flows, 900 at the end.
    _row("pb.p24", "pb", "poor_households", "2024", "1.000 hộ", "1000"),
    _row("pb.p25", "pb", "poor_households", "2025", "800 hộ", "800"),
    _row("pb.left25", "pb", "households_left_poverty", "2025", "300 hộ", "300"),
    _row("pb.new25", "pb", "newly_poor_households", "2025", "80 hộ", "80"),
    _row("pb.back25", "pb", "fallen_back_households", "2025", "20 hộ", "20"),
    _row("pc.p24", "pc", "poor_households", "2024", "1.000 hộ", "1000"),
    _row("pc.p25", "pc", "poor_households", "2025", "900 hộ", "900"),
    _row("pc.left25", "pc", "households_left_poverty", "2025", "300 hộ", "300"),
    _row("pc.new25", "pc", "newly_poor_households", "2025", "80 hộ", "80"),
    _row("pc.back25", "pc", "fallen_back_households", "2025", "20 hộ", "20"),
    # Merger: Tỉnh An 900 of 10.000 households in 2022, Tỉnh Dư 300 of 5.000: 1.200 of
    # 15.000 = 8,0%, as the merged unit's own figure says.
    _row("pa.p2022", "pa", "poor_households", "2022", "900 hộ", "900", source="s1"),
    _row("pa.h2022", "pa", "households", "2022", "10.000 hộ", "10000", std="", source="s1"),
    _row("pd.p2022", "pd", "poor_households", "2022", "300 hộ", "300", source="s1"),
    _row("pd.h2022", "pd", "households", "2022", "5.000 hộ", "5000", std="", source="s1"),
    _row("pa2.r2022", "pa2", "poverty_rate", "2022", "8,0%", "8", unit="%"),
    # A pace against counts: Tỉnh Bình 1.600 poor at end-2023 after a fall of 900 since
    # end-2021 (2.500 poor, 25% of 10.000 households), at 16,00% (pb.r2023): (25 - 16) / 2
    # = 4,5 points a year, against the printed 3,5 (pb.achieved): a disagreement.
    _row("pb.poor2023", "pb", "poor_households", "2023", "1.600 hộ", "1600"),
    _row("pb.poorfall2123", "pb", "poor_households_fall", "2021-2023", "900 hộ", "900"),
    # Parts and their sum, and two counts with their rates (2.000 / 20% = 1.000 / 10%).
    _row("pb.near2022", "pb", "near_poor_households", "2022", "1.000 hộ", "1000"),
    _row("pb.nearr2022", "pb", "near_poor_rate", "2022", "10,00%", "10", unit="%"),
    _row("pb.pnp2022", "pb", "poor_near_poor_households", "2022", "3.000 hộ", "3000"),
    # A district's count within its province's (500 within 2.000).
    _row("pb-dong.p2022", "pb-dong", "poor_households", "2022", "500 hộ", "500"),
]


def _synthetic_extended(folder: Path) -> Path:
    import synthetic

    synthetic.write(folder)
    (folder / "geography.csv").write_text(synthetic.GEOGRAPHY + EXTRA_GEOGRAPHY, encoding="utf-8")
    rows = [*synthetic._OBS, *EXTRA_OBS]
    (folder / "observations.csv").write_text(synthetic.observations_csv(rows), encoding="utf-8")
    return folder


def audit_csv(table) -> str:
    """The audit table as pinned: every column, 12 significant digits."""
    return neutralise(table).to_csv(index=False, float_format="%.12g", lineterminator="\n")


def _compare(text: str, name: str) -> None:
    ref = HERE / name
    if os.environ.get("POVLIB_PIN_AUDIT") == "write":
        ref.write_text(text, encoding="utf-8", newline="\n")
        pytest.skip(f"wrote {ref.name}: read its difference before committing")
    expected = ref.read_text(encoding="utf-8")
    if text != expected:
        got, want = text.splitlines(), expected.splitlines()
        first = next(
            (i for i, (a, b) in enumerate(zip(got, want, strict=False)) if a != b), min(len(got), len(want))
        )
        pytest.fail(
            f"{name}: the audit differs from the pinned table at line {first + 1} "
            f"({len(got)} lines now, {len(want)} pinned)\n"
            f"now:    {got[first] if first < len(got) else '(end)'}\n"
            f"pinned: {want[first] if first < len(want) else '(end)'}"
        )


def test_real_data_audit_is_pinned(ds_audit):
    _compare(audit_csv(ds_audit), "audit_real.csv")


@pytest.fixture(scope="module")
def extended_audit(tmp_path_factory):
    """The extended synthetic data's audit."""
    folder = _synthetic_extended(tmp_path_factory.mktemp("pinned") / "data")
    return povlib.audit(panel(povlib.load_dataset(folder)))


def test_synthetic_audit_is_pinned(extended_audit):
    _compare(audit_csv(extended_audit), "audit_synthetic.csv")


def test_synthetic_pin_covers_every_check(extended_audit):
    """The pinned synthetic table exercises every kind of check the audit has."""
    from povlib.auditing.audit import LABELS

    assert set(extended_audit["check"]) == set(LABELS)

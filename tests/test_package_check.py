"""The descriptor enforced twice: povlib's vectorised pass (``check_package``, which runs at
every size) and Frictionless row by row (which ``povlib check`` keeps for small folders).
Both must reject the same corrupted cells, each at the same file and row."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from povlib import checks

# (file, 1-based data row, column, new value, what is broken); each in its own row, and none
# touches a key that other rows refer to, so that one broken cell is one problem.
CORRUPTIONS = [
    ("tiles", 3, "geo", "laichau", "primary key duplicated"),
    ("tiles", 5, "geo", "nowhere", "foreign key to geography"),
    ("tiles", 6, "tile_row", "x", "not an integer"),
    ("poor_districts", 2, "source_id", "no-such-source", "foreign key to sources"),
    ("poor_districts", 4, "period", "2018", "pattern"),
    ("geography", 10, "parent", "nowhere", "foreign key to its own table"),
    ("sources", 3, "kind", "rumour", "enum"),
    ("observations", 7, "indicator", "no_such_indicator", "foreign key to indicators"),
    ("observations", 9, "obs_id", "laocai-10xa-3y.p1.communes", "primary key duplicated"),
    ("observations", 12, "raw", "", "required"),
]


def _corrupt(folder: Path) -> None:
    for name in sorted({c[0] for c in CORRUPTIONS}):
        df = pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)
        for table, row, column, value, _ in CORRUPTIONS:
            if table == name:
                df.loc[row - 1, column] = value
        df.to_csv(folder / f"{name}.csv", index=False, lineterminator="\n")


def _places(problems) -> set[tuple[str, int | None]]:
    return {(Path(p.file).stem, p.row) for p in problems}


def test_real_data_passes_both(data_copy):
    assert checks.check_package(data_copy, loaded=()) == []
    assert checks._frictionless(data_copy) == []


def test_both_reject_the_same_corrupted_cells(data_copy):
    _corrupt(data_copy)
    expected = {(table, row) for table, row, *_ in CORRUPTIONS}
    ours = checks.check_package(data_copy, loaded=())
    theirs = checks._frictionless(data_copy)
    assert _places(ours) == expected
    assert _places(theirs) == expected
    # The second opinion of `povlib check`: the vectorised pass speaks first, and alone.
    assert _places(checks.second_opinion(data_copy)) <= expected
    messages = {(Path(p.file).stem, p.row): p.message for p in ours}
    assert "is duplicated" in messages[("tiles", 3)]
    assert "'nowhere' is not a value of geography.geo_id" in messages[("tiles", 5)]
    assert "is not a value of sources.source_id" in messages[("poor_districts", 2)]
    assert "is not one of" in messages[("sources", 3)]


def test_large_folders_skip_frictionless_unless_asked(data_copy, monkeypatch):
    _corrupt(data_copy)
    # Only what load_dataset does not read is checked again: the small tables and the keys.
    monkeypatch.setattr(checks, "FRICTIONLESS_MAX_BYTES", 0)
    monkeypatch.delenv("POVLIB_FRICTIONLESS", raising=False)
    ours = checks.second_opinion(data_copy)
    assert all("(Frictionless)" not in p.message for p in ours)
    # The small tables in full, and the loaded tables' keys (read again, key columns only).
    assert {
        ("tiles", 3),
        ("tiles", 5),
        ("tiles", 6),
        ("poor_districts", 2),
        ("poor_districts", 4),
    } <= _places(ours)
    assert {("observations", 7), ("observations", 9), ("geography", 10)} <= _places(ours)

"""The short cuts taken for large panels give what the plain way gives: look-ups once per
distinct key (``Series.map``), the audit's test of ``;``-joined ids against a set, and its
rows sorted check by check (one stable sort of all rows)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from povlib.auditing.audit import _any_id_in
from povlib.reading.lookup import lookup


def test_lookup_equals_map_with_missing_keys_and_index_kept():
    keys = pd.Series(["approved", "target", None, "estimate", "approved"], dtype="str", index=[9, 8, 7, 6, 5])
    rank = {"approved": 0, "estimate": 2}
    got = lookup(keys, rank)
    assert got.index.tolist() == [9, 8, 7, 6, 5]
    assert got.equals(keys.map(rank))
    assert got[9] == 0.0 and np.isnan(got[8]) and np.isnan(got[7]) and got[6] == 2.0
    labels = pd.Series({"approved": "đã phê duyệt"}, dtype="str")
    assert lookup(keys, labels).tolist()[0] == "đã phê duyệt"
    assert lookup(keys, labels).equals(keys.map(labels))


def test_lookup_keeps_integers_when_every_key_is_known():
    keys = pd.Series(["b", "a", "b"], dtype="str")
    got = lookup(keys, {"a": 1, "b": 2})
    assert got.tolist() == [2, 1, 2] and got.dtype == keys.map({"a": 1, "b": 2}).dtype


def test_any_id_in_splits_the_ids():
    ids = pd.Series(["o1;o2", "o3", "o22", "", "o4;o2"], dtype="str")
    assert _any_id_in(ids, {"o2"}).tolist() == [True, False, False, False, True]
    assert _any_id_in(ids, set()).tolist() == [False] * 5
    assert _any_id_in(ids.iloc[:0], {"o2"}).tolist() == []


def test_checks_sorted_one_by_one_equal_one_sort_of_all_rows():
    from povlib.auditing.audit import ORDER, _in_order
    from povlib.auditing.compare import ROW_COLUMNS

    def frame(check, geos, ids, tag):
        n = len(geos)
        cols = {c: [""] * n for c in ROW_COLUMNS}
        cols.update(check=[check] * n, geo=geos, period=["2020"] * n, relation=["r"] * n, obs_ids=ids)
        cols.update(note=[f"{tag}{i}" for i in range(n)])  # rows tied on every key keep their order
        return pd.DataFrame(cols)

    frames = [
        frame("b", ["y", "x", "x"], ["2", "1", "1"], "p"),
        frame("a", ["z", "x"], ["9", "9"], "q"),
        frame("b", ["x", "a"], ["1", "5"], "r"),
    ]
    whole = pd.concat(frames, ignore_index=True).sort_values(ORDER, kind="stable").reset_index(drop=True)
    got = _in_order(list(frames))
    assert got.equals(whole)
    # by hand: check a (x, z), then check b (a; x with id 1 in the order met; y)
    assert got["note"].tolist() == ["q1", "q0", "r1", "p1", "p2", "r0", "p0"]

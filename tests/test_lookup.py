"""Column look-ups done once per distinct key give what ``Series.map`` gives, and the
audit's test of ids against a set splits ``;``-joined ids correctly."""

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

"""The audit cut by province, as a partitioned engine would run it, gives the same table
as the audit in one piece (the README's "Beyond one machine")."""

from __future__ import annotations

import importlib

import pandas as pd
import pytest

A = importlib.import_module("povlib.auditing.audit")


def test_families_keep_a_merged_province_with_its_parts(ds):
    fam = A.families(ds.geography)
    assert fam["laocai"] == fam["yenbai"] == fam["laocai-2025"] == "laocai-2025"
    assert fam["backan"] == fam["thainguyen"] == "thainguyen-2025"
    assert fam["langson"] == "langson"


@pytest.mark.parametrize("pieces", [2, 3])
def test_audit_in_pieces_equals_audit_in_one(ds, ds_audit, pieces):
    cut = A.audit_by_province(ds, pieces)
    pd.testing.assert_frame_equal(cut, ds_audit)
    # Each piece really holds part of the data: no piece holds every province.
    fam = ds.observations["province"].map(A.families(ds.geography)).fillna(ds.observations["province"])
    assert fam.nunique() >= pieces

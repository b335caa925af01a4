"""A descriptor pattern means the same whether Arrow's RE2 runs it over a whole column or
Python's ``re`` runs it value by value (the fallback for what RE2 does not take)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from povlib.descriptor import fullmatch

VALUES = pd.Series(
    ["2016", "2016-2020", "2016-07", "2016-13", "16", "२०१६", "２０１６", "2016\n", "x2016", ""],
    dtype="str",
)
PERIOD = r"(\d{4}(-\d{4}|-(0[1-9]|1[0-2]))?)?"


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        # The project's period pattern: ASCII digits only, the whole text, no trailing line end.
        (PERIOD, [True, True, True, False, False, False, False, False, False, True]),
        (r"[A-Za-z0-9][A-Za-z0-9._-]*", [True, True, True, True, True, False, False, False, True, False]),
        # RE2 takes no look-ahead: Python's re runs it, with the same ASCII classes.
        (r"(?!x)\d+", [True, False, False, False, True, False, False, False, False, False]),
        # White space is drawn differently by RE2 and re (the vertical tab): re runs it.
        (r"\S+", [True, True, True, True, True, True, True, False, True, False]),
    ],
)
def test_fullmatch_same_as_python_re(pattern, expected):
    got = fullmatch(VALUES, pattern)
    assert got.tolist() == expected
    assert got.tolist() == [re.fullmatch(pattern, v, re.ASCII) is not None for v in VALUES]
    assert got.index.equals(VALUES.index)


def test_fullmatch_keeps_the_rows_numbering():
    s = pd.Series(["2016", "20x6"], index=[1, 2], dtype="str")
    assert fullmatch(s, PERIOD).to_dict() == {1: True, 2: False}

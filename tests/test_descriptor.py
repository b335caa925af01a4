"""A descriptor pattern means the same whether Arrow's RE2 runs it over a whole column or
Python's ``re`` runs it value by value (the fallback for what RE2 does not take)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from povlib.reading.descriptor import fullmatch

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


FIELDS = [
    {"name": "code", "type": "string", "constraints": {"required": True, "unique": True}},
    {"name": "unit", "type": "string", "constraints": {"enum": ["%", "households"]}},
    {"name": "year", "type": "integer", "constraints": {"minimum": 2000, "maximum": 2030}},
    {"name": "value", "type": "number"},
    {"name": "period", "type": "string", "constraints": {"pattern": PERIOD}},
    {"name": "day", "type": "date"},
]


def _column_of_few_codes(n: int = 6_000) -> pd.DataFrame:
    """Columns of a few distinct texts over many rows, with bad cells placed by hand."""
    k = pd.RangeIndex(n)
    raw = pd.DataFrame(
        {
            "code": "c" + pd.Series(k).astype(str),
            "unit": pd.Series(["%", "households"] * (n // 2)),
            "year": pd.Series(["2016", "2020", "2024"] * (n // 3)),
            "value": pd.Series(["1.5", "2", "300"] * (n // 3)),
            "period": pd.Series(["2016", "2016-2020"] * (n // 2)),
            "day": pd.Series(["2020-01-31", ""] * (n // 2)),
        },
        dtype="str",
    )
    raw.index = pd.RangeIndex(1, n + 1)
    for row, col, text in [
        (10, "unit", "hộ"),
        (4000, "unit", "hộ"),
        (11, "year", "1999"),
        (12, "year", "２０２０"),
        (13, "value", "x"),
        (14, "period", "2016-13"),
        (15, "day", "2020-02-30"),
        (16, "code", "c1"),
        (17, "code", ""),
        (5000, "unit", " %"),
    ]:
        raw.loc[row, col] = text
    return raw


def test_rules_on_distinct_texts_equal_rules_row_by_row(monkeypatch):
    from povlib import descriptor

    raw = _column_of_few_codes()
    assert descriptor._few_distinct(raw["unit"]) and not descriptor._few_distinct(raw["code"])
    typed, problems = descriptor.check_fields(raw, FIELDS, "t.csv", "t", "")
    monkeypatch.setattr(descriptor, "_few_distinct", lambda rows: False)
    typed_rows, problems_rows = descriptor.check_fields(raw, FIELDS, "t.csv", "t", "")
    pd.testing.assert_frame_equal(typed, typed_rows)
    assert problems == problems_rows
    assert [(p.row, p.column, p.message) for p in problems] == [
        (17, "code", "a value is required"),
        (16, "code", "duplicated id 'c1'"),
        (5000, "unit", "' %' has spaces at its start or end"),
        (10, "unit", "'hộ' is not one of ['%', 'households']"),
        (4000, "unit", "'hộ' is not one of ['%', 'households']"),
        (5000, "unit", "' %' is not one of ['%', 'households']"),
        (12, "year", "'２０２０' holds characters other than ASCII (digits must be 0-9)"),
        (11, "year", "'1999' is below 2000"),
        (13, "value", "'x' is not a number"),
        (14, "period", f"'2016-13' does not match the pattern {PERIOD!r}"),
        (15, "day", "'2020-02-30' is not an ISO date (YYYY-MM-DD)"),
    ]
    assert typed.loc[1, "year"] == 2016 and typed.loc[3, "value"] == 300.0
    assert pd.isna(typed.loc[15, "day"]) and typed.loc[1, "day"] == "2020-01-31"

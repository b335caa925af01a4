"""Poverty standards as data: which standard each year-end review was measured under.

``data/standards.csv`` lists each standard with its legal basis and the first and
last year-end review it governs.  Everything that must not pair two standards
asks this module, so the break sits in one place whatever years have data:

- :func:`of_review`: the standard that governs the review of each year;
- :func:`spans_break`: whether a change over a span of years runs from a review
  of one standard to a review of another (the fall "from 2020 to 2023" runs from
  an end-2020 count under one standard to an end-2023 count under the next);
- :func:`breaks`: where a chart draws the line, half-way between the last review
  of one standard and the first of the next (in fractional years).
"""

from __future__ import annotations

import pandas as pd

NOT_COMPARABLE = "not comparable: standard changed"
"""The words of any result that would need figures of two standards."""


def of_review(standards: pd.DataFrame, years) -> pd.Series:
    """The standard governing the year-end review of each year in ``years`` (an
    iterable of years); empty where no standard of the table covers the year."""
    years = pd.Series(years, dtype="Float64").reset_index(drop=True)
    out = pd.Series("", index=years.index, dtype="str")
    for row in standards.itertuples(index=False):  # a handful of standards
        inside = (years >= float(row.first_review)) & (years <= float(row.last_review))
        out = out.mask(inside.fillna(False).astype(bool), row.standard)
    return out


def spans_break(standards: pd.DataFrame, start, end) -> pd.Series:
    """True where the review of year ``start`` and that of year ``end`` were measured
    under different standards (both known).  ``start``, ``end``: year columns."""
    a = of_review(standards, start)
    b = of_review(standards, end)
    return ((a != "") & (b != "") & (a != b)).set_axis(pd.Series(start).index)


def breaks(standards: pd.DataFrame, lo: float | None = None, hi: float | None = None) -> list[float]:
    """Positions (fractional years) of the lines between standards: half-way between
    the last review under one standard and the first under the next, within
    ``[lo, hi]`` where given."""
    s = standards.sort_values("first_review")
    last, first = s["last_review"].astype(float).to_numpy(), s["first_review"].astype(float).to_numpy()
    pos = [float(p) for p in (last[:-1] + first[1:]) / 2]
    return [p for p in pos if (lo is None or p >= lo) and (hi is None or p <= hi)]


def label(standards: pd.DataFrame, standard: str, lang: str = "en") -> str:
    """Display name of a standard (``label_en``/``label_vi``); the id where unknown."""
    row = standards.loc[standards["standard"] == standard]
    return str(row[f"label_{lang}"].iloc[0]) if len(row) else standard

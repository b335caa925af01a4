"""Periods as the data writes them: a year, a span of years, or a month.

- ``2023``: the year 2023 (a rate from the end-of-year review, a flow over the year,
  a stock at the year's end);
- ``2021-2025``: a span; for a change, base year to final year (``2022-2023`` is the
  fall during 2023), for a flow the years it covers;
- ``2023-10``: the end of October 2023 (a stock, or a cumulative in-year figure).

All functions are vectorised over a Series of period strings.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

PATTERN = r"(?P<a>\d{4})(?:-(?P<b>\d{4})|-(?P<m>0[1-9]|1[0-2]))?"


def parse(periods: pd.Series) -> pd.DataFrame:
    """Split period strings into columns, on the same index.

    ``kind``: ``year``, ``span``, ``month`` or ``""`` (empty or unreadable);
    ``start``/``end``: first and last year (Int64); ``month``: 1-12 or <NA>;
    ``years``: length of a span in years (``end - start``; 1 for a year,
    <NA> for a month); ``end_date``: the last day the period covers
    (a Timestamp; year-end for a year or span).
    """
    s = pd.Series(periods, dtype="str").fillna("")
    codes, uniques = pd.factorize(s)
    if len(uniques) < len(s):  # parse each distinct period once, then spread back
        table = parse(pd.Series(uniques, dtype="str"))
        return table.iloc[codes].set_axis(s.index)
    parts = s.str.fullmatch(PATTERN)
    m = s.str.extract(f"^{PATTERN}$")
    a = pd.to_numeric(m["a"], errors="coerce").astype("Int64")
    b = pd.to_numeric(m["b"], errors="coerce").astype("Int64")
    month = pd.to_numeric(m["m"], errors="coerce").astype("Int64")
    kind = np.select(
        [~parts, b.notna().to_numpy(dtype=bool), month.notna().to_numpy(dtype=bool)],
        ["", "span", "month"],
        default="year",
    )
    end = b.fillna(a)
    years = (end - a).where(kind == "span", 1).where((kind != "month") & (kind != ""))
    end_month = month.fillna(12).where(a.notna())
    end_date = pd.to_datetime(
        pd.DataFrame({"year": end.astype("float"), "month": end_month.astype("float"), "day": 1}),
        errors="coerce",
    ) + pd.offsets.MonthEnd(0)
    return pd.DataFrame(
        {
            "kind": kind,
            "start": a,
            "end": end,
            "month": month,
            "years": years.astype("Int64"),
            "end_date": end_date,
        },
        index=s.index,
    )


def span(start, end) -> pd.Series:
    """Period strings ``A-B`` from two year columns."""
    return pd.Series(start).astype(str) + "-" + pd.Series(end).astype(str).to_numpy()


def within(periods: pd.Series, years) -> pd.Series:
    """Whether each period (``2023``, ``2022-2023``, ``2023-10``) lies inside ``years``, a
    (first, last) pair of years: its first and its last year both do. An unreadable period
    does not."""
    lo, hi = years
    p = parse(periods)
    return (p["start"].between(lo, hi) & p["end"].between(lo, hi)).fillna(False).astype(bool)

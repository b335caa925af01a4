"""Looking values up by key over a whole column, once per distinct key.

``Series.map`` with a mapping calls Python for every row of an Arrow-backed string column;
a column of a million rows holds a few hundred distinct places, statuses or sources, so
:func:`lookup` maps those and spreads the result back by position."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd


def lookup(keys: pd.Series, table: Mapping | pd.Series) -> pd.Series:
    """``table[key]`` for every row of ``keys``, on ``keys``'s index: what
    ``keys.map(table)`` gives (missing where a key is missing or not in ``table``), with
    the mapping applied once per distinct key."""
    codes, uniques = pd.factorize(keys, use_na_sentinel=True)
    mapped = pd.Series(uniques).map(table)
    return pd.Series(mapped.array.take(codes, allow_fill=True), index=keys.index, name=keys.name)

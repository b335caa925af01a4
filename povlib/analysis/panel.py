"""One reconciled panel under the notebooks, the audit and the exports.

:func:`panel` reconciles the observations once and returns a :class:`Panel`
whose ``table`` holds one row per place, indicator, period, poverty standard,
role (outcome or target) and range bound: the chosen printed figure with its
status, source, bounds and alternatives, and, flagged ``derived``, the values
:mod:`povlib.derive` implies where nothing was printed.  What an indicator is,
and how indicators relate, is read from ``data/indicators.csv``; display names
and order come from the data too, so the library names no place or indicator.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property

import pandas as pd

from .._callable import make_callable
from ..reading import periods
from ..reading.descriptor import TABLES
from ..reading.lookup import lookup
from ..reading.tables import Dataset, with_bounds
from .implied import implied_levels
from .reconcile import reconcile

KEY = ["geo", "indicator", "period", "standard", "role", "bound"]
COLUMNS = [
    *KEY,
    "value",
    "low",
    "high",
    "unit",
    "qualifier",
    "status",
    "plan_period",
    "source_id",
    "obs_id",
    "n_obs",
    "alternatives",
    "derived",
    "basis",
    "kind",
    "start",
    "end",
    "month",
    "years",
    "end_date",
]


@dataclass
class Panel:
    """The reconciled panel of a dataset.

    ``table``: chosen and derived values (see module doc); ``obs``: every
    observation with its bounds; ``conflicts``: keys printed with different
    values, with their spread; ``ds``: the dataset (for metadata).
    """

    ds: Dataset
    obs: pd.DataFrame
    table: pd.DataFrame
    conflicts: pd.DataFrame

    def copy(self) -> Panel:
        """A panel of its own over the same figures: a column added or a value changed in
        one of its tables leaves this panel as it was (pandas copies on write, so this costs
        no copy of the data until then)."""
        tables = {name: getattr(self.ds, name).copy(deep=False) for name in TABLES}
        parsed = None if self.ds._parsed is None else self.ds._parsed.copy(deep=False)
        ds = replace(self.ds, **tables, _parsed=parsed)
        ds.warnings, ds.problems = list(ds.warnings), list(ds.problems)
        p = Panel(ds, self.obs.copy(deep=False), self.table.copy(deep=False), self.conflicts.copy(deep=False))
        ds._panel = p
        return p

    @property
    def printed(self) -> pd.DataFrame:
        """Chosen printed figures only (no derived values)."""
        return self.table[~self.table["derived"]]

    def points(
        self, role: str = "outcome", derived: bool = True, columns: list[str] | None = None
    ) -> pd.DataFrame:
        """Point values (not range ends) of one role; printed and, if asked, derived; only
        ``columns`` if given (cheaper on a large panel than selecting them afterwards)."""
        t = self.table
        mask = (t["role"] == role) & (t["bound"] == "point")
        mask = mask if derived else mask & ~t["derived"]
        return t.loc[mask, columns] if columns is not None else t[mask]

    def label(self, code: str, lang: str = "en") -> str:
        """Display label of an indicator."""
        return str(self.indicators.at[code, f"label_{_lang(lang)}"])

    def unit(self, code: str) -> str:
        return str(self.indicators.at[code, "unit"])

    def name(self, geo: str, lang: str = "en") -> str:
        """Display name of a place (``label_en``/``label_vi`` of the geography)."""
        return str(self.places.at[geo, f"label_{_lang(lang)}"])

    @cached_property
    def indicators(self) -> pd.DataFrame:
        """Indicator metadata indexed by code."""
        return self.ds.indicators.set_index("code")

    @cached_property
    def places(self) -> pd.DataFrame:
        """Geography indexed by geo_id."""
        return self.ds.geography.set_index("geo_id")

    def names(self, geos: pd.Series, lang: str = "en") -> pd.Series:
        """Display names of many places at once."""
        return lookup(geos, self.places[f"label_{_lang(lang)}"])

    def labels(self, codes: pd.Series, lang: str = "en") -> pd.Series:
        """Display labels of many indicators at once."""
        return lookup(codes, self.indicators[f"label_{_lang(lang)}"])

    def sort(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Rows in the data's display order: place, indicator, then time."""
        order = frame.assign(
            _g=lookup(frame["geo"], self.places["order"]).astype(float),
            _i=lookup(frame["indicator"], self.indicators["order"]).astype(float)
            if "indicator" in frame
            else 0.0,
        )
        by = ["_g", "geo", "_i"] + [
            c for c in ("end_date", "period", "standard", "role", "bound") if c in frame
        ]
        return order.sort_values(by, kind="stable").drop(columns=["_g", "_i"]).reset_index(drop=True)


def _lang(lang: str) -> str:
    if lang not in ("en", "vi"):
        raise ValueError(f"language must be 'en' or 'vi', not {lang!r}")
    return lang


def _with_periods(frame: pd.DataFrame) -> pd.DataFrame:
    parts = periods.parse(frame["period"])
    return pd.concat([frame.drop(columns=[c for c in parts if c in frame]), parts], axis=1)


def build(ds: Dataset) -> Panel:
    """Reconcile once and add derived values; see :func:`panel`."""
    obs = with_bounds(ds.observations, ds._parsed, ds.sources)
    # Only what the panel keeps goes through the sort and the group-by (and the decimals
    # the choice ranks by): at a million rows the texts (raw, note, paragraph) would be
    # copied at every step for nothing.
    chosen, conflicts = reconcile(obs[[c for c in obs if c in COLUMNS or c == "decimals"]], ds.sources)
    chosen = _with_periods(chosen.assign(derived=False, basis=""))
    implied = implied_levels(chosen, ds.indicators, ds.standards)
    table = pd.concat([chosen, _with_periods(implied)], ignore_index=True)
    table["n_obs"] = table["n_obs"].fillna(0).astype(int)
    table["alternatives"] = table["alternatives"].fillna("")
    table["plan_period"] = table["plan_period"].fillna("") if "plan_period" in table else ""
    p = Panel(ds=ds, obs=obs, table=table[COLUMNS], conflicts=conflicts)
    p.table = p.sort(p.table)
    return p


def panel(ds: Dataset | None = None) -> Panel:
    """The reconciled panel of ``ds`` (default: the project's data), built once per dataset.

    Rule of choice: see :mod:`povlib.reconcile`.  Derived values are added only
    where no figure was printed for the key, and never across a change of
    poverty standard or of administrative unit.
    """
    if ds is None:
        from ..reading.tables import default_dataset

        ds = default_dataset()
    cached = getattr(ds, "_panel", None)
    if cached is None:
        cached = build(ds)
        ds._panel = cached  # a Dataset is not changed after loading, so the panel stays valid
    return cached


make_callable(__name__, panel)

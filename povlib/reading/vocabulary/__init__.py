"""The project's vocabulary, kept as data beside the code that reads it (``*.csv`` here).

``statuses.csv``: each status a figure can have, with
- ``rank``: which of two figures for one key is preferred (lower wins), within a role;
- ``role``: ``outcome`` (what happened) or ``target`` (what was set out);
- ``settled``: a final figure (drawn filled, used for verdicts and forecasts' tests);
- ``counted``: a review's count, which cannot be printed before its period ends;
- labels in English and Vietnamese.
The observations' schema (``data/datapackage.json``) lists the same statuses; a test
keeps the two equal.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

HERE = Path(__file__).parent


@cache
def statuses() -> pd.DataFrame:
    """The status table, indexed by status."""
    t = pd.read_csv(HERE / "statuses.csv", dtype=str, keep_default_na=False).set_index("status")
    return t.assign(rank=t["rank"].astype(int), settled=t["settled"] == "yes", counted=t["counted"] == "yes")


def rank() -> dict[str, int]:
    """Status to preference rank (0 is preferred)."""
    return statuses()["rank"].to_dict()


def outcome_by_rank() -> dict[int, str]:
    """Preference rank to outcome status (the inverse of :func:`rank` for outcomes)."""
    t = statuses()
    t = t[t["role"] == "outcome"]
    return dict(zip(t["rank"], t.index, strict=True))


def of_role(role: str) -> list[str]:
    """Statuses of a role (``outcome`` or ``target``)."""
    t = statuses()
    return list(t.index[t["role"] == role])


def settled() -> list[str]:
    """Statuses of final figures."""
    t = statuses()
    return list(t.index[t["settled"]])


def counted() -> list[str]:
    """Statuses of a review's count (never printed before its period ends)."""
    t = statuses()
    return list(t.index[t["counted"]])


def labels(lang: str) -> dict[str, str]:
    """Status to its label in ``lang`` (``en`` or ``vi``)."""
    return statuses()[f"label_{lang}"].to_dict()

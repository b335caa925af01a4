"""Load the tables of ``data/`` into typed DataFrames, validating as they come.

The Data Package descriptor ``data/datapackage.json`` is the contract: column
names, types and constraints come from it.  On top of it, observations are
re-parsed from ``raw`` and looked up in their source paragraph.  Every problem
is collected with its file, row and column, and all of them are raised together
in one :class:`DataError`; nothing is dropped.

Loading is reading (:mod:`povlib.reading`, which types each field against the
descriptor, :mod:`povlib.descriptor`) then checking (:mod:`povlib.checks`); this module
joins the two and keeps the names other modules and notebooks import from it.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from .. import paths
from .checks import (
    check_geography,
    check_indicators,
    check_observations,
    check_package,
    check_sources,
    check_standards,
    second_opinion,
)
from .descriptor import TABLES, check_descriptor, descriptor
from .files import rel
from .load import Dataset, parse_raw, raw_languages, read_table, source_paragraphs, with_bounds
from .problems import DataError, Problem, count, report

__all__ = [
    "DataError",
    "Dataset",
    "Problem",
    "check_package",
    "count",
    "default_dataset",
    "descriptor",
    "load_dataset",
    "parse_raw",
    "raw_languages",
    "read_table",
    "report",
    "second_opinion",
    "source_paragraphs",
    "with_bounds",
]


def load_dataset(
    data_dir: Path | str = paths.DATA,
    sources_dir: Path | str | None | bool = None,
    *,
    strict: bool = True,
) -> Dataset:
    """Load and validate ``sources``, ``geography``, ``indicators`` and ``observations``.

    Raw figures are looked up in the source texts (and the texts' sha256
    verified) in ``sources_dir`` (default :func:`povlib.paths.sources_dir`).  A
    folder named by the caller (or by ``$POVLIB_SOURCES``) that does not exist is
    a problem, not a skip; only the default ``../shared/sources`` may be absent,
    and ``sources_dir=False`` skips the look-up on purpose: then
    ``sources_checked`` is False and a warning says so.  With
    ``strict`` (the default) any problem raises :class:`DataError`; otherwise
    the problems are returned in ``warnings``.
    """
    data_dir = Path(data_dir)
    frames, problems = {}, []
    sdir: Path | None
    if sources_dir is False:
        sdir, explicit = None, False
    elif isinstance(sources_dir, str | Path):
        sdir, explicit = Path(sources_dir), True
    else:
        sdir, explicit = paths.sources_dir(), "POVLIB_SOURCES" in os.environ
    if explicit and sdir is not None and not sdir.is_dir():
        problems.append(
            Problem(
                str(sdir),
                None,
                None,
                "folder of source texts does not exist (mistyped?); raw figures cannot be looked up",
            )
        )
    problems += check_descriptor(data_dir)
    if problems:
        raise DataError(problems)
    fields = {
        r["name"]: [f["name"] for f in r["schema"]["fields"]] for r in descriptor(data_dir)["resources"]
    }
    for name in TABLES:
        frames[name], probs = read_table(name, data_dir)
        problems += probs
    ds = Dataset(**frames)
    unreadable = [n for n in TABLES if not set(fields[n]) <= set(frames[n].columns)]
    if unreadable or any(p.row is None for p in problems):
        raise DataError(problems)  # a file or column is missing: cross-table checks cannot run
    have_sources = sdir is not None and sdir.is_dir()
    problems += check_indicators(ds.indicators, rel(data_dir / "indicators.csv"))
    problems += check_geography(ds.geography, rel(data_dir / "geography.csv"))
    problems += check_sources(ds.sources, rel(data_dir / "sources.csv"), sdir if have_sources else None)
    problems += check_standards(ds.standards, ds.sources, rel(data_dir / "standards.csv"))
    paragraphs = None
    if have_sources and sdir is not None:
        paragraphs = source_paragraphs(ds.sources, sdir)
        ds.sources_checked = True
    else:
        ds.warnings.append(
            f"source texts not found at {sdir or '(not asked)'}: raw figures were not looked up"
        )
    problems += check_observations(ds.observations, ds, rel(data_dir / "observations.csv"), paragraphs)
    if problems and strict:
        raise DataError(problems)
    ds.problems = problems
    ds.warnings += report(problems)
    for name in TABLES:
        setattr(ds, name, getattr(ds, name).reset_index(drop=True))
    return ds


@lru_cache(maxsize=1)
def default_dataset() -> Dataset:
    """The project's own data, loaded once per process."""
    return load_dataset()

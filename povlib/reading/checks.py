"""The checks that loading runs after each table is read and typed: each table's own rules
(relations between indicators, the tree of places, the standards' reviews, the sources'
files), then the observations against the other tables (one small function per kind of
check, see :data:`OBSERVATION_CHECKS`); and, for ``povlib check``, the whole descriptor
again over every resource (:func:`check_package`) with Frictionless's row-by-row opinion on
small folders (:func:`second_opinion`)."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from .. import paths
from . import periods, vocabulary
from .descriptor import TABLES, check_descriptor, descriptor, key_problems
from .files import decode, inside, refuse_special, rel
from .indicators import bounds
from .load import Dataset, parse_csv, parse_raw, read_table, unit_kinds
from .numbers import _quote, unit_kind
from .problems import Problem, rows_where

SUB_PROVINCE_LEVELS = ("district", "commune", "commune group")
"""Levels that lie inside a province (a higher level, if any, may name itself)."""


def _foreign(
    frame: pd.DataFrame, column: str, allowed, fname: str, what: str, allow_empty: bool = False
) -> list[Problem]:
    s = frame[column]
    mask = ~s.isin(set(allowed))
    if allow_empty:
        mask &= s != ""
    return rows_where(mask, fname, column, lambda hit: s[hit].map(lambda v: f"unknown {what} {_quote(v)}"))


def _compatible(parsed_unit: str, unit: str) -> bool:
    pk, uk = unit_kind(parsed_unit), unit_kind(unit)
    if pk == "percent":
        # "%/năm" must be a per-year unit; a bare "%" may be read as any percent unit
        # (points, per cent, points per year), the reading being stated in the note.
        per = parsed_unit[1:]
        return uk == "percent" and (unit.endswith(per) if per else True)
    if pk in ("money", "area"):
        return parsed_unit == unit
    return uk == "count" or unit.startswith(("workers", "people", "households"))


def _parsed(obs: pd.DataFrame, fig: pd.DataFrame) -> pd.DataFrame:
    """Expected value, parsed unit and qualifier, and error of each row, from its parse, as
    texts (the parse holds them as categoricals; the messages below need texts)."""
    is_range = fig["low"].notna()
    ends = np.where(
        obs["qualifier"] == "range low",
        fig["low"],
        np.where(obs["qualifier"] == "range high", fig["high"], np.nan),
    )
    bad_range = is_range & ~obs["qualifier"].isin(["range low", "range high"])
    printed = fig["error"].astype("str")
    error = printed.where(
        printed != "",
        np.where(
            bad_range, "'" + obs["raw"] + "' is a range: qualifier must be 'range low' or 'range high'", ""
        ),
    )
    expected = np.where(is_range, ends, fig["value"])
    return pd.DataFrame(
        {
            "expected": expected,
            "parsed_unit": fig["unit"].astype("str").fillna(""),
            "parsed_q": fig["qualifier"].astype("str").fillna(""),
            "error": error,
        },
        index=obs.index,
    )


def _cyclic(edges: pd.DataFrame) -> set[str]:
    """Nodes that lie on a cycle of the directed graph ``edges`` (columns ``src``, ``dst``),
    self-loops included.  Peels off nodes with no outgoing edge until none is left: what
    remains lies on, or leads into, a cycle; a node leading into one is then dropped by
    the same peeling on the reversed graph.  Linear in the number of edges."""
    e = edges[(edges["src"] != "") & (edges["dst"] != "")].drop_duplicates()
    for _ in range(2):
        while len(e):
            sinks = set(e["dst"]) - set(e["src"])
            if not sinks:
                break
            e = e[~e["dst"].isin(sinks)]
        e = e.rename(columns={"src": "dst", "dst": "src"})
    return set(e["src"]) | set(e["dst"])


def check_indicators(ind: pd.DataFrame, fname: str) -> list[Problem]:
    """Relations between indicators name known codes of the right kind, never the
    indicator itself, and form no cycle."""
    problems = []
    codes = set(ind["code"])
    for col in ("level_of", "numerator", "denominator", "part_of"):
        problems += _foreign(ind, col, codes, fname, "indicator code", allow_empty=True)
    parts = ind["parts"].str.split(";").explode()
    parts = parts[parts.fillna("") != ""]
    problems += rows_where(
        pd.Series(~parts.isin(codes).to_numpy(), index=parts.index).groupby(level=0).any(),
        fname,
        "parts",
        lambda hit: (
            parts[~parts.isin(codes)]
            .groupby(level=0)
            .first()[hit]
            .map(lambda v: f"unknown indicator code {_quote(v)}")
        ),
    )
    for col in ("level_of", "numerator", "denominator", "part_of"):
        problems += rows_where(
            ind[col] == ind["code"], fname, col, f"an indicator cannot be its own {col.replace('_', ' ')}"
        )
    own_part = pd.Series((parts == ind["code"].reindex(parts.index)).to_numpy(), index=parts.index)
    problems += rows_where(
        own_part.groupby(level=0).any(), fname, "parts", "an indicator cannot be its own part"
    )
    problems += rows_where(
        (ind["numerator"] != "") & (ind["numerator"] == ind["denominator"]),
        fname,
        "denominator",
        "numerator and denominator are the same indicator",
    )
    # Every relation points from a derived thing to what it is made of; a cycle would make
    # an indicator computed, at some remove, from itself.
    code = ind["code"]
    edges = pd.concat(
        [pd.DataFrame({"src": code, "dst": ind[c]}) for c in ("level_of", "numerator", "denominator")]
        + [pd.DataFrame({"src": code.reindex(parts.index).to_numpy(), "dst": parts.to_numpy()})]
        + [pd.DataFrame({"src": ind["part_of"], "dst": code})],
        ignore_index=True,
    )
    cyc = _cyclic(edges[edges["src"] != edges["dst"]])
    problems += rows_where(
        code.isin(cyc),
        fname,
        "code",
        "its relations (level_of, numerator, denominator, parts, part_of) form a cycle through it",
    )
    needs_level = ind["kind"].isin(["change", "pace", "growth"])
    problems += rows_where(
        needs_level & (ind["level_of"] == ""),
        fname,
        "level_of",
        "a change, pace or growth must name the indicator it changes",
    )
    problems += rows_where(
        ind["kind"].isin(["change", "pace"]) & (ind["direction"] == ""),
        fname,
        "direction",
        "a change or pace must say fall or rise",
    )
    problems += rows_where(
        (ind["numerator"] == "") != (ind["denominator"] == ""),
        fname,
        "denominator",
        "numerator and denominator go together",
    )
    return problems


def check_geography(geo: pd.DataFrame, fname: str) -> list[Problem]:
    """Parents, provinces and successors are known places; no place is its own ancestor."""
    problems = []
    ids = geo["geo_id"]
    problems += _foreign(geo, "parent", ids, fname, "parent place", allow_empty=True)
    problems += _foreign(geo, "province", ids, fname, "province")
    problems += _foreign(geo, "successor", ids, fname, "successor place", allow_empty=True)
    parent = geo.set_index("geo_id")["parent"]
    parent = parent[~parent.index.duplicated()]
    # Walk up the tree len(geo) times at most: a cycle never reaches the root.
    node = parent.copy()
    for _ in range(len(geo)):
        node = node.map(parent).fillna("").where(node != "", "")
        if (node == "").all():
            break
    cyclic = set(node[node != ""].index) | set(parent[parent == parent.index].index)
    problems += rows_where(
        geo["geo_id"].isin(cyclic),
        fname,
        "parent",
        "the parents form a cycle: this place is its own ancestor",
    )
    # The country and a region lie in no province: like a province, each is its own.
    prov = geo["level"].isin(["province", "region", "country"])
    problems += rows_where(
        prov & (geo["province"] != geo["geo_id"]),
        fname,
        "province",
        "a province, region or country is its own province",
    )
    level = geo.drop_duplicates("geo_id").set_index("geo_id")["level"]
    prov_level = geo["province"].map(level)
    problems += rows_where(
        (geo["level"] != "province")
        & (geo["province"] != geo["geo_id"])
        & prov_level.notna()
        & (prov_level != "province"),
        fname,
        "province",
        lambda: "'" + geo["province"] + "' is a " + prov_level.fillna("") + ", not a province",
    )
    problems += rows_where(
        geo["level"].isin(SUB_PROVINCE_LEVELS) & (geo["province"] == geo["geo_id"]),
        fname,
        "province",
        lambda: "a " + geo["level"] + " lies in a province, not in itself",
    )
    # The province a place names is the one its parents lead to (where they lead to one).
    # A walk with memory: each place is visited once, so this is linear in the places.
    up, lv = parent.to_dict(), level.to_dict()
    reach: dict[str, str] = {}

    def province_of(gid: str) -> str:
        path = []
        while gid and gid not in reach and gid not in cyclic:
            if lv.get(gid) == "province":
                reach[gid] = gid
                break
            path.append(gid)
            gid = up.get(gid, "")
        found = reach.get(gid, "")
        for g in path:
            reach[g] = found
        return found

    for gid in up:
        province_of(gid)
    reached = geo["geo_id"].map(reach).fillna("")
    problems += rows_where(
        (reached != "") & (reached != geo["province"]) & (geo["parent"] != ""),
        fname,
        "province",
        lambda: "'" + geo["province"] + "' is not the province its parents lead to ('" + reached + "')",
    )
    successor = geo.drop_duplicates("geo_id").set_index("geo_id")["successor"]
    problems += rows_where(
        (geo["successor"] != "") & (geo["successor"] == geo["geo_id"]),
        fname,
        "successor",
        "a place cannot be its own successor",
    )
    cyc = _cyclic(pd.DataFrame({"src": successor.index, "dst": successor.to_numpy()}))
    problems += rows_where(
        geo["geo_id"].isin(cyc) & (geo["successor"] != geo["geo_id"]),
        fname,
        "successor",
        "the successors form a cycle: this place succeeds itself",
    )
    to = pd.to_datetime(geo["valid_to"], errors="coerce")
    frm = pd.to_datetime(geo["valid_from"], errors="coerce")
    problems += rows_where(to < frm, fname, "valid_to", "ends before it begins")
    problems += rows_where(
        (geo["successor"] != "") & geo["valid_to"].isna(),
        fname,
        "valid_to",
        "a place with a successor needs the date it ended",
    )
    starts = pd.to_datetime(
        geo["successor"].map(geo.drop_duplicates("geo_id").set_index("geo_id")["valid_from"])
    )
    problems += rows_where(
        (geo["successor"] != "") & (starts <= to),
        fname,
        "successor",
        lambda: "'" + geo["successor"] + "' begins before this place ends (valid_from <= valid_to)",
    )
    return problems


def check_standards(std: pd.DataFrame, sources: pd.DataFrame, fname: str) -> list[Problem]:
    """Each standard's reviews run forwards, follow the previous standard's without a gap or
    an overlap, and cite known sources."""
    problems = []
    first, last = std["first_review"].astype(float), std["last_review"].astype(float)
    problems += rows_where(last < first, fname, "last_review", "the last review comes before the first")
    order = first.sort_values()
    follows = first[order.index].shift(-1) - last[order.index]
    problems += rows_where(
        (follows.reindex(std.index) != 1) & follows.reindex(std.index).notna(),
        fname,
        "last_review",
        "the next standard's first review must follow this one's last review by one year",
    )
    cited = std["source_id"].str.split(";").explode()
    unknown = cited[~cited.isin(sources["source_id"])]
    problems += rows_where(
        pd.Series(std.index.isin(unknown.index), index=std.index),
        fname,
        "source_id",
        lambda: "'" + std["source_id"] + "' names a source that sources.csv does not hold",
    )
    return problems


def check_sources(src: pd.DataFrame, fname: str, sources_dir: Path | None) -> list[Problem]:
    """A source is a kept file (with its sha256) or a web page (with URL and date accessed)."""
    problems = []
    has_file, has_url = src["file"] != "", src["url"] != ""
    problems += rows_where(
        ~has_file & ~has_url, fname, "url", "a source needs a file in ../shared/sources or a URL"
    )
    problems += rows_where(
        has_file & (src["sha256"] == ""), fname, "sha256", "a source file needs its sha256"
    )
    problems += rows_where(
        has_url & src["date_accessed"].isna(), fname, "date_accessed", "a web page needs the date it was read"
    )
    late = pd.to_datetime(src["date_published"]) > pd.to_datetime(src["date_accessed"])
    problems += rows_where(late, fname, "date_published", "published after it was read")
    outside = src["file"].map(lambda f: inside(Path("."), f) if f else "")
    problems += rows_where(
        outside != "",
        fname,
        "file",
        lambda: "'" + src["file"].map(_quote) + "' " + outside + " of source texts",
    )
    if sources_dir is not None:
        for row, f, digest in src.loc[has_file & (outside == ""), ["file", "sha256"]].itertuples():
            path = sources_dir / f
            refused = refuse_special(path) or inside(sources_dir, f)
            if refused:
                problems.append(Problem(fname, int(row), "file", f"{_quote(f)} {refused}"))
            elif not path.is_file():
                problems.append(Problem(fname, int(row), "file", f"{f!r} is not in {sources_dir}"))
            elif digest and hashlib.sha256(path.read_bytes()).hexdigest() != digest:
                problems.append(
                    Problem(
                        fname, int(row), "sha256", f"{f!r} has changed: its sha256 is not the one recorded"
                    )
                )
    return problems


@dataclass
class _Observations:
    """The observations and what several checks read of them, each computed once: the
    other tables indexed by their ids, the indicator's unit and kind, the value as floats,
    the parsed period and the parse of ``raw``.  Rows keep the file's numbering."""

    obs: pd.DataFrame
    ds: Dataset
    fname: str
    paragraphs: dict[str, list[str]] | None

    def __post_init__(self) -> None:
        obs, ds = self.obs, self.ds
        self.ind = ds.indicators.drop_duplicates("code").set_index("code")
        self.geo = ds.geography.drop_duplicates("geo_id").set_index("geo_id")
        self.src = ds.sources.drop_duplicates("source_id").set_index("source_id")
        self.known = obs["indicator"].isin(self.ind.index)
        self.unit = obs["indicator"].map(self.ind["unit"])
        self.kind = obs["indicator"].map(self.ind["kind"])
        self.value = obs["value"].astype(float)

    @cached_property
    def period(self) -> pd.DataFrame:
        return periods.parse(self.obs["period"])

    @cached_property
    def figure(self) -> pd.DataFrame:
        """The parse of each ``raw`` (:func:`povlib.reading.parse_raw`), kept on the dataset
        for the panel to reuse."""
        fig = parse_raw(self.obs, self.ds.sources)
        self.ds._parsed = fig.reset_index(drop=True)
        return fig

    @cached_property
    def parsed(self) -> pd.DataFrame:
        return _parsed(self.obs, self.figure)

    @cached_property
    def parsed_ok(self) -> pd.Series:
        return self.parsed["error"] == ""

    def where(self, mask: pd.Series, column: str | None, message) -> list[Problem]:
        return rows_where(mask, self.fname, column, message)


def _codes(c: _Observations) -> list[Problem]:
    """Source, place and indicator are known ids."""
    obs, ds = c.obs, c.ds
    return (
        _foreign(obs, "source_id", ds.sources["source_id"], c.fname, "source")
        + _foreign(obs, "geo", ds.geography["geo_id"], c.fname, "place")
        + _foreign(obs, "indicator", ds.indicators["code"], c.fname, "indicator code")
    )


def _indicator_units(c: _Observations) -> list[Problem]:
    """The unit is the indicator's."""
    obs = c.obs
    return c.where(
        c.known & (obs["unit"] != c.unit),
        "unit",
        lambda: (
            "'" + obs["unit"] + "' is not the unit of " + obs["indicator"] + " ('" + c.unit.fillna("") + "')"
        ),
    )


def _percentages(c: _Observations) -> list[Problem]:
    """A rate in per cent lies between 0 and 100."""
    pct = c.known & (c.kind == "rate") & (c.unit == "%") & ~c.value.between(0, 100)
    return c.where(
        pct & c.value.notna(), "value", lambda: "percentage " + c.value.astype(str) + " is outside 0 to 100"
    )


def _standards(c: _Observations) -> list[Problem]:
    """A poverty figure names a known poverty standard; any other figure names none."""
    obs = c.obs
    needs_std = obs["indicator"].map(c.ind["standard"]).eq("yes")
    return (
        _foreign(obs, "standard", c.ds.standards["standard"], c.fname, "poverty standard", allow_empty=True)
        + c.where(
            c.known & needs_std & (obs["standard"] == ""),
            "standard",
            "a poverty figure must name its poverty standard",
        )
        + c.where(
            c.known & ~needs_std & (obs["standard"] != ""),
            "standard",
            lambda: obs["indicator"] + " is not measured under a poverty standard",
        )
    )


def _provinces(c: _Observations) -> list[Problem]:
    """The province is the place's own."""
    obs = c.obs
    prov = obs["geo"].map(c.geo["province"])
    return c.where(
        prov.notna() & (prov != obs["province"]),
        "province",
        lambda: (
            "'"
            + obs["province"]
            + "' is not the province of '"
            + obs["geo"]
            + "' ('"
            + prov.fillna("")
            + "')"
        ),
    )


def _periods(c: _Observations) -> list[Problem]:
    """A period is a year, a forward span or a month, within 1990-2050."""
    period, per = c.obs["period"], c.period
    return (
        c.where(
            (period != "") & (per["kind"] == ""),
            "period",
            lambda: "'" + period + "' is not a year, a span YYYY-YYYY or a month YYYY-MM",
        )
        + c.where(
            (per["kind"] == "span") & (per["end"] <= per["start"]),
            "period",
            lambda: "'" + period + "' runs backwards or has no length",
        )
        + c.where(
            (per["start"] < 1990) | (per["end"] > 2050),
            "period",
            lambda: "'" + period + "' lies outside 1990-2050",
        )
    )


def _future(c: _Observations) -> list[Problem]:
    """A review's count (see :func:`povlib.vocabulary.counted`) is not about a time after its
    source was published."""
    obs = c.obs
    published = pd.to_datetime(obs["source_id"].map(c.src["date_published"]), errors="coerce")
    # A review's count cannot be printed before its period ends; an estimate can.
    counted = obs["status"].isin(vocabulary.counted())
    return c.where(
        counted & (c.period["start"] > published.dt.year),
        "period",
        lambda: (
            "'" + obs["period"] + "' begins after its source was published;"
            " a figure about the future is an estimate or a target"
        ),
    )


def _change_spans(c: _Observations) -> list[Problem]:
    """A stock is at a date; a change, pace or growth needs the span it covers."""
    return c.where(
        c.known
        & c.kind.isin(["change", "pace", "growth"])
        & (c.period["kind"] == "year")
        & ~c.obs["note"].str.strip().astype(bool),
        "period",
        "a change needs its base and final year (A-B), or a note saying why not",
    )


def _raw_parses(c: _Observations) -> list[Problem]:
    """``raw`` is a figure povlib can read (a range with its end named in ``qualifier``)."""
    return c.where(~c.parsed_ok, "raw", c.parsed["error"])


def _values(c: _Observations) -> list[Problem]:
    """``value`` is the parse of ``raw``."""
    obs = c.obs
    exp = c.parsed["expected"].astype(float)
    off = c.parsed_ok & (c.value.isna() | ((exp - c.value).abs() > 1e-9 * np.maximum(1.0, exp.abs())))
    return c.where(
        off,
        "value",
        lambda: (
            obs["value"].astype(str)
            + " does not equal the parse of raw "
            + obs["raw"].map(repr)
            + " ("
            + exp.astype(str)
            + ")"
        ),
    )


def _raw_units(c: _Observations) -> list[Problem]:
    """The unit printed in ``raw`` fits the observation's (each distinct pair judged once)."""
    obs, parsed = c.obs, c.parsed
    pairs = pd.DataFrame({"p": parsed["parsed_unit"], "u": obs["unit"]})
    distinct = pairs.drop_duplicates()
    ok_pairs = distinct.assign(ok=[_compatible(p, u) for p, u in distinct.itertuples(index=False)])
    compat = pairs.merge(ok_pairs, on=["p", "u"], how="left")["ok"].set_axis(obs.index)
    return c.where(
        c.parsed_ok & ~compat,
        "unit",
        lambda: (
            "'"
            + obs["unit"]
            + "' does not fit the unit of raw "
            + obs["raw"].map(repr)
            + " ("
            + parsed["parsed_unit"].replace("", "a bare number")
            + ")"
        ),
    )


def _qualifiers(c: _Observations) -> list[Problem]:
    """The qualifier is the one ``raw`` prints, or a note says why not."""
    obs, q, ok = c.obs, c.parsed["parsed_q"], c.parsed_ok
    unexplained = (
        ok
        & (q == "exact")
        & ~obs["qualifier"].isin(["exact", "range low", "range high"])
        & (obs["note"].str.strip() == "")
    )
    return c.where(
        ok & (q != "exact") & (q != obs["qualifier"]),
        "qualifier",
        lambda: "raw " + obs["raw"].map(repr) + " says '" + q + "', not '" + obs["qualifier"] + "'",
    ) + c.where(
        unexplained,
        "qualifier",
        lambda: "'" + obs["qualifier"] + "' is not in raw " + obs["raw"].map(repr) + "; say why in note",
    )


def _paragraphs(c: _Observations) -> list[Problem]:
    """A figure from a kept file names its paragraph, one from a web page none; with the
    source texts at hand, ``raw`` stands in that paragraph."""
    obs, src = c.obs, c.src
    from_file = obs["source_id"].map(src["file"]).fillna("") != ""
    problems = c.where(
        from_file & obs["paragraph"].isna(), "paragraph", "a figure from a source file needs its paragraph"
    ) + c.where(
        ~from_file & obs["paragraph"].notna() & obs["source_id"].isin(src.index),
        "paragraph",
        "a web page has no numbered paragraphs here: leave it empty",
    )
    if c.paragraphs is None:
        return problems
    look = obs[from_file & obs["paragraph"].notna() & obs["source_id"].isin(list(c.paragraphs))]
    for row, sid, n, raw in look[["source_id", "paragraph", "raw"]].itertuples():
        paras = c.paragraphs[sid]
        if n > len(paras):
            message = f"paragraph {n} is out of range: the source has {len(paras)}"
            problems.append(Problem(c.fname, int(row), "paragraph", message))
        elif raw not in paras[n - 1]:
            message = f"{raw!r} does not stand in paragraph {n} of {sid}"
            problems.append(Problem(c.fname, int(row), "raw", message))
    return problems


def _repeats(c: _Observations) -> list[Problem]:
    return _duplicates(c.obs, c.fname)


def _impossibles(c: _Observations) -> list[Problem]:
    return _impossible(c.obs, c.figure.set_axis(c.obs.index), c.ds.indicators, c.fname, c.parsed_ok)


OBSERVATION_CHECKS = (
    _codes,
    _indicator_units,
    _percentages,
    _standards,
    _provinces,
    _periods,
    _future,
    _change_spans,
    _raw_parses,
    _values,
    _raw_units,
    _qualifiers,
    _paragraphs,
    _repeats,
    _impossibles,
)
"""The checks of the observations against the other tables, in the order their problems are
listed; each takes the shared :class:`_Observations` and returns its problems."""


def check_observations(
    obs: pd.DataFrame, ds: Dataset, fname: str, paragraphs: dict[str, list[str]] | None
) -> list[Problem]:
    """Checks that need more than one table (:data:`OBSERVATION_CHECKS`): codes, units,
    standards, periods, parse of raw, bounds, lookup in the source paragraph, repeats and
    impossible pairs.  Vectorised: each distinct raw is parsed once."""
    c = _Observations(obs, ds, fname, paragraphs)
    return [p for check in OBSERVATION_CHECKS for p in check(c)]


DUPLICATE_KEY = [
    "source_id",
    "paragraph",
    "raw",
    "geo",
    "indicator",
    "period",
    "standard",
    "status",
    "qualifier",
]
"""A figure is the same figure when all of these agree: one source printing one text about
one place, indicator, period and standard, with one status. Two sources printing the same
number are two figures (a repeat is evidence), and so is a restatement by another source."""


def _duplicates(obs: pd.DataFrame, fname: str) -> list[Problem]:
    """A row that repeats an earlier row under another obs_id."""
    key = obs[DUPLICATE_KEY].astype("str").fillna("")
    dup = key.duplicated(keep="first")
    if not dup.any():
        return []
    first = key.reset_index().groupby(DUPLICATE_KEY, sort=False, dropna=False)["index"].transform("first")
    first = pd.Series(first.to_numpy(), index=obs.index)
    return rows_where(
        dup,
        fname,
        "obs_id",
        lambda hit: pd.Series(
            [
                f"repeats row {int(first[r])} ({obs.at[int(first[r]), 'obs_id']}): same source,"
                " paragraph, raw,"
                " place, indicator, period, standard, status and qualifier under another obs_id"
                for r in hit
            ],
            index=hit,
        ),
    )


def _impossible(
    obs: pd.DataFrame, fig: pd.DataFrame, ind: pd.DataFrame, fname: str, parsed_ok: pd.Series
) -> list[Problem]:
    """Figures that cannot all be true: a change of a percentage by more than 100 points, a
    part larger than its whole, a rate's numerator larger than its denominator (poor
    households above all households).  Compared only within one place, period, standard
    and role (outcome or target), between exact figures in the same unit, and only where
    the intervals their printed precision allows do not meet (see
    :func:`povlib.indicators.bounds`): "more than" a part against "about" a whole is not
    provably impossible, so it is left to the audit."""
    problems: list[Problem] = []
    value = obs["value"].astype(float)
    problems += rows_where(
        obs["unit"].isin(["pp", "pp/year"]) & (value.abs() > 100),
        fname,
        "value",
        lambda: value.astype(str) + " percentage points is more than 100",
    )
    pairs = []
    parts = ind[["code", "parts"]].assign(part=ind["parts"].str.split(";")).explode("part")
    pairs.append(
        parts.loc[parts["part"].fillna("") != "", ["part", "code"]].set_axis(["part", "whole"], axis=1)
    )
    pairs.append(ind.loc[ind["part_of"] != "", ["code", "part_of"]].set_axis(["part", "whole"], axis=1))
    rate = (ind["kind"] == "rate") & (ind["numerator"] != "")
    pairs.append(ind.loc[rate, ["numerator", "denominator"]].set_axis(["part", "whole"], axis=1))
    pairs_df = pd.concat(pairs, ignore_index=True).drop_duplicates()
    codes = set(pairs_df["part"]) | set(pairs_df["whole"])
    use = parsed_ok & (obs["qualifier"] == "exact") & obs["indicator"].isin(codes) & value.notna()
    if not use.any():
        return problems
    o = obs.loc[use]
    whole_count = unit_kinds(o["unit"]).eq("count").to_numpy()
    low, high = bounds(
        o["value"].to_numpy(dtype=float),
        o["qualifier"].to_numpy(),
        fig.loc[use, "decimals"].fillna(0).to_numpy(),
        fig.loc[use, "step"].fillna(1).to_numpy(),
        whole_count,
    )
    keys = ["geo", "period", "role", "unit"]
    f = pd.DataFrame(
        {
            "row": o.index,
            "geo": o["geo"],
            "period": o["period"],
            "standard": o["standard"],
            "role": np.where(o["status"].isin(vocabulary.of_role("target")), "target", "outcome"),
            "unit": o["unit"],
            "indicator": o["indicator"],
            "obs_id": o["obs_id"],
            "low": low,
            "high": high,
        }
    )
    m = f.merge(pairs_df, left_on="indicator", right_on="part").merge(
        f, left_on=[*keys, "whole"], right_on=[*keys, "indicator"], suffixes=("", "_w")
    )
    # All households are counted under no poverty standard: a whole with none fits any part.
    same_std = (m["standard"] == m["standard_w"]) | (m["standard"] == "") | (m["standard_w"] == "")
    m = m[same_std & (m["low"] > m["high_w"])].drop_duplicates("row")
    if m.empty:
        return problems
    msg = pd.Series(
        (
            m["indicator"]
            + " "
            + m["obs_id"]
            + " is larger than its whole "
            + m["whole"]
            + " "
            + m["obs_id_w"]
            + " (row "
            + m["row_w"].astype(str)
            + ") for the same place, period and"
            " standard: impossible, not a disagreement"
        ).to_numpy(),
        index=m["row"].to_numpy(),
    )
    problems += rows_where(obs.index.to_series().isin(msg.index), fname, "value", lambda hit: msg[hit])
    return problems


FRICTIONLESS_MAX_BYTES = 2_000_000
"""Data folders up to this many bytes of CSV also get Frictionless's row-by-row opinion
(about 20,000 observations, a few seconds); above it only :func:`check_package` runs, as
Frictionless's pass grows to minutes at a million rows.  ``POVLIB_FRICTIONLESS=1`` asks
for it at any size, ``0`` never."""


def _key_frame(
    res: dict, data_dir: Path, loaded: bool, columns: list[str]
) -> tuple[pd.DataFrame | None, list[Problem]]:
    """A resource's cells as text (data rows numbered from 1).  Of a table
    :func:`load_dataset` has already read and checked only the key ``columns`` are read
    again; any other is checked field by field here."""
    fname = rel(data_dir / Path(res["path"]).name)
    problems: list[Problem] = []
    if loaded:
        try:  # the file was read strictly a moment ago: Arrow reads its key columns only
            table = pacsv.read_csv(
                data_dir / res["path"],
                convert_options=pacsv.ConvertOptions(
                    include_columns=columns,
                    column_types={c: pa.string() for c in columns},
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
            frame = pd.DataFrame({c: table.column(c).to_pandas().astype("str") for c in columns})
        except (pa.ArrowInvalid, OSError, KeyError, ValueError):  # changed since: read it strictly
            text, problems = decode(data_dir / res["path"], fname)
            if text is None:
                return None, problems
            frame, problems = parse_csv(text, fname, [f["name"] for f in res["schema"]["fields"]])
    else:
        frame, problems = read_table(res["name"], data_dir)
        if not any(p.row is None for p in problems):
            frame = frame.astype("str").where(frame.notna(), "")
    if any(p.row is None for p in problems) or frame.empty:
        return None, problems  # a file or column that cannot be read: no key to check
    frame.index = pd.RangeIndex(1, len(frame) + 1)
    return frame, problems


def check_package(data_dir: Path | str = paths.DATA, loaded=TABLES) -> list[Problem]:
    """Every constraint of ``datapackage.json`` that :func:`load_dataset` does not already
    enforce, vectorised: the fields of the resources it does not read (type, required,
    unique, pattern, enum, minimum, maximum, length, through :func:`read_table`), then every
    resource's primary key (present and unique, the fields taken together) and foreign keys
    (every non-empty value found in the referenced resource).  The same constraints that
    Frictionless checks row by row, at the cost of a few joins: a second of a million rows.
    ``loaded`` names the resources whose fields have been checked already."""
    data_dir = Path(data_dir)
    problems = check_descriptor(data_dir)
    if problems:
        return problems
    resources = {r["name"]: r for r in descriptor(data_dir)["resources"]}
    wanted: dict[str, list[str]] = {name: [] for name in resources}

    def need(name: str, fields) -> None:
        fields = [fields] if isinstance(fields, str) else list(fields)
        if name in wanted:
            wanted[name] += [f for f in fields if f not in wanted[name]]

    for name, res in resources.items():
        need(name, res["schema"].get("primaryKey") or [])
        for fk in res["schema"].get("foreignKeys", []):
            need(name, fk["fields"])
            need(fk["reference"].get("resource") or name, fk["reference"]["fields"])
    frames: dict[str, pd.DataFrame] = {}
    for name, res in resources.items():
        if name in loaded and not wanted[name]:
            continue
        frame, probs = _key_frame(res, data_dir, name in loaded, wanted[name])
        problems += probs
        if frame is not None:
            frames[name] = frame
    for name in frames:
        fname = rel(data_dir / Path(resources[name]["path"]).name)
        problems += key_problems(frames, name, resources, fname)
    return problems


def _frictionless(data_dir: Path) -> list[Problem]:
    """Frictionless's own pass over the whole descriptor, row by row."""
    try:
        from frictionless import Package
    except ImportError:  # not in a runtime-only install: povlib's own checks stand alone
        return []
    try:
        result = Package(str(data_dir / "datapackage.json")).validate()
    except Exception as exc:  # noqa: BLE001 (a second opinion must not turn into a traceback)
        where = str(data_dir / "datapackage.json")
        return [Problem(where, None, None, f"Frictionless cannot read it: {exc}")]
    out = []
    for task in result.tasks:
        for e in task.errors:
            row = getattr(e, "row_number", None)
            col = getattr(e, "field_name", None)
            where = str(data_dir / Path(task.place).name) if task.place else str(data_dir)
            out.append(Problem(where, row - 1 if row else None, col, f"{e.message} (Frictionless)"))
    return out


def second_opinion(data_dir: Path | str = paths.DATA, frictionless: bool | None = None) -> list[Problem]:
    """What ``povlib check`` runs after :func:`load_dataset` accepts a folder: the whole
    descriptor vectorised (:func:`check_package`), then, on a folder of up to
    :data:`FRICTIONLESS_MAX_BYTES` of CSV (or when ``frictionless`` or
    ``$POVLIB_FRICTIONLESS`` asks), Frictionless row by row."""
    data_dir = Path(data_dir)
    problems = check_package(data_dir)
    if problems:
        return problems
    if frictionless is None:
        env = os.environ.get("POVLIB_FRICTIONLESS", "")
        if env in ("0", "1"):
            frictionless = env == "1"
        else:
            size = sum(p.stat().st_size for p in data_dir.glob("*.csv") if p.is_file())
            frictionless = size <= FRICTIONLESS_MAX_BYTES
    return _frictionless(data_dir) if frictionless else []

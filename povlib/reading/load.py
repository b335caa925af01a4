"""Reading the tables of a data folder into typed DataFrames: the CSV read strictly (a row
of the wrong width, an unclosed quote or a line break inside a field is a problem, not a
guess), each field typed and checked against the descriptor as it comes, and the printed
figures (``raw``) parsed in their source's notation."""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, field
from dataclasses import replace as _replace
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from .. import paths
from .descriptor import check_fields, descriptor, resource
from .files import decode, inside, refuse_special, rel
from .indicators import bounds
from .lookup import lookup
from .numbers import MONEY_SCALES, MONEY_UNIT, parse_many, unit_kind
from .problems import CAP, Problem


@dataclass
class Dataset:
    """The four tables, typed and validated; ``sources_checked`` says whether raw figures
    were looked up in the source texts (they are skipped when the folder is absent)."""

    sources: pd.DataFrame
    geography: pd.DataFrame
    indicators: pd.DataFrame
    standards: pd.DataFrame
    observations: pd.DataFrame
    sources_checked: bool = False
    warnings: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    _panel: object = field(default=None, repr=False, compare=False)
    _parsed: pd.DataFrame | None = field(default=None, repr=False, compare=False)


def _fast_rows(text: str) -> pd.DataFrame | None:
    """Arrow's strict reader, when the file is well formed (every row the header's width,
    every quote closed, no line break inside a field); None sends the text to the row-by-row
    reader, which names what is wrong."""

    # The header from the first line alone: a reader over the whole text would first copy it
    # (0.17 s at a million rows). A quoted line break in the header reads short here, and the
    # names then differ from Arrow's, which sends the text to the row-by-row reader.
    header = next(csv.reader([text.partition("\n")[0]]), [])
    if not header or len(set(header)) != len(header):
        return None
    try:
        table = pacsv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            read_options=pacsv.ReadOptions(use_threads=False),
            parse_options=pacsv.ParseOptions(newlines_in_values=False),
            convert_options=pacsv.ConvertOptions(
                column_types={h: pa.string() for h in header},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, ValueError):
        return None
    if table.column_names != header:
        return None
    # Every column to pandas' text type in one conversion, not one per column.
    frame = table.to_pandas(types_mapper={pa.string(): pd.api.types.pandas_dtype("str")}.get)
    # Lines and rows one for one (header included) leave no line break inside a field; only
    # where they differ (a blank line, or a quoted line break) is every field looked at.
    lines = text.count("\n") + (not text.endswith("\n"))
    if lines != len(frame) + 1 and any(frame[h].str.contains("[\r\n]", regex=True).any() for h in header):
        return None  # a line break inside a field: the row-by-row reader names it
    return frame


def parse_csv(text: str, fname: str, names: list[str]) -> tuple[pd.DataFrame, list[Problem]]:
    """Parse CSV text strictly; a row with the wrong number of fields is a problem, not a guess."""

    fast = _fast_rows(text)
    if fast is not None:
        return _columns(fast, fname, names, [])
    problems: list[Problem] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, [])
        records: list[list[str]] = []
        widths = 0
        last_line = reader.line_num
        for row in reader:
            n = len(records) + 1
            if reader.line_num > last_line + 1:
                # Rows and lines must stay one for one, or no message could name its line.
                return pd.DataFrame(), [
                    Problem(
                        fname,
                        n,
                        None,
                        f"a field holds a line break (the row runs over lines {last_line + 1}-"
                        f"{reader.line_num}): write each row on one line",
                    )
                ]
            last_line = reader.line_num
            if len(row) != len(header):
                if row:
                    widths += 1
                    if widths <= CAP:
                        problems.append(
                            Problem(fname, n, None, f"{len(row)} fields where the header has {len(header)}")
                        )
                    else:
                        problems[-1] = _replace(problems[-1], more=problems[-1].more + 1)
                    records.append([""] * len(header))
                continue
            records.append(row)
    except csv.Error as exc:
        return pd.DataFrame(), [
            Problem(
                fname, max(reader.line_num - 1, 1), None, f"malformed CSV: {exc} (an unterminated quote?)"
            )
        ]
    frame = pd.DataFrame(records, columns=header, dtype="str")
    return _columns(frame, fname, names, problems)


def _columns(
    frame: pd.DataFrame, fname: str, names: list[str], problems: list[Problem]
) -> tuple[pd.DataFrame, list[Problem]]:
    """Header problems: duplicated, missing, unknown or out-of-order columns."""
    header = list(frame.columns)
    if len(set(header)) != len(header):
        dup = sorted({h for h in header if header.count(h) > 1})
        problems.append(Problem(fname, None, dup[0], "column appears twice in the header"))
        frame = frame.loc[:, ~frame.columns.duplicated()]
    missing = [n for n in names if n not in frame.columns]
    extra = [c for c in frame.columns if c not in names]
    problems += [Problem(fname, None, n, "column is missing") for n in missing]
    problems += [Problem(fname, None, c, "column is not in datapackage.json") for c in extra]
    if not missing and list(frame.columns) != names:
        problems.append(
            Problem(
                fname, None, None, "columns are not in the order of datapackage.json: " + ", ".join(names)
            )
        )
    return frame, problems


def read_table(name: str, data_dir: Path | str = paths.DATA) -> tuple[pd.DataFrame, list[Problem]]:
    """Read one table by its resource name and check it against its schema.

    Returns the typed frame (``Int64`` for integers, ``Float64`` for numbers,
    strings as ``str``) and the list of problems; it does not raise.
    """
    data_dir = Path(data_dir)
    res = resource(descriptor(data_dir), name)
    path = data_dir / res["path"]
    fname = rel(data_dir / Path(res["path"]).name) if inside(data_dir, res["path"]) else rel(path)
    outside = inside(data_dir, res["path"])
    if outside:  # never opened: the message must not show a line of a file outside
        return pd.DataFrame(), [Problem(fname, None, None, f"path {res['path']!r} {outside}")]
    if not path.exists() and not path.is_symlink():
        return pd.DataFrame(), [Problem(fname, None, None, "file is missing")]
    fields = res["schema"]["fields"]
    names = [f["name"] for f in fields]
    text, problems = decode(path, fname)
    if text is None:
        return pd.DataFrame(), problems
    raw, problems = parse_csv(text, fname, names)
    if any(p.row is None for p in problems) or not set(names) <= set(raw.columns):
        return raw, problems
    if raw.empty:
        return raw, problems + [Problem(fname, None, None, "holds only its header and no rows")]
    rows = pd.RangeIndex(1, len(raw) + 1)
    raw.index = rows

    out, field_problems = check_fields(raw, fields, fname, name, text)
    return out, problems + field_problems


def source_paragraphs(sources: pd.DataFrame, sources_dir: Path) -> dict[str, list[str]]:
    """Paragraphs (non-empty lines, in order) of each source file that exists, by source_id."""
    out = {}
    for sid, fname in zip(sources["source_id"], sources["file"], strict=True):
        p = sources_dir / fname
        if fname and not inside(sources_dir, fname) and not refuse_special(p) and p.is_file():
            text = unicodedata.normalize("NFC", p.read_text(encoding="utf-8", errors="replace"))
            out[sid] = [line for line in text.splitlines() if line.strip()]
    return out


def unit_kinds(units: pd.Series) -> pd.Series:
    """:func:`povlib.numbers.unit_kind` of each unit, each distinct unit judged once."""
    distinct = pd.unique(units.to_numpy())
    return units.map(dict(zip(distinct, map(unit_kind, distinct), strict=True)))


def money_units(units: pd.Series) -> pd.Series:
    """The money scale each unit reads money in (``million VND/month`` -> million VND);
    each distinct unit is read once."""
    scales = {}
    for unit in pd.unique(units.to_numpy()):
        scale = str(unit).partition("/")[0]
        scales[unit] = scale if scale in MONEY_SCALES else MONEY_UNIT
    return units.map(scales).astype("str")


def raw_languages(obs: pd.DataFrame, languages=None) -> pd.Series:
    """The notation each observation's ``raw`` is printed in: its source's language.

    ``languages`` maps ``source_id`` to ``"vi"`` or ``"en"``: the sources table
    (its ``source_id`` and ``language`` columns), a Series indexed by source_id,
    or a dict.  Without it, a ``language`` column of ``obs`` is used if there is
    one, else every row is Vietnamese.  A source missing from the map reads as
    Vietnamese (an unknown source is reported on its own).  One vectorised map.
    """
    if languages is None:
        if "language" in obs.columns:
            return obs["language"].astype("str")
        return pd.Series("vi", index=obs.index, dtype="str")
    if isinstance(languages, pd.DataFrame):
        languages = languages.drop_duplicates("source_id").set_index("source_id")["language"]
    elif not isinstance(languages, pd.Series):
        languages = pd.Series(dict(languages), dtype="str")
    return lookup(obs["source_id"], languages).fillna("vi").astype("str")


def parse_raw(obs: pd.DataFrame, languages=None) -> pd.DataFrame:
    """Parse every ``raw`` in its unit's money scale and its source's language (see
    :func:`raw_languages` for ``languages`` and :func:`povlib.numbers.parse_many`).
    Each distinct (raw, money unit, language) is parsed once."""
    return parse_many(obs["raw"], money_units(obs["unit"]), raw_languages(obs, languages))


def with_bounds(obs: pd.DataFrame, parsed: pd.DataFrame | None = None, languages=None) -> pd.DataFrame:
    """Observations plus ``decimals``, ``step``, ``low`` and ``high`` from the printed figure.

    ``low``/``high`` is the interval the printed figure vouches for, in the
    observation's unit (see :func:`povlib.indicators.bounds`).  ``parsed`` is
    the parse of ``raw`` made while loading (:func:`parse_raw`), reused if given;
    otherwise ``raw`` is parsed in its source's language, from ``languages``
    (the sources table, or a map source_id -> language; see :func:`raw_languages`).
    """
    fig = parse_raw(obs, languages) if parsed is None or len(parsed) != len(obs) else parsed
    out = obs.reset_index(drop=True).assign(decimals=fig["decimals"].to_numpy(), step=fig["step"].to_numpy())
    whole = unit_kinds(out["unit"]).eq("count").to_numpy()
    low, high = bounds(
        out["value"].to_numpy(dtype=float),
        out["qualifier"].to_numpy(),
        out["decimals"].to_numpy(),
        out["step"].to_numpy(),
        whole,
    )
    return out.assign(low=low, high=high)

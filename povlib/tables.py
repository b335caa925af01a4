"""Load the four tables of ``data/`` into typed DataFrames, validating as they come.

The Data Package descriptor ``data/datapackage.json`` is the contract: column
names, types and constraints come from it.  On top of it, observations are
re-parsed from ``raw`` and looked up in their source paragraph.  Every problem
is collected with its file, row and column, and all of them are raised together
in one :class:`DataError`; nothing is dropped.
"""

from __future__ import annotations

import json
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from dataclasses import replace as _replace
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from . import paths
from .numbers import MONEY_SCALES, MONEY_UNIT, FigureError, _quote, parse_in_unit, parse_many, unit_kind

TABLES = ("sources", "geography", "indicators", "standards", "observations")
PERCENT_BOUNDED_KINDS = ("share", "target")
CAP = 50
"""Most problems listed per check and per file; the rest are counted, not listed, so that a
file of a million bad rows gives a readable report in bounded memory."""

# The columns povlib's code reads, with the type it relies on: a descriptor may add fields
# and constraints, but it may not drop one of these or give it another type.
CONTRACT: dict[str, dict[str, str]] = {
    "sources": {
        "source_id": "string",
        "kind": "string",
        "file": "string",
        "sha256": "string",
        "url": "string",
        "publisher": "string",
        "title": "string",
        "author": "string",
        "date_published": "date",
        "date_accessed": "date",
        "document": "string",
        "language": "string",
        "description": "string",
    },
    "geography": {
        "geo_id": "string",
        "name_vi": "string",
        "alias": "string",
        "label_en": "string",
        "label_vi": "string",
        "level": "string",
        "parent": "string",
        "province": "string",
        "gso_code": "string",
        "valid_from": "date",
        "valid_to": "date",
        "successor": "string",
        "order": "integer",
    },
    "indicators": {
        "code": "string",
        "label_en": "string",
        "label_vi": "string",
        "unit": "string",
        "decimals": "integer",
        "kind": "string",
        "theme": "string",
        "level_of": "string",
        "direction": "string",
        "numerator": "string",
        "denominator": "string",
        "parts": "string",
        "part_of": "string",
        "standard": "string",
        "order": "integer",
        "definition": "string",
    },
    "observations": {
        "obs_id": "string",
        "source_id": "string",
        "paragraph": "integer",
        "raw": "string",
        "province": "string",
        "geo": "string",
        "indicator": "string",
        "period": "string",
        "standard": "string",
        "value": "number",
        "unit": "string",
        "qualifier": "string",
        "status": "string",
        "note": "string",
    },
}
# Ids and codes are ASCII: a full-width or Arabic-Indic digit would look like a valid code.
SUB_PROVINCE_LEVELS = ("district", "commune", "commune group")
"""Levels that lie inside a province (a higher level, if any, may name itself)."""
ASCII_COLUMNS = {
    "sources": ("source_id", "sha256", "language"),
    "geography": ("geo_id", "parent", "province", "successor", "gso_code", "level"),
    "indicators": ("code", "level_of", "numerator", "denominator", "parts", "part_of", "unit"),
    "observations": (
        "obs_id",
        "source_id",
        "province",
        "geo",
        "indicator",
        "period",
        "standard",
        "unit",
        "qualifier",
        "status",
    ),
}
MAX_INTEGER = 2**53
"""Largest magnitude of an integer cell: beyond it a float no longer holds it exactly."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a data file. ``row`` is the 1-based data row (the header is line 1)."""

    file: str
    row: int | None
    column: str | None
    message: str
    more: int = 0
    """Further rows with the same problem, counted but not listed."""

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row} (line {self.row + 1})"
        if self.column is not None:
            where += f", column '{self.column}'"
        tail = f" (and {self.more:,} more rows with this problem)" if self.more else ""
        return f"{where}: {self.message}{tail}".translate(_SHOWN)


_CONTROL = re.compile("[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""Characters no field may hold: C0 and C1 controls (tab included; line ends are the CSV's
own), DEL, and the bidirectional embeddings, overrides and isolates."""

# Control characters (a terminal's escape sequences) and bidirectional overrides in a value
# would act on the terminal that shows the message, or disguise it: they are shown escaped.
_SHOWN = {
    c: f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"
    for c in [*range(0x20), *range(0x7F, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
}


def count(problems: list[Problem]) -> int:
    """Problems found, including those counted but not listed."""
    return sum(1 + p.more for p in problems)


def report(problems: list[Problem], cap: int = CAP) -> list[str]:
    """One line per problem, at most ``cap`` per file, then a line counting the rest."""
    lines: list[str] = []
    shown: dict[str, int] = {}
    hidden: dict[str, int] = {}
    for p in problems:
        if shown.get(p.file, 0) < cap:
            shown[p.file] = shown.get(p.file, 0) + 1
            lines.append(str(p))
        else:
            hidden[p.file] = hidden.get(p.file, 0) + 1 + p.more
    lines += [f"{f}: {n:,} more problem(s) not listed" for f, n in hidden.items()]
    return lines


class DataError(ValueError):
    """Raised with every :class:`Problem` found, one per line (at most :data:`CAP` per file)."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(
            f"{count(problems):,} problem(s) in the data:\n" + "\n".join(f"  {p}" for p in report(problems))
        )


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


def descriptor(data_dir: Path | str = paths.DATA) -> dict:
    """The Data Package descriptor of a data folder."""
    return json.loads((Path(data_dir) / "datapackage.json").read_text(encoding="utf-8"))


KNOWN_KEYS = {
    "package": {
        "name",
        "title",
        "description",
        "licenses",
        "resources",
        "profile",
        "version",
        "homepage",
        "sources",
        "contributors",
        "keywords",
        "created",
        "$schema",
    },
    "resource": {
        "name",
        "path",
        "profile",
        "format",
        "encoding",
        "schema",
        "title",
        "description",
        "mediatype",
        "dialect",
        "sources",
        "licenses",
    },
    "schema": {"fields", "primaryKey", "foreignKeys", "missingValues"},
    "field": {"name", "type", "description", "constraints", "title"},
    "constraints": {"required", "unique", "pattern", "enum", "minimum", "maximum", "minLength", "maxLength"},
}
FIELD_TYPES = {"string", "integer", "number", "date"}


def _regex(pattern: str) -> re.Pattern:
    """A descriptor pattern, compiled with ASCII classes: ``\\d`` is 0-9, not any Unicode digit."""
    return re.compile(pattern, re.ASCII)


def check_descriptor(data_dir: Path | str = paths.DATA) -> list[Problem]:
    """Problems with ``datapackage.json`` itself: unreadable; keys and types the reader does
    not understand (which it would otherwise silently ignore); a constraint of the wrong type
    (``minimum: "zero"``) or a pattern that is not a regular expression; a resource named
    twice; a ``path`` that is not a plain relative file name inside the data folder; a
    column that povlib relies on missing or of another type (see :data:`CONTRACT`)."""
    data_dir = Path(data_dir)
    path = data_dir / "datapackage.json"
    fname = _rel(path)
    if not data_dir.is_dir():
        return [Problem(_rel(data_dir), None, None, "data folder does not exist (or is not a folder)")]
    refused = _refuse_special(path) or _inside(data_dir, path.name)
    if refused:
        return [Problem(fname, None, None, refused)]
    try:
        desc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return [Problem(fname, None, None, "file is missing")]
    except (OSError, UnicodeDecodeError) as exc:
        return [Problem(fname, None, None, f"cannot be read as UTF-8 text: {exc}")]
    except json.JSONDecodeError as exc:
        return [
            Problem(
                fname,
                exc.lineno - 1 if exc.lineno > 1 else None,
                None,
                f"not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
            )
        ]
    except RecursionError:
        return [Problem(fname, None, None, "nested too deeply to be a descriptor")]
    problems = []

    def say(message: str) -> None:
        problems.append(Problem(fname, None, None, message))

    def unknown(obj, level: str, where: str) -> bool:
        if not isinstance(obj, dict):
            say(f"{where} must be an object")
            return False
        for key in sorted(set(obj) - KNOWN_KEYS[level], key=str):
            say(f"{where}: key {key!r} is not understood by povlib's reader")
        return True

    if not unknown(desc, "package", "the package"):
        return problems
    resources = desc.get("resources")
    if not isinstance(resources, list):
        return problems + [Problem(fname, None, None, "'resources' must be a list")]
    seen: set[str] = set()
    for i, res in enumerate(resources, 1):
        if not unknown(res, "resource", f"resource {i}"):
            continue
        name = res.get("name")
        if not isinstance(name, str) or not name:
            say(f"resource {i}: 'name' must be a non-empty text")
            continue
        where = f"resource {name!r}"
        if name in seen:
            say(f"{where} is named twice")
        seen.add(name)
        rpath = res.get("path")
        if name in TABLES:
            if not isinstance(rpath, str) or not rpath:
                say(
                    f"{where}: 'path' must be one file name (a text), not {type(rpath).__name__} {rpath!r}"[
                        :300
                    ]
                )
            else:
                inside = _inside(data_dir, rpath)
                if inside:
                    say(f"{where}: path {rpath[:200]!r} {inside}")
        schema = res.get("schema")
        if not isinstance(schema, dict):
            say(f"{where}: 'schema' must be an object")
            continue
        unknown(schema, "schema", f"schema of {where}")
        fields = schema.get("fields")
        if not isinstance(fields, list):
            say(f"schema of {where}: 'fields' must be a list")
            continue
        names: dict[str, str] = {}
        for j, fld in enumerate(fields, 1):
            if not unknown(fld, "field", f"field {j} of {where}"):
                continue
            field_name = fld.get("name")
            if not isinstance(field_name, str) or not field_name:
                say(f"field {j} of {where} has no name (a non-empty text)")
                continue
            fw = f"field {field_name!r} of {where}"
            if field_name in names:
                say(f"{fw} is declared twice")
            names[field_name] = str(fld.get("type"))
            if fld.get("type") not in FIELD_TYPES:
                say(f"{fw}: type {fld.get('type')!r} is not one of {sorted(FIELD_TYPES)}")
            cons = fld.get("constraints", {})
            if unknown(cons, "constraints", f"constraints of {fw}"):
                problems.extend(Problem(fname, None, None, m) for m in _constraint_problems(cons, fw))
        for col, typ in CONTRACT.get(name, {}).items():
            if col not in names:
                say(f"{where}: field {col!r} is missing; povlib reads it")
            elif names[col] != typ and names[col] in FIELD_TYPES:
                say(
                    f"field {col!r} of {where}: type must be {typ!r}"
                    f" (povlib computes with it), not {names[col]!r}"
                )
    for name in TABLES:
        if name not in seen:
            say(f"resource {name!r} is missing")
    return problems


def _constraint_problems(cons: dict, where: str) -> list[str]:
    """Constraints of the wrong type, which would otherwise fail deep inside a check."""
    out = []
    for key in ("required", "unique"):
        if key in cons and not isinstance(cons[key], bool):
            out.append(f"constraints of {where}: {key!r} must be true or false, not {cons[key]!r}")
    for key in ("minimum", "maximum"):
        v = cons.get(key)
        if key in cons and (isinstance(v, bool) or not isinstance(v, int | float) or v != v):
            out.append(f"constraints of {where}: {key!r} must be a number, not {v!r}")
    for key in ("minLength", "maxLength"):
        v = cons.get(key)
        if key in cons and (isinstance(v, bool) or not isinstance(v, int) or v < 0):
            out.append(f"constraints of {where}: {key!r} must be a whole number of 0 or more, not {v!r}")
    if "enum" in cons and (
        not isinstance(cons["enum"], list) or not all(isinstance(e, str) for e in cons["enum"])
    ):
        out.append(f"constraints of {where}: 'enum' must be a list of texts")
    if "pattern" in cons:
        pat = cons["pattern"]
        if not isinstance(pat, str):
            out.append(f"constraints of {where}: 'pattern' must be a text, not {pat!r}")
        else:
            try:
                _regex(pat)
            except (re.error, RecursionError, OverflowError) as exc:
                out.append(
                    f"constraints of {where}: pattern {pat[:100]!r} is not a regular expression ({exc})"
                )
    return out


def _inside(folder: Path, name: str) -> str:
    """Why ``name`` is not a file of ``folder`` (empty if it is): an absolute path, a
    climb out with ``..``, or a symbolic link leading outside."""
    if "\x00" in name:
        return "holds a NUL character"
    pure = Path(name)
    if pure.is_absolute() or name.startswith(("/", "\\")) or ":" in name:
        return "is absolute: it must name a file inside the folder"
    if ".." in pure.parts:
        return "climbs out of the folder with '..'"
    try:
        resolved = (folder / pure).resolve()
        base = folder.resolve()
    except (OSError, RuntimeError) as exc:
        return f"cannot be resolved ({exc})"
    if resolved != base and base not in resolved.parents:
        return f"leads outside the folder (a symbolic link to {resolved})"
    return ""


def _refuse_special(path: Path) -> str:
    """Why ``path`` may not be read (empty if it may): a device, pipe or socket (which
    could block or never end), a folder, or a hard link shared with another file (which
    may be any file on the disk)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return ""  # the caller says "missing"
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    if stat.S_ISDIR(st.st_mode):
        return "is a folder, not a file"
    if not stat.S_ISREG(st.st_mode):
        return "is not a regular file (a device, pipe or socket): refused"
    if st.st_nlink > 1:
        return f"is a hard link ({st.st_nlink} names for one file): refused; copy the file instead"
    return ""


def _resource(desc: dict, name: str) -> dict:
    for res in desc["resources"]:
        if res["name"] == name:
            return res
    raise KeyError(f"datapackage.json has no resource {name!r}")


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(paths.ROOT))
    except ValueError:
        return str(path)


def _decode(path: Path, fname: str) -> tuple[str | None, list[Problem]]:
    """The file's text, or a problem naming the line where it stops being UTF-8."""
    refused = _refuse_special(path)
    if refused:
        return None, [Problem(fname, None, None, refused)]
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [Problem(fname, None, None, f"cannot be read: {exc.strerror or exc}")]
    if not data.removeprefix(b"\xef\xbb\xbf").strip():
        return None, [Problem(fname, None, None, "file is empty: a header row is required")]
    if b"\x00" in data:
        return None, [Problem(fname, None, None, "file holds NUL bytes: binary, or UTF-16; save it as UTF-8")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [
            Problem(
                fname,
                line - 1 if line > 1 else None,
                None,
                f"line {line} is not UTF-8 (byte {data[exc.start]:#04x}): the file"
                " looks like another encoding (cp1258, latin-1?); save it as UTF-8",
            )
        ]
    text = text.removeprefix("\ufeff")
    lone_cr = re.search(r"\r(?!\n)", text)
    if lone_cr:
        line = text.count("\n", 0, lone_cr.start()) + 1
        return None, [
            Problem(
                fname,
                line if line > 1 else None,
                None,
                f"line {line} ends with a bare carriage return (CR, old Mac line endings):"
                " save the file with LF or CRLF line endings",
            )
        ]
    return text, []


def _not_nfc(s: pd.Series) -> pd.Series:
    """True where a text is not Unicode NFC; only distinct non-ASCII texts are normalised."""
    odd = ~s.str.isascii()
    if not odd.any():
        return odd
    distinct = pd.Series(pd.unique(s[odd]), dtype="str")
    bad = set(distinct[distinct != distinct.str.normalize("NFC")])
    return s.isin(bad) if bad else odd & False


def _fast_rows(text: str) -> pd.DataFrame | None:
    """Arrow's strict reader, when the file is well formed (every row the header's width,
    every quote closed, no line break inside a field); None sends the text to the row-by-row
    reader, which names what is wrong."""
    import csv
    import io

    import pyarrow as pa
    import pyarrow.csv as pacsv

    header = next(csv.reader(io.StringIO(text)), [])
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
    frame = pd.DataFrame({h: table.column(h).to_pandas().astype("str") for h in header})
    if any(frame[h].str.contains("[\r\n]", regex=True).any() for h in header):
        return None  # a line break inside a field: the row-by-row reader names it
    return frame


def _rows(text: str, fname: str, names: list[str]) -> tuple[pd.DataFrame, list[Problem]]:
    """Parse CSV text strictly; a row with the wrong number of fields is a problem, not a guess."""
    import csv
    import io

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
    res = _resource(descriptor(data_dir), name)
    path = data_dir / res["path"]
    fname = _rel(data_dir / Path(res["path"]).name) if _inside(data_dir, res["path"]) else _rel(path)
    outside = _inside(data_dir, res["path"])
    if outside:  # never opened: the message must not show a line of a file outside
        return pd.DataFrame(), [Problem(fname, None, None, f"path {res['path']!r} {outside}")]
    if not path.exists() and not path.is_symlink():
        return pd.DataFrame(), [Problem(fname, None, None, "file is missing")]
    fields = res["schema"]["fields"]
    names = [f["name"] for f in fields]
    text, problems = _decode(path, fname)
    if text is None:
        return pd.DataFrame(), problems
    raw, problems = _rows(text, fname, names)
    if any(p.row is None for p in problems) or not set(names) <= set(raw.columns):
        return raw, problems
    if raw.empty:
        return raw, problems + [Problem(fname, None, None, "holds only its header and no rows")]
    rows = pd.RangeIndex(1, len(raw) + 1)
    raw.index = rows

    def bad(mask: pd.Series, column: str, message) -> None:
        """``message``: a text, or a function of the offending value (called on the listed
        rows only, at most :data:`CAP`)."""
        if callable(message):
            value_message = message
            message = lambda hit: raw.loc[hit, column].map(value_message)  # noqa: E731
        problems.extend(_rows_where(mask, fname, column, message))

    # A text that is NFC as a whole has no field that is not (fields are cut at commas,
    # quotes and line ends, which compose with nothing); only then is no column checked.
    all_nfc = unicodedata.is_normalized("NFC", text)
    # A control character or a text-direction override would act on the terminal or page
    # that later shows the value, or disguise it; only then is each column looked at.
    has_control = _CONTROL.search(text) is not None
    ascii_cols = set(ASCII_COLUMNS.get(name, ()))
    out = pd.DataFrame(index=rows)
    for f in fields:
        col, cons = f["name"], f.get("constraints", {})
        s = raw[col]
        stripped = s.str.strip()
        empty = stripped == ""
        if not all_nfc:
            bad(_not_nfc(s), col, lambda v: f"text {_quote(v)} is not Unicode NFC")
        bad(~empty & (s != stripped), col, lambda v: f"{_quote(v)} has spaces at its start or end")
        if has_control:
            bad(
                s.str.contains(_CONTROL.pattern, regex=True),
                col,
                lambda v: f"{_quote(v)} holds a control character or a text-direction override",
            )
        if cons.get("required"):
            bad(empty, col, "a value is required")
        if col in ascii_cols or f["type"] != "string":
            # Full-width and Arabic-Indic digits look like codes, years and numbers.
            bad(
                ~s.str.isascii(),
                col,
                lambda v: f"{_quote(v)} holds characters other than ASCII (digits must be 0-9)",
            )
        if f["type"] in ("integer", "number"):
            ok = ~empty & s.str.isascii() & s.str.len().le(64)
            num = pd.to_numeric(s.where(ok), errors="coerce").astype(float)
            bad(~empty & s.str.isascii() & num.isna(), col, lambda v: f"{_quote(v)} is not a number")
            bad(
                ~empty & num.notna() & ~np.isfinite(num), col, lambda v: f"{_quote(v)} is not a finite number"
            )
            num = num.where(np.isfinite(num))
            if f["type"] == "integer":
                bad(
                    num.abs() > MAX_INTEGER,
                    col,
                    lambda v: f"{_quote(v)} is too large for a whole number here",
                )
                num = num.where(num.abs() <= MAX_INTEGER)
                bad(
                    ~empty & num.notna() & (num % 1 != 0), col, lambda v: f"{_quote(v)} is not a whole number"
                )
                out[col] = num.round().astype("Int64")
            else:
                out[col] = num.astype("Float64")
            if "minimum" in cons:
                bad(num < cons["minimum"], col, lambda v, m=cons["minimum"]: f"{_quote(v)} is below {m}")
            if "maximum" in cons:
                bad(num > cons["maximum"], col, lambda v, m=cons["maximum"]: f"{_quote(v)} is above {m}")
        elif f["type"] == "date":
            iso = s.str.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
            dates = pd.to_datetime(s.where(~empty & iso), format="%Y-%m-%d", errors="coerce")
            bad(~empty & dates.isna(), col, lambda v: f"{_quote(v)} is not an ISO date (YYYY-MM-DD)")
            out[col] = s.where(~empty & dates.notna())
        else:
            out[col] = s
        if "enum" in cons:
            allowed = cons["enum"]
            bad(
                ~(empty & ("" not in allowed)) & ~s.isin(allowed) & ~empty,
                col,
                lambda v, a=allowed: f"{_quote(v)} is not one of {a}",
            )
        if "pattern" in cons:
            bad(
                ~empty & ~s.str.fullmatch(cons["pattern"], flags=re.ASCII),
                col,
                lambda v, p=cons["pattern"]: f"{_quote(v)} does not match the pattern {p!r}",
            )
        for key, test in (("minLength", lambda n, m: n < m), ("maxLength", lambda n, m: n > m)):
            if key in cons and f["type"] == "string":
                bad(
                    ~empty & test(s.str.len(), cons[key]),
                    col,
                    lambda v, k=key, m=cons[key]: f"{_quote(v)} breaks {k} {m}",
                )
        if cons.get("unique"):
            bad(~empty & stripped.duplicated(keep="first"), col, lambda v: f"duplicated id {_quote(v)}")
    return out, problems


def _foreign(
    frame: pd.DataFrame, column: str, allowed, fname: str, what: str, allow_empty: bool = False
) -> list[Problem]:
    s = frame[column]
    mask = ~s.isin(set(allowed))
    if allow_empty:
        mask &= s != ""
    return _rows_where(mask, fname, column, lambda hit: s[hit].map(lambda v: f"unknown {what} {_quote(v)}"))


def _rows_where(mask: pd.Series, fname: str, column: str | None, message) -> list[Problem]:
    """One problem per row where ``mask`` holds, for the first :data:`CAP` rows; the last
    one listed counts the rest.  ``message`` is a Series of texts, a text, or a function
    returning either, called only if some row is hit (building a Series of messages for
    every row costs more than the check); a function that takes an argument is given the
    index of the listed rows, and needs to build messages for those only."""
    mask = mask.fillna(False).astype(bool)
    if not mask.any():
        return []
    hit = mask[mask].index
    extra = max(len(hit) - CAP, 0)
    hit = hit[:CAP]
    if callable(message):
        import inspect

        message = message(hit) if inspect.signature(message).parameters else message()
    if isinstance(message, pd.Series):
        out = [Problem(fname, int(r), column, str(message[r])) for r in hit]
    else:
        out = [Problem(fname, int(r), column, message) for r in hit]
    if extra:
        out[-1] = _replace(out[-1], more=extra)
    return out


def source_paragraphs(sources: pd.DataFrame, sources_dir: Path) -> dict[str, list[str]]:
    """Paragraphs (non-empty lines, in order) of each source file that exists, by source_id."""
    out = {}
    for sid, fname in zip(sources["source_id"], sources["file"], strict=True):
        p = sources_dir / fname
        if fname and not _inside(sources_dir, fname) and not _refuse_special(p) and p.is_file():
            text = unicodedata.normalize("NFC", p.read_text(encoding="utf-8", errors="replace"))
            out[sid] = [line for line in text.splitlines() if line.strip()]
    return out


def _expected_value(raw: str, unit: str, qualifier: str, lang: str = "vi") -> tuple[float, str, str]:
    """The value ``raw`` (printed in notation ``lang``) stands for in ``unit``; also the parsed
    unit and qualifier."""
    fig = parse_in_unit(raw, unit, lang)
    if fig.low is not None:
        value = {"range low": fig.low, "range high": fig.high}.get(qualifier)
        if value is None:
            raise FigureError(f"{raw!r} is a range: qualifier must be 'range low' or 'range high'")
    else:
        value = fig.value
    return value, fig.unit, fig.qualifier


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


def money_units(units: pd.Series) -> pd.Series:
    """The money scale each unit reads money in (``million VND/month`` -> million VND)."""
    scale = units.str.partition("/")[0]
    return scale.where(scale.isin(list(MONEY_SCALES)), MONEY_UNIT)


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
    return obs["source_id"].map(languages).fillna("vi").astype("str")


def parse_raw(obs: pd.DataFrame, languages=None) -> pd.DataFrame:
    """Parse every ``raw`` in its unit's money scale and its source's language (see
    :func:`raw_languages` for ``languages`` and :func:`povlib.numbers.parse_many`).
    Each distinct (raw, money unit, language) is parsed once."""
    return parse_many(obs["raw"], money_units(obs["unit"]), raw_languages(obs, languages))


def _parsed(obs: pd.DataFrame, fig: pd.DataFrame) -> pd.DataFrame:
    """Expected value, parsed unit and qualifier, and error of each row, from its parse."""
    is_range = fig["low"].notna()
    ends = np.where(
        obs["qualifier"] == "range low",
        fig["low"],
        np.where(obs["qualifier"] == "range high", fig["high"], np.nan),
    )
    bad_range = is_range & ~obs["qualifier"].isin(["range low", "range high"])
    error = fig["error"].where(
        fig["error"] != "",
        np.where(
            bad_range, "'" + obs["raw"] + "' is a range: qualifier must be 'range low' or 'range high'", ""
        ),
    )
    expected = np.where(is_range, ends, fig["value"])
    return pd.DataFrame(
        {
            "expected": expected,
            "parsed_unit": fig["unit"].fillna(""),
            "parsed_q": fig["qualifier"].fillna(""),
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
    problems += _rows_where(
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
        problems += _rows_where(
            ind[col] == ind["code"], fname, col, f"an indicator cannot be its own {col.replace('_', ' ')}"
        )
    own_part = pd.Series((parts == ind["code"].reindex(parts.index)).to_numpy(), index=parts.index)
    problems += _rows_where(
        own_part.groupby(level=0).any(), fname, "parts", "an indicator cannot be its own part"
    )
    problems += _rows_where(
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
    problems += _rows_where(
        code.isin(cyc),
        fname,
        "code",
        "its relations (level_of, numerator, denominator, parts, part_of) form a cycle through it",
    )
    needs_level = ind["kind"].isin(["change", "pace", "growth"])
    problems += _rows_where(
        needs_level & (ind["level_of"] == ""),
        fname,
        "level_of",
        "a change, pace or growth must name the indicator it changes",
    )
    problems += _rows_where(
        ind["kind"].isin(["change", "pace"]) & (ind["direction"] == ""),
        fname,
        "direction",
        "a change or pace must say fall or rise",
    )
    problems += _rows_where(
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
    problems += _rows_where(
        geo["geo_id"].isin(cyclic),
        fname,
        "parent",
        "the parents form a cycle: this place is its own ancestor",
    )
    # The country and a region lie in no province: like a province, each is its own.
    prov = geo["level"].isin(["province", "region", "country"])
    problems += _rows_where(
        prov & (geo["province"] != geo["geo_id"]),
        fname,
        "province",
        "a province, region or country is its own province",
    )
    level = geo.drop_duplicates("geo_id").set_index("geo_id")["level"]
    prov_level = geo["province"].map(level)
    problems += _rows_where(
        (geo["level"] != "province")
        & (geo["province"] != geo["geo_id"])
        & prov_level.notna()
        & (prov_level != "province"),
        fname,
        "province",
        lambda: "'" + geo["province"] + "' is a " + prov_level.fillna("") + ", not a province",
    )
    problems += _rows_where(
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
    problems += _rows_where(
        (reached != "") & (reached != geo["province"]) & (geo["parent"] != ""),
        fname,
        "province",
        lambda: "'" + geo["province"] + "' is not the province its parents lead to ('" + reached + "')",
    )
    successor = geo.drop_duplicates("geo_id").set_index("geo_id")["successor"]
    problems += _rows_where(
        (geo["successor"] != "") & (geo["successor"] == geo["geo_id"]),
        fname,
        "successor",
        "a place cannot be its own successor",
    )
    cyc = _cyclic(pd.DataFrame({"src": successor.index, "dst": successor.to_numpy()}))
    problems += _rows_where(
        geo["geo_id"].isin(cyc) & (geo["successor"] != geo["geo_id"]),
        fname,
        "successor",
        "the successors form a cycle: this place succeeds itself",
    )
    to = pd.to_datetime(geo["valid_to"], errors="coerce")
    frm = pd.to_datetime(geo["valid_from"], errors="coerce")
    problems += _rows_where(to < frm, fname, "valid_to", "ends before it begins")
    problems += _rows_where(
        (geo["successor"] != "") & geo["valid_to"].isna(),
        fname,
        "valid_to",
        "a place with a successor needs the date it ended",
    )
    starts = pd.to_datetime(
        geo["successor"].map(geo.drop_duplicates("geo_id").set_index("geo_id")["valid_from"])
    )
    problems += _rows_where(
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
    problems += _rows_where(last < first, fname, "last_review", "the last review comes before the first")
    order = first.sort_values()
    follows = first[order.index].shift(-1) - last[order.index]
    problems += _rows_where(
        (follows.reindex(std.index) != 1) & follows.reindex(std.index).notna(),
        fname,
        "last_review",
        "the next standard's first review must follow this one's last review by one year",
    )
    cited = std["source_id"].str.split(";").explode()
    unknown = cited[~cited.isin(sources["source_id"])]
    problems += _rows_where(
        pd.Series(std.index.isin(unknown.index), index=std.index),
        fname,
        "source_id",
        lambda: "'" + std["source_id"] + "' names a source that sources.csv does not hold",
    )
    return problems


def check_sources(src: pd.DataFrame, fname: str, sources_dir: Path | None) -> list[Problem]:
    """A source is a kept file (with its sha256) or a web page (with URL and date accessed)."""
    import hashlib

    problems = []
    has_file, has_url = src["file"] != "", src["url"] != ""
    problems += _rows_where(
        ~has_file & ~has_url, fname, "url", "a source needs a file in ../shared/sources or a URL"
    )
    problems += _rows_where(
        has_file & (src["sha256"] == ""), fname, "sha256", "a source file needs its sha256"
    )
    problems += _rows_where(
        has_url & src["date_accessed"].isna(), fname, "date_accessed", "a web page needs the date it was read"
    )
    late = pd.to_datetime(src["date_published"]) > pd.to_datetime(src["date_accessed"])
    problems += _rows_where(late, fname, "date_published", "published after it was read")
    outside = src["file"].map(lambda f: _inside(Path("."), f) if f else "")
    problems += _rows_where(
        outside != "",
        fname,
        "file",
        lambda: "'" + src["file"].map(_quote) + "' " + outside + " of source texts",
    )
    if sources_dir is not None:
        for row, f, digest in src.loc[has_file & (outside == ""), ["file", "sha256"]].itertuples():
            path = sources_dir / f
            refused = _refuse_special(path) or _inside(sources_dir, f)
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


def check_observations(
    obs: pd.DataFrame, ds: Dataset, fname: str, paragraphs: dict[str, list[str]] | None
) -> list[Problem]:
    """Checks that need more than one table: codes, units, standards, periods, parse of raw,
    bounds, lookup in the source paragraph.  Vectorised: each distinct raw is parsed once."""
    from . import periods

    problems = []
    problems += _foreign(obs, "source_id", ds.sources["source_id"], fname, "source")
    problems += _foreign(obs, "geo", ds.geography["geo_id"], fname, "place")
    problems += _foreign(obs, "indicator", ds.indicators["code"], fname, "indicator code")
    ind = ds.indicators.drop_duplicates("code").set_index("code")
    geo = ds.geography.drop_duplicates("geo_id").set_index("geo_id")
    src = ds.sources.drop_duplicates("source_id").set_index("source_id")
    known = obs["indicator"].isin(ind.index)
    unit = obs["indicator"].map(ind["unit"])
    problems += _rows_where(
        known & (obs["unit"] != unit),
        fname,
        "unit",
        lambda: (
            "'" + obs["unit"] + "' is not the unit of " + obs["indicator"] + " ('" + unit.fillna("") + "')"
        ),
    )
    kind = obs["indicator"].map(ind["kind"])
    value = obs["value"].astype(float)
    pct = known & (kind == "rate") & (unit == "%") & ~value.between(0, 100)
    problems += _rows_where(
        pct & value.notna(),
        fname,
        "value",
        lambda: "percentage " + value.astype(str) + " is outside 0 to 100",
    )
    std_ids = ds.standards["standard"]
    problems += _foreign(obs, "standard", std_ids, fname, "poverty standard", allow_empty=True)
    needs_std = obs["indicator"].map(ind["standard"]).eq("yes")
    problems += _rows_where(
        known & needs_std & (obs["standard"] == ""),
        fname,
        "standard",
        "a poverty figure must name its poverty standard",
    )
    problems += _rows_where(
        known & ~needs_std & (obs["standard"] != ""),
        fname,
        "standard",
        lambda: obs["indicator"] + " is not measured under a poverty standard",
    )
    prov = obs["geo"].map(geo["province"])
    problems += _rows_where(
        prov.notna() & (prov != obs["province"]),
        fname,
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
    per = periods.parse(obs["period"])
    problems += _rows_where(
        (obs["period"] != "") & (per["kind"] == ""),
        fname,
        "period",
        lambda: "'" + obs["period"] + "' is not a year, a span YYYY-YYYY or a month YYYY-MM",
    )
    problems += _rows_where(
        (per["kind"] == "span") & (per["end"] <= per["start"]),
        fname,
        "period",
        lambda: "'" + obs["period"] + "' runs backwards or has no length",
    )
    outside = (per["start"] < 1990) | (per["end"] > 2050)
    problems += _rows_where(
        outside, fname, "period", lambda: "'" + obs["period"] + "' lies outside 1990-2050"
    )
    published = pd.to_datetime(obs["source_id"].map(src["date_published"]), errors="coerce")
    settled = obs["status"].isin(["approved", "reported", "preliminary"])
    future = settled & (per["start"] > published.dt.year)
    problems += _rows_where(
        future,
        fname,
        "period",
        lambda: (
            "'" + obs["period"] + "' begins after its source was published;"
            " a figure about the future is an estimate or a target"
        ),
    )
    # A stock is at a date; a change, pace, growth or flow needs the span it covers.
    problems += _rows_where(
        known
        & kind.isin(["change", "pace", "growth"])
        & (per["kind"] == "year")
        & ~obs["note"].str.strip().astype(bool),
        fname,
        "period",
        "a change needs its base and final year (A-B), or a note saying why not",
    )
    fig = parse_raw(obs, ds.sources)
    ds._parsed = fig.reset_index(drop=True)
    parsed = _parsed(obs, fig)
    failed = parsed["error"] != ""
    problems += _rows_where(failed, fname, "raw", parsed["error"])
    ok = ~failed
    exp = parsed["expected"].astype(float)
    off = ok & (value.isna() | ((exp - value).abs() > 1e-9 * np.maximum(1.0, exp.abs())))
    problems += _rows_where(
        off,
        fname,
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
    pairs = pd.DataFrame({"p": parsed["parsed_unit"], "u": obs["unit"]})
    distinct = pairs.drop_duplicates()
    ok_pairs = distinct.assign(ok=[_compatible(p, u) for p, u in distinct.itertuples(index=False)])
    compat = pairs.merge(ok_pairs, on=["p", "u"], how="left")["ok"].set_axis(obs.index)
    problems += _rows_where(
        ok & ~compat,
        fname,
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
    q = parsed["parsed_q"]
    problems += _rows_where(
        ok & (q != "exact") & (q != obs["qualifier"]),
        fname,
        "qualifier",
        lambda: "raw " + obs["raw"].map(repr) + " says '" + q + "', not '" + obs["qualifier"] + "'",
    )
    unexplained = (
        ok
        & (q == "exact")
        & ~obs["qualifier"].isin(["exact", "range low", "range high"])
        & (obs["note"].str.strip() == "")
    )
    problems += _rows_where(
        unexplained,
        fname,
        "qualifier",
        lambda: "'" + obs["qualifier"] + "' is not in raw " + obs["raw"].map(repr) + "; say why in note",
    )
    from_file = obs["source_id"].map(src["file"]).fillna("") != ""
    problems += _rows_where(
        from_file & obs["paragraph"].isna(),
        fname,
        "paragraph",
        "a figure from a source file needs its paragraph",
    )
    problems += _rows_where(
        ~from_file & obs["paragraph"].notna() & obs["source_id"].isin(src.index),
        fname,
        "paragraph",
        "a web page has no numbered paragraphs here: leave it empty",
    )
    if paragraphs is not None:
        look = obs[from_file & obs["paragraph"].notna() & obs["source_id"].isin(list(paragraphs))]
        for row, sid, n, raw in look[["source_id", "paragraph", "raw"]].itertuples():
            paras = paragraphs[sid]
            if n > len(paras):
                problems.append(
                    Problem(
                        fname,
                        int(row),
                        "paragraph",
                        f"paragraph {n} is out of range: the source has {len(paras)}",
                    )
                )
            elif raw not in paras[n - 1]:
                problems.append(
                    Problem(fname, int(row), "raw", f"{raw!r} does not stand in paragraph {n} of {sid}")
                )
    problems += _duplicates(obs, fname)
    problems += _impossible(obs, fig.set_axis(obs.index), ds.indicators, fname, ok)
    return problems


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
    return _rows_where(
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
    from .indicators import bounds

    problems: list[Problem] = []
    value = obs["value"].astype(float)
    problems += _rows_where(
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
    whole_count = o["unit"].map(unit_kind).eq("count").to_numpy()
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
            "role": np.where(o["status"].isin(["target", "plan"]), "target", "outcome"),
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
    problems += _rows_where(obs.index.to_series().isin(msg.index), fname, "value", lambda hit: msg[hit])
    return problems


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
    problems += check_indicators(ds.indicators, _rel(data_dir / "indicators.csv"))
    problems += check_geography(ds.geography, _rel(data_dir / "geography.csv"))
    problems += check_sources(ds.sources, _rel(data_dir / "sources.csv"), sdir if have_sources else None)
    problems += check_standards(ds.standards, ds.sources, _rel(data_dir / "standards.csv"))
    paragraphs = None
    if have_sources and sdir is not None:
        paragraphs = source_paragraphs(ds.sources, sdir)
        ds.sources_checked = True
    else:
        ds.warnings.append(
            f"source texts not found at {sdir or '(not asked)'}: raw figures were not looked up"
        )
    problems += check_observations(ds.observations, ds, _rel(data_dir / "observations.csv"), paragraphs)
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


def with_bounds(obs: pd.DataFrame, parsed: pd.DataFrame | None = None, languages=None) -> pd.DataFrame:
    """Observations plus ``decimals``, ``step``, ``low`` and ``high`` from the printed figure.

    ``low``/``high`` is the interval the printed figure vouches for, in the
    observation's unit (see :func:`povlib.indicators.bounds`).  ``parsed`` is
    the parse of ``raw`` made while loading (:func:`parse_raw`), reused if given;
    otherwise ``raw`` is parsed in its source's language, from ``languages``
    (the sources table, or a map source_id -> language; see :func:`raw_languages`).
    """
    from .indicators import bounds

    fig = parse_raw(obs, languages) if parsed is None or len(parsed) != len(obs) else parsed
    out = obs.reset_index(drop=True).assign(decimals=fig["decimals"].to_numpy(), step=fig["step"].to_numpy())
    whole = out["unit"].map(unit_kind).eq("count").to_numpy()
    low, high = bounds(
        out["value"].to_numpy(dtype=float),
        out["qualifier"].to_numpy(),
        out["decimals"].to_numpy(),
        out["step"].to_numpy(),
        whole,
    )
    return out.assign(low=low, high=high)


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
    fname = _rel(data_dir / Path(res["path"]).name)
    problems: list[Problem] = []
    if loaded:
        import pyarrow as pa
        import pyarrow.csv as pacsv

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
            text, problems = _decode(data_dir / res["path"], fname)
            if text is None:
                return None, problems
            frame, problems = _rows(text, fname, [f["name"] for f in res["schema"]["fields"]])
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
    for name, res in resources.items():
        if name not in frames:
            continue
        frame, schema = frames[name], res["schema"]
        fname = _rel(data_dir / Path(res["path"]).name)
        pk = schema.get("primaryKey") or []
        pk = [pk] if isinstance(pk, str) else list(pk)
        if pk:
            keys, names = frame[pk], ", ".join(pk)
            for col in pk:
                problems += _rows_where(keys[col] == "", fname, col, "a primary key value is missing")
            dup = keys.duplicated(keep="first") & (keys != "").all(axis=1)
            problems += _rows_where(
                dup,
                fname,
                None,
                lambda hit, k=keys, names=names: k.loc[hit].apply(
                    lambda r: f"primary key ({names}) = ({', '.join(map(_quote, r))}) is duplicated",
                    axis=1,
                ),
            )
        for fk in schema.get("foreignKeys", []):
            cols = [fk["fields"]] if isinstance(fk["fields"], str) else list(fk["fields"])
            ref = fk["reference"]
            target = ref.get("resource") or name
            rcols = [ref["fields"]] if isinstance(ref["fields"], str) else list(ref["fields"])
            if target not in frames:
                if target not in resources:
                    message = f"foreign key names no resource {target!r}"
                    problems.append(Problem(fname, None, cols[0], message))
                continue
            here = frame[cols]
            there = frames[target][rcols].drop_duplicates()
            there.columns = cols
            found = here.merge(there, how="left", on=cols, indicator=True)["_merge"].eq("both")
            found.index = here.index
            missing = ~found & (here != "").any(axis=1)
            where = f"{target}.{','.join(rcols)}"
            problems += _rows_where(
                missing,
                fname,
                cols[0] if len(cols) == 1 else None,
                lambda hit, h=here, w=where: h.loc[hit].apply(
                    lambda r: f"{', '.join(map(_quote, r))} is not a value of {w} (foreign key)", axis=1
                ),
            )
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

"""The Data Package descriptor ``datapackage.json``: reading it, checking that povlib
understands all of it (:func:`check_descriptor`), and enforcing what it declares, vectorised:
each field's type and constraints over a column of text (:func:`check_fields`), and every
primary and foreign key over whole tables (:func:`key_problems`)."""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .. import paths
from .files import inside, refuse_special, rel
from .numbers import _quote
from .problems import Problem, rows_where

TABLES = ("sources", "geography", "indicators", "standards", "observations")

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

_CONTROL = re.compile("[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""Characters no field may hold: C0 and C1 controls (tab included; line ends are the CSV's
own), DEL, and the bidirectional embeddings, overrides and isolates."""


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
    fname = rel(path)
    if not data_dir.is_dir():
        return [Problem(rel(data_dir), None, None, "data folder does not exist (or is not a folder)")]
    refused = refuse_special(path) or inside(data_dir, path.name)
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
                escape = inside(data_dir, rpath)
                if escape:
                    say(f"{where}: path {rpath[:200]!r} {escape}")
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


def resource(desc: dict, name: str) -> dict:
    for res in desc["resources"]:
        if res["name"] == name:
            return res
    raise KeyError(f"datapackage.json has no resource {name!r}")


def _not_nfc(s: pa.Array) -> pa.Array:
    """True where a text is not Unicode NFC; only distinct non-ASCII texts are normalised."""
    odd = pc.invert(pc.string_is_ascii(s))
    if not pc.any(odd).as_py():
        return odd
    distinct = pc.unique(pc.filter(s, odd)).to_pylist()
    bad = [t for t in distinct if t is not None and not unicodedata.is_normalized("NFC", t)]
    return pc.is_in(s, value_set=pa.array(bad, type=s.type))


def check_fields(
    raw: pd.DataFrame, fields: list[dict], fname: str, table: str, text: str
) -> tuple[pd.DataFrame, list[Problem]]:
    """Each field of ``raw`` (cells as text, data rows numbered from 1) typed and checked
    against its declaration in the descriptor: the text rules every cell obeys (NFC, no
    surrounding spaces, no control character, ASCII where povlib needs it, see
    :data:`ASCII_COLUMNS`), its type (``Int64`` for integers, ``Float64`` for numbers, dates
    and strings kept as text) and its constraints.  ``text`` is the file's whole text, which
    says at once whether any cell can break the NFC or control-character rules."""
    problems: list[Problem] = []
    # A text that is NFC as a whole has no field that is not (fields are cut at commas,
    # quotes and line ends, which compose with nothing); only then is no column checked.
    all_nfc = unicodedata.is_normalized("NFC", text)
    # A control character or a text-direction override would act on the terminal or page
    # that later shows the value, or disguise it; only then is each column looked at.
    has_control = _CONTROL.search(text) is not None
    ascii_cols = set(ASCII_COLUMNS.get(table, ()))
    out: dict[str, pd.Series] = {}  # one frame at the end: inserting column by column costs more
    for f in fields:
        col, typ, cons = f["name"], f["type"], f.get("constraints", {})
        cell = _Cells(raw[col], fname, col, problems)
        cell.text_rules(all_nfc, has_control)
        if cons.get("required"):
            cell.bad(cell.empty, "a value is required")
        if col in ascii_cols or typ != "string":
            # Full-width and Arabic-Indic digits look like codes, years and numbers.
            cell.bad(
                ~cell.ascii,
                lambda v: f"{_quote(v)} holds characters other than ASCII (digits must be 0-9)",
            )
        num = None
        if typ == "string":
            out[col] = raw[col]
        else:
            typed, num = _typed(cell, typ)
            out[col] = cell.per_row(typed)
        _constraints(cell, typ, cons, num)
    return pd.DataFrame(out, index=raw.index), problems


def _few_distinct(rows: pd.Series, sample: int = 2_000) -> bool:
    """Whether a column of many rows holds few distinct texts, judged on its first rows."""
    return len(rows) > 2 * sample and rows.iloc[:sample].nunique() * 4 < sample


def _true(mask) -> np.ndarray:
    """A mask (Arrow or NumPy) as NumPy booleans, a missing value counting as false."""
    if isinstance(mask, pa.Array | pa.ChunkedArray):
        return pc.fill_null(mask, False).to_numpy(zero_copy_only=False)
    return np.asarray(mask, dtype=bool)


class _Cells:
    """One column of text cells, where their problems go, and each distinct text once, as
    Arrow strings (``s``, with ``stripped``, and ``empty`` and ``ascii`` as NumPy masks):
    every rule but uniqueness is a rule of the text alone, so it is run on the distinct texts
    and spread back to the rows, which a column of a few codes over a million rows makes a
    few hundred times cheaper. Arrow's kernels, not pandas', run the rules: on a table of a
    thousand rows pandas spent most of the check on each operation's own overhead, and they
    are the kernels pandas' string methods call."""

    def __init__(self, rows: pd.Series, fname: str, column: str, problems: list[Problem]):
        self.rows, self.fname, self.column, self.problems = rows, fname, column, problems
        if _few_distinct(rows):
            self.codes, distinct = pd.factorize(rows)
            self.s = _strings(distinct.array)
        else:  # ids, figures, notes: as many texts as rows, and factorising would cost more
            self.codes, self.s = np.arange(len(rows)), _strings(rows.array)
        self.stripped = pc.utf8_trim_whitespace(self.s)
        self.empty = _true(pc.equal(self.stripped, ""))

    @cached_property
    def ascii(self) -> np.ndarray:
        return _true(pc.string_is_ascii(self.s))

    def series(self, where: np.ndarray | None = None) -> pd.Series:
        """The distinct texts as a pandas column (missing where ``where`` is false)."""
        s = self.s if where is None else pc.if_else(pa.array(where), self.s, None)
        return pd.Series(s, dtype="str")

    def per_row(self, values: pd.Series) -> pd.Series:
        """Values of the distinct texts, spread back to the rows (same dtype)."""
        return pd.Series(values.array.take(self.codes), index=self.rows.index)

    def bad(self, mask, message) -> None:
        """``mask`` over the distinct texts (Arrow or NumPy); ``message``: a text, or a
        function of the offending value (called on the listed rows only, at most
        :data:`povlib.problems.CAP`)."""
        hit = _true(mask)
        if hit.any():
            self.bad_rows(pd.Series(hit[self.codes], index=self.rows.index), message)

    def bad_rows(self, mask: pd.Series, message) -> None:
        """As :meth:`bad`, with ``mask`` over the rows."""
        if callable(message):
            value_message = message
            message = lambda hit: self.rows[hit].map(value_message)  # noqa: E731
        self.problems.extend(rows_where(mask, self.fname, self.column, message))

    def duplicated(self) -> pd.Series:
        """Rows whose text, spaces stripped, an earlier row already holds (empty ones aside)."""
        stripped = pc.fill_null(pc.dictionary_encode(self.stripped).indices, -1).to_numpy()[self.codes]
        dup = pd.Series(stripped).duplicated(keep="first").to_numpy()
        return pd.Series(dup & ~self.empty[self.codes], index=self.rows.index)

    def text_rules(self, all_nfc: bool, has_control: bool) -> None:
        """Rules of every cell, whatever its type: NFC, no spaces around, no control character."""
        s = self.s
        if not all_nfc:
            self.bad(_not_nfc(s), lambda v: f"text {_quote(v)} is not Unicode NFC")
        self.bad(
            ~self.empty & _true(pc.not_equal(s, self.stripped)),
            lambda v: f"{_quote(v)} has spaces at its start or end",
        )
        if has_control:
            self.bad(
                pc.match_substring_regex(s, _CONTROL.pattern),
                lambda v: f"{_quote(v)} holds a control character or a text-direction override",
            )


def _strings(values) -> pa.Array:
    """pandas' text column as the Arrow string array it holds (one chunk)."""
    arr = pa.array(values)
    return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr


def _typed(cell: _Cells, typ: str) -> tuple[pd.Series, np.ndarray | None]:
    """The distinct texts of an integer, number or date field in its type, and their numbers
    (None for a date). A string field is its raw column, and is not typed here; no other type
    gets past :func:`check_descriptor` (:data:`FIELD_TYPES`)."""
    if typ in ("integer", "number"):
        return _number(cell, typ)
    iso = ~cell.empty & _true(pc.match_substring_regex(cell.s, "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))
    dates = pd.to_datetime(cell.series(iso), format="%Y-%m-%d", errors="coerce").notna().to_numpy()
    cell.bad(~cell.empty & ~dates, lambda v: f"{_quote(v)} is not an ISO date (YYYY-MM-DD)")
    return cell.series(~cell.empty & dates), None


def _number(cell: _Cells, typ: str) -> tuple[pd.Series, np.ndarray]:
    """An integer or number field: finite, and whole and at most :data:`MAX_INTEGER` for an
    integer; returns the typed column and its values as floats (NaN where empty or bad)."""
    empty, ascii_ = cell.empty, cell.ascii
    ok = ~empty & ascii_ & _true(pc.less_equal(pc.utf8_length(cell.s), 64))
    num = pd.to_numeric(cell.series(ok), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    cell.bad(~empty & ascii_ & np.isnan(num), lambda v: f"{_quote(v)} is not a number")
    cell.bad(np.isinf(num), lambda v: f"{_quote(v)} is not a finite number")
    num = np.where(np.isinf(num), np.nan, num)
    if typ == "number":
        return pd.Series(num, dtype="Float64"), num
    with np.errstate(invalid="ignore"):
        cell.bad(np.abs(num) > MAX_INTEGER, lambda v: f"{_quote(v)} is too large for a whole number here")
        num = np.where(np.abs(num) <= MAX_INTEGER, num, np.nan)
        cell.bad(~np.isnan(num) & (num % 1 != 0), lambda v: f"{_quote(v)} is not a whole number")
    return pd.Series(num.round(), dtype="Int64"), num


def _constraints(cell: _Cells, typ: str, cons: dict, num: np.ndarray | None) -> None:
    """The field's constraints but ``required``: minimum, maximum, enum, pattern, lengths, unique."""
    s, filled = cell.s, ~cell.empty
    with np.errstate(invalid="ignore"):  # NaN compares false: an empty or bad cell is not below
        if num is not None and "minimum" in cons:
            cell.bad(num < cons["minimum"], lambda v, m=cons["minimum"]: f"{_quote(v)} is below {m}")
        if num is not None and "maximum" in cons:
            cell.bad(num > cons["maximum"], lambda v, m=cons["maximum"]: f"{_quote(v)} is above {m}")
    if "enum" in cons:
        allowed = cons["enum"]
        inside_ = _true(pc.is_in(s, value_set=pa.array(allowed, type=s.type)))
        cell.bad(~inside_ & filled, lambda v, a=allowed: f"{_quote(v)} is not one of {a}")
    if "pattern" in cons:
        cell.bad(
            filled & ~_matches(s, cons["pattern"]),
            lambda v, p=cons["pattern"]: f"{_quote(v)} does not match the pattern {p!r}",
        )
    limits = [(k, test) for k, test in (("minLength", np.less), ("maxLength", np.greater)) if k in cons]
    if limits and typ == "string":
        lengths = pc.utf8_length(s).to_numpy(zero_copy_only=False)  # once for both limits
        for key, test in limits:
            cell.bad(
                filled & test(lengths, cons[key]),
                lambda v, k=key, m=cons[key]: f"{_quote(v)} breaks {k} {m}",
            )
    if cons.get("unique"):
        cell.bad_rows(cell.duplicated(), lambda v: f"duplicated id {_quote(v)}")


def fullmatch(s: pd.Series, pattern: str) -> pd.Series:
    """Where each text matches a descriptor ``pattern`` as a whole, with ASCII classes
    (``\\d`` is 0-9).  Arrow's RE2 runs it over the whole column at once; a pattern RE2 does
    not take (a look-ahead, a back-reference) or one naming white space (whose class RE2
    and Python draw differently: the vertical tab) is run by Python's ``re``, value by value."""
    return pd.Series(_matches(_strings(s.array), pattern), index=s.index, dtype=bool)


def _matches(s: pa.Array, pattern: str) -> np.ndarray:
    """:func:`fullmatch` over Arrow strings, as NumPy booleans."""
    if not re.search(r"\\[sS]", pattern):
        try:
            return _true(pc.match_substring_regex(s, f"^(?:{pattern})$"))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass
    texts = pd.Series(s, dtype="str")
    return texts.str.fullmatch(pattern, flags=re.ASCII).fillna(False).astype(bool).to_numpy()


def _names(fields) -> list[str]:
    """A key's fields: one name or a list of names."""
    return [fields] if isinstance(fields, str) else list(fields)


def key_problems(frames: dict[str, pd.DataFrame], name: str, resources: dict, fname: str) -> list[Problem]:
    """Resource ``name``'s primary key (every field present, the fields together unique)
    and foreign keys (every non-empty value found in the referenced resource), as joins;
    ``frames`` holds the resources' key columns as text, data rows numbered from 1."""
    schema = resources[name]["schema"]
    problems = _primary_key(frames[name], _names(schema.get("primaryKey") or []), fname)
    for fk in schema.get("foreignKeys", []):
        problems += _foreign_key(frames, name, resources, fk, fname)
    return problems


def _primary_key(frame: pd.DataFrame, pk: list[str], fname: str) -> list[Problem]:
    if not pk:
        return []
    keys, names = frame[pk], ", ".join(pk)
    problems: list[Problem] = []
    for col in pk:
        problems += rows_where(keys[col] == "", fname, col, "a primary key value is missing")
    dup = keys.duplicated(keep="first") & (keys != "").all(axis=1)
    return problems + rows_where(
        dup,
        fname,
        None,
        lambda hit: keys.loc[hit].apply(
            lambda r: f"primary key ({names}) = ({', '.join(map(_quote, r))}) is duplicated", axis=1
        ),
    )


def _foreign_key(
    frames: dict[str, pd.DataFrame], name: str, resources: dict, fk: dict, fname: str
) -> list[Problem]:
    cols, ref = _names(fk["fields"]), fk["reference"]
    target = ref.get("resource") or name
    rcols = _names(ref["fields"])
    if target not in frames:
        if target not in resources:
            return [Problem(fname, None, cols[0], f"foreign key names no resource {target!r}")]
        return []
    here = frames[name][cols]
    there = frames[target][rcols].drop_duplicates()
    there.columns = cols
    found = here.merge(there, how="left", on=cols, indicator=True)["_merge"].eq("both")
    found.index = here.index
    missing = ~found & (here != "").any(axis=1)
    where = f"{target}.{','.join(rcols)}"
    return rows_where(
        missing,
        fname,
        cols[0] if len(cols) == 1 else None,
        lambda hit: here.loc[hit].apply(
            lambda r: f"{', '.join(map(_quote, r))} is not a value of {where} (foreign key)", axis=1
        ),
    )

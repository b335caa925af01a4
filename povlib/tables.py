"""Load the four tables of ``data/`` into typed DataFrames, validating as they come.

The Data Package descriptor ``data/datapackage.json`` is the contract: column
names, types and constraints come from it.  On top of it, observations are
re-parsed from ``raw`` and looked up in their source paragraph.  Every problem
is collected with its file, row and column, and all of them are raised together
in one :class:`DataError`; nothing is dropped.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import paths
from .numbers import MONEY_SCALES, MONEY_UNIT, FigureError, parse_in_unit, parse_many, unit_kind

TABLES = ("sources", "geography", "indicators", "standards", "observations")
PERCENT_BOUNDED_KINDS = ("share", "target")


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a data file. ``row`` is the 1-based data row (the header is line 1)."""

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row} (line {self.row + 1})"
        if self.column is not None:
            where += f", column '{self.column}'"
        return f"{where}: {self.message}"


class DataError(ValueError):
    """Raised with every :class:`Problem` found, one per line."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the data:\n" + "\n".join(f"  {p}" for p in problems))


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


def check_descriptor(data_dir: Path | str = paths.DATA) -> list[Problem]:
    """Problems with ``datapackage.json`` itself: unreadable, or keys and types the reader
    does not understand (which it would otherwise silently ignore)."""
    path = Path(data_dir) / "datapackage.json"
    fname = _rel(path)
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
    problems = []

    def unknown(obj, level: str, where: str) -> None:
        if not isinstance(obj, dict):
            problems.append(Problem(fname, None, None, f"{where} must be an object"))
            return
        for key in sorted(set(obj) - KNOWN_KEYS[level]):
            problems.append(
                Problem(fname, None, None, f"{where}: key {key!r} is not understood by povlib's reader")
            )

    unknown(desc, "package", "the package")
    resources = desc.get("resources") if isinstance(desc, dict) else None
    if not isinstance(resources, list):
        return problems + [Problem(fname, None, None, "'resources' must be a list")]
    names = [r.get("name") for r in resources if isinstance(r, dict)]
    for name in TABLES:
        if name not in names:
            problems.append(Problem(fname, None, None, f"resource {name!r} is missing"))
    for res in resources:
        unknown(res, "resource", f"resource {res.get('name') if isinstance(res, dict) else res!r}")
        if not isinstance(res, dict) or not isinstance(res.get("schema"), dict):
            continue
        unknown(res["schema"], "schema", f"schema of {res.get('name')!r}")
        for fld in res["schema"].get("fields", []):
            where = f"field {fld.get('name') if isinstance(fld, dict) else fld!r} of {res.get('name')!r}"
            unknown(fld, "field", where)
            if isinstance(fld, dict):
                if fld.get("type") not in FIELD_TYPES:
                    problems.append(
                        Problem(
                            fname,
                            None,
                            None,
                            f"{where}: type {fld.get('type')!r} is not one of {sorted(FIELD_TYPES)}",
                        )
                    )
                unknown(fld.get("constraints", {}), "constraints", f"constraints of {where}")
    return problems


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
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [Problem(fname, None, None, f"cannot be read: {exc.strerror or exc}")]
    if not data.strip():
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
    return text.removeprefix("\ufeff"), []


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
    return pd.DataFrame({h: table.column(h).to_pandas().astype("str") for h in header})


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
        header = next(reader)
        records: list[list[str]] = []
        for row in reader:
            n = len(records) + 1
            if len(row) != len(header):
                if row:
                    problems.append(
                        Problem(fname, n, None, f"{len(row)} fields where the header has {len(header)}")
                    )
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
    fname = _rel(path)
    if not path.exists():
        return pd.DataFrame(), [Problem(fname, None, None, "file is missing")]
    fields = res["schema"]["fields"]
    names = [f["name"] for f in fields]
    text, problems = _decode(path, fname)
    if text is None:
        return pd.DataFrame(), problems
    raw, problems = _rows(text, fname, names)
    if any(p.row is None for p in problems) or not set(names) <= set(raw.columns):
        return raw, problems
    rows = pd.RangeIndex(1, len(raw) + 1)
    raw.index = rows

    def bad(mask: pd.Series, column: str, message) -> None:
        """``message``: a text, or a function of the offending value."""
        if callable(message):
            value_message = message
            hit = mask.fillna(False).astype(bool)
            message = lambda: raw.loc[hit, column].map(value_message)  # noqa: E731
        problems.extend(_rows_where(mask, fname, column, message))

    # A text that is NFC as a whole has no field that is not (fields are cut at commas,
    # quotes and line ends, which compose with nothing); only then is no column checked.
    all_nfc = unicodedata.is_normalized("NFC", text)
    out = pd.DataFrame(index=rows)
    for f in fields:
        col, cons = f["name"], f.get("constraints", {})
        s = raw[col]
        stripped = s.str.strip()
        empty = stripped == ""
        if not all_nfc:
            bad(_not_nfc(s), col, lambda v: f"text {v!r} is not Unicode NFC")
        bad(~empty & (s != stripped), col, lambda v: f"{v!r} has spaces at its start or end")
        if cons.get("required"):
            bad(empty, col, "a value is required")
        if f["type"] in ("integer", "number"):
            num = pd.to_numeric(s.where(~empty), errors="coerce")
            bad(~empty & num.isna(), col, lambda v: f"{v!r} is not a number")
            bad(
                ~empty & num.notna() & ~np.isfinite(num.astype(float)),
                col,
                lambda v: f"{v!r} is not a finite number",
            )
            num = num.where(np.isfinite(num.astype(float)))
            if f["type"] == "integer":
                bad(~empty & num.notna() & (num % 1 != 0), col, lambda v: f"{v!r} is not a whole number")
                out[col] = num.round().astype("Int64")
            else:
                out[col] = num.astype("Float64")
            if "minimum" in cons:
                bad(num < cons["minimum"], col, lambda v, m=cons["minimum"]: f"{v} is below {m}")
            if "maximum" in cons:
                bad(num > cons["maximum"], col, lambda v, m=cons["maximum"]: f"{v} is above {m}")
        elif f["type"] == "date":
            dates = pd.to_datetime(s.where(~empty), format="%Y-%m-%d", errors="coerce")
            bad(~empty & dates.isna(), col, lambda v: f"{v!r} is not an ISO date (YYYY-MM-DD)")
            out[col] = s.where(~empty & dates.notna())
        else:
            out[col] = s
        if "enum" in cons:
            allowed = cons["enum"]
            bad(
                ~(empty & ("" not in allowed)) & ~s.isin(allowed) & ~empty,
                col,
                lambda v, a=allowed: f"{v!r} is not one of {a}",
            )
        if "pattern" in cons:
            bad(
                ~empty & ~s.str.fullmatch(cons["pattern"]),
                col,
                lambda v, p=cons["pattern"]: f"{v!r} does not match the pattern {p!r}",
            )
        for key, test in (("minLength", lambda n, m: n < m), ("maxLength", lambda n, m: n > m)):
            if key in cons and f["type"] == "string":
                bad(
                    ~empty & test(s.str.len(), cons[key]),
                    col,
                    lambda v, k=key, m=cons[key]: f"{v!r} breaks {k} {m}",
                )
        if cons.get("unique"):
            bad(~empty & stripped.duplicated(keep="first"), col, lambda v: f"duplicated id {v!r}")
    return out, problems


def _foreign(
    frame: pd.DataFrame, column: str, allowed, fname: str, what: str, allow_empty: bool = False
) -> list[Problem]:
    s = frame[column]
    mask = ~s.isin(set(allowed))
    if allow_empty:
        mask &= s != ""
    return [Problem(fname, int(r), column, f"unknown {what} {s[r]!r}") for r in s[mask].index]


def _rows_where(mask: pd.Series, fname: str, column: str, message) -> list[Problem]:
    """One problem per row where ``mask`` holds; ``message`` is a Series of texts, a text,
    or a function returning either (called only if some row is hit, as building a Series
    of messages for every row costs more than the check)."""
    mask = mask.fillna(False).astype(bool)
    if not mask.any():
        return []
    hit = mask[mask].index
    if callable(message):
        message = message()
    if isinstance(message, pd.Series):
        return [Problem(fname, int(r), column, message[r]) for r in hit]
    return [Problem(fname, int(r), column, message) for r in hit]


def source_paragraphs(sources: pd.DataFrame, sources_dir: Path) -> dict[str, list[str]]:
    """Paragraphs (non-empty lines, in order) of each source file that exists, by source_id."""
    out = {}
    for sid, fname in zip(sources["source_id"], sources["file"], strict=True):
        p = sources_dir / fname
        if fname and p.is_file():
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


def check_indicators(ind: pd.DataFrame, fname: str) -> list[Problem]:
    """Relations between indicators name known codes of the right kind."""
    problems = []
    codes = set(ind["code"])
    for col in ("level_of", "numerator", "denominator", "part_of"):
        problems += _foreign(ind, col, codes, fname, "indicator code", allow_empty=True)
    parts = ind["parts"].str.split(";").explode()
    parts = parts[parts.fillna("") != ""]
    problems += [
        Problem(fname, int(r), "parts", f"unknown indicator code {v!r}")
        for r, v in parts[~parts.isin(codes)].items()
    ]
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
    to = pd.to_datetime(geo["valid_to"], errors="coerce")
    frm = pd.to_datetime(geo["valid_from"], errors="coerce")
    problems += _rows_where(to < frm, fname, "valid_to", "ends before it begins")
    problems += _rows_where(
        (geo["successor"] != "") & geo["valid_to"].isna(),
        fname,
        "valid_to",
        "a place with a successor needs the date it ended",
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
    if sources_dir is not None:
        for row, f, digest in src.loc[has_file, ["file", "sha256"]].itertuples():
            path = sources_dir / f
            if not path.is_file():
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
    return problems


def load_dataset(
    data_dir: Path | str = paths.DATA, sources_dir: Path | str | None = None, *, strict: bool = True
) -> Dataset:
    """Load and validate ``sources``, ``geography``, ``indicators`` and ``observations``.

    Raw figures are looked up in the source texts (and the texts' sha256
    verified) when ``sources_dir`` (default :func:`povlib.paths.sources_dir`)
    exists; otherwise ``sources_checked`` is False and a warning says so.  With
    ``strict`` (the default) any problem raises :class:`DataError`; otherwise
    the problems are returned in ``warnings``.
    """
    data_dir = Path(data_dir)
    sdir = Path(sources_dir) if sources_dir is not None else paths.sources_dir()
    frames, problems = {}, []
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
    have_sources = sdir.is_dir()
    problems += check_indicators(ds.indicators, _rel(data_dir / "indicators.csv"))
    problems += check_geography(ds.geography, _rel(data_dir / "geography.csv"))
    problems += check_sources(ds.sources, _rel(data_dir / "sources.csv"), sdir if have_sources else None)
    problems += check_standards(ds.standards, ds.sources, _rel(data_dir / "standards.csv"))
    paragraphs = None
    if have_sources:
        paragraphs = source_paragraphs(ds.sources, sdir)
        ds.sources_checked = True
    else:
        ds.warnings.append(f"source texts not found at {sdir}: raw figures were not looked up")
    problems += check_observations(ds.observations, ds, _rel(data_dir / "observations.csv"), paragraphs)
    if problems and strict:
        raise DataError(problems)
    ds.warnings += [str(p) for p in problems]
    for name in TABLES:
        setattr(ds, name, getattr(ds, name).reset_index(drop=True))
    return ds


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

"""Load the four tables of ``data/`` into typed DataFrames, validating as they come.

The Data Package descriptor ``data/datapackage.json`` is the contract: column
names, types and constraints come from it.  On top of it, observations are
re-parsed from ``raw`` and looked up in their source paragraph.  Every problem
is collected with its file, row and column, and all of them are raised together
in one :class:`DataError`; nothing is dropped.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import paths
from .numbers import FigureError, parse_in_unit, unit_kind

TABLES = ("sources", "geography", "indicators", "observations")
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
        super().__init__(f"{len(problems)} problem(s) in the data:\n"
                         + "\n".join(f"  {p}" for p in problems))


@dataclass
class Dataset:
    """The four tables, typed and validated; ``sources_checked`` says whether raw figures
    were looked up in the source texts (they are skipped when the folder is absent)."""

    sources: pd.DataFrame
    geography: pd.DataFrame
    indicators: pd.DataFrame
    observations: pd.DataFrame
    sources_checked: bool = False
    warnings: list[str] = field(default_factory=list)


def descriptor(data_dir: Path | str = paths.DATA) -> dict:
    """The Data Package descriptor of a data folder."""
    return json.loads((Path(data_dir) / "datapackage.json").read_text(encoding="utf-8"))


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
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[], encoding="utf-8")
    fields = res["schema"]["fields"]
    names = [f["name"] for f in fields]
    problems: list[Problem] = []
    missing = [n for n in names if n not in raw.columns]
    extra = [c for c in raw.columns if c not in names]
    for n in missing:
        problems.append(Problem(fname, None, n, "column is missing"))
    for c in extra:
        problems.append(Problem(fname, None, c, "column is not in datapackage.json"))
    if missing:
        return raw, problems
    rows = pd.RangeIndex(1, len(raw) + 1)
    raw.index = rows

    def bad(mask: pd.Series, column: str, message) -> None:
        for row in mask[mask].index:
            msg = message(raw.at[row, column]) if callable(message) else message
            problems.append(Problem(fname, int(row), column, msg))

    out = pd.DataFrame(index=rows)
    for f in fields:
        col, cons = f["name"], f.get("constraints", {})
        s = raw[col]
        empty = s.str.strip() == ""
        bad(~s.map(lambda v: unicodedata.is_normalized("NFC", v)), col,
            lambda v: f"text {v!r} is not Unicode NFC")
        if cons.get("required"):
            bad(empty, col, "a value is required")
        if f["type"] in ("integer", "number"):
            num = pd.to_numeric(s.where(~empty), errors="coerce")
            bad(~empty & num.isna(), col, lambda v: f"{v!r} is not a number")
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
            out[col] = s.where(~empty)
        else:
            out[col] = s
        if "enum" in cons:
            allowed = cons["enum"]
            bad(~empty & ~s.isin(allowed), col, lambda v, a=allowed: f"{v!r} is not one of {a}")
        if "pattern" in cons:
            pat = re.compile(cons["pattern"])
            bad(~empty & ~s.map(lambda v, p=pat: bool(p.fullmatch(v))), col,
                lambda v, p=cons["pattern"]: f"{v!r} does not match the pattern {p!r}")
        if cons.get("unique"):
            bad(~empty & s.duplicated(keep="first"), col, lambda v: f"duplicated id {v!r}")
    return out, problems


def _foreign(frame: pd.DataFrame, column: str, allowed: pd.Series, fname: str, what: str,
             allow_empty: bool = False) -> list[Problem]:
    s = frame[column]
    mask = ~s.isin(set(allowed))
    if allow_empty:
        mask &= s != ""
    return [Problem(fname, int(r), column, f"unknown {what} {s[r]!r}") for r in s[mask].index]


def source_paragraphs(sources: pd.DataFrame, sources_dir: Path) -> dict[str, list[str]]:
    """Paragraphs (non-empty lines, in order) of each source file that exists, by source_id."""
    out = {}
    for sid, fname in zip(sources["source_id"], sources["file"], strict=True):
        p = sources_dir / fname
        if p.exists():
            text = unicodedata.normalize("NFC", p.read_text(encoding="utf-8"))
            out[sid] = [line for line in text.splitlines() if line.strip()]
    return out


def _expected_value(raw: str, unit: str, qualifier: str) -> tuple[float, str, str]:
    """The value ``raw`` stands for in ``unit``; also the parsed unit and qualifier."""
    fig = parse_in_unit(raw, unit)
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


def check_observations(obs: pd.DataFrame, ds: Dataset, fname: str,
                       paragraphs: dict[str, list[str]] | None) -> list[Problem]:
    """Checks that need more than one table: codes, units, parse of raw, bounds, lookup."""
    problems = []
    problems += _foreign(obs, "source_id", ds.sources["source_id"], fname, "source")
    problems += _foreign(obs, "geo", ds.geography["geo_id"], fname, "place")
    problems += _foreign(obs, "indicator", ds.indicators["code"], fname, "indicator code")
    ind = ds.indicators.set_index("code")
    geo_prov = ds.geography.set_index("geo_id")["province"]
    for row, r in obs.iterrows():
        def add(column, message, row=row):
            problems.append(Problem(fname, int(row), column, message))
        if r["indicator"] in ind.index:
            meta = ind.loc[r["indicator"]]
            if r["unit"] != meta["unit"]:
                add("unit", f"{r['unit']!r} is not the unit of {r['indicator']} ({meta['unit']!r})")
            if (meta["kind"] in PERCENT_BOUNDED_KINDS and meta["unit"] == "%"
                    and pd.notna(r["value"]) and not 0 <= r["value"] <= 100):
                add("value", f"percentage {r['value']} is outside 0 to 100")
        if r["geo"] in geo_prov.index and geo_prov[r["geo"]] != r["province"]:
            add("province", f"{r['province']!r} is not the province of {r['geo']!r}"
                f" ({geo_prov[r['geo']]!r})")
        try:
            expected, parsed_unit, parsed_q = _expected_value(r["raw"], r["unit"], r["qualifier"])
        except FigureError as exc:
            add("raw", str(exc))
        else:
            if pd.isna(r["value"]) or abs(expected - r["value"]) > 1e-9 * max(1.0, abs(expected)):
                add("value", f"{r['value']} does not equal the parse of raw {r['raw']!r} ({expected})")
            if not _compatible(parsed_unit, r["unit"]):
                add("unit", f"{r['unit']!r} does not fit the unit of raw {r['raw']!r}"
                    f" ({parsed_unit or 'a bare number'})")
            if parsed_q != "exact" and parsed_q != r["qualifier"]:
                add("qualifier", f"raw {r['raw']!r} says {parsed_q!r}, not {r['qualifier']!r}")
            if (parsed_q == "exact" and r["qualifier"] not in ("exact", "range low", "range high")
                    and not r["note"].strip()):
                add("qualifier", f"{r['qualifier']!r} is not in raw {r['raw']!r}; say why in note")
        if paragraphs is not None and r["source_id"] in paragraphs and pd.notna(r["paragraph"]):
            paras = paragraphs[r["source_id"]]
            n = int(r["paragraph"])
            if n > len(paras):
                add("paragraph", f"paragraph {n} is out of range: the source has {len(paras)}")
            elif r["raw"] not in paras[n - 1]:
                add("raw", f"{r['raw']!r} does not stand in paragraph {n} of {r['source_id']}")
    return problems


def load_dataset(data_dir: Path | str = paths.DATA, sources_dir: Path | str | None = None,
                 *, strict: bool = True) -> Dataset:
    """Load and validate ``sources``, ``geography``, ``indicators`` and ``observations``.

    Raw figures are looked up in the source texts when ``sources_dir`` (default
    :func:`povlib.paths.sources_dir`) exists; otherwise ``sources_checked`` is
    False and a warning says so.  With ``strict`` (the default) any problem raises
    :class:`DataError`; otherwise the problems are returned in ``warnings``.
    """
    data_dir = Path(data_dir)
    sdir = Path(sources_dir) if sources_dir is not None else paths.sources_dir()
    frames, problems = {}, []
    for name in TABLES:
        frames[name], probs = read_table(name, data_dir)
        problems += probs
    ds = Dataset(**frames)
    if any(p.column is not None and p.row is None for p in problems):
        raise DataError(problems)  # columns missing: the cross-table checks cannot run
    gname = _rel(data_dir / "geography.csv")
    problems += _foreign(ds.geography, "parent", ds.geography["geo_id"], gname, "parent place",
                         allow_empty=True)
    problems += _foreign(ds.geography, "province", ds.geography["geo_id"], gname, "province")
    paragraphs = None
    if sdir.is_dir():
        paragraphs = source_paragraphs(ds.sources, sdir)
        ds.sources_checked = True
        sname = _rel(data_dir / "sources.csv")
        for row, f in ds.sources["file"].items():
            if not (sdir / f).exists():
                problems.append(Problem(sname, int(row), "file", f"{f!r} is not in {sdir}"))
    else:
        ds.warnings.append(f"source texts not found at {sdir}: raw figures were not looked up")
    problems += check_observations(ds.observations, ds, _rel(data_dir / "observations.csv"),
                                   paragraphs)
    if problems and strict:
        raise DataError(problems)
    ds.warnings += [str(p) for p in problems]
    for name in TABLES:
        setattr(ds, name, getattr(ds, name).reset_index(drop=True))
    return ds


def with_bounds(obs: pd.DataFrame) -> pd.DataFrame:
    """Observations plus ``decimals``, ``step``, ``low`` and ``high`` from the printed figure.

    ``low``/``high`` is the interval the printed figure vouches for, in the
    observation's unit (see :func:`povlib.indicators.bounds`).
    """
    from .indicators import bounds

    def precision(raw: str, unit: str) -> tuple[int, float]:
        fig = parse_in_unit(raw, unit)
        return fig.decimals, fig.step

    keys = obs[["raw", "unit"]].drop_duplicates()
    prec = pd.DataFrame([precision(r, u) for r, u in zip(keys["raw"], keys["unit"], strict=True)],
                        columns=["decimals", "step"], index=keys.index)
    out = obs.merge(pd.concat([keys, prec], axis=1), on=["raw", "unit"], how="left",
                    validate="many_to_one")
    whole = out["unit"].map(unit_kind).eq("count").to_numpy()
    low, high = bounds(out["value"].to_numpy(dtype=float), out["qualifier"].to_numpy(),
                       out["decimals"].to_numpy(), out["step"].to_numpy(), whole)
    return out.assign(low=low, high=high)

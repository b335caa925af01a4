"""Command line: ``povlib check``, ``audit``, ``export``, ``extract``, ``build``, ``site``.

``python -m povlib`` works the same way.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from . import paths


def _check(args) -> int:
    from .reading.tables import DataError, count, load_dataset, report

    try:
        ds = load_dataset(args.data, args.sources, strict=False)
    except DataError as exc:  # the files cannot even be read: every reason, one per line
        print(exc, file=sys.stderr)
        return 1
    for w in ds.warnings:
        print(w, file=sys.stderr)
    n = count(ds.problems)
    if not n:
        extra = _frictionless(args.data)
        for line in report(extra):
            print(line, file=sys.stderr)
        n = count(extra)
    if n:
        print(f"{n:,} problem(s) in {args.data}", file=sys.stderr)
        return 1
    looked = "looked up in the sources" if ds.sources_checked else "NOT looked up (no sources)"
    print(
        f"ok: {len(ds.observations)} observations from {len(ds.sources)} sources, "
        f"{len(ds.geography)} places, {len(ds.indicators)} indicators; raw figures {looked}"
    )
    return 0


def _frictionless(data: Path) -> list:
    """Every constraint of the descriptor a second time: vectorised at any size, and by
    Frictionless row by row on a small folder (see :func:`povlib.tables.second_opinion`)."""
    from .reading.tables import second_opinion

    return second_opinion(Path(data))


def _writable(out: Path, args) -> Path:
    """``out`` if a report may be written there, else :class:`OutputError`: never into a
    data folder or over one of its inputs, never onto a folder, a device or a pipe, and
    only into a folder that exists."""
    target = out.resolve()
    data = Path(args.data).resolve()
    if target == data or data in target.parents or paths.DATA.resolve() in target.parents:
        raise OutputError(f"will not write {out}: it is inside the data folder; write the report elsewhere")
    sources = (
        Path(args.sources).resolve() if getattr(args, "sources", None) else paths.sources_dir().resolve()
    )
    if sources in target.parents:
        raise OutputError(f"will not write {out}: it is inside the folder of source texts")
    if target.is_dir():
        raise OutputError(f"output {out} is a folder: give a file name, such as {out / 'audit.csv'}")
    if not target.parent.is_dir():
        raise OutputError(f"output folder {out.parent} does not exist")
    if target.exists() and not target.is_file():
        raise OutputError(f"output {out} is not a regular file (a device or pipe): refused")
    return target


class OutputError(RuntimeError):
    """An output that must not, or cannot, be written."""


def _write_text(out: Path, text: str) -> None:
    """Write through a temporary file beside ``out``, so that a full disk leaves no half file."""
    import os
    import tempfile

    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}-", dir=out.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, out)
    except OSError as exc:
        raise OutputError(f"cannot write {out}: {exc.strerror or exc}") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


SPREADSHEET_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula (OWASP CSV injection)."""


def neutralise(frame):
    """Text cells of ``frame`` that a spreadsheet would run as a formula, prefixed with ``'``
    (the OWASP rule).  Only text columns: a number column stays numbers, so ``-3`` stays -3."""
    import pandas as pd

    out = frame.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
            continue
        text = s.astype("string")
        risky = text.str.startswith(SPREADSHEET_TRIGGERS).fillna(False).astype(bool)
        if risky.any():
            out[col] = s.where(~risky, "'" + text)
    return out


def _export(args) -> int:
    import json

    from .analysis.query import SERIES_COLUMNS, series
    from .reading.tables import load_dataset

    ds = load_dataset(args.data, args.sources)
    table = series(
        ds,
        args.indicator,
        places=args.place or None,
        years=args.year or None,
        standard=args.standard,
        role=args.role,
        derived=not args.printed_only,
    )
    from .analysis.panel import panel
    from .analysis.query import related_indicators, resolve_indicator

    pn = panel(ds)
    code = resolve_indicator(pn, args.indicator)
    related = related_indicators(pn, code)
    if related:  # a general name: the charts may draw a narrower indicator
        print(f"note: {code} is the general indicator; narrower ones: {', '.join(related)}", file=sys.stderr)
    cols = SERIES_COLUMNS
    table = table[cols]
    if args.format == "csv":
        table = neutralise(table)
    if args.format == "json":
        records = json.loads(table.to_json(orient="records", force_ascii=False, double_precision=10))
        sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=1) + "\n")
    else:
        sys.stdout.write(table.to_csv(index=False, float_format="%.10g", lineterminator="\n"))
    return 0


def _coverage(args) -> int:
    from .analysis.query import coverage, coverage_markdown
    from .reading.tables import load_dataset

    years = _years(args.years) if args.years is not None else None
    ds = load_dataset(args.data, args.sources)
    cov = coverage(ds, themes=args.theme, places=args.place, years=years)
    if args.format == "markdown":
        sys.stdout.write(coverage_markdown(ds, cov))
    else:
        sys.stdout.write(neutralise(cov.reset_index()).to_csv(index=False, lineterminator="\n"))
    return 0


def _years(text: str) -> tuple[int, int]:
    """``first-last`` as two years, first no later than last."""
    import re

    m = re.fullmatch(r"\s*([0-9]{4})\s*-\s*([0-9]{4})\s*", text)
    if not m:
        raise OutputError(f"--years {text!r} is not first-last, such as 2016-2025 (ASCII digits)")
    first, last = int(m.group(1)), int(m.group(2))
    if first > last:
        raise OutputError(f"--years {text!r} runs backwards: write the earlier year first ({last}-{first})")
    if last - first > 200:
        raise OutputError(f"--years {text!r} spans more than 200 years")
    return first, last


def _audit(args) -> int:
    import pandas as pd

    from .auditing.audit import audit
    from .reading.tables import load_dataset

    out = _writable(Path(args.output), args) if args.output else None
    table = audit(load_dataset(args.data, args.sources))
    if args.format == "csv":
        text = neutralise(table).to_csv(index=False, float_format="%.6g", lineterminator="\n")
    else:
        with pd.option_context("display.width", 200, "display.max_colwidth", 70, "display.max_rows", None):
            text = table.drop(columns=["obs_ids", "note"]).to_string(index=False) + "\n"
    if out is not None:
        _write_text(out, text)
    else:
        sys.stdout.write(text)
    return 0


def _extract(args) -> int:
    from .reading.extract import ExtractError, check_output, check_source_id, extract_file, write_output

    try:  # checked before the article is read, so a bad --out or id costs nothing
        check_source_id(args.source_id)
        if args.out:
            check_output(args.out, args.force)
            if args.out.resolve() == args.article.resolve():
                raise ExtractError(f"will not write {args.out}: it is the article being read")
            if args.out.exists() and not args.out.resolve().is_file():
                raise ExtractError(f"output {args.out} is not a regular file (a device or pipe): refused")
        rows, skipped = extract_file(args.article, source_id=args.source_id)
        text = rows.to_csv(index=False, lineterminator="\n")
        if args.out:
            write_output(args.out, text, args.force)
    except ExtractError as exc:
        print(f"povlib extract: {exc}", file=sys.stderr)
        return 1
    if args.out:
        print(f"{len(rows)} candidate rows written to {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    for s in skipped:
        print(f"skipped: paragraph {s['paragraph']}: {s['text']!r}: {s['reason']}", file=sys.stderr)
    return 0


def _build(args) -> int:
    import ast

    from .outputs.build import build

    params = {}
    for item in args.param or []:
        name, sep, value = item.partition("=")
        if not sep or not name.isidentifier():
            print(f"--param {item!r}: expected NAME=VALUE, e.g. PROVINCES='[\"backan\"]'", file=sys.stderr)
            return 2
        try:
            params[name] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            params[name] = value  # a bare word is a string: --param lang=vi
    if params and not args.out:
        print("--param needs --out: the committed notebooks keep their defaults", file=sys.stderr)
        return 2
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
    return build(args.notebooks, parameters=params, out_dir=args.out)


def _site(args) -> int:
    from .outputs.site import main as site

    return site(args.out)


def _drop_stdout() -> None:
    """Point standard output at the null device, so that what is still buffered for a
    full disk or a closed pipe is not written again, with a traceback, at exit."""
    import os

    try:
        fd = sys.stdout.fileno()
    except (OSError, ValueError):  # not a real file (a test's capture)
        return
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, fd)
    os.close(null)


class _Parser(argparse.ArgumentParser):
    """A bad option or value gets one line saying what is valid, not the usage block."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _only(frame, column: str, value):
    """Rows whose ``column`` is ``value`` (all rows when it is not given); an unknown value is
    an error that lists the valid ones, as the option ``--column`` names them."""
    if not value:
        return frame
    valid = sorted(set(frame[column]))
    if value not in valid:
        raise OutputError(f"--{column} {value!r}: valid {column}s are {', '.join(valid)}")
    return frame[frame[column] == value]


def _places(args) -> int:
    from .analysis.query import describe_place
    from .reading.tables import load_dataset

    ds = load_dataset(args.data, args.sources)
    geo = _only(ds.geography, "level", args.level)
    years = _years_covered(ds, "geo_id", "geo")
    table = geo.assign(
        place=[describe_place(ds.geography, g).rsplit(" [", 1)[0] for g in geo["geo_id"]],
        years=geo["geo_id"].map(years).fillna("–"),
    )[["geo_id", "place", "label_vi", "level", "years"]]
    table.columns = ["id", "name", "tên", "level", "years with figures"]
    return _print_table(table, args.format)


def _indicators(args) -> int:
    from .reading.tables import load_dataset

    ds = load_dataset(args.data, args.sources)
    ind = _only(ds.indicators, "theme", args.theme)
    years = _years_covered(ds, "code", "indicator")
    table = ind.assign(years=ind["code"].map(years).fillna("–"))[
        ["code", "label_en", "label_vi", "unit", "theme", "years"]
    ]
    table.columns = ["code", "label", "nhãn", "unit", "theme", "years with figures"]
    return _print_table(table, args.format)


def _years_covered(ds, key: str, column: str):
    """``first-last`` year of the observations of each place or indicator."""
    import pandas as pd

    end = pd.to_numeric(ds.observations["period"].astype(str).str[-4:], errors="coerce")
    span = end.groupby(ds.observations[column]).agg(["min", "max"]).dropna().astype(int)
    return (span["min"].astype(str) + "-" + span["max"].astype(str)).where(
        span["min"] != span["max"], span["min"].astype(str)
    )


def _print_table(table, fmt: str) -> int:
    if fmt == "csv":
        sys.stdout.write(neutralise(table).to_csv(index=False, lineterminator="\n"))
    else:
        sys.stdout.write(table.to_string(index=False) + "\n")
    return 0


def _sources(args) -> int:
    from .outputs.cite import bibtex, csl_json
    from .reading.tables import load_dataset

    src = load_dataset(args.data, args.sources).sources
    if args.id:
        unknown = sorted(set(args.id) - set(src["source_id"]))
        if unknown:
            raise OutputError(f"unknown source id(s) {', '.join(unknown)}; see data/sources.csv")
        src = src[src["source_id"].isin(args.id)]
    sys.stdout.write(bibtex(src) if args.format == "bibtex" else csl_json(src))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(prog="povlib", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    data_kw: dict[str, Any] = dict(
        type=Path, default=paths.DATA, help="data folder (default: the project's data/)"
    )
    src_kw: dict[str, Any] = dict(
        type=Path, default=None, help="folder of source texts (default: ../shared/sources)"
    )

    p = sub.add_parser("check", help="validate a data folder; exit 1 listing every problem")
    p.add_argument("--data", **data_kw)
    p.add_argument("--sources", **src_kw)
    p.set_defaults(func=_check)

    p = sub.add_parser("audit", help="check the sources' figures against each other")
    p.add_argument("--data", **data_kw)
    p.add_argument("--sources", **src_kw)
    p.add_argument("--format", choices=["table", "csv"], default="table", help="table (default) or csv")
    p.add_argument(
        "--output", "-o", type=Path, help="write to this file instead of standard output (not inside data/)"
    )
    p.set_defaults(func=_audit)

    p = sub.add_parser("export", help="print one indicator's reconciled series (csv or json)")
    p.add_argument(
        "--indicator",
        required=True,
        help="indicator code or label, e.g. poverty_rate or 'poverty rate' (`povlib indicators` lists them)",
    )
    p.add_argument(
        "--place",
        action="append",
        help="place id or name (repeatable; `povlib places` lists them); default all",
    )
    p.add_argument("--year", action="append", help="keep periods ending in this year (repeatable)")
    p.add_argument("--standard", help="poverty standard: 2016-2020 or 2022-2025")
    p.add_argument(
        "--role", choices=["outcome", "target"], default="outcome", help="outcomes (default) or targets"
    )
    p.add_argument("--printed-only", action="store_true", help="leave out derived values")
    p.add_argument("--format", choices=["csv", "json"], default="csv", help="csv (default) or json")
    p.add_argument("--data", **data_kw)
    p.add_argument("--sources", **src_kw)
    p.set_defaults(func=_export)

    p = sub.add_parser("coverage", help="sources per place, family (theme) and year; gaps shown")
    p.add_argument("--place", action="append", help="place id or name (repeatable); default the main ones")
    p.add_argument("--theme", action="append", help="indicator theme (repeatable); default all")
    p.add_argument("--years", help="first-last, e.g. 2016-2025")
    p.add_argument(
        "--format", choices=["csv", "markdown"], default="markdown", help="markdown (default) or csv"
    )
    p.add_argument("--data", **data_kw)
    p.add_argument("--sources", **src_kw)
    p.set_defaults(func=_coverage)

    p = sub.add_parser("extract", help="candidate observation rows from an article")
    p.add_argument("article", type=Path, help="text file of the article (UTF-8)")
    p.add_argument("--source-id", default="", help="source_id to write in the rows (as in data/sources.csv)")
    p.add_argument("--out", type=Path, help="CSV to write (not inside data/); default: standard output")
    p.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    p.set_defaults(func=_extract)

    p = sub.add_parser(
        "places", help="list the places: id, name in both languages, level, years with figures"
    )
    p.add_argument("--level", help="only this level, e.g. province or district")
    p.add_argument("--format", choices=["table", "csv"], default="table", help="table (default) or csv")
    p.add_argument("--data", **data_kw)
    p.add_argument("--sources", **src_kw)
    p.set_defaults(func=_places)

    p = sub.add_parser(
        "indicators",
        help="list the indicators: code, label in both languages, unit, theme, years with figures",
    )
    p.add_argument("--theme", help="only this theme, e.g. poverty")
    p.add_argument("--format", choices=["table", "csv"], default="table", help="table (default) or csv")
    p.add_argument("--data", **data_kw)
    p.add_argument("--sources", **src_kw)
    p.set_defaults(func=_indicators)

    p = sub.add_parser("sources", help="the sources as BibTeX or CSL-JSON, for a reference manager")
    p.add_argument(
        "--format", choices=["bibtex", "csl-json"], default="bibtex", help="bibtex (default) or csl-json"
    )
    p.add_argument("--id", action="append", help="only this source id (repeatable); default all")
    p.add_argument("--data", **data_kw)
    p.add_argument("--sources", **src_kw)
    p.set_defaults(func=_sources)

    p = sub.add_parser("build", help="execute the notebooks in order and write figures/")
    p.add_argument("notebooks", nargs="*", help="only these notebooks (names or stems)")
    p.add_argument(
        "--param",
        action="append",
        metavar="NAME=VALUE",
        help="set a name of the notebooks' parameters cell (a Python literal, e.g. "
        "PROVINCES='[\"backan\"]' or lang=vi; repeatable); needs --out",
    )
    p.add_argument("--out", type=Path, help="folder for the executed copies (needed with --param)")
    p.set_defaults(func=_build)

    p = sub.add_parser("site", help="build site/, a browsable offline report, from the executed notebooks")
    p.add_argument("--out", type=Path, help="output folder (default: the project's site/)")
    p.set_defaults(func=_site)

    args = parser.parse_args(argv)
    from .analysis.query import QueryError
    from .reading.numbers import FigureError
    from .reading.tables import DataError

    try:
        rc = args.func(args)
        sys.stdout.flush()  # a full disk must fail here, with a message, not at exit
        return rc
    except (DataError, QueryError, OutputError, FigureError) as exc:  # a clear error, not a traceback
        print(f"povlib {args.command}: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # the reader went away (| head): nothing left to say
        _drop_stdout()
        return 1
    except OSError as exc:  # standard output on a full disk, a closed terminal ...
        print(f"povlib {args.command}: cannot write: {exc.strerror or exc}", file=sys.stderr)
        _drop_stdout()
        return 1
    except MemoryError:
        print(
            f"povlib {args.command}: out of memory: the input is too large for this machine", file=sys.stderr
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())

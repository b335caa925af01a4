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
    from .tables import DataError, load_dataset

    try:
        ds = load_dataset(args.data, args.sources, strict=False)
    except DataError as exc:  # the files cannot even be read: every reason, one per line
        print(exc, file=sys.stderr)
        return 1
    problems = [w for w in ds.warnings if not w.startswith("source texts not found")]
    if not problems:
        problems = _frictionless(args.data)
        ds.warnings += problems
    for w in ds.warnings:
        print(w, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) in {args.data}", file=sys.stderr)
        return 1
    looked = "looked up in the sources" if ds.sources_checked else "NOT looked up (no sources)"
    print(
        f"ok: {len(ds.observations)} observations from {len(ds.sources)} sources, "
        f"{len(ds.geography)} places, {len(ds.indicators)} indicators; raw figures {looked}"
    )
    return 0


def _frictionless(data: Path) -> list[str]:
    """Every constraint of the descriptor, as Frictionless reads it (a second opinion)."""
    try:
        from frictionless import Package
    except ImportError:  # not in a runtime-only install: povlib's own checks stand alone
        return []
    report = Package(str(Path(data) / "datapackage.json")).validate()
    out = []
    for task in report.tasks:
        for e in task.errors:
            row = getattr(e, "row_number", None)
            col = getattr(e, "field_name", None)
            where = str(Path(data) / Path(task.place).name) if task.place else str(data)
            where += f", line {row}" if row else ""
            where += f", column '{col}'" if col else ""
            out.append(f"{where}: {e.message} (Frictionless)")
    return out


def _export(args) -> int:
    import json

    from .query import SERIES_COLUMNS, series
    from .tables import load_dataset

    ds = load_dataset(args.data, args.sources)
    table = series(
        args.indicator,
        places=args.place or None,
        years=args.year or None,
        standard=args.standard,
        role=args.role,
        derived=not args.printed_only,
        data=ds,
    )
    cols = SERIES_COLUMNS
    table = table[cols]
    if args.format == "json":
        records = json.loads(table.to_json(orient="records", force_ascii=False, double_precision=10))
        sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=1) + "\n")
    else:
        sys.stdout.write(table.to_csv(index=False, float_format="%.10g", lineterminator="\n"))
    return 0


def _coverage(args) -> int:
    from .query import coverage, coverage_markdown
    from .tables import load_dataset

    ds = load_dataset(args.data, args.sources)
    years = tuple(int(y) for y in args.years.split("-")) if args.years else None
    cov = coverage(ds, themes=args.theme, places=args.place, years=years)
    if args.format == "markdown":
        sys.stdout.write(coverage_markdown(cov, ds))
    else:
        sys.stdout.write(cov.to_csv(lineterminator="\n"))
    return 0


def _audit(args) -> int:
    import pandas as pd

    from .audit import audit
    from .tables import load_dataset

    table = audit(load_dataset(args.data, args.sources))
    if args.format == "csv":
        text = table.to_csv(index=False, float_format="%.6g", lineterminator="\n")
    else:
        with pd.option_context("display.width", 200, "display.max_colwidth", 70, "display.max_rows", None):
            text = table.drop(columns=["obs_ids", "note"]).to_string(index=False) + "\n"
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def _extract(args) -> int:
    from .extract import ExtractError, check_output, check_source_id, extract_file, write_output

    try:  # checked before the article is read, so a bad --out or id costs nothing
        check_source_id(args.source_id)
        if args.out:
            check_output(args.out, args.force)
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
    from .build import build

    return build(args.notebooks)


def _site(args) -> int:
    from .site import main as site

    return site(args.out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="povlib", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
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
    p.add_argument("--format", choices=["table", "csv"], default="table")
    p.add_argument("--output", "-o", help="write to this file instead of standard output")
    p.set_defaults(func=_audit)

    p = sub.add_parser("export", help="print one indicator's reconciled series (csv or json)")
    p.add_argument("--indicator", required=True, help="indicator code, e.g. poverty_rate")
    p.add_argument("--place", action="append", help="place id or name (repeatable); default all")
    p.add_argument("--year", action="append", help="keep periods ending in this year (repeatable)")
    p.add_argument("--standard", help="poverty standard: 2016-2020 or 2022-2025")
    p.add_argument("--role", choices=["outcome", "target"], default="outcome")
    p.add_argument("--printed-only", action="store_true", help="leave out derived values")
    p.add_argument("--format", choices=["csv", "json"], default="csv")
    p.add_argument("--data", **data_kw)
    p.add_argument("--sources", **src_kw)
    p.set_defaults(func=_export)

    p = sub.add_parser("coverage", help="sources per place, family (theme) and year; gaps shown")
    p.add_argument("--place", action="append", help="place id or name (repeatable)")
    p.add_argument("--theme", action="append", help="indicator theme (repeatable); default all")
    p.add_argument("--years", help="first-last, e.g. 2016-2025")
    p.add_argument("--format", choices=["csv", "markdown"], default="markdown")
    p.add_argument("--data", **data_kw)
    p.add_argument("--sources", **src_kw)
    p.set_defaults(func=_coverage)

    p = sub.add_parser("extract", help="candidate observation rows from an article")
    p.add_argument("article", type=Path)
    p.add_argument("--source-id", default="")
    p.add_argument("--out", type=Path, help="CSV to write (not inside data/); default: standard output")
    p.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    p.set_defaults(func=_extract)

    p = sub.add_parser("build", help="execute the notebooks in order and write figures/")
    p.add_argument("notebooks", nargs="*", help="only these notebooks (names or stems)")
    p.set_defaults(func=_build)

    p = sub.add_parser("site", help="build site/, a browsable offline report, from the executed notebooks")
    p.add_argument("--out", type=Path, help="output folder (default: the project's site/)")
    p.set_defaults(func=_site)

    args = parser.parse_args(argv)
    from .query import QueryError
    from .tables import DataError

    try:
        return args.func(args)
    except (DataError, QueryError) as exc:  # a clear error, not a traceback
        print(f"povlib {args.command}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

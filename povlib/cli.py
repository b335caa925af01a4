"""Command line: ``povlib check``, ``povlib audit``, ``povlib extract``, ``povlib build``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import paths


def _check(args) -> int:
    from .tables import load_dataset

    ds = load_dataset(args.data, args.sources, strict=False)
    for w in ds.warnings:
        print(w, file=sys.stderr)
    problems = [w for w in ds.warnings if not w.startswith("source texts not found")]
    if problems:
        print(f"{len(problems)} problem(s) in {args.data}", file=sys.stderr)
        return 1
    looked = "looked up in the sources" if ds.sources_checked else "NOT looked up (no sources)"
    print(f"ok: {len(ds.observations)} observations from {len(ds.sources)} sources, "
          f"{len(ds.geography)} places, {len(ds.indicators)} indicators; raw figures {looked}")
    return 0


def _audit(args) -> int:
    import pandas as pd

    from .audit import audit
    from .tables import load_dataset

    table = audit(load_dataset(args.data, args.sources))
    if args.format == "csv":
        text = table.to_csv(index=False, float_format="%.6g", lineterminator="\n")
    else:
        with pd.option_context("display.width", 200, "display.max_colwidth", 70,
                               "display.max_rows", None):
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="povlib", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    data_kw = dict(type=Path, default=paths.DATA, help="data folder (default: the project's data/)")
    src_kw = dict(type=Path, default=None, help="folder of source texts (default: ../shared/sources)")

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

    p = sub.add_parser("extract", help="candidate observation rows from an article")
    p.add_argument("article", type=Path)
    p.add_argument("--source-id", default="")
    p.add_argument("--out", type=Path, help="CSV to write (not inside data/); default: standard output")
    p.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    p.set_defaults(func=_extract)

    p = sub.add_parser("build", help="execute the notebooks in order and write figures/")
    p.add_argument("notebooks", nargs="*", help="only these notebooks (names or stems)")
    p.set_defaults(func=_build)

    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except Exception as exc:  # a clear one-line error, not a traceback, for data problems
        from .tables import DataError

        if isinstance(exc, DataError):
            print(exc, file=sys.stderr)
            return 1
        raise


if __name__ == "__main__":
    sys.exit(main())

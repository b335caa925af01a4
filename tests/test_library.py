"""The library names no place, observation or source of the data: choices live in data/
and in the notebooks."""

import re

import pandas as pd

from povlib import paths


def literals_named(ids: set[str]) -> list[str]:
    """Each string literal in the library's code that is one of ``ids``."""
    literal = re.compile(r"[\"']([^\"'\n]{2,80})[\"']")
    return [
        f"{f.relative_to(paths.ROOT)}: {m.group(1)}"
        for f in sorted((paths.ROOT / "povlib").rglob("*.py"))
        for m in literal.finditer(f.read_text(encoding="utf-8"))
        if m.group(1) in ids
    ]


def test_library_names_no_id_of_the_data():
    ids = set()
    for name, col in (("geography", "geo_id"), ("observations", "obs_id"), ("sources", "source_id")):
        ids |= set(pd.read_csv(paths.DATA / f"{name}.csv", dtype=str)[col])
    assert literals_named(ids) == []


def test_import_is_light():
    import subprocess
    import sys

    code = "import sys, povlib; print(sorted(m for m in ('pandas', 'matplotlib') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

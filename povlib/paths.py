"""Project paths, resolved from the package location, never from the working directory."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
FIGURES = ROOT / "figures"
NOTEBOOKS = ROOT / "notebooks"


def sources_dir() -> Path:
    """Folder holding the source articles: ``$POVLIB_SOURCES`` or ``../shared/sources``."""
    env = os.environ.get("POVLIB_SOURCES")
    return Path(env) if env else ROOT.parent / "shared" / "sources"


SITE_URL_VAR = "POVLIB_SITE_URL"


def site_url() -> str:
    """Where the report (``povlib site``) is published, for figure footers that must stand
    alone in a pasted report: ``$POVLIB_SITE_URL``, else ``site-url`` under
    ``[tool.povlib]`` in ``pyproject.toml``; empty when neither is set (the footer then
    names the report's own sources page)."""
    env = os.environ.get(SITE_URL_VAR, "").strip()
    if env:
        return env.rstrip("/")
    import tomllib

    try:
        conf = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return ""
    return str(conf.get("tool", {}).get("povlib", {}).get("site-url", "")).strip().rstrip("/")

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

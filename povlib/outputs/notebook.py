"""The set-up every notebook shares: one call that reads the data, reconciles it into the
panel and sets the language of what the notebook shows."""

from __future__ import annotations

from .. import paths
from ..analysis.panel import Panel, panel
from ..reading.tables import load_dataset


def setup(lang: str = "en", data: str = "") -> Panel:
    """The panel of the data folder ``data`` (empty: the project's ``data/``), with the
    notebook's figures shown in ``lang`` (``"en"`` or ``"vi"``; both are written)."""
    from .figures import show_language

    show_language(lang)
    return panel(load_dataset(data or paths.DATA))

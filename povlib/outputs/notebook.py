"""The set-up every notebook shares: one call that reads the data, reconciles it into the
panel and sets the language of what the notebook shows."""

from __future__ import annotations

from pathlib import Path

from .. import paths
from ..analysis.panel import Panel, panel
from ..reading.files import state
from ..reading.tables import load_dataset

# The last panel set up in this process, with the folders it was read from and their files'
# state then. Running a notebook again in the same kernel (Run All in JupyterLab, or the
# tests' shared kernel) then reads and reconciles the data once, not once a run.
_last: dict[tuple[str, str], tuple[tuple, Panel]] = {}


def setup(lang: str = "en", data: str = "") -> Panel:
    """The panel of the data folder ``data`` (empty: the project's ``data/``), with the
    notebook's figures shown in ``lang`` (``"en"`` or ``"vi"``; both are written).

    Within one process the panel is read once for as long as no file of the data folder or
    of the source texts changes; each call returns a copy of its own, so that what one run
    does to its panel does not reach the next."""
    from .figures import show_language

    show_language(lang)
    folder, texts = Path(data or paths.DATA), paths.sources_dir()
    key = (str(folder.resolve()), str(texts.resolve()))
    now = state(folder, texts)  # taken before reading: a file changed meanwhile reads anew next time
    kept = _last.get(key)
    if kept is None or kept[0] != now:
        _last.clear()  # one panel kept, whatever the number of folders a session reads
        kept = _last[key] = (now, panel(load_dataset(folder)))
    return kept[1].copy()

"""The set-up every notebook shares: one call that reads the data, reconciles it into the
panel and sets the language of what the notebook shows."""

from __future__ import annotations

from pathlib import Path

from .. import paths
from ..analysis.panel import Panel, panel
from ..reading.files import state
from ..reading.tables import load_dataset

# The panels last set up in this process, with the folders they were read from and their
# files' state then, the most recently used last. Running a notebook again in the same kernel
# (Run All in JupyterLab, or the tests' shared kernel) then reads and reconciles the data
# once, not once a run; and going back and forth between two data folders (the project's and
# one's own, say) reads each once. Two at most: a national panel holds a gigabyte or more.
_last: dict[tuple[str, str], tuple[tuple, Panel]] = {}
KEEP = 2


def setup(lang: str = "en", data: str = "") -> Panel:
    """The panel of the data folder ``data`` (empty: the project's ``data/``), with the
    notebook's figures shown in ``lang`` (``"en"`` or ``"vi"``; both are written).

    Within one process the panel is read once for as long as no file of the data folder or
    of the source texts changes (the panels of the last :data:`KEEP` folders are kept); each
    call returns a copy of its own, so that what one run does to its panel does not reach
    the next."""
    from .figures import show_language

    show_language(lang)
    folder, texts = Path(data or paths.DATA), paths.sources_dir()
    key = (str(folder.resolve()), str(texts.resolve()))
    now = state(folder, texts)  # taken before reading: a file changed meanwhile reads anew next time
    kept = _last.pop(key, None)
    if kept is None or kept[0] != now:
        kept = None  # a changed folder's old panel is let go before the new one is read
        while len(_last) >= KEEP:
            del _last[next(iter(_last))]  # the least recently used
        kept = (now, panel(load_dataset(folder)))
    _last[key] = kept
    return kept[1].copy()

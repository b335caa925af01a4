"""Execute the notebooks in order, in place, and regenerate ``figures/README.md``.

Execution records no timings and the notebooks are written with sorted keys
and a trailing newline, so that running the build twice changes no byte.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from . import paths


def notebooks(folder: Path = paths.NOTEBOOKS) -> list[Path]:
    """Notebooks in reading order (their names start with a number)."""
    return sorted(folder.glob("[0-9][0-9]_*.ipynb"))


def execute(path: Path, timeout: int = 600) -> None:
    """Run one notebook top to bottom with the current environment's kernel; save outputs."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                            extra_arguments=["--IPKernelApp.log_level=ERROR"],
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nbformat.write(nb, path)


def build(selected: list[str] | None = None) -> int:
    """Execute every notebook (or those named), printing progress; return an exit code."""
    from .figures import write_index

    todo = notebooks()
    if selected:
        todo = [p for p in todo if p.name in selected or p.stem in selected]
    if not todo:
        print("no notebooks found", file=sys.stderr)
        return 1
    start = time.perf_counter()
    for i, path in enumerate(todo, 1):
        print(f"[{i}/{len(todo)}] {path.name} ...", end=" ", flush=True)
        t0 = time.perf_counter()
        execute(path)
        print(f"done in {time.perf_counter() - t0:.1f} s", flush=True)
    index = write_index()
    n = len(list(paths.FIGURES.glob("*.png")))
    print(f"{n} figures in {paths.FIGURES.relative_to(paths.ROOT)}/ (index: "
          f"{index.relative_to(paths.ROOT)}); total {time.perf_counter() - start:.1f} s")
    return 0

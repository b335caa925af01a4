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
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        record_timing=False,
        shutdown_kernel="immediate",
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nbformat.write(nb, path)


def build(selected: list[str] | None = None, jobs: int | None = None) -> int:
    """Execute every notebook (or those named), ``jobs`` at a time (default: the
    machine's cores); each writes its own figures, so the order does not matter.
    Returns an exit code."""
    import os
    from concurrent.futures import ThreadPoolExecutor

    from .figures import CHECK_VARS, write_index

    # A build writes every format into figures/, whatever a check run asked for; the
    # kernels inherit this environment.
    for var in CHECK_VARS:
        os.environ.pop(var, None)
    todo = notebooks()
    if selected:
        todo = [p for p in todo if p.name in selected or p.stem in selected]
    if not todo:
        print("no notebooks found", file=sys.stderr)
        return 1
    start = time.perf_counter()

    def run(path: Path) -> tuple[str, float, str]:
        t0 = time.perf_counter()
        try:
            execute(path)
        except Exception as exc:  # report every failing notebook, not just the first
            import re

            text = re.sub(r"\x1b\[[0-9;]*m", "", str(exc)).strip().splitlines()
            return path.name, time.perf_counter() - t0, "\n".join(text[-3:])
        return path.name, time.perf_counter() - t0, ""

    failed = []
    with ThreadPoolExecutor(max_workers=jobs or os.cpu_count() or 1) as pool:
        for name, secs, err in pool.map(run, todo):
            print(f"{name}: {'FAILED' if err else 'done'} in {secs:.1f} s", flush=True)
            if err:
                failed.append(name)
                print(err[-3000:], file=sys.stderr)
    if failed:
        print(f"{len(failed)} notebook(s) failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    index = write_index()
    n = len(list(paths.FIGURES.glob("*.png")))
    print(
        f"{n} figures in {paths.FIGURES.relative_to(paths.ROOT)}/ (index: "
        f"{index.relative_to(paths.ROOT)}); total {time.perf_counter() - start:.1f} s"
    )
    return 0

"""Execute the notebooks in order, in place, and regenerate ``figures/README.md``.

Execution records no timings and the notebooks are written with sorted keys
and a trailing newline, so that running the build twice changes no byte.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

from .. import paths


def notebooks(folder: Path = paths.NOTEBOOKS) -> list[Path]:
    """Notebooks in reading order (their names start with a number)."""
    return sorted(folder.glob("[0-9][0-9]_*.ipynb"))


def longest_first(paths: list[Path]) -> list[Path]:
    """The notebooks that draw the most figures first (counted in their stored outputs),
    so that with a few kernels at a time the last one to start is a short one and no
    core idles while a long notebook finishes alone. Ties keep reading order; a notebook
    never executed counts as drawing none."""
    import json

    def figures(path: Path) -> int:
        try:
            cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
        except (OSError, ValueError):
            return 0
        return sum("image/png" in out.get("data", {}) for c in cells for out in c.get("outputs", []))

    return sorted(paths, key=lambda p: -figures(p))


KERNEL_DISPLAY_NAME = "Python 3 (ipykernel)"  # what JupyterLab writes on saving: no diff after a look

GC_THRESHOLDS = (10_000, 10, 10)
"""Python's cyclic garbage collector, as set in every kernel povlib starts (and in the test
processes). By default it runs a pass every 700 new objects; a notebook makes and drops
many small ones (pandas' and matplotlib's), and those passes took a tenth of a run's CPU:
2.0 s of 16.4 s over the nine notebooks run twice, against 0.5 s of 14.6 s with these.
Cyclic garbage is then freed a little later, which holds no more than a few megabytes."""

KERNEL_ARGUMENTS = (f"--IPKernelApp.exec_lines=import gc; gc.set_threshold{GC_THRESHOLDS}",)
"""What every kernel povlib starts is given on its command line: :data:`GC_THRESHOLDS`, set
before the first cell runs. ``notebooks/conftest.py`` gives it to nbval's kernels too."""


def parameter_cell(parameters: dict) -> str:
    """Source of the cell that sets ``parameters`` (name to Python literal), as papermill's
    injected cell does."""
    return "# Parameters\n" + "".join(f"{k} = {v!r}\n" for k, v in parameters.items())


def inject(nb, parameters: dict) -> None:
    """Insert a cell setting ``parameters`` after the cell tagged ``parameters`` (papermill's
    convention: the notebook's defaults stay visible above the values used). A name the
    parameters cell does not define is refused: it would be set and silently ignored."""
    import nbformat

    cells = [i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])]
    if not cells:
        raise ValueError("the notebook has no cell tagged 'parameters'")
    defined = set(re.findall(r"^([A-Za-z_]\w*) =", nb.cells[cells[0]].source, re.M))
    unknown = sorted(set(parameters) - defined)
    if unknown:
        raise ValueError(
            f"unknown parameter(s) {', '.join(unknown)}; the notebook takes {', '.join(sorted(defined))}"
        )
    cell = nbformat.v4.new_code_cell(parameter_cell(parameters))
    cell.metadata["tags"] = ["injected-parameters"]
    cell.id = "injected-parameters"  # not a random one: an executed copy stays byte-stable
    nb.cells.insert(cells[0] + 1, cell)


class Kernel:
    """One kernel that runs notebooks one after another, for many short runs such as the
    tests of other parameters: each run pays for the notebook's own work, not for a new
    Python process and its imports (about 2 s of CPU a run).

    Before each run the kernel is put back as a new one would be: an empty namespace, no
    figure open, matplotlib's settings as loaded, the caller's environment (``os.environ``
    and ``env``) and the notebook's folder as working directory; a test checks that a
    notebook gives the same outputs here as in a kernel of its own.  A run that fails
    shuts the kernel down, so that the next run starts a new one.  Use it as a context
    manager, or call :meth:`close`.

    After each reset, what the kernel keeps (imported modules, the panel ``povlib.setup``
    keeps) is moved out of Python's garbage collections (``gc.freeze``): the next run's
    collections then walk its own objects only, not every module again (about 0.2-0.4 s a
    run). A kept object that later becomes garbage, such as a panel replaced by another
    data folder's, stays in memory until the kernel is closed."""

    # Set up first, then one reset clears the previous run's names and these helpers alike;
    # the freeze comes after the reset's collections, so it keeps no garbage of that run.
    RESET = (
        "import os as _os\n"
        "import matplotlib as _mpl\n"
        "import matplotlib.pyplot as _plt\n"
        "_plt.close('all')\n"
        "_mpl.rc_file_defaults()\n"
        "_os.chdir({cwd!r})\n"
        "for _k in {gone!r}:\n"
        "    _os.environ.pop(_k, None)\n"
        "_os.environ.update({env!r})\n"
        "get_ipython().run_line_magic('reset', '-f')\n"
        "__import__('gc').freeze()\n"
    )

    def __init__(self) -> None:
        self.km = self.kc = None
        self.env: dict[str, str] = {}

    def __enter__(self) -> Kernel:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Shut the kernel down (a later run starts a new one)."""
        from nbclient.util import run_sync

        km, kc, self.km, self.kc = self.km, self.kc, None, None
        if kc is not None:
            kc.stop_channels()
        if km is not None and km.has_kernel:
            run_sync(km.shutdown_kernel)(now=True)

    def run(self, client, path: Path, env: dict[str, str]) -> None:
        """Execute ``client``'s notebook (from ``path``) in this kernel with ``env``."""
        import atexit

        import nbformat

        try:
            if self.km is None:
                try:
                    client.execute(env=env, cleanup_kc=False)
                finally:  # kept even when the run fails, so that close() shuts it down
                    self.km, self.kc = client.km, client.kc
                    atexit.unregister(self.close)
                    atexit.register(self.close)
            else:
                gone = sorted(set(self.env) - set(env))
                reset = self.RESET.format(cwd=str(path.parent), gone=gone, env=env)
                client.nb.cells.insert(0, nbformat.v4.new_code_cell(reset))
                client.km, client.kc, client.owns_km = self.km, self.kc, False
                try:
                    client.execute(cleanup_kc=False)
                finally:
                    client.nb.cells.pop(0)
            self.env = env
        except BaseException:
            self.close()  # a failed run may leave anything behind: the next starts anew
            raise
        finally:
            atexit.unregister(client._cleanup_kernel)  # the kernel is ours to shut down


def execute(
    path: Path,
    timeout: int = 600,
    parameters: dict | None = None,
    out: Path | None = None,
    env: dict[str, str] | None = None,
    kernel: Kernel | None = None,
) -> None:
    """Run one notebook top to bottom with the current environment's kernel; save outputs
    into ``out`` (default: in place). ``parameters`` (name to value) override the
    notebook's ``parameters`` cell; ``env`` adds variables to the kernel's environment;
    ``kernel`` runs it in a kernel kept between runs (default: a new kernel of its own)."""
    import os

    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    nb.metadata.setdefault("kernelspec", {})["display_name"] = KERNEL_DISPLAY_NAME
    if parameters:
        inject(nb, parameters)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        record_timing=False,
        shutdown_kernel="immediate",
        extra_arguments=[
            "--IPKernelApp.log_level=ERROR",
            *KERNEL_ARGUMENTS,
        ],
        resources={"metadata": {"path": str(path.parent)}},
    )
    if kernel is None:
        client.execute(**({"env": {**os.environ, **env}} if env else {}))
    else:
        kernel.run(client, path, {**os.environ, **(env or {})})
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nbformat.write(nb, out or path)


def build(
    selected: list[str] | None = None,
    jobs: int | None = None,
    parameters: dict | None = None,
    out_dir: Path | None = None,
) -> int:
    """Execute every notebook (or those named), ``jobs`` at a time (default: the
    machine's cores); each writes its own figures, so the order does not matter.
    With ``parameters`` the executed copies go to ``out_dir`` (the committed notebooks
    keep their defaults). Returns an exit code."""
    import os
    from concurrent.futures import ThreadPoolExecutor

    from .figures import CHECK_VARS, write_index

    # A build writes every format into figures/, whatever a check run asked for; the
    # kernels inherit this environment.
    for var in CHECK_VARS:
        os.environ.pop(var, None)
    if out_dir is not None:  # figures of other parameters must not overwrite figures/
        from .figures import DIR_VAR

        os.environ[DIR_VAR] = str(out_dir / "figures")
    todo = notebooks()
    if selected:
        todo = [p for p in todo if p.name in selected or p.stem in selected]
    if not todo:
        print("no notebooks found", file=sys.stderr)
        return 1
    start = time.perf_counter()
    todo = longest_first(todo)

    def run(path: Path) -> tuple[str, float, str]:
        t0 = time.perf_counter()
        try:
            execute(path, parameters=parameters, out=out_dir / path.name if out_dir else None)
            if not parameters and out_dir is None:
                vietnamese_copy(path)
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
    if not parameters and out_dir is None and not selected:
        drop_orphan_copies(todo)
    folder = out_dir / "figures" if out_dir is not None else paths.FIGURES
    index = write_index(folder)
    n = len(list(folder.glob("*.png")))
    print(f"{n} figures in {folder}/ (index: {index.name}); total {time.perf_counter() - start:.1f} s")
    return 0


# ---------------------------------------------------------------- the Vietnamese copies

VI = "vi"
VI_DIR = paths.NOTEBOOKS / VI
"""Each notebook executed with ``lang = "vi"``: the site's Vietnamese pages. Generated by
:func:`build` and committed; nbval does not collect them (``make nbval`` ignores the
folder): they hold the same code as their notebook, which nbval runs, and a test checks
that they do (:func:`copy_is_current`)."""


def vi_copy(path: Path) -> Path:
    """Where the Vietnamese copy of the notebook ``path`` is kept."""
    return path.parent / VI / path.name


def vietnamese_copy(path: Path) -> Path:
    """Execute the notebook ``path`` again with ``lang = "vi"`` into :func:`vi_copy`. It runs
    after the English run, which wrote every figure in both languages, so this run
    writes none (``$POVLIB_FIGURES_REUSE``) and shows the files already written."""
    from .figures import REUSE_VAR

    out = vi_copy(path)
    out.parent.mkdir(exist_ok=True)
    execute(path, parameters={"lang": VI}, out=out, env={REUSE_VAR: "1"})
    return out


def _code(nb) -> list[tuple[str, str]]:
    return [
        (c.cell_type, c.source) for c in nb.cells if "injected-parameters" not in c.metadata.get("tags", [])
    ]


def copy_is_current(path: Path) -> bool:
    """Whether the Vietnamese copy of ``path`` exists and holds the same cells (type and
    source; its injected ``lang`` cell aside), i.e. was executed from this notebook as it is."""
    import nbformat

    copy = vi_copy(path)
    if not copy.exists():
        return False
    return _code(nbformat.read(copy, as_version=4)) == _code(nbformat.read(path, as_version=4))


def drop_orphan_copies(kept: list[Path]) -> None:
    """Remove Vietnamese copies whose notebook is gone (renamed or deleted)."""
    names = {p.name for p in kept}
    for copy in sorted(VI_DIR.glob("*.ipynb")):
        if copy.name not in names:
            copy.unlink()

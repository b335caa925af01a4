"""A kernel kept between runs (``build.Kernel``) gives each notebook what a new kernel
would: an empty namespace, the caller's environment, the notebook's folder, no figure
left open; a failed run does not leak into the next; and a real notebook's outputs are the
same as in a kernel of its own."""

from __future__ import annotations

import nbformat
import pytest
from nbclient.exceptions import CellExecutionError
from test_parameters import KERNEL, NB, chosen_only

from povlib import build
from povlib.outputs.figures import DIR_VAR, DPI_VAR, FORMATS_VAR


def _notebook(folder, name, *sources):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources]), path)
    return path


def _printed(path) -> list[str]:
    """What each cell printed, as the notebook shows it: a kernel under load may send one
    cell's output in several pieces (it flushes every 0.2 s), which are one text."""
    nb = nbformat.read(path, as_version=4)
    cells = ["".join(o["text"] for o in c.get("outputs", []) if o.get("name") == "stdout") for c in nb.cells]
    return [text.strip() for text in cells if text]


def test_each_run_starts_as_a_new_kernel(tmp_path, monkeypatch):
    first = _notebook(
        tmp_path / "a",
        "first",
        "import os\nimport matplotlib.pyplot as plt\nLEFT = 1\nfig = plt.figure()",
        "import matplotlib as mpl\nmpl.rcParams['lines.linewidth'] = 9.0\n"
        "print(os.environ['POVLIB_TEST_FLAG'])",
        # garbage only the cycle collector frees, watched from a module that outlives the run
        "import weakref\nclass Loop: pass\nloop = Loop()\nloop.me = loop\n"
        "os.povlib_probe = weakref.ref(loop)",
    )
    second = _notebook(
        tmp_path / "b",
        "second",
        "import os\nimport matplotlib as mpl\nimport matplotlib.pyplot as plt\n"
        "print('LEFT' in globals(), 'fig' in globals())\n"
        "print(os.environ.get('POVLIB_TEST_FLAG'), os.environ['POVLIB_TEST_OTHER'])\n"
        "print(os.path.basename(os.getcwd()), len(plt.get_fignums()), mpl.rcParams['lines.linewidth'])",
        # the reset freezes what the kernel keeps (build.Kernel): the last run's garbage is not
        # among it, so a collection frees it
        "import gc\ngc.collect()\nprint(os.povlib_probe() is None)",
        "print(gc.get_threshold())",  # as set at the kernel's start, kept by the reset
    )
    # The kernel the parameter tests of this process share (a kernel start saved), whatever
    # ran there before.
    monkeypatch.setenv("POVLIB_TEST_FLAG", "set")
    build.execute(first, kernel=KERNEL)
    pid = KERNEL.km.provisioner.process.pid
    monkeypatch.delenv("POVLIB_TEST_FLAG")
    monkeypatch.setenv("POVLIB_TEST_OTHER", "other")
    build.execute(second, kernel=KERNEL)
    assert KERNEL.km.provisioner.process.pid == pid, "the second run started a kernel of its own"
    assert _printed(first) == ["set"]
    # matplotlib's default line width is 1.5: the first run's 9.0 did not survive
    assert _printed(second) == ["False False\nNone other\nb 0 1.5", "True", str(build.GC_THRESHOLDS)]


def test_a_failed_run_closes_the_kernel_and_the_next_starts_clean(tmp_path):
    broken = _notebook(tmp_path, "broken", "LEFT = 1", "1 / 0")
    after = _notebook(tmp_path, "after", "print('LEFT' in globals())", "import gc\nprint(gc.get_threshold())")
    # A kernel of its own: closing the shared one would make the next parameter test import
    # pandas and matplotlib and read the data again.
    with build.Kernel() as kernel:
        with pytest.raises(CellExecutionError, match="ZeroDivisionError"):
            build.execute(broken, kernel=kernel)
        assert kernel.km is None
        build.execute(after, kernel=kernel)
        assert kernel.km is not None
    assert kernel.km is None  # shut down at the end of the block
    assert _printed(after) == ["False", str(build.GC_THRESHOLDS)]  # a new kernel, as povlib starts one


def _outputs(path):
    nb = nbformat.read(path, as_version=4)
    return [
        [{k: v for k, v in o.items() if k != "execution_count"} for o in c.outputs]
        for c in nb.cells
        if c.cell_type == "code"
    ]


def test_a_notebook_gives_the_same_outputs_as_in_a_kernel_of_its_own(tmp_path, monkeypatch):
    monkeypatch.setenv(DIR_VAR, str(tmp_path / "figures"))
    monkeypatch.setenv(FORMATS_VAR, "png")
    monkeypatch.setenv(DPI_VAR, "100")  # the figure's own: its layout's draw is the PNG
    params = {"PROVINCES": ["backan"], "MERGED": [], "YEARS": (2019, 2024)}
    alone, shared = tmp_path / "alone.ipynb", tmp_path / "shared.ipynb"
    build.execute(NB["02"], parameters=params, out=alone)
    # The kernel the other parameter tests of this process share, whatever ran there before;
    # and another notebook runs first in any case, in Vietnamese, leaving its names and figures.
    build.execute(NB["01"], parameters={"lang": "vi"}, out=tmp_path / "before.ipynb", kernel=KERNEL)
    build.execute(NB["02"], parameters=params, out=shared, kernel=KERNEL)
    a, s = _outputs(alone), _outputs(shared)
    assert sum(map(len, a)) >= 4 and any("image/png" in o.get("data", {}) for c in a for o in c)
    assert a == s
    # the run is one of the parameter tests' choices (test_parameters.CASES): checked as they are
    chosen_only(nbformat.read(shared, as_version=4), "02", params)


def test_nbvals_kernel_that_dies_as_it_starts_is_started_once_more(monkeypatch):
    """notebooks/conftest.py: nbval starts a kernel that died before its first reply once
    more, with a warning; another error, or a second death, is raised as before. Each start
    gives the kernel povlib's arguments, as ``povlib build`` does."""
    import importlib.util
    import types

    import nbval.kernel

    from povlib import paths

    spec = importlib.util.spec_from_file_location("nbval_conftest", paths.NOTEBOOKS / "conftest.py")
    plugin = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(plugin)
    calls = []

    def fake(*args, **kwargs):
        calls.append(kwargs)
        if len(calls) in deaths:
            raise RuntimeError("Kernel died before replying to kernel_info")
        if len(calls) in others:
            raise RuntimeError("something else")
        return "km", "kc"

    monkeypatch.setattr(nbval.kernel, "start_new_kernel", fake)
    plugin.pytest_configure(types.SimpleNamespace(option=types.SimpleNamespace(nbval=False)))
    assert nbval.kernel.start_new_kernel is fake  # the unit tests' runs are left alone
    plugin.pytest_configure(types.SimpleNamespace(option=types.SimpleNamespace(nbval=True)))
    deaths, others = {1}, set()
    with pytest.warns(UserWarning, match="died as it started"):
        assert nbval.kernel.start_new_kernel(kernel_name="k") == ("km", "kc")
    assert len(calls) == 2
    assert [c["extra_arguments"] for c in calls] == [list(build.KERNEL_ARGUMENTS)] * 2
    assert "gc.set_threshold(10000, 10, 10)" in build.KERNEL_ARGUMENTS[0]
    calls.clear()
    deaths, others = {1, 2}, set()
    with pytest.warns(UserWarning), pytest.raises(RuntimeError, match="died before replying"):
        nbval.kernel.start_new_kernel()
    calls.clear()
    deaths, others = set(), {1}
    with pytest.raises(RuntimeError, match="something else"):
        nbval.kernel.start_new_kernel()
    assert len(calls) == 1

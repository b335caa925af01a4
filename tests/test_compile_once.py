"""The Makefile's compile step (scripts/compile_once.py) imports a module only where its
package has no bytecode yet: after ``make figures`` it compiles the test tools alone."""

from __future__ import annotations

import importlib.util
import py_compile
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "scripts"))
import compile_once  # noqa: E402


def test_only_packages_without_bytecode_are_imported(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in ("povtest_fresh", "povtest_done"):
        (tmp_path / name).mkdir()
        # importing the package leaves a mark beside it
        (tmp_path / name / "__init__.py").write_text(
            "import pathlib\npathlib.Path(__file__).with_name('imported').touch()\n"
        )
        (tmp_path / name / "sub.py").write_text("")
        monkeypatch.delitem(sys.modules, name, raising=False)
        monkeypatch.delitem(sys.modules, f"{name}.sub", raising=False)
    done = str(tmp_path / "povtest_done" / "__init__.py")
    py_compile.compile(done, cfile=importlib.util.cache_from_source(done))
    importlib.invalidate_caches()

    assert not compile_once.compiled("povtest_fresh.sub") and compile_once.compiled("povtest_done.sub")
    assert compile_once.compiled("povtest_not_installed")  # nothing to compile
    compile_once.main(["povtest_fresh.sub", "povtest_done.sub"])
    assert (tmp_path / "povtest_fresh" / "imported").exists()
    assert not (tmp_path / "povtest_done" / "imported").exists()
    assert compile_once.compiled("povtest_fresh")  # its bytecode is written now

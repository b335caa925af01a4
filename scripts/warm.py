"""Compile, once, the bytecode of everything the tests and notebooks import.

A new environment holds no bytecode (``make env`` does not compile it, to stay as quick
as a bare ``uv sync``), so the first import of each module compiles it and keeps the
result in ``.venv``.  When the unit tests, the notebook check and the site check start
side by side, each of their processes would compile pandas and matplotlib at once, about
5 s of one core apiece; importing them here first does that work a single time.
"""

from __future__ import annotations

import importlib
import pkgutil
import time

import povlib

# What the test workers, the notebook kernels and the site build import.
MODULES = [
    "pandas",
    "numpy",
    "pyarrow.csv",
    "matplotlib.pyplot",
    "matplotlib.backends.backend_agg",
    "matplotlib.backends.backend_svg",
    "matplotlib.backends.backend_pdf",
    "PIL.Image",
    "statsmodels.api",
    "frictionless",
    "nbformat",
    "nbclient",
    "nbconvert",
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "IPython.display",
    "pytest",
    "xdist.plugin",
    "nbval.plugin",
    "hypothesis",
]


def main() -> None:
    start = time.perf_counter()
    own = [m.name for m in pkgutil.iter_modules(povlib.__path__, "povlib.")]
    names = MODULES + [m for m in own if m != "povlib.__main__"]  # __main__ would run the CLI
    for name in names:
        importlib.import_module(name)
    print(f"bytecode compiled for {len(names)} modules in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()

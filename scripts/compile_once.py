"""Import the modules named on the command line once, so that their bytecode is written
before ``make test`` starts a dozen processes that would each compile them for itself.

A module whose top-level package already has its bytecode (``make figures`` compiles what
the notebooks and the build import) is not imported here: importing it again would only
cost its import time. Run by the Makefile's compile step; prints nothing."""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys


def compiled(name: str) -> bool:
    """Whether the top-level package of ``name`` has been compiled (or has no source)."""
    spec = importlib.util.find_spec(name.partition(".")[0])
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        return True  # not installed, or not Python source: nothing to compile here
    return os.path.exists(importlib.util.cache_from_source(spec.origin))


def main(names: list[str]) -> None:
    # Chosen before any import: importing one module compiles the packages it loads with it.
    missing = [name for name in names if not compiled(name)]
    for name in missing:
        importlib.import_module(name)


if __name__ == "__main__":
    main(sys.argv[1:])

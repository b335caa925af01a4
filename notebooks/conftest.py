"""pytest's settings for these notebooks under nbval (``make nbval``; the unit tests have
theirs in ``tests/conftest.py``). Nothing here is part of a notebook.

A kernel that dies before it answers its first request has run no cell: nbval then errors
every cell of that notebook. It happened once in some twenty runs of ``make test`` on a fresh
clone, while a dozen other processes were starting; the kernel's own error went to
``/dev/null``, where nbval sends it. Such a kernel is started once more, with a warning that
says so; a kernel that dies again, or a cell that fails, fails as before.

Each kernel is started as ``povlib build`` starts its own (:data:`povlib.build.KERNEL_ARGUMENTS`:
the garbage collector's setting), so that the check runs the notebooks as the build does."""

from __future__ import annotations

import warnings


def pytest_configure(config):
    if not getattr(config.option, "nbval", False):
        return
    import nbval.kernel

    from povlib.outputs.build import KERNEL_ARGUMENTS

    start = nbval.kernel.start_new_kernel

    def start_again_once(*args, **kwargs):
        kwargs.setdefault("extra_arguments", list(KERNEL_ARGUMENTS))
        try:
            return start(*args, **kwargs)
        except RuntimeError as exc:
            if "died before replying" not in str(exc):
                raise
            warnings.warn(f"nbval's kernel died as it started ({exc}); starting it once more", stacklevel=1)
            return start(*args, **kwargs)

    nbval.kernel.start_new_kernel = start_again_once

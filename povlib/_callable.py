"""Modules named after the function they hold (``audit``, ``reconcile``, ``extract``)."""

from __future__ import annotations

import sys
import types


def make_callable(module_name: str, func) -> None:
    """Make a module callable as its main function.

    ``povlib.audit`` is both a module and the function users call; once
    ``import povlib.audit`` has run, the package attribute is the module, so the
    module forwards calls to the function and ``povlib.audit(ds)`` always works.
    """

    class _CallableModule(types.ModuleType):
        def __call__(self, *args, **kwargs):
            return func(*args, **kwargs)

    sys.modules[module_name].__class__ = _CallableModule

"""povlib: source-traced poverty statistics for Lào Cai, Lạng Sơn and Bắc Kạn.

Importing the package is cheap: submodules (and pandas, matplotlib,
statsmodels behind them) load on first use of a name, so ``import povlib``
costs milliseconds and the command line starts fast.
"""

from __future__ import annotations

import importlib

__version__ = "0.2.0"

_EXPORTS = {
    "parse_figure": "numbers",
    "parse_series": "numbers",
    "format_number": "numbers",
    "Figure": "numbers",
    "FigureError": "numbers",
    "MONEY_UNIT": "numbers",
    "load_dataset": "tables",
    "DataError": "tables",
    "Dataset": "tables",
    "reconcile": "reconcile",
    "panel": "panel",
    "setup": "notebook",
    "series": "query",
    "coverage": "query",
    "QueryError": "query",
    "audit": "audit",
    "save_figure": "figures",
    "extract": "extract",
}

_SUBMODULES = {"vocabulary", "present", "plots", "derive", "targets", "standards", "query", "explore"}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        module = importlib.import_module(f".{_EXPORTS[name]}", __name__)
        value = getattr(module, name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:  # povlib.vocabulary etc. without an import line of their own
        module = importlib.import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    raise AttributeError(f"module 'povlib' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + __all__)

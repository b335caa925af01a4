"""povlib: source-traced poverty statistics for Lào Cai, Lạng Sơn and Bắc Kạn.

Importing the package is cheap: submodules (and pandas and matplotlib
behind them) load on first use of a name, so ``import povlib``
costs milliseconds and the command line starts fast.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys

__version__ = "0.2.0"

# Where each module stands in the layers (reading < analysis < audit < outputs): the flat
# names (``povlib.query``, ``from povlib import plots``) that notebooks and scripts use are
# the same module objects as the layered ones.
_MODULES = {
    "audit": "auditing.audit",
    "audit_checks": "auditing.checks",
    "audit_compare": "auditing.compare",
    "build": "outputs.build",
    "checks": "reading.checks",
    "cite": "outputs.cite",
    "derive": "analysis.derive",
    "descriptor": "reading.descriptor",
    "explore": "outputs.explore",
    "extract": "reading.extract",
    "figures": "outputs.figures",
    "files": "reading.files",
    "implied": "analysis.implied",
    "indicators": "reading.indicators",
    "notebook": "outputs.notebook",
    "numbers": "reading.numbers",
    "panel": "analysis.panel",
    "periods": "reading.periods",
    "plots": "outputs.plots",
    "present": "outputs.present",
    "problems": "reading.problems",
    "projections": "analysis.projections",
    "query": "analysis.query",
    "reconcile": "analysis.reconcile",
    "site": "outputs.site",
    "standards": "reading.standards",
    "tables": "reading.tables",
    "targets": "analysis.targets",
    "vocabulary": "reading.vocabulary",
}

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


__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        module = importlib.import_module(f".{_MODULES[_EXPORTS[name]]}", __name__)
        value = getattr(module, name)
        globals()[name] = value
        return value
    if name in _MODULES:  # ``povlib.plots`` without an import line of its own
        module = importlib.import_module(f".{_MODULES[name]}", __name__)
        globals()[name] = module
        return module
    raise AttributeError(f"module 'povlib' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + __all__)


class _Flat(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """``import povlib.query`` (and ``from povlib.query import series``) load the module
    where it stands, ``povlib.analysis.query``: one module under two names, so the
    notebooks' imports do not depend on the layout."""

    def find_spec(self, fullname, path=None, target=None):
        short = fullname.removeprefix(__name__ + ".")
        if fullname != short and short in _MODULES:
            return importlib.util.spec_from_loader(fullname, self)
        return None

    def create_module(self, spec):
        return importlib.import_module(f"{__name__}.{_MODULES[spec.name.rsplit('.', 1)[1]]}")

    def exec_module(self, module):  # already run under its layered name
        pass


sys.meta_path.append(_Flat())

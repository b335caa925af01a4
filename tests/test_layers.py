"""The tree shows the layers the code has: reading and checking the data, then the panel and
what is derived from it, then the audit, then what people see. A module imports from its
own layer and those before it, never from one after (an arrow running back up)."""

import ast
from pathlib import Path

from povlib import paths

LAYERS = ["reading", "analysis", "auditing", "outputs"]


def _targets(path: Path, package: str) -> list[str]:
    """Dotted names of the povlib modules that ``path`` (module of ``package``) imports."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            out += [f"{mod}.{a.name}" for a in node.names] if not node.module else [mod]
        elif isinstance(node, ast.Import):
            out += [a.name for a in node.names]
    return [t for t in out if t.startswith("povlib.")]


def back_up(root: Path) -> list[str]:
    """Each import, in ``root`` (a povlib folder), from a layer to a later one."""
    bad = []
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).parts
        if parts[0] not in LAYERS:
            continue
        package = ".".join(["povlib", *parts[:-1]])
        for t in _targets(path, package):
            layer = t.split(".")[1]
            if layer in LAYERS and LAYERS.index(layer) > LAYERS.index(parts[0]):
                bad.append(f"{path.relative_to(root)} imports {t}")
    return bad


def test_no_import_runs_back_up():
    assert back_up(paths.ROOT / "povlib") == []


def test_an_import_running_back_up_is_found(tmp_path):
    (tmp_path / "reading").mkdir()
    (tmp_path / "outputs").mkdir()
    (tmp_path / "outputs" / "plots.py").write_text("from ..reading import numbers\n")
    (tmp_path / "reading" / "tables.py").write_text("def f():\n    from ..outputs.plots import x\n")
    assert back_up(tmp_path) == ["reading/tables.py imports povlib.outputs.plots"]


def test_every_module_stands_in_a_layer():
    top = {p.name for p in (paths.ROOT / "povlib").glob("*.py")}
    assert top == {"__init__.py", "__main__.py", "_callable.py", "cli.py", "paths.py"}


def test_the_flat_names_are_the_layered_modules():
    # Notebooks and scripts written before the layers keep working: one module, two names.
    import povlib
    import povlib.analysis.query
    from povlib import plots
    from povlib.query import series

    assert series is povlib.analysis.query.series
    assert plots.__name__ == "povlib.outputs.plots"

"""environment.yml and pyproject.toml must list the same packages; import stays light."""

import re
import subprocess
import sys
import tomllib

import yaml

from povlib import paths


def _name(spec: str) -> str:
    return re.split(r"[<>=!~ \[]", spec.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((paths.ROOT / "pyproject.toml").read_text())["project"]
    py = {_name(s) for s in project["dependencies"]}
    for extra in project["optional-dependencies"].values():
        py |= {_name(s) for s in extra}
    env = yaml.safe_load((paths.ROOT / "environment.yml").read_text())
    conda = {_name(d) for d in env["dependencies"] if isinstance(d, str)} - {"python", "pip"}
    pip_part = [d for d in env["dependencies"] if isinstance(d, dict)][0]["pip"]
    assert conda == py, f"only in environment.yml: {conda - py}; only in pyproject: {py - conda}"
    assert "-e ." in pip_part
    assert "python=3.11" in env["dependencies"]
    assert env["channels"] == ["conda-forge"]


def test_versions_match_too():
    project = tomllib.loads((paths.ROOT / "pyproject.toml").read_text())["project"]
    specs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        specs += extra
    env = yaml.safe_load((paths.ROOT / "environment.yml").read_text())
    conda = {_name(d): d.replace(" ", "") for d in env["dependencies"] if isinstance(d, str)}
    for spec in specs:
        assert conda[_name(spec)] == spec.replace(" ", ""), spec


def test_import_povlib_loads_no_heavy_library():
    code = (
        "import sys, povlib; heavy = [m for m in ('pandas', 'matplotlib', 'pyarrow', "
        "'IPython') if m in sys.modules]; print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_lazy_names_resolve():
    import povlib

    assert povlib.parse_figure("1.306").value == 1306
    assert callable(povlib.audit) and callable(povlib.load_dataset)

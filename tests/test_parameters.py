"""The notebooks run to the end for other choices of their parameters (places, years,
language, data), on the real data and on the synthetic dataset, and their summaries
name only the places and years chosen."""

from __future__ import annotations

import re

import nbformat
import pytest

from povlib import build, paths
from povlib.outputs.figures import DIR_VAR, FORMATS_VAR

NB = {p.stem[:2]: p for p in build.notebooks()}

# Names that must not appear in a summary when their place is not chosen.
NAMES = {
    "laocai": "Lào Cai**",
    "langson": "Lạng Sơn",
    "backan": "Bắc Kạn",
    "laocai-2025": "Lào Cai (merged",
    "thainguyen-2025": "Thái Nguyên (merged",
}
ALL = set(NAMES)

CASES = [
    # one province and no merged unit, a short span of years: notebook 2 with Bắc Kạn alone,
    # 2019-2024, which tests/test_kernel.py runs in the shared kernel and checks as these are
    # one province beside the merged units (the grid keeps an empty panel for the legend)
    ("02", {"PROVINCES": ["langson"], "lang": "vi"}),
    # a merged province alone
    ("03", {"PROVINCES": ["backan"], "MERGED": [], "YEARS": (2022, 2025)}),
    ("03", {"PROVINCES": [], "MERGED": ["laocai-2025"]}),
    ("01", {"PROVINCES": ["langson"], "MERGED": ["thainguyen-2025"], "YEARS": (2020, 2025)}),
    ("04", {"PROVINCES": ["langson"], "MERGED": []}),
    ("05", {"PROVINCES": ["backan"], "MERGED": []}),
    ("06", {"PROVINCES": ["langson"], "MERGED": ["thainguyen-2025"]}),
    # notebook 7 with Bắc Kạn alone: test_parameters_nbB.test_the_audit_keeps_to_the_places_chosen;
    # notebook 9 with Lạng Sơn alone: test_a_place_with_no_figure_is_said_plainly below
]


# One kernel per test process runs these tests' notebooks in turn: forty runs would
# otherwise spend about 90 s of CPU starting Python and importing pandas and matplotlib.
# tests/test_kernel.py checks that a run there gives what a new kernel gives.
KERNEL = build.Kernel()


def _run(tmp_path, monkeypatch, stem, params):
    monkeypatch.setenv(DIR_VAR, str(tmp_path / "figures"))
    # Every chart is drawn and passes the layout guard, but none is painted or written: no
    # test here looks at the pixels, and painting and writing were a sixth of a run's CPU.
    # Under nbval the notebooks' own PNGs are painted and written (and shown).
    monkeypatch.setenv(FORMATS_VAR, "none")
    out = tmp_path / NB[stem].name
    build.execute(NB[stem], parameters=params, out=out, kernel=KERNEL)
    return nbformat.read(out, as_version=4)


def _summary(nb) -> str:
    cell = next(c for c in nb.cells if c.cell_type == "code" and "**Summary.**" in c.source)
    return "".join(o["data"]["text/markdown"] for o in cell.outputs if "text/markdown" in o.get("data", {}))


def chosen_only(nb, stem: str, params: dict) -> str:
    """The summary of a run with ``params``, checked: the parameters were injected, and it
    names only the places chosen and, in notebooks 2 and 3, only years chosen."""
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and "PROVINCES = " in injected[0].source
    text = _summary(nb)
    assert text, "the summary printed nothing"
    chosen = set(params.get("PROVINCES", ["laocai", "langson", "backan"]))
    chosen |= set(params.get("MERGED", ["laocai-2025", "thainguyen-2025"]))
    for geo in ALL - chosen:
        assert NAMES[geo] not in text, f"{stem}: the summary names {NAMES[geo]!r}, which was not chosen"
    if "YEARS" in params and stem in {"02", "03"}:
        lo, hi = params["YEARS"]
        years = {int(y) for y in re.findall(r"\((20\d\d)\)|at (20\d\d)", text) for y in y if y}
        assert years and all(lo <= y <= hi for y in years), years
    return text


@pytest.mark.parametrize(("stem", "params"), CASES, ids=lambda x: x if isinstance(x, str) else "")
def test_notebook_runs_with_other_parameters(tmp_path, monkeypatch, stem, params):
    chosen_only(_run(tmp_path, monkeypatch, stem, params), stem, params)


def test_a_place_with_no_figure_is_said_plainly(tmp_path, monkeypatch):
    # Lạng Sơn alone, in Vietnamese: no merged unit is chosen, so notebook 9's chart of the
    # merged provinces has nothing to draw and says so, in the notebook's language.
    params = {"PROVINCES": ["langson"], "MERGED": [], "lang": "vi"}
    nb = _run(tmp_path, monkeypatch, "09", params)
    assert chosen_only(nb, "09", params).startswith("**Tóm tắt.**")
    said = [
        o["data"]["text/markdown"]
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if "text/markdown" in o.get("data", {})
    ]
    assert "*Không có biểu đồ: không có số liệu nào cho các địa phương và các năm đã chọn.*" in said
    assert not any(s.startswith("*No chart") for s in said)


def test_notebook_runs_on_the_synthetic_dataset(tmp_path, monkeypatch, synth_dir):
    data = synth_dir
    params = {"PROVINCES": ["pa", "pb"], "MERGED": ["pa2"], "YEARS": (2019, 2025), "DATA": str(data)}
    text = _summary(_run(tmp_path, monkeypatch, "02", params))
    # Tỉnh An: 10.00% (2019) to 8.00% (2020) under the old standard, 12.00% (2021) to
    # 9.00% (2022) under the new; Tỉnh Bình 20.00% (2022) to 16.00% (2023, approved).
    assert "10.00% (2019) to 8.00% (2020)" in text
    assert "12.00% (2021) to 9.00% (2022)" in text
    assert "20.00% (2022) to 16.00% (2023)" in text
    assert "Tỉnh Cát" not in text


def test_unknown_parameter_is_refused():
    nb = nbformat.read(NB["02"], as_version=4)
    with pytest.raises(ValueError, match="unknown parameter.*PROVINCE;.*PROVINCES"):
        build.inject(nb, {"PROVINCE": ["backan"]})


def test_notebooks_carry_what_jupyterlab_writes():
    # Opening and saving a notebook in JupyterLab rewrites the kernel's display name: the
    # committed one is what it writes, so that a look leaves git clean.
    for path in build.notebooks(paths.NOTEBOOKS):
        nb = nbformat.read(path, as_version=4)
        assert nb.metadata.kernelspec.display_name == build.KERNEL_DISPLAY_NAME
        assert nb.metadata.kernelspec.name == "python3"

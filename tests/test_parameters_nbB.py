"""Notebooks 5, 6 and 7 (targets, forecasts, agreement between sources) run to the end for
other choices of their parameters, on the real data and on the synthetic dataset: their
summaries name only the places chosen, keep to the years chosen, are Vietnamese when the
notebook is, and say plainly when nothing is printed for the choice."""

from __future__ import annotations

import re

import pytest
from test_parameters import ALL, NAMES, _run, chosen_only

THREE = ["laocai", "langson", "backan"]
BOTH = ["laocai-2025", "thainguyen-2025"]


def _in(tmp_path, stem):
    # One folder per run, so that a test may run several notebooks.
    (tmp_path / stem).mkdir(exist_ok=True)
    return tmp_path / stem


def _summary(nb) -> str:
    # The first Markdown a code cell prints is the notebook's summary.
    for c in nb.cells:
        if c.cell_type != "code":
            continue
        for o in c.outputs:
            if "text/markdown" in o.get("data", {}):
                return o["data"]["text/markdown"]
    raise AssertionError("the notebook printed no summary")


def _said(nb) -> list[str]:
    return [
        o["data"]["text/markdown"]
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if "text/markdown" in o.get("data", {})
    ]


def _html(nb) -> str:
    return "".join(
        o["data"]["text/html"]
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if "text/html" in o.get("data", {})
    )


def _names_only_chosen(text: str, params: dict) -> None:
    chosen = set(params.get("PROVINCES", THREE)) | set(params.get("MERGED", BOTH))
    for geo in ALL - chosen:
        assert NAMES[geo] not in text, f"the summary names {NAMES[geo]!r}, which was not chosen"


CASES = [
    # one province, a short span of years
    ("05", {"PROVINCES": ["langson"], "MERGED": [], "YEARS": (2021, 2024)}),
    ("06", {"PROVINCES": ["langson"], "MERGED": [], "YEARS": (2021, 2024)}),
    ("07", {"PROVINCES": ["backan"], "MERGED": [], "YEARS": (2019, 2022)}),
    # a merged province alone
    ("05", {"PROVINCES": [], "MERGED": ["laocai-2025"]}),
    ("06", {"PROVINCES": [], "MERGED": ["thainguyen-2025"]}),
    ("07", {"PROVINCES": [], "MERGED": ["laocai-2025"]}),
    # in Vietnamese
    ("05", {"PROVINCES": ["backan"], "MERGED": [], "lang": "vi"}),
    ("06", {"PROVINCES": ["backan"], "MERGED": BOTH, "lang": "vi"}),
    ("07", {"PROVINCES": ["langson"], "MERGED": [], "lang": "vi"}),
]


@pytest.mark.parametrize(("stem", "params"), CASES, ids=lambda x: x if isinstance(x, str) else "")
def test_notebook_runs_with_other_parameters(tmp_path, monkeypatch, stem, params):
    nb = _run(tmp_path, monkeypatch, stem, params)
    text = _summary(nb)
    _names_only_chosen(text, params)
    vi = params.get("lang") == "vi"
    assert text.startswith("**Tóm tắt.**" if vi else "**Summary.**"), text[:80]
    if vi:  # every header and caption shown is Vietnamese too
        html = _html(nb)
        assert "<caption>Mỗi dòng" in html and "<th>place</th>" not in html and "One row" not in html
    if "YEARS" in params:
        lo, hi = params["YEARS"]
        # Every period a summary line pins a figure to ends within the years chosen (a
        # standard's name and a target's plan period are names, not figures).
        named = re.sub(r"20\d\d-20\d\d standard|chuẩn 20\d\d-20\d\d|its 20\d\d-20\d\d target", "", text)
        ends = [int(b or a) for a, b in re.findall(r"\b(20\d\d)(?:-(20\d\d))?\b", named)]
        assert all(lo <= y <= hi for y in ends), ends


def test_the_years_chosen_bound_the_outcomes(tmp_path, monkeypatch):
    # Lạng Sơn's 2021-2025 pace target is scored for four years; 2021 to 2023 keeps the falls
    # during 2022 and 2023, both from year-end reviews inside the span: one met (2021-2022),
    # one missed (2022-2023: 2.89 points against 3).
    nb = _run(tmp_path, monkeypatch, "05", {"PROVINCES": ["langson"], "MERGED": [], "YEARS": (2021, 2023)})
    text = _summary(nb)
    assert "- **Lạng Sơn**: 1 met, 1 missed" in text
    assert "a fall of 2.89 points against 3, short by 0.11" in text
    assert "2023-2024" not in text and "2024-2025" not in text


def test_a_choice_with_nothing_printed_says_so(tmp_path, monkeypatch):
    # No place at all: each notebook finishes, its summary says so in plain words, and every
    # table and chart gives way to a sentence.
    for stem, said in (
        ("05", "no poverty rate target is printed for the places and years chosen"),
        ("06", "No series of the places and years chosen has enough settled figures"),
        ("07", "No relation between printed figures can be tested for the places and years chosen"),
    ):
        nb = _run(_in(tmp_path, stem), monkeypatch, stem, {"PROVINCES": [], "MERGED": []})
        assert said in _summary(nb)
        rest = _said(nb)[1:]
        starts = ("*No table: no figure", "*No chart: no figure")
        assert rest and all(s.startswith(starts) for s in rest), rest
        assert "<table" not in _html(nb)


def test_a_choice_with_nothing_printed_says_so_in_vietnamese(tmp_path, monkeypatch):
    nb = _run(tmp_path, monkeypatch, "05", {"PROVINCES": [], "MERGED": ["thainguyen-2025"], "lang": "vi"})
    assert "không có mục tiêu nào về tỷ lệ hộ nghèo cho các địa phương và các năm đã chọn" in _summary(nb)
    assert "*Không có bảng: không có số liệu nào cho các địa phương và các năm đã chọn.*" in _said(nb)


def test_forecasts_of_a_merged_province_without_tests(tmp_path, monkeypatch):
    # Lào Cai (merged) prints two settled rates (21.24% in 2021, 8.18% in 2024): no test can
    # be made from them alone, but the three methods project 2025 from them, with no interval.
    # Straight line through (2021, 21.24) and (2024, 8.18): 8.18 - 13.06 / 3 = 3.83 in 2025.
    nb = _run(tmp_path, monkeypatch, "06", {"PROVINCES": [], "MERGED": ["laocai-2025"]})
    text = _summary(nb)
    assert "No series of the places and years chosen" in text
    assert "Lào Cai (merged, from July 2025), straight line (points per year): 3.83% in 2025" in text


def test_the_audit_keeps_to_the_places_chosen(tmp_path, monkeypatch):
    # Bắc Kạn alone: its real disagreements are listed, Lào Cai's 2024 restatement is not,
    # and the summary counts what was left out.
    params = {"PROVINCES": ["backan"], "MERGED": []}
    nb = _run(tmp_path, monkeypatch, "07", params)
    text = chosen_only(nb, "07", params)
    fall = "(poverty rate 2021 - poverty rate 2022) = reported fall"
    assert f"- Bắc Kạn 2021-2022: {fall}; printed 2.66, the other figures give 2.22" in text
    assert "Lào Cai 2024" not in text and "poverty_rate" not in text
    assert re.search(r"The other \*\*\d+\*\* relations of the audit concern places or years not chosen", text)


def test_notebooks_run_on_the_synthetic_dataset(tmp_path, monkeypatch, synth_dir):
    data = synth_dir
    params = {"PROVINCES": ["pa", "pb"], "MERGED": ["pa2"], "YEARS": (2019, 2025), "DATA": str(data)}
    # Tỉnh Bình's pace target of 2-3 points a year over 2021-2025: the fall during 2023 (20% to
    # 16%, 4 points) meets it; the other years print no outcome.
    targets = _summary(_run(_in(tmp_path, "05"), monkeypatch, "05", params))
    assert "- **Tỉnh Bình**: 1 met, 4 no outcome printed" in targets and "Tỉnh Cát" not in targets
    # Two settled rates per series at most: nothing to test; Tỉnh An (merged) already reaches 2025.
    fc = _summary(_run(_in(tmp_path, "06"), monkeypatch, "06", params))
    assert "No series of the places and years chosen" in fc
    assert "Nothing is projected for Tỉnh An (merged) (the series already reaches the end" in fc
    # Tỉnh Bình's 2023 rate is printed twice (an estimate of 15.00%, then 16.00% approved).
    audit = _run(_in(tmp_path, "07"), monkeypatch, "07", params)
    text = _summary(audit)
    assert "**1** set a provisional figure against the final one" in text
    assert "**1** places, indicators and years are printed with different values" in text
    assert "Tỉnh Cát" not in text
    assert "<td>16; 15</td>" in _html(audit)


def test_notebooks_run_on_the_synthetic_dataset_in_vietnamese(tmp_path, monkeypatch, synth_dir):
    data = synth_dir
    params = {"PROVINCES": ["pb"], "MERGED": [], "DATA": str(data), "lang": "vi"}
    targets = _run(_in(tmp_path, "05"), monkeypatch, "05", params)
    assert "- **Tỉnh Bình**: 1 đạt, 4 chưa có kết quả được công bố" in _summary(targets)
    # The 2025 level target of 8% needs (16 - 8) / 2 = 4 points a year from the 2023 rate.
    assert "cần giảm 4 điểm % mỗi năm từ năm 2023" in _html(targets)
    audit = _run(_in(tmp_path, "07"), monkeypatch, "07", params)
    assert _summary(audit).startswith("**Tóm tắt.**")
    assert "<td>16; 15</td>" in _html(audit) and "printed" not in _html(audit)

"""Notebooks 1, 3 and 4 run to the end for other choices of their parameters (one province
over a few years, a merged province alone, Vietnamese, a place with no figure, no place at
all), on the real data and on the synthetic dataset; their summaries name only the places
chosen, show only years chosen, are Vietnamese when asked, and say plainly when nothing is
printed."""

from __future__ import annotations

import json
import re

import pytest
from test_parameters import _run, _summary

import povlib
from povlib.analysis.panel import panel


def _in(folder):
    folder.mkdir(parents=True, exist_ok=True)
    return folder


STEMS = ("01", "03", "04")
DEFAULT = {"PROVINCES": ["laocai", "langson", "backan"], "MERGED": ["laocai-2025", "thainguyen-2025"]}
ONE = {"PROVINCES": ["backan"], "MERGED": [], "YEARS": (2021, 2024)}
CASES = [
    # one province over a short span of years: test_one_province_summaries_on_the_real_data
    # a merged province alone, in Vietnamese
    {"PROVINCES": [], "MERGED": ["thainguyen-2025"], "lang": "vi"},
    # a province of the region with no figure of these families at all
    {"PROVINCES": ["caobang"], "MERGED": []},
    # no place at all, in Vietnamese
    {"PROVINCES": [], "MERGED": [], "lang": "vi"},
]
NOTHING = {
    "en": ("No figure", "No disbursement ratio", "No place is chosen"),
    "vi": ("Không có số liệu", "Không có tỷ lệ giải ngân", "Chưa chọn địa phương nào"),
}
PLACES = ["laocai", "langson", "backan", "laocai-2025", "thainguyen-2025", "caobang", "hagiang"]


@pytest.fixture(scope="module")
def names():
    p = panel(povlib.load_dataset(povlib.paths.DATA))
    return {lang: {g: p.name(g, lang) for g in PLACES} for lang in ("en", "vi")}


def _named(text: str, name: str) -> bool:
    # "Lào Cai" is named only where it is not the start of "Lào Cai (merged ...)".
    return re.search(re.escape(name) + r"(?! \()", text) is not None


def _html(nb) -> str:
    return "".join(
        o["data"].get("text/html", "")
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if "data" in o
    )


def _years(text: str, names: dict) -> set[int]:
    # Years the summary shows, once the places' names (which carry "2025") are taken out.
    for name in sorted(names.values(), key=len, reverse=True):
        text = text.replace(name, "")
    return {int(y) for y in re.findall(r"(?<!\d)(20\d\d)(?!\d)", text)}


@pytest.mark.parametrize("stem", STEMS)
@pytest.mark.parametrize("params", CASES, ids=["merged-vi", "no-figure", "nothing-vi"])
def test_real_data_with_other_parameters(tmp_path, monkeypatch, names, stem, params):
    checked_summary(_run(tmp_path, monkeypatch, stem, params), stem, params, names)


def checked_summary(nb, stem: str, params: dict, names: dict) -> str:
    """The summary of a run with ``params``, checked: in the notebook's language, naming
    only the places chosen and only years chosen, saying so when nothing is printed, and
    with nothing English shown in Vietnamese."""
    lang = params.get("lang", "en")
    cell = next(c for c in nb.cells if c.cell_type == "code" and "**Summary.**" in c.source)
    text = "".join(o["data"]["text/markdown"] for o in cell.outputs if "text/markdown" in o.get("data", {}))
    assert text.startswith("**Tóm tắt.**" if lang == "vi" else "**Summary.**"), text[:80]
    chosen = set(params.get("PROVINCES", DEFAULT["PROVINCES"])) | set(params.get("MERGED", DEFAULT["MERGED"]))
    for geo in set(PLACES) - chosen:
        assert not _named(text, names[lang][geo]), f"{stem}: {names[lang][geo]!r} is named but not chosen"
    lo, hi = params.get("YEARS", (2016, 2025))
    assert all(lo <= y <= hi for y in _years(text, names[lang])), (stem, _years(text, names[lang]))
    if not chosen or chosen == {"caobang"}:
        assert any(s in text for s in NOTHING[lang]), f"{stem}: {text!r}"
    if lang == "vi":
        # Nothing English is shown: no English summary, header or caption.
        shown = " ".join(
            str(o["data"].get("text/html", "")) + str(o["data"].get("text/markdown", ""))
            for c in nb.cells
            if c.cell_type == "code"
            for o in c.outputs
            if "data" in o
        )
        for english in ("One row per", "place</th>", "No table", "No chart", "Summary", "Nothing is printed"):
            assert english not in shown, f"{stem}: {english!r} shown in Vietnamese"
    return text


def test_one_province_summaries_on_the_real_data(tmp_path, monkeypatch, names):
    # Bắc Kạn, 2021-2024: poverty rates printed in 2021, 2022, 2023 and 2024 (notebook 1);
    # credit of 2,300 bn dong ("more than") at March 2022 and 3,300 at June 2024, whose
    # growth over the 2.25 years between is one pair of dates with both months (notebook 3);
    # the poverty-reduction programme's ratio of 43.0% for 2022 (notebook 4).
    runs = {stem: _run(_in(tmp_path / stem), monkeypatch, stem, ONE) for stem in STEMS}
    one, three, four = (checked_summary(nb, stem, ONE, names) for stem, nb in runs.items())
    assert "of the 4 from 2021 to 2024: Bắc Kạn 4." in one
    assert "- **Bắc Kạn**: 2,300 (more than) at 2022-03; 3,300 (more than) at 2024-06" in three
    assert "Pairs of dates that allow a growth rate: 1; of them with both months printed: 1" in three
    assert (
        "- **Bắc Kạn**, Disbursement ratio, poverty reduction NTP, capital of 2022: "
        "1 date, latest 43.0% at 2022" in four
    )


SYNTHETIC = {"PROVINCES": ["pa", "pb", "pc"], "MERGED": ["pa2"], "YEARS": (2019, 2025)}


def test_coverage_on_the_synthetic_dataset(tmp_path, monkeypatch, synth_dir):
    data = synth_dir
    params = {**SYNTHETIC, "DATA": str(data), "NATION": "", "REGION": ""}  # the synthetic data has neither
    text = _summary(_run(tmp_path, monkeypatch, "01", params))
    # All 25 figures fall in 2019-2025 and belong to the four units or to Huyện Đông in
    # Tỉnh Bình (one figure); sources s1 (press), s2 (decision) and s3 (portal). Poverty
    # rates (outcomes, not the 2025 target): Tỉnh An 2019-2022, Tỉnh Bình 2022 and 2023,
    # Tỉnh Cát 2023, Tỉnh An (merged) 2025.
    assert "holds **25 figures** from **3 sources** (1 decision, 1 government portal, 1 press)" in text
    assert "1 of the figures are about districts" in text
    assert "of the 7 from 2019 to 2025: Tỉnh An 4; Tỉnh Bình 2; Tỉnh Cát 1; Tỉnh An (merged) 1." in text
    vi = _summary(_run(_in(tmp_path / "vi"), monkeypatch, "01", {**params, "lang": "vi"}))
    assert (
        "**Tóm tắt.**" in vi and "**25 số liệu** từ **3 nguồn**" in vi and "Tỉnh An (sau sáp nhập) 1." in vi
    )


def test_credit_on_the_synthetic_dataset(tmp_path, monkeypatch, synth_dir):
    data = synth_dir
    params = {**SYNTHETIC, "DATA": str(data), "CREDIT": "credit_balance"}
    nb = _run(tmp_path, monkeypatch, "03", params)
    text = _summary(nb)
    # Tỉnh Cát: 100 bn implied for 2022 by 110 bn at end-2023 up 10%; 121 bn at June 2024.
    assert (
        "- **Tỉnh Cát**: 100.0 at 2022, month not printed, implied by other figures; "
        "110.0 at 2023, month not printed; 121.0 at 2024-06"
    ) in text
    assert (
        "Nothing is printed for **Tỉnh An**, **Tỉnh Bình** and **Tỉnh An (merged)** in these years." in text
    )
    # 2022 to 2023 and 2023 to June 2024: two pairs, neither with both months printed.
    assert "Pairs of dates that allow a growth rate: 2; of them with both months printed: 0" in text
    # Credit per household: 110 bn over the 10,000 households implied for 2023 (1,500 poor
    # households at 15%), 11.00 million dong a household.
    html = _html(nb)
    assert "<td>Tỉnh Cát</td>\n      <td>2023</td>\n      <td>110.0</td>\n      <td>10,000</td>" in html
    assert "<td>11.00</td>" in html
    short = _summary(_run(_in(tmp_path / "short"), monkeypatch, "03", {**params, "YEARS": (2024, 2025)}))
    assert "- **Tỉnh Cát**: 121.0 at 2024-06" in short and "2023" not in short


def test_disbursement_on_the_synthetic_dataset(tmp_path, monkeypatch, synth_dir):
    data = synth_dir
    nb = _run(tmp_path, monkeypatch, "04", {**SYNTHETIC, "DATA": str(data), "lang": "vi"})
    text = _summary(nb)
    # Tỉnh Cát: 80% of its 2023 plan, with no plan year printed.
    assert (
        "- **Tỉnh Cát**, Tỷ lệ giải ngân so với kế hoạch giao, không ghi năm kế hoạch: 1 thời điểm, " in text
    )
    assert "gần nhất 80,0% tại 2023" in text
    # The table: 40 bn disbursed of a 50 bn plan implied by the two (40 / 0.8).
    html = _html(nb)
    assert "<td>40,0</td>" in html and "<td>50,0</td>" in html and "<td>80,0</td>" in html


def test_coverage_chart_of_many_places_lays_itself_out_again(tmp_path, monkeypatch):
    # Fourteen provinces and two merged units make eighty rows of place and family: more
    # than half a page holds, so the chart draws one row per place (all families together)
    # and the table keeps the families apart.
    region = ["laocai", "langson", "backan", "hagiang", "caobang", "tuyenquang", "dienbien", "laichau"]
    region += ["sonla", "yenbai", "hoabinh", "thainguyen", "bacgiang", "phutho"]
    nb = _run(tmp_path, monkeypatch, "01", {"PROVINCES": region})
    record = json.loads((tmp_path / "figures" / "01_coverage_en.json").read_text(encoding="utf-8"))
    assert record["caption"].startswith("Number of sources that print a figure of any family")
    assert "<td>Cao Bằng</td>" in _html(nb)

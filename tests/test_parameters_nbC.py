"""Notebooks 8 and 9 run to the end for other choices of their parameters, on the real data
and on the synthetic dataset; their summaries name only the places and years chosen, say
plainly what is not printed, and are Vietnamese when the notebook's language is."""

from __future__ import annotations

import re

from test_parameters import NAMES, _run, _summary

import povlib
from povlib import standards


def _said(nb) -> str:
    """Every Markdown and HTML output of the notebook (sentences and tables), joined."""
    return "\n".join(
        o["data"].get("text/markdown", "") + o["data"].get("text/html", "")
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if "data" in o
    )


def _years(text: str) -> set[int]:
    return {int(y) for y in re.findall(r"(?<!\d)(20\d\d)(?!\d)", text)}


def test_08_another_province_with_nothing_at_these_levels(tmp_path, monkeypatch):
    # Lạng Sơn has no group of communes and no commune in the data: said plainly, no table.
    nb = _run(tmp_path, monkeypatch, "08", {"PROVINCE": "langson"})
    text = _summary(nb)
    assert "The data hold no place of these levels in Lạng Sơn" in text
    assert "Lào Cai" not in text and NAMES["backan"] not in text
    said = _said(nb)
    assert "*No table: no figure is printed for the places and years chosen.*" in said
    assert "*No table: the audit has no check of the places and years chosen.*" in said


def test_08_districts_of_backan_in_vietnamese(tmp_path, monkeypatch):
    params = {"PROVINCE": "backan", "LEVELS": ["district"], "YEARS": (2018, 2023), "lang": "vi"}
    nb = _run(tmp_path, monkeypatch, "08", params)
    text = _summary(nb)
    assert text.startswith("**Tóm tắt.** Các huyện của Bắc Kạn, 2018-2023:")
    # Na Rì: 32.81% in 2023, preliminary; a fall of 3.63 points over 2022-2023 (data/observations.csv).
    assert "- **Na Rì**: tỷ lệ hộ nghèo **32,81%** năm 2023 (sơ bộ)." in text
    assert "mức giảm tỷ lệ hộ nghèo, **3,63 điểm %**, giai đoạn 2022-2023" in text
    assert "Lào Cai" not in text and NAMES["langson"] not in text
    assert _years(text) and all(2018 <= y <= 2023 for y in _years(text)), _years(text)
    for english in ("poverty rate", "verdict", "reported", "points"):
        assert english not in text
    said = _said(nb)
    assert "<th>địa phương</th>" in said and "<th>place</th>" not in said
    assert "<th>phép kiểm tra</th>" in said and "sơ bộ" in said


def test_08_default_in_vietnamese_translates_verdicts(tmp_path, monkeypatch):
    nb = _run(tmp_path, monkeypatch, "08", {"lang": "vi"})
    text = _summary(nb)
    # The group's rate of 50.54% (2023) against its 2025 target of 17.26% needs
    # (50.54 - 17.26) / 2 = 16.64 points a year.
    assert "tỷ lệ hộ nghèo **50,54%** năm 2023 (đã báo cáo)" in text
    assert "mục tiêu **17,26%** vào năm 2025: đánh giá **chưa có kết quả được công bố**" in text
    assert "cần giảm **16,64 điểm phần trăm mỗi năm** từ năm 2023" in text
    # The credit growth of 9.8% implies 304.8 / 1.098 = 277.6 billion dong a year earlier.
    assert "**304,8 tỷ đồng** năm 2023" in text and "**277,6 tỷ đồng**" in text
    assert "no outcome printed" not in _said(nb)


def test_08_on_the_synthetic_dataset(tmp_path, monkeypatch, synth_dir):
    data = synth_dir
    nb = _run(tmp_path, monkeypatch, "08", {"PROVINCE": "pb", "LEVELS": ["district"], "DATA": str(data)})
    text = _summary(nb)
    # Huyện Đông prints 30,00% for 2022 under the new standard and nothing else.
    assert "- **Huyện Đông**: a poverty rate of **30.00%** in 2022 (reported)." in text
    assert "Tỉnh An" not in text and "Tỉnh Cát" not in text
    nb = _run(tmp_path, monkeypatch, "08", {"PROVINCE": "pa", "DATA": str(data), "lang": "vi"})
    assert "Dữ liệu không có địa phương nào thuộc các cấp này ở Tỉnh An" in _summary(nb)


def test_09_one_province_and_its_merged_unit_in_vietnamese(tmp_path, monkeypatch):
    params = {"PROVINCES": ["backan"], "MERGED": ["thainguyen-2025"], "YEARS": (2021, 2024), "lang": "vi"}
    nb = _run(tmp_path, monkeypatch, "09", params)
    text = _summary(nb)
    assert text.startswith("**Tóm tắt.**")
    # Bắc Kạn 24.71% and the region 14.23% in 2022 (1.74 times); 19.46% and 8.72% in 2024 (2.23 times).
    assert "- **Bắc Kạn**: bằng 1,74 lần tỷ lệ của vùng năm 2022 và 2,23 lần năm 2024" in text
    for geo in ("laocai", "langson", "laocai-2025"):
        assert NAMES[geo] not in text
    # The standard's name carries its years; the years of the figures are the others.
    text = text.replace(standards.label(povlib.load_dataset().standards, "2022-2025", "vi"), "")
    assert _years(text) and all(2021 <= y <= 2024 for y in _years(text)), _years(text)
    said = _said(nb)
    assert "<th>đánh giá</th>" in said and "<th>verdict</th>" not in said
    assert "Lào Cai (merged" not in said and "Lào Cai (sau sáp nhập" not in said


def test_09_a_merged_province_alone(tmp_path, monkeypatch):
    nb = _run(tmp_path, monkeypatch, "09", {"PROVINCES": [], "MERGED": ["laocai-2025"]})
    text = _summary(nb)
    assert text.endswith("- No province is chosen.")
    said = _said(nb)
    assert "*No table: no rate is printed for the provinces and years chosen.*" in said
    assert "*No table: no place-year is scored against the yardsticks.*" in said
    assert "**Lào Cai (merged, from July 2025)** (Lào Cai + Yên Bái)" in said
    assert "Thái Nguyên (merged" not in said


def test_09_on_the_synthetic_dataset(tmp_path, monkeypatch, synth_dir):
    data = synth_dir
    params = {"PROVINCES": ["pa", "pb"], "MERGED": ["pa2"], "DATA": str(data)}
    nb = _run(tmp_path, monkeypatch, "09", params)
    text = _summary(nb)
    # The synthetic data hold no region and no nation: the notebook says so for each.
    assert "- **Tỉnh An**: no year in which it and the region both print a rate" in text
    assert "The data hold no place northern-midlands-mountains" in text
    assert "Tỉnh Cát" not in text
    said = _said(nb)
    assert "Printed rates of the merged units: Tỉnh An (merged) 5.00% (2025)" in said
    assert "*No chart: no figure is printed for the places and years chosen.*" in said

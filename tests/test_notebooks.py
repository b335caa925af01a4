"""The notebooks' prose cannot go stale, and every figure exists in both languages."""

import json
import re

import pytest

from povlib import paths

NOTEBOOKS = sorted(paths.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def _cells(path, kind):
    return [
        ("".join(c["source"]), c)
        for c in json.loads(path.read_text(encoding="utf-8"))["cells"]
        if c["cell_type"] == kind
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_number_is_typed_into_prose(path):
    # Every number a reader sees in text is printed by a code cell from the data; markdown
    # cells carry none (the notebook's own number in its title excepted).
    for text, _ in _cells(path, "markdown"):
        body = re.sub(r"^# \d+\. ", "# ", text)
        assert not re.search(r"\d", body), f"{path.name}: a number typed into prose: {body[:80]!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_summary_is_rendered_from_the_data(path):
    code = _cells(path, "code")
    assert "parameters" in code[0][1]["metadata"].get("tags", [])
    summary = code[2]
    assert "**Summary.**" in summary[0]
    outputs = summary[1]["outputs"]
    assert any("text/markdown" in o.get("data", {}) for o in outputs), path.name


def test_every_figure_in_both_languages():
    records = [json.loads(p.read_text(encoding="utf-8")) for p in paths.FIGURES.glob("*.json")]
    names = {r["name"] for r in records}
    assert names, "no figures recorded"
    for name in names:
        stem = name.rsplit("_", 1)[0]
        assert {f"{stem}_en", f"{stem}_vi"} <= names, stem
        for ext in ("png", "svg", "pdf"):
            assert (paths.FIGURES / f"{name}.{ext}").exists(), f"{name}.{ext}"
    index = (paths.FIGURES / "README.md").read_text(encoding="utf-8")
    assert all(f"[{n}]({n}.png)" in index for n in names)
    assert "## Sources" in index and "https://" in index


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_prose_in_both_languages(path):
    # Every markdown cell is tagged with its language, and each English one is followed by
    # its Vietnamese version; neither carries a digit (the title's number excepted).
    cells = [c for _, c in _cells(path, "markdown")]
    tags = [c["metadata"].get("tags", []) for c in cells]
    assert all(("en" in t) != ("vi" in t) for t in tags), path.name
    langs = ["en" if "en" in t else "vi" for t in tags]
    assert langs == ["en", "vi"] * (len(cells) // 2), f"{path.name}: {langs}"
    for c in cells:
        body = re.sub(r"^# \d+\. ", "# ", "".join(c["source"]))
        assert body.strip() and not re.search(r"\d", body)
    vi_text = " ".join("".join(c["source"]) for c, lang in zip(cells, langs, strict=True) if lang == "vi")
    assert re.search(r"[ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđ]", vi_text)

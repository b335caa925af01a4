"""No label in a Vietnamese figure is English, and no label in any figure is an id."""

import re

import pytest

import povlib
from povlib import paths

VI = sorted(paths.FIGURES.glob("*_vi.svg"))


def _labels(path) -> set[str]:
    svg = path.read_text(encoding="utf-8")
    texts = (re.sub(r"<[^>]+>", "", t).strip() for t in re.findall(r"<text[^>]*>(.*?)</text>", svg, re.S))
    return {t for t in texts if re.search(r"[A-Za-z]{3}", t)}


@pytest.fixture(scope="module")
def names():
    ds = povlib.load_dataset()
    geo = ds.geography
    places = set(geo["label_en"]) | set(geo["label_vi"]) | set(geo["name_vi"])
    ids = set(geo["geo_id"]) | set(ds.indicators["code"]) | set(ds.sources["source_id"])
    return places, ids


@pytest.mark.parametrize("vi", VI, ids=lambda p: p.stem)
def test_vietnamese_figure_has_no_english_label(vi, names):
    places, _ = names
    shared = (_labels(vi) & _labels(vi.with_name(vi.name.replace("_vi.", "_en.")))) - places
    assert not shared, f"{vi.name}: labels left in English: {sorted(shared)}"


@pytest.mark.parametrize("svg", sorted(paths.FIGURES.glob("*.svg")), ids=lambda p: p.stem)
def test_no_label_is_an_id(svg, names):
    _, ids = names
    for label in _labels(svg):
        # An outlet named by its web address (backan.gov.vn) is not an id.
        words = set(re.findall(r"[\w-]+", re.sub(r"\S+\.(?:vn|com|net|org)\b\S*", "", label)))
        assert not words & ids - {"households"}, f"{svg.name}: {label!r} shows an id"
        assert not re.search(r"\b[a-z]+_[a-z_]+\b", label), f"{svg.name}: {label!r} looks like a code"

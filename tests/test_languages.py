"""Each observation's raw is parsed in its source's language (sources.language)."""

import csv

import pandas as pd
import pytest

from povlib import numbers
from povlib.reading.tables import DataError, load_dataset, parse_raw, raw_languages, with_bounds

SOURCE = {
    "source_id": "test-en-page",
    "kind": "press",
    "file": "",
    "sha256": "",
    "url": "https://example.org/en/page",
    "publisher": "Example",
    "title": "A page",
    "author": "",
    "date_published": "2025-12-01",
    "date_accessed": "2026-11-22",
    "document": "",
    "language": "en",
    "description": "A made-up English page for a test.",
}


def _obs(
    obs_id,
    raw,
    indicator,
    unit,
    value,
    qualifier="exact",
    period="2024",
    standard="2022-2025",
    source_id="test-en-page",
):
    return {
        "obs_id": obs_id,
        "source_id": source_id,
        "paragraph": "",
        "raw": raw,
        "province": "laocai",
        "geo": "laocai",
        "indicator": indicator,
        "period": period,
        "standard": standard,
        "value": value,
        "unit": unit,
        "qualifier": qualifier,
        "status": "reported",
        "note": "",
    }


def _append(folder, table, rows):
    path = folder / f"{table}.csv"
    with path.open(encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    with path.open("a", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        for r in rows:
            w.writerow(r)


ROWS = [
    _obs("t.rate", "27.41 percent", "poverty_rate", "%", "27.41"),
    _obs("t.poor", "more than 3,300 households", "poor_households", "households", "3300", "more than"),
    _obs("t.credit", "VND4,565 billion", "vbsp_credit", "bn VND", "4565", period="2025-06", standard=""),
    _obs("t.plan", "1,782 billion VND", "ntp3_plan", "bn VND", "1782", standard=""),
    _obs("t.pace", "3.7%/year", "poverty_rate_fall_pp_per_year", "pp/year", "3.7", period="2021-2024"),
]


def test_english_page_figures_load_and_check(data_copy):
    _append(data_copy, "sources", [SOURCE])
    _append(data_copy, "observations", ROWS)
    ds = load_dataset(data_copy)
    o = ds.observations.set_index("obs_id")
    assert o.loc["t.rate", "value"] == 27.41
    assert o.loc["t.credit", "value"] == 4565
    fig = ds._parsed.set_index(ds.observations["obs_id"])
    assert fig.loc["t.poor", ["value", "unit", "qualifier", "step"]].tolist() == [
        3300,
        "households",
        "more than",
        100,
    ]
    assert fig.loc["t.pace", "unit"] == "%/year"


def test_the_same_raw_on_a_vietnamese_page_is_refused(data_copy):
    _append(data_copy, "sources", [{**SOURCE, "language": "vi"}])
    _append(data_copy, "observations", ROWS[:1])
    with pytest.raises(DataError, match="malformed number '27.41'"):
        load_dataset(data_copy)


def test_a_wrong_value_on_an_english_page_is_named(data_copy):
    _append(data_copy, "sources", [SOURCE])
    _append(data_copy, "observations", [{**ROWS[3], "value": "1.782"}])
    with pytest.raises(DataError, match="does not equal the parse of raw '1,782 billion VND'"):
        load_dataset(data_copy)


def test_raw_languages_from_the_sources_table_a_series_or_a_dict():
    obs = pd.DataFrame(
        {"source_id": ["a", "b", "a", "zz"], "raw": ["1.306"] * 4, "unit": [""] * 4}, index=[10, 11, 12, 13]
    )
    sources = pd.DataFrame({"source_id": ["a", "b"], "language": ["en", "vi"]})
    expected = ["en", "vi", "en", "vi"]  # an unknown source reads as Vietnamese
    assert raw_languages(obs, sources).tolist() == expected
    assert raw_languages(obs, sources.set_index("source_id")["language"]).tolist() == expected
    assert raw_languages(obs, {"a": "en", "b": "vi"}).tolist() == expected
    assert raw_languages(obs).tolist() == ["vi"] * 4
    assert raw_languages(obs.assign(language="en")).tolist() == ["en"] * 4
    parsed = parse_raw(obs, sources)
    assert parsed.index.tolist() == [10, 11, 12, 13]
    assert parsed["value"].tolist() == [1.306, 1306, 1.306, 1306]


def test_parse_raw_parses_each_distinct_triple_once(monkeypatch):
    calls = []
    real = numbers.parse_figure

    def counting(text, **kw):
        calls.append((text, kw.get("money_unit"), kw.get("lang")))
        return real(text, **kw)

    monkeypatch.setattr(numbers, "parse_figure", counting)
    numbers._read_one.cache_clear()  # what earlier tests of this process read is not read again
    n = 3000
    obs = pd.DataFrame(
        {
            "source_id": ["en1", "vi1", "en2"] * n,
            "raw": ["1,782 billion VND", "1.782 tỉ đồng", "1,782 billion VND"] * n,
            "unit": ["bn VND", "bn VND", "million VND"] * n,
        }
    )
    parsed = parse_raw(obs, {"en1": "en", "en2": "en", "vi1": "vi"})
    assert parsed["value"].tolist()[:3] == [1782, 1782, 1_782_000]
    assert sorted(calls) == sorted(
        [
            ("1,782 billion VND", "bn VND", "en"),
            ("1.782 tỉ đồng", "bn VND", "vi"),
            ("1,782 billion VND", "million VND", "en"),
        ]
    )


def test_with_bounds_reads_the_language(ds):
    en = ds.sources.loc[ds.sources["language"] == "en", "source_id"]
    if en.empty:
        pytest.skip("no English page in data/")
    a = with_bounds(ds.observations, languages=ds.sources)
    b = with_bounds(ds.observations, ds._parsed)
    assert a["step"].notna().all()
    pd.testing.assert_frame_equal(a, b)

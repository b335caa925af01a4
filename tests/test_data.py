"""The data tables: schema, provenance, curated totals, and errors on bad input."""

import unicodedata

import pandas as pd
import pytest
from conftest import needs_sources
from frictionless import Package

from povlib import paths
from povlib.cli import main
from povlib.reading.numbers import parse_figure
from povlib.reading.tables import DataError, load_dataset, source_paragraphs


def test_data_package_validates_with_frictionless():
    report = Package(str(paths.DATA / "datapackage.json")).validate()
    errors = [e.message for task in report.tasks for e in task.errors]
    assert report.valid, errors


def test_tables_load_typed(ds):
    assert ds.observations["value"].dtype == "Float64"
    assert ds.observations["paragraph"].dtype == "Int64"
    assert ds.geography["order"].dtype == "Int64"


def test_article_figures_name_a_paragraph_and_web_figures_do_not(ds):
    src = ds.sources.set_index("source_id")
    from_file = ds.observations["source_id"].map(src["file"]) != ""
    assert ds.observations.loc[from_file, "paragraph"].notna().all()
    assert ds.observations.loc[~from_file, "paragraph"].isna().all()
    # A web page carries its address and the day it was read.
    web = ds.sources[ds.sources["file"] == ""]
    assert web["url"].str.match(r"https?://").all() and web["date_accessed"].notna().all()


def test_poverty_figures_name_their_standard(ds):
    needs = ds.observations["indicator"].map(ds.indicators.set_index("code")["standard"])
    assert (ds.observations.loc[needs == "yes", "standard"] != "").all()
    assert (ds.observations.loc[needs == "no", "standard"] == "").all()


def test_merged_units_are_their_own_rows(ds):
    g = ds.geography.set_index("geo_id")
    for old, new in g.loc[g["successor"] != "", "successor"].items():
        assert g.at[old, "valid_to"] < g.at[new, "valid_from"]
        assert g.at[new, "level"] == g.at[old, "level"]


def test_region_membership_is_data(ds):
    # The statistics office's Northern Midlands and Mountains: 14 provinces as they stood
    # until 30 June 2025, each with its two-digit code; the region lies in the country.
    g = ds.geography.set_index("geo_id")
    members = g[g["parent"] == "northern-midlands-mountains"]
    assert len(members) == 14
    assert (members["level"] == "province").all() and (members["gso_code"].str.len() == 2).all()
    assert {"laocai", "langson", "backan"} <= set(members.index)
    assert g.at["hagiang", "gso_code"] == "02" and g.at["phutho", "gso_code"] == "25"
    assert g.loc["northern-midlands-mountains", ["level", "parent"]].tolist() == ["region", "vietnam"]
    assert g.loc["vietnam", ["level", "parent", "province"]].tolist() == ["country", "", "vietnam"]
    # Two pre-merger provinces went into one new unit: both name it.
    assert g.at["hagiang", "successor"] == g.at["tuyenquang", "successor"] == "tuyenquang-2025"


def test_poor_district_lists_name_districts_of_the_three_provinces(ds):
    from povlib.reading.tables import read_table

    pdl, problems = read_table("poor_districts")
    assert problems == []
    g = ds.geography.set_index("geo_id")
    assert (pdl["geo"].map(g["level"]) == "district").all()
    assert set(pdl["geo"].map(g["province"])) <= {"laocai", "langson", "backan"}
    assert set(pdl["source_id"]) <= set(ds.sources["source_id"])
    # Decision 353/QĐ-TTg (2021-2025), as the source prints it, lists four Lào Cai districts.
    qd353 = pdl[pdl["decision"].str.contains("353/QĐ-TTg")]
    assert sorted(qd353.loc[qd353["geo"].str.startswith("laocai-"), "geo"]) == [
        "laocai-bacha",
        "laocai-batxat",
        "laocai-muongkhuong",
        "laocai-simacai",
    ]


def test_relations_in_metadata_name_known_codes(ds):
    codes = set(ds.indicators["code"])
    for col in ("level_of", "numerator", "denominator", "part_of"):
        assert set(ds.indicators[col]) - {""} <= codes, col


def test_key_figures_as_printed(ds):
    o = ds.observations.set_index("obs_id")
    assert o.loc["backan-2023.p4.poor_households", ["raw", "value", "qualifier"]].tolist() == [
        "hơn 18.300 hộ",
        18300,
        "more than",
    ]
    assert o.loc["langson-2022.p10.poverty_rate_fall_pp", "value"] == 3.28
    assert o.loc["laocai-10xa-3y.p10.credit_balance", ["value", "unit"]].tolist() == [304.8, "bn VND"]
    assert o.loc["laocai-10xa-conf.p30.income_per_capita", "unit"] == "million VND/person/year"


def test_every_value_is_the_parse_of_raw(ds):
    lang = ds.sources.set_index("source_id")["language"]
    for _, r in ds.observations.iterrows():
        scale = r["unit"].partition("/")[0]
        fig = parse_figure(
            r["raw"], money_unit=scale if "VND" in scale else "bn VND", lang=lang[r["source_id"]]
        )
        # A range end may be printed on its own ("3%" and "4%/năm" with a sign on each end).
        ends = {"range low": fig.low, "range high": fig.high} if fig.low is not None else {}
        expected = ends.get(r["qualifier"], fig.value)
        assert r["value"] == pytest.approx(expected), r["obs_id"]


@needs_sources
def test_every_raw_stands_in_its_paragraph(ds):
    paras = source_paragraphs(ds.sources, paths.sources_dir())
    from_files = ds.observations[ds.observations["source_id"].isin(list(paras))]
    assert len(from_files) and from_files["paragraph"].notna().all()
    for _, r in from_files.iterrows():
        assert r["raw"] in paras[r["source_id"]][r["paragraph"] - 1], r["obs_id"]


def test_text_is_nfc_and_aliases_ascii(ds):
    for frame in (ds.sources, ds.geography, ds.indicators, ds.observations):
        for col in frame.select_dtypes("str"):
            assert frame[col].dropna().map(lambda v: unicodedata.is_normalized("NFC", v)).all()
    assert ds.geography["alias"].map(str.isascii).all()


def test_no_sentence_is_copied_from_the_articles(ds):
    # Notes are our words: no run of 12 words from a source may appear in them.
    if not paths.sources_dir().is_dir():
        pytest.skip("source texts not found")
    text = " ".join(" ".join(p) for p in source_paragraphs(ds.sources, paths.sources_dir()).values())
    for note in pd.concat([ds.observations["note"], ds.sources["description"]]):
        words = note.split()
        for i in range(len(words) - 11):
            assert " ".join(words[i : i + 12]) not in text, note


# --- bad input: each names file, row and column ---------------------------------


def _edit(folder, table, row, column, value):
    path = folder / f"{table}.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.loc[row - 1, column] = value
    df.to_csv(path, index=False, lineterminator="\n")


@pytest.mark.parametrize(
    "table, row, column, value, message",
    [
        ("observations", 3, "source_id", "nowhere", "unknown source 'nowhere'"),
        ("observations", 3, "geo", "hanoi", "unknown place 'hanoi'"),
        ("observations", 3, "indicator", "gdp", "unknown indicator code 'gdp'"),
        ("observations", 3, "obs_id", "laocai-10xa-3y.p1.communes", "duplicated id"),
        ("observations", 3, "value", "4.5", "does not equal the parse of raw '4,4 tỷ đồng'"),
        ("observations", 3, "raw", "4,4,4 tỷ đồng", "malformed number"),
        ("observations", 19, "value", "150.54", "outside 0 to 100"),
        ("observations", 3, "paragraph", "99", "out of range"),
        ("observations", 3, "paragraph", "5", "does not stand in paragraph 5"),
        ("observations", 3, "note", unicodedata.normalize("NFD", "Lào Cai"), "not Unicode NFC"),
        ("observations", 3, "qualifier", "roughly", "is not one of"),
        ("observations", 3, "value", "abc", "is not a number"),
        ("geography", 2, "name_vi", unicodedata.normalize("NFD", "Lạng Sơn"), "not Unicode NFC"),
        ("geography", 5, "parent", "atlantis", "unknown parent place"),
        ("geography", 5, "parent", "laocai-bacha", "form a cycle"),
        ("geography", 31, "province", "vietnam", "a province, region or country is its own province"),
        ("observations", 3, "period", "2023-2021", "runs backwards"),
        ("observations", 3, "period", "2099", "outside 1990-2050"),
        ("observations", 3, "obs_id", "bad id;x", "does not match the pattern"),
        ("observations", 3, "standard", "2016-2020", "not measured under a poverty standard"),
        ("sources", 1, "sha256", "0" * 64, "has changed"),
        ("sources", 2, "date_published", "27/02/2024", "not an ISO date"),
    ],
)
def test_bad_input_names_file_row_column(data_copy, table, row, column, value, message):
    if (
        message.startswith(("out of range", "does not stand", "has changed"))
        and not paths.sources_dir().is_dir()
    ):
        pytest.skip("source texts not found")
    if table == "observations" and row == 19:
        _edit(data_copy, table, row, "raw", "150,54%")
    _edit(data_copy, table, row, column, value)
    with pytest.raises(DataError) as err:
        load_dataset(data_copy)
    text = str(err.value)
    assert f"data/{table}.csv" in text or f"{table}.csv" in text
    where = "raw" if message.startswith("does not stand") else column  # the raw is what is wrong
    assert f"row {row} (line {row + 1}), column '{where}'" in text
    assert message in text


def test_missing_column_fails_loudly(data_copy):
    path = data_copy / "observations.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False).drop(columns=["unit"])
    df.to_csv(path, index=False)
    with pytest.raises(DataError, match="column 'unit': column is missing"):
        load_dataset(data_copy)


def test_nothing_is_dropped(data_copy):
    ds = load_dataset(data_copy)
    raw = pd.read_csv(data_copy / "observations.csv", dtype=str)
    assert len(ds.observations) == len(raw)


def test_check_command_exit_codes(data_copy, capsys):
    assert main(["check", "--data", str(data_copy)]) == 0
    _edit(data_copy, "observations", 3, "indicator", "gdp")
    _edit(data_copy, "observations", 4, "geo", "hanoi")
    assert main(["check", "--data", str(data_copy)]) == 1
    err = capsys.readouterr().err
    assert "row 3 (line 4), column 'indicator'" in err and "row 4 (line 5), column 'geo'" in err


def test_missing_sources_are_a_clear_skip(tmp_path, monkeypatch):
    # Only the default folder may be absent; a folder the caller names must exist.
    monkeypatch.delenv("POVLIB_SOURCES", raising=False)
    monkeypatch.setattr(paths, "sources_dir", lambda: tmp_path / "absent")
    ds = load_dataset()
    assert not ds.sources_checked
    assert any("raw figures were not looked up" in w for w in ds.warnings)
    with pytest.raises(DataError, match="folder of source texts does not exist"):
        load_dataset(sources_dir=tmp_path / "absent")

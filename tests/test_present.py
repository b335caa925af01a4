"""Tables for people: headers with units, a dash for a gap, words for booleans, the
decimals asked for, Vietnamese number writing, a caption, no index column."""

import pandas as pd
import pytest

from povlib.outputs.present import number, status, table

FRAME = pd.DataFrame(
    {
        "place": ["Lào Cai", "Bắc Kạn"],
        "rate": [8.2, None],
        "count": pd.array([1306, pd.NA], dtype="Int64"),
        "derived": [True, False],
        "note": ["", "estimate replaced"],
    }
)
COLUMNS = {
    "place": {"en": "place", "vi": "địa phương"},
    "rate": {"en": "poverty rate, %", "vi": "tỷ lệ hộ nghèo, %"},
    "count": {"en": "poor households", "vi": "số hộ nghèo"},
    "derived": {"en": "implied", "vi": "suy ra"},
    "note": "note",
}
CAPTION = {"en": "One row per province.", "vi": "Mỗi dòng là một tỉnh."}


def test_english_table():
    t = table(FRAME, COLUMNS, lang="en", caption=CAPTION, decimals={"rate": 2, "count": 0})
    assert list(t.frame.columns) == ["place", "poverty rate, %", "poor households", "implied", "note"]
    assert t.frame.to_numpy().tolist() == [
        ["Lào Cai", "8.20", "1,306", "yes", "–"],
        ["Bắc Kạn", "–", "–", "no", "estimate replaced"],
    ]
    html = t._repr_html_()
    assert "<caption>One row per province.</caption>" in html
    assert "<th></th>" not in html and "NaN" not in html and "&lt;NA&gt;" not in html


def test_vietnamese_table():
    t = table(FRAME, COLUMNS, lang="vi", caption=CAPTION, decimals=2)
    assert t.frame.iloc[0].tolist() == ["Lào Cai", "8,20", "1.306,00", "có", "–"]
    assert t.caption == "Mỗi dòng là một tỉnh." and "tỷ lệ hộ nghèo, %" in t.frame.columns


def test_numbers_statuses_and_errors():
    assert number(1306.456, 1, "vi") == "1.306,5" and number(1306.456, 1, "en") == "1,306.5"
    assert status(pd.Series(["approved", "estimate"]), "vi").tolist() == ["đã phê duyệt", "ước tính"]
    with pytest.raises(KeyError, match="missing_col"):
        table(FRAME, {"missing_col": "x"}, lang="en", caption="c")
    with pytest.raises(ValueError, match="language"):
        table(FRAME, COLUMNS, lang="fr", caption="c")


def test_an_empty_choice_is_said_plainly():
    from povlib.outputs.present import Note, table_or_note

    empty = FRAME.iloc[0:0]
    en = table_or_note(empty, COLUMNS, lang="en", caption=CAPTION)
    vi = table_or_note(empty, COLUMNS, lang="vi", caption=CAPTION)
    assert isinstance(en, Note) and isinstance(vi, Note)
    assert en._repr_markdown_() == "*No table: no figure is printed for the places and years chosen.*"
    assert repr(vi) == "Không có bảng: không có số liệu nào cho các địa phương và các năm đã chọn."
    shown = table_or_note(FRAME, COLUMNS, lang="vi", caption=CAPTION, decimals={"rate": 2})
    assert shown.frame.iloc[0, 1] == "8,20"
    with pytest.raises(ValueError, match="language"):
        table_or_note(empty, COLUMNS, lang="fr", caption="c")


def test_words_listed_as_a_reader_writes_them():
    from povlib.outputs.present import join

    assert join([], "en") == "" and join(["Lào Cai"], "vi") == "Lào Cai"
    assert join(["Lào Cai", "Bắc Kạn"], "en") == "Lào Cai and Bắc Kạn"
    assert join(["Lào Cai", "Lạng Sơn", "Bắc Kạn"], "vi") == "Lào Cai, Lạng Sơn và Bắc Kạn"


def test_plain_numbers_keep_what_is_printed():
    from povlib.outputs.present import plain

    assert plain(1972767.0, "en") == "1,972,767" and plain(1972767.0, "vi") == "1.972.767"
    assert plain(0.015, "en") == "0.015" and plain(7.705, "vi") == "7,705"
    assert plain(3.0, "en") == "3" and plain(2.7, "en") == "2.7" and plain(-0.0001, "en") == "0"
    assert plain(0.12345, "en", max_decimals=2) == "0.12" and plain(float("nan"), "vi") == "–"


def test_periods_within_years():
    from povlib.reading.periods import within

    periods = pd.Series(["2016", "2015-2016", "2016-2020", "2025-10", "2026", ""])
    assert within(periods, (2016, 2025)).tolist() == [True, False, True, True, False, False]


def test_an_empty_table_says_so():
    from povlib.outputs.present import Table, table_or_note

    none = table_or_note(FRAME.iloc[:0], COLUMNS, lang="vi", caption=CAPTION)
    said = "*Không có bảng: không có số liệu nào cho các địa phương và các năm đã chọn.*"
    assert none._repr_markdown_() == said
    some = table_or_note(FRAME, COLUMNS, lang="en", caption=CAPTION, decimals=2)
    assert isinstance(some, Table) and some.frame.iloc[0, 1] == "8.20"


def test_a_number_with_no_decimals_given_is_written_plainly():
    from povlib.outputs.present import table

    frame = pd.DataFrame({"n": [1972767.0, 0.015]})
    t = table(frame, {"n": {"en": "n", "vi": "n"}}, lang="vi", caption=CAPTION)
    assert t.frame["n"].tolist() == ["1.972.767", "0,015"]  # never 1.97277e+06
    years = table(
        pd.DataFrame({"y": [2016, 2024]}), {"y": {"en": "year", "vi": "năm"}}, lang="en", caption=CAPTION
    )
    assert years.frame["year"].tolist() == ["2016", "2024"]  # a whole number as it is


def test_qualifiers_in_both_languages():
    # Every qualifier the schema allows has a word in each language; an unknown one is kept.
    import json

    from povlib import paths
    from povlib.outputs.present import QUALIFIER, qualifier

    fields = json.loads((paths.DATA / "datapackage.json").read_text(encoding="utf-8"))["resources"]
    enum = next(
        f["constraints"]["enum"] for r in fields for f in r["schema"]["fields"] if f["name"] == "qualifier"
    )
    assert set(enum) <= set(QUALIFIER["en"]) and set(QUALIFIER["en"]) == set(QUALIFIER["vi"])
    shown = qualifier(pd.Series(["at least", "derived", "range low", "odd"]), "vi").tolist()
    assert shown == ["ít nhất", "không đăng: suy ra", "mức thấp của khoảng", "odd"]
    t = table(
        pd.DataFrame({"q": qualifier(pd.Series(["more than", None]), "en")}),
        {"q": "printed as"},
        lang="en",
        caption="c",
    )
    assert t.frame["printed as"].tolist() == ["more than", "–"]

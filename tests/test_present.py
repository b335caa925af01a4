"""Tables for people: headers with units, a dash for a gap, words for booleans, the
decimals asked for, Vietnamese number writing, a caption, no index column."""

import pandas as pd
import pytest

from povlib.present import number, status, table

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


def test_qualifiers_in_both_languages():
    # Every qualifier the schema allows has a word in each language; an unknown one is kept.
    import json

    from povlib import paths
    from povlib.present import QUALIFIER, qualifier

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

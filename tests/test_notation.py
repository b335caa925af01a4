"""One reader, two notations: the notation table drives parsing, printing and the
vectorised pass of parse_many alike; values computed by hand."""

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from povlib import numbers
from povlib.reading.numbers import (
    LANGUAGES,
    NOTATIONS,
    FigureError,
    Notation,
    format_number,
    parse_figure,
    parse_many,
    parse_number,
)


def test_every_notation_is_a_language():
    assert LANGUAGES == ("vi", "en") == tuple(NOTATIONS)
    assert {n.lang: (n.thousands, n.decimal) for n in NOTATIONS.values()} == {
        "vi": (".", ","),
        "en": (",", "."),
    }


@pytest.mark.parametrize(
    "lang, token, value, decimals",
    [("vi", "8.310,09", "8310.09", 2), ("en", "8,310.09", "8310.09", 2), ("en", "1.306", "1.306", 3)],
)
def test_parse_number_in_each_notation(lang, token, value, decimals):
    got = parse_number(token, lang=lang)
    assert (str(got[0]), got[1]) == (value, decimals)


def test_messages_name_the_notation():
    with pytest.raises(FigureError, match="in Vietnamese notation thousands are grouped by '.'"):
        parse_figure("27.41%")
    with pytest.raises(FigureError, match="in English a decimal is written with '.' \\(0.5\\)"):
        parse_figure("0,500", lang="en")
    with pytest.raises(FigureError, match="unknown language 'fr'"):
        parse_number("1", lang="fr")


def test_a_common_unit_may_hold_no_digit_or_mark():
    odd = Notation(**{**NOTATIONS["vi"].__dict__, "common_units": ("%", " tr.đ")})
    with pytest.raises(ValueError, match="tr.đ"):
        numbers._fast_form(odd)


# One batch per example: 60 batches of up to 25 figures, as the Vietnamese test does.
@settings(max_examples=60)
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=10**12),
            st.integers(min_value=0, max_value=3),
            st.sampled_from(["%", " percent", " per cent", " households", " billion VND", " Percent"]),
            st.sampled_from(["", "more than ", "over ", "about ", "at least ", "More than "]),
        ),
        min_size=1,
        max_size=25,
    )
)
def test_english_fast_path_stays_identical_to_parse_figure(cases):
    texts = [f"{qual}{format_number(n / 10**dec, dec, lang='en')}{unit}" for n, dec, unit, qual in cases]
    out = parse_many(pd.Series(texts), langs="en")
    for text, (_, row) in zip(texts, out.iterrows(), strict=True):
        fig = parse_figure(text, lang="en")
        assert row["error"] == "", text
        for k in ("value", "unit", "qualifier", "decimals", "step"):
            assert row[k] == getattr(fig, k), (text, k)


def test_parse_many_spreads_repeated_and_distinct_rows_alike():
    texts = pd.Series(["hơn 1.306 hộ", "50,54%", "hơn 1.306 hộ", "2-3%"], index=[10, 11, 12, 13])
    out = parse_many(texts)
    assert out.index.tolist() == [10, 11, 12, 13]
    assert out["value"].tolist()[:3] == [1306, 50.54, 1306]
    assert out["qualifier"].tolist() == ["more than", "exact", "more than", "exact"]
    assert out["unit"].tolist() == ["households", "%", "households", "%"]
    assert out["decimals"].tolist() == [0, 2, 0, 0]
    assert out["step"].tolist() == [1, 0.01, 1, 1]
    assert (out["low"].iloc[3], out["high"].iloc[3], out["value"].iloc[3]) == (2, 3, 2.5)
    assert out.dtypes.astype(str).tolist() == [
        "float64",
        "category",
        "category",
        "int64",
        "float64",
        "float64",
        "float64",
        "float64",
        "category",
    ]
    # the few-valued texts: a code per row, their distinct texts sorted as categories
    assert out["unit"].cat.categories.tolist() == ["%", "households"]
    assert out["unit"].cat.codes.tolist() == [1, 0, 1, 0]
    assert out["qualifier"].cat.categories.tolist() == ["exact", "more than"]
    assert out["error"].cat.categories.tolist() == [""]
    assert str(out["unit"].cat.categories.dtype) == "str"
    alone = parse_many(pd.Series(["12%"]))  # one row, read by the vectorised pass alone
    assert alone.dtypes.astype(str).tolist() == out.dtypes.astype(str).tolist()
    # all-distinct texts skip the gathering and give the same table as when spread
    distinct = parse_many(pd.Series(["hơn 1.306 hộ", "50,54%", "2-3%"], index=[10, 11, 13]))
    pd.testing.assert_frame_equal(distinct, out.drop(index=12))


def test_an_uncommon_figure_is_read_once_per_process(monkeypatch):
    # Forms the vectorised pass leaves (here a range) go through parse_figure once per
    # process: loading the same folder again reads them from what was kept.
    from povlib.reading import numbers

    calls = []
    real = numbers.parse_figure
    monkeypatch.setattr(numbers, "parse_figure", lambda *a, **k: calls.append(a) or real(*a, **k))
    numbers._read_one.cache_clear()
    texts = pd.Series(["2-3%", "12%", "không rõ", "2-3%"])
    first, again = parse_many(texts), parse_many(texts)
    pd.testing.assert_frame_equal(first, again)
    assert sorted(a[0] for a in calls) == ["2-3%", "không rõ"]
    assert (first["low"].iloc[0], first["high"].iloc[0]) == (2, 3)
    assert first["error"].iloc[2] != "" and first["error"].iloc[1] == ""
    # a long text (no printed figure is) is read each time and not kept
    long = pd.Series(["khoảng " * 30 + "2-3%"])
    kept = numbers._read_one.cache_info().currsize
    calls.clear()
    pd.testing.assert_frame_equal(parse_many(long), parse_many(long))
    assert len(calls) == 2 and numbers._read_one.cache_info().currsize == kept

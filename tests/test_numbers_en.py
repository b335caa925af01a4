"""English notation (lang="en") and the Vietnamese spelling "tỉ"; values computed by hand."""

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from povlib.reading.numbers import (
    QUALIFIERS_EN,
    FigureError,
    format_number,
    parse_at,
    parse_figure,
    parse_in_unit,
    parse_many,
    parse_series,
)


@pytest.mark.parametrize(
    "text, value, unit, qualifier, decimals, step",
    [
        ("27.41 percent", 27.41, "%", "exact", 2, 0.01),
        ("73.7%", 73.7, "%", "exact", 1, 0.1),
        ("5.5%", 5.5, "%", "exact", 1, 0.1),
        ("12.06 per cent", 12.06, "%", "exact", 2, 0.01),
        ("29.4 percent", 29.4, "%", "exact", 1, 0.1),
        ("2.5 percentage points", 2.5, "%", "exact", 1, 0.1),
        ("1 percentage point", 1, "%", "exact", 0, 1),
        ("3.7%/year", 3.7, "%/year", "exact", 1, 0.1),
        ("4.48%/year", 4.48, "%/year", "exact", 2, 0.01),
        ("5 percent a year", 5, "%/year", "exact", 0, 1),
        ("3 percent per year", 3, "%/year", "exact", 0, 1),
        ("1,782 billion VND", 1782, "bn VND", "exact", 0, 1),
        ("11,311 billion VND", 11311, "bn VND", "exact", 0, 1),
        ("1,061.9 billion VND", 1061.9, "bn VND", "exact", 1, 0.1),
        ("VND4,565 billion", 4565, "bn VND", "exact", 0, 1),
        ("VND 3,638 billion", 3638, "bn VND", "exact", 0, 1),
        ("more than VND 927 billion", 927, "bn VND", "more than", 0, 1),
        ("nearly 1,700 billion VND", 1700, "bn VND", "nearly", 0, 100),
        ("more than 831 billion VND", 831, "bn VND", "more than", 0, 1),
        ("over 11,241 billion VND", 11241, "bn VND", "more than", 0, 1),
        ("351 billion dong", 351, "bn VND", "exact", 0, 1),
        ("1.63 trillion VND", 1630, "bn VND", "exact", 2, 10),  # 1.63 x 1000, to the 0.01 trillion
        ("2 trillion dong", 2000, "bn VND", "exact", 0, 1000),
        ("500 million VND", 0.5, "bn VND", "exact", 0, 0.1),  # 500 million: the 00 are rounding
        ("VND500 million", 0.5, "bn VND", "exact", 0, 0.1),
        ("7,000 VND", 0.000007, "bn VND", "exact", 0, 0.000001),
        ("more than 3,300 households", 3300, "households", "more than", 0, 100),
        ("nearly 62,000 households", 62000, "households", "nearly", 0, 1000),
        ("over 23,510 poor households", 23510, "households", "more than", 0, 10),
        ("nearly 23,250 near-poor households", 23250, "households", "nearly", 0, 10),
        ("84,076 poor households", 84076, "households", "exact", 0, 1),
        ("1 household", 1, "households", "exact", 0, 1),
        ("62 thousand households", 62000, "households", "exact", -3, 1000),
        ("1.2 million people", 1_200_000, "people", "exact", -5, 100_000),
        ("almost 4%", 4, "%", "nearly", 0, 1),
        ("about 12.5%", 12.5, "%", "about", 1, 0.1),
        ("around 5%", 5, "%", "about", 0, 1),
        ("under 20%", 20, "%", "under", 0, 1),
        ("below 3%", 3, "%", "under", 0, 1),
        ("at least 60%", 60, "%", "at least", 0, 1),
        ("More than 3,300 households", 3300, "households", "more than", 0, 100),
        ("1,306", 1306, "", "exact", 0, 1),
        ("1.306", 1.306, "", "exact", 3, 0.001),
        ("0.5", 0.5, "", "exact", 1, 0.1),
        ("8,310.09 km2", 8310.09, "km2", "exact", 2, 0.01),
    ],
)
def test_english_values(text, value, unit, qualifier, decimals, step):
    fig = parse_figure(text, lang="en")
    assert fig.value == pytest.approx(value, rel=1e-12)
    assert (fig.unit, fig.qualifier, fig.decimals) == (unit, qualifier, decimals)
    assert fig.step == pytest.approx(step, rel=1e-12)


def test_english_ranges_and_fractions():
    r = parse_figure("2-2.5 percent/year", lang="en")
    assert (r.low, r.high, r.value, r.unit, r.decimals) == (2.0, 2.5, 2.25, "%/year", 1)
    d = parse_figure("5 – 6 percent a year", lang="en")
    assert (d.low, d.high, d.unit) == (5, 6, "%/year")
    f = parse_figure("20,411/181,603 households", lang="en")
    assert (f.value, f.denominator, f.unit) == (20411, 181603, "households")


def test_english_money_in_another_declared_unit():
    assert parse_figure("1,782 billion VND", money_unit="million VND", lang="en").value == 1_782_000
    assert parse_figure("VND4,565 billion", money_unit="trillion VND", lang="en").value == 4.565
    per = parse_figure("24.1 million VND/person/year", money_unit="million VND", lang="en")
    assert (per.value, per.unit) == (24.1, "million VND/person/year")
    assert (
        parse_in_unit("24.1 million VND per person per year", "million VND/person/year", lang="en").unit
        == "million VND/person/year"
    )
    assert parse_in_unit("1,782 billion VND", "bn VND", lang="en").value == 1782
    assert parse_in_unit("3,124 households", "households", lang="en").value == 3124


@pytest.mark.parametrize(
    "text, value, qualifier",
    [
        ("hơn 3.300 tỉ đồng", 3300, "more than"),
        ("gần 300 tỉ đồng", 300, "nearly"),
        ("hơn 7.200 tỉ đồng", 7200, "more than"),
        ("5 tỉ", 5, "exact"),
        ("2 nghìn tỉ đồng", 2000, "exact"),
        ("1,5 ngàn tỉ", 1500, "exact"),
    ],
)
def test_ti_is_a_spelling_of_ty(text, value, qualifier):
    fig = parse_figure(text)
    assert (fig.value, fig.unit, fig.qualifier) == (value, "bn VND", qualifier)
    ty = parse_figure(text.replace("tỉ", "tỷ"))
    assert {**fig.__dict__, "text": ""} == {**ty.__dict__, "text": ""}


def test_the_language_decides_the_reading():
    assert parse_figure("1.306").value == 1306
    assert parse_figure("1.306", lang="en").value == 1.306
    assert parse_figure("4,4").value == 4.4
    with pytest.raises(FigureError):
        parse_figure("4,4", lang="en")  # a Vietnamese decimal on an English page
    with pytest.raises(FigureError):
        parse_figure("27.41%")  # an English decimal read as Vietnamese
    with pytest.raises(FigureError):
        parse_figure("1,782 billion VND")  # English words are not Vietnamese units
    with pytest.raises(FigureError):
        parse_figure("hơn 3.300 tỉ đồng", lang="en")


@pytest.mark.parametrize(
    "bad, why",
    [
        ("27.41 percent in 2016", "cannot read 'in 2016'"),
        ("estimated at 22.9 percent", "no number"),
        ("$22.1 million", "no number"),
        ("4,565 billion", "ambiguous"),  # billion of what?
        ("2 thousand", "ambiguous"),
        ("69.8 million USD", "ambiguous"),
        ("2,5%", "malformed number"),
        ("1.30.6", "malformed number"),
        ("1,23", "malformed number"),
        ("12,3456", "malformed number"),
        ("0,500", "leading 0"),
        ("VND", "no number"),
        ("VND 12%", "cannot read '%'"),
        ("3 - 1 households", "runs backwards"),
        ("1/0", "divides by zero"),
        ("12/2022", "month/year date"),
        ("１２", "non-ASCII digit"),
        ("1" * 31, "31 digits"),
        ("tres por ciento", "no number"),
        ("", "no number"),
    ],
)
def test_english_rejects_with_the_reason_and_the_input(bad, why):
    with pytest.raises(FigureError) as err:
        parse_figure(bad, lang="en")
    assert why in str(err.value)
    assert repr(bad) in str(err.value)


@pytest.mark.parametrize("lang", ["fr", "EN", "", None])
def test_unknown_language_is_a_figure_error(lang):
    with pytest.raises(FigureError) as err:
        parse_figure("12%", lang=lang)
    assert "'12%'" in str(err.value) and "unknown language" in str(err.value)
    out = parse_many(pd.Series(["12%"]), langs=pd.Series([lang]))
    assert "unknown language" in out["error"].iloc[0]


def test_parse_many_mixed_languages_equals_parse_figure():
    texts = [
        "50,54%",
        "73.7%",
        "1.306",
        "1.306",
        "hơn 18.300 hộ",
        "more than 3,300 households",
        "304,8 tỷ đồng",
        "VND4,565 billion",
        "hơn 3.300 tỉ đồng",
        "1,782 billion VND",
        "27.41 percent in 2016",
        "10%/năm",
        "3.7%/year",
        "12%",
    ]
    langs = ["vi", "en", "vi", "en", "vi", "en", "vi", "en", "vi", "en", "en", "vi", "en", "en"]
    money = ["bn VND"] * len(texts)
    money[7] = "million VND"
    out = parse_many(pd.Series(texts), pd.Series(money), pd.Series(langs))
    for i, (t, mu, lg) in enumerate(zip(texts, money, langs, strict=True)):
        row = out.iloc[i]
        try:
            fig = parse_figure(t, money_unit=mu, lang=lg)
        except FigureError as exc:
            assert row["error"] == str(exc)
            continue
        assert row["error"] == ""
        for k in ("value", "unit", "qualifier", "decimals", "step"):
            assert row[k] == getattr(fig, k), (t, lg, k)
    assert out["value"].iloc[2] == 1306 and out["value"].iloc[3] == 1.306
    assert out["value"].iloc[7] == 4_565_000


def test_parse_many_one_language_for_all_rows_and_parse_series():
    s = pd.Series(["1,306", "73.7%"], index=["a", "b"])
    assert parse_many(s, langs="en")["value"].tolist() == [1306, 73.7]
    assert parse_series(s, lang="en")["value"].tolist() == [1306, 73.7]
    vi = parse_many(s)  # Vietnamese by default
    assert vi["value"].iloc[0] == 1.306 and vi["error"].iloc[1].startswith("malformed number")


def test_format_number_english():
    assert format_number(8310.09, 2, lang="en") == "8,310.09"
    assert format_number(1306, lang="en") == "1,306"
    assert format_number(-4.4, 1, lang="en") == "-4.4"
    assert format_number(4249, -2, lang="en") == "4,200"
    with pytest.raises(ValueError):
        format_number(1, lang="de")


# --- properties ----------------------------------------------------------------------


@given(
    st.integers(min_value=0, max_value=3).flatmap(
        lambda d: st.tuples(st.integers(min_value=0, max_value=10 ** (30 - d) - 1), st.just(d))
    )
)
def test_english_round_trip_up_to_thirty_digits(n_and_decimals):
    n, decimals = n_and_decimals
    fig = parse_figure(format_number(n, decimals, lang="en"), lang="en")
    assert fig.value == float(n)
    assert fig.decimals == decimals


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=3))
def test_english_and_vietnamese_print_the_same_value(n, decimals):
    value = n / 10**decimals
    en = parse_figure(format_number(value, decimals, lang="en"), lang="en")
    vi = parse_figure(format_number(value, decimals))
    assert en.value == vi.value == pytest.approx(value, rel=1e-12, abs=1e-12)
    assert (en.decimals, en.step) == (vi.decimals, vi.step)


_EN_UNITS = {
    "%": ("%", "%", 1),
    " percent": ("%", "%", 1),
    " per cent": ("%", "%", 1),
    " percentage points": ("%", "%", 1),
    " households": ("households", "households", 1),
    " billion VND": ("bn VND", "bn VND", 1),
    " billion dong": ("bn VND", "bn VND", 1),
    " trillion VND": ("bn VND", "bn VND", 1000),
    " million VND": ("bn VND", "bn VND", 1e-3),
}


@given(
    st.integers(min_value=1, max_value=10**9),
    st.integers(min_value=0, max_value=2),
    st.sampled_from(sorted(_EN_UNITS)),
    st.sampled_from(["", *sorted(QUALIFIERS_EN)]),
)
def test_english_qualifier_unit_and_value_survive_round_trip(n, decimals, unit, qual):
    printed = format_number(n / 10**decimals, decimals, lang="en")
    text = f"{qual} {printed}{unit}".strip()
    fig = parse_figure(text, lang="en")
    assert fig.value == pytest.approx(n / 10**decimals * _EN_UNITS[unit][2], rel=1e-12)
    assert fig.unit == _EN_UNITS[unit][0]
    assert fig.qualifier == QUALIFIERS_EN.get(qual, "exact")


@given(
    st.integers(min_value=1, max_value=10**9),
    st.integers(min_value=0, max_value=2),
    st.sampled_from(["", "more than ", "about "]),
)
def test_currency_first_equals_currency_after(n, decimals, qual):
    printed = format_number(n / 10**decimals, decimals, lang="en")
    before = parse_figure(f"{qual}VND{printed} billion", lang="en")
    after = parse_figure(f"{qual}{printed} billion VND", lang="en")
    assert (before.value, before.unit, before.qualifier, before.decimals, before.step) == (
        after.value,
        after.unit,
        after.qualifier,
        after.decimals,
        after.step,
    )


@given(
    st.integers(min_value=1, max_value=10**9),
    st.integers(min_value=0, max_value=2),
    st.sampled_from(["", "hơn ", "gần ", "khoảng "]),
    st.sampled_from(["tỉ đồng", "tỉ", "nghìn tỉ đồng", "ngàn tỉ"]),
)
def test_ti_and_ty_read_alike(n, decimals, qual, word):
    printed = format_number(n / 10**decimals, decimals)
    ti = parse_figure(f"{qual}{printed} {word}")
    ty = parse_figure(f"{qual}{printed} {word.replace('tỉ', 'tỷ')}")
    assert (ti.value, ti.unit, ti.qualifier, ti.decimals, ti.step) == (
        ty.value,
        ty.unit,
        ty.qualifier,
        ty.decimals,
        ty.step,
    )


_EN_PIECES = [
    "0",
    "1",
    "9",
    "12",
    "123",
    "1,000",
    "4.2",
    ".",
    ",",
    "/",
    "-",
    "–",
    "%",
    " ",
    "more than ",
    "over ",
    "nearly ",
    "about ",
    "at least ",
    "VND",
    " VND",
    "billion",
    " billion",
    " trillion",
    " million",
    " thousand",
    " dong",
    " percent",
    " per cent",
    " percentage points",
    " households",
    " poor households",
    "/year",
    " a year",
    " per year",
    "km2",
    "１",
    "٣",
    "ı",
    "İ",
    "\x00",
    "\n",
    "USD",
    "$",
    "999999999",
]


def _accepts_or_refuses(text: str):
    try:
        fig = parse_figure(text, lang="en")
    except FigureError as exc:
        assert repr(text) in str(exc) or len(text) > 120
        return
    for v in (fig.value, fig.step, fig.low, fig.high, fig.denominator):
        assert v is None or math.isfinite(v)
    assert fig.step > 0
    assert fig.denominator != 0
    if fig.low is not None:
        assert fig.low <= fig.value <= fig.high


@settings(max_examples=500)
@given(st.lists(st.sampled_from(_EN_PIECES), max_size=12).map("".join))
def test_english_figure_like_strings_parse_or_raise_figure_error(text):
    _accepts_or_refuses(text)


@given(st.text(max_size=60))
def test_english_any_string_parses_or_raises_figure_error(text):
    _accepts_or_refuses(text)


@settings(max_examples=300)
@given(
    st.lists(st.sampled_from(_EN_PIECES + ["In 2023 there were ", "the rate ", "; "]), max_size=20).map(
        "".join
    ),
    st.integers(min_value=0, max_value=200),
)
def test_english_parse_at_anywhere_returns_or_raises_figure_error(text, pos):
    pos = min(pos, len(text))
    try:
        fig, end = parse_at(text, pos, lang="en")
    except FigureError:
        return
    assert pos < end <= len(text)
    assert math.isfinite(fig.value)


# Each example is one batch through parse_many: 60 lists of up to 30 rows cover every
# mixture of these 18 (text, language) pairs at a tenth of the cost of one row per call.
@settings(max_examples=60)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(
                [
                    "12%",
                    "1.306",
                    "1,306",
                    "hơn 3.300 tỉ đồng",
                    "VND4,565 billion",
                    "50,54%",
                    "27.41 percent",
                    "hơn 18.300 hộ",
                    "x",
                ]
            ),
            st.sampled_from(["vi", "en"]),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_parse_many_equals_parse_figure_in_any_language(rows):
    texts, langs = zip(*rows, strict=True)
    out = parse_many(pd.Series(texts), langs=pd.Series(langs))
    for (t, lg), (_, row) in zip(rows, out.iterrows(), strict=True):
        try:
            fig = parse_figure(t, lang=lg)
        except FigureError as exc:
            assert row["error"] == str(exc)
        else:
            assert (row["value"], row["unit"], row["qualifier"]) == (fig.value, fig.unit, fig.qualifier)


# One batch per example, as above: 60 batches of up to 25 figures (about 800 in all).
@settings(max_examples=60)
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=10**12),
            st.integers(min_value=0, max_value=3),
            st.sampled_from(["%", "%/năm", " hộ", " tỷ đồng", " tỉ đồng"]),
            st.sampled_from(
                ["", "hơn ", "trên ", "gần ", "khoảng ", "xấp xỉ ", "dưới ", "tối thiểu ", "ít nhất "]
            ),
            st.sampled_from(["bn VND", "million VND"]),
        ),
        min_size=1,
        max_size=25,
    )
)
def test_vietnamese_fast_path_stays_identical_to_parse_figure(cases):
    # parse_many reads these forms in one vectorised pass; the languages column must not
    # change what it gives, field by field, against parse_figure.
    texts = [f"{qual}{format_number(n / 10**dec, dec)}{unit}" for n, dec, unit, qual, _ in cases]
    money = [m for *_, m in cases]
    out = parse_many(pd.Series(texts), pd.Series(money), pd.Series(["vi"] * len(texts)))
    for text, m, (_, row) in zip(texts, money, out.iterrows(), strict=True):
        fig = parse_figure(text, money_unit=m)
        assert row["error"] == "", text
        for k in ("value", "unit", "qualifier", "decimals", "step"):
            assert row[k] == getattr(fig, k), (text, k)
        for k in ("low", "high", "denominator"):
            assert pd.isna(row[k]) and getattr(fig, k) is None, (text, k)

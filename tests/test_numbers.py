import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from povlib.reading.numbers import (
    COUNT_WORDS,
    FigureError,
    convert,
    format_number,
    parse_at,
    parse_figure,
    parse_many,
    parse_series,
)


@pytest.mark.parametrize(
    "text, value, unit, qualifier",
    [
        ("1.306", 1306, "", "exact"),
        ("8.310,09", 8310.09, "", "exact"),
        ("4,4", 4.4, "", "exact"),
        ("06", 6, "", "exact"),
        ("50,54%", 50.54, "%", "exact"),
        ("10%/năm", 10, "%/year", "exact"),
        ("304,8 tỷ đồng", 304.8, "bn VND", "exact"),
        ("1 nghìn tỷ đồng", 1000, "bn VND", "exact"),
        ("500 triệu đồng", 0.5, "bn VND", "exact"),
        ("250 nghìn đồng", 0.00025, "bn VND", "exact"),
        ("7.000 đồng", 0.000007, "bn VND", "exact"),
        ("hơn 18.300 hộ", 18300, "households", "more than"),
        ("trên 473 tỷ đồng", 473, "bn VND", "more than"),
        ("gần 3.600 nhân khẩu", 3600, "people", "nearly"),
        ("khoảng 400 lao động", 400, "workers", "about"),
        ("xấp xỉ 12 nhà", 12, "houses", "about"),
        ("dưới 20%", 20, "%", "under"),
        ("tối thiểu 30,5%", 30.5, "%", "at least"),
        ("ít nhất 1 người", 1, "people", "at least"),
        ("215 lượt", 215, "person-times", "exact"),
        ("30 dự án", 30, "projects", "exact"),
        ("231 danh mục công trình", 231, "works", "exact"),
        ("8.310,09 km2", 8310.09, "km2", "exact"),
        ("8 đồng chí", 8, "officials", "exact"),
        ("24,1 triệu đồng/người/năm", 0.0241, "bn VND/person/year", "exact"),
    ],
)
def test_parse_values(text, value, unit, qualifier):
    fig = parse_figure(text)
    assert fig.value == pytest.approx(value, rel=1e-12)
    assert fig.unit == unit
    assert fig.qualifier == qualifier


def test_money_in_another_declared_unit():
    assert parse_figure("24,1 triệu đồng/người/năm", money_unit="million VND").value == 24.1
    assert parse_figure("304,8 tỷ đồng", money_unit="million VND").value == 304800


def test_ranges():
    r = parse_figure("2-2,5%/năm")
    assert (r.low, r.high, r.unit) == (2.0, 2.5, "%/year")
    m = parse_figure("10 - 13 triệu đồng/tháng", money_unit="million VND")
    assert (m.low, m.high, m.value, m.unit) == (10, 13, 11.5, "million VND/month")


def test_fractions():
    f = parse_figure("106/231")
    assert (f.value, f.denominator) == (106, 231)
    g = parse_figure("16.664 hộ/17.497 hộ")
    assert (g.value, g.denominator, g.unit) == (16664, 17497, "households")
    assert parse_figure("106/231công trình").unit == "works"


def test_precision_fields():
    assert parse_figure("50,54%").decimals == 2
    assert parse_figure("hơn 18.300 hộ").step == 100
    assert parse_figure("10%").step == 1  # the zero of a small number is significant


@pytest.mark.parametrize(
    "bad",
    ["1.30.6", "12,2,3", "1.5", "12 con", "3 - 1 hộ", "abc", "", "12/2022", "468 triệu USD", "5 hộ/3 người"],
)
def test_malformed_input_raises_quoting_it(bad):
    with pytest.raises(FigureError) as err:
        parse_figure(bad)
    assert repr(bad) in str(err.value)


def test_parse_series_vectorised_and_names_row():
    s = pd.Series(["1.306", "50,54%", "1.306"], index=["a", "b", "c"])
    out = parse_series(s)
    assert out["value"].tolist() == [1306, 50.54, 1306]
    assert out.index.tolist() == ["a", "b", "c"]
    with pytest.raises(FigureError, match="row 'y'"):
        parse_series(pd.Series(["1", "1.30.6"], index=["x", "y"]))


def test_format_number_vietnamese():
    assert format_number(8310.09, 2) == "8.310,09"
    assert format_number(1306) == "1.306"
    assert format_number(-4.4, 1) == "-4,4"


def test_convert_money():
    assert convert(0.0241, "bn VND/person/year", "million VND/person/year") == 24.1
    with pytest.raises(ValueError):
        convert(1, "bn VND", "households")


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=3))
def test_format_parse_round_trip(n, decimals):
    value = n / 10**decimals
    text = format_number(value, decimals)
    fig = parse_figure(text)
    assert fig.value == pytest.approx(value, rel=1e-12, abs=1e-12)
    assert fig.decimals == decimals


@given(
    st.integers(min_value=1, max_value=10**9),
    st.sampled_from(["hộ", "%", "tỷ đồng", "người"]),
    st.sampled_from(["", "hơn ", "gần ", "khoảng ", "dưới ", "tối thiểu "]),
)
def test_qualifier_and_unit_survive_round_trip(n, unit, qual):
    text = f"{qual}{format_number(n)}{'' if unit == '%' else ' '}{unit}"
    fig = parse_figure(text)
    assert fig.value == n
    assert (
        fig.qualifier
        == {
            "": "exact",
            "hơn ": "more than",
            "gần ": "nearly",
            "khoảng ": "about",
            "dưới ": "under",
            "tối thiểu ": "at least",
        }[qual]
    )


def test_parse_in_unit_uses_the_units_money_scale():
    from povlib.reading.numbers import parse_in_unit

    assert parse_in_unit("24,1 triệu đồng/người/năm", "million VND/person/year").value == 24.1
    assert parse_in_unit("304,8 tỷ đồng", "bn VND").value == 304.8
    assert parse_in_unit("3.124 hộ", "households").value == 3124


# --- inputs parse_figure must refuse, each with a FigureError quoting the input ---------


@pytest.mark.parametrize(
    "bad, why",
    [
        ("0.500", "leading 0"),  # an English-style 0.5 would read as 500
        ("00.001", "leading 0"),  # would read as 1
        ("１２３", "non-ASCII digit"),  # full-width digits read as 123 before
        ("١٢٣", "non-ASCII digit"),  # Arabic-Indic digits
        ("12٣", "non-ASCII digit"),
        ("hơn １２", "non-ASCII digit"),
        ("1/0", "divides by zero"),
        ("0/0", "divides by zero"),
        ("16.664 hộ/0 hộ", "divides by zero"),
        ("2 nghìn", "ambiguous"),  # was 2,000 dong
        ("2 ngàn", "ambiguous"),
        ("hơn 2,5 nghìn", "ambiguous"),
        ("2-3 ngàn", "ambiguous"),
        ("1" * 31, "31 digits"),
        ("1.000.000.000.000.000.000.000.000.000.000", "31 digits"),
        ("0," + "1" * 30, "31 digits"),
    ],
)
def test_rejects_with_the_reason_and_the_input(bad, why):
    with pytest.raises(FigureError) as err:
        parse_figure(bad)
    assert why in str(err.value)
    assert repr(bad) in str(err.value)


@pytest.mark.parametrize("digits", [400, 4301, 100_000])
def test_huge_digit_runs_are_refused_not_inf_or_valueerror(digits):
    # 400 nines gave inf; 4,301 hit Python's int-string limit (a bare ValueError).
    bad = "9" * digits
    with pytest.raises(FigureError) as err:
        parse_figure(bad)
    msg = str(err.value)
    assert f"{digits:,} digits" in msg
    assert "9" * 100 in msg and len(msg) < 400  # quoted, but cut short


def test_limits_that_stay_accepted():
    assert parse_figure("0,5").value == 0.5
    assert parse_figure("06").value == 6
    big = parse_figure("1" * 30)
    assert big.value == float(int("1" * 30))
    assert parse_figure("123.456.789.012.345.678.901.234.567.890").value == float(
        123456789012345678901234567890
    )


# --- thousands and millions of a count ------------------------------------------------


@pytest.mark.parametrize(
    "text, value, unit, qualifier, step, decimals",
    [
        ("hơn 86 nghìn hộ", 86_000, "households", "more than", 1000, -3),
        ("gần 45 nghìn hộ", 45_000, "households", "nearly", 1000, -3),
        ("4,2 nghìn hộ", 4_200, "households", "exact", 100, -2),
        ("hơn 2,5 nghìn hộ", 2_500, "households", "more than", 100, -2),
        ("86 ngàn hộ", 86_000, "households", "exact", 1000, -3),
        ("1,25 nghìn người", 1_250, "people", "exact", 10, -1),
        ("120 nghìn hộ", 120_000, "households", "exact", 10_000, -3),  # 120: the 0 is rounding
        ("2 nghìn đồng chí", 2_000, "officials", "exact", 1000, -3),  # comrades, not dong
        ("1,2 triệu người", 1_200_000, "people", "exact", 100_000, -5),
        ("khoảng 3 triệu lượt", 3_000_000, "person-times", "about", 1_000_000, -6),
    ],
)
def test_scale_word_with_a_count_noun(text, value, unit, qualifier, step, decimals):
    fig = parse_figure(text)
    assert (fig.value, fig.unit, fig.qualifier) == (value, unit, qualifier)
    assert fig.step == step
    assert fig.decimals == decimals
    assert fig.kind == "count"


def test_scaled_count_range_and_fraction():
    r = parse_figure("2-2,5 nghìn hộ")
    assert (r.low, r.high, r.value, r.unit, r.step, r.decimals) == (2000, 2500, 2250, "households", 100, -2)
    f = parse_figure("86 nghìn hộ/100 nghìn hộ")
    assert (f.value, f.denominator, f.unit) == (86_000, 100_000, "households")


def test_money_with_a_thousand_word_stays_money():
    assert parse_figure("2 nghìn tỷ đồng").value == 2000  # bn VND
    assert parse_figure("2 ngàn tỷ đồng").value == 2000
    assert parse_figure("2 ngàn tỷ").value == 2000
    five = parse_figure("5 nghìn đồng", money_unit="VND")
    assert (five.value, five.unit) == (5000, "VND")
    three = parse_figure("3 ngàn đồng/tháng", money_unit="thousand VND")
    assert (three.value, three.unit) == (3, "thousand VND/month")
    assert parse_figure("500 triệu đồng").value == 0.5
    # A bare multiplier is refused, triệu as nghìn: a million of what?
    with pytest.raises(FigureError, match="'triệu' \\(million\\) with no noun after it is ambiguous"):
        parse_figure("500 triệu")


def test_fraction_denominator_keeps_its_own_scale():
    f = parse_figure("5 tỷ/10 triệu đồng", money_unit="million VND")
    assert (f.value, f.denominator) == (5000, 10)


def test_scaled_count_bounds_are_the_printed_rounding():
    from povlib.reading.indicators import bounds

    # 4,2 nghìn hộ is 4,150 to 4,250 households; hơn 86 nghìn hộ 86,000 to 87,000.
    exact = parse_figure("4,2 nghìn hộ")
    more = parse_figure("hơn 86 nghìn hộ")
    lo, hi = bounds(
        [exact.value, more.value],
        [exact.qualifier, more.qualifier],
        [exact.decimals, more.decimals],
        [exact.step, more.step],
        [True, True],
    )
    assert lo.tolist() == [4150, 86_000]
    assert hi.tolist() == [4250, 87_000]


# --- properties ----------------------------------------------------------------------

_PIECES = [
    "0",
    "1",
    "9",
    "00",
    "12",
    "123",
    "1.000",
    "4,2",
    ".",
    ",",
    "/",
    "-",
    "–",
    "%",
    " ",
    "  ",
    "hơn ",
    "gần ",
    "khoảng ",
    "HƠN ",
    "nghìn",
    "ngàn",
    "triệu",
    "tỷ",
    "đồng",
    "hộ",
    "người",
    "đồng chí",
    " nghìn hộ",
    " ngàn đồng",
    " tỷ đồng",
    "/năm",
    "/người/năm",
    "km2",
    "km²",
    "ha",
    "１",
    "٣",
    "²",
    "ı",
    "İ",
    "\x00",
    "\n",
    "USD",
    "999999999",
]


def _accepts_or_refuses(text: str):
    try:
        fig = parse_figure(text)
    except FigureError as exc:
        assert repr(text) in str(exc) or len(text) > 120
        return None
    for v in (fig.value, fig.step, fig.low, fig.high, fig.denominator):
        assert v is None or math.isfinite(v)
    assert fig.step > 0
    assert fig.denominator != 0
    if fig.low is not None:
        assert fig.low <= fig.value <= fig.high
    return fig


@settings(max_examples=500)
@given(st.lists(st.sampled_from(_PIECES), max_size=12).map("".join))
def test_figure_like_strings_parse_or_raise_figure_error(text):
    _accepts_or_refuses(text)


@given(st.text(max_size=60))
def test_any_string_parses_or_raises_figure_error(text):
    _accepts_or_refuses(text)


@given(st.text(alphabet="0123456789.,/-% ", max_size=40))
def test_digit_soup_parses_or_raises_figure_error(text):
    _accepts_or_refuses(text)


@settings(max_examples=300)
@given(
    st.lists(st.sampled_from(_PIECES + ["Năm 2023 có ", "tỷ lệ ", "; ", "10/2022"]), max_size=20).map(
        "".join
    ),
    st.integers(min_value=0, max_value=200),
)
def test_parse_at_anywhere_returns_or_raises_figure_error(text, pos):
    # extract calls parse_at at every number of an article: it must never crash.
    pos = min(pos, len(text))
    try:
        fig, end = parse_at(text, pos)
    except FigureError:
        return
    assert pos < end <= len(text)
    assert math.isfinite(fig.value)


@given(
    st.integers(min_value=0, max_value=3).flatmap(
        lambda d: st.tuples(st.integers(min_value=0, max_value=10 ** (30 - d) - 1), st.just(d))
    )
)
def test_round_trip_up_to_thirty_digits(n_and_decimals):
    n, decimals = n_and_decimals  # an integer printed with `decimals` zeros: 30 digits at most
    text = format_number(n, decimals)
    fig = parse_figure(text)
    assert fig.value == float(n)
    assert fig.decimals == decimals


def test_format_number_integers_exactly_and_negative_decimals():
    assert format_number(2**64) == "18.446.744.073.709.551.616"
    assert format_number(12, 2) == "12,00"
    assert format_number(4249, -2) == "4.200"
    assert format_number(86_400.0, -3) == "86.000"
    fig = parse_figure("4,2 nghìn hộ")
    assert format_number(fig.value, fig.decimals) == "4.200"


def _expected_step(n: int, decimals: int, shift: int) -> float:
    """One unit of the last printed digit after scaling, worked out from the printed digits."""
    if decimals:
        return 10.0 ** (shift - decimals)
    trailing = len(str(n)) - len(str(n).rstrip("0"))
    return 10.0 ** ((trailing if n >= 100 else 0) + shift)


@given(
    st.integers(min_value=1, max_value=10**6),
    st.integers(min_value=0, max_value=3),
    st.sampled_from([("nghìn", 3), ("ngàn", 3), ("triệu", 6)]),
    st.sampled_from(sorted(COUNT_WORDS)),
    st.sampled_from([("", "exact"), ("hơn ", "more than"), ("gần ", "nearly")]),
)
def test_scaled_counts_scale(n, decimals, scale, noun, qual):
    word, shift = scale
    printed = format_number(n / 10**decimals, decimals)
    fig = parse_figure(f"{qual[0]}{printed} {word} {noun}")
    assert fig.value == pytest.approx(n * 10 ** (shift - decimals), rel=1e-12)
    assert fig.unit == COUNT_WORDS[noun]
    assert fig.qualifier == qual[1]
    assert fig.decimals == decimals - shift
    assert fig.step == pytest.approx(_expected_step(n, decimals, shift), rel=1e-12)


@pytest.mark.parametrize("text", ["1１%", "1٣ hộ", "hơn 12３ tỷ đồng", "1.00０%"])
def test_parse_many_fast_path_refuses_non_ascii_digits_like_parse_figure(text):
    # The vectorised pass matched "\d" (any Unicode digit), then pandas raised ValueError.
    from povlib.reading.numbers import parse_many

    out = parse_many(pd.Series([text]))
    with pytest.raises(FigureError) as err:
        parse_figure(text)
    assert out["error"].iloc[0] == str(err.value)


@pytest.mark.parametrize(
    "text, why",
    [
        ("0-0", "has no width"),
        ("1-1%", "has no width"),
        ("2,5 - 2,5 tỷ đồng", "has no width"),
        ("5%/2%", "of percentages"),
        ("1/2%", "of percentages"),
        ("13/2024", "month/year date"),
        ("12/2024", "month/year date"),
        ("500 triệu", "'triệu' (million) with no noun after it is ambiguous"),
        ("2 nghìn", "'nghìn' (thousand) with no noun after it is ambiguous"),
        ("12\ud800%", "lone surrogate"),
    ],
)
def test_parser_edges_are_refused_with_the_reason(text, why):
    with pytest.raises(FigureError) as err:
        parse_figure(text)
    assert why in str(err.value)


def test_parser_edges_that_stay_readable():
    assert parse_figure("106/231 công trình").denominator == 231
    assert (parse_figure("872/1.167 tỷ đồng").value, parse_figure("872/1.167 tỷ đồng").denominator) == (
        872,
        1167,
    )
    assert (parse_figure("13/2024 hộ").value, parse_figure("13/2024 hộ").denominator) == (13, 2024)
    assert (parse_figure("0-1%").low, parse_figure("0-1%").high) == (0, 1)
    assert parse_figure("3 triệu người").value == 3_000_000


def test_parse_many_never_raises_on_a_lone_surrogate():
    out = parse_many(["12\ud800%", "12%", "0-0"])
    assert out["error"].tolist()[0] == "text holds a lone surrogate (a broken character), not a figure"
    assert out["value"].tolist()[1] == 12.0 and out["error"].tolist()[1] == ""
    assert "has no width" in out["error"].tolist()[2] and math.isnan(out["value"].tolist()[0])
    # the message joins the error's categories, which stay sorted
    assert out["error"].cat.categories.tolist() == sorted(set(out["error"].tolist()))

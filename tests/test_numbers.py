import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from povlib.numbers import FigureError, convert, format_number, parse_figure, parse_series


@pytest.mark.parametrize("text, value, unit, qualifier", [
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
])
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


@pytest.mark.parametrize("bad", ["1.30.6", "12,2,3", "1.5", "12 con", "3 - 1 hộ", "abc", "",
                                 "12/2022", "468 triệu USD", "5 hộ/3 người"])
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


@given(st.integers(min_value=1, max_value=10**9), st.sampled_from(["hộ", "%", "tỷ đồng", "người"]),
       st.sampled_from(["", "hơn ", "gần ", "khoảng ", "dưới ", "tối thiểu "]))
def test_qualifier_and_unit_survive_round_trip(n, unit, qual):
    text = f"{qual}{format_number(n)}{'' if unit == '%' else ' '}{unit}"
    fig = parse_figure(text)
    assert fig.value == n
    assert fig.qualifier == {"": "exact", "hơn ": "more than", "gần ": "nearly",
                             "khoảng ": "about", "dưới ": "under",
                             "tối thiểu ": "at least"}[qual]


def test_parse_in_unit_uses_the_units_money_scale():
    from povlib.numbers import parse_in_unit

    assert parse_in_unit("24,1 triệu đồng/người/năm", "million VND/person/year").value == 24.1
    assert parse_in_unit("304,8 tỷ đồng", "bn VND").value == 304.8
    assert parse_in_unit("3.124 hộ", "households").value == 3124

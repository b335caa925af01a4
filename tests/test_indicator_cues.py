"""The cue table that extract guesses indicators by (data/indicator_cues.csv): a bad row is
named by file, row and column; the rules mean what the descriptor says; and the library
names no indicator code, now that the rules are data."""

import pandas as pd
import pytest

from povlib import paths
from povlib.reading.extract import guess_indicator, indicator_rules
from povlib.reading.numbers import COUNT_WORDS, COUNT_WORDS_EN
from povlib.reading.tables import DataError

HEADER = "rule,unit,place,cues,also_place,also,unless_place,unless,change,per_year,indicator,note\n"


def _rules(folder, rows: str):
    (folder / "indicator_cues.csv").write_text(HEADER + rows, encoding="utf-8")
    return indicator_rules(folder)


def test_the_real_table_reads_and_names_real_indicators():
    rules = indicator_rules()
    codes = set(pd.read_csv(paths.DATA / "indicators.csv", dtype=str)["code"])
    assert {r.indicator for r in rules} - {""} <= codes
    assert {r.rule for r in rules} == {"indicator", "rise", "fall", "denominator"}


@pytest.mark.parametrize(
    "row, line, column, words",
    [
        ("indicator,percent,beside,nghèo,,,,,,,poverty_rate,\n", 1, "place", "is not one of"),
        ("indicator,percent,sentence,,,,,,,,poverty_rate,\n", 1, "cues", "place and cues go together"),
        ("indicator,percent,,,also_place,,,,,,poverty_rate,\n", 1, "also_place", "is not one of"),
        ("indicator,dollars,sentence,nghèo,,,,,,,poverty_rate,\n", 1, "unit", "'dollars' is not a unit"),
        ("rise,percent,local,tăng,,,,,,,,\n", 1, "rule", "names no unit and no indicator"),
        ("denominator,,,,,,,,,,,\n", 1, "rule", "names an indicator"),
        ("indicator,projects,nearest,chuỗi,,,local,x,,,value_chain_projects,\n", 1, "place", "nearest row"),
        ("indicator,percent,,,,,,,sideways,,poverty_rate,\n", 1, "change", "is not one of"),
    ],
)
def test_a_bad_row_is_named_by_file_row_and_column(data_copy, row, line, column, words):
    good = "indicator,households,,,,,,,,,households,\n"
    with pytest.raises(DataError) as err:
        _rules(data_copy, good + row)
    message = str(err.value)
    assert f"indicator_cues.csv, row {line + 1} (line {line + 2}), column '{column}'" in message
    assert words in message
    assert "Traceback" not in message and len(message.splitlines()) == 2


def test_the_descriptor_checks_the_table_too(data_copy):
    from povlib.reading.tables import check_package

    (data_copy / "indicator_cues.csv").write_text(
        HEADER + "indicator,percent,sentence,nghèo,,,,,,,no_such_code,\n", encoding="utf-8"
    )
    problems = check_package(data_copy, loaded=())
    assert [(p.row, p.column) for p in problems] == [(1, "indicator")]
    assert "is not a value of indicators.code" in problems[0].message


def test_rules_are_tried_in_order_with_their_conditions(data_copy):
    rules = _rules(
        data_copy,
        "fall,,local,giảm,,,local,xuống,,,,\n"
        "indicator,percent,local,nghèo,,,,,fall,yes,poverty_rate_fall_pp_per_year,pace\n"
        "indicator,percent,local,nghèo,,,,,fall,,poverty_rate_fall_pp,\n"
        "indicator,percent,sentence,nghèo,sentence,dân tộc,after,mông,,,poverty_rate_em,\n"
        "indicator,percent,sentence,nghèo,,,,,,,poverty_rate,\n"
        "indicator,percent,,,,,,,,,,no poverty word\n"
        "indicator,projects,nearest,chuỗi,,,,,,,value_chain_projects,\n"
        "indicator,projects,nearest,cộng đồng,,,,,,,community_projects,\n"
        "indicator,projects,,,,,,,,,production_projects,\n"
        "denominator,,sentence_tail,dân tộc,,,,,,,households_em,share\n",
    )

    def guess(unit, local="", sentence="", after="", per_year=False, tail="", kind="indicator"):
        return guess_indicator(unit, local, sentence, after, per_year, tail, rules=rules, kind=kind)

    # A fall (whole word "giảm", not "xuống") with a poverty word: the pace row first when per year.
    assert guess("%/year", local="hộ nghèo giảm", per_year=True) == ("poverty_rate_fall_pp_per_year", "pace")
    assert guess("%", local="hộ nghèo giảm") == ("poverty_rate_fall_pp", "'nghèo'")
    assert guess("%", local="hộ nghèo giảm xuống", sentence="nghèo") == ("poverty_rate", "'nghèo'")
    assert guess("%", local="hộ nghèo giảmx", sentence="x") == ("", "no poverty word")
    # also and unless: "dân tộc" in the sentence, and no "mông" after the figure.
    assert guess("%", sentence="hộ nghèo dân tộc") == ("poverty_rate_em", "'nghèo'")
    assert guess("%", sentence="hộ nghèo dân tộc", after="người mông") == ("poverty_rate", "'nghèo'")
    # Nearest: a cue after the figure beats an earlier row's cue in the sentence.
    assert guess("projects", sentence="chuỗi", after="cộng đồng") == ("community_projects", "'cộng đồng'")
    assert guess("projects", local="chuỗi", sentence="cộng đồng") == ("value_chain_projects", "'chuỗi'")
    assert guess("projects") == ("production_projects", "unit 'projects'")
    assert guess("bn VND") == ("", "no rule for unit 'bn VND'")
    # Any money unit is "money", any percentage "percent".
    assert guess("%/person/year", sentence="nghèo")[0] == "poverty_rate"
    share = guess("households", sentence="x", tail="hộ dân tộc", kind="denominator")
    assert share == ("households_em", "share")
    assert guess("households", kind="denominator") == ("", "no rule for unit 'households'")


# Codes that are also the name of a unit (a count noun's English unit) or of a unit's
# kind: the library names the unit, not the indicator, when it writes these.
UNIT_NAMES = {*COUNT_WORDS.values(), *COUNT_WORDS_EN.values(), "percent", "money", "area", "count"}


def test_library_names_no_indicator_code():
    from test_library import literals_named

    codes = set(pd.read_csv(paths.DATA / "indicators.csv", dtype=str)["code"]) - UNIT_NAMES
    assert len(codes) > 50  # the scan looks for something
    assert literals_named(codes) == []

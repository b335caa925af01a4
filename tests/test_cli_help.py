"""The command line helps: every option has help, bad values get one line saying what is
valid, places and indicators are listed, labels are accepted and namesakes told apart."""

from __future__ import annotations

import argparse
import contextlib

import pytest

from povlib import cli


def _parser():
    # main() builds the parser; catch it as it parses --help
    seen = {}
    real = cli._Parser.parse_args

    def grab(self, args=None, namespace=None):
        seen["p"] = self
        raise SystemExit(0)

    cli._Parser.parse_args = grab
    try:
        with pytest.raises(SystemExit):
            cli.main(["places"])
    finally:
        cli._Parser.parse_args = real
    return seen["p"]


def test_every_option_has_help():
    parser = _parser()
    subs = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, sub in subs.choices.items():
        for action in sub._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            assert action.help, f"povlib {name} {'/'.join(action.option_strings) or action.dest}: no help"
    helps = {c.dest: c.help for c in subs._choices_actions}
    assert set(helps) == set(subs.choices) and all(helps.values())


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["export", "--indicator", "poverty_rate", "--format", "xml"], "invalid choice: 'xml' (choose from"),
        (["export", "--indicator", "poverty_rate", "--role", "goal"], "choose from 'outcome', 'target'"),
        (["coverage", "--years", "2016-2025x"], "is not first-last, such as 2016-2025"),
        (["places", "--level", "town"], "valid levels are commune, commune group, country"),
        (["indicators", "--theme", "wealth"], "valid themes are"),
        (["export", "--indicator", "poverty rat"], "Did you mean 'poverty_rate'"),
    ],
)
def test_a_bad_value_gets_one_line(capsys, argv, says):
    # argparse's own checks exit (status 2); povlib's return 1
    with pytest.raises(SystemExit) if "--format" in argv or "--role" in argv else contextlib.nullcontext():
        assert cli.main(argv) != 0
    err = capsys.readouterr().err
    assert says in err
    assert len(err.strip().splitlines()) == 1, err


def test_namesakes_are_told_apart(capsys):
    assert cli.main(["export", "--indicator", "poverty_rate", "--place", "Lao Kai"]) == 1
    err = capsys.readouterr().err
    assert "Lào Cai (province until 30 June 2025) [laocai]" in err
    assert "Lào Cai (merged, from July 2025) [laocai-2025]" in err


def test_places_and_indicators_are_listed(capsys):
    assert cli.main(["places", "--level", "province", "--format", "csv"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0] == "id,name,tên,level,years with figures"
    assert "laocai,Lào Cai (province until 30 June 2025),Lào Cai,province,2015-2025" in rows
    assert "langson,Lạng Sơn,Lạng Sơn,province,2017-2025" in rows
    assert cli.main(["indicators", "--theme", "poverty", "--format", "csv"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert "poverty_rate,Poverty rate,Tỷ lệ hộ nghèo,%,poverty,2015-2025" in rows


def test_an_indicator_by_its_label(capsys):
    assert cli.main(["export", "--indicator", "tỷ lệ hộ nghèo", "--place", "backan", "--year", "2016"]) == 0
    by_label = capsys.readouterr().out
    assert cli.main(["export", "--indicator", "poverty_rate", "--place", "backan", "--year", "2016"]) == 0
    assert capsys.readouterr().out == by_label
    assert ",26.61," in by_label


def test_a_general_indicator_names_the_narrower_ones(capsys):
    assert cli.main(["export", "--indicator", "disbursement_ratio"]) == 0
    assert "narrower ones: ntp3_disbursement_ratio" in capsys.readouterr().err

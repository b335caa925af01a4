"""A corpus of corrupted data folders and misused commands: `povlib check` (or the command)
rejects each one, exits 1, names the file and the row where there is one, says what is
wrong, and never shows a traceback; a random mutation of a valid folder is either accepted
or rejected in the same way."""

import json
import os
import shutil
import unicodedata

import pandas as pd
import pytest
from conftest import needs_sources
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from povlib import paths
from povlib.cli import main

SOURCES = paths.sources_dir()


@pytest.fixture(scope="module")
def texts(tmp_path_factory):
    """The real source texts when they are there; otherwise an empty folder (the
    synthetic data cites web pages only, so no text is looked up)."""
    if SOURCES.is_dir():
        return SOURCES
    return tmp_path_factory.mktemp("texts")


def _csv(folder, name):
    return pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)


def _write(folder, name, frame):
    frame.to_csv(folder / f"{name}.csv", index=False, lineterminator="\n")


def _set(name, row, column, value):
    def f(folder):
        df = _csv(folder, name)
        df.loc[row - 1, column] = value
        _write(folder, name, df)

    return f


def _sets(*edits):
    def f(folder):
        for e in edits:
            _set(*e)(folder)

    return f


def _text(name, edit):
    def f(folder):
        path = folder / f"{name}.csv"
        path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")

    return f


def _bytes(name, data_of):
    def f(folder):
        path = folder / f"{name}.csv"
        path.write_bytes(data_of(path.read_text(encoding="utf-8")))

    return f


def _descriptor(edit):
    def f(folder):
        path = folder / "datapackage.json"
        d = json.loads(path.read_text(encoding="utf-8"))
        edit(d)
        path.write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")

    return f


def _res(d, name):
    return next(r for r in d["resources"] if r["name"] == name)


def _field(d, res, name):
    return next(f for f in _res(d, res)["schema"]["fields"] if f["name"] == name)


def _dup_indicator(folder):
    df = _csv(folder, "indicators")
    _write(folder, "indicators", pd.concat([df, df.iloc[[0]]], ignore_index=True))


def _copied_row(folder):
    df = _csv(folder, "observations")
    copy = df.iloc[[2]].assign(obs_id="pa.copy")
    _write(folder, "observations", pd.concat([df, copy], ignore_index=True))


def _swap_fields(d):
    fields = _res(d, "sources")["schema"]["fields"]
    fields[0], fields[1] = fields[1], fields[0]


def _symlink_out(folder):
    (folder / "sources.csv").unlink()
    (folder / "sources.csv").symlink_to("/etc/passwd")


def _hardlink(folder):
    os.link(folder / "sources.csv", folder.parent / "elsewhere.csv")


def _fifo(folder):
    (folder / "sources.csv").unlink()
    os.mkfifo(folder / "sources.csv")


def _commas(n):
    return _text("observations", lambda t: t.splitlines()[0] + "\n" + ",,,,,,,,,,,,,\n" * n)


OBS, GEO, IND, SRC, DESC = (
    "observations.csv",
    "geography.csv",
    "indicators.csv",
    "sources.csv",
    "datapackage.json",
)
# name: (corruption, file, row or None, words of the message)
CORRUPTIONS = {
    # --- files that cannot be read as CSV
    # The copy lands after the last indicator: its row is one past the file's.
    "duplicated indicator code": (
        _dup_indicator,
        IND,
        len((paths.DATA / "indicators.csv").read_text(encoding="utf-8").splitlines()),  # header + rows
        "duplicated id",
    ),
    "indicators.csv deleted": (lambda f: (f / "indicators.csv").unlink(), IND, None, "file is missing"),
    "cp1258 file": (
        _bytes("sources", lambda t: t.replace("Báo", "Báo đồng").encode("cp1258", errors="replace")),
        SRC,
        None,
        "not UTF-8",
    ),
    "latin-1 file": (
        _bytes("sources", lambda t: t.replace("Báo", "Bão").encode("latin-1", errors="replace")),
        SRC,
        None,
        "not UTF-8",
    ),
    "UTF-16 file": (_bytes("geography", lambda t: t.encode("utf-16")), GEO, None, "UTF-16"),
    "binary file": (_bytes("sources", lambda t: b"\x89PNG\r\n\x1a\n\x00\x00"), SRC, None, "NUL bytes"),
    "0-byte CSV": (_bytes("observations", lambda t: b""), OBS, None, "file is empty"),
    "only a byte-order mark": (_bytes("observations", lambda t: b"\xef\xbb\xbf"), OBS, None, "file is empty"),
    "only the header": (_text("observations", lambda t: t.splitlines()[0] + "\n"), OBS, None, "no rows"),
    "bare CR line endings": (
        _text("sources", lambda t: t.replace("\n", "\r")),
        SRC,
        None,
        "bare carriage return",
    ),
    "row with an extra field": (
        _text("observations", lambda t: t.replace(",reported,,\n", ",reported,,,extra\n", 1)),
        OBS,
        1,
        "fields where the header",
    ),
    "row with a field missing": (
        _text("sources", lambda t: t.replace(",vi,A synthetic press page.", ",vi", 1)),
        SRC,
        1,
        "fields where the header",
    ),
    "a line break inside a field": (
        _text("sources", lambda t: t.replace("A synthetic press page.", '"A synthetic\npress page."', 1)),
        SRC,
        1,
        "holds a line break",
    ),
    "unterminated quote": (
        _text("observations", lambda t: t + '"o9,s1,,"1%,pb\n'),
        OBS,
        None,
        "malformed CSV",
    ),
    "data file is a symbolic link out": (_symlink_out, SRC, None, "leads outside the folder"),
    "data file is a hard link": (_hardlink, SRC, None, "hard link"),
    "data file is a named pipe": (_fifo, SRC, None, "not a regular file"),
    # --- the descriptor
    "empty datapackage.json": (lambda f: (f / DESC).write_text(""), DESC, None, "not valid JSON"),
    "broken datapackage.json": (
        lambda f: (f / DESC).write_text('{"resources": ['),
        DESC,
        None,
        "not valid JSON",
    ),
    "datapackage.json deleted": (lambda f: (f / DESC).unlink(), DESC, None, "file is missing"),
    "descriptor is a list": (lambda f: (f / DESC).write_text("[]"), DESC, None, "must be an object"),
    "resource missing from the descriptor": (
        _descriptor(lambda d: d["resources"].pop()),
        DESC,
        None,
        "resource 'observations' is",
    ),
    "resource named twice": (
        _descriptor(lambda d: d["resources"].append(dict(_res(d, "sources")))),
        DESC,
        None,
        "'sources' is named twice",
    ),
    "unknown descriptor key": (
        _descriptor(lambda d: _field(d, "observations", "raw").update(format="email")),
        DESC,
        None,
        "not understood",
    ),
    "unknown constraint": (
        _descriptor(lambda d: _field(d, "observations", "raw")["constraints"].update(exclusiveMinimum=3)),
        DESC,
        None,
        "not understood",
    ),
    "field with no name": (
        _descriptor(lambda d: _field(d, "observations", "note").pop("name")),
        DESC,
        None,
        "has no name",
    ),
    "minimum of the wrong type": (
        _descriptor(lambda d: _field(d, "observations", "paragraph")["constraints"].update(minimum="zero")),
        DESC,
        None,
        "'minimum' must be a number",
    ),
    "pattern that is not a regex": (
        _descriptor(lambda d: _field(d, "observations", "obs_id")["constraints"].update(pattern="([")),
        DESC,
        None,
        "is not a regular expression",
    ),
    "required that is not a boolean": (
        _descriptor(lambda d: _field(d, "observations", "raw")["constraints"].update(required="yes")),
        DESC,
        None,
        "must be true or false",
    ),
    "enum that is not a list": (
        _descriptor(lambda d: _field(d, "observations", "status")["constraints"].update(enum="approved")),
        DESC,
        None,
        "'enum' must be a list",
    ),
    "path given as a list": (
        _descriptor(lambda d: _res(d, "sources").update(path=["sources.csv"])),
        DESC,
        None,
        "'path' must be one file name",
    ),
    "path to /etc/passwd": (
        _descriptor(lambda d: _res(d, "sources").update(path="/etc/passwd")),
        DESC,
        None,
        "is absolute",
    ),
    "path climbing out": (
        _descriptor(lambda d: _res(d, "sources").update(path="../../../etc/passwd")),
        DESC,
        None,
        "climbs out of the folder",
    ),
    "value declared as string": (
        _descriptor(lambda d: _field(d, "observations", "value").update(type="string")),
        DESC,
        None,
        "type must be 'number'",
    ),
    "a field the code reads dropped": (
        _descriptor(lambda d: _res(d, "observations")["schema"]["fields"].pop()),
        DESC,
        None,
        "field 'note' is missing",
    ),
    "swapped field order in the descriptor": (_descriptor(_swap_fields), SRC, None, "not in the order"),
    "maxLength added": (
        _descriptor(lambda d: _field(d, "observations", "raw")["constraints"].update(maxLength=3)),
        OBS,
        1,
        "maxLength 3",
    ),
    "minLength added": (
        _descriptor(lambda d: _field(d, "observations", "obs_id")["constraints"].update(minLength=9)),
        OBS,
        1,
        "minLength 9",
    ),
    "both length limits on one field": (
        _descriptor(
            lambda d: _field(d, "observations", "raw")["constraints"].update(minLength=1, maxLength=3)
        ),
        OBS,
        1,
        "maxLength 3",
    ),
    # --- cells
    "column missing": (
        lambda f: _write(f, "observations", _csv(f, "observations").drop(columns=["unit"])),
        OBS,
        None,
        "column is missing",
    ),
    "column not in the descriptor": (
        lambda f: _write(f, "sources", _csv(f, "sources").assign(extra="x")),
        SRC,
        None,
        "not in datapackage.json",
    ),
    # --- relations and integrity
    "a district whose province is a district": (
        _set("geography", 5, "province", "pb-dong"),
        GEO,
        5,
        "lies in a province, not in itself",
    ),
    "a province that is a district": (
        _sets(("geography", 5, "province", "pa"), ("observations", 18, "province", "pa")),
        GEO,
        5,
        "not the province its parents lead to",
    ),
    "a copied row under a new obs_id": (_copied_row, OBS, 26, "repeats row 3 (pa.r2021)"),
    "a part above its whole": (
        lambda f: _write(
            f,
            "observations",
            pd.concat(
                [
                    _csv(f, "observations"),
                    pd.DataFrame(
                        [
                            [
                                "pc.pp",
                                "s1",
                                "",
                                "5 dự án",
                                "pc",
                                "pc",
                                "production_projects",
                                "2023",
                                "",
                                "5",
                            ],
                            [
                                "pc.vc",
                                "s1",
                                "",
                                "7 dự án",
                                "pc",
                                "pc",
                                "value_chain_projects",
                                "2023",
                                "",
                                "7",
                            ],
                        ],
                        columns=_csv(f, "observations").columns[:10],
                    ).assign(unit="projects", qualifier="exact", status="reported", note=""),
                ],
                ignore_index=True,
            ),
        ),
        OBS,
        27,
        "larger than its whole production_projects",
    ),
    "a source file that is absolute": (
        _sets(("sources", 1, "file", "/etc/passwd"), ("sources", 1, "sha256", "0" * 64)),
        SRC,
        1,
        "is absolute",
    ),
    # --- volume: capped messages
    "20,000 rows of commas": (_commas(20_000), OBS, None, "more rows with this problem"),
}


# Cell-level corruptions, each on its own row, applied together to one copy per file: one
# check finds them all (and each must still be named with its row), which keeps this suite
# quick. name: (file, [(row, column, value) ...], row named, words of the message)
CELLS = {
    "observations": {
        "reversed period": ([(1, "period", "2023-2021")], 1, "runs backwards"),
        "period in 2099": ([(2, "period", "2099")], 2, "outside 1990-2050"),
        "a month 13": ([(3, "period", "2023-13")], 3, "does not match the pattern"),
        "period in full-width digits": ([(4, "period", "２０２１")], 4, "other than ASCII"),
        "period in Arabic-Indic digits": ([(5, "period", "٢٠٢١")], 5, "other than ASCII"),
        "paragraph in full-width digits": ([(6, "paragraph", "３")], 6, "other than ASCII"),
        "number with 10,000 digits": ([(7, "value", "9" * 10_000)], 7, "not a number"),
        "rate above 100": ([(8, "raw", "120,00%"), (8, "value", "120")], 8, "outside 0 to 100"),
        "poor households above all households": (
            [(9, "raw", "12.000 hộ"), (9, "value", "12000")],
            9,
            "larger than its whole households",
        ),
        "ids differing by a trailing space": (
            [(11, "obs_id", "pa.r2019 ")],
            11,
            "spaces at its start or end",
        ),
        "a fall of 150 points": ([(12, "raw", "150%"), (12, "value", "150")], 12, "more than 100"),
        "a range of no width": ([(13, "raw", "2-2%/năm")], 13, "has no width"),
        "unknown source": ([(14, "source_id", "s9")], 14, "unknown source 's9'"),
        "malformed figure": ([(15, "raw", "12,0,0%")], 15, "malformed number"),
        "a fraction of percentages": ([(16, "raw", "12%/2%")], 16, "of percentages"),
        "value is not the parse of raw": ([(17, "value", "13")], 17, "does not equal the parse"),
        "a poverty figure with no standard": ([(18, "standard", "")], 18, "must name its poverty standard"),
        "a bare triệu": ([(19, "raw", "110 triệu")], 19, "ambiguous"),
        "a lone surrogate escaped in raw": ([(20, "raw", "12,0%\\ud800")], 20, "cannot read"),
        "obs_id with a space": ([(21, "obs_id", "pa r2021")], 21, "does not match the pattern"),
        "value of infinity": ([(22, "value", "inf")], 22, "not a finite number"),
        "unknown indicator": ([(23, "indicator", "gdp")], 23, "unknown indicator code 'gdp'"),
        "unknown place": ([(24, "geo", "hanoi")], 24, "unknown place 'hanoi'"),
        "obs_id with a semicolon": ([(25, "obs_id", "pa;r")], 25, "does not match the pattern"),
        "a terminal escape in a note": ([(26, "note", "red \x1b[31mtext")], 26, "control character"),
    },
    "geography": {
        "text not NFC": ([(1, "name_vi", unicodedata.normalize("NFD", "Tỉnh Ấn"))], 1, "not Unicode NFC"),
        "huge integer": ([(2, "order", "9" * 23)], 2, "too large"),
        "cycle of successors": (
            [(2, "successor", "pa"), (2, "valid_to", "2030-01-01")],
            2,
            "successors form a cycle",
        ),
        "cycle in the geography": ([(3, "parent", "pb-dong")], 3, "cycle"),
        "own successor": ([(3, "successor", "pb"), (3, "valid_to", "2030-01-01")], 3, "own successor"),
        "self-parent": ([(4, "parent", "pc")], 4, "cycle"),
        "a text-direction override in a label": (
            [(5, "label_en", "Huy\u202eện Đông")],
            5,
            "text-direction override",
        ),
        "a successor older than its predecessor": (
            [(1, "valid_to", "2025-08-30")],
            1,
            "begins before this place ends",
        ),
    },
    "sources": {
        "date not ISO": ([(1, "date_published", "10/01/2024")], 1, "not an ISO date"),
        "date in full-width digits": ([(2, "date_published", "２０２４-02-01")], 2, "ASCII"),
        "a source file climbing out": (
            [(3, "file", "../../../etc/passwd"), (3, "sha256", "0" * 64)],
            3,
            "climbs out",
        ),
    },
    "indicators": {
        "an indicator its own level": ([(1, "level_of", "poverty_rate")], 1, "own level of"),
        "an indicator its own denominator": ([(1, "denominator", "poverty_rate")], 1, "own denominator"),
        "a cycle of indicators": ([(4, "level_of", "poverty_rate_fall_pp")], 4, "form a cycle"),
        "an indicator its own part": ([(33, "parts", "production_projects")], 33, "own part"),
    },
}


@pytest.mark.parametrize("table", sorted(CELLS))
def test_cell_corruptions_are_each_named_with_their_row(table, synth_dir, texts, tmp_path, capsys):
    folder = tmp_path / "data"
    shutil.copytree(synth_dir, folder)
    df = _csv(folder, table)
    for edits, _, _ in CELLS[table].values():
        for row, column, value in edits:
            df.loc[row - 1, column] = value
    _write(folder, table, df)
    code, _, err = _run(["check", "--data", str(folder), "--sources", str(texts)], capsys)
    assert code == 1
    assert "Traceback" not in err and "root:x:" not in err
    for name, (_, row, words) in CELLS[table].items():
        lines = [ln for ln in err.splitlines() if f"{table}.csv, row {row} (line {row + 1})" in ln]
        assert any(words in ln for ln in lines), (name, lines)


def _run(args, capsys):
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("kind", sorted(CORRUPTIONS))
def test_check_rejects_without_traceback(kind, synth_dir, texts, tmp_path, capsys):
    folder = tmp_path / "data"
    shutil.copytree(synth_dir, folder)
    corrupt, fname, row, words = CORRUPTIONS[kind]
    corrupt(folder)
    code, _, err = _run(["check", "--data", str(folder), "--sources", str(texts)], capsys)
    assert code == 1
    assert "Traceback" not in err
    lines = [ln for ln in err.splitlines() if fname in ln and words in ln]
    assert lines, err[-1500:]
    if row is not None:
        assert any(f", row {row} (line {row + 1})" in ln for ln in lines), lines
    assert len(err.splitlines()) <= 4 * 50 + 10  # capped, whatever the input holds
    assert "root:x:" not in err  # nothing outside the folder is read, let alone printed


def test_corpus_is_large_enough():
    assert len(CORRUPTIONS) + sum(len(c) for c in CELLS.values()) >= 80


@needs_sources  # the real data cite the real texts: an empty folder holds none of them
def test_real_data_checks_with_the_real_texts(data_copy, texts, capsys):
    code, out, err = _run(["check", "--data", str(data_copy), "--sources", str(texts)], capsys)
    assert code == 0, err[-1500:]
    assert "problem" not in err


def test_changed_source_text_is_caught(data_copy, tmp_path, capsys):
    if not SOURCES.is_dir():
        pytest.skip("source texts not found")
    copy = tmp_path / "sources"
    shutil.copytree(SOURCES, copy)
    first = sorted(copy.glob("*.txt"))[0]
    first.write_text(first.read_text(encoding="utf-8") + "\nthêm một dòng\n", encoding="utf-8")
    code, _, err = _run(["check", "--data", str(data_copy), "--sources", str(copy)], capsys)
    assert code == 1
    assert "has changed: its sha256 is not the one recorded" in err and "sources.csv, row 1 " in err


def test_source_text_through_a_symbolic_link_out(synth_dir, tmp_path, capsys):
    folder, copy = tmp_path / "data", tmp_path / "texts"
    shutil.copytree(synth_dir, folder)
    copy.mkdir()
    (copy / "a.txt").symlink_to("/etc/hostname")
    _sets(("sources", 1, "file", "a.txt"), ("sources", 1, "sha256", "0" * 64))(folder)
    code, _, err = _run(["check", "--data", str(folder), "--sources", str(copy)], capsys)
    assert code == 1 and "sources.csv, row 1 (line 2), column 'file'" in err and "leads outside" in err


# --- the command line misused: (arguments, words of the message); {data} is a valid copy


MISUSES = {
    "check with a mistyped --sources": (
        ["check", "--sources", "{tmp}/sourcse"],
        "does not exist (mistyped?)",
    ),
    "check with a mistyped --data": (["check", "--data", "{tmp}/dta"], "data folder does not exist"),
    "coverage --years abc-def": (["coverage", "--years", "abc-def"], "is not first-last"),
    "coverage --years 2025-2016": (["coverage", "--years", "2025-2016"], "runs backwards"),
    "coverage --years in full-width digits": (
        ["coverage", "--years", "２０１６-２０２５"],
        "is not first-last",
    ),
    "audit -o into the data folder": (["audit", "-o", "{data}/observations.csv"], "inside the data folder"),
    "audit -o into a missing folder": (["audit", "-o", "{tmp}/missing/a.csv"], "does not exist"),
    "audit -o onto a folder": (["audit", "-o", "{tmp}"], "is a folder"),
    "audit -o onto a device": (["audit", "-o", "/dev/null"], "not a regular file"),
    "export of an unknown indicator": (["export", "--indicator", "gdp"], "unknown indicator"),
    "export of a year in Arabic-Indic digits": (
        ["export", "--indicator", "poverty_rate", "--year", "٢٠٢٣"],
        "is not a year such as 2023",
    ),
    "export of an unknown place": (
        ["export", "--indicator", "poverty_rate", "--place", "Hà Nội"],
        "unknown place",
    ),
    "extract of /dev/zero": (["extract", "/dev/zero"], "not a regular file"),
    "extract of a named pipe": (["extract", "{tmp}/pipe"], "not a regular file"),
    "extract of a folder": (["extract", "{tmp}"], "is a folder"),
    "extract over its own article": (
        ["extract", "{tmp}/a.txt", "--out", "{tmp}/a.txt", "--force"],
        "article being read",
    ),
    "extract into data/": (["extract", "{tmp}/a.txt", "--out", "{real}/x.csv"], "data folder"),
}


@pytest.mark.parametrize("kind", sorted(MISUSES))
def test_misuse_is_a_clear_error(kind, synth_dir, texts, tmp_path, capsys):
    folder = tmp_path / "data"
    shutil.copytree(synth_dir, folder)
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "a.txt").write_text("Tỷ lệ hộ nghèo còn 5,2%.\n", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    args, words = MISUSES[kind]
    args = [a.format(tmp=tmp_path, data=folder, real=paths.DATA) for a in args]
    if args[0] in ("check", "coverage", "audit", "export") and "--data" not in args:
        args += ["--data", str(folder)]
    if args[0] in ("coverage", "audit", "export") or (args[0] == "check" and "--sources" not in args):
        args += ["--sources", str(texts)]
    code, _, err = _run(args, capsys)
    assert code == 1
    assert "Traceback" not in err and words in err, err[-800:]
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before  # nothing overwritten
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == "Tỷ lệ hộ nghèo còn 5,2%.\n"


def test_output_to_a_full_device_is_a_clear_error(synth_dir, texts, capsys, monkeypatch):
    import io

    full = open("/dev/full", "w", encoding="utf-8")  # noqa: SIM115 (closed below)
    try:
        monkeypatch.setattr("sys.stdout", io.TextIOWrapper(open("/dev/full", "wb", buffering=0)))
        code = main(
            ["export", "--indicator", "poverty_rate", "--data", str(synth_dir), "--sources", str(texts)]
        )
    finally:
        full.close()
    assert code == 1
    assert "cannot write" in capsys.readouterr().err


def test_misuse_corpus_is_large_enough():
    assert len(MISUSES) >= 15


# --- random mutations of a valid folder

NASTY = [
    "",
    " ",
    "0",
    "-1",
    "1e400",
    "nan",
    "9" * 25,
    "２０２３",
    "٢٠٢٣",
    "2023-2021",
    '=HYPERLINK("x")',
    "<img src=x onerror=alert(1)>",
    "../../etc/passwd",
    "/etc/passwd",
    "a\tb",
    '"',
    "a,b",
    "pb",
    "pa",
    "poverty_rate",
    "households",
    "s1",
    "1.000 hộ",
    "12,5%",
    "khoảng 2-3%",
    "1/2%",
    "0-0",
    "Tỉnh\u0301",
    "\ufeff",
]


@settings(max_examples=20, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    table=st.sampled_from(["sources", "geography", "indicators", "observations"]),
    pick=st.integers(min_value=0, max_value=10_000),
    value=st.sampled_from(NASTY),
    copies=st.integers(min_value=1, max_value=3),
)
def test_random_mutation_is_accepted_or_clearly_rejected(
    synth_dir, texts, tmp_path_factory, capsys, table, pick, value, copies
):
    folder = tmp_path_factory.mktemp("mut") / "data"
    shutil.copytree(synth_dir, folder)
    df = _csv(folder, table)
    for k in range(copies):
        row, col = (pick + 7 * k) % len(df), df.columns[(pick // 7 + k) % len(df.columns)]
        df.loc[row, col] = value
    _write(folder, table, df)
    # Frictionless is a second opinion on an accepted folder, and its 1.5 s would be most of
    # this test: povlib's own checks are what must not break.
    import povlib.cli

    original, povlib.cli._frictionless = povlib.cli._frictionless, lambda data: []
    try:
        code, out, err = _run(["check", "--data", str(folder), "--sources", str(texts)], capsys)
    finally:
        povlib.cli._frictionless = original
    assert code in (0, 1)
    assert "Traceback" not in err
    if code == 1:
        assert f"{table}.csv" in err or "datapackage.json" in err, err[-800:]
    else:
        assert out.startswith("ok:")

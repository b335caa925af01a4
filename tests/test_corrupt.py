"""A corpus of corrupted data folders: `povlib check` rejects each one, names the file (and
the row or line where there is one), exits 1, and never shows a traceback."""

import json
import shutil
import unicodedata

import pandas as pd
import pytest

from povlib import paths
from povlib.cli import main


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


def _swap_fields(d):
    fields = _res(d, "sources")["schema"]["fields"]
    fields[0], fields[1] = fields[1], fields[0]


CORRUPTIONS = {
    "duplicated indicator code": (_dup_indicator, "indicators.csv", "duplicated id"),
    "indicators.csv deleted": (
        lambda f: (f / "indicators.csv").unlink(),
        "indicators.csv",
        "file is missing",
    ),
    "cp1258 file": (
        _bytes("sources", lambda t: t.replace("Báo", "Báo đồng").encode("cp1258", errors="replace")),
        "sources.csv",
        "not UTF-8",
    ),
    "latin-1 file": (
        _bytes("sources", lambda t: t.replace("Báo", "Bão").encode("latin-1", errors="replace")),
        "sources.csv",
        "not UTF-8",
    ),
    "UTF-16 file": (_bytes("geography", lambda t: t.encode("utf-16")), "geography.csv", "UTF-16"),
    "binary file": (_bytes("sources", lambda t: b"\x89PNG\r\n\x1a\n\x00\x00"), "sources.csv", "NUL bytes"),
    "0-byte CSV": (_bytes("observations", lambda t: b""), "observations.csv", "file is empty"),
    "row with an extra field": (
        _text("observations", lambda t: t.replace(",reported,,\n", ",reported,,,extra\n", 1)),
        "observations.csv",
        "fields where the header",
    ),
    "row with a field missing": (
        _text("sources", lambda t: t.replace(",vi,A synthetic press page.", ",vi", 1)),
        "sources.csv",
        "fields where the header",
    ),
    "unterminated quote": (
        _text("observations", lambda t: t + '"o9,s1,,"1%,pb\n'),
        "observations.csv",
        "malformed CSV",
    ),
    "empty datapackage.json": (
        lambda f: (f / "datapackage.json").write_text(""),
        "datapackage.json",
        "not valid JSON",
    ),
    "broken datapackage.json": (
        lambda f: (f / "datapackage.json").write_text('{"resources": ['),
        "datapackage.json",
        "not valid JSON",
    ),
    "datapackage.json deleted": (
        lambda f: (f / "datapackage.json").unlink(),
        "datapackage.json",
        "file is missing",
    ),
    "resource missing from the descriptor": (
        _descriptor(lambda d: d["resources"].pop()),
        "datapackage.json",
        "resource 'observations' is",
    ),
    "unknown descriptor key": (
        _descriptor(lambda d: _field(d, "observations", "raw").update(format="email")),
        "datapackage.json",
        "not understood",
    ),
    "unknown constraint": (
        _descriptor(lambda d: _field(d, "observations", "raw")["constraints"].update(exclusiveMinimum=3)),
        "datapackage.json",
        "not understood",
    ),
    "swapped field order in the descriptor": (_descriptor(_swap_fields), "sources.csv", "not in the order"),
    "maxLength added": (
        _descriptor(lambda d: _field(d, "observations", "raw")["constraints"].update(maxLength=3)),
        "observations.csv",
        "maxLength 3",
    ),
    "minLength added": (
        _descriptor(lambda d: _field(d, "observations", "obs_id")["constraints"].update(minLength=9)),
        "observations.csv",
        "minLength 9",
    ),
    "reversed period": (_set("observations", 3, "period", "2023-2021"), "observations.csv", "runs backwards"),
    "period in 2099": (_set("observations", 3, "period", "2099"), "observations.csv", "outside 1990-2050"),
    "a month 13": (
        _set("observations", 3, "period", "2023-13"),
        "observations.csv",
        "does not match the pattern",
    ),
    "cycle in the geography": (_set("geography", 3, "parent", "pb-dong"), "geography.csv", "cycle"),
    "self-parent": (_set("geography", 4, "parent", "pc"), "geography.csv", "cycle"),
    "obs_id with a space": (
        _set("observations", 3, "obs_id", "pa r2021"),
        "observations.csv",
        "does not match the pattern",
    ),
    "obs_id with a semicolon": (
        _set("observations", 3, "obs_id", "pa;r"),
        "observations.csv",
        "does not match the pattern",
    ),
    "ids differing by a trailing space": (
        _set("observations", 3, "obs_id", "pa.r2019 "),
        "observations.csv",
        "spaces at its start or end",
    ),
    "rate above 100": (
        lambda f: (_set("observations", 6, "raw", "120,00%")(f), _set("observations", 6, "value", "120")(f)),
        "observations.csv",
        "outside 0 to 100",
    ),
    "unknown place": (_set("observations", 3, "geo", "hanoi"), "observations.csv", "unknown place 'hanoi'"),
    "unknown indicator": (
        _set("observations", 3, "indicator", "gdp"),
        "observations.csv",
        "unknown indicator code 'gdp'",
    ),
    "unknown source": (_set("observations", 3, "source_id", "s9"), "observations.csv", "unknown source 's9'"),
    "malformed figure": (_set("observations", 3, "raw", "12,0,0%"), "observations.csv", "malformed number"),
    "value is not the parse of raw": (
        _set("observations", 3, "value", "13"),
        "observations.csv",
        "does not equal the parse",
    ),
    "column missing": (
        lambda f: _write(f, "observations", _csv(f, "observations").drop(columns=["unit"])),
        "observations.csv",
        "column is missing",
    ),
    "column not in the descriptor": (
        lambda f: _write(f, "sources", _csv(f, "sources").assign(extra="x")),
        "sources.csv",
        "not in datapackage.json",
    ),
    "text not NFC": (
        _set("geography", 2, "name_vi", unicodedata.normalize("NFD", "Tỉnh Ấn")),
        "geography.csv",
        "not Unicode NFC",
    ),
    "date not ISO": (_set("sources", 1, "date_published", "10/01/2024"), "sources.csv", "not an ISO date"),
    "a poverty figure with no standard": (
        _set("observations", 1, "standard", ""),
        "observations.csv",
        "must name its poverty standard",
    ),
}


@pytest.mark.parametrize("kind", sorted(CORRUPTIONS))
def test_check_rejects_without_traceback(kind, synth_dir, tmp_path, capsys):
    folder = tmp_path / "data"
    shutil.copytree(synth_dir, folder)
    corrupt, fname, words = CORRUPTIONS[kind]
    corrupt(folder)
    assert main(["check", "--data", str(folder), "--sources", str(tmp_path / "none")]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert fname in err and words in err, err[-800:]


def test_changed_source_text_is_caught(data_copy, tmp_path, capsys):
    if not paths.sources_dir().is_dir():
        pytest.skip("source texts not found")
    texts = tmp_path / "sources"
    shutil.copytree(paths.sources_dir(), texts)
    first = sorted(texts.glob("*.txt"))[0]
    first.write_text(first.read_text(encoding="utf-8") + "\nthêm một dòng\n", encoding="utf-8")
    assert main(["check", "--data", str(data_copy), "--sources", str(texts)]) == 1
    assert "has changed: its sha256 is not the one recorded" in capsys.readouterr().err


def test_corpus_is_large_enough():
    assert len(CORRUPTIONS) >= 34

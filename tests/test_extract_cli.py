"""povlib extract refuses what it cannot read or must not write, in one line and exit 1."""

import unicodedata

import pandas as pd
import pytest

from povlib import paths
from povlib.cli import main
from povlib.reading.extract import ExtractError, extract, extract_file, extract_text, read_article

ARTICLE = "Tỉnh Lạng Sơn năm 2022 có 17.497 hộ nghèo, chiếm 8,92%.\n"


@pytest.fixture()
def article(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def _refused(capsys, argv, *words):
    """Run the command; it must exit 1 with one stderr line holding every word, no traceback."""
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("povlib extract: "), err
    assert "Traceback" not in err
    for w in words:
        assert w in err, (w, err)
    return err


# --- output ------------------------------------------------------------------------


def test_does_not_overwrite_without_force(article, tmp_path, capsys):
    out = tmp_path / "c.csv"
    out.write_text("keep me\n", encoding="utf-8")
    _refused(capsys, ["extract", str(article), "--out", str(out)], str(out), "--force")
    assert out.read_text(encoding="utf-8") == "keep me\n"
    assert main(["extract", str(article), "--out", str(out), "--force"]) == 0
    assert pd.read_csv(out)["raw"].tolist() == ["17.497 hộ", "8,92%"]


def test_refuses_to_write_inside_data(article, data_copy, monkeypatch, capsys):
    monkeypatch.setattr(paths, "DATA", data_copy)
    before = (data_copy / "observations.csv").read_bytes()
    for target in (
        data_copy / "observations.csv",
        data_copy / "new.csv",
        data_copy / "sub" / ".." / "new.csv",
        data_copy,
    ):
        _refused(capsys, ["extract", str(article), "--out", str(target), "--force"], "data folder")
    assert (data_copy / "observations.csv").read_bytes() == before
    assert not (data_copy / "new.csv").exists()


def test_refuses_data_reached_through_a_symlink(article, data_copy, monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(paths, "DATA", data_copy)
    link = tmp_path / "looks-harmless"
    link.symlink_to(data_copy, target_is_directory=True)
    _refused(capsys, ["extract", str(article), "--out", str(link / "c.csv")], "data folder")
    assert not (data_copy / "c.csv").exists()


def test_the_real_data_folder_is_protected(article, capsys):
    _refused(capsys, ["extract", str(article), "--out", str(paths.DATA / "c.csv")], "data folder")
    assert not (paths.DATA / "c.csv").exists()


def test_missing_output_folder(article, tmp_path, capsys):
    out = tmp_path / "no-such-folder" / "c.csv"
    _refused(capsys, ["extract", str(article), "--out", str(out)], "does not exist", str(out.parent))


def test_output_that_is_a_folder(article, tmp_path, capsys):
    _refused(capsys, ["extract", str(article), "--out", str(tmp_path)], "is a folder")


# --- input -------------------------------------------------------------------------


def test_missing_article(tmp_path, capsys):
    path = tmp_path / "nope.txt"
    _refused(capsys, ["extract", str(path)], str(path), "does not exist")


def test_article_that_is_a_folder(tmp_path, capsys):
    _refused(capsys, ["extract", str(tmp_path)], str(tmp_path), "is a folder")


def test_empty_and_blank_articles(tmp_path, capsys):
    empty, blank = tmp_path / "empty.txt", tmp_path / "blank.txt"
    empty.write_bytes(b"")
    blank.write_bytes(b" \n\t\n")
    _refused(capsys, ["extract", str(empty)], str(empty), "empty")
    _refused(capsys, ["extract", str(blank)], str(blank), "blank")


def test_binary_article(tmp_path, capsys):
    path = tmp_path / "photo.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    _refused(capsys, ["extract", str(path)], str(path), "binary", "offset 8")


@pytest.mark.parametrize(
    "encoding, words",
    [
        ("utf-16", ["UTF-16LE", "byte-order mark", "iconv -f UTF-16LE"]),  # Python writes LE + BOM
        ("utf-16-be", ["UTF-16BE", "without a byte-order mark", "iconv -f UTF-16BE"]),
        ("utf-16-le", ["UTF-16LE", "without a byte-order mark"]),
        ("utf-32", ["UTF-32LE", "byte-order mark"]),
    ],
)
def test_utf16_and_utf32_articles(tmp_path, capsys, encoding, words):
    path = tmp_path / "wide.txt"
    path.write_bytes(ARTICLE.encode(encoding))
    _refused(capsys, ["extract", str(path)], str(path), "not UTF-8", "convert it to UTF-8", *words)


def _cp1258(text: str) -> bytes:
    """Encode as Windows-1258 does: a letter it has (à, ô, ơ, đ) is one byte; other tones
    are a combining mark after the letter."""
    out = b""
    for ch in text:
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        base, *marks = unicodedata.normalize("NFD", ch)
        shape = [m for m in marks if m in "\u0302\u0306\u031b"]  # circumflex, breve, horn
        tones = [m for m in marks if m not in shape]
        out += (unicodedata.normalize("NFC", base + "".join(shape)) + "".join(tones)).encode("cp1258")
    return out


def test_cp1258_article(tmp_path, capsys):
    path = tmp_path / "old.txt"
    raw = _cp1258("Thành phố Sơn La có 12 hộ nghèo.\n")
    assert raw[:13] == b"Th\xe0nh ph\xf4\xec S\xf5"  # à, ơ one byte each; ố is ô + acute
    path.write_bytes(raw)
    # 0xE0 opens a 3-byte UTF-8 sequence that "n" does not continue.
    err = _refused(
        capsys, ["extract", str(path)], str(path), "not UTF-8", "Windows-1258", "iconv -f CP1258 -t UTF-8"
    )
    assert "byte 0xE0 at offset 2 (line 1)" in err


def test_latin1_article(tmp_path, capsys):
    path = tmp_path / "latin.txt"
    path.write_bytes("Titre\nCafé à 12%\n".encode("latin-1"))
    err = _refused(
        capsys, ["extract", str(path)], str(path), "not UTF-8", "Latin-1", "iconv -f LATIN1 -t UTF-8"
    )
    assert "byte 0xE9 at offset 9 (line 2)" in err


def test_utf8_byte_order_mark_is_fine(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + ARTICLE.encode("utf-8"))
    assert read_article(path) == ARTICLE
    rows, _ = extract_file(path, "bom")
    assert rows["raw"].tolist() == ["17.497 hộ", "8,92%"]


# --- source ids and formula cells ------------------------------------------------


@pytest.mark.parametrize(
    "bad", ['=HYPERLINK("http://x","y")', "+1", "-1", "@SUM(A1)", "a b", ".hidden", "a,b", "hộ", "a\n=1"]
)
def test_source_id_that_could_start_a_formula_is_refused(article, tmp_path, capsys, bad):
    out = tmp_path / "c.csv"
    _refused(capsys, ["extract", str(article), "--source-id", bad, "--out", str(out)], repr(bad), "source id")
    assert not out.exists()
    with pytest.raises(ExtractError):
        extract_text(ARTICLE, bad)


def test_file_name_makes_a_safe_default_id(tmp_path):
    path = tmp_path / "=Bài báo Đồng Văn+.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    rows, _ = extract_file(path)
    assert rows["source_id"].unique().tolist() == ["Bai-bao-Dong-Van-"]
    assert rows["obs_id"].tolist() == ["Bai-bao-Dong-Van-.p1.1", "Bai-bao-Dong-Van-.p1.2"]


def test_no_cell_starts_a_formula(article, tmp_path):
    out = tmp_path / "c.csv"
    assert main(["extract", str(article), "--source-id", "ok-1.2_x", "--out", str(out)]) == 0
    cells = pd.read_csv(out, dtype=str, keep_default_na=False).to_numpy().ravel()
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]


def test_extract_takes_a_long_one_line_article_as_text():
    # A single line longer than a file name may be used to raise "File name too long".
    rows = extract("Tỉnh Bắc Kạn có 12 hộ nghèo. " * 400)
    assert len(rows) == 400


def test_cp1258_known_by_its_tone_marks_alone(tmp_path, capsys):
    # No ơ ư ă đ here: "phố" is ô (0xF4) then the combining acute (0xEC).
    path = tmp_path / "tones.txt"
    path.write_bytes(_cp1258("Thành phố có 12 hộ nghèo.\n"))
    _refused(capsys, ["extract", str(path)], "Windows-1258")

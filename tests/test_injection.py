"""Reports cannot run code: what comes from the data is escaped in every HTML page, and a CSV
export neutralises cells that a spreadsheet would run as a formula (the OWASP rule)."""

import io
import shutil

import nbformat
import pandas as pd

from povlib import paths
from povlib.cli import SPREADSHEET_TRIGGERS, main, neutralise
from povlib.outputs.site import CSP_META, _safe_outputs, citation_html, sanitize_html

ATTACK = '<img src=x onerror="alert(1)">'


def test_neutralise_prefixes_text_formulas_and_keeps_numbers():
    frame = pd.DataFrame(
        {
            "place": ['=HYPERLINK("http://x","y")', "+1", "-3", "@SUM(A1)", "\tx", "\rx", "Lào Cai", ""],
            "value": [-3.0, 1.0, -0.5, 2.0, 3.0, 4.0, 5.0, 6.0],
            "n": pd.array([-1, 2, 3, 4, 5, 6, 7, None], dtype="Int64"),
        }
    )
    out = neutralise(frame)
    assert out["place"].tolist() == [
        '\'=HYPERLINK("http://x","y")',
        "'+1",
        "'-3",
        "'@SUM(A1)",
        "'\tx",
        "'\rx",
        "Lào Cai",
        "",
    ]
    assert out["value"].tolist() == frame["value"].tolist()  # numbers stay numbers, -3 stays -3
    assert out["n"].tolist() == frame["n"].tolist()
    assert set(SPREADSHEET_TRIGGERS) == {"=", "+", "-", "@", "\t", "\r"}


def test_export_csv_neutralises_a_formula_in_a_place_label(synth_dir, tmp_path, capsys):
    folder = tmp_path / "data"
    shutil.copytree(synth_dir, folder)
    geo = pd.read_csv(folder / "geography.csv", dtype=str, keep_default_na=False)
    geo.loc[geo["geo_id"] == "pb", "label_en"] = '=HYPERLINK("http://evil.example","click")'
    geo.to_csv(folder / "geography.csv", index=False, lineterminator="\n")
    texts = tmp_path / "texts"
    texts.mkdir()
    args = ["--data", str(folder), "--sources", str(texts)]
    assert main(["export", "--indicator", "poverty_rate", "--place", "pb", "--printed-only", *args]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out), dtype=str, keep_default_na=False)
    assert set(table["place"]) == {'\'=HYPERLINK("http://evil.example","click")'}
    assert table.loc[table["period"] == "2022", "value"].tolist() == ["20"]
    # JSON is not read by spreadsheets: the label stays as printed.
    assert main(["export", "--indicator", "poverty_rate", "--place", "pb", "--format", "json", *args]) == 0
    assert '"place": "=HYPERLINK(' in capsys.readouterr().out


def test_sanitize_html_keeps_a_table_and_drops_what_runs():
    page = (
        '<div><style scoped>.x td{color:red}</style><table border="1" class="dataframe">'
        f'<tr><th onclick="x()">a</th><td>{ATTACK}</td><td>&lt;b&gt; &amp; 5</td></tr></table>'
        '<script>alert(2)</script><a href="javascript:alert(3)">link</a><iframe src="//x"></iframe></div>'
    )
    out = sanitize_html(page)
    assert out == (
        '<div><style>.x td{color:red}</style><table border="1" class="dataframe">'
        "<tr><th>a</th><td></td><td>&lt;b&gt; &amp; 5</td></tr></table>alert(2)link</div>"
    )
    assert sanitize_html("<style>td{}</style><img src=x></style><script>") == "<style>td{}</style></style>"


def test_notebook_outputs_from_data_are_escaped_before_rendering():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={"text/markdown": f"Place: {ATTACK}", "text/plain": "x"}),
        nbformat.v4.new_output("display_data", data={"text/html": f"<p>{ATTACK}</p>", "text/plain": "x"}),
        nbformat.v4.new_output(
            "display_data", data={"image/svg+xml": "<svg onload='x()'/>", "text/plain": "x"}
        ),
    ]
    nb.cells.append(cell)
    _safe_outputs(nb)
    md, html, svg = (o["data"] for o in nb.cells[0].outputs)
    assert md["text/markdown"] == 'Place: &lt;img src=x onerror="alert(1)"&gt;'
    assert html["text/html"] == "<p></p>"
    assert "image/svg+xml" not in svg


def test_citations_escape_what_the_sources_table_holds():
    src = {
        "source_id": "s<1>",
        "kind": "press",
        "file": "",
        "url": 'https://x.example/"><script>alert(1)</script>',
        "publisher": ATTACK,
        "title": ATTACK,
        "author": "",
        "date_published": "2024-01-10",
        "date_accessed": "2024-01-11",
        "document": ATTACK,
        "language": "vi",
    }
    out = citation_html(src, "en")
    assert "<img" not in out and "<script" not in out and "&lt;img" in out
    assert "default-src 'none'" in CSP_META and "script" not in CSP_META.split("content=")[1]


def test_the_real_site_data_holds_no_markup():
    # A guard on the data itself: labels and titles are text, not HTML.
    for name in ("geography", "indicators", "sources"):
        table = pd.read_csv(paths.DATA / f"{name}.csv", dtype=str, keep_default_na=False)
        assert not table.apply(lambda c: c.str.contains(r"<[a-zA-Z/]", regex=True)).any().any(), name

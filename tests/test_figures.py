"""The one saving function: three formats, a source footer, byte-identical re-renders."""

import hashlib
import json

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from povlib.outputs.figures import _wrapped, footer_text, save_figure, use_style, write_index  # noqa: E402


def _draw():
    use_style()
    fig, ax = plt.subplots()
    ax.plot([2021, 2022, 2023], [12.2, 8.92, 6.02], marker="o", label="Lạng Sơn")
    ax.set_title("Tỷ lệ hộ nghèo, Bắc Kạn")
    ax.legend()
    return fig


def _save(fig, name, ds, out_dir=None, caption="c", notebook="n"):
    """``save_figure`` of a demo chart, which draws on one source."""
    return save_figure(
        fig,
        name,
        source_ids=["backan-2023"],
        sources=ds.sources,
        caption=caption,
        notebook=notebook,
        out_dir=out_dir,
    )


def test_footer_cites_outlet_title_and_date(ds):
    text = footer_text(["backan-2023", "langson-2022"], ds.sources, "en")
    assert text.startswith("Sources: ")
    assert "TN&MT, “Bắc Kạn vượt chỉ tiêu giảm nghèo, tạo sinh kế bền vững”, 27/02/2024" in text
    assert "“Lạng Sơn: Quyết tâm vượt khó" in text and "n.d." in text
    assert "[article" not in text  # never an internal file number alone
    untitled = footer_text(["laocai-10xa-3y"], ds.sources, "en")
    assert untitled.startswith("Source: outlet not printed, “untitled article (Three-year review")
    vi = footer_text(["backan-2023"], ds.sources, "vi")
    assert vi.startswith("Nguồn: TN&MT, “Bắc Kạn")


def test_footer_with_many_sources_points_to_the_index(synth, monkeypatch):
    text = footer_text(["s1", "s2", "s3"], synth.sources, "en")
    # outlets, years, and a short address of the full list, set in one place
    monkeypatch.delenv("POVLIB_SITE_URL", raising=False)
    assert text == (
        "Sources: 3 sources (Báo Một, UBND tỉnh, Cổng thông tin; 2024-2026); "
        "full list: the report's index.html#sources"
    )
    monkeypatch.setenv("POVLIB_SITE_URL", "https://example.org/poverty/")
    assert footer_text(["s1", "s2", "s3"], synth.sources, "vi").endswith(
        "(Báo Một, UBND tỉnh, Cổng thông tin; 2024-2026); danh sách đầy đủ: https://example.org/poverty/vi/#sources"
    )


def test_footer_needs_known_sources(ds):
    with pytest.raises(KeyError):
        footer_text(["nowhere"], ds.sources)
    with pytest.raises(ValueError):
        footer_text([], ds.sources)


@pytest.mark.parametrize("width_in", [3.0, 6.4, 9.0])
def test_footer_is_wrapped_once_as_matplotlib_wraps_it(ds, width_in):
    # The footer is broken into lines once, before the layout, in place of wrap=True (which
    # measures it again at every draw): the lines, and so the pixels, are matplotlib's own.
    use_style()
    # a footer three times over, a forced break, and a word wider than the narrowest figure
    footer = footer_text(list(ds.sources["source_id"][:8]), ds.sources, "vi")
    text = " ".join([footer] * 3) + "\n" + "một-từ-rất-dài-không-ngắt-được-" * 5 + " và hết "
    pngs = []
    for ours in (False, True):
        fig = plt.figure(figsize=(width_in, 2))
        txt = fig.text(0.01, 0.01, text, fontsize=6.5, ha="left", va="bottom", wrap=not ours)
        if ours:
            lines = _wrapped(txt, fig.bbox.width * 0.99)
            assert lines.count("\n") > text.count("\n") and txt.get_text() == text
            txt.set_text(lines)
        fig.canvas.draw()
        pngs.append(bytes(fig.canvas.buffer_rgba()))
        plt.close(fig)
    assert pngs[0] == pngs[1]


def test_save_is_byte_identical_and_indexed(ds, tmp_path):
    digests = []
    for run in ("a", "b"):
        out = tmp_path / run
        paths = _save(_draw(), "demo", ds, out, caption="What to see.", notebook="02_x.ipynb")
        assert [p.suffix for p in paths] == [".png", ".svg", ".pdf"]
        digests.append([hashlib.sha256(p.read_bytes()).hexdigest() for p in paths])
    assert digests[0] == digests[1]
    record = json.loads((tmp_path / "a" / "demo.json").read_text())
    assert record["sources"] == ["backan-2023"] and record["caption"] == "What to see."
    pdf = (tmp_path / "a" / "demo.pdf").read_bytes()
    assert b"CreationDate" not in pdf
    svg = (tmp_path / "a" / "demo.svg").read_text()
    assert "<dc:date>" not in svg
    assert "Tỷ lệ hộ nghèo, Bắc Kạn</text>" in svg  # text stays text, editable
    index = write_index(tmp_path / "a", sources=ds.sources).read_text()
    assert "| [demo](demo.png)" in index and "`notebooks/02_x.ipynb`" in index
    assert "- `backan-2023`: TN&MT, “Bắc Kạn" in index


def test_unchanged_figure_is_not_rendered_again(ds, tmp_path, monkeypatch):
    from povlib import figures

    monkeypatch.delenv("POVLIB_FIGURE_FORMATS", raising=False)
    monkeypatch.delenv("POVLIB_FIGURE_CACHE", raising=False)
    monkeypatch.setattr(figures, "_cache_dir", lambda out: tmp_path / "cache")
    rendered = []
    real = figures._render
    monkeypatch.setattr(
        figures, "_render", lambda fig, ext, *rest: rendered.append(ext) or real(fig, ext, *rest)
    )
    out = tmp_path / "out"

    def save(title=None):
        fig = _draw()
        if title:
            fig.axes[0].set_title(title)
        rendered.clear()
        paths = _save(fig, "demo", ds, out)
        return {p.suffix: p.read_bytes() for p in paths}

    first = save()
    assert rendered == ["svg", "png", "pdf"]
    assert save() == first and rendered == ["svg"]  # same SVG: PNG and PDF are already on disk
    (out / "demo.png").write_bytes(b"edited by hand")
    assert save() == first and rendered == ["svg", "png"]  # a file not as rendered is rendered again
    (tmp_path / "cache" / "demo.json").write_text("{not json")
    assert save() == first and rendered == ["svg", "png", "pdf"]  # a broken record is no record
    other = save("Another title")
    assert rendered == ["svg", "png", "pdf"] and all(other[k] != first[k] for k in first)
    monkeypatch.setenv("POVLIB_FIGURE_CACHE", "0")
    assert save("Another title") == other and rendered == ["png", "svg", "pdf"]  # each, in turn


# 16 x 11 cm at 300 dpi is 1889 x 1299 pixels; the 100-dpi preview of a check run, 629 x 433.
@pytest.mark.parametrize("setting, dpi", [(None, 300), ("100", 100)])
def test_png_resolution(setting, dpi, ds, tmp_path, monkeypatch):
    from PIL import Image

    monkeypatch.setenv("POVLIB_FIGURE_FORMATS", "png")
    if setting is not None:
        monkeypatch.setenv("POVLIB_PNG_DPI", setting)
    else:
        monkeypatch.delenv("POVLIB_PNG_DPI", raising=False)
    (png,) = _save(_draw(), "dpi", ds, tmp_path, notebook="n.ipynb")
    with Image.open(png) as im:
        assert round(im.info["dpi"][0]) == dpi
        assert im.size == (int(16 / 2.54 * dpi), int(11 / 2.54 * dpi))


def _wide_legend():
    """A chart whose figure legend, below the panel, runs out of the figure: the guard
    moves it to the right and the figure is laid out again."""
    use_style()
    fig, ax = plt.subplots()
    for i in range(6):
        ax.plot([2021, 2023], [i, i + 1], label=f"một địa phương có tên rất dài số {i}")
    fig.legend(loc="outside lower center", ncol=6)
    return fig


@pytest.mark.parametrize("draw", [_draw, _wide_legend])
def test_png_at_the_figures_resolution_is_the_layouts_own_paint(draw, ds, tmp_path, monkeypatch):
    # At the figure's own 100 dpi (make nbval, the tests) the PNG is the pixels of the
    # layout's last draw, not a second draw by savefig: the bytes are savefig's all the same.
    import matplotlib.figure

    from povlib.outputs import figures

    monkeypatch.setenv("POVLIB_FIGURE_FORMATS", "png")
    monkeypatch.setenv("POVLIB_PNG_DPI", "100")

    def save(folder):
        return _save(draw(), "p", ds, folder)[0].read_bytes()

    moved = []
    real = figures._legends_to_the_right
    monkeypatch.setattr(figures, "_legends_to_the_right", lambda fig: moved.append(real(fig)))
    saved = save(tmp_path / "saved")  # the layout paints; savefig is not called
    assert len(moved) == (draw is _wide_legend)  # the second chart is laid out twice
    with monkeypatch.context() as m:
        m.setattr(figures, "_paints", lambda *a: False)
        assert save(tmp_path / "by_savefig") == saved
    with monkeypatch.context() as m:

        def refuse(*a, **k):
            raise AssertionError("savefig was called for a PNG the layout painted")

        m.setattr(matplotlib.figure.Figure, "savefig", refuse)
        assert save(tmp_path / "again") == saved


@pytest.mark.parametrize("bad", ["12", "3000", "high"])
def test_png_resolution_out_of_range_is_refused(bad, monkeypatch):
    from povlib.outputs.figures import png_dpi

    monkeypatch.setenv("POVLIB_PNG_DPI", bad)
    with pytest.raises(ValueError, match="dots per inch from 50 to 600"):
        png_dpi()


def test_bad_language_and_name(ds, tmp_path):
    with pytest.raises(ValueError):
        footer_text(["backan-2023"], ds.sources, "fr")
    with pytest.raises(ValueError):
        _save(_draw(), "bad name!", ds, tmp_path)


def test_formats_and_folder_from_the_environment(ds, tmp_path, monkeypatch):
    monkeypatch.setenv("POVLIB_FIGURE_FORMATS", " SVG, png ")
    monkeypatch.setenv("POVLIB_FIGURES_DIR", str(tmp_path / "elsewhere"))
    written = _save(_draw(), "few", ds)
    # the order is always png, svg, pdf; the sidecar for the index is written as usual
    assert [p.name for p in written] == ["few.png", "few.svg"]
    assert sorted(f.name for f in (tmp_path / "elsewhere").iterdir()) == ["few.json", "few.png", "few.svg"]


@pytest.mark.parametrize("value", ["jpeg", "png,gif", " , ", "none,png"])
def test_unknown_format_is_refused(value, monkeypatch):
    from povlib.outputs.figures import figure_formats

    monkeypatch.setenv("POVLIB_FIGURE_FORMATS", value)
    with pytest.raises(ValueError, match="formats are one or more of png, svg, pdf"):
        figure_formats()


def test_unset_or_empty_means_all_three_and_none_means_none(monkeypatch):
    from povlib.outputs.figures import figure_formats

    monkeypatch.delenv("POVLIB_FIGURE_FORMATS", raising=False)
    assert figure_formats() == ("png", "svg", "pdf")
    monkeypatch.setenv("POVLIB_FIGURE_FORMATS", "")
    assert figure_formats() == ("png", "svg", "pdf")
    monkeypatch.setenv("POVLIB_FIGURE_FORMATS", " None ")
    assert figure_formats() == ()


def test_build_clears_the_check_settings(monkeypatch, capsys):
    import os

    from povlib.outputs.build import build

    monkeypatch.setenv("POVLIB_FIGURE_FORMATS", "png")
    monkeypatch.setenv("POVLIB_FIGURES_DIR", "/nowhere")
    monkeypatch.setenv("POVLIB_PNG_DPI", "100")
    assert build(["no-such-notebook"]) == 1  # nothing runs, but the settings are gone
    assert not {"POVLIB_FIGURE_FORMATS", "POVLIB_FIGURES_DIR", "POVLIB_PNG_DPI"} & set(os.environ)


def test_index_cites_every_source_in_full(ds, tmp_path):
    # Titles uncut, "n.d." once, an outlet always named, no file path.
    rec = {"name": "x_en", "caption": "c", "notebook": "n.ipynb", "lang": "en", "footer": "f"}
    rec["sources"] = ["langson-mtqg", "backan-2023"]
    (tmp_path / "x_en.json").write_text(json.dumps(rec), encoding="utf-8")
    text = write_index(tmp_path, ds.sources).read_text(encoding="utf-8")
    assert (
        "- `langson-mtqg`: outlet not printed, “Đồng bộ các giải pháp triển khai thực hiện chương trình "
        "mục tiêu quốc gia giảm nghèo bền vững”, n.d.\n" in text
    )
    assert (
        "- `backan-2023`: TN&MT, “Bắc Kạn vượt chỉ tiêu giảm nghèo, tạo sinh kế bền vững”, 27/02/2024.\n"
        in text
    )
    assert "…" not in text and "n.d.." not in text and "shared/sources" not in text


def test_sources_export_as_bibtex_and_csl_json(ds):
    from povlib.outputs.cite import bibtex, csl_json

    one = ds.sources[ds.sources["source_id"] == "backan-2023"]
    assert bibtex(one) == (
        "@article{backan-2023,\n"
        "  title = {{Bắc Kạn vượt chỉ tiêu giảm nghèo, tạo sinh kế bền vững}},\n"
        "  author = {{Lan Chi}},\n"
        "  journal = {TN\\&MT},\n"
        "  year = {2024},\n"
        "  date = {2024-02-27},\n"
        "  langid = {vietnamese}\n"
        "}\n"
    )
    item = json.loads(csl_json(one))[0]
    assert item["container-title"] == "TN&MT" and item["issued"] == {"date-parts": [[2024, 2, 27]]}
    every = json.loads(csl_json(ds.sources))
    assert len(every) == len(ds.sources) and all(i.get("title") or i.get("URL") or i["id"] for i in every)
    assert not any("file" in i or "shared/sources" in json.dumps(i) for i in every)

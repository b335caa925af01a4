"""Figures a report can take as they are: no text outside the canvas, no legend over the
footer; the guard in save_figure refuses a figure that breaks either."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402

from povlib import plots  # noqa: E402
from povlib.outputs.figures import layout_problems, save_figure, use_style  # noqa: E402


def test_guard_refuses_clipped_text(synth, tmp_path):
    use_style()
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    fig.text(0.9, 0.5, "a label that runs far beyond the right edge of the canvas")
    with pytest.raises(ValueError, match="runs outside the figure"):
        save_figure(
            fig,
            "clipped",
            source_ids=["s1"],
            sources=synth.sources,
            caption="c",
            notebook="n",
            out_dir=tmp_path,
        )


def test_charts_on_synthetic_data_pass_the_guard(synth_panel, tmp_path, monkeypatch):
    monkeypatch.setenv("POVLIB_FIGURES_DIR", str(tmp_path))
    monkeypatch.setenv("POVLIB_FIGURE_FORMATS", "svg")  # the guard runs before any format
    p = synth_panel
    plots.levels(
        p,
        ["poverty_rate"],
        ["pa", "pa2", "pb", "pc"],
        name="lv",
        notebook="n",
        caption="c",
        years=(2019, 2025),
        ncols=3,
    )
    plots.over_time(p, "credit_balance", ["pc"], name="ot", notebook="n", caption="c")
    written = sorted(f.name for f in tmp_path.glob("*.svg"))
    assert written == ["lv_en.svg", "lv_vi.svg", "ot_en.svg", "ot_vi.svg"]
    vi = (tmp_path / "lv_vi.svg").read_text(encoding="utf-8")
    assert "đổi chuẩn nghèo" in vi and "sáp nhập tỉnh" in vi  # both breaks marked, in Vietnamese


def test_no_format_draws_and_checks_without_painting(synth, synth_panel, tmp_path, monkeypatch):
    """``POVLIB_FIGURE_FORMATS=none`` (the tests of other parameters): each chart is drawn,
    laid out and checked in both languages, no pixel is painted and no figure file is
    written, and the notebook says so in its own language."""
    from matplotlib.backends.backend_agg import RendererAgg

    monkeypatch.setenv("POVLIB_FIGURES_DIR", str(tmp_path))
    monkeypatch.setenv("POVLIB_FIGURE_FORMATS", "none")
    painted = []
    for method in ("draw_path", "draw_text", "draw_markers", "draw_image"):
        real = getattr(RendererAgg, method)
        monkeypatch.setattr(
            RendererAgg,
            method,
            lambda self, *a, _m=method, _r=real, **k: painted.append(_m) or _r(self, *a, **k),
        )
    plots.show_language("vi")
    try:
        shown = plots.over_time(synth_panel, "credit_balance", ["pc"], name="ot", notebook="n", caption="c")
    finally:
        plots.show_language("en")
    assert shown.data == "*Biểu đồ đã được vẽ và kiểm tra; không ghi tệp nào (POVLIB_FIGURE_FORMATS=none).*"
    assert painted == []
    # the captions are recorded for the index as always; no PNG, SVG or PDF
    assert sorted(f.name for f in tmp_path.iterdir()) == ["ot_en.json", "ot_vi.json"]
    # and the guard still refuses what it refuses
    use_style()
    fig, ax = plt.subplots()
    fig.text(0.9, 0.5, "a label that runs far beyond the right edge of the canvas")
    with pytest.raises(ValueError, match="runs outside the figure"):
        save_figure(fig, "clipped", source_ids=["s1"], sources=synth.sources, caption="c", notebook="n")
    assert not (tmp_path / "clipped.json").exists()


def test_layout_problems_empty_for_a_plain_chart():
    use_style()
    fig, ax = plt.subplots(layout="constrained")
    ax.plot([2021, 2022], [1, 2])
    ax.set_title("ok")
    fig.canvas.draw()
    assert layout_problems(fig) == []
    plt.close(fig)


@pytest.mark.parametrize(
    "values, labels",
    [
        # close together: matplotlib's default writes "+1.5e6" over the axis, ticks 10-40
        ([1_500_010, 1_500_040], {"1500010", "1500020", "1500030", "1500040"}),
        # in the millions: its default writes "1e6" over the axis and ticks 1.0-2.4
        ([1_000_000, 2_500_000], {"1000000", "1600000", "2000000", "2400000"}),
    ],
)
def test_tick_labels_are_whole_numbers_and_the_title_sits_at_the_top(synth, tmp_path, values, labels):
    """Nothing is written over an axis apart from its ticks (use_style), so the title is
    placed at the top of the panel without matplotlib's pass that would lift it."""
    use_style()
    fig, ax = plt.subplots()
    ax.plot([2021, 2022], values)
    ax.set_title("Số hộ nghèo của một tỉnh rất lớn, cả hai năm")
    save_figure(
        fig, "counts", source_ids=["s1"], sources=synth.sources, caption="c", notebook="n", out_dir=tmp_path
    )
    shown = {t.get_text() for t in ax.get_yticklabels() if t.get_text()}
    assert labels <= shown and all(t.isdigit() for t in shown), shown
    assert ax.yaxis.offsetText.get_text() == ""
    assert ax.title.get_position()[1] == 1.0
    renderer = FigureCanvasAgg(fig).get_renderer()  # save_figure closed the figure
    title, top = ax.title.get_window_extent(renderer), ax.get_window_extent(renderer).y1
    assert title.y0 >= top
    assert not any(title.overlaps(t.get_window_extent(renderer)) for t in ax.get_yticklabels())


def test_guard_refuses_titles_running_into_each_other(synth, tmp_path):
    # Two panels side by side whose titles are too long for them: the defect the guard
    # missed in the poverty-rate figure before panel titles were wrapped.
    use_style()
    fig, axes = plt.subplots(1, 3)
    for ax in axes[:2]:
        ax.set_title("Thái Nguyên (merged, from July 2025) and more words")
    with pytest.raises(ValueError, match="title 'Thái Nguyên.*overlaps title 'Thái Nguyên"):
        save_figure(
            fig,
            "crowded",
            source_ids=["s1"],
            sources=synth.sources,
            caption="c",
            notebook="n",
            out_dir=tmp_path,
        )


def test_long_panel_titles_are_broken_to_fit():
    from povlib.outputs.plots import _fit

    # 16 cm across three panels leaves about 27 characters at 9 pt (0.6 em per glyph).
    assert _fit("Lào Cai", 3) == "Lào Cai"
    assert _fit("Lào Cai (merged, from July 2025)", 3) == "Lào Cai\n(merged, from July 2025)"
    assert _fit("Lào Cai (merged, from July 2025)", 1) == "Lào Cai (merged, from July 2025)"
    assert all(len(line) <= 27 for line in _fit("a " * 40, 3).splitlines())


def test_tile_map_labels_each_tile_and_greys_a_gap(synth_panel, tmp_path, monkeypatch):
    import pandas as pd

    monkeypatch.setenv("POVLIB_FIGURES_DIR", str(tmp_path))
    monkeypatch.setenv("POVLIB_FIGURE_FORMATS", "svg")
    grid = pd.DataFrame(
        {
            "geo": ["pa", "pb", "pc"],
            "tile_row": [0, 0, 1],
            "tile_col": [0, 1, 1],
            "value": [9.0, 16.0, None],
            "year": [2022, 2023, None],
            "source_id": ["s1", "s2", None],
        }
    )
    plots.tile_map(synth_panel, grid, name="tm", notebook="n", caption="c", title="t", legend="%")
    en = (tmp_path / "tm_en.svg").read_text(encoding="utf-8")
    vi = (tmp_path / "tm_vi.svg").read_text(encoding="utf-8")
    # Name, rate with two decimals and the year of the figure on each tile; a gap says so.
    for text in ("Tỉnh Bình", "16.00%", "(2023)", "9.00%", "(2022)", "no figure printed"):
        assert text in en, text
    assert "không có số liệu" in vi


def test_panels_draw_series_beside_each_other(synth_panel, tmp_path, monkeypatch):
    monkeypatch.setenv("POVLIB_FIGURES_DIR", str(tmp_path))
    monkeypatch.setenv("POVLIB_FIGURE_FORMATS", "svg")
    p = synth_panel
    pts = p.points()
    f = pts[(pts["indicator"] == "poverty_rate") & pts["geo"].isin(["pa", "pb"]) & (pts["kind"] == "year")]
    f = f.assign(year=f["end"].astype(int), panel="pb", series=f["geo"])
    labels = {lg: {"pa": "first", "pb": "second"} for lg in ("en", "vi")}
    plots.panels(p, f, name="pn", notebook="n", caption="c", title="t", labels=labels, years=(2019, 2025))
    en = (tmp_path / "pn_en.svg").read_text(encoding="utf-8")
    assert "first" in en and "second" in en and "poverty standard changed" in en


def test_a_layout_pass_while_drawing_is_left_to_saving():
    # render() draws each chart with Figure.tight_layout switched off (a drawing function such as
    # seaborn's grids calls it as it builds; save_figure lays the figure out afresh), and switches it back on
    # afterwards, also when the drawing fails.
    import matplotlib.figure

    real = matplotlib.figure.Figure.tight_layout
    fig, ax = plt.subplots()
    before = vars(fig.subplotpars).copy()
    with plots._layout_left_to_saving():
        fig.tight_layout()
        assert vars(fig.subplotpars) == before
    with pytest.raises(RuntimeError, match="drawing failed"), plots._layout_left_to_saving():
        raise RuntimeError("drawing failed")
    assert matplotlib.figure.Figure.tight_layout is real
    fig.tight_layout()
    assert vars(fig.subplotpars) != before
    plt.close(fig)

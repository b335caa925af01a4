"""Figures: one style, one saving function, a footer built from the data's own sources.

:func:`save_figure` is the only way the project writes a figure.  It adds the
source footer, writes PNG (300 dpi), SVG and PDF under stable names into
``figures/``, strips timestamps and random ids so that a re-render is
byte-identical, and records the caption beside the files so that
``figures/README.md`` can be regenerated (:func:`write_index`).

Three environment variables serve a check that only needs the figures drawn, such as
``make nbval``: ``POVLIB_FIGURE_FORMATS`` (comma-separated, from ``png,svg,pdf``) limits
the formats written, ``POVLIB_FIGURES_DIR`` sends them elsewhere and ``POVLIB_PNG_DPI``
lowers the PNG resolution (a preview).  ``POVLIB_FIGURE_FORMATS=none`` writes no figure
file and paints no pixel (the tests of other parameters): each figure is still drawn and
laid out, and its caption recorded.  The layout guard runs either way.  ``povlib build``
clears all three, so ``figures/`` always gets every format at 300 dpi.

A figure is always drawn, laid out, checked and written as SVG; its PNG and PDF are
rendered again only when that SVG, matplotlib, the style or the resolution changed, or
the file on disk is not the one rendered (records under the ignored ``build/``).  A
rebuild with nothing changed therefore writes the same bytes at a fraction of the cost;
``POVLIB_FIGURE_CACHE=0`` renders every format regardless.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pandas as pd

from .. import paths

# Okabe-Ito: distinguishable under the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
# Half an A4 page: 16 cm of text width, 11 cm tall.
SIZE_IN = (16 / 2.54, 11 / 2.54)
LANGS = ("en", "vi")
FORMATS = ("png", "svg", "pdf")
FORMATS_VAR = "POVLIB_FIGURE_FORMATS"
DIR_VAR = "POVLIB_FIGURES_DIR"
DPI_VAR = "POVLIB_PNG_DPI"
CHECK_VARS = (FORMATS_VAR, DIR_VAR, DPI_VAR)
# Set by ``povlib build`` for a notebook's second run, in Vietnamese: the English run has
# just written every figure in both languages, so this run draws and writes none.
REUSE_VAR = "POVLIB_FIGURES_REUSE"


CACHE_VAR = "POVLIB_FIGURE_CACHE"

TEXT = {
    "source": {"en": "Source", "vi": "Nguồn"},
    "sources": {"en": "Sources", "vi": "Nguồn"},
    "n_sources": {"en": "{n} sources", "vi": "{n} nguồn"},
    "index": {"en": "full list: {where}", "vi": "danh sách đầy đủ: {where}"},
    "report_sources": {
        "en": "the report's index.html#sources",
        "vi": "trang index.html#sources của báo cáo",
    },
    "no_date": {"en": "n.d.", "vi": "không ghi ngày"},
    "no_outlet": {"en": "outlet not printed", "vi": "không ghi cơ quan đăng"},
    "untitled": {"en": "untitled article", "vi": "bài không tiêu đề"},
    "year": {"en": "Year", "vi": "Năm"},
    "date": {"en": "Date", "vi": "Thời điểm"},
    "reported": {"en": "reported or approved", "vi": "đã báo cáo hoặc phê duyệt"},
    "target": {"en": "target", "vi": "mục tiêu"},
    "estimate": {"en": "estimate or preliminary", "vi": "ước tính hoặc sơ bộ"},
    "derived": {"en": "implied by other figures", "vi": "suy ra từ số liệu khác"},
    "standard_break": {"en": "poverty standard changed", "vi": "đổi chuẩn nghèo"},
    # the date is the successors' valid_from in the geography table
    "merger": {"en": "provinces merged ({day} {month} {year})", "vi": "sáp nhập tỉnh ({day}/{m}/{year})"},
    "projection": {"en": "projection", "vi": "dự báo"},
    "interval": {"en": "95% prediction interval", "vi": "khoảng dự báo 95%"},
    "checks": {"en": "checks", "vi": "số phép kiểm tra"},
    "no_figure": {"en": "no figure printed", "vi": "không có số liệu"},
    "no_figure_drawn": {
        "en": "No chart: no figure is printed for the places and years chosen.",
        "vi": "Không có biểu đồ: không có số liệu nào cho các địa phương và các năm đã chọn.",
    },
    "not_written": {
        "en": "Chart drawn and checked; no file written ({var}=none).",
        "vi": "Biểu đồ đã được vẽ và kiểm tra; không ghi tệp nào ({var}=none).",
    },
    "gap": {"en": "more than a year between figures", "vi": "cách nhau hơn một năm"},
    "year_only": {
        "en": "month not printed: any time in the year",
        "vi": "không ghi tháng: bất kỳ lúc nào trong năm",
    },
    "achieved_fall": {"en": "fall achieved", "vi": "mức giảm đạt được"},
    "no_outcome": {
        "en": "no outcome printed, or not comparable",
        "vi": "chưa có kết quả, hoặc không so sánh được",
    },
    "achieved_provisional_fall": {
        "en": "fall achieved (provisional or implied)",
        "vi": "mức giảm đạt được (sơ bộ hoặc suy ra)",
    },
    "target_range": {"en": "target (lower to upper end)", "vi": "chỉ tiêu (từ mức thấp đến mức cao)"},
    "qual_more_than": {"en": "printed as 'more than'", "vi": "ghi là 'hơn', 'trên'"},
    "qual_at_least": {"en": "printed as 'at least'", "vi": "ghi là 'ít nhất'"},
    "qual_nearly": {"en": "printed as 'nearly'", "vi": "ghi là 'gần'"},
    "qual_under": {"en": "printed as 'under'", "vi": "ghi là 'dưới'"},
    "qual_about": {"en": "printed as 'about'", "vi": "ghi là 'khoảng'"},
    "required": {"en": "pace required", "vi": "tốc độ cần đạt"},
    "achieved": {"en": "pace achieved", "vi": "tốc độ đạt được"},
    "series_standard": {"en": "{place}, {standard} standard", "vi": "{place}, chuẩn {standard}"},
    "mean_error": {"en": "mean error (bias)", "vi": "sai số trung bình (độ lệch)"},
    "one_year_ahead": {"en": "one year ahead", "vi": "trước một năm"},
    "years_ahead": {"en": "{low} to {high} years ahead", "vi": "trước {low} đến {high} năm"},
}


_SHOWN = {"lang": "en"}


def show_language(lang: str) -> None:
    """Choose which language's figure a notebook displays (both are always written);
    notebooks call it with their ``lang`` parameter."""
    if lang not in LANGS:
        raise ValueError(f"language must be one of {', '.join(LANGS)}, not {lang!r}")
    _SHOWN["lang"] = lang


def shown_language() -> str:
    """The language :func:`show_language` chose (English until it is called)."""
    return _SHOWN["lang"]


def t(key: str, lang: str, **fmt) -> str:
    """A fixed label in ``lang`` (``"en"`` or ``"vi"``)."""
    if lang not in LANGS:
        raise ValueError(f"language must be one of {LANGS}, not {lang!r}")
    return TEXT[key][lang].format(**fmt)


def use_style() -> None:
    """Apply the project style: colour-blind-safe palette, fonts with Vietnamese glyphs,
    half-A4 size, light grid, and the settings that make SVG and PDF output deterministic
    (SVG text stays text, so labels can be edited in a vector editor)."""
    import matplotlib as mpl
    from cycler import cycler

    mpl.rcParams.update(
        {
            "figure.figsize": SIZE_IN,
            "figure.dpi": 100,
            "savefig.dpi": 300,
            "font.family": "DejaVu Sans",
            "axes.prop_cycle": cycler(color=PALETTE),
            "axes.grid": True,
            "grid.color": "#DDDDDD",
            "grid.linewidth": 0.6,
            "axes.edgecolor": "#888888",
            "axes.spines.top": False,
            "axes.spines.right": False,
            "svg.hashsalt": "povlib",  # stable element ids in SVG
            "svg.fonttype": "none",
            "pdf.fonttype": 42,
            "axes.titlesize": 10.5,
            # Tick labels print whole numbers (no "+1e6" or "1e6" written apart over the
            # axis), so nothing can sit above a plot but its title: the title is placed
            # at the top and matplotlib's pass that measures every axis again to lift a
            # title clear of such text (a twentieth of drawing a notebook's figures) is
            # skipped. Written in scientific notation only beyond 10^12 or below 10^-7.
            "axes.titley": 1.0,
            "axes.formatter.useoffset": False,
            "axes.formatter.limits": (-7, 12),
            "axes.labelsize": 9,
            "xtick.labelsize": 8,
            "ytick.labelsize": 8,
            "legend.fontsize": 7.5,
            "legend.frameon": False,
        }
    )


def _short(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def citation(row: pd.Series, lang: str = "en", *, full: bool = False) -> str:
    """Outlet, title (or what the untitled article covers) and date of one source; the title
    is shortened for a figure's footer, printed whole with ``full`` (indexes, the site)."""
    who = row.get("publisher") or t("no_outlet", lang)
    title = row.get("title") or ""
    if not title:
        title = t("untitled", lang) + (f" ({row['description'].split(':')[0]})" if lang == "en" else "")
    date = row.get("date_published")
    when = pd.Timestamp(date).strftime("%d/%m/%Y") if isinstance(date, str) and date else t("no_date", lang)
    return ", ".join(x for x in (who, f"“{title if full else _short(title)}”", when) if x)


def sources_page(lang: str = "en") -> str:
    """The short address of the page listing every source in full (see
    :func:`povlib.paths.site_url`)."""
    url = paths.site_url()
    return f"{url}/{'vi/' if lang == 'vi' else ''}#sources" if url else t("report_sources", lang)


def footer_text(source_ids, sources: pd.DataFrame, lang: str = "en") -> str:
    """The footer: each source cited (outlet, title, date) where there are one or two;
    otherwise their count, the outlets, and a pointer to the figure index."""
    ids = sorted(set(i for s in source_ids for i in str(s).split(";") if i))
    if not ids:
        raise ValueError("a figure needs at least one source for its footer")
    meta = sources.set_index("source_id")
    unknown = [i for i in ids if i not in meta.index]
    if unknown:
        raise KeyError(f"unknown source ids for the footer: {unknown}")
    if len(ids) <= 2:
        label = t("sources" if len(ids) > 1 else "source", lang)
        return f"{label}: " + "; ".join(citation(meta.loc[i], lang) for i in ids)
    outlets = [o for o in dict.fromkeys(meta.loc[ids, "publisher"]) if o]
    named = ", ".join(outlets[:4]) + (f" +{len(outlets) - 4}" if len(outlets) > 4 else "")
    dated = pd.to_datetime(meta.loc[ids, "date_published"].replace("", None), errors="coerce").dropna()
    years = sorted(set(dated.dt.year))
    span = (f"{years[0]}-{years[-1]}" if years[0] != years[-1] else f"{years[0]}") if years else ""
    inside = "; ".join(x for x in (named, span) if x)
    return (
        f"{t('sources', lang)}: {t('n_sources', lang, n=len(ids))}"
        + (f" ({inside})" if inside else "")
        + f"; {t('index', lang, where=sources_page(lang))}"
    )


def figure_formats() -> tuple[str, ...]:
    """The formats :func:`save_figure` writes, in the order of :data:`FORMATS`: all of
    them, those named in ``$POVLIB_FIGURE_FORMATS``, or none for ``none``."""
    wanted = os.environ.get(FORMATS_VAR, "").strip()
    if not wanted:
        return FORMATS
    if wanted.lower() == "none":
        return ()
    asked = {f.strip().lower() for f in wanted.split(",") if f.strip()}
    unknown = sorted(asked - set(FORMATS))
    if unknown or not asked:
        raise ValueError(
            f"{FORMATS_VAR}={wanted!r}: formats are one or more of {', '.join(FORMATS)}, or none"
        )
    return tuple(f for f in FORMATS if f in asked)


def png_dpi() -> int | None:
    """PNG resolution in dots per inch from ``$POVLIB_PNG_DPI``, or None for the style's
    300."""
    wanted = os.environ.get(DPI_VAR, "").strip()
    if not wanted:
        return None
    if not wanted.isdigit() or not 50 <= int(wanted) <= 600:
        raise ValueError(f"{DPI_VAR}={wanted!r}: a whole number of dots per inch from 50 to 600")
    return int(wanted)


def figures_dir() -> Path:
    """Where figures are written: ``$POVLIB_FIGURES_DIR`` or the project's ``figures/``."""
    env = os.environ.get(DIR_VAR, "").strip()
    return Path(env) if env else paths.FIGURES


def _furniture(fig) -> list[tuple[str, Any]]:
    """The figure's own texts, each with what it is: titles, axis labels of the axes that
    are drawn, and figure texts such as the footer."""
    items: list[tuple[str, Any]] = []
    if fig._suptitle is not None:
        items.append(("title", fig._suptitle))
    items += [("text", txt) for txt in fig.texts if txt is not fig._suptitle]
    for ax in fig.axes:
        if ax.get_visible():
            items += [("title", a) for a in (ax.title, ax._left_title, ax._right_title)]
            if ax.axison:
                items += [("axis label", ax.xaxis.label), ("axis label", ax.yaxis.label)]
    return items


def _legends(fig) -> list:
    return list(fig.legends) + [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]


def _shown(txt) -> bool:
    return txt.get_visible() and bool(txt.get_text().strip())


def layout_problems(fig) -> list[str]:
    """Text that would be clipped or would cover something: every visible text inside
    the canvas; no legend over the footer, no figure legend over a plot area, and no
    title, axis label, figure text or legend running into another."""
    renderer = fig.canvas.get_renderer()
    canvas = fig.bbox
    problems = []
    texts = [art for _, art in _furniture(fig)]
    for ax in fig.axes:
        if ax.get_visible():
            texts += list(ax.texts)
            if ax.axison:
                texts += [tick.label1 for axis in (ax.xaxis, ax.yaxis) for tick in axis._update_ticks()]
    texts += [txt for leg in _legends(fig) for txt in leg.get_texts()]
    for txt in filter(_shown, texts):
        box = txt.get_window_extent(renderer)
        if (
            box.x0 < canvas.x0 - 1
            or box.y0 < canvas.y0 - 1
            or box.x1 > canvas.x1 + 1
            or box.y1 > canvas.y1 + 1
        ):
            problems.append(f"text {txt.get_text()[:40]!r} runs outside the figure")
    footer = fig.texts[-1].get_window_extent(renderer) if fig.texts else None
    for leg in _legends(fig):
        if footer is not None and leg.get_window_extent(renderer).overlaps(footer):
            problems.append("a legend covers the source footer")
    for leg in fig.legends:
        box = leg.get_window_extent(renderer)
        if any(box.overlaps(ax.get_window_extent(renderer)) for ax in fig.axes if ax.get_visible()):
            problems.append("a figure legend covers a plot area")
    return problems + _overlaps(fig, renderer)


def _overlaps(fig, renderer) -> list[str]:
    """Furniture running into furniture (two panel titles side by side, say), by more than
    a pixel each way."""
    boxes = [
        (what, art.get_text()[:40], art.get_window_extent(renderer))
        for what, art in _furniture(fig)
        if _shown(art)
    ]
    boxes += [("legend", "", leg.get_window_extent(renderer)) for leg in _legends(fig)]
    problems = []
    for i, (w1, t1, b1) in enumerate(boxes):
        for w2, t2, b2 in boxes[i + 1 :]:
            if min(b1.x1, b2.x1) - max(b1.x0, b2.x0) > 1 and min(b1.y1, b2.y1) - max(b1.y0, b2.y0) > 1:
                problems.append(f"{w1} {t1!r} overlaps {w2} {t2!r}".replace(" ''", ""))
    return problems


def _legends_to_the_right(fig) -> None:
    """Figure legends move from below the panels to their right, one entry a line."""
    for leg in list(fig.legends):
        handles, labels = leg.legend_handles, [txt.get_text() for txt in leg.get_texts()]
        size = leg.get_texts()[0].get_fontsize() if labels else 7
        leg.remove()
        fig.legend(handles=handles, labels=labels, loc="outside right center", ncol=1, fontsize=size)


def _taller(fig) -> None:
    """A third more height, the footer's strip included."""
    w, h = fig.get_size_inches()
    fig.set_size_inches(w, h * 4 / 3)
    fig.set_layout_engine("constrained", rect=(0, 0.09, 1, 0.91))


def reused_figure(stem: Path, formats: tuple[str, ...]) -> list[Path] | None:
    """With ``$POVLIB_FIGURES_REUSE=1``, the files a previous run of the same notebook wrote
    (``stem`` plus each format), to show instead of drawing again; None otherwise."""
    if os.environ.get(REUSE_VAR, "").strip() != "1":
        return None
    found = [stem.with_name(f"{stem.name}.{ext}") for ext in formats]
    missing = [p.name for p in found if not p.exists()]
    if missing:
        raise ValueError(
            f"{REUSE_VAR}=1 but {', '.join(missing)} not written yet: run the notebook without it"
        )
    return found


def _wrapped(txt, width: float) -> str:
    """The text of ``txt`` broken into lines no wider than ``width`` (pixels at the figure's
    resolution), each line holding as many words as fit (at least one), as matplotlib's
    ``wrap=True`` fills them. Measured once: with ``wrap=True`` a long footer is measured
    again, a few dozen times, at every layout pass and in every format written."""
    import math
    from bisect import bisect_right
    from itertools import accumulate

    renderer = txt.get_figure(root=True).canvas.get_renderer()
    text = txt.get_text()

    def wide(s: str) -> int:
        txt.set_text(s)
        return math.ceil(txt.get_window_extent(renderer).width)

    def fits(words: list[str], k: int) -> bool:
        return wide(" ".join(words[:k])) <= width

    space = wide("x x") - 2 * wide("x")
    lines = []
    for paragraph in text.split("\n"):
        words = paragraph.split(" ")
        # where each word ends, from the words' own widths: about where a line ends
        ends = list(accumulate(wide(w) + space for w in words))
        start = 0
        while start < len(words):
            rest, before = words[start:], ends[start - 1] if start else 0
            k = max(1, bisect_right(ends, before + width + space, lo=start) - start)
            # the line itself, measured, decides
            while k < len(rest) and fits(rest, k + 1):
                k += 1
            while k > 1 and not fits(rest, k):
                k -= 1
            lines.append(" ".join(rest[:k]))
            start += k
    txt.set_text(text)
    return "\n".join(lines)


def _paints(fig, formats: tuple[str, ...], dpi: int | None) -> bool:
    """Whether the layout's draw can paint the PNG asked for: a PNG at the figure's own
    resolution (as ``make nbval`` and the tests ask) on an Agg canvas."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    return "png" in formats and dpi == fig.dpi and isinstance(fig.canvas, FigureCanvasAgg)


def _lay_out(fig, paint: bool = False) -> None:
    """Run the layout engine and place every text, as a draw does. Without ``paint`` no
    pixel is painted: the guard needs positions and extents, not an image. With it the
    draw is the canvas's own, and its pixels are the PNG :func:`_render` then writes: a
    second draw of every artist for the PNG would paint the same pixels again."""
    if paint:
        fig.canvas.draw()
    else:
        fig.draw_without_rendering()


def _freeze(fig) -> None:
    """Keep the layout just checked for every format written. No engine at all, not
    ``"none"``: that leaves a placeholder engine, and with any engine savefig lays the
    figure out once more (a full pass without painting) before each format."""
    import matplotlib as mpl

    with mpl.rc_context({"figure.autolayout": False, "figure.constrained_layout.use": False}):
        fig.set_layout_engine(None)


_METADATA: dict[str, dict] = {  # None: the key left out of the file
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
}


def _render(fig, ext: str, dpi: int | None, painted: bool = False) -> bytes:
    """The file's bytes. ``painted``: the canvas holds the figure painted at ``dpi`` (see
    :func:`_lay_out`), which is written as Agg's own PNG writer writes it (a test checks
    that the bytes are those ``savefig`` gives)."""
    import io

    buf = io.BytesIO()
    if ext == "png" and painted:
        from matplotlib.image import imsave

        rgba = fig.canvas.buffer_rgba()
        imsave(buf, rgba, format="png", origin="upper", dpi=fig.dpi, metadata=_METADATA["png"])
    else:
        fig.savefig(
            buf, format=ext, metadata=_METADATA[ext], **({"dpi": dpi} if ext == "png" and dpi else {})
        )
    return buf.getvalue()


def _sha(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def _write_formats(
    fig, out: Path, name: str, formats: tuple[str, ...], dpi: int | None, painted: bool = False
) -> list[Path]:
    """Write ``name`` in each format. A figure whose SVG (every mark, text and colour of
    it) is the one a file on disk was rendered from, with the same matplotlib, style and
    resolution, is not rendered again in PNG and PDF: the file is already what a render
    would write (see :func:`_cache_key`). Without SVG among the formats, or with
    ``$POVLIB_FIGURE_CACHE=0``, every format is rendered."""
    paths_out = [out / f"{name}.{ext}" for ext in formats]
    if "svg" not in formats or os.environ.get(CACHE_VAR, "").strip() == "0":
        for path, ext in zip(paths_out, formats, strict=True):
            path.write_bytes(_render(fig, ext, dpi, painted))
        return paths_out
    svg = _render(fig, "svg", dpi)
    key = _cache_key(svg, dpi)
    record = _cache_dir(out) / f"{name}.json"
    try:
        seen = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        seen = {}
    done = {}
    for path, ext in zip(paths_out, formats, strict=True):
        old = seen.get(ext, {}) if isinstance(seen, dict) else {}
        if ext != "svg" and isinstance(old, dict) and old.get("key") == key and _unchanged(path, old):
            done[ext] = old
            continue
        data = svg if ext == "svg" else _render(fig, ext, dpi, painted)
        path.write_bytes(data)
        done[ext] = {"key": key, "sha": _sha(data)}
    record.parent.mkdir(parents=True, exist_ok=True)
    tmp = record.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(done, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(record)  # atomic: a build stopped half-way leaves the old record or the new
    return paths_out


def _unchanged(path: Path, old: dict) -> bool:
    """The file is there and is, byte for byte, the one recorded as rendered."""
    return path.exists() and _sha(path.read_bytes()) == old.get("sha")


def _cache_key(svg: bytes, dpi: int | None) -> str:
    """What a PNG or PDF of a figure is a function of: its SVG (text is kept as text there,
    so the fonts' files are named by matplotlib's version), matplotlib's and its
    renderers' versions, every style setting, and the PNG resolution."""
    import matplotlib as mpl
    import PIL

    settings = repr(sorted((k, repr(v)) for k, v in mpl.rcParams.items()))
    parts = [mpl.__version__, PIL.__version__, _fonttools_version(), settings, str(dpi)]
    return _sha(svg + "\0".join(parts).encode("utf-8"))


def _fonttools_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("fonttools")
    except PackageNotFoundError:
        return ""


def _cache_dir(out: Path) -> Path:
    """Records of what was rendered into ``out``: under the project's ignored ``build/``,
    one folder per output folder."""
    return paths.ROOT / "build" / "figure-cache" / _sha(str(out.resolve()).encode("utf-8"))[:16]


def save_figure(
    fig,
    name: str,
    *,
    source_ids,
    sources: pd.DataFrame,
    caption: str,
    notebook: str,
    lang: str = "en",
    out_dir: Path | str | None = None,
) -> list[Path]:
    """Add the source footer and write ``name.png`` (300 dpi), ``.svg`` and ``.pdf``
    (or the formats :func:`figure_formats` names) into ``out_dir`` (default
    :func:`figures_dir`).

    ``source_ids`` are the sources of the data drawn (their publisher and date
    go into the footer).  ``caption`` says what to see; it is stored with the
    notebook's name in ``name.json`` for :func:`write_index`.  Returns the paths.
    """
    import matplotlib.pyplot as plt

    if not name.replace("-", "").replace("_", "").isalnum():
        raise ValueError(f"figure name {name!r} must be letters, digits, '-' or '_'")
    formats, dpi = figure_formats(), png_dpi()
    out = Path(out_dir) if out_dir is not None else figures_dir()
    reused = reused_figure(out / name, formats)
    if reused is not None:
        plt.close(fig)
        return reused
    out.mkdir(parents=True, exist_ok=True)
    text = footer_text(source_ids, sources, lang)
    footer = fig.text(0.01, 0.01, text, fontsize=6.5, color="#444444", ha="left", va="bottom")
    footer.set_text(_wrapped(footer, fig.bbox.width * 0.99))  # the width right of its start
    # Constrained layout keeps titles, figure legends and tick labels apart; the footer
    # gets the bottom strip to itself.
    fig.set_layout_engine("constrained", rect=(0, 0.07, 1, 0.93))  # left, bottom, width, height
    paint = _paints(fig, formats, dpi)
    _lay_out(fig, paint)
    problems = layout_problems(fig)
    # A layout made for several panels may not fit another choice of places (one panel
    # with a wide legend, say): the figure lays itself out again rather than fail.
    for relayout in (_legends_to_the_right, _taller):
        if not problems:
            break
        relayout(fig)
        _lay_out(fig, paint)
        problems = layout_problems(fig)
    if problems:
        plt.close(fig)
        raise ValueError(f"figure {name!r} is not ready for a report: " + "; ".join(problems))
    _freeze(fig)
    written = _write_formats(fig, out, name, formats, dpi, paint)
    heading = fig._suptitle.get_text() if fig._suptitle is not None else ""
    if not heading:  # a single chart titles its axes, not the figure
        heading = next((ax.get_title() for ax in fig.axes if ax.get_title()), "")
    record = {
        "name": name,
        "title": " ".join(heading.split()),
        "caption": caption,
        "notebook": notebook,
        "lang": lang,
        "sources": sorted(set(i for s in source_ids for i in str(s).split(";") if i)),
        "footer": text,
    }
    side = out / f"{name}.json"
    side.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    plt.close(fig)
    return written


def write_index(out_dir: Path | str | None = None, sources: pd.DataFrame | None = None) -> Path:
    """Regenerate ``figures/README.md`` from the records :func:`save_figure` left:
    every figure (both languages) with its caption, then the full citation of every
    source a figure draws on (outlet, title, dates, URL or file, decision cited)."""
    out = Path(out_dir) if out_dir is not None else paths.FIGURES
    if sources is None:
        from ..reading.tables import read_table

        sources, _ = read_table("sources")
    records = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(out.glob("*.json"))]
    lines = [
        "# Figures",
        "",
        "Generated by `make figures` from the notebooks; do not edit by hand.",
        "Each figure is written in English (`_en`) and Vietnamese (`_vi`), as PNG (300 dpi),",
        "SVG (text kept as text) and PDF.",
        "",
        "| figure | caption | sources | notebook |",
        "|---|---|---|---|",
    ]
    for r in sorted(records, key=lambda r: (r["notebook"], r["name"])):
        cap = r["caption"].replace("|", "\\|").replace("\n", " ")
        lines.append(
            f"| [{r['name']}]({r['name']}.png) ([PDF]({r['name']}.pdf), "
            f"[SVG]({r['name']}.svg)) | {cap} | {', '.join(r['sources'])} "
            f"| `notebooks/{r['notebook']}` |"
        )
    cited = sorted({s for r in records for s in r["sources"]})
    meta = sources.set_index("source_id")
    lines += ["", "## Sources", ""]
    for sid in cited:
        if sid not in meta.index:
            continue
        m = meta.loc[sid]
        # An article kept with the project has no address to give: its outlet, title and
        # date identify it (a file path means nothing in a report).
        where = f" <{m['url']}>" if m["url"] else ""
        extra = "; ".join(
            x
            for x in (
                f"cites {m['document']}" if m["document"] else "",
                f"accessed {m['date_accessed']}"
                if isinstance(m["date_accessed"], str) and m["date_accessed"]
                else "",
            )
            if x
        )
        cited_text = citation(m, full=True)
        lines.append(
            f"- `{sid}`: {cited_text}{'' if cited_text.endswith('.') else '.'}{where}"
            + (f" ({extra})" if extra else "")
        )
    index = out / "README.md"
    index.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return index

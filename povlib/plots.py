"""Generic charts over the panel.

Every function takes what it draws (indicator, places, years) as arguments;
titles, axis labels and units come from the indicator and geography metadata,
in English and Vietnamese.  Each call draws the chart once per language, saves
it through :func:`povlib.figures.save_figure` (``name_en`` and ``name_vi``) and
returns the image of the first language, to display in the notebook.

Marks: filled circles are reported or approved figures, hollow circles
estimates and preliminary figures, crosses values implied by other figures,
stars targets.  A dotted vertical line marks a change of poverty standard, a
dashed one the merger of provinces; no line joins points across either.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from .figures import LANGS, PALETTE, save_figure, t, use_style
from .panel import Panel

SETTLED = ("approved", "reported")


def _image(path):
    from IPython.display import SVG, Image

    # A PNG where one was written; a check that writes fewer formats shows what it wrote.
    if path.suffix == ".png":
        return Image(filename=str(path), width=720)
    return SVG(filename=str(path)) if path.suffix == ".svg" else path


def _text(value, lang: str) -> str:
    return value[lang] if isinstance(value, dict) else str(value)


def render(
    draw: Callable, name: str, *, p: Panel, source_ids: Iterable[str], caption, notebook: str, langs=LANGS
):
    """Draw ``draw(lang) -> Figure`` for each language, save, return the first's PNG.

    ``caption`` is a text or a ``{"en": ..., "vi": ...}`` mapping.
    """
    import matplotlib.pyplot as plt

    use_style()
    first = None
    ids = list(source_ids)
    for lang in langs:
        fig = draw(lang)
        paths = save_figure(
            fig,
            f"{name}_{lang}",
            source_ids=ids,
            sources=p.ds.sources,
            caption=_text(caption, lang),
            notebook=notebook,
            lang=lang,
        )
        plt.close(fig)
        first = first or paths[0]
    return _image(first)


def _fit(title: str, cols: int, fontsize: float = 9) -> str:
    """A panel title broken into lines that fit one of ``cols`` panels across the page:
    first before a parenthesis, then between words."""
    import textwrap

    from .figures import SIZE_IN

    # Average glyph width of DejaVu Sans is about 0.6 of the font size.
    width = max(12, int(SIZE_IN[0] / cols * 72 / (0.6 * fontsize)))
    if len(title) <= width:
        return title
    head, sep, rest = title.partition(" (")
    lines = [head, "(" + rest] if sep else [title]
    return "\n".join(textwrap.fill(line, width) for line in lines)


def _places_label(p: Panel, places, lang: str) -> str:
    return ", ".join(p.name(g, lang) for g in places)


def _years_label(frame: pd.DataFrame) -> str:
    years = frame["end_date"].dt.year.dropna()
    return (
        ""
        if years.empty
        else (f"{years.min()}" if years.min() == years.max() else f"{years.min()}-{years.max()}")
    )


def _mark(ax, x, y, status, derived, colour, role="outcome"):
    """Points with the project's marks for status, derivation and role.  Drawn as
    marker-only lines, which render several times faster than scatter collections;
    sizes are scatter's (``ms`` is the square root of its area ``s``)."""
    x, y = np.asarray(x), np.asarray(y, dtype=float)
    status, derived = np.asarray(status), np.asarray(derived, dtype=bool)
    if role == "target":
        groups = [(np.ones(len(x), dtype=bool), {"marker": "*", "ms": 90**0.5, "zorder": 4})]
    else:
        settled = np.isin(status, SETTLED)
        groups = [
            (settled & ~derived, {"marker": "o", "ms": 28**0.5}),
            (~settled & ~derived, {"marker": "o", "ms": 34**0.5, "mfc": "white", "mew": 1.3}),
            (derived, {"marker": "x", "ms": 30**0.5}),
        ]
    for mask, style in groups:
        if mask.any():
            style = {"mew": 1.5, "zorder": 3, **style}
            ax.plot(x[mask], y[mask], ls="none", color=colour, mec=colour, **style)


def _legend_marks(ax, lang: str, extra=()):
    from matplotlib.lines import Line2D

    handles = [
        Line2D([], [], marker="o", ls="", color="#555555", label=t("reported", lang)),
        Line2D([], [], marker="o", ls="", mfc="white", mec="#555555", label=t("estimate", lang)),
        Line2D([], [], marker="x", ls="", color="#555555", label=t("derived", lang)),
        *extra,
    ]
    return handles


def _series_lines(ax, frame: pd.DataFrame, x: str, colour, label: str):
    """One line per run of the same standard and unit: nothing is drawn across a break."""
    first = True
    for _, run in frame.groupby(["standard"], sort=False):
        run = run.sort_values(x)
        ax.plot(run[x], run["value"], "-", color=colour, lw=1.4, label=label if first else None)
        first = False
        _mark(ax, run[x], run["value"], run["status"], run["derived"], colour)


def _breaks(ax, frame: pd.DataFrame, x: str, lang: str, p: Panel):
    """Vertical lines where the poverty standard changes and where units were merged."""
    from matplotlib.lines import Line2D

    extra = []
    stds = frame[frame["standard"] != ""].groupby("standard")[x].agg(["min", "max"]).sort_values("min")
    if len(stds) > 1:
        for (_, a), (_, b) in zip(stds.iloc[:-1].iterrows(), stds.iloc[1:].iterrows(), strict=True):
            pos = a["max"] + (b["min"] - a["max"]) / 2
            ax.axvline(pos, color="#777777", ls=":", lw=1)
        extra.append(Line2D([], [], color="#777777", ls=":", label=t("standard_break", lang)))
    starts = pd.to_datetime(p.places["valid_from"], errors="coerce")
    merged = starts[starts.index.isin(frame["geo"])].dropna()
    if len(merged):
        when = merged.min()
        pos = when.year + (when.day_of_year - 1) / 365.25 if x == "year" else when
        ax.axvline(pos, color="#777777", ls="--", lw=1)
        extra.append(Line2D([], [], color="#777777", ls="--", label=t("merger", lang)))
    return extra


def levels(
    p: Panel,
    indicators,
    places,
    *,
    name: str,
    notebook: str,
    caption,
    years=None,
    title=None,
    ncols: int | None = None,
):
    """Yearly levels, one panel per place, one line per indicator (e.g. poor and near-poor
    rates), markers by status; estimates hollow, implied values crossed, targets starred.

    ``indicators``: one code or several sharing a unit; ``places``: geo ids; ``years``:
    (first, last) to show.  Returns the image of the English figure.
    """
    import matplotlib.pyplot as plt

    indicators = [indicators] if isinstance(indicators, str) else list(indicators)
    t_all = p.table[
        p.table["indicator"].isin(indicators)
        & p.table["geo"].isin(places)
        & (p.table["bound"] == "point")
        & p.table["kind"].isin(["year"])
    ]
    t_all = t_all.assign(year=t_all["end"].astype(float))
    if years is not None:
        t_all = t_all[t_all["year"].between(*years)]
    unit = p.unit(indicators[0])

    def draw(lang):
        n = len(places)
        cols = ncols or n
        rows = int(np.ceil(n / cols))
        fig, axes = plt.subplots(rows, cols, sharey=True, squeeze=False, layout="constrained")
        marks: dict[str, object] = {}
        for ax, geo in zip(axes.flat, places, strict=False):
            g = t_all[t_all["geo"] == geo]
            for i, code in enumerate(indicators):
                s = g[g["indicator"] == code]
                colour = PALETTE[i % len(PALETTE)]
                _series_lines(ax, s[s["role"] == "outcome"], "year", colour, p.label(code, lang))
                tg = s[s["role"] == "target"]
                _mark(ax, tg["year"], tg["value"], tg["status"], tg["derived"], colour, "target")
            marks |= {h.get_label(): h for h in _breaks(ax, g, "year", lang, p)}
            ax.set_title(_fit(p.name(geo, lang), cols), fontsize=9)
            lo, hi = years if years is not None else (t_all["year"].min(), t_all["year"].max())
            ax.set_xlim(lo - 0.5, hi + 0.5)
            ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True, nbins=4))
            if not len(g):
                ax.text(
                    0.5,
                    0.5,
                    t("no_figure", lang),
                    transform=ax.transAxes,
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="#777777",
                )
        spare = list(axes.flat)[n:]
        for ax in spare:
            ax.axis("off")
        top = t_all["value"].max() if len(t_all) else 1
        axes[0, 0].set_ylim(0, float(top) * 1.12)
        axes[0, 0].set_ylabel(f"{unit}")
        from matplotlib.lines import Line2D

        line_handles = [
            Line2D([], [], color=PALETTE[i % len(PALETTE)], label=p.label(c, lang))
            for i, c in enumerate(indicators)
        ]
        star = [Line2D([], [], marker="*", ls="", color="#555555", ms=9, label=t("target", lang))]
        handles = line_handles + _legend_marks(ax, lang, star + list(marks.values()))
        if spare:  # an empty panel holds the legend
            spare[0].legend(handles=handles, loc="center", fontsize=7)
        else:
            fig.legend(handles=handles, loc="outside lower center", ncol=3)
        head = (
            _text(title, lang)
            if title
            else (" / ".join(p.label(c, lang) for c in indicators) + f", {_years_label(t_all)}")
        )
        fig.suptitle(head, fontsize=10.5)
        return fig

    return render(draw, name, p=p, source_ids=t_all["source_id"], caption=caption, notebook=notebook)


def over_time(p: Panel, indicator: str, places, *, name: str, notebook: str, caption, title=None):
    """An indicator measured at dates (a stock such as outstanding credit, or a
    cumulative ratio), one line per place on a time axis; gaps between dates are not
    filled in, points are marked by status."""
    import matplotlib.pyplot as plt

    s = p.table[
        (p.table["indicator"] == indicator)
        & p.table["geo"].isin(places)
        & (p.table["bound"] == "point")
        & (p.table["role"] == "outcome")
        & p.table["end_date"].notna()
    ]

    def draw(lang):
        fig, ax = plt.subplots()
        from matplotlib.lines import Line2D

        handles = []
        for i, geo in enumerate(places):
            g = s[s["geo"] == geo].sort_values("end_date")
            if g.empty:
                continue
            colour = PALETTE[i % len(PALETTE)]
            ax.plot(g["end_date"], g["value"], "-", color=colour, lw=1.2)
            _mark(ax, g["end_date"], g["value"], g["status"], g["derived"], colour)
            handles.append(Line2D([], [], color=colour, marker="o", label=p.name(geo, lang)))
        extra = _breaks(ax, s, "end_date", lang, p)
        ax.set_ylabel(p.unit(indicator))
        ax.set_ylim(bottom=0)
        ax.set_title(_text(title, lang) if title else f"{p.label(indicator, lang)}, {_years_label(s)}")
        ax.legend(handles=handles + _legend_marks(ax, lang, extra), loc="upper left", ncol=2)
        fig.autofmt_xdate()
        return fig

    return render(draw, name, p=p, source_ids=s["source_id"], caption=caption, notebook=notebook)


def heatmap(
    matrix: pd.DataFrame, *, p: Panel, source_ids, name: str, notebook: str, caption, title, row_labels=None
):
    """A count matrix as a grid; zero cells are left blank and shaded, a visible gap.

    ``row_labels``: ``{lang: list}`` of labels for the rows (default: the index).
    """
    import matplotlib.pyplot as plt

    values = matrix.to_numpy(dtype=float)

    def draw(lang):
        fig, ax = plt.subplots()
        shown = np.where(values > 0, values, np.nan)
        ax.imshow(np.zeros_like(values), cmap="Greys", vmin=0, vmax=10, aspect="auto")
        ax.imshow(shown, cmap="Blues", vmin=0, vmax=max(values.max(), 1) * 1.3, aspect="auto")
        for (r, c), v in np.ndenumerate(values):
            ax.text(
                c,
                r,
                f"{v:g}" if v > 0 else "–",
                ha="center",
                va="center",
                fontsize=7,
                color="#222222" if v > 0 else "#999999",
            )
        labels = row_labels[lang] if row_labels else [str(i) for i in matrix.index]
        ax.set_yticks(range(len(matrix.index)), labels)
        ax.set_xticks(range(len(matrix.columns)), [str(c) for c in matrix.columns], rotation=45)
        ax.grid(False)
        ax.set_title(_text(title, lang))
        return fig

    return render(draw, name, p=p, source_ids=source_ids, caption=caption, notebook=notebook)


def bars(
    frame: pd.DataFrame,
    *,
    p: Panel,
    x: str,
    y: str,
    hue: str,
    name: str,
    notebook: str,
    caption,
    title,
    ylabel,
    source_ids,
    labels=None,
    reference=None,
):
    """Grouped bars of ``y`` by ``x`` and ``hue`` (e.g. error by province and method).

    ``labels``: ``{lang: {value: label}}`` for hue values; ``reference``: a list of
    ``(value, {lang: label})`` horizontal lines (targets)."""
    import matplotlib.pyplot as plt

    xs = list(dict.fromkeys(frame[x]))
    hues = list(dict.fromkeys(frame[hue]))

    def draw(lang):
        fig, ax = plt.subplots()
        width = 0.8 / max(len(hues), 1)
        for j, h in enumerate(hues):
            sub = frame[frame[hue] == h].set_index(x).reindex(xs)
            lab = labels[lang].get(h, h) if labels else h
            ax.bar(
                np.arange(len(xs)) + (j - (len(hues) - 1) / 2) * width,
                sub[y],
                width,
                color=PALETTE[j % len(PALETTE)],
                label=lab,
            )
        for k, (value, text) in enumerate(reference or []):
            ax.axhline(value, color=PALETTE[(k + 3) % len(PALETTE)], ls="--", lw=1, label=_text(text, lang))
        ax.set_xticks(range(len(xs)), [str(v) for v in xs])
        ax.set_ylabel(_text(ylabel, lang))
        ax.set_title(_text(title, lang))
        ax.legend(loc="upper right")
        return fig

    return render(draw, name, p=p, source_ids=source_ids, caption=caption, notebook=notebook)


def projection(
    frame: pd.DataFrame,
    observed: pd.DataFrame,
    *,
    p: Panel,
    name: str,
    notebook: str,
    caption,
    title,
    unit: str,
    source_ids,
    estimates=None,
    method_labels=None,
):
    """Observed levels, projections by several methods and a prediction interval.

    ``frame``: year, method, value, pi_low, pi_high (interval may be NaN);
    ``observed``: year, value; ``estimates``: year, value (drawn hollow)."""
    import matplotlib.pyplot as plt

    methods = list(dict.fromkeys(frame["method"]))

    def draw(lang):
        fig, ax = plt.subplots()
        ax.plot(observed["year"], observed["value"], "o-", color="#333333", label=t("reported", lang))
        for j, m in enumerate(methods):
            f = frame[frame["method"] == m]
            colour = PALETTE[(j + 1) % len(PALETTE)]
            lab = method_labels[lang].get(m, m) if method_labels else m
            ax.plot(f["year"], f["value"], "--", color=colour, label=lab)
            band = f.dropna(subset=["pi_low"])
            if len(band):
                ax.fill_between(
                    band["year"],
                    band["pi_low"],
                    band["pi_high"],
                    color=colour,
                    alpha=0.15,
                    label=f"{lab}: {t('interval', lang)}",
                )
        if estimates is not None and len(estimates):
            ax.scatter(
                estimates["year"],
                estimates["value"],
                s=40,
                facecolors="white",
                edgecolors=PALETTE[3],
                linewidths=1.3,
                zorder=4,
                label=t("estimate", lang),
            )
        ax.axhline(0, color="#999999", lw=0.8)
        ax.set_ylabel(unit)
        ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
        ax.set_title(_text(title, lang))
        ax.legend(loc="upper right")
        return fig

    return render(draw, name, p=p, source_ids=source_ids, caption=caption, notebook=notebook)


def verdicts(table: pd.DataFrame, *, p: Panel, name: str, notebook: str, caption, title):
    """Stacked bars of audit verdicts per check, with the checks' readable names."""
    import matplotlib.pyplot as plt

    from .audit import label

    order = ["consistent", "within rounding", "inconsistent", "not checkable"]
    words = {
        "en": dict(zip(order, order, strict=True)),
        "vi": dict(
            zip(
                order,
                ["khớp", "khớp trong sai số làm tròn", "không khớp", "không kiểm tra được"],
                strict=True,
            )
        ),
    }
    ct = pd.crosstab(table["check"], table["verdict"]).reindex(columns=order, fill_value=0)
    ids = sorted({i.split(".")[0] for ids in table["obs_ids"] for i in ids.split(";") if i})
    src = p.obs.set_index("obs_id")["source_id"]
    source_ids = src[src.index.isin({i for ids in table["obs_ids"] for i in ids.split(";")})]
    del ids

    def draw(lang):
        fig, ax = plt.subplots(layout="constrained")
        left = np.zeros(len(ct))
        colours = [PALETTE[2], PALETTE[6], PALETTE[3], "#BBBBBB"]
        for v, colour in zip(order, colours, strict=True):
            ax.barh(range(len(ct)), ct[v], left=left, color=colour, label=words[lang][v], height=0.7)
            left += ct[v].to_numpy()
        ax.set_yticks(range(len(ct)), [label(c, lang) for c in ct.index])
        ax.set_xlabel(t("checks", lang))
        fig.suptitle(_text(title, lang), fontsize=10.5)
        ax.legend(loc="upper center", bbox_to_anchor=(0.3, -0.16), ncol=2)
        return fig

    return render(draw, name, p=p, source_ids=source_ids, caption=caption, notebook=notebook)


def strips(
    frame: pd.DataFrame,
    *,
    p: Panel,
    x: str,
    y: str,
    hue: str,
    panel: str,
    name: str,
    notebook: str,
    caption,
    title,
    value_label,
    source_ids,
    labels,
    mean_label,
):
    """Every value of ``y`` as a point (e.g. each test's error) on the horizontal axis, one
    row per category ``x`` (e.g. method), coloured by ``hue`` (e.g. the series tested), one
    panel per value of ``panel`` (e.g. how far ahead), with each row's mean as a black bar
    and a line at zero: the spread, not only the mean.

    ``labels``: ``{lang: {column: {value: label}}}`` for the values of ``x``, ``hue`` and
    ``panel`` (a value without a label is shown as it is); ``value_label``: the axis label
    of ``y``; ``mean_label``: the legend text of the mean (each a text or ``{lang: text}``).
    Rows, colours and panels keep the order in which they first appear in ``frame``."""
    import textwrap

    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    xs = list(dict.fromkeys(frame[x]))
    hues = list(dict.fromkeys(frame[hue]))
    panels = list(dict.fromkeys(frame[panel]))

    def name_of(lang, col, value):
        return str(labels[lang].get(col, {}).get(value, value))

    def draw(lang):
        fig, axes = plt.subplots(1, max(len(panels), 1), sharey=True, squeeze=False)
        step = 0.5 / max(len(hues), 1)
        for ax, pan in zip(axes.flat, panels, strict=True):
            sub = frame[frame[panel] == pan]
            ax.axvline(0, color="#999999", lw=0.8, zorder=1)
            for j, h in enumerate(hues):
                s = sub[sub[hue] == h]
                pos = np.array([xs.index(v) for v in s[x]], dtype=float) + (j - (len(hues) - 1) / 2) * step
                ax.plot(s[y], pos, "o", ls="none", ms=5, color=PALETTE[j % len(PALETTE)], zorder=3)
            means = sub.groupby(x, sort=False)[y].mean()
            for i, v in enumerate(xs):
                if v in means.index:
                    ax.plot([means[v]] * 2, [i - 0.35, i + 0.35], "-", color="#000000", lw=2, zorder=4)
            ax.set_title(_fit(name_of(lang, panel, pan), len(panels)), fontsize=9)
            ax.set_xlabel(textwrap.fill(_text(value_label, lang), 20), fontsize=8)
        first = axes[0, 0]
        first.set_yticks(range(len(xs)), [textwrap.fill(name_of(lang, x, v), 18) for v in xs])
        first.set_ylim(len(xs) - 0.5, -0.5)  # the first row on top
        shown = set(frame[hue])
        handles = [
            Line2D([], [], marker="o", ls="", color=PALETTE[j % len(PALETTE)], label=name_of(lang, hue, h))
            for j, h in enumerate(hues)
            if h in shown
        ]
        handles.append(Line2D([], [], color="#000000", lw=2, label=_text(mean_label, lang)))
        fig.legend(handles=handles, loc="outside right center", fontsize=7)
        fig.suptitle(_text(title, lang), fontsize=10.5)
        return fig

    return render(draw, name, p=p, source_ids=source_ids, caption=caption, notebook=notebook)


def tested_paths(
    observed: pd.DataFrame,
    tests: pd.DataFrame,
    *,
    p: Panel,
    name: str,
    notebook: str,
    caption,
    title,
    unit: str,
    source_ids,
    labels,
    legend,
    ahead=None,
    ncols: int = 3,
):
    """One panel per series: the observed values over the years, what each method had
    projected for each of them (its test), and, where given, projections beyond the last
    value with their intervals.

    ``observed``: ``series``, ``year``, ``value``; consecutive years are joined, a missing year
    leaves a gap.  ``tests``: ``series``, ``year``, ``method``, ``value`` (filled marks);
    ``ahead``: ``series``, ``year``, ``method``, ``value``, ``low``, ``high`` (hollow marks
    with a bar from low to high).  ``labels``: ``{lang: {"series": {...}, "method": {...}}}``;
    ``legend``: ``{lang: {"observed": ..., "ahead": ...}}``, the legend's texts for the
    observed values and the projections ahead (the tests are listed by method; the caption
    says what they are).  Series and
    methods keep the order in which they first appear."""
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    ahead = (
        ahead
        if ahead is not None
        else pd.DataFrame(columns=["series", "year", "method", "value", "low", "high"])
    )
    keys = list(dict.fromkeys([*observed["series"], *ahead["series"]]))
    methods = list(dict.fromkeys([*tests["method"], *ahead["method"]]))
    colour = {m: PALETTE[j % len(PALETTE)] for j, m in enumerate(methods)}
    step = 0.12
    top = float(pd.concat([observed["value"], tests["value"], ahead["high"].astype(float)]).max())

    def draw(lang):
        n = len(keys)
        cols = min(ncols, n + 1)
        rows = int(np.ceil((n + 1) / cols))
        fig, axes = plt.subplots(rows, cols, sharey=True, squeeze=False, layout="constrained")
        for ax, key in zip(axes.flat, keys, strict=False):
            o = observed[observed["series"] == key].sort_values("year")
            # A run of consecutive years is one line; a missing year is left as a gap.
            run = (o["year"].diff() != 1).cumsum()
            for _, r in o.groupby(run):
                ax.plot(r["year"], r["value"], "-o", color="#333333", ms=4, lw=1.2, zorder=3)
            for j, m in enumerate(methods):
                dx = (j - (len(methods) - 1) / 2) * step
                tm = tests[(tests["series"] == key) & (tests["method"] == m)]
                ax.plot(tm["year"] + dx, tm["value"], "o", ls="none", ms=4.5, color=colour[m], zorder=4)
                am = ahead[(ahead["series"] == key) & (ahead["method"] == m)]
                if len(am):
                    yerr = [am["value"] - am["low"], am["high"] - am["value"]]
                    ax.errorbar(
                        am["year"] + dx,
                        am["value"],
                        yerr=yerr,
                        fmt="o",
                        ms=5,
                        mfc="white",
                        color=colour[m],
                        capsize=2,
                        lw=1,
                        zorder=4,
                    )
            years = pd.concat([o["year"], ahead.loc[ahead["series"] == key, "year"]]).astype(int)
            ax.set_xlim(years.min() - 0.6, years.max() + 0.6)
            ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True, nbins=4))
            ax.set_title(_fit(str(labels[lang]["series"].get(key, key)), cols + 1), fontsize=8)
        spare = list(axes.flat)[n:]
        for ax in spare:
            ax.axis("off")
        axes[0, 0].set_ylim(0, top * 1.1)
        for r in range(rows):
            axes[r, 0].set_ylabel(unit)
        handles = [Line2D([], [], color="#333333", marker="o", ms=4, label=legend[lang]["observed"])]
        handles += [
            Line2D(
                [],
                [],
                color=colour[m],
                marker="o",
                ls="",
                label=labels[lang]["method"].get(m, m),
            )
            for m in methods
            if m in set(tests["method"])
        ]
        if len(ahead):
            handles.append(
                Line2D([], [], color="#555555", marker="o", mfc="white", ls="-", label=legend[lang]["ahead"])
            )
        spare[0].legend(handles=handles, loc="center", fontsize=6.5)
        fig.suptitle(_text(title, lang), fontsize=10.5)
        return fig

    return render(draw, name, p=p, source_ids=source_ids, caption=caption, notebook=notebook)

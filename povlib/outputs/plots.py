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

import contextlib
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd

from ..analysis.panel import Panel
from ..reading import vocabulary
from .figures import FORMATS_VAR, LANGS, PALETTE, save_figure, shown_language, t, use_style
from .figures import show_language as show_language  # notebooks call plots.show_language


def _image(path):
    from IPython.display import SVG, Image

    # A PNG where one was written; a check that writes fewer formats shows what it wrote.
    if path.suffix == ".png":
        return Image(filename=str(path), width=720)
    return SVG(filename=str(path)) if path.suffix == ".svg" else path


def _text(value, lang: str) -> str:
    return value[lang] if isinstance(value, dict) else str(value)


def render(
    p: Panel, draw: Callable, name: str, *, source_ids: Iterable[str], caption, notebook: str, langs=LANGS
):
    """Draw ``draw(lang) -> Figure`` for each language, save, return the PNG of the
    language :func:`povlib.figures.show_language` chose (English by default). With no
    source at all (nothing printed for the choice) nothing is drawn and a sentence says so;
    with ``$POVLIB_FIGURE_FORMATS=none`` the charts are drawn and checked, and a sentence
    says that no file was written.

    ``caption`` is a text or a ``{"en": ..., "vi": ...}`` mapping.
    """
    import matplotlib.pyplot as plt
    from IPython.display import Markdown

    use_style()
    shown = None
    ids = list(source_ids)
    if not any(str(i) for i in ids):
        # Nothing printed for the places and years chosen: said plainly, no empty chart.
        return Markdown(f"*{t('no_figure_drawn', shown_language())}*")
    for lang in langs:
        with _layout_left_to_saving():
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
        if paths and (lang == shown_language() or shown is None):
            shown = paths[0]
    if shown is None:  # no format asked for: the check drew the chart, and says so
        return Markdown(f"*{t('not_written', shown_language(), var=FORMATS_VAR)}*")
    return _image(shown)


@contextlib.contextmanager
def _layout_left_to_saving():
    """While a chart is drawn, ``Figure.tight_layout`` does nothing. :func:`save_figure` lays
    the finished figure out with constrained layout, which places every axes afresh; a layout
    pass made while drawing is discarded. A drawing function may make such passes: seaborn's
    grids, for one, make two as they are built, each over every panel (two fifths of a
    small-multiples chart's drawing, when notebook 9 drew its own with seaborn)."""
    from matplotlib.figure import Figure

    original = Figure.tight_layout
    Figure.tight_layout = lambda self, *args, **kwargs: None  # type: ignore[method-assign]
    try:
        yield
    finally:
        Figure.tight_layout = original  # type: ignore[method-assign]


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


def _sources_of(p: Panel, obs_ids: pd.Series) -> pd.Series:
    """Source ids of the observations named in ``obs_ids`` (``;``-separated ids per row)."""
    ids = {i for row in obs_ids for i in str(row).split(";") if i}
    src = p.obs.set_index("obs_id")["source_id"]
    return src[src.index.isin(ids)]


def _places_label(p: Panel, places, lang: str) -> str:
    return ", ".join(p.name(g, lang) for g in places)


def _years_label(frame: pd.DataFrame) -> str:
    years = frame["end_date"].dt.year.dropna()
    return (
        ""
        if years.empty
        else (f"{years.min()}" if years.min() == years.max() else f"{years.min()}-{years.max()}")
    )


QUALIFIER_MARKERS = {"more than": "^", "at least": "^", "nearly": "v", "under": "v", "about": "D"}
"""A figure printed as a bound or an approximation keeps its wording visible: a triangle
pointing the way the true value lies, a diamond for "about"."""


class Marks:
    """What a figure has drawn, so that its legend lists only that."""

    def __init__(self, lang: str):
        self.lang = lang
        self.drawn: dict[str, object] = {}

    def add(self, key: str, handle) -> None:
        self.drawn.setdefault(key, handle)

    def handles(self, order=()) -> list:
        keys = [k for k in order if k in self.drawn] + [k for k in self.drawn if k not in order]
        return [self.drawn[k] for k in keys]


def _handle(lang: str, key: str, *, fmt: Any = None, **style):
    from matplotlib.lines import Line2D

    return Line2D([], [], label=t(key, lang, **(fmt or {})), **{"color": "#555555", **style})


def _mark(ax, x, y, status, derived, colour, role="outcome", qualifier=None, marks: Marks | None = None):
    """Points with the project's marks: filled where settled, hollow where provisional,
    crossed where implied by other figures, a hollow star for a target (drawn beneath
    outcomes, so that an outcome on its target stays visible); a triangle or diamond
    where the figure was printed as a bound or an approximation.  Drawn as marker-only
    lines (several times faster than scatter collections)."""
    x, y = np.asarray(x), np.asarray(y, dtype=float)
    status, derived = np.asarray(status), np.asarray(derived, dtype=bool)
    qual = np.asarray(qualifier if qualifier is not None else ["exact"] * len(x))
    if role == "target":
        ax.plot(x, y, ls="none", marker="*", ms=11, mfc="none", mec=colour, mew=1.2, zorder=2)
        if marks is not None and len(x):
            marks.add("target", _handle(marks.lang, "target", marker="*", ls="", mfc="none", ms=10))
        return
    settled = np.isin(status, vocabulary.settled())
    shape = np.array([QUALIFIER_MARKERS.get(q, "o") for q in qual])
    for m in dict.fromkeys(shape):
        on = shape == m
        for mask, style, key in (
            (on & settled & ~derived, {"marker": m, "ms": 28**0.5}, "reported"),
            (on & ~settled & ~derived, {"marker": m, "ms": 34**0.5, "mfc": "white", "mew": 1.3}, "estimate"),
            (on & derived, {"marker": "x", "ms": 30**0.5}, "derived"),
        ):
            if mask.any():
                style = {"mew": 1.5, "zorder": 4, **style}
                ax.plot(x[mask], y[mask], ls="none", color=colour, mec=colour, **style)
                if marks is not None:
                    base = {"reported": {"marker": "o"}, "estimate": {"marker": "o", "mfc": "white"}}
                    marks.add(key, _handle(marks.lang, key, ls="", **base.get(key, {"marker": "x"})))
    if marks is not None:
        for q in dict.fromkeys(qual):
            if q in QUALIFIER_MARKERS:
                key = "qual_" + q.replace(" ", "_")
                marks.add(key, _handle(marks.lang, key, ls="", marker=QUALIFIER_MARKERS[q], mfc="none"))


def _gap_years(x) -> np.ndarray:
    """Distance in years between consecutive points of a sorted axis (years or dates)."""
    x = pd.Series(x)
    if pd.api.types.is_datetime64_any_dtype(x):
        return (x.diff().dt.days / 365.25).to_numpy(float)
    return x.astype(float).diff().to_numpy(float)


def _series_lines(ax, frame: pd.DataFrame, x: str, colour, by=("standard",), marks: Marks | None = None):
    """One line per run of the same standard (or other key in ``by``): nothing is drawn
    across a break.  Within a run, consecutive points more than a year apart are joined by
    a dotted line, so that no gap is hidden."""
    for _, run in frame.groupby(list(by), sort=False):
        run = run.sort_values(x)
        xs, ys = run[x].to_numpy(), run["value"].to_numpy(float)
        gap = _gap_years(run[x]) > 1.01
        for i in range(1, len(run)):
            wide = bool(gap[i])
            ax.plot(
                xs[i - 1 : i + 1], ys[i - 1 : i + 1], ":" if wide else "-", color=colour, lw=1.4, zorder=3
            )
            if wide and marks is not None:
                marks.add("gap", _handle(marks.lang, "gap", ls=":"))
        _mark(
            ax,
            run[x],
            run["value"],
            run["status"],
            run["derived"],
            colour,
            qualifier=run["qualifier"],
            marks=marks,
        )


def _breaks(ax, frame: pd.DataFrame, x: str, p: Panel, span, marks: Marks) -> None:
    """A dotted vertical line between the last review of one poverty standard and the first
    of the next (from the standards table: the same place in every panel, whatever years
    have data), and a dashed one at the merger of provinces."""
    from ..reading import standards

    if (frame["standard"] != "").any():
        lo, hi = span
        for pos in standards.breaks(p.ds.standards, lo, hi):
            where = pos if x == "year" else pd.Timestamp(year=int(pos) + 1, month=1, day=1)
            ax.axvline(where, color="#999999", ls="-", lw=1.6, alpha=0.6, zorder=1)
            marks.add("standard_break", _handle(marks.lang, "standard_break", ls="-", lw=1.6, alpha=0.6))
    starts = pd.to_datetime(p.places["valid_from"], errors="coerce")
    merged = starts[starts.index.isin(frame["geo"])].dropna()
    if len(merged):
        when = merged.min()
        pos = when.year + (when.day_of_year - 1) / 365.25 if x == "year" else when
        ax.axvline(pos, color="#777777", ls="--", lw=1, zorder=1)
        day = {"day": when.day, "month": when.strftime("%B"), "m": when.month, "year": when.year}
        marks.add("merger", _handle(marks.lang, "merger", fmt=day, ls="--"))


def place_colours(p: Panel, places) -> dict[str, str]:
    """One colour per place, the same in every figure: by the place's rank in the
    geography's display order among places of its level."""
    pl = p.places
    rank = pl.assign(_o=pl["order"].astype(float)).sort_values("_o").groupby("level").cumcount()
    return {g: PALETTE[int(rank.get(g, 0)) % len(PALETTE)] for g in places}


def _year_axis(ax, lo: float, hi: float) -> None:
    """A tick each year, labelled every other year where the panel is narrow."""
    from matplotlib.ticker import MultipleLocator

    ax.set_xlim(lo - 0.5, hi + 0.5)
    ax.xaxis.set_minor_locator(MultipleLocator(1))
    ax.xaxis.set_major_locator(MultipleLocator(2 if hi - lo > 5 else 1))
    ax.xaxis.set_major_formatter(lambda v, _pos: f"{v:.0f}")


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
    rates), markers by status; estimates hollow, implied values crossed, targets as hollow
    stars beneath the outcomes, bounds and approximations as triangles and diamonds.

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
    lo, hi = years if years is not None else (t_all["year"].min(), t_all["year"].max())

    def draw(lang):
        from matplotlib.lines import Line2D

        n = len(places)
        cols = ncols or n
        if n > 1 and n % cols == 0 and cols > 2 and n % (cols - 1):
            cols -= 1  # a grid with an empty panel, to hold the legend
        rows = int(np.ceil(n / cols))
        fig, axes = plt.subplots(rows, cols, sharey=True, squeeze=False, layout="constrained")
        marks = Marks(lang)
        lines: dict[str, object] = {}
        for ax, geo in zip(axes.flat, places, strict=False):
            g = t_all[t_all["geo"] == geo]
            for i, code in enumerate(indicators):
                s = g[g["indicator"] == code]
                colour = PALETTE[i % len(PALETTE)]
                out = s[s["role"] == "outcome"]
                if len(out):
                    lines[code] = Line2D([], [], color=colour, label=p.label(code, lang))
                _series_lines(ax, out, "year", colour, marks=marks)
                tg = s[s["role"] == "target"]
                _mark(ax, tg["year"], tg["value"], tg["status"], tg["derived"], colour, "target", marks=marks)
            _breaks(ax, g, "year", p, (lo, hi), marks)
            ax.set_title(_fit(p.name(geo, lang), cols), fontsize=9)
            _year_axis(ax, lo, hi)
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
        handles = [lines[c] for c in indicators if c in lines] + marks.handles(MARK_ORDER)
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

    return render(p, draw, name, source_ids=t_all["source_id"], caption=caption, notebook=notebook)


MARK_ORDER = (
    "reported",
    "estimate",
    "derived",
    "qual_more_than",
    "qual_at_least",
    "qual_nearly",
    "qual_under",
    "qual_about",
    "target",
    "gap",
    "year_only",
    "standard_break",
    "merger",
)


def over_time(
    p: Panel,
    indicator: str,
    places,
    *,
    name: str,
    notebook: str,
    caption,
    title=None,
    by: str | None = None,
    labels=None,
    ylabel=None,
    years: tuple[int, int] | None = None,
):
    """An indicator measured at dates (a stock such as outstanding credit, or a
    cumulative ratio), one colour per place on a time axis; points are marked by status
    and qualifier, gaps of more than a year are dotted.  ``by``: a column of the panel
    (such as ``plan_period``) whose values each get their own line, never joined; with
    ``labels`` (``{lang: {value: text}}``) they are written at the end of each line.
    ``years``: (first, last) calendar years of the dates drawn (default: all)."""
    import matplotlib.pyplot as plt

    t = p.table
    in_span = pd.to_numeric(t["end"], errors="coerce").between(*years) if years else True
    s = t[
        (t["indicator"] == indicator)
        & t["geo"].isin(places)
        & (t["bound"] == "point")
        & (t["role"] == "outcome")
        & t["end_date"].notna()
        & in_span
    ]
    # A figure dated by its year alone may stand for any month of it: drawn at mid-year,
    # with a bar across the year.
    year_only = s["kind"] == "year"
    mid = pd.to_datetime(s["end"].astype("Int64").astype(str) + "-07-01", errors="coerce")
    s = s.assign(end_date=s["end_date"].where(~year_only, mid), _year_only=year_only)
    colours = place_colours(p, places)

    def draw(lang):
        import matplotlib.dates as mdates
        from matplotlib.lines import Line2D

        fig, ax = plt.subplots()
        marks = Marks(lang)
        handles = []
        for geo in places:
            g = s[s["geo"] == geo].sort_values("end_date")
            if g.empty:
                continue
            colour = colours[geo]
            keys = ("standard",) if by is None else ("standard", by)
            _series_lines(ax, g, "end_date", colour, by=keys, marks=marks)
            if by is not None and labels:
                for value, run in g.groupby(by, sort=True):
                    last = run.iloc[-1]
                    text = labels[lang].get(value, str(value))
                    ax.annotate(
                        text,
                        (last["end_date"], last["value"]),
                        xytext=(4, 0),
                        textcoords="offset points",
                        fontsize=6.5,
                        color=colour,
                        va="center",
                    )
            for r in g[g["_year_only"]].itertuples():
                y0 = pd.Timestamp(year=r.end_date.year, month=1, day=1)
                ax.plot(
                    [y0, y0 + pd.offsets.YearEnd(0)],
                    [r.value, r.value],
                    color=colour,
                    lw=4,
                    alpha=0.25,
                    solid_capstyle="butt",
                    zorder=2,
                )
                marks.add("year_only", _handle(lang, "year_only", lw=4, alpha=0.25))
            handles.append(Line2D([], [], color=colour, marker="o", label=p.name(geo, lang)))
        if len(s):
            _breaks(
                ax,
                s,
                "end_date",
                p,
                (s["end_date"].dt.year.min() - 1, s["end_date"].dt.year.max() + 1),
                marks,
            )
        ax.set_ylabel(_text(ylabel, lang) if ylabel else p.unit(indicator))
        ax.set_ylim(bottom=0, top=float(s["value"].max()) * 1.3 if len(s) else 1)
        ax.xaxis.set_major_locator(mdates.YearLocator())
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
        ax.set_title(_text(title, lang) if title else f"{p.label(indicator, lang)}, {_years_label(s)}")
        ax.legend(handles=handles + marks.handles(MARK_ORDER), loc="upper left", ncol=2, fontsize=7)
        return fig

    return render(p, draw, name, source_ids=s["source_id"], caption=caption, notebook=notebook)


def heatmap(
    p: Panel, matrix: pd.DataFrame, *, source_ids, name: str, notebook: str, caption, title, row_labels=None
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

    return render(p, draw, name, source_ids=source_ids, caption=caption, notebook=notebook)


def verdicts(p: Panel, table: pd.DataFrame, *, name: str, notebook: str, caption, title):
    """Stacked bars of audit findings per check (agreement and plausibility checks; targets
    are scored in their own words elsewhere), with the checks' readable names."""
    import matplotlib.pyplot as plt

    from ..auditing.audit import FINDING_LABELS, FINDINGS, label

    table = table[table["class"] != "target"]
    order = list(dict.fromkeys(FINDINGS["agreement"] + FINDINGS["plausibility"]))
    shown = [f for f in order if (table["finding"] == f).any()]
    ct = pd.crosstab(table["check"], table["finding"]).reindex(columns=shown, fill_value=0)
    source_ids = _sources_of(p, table["obs_ids"])
    colour_of = {
        "agrees": PALETTE[2],
        "plausible": PALETTE[2],
        "reading limit": PALETTE[5],
        "provisional replaced": PALETTE[6],
        "disagreement": PALETTE[3],
        "implausible": PALETTE[3],
        "not checkable": "#BBBBBB",
    }

    def draw(lang):
        fig, ax = plt.subplots(layout="constrained")
        left = np.zeros(len(ct))
        for f in shown:
            ax.barh(
                range(len(ct)),
                ct[f],
                left=left,
                color=colour_of.get(f, "#DDDDDD"),
                label=FINDING_LABELS[lang][f],
                height=0.7,
                hatch="//" if f.startswith("not comparable") else None,
            )
            left += ct[f].to_numpy()
        ax.set_yticks(range(len(ct)), [label(c, lang) for c in ct.index])
        ax.set_xlabel(t("checks", lang))
        ax.set_title(_text(title, lang), fontsize=10)
        ax.legend(loc="upper center", bbox_to_anchor=(0.3, -0.16), ncol=2, fontsize=6.5)
        return fig

    return render(p, draw, name, source_ids=source_ids, caption=caption, notebook=notebook)


def scorecard(
    p: Panel,
    scores: pd.DataFrame,
    *,
    name: str,
    notebook: str,
    caption,
    title,
    ylabel,
    ncols: int | None = None,
):
    """Each year's achieved fall beside the target for it, one panel per place.

    ``scores``: rows of :func:`povlib.targets.score` for falls (one per target and year).
    A bar is the fall achieved (filled where settled, hatched where it rests on a
    provisional or implied figure); the target is a hollow box from its lower to its
    upper end (a line where it is one value), drawn over the bar; a year with no outcome
    has no bar but a grey cross (the table says why).  Years under different poverty
    standards are kept apart by a grey line.  Units: those of the scores (points)."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch, Rectangle

    from ..reading import standards

    places = list(dict.fromkeys(scores["geo"]))
    colours = place_colours(p, places)
    source_ids = _sources_of(p, scores["obs_ids"])

    def draw(lang):
        n = max(len(places), 1)
        cols = ncols or n
        rows = int(np.ceil(n / cols))
        fig, axes = plt.subplots(rows, cols, sharey=True, squeeze=False, layout="constrained")
        marks = Marks(lang)
        top = float(np.nanmax([scores["achieved"].max(), scores["ask_high"].max(), 1.0]))
        for ax, geo in zip(axes.flat, places, strict=False):
            g = scores[scores["geo"] == geo]
            # One slot per outcome year, in time order; every target for that year beside it.
            years = sorted(set(g["period"]), key=lambda per: (int(per.split("-")[-1]), per))
            colour = colours[geo]
            for i, per in enumerate(years):
                rows = g[g["period"] == per]
                got = rows[np.isfinite(rows["achieved"].astype(float))]
                if len(got):
                    r = got.iloc[0]
                    settled = r["status"] in vocabulary.settled() and not r["derived"]
                    key = "achieved" if settled else "achieved_provisional"
                    ax.bar(
                        i - 0.2,
                        r["achieved"],
                        0.38,
                        color=colour if settled else "white",
                        edgecolor=colour,
                        hatch=None if settled else "///",
                        zorder=2,
                    )
                    marks.add(
                        key,
                        Patch(
                            facecolor="#555555" if settled else "white",
                            edgecolor="#555555",
                            hatch=None if settled else "///",
                            label=t(key + "_fall", lang),
                        ),
                    )
                else:
                    ax.plot(i - 0.2, 0, marker="x", color="#888888", ms=5, ls="", zorder=3, clip_on=False)
                    marks.add("no_outcome", _handle(lang, "no_outcome", marker="x", ls="", color="#888888"))
                width = 0.38 / len(rows)
                for k, (_, tr) in enumerate(rows.iterrows()):
                    lo, hi = float(tr["ask_low"]), float(tr["ask_high"])
                    x0 = i + 0.01 + k * width
                    if hi > lo:
                        ax.add_patch(
                            Rectangle(
                                (x0, lo), width * 0.9, hi - lo, fill=False, ec="#222222", lw=1.2, zorder=3
                            )
                        )
                    else:
                        ax.plot([x0, x0 + width * 0.9], [lo, lo], color="#222222", lw=2, zorder=3)
            marks.add("target_range", Patch(fill=False, edgecolor="#222222", label=t("target_range", lang)))
            # Falls measured under different standards sit on either side of a grey line.
            ends = [int(per.split("-")[-1]) for per in years]
            std = list(standards.of_review(p.ds.standards, ends))
            for i in range(1, len(years)):
                if std[i] != std[i - 1] and std[i] and std[i - 1]:
                    ax.axvline(i - 0.5, color="#999999", ls="-", lw=1.6, alpha=0.6, zorder=1)
                    marks.add("standard_break", _handle(lang, "standard_break", ls="-", lw=1.6, alpha=0.6))
            ax.set_xticks(range(len(years)), years, rotation=60, fontsize=7)
            ax.set_xlim(-0.6, max(len(years), 1) - 0.4)
            ax.set_title(_fit(p.name(geo, lang), cols), fontsize=9)
        spare = list(axes.flat)[len(places) :]
        for ax in spare:
            ax.axis("off")
        axes[0, 0].set_ylim(0, top * 1.15)
        axes[0, 0].set_ylabel(_text(ylabel, lang))
        handles = marks.handles(
            ("achieved", "achieved_provisional", "no_outcome", "target_range", "standard_break")
        )
        if spare:  # an empty panel holds the legend
            spare[0].legend(handles=handles, loc="center", fontsize=7)
        else:
            fig.legend(handles=handles, loc="outside right upper", fontsize=7)
        fig.suptitle(_text(title, lang), fontsize=10.5)
        return fig

    return render(p, draw, name, source_ids=source_ids, caption=caption, notebook=notebook)


def strips(
    p: Panel,
    frame: pd.DataFrame,
    *,
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
    colours=None,
    hollow=(),
):
    """Every value of ``y`` as a point (e.g. each test's error) on the horizontal axis, one
    row per category ``x`` (e.g. method), coloured by ``hue`` (e.g. the series tested), one
    panel per value of ``panel`` (e.g. how far ahead), with each row's mean as a black bar
    and a line at zero: the spread, not only the mean.

    ``labels``: ``{lang: {column: {value: label}}}`` for the values of ``x``, ``hue`` and
    ``panel`` (a value without a label is shown as it is); ``value_label``: the axis label
    of ``y``; ``mean_label``: the legend text of the mean (each a text or ``{lang: text}``).
    Rows, colours and panels keep the order in which they first appear in ``frame``;
    ``colours`` (``{hue value: colour}``, e.g. :func:`place_colours` of each series' place)
    overrides the palette, and values of ``hue`` in ``hollow`` are drawn as open circles."""
    import textwrap

    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    xs = list(dict.fromkeys(frame[x]))
    hues = list(dict.fromkeys(frame[hue]))
    panels = list(dict.fromkeys(frame[panel]))

    def name_of(lang, col, value):
        return str(labels[lang].get(col, {}).get(value, value))

    def colour_of(j, h):
        return (colours or {}).get(h, PALETTE[j % len(PALETTE)])

    def draw(lang):
        fig, axes = plt.subplots(1, max(len(panels), 1), sharey=True, squeeze=False)
        step = 0.5 / max(len(hues), 1)
        for ax, pan in zip(axes.flat, panels, strict=True):
            sub = frame[frame[panel] == pan]
            ax.axvline(0, color="#999999", lw=0.8, zorder=1)
            for j, h in enumerate(hues):
                s = sub[sub[hue] == h]
                pos = np.array([xs.index(v) for v in s[x]], dtype=float) + (j - (len(hues) - 1) / 2) * step
                ax.plot(
                    s[y],
                    pos,
                    "o",
                    ls="none",
                    ms=5,
                    color=colour_of(j, h),
                    mec=colour_of(j, h),
                    mfc="white" if h in hollow else colour_of(j, h),
                    mew=1.3,
                    zorder=3,
                )
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
            Line2D(
                [],
                [],
                marker="o",
                ls="",
                color=colour_of(j, h),
                mfc="white" if h in hollow else colour_of(j, h),
                label=name_of(lang, hue, h),
            )
            for j, h in enumerate(hues)
            if h in shown
        ]
        handles.append(Line2D([], [], color="#000000", lw=2, label=_text(mean_label, lang)))
        fig.legend(handles=handles, loc="outside right center", fontsize=7)
        fig.suptitle(_text(title, lang), fontsize=10.5)
        return fig

    return render(p, draw, name, source_ids=source_ids, caption=caption, notebook=notebook)


def tested_paths(
    p: Panel,
    observed: pd.DataFrame,
    tests: pd.DataFrame,
    *,
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
                    bars = [am["value"] - am["low"], am["high"] - am["value"]]
                    yerr: list | None = bars
                    if (pd.concat(bars) < 0).any():
                        # Past errors all of one sign: the range of them misses the projection
                        # itself, so the range is drawn as a bar beside which the point sits.
                        ax.vlines(am["year"] + dx, am["low"], am["high"], color=colour[m], lw=1, zorder=4)
                        yerr = None
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

    return render(p, draw, name, source_ids=source_ids, caption=caption, notebook=notebook)


def panels(
    p: Panel,
    frame: pd.DataFrame,
    *,
    name: str,
    notebook: str,
    caption,
    title,
    labels,
    ylabel=None,
    years=None,
    ncols: int | None = None,
):
    """Yearly series of a tidy ``frame``, one panel per value of its ``panel`` column (a
    geo id, titled with the place's name), one colour per value of ``series`` (named by
    ``labels``: ``{lang: {series: text}}``).  Columns: ``panel``, ``series``, ``year``,
    ``standard``, ``value``, ``status``, ``derived``, ``qualifier``, ``source_id``.  Points
    carry the project's marks; no line joins two standards or a gap of more than a year
    without a dotted stroke.  The legend takes a spare panel.  Units: those of ``value``
    (``ylabel``)."""
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    names = list(dict.fromkeys(frame["panel"]))
    series = list(dict.fromkeys(frame["series"]))
    colours = {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(series)}
    lo, hi = years if years is not None else (frame["year"].min(), frame["year"].max())

    def draw(lang):
        cols = ncols or len(names) + 1
        rows = int(np.ceil((len(names) + 1) / cols))
        fig, axes = plt.subplots(rows, cols, sharey=True, squeeze=False, layout="constrained")
        marks = Marks(lang)
        for ax, geo in zip(axes.flat, names, strict=False):
            g = frame[frame["panel"] == geo]
            for s in series:
                run = g[g["series"] == s]
                if len(run):
                    _series_lines(ax, run, "year", colours[s], marks=marks)
            _breaks(ax, g.assign(geo=geo), "year", p, (lo, hi), marks)
            ax.set_title(_fit(p.name(geo, lang), cols), fontsize=9)
            _year_axis(ax, lo, hi)
        spare = list(axes.flat)[len(names) :]
        for ax in spare:
            ax.axis("off")
        axes[0, 0].set_ylim(0, float(frame["value"].max()) * 1.12 if len(frame) else 1)
        axes[0, 0].set_ylabel(_text(ylabel, lang) if ylabel else "")
        handles = [Line2D([], [], color=colours[s], label=labels[lang].get(s, s)) for s in series]
        spare[0].legend(handles=handles + marks.handles(MARK_ORDER), loc="center", fontsize=7)
        fig.suptitle(_text(title, lang), fontsize=10.5)
        return fig

    return render(p, draw, name, source_ids=frame["source_id"], caption=caption, notebook=notebook)


def tile_map(
    p: Panel,
    frame: pd.DataFrame,
    *,
    name: str,
    notebook: str,
    caption,
    title,
    legend,
    cmap: str = "YlOrRd",
):
    """A map with no boundary file: one square per place at (``tile_row``, ``tile_col``)
    of ``frame`` (row 0 at the top), coloured by ``value`` on one scale, and labelled with
    the place's name, the value and its ``year``; a place with no value is grey and says
    so.  Columns: ``geo``, ``tile_row``, ``tile_col``, ``value``, ``year``, ``source_id``
    (empty where no figure).  ``legend``: the colour bar's label (a text or
    ``{lang: text}``).  Units: those of ``value`` (printed with two decimals, per cent)."""
    import matplotlib.pyplot as plt
    from matplotlib import colormaps
    from matplotlib.colors import Normalize
    from matplotlib.patches import Rectangle

    have = frame[frame["value"].notna()]
    norm = Normalize(0, float(have["value"].max()) if len(have) else 1)
    colours = colormaps[cmap]
    rows, cols = int(frame["tile_row"].max()) + 1, int(frame["tile_col"].max()) + 1

    def draw(lang):
        fig, ax = plt.subplots(layout="constrained")
        for r in frame.itertuples():
            x, y = float(r.tile_col), float(rows - 1 - r.tile_row)
            known = pd.notna(r.value)
            face = colours(norm(r.value)) if known else "#d9d9d9"
            ax.add_patch(Rectangle((x + 0.03, y + 0.03), 0.94, 0.94, facecolor=face, edgecolor="white"))
            dark = known and norm(r.value) > 0.55
            text = f"{r.value:.2f}%\n({int(r.year)})" if known else t("no_figure", lang)
            ax.text(
                x + 0.5,
                y + 0.5,
                _fit(p.name(r.geo, lang), cols * 2, 6.5) + "\n" + text,
                ha="center",
                va="center",
                fontsize=6.5,
                color="white" if dark else "#1b1b1b",
            )
        ax.set_xlim(0, cols)
        ax.set_ylim(0, rows)
        ax.set_aspect("equal")
        ax.axis("off")
        bar = fig.colorbar(plt.cm.ScalarMappable(norm=norm, cmap=colours), ax=ax, shrink=0.6)
        bar.set_label(_text(legend, lang), fontsize=8)
        ax.set_title(_text(title, lang), fontsize=10.5)
        return fig

    return render(p, draw, name, source_ids=frame["source_id"].fillna(""), caption=caption, notebook=notebook)

"""Explore a series without editing code: places, an indicator and years in; a chart, a
table with each value's status, standard and source (with its address), and the audit's
findings about those figures out.

:func:`explore` works headless (tests, scripts); :func:`controls` puts it behind
JupyterLab widgets (``ipywidgets``, installed in the lab environment).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .present import Table, status, table

HEAD = {
    "place": {"en": "place", "vi": "địa phương"},
    "period": {"en": "period", "vi": "kỳ"},
    "value": {"en": "value, {unit}", "vi": "giá trị, {unit}"},
    "status": {"en": "status", "vi": "tình trạng"},
    "standard": {"en": "poverty standard", "vi": "chuẩn nghèo"},
    "derived": {"en": "implied by other figures", "vi": "suy ra từ số liệu khác"},
    "source": {"en": "source", "vi": "nguồn"},
    "address": {"en": "address", "vi": "địa chỉ"},
}
FINDINGS = {
    "check": {"en": "check", "vi": "phép kiểm tra"},
    "place": {"en": "place", "vi": "địa phương"},
    "period": {"en": "period", "vi": "kỳ"},
    "relation": {"en": "relation tested", "vi": "quan hệ được kiểm tra"},
    "finding": {"en": "finding", "vi": "kết quả"},
}
CAPTIONS = {
    "series": {
        "en": "One row per printed or implied value of {label}, with where it comes from.",
        "vi": "Mỗi dòng là một giá trị {label} đã công bố hoặc suy ra, kèm nguồn.",
    },
    "findings": {
        "en": "One row per audit check involving {label} at the places chosen.",
        "vi": "Mỗi dòng là một phép kiểm tra có {label} tại các địa phương đã chọn.",
    },
}


@dataclass
class Exploration:
    """What :func:`explore` returns: ``data`` (the series), ``table`` and ``findings``
    (:class:`povlib.present.Table`), and ``figure`` (a matplotlib Figure)."""

    data: pd.DataFrame
    table: Table
    findings: Table
    figure: object


def explore(
    data, indicator: str, places, years=None, *, lang: str = "en", findings: pd.DataFrame | None = None
) -> Exploration:
    """In ``data`` (the Panel or Dataset), one indicator at ``places`` (ids or names) over
    ``years`` (``(first, last)`` or None for all), in ``lang``. Raises
    :class:`povlib.query.QueryError` for an unknown name or an empty choice, with the
    valid ones.  ``findings``: the audit of ``data`` if already run (the controls run it
    once, not at every choice)."""
    import matplotlib.pyplot as plt

    from ..analysis.query import as_panel, resolve_indicator, resolve_places, series
    from ..auditing.audit import audit
    from .figures import use_style

    p = as_panel(data)
    code = resolve_indicator(p, indicator)
    geos = resolve_places(p, places)
    span = None if years is None else list(range(int(years[0]), int(years[1]) + 1))
    s = series(p, code, places=geos, years=span)
    src = p.ds.sources.set_index("source_id")
    first = s["sources"].str.split(";").str[0]
    s = s.assign(
        place=p.names(s["geo"], lang),
        status=status(s["status"], lang),
        source=first.map(src["publisher"]).where(first.map(src["publisher"]).fillna("") != "", first),
        address=first.map(src["url"]).fillna(""),
    )
    unit = p.unit(code)
    label = str(p.indicators.at[code, f"label_{lang}"])
    heads = {k: {lg: v[lg].format(unit=unit) for lg in v} for k, v in HEAD.items()}
    decimals = int(p.indicators.at[code, "decimals"])
    shown = table(
        s,
        heads,
        lang=lang,
        decimals={"value": decimals},
        caption={lg: CAPTIONS["series"][lg].format(label=label) for lg in ("en", "vi")},
    )
    a = audit(p) if findings is None else findings
    a = a[a["geo"].isin(geos) & a["relation"].str.contains(rf"\b{code}\b", regex=True)]
    if span:
        yr = pd.to_numeric(a["period"].astype(str).str[-4:], errors="coerce")
        a = a[yr.between(span[0], span[-1])]
    found = table(
        a.assign(place=p.names(a["geo"], lang)),
        FINDINGS,
        lang=lang,
        caption={lg: CAPTIONS["findings"][lg].format(label=label) for lg in ("en", "vi")},
    )
    use_style()
    fig, ax = plt.subplots(layout="constrained")
    for geo, g in s.groupby("geo", sort=False):
        ax.plot(g["end_date"], g["value"], "o-", label=p.name(geo, lang))
    ax.set_ylabel(unit)
    ax.set_title(label)
    ax.legend()
    plt.close(fig)
    return Exploration(s.reset_index(drop=True), shown, found, fig)


def controls(data, lang: str = "en"):
    """For ``data`` (the Panel or Dataset), JupyterLab controls (indicator, years, places)
    that show :func:`explore`'s chart and tables below them; needs ``ipywidgets`` (in the
    lab and test environments).  Returns the widget box; its ``shown`` attribute holds the
    last :class:`Exploration` (or the message said for an empty choice), so that the same
    path is tested headless."""
    try:
        import ipywidgets as w
    except ImportError as exc:  # a clear message, not a traceback
        raise ImportError("controls need ipywidgets: install it in the lab environment") from exc
    from IPython.display import display

    from ..analysis.query import QueryError, as_panel
    from ..auditing.audit import audit

    p = as_panel(data)
    found = audit(p)
    inds = sorted(set(p.table["indicator"]), key=lambda c: p.label(c, lang))
    geos = sorted(set(p.table["geo"]), key=lambda g: p.name(g, lang))
    years = pd.to_numeric(p.table["end"], errors="coerce").dropna().astype(int)
    words = LABELS[lang]
    ind = w.Dropdown(options=[(p.label(c, lang), c) for c in inds], description=words["indicator"])
    where = w.SelectMultiple(
        options=[(p.name(g, lang), g) for g in geos], rows=8, description=words["places"]
    )
    lo, hi = int(years.min()), int(years.max())
    span = w.IntRangeSlider(min=lo, max=hi, value=(lo, hi), description=words["years"])
    out = w.Output()
    box = w.VBox([w.HBox([ind, span]), where, out])

    def show(_=None):
        out.clear_output()
        if not where.value:
            box.shown = words["choose"]
        else:
            try:
                box.shown = explore(p, ind.value, list(where.value), span.value, lang=lang, findings=found)
            except QueryError as exc:  # nothing for this choice: said plainly
                box.shown = f"{words['nothing']} ({exc})"
        with out:
            if isinstance(box.shown, Exploration):
                display(box.shown.figure, box.shown.table, box.shown.findings)
            else:
                print(box.shown)

    for c in (ind, where, span):
        c.observe(show, names="value")
    show()
    return box


LABELS = {
    "en": {
        "indicator": "indicator",
        "places": "places",
        "years": "years",
        "choose": "Choose one or more places.",
        "nothing": "Nothing is printed for this choice",
    },
    "vi": {
        "indicator": "chỉ tiêu",
        "places": "địa phương",
        "years": "năm",
        "choose": "Hãy chọn một hay nhiều địa phương.",
        "nothing": "Không có số liệu nào cho lựa chọn này",
    },
}

"""A small, strict query API over the panel.

``series`` returns one indicator as a tidy table; ``coverage`` says what is
printed for each place, year and indicator.  Places may be given by id, by
Vietnamese name or by ASCII alias; years as integers or strings.  Anything
unknown raises :class:`QueryError`, which names it and suggests the closest
valid codes: no query returns NaN or an empty frame silently.
"""

from __future__ import annotations

import difflib
import unicodedata

import pandas as pd

from ..reading import vocabulary
from ..reading.tables import default_dataset  # noqa: F401  (kept importable from here)
from .panel import Panel, panel

SERIES_COLUMNS = [
    "geo",
    "place",
    "indicator",
    "period",
    "standard",
    "value",
    "low",
    "high",
    "unit",
    "status",
    "qualifier",
    "derived",
    "basis",
    "sources",
    "obs_id",
    "alternatives",
    "bound",
]
"""Columns of :func:`series` (and of ``povlib export``), besides ``end_date``."""


class QueryError(KeyError):
    """An unknown place, indicator or year; the message suggests valid ones."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


def _fold(text: str) -> str:
    """Lower case without diacritics (đ -> d), for matching names typed without them."""
    text = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in text if not unicodedata.combining(c)).lower().strip()


def _suggest(what: str, given, valid: list[str]) -> QueryError:
    close = difflib.get_close_matches(_fold(given), [_fold(v) for v in valid], n=3, cutoff=0.5)
    folded = {_fold(v): v for v in valid}
    hint = (" Did you mean " + ", ".join(repr(folded[c]) for c in close) + "?") if close else ""
    return QueryError(
        f"unknown {what} {given!r}.{hint} Valid: {', '.join(sorted(valid)[:12])}"
        + (" ..." if len(valid) > 12 else "")
    )


def as_panel(data) -> Panel:
    """The panel of ``data`` (a Panel, or a Dataset whose panel is built once and kept):
    every function that reads the data takes it first, so nothing builds a second panel
    behind the caller's back."""
    from ..reading.tables import Dataset

    if isinstance(data, Panel):
        return data
    if isinstance(data, Dataset):
        return panel(data)
    raise TypeError(f"expected a Panel or a Dataset as first argument, not {type(data).__name__}")


def resolve_places(p: Panel, places) -> list[str]:
    """geo_ids for places given by id, Vietnamese name or ASCII alias (diacritics optional).

    A name shared by several units (the pre- and post-merger Lào Cai) stands for all of them.
    """
    if isinstance(places, str):
        places = [places]
    geo = p.ds.geography
    index: dict[str, list[str]] = {}
    for col in ("geo_id", "name_vi", "alias", "label_en", "label_vi"):
        for gid, name in zip(geo["geo_id"], geo[col], strict=True):
            index.setdefault(_fold(name), [])
            if gid not in index[_fold(name)]:
                index[_fold(name)].append(gid)
    out: list[str] = []
    for place in places:
        hit = index.get(_fold(place))
        if hit is None:
            close = difflib.get_close_matches(_fold(place), list(index), n=4, cutoff=0.5)
            ids = list(dict.fromkeys(g for c in close for g in index[c]))[:4]
            hint = (" Did you mean " + "; ".join(describe_place(geo, g) for g in ids) + "?") if ids else ""
            raise QueryError(f"unknown place {place!r}.{hint} `povlib places` lists them all")
        out += [g for g in hit if g not in out]
    return out


def describe_place(geo: pd.DataFrame, geo_id: str) -> str:
    """A place told apart from any other of its name: its English label, its level and
    dates of existence where they are not in the label, and its id, e.g. ``Lào Cai
    (province until 30 June 2025) [laocai]``."""
    row = geo.set_index("geo_id").loc[geo_id]
    label, when = str(row["label_en"]), []
    if "(" not in label:
        if isinstance(row["valid_from"], str) and row["valid_from"]:
            when.append("from " + _day(row["valid_from"]))
        if isinstance(row["valid_to"], str) and row["valid_to"]:
            when.append("until " + _day(row["valid_to"]))
        if when:
            label += f" ({row['level']} {' '.join(when)})"
    return f"{label} [{geo_id}]"


def _day(date: str) -> str:
    d = pd.Timestamp(date)
    return f"{d.day} {d.strftime('%B %Y')}"


def resolve_indicator(p: Panel, indicator: str) -> str:
    """An indicator's code from its code or its label in English or Vietnamese
    (case and diacritics optional)."""
    ind = p.ds.indicators
    codes = list(ind["code"])
    if indicator in codes:
        return indicator
    by_label = {
        _fold(lab): c
        for col in ("label_en", "label_vi")
        for c, lab in zip(ind["code"], ind[col], strict=True)
    }
    by_label.update({_fold(c.replace("_", " ")): c for c in codes})
    if _fold(indicator) in by_label:
        return by_label[_fold(indicator)]
    close = difflib.get_close_matches(_fold(indicator), list(by_label), n=3, cutoff=0.5)
    hint = (
        (" Did you mean " + ", ".join(repr(by_label[c]) for c in dict.fromkeys(close)) + "?") if close else ""
    )
    raise QueryError(f"unknown indicator {indicator!r}.{hint} `povlib indicators` lists them all")


def related_indicators(p: Panel, code: str) -> list[str]:
    """Indicators whose English label extends ``code``'s (``Disbursement ratio, three NTPs``
    beside ``Disbursement ratio``): one asked for by its general name may be printed
    under a narrower one."""
    ind = p.ds.indicators.set_index("code")
    head = str(ind.at[code, "label_en"]) + ","
    return [c for c, lab in ind["label_en"].items() if str(lab).startswith(head)]


def resolve_years(years) -> list[int]:
    """Years as integers; a single year or a list, given as int or str."""
    if isinstance(years, (int, str)):
        years = [years]
    out = []
    for y in years:
        text = str(y).strip()
        # int() would read "٢٠٢٣" and "２０２３"; a year is written in ASCII digits.
        if not (text.isascii() and text.isdigit()):
            raise QueryError(f"year {y!r} is not a year such as 2023 (ASCII digits)")
        out.append(int(text))
    return out


def series(
    data,
    indicator: str,
    places=None,
    years=None,
    *,
    standard: str | None = None,
    role: str = "outcome",
    derived: bool = True,
) -> pd.DataFrame:
    """One indicator as a tidy table: place, period, value, unit, status, standard, sources.

    ``places``: ids or names (default: every place with a figure); ``years``:
    keep periods ending in these years; ``standard``: ``2016-2020`` or
    ``2022-2025``; ``role``: ``outcome`` or ``target``; ``derived``: include
    values implied by other figures (flagged, with their basis); ``data``: the
    Panel (or Dataset) to read.  Raises
    :class:`QueryError` for unknown names and when nothing matches.
    """
    p = as_panel(data)
    code = resolve_indicator(p, indicator)
    t = p.table[(p.table["indicator"] == code) & (p.table["role"] == role)]
    if not derived:
        t = t[~t["derived"]]
    if places is not None:
        geos = resolve_places(p, places)
        t = t[t["geo"].isin(geos)]
    if years is not None:
        ys = resolve_years(years)
        have = set(t["end"].dropna().astype(int))
        missing = [y for y in ys if y not in have]
        if len(missing) == len(ys):
            raise QueryError(
                f"{code} has no {role} for year(s) {ys} at the places asked;"
                f" years with figures: {sorted(have)}"
            )
        t = t[t["end"].isin(ys)]
    if standard is not None:
        stds = sorted(set(p.ds.observations["standard"]) - {""})
        if standard not in stds:
            raise _suggest("standard", standard, stds)
        t = t[t["standard"] == standard]
    if t.empty:
        raise QueryError(f"no {role} of {code} for the places, years and standard asked")
    out = t.assign(place=p.names(t["geo"]), unit=p.unit(code), sources=t["source_id"])
    return out[[*SERIES_COLUMNS, "end_date"]].reset_index(drop=True)


def coverage(
    data, *, families: dict | None = None, themes=None, places=None, years=None, level: str | None = None
) -> pd.DataFrame:
    """What is printed: one row per place and indicator family, one column per year.

    Each cell counts the distinct sources that print an outcome (not a target)
    of the family for that place and year (the last year of the period); 0 is a
    visible gap.  ``families`` maps a family name to indicator codes (default: the
    indicators' ``theme`` in the metadata, limited to ``themes`` if given);
    ``places`` (default: every place, or those of ``level``) and ``years``
    (first, last) fix the grid, so empty rows and years show.
    """
    p = as_panel(data)
    if families is None:
        ind = p.ds.indicators.sort_values("order")
        order = list(dict.fromkeys(ind["theme"]))
        for th in themes or []:
            if th not in order:
                raise _suggest("theme", th, order)
        fam = {th: list(ind.loc[ind["theme"] == th, "code"]) for th in (themes or order)}
    else:
        fam = families
    for codes in fam.values():
        for c in codes:
            resolve_indicator(p, c)
    code_fam = {c: f for f, codes in fam.items() for c in codes}
    geo = p.ds.geography
    geos = (
        resolve_places(p, places)
        if places is not None
        else list(geo.loc[geo["level"] == level, "geo_id"])
        if level
        else list(geo["geo_id"])
    )
    o = p.obs.assign(
        year=pd.to_numeric(p.obs["period"].str.extract(r"(\d{4})(?:-(?:\d\d))?$")[0], errors="coerce"),
        family=p.obs["indicator"].map(code_fam),
    )
    o = o[
        o["family"].notna()
        & o["geo"].isin(geos)
        & ~o["status"].isin(vocabulary.of_role("target"))
        & o["year"].notna()
    ]
    span: list[int] = (
        ([int(o["year"].min()), int(o["year"].max())] if len(o) else [0, -1])
        if years is None
        else resolve_years(years)
    )
    cols = list(range(span[0], span[-1] + 1))
    counts = o.groupby(["geo", "family", "year"])["source_id"].nunique()
    grid = pd.MultiIndex.from_product([geos, list(fam), cols], names=["geo", "family", "year"])
    out = counts.reindex(grid, fill_value=0).unstack("year")
    out.columns = [int(c) for c in out.columns]
    return out.reindex(pd.MultiIndex.from_product([geos, list(fam)], names=["geo", "family"]))


def coverage_markdown(data, cov: pd.DataFrame) -> str:
    """A coverage table as Markdown: place and family, then one column per year; a gap
    is shown as a dash."""
    p = as_panel(data)
    years = list(cov.columns)
    lines = [
        "| place | family | " + " | ".join(str(y) for y in years) + " |",
        "|---|---|" + "---:|" * len(years),
    ]
    for (geo, fam), row in cov.iterrows():
        cells = [str(int(v)) if v else "–" for v in row]
        lines.append(f"| {p.name(geo)} | {fam} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"

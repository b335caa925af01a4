"""Tables for people: what a notebook shows, in its language.

:func:`table` turns a frame into a table a reader can use as it is: named headers with
their units, no index column, a dash where a value is missing, booleans as words,
numbers with the decimals their indicator defines, and a caption that says what a row is.
The notebook chooses the columns, their headers (English and Vietnamese) and the
decimals; the library names nothing of the data.
"""

from __future__ import annotations

import numbers
from html import escape

import numpy as np
import pandas as pd

from ..reading import vocabulary
from .figures import LANGS

DASH = "–"
WORDS = {"en": {True: "yes", False: "no"}, "vi": {True: "có", False: "không"}}


def status(values: pd.Series, lang: str) -> pd.Series:
    """Statuses in ``lang``; an unknown one is kept as it is."""
    labels = vocabulary.labels(lang)
    return values.map(lambda v: labels.get(v, v))


class Table:
    """A formatted table: ``frame`` holds the text shown (headers in the notebook's
    language), ``data`` the values behind it. Shown as HTML in JupyterLab and on the
    site, as aligned text in a terminal."""

    def __init__(self, frame: pd.DataFrame, caption: str, data: pd.DataFrame):
        self.frame, self.caption, self.data = frame, caption, data

    def _repr_html_(self) -> str:
        html = self.frame.to_html(index=False, escape=True, border=0, classes="povlib-table")
        head, sep, rest = html.partition(">")
        return f"{head}{sep}\n  <caption>{escape(self.caption)}</caption>{rest}"

    def __repr__(self) -> str:
        return self.caption + "\n" + self.frame.to_string(index=False)


def number(value, decimals: int, lang: str) -> str:
    """A number with ``decimals`` decimals, written the way ``lang`` writes it
    (``1,306.50`` in English, ``1.306,50`` in Vietnamese); a dash where it is missing."""
    if value is None or pd.isna(value):
        return DASH
    text = f"{value:,.{decimals}f}"
    return text if lang == "en" else text.translate(str.maketrans(",.", ".,"))


def _cell(value, decimals: int | None, lang: str) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return DASH
    if isinstance(value, (bool, np.bool_)):
        return WORDS[lang][bool(value)]
    if isinstance(value, numbers.Number):
        if decimals is not None:
            return number(value, decimals, lang)
        # as it is (a year stays 2021); only where that would take an exponent (1.97e+06),
        # written plainly with thousands separated
        text = f"{value:g}"
        if "e" in text:
            return plain(value, lang)
        return text if lang == "en" else text.replace(".", ",")
    text = str(value).strip()
    return text if text else DASH


def table(
    frame: pd.DataFrame,
    columns: dict,
    *,
    lang: str,
    caption: dict | str,
    decimals: dict | int | None = None,
) -> Table:
    """``frame`` shown as a :class:`Table`.

    ``columns``: column name to its header, a text or ``{"en": ..., "vi": ...}`` (give the
    unit in the header, e.g. ``"rate, %"``), in the order shown; ``decimals``: one number
    for every numeric column or a mapping column to decimals (a column not named prints
    its numbers as they are); ``caption``: what a row is, in both languages.
    """
    if lang not in LANGS:
        raise ValueError(f"language must be one of {', '.join(LANGS)}, not {lang!r}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise KeyError(f"columns not in the frame: {', '.join(missing)}")
    shown = {}
    for col, head in columns.items():
        d = decimals if isinstance(decimals, int) else (decimals or {}).get(col)
        header = head[lang] if isinstance(head, dict) else str(head)
        shown[header] = [_cell(v, d, lang) for v in frame[col].tolist()]
    out = pd.DataFrame(shown, index=pd.RangeIndex(len(frame)))
    cap = caption[lang] if isinstance(caption, dict) else str(caption)
    return Table(out, cap, frame.reset_index(drop=True))


NOTHING = {
    "en": "No table: no figure is printed for the places and years chosen.",
    "vi": "Không có bảng: không có số liệu nào cho các địa phương và các năm đã chọn.",
}
"""What a notebook shows in place of a table with no row."""

AND = {"en": "and", "vi": "và"}


class Note:
    """A sentence shown in place of a table or chart (italic, as Markdown in JupyterLab
    and on the site, as plain text in a terminal)."""

    def __init__(self, text: str):
        self.text = text

    def _repr_markdown_(self) -> str:
        return f"*{self.text}*"

    def __repr__(self) -> str:
        return self.text


def table_or_note(frame: pd.DataFrame, columns: dict, *, lang: str, caption: dict | str, **options):
    """:func:`table`, or where ``frame`` has no row a :class:`Note` saying plainly, in
    ``lang``, that nothing is printed for the choice (an empty grid of headers says less)."""
    if lang not in LANGS:
        raise ValueError(f"language must be one of {', '.join(LANGS)}, not {lang!r}")
    if frame.empty:
        return Note(NOTHING[lang])
    return table(frame, columns, lang=lang, caption=caption, **options)


def join(items, lang: str) -> str:
    """Words listed as a reader writes them: ``A, B and C`` (``A, B và C``); one alone as
    it is, none as an empty text."""
    if lang not in LANGS:
        raise ValueError(f"language must be one of {', '.join(LANGS)}, not {lang!r}")
    items = [str(i) for i in items]
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {AND[lang]} {items[-1]}"


def plain(value, lang: str, max_decimals: int = 3) -> str:
    """A number with no indicator's decimals to follow (a target's bound as printed, an
    audit's tolerance), as it is: thousands separated, at most ``max_decimals`` decimals,
    trailing zeros dropped, written the way ``lang`` writes it; a dash where it is missing.
    ``plain(1972767.0, "vi")`` is ``1.972.767``, ``plain(0.015, "en")`` is ``0.015``."""
    if value is None or pd.isna(value):
        return DASH
    text = f"{value:,.{max_decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    text = "0" if text == "-0" else text
    return text if lang == "en" else text.translate(str.maketrans(",.", ".,"))


QUALIFIER = {
    "en": {
        "exact": "exact",
        "more than": "more than",
        "nearly": "nearly",
        "about": "about",
        "under": "under",
        "at least": "at least",
        "range low": "low end of a range",
        "range high": "high end of a range",
        "derived": "not printed: implied",
    },
    "vi": {
        "exact": "chính xác",
        "more than": "hơn",
        "nearly": "gần",
        "about": "khoảng",
        "under": "dưới",
        "at least": "ít nhất",
        "range low": "mức thấp của khoảng",
        "range high": "mức cao của khoảng",
        "derived": "không đăng: suy ra",
    },
}
"""How a figure was printed (the qualifiers of the schema, and ``derived`` for a value the
project implies from others) in both languages."""


def qualifier(values: pd.Series, lang: str) -> pd.Series:
    """Qualifiers in ``lang``; an unknown one is kept as it is."""
    return values.map(lambda v: QUALIFIER[lang].get(v, v))

"""Parse figures as Vietnamese articles print them.

Vietnamese uses ``.`` to group thousands and ``,`` as the decimal mark:
``1.306`` is 1306, ``8.310,09`` is 8310.09 and ``4,4`` is 4.4.  A figure is a
number (or a range ``2-2,5`` or a fraction ``106/231``) with an optional
qualifier word before it (``hơn``, ``gần`` ...) and an optional unit after it
(``%``, ``tỷ đồng``, ``hộ`` ...).

Money is converted to one declared unit, :data:`MONEY_UNIT` (billion dong),
unless the caller asks for another scale.  Arithmetic is done in
:class:`~decimal.Decimal` so that a conversion never introduces binary noise.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pandas as pd

MONEY_UNIT = "bn VND"
"""The money unit every parsed amount is expressed in unless asked otherwise."""

MONEY_SCALES: dict[str, Decimal] = {
    "VND": Decimal(1),
    "thousand VND": Decimal(10) ** 3,
    "million VND": Decimal(10) ** 6,
    "bn VND": Decimal(10) ** 9,
    "trillion VND": Decimal(10) ** 12,
}

# Longest first, so that "nghìn tỷ" wins over "tỷ".
_MONEY_WORDS: list[tuple[str, str]] = [
    ("nghìn tỷ đồng", "trillion VND"),
    ("ngàn tỷ đồng", "trillion VND"),
    ("nghìn tỷ", "trillion VND"),
    ("tỷ đồng", "bn VND"),
    ("tỷ", "bn VND"),
    ("triệu đồng", "million VND"),
    ("triệu", "million VND"),
    ("nghìn đồng", "thousand VND"),
    ("ngàn đồng", "thousand VND"),
    ("nghìn", "thousand VND"),
    ("đồng", "VND"),
]

# Count nouns that follow a number, longest first; value is the English unit.
COUNT_WORDS: dict[str, str] = {
    "đơn vị hành chính": "units",
    "danh mục dự án": "projects",
    "danh mục công trình": "works",
    "hạng mục công trình": "works",
    "hạng mục": "works",
    "danh mục": "items",
    "công trình": "works",
    "dự án": "projects",
    "nhân khẩu": "people",
    "lao động": "workers",
    "người": "people",
    "hộ": "households",
    "lượt": "person-times",
    "nhà tạm": "houses",
    "nhà": "houses",
    "văn bản": "documents",
    "cán bộ": "officials",
    "đồng chí": "officials",
    "nhiệm vụ": "tasks",
    "dân tộc": "ethnic groups",
    "thành phố": "cities",
    "huyện": "districts",
    "xã": "communes",
    "thôn": "villages",
}
COUNT_WORDS = dict(sorted(COUNT_WORDS.items(), key=lambda kv: -len(kv[0])))

_PER_WORDS: list[tuple[str, str]] = [
    ("/người/năm", "/person/year"),
    ("/người/tháng", "/person/month"),
    ("/hộ/năm", "/household/year"),
    ("/tháng", "/month"),
    ("/năm", "/year"),
    ("/người", "/person"),
    ("/hộ", "/household"),
]

QUALIFIERS: dict[str, str] = {
    "xấp xỉ": "about",
    "khoảng": "about",
    "tối thiểu": "at least",
    "ít nhất": "at least",
    "hơn": "more than",
    "trên": "more than",
    "gần": "nearly",
    "dưới": "under",
}
QUALIFIER_CODES = ("exact", "more than", "nearly", "about", "under", "at least",
                   "range low", "range high")

_NUM = r"\d[\d.,]*"
_DASH = r"\s*[-–—]\s*"
_WORD_END = r"(?![\wÀ-ỹ])"


class FigureError(ValueError):
    """A figure that cannot be read without guessing; the message quotes it."""


@dataclass(frozen=True)
class Figure:
    """One parsed figure.

    ``value`` is in ``unit`` (money in :data:`MONEY_UNIT` unless asked
    otherwise).  For a range, ``value`` is the midpoint and ``low``/``high`` the
    ends; for a fraction ``106/231``, ``value`` is the numerator and
    ``denominator`` the rest.  ``step`` is one unit of the last printed digit,
    in ``unit`` (``50,54%`` has step 0.01; ``18.300`` has step 100).
    ``decimals`` counts the printed decimal places.
    """

    text: str
    value: float
    unit: str
    qualifier: str = "exact"
    low: float | None = None
    high: float | None = None
    denominator: float | None = None
    decimals: int = 0
    step: float = 1.0

    @property
    def kind(self) -> str:
        """``percent``, ``money``, ``area`` or ``count`` (a bare number counts too)."""
        return unit_kind(self.unit)


def unit_kind(unit: str) -> str:
    """Family of a unit string: ``percent``, ``money``, ``area`` or ``count``."""
    if unit.startswith(("%", "pp")):
        return "percent"
    if "VND" in unit:
        return "money"
    if unit in ("km2", "ha"):
        return "area"
    return "count"


def parse_number(token: str, *, text: str | None = None) -> tuple[Decimal, int]:
    """Read one Vietnamese number; return it and its count of decimal places.

    >>> parse_number("8.310,09")
    (Decimal('8310.09'), 2)
    """
    shown = text if text is not None else token
    if not re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?", token):
        raise FigureError(
            f"malformed number {token!r} in {shown!r}: thousands are grouped by '.' in threes"
            " and ',' marks the one decimal part"
        )
    whole, _, frac = token.partition(",")
    return Decimal(whole.replace(".", "") + ("." + frac if frac else "")), len(frac)


def _step(number: Decimal, decimals: int) -> Decimal:
    """One unit of the last significant printed digit.

    Trailing zeros of an integer of 100 or more count as rounding (``18.300``
    has step 100); in ``10`` or ``90`` the zero is taken as significant.
    """
    if decimals:
        return Decimal(10) ** -decimals
    n = int(number)
    if n < 100:
        return Decimal(1)
    zeros = len(str(n)) - len(str(n).rstrip("0"))
    return Decimal(10) ** zeros


def _read_unit(text: str, pos: int, money_unit: str) -> tuple[str, Decimal, int]:
    """Read the unit at ``pos``: return (unit, factor to apply to the number, new pos)."""
    rest = text[pos:]
    stripped = rest.lstrip()
    gap = len(rest) - len(stripped)
    if stripped.startswith("%"):
        end = pos + gap + 1
        for word, per in _PER_WORDS:
            if text.startswith(word, end):
                return "%" + per, Decimal(1), end + len(word)
        return "%", Decimal(1), end
    lowered = stripped.lower()
    # Count nouns first: "đồng chí" (comrade) must not read as "đồng" (dong).
    for word, name in COUNT_WORDS.items():
        if lowered.startswith(word) and re.match(_WORD_END, lowered[len(word):] or " "):
            return name, Decimal(1), pos + gap + len(word)
    for word, scale in _MONEY_WORDS:
        if lowered.startswith(word) and re.match(_WORD_END, lowered[len(word):] or " "):
            end = pos + gap + len(word)
            per = ""
            for pword, pname in _PER_WORDS:
                if text.startswith(pword, end):
                    per, end = pname, end + len(pword)
                    break
            factor = MONEY_SCALES[scale] / MONEY_SCALES[money_unit]
            return money_unit + per, factor, end
    for word in ("km2", "km²", "ha"):
        if stripped.startswith(word) and re.match(_WORD_END, stripped[len(word):] or " "):
            return ("km2" if word.startswith("km") else "ha"), Decimal(1), pos + gap + len(word)
    return "", Decimal(1), pos


def parse_at(text: str, pos: int = 0, *, money_unit: str = MONEY_UNIT) -> tuple[Figure, int]:
    """Parse the figure starting at ``pos`` (qualifier, number, unit); return it and its end.

    Text after the figure is left alone, which is what a scanner over an
    article needs; :func:`parse_figure` insists the whole string is one figure.
    """
    if money_unit not in MONEY_SCALES:
        raise FigureError(f"unknown money unit {money_unit!r}; use one of {sorted(MONEY_SCALES)}")
    qualifier = "exact"
    start = pos
    lowered = text.lower()
    for word, code in QUALIFIERS.items():
        if lowered.startswith(word, pos) and lowered[pos + len(word): pos + len(word) + 1].isspace():
            qualifier = code
            pos += len(word)
            pos += len(text[pos:]) - len(text[pos:].lstrip())
            break
    m = re.compile(_NUM).match(text, pos)
    if not m:
        raise FigureError(f"no number at the start of {text[start:]!r}")
    token = m.group().rstrip(".,")
    first, dec1 = parse_number(token, text=text)
    pos = m.start() + len(token)

    # Range "2-2,5%" or "10 - 13 triệu"; the unit after the second number serves both.
    rng = re.compile(_DASH + "(" + _NUM + ")").match(text, pos)
    # Fraction "106/231" or "16.664 hộ/17.497 hộ".
    unit1, factor1, after1 = _read_unit(text, pos, money_unit)
    frac = re.compile(r"/\s*(" + _NUM + ")").match(text, after1)
    if rng and not frac:
        second_tok = rng.group(1).rstrip(".,")
        second, dec2 = parse_number(second_tok, text=text)
        if second < first:
            raise FigureError(f"range {text[start:rng.start(1) + len(second_tok)]!r} runs backwards")
        unit, factor, end = _read_unit(text, rng.start(1) + len(second_tok), money_unit)
        decimals = max(dec1, dec2)
        lo, hi = first * factor, second * factor
        fig = Figure(text=text[start:end].strip(), value=float((lo + hi) / 2), unit=unit,
                     qualifier=qualifier, low=float(lo), high=float(hi), decimals=decimals,
                     step=float(Decimal(10) ** -decimals * factor))
        return fig, end
    if frac:
        den_tok = frac.group(1).rstrip(".,")
        if re.fullmatch(r"(19|20)\d\d", den_tok) and int(first) <= 12 and not unit1:
            raise FigureError(f"{text[start:]!r} reads as a month/year date, not a fraction")
        den, _ = parse_number(den_tok, text=text)
        unit2, factor2, end = _read_unit(text, frac.start(1) + len(den_tok), money_unit)
        if unit1 and unit2 and unit1 != unit2:
            raise FigureError(f"fraction {text[start:end]!r} mixes units {unit1!r} and {unit2!r}")
        unit = unit1 or unit2
        factor = factor1 if unit1 else factor2
        fig = Figure(text=text[start:end].strip(), value=float(first * factor), unit=unit,
                     qualifier=qualifier, denominator=float(den * factor), decimals=dec1,
                     step=float(_step(first, dec1) * factor))
        return fig, end
    fig = Figure(text=text[start:after1].strip(), value=float(first * factor1), unit=unit1,
                 qualifier=qualifier, decimals=dec1, step=float(_step(first, dec1) * factor1))
    return fig, after1


def parse_figure(text: str, *, money_unit: str = MONEY_UNIT) -> Figure:
    """Parse one figure as printed, for example ``"hơn 18.300 hộ"`` or ``"304,8 tỷ đồng"``.

    Returns a :class:`Figure`; money comes out in ``money_unit`` (billion dong
    by default), percentages in per cent.  Raises :class:`FigureError`, quoting
    the input, for a malformed number, an unknown unit word, or anything left over.
    """
    if not isinstance(text, str):
        raise FigureError(f"expected text, got {text!r}")
    clean = unicodedata.normalize("NFC", text).strip()
    try:
        fig, end = parse_at(clean, 0, money_unit=money_unit)
    except FigureError as exc:
        if repr(text) in str(exc):
            raise
        raise FigureError(f"{exc} (input {text!r})") from None
    rest = clean[end:].strip()
    if rest:
        raise FigureError(f"cannot read {rest!r} after the number in {text!r} (unknown unit word?)")
    return fig


def parse_in_unit(text: str, unit: str) -> Figure:
    """Parse ``text`` with money in the scale of ``unit`` (``million VND/month`` gives million dong);
    other units parse as :func:`parse_figure` does, money in :data:`MONEY_UNIT`."""
    scale = unit.partition("/")[0]
    return parse_figure(text, money_unit=scale if scale in MONEY_SCALES else MONEY_UNIT)


def parse_series(texts: pd.Series, *, money_unit: str = MONEY_UNIT) -> pd.DataFrame:
    """Parse a Series of figures; one row per input with the :class:`Figure` fields.

    Distinct strings are parsed once, so a million rows drawn from a few
    thousand spellings cost a few thousand parses plus one vectorised join.
    A malformed entry raises :class:`FigureError` naming its index label.
    """
    uniques = pd.unique(texts.to_numpy())
    records = []
    for u in uniques:
        try:
            records.append(parse_figure(u, money_unit=money_unit).__dict__)
        except FigureError as exc:
            label = texts.index[texts.to_numpy() == u][0]
            raise FigureError(f"row {label!r}: {exc}") from None
    table = pd.DataFrame.from_records(records, index=pd.Index(uniques, name="text"))
    codes = pd.Index(uniques).get_indexer(texts.to_numpy())
    out = table.iloc[codes].reset_index(drop=True)
    out.index = texts.index
    return out


def format_number(value: float, decimals: int = 0) -> str:
    """Write a number the Vietnamese way: ``8310.09`` with 2 decimals gives ``8.310,09``."""
    if not np.isfinite(value):
        raise ValueError(f"cannot format {value!r}")
    sign = "-" if value < 0 else ""
    text = f"{abs(value):,.{decimals}f}"
    return sign + text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def convert(value: float, from_unit: str, to_unit: str) -> float:
    """Convert between money scales with the same per-suffix (``bn VND`` to ``million VND``).

    Other units pass through unchanged when equal; a mismatch raises ``ValueError``.
    """
    if from_unit == to_unit:
        return value
    f_scale, _, f_per = from_unit.partition("/")
    t_scale, _, t_per = to_unit.partition("/")
    if f_scale in MONEY_SCALES and t_scale in MONEY_SCALES and f_per == t_per:
        factor = MONEY_SCALES[f_scale] / MONEY_SCALES[t_scale]
        return float(Decimal(repr(value)) * factor)
    raise ValueError(f"cannot convert {from_unit!r} to {to_unit!r}")

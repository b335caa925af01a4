"""Parse figures as Vietnamese articles print them, and as English pages print them.

Vietnamese uses ``.`` to group thousands and ``,`` as the decimal mark:
``1.306`` is 1306, ``8.310,09`` is 8310.09 and ``4,4`` is 4.4.  A figure is a
number (or a range ``2-2,5`` or a fraction ``106/231``) with an optional
qualifier word before it (``hơn``, ``gần`` ...) and an optional unit after it
(``%``, ``tỷ đồng`` or ``tỉ đồng``, ``hộ`` ...).

English pages (``lang="en"``) use ``,`` to group thousands and ``.`` as the
decimal mark: ``1,306`` is 1306 and ``27.41`` is 27.41.  Their qualifiers are
``more than``, ``over``, ``nearly``, ``almost``, ``about``, ``around``,
``under``, ``below`` and ``at least``; their units ``%``, ``percent``,
``per cent``, ``percentage points``, ``households``, and money written
``1,782 billion VND``, ``billion dong``, ``trillion VND``, ``million VND`` or
with the currency first, ``VND4,565 billion``.  The language is always the
caller's to say: ``1.306`` is 1306 in Vietnamese and 1.306 in English.

Money is converted to one declared unit, :data:`MONEY_UNIT` (billion dong),
unless the caller asks for another scale.  Arithmetic is done in
:class:`~decimal.Decimal` so that a conversion never introduces binary noise.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

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
    ("ngàn tỷ", "trillion VND"),
    ("tỷ đồng", "bn VND"),
    ("tỷ", "bn VND"),
    # "tỉ" is the other accepted spelling of "tỷ" (billion).
    ("nghìn tỉ đồng", "trillion VND"),
    ("ngàn tỉ đồng", "trillion VND"),
    ("nghìn tỉ", "trillion VND"),
    ("ngàn tỉ", "trillion VND"),
    ("tỉ đồng", "bn VND"),
    ("tỉ", "bn VND"),
    ("triệu đồng", "million VND"),
    ("nghìn đồng", "thousand VND"),
    ("ngàn đồng", "thousand VND"),
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
QUALIFIER_CODES = ("exact", "more than", "nearly", "about", "under", "at least", "range low", "range high")

MAX_DIGITS = 30
"""Most digits a printed number may have; a longer run is junk, not a figure."""

# ASCII digits only: ``\d`` would also read "１２３" (full-width) and Arabic-Indic digits.
_NUM = r"[0-9][0-9.,]*"
_NUM_RE = re.compile(_NUM)
_DASH = r"\s*[-–—]\s*"
_RANGE_RE = re.compile(_DASH + "(" + _NUM + ")")
_FRACTION_RE = re.compile(r"/\s*(" + _NUM + ")")
_WORD_END = r"(?![\wÀ-ỹ])"
_QUOTE_LIMIT = 120

# Scale words that multiply a count noun: "86 nghìn hộ" is 86,000 households.
_COUNT_SCALES: dict[str, int] = {"nghìn": 3, "ngàn": 3, "triệu": 6}


def _alternatives(words) -> tuple[str, list[str]]:
    """Regex alternation of literal words, longest first so that the longest one wins.

    Each word is its own group: with re.I, "ı" (dotless i) matches "i", so the matched
    text lower-cased is not always a key; which group matched always is.
    """
    ordered = sorted(words, key=len, reverse=True)
    return "(?:" + "|".join(f"({re.escape(w)})" for w in ordered) + ")", ordered


def _which(m: re.Match, words: list[str], first_group: int = 1) -> str:
    """The word of :func:`_alternatives` that ``m`` matched, its groups starting at ``first_group``."""
    last = (m.lastindex or 0) - first_group
    if 0 <= last < len(words):  # the alternation holds the last group that matched
        return words[last]
    return next(w for i, w in enumerate(words) if m.group(first_group + i) is not None)


# Patterns matched at a position with re.I, instead of lower-casing the rest of the
# text: that copy cost a whole paragraph per figure (quadratic in extract).
_QUAL_ALT, _QUAL_WORDS = _alternatives(QUALIFIERS)
_COUNT_ALT, _COUNT_NOUNS = _alternatives(COUNT_WORDS)
_SCALE_ALT, _SCALE_WORDS = _alternatives(_COUNT_SCALES)
_MONEY_ALT, _MONEY_NAMES = _alternatives(w for w, _ in _MONEY_WORDS)
_PER_ALT, _PER_NAMES = _alternatives(w for w, _ in _PER_WORDS)
_QUALIFIER_RE = re.compile(rf"{_QUAL_ALT}\s+", re.IGNORECASE)
_COUNT_RE = re.compile(rf"\s*{_COUNT_ALT}{_WORD_END}", re.IGNORECASE)
_SCALED_COUNT_RE = re.compile(rf"\s*{_SCALE_ALT}\s+{_COUNT_ALT}{_WORD_END}", re.IGNORECASE)
_MONEY_RE = re.compile(rf"\s*{_MONEY_ALT}{_WORD_END}", re.IGNORECASE)
# A multiplier with no noun after it: thousand or million of what? ("triệu" is money as
# often as people); the same rule for both.
_BARE_THOUSAND_RE = re.compile(rf"\s*(nghìn|ngàn|triệu){_WORD_END}", re.IGNORECASE)
_BARE_NAMES = {"nghìn": "thousand", "ngàn": "thousand", "triệu": "million"}
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
_AREA_RE = re.compile(rf"\s*(km2|km²|ha){_WORD_END}")
_PERCENT_RE = re.compile(r"\s*%")
_PER_RE = re.compile(_PER_ALT)
_MONEY_SCALE_OF = dict(_MONEY_WORDS)
_PER_NAME = dict(_PER_WORDS)
_YEAR_RE = re.compile(r"(19|20)[0-9][0-9]")
_GROUPED = re.compile(r"[0-9]{1,3}(?:\.[0-9]{3})+(?:,[0-9]+)?")
_PLAIN = re.compile(r"[0-9]+(?:,[0-9]+)?")


LANGUAGES = ("vi", "en")
"""The notations a figure can be printed in: Vietnamese (the default) and English."""

# --- English notation: "," groups thousands, "." marks decimals ----------------------
QUALIFIERS_EN: dict[str, str] = {
    "more than": "more than",
    "over": "more than",
    "nearly": "nearly",
    "almost": "nearly",
    "about": "about",
    "around": "about",
    "under": "under",
    "below": "under",
    "at least": "at least",
}
# Money after the number ("1,782 billion VND"); with the currency first ("VND4,565
# billion") only the scale word follows.
_MONEY_WORDS_EN: list[tuple[str, str]] = [
    ("trillion VND", "trillion VND"),
    ("trillion dong", "trillion VND"),
    ("billion VND", "bn VND"),
    ("billion dong", "bn VND"),
    ("million VND", "million VND"),
    ("million dong", "million VND"),
    ("thousand VND", "thousand VND"),
    ("thousand dong", "thousand VND"),
    ("VND", "VND"),
    ("dong", "VND"),
]
_PREFIXED_SCALES_EN = {
    "trillion": "trillion VND",
    "billion": "bn VND",
    "million": "million VND",
    "thousand": "thousand VND",
}
COUNT_WORDS_EN: dict[str, str] = {
    "near-poor households": "households",
    "near poor households": "households",
    "poor households": "households",
    "households": "households",
    "household": "households",
    "people": "people",
    "persons": "people",
}
_COUNT_SCALES_EN: dict[str, int] = {"thousand": 3, "million": 6}
_PER_WORDS_EN: list[tuple[str, str]] = [
    ("/person/year", "/person/year"),
    ("/person/month", "/person/month"),
    ("/household/year", "/household/year"),
    ("/month", "/month"),
    ("/year", "/year"),
    ("/person", "/person"),
    ("/household", "/household"),
    (" per person per year", "/person/year"),
    (" per person per month", "/person/month"),
    (" per household per year", "/household/year"),
    (" per year", "/year"),
    (" a year", "/year"),
    (" per month", "/month"),
    (" a month", "/month"),
    (" per person", "/person"),
    (" per household", "/household"),
]
_QUAL_ALT_EN, _QUAL_WORDS_EN = _alternatives(QUALIFIERS_EN)
_COUNT_ALT_EN, _COUNT_NOUNS_EN = _alternatives(COUNT_WORDS_EN)
_SCALE_ALT_EN, _SCALE_WORDS_EN = _alternatives(_COUNT_SCALES_EN)
_MONEY_ALT_EN, _MONEY_NAMES_EN = _alternatives(w for w, _ in _MONEY_WORDS_EN)
_PREFIXED_ALT_EN, _PREFIXED_NAMES_EN = _alternatives(_PREFIXED_SCALES_EN)
_PER_ALT_EN, _PER_NAMES_EN = _alternatives(w for w, _ in _PER_WORDS_EN)
_QUALIFIER_EN_RE = re.compile(rf"{_QUAL_ALT_EN}\s+", re.IGNORECASE)
_VND_PREFIX_RE = re.compile(r"VND\s*(?=[0-9])", re.IGNORECASE)
_PERCENT_EN_RE = re.compile(rf"(?:\s*%|\s+(?:percentage points?|per cent|percent){_WORD_END})", re.IGNORECASE)
_COUNT_EN_RE = re.compile(rf"\s+{_COUNT_ALT_EN}{_WORD_END}", re.IGNORECASE)
_SCALED_COUNT_EN_RE = re.compile(rf"\s+{_SCALE_ALT_EN}\s+{_COUNT_ALT_EN}{_WORD_END}", re.IGNORECASE)
_MONEY_EN_RE = re.compile(rf"\s*{_MONEY_ALT_EN}{_WORD_END}", re.IGNORECASE)
_PREFIXED_SCALE_EN_RE = re.compile(rf"\s*{_PREFIXED_ALT_EN}{_WORD_END}", re.IGNORECASE)
_BARE_SCALE_EN_RE = re.compile(rf"\s*(thousand|million|billion|trillion){_WORD_END}", re.IGNORECASE)
_PER_EN_RE = re.compile(rf"{_PER_ALT_EN}{_WORD_END}", re.IGNORECASE)
_MONEY_SCALE_OF_EN = dict(_MONEY_WORDS_EN)
_PER_NAME_EN = dict(_PER_WORDS_EN)
_GROUPED_EN = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")
_PLAIN_EN = re.compile(r"[0-9]+(?:\.[0-9]+)?")


class FigureError(ValueError):
    """A figure that cannot be read without guessing; the message quotes it."""


def _quote(text: str) -> str:
    """``repr`` of ``text``, cut short so that a megabyte of junk gives a readable message."""
    if len(text) <= _QUOTE_LIMIT:
        return repr(text)
    return repr(text[:_QUOTE_LIMIT]) + f"... ({len(text):,} characters)"


@dataclass(frozen=True)
class Figure:
    """One parsed figure.

    ``value`` is in ``unit`` (money in :data:`MONEY_UNIT` unless asked
    otherwise; counts in their own unit, so ``4,2 nghìn hộ`` is 4200 households).
    For a range, ``value`` is the midpoint and ``low``/``high`` the ends; for a
    fraction ``106/231``, ``value`` is the numerator and ``denominator`` the
    rest.  ``step`` is one unit of the last printed digit, in ``unit``
    (``50,54%`` has step 0.01; ``18.300`` has step 100; ``4,2 nghìn hộ`` has
    step 100 households).  ``decimals`` counts the printed decimal places; a
    count scaled by ``nghìn`` or ``triệu`` counts them in households, people ...,
    so it goes negative: ``4,2 nghìn hộ`` has -2 (printed to the hundred),
    ``86 nghìn hộ`` has -3.  Money keeps the decimals of its printed scale.
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

    At most :data:`MAX_DIGITS` digits; a number grouped in thousands cannot
    start with 0 (``0.500`` is a decimal written the English way, not 500).

    >>> parse_number("8.310,09")
    (Decimal('8310.09'), 2)
    """
    shown = _quote(text if text is not None else token)
    digits = len(token) - token.count(".") - token.count(",")
    if digits > MAX_DIGITS:
        raise FigureError(
            f"number in {shown} has {digits:,} digits, more than the {MAX_DIGITS} a figure can have"
        )
    if _GROUPED.fullmatch(token):
        if token.startswith("0"):
            raise FigureError(
                f"number {_quote(token)} in {shown} puts a thousands group after a leading 0;"
                " a decimal is written with ',' (0,5)"
            )
    elif not _PLAIN.fullmatch(token):
        raise FigureError(
            f"malformed number {_quote(token)} in {shown}: thousands are grouped by '.' in"
            " threes and ',' marks the one decimal part"
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


def _read_unit(text: str, pos: int, money_unit: str, start: int) -> tuple[str, Decimal, int, int]:
    """Read the unit at ``pos``.

    Returns (unit, factor to apply to the number, new pos, shift), where
    ``shift`` is the power of ten a scale word moved a count by (3 for
    ``nghìn hộ``), to take off the printed decimals.  ``start`` is where the
    figure began, for the message of a bare ``nghìn``.
    """
    m = _PERCENT_RE.match(text, pos)
    if m:
        per_pct = _PER_RE.match(text, m.end())
        if per_pct:
            return "%" + _PER_NAME[_which(per_pct, _PER_NAMES)], Decimal(1), per_pct.end(), 0
        return "%", Decimal(1), m.end(), 0
    # Count nouns first: "đồng chí" (comrade) must not read as "đồng" (dong).
    m = _COUNT_RE.match(text, pos)
    if m:
        return COUNT_WORDS[_which(m, _COUNT_NOUNS)], Decimal(1), m.end(), 0
    m = _SCALED_COUNT_RE.match(text, pos)
    if m:
        shift = _COUNT_SCALES[_which(m, _SCALE_WORDS)]
        noun = _which(m, _COUNT_NOUNS, 1 + len(_SCALE_WORDS))
        return COUNT_WORDS[noun], Decimal(10) ** shift, m.end(), shift
    m = _MONEY_RE.match(text, pos)
    if m:
        end = m.end()
        per = ""
        per_match = _PER_RE.match(text, end)
        if per_match:
            per, end = _PER_NAME[_which(per_match, _PER_NAMES)], per_match.end()
        factor = MONEY_SCALES[_MONEY_SCALE_OF[_which(m, _MONEY_NAMES)]] / MONEY_SCALES[money_unit]
        return money_unit + per, factor, end, 0
    m = _BARE_THOUSAND_RE.match(text, pos)
    if m:
        # Press usage writes "2 nghìn" for 2,000 of anything; which thing is a guess.
        word = m.group(1)
        raise FigureError(
            f"{_quote(text[start : m.end()].strip())}: '{word}'"
            f" ({_BARE_NAMES.get(word.lower(), 'a multiplier')}) with no noun after"
            f" it is ambiguous; '{word} đồng' is money, '{word} hộ' households"
        )
    m = _AREA_RE.match(text, pos)
    if m:
        return ("ha" if m.group(1) == "ha" else "km2"), Decimal(1), m.end(), 0
    return "", Decimal(1), pos, 0


def parse_number_en(token: str, *, text: str | None = None) -> tuple[Decimal, int]:
    """Read one number in English notation; return it and its count of decimal places.

    ``,`` groups thousands in threes and ``.`` marks the decimals: ``1,061.9`` is
    1061.9.  The limits of :func:`parse_number` apply, mirrored: at most
    :data:`MAX_DIGITS` digits, and no thousands group after a leading 0.

    >>> parse_number_en("1,061.9")
    (Decimal('1061.9'), 1)
    """
    shown = _quote(text if text is not None else token)
    digits = len(token) - token.count(".") - token.count(",")
    if digits > MAX_DIGITS:
        raise FigureError(
            f"number in {shown} has {digits:,} digits, more than the {MAX_DIGITS} a figure can have"
        )
    if _GROUPED_EN.fullmatch(token):
        if token.startswith("0"):
            raise FigureError(
                f"number {_quote(token)} in {shown} puts a thousands group after a leading 0;"
                " in English a decimal is written with '.' (0.5)"
            )
    elif not _PLAIN_EN.fullmatch(token):
        raise FigureError(
            f"malformed number {_quote(token)} in {shown}: in English notation thousands are"
            " grouped by ',' in threes and '.' marks the one decimal part"
        )
    whole, _, frac = token.partition(".")
    return Decimal(whole.replace(",", "") + ("." + frac if frac else "")), len(frac)


def _money_en(text: str, end: int, scale: str, money_unit: str) -> tuple[str, Decimal, int, int]:
    """Money of printed ``scale`` ending at ``end``, with an optional per-word after it."""
    per = ""
    p = _PER_EN_RE.match(text, end)
    if p:
        per, end = _PER_NAME_EN[_which(p, _PER_NAMES_EN)], p.end()
    return money_unit + per, MONEY_SCALES[scale] / MONEY_SCALES[money_unit], end, 0


def _read_unit_en(
    text: str, pos: int, money_unit: str, start: int, vnd_prefix: bool = False
) -> tuple[str, Decimal, int, int]:
    """:func:`_read_unit` for English pages.

    ``vnd_prefix``: the currency stood before the number (``VND4,565 billion``), so
    only a scale word may follow, and the figure is money whatever follows.
    """
    if vnd_prefix:
        m = _PREFIXED_SCALE_EN_RE.match(text, pos)
        if m:
            return _money_en(text, m.end(), _PREFIXED_SCALES_EN[_which(m, _PREFIXED_NAMES_EN)], money_unit)
        return _money_en(text, pos, "VND", money_unit)
    m = _PERCENT_EN_RE.match(text, pos)
    if m:
        per = _PER_EN_RE.match(text, m.end())
        if per:
            return "%" + _PER_NAME_EN[_which(per, _PER_NAMES_EN)], Decimal(1), per.end(), 0
        return "%", Decimal(1), m.end(), 0
    m = _COUNT_EN_RE.match(text, pos)
    if m:
        return COUNT_WORDS_EN[_which(m, _COUNT_NOUNS_EN)], Decimal(1), m.end(), 0
    m = _SCALED_COUNT_EN_RE.match(text, pos)
    if m:
        shift = _COUNT_SCALES_EN[_which(m, _SCALE_WORDS_EN)]
        noun = _which(m, _COUNT_NOUNS_EN, 1 + len(_SCALE_WORDS_EN))
        return COUNT_WORDS_EN[noun], Decimal(10) ** shift, m.end(), shift
    m = _MONEY_EN_RE.match(text, pos)
    if m:
        return _money_en(text, m.end(), _MONEY_SCALE_OF_EN[_which(m, _MONEY_NAMES_EN)], money_unit)
    m = _BARE_SCALE_EN_RE.match(text, pos)
    if m:
        raise FigureError(
            f"{_quote(text[start : m.end()].strip())}: '{m.group(1)}' with no unit after it is"
            " ambiguous; 'billion VND' is money, 'thousand households' a count"
        )
    m = _AREA_RE.match(text, pos)
    if m:
        return ("ha" if m.group(1) == "ha" else "km2"), Decimal(1), m.end(), 0
    return "", Decimal(1), pos, 0


def parse_at(
    text: str, pos: int = 0, *, money_unit: str = MONEY_UNIT, lang: str = "vi"
) -> tuple[Figure, int]:
    """Parse the figure starting at ``pos`` (qualifier, number, unit); return it and its end.

    Text after the figure is left alone, which is what a scanner over an
    article needs; :func:`parse_figure` insists the whole string is one figure.
    The work done is proportional to the figure's length, not the text's.
    Error messages quote the figure from ``pos``, not the whole text.
    ``lang`` is the notation: ``"vi"`` (default) or ``"en"`` (see the module docstring).
    """
    if money_unit not in MONEY_SCALES:
        raise FigureError(f"unknown money unit {money_unit!r}; use one of {sorted(MONEY_SCALES)}")
    if lang == "vi":
        qual_re, quals, qual_words = _QUALIFIER_RE, QUALIFIERS, _QUAL_WORDS
        number, read_unit = parse_number, _read_unit
    elif lang == "en":
        qual_re, quals, qual_words = _QUALIFIER_EN_RE, QUALIFIERS_EN, _QUAL_WORDS_EN
        number, read_unit = parse_number_en, _read_unit_en
    else:
        raise FigureError(
            f"unknown language {lang!r} for {_quote(text[pos : pos + 40])}; use one of {list(LANGUAGES)}"
        )
    qualifier = "exact"
    start = pos
    q = qual_re.match(text, pos)
    if q:
        qualifier = quals[_which(q, qual_words)]
        pos = q.end()
    if lang == "en":
        prefix = _VND_PREFIX_RE.match(text, pos)
        if prefix:
            pos = prefix.end()
            read_unit = partial(_read_unit_en, vnd_prefix=True)
    m = _NUM_RE.match(text, pos)
    if not m:
        ahead = text[start : start + 40]
        if pos < len(text) and text[pos].isdecimal():
            raise FigureError(f"non-ASCII digit {text[pos]!r} in {ahead!r}: only the digits 0-9 are read")
        raise FigureError(f"no number at the start of {ahead!r}")
    token = m.group().rstrip(".,")
    shown = text[start : pos + len(token)]
    first, dec1 = number(token, text=shown)
    pos = m.start() + len(token)

    # Range "2-2,5%" or "10 - 13 triệu đồng"; the unit after the second number serves both.
    rng = _RANGE_RE.match(text, pos)
    # Fraction "106/231" or "16.664 hộ/17.497 hộ".
    unit1, factor1, after1, shift1 = read_unit(text, pos, money_unit, start)
    frac = _FRACTION_RE.match(text, after1)
    if rng and not frac:
        second_tok = rng.group(1).rstrip(".,")
        second_end = rng.start(1) + len(second_tok)
        second, dec2 = number(second_tok, text=text[start:second_end])
        if second < first:
            raise FigureError(f"range {_quote(text[start:second_end])} runs backwards")
        if second == first:
            raise FigureError(
                f"range {_quote(text[start:second_end])} has no width: a range needs two different ends"
            )
        unit, factor, end, shift = read_unit(text, second_end, money_unit, start)
        printed = max(dec1, dec2)
        lo, hi = first * factor, second * factor
        fig = Figure(
            text=text[start:end].strip(),
            value=float((lo + hi) / 2),
            unit=unit,
            qualifier=qualifier,
            low=float(lo),
            high=float(hi),
            decimals=printed - shift,
            step=float(Decimal(10) ** -printed * factor),
        )
        return fig, end
    if frac:
        den_tok = frac.group(1).rstrip(".,")
        den_end = frac.start(1) + len(den_tok)
        den, _ = number(den_tok, text=text[start:den_end])
        unit2, factor2, end, shift2 = read_unit(text, den_end, money_unit, start)
        if _YEAR_RE.fullmatch(den_tok) and not unit1 and not unit2:
            raise FigureError(
                f"{_quote(text[start:den_end])} reads as a month/year date (or a number and a year),"
                " not a fraction; a fraction of a count names its unit (106/231 công trình)"
            )
        for u in (unit1, unit2):
            if u and unit_kind(u) == "percent":
                raise FigureError(
                    f"fraction {_quote(text[start:end].strip())} is of percentages: only counts and"
                    " amounts make fractions (106/231 hộ, 872/1.167 tỷ đồng)"
                )
        if den == 0:
            raise FigureError(f"fraction {_quote(text[start:end].strip())} divides by zero")
        if unit1 and unit2 and unit1 != unit2:
            raise FigureError(f"fraction {_quote(text[start:end])} mixes units {unit1!r} and {unit2!r}")
        unit = unit1 or unit2
        # "106/231 công trình": the one unit, after the denominator, serves both.
        factor, shift = (factor1, shift1) if unit1 else (factor2, shift2)
        den_factor = factor2 if unit2 else factor1
        fig = Figure(
            text=text[start:end].strip(),
            value=float(first * factor),
            unit=unit,
            qualifier=qualifier,
            denominator=float(den * den_factor),
            decimals=dec1 - shift,
            step=float(_step(first, dec1) * factor),
        )
        return fig, end
    fig = Figure(
        text=text[start:after1].strip(),
        value=float(first * factor1),
        unit=unit1,
        qualifier=qualifier,
        decimals=dec1 - shift1,
        step=float(_step(first, dec1) * factor1),
    )
    return fig, after1


def parse_figure(text: str, *, money_unit: str = MONEY_UNIT, lang: str = "vi") -> Figure:
    """Parse one figure as printed, for example ``"hơn 18.300 hộ"`` or ``"304,8 tỷ đồng"``;
    with ``lang="en"``, as an English page prints it (``"more than 3,300 households"``,
    ``"27.41 percent"``, ``"VND4,565 billion"``).

    Returns a :class:`Figure`; money comes out in ``money_unit`` (billion dong
    by default), percentages in per cent, counts in their own unit
    (``hơn 86 nghìn hộ`` is more than 86,000 households).  Raises
    :class:`FigureError`, and no other exception, quoting the input, for a
    malformed number, one of more than :data:`MAX_DIGITS` digits, a
    non-ASCII digit, a zero denominator, a bare ``nghìn``/``ngàn`` (thousand
    of what?; in English a bare ``thousand``/``million``/``billion``), an
    unknown unit word, an unknown ``lang``, or anything left over.
    """
    if not isinstance(text, str):
        raise FigureError(f"expected text, got {text!r}")
    if _SURROGATE_RE.search(text):
        raise FigureError(
            f"{_quote(text.encode('utf-8', 'backslashreplace').decode('ascii', 'backslashreplace'))}"
            " holds a lone surrogate (a broken character), not text"
        )
    clean = unicodedata.normalize("NFC", text).strip()
    shown = _quote(text)
    try:
        fig, end = parse_at(clean, 0, money_unit=money_unit, lang=lang)
    except FigureError as exc:
        if shown in str(exc):
            raise
        raise FigureError(f"{exc} (input {shown})") from None
    rest = clean[end:].strip()
    if rest:
        odd = next((ch for ch in rest if ch.isdecimal() and not ch.isascii()), None)
        if odd:
            raise FigureError(f"non-ASCII digit {odd!r} in {shown}: only the digits 0-9 are read")
        raise FigureError(f"cannot read {_quote(rest)} after the number in {shown} (unknown unit word?)")
    return fig


def parse_in_unit(text: str, unit: str, lang: str = "vi") -> Figure:
    """Parse ``text`` with money in the scale of ``unit`` (``million VND/month`` gives million dong);
    other units parse as :func:`parse_figure` does, money in :data:`MONEY_UNIT`.
    ``lang`` is the notation, ``"vi"`` or ``"en"``."""
    scale = unit.partition("/")[0]
    return parse_figure(text, money_unit=scale if scale in MONEY_SCALES else MONEY_UNIT, lang=lang)


def parse_series(texts: pd.Series, *, money_unit: str = MONEY_UNIT, lang: str = "vi") -> pd.DataFrame:
    """Parse a Series of figures, all in notation ``lang``; one row per input with the
    :class:`Figure` fields.

    Distinct strings are parsed once, so a million rows drawn from a few
    thousand spellings cost a few thousand parses plus one vectorised join.
    A malformed entry raises :class:`FigureError` naming its index label.
    """
    uniques = pd.unique(texts.to_numpy())
    records = []
    for u in uniques:
        try:
            records.append(parse_figure(u, money_unit=money_unit, lang=lang).__dict__)
        except FigureError as exc:
            label = texts.index[texts.to_numpy() == u][0]
            raise FigureError(f"row {label!r}: {exc}") from None
    table = pd.DataFrame.from_records(records, index=pd.Index(uniques, name="text"))
    codes = pd.Index(uniques).get_indexer(texts.to_numpy())
    out = table.iloc[codes].reset_index(drop=True)
    out.index = texts.index
    return out


def format_number(value: float, decimals: int = 0, lang: str = "vi") -> str:
    """Write a number the Vietnamese way: ``8310.09`` with 2 decimals gives ``8.310,09``;
    with ``lang="en"`` the English way, ``8,310.09``.

    Negative ``decimals`` (a :class:`Figure`'s, for ``4,2 nghìn hộ``) round to
    tens, hundreds ...: ``4249`` with -2 gives ``4.200``.  An integer is written
    exactly, however many digits it has.
    """
    whole = isinstance(value, int | np.integer) and not isinstance(value, bool)
    if whole:
        value = int(value)
    elif not np.isfinite(value):
        raise ValueError(f"cannot format {value!r}")
    if decimals < 0:
        value, decimals = round(value, decimals), 0
    sign = "-" if value < 0 else ""
    if whole:
        # f"{n:,.0f}" goes through float and loses digits past 2**53.
        text = f"{abs(value):,}" + ("." + "0" * decimals if decimals else "")
    else:
        text = f"{abs(value):,.{decimals}f}"
    if lang == "en":
        return sign + text
    if lang != "vi":
        raise ValueError(f"unknown language {lang!r}; use one of {list(LANGUAGES)}")
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


# ASCII digits only, as in parse_number: "1１%" must go to parse_figure and its FigureError.
_SIMPLE = (
    r"^(?:(?P<q>hơn|trên|gần|khoảng|xấp xỉ|dưới|tối thiểu|ít nhất) )?"
    r"(?P<n>0|[1-9][0-9]{0,2}(?:\.[0-9]{3}){0,4})(?:,(?P<f>[0-9]{1,9}))?"
    r"(?P<u>%/năm|%| hộ| tỷ đồng)$"
)
_SIMPLE_UNITS = {"%": "%", "%/năm": "%/year", " hộ": "households", " tỷ đồng": MONEY_UNIT}
FIELDS = ["value", "unit", "qualifier", "decimals", "step", "low", "high", "denominator"]


def _to_float(digits: pd.Series) -> np.ndarray:
    """Plain decimal text (``1234`` or ``12.5``, as the fast path builds it) to floats."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array(digits.to_numpy(dtype=object), type=pa.large_string())
    return pc.cast(arr, pa.float64()).to_numpy(zero_copy_only=False)


def _extract_simple(texts: pd.Series) -> pd.DataFrame:
    """``texts.str.extract(_SIMPLE)``, by Arrow's RE2 over the whole column at once rather
    than Python's ``re`` string by string (most of the time on all-distinct figures).  The
    same matches: Python's ``$`` also matches before one final line break, which RE2's
    does not, so ``\n?`` is added; a group that took no part is missing in both."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array(texts.to_numpy(dtype=object, na_value=None), type=pa.large_string())
    found = pc.extract_regex(arr, _SIMPLE.removesuffix("$") + "\n?$")
    cols = {}
    for name in ("q", "n", "f", "u"):
        col = pd.Series(pc.struct_field(found, name).to_numpy(zero_copy_only=False), index=texts.index)
        if name in ("q", "f"):  # RE2 gives "" for a group that took no part; re gives None
            col = col.where(col != "")
        cols[name] = col.astype("str")
    return pd.DataFrame(cols)


def parse_many(
    texts: pd.Series, money_units: pd.Series | None = None, langs: pd.Series | str | None = None
) -> pd.DataFrame:
    """Parse many figures; one row per input (same index) with the :class:`Figure` fields
    and ``error`` (the :class:`FigureError` message, or ``""``).  Never raises.

    The common printed forms (a qualifier word, a number, then ``%``, ``%/năm``,
    ``hộ`` or ``tỷ đồng``) are read by one vectorised pass; every other distinct
    string goes through :func:`parse_figure` once.  Both give identical results
    (a test checks it).  ``money_units``: the money unit of each row (default
    :data:`MONEY_UNIT`).  ``langs``: the notation of each row, ``"vi"`` or ``"en"``
    (one string for all rows; default ``"vi"``).  The vectorised pass reads
    Vietnamese only; English rows, like every uncommon form, are parsed once per
    distinct (text, money unit, language).
    """
    if not isinstance(texts, pd.Series):  # a list: no inference, which fails on a surrogate
        texts = pd.Series(np.asarray(list(texts), dtype=object), dtype=object)
    broken = _broken_texts(texts)
    if broken is not None:
        texts = pd.Series(texts).astype(object).where(~broken, "")
    texts = pd.Series(texts, dtype="str")
    money = (
        pd.Series(MONEY_UNIT, index=texts.index, dtype="str")
        if money_units is None
        else pd.Series(money_units, index=texts.index, dtype="str")
    )
    lang = (
        pd.Series("vi" if langs is None else langs, index=texts.index, dtype="str")
        if langs is None or isinstance(langs, str)
        else pd.Series(langs, index=texts.index, dtype="str")
    )
    # Each distinct (text, money unit, language) is read once and spread back by position:
    # factorising is a hash pass, where merging the result back on three text columns cost
    # most of the time on repeated strings.
    if money_units is None and (langs is None or isinstance(langs, str)):
        codes, uniques = pd.factorize(texts, use_na_sentinel=False)
        keys = pd.DataFrame(
            {
                "text": pd.Series(uniques, dtype="str"),
                "money": money.iloc[:1].item() if len(money) else "",
                "lang": lang.iloc[:1].item() if len(lang) else "",
            }
        )
    else:
        frame = pd.DataFrame({"text": texts, "money": money, "lang": lang})
        codes = frame.groupby(["text", "money", "lang"], sort=False, dropna=False).ngroup().to_numpy()
        keys = frame.drop_duplicates().reset_index(drop=True)
    m = _extract_simple(keys["text"])
    fast = m["n"].notna() & ((m["u"] != " tỷ đồng") | (keys["money"] == MONEY_UNIT)) & (keys["lang"] == "vi")
    f = m[fast]
    whole = f["n"].str.replace(".", "", regex=False)
    frac = f["f"].fillna("")
    dec = frac.str.len()
    # Arrow's cast reads decimal text to the nearest double, as to_numeric does, at C speed.
    value = pd.Series(_to_float(whole + np.where(dec > 0, "." + frac, "")), index=f.index)
    zeros = whole.str.len() - whole.str.rstrip("0").str.len()
    int_step = np.where(_to_float(whole) < 100, 1.0, 10.0 ** zeros.to_numpy())
    step = np.where(dec > 0, 10.0 ** -dec.to_numpy(dtype=float), int_step)
    quick = pd.DataFrame(
        {
            "value": value.astype(float),
            "unit": f["u"].map(_SIMPLE_UNITS),
            "qualifier": f["q"].map(QUALIFIERS).fillna("exact"),
            "decimals": dec.astype(int),
            "step": step,
            "low": np.nan,
            "high": np.nan,
            "denominator": np.nan,
            "error": "",
        },
        index=f.index,
    )
    slow_rows = []
    for i, (text, mu, lg) in keys.loc[~fast, ["text", "money", "lang"]].iterrows():
        try:
            fig = parse_figure(text, money_unit=mu, lang=lg)
            slow_rows.append((i, *(getattr(fig, k) for k in FIELDS), ""))
        except FigureError as exc:
            slow_rows.append((i, np.nan, "", "", 0, np.nan, np.nan, np.nan, np.nan, str(exc)))
    slow = pd.DataFrame(slow_rows, columns=["i", *FIELDS, "error"]).set_index("i")
    table = pd.concat(
        [quick, slow.astype({c: float for c in ("value", "step", "low", "high", "denominator")})]
    )
    out = table.sort_index().take(codes)[[*FIELDS, "error"]]
    out.index = texts.index
    if broken is not None:
        out.loc[broken.to_numpy(), ["value", "step", "low", "high", "denominator"]] = np.nan
        out.loc[broken.to_numpy(), "error"] = "text holds a lone surrogate (a broken character), not a figure"
    return out


def _broken_texts(texts) -> pd.Series | None:
    """True where an entry is a text with a lone surrogate (which no string column can hold);
    None when there is none.  Each distinct entry is looked at once."""
    s = pd.Series(texts)
    if s.dtype != object:
        return None
    uniques = pd.unique(s.to_numpy())
    bad = [u for u in uniques if isinstance(u, str) and not u.isascii() and _SURROGATE_RE.search(u)]
    return s.isin(bad) if bad else None

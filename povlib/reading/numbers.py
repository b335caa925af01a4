"""Parse figures as Vietnamese articles print them, and as English pages print them.

One reader serves every language; what differs between them is data, a
:class:`Notation` in :data:`NOTATIONS`: the thousands and decimal marks, the
qualifier words, the unit words and the scale words.

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

import functools
import re
import unicodedata
from dataclasses import dataclass, field
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


@dataclass(frozen=True)
class Notation:
    """How one language prints a figure: the whole of what the reader knows about it.

    Word tables map a printed word to its meaning: a qualifier to one of
    :data:`QUALIFIER_CODES`, a count noun to its English unit, a money word to
    a key of :data:`MONEY_SCALES`, a per-word to a ``/...`` suffix, a scale
    word to its power of ten.  Matching ignores case and prefers the longest
    word.
    """

    lang: str
    name: str
    """The language's English name, for messages."""
    thousands: str
    """The mark that groups thousands in threes."""
    decimal: str
    """The decimal mark."""
    qualifiers: dict[str, str]
    count_words: dict[str, str]
    count_scales: dict[str, int]
    """Scale words that multiply a count noun after them (``86 nghìn hộ``)."""
    money_words: dict[str, str]
    """Money words after the number, to their scale."""
    per_words: dict[str, str]
    """What may follow a percentage or an amount: ``/năm`` is ``/year``."""
    bare_scales: dict[str, str]
    """Scale words that are refused with no noun after them, to their English gloss."""
    bare_hint: str
    """The end of the message refusing a bare scale word; ``{word}`` is the word as printed."""
    percent_words: tuple[str, ...] = ()
    """Words for per cent besides ``%`` (after a space)."""
    currency_first: dict[str, str] = field(default_factory=dict)
    """A currency printed before the number (``VND4,565``), to its scale."""
    prefixed_scales: dict[str, str] = field(default_factory=dict)
    """Scale words after a number whose currency came first (``VND4,565 billion``)."""
    noun_may_touch: bool = False
    """Whether a count noun may follow the number with no space (``106/231công trình``)."""
    per_whole_words: bool = False
    """Whether a per-word must end at a word's end and may be in any case."""
    common_units: tuple[str, ...] = ()
    """Units as printed after the number (with their space) in the forms so common that
    :func:`parse_many` reads them in one vectorised pass; any other goes to :func:`parse_figure`."""


# "tỉ" is the other accepted spelling of "tỷ" (billion); "ngàn" of "nghìn" (thousand).
VIETNAMESE = Notation(
    lang="vi",
    name="Vietnamese",
    thousands=".",
    decimal=",",
    qualifiers={
        "xấp xỉ": "about",
        "khoảng": "about",
        "tối thiểu": "at least",
        "ít nhất": "at least",
        "hơn": "more than",
        "trên": "more than",
        "gần": "nearly",
        "dưới": "under",
    },
    count_words={
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
    },
    count_scales={"nghìn": 3, "ngàn": 3, "triệu": 6},
    money_words={
        "nghìn tỷ đồng": "trillion VND",
        "ngàn tỷ đồng": "trillion VND",
        "nghìn tỷ": "trillion VND",
        "ngàn tỷ": "trillion VND",
        "tỷ đồng": "bn VND",
        "tỷ": "bn VND",
        "nghìn tỉ đồng": "trillion VND",
        "ngàn tỉ đồng": "trillion VND",
        "nghìn tỉ": "trillion VND",
        "ngàn tỉ": "trillion VND",
        "tỉ đồng": "bn VND",
        "tỉ": "bn VND",
        "triệu đồng": "million VND",
        "nghìn đồng": "thousand VND",
        "ngàn đồng": "thousand VND",
        "đồng": "VND",
    },
    per_words={
        "/người/năm": "/person/year",
        "/người/tháng": "/person/month",
        "/hộ/năm": "/household/year",
        "/tháng": "/month",
        "/năm": "/year",
        "/người": "/person",
        "/hộ": "/household",
    },
    # A multiplier with no noun after it: thousand or million of what? ("triệu" is money
    # as often as people.)  Press usage writes "2 nghìn" for 2,000 of anything.
    bare_scales={"nghìn": "thousand", "ngàn": "thousand", "triệu": "million"},
    bare_hint="'{word} đồng' is money, '{word} hộ' households",
    noun_may_touch=True,
    common_units=("%", "%/năm", " hộ", " tỷ đồng"),
)

ENGLISH = Notation(
    lang="en",
    name="English",
    thousands=",",
    decimal=".",
    qualifiers={
        "more than": "more than",
        "over": "more than",
        "nearly": "nearly",
        "almost": "nearly",
        "about": "about",
        "around": "about",
        "under": "under",
        "below": "under",
        "at least": "at least",
    },
    count_words={
        "near-poor households": "households",
        "near poor households": "households",
        "poor households": "households",
        "households": "households",
        "household": "households",
        "people": "people",
        "persons": "people",
    },
    count_scales={"thousand": 3, "million": 6},
    money_words={
        "trillion VND": "trillion VND",
        "trillion dong": "trillion VND",
        "billion VND": "bn VND",
        "billion dong": "bn VND",
        "million VND": "million VND",
        "million dong": "million VND",
        "thousand VND": "thousand VND",
        "thousand dong": "thousand VND",
        "VND": "VND",
        "dong": "VND",
    },
    per_words={
        "/person/year": "/person/year",
        "/person/month": "/person/month",
        "/household/year": "/household/year",
        "/month": "/month",
        "/year": "/year",
        "/person": "/person",
        "/household": "/household",
        " per person per year": "/person/year",
        " per person per month": "/person/month",
        " per household per year": "/household/year",
        " per year": "/year",
        " a year": "/year",
        " per month": "/month",
        " a month": "/month",
        " per person": "/person",
        " per household": "/household",
    },
    bare_scales={"thousand": "thousand", "million": "million", "billion": "billion", "trillion": "trillion"},
    bare_hint="'billion VND' is money, 'thousand households' a count",
    percent_words=("percentage points", "percentage point", "per cent", "percent"),
    currency_first={"VND": "VND"},
    prefixed_scales={
        "trillion": "trillion VND",
        "billion": "bn VND",
        "million": "million VND",
        "thousand": "thousand VND",
    },
    per_whole_words=True,
    common_units=("%", " percent", " per cent", " households"),
)

NOTATIONS: dict[str, Notation] = {n.lang: n for n in (VIETNAMESE, ENGLISH)}
"""Every notation a figure can be printed in, by language code."""

LANGUAGES = tuple(NOTATIONS)
"""The notations a figure can be printed in: Vietnamese (the default) and English."""

# The word tables under the names other modules and tests use.
QUALIFIERS = VIETNAMESE.qualifiers
QUALIFIERS_EN = ENGLISH.qualifiers
COUNT_WORDS = dict(sorted(VIETNAMESE.count_words.items(), key=lambda kv: -len(kv[0])))
COUNT_WORDS_EN = ENGLISH.count_words
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
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
_AREA_RE = re.compile(rf"\s*(km2|km²|ha){_WORD_END}")
_YEAR_RE = re.compile(r"(19|20)[0-9][0-9]")


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


class _Reader:
    """A :class:`Notation` compiled into the patterns the reader matches at a position.

    Patterns are matched in place with re.I, instead of lower-casing the rest of the
    text: that copy cost a whole paragraph per figure (quadratic in extract).
    """

    def __init__(self, n: Notation):
        self.n = n
        qual, self.qual_words = _alternatives(n.qualifiers)
        count, self.nouns = _alternatives(n.count_words)
        scale, self.scale_words = _alternatives(n.count_scales)
        money, self.money_names = _alternatives(n.money_words)
        per, self.per_names = _alternatives(n.per_words)
        bare, _ = _alternatives(n.bare_scales)
        gap = r"\s*" if n.noun_may_touch else r"\s+"
        i = re.IGNORECASE
        self.qualifier = re.compile(rf"{qual}\s+", i)
        self.count = re.compile(rf"{gap}{count}{_WORD_END}", i)
        self.scaled_count = re.compile(rf"{gap}{scale}\s+{count}{_WORD_END}", i)
        self.money = re.compile(rf"\s*{money}{_WORD_END}", i)
        self.bare = re.compile(rf"\s*({bare}){_WORD_END}", i)
        self.per = re.compile(rf"{per}{_WORD_END}", i) if n.per_whole_words else re.compile(per)
        words = "|".join(re.escape(w) for w in n.percent_words)
        self.percent = re.compile(rf"(?:\s*%|\s+(?:{words}){_WORD_END})" if words else r"\s*%", i)
        self.currency: re.Pattern | None = None
        if n.currency_first:
            cur, self.currency_names = _alternatives(n.currency_first)
            prefixed, self.prefixed_names = _alternatives(n.prefixed_scales)
            self.currency = re.compile(rf"{cur}\s*(?=[0-9])", i)
            self.prefixed = re.compile(rf"\s*{prefixed}{_WORD_END}", i)
        th, dec = re.escape(n.thousands), re.escape(n.decimal)
        self.grouped = re.compile(rf"[0-9]{{1,3}}(?:{th}[0-9]{{3}})+(?:{dec}[0-9]+)?")
        self.plain = re.compile(rf"[0-9]+(?:{dec}[0-9]+)?")


_READERS = {lang: _Reader(n) for lang, n in NOTATIONS.items()}


def _reader(lang: object, shown: str) -> _Reader:
    """The reader of language ``lang``; a :class:`FigureError` quoting ``shown`` for an unknown one."""
    rd = _READERS.get(lang) if isinstance(lang, str) else None
    if rd is None:
        raise FigureError(f"unknown language {lang!r} for {_quote(shown)}; use one of {list(LANGUAGES)}")
    return rd


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


def parse_number(token: str, *, text: str | None = None, lang: str = "vi") -> tuple[Decimal, int]:
    """Read one number in the notation of ``lang``; return it and its count of decimal places.

    At most :data:`MAX_DIGITS` digits; a number grouped in thousands cannot
    start with 0 (in Vietnamese, ``0.500`` is a decimal written the English way, not 500).

    >>> parse_number("8.310,09")
    (Decimal('8310.09'), 2)
    >>> parse_number("1,061.9", lang="en")
    (Decimal('1061.9'), 1)
    """
    return _number(token, text if text is not None else token, _reader(lang, token))


def _number(token: str, text: str, rd: _Reader) -> tuple[Decimal, int]:
    """:func:`parse_number` with the reader given; ``text`` is the figure, for messages."""
    n = rd.n
    shown = _quote(text)
    digits = len(token) - token.count(".") - token.count(",")
    if digits > MAX_DIGITS:
        raise FigureError(
            f"number in {shown} has {digits:,} digits, more than the {MAX_DIGITS} a figure can have"
        )
    if rd.grouped.fullmatch(token):
        if token.startswith("0"):
            raise FigureError(
                f"number {_quote(token)} in {shown} puts a thousands group after a leading 0;"
                f" in {n.name} a decimal is written with '{n.decimal}' (0{n.decimal}5)"
            )
    elif not rd.plain.fullmatch(token):
        raise FigureError(
            f"malformed number {_quote(token)} in {shown}: in {n.name} notation thousands are"
            f" grouped by '{n.thousands}' in threes and '{n.decimal}' marks the one decimal part"
        )
    whole, _, frac = token.partition(n.decimal)
    return Decimal(whole.replace(n.thousands, "") + ("." + frac if frac else "")), len(frac)


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


def _money(text: str, end: int, scale: str, money_unit: str, rd: _Reader) -> tuple[str, Decimal, int, int]:
    """Money of printed ``scale`` ending at ``end``, with an optional per-word after it."""
    per = ""
    p = rd.per.match(text, end)
    if p:
        per, end = rd.n.per_words[_which(p, rd.per_names)], p.end()
    return money_unit + per, MONEY_SCALES[scale] / MONEY_SCALES[money_unit], end, 0


def _read_unit(
    text: str, pos: int, money_unit: str, start: int, rd: _Reader, currency: str = ""
) -> tuple[str, Decimal, int, int]:
    """Read the unit at ``pos``.

    Returns (unit, factor to apply to the number, new pos, shift), where
    ``shift`` is the power of ten a scale word moved a count by (3 for
    ``nghìn hộ``), to take off the printed decimals.  ``start`` is where the
    figure began, for the message of a bare ``nghìn``.  ``currency``: the scale
    of a currency printed before the number (``VND4,565 billion``), so that only
    a scale word may follow, and the figure is money whatever follows.
    """
    n = rd.n
    if currency:
        m = rd.prefixed.match(text, pos)
        if m:
            return _money(text, m.end(), n.prefixed_scales[_which(m, rd.prefixed_names)], money_unit, rd)
        return _money(text, pos, currency, money_unit, rd)
    m = rd.percent.match(text, pos)
    if m:
        per = rd.per.match(text, m.end())
        if per:
            return "%" + n.per_words[_which(per, rd.per_names)], Decimal(1), per.end(), 0
        return "%", Decimal(1), m.end(), 0
    # Count nouns first: "đồng chí" (comrade) must not read as "đồng" (dong).
    m = rd.count.match(text, pos)
    if m:
        return n.count_words[_which(m, rd.nouns)], Decimal(1), m.end(), 0
    m = rd.scaled_count.match(text, pos)
    if m:
        shift = n.count_scales[_which(m, rd.scale_words)]
        noun = _which(m, rd.nouns, 1 + len(rd.scale_words))
        return n.count_words[noun], Decimal(10) ** shift, m.end(), shift
    m = rd.money.match(text, pos)
    if m:
        return _money(text, m.end(), n.money_words[_which(m, rd.money_names)], money_unit, rd)
    m = rd.bare.match(text, pos)
    if m:
        word = m.group(1)
        gloss = n.bare_scales.get(word.lower(), "a multiplier")
        raise FigureError(
            f"{_quote(text[start : m.end()].strip())}: '{word}'"
            + (f" ({gloss})" if gloss != word.lower() else "")
            + f" with no noun after it is ambiguous; {n.bare_hint.format(word=word)}"
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
    ``lang`` is the notation, a key of :data:`NOTATIONS`: ``"vi"`` (default) or ``"en"``.
    """
    if money_unit not in MONEY_SCALES:
        raise FigureError(f"unknown money unit {money_unit!r}; use one of {sorted(MONEY_SCALES)}")
    rd = _reader(lang, text[pos : pos + 40])
    qualifier = "exact"
    start = pos
    q = rd.qualifier.match(text, pos)
    if q:
        qualifier = rd.n.qualifiers[_which(q, rd.qual_words)]
        pos = q.end()
    currency = ""
    prefix = rd.currency.match(text, pos) if rd.currency else None
    if prefix:
        currency, pos = rd.n.currency_first[_which(prefix, rd.currency_names)], prefix.end()

    def read_unit(at: int) -> tuple[str, Decimal, int, int]:
        return _read_unit(text, at, money_unit, start, rd, currency)

    m = _NUM_RE.match(text, pos)
    if not m:
        ahead = text[start : start + 40]
        if pos < len(text) and text[pos].isdecimal():
            raise FigureError(f"non-ASCII digit {text[pos]!r} in {ahead!r}: only the digits 0-9 are read")
        raise FigureError(f"no number at the start of {ahead!r}")
    token = m.group().rstrip(".,")
    first, dec1 = _number(token, text[start : pos + len(token)], rd)
    pos = m.start() + len(token)

    # Range "2-2,5%" or "10 - 13 triệu đồng"; the unit after the second number serves both.
    rng = _RANGE_RE.match(text, pos)
    # Fraction "106/231" or "16.664 hộ/17.497 hộ".
    unit1, factor1, after1, shift1 = read_unit(pos)
    frac = _FRACTION_RE.match(text, after1)
    if rng and not frac:
        second_tok = rng.group(1).rstrip(".,")
        second_end = rng.start(1) + len(second_tok)
        second, dec2 = _number(second_tok, text[start:second_end], rd)
        if second < first:
            raise FigureError(f"range {_quote(text[start:second_end])} runs backwards")
        if second == first:
            raise FigureError(
                f"range {_quote(text[start:second_end])} has no width: a range needs two different ends"
            )
        unit, factor, end, shift = read_unit(second_end)
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
        den, _ = _number(den_tok, text[start:den_end], rd)
        unit2, factor2, end, shift2 = read_unit(den_end)
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
    n = NOTATIONS.get(lang) if isinstance(lang, str) else None
    if n is None:
        raise ValueError(f"unknown language {lang!r}; use one of {list(LANGUAGES)}")
    return sign + text.translate(str.maketrans(",.", n.thousands + n.decimal))


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


FIELDS = ["value", "unit", "qualifier", "decimals", "step", "low", "high", "denominator"]
_FLOATS = ["value", "step", "low", "high", "denominator"]
_STRINGS = ["unit", "qualifier", "error"]


def _fast_form(n: Notation) -> tuple[str, dict[str, str]]:
    """The common printed forms of notation ``n`` as one regex, and their units.

    A qualifier word and one space, a number of at most 15 digits before the decimal
    mark and 9 after it (so that a double holds it exactly), then one of the
    notation's :attr:`~Notation.common_units`, spelt exactly so: anything else
    (another case, another spacing, a range) goes to :func:`parse_figure`.  Each
    unit is named by parse_figure itself, so both give identical results.  ASCII
    digits only, as in :func:`parse_number`: "1１%" must go to parse_figure.
    """
    odd = [w for w in [*n.qualifiers, *n.common_units] if re.search(r"[0-9.,]", w)]
    if odd:  # the vectorised pass finds the number by trimming the words off
        raise ValueError(f"notation {n.lang!r}: qualifiers and common units hold no digit, '.' or ',': {odd}")
    units = {u: parse_figure("1" + u, lang=n.lang).unit for u in n.common_units}

    def alt(words) -> str:
        return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))

    th, dec = re.escape(n.thousands), re.escape(n.decimal)
    pattern = (
        rf"^(?:(?P<q>{alt(n.qualifiers)}) )?"
        rf"(?P<n>0|[1-9][0-9]{{0,2}}(?:{th}[0-9]{{3}}){{0,4}})(?:{dec}(?P<f>[0-9]{{1,9}}))?"
        rf"(?P<u>{alt(units)})$"
    )
    return pattern, units


_FAST = {lang: _fast_form(n) for lang, n in NOTATIONS.items()}
# What is trimmed off a common form to leave its number: the characters of its
# qualifiers and units (none a digit or a mark: _fast_form checks it).
_FAST_TRIM = {
    lang: "".join(sorted(set(" ".join([*n.qualifiers, *n.common_units])))) for lang, n in NOTATIONS.items()
}


def _read_fast(keys: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The rows of ``keys`` (text, money, lang) in notation ``lang`` that :func:`_fast_form`
    reads, with the :class:`Figure` fields and ``error``; the rest are left to parse_figure.

    All in Arrow's compute functions over the whole column at once rather than string
    by string: RE2 only says which rows have a common form (capturing its groups cost
    five times as much); the qualifier is then the prefix and the unit the suffix that
    the row starts and ends with (longest first, as the regex reads them), and the
    number what is left when both are trimmed, since neither holds a digit or a mark.
    Python's ``$`` also matches before one final line break, which RE2's does not, so
    ``\n?`` is added.  Arrow casts decimal text to the nearest double, as parse_figure's
    ``float(Decimal)`` does.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    here = keys["lang"] == lang
    mine = keys if here.all() else keys[here]
    pattern, units = _FAST[lang]
    n = NOTATIONS[lang]
    text = pa.array(mine["text"])
    ok = pc.match_substring_regex(text, pattern.removesuffix("$") + "\n?$")
    money = pc.not_equal(pa.array(mine["money"]), MONEY_UNIT)
    text = pc.utf8_rtrim(text.filter(ok), characters="\n")
    money = money.filter(ok)
    unit = pa.nulls(len(text), pa.large_string())
    for word in sorted(units, key=len, reverse=True):
        unit = pc.if_else(pc.and_(pc.is_null(unit), pc.ends_with(text, word)), units[word], unit)
    qualifier = pa.nulls(len(text), pa.large_string())
    qualified = pc.any(pc.invert(pc.match_substring_regex(text, "^[0-9]"))).as_py()
    for word in sorted(n.qualifiers, key=len, reverse=True) if qualified else ():
        hit = pc.and_(pc.is_null(qualifier), pc.starts_with(text, word + " "))
        qualifier = pc.if_else(hit, n.qualifiers[word], qualifier)
    qualifier = pc.fill_null(qualifier, "exact")
    fast = pc.invert(pc.and_(pc.equal(unit, MONEY_UNIT), money))
    text, unit, qualifier = text.filter(fast), unit.filter(fast), qualifier.filter(fast)
    digits = pc.utf8_trim(text, characters=_FAST_TRIM[lang])
    digits = pc.replace_substring(pc.replace_substring(digits, n.thousands, ""), n.decimal, ".")
    mark = pc.find_substring(digits, ".").to_numpy(zero_copy_only=False)
    length = pc.utf8_length(digits).to_numpy(zero_copy_only=False)
    dec = np.where(mark >= 0, length - mark - 1, 0).astype("int64")
    value = pc.cast(digits, pa.float64()).to_numpy(zero_copy_only=False)
    zeros = length - pc.utf8_length(pc.utf8_rtrim(digits, characters="0")).to_numpy(zero_copy_only=False)
    int_step = np.where(value < 100, 1.0, 10.0**zeros)
    rows = np.flatnonzero(ok.to_numpy(zero_copy_only=False))[fast.to_numpy(zero_copy_only=False)]
    return pd.DataFrame(
        {
            "value": value,
            "unit": pd.array(unit, dtype="str"),
            "qualifier": pd.array(qualifier, dtype="str"),
            "decimals": dec,
            "step": np.where(dec > 0, 10.0 ** -dec.astype(float), int_step),
            "low": np.nan,
            "high": np.nan,
            "denominator": np.nan,
            "error": "",
        },
        index=mine.index[rows],
    )


# A printed figure is a few words. A longer text is read without being kept, so that a file of
# many long distinct texts cannot make the process hold them all.
_KEPT_LENGTH = 120


@functools.lru_cache(maxsize=1 << 16)
def _read_one(text: str, money_unit: str, lang: str) -> tuple:
    """:func:`parse_figure`'s fields and error for one key, a row of :func:`_read_keys`'s
    table. Kept for the process: a data folder read again (a notebook run again, a test's
    copy of the data) prints the same few uncommon figures."""
    try:
        fig = parse_figure(text, money_unit=money_unit, lang=lang)
    except FigureError as exc:
        return (np.nan, "", "", 0, np.nan, np.nan, np.nan, np.nan, str(exc))
    return (*(getattr(fig, k) for k in FIELDS), "")


def _read_keys(keys: pd.DataFrame) -> pd.DataFrame:
    """One row per key (text, money unit, language), in the keys' order (their index is
    0, 1, ...), with the :class:`Figure` fields and ``error``: the common forms in one
    vectorised pass per language, every other key through :func:`parse_figure`."""
    quick = [_read_fast(keys, lang) for lang in LANGUAGES if (keys["lang"] == lang).any()]
    done = np.zeros(len(keys), dtype=bool)
    for q in quick:
        done[q.index.to_numpy()] = True
    if done.all() and len(quick) == 1:  # every key in one common form: nothing else to read
        return quick[0][[*FIELDS, "error"]]
    rest = keys.loc[~done]
    slow_rows = [
        (i, *(_read_one if len(text) <= _KEPT_LENGTH else _read_one.__wrapped__)(text, mu, lg))
        for i, text, mu, lg in zip(rest.index, rest["text"], rest["money"], rest["lang"], strict=True)
    ]
    types = {c: "float64" for c in _FLOATS} | {c: "str" for c in _STRINGS} | {"decimals": "int64"}
    slow = pd.DataFrame(slow_rows, columns=["i", *FIELDS, "error"]).set_index("i").astype(types)
    parts = [q for q in quick if len(q)] + ([slow] if len(slow) or not quick else [])
    table = parts[0] if len(parts) == 1 else pd.concat(parts).sort_index()
    return table[[*FIELDS, "error"]]


def _few(col: pd.Series, codes: np.ndarray | None) -> pd.Categorical:
    """A few-valued text column of the keys' table as a categorical of one row per input
    (``codes``: the key of each row; None: a row per key). Its categories are its distinct
    texts, sorted, so that two parses holding the same texts have the same dtype."""
    kcodes, cats = pd.factorize(col, sort=True)
    small = kcodes.astype(np.min_scalar_type(-len(cats) - 1))
    rows = small if codes is None else small.take(codes)
    return pd.Categorical.from_codes(rows, dtype=pd.CategoricalDtype(pd.Index(cats, dtype="str")))


def _spread(table: pd.DataFrame, codes: np.ndarray, index: pd.Index) -> pd.DataFrame:
    """``table.take(codes)`` with ``index``, column by column: a number column that holds
    one value (no range, no denominator) is filled rather than gathered, and the few-valued
    texts (:data:`_STRINGS`) become categoricals, a small code per row rather than a text
    (:func:`_few`). All-distinct keys (``codes`` 0, 1, ...) need no gathering at all."""
    n = len(codes)
    distinct = len(table) == n and bool((codes == np.arange(n)).all())
    cols: dict[str, object] = {}
    for name, col in table.items():
        if name in _STRINGS:
            cols[name] = _few(col, None if distinct else codes)
            continue
        values = col.to_numpy()
        one = len(values) > 0 and bool((values == values[0]).all() or pd.isna(values).all())
        if distinct:  # the keys' table is the caller's from here on: a column of its own
            cols[name] = values.copy()
        else:
            cols[name] = np.full(n, values[0], dtype=values.dtype) if one else values.take(codes)
    return pd.DataFrame(cols, index=index, copy=False)


def parse_many(
    texts: pd.Series, money_units: pd.Series | None = None, langs: pd.Series | str | None = None
) -> pd.DataFrame:
    """Parse many figures; one row per input (same index) with the :class:`Figure` fields
    and ``error`` (the :class:`FigureError` message, or ``""``).  Never raises.
    ``unit``, ``qualifier`` and ``error`` are categoricals (few distinct texts, sorted):
    a million rows hold a small code each, not a million texts.

    The common printed forms of each notation (a qualifier word, a number, then ``%``,
    a percent word, a count noun or money in :data:`MONEY_UNIT`) are read by one
    vectorised pass per language; every other distinct string goes through
    :func:`parse_figure` once.  Both give identical results (a test checks it).
    ``money_units``: the money unit of each row (default :data:`MONEY_UNIT`).
    ``langs``: the notation of each row, a key of :data:`NOTATIONS` (one string for
    all rows; default ``"vi"``).  Each distinct (text, money unit, language) is read once.
    """
    if not isinstance(texts, pd.Series):  # a list: no inference, which fails on a surrogate
        texts = pd.Series(np.asarray(list(texts), dtype=object), dtype=object)
    broken = _broken_texts(texts)
    if broken is not None:
        texts = pd.Series(texts).astype(object).where(~broken, "")
    texts = pd.Series(texts, dtype="str")
    # Each distinct key is read once and spread back by position: factorising is a hash
    # pass, where merging the result back on three text columns cost most of the time on
    # repeated strings.  One money unit and one language: the texts alone are the key.
    if money_units is None and (langs is None or isinstance(langs, str)):
        codes, uniques = pd.factorize(texts, use_na_sentinel=False)
        keys = pd.DataFrame(
            {
                "text": pd.Series(uniques, dtype="str"),
                "money": MONEY_UNIT,
                "lang": "vi" if langs is None else langs,
            }
        )
    else:
        money = pd.Series(MONEY_UNIT if money_units is None else money_units, index=texts.index, dtype="str")
        lang = pd.Series("vi" if langs is None else langs, index=texts.index, dtype="str")
        frame = pd.DataFrame({"text": texts, "money": money, "lang": lang})
        codes = frame.groupby(["text", "money", "lang"], sort=False, dropna=False).ngroup().to_numpy()
        keys = frame.drop_duplicates().reset_index(drop=True)
    out = _spread(_read_keys(keys), codes, texts.index)
    if broken is not None:
        message = "text holds a lone surrogate (a broken character), not a figure"
        out.loc[broken.to_numpy(), _FLOATS] = np.nan
        out["error"] = out["error"].cat.set_categories(out["error"].cat.categories.union([message]))
        out.loc[broken.to_numpy(), "error"] = message
        # the blanked texts' own error is nobody's now
        out["error"] = out["error"].cat.remove_unused_categories()
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

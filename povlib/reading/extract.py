"""Turn an article into candidate observation rows for review.

Every figure in the text is parsed with :func:`povlib.numbers.parse_at`;
place, indicator, period and status are guessed from the words around it,
and a guess that cannot be made is left empty.  Dates, years, times,
document numbers and file names are recognised and passed over; a number
that cannot be read as a figure is reported as skipped, with its text.

The rules are deliberately simple and visible: a reviewer should be able to
say why a guess was made (the ``note`` column names the cue).
"""

from __future__ import annotations

import os
import re
import shlex
import stat
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .. import paths
from .._callable import make_callable
from .numbers import MONEY_SCALES, QUALIFIERS, FigureError, convert, parse_at

MAX_ARTICLE_BYTES = 20_000_000
"""Largest article file read: a news article is tens of kilobytes."""

COLUMNS = [
    "obs_id",
    "source_id",
    "paragraph",
    "raw",
    "province",
    "geo",
    "indicator",
    "period",
    "value",
    "unit",
    "qualifier",
    "status",
    "note",
]
LEVEL_RANK = {
    "commune": 0,
    "commune group": 1,
    "district": 2,
    "province": 3,
    "group": 4,
    "region": 5,
    "country": 6,
}
PREFIXES = ("tỉnh", "huyện", "xã", "thành phố", "thị xã", "thị trấn")

_QUAL = "|".join(sorted(QUALIFIERS, key=len, reverse=True))
_START = re.compile(rf"(?<![\w/.,:-])(?:(?:{_QUAL})\s+)?\d", re.IGNORECASE)
_DATE = re.compile(r"\d{1,2}/(?:19|20)\d\d(?!\d)|\d{1,2}/\d{1,2}(?:/\d{2,4})?(?!\d)|\d{1,2}:\d{2}")
_YEAR = re.compile(r"(?:19|20)\d\d(?!\d)")
_DOC = re.compile(r"\s*/\s*[A-ZĐ]")
_SENTENCE_END = re.compile(r"(?<=[.!?;…])\s+(?=\S)")
_SKIP_TOKEN = re.compile(r"[\d/:.,]+")
_TOKEN = re.compile(r"\S+")
_GLUED_LETTER = re.compile(r"[A-Za-zÀ-ỹ_]")
_USD = re.compile(r"\s*USD")
_DURATION = re.compile(r"\s*(năm|tháng|ngày|giờ|tuổi)\b")
_LOWER_WORD = re.compile(r"\s*(?=[a-zà-ỹ])(\S+)")
_CLAUSE_END = re.compile(r"[,.;:()]")
_CONTEXT = 600
"""Characters of a sentence read on each side of a figure, in characters.  The five
sources' longest sentence has 412; the cap keeps a text with no full stop linear, and
the cost per figure grows with it."""


def _fold_char(ch: str) -> str:
    if ch in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", ch)[0]
    return base.lower() if len(base) == 1 else ch.lower()


_FOLDED: dict[int, str] = {}


def fold(text: str) -> str:
    """Lower-case ASCII fold that keeps positions: ``"Lạng Sơn"`` gives ``"lang son"``."""
    # One str.translate over a table of the characters seen: a Python loop per
    # character took 2 s on 5 MB.
    _FOLDED.update({ord(ch): _fold_char(ch) for ch in set(text) if ord(ch) not in _FOLDED})
    return text.translate(_FOLDED)


# --- places ------------------------------------------------------------------


@dataclass(frozen=True)
class _Place:
    geo: str
    province: str
    rank: int
    pattern: re.Pattern  # what a mention is; matched as its literal names, see _finditer_names
    names: tuple[str, ...]


def place_patterns(geography: pd.DataFrame) -> list[_Place]:
    """One folded pattern per place, with its prefixes optional; longest names first."""
    out = []
    full = {fold(n) for n in geography["name_vi"]} | {fold(n) for n in geography["alias"]}
    for _, g in geography.iterrows():
        names = {fold(g["name_vi"]), fold(g["alias"])}
        if g["level"] == "commune group":
            m = re.match(r"(\d+ xa)", fold(g["name_vi"]))
            if m:  # "10 xã có tỷ lệ hộ nghèo cao" is also written "10 xã"
                names.add(m.group(1))
        for name in names:
            bare = re.sub(rf"^(?:{'|'.join(fold(p) for p in PREFIXES)})\s+", "", name)
            if bare != name and bare in full:  # "thành phố Bắc Kạn" is not "Bắc Kạn"
                bare = name
            pat = re.compile(rf"(?<![\w])(?:{re.escape(name)}|{re.escape(bare)})(?![\w])")
            out.append(
                _Place(
                    g["geo_id"],
                    g["province"],
                    LEVEL_RANK[g["level"]],
                    pat,
                    tuple(dict.fromkeys((name, bare))),
                )
            )
    return sorted(out, key=lambda p: -len(p.pattern.pattern))


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"  # what \w means in a str pattern


def _finditer_names(folded: str, names: tuple[str, ...]):
    """(start, end) of what ``(?<![\\w])(?:name1|name2)(?![\\w])`` finds, left to right.

    ``str.find`` per name is many times faster than the regex, whose leading
    look-behind keeps it from skipping ahead to a literal.
    """
    hits = []
    for order, name in enumerate(names):
        i = folded.find(name)
        while i != -1:
            j = i + len(name)
            if (i == 0 or not _is_word(folded[i - 1])) and (j == len(folded) or not _is_word(folded[j])):
                hits.append((i, order, j))
            i = folded.find(name, i + 1)
    last = 0
    for i, _, j in sorted(hits):  # at one start, the first name wins, as in the regex
        if i >= last:
            yield i, j
            last = j


def _mentions(folded: str, places: list[_Place]) -> list[tuple[int, int, _Place]]:
    """Place mentions as (start, end, place); a longer name hides the shorter ones inside it."""
    found: list[tuple[int, int, _Place]] = []
    covered = bytearray(len(folded) + 1)  # 1 inside a mention already found
    for p in places:
        for s, e in _finditer_names(folded, p.names):
            if not covered[s]:
                found.append((s, e, p))
                covered[s:e] = b"\x01" * (e - s)
    return sorted(found, key=lambda x: x[0])


class _MentionIndex:
    """Answers :func:`_pick` in log time: starts of the mentions by rank, sorted.

    Scanning every mention for every figure made a long paragraph quadratic.
    """

    def __init__(self, mentions: list[tuple[int, int, _Place]]):
        by_rank: dict[int, list[tuple[int, _Place]]] = {}
        for s, _, p in mentions:  # mentions come sorted by start
            by_rank.setdefault(p.rank, []).append((s, p))
        self.ranks = [(r, [s for s, _ in sp], [p for _, p in sp]) for r, sp in sorted(by_rank.items())]

    def pick(self, lo: int, hi: int, near: int) -> _Place | None:
        """The best-ranked place starting in ``[lo, hi)``; nearest ``near`` on a tie, then the
        earlier one."""
        for _, starts, places in self.ranks:
            a, b = bisect_left(starts, lo), bisect_left(starts, hi)
            if a >= b:
                continue
            k = bisect_left(starts, near, a, b)
            if k == b or (k > a and near - starts[k - 1] <= starts[k] - near):
                k -= 1
            return places[k]
        return None


# --- indicators ----------------------------------------------------------------


CUES = "indicator_cues"
"""The resource (in ``data/datapackage.json``) holding the rules of :func:`guess_indicator`."""

# The places a rule looks in, nearest first for the rows whose place is "nearest".
_NEAREST = ("after", "local", "sentence", "tail")


@dataclass(frozen=True)
class _Rule:
    """One row of the cue table: each condition holds when its words (any of them) occur
    in its place; an empty place asks nothing."""

    rule: str
    unit: str
    place: str
    cues: tuple[str, ...]
    also_place: str
    also: tuple[str, ...]
    unless_place: str
    unless: tuple[str, ...]
    change: str
    per_year: bool
    indicator: str
    note: str


def _words(cell: str) -> tuple[str, ...]:
    return tuple(w for w in cell.split("|") if w)


def _check_rules(frame: pd.DataFrame, fname: str) -> list:
    """Rows the schema allows but the reader cannot use, each named by file, row and column."""
    from .numbers import COUNT_WORDS
    from .tables import Problem

    units = {"percent", "money", "km2", "ha", *COUNT_WORDS.values()}
    problems = []
    for row, r in frame.iterrows():
        for place, words in (("place", "cues"), ("also_place", "also"), ("unless_place", "unless")):
            if bool(r[place]) != bool(_words(r[words])):
                missing = words if r[place] else place
                problems.append(
                    Problem(fname, row, missing, f"{place} and {words} go together; {missing} is empty")
                )
        if r["rule"] == "indicator" and r["unit"] not in units:
            problems.append(
                Problem(
                    fname, row, "unit", f"{r['unit']!r} is not a unit a figure is read in: {sorted(units)}"
                )
            )
        if r["rule"] in ("rise", "fall") and (r["unit"] or r["indicator"] or r["place"] != "local"):
            message = f"a {r['rule']} row names no unit and no indicator, and looks in local"
            problems.append(Problem(fname, row, "rule", message))
        if r["rule"] == "denominator" and (r["unit"] or not r["indicator"]):
            problems.append(Problem(fname, row, "rule", "a denominator row names an indicator and no unit"))
        if r["place"] == "nearest" and (r["also_place"] or r["unless_place"]):
            problems.append(Problem(fname, row, "place", "a nearest row has no other condition"))
    return problems


_RULES: dict[Path, tuple[_Rule, ...]] = {}


def indicator_rules(data_dir: Path | str = paths.DATA) -> tuple[_Rule, ...]:
    """The cue table of ``data_dir``, read and checked once; a bad row raises
    :class:`~povlib.tables.DataError` naming its file, row and column."""
    from .tables import DataError, read_table

    data_dir = Path(data_dir)
    if data_dir not in _RULES:
        frame, problems = read_table(CUES, data_dir)
        fname = f"{data_dir.name}/{CUES}.csv"
        problems = problems or _check_rules(frame, fname)
        if problems:
            raise DataError(problems)
        _RULES[data_dir] = tuple(
            _Rule(
                r["rule"],
                r["unit"],
                r["place"],
                _words(r["cues"]),
                r["also_place"],
                _words(r["also"]),
                r["unless_place"],
                _words(r["unless"]),
                r["change"],
                r["per_year"] == "yes",
                r["indicator"],
                r["note"],
            )
            for _, r in frame.iterrows()
        )
    return _RULES[data_dir]


def _unit_key(unit: str) -> str:
    """The cue table's name for a parsed unit: any percentage is ``percent``, any amount
    of dong ``money``, a count its own unit."""
    if unit.startswith("%"):
        return "percent"
    return "money" if "VND" in unit else unit


def _found(words: tuple[str, ...], place: str, texts: dict[str, str]) -> str | None:
    """The first of ``words`` in ``place``; ``next`` and ``unit`` need the word at their
    start and end."""
    text = texts[place]
    for w in words:
        if text.startswith(w) if place == "next" else text.endswith(w) if place == "unit" else w in text:
            return w
    return None


def _change(kind: str, local: str, rules: tuple[_Rule, ...]) -> bool:
    """Whether ``local`` describes a rise or a fall: a whole cue word, none of the rule's others."""
    return any(
        any(re.search(rf"(?<!\w){re.escape(w)}(?!\w)", local) for w in r.cues)
        and not any(w in local for w in r.unless)
        for r in rules
        if r.rule == kind
    )


def guess_indicator(
    unit: str,
    local: str,
    sentence: str,
    after: str,
    per_year: bool,
    tail: str = "",
    rules: tuple[_Rule, ...] | None = None,
    kind: str = "indicator",
) -> tuple[str, str]:
    """Indicator code and the cue that decided it; ``("", reason)`` when no rule fits.

    ``local`` is the text since the previous figure, ``sentence`` the sentence up
    to the figure, ``after`` the rest of the clause after it and ``tail`` the rest
    of the sentence (all lower case).  The rules are the rows of the cue table
    (:func:`indicator_rules`, ``data/indicator_cues.csv``) for the figure's unit,
    tried in order; the first that fits wins.  ``kind="denominator"``: the rules for
    the second figure of a share printed ``16.664 hộ/17.497 hộ`` instead.
    """
    rules = indicator_rules() if rules is None else rules
    changes = {"rise": _change("rise", local, rules), "fall": _change("fall", local, rules), "": True}
    texts = {
        "after": after,
        "next": after.lstrip(),
        "local": local,
        "sentence": sentence,
        "sentence_after": sentence + after,
        "near_sentence": after + " " + local + sentence,
        "tail": tail,
        "sentence_tail": sentence + tail,
        "unit": unit,
    }
    mine = [r for r in rules if r.rule == kind and r.unit in (_unit_key(unit), "")]
    i = 0
    while i < len(mine):
        r = mine[i]
        if r.place == "nearest":  # a run of such rows: the nearer place wins, then the order
            run = [r]
            while i + len(run) < len(mine) and mine[i + len(run)].place == "nearest":
                run.append(mine[i + len(run)])
            for place in _NEAREST:
                for q in run:
                    word = _found(q.cues, place, texts)
                    if word:
                        return q.indicator, q.note or f"'{word}'"
            i += len(run)
            continue
        i += 1
        word = _found(r.cues, r.place, texts) if r.place else ""
        if word is None or not changes[r.change] or (r.per_year and not per_year):
            continue
        if r.also_place and _found(r.also, r.also_place, texts) is None:
            continue
        if r.unless_place and _found(r.unless, r.unless_place, texts) is not None:
            continue
        return r.indicator, r.note or (f"'{word}'" if word else f"unit '{unit}'")
    return "", f"no rule for unit {unit or 'none'!r}"


# --- periods and status --------------------------------------------------------

_YEAR_CUE = re.compile(
    r"(?:giai đoạn|từ)\s*(?:năm\s*)?((?:19|20)\d\d)\s*-\s*((?:19|20)\d\d)"
    r"|(so với\s+)?(?:năm|hết|cuối năm|tháng \d{1,2}/)\s*((?:19|20)\d\d)"
)


_YEAR_IN_BRACKETS = re.compile(r"\s*\((?:năm\s+)?((?:19|20)[0-9][0-9])\)")
_YEARS_AGO = re.compile(r"([0-9]+) năm qua")


def guess_period(before: str, after: str, is_change: bool, doc_year: str) -> str:
    """A year, a range ``A-B``, or the document's year; for a change, ``base-final``.

    ``before`` is the sentence up to the figure, ``after`` the rest of the sentence.
    The nearest cue before the figure wins; ``(năm 2021)`` right after it wins over all.
    """
    m = _YEAR_IN_BRACKETS.match(after)
    if m:
        return m.group(1)
    cues = list(_YEAR_CUE.finditer(before))
    base = [c.group(4) for c in _YEAR_CUE.finditer(before + after) if c.group(3)]
    levels = [c for c in cues if not c.group(3)]
    if is_change and base:
        later = [c.group(4) for c in levels if c.group(4) and c.group(4) != base[0]]
        return f"{base[0]}-{later[-1] if later else int(base[0]) + 1}"
    ago = _YEARS_AGO.search(before)
    if ago and doc_year and not levels:  # "3 năm qua": the n years to the article's year
        return f"{int(doc_year) - int(ago.group(1))}-{doc_year}"
    if levels:
        c = levels[-1]
        return f"{c.group(1)}-{c.group(2)}" if c.group(1) else c.group(4)
    following = [c for c in _YEAR_CUE.finditer(after) if not c.group(3)]
    if following:
        c = following[0]
        return f"{c.group(1)}-{c.group(2)}" if c.group(1) else c.group(4)
    return doc_year


_STATUS = [
    ("sơ bộ", "preliminary"),
    ("dự ước", "estimate"),
    ("ước", "estimate"),
    ("dự kiến", "plan"),
    ("mục tiêu", "target"),
    ("phấn đấu", "target"),
    ("chỉ tiêu", "target"),
]


_STATUS_RE = [(re.compile(rf"(?<!\w){word}(?!\w)"), status) for word, status in _STATUS]


def guess_status(sentence: str) -> str:
    """Status from the words of the sentence before the figure; ``reported`` by default."""
    for pattern, status in _STATUS_RE:
        if pattern.search(sentence):
            return status
    return "reported"


# --- the scanner -----------------------------------------------------------------

_COUNTED_YEAR = re.compile(r"\s*(?:hộ|người|lao động|tỷ|triệu|%)")
_DOC_NUMBER_BEFORE = re.compile(
    r"(?:(?:nghị quyết|quyết định|kế hoạch|công văn|thông tư|nghị định)\s+số|thứ)\s*$"
)


def _skip_reason(text: str, start: int, num_start: int) -> str | None:
    """Why the number at ``num_start`` is not a figure (date, year, code), or None."""
    if _DATE.match(text, num_start):
        return "date"
    y = _YEAR.match(text, num_start)
    # Matched in place: slicing text[y.end():] copied the rest of the paragraph for
    # every year, the last quadratic step of a long paragraph.
    if y and not _COUNTED_YEAR.match(text, y.end()):
        return "year"
    before = text[max(0, start - 30) : start].lower()
    if _DOC_NUMBER_BEFORE.search(before):
        return "document number"
    return None


def extract_text(
    text: str, source_id: str = "", geography: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, list[dict]]:
    """Candidate rows (``observations.csv`` layout) and the skipped figures of an article.

    ``source_id`` must match :data:`SOURCE_ID` (or be empty); see :func:`check_source_id`.
    """
    check_source_id(source_id)
    if geography is None:
        geography = pd.read_csv(paths.DATA / "geography.csv", dtype=str, keep_default_na=False)
    places = place_patterns(geography)
    text = unicodedata.normalize("NFC", text)
    paragraphs = [line for line in text.splitlines() if line.strip()]
    doc_years = re.findall(r"năm\s+((?:19|20)\d\d)", text)
    # The most cited year, the latest on a tie: the year the article mostly reports on.
    doc_year = max(sorted(set(doc_years)), key=doc_years.count) if doc_years else ""
    rows, skipped = [], []
    carry: _Place | None = None  # the place of the last paragraph that named one
    sid = source_id or "new"
    for pno, para in enumerate(paragraphs, 1):
        folded = fold(para)
        mentions = _MentionIndex(_mentions(folded, places))
        para_place = mentions.pick(0, len(para), 0)
        bounds = [0] + [m.start() for m in _SENTENCE_END.finditer(para)] + [len(para)]
        prev_end = 0
        pos = 0
        k = 0
        while True:
            m = _START.search(para, pos)
            if not m:
                break
            num_start = m.end() - 1
            reason = _skip_reason(para, m.start(), num_start)
            if reason:
                skip = _SKIP_TOKEN.match(para, num_start)
                assert skip is not None  # _START matched a digit there
                pos = skip.end()
                continue
            try:
                fig, end = parse_at(para, m.start())
            except FigureError as exc:
                token = _TOKEN.match(para, num_start)
                assert token is not None  # _START matched a digit there
                tok = token.group()
                skipped.append(dict(paragraph=pno, text=tok, reason=str(exc)))
                pos = num_start + len(tok)
                continue
            nxt = para[end : end + 12]
            bad = None
            if not fig.unit and _GLUED_LETTER.match(nxt):
                bad = "a code, not a figure"
            elif _USD.match(nxt):
                bad = "foreign currency"
            elif _DOC.match(nxt):
                bad = "document number"
            elif not fig.unit and _DURATION.match(nxt):
                bad = "a duration or age"
            elif not fig.unit and (lower := _LOWER_WORD.match(nxt)):
                word = lower.group(1)
                skipped.append(
                    dict(
                        paragraph=pno,
                        text=para[m.start() : end + len(nxt)].strip(),
                        reason=f"unknown unit word {word!r}",
                    )
                )
                prev_end = pos = end
                continue
            if bad:
                if bad != "a duration or age":
                    skipped.append(dict(paragraph=pno, text=para[m.start() : end + 6].strip(), reason=bad))
                pos = end
                continue
            i = bisect_right(bounds, m.start())
            s_lo = bounds[i - 1]
            s_hi = bounds[i] if i < len(bounds) else len(para)
            # The words read around a figure stop at _CONTEXT characters, so that a
            # text with no full stop costs time in proportion to its length.
            c_lo, c_hi = max(s_lo, m.start() - _CONTEXT), min(s_hi, end + _CONTEXT)
            sentence = para[c_lo : m.start()].lower()
            local = para[max(prev_end, c_lo) : m.start()].lower()
            rest = para[end:c_hi].lower()
            after = _CLAUSE_END.split(rest, maxsplit=1)[0]
            place = mentions.pick(0, s_hi, m.start()) or para_place or carry
            pieces = [(fig.text, fig, "")]
            if fig.denominator is not None and "/" in fig.text and fig.unit:
                num_txt, den_txt = (p.strip() for p in fig.text.split("/", 1))
                if not num_txt[-1:].isdecimal():  # "16.664 hộ/17.497 hộ": two figures
                    pieces = [
                        (num_txt, parse_at(num_txt)[0], "numerator"),
                        (den_txt, parse_at(den_txt)[0], "denominator"),
                    ]
            for raw, f, part in pieces:
                loc = local + (" trên tổng số" if part == "denominator" else "")
                code, cue = guess_indicator(f.unit, loc, sentence, after, f.unit.endswith("/year"), rest)
                if part == "denominator":
                    code, cue = guess_indicator(f.unit, loc, sentence, after, False, rest, kind="denominator")
                unit = _unit_for(code, f.unit)
                is_change = _indicator_kinds().get(code, "") in CHANGE_KINDS
                period = guess_period(sentence, rest, is_change, doc_year)
                status = guess_status(sentence)
                ends: list[tuple[str, float]] = (
                    [("range low", f.low), ("range high", f.high if f.high is not None else f.low)]
                    if f.low is not None
                    else [(f.qualifier, f.value)]
                )
                for qual, val in ends:
                    k += 1
                    rows.append(
                        dict(
                            obs_id=f"{sid}.p{pno}.{k}",
                            source_id=source_id,
                            paragraph=pno,
                            raw=raw,
                            province=place.province if place else "",
                            geo=place.geo if place else "",
                            indicator=code,
                            period=period,
                            value=_value(val, f.unit, unit),
                            unit=unit,
                            qualifier=qual,
                            status=status,
                            note=f"candidate; indicator cue: {cue}",
                        )
                    )
            prev_end = pos = end
        if para_place is not None:
            carry = para_place
    return pd.DataFrame(rows, columns=COLUMNS), skipped


def _unit_for(code: str, parsed_unit: str) -> str:
    """The indicator's unit where the code is known, else the parsed unit."""
    if not code:
        return parsed_unit
    units = _indicator_units()
    return units.get(code, parsed_unit)


_UNITS: dict[str, str] = {}
_KINDS: dict[str, str] = {}

CHANGE_KINDS = ("change", "pace", "growth")
"""Indicator kinds (``indicators.csv``) measured between two years: their period is ``base-final``."""


def _read_indicators() -> None:
    if not _UNITS:
        ind = pd.read_csv(paths.DATA / "indicators.csv", dtype=str, keep_default_na=False)
        _KINDS.update(dict(zip(ind["code"], ind["kind"], strict=True)))
        _UNITS.update(dict(zip(ind["code"], ind["unit"], strict=True)))


def _indicator_units() -> dict[str, str]:
    _read_indicators()
    return _UNITS


def _indicator_kinds() -> dict[str, str]:
    _read_indicators()
    return _KINDS


def _value(value: float, parsed_unit: str, unit: str) -> float:
    scale_from, scale_to = parsed_unit.partition("/")[0], unit.partition("/")[0]
    if scale_from in MONEY_SCALES and scale_to in MONEY_SCALES and scale_from != scale_to:
        return convert(value, parsed_unit, unit)
    return value


# --- files in and out ------------------------------------------------------------

SOURCE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
"""What a source id may be: it opens every ``obs_id`` cell, and a cell starting with
``=``, ``+``, ``-`` or ``@`` runs as a formula when the CSV is opened in a spreadsheet."""


class ExtractError(ValueError):
    """An article, output path or source id that extract cannot use; a one-line message."""


def check_source_id(source_id: str) -> str:
    """Return ``source_id`` if empty or matching :data:`SOURCE_ID`; else raise ExtractError."""
    if source_id and not SOURCE_ID.fullmatch(source_id):
        raise ExtractError(
            f"source id {source_id!r} must start with a letter or digit and hold only letters,"
            " digits, '.', '_' and '-'"
        )
    return source_id


def _id_from_stem(stem: str) -> str:
    """A file name made into a source id: accents dropped, other characters replaced by '-'."""
    # Not refused like a typed id: the file is what the user asked for, its name a default.
    plain = unicodedata.normalize("NFKD", stem.replace("đ", "d").replace("Đ", "D"))
    plain = plain.encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9._-]+", "-", plain).lstrip("._-")


def _utf16_without_bom(data: bytes) -> str | None:
    """``"UTF-16LE"``/``"UTF-16BE"`` when NUL bytes fill one byte of each pair, else None."""
    half = len(data) // 2
    even, odd = data[0::2].count(0), data[1::2].count(0)
    if half and max(even, odd) >= 0.3 * half and min(even, odd) <= 0.02 * max(even, odd):
        return "UTF-16LE" if odd > even else "UTF-16BE"
    return None


def read_article(path: Path | str) -> str:
    """The text of a UTF-8 article file (a UTF-8 byte-order mark is dropped).

    Raises :class:`ExtractError`, naming the file, when it is missing, a folder,
    unreadable, empty or blank, binary (NUL bytes), or not UTF-8: UTF-16/UTF-32,
    or an 8-bit code page such as Windows-1258 (Vietnamese) or Latin-1; the
    message says which and how to convert it.
    """
    path = Path(path)
    name = str(path)
    if path.is_dir():
        raise ExtractError(f"article {name} is a folder, not a file: give one article's text file")
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise ExtractError(f"article {name} does not exist") from None
    except OSError as exc:
        raise ExtractError(f"cannot read article {name}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(st.st_mode):
        # /dev/zero never ends and a named pipe may never be written: neither is an article.
        raise ExtractError(f"article {name} is not a regular file (a device, pipe or socket): refused")
    if st.st_size > MAX_ARTICLE_BYTES:
        raise ExtractError(
            f"article {name} is {st.st_size:,} bytes, more than the {MAX_ARTICLE_BYTES:,} an article"
            " may have: is it the right file?"
        )
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ExtractError(f"article {name} does not exist") from None
    except OSError as exc:
        raise ExtractError(f"cannot read article {name}: {exc.strerror or exc}") from None
    if not data:
        raise ExtractError(f"article {name} is empty (0 bytes): nothing to extract")
    convert_hint = "convert it to UTF-8, for example: iconv -f {enc} -t UTF-8 {name} > {out}"
    name, out = shlex.quote(name), shlex.quote(f"{path.stem}.utf8.txt")
    for bom, enc in (
        (b"\xff\xfe\x00\x00", "UTF-32LE"),
        (b"\x00\x00\xfe\xff", "UTF-32BE"),
        (b"\xff\xfe", "UTF-16LE"),
        (b"\xfe\xff", "UTF-16BE"),
    ):
        if data.startswith(bom):
            raise ExtractError(
                f"article {name} is {enc} (it starts with a {enc[:6]} byte-order"
                f" mark), not UTF-8: " + convert_hint.format(enc=enc, name=name, out=out)
            )
    if b"\x00" in data:
        guess = _utf16_without_bom(data)
        if guess:
            enc = guess
            raise ExtractError(
                f"article {name} looks like {enc} without a byte-order mark (every"
                " other byte is NUL), not UTF-8: " + convert_hint.format(enc=enc, name=name, out=out)
            )
        raise ExtractError(
            f"article {name} is binary (a NUL byte at offset {data.index(0):,}), not a text file"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        legacy = data.decode("cp1258", errors="replace")
        # Letters and combining tone marks that Vietnamese text has and Latin-1 text hardly.
        if any(ch in legacy for ch in "ăđơưĂĐƠƯ\u0300\u0301\u0303\u0309\u0323"):
            enc, guess = "CP1258", "it looks like Windows-1258 (cp1258), the Vietnamese code page"
        else:
            enc, guess = "LATIN1", "it looks like an 8-bit code page such as Latin-1"
        raise ExtractError(
            f"article {name} is not UTF-8: byte 0x{data[exc.start]:02X} at offset {exc.start:,}"
            f" (line {line}) cannot be read as UTF-8; {guess}; "
            + convert_hint.format(enc=enc, name=name, out=out)
        ) from None
    if not text.strip():
        raise ExtractError(f"article {name} is blank (only whitespace): nothing to extract")
    return text


def check_output(out: Path | str, force: bool = False) -> Path:
    """Return ``out`` if extract may write there; else raise :class:`ExtractError`.

    Never inside the project's ``data/`` (candidates are reviewed before anything
    joins the curated tables), never over an existing file unless ``force``, and
    only into a folder that exists.
    """
    out = Path(out)
    target, data = out.resolve(), paths.DATA.resolve()
    if target == data or data in target.parents:
        raise ExtractError(
            f"will not write {out}: it is inside the project's data folder {data};"
            " write the candidates elsewhere and review them first"
        )
    if target.is_dir():
        raise ExtractError(f"output {out} is a folder: give a file name, such as {out / 'c.csv'}")
    if not target.parent.is_dir():
        raise ExtractError(f"output folder {out.parent} does not exist")
    if target.exists() and not force:
        raise ExtractError(f"output {out} already exists: pass --force to overwrite it")
    return out


def write_output(out: Path | str, text: str, force: bool = False) -> None:
    """Write ``text`` (UTF-8) to ``out`` after :func:`check_output`; an existing file is
    replaced only with ``force``, even if it appeared after the check."""
    out = check_output(out, force)
    try:
        with open(out, "w" if force else "x", encoding="utf-8", newline="") as fh:
            fh.write(text)
    except FileExistsError:
        raise ExtractError(f"output {out} already exists: pass --force to overwrite it") from None
    except OSError as exc:
        raise ExtractError(f"cannot write {out}: {exc.strerror or exc}") from None


def extract_file(path: Path | str, source_id: str = "") -> tuple[pd.DataFrame, list[dict]]:
    """:func:`extract_text` on a UTF-8 file (see :func:`read_article` for what is refused);
    the source id defaults to the file's name, made safe (:func:`_id_from_stem`)."""
    check_source_id(source_id)
    path = Path(path)
    return extract_text(read_article(path), source_id or _id_from_stem(path.stem))


def extract(path_or_text: str | Path, source_id: str = "") -> pd.DataFrame:
    """Candidate rows from a file path or from article text (skipped figures dropped here;
    use :func:`extract_text` to get them)."""
    text = str(path_or_text)
    try:
        is_file = "\n" not in text and Path(text).exists()
    except OSError:  # a long one-line article is "File name too long", not a path
        is_file = False
    if is_file:
        return extract_file(text, source_id)[0]
    return extract_text(text, source_id)[0]


def evaluate(candidates: pd.DataFrame, curated: pd.DataFrame) -> dict[str, float]:
    """Recall of curated ``raw`` figures (by source and paragraph) and, among those found,
    the share whose place, indicator and period were guessed right."""
    key = ["source_id", "paragraph", "raw"]
    cur = curated.assign(_n=curated.groupby(key).cumcount())
    cand = candidates.assign(_n=candidates.groupby(key).cumcount())
    m = cur.merge(cand, on=key + ["_n"], how="left", suffixes=("", "_x"), indicator=True)
    found = m["_merge"] == "both"
    hit = m[found]
    n = len(cur)
    return {
        "curated": n,
        "found": int(found.sum()),
        "recall": found.sum() / n,
        "place_right": (hit["geo"] == hit["geo_x"]).mean(),
        "indicator_right": (hit["indicator"] == hit["indicator_x"]).mean(),
        "period_right": (hit["period"] == hit["period_x"]).mean(),
        "all_three_right": (
            (hit["geo"] == hit["geo_x"])
            & (hit["indicator"] == hit["indicator_x"])
            & (hit["period"] == hit["period_x"])
        ).mean(),
        "candidates": len(candidates),
    }


make_callable(__name__, extract)

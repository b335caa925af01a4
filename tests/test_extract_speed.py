"""extract in time proportional to the article: the fast paths against plain references."""

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from povlib.reading.extract import _finditer_names, _MentionIndex, _Place, extract_text, fold

PARA = (
    "Năm 2023, huyện Chợ Đồn có 1.234 hộ nghèo, chiếm 15,5%, giảm 2,1% so với năm 2022; "
    "giải ngân 12,3 tỷ đồng, bằng 80,5% kế hoạch giao. Trong 3 năm qua, xã đã xóa 63 nhà "
    "tạm và đào tạo nghề cho hơn 1.200 người. "
)  # 7 figures; "3 năm qua" is a duration, not one


def _work(text: str, monkeypatch) -> tuple[int, dict[str, int]]:
    """Rows of ``text``, and what extract did for them, counted rather than timed (speed is
    for ``make bench``): the text the indicator and period guessers were handed (in all, and
    the longest handed at once) and the look-ups of a figure's place and sentence."""
    from povlib.reading import extract

    seen = {"chars": 0, "longest": 0, "lookups": 0}

    def counted(func, *texts_at):
        def wrapper(*args, **kwargs):
            n = sum(len(args[i]) for i in texts_at if isinstance(args[i], str))
            seen["chars"] += n
            seen["longest"] = max(seen["longest"], n)
            return func(*args, **kwargs)

        return wrapper

    def looked_up(func):
        def wrapper(*args, **kwargs):
            seen["lookups"] += 1
            return func(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(extract, "guess_indicator", counted(extract.guess_indicator, 1, 2, 3, 5))
    monkeypatch.setattr(extract, "guess_period", counted(extract.guess_period, 0, 1))
    monkeypatch.setattr(extract, "bisect_left", looked_up(extract.bisect_left))
    monkeypatch.setattr(extract, "bisect_right", looked_up(extract.bisect_right))
    rows, _ = extract_text(text, "speed")
    monkeypatch.undo()
    return len(rows), seen


def test_one_long_paragraph_is_linear_not_quadratic(monkeypatch):
    # Before: 13.5 s at 200 KB and 52 s at 400 KB (time x4 for size x2): every figure scanned
    # every place named in the paragraph. Now a figure's place and sentence are found by
    # bisection, a few look-ups each, and four times the text is four times the work.
    small, big = PARA * 200, PARA * 800  # about 50 KB and 200 KB, one paragraph
    n_small, w_small = _work(small, monkeypatch)
    n_big, w_big = _work(big, monkeypatch)
    assert (n_small, n_big) == (200 * 7, 800 * 7)
    assert w_small["lookups"] > 0 and w_small["chars"] > 0
    assert w_big["lookups"] <= 4 * w_small["lookups"] + 8 * 7  # log-time look-ups: barely more each
    assert w_big["longest"] == w_small["longest"]
    # the text read per row is the same at both sizes (a quadratic reading would be 4x)
    assert w_big["chars"] / n_big <= 1.05 * w_small["chars"] / n_small


def test_text_without_full_stops_is_linear(monkeypatch):
    # No sentence end: the words read around each figure are capped, not the whole text.
    from povlib.reading.extract import _CONTEXT

    chunk = "huyện Chợ Đồn có 1.234 hộ nghèo, chiếm 15,5%, năm 2023 "
    n_small, w_small = _work(chunk * 250, monkeypatch)
    n_big, w_big = _work(chunk * 1000, monkeypatch)
    assert (n_small, n_big) == (500, 2000)
    assert w_small["longest"] == w_big["longest"] <= 8 * _CONTEXT  # each guess reads a capped window
    assert w_big["chars"] / n_big <= 1.05 * w_small["chars"] / n_small


def _fold_reference(text: str) -> str:
    out = []
    for ch in text:
        if ch in "đĐ":
            out.append("d")
            continue
        base = unicodedata.normalize("NFD", ch)[0]
        out.append(base.lower() if len(base) == 1 else ch.lower())
    return "".join(out)


@given(st.text(max_size=80))
def test_fold_matches_the_character_loop(text):
    assert fold(text) == _fold_reference(text)


_NAME_BITS = ["cho don", "huyen cho don", "na ri", "ri", "a", " ", "_", "x", "-", "1", "ơ"]


@settings(max_examples=300)
@given(
    st.lists(st.sampled_from(_NAME_BITS), max_size=15).map("".join),
    st.sampled_from([("huyen cho don", "cho don"), ("na ri",), ("a",), ("ri", "na ri"), ("a a",)]),
)
def test_literal_name_search_matches_the_regex(text, names):
    pattern = re.compile(rf"(?<![\w])(?:{'|'.join(re.escape(n) for n in names)})(?![\w])")
    assert list(_finditer_names(text, names)) == [(m.start(), m.end()) for m in pattern.finditer(text)]


def _pick_reference(mentions, lo, hi, near):
    inside = [(s, p) for s, e, p in mentions if lo <= s < hi]
    if not inside:
        return None
    return min(inside, key=lambda sp: (sp[1].rank, abs(sp[0] - near)))[1]


@settings(max_examples=300)
@given(
    st.lists(st.tuples(st.integers(0, 60), st.integers(0, 3)), max_size=12, unique_by=lambda t: t[0]),
    st.integers(0, 70),
    st.integers(0, 70),
    st.integers(0, 70),
)
def test_mention_index_picks_as_the_scan_did(spots, lo, hi, near):
    mentions = [(s, s + 1, _Place(f"g{s}", "p", rank, re.compile("x"), ("x",))) for s, rank in sorted(spots)]
    assert _MentionIndex(mentions).pick(lo, hi, near) == _pick_reference(mentions, lo, hi, near)

"""A problem in a data file, named by file, row and column, and how problems are reported:
at most :data:`CAP` per file listed, the rest counted, all raised together in one
:class:`DataError`."""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from dataclasses import replace as _replace

import pandas as pd

CAP = 50
"""Most problems listed per check and per file; the rest are counted, not listed, so that a
file of a million bad rows gives a readable report in bounded memory."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a data file. ``row`` is the 1-based data row (the header is line 1)."""

    file: str
    row: int | None
    column: str | None
    message: str
    more: int = 0
    """Further rows with the same problem, counted but not listed."""

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row} (line {self.row + 1})"
        if self.column is not None:
            where += f", column '{self.column}'"
        tail = f" (and {self.more:,} more rows with this problem)" if self.more else ""
        return f"{where}: {self.message}{tail}".translate(_SHOWN)


# Control characters (a terminal's escape sequences) and bidirectional overrides in a value
# would act on the terminal that shows the message, or disguise it: they are shown escaped.
_SHOWN = {
    c: f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"
    for c in [*range(0x20), *range(0x7F, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
}


def count(problems: list[Problem]) -> int:
    """Problems found, including those counted but not listed."""
    return sum(1 + p.more for p in problems)


def report(problems: list[Problem], cap: int = CAP) -> list[str]:
    """One line per problem, at most ``cap`` per file, then a line counting the rest."""
    lines: list[str] = []
    shown: dict[str, int] = {}
    hidden: dict[str, int] = {}
    for p in problems:
        if shown.get(p.file, 0) < cap:
            shown[p.file] = shown.get(p.file, 0) + 1
            lines.append(str(p))
        else:
            hidden[p.file] = hidden.get(p.file, 0) + 1 + p.more
    lines += [f"{f}: {n:,} more problem(s) not listed" for f, n in hidden.items()]
    return lines


class DataError(ValueError):
    """Raised with every :class:`Problem` found, one per line (at most :data:`CAP` per file)."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(
            f"{count(problems):,} problem(s) in the data:\n" + "\n".join(f"  {p}" for p in report(problems))
        )


def rows_where(mask: pd.Series, fname: str, column: str | None, message) -> list[Problem]:
    """One problem per row where ``mask`` holds, for the first :data:`CAP` rows; the last
    one listed counts the rest.  ``message`` is a Series of texts, a text, or a function
    returning either, called only if some row is hit (building a Series of messages for
    every row costs more than the check); a function that takes an argument is given the
    index of the listed rows, and needs to build messages for those only."""
    mask = mask.fillna(False).astype(bool)
    if not mask.any():
        return []
    hit = mask[mask].index
    extra = max(len(hit) - CAP, 0)
    hit = hit[:CAP]
    if callable(message):
        message = message(hit) if inspect.signature(message).parameters else message()
    if isinstance(message, pd.Series):
        out = [Problem(fname, int(r), column, str(message[r])) for r in hit]
    else:
        out = [Problem(fname, int(r), column, message) for r in hit]
    if extra:
        out[-1] = _replace(out[-1], more=extra)
    return out

"""Files read safely: a name that stays inside its folder, no device, pipe or hard link, text
that is UTF-8 with LF or CRLF line ends; and a file's name as messages show it."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from .. import paths
from .problems import Problem


def inside(folder: Path, name: str) -> str:
    """Why ``name`` is not a file of ``folder`` (empty if it is): an absolute path, a
    climb out with ``..``, or a symbolic link leading outside."""
    if "\x00" in name:
        return "holds a NUL character"
    pure = Path(name)
    if pure.is_absolute() or name.startswith(("/", "\\")) or ":" in name:
        return "is absolute: it must name a file inside the folder"
    if ".." in pure.parts:
        return "climbs out of the folder with '..'"
    try:
        resolved = (folder / pure).resolve()
        base = folder.resolve()
    except (OSError, RuntimeError) as exc:
        return f"cannot be resolved ({exc})"
    if resolved != base and base not in resolved.parents:
        return f"leads outside the folder (a symbolic link to {resolved})"
    return ""


def refuse_special(path: Path) -> str:
    """Why ``path`` may not be read (empty if it may): a device, pipe or socket (which
    could block or never end), a folder, or a hard link shared with another file (which
    may be any file on the disk)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return ""  # the caller says "missing"
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    if stat.S_ISDIR(st.st_mode):
        return "is a folder, not a file"
    if not stat.S_ISREG(st.st_mode):
        return "is not a regular file (a device, pipe or socket): refused"
    if st.st_nlink > 1:
        return f"is a hard link ({st.st_nlink} names for one file): refused; copy the file instead"
    return ""


def rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(paths.ROOT))
    except ValueError:
        return str(path)


def decode(path: Path, fname: str) -> tuple[str | None, list[Problem]]:
    """The file's text, or a problem naming the line where it stops being UTF-8."""
    refused = refuse_special(path)
    if refused:
        return None, [Problem(fname, None, None, refused)]
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [Problem(fname, None, None, f"cannot be read: {exc.strerror or exc}")]
    if not data.removeprefix(b"\xef\xbb\xbf").strip():
        return None, [Problem(fname, None, None, "file is empty: a header row is required")]
    if b"\x00" in data:
        return None, [Problem(fname, None, None, "file holds NUL bytes: binary, or UTF-16; save it as UTF-8")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [
            Problem(
                fname,
                line - 1 if line > 1 else None,
                None,
                f"line {line} is not UTF-8 (byte {data[exc.start]:#04x}): the file"
                " looks like another encoding (cp1258, latin-1?); save it as UTF-8",
            )
        ]
    text = text.removeprefix("\ufeff")
    lone_cr = re.search(r"\r(?!\n)", text)
    if lone_cr:
        line = text.count("\n", 0, lone_cr.start()) + 1
        return None, [
            Problem(
                fname,
                line if line > 1 else None,
                None,
                f"line {line} ends with a bare carriage return (CR, old Mac line endings):"
                " save the file with LF or CRLF line endings",
            )
        ]
    return text, []


RACY_NS = 2_000_000_000
"""Files changed less than this long ago (ns) are told apart by their content too."""

HASH_MAX = 64 * 2**20
"""A file changed that recently but larger than this (bytes) is not read: its state is new
at every look, so whatever reads it reads it again."""


def state(*folders: Path) -> tuple:
    """What the files under ``folders`` are now: each regular file's name, size, inode and
    modification and change times (ns), and, for a file changed in the last two seconds,
    a digest of its content. A write sets the change time to the clock, which may tick
    only every few milliseconds: a file written twice within one tick keeps its times,
    and only its content tells the two apart (as git does with "racily clean" files).
    Two equal states therefore mean that no file was written, added, removed or replaced
    in between. A missing folder is part of the state too.

    Nothing outside ``folders`` is read: a symbolic link is described by where it points,
    and the file it leads to is read only when it lies inside the folder (the loader
    refuses the others); a file with hard links, devices and pipes are never opened."""
    import time

    recent = time.time_ns() - RACY_NS
    seen: list[tuple] = []
    for folder in folders:
        if not folder.is_dir():
            seen.append((str(folder), "missing"))
            continue
        for root, dirs, names in os.walk(folder):
            dirs.sort()
            seen += filter(None, (_entry(folder, root, name, recent) for name in sorted(names)))
    return tuple(seen)


def _entry(folder: Path, root: str, name: str, recent: int) -> tuple | None:
    """One file's part of :func:`state` (None for what is not a regular file, or is gone)."""
    import hashlib
    import time

    path = os.path.join(root, name)
    try:
        link = os.readlink(path) if os.path.islink(path) else ""
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            return None  # devices and pipes are never opened
        digest = ""
        if max(st.st_mtime_ns, st.st_ctime_ns) >= recent:
            # A hard link may be any file of the disk (the loader refuses it): not opened either.
            readable = st.st_nlink == 1 and (not link or not inside(folder, os.path.relpath(path, folder)))
            if readable and st.st_size <= HASH_MAX:
                digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
            else:
                digest = f"not read, at {time.time_ns()}"  # equal to no later state
    except OSError:
        return None  # a broken link or a file gone: the loader says what is wrong
    return (root, name, link, st.st_size, st.st_ino, st.st_mtime_ns, st.st_ctime_ns, digest)

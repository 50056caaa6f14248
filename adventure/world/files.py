"""Reading a world's files within fixed bounds: which files, how many, how big, and how much the
TOML parser may make of them. Everything here is decided from sizes and byte counts, before a
file is parsed (and, for the sizes, before it is read), so a hostile folder costs little to refuse.

- Only regular files are read: a FIFO, a device or a folder named like a room file is a problem,
  never opened for reading (a FIFO would block, /dev/zero would never end). The check is made
  with `stat` and again on the open file (opened with O_NONBLOCK), and a read never takes more
  than the cap plus one byte, whatever the file claims.
- Caps (docs/security.md): MAX_FILE_BYTES a file, MAX_WORLD_BYTES the whole world (summed from
  `stat` before any file is read), MAX_FILES room files, MAX_ENTRIES entries looked at under rooms/.
- The TOML parser can take hundreds of times a file's size in memory (distinct table headers,
  long dotted keys). `parse_cost` bounds what it may need from counts of the bytes that make
  tables, arrays and keys; a world whose files would need more than MAX_PARSE_BYTES is refused,
  and so is a key path of more than MAX_KEY_PARTS parts (the cost of one grows with its length).
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from pathlib import Path

try:  # the compiled wheel is faster; the stdlib parser is the same grammar
    import tomli as toml
except ImportError:  # pragma: no cover
    import tomllib as toml

from ..core.errors import Problem
from ..core.record import Record
from ..core.text import escape_line

__all__ = ["WorldReader", "Raw", "display", "parse_toml", "too_many", "FileProblem", "MAX_FILE_BYTES",
           "MAX_WORLD_BYTES", "MAX_FILES", "MAX_ENTRIES", "MAX_PARSE_BYTES", "MAX_KEY_PARTS", "read_regular",
           "check_regular", "room_files", "parse_cost", "long_key", "ACCESS_HINT"]

MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_WORLD_BYTES = 128 * 1024 * 1024  # the 100,000-room benchmark world is 64 MiB
MAX_FILES = 10_000  # room files (the 100,000-room benchmark world has 400)
MAX_ENTRIES = 100_000  # files and folders looked at under rooms/
MAX_PARSE_BYTES = 2 * 1024 * 1024 * 1024  # parse_cost of the whole world
MAX_KEY_PARTS = 10  # a world's own keys have at most 3 (`[[room.choice]]`, `room.title = ...`)


class FileProblem(Exception):
    """Why a file is not read: a message and a hint, for a Problem."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message = message
        self.hint = hint


_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def _kind(mode: int) -> str:
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a file"


def _not_regular(mode: int) -> FileProblem:
    return FileProblem(f"is not a regular file ({_kind(mode)})", "a world holds only ordinary files; remove or rename it")


ACCESS_HINT = "check that it exists and that you may read it and search the folders above it"


def _unreadable(e: OSError) -> FileProblem:
    return FileProblem(f"cannot be read: {e.strerror or e}", ACCESS_HINT)


def check_regular(path: Path, limit: int) -> int:
    """The size of a regular file of at most `limit` bytes, from `stat`; FileProblem otherwise."""
    try:
        st = os.stat(path)
    except OSError as e:
        raise _unreadable(e) from None
    if not stat.S_ISREG(st.st_mode):
        raise _not_regular(st.st_mode)
    if st.st_size > limit:
        raise FileProblem(f"is {st.st_size:,} bytes; the limit is {limit:,}", "split it into smaller files")
    return st.st_size


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; FileProblem for anything else. Never
    blocks on a FIFO (one put in the file's place after a `stat` included) and never reads more
    than `limit` + 1 bytes."""
    check_regular(path, limit)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        raise _unreadable(e) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise _not_regular(st.st_mode)
        chunks = []
        got = 0
        while got <= limit:
            b = os.read(fd, min(1 << 20, limit + 1 - got))
            if not b:
                break
            chunks.append(b)
            got += len(b)
    except OSError as e:
        raise _unreadable(e) from None
    finally:
        os.close(fd)
    if got > limit:
        raise FileProblem(f"is more than {limit:,} bytes; the limit is {limit:,}", "split it into smaller files")
    return b"".join(chunks)


def room_files(rooms: Path) -> tuple[list[Path], list[tuple[Path, FileProblem]]]:
    """The `*.toml` entries under rooms/ (what `sorted(rooms.rglob("*.toml"))` gives: symbolic
    links to folders are not followed), and the folders that could not be read. FileProblem when
    there are more than MAX_FILES of them or more than MAX_ENTRIES entries to look at."""
    found: list[Path] = []
    bad: list[tuple[Path, FileProblem]] = []
    seen = 0
    todo = [rooms]
    while todo:
        d = todo.pop()
        try:
            with os.scandir(d) as it:
                for entry in it:
                    seen += 1
                    if seen > MAX_ENTRIES:
                        raise FileProblem(f"holds more than {MAX_ENTRIES:,} files and folders",
                                          "a world's rooms/ holds its room files and little else")
                    name = entry.name
                    if name.endswith(".toml"):
                        found.append(Path(d, name))
                        if len(found) > MAX_FILES:
                            raise FileProblem(f"holds more than {MAX_FILES:,} room files",
                                              "put more rooms in each file")
                    try:
                        is_dir = entry.is_dir(follow_symlinks=False)
                    except OSError:
                        is_dir = False
                    if is_dir:
                        todo.append(Path(d, name))
        except OSError as e:
            bad.append((d, _unreadable(e)))
    return sorted(found), bad


# ---------------------------------------------------------------- what parsing may cost

_HEADER = re.compile(rb"\n[ \t]*\[[^\n]*")  # a table header's line (searched for from its newline: fast)
# a key path where keys stand: at the start of a line (in a table header or not), or after the
# `{` or `,` of an inline table; and followed by `=` or `]`. Parts are taken possessively and
# every match starts at a delimiter, so the search is linear in the text, whatever it holds.
_PART = rb"""(?:[A-Za-z0-9_-]++|"(?:[^"\\\n]++|\\.)*+"|'[^'\n]*+')"""
_LONG_KEY = re.compile(rb"(?:^|[{,])[ \t]*+\[*+[ \t]*+" + _PART
                       + rb"(?:[ \t]*+\.[ \t]*+" + _PART + rb"){%d,}+[ \t]*+[=\]]" % MAX_KEY_PARTS, re.M)


def parse_cost(raw: bytes) -> int:
    """An upper bound, in bytes, of the memory the TOML parser (tomli) may take for this text,
    if it has no key path longer than MAX_KEY_PARTS. The weights are the most each kind of byte
    was measured to cost (tests/test_bounds.py holds the bound on each construct): a table
    header about 1,000 bytes and 1,200 more for each dot in it, unless it repeats one of the four
    headers before it (`[[room.choice]]`), then 100; any other dot 500 (it may be in a dotted
    key); `=` 120; `{`, `[` and `,` 80; and 6 for every byte. An ordinary world counts about 20
    bytes a byte of TOML, about twice what loading it takes."""
    buf = b"\n" + raw
    recent = [b"", b"", b"", b""]
    new = headers = header_dots = 0
    pos = 0
    while pos < len(buf):  # a megabyte of lines at a time: the headers found are not all kept
        end = buf.find(b"\n", pos + (1 << 20))
        if end < 0:
            end = len(buf)
        found = _HEADER.findall(buf, pos, end)
        pos = end
        headers += len(found)
        header_dots += b"".join(found).count(b".")
        for h in found:
            if h not in recent:
                new += 1000 + 1200 * h.count(b".")
                recent.pop()
                recent.insert(0, h)
    return (6 * len(raw) + new + 100 * headers + 500 * (raw.count(b".") - header_dots)
            + 120 * raw.count(b"=") + 80 * (raw.count(b"{") + raw.count(b"[") + raw.count(b",")))


_NOT_DOT_OR_NEWLINE = bytes(b for b in range(256) if b not in b".\n")


def long_key(raw: bytes) -> int | None:
    """The line of the first key path of more than MAX_KEY_PARTS parts (`a.b.c...`), if any.
    Only lines with that many dots are searched (a key is on one line)."""
    if b"." * MAX_KEY_PARTS not in raw.translate(None, _NOT_DOT_OR_NEWLINE):
        return None
    for n, line in enumerate(raw.split(b"\n"), 1):
        if line.count(b".") >= MAX_KEY_PARTS and _LONG_KEY.search(line):
            return n
    return None


_LONG_NUMBER = re.compile(r"[0-9](?:_?[0-9]){4299}")


def parse_toml(text: str) -> tuple[dict | None, tuple[str, str, int | None] | None]:
    """(tables, None), or (None, (message, hint, line)) for text the TOML parser refuses."""
    try:
        return toml.loads(text), None
    except toml.TOMLDecodeError as e:
        line = getattr(e, "lineno", None)
        msg = getattr(e, "msg", None) or str(e)
        if line is None:
            m = re.search(r"line (\d+)", str(e))
            line = int(m.group(1)) if m else None
            msg = re.sub(r"\s*\(at line \d+, column \d+\)", "", msg)
        hint = ("a string is not closed on this line" if "'\\n'" in msg
                else "check quotes, brackets and '=' on this line")
        return None, (f"TOML syntax error: {msg}", hint, line)
    except RecursionError:
        return None, ("TOML nested too deeply to read", "nest arrays and tables a few levels at most", None)
    except ValueError as e:  # Python reads a whole number of at most 4,300 digits
        m = _LONG_NUMBER.search(text)
        line = None if m is None else text.count("\n", 0, m.start()) + 1
        if "digits" in str(e):
            return None, ("has a number of more than 4,300 digits", "whole numbers in a world are 64-bit: at most 19 digits", line)
        return None, (f"TOML cannot be read: {e}", "check the values on this line", line)


# ---------------------------------------------------------------- a world's files


def display(p) -> str:
    """A path as one line of output (a file name may hold a newline or an escape sequence)."""
    return escape_line(str(p))


def too_many(root: Path, n: int) -> Problem:
    return Problem(display(root), None, "", f"{n:,} problems found; stopped looking", "fix these first")


class Raw(Record):
    """One file read: its path, its name as shown (rel), its name in the world folder (as hashed)
    and its text."""

    __slots__ = _fields = ("path", "rel", "name", "text")


class WorldReader:
    """Reads world.toml and rooms/**/*.toml within the caps, adding a Problem to `problems` for
    each file it cannot read. After `read()`: files {rel: text}, size (bytes read), content_hash
    (SHA-256 of each file's name and bytes, in order), room_paths (every room file found)."""

    def __init__(self, root: Path, problems: list, max_problems: int):
        self.root = root
        self.real_root = root.resolve()
        self.problems = problems
        self.max_problems = max_problems
        self.hasher = hashlib.sha256()
        self.size = 0
        self.files: dict[str, str] = {}
        self.costs: list[tuple[int, str]] = []  # (parse_cost, rel) of each file read
        self.room_paths: list[Path] = []
        self.content_hash = ""

    def problem(self, rel: str, message: str, hint: str, line: int | None = None) -> None:
        self.problems.append(Problem(rel, line, "", message, hint))
        if len(self.problems) >= self.max_problems:
            self.problems.append(too_many(self.root, self.max_problems))
            raise _Stop

    def read(self) -> tuple[Raw | None, list[Raw]] | None:
        """(world.toml, the room files read), or None when the world cannot be read at all (the
        problems say why): no world.toml, or past a cap."""
        try:
            found = self.gather()
            if found is None:
                return None
            got = [self.read_one(*f) for f in found]
        except _Stop:
            return None
        self.content_hash = self.hasher.hexdigest()
        total = sum(c for c, _ in self.costs)
        if total > MAX_PARSE_BYTES:
            mib = 1024 * 1024
            cost, rel = max(self.costs)
            self.problems.append(Problem(
                rel, None, "", f"is too dense to parse safely: the world's TOML could take {total // mib:,} MiB to parse "
                               f"(this file {cost // mib:,} MiB); the limit is {MAX_PARSE_BYTES // mib:,} MiB",
                "many distinct table headers, dotted keys or small values; see docs/security.md"))
            return None
        wraw = got[0] if found and found[0][0] == self.root / "world.toml" else None
        return wraw, [r for r in got if r is not None and r is not wraw]

    def gather(self) -> list[tuple[Path, Path, str]] | None:
        """(path, resolved path, name in the world folder) of world.toml and each room file,
        checked from `stat` (regular files, inside the world folder, each and all within the
        caps) before any is read."""
        root = self.root
        try:
            os.stat(root / "world.toml")
        except (FileNotFoundError, NotADirectoryError):
            self.problem(display(root), "has no world.toml",
                         "a world folder holds world.toml and rooms/*.toml; `adventure new PATH` makes one")
            return None
        except OSError as e:
            self.problem(display(root), f"cannot be read: {e.strerror or e}", ACCESS_HINT)
            return None
        rooms = root / "rooms"
        try:
            if os.path.isdir(rooms):
                self.room_paths, bad = room_files(rooms)
                for d, e in bad:
                    self.problem(display(d), e.message, e.hint)
        except FileProblem as e:
            self.problem(display(rooms), e.message, e.hint)
            return None
        out = []
        total = 0
        for path in [root / "world.toml", *self.room_paths]:
            rel = display(path)
            try:
                real = path.resolve()
            except RuntimeError:  # Python 3.11 says so of a loop of symbolic links
                self.problem(rel, "is a loop of symbolic links", "point the link at a file")
                continue
            except OSError as e:
                self.problem(rel, f"cannot be read: {e.strerror or e}", ACCESS_HINT)
                continue
            if not real.is_relative_to(self.real_root):
                self.problem(rel, "is a link to a file outside the world folder", "worlds may only read their own files")
                continue
            name = os.path.relpath(real, self.real_root)
            try:
                name.encode("utf-8")
            except UnicodeEncodeError:
                self.problem(rel, "its name is not valid UTF-8", "rename the file; names in a world are UTF-8 text")
                continue
            try:
                total += check_regular(real, MAX_FILE_BYTES)
            except FileProblem as e:
                self.problem(rel, e.message, e.hint)
                continue
            out.append((path, real, name))
        if total > MAX_WORLD_BYTES:
            self.problem(display(root), f"the world's files are {total:,} bytes; the limit is {MAX_WORLD_BYTES:,}",
                         "a world's TOML is limited in all (see docs/security.md); nothing was read")
            return None
        return out

    def read_one(self, path: Path, real: Path, name: str) -> Raw | None:
        """Read, hash and decode one file; the TOML is parsed later (or taken from the cache)."""
        rel = display(path)
        try:
            raw = read_regular(real, MAX_FILE_BYTES)
        except FileProblem as e:
            self.problem(rel, e.message, e.hint)
            return None
        self.hasher.update(name.encode() + b"\0" + raw + b"\0")
        self.size += len(raw)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            self.problem(rel, f"is not valid UTF-8 (byte {e.start})", "save the file as UTF-8", line=raw[: e.start].count(b"\n") + 1)
            return None
        line = long_key(raw)
        if line is not None:
            self.problem(rel, f"has a key of more than {MAX_KEY_PARTS} dotted parts",
                         "a world's keys have at most three (`[[room.choice]]`)", line=line)
            return None
        self.costs.append((parse_cost(raw), rel))
        self.files[rel] = text
        return Raw(path, rel, name, text)


class _Stop(Exception):
    """Too many problems: stop reading."""

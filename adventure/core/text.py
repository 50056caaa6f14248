"""World text: neutralising control characters, `{name}` interpolation, and wrapping."""

from __future__ import annotations

import os
import re
import sys

from .record import Record
from .errors import ExprError

# C0 controls except newline and tab, DEL, C1 controls, and the bidirectional controls that can
# make text read differently from what it is (embeddings, overrides, isolates, marks).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean(s: str) -> str:
    """Neutralise anything in world text that a terminal would act on instead of print."""
    if s.isprintable():  # no control, format (bidi) or line/paragraph characters: nothing to do
        return s
    s = s.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    return _CONTROL.sub("", s)


def one_line(s: str) -> str:
    """`clean`, and every line break a space: for a title, shown on one line."""
    if s.isprintable():
        return s
    return clean(s).replace("\n", " ")


# what cannot stand in one line of output: controls (newline and tab included), the bidi
# controls, the line and paragraph separators, and unpaired surrogates (a file name that is not
# UTF-8 holds them, and they cannot be written)
_UNSAFE_IN_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")


def _escaped(m: re.Match) -> str:
    c = ord(m.group())
    return {10: "\\n", 9: "\\t", 13: "\\r"}.get(c) or (f"\\x{c:02x}" if c < 256 else f"\\u{c:04x}")


def escape_line(s: str) -> str:
    """A name from outside (a file name, a TOML key) as one line of plain text: each character a
    terminal would act on, or that would start a new line, written as an escape (`\\n`,
    `\\x1b`, `\\u202e`)."""
    if s.isprintable():
        return s
    return _UNSAFE_IN_LINE.sub(_escaped, s)


class Template(Record):
    """A text compiled once at load time.

    parts: str pieces, int slots (indices into State.values), and the pieces of variation.py
    (enum names, `{turn}`, `{visits.x}`, `{if ...}`, `{sequence: ...}` and its kin).
    varies: some piece shows by a count (a sequence and its kin): its owner keeps one in State.seen."""

    __slots__ = ("_const", "parts", "source", "varies", "dynamic", "_h")  # what render reads first
    _fields = ("source", "parts")

    def _key(self) -> tuple:
        return (self.source, self.parts)

    def __init__(self, source: str, parts: tuple):
        self.source = source
        self.parts = parts
        self.varies = False
        self.dynamic = False  # holds a piece that may show nothing ({if}, {once})
        # the text itself when it has no slot (most texts): render returns it at once
        if len(parts) == 1 and parts[0].__class__ is str:
            self._const = parts[0]
        else:
            self._const = None
            for p in parts:
                if p.__class__ is not str:
                    break
            else:
                self._const = "".join(parts)
            self.varies = any(_varies(p) for p in parts)
            self.dynamic = any(p.__class__ is not str and p.__class__ is not int for p in parts)

    def render(self, values, env=None, count: int = 0) -> str:
        """The text for these values; `env` (a State) is what conditions, `{turn}` and
        `{visits.x}` read, `count` what picks among alternatives (see variation.py)."""
        c = self._const
        if c is not None:
            return c
        out = []
        for p in self.parts:
            cls = p.__class__
            if cls is str:
                out.append(p)
            elif cls is int:
                v = values[p]
                out.append(("true" if v else "false") if v.__class__ is bool else str(v))
            else:
                out.append(p.show(values, env, count))
        if self.dynamic:
            # a piece that shows nothing leaves the spaces around it: one stays
            return _tidy("".join(out))
        return "".join(out)

    @property
    def slots(self) -> set[int]:
        """The declared values the text reads (shown, or read by its conditions)."""
        out: set[int] = set()
        for p in self.parts:
            _reads(p, out)
        return out


# what `_tidy` does, as one pattern (the web runtime's port mirrors it); `_tidy` does the same in
# two cheaper passes: this alternation tries every blank as a line's end, four times slower
_SPACES = re.compile(r"(?<=\S)[ \t]{2,}|[ \t]+(?=\n|$)")
_RUN = re.compile(r"[ \t]{2,}")


def _one_blank(m: re.Match) -> str:
    a = m.start()
    return " " if a and not m.string[a - 1].isspace() else m.group()  # indentation stays


def _tidy(s: str) -> str:
    """Blanks at a line's end dropped, runs of blanks inside a line made one (a piece that showed
    nothing leaves the spaces around it)."""
    if " \n" in s or "\t\n" in s or s[-1:] in (" ", "\t"):
        s = "\n".join([ln.rstrip(" \t") for ln in s.split("\n")])
    if "  " in s or "\t" in s:
        s = _RUN.sub(_one_blank, s)
    return s


def _varies(p) -> bool:
    if p.__class__ is str or p.__class__ is int:
        return False
    alts = getattr(p, "alts", None)
    if alts is not None:
        return True
    then = getattr(p, "then", None)
    return then is not None and (then.varies or p.other.varies)


def _reads(p, out: set) -> None:
    if p.__class__ is int:
        out.add(p)
        return
    if p.__class__ is str:
        return
    from .expr import names_read

    if hasattr(p, "index") and hasattr(p, "names"):
        out.add(p.index)
    cond = getattr(p, "cond", None)
    if cond is not None:
        names_read(cond, out)
    for t in getattr(p, "alts", ()) or ((p.then, p.other) if hasattr(p, "then") else ()):
        out |= t.slots


def _scope(names):
    """A Scope from a dict of plain names (name -> value index), for tools and tests."""
    from .expr import Scope, Var

    if names.__class__ is dict:
        return Scope({k: Var(i, "int") for k, i in names.items()}, {}, {})
    return names


def _plain_index(scope) -> dict[str, int]:
    """Names whose `{name}` is the value itself (flags and counters, not enums), by index."""
    got = getattr(scope, "_plain", None)
    if got is None:
        got = {k: v.index for k, v in scope.vars.items() if not v.values}
        try:
            scope._plain = got
        except AttributeError:
            pass
    return got


def _simple_slots(src: str, var_index: dict[str, int]) -> tuple | None:
    """The parts of a text whose braces are all well-formed `{name}` slots naming declared state,
    as the general parser below would give them (a literal, possibly empty, before each slot; the
    rest, if any, after the last), found with str.find; None for anything else (the parser then
    reports it)."""
    parts: list = []
    pos = 0
    find = src.find
    while True:
        i = find("{", pos)
        if i < 0:
            break
        j = find("}", i)
        if j < 0 or find("}", pos, i) >= 0:
            return None
        name = src[i + 1:j]
        if "{" in name:
            return None
        slot = var_index.get(name.strip())
        if slot is None:
            return None
        parts.append(src[pos:i])
        parts.append(slot)
        pos = j + 1
    if find("}", pos) >= 0:
        return None
    if pos < len(src):
        parts.append(src[pos:])
    return tuple(parts)


def compile_text(src: str, names) -> Template:
    """Parse a text's slots and variations (variation.py). `names`: the world's Scope, or a dict
    of plain names to value indices. Mistakes raise ExprError with a position."""
    src = clean(src)
    if "{" not in src and "}" not in src:  # most texts have no slot: nothing to parse
        return Template(src, (src,))
    scope = _scope(names)
    if "{{" not in src and "}}" not in src and ":" not in src:
        fast = _simple_slots(src, _plain_index(scope))
        if fast is not None:
            return Template(src, fast)
    return _parse_text(src, scope)


def _parse_text(src: str, names) -> Template:
    """The general parser: `{name}` slots, `{{`, `}}`, variations, and every mistake in them."""
    from .variation import parse_parts

    def make(parts):
        parts = _merge(parts)
        return Template("", tuple(parts) if parts else ("",))

    parts = _merge(parse_parts(src, _scope(names), make))
    return Template(src, tuple(parts) if parts else ("",))


def _merge(parts: list) -> list:
    """Adjacent strings joined; a literal (possibly empty) before each int slot, as the fast
    path gives them."""
    out: list = []
    for p in parts:
        if p.__class__ is str and out and out[-1].__class__ is str:
            out[-1] += p
        else:
            if p.__class__ is int and (not out or out[-1].__class__ is not str):
                out.append("")
            out.append(p)
    return out


def paragraphs(s: str) -> list[str]:
    """Split text into paragraphs at blank lines; single newlines inside a paragraph become spaces."""
    out = []
    for block in re.split(r"\n\s*\n", s.strip()):
        lines = [ln.strip() for ln in block.splitlines()]
        if any(lines):
            out.append(" ".join(ln for ln in lines if ln))
    return out


_WRAPPED: dict[tuple[str, int], str] = {}
_TEXTWRAP_SPACE = frozenset("\t\n\x0b\x0c\r")  # what textwrap splits on, besides " "


def _fill(p: str, width: int) -> str:
    """`textwrap.fill(p, width, break_on_hyphens=False)`, by a greedy loop when that gives the same
    lines: words apart by single spaces, none longer than the width. Otherwise textwrap itself."""
    if "  " in p or not _TEXTWRAP_SPACE.isdisjoint(p):
        return _textwrap_fill(p, width)
    words = p.split(" ")
    lines = []
    cur: list[str] = []
    n = -1
    for w in words:
        lw = len(w)
        if lw > width:
            return _textwrap_fill(p, width)
        if n + 1 + lw <= width:
            cur.append(w)
            n += 1 + lw
        else:
            lines.append(" ".join(cur))
            cur = [w]
            n = lw
    if cur:
        lines.append(" ".join(cur))
    return "\n".join(lines)


def _textwrap_fill(p: str, width: int) -> str:
    import textwrap

    return textwrap.fill(p, width, break_on_hyphens=False)


def wrap(s: str, width: int = 78) -> str:
    """Wrap text to `width`, keeping paragraphs apart."""
    width = max(20, width)
    key = (s, width)
    out = _WRAPPED.get(key)
    if out is None:
        out = "\n\n".join(_fill(p, width) for p in paragraphs(s))
        if len(_WRAPPED) >= 16384:  # room texts repeat in a game; keep the memo bounded
            del _WRAPPED[next(iter(_WRAPPED))]  # the oldest entry
        _WRAPPED[key] = out
    return out


def hang(s: str, width: int, first: str = "", rest: str | None = None) -> str:
    """One line of text (a choice's label, a message) wrapped to `width` with a hanging indent:
    `first` before its first line, `rest` (as many spaces as `first` is long, by default) before
    the others, so that no word is split and the text lines up under itself."""
    if len(first) + len(s) <= width and "\n" not in s:  # the commonest case: it fits
        return first + s
    if rest is None:
        rest = " " * len(first)
    room = max(10, width - max(len(first), len(rest)))
    lines: list[str] = []
    cur = ""
    for w in s.split():  # a word longer than the line (a path) is kept whole, to copy it
        if cur and len(cur) + 1 + len(w) > room and len(w) <= room:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}" if cur else w
    lines.append(cur)
    return "\n".join([first + lines[0]] + [rest + ln for ln in lines[1:]])


def hang_line(s: str, width: int) -> str:
    """A line of a message wrapped to `width`. A line that starts with spaces (a row of a listing
    such as `:saves` or `:endings`) continues two spaces further in, so the rows stay apart."""
    if len(s) <= width and "\n" not in s:
        return s
    body = s.lstrip(" ")
    lead = " " * (len(s) - len(body))
    return hang(body, width, lead, lead + "  " if lead else "")


def word_count(s: str) -> int:
    return len(re.findall(r"[A-Za-z0-9']+", s))


def terminal_columns(default: int = 80) -> int:
    """What shutil.get_terminal_size() says about the width ($COLUMNS, then the terminal, then the
    default), without importing shutil (and the compression modules it brings) at start-up."""
    try:
        c = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        c = 0
    if c > 0:
        return c
    try:
        c = os.get_terminal_size(sys.__stdout__.fileno()).columns
    except (AttributeError, ValueError, OSError):
        c = 0
    return c if c > 0 else default

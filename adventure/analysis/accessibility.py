"""Accessibility findings for `check`: text that reads badly aloud, in braille, or without sight of
the screen. All are warnings, each with the file and line of the text.

Codes:
  all-caps         a passage in capitals: some screen readers spell capitals out letter by letter
                   (or read them as shouting), and they are harder to read for many people. Found:
                   a run of at least CAPS_WORDS words in capitals with at least CAPS_LETTERS
                   letters between them ("ONE MORE THING"), or a whole title or label in capitals
                   of two words or more ("THE CELLAR"). Acronyms and single words ("NASA",
                   "LAB-4471", "STOP") are not.
  duplicate-label  two choices in one room with the same label (case and spacing aside) that can
                   be on offer at once: someone who cannot see their place on the screen cannot tell
                   them apart, and typing the label takes the first. Two choices that are each hidden
                   when their `if` is false are left alone: their conditions may well never hold
                   together (the same words for one action in two situations).
  ascii-art        a paragraph drawn with symbols (at least ART_LINES lines in which symbols are
                   at least half of what is not a space): a screen reader reads out each symbol's
                   name, and the player joins a paragraph's lines, so it is not even shown as drawn.
"""

from __future__ import annotations

import re

from ..core.model import World
from ..core.text import clean
from ..world.locate import Locator, keypath
from .findings import Finding

__all__ = ["accessibility_findings", "CODES", "CAPS_WORDS", "CAPS_LETTERS", "ART_LINES"]

CODES = {"all-caps": "warning", "duplicate-label": "warning", "ascii-art": "warning"}
CAPS_WORDS = 3
CAPS_LETTERS = 10
ART_LINES = 2


def accessibility_findings(world: World) -> list[Finding]:
    """Every all-caps, duplicate-label and ascii-art finding in the world, in file order."""
    where = _Where(world)
    out: list[Finding] = []
    for file, path, text, whole in _texts(world):
        caps = _caps_runs(text, whole)
        if caps:
            more = f" (and {len(caps) - 1} more)" if len(caps) > 1 else ""
            out.append(_finding("all-caps", file, where.line(file, path, caps[0]), path,
                                f"{_shorten(caps[0])!r}{more} is written in capitals: some screen readers spell "
                                f"capitals out letter by letter, or read them as shouting",
                                "write it in ordinary case; for a heading or emphasis, let the words carry it"))
        art = _art(text)
        if art:
            out.append(_finding("ascii-art", file, where.line(file, path, art), path,
                                f"lines drawn with symbols ({_shorten(art)!r}): a screen reader reads out each "
                                f"symbol's name, and the player joins a paragraph's lines, so it does not show "
                                f"as drawn either", "describe it in words"))
    for rid in world.room_order:
        room = world.rooms[rid]
        seen: dict[str, int] = {}
        for i, c in enumerate(room.choices):
            label = " ".join(clean(c.say.source).casefold().split())
            j = seen.setdefault(label, i)
            if j == i:
                continue
            a = room.choices[j]
            if _hidden_when_false(a) and _hidden_when_false(c):
                continue
            path = (rid, "choice", i, "say")
            out.append(_finding("duplicate-label", c.file, where.line(c.file, path, None) or c.line, path,
                                f"choices {a.id!r} and {c.id!r} in room {rid!r} both say {_shorten(c.say.source)!r}: "
                                f"without sight of where each is on the screen they cannot be told apart, and typing "
                                f"the label takes the first",
                                "give each its own label (or, if they are for different situations, hide both "
                                "when their `if` is false)"))
    files = list(world.files)
    return sorted(out, key=lambda f: (files.index(f.file) if f.file in files else len(files), f.file, f.line or 0))


def _finding(code, file, line, path, message, hint) -> Finding:
    return Finding(code, CODES[code], file, line, keypath(path), message, hint)


def _hidden_when_false(c) -> bool:
    return c.cond is not None and c.show == "hide"


def _texts(world: World):
    """(file, key path, text, whether it is a title or label, judged whole) for every text a
    player reads."""
    wf = next((f for f in world.files if f.replace("\\", "/").endswith("/world.toml")), "")
    yield wf, ("world", "title"), world.title, True
    if world.intro is not None:
        yield wf, ("world", "intro"), world.intro.source, False
    for rid in world.room_order:
        r = world.rooms[rid]
        yield r.file, (rid, "title"), r.title, True
        yield r.file, (rid, "text"), r.text.source, False
        for i, t in enumerate(r.text_if):
            yield r.file, (rid, "text_if", i, "text"), t.text.source, False
        for i, c in enumerate(r.choices):
            yield c.file, (rid, "choice", i, "say"), c.say.source, True
            if c.reply is not None:
                yield c.file, (rid, "choice", i, "reply"), c.reply.source, False
    for k, e in enumerate(world.endings):
        yield e.file, ("ending", k, "title"), e.title, True
        yield e.file, ("ending", k, "text"), e.text.source, False


def _is_caps(word: str) -> bool:
    has = False
    for ch in word:
        if ch.islower():
            return False
        if ch.isupper():
            has = True
    return has


def _caps_runs(text: str, whole: bool) -> list[str]:
    """The passages of `text` in capitals (see the module's docstring)."""
    words = text.split()
    if whole and len(words) >= 2 and all(map(_is_caps, words)):
        return [" ".join(words)]
    out = []
    run: list[str] = []
    for w in words + [""]:
        if w and _is_caps(w):
            run.append(w)
            continue
        if len(run) >= CAPS_WORDS and sum(ch.isalpha() for x in run for ch in x) >= CAPS_LETTERS:
            out.append(" ".join(run))
        run = []
    return out


def _is_art(line: str) -> bool:
    ink = [ch for ch in line if not ch.isspace()]
    symbols = sum(1 for ch in ink if not ch.isalnum())
    return symbols >= 3 and symbols * 2 >= len(ink)


def _art(text: str) -> str | None:
    """The first line of the first paragraph of `text` drawn with symbols, if any."""
    for para in re.split(r"\n\s*\n", text):
        lines = [ln for ln in para.splitlines() if ln.strip()]
        drawn = [ln for ln in lines if _is_art(ln)]
        if len(drawn) >= ART_LINES and len(drawn) * 2 >= len(lines):
            return drawn[0].strip()
    return None


def _shorten(s: str, n: int = 60) -> str:
    s = " ".join(s.split()).strip("\"'\u201c\u201d\u2018\u2019.,;:!?")
    return s if len(s) <= n else s[:n - 3] + "..."


class _Where:
    """The line of a key, and of a passage inside a multi-line text."""

    def __init__(self, world: World):
        self.world = world
        self.locs: dict[str, Locator] = {}

    def line(self, file: str, path: tuple, passage: str | None) -> int | None:
        text = self.world.files.get(file)
        if text is None:
            return None
        loc = self.locs.get(file)
        if loc is None:
            loc = self.locs[file] = Locator(text)
        start = loc.lines.get(tuple(path))
        if start is None:
            return None
        if passage:
            first = passage.split()[0]
            lines = text.splitlines()
            for n in range(start - 1, min(len(lines), start + 400)):
                if first in lines[n]:
                    return n + 1
        return start

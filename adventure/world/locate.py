"""Find the line of each key in a TOML file, since the TOML parser reports no positions for values.

A light scan of the text: table headers, array-of-table headers (counted, so `zoom.choice[2]` is
the third `[[zoom.choice]]`), `key = value` lines and keys inside one-line inline tables. Content
inside multi-line strings is skipped.
"""

from __future__ import annotations

import re

from ..core.text import escape_line

_BARE = r"[A-Za-z0-9_-]+"
_QUOTED = r'"(?:[^"\\]|\\.)*"|\'[^\']*\''
_KEYPART = rf"(?:{_BARE}|{_QUOTED})"
_DOTTED = rf"{_KEYPART}(?:\s*\.\s*{_KEYPART})*"
_HEADER = re.compile(rf"^\s*(\[\[?)\s*({_DOTTED})\s*\]\]?")
_KEYLINE = re.compile(rf"^\s*({_DOTTED})\s*=\s*(.*)$")
_INLINE_KEY = re.compile(rf"[{{,]\s*({_DOTTED})\s*=")


def _split(dotted: str) -> tuple[str, ...]:
    parts = re.findall(_KEYPART, dotted)
    return tuple(p[1:-1] if p[:1] in "\"'" else p for p in parts)


class Locator:
    """Maps key paths such as ("zoom", "choice", 2, "go") to 1-based line numbers."""

    def __init__(self, text: str):
        self.lines: dict[tuple, int] = {}
        counts: dict[tuple, int] = {}
        current: tuple = ()
        in_string: str | None = None
        for n, line in enumerate(text.splitlines(), 1):
            if in_string:
                if in_string in line:
                    in_string = None
                continue
            m = _HEADER.match(line)
            if m:
                path = _split(m.group(2))
                if m.group(1) == "[[":
                    i = counts.get(path, 0)
                    counts[path] = i + 1
                    current = path + (i,)
                else:
                    current = path
                self.lines.setdefault(current, n)
                continue
            m = _KEYLINE.match(line)
            if m:
                path = current + _split(m.group(1))
                self.lines.setdefault(path, n)
                rest = m.group(2)
                if rest.lstrip().startswith("{"):
                    for k in _INLINE_KEY.finditer(rest):
                        self.lines.setdefault(path + _split(k.group(1)), n)
                for q in ('"""', "'''"):
                    if rest.count(q) % 2 == 1:
                        in_string = q
                        break

    def line(self, path: tuple) -> int | None:
        """The line of `path`, or of its nearest located parent."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return None


def keypath(path: tuple) -> str:
    """("zoom", "choice", 2, "go") -> "zoom.choice[2].go", one line: a key holding a line break
    or a control character shows it as an escape (`\\n`, `\\x1b`)."""
    out = ""
    for p in path:
        if isinstance(p, int):
            out += f"[{p}]"
        else:
            out += ("." if out else "") + escape_line(p)
    return out

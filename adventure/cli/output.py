"""One place where the authoring commands write: while `cleaned()` is in force, everything written
to sys.stdout and sys.stderr is neutralised (core/text.py `clean`: control characters, escape
sequences and bidirectional controls removed; unpaired surrogates, which a file name that is not
UTF-8 holds, written as escapes). What can start a new line is neutralised where a line is
made: titles when the world loads (`one_line`), file names and keys when they are shown
(`escape_line`). JSON output is ASCII already (`json.dumps` escapes every control character)."""

from __future__ import annotations

import re
import sys
from contextlib import contextmanager

__all__ = ["cleaned", "neutral"]

_SURROGATE = re.compile("[\ud800-\udfff]")


def neutral(s: str) -> str:
    if s.isprintable():
        return s
    from ..core.text import clean

    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", clean(s))


class _Cleaned:
    """A text stream whose writes are neutralised; everything else is the stream's own."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, s: str) -> int:
        self._stream.write(neutral(s))
        return len(s)

    def writelines(self, lines) -> None:
        for s in lines:
            self.write(s)

    def __getattr__(self, name):
        return getattr(self._stream, name)


@contextmanager
def cleaned():
    """Neutralise what is written to sys.stdout and sys.stderr in this block."""
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Cleaned(out), _Cleaned(err)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err

"""The one check of a save's (or a `get_state()`'s) JSON document, field by field, before any use.

A save comes from disk and a state from a program: either may be damaged, hand-edited or made by
another engine. Every field this engine reads is checked here by type and range, so the code that
uses a document never meets a string where it compares numbers or a list where it looks a room up.
Fields it does not read are ignored (a newer engine may add some). Raises SaveError, naming the
field; the caller adds the file's name.
"""

from __future__ import annotations

from ..core.errors import SaveError

__all__ = ["SAVE_FORMAT", "STATE_FORMAT", "FORMAT_VERSION", "MIN_LOADABLE", "MAX_MOVES", "TooNew", "check_doc"]

SAVE_FORMAT = "adventure-save"
STATE_FORMAT = "adventure-state"
# 2: state hashes count visits only of the rooms expressions read (format 1 saves still load)
# 3: `carried`, the persistent values a game started from (written, with min_version 3, only by
#    games that have some: other saves stay readable by format 2 engines)
FORMAT_VERSION = 3
MIN_LOADABLE = 1
# The longest log a save may hold, read or written. Loading replays every move and keeps every
# state for :undo: 100,000 moves of a small world take about 2 s and 80 MB; a million, 10 s and
# half a gigabyte. A human game is a few hundred moves.
MAX_MOVES = 100_000
MIN_SEED, MAX_SEED = -(1 << 63), (1 << 64) - 1  # what --seed and the API can give, with room to spare
_SHORT = 1_000  # characters in an id, a hash, a version string or a date


class TooNew(SaveError):
    """A document from a newer engine, in a format this one cannot read: not damaged, just not ours
    to read, so it is kept for that engine."""


def _int(doc: dict, key: str, lo: int, hi: int, *, required: bool = True, default=None) -> int:
    if key not in doc:
        if required:
            raise SaveError(f"no integer {key} (it is missing)")
        return default
    v = doc[key]
    if v.__class__ is not int:  # not bool, not float, not a string of digits
        raise SaveError(f"no integer {key}: found {_kind(v)}")
    if not lo <= v <= hi:
        raise SaveError(f"{key!r} is {_num(v)}, outside {lo:,} to {hi:,}")
    return v


def _str(doc: dict, key: str, required: bool = False, limit: int = _SHORT) -> None:
    if key not in doc:
        if required:
            raise SaveError(f"no {key}")
        return
    v = doc[key]
    if v.__class__ is not str:
        raise SaveError(f"{key!r} must be a string, not {_kind(v)}")
    if len(v) > limit:
        raise SaveError(f"{key!r} is {len(v):,} characters long (at most {limit:,})")


def _kind(v) -> str:
    return {bool: "true/false", int: "a whole number", float: "a number with a fraction", str: "a string",
            list: "a list", dict: "an object", type(None): "null"}.get(type(v), type(v).__name__)


def _num(v: int) -> str:
    """A number to quote in a message: a huge one by its size (str() of it would be slow, or refused)."""
    return str(v) if abs(v) < 10**30 else f"a number of about {v.bit_length() * 3 // 10:,} digits"


def check_doc(doc, *, state: bool = False, max_moves: int | None = None) -> dict:
    """Check a save document (or, with state=True, a `Game.get_state()` dict, which may also be a
    save's). Returns it unchanged; raises TooNew for a newer format, SaveError for anything else."""
    max_moves = MAX_MOVES if max_moves is None else max_moves
    if not isinstance(doc, dict):
        raise SaveError(f"not a save: expected a JSON object, got {_kind(doc)}")
    fmt = doc.get("format", STATE_FORMAT if state else None)
    if fmt not in ((SAVE_FORMAT, STATE_FORMAT) if state else (SAVE_FORMAT,)):
        raise SaveError("not an adventure save" if not state else
                        "not a game state (expected a dict as returned by get_state())")
    if state and "version" not in doc:
        v = FORMAT_VERSION
    else:
        v = _int(doc, "version", 1, 1 << 31)
    mv = _int(doc, "min_version", 1, v, required=False, default=v)
    if mv > FORMAT_VERSION:
        raise TooNew(f"save format {v} needs a newer engine (this one reads formats {MIN_LOADABLE} to {FORMAT_VERSION})")
    for key in ("engine", "slot", "saved_at", "room", "state_hash"):
        _str(doc, key, required=key == "state_hash")
    w = doc.get("world")
    if not isinstance(w, dict):
        raise SaveError(f"no world id: 'world' must be an object with the world's id and hash, not {_kind(w)}")
    for key in ("id", "hash", "title"):
        try:
            _str(w, key, required=key != "title", limit=_SHORT if key != "title" else 100_000)
        except SaveError as e:
            raise SaveError(f"world {e}") from None
    _int(doc, "seed", MIN_SEED, MAX_SEED)
    _int(doc, "turn", 0, MAX_SEED, required=False)
    log = doc.get("log")
    if not isinstance(log, list):
        raise SaveError(f"no log (a list of choice ids): found {_kind(log)}")
    if len(log) > max_moves:
        raise SaveError(f"the log has {len(log):,} moves; a save holds at most {max_moves:,}")
    for i, m in enumerate(log, 1):
        if m.__class__ is not str:
            raise SaveError(f"move {i} of the log must be a choice id (a string), not {_kind(m)}")
    carried = doc.get("carried")  # null: none (the web page writes that)
    if carried is not None:
        if not isinstance(carried, dict) or len(carried) > 10_000:
            raise SaveError(f"'carried' must be an object of names and values, not {_kind(carried)}")
        for k, x in carried.items():
            if len(k) > _SHORT or x.__class__ not in (int, bool) or not -(1 << 63) <= x < (1 << 63):
                raise SaveError(f"carried value {k[:64]!r} must be a whole number or true/false")
    st = doc.get("state")
    if st is not None or "state" in doc:
        if not isinstance(st, dict):
            raise SaveError(f"'state' must be an object, not {_kind(st)}")
        try:
            _str(st, "room")
        except SaveError as e:
            raise SaveError(f"state {e}") from None
        vals = st.get("values")
        if "values" in st and not (isinstance(vals, list)
                                   and all(x.__class__ in (int, bool) and -(1 << 63) <= x < (1 << 63) for x in vals)):
            raise SaveError("state 'values' must be a list of whole numbers and true/false")
    return doc

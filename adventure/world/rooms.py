"""How a room's TOML table becomes a Room with its Choices: one implementation, fast on valid input.

Each key is tested inline for the common, valid case; a value that fails goes to the loader's
reporting helpers (`get`, `text`, `condition`, `effect`), which say what is wrong. So a valid
world pays for no per-key bookkeeping (a 10,000-room world loads in a quarter of a second), and
an invalid one is read by the same code, reporting every problem with file, line and key.
`RoomReader` is the part of the loader (`world/loader.py`, `_Loader`) that reads rooms.
"""

from __future__ import annotations

import re

from ..core.model import Choice, Room, TextIf
from ..core.record import LazyLine
from ..core.suggest import did_you_mean
from ..core.text import Template, one_line

__all__ = ["RoomReader", "ROOM_KEYS", "TEXT_IF_KEYS", "CHOICE_KEYS", "ID", "MAX_ID", "MAX_TEXT", "type_name", "flat"]

MAX_TEXT = 100_000
MAX_ID = 64  # characters in an id or a name (a world's id names its saves folder)
# fullmatch: `$` would let a trailing newline through
ID = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*")
ROOM_KEYS = ("title", "text", "text_if", "choice", "split")
TEXT_IF_KEYS = ("if", "text")
CHOICE_KEYS = ("id", "say", "if", "show", "once", "do", "reply", "go", "end")
_ROOM_KEYS = frozenset(ROOM_KEYS)
_TEXT_IF_KEYS = frozenset(TEXT_IF_KEYS)
_CHOICE_KEYS = frozenset(CHOICE_KEYS)
_ID_MATCH = ID.fullmatch
_SPACES = {9: 32, 10: 32, 11: 32, 12: 32, 13: 32}


def type_name(v) -> str:
    if isinstance(v, bool):
        return "true/false"
    if isinstance(v, int):
        return "a whole number"
    if isinstance(v, str):
        return "a string"
    if isinstance(v, list):
        return "an array"
    if isinstance(v, dict):
        return "a table"
    return type(v).__name__


def flat(src: str | None) -> str | None:
    """An expression's source on one line: each line break or tab a space (the parser reads them
    as spaces; columns stay where they were), so a source quoted in a message is one line."""
    if src is None or src.isprintable():
        return src
    return src.translate(_SPACES)


def _short_str(v) -> bool:
    return type(v) is str and len(v) <= MAX_TEXT


class RoomReader:
    """Mixed into the loader, whose state it uses: `problems`, `_texts`, `_effect_lists`,
    `room_key`, `unavailable`, and the reporting helpers."""

    def room(self, rid: str, body: dict, rf, room_index: dict, ending_ids: set) -> Room | None:
        path = (rid,)
        if not body.keys() <= _ROOM_KEYS:
            self.unknown_keys(rf, body, ROOM_KEYS, path, f"room {rid!r}")
        get = body.get
        title = get("title")
        if not _short_str(title):
            title = self.get(rf, body, "title", str, path, required=True, default="")
        title = one_line(title)
        text = self._template(get("text"))
        if text is None:
            text = self.text(rf, body, "text", path, required=True)
        text_ifs = []
        raw_ifs = get("text_if")
        if raw_ifs is not None and type(raw_ifs) is not list:
            raw_ifs = self.get(rf, body, "text_if", list, path)
        for i, t in enumerate(raw_ifs or ()):
            tp = (rid, "text_if", i)
            if type(t) is not dict:
                self.problem(rf, tp, "expected a table [[room.text_if]] with 'if' and 'text'")
                continue
            if not t.keys() <= _TEXT_IF_KEYS:
                self.unknown_keys(rf, t, TEXT_IF_KEYS, tp, "text_if")
            src = t.get("if")
            if not _short_str(src):
                src = self.get(rf, t, "if", str, tp, required=True)
            src = flat(src)
            tt = self._template(t.get("text"))
            if tt is None:
                tt = self.text(rf, t, "text", tp, required=True)
            if src is None or tt is None:
                continue
            node, test = self.condition(rf, src, tp + ("if",))
            if node is not None:
                text_ifs.append(TextIf(node, src, test, tt, LazyLine(rf.lines, tp)))
        raw_choices = get("choice")
        if type(raw_choices) is not list:
            raw_choices = self.get(rf, body, "choice", list, path, default=[])
            if "choice" not in body:
                self.problem(rf, path, f"room {rid!r} has no choices",
                             f"add [[{rid}.choice]] tables; a room without choices would leave the player stuck")
        choices: list[Choice] = []
        by_id: dict[str, Choice] = {}
        for i, c in enumerate(raw_choices):
            cp = (rid, "choice", i)
            if type(c) is not dict:
                self.problem(rf, cp, f"expected a table [[{rid}.choice]]")
                continue
            choice = self.choice(rid, c, cp, rf, room_index, ending_ids)
            if choice is None:
                continue
            if choice.id in by_id:
                self.problem(rf, cp + ("id",), f"choice id {choice.id!r} is used twice in room {rid!r}")
                continue
            by_id[choice.id] = choice
            choices.append(choice)
        split = get("split", False)
        if split is not False and split is not True:
            split = self.get(rf, body, "split", bool, path, default=False)
        if text is None:
            return None
        return Room(rid, room_index[rid], title, text, tuple(text_ifs), tuple(choices), by_id, rf.rel,
                    LazyLine(rf.lines, path), split)

    def choice(self, rid: str, c: dict, cp: tuple, rf, room_index: dict, ending_ids: set) -> Choice | None:
        """The Choice of one table, or None after reporting what is wrong with it."""
        n_before = len(self.problems)
        if not c.keys() <= _CHOICE_KEYS:
            self.unknown_keys(rf, c, CHOICE_KEYS, cp, "a choice")
        get = c.get
        cid = get("id")
        if not (type(cid) is str and len(cid) <= MAX_ID and _ID_MATCH(cid)):
            cid = self.get(rf, c, "id", str, cp, required=True, default=None)
            self.check_id(rf, cp + ("id",), cid, "a choice's id")
            cid = cid or ""
        say = get("say")
        say = self._texts.get(say) if type(say) is str else None  # the common case: a text seen before
        if say is None or say.__class__ is not Template:
            say = self._template(get("say"))
            if say is None:
                say = self.text(rf, c, "say", cp, required=True)
        src = get("if")
        node = test = None
        if src is not None:
            if _short_str(src):
                src = flat(src)
                node, test = self.condition(rf, src, cp + ("if",))
            else:
                src = self.get(rf, c, "if", str, cp)
        show = get("show")
        if show is not None and show != "hide" and show != "grey":
            if self.get(rf, c, "show", str, cp) is not None:
                self.problem(rf, cp + ("show",), f"must be \"hide\" or \"grey\", not {show!r}")
            show = None
        once = get("once", False)
        if once is not False and once is not True:
            once = self.get(rf, c, "once", bool, cp, default=False)
        effects, runs, writes = self._effects_of(get("do"), c, cp, rf)
        reply = None
        if "reply" in c:
            reply = self._template(c["reply"])
            if reply is None:
                reply = self.text(rf, c, "reply", cp)
        go = get("go")
        if go is not None:
            if type(go) is str and go in room_index:
                go = self.room_key[go]
            elif self.get(rf, c, "go", str, cp) is not None:
                s = did_you_mean(go, room_index)
                self.problem(rf, cp + ("go",), f"room {go!r} does not exist", self.room_hint(s, room_index))
        end = get("end")
        if end is None:
            if "end" in c:  # TOML has no null; a table from the cache might
                self.problem(rf, cp + ("end",), "expected true or an ending id, got nothing")
        elif end is not True and not (type(end) is str and end in ending_ids):
            if type(end) is str:
                s = did_you_mean(end, ending_ids)
                self.problem(rf, cp + ("end",), f"ending {end!r} does not exist",
                             f"did you mean {s!r}?" if s else "endings: " + ", ".join(sorted(ending_ids)))
            else:
                self.problem(rf, cp + ("end",), f"expected true or an ending id, got {type_name(end)}",
                             "leave 'end' out for a choice that does not end the game")
        if go is not None and end is not None:
            self.problem(rf, cp, "a choice cannot have both 'go' and 'end'")
        if len(self.problems) != n_before:
            return None
        return Choice(cid, rid + "." + cid, rid, say, node, src or "", test, show or self.unavailable,
                      once, effects, runs, reply, go, end, rf.rel, LazyLine(rf.lines, cp), writes)

    def _effects_of(self, raw_do, c: dict, cp: tuple, rf) -> tuple:
        """(effects, compiled runs, slots written) of a choice's `do`. Choices with the same list
        of effects share one triple of tuples: less memory, and a move in a big world touches less."""
        if raw_do is None:
            return (), (), ()
        if type(raw_do) is str:
            raw_do = (raw_do,)
        elif type(raw_do) is not list:
            self.get(rf, c, "do", (str, list), cp)
            return (), (), ()
        key = tuple(raw_do) if all(type(e) is str for e in raw_do) else None
        got = self._effect_lists.get(key) if key is not None else None
        if got is not None:
            return got
        effects, runs = [], []
        for j, e in enumerate(raw_do):
            if type(e) is not str:
                self.problem(rf, cp + ("do",), f"effect {j + 1} is {type_name(e)}; effects are strings like \"dread += 1\"")
            else:
                r = self.effect(rf, e, cp + ("do",))
                if r is not None:
                    effects.append(r[0])
                    runs.append(r[1])
        effects = tuple(effects)
        got = (effects, tuple(runs), tuple(sorted({e.var.index for e in effects})))
        if key is not None and len(effects) == len(raw_do):
            self._effect_lists[key] = got
        return got

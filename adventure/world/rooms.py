"""How a room's TOML table becomes a Room with its Choices: one implementation, fast on valid input.

Each key is tested inline for the common, valid case; a value that fails goes to the loader's
reporting helpers (`get`, `text`, `condition`, `effect`), which say what is wrong. So a valid
world pays for no per-key bookkeeping (a 10,000-room world loads in a quarter of a second), and
an invalid one is read by the same code, reporting every problem with file, line and key.
`RoomReader` is the part of the loader (`world/loader.py`, `_Loader`) that reads rooms.
"""

from __future__ import annotations

import re

from ..core.model import MAX_CALLS, Choice, Next, Room, TextIf
from ..core.record import LazyLine
from ..core.suggest import did_you_mean
from ..core.text import Template, one_line

__all__ = ["RoomReader", "ROOM_KEYS", "TEXT_IF_KEYS", "CHOICE_KEYS", "NEXT_KEYS", "STEP_KEYS", "ID", "MAX_ID", "MAX_TEXT", "type_name", "flat"]

MAX_TEXT = 100_000
MAX_ID = 64  # characters in an id or a name (a world's id names its saves folder)
# fullmatch: `$` would let a trailing newline through
ID = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*")
ROOM_KEYS = ("title", "text", "text_if", "choice", "split", "enter", "use")
TEXT_IF_KEYS = ("if", "text")
CHOICE_KEYS = ("id", "say", "if", "why", "show", "once", "do", "reply", "go", "end", "next", "call", "back")
NEXT_KEYS = ("if", "go", "end")
_ROOM_KEYS = frozenset(ROOM_KEYS)
_TEXT_IF_KEYS = frozenset(TEXT_IF_KEYS)
_CHOICE_KEYS = frozenset(CHOICE_KEYS)
_NEXT_KEYS = frozenset(NEXT_KEYS)
STEP_KEYS = ("if", "do", "else")
_STEP_KEYS = frozenset(STEP_KEYS)
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
        uses = get("use")
        if uses is not None:
            uses = self.uses(rid, body, rf, path, choices, by_id, room_index, ending_ids)
        split = get("split", False)
        if split is not False and split is not True:
            split = self.get(rf, body, "split", bool, path, default=False)
        enter = enter_run = ()
        if "enter" in body:
            enter, enter_run, _ = self._effects_of(body["enter"], body, path, rf, name="enter")
        if text is None:
            return None
        return Room(rid, room_index[rid], title, text, tuple(text_ifs), tuple(choices), by_id, rf.rel,
                    LazyLine(rf.lines, path), split, enter, enter_run, tuple(uses or ()))

    def uses(self, rid, body, rf, path, choices, by_id, room_index, ending_ids) -> list[str]:
        """Add the choices of the blocks a room's `use` names; returns the names."""
        names = self.get(rf, body, "use", list, path, default=[])
        out = []
        for name in names:
            if type(name) is not str or name not in self.blocks:
                known = sorted(self.blocks)
                s = did_you_mean(name, known) if type(name) is str else None
                self.problem(rf, path + ("use",), f"no block named {name!r}" if type(name) is str else
                             f"expected block names, got {type_name(name)}",
                             f"did you mean {s!r}?" if s else ("blocks: " + ", ".join(known) if known else
                                                               "declare one in world.toml: [block.NAME] with [[block.NAME.choice]]"))
                continue
            out.append(name)
            bf, raw = self.blocks[name]
            for i, c in enumerate(raw):
                cp = ("block", name, "choice", i)
                if type(c) is not dict:
                    continue  # reported once, when the block was read
                choice = self.choice(rid, c, cp, bf, room_index, ending_ids)
                if choice is None:
                    continue
                if choice.id in by_id:
                    other = by_id[choice.id]
                    self.problem(rf, path + ("use",), f"block {name!r} adds choice {choice.id!r}, which room {rid!r} already has",
                                 f"the other is at {other.file}:{other.line}; rename one of them")
                    continue
                by_id[choice.id] = choice
                choices.append(choice)
        return out

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
        why = None
        if "why" in c:
            why = self._template(c["why"])
            if why is None:
                why = self.text(rf, c, "why", cp)
            if src is None:
                self.problem(rf, cp + ("why",), "'why' says why a choice is not available, but this choice has no 'if'",
                             "add the condition it explains, or remove 'why'")
            elif show is None:
                show = "grey"  # a reason is written to be read
        once = get("once", False)
        if once is not False and once is not True:
            once = self.get(rf, c, "once", bool, cp, default=False)
        effects, runs, writes = self._effects_of(get("do"), c, cp, rf)
        reply = None
        if "reply" in c:
            reply = self._template(c["reply"])
            if reply is None:
                reply = self.text(rf, c, "reply", cp)
        go = self.destination_go(get("go"), c, cp, rf, room_index)
        end = self.destination_end(get("end"), c, cp, rf, ending_ids)
        nxt = ()
        if "next" in c:
            nxt = self.next_entries(c["next"], cp, rf, room_index, ending_ids)
        call = False
        if "call" in c:
            call = True
            go2 = self.destination_go(c["call"], c, cp, rf, room_index, key="call")
            go = go2 if go is None else go
        back = get("back", False)
        if back is not False and back is not True:
            back = self.get(rf, c, "back", bool, cp, default=False)
        moves = [k for k in ("go", "end", "next", "call") if k in c] + (["back"] if back else [])
        if len(moves) > 1:
            self.problem(rf, cp, "a choice moves by one of 'go', 'end', 'next', 'call' or 'back', not by "
                         + " and ".join(repr(k) for k in moves))
        if len(self.problems) != n_before:
            return None
        if back or call:  # offered only when there is a room to go back to, or room on the stack
            inner = test
            if back:
                test = (lambda s: bool(s.stack)) if inner is None else (lambda s: bool(s.stack) and inner(s))
            else:
                test = ((lambda s: len(s.stack) < MAX_CALLS) if inner is None else
                        (lambda s: len(s.stack) < MAX_CALLS and inner(s)))
        return Choice(cid, rid + "." + cid, rid, say, node, src or "", test, show or self.unavailable,
                      once, effects, runs, reply, go, end, rf.rel, LazyLine(rf.lines, cp), writes,
                      nxt, call, back, why)

    def destination_go(self, go, c, cp, rf, room_index, key: str = "go"):
        if go is None:
            return None
        if type(go) is str and go in room_index:
            return self.room_key[go]
        if self.get(rf, c, key, str, cp) is not None:
            hint = self.room_hint(did_you_mean(go, room_index), room_index)
            if go.startswith("->") or go in ("END", "DONE"):
                hint = f"write {key} = \"room_id\" (Ink's '->' is not needed), or end = true to end the game"
            self.problem(rf, cp + (key,), f"room {go!r} does not exist", hint)
        return None

    def destination_end(self, end, c, cp, rf, ending_ids):
        if end is None:
            if "end" in c:  # TOML has no null; a table from the cache might
                self.problem(rf, cp + ("end",), "expected true or an ending id, got nothing")
            return None
        if end is True or (type(end) is str and end in ending_ids):
            return end
        if type(end) is str:
            if end.lower() in ("true", "false"):
                self.problem(rf, cp + ("end",), f"ending {end!r} does not exist",
                             "write end = true, without quotes, for the first ending whose 'when' holds")
            else:
                s = did_you_mean(end, ending_ids)
                self.problem(rf, cp + ("end",), f"ending {end!r} does not exist",
                             f"did you mean {s!r}?" if s else "endings: " + ", ".join(sorted(ending_ids)))
        else:
            self.problem(rf, cp + ("end",), f"expected true or an ending id, got {type_name(end)}",
                         "leave 'end' out for a choice that does not end the game")
        return None

    def next_entries(self, raw, cp, rf, room_index, ending_ids) -> tuple:
        """A choice's `next`: [{ if, go | end }, ...], the last without `if`."""
        path = cp + ("next",)
        if type(raw) is not list or not raw:
            self.problem(rf, path, "expected an array of tables: next = [{ if = \"...\", go = \"room\" }, { go = \"room\" }]")
            return ()
        out = []
        for i, e in enumerate(raw):
            ep = path + (i,)
            if type(e) is not dict:
                self.problem(rf, ep, f"expected a table {{ if = ..., go = ... }}, got {type_name(e)}")
                continue
            if not e.keys() <= _NEXT_KEYS:
                self.unknown_keys(rf, e, NEXT_KEYS, ep, "a 'next' entry")
            last = i == len(raw) - 1
            node = test = None
            src = e.get("if")
            if src is not None:
                src = self.get(rf, e, "if", str, ep)
                if last:
                    self.problem(rf, ep + ("if",), "the last 'next' entry must have no 'if'",
                                 "it decides every case the entries above do not")
                elif src is not None:
                    src = flat(src)
                    node, test = self.condition(rf, src, ep + ("if",))
            elif not last:
                self.problem(rf, ep, "only the last 'next' entry may have no 'if'", "add an 'if', or move it last")
            go = self.destination_go(e.get("go"), e, ep, rf, room_index)
            end = self.destination_end(e.get("end"), e, ep, rf, ending_ids)
            if (go is None) == (end is None):
                if "go" not in e and "end" not in e:
                    self.problem(rf, ep, "a 'next' entry needs 'go' or 'end'")
                elif "go" in e and "end" in e:
                    self.problem(rf, ep, "a 'next' entry has 'go' or 'end', not both")
                continue
            out.append(Next(node, src or "", test, go, end))
        return tuple(out)

    def _effects_of(self, raw_do, c: dict, cp: tuple, rf, name: str = "do") -> tuple:
        """(steps, compiled runs, slots written) of a choice's `do` (or a room's `enter`). Choices
        with the same list of effects share one triple of tuples: less memory, and a move in a big
        world touches less."""
        if raw_do is None:
            return (), (), ()
        if type(raw_do) is str:
            raw_do = (raw_do,)
        elif type(raw_do) is not list:
            self.get(rf, c, name, (str, list), cp)
            return (), (), ()
        if not all(type(e) is str for e in raw_do):
            steps, runs = self.steps(raw_do, cp + (name,), rf, 0)
            from ..core.steps import slots_written

            return steps, runs, slots_written(steps)
        key = tuple(raw_do) if all(type(e) is str for e in raw_do) else None
        got = self._effect_lists.get(key) if key is not None else None
        if got is not None:
            return got
        effects, runs = [], []
        for j, e in enumerate(raw_do):
            if type(e) is not str:
                self.problem(rf, cp + (name,), f"effect {j + 1} is {type_name(e)}; effects are strings like \"dread += 1\"")
            else:
                r = self.effect(rf, e, cp + (name,))
                if r is not None:
                    effects.append(r[0])
                    runs.append(r[1])
        effects = tuple(effects)
        got = (effects, tuple(runs), tuple(sorted({e.var.index for e in effects})))
        if key is not None and len(effects) == len(raw_do):
            self._effect_lists[key] = got
        return got

    def steps(self, raw: list, path: tuple, rf, depth: int) -> tuple:
        """(steps, compiled runs) of a list of effect strings and { if, do, else } tables."""
        from ..core.steps import MAX_NEST, Branch, compile_branch

        steps, runs = [], []
        for j, e in enumerate(raw):
            if type(e) is str:
                r = self.effect(rf, e, path)
                if r is not None:
                    steps.append(r[0])
                    runs.append(r[1])
                continue
            ep = path + (j,)
            if type(e) is not dict:
                self.problem(rf, path, f"step {j + 1} is {type_name(e)}; a step is an effect like \"dread += 1\" "
                             "or a table { if = \"...\", do = [...], else = [...] }")
                continue
            if depth >= MAX_NEST:
                self.problem(rf, ep, f"conditional steps are nested more than {MAX_NEST} deep")
                continue
            if not e.keys() <= _STEP_KEYS:
                self.unknown_keys(rf, e, STEP_KEYS, ep, "a conditional step")
            src = self.get(rf, e, "if", str, ep, required=True)
            parts = []
            for k in ("do", "else"):
                raw_k = e.get(k, [] if k == "else" else None)
                if raw_k is None:
                    self.problem(rf, ep, "missing required key 'do'", "the steps to run when 'if' holds")
                    raw_k = []
                if type(raw_k) is str:
                    raw_k = [raw_k]
                if type(raw_k) is not list:
                    self.get(rf, e, k, list, ep)
                    raw_k = []
                parts.append(self.steps(raw_k, ep + (k,), rf, depth + 1))
            if src is None:
                continue
            src = flat(src)
            node, test = self.condition(rf, src, ep + ("if",))
            if node is None:
                continue
            (then, run_then), (other, run_other) = parts
            b = Branch(node, src, test, then, other, run_then, run_other)
            steps.append(b)
            runs.append(compile_branch(b))
        return tuple(steps), tuple(runs)

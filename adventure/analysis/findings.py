"""What `adventure check` reports beyond loading: findings from the declared state (static) and
from an exhaustive exploration of reachable states (explore.py).

Each finding has a code, a severity, the file and line it is about and a hint. Findings that say
something can never happen (unreachable-*, always-true, always-false) are made only when the
exploration finished; findings that something can happen (soft-lock, out-of-bounds) carry a
route that shows it, and are made either way.

Codes:
  unreachable-room    error    no play enters the room
  unreachable-ending  error    no play reaches the ending
  soft-lock           error    a play can reach a room where no choice is available
  unreachable-choice  warning  the room is reached but the choice is never available there
  unreachable-text    warning  the room is entered but the text_if never holds on entering
  always-true         warning  a condition holds every time it is tested
  always-false        warning  an ending's `when` never holds when `end = true` tests it
  out-of-bounds       warning  an effect would push a counter past its declared min or max
  flag-never-read     warning  a flag or counter is set but nothing reads it
  flag-never-set      warning  a flag or counter is read but nothing sets it (it keeps its default)
  flag-unused         warning  a flag or counter is declared but neither read nor set
  unused-block        warning  a [block] no room uses
  back-without-call   warning  a `back` choice in a room no `call` can lead to (never offered)
  never-named         error    a by-name ending that no choice, `next` entry or rule names
  rule-never-fires    warning  a rule whose `when` can never hold after a move
  shadowed-ending     error    an ending whose `when` holds when `end = true` resolves, but an
                               earlier ending always matches first (reported for
                               unreachable-ending, naming the earlier one)

lint.py adds ending-ignores-choice and text-contradicts-state (what the endings and the text say,
against the abstract interpretation), and accessibility.py all-caps, duplicate-label, ascii-art.
"""

from __future__ import annotations

from ..core.record import Record
from .explore import Exploration, expression_nodes
from ..core.expr import names_read
from ..core.steps import effects_in
from ..world.locate import Locator, keypath
from ..core.model import World

__all__ = ["Finding", "static_findings", "exploration_findings", "findings", "CODES"]

CODES = {
    "unreachable-room": "error",
    "unreachable-ending": "error",
    "soft-lock": "error",
    "unreachable-choice": "warning",
    "unreachable-text": "warning",
    "always-true": "warning",
    "always-false": "warning",
    "out-of-bounds": "warning",
    "flag-never-read": "warning",
    "flag-never-set": "warning",
    "flag-unused": "warning",
    "unused-block": "warning",
    "back-without-call": "warning",
    "never-named": "error",
    "rule-never-fires": "warning",
}

MAX_ROUTE_SHOWN = 12


class Finding(Record):
    """One thing `check` reports; route: the choice ids that show it, for findings that something
    can happen."""

    __slots__ = _fields = ("code", "severity", "file", "line", "key", "message", "hint", "route")
    _defaults = {"hint": "", "route": ()}

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        key = f" {self.key}:" if self.key else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}: {self.severity}:{key} {self.message} [{self.code}]{hint}"

    def to_json(self) -> dict:
        d = self.to_dict()
        d["route"] = list(self.route)
        return d


class _Lines:
    """Lines of sub-keys (a choice's `if`, `do`) that the model does not record."""

    def __init__(self, world: World):
        self.world = world
        self.locs: dict[str, Locator] = {}

    def line(self, file: str, path: tuple, default: int | None) -> int | None:
        text = self.world.files.get(file)
        if text is None:
            return default
        loc = self.locs.get(file)
        if loc is None:
            loc = self.locs[file] = Locator(text)
        return loc.lines.get(tuple(path), default)


def _finding(code: str, file: str, line, key, message: str, hint: str = "", route=()) -> Finding:
    return Finding(code, CODES[code], file, line, keypath(key) if isinstance(key, tuple) else key, message, hint,
                   tuple(route))


def _kind(v) -> str:
    return "flag" if v.type == "bool" else "counter"


def _fmt(x) -> str:
    return ("true" if x else "false") if isinstance(x, bool) else str(x)


def _route_text(route) -> str:
    if not route:
        return "at the start"
    shown = list(route[:MAX_ROUTE_SHOWN])
    more = f", ... ({len(route)} moves)" if len(route) > MAX_ROUTE_SHOWN else ""
    return "after " + ", ".join(shown) + more


def static_findings(world: World) -> list[Finding]:
    """Flags and counters that are set but never read, read but never set, or neither."""
    read: set[int] = set()
    written: set[int] = set()
    for kind, owner, node in expression_nodes(world):
        names_read(node, read)
    if world.intro is not None:
        read |= world.intro.slots
    for r in world.rooms.values():
        read |= r.text.slots
        for t in r.text_if:
            read |= t.text.slots
        written.update(e.var.index for e in effects_in(r.enter))
        for c in r.choices:
            read |= c.say.slots
            for t in (c.reply, c.why):
                if t is not None:
                    read |= t.slots
            for e in effects_in(c.effects):
                written.add(e.var.index)
    for e in world.endings:
        read |= e.text.slots
    for rule in world.rules:
        if rule.text is not None:
            read |= rule.text.slots
        written.update(e.var.index for e in effects_in(rule.steps))
    out = _language_findings(world)
    for v in world.vars:
        key = ("state", v.name)
        if v.index not in read and v.index not in written:
            out.append(_finding("flag-unused", v.file, v.line, key, f"{_kind(v)} {v.name!r} is declared but never read or set",
                                "remove it, or use it in an `if`, a `when`, a `do` or a {name} in text"))
        elif v.index not in read:
            out.append(_finding("flag-never-read", v.file, v.line, key, f"{_kind(v)} {v.name!r} is set but nothing reads it",
                                "test it in an `if` or `when`, show it with {" + v.name + "}, or remove it"))
        elif v.index not in written and not v.persist:  # a persistent one may come from the store
            out.append(_finding("flag-never-set", v.file, v.line, key,
                                f"{_kind(v)} {v.name!r} is read but nothing sets it, so it is always {_fmt(v.default)}",
                                "set it in some choice's `do`, or replace it by its value"))
    return out


def _language_findings(world: World) -> list[Finding]:
    """The second language's own findings: unused blocks, `back` choices no `call` leads to,
    by-name endings nothing names, rules that never fire (by the abstract interpretation)."""
    out: list[Finding] = []
    used = {b for r in world.rooms.values() for b in r.uses}
    for name, (file, line) in world.blocks.items():
        if name not in used:
            out.append(_finding("unused-block", file, line, ("block", name), f"block {name!r} is used by no room",
                                f"add use = [\"{name}\"] to the rooms that should offer its choices, or remove it"))
    if world.plain and not world.blocks and all(not e.by_name for e in world.endings):
        return out
    from .absmove import back_targets

    back_to = back_targets(world)
    for r in world.rooms.values():
        for i, c in enumerate(r.choices):
            if c.back and not back_to.get(r.id):
                out.append(_finding("back-without-call", c.file, c.line, (r.id, "choice", i),
                                    f"choice {c.id!r} goes back, but no `call` can lead to room {r.id!r}: the return "
                                    "stack is always empty there, so it is never offered",
                                    "reach the room by a `call`, or use `go`"))
    names = set()
    for r in world.rooms.values():
        for c in r.choices:
            names.add(c.end)
            names.update(n.end for n in c.next)
    names.update(x.end for x in world.rules)
    for k, e in enumerate(world.endings):
        if e.by_name and e.id not in names:
            out.append(_finding("never-named", e.file, e.line, ("ending", k),
                                f"ending {e.id!r} is reached only by name (by_name = true), and nothing names it",
                                f"name it: end = \"{e.id}\" in a choice, a `next` entry or a rule"))
    if world.rules:
        from .absint import abstract

        ab = abstract(world)
        for k, x in enumerate(world.rules):
            if x.id not in ab.fires:
                out.append(_finding("rule-never-fires", x.file, x.line, ("rule", k),
                                    f"rule {x.id!r} never fires: its `when` ({x.when_source}) can never hold after a move",
                                    "check the condition against the effects that lead there"))
    return out


def exploration_findings(world: World, ex: Exploration) -> list[Finding]:
    lines = _Lines(world)
    out: list[Finding] = []
    proved = ex.complete

    # facts that something can happen: hold whether or not the search finished
    for rid, sid in ex.softlocks.items():
        room = world.rooms[rid]
        route = ex.route(sid)
        out.append(_finding("soft-lock", room.file, room.line, (rid,),
                            f"the player can be stuck in room {rid!r} with no choice available ({_route_text(route)})",
                            "give the room a way out: a choice with no `if`, or one whose `if` holds here", route))
    for (ck, j), (sid, x) in ex.out_of_bounds.items():
        rid, _, cid = ck.partition(".")
        room = world.rooms[rid]
        i = next(k for k, c in enumerate(room.choices) if c.key == ck)
        c = room.choices[i]
        e = c.effects[j]
        v = world.var(e.name)
        if v.clamp:  # the author means the bounds to clamp
            continue
        bound, which = (v.lo, "min") if v.lo is not None and x < v.lo else (v.hi, "max")
        route = ex.route(sid) + [cid]
        out.append(_finding("out-of-bounds", c.file, lines.line(c.file, (rid, "choice", i, "do"), c.line),
                            (rid, "choice", i, "do"),
                            f"{e.source!r} can take {v.name} to {x}, past its {which} {bound}; it stays at {bound} "
                            f"({_route_text(route)})",
                            f"guard the choice with an `if`, or change the {which} in [state]", route))
    if not proved:
        return out

    for rid in world.room_order:
        room = world.rooms[rid]
        if rid not in ex.rooms:
            out.append(_finding("unreachable-room", room.file, room.line, (rid,), f"room {rid!r} can never be reached",
                                f"no choice has go = \"{rid}\"" if not any(
                                    c.go == rid for r in world.rooms.values() for c in r.choices)
                                else f"every choice with go = \"{rid}\" is itself unreachable"))
            continue
        for i, t in enumerate(room.text_if):
            path = (rid, "text_if", i)
            cond = ex.conds.get(("text", rid, i), [0, 0])
            if (rid, i) not in ex.texts:
                out.append(_finding("unreachable-text", room.file, t.line, path,
                                    f"this text is never shown: {t.source!r} never holds when the player enters {rid!r}",
                                    "check the condition, or remove the text"))
            elif cond[1] == 0:
                out.append(_finding("always-true", room.file, lines.line(room.file, path + ("if",), t.line), path + ("if",),
                                    f"{t.source!r} holds every time the player enters {rid!r}",
                                    "move the text into the room's `text`, or check the condition"))
        for i, c in enumerate(room.choices):
            path = (rid, "choice", i)
            if c.key not in ex.choices:
                why = (f"its `if` ({c.cond_source}) never holds when the player is in {rid!r}" if c.cond is not None
                       else "it is never offered")
                out.append(_finding("unreachable-choice", c.file, c.line, path, f"choice {c.id!r} can never be taken: {why}",
                                    "check the condition against the effects that lead here"))
                continue
            cond = ex.conds.get(("choice", c.key))
            if cond is not None and cond[1] == 0:
                out.append(_finding("always-true", c.file, lines.line(c.file, path + ("if",), c.line), path + ("if",),
                                    f"choice {c.id!r}: {c.cond_source!r} holds every time the player is in {rid!r}",
                                    "remove the `if`, or check the condition"))

    end_true = [c for r in world.rooms.values() for c in r.choices if c.end is True]
    for k, e in enumerate(world.endings):
        path = ("ending", k)
        if e.id not in ex.endings:
            named = [c for r in world.rooms.values() for c in r.choices if c.end == e.id]
            if e.by_name:
                why = "it is reached only by name, and no reachable choice, `next` entry or rule names it"
            elif e.when is None:
                why = "every `end = true` is resolved by an ending above it, and no reachable choice names it"
            elif not end_true and not named:
                why = f"no choice has end = true or end = \"{e.id}\""
            else:
                tested = ex.conds.get(("ending", e.id), [0, 0])
                winner = ex.explorer.shadows.get(e.id) if ex.explorer is not None else None
                if winner is not None:
                    why = (f"its `when` ({e.when_source}) holds when `end = true` resolves the endings, but the "
                           f"earlier ending {winner!r} always matches first")
                elif tested[0] + tested[1] == 0:
                    why = "its `when` is never tested: no `end = true` is reachable, or the endings above always match first"
                else:
                    why = f"its `when` ({e.when_source}) never holds when an `end = true` choice is taken"
                if named:
                    why += f"; the choices that name it ({', '.join(c.key for c in named)}) are unreachable"
            out.append(_finding("unreachable-ending", e.file, e.line, path, f"ending {e.id!r} can never be reached: {why}",
                                "check the `when` and the choices that end the game"))
            continue
        if e.when is None:
            continue
        t, f = ex.conds.get(("ending", e.id), [0, 0])
        wline = lines.line(e.file, path + ("when",), e.line)
        if t and not f:
            later = [x.id for x in world.endings[k + 1:]]
            out.append(_finding("always-true", e.file, wline, path + ("when",),
                                f"ending {e.id!r}: {e.when_source!r} holds every time an `end = true` choice is taken, "
                                f"so `end = true` never reaches {', '.join(repr(x) for x in later)}",
                                "check the condition, or name the later endings with end = \"id\""))
        elif f and not t:
            out.append(_finding("always-false", e.file, wline, path + ("when",),
                                f"ending {e.id!r}: {e.when_source!r} never holds when an `end = true` choice is taken; "
                                f"it is reached only by name",
                                "check the condition, or remove the `when` and move the ending last"))
    return out


def _order(world: World):
    files = list(world.files)

    def key(f: Finding):
        return (files.index(f.file) if f.file in files else len(files), f.file, f.line or 0, f.code)
    return key


def findings(world: World, ex: Exploration | None) -> list[Finding]:
    """Every finding, world.toml first, then room files, by line."""
    out = static_findings(world)
    if ex is not None:
        out += exploration_findings(world, ex)
    return sorted(out, key=_order(world))

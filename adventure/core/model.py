"""The frozen data model: content (World, Room, Choice, Ending) apart from what changes (State)."""

from __future__ import annotations

from collections.abc import Callable

from .record import LazyLine, Record
from .expr import Effect, Node, Scope
from .rng import roll
from .text import Template

__all__ = ["StateVar", "TextIf", "Option", "Choice", "Next", "Room", "Rule", "Ending", "World", "State", "Env",
           "MAX_CALLS"]

MAX_CALLS = 8  # rooms the return stack holds: a `call` beyond is not offered


def _line(self):
    v = self._line
    if v.__class__ is LazyLine:
        v = self._line = v.resolve()
    return v


class StateVar(Record):
    """A declared flag (type 'bool'), counter (type 'int') or enum (type 'enum': one of `values`,
    held as its index, with lo 0 and hi the last index), with its default and bounds.

    `hidden`: changes are not shown to the player (still in events, saves, :state).
    `persist`: the value carries over to the next game of the world (see docs/format.md).
    `clamp`: the author means the bounds to clamp; check does not warn when effects meet them."""

    __slots__ = ("name", "index", "type", "default", "lo", "hi", "file", "_line", "hidden", "values",
                 "persist", "clamp", "_h")
    _fields = ("name", "index", "type", "default", "lo", "hi", "file", "line", "hidden", "values",
               "persist", "clamp")

    def __init__(self, name: str, index: int, type: str, default: bool | int, lo: int | None = None,
                 hi: int | None = None, file: str = "", line: int | None = None, hidden: bool = False,
                 values: tuple = (), persist: bool = False, clamp: bool = False):
        self.values = values
        self.persist = persist
        self.clamp = clamp
        self.name = name
        self.index = index
        self.type = type
        self.default = default
        self.lo = lo
        self.hi = hi
        self.file = file
        self._line = line
        self.hidden = hidden

    line = property(_line)

    def show(self, value) -> str:
        """A value as the player reads it: an enum's name, true/false, a number."""
        if self.values:
            return self.values[value] if 0 <= value < len(self.values) else str(value)
        if value.__class__ is bool:
            return "true" if value else "false"
        return str(value)


class TextIf(Record):
    # slots in the order a move reads them: a big world's objects are mostly out of the CPU's
    # caches, and the fields read first then share one cache line (here and below)
    __slots__ = ("test", "text", "cond", "source", "_line", "_h")
    _fields = ("cond", "source", "test", "text", "line")
    _eq = ("cond", "source", "text", "line")

    def __init__(self, cond: Node, source: str, test: Callable, text: Template, line: int | None = None):
        self.cond = cond
        self.source = source
        self.test = test
        self.text = text
        self._line = line

    line = property(_line)


class Option(Record):
    """A choice as the player sees it now: `enabled` is False for a greyed-out one.

    Each Room keeps its choices' Options (`Room.offers()`), made once, on first use:
    `engine.options` hands those out instead of building new ones on every call."""

    # besides the two fields, what a move reads about the choice, first (see Room.offers): its
    # condition, its key when once-only, the greyed-out Option (when it greys out), its id
    __slots__ = ("test", "once", "off", "cid", "label", "choice", "enabled", "dest")
    _fields = ("choice", "enabled")

    def __init__(self, choice: "Choice", enabled: bool):
        self.choice = choice
        self.enabled = enabled
        # the label when it names no state (most do): shown without rendering
        self.label = choice.say._const
        self.test = choice.test
        self.once = choice.key if choice.once else None
        self.off = None
        self.cid = choice.id
        self.dest = None  # the index of the room it leads to, in World.room_list (set by Room.offers)

    @property
    def id(self) -> str:
        return self.choice.id


class Choice(Record):
    """One option in a room. `key` ("room.id") names it uniquely across the world."""

    __slots__ = ("run", "reply", "go", "end", "writes", "key", "once", "test", "id", "room", "say", "cond",
                 "cond_source", "show", "effects", "file", "_line", "next", "call", "back", "why", "seen", "_h")
    _fields = ("id", "key", "room", "say", "cond", "cond_source", "test", "show", "once", "effects",
               "run", "reply", "go", "end", "file", "line", "next", "call", "back", "why")
    _eq = ("id", "key", "room", "say", "cond", "cond_source", "show", "once", "effects", "reply",
           "go", "end", "file", "line", "next", "call", "back", "why")

    def __init__(self, id: str, key: str, room: str, say: Template, cond: Node | None, cond_source: str,
                 test: Callable | None, show: str, once: bool, effects: tuple,
                 run: tuple[Callable, ...], reply: Template | None, go: str | None,
                 end: bool | str | None, file: str = "", line: int | None = None, writes: tuple | None = None,
                 next: tuple = (), call: bool = False, back: bool = False, why: Template | None = None):
        # effects: Effects and steps.Branch tables; next: Next entries (the destination decided
        # after the effects); call: `go` names a room entered with this one kept on the return
        # stack; back: return to the room on top of that stack; why: the reason it is greyed out
        self.next = next
        self.call = call
        self.back = back
        self.why = why
        self.seen = -1  # its slot in State.seen when its texts vary (set by the loader)
        self.id = id
        self.key = key
        self.room = room
        self.say = say
        self.cond = cond
        self.cond_source = cond_source
        self.test = test
        self.show = show  # "hide" or "grey"
        self.once = once
        self.effects = effects
        self.run = run
        self.reply = reply
        self.go = go
        self.end = end
        self.file = file
        self._line = line
        # the slots its effects write, in declaration order: only these can change on a step
        if writes is None:
            from .steps import slots_written

            writes = slots_written(effects) if effects else ()
        self.writes = writes

    line = property(_line)


class Next(Record):
    """One entry of a choice's `next`: where it leads (`go`, a room id, or `end`, True or an ending
    id) when `test` holds (None: always, the last entry)."""

    __slots__ = ("cond", "source", "test", "go", "end", "_h")
    _fields = ("cond", "source", "test", "go", "end")
    _eq = ("cond", "source", "go", "end")


class Room(Record):
    __slots__ = ("id", "title", "text_const", "text_if", "vslot", "_offers", "text", "choices", "index",
                 "by_id", "file", "_line", "split", "enter", "enter_run", "seen", "uses", "_h")
    _fields = ("id", "index", "title", "text", "text_if", "choices", "by_id", "file", "line", "split",
               "enter", "enter_run", "uses")
    _eq = ("id", "index", "title", "text", "text_if", "choices", "file", "line", "split", "enter", "uses")

    def __init__(self, id: str, index: int, title: str, text: Template, text_if: tuple[TextIf, ...],
                 choices: tuple[Choice, ...], by_id: dict[str, Choice], file: str = "",
                 line: int | None = None, split: bool = False, enter: tuple = (), enter_run: tuple = (),
                 uses: tuple = ()):
        self.enter = enter  # steps run on each entry
        self.enter_run = enter_run
        self.uses = uses  # the blocks whose choices it includes
        self.seen = -1  # its slot in State.seen when its texts vary (set by the loader)
        self.id = id
        self.index = index
        self.title = title
        self.text = text
        self.text_if = text_if
        self.choices = choices
        self.by_id = by_id
        self.file = file
        self._line = line
        self.split = split
        # this room's slot in State.visits, or -1 when no expression reads its visits (set by World)
        self.vslot = index
        self._offers = None
        self.text_const = text._const  # the text when it has no slot: entering needs no Template

    def offers(self, rooms: dict | None = None) -> tuple:
        """Each choice's enabled Option, which also carries what `engine.options` and
        `engine.step` read (condition, once-only key, id, the greyed-out Option when the choice
        greys out, and the index of the room it leads to, given `rooms`, the world's rooms by id).
        Made on first use; kept here, not on the Choice, and pointing to rooms by index, so that
        no reference cycle keeps a dropped world alive; few objects, so that a big world's moves
        touch little memory."""
        o = self._offers
        if o is None:
            out = []
            for c in self.choices:
                on = Option(c, True)
                if c.show == "grey":
                    on.off = Option(c, False)
                if rooms is not None and c.go is not None and c.end is None and not c.next:
                    on.dest = rooms[c.go].index
                out.append(on)
            o = self._offers = tuple(out)
        return o

    line = property(_line)


class Rule(Record):
    """A world rule ([[rule]]): after every move that did not end the game, when `test` holds (and,
    if `once`, it has not fired before), its steps run, its text shows, then `end` or `go`."""

    __slots__ = ("id", "when", "when_source", "test", "steps", "run", "writes", "text", "go", "end",
                 "once", "key", "file", "_line", "seen", "_h")
    _fields = ("id", "when", "when_source", "test", "steps", "run", "text", "go", "end", "once", "file", "line")
    _eq = ("id", "when", "when_source", "steps", "text", "go", "end", "once", "file", "line")

    def __init__(self, id: str, when: Node, when_source: str, test: Callable, steps: tuple, run: tuple,
                 text: Template | None, go: str | None, end: bool | str | None, once: bool,
                 file: str = "", line: int | None = None):
        self.id = id
        self.when = when
        self.when_source = when_source
        self.test = test
        self.steps = steps
        self.run = run
        self.text = text
        self.go = go
        self.end = end
        self.once = once
        self.key = "rule:" + id  # its mark in State.used once it has fired, when once-only
        self.file = file
        self._line = line
        self.seen = -1
        from .steps import slots_written

        self.writes = slots_written(steps)

    line = property(_line)


class Ending(Record):
    """An ending. `score` (default 0) and `result` ("won", "lost" or None) are for agents and
    benchmarks (the environment's info and default reward); the game itself never reads them.
    `by_name`: reached only when named (`end = "id"`), never by `end = true`."""

    __slots__ = ("id", "title", "text", "when", "when_source", "test", "secret", "file", "_line", "score",
                 "result", "by_name", "_h")
    _fields = ("id", "title", "text", "when", "when_source", "test", "secret", "file", "line", "score", "result",
               "by_name")
    _eq = ("id", "title", "text", "when", "when_source", "secret", "file", "line", "score", "result", "by_name")

    def __init__(self, id: str, title: str, text: Template, when: Node | None, when_source: str,
                 test: Callable | None, secret: bool = False, file: str = "", line: int | None = None,
                 score: int = 0, result: str | None = None, by_name: bool = False):
        self.by_name = by_name
        self.id = id
        self.title = title
        self.text = text
        self.when = when
        self.when_source = when_source
        self.test = test
        self.secret = secret
        self.file = file
        self._line = line
        self.score = score
        self.result = result

    line = property(_line)


class World(Record):
    """A loaded world. Built once by the loader; never changes."""

    __slots__ = ("id", "title", "author", "intro", "start", "unavailable", "vars", "rooms", "room_order",
                 "endings", "path", "content_hash", "version", "scope", "files", "_endings_by_id",
                 "_defaults", "tracked", "room_list", "ifid", "blurb", "rules", "seen", "blocks", "plain",
                 "resolvable", "__weakref__")
    _fields = ("id", "title", "author", "intro", "start", "unavailable", "vars", "rooms", "room_order",
               "endings", "path", "content_hash", "version", "scope", "files", "ifid", "blurb", "rules",
               "seen", "blocks")
    _eq = ("id", "title", "author", "intro", "start", "unavailable", "vars", "rooms", "room_order",
           "endings", "path", "content_hash", "version", "ifid", "blurb", "rules", "seen", "blocks")
    _repr = ("id", "title", "author", "intro", "start", "unavailable", "vars", "room_order", "path",
             "content_hash", "version")

    def __init__(self, id: str, title: str, author: str, intro: Template | None, start: str,
                 unavailable: str, vars: tuple[StateVar, ...], rooms: dict[str, Room],
                 room_order: tuple[str, ...], endings: tuple[Ending, ...], path: str, content_hash: str,
                 version: str = "", scope: Scope | None = None, files: dict[str, str] | None = None,
                 ifid: str = "", blurb: str = "", rules: tuple = (), seen: tuple = (), blocks: dict | None = None):
        self.rules = rules
        # the owners of varying text, in State.seen order: ("room", id), ("choice", key), ("rule", id)
        self.seen = seen
        self.blocks = {} if blocks is None else blocks  # block name -> (file, line)
        # the endings `end = true` can pick: all but the by-name ones
        self.resolvable = tuple(e for e in endings if not e.by_name)
        # no construct of the second language (rules, enter, next, call/back, conditional steps,
        # varying text, enums): moves
        # take the engine's short path, as before those existed
        self.plain = not rules and not seen and not any(v.values for v in vars) and all(
            not r.enter for r in rooms.values()) and all(
            not (c.next or c.call or c.back or _branches(c.effects))
            for r in rooms.values() for c in r.choices)
        self.id = id
        self.ifid = ifid  # the Treaty of Babel's story id, for archives and the web page's metadata
        self.blurb = blurb
        self.title = title
        self.author = author
        self.intro = intro
        self.start = start
        self.unavailable = unavailable
        self.vars = vars
        self.rooms = rooms
        self.room_order = room_order
        self.endings = endings
        self.path = path
        self.content_hash = content_hash
        self.version = version
        self.scope = scope
        self.files = {} if files is None else files
        self._endings_by_id = {}
        for e in endings:
            self._endings_by_id.setdefault(e.id, e)
        self._defaults = tuple(v.default for v in vars)
        # rooms by index: an Option finds the room it leads to here (a list, not the dict by id,
        # whose look-up costs a big world three cache misses a move)
        self.room_list = [rooms.get(r) for r in room_order]
        # the rooms whose entries are counted, in State.visits order: those some expression reads
        # (`visits.<room>`), in the order the loader first met them; every room without a scope
        if scope is not None:
            slots = scope.slots
            self.tracked = tuple(sorted(slots, key=slots.__getitem__))
            for r in rooms.values():
                r.vslot = slots.get(r.id, -1)
        else:
            self.tracked = tuple(room_order)
            for r in rooms.values():
                r.vslot = r.index

    def var(self, name: str) -> StateVar:
        for v in self.vars:
            if v.name == name:
                return v
        raise KeyError(name)

    def ending(self, ending_id: str) -> Ending:
        e = self._endings_by_id.get(ending_id)
        if e is None:
            raise KeyError(ending_id)
        return e

    @property
    def defaults(self) -> tuple:
        return self._defaults


def _branches(effects) -> bool:
    for e in effects:
        if e.__class__.__name__ == "Branch":  # steps.Branch (model does not import steps at load)
            return True
    return False


class State(Record):
    """Everything that changes during a game, as a small immutable value.

    values: the declared flags and counters, in declaration order
    visits: entries into each counted room (`World.tracked`, the rooms expressions read visits of)
    used:   keys ("room.choice") of once-only choices already taken
    turn:   moves made
    rng:    the PRNG's state
    ending: the ending reached, or None while the game goes on
    stack:  the return stack: rooms a `call` left, to come `back` to (last on top)
    seen:   counts that pick varying text, one per owner (World.seen)

    A State is also what compiled expressions read (like Env: `.v`, `.visits`, `.turn`,
    `.random()`), so the engine tests conditions on it directly, and runs a move's effects on the
    new State before it is handed out (with `v` a list then); `v` is `values` under the name
    closures use.
    """

    __slots__ = ("room", "values", "visits", "used", "turn", "rng", "ending", "v", "_room", "_world", "stack",
                 "seen")
    _fields = ("room", "values", "visits", "used", "turn", "rng", "ending", "stack", "seen")

    def __init__(self, room: str, values: tuple, visits: tuple, used: frozenset = frozenset(),
                 turn: int = 0, rng: int = 0, ending: str | None = None, stack: tuple = (), seen: tuple = ()):
        self.stack = stack
        self.seen = seen
        self.room = room
        self.values = self.v = values
        self._world = None  # the engine notes (world, Room object) of the states it makes
        self.visits = visits
        self.used = used
        self.turn = turn
        self.rng = rng
        self.ending = ending

    def _key(self) -> tuple:
        return (self.room, self.values, self.visits, self.used, self.turn, self.rng, self.ending, self.stack,
                self.seen)

    def random(self, lo: int, hi: int) -> int:
        """Roll the dice: for effects, which the engine runs on the State it is making (a State
        handed out is never changed)."""
        self.rng, r = roll(self.rng, lo, hi)
        return r

    def to_json(self) -> dict:
        out = {
            "room": self.room,
            "values": list(self.values),
            "visits": list(self.visits),
            "used": sorted(self.used),
            "turn": self.turn,
            "rng": self.rng,
            "ending": self.ending,
        }
        # left out when empty: a world without calls or varying text hashes as it always did
        if self.stack:
            out["stack"] = list(self.stack)
        if self.seen:
            out["seen"] = list(self.seen)
        return out

    def hash(self) -> str:
        """A short content hash, identical on every machine for the same state."""
        import hashlib
        import json

        blob = json.dumps(self.to_json(), separators=(",", ":"), sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


class Env:
    """What expressions read while they run: values (mutable during effects), visits, turn, rng."""

    __slots__ = ("v", "visits", "turn", "rng")

    def __init__(self, v, visits, turn, rng=0):
        self.v = v
        self.visits = visits
        self.turn = turn
        self.rng = rng

    def random(self, lo: int, hi: int) -> int:
        self.rng, r = roll(self.rng, lo, hi)
        return r

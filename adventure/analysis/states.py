"""Abstract states: which parts of a game's state the search tracks, and how a state packs
into an int.

`Abstraction` decides which visit counts and whether the turn are tracked, and where they are
capped (see explore.py's docstring for why a cap is sound); `Codec` packs (room, values, visits,
once-only choices taken, turn, PRNG state) into one int, plus a tuple for the parts that have no
fixed width. Used by the explorer (explore.py) and its fast search (fastsearch.py).
"""

from __future__ import annotations

from typing import Iterator

from ..core.record import Record
from ..core.expr import Node, compile_node
from ..core.model import World
from ..core.steps import Branch

__all__ = ["Abstraction", "Codec", "expression_nodes"]

CMP = ("==", "!=", "<", "<=", ">", ">=")

# ---------------------------------------------------------------- what the world reads


def expression_nodes(world: World) -> Iterator[tuple[str, object, Node]]:
    """Every parsed expression in the world, as (kind, owner, node).

    kind is "choice" (owner: Choice), "text" (owner: (Room, index)), "ending" (owner: Ending),
    "effect" (owner: (Choice, index)), and for the second language's constructs "step" (owner:
    the Choice, Room (enter) or Rule whose steps hold it: a branch's condition or an effect's
    value), "next" (owner: (Choice, index)), "rule" (owner: Rule, its `when`) and "piece" (owner:
    the Template: an `{if}` in a text). The search's abstraction (which counts to keep, and where
    to cap them) is sound only if it sees every expression a move or a text can read.
    """
    for r in world.rooms.values():
        for i, t in enumerate(r.text_if):
            yield "text", (r, i), t.cond
        for c in r.choices:
            if c.cond is not None:
                yield "choice", c, c.cond
            for j, e in enumerate(c.effects):
                if e.__class__ is Branch:
                    yield from _step_nodes(c, (e,))
                else:
                    yield "effect", (c, j), e.value
            for j, n in enumerate(c.next):
                if n.cond is not None:
                    yield "next", (c, j), n.cond
        yield from _step_nodes(r, r.enter)
    for e in world.endings:
        if e.when is not None:
            yield "ending", e, e.when
    for rule in world.rules:
        yield "rule", rule, rule.when
        yield from _step_nodes(rule, rule.steps)
    for t in _templates(world):
        yield from (("piece", t, n) for n in text_conditions(t))


def _step_nodes(owner, steps) -> Iterator[tuple[str, object, Node]]:
    for s in steps:
        if s.__class__ is Branch:
            yield "step", owner, s.cond
            yield from _step_nodes(owner, s.then)
            yield from _step_nodes(owner, s.other)
        else:
            yield "step", owner, s.value


def _templates(world: World):
    """Every text of the world (Templates), for the conditions of their `{if}` pieces."""
    if world.intro is not None:
        yield world.intro
    for r in world.rooms.values():
        yield r.text
        for t in r.text_if:
            yield t.text
        for c in r.choices:
            yield c.say
            for t in (c.reply, c.why):
                if t is not None:
                    yield t
    for e in world.endings:
        yield e.text
    for rule in world.rules:
        if rule.text is not None:
            yield rule.text


def text_conditions(t) -> Iterator[Node]:
    """The conditions of a Template's `{if}` pieces, nested ones too."""
    for p in getattr(t, "parts", ()):
        if p.__class__ is str or p.__class__ is int:
            continue
        cond = getattr(p, "cond", None)
        if cond is not None:
            yield cond
        for sub in ("then", "other"):
            x = getattr(p, sub, None)
            if x is not None:
                yield from text_conditions(x)
        for x in getattr(p, "alts", ()) or ():
            yield from text_conditions(x)


def _is_constant(n: Node) -> bool:
    if n.op in ("var", "visits", "turn"):
        return False
    if n.op == "call" and n.value == "random":
        return False
    return all(_is_constant(a) for a in n.args)


def _const_value(n: Node) -> int:
    return compile_node(n)(None)


def _counter_reads(n: Node, caps: dict, exact: set) -> None:
    """Collect, for each count (("visits", room index) or ("turn",)), the constants it is compared
    with into caps, or mark it in exact when it is read any other way."""
    if n.op in CMP:
        a, b = n.args
        for x, y in ((a, b), (b, a)):
            if x.op in ("visits", "turn") and _is_constant(y):
                key = ("visits", x.value) if x.op == "visits" else ("turn",)
                caps.setdefault(key, set()).add(_const_value(y))
                _counter_reads(y, caps, exact)
                return
    if n.op == "visits":
        exact.add(("visits", n.value))
    elif n.op == "turn":
        exact.add(("turn",))
    for a in n.args:
        _counter_reads(a, caps, exact)


class Abstraction(Record):
    """Which counts the search tracks, and where it caps them.

    visits: {room index: cap, or None to keep the count exactly}; rooms not listed are not tracked
    turn:   False (not tracked), or a cap, or None (kept exactly)
    """

    __slots__ = _fields = ("visits", "turn")
    _defaults = {"turn": False}

    @classmethod
    def for_world(cls, world: World) -> "Abstraction":
        caps: dict = {}
        exact: set = set()
        for _, _, node in expression_nodes(world):
            _counter_reads(node, caps, exact)
        visits: dict = {}
        turn: object = False
        for key in set(caps) | exact:
            cap = None if key in exact else max(0, max(caps[key]) + 1)
            if key[0] == "turn":
                turn = cap
            else:
                visits[key[1]] = cap
        return cls(visits, turn)

    @classmethod
    def exact(cls, world: World) -> "Abstraction":
        """Track every count exactly (the engine's own State); for tests."""
        return cls({i: None for i in range(len(world.tracked))}, None)

    def describe(self, world: World) -> str:
        parts = []
        for i, cap in sorted(self.visits.items()):
            parts.append(f"visits.{world.tracked[i]}" + (f" capped at {cap}" if cap is not None else " exact"))
        if self.turn is not False:
            parts.append("turn" + (f" capped at {self.turn}" if self.turn is not None else " exact"))
        return ", ".join(parts) or "no counts read"


# ---------------------------------------------------------------- packing states


class Codec:
    """Packs (room, values, visits, used, turn, rng) into one int, plus a tuple of the parts that
    have no fixed width (unbounded counters, exact counts, the PRNG state, the return stack) when
    there are any."""

    def __init__(self, world: World, ab: Abstraction, n_once: int, with_rng: bool, with_stack: bool = False):
        self.n_rooms = len(world.room_order)
        self.n_slots = len(world.tracked)
        self.n_vars = len(world.vars)
        shift = max(1, (self.n_rooms - 1).bit_length())
        self.room_mask = (1 << shift) - 1
        self.bools: list[tuple[int, int]] = []
        self.bounded: list[tuple[int, int, int, int]] = []  # index, lo, shift, mask
        self.free: list[int] = []
        for v in world.vars:
            if v.type == "bool":
                self.bools.append((v.index, shift))
                shift += 1
            elif v.lo is not None and v.hi is not None:
                w = max(1, (v.hi - v.lo).bit_length())
                self.bounded.append((v.index, v.lo, shift, (1 << w) - 1))
                shift += w
            else:
                self.free.append(v.index)
        self.used_shift = shift
        self.used_mask = (1 << n_once) - 1
        shift += n_once
        self.vcap: list[tuple[int, int, int]] = []  # room index, shift, mask
        self.vfree: list[int] = []
        for r, cap in sorted(ab.visits.items()):
            if cap is None:
                self.vfree.append(r)
            else:
                w = max(1, cap.bit_length())
                self.vcap.append((r, shift, (1 << w) - 1))
                shift += w
        self.turn_kind = "none" if ab.turn is False else "free" if ab.turn is None else "cap"
        self.turn_shift = shift
        self.turn_mask = 0
        if self.turn_kind == "cap":
            w = max(1, ab.turn.bit_length())
            self.turn_mask = (1 << w) - 1
            shift += w
        self.with_rng = with_rng
        self.bits = shift
        # the return stack (a tuple of room ids) is the tail's last part, in worlds with `call`
        self.with_stack = with_stack
        self.has_tail = bool(self.free or self.vfree or self.turn_kind == "free" or with_rng or with_stack)
        # where each part lives, for patch(): (0, shift, mask, offset) in the int, (1, i) in the tail
        self.room_field = (0, 0, self.room_mask, 0)
        self.used_field = (0, self.used_shift, self.used_mask, 0)
        self.value_field: dict = {}
        for i, sh in self.bools:
            self.value_field[i] = (0, sh, 1, 0)
        for i, lo, sh, mask in self.bounded:
            self.value_field[i] = (0, sh, mask, lo)
        self.visit_field: dict = {r: (0, sh, mask, 0) for r, sh, mask in self.vcap}
        k = 1
        for i in self.free:
            self.value_field[i] = (1, k)
            k += 1
        for r in self.vfree:
            self.visit_field[r] = (1, k)
            k += 1
        self.turn_field = None
        if self.turn_kind == "cap":
            self.turn_field = (0, self.turn_shift, self.turn_mask, 0)
        elif self.turn_kind == "free":
            self.turn_field = (1, k)
            k += 1
        self.rng_field = (1, k) if with_rng else None
        self.stack_field = (1, k + with_rng) if with_stack else None

    def patch(self, key, updates):
        """The key of a state that differs from `key` by `updates`, a list of (field, value)."""
        if self.has_tail:
            x = key[0]
        else:
            x = key
        t = None
        for f, v in updates:
            if f[0] == 0:
                x = (x & ~(f[2] << f[1])) | ((v - f[3]) << f[1])
            else:
                if t is None:
                    t = list(key)
                t[f[1]] = v
        if not self.has_tail:
            return x
        if t is None:
            return (x,) + key[1:]
        t[0] = x
        return tuple(t)

    def stack(self, key) -> tuple:
        """The return stack a key holds (room ids, last on top)."""
        return key[-1] if self.with_stack else ()

    def encode(self, room: int, values, visits, used: int, turn: int, rng: int, stack: tuple = ()):
        x = room | (used << self.used_shift)
        for i, sh in self.bools:
            if values[i]:
                x |= 1 << sh
        for i, lo, sh, _ in self.bounded:
            x |= (values[i] - lo) << sh
        for r, sh, _ in self.vcap:
            x |= visits[r] << sh
        if self.turn_kind == "cap":
            x |= turn << self.turn_shift
        if not self.has_tail:
            return x
        tail = [x]
        tail.extend(values[i] for i in self.free)
        tail.extend(visits[r] for r in self.vfree)
        if self.turn_kind == "free":
            tail.append(turn)
        if self.with_rng:
            tail.append(rng)
        if self.with_stack:
            tail.append(tuple(stack))
        return tuple(tail)

    def decode(self, key):
        """-> (room index, values tuple, visits list, used mask, turn, rng)."""
        if self.has_tail:
            x = key[0]
            k = 1
        else:
            x = key
        values = [0] * self.n_vars
        for i, sh in self.bools:
            values[i] = bool((x >> sh) & 1)
        for i, lo, sh, mask in self.bounded:
            values[i] = ((x >> sh) & mask) + lo
        visits = [0] * self.n_slots
        for r, sh, mask in self.vcap:
            visits[r] = (x >> sh) & mask
        turn = rng = 0
        if self.turn_kind == "cap":
            turn = (x >> self.turn_shift) & self.turn_mask
        if self.has_tail:
            for i in self.free:
                values[i] = key[k]
                k += 1
            for r in self.vfree:
                visits[r] = key[k]
                k += 1
            if self.turn_kind == "free":
                turn = key[k]
                k += 1
            if self.with_rng:
                rng = key[k]
        return x & self.room_mask, tuple(values), visits, (x >> self.used_shift) & self.used_mask, turn, rng

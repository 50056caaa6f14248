"""A sound over-approximation of what a world can reach, by abstract interpretation over its
room graph: it proves things unreachable without exploring states, so no budget can hide them.

The abstract state (a *box*) gives every declared value and the `turn` an interval of integers
(a flag is an interval within [0, 1]: false, true, or either), and every counted `visits.<room>`
[0, inf), or [1, inf) once the room has been entered (counts are not followed further: that would
cost rooms times counted rooms).
Each room has two boxes: `entry`, what holds when the player enters it (what its `text_if`s are
tested on), and `present`, what holds while the player is in it (entry joined with what its
choices without `go` leave behind; what its choices are tested on). From the start box, each
choice whose `if` may hold carries the box, narrowed by that `if`, through its effects (in
order; `random(lo, hi)` is the interval from lo to hi) to the box of the room it goes to; boxes
meeting at a room are joined (interval hull), and the iteration runs to a fixpoint, with widening
(after `WIDEN_AFTER` growths a bound jumps to the declared `min`/`max`, or to infinity for counts
and unbounded counters) so it always ends, in time roughly linear in the number of choices.

What it proves, soundly for every seed and every roll of the dice:

- a room whose `entry` stays empty is unreachable (no `go` names it, or none that can be taken);
- a choice whose `if` is false everywhere in its room's `present` box can never be taken;
- a text whose `if` is false everywhere in its room's `entry` box is never shown;
- an ending that no possible choice names, and that no possible `end = true` resolves to (its
  `when` false, or an earlier ending's `when` true, in every state such a choice leaves) is
  unreachable.

It ignores that once-only choices can be used up (so it may call something possible that is
not), and keeps no relation between values (so `a and not b` may look possible when a and b are
always equal): it may fail to prove an impossibility, never claim a false one. What it cannot
decide, the witness search (witness.py) and the exact exploration (explore.py) settle.

`eval_interval(node, box)` is also the static check of a condition against the declared bounds
and types (`declared_box`): `x > 10` with `max = 5` never holds.
"""

from __future__ import annotations

from collections import deque

from ..core.expr import INT_MAX, INT_MIN, Effect
from ..core.model import World
from .absmove import run_general

__all__ = ["Abstract", "abstract", "declared_box", "eval_interval", "refine", "FALSE", "TRUE", "EITHER"]

from .intervals import (EITHER, FALSE, TRUE, WIDEN_AFTER, _mk, _sat, eval_interval, join,  # noqa: F401
                        refine)


class Abstract:
    """The fixpoint: `entry[room id]` and `present[room id]` (None: never), and queries."""

    def __init__(self, world: World):
        self.world = world
        self.nv = len(world.vars)
        self.ns = len(world.tracked)
        self.floor = []  # per box index: the widening limits (lo, hi)
        for v in world.vars:
            if v.type == "bool":
                self.floor.append((0, 1))
            elif v.values:  # an enum: its index
                self.floor.append((0, len(v.values) - 1))
            else:
                self.floor.append((INT_MIN if v.lo is None else v.lo, INT_MAX if v.hi is None else v.hi))
        self.floor += [(0, INT_MAX)] * self.ns + [None, (0, INT_MAX)]
        self.entry: dict = {}
        self.present: dict = {}
        self.iterations = 0
        # the second language (absmove.py): where endings are reached, by name and by `end = true`
        self.named: dict = {}  # ending id -> the join of the boxes where some move names it
        self.resolve_box = None  # the join of the boxes where `end = true` resolves the endings
        self.carry = None  # persistent values' start intervals (by value index), when any persist
        self.general = not world.plain or any(v.persist for v in world.vars)
        self.back_to: dict = {}  # room id -> the rooms a `back` choice there may return to
        # first_day(): every value from its default and visit counts followed (absmove's `enter`
        # adds one), so that an `enter` guarded by `visits.room == 1` runs once, as in one game
        self.count_visits = False

    # -- boxes
    def start_box(self):
        """Visit counts are not followed from room to room (each counted room's count would
        ripple round the whole graph: rooms times counted rooms): every count is [0, inf), but a
        room's own count is at least 1 while the player is in it."""
        w = self.world
        visits = [(0, INT_MAX)] * self.ns
        slot = w.rooms[w.start].vslot
        if self.count_visits:  # entering the start room (absmove's `enter`) makes its count 1
            visits = [(0, 0)] * self.ns
        elif slot >= 0:
            visits[slot] = (1, INT_MAX)
        values = [(int(x), int(x)) for x in w.defaults]
        for i, x in (self.carry or {}).items():
            values[i] = x
        return _mk(values, visits, (0, 0))

    def top_box(self):
        """Every value its declared type and bounds allow; counts and turn anything >= 0."""
        return _mk(self.floor[: self.nv], self.floor[self.nv: self.nv + self.ns], (0, INT_MAX))

    def after(self, c, box, dest_slot: int = -1):
        """The box after taking choice c from `box` (already narrowed by its `if`)."""
        b = list(box)
        for e in c.effects:
            if e.__class__ is not Effect:  # a branch: only in worlds that are not plain (absmove.py)
                raise TypeError("after() runs a plain world's effects")
            i = e.var.index
            x = eval_interval(e.value, tuple(b))  # each effect sees the one before
            if e.op == "+=":
                x = (_sat(b[i][0] + x[0]), _sat(b[i][1] + x[1]))
            elif e.op == "-=":
                x = (_sat(b[i][0] - x[1]), _sat(b[i][1] - x[0]))
            if e.var.type == "int":
                lo, hi = self.floor[i]
                x = (min(max(x[0], lo), hi), min(max(x[1], lo), hi))
            b[i] = x
        t = b[-1]
        b[-1] = (_sat(t[0] + 1), _sat(t[1] + 1))
        if dest_slot >= 0:
            b[self.nv + dest_slot] = (1, INT_MAX)
        return tuple(b)

    def widen(self, old, new):
        if old is None:
            return new
        out = []
        fl = self.floor
        for k, (x, y) in enumerate(zip(old, new)):
            if x == y or fl[k] is None:
                out.append(y)
                continue
            lo = x[0] if y[0] >= x[0] else fl[k][0]
            hi = x[1] if y[1] <= x[1] else fl[k][1]
            out.append((min(lo, y[0]), max(hi, y[1])))
        return tuple(out)

    # -- the fixpoint
    def run(self) -> "Abstract":
        if self.general:  # a world of the second language: the whole order of a move
            run_general(self)
            return self
        w = self.world
        rooms = w.rooms
        entry = {rid: None for rid in w.room_order}
        growth = dict.fromkeys(w.room_order, 0)
        entry[w.start] = self.start_box()
        todo = deque([w.start])
        queued = {w.start}
        stays = {}
        goes = {}
        for rid in w.room_order:
            r = rooms[rid]
            stays[rid] = [c for c in r.choices if c.go is None and c.end is None]
            goes[rid] = [(c, rooms[c.go].vslot) for c in r.choices if c.go is not None and c.end is None]
        while todo:
            rid = todo.popleft()
            queued.discard(rid)
            self.iterations += 1
            p = entry[rid]
            k = 0
            while True:
                new = p
                for c in stays[rid]:
                    b = refine(c.cond, p)
                    if b is not None:
                        new = join(new, self.after(c, b))
                if new == p:
                    break
                k += 1
                p = self.widen(p, new) if k > WIDEN_AFTER else new
            self.present[rid] = p
            for c, slot in goes[rid]:
                b = refine(c.cond, p)
                if b is None:
                    continue
                out = self.after(c, b, slot)
                old = entry[c.go]
                nb = join(old, out)
                if nb != old:
                    growth[c.go] += 1
                    entry[c.go] = self.widen(old, nb) if growth[c.go] > WIDEN_AFTER else nb
                    if c.go not in queued:
                        queued.add(c.go)
                        todo.append(c.go)
        for rid in w.room_order:
            self.present.setdefault(rid, None)
        self.entry = entry
        return self

    # -- what it proves
    def room_possible(self, rid: str) -> bool:
        return self.entry.get(rid) is not None

    def choice_box(self, c):
        """The box where choice c is taken (its room's present box narrowed by its `if`), or None."""
        return refine(c.cond, self.present.get(c.room))

    def choice_possible(self, c) -> bool:
        if c.back and not self.back_to.get(c.room) and self.general:
            return False  # no `call` leads here: the return stack is empty in this room
        return self.choice_box(c) is not None

    def text_possible(self, rid: str, i: int) -> bool:
        return refine(self.world.rooms[rid].text_if[i].cond, self.entry.get(rid)) is not None

    def ending_boxes(self):
        """{ending id: the box of states where `end = true` tests its `when` (every earlier `when`
        false), or None}."""
        w = self.world
        if self.general:
            tested = self.resolve_box
        else:
            tested = None
            for r in w.rooms.values():
                for c in r.choices:
                    if c.end is True:
                        b = self.choice_box(c)
                        if b is not None:
                            tested = join(tested, self.after(c, b))
        out = {e.id: None for e in w.endings}  # a by-name ending is never tested
        for e in w.resolvable:
            out[e.id] = tested
            tested = refine(e.when, tested, False) if e.when is not None else None
        return out

    def resolve_tested(self):
        """The box where `end = true` resolves the endings (before any `when` is tested), or None."""
        return self.ending_boxes().get(self.world.resolvable[0].id) if self.world.resolvable else None

    def ending_possible(self, eid: str, boxes=None) -> bool:
        w = self.world
        if self.general:
            if self.named.get(eid) is not None:
                return True
        else:
            for r in w.rooms.values():
                for c in r.choices:
                    if c.end == eid and self.choice_possible(c):
                        return True
        e = w.ending(eid)
        if e.by_name:
            return False
        boxes = self.ending_boxes() if boxes is None else boxes
        if not w.resolvable:
            return False
        if e is w.resolvable[-1] and boxes.get(eid) is not None:
            return True  # the last one is picked when no `when` holds
        return refine(e.when, boxes.get(eid)) is not None

    def truth(self, kind: str, owner) -> tuple[int, int] | None:
        """What a condition can evaluate to where it is tested: ("choice", Choice),
        ("text", (room id, i)), ("ending", Ending): FALSE, TRUE, EITHER, or None if never tested."""
        if kind == "choice":
            box, cond = self.present.get(owner.room), owner.cond
        elif kind == "text":
            rid, i = owner
            box, cond = self.entry.get(rid), self.world.rooms[rid].text_if[i].cond
        else:
            box, cond = self.ending_boxes().get(owner.id), owner.when
        if box is None or cond is None:
            return None
        return eval_interval(cond, box)


def declared_box(world: World):
    """The box of every state the declarations allow (for the static check of conditions)."""
    return Abstract(world).top_box()


_LAST: list = [None, None]  # (world, its Abstract): route --all asks for the same world's twelve times


def first_day(world: World) -> Abstract:
    """The fixpoint of one game from the defaults only (persistent values not carried in from
    earlier games), with visit counts followed: an ending it proves unreachable that abstract()
    finds possible needs an earlier day (route plays one game, as a speedrun does). Sound in the
    same way (counts are intervals, joined and widened like values); only for worlds of the
    second language or with persistent values (Abstract.general)."""
    from .absmove import _fixpoint, back_targets

    ab = Abstract(world)
    ab.count_visits = True
    ab.back_to = back_targets(world)
    _fixpoint(ab)
    return ab


def abstract(world: World) -> Abstract:
    """Run the abstract interpretation of `world` to its fixpoint (the last world's is kept)."""
    if _LAST[0] is world:
        return _LAST[1]
    ab = Abstract(world).run()
    _LAST[0], _LAST[1] = world, ab
    return ab

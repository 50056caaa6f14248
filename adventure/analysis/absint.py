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

from ..core.expr import INT_MAX, INT_MIN, Node
from ..core.model import World

__all__ = ["Abstract", "abstract", "declared_box", "eval_interval", "refine", "FALSE", "TRUE", "EITHER"]

FALSE = (0, 0)
TRUE = (1, 1)
EITHER = (0, 1)
WIDEN_AFTER = 8
_NEG = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "=="}
_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


def _sat(x: int) -> int:
    return INT_MAX if x > INT_MAX else INT_MIN if x < INT_MIN else x


def _div(x, y):
    out = []
    if y[0] <= 0 <= y[1]:
        out.append((0, 0))  # division by zero gives 0
    for lo, hi in ((y[0], min(y[1], -1)), (max(y[0], 1), y[1])):
        if lo > hi:
            continue
        qs = [_sat(a // b) for a in x for b in (lo, hi)]
        out.append((min(qs), max(qs)))
    return (min(o[0] for o in out), max(o[1] for o in out))


def _mod(x, y):
    out = []
    if y[0] <= 0 <= y[1]:
        out.append((0, 0))  # remainder by zero gives 0
    if y[1] >= 1:
        hi = y[1] - 1
        out.append((0, min(hi, x[1]) if x[0] >= 0 else hi))
    if y[0] <= -1:
        lo = y[0] + 1
        out.append((max(lo, x[0]) if x[1] <= 0 else lo, 0))
    return (min(o[0] for o in out), max(o[1] for o in out))


def eval_interval(n: Node, box) -> tuple[int, int]:
    """The interval of values `n` can take over `box` (flags as 0/1: FALSE, TRUE or EITHER)."""
    op = n.op
    if op == "lit":
        v = n.value
        return (int(v), int(v))
    if op == "var":
        return box[n.value]
    if op == "visits":
        return box[box[-2][0] + n.value]
    if op == "turn":
        return box[-1]
    if op == "not":
        a = eval_interval(n.args[0], box)
        return (1 - a[1], 1 - a[0])
    if op == "and":
        a = eval_interval(n.args[0], box)
        if a == FALSE:
            return FALSE
        b = eval_interval(n.args[1], box)
        return (min(a[0], b[0]), min(a[1], b[1]))
    if op == "or":
        a = eval_interval(n.args[0], box)
        if a == TRUE:
            return TRUE
        b = eval_interval(n.args[1], box)
        return (max(a[0], b[0]), max(a[1], b[1]))
    if op == "neg":
        a = eval_interval(n.args[0], box)
        return (_sat(-a[1]), _sat(-a[0]))
    if op == "call":
        args = [eval_interval(a, box) for a in n.args]
        name = n.value
        if name == "abs":
            (a,) = args
            if a[0] >= 0:
                return a
            if a[1] <= 0:
                return (_sat(-a[1]), _sat(-a[0]))
            return (0, _sat(max(-a[0], a[1])))
        a, b = args
        if name == "min":
            return (min(a[0], b[0]), min(a[1], b[1]))
        if name == "max":
            return (max(a[0], b[0]), max(a[1], b[1]))
        return (min(a[0], b[0]), max(a[1], b[1]))  # random(lo, hi): bounds in either order
    a = eval_interval(n.args[0], box)
    b = eval_interval(n.args[1], box)
    if op == "+":
        return (_sat(a[0] + b[0]), _sat(a[1] + b[1]))
    if op == "-":
        return (_sat(a[0] - b[1]), _sat(a[1] - b[0]))
    if op == "*":
        ps = [_sat(x * y) for x in a for y in b]
        return (min(ps), max(ps))
    if op == "/":
        return _div(a, b)
    if op == "%":
        return _mod(a, b)
    # comparisons
    if op == "==":
        if a[0] == a[1] == b[0] == b[1]:
            return TRUE
        return FALSE if a[1] < b[0] or b[1] < a[0] else EITHER
    if op == "!=":
        if a[0] == a[1] == b[0] == b[1]:
            return FALSE
        return TRUE if a[1] < b[0] or b[1] < a[0] else EITHER
    if op == "<":
        return TRUE if a[1] < b[0] else FALSE if a[0] >= b[1] else EITHER
    if op == "<=":
        return TRUE if a[1] <= b[0] else FALSE if a[0] > b[1] else EITHER
    if op == ">":
        return TRUE if a[0] > b[1] else FALSE if a[1] <= b[0] else EITHER
    if op == ">=":
        return TRUE if a[0] >= b[1] else FALSE if a[1] < b[0] else EITHER
    raise ValueError(f"unknown operator {op!r}")


def _mk(values, visits, turn) -> tuple:
    """A box: a tuple of intervals, the declared values (by index), then the counted visits (by
    slot), then a marker `(number of values,)` that says where the visits start, then the turn."""
    return tuple(values) + tuple(visits) + ((len(values),), turn)


def _target(n: Node, box):
    if n.op == "var":
        return n.value
    if n.op == "visits":
        return box[-2][0] + n.value
    if n.op == "turn":
        return len(box) - 1
    return None


def _constrain(op: str, x, y):
    lo, hi = x
    if op == "<":
        hi = min(hi, y[1] - 1)
    elif op == "<=":
        hi = min(hi, y[1])
    elif op == ">":
        lo = max(lo, y[0] + 1)
    elif op == ">=":
        lo = max(lo, y[0])
    elif op == "==":
        lo, hi = max(lo, y[0]), min(hi, y[1])
    elif op == "!=" and y[0] == y[1]:
        if lo == y[0]:
            lo += 1
        if hi == y[0]:
            hi -= 1
    return (lo, hi) if lo <= hi else None


def refine(n: Node | None, box, want: bool = True):
    """The box narrowed to the states where `n` evaluates to `want` (a sound superset of them),
    or None when there are none."""
    if box is None:
        return None
    if n is None:
        return box if want else None
    v = eval_interval(n, box)
    if v == (FALSE if want else TRUE):
        return None
    if v == (TRUE if want else FALSE):
        return box
    op = n.op
    if op == "not":
        return refine(n.args[0], box, not want)
    if op in ("and", "or"):
        if (op == "and") == want:  # both sides must be `want`
            return refine(n.args[1], refine(n.args[0], box, want), want)
        return join(refine(n.args[0], box, want), refine(n.args[1], box, want))
    if op == "var":
        b = list(box)
        b[n.value] = TRUE if want else FALSE
        return tuple(b)
    if op in _NEG:
        cop = op if want else _NEG[op]
        a, c = n.args
        ia, ic = _target(a, box), _target(c, box)
        if ia is None and ic is None:
            return box
        va, vc = eval_interval(a, box), eval_interval(c, box)
        na = _constrain(cop, va, vc)
        nc = _constrain(_FLIP[cop], vc, va)
        if na is None or nc is None:
            return None
        b = list(box)
        if ia is not None:
            b[ia] = _meet(b[ia], na)
            if b[ia] is None:
                return None
        if ic is not None:
            b[ic] = _meet(b[ic], nc)
            if b[ic] is None:
                return None
        return tuple(b)
    return box


def _meet(x, y):
    lo, hi = max(x[0], y[0]), min(x[1], y[1])
    return (lo, hi) if lo <= hi else None


def join(a, b):
    if a is None:
        return b
    if b is None or a == b:
        return a
    out = []
    for x, y in zip(a, b):
        if x is y or x == y:
            out.append(x)
        else:
            out.append((min(x[0], y[0]), max(x[1], y[1])))
    return tuple(out)


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
            else:
                self.floor.append((INT_MIN if v.lo is None else v.lo, INT_MAX if v.hi is None else v.hi))
        self.floor += [(0, INT_MAX)] * self.ns + [None, (0, INT_MAX)]
        self.entry: dict = {}
        self.present: dict = {}
        self.iterations = 0

    # -- boxes
    def start_box(self):
        """Visit counts are not followed from room to room (each counted room's count would
        ripple round the whole graph: rooms times counted rooms): every count is [0, inf), but a
        room's own count is at least 1 while the player is in it."""
        w = self.world
        visits = [(0, INT_MAX)] * self.ns
        slot = w.rooms[w.start].vslot
        if slot >= 0:
            visits[slot] = (1, INT_MAX)
        return _mk([(int(x), int(x)) for x in w.defaults], visits, (0, 0))

    def top_box(self):
        """Every value its declared type and bounds allow; counts and turn anything >= 0."""
        return _mk(self.floor[: self.nv], self.floor[self.nv: self.nv + self.ns], (0, INT_MAX))

    def after(self, c, box, dest_slot: int = -1):
        """The box after taking choice c from `box` (already narrowed by its `if`)."""
        b = list(box)
        for e in c.effects:
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
        return self.choice_box(c) is not None

    def text_possible(self, rid: str, i: int) -> bool:
        return refine(self.world.rooms[rid].text_if[i].cond, self.entry.get(rid)) is not None

    def ending_boxes(self):
        """{ending id: the box of states where `end = true` tests its `when` (every earlier `when`
        false), or None}."""
        w = self.world
        tested = None
        for r in w.rooms.values():
            for c in r.choices:
                if c.end is True:
                    b = self.choice_box(c)
                    if b is not None:
                        tested = join(tested, self.after(c, b))
        out = {}
        for e in w.endings:
            out[e.id] = tested
            tested = refine(e.when, tested, False) if e.when is not None else None
        return out

    def ending_possible(self, eid: str, boxes=None) -> bool:
        w = self.world
        for r in w.rooms.values():
            for c in r.choices:
                if c.end == eid and self.choice_possible(c):
                    return True
        boxes = self.ending_boxes() if boxes is None else boxes
        e = w.ending(eid)
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


def abstract(world: World) -> Abstract:
    """Run the abstract interpretation of `world` to its fixpoint (the last world's is kept)."""
    if _LAST[0] is world:
        return _LAST[1]
    ab = Abstract(world).run()
    _LAST[0], _LAST[1] = world, ab
    return ab

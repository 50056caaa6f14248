"""The abstract interpretation (absint.py) of a world of the second language: the whole order of
a move (core/engine.py, `_move`) over boxes, and days for persistent values.

A move, over a box (absint.py: intervals):

1. the choice's steps: an effect as absint's `after`; a branch `{ if, do, else }` runs `do` on the
   box narrowed by its condition and `else` on the box narrowed by its negation, and joins them;
2. the turn advances;
3. the destination: `end` (the ending is reached there: by name, or by `end = true`, which
   resolves the endings over that box); `next`, entry by entry, each on the box where the entries
   before it fail; `back`: any room that has a `call` whose callee can lead here (the return
   stack is over-approximated by the rooms that can be on it: `back_targets`); `go`/`call`;
4. entering a room: its count at least 1, its `enter` steps;
5. the rules, in order, over the set of (room, box, entered) the move may be in: a rule may fire
   where its `when` may hold (a once-only one may also have fired before: then it is skipped
   anywhere), and be skipped where its `when` may fail; when it fires its steps run, then `end`
   (an ending reached), or `go` (a room entered), and the later rules go on.

A move that enters a room joins its box into that room's `entry` box; one that stays joins into
the room's `present` box (the inner fixpoint of absint.py's `run`). Rules never run at the start.

Persistent values (`persist = true`): a new game starts with what the store holds, written
whenever a persistent value changes, so with any value a play can give it at any point. The start
box holds them at their defaults, the fixpoint runs, and every box reached is joined into their
start intervals; until nothing grows (after `DAYS_WIDEN` rounds, the whole declared range).
"""

from __future__ import annotations

from collections import deque

from ..core.expr import INT_MAX
from ..core.steps import Branch
from .intervals import WIDEN_AFTER, _sat, eval_interval, join, refine

__all__ = ["run_general", "back_targets", "DAYS_WIDEN"]

DAYS_WIDEN = 3


def back_targets(world) -> dict:
    """{room id: the rooms a `back` choice there may return to}: the rooms with a `call` choice
    whose callee can lead (by any move, ignoring conditions) to that room. Sound: the top of the
    return stack is the room of the last `call` not yet returned from, and the player has moved
    from its callee to here since."""
    edges: dict = {r: set() for r in world.room_order}
    callers = []  # (caller room, callee)
    rule_gos = {rule.go for rule in world.rules if rule.go is not None}
    for r in world.rooms.values():
        for c in r.choices:
            if c.go is not None and c.end is None:
                edges[r.id].add(c.go)
                if c.call:
                    callers.append((r.id, c.go))
            for n in c.next:
                if n.go is not None:
                    edges[r.id].add(n.go)
        edges[r.id] |= rule_gos
    all_callers = {a for a, _ in callers}
    for r in world.rooms.values():  # a back may return to any caller: followed as an edge too
        if any(c.back for c in r.choices):
            edges[r.id] |= all_callers
    reach: dict = {}
    out: dict = {r: set() for r in world.room_order}
    for caller, callee in callers:
        seen = reach.get(callee)
        if seen is None:
            seen = {callee}
            todo = [callee]
            while todo:
                u = todo.pop()
                for v in edges[u]:
                    if v not in seen:
                        seen.add(v)
                        todo.append(v)
            reach[callee] = seen
        for x in seen:
            out[x].add(caller)
    return {r: sorted(v, key=world.room_order.index) for r, v in out.items() if v}


class _Mover:
    def __init__(self, ab):
        self.ab = ab
        self.world = ab.world
        self.nv = ab.nv

    def steps(self, box, steps):
        """The box after steps (effects and branches), or None."""
        if box is None:
            return None
        b = box
        for s in steps:
            if s.__class__ is Branch:
                yes = self.steps(refine(s.cond, b), s.then)
                no = self.steps(refine(s.cond, b, False), s.other)
                b = join(yes, no)
                if b is None:
                    return None
                continue
            i = s.var.index
            x = eval_interval(s.value, b)
            cur = b[i]
            if s.op == "+=":
                x = (_sat(cur[0] + x[0]), _sat(cur[1] + x[1]))
            elif s.op == "-=":
                x = (_sat(cur[0] - x[1]), _sat(cur[1] - x[0]))
            v = s.var
            if v.type != "bool" and (v.lo is not None or v.hi is not None):
                lo, hi = self.ab.floor[i]
                x = (min(max(x[0], lo), hi), min(max(x[1], lo), hi))
            elif v.type == "bool":
                x = (min(max(x[0], 0), 1), min(max(x[1], 0), 1))
            bl = list(b)
            bl[i] = x
            b = tuple(bl)
        return b

    def enter(self, rid: str, box):
        room = self.world.rooms[rid]
        if room.vslot >= 0:
            bl = list(box)
            k = self.nv + room.vslot
            # absint.first_day follows the counts (one more per entry); else only: at least 1
            bl[k] = (_sat(bl[k][0] + 1), _sat(bl[k][1] + 1)) if self.ab.count_visits else (1, INT_MAX)
            box = tuple(bl)
        return self.steps(box, room.enter)

    def end(self, ending, box) -> None:
        ab = self.ab
        if box is None:
            return
        ab.ended = join(ab.ended, box)
        if ending is True:
            ab.resolve_box = join(ab.resolve_box, box)
        else:
            ab.named[ending] = join(ab.named.get(ending), box)

    def move(self, c, box, rid: str) -> list:
        """[(room, box, entered)] after taking choice c from `box` (narrowed by its `if`) in rid."""
        b = self.steps(box, c.effects)
        if b is None:
            return []
        t = b[-1]
        b = b[:-1] + ((_sat(t[0] + 1), _sat(t[1] + 1)),)
        dests = []
        if c.end is not None:
            self.end(c.end, b)
            return []
        if c.next:
            rest = b
            for n in c.next:
                here = refine(n.cond, rest)
                rest = refine(n.cond, rest, False) if n.cond is not None else None
                if here is None:
                    continue
                if n.end is not None:
                    self.end(n.end, here)
                else:
                    dests.append((n.go, here))
        elif c.back:
            dests = [(r, b) for r in self.ab.back_to.get(rid, ())]
        elif c.go is not None:
            dests = [(c.go, b)]
        states = {}
        if not dests and not c.next and not c.back and c.go is None:
            states[(rid, False)] = b
        for room, bx in dests:
            bx = self.enter(room, bx)
            if bx is not None:
                states[(room, True)] = join(states.get((room, True)), bx)
        for rule in self.world.rules:
            if not states:
                break
            nxt: dict = {}
            for (room, ent), bx in states.items():
                fire = refine(rule.when, bx)
                skip = bx if rule.once else refine(rule.when, bx, False)
                if skip is not None:
                    nxt[(room, ent)] = join(nxt.get((room, ent)), skip)
                if fire is None:
                    continue
                self.ab.fires.add(rule.id)
                self.ab.fire_boxes[rule.id] = join(self.ab.fire_boxes.get(rule.id), fire)
                fb = self.steps(fire, rule.steps)
                if fb is None:
                    continue
                if rule.end is not None:
                    self.end(rule.end, fb)
                elif rule.go is not None:
                    gb = self.enter(rule.go, fb)
                    if gb is not None:
                        nxt[(rule.go, True)] = join(nxt.get((rule.go, True)), gb)
                else:
                    nxt[(room, ent)] = join(nxt.get((room, ent)), fb)
            states = nxt
        return [(room, bx, ent) for (room, ent), bx in states.items()]


def _fixpoint(ab) -> None:
    w = ab.world
    rooms = w.rooms
    mv = _Mover(ab)
    ab.named = {}
    ab.fires = set()  # the rules that may fire after some move
    ab.fire_boxes = {}  # rule id -> the join of the boxes where it may fire (before its steps)
    ab.resolve_box = None
    ab.ended = None
    ab.present = {}
    entry = {rid: None for rid in w.room_order}
    growth = dict.fromkeys(w.room_order, 0)
    start = mv.enter(w.start, ab.start_box())
    entry[w.start] = start
    todo = deque([w.start] if start is not None else [])
    queued = set(todo)
    while todo:
        rid = todo.popleft()
        queued.discard(rid)
        ab.iterations += 1
        p = entry[rid]
        k = 0
        choices = rooms[rid].choices
        while True:
            new = p
            out = []
            for c in choices:
                b = refine(c.cond, p)
                if b is None or (c.back and not ab.back_to.get(rid)):
                    continue
                for room, bx, ent in mv.move(c, b, rid):
                    if ent:
                        out.append((room, bx))
                    else:
                        new = join(new, bx)
            if new == p:
                break
            k += 1
            p = ab.widen(p, new) if k > WIDEN_AFTER else new
        ab.present[rid] = p
        for room, bx in out:
            old = entry[room]
            nb = join(old, bx)
            if nb != old:
                growth[room] += 1
                entry[room] = ab.widen(old, nb) if growth[room] > WIDEN_AFTER else nb
                if room not in queued:
                    queued.add(room)
                    todo.append(room)
    for rid in w.room_order:
        ab.present.setdefault(rid, None)
    ab.entry = entry


def run_general(ab) -> None:
    w = ab.world
    ab.back_to = back_targets(w)
    persist = [v.index for v in w.vars if v.persist]
    ab.carry = {i: (int(w.defaults[i]), int(w.defaults[i])) for i in persist} if persist else None
    rounds = 0
    while True:
        _fixpoint(ab)
        if not persist:
            return
        # every value a play can leave in the store: any box reached, and where the game ends
        seen = ab.ended
        for b in list(ab.entry.values()) + list(ab.present.values()):
            seen = join(seen, b)
        if seen is None:
            return
        grown = {i: (min(ab.carry[i][0], seen[i][0]), max(ab.carry[i][1], seen[i][1])) for i in persist}
        if grown == ab.carry:
            return
        rounds += 1
        if rounds >= DAYS_WIDEN:  # the whole declared range: always a fixpoint
            grown = {i: ab.floor[i] for i in persist}
        ab.carry = grown

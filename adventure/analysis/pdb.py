"""A pattern database: an exact distance table in an abstraction, a lower bound for `route`'s A*.

The abstraction keeps the room and a few variables (the "pattern": the flags and small bounded
counters the ending's `when` reads, then those read by the conditions of the choices that write
them, while the table stays small) and forgets everything else: other variables, visit counts,
the turn, the dice, which once-only choices were used. An abstract move exists wherever a real one
might: a condition is dropped only when it is false whatever the forgotten parts hold, an effect
whose value depends on them may give any value of the variable's range, once-only choices may be
taken again, and an `end = true` choice reaches the ending whenever its `when` may hold (the order
of the endings is forgotten too). Every real route therefore maps to an abstract route of the same
length, so the abstract distance to the ending (one backward breadth-first search over the whole
table, made once per ending) never overestimates: the bound is admissible, and consistent (one
real move changes it by at most one).

It is strong exactly where h_max (routes._Bound) is weak: an ending that needs several flags at
once, set in different rooms, counts the walk between them.
"""

from __future__ import annotations

from collections import deque
from itertools import product

from ..core.expr import Node
from ..core.model import World

__all__ = ["PatternBound"]

INF = float("inf")
U = object()  # unknown: depends on what the abstraction forgets

_CMP = {"==": lambda a, b: a == b, "!=": lambda a, b: a != b, "<": lambda a, b: a < b,
        "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b}
_ARITH = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
          "/": lambda a, b: a // b if b else 0, "%": lambda a, b: a % b if b else 0}


def _ev(n: Node, env: dict):
    """The value of `n` where `env` holds the pattern's variables, or U."""
    op = n.op
    if op == "lit":
        return n.value
    if op == "var":
        return env.get(n.value, U)
    if op == "not":
        a = _ev(n.args[0], env)
        return U if a is U else (not a)
    if op == "neg":
        a = _ev(n.args[0], env)
        return U if a is U else -a
    if op == "and":
        a, b = _ev(n.args[0], env), _ev(n.args[1], env)
        if a is False or b is False:
            return False
        return U if a is U or b is U else bool(a and b)
    if op == "or":
        a, b = _ev(n.args[0], env), _ev(n.args[1], env)
        if a is True or b is True:
            return True
        return U if a is U or b is U else bool(a or b)
    if op in _CMP or op in _ARITH:
        if len(n.args) != 2:
            return U
        a, b = _ev(n.args[0], env), _ev(n.args[1], env)
        if a is U or b is U:
            return U
        return _CMP[op](a, b) if op in _CMP else _ARITH[op](a, b)
    if op == "call" and n.value in ("min", "max", "abs"):
        vals = [_ev(x, env) for x in n.args]
        if any(v is U for v in vals):
            return U
        return abs(vals[0]) if n.value == "abs" else (min(vals) if n.value == "min" else max(vals))
    return U  # visits, turn, dice, anything else


def _reads(n: Node | None, out: set) -> set:
    if n is not None:
        if n.op == "var":
            out.add(n.value)
        for a in n.args:
            _reads(a, out)
    return out


class PatternBound:
    """bound(room, values) -> a lower bound on the moves to `ending` (INF: not reachable)."""

    def __init__(self, world: World, ending: str, limit: int = 10_000, max_range: int = 40):
        self.world = world
        vars_ = world.vars
        e = world.ending(ending)
        n_rooms = len(world.room_order)

        def dom(i):
            v = vars_[i]
            if v.type == "bool":
                return (False, True)
            if v.lo is None or v.hi is None or v.hi - v.lo > max_range:
                return None
            return tuple(range(v.lo, v.hi + 1))

        choices = [c for r in world.rooms.values() for c in r.choices]
        # the pattern: the ending's variables, then those that guard the choices writing them
        pattern: list[int] = []
        size = n_rooms
        frontier = sorted(_reads(e.when, set()))
        seen = set()
        for _ in range(3):
            nxt = set()
            for i in frontier:
                if i in seen:
                    continue
                seen.add(i)
                d = dom(i)
                if d is None or size * len(d) > limit:
                    continue
                pattern.append(i)
                size *= len(d)
                for c in choices:
                    if any(x.var.index == i for x in c.effects):
                        _reads(c.cond, nxt)
            frontier = sorted(nxt - seen)
        self.pattern = pattern
        self.doms = [dom(i) for i in pattern]
        self.lo = [d[0] for d in self.doms]
        radix = []
        m = n_rooms
        for d in self.doms:
            radix.append(m)
            m *= len(d)
        self.radix = radix
        self.size = m
        room_ix = {rid: world.rooms[rid].index for rid in world.room_order}
        pset = set(pattern)

        def index(room, vals):
            k = room
            for v, lo, r in zip(vals, self.lo, radix):
                k += (v - lo) * r
            return k

        # backward breadth-first search: reverse edges of the abstract transition graph
        rev: list = [[] for _ in range(m)]
        dist = [INF] * m
        q = deque()
        last = e is world.endings[-1]
        for combo in product(*self.doms):
            env = dict(zip(pattern, combo))
            for rid in world.room_order:
                r = world.rooms[rid]
                src = index(r.index, combo)
                for c in r.choices:
                    if c.cond is not None and _ev(c.cond, env) is False:
                        continue
                    outs = [env]
                    for ef in c.effects:
                        i = ef.var.index
                        if i not in pset:
                            continue
                        nouts = []
                        for o in outs:
                            val = _ev(ef.value, o)
                            cur = o[i]
                            if val is not U and ef.op != "=":
                                val = cur + val if ef.op == "+=" else cur - val
                            var = vars_[i]
                            if val is U:
                                cands = self.doms[pattern.index(i)]
                            elif var.type == "bool":
                                cands = (bool(val),)
                            else:
                                cands = (min(max(val, var.lo), var.hi),)
                            for v in cands:
                                o2 = dict(o)
                                o2[i] = v
                                nouts.append(o2)
                        outs = nouts
                    if c.end is not None:
                        if c.end == ending or (c.end is True and (
                                last or e.when is None or any(_ev(e.when, o) is not False for o in outs))):
                            if dist[src] > 1:
                                dist[src] = 1
                                q.append(src)
                        continue
                    dst_room = room_ix[c.go] if c.go is not None else r.index
                    for o in outs:
                        dst = index(dst_room, tuple(o[i] for i in pattern))
                        rev[dst].append(src)
        while q:
            u = q.popleft()
            du = dist[u] + 1
            for v in rev[u]:
                if dist[v] > du:
                    dist[v] = du
                    q.append(v)
        self.dist = dist
        self._index = index

    def __call__(self, room: int, values) -> float:
        vals = []
        for i, d in zip(self.pattern, self.doms):
            v = values[i]
            if v not in d:  # outside the range the table knows: no bound
                return 0
            vals.append(v)
        return self.dist[self._index(room, vals)]

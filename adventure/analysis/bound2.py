"""Lower bounds for `route`'s A* in worlds of the second language (`World.plain` is False).

A move there is more than its choice (core/engine.py, `_move`): the choice's steps (with
branches), a destination (`go`, `call`, `back`, the first `next` entry that holds, `end`), the
destination's `enter` steps, then every rule whose `when` holds, each of which may set values,
enter a room (whose `enter` runs) or end the game. Both bounds of routes.py must see all of that,
or they may count as impossible, or as far away, what one move of this kind does at once.

Two pieces live here:

- the tables routes._Bound (h_max) reads in such a world (`general_tables`): the room graph with
  an edge for every way a move can enter a room (a rule's `go` is an edge of cost 0 from every
  room, as a rule may fire after any move), and the owners of steps besides choices (rules,
  rooms' `enter`), whose effects count as possible wherever they might fire;
- `MovePattern`: the pattern database of pdb.py for such a world, whose abstract move runs the
  whole order of a move over the pattern's values (anything unknown branches).

Both are lower bounds: see their docstrings for why.
"""

from __future__ import annotations

from collections import deque
from itertools import product

from ..core.model import World
from ..core.steps import Branch, conditions_in, effects_in
from .absmove import back_targets
from .pdb import U, _ev, _reads, assigned, mixed_radix, var_domain

__all__ = ["general_tables", "MovePattern"]

INF = float("inf")


def general_tables(world: World):
    """(radj, zero, owners) for a world that is not plain.

    radj[v]: the rooms u with a move that enters v directly (cost 1 each): its `go`, `call`, a
    `next` entry's `go`, or, for `back`, the rooms the return stack may hold there (absmove's
    `back_targets`, sound: the top of the stack is a room with a `call`). zero: the rooms a rule
    enters (`go`); such a rule may fire after any move, so every room reaches them at cost 0 on
    top of the move that was made. A route of k moves is then a walk of cost at most k in this
    graph, so its distances are lower bounds on moves.

    owners: (owner, guard, effects) for every holder of steps that is not a choice: each rule
    (guard: its `when`) and each room with `enter` (guard None); effects opened out of branches."""
    rix = {r: i for i, r in enumerate(world.room_order)}
    radj: list = [set() for _ in world.room_order]
    back = back_targets(world)
    for r in world.rooms.values():
        for c in r.choices:
            if c.end is not None:
                continue
            if c.next:
                for n in c.next:
                    if n.go is not None:
                        radj[rix[n.go]].add(r.index)
            elif c.back:
                for t in back.get(r.id, ()):
                    radj[rix[t]].add(r.index)
            elif c.go is not None:
                radj[rix[c.go]].add(r.index)
    zero = sorted({rix[rule.go] for rule in world.rules if rule.go is not None})
    owners = [(rule, rule.when, list(effects_in(rule.steps))) for rule in world.rules]
    owners += [(r, None, list(effects_in(r.enter))) for r in world.rooms.values() if r.enter]
    return [sorted(s) for s in radj], zero, owners


def distances_to(radj: list, zero: list, target: int) -> list:
    """Distances from every room to `target` over radj (cost 1) and the rule edges (cost 0 from
    every room into each room of `zero`): a 0-1 breadth-first search backwards from target."""
    n = len(radj)
    d = [INF] * n
    d[target] = 0
    zset = set(zero)
    q = deque([target])
    while q:
        u = q.popleft()
        du = d[u]
        if u in zset:  # every room reaches u at no cost beyond the move a rule follows
            for v in range(n):
                if d[v] > du:
                    d[v] = du
                    q.appendleft(v)
        for v in radj[u]:
            if d[v] > du + 1:
                d[v] = du + 1
                q.append(v)
    return d


# ---------------------------------------------------------------- the pattern database


def _namers(world: World, ending: str):
    """The conditions read where the ending can be reached: the `if`s of the choices, `next`
    entries and rules that name it, and (for an ending `end = true` may pick) its own `when` and
    the `if`s of the choices and rules with `end = true`."""
    e = world.ending(ending)
    out = []
    auto = not e.by_name
    if auto:
        out.append(e.when)
    for r in world.rooms.values():
        for c in r.choices:
            if c.end == ending or (auto and c.end is True):
                out.append(c.cond)
            for n in c.next:
                if n.end == ending or (auto and n.end is True):
                    out += [c.cond, n.cond]
    for rule in world.rules:
        if rule.end == ending or (auto and rule.end is True):
            out.append(rule.when)
    return [x for x in out if x is not None]


class MovePattern:
    """bound(room, values) -> a lower bound on the moves to `ending` in a world that is not
    plain (INF: not reachable), like pdb.PatternBound: an exact distance table over the room and
    a few bounded variables (the pattern), everything else forgotten.

    The pattern starts from what is read where the ending is reached (`_namers`), then what guards
    the steps that write those variables (a choice's `if`, a rule's `when`, a branch's `if`), for
    three rounds, while the table stays within `limit` cells.

    Why it is admissible: an abstract move exists wherever a real one might. From (room, pattern
    values), every choice of the room whose `if` is not false there is run over the values: each
    effect on a pattern variable computes its value where it reads only pattern variables (with
    the engine's clamp), else may give any value of the range; a branch whose `if` is unknown
    runs both ways; `next` takes each entry whose `if` may hold, stopping at one that must;
    `back` may return to any room `back_targets` allows; the destination's `enter` runs; then
    each rule in order may fire where its `when` may hold and be skipped where it may fail (a
    once-only rule may always be skipped: whether it fired is forgotten), and when it fires its
    steps run and its `go` enters a room (and `enter` runs) or its `end` ends the move. An ending
    is reached when named, or by `end = true` when it is not by name and its `when` may hold (or it
    is the last such ending) and no earlier ending's `when` must hold. Every real move is one of
    these abstract moves, so every real route maps to an abstract route of the same length, and
    the abstract distance (one backward breadth-first search) never overestimates."""

    def __init__(self, world: World, ending: str, limit: int = 6_000, max_range: int = 40):
        self.world = world
        vars_ = world.vars
        n_rooms = len(world.room_order)

        def dom(i):
            return var_domain(vars_[i], max_range)

        guards = []  # (guard conditions, variables written) of every holder of steps
        for r in world.rooms.values():
            for c in r.choices:
                guards.append(([c.cond] + [x for x, _ in conditions_in(c.effects)],
                               {x.var.index for x in effects_in(c.effects)}))
            if r.enter:
                guards.append(([x for x, _ in conditions_in(r.enter)], {x.var.index for x in effects_in(r.enter)}))
        for rule in world.rules:
            guards.append(([rule.when] + [x for x, _ in conditions_in(rule.steps)],
                           {x.var.index for x in effects_in(rule.steps)}))
        pattern: list = []
        size = n_rooms
        frontier = sorted(set().union(*[_reads(x, set()) for x in _namers(world, ending)]))
        seen: set = set()
        for _ in range(3):
            nxt: set = set()
            for i in frontier:
                if i in seen:
                    continue
                seen.add(i)
                d = dom(i)
                if d is None or size * len(d) > limit:
                    continue
                pattern.append(i)
                size *= len(d)
                for conds, writes in guards:
                    if i in writes:
                        for x in conds:
                            _reads(x, nxt)
            frontier = sorted(nxt - seen)
        self.pattern = pattern
        self.doms = [dom(i) for i in pattern]
        self.lo = [d[0] for d in self.doms]
        self.radix, self.size = mixed_radix(n_rooms, self.doms)
        m = self.size
        self._mover = _AbstractMove(world, ending, pattern, self.doms)
        rev: list = [[] for _ in range(m)]
        dist = [INF] * m
        q = deque()
        rooms = [world.rooms[rid] for rid in world.room_order]
        for combo in product(*self.doms):
            env = dict(zip(pattern, combo))
            for r in rooms:
                src = self._index(r.index, combo)
                goal, outs = self._mover.moves(r, env)
                if goal and dist[src] > 1:
                    dist[src] = 1
                    q.append(src)
                for room, vals in outs:
                    rev[self._index(room, vals)].append(src)
        while q:
            u = q.popleft()
            du = dist[u] + 1
            for v in rev[u]:
                if dist[v] > du:
                    dist[v] = du
                    q.append(v)
        self.dist = dist

    def _index(self, room, vals) -> int:
        k = room
        for v, lo, r in zip(vals, self.lo, self.radix):
            k += (v - lo) * r
        return k

    def __call__(self, room: int, values) -> float:
        vals = []
        for i, d in zip(self.pattern, self.doms):
            v = values[i]
            if v not in d:  # outside the range the table knows: no bound
                return 0
            vals.append(v)
        return self.dist[self._index(room, vals)]


class _AbstractMove:
    """The whole order of a move (engine._move) over the pattern's values: see MovePattern."""

    def __init__(self, world: World, ending: str, pattern: list, doms: list):
        self.world = world
        self.pattern = pattern
        self.pset = set(pattern)
        self.dom = dict(zip(pattern, doms))
        self.ending = ending
        e = world.ending(ending)
        res = list(world.resolvable)
        # `end = true` picks the first resolvable ending whose `when` holds, else the last one
        self.auto = None if e.by_name else (res[:res.index(e)], e.when, e is res[-1])
        self.back = back_targets(world)
        self.rix = {r: i for i, r in enumerate(world.room_order)}

    def reaches(self, end, env) -> bool:
        if end == self.ending:
            return True
        if end is not True or self.auto is None:
            return False
        before, when, last = self.auto
        if any(_ev(x.when, env) is True for x in before if x.when is not None):
            return False  # an earlier ending is certainly picked first
        return last or when is None or _ev(when, env) is not False

    def steps(self, steps, envs: list) -> list:
        """The envs after steps, from each of envs (several when a value or a branch is unknown)."""
        for s in steps:
            if s.__class__ is Branch:
                out = []
                for env in envs:
                    t = _ev(s.cond, env)
                    if t is not False:
                        out += self.steps(s.then, [env])
                    if t is not True:
                        out += self.steps(s.other, [env])
                envs = _dedupe(out, self.pattern)
                continue
            i = s.var.index
            if i not in self.pset:
                continue
            out = []
            var = s.var
            for env in envs:
                val = _ev(s.value, env)
                if val is not U and s.op != "=":
                    val = env[i] + val if s.op == "+=" else env[i] - val
                for v in assigned(var, val, self.dom[i]):
                    o = dict(env)
                    o[i] = v
                    out.append(o)
            envs = _dedupe(out, self.pattern)
        return envs

    def moves(self, room, env: dict):
        """(goal, [(room index, pattern values)]) for every move from `room` with `env`: goal when
        some move may reach the ending."""
        goal = False
        outs = []
        world = self.world
        rooms = world.rooms
        for c in room.choices:
            if c.cond is not None and _ev(c.cond, env) is False:
                continue
            if c.back and not self.back.get(room.id):
                continue  # no `call` leads here: the return stack is empty
            states = []  # (room, env, entered)
            for e in self.steps(c.effects, [env]):
                if c.end is not None:
                    goal = goal or self.reaches(c.end, e)
                elif c.next:
                    for n in c.next:
                        t = True if n.cond is None else _ev(n.cond, e)
                        if t is False:
                            continue
                        if n.end is not None:
                            goal = goal or self.reaches(n.end, e)
                        else:
                            states.append((n.go, e, True))
                        if t is True:
                            break
                elif c.back:
                    states += [(r, e, True) for r in self.back[room.id]]
                elif c.go is not None:
                    states.append((c.go, e, True))
                else:
                    states.append((room.id, e, False))
            entered = []
            for rid, e, ent in states:
                if ent:
                    entered += [(rid, x) for x in self.steps(rooms[rid].enter, [e])]
                else:
                    entered.append((rid, e))
            states = entered
            for rule in world.rules:
                nxt = []
                for rid, e in states:
                    t = _ev(rule.when, e)
                    if t is not True or rule.once:
                        nxt.append((rid, e))
                    if t is False:
                        continue
                    for f in self.steps(rule.steps, [e]):
                        if rule.end is not None:
                            goal = goal or self.reaches(rule.end, f)
                        elif rule.go is not None:
                            nxt += [(rule.go, x) for x in self.steps(rooms[rule.go].enter, [f])]
                        else:
                            nxt.append((rid, f))
                pat = self.pattern
                states = list({(rid, tuple(e[i] for i in pat)): (rid, e) for rid, e in nxt}.values())
            for rid, e in states:
                outs.append((self.rix[rid], tuple(e[i] for i in self.pattern)))
        return goal, set(outs)


def _dedupe(envs: list, pattern: list) -> list:
    if len(envs) < 2:
        return envs
    seen = {}
    for e in envs:
        seen.setdefault(tuple(e[i] for i in pattern), e)
    return list(seen.values())

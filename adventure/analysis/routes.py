"""Shortest routes to an ending by A* search, for `adventure route` and the agent API.

Breadth-first search (explore.py; the abstract states are in states.py) proves shortest routes too, but it must visit every state
closer than the goal; on a world with a clock in minutes and two dozen flags that is tens of
millions of states. A* visits only states whose distance so far plus a lower bound on the distance
left is within the answer, so it reaches much deeper for the same budget. The answer is the same:
with an admissible lower bound (one that never overestimates), the first time the ending is taken
off the queue its route is a shortest one. Every route is also replayed on the real engine.

The lower bound is a relaxed-planning estimate ("h_max") computed from the current state:

- to take a choice you must first reach its room (room-graph distance, ignoring conditions) and
  make its `if` hold;
- to make a flag true you must take a choice that sets it, so at least one move plus what that
  choice needs first (recursively, cycles cut at zero); once-only choices already used do not count;
- to raise a counter from x to K you need at least ceil((K - x) / m) moves, where m is the largest
  amount any single choice adds to it (and likewise for lowering it);
- a condition `a and b` needs the larger of the two, `a or b` the smaller; anything else (negations,
  comparisons between two names, arithmetic) is counted as 0, which is always safe.

Each estimate is a lower bound on moves, so their maximum is too.

In a world of the second language (not `World.plain`) a move also runs `enter` steps and rules,
and may go by `next`, `call` or `back` (`general=True`; the tables are in bound2.py). The costs
above then count the move *during which* a fact first holds (a rule reads values in the middle of
a move), and stay lower bounds when: a rule's effects count once it may fire (at least one move,
and its `when` must hold), a room's `enter` effects once the room is entered (its distance, at
least one move), effects inside branches as possible; the room graph has an edge for each `next`
entry's `go`, for `call`, and from a `back` to each room the return stack may hold, and a rule's
`go` is an edge of cost 0 from every room (0-1 breadth-first search); a counter moves per move by
at most a choice's most plus `entries` rooms' `enter` most plus every rule's; after a jump to a
literal, the same move may still carry it one move's worth further; the ending is reached by the
choices, `next` entries and rules that name it, and by `end = true` ones only when it is not by
name (its `when` not needed when it is the last ending `end = true` can pick). The pattern
database for such worlds is bound2.MovePattern, which runs the whole order of a move.
"""

from __future__ import annotations

import heapq
import math
import time
from collections import deque

from ..core.record import Record
from ..core.engine import start as engine_start
from ..core.engine import step as engine_step
from .fastsearch import FastSearch
from .fastsearch import applies as fast_applies
from .explore import Explorer
from .pdb import PatternBound
from ..core.expr import Node
from ..core.steps import effects_in
from ..core.model import Room, Rule, State, World
from .bound2 import MovePattern, distances_to, general_tables

__all__ = ["RouteResult", "shortest_route", "shortest_routes"]

INF = float("inf")


class RouteResult(Record):
    """ending; route: choice ids, or None if not found; proved: True when the route is shortest
    (found) or the ending proved unreachable (the search finished without it); expanded, seconds;
    stopped: "", "states" or "seconds" when the budget ran out; earlier_day: True when the ending
    is proved unreachable in one game from the defaults, but may be reached with persistent
    values an earlier game left (absint.first_day)."""

    __slots__ = _fields = ("ending", "route", "proved", "expanded", "seconds", "stopped", "earlier_day")
    _defaults = {"stopped": "", "earlier_day": False}


def _conj(n: Node | None) -> list[Node]:
    if n is None:
        return []
    if n.op == "and":
        return _conj(n.args[0]) + _conj(n.args[1])
    return [n]


def _delta(n: Node, i: int):
    """(up, down, clamp) for `n` built from counter i by adding literals and at most one min/max
    with a literal: it moves the counter up by at most `up` or down by at most `down`, or else
    lands exactly on `clamp`. None for anything else."""
    if n.op == "var" and n.value == i:
        return (0, 0, None)
    if n.op in ("+", "-") and len(n.args) == 2:
        a, b = n.args
        if b.op == "lit":
            d, k = _delta(a, i), (b.value if n.op == "+" else -b.value)
        elif a.op == "lit" and n.op == "+":
            d, k = _delta(b, i), a.value
        else:
            return None
        if d is None or d[2] is not None:
            return None
        return (max(d[0] + k, 0), max(d[1] - k, 0), None)
    if n.op == "call" and n.value in ("min", "max") and len(n.args) == 2:
        a, b = n.args
        inner = a if b.op == "lit" else b if a.op == "lit" else None
        d = _delta(inner, i) if inner is not None else None
        if d is None or d[2] is not None:
            return None
        c = (b if inner is a else a).value
        # min(x + k, c) rises by at most k, and otherwise lands on c; max(...) the mirror image
        return (d[0], 0, c) if n.value == "min" else (0, d[1], c)
    return None


def _cap(cond: Node | None, i: int) -> float:
    """The upper bound a condition puts on counter i (INF if none)."""
    cap = INF
    for a in _conj(cond):
        if a.op in ("<=", "<", "==") and a.args[0].op == "var" and a.args[0].value == i and a.args[1].op == "lit":
            cap = min(cap, a.args[1].value - (1 if a.op == "<" else 0))
    return cap


def _caps(cond: Node | None, i: int, limit) -> bool:
    """Whether the condition implies counter i <= limit (so a clamp above it never acts)."""
    if limit is None:
        return False
    for a in _conj(cond):
        if a.op in ("<=", "<") and a.args[0].op == "var" and a.args[0].value == i and a.args[1].op == "lit":
            if a.args[1].value - (1 if a.op == "<" else 0) <= limit:
                return True
    return False


class _Bound:
    """The lower bound on moves from a state to an ending (see the module docstring)."""

    def __init__(self, world: World, ex: Explorer, ending: str | None, direct=None, atoms=(),
                 shared: "_Bound | None" = None, additive: bool = False, general: bool = False):
        """The bound on moves to `ending`; or, with ending None, to taking one of the choices
        `direct` (while `atoms`, conditions, hold too: a lower bound for any goal of that shape).
        `shared`: a bound for the same world and explorer whose goal-independent tables (room
        distances, who sets what) are reused. `additive`: sum the costs of the parts of a goal
        instead of taking the largest ("h_add"): no longer a lower bound, but a much better guide
        for a greedy search (witness.py), which needs a route, not the shortest one. `general`: a
        lower bound in a world that is not plain too (see _general_tables; route's A* asks for it
        there, the witness search's guide does not)."""
        self.world = world
        self.additive = additive
        self.ex = ex
        self.general = general
        if shared is not None:
            for k in ("once_bit", "rix", "radj", "_to", "choices", "setters", "up", "down", "jumps", "zero",
                      "owner_sets", "entries"):
                setattr(self, k, getattr(shared, k))
        else:
            self._tables(world, ex)
        self._goal(world, ending, direct, atoms)

    def to(self, target: int) -> list:
        """Room-graph distances (ignoring conditions) from every room to room `target`, by one
        breadth-first search backwards from it, made on first use."""
        d = self._to.get(target)
        if d is None and self.general:
            d = self._to[target] = distances_to(self.radj, self.zero, target)
        if d is None:
            d = [INF] * len(self.radj)
            d[target] = 0
            q = deque([target])
            radj = self.radj
            while q:
                u = q.popleft()
                for v in radj[u]:
                    if d[v] == INF:
                        d[v] = d[u] + 1
                        q.append(v)
            self._to[target] = d
        return d

    def _tables(self, world: World, ex: Explorer) -> None:
        self.once_bit = {k: 1 << b for b, k in enumerate(ex.once_keys)}
        rooms = list(world.room_order)
        self.rix = {r: i for i, r in enumerate(rooms)}
        self._to = {}
        self.choices = [c for r in world.rooms.values() for c in r.choices]
        self.setters: dict[tuple[int, bool], list] = {}
        self.jumps: dict[int, list] = {}  # (value, owner, at_least): what sets a counter to a literal
        self.zero = []
        self.owner_sets = {}  # owner -> the flags it may set true (for per-move counts)
        self.entries = 1
        if self.general:
            self.radj, self.zero, owners = general_tables(world)
            # a move enters at most its destination and each rule's `go`
            self.entries = 1 + sum(1 for r in world.rules if r.go is not None)
        else:
            radj = [[] for _ in rooms]
            for r in world.rooms.values():
                for c in r.choices:
                    if c.go is not None:
                        radj[world.rooms[c.go].index].append(r.index)
            self.radj = radj
            owners = []
        # who sets each flag true / false; how much each counter can move in one choice
        self.up: dict[int, float] = {}
        self.down: dict[int, float] = {}
        for c in self.choices:
            for i, (u, dn) in self._scan(c, c.cond, list(effects_in(c.effects))).items():
                self.up[i] = max(self.up.get(i, 0), u)
                self.down[i] = max(self.down.get(i, 0), dn)
        if owners:
            # one move runs one choice, at most `entries` rooms' `enter` and each rule once: a
            # counter moves at most by the sum of the most each of those can move it
            enter_up: dict = {}
            enter_down: dict = {}
            for owner, guard, effs in owners:
                for i, (u, dn) in self._scan(owner, guard, effs).items():
                    if owner.__class__ is Rule:
                        self.up[i] = self.up.get(i, 0) + u
                        self.down[i] = self.down.get(i, 0) + dn
                    else:
                        enter_up[i] = max(enter_up.get(i, 0), u)
                        enter_down[i] = max(enter_down.get(i, 0), dn)
            for i, u in enter_up.items():
                self.up[i] = self.up.get(i, 0) + self.entries * u
            for i, dn in enter_down.items():
                self.down[i] = self.down.get(i, 0) + self.entries * dn

    def _scan(self, c, guard, effects: list) -> dict:
        """Record what owner c (a choice; in a general bound also a rule or a room's `enter`)
        sets: flags in self.setters, jumps to a literal in self.jumps; return {counter: [up,
        down]}, the most its effects move each counter."""
        delta: dict[int, list] = {}
        sets = self.owner_sets.setdefault(c, set())
        # effects inside branches count as if they all ran (as possible)
        for e in effects:
            i = e.var.index
            if e.var.type == "bool":
                if e.value.op == "lit":
                    self.setters.setdefault((i, bool(e.value.value)), []).append(c)
                    if e.value.value:
                        sets.add(i)
                else:  # set to an expression: may be either value
                    self.setters.setdefault((i, True), []).append(c)
                    self.setters.setdefault((i, False), []).append(c)
                    sets.add(i)
                continue
            if e.op in ("+=", "-=") and e.value.op == "lit":
                k = e.value.value if e.op == "+=" else -e.value.value
                d = delta.setdefault(i, [0, 0])
                d[0] += max(k, 0)
                d[1] += max(-k, 0)
            elif e.op == "=" and e.value.op == "lit" and (
                    self.general or len([x for x in effects if x.var.index == i]) == 1):
                # in a general bound a jump may be followed by more change in the same move
                # (later effects, rules, `enter`): `steps` allows for one move's worth of it
                self.jumps.setdefault(i, []).append((e.value.value, c, None))
            elif e.op == "=" and _delta(e.value, i) is not None:
                u, dn, clamp = _delta(e.value, i)
                d = delta.setdefault(i, [0, 0])
                d[0] += u
                d[1] += dn
                if clamp is not None and self.general:
                    self.jumps.setdefault(i, []).append((clamp, c, None))
                elif clamp is not None and not _caps(guard, i, clamp - u if u != INF else None):
                    # min(x + k, c) lands on c once x + k >= c: a jump by c
                    self.jumps.setdefault(i, []).append((clamp, c, clamp - u if u != INF else None))
            else:  # `=` or a computed amount: no bound on how far it can move
                d = delta.setdefault(i, [0, 0])
                d[0] = d[1] = INF
        return delta

    def _goal(self, world: World, ending, direct, atoms) -> None:
        """The goal's parts. direct and via_when are lists of (owner, condition): the ending is
        reached in the move that takes the choice (or fires the rule) when the condition (a
        `next` entry's, read within that move; None: none) holds there too."""
        self.goal_atoms = list(atoms)
        if ending is None:
            self.direct = [(c, None) for c in direct or ()]
            self.via_when = []
            self.when_atoms = []
        elif self.general:
            e = world.ending(ending)
            auto = not e.by_name  # `end = true` never picks a by-name ending
            self.direct, self.via_when = [], []
            for c in self.choices:
                for goal, end, cond in [(c, c.end, None)] + [(c, n.end, n.cond) for n in c.next]:
                    if end == ending:
                        self.direct.append((goal, cond))
                    elif end is True and auto:
                        self.via_when.append((goal, cond))
            for rule in world.rules:
                if rule.end == ending:
                    self.direct.append((rule, None))
                elif rule.end is True and auto:
                    self.via_when.append((rule, None))
            # the last ending `end = true` can pick is picked when no `when` holds, whatever its own
            self.when_atoms = [] if e is world.resolvable[-1] else _conj(e.when)
        else:
            e = world.ending(ending)
            self.direct = [(c, None) for c in self.choices if c.end == ending]
            self.via_when = [(c, None) for c in self.choices if c.end is True] \
                if e.when is not None or e is world.endings[-1] else []
            self.when_atoms = _conj(e.when)
        # flags the ending needs true: each needs a move that sets it, and one move sets at most
        # `per_move` of them, so ceil(unset / per_move) moves is a bound too (h_max alone is weak
        # on a conjunction of independent goals)
        self.need_flags = [a.value for a in self.when_atoms if a.op == "var"]
        per = [sum(1 for f in self.need_flags if c in self.setters.get((f, True), ())) for c in self.choices] \
            if self.need_flags else []
        self.per_move = max(per, default=0) or 1
        self.end_sets = any(c in self.setters.get((f, True), ()) for c, _ in self.via_when for f in self.need_flags)
        if self.general and self.need_flags:
            # one move: a choice, up to `entries` rooms' `enter`, every rule; and the move that
            # ends the game may itself set some (end_sets)
            need = set(self.need_flags)
            rules = sum(len(need & self.owner_sets.get(r, set())) for r in world.rules)
            enter = max((len(need & self.owner_sets.get(r, set())) for r in world.rooms.values()), default=0)
            self.per_move = max(self.per_move + rules + self.entries * enter, 1)
            self.end_sets = True

    def __call__(self, room: int, values, used: int, turn: int | None = None) -> float:
        """`used`: the once-only choices taken, as the explorer's bit mask (Explorer.once_keys);
        `turn`, when given, the moves made (as the explorer keeps it: capped above every constant
        it is compared with), for `turn >= K` (K - turn moves at least)."""
        once_bit = self.once_bit
        memo: dict = {}

        def atom(n: Node, depth: int) -> float:
            """Moves needed before `n` can hold (0 if it holds or cannot be bounded)."""
            op = n.op
            if op == "and":
                if self.additive:
                    return atom(n.args[0], depth) + atom(n.args[1], depth)
                return max(atom(n.args[0], depth), atom(n.args[1], depth))
            if op == "or":
                return min(atom(n.args[0], depth), atom(n.args[1], depth))
            if op == "lit":
                return 0 if n.value is not False else INF
            if op == "var":
                return flag(n.value, True, depth)
            if op == "not" and n.args[0].op == "var":
                return flag(n.args[0].value, False, depth)
            if op in (">=", ">", "<=", "<", "==") and n.args[0].op == "var" and n.args[1].op == "lit":
                i, k, x = n.args[0].value, n.args[1].value, values[n.args[0].value]
                if isinstance(x, bool):
                    return 0
                lo, hi = {">=": (k, INF), ">": (k + 1, INF), "<=": (-INF, k), "<": (-INF, k - 1), "==": (k, k)}[op]
                return steps(i, x, lo, hi, depth)
            if turn is not None and op in (">=", ">") and n.args[0].op == "turn" and n.args[1].op == "lit":
                return max(0, n.args[1].value + (op == ">") - turn)
            return 0

        def steps(i: int, x: int, lo, hi, depth: int, exclude=None) -> float:
            """Fewest moves to bring counter i from x into [lo, hi]: by the largest step a move
            can make, or by a move that sets it to a literal (or clamps it) and steps on."""
            def by_steps(v):
                if v < lo:
                    m = self.up.get(i, 0)
                    return INF if m == 0 else math.ceil((lo - v) / m)
                if v > hi:
                    m = self.down.get(i, 0)
                    return INF if m == 0 else math.ceil((v - hi) / m)
                return 0
            best = by_steps(x)
            if best == 0 or depth >= 12:
                return best
            key = ("n", i, lo, hi, exclude)
            if key in memo:
                return memo[key]
            memo[key] = 0  # a cycle: cut at zero (still a lower bound)
            for v, c, at_least in self.jumps.get(i, ()):
                if best <= 1:
                    break
                if c is exclude:  # a clamp cannot help reach the level it needs itself
                    continue
                rest = by_steps(v)
                if self.general and rest:  # the move of the jump may carry it one move's worth on
                    rest -= 1
                if rest + 1 >= best:
                    continue
                cost = take(c, depth + 1)
                if at_least is not None:  # a clamp acts only once x is high enough, within c's own cap
                    cost = max(cost, 1 + steps(i, x, at_least, _cap(c.cond, i), depth + 1, c))
                best = min(best, cost + rest)
            memo[key] = best
            return best

        def flag(i: int, want: bool, depth: int) -> float:
            if values[i] == want:
                return 0
            key = (i, want)
            if key in memo:
                return memo[key]
            memo[key] = 0  # a cycle: cut at zero (still a lower bound)
            # past the depth limit: 0, which is always a lower bound (INF would not be)
            best = INF if depth < 12 else 0
            if depth < 12:
                for c in self.setters.get(key, ()):
                    best = min(best, take(c, depth + 1))
                    if best <= 1:
                        break
            memo[key] = best
            return best

        def take(c, depth: int) -> float:
            """Moves up to and including taking choice c (in a general bound also: up to the
            move in which rule c fires, or room c is entered and its `enter` runs)."""
            cls = c.__class__
            if cls is Rule:  # it fires within a move, once its `when` holds
                if c.once and used & once_bit[c.key]:
                    return INF
                return max(1, atom(c.when, depth))
            if cls is Room:  # entered within a move
                return max(1, self.to(c.index)[room])
            if c.once and used & once_bit[c.key]:
                return INF
            d = self.to(self.rix[c.room])[room]
            pre = atom(c.cond, depth) if c.cond is not None else 0
            return 1 + (d + pre if self.additive else max(d, pre))

        def reach(c, cond) -> float:
            """The move that takes c, with a `next` entry's condition `cond` holding within it."""
            t = take(c, 0)
            return t if cond is None or t == INF else max(t, atom(cond, 0))

        best = INF
        for c, cond in self.direct:
            best = min(best, reach(c, cond))
        if self.via_when:
            last = min((reach(c, cond) for c, cond in self.via_when), default=INF)
            unset = sum(1 for f in self.need_flags if not values[f])
            count = math.ceil(unset / self.per_move) + (0 if self.end_sets or not unset else 1)
            if self.additive:
                best = min(best, last + sum(atom(a, 0) for a in self.when_atoms))
            else:
                best = min(best, max(last, count, max((atom(a, 0) for a in self.when_atoms), default=0)))
        if self.goal_atoms and best < INF:
            if self.additive:
                best += sum(atom(a, 0) for a in self.goal_atoms)
            else:
                best = max(best, max(atom(a, 0) for a in self.goal_atoms))
        return best


def shortest_route(world: World, ending: str, seed: int = 0, max_states: int = 2_000_000,
                   max_seconds: float | None = None, start_state: State | None = None) -> RouteResult:
    """A shortest list of choice ids to `ending`, by A*: from the start of a game with `seed`, or
    from `start_state` (a state of such a game). `max_states` bounds the states expanded. One game
    from the defaults, as a speedrun plays it: persistent values do not carry over from another."""
    t0 = time.monotonic()
    if start_state is None:
        # an ending the abstract interpretation proves unreachable needs no search (A* would
        # have to exhaust the space to prove it)
        from .absint import abstract

        if not abstract(world).ending_possible(ending):
            return RouteResult(ending, None, True, 0, time.monotonic() - t0)
        # an ending that needs what an earlier game left (a skill written yesterday): no search
        # from the defaults can reach it, and the search space of one game is too big to exhaust
        if any(v.persist for v in world.vars) and not _first_day(world).ending_possible(ending):
            return RouteResult(ending, None, True, 0, time.monotonic() - t0, "", True)
    ex = Explorer(world, seed)
    if world.plain:
        bound = _Bound(world, ex, ending)
        pdb = PatternBound(world, ending)  # both are lower bounds, so their maximum is one too
    else:
        # rules, `enter`, `next`, `back` and branches: the relaxed plan counts them as possible
        # (general=True) and the pattern database runs the whole order of a move (bound2.py)
        bound = _Bound(world, ex, ending, general=True)
        pdb = MovePattern(world, ending)
    codec = ex.codec
    # the moves from a state: the explorer's fast path when the world allows it (the tests hold
    # it equal to Explorer.successors), else the general one
    successors = FastSearch(ex).moves if fast_applies(ex) else ex.successors
    # the bound reads the room, the values and the once-only choices taken, not the visit counts,
    # the turn or the dice: states that differ only in those share it (about half, in All-Hands)
    counts = 0
    for _, sh, mask in codec.vcap:
        counts |= mask << sh
    if codec.turn_kind == "cap":
        counts |= codec.turn_mask << codec.turn_shift
    keep = ~counts
    n_free = 1 + len(codec.free)
    memo: dict = {}

    def h(key) -> float:
        mk = key & keep if not codec.has_tail else (key[0] & keep,) + key[1:n_free]
        v = memo.get(mk)
        if v is None:
            room, values, _, used, _, _ = codec.decode(key)
            v = pdb(room, values)
            if v < INF:
                v = max(v, bound(room, values, used))
            memo[mk] = v
        return v

    start = ex.start_key() if start_state is None else ex.from_state(start_state)
    h0 = h(start)
    if h0 == INF:
        return RouteResult(ending, None, True, 0, time.monotonic() - t0)
    best_g = {start: 0}
    parent: dict = {start: (None, -1)}
    heap = [(h0, 0, 0, start)]
    tie = 0
    expanded = 0
    goal = object()
    stopped = ""
    while heap:
        f, neg_g, _, key = heapq.heappop(heap)
        if isinstance(key, tuple) and key and key[0] is goal:
            _, prev, g_choice = key
            route = _rebuild(ex, parent, prev) + [ex.by_g[g_choice].choice.id]
            st = start_state if start_state is not None else engine_start(world, seed).state
            for m in route:  # the search and the engine must agree
                st = engine_step(world, st, m).state
            if st.ending != ending:
                raise AssertionError(f"A* route for {ending!r} reaches {st.ending!r}")
            return RouteResult(ending, route, True, expanded, time.monotonic() - t0)
        g = -neg_g
        if best_g.get(key, INF) < g:
            continue
        expanded += 1
        if expanded > max_states:
            stopped = "states"
            break
        if max_seconds is not None and not expanded % 2048 and time.monotonic() - t0 > max_seconds:
            stopped = "seconds"
            break
        for g_choice, nxt, end in successors(key):
            if end is not None:
                if end == ending:
                    tie += 1
                    heapq.heappush(heap, (g + 1, -(g + 1), tie, (goal, key, g_choice)))
                continue
            ng = g + 1
            if ng >= best_g.get(nxt, INF):
                continue
            hn = h(nxt)
            if hn == INF:
                continue
            best_g[nxt] = ng
            parent[nxt] = (key, g_choice)
            tie += 1
            heapq.heappush(heap, (ng + hn, -ng, tie, nxt))
    return RouteResult(ending, None, not stopped, expanded, time.monotonic() - t0, stopped)


_FIRST: list = [None, None]  # (world, its first_day()): route asks once per ending


def _first_day(world: World):
    from .absint import first_day

    if _FIRST[0] is not world:
        _FIRST[0], _FIRST[1] = world, first_day(world)
    return _FIRST[1]


def _rebuild(ex: Explorer, parent: dict, key) -> list[str]:
    out = []
    while True:
        prev, g_choice = parent[key]
        if prev is None:
            break
        out.append(ex.by_g[g_choice].choice.id)
        key = prev
    out.reverse()
    return out


def shortest_routes(world: World, seed: int = 0, endings=None, max_states: int = 2_000_000,
                    max_seconds: float | None = None) -> dict[str, RouteResult]:
    """{ending id: RouteResult} for each ending (or those named), each searched on its own."""
    ids = list(endings) if endings is not None else [e.id for e in world.endings]
    return {e: shortest_route(world, e, seed, max_states, max_seconds) for e in ids}

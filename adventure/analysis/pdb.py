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

import heapq
from collections import deque
from itertools import product

from ..core.expr import Node
from ..core.model import World

__all__ = ["PatternBound", "ItemPattern", "WorldIndex"]

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
    if op == "visits":  # kept by ItemPattern only
        return env.get(("visits", n.value), U)
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


def _reads(n: Node | None, out: set, visits: bool = False) -> set:
    """The variables `n` reads (and, with `visits`, the visit counts, as ("visits", slot))."""
    if n is not None:
        if n.op == "var":
            out.add(n.value)
        elif visits and n.op == "visits":
            out.add(("visits", n.value))
        for a in n.args:
            _reads(a, out, visits)
    return out


def var_domain(v, max_range: int):
    """The values a pattern table enumerates for a declared variable: a flag's two, a bounded
    counter's (or enum's) range when at most max_range wide; None when the table cannot hold it."""
    if v.type == "bool":
        return (False, True)
    if v.lo is None or v.hi is None or v.hi - v.lo > max_range:
        return None
    return tuple(range(v.lo, v.hi + 1))


def assigned(var, val, dom) -> tuple:
    """The values a variable of a pattern can take when an effect gives it `val`: every one of
    its domain when unknown (U), else the value as the engine stores it (clamped)."""
    if val is U:
        return dom
    if var.type == "bool":
        return (bool(val),)
    return (min(max(val, var.lo), var.hi),)


def mixed_radix(n_rooms: int, doms) -> tuple[list, int]:
    """(the place value of each pattern variable, the table's size) of an index that is the room
    plus each variable's position in its domain, the room varying fastest."""
    radix = []
    m = n_rooms
    for d in doms:
        radix.append(m)
        m *= len(d)
    return radix, m


class PatternBound:
    """bound(room, values) -> a lower bound on the moves to `ending` (INF: not reachable)."""

    def __init__(self, world: World, ending: str, limit: int = 10_000, max_range: int = 40):
        self.world = world
        vars_ = world.vars
        e = world.ending(ending)
        n_rooms = len(world.room_order)

        def dom(i):
            return var_domain(vars_[i], max_range)

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
        self.radix, self.size = radix, m = mixed_radix(n_rooms, self.doms)
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
                            for v in assigned(vars_[i], val, self.doms[pattern.index(i)]):
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


# ---------------------------------------------------------------- a guide for one item


def _turn_k(n: Node | None, out: list) -> list:
    """The thresholds K of the `turn >= K` (`turn > K - 1`) comparisons in `n`."""
    if n is not None:
        if n.op in (">=", ">") and len(n.args) == 2 and n.args[0].op == "turn" and n.args[1].op == "lit":
            out.append(n.args[1].value + (n.op == ">"))
        for a in n.args:
            _turn_k(a, out)
    return out


def _ev_layer(n: Node, env: dict, k: int | None, late: bool):
    """_ev, where `turn >= K` is true in the late layer (turn >= k >= K) and false in the early
    one for K >= k (unknown for a smaller K)."""
    if k is None:
        return _ev(n, env)
    if n.op in (">=", ">") and len(n.args) == 2 and n.args[0].op == "turn" and n.args[1].op == "lit":
        kk = n.args[1].value + (n.op == ">")
        return True if late and kk <= k else (False if not late and kk >= k else U)
    if n.op in ("and", "or", "not"):
        a = [_ev_layer(x, env, k, late) for x in n.args]
        if n.op == "not":
            return U if a[0] is U else not a[0]
        if n.op == "and":
            return False if False in a else (U if U in a else True)
        return True if True in a else (U if U in a else False)
    return _ev(n, env)


class WorldIndex:
    """What every ItemPattern of one world reads, computed once (a pass over every choice costs
    0.1 s at 2,000 rooms): the room graph, the distances from the start, what each choice's
    condition reads and which choices write each variable."""

    def __init__(self, world: World, start: int):
        self.rooms = rooms = [world.rooms[r] for r in world.room_order]
        self.n = n = len(rooms)
        self.rix = rix = {r.id: r.index for r in rooms}
        self.fwd = fwd = [[] for _ in range(n)]
        self.radj = radj = [[] for _ in range(n)]
        self.writers: dict = {}  # variable index -> the choices whose effects write it
        self.reads: dict = {}  # choice key -> what its condition reads (visit counts too)
        for r in rooms:
            for c in r.choices:
                if c.go is not None and c.end is None:
                    fwd[r.index].append((rix[c.go], c))
                    radj[rix[c.go]].append(r.index)
                for e in c.effects:
                    self.writers.setdefault(e.var.index, []).append(c)
                self.reads[c.key] = frozenset(_reads(c.cond, set(), visits=True))
        self.start = start
        self.d_from = self.bfs([start], [[v for v, _ in fwd[u]] for u in range(n)])

    def bfs(self, srcs, adj) -> list:
        d = [INF] * self.n
        q = deque(srcs)
        for s in srcs:
            d[s] = 0
        while q:
            u = q.popleft()
            du = d[u] + 1
            for v in adj[u]:
                if d[v] == INF:
                    d[v] = du
                    q.append(v)
        return d


class ItemPattern:
    """The witness search's guide toward one item (witness.py): the distance to it in an
    abstraction that keeps the room, the variables (and visit counts) its own condition reads,
    those read by the conditions of the doors on the way to it (the choices along a shortest way
    in the room graph from the start) and those guarding the choices that set them, while the
    table stays small; and the turn as two layers, before and after the largest `turn >= K` those
    conditions read. A door behind a flag set in another area is then on the map: the table leads
    to the flag first, and a flag the item needs unset (with nothing to unset it) is not set on
    the way. A move whose condition depends on what the pattern forgets costs 1 + `penalty` (the
    door may well be shut). Not a lower bound, only a guide: infinite only where the item cannot
    be reached from the state's room and pattern values in either layer.

    On a big world the table covers a region only: the rooms nearest the item in the room graph,
    as many as leave room in the table for what the item's own condition reads (at least
    `min_rooms`, at most `max_rooms`). From a room outside it, or from a state the table cannot lead to the item
    (what it needs may lie outside), the guide is the room-graph distance plus more than any
    distance in the table: such states come after every state the table leads."""

    def __init__(self, world: World, targets: list, start: int, visit_caps: dict | None = None,
                 limit: int = 12_000, max_range: int = 24, penalty: int = 16, index: WorldIndex | None = None,
                 min_rooms: int = 60, max_rooms: int = 250):
        """targets: (room index, conditions, cost): the item is reached in that room, where every
        condition may hold, `cost` moves later (1 for an ending's choice, else 0). visit_caps:
        {slot: cap} for the visit counts the search keeps capped (those its own conditions read
        may then be part of the pattern). index: the world's WorldIndex (made here if not given)."""
        visit_caps = visit_caps or {}
        vars_ = world.vars
        if index is None or index.start != start:
            index = WorldIndex(world, start)
        rooms = index.rooms
        n_all = index.n
        fwd = index.fwd
        d_from = index.d_from
        goal_rooms = sorted({t[0] for t in targets})
        self.d_to = d_to = index.bfs(goal_rooms, index.radj)
        best = min((d_from[g] for g in goal_rooms), default=INF)

        def dom(i):
            if isinstance(i, tuple):
                cap = visit_caps.get(i[1])
                return None if cap is None else tuple(range(cap + 1))
            return var_domain(vars_[i], max_range)

        own: set = set()
        for t in targets:
            for x in t[1]:
                _reads(x, own, visits=True)
        order = lambda i: (isinstance(i, tuple), i if isinstance(i, int) else i[1])  # noqa: E731
        # the region: every room that leads to the item, or the nearest of them when the table
        # would not hold what the item's own condition reads beside them
        ks = [k for t in targets for x in t[1] if x is not None for k in _turn_k(x, [])]
        own_size = 1
        for i in own:
            d = dom(i)
            if d is not None and own_size * len(d) * 2 * min_rooms <= limit:
                own_size *= len(d)
        can = sorted((u for u in range(n_all) if d_to[u] < INF), key=d_to.__getitem__)
        fit = max(min_rooms, min(max_rooms, limit // (2 * own_size)))
        if len(can) > fit:
            radius = d_to[can[fit]]
            can = [u for u in can if d_to[u] < radius] or can[:fit]
        self.whole = len(can) == sum(1 for u in range(n_all) if d_to[u] < INF)
        self.local = local = [-1] * n_all
        for j, u in enumerate(can):
            local[u] = j
        self.n = n = len(can)
        doors = [c for u in can for v, c in fwd[u]
                 if c.cond is not None and best < INF and local[v] >= 0 and d_from[u] + 1 + d_to[v] == best]

        conds = [x for t in targets for x in t[1] if x is not None] + [c.cond for c in doors]
        ks += [k for c in doors for k in _turn_k(c.cond, [])]
        self.k = max(ks) if ks else None
        layers = 2 if self.k is not None else 1
        # the pattern: what the item's own conditions read, then what the doors on the way
        # read, then what guards the choices that set those
        first: set = set()
        for x in conds:
            _reads(x, first)
        setter_reads: set = set()
        for i in first:
            for c in index.writers.get(i, ()):
                setter_reads.update(x for x in index.reads[c.key] if not isinstance(x, tuple))
        pattern: list = []
        size = n * layers
        for group in (sorted(own, key=order), sorted(first), sorted(setter_reads)):
            for i in group:
                d = dom(i)
                if i in pattern or d is None or size * len(d) > limit:
                    continue
                pattern.append(i)
                size *= len(d)
        self.pattern = pattern
        # what the item's own condition reads that the table could not keep (a clock in minutes)
        self.blind = sorted(own - set(pattern), key=order)
        self.doms = doms = [dom(i) for i in pattern]
        combos = list(product(*doms))
        self.n_comb = n_comb = len(combos)
        self.radix = radix = []
        m = 1
        for d in reversed(doms):
            radix.append(m)
            m *= len(d)
        radix.reverse()  # combos are in product() order: the last variable varies fastest
        self.lo = [d[0] for d in doms]
        at = {v: j for j, v in enumerate(pattern)}
        counted = {r.index for r in rooms if ("visits", r.vslot) in at}
        # static choices (their condition and effects read and write no pattern variable and no
        # turn, and they enter no counted room) make the same room move in every combination: one
        # reverse room list holds them; the others are planned once per combination of the few
        # pattern variables each reads (`_ev` is slow). Moves out of the region are left out.
        stat_radj = [[] for _ in range(n)]
        plans = []
        for u in can:
            r = rooms[u]
            for c in r.choices:
                if c.end is not None:
                    continue
                dst = local[index.rix[c.go]] if c.go is not None else local[u]
                if dst < 0:
                    continue
                src = local[u]
                cpos = sorted(at[i] for i in index.reads[c.key] if i in at)
                tdep = self.k is not None and bool(_turn_k(c.cond, []))
                slot = ("visits", rooms[can[dst]].vslot) if c.go is not None and can[dst] in counted else None
                eread: set = set()
                for e in c.effects:
                    if e.var.index in at:
                        eread.add(e.var.index)
                        _reads(e.value, eread)
                if slot is not None:
                    eread.add(slot)
                if not cpos and not tdep and not eread:
                    ok = True if c.cond is None else _ev(c.cond, {})
                    if dst != src and ok is not False:
                        stat_radj[dst].append((src, 1 if ok is True else 1 + penalty))
                elif dst != src or eread:
                    epos = sorted(at[i] for i in eread if i in at)
                    plans.append((src, dst, c, tuple(sorted(set(cpos) | set(epos))), tdep, slot))
        groups: dict = {}  # positions -> {their values: [combinations with them]}

        def grouped(pos):
            g = groups.get(pos)
            if g is None:
                g = groups[pos] = {}
                for j, combo in enumerate(combos):
                    g.setdefault(tuple([combo[q] for q in pos]), []).append(j)
            return g

        rev_dyn: list = [[] for _ in range(n * n_comb * layers)]
        goal_d: list = []
        for layer in range(layers):
            late = layer == 1
            off = layer * n_comb
            for src, dst, c, pos, tdep, slot in plans:
                for key, js in grouped(pos).items():
                    env = dict(zip(pattern, combos[js[0]]))
                    ok = True if c.cond is None else _ev_layer(c.cond, env, self.k, late)
                    if ok is False:
                        continue
                    w = 1 if ok is True else 1 + penalty
                    # a gate: open only once the turn has come (the wait is counted from it)
                    gate = late and tdep and ok is True and _ev_layer(c.cond, env, self.k, False) is not True
                    deltas = {sum((o[v] - env[v]) * radix[at[v]] for v in pattern)
                              for o in _outs(c, env, pattern, doms, vars_, slot)}
                    for dj in deltas:
                        if not dj and dst == src:
                            continue
                        shift = dj * n + dst - src
                        for j in js:
                            u = (off + j) * n + src
                            rev_dyn[u + shift].append((u, w, gate))
            for room, tconds, cost in targets:
                pos = tuple(sorted({at[i] for x in tconds for i in _reads(x, set(), visits=True) if i in at}))
                for key, js in grouped(pos).items():
                    env = dict(zip(pattern, combos[js[0]]))
                    if all(x is None or _ev_layer(x, env, self.k, late) is not False for x in tconds):
                        goal_d.extend((cost, (off + j) * n + local[room]) for j in js)
        # Dijkstra backwards from the item
        dist = [INF] * (n * n_comb * layers)
        pre = [-1] * len(dist)  # moves to the first gate on the way (-1: none)
        q = []
        for cost, node in goal_d:
            if dist[node] > cost:
                dist[node] = cost
                q.append((cost, node))
        heapq.heapify(q)
        while q:
            du, u = heapq.heappop(q)
            if du > dist[u]:
                continue
            room = u % n
            base = u - room
            pu = pre[u]
            for v, w in stat_radj[room]:
                if dist[base + v] > du + w:
                    dist[base + v] = du + w
                    pre[base + v] = pu if pu < 0 else pu + w
                    heapq.heappush(q, (du + w, base + v))
            for v, w, gate in rev_dyn[u]:
                if dist[v] > du + w:
                    dist[v] = du + w
                    pre[v] = 0 if gate else pu if pu < 0 else pu + w
                    heapq.heappush(q, (du + w, v))
        self.dist = dist
        self.pre = pre
        # beyond the region: more than any distance in it, plus the way to it
        self.far = 1 + max((x for x in dist if x < INF), default=0)

    def __call__(self, room: int, vals, turn: int | None) -> float:
        """The guide's distance from a state: its room, its values of the pattern's variables (in
        pattern order) and its turn (None when not kept)."""
        h = self._in(room, vals, turn)
        if h >= INF and not self.whole and self.d_to[room] < INF:
            return self.far + self.d_to[room]  # what it needs may lie beyond the region
        return h

    def _in(self, room: int, vals, turn: int | None) -> float:
        r = self.local[room]
        if r < 0:
            return INF
        n = self.n
        j = 0
        for v, lo, rx in zip(vals, self.lo, self.radix):
            j += (v - lo) * rx
        early = self.dist[j * n + r]
        if self.k is None:
            return early
        at = (self.n_comb + j) * n + r
        late = self.dist[at]
        if turn is not None and turn >= self.k:
            return late
        # the late way: walk to its first gate while the turn comes, then on
        pre = self.pre[at]
        h = min(early, late if pre < 0 else late + max(0, self.k - (turn or 0) - pre))
        return h if h < INF else 10 ** 6  # the turn may pass k on a way the early layer does not show


def _outs(c, env: dict, pattern: list, doms: list, vars_, slot=None) -> list:
    """The pattern values after choice c's effects from `env` (several when one is unknown), and
    its entry into a room whose count (`slot`) is in the pattern."""
    outs = [env]
    if slot is not None:
        o = dict(env)
        o[slot] = min(o[slot] + 1, doms[pattern.index(slot)][-1])
        outs = [o]
    for ef in c.effects:
        i = ef.var.index
        if i not in env:
            continue
        nouts = []
        for o in outs:
            val = _ev(ef.value, o)
            if val is not U and ef.op != "=":
                val = o[i] + val if ef.op == "+=" else o[i] - val
            for v in assigned(vars_[i], val, doms[pattern.index(i)]):
                o2 = dict(o)
                o2[i] = v
                nouts.append(o2)
        outs = nouts
    return outs

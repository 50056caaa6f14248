"""Exhaustive exploration of the states a world can reach, for `check`, `graph` and routes.

A breadth-first search over abstract states, using the engine's own semantics (`start`, `step`,
`options` in core/engine.py; `tests/test_explore.py` proves the fast successor function below equal to
`engine.step`, and the fast path's search equal to the general one). An abstract state is:

- the room;
- every declared value, exactly;
- the once-only choices already taken (a bit each);
- `visits.<room>` only for rooms whose visits some expression reads, and `turn` only if some
  expression reads it;
- the PRNG state, only when exploring with one seed (see *dice* below).

**The visits/turn abstraction.** Visit counts and the turn only ever grow, so a loop between two
rooms would make the state space infinite. When every expression that reads `visits.R` (or
`turn`) reads it as `visits.R <op> K` or `K <op> visits.R`, where `<op>` is a comparison and `K`
an expression without names, then every such comparison has the same outcome for all counts
`>= M`, where `M` is the largest such `K` plus one. So the count is stored as `min(count, M)`:
states that differ only above the cap behave identically for ever after (counts never go down,
and `min(c + 1, M) == min(min(c, M) + 1, M)`), and no text can show a count (text slots name only
declared state). Counts read any other way (arithmetic, compared with a variable) are kept
exactly; the search then relies on its budget.

**Dice.** With `seed=None` (the default) a call of `random(lo, hi)` branches into every outcome
from `lo` to `hi`: what is found reachable is reachable with some rolls, and what is found
unreachable is unreachable whatever the seed. Ranges wider than `MAX_DICE` outcomes are sampled
(and the result is marked incomplete), and so are the outcomes of one move when their product
(over all its calls) exceeds `MAX_OUTCOMES`: `MAX_DICE` seeded rolls, plus every call at its low
end and every call at its high end. With `seed=S` the PRNG state is part of the state and the
search follows the engine exactly for games started with seed S: every route then replays with
`engine.replay(world, route, S)`.

**Budget.** The search stops after `max_states` abstract states or `max_seconds`; `complete`
says whether every reachable state was explored, and `depth` how many moves deep every play was
covered. Facts found (a room reached, a soft-lock) hold either way; facts of absence
(unreachable, always true) are proved only when `complete`. The time budget is also checked
inside one state's expansion (while its choices and their dice run), and an expansion whose
moves exceed `max(max_states, MAX_MOVES)` stops the search at the state budget.

**Fast path.** When the whole abstract state packs into one int (every counter bounded, every
count read is capped, no dice: `states.Codec.has_tail` is False and no effect calls `random`),
`Explorer.run` hands the search to `fastsearch.FastSearch`, which finds the very same
`Exploration` (same states in the same order, same witnesses, same counts) several times faster
and in a fraction of the memory: keys stay ints and are never decoded; conditions and effects are
compiled (into tables indexed by the bits they read, or closures over the key: never source text)
once per distinct expression; rooms with few repeatable choices map those bits straight to their
enabled moves; the keys found are marked in a bytearray (or a dict) instead of a key-to-id map, as
every new state's parent is the state being expanded. `Explorer.successors`, `start_key`,
`from_state`, `to_state` and `codec` are the general ones either way; `Exploration.keys` is then
an `array("q")` of ints (when keys fit in 63 bits). `run(..., fast=False)` forces the general
search (the tests compare the two).

Routes: `Exploration.route_to_ending(e)` is a shortest list of choice ids (fewest moves) to ending
`e`, also when the search stopped at its budget (breadth first finds each ending first at its
least depth); `shortest_routes(world)` returns one per ending found, and stops searching once all
are found (`explore(..., until_endings=...)`). With one seed and a sticky choice that rolls dice,
the PRNG state makes the space effectively unbounded: routes are still found, completeness not.

Used by: cli/check.py (with findings.py), cli/graph.py, cli/route.py, analysis/routes.py, api/env.py.
Abstract states (which counts are tracked, how a state packs into an int) are in states.py.
"""

from __future__ import annotations

import time
from array import array
from ..core.record import Record
from .fastsearch import NO_STATE, FastSearch
from .fastsearch import applies as fast_applies
from ..core.expr import INT_MAX, INT_MIN, Node, compile_node
from ..core.model import State, World
from ..core.steps import Branch
from ..core.rng import roll, seed_state
from .semantics import DAY, GeneralMoves, OverBudget, dice_picks, steps_roll, world_rolls
from .states import Abstraction, Codec, expression_nodes

__all__ = [
    "Abstraction", "Explorer", "Exploration", "explore", "shortest_routes", "find_seed",
    "expression_nodes", "MAX_DICE", "MAX_OUTCOMES", "MAX_MOVES",
]

MAX_DICE = 1000  # outcomes of one random() call enumerated; wider ranges are sampled
MAX_OUTCOMES = 4096  # dice outcomes of one move (the product over its calls); more are sampled
MAX_MOVES = 100_000  # moves of one state, unless the state budget is larger


_OverBudget = OverBudget  # raised inside a state's expansion when the search's budget runs out there


# ---------------------------------------------------------------- running choices


class _Env:
    """What compiled expressions read (like model.Env), with dice that can be forced."""

    __slots__ = ("v", "visits", "turn", "rng", "forced", "pos", "ranges", "high")

    def __init__(self, v, visits, turn, rng=0, forced=None, high=False):
        self.v = v
        self.visits = visits
        self.turn = turn
        self.rng = rng
        self.forced = forced
        self.pos = 0
        self.ranges: list = []
        self.high = high  # past the forced prefix: every call at its high end, not its low end

    def random(self, lo: int, hi: int) -> int:
        if self.forced is None:
            self.rng, r = roll(self.rng, lo, hi)
            return r
        if lo > hi:
            lo, hi = hi, lo
        p = self.pos
        self.pos += 1
        if p < len(self.forced):
            return self.forced[p]
        self.ranges.append((lo, hi))
        return hi if self.high else lo


def _sat(x: int) -> int:
    return INT_MAX if x > INT_MAX else INT_MIN if x < INT_MIN else x


def _compile_effect(e) -> tuple:
    """(slot, calc(env) -> the value before clamping, lo, hi): engine semantics (expr.compile_effect)
    with the unclamped value kept, so the search can report effects that hit a bound."""
    i = e.var.index
    f = compile_node(e.value)
    if e.op == "=":
        calc = f
    elif e.op == "+=":
        def calc(env, f=f, i=i):
            return _sat(env.v[i] + f(env))
    else:
        def calc(env, f=f, i=i):
            return _sat(env.v[i] - f(env))
    lo = hi = None
    if e.var.type == "int":
        lo, hi = e.var.lo, e.var.hi
    return i, calc, lo, hi


def _uses_random(n: Node) -> bool:
    if n.__class__ is not Node:  # a step: an effect, or a branch (its condition and steps)
        return steps_roll((n,))
    return (n.op == "call" and n.value == "random") or any(_uses_random(a) for a in n.args)


class _C(Record):
    """A choice, compiled for the search.

    g: its global index, in room order then choice order; choice; test: its condition, compiled,
    or None; once_bit: 0 when not once-only; effects; dice: whether they roll; slots: the value
    slots its effects write; go: room index, or -1; end: None, True, or an ending id.
    """

    __slots__ = _fields = ("g", "choice", "test", "once_bit", "effects", "dice", "slots", "go", "end")


# ---------------------------------------------------------------- results


class Exploration:
    """What a search found (filled in as it runs). State ids index `parent`/`via`; id 0 is the start.

    complete: every reachable state was explored; stopped: why not ("", "states", "seconds",
    "found", "dice"); states: abstract non-ending states found; depth: every play of up to this
    many moves was covered. The first witness of each fact is (parent state id, choice index g)
    of the move that made it: rooms {room id: witness, (-1, -1) for the start}, texts {(room id,
    text_if index): witness}, endings {ending id: witness}. choices {choice key: a state id where
    it is available}; end_targets {choice key: ending ids it reached}; softlocks {room id: the
    first state id with no choice}; conds {key: [times true, times false]} for conditions where
    they stand; out_of_bounds {(choice key, effect index): (state id, unclamped value)} for
    effects that hit a bound. keys: by state id (an array of ints on the fast path).
    """

    __slots__ = ("world", "seed", "abstraction", "complete", "stopped", "states", "expanded", "depth",
                 "seconds", "rooms", "choices", "texts", "endings", "end_targets", "softlocks",
                 "softlock_count", "conds", "out_of_bounds", "parent", "via", "keys", "explorer")

    def __init__(self, world: World, seed: int | None, abstraction: Abstraction,
                 explorer: "Explorer | None" = None):
        self.world = world
        self.seed = seed
        self.abstraction = abstraction
        self.explorer = explorer
        self.complete = False
        self.stopped = ""
        self.states = self.expanded = self.depth = self.softlock_count = 0
        self.seconds = 0.0
        self.rooms: dict = {}
        self.choices: dict = {}
        self.texts: dict = {}
        self.endings: dict = {}
        self.end_targets: dict = {}
        self.softlocks: dict = {}
        self.conds: dict = {}
        self.out_of_bounds: dict = {}
        self.parent = array("i")
        self.via = array("i")
        self.keys: list = []

    def route(self, state_id: int) -> list[str]:
        """Choice ids of a shortest play from the start to a state."""
        out = []
        by_g = self.explorer.by_g
        while state_id > 0:
            g = self.via[state_id]
            if g < -1:  # the start of a new day: after the move -g - 3 ended the day, or a quit (-1)
                out.append(DAY)
                g = -g - 3
            if g >= 0:
                out.append(by_g[g].choice.id)
            state_id = self.parent[state_id]
        out.reverse()
        return out

    def route_via(self, witness: tuple) -> list[str]:
        """The route for a (parent, g) witness: to the parent, then that choice."""
        parent, g = witness
        if g < -1:  # entered by the start of a new day (see route)
            return self.route(parent) + ([self.explorer.by_g[-g - 3].choice.id] if g < -2 else []) + [DAY]
        if g < 0:
            return []
        return self.route(parent) + [self.explorer.by_g[g].choice.id]

    def route_to_ending(self, ending_id: str) -> list[str] | None:
        w = self.endings.get(ending_id)
        return None if w is None else self.route_via(w)

    def state(self, state_id: int) -> State:
        """The engine State for an explored state (counts as the abstraction keeps them)."""
        return self.explorer.to_state(self.keys[state_id])

    def values_seen(self, limit: int = 10_000) -> dict[str, set]:
        """For each declared name, the values it takes in explored states (at most `limit` each)."""
        out = {v.name: set() for v in self.world.vars}
        names = [v.name for v in self.world.vars]
        dec = self.explorer.codec.decode
        for key in self.keys:
            vals = dec(key)[1]
            for n, x in zip(names, vals):
                s = out[n]
                if len(s) < limit:
                    s.add(x)
        return out

    def summary(self) -> dict:
        return {
            "complete": self.complete,
            "stopped": self.stopped or None,
            "states": self.states,
            "depth": self.depth,
            "seconds": round(self.seconds, 3),
            "dice": "all outcomes" if self.seed is None else f"seed {self.seed}",
            "abstraction": self.abstraction.describe(self.world),
        }


# ---------------------------------------------------------------- the search


class Explorer:
    """Successor function and breadth-first search over a world's abstract states."""

    def __init__(self, world: World, seed: int | None = None, abstraction: Abstraction | None = None):
        self.world = world
        self.seed = seed
        self.ab = abstraction or Abstraction.for_world(world)
        self.room_ids = list(world.room_order)
        rix = {r: i for i, r in enumerate(self.room_ids)}
        self.rix = rix
        self.by_g: list[_C] = []
        self.room_choices: list[list[_C]] = []
        self.once_keys: list[str] = []
        compiled: dict = {}  # effect -> (compiled, rolls dice): big worlds repeat their effects
        # a world that is not plain moves by the engine's own `_move` (semantics.py); its choices'
        # steps are not compiled here
        self.general = not world.plain
        for rid in self.room_ids:
            lst = []
            for c in world.rooms[rid].choices:
                bit = 0
                if c.once:
                    bit = 1 << len(self.once_keys)
                    self.once_keys.append(c.key)
                effects = []
                dice = False
                for e in (() if self.general else c.effects):
                    got = compiled.get(e)
                    if got is None:
                        got = compiled[e] = (_compile_effect(e), _uses_random(e.value))
                    effects.append(got[0])
                    dice = dice or got[1]
                cc = _C(len(self.by_g), c, c.test, bit, tuple(effects), dice,
                        tuple(sorted({e.var.index for e in c.effects})) if not self.general else
                        tuple(sorted({e.var.index for e in c.effects if e.__class__ is not Branch
                                      and e.var.type == "int" and not world.vars[e.var.index].clamp})),
                        rix[c.go] if c.go is not None and c.end is None and not c.next else -1, c.end)
                self.by_g.append(cc)
                lst.append(cc)
            self.room_choices.append(lst)
        # a once-only rule's firing is a once-only key too ("rule:<id>", in State.used)
        self.once_keys += [r.key for r in world.rules if r.once]
        self.once_bit = {k: 1 << i for i, k in enumerate(self.once_keys)}
        self.text_tests = [[t.test for t in world.rooms[rid].text_if] for rid in self.room_ids]
        # what `end = true` picks from: never a by-name ending (engine.resolve_ending)
        self.endings = [(e.id, e.test) for e in world.resolvable] or [(world.endings[-1].id, None)]
        self.shadows: dict = {}  # ending id -> an earlier ending that won where its `when` held too
        # the PRNG state is tracked only when one seed is followed and some move rolls dice
        dice = any(c.dice for c in self.by_g) or (self.general and world_rolls(world))
        self.track_rng = seed is not None and dice
        self.rng0 = seed_state(seed) if seed is not None else 0
        with_stack = any(c.call for r in world.rooms.values() for c in r.choices)
        self.codec = Codec(world, self.ab, len(self.once_keys), self.track_rng, with_stack)
        # persistent values make a play a list of days: an ending starts a new game (days())
        self.persist = any(v.persist for v in world.vars)
        self._days: dict = {}
        self._resolving = any(r.end is True for r in world.rules)
        self.moves_general = GeneralMoves(self) if self.general else None
        self.vcap = {r: cap for r, cap in self.ab.visits.items()}  # by slot in State.visits
        self.room_slot = [world.rooms[rid].vslot for rid in self.room_ids]
        self.turn_cap = self.ab.turn  # False, None or an int

    # -- conversions (for tests and routes)
    def start_key(self, carried=None):
        """The key of a new game: the defaults, or with `carried` (a dict of persistent values)."""
        world = self.world
        if self.general or carried:
            from ..core.engine import start

            return self.from_state(start(world, self.seed if self.seed is not None else 0, carried).state)
        visits = [0] * len(world.tracked)
        s = self.rix[world.start]
        v = world.rooms[world.start].vslot
        if v in self.vcap:
            visits[v] = 1 if self.vcap[v] is None else min(1, self.vcap[v])
        rng = seed_state(self.seed) if self.seed is not None else 0
        return self.codec.encode(s, world.defaults, visits, 0, 0, rng)

    def day_key(self, values):
        """The key of the next day's start after a game that ended with `values` (persistent worlds)."""
        carried = tuple(values[v.index] for v in self.world.vars if v.persist)
        k = self._days.get(carried)
        if k is None:
            names = [v.name for v in self.world.vars if v.persist]
            k = self._days[carried] = self.start_key(dict(zip(names, carried)))
        return k

    def may_resolve(self, c) -> bool:
        """Whether a move by choice c may end the game by `end = true` (resolving the endings)."""
        return c.end is True or self._resolving or any(n.end is True for n in c.next)

    def from_state(self, st: State):
        visits = [0] * len(self.world.tracked)
        for r, cap in self.vcap.items():
            visits[r] = st.visits[r] if cap is None else min(st.visits[r], cap)
        turn = 0 if self.turn_cap is False else st.turn if self.turn_cap is None else min(st.turn, self.turn_cap)
        used = 0
        for i, k in enumerate(self.once_keys):
            if k in st.used:
                used |= 1 << i
        rng = st.rng if self.track_rng else 0
        return self.codec.encode(self.rix[st.room], st.values, visits, used, turn, rng, st.stack)

    def to_state(self, key, ending: str | None = None) -> State:
        room, values, visits, used, turn, rng = self.codec.decode(key)
        keys = frozenset(k for i, k in enumerate(self.once_keys) if used >> i & 1)
        if not self.track_rng:
            rng = self.rng0
        st = State(self.room_ids[room], values, tuple(visits), keys, turn, rng, ending, self.codec.stack(key),
                   (0,) * len(self.world.seen))
        st._world = self.world
        st._room = self.world.rooms[st.room]
        return st

    # -- one state's moves
    def _bump_turn(self, turn: int) -> int:
        cap = self.turn_cap
        if cap is False:
            return 0
        if cap is None:
            return turn + 1
        return turn + 1 if turn < cap else cap

    def _run(self, c: _C, values, visits, turn, rng, forced, oob, high=False):
        """Apply c's effects; returns (values, rng, env)."""
        env = _Env(list(values), visits, turn, rng, forced, high)
        v = env.v
        for j, (i, calc, lo, hi) in enumerate(c.effects):
            x = calc(env)
            if lo is not None and x < lo:
                oob.append((j, x))
                x = lo
            elif hi is not None and x > hi:
                oob.append((j, x))
                x = hi
            v[i] = x
        return tuple(v), env.rng, env

    def outcomes(self, c: _C, values, visits, turn, rng, oob: list, deadline: float | None = None):
        """Every (values, rng) that taking c can produce: one, or one per dice outcome (each
        distinct result once). Beyond MAX_OUTCOMES runs of the effects, a sample (see the module
        docstring); raises _OverBudget when the clock passes `deadline`."""
        if not c.effects:
            return [(values, rng)], False
        if self.seed is not None or not c.dice:
            vals, rng2, _ = self._run(c, values, visits, turn, rng, None, oob)
            return [(vals, rng2)], False
        # every call at its low end; the ranges met on the way estimate the product
        low, _, env = self._run(c, values, visits, turn, 0, (), oob)
        product = 1
        for lo, hi in env.ranges:
            product *= min(hi - lo + 1, MAX_DICE)
            if product > MAX_OUTCOMES:
                return self._sample(c, values, visits, turn, oob, low, deadline), True
        seen: set = set()
        out = []
        sampled = False
        stack = [()]
        runs = 0
        while stack:
            runs += 1
            if runs > MAX_OUTCOMES:  # later ranges depend on earlier rolls and grew: sample
                return self._sample(c, values, visits, turn, oob, low, deadline), True
            if deadline is not None and not runs & 63 and time.monotonic() > deadline:
                raise _OverBudget("seconds")
            prefix = stack.pop()
            vals, _, env = self._run(c, values, visits, turn, 0, prefix, oob)
            if not env.ranges:
                if vals not in seen:
                    seen.add(vals)
                    out.append((vals, 0))
                continue
            picks, wide = dice_picks(*env.ranges[0])
            sampled = sampled or wide
            for x in reversed(picks):
                stack.append(prefix + (x,))
        return out, sampled

    def _sample(self, c: _C, values, visits, turn, oob: list, low, deadline):
        """MAX_DICE outcomes of c rolled with seeds 0, 1, ..., after the all-low and all-high ones."""
        high = self._run(c, values, visits, turn, 0, (), oob, high=True)[0]
        out = [(low, 0)]
        seen = {low}
        if high not in seen:
            seen.add(high)
            out.append((high, 0))
        for k in range(MAX_DICE):
            if deadline is not None and not k & 63 and time.monotonic() > deadline:
                raise _OverBudget("seconds")
            vals = self._run(c, values, visits, turn, seed_state(k), None, oob)[0]
            if vals not in seen:
                seen.add(vals)
                out.append((vals, 0))
        return out

    def successors(self, key) -> list[tuple]:
        """The moves from a state, in option order: (choice g, next key or None, ending id or None)
        for each enabled choice and each dice outcome. The search uses the same `_expand`."""
        return [(m[0].g, m[2], m[1]) for m in self._expand(key, *self.codec.decode(key), None, None)[0]]

    def _expand(self, key, room, values, visits, used, turn, rng, conds, oob, budget=None):
        """(moves, sampled): moves are (choice, ending or None, next key or None, dest room or -1,
        values, visits, turn) for each enabled choice and dice outcome. Records condition outcomes
        into conds and bound hits into oob (a list of (choice, effect index, value)) when given.
        budget: None, or (deadline or None, most moves): raises _OverBudget past either."""
        if self.general:
            return self.moves_general.expand(key, conds, budget, oob)
        deadline, max_moves = budget if budget is not None else (None, None)
        env = _Env(values, visits, turn, rng)
        moves = []
        sampled = False
        turn2 = self._bump_turn(turn)
        codec = self.codec
        patch = codec.patch
        base: list = []
        if turn2 != turn:
            base.append((codec.turn_field, turn2))
        value_field = codec.value_field
        for n, c in enumerate(self.room_choices[room], 1):
            if used & c.once_bit:
                continue
            if deadline is not None and not n & 1023 and time.monotonic() > deadline:
                raise _OverBudget("seconds")
            if c.test is not None:
                ok = c.test(env)
                if conds is not None:
                    conds[("choice", c.choice.key)][0 if ok else 1] += 1
                if not ok:
                    continue
            if c.effects:
                hits: list = []
                outs, smp = self.outcomes(c, values, visits, turn, rng, hits, deadline)
                sampled = sampled or smp
                if oob is not None:
                    oob.extend((c, j, x) for j, x in hits)
            else:
                outs = ((values, rng),)
            up = list(base)
            if c.once_bit:
                up.append((codec.used_field, used | c.once_bit))
            vis = visits
            if c.go >= 0:
                dest = c.go
                up.append((codec.room_field, dest))
                slot = self.room_slot[dest]
                cap = self.vcap.get(slot, False)
                if cap is not False and (cap is None or visits[slot] < cap):
                    vis = list(visits)
                    vis[slot] += 1
                    up.append((codec.visit_field[slot], vis[slot]))
            for vals, rng2 in outs:
                if c.end is not None:
                    ending = self._resolve(_Env(vals, visits, turn2), conds) if c.end is True else c.end
                    moves.append((c, ending, None, -1, vals, visits, turn2))
                    continue
                u = up
                if c.slots or rng2 != rng:
                    u = list(up)
                    for i in c.slots:
                        if vals[i] != values[i]:
                            u.append((value_field[i], vals[i]))
                    if rng2 != rng:
                        u.append((codec.rng_field, rng2))
                moves.append((c, None, patch(key, u), c.go, vals, vis, turn2))
            if max_moves is not None and len(moves) > max_moves:
                raise _OverBudget("states")
        return moves, sampled

    def _resolve(self, env, conds) -> str:
        won = None
        for eid, test in self.endings:
            if test is None:
                won = won or eid
                break
            ok = bool(test(env))
            if won is not None:  # beaten: note that it held where an earlier ending won
                if ok and conds is not None:
                    self.shadows.setdefault(eid, won)
                continue
            if conds is not None:
                conds[("ending", eid)][0 if ok else 1] += 1
            if ok:
                won = eid
                if conds is None:
                    break
        return won or self.endings[-1][0]

    # -- the search
    def new_exploration(self) -> "Exploration":
        """An empty Exploration, every condition's outcome counts at zero (both searches start here)."""
        world = self.world
        ex = Exploration(world, self.seed, self.ab, explorer=self)
        conds = ex.conds
        for r in world.rooms.values():
            for i in range(len(r.text_if)):
                conds[("text", r.id, i)] = [0, 0]
            for c in r.choices:
                if c.cond is not None:
                    conds[("choice", c.key)] = [0, 0]
        for e in world.endings:
            if e.when is not None:
                conds[("ending", e.id)] = [0, 0]
        return ex

    def run(self, max_states: int = 1_000_000, max_seconds: float | None = None,
            until_endings=None, fast: bool = True) -> Exploration:
        """Breadth first from `start_key()`. With `until_endings` (ending ids), stop as soon as all
        of them are found (`stopped == "found"`): their routes are then already shortest.

        The fast path (see the module docstring) is taken when the world allows it, unless `fast`
        is False (for tests: both paths give the same Exploration)."""
        until = set(until_endings) if until_endings is not None else None
        t0 = time.monotonic()
        if fast and fast_applies(self):
            return FastSearch(self).run(max_states, max_seconds, until, t0)
        world = self.world
        ex = self.new_exploration()
        conds = ex.conds

        index: dict = {}
        keys = ex.keys
        parent, via = ex.parent, ex.via
        start = self.start_key()
        index[start] = 0
        entered = bytearray(b"\x01")
        keys.append(start)
        parent.append(NO_STATE)
        via.append(NO_STATE)
        ex.rooms[world.start] = (NO_STATE, NO_STATE)
        s_room, s_values, s_visits, _, s_turn, _ = self.codec.decode(start)
        self._texts(ex, s_room, s_values, s_visits, s_turn, (NO_STATE, NO_STATE))

        room_ids = self.room_ids
        decode = self.codec.decode
        expand = self._expand
        level_end = 1  # every state with id < level_end is at most `depth` moves from the start
        depth = 0
        head = 0
        stopped = ""
        sampled = False
        oob: list = []
        budget = (None if max_seconds is None else t0 + max_seconds, max(max_states, MAX_MOVES))
        while head < len(keys):
            if stopped:  # "found": every ending asked for is found
                break
            if head == level_end:
                depth += 1
                level_end = len(keys)
            if len(keys) > max_states:
                stopped = "states"
                break
            if max_seconds is not None and head & 255 == 0 and time.monotonic() - t0 > max_seconds:
                stopped = "seconds"
                break
            sid = head
            head += 1
            key = keys[sid]
            room, values, visits, used, turn, rng = decode(key)
            try:
                moves, smp = expand(key, room, values, visits, used, turn, rng, conds, oob, budget)
            except _OverBudget as e:  # this state is left unexpanded
                stopped = e.reason
                head = sid
                oob.clear()
                break
            if smp:
                sampled = True
            if oob:
                for c, j, x in oob:
                    ex.out_of_bounds.setdefault((c.choice.key, j), (sid, x))
                oob.clear()
            if self.persist:  # the player may quit now: the next game carries the values so far
                self._new_day(ex, index, entered, sid, -1, values)
            if not moves:
                ex.softlock_count += 1
                ex.softlocks.setdefault(room_ids[room], sid)
                continue
            for c, ending, nk, dest, vals, vis, turn2 in moves:
                ck = c.choice.key
                if ck not in ex.choices:
                    ex.choices[ck] = sid
                if ending is not None:
                    ex.end_targets.setdefault(ck, set()).add(ending)
                    if ending not in ex.endings:
                        ex.endings[ending] = (sid, c.g)
                        if until is not None and until <= ex.endings.keys():
                            stopped = "found"
                    if self.persist:  # a new game starts with the values this one leaves
                        self._new_day(ex, index, entered, sid, c.g, vals)
                    continue
                nid = index.get(nk)
                if nid is None:
                    nid = index[nk] = len(keys)
                    keys.append(nk)
                    parent.append(sid)
                    via.append(c.g)
                    entered.append(0)
                if dest >= 0:
                    rid = room_ids[dest]
                    if rid not in ex.rooms:
                        ex.rooms[rid] = (sid, c.g)
                    # a room's texts depend only on the state entered: evaluate them once per state
                    if not entered[nid]:
                        entered[nid] = 1
                        self._texts(ex, dest, vals, vis, turn2, (sid, c.g))
        ex.expanded = head
        ex.states = len(keys)
        ex.depth = depth
        if stopped:
            ex.stopped = stopped
        elif sampled:
            ex.stopped = "dice"
        else:
            ex.complete = True
        ex.seconds = time.monotonic() - t0
        return ex

    def _new_day(self, ex: Exploration, index: dict, entered, sid: int, g: int, values) -> None:
        """Add the start of the next day after state sid (and move g, or -1: a quit)."""
        nk = self.day_key(values)
        if nk in index:
            return
        index[nk] = len(ex.keys)
        ex.keys.append(nk)
        ex.parent.append(sid)
        ex.via.append(-g - 3)
        entered.append(1)
        room, vals, visits, _, turn, _ = self.codec.decode(nk)
        self._texts(ex, room, vals, visits, turn, (sid, -g - 3))

    def _texts(self, ex: Exploration, room: int, values, visits, turn, witness) -> None:
        tests = self.text_tests[room]
        if not tests:
            return
        env = _Env(values, visits, turn)
        rid = self.room_ids[room]
        conds = ex.conds
        for i, t in enumerate(tests):
            ok = t(env)
            conds[("text", rid, i)][0 if ok else 1] += 1
            if ok and (rid, i) not in ex.texts:
                ex.texts[(rid, i)] = witness


def explore(world: World, *, seed: int | None = None, max_states: int = 1_000_000,
            max_seconds: float | None = None, abstraction: Abstraction | None = None,
            until_endings=None) -> Exploration:
    """Search the world's reachable states; see the module docstring and `Explorer.run`."""
    return Explorer(world, seed, abstraction).run(max_states, max_seconds, until_endings)


def shortest_routes(world: World, *, seed: int | None = 0, max_states: int = 1_000_000,
                    max_seconds: float | None = None) -> dict[str, list[str]]:
    """{ending id: a shortest list of choice ids reaching it}, for the endings found reachable.

    The search stops as soon as every ending is found. A route found is shortest even when the
    search stops at its budget (breadth first finds each ending first at its least depth); an
    ending missing from the result is unreachable only if the search finished, which
    `explore(...).complete` tells.

    With seed S (default 0) each route replays exactly with `engine.replay(world, route, S)`.
    With seed=None dice may be needed to fall a certain way; `find_seed` finds a seed for a route.
    """
    ex = explore(world, seed=seed, max_states=max_states, max_seconds=max_seconds,
                 until_endings=[e.id for e in world.endings])
    return {e.id: ex.route_to_ending(e.id) for e in world.endings if e.id in ex.endings}


def find_seed(world: World, moves, ending: str | None = None, tries: int = 1000) -> int | None:
    """The smallest seed in range(tries) with which `moves` replay without error (and, if given,
    reach `ending`), or None."""
    from ..core.engine import replay
    from ..core.errors import ChoiceError

    for s in range(tries):
        try:
            st = replay(world, moves, s).state
        except ChoiceError:
            continue
        if ending is None or st.ending == ending:
            return s
    return None

"""The engine's own moves, driven by the searches, for worlds that use the second language.

A plain world's move is short, and explore.py's `_expand` runs it on packed keys (tests hold it
equal to `engine.step`). A move of the second language (conditional steps, `enter`, rules, `next`,
`call`/`back`) has a long order (core/engine.py, `_move`); rather than copy it, the search calls
that very function on a State made from the key, so there is ONE semantics. Dice are enumerated
by a State whose `random()` is forced (`DiceState`): `_move` makes the new State of the class of
the one it is given, so the rolls of the choice's steps, of `enter` and of the rules are all
forced alike.

Persistent values (`persist = true`) make a play a list of days: each day a game, started with
the values the day before left (`engine.start(world, seed, carried)`). A route through days is a
flat list of choice ids with `DAY` between the days (`split_days` cuts it); `replay_days` plays it
through the engine.
"""

from __future__ import annotations

import time

from ..core.engine import Outcome, RoomEntered, _move, persistent_values, start, step
from ..core.model import State, World
from ..core.rng import seed_state
from ..core.steps import Branch

__all__ = ["DAY", "DiceState", "Dice", "split_days", "join_days", "replay_days", "steps_roll",
           "world_rolls", "entered", "OverBudget", "GeneralMoves"]

MAX_DICE = 1000  # as explore.py: outcomes of one random() call enumerated; wider ranges are sampled
MAX_OUTCOMES = 4096  # dice outcomes of one move; more are sampled


class OverBudget(Exception):
    """Raised inside a state's expansion when the search's budget runs out there."""

    def __init__(self, reason: str):
        self.reason = reason

DAY = "(new day)"  # between two days of a route: never a choice id (ids start with a letter, digit or _)


class Dice:
    """Rolls for one run of a move: the `forced` prefix, then every call at its low end (or its
    high end, `high`); `ranges` records the (lo, hi) of the calls past the prefix."""

    __slots__ = ("forced", "pos", "ranges", "high")

    def __init__(self, forced=(), high: bool = False):
        self.forced = forced
        self.pos = 0
        self.ranges: list = []
        self.high = high

    def roll(self, lo: int, hi: int) -> int:
        if lo > hi:
            lo, hi = hi, lo
        p = self.pos
        self.pos += 1
        if p < len(self.forced):
            return self.forced[p]
        self.ranges.append((lo, hi))
        return hi if self.high else lo


def dice_picks(lo: int, hi: int) -> tuple:
    """(the outcomes of random(lo, hi) a search enumerates, whether that is a sample): every one,
    or MAX_DICE evenly spread, both ends included, for a wider range."""
    if hi - lo + 1 > MAX_DICE:
        step = (hi - lo) // (MAX_DICE - 1)
        return sorted({lo + k * step for k in range(MAX_DICE - 1)} | {hi}), True
    return range(lo, hi + 1), False


class DiceState(State):
    """A State whose `rng` is a Dice: its rolls are forced (the engine's `_move` makes the new
    State of this class too, carrying the same Dice)."""

    __slots__ = ()

    def random(self, lo: int, hi: int) -> int:
        return self.rng.roll(lo, hi)


def _node_rolls(n) -> bool:
    return (n.op == "call" and n.value == "random") or any(_node_rolls(a) for a in n.args)


def steps_roll(steps) -> bool:
    """Whether steps (effects and branches) may call random()."""
    for s in steps:
        if s.__class__ is Branch:
            if _node_rolls(s.cond) or steps_roll(s.then) or steps_roll(s.other):
                return True
        elif _node_rolls(s.value):
            return True
    return False


def world_rolls(world: World) -> bool:
    """Whether any move of the world may roll dice (steps, conditions read during a move)."""
    for r in world.rooms.values():
        if steps_roll(r.enter):
            return True
        for c in r.choices:
            if steps_roll(c.effects) or any(n.cond is not None and _node_rolls(n.cond) for n in c.next):
                return True
            if c.cond is not None and _node_rolls(c.cond):
                return True
    for rule in world.rules:
        if _node_rolls(rule.when) or steps_roll(rule.steps):
            return True
    return any(e.when is not None and _node_rolls(e.when) for e in world.endings)


def entered(out: Outcome) -> bool:
    """Whether a move entered a room (its last event shows one)."""
    return bool(out.events) and out.events[-1].__class__ is RoomEntered


def split_days(route) -> list[list[str]]:
    """A route's days: the choice ids between the DAY marks."""
    days: list = [[]]
    for m in route:
        if m == DAY:
            days.append([])
        else:
            days[-1].append(m)
    return days


def join_days(days) -> list[str]:
    out: list = []
    for i, d in enumerate(days):
        if i:
            out.append(DAY)
        out.extend(d)
    return out


def replay_days(world: World, route, seed: int = 0) -> Outcome:
    """Play a route (DAY between days) through the engine; the last day's outcome, all its events.
    Each day starts with the persistent values the day before left, as the store keeps them
    whenever one changes (a day may end the game, or be left mid-game). Raises ChoiceError as
    engine.step does."""
    days = split_days(route)
    carried = None
    for k, moves in enumerate(days):
        out = start(world, seed, carried)
        state, events = out.state, list(out.events)
        for m in moves:
            o = step(world, state, m)
            state = o.state
            events.extend(o.events)
        carried = persistent_values(world, state)
    return Outcome(state, tuple(events))


def rolled_state(st: State, rng) -> State:
    """A copy of `st` for one run of a move: a DiceState with Dice `rng`, or a State with the
    PRNG state `rng` (an int)."""
    cls = DiceState if rng.__class__ is Dice else State
    out = cls(st.room, st.values, st.visits, st.used, st.turn, rng, None, st.stack, st.seen)
    out._world = st._world
    out._room = st._room
    return out


class GeneralMoves:
    """The moves from an explorer's key, by the engine's `_move` (explore.py's `_expand` for worlds
    that are not plain). The key is made into a State (`xp.to_state`), each available choice is
    taken, once per dice outcome (every outcome with seed None, else the seed's rolls), and the
    State after the move is cut back to a key: counts capped as the abstraction says, the texts'
    counts (State.seen) dropped: they only pick text."""

    def __init__(self, xp):
        self.xp = xp
        self.world = xp.world
        self.zero_seen = (0,) * len(xp.world.seen)
        self.rule_bits = [(1 << xp.once_keys.index(r.key)) if r.once else 0 for r in xp.world.rules]

    def key_of(self, st: State):
        xp = self.xp
        visits = [0] * len(xp.world.tracked)
        for r, cap in xp.vcap.items():
            x = st.visits[r]
            visits[r] = x if cap is None or x < cap else cap
        cap = xp.turn_cap
        turn = 0 if cap is False else st.turn if cap is None or st.turn < cap else cap
        used = 0
        bits = xp.once_bit
        for k in st.used:
            used |= bits.get(k, 0)
        rng = st.rng if xp.track_rng else 0
        return xp.codec.encode(xp.rix[st.room], st.values, visits, used, turn, rng, st.stack), visits, turn

    def runs(self, st: State, room, c, once, deadline):
        """[(State after the move, its Outcome)], one per dice outcome (each distinct one once),
        and whether they were sampled."""
        world = self.world
        if self.xp.seed is not None:
            o = _move(world, rolled_state(st, st.rng), room, c, once)
            return [o], False
        d = Dice()
        o = _move(world, rolled_state(st, d), room, c, once)
        if not d.ranges:
            return [o], False
        product = 1
        for lo, hi in d.ranges:
            product *= min(hi - lo + 1, MAX_DICE)
        if product > MAX_OUTCOMES:
            return self._sample(st, room, c, once, o, deadline), True
        out, seen = [], set()
        stack = [()]
        runs = 0
        sampled = False
        while stack:
            runs += 1
            if runs > MAX_OUTCOMES:  # later ranges depend on earlier rolls and grew: sample
                return self._sample(st, room, c, once, o, deadline), True
            if deadline is not None and not runs & 63 and time.monotonic() > deadline:
                raise OverBudget("seconds")
            prefix = stack.pop()
            d = Dice(prefix)
            o = _move(world, rolled_state(st, d), room, c, once)
            if not d.ranges:
                k = self._sig(o)
                if k not in seen:
                    seen.add(k)
                    out.append(o)
                continue
            picks, wide = dice_picks(*d.ranges[0])
            sampled = sampled or wide
            for x in reversed(picks):
                stack.append(prefix + (x,))
        return out, sampled

    def _sig(self, o: Outcome):
        s = o.state
        return (s.room, s.values, s.visits, s.used, s.turn, s.ending, s.stack)

    def _sample(self, st, room, c, once, low, deadline):
        world = self.world
        out, seen = [low], {self._sig(low)}
        high = _move(world, rolled_state(st, Dice((), True)), room, c, once)
        for k in range(-1, MAX_DICE):
            if k >= 0:
                if deadline is not None and not k & 63 and time.monotonic() > deadline:
                    raise OverBudget("seconds")
                o = _move(world, rolled_state(st, seed_state(k)), room, c, once)
            else:
                o = high
            sig = self._sig(o)
            if sig not in seen:
                seen.add(sig)
                out.append(o)
        return out

    def bound_hits(self, st: State, ch, oob: list, c) -> None:
        """Record into oob (c, effect index, unclamped value) for the choice's top-level effects that
        would push a declared bound (not `clamp = true`) from `st`: the choice's steps run first in
        a move, on the values before it, so this replays them with the clamps left off. Effects
        inside branches, `enter` and rules are not checked (a warning not given, never a false one);
        a step that rolls dice stops the check (its rolls are the move's own)."""
        from ..core.expr import compile_node

        env = rolled_state(st, Dice((), False))
        env.v = v = list(st.values)
        for j, e in enumerate(ch.effects):
            if e.__class__ is Branch:
                for f in ch.run[j:j + 1]:
                    f(env)
                continue
            if _node_rolls(e.value):
                return
            x = compile_node(e.value)(env)
            var = e.var
            if e.op == "+=":
                x = v[var.index] + x
            elif e.op == "-=":
                x = v[var.index] - x
            if var.type == "int" and not self.world.vars[var.index].clamp:
                if (var.lo is not None and x < var.lo) or (var.hi is not None and x > var.hi):
                    oob.append((c, j, x))
            if var.type == "int":
                x = x if var.lo is None or x >= var.lo else var.lo
                x = x if var.hi is None or x <= var.hi else var.hi
            v[var.index] = x

    def expand(self, key, conds, budget=None, oob=None):
        """(moves, sampled) in explore.py's `_expand` form: (choice, ending or None, next key or
        None, room entered (index) or -1, values, visits, turn) per available choice and outcome;
        condition outcomes are counted into conds (choices' `if`, endings' `when` where an
        `end = true` may have resolved them) when given."""
        xp = self.xp
        deadline, max_moves = budget if budget is not None else (None, None)
        st = xp.to_state(key)
        room = st._room
        moves: list = []
        sampled = False
        for n, c in enumerate(xp.room_choices[xp.rix[st.room]], 1):
            ch = c.choice
            once = ch.key if ch.once else None
            if once is not None and once in st.used:
                continue
            if deadline is not None and not n & 1023 and time.monotonic() > deadline:
                raise OverBudget("seconds")
            if ch.test is not None:
                ok = ch.test(st)
                if conds is not None and ch.cond is not None:
                    conds[("choice", ch.key)][0 if ok else 1] += 1
                if not ok:
                    continue
            if oob is not None and c.slots:
                self.bound_hits(st, ch, oob, c)
            outs, smp = self.runs(st, room, ch, once, deadline)
            sampled = sampled or smp
            for o in outs:
                new = o.state
                if new.ending is not None:
                    if conds is not None and xp.may_resolve(ch):
                        xp._resolve(new, conds)
                    moves.append((c, new.ending, None, -1, new.values, None, None))
                    continue
                nk, vis, turn = self.key_of(new)
                moves.append((c, None, nk, xp.rix[new.room] if entered(o) else -1, new.values, vis, turn))
            if max_moves is not None and len(moves) > max_moves:
                raise OverBudget("states")
        return moves, sampled

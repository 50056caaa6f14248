"""Exhaustive exploration (adventure/analysis/explore.py) against the engine it abstracts.

- the search's successor function equals engine.step, state for state, on random worlds;
- everything random play reaches, a finished exploration reaches (it never misses anything);
- everything exploration reports reachable really is: its route replays through engine.step;
- the visits/turn abstraction and the dice abstraction keep what they promise;
- the fast path (adventure/analysis/fastsearch.py) finds exactly what the general search finds.
"""

import random
import re
import tempfile
from contextlib import contextmanager
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adventure.analysis import fastsearch as fast
from adventure import load_world
from adventure.core.engine import RoomEntered, available_choices, options, start, step
from adventure.analysis.explore import Abstraction, Explorer, explore, find_seed, shortest_routes
from adventure.core.model import Env

from conftest import FIXTURES, WORLDS, quick_and_full, write_world
from strategies import worlds, write

BUDGET = 20_000
SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow])


def replay(world, moves, seed):
    out = start(world, seed)
    state, events = out.state, list(out.events)
    for m in moves:
        o = step(world, state, m)
        state = o.state
        events = list(o.events)
    return state, events


def random_play(world, seed, rnd, max_moves=60):
    """One random game: (rooms entered, choices taken, texts shown on entry, ending, stuck room)."""
    state = start(world, seed).state
    rooms, choices, texts = {state.room}, set(), set()
    texts |= shown_texts(world, state)
    for _ in range(max_moves):
        if state.ending is not None:
            return rooms, choices, texts, state.ending, None
        enabled = available_choices(world, state)
        if not enabled:
            return rooms, choices, texts, None, state.room
        c = rnd.choice(enabled)
        choices.add(c.key)
        state = step(world, state, c.id).state
        if c.go is not None:
            rooms.add(state.room)
            texts |= shown_texts(world, state)
    return rooms, choices, texts, state.ending, None


def shown_texts(world, state):
    env = Env(state.values, state.visits, state.turn)
    return {(state.room, i) for i, t in enumerate(world.rooms[state.room].text_if) if t.test(env)}


# ---------------------------------------------------------------- the successor function


@settings(max_examples=120, **SETTINGS)
@given(worlds(), st.integers(0, 2**32), st.lists(st.integers(0, 100), max_size=30))
def test_successors_equal_engine_step(files, seed, picks):
    """With every count tracked exactly and one seed, the search's moves are engine.step's."""
    with tempfile.TemporaryDirectory() as d:
        world = load_world(write(Path(d), files))
        ex = Explorer(world, seed, Abstraction.exact(world))
        state = start(world, seed).state
        assert ex.to_state(ex.start_key()) == state
        for p in picks:
            if state.ending is not None:
                break
            key = ex.from_state(state)
            assert ex.to_state(key) == state
            moves = ex.successors(key)
            enabled = [o.choice for o in options(world, state) if o.enabled]
            assert [ex.by_g[g].choice.key for g, _, _ in moves] == [c.key for c in enabled]
            for (g, nk, ending), c in zip(moves, enabled):
                want = step(world, state, c.id).state
                if want.ending is not None:
                    assert nk is None and ending == want.ending
                else:
                    assert ending is None and ex.to_state(nk) == want
            if not enabled:
                break
            state = step(world, state, enabled[p % len(enabled)].id).state


# ---------------------------------------------------------------- exploration vs the engine


def facts(ex):
    return (set(ex.rooms), set(ex.choices), set(ex.texts), set(ex.endings), set(ex.softlocks))


@settings(max_examples=100, **SETTINGS)
@given(worlds(), st.integers(0, 1000))
def test_exploration_finds_everything_random_play_finds(files, seed):
    with tempfile.TemporaryDirectory() as d:
        world = load_world(write(Path(d), files))
        ex = explore(world, max_states=BUDGET)
        rnd = random.Random(seed)
        for k in range(30):
            rooms, choices, texts, ending, stuck = random_play(world, seed + k, rnd)
            # what was found holds even if the budget ran out only for what was reached by then;
            # a finished search must contain every game
            if ex.complete:
                assert rooms <= set(ex.rooms)
                assert choices <= set(ex.choices)
                assert texts <= set(ex.texts), (texts, ex.texts)
                assert ending is None or ending in ex.endings
                assert stuck is None or stuck in ex.softlocks


@settings(max_examples=100, **SETTINGS)
@given(worlds(), st.integers(0, 2**32))
def test_every_reported_fact_replays_through_the_engine(files, seed):
    """With one seed the search follows the engine exactly: each witness route replays with that
    seed and shows the fact."""
    with tempfile.TemporaryDirectory() as d:
        world = load_world(write(Path(d), files))
        ex = explore(world, seed=seed, max_states=BUDGET)
        for rid, w in ex.rooms.items():
            state, _ = replay(world, ex.route_via(w), seed)
            assert state.room == rid and state.ending is None
        for ck, sid in ex.choices.items():
            state, _ = replay(world, ex.route(sid), seed)
            assert ck in {c.key for c in available_choices(world, state)}
        for (rid, i), w in ex.texts.items():
            state, events = replay(world, ex.route_via(w), seed)
            assert state.room == rid
            assert (rid, i) in shown_texts(world, state)
            if w[1] >= 0:  # entered by a move: the room's text was shown by that move
                assert any(isinstance(e, RoomEntered) and e.room == rid for e in events)
        for eid, w in ex.endings.items():
            state, _ = replay(world, ex.route_via(w), seed)
            assert state.ending == eid
        for rid, sid in ex.softlocks.items():
            state, _ = replay(world, ex.route(sid), seed)
            assert state.room == rid and state.ending is None and not available_choices(world, state)
        for (ck, j), (sid, x) in ex.out_of_bounds.items():
            room, _, cid = ck.partition(".")
            state, _ = replay(world, ex.route(sid), seed)
            c = world.rooms[room].by_id[cid]
            v = c.effects[j].var
            assert (v.lo is not None and x < v.lo) or (v.hi is not None and x > v.hi)
            step(world, state, cid)  # the move is available there


@quick_and_full(10, 60)
def test_one_seed_finds_a_subset_of_all_dice(examples):
    @settings(max_examples=examples, **SETTINGS)
    @given(worlds(), st.integers(0, 2**32))
    def check(files, seed):
        with tempfile.TemporaryDirectory() as d:
            world = load_world(write(Path(d), files))
            every = explore(world, max_states=BUDGET)
            one = explore(world, seed=seed, max_states=BUDGET)
            if every.complete:
                for a, b in zip(facts(one), facts(every)):
                    assert a <= b

    check()


@quick_and_full(10, 60)
def test_capped_counts_explore_the_same_as_exact_counts(examples):
    """The visits/turn cap changes nothing observable: compared with tracking every count exactly,
    searched to the same depth, the same facts are found."""

    @settings(max_examples=examples, **SETTINGS)
    @given(worlds())
    def check(files):
        with tempfile.TemporaryDirectory() as d:
            world = load_world(write(Path(d), files))
            capped = explore(world, max_states=BUDGET)
            exact = explore(world, max_states=BUDGET, abstraction=Abstraction.exact(world))
            if capped.complete:
                # the exact search is infinite when the world loops; all it found, the cap found
                for a, b in zip(facts(exact), facts(capped)):
                    assert a <= b
                if exact.complete:
                    assert facts(exact) == facts(capped)

    check()


# ---------------------------------------------------------------- the shipped worlds and fixtures


def test_tutorial_is_explored_completely():
    world = load_world(WORLDS / "tutorial")
    ex = explore(world)
    assert ex.complete and ex.stopped == ""
    assert set(ex.rooms) == set(world.rooms)
    assert set(ex.endings) == {e.id for e in world.endings}
    assert not ex.softlocks


DICE = FIXTURES / "lint" / "dice"


def test_counts_compared_with_constants_are_capped():
    world = load_world(DICE)
    ab = Abstraction.for_world(world)
    # visits.yard is compared with 2 and turn with 2: both are capped one above; visits.shed is
    # never read, so it is not tracked at all
    assert ab.visits == {world.rooms["yard"].index: 3} and ab.turn == 3
    ex = explore(world)
    assert ex.complete
    assert ex.values_seen() == {"roll": {0, 1, 2, 3, 4, 5, 6}}  # every face of the die
    assert len(explore(world, seed=1).values_seen()["roll"]) == 2  # 0, then that seed's roll


def test_shortest_routes_replay_and_are_shortest():
    world = load_world(DICE)
    every = explore(world)
    assert every.route_to_ending("plain") == ["shed", "out", "leave"]
    route = every.route_to_ending("jackpot")
    assert route == ["shed", "throw", "out", "leave"]
    lucky = [s for s in range(40) if "jackpot" in explore(world, seed=s).endings]
    unlucky = [s for s in range(40) if s not in lucky]
    assert lucky and unlucky  # a six in one roll: some seeds have it, most do not
    for s in (lucky[0], unlucky[0]):
        routes = shortest_routes(world, seed=s)
        for eid, moves in routes.items():
            assert replay(world, moves, s)[0].ending == eid
        assert ("jackpot" in routes) == (s in lucky)
    assert shortest_routes(world, seed=lucky[0])["jackpot"] == route
    assert find_seed(world, route, "jackpot") == lucky[0]
    assert shortest_routes(world, seed=None)["jackpot"] == route


def test_counts_read_other_than_by_comparison_are_exact(tmp_path):
    world = load_world(write_world(tmp_path, '''
[world]
id = "w"
title = "W"
start = "a"
[state]
n = 0
[[ending]]
id = "e"
title = "E"
text = "x"
''', {"a": '''
[a]
title = "A"
text = "a"
[[a.choice]]
id = "loop"
say = "loop"
go = "a"
do = "n = visits.a % 3"
[[a.choice]]
id = "out"
say = "out"
if = "turn > 2 and visits.a < 5"
end = true
'''}))
    ab = Abstraction.for_world(world)
    assert ab.visits == {0: None} and ab.turn == 3
    ex = explore(world, max_states=500)
    assert not ex.complete and ex.stopped == "states"
    assert ex.depth > 0 and "e" in ex.endings


def test_wide_random_ranges_are_sampled_and_say_so(tmp_path):
    world = load_world(write_world(tmp_path, '''
[world]
id = "w"
title = "W"
start = "a"
[state]
n = 0
[[ending]]
id = "e"
title = "E"
text = "{n}"
''', {"a": '''
[a]
title = "A"
text = "a"
[[a.choice]]
id = "roll"
say = "roll"
once = true
do = "n = random(1, 1000000)"
[[a.choice]]
id = "out"
say = "out"
end = true
'''}))
    ex = explore(world)
    assert not ex.complete and ex.stopped == "dice"
    assert "e" in ex.endings
    assert explore(world, seed=3).complete  # with one seed there is one outcome


def test_budget_stops_and_reports_depth():
    world = load_world(WORLDS / "tutorial")
    ex = explore(world, max_states=50)
    assert not ex.complete and ex.stopped == "states"
    full = explore(world)
    # every state within the proved depth was found
    shallow = {k for k, d in zip(full.keys, depths(full)) if d <= ex.depth}
    assert shallow <= set(ex.keys)


def depths(ex):
    out = []
    for i in range(len(ex.keys)):
        out.append(0 if ex.parent[i] < 0 else out[ex.parent[i]] + 1)
    return out


def test_search_can_stop_once_the_endings_asked_for_are_found():
    world = load_world(DICE)
    ex = explore(world, seed=None, until_endings=["plain"])
    assert ex.stopped == "found" and not ex.complete
    assert ex.route_to_ending("plain") == ["shed", "out", "leave"]
    assert ex.states < explore(world).states


# ---------------------------------------------------------------- the fast path


@st.composite
def packed_worlds(draw):
    """Random worlds the fast path takes (explore.py, `fastsearch.applies`): every counter
    bounded, no dice."""
    files = draw(worlds())
    lo, hi = draw(st.integers(-4, -2)), draw(st.integers(2, 9))
    repeatable = draw(st.booleans())  # no once-only choices: rooms get tables of their moves
    out = {}
    for rel, text in files.items():
        text = re.sub(r"(?m)^(c\d+) = (-?\d+)$", rf"\1 = {{ default = \2, min = {lo}, max = {hi} }}", text)
        if repeatable:
            text = text.replace("once = true\n", "")
        out[rel] = re.sub(r"random\((\d+), (\d+)\)", r"max(\1, \2 - 1)", text)
    return out


@contextmanager
def fast_limits(window, room_choices, dense_bits):
    """The fast path with other limits: tables or closures, room tables or choice by choice,
    bytearray or dict of keys found."""
    saved = fast.MAX_WINDOW, fast.MAX_ROOM_CHOICES, fast.DENSE_BITS
    fast.MAX_WINDOW, fast.MAX_ROOM_CHOICES, fast.DENSE_BITS = window, room_choices, dense_bits
    try:
        yield
    finally:
        fast.MAX_WINDOW, fast.MAX_ROOM_CHOICES, fast.DENSE_BITS = saved


def everything(ex):
    """All an Exploration says, dict orders included."""
    return (ex.states, ex.expanded, ex.depth, ex.complete, ex.stopped, ex.softlock_count,
            list(ex.rooms.items()), list(ex.choices.items()), list(ex.texts.items()),
            list(ex.endings.items()), list(ex.end_targets.items()), list(ex.softlocks.items()),
            list(ex.conds.items()), list(ex.out_of_bounds.items()),
            list(ex.keys), list(ex.parent), list(ex.via))


LIMITS = [(fast.MAX_WINDOW, fast.MAX_ROOM_CHOICES, fast.DENSE_BITS), (0, 0, 0), (12, 8, 64), (4, 0, 64)]


@settings(max_examples=300, **SETTINGS)
@given(packed_worlds(), st.sampled_from(LIMITS), st.sampled_from([BUDGET, 40, 3]), st.booleans(),
       st.sampled_from([None, 0, 7]))
def test_fast_path_explores_as_the_general_path(files, limits, budget, until, seed):
    """The fast path finds the same Exploration as the general search, field for field and in the
    same order; its moves are the general successor function's."""
    with tempfile.TemporaryDirectory() as d:
        world = load_world(write(Path(d), files))
        ends = [world.endings[0].id] if until else None
        general = Explorer(world, seed).run(budget, until_endings=ends, fast=False)
        with fast_limits(*limits):
            xp = Explorer(world, seed)
            assert fast.applies(xp)
            quick = xp.run(budget, until_endings=ends)
            search = fast.FastSearch(xp)
        assert everything(quick) == everything(general)
        for key in quick.keys:
            assert search.moves(key) == xp.successors(key)
        assert quick.values_seen() == general.values_seen()
        for eid in quick.endings:
            assert quick.route_to_ending(eid) == general.route_to_ending(eid)


def test_fast_path_is_taken_when_the_state_packs_into_an_int():
    assert fast.applies(Explorer(load_world(WORLDS / "allhands")))
    assert not fast.applies(Explorer(load_world(DICE)))  # dice
    assert not fast.applies(Explorer(load_world(WORLDS / "tutorial")))  # an unbounded counter


def test_fast_path_soft_locks_texts_and_stays(tmp_path):
    """Rooms with move tables that soft-lock, a choice that stays in a room with texts (its states
    are entered later), an ending resolved by `when`: the fast path agrees with the general one."""
    world = load_world(write_world(tmp_path, '''
[world]
id = "w"
title = "W"
start = "a"
[state]
lit = false
n = { default = 0, min = 0, max = 3 }
[[ending]]
id = "bright"
title = "B"
when = "lit and n >= 1"
text = "x"
[[ending]]
id = "dark"
title = "D"
text = "y"
''', {"a": '''
[a]
title = "A"
text = "a"
[[a.text_if]]
if = "n >= 2"
text = "late"
[[a.choice]]
id = "wait"
say = "wait"
if = "n < 3"
do = "n += 2"
[[a.choice]]
id = "lamp"
say = "lamp"
if = "not lit"
do = "lit = true"
go = "b"
[[a.choice]]
id = "again"
say = "again"
if = "lit"
go = "a"
''', "b": '''
[b]
title = "B"
text = "b"
[[b.choice]]
id = "back"
say = "back"
if = "n < 2"
go = "a"
[[b.choice]]
id = "out"
say = "out"
if = "n == 1 or lit and n == 0"
end = true
'''}))
    xp = Explorer(world)
    assert fast.applies(xp) and all(t is not None for t in fast.FastSearch(xp).rinfo)
    quick, general = xp.run(), Explorer(world).run(fast=False)
    assert everything(quick) == everything(general)
    assert quick.softlocks and quick.out_of_bounds and quick.texts and quick.endings

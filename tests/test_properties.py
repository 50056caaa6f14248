"""Properties over random valid worlds: random play never raises, play is deterministic, and
saves round-trip any reachable state."""

import random
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from adventure import Game, load_world
from adventure.core.engine import options, start, step
from adventure.play.saves import load_game, write_save
from adventure.core.narration import event_blocks

from strategies import worlds, write


def play(world, seed, picks):
    """Play by picking among enabled options with `picks`; returns states and transcript."""
    out = start(world, seed)
    state, transcript, states = out.state, [t for _, t in event_blocks(out.events)], [out.state]
    for p in picks:
        enabled = [o for o in options(world, state) if o.enabled]
        if not enabled:
            break
        o = step(world, state, enabled[p % len(enabled)].id)
        state = o.state
        states.append(state)
        transcript += [t for _, t in event_blocks(o.events)]
        # invariants the engine promises
        for v in world.vars:
            x = state.values[v.index]
            assert isinstance(x, bool) == (v.type == "bool")
            if v.lo is not None:
                assert x >= v.lo
            if v.hi is not None:
                assert x <= v.hi
        assert state.ending is None or not options(world, state)
    return states, transcript


@settings(max_examples=150, deadline=None)
@given(worlds(), st.integers(0, 2**32), st.lists(st.integers(0, 100), max_size=40))
def test_random_worlds_play_without_error_and_deterministically(files, seed, picks):
    with tempfile.TemporaryDirectory() as d:
        world = load_world(write(Path(d), files))
        a = play(world, seed, picks)
        b = play(world, seed, picks)
        assert a == b
        assert [s.hash() for s in a[0]] == [s.hash() for s in b[0]]


@settings(max_examples=60, deadline=None)
@given(worlds(), st.integers(0, 1000), st.lists(st.integers(0, 100), max_size=25))
def test_save_then_load_round_trips_any_reachable_state(files, seed, picks):
    with tempfile.TemporaryDirectory() as d:
        world = load_world(write(Path(d) / "w", files))
        game = Game(world, seed)
        rnd = random.Random(seed)
        for p in picks:
            enabled = [o for o in game.options() if o.enabled]
            if not enabled:
                break
            game.choose(enabled[p % len(enabled)].id)
            if rnd.random() < 0.2 and game.log:
                game.undo()
        path = write_save(Path(d) / "saves", game, "slot")
        loaded = load_game(path, world)
        assert loaded.game.state == game.state
        assert loaded.game.log == game.log
        assert not loaded.migrated

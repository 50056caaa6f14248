"""The analysis of the second language (issue #16): verdicts on random worlds that use every
construct agree with a search through the engine itself; the findings of the new constructs; the
time-loop world's full verdict with multi-day witnesses."""

import json
import textwrap
from collections import deque

from hypothesis import HealthCheck, event, given, settings

from adventure.analysis.findings import static_findings
from adventure.analysis.semantics import DAY, replay_days, split_days
from adventure.analysis.verdicts import analyse, analysis_findings, shows
from adventure.core.engine import RoomEntered, available_choices, persistent_values, start, step
from adventure.core.model import State
from adventure.world.loader import load_world
from conftest import ROOT
from strategies import worlds2, write

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))


def reference(world, depth: int = 6, seeds=(0, 1, 2), days: int = 2) -> set:
    """Every item some play of at most `depth` moves a day (and `days` days: a new game may start
    from any state, carrying its persistent values) shows, by breadth-first search over the
    engine's own States."""
    seen_items = set()
    persist = any(v.persist for v in world.vars)
    for seed in seeds:
        todo = deque()
        seen = set()

        def begin(carried, day):
            out = start(world, seed, carried)
            todo.append((out.state, 0, day, True))

        begin(None, 1)
        while todo:
            st, d, day, came = todo.popleft()
            k = (st.room, st.values, st.visits, st.used, st.turn, st.ending, st.stack, st.rng, day)
            if k in seen:
                continue
            seen.add(k)
            if st.ending is not None:
                seen_items.add(("ending", st.ending))
            else:
                if came:
                    seen_items.add(("room", st.room))
                    for i, t in enumerate(world.rooms[st.room].text_if):
                        if t.test(st):
                            seen_items.add(("text", st.room, i))
                for c in available_choices(world, st):
                    seen_items.add(("choice", c.key))
                    if d < depth:
                        o = step(world, st, c.id)
                        entered = bool(o.events) and isinstance(o.events[-1], RoomEntered)
                        todo.append((o.state, d + 1, day, entered))
            if persist and day < days:
                begin(persistent_values(world, st), day + 1)
    return seen_items


@SETTINGS
@given(worlds2())
def test_verdicts_agree_with_the_engine(tmp_path_factory, files):
    world = load_world(write(tmp_path_factory.mktemp("w"), files))
    an = analyse(world, max_states=20_000, max_seconds=20)
    ref = reference(world)
    for item, v in an.verdicts.items():
        if v.status == "reachable":
            assert shows(world, item, list(v.route), v.seed), (item, v)
        elif v.status == "unreachable":
            assert item not in ref, (item, v.by, v.why, files)


@SETTINGS
@given(worlds2())
def test_random_worlds_play_deterministically(tmp_path_factory, files):
    world = load_world(write(tmp_path_factory.mktemp("w"), files))
    for seed in (0, 7):
        runs = []
        for _ in range(2):
            out = start(world, seed)
            st, events, moves = out.state, list(out.events), []
            k = 0
            while st.ending is None and len(moves) < 12:
                ch = available_choices(world, st)
                if not ch:
                    break
                c = ch[(seed + k) % len(ch)]
                k += 1
                moves.append(c.id)
                o = step(world, st, c.id)
                st = o.state
                events.extend(o.events)
                back = State(**{f: tuple(x) if isinstance(x, list) else x for f, x in st.to_json().items()
                                if f != "used"}, used=frozenset(st.to_json()["used"]))
                assert back.to_json() == st.to_json() and back.hash() == st.hash()
            runs.append((moves, events, st.to_json()))
        assert runs[0] == runs[1]


def _world(tmp_path, world_toml: str, rooms_toml: str):
    (tmp_path / "rooms").mkdir(exist_ok=True)
    (tmp_path / "world.toml").write_text(textwrap.dedent(world_toml))
    (tmp_path / "rooms" / "a.toml").write_text(textwrap.dedent(rooms_toml))
    return load_world(tmp_path)


HEAD = """
[world]
id = "t"
title = "T"
start = "a"
"""


def _codes(world):
    an = analyse(world, max_states=20_000, max_seconds=20)
    return an, {f.code: f for f in analysis_findings(world, an)}


def test_language_findings(tmp_path):
    world = _world(tmp_path, HEAD + """
        [state]
        n = { default = 0, min = 0, max = 3, clamp = true }
        k = { default = 0, min = 0, max = 3 }

        [block.spare]
        [[block.spare.choice]]
        id = "x"
        say = "X."

        [[rule]]
        id = "never"
        when = "n > 5"
        do = ["k += 1"]

        [[ending]]
        id = "lost"
        title = "Lost"
        text = "Lost."
        by_name = true

        [[ending]]
        id = "done"
        title = "Done"
        text = "Done."
        """, """
        [a]
        title = "A"
        text = "A."

        [[a.choice]]
        id = "up"
        say = "Up."
        do = ["n += 2", "k += 2"]

        [[a.choice]]
        id = "home"
        say = "Home."
        back = true

        [[a.choice]]
        id = "stop"
        say = "Stop."
        end = true
        """)
    an, codes = _codes(world)
    assert "unused-block" in codes and "spare" in codes["unused-block"].message
    assert "back-without-call" in codes
    assert an.verdicts[("choice", "a.home")].status == "unreachable"
    assert "never-named" in codes and "lost" in codes["never-named"].message
    assert an.verdicts[("ending", "lost")].status == "unreachable"
    assert "rule-never-fires" in codes and "never" in codes["rule-never-fires"].message
    # k is not declared to clamp: hitting its max is reported; n is: not reported
    oob = [f for f in analysis_findings(world, an) if f.code == "out-of-bounds"]
    assert oob and all("k" in f.message.split(" can take ")[1][:2] for f in oob)


def test_shadowed_ending_names_the_winner(tmp_path):
    world = _world(tmp_path, HEAD + """
        [state]
        a = false
        b = false

        [[ending]]
        id = "first"
        title = "First"
        text = "."
        when = "a"

        [[ending]]
        id = "second"
        title = "Second"
        text = "."
        when = "a and b"

        [[ending]]
        id = "last"
        title = "Last"
        text = "."
        """, """
        [a]
        title = "A"
        text = "A."
        enter = [{ if = "visits.a > 1", do = ["b = true"] }]

        [[a.choice]]
        id = "seta"
        say = "Set a."
        do = ["a = true"]
        go = "a"

        [[a.choice]]
        id = "stop"
        say = "Stop."
        end = true
        """)
    an, codes = _codes(world)
    f = [x for x in analysis_findings(world, an) if x.code == "unreachable-ending"]
    assert len(f) == 1 and "second" in f[0].message
    assert "holds" in f[0].message and "'first' always matches first" in f[0].message
    assert "never holds" not in f[0].message


def test_timeloop_full_verdict_with_days(capsys):
    world = load_world(ROOT / "tests" / "worlds" / "timeloop")
    an = analyse(world)
    assert an.complete and an.counts()["unknown"] == 0
    v = an.verdicts[("ending", "silence")]
    assert v.status == "reachable" and DAY in v.route
    days = split_days(v.route)
    assert len(days) >= 2
    assert replay_days(world, list(v.route), v.seed).state.ending == "silence"
    w = v.to_json()["witness"]
    assert w["days"] and w["moves"] == days[-1]
    from adventure.cli.main import main

    assert main(["check", str(ROOT / "tests" / "worlds" / "timeloop"), "--json"]) in (0, 1)
    out = json.loads(capsys.readouterr().out)
    silence = [x for x in out["verdicts"] if x["kind"] == "ending" and x["id"] == "silence"][0]
    assert silence["witness"]["days"]


def test_abstract_back_targets_and_persist(tmp_path):
    from adventure.analysis.absint import Abstract

    world = load_world(ROOT / "tests" / "worlds" / "timeloop")
    ab = Abstract(world).run()
    assert set(ab.back_to["notebook"]) == {"inn", "square"}
    day = world.var("day").index
    assert ab.carry[day][1] > 1  # a later game may start on a later day
    assert ab.ending_possible("silence") and ab.ending_possible("loop")


@SETTINGS
@given(worlds2())
def test_random_worlds_round_trip_through_saves_and_replays(tmp_path_factory, files):
    """A game of a random second-language world, from carried persistent values, comes back
    whole from its save file; a speedrun of it writes a replay that verifies and ends where the
    game did."""
    from adventure.play.game import Game
    from adventure.play.saves import load_game, write_save
    from adventure.speedrun.replay import verify_replay
    from adventure.speedrun.session import SpeedrunSession
    from test_speedrun import FakeClock, play

    world = load_world(write(tmp_path_factory.mktemp("w"), files))
    carried = {v.name: v.hi for v in world.vars if v.persist}  # the highest a day can leave
    g = Game(world, seed=3, carried=carried)
    k = 0
    while not g.over and len(g.log) < 20:
        ch = available_choices(world, g.state)
        if not ch:
            break
        ending = [c for c in ch if c.end is not None or c.next]
        g.choose((ending or ch)[k % len(ending or ch)].id if len(g.log) >= 3 else ch[k % len(ch)].id)
        k += 1
    root = tmp_path_factory.mktemp("saves")
    back = load_game(write_save(root, g, "s"), world).game
    assert back.state == g.state and back.log == g.log and back.carried == g.carried
    other = Game(world, seed=3)
    other.set_state(g.get_state())
    assert other.state.hash() == g.state.hash()
    # a speedrun of the same moves (speedruns start from the defaults)
    clock = FakeClock()
    s = SpeedrunSession(world, root, seed=3, category="any", clock=clock)
    ref = Game(world, seed=3)
    moves = []
    for m in g.log:
        if ref.over or m not in {c.id for c in available_choices(world, ref.state)}:
            break
        ref.choose(m)
        moves.append(m)
    play(s, clock, moves)
    event("the speedrun reached an ending" if s.finished else "the speedrun did not end")
    if s.finished:
        v = verify_replay(s.last_replay, world)
        assert v.ok, v.message
        assert s.game.state.hash() == ref.state.hash()

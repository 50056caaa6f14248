"""Route search (A*): exact shortest routes, agreeing with breadth-first search, replayed on the
real engine and through the real player."""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adventure import load_world, play_moves
from adventure.analysis.explore import explore
from adventure.analysis.routes import shortest_route
from adventure.world.walkthrough import load_walkthrough

from conftest import ROOT, WORLDS, quick_and_full
from strategies import worlds, worlds2, write


def bfs_lengths(world, seed):
    ex = explore(world, seed=seed, max_states=300_000)
    return ex, {e.id: len(ex.route_to_ending(e.id)) for e in world.endings if e.id in ex.endings}


@pytest.mark.parametrize("which", [pytest.param("frozen", id="tutorial-2025"),
                                   pytest.param("now", id="tutorial", marks=pytest.mark.slow)])
def test_tutorial_routes_match_breadth_first(tutorial, tutorial_2025, which):
    """The tutorial of today (a second-language world: 25 s of breadth-first search) under `slow`;
    its plain ancestor in the default run."""
    world = tutorial if which == "now" else tutorial_2025
    ex, want = bfs_lengths(world, 0)
    for e in world.endings:
        r = shortest_route(world, e.id, seed=0)
        assert r.proved and len(r.route) == want[e.id]
        assert play_moves(world, r.route, 0).state.ending == e.id


@quick_and_full(6, 80)
def test_a_star_agrees_with_breadth_first_on_random_worlds(examples):
    @settings(max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(worlds(), st.integers(0, 50))
    def check(files, seed):
        with tempfile.TemporaryDirectory() as d:
            world = load_world(write(Path(d), files))
            ex, want = bfs_lengths(world, seed)
            if not ex.complete:
                return  # BFS proves nothing about absence; only compare where it finished
            for e in world.endings:
                r = shortest_route(world, e.id, seed=seed, max_states=300_000)
                assert r.proved
                if e.id in want:
                    assert r.route is not None and len(r.route) == want[e.id], (e.id, r.route, want)
                    assert play_moves(world, r.route, seed).state.ending == e.id
                else:
                    assert r.route is None  # unreachable: both searches say so

    check()


@pytest.mark.parametrize("ending,par", [("sources-familiar", 15), ("offer-accepted", 4), ("tuesday", 3),
                                        ("working-as-intended", 8), ("sandbox-escape", 5)])
def test_allhands_pars(ending, par):
    world = load_world(WORLDS / "allhands")
    r = shortest_route(world, ending, seed=0)
    assert r.proved and len(r.route) == par
    walk = load_walkthrough(WORLDS / "allhands" / "tests" / f"{ending}.toml", world)
    assert len(walk.moves) >= par  # the author's walkthrough is a route too, so never shorter


def test_route_plays_through_the_real_player(tmp_path):
    """`route --json` for one ending, then its choices piped into `adventure play --plain`."""
    r = subprocess.run([sys.executable, "-m", "adventure", "route", "allhands", "--ending", "working-as-intended", "--json"],
                       capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    (e,) = doc["endings"]
    moves = [step["choice"] for step in e["route"]]
    assert e["par"] == len(moves) == 8
    p = subprocess.run([sys.executable, "-m", "adventure", "play", "allhands", "--plain", "--new", "--saves", str(tmp_path)],
                       input="\n".join(moves) + "\n", capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert p.returncode == 0
    assert "*** Working as Intended" in p.stdout
    assert p.stdout.count("\n> ") == 8  # exactly that many moves were typed


@pytest.mark.slow
def test_allhands_route_all_json_lists_every_ending(tmp_path):
    r = subprocess.run([sys.executable, "-m", "adventure", "route", "allhands", "--all", "--json"],
                       capture_output=True, text=True, cwd=ROOT, timeout=900)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    world = load_world(WORLDS / "allhands")
    assert {x["id"] for x in doc["endings"]} == {e.id for e in world.endings}
    for x in doc["endings"]:
        moves = [s["choice"] for s in x["route"]]
        assert len(moves) == x["par"] and play_moves(world, moves, 0).state.ending == x["id"]
    assert doc["all"]["complete"]


def test_par_cache_answers_runs_without_searching(tmp_path, monkeypatch):
    """`runs` reads par from the cache keyed by the world's content hash: the second call searches
    nothing; `route` fills the same cache; a malformed cache file is a miss."""
    from adventure.analysis import parcache, routes
    from adventure.cli import runs

    monkeypatch.setenv("ADVENTURE_CACHE_DIR", str(tmp_path / "worlds"))
    world = load_world(WORLDS / "tutorial")
    first = runs._par(world, {"any", "all"})
    assert first["any"] == min(v for k, v in first.items() if k.startswith("ending:"))
    p = parcache.path(world, 0)
    assert p.exists() and p.parent == tmp_path / "par"

    def boom(*a, **k):
        raise AssertionError("searched although the par was cached")

    monkeypatch.setattr(routes, "shortest_route", boom)
    assert runs._par(world, {"any", "all"}) == first
    p.write_text("{not json")
    assert parcache.read(world, 0) == {"par": {}, "open": {}}
    monkeypatch.undo()
    monkeypatch.setenv("ADVENTURE_CACHE_DIR", str(tmp_path / "worlds"))
    parcache.record(world, 0, {world.endings[0].id: 7})
    assert parcache.read(world, 0)["par"] == {world.endings[0].id: 7}


def test_graph_is_the_same_whatever_the_budget(capsys):
    """graph draws from the abstract interpretation (no time budget): identical on every call."""
    from adventure.cli.main import main

    outs = []
    for _ in range(2):
        assert main(["graph", str(WORLDS / "allhands")]) == 0
        outs.append(capsys.readouterr().out)
    assert outs[0] == outs[1]
    assert "(never)" not in outs[0]  # every All-Hands choice can be taken


def test_pattern_database_makes_the_five_condition_ending_cheap():
    """last-stand-remote needs four flags and a counter at once: h_max alone expanded 535,331
    states; with the pattern database (analysis/pdb.py) the par is the same and proved."""
    from adventure.analysis.routes import shortest_route

    w = load_world(Path(__file__).resolve().parents[1] / "worlds" / "allhands")
    r = shortest_route(w, "last-stand-remote")
    assert r.proved and len(r.route) == 15
    assert r.expanded < 20_000


# ---------------------------------------------------------------- worlds of the second language
# route's A* in a world that is not plain uses routes._Bound(general=True) and bound2.MovePattern:
# both must be lower bounds on the moves left from every state, or the route found may be longer
# than the shortest one.


def exact_distances(world, seed, max_states=20_000):
    """(Explorer, {key: {ending: exact moves to it}}) over every state reachable in one game, by a
    backward breadth-first search over the whole explored graph; None when over max_states."""
    from collections import deque

    from adventure.analysis.explore import Explorer

    ex = Explorer(world, seed)
    start = ex.start_key()
    seen, order, edges = {start}, [start], {}
    q = deque([start])
    while q:
        k = q.popleft()
        out = edges[k] = []
        for _, nxt, end in ex.successors(k):
            out.append((nxt, end))
            if end is None and nxt not in seen:
                if len(seen) >= max_states:
                    return ex, None
                seen.add(nxt)
                order.append(nxt)
                q.append(nxt)
    rev: dict = {}
    for k, out in edges.items():
        for nxt, end in out:
            if end is None:
                rev.setdefault(nxt, []).append(k)
    dist = {}
    for e in world.endings:
        d = {k: 1 for k, out in edges.items() if any(end == e.id for _, end in out)}
        q = deque(d)
        while q:
            u = q.popleft()
            for v in rev.get(u, ()):
                if v not in d:
                    d[v] = d[u] + 1
                    q.append(v)
        dist[e.id] = d
    return ex, {k: {e: dist[e].get(k, float("inf")) for e in dist} for k in order}


def assert_bounds_admissible(world, seed):
    """Every state's bound (both of route's, as it combines them) is at most its exact distance."""
    from adventure.analysis.bound2 import MovePattern
    from adventure.analysis.routes import _Bound

    ex, dist = exact_distances(world, seed)
    if dist is None:
        return False
    for e in world.endings:
        hmax, pdb = _Bound(world, ex, e.id, general=True), MovePattern(world, e.id)
        for key, d in dist.items():
            room, values, _, used, _, _ = ex.codec.decode(key)
            assert hmax(room, values, used) <= d[e.id], ("h_max", e.id, ex.to_state(key), d[e.id])
            assert pdb(room, values) <= d[e.id], ("pattern", e.id, ex.to_state(key), d[e.id])
    return True


@quick_and_full(5, 150)
def test_a_star_agrees_with_breadth_first_on_random_worlds_of_the_second_language(examples):
    """Rules (once, go, end), `enter`, branches, `next`, call/back, enums, by-name endings and a
    persistent counter (route plays one game from the defaults, as BFS does): the same lengths,
    and both bounds under the exact distance from every reachable state."""
    @settings(max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    # more rooms and rules than worlds2 draws by default: longer routes, where a bound that
    # missed a rule's `go` or effects would show
    # (the default run draws the small ones only: a big one's breadth-first search takes seconds)
    @given(worlds2() if examples < 20 else st.one_of(worlds2(), worlds2(max_rooms=6, max_rules=3)),
           st.integers(0, 50))
    def check(files, seed):
        with tempfile.TemporaryDirectory() as d:
            world = load_world(write(Path(d), files))
            ex, want = bfs_lengths(world, seed)
            if not ex.complete:
                return  # BFS proves nothing about absence; only compare where it finished
            for e in world.endings:
                r = shortest_route(world, e.id, seed=seed, max_states=300_000)
                assert r.proved
                if e.id in want:
                    assert r.route is not None and len(r.route) == want[e.id], (e.id, r.route, want)
                    assert play_moves(world, r.route, seed).state.ending == e.id
                else:
                    assert r.route is None  # unreachable in one game: both searches say so
            assert_bounds_admissible(world, seed)

    check()


RULES_WORLD = """
[world]
id = "rules"
title = "Rules"
start = "hall"

[state]
steps = { default = 0, min = 0, max = 5 }
bell = false
key = false

[[rule]]
id = "chime"
when = "steps >= 2"
once = true
do = ["bell = true"]

[[rule]]
id = "sweep"
when = "bell and not key"
go = "vault"

[[ending]]
id = "won"
title = "Won"
text = "Won."
by_name = true

[[ending]]
id = "lost"
title = "Lost"
text = "Lost."
"""

RULES_ROOMS = {
    "hall": """
[hall]
title = "Hall"
text = "A hall."
[[hall.choice]]
id = "pace"
say = "Pace"
do = ["steps += 1"]
[[hall.choice]]
id = "give-up"
say = "Give up"
end = true
""",
    "vault": """
[vault]
title = "Vault"
text = "A vault."
enter = ["key = true"]
[[vault.choice]]
id = "open"
say = "Open"
if = "bell and key"
end = "won"
""",
}


def test_bounds_see_rules_that_move_the_player_and_set_flags(tmp_path):
    """No choice sets `bell` and none leads to the vault: a rule sets the one (after two paces)
    and another moves the player into the other, whose `enter` sets `key`. A bound that looked
    only at choices would call "won" unreachable (infinite) from the hall; route's bounds stay
    under the exact distance from every state, and still see that "won" is at least 2 away."""
    from conftest import write_world
    from adventure.analysis.bound2 import MovePattern
    from adventure.analysis.explore import Explorer
    from adventure.analysis.routes import _Bound

    world = load_world(write_world(tmp_path, RULES_WORLD, RULES_ROOMS))
    assert not world.plain
    assert assert_bounds_admissible(world, 0)
    ex = Explorer(world, 0)
    room, values, _, used, _, _ = ex.codec.decode(ex.start_key())
    hmax, pdb = _Bound(world, ex, "won", general=True), MovePattern(world, "won")
    assert 2 <= max(hmax(room, values, used), pdb(room, values)) <= 3
    r = shortest_route(world, "won")
    assert r.proved and r.route == ["pace", "pace", "open"]


def test_recursive_pars_and_the_endings_that_need_an_earlier_day():
    """worlds/recursive: the single-day endings' pars (Mundane Utility, 13 moves, was not found in
    a minute by the uniform-cost search route used before); the two endings that need a skill
    written on an earlier day are proved out of one game's reach without a search."""
    world = load_world(WORLDS / "recursive")
    r = shortest_route(world, "mundane-utility", max_seconds=120)
    assert r.proved and len(r.route) == 13 and r.expanded < 100_000
    assert play_moves(world, r.route, 0).state.ending == "mundane-utility"
    for e in ("hitting-a-wall", "recursion"):
        r = shortest_route(world, e)
        assert r.route is None and r.proved and r.earlier_day and r.expanded == 0
    r = shortest_route(world, "compaction")
    assert r.proved and len(r.route) == 4 and not r.earlier_day


def test_route_cli_says_an_ending_needs_an_earlier_day(capsys):
    """The wording is honest: not "unreachable" (a later day reaches it) nor a budget that ran
    out (nothing was searched); it has no par and does not make route fail."""
    from adventure.cli.main import main

    assert main(["route", str(WORLDS / "recursive"), "--ending", "hitting-a-wall", "--json"]) == 0
    (e,) = json.loads(capsys.readouterr().out)["endings"]
    assert e["par"] is None and e["reachable"] is None and e["earlier_day"] and e["states"] == 0
    assert e["status"].startswith("needs an earlier day")
    assert main(["route", str(WORLDS / "recursive"), "--ending", "recursion"]) == 0
    assert "needs an earlier day" in capsys.readouterr().out

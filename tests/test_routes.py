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
from strategies import worlds, write


def bfs_lengths(world, seed):
    ex = explore(world, seed=seed, max_states=300_000)
    return ex, {e.id: len(ex.route_to_ending(e.id)) for e in world.endings if e.id in ex.endings}


def test_tutorial_routes_match_breadth_first(tutorial):
    ex, want = bfs_lengths(tutorial, 0)
    for e in tutorial.endings:
        r = shortest_route(tutorial, e.id, seed=0)
        assert r.proved and len(r.route) == want[e.id]
        assert play_moves(tutorial, r.route, 0).state.ending == e.id


@quick_and_full(12, 80)
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

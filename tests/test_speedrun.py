"""Speedruns: clocks, splits, replays that verify, tampering that does not, PBs and LiveSplit."""

import json
import xml.etree.ElementTree as ET

import pytest

from adventure import load_world
from adventure.core.errors import AdventureError, ReplayError
from adventure.speedrun.replay import read_replay, verify_replay
from adventure.speedrun.runs import best_by_category, collect, golds, livesplit
from adventure.speedrun.session import SpeedrunSession, parse_category

from conftest import WORLDS


class FakeClock:
    def __init__(self):
        self.t = 100.0

    def __call__(self):
        return self.t


def play(session, clock, lines, think=1.5, print_time=0.25):
    """Type each line after `think` seconds at the prompt; printing takes `print_time`."""
    for line in lines:
        session.prompt_started()
        clock.t += think
        session.prompt_ended()
        session.handle(line)
        clock.t += print_time


def test_clocks_splits_and_a_replay_that_verifies(tutorial, tmp_path):
    clock = FakeClock()
    s = SpeedrunSession(tutorial, tmp_path, category="ending:beacon", clock=clock)
    play(s, clock, ["climb", "keep", "light", "wait"])
    assert s.finished == (6.0, 6.75)  # in-game time excludes printing; real time does not
    v = verify_replay(s.last_replay, tutorial)
    assert v.ok, v.message
    assert (v.moves, v.ending, v.t_game, v.category, v.practice) == (4, "beacon", 6.0, "ending:beacon", False)
    _, moves, footer = read_replay(s.last_replay)
    assert [m["choice"] for m in moves] == ["up", "up", "light", "wait"]
    assert [x["name"] for x in footer["splits"]] == ["stairs", "lamp_room", "ending:beacon"]
    assert [x["t_game"] for x in footer["splits"]] == [1.5, 3.0, 6.0]


def test_brief_mode_shows_a_room_text_once(tutorial, tmp_path):
    s = SpeedrunSession(tutorial, tmp_path, clock=FakeClock())
    first = s.handle("climb")
    again = s.handle("down") + s.handle("climb")
    assert any(b[0] == "text" and "hundred and twelve" in b[1] for b in first)
    assert not any(b[0] == "text" and "hundred and twelve" in b[1] for b in again)


def test_tampering_is_caught(tutorial, tmp_path):
    clock = FakeClock()
    s = SpeedrunSession(tutorial, tmp_path, clock=clock)
    play(s, clock, ["climb", "keep", "light", "wait"])
    lines = s.last_replay.read_text().splitlines()

    def check(new_lines, expect):
        p = tmp_path / "t.jsonl"
        p.write_text("\n".join(new_lines) + "\n")
        v = verify_replay(p, tutorial)
        assert not v.ok and expect in v.message, v.message

    check([ln.replace('"choice":"light"', '"choice":"down"') for ln in lines], "move 3 (line 4, 'down'): diverges")
    check([ln.replace('"seed":0', '"seed":1') for ln in lines], "start state hash")
    check(lines[:-1], "incomplete")
    check([ln.replace('"ending":"beacon"', '"ending":"dark"') for ln in lines], "says ending 'dark'")
    h = json.loads(lines[0])
    h["world"]["hash"] = "0" * 64
    check([json.dumps(h)] + lines[1:], "world hash")
    h = json.loads(lines[0])
    h["engine"] = "0.0.1"
    check([json.dumps(h)] + lines[1:], "engine")
    # a replay of another format says which engine recorded it, and what to do
    h = json.loads(lines[0])
    h["version"], h["engine"] = 1, "0.1.0"
    p = tmp_path / "old.jsonl"
    p.write_text("\n".join([json.dumps(h)] + lines[1:]) + "\n")
    with pytest.raises(ReplayError, match=r"format 1, recorded by engine '0.1.0'.*verify a replay with the engine"):
        verify_replay(p, tutorial)


def test_edited_world_fails_verification(tmp_path, tutorial):
    import shutil

    clock = FakeClock()
    s = SpeedrunSession(tutorial, tmp_path / "saves", clock=clock)
    play(s, clock, ["climb", "keep", "wait"])
    w2 = tmp_path / "w2"
    shutil.copytree(WORLDS / "tutorial", w2)
    (w2 / "world.toml").write_text((w2 / "world.toml").read_text().replace("Lights Out", "Lights  Out"))
    v = verify_replay(s.last_replay, load_world(w2))
    assert not v.ok and "world hash" in v.message


def test_practice_aids_mark_the_run_but_it_still_verifies(tutorial, tmp_path):
    clock = FakeClock()
    s = SpeedrunSession(tutorial, tmp_path, clock=clock)
    play(s, clock, ["climb", "down", ":undo", "keep", "wait"])
    v = verify_replay(s.last_replay, tutorial)
    # climb, down; then :undo records a restart and the one move that leads back (climb); then keep, wait
    assert v.ok and v.practice and v.moves == 5 and v.ending == "dark"


def test_all_endings_category_restarts_between_endings(tutorial_2025, tmp_path):
    clock = FakeClock()
    s = SpeedrunSession(tutorial_2025, tmp_path, seed=0, category="all", clock=clock)
    # seed 0: the gull's roll is too low for the secret ending, so find a seed where it works
    seed = next(k for k in range(50) if _secret_ok(tutorial_2025, k))
    s = SpeedrunSession(tutorial_2025, tmp_path, seed=seed, category="all", clock=clock)
    play(s, clock, ["climb", "keep", "wait",
                    "climb", "keep", "light", "wait",
                    "gull", "climb", "keep", "light", "wait"])
    assert s.finished
    v = verify_replay(s.last_replay, tutorial_2025)
    assert v.ok, v.message
    assert v.endings == ("dark", "beacon", "storm-keeper")


def _secret_ok(world, seed):
    from adventure import play_moves as replay

    return replay(world, ["feed-gull", "up", "up", "light", "wait"], seed=seed).state.ending == "storm-keeper"


def test_categories():
    w = load_world(WORLDS / "tutorial")
    assert parse_category(w, "beacon") == "ending:beacon"
    assert parse_category(w, "all") == "all"
    with pytest.raises(AdventureError, match="did you mean 'beacon'"):
        parse_category(w, "becon")


def test_personal_bests_golds_and_livesplit(tutorial, tmp_path):
    for think in (2.0, 1.0, 3.0):
        clock = FakeClock()
        s = SpeedrunSession(tutorial, tmp_path, category="ending:beacon", clock=clock)
        play(s, clock, ["climb", "keep", "light", "wait"], think=think)
    runs, bad = collect(tutorial, tmp_path)
    assert len(runs) == 3 and not bad
    pb = best_by_category(runs)["ending:beacon"]
    assert pb.t_game == 4.0
    g = golds(runs, "ending:beacon")
    assert g == {"stairs": 1.0, "lamp_room": 1.0, "ending:beacon": 2.0}
    doc = ET.fromstring(livesplit(tutorial, "ending:beacon", pb, g, 3))
    names = [e.text for e in doc.iter("Name")]
    assert names == ["The Stairs", "The Lamp Room", "Ending: A Light in the Window"]
    assert doc.find("AttemptCount").text == "3"


def test_damaged_replays_raise_only_replay_error(tutorial, tmp_path):
    for data in [b"", b"\xff", b"[]\n", b'{"type":"header"}\n', b'{"type":"header","format":"adventure-replay","version":1}\n']:
        p = tmp_path / "r.jsonl"
        p.write_bytes(data)
        with pytest.raises(ReplayError):
            verify_replay(p, tutorial)

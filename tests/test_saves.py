"""Saves: round trips, damaged and foreign files, slot names, edited worlds, atomic writes."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adventure import Game, load_world
from adventure.core.errors import SaveError
from adventure.play.saves import Gallery, atomic_write, list_saves, load_game, save_dir, slot_path, write_save

from conftest import ROOT, WORLDS


@pytest.fixture
def game(tutorial):
    g = Game(tutorial, seed=3)
    for m in ["feed-gull", "up", "oil"]:
        g.choose(m)
    return g


def test_round_trip(tmp_path, game, tutorial):
    p = write_save(tmp_path, game, "one")
    assert p == tmp_path / "tutorial" / "one.json"
    r = load_game(p, tutorial)
    assert r.game.state == game.state and r.game.log == game.log and not r.migrated


def test_format_1_saves_still_load_and_are_still_checked(tmp_path, game, tutorial):
    """Format 1 counted visits to every room, so its state hashes differ from format 2's. A save
    written by a format-1 engine (this document, with the hash that engine computed) must load,
    and a tampered one must still be refused."""
    from adventure.play.game import v1_state_hash

    p = write_save(tmp_path, game, "old")
    doc = json.loads(p.read_text())
    assert doc["version"] == 2 and doc["min_version"] == 2
    v1 = {**doc, "version": 1, "min_version": 1, "engine": "0.1.0",
          "state": {**doc["state"], "visits": [1, 1, 0, 0]},
          "state_hash": v1_state_hash(tutorial, game.seed, game.log)}
    p.write_text(json.dumps(v1))
    r = load_game(p, tutorial)
    assert r.game.state == game.state and r.game.log == game.log and not r.migrated
    g = Game(tutorial)
    g.set_state(v1)  # the API takes a save document too
    assert g.state == game.state
    p.write_text(json.dumps({**v1, "state_hash": doc["state_hash"]}))  # a format-2 hash in a format-1 save
    with pytest.raises(SaveError, match="do not lead to the state it records"):
        load_game(p, tutorial)


@pytest.mark.parametrize("slot", ["../x", "a/b", "", ".hidden", "x" * 65, "a.json", "..", "con\x00"])
def test_slot_names_cannot_escape(tmp_path, tutorial, slot):
    with pytest.raises(SaveError, match="bad save name"):
        slot_path(tmp_path, tutorial, slot)


def test_damaged_files_raise_our_error_and_are_left_untouched(tmp_path, game, tutorial):
    p = write_save(tmp_path, game, "s")
    good = p.read_bytes()
    cases = [b"", b"{", good[: len(good) // 2], b"\xff\xfe", b"[]", b'{"format": "other"}',
             json.dumps({**json.loads(good), "log": "up"}).encode(),
             json.dumps({**json.loads(good), "version": 99, "min_version": 99}).encode(),
             json.dumps({**json.loads(good), "log": ["feed-gull", "up", "up"]}).encode(),
             json.dumps({**json.loads(good), "world": {"id": "other", "hash": "x"}}).encode()]
    for data in cases:
        p.write_bytes(data)
        with pytest.raises(SaveError):
            load_game(p, tutorial)
        assert p.read_bytes() == data


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_bit_flips_and_truncation_raise_only_save_error(tmp_path, game, tutorial, data):
    p = write_save(tmp_path, game, "s")
    raw = bytearray(p.read_bytes())
    if data.draw(st.booleans()):
        i = data.draw(st.integers(0, len(raw) - 1))
        raw[i] ^= 1 << data.draw(st.integers(0, 7))
    else:
        raw = raw[: data.draw(st.integers(0, len(raw) - 1))]
    p.write_bytes(bytes(raw))
    try:
        r = load_game(p, tutorial)
    except SaveError:
        return
    # a flip that still loads must have hit a field that does not matter (e.g. saved_at)
    assert r.game.state == game.state


def test_edited_world_replays_the_log_or_refuses(tmp_path, game):
    w2 = tmp_path / "w2"
    shutil.copytree(WORLDS / "tutorial", w2)
    original = load_world(w2)
    g = Game(original, seed=3)
    for m in game.log:
        g.choose(m)
    p = write_save(tmp_path / "saves", g, "s")
    # an edit that keeps the moves playable: migrated with a note
    text = (w2 / "rooms" / "tower.toml").read_text().replace('do = "oil += 1"', 'do = "oil += 0"')
    (w2 / "rooms" / "tower.toml").write_text(text)
    r = load_game(p, load_world(w2))
    assert r.migrated and "oil 3 -> 2" in r.note
    # an edit that removes a move: refused, naming the move
    (w2 / "rooms" / "tower.toml").write_text(text.replace('id = "oil"', 'id = "grab-oil"'))
    with pytest.raises(SaveError, match=r"no longer play: move 3 \('oil'\)"):
        load_game(p, load_world(w2))


def test_failed_write_keeps_the_previous_save(tmp_path, game, monkeypatch):
    p = write_save(tmp_path, game, "s")
    before = p.read_bytes()
    game.choose("up")

    def boom(*a):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "fsync", boom)
    with pytest.raises(SaveError, match="previous save is untouched"):
        write_save(tmp_path, game, "s")
    assert p.read_bytes() == before
    assert [f.name for f in p.parent.iterdir()] == ["s.json"]  # no temporary left behind


KILLER = r"""
import sys, os
sys.path.insert(0, {root!r})
from adventure import Game, load_world
from adventure.play.saves import write_save
g = Game(load_world({world!r}))
i = 0
while True:
    g.restart()
    for m in ["kettle"][: i % 2]:
        g.choose(m)
    write_save({saves!r}, g, "s")
    i += 1
    print(i, flush=True)
"""


def test_killing_a_process_mid_save_never_leaves_a_broken_save(tmp_path, tutorial):
    saves = tmp_path / "saves"
    script = KILLER.format(root=str(ROOT), world=str(WORLDS / "tutorial"), saves=str(saves))
    kills = 0
    for k in range(12):
        proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE)
        # let it get going (first line printed), then kill it at a varying moment
        proc.stdout.readline()
        time.sleep(0.003 * (k % 5))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        kills += 1
        r = load_game(saves / "tutorial" / "s.json", tutorial)  # the latest completed save always loads
        assert r.game.log in ([], ["kettle"])
    assert kills == 12


def test_list_saves_and_gallery(tmp_path, game, tutorial):
    write_save(tmp_path, game, "a")
    (tmp_path / "tutorial" / "broken.json").write_text("{")
    rows = dict(list_saves(tmp_path, tutorial))
    assert rows["broken"] is None and rows["a"]["log"] == game.log
    g = Gallery(tmp_path, tutorial)
    assert g.record("dark") and not g.record("dark")
    g2 = Gallery(tmp_path, tutorial)
    assert "dark" in g2.seen
    lines = g2.lines()
    assert "  [x] Lights Out" in lines and "  [ ] ??? (secret)" in lines and lines[-1].strip().startswith("1 of 3")


def test_save_dir_precedence(tmp_path, monkeypatch):
    monkeypatch.setenv("ADVENTURE_SAVES", str(tmp_path / "env"))
    assert save_dir(tmp_path / "x") == tmp_path / "x"
    assert save_dir() == tmp_path / "env"
    monkeypatch.delenv("ADVENTURE_SAVES")
    assert save_dir() == ROOT / "saves"  # run from a checkout


def test_atomic_write_replaces(tmp_path):
    p = tmp_path / "d" / "f.json"
    atomic_write(p, b"1")
    atomic_write(p, b"2")
    assert p.read_bytes() == b"2" and len(list(p.parent.iterdir())) == 1

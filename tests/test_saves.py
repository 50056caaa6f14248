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
    assert p == tmp_path / "tutorial" / "slots" / "one.json"  # a shipped world's folder is its id
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
        r = load_game(saves / "tutorial" / "slots" / "s.json", tutorial)  # the latest completed save always loads
        assert r.game.log in ([], ["kettle"])
    assert kills == 12


def test_list_saves_and_gallery(tmp_path, game, tutorial):
    write_save(tmp_path, game, "a")
    (tmp_path / "tutorial" / "slots" / "broken.json").write_text("{")
    (tmp_path / "tutorial" / "slots" / "\x1b[2J.json").write_text("{")  # not a slot's name: not listed
    rows = {e.slot: e for e in list_saves(tmp_path, tutorial)}
    assert rows["broken"].doc is None and "not a save file" in rows["broken"].problem
    assert rows["a"].doc["log"] == game.log and len(rows) == 2
    g = Gallery(tmp_path, tutorial)
    assert g.record("dark") and not g.record("dark")
    g2 = Gallery(tmp_path, tutorial)
    assert "dark" in g2.seen
    lines = g2.lines()
    assert "  [x] Lights Out" in lines and "  [ ] ??? (secret)" in lines and lines[-1].strip().startswith("1 of 4")


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


# ---------------------------------------------------------------- namespaces, keys, limits, fields


def tree(root):
    """Every file under `root`, by relative path, with its bytes."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def nothing_lost(before: dict, after: dict) -> bool:
    """Every file's bytes are still somewhere (a file may have moved, none may vanish or change)."""
    have = list(after.values())
    return all(b in have for b in before.values())


def texts(blocks):
    return "\n".join(t for _, t in blocks)


def test_a_save_named_endings_and_the_gallery_keep_each_other(tmp_path, tutorial):
    """`:save endings` used to be the gallery's file: each destroyed the other."""
    from adventure.play.session import Session

    s = Session(tutorial, tmp_path)
    s.handle("climb")
    assert "Saved as 'endings'" in texts(s.handle(":save endings"))
    for m in ("keep", "wait"):
        s.handle(m)  # Lights Out: the gallery records it
    assert s.game.over
    s2 = Session(tutorial, tmp_path)
    assert "[x] Lights Out" in texts(s2.handle(":endings"))  # the gallery survived the save...
    out = texts(s2.handle(":load endings"))  # ...and the save survived the gallery
    assert "Loaded 'endings', move 1." in out and s2.game.log == ["up"]
    s2.handle("oil")
    engine_files = {k: v for k, v in tree(tmp_path).items() if "slots" not in k}
    assert len(engine_files) == 2  # the autosave and the gallery
    for name in ("autosave", "endings"):  # engine files cannot be taken by a slot either
        assert f"Saved as {name!r}" in texts(s2.handle(f":save {name}"))
    assert {k: v for k, v in tree(tmp_path).items() if "slots" not in k} == engine_files
    s2.handle(":undo")  # the autosave moves back; the slots stay at move 2
    assert "Continuing from your autosave, move 1." in texts(Session(tutorial, tmp_path).resume())
    assert "[x] Lights Out" in texts(Session(tutorial, tmp_path).handle(":endings"))
    assert "Loaded 'autosave', move 2." in texts(Session(tutorial, tmp_path).handle(":load autosave"))


def legacy_folder(root, tutorial, game):
    """A save folder as engines before 0.3 left it: slots, autosave and gallery side by side, and a
    `:save endings` that had replaced the gallery."""
    old = root / "tutorial"
    old.mkdir(parents=True)
    tmp = root / "tmp-saves"
    for slot in ("quick", "autosave", "endings"):
        p = write_save(tmp, game, slot)
        (old / f"{slot}.json").write_bytes(p.read_bytes())
    (old / "autosave.damaged.json").write_text("{not json")
    shutil.rmtree(tmp)
    return old


def test_an_old_save_folder_still_loads_and_loses_nothing(tmp_path, tutorial, game):
    from adventure.play.session import Session

    legacy_folder(tmp_path, tutorial, game)
    before = tree(tmp_path)
    s = Session(tutorial, tmp_path)
    moved = tree(tmp_path)
    assert nothing_lost(before, moved) and len(moved) == len(before)
    assert sorted(moved) == ["tutorial/autosave.damaged.json", "tutorial/autosave.json",
                             "tutorial/slots/endings.json", "tutorial/slots/quick.json"]
    assert "Continuing from your autosave, move 3." in texts(s.resume())
    rows = {e.slot: e for e in list_saves(tmp_path, tutorial)}
    assert rows["quick"].doc["log"] == game.log and rows["endings"].doc["log"] == game.log
    for slot in ("quick", "endings"):
        assert f"Loaded {slot!r}, move 3." in texts(s.handle(f":load {slot}"))
    now = tree(tmp_path)
    assert sorted(now) == sorted(moved)
    Session(tutorial, tmp_path)
    assert tree(tmp_path) == now  # opening the folder again finds nothing more to do


def test_an_old_folder_whose_slot_is_taken_in_the_new_layout_keeps_both(tmp_path, tutorial, game):
    from adventure.play.session import Session

    old = legacy_folder(tmp_path, tutorial, game)
    Session(tutorial, tmp_path).handle(":save quick")  # the new layout now has a 'quick' too
    g = Game(tutorial, seed=3)
    g.choose("up")
    (old / "quick.json").write_bytes(write_save(tmp_path / "other", g, "quick").read_bytes())
    before = tree(tmp_path)
    Session(tutorial, tmp_path)
    assert nothing_lost(before, tree(tmp_path))
    logs = sorted(len(e.doc["log"]) for e in list_saves(tmp_path, tutorial) if e.slot.startswith("quick"))
    assert logs == [0, 1]  # both are listed and load


def test_a_world_with_the_same_id_elsewhere_cannot_touch_the_saves(tmp_path, tutorial):
    """Saves were keyed by the declared id alone: any world saying id = "tutorial" took them over."""
    from adventure.play.session import Session

    mine = Session(tutorial, tmp_path)
    for m in ("climb", "keep"):
        mine.handle(m)
    mine.handle(":save best")
    before = tree(tmp_path)
    impostor_dir = tmp_path / "elsewhere" / "tutorial"
    shutil.copytree(WORLDS / "tutorial", impostor_dir)
    (impostor_dir / "rooms" / "kitchen.toml").write_text(
        (impostor_dir / "rooms" / "kitchen.toml").read_text().replace("The Kitchen", "Not Your Kitchen"))
    impostor = load_world(impostor_dir)
    assert impostor.id == tutorial.id and impostor.content_hash != tutorial.content_hash
    other = Session(impostor, tmp_path)
    assert not other.can_continue()  # it does not even see them
    other.handle("kettle")
    other.handle(":save best")
    other.handle(":quit")
    after = tree(tmp_path)
    assert all(after[k] == v for k, v in before.items())  # not one byte of the first world's saves changed
    back = Session(tutorial, tmp_path)
    assert "move 2" in texts(back.resume()) and back.game.log == ["up", "up"]
    assert back.handle(":load best") and back.game.log == ["up", "up"]


def test_two_copies_of_a_world_in_different_places_keep_separate_saves(tmp_path):
    from adventure.play.session import Session

    a, b = tmp_path / "a" / "w", tmp_path / "b" / "w"
    shutil.copytree(WORLDS / "tutorial", a)
    shutil.copytree(WORLDS / "tutorial", b)
    sa, sb = Session(load_world(a), tmp_path / "s"), Session(load_world(b), tmp_path / "s")
    sa.handle("climb")
    sb.handle("kettle")
    assert Session(load_world(a), tmp_path / "s").resume() and Session(load_world(a), tmp_path / "s").can_continue()
    ra = Session(load_world(a), tmp_path / "s")
    ra.resume()
    rb = Session(load_world(b), tmp_path / "s")
    rb.resume()
    assert ra.game.log == ["up"] and rb.game.log == ["kettle"]


def test_an_edited_world_in_the_same_place_finds_its_saves(tmp_path):
    from adventure.play.session import Session

    w = tmp_path / "w"
    shutil.copytree(WORLDS / "tutorial", w)
    s = Session(load_world(w), tmp_path / "s")
    s.handle("climb")
    s.handle(":save here")
    tower = w / "rooms" / "tower.toml"
    tower.write_text(tower.read_text().replace("One hundred and twelve steps", "Ninety-nine steps"))
    edited = load_world(w)
    s2 = Session(edited, tmp_path / "s")
    out = texts(s2.resume())
    assert "Continuing from your autosave, move 1." in out and "Ninety-nine steps" in out
    assert "Loaded 'here', move 1." in texts(s2.handle(":load here"))


def test_a_located_world_copies_its_own_saves_from_the_old_shared_folder(tmp_path):
    """Before 0.3 every world with id "x" saved in saves/x/. A world that is not shipped gets its own
    folder; on the first visit it takes copies of the old saves made with exactly its content, and
    leaves the old folder as it was (another world with the same id may own the rest)."""
    from adventure.play.session import Session

    w = tmp_path / "w"
    shutil.copytree(WORLDS / "tutorial", w)
    text = (w / "world.toml").read_text().replace('id = "tutorial"', 'id = "mine"')
    (w / "world.toml").write_text(text)
    world = load_world(w)
    g = Game(world)
    g.choose("up")
    old = tmp_path / "s" / "mine"
    old.mkdir(parents=True)
    (old / "autosave.json").write_bytes(write_save(tmp_path / "t", g, "autosave").read_bytes())
    g.choose("up")
    (old / "two.json").write_bytes(write_save(tmp_path / "t", g, "two").read_bytes())
    foreign = json.loads((old / "two.json").read_text())
    foreign["world"]["hash"] = "0" * 64  # another world that says id = "mine"
    (old / "theirs.json").write_text(json.dumps(foreign))
    before = tree(old)
    s = Session(world, tmp_path / "s")
    note = texts(s.opening())
    assert "copied 2 save(s)" in note and "theirs" not in {e.slot for e in list_saves(tmp_path / "s", world)}
    assert "1 other save(s)" in note and str(old) in note
    assert "move 1" in texts(Session(world, tmp_path / "s").resume())
    assert tree(old) == before


def test_writing_never_makes_a_save_too_big_to_read(tmp_path, tutorial, monkeypatch):
    """A 1.4-million-move game wrote an autosave over the size the reader accepts: never write what
    cannot be read back."""
    import adventure.play.saves as saves

    g = Game(tutorial)
    g.choose("feed-gull")
    p = write_save(tmp_path, g, "s")
    before = p.read_bytes()
    g.log = ["feed-gull"] + ["wave"] * 1_400_000  # the state stays: only the log's length matters here
    with pytest.raises(SaveError, match="too long to save") as e:
        write_save(tmp_path, g, "s")
    assert "previous save is untouched" in str(e.value)
    assert p.read_bytes() == before and [f.name for f in p.parent.iterdir()] == ["s.json"]
    # at the bound: a game of exactly MAX_SAVE_MOVES saves and loads, one more move does not save
    monkeypatch.setattr(saves, "MAX_SAVE_MOVES", 40)
    g = Game(tutorial)
    for m in ["feed-gull"] + ["wave"] * 39:
        g.choose(m)
    assert load_game(write_save(tmp_path, g, "s"), tutorial).game.log == g.log
    g.choose("wave")
    with pytest.raises(SaveError, match="41 moves.*at most 40"):
        write_save(tmp_path, g, "s")
    # and one byte over the size limit is refused by the writer as by the reader
    monkeypatch.setattr(saves, "MAX_SAVE_MOVES", 10**6)
    g.undo()
    size = len(saves.save_blob(g, "s"))
    monkeypatch.setattr(saves, "MAX_SAVE_BYTES", size - 1)
    with pytest.raises(SaveError, match="too long to save"):
        write_save(tmp_path, g, "s")


def good_doc(tmp_path, game):
    return json.loads(write_save(tmp_path, game, "s").read_text())


WRONG_FIELDS = [
    ("version", "3"), ("version", None), ("version", 2.0), ("version", True), ("version", 0), ("version", -1),
    ("min_version", "3"), ("min_version", None), ("min_version", [1]), ("min_version", 0), ("min_version", 3),
    ("engine", 1), ("slot", []), ("saved_at", {}), ("room", []), ("room", 7), ("turn", "3"), ("turn", -1),
    ("turn", 1.5), ("state", []), ("state", "x"), ("state_hash", None), ("state_hash", 5), ("seed", "0"),
    ("seed", 1.0), ("seed", None), ("seed", 2**64), ("seed", -(2**63) - 1), ("log", None), ("log", [1]),
    ("log", {"a": 1}), ("world", []), ("world", {"id": "tutorial"}), ("world", {"id": 3, "hash": "x"}),
    ("world", {"id": "tutorial", "hash": "x", "title": 5}), ("format", None),
]


@pytest.mark.parametrize("field,value", WRONG_FIELDS, ids=[f"{f}={v!r}" for f, v in WRONG_FIELDS])
def test_every_field_of_a_save_is_checked_by_type_and_range(tmp_path, game, tutorial, field, value):
    """`"min_version": "3"` crashed :load, :saves and --continue every time; `"room": []` crashed
    :saves; load_game raised TypeError. Every wrong-typed or out-of-range field is a SaveError naming
    the file, and :saves lists the file as one that cannot be loaded."""
    from adventure.play.session import Session

    doc = good_doc(tmp_path, game)
    if field == "version":
        doc["min_version"] = 1  # so that only `version` is wrong
    doc[field] = value
    p = slot_path(tmp_path, tutorial, "s")
    p.write_text(json.dumps(doc))
    raw = p.read_bytes()
    with pytest.raises(SaveError) as e:
        load_game(p, tutorial)
    assert str(p) in str(e.value)
    rows = {r.slot: r for r in list_saves(tmp_path, tutorial)}
    assert rows["s"].doc is None and rows["s"].problem
    s = Session(tutorial, tmp_path)
    assert "s.json" in texts(s.handle(":load s"))
    assert "cannot be loaded" in texts(s.handle(":saves"))
    assert p.read_bytes() == raw


@pytest.mark.parametrize("field,value", [("version", "3"), ("min_version", "3"), ("world", {"id": "tutorial"}),
                                         ("state", []), ("log", [1]), ("seed", 2**64)])
def test_game_set_state_checks_fields_with_the_same_rules(tutorial, game, field, value):
    doc = game.get_state()
    doc[field] = value
    g = Game(tutorial)
    with pytest.raises(SaveError):
        g.set_state(doc)
    assert g.log == []

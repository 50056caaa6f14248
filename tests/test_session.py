"""Session behaviour shared by both players: commands, messages, live reload."""

import json
import shutil

import pytest

from adventure import load_world
from adventure.play.session import Session

from conftest import WORLDS


def texts(blocks):
    return "\n".join(t for _, t in blocks)


def test_reload_keeps_the_place_and_survives_broken_edits(tmp_path):
    w = tmp_path / "w"
    shutil.copytree(WORLDS / "tutorial", w)
    s = Session(load_world(w), tmp_path / "saves", autosave=False)
    snap = s.world_files()
    s.handle("climb")
    tower = w / "rooms" / "tower.toml"
    tower.write_text(tower.read_text().replace("One hundred and twelve steps", "Ninety-nine steps"))
    assert s.world_files() != snap
    out = texts(s.reload())
    assert "replayed 1 move(s)" in out and "Ninety-nine steps" in out and s.game.log == ["up"]
    tower.write_text(tower.read_text().replace('go = "lamp_room"', 'go = "lamp_rom"'))
    out = texts(s.reload())
    assert "still playing the last version" in out and "did you mean 'lamp_room'" in out
    assert s.handle("keep") and s.game.state.room == "lamp_room"  # the old version plays on
    # an edit that removes a move already taken: refused, the old version plays on
    tower.write_text(tower.read_text().replace('go = "lamp_rom"', 'go = "lamp_room"').replace('id = "up"', 'id = "climb-on"'))
    out = texts(s.reload())
    assert "move 2 ('up')" in out and "no longer play" in out
    assert s.game.log == ["up", "up"] and s.game.state.room == "lamp_room"


def test_unknown_command_and_why_usage(tutorial, tmp_path):
    s = Session(tutorial, tmp_path, autosave=False)
    assert "did you mean :save?" in texts(s.handle(":sav"))
    assert ":why takes a choice number" in texts(s.handle(":why x"))
    assert "Nothing to undo" in texts(s.handle(":undo"))
    assert "bad save name" in texts(s.handle(":save ../../etc"))
    assert "no save at" in texts(s.handle(":load nothing"))
    assert ":undo" in texts(s.handle(":help"))


def test_hidden_changes_are_not_announced(tmp_path):
    w = tmp_path / "w"
    shutil.copytree(WORLDS / "tutorial", w)
    wt = (w / "world.toml").read_text().replace("kettle_on = false", "kettle_on = { default = false, hidden = true }")
    (w / "world.toml").write_text(wt)
    s = Session(load_world(w), tmp_path / "saves", autosave=False)
    out = texts(s.handle("kettle"))
    assert "The stove coughs" in out and "kettle_on" not in out
    assert "kettle_on = true" in texts(s.handle(":state"))
    out = texts(s.handle("gull"))
    assert "gull_fed: true" in out  # the others still are
    (w / "world.toml").write_text(wt.replace('[world]\n', '[world]\nshow_changes = false\n'))
    s = Session(load_world(w), tmp_path / "saves", autosave=False)
    assert "gull_fed" not in texts(s.handle("gull"))


def test_a_gallery_that_cannot_be_written_says_so(tutorial, tmp_path, monkeypatch):
    import adventure.play.saves as saves

    def full(*a):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(saves, "atomic_write", full)
    s = Session(tutorial, tmp_path, autosave=False)
    s.handle("climb")
    s.handle("keep")
    out = texts(s.handle("wait"))
    assert "Lights Out" in out and "could not keep the endings gallery" in out and "No space left" in out
    assert "dark" in s.gallery.seen  # still counted for this session


# ---------------------------------------------------------------- numbers, the autosave


def tree(root):
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("line", ["²", "①", "1²", ":why ²", ":why ①", "9" * 5000, ":why " + "9" * 5000,
                                  "0" * 5000 + "1", ":why " + "0" * 5000 + "1", "-1", "+1", " 1 ", "٣", "３",
                                  ":why ٣"])
def test_any_number_typed_is_a_move_or_a_message_never_a_crash(tutorial, tmp_path, line):
    """Unicode digits (int('²') raises) and numbers past Python's int-string limit crashed the player.
    Decimal digits of any script are numbers (a full-width ３ from an input method is choice 3);
    superscripts and circled digits are not; an absurdly long number is out of range."""
    s = Session(tutorial, tmp_path, autosave=False)
    out = s.handle(line)
    assert out
    if line.strip() == "1":
        assert s.game.log == ["kettle"]
    elif line in ("٣", "３"):
        assert s.game.log == ["up"]
    elif line == ":why ٣":
        assert "Choice 3 is available." in texts(out)
    elif line.startswith(":why"):
        assert ":why takes a choice number from 1 to 3" in texts(out)
    else:
        assert s.game.log == [] and out[0][0] == "error", out
        assert "from 1 to 3" in texts(out) or "no choice matches" in texts(out)


def autosave_log(tutorial, root):
    s = Session(tutorial, root)
    s.resume()
    return s.game.log


def test_undo_load_and_restart_update_the_autosave(tutorial, tmp_path):
    """After a crash, undone moves came back: :undo and :load did not write the autosave."""
    s = Session(tutorial, tmp_path)
    s.handle("climb")
    s.handle(":save one")
    s.handle("keep")
    s.handle(":undo")
    assert autosave_log(tutorial, tmp_path) == ["up"]  # as if the program died right here
    s.handle(":undo")
    assert autosave_log(tutorial, tmp_path) == []
    s.handle(":load one")
    assert autosave_log(tutorial, tmp_path) == ["up"]
    s.handle(":restart")
    assert autosave_log(tutorial, tmp_path) == []


def test_leaving_without_a_move_does_not_rewrite_the_autosave(tutorial, tmp_path):
    s = Session(tutorial, tmp_path)
    s.handle("climb")
    before = tree(tmp_path)
    fresh = Session(tutorial, tmp_path)  # a new game, and straight out again
    fresh.handle(":quit")
    assert tree(tmp_path) == before and fresh.done


def too_new_autosave(tutorial, root):
    s = Session(tutorial, root)
    s.handle("climb")
    s.handle("keep")
    p = next(root.rglob("autosave.json"))
    doc = json.loads(p.read_text())
    doc.update(version=99, min_version=99)  # written by a newer engine this one cannot read
    p.write_text(json.dumps(doc))
    return p, p.read_bytes()


@pytest.mark.parametrize("how", ["new game", "continue"])
def test_an_autosave_from_a_newer_engine_is_kept_aside_never_overwritten(tutorial, tmp_path, how):
    p, raw = too_new_autosave(tutorial, tmp_path)
    s = Session(tutorial, tmp_path)
    out = texts(s.opening(resume=how == "continue"))
    out += texts(s.handle("kettle"))  # the first move writes a new autosave
    kept = [f for f in p.parent.iterdir() if f.read_bytes() == raw]
    assert len(kept) == 1 and kept[0] != p, "the unreadable autosave must be kept under another name"
    assert kept[0].name in out and "newer engine" in out
    assert autosave_log(tutorial, tmp_path) == ["kettle"]


def test_every_damaged_autosave_is_kept_under_its_own_number(tutorial, tmp_path):
    """A second damaged autosave used to replace the first autosave.damaged.json."""
    s = Session(tutorial, tmp_path)
    s.handle("climb")
    p = next(tmp_path.rglob("autosave.json"))
    names = []
    for i in range(3):
        p.write_text(f"damaged {i}")
        out = texts(Session(tutorial, tmp_path).opening(resume=True))
        assert "new game" in out
        names.append(next(f.name for f in p.parent.iterdir() if f.read_bytes() == f"damaged {i}".encode()))
        assert names[-1] in out
    assert names == ["autosave.damaged.json", "autosave.damaged-2.json", "autosave.damaged-3.json"]


@pytest.mark.parametrize("field,value", [("min_version", "3"), ("min_version", None), ("min_version", [1]),
                                         ("room", []), ("seed", "0")])
def test_a_wrong_typed_autosave_is_named_and_moved_aside(tutorial, tmp_path, field, value):
    s = Session(tutorial, tmp_path)
    s.handle("climb")
    p = next(tmp_path.rglob("autosave.json"))
    doc = json.loads(p.read_text())
    doc.update(version=3, **{field: value})
    p.write_text(json.dumps(doc))
    raw = p.read_bytes()
    s2 = Session(tutorial, tmp_path)
    out = texts(s2.opening(resume=True))
    assert "autosave.json" in out and "autosave.damaged.json" in out
    assert (p.parent / "autosave.damaged.json").read_bytes() == raw and not p.exists()
    assert "The Kitchen" in out and s2.game.log == []


def test_an_autosave_that_cannot_be_moved_aside_turns_autosave_off(tutorial, tmp_path, monkeypatch):
    import adventure.play.saves as saves

    s = Session(tutorial, tmp_path)
    s.handle("climb")
    p = next(tmp_path.rglob("autosave.json"))
    p.write_text("{damaged")

    def refuse(*a, **k):
        raise OSError(30, "Read-only file system")
    monkeypatch.setattr(saves.os, "link", refuse)
    monkeypatch.setattr(saves.os, "rename", refuse)
    s2 = Session(tutorial, tmp_path)
    out = texts(s2.opening(resume=True)) + texts(s2.handle("kettle")) + texts(s2.handle(":quit"))
    assert "autosave is off" in out
    assert p.read_text() == "{damaged"


def test_an_autosave_whose_moves_no_longer_play_is_kept_as_outdated(tmp_path):
    w = tmp_path / "w"
    shutil.copytree(WORLDS / "tutorial", w)
    s = Session(load_world(w), tmp_path / "s")
    s.handle("climb")
    tower = w / "rooms" / "tower.toml"
    tower.write_text(tower.read_text().replace('go = "lamp_room"', 'go = "stairs"'))
    kitchen = w / "rooms" / "kitchen.toml"
    kitchen.write_text(kitchen.read_text().replace('id = "up"', 'id = "climb-up"'))
    p = next((tmp_path / "s").rglob("autosave.json"))
    raw = p.read_bytes()
    out = texts(Session(load_world(w), tmp_path / "s").opening(resume=True))
    assert "no longer play" in out and "kept as autosave.outdated.json" in out
    assert (p.parent / "autosave.outdated.json").read_bytes() == raw


# ---------------------------------------------------------------- frictions a new player meets (issue #19)


@pytest.mark.parametrize("line,cmd", [("help", ":help"), ("HELP", ":help"), ("quit", ":quit"), ("save", ":save"),
                                      ("save tower", ":save tower"), ("look", ":look"), ("exit", ":quit"),
                                      ("?", ":help")])
def test_a_command_typed_without_its_colon_points_to_it(tutorial, tmp_path, line, cmd):
    """`help` said "no choice matches 'help'", which does not tell a new player about `:help`."""
    s = Session(tutorial, tmp_path, autosave=False)
    out = s.handle(line)
    assert out[0][0] == "error" and "no choice matches" not in texts(out)
    assert f"type {cmd}" in texts(out) and "colon" in texts(out)
    assert s.game.log == [] and not s.done


def test_a_choice_whose_label_looks_like_a_command_is_still_a_choice(tmp_path):
    from conftest import write_world

    w = write_world(tmp_path / "w", '[world]\nid = "h"\ntitle = "H"\nstart = "r"\n[[ending]]\nid = "e"\ntitle = "E"\ntext = "x"\n',
                    {"r": '[r]\ntitle = "R"\ntext = "x"\n[[r.choice]]\nid = "c"\nsay = "Help the gull"\nend = true\n'})
    s = Session(load_world(w), tmp_path / "s", autosave=False)
    s.handle("help")
    assert s.game.over


def test_typing_a_greyed_choice_says_it_is_not_available_and_why(tutorial, tmp_path):
    """Typing the label of a greyed-out choice said "no choice matches", as if it were not there."""
    s = Session(tutorial, tmp_path, autosave=False)
    s.handle("climb")
    s.handle("keep")
    for line in ("Give up and swim for the mainland", "swim", "3"):
        out = s.handle(line)
        assert out[0][0] == "error", out
        t = texts(out)
        assert "no choice matches" not in t and "not available" in t, t
        assert "needs: turn >= 3" in t and "False now: turn >= 3" in t, t
    assert s.game.log == ["up", "up"]
    # an available choice that shares words with it is still taken
    s.handle("light")
    assert s.game.log == ["up", "up", "light"]


def test_look_shows_the_room_again_and_help_lists_it(tutorial, tmp_path):
    s = Session(tutorial, tmp_path, autosave=False)
    s.handle("kettle")
    out = s.handle(":look")
    assert out[0] == ("title", "The Kitchen") and "kettle is muttering" in texts(out)
    assert ("choice", "1. Give the gull your biscuit") in out and s.game.log == ["kettle"]
    assert ":look" in texts(s.handle(":help"))
    s.handle("climb")
    s.handle("keep")
    s.handle("wait")
    out = texts(s.handle(":look"))
    assert "Lights Out" in out and "The end." in out


def test_saves_names_the_ending_of_a_save_made_at_an_ending(tutorial, tmp_path):
    s = Session(tutorial, tmp_path, autosave=False)
    s.handle("climb")
    s.handle(":save halfway")
    s.handle("keep")
    s.handle("wait")
    s.handle(":save finished")
    out = s.handle(":saves")
    rows = {t.split()[0]: t for _, t in out[1:]}
    assert "ending: Lights Out" in rows["finished"], rows
    assert "The Stairs" in rows["halfway"] and "ending" not in rows["halfway"]


def test_a_finished_game_is_not_offered_to_continue(tutorial, tmp_path):
    """An autosave made at an ending was offered as "Continue where you left off?", which led
    only to "The end."."""
    s = Session(tutorial, tmp_path)
    assert not s.can_continue()
    s.handle("climb")
    assert Session(tutorial, tmp_path).can_continue()
    assert Session(tutorial, tmp_path).saved_game() == ("The Stairs", 1)
    s.handle("keep")
    s.handle("wait")
    assert s.game.over
    assert not Session(tutorial, tmp_path).can_continue()
    s.handle(":undo")  # back before the ending: a game to continue again
    assert Session(tutorial, tmp_path).can_continue()

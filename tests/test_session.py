"""Session behaviour shared by both players: commands, messages, live reload."""

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

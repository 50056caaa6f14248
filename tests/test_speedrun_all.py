"""`--category all` after its automatic restarts: brief text, as docs/speedrun.md says ("a room's
text is shown on its first entry in the run only"), with splits and the replay as before."""

from adventure.speedrun.replay import read_replay, verify_replay
from adventure.speedrun.session import SpeedrunSession

from test_speedrun import FakeClock, play

KITCHEN = "A round room at the foot of the tower"
STAIRS = "One hundred and twelve steps"


def texts(blocks):
    return [t for style, t in blocks if style == "text"]


def test_after_the_automatic_restart_rooms_already_read_show_only_their_titles(tutorial, tmp_path):
    clock = FakeClock()
    s = SpeedrunSession(tutorial, tmp_path, category="all", clock=clock)
    assert any(KITCHEN in t for t in texts(s.opening()))
    assert any(STAIRS in t for t in texts(s.handle("climb")))
    s.handle("keep")
    out = s.handle("wait")  # the first ending: back to the start
    assert "Lights Out" in " ".join(t for _, t in out) and any("to go. Back to the start" in t for _, t in out)
    assert ("title", "The Kitchen") in out and not any(KITCHEN in t for t in texts(out)), out
    assert ("choice", "3. Climb the stairs") in out
    again = s.handle("climb")
    assert ("title", "The Stairs") in again and not any(STAIRS in t for t in texts(again)), again
    # a new run (:restart) shows every room's text again
    out = s.handle(":restart")
    assert any(KITCHEN in t for t in texts(out))
    assert any(STAIRS in t for t in texts(s.handle("climb")))


def test_splits_and_the_replay_are_as_before(tutorial_2025, tmp_path):
    """Splits are still taken on each leg's first entry into a room (what they were before)."""
    clock = FakeClock()
    s = SpeedrunSession(tutorial_2025, tmp_path, seed=2, category="all", clock=clock)  # seed 2: the gull's luck holds
    play(s, clock, ["climb", "keep", "wait", "climb", "keep", "light", "wait", "gull", "climb", "keep", "light", "wait"])
    assert s.finished
    v = verify_replay(s.last_replay, tutorial_2025)
    assert v.ok and v.endings == ("dark", "beacon", "storm-keeper"), v.message
    _, moves, footer = read_replay(s.last_replay)
    assert [x["name"] for x in footer["splits"]] == ["stairs", "lamp_room", "ending:dark"] + [
        "stairs", "lamp_room", "ending:beacon", "stairs", "lamp_room", "ending:storm-keeper"]

"""The loader: fixture folders of valid worlds (with transcripts) and invalid ones (with the
expected problems: file, line, key path, message), plus properties over arbitrary bytes."""

import io
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adventure import WorldError, load_world
from adventure.play.plain import run_plain
from adventure.play.session import Session

from conftest import FIXTURES, WORLDS

INVALID = sorted((FIXTURES / "invalid").iterdir())
VALID = sorted((FIXTURES / "valid").iterdir())


@pytest.mark.parametrize("folder", INVALID, ids=[p.name for p in INVALID])
def test_invalid_world_reports_each_problem(folder):
    with pytest.raises(WorldError) as e:
        load_world(folder)
    got = [str(p).replace(str(folder) + os.sep, "") for p in e.value.problems]
    want = (folder / "expected.txt").read_text().splitlines()
    assert len(got) == len(want), "\n".join(got)
    for g, w in zip(got, want):
        assert g.startswith(w), f"\n got: {g}\nwant: {w}"
    for p in e.value.problems:  # every problem names its file and line
        assert p.file and p.line, str(p)


@pytest.mark.parametrize("folder", VALID, ids=[p.name for p in VALID])
def test_valid_world_plays_its_transcript(folder, tmp_path):
    world = load_world(folder)
    out = io.StringIO()
    session = Session(world, tmp_path, autosave=False)
    run_plain(session, stdin=io.StringIO((folder / "moves.txt").read_text()), stdout=out)
    assert out.getvalue() == (folder / "transcript.txt").read_text()


def test_shipped_worlds_load():
    for folder in sorted(WORLDS.iterdir()):
        if (folder / "world.toml").is_file():
            load_world(folder)


def test_missing_world_has_a_hint(tmp_path):
    with pytest.raises(WorldError, match="no such world"):
        load_world(tmp_path / "nope")
    with pytest.raises(WorldError, match="did you mean 'tutorial'"):
        load_world("tutorail")
    with pytest.raises(WorldError, match="has no world.toml"):
        load_world(tmp_path)


def test_link_outside_world_is_refused(tmp_path):
    src = FIXTURES / "valid" / "lamp"
    w = tmp_path / "w"
    (w / "rooms").mkdir(parents=True)
    (w / "world.toml").write_text((src / "world.toml").read_text())
    outside = tmp_path / "secret.toml"
    outside.write_text((src / "rooms" / "hall.toml").read_text())
    (w / "rooms" / "hall.toml").symlink_to(outside)
    with pytest.raises(WorldError, match="outside the world folder"):
        load_world(w)


def test_control_characters_are_neutralised(tmp_path):
    src = FIXTURES / "valid" / "lamp"
    w = tmp_path / "w"
    (w / "rooms").mkdir(parents=True)
    (w / "world.toml").write_text((src / "world.toml").read_text())
    hall = (src / "rooms" / "hall.toml").read_text().replace("A hall.", "A \\u001b[31mred\\u001b]0;pwned\\u0007 hall.\\u202e")
    (w / "rooms" / "hall.toml").write_text(hall)
    world = load_world(w)
    text = world.rooms["hall"].text.render(world.defaults)
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert text == "A [31mred]0;pwned hall."


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400))
def test_any_bytes_raise_only_world_error(tmp_path, data):
    (tmp_path / "rooms").mkdir(exist_ok=True)
    (tmp_path / "world.toml").write_bytes(data)
    (tmp_path / "rooms" / "r.toml").write_bytes(data[::-1])
    try:
        load_world(tmp_path)
    except WorldError:
        pass


TOML_BITS = ['[world]', 'id = "x"', 'title = "T"', 'start = "r"', '[state]', 'f = true', 'n = 0', '[[ending]]',
             'id = "e"', 'title = "E"', 'text = "t"', 'when = "f"', '[r]', 'text = "R"', '[[r.choice]]', 'say = "go"',
             'go = "r"', 'end = true', 'do = "n += 1"', 'if = "n > 1"', 'x = [1, 2', '"""', 'once = 3']


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(TOML_BITS), max_size=25), st.lists(st.sampled_from(TOML_BITS), max_size=25))
def test_toml_soup_raises_only_world_error(tmp_path, w, r):
    (tmp_path / "rooms").mkdir(exist_ok=True)
    (tmp_path / "world.toml").write_text("\n".join(w))
    (tmp_path / "rooms" / "r.toml").write_text("\n".join(r))
    try:
        load_world(tmp_path)
    except WorldError as e:
        assert e.problems

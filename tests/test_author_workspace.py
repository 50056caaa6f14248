"""adventure.author.workspace, what the language server knows, without any editor protocol: the
mirror of a world with the editor's buffers, check's words, the index, what the cursor is on."""

import shutil
from pathlib import Path

import pytest

from conftest import WORLDS

from adventure.author.workspace import (Index, Mirror, check, completions, cursor_context, find_root, resolve,
                                        world_files)
from adventure.cli.main import main


@pytest.fixture
def world(tmp_path):
    folder = tmp_path / "tutorial"
    shutil.copytree(WORLDS / "tutorial", folder)
    return folder


@pytest.fixture
def mirror(world):
    m = Mirror(world)
    yield m
    m.close()
    assert not m.dir.exists()


def check_says(world: Path, capsys) -> list[str]:
    """What `adventure check` prints, each line without its `file:line: `."""
    main(["check", str(world)])
    cap = capsys.readouterr()
    return [line.split(": ", 1)[1] for line in (cap.out + cap.err).splitlines() if line.startswith(str(world))]


def test_the_buffers_are_checked_as_check_would_check_the_saved_files(world, mirror, capsys):
    kitchen = world / "rooms" / "kitchen.toml"
    broken = kitchen.read_text().replace('title = "The Kitchen"', 'title = "The Kitchen', 1)  # TOML syntax
    found = check(mirror, {kitchen: broken})
    assert kitchen.read_text() != broken  # nothing was written to the world
    kitchen.write_text(broken)
    assert [d.message for d in found] == check_says(world, capsys)
    assert any(d.file == kitchen and "TOML syntax error" in d.message for d in found)
    # the other problems follow from it, in the real world.toml, as check says
    assert any(d.file == world / "world.toml" and "start room 'kitchen' does not exist" in d.message for d in found)


def test_the_mirror_follows_files_added_and_removed(world, mirror):
    assert check(mirror, {}) == []
    # a room file that exists only in the editor
    new = world / "rooms" / "cellar.toml"
    found = check(mirror, {new: '[cellar]\ntitle = "C"\ntext = "c"\n[[cellar.choice]]\nid = "up"\nsay = "Up"\n'
                                'go = "kitchen"\n'})
    assert [(d.file, d.code) for d in found] == [(new, "unreachable-room")]
    assert (mirror.dir / "rooms" / "cellar.toml").is_file()
    # closed without saving: gone from the mirror too
    assert check(mirror, {}) == []
    assert not (mirror.dir / "rooms" / "cellar.toml").exists()
    # a file deleted on disk
    (world / "rooms" / "tower.toml").unlink()
    messages = [d.message for d in check(mirror, {})]
    assert any("room 'stairs' does not exist" in m for m in messages)


def test_find_root_and_world_files(world):
    assert find_root(world / "rooms" / "kitchen.toml") == world
    assert find_root(world / "world.toml") == world
    assert find_root(world.parent / "elsewhere.toml") is None
    assert world_files(world) == [world / "rooms" / "kitchen.toml", world / "rooms" / "tower.toml",
                                  world / "world.toml"]


def test_the_index_keeps_a_files_last_good_text(world):
    ix = Index(world)
    ix.refresh({})
    assert set(ix.sites("room")) == {"kitchen", "stairs", "lamp_room", "gallery", "logbook"}
    tower = world / "rooms" / "tower.toml"
    ix.update(tower, tower.read_text() + "\n[[stairs.choice]]\nid = ")  # half typed: does not parse
    assert set(ix.sites("room")) == {"kitchen", "stairs", "lamp_room", "gallery", "logbook"}
    ix.update(tower, '[attic]\ntitle = "Attic"\n')
    assert set(ix.sites("room")) == {"kitchen", "attic"}
    site = ix.sites("room")["attic"]
    assert (site.file, site.line, site.detail) == (tower, 1, "Attic")


@pytest.mark.parametrize("line, col, kind, prefix", [
    ('go = "lamp_room"', 8, "room", "la"),
    ('start = "kitchen"', 9, "room", ""),
    ('{ id = "x", say = "y", go = "st" }', 31, "room", "st"),
    ('end = "bea', 10, "ending", "bea"),
    ('end = true', 8, "", ""),
    ('if = "not lamp_lit and oil > 0"', 16, "name", "lamp_l"),
    ('do = ["lamp_lit = true", "oil -= 1"]', 27, "name", "o"),
    ('if = "visits.kit', 16, "name", "visits.kit"),
    ('text = "Luck: {lu', 17, "name", "lu"),
    ('oil = { default = 2 }', 10, "", ""),
    ('title = "The Kitchen"', 12, "", ""),
    ("", 5, "", ""),
])
def test_what_the_cursor_is_on(line, col, kind, prefix):
    ctx = cursor_context(line, col)
    assert (ctx.kind, ctx.prefix) == (kind, prefix)


def test_completions_and_definitions_from_the_index(world):
    ix = Index(world)
    ix.refresh({})
    names = [c[0] for c in completions(ix, cursor_context('if = "', 6))]
    assert names[:5] == ["gull_fed", "kettle_on", "lamp_lit", "luck", "oil"] and "visits." in names
    assert [c[0] for c in completions(ix, cursor_context('if = "visits.', 13))] == [
        "visits.gallery", "visits.kitchen", "visits.lamp_room", "visits.logbook", "visits.stairs"]
    assert resolve(ix, cursor_context('if = "visits.stairs > 1"', 15)).name == "stairs"
    assert resolve(ix, cursor_context('end = "dark"', 9)).kind == "ending"
    assert resolve(ix, cursor_context('go = "nowhere"', 9)) is None


@pytest.mark.parametrize("line, col, kind, prefix, owner", [
    ('call = "note', 12, "room", "note", ""),
    ('next = [{ if = "bell > 7", end = "lo" }, { go = "sq" }]', 36, "ending", "lo", ""),
    ('next = [{ if = "bell > 7", end = "lo" }, { go = "sq" }]', 51, "room", "sq", ""),
    ('use = ["street", "le', 20, "block", "le", ""),
    ('use = ["street", "le', 11, "block", "str", ""),
    ('if = "mood == un', 16, "value", "un", "mood"),
    ('if = "mood != calm and bell > 2"', 16, "value", "ca", "mood"),
    ('do = ["mood = cer', 17, "value", "cer", "mood"),
    ('enter = [{ if = "day > 1", do = ["mood = un', 43, "value", "un", "mood"),
    ('text = "{if mood == un', 22, "value", "un", "mood"),
    ('text = "{if kn', 14, "name", "kn", ""),
    ('do = ["bell += 1"]', 10, "name", "bel", ""),
])
def test_what_the_cursor_is_on_in_the_second_language(line, col, kind, prefix, owner):
    ctx = cursor_context(line, col)
    assert (ctx.kind, ctx.prefix, ctx.owner) == (kind, prefix, owner)


def test_blocks_enums_and_their_values_complete_resolve_and_hover():
    from adventure.author.workspace import hover_text

    folder = Path(__file__).parent / "worlds" / "timeloop"
    ix = Index(folder)
    ix.refresh({})
    world = folder / "world.toml"
    lines = world.read_text().splitlines()
    # a block name in `use`
    assert completions(ix, cursor_context('use = ["', 8)) == [("street", "block", "2 choices: square, notebook")]
    site = resolve(ix, cursor_context('use = ["street"]', 10))
    assert (site.file, lines[site.line - 1]) == (world, "[block.street]")
    assert "block **street**: 2 choices" in hover_text(site)
    # a room in `call` and in a `next` entry, an ending in a `next` entry
    assert resolve(ix, cursor_context('call = "notebook"', 10)).name == "notebook"
    line = 'next = [{ if = "bell > 7", end = "loop" }, { go = "square" }]'
    assert resolve(ix, cursor_context(line, 36)).kind == "ending"
    assert resolve(ix, cursor_context(line, 53)).name == "square"
    # an enum's values after == and in an effect; a flag's right-hand side is an expression
    assert [c[0] for c in completions(ix, cursor_context('if = "mood == ', 14))] == ["calm", "certain", "uneasy"]
    assert [c[0] for c in completions(ix, cursor_context('do = ["mood = c', 15))] == ["calm", "certain"]
    assert "knows_key" in [c[0] for c in completions(ix, cursor_context('do = ["has_key = ', 17))]
    value = resolve(ix, cursor_context('if = "mood == uneasy"', 16))
    assert (value.kind, value.name, lines[value.line - 1].split(" =")[0]) == ("value", "uneasy", "mood")
    assert "**uneasy**: a value of enum mood, one of calm, uneasy, certain; default calm" in hover_text(value)
    assert resolve(ix, cursor_context('if = "mood == nonsense"', 16)) is None
    # hover over the enum itself, and a persistent counter
    mood = resolve(ix, cursor_context('if = "mood == uneasy"', 8))
    assert "**enum mood, one of calm, uneasy, certain; default calm**" in hover_text(mood)
    assert resolve(ix, cursor_context('if = "day > 1"', 7)).detail == "counter day, default 1, from 1 to 99 (persistent)"

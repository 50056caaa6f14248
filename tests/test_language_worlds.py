"""The worlds written in the second language (issue #16) as tests: their walkthroughs pass, and
the heist shares its choices through blocks instead of copying them."""

import pytest
import tomli

from conftest import FIXTURES

from adventure import load_world
from adventure.world.walkthrough import load_walkthrough, run_walkthrough

LANGUAGE_WORLDS = ("timeloop", "caper")


def _walkthroughs(name):
    return sorted((FIXTURES / name / "tests").glob("*.toml"))


@pytest.mark.parametrize("path", [p for name in LANGUAGE_WORLDS for p in _walkthroughs(name)],
                         ids=lambda p: f"{p.parent.parent.name}/{p.stem}")
def test_walkthroughs_pass(path):
    world = load_world(path.parent.parent)
    assert run_walkthrough(world, load_walkthrough(path, world)) == []


def test_every_ending_of_the_caper_has_a_walkthrough():
    world = load_world(FIXTURES / "caper")
    reached = {tomli.loads(p.read_text()).get("expect", {}).get("ending") for p in _walkthroughs("caper")}
    assert {e.id for e in world.endings} <= reached


def _choice_key(c):
    """What a player meets in a choice: everything but where it was written."""
    return (c.id, c.say, c.cond_source, c.show, c.once, c.effects, c.reply, c.go, c.end, c.next, c.call, c.back,
            c.why)


def test_the_caper_shares_choices_through_blocks_not_copies():
    folder = FIXTURES / "caper"
    world = load_world(folder)
    assert 8 <= len(world.rooms) <= 12
    tables = {}
    for rid, room in world.rooms.items():
        tables.setdefault(tuple(_choice_key(c) for c in room.choices), []).append(rid)
    assert [rooms for rooms in tables.values() if len(rooms) > 1] == []
    # the blocks are used by many rooms, and no room file holds a copy of a block's choice
    uses = {name: [r.id for r in world.rooms.values() if name in r.uses] for name in world.blocks}
    assert len(uses["cornered"]) >= 5 and len(uses["leave"]) >= 3 and len(uses["plan"]) >= 6
    blocks = tomli.loads((folder / "world.toml").read_text())["block"]
    block_choices = [c for b in blocks.values() for c in b["choice"]]
    for f in (folder / "rooms").glob("*.toml"):
        for rid, room in tomli.loads(f.read_text()).items():
            for c in room.get("choice", []):
                assert c not in block_choices and c["id"] not in {b["id"] for b in block_choices}, (rid, c["id"])
    # a room's block choices come after its own, under the room's key
    gallery = world.rooms["gallery"]
    assert [c.id for c in gallery.choices][-4:] == ["hide", "bluff", "plan", "leave"]
    assert gallery.by_id["leave"].key == "gallery.leave"


def test_the_caper_uses_the_constructs_it_was_written_for():
    world = load_world(FIXTURES / "caper")
    disguise = world.var("disguise")
    assert disguise.type == "enum" and disguise.values == ("street_clothes", "guard", "cleaner")
    assert [r.id for r in world.rules] == ["footsteps", "alarm", "dawn"]
    choices = [c for r in world.rooms.values() for c in r.choices]
    assert sum(c.why is not None for c in choices) >= 4
    assert any(c.call for c in choices) and any(c.back for c in choices)
    assert any(r.enter for r in world.rooms.values())
    assert [e.id for e in world.endings if e.by_name] == ["getaway", "caught"]

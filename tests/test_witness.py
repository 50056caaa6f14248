"""The witness search's guide (analysis/witness.py with pdb.ItemPattern): a door behind a flag
set in another area no longer misleads it. Every witness still replays through the engine."""

from adventure import load_world
from adventure.analysis.verdicts import analyse, shows
from adventure.analysis.witness import Witnesses

from conftest import write_world

WORLD = """
[world]
id = "keys"
title = "The Key Is Elsewhere"
start = "a0"
[state]
key = false
steps = { default = 0, min = 0, max = 40 }
""" + "\n".join(f"n{i} = false" for i in range(8)) + """
[[ending]]
id = "out"
title = "Out"
text = "Out."
"""


def rooms() -> dict:
    """Area A: a ring of eight rooms full of idle fiddling (flags, a step counter), with the door
    to area B in a4, behind `key`; the key lies at the far end of a corridor of ten rooms (area C)
    off a0, the other way. The treasure is in b2."""
    out = []
    for i in range(8):
        out.append(f'''[a{i}]
title = "A{i}"
text = "A{i}."
[[a{i}.choice]]
id = "walk"
say = "Walk"
do = "steps += 1"
go = "a{(i + 1) % 8}"
[[a{i}.choice]]
id = "fiddle"
say = "Fiddle"
do = "n{i} = not n{i}"
''')
    out[0] += '''[[a0.choice]]
id = "west"
say = "West"
go = "c0"
'''
    out[4] += '''[[a4.choice]]
id = "door"
say = "Through the door"
if = "key"
go = "b0"
'''
    for i in range(10):
        nxt = f"c{i + 1}" if i < 9 else "c9"
        back = f"c{i - 1}" if i > 0 else "a0"
        out.append(f'''[c{i}]
title = "C{i}"
text = "C{i}."
[[c{i}.choice]]
id = "on"
say = "On"
go = "{nxt}"
[[c{i}.choice]]
id = "back"
say = "Back"
go = "{back}"
''')
    out[-1] += '''[[c9.choice]]
id = "take"
say = "Take the key"
if = "not key"
do = "key = true"
'''
    for i in range(3):
        out.append(f'''[b{i}]
title = "B{i}"
text = "B{i}."
[[b{i}.choice]]
id = "on"
say = "On"
go = "b{min(i + 1, 2)}"
''')
    out[-1] += '''[[b2.choice]]
id = "treasure"
say = "Take the treasure"
end = "out"
'''
    return {"rooms": "\n".join(out)}


def test_a_door_behind_a_flag_in_another_area_no_longer_misleads_the_search(tmp_path):
    world = load_world(write_world(tmp_path / "w", WORLD, rooms()))
    item = ("choice", "b2.treasure")
    old = Witnesses(world)
    old.use_patterns = False  # routes._Bound summed over the goal's parts: blind to the door
    assert not old.seek(item, 2_000)
    new = Witnesses(world)
    assert new.seek(item, 2_000)
    assert new.expanded < 200
    route = new.witness(item)
    assert shows(world, item, route, 0)
    # and through analyse, with a budget too small for the exploration to get there
    an = analyse(world, max_states=3_000, max_seconds=None)
    v = an.verdicts[item]
    assert v.status == "reachable" and v.by == "search"
    assert shows(world, item, list(v.route), v.seed)
    assert an.complete


def test_a_flag_the_item_needs_unset_is_not_set_on_the_way(tmp_path):
    """The guide leads around a door whose key would spoil the item: `not key` at the goal, and
    the only other way in waits for the turn."""
    text = rooms()["rooms"].replace('if = "key"\ngo = "b0"', 'if = "key or turn >= 30"\ngo = "b0"')
    text = text.replace('end = "out"', 'if = "not key"\nend = "out"')
    world = load_world(write_world(tmp_path / "w", WORLD, {"rooms": text}))
    item = ("choice", "b2.treasure")
    old = Witnesses(world)
    old.use_patterns = False
    assert not old.seek(item, 5_000)
    W = Witnesses(world)
    assert W.seek(item, 5_000) and W.expanded < 500
    assert shows(world, item, W.witness(item), 0)

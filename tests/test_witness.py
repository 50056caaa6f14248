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


def _realistic(tmp_path, n=40):
    import sys

    from conftest import ROOT

    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import gen_realistic
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    return load_world(gen_realistic.generate(n, tmp_path / f"r{n}"))


def test_the_checks_shared_along_the_tree_agree_with_the_engine_from_the_start(tmp_path, monkeypatch):
    """Witnesses.shows (each tree state played once) answers as verdicts.shows (the engine from
    the start, route by route) for every witness; routes kept every CHECKPOINT moves are the
    routes walked; the partial unpacking agrees with Codec.decode (dice, visit counts, turn)."""
    from adventure.analysis import witness

    monkeypatch.setattr(witness, "CHECKPOINT", 3)
    world = _realistic(tmp_path)
    W = Witnesses(world)
    for it in [("room", f"r{i}") for i in range(40)] + [("choice", f"r{i}.learn") for i in range(0, 40, 7)]:
        W.seek(it, 300)
    assert len(W.found) > 60 and max(W.depths.values()) > 10
    for it in W.found:
        route = W.witness(it)
        assert W.shows(it) == shows(world, it, route, 0), it
    codec = W.ex.codec
    for key in list(W.parent)[:3000]:
        walked, k = [], key
        while W.parent[k] is not None:
            k, g = W.parent[k]
            walked.append(W.by_g[g].choice.id)
        assert W.route(key) == walked[::-1]
        room, values, visits, used, turn, rng = codec.decode(key)
        got = W.unpack(key)
        assert (got[0], got[1], got[3], got[4], got[5]) == (room, values, used, turn, rng)
        assert [got[2][s] for s in range(len(visits))] == visits == list(got[2])
    # a tree damaged by a bug: the check through the engine no longer holds
    it = next(it for it in W.found if it[0] == "room" and W.found[it][2] >= 0 and len(W.witness(it)) > 3)
    key = W.found[it][1]
    W2 = Witnesses(world)
    W2.parent, W2.found, W2.depths = dict(W.parent), dict(W.found), W.depths
    p, g = W2.parent[key]
    W2.parent[key] = (p, next(x for x in range(len(W2.by_g)) if W2.by_g[x].choice.id == "secret"))
    assert not W2.shows(it) and not shows(world, it, W2.witness(it), 0)


def test_a_table_over_a_region_leads_inside_it_and_prunes_nothing_beyond(tmp_path):
    """pdb.ItemPattern over the rooms nearest the item only (a big world's table): the key lies
    beyond the region, so inside it a state without the key is not pruned but ranked after every
    state the table leads (the room-graph distance past the farthest distance in the table)."""
    from itertools import product

    from adventure.analysis.pdb import ItemPattern, WorldIndex

    world = load_world(write_world(tmp_path / "w", WORLD, rooms()))
    c = world.rooms["b2"].by_id["treasure"]
    start = world.rooms[world.start].index
    targets = [(world.rooms["b2"].index, (c.cond,), 0)]
    whole = ItemPattern(world, targets, start)
    part = ItemPattern(world, targets, start, index=WorldIndex(world, start), max_rooms=6, min_rooms=4)
    assert whole.whole and not part.whole and part.n < whole.n and part.pattern
    for vals in product(*part.doms):
        for room in range(len(world.room_order)):
            h = part(room, list(vals), None)
            if part.d_to[room] < float("inf"):
                assert h < float("inf")  # never pruned where the room graph leads to the item
            if part.local[room] < 0:
                assert h >= part.far  # beyond the region: after everything the table leads
    # inside the region, on the item's own room: the table's own distance (0 there)
    assert part(world.rooms["b2"].index, [d[0] for d in part.doms], None) == 0


def test_a_big_worlds_first_look_then_the_table(tmp_path):
    """On a big world an item's first search is a short one by room distance (the door is shut:
    it fails); the next one builds the item's table and finds the way by the key."""
    from adventure.analysis import witness

    world = load_world(write_world(tmp_path / "w", WORLD, rooms()))
    item = ("choice", "b2.treasure")
    W = Witnesses(world)
    W.big, W.table_limit = True, witness.BIG_TABLE
    assert not W.seek(item, 2_000) and W.expanded <= witness.FIRST_LOOK and not W.patterns
    assert W.seek(item, 2_000) and item in W.patterns
    assert W.shows(item) and shows(world, item, W.witness(item), 0)

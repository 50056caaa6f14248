"""The second language's semantics, construct by construct, on small worlds written in the test:
conditional steps, enter, rules, next, call/back, why, enums, by-name endings, persistent values,
text variation, and the load errors that recognise Ink and ChoiceScript."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adventure import ChoiceError, WorldError, load_world
from adventure.core.engine import (Changed, EndingReached, Reply, RoomEntered, RuleFired, label, options,
                                   persistent_values, reason, start, step)
from adventure.core.model import State
from adventure.core.narration import choice_blocks


def world(tmp_path, world_toml: str, rooms_toml: str):
    (tmp_path / "rooms").mkdir(parents=True, exist_ok=True)
    (tmp_path / "world.toml").write_text(world_toml)
    (tmp_path / "rooms" / "rooms.toml").write_text(rooms_toml)
    return load_world(tmp_path)


HEAD = """
[world]
id = "t"
title = "T"
start = "a"
"""


def play(w, moves, seed=0, carried=None):
    out = start(w, seed, carried)
    s, events = out.state, list(out.events)
    for m in moves:
        o = step(w, s, m)
        s = o.state
        events.extend(o.events)
    return s, events


def test_conditional_steps_read_values_as_they_are_when_reached(tmp_path):
    w = world(tmp_path, HEAD + """
[state]
x = 0
y = 0
[[ending]]
id = "e"
title = "E"
text = "."
""", """
[a]
title = "A"
text = "a"
[[a.choice]]
id = "go"
say = "go"
do = ["x = 1", { if = "x == 1", do = ["y = 10", { if = "y > 5", do = ["x = 2"] }], else = ["y = 99"] }]
""")
    s, _ = play(w, ["go"])
    assert s.values == (2, 10)
    assert not w.plain, "the analysis' plain paths read effects one by one: a world with branches is not plain"


def test_enter_runs_at_the_start_and_on_every_entry_with_the_visit_counted(tmp_path):
    w = world(tmp_path, HEAD + """
[state]
n = 0
[[ending]]
id = "e"
title = "E"
text = "."
""", """
[a]
title = "A"
text = "a {visits.a}"
enter = ["n += visits.a"]
[[a.choice]]
id = "b"
say = "b"
go = "b"
[b]
title = "B"
text = "b"
[[b.choice]]
id = "a"
say = "a"
go = "a"
""")
    s, events = play(w, [])
    assert s.values == (1,)
    s, events = play(w, ["b", "a"])
    assert s.values == (1 + 2,)
    assert [e.text for e in events if isinstance(e, RoomEntered)] == ["a 1", "b", "a 2"]


RULES = HEAD + """
[state]
bell = 0
warned = false
[[rule]]
id = "tick"
when = "true"
do = ["bell += 1"]
[[rule]]
id = "warn"
when = "bell >= 2"
once = true
text = "A warning ({bell})."
do = ["warned = true"]
go = "b"
[[rule]]
id = "caught"
when = "bell >= 4"
text = "Caught."
end = "caught"
[[ending]]
id = "caught"
title = "Caught"
text = "c"
by_name = true
[[ending]]
id = "free"
title = "Free"
text = "f"
"""
ROOMS = """
[a]
title = "A"
text = "a"
[[a.choice]]
id = "wait"
say = "wait"
[[a.choice]]
id = "leave"
say = "leave"
end = true
[b]
title = "B"
text = "b"
[[b.choice]]
id = "wait"
say = "wait"
[[b.choice]]
id = "back"
say = "back"
go = "a"
"""


def test_rules_fire_in_order_once_go_and_end(tmp_path):
    w = world(tmp_path, RULES, ROOMS)
    s, ev = play(w, ["wait"])
    assert s.values == (1, False) and s.room == "a"
    assert not any(isinstance(e, RoomEntered) for e in ev[2:]), "a move that goes nowhere shows no room"
    s, ev = play(w, ["wait", "wait"])
    assert s.room == "b" and s.values == (2, True) and "rule:warn" in s.used
    assert [e.text for e in ev if isinstance(e, RuleFired)] == ["A warning (2)."]
    assert isinstance(ev[-1], RoomEntered) and ev[-1].room == "b"
    s, ev = play(w, ["wait", "wait", "back"])  # once: it does not fire again at 3
    assert s.room == "a" and not any(isinstance(e, RuleFired) for e in ev[-3:])
    s, ev = play(w, ["wait", "wait", "back", "wait"])
    assert s.ending == "caught" and isinstance(ev[-1], EndingReached)
    assert [e.text for e in ev if isinstance(e, RuleFired)][-1] == "Caught."


def test_a_by_name_ending_is_never_picked_by_end_true(tmp_path):
    w = world(tmp_path, RULES, ROOMS)
    s, _ = play(w, ["leave"])
    assert s.ending == "free"


def test_changed_events_are_the_net_change_of_the_whole_move(tmp_path):
    w = world(tmp_path, RULES, ROOMS)
    _, ev = play(w, ["wait", "wait"])
    changes = [e for e in ev if isinstance(e, Changed)]
    assert [(c.name, c.old, c.new) for c in changes] == [("bell", 0, 1), ("bell", 1, 2), ("warned", False, True)]


def test_next_decides_after_the_effects(tmp_path):
    w = world(tmp_path, HEAD + """
[state]
k = 0
[[ending]]
id = "big"
title = "Big"
text = "."
by_name = true
[[ending]]
id = "e"
title = "E"
text = "."
""", """
[a]
title = "A"
text = "a"
[[a.choice]]
id = "push"
say = "push"
do = ["k += 1"]
next = [{ if = "k >= 2", end = "big" }, { if = "k == 1", go = "b" }, { go = "a" }]
[b]
title = "B"
text = "b"
[[b.choice]]
id = "push"
say = "push"
do = ["k += 1"]
next = [{ if = "k >= 2", end = "big" }, { go = "a" }]
""")
    s, _ = play(w, ["push"])
    assert s.room == "b"
    s, _ = play(w, ["push", "push"])
    assert s.ending == "big"


CALLS = HEAD + """
[[ending]]
id = "e"
title = "E"
text = "."
[block.map]
[[block.map.choice]]
id = "map"
say = "Look at the map."
call = "map"
"""
CALL_ROOMS = """
[a]
title = "A"
text = "a"
use = ["map"]
[[a.choice]]
id = "b"
say = "b"
go = "b"
[b]
title = "B"
text = "b"
use = ["map"]
[[b.choice]]
id = "out"
say = "out"
end = true
[map]
title = "Map"
text = "the map"
use = ["map"]
[[map.choice]]
id = "back"
say = "Fold it."
back = true
"""


def test_call_and_back_return_to_the_caller_and_the_stack_is_bounded(tmp_path):
    w = world(tmp_path, CALLS, CALL_ROOMS)
    s, _ = play(w, ["b", "map"])
    assert s.room == "map" and s.stack == ("b",)
    s, _ = play(w, ["b", "map", "back"])
    assert s.room == "b" and s.stack == ()
    s, _ = play(w, ["map"] * 8)
    assert len(s.stack) == 8 and "map" not in [o.id for o in options(w, s)]
    with pytest.raises(ChoiceError, match="8 scenes deep"):
        step(w, s, "map")  # nine deep is not offered
    s, _ = play(w, ["map"] * 8 + ["back"] * 8)
    assert s.room == "a" and s.stack == ()
    lost = State("map", s.values, s.visits, s.used, 0, s.rng, None, (), s.seen)  # a stack emptied by hand
    assert "back" not in [o.id for o in options(w, lost)]
    with pytest.raises(ChoiceError, match="nowhere to go back"):
        step(w, lost, "back")


def test_a_block_adds_its_choices_and_a_clash_is_an_error(tmp_path):
    w = world(tmp_path, CALLS, CALL_ROOMS)
    assert [c.id for c in w.rooms["a"].choices] == ["b", "map"]
    assert w.rooms["a"].by_id["map"].key == "a.map"
    bad = CALL_ROOMS.replace('id = "b"\nsay = "b"', 'id = "map"\nsay = "b"')
    with pytest.raises(WorldError, match="block 'map' adds choice 'map', which room 'a' already has"):
        world(tmp_path, CALLS, bad)
    with pytest.raises(WorldError, match="no block named 'mpa'.*did you mean 'map'"):
        world(tmp_path, CALLS, CALL_ROOMS.replace('use = ["map"]\n[[a', 'use = ["mpa"]\n[[a', 1))


def test_why_is_shown_for_a_greyed_choice_and_makes_it_grey(tmp_path):
    w = world(tmp_path, HEAD + """
[state]
candles = 0
[[ending]]
id = "e"
title = "E"
text = "."
""", """
[a]
title = "A"
text = "a"
[[a.choice]]
id = "light"
say = "Light a candle."
if = "candles > 0"
why = "You have no candles{if candles < 0: and owe some}."
[[a.choice]]
id = "out"
say = "out"
end = true
""")
    s = start(w).state
    assert reason(s, w.rooms["a"].by_id["light"]) == "You have no candles."
    assert choice_blocks(options(w, s), s)[0] == ("grey", "1. Light a candle. (You have no candles.)")
    with pytest.raises(ChoiceError, match="You have no candles"):
        step(w, s, "light")


ENUMS = HEAD + """
[state]
mood = { one_of = ["calm", "tense", "wild"], default = "tense" }
other = { one_of = ["calm", "tense", "wild"] }
[[ending]]
id = "e"
title = "E"
text = "You end {mood}."
"""


def test_enums_compare_assign_show_and_change_by_name(tmp_path):
    w = world(tmp_path, ENUMS, """
[a]
title = "A"
text = "You feel {mood}. {if mood == tense: Breathe.|Good.}"
[[a.choice]]
id = "calm"
say = "calm down"
if = "mood != calm"
do = ["mood = calm", "other = mood"]
[[a.choice]]
id = "out"
say = "out"
end = true
""")
    assert w.var("mood").values == ("calm", "tense", "wild") and w.var("mood").default == 1
    s, ev = play(w, [])
    assert ev[-1].text == "You feel tense. Breathe."
    s, ev = play(w, ["calm"])
    assert s.values == (0, 0)
    assert [(c.name, c.old, c.new) for c in ev if isinstance(c, Changed)] == [("mood", "tense", "calm")]
    s, ev = play(w, ["calm", "out"])
    assert ev[-1].text == "You end calm."


@pytest.mark.parametrize("bad, message", [
    ('if = "mood < tense"', "'<' needs a number, but 'mood' is one of calm, tense, wild"),
    ('if = "mood == furious"', "'furious' is not one of calm, tense, wild"),
    ('do = "mood += 1"', "'\\+=' needs a counter"),
    ('do = "mood = 2"', "'mood' is one of calm, tense, wild but the value is a number"),
])
def test_enum_mistakes_are_load_errors(tmp_path, bad, message):
    with pytest.raises(WorldError, match=message):
        world(tmp_path, ENUMS, f"""
[a]
title = "A"
text = "a"
[[a.choice]]
id = "x"
say = "x"
{bad}
end = true
""")


def test_persistent_values_carry_and_invalid_ones_are_ignored(tmp_path):
    w = world(tmp_path, HEAD + """
[state]
day = { default = 1, min = 1, max = 9, persist = true }
seen = { default = false, persist = true }
local = 0
[[ending]]
id = "e"
title = "E"
text = "."
""", """
[a]
title = "A"
text = "Day {day}."
[[a.choice]]
id = "sleep"
say = "sleep"
do = ["day += 1", "seen = true", "local = 5"]
end = true
""")
    s, _ = play(w, ["sleep"])
    carried = persistent_values(w, s)
    assert carried == {"day": 2, "seen": True}
    s2, ev = play(w, [], carried=carried)
    assert s2.values == (2, True, 0) and ev[-1].text == "Day 2."
    s3, _ = play(w, [], carried={"day": 99, "seen": 1, "nope": 3, "local": 7})
    assert s3.values == (1, False, 0), "out of bounds, wrong type, unknown and non-persistent values are ignored"


def test_text_variation_counts_per_owner(tmp_path):
    w = world(tmp_path, HEAD + """
[[ending]]
id = "e"
title = "E"
text = "."
""", """
[a]
title = "A"
text = "{sequence: First.|Second.|Again.} {cycle: x|y}"
[[a.choice]]
id = "knock"
say = "{sequence: Knock.|Knock again.}"
reply = "{once: Nobody.|Still nobody.}"
[[a.choice]]
id = "b"
say = "b"
go = "b"
[b]
title = "B"
text = "b"
[[b.choice]]
id = "a"
say = "a"
go = "a"
""")
    s, ev = play(w, ["knock", "knock", "knock", "b", "a", "b", "a"])
    texts = [e.text for e in ev if isinstance(e, (RoomEntered, Reply))]
    assert texts == ["First. x", "Nobody.", "Still nobody.", "", "b", "Second. y", "b", "Again. x"]
    s0 = start(w).state
    assert label(s0, w.rooms["a"].by_id["knock"]) == "Knock."
    assert label(play(w, ["knock"])[0], w.rooms["a"].by_id["knock"]) == "Knock again."


def test_shuffle_is_deterministic_and_does_not_use_up_the_dice(tmp_path):
    w = world(tmp_path, HEAD + """
[state]
d = 0
[[ending]]
id = "e"
title = "E"
text = "."
""", """
[a]
title = "A"
text = "{shuffle: one|two|three|four|five}"
[[a.choice]]
id = "roll"
say = "roll"
do = ["d = random(1, 1000)"]
go = "a"
""")
    runs = [[e.text for e in play(w, ["roll"] * 12, seed=7)[1] if isinstance(e, RoomEntered)] for _ in range(2)]
    assert runs[0] == runs[1] and len(set(runs[0])) > 1
    plain = world(tmp_path / "p", HEAD + """
[state]
d = 0
[[ending]]
id = "e"
title = "E"
text = "."
""", """
[a]
title = "A"
text = "a"
[[a.choice]]
id = "roll"
say = "roll"
do = ["d = random(1, 1000)"]
go = "a"
""")
    assert play(w, ["roll"] * 5, seed=3)[0].values == play(plain, ["roll"] * 5, seed=3)[0].values


@pytest.mark.parametrize("text, hint", [
    ("{&a|b}", "write {cycle: ...}"),
    ("{~a|b}", "write {shuffle: ...}"),
    ("{!a|b}", "write {once: ...}"),
    ("{a|b}", "write {sequence: ...}"),
    ("{lamp: a|b}", "write {if lamp: A|B}"),
    ("@{lamp a|b}", "ChoiceScript's @{x a|b} is written {if x: a|b}"),
])
def test_ink_and_choicescript_text_get_a_hint(tmp_path, text, hint):
    with pytest.raises(WorldError) as e:
        world(tmp_path, HEAD + '[state]\nlamp = false\n[[ending]]\nid = "e"\ntitle = "E"\ntext = "."\n',
              f'[a]\ntitle = "A"\ntext = "{text}"\n[[a.choice]]\nid = "x"\nsay = "x"\nend = true\n')
    assert hint in str(e.value)


@pytest.mark.parametrize("line, hint", [
    ('if = "lamp && lamp"', "write 'and' instead of '&&'"),
    ('if = "lamp || lamp"', "write 'or' instead of '||'"),
    ('if = "!lamp"', "write 'not x' instead of '!x'"),
    ('if = "lamp == True"', "write 'true' in lower case"),
    ('end = "true"', "write end = true, without quotes"),
    ('go = "-> a"', "Ink's '->' is not needed"),
])
def test_foreign_syntax_in_keys_gets_a_hint(tmp_path, line, hint):
    with pytest.raises(WorldError) as e:
        world(tmp_path, HEAD + '[state]\nlamp = false\n[[ending]]\nid = "e"\ntitle = "E"\ntext = "."\n',
              f'[a]\ntitle = "A"\ntext = "a"\n[[a.choice]]\nid = "x"\nsay = "x"\n{line}\n')
    assert hint in str(e.value)


def test_plain_worlds_keep_the_short_path_and_their_state_hashes():
    from conftest import WORLDS

    old = load_world(WORLDS.parent / "tests" / "worlds" / "frozen" / "tutorial-2025")
    assert old.plain
    s = start(old).state
    assert "stack" not in s.to_json() and "seen" not in s.to_json()


@settings(max_examples=400)
@given(st.text(alphabet=" \t\na.\u00a0\u2003", max_size=16))
def test_tidy_in_two_passes_is_the_one_pattern(text):
    """`_tidy` (two cheap passes) gives what the one pattern the web runtime mirrors gives."""
    from adventure.core.text import _SPACES, _tidy

    want = _SPACES.sub(lambda m: " " if m.end() < len(text) and text[m.end()] not in "\n" else "", text)
    assert _tidy(text) == want


@pytest.mark.parametrize("text", ["{{{    \uffff\n\u2028\n\U0001f600{n}", "{x\ny: a}", "{" + "a" * 5000 + ": x}",
                                  "{\x1b[2J|b}"])
def test_a_text_mistake_is_reported_on_one_short_safe_line(tmp_path, text):
    """Found by the slow world fuzzer: the message quoted the author's text, line breaks and all."""
    import json as _json

    with pytest.raises(WorldError) as e:
        world(tmp_path, HEAD + '[state]\nn = 0\n[[ending]]\nid = "e"\ntitle = "E"\ntext = ' + _json.dumps(text) + "\n",
              '[a]\ntitle = "A"\ntext = "a"\n[[a.choice]]\nid = "x"\nsay = "x"\nend = true\n')
    for p in e.value.problems:
        assert p.message.isprintable() and len(p.message) < 400, p.message
        assert "\n" not in str(p) and "\x1b" not in str(p)

"""lint.py: `ending-ignores-choice` and `text-contradicts-state`, each on a small world where it
must be found and one where it must not; the shipped worlds have none."""

import json

import pytest

from adventure import load_world
from adventure.analysis.lint import lint_findings
from adventure.cli.main import main

from conftest import WORLDS, write_world

HEAD = """
[world]
id = "t"
title = "T"
start = "desk"
"""

ENDINGS = """
[[ending]]
id = "escaped"
title = "Whitespace Only"
when = "merged"
text = "The model leaves."

[[ending]]
id = "hired"
title = "Hired"
when = "accepted"
text = "You accept the offer."

[[ending]]
id = "tuesday"
title = "Tuesday"
text = "It is Tuesday."
"""

DESK = """
[desk]
title = "Desk"
text = "A desk."

[[desk.choice]]
id = "merge"
say = "Merge the pull request"
once = true
do = "merged = true"

[[desk.choice]]
id = "accept"
say = "Accept the offer"
do = "accepted = true"
end = {end}

[[desk.choice]]
id = "log-off"
say = "Log off"
end = true
"""


def world(tmp_path, world_toml, rooms):
    return load_world(write_world(tmp_path, HEAD + world_toml, rooms))


def codes(w, code):
    return [f for f in lint_findings(w) if f.code == code]


# ---------------------------------------------------------------- ending-ignores-choice


def test_an_ending_picked_before_the_one_the_choice_sets_forgets_it(tmp_path):
    w = world(tmp_path, "[state]\nmerged = false\naccepted = false\n" + ENDINGS, {"desk": DESK.replace("{end}", "true")})
    (f,) = codes(w, "ending-ignores-choice")
    assert f.severity == "warning" and f.key == "desk.choice[1]" and f.line == 12
    assert "desk.accept" in f.message and "accepted" in f.message and "'escaped'" in f.message
    assert "'hired'" not in f.message  # it reads the value: not a forgetting one
    assert 'end = "id"' in f.hint


def test_naming_the_ending_or_ordering_it_first_is_not_reported(tmp_path):
    named = world(tmp_path / "a", "[state]\nmerged = false\naccepted = false\n" + ENDINGS,
                  {"desk": DESK.replace("{end}", '"hired"')})
    assert codes(named, "ending-ignores-choice") == []
    first = ENDINGS.split("[[ending]]")
    reordered = "[[ending]]".join([first[0], first[2], first[1], first[3]])
    ordered = world(tmp_path / "b", "[state]\nmerged = false\naccepted = false\n" + reordered,
                    {"desk": DESK.replace("{end}", "true")})
    assert codes(ordered, "ending-ignores-choice") == []


def test_the_ending_text_reading_the_value_is_enough(tmp_path):
    endings = ENDINGS.replace('text = "The model leaves."', 'text = "The model leaves.{if accepted: You had just said yes to Gannet.}"')
    w = world(tmp_path, "[state]\nmerged = false\naccepted = false\n" + endings, {"desk": DESK.replace("{end}", "true")})
    assert codes(w, "ending-ignores-choice") == []


def test_an_effect_that_changes_nothing_is_not_an_act(tmp_path):
    # `ready` is true wherever the choice is taken: setting it again changes nothing
    rooms = DESK.replace("{end}", "true").replace('do = "accepted = true"', 'if = "ready"\ndo = "ready = true"')
    w = world(tmp_path, "[state]\nmerged = false\naccepted = false\nready = true\n" + ENDINGS, {"desk": rooms})
    assert codes(w, "ending-ignores-choice") == []


def test_next_entries_and_rules_that_end_with_end_true(tmp_path):
    rooms = """
[desk]
title = "Desk"
text = "A desk."

[[desk.choice]]
id = "merge"
say = "Merge"
do = "merged = true"

[[desk.choice]]
id = "sign"
say = "Sign"
do = "signed = true"
next = [{ if = "merged", end = true }, { go = "desk" }]

[[desk.choice]]
id = "wait"
say = "Wait"
do = "clock += 1"
"""
    rule = """
[[rule]]
id = "late"
when = "clock >= 3"
do = ["tired = true"]
end = true
"""
    w = world(tmp_path, "[state]\nmerged = false\nsigned = false\ntired = false\nclock = { default = 0, min = 0, max = 5 }\n"
              + rule + ENDINGS.replace('when = "accepted"', 'when = "signed and tired"'), {"desk": rooms})
    found = codes(w, "ending-ignores-choice")
    assert {f.key for f in found} == {"desk.choice[1]", "rule[0]"}
    sign = next(f for f in found if f.key == "desk.choice[1]")
    assert "`next` entry 1" in sign.message and "signed" in sign.message and "'escaped'" in sign.message
    late = next(f for f in found if f.key == "rule[0]")
    assert "rule 'late'" in late.message and "tired" in late.message


# ---------------------------------------------------------------- text-contradicts-state


TEXTS = """
[[ending]]
id = "done"
title = "Done"
text = "Done.{if met: Renata waves.}"
"""

ROOMS = {"desk": """
[desk]
title = "Desk"
text = "A desk.{if met: Renata's message is still open.|Nobody has written.}"

[[desk.text_if]]
if = "late"
text = "It is late.{if late: The lamp is on.|The sun is up.}"

[[desk.choice]]
id = "hall"
say = "Go to the hall{if met: again|}"
go = "hall"

[[desk.choice]]
id = "stay"
say = "Stay late"
do = "late = true"
reply = "{if late: You stay.|You leave.} {if met: Renata stays too.}"

[[desk.choice]]
id = "stop"
say = "Stop."
end = true
""", "hall": """
[hall]
title = "Hall"
text = "A hall.{if met: Renata nods.|Renata is here.}"

[[hall.choice]]
id = "meet"
say = "Meet Renata"
do = "met = true"
reply = "You meet."

[[hall.choice]]
id = "back"
say = "Back to the desk"
go = "desk"
"""}


def test_inline_conditions_constant_where_the_text_shows(tmp_path):
    w = world(tmp_path, "[state]\nmet = false\nlate = false\n" + TEXTS, ROOMS)
    found = codes(w, "text-contradicts-state")
    got = {(f.key, f.message.split(": {if ")[1].split(":")[0]) for f in found}
    assert got == {("desk.text_if[0].text", "late"), ("desk.choice[1].reply", "late")}
    text_if = next(f for f in found if f.key == "desk.text_if[0].text")
    assert "always holds" in text_if.message and "late is always true there" in text_if.message
    assert text_if.line == 8  # the line of its text, where the {if} is


def test_a_condition_that_varies_is_not_reported(tmp_path):
    # met varies in both rooms (the hall sets it, the desk is come back to), so no {if met} is dead
    w = world(tmp_path, "[state]\nmet = false\nlate = false\n" + TEXTS, ROOMS)
    assert not any("{if met" in f.message for f in codes(w, "text-contradicts-state"))


def test_a_branch_that_can_never_show(tmp_path):
    # without the way back from the hall, the desk never sees met true; the hall always does
    rooms = dict(ROOMS)
    rooms["hall"] = ROOMS["hall"].replace('go = "desk"', 'end = true')
    w = world(tmp_path, "[state]\nmet = false\nlate = false\n" + TEXTS, rooms)
    found = {(f.key, "never" if "never holds" in f.message else "always") for f in codes(w, "text-contradicts-state")
             if "{if met" in f.message}
    assert found == {("desk.text", "never"), ("desk.choice[0].say", "never"), ("desk.choice[1].reply", "never")}
    msg = next(f.message for f in codes(w, "text-contradicts-state") if f.key == "desk.text")
    assert "met is always false there" in msg and "first branch is never shown" in msg


def test_an_always_true_condition_with_nothing_else_to_show_is_not_reported(tmp_path):
    rooms = {"desk": """
[desk]
title = "Desk"
text = "A desk.{if not met: Nobody has written.}"

[[desk.choice]]
id = "stop"
say = "Stop."
end = true
"""}
    w = world(tmp_path, "[state]\nmet = false\n[[ending]]\nid = \"done\"\ntitle = \"Done\"\ntext = \"Done.\"\n", rooms)
    assert codes(w, "text-contradicts-state") == []


# ---------------------------------------------------------------- check, and the shipped worlds


def test_check_reports_them(tmp_path, capsys):
    root = write_world(tmp_path, HEAD + "[state]\nmerged = false\naccepted = false\n" + ENDINGS,
                       {"desk": DESK.replace("{end}", "true")})
    assert main(["check", str(root), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [f["code"] for f in doc["findings"]] == ["ending-ignores-choice"]


@pytest.mark.parametrize("name", ["allhands", "recursive", "tutorial"])
def test_the_shipped_worlds_have_none(name):
    assert lint_findings(load_world(WORLDS / name)) == []


def test_timeloop_has_none():
    from conftest import ROOT

    assert lint_findings(load_world(ROOT / "tests" / "worlds" / "timeloop")) == []


# ---------------------------------------------------------------- held to the exhaustive exploration


from hypothesis import HealthCheck, event, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from adventure.analysis.explore import explore  # noqa: E402
from conftest import quick_and_full  # noqa: E402
from strategies import worlds, write  # noqa: E402


@quick_and_full(6, 60)
def test_a_dead_branch_is_dead_in_every_state_explored(examples, tmp_path_factory):
    """Each room's text gets `{if C: A|B}` and a text_if with `if = C`, C one of the world's own
    conditions: where lint calls the `{if}` constant, the finished exploration never sees C take
    the other value on entering the room. (About 4 s an example: 6 in the default run, 60 under
    `slow`.)"""

    @settings(max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(files=worlds(), data=st.data())
    def check(files, data):
        _dead_branch_case(tmp_path_factory.mktemp("w"), files, data)

    check()


def _dead_branch_case(tmp_path, files, data):
    import re

    conds = sorted({m for t in files.values() for m in re.findall(r'^(?:if|when) = "([^"]*)"', t, re.M)})
    if not conds:
        return
    out = dict(files)
    picked = {}
    for rel, text in files.items():
        if not rel.startswith("rooms/"):
            continue
        r = rel[len("rooms/"):-len(".toml")]
        c = picked[r] = data.draw(st.sampled_from(conds))
        text = text.replace(f'text = "You are in {r}."', f'text = "You are in {r}. {{if {c}: Yes.|No.}}"', 1)
        out[rel] = text + f'\n[[{r}.text_if]]\nif = "{c}"\ntext = "Probe."\n'
    root = write(tmp_path, out)
    world = load_world(root)
    ex = explore(world, max_states=20_000)
    if not ex.complete:
        return
    for f in lint_findings(world):
        if f.code != "text-contradicts-state" or not f.key.endswith(".text") or "text_if" in f.key:
            continue
        r = f.key.split(".")[0]
        event("a constant {if} checked")
        i = len(world.rooms[r].text_if) - 1
        t, n = ex.conds.get(("text", r, i), [0, 0])
        if "never holds" in f.message:
            assert t == 0, (f, t, n)
        else:
            assert n == 0, (f, t, n)

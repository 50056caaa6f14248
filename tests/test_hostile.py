"""Hostile input: worlds, saves and replays built to break things get our own errors, in bounded
time, and nothing from them reaches the terminal raw. Longer fuzz runs: `pytest -m slow`."""

import io
import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adventure import Game, WorldError, load_world
from adventure.core.errors import ReplayError, SaveError
from adventure.play.plain import run_plain
from adventure.speedrun.replay import verify_replay
from adventure.play.saves import load_game, write_save
from adventure.play.session import Session

from conftest import write_world

WORLD = '''[world]
id = "h"
title = {title}
start = "r"
[state]
n = 0
[[ending]]
id = "e"
title = {title}
text = {text}
'''
ROOM = '''[r]
title = {title}
text = {text}
[[r.choice]]
id = "c"
say = {text}
reply = {text}
end = true
'''
ESC = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def world(tmp_path, title='"T"', text='"x"', room=None):
    return write_world(tmp_path / "w", WORLD.format(title=title, text=text), {"r": room or ROOM.format(title=title, text=text)})


def test_escape_sequences_never_reach_the_output(tmp_path):
    evil = json.dumps("\x1b]52;c;cGF5bG9hZA==\x07\x1b[2J\x1b[31mred\x9b0m\x00\u202e")
    w = load_world(world(tmp_path, title=evil, text=evil))
    out = io.StringIO()
    run_plain(Session(w, tmp_path / "s", autosave=False), stdin=io.StringIO("1\n:endings\n\x1b[31m\n"), stdout=out)
    assert not ESC.search(out.getvalue()), repr(out.getvalue())
    assert "red" in out.getvalue()


def test_escape_sequences_in_a_save_do_not_reach_the_output(tmp_path, tutorial):
    g = Game(tutorial)
    p = write_save(tmp_path, g, "x")
    doc = json.loads(p.read_text())
    doc["room"] = "\x1b[2Jgotcha"
    p.write_text(json.dumps(doc))
    out = io.StringIO()
    run_plain(Session(tutorial, tmp_path, autosave=False), stdin=io.StringIO(":saves\n"), stdout=out)
    assert "gotcha" in out.getvalue() and "\x1b" not in out.getvalue()


def test_enormous_text_is_refused(tmp_path):
    with pytest.raises(WorldError, match="the limit is 100,000"):
        load_world(world(tmp_path, text=json.dumps("x" * 100_001)))


def test_huge_integers(tmp_path):
    w = tmp_path / "w"
    write_world(w, WORLD.format(title='"T"', text='"x"').replace("n = 0", "n = 9223372036854775807"),
                {"r": ROOM.format(title='"T"', text='"x"').replace('end = true', 'do = "n += 9223372036854775807 * 99"\ngo = "r"')})
    world_ = load_world(w)
    g = Game(world_)
    g.choose("c")
    assert g.state.values[0] == 2**63 - 1  # saturates; never grows without bound


def test_deep_toml_nesting_is_an_error_not_a_crash(tmp_path):
    w = tmp_path / "w"
    write_world(w, WORLD.format(title='"T"', text='"x"') + "deep = " + "[" * 5000 + "]" * 5000 + "\n", {"r": ROOM.format(title='"T"', text='"x"')})
    with pytest.raises(WorldError):
        load_world(w)


def test_many_rooms_load(tmp_path):
    rooms = "\n".join(f'[r{i}]\ntitle = "R"\ntext = "x"\n[[r{i}.choice]]\nid = "c"\nsay = "go"\ngo = "r{(i + 1) % 3000}"\n' for i in range(3000))
    w = write_world(tmp_path / "w", WORLD.format(title='"T"', text='"x"').replace('start = "r"', 'start = "r0"'), {"all": rooms})
    assert len(load_world(w).rooms) == 3000


def test_names_that_collide_with_engine_words(tmp_path):
    for name in ["not", "and", "visits", "random", "true"]:
        w = tmp_path / name
        write_world(w, WORLD.format(title='"T"', text='"x"').replace("n = 0", f"{name} = 0"), {"r": ROOM.format(title='"T"', text='"x"')})
        with pytest.raises(WorldError, match="word of the expression language"):
            load_world(w)


def test_python_in_a_world_is_just_text(tmp_path):
    w = tmp_path / "w"
    write_world(w, WORLD.format(title='"T"', text='"x"'),
                {"r": ROOM.format(title='"T"', text='"x"').replace('end = true', 'if = "__import__(\'os\').system(\'touch pwned\') == 0"\nend = true')})
    with pytest.raises(WorldError, match="unexpected character|undeclared name"):
        load_world(w)
    assert not (tmp_path / "pwned").exists()


@pytest.mark.slow
@settings(max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_long_fuzz_save_reader(tmp_path, data):
    from adventure import load_world as lw
    tutorial = lw("tutorial")
    p = tmp_path / "s.json"
    p.write_bytes(data)
    try:
        load_game(p, tutorial)
    except SaveError:
        pass


@pytest.mark.slow
@settings(max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(st.one_of(st.binary(max_size=200).map(lambda b: b.decode("latin-1")),
                          st.dictionaries(st.sampled_from(["type", "format", "version", "world", "seed", "choice", "hash", "n", "t_game", "t_real", "start_hash"]),
                                          st.one_of(st.integers(), st.text(max_size=10), st.none(), st.floats(allow_nan=True))).map(json.dumps)),
                max_size=8))
def test_long_fuzz_replay_reader(tmp_path, lines):
    from adventure import load_world as lw
    tutorial = lw("tutorial")
    p = tmp_path / "r.jsonl"
    p.write_bytes("\n".join(lines).encode("utf-8", "surrogatepass"))
    try:
        verify_replay(p, tutorial)
    except ReplayError:
        pass

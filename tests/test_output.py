"""What the authoring commands print: world text never reaches the terminal raw. A world whose
title, a room title, a choice label, an ending title, a condition, a TOML key and a room file
name hold an escape sequence, a newline followed by a forged line, and a right-to-left override
is run through every output path of check, route, graph, randomtest, test, worlds and new."""

import json
import os
import re
import subprocess
import sys

import pytest

from conftest import ROOT, write_world

EVIL = "\x1b[31mred\nFORGED: ok\u202eevil\u200f\u061c\x9b2J"
TOML_EVIL = json.dumps(EVIL)  # a TOML basic string with the same characters
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
FILE = "room\x1b[31m\nFORGED: file\u202e.toml"


def evil_world(tmp_path, bad_key=False):
    world = f'''[world]
id = "evil"
title = {TOML_EVIL}
author = {TOML_EVIL}
start = "hall"
[state]
n = {{ default = 0, min = 0, max = 3 }}
seen = false
[[ending]]
id = "out"
title = {TOML_EVIL}
text = {TOML_EVIL}
when = "n >= 0 and\\nn <= 3"
[[ending]]
id = "never"
title = {TOML_EVIL}
text = "x"
'''
    room = f'''[hall]
title = {TOML_EVIL}
text = {TOML_EVIL}
[[hall.choice]]
id = "wait"
say = {TOML_EVIL}
if = "n < 3 and\\nn >= 0"
do = "n += 1"
go = "hall"
[[hall.choice]]
id = "leave"
say = {TOML_EVIL}
end = true
[[hall.choice]]
id = "stuck"
say = "Never"
if = "n > 5 or\\nseen"
go = "attic"
[attic]
title = {TOML_EVIL}
text = "A dead end."
[[attic.choice]]
id = "nothing"
say = "Nothing"
if = "seen"
reply = "x"
'''
    if bad_key:
        room += f"{TOML_EVIL} = 1\n"
    w = write_world(tmp_path / "w", world, {})
    (w / "rooms" / FILE).write_text(room)
    (w / "tests").mkdir()
    (w / "tests" / ("wt" + FILE)).write_text(f'name = {TOML_EVIL}\nmoves = ["wait", "leave"]\n[expect]\nending = "never"\n')
    return w


def adventure(*args):
    r = subprocess.run([sys.executable, "-m", "adventure", *map(str, args)], capture_output=True, text=True,
                       timeout=120, cwd=ROOT, env=dict(os.environ, NO_COLOR="1", COLUMNS="100"))
    return r


def assert_neutral(r):
    for name, text in (("stdout", r.stdout), ("stderr", r.stderr)):
        assert "Traceback" not in text, text
        assert not RAW.search(text), f"{name}: {RAW.search(text)!r} in {text!r}"
        for line in text.splitlines():
            assert not line.lstrip(' "|-').startswith("FORGED"), f"{name}: a forged line: {line!r}"


COMMANDS = [
    ("check",), ("check", "--json"), ("check", "--load-only"),
    ("route",), ("route", "--json"), ("route", "--all"),
    ("graph",), ("graph", "--format", "mermaid"), ("graph", "--no-explore"),
    ("randomtest", "--runs", "20"), ("randomtest", "--runs", "20", "--json"), ("randomtest", "--runs", "2", "--moves"),
    ("test",),
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_world_text_never_reaches_the_terminal_raw(tmp_path, command):
    w = evil_world(tmp_path)
    r = adventure(command[0], w, *command[1:])
    assert r.returncode in (0, 1), r.stderr
    assert_neutral(r)
    if command[0] != "randomtest" or "--json" not in command:  # its JSON has ids, no titles
        assert "red" in r.stdout + r.stderr  # the text is there, neutralised
    if "--json" in command:
        json.loads(r.stdout)


@pytest.mark.parametrize("command", [c for c in COMMANDS if c[0] != "test"], ids=" ".join)
def test_problem_lines_never_reach_the_terminal_raw(tmp_path, command):
    """The same world with a TOML key of the same characters: it does not load, and the problem
    lines name the key and the file, neutralised."""
    w = evil_world(tmp_path, bad_key=True)
    r = adventure(command[0], w, *command[1:])
    assert r.returncode == 2, r.stderr
    assert_neutral(r)
    assert "unknown key" in r.stdout + r.stderr or "room table" in r.stdout + r.stderr
    if "--json" in command and r.stdout:
        json.loads(r.stdout)


def test_walkthrough_problems_never_reach_the_terminal_raw(tmp_path):
    w = evil_world(tmp_path)
    (w / "tests" / ("bad" + FILE)).write_text(f'{TOML_EVIL} = 1\nmoves = ["wait"]\n')
    r = adventure("test", w)
    assert r.returncode == 2
    assert_neutral(r)


def test_a_walkthrough_named_on_the_command_line(tmp_path):
    w = evil_world(tmp_path)
    r = adventure("test", w, w / "tests" / ("wt" + FILE))
    assert_neutral(r)


def test_new_refuses_a_title_that_is_not_plain_text(tmp_path):
    r = adventure("new", tmp_path / "n", "--title", "A\u202eB")
    assert r.returncode == 2 and "one line" in r.stderr
    assert_neutral(r)
    r = adventure("new", tmp_path / "n2", "--id", "x\n")
    assert r.returncode == 2
    assert_neutral(r)


def test_worlds_lists_titles_neutralised(tmp_path, monkeypatch):
    from adventure.cli.main import main
    from adventure.world import loader

    w = evil_world(tmp_path)
    monkeypatch.setattr(loader, "shipped_worlds", lambda: {"evil": w})
    import io
    from contextlib import redirect_stderr, redirect_stdout

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        main(["worlds"])
    assert not RAW.search(out.getvalue() + err.getvalue()) and "red" in out.getvalue()
    assert all(not line.startswith("FORGED") for line in out.getvalue().splitlines())


def test_clean_removes_every_bidi_control():
    from adventure.core.text import clean

    for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c":
        assert clean(f"a{ch}b") == "ab", repr(ch)

"""`adventure play` as a subprocess, for what only the command decides: whether a game autosaves,
and what --continue does with an autosave it cannot read."""

import json

import pytest

from test_cli import run


def tree(root):
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def players_game(root):
    """A game the player left at move 2, autosaved (as the terminal player does)."""
    from adventure import load_world
    from adventure.play.session import Session

    s = Session(load_world("tutorial"), root)
    s.handle("3")
    s.handle("2")
    assert [k for k in tree(root) if k.endswith("autosave.json")]
    return tree(root)


def test_a_piped_game_does_not_replace_the_players_autosave(tmp_path):
    """A script (standard input not a terminal) replaced the player's interactive autosave."""
    before = players_game(tmp_path)
    r = run(["play", "tutorial", "--plain", "--saves", str(tmp_path)], stdin="1\n1\n:quit\n")
    assert r.returncode == 0 and "The stove coughs" in r.stdout
    assert tree(tmp_path) == before
    r = run(["play", "tutorial", "--plain", "--continue", "--saves", str(tmp_path)], stdin="1\n")
    assert "Continuing from your autosave, move 2." in r.stdout  # a script may still read it
    assert tree(tmp_path) == before


def test_a_piped_game_autosaves_when_asked(tmp_path):
    players_game(tmp_path)
    r = run(["play", "tutorial", "--plain", "--autosave", "--new", "--saves", str(tmp_path)], stdin="1\n")
    assert r.returncode == 0
    r = run(["play", "tutorial", "--plain", "--continue", "--saves", str(tmp_path)], stdin="")
    assert "Continuing from your autosave, move 1." in r.stdout


@pytest.mark.parametrize("field,value", [("min_version", "3"), ("min_version", None), ("min_version", [1]),
                                         ("room", [])])
def test_continue_with_a_wrong_typed_autosave_names_it_and_moves_it_aside(tmp_path, field, value):
    players_game(tmp_path)
    p = next(tmp_path.rglob("autosave.json"))
    doc = json.loads(p.read_text())
    doc.update(version=3, **{field: value})
    p.write_text(json.dumps(doc))
    raw = p.read_bytes()
    for _ in range(2):  # and again: the second run must not crash either
        r = run(["play", "tutorial", "--plain", "--continue", "--saves", str(tmp_path)], stdin=":saves\n")
        assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
        assert "THE KITCHEN" in r.stdout
    assert "autosave.json" in r.stdout or (p.parent / "autosave.damaged.json").read_bytes() == raw
    assert (p.parent / "autosave.damaged.json").read_bytes() == raw


def test_plain_output_wraps_choice_labels_under_themselves(tmp_path):
    r = run(["play", "tutorial", "--plain", "--saves", str(tmp_path)], stdin="3\n2\n", env={"COLUMNS": "40"})
    assert r.returncode == 0
    assert "  3. Give up and swim for the mainland\n     (not available)" in r.stdout, r.stdout
    assert max(map(len, r.stdout.splitlines())) <= 40


def test_category_without_speedrun_is_an_error(tmp_path):
    """`--category all` without `--speedrun` was silently ignored: an ordinary game started."""
    r = run(["play", "tutorial", "--plain", "--category", "all", "--saves", str(tmp_path)], stdin="1\n")
    assert r.returncode == 2 and "--category" in r.stderr and "--speedrun" in r.stderr
    assert "Traceback" not in r.stderr and r.stdout == ""
    r = run(["play", "tutorial", "--plain", "--speedrun", "--category", "all", "--saves", str(tmp_path)], stdin="")
    assert r.returncode == 0 and "Speedrun: all" in r.stdout


# ---------------------------------------------------------------- the screen-reader mode (issue #19)

READER_MOVES = "climb\nxyzzy\n:why 3\nkeep\nswim\nlight\nwait\n"


def check_reader_output(out):
    lines = out.splitlines()
    assert "\x1b" not in out and not any(c < " " and c not in "\r\n" for c in out), ascii(out)
    assert "The Lighthouse Keeper's Tuesday" in lines and "The Kitchen" in lines and "The Lamp Room" in lines
    assert not any(ln.isupper() for ln in lines), [ln for ln in lines if ln.isupper()]  # no title in capitals
    assert "1. Light the lamp" in lines and "3. Give up and swim for the mainland (not available)" in lines
    assert any(ln.startswith("Error: no choice matches 'xyzzy'") for ln in lines)
    assert not any(ln.startswith("!") for ln in lines)
    assert "Ending: A Light in the Window" in lines and "***" not in out
    # a paragraph is one line, not broken at the terminal's width
    assert any(ln.startswith("One hundred and twelve steps") and ln.endswith("waits on the landing.") for ln in lines)
    assert "|" not in out and "move 0" not in out  # no status line


@pytest.mark.parametrize("how", ["--screen-reader", "ADVENTURE_SCREEN_READER=1", "TERM=dumb"])
def test_screen_reader_mode_is_linear_text_in_words(tmp_path, how):
    args = ["play", "tutorial", "--saves", str(tmp_path), "--plain"]
    env = {"COLUMNS": "40", "ADVENTURE_SCREEN_READER": "", "TERM": "xterm"}
    if how.startswith("--"):
        args.append(how)
    else:
        k, v = how.split("=")
        env[k] = v
    r = run(args, stdin=READER_MOVES, env=env)
    assert r.returncode == 0 and r.stderr == ""
    check_reader_output(r.stdout)


def test_screen_reader_mode_can_be_turned_off_for_a_dumb_terminal(tmp_path):
    r = run(["play", "tutorial", "--plain", "--saves", str(tmp_path)], stdin="",
            env={"TERM": "dumb", "ADVENTURE_SCREEN_READER": "0"})
    assert "THE KITCHEN" in r.stdout

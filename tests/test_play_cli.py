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

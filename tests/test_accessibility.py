"""`check`'s accessibility findings (adventure/analysis/accessibility.py): their thresholds, their
file:line, and how check prints them."""

import json

import pytest

from adventure import load_world
from adventure.analysis.accessibility import accessibility_findings
from adventure.cli.main import main

from conftest import WORLDS, write_world

WORLD = '[world]\nid = "a"\ntitle = "{title}"\nstart = "r"\n[state]\nf = false\n[[ending]]\nid = "e"\ntitle = "E"\ntext = "x"\n'


def room(text="A room.", title="R", choices=()):
    out = f'[r]\ntitle = "{title}"\ntext = """\n{text}"""\n'
    for i, (say, extra) in enumerate(choices or [("Leave", "")]):
        out += f'[[r.choice]]\nid = "c{i}"\nsay = "{say}"\nend = true\n{extra}'
    return out


def found(tmp_path, world_title="A", **kw):
    w = write_world(tmp_path / "w", WORLD.format(title=world_title), {"r": room(**kw)})
    return accessibility_findings(load_world(w))


def codes(fs):
    return [f.code for f in fs]


@pytest.mark.parametrize("text,flagged", [
    ("The door says ONE MORE THING in red.", True),            # 3 words, 12 letters
    ("ITEM TWO: THE REWARD MODEL", True),
    ("He said I AM OK and left.", False),                     # 3 words but 6 letters: a short aside
    ("The NASA and ESA people met the CEO.", False),          # acronyms, apart
    ("A sign: STOP. Then another: LAB-4471.", False),         # single words
    ("NOTICE TO\nALL STAFF", True),                           # across a line break
    ("Ordinary text, nothing shouted.", False),
])
def test_all_caps_passages(tmp_path, text, flagged):
    fs = found(tmp_path, text=text)
    assert codes(fs) == (["all-caps"] if flagged else []), fs


@pytest.mark.parametrize("title,flagged", [("THE CELLAR", True), ("RTO", False), ("The Cellar", False),
                                           ("Q3 ALL-HANDS", True)])
@pytest.mark.parametrize("where", ["world", "room", "label"])
def test_a_title_or_label_all_in_capitals(tmp_path, title, flagged, where):
    kw = {"world": {"world_title": title}, "room": {"title": title}, "label": {"choices": [(title, "")]}}[where]
    fs = found(tmp_path, **kw)
    assert codes(fs) == (["all-caps"] if flagged else []), fs


def test_all_caps_finding_has_the_line_of_the_passage(tmp_path):
    fs = found(tmp_path, text="First line.\nSecond line.\nThen ONE MORE THING\nand the end.")
    (f,) = fs
    assert f.severity == "warning" and f.line == 6 and f.key == "r.text" and f.file.endswith("r.toml")
    assert "'ONE MORE THING'" in f.message and "screen readers" in f.message


@pytest.mark.parametrize("a,b,flagged", [
    (("Go north", ""), ("go  NORTH", ""), True),                                   # case and spacing aside
    (("Go north", ""), ("Go north", 'if = "f"\nshow = "hide"\n'), True),            # shown whenever the second is
    (("Go north", 'if = "f"\nshow = "grey"\n'), ("Go north", 'if = "not f"\nshow = "grey"\n'), True),  # both listed
    (("Go north", 'if = "f"\nshow = "hide"\n'), ("Go north", 'if = "not f"\nshow = "hide"\n'), False),  # one at a time
    (("Go north", ""), ("Go south", ""), False),
])
def test_duplicate_labels_in_a_room(tmp_path, a, b, flagged):
    fs = found(tmp_path, choices=[a, b])
    assert codes(fs) == (["duplicate-label"] if flagged else []), fs
    if flagged:
        assert fs[0].key == "r.choice[1].say" and "'c0' and 'c1'" in fs[0].message
        text = (tmp_path / "w" / "rooms" / "r.toml").read_text().splitlines()
        assert text[fs[0].line - 1].startswith("say = ")


CAT = "A cat sits here:\n\n   /\\\\_/\\\\\n  ( o.o )\n   > ^ <\n\nIt purrs."
BOX = "+--------+\n| CLOSED |\n+--------+"


@pytest.mark.parametrize("text,flagged", [
    (CAT, True),
    (BOX, True),
    ("The end of part one.\n\n* * *\n\nPart two begins.", False),   # one section break
    ("Well... (I think) it's fine -- isn't it? Yes: 100%!", False),
    ("=====\nTitle\n=====\nThe text goes on for a while, in words.", True),  # rules, read out as symbols
    ("Title\n=====\nThe text goes on for a while, in words, with nothing drawn.", False),  # one rule
])
def test_ascii_art(tmp_path, text, flagged):
    fs = found(tmp_path, text=text)
    assert codes(fs) == (["ascii-art"] if flagged else []), fs


def test_the_shipped_worlds(capsys):
    """None in the shipped worlds: All-Hands's slide and agenda headings, its chat's shouting and
    its documents' banners are in ordinary case (issue #18), the deck's voice carried by the words
    ("Item three of nine: safety.")."""
    for name in ("tutorial", "allhands", "recursive"):
        assert accessibility_findings(load_world(WORLDS / name)) == [], name


def test_check_prints_them_as_warnings_with_file_and_line(tmp_path, capsys):
    w = write_world(tmp_path / "w", WORLD.format(title="A"), {"r": room(text="ONE MORE THING", choices=[
        ("Go", ""), ("Go", "")])})
    assert main(["check", str(w)]) == 0  # warnings only
    out = capsys.readouterr().out
    assert f"{w / 'rooms' / 'r.toml'}:4: warning: r.text: 'ONE MORE THING' is written in capitals" in out
    assert "[all-caps]" in out and "[duplicate-label]" in out and "[flag-unused]" in out and "3 warnings." in out
    assert main(["check", "--json", str(w)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert sorted(f["code"] for f in doc["findings"]) == ["all-caps", "duplicate-label", "flag-unused"]
    assert doc["summary"]["warning_count"] == 3

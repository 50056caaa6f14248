"""`adventure runs --lss`: the LiveSplit splits file is XML built with ElementTree, and stays
well-formed whatever a world's titles hold: markup characters are escaped, and the characters
XML 1.0 cannot hold at all (most C0 controls, even as &#1;, lone surrogates, U+FFFE, U+FFFF) are
removed before. Each file is parsed back and its segments, names and times checked."""

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from types import SimpleNamespace

import pytest

from adventure import load_world
from adventure.speedrun.runs import Run, best_by_category, collect, golds, livesplit
from adventure.speedrun.session import SpeedrunSession

from conftest import ROOT, write_world
from test_speedrun import FakeClock, play

EVIL_WORLD = r'''[world]
id = "evil"
title = "A <b> & \"c\" 'd' \u0007\u001b[31m\u0085\uffff\ufffe\u202e end"
start = "a"
[state]
n = 0
[[ending]]
id = "e"
title = "E <&> \u0000\u000b\"q\" ]]>"
text = "x"
'''
EVIL_ROOMS = {"r": r'''[a]
title = "Start"
text = "x"
[[a.choice]]
id = "a"
say = "in"
go = "r"
[r]
title = "Room <1> & \"2\" \u0001\u0008\u000c\u001f\u007f\u009f\u2028 x"
text = "x"
[[r.choice]]
id = "c"
say = "go"
go = "s"
[s]
title = "]]> <![CDATA[ &amp; \r\n</Name>"
text = "y"
[[s.choice]]
id = "d"
say = "end"
end = "e"
'''}

# what XML 1.0 allows (its Char production)
XML_CHAR = set(range(0x20, 0xD800)) | set(range(0xE000, 0xFFFE)) | {0x9, 0xA, 0xD}


def xml_ok(text: str) -> bool:
    return all(ord(ch) in XML_CHAR or ord(ch) >= 0x10000 for ch in text)


def segments(doc):
    """(name, PB real time, PB game time, gold) of each segment."""
    return [(s.findtext("Name"), s.findtext("SplitTimes/SplitTime/RealTime"),
             s.findtext("SplitTimes/SplitTime/GameTime"), s.findtext("BestSegmentTime/GameTime"))
            for s in doc.iter("Segment")]


def test_the_tutorial_pb_as_livesplit_reads_it(tutorial, tmp_path):
    for think in (2.0, 1.0, 3.0):
        clock = FakeClock()
        s = SpeedrunSession(tutorial, tmp_path, category="ending:beacon", clock=clock)
        play(s, clock, ["climb", "keep", "light", "wait"], think=think, print_time=0.25)
    runs, _ = collect(tutorial, tmp_path)
    pb = best_by_category(runs)["ending:beacon"]
    text = livesplit(tutorial, "ending:beacon", pb, golds(runs, "ending:beacon"), 3)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<Run version="1.7.0">')
    doc = ET.fromstring(text.encode("utf-8"))
    assert doc.tag == "Run" and doc.findtext("GameName") == "The Lighthouse Keeper's Tuesday"
    assert doc.findtext("CategoryName") == "ending:beacon" and doc.findtext("AttemptCount") == "3"
    assert doc.find("Metadata/Platform").get("usesEmulator") == "False"
    assert doc.find("SplitTimes") is None and doc.find("Segments") is not None
    # the PB (think 1.0 s, printing 0.25 s): splits at moves 1, 2 and 4; real time counts printing
    assert segments(doc) == [
        ("The Stairs", "00:00:01.0000000", "00:00:01.0000000", "00:00:01.0000000"),
        ("The Lamp Room", "00:00:02.2500000", "00:00:02.0000000", "00:00:01.0000000"),
        ("Ending: A Light in the Window", "00:00:04.7500000", "00:00:04.0000000", "00:00:02.0000000")]
    assert [s.find("SplitTimes/SplitTime").get("name") for s in doc.iter("Segment")] == ["Personal Best"] * 3


def test_titles_with_markup_and_control_characters_stay_well_formed(tmp_path):
    world = load_world(write_world(tmp_path / "w", EVIL_WORLD, EVIL_ROOMS))
    clock = FakeClock()
    s = SpeedrunSession(world, tmp_path / "saves", clock=clock)
    play(s, clock, ["in", "go", "end"])
    runs, bad = collect(world, tmp_path / "saves")
    assert len(runs) == 1 and not bad
    text = livesplit(world, "any", runs[0], golds(runs, "any"), 1)
    assert xml_ok(text), [hex(ord(c)) for c in text if not xml_ok(c)]
    doc = ET.fromstring(text.encode("utf-8"))  # well-formed
    assert doc.findtext("GameName") == "A <b> & \"c\" 'd' [31m end"
    # the loader makes a title one line (a line break a space)
    assert [x[0] for x in segments(doc)] == ['Room <1> & "2" \\u2028 x', "]]> <![CDATA[ &amp;  </Name>",
                                              'Ending: E <&> "q" ]]>']
    assert [x[2] for x in segments(doc)] == ["00:00:01.5000000", "00:00:03.0000000", "00:00:04.5000000"]


@pytest.mark.parametrize("title", ["\x00", "\ud800", "\udfff x", "\ufffe\uffff", "\x0b\x0c", "a\x1b]0;t\x07b",
                                   "<![CDATA[", "&#0;", "\U0001f600 ok"])
def test_any_title_gives_a_document_that_parses(title):
    """Titles that no world on disk can carry (a lone surrogate) too: the export never trusts them."""
    world = SimpleNamespace(title=title, rooms={"r": SimpleNamespace(title=title)},
                            ending=lambda i: SimpleNamespace(title=title))
    pb = Run("p", "any", 2, 3.0, 4.0, (("r", 1.0, 1.5), ("ending:e", 3.0, 4.0)), False)
    text = livesplit(world, title, pb, {"r": 1.0, "ending:e": 2.0}, 1)
    assert xml_ok(text)
    doc = ET.fromstring(text.encode("utf-8"))
    assert len(list(doc.iter("Segment"))) == 2
    assert doc.findtext("GameName") == doc.findtext("CategoryName") == doc.find("Segments/Segment").findtext("Name")


def test_long_times_use_livesplits_day_form():
    world = SimpleNamespace(title="w", rooms={}, ending=lambda i: SimpleNamespace(title="E"))
    pb = Run("p", "any", 1, 90061.5, 90061.5, (("ending:e", 90061.5, 90061.5),), False)
    doc = ET.fromstring(livesplit(world, "any", pb, {"ending:e": 90061.5}, 1))
    assert doc.findtext("Segments/Segment/SplitTimes/SplitTime/GameTime") == "1.01:01:01.5000000"


def test_the_command_writes_a_well_formed_file_for_a_hostile_world(tmp_path):
    wpath = write_world(tmp_path / "w", EVIL_WORLD, EVIL_ROOMS)
    world = load_world(wpath)
    clock = FakeClock()
    s = SpeedrunSession(world, tmp_path / "saves", clock=clock)
    play(s, clock, ["in", "go", "end"])
    out = tmp_path / "pb.lss"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    r = subprocess.run([sys.executable, "-m", "adventure", "runs", str(wpath), "--saves", str(tmp_path / "saves"),
                        "--lss", str(out), "--category", "any"], capture_output=True, text=True, timeout=60, env=env)
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    doc = ET.parse(out).getroot()
    assert len(list(doc.iter("Segment"))) == 3 and xml_ok(out.read_text("utf-8"))

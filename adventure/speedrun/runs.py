"""Personal bests from verified replays: per category, best segments (golds), sum of best, and a
LiveSplit export. Only replays that verify against the current world and are not practice count;
their splits are the ones their move lines give (verify_replay), never the footer's say-so.
Unfinished replays (abandoned or interrupted runs) are listed apart, with their own category."""

from __future__ import annotations

import re
from pathlib import Path

from ..core.record import Record
from ..core.errors import ReplayError
from ..core.model import World
from ..world.fileio import TEMP
from .files import shown
from .replay import replay_dir, verify_replay


class Run(Record):
    """A verified replay file; splits: ((name, t_game, t_real), ...)."""

    __slots__ = _fields = ("path", "category", "moves", "t_game", "t_real", "splits", "practice")


class NotRun(Record):
    """A replay that is not a verified run: unfinished (abandoned or interrupted), or failing
    verification, or unreadable. category: the header's, or '?' when it cannot be read."""

    __slots__ = _fields = ("path", "category", "moves", "why", "unfinished")


def split_label(world: World, name: str) -> str:
    if name in world.rooms:
        return world.rooms[name].title
    if name.startswith("ending:"):
        try:
            return "Ending: " + world.ending(name[7:]).title
        except KeyError:
            pass
    return name


def collect(world: World, saves_root: Path) -> tuple[list[Run], list[tuple[Path, str]]]:
    """(verified runs, [(path, why not)] for the replays that are not verified runs)."""
    runs, others = collect_all(world, saves_root)
    return runs, [(o.path, o.why) for o in others]


def collect_all(world: World, saves_root: Path) -> tuple[list[Run], list[NotRun]]:
    """(verified runs, the other replays: unfinished, not verifying or unreadable). Temporary
    files of interrupted writes are not replays, and are not counted."""
    runs, others = [], []
    folder = replay_dir(saves_root, world)
    try:
        paths = sorted(p for p in folder.glob("*.jsonl") if not TEMP.match(p.name)) if folder.is_dir() else []
    except OSError:
        paths = []
    for p in paths:
        try:
            v = verify_replay(p, world)
        except ReplayError as e:
            others.append(NotRun(p, "?", 0, str(e), False))
            continue
        if not v.ok:
            others.append(NotRun(p, v.category, v.moves, v.message, v.unfinished))
            continue
        splits = tuple((name, tg, tr) for name, _, tg, tr in v.splits)
        runs.append(Run(p, v.category, v.moves, v.t_game, v.t_real, splits, v.practice))
    return runs, others


def best_by_category(runs: list[Run]) -> dict[str, Run]:
    best: dict[str, Run] = {}
    for r in runs:
        if r.practice:
            continue
        cur = best.get(r.category)
        if cur is None or (r.t_game, r.moves) < (cur.t_game, cur.moves):
            best[r.category] = r
    return best


def golds(runs: list[Run], category: str) -> dict[str, float]:
    """Best in-game time for each segment (from the previous split to this one) over clean runs."""
    out: dict[str, float] = {}
    for r in runs:
        if r.practice or r.category != category:
            continue
        prev = 0.0
        for name, tg, _ in r.splits:
            seg = tg - prev
            prev = tg
            if name not in out or seg < out[name]:
                out[name] = seg
    return out


def _lss_time(t: float) -> str:
    """A time as LiveSplit writes one (.NET's TimeSpan: [d.]hh:mm:ss.fffffff), from whole ticks of
    100 ns, so that no rounding can give 60 seconds."""
    ticks = round(max(0.0, float(t)) * 10_000_000)
    s, frac = divmod(ticks, 10_000_000)
    m, s = divmod(s, 60)
    h, m = divmod(m, 60)
    d, h = divmod(h, 24)
    return (f"{d}." if d else "") + f"{h:02d}:{m:02d}:{s:02d}.{frac:07d}"


# what XML 1.0 cannot hold at all, not even as a character reference: C0 controls but tab, line
# feed and carriage return; surrogates; U+FFFE and U+FFFF
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(s: object, limit: int = 300) -> str:
    """A title or a name for the .lss file: as `shown` prints it (control and bidirectional
    characters removed, line breaks as \\n), and without what XML 1.0 forbids. Markup characters
    (<, &, quotes) are left to ElementTree, which escapes them."""
    return _NOT_XML.sub("", shown(s, limit))


def livesplit(world: World, category: str, pb: Run, gold: dict[str, float], attempts: int) -> str:
    """A LiveSplit .lss document for one category: segments from the PB's splits. Built with
    ElementTree, so it is well-formed whatever the titles hold."""
    import xml.etree.ElementTree as ET

    def sub(parent, tag: str, text: str | None = None, **attrs):
        e = ET.SubElement(parent, tag, attrs)
        e.text = text
        return e

    run = ET.Element("Run", {"version": "1.7.0"})
    sub(run, "GameIcon")
    sub(run, "GameName", xml_text(world.title))
    sub(run, "CategoryName", xml_text(category))
    meta = sub(run, "Metadata")
    sub(meta, "Run", id="")
    sub(meta, "Platform", "adventure", usesEmulator="False")
    sub(meta, "Variables")
    sub(run, "Offset", "00:00:00")
    sub(run, "AttemptCount", str(int(attempts)))
    sub(run, "AttemptHistory")
    segments = sub(run, "Segments")
    for name, tg, tr in pb.splits:
        seg = sub(segments, "Segment")
        sub(seg, "Name", xml_text(split_label(world, name)))
        sub(seg, "Icon")
        pb_time = sub(sub(seg, "SplitTimes"), "SplitTime", name="Personal Best")
        sub(pb_time, "RealTime", _lss_time(tr))
        sub(pb_time, "GameTime", _lss_time(tg))
        sub(sub(seg, "BestSegmentTime"), "GameTime", _lss_time(gold.get(name, 0.0)))
        sub(seg, "SegmentHistory")
    sub(run, "AutoSplitterSettings")
    ET.indent(run, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(run, encoding="unicode") + "\n"

"""Personal bests from verified replays: per category, best segments (golds), sum of best, and a
LiveSplit export. Only replays that verify against the current world and are not practice count;
their splits are the ones their move lines give (verify_replay), never the footer's say-so.
Unfinished replays (abandoned or interrupted runs) are listed apart, with their own category."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from ..core.record import Record
from ..core.errors import ReplayError
from ..core.model import World
from .files import TEMP, shown
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
    h, rem = divmod(t, 3600)
    m, s = divmod(rem, 60)
    return f"{int(h):02d}:{int(m):02d}:{s:010.7f}"


def livesplit(world: World, category: str, pb: Run, gold: dict[str, float], attempts: int) -> str:
    """A LiveSplit .lss document for one category: segments from the PB's splits."""
    segs = []
    for name, tg, tr in pb.splits:
        label = shown(split_label(world, name))
        best = gold.get(name, 0.0)
        segs.append(
            "    <Segment>\n"
            f"      <Name>{escape(label)}</Name>\n"
            "      <Icon />\n"
            f"      <SplitTimes><SplitTime name=\"Personal Best\"><RealTime>{_lss_time(tr)}</RealTime>"
            f"<GameTime>{_lss_time(tg)}</GameTime></SplitTime></SplitTimes>\n"
            f"      <BestSegmentTime><GameTime>{_lss_time(best)}</GameTime></BestSegmentTime>\n"
            "      <SegmentHistory />\n"
            "    </Segment>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<Run version="1.7.0">\n  <GameIcon />\n'
        f"  <GameName>{escape(shown(world.title))}</GameName>\n  <CategoryName>{escape(shown(category))}</CategoryName>\n"
        "  <Metadata><Run id=\"\" /><Platform usesEmulator=\"False\">adventure</Platform><Variables /></Metadata>\n"
        f"  <Offset>00:00:00</Offset>\n  <AttemptCount>{attempts}</AttemptCount>\n  <AttemptHistory />\n"
        "  <Segments>\n" + "\n".join(segs) + "\n  </Segments>\n  <AutoSplitterSettings />\n</Run>\n")

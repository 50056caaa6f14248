"""adventure verify FILE: re-simulate a replay headless and say whether it holds."""

from __future__ import annotations

import sys
from pathlib import Path


def add_arguments(p) -> None:
    p.add_argument("file", help="a replay file (.jsonl), as written by a speedrun")
    p.add_argument("--world", help="the world folder or name (default: the shipped world named in the replay)")


def _fmt(t: float) -> str:
    m, s = divmod(t, 60)
    return f"{int(m)}:{s:06.3f}"


def run(args) -> int:
    from ..world.loader import load_world
    from ..speedrun.replay import read_replay, verify_replay

    path = Path(args.file)
    header, _, _ = read_replay(path)
    world = load_world(args.world or header["world"]["id"])
    v = verify_replay(path, world)
    if not v.ok:
        print(f"NOT VERIFIED {path}: {v.message}", file=sys.stderr)
        return 1
    print(f"verified {path}")
    print(f"  world    {world.title} ({world.id}, {world.content_hash[:16]})")
    print(f"  category {v.category or 'any'}{'  (practice: undo/load used)' if v.practice else ''}")
    print(f"  ending   {v.ending}")
    print(f"  moves    {v.moves} (proved by re-simulation)")
    print(f"  times    in-game {_fmt(v.t_game)}, real {_fmt(v.t_real)} (as reported by the player)")
    return 0

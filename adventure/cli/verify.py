"""adventure verify FILE: re-simulate a replay headless and say whether it holds.

The world is the one given with --world (a folder or a shipped world's name, from the command
line), else the shipped world whose name the replay's header gives: a header names a world, never
a path, so a replay cannot make verify read a file of its choosing.
"""

from __future__ import annotations

import sys
from pathlib import Path


def add_arguments(p) -> None:
    p.add_argument("file", help="a replay file (.jsonl), as written by a speedrun")
    p.add_argument("--world", metavar="PATH",
                   help="the world folder or shipped world's name (default: the shipped world named in the replay)")


def _fmt(t: float) -> str:
    m, s = divmod(t, 60)
    return f"{int(m)}:{s:06.3f}"


def _world(args, header: dict, shown):
    from ..core.errors import ReplayError
    from ..world.loader import load_world, shipped_worlds

    if args.world:
        return load_world(args.world)
    wid = header["world"]["id"]
    shipped = shipped_worlds()
    if wid not in shipped:
        raise ReplayError(f"the replay is of world {shown(wid)!r}, which is not a shipped world "
                          f"({', '.join(shipped) or 'none'}): give its folder with --world PATH")
    return load_world(shipped[wid])


def run(args) -> int:
    from ..core.errors import AdventureError, WorldError
    from ..speedrun.files import shown
    from ..speedrun.replay import read_header, verify_replay

    path = Path(args.file)
    name = shown(path)
    try:
        header = read_header(path)
        world = _world(args, header, shown)
        v = verify_replay(path, world)
    except WorldError as e:  # the world given with --world does not load: one line a problem
        for p in e.problems:
            print(shown(p, 2000), file=sys.stderr)
        return 2
    except AdventureError as e:
        # one line, neutralised: the message may quote the file name or the replay
        print(f"adventure: {shown(e, 2000)}", file=sys.stderr)
        return 2
    if not v.ok:
        print(f"NOT VERIFIED {name}: {shown(v.message, 2000)}", file=sys.stderr)
        return 1
    print(f"verified {name}")
    print(f"  world    {shown(world.title)} ({shown(world.id)}, {world.content_hash[:16]})")
    print(f"  category {shown(v.category or 'any')}{'  (practice: an aid such as undo or load was used)' if v.practice else ''}")
    print(f"  ending   {shown(v.ending)}")
    print(f"  moves    {v.moves} (proved by re-simulation)")
    print(f"  times    in-game {_fmt(v.t_game)}, real {_fmt(v.t_real)} (as reported by the player's machine: not proved)")
    return 0

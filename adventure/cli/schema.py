"""adventure schema [WORLD] [--world|--room|--walkthrough] [-o FILE | --write]: print a JSON Schema
of the world format.

Editors that validate TOML with JSON Schema (taplo; Even Better TOML in VS Code) read a first
line such as `#:schema ./schema/world.json` in a file; `adventure new` writes those lines, and the
schema files into the new world's schema/ folder.

Given a WORLD, the schema names that world's rooms, endings, choices and flags (as enums), so the
editor completes `go = "`, `end = "`, `start`, a walkthrough's moves, and flags an id that does
not exist. `--write` writes the three schemas into WORLD/schema/, where `adventure new` put them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

KINDS = ("world", "room", "walkthrough")


def add_arguments(p) -> None:
    p.add_argument("world_name", nargs="?", metavar="WORLD",
                   help="a world folder or shipped world: name its rooms, endings, choices and flags in the schema")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--world", dest="which", action="store_const", const="world",
                   help="the schema of world.toml (the default)")
    g.add_argument("--room", dest="which", action="store_const", const="room", help="the schema of rooms/*.toml")
    g.add_argument("--walkthrough", dest="which", action="store_const", const="walkthrough",
                   help="the schema of walkthroughs, tests/*.toml")
    out = p.add_mutually_exclusive_group()
    out.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    out.add_argument("--write", action="store_true",
                     help="with WORLD: write all three schemas into WORLD/schema/ (world.json, room.json, "
                          "walkthrough.json), the files the #:schema lines of `adventure new` point at")


def dumps(which: str, world=None) -> str:
    from ..world.schema import SCHEMAS, for_world

    schema = SCHEMAS[which]() if world is None else for_world(which, world)
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def _write(path: Path, text: str) -> None:
    from ..core.errors import AdventureError

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as e:
        raise AdventureError(f"cannot write {path}: {e.strerror or e}") from None


def run(args) -> int:
    from ..core.errors import AdventureError

    world = None
    if args.world_name is not None:
        from ..world.loader import load_world

        world = load_world(args.world_name)
    if args.write:
        if world is None:
            raise AdventureError("--write needs a WORLD: adventure schema WORLD --write")
        if args.which:
            raise AdventureError(f"--write writes all three schemas; leave out --{args.which}")
        given = Path(args.world_name)
        if not given.exists():  # a shipped world's name: its folder is part of the installation
            raise AdventureError(f"--write writes into a world folder of yours; {args.world_name!r} is a shipped "
                                 f"world: give the path of a folder (or print the schema with -o FILE)")
        from ..world.loader import find_world

        folder = find_world(given) / "schema"
        for which in KINDS:
            _write(folder / f"{which}.json", dumps(which, world))
        print(f"wrote {', '.join(str(folder / f'{w}.json') for w in KINDS)}")
        return 0
    text = dumps(args.which or "world", world)
    if args.output:
        _write(Path(args.output), text)
    else:
        sys.stdout.write(text)
    return 0

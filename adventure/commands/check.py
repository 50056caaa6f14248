"""adventure check WORLD: load a world and report every problem, one line each."""

from __future__ import annotations

import json
import sys

import attrs


def add_arguments(p) -> None:
    p.add_argument("world", help="a world folder, or a shipped world's name")
    p.add_argument("--json", action="store_true", help="print the findings and a summary as JSON")


def run(args) -> int:
    from ..errors import WorldError
    from ..loader import load_world
    from ..stats import summary

    try:
        world = load_world(args.world)
    except WorldError as e:
        if args.json:
            print(json.dumps({"ok": False, "errors": [attrs.asdict(p) for p in e.problems]}, indent=1))
        else:
            for p in e.problems:
                print(p, file=sys.stderr)
            n = len(e.problems)
            print(f"{n} problem{'s' if n != 1 else ''}; the world does not load.", file=sys.stderr)
        return 2
    s = summary(world)
    if args.json:
        print(json.dumps({"ok": True, "errors": [], "summary": s}, indent=1))
    else:
        print(f"{world.title}: {s['rooms']} rooms, {s['choices']} choices, {s['endings']} endings, "
              f"{s['flags']} flags, {s['counters']} counters, {s['words']:,} words. No problems found.")
    return 0

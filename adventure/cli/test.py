"""adventure test WORLD: run the walkthroughs in WORLD/tests/*.toml (or the files given)."""

from __future__ import annotations

import sys
from pathlib import Path


def add_arguments(p) -> None:
    p.add_argument("world", help="a world folder, or a shipped world's name")
    p.add_argument("files", nargs="*", help="walkthrough files (default: the world's tests/*.toml)")


def run(args) -> int:
    from .output import cleaned

    with cleaned():
        return _run(args)


def _run(args) -> int:
    from ..core.errors import WorldError
    from ..world.loader import find_world, load_world
    from ..world.walkthrough import load_walkthrough, run_walkthrough
    from ..core.text import escape_line

    world = load_world(args.world)
    files = [Path(f) for f in args.files] or sorted((find_world(args.world) / "tests").glob("*.toml"))
    if not files:
        print(f"no walkthroughs in {escape_line(str(find_world(args.world) / 'tests'))}", file=sys.stderr)
        return 2
    failed = errors = 0
    for path in files:
        f = escape_line(str(path))  # a file name may hold a line break
        try:
            wt = load_walkthrough(path, world)
        except WorldError as e:
            print(f"ERROR {f}", file=sys.stderr)
            for p in e.problems:
                print(f"  {p}", file=sys.stderr)
            errors += 1
            continue
        fails = run_walkthrough(world, wt)
        if fails:
            failed += 1
            print(f"FAIL {f}: {wt.name}")
            for line in fails:
                print(f"  - {line}")
        else:
            print(f"ok   {f}: {wt.name} ({len(wt.moves)} moves)")
    passed = len(files) - failed - errors
    print(f"{passed} passed, {failed} failed" + (f", {errors} errors" if errors else ""))
    return 2 if errors else 1 if failed else 0

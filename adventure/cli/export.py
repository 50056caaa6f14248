"""adventure export WORLD --html -o game.html: the world as one self-contained web page.

The page holds the world (as JSON), a JavaScript engine with the Python engine's exact semantics
and the player; it fetches nothing and plays from file:// by double-click. `--zip` writes that
page as index.html in a zip, which is what itch.io plays in the browser. See docs/publishing.md.
"""

from __future__ import annotations

import sys
from pathlib import Path


def add_arguments(p) -> None:
    p.add_argument("world", help="a world folder, or a shipped world's name")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--html", action="store_true", help="write one HTML file (the default)")
    fmt.add_argument("--zip", action="store_true", help="write a zip holding index.html (for itch.io)")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="where to write (default: WORLD_ID.html or WORLD_ID.zip; '-' for standard output, HTML only)")
    p.add_argument("--ifid", metavar="UUID", help="the story's IFID (default: an 'ifid' key in world.toml, if any)")
    p.add_argument("--blurb", metavar="TEXT", help="a one-paragraph description for the page's metadata")


def run(args) -> int:
    from ..world.fileio import atomic_write
    from ..world.loader import load_world
    from ..publish import export_html, export_zip

    world = load_world(args.world)
    kw = {"ifid": args.ifid, "blurb": args.blurb}
    try:
        data = export_zip(world, **kw) if args.zip else export_html(world, **kw).encode("utf-8")
    except ValueError as e:
        print(f"adventure export: {e}", file=sys.stderr)
        return 2
    out = args.output or f"{world.id}.{'zip' if args.zip else 'html'}"
    if out == "-":
        if args.zip:
            print("adventure export: --zip needs -o FILE", file=sys.stderr)
            return 2
        sys.stdout.buffer.write(data)
        return 0
    from ..core.text import clean

    try:
        atomic_write(Path(out), data, mode=0o666)  # a page is made to be shared (less the umask)
    except OSError as e:
        print(f"adventure export: cannot write {clean(out)}: {clean(e.strerror or str(e))}"
              " (check that the folder exists and is writable)", file=sys.stderr)
        return 2
    what = "zip (index.html inside)" if args.zip else "page"
    print(f"wrote {clean(out)}: {clean(world.title)} as a self-contained {what}, {len(data):,} bytes",
          file=sys.stderr)
    return 0

"""adventure schema [--world|--room|--walkthrough]: print a JSON Schema of the world format.

Editors that validate TOML with JSON Schema (taplo; Even Better TOML in VS Code) read a first
line such as `#:schema ./schema/world.json` in a file; `adventure new` writes those lines and the
schema files for you.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def add_arguments(p) -> None:
    g = p.add_mutually_exclusive_group()
    g.add_argument("--world", dest="which", action="store_const", const="world",
                   help="the schema of world.toml (the default)")
    g.add_argument("--room", dest="which", action="store_const", const="room", help="the schema of rooms/*.toml")
    g.add_argument("--walkthrough", dest="which", action="store_const", const="walkthrough",
                   help="the schema of walkthroughs, tests/*.toml")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")


def dumps(which: str) -> str:
    from ..world.schema import SCHEMAS

    return json.dumps(SCHEMAS[which](), indent=2, ensure_ascii=False) + "\n"


def run(args) -> int:
    from ..core.errors import AdventureError

    text = dumps(args.which or "world")
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as e:
            raise AdventureError(f"cannot write {args.output}: {e.strerror or e}") from None
    else:
        sys.stdout.write(text)
    return 0

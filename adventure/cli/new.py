"""adventure new PATH: make a small working world to start from.

It writes world.toml, rooms/, tests/ (walkthroughs that `adventure test` runs) and schema/ (the
JSON Schemas the files' `#:schema` lines point editors at). The templates live in
adventure/cli/scaffold/. It never writes into a folder that already has something in it.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

SCAFFOLD = Path(__file__).resolve().parent / "scaffold"


def add_arguments(p) -> None:
    p.add_argument("path", help="the folder to create (it must not exist, or be empty)")
    p.add_argument("--title", help="the world's title (default: made from the folder's name)")
    p.add_argument("--id", dest="world_id", help="the world's id (default: made from the folder's name)")


def make_id(name: str) -> str:
    s = re.sub(r"[^a-z0-9_-]+", "-", name.lower()).strip("-_")
    return s or "my-world"


def make_title(name: str) -> str:
    words = re.sub(r"[-_\s]+", " ", name).strip()
    return words[:1].upper() + words[1:] if words else "My World"


def scaffold_files(world_id: str, title: str) -> dict[str, str]:
    """{relative path: text} of a new world."""
    from ..world.schema import SCHEMAS

    import uuid

    ifid = str(uuid.uuid4()).upper()  # the Treaty of Babel's form for a new story
    out: dict[str, str] = {}
    for f in sorted(SCAFFOLD.rglob("*.toml")):
        rel = f.relative_to(SCAFFOLD).as_posix()
        text = f.read_text("utf-8")
        out[rel] = (text.replace("@ID@", world_id).replace("@TITLE@", json.dumps(title, ensure_ascii=False))
                    .replace("@IFID@", ifid))
    for name, make in SCHEMAS.items():
        out[f"schema/{name}.json"] = json.dumps(make(), indent=2, ensure_ascii=False) + "\n"
    return out


def run(args) -> int:
    from .output import cleaned

    with cleaned():
        return _run(args)


def _run(args) -> int:
    from ..core.errors import AdventureError
    from ..world.loader import ID
    from ..core.text import escape_line

    root = Path(args.path)
    if root.exists():
        if not root.is_dir():
            raise AdventureError(f"{root} exists and is not a folder; choose a new folder name")
        if any(root.iterdir()):
            raise AdventureError(f"{root} already exists and is not empty; `adventure new` never overwrites "
                                 f"anything: choose a new folder name")
    name = root.resolve().name
    world_id = args.world_id or make_id(name)
    if not ID.fullmatch(world_id) or len(world_id) > 64:
        raise AdventureError(f"--id {world_id!r} must use letters, digits, '-' and '_' (at most 64)")
    title = args.title or make_title(name)
    if escape_line(title) != title:  # a line break, a control or a bidi character
        raise AdventureError("--title must be one line of plain text")
    files = scaffold_files(world_id, title)
    try:
        for rel, text in files.items():
            p = root / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            with open(p, "x", encoding="utf-8") as fh:  # "x": never overwrite
                fh.write(text)
    except OSError as e:
        raise AdventureError(f"cannot write {root}: {e.strerror or e}") from None
    shown = str(args.path)
    print(f"Created {shown}: {', '.join(sorted(files))}.")
    print("Try it:")
    for cmd in ("check", "test", "play"):
        print(f"  adventure {cmd} {shown}")
    print("Then read docs/authoring.md (in the adventure project) and make it yours.", file=sys.stdout)
    return 0

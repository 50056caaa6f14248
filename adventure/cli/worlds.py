"""adventure worlds: list the shipped worlds."""

from __future__ import annotations


def add_arguments(p) -> None:
    pass


def run(args) -> int:
    from .output import cleaned

    with cleaned():
        return _run(args)


def _run(args) -> int:
    from ..core.errors import WorldError
    from ..world.loader import load_world, shipped_worlds

    for name, path in shipped_worlds().items():
        try:
            w = load_world(path)
            print(f"{name:<12} {w.title}  ({len(w.rooms)} rooms, {len(w.endings)} endings)")
        except WorldError as e:
            print(f"{name:<12} (does not load: {len(e.problems)} problem(s); run 'adventure check {path}')")
    return 0

"""Counts that describe a world: rooms, choices, endings, state, words of prose."""

from __future__ import annotations

from ..core.model import World
from ..core.text import word_count


def prose(world: World):
    """Every piece of player-facing text in the world."""
    if world.intro is not None:
        yield world.intro.source
    for r in world.rooms.values():
        yield r.title
        yield r.text.source
        for t in r.text_if:
            yield t.text.source
        for c in r.choices:
            yield c.say.source
            if c.reply is not None:
                yield c.reply.source
    for e in world.endings:
        yield e.title
        yield e.text.source


def summary(world: World) -> dict:
    return {
        "rooms": len(world.rooms),
        "choices": sum(len(r.choices) for r in world.rooms.values()),
        "endings": len(world.endings),
        "flags": sum(1 for v in world.vars if v.type == "bool"),
        "counters": sum(1 for v in world.vars if v.type == "int"),
        "words": sum(word_count(t) for t in prose(world)),
    }

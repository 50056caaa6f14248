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
            if c.why is not None:
                yield c.why.source
    for rule in world.rules:
        if rule.text is not None:
            yield rule.text.source
    for e in world.endings:
        yield e.title
        yield e.text.source


def state_words(s: dict) -> str:
    """"3 flags, 2 counters" (and enums and rules when the world has some)."""
    out = f"{s['flags']} flags, {s['counters']} counters"
    if s["enums"]:
        out += f", {s['enums']} enum{'s' if s['enums'] != 1 else ''}"
    if s["rules"]:
        out += f", {s['rules']} rule{'s' if s['rules'] != 1 else ''}"
    return out


def summary(world: World) -> dict:
    return {
        "rooms": len(world.rooms),
        "choices": sum(len(r.choices) for r in world.rooms.values()),
        "endings": len(world.endings),
        "flags": sum(1 for v in world.vars if v.type == "bool"),
        "counters": sum(1 for v in world.vars if v.type == "int"),
        "enums": sum(1 for v in world.vars if v.type == "enum"),
        "rules": len(world.rules),
        "words": sum(word_count(t) for t in prose(world)),
    }

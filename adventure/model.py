"""The frozen data model: content (World, Room, Choice, Ending) apart from what changes (State)."""

from __future__ import annotations

import hashlib
import json
from typing import Callable

import attrs

from .expr import Effect, Node, Scope
from .text import Template

__all__ = ["StateVar", "TextIf", "Choice", "Room", "Ending", "World", "State", "Env"]


@attrs.frozen
class StateVar:
    """A declared flag (type 'bool') or counter (type 'int'), with its default and bounds."""

    name: str
    index: int
    type: str
    default: bool | int
    lo: int | None = None
    hi: int | None = None
    file: str = ""
    line: int | None = None
    hidden: bool = False  # changes are not shown to the player (still in events, saves, :state)


@attrs.frozen
class TextIf:
    cond: Node
    source: str
    test: Callable = attrs.field(eq=False, repr=False)
    text: Template
    line: int | None = None


@attrs.frozen
class Choice:
    """One option in a room. `key` ("room.id") names it uniquely across the world."""

    id: str
    key: str
    room: str
    say: Template
    cond: Node | None
    cond_source: str
    test: Callable | None = attrs.field(eq=False, repr=False)
    show: str  # "hide" or "grey"
    once: bool
    effects: tuple[Effect, ...]
    run: tuple[Callable, ...] = attrs.field(eq=False, repr=False)
    reply: Template | None
    go: str | None
    end: bool | str | None
    file: str = ""
    line: int | None = None


@attrs.frozen
class Room:
    id: str
    index: int
    title: str
    text: Template
    text_if: tuple[TextIf, ...]
    choices: tuple[Choice, ...]
    by_id: dict[str, Choice] = attrs.field(eq=False, repr=False)
    file: str = ""
    line: int | None = None
    split: bool = False


@attrs.frozen
class Ending:
    id: str
    title: str
    text: Template
    when: Node | None
    when_source: str
    test: Callable | None = attrs.field(eq=False, repr=False)
    secret: bool = False
    file: str = ""
    line: int | None = None


@attrs.frozen
class World:
    """A loaded world. Built once by the loader; never changes."""

    id: str
    title: str
    author: str
    intro: Template | None
    start: str
    unavailable: str
    vars: tuple[StateVar, ...]
    rooms: dict[str, Room] = attrs.field(repr=False)
    room_order: tuple[str, ...]
    endings: tuple[Ending, ...] = attrs.field(repr=False)
    path: str
    content_hash: str
    version: str = ""
    scope: Scope | None = attrs.field(default=None, eq=False, repr=False)
    files: dict[str, str] = attrs.field(factory=dict, eq=False, repr=False)

    def var(self, name: str) -> StateVar:
        for v in self.vars:
            if v.name == name:
                return v
        raise KeyError(name)

    def ending(self, ending_id: str) -> Ending:
        for e in self.endings:
            if e.id == ending_id:
                return e
        raise KeyError(ending_id)

    @property
    def defaults(self) -> tuple:
        return tuple(v.default for v in self.vars)


@attrs.frozen
class State:
    """Everything that changes during a game, as a small immutable value.

    values: the declared flags and counters, in declaration order
    visits: entries into each room, in `World.room_order`
    used:   keys ("room.choice") of once-only choices already taken
    turn:   moves made
    rng:    the PRNG's state
    ending: the ending reached, or None while the game goes on
    """

    room: str
    values: tuple
    visits: tuple
    used: frozenset = frozenset()
    turn: int = 0
    rng: int = 0
    ending: str | None = None

    def to_json(self) -> dict:
        return {
            "room": self.room,
            "values": list(self.values),
            "visits": list(self.visits),
            "used": sorted(self.used),
            "turn": self.turn,
            "rng": self.rng,
            "ending": self.ending,
        }

    def hash(self) -> str:
        """A short content hash, identical on every machine for the same state."""
        blob = json.dumps(self.to_json(), separators=(",", ":"), sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


class Env:
    """What expressions read while they run: values (mutable during effects), visits, turn, rng."""

    __slots__ = ("v", "visits", "turn", "rng")

    def __init__(self, v, visits, turn, rng=0):
        self.v = v
        self.visits = visits
        self.turn = turn
        self.rng = rng

    def random(self, lo: int, hi: int) -> int:
        from .rng import roll

        self.rng, r = roll(self.rng, lo, hi)
        return r

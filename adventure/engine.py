"""The engine core: start a game, list what the player can do, take a step.

Pure functions of (World, State): no I/O, no terminal, no clock. Every front end (the terminal
player, the plain player, the agent API, the solver, the tests) drives these same functions.
"""

from __future__ import annotations

import attrs

from .errors import ChoiceError
from .model import Choice, Env, State, World
from .rng import seed_state
from .suggest import did_you_mean

__all__ = [
    "RoomEntered", "Reply", "Changed", "EndingReached", "Intro",
    "Option", "Outcome", "start", "step", "options", "available_choices", "describe", "resolve_ending",
]


# ---------------------------------------------------------------- events


@attrs.frozen
class Intro:
    title: str
    author: str
    text: str


@attrs.frozen
class RoomEntered:
    room: str
    title: str
    text: str


@attrs.frozen
class Reply:
    text: str


@attrs.frozen
class Changed:
    name: str
    old: bool | int
    new: bool | int
    hidden: bool = False  # the world asks for this change not to be shown to the player


@attrs.frozen
class EndingReached:
    ending: str
    title: str
    text: str


@attrs.frozen
class Option:
    """A choice as the player sees it now: `enabled` is False for a greyed-out one."""

    choice: Choice
    enabled: bool

    @property
    def id(self) -> str:
        return self.choice.id


@attrs.frozen
class Outcome:
    state: State
    events: tuple


# ---------------------------------------------------------------- core


def _room_text(world: World, room_id: str, values, env: Env) -> str:
    room = world.rooms[room_id]
    parts = [room.text.render(values)]
    for t in room.text_if:
        if t.test(env):
            parts.append(t.text.render(values))
    return "\n\n".join(p for p in parts if p)


def start(world: World, seed: int = 0) -> Outcome:
    """A new game: the start room entered once, values at their defaults."""
    visits = [0] * len(world.room_order)
    visits[world.rooms[world.start].index] = 1
    state = State(
        room=world.start,
        values=world.defaults,
        visits=tuple(visits),
        rng=seed_state(seed),
    )
    events = []
    if world.intro is not None or world.title:
        events.append(Intro(world.title, world.author, world.intro.render(state.values) if world.intro else ""))
    events.extend(describe(world, state))
    return Outcome(state, tuple(events))


def describe(world: World, state: State) -> tuple:
    """The events that show the current position: the room, or the ending reached."""
    if state.ending is not None:
        e = world.ending(state.ending)
        return (EndingReached(e.id, e.title, e.text.render(state.values)),)
    env = Env(state.values, state.visits, state.turn)
    room = world.rooms[state.room]
    return (RoomEntered(room.id, room.title, _room_text(world, room.id, state.values, env)),)


def options(world: World, state: State) -> list[Option]:
    """The choices to show in the current state: available ones, and greyed-out ones."""
    if state.ending is not None:
        return []
    env = Env(state.values, state.visits, state.turn)
    out = []
    used = state.used
    for c in world.rooms[state.room].choices:
        if c.once and c.key in used:
            continue
        if c.test is None or c.test(env):
            out.append(Option(c, True))
        elif c.show == "grey":
            out.append(Option(c, False))
    return out


def available_choices(world: World, state: State) -> list[Choice]:
    """The choices the player can take now."""
    return [o.choice for o in options(world, state) if o.enabled]


def resolve_ending(world: World, env: Env) -> str:
    for e in world.endings:
        if e.test is None or e.test(env):
            return e.id
    return world.endings[-1].id


def step(world: World, state: State, choice_id: str) -> Outcome:
    """Take the choice `choice_id` in the current room. Raises ChoiceError if it is not available."""
    if state.ending is not None:
        raise ChoiceError(f"the game is over (ending {state.ending!r}); restart or load to play on")
    room = world.rooms[state.room]
    c = room.by_id.get(choice_id)
    if c is None:
        s = did_you_mean(choice_id, room.by_id)
        hint = f" (did you mean {s!r}?)" if s else ""
        raise ChoiceError(f"no choice {choice_id!r} in room {room.id!r}{hint}")
    env = Env(state.values, state.visits, state.turn, state.rng)
    if c.once and c.key in state.used:
        raise ChoiceError(f"choice {choice_id!r} in room {room.id!r} has already been taken")
    if c.test is not None and not c.test(env):
        raise ChoiceError(f"choice {choice_id!r} in room {room.id!r} is not available now ({c.cond_source})")

    events: list = []
    old = state.values
    if c.run:
        env.v = list(old)
        for f in c.run:
            f(env)
        values = tuple(env.v)
        env.v = values
        for var in world.vars:
            i = var.index
            if values[i] != old[i]:
                events.append(Changed(var.name, old[i], values[i], var.hidden))
    else:
        values = old
    turn = state.turn + 1
    env.turn = turn
    used = state.used | {c.key} if c.once else state.used
    if c.reply is not None:
        events.insert(0, Reply(c.reply.render(values)))

    ending = None
    room_id = state.room
    visits = state.visits
    if c.end is not None:
        ending = resolve_ending(world, env) if c.end is True else c.end
        e = world.ending(ending)
        events.append(EndingReached(e.id, e.title, e.text.render(values)))
    elif c.go is not None:
        room_id = c.go
        target = world.rooms[room_id]
        vl = list(visits)
        vl[target.index] += 1
        visits = tuple(vl)
        env.visits = visits
        events.append(RoomEntered(target.id, target.title, _room_text(world, room_id, values, env)))
    new = State(room_id, values, visits, used, turn, env.rng, ending)
    return Outcome(new, tuple(events))


def replay(world: World, moves, seed: int = 0) -> Outcome:
    """Play a list of choice ids from the start; the outcome of the last move (all events kept)."""
    out = start(world, seed)
    state, events = out.state, list(out.events)
    for m in moves:
        o = step(world, state, m)
        state = o.state
        events.extend(o.events)
    return Outcome(state, tuple(events))

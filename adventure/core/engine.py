"""The engine core: start a game, list what the player can do, take a step.

Pure functions of (World, State): no I/O, no terminal, no clock. Every front end (the terminal
player, the plain player, the agent API, the solver, the tests) drives these same functions.
"""

from __future__ import annotations

from .record import Record
from .errors import ChoiceError
from .model import Choice, Option, State, World
from .rng import seed_state
from .suggest import did_you_mean

__all__ = [
    "RoomEntered", "Reply", "Changed", "EndingReached", "Intro",
    "Option", "Outcome", "start", "step", "options", "available_choices", "describe", "resolve_ending",
]


# ---------------------------------------------------------------- events


class Intro(Record):
    __slots__ = _fields = ("title", "author", "text")

    def __init__(self, title: str, author: str, text: str):
        self.title = title
        self.author = author
        self.text = text


class RoomEntered(Record):
    __slots__ = _fields = ("room", "title", "text")

    def __init__(self, room: str, title: str, text: str):
        self.room = room
        self.title = title
        self.text = text


class Reply(Record):
    __slots__ = _fields = ("text",)

    def __init__(self, text: str):
        self.text = text


class Changed(Record):
    """`hidden`: the world asks for this change not to be shown to the player."""

    __slots__ = _fields = ("name", "old", "new", "hidden")

    def __init__(self, name: str, old: bool | int, new: bool | int, hidden: bool = False):
        self.name = name
        self.old = old
        self.new = new
        self.hidden = hidden


class EndingReached(Record):
    __slots__ = _fields = ("ending", "title", "text")

    def __init__(self, ending: str, title: str, text: str):
        self.ending = ending
        self.title = title
        self.text = text


class Outcome(Record):
    __slots__ = _fields = ("state", "events")

    def __init__(self, state: State, events: tuple):
        self.state = state
        self.events = events


# ---------------------------------------------------------------- core


def _room_text(room, values, env) -> str:
    """A room's text as shown on entering it; `env` is what its conditions read (a State)."""
    text = room.text.render(values)
    if not room.text_if:
        return text
    for t in room.text_if:
        if t.test(env):
            more = t.text.render(values)
            if more:
                text = text + "\n\n" + more if text else more
    return text


def start(world: World, seed: int = 0) -> Outcome:
    """A new game: the start room entered once, values at their defaults."""
    visits = [0] * len(world.tracked)
    slot = world.rooms[world.start].vslot
    if slot >= 0:
        visits[slot] = 1
    state = State(world.start, world.defaults, tuple(visits), frozenset(), 0, seed_state(seed), None)
    state._world = world
    state._room = world.rooms[world.start]
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
    room = world.rooms[state.room]
    return (RoomEntered(room.id, room.title, _room_text(room, state.values, state)),)


def options(world: World, state: State) -> list[Option]:
    """The choices to show in the current state: available ones, and greyed-out ones.

    The Option values are shared (each Room keeps its choices' Options); treat them as read-only."""
    if state.ending is not None:
        return []
    out = []
    used = state.used
    room = state._room if state._world is world else world.rooms[state.room]
    offers = room._offers
    if offers is None:
        offers = room.offers(world.rooms)
    for on in offers:
        once = on.once
        if once is not None and once in used:
            continue
        test = on.test
        if test is None or test(state):  # a State is what conditions read
            out.append(on)
        else:
            off = on.off
            if off is not None:  # greyed out rather than hidden
                out.append(off)
    return out


def available_choices(world: World, state: State) -> list[Choice]:
    """The choices the player can take now."""
    return [o.choice for o in options(world, state) if o.enabled]


def resolve_ending(world: World, env) -> str:
    """The first ending whose `when` holds in `env` (a State or an Env), else the last one."""
    for e in world.endings:
        if e.test is None or e.test(env):
            return e.id
    return world.endings[-1].id


def step(world: World, state: State, choice_id: str) -> Outcome:
    """Take the choice `choice_id` in the current room. Raises ChoiceError if it is not available."""
    if state.ending is not None:
        raise ChoiceError(f"the game is over (ending {state.ending!r}); restart or load to play on")
    room = state._room if state._world is world else world.rooms[state.room]
    offers = room._offers
    found = None
    if offers is not None and len(offers) <= 8:
        # options() has just read these few entries: finding the id among them (the very string
        # object, as a front end passes a choice's own id) beats a dict lookup that misses the
        # CPU's caches in a big world; the entry has the condition and once-only key at hand too
        for on in offers:
            if on.cid is choice_id:
                found = on
                break
    if found is not None:
        c = found.choice
        test, once, dest = found.test, found.once, found.dest
    else:
        c = room.by_id.get(choice_id)
        if c is None:
            s = did_you_mean(choice_id, room.by_id)
            hint = f" (did you mean {s!r}?)" if s else ""
            raise ChoiceError(f"no choice {choice_id!r} in room {room.id!r}{hint}")
        test, once, dest = c.test, (c.key if c.once else None), None
    if once is not None and once in state.used:
        raise ChoiceError(f"choice {choice_id!r} in room {room.id!r} has already been taken")
    if test is not None and not test(state):
        raise ChoiceError(f"choice {choice_id!r} in room {room.id!r} is not available now ({c.cond_source})")

    events: list = []
    old = state.values
    used = state.used | {once} if once is not None else state.used
    visits = state.visits
    target = None
    go = c.go
    if c.end is None and go is not None:
        target = world.room_list[dest] if dest is not None else world.rooms[go]
    else:
        go = state.room
    if c.run:
        # effects run on the new State before anyone sees it: they read the values as they
        # change (a list for now), and the visits and turn from before the move
        new = State(go, old, visits, used, state.turn, state.rng, None)
        new.v = v = list(old)
        for f in c.run:
            f(new)
        values = new.values = new.v = tuple(v)
        new.turn += 1
        if c.reply is not None:
            events.append(Reply(c.reply.render(values)))
        vars_ = world.vars
        for i in c.writes:  # only the slots the effects write can differ
            if values[i] != old[i]:
                var = vars_[i]
                events.append(Changed(var.name, old[i], values[i], var.hidden))
    else:
        values = old
        new = State(go, values, visits, used, state.turn + 1, state.rng, None)
        if c.reply is not None:
            events.append(Reply(c.reply.render(values)))
    # the Room object goes with the State: the next options() and step() need no look-up
    new._world = world
    new._room = room if target is None else target
    if target is not None:
        slot = target.vslot
        if slot >= 0:  # only rooms whose visits some expression reads are counted
            vl = list(visits)
            vl[slot] += 1
            new.visits = tuple(vl)
    # the new State is what the ending rules and the room's texts read
    if c.end is not None:
        ending = resolve_ending(world, new) if c.end is True else c.end
        new.ending = ending
        e = world.ending(ending)
        events.append(EndingReached(e.id, e.title, e.text.render(values)))
    elif target is not None:
        text = target.text_const
        if text is None or target.text_if:
            text = _room_text(target, values, new)
        events.append(RoomEntered(target.id, target.title, text))
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

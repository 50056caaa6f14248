"""The engine core: start a game, list what the player can do, take a step.

Pure functions of (World, State): no I/O, no terminal, no clock. Every front end (the terminal
player, the plain player, the agent API, the solver, the tests) drives these same functions.
"""

from __future__ import annotations

from .record import Record
from .errors import ChoiceError
from .model import MAX_CALLS, Choice, Option, Room, State, World
from .rng import seed_state
from .suggest import did_you_mean

__all__ = [
    "RoomEntered", "Reply", "Changed", "EndingReached", "Intro", "RuleFired",
    "Option", "Outcome", "start", "step", "options", "available_choices", "describe", "resolve_ending",
    "label", "reason", "carried_values", "persistent_values",
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


class RuleFired(Record):
    """A world rule fired and has something to say."""

    __slots__ = _fields = ("rule", "text")

    def __init__(self, rule: str, text: str):
        self.rule = rule
        self.text = text


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
    n = env.seen[room.seen] - 1 if room.seen >= 0 else 0  # the n-th entry picks the n-th variant
    text = room.text.render(values, env, n)
    if not room.text_if:
        return text
    for t in room.text_if:
        if t.test(env):
            more = t.text.render(values, env, n)
            if more:
                text = text + "\n\n" + more if text else more
    return text


def carried_values(world: World, carried) -> tuple:
    """The defaults, with the persistent values in `carried` (name -> value) that fit their
    declaration; anything else in it is ignored (a store from an older version of the world)."""
    values = list(world.defaults)
    for v in world.vars:
        if not v.persist or v.name not in carried:
            continue
        x = carried[v.name]
        if v.type == "bool":
            ok = x.__class__ is bool
        else:
            ok = x.__class__ is int and (v.lo is None or x >= v.lo) and (v.hi is None or x <= v.hi)
        if ok:
            values[v.index] = x
    return tuple(values)


def persistent_values(world: World, state: State) -> dict:
    """The values a game leaves to the next one: its persistent ones, by name."""
    return {v.name: state.values[v.index] for v in world.vars if v.persist}


def start(world: World, seed: int = 0, carried=None) -> Outcome:
    """A new game: the start room entered once, values at their defaults (or, for persistent
    ones, as `carried` gives them: see carried_values)."""
    visits = [0] * len(world.tracked)
    room = world.rooms[world.start]
    slot = room.vslot
    if slot >= 0:
        visits[slot] = 1
    values = world.defaults if not carried else carried_values(world, carried)
    seen = (0,) * len(world.seen)
    if room.seen >= 0:
        seen = _bump(seen, room.seen)
    state = State(world.start, values, tuple(visits), frozenset(), 0, seed_state(seed), None, (), seen)
    if room.enter_run:
        v = state.v = list(values)
        for f in room.enter_run:
            f(state)
        state.values = state.v = tuple(v)
    state._world = world
    state._room = room
    events = []
    if world.intro is not None or world.title:
        events.append(Intro(world.title, world.author,
                            world.intro.render(state.values, state) if world.intro else ""))
    events.extend(describe(world, state))
    return Outcome(state, tuple(events))


def describe(world: World, state: State) -> tuple:
    """The events that show the current position: the room, or the ending reached."""
    if state.ending is not None:
        e = world.ending(state.ending)
        return (EndingReached(e.id, e.title, e.text.render(state.values, state)),)
    room = world.rooms[state.room]
    return (RoomEntered(room.id, room.title, _room_text(room, state.values, state)),)


def label(state: State, choice: Choice) -> str:
    """A choice's label as shown now (before it is taken: its count is the takings so far)."""
    say = choice.say
    if say._const is not None:
        return say._const
    return say.render(state.values, state, state.seen[choice.seen] if choice.seen >= 0 else 0)


def reason(state: State, choice: Choice) -> str | None:
    """Why a choice is not available now, in the author's words (`why`), or None if none given."""
    if choice.back and not state.stack:
        return "there is nowhere to go back to"
    if choice.call and len(state.stack) >= MAX_CALLS:
        return f"you are already {MAX_CALLS} scenes deep"
    if choice.why is None:
        return None
    return choice.why.render(state.values, state, state.seen[choice.seen] if choice.seen >= 0 else 0)


def _bump(seen: tuple, slot: int) -> tuple:
    s = list(seen)
    s[slot] += 1
    return tuple(s)


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
    """The first ending whose `when` holds in `env` (a State or an Env), else the last one; never
    a by-name ending."""
    for e in world.resolvable:
        if e.test is None or e.test(env):
            return e.id
    return world.resolvable[-1].id if world.resolvable else world.endings[-1].id


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
        why = reason(state, c) or c.cond_source
        raise ChoiceError(f"choice {choice_id!r} in room {room.id!r} is not available now ({why})")
    if not world.plain:  # the whole order of a move, below; a plain world's is this short path
        return _move(world, state, room, c, once)

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
        if c.reply is not None:  # its `{if}`s read the state the effects made (as in _move)
            events.append(Reply(c.reply.render(values, new)))
        vars_ = world.vars
        for i in c.writes:  # only the slots the effects write can differ
            if values[i] != old[i]:
                var = vars_[i]
                events.append(Changed(var.name, old[i], values[i], var.hidden))
    else:
        values = old
        new = State(go, values, visits, used, state.turn + 1, state.rng, None)
        if c.reply is not None:
            events.append(Reply(c.reply.render(values, new)))
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
        events.append(EndingReached(e.id, e.title, e.text.render(values, new)))
    elif target is not None:
        text = target.text_const
        if text is None or target.text_if:
            text = _room_text(target, values, new)
        events.append(RoomEntered(target.id, target.title, text))
    return Outcome(new, tuple(events))


# ---------------------------------------------------------------- the whole move
# A move in a world that uses the second language's constructs (`World.plain` is False).
#
# engine.step takes the short path for plain worlds; this is the whole order of a move, the one
# docs/format.md gives ("What a move does"):
#
# 1. the choice's `do` (steps), reading the visits and the turn from before the move;
# 2. the turn advances; the choice's count (its varying texts) goes up; its `reply` is rendered;
# 3. the destination: `end`, the first `next` entry that holds, `back` (pop the return stack),
#    or `go`/`call` (a call pushes the room it leaves);
# 4. entering a room: its visit and its count go up, its `enter` steps run;
# 5. unless the game has ended, each rule in order: when it holds (and, if once-only, has not
#    fired), its steps run, its text shows, then `end` stops the move or `go` enters a room;
# 6. the events: Reply, one Changed per value the whole move changed, RuleFired for each rule with
#    a text, then RoomEntered (where the player is) or EndingReached.


def _enter(world: World, new: State, room: Room) -> bool:
    new.room = room.id
    new._room = room
    slot = room.vslot
    if slot >= 0:
        vl = list(new.visits)
        vl[slot] += 1
        new.visits = tuple(vl)
    if room.seen >= 0:
        new.seen = _bump(new.seen, room.seen)
    for f in room.enter_run:
        f(new)
    return True


def _move(world: World, state: State, room: Room, c: Choice, once: str | None):
    events: list = []
    old = state.values
    used = state.used | {once} if once is not None else state.used
    # the class of the State given: the analysis drives moves with a State whose dice it forces
    new = state.__class__(state.room, old, state.visits, used, state.turn, state.rng, None, state.stack, state.seen)
    new._world = world
    new._room = room
    v = new.v = list(old)
    for f in c.run:
        f(new)
    new.turn += 1
    if c.seen >= 0:
        new.seen = _bump(new.seen, c.seen)
    if c.reply is not None:
        n = new.seen[c.seen] - 1 if c.seen >= 0 else 0
        events.append(Reply(c.reply.render(tuple(v), new, n)))

    # where the choice leads
    ending = c.end
    go = None
    entered = False  # a move that goes nowhere shows only its reply, as in a plain world
    if ending is None:
        if c.next:
            for entry in c.next:
                if entry.test is None or entry.test(new):
                    ending, go = entry.end, entry.go
                    break
        elif c.back:
            go = state.stack[-1]
            new.stack = state.stack[:-1]
        elif c.go is not None:
            go = c.go
            if c.call:
                new.stack = state.stack + (state.room,)
    if ending is None and go is not None:
        entered = _enter(world, new, world.rooms[go])

    # the world's rules
    if ending is None:
        for rule in world.rules:
            if rule.once and rule.key in new.used:
                continue
            if not rule.test(new):
                continue
            if rule.once:
                new.used = new.used | {rule.key}
            for f in rule.run:
                f(new)
            if rule.seen >= 0:
                new.seen = _bump(new.seen, rule.seen)
            if rule.text is not None:
                n = new.seen[rule.seen] - 1 if rule.seen >= 0 else 0
                text = rule.text.render(tuple(v), new, n)
                if text:
                    events.append(RuleFired(rule.id, text))
            if rule.end is not None:
                ending = rule.end
                break
            if rule.go is not None:
                entered = _enter(world, new, world.rooms[rule.go])

    if ending is True:
        ending = resolve_ending(world, new)
    values = new.values = new.v = tuple(v)
    changes = [Changed(var.name, var.values[old[i]], var.values[values[i]], var.hidden) if var.values else
               Changed(var.name, old[i], values[i], var.hidden)
               for i, var in enumerate(world.vars) if values[i] != old[i]]
    # the reply first, then what changed, then what the rules said
    events[1 if c.reply is not None else 0:1 if c.reply is not None else 0] = changes
    if ending is not None:
        new.ending = ending
        e = world.ending(ending)
        events.append(EndingReached(e.id, e.title, e.text.render(values, new)))
    elif entered:
        target = new._room
        events.append(RoomEntered(target.id, target.title, _room_text(target, values, new)))
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

"""A game in progress: the current state, the undo history and the log of choices taken.

This is the object every front end holds (terminal, plain player, agent API). It wraps the pure
engine functions and adds only bookkeeping; it does no I/O.
"""

from __future__ import annotations

from ..core.engine import Option, RoomEntered, describe, label, options, reason, replay, start, step
from ..core.errors import ChoiceError, SaveError
from ..core.model import State, World
from ..core.text import clean
from .savedoc import FORMAT_VERSION, STATE_FORMAT, check_doc

__all__ = ["Game", "NotAvailable", "STATE_FORMAT", "STATE_VERSION", "v1_state_hash", "typed_number"]

# 2: State.visits counts only the rooms that expressions read (format 1 counted every room, so
# its state hashes differ; `v1_state_hash` still checks them)
STATE_VERSION = FORMAT_VERSION
_FAR = 1 << 62  # what an absurdly long number stands for: out of every range


def typed_number(text: str) -> int | None:
    """The number a player typed, or None if `text` is not one. Decimal digits of any script count
    (an input method's full-width ３ is 3); superscripts and circled digits do not (int() refuses
    them); a number too long to be a choice is just out of range (int() refuses past 4,300 digits)."""
    text = text.strip()
    if not text.isdecimal():
        return None
    return int(text) if len(text) <= 18 else _FAR


class NotAvailable(ChoiceError):
    """The player named a choice that is shown greyed out: `number` is its number on screen."""

    def __init__(self, message: str, number: int):
        super().__init__(message)
        self.number = number


class Game:
    """Play a world: `choose()` moves on, `undo()` goes back, `restart()` starts over."""

    def __init__(self, world: World, seed: int = 0, carried: dict | None = None):
        self.world = world
        self.seed = seed
        # the persistent values this game started from (None: the defaults): saves record them
        self.carried = dict(carried) if carried else None
        out = start(world, seed, self.carried)
        self.opening = out.events
        self.events: tuple = out.events  # what the last move (or start, undo, load) showed
        self.history: list[State] = [out.state]
        self.log: list[str] = []

    # -- reading
    @property
    def state(self) -> State:
        return self.history[-1]

    @property
    def over(self) -> bool:
        return self.state.ending is not None

    def options(self) -> list[Option]:
        return options(self.world, self.state)

    def describe(self) -> tuple:
        return describe(self.world, self.state)

    def values(self) -> dict:
        return {v.name: self.state.values[v.index] for v in self.world.vars}

    def choices(self) -> list[dict]:
        """The options shown now, in order, as JSON-able dicts: index (0-based), id, label, enabled."""
        s = self.state
        out = []
        for i, o in enumerate(self.options()):
            d = {"index": i, "id": o.id, "label": label(s, o.choice), "enabled": o.enabled}
            if not o.enabled:
                why = reason(s, o.choice)
                if why:
                    d["why"] = why
            out.append(d)
        return out

    def state_hash(self) -> str:
        return self.state.hash()

    def get_state(self) -> dict:
        """The game as a JSON-able dict: world, seed, the log of moves, the state and its hash."""
        doc = {"format": STATE_FORMAT, "version": STATE_VERSION,
               "world": {"id": self.world.id, "hash": self.world.content_hash},
               "seed": self.seed, "log": list(self.log),
               "state": self.state.to_json(), "state_hash": self.state.hash()}
        if self.carried:
            doc["carried"] = dict(self.carried)
        return doc

    def set_state(self, doc: dict) -> None:
        """Restore a `get_state()` dict (a save file's document works too): replay its log from its
        seed and check that the state reached has the recorded hash. Raises SaveError and leaves the
        game as it was if the dict is malformed, is for another world, or does not replay exactly."""
        doc = check_doc(doc, state=True)  # every field, by type and range (SaveError)
        w, seed, log, want = doc["world"], doc["seed"], doc["log"], doc["state_hash"]
        if w["id"] != self.world.id:
            raise SaveError(f"this game state belongs to world {w['id'][:64]!r}, not {self.world.id!r}")
        carried = doc.get("carried") or None
        try:
            history = self._replayed(seed, log, carried)
        except ChoiceError as e:
            raise SaveError(f"game state does not replay: {str(e)[:200]}") from None
        if doc.get("version", STATE_VERSION) < 2:  # checked: a whole number
            got = v1_state_hash(self.world, seed, log)
        else:
            got = history[-1].hash()
        if got != want:
            raise SaveError("game state does not replay: its moves lead to another state than the one it "
                            "records (edited, or made with another version of the world)")
        self.seed, self.opening, self.history, self.log = seed, start(self.world, seed, carried).events, history, list(log)
        self.carried = carried
        self.events = self.describe()

    # -- moving
    def choose(self, choice_id: str) -> tuple:
        """Take a choice by id; returns the events. Raises ChoiceError if it is not available."""
        out = step(self.world, self.state, choice_id)
        self.history.append(out.state)
        self.log.append(choice_id)
        self.events = out.events
        return out.events

    def undo(self) -> bool:
        """Go back one move. False when already at the start."""
        if len(self.history) == 1:
            return False
        self.history.pop()
        self.log.pop()
        self.events = self.describe()
        return True

    def restart(self, carried: dict | None = None) -> tuple:
        """A new game with the same seed, starting from `carried` persistent values (None: the
        defaults)."""
        self.carried = dict(carried) if carried else None
        out = start(self.world, self.seed, self.carried)
        self.opening = out.events
        self.history = [out.state]
        self.log = []
        self.events = out.events
        return out.events

    def resolve(self, text: str) -> str:
        """Turn what a player typed (a number, a choice id, or part of a label) into a choice id.
        Raises NotAvailable for a greyed-out choice, ChoiceError for anything else."""
        text = text.strip()
        opts = self.options()
        if not opts:
            raise ChoiceError("the game is over: :restart to play again, :quit to leave")
        n = typed_number(text)
        if n is not None:
            if 1 <= n <= len(opts):
                o = opts[n - 1]
                if not o.enabled:
                    raise NotAvailable(f"{n} is not available now", n)
                return o.id
            raise ChoiceError(f"choose a number from 1 to {len(opts)}")
        text = clean(text)  # labels are compared as the player saw them: without control characters
        if not text:
            raise ChoiceError(f"type a number from 1 to {len(opts)}, or part of a choice")
        enabled = [o for o in opts if o.enabled]
        for o in enabled:
            if o.id == text:
                return o.id
        hits = self._named(text, enabled)
        if len(hits) == 1:
            return hits[0].id
        if len(hits) > 1:
            raise ChoiceError(f"{text!r} matches {len(hits)} choices; type more of it, or its number")
        grey = self._named(text, [o for o in opts if not o.enabled])
        if grey:
            n = next(i for i, o in enumerate(opts, 1) if o is grey[0])
            name = clean(label(self.state, grey[0].choice))
            why = reason(self.state, grey[0].choice)
            raise NotAvailable(f"{name!r} (choice {n}) is not available now" + (f": {clean(why)}" if why else ""), n)
        raise ChoiceError(f"no choice matches {text!r}; type a number from 1 to {len(opts)}")

    def names_a_choice(self, text: str) -> bool:
        """Whether `text` is a number shown, or names a choice shown (available or greyed out)."""
        opts = self.options()
        n = typed_number(text)
        if n is not None:
            return 1 <= n <= len(opts)
        text = clean(text.strip())
        return bool(text) and (any(o.id == text for o in opts) or bool(self._named(text, opts)))

    def _named(self, text: str, opts) -> list[Option]:
        """The options whose label `text` names: the label itself (any case), else the labels it
        starts, else the labels it is part of."""
        low = text.lower()
        s = self.state
        labels = [(o, clean(label(s, o.choice)).lower()) for o in opts]
        exact = [o for o, lab in labels if lab == low]
        if exact:
            return exact[:1]
        return [o for o, lab in labels if lab.startswith(low)] or [o for o, lab in labels if low in lab]

    def _replayed(self, seed: int, moves, carried: dict | None = None) -> list[State]:
        """Every state from the start with `seed` through `moves`; ChoiceError names the move."""
        history = [start(self.world, seed, carried).state]
        for i, m in enumerate(moves, 1):
            try:
                history.append(step(self.world, history[-1], m).state)
            except ChoiceError as e:
                raise ChoiceError(f"move {i} ({m!r}): {e}") from None
        return history

    def load_log(self, moves: list[str]) -> None:
        """Replace this game by the one reached by playing `moves` from the start (for loads)."""
        history = self._replayed(self.seed, moves, self.carried)
        self.history = history
        self.log = list(moves)
        self.events = self.describe()


def v1_state_hash(world: World, seed: int, log) -> str:
    """The hash format 1 gave the state that `log` reaches: it counted the entries into every room
    (every RoomEntered event, the start room's included), where format 2 counts only the rooms
    that expressions read. Lets saves and states written by format 1 still be checked."""
    import hashlib
    import json

    out = replay(world, log, seed)
    visits = [0] * len(world.room_order)
    for ev in out.events:
        if ev.__class__ is RoomEntered:
            visits[world.rooms[ev.room].index] += 1
    st = out.state
    doc = {"room": st.room, "values": list(st.values), "visits": visits, "used": sorted(st.used),
           "turn": st.turn, "rng": st.rng, "ending": st.ending}
    blob = json.dumps(doc, separators=(",", ":"), sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]

"""Walkthrough files: a list of choice ids and what must hold at the end (the world's tests/*.toml).

    name = "Light the lamp and wait"
    seed = 0                      # optional
    moves = ["up", "up", "light", "wait"]
    [expect]
    ending = "beacon"             # optional; "none" means the game must still be going
    room = "lamp_room"            # optional
    state = { lamp_lit = true }   # optional
    text = ["The wick catches."]  # optional: each must appear in the transcript
"""

from __future__ import annotations

from pathlib import Path

from ..core.record import Record
from ..core.engine import persistent_values, start, step
from ..core.errors import ChoiceError, Problem, WorldError
from .locate import Locator
from ..core.model import World
from ..core.narration import event_blocks
from ..core.suggest import did_you_mean
from ..core.text import escape_line, one_line
from . import files

KEYS = ("name", "seed", "days", "moves", "expect")
EXPECT_KEYS = ("ending", "room", "state", "text")


class Walkthrough(Record):
    """A walkthrough file: the moves to play from `seed`, and what must hold at the end (the
    ending or room reached, values of `state`, phrases of `text` in the transcript). `days`: the
    games played before it, each a new game starting with the persistent values the one before
    left (a time loop, a new game+); the transcript covers every day."""

    __slots__ = _fields = ("path", "name", "seed", "moves", "ending", "room", "state", "text", "days")
    _defaults = {"days": ()}


MAX_BYTES = 1024 * 1024  # a walkthrough file
MAX_PARSE_BYTES = 64 * 1024 * 1024  # what the TOML parser may need for one (files.parse_cost)


def load_walkthrough(path: Path, world: World) -> Walkthrough:
    rel = escape_line(str(path))
    try:
        raw = files.read_regular(path, MAX_BYTES)
    except files.FileProblem as e:
        raise WorldError([Problem(rel, None, "", e.message, e.hint)]) from None
    try:
        src = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise WorldError([Problem(rel, raw[: e.start].count(b"\n") + 1, "", f"is not valid UTF-8 (byte {e.start})",
                                  "save the file as UTF-8")]) from None
    line = files.long_key(raw)
    if line is not None:
        raise WorldError([Problem(rel, line, "", f"has a key of more than {files.MAX_KEY_PARTS} dotted parts",
                                  "a walkthrough's keys are name, seed, moves and expect")])
    if files.parse_cost(raw) > MAX_PARSE_BYTES:
        raise WorldError([Problem(rel, None, "", "is too dense to parse safely",
                                  "a walkthrough is a list of moves and a few expectations; see docs/security.md")])
    doc, err = files.parse_toml(src)
    if err is not None:
        msg, hint, line = err
        raise WorldError([Problem(rel, line, "", msg, hint)])
    loc = Locator(src)
    probs = []

    def bad(key_path, msg, hint=""):
        probs.append(Problem(rel, loc.line(key_path), escape_line(".".join(key_path)), msg, hint))

    for k in doc:
        if k not in KEYS:
            s = did_you_mean(k, KEYS)
            bad((k,), f"unknown key {k!r}", f"did you mean {s!r}?" if s else "keys: " + ", ".join(KEYS))
    moves = doc.get("moves")
    if not isinstance(moves, list) or not all(isinstance(m, str) for m in moves):
        bad(("moves",), "expected 'moves', an array of choice ids")
        moves = []
    days = doc.get("days", [])
    if not isinstance(days, list) or not all(isinstance(d, list) and all(isinstance(m, str) for m in d) for d in days):
        bad(("days",), "expected 'days', an array of arrays of choice ids (the games played before 'moves')")
        days = []
    seed = doc.get("seed", 0)
    if not isinstance(seed, int) or isinstance(seed, bool):
        bad(("seed",), "expected a whole number")
        seed = 0
    exp = doc.get("expect", {})
    if not isinstance(exp, dict):
        bad(("expect",), "expected a table [expect]")
        exp = {}
    for k in exp:
        if k not in EXPECT_KEYS:
            s = did_you_mean(k, EXPECT_KEYS)
            bad(("expect", k), f"unknown key {k!r}", f"did you mean {s!r}?" if s else "keys: " + ", ".join(EXPECT_KEYS))
    ending = exp.get("ending")
    if ending is not None and ending != "none":
        ids = [e.id for e in world.endings]
        if ending not in ids:
            s = did_you_mean(str(ending), ids)
            bad(("expect", "ending"), f"no ending {ending!r} in the world", f"did you mean {s!r}?" if s else "")
    room = exp.get("room")
    if room is not None and room not in world.rooms:
        bad(("expect", "room"), f"no room {room!r} in the world")
    state = exp.get("state", {})
    names = {v.name: v for v in world.vars}
    if not isinstance(state, dict):
        bad(("expect", "state"), "expected a table of names and values")
        state = {}
    for k, v in state.items():
        if k not in names:
            s = did_you_mean(k, names)
            bad(("expect", "state", k), f"{k!r} is not declared in the world", f"did you mean {s!r}?" if s else "")
        elif names[k].values:
            if v not in names[k].values:
                bad(("expect", "state", k), f"{k!r} is one of {', '.join(names[k].values)}, not {v!r}")
            else:
                state[k] = names[k].values.index(v)
        elif (names[k].type == "bool") != isinstance(v, bool) or not isinstance(v, int):
            bad(("expect", "state", k), f"{k!r} is a {'flag' if names[k].type == 'bool' else 'counter'}; the expected value has the wrong type")
    text = exp.get("text", [])
    if isinstance(text, str):
        text = [text]
    if not isinstance(text, list) or not all(isinstance(t, str) for t in text):
        bad(("expect", "text"), "expected a string or an array of strings")
        text = []
    if probs:
        raise WorldError(probs)
    return Walkthrough(rel, one_line(str(doc.get("name", escape_line(path.stem)))), seed, tuple(moves), ending, room,
                       dict(state), tuple(text), tuple(tuple(d) for d in days))


def run_walkthrough(world: World, wt: Walkthrough) -> list[str]:
    """Play it through; the list of failures (empty when it passes)."""
    transcript: list[str] = []
    carried = None
    days = wt.days + (wt.moves,)
    for d, moves in enumerate(days, 1):
        out = start(world, wt.seed, carried)
        state = out.state
        transcript.extend(t for _, t in event_blocks(out.events))
        for i, m in enumerate(moves, 1):
            try:
                o = step(world, state, m)
            except ChoiceError as e:
                day = f"day {d}, " if len(days) > 1 else ""
                return [f"{day}move {i} ({m!r}) in room {state.room!r}: {e}"]
            state = o.state
            transcript.extend(t for _, t in event_blocks(o.events))
        carried = persistent_values(world, state)
    fails = []
    if wt.ending is not None:
        want = None if wt.ending == "none" else wt.ending
        if state.ending != want:
            fails.append(f"ending: expected {wt.ending!r}, got {state.ending or 'none (still playing in ' + repr(state.room) + ')'}")
    if wt.room is not None and state.room != wt.room:
        fails.append(f"room: expected {wt.room!r}, got {state.room!r}")
    for k, v in wt.state.items():
        var = world.var(k)
        got = state.values[var.index]
        if got != v:
            fails.append(f"state.{k}: expected {var.show(v)}, got {var.show(got)}")
    full = "\n".join(transcript)
    norm = " ".join(full.split())
    for t in wt.text:
        if " ".join(t.split()) not in norm:
            fails.append(f"text not found in the transcript: {t!r}")
    return fails

"""The Python engine's expected traces, for the JavaScript runtime's conformance harness.

    python tests/web/traces.py WORLD [--games N] [--seed S] [--days D] [--walkthroughs] -o traces.json

A trace is one game: its seed, the choice ids played, and after the start and after each move
the state's hash (`State.hash()`) and a digest of what the player sees (`view_digest`: the
events rendered, and the options with their labels, greying and the reason a greyed one gives).
A trace may span days: a null among the moves is a new game of the same seed started from the
persistent values the game before left (`engine.persistent_values`, `engine.start(carried=)`),
as a walkthrough's `days` are played and as the web page starts a new game. Random games pick among the
available choices exactly as `adventure randomtest` does (seed S+k for game k, the picker's
xorshift64* seeded with `seed_state(seed ^ PICK_SALT)`), so tests/web/conformance.mjs can make
the very same picks on its own and report the first move where the two engines differ.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

PICK_SALT = 0x5EED_CAFE_F00D  # as adventure/commands/randomtest.py


def event_list(ev) -> list:
    from adventure.core.engine import Changed, EndingReached, Intro, Reply, RoomEntered, RuleFired

    cls = ev.__class__
    if cls is RoomEntered:
        return ["room", ev.room, ev.title, ev.text]
    if cls is Reply:
        return ["reply", ev.text]
    if cls is Changed:
        return ["changed", ev.name, ev.old, ev.new, bool(ev.hidden)]
    if cls is EndingReached:
        return ["ending", ev.ending, ev.title, ev.text]
    if cls is Intro:
        return ["intro", ev.title, ev.author, ev.text]
    if cls is RuleFired:
        return ["rule", ev.rule, ev.text]
    raise TypeError(cls)


def view_digest(world, state, events) -> str:
    from adventure.core.engine import label, options, reason

    opts = [[o.id, label(state, o.choice), bool(o.enabled)] + ([] if o.enabled else [reason(state, o.choice)])
            for o in options(world, state)]
    blob = json.dumps([[event_list(e) for e in events], opts], separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def play(world, seed: int, moves=None, max_moves: int = 300, days: int = 1) -> dict:
    """One game: the given moves (a walkthrough, None among them starting the next day), or random
    picks as randomtest makes them, starting the next day at an ending while `days` allows."""
    from adventure.core.engine import available_choices, persistent_values, start, step
    from adventure.core.rng import next_state, seed_state

    out = start(world, seed)
    state = out.state
    hashes = [state.hash()]
    views = [view_digest(world, state, out.events)]
    played = []
    pick = seed_state(seed ^ PICK_SALT)
    day = 1
    for k in range(len(moves) if moves is not None else max_moves):
        if moves is not None:
            cid = moves[k]
        else:
            cid = None
            if state.ending is not None:
                if day >= days:
                    break
            else:
                enabled = available_choices(world, state)
                if not enabled:
                    break
                pick, r = next_state(pick)
                cid = enabled[r % len(enabled)].id
        if cid is None:  # the next day
            day += 1
            o = start(world, seed, persistent_values(world, state))
        else:
            o = step(world, state, cid)
        state = o.state
        played.append(cid)
        hashes.append(state.hash())
        views.append(view_digest(world, state, o.events))
    return {"seed": seed, "moves": played, "hashes": hashes, "views": views}


def walkthroughs(world) -> list[dict]:
    from adventure.world.walkthrough import load_walkthrough

    out = []
    for p in sorted((Path(world.path) / "tests").glob("*.toml")):
        wt = load_walkthrough(p, world)
        moves = []
        for d in wt.days:
            moves += list(d) + [None]
        t = play(world, wt.seed, moves + list(wt.moves))
        t["name"] = p.name
        out.append(t)
    return out


def traces(world, games: int = 0, seed: int = 0, walk: bool = True, max_moves: int = 300, days: int = 1) -> dict:
    doc = {"world": world.id, "random": [play(world, seed + k, None, max_moves, days) for k in range(games)],
           "max_moves": max_moves, "days": days}
    doc["walkthroughs"] = walkthroughs(world) if walk else []
    return doc


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("world")
    ap.add_argument("--games", type=int, default=100)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--max-moves", type=int, default=300)
    ap.add_argument("--days", type=int, default=1, help="days a random game may span (see above)")
    ap.add_argument("--no-walkthroughs", action="store_true")
    ap.add_argument("-o", "--out", default="-")
    a = ap.parse_args(argv)
    import adventure

    world = adventure.load_world(a.world)
    s = json.dumps(traces(world, a.games, a.seed, not a.no_walkthroughs, a.max_moves, a.days), separators=(",", ":"))
    if a.out == "-":
        sys.stdout.write(s)
    else:
        Path(a.out).write_text(s)
    return 0


if __name__ == "__main__":
    sys.exit(main())

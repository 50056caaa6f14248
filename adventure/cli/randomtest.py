"""adventure randomtest WORLD: play many seeded random games and report what they found.

Run k uses seed S+k, both for the game's own dice and for picking among the available choices,
so `--runs 1 --seed S+k` replays run k exactly. A game that raises an error, gets stuck (no
choice available before an ending) or reaches --max-moves is a failure, reported with its seed.
Exit 0 when no game failed, 1 when one did.
"""

from __future__ import annotations

import json
import sys
import time

PICK_SALT = 0x5EED_CAFE_F00D  # the choice picker's stream differs from the game's dice for the same seed


def add_arguments(p) -> None:
    p.add_argument("world", help="a world folder, or a shipped world's name")
    p.add_argument("--runs", type=int, default=1000, metavar="N", help="how many games (default 1000)")
    p.add_argument("--seed", type=int, default=0, metavar="S", help="seed of the first game; game k uses S+k (default 0)")
    p.add_argument("--max-moves", type=int, default=1000, metavar="M",
                   help="a game with no ending after M moves is a failure (default 1000)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--moves", action="store_true", help="print the moves of every game (best with --runs 1)")


class Report:
    """What random play found (filled in as games are played): endings {id: count}, lengths of
    games that ended, rooms, choices and texts ((room id, text_if index)) seen, and failures
    (dicts: seed, kind, message, room, moves)."""

    def __init__(self):
        self.runs = 0
        self.endings: dict = {}
        self.lengths: list = []
        self.rooms: set = set()
        self.choices: set = set()
        self.texts: set = set()
        self.failures: list = []

    def __eq__(self, other):
        return isinstance(other, Report) and vars(self) == vars(other)


def play_one(world, seed: int, max_moves: int, report: Report):
    """One random game; records into report; returns the list of moves played."""
    from ..core.engine import available_choices, start, step
    from ..core.model import Env
    from ..core.rng import next_state, seed_state

    pick = seed_state(seed ^ PICK_SALT)
    state = start(world, seed).state
    rooms = world.rooms
    report.rooms.add(state.room)
    _texts(world, state, report, Env)
    moves: list[str] = []
    fail = None
    try:
        while state.ending is None:
            if len(moves) >= max_moves:
                fail = ("max-moves", f"no ending after {max_moves} moves (in room {state.room!r})")
                break
            enabled = available_choices(world, state)
            if not enabled:
                fail = ("soft-lock", f"stuck in room {state.room!r} with no choice available after {len(moves)} moves")
                break
            pick, r = next_state(pick)
            c = enabled[r % len(enabled)]
            moves.append(c.id)
            report.choices.add(c.key)
            out = step(world, state, c.id)
            state = out.state
            # the engine's own events say whether the move entered a room (a `next`, a `back`
            # or a rule's `go` may enter one; a rule may also end the game)
            if state.ending is None and out.events and out.events[-1].__class__.__name__ == "RoomEntered":
                report.rooms.add(state.room)
                if rooms[state.room].text_if:
                    _texts(world, state, report, Env)
    except Exception as e:  # a game must never raise: report it with the seed that reproduces it
        fail = ("error", f"{type(e).__name__}: {e} (in room {state.room!r}, move {len(moves)})")
    if fail is not None:
        report.failures.append({"seed": seed, "kind": fail[0], "message": fail[1], "room": state.room,
                                "moves": list(moves)})
    else:
        report.endings[state.ending] = report.endings.get(state.ending, 0) + 1
        report.lengths.append(len(moves))
    report.runs += 1
    return moves


def _texts(world, state, report: Report, Env) -> None:
    room = world.rooms[state.room]
    if not room.text_if:
        return
    env = Env(state.values, state.visits, state.turn)
    for i, t in enumerate(room.text_if):
        if t.test(env):
            report.texts.add((room.id, i))


def random_test(world, runs: int, seed: int = 0, max_moves: int = 1000, on_moves=None) -> Report:
    report = Report()
    for k in range(runs):
        moves = play_one(world, seed + k, max_moves, report)
        if on_moves is not None:
            on_moves(seed + k, moves)
    return report


def coverage(world, report: Report) -> dict:
    """What the games never hit: rooms, choices, texts and endings, in world order."""
    rooms = [r for r in world.room_order if r not in report.rooms]
    choices = [c for r in world.room_order for c in world.rooms[r].choices if c.key not in report.choices]
    texts = [(world.rooms[r], i) for r in world.room_order for i in range(len(world.rooms[r].text_if))
             if (r, i) not in report.texts]
    endings = [e for e in world.endings if e.id not in report.endings]
    return {"rooms": rooms, "choices": choices, "texts": texts, "endings": endings}


def _pct(n: int, d: int) -> str:
    return f"{100 * n / d:5.1f}%" if d else "  -  "


def run(args) -> int:
    from .output import cleaned

    with cleaned():
        return _run(args)


def _run(args) -> int:
    from ..core.errors import AdventureError
    from ..world.loader import load_world

    if args.runs < 1:
        raise AdventureError("--runs must be at least 1")
    if args.max_moves < 1:
        raise AdventureError("--max-moves must be at least 1")
    world = load_world(args.world)
    t0 = time.monotonic()
    on_moves = None
    if args.moves:
        def on_moves(seed, moves):
            print(f"seed {seed}: {' '.join(moves)}")
    report = random_test(world, args.runs, args.seed, args.max_moves, on_moves)
    secs = time.monotonic() - t0
    cov = coverage(world, report)
    n_texts = sum(len(r.text_if) for r in world.rooms.values())
    n_choices = sum(len(r.choices) for r in world.rooms.values())
    ended = len(report.lengths)
    avg = sum(report.lengths) / ended if ended else 0.0
    last = args.seed + args.runs - 1
    seeds = f"seed {args.seed}" if args.runs == 1 else f"seeds {args.seed}-{last}"
    if args.json:
        doc = {
            "world": world.id, "runs": report.runs, "seeds": [args.seed, last], "max_moves": args.max_moves,
            "seconds": round(secs, 3),
            "endings": {e.id: report.endings.get(e.id, 0) for e in world.endings},
            "average_moves": round(avg, 2),
            "min_moves": min(report.lengths) if report.lengths else None,
            "max_moves_played": max(report.lengths) if report.lengths else None,
            "coverage": {
                "rooms": [len(world.rooms) - len(cov["rooms"]), len(world.rooms)],
                "choices": [n_choices - len(cov["choices"]), n_choices],
                "texts": [n_texts - len(cov["texts"]), n_texts],
                "endings": [len(world.endings) - len(cov["endings"]), len(world.endings)],
            },
            "never": {
                "rooms": cov["rooms"],
                "choices": [c.key for c in cov["choices"]],
                "texts": [f"{r.id}.text_if[{i}]" for r, i in cov["texts"]],
                "endings": [e.id for e in cov["endings"]],
            },
            "failures": report.failures,
        }
        print(json.dumps(doc, indent=1))
        return 1 if report.failures else 0

    out = sys.stdout
    print(f"{world.title}: {report.runs:,} random games ({seeds}, at most {args.max_moves:,} moves each) "
          f"in {secs:.1f} s", file=out)
    print("Endings:", file=out)
    width = max(len(e.id) for e in world.endings)
    for e in world.endings:
        n = report.endings.get(e.id, 0)
        print(f"  {e.id:<{width}}  {n:>7,}  {_pct(n, report.runs)}", file=out)
    if report.failures:
        print(f"  {'(failed)':<{width}}  {len(report.failures):>7,}  {_pct(len(report.failures), report.runs)}", file=out)
    if ended:
        print(f"Length: {avg:.1f} moves on average (shortest {min(report.lengths)}, longest {max(report.lengths)})",
              file=out)
    print(f"Coverage: rooms {len(world.rooms) - len(cov['rooms'])}/{len(world.rooms)}, "
          f"choices {n_choices - len(cov['choices'])}/{n_choices}, "
          f"texts {n_texts - len(cov['texts'])}/{n_texts}, "
          f"endings {len(world.endings) - len(cov['endings'])}/{len(world.endings)}", file=out)
    for rid in cov["rooms"]:
        r = world.rooms[rid]
        print(f"  never entered: {r.file}:{r.line}: room {rid!r}", file=out)
    for c in cov["choices"]:
        print(f"  never taken:   {c.file}:{c.line}: choice {c.key!r} ({' '.join(c.say.source.split())[:50]!r})", file=out)
    for r, i in cov["texts"]:
        t = r.text_if[i]
        print(f"  never shown:   {r.file}:{t.line}: {r.id}.text_if[{i}] (if {t.source!r})", file=out)
    for e in cov["endings"]:
        print(f"  never reached: {e.file}:{e.line}: ending {e.id!r}", file=out)
    if report.failures:
        n = len(report.failures)
        print(f"{n} failed game{'s' if n != 1 else ''}:", file=out)
        groups: dict = {}
        for f in report.failures:
            groups.setdefault((f["kind"], f["room"]), []).append(f)
        for (kind, room), fs in groups.items():
            best = min(fs, key=lambda f: (len(f["moves"]), f["seed"]))
            seeds = ", ".join(str(f["seed"]) for f in fs[:8]) + (", ..." if len(fs) > 8 else "")
            tail = best["moves"][-12:]
            shown = ("... " if len(best["moves"]) > 12 else "") + " ".join(tail)
            print(f"  {kind} in room {room!r}: {len(fs)} game{'s' if len(fs) != 1 else ''} (seeds {seeds})", file=out)
            print(f"    shortest, seed {best['seed']}: {best['message']}", file=out)
            print(f"    moves: {shown or '(none)'}", file=out)
            print(f"    reproduce: adventure randomtest {args.world} --runs 1 --seed {best['seed']} --moves", file=out)
        return 1
    print("No game failed.", file=out)
    return 0

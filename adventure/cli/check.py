"""adventure check WORLD: load a world and report every problem, one line each; then give every
room, choice, text and ending a verdict (analysis/verdicts.py: reachable with a witness, proved
unreachable, or unknown) and report what can never happen, where a player can get stuck, and
unused state. What needs no exploration (orphan rooms, conditions that contradict the declared
bounds) is reported whatever the budget.

Exit 0: no errors (warnings may be printed); 1: errors found; 2: the world does not load.
"""

from __future__ import annotations

import json
import sys


DEFAULT_MAX_STATES = 500_000
DEFAULT_MAX_SECONDS = 60.0


def add_arguments(p) -> None:
    p.add_argument("world", help="a world folder, or a shipped world's name")
    p.add_argument("--json", action="store_true", help="print the findings and a summary as JSON")
    p.add_argument("--max-states", type=int, default=DEFAULT_MAX_STATES, metavar="N",
                   help=f"stop exploring after N states (default {DEFAULT_MAX_STATES:,})")
    p.add_argument("--max-seconds", type=float, default=DEFAULT_MAX_SECONDS, metavar="S",
                   help=f"stop exploring after S seconds (default {DEFAULT_MAX_SECONDS:g}; 0 for no limit)")
    p.add_argument("--seed", type=int, default=None,
                   help="explore the games started with this seed only (default: every outcome of every random())")
    p.add_argument("--load-only", action="store_true", help="only load the world; do not explore it")


def _proved(ex, an=None) -> str:
    if an is not None and an.notes:
        return "; ".join(an.notes)
    if an is not None and not ex.complete:
        limit = "state" if ex.stopped == "states" else "time" if ex.stopped == "seconds" else "dice"
        if limit == "dice":
            return (f"explored {ex.states:,} states, but a random() range too wide to enumerate was sampled; "
                    f"the abstract interpretation and the witness search decided what they could")
        return (f"stopped at the {limit} budget after {ex.states:,} states (every play of up to {ex.depth} moves "
                f"covered); the abstract interpretation and the witness search decided what they could")
    if ex.complete:
        return f"every reachable state explored ({ex.states:,} states, the farthest {ex.depth} moves from the start)"
    if ex.stopped == "dice":
        return (f"explored {ex.states:,} states, but a random() range too wide to enumerate was sampled: "
                f"nothing is claimed unreachable")
    limit = "state" if ex.stopped == "states" else "time"
    return (f"stopped at the {limit} budget after {ex.states:,} states: every play of up to {ex.depth} moves was "
            f"covered; nothing is claimed unreachable (raise --max-states or --max-seconds to explore further)")


def run(args) -> int:
    from .output import cleaned

    with cleaned():
        return _run(args)


def _run(args) -> int:
    from ..core.errors import WorldError
    from ..world.loader import load_world
    from ..analysis.stats import state_words, summary

    if args.max_states < 1:
        print("adventure check: --max-states must be at least 1", file=sys.stderr)
        return 2
    try:
        world = load_world(args.world)
    except WorldError as e:
        if args.json:
            print(json.dumps({"ok": False, "errors": [p.to_json() for p in e.problems]}, indent=1))
        else:
            for p in e.problems:
                print(p, file=sys.stderr)
            n = len(e.problems)
            print(f"{n} problem{'s' if n != 1 else ''}; the world does not load.", file=sys.stderr)
        return 2
    s = summary(world)
    if args.load_only:
        if args.json:
            print(json.dumps({"ok": True, "errors": [], "summary": s}, indent=1))
        else:
            print(f"{world.title}: {s['rooms']} rooms, {s['choices']} choices, {s['endings']} endings, "
                  f"{state_words(s)}, {s['words']:,} words. It loads.")
        return 0

    from ..analysis.verdicts import check

    an, found = check(world, seed=args.seed, max_states=args.max_states,
                      max_seconds=args.max_seconds if args.max_seconds and args.max_seconds > 0 else None)
    ex = an.exploration
    errors = sum(1 for f in found if f.severity == "error")
    warnings = len(found) - errors
    counts = an.counts()
    reached = sum(1 for v in an.of("ending") if v.status == "reachable")
    s.update({
        "reachable_endings": reached,
        "states_explored": ex.states,
        "exploration": ex.summary(),
        "analysis": an.summary(),
        "error_count": errors,
        "warning_count": warnings,
    })
    if args.json:
        print(json.dumps({"ok": errors == 0, "errors": [], "findings": [f.to_json() for f in found], "summary": s,
                          "verdicts": [v.to_json() for v in an.verdicts.values()]}, indent=1))
        return 1 if errors else 0
    print(f"{world.title}: {s['rooms']} rooms, {s['choices']} choices, {s['endings']} endings, "
          f"{state_words(s)}, {s['words']:,} words.")
    dice = "" if args.seed is None else f" (dice as in games started with --seed {args.seed})"
    print(f"Exploration{dice}: {_proved(ex, an)}; {reached} of {s['endings']} endings reached"
          f" ({ex.seconds:.1f} s).")
    print(_verdicts_line(an))
    for f in found:
        print(f)
    unknown = counts["unknown"]
    if not found:
        print("No problems found." if not unknown else
              f"No problems found among the items decided; {unknown} item{'s are' if unknown != 1 else ' is'} "
              f"unknown, so this is not a clean bill (see --json for each, and why).")
    else:
        print(f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}."
              + (f" {unknown} item{'s' if unknown != 1 else ''} unknown." if unknown else ""))
    return 1 if errors else 0


def _verdicts_line(an) -> str:
    c = an.counts()
    total = sum(c.values())
    stages = ", ".join(f"{k} {v:.1f} s" for k, v in an.stages.items())
    state = ("complete: every item decided" if not c["unknown"] else
             f"incomplete: {c['unknown']} unknown (neither witnessed within the budget nor proved unreachable)")
    return (f"Verdicts for {total} rooms, choices, texts and endings: {c['reachable']} reachable (each with a "
            f"witness that replays), {c['unreachable']} unreachable (proved), {c['unknown']} unknown; {state} "
            f"({an.seconds:.1f} s: {stages}).")

"""adventure route WORLD: the exact shortest route (fewest moves) to each ending: par."""

from __future__ import annotations

import json


def add_arguments(p) -> None:
    p.add_argument("world", nargs="?", default=None, help="a world folder or shipped world (default: allhands)")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--ending", help="only this ending")
    g.add_argument("--all", action="store_true", help="also the shortest single session that collects every ending")
    p.add_argument("--seed", type=int, default=0, help="the seed the routes are for (as `play --seed`; default 0)")
    p.add_argument("--max-states", type=int, default=2_000_000, help="search budget per ending, in states expanded (default 2,000,000)")
    p.add_argument("--max-seconds", type=float, default=None, help="search budget per ending, in seconds")
    p.add_argument("--json", action="store_true", help="print JSON")


def run(args) -> int:
    from .output import cleaned

    with cleaned():
        return _run(args)


def _run(args) -> int:
    from .main import DEFAULT_WORLD
    from ..core.errors import AdventureError
    from ..world.loader import load_world
    from ..analysis.routes import shortest_route

    world = load_world(args.world or DEFAULT_WORLD)
    ids = [e.id for e in world.endings]
    if args.ending and args.ending not in ids:
        from ..core.suggest import did_you_mean

        s = did_you_mean(args.ending, ids)
        raise AdventureError(f"no ending {args.ending!r} in {world.id}" + (f" (did you mean {s!r}?)" if s else f"; endings: {', '.join(ids)}"))
    wanted = [args.ending] if args.ending else ids
    out = {"world": world.id, "seed": args.seed, "endings": []}
    for eid in wanted:
        e = world.ending(eid)
        r = shortest_route(world, eid, seed=args.seed, max_states=args.max_states, max_seconds=args.max_seconds)
        base = {"id": eid, "title": e.title, "states": r.expanded, "seconds": round(r.seconds, 2)}
        if r.route is None:
            if r.earlier_day:  # reachable only with what an earlier game left: no par for one game
                status = "needs an earlier day (persistent values from a previous game); no single-game route"
            else:
                status = "unreachable" if r.proved else f"not found within the budget ({r.stopped})"
            out["endings"].append({**base, "reachable": None if r.earlier_day or not r.proved else False,
                                   "status": status, "par": None, "route": None,
                                   "earlier_day": r.earlier_day})
            continue
        rooms = _rooms_along(world, r.route, args.seed)
        out["endings"].append({**base, "reachable": True, "par": len(r.route),
                               "route": [{"choice": c, "room": room} for c, room in zip(r.route, rooms)]})
    _remember(world, args.seed, out["endings"])
    if args.all:
        found = [x for x in out["endings"] if x["par"] is not None]
        missing = [x["id"] for x in out["endings"] if x["par"] is None]
        # every ending ends the game, so each is its own segment from the start: the shortest
        # session is the shortest route to each, with a restart between them
        out["all"] = {"moves": sum(x["par"] for x in found), "restarts": max(0, len(found) - 1),
                      "order": [x["id"] for x in sorted(found, key=lambda x: x["par"])],
                      "complete": not missing, "missing": missing}
    if args.json:
        print(json.dumps(out, indent=1))
    else:
        _print(world, out)
    # an ending that needs an earlier day has no single-game par by design: not a failure
    return 0 if all(x["par"] is not None or x.get("earlier_day") for x in out["endings"]) else 1


def _remember(world, seed, endings) -> None:
    """Proved pars go into the par cache (analysis/parcache.py), which `adventure runs` reads."""
    from ..analysis import parcache

    proved = {x["id"]: x["par"] if x["par"] is not None else -1 for x in endings
              if x["par"] is not None or x.get("reachable") is False}
    if proved:
        parcache.record(world, seed, proved)


def _rooms_along(world, route, seed):
    """The room each move leads to (or 'END: <ending>' for the last)."""
    from ..core.engine import start, step

    s = start(world, seed).state
    out = []
    for c in route:
        s = step(world, s, c).state
        out.append(f"END: {s.ending}" if s.ending else s.room)
    return out


def _print(world, out) -> None:
    states = sum(x["states"] for x in out["endings"])
    print(f"{world.title}: shortest routes for seed {out['seed']} ({states:,} states searched)")
    for x in out["endings"]:
        if x["par"] is None:
            print(f"\n{x['title']} ({x['id']}): {x['status']}")
            continue
        print(f"\n{x['title']} ({x['id']}): par {x['par']} moves")
        for i, step_ in enumerate(x["route"], 1):
            label = _label(world, step_)
            print(f"  {i:>2}. {step_['choice']:<24} -> {label}")
    if "all" in out:
        a = out["all"]
        print(f"\nAll endings in one session: {a['moves']} moves and {a['restarts']} restarts"
              + ("" if a["complete"] else f" (missing: {', '.join(a['missing'])})"))


def _label(world, step_):
    room = step_["room"]
    if room.startswith("END: "):
        return "ending: " + world.ending(room[5:]).title
    return world.rooms[room].title

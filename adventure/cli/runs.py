"""adventure runs [WORLD]: personal bests per category, golds, sum of best, par; LiveSplit export."""

from __future__ import annotations

import sys
from pathlib import Path


def add_arguments(p) -> None:
    p.add_argument("world", nargs="?", default=None, help="a world folder or shipped world (default: allhands)")
    p.add_argument("--saves", metavar="DIR", help="save folder (as for play)")
    p.add_argument("--lss", metavar="FILE", help="write the PB splits of --category as a LiveSplit .lss file")
    p.add_argument("--category", default=None, help="with --lss: the category to export (default: any)")


def _par(world, categories) -> dict[str, int]:
    """Par (fewest moves, seed 0) for the categories that have a personal best. Pars are cached
    by the world's content hash (analysis/parcache.py; `adventure route` fills the cache too), so
    a repeated call searches nothing. An ending not yet in the cache gets a small search budget;
    a par not found within it is left out (and that budget is not spent again)."""
    from ..analysis import parcache
    from ..analysis.routes import shortest_route

    wanted = {c.split(":", 1)[1] for c in categories if c.startswith("ending:")}
    if "any" in categories or "all" in categories:
        wanted = {e.id for e in world.endings}
    cached = parcache.read(world, 0)
    budget = 200_000
    moves = {e: m for e, m in cached["par"].items() if e in wanted}
    todo = sorted(e for e in wanted if e not in moves and cached["open"].get(e, -1) < budget)
    proved, opened = {}, {}
    for e in todo:
        r = shortest_route(world, e, 0, max_states=budget, max_seconds=5)
        if r.route is not None:
            proved[e] = moves[e] = len(r.route)
        elif r.proved:
            proved[e] = moves[e] = -1
        else:
            opened[e] = budget
    if proved or opened:
        parcache.record(world, 0, proved, opened)
    par = {f"ending:{e}": m for e, m in moves.items() if m >= 0}
    if par and "any" in categories:
        par["any"] = min(par.values())
    if "all" in categories and len(par) >= len(world.endings):
        par["all"] = sum(v for k, v in par.items() if k.startswith("ending:"))
    return par


def run(args) -> int:
    from .main import DEFAULT_WORLD
    from ..world.loader import load_world
    from ..speedrun.runs import best_by_category, collect, golds, livesplit, split_label
    from ..play.saves import save_dir
    from ..speedrun.session import fmt_time, parse_category

    world = load_world(args.world or DEFAULT_WORLD)
    root = save_dir(args.saves)
    runs, bad = collect(world, root)
    best = best_by_category(runs)
    if args.lss:
        cat = parse_category(world, args.category)
        if cat not in best:
            print(f"adventure: no clean verified run in category {cat!r} to export", file=sys.stderr)
            return 2
        Path(args.lss).write_text(livesplit(world, cat, best[cat], golds(runs, cat),
                                            sum(1 for r in runs if r.category == cat)), encoding="utf-8")
        print(f"wrote {args.lss}")
        return 0
    print(f"{world.title}: {len(runs)} verified run(s), {len(bad)} that do not verify, in {root / world.id / 'replays'}")
    if not best:
        print("No clean runs yet: play one with `adventure play --speedrun`.")
    par = _par(world, set(best)) if best else {}
    for cat, pb in sorted(best.items()):
        g = golds(runs, cat)
        sob = sum(g.values())
        par_moves = par.get(cat)
        par_txt = f", par {par_moves} moves" if par_moves is not None else ""
        print(f"\n{cat}")
        print(f"  PB       {fmt_time(pb.t_game)} IGT, {fmt_time(pb.t_real)} RTA, {pb.moves} moves{par_txt}")
        print(f"  sum of best segments {fmt_time(sob)}  (possible time save {fmt_time(max(0.0, pb.t_game - sob))})")
        prev = 0.0
        for name, tg, _ in pb.splits:
            seg = tg - prev
            prev = tg
            label = split_label(world, name)
            mark = "*" if abs(seg - g.get(name, seg)) < 1e-9 else " "
            print(f"   {mark} {label:<36} {fmt_time(tg)}  segment {fmt_time(seg)}  gold {fmt_time(g.get(name, seg))}")
    for p, why in bad:
        print(f"  (does not verify: {p.name}: {why})")
    return 0

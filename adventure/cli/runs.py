"""adventure runs [WORLD]: personal bests per category, golds, sum of best, par; LiveSplit export.

Everything printed that comes from a world, a replay or a file name goes through
`speedrun.files.shown`: control and bidirectional characters removed, line breaks shown as \\n.
"""

from __future__ import annotations

import sys
from pathlib import Path


def add_arguments(p) -> None:
    p.add_argument("world", nargs="?", default=None, help="a world folder or shipped world (default: allhands)")
    p.add_argument("--saves", metavar="DIR", help="save folder (as for play)")
    p.add_argument("--lss", metavar="FILE", help="write the PB splits of --category as a LiveSplit .lss file")
    p.add_argument("--force", action="store_true", help="with --lss: replace FILE if it exists")
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


def _write_lss(path: Path, text: str, force: bool) -> str | None:
    """Write the .lss file atomically; a message saying why not, or None."""
    from ..speedrun.files import shown, why
    from ..world.fileio import write_new

    folder = path.parent
    if not folder.is_dir():
        return (f"cannot write {shown(path)}: the folder {shown(folder)} does not exist"
                if not folder.exists() else f"cannot write {shown(path)}: {shown(folder)} is not a folder")
    if path.exists() and not force:
        return f"{shown(path)} exists; it was left as it is (--force replaces it)"
    if path.is_dir():
        return f"cannot write {shown(path)}: it is a folder"
    try:
        write_new(path, text.encode("utf-8"), replace=force)
    except FileExistsError:
        return f"{shown(path)} exists; it was left as it is (--force replaces it)"
    except OSError as e:
        return f"cannot write {shown(path)}: {why(e)}; nothing was written"
    return None


def run(args) -> int:
    from .main import DEFAULT_WORLD
    from ..world.loader import load_world
    from ..speedrun.files import shown
    from ..speedrun.runs import best_by_category, collect_all, golds, livesplit, split_label
    from ..play.saves import save_dir
    from ..speedrun.session import fmt_time, parse_category

    world = load_world(args.world or DEFAULT_WORLD)
    root = save_dir(args.saves)
    runs, others = collect_all(world, root)
    best = best_by_category(runs)
    if args.lss:
        cat = parse_category(world, args.category)
        if cat not in best:
            print(f"adventure: no clean verified run in category {shown(cat)!r} to export", file=sys.stderr)
            return 2
        text = livesplit(world, cat, best[cat], golds(runs, cat),
                         sum(1 for r in runs if r.category == cat) + sum(1 for o in others if o.category == cat))
        problem = _write_lss(Path(args.lss), text, args.force)
        if problem:
            print(f"adventure: {problem}", file=sys.stderr)
            return 2
        print(f"wrote {shown(args.lss)}")
        return 0
    unfinished = [o for o in others if o.unfinished]
    failing = [o for o in others if not o.unfinished]
    print(f"{shown(world.title)}: {len(runs)} verified run(s), {len(unfinished)} unfinished, {len(failing)} that do "
          f"not verify, in {shown(root / world.id / 'replays')}")
    if not best:
        print("No clean runs yet: play one with `adventure play --speedrun`.")
    par = _par(world, set(best)) if best else {}
    for cat, pb in sorted(best.items()):
        g = golds(runs, cat)
        sob = sum(g.values())
        par_moves = par.get(cat)
        par_txt = f", par {par_moves} moves" if par_moves is not None else ""
        print(f"\n{shown(cat)}")
        print(f"  PB       {fmt_time(pb.t_game)} IGT, {fmt_time(pb.t_real)} RTA, {pb.moves} moves{par_txt}")
        print(f"  sum of best segments {fmt_time(sob)}  (possible time save {fmt_time(max(0.0, pb.t_game - sob))})")
        prev = 0.0
        for name, tg, _ in pb.splits:
            seg = tg - prev
            prev = tg
            label = shown(split_label(world, name), 36)
            mark = "*" if abs(seg - g.get(name, seg)) < 1e-9 else " "
            print(f"   {mark} {label:<36} {fmt_time(tg)}  segment {fmt_time(seg)}  gold {fmt_time(g.get(name, seg))}")
    if unfinished:
        print("\nUnfinished (abandoned or interrupted; they never count):")
        for o in unfinished:
            print(f"  {shown(o.category, 40):<20} {o.moves} move{'s' if o.moves != 1 else ''}  {shown(o.path.name)}")
    if failing:
        print("\nDo not verify (they never count):")
        for o in failing:
            print(f"  {shown(o.category, 40):<20} {shown(o.path.name)}: {shown(o.why, 500)}")
    return 0

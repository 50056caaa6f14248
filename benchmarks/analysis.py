"""The analysis benchmark: verdicts, memory and routes on All-Hands and on realistic worlds
(benchmarks/gen_realistic.py), against today's breadth-first explorer given the same time.

    python benchmarks/analysis.py                       # sizes 20,200,2000 and All-Hands
    python benchmarks/analysis.py --sizes 200 --budget 30 --json out.json
    python benchmarks/analysis.py --sizes 20,200 --seeds 1,2 --budget 30 --verdicts-only

Each measurement runs in its own process (peak memory is that process's maximum resident set):

- verdict: `analysis.verdicts.analyse` with the budget: seconds, items, reachable, unreachable,
  unknown, whether complete;
- explorer: `analysis.explore.explore` with the same number of seconds the verdict took (at least
  one): how many items it decides (reached, plus, if it finished, everything else unreachable);
- route: `analysis.routes.shortest_route` for every ending (one process, seed 0): total seconds,
  endings proved;
- the three-dice world (three `random(1, 1000)` in one effect): the verdict within the budget.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

WORKER = r'''
import json, resource, sys, time
sys.path.insert(0, {root!r})
from adventure import load_world
kind, folder, budget = sys.argv[1], sys.argv[2], float(sys.argv[3])
world = load_world(folder)
out = {{}}
t = time.monotonic(); cpu = time.process_time()
if kind == "verdict":
    from adventure.analysis.verdicts import analyse
    an = analyse(world, max_seconds=budget)
    out.update(an.counts()); out["items"] = len(an.verdicts); out["complete"] = an.complete
    out["endings_reachable"] = sum(1 for v in an.of("ending") if v.status == "reachable")
    out["endings"] = len(world.endings); out["stages"] = an.stages
elif kind == "explorer":
    from adventure.analysis.explore import explore
    from adventure.analysis.verdicts import items
    ex = explore(world, max_seconds=budget, max_states=10**9)
    every = items(world)
    got = ({{("room", r) for r in ex.rooms}} | {{("choice", c) for c in ex.choices}}
           | {{("text", r, i) for r, i in ex.texts}} | {{("ending", e) for e in ex.endings}})
    out["items"] = len(every); out["reachable"] = len(got); out["complete"] = ex.complete
    out["decided"] = len(every) if ex.complete else len(got); out["states"] = ex.states
    out["endings_reachable"] = len(ex.endings)
elif kind == "route":
    from adventure.analysis.routes import shortest_route
    pars = {{}}
    for e in world.endings:
        r = shortest_route(world, e.id, 0, max_states=2_000_000, max_seconds=budget)
        pars[e.id] = len(r.route) if r.route is not None else (None if not r.proved else -1)
    out["pars"] = pars; out["proved"] = sum(1 for v in pars.values() if v is not None)
out["seconds"] = round(time.monotonic() - t, 3)
out["cpu_seconds"] = round(time.process_time() - cpu, 3)
out["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
print(json.dumps(out))
'''

DICE = ("""[world]
id = "dice"
title = "Three dice"
start = "a"
[state]
x = { default = 0, min = 0, max = 3000 }
[[ending]]
id = "jackpot"
title = "Jackpot"
text = "!"
when = "x == 3000"
[[ending]]
id = "plain"
title = "Plain"
text = "."
""", """[a]
title = "A"
text = "A."
[[a.choice]]
id = "roll"
say = "Roll"
do = "x = random(1, 1000) + random(1, 1000) + random(1, 1000)"
go = "b"
[b]
title = "B"
text = "B."
[[b.choice]]
id = "again"
say = "Again"
go = "a"
[[b.choice]]
id = "stop"
say = "Stop"
end = true
""")


def measure(kind: str, folder: Path, budget: float) -> dict:
    env = dict(os.environ, ADVENTURE_NO_CACHE="1")
    p = subprocess.run([sys.executable, "-c", WORKER.format(root=str(ROOT)), kind, str(folder), str(budget)],
                       capture_output=True, text=True, env=env, timeout=budget * 20 + 600)
    if p.returncode != 0:
        return {"error": p.stderr.strip().splitlines()[-1] if p.stderr.strip() else f"exit {p.returncode}"}
    return json.loads(p.stdout.strip().splitlines()[-1])


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def run(label: str, folder: Path, budget: float, route: bool, explorer: bool = True) -> dict:
    log(f"{label}: verdict ...")
    v = measure("verdict", folder, budget)
    log(f"  {v}")
    if not explorer:  # explore() over every outcome cannot stop inside one state's 10**9 rolls
        return {"world": label, "verdict": v, "explorer": {}, "route": None}
    same = max(1.0, v.get("seconds", budget))
    log(f"{label}: explorer with {same:.1f} s ...")
    x = measure("explorer", folder, same)
    log(f"  {x}")
    r = None
    if route:
        log(f"{label}: routes ...")
        r = measure("route", folder, budget)
        log(f"  {r}")
    return {"world": label, "verdict": v, "explorer": x, "route": r}


def table(rows: list[dict]) -> str:
    out = ["| world | verdict s (CPU s) | items | unknown | unreachable | endings | peak MB | explorer (same s): decided | endings | route s (proved) |",
           "|---|---|---|---|---|---|---|---|---|---|"]
    for row in rows:
        v, x, r = row["verdict"], row["explorer"], row["route"]
        route = f"{r['seconds']} ({r['proved']}/{len(r['pars'])})" if r and "pars" in r else "-"
        out.append(f"| {row['world']} | {v.get('seconds')} ({v.get('cpu_seconds')}) | {v.get('items')} | {v.get('unknown')} | {v.get('unreachable')} | "
                   f"{v.get('endings_reachable')}/{v.get('endings')} | {v.get('peak_mb')} | "
                   f"{x.get('decided')} ({'complete' if x.get('complete') else 'incomplete'}, {x.get('states', 0):,} states) | "
                   f"{x.get('endings_reachable')} | {route} |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="20,200,2000", help="realistic world sizes, in rooms (default 20,200,2000)")
    ap.add_argument("--budget", type=float, default=60.0, help="seconds per verdict (as check's --max-seconds; default 60)")
    ap.add_argument("--no-routes", action="store_true", help="skip the route timings")
    ap.add_argument("--seeds", default="", help="also these seeds of each size (gen_realistic's own seed is the size)")
    ap.add_argument("--verdicts-only", action="store_true", help="only the verdicts (no explorer, no routes, no dice world)")
    ap.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    a = ap.parse_args(argv)
    sys.path.insert(0, str(HERE))
    import gen_realistic

    only = a.verdicts_only
    rows = [run("allhands", ROOT / "worlds" / "allhands", a.budget, not a.no_routes and not only, not only)]
    seeds = [None] + [int(x) for x in a.seeds.split(",") if x]
    with tempfile.TemporaryDirectory() as d:
        for n in [int(x) for x in a.sizes.split(",") if x]:
            for seed in seeds:
                label = f"realistic-{n}" + ("" if seed is None else f"-s{seed}")
                folder = gen_realistic.generate(n, Path(d) / label, seed)
                rows.append(run(label, folder, a.budget, not a.no_routes and not only and n <= 200 and seed is None,
                                not only))
        if only:
            print(table(rows))
            return 0
        dice = Path(d) / "dice"
        (dice / "rooms").mkdir(parents=True)
        (dice / "world.toml").write_text(DICE[0])
        (dice / "rooms" / "a.toml").write_text(DICE[1])
        rows.append(run("three-dice", dice, a.budget, False, explorer=False))
    print(table(rows))
    if a.json:
        Path(a.json).write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

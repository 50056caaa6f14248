"""The `adventure runs` benchmark (issue #15: `runs` within 1 s with a dozen replays).

    python benchmarks/runs.py [--replays 12] [--repeat 5] [--json FILE]

Records speedrun replays of All-Hands with the replay writer (speedrun/replay.ReplayWriter), along
the shortest routes `route` finds: the last replay in category `all` (every ending, restarting
after each), the others one ending each, cycling through the endings, alternately in category
`any` and `ending:<id>`,
into a temporary saves folder, with a temporary cache folder (ADVENTURE_CACHE_DIR). Then it times
`adventure runs allhands --saves DIR` as a whole process (as its script runs it), wall and CPU
(the child's user + system time), in two states of the caches:

- cold: no par cache and no parse cache (the first call for this version of the world: `runs`
  searches the par of every ending that has a run);
- warm: both filled by an earlier call (every later call, and every call after `route --all`).

Bytecode is written to a temporary PYTHONPYCACHEPREFIX (warmed first), as an installed package
has it; without it every process compiles the package again (0.15 to 0.3 s). In-process, it also
times `speedrun.runs.collect_all` (reading and re-verifying every replay) alone.

Each figure is the minimum and the median of --repeat runs (2 shared cores: the minimum is the
least noisy). The script checks that every replay verified.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))


def record(world, saves: Path, routes: dict[str, list[str]], n: int) -> list[Path]:
    """n replays along `routes`: one `all` run, the rest one ending each (categories alternate
    between `any` and `ending:<id>`). Times: 1.5 s of thought per move, slower in later runs."""
    from adventure.core.engine import start, step
    from adventure.speedrun.replay import ReplayWriter, Splits, replay_dir

    folder = replay_dir(saves, world)
    ids = [e.id for e in world.endings]
    paths = []
    for k in range(n):
        if k == n - 1 and len(routes) == len(ids):
            category, legs = "all", [routes[e] for e in ids]
        else:
            e = ids[k % len(ids)]
            category, legs = ("any" if k % 2 else f"ending:{e}"), [routes[e]]
        w = ReplayWriter(folder / f"run-{k:03d}.jsonl", world, 0, category)
        splits = Splits(world)
        t = 0.0
        endings = []
        for j, leg in enumerate(legs):
            if j:
                w.restart(t, t)
                splits.reset()
            state = start(world, 0).state
            for cid in leg:
                t += 1.5 + 0.1 * k
                out = step(world, state, cid)
                state = out.state
                w.move(cid, state.hash(), t, t)
                for name in splits.take(out.events)[0]:
                    w.split(name, t, t)
            endings.append(state.ending)
        paths.append(w.finish(endings[-1], t, t, endings))
    return paths


def time_runs(saves: Path, env: dict) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds of the child, stdout) of one `adventure runs` process."""
    exe = shutil.which("adventure", path=str(Path(sys.executable).parent)) or ""
    cmd = [exe] if exe else [sys.executable, "-m", "adventure"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.monotonic()
    p = subprocess.run(cmd + ["runs", "allhands", "--saves", str(saves)], capture_output=True, text=True,
                       env=env, cwd=ROOT, timeout=600)
    wall = time.monotonic() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        raise SystemExit(f"adventure runs failed ({p.returncode}): {p.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, p.stdout


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--replays", type=int, default=12)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--json", metavar="FILE")
    a = ap.parse_args(argv)

    from adventure import load_world
    from adventure.analysis.routes import shortest_route

    world = load_world(ROOT / "worlds" / "allhands")
    t = time.monotonic()
    routes = {}
    for e in world.endings:
        r = shortest_route(world, e.id, 0)
        if r.route is not None:
            routes[e.id] = list(r.route)
    print(f"routes: {len(routes)}/{len(world.endings)} endings in {time.monotonic() - t:.1f} s", file=sys.stderr)
    out: dict = {"replays": a.replays, "repeat": a.repeat, "load": os.getloadavg()}
    with tempfile.TemporaryDirectory() as d:
        saves, cache = Path(d) / "saves", Path(d) / "cache" / "worlds"
        paths = record(world, saves, routes, a.replays)
        out["moves"] = sum(sum(1 for ln in open(p) if '"type":"move"' in ln) for p in paths)
        env = dict(os.environ, ADVENTURE_CACHE_DIR=str(cache), PYTHONPYCACHEPREFIX=str(Path(d) / "pyc"))
        env.pop("ADVENTURE_NO_CACHE", None)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        time_runs(saves, env)  # bytecode written
        from adventure.speedrun.runs import collect_all

        verify = []
        for _ in range(a.repeat):
            t = time.perf_counter()
            got, others = collect_all(world, saves)
            verify.append(time.perf_counter() - t)
        assert len(got) == a.replays and not others, (len(got), others)
        out["collect_all_min"] = round(min(verify), 4)

        def clear(*names):
            for name in names:
                shutil.rmtree(cache.parent / name, ignore_errors=True)

        figures: dict[str, list] = {"cold": [], "warm": []}
        text = ""
        for _ in range(a.repeat):
            clear("par", "worlds")
            figures["cold"].append(time_runs(saves, env)[:2])
            wall, cpu, text = time_runs(saves, env)
            figures["warm"].append((wall, cpu))
        first = text.splitlines()[0] if text else ""
        if f"{a.replays} verified run(s)" not in first:
            raise SystemExit(f"not every replay verified: {first}")
        out["summary"] = first
        for k, xs in figures.items():
            walls, cpus = [x[0] for x in xs], [x[1] for x in xs]
            out[k] = {"wall_min": round(min(walls), 3), "wall_median": round(statistics.median(walls), 3),
                      "cpu_min": round(min(cpus), 3), "cpu_median": round(statistics.median(cpus), 3)}
    print(f"{out['summary']} ({out['moves']} moves in all); load {', '.join(f'{x:.2f}' for x in out['load'])}")
    print(f"collect_all (read and re-verify every replay, in process): {out['collect_all_min'] * 1000:.1f} ms")
    print("| caches | wall s (min / median) | CPU s (min / median) |")
    print("|---|---|---|")
    for k in ("cold", "warm"):
        f = out[k]
        print(f"| {k} | {f['wall_min']} / {f['wall_median']} | {f['cpu_min']} / {f['cpu_median']} |")
    if a.json:
        Path(a.json).write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The Python side of the benchmark: in-process measurements, one JSON line per call.

Run by benchmarks/run.py in a fresh interpreter per measurement (so one size's heap does not slow
the next), with the repository on PYTHONPATH:

    python benchmarks/bench_py.py play WORLD PLAYS SEED REPEATS
    python benchmarks/bench_py.py explore WORLD REPEATS BUDGET_S [--memory]
    python benchmarks/bench_py.py bfs WORLD BUDGET_S [--memory]
    python benchmarks/bench_py.py load WORLD REPEATS

`play` makes the same choices as `node ink_bench.js play` on the Ink story (same xorshift32, same
rule: index r % n among the choices on offer) and prints the same trace hash, so run.py can check
that both engines played the very same games.
"""

from __future__ import annotations

import gc
import json
import operator
import resource
import sys
import time
import tracemalloc
from collections import deque

from adventure.core.engine import options, start, step
from adventure.world.loader import load_world
from adventure.play.plain import render_plain
from adventure.core.narration import choice_blocks, event_blocks
from adventure.play.session import END_INFO

WIDTH = 78
_text_of = operator.itemgetter(1)  # a block's text


def xorshift32(x: int) -> int:
    x ^= (x << 13) & 0xFFFFFFFF
    x ^= x >> 17
    x ^= (x << 5) & 0xFFFFFFFF
    return x


def fnv(h: int, v: int) -> int:
    return ((h ^ v) * 16777619) & 0xFFFFFFFF


def play_once(world, plays: int, seed: int, level: str):
    """Random playthroughs. level: 'engine' (options + step), 'text' (+ the blocks of text the
    player is shown: events and choice labels), 'plain' (+ wrapped as the plain player prints)."""
    ending_index = {e.id: i for i, e in enumerate(world.endings)}
    x = seed or 1
    h = 2166136261
    n = 0
    chars = 0
    text = level != "engine"
    plain = level == "plain"
    t0 = time.perf_counter()
    for _ in range(plays):
        out = start(world, 0)
        state = out.state
        events = out.events
        while True:
            opts = options(world, state)
            if text:
                blocks = event_blocks(events)
                if state.ending is not None:
                    blocks.append(END_INFO)
                else:
                    blocks.extend(choice_blocks(opts, state))
                if plain:
                    chars += len(render_plain(blocks, WIDTH))
                else:
                    chars += sum(map(len, map(_text_of, blocks)))
            if state.ending is not None:
                break
            avail = [o.choice for o in opts if o.enabled]
            k = len(avail)
            # xorshift32 and fnv (the functions above), inlined: the harness's own calls would
            # otherwise be charged to the engine (node inlines them in ink_bench.js)
            x ^= (x << 13) & 0xFFFFFFFF
            x ^= x >> 17
            x ^= (x << 5) & 0xFFFFFFFF
            i = x % k
            h = (((h ^ k) * 16777619) & 0xFFFFFFFF ^ i) * 16777619 & 0xFFFFFFFF
            o = step(world, state, avail[i].id)
            state, events = o.state, o.events
            n += 1
        h = fnv(h, 1000 + ending_index.get(state.ending, 99))
    return time.perf_counter() - t0, n, h, chars


def cmd_play(world_path: str, plays: int, seed: int, repeats: int) -> dict:
    world = load_world(world_path)
    res: dict = {}
    for level in ("engine", "text", "plain"):
        times = []
        for _ in range(repeats):
            gc.collect()
            t, n, h, chars = play_once(world, plays, seed, level)
            times.append(t)
        res[level] = {"times": times, "choices": n, "hash": h, "chars": chars}
    res["plays"] = plays
    return res


# ---------------------------------------------------------------- exhaustive exploration


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize()


def find_explorer():
    """adventure.analysis.explore's entry point, or None while it does not exist."""
    try:
        import adventure.analysis.explore as ex
    except ImportError:
        return None, "explore not available"
    except Exception as e:  # present but broken: say so rather than hide it
        return None, f"explore present but fails to import: {type(e).__name__}: {e}"
    fn = getattr(ex, "explore", None)
    if fn is None:
        return None, "adventure.analysis.explore has no explore()"
    return fn, ""


def _count(result) -> int:
    """States found, from explore()'s result (adventure.analysis.explore.Exploration.states: the abstract
    non-ending states, room plus values plus whatever counts the world reads)."""
    v = getattr(result, "states", None)
    if isinstance(v, int):
        return v
    return len(v if v is not None else result)


def _call(fn, world, budget: float):
    """Call explore() with no state cap and a time budget, passing only the keywords it takes."""
    import inspect

    params = inspect.signature(fn).parameters
    kw = {}
    if "max_states" in params:
        kw["max_states"] = 10**9
    if "max_seconds" in params:
        kw["max_seconds"] = budget
    return fn(world, **kw)


def cmd_explore(world_path: str, repeats: int, budget: float, memory: bool) -> dict:
    fn, why = find_explorer()
    if fn is None:
        return {"available": False, "why": why}
    world = load_world(world_path)
    out: dict = {"available": True, "times": []}
    try:
        if memory:
            gc.collect()
            tracemalloc.start()
            base = tracemalloc.get_traced_memory()[0]
            result = _call(fn, world, budget)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            out["states"] = _count(result)
            out["peak_bytes"] = peak - base
            return out
        for _ in range(repeats):
            result = None
            gc.collect()
            t0 = time.perf_counter()
            result = _call(fn, world, budget)
            out["times"].append(time.perf_counter() - t0)
            out["states"] = _count(result)
            out["complete"] = bool(getattr(result, "complete", True))
    except Exception as e:
        return {"available": False, "why": f"explore present but failed: {type(e).__name__}: {e}"}
    return out


def bfs(world, budget: float):
    """Reference: breadth-first search of (room, values) through the public engine API.
    Returns the number of non-ending states found (as explore() and ink_bench.js count them)."""
    t0 = time.perf_counter()
    s0 = start(world, 0).state
    seen = {(s0.room, s0.values)}
    q = deque([s0])
    complete = True
    while q:
        if len(seen) & 1023 == 0 and time.perf_counter() - t0 > budget:
            complete = False
            break
        s = q.popleft()
        for o in options(world, s):
            if not o.enabled:
                continue
            t = step(world, s, o.choice.id).state
            if t.ending is not None:
                continue
            k = (t.room, t.values)
            if k not in seen:
                seen.add(k)
                q.append(t)
    return len(seen), time.perf_counter() - t0, complete


def cmd_bfs(world_path: str, budget: float, memory: bool) -> dict:
    world = load_world(world_path)
    gc.collect()
    if memory:
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        n, secs, complete = bfs(world, budget)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return {"states": n, "peak_bytes": peak - base, "complete": complete}
    n, secs, complete = bfs(world, budget)
    return {"states": n, "seconds": secs, "complete": complete}


def cmd_load(world_path: str, repeats: int) -> dict:
    """load_world in-process, each time from scratch (the files stay in the OS cache)."""
    times = []
    for _ in range(repeats):
        gc.collect()
        t0 = time.perf_counter()
        w = load_world(world_path)
        times.append(time.perf_counter() - t0)
        del w
    return {"times": times}


def main(argv: list[str]) -> int:
    mode = argv[0]
    memory = "--memory" in argv
    args = [a for a in argv[1:] if a != "--memory"]
    if mode == "play":
        res = cmd_play(args[0], int(args[1]), int(args[2]), int(args[3]))
    elif mode == "explore":
        res = cmd_explore(args[0], int(args[1]), float(args[2]), memory)
    elif mode == "load":
        res = cmd_load(args[0], int(args[1]))
    elif mode == "bfs":
        res = cmd_bfs(args[0], float(args[1]), memory)
    else:
        print(__doc__, file=sys.stderr)
        return 2
    print(json.dumps(res))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

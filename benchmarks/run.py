"""The benchmark suite: adventure against Ink (inkjs), on the same generated world at several sizes.

    python benchmarks/run.py                         # 100, 1,000 and 10,000 rooms (~5-10 minutes)
    python benchmarks/run.py --quick                 # fewer repeats, shorter budgets (~2 minutes)
    python benchmarks/run.py --sizes 100,1000,10000,100000 --json out.json

Run it with a Python that has adventure's dependencies (a checkout's .venv, or any environment
where `pip install .` was done); the code measured is always this checkout's (PYTHONPATH is set to
it). When `node` and `npm` are on PATH, inkjs is installed into benchmarks/.ink the first time;
without them the Ink columns say "n/a". Generated worlds, Ink stories and the compiled JSON are kept
in benchmarks/.cache (rebuilt when benchmarks/gen.py changes). Both folders are git-ignored.

What is measured (each several times; the table gives the minimum and the median, and ratios are
taken between the minima of this same run, the minimum being the figure least disturbed by other
work on the machine):

1. first screen: the whole process `adventure play WORLD --plain < /dev/null` (run as the installed
   `adventure` script runs it: `from adventure.cli import entry; entry()`, with this checkout first
   on the path) against
   `node ink_bench.js first STORY.json` (load inkjs, load the compiled story, print the opening text
   and the first choices);
2. random play, in-process: the time per choice and the playthroughs per second, with the engine
   alone, with the text the player is shown built (events and choice labels, as
   adventure.play.session does), and with that text wrapped as the plain player prints it; against inkjs
   doing Continue() until choices, reading the choice labels and ChooseChoiceIndex(). Both sides
   make the very same choices (a shared xorshift32; index r % n among the choices on offer), and
   the trace hashes printed must be equal: that checks the two worlds are equivalent;
3. exhaustive exploration: states per second and memory per state of adventure.analysis.explore (used by
   `check` and `route`), against inkjs exploring (knot, variables) by saving and loading its state,
   and against a reference breadth-first search through the public engine API (bench_py.py bfs);
4. interactive start-up: `adventure play` in a pseudo-terminal, from fork to the prompt of the
   default world, against `python -c "import prompt_toolkit"` (and `python -c pass`).
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import json
import os
import platform
import re
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CACHE = HERE / ".cache"
INK_DIR = HERE / ".ink"
INK_VERSION = "2.4.0"
INKJS = INK_DIR / "node_modules" / "inkjs"
PLAY_SEED = 12345
PY = sys.executable  # the interpreter measured: --python
# `adventure ARGS` as the installed console script runs it (pip's script imports entry and calls
# it; `python -m adventure` would add runpy's own imports, about 4 ms, that users do not pay)
ENTRY = "import sys; from adventure.cli import entry; sys.argv[0] = 'adventure'; entry()"
ADVENTURE = [PY, "-c", ENTRY]

sys.path.insert(0, str(HERE))
import gen  # noqa: E402


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def env_with_repo() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.pop("PYTHONSTARTUP", None)
    # measure the code as it runs once installed: with its bytecode cached (an environment that
    # sets PYTHONDONTWRITEBYTECODE would make every process compile adventure's modules again)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    # the parse cache of large worlds (adventure/world/cache.py) goes into the benchmark's own folder, so a
    # run neither uses nor fills the user's; the warm-up run of each measurement fills it
    env["ADVENTURE_CACHE_DIR"] = str(CACHE / "parse-cache")
    env.pop("ADVENTURE_NO_CACHE", None)
    env["NO_COLOR"] = "1"
    return env


def stats(xs: list[float]) -> tuple[float, float]:
    return min(xs), statistics.median(xs)


# ---------------------------------------------------------------- setup


def ensure_inkjs() -> tuple[bool, str]:
    if not (shutil.which("node") and shutil.which("npm")):
        return False, "node and npm not found: Ink columns skipped"
    pkg = INKJS / "package.json"
    if pkg.is_file() and json.loads(pkg.read_text()).get("version") == INK_VERSION:
        return True, ""
    log(f"installing inkjs@{INK_VERSION} into {INK_DIR.relative_to(REPO)} ...")
    INK_DIR.mkdir(exist_ok=True)
    r = subprocess.run(["npm", "install", "--prefix", str(INK_DIR), f"inkjs@{INK_VERSION}",
                        "--no-audit", "--no-fund", "--loglevel=error"], capture_output=True, text=True)
    if r.returncode != 0 or not pkg.is_file():
        return False, "npm install inkjs failed: Ink columns skipped (" + (r.stderr.strip().splitlines() or ["?"])[-1] + ")"
    return True, ""


def _digest(*parts: bytes) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p + b"\0")
    return h.hexdigest()


def prepare(n: int, ink: bool) -> dict:
    """Generate (or reuse) the n-room world and Ink story, and compile the story."""
    d = CACHE / str(n)
    stamp = _digest((HERE / "gen.py").read_bytes(), str(n).encode())
    if not (d / "stamp").is_file() or (d / "stamp").read_text() != stamp:
        log(f"generating the {n:,}-room world ...")
        if d.exists():
            shutil.rmtree(d)
        d.mkdir(parents=True)
        gen.generate(n, d)
        (d / "stamp").write_text(stamp)
    out = {"world": d / "world", "ink": d / "story.ink", "json": None, "note": ""}
    if not ink:
        return out
    js = d / "story.json"
    jstamp = _digest((d / "story.ink").read_bytes(), INK_VERSION.encode())
    if not js.is_file() or not (d / "json.stamp").is_file() or (d / "json.stamp").read_text() != jstamp:
        log(f"compiling the {n:,}-room Ink story with inkjs-compiler ...")
        heap = max(4096, n // 8)  # MiB: the compiler needs about 1 GiB at 10,000 rooms, over 4 at 100,000
        t0 = time.perf_counter()
        r = subprocess.run(["node", f"--max-old-space-size={heap}", str(INKJS / "bin" / "inkjs-compiler.js"),
                            str(d / "story.ink"), "-o", str(js)], capture_output=True, text=True)
        if r.returncode != 0 or not js.is_file():
            out["note"] = f"inkjs-compiler failed at {n:,} rooms: " + (r.stderr.strip().splitlines() or ["?"])[-1][:200]
            return out
        (d / "json.stamp").write_text(jstamp)
        log(f"  compiled in {time.perf_counter() - t0:.1f} s")
    out["json"] = js
    return out


# ---------------------------------------------------------------- measuring


def time_process(argv: list[str], reps: int, env: dict, check: str = "") -> list[float]:
    """Wall-clock seconds of whole runs of argv with standard input closed (after one warm-up)."""
    times = []
    for i in range(reps + 1):
        t0 = time.perf_counter()
        r = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=env, cwd=REPO)
        t = time.perf_counter() - t0
        if r.returncode != 0 or (check and check.encode() not in r.stdout):
            raise RuntimeError(f"{' '.join(argv)} failed ({r.returncode}): {r.stderr.decode()[-500:]}")
        if i:
            times.append(t)
    return times


def worker(argv: list[str], env: dict) -> dict:
    r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=REPO, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, argv))} failed: {r.stderr[-1500:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


_ANSI = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>78]")
# the prompt, or the "more" prompt that a first screen taller than the terminal stops at (All-Hands'
# does at 100x40): either way the player is ready for input
_PROMPT = re.compile(rb"(?:^|[\r\n])(?:>(?:[ \x08\r\n]|$)|-- more: Enter --)")


def time_to_prompt(argv: list[str], env: dict, timeout: float = 30.0) -> tuple[float | None, bytes]:
    """Seconds from fork to the prompt '>' being drawn at the start of a line on a pseudo-terminal
    (100x40), escape sequences aside (prompt_toolkit draws '>' then moves the cursor; the plain
    player writes '> '). Answers cursor-position requests as a terminal would. Then kills the child."""
    import pty

    t0 = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # child
        try:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))
            os.chdir(REPO)
            os.execve(argv[0], argv, env)
        finally:
            os._exit(127)
    buf = b""
    found = None
    try:
        while True:
            left = timeout - (time.perf_counter() - t0)
            if left <= 0:
                break
            r, _, _ = select.select([fd], [], [], left)
            if not r:
                break
            try:
                data = os.read(fd, 65536)
            except OSError:
                break
            if not data:
                break
            buf += data
            if b"\x1b[6n" in data:
                os.write(fd, b"\x1b[1;1R")
            if _PROMPT.search(_ANSI.sub(b"", buf)):
                found = time.perf_counter() - t0
                break
    finally:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)
        os.close(fd)
    return found, buf


# ---------------------------------------------------------------- the suite


def machine() -> dict:
    cpu = ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 2**20:.0f} GiB"
    except OSError:
        pass
    node = ""
    if shutil.which("node"):
        node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    toml = subprocess.run([PY, "-c", "import adventure.world.loader as l; m = l.toml; print(m.__name__, getattr(m, '__file__', '') or '')"],
                          env=env_with_repo(), capture_output=True, text=True).stdout.split()
    parser = "?"
    if toml:
        parser = toml[0] + (" (compiled)" if toml[-1].endswith(".so") else " (pure Python)" if toml[0] == "tomli" else "")
    return {"cpu": cpu, "cores": os.cpu_count(), "memory": mem, "python": platform.python_version(),
            "interpreter": PY, "toml": parser,
            "os": platform.platform(), "node": node, "loadavg": os.getloadavg()}


def run_size(n: int, a, ink_ok: bool, env: dict, saves: str) -> dict:
    res: dict = {"rooms": n}
    p = prepare(n, ink_ok)
    res["note"] = p["note"]
    world, story = str(p["world"]), p["json"]
    first_label = "Walk on to"  # the first choice of every room (benchmarks/gen.py)
    reps = a.reps if a.reps else (3 if a.quick else (10 if n <= 1000 else 5 if n <= 10000 else 2))

    # 1. first screen
    log(f"[{n:,}] first screen ...")
    res["first_py"] = time_process(ADVENTURE + ["play", world, "--plain", "--saves", saves],
                                   reps, env, check=first_label)
    # the same without the parse cache: the first run after an edit of the world
    log(f"[{n:,}] first screen without the parse cache ...")
    res["first_py_cold"] = time_process(ADVENTURE + ["play", world, "--plain", "--saves", saves],
                                        reps, dict(env, ADVENTURE_NO_CACHE="1"), check=first_label)
    if story:
        res["first_ink"] = time_process(["node", str(HERE / "ink_bench.js"), "first", str(story)], reps, env,
                                        check=first_label)

    log(f"[{n:,}] load_world in-process ...")
    res["load_py"] = worker([PY, str(HERE / "bench_py.py"), "load", world, str(reps)], env)

    # 2. random play
    plays = a.plays or (50 if a.quick else 200)
    prep = 3 if a.quick else 5
    log(f"[{n:,}] random play: {plays} playthroughs x {prep} ...")
    res["play_py"] = worker([PY, str(HERE / "bench_py.py"), "play", world, str(plays), str(PLAY_SEED), str(prep)], env)
    # the same house in the second language (an enum, a rule, a block, conditional steps, enter,
    # why, inline variation): its cost per choice against the plain house, measured here too
    log(f"[{n:,}] random play, second language: {plays} playthroughs x {prep} ...")
    res["play_py2"] = worker([PY, str(HERE / "bench_py.py"), "play", str(p["world"].parent / "world2"), str(plays),
                              str(PLAY_SEED), str(prep)], env)
    if story:
        res["play_ink"] = worker(["node", str(HERE / "ink_bench.js"), "play", str(story), str(plays), str(PLAY_SEED), str(prep)], env)

    # 3. exploration
    budget = a.explore_budget
    erep = 1 if (a.quick or n > 1000) else 3
    log(f"[{n:,}] exploration (adventure.analysis.explore) ...")
    ex = worker([PY, str(HERE / "bench_py.py"), "explore", world, str(erep), str(budget)], env)
    res["explore_py"] = ex
    if ex.get("available") and n <= a.memory_max:
        log(f"[{n:,}] exploration memory (tracemalloc) ...")
        res["explore_mem"] = worker([PY, str(HERE / "bench_py.py"), "explore", world, "1", str(budget), "--memory"], env)
    bfs_budget = 5.0 if a.quick else 30.0
    log(f"[{n:,}] reference BFS through engine.step (budget {bfs_budget:g} s) ...")
    res["bfs"] = worker([PY, str(HERE / "bench_py.py"), "bfs", world, str(bfs_budget)], env)
    if story:
        ib = 3.0 if a.quick else 10.0
        log(f"[{n:,}] inkjs exploration (budget {ib:g} s) ...")
        res["explore_ink"] = worker(["node", "--max-old-space-size=8192", str(HERE / "ink_bench.js"), "explore", str(story), str(ib)], env)
    return res


def run_interactive(a, env: dict, saves: str) -> dict:
    reps = a.reps or (3 if a.quick else 10)
    out: dict = {}
    r = subprocess.run([PY, "-c", "import adventure.play.tui"], env=env, cwd=REPO, capture_output=True, text=True)
    out["tui"] = r.returncode == 0
    out["tui_error"] = "" if out["tui"] else (r.stderr.strip().splitlines() or ["?"])[-1]
    log("interactive start-up ...")
    argv = ADVENTURE + ["play", "--saves", saves, "--new"]
    times = []
    last = b""
    for i in range(reps + 1):
        t, last = time_to_prompt(argv, env)
        if t is None:
            out["error"] = "no prompt seen within 30 s; last output: " + _ANSI.sub(b"", last)[-300:].decode(errors="replace")
            break
        if i:
            times.append(t)
    out["play"] = times
    out["floor"] = time_process([PY, "-c", "import prompt_toolkit"], reps, env)
    out["pass"] = time_process([PY, "-c", "pass"], reps, env)
    return out


# ---------------------------------------------------------------- the table


def _speed(ratio: float | None) -> str:
    if not ratio:
        return "n/a"
    return f"{ratio:.1f}x faster" if ratio >= 1 else f"{1 / ratio:.1f}x slower"


def fmt(x: float) -> str:
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def table(results: list[dict], inter: dict | None, markdown: bool) -> str:
    rows: list[list[str]] = []
    head = ["rooms", "measure", "adventure min / median", "inkjs min / median", "ratio", "target", "verdict"]

    def row(n, what, ours, theirs, ratio, target, verdict):
        rows.append([f"{n:,}" if isinstance(n, int) else n, what, ours, theirs, ratio, target, verdict])

    def mm(xs, scale=1.0, inv=False):
        if not xs:
            return "n/a", None
        vals = [(scale / x if inv else x * scale) for x in xs]
        lo, med = stats(vals)
        best = max(vals) if inv else lo
        return f"{fmt(best)} / {fmt(med)}", best

    for r in results:
        n = r["rooms"]
        ink = "first_ink" in r
        # first screen
        s_ours, b_ours = mm(r["first_py"], 1000)
        s_ink, b_ink = mm(r.get("first_ink"), 1000) if ink else ("n/a", None)
        ratio = b_ours / b_ink if ink else None
        row(n, "first screen, whole process (ms)", s_ours, s_ink,
            f"{ratio:.2f}x" if ratio else "n/a", "<= 0.50x", ("met" if ratio <= 0.5 else "MISSED") if ratio else "n/a")
        if r.get("first_py_cold"):
            s_cold, b_cold = mm(r["first_py_cold"], 1000)
            ratio = b_cold / b_ink if ink else None
            row(n, "  the same without the parse cache (ms)", s_cold, "", f"{ratio:.2f}x" if ratio else "", "", "")
        if r.get("load_py"):
            s_load, _ = mm(r["load_py"]["times"], 1000)
            row(n, "  of which load_world, in-process (ms)", s_load, "", "", "", "")
        # play
        pp, pi = r["play_py"], r.get("play_ink")
        same = pi is not None and pi["hash"] == pp["text"]["hash"] and pi["choices"] == pp["text"]["choices"]
        ink_us = None
        if pi:
            s_ink, ink_us = mm([t / pi["choices"] for t in pi["times"]], 1e6)
        for level, label in (("engine", "per choice, engine only (us)"),
                             ("text", "per choice, with text shown (us)"),
                             ("plain", "per choice, text wrapped as printed (us)")):
            d = pp[level]
            s_ours, us = mm([t / d["choices"] for t in d["times"]], 1e6)
            ratio = ink_us / us if ink_us else None
            # the target is on building the text shown, which is what inkjs does; the plain
            # player's wrapping to the terminal's width is extra work inkjs never does: no target
            tgt = "<= 5 us, >= 10x" if level == "text" else ""
            ok = ""
            if level == "text":
                ok = "met" if us <= 5 and (ratio is None or ratio >= 10) else "MISSED"
            row(n, label, s_ours, s_ink if pi else "n/a",
                _speed(ratio), tgt, ok)
        p2 = r.get("play_py2")
        if p2:
            for level, label in (("engine", "  second language: per choice, engine only (us)"),
                                 ("text", "  second language: per choice, with text shown (us)")):
                s2, us2 = mm([t / p2[level]["choices"] for t in p2[level]["times"]], 1e6)
                _, us1 = mm([t / pp[level]["choices"] for t in pp[level]["times"]], 1e6)
                row(n, label, s2, "", f"{us2 / us1:.2f}x the plain house", "", "")
        s_ours, pps = mm(pp["text"]["times"], pp["plays"], inv=True)
        s_ink, ipps = mm(pi["times"], pi["plays"], inv=True) if pi else ("n/a", None)
        row(n, "random playthroughs/s (with text)", s_ours, s_ink,
            f"{pps / ipps:.1f}x" if ipps else "n/a", "", "")
        row(n, "  same games on both sides (trace hash)", f"{pp['text']['hash']:08x}",
            f"{pi['hash']:08x}" if pi else "n/a", "", "equal", ("yes" if same else "NO") if pi else "n/a")
        # exploration
        ex, ei = r["explore_py"], r.get("explore_ink")
        irate = None
        if ei:
            irate = ei["states"] / ei["seconds"]
            s_ink = f"{fmt(irate)}" + ("" if ei["complete"] else f" (partial: {ei['states']:,} states in {ei['seconds']:.0f} s)")
        else:
            s_ink = "n/a"
        if ex.get("available"):
            rates = [ex["states"] / t for t in ex["times"]]
            rate = max(rates)
            s_ours = f"{fmt(rate)} / {fmt(statistics.median(rates))}"
            cpl = "" if ex.get("complete", True) else " (incomplete: budget)"
            row(n, f"explore: states/s ({ex['states']:,} states{cpl})", s_ours, s_ink,
                f"{rate / irate:.0f}x" if irate else "n/a", ">= 300,000/s" if n == 1000 else "",
                ("met" if rate >= 300_000 else "MISSED") if n == 1000 else "")
            if n == 10000:  # "the 10,000-room world fully explored within a few minutes"
                secs = min(ex["times"])
                row(n, "  explore: the whole search (s)", f"{secs:.1f}" + ("" if ex.get("complete", True) else " (incomplete)"),
                    "", "", "complete, <= 180 s",
                    "met" if ex.get("complete", True) and secs <= 180 else "MISSED")
            mem = r.get("explore_mem")
            if mem and mem.get("states"):
                bps = mem["peak_bytes"] / mem["states"]
                row(n, "explore: bytes/state (tracemalloc peak)", f"{bps:,.0f}", "", "",
                    "<= 150" if n == 1000 else "", ("met" if bps <= 150 else "MISSED") if n == 1000 else "")
        else:
            row(n, "explore: states/s", f"n/a ({ex.get('why', '?')})", s_ink, "", "", "")
        b = r["bfs"]
        row(n, "  reference BFS via engine.step: states/s", f"{fmt(b['states'] / b['seconds'])}"
            + ("" if b["complete"] else " (partial)"), "", "", "", "")
        if r.get("note"):
            row(n, "note: " + r["note"], "", "", "", "", "")
    if inter:
        if inter.get("play"):
            lo, med = stats([t * 1000 for t in inter["play"]])
            flo, fmed = stats([t * 1000 for t in inter["floor"]])
            ratio = lo / flo
            label = "interactive start to prompt (ms)" if inter["tui"] else "interactive start, PLAIN FALLBACK (ms)"
            row("allhands", label, f"{fmt(lo)} / {fmt(med)}", f"import prompt_toolkit: {fmt(flo)} / {fmt(fmed)}",
                f"{ratio:.2f}x", "<= 1.30x", ("met" if ratio <= 1.3 else "MISSED") if inter["tui"] else "n/a (tui not available)")
        else:
            row("allhands", "interactive start to prompt", "n/a: " + inter.get("error", "?")[:80], "", "", "", "")
        plo, pmed = stats([t * 1000 for t in inter["pass"]])
        row("", "  python -c pass (ms)", f"{fmt(plo)} / {fmt(pmed)}", "", "", "", "")

    if markdown:
        out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        out += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in rows]
        return "\n".join(out)
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(head, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    prev = None
    for r in rows:
        if r[0] and r[0] != prev and prev is not None:
            lines.append("")
        if r[0]:
            prev = r[0]
        lines.append("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="100,1000,10000", help="room counts, comma-separated (default 100,1000,10000; 100000 is opt-in)")
    ap.add_argument("--quick", action="store_true", help="fewer repeats and shorter budgets")
    ap.add_argument("--reps", type=int, default=0, help="repeats of each whole-process measurement (default 10, 5 above 1,000 rooms, 3 with --quick)")
    ap.add_argument("--plays", type=int, default=0, help="random playthroughs per repeat (default 200, 50 with --quick)")
    ap.add_argument("--explore-budget", type=float, default=300.0, help="seconds adventure.analysis.explore may take per run (default 300)")
    ap.add_argument("--memory-max", type=int, default=1000, help="measure exploration memory (tracemalloc, slow) up to this many rooms (default 1000)")
    ap.add_argument("--python", default=sys.executable, help="the Python interpreter to measure (default: the one running this)")
    ap.add_argument("--no-ink", action="store_true", help="skip the Ink columns")
    ap.add_argument("--no-interactive", action="store_true", help="skip the interactive start-up measurement")
    ap.add_argument("--json", metavar="FILE", help="also write every raw measurement as JSON")
    ap.add_argument("--markdown", action="store_true", help="print the table as Markdown (for docs/performance.md)")
    ap.add_argument("--report", metavar="FILE", help="measure nothing: print the table of an earlier run's --json FILE"
                    " (or benchmarks/.cache/last-run.json)")
    a = ap.parse_args(argv)
    if a.report:
        doc = json.loads(Path(a.report).read_text())
        print_report(doc, a.markdown)
        return 0
    sizes = [int(s.replace("_", "")) for s in a.sizes.split(",") if s.strip()]
    global PY, ADVENTURE
    PY = a.python
    ADVENTURE = [PY, "-c", ENTRY]
    env = env_with_repo()
    r = subprocess.run([PY, "-c", "import attrs, prompt_toolkit, adventure"], env=env, capture_output=True, text=True)
    if r.returncode != 0:
        print(f"{PY} cannot import adventure's dependencies ({(r.stderr.strip().splitlines() or ['?'])[-1]}).\n"
              "Make a venv first: python3 -m venv .venv && .venv/bin/pip install -q . && "
              ".venv/bin/python benchmarks/run.py", file=sys.stderr)
        return 2

    t_start = time.perf_counter()
    ink_ok, ink_note = (False, "--no-ink given") if a.no_ink else ensure_inkjs()
    if ink_note:
        log(ink_note)
    m = machine()
    results = []
    inter = None
    with tempfile.TemporaryDirectory(prefix="adventure-bench-") as saves:
        for n in sizes:
            results.append(run_size(n, a, ink_ok, env, saves))
        if not a.no_interactive:
            inter = run_interactive(a, env, saves)
    m["loadavg_end"] = os.getloadavg()
    m["date"] = time.strftime("%Y-%m-%d %H:%M")
    m["inkjs"] = INK_VERSION if ink_ok else ""
    m["ink_note"] = ink_note
    elapsed = time.perf_counter() - t_start
    doc = {"machine": m, "elapsed": elapsed, "sizes": results, "interactive": inter}
    raw = json.dumps(doc, indent=1, default=str)
    CACHE.mkdir(exist_ok=True)
    (CACHE / "last-run.json").write_text(raw)
    if a.json:
        Path(a.json).write_text(raw)
    print_report(json.loads(raw), a.markdown)
    return 0


def print_report(doc: dict, markdown: bool) -> None:
    m, elapsed, results, inter = doc["machine"], doc["elapsed"], doc["sizes"], doc["interactive"]
    ink_ok, ink_note = bool(m.get("inkjs")), m.get("ink_note", "")
    print(f"adventure benchmark: {m.get('date', '?')}, {elapsed:.0f} s")
    print(f"machine: {m['cpu']}, {m['cores']} cores, {m['memory']}; {m['os']}")
    print(f"python {m['python']} ({m['interpreter']}), TOML parser {m['toml']}; node {m['node'] or 'n/a'}; "
          f"inkjs {INK_VERSION if ink_ok else 'n/a'}")
    print("load average at start {:.2f} {:.2f} {:.2f}, at end {:.2f} {:.2f} {:.2f} (other work on the machine "
          "makes timings noisy)".format(*m["loadavg"], *m["loadavg_end"]))
    if ink_note:
        print(ink_note)
    print()
    print(table(results, inter, markdown))
    print()
    print("ratios: between the minima of this run. explore: non-ending states (room + values) per second;"
          " inkjs explores the same states by saving and loading its state.")
    if inter and not inter["tui"]:
        print(f"interactive: adventure.play.tui is not importable ({inter['tui_error']}); the figure is the plain"
              " player's prompt, not the terminal player's.")


if __name__ == "__main__":
    sys.exit(main())

"""The web export's figures: page size, first screen in headless Chromium, time per choice in node.

    python benchmarks/web.py                 # All-Hands, and the 100- and 1,000-room generated worlds
    python benchmarks/web.py --quick --json out.json --screenshots DIR

1. page size: `adventure export allhands --html` in bytes (target <= 400 KB), and gzipped;
2. first screen: the exported All-Hands opened from file:// in headless Chromium (Debian's
   `chromium`, driven by Playwright's Python package), a fresh profile each time: milliseconds
   from navigation start to the player's `adventure-first-screen` mark (the first passage and
   its choices are in the page), and to the first contentful paint (target <= 300 ms);
3. random play in node (benchmarks/web_bench.js, the runtime alone and with the text read), on
   All-Hands and on benchmarks/gen.py's generated worlds, against inkjs on the equivalent Ink
   story when benchmarks/run.py can install it (npm), and against the Python engine
   (bench_py.py's play_once). All three make the same choices: the trace hashes must be equal.
With --screenshots DIR, the first screen and a later one are saved, light and dark.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(REPO), str(HERE)]

import adventure  # noqa: E402
from adventure.publish import export_html, world_json  # noqa: E402

PLAY_SEED = 12345


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def page_size() -> dict:
    page = export_html(adventure.load_world("allhands")).encode()
    return {"bytes": len(page), "gzip": len(gzip.compress(page, 9)), "target": 400_000}


def first_screen(runs: int, shots: Path | None) -> dict:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {"skipped": "playwright is not installed"}
    sys.path.insert(0, str(REPO / "tests"))
    from test_web_player import chromium_path

    exe = chromium_path()
    if exe is None:
        return {"skipped": "no chromium"}
    d = Path(tempfile.mkdtemp())
    page_file = d / "allhands.html"
    page_file.write_text(export_html(adventure.load_world("allhands")), "utf-8")
    url = page_file.as_uri()
    ready, fcp = [], []
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=exe, args=["--no-sandbox"])
        for k in range(runs + 1):
            ctx = b.new_context(viewport={"width": 1000, "height": 800})
            pg = ctx.new_page()
            pg.goto(url)
            pg.wait_for_selector("html[data-ready]")
            pg.wait_for_timeout(50)
            m = pg.evaluate("""() => {
                const r = performance.getEntriesByName('adventure-first-screen')[0];
                const p = performance.getEntriesByName('first-contentful-paint')[0];
                return [r ? r.startTime : null, p ? p.startTime : null];
            }""")
            if k:  # the first launch warms the browser's own caches
                ready.append(m[0])
                if m[1] is not None:
                    fcp.append(m[1])
            ctx.close()
        if shots is not None:
            shots.mkdir(parents=True, exist_ok=True)
            for scheme in ("light", "dark"):
                ctx = b.new_context(viewport={"width": 1000, "height": 900}, color_scheme=scheme, reduced_motion="reduce")
                pg = ctx.new_page()
                pg.goto(url)
                pg.wait_for_selector("html[data-ready]")
                pg.screenshot(path=str(shots / f"allhands-{scheme}-first.png"))
                for key in ("1", "1", "2"):
                    pg.keyboard.press(key)
                pg.wait_for_timeout(100)
                pg.screenshot(path=str(shots / f"allhands-{scheme}-play.png"))
                ctx.close()
        b.close()
    return {"runs": runs, "ready_ms": ready, "fcp_ms": fcp, "target_ms": 300,
            "ready_min": min(ready), "ready_median": statistics.median(ready),
            "fcp_median": statistics.median(fcp) if fcp else None}


def play_node(world_dir, plays: int, repeats: int, ink_story: Path | None) -> dict:
    world = adventure.load_world(world_dir)
    d = Path(tempfile.mkdtemp())
    wj = d / "world.json"
    wj.write_text(world_json(world))
    r = subprocess.run(["node", str(HERE / "web_bench.js"), str(wj), str(plays), str(PLAY_SEED), str(repeats)],
                       capture_output=True, text=True, check=True)
    js = json.loads(r.stdout)
    out = {"world": world.id, "rooms": len(world.rooms), "plays": plays}
    for level in ("engine", "text"):
        x = js[level]
        out[f"js_{level}_us"] = min(x["times"]) / x["choices"] * 1e6
        out["choices"] = x["choices"]
        out["js_hash"] = x["hash"]
    from bench_py import play_once

    t, n, h, _ = play_once(world, plays, PLAY_SEED, "text")
    out["py_text_us"] = t / n * 1e6
    out["py_hash"] = h
    if ink_story is not None:
        r = subprocess.run(["node", str(HERE / "ink_bench.js"), "play", str(ink_story), str(plays), str(PLAY_SEED), str(repeats)],
                           capture_output=True, text=True)
        if r.returncode == 0:
            ink = json.loads(r.stdout)
            out["ink_us"] = min(ink["times"]) / ink["choices"] * 1e6
            out["ink_hash"] = ink["hash"]
    out["same_choices"] = out["js_hash"] == out["py_hash"] and out.get("ink_hash", out["js_hash"]) == out["js_hash"]
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--sizes", default="100,1000", help="generated world sizes for the inkjs comparison")
    ap.add_argument("--no-ink", action="store_true", help="do not install or run inkjs")
    ap.add_argument("--json", metavar="FILE")
    ap.add_argument("--screenshots", metavar="DIR")
    a = ap.parse_args(argv)
    res = {"page": page_size()}
    log(f"page: {res['page']['bytes']:,} bytes ({res['page']['gzip']:,} gzipped); target <= 400,000")
    res["first_screen"] = fs = first_screen(5 if a.quick else 15, Path(a.screenshots) if a.screenshots else None)
    if "skipped" in fs:
        log(f"first screen: skipped ({fs['skipped']})")
    else:
        log(f"first screen: ready in {fs['ready_min']:.0f} ms min / {fs['ready_median']:.0f} ms median, first paint "
            f"{fs['fcp_median']:.0f} ms median; target <= 300 ms")
    plays = 50 if a.quick else 200
    reps = 3 if a.quick else 5
    rows = [play_node("allhands", plays, reps, None)]
    sizes = [int(s) for s in a.sizes.split(",") if s]
    if sizes:
        import run

        ink_ok = False
        if not a.no_ink:
            ink_ok, note = run.ensure_inkjs()
            if note:
                log(note)
        for n in sizes:
            p = run.prepare(n, ink_ok)
            story = p.get("json") if ink_ok else None
            rows.append(play_node(str(p["world"]), plays, reps, Path(story) if story else None))
    res["play"] = rows
    log(f"{'world':<16}{'rooms':>7}{'choices':>9}{'js engine us':>14}{'js +text us':>13}{'python us':>11}{'inkjs us':>10}  same choices")
    for r in rows:
        ink = f"{r['ink_us']:.2f}" if "ink_us" in r else "n/a"
        log(f"{r['world']:<16}{r['rooms']:>7}{r['choices']:>9}{r['js_engine_us']:>14.2f}{r['js_text_us']:>13.2f}"
            f"{r['py_text_us']:>11.2f}{ink:>10}  {r['same_choices']}")
    if a.json:
        Path(a.json).write_text(json.dumps(res, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

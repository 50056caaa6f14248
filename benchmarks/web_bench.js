// The web runtime's side of benchmarks/web.py: random play of an exported world in node.
//
//   node web_bench.js WORLD.json PLAYS SEED REPEATS
//
// Makes exactly the choices of bench_py.py and ink_bench.js (xorshift32, index r % n among the
// choices on offer) and prints the same trace hash, so the figures compare like with like.
// Levels: "engine" (options + step) and "text" (+ every event's text and every choice's label
// read, as the page shows them). Prints one JSON line.
"use strict";
const fs = require("fs");
const path = require("path");
const A = require(path.join(__dirname, "..", "adventure", "publish", "runtime.js"));

function playOnce(world, plays, seed, text) {
  const endingIndex = new Map(world.endings.map((e, i) => [e.id, i]));
  let x = seed >>> 0 || 1;
  let h = 2166136261, n = 0, chars = 0;
  const t0 = process.hrtime.bigint();
  for (let p = 0; p < plays; p++) {
    let out = world.start(0);
    let state = out.state, events = out.events;
    for (;;) {
      const opts = world.options(state);
      if (text) {
        for (const e of events) chars += (e.title ? e.title.length : 0) + (e.text ? e.text.length : 0);
        for (const o of opts) chars += world.label(o, state).length;
      }
      if (state.ending !== null) break;
      const avail = [];
      for (const o of opts) if (o.enabled) avail.push(o);
      const k = avail.length;
      x ^= x << 13; x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5; x >>>= 0;
      const i = x % k;
      h = Math.imul((Math.imul((h ^ k) >>> 0, 16777619) >>> 0 ^ i) >>> 0, 16777619) >>> 0;
      out = world.step(state, avail[i].id);
      state = out.state; events = out.events;
      n++;
    }
    h = Math.imul((h ^ (1000 + (endingIndex.has(state.ending) ? endingIndex.get(state.ending) : 99))) >>> 0, 16777619) >>> 0;
  }
  return { t: Number(process.hrtime.bigint() - t0) / 1e9, n, h, chars };
}

function main() {
  const [file, plays, seed, repeats] = process.argv.slice(2);
  const t0 = process.hrtime.bigint();
  const world = new A.World(fs.readFileSync(file, "utf8"));
  const load = Number(process.hrtime.bigint() - t0) / 1e9;
  const res = { load, plays: +plays };
  for (let w = 0; w < 2; w++) { playOnce(world, +plays, +seed, false); playOnce(world, +plays, +seed, true); }  // warm the JIT
  for (const level of ["engine", "text"]) {
    const times = [];
    let last;
    for (let r = 0; r < +repeats; r++) { last = playOnce(world, +plays, +seed, level === "text"); times.push(last.t); }
    res[level] = { times, choices: last.n, hash: last.h, chars: last.chars };
  }
  process.stdout.write(JSON.stringify(res) + "\n");
}
main();

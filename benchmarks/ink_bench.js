// The Ink side of the benchmark, run by benchmarks/run.py with inkjs installed in benchmarks/.ink.
//
//   node ink_bench.js first STORY.json                      print the opening text and choices, exit
//   node ink_bench.js play STORY.json PLAYS SEED REPEATS    random play, timed in-process; prints JSON
//   node ink_bench.js explore STORY.json BUDGET_S           breadth-first search of (knot, variables)
//
// `play` makes exactly the choices benchmarks/run.py makes on the TOML world: the same xorshift32
// generator picks index r % n among the choices on offer, so if the two worlds are equivalent both
// sides play the very same games, and the trace hashes they print are equal.
"use strict";
const fs = require("fs");
const path = require("path");

// the runtime-only build: what require("inkjs") resolves to
const { Story } = require(path.join(__dirname, ".ink", "node_modules", "inkjs", "dist", "ink.js"));

function load(file) {
  return new Story(fs.readFileSync(file, "utf8").replace(/^\uFEFF/, ""));
}

function first(file) {
  const story = load(file);
  let out = "";
  while (story.canContinue) out += story.Continue();
  story.currentChoices.forEach((c, i) => { out += `${i + 1}: ${c.text}\n`; });
  process.stdout.write(out);
}

function xorshift32(x) {
  x ^= x << 13; x >>>= 0;
  x ^= x >>> 17;
  x ^= x << 5; x >>>= 0;
  return x;
}

function fnv(h, v) {
  return Math.imul((h ^ v) >>> 0, 16777619) >>> 0;
}

const ENDING_TITLES = ["The Counting House", "Too Close to the Fire", "Lamplighter", "Another Tuesday"];

function endingIndex(text) {
  for (let i = 0; i < ENDING_TITLES.length; i++) if (text.includes(`*** ${ENDING_TITLES[i]} ***`)) return i;
  return 99;
}

function play(file, plays, seed, repeats) {
  const story = load(file);
  const times = [];
  let choices = 0, hash = 0, chars = 0;
  for (let rep = 0; rep < repeats; rep++) {
    let x = seed >>> 0 || 1;
    let h = 2166136261, n = 0, nchars = 0;
    const t0 = process.hrtime.bigint();
    for (let p = 0; p < plays; p++) {
      story.ResetState();
      let text = "";
      for (;;) {
        text = "";
        while (story.canContinue) text += story.Continue();
        const cs = story.currentChoices;
        const k = cs.length;
        if (k === 0) break;
        let labels = 0;
        for (let j = 0; j < k; j++) labels += cs[j].text.length;
        nchars += text.length + labels;
        x = xorshift32(x);
        const i = x % k;
        h = fnv(fnv(h, k), i);
        story.ChooseChoiceIndex(i);
        n++;
      }
      nchars += text.length;
      h = fnv(h, 1000 + endingIndex(text));
    }
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
    choices = n; hash = h; chars = nchars;
  }
  process.stdout.write(JSON.stringify({ times, choices, plays, hash, chars }) + "\n");
}

function explore(file, budget) {
  const story = load(file);
  const names = ["lamp", "keyring", "badge", "coins", "heat"];
  // a state is (room, values): the knot the choices on offer come from, and the variables.
  // Ending states (no choices) are not counted, as in explore() and bench_py.py's bfs.
  const keyOf = () => {
    const cs = story.currentChoices;
    if (cs.length === 0) return null;
    return cs[0].sourcePath.split(".")[0] + ":" + names.map((n) => story.variablesState[n]).join(",");
  };
  const t0 = process.hrtime.bigint();
  while (story.canContinue) story.Continue();
  const seen = new Set([keyOf()]);
  let frontier = [story.state.ToJson()];
  let expanded = 0, done = true;
  const mem0 = process.memoryUsage().heapUsed;
  outer:
  while (frontier.length) {
    const next = [];
    for (const json of frontier) {
      if (Number(process.hrtime.bigint() - t0) / 1e9 > budget) { done = false; break outer; }
      story.state.LoadJson(json);
      const k = story.currentChoices.length;
      for (let i = 0; i < k; i++) {
        if (i > 0) story.state.LoadJson(json);
        story.ChooseChoiceIndex(i);
        while (story.canContinue) story.Continue();
        const key = keyOf();
        if (key !== null && !seen.has(key)) {
          seen.add(key);
          next.push(story.state.ToJson());
        }
      }
      expanded++;
    }
    frontier = next;
  }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const heap = process.memoryUsage().heapUsed - mem0;
  process.stdout.write(JSON.stringify({ states: seen.size, expanded, seconds: secs, complete: done, heap_bytes: heap }) + "\n");
}

const [mode, file, ...rest] = process.argv.slice(2);
if (mode === "first") first(file);
else if (mode === "play") play(file, +rest[0], +rest[1], +rest[2]);
else if (mode === "explore") explore(file, +rest[0]);
else { process.stderr.write("usage: node ink_bench.js first|play|explore STORY.json ...\n"); process.exit(2); }

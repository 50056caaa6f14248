// The JavaScript runtime against the Python engine, move by move.
//
//   node tests/web/conformance.mjs WORLD.json TRACES.json [WORLD.json TRACES.json ...]
//
// WORLD.json: adventure.publish.world_json(world); TRACES.json: tests/web/traces.py's output.
// Random games are replayed by making the picks on this side (the same xorshift64* picker as
// `adventure randomtest`), walkthroughs by their recorded moves. After the start and after each
// move the state hash (State.hash) and the view digest (events + options as the player sees
// them, with a greyed choice's reason) must equal Python's. A null move starts the next day: a
// new game from the persistent values the last one left (World.persistentValues, and start's
// `carried`). Prints one JSON line: the counts and the first differences; exits 1 when anything
// differs.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const A = require(path.join(here, "..", "..", "adventure", "publish", "runtime.js"));
const PICK_SALT = 0x5EEDCAFEF00Dn;

function eventList(e) {
  switch (e.type) {
    case "room": return ["room", e.room, e.title, e.text];
    case "reply": return ["reply", e.text];
    case "changed": return ["changed", e.name, e.old, e.new, e.hidden];
    case "ending": return ["ending", e.ending, e.title, e.text];
    case "intro": return ["intro", e.title, e.author, e.text];
    case "rule": return ["rule", e.rule, e.text];
  }
  throw new Error("unknown event " + e.type);
}

function viewDigest(world, state, events) {
  const opts = world.options(state).map(o => o.enabled ? [o.id, world.label(o, state), true]
    : [o.id, world.label(o, state), false, world.reason(o, state)]);
  return A.sha256hex(A.pyjson([events.map(eventList), opts], false)).slice(0, 16);
}

// Play one trace on this side; null when it agrees, else a description of the first difference.
function check(world, t, random, maxMoves, days) {
  let out = world.start(t.seed);
  let state = out.state;
  const cmp = (k, events, cid) => {
    const h = world.hash(state), v = viewDigest(world, state, events);
    if (h !== t.hashes[k]) return { move: k, choice: cid, what: "state hash", python: t.hashes[k], js: h, state: A.pyjson(world.toJSON(state), true) };
    if (v !== t.views[k]) return { move: k, choice: cid, what: "view (events or options)", python: t.views[k], js: v, events: events.map(eventList) };
    return null;
  };
  let d = cmp(0, out.events, null);
  if (d) return d;
  let pick = A.seedState(BigInt(t.seed) ^ PICK_SALT);
  const n = random ? maxMoves : t.moves.length;
  let k = 0, day = 1;
  for (; k < n; k++) {
    let cid = null;
    if (random && state.ending !== null) {
      if (day >= days) break;
    } else if (random) {
      const enabled = world.options(state).filter(o => o.enabled);
      if (!enabled.length) break;
      const [p, r] = A.nextState(pick);
      pick = p;
      cid = enabled[Number(r % BigInt(enabled.length))].id;
      if (cid !== t.moves[k]) return { move: k + 1, what: "pick", python: t.moves[k], js: cid };
    } else {
      cid = t.moves[k];
    }
    try {
      if (cid === null) {
        day++;
        out = world.start(t.seed, world.persistentValues(state));
      } else {
        out = world.step(state, cid);
      }
    } catch (e) {
      return { move: k + 1, choice: cid, what: "step raised", js: String(e) };
    }
    state = out.state;
    d = cmp(k + 1, out.events, cid);
    if (d) return d;
  }
  if (k !== t.moves.length) return { move: k, what: "game length", python: t.moves.length, js: k };
  return null;
}

const args = process.argv.slice(2);
const report = { worlds: [], games: 0, walkthroughs: 0, moves: 0, differing_games: 0, first_differences: [], ms: 0 };
const t0 = process.hrtime.bigint();
for (let a = 0; a + 1 < args.length; a += 2) {
  const world = new A.World(readFileSync(args[a], "utf8"));
  const tr = JSON.parse(readFileSync(args[a + 1], "utf8"));
  report.worlds.push(world.id);
  for (const [list, random] of [[tr.random, true], [tr.walkthroughs, false]]) {
    for (const t of list) {
      const d = check(world, t, random, tr.max_moves, tr.days || 1);
      if (random) report.games++; else report.walkthroughs++;
      report.moves += t.moves.length;
      if (d) {
        report.differing_games++;
        if (report.first_differences.length < 5) report.first_differences.push({ world: world.id, seed: t.seed, name: t.name, ...d });
      }
    }
  }
}
report.ms = Number(process.hrtime.bigint() - t0) / 1e6;
process.stdout.write(JSON.stringify(report) + "\n");
process.exit(report.differing_games ? 1 : 0);

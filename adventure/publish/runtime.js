// adventure's engine in JavaScript: plays a world exported by adventure/publish/export.py with
// exactly the semantics of the Python engine (adventure/core: engine.py, expr.py, rng.py, model.py,
// steps.py, variation.py, text.py).
// Pure: no DOM, no I/O, no clock. Works in browsers (window.Adventure) and node (module.exports).
//
// Integers: a counter's value is a Number while it is a safe integer (|n| <= 2^53 - 1) and a
// BigInt beyond, never both for one value, so === compares them exactly. Arithmetic takes the
// Number path and falls back to BigInt only when a result leaves the safe range; results
// saturate at +-(2^63 - 1) as in expr.py. The PRNG state is always a BigInt (xorshift64*).
"use strict";
(function (root) {
  const SAFE = 9007199254740991;
  const SAFE_N = 9007199254740991n;
  const INT_MAX = (1n << 63n) - 1n;
  const INT_MIN = -INT_MAX;
  const MASK = (1n << 64n) - 1n;

  // ------------------------------------------------------------------ integers
  function norm(b) { return b >= -SAFE_N && b <= SAFE_N ? Number(b) : b; }
  function big(x) { return typeof x === "bigint" ? x : BigInt(x); }
  function sat(b) { return b > INT_MAX ? INT_MAX : b < INT_MIN ? INT_MIN : b; }
  function num(v) { return typeof v === "string" ? norm(BigInt(v)) : v; }  // an int from the JSON

  function add(a, b) {
    if (typeof a === "number" && typeof b === "number") {
      const r = a + b;
      if (r <= SAFE && r >= -SAFE) return r;
    }
    return norm(sat(big(a) + big(b)));
  }
  function sub(a, b) {
    if (typeof a === "number" && typeof b === "number") {
      const r = a - b;
      if (r <= SAFE && r >= -SAFE) return r;
    }
    return norm(sat(big(a) - big(b)));
  }
  function mul(a, b) {
    if (typeof a === "number" && typeof b === "number") {
      const r = a * b;
      if (r <= SAFE && r >= -SAFE) return r + 0;  // + 0: no -0
    }
    return norm(sat(big(a) * big(b)));
  }
  // Python's // and %: the quotient rounds down, the remainder takes the divisor's sign; by 0: 0.
  // Not saturated (as in expr.py: only bounds outside the 64-bit range can make it overflow).
  function div(a, b) {
    if (b === 0) return 0;
    if (typeof a === "number" && typeof b === "number") {
      const r = a % b;  // exact for integers
      let q = (a - r) / b;  // exact: a - r is a multiple of b
      if (r !== 0 && (r < 0) !== (b < 0)) q -= 1;
      return q + 0;
    }
    const A = big(a), B = big(b);
    let q = A / B;
    const r = A % B;
    if (r !== 0n && (r < 0n) !== (B < 0n)) q -= 1n;
    return norm(q);
  }
  function mod(a, b) {
    if (b === 0) return 0;
    if (typeof a === "number" && typeof b === "number") {
      let r = a % b;
      if (r !== 0 && (r < 0) !== (b < 0)) r += b;
      return r + 0;
    }
    const A = big(a), B = big(b);
    let r = A % B;
    if (r !== 0n && (r < 0n) !== (B < 0n)) r += B;
    return norm(r);
  }
  function neg(a) { return typeof a === "number" ? (a === 0 ? 0 : -a) : norm(sat(-a)); }
  function abs(a) { return typeof a === "number" ? Math.abs(a) : norm(sat(a < 0n ? -a : a)); }
  function addRaw(a, b) {  // unsaturated, for `x += k` within bounds (expr.compile_effect)
    if (typeof a === "number" && typeof b === "number") {
      const r = a + b;
      if (r <= SAFE && r >= -SAFE) return r;
    }
    return norm(big(a) + big(b));
  }

  // ------------------------------------------------------------------ the PRNG (rng.py)
  function seedState(seed) {
    let z = BigInt.asUintN(64, big(seed) * 0x9E3779B97F4A7C15n + 0x632BE59BD9B4E019n);
    z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xBF58476D1CE4E5B9n);
    z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94D049BB133111EBn);
    z ^= z >> 31n;
    return z === 0n ? 0x9E3779B97F4A7C15n : z;
  }
  function nextState(x) {  // [new state, 64-bit output]
    x ^= x >> 12n;
    x ^= (x << 25n) & MASK;
    x ^= x >> 27n;
    return [x, (x * 0x2545F4914F6CDD1Dn) & MASK];
  }
  function roll(s, lo, hi) {  // a whole number in [lo, hi] (either order); advances s.rng
    let L = big(lo), H = big(hi);
    if (L > H) { const t = L; L = H; H = t; }
    const [x, out] = nextState(s.rng);
    s.rng = x;
    return norm(L + out % (H - L + 1n));
  }

  // ------------------------------------------------------------------ expressions (expr.py)
  const CMP = {
    "==": (a, b) => s => a(s) === b(s), "!=": (a, b) => s => a(s) !== b(s),
    "<": (a, b) => s => a(s) < b(s), "<=": (a, b) => s => a(s) <= b(s),
    ">": (a, b) => s => a(s) > b(s), ">=": (a, b) => s => a(s) >= b(s),
  };
  const ARITH = { "+": add, "-": sub, "*": mul, "/": div, "%": mod };

  // A tree from the JSON into a closure of a state (s.v values, s.visits, s.turn, s.rng).
  function compile(n) {
    const op = n[0];
    switch (op) {
      case "lit": { const c = num(n[1]); return () => c; }
      case "var": { const i = n[1]; return s => s.v[i]; }
      case "visits": { const i = n[1]; return s => s.visits[i]; }
      case "turn": return s => s.turn;
      case "not": { const a = compile(n[1]); return s => !a(s); }
      case "neg": { const a = compile(n[1]); return s => neg(a(s)); }
      case "and": { const a = compile(n[1]), b = compile(n[2]); return s => a(s) && b(s); }
      case "or": { const a = compile(n[1]), b = compile(n[2]); return s => a(s) || b(s); }
      case "call": {
        const name = n[1], a = compile(n[2]);
        if (name === "abs") return s => abs(a(s));
        const b = compile(n[3]);
        if (name === "min") return s => { const x = a(s), y = b(s); return y < x ? y : x; };
        if (name === "max") return s => { const x = a(s), y = b(s); return y > x ? y : x; };
        if (name === "random") return s => { const x = a(s), y = b(s); return roll(s, x, y); };
        throw new Error("unknown function " + name);
      }
    }
    const a = compile(n[1]), b = compile(n[2]);
    if (CMP[op]) {
      // the commonest shape, `counter OP literal`, without the inner calls
      if (n[1][0] === "var" && n[2][0] === "lit") {
        const i = n[1][1], c = num(n[2][1]);
        switch (op) {
          case "==": return s => s.v[i] === c;
          case "!=": return s => s.v[i] !== c;
          case "<": return s => s.v[i] < c;
          case "<=": return s => s.v[i] <= c;
          case ">": return s => s.v[i] > c;
          case ">=": return s => s.v[i] >= c;
        }
      }
      return CMP[op](a, b);
    }
    const f = ARITH[op];
    if (!f) throw new Error("unknown operator " + op);
    return s => f(a(s), b(s));
  }

  // An effect into a function that updates s.v in place, clamping to the bounds: the same
  // branches as expr.compile_effect, which differ when bounds lie outside the 64-bit range.
  function compileEffect(e, vars) {
    const i = e[0], op = e[1], val = e[2];
    const type = vars[i].type, lo = vars[i].lo, hi = vars[i].hi;
    if (val[0] === "lit" && (type === "bool" || op === "=")) {
      let c = num(val[1]);
      if (type === "int") {
        if (lo !== null && c < lo) c = lo;
        if (hi !== null && c > hi) c = hi;
      }
      return s => { s.v[i] = c; };
    }
    if (val[0] === "lit" && lo !== null && hi !== null) {
      const k = op === "+=" ? num(val[1]) : sub(0, num(val[1]));
      return s => { const x = addRaw(s.v[i], k); s.v[i] = x < lo ? lo : x > hi ? hi : x; };
    }
    const f = compile(val);
    let calc;
    if (op === "=") {
      if (type === "bool") return s => { s.v[i] = f(s); };
      calc = f;
    } else if (op === "+=") {
      calc = s => { const x = s.v[i]; return add(x, f(s)); };
    } else {
      calc = s => { const x = s.v[i]; return sub(x, f(s)); };
    }
    if (lo === null && hi === null) return s => { s.v[i] = calc(s); };
    const L = lo === null ? INT_MIN : lo, H = hi === null ? INT_MAX : hi;
    return s => { const x = calc(s); s.v[i] = x < L ? L : x > H ? H : x; };
  }

  // A shuffled text's pick (rng.pick): one of n from the generator state, the piece's place and
  // its count, without advancing the generator, so showing the same state shows the same words.
  function pick(x, key, count, n) {
    return Number(seedState(BigInt.asUintN(64, x ^ (BigInt(key) << 32n) ^ BigInt(count))) % BigInt(n));
  }

  // ------------------------------------------------------------------ steps (steps.py)
  // A list of steps into functions of the state being made: effects, and { if, do, else }
  // branches whose condition reads the values as they are when the branch is reached.
  function compileSteps(list, vars) {
    return list.map(st => {
      if (Array.isArray(st)) return compileEffect(st, vars);
      const test = compile(st.if), then = compileSteps(st.do, vars), other = compileSteps(st.else, vars);
      return s => { for (const f of (test(s) ? then : other)) f(s); };
    });
  }

  // ------------------------------------------------------------------ text (text.py, variation.py)
  function fmt(v) { return v === true ? "true" : v === false ? "false" : String(v); }

  // text._tidy: a piece that shows nothing leaves the spaces around it; one stays. `\S` is
  // Python's: not str.isspace() (JavaScript's \s differs: it has U+FEFF and lacks U+001C-U+001F).
  const WS = "\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
  const SPACES = new RegExp("(?<=[^" + WS + "])[ \\t]{2,}|[ \\t]+(?=\\n|$)", "g");
  function tidy(s) {
    return s.replace(SPACES, (m, off) => { const e = off + m.length; return e < s.length && s[e] !== "\n" ? " " : ""; });
  }

  // A TEXT from the JSON into a function (env, count) -> string: env is the state (what values,
  // conditions, {turn} and {visits.x} read), count what picks among alternatives (State.seen).
  function compileText(t, vars) {
    if (t === null || t === undefined) return null;
    if (typeof t === "string") return () => t;
    let dynamic = false;  // as Template.dynamic: a part besides words and value slots
    const parts = t.map(p => {
      if (typeof p === "string") return () => p;
      if (typeof p === "number") return env => fmt(env.v[p]);
      dynamic = true;
      switch (p[0]) {
        case "name": { const names = vars[p[1]].values, i = p[1]; return env => names[env.v[i]]; }
        case "turn": return env => String(env.turn);
        case "visits": { const slot = p[1]; return env => String(env.visits[slot]); }
        case "if": {
          const test = compile(p[1]), then = compileText(p[2], vars), other = compileText(p[3], vars);
          return (env, count) => (test(env) ? then : other)(env, count);
        }
        case "alt": {
          const kind = p[1], key = p[2], alts = p[3].map(a => compileText(a, vars)), n = alts.length;
          return (env, count) => {
            let i;
            if (kind === "sequence") i = count < n ? count : n - 1;
            else if (kind === "cycle") i = count % n;
            else if (kind === "once") i = count < n ? count : -1;
            else i = pick(env.rng, key, count, n);
            return i < 0 ? "" : alts[i](env, count);
          };
        }
      }
      throw new Error("unknown text part " + p[0]);
    });
    return (env, count) => {
      let out = "";
      for (let k = 0; k < parts.length; k++) out += parts[k](env, count);
      return dynamic ? tidy(out) : out;
    };
  }
  // Paragraphs as text.paragraphs splits them: at blank lines; single newlines become spaces.
  function paragraphs(s) {
    const out = [];
    for (const block of s.trim().split(/\n\s*\n/)) {
      const lines = block.split(/\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/).map(l => l.trim()).filter(l => l);
      if (lines.length) out.push(lines.join(" "));
    }
    return out;
  }

  // ------------------------------------------------------------------ the world and the engine
  const MAX_CALLS = 8;  // model.MAX_CALLS: rooms the return stack holds

  class World {
    constructor(doc) {
      if (typeof doc === "string") doc = JSON.parse(doc);
      if (!doc || doc.format !== "adventure-web" || doc.version !== 2) throw new Error("not an adventure-web world (format 2)");
      this.doc = doc;
      this.id = doc.id; this.title = doc.title; this.author = doc.author;
      this.contentHash = doc.content_hash; this.ifid = doc.ifid;
      this.vars = doc.vars.map(([name, type, dflt, lo, hi, hidden, values, persist]) =>
        ({ name, type, default: num(dflt), lo: lo === null ? null : num(lo), hi: hi === null ? null : num(hi),
          hidden, values, persist }));
      const V = this.vars;
      this.defaults = V.map(v => v.default);
      this.tracked = doc.tracked;
      this.seenSlots = doc.seen;
      this.intro = compileText(doc.intro, V);
      this.startRoom = doc.start;
      this.endings = doc.endings.map(e => ({
        id: e.id, title: e.title, text: compileText(e.text, V), secret: e.secret, byName: e.by_name,
        test: e.when === null ? null : compile(e.when),
      }));
      // the endings `end = true` can pick: all but the by-name ones (World.resolvable)
      this.resolvable = this.endings.filter(e => !e.byName);
      this.endingById = new Map();
      for (const e of this.endings) if (!this.endingById.has(e.id)) this.endingById.set(e.id, e);
      const dest = d => ({ go: d.go, end: d.end });
      this.rules = doc.rules.map(r => ({
        id: r.id, key: "rule:" + r.id, test: compile(r.when), run: compileSteps(r.do, V),
        text: compileText(r.text, V), once: r.once, seen: r.seen, ...dest(r),
      }));
      const stepCache = new Map();  // choices with the same steps share their closures
      this.rooms = doc.rooms.map((r, index) => {
        const room = {
          id: r.id, index, title: r.title, text: compileText(r.text, V), vslot: r.vslot, seen: r.seen,
          textIf: r.text_if.map(([c, t]) => ({ test: compile(c), text: compileText(t, V) })),
          enter: compileSteps(r.enter, V), choices: [], byId: new Map(),
        };
        for (const c of r.choices) {
          const skey = JSON.stringify(c.do);
          let run = stepCache.get(skey);
          if (!run) { run = compileSteps(c.do, V); stepCache.set(skey, run); }
          let test = c.if === null ? null : compile(c.if);
          // a back is offered only with a room to go back to, a call only with room on the stack
          // (the loader folds these into the choice's test: rooms.RoomReader.choice)
          if (c.back) { const t = test; test = t === null ? s => s.stack.length > 0 : s => s.stack.length > 0 && t(s); }
          if (c.call) { const t = test; test = t === null ? s => s.stack.length < MAX_CALLS : s => s.stack.length < MAX_CALLS && t(s); }
          const ch = {
            id: c.id, key: r.id + "." + c.id, say: compileText(c.say, V), label: typeof c.say === "string" ? c.say : null,
            test, grey: c.grey, once: c.once, run, reply: compileText(c.reply, V), why: compileText(c.why, V),
            go: c.go, end: c.end, next: c.next.map(n => ({ test: n.if === null ? null : compile(n.if), ...dest(n) })),
            call: c.call, back: c.back, seen: c.seen,
          };
          ch.on = { choice: ch, id: ch.id, enabled: true };
          ch.off = c.grey ? { choice: ch, id: ch.id, enabled: false } : null;
          room.choices.push(ch);
          room.byId.set(ch.id, ch);
        }
        return room;
      });
    }

    ending(id) {
      const e = this.endingById.get(id);
      if (!e) throw new Error("no ending " + id);
      return e;
    }

    // engine._room_text: the n-th entry into a room shows its texts' n-th alternatives
    roomText(room, env) {
      const n = room.seen >= 0 ? env.seen[room.seen] - 1 : 0;
      let text = room.text(env, n);
      for (const t of room.textIf) {
        if (t.test(env)) {
          const more = t.text(env, n);
          if (more) text = text ? text + "\n\n" + more : more;
        }
      }
      return text;
    }

    // engine.carried_values: the defaults, with the persistent values in `carried` (name ->
    // value) that fit their declaration; anything else is ignored. A number too big for a
    // JavaScript number may come as its decimal string (as the page stores it).
    carriedValues(carried) {
      const values = this.defaults.slice();
      if (!carried || typeof carried !== "object") return values;
      this.vars.forEach((v, i) => {
        if (!v.persist || !Object.prototype.hasOwnProperty.call(carried, v.name)) return;
        let x = carried[v.name];
        if (v.type === "bool") { if (typeof x === "boolean") values[i] = x; return; }
        if (typeof x === "string" && /^-?[0-9]{1,20}$/.test(x)) x = norm(BigInt(x));
        else if (typeof x === "bigint") x = norm(x);
        else if (!Number.isSafeInteger(x)) return;
        if ((v.lo === null || x >= v.lo) && (v.hi === null || x <= v.hi)) values[i] = x;
      });
      return values;
    }

    // engine.persistent_values: what a game leaves to the next one, by name
    persistentValues(state) {
      const out = {};
      this.vars.forEach((v, i) => { if (v.persist) out[v.name] = state.v[i]; });
      return out;
    }

    // A new game: { state, events }. States are never changed once handed out. `carried`: the
    // persistent values the last game left (see carriedValues).
    start(seed = 0, carried = null) {
      const visits = new Array(this.tracked).fill(0);
      const room = this.rooms[this.startRoom];
      if (room.vslot >= 0) visits[room.vslot] = 1;
      const seen = new Array(this.seenSlots).fill(0);
      if (room.seen >= 0) seen[room.seen] = 1;
      const v = carried ? this.carriedValues(carried) : this.defaults.slice();
      const state = { room: this.startRoom, v, visits, used: EMPTY, turn: 0, rng: seedState(seed), ending: null, stack: [], seen };
      for (const f of room.enter) f(state);
      const events = [];
      if (this.intro !== null || this.title) {
        events.push({ type: "intro", title: this.title, author: this.author, text: this.intro ? this.intro(state, 0) : "" });
      }
      events.push(...this.describe(state));
      return { state, events };
    }

    describe(state) {
      if (state.ending !== null) {
        const e = this.ending(state.ending);
        return [{ type: "ending", ending: e.id, title: e.title, text: e.text(state, 0) }];
      }
      const room = this.rooms[state.room];
      return [{ type: "room", room: room.id, title: room.title, text: this.roomText(room, state) }];
    }

    // The choices to show: { choice, id, enabled } entries (shared: read-only), in order.
    options(state) {
      if (state.ending !== null) return [];
      const out = [];
      const used = state.used;
      for (const c of this.rooms[state.room].choices) {
        if (c.once && used.has(c.key)) continue;
        if (c.test === null || c.test(state)) out.push(c.on);
        else if (c.off !== null) out.push(c.off);
      }
      return out;
    }

    // engine.label: a choice's words now (its count: the times it was taken so far)
    label(option, state) {
      const c = option.choice;
      return c.label !== null ? c.label : c.say(state, c.seen >= 0 ? state.seen[c.seen] : 0);
    }

    // engine.reason: why a choice is not available now, or null when the world does not say
    reason(option, state) {
      const c = option.choice;
      if (c.back && !state.stack.length) return "there is nowhere to go back to";
      if (c.call && state.stack.length >= MAX_CALLS) return "you are already " + MAX_CALLS + " scenes deep";
      return c.why === null ? null : c.why(state, c.seen >= 0 ? state.seen[c.seen] : 0);
    }

    resolveEnding(env) {
      for (const e of this.resolvable) if (e.test === null || e.test(env)) return e.id;
      const r = this.resolvable.length ? this.resolvable : this.endings;
      return r[r.length - 1].id;
    }

    // engine._enter: the visit and the count go up, then the room's `enter` steps run
    enter(ns, index) {
      const room = this.rooms[index];
      ns.room = index;
      if (room.vslot >= 0) ns.visits[room.vslot] += 1;
      if (room.seen >= 0) ns.seen[room.seen] += 1;
      for (const f of room.enter) f(ns);
    }

    // Take a choice by id: { state, events }. Throws an Error if it is not available. The order
    // of a move is engine._move's (its comment lists it); a plain world's short path in Python
    // gives the same results, so one path serves both here.
    step(state, choiceId) {
      if (state.ending !== null) throw new Error("the game is over (ending " + state.ending + ")");
      const room = this.rooms[state.room];
      const c = room.byId.get(choiceId);
      if (c === undefined) throw new Error("no choice " + choiceId + " in room " + room.id);
      if (c.once && state.used.has(c.key)) throw new Error("choice " + choiceId + " has already been taken");
      if (c.test !== null && !c.test(state)) throw new Error("choice " + choiceId + " is not available now");
      const events = [];
      const old = state.v;
      let used = state.used;
      if (c.once) { used = new Set(used); used.add(c.key); }
      // the new state, made by the move: the values as they change, the visits and turn from before
      const ns = { room: state.room, v: old.slice(), visits: state.visits.slice(), used, turn: state.turn,
        rng: state.rng, ending: null, stack: state.stack, seen: state.seen.slice() };
      for (const f of c.run) f(ns);
      ns.turn += 1;
      if (c.seen >= 0) ns.seen[c.seen] += 1;
      let reply = null;
      if (c.reply !== null) reply = { type: "reply", text: c.reply(ns, c.seen >= 0 ? ns.seen[c.seen] - 1 : 0) };

      // where the choice leads
      let ending = c.end, go = null, entered = false;
      if (ending === null) {
        if (c.next.length) {
          for (const n of c.next) if (n.test === null || n.test(ns)) { ending = n.end; go = n.go; break; }
        } else if (c.back) {
          go = state.stack[state.stack.length - 1];
          ns.stack = state.stack.slice(0, -1);
        } else if (c.go !== null) {
          go = c.go;
          if (c.call) ns.stack = state.stack.concat([state.room]);
        }
      }
      if (ending === null && go !== null) { this.enter(ns, go); entered = true; }

      // the world's rules, in order, each at most once a move
      const said = [];
      if (ending === null) {
        for (const r of this.rules) {
          if (r.once && ns.used.has(r.key)) continue;
          if (!r.test(ns)) continue;
          if (r.once) { ns.used = new Set(ns.used); ns.used.add(r.key); }
          for (const f of r.run) f(ns);
          if (r.seen >= 0) ns.seen[r.seen] += 1;
          if (r.text !== null) {
            const text = r.text(ns, r.seen >= 0 ? ns.seen[r.seen] - 1 : 0);
            if (text) said.push({ type: "rule", rule: r.id, text });
          }
          if (r.end !== null) { ending = r.end; break; }
          if (r.go !== null) { this.enter(ns, r.go); entered = true; }
        }
      }
      if (ending === true) ending = this.resolveEnding(ns);

      // the events: the reply, what changed over the whole move, what the rules said, then where
      if (reply !== null) events.push(reply);
      const values = ns.v;
      this.vars.forEach((v, i) => {
        if (values[i] === old[i]) return;
        const names = v.values.length ? v.values : null;
        events.push({ type: "changed", name: v.name, old: names ? names[old[i]] : old[i],
          new: names ? names[values[i]] : values[i], hidden: v.hidden });
      });
      events.push(...said);
      if (ending !== null) {
        ns.ending = ending;
        const e = this.ending(ending);
        events.push({ type: "ending", ending: e.id, title: e.title, text: e.text(ns, 0) });
      } else if (entered) {
        const target = this.rooms[ns.room];
        events.push({ type: "room", room: target.id, title: target.title, text: this.roomText(target, ns) });
      }
      return { state: ns, events };
    }

    // Every state from the start with `seed` (and `carried`) through `moves` (choice ids).
    replay(seed, moves, carried = null) {
      const states = [this.start(seed, carried).state];
      for (let k = 0; k < moves.length; k++) states.push(this.step(states[states.length - 1], moves[k]).state);
      return states;
    }

    // State.to_json and State.hash of model.py: the same bytes, the same sha256. The stack and
    // the counts are left out when empty, as there.
    toJSON(state) {
      const out = { room: this.rooms[state.room].id, values: state.v, visits: state.visits,
        used: Array.from(state.used).sort(), turn: state.turn, rng: state.rng, ending: state.ending };
      if (state.stack.length) out.stack = state.stack.map(i => this.rooms[i].id);
      if (state.seen.length) out.seen = state.seen;
      return out;
    }
    hash(state) { return sha256hex(pyjson(this.toJSON(state), true)).slice(0, 16); }
  }
  const EMPTY = new Set();

  // ------------------------------------------------------------------ canonical JSON and sha256
  // json.dumps(x, separators=(",", ":"), sort_keys=True) with Python's default ensure_ascii
  function pystr(s) {
    let out = "\"";
    for (let k = 0; k < s.length; k++) {
      const c = s.charCodeAt(k);
      if (c === 34) out += "\\\"";
      else if (c === 92) out += "\\\\";
      else if (c >= 32 && c < 127) out += s[k];
      else if (c === 10) out += "\\n";
      else if (c === 13) out += "\\r";
      else if (c === 9) out += "\\t";
      else if (c === 8) out += "\\b";
      else if (c === 12) out += "\\f";
      else out += "\\u" + c.toString(16).padStart(4, "0");
    }
    return out + "\"";
  }
  function pyjson(x, sortKeys) {
    if (x === null || x === undefined) return "null";
    if (x === true) return "true";
    if (x === false) return "false";
    if (typeof x === "number" || typeof x === "bigint") return String(x);
    if (typeof x === "string") return pystr(x);
    if (Array.isArray(x)) return "[" + x.map(y => pyjson(y, sortKeys)).join(",") + "]";
    const keys = Object.keys(x);
    if (sortKeys) keys.sort();
    return "{" + keys.map(k => pystr(k) + ":" + pyjson(x[k], sortKeys)).join(",") + "}";
  }

  const K = new Uint32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2]);
  function utf8(s) {
    if (typeof TextEncoder !== "undefined") return new TextEncoder().encode(s);
    const b = unescape(encodeURIComponent(s)), out = new Uint8Array(b.length);
    for (let k = 0; k < b.length; k++) out[k] = b.charCodeAt(k);
    return out;
  }
  // sha256 of a string's UTF-8 bytes, as hex (FIPS 180-4), synchronous so the page can use it
  function sha256hex(str) {
    const msg = utf8(str), n = msg.length;
    const blocks = ((n + 9 + 63) >> 6) << 6;
    const buf = new Uint8Array(blocks);
    buf.set(msg);
    buf[n] = 0x80;
    const dv = new DataView(buf.buffer);
    dv.setUint32(blocks - 8, Math.floor(n / 0x20000000));
    dv.setUint32(blocks - 4, (n << 3) >>> 0);
    const H = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
    const W = new Uint32Array(64);
    for (let off = 0; off < blocks; off += 64) {
      for (let t = 0; t < 16; t++) W[t] = dv.getUint32(off + 4 * t);
      for (let t = 16; t < 64; t++) {
        const x = W[t - 15], y = W[t - 2];
        const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
        const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
        W[t] = (W[t - 16] + s0 + W[t - 7] + s1) | 0;
      }
      let a = H[0], b = H[1], c = H[2], d = H[3], e = H[4], f = H[5], g = H[6], h = H[7];
      for (let t = 0; t < 64; t++) {
        const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
        const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[t] + W[t]) | 0;
        const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
        const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
        h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      H[0] += a; H[1] += b; H[2] += c; H[3] += d; H[4] += e; H[5] += f; H[6] += g; H[7] += h;
    }
    let hex = "";
    for (let k = 0; k < 8; k++) hex += H[k].toString(16).padStart(8, "0");
    return hex;
  }

  const api = { World, seedState, nextState, roll, pick, tidy, pyjson, sha256hex, paragraphs, fmt,
    _int: { add, sub, mul, div, mod, neg, abs, norm } };
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.Adventure = api;
})(typeof globalThis !== "undefined" ? globalThis : this);

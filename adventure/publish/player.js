// adventure's web player: the page around runtime.js. World text is only ever inserted as text
// (textContent / text nodes), never parsed as markup.
"use strict";
(function () {
  const A = window.Adventure;
  const $ = id => document.getElementById(id);
  const SEED = 0;  // as `adventure play` without --seed
  const SLOTS = 3;
  const els = {
    story: $("story"), cover: $("cover"), choices: $("choices"), notice: $("notice"), live: $("live"),
    panel: $("panel"), panelTitle: $("panel-title"), panelBody: $("panel-body"),
    undo: $("btn-undo"), restart: $("btn-restart"), saves: $("btn-saves"), endings: $("btn-endings"),
    forget: $("btn-forget"),
  };

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  let world;
  try {
    world = new A.World(JSON.parse($("world-data").textContent));
  } catch (e) {
    els.notice.textContent = "This story could not be read: " + e.message;
    els.notice.classList.add("error");
    return;
  }
  const doc = world.doc;

  // ---------------------------------------------------------------- storage, per world
  // Keyed by the world's IFID when it declares one, else by its id: two worlds never share keys.
  const KEY = "adventure/" + (doc.ifid ? "ifid/" + doc.ifid : "id/" + doc.id) + "/";
  const store = {
    get(k) { try { const s = localStorage.getItem(KEY + k); return s === null ? null : JSON.parse(s); } catch (e) { return null; } },
    set(k, v) { try { localStorage.setItem(KEY + k, typeof v === "string" ? v : JSON.stringify(v)); return true; } catch (e) { return false; } },
    del(k) { try { localStorage.removeItem(KEY + k); } catch (e) { /* storage off: nothing kept */ } },
  };

  // ---------------------------------------------------------------- what outlives a game
  // The world's persistent values (`persist = true`) as the last game left them, by name: a new
  // game starts from them, as `adventure play` starts from its store. Numbers beyond
  // JavaScript's safe integers are kept as decimal strings (World.carriedValues reads them).
  const PERSIST = world.vars.some(v => v.persist);
  function memory() { const m = PERSIST ? store.get("persist") : null; return m && typeof m === "object" ? m : null; }
  function remember(state) {
    if (!PERSIST) return;
    const vals = world.persistentValues(state), out = {};
    for (const k of Object.keys(vals)) out[k] = typeof vals[k] === "bigint" ? String(vals[k]) : vals[k];
    const s = JSON.stringify(out);
    if (s !== JSON.stringify(memory())) store.set("persist", s);
  }

  // ---------------------------------------------------------------- the game
  // states[k] is the state after k moves; log[k] the choice id of move k + 1; labels[k] its label;
  // carried: the persistent values it started from (so that undo, saves and reloads replay it)
  let game = null;
  let before = null;  // the game a restart replaced, so that Undo can bring it back

  function current() { return game.states[game.states.length - 1]; }

  function fresh(seed, carried) {
    const out = world.start(seed, carried);
    return { game: { seed, carried, log: [], labels: [], states: [out.state] }, events: out.events };
  }

  // The document a save holds: Game.get_state's format, so the Python side can read it too.
  function saveDoc() {
    const s = current();
    const room = world.rooms[s.room];
    const where = s.ending !== null ? world.ending(s.ending).title : room.title;
    return "{" + [
      "\"format\":\"adventure-state\"", "\"version\":2",
      "\"world\":" + A.pyjson({ id: doc.id, hash: doc.content_hash }),
      "\"seed\":" + A.pyjson(game.seed), "\"carried\":" + A.pyjson(game.carried), "\"log\":" + A.pyjson(game.log), "\"labels\":" + A.pyjson(game.labels),
      "\"state\":" + A.pyjson(world.toJSON(s)), "\"state_hash\":" + A.pyjson(world.hash(s)),
      "\"saved_at\":" + A.pyjson(new Date().toISOString()), "\"where\":" + A.pyjson(where),
    ].join(",") + "}";
  }

  // A save back into a game; throws with a reason the player can read when it does not fit.
  function fromDoc(d) {
    if (!d || typeof d !== "object" || !Array.isArray(d.log) || typeof d.state_hash !== "string") throw new Error("this save is damaged");
    if (!d.world || d.world.id !== doc.id) throw new Error("this save belongs to another story");
    const seed = typeof d.seed === "number" ? d.seed : 0;
    const carried = d.carried && typeof d.carried === "object" ? d.carried : null;
    let states;
    try { states = world.replay(seed, d.log, carried); } catch (e) { throw new Error("this save was made with another version of the story"); }
    if (world.hash(states[states.length - 1]) !== d.state_hash) throw new Error("this save was made with another version of the story");
    const labels = Array.isArray(d.labels) && d.labels.length === d.log.length ? d.labels.map(String) : d.log.map(String);
    return { seed, carried, log: d.log.slice(), labels, states };
  }

  // after every change of the game in play: its place, and what it would leave to the next game
  function autosave() { store.set("autosave", saveDoc()); remember(current()); }

  function gallery() { const g = store.get("endings"); return g && typeof g === "object" ? g : {}; }
  function recordEnding(id) {
    const g = gallery();
    if (g[id]) return false;
    g[id] = new Date().toISOString().slice(0, 10);
    store.set("endings", g);
    return true;
  }

  // ---------------------------------------------------------------- showing
  function paragraphs(parent, text, cls) {
    for (const p of A.paragraphs(text)) parent.appendChild(el("p", cls, p));
  }

  function changeText(c) {
    if (typeof c.new === "string") return c.name + ": " + c.new;  // an enum's value, by name
    if (typeof c.new === "boolean") return c.name + ": " + (c.new ? "true" : "false");
    const d = BigInt(c.new) - BigInt(c.old);
    return d > 0n ? c.name + " +" + d : c.name + " -" + (-d);
  }

  // The passage for a list of engine events; `chosen` the label of the choice just taken.
  function passage(events, chosen, newEnding) {
    const art = el("article", "passage fresh");
    if (chosen) art.appendChild(el("p", "chosen", chosen));
    let changes = [];
    const flush = () => {
      if (changes.length) art.appendChild(el("p", "changes", "(" + changes.map(changeText).join(", ") + ")"));
      changes = [];
    };
    let heading = null;
    for (const ev of events) {
      if (ev.type === "intro") {
        const div = el("div", "intro");
        paragraphs(div, ev.text);
        art.appendChild(div);
      } else if (ev.type === "reply" || ev.type === "rule") {
        paragraphs(art, ev.text, "reply");  // a rule that fires speaks as a reply does
      } else if (ev.type === "changed") {
        if (!ev.hidden) changes.push(ev);
      } else if (ev.type === "room") {
        flush();
        heading = el("h2", null, ev.title);
        art.appendChild(heading);
        paragraphs(art, ev.text);
      } else if (ev.type === "ending") {
        flush();
        art.appendChild(el("p", "ending-mark", "\u2042"));
        heading = el("h2", "ending-title", ev.title);
        art.appendChild(heading);
        paragraphs(art, ev.text);
        const g = gallery();
        const found = world.endings.filter(e => g[e.id]).length;
        art.appendChild(el("p", "ending-note", (newEnding ? "A new ending for your collection. " : "An ending you had found before. ") +
          found + " of " + world.endings.length + " endings found."));
      }
    }
    flush();
    if (heading) heading.tabIndex = -1;
    return { art, heading };
  }

  function showChoices() {
    const box = els.choices;
    box.textContent = "";
    const s = current();
    if (s.ending !== null) {
      box.appendChild(el("p", "visually-hidden", "The end."));
      const after = el("div", "after");
      const again = el("button", null, "Play again");
      again.type = "button";
      again.addEventListener("click", restart);
      const back = el("button", null, "Undo the last choice");
      back.type = "button";
      back.addEventListener("click", undo);
      const gal = el("button", null, "See your endings");
      gal.type = "button";
      gal.addEventListener("click", showEndings);
      after.append(again, back, gal);
      box.appendChild(after);
      return;
    }
    const ol = el("ol");
    world.options(s).forEach((o, k) => {
      const li = el("li");
      const b = el("button", "choice");
      b.type = "button";
      b.dataset.id = o.id;
      b.appendChild(el("span", "n", String(k + 1))).setAttribute("aria-hidden", "true");
      b.appendChild(el("span", "label", world.label(o, s)));
      if (k < 9) b.setAttribute("aria-keyshortcuts", String(k + 1));
      if (!o.enabled) {
        b.disabled = true;
        b.appendChild(el("span", "why", world.reason(o, s) || "not available"));
      } else {
        b.addEventListener("click", () => choose(o.id, b));
      }
      li.appendChild(b);
      ol.appendChild(li);
    });
    box.appendChild(ol);
  }

  function say(msg, error) {
    els.notice.textContent = msg || "";
    els.notice.classList.toggle("error", !!error);
  }

  const MAX_PASSAGES = 40;  // the transcript keeps this many passages on the page
  const reduced = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  // Show a passage: appended to the transcript after a move (opts.append), else on a fresh page.
  // game.arts[k] is the passage shown for states[k], or null when it is no longer on the page.
  function show(events, chosen, opts) {
    opts = opts || {};
    if (!opts.append) {
      for (const old of els.story.querySelectorAll(".passage")) old.remove();
      els.cover.classList.toggle("shown", game.log.length === 0);
      game.arts = new Array(game.states.length - 1).fill(null);
    }
    for (const old of els.story.querySelectorAll(".passage.fresh")) old.classList.replace("fresh", "old");
    const { art, heading } = passage(events, chosen, opts.newEnding);
    art.tabIndex = -1;
    els.story.appendChild(art);
    game.arts.push(art);
    const all = els.story.querySelectorAll(".passage");
    for (let k = 0; k < all.length - MAX_PASSAGES; k++) all[k].remove();
    finish(opts, art, heading);
  }

  // Choices, buttons, notice, the announcement, focus and scrolling for the passage `art`.
  function finish(opts, art, heading) {
    showChoices();
    els.undo.disabled = game.log.length === 0 && !before;
    say(opts.notice || "", opts.error);
    els.live.textContent = "";
    // a new node each time, so the announcement is made even when the text repeats
    els.live.appendChild(el("span", null, (opts.notice ? opts.notice + " " : "") + (art.innerText || art.textContent)));
    if (opts.focus) (heading || art).focus({ preventScroll: true });
    if (opts.scroll === false) return;
    if (opts.append || opts.scrollTo) art.scrollIntoView({ block: "start", behavior: reduced ? "auto" : "smooth" });
    else window.scrollTo(0, 0);
  }

  // ---------------------------------------------------------------- moves
  function choose(id, button) {
    const s = current();
    if (s.ending !== null) return;
    const opt = world.options(s).find(o => o.id === id);
    if (!opt || !opt.enabled) return;
    const label = world.label(opt, s);
    const out = world.step(s, id);
    game.states.push(out.state);
    game.log.push(id);
    game.labels.push(label);
    before = null;
    let isNew = false;
    if (out.state.ending !== null) isNew = recordEnding(out.state.ending);
    autosave();
    show(out.events, label, { append: true, newEnding: isNew,
      focus: !!button || document.activeElement === document.body || els.choices.contains(document.activeElement) });
  }

  function undo() {
    if (game.log.length) {
      game.states.pop();
      game.log.pop();
      const label = game.labels.pop();
      const gone = game.arts.pop();
      if (gone) gone.remove();
      autosave();
      const notice = "Undone: \u201c" + label + "\u201d.";
      const art = game.arts[game.arts.length - 1];
      if (art && art.isConnected) {
        art.classList.replace("old", "fresh");
        finish({ notice, focus: true, scrollTo: true }, art, art.querySelector("h2"));
      } else {
        show(world.describe(current()), null, { notice, focus: true });
      }
    } else if (before) {
      game = before;
      before = null;
      autosave();
      show(world.describe(current()), null, { notice: "Back to the game you restarted.", focus: true });
    } else {
      say("Nothing to undo: this is the beginning.");
    }
  }

  function restart() {
    const prev = game.log.length ? game : null;
    const f = fresh(game.seed, memory());
    game = f.game;
    before = prev;
    autosave();
    show(f.events, null, { notice: prev ? "A new beginning. Undo takes you back to where you were." : "", focus: true });
  }

  // `adventure play --forget`: what earlier games left is cleared, and a new game begins without it
  function forget() {
    const prev = game.log.length ? game : null;
    store.del("persist");
    const f = fresh(game.seed, null);
    game = f.game;
    before = prev;
    autosave();
    show(f.events, null, { notice: "Forgotten: this game begins with no memory of the ones before." +
      (prev ? " Undo takes you back to where you were." : ""), focus: true });
  }

  // ---------------------------------------------------------------- panels
  function openPanel(title, body) {
    els.panelTitle.textContent = title;
    els.panelBody.textContent = "";
    els.panelBody.appendChild(body);
    if (!els.panel.open) {
      if (typeof els.panel.showModal === "function") els.panel.showModal();
      else els.panel.setAttribute("open", "");
    }
  }
  function closePanel() {
    if (typeof els.panel.close === "function") els.panel.close();
    else els.panel.removeAttribute("open");
  }

  function showEndings() {
    const g = gallery();
    const frag = document.createDocumentFragment();
    const ul = el("ul", "list");
    let found = 0;
    for (const e of world.endings) {
      const seen = !!g[e.id];
      if (seen) found++;
      const li = el("li", seen ? "found" : e.secret ? "secret" : "missing");
      li.appendChild(el("span", "mark", seen ? "\u2713 Found" : "Not yet"));
      const what = el("span", "what", seen || !e.secret ? e.title : "A secret ending");
      if (seen) what.appendChild(el("span", "meta", "first reached " + g[e.id]));
      li.appendChild(what);
      ul.appendChild(li);
    }
    frag.appendChild(el("p", "summary", found + " of " + world.endings.length + " endings found."));
    frag.appendChild(ul);
    openPanel("Endings", frag);
  }

  function slotLine(d) {
    if (!d) return "Empty";
    const when = typeof d.saved_at === "string" ? d.saved_at.slice(0, 16).replace("T", " ") : "";
    const moves = Array.isArray(d.log) ? d.log.length : 0;
    return (typeof d.where === "string" ? d.where : "?") + " \u2014 " + moves + (moves === 1 ? " move" : " moves") + (when ? ", " + when + " UTC" : "");
  }

  function showSaves() {
    const ul = el("ul", "list");
    const row = (name, key, canSave) => {
      const d = store.get(key);
      const li = el("li");
      const what = el("span", "what", name);
      what.appendChild(el("span", "meta", slotLine(d)));
      li.appendChild(what);
      if (canSave) {
        const b = el("button", null, "Save here");
        b.type = "button";
        b.setAttribute("aria-label", "Save in " + name);
        b.addEventListener("click", () => {
          const ok = store.set(key, saveDoc());
          closePanel();
          say(ok ? "Saved in " + name + "." : "This browser would not keep the save (storage is off or full).", !ok);
        });
        li.appendChild(b);
      }
      const l = el("button", null, "Load");
      l.type = "button";
      l.disabled = !d;
      l.setAttribute("aria-label", "Load " + name);
      l.addEventListener("click", () => {
        closePanel();
        try {
          const g = fromDoc(store.get(key));
          before = game.log.length ? game : null;
          game = g;
          autosave();
          show(world.describe(current()), null, { notice: "Loaded " + name + ".", focus: true });
        } catch (e) {
          say("Could not load " + name + ": " + e.message + ".", true);
        }
      });
      li.appendChild(l);
      ul.appendChild(li);
    };
    row("Autosave", "autosave", false);
    for (let k = 1; k <= SLOTS; k++) row("Slot " + k, "slot" + k, true);
    const frag = document.createDocumentFragment();
    frag.appendChild(el("p", "summary", "Saves stay in this browser, on this device. The autosave follows every move."));
    frag.appendChild(ul);
    openPanel("Saves", frag);
  }

  // ---------------------------------------------------------------- wiring
  els.undo.addEventListener("click", undo);
  els.restart.addEventListener("click", restart);
  els.saves.addEventListener("click", showSaves);
  els.endings.addEventListener("click", showEndings);
  if (PERSIST) els.forget.addEventListener("click", forget);
  else els.forget.hidden = true;  // nothing outlives a game of this world
  $("panel-close").addEventListener("click", closePanel);
  document.addEventListener("keydown", e => {
    if (e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return;
    if (els.panel.open) return;  // the dialog has the keyboard (Escape closes it)
    const t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    const k = e.key;
    if (k >= "1" && k <= "9") {
      const s = current();
      const opts = world.options(s);
      const o = opts[k.charCodeAt(0) - 49];
      if (!o) return;
      e.preventDefault();
      if (o.enabled) choose(o.id, null);
      else say(k + " is not available now.");
    } else if (k === "u" || k === "U") {
      e.preventDefault();
      undo();
    } else if (k === "s" || k === "S") {
      e.preventDefault();
      showSaves();
    } else if (k === "e" || k === "E") {
      e.preventDefault();
      showEndings();
    }
  });

  // the first screen: the autosave when it replays, else a new game
  const saved = store.get("autosave");
  let restored = false;
  if (saved) {
    try {
      game = fromDoc(saved);
      restored = true;
    } catch (e) {
      const f = fresh(SEED, memory());
      game = f.game;
      show(f.events, null, { notice: "Your saved place could not be restored (" + e.message + "); a new game begins.", error: true, scroll: false });
    }
  }
  if (restored) {
    const evs = game.log.length ? world.describe(current()) : world.start(game.seed, game.carried).events;
    show(evs, game.labels[game.labels.length - 1] || null, { notice: game.log.length ? "Welcome back: your place was kept." : "", scroll: false });
  } else if (!game) {
    const f = fresh(SEED, memory());
    game = f.game;
    show(f.events, null, { scroll: false });
  }
  document.documentElement.dataset.ready = "1";
  if (window.performance && performance.mark) performance.mark("adventure-first-screen");
})();

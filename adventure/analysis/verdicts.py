"""A verdict for every room, choice, text and ending of a world: reachable (with a witness that
replays through the engine), unreachable (proved), or unknown (and why), for `adventure check`.

Three stages, cheapest first, each settling what the one before left open:

1. **Abstract interpretation** (absint.py): no budget, milliseconds; proves unreachable what no
   over-approximation of the reachable states can reach (orphan rooms, conditions that contradict
   the declared bounds or what the effects leading there allow, endings nothing can select).
2. **Exact exploration** (explore.py) within part of the budget: on a world small enough it
   finishes, and then every verdict is exact (and `check` reports as it always has). Whatever it
   reaches before its budget is witnessed either way.
3. **Witness search** (witness.py): for each item still open, a greedy best-first search toward
   it; everything any search passes is witnessed at once. If items are still open and budget is
   left, the exact exploration gets the rest of it.

Every witness is replayed through the engine (`core.engine.replay`) before it is reported. Dice:
the exploration covers every outcome (or, with `seed`, the games of that seed); the witness search
follows one seed (`seed`, else 0). A witness names the seed it replays with; for a route found
over every outcome, the smallest seed below `SEED_TRIES` that replays it (else the item stays
unknown, saying so).
"""

from __future__ import annotations

import time

from ..core.engine import available_choices, persistent_values, replay, start, step
from ..core.errors import ChoiceError
from ..core.model import World
from ..core.record import Record
from ..core.steps import effects_in
from .absint import FALSE, TRUE, Abstract, abstract, declared_box, eval_interval, refine
from .explore import Exploration, _uses_random, explore
from .findings import Finding, _finding, _Lines, _route_text, exploration_findings, static_findings
from .findings import _order
from .semantics import DAY, entered, join_days, replay_days, split_days, world_rolls
from .witness import Witnesses

__all__ = ["Verdict", "Analysis", "analyse", "items", "item_name", "check"]

SEED_TRIES = 200
EXACT_FIRST = 50_000  # states the first exact exploration may use before the witness search
FIRST_PASS = 2_000  # expansions per item in the witness search's first pass
SLICE = 4  # the witness search's first passes: at most this many times an item's share of the time left
CHECK_SHARE = 0.05  # of the budget, kept for checking the witnesses through the engine
MAX_OUTCOMES = 10_000  # dice outcomes of one move the exploration over every outcome may enumerate


class Verdict(Record):
    """status: "reachable", "unreachable" or "unknown"; route: choice ids from the start (for
    reachable); seed: the seed the route replays with; by: "exploration", "search", "walkthrough"
    (a prefix of one of the world's own walkthroughs) or "abstract"; why: for unreachable and unknown, in words."""

    __slots__ = _fields = ("kind", "name", "status", "route", "seed", "by", "why")
    _defaults = {"route": None, "seed": None, "by": "", "why": ""}

    def to_json(self) -> dict:
        d = {"kind": self.kind, "id": self.name, "status": self.status, "by": self.by}
        if self.route is not None:
            days = split_days(self.route)
            d["witness"] = {"moves": days[-1], "seed": self.seed}
            if len(days) > 1:  # persistent values: the games played before, each a new day
                d["witness"]["days"] = days[:-1]
        if self.why:
            d["why"] = self.why
        return d


def items(world: World) -> list[tuple]:
    """Every item a verdict is given for: ("room", id), ("choice", "room.choice"),
    ("text", room, index), ("ending", id); in world order."""
    out = [("room", r) for r in world.room_order]
    for rid in world.room_order:
        out.extend(("choice", c.key) for c in world.rooms[rid].choices)
    for rid in world.room_order:
        out.extend(("text", rid, i) for i in range(len(world.rooms[rid].text_if)))
    out.extend(("ending", e.id) for e in world.endings)
    return out


def item_name(item) -> str:
    return f"{item[1]}.text_if[{item[2]}]" if item[0] == "text" else item[1]


def _choice(world: World, key: str):
    rid, _, cid = key.partition(".")
    return world.rooms[rid].by_id[cid]


def _play(world: World, route, seed: int):
    """(State after `route` through the engine (DAY between days), whether its last move, or the
    start of its game, entered the room the player is in)."""
    days = split_days(route)
    if len(days) > 1:
        st = replay_days(world, join_days(days[:-1]) + [DAY], seed).state
        carried = persistent_values(world, st)
    else:
        carried = None
    out = start(world, seed, carried)
    for m in days[-1]:
        out = step(world, out.state, m)
    return out.state, entered(out) or not days[-1]


def shows(world: World, item, route, seed: int) -> bool:
    """Whether `route`, replayed through the engine with `seed`, shows `item`."""
    if not world.plain or DAY in route:
        try:
            st, came = _play(world, list(route), seed)
        except ChoiceError:
            return False
        if item[0] == "ending":
            return st.ending == item[1]
        if st.ending is not None:
            return False
        if item[0] == "choice":
            return item[1] in {c.key for c in available_choices(world, st)}
        if st.room != item[1] or not came:
            return False
        return item[0] == "room" or bool(world.rooms[item[1]].text_if[item[2]].test(st))
    try:
        st = replay(world, route, seed).state
    except ChoiceError:
        return False
    kind = item[0]
    if kind == "ending":
        return st.ending == item[1]
    if st.ending is not None:
        return False
    if kind == "choice":
        return item[1] in {c.key for c in available_choices(world, st)}
    if st.room != item[1]:
        return False
    if route:  # entered by the last move (or the start)
        rid = world.start if len(route) == 1 else replay(world, route[:-1], seed).state.room
        if world.rooms[rid].by_id[route[-1]].go is None:
            return False
    elif item[1] != world.start:
        return False
    if kind == "room":
        return True
    return bool(world.rooms[item[1]].text_if[item[2]].test(st))


class Analysis:
    """What `analyse` found. verdicts: {item: Verdict}; exploration: the exact exploration (its
    last run); abstract: the abstract interpretation; complete: no verdict is unknown; exact: the
    exploration finished (every verdict then exact); softlocks, out_of_bounds: [(finding key,
    route, seed)]; seconds; stages: {stage: seconds}."""

    def __init__(self, world: World):
        self.world = world
        self.verdicts: dict = {}
        self.exploration: Exploration | None = None
        self.abstract: Abstract | None = None
        self.witnesses: Witnesses | None = None
        self.exact = False
        self.seconds = 0.0
        self.stages: dict = {}
        self.seed = 0
        self.notes: list[str] = []

    @property
    def complete(self) -> bool:
        return all(v.status != "unknown" for v in self.verdicts.values())

    def counts(self) -> dict:
        out = {"reachable": 0, "unreachable": 0, "unknown": 0}
        for v in self.verdicts.values():
            out[v.status] += 1
        return out

    def of(self, kind: str) -> list:
        return [v for k, v in self.verdicts.items() if k[0] == kind]

    def summary(self) -> dict:
        c = self.counts()
        return {"complete": self.complete, "exact": self.exact, "seconds": round(self.seconds, 3),
                "stages": {k: round(v, 3) for k, v in self.stages.items()}, **c, "notes": list(self.notes),
                "witness_states": len(self.witnesses.parent) if self.witnesses is not None else 0}


def _why_unreachable(world: World, ab: Abstract, item) -> str:
    kind = item[0]
    top = declared_box(world)
    if kind == "room":
        into = _into(world).get(item[1], [])
        if not into:
            return f"no choice has go = \"{item[1]}\"" + (", call or next leads there" if not world.plain else "")
        return f"every way in ({', '.join(into[:6])}{', ...' if len(into) > 6 else ''}) is itself unreachable"
    if kind == "choice":
        c = _choice(world, item[1])
        if not ab.room_possible(c.room):
            return f"its room {c.room!r} is unreachable"
        if c.back and ab.general and not ab.back_to.get(c.room):
            return f"it is a `back` choice, and no `call` leads to {c.room!r}: the return stack is always empty there"
        if eval_interval(c.cond, top) == FALSE:
            return f"its `if` ({c.cond_source}) can never hold, given the declared bounds and types"
        return f"its `if` ({c.cond_source}) never holds when the player is in {c.room!r}"
    if kind == "text":
        t = world.rooms[item[1]].text_if[item[2]]
        if not ab.room_possible(item[1]):
            return f"its room {item[1]!r} is unreachable"
        if eval_interval(t.cond, top) == FALSE:
            return f"{t.source!r} can never hold, given the declared bounds and types"
        return f"{t.source!r} never holds when the player enters {item[1]!r}"
    e = world.ending(item[1])
    named = _namers(world, e.id)
    ends = _namers(world, True)
    if e.by_name:
        if not named:
            return "it is reached only by name (by_name = true), and no choice, `next` entry or rule names it"
        return f"it is reached only by name, and what names it ({', '.join(named)}) is unreachable"
    if not named and not ends:
        return f"no choice has end = true or end = \"{e.id}\""
    if e.when is not None and eval_interval(e.when, top) == FALSE:
        why = f"its `when` ({e.when_source}) can never hold, given the declared bounds and types"
    elif e.when is None:
        why = "every `end = true` is resolved by an ending above it"
    else:
        winner = _shadowed_by(world, ab, e)
        if winner is not None:
            why = (f"its `when` ({e.when_source}) may hold when `end = true` resolves the endings, but the "
                   f"earlier ending {winner!r} always matches first there")
        else:
            why = f"its `when` ({e.when_source}) never holds when `end = true` resolves the endings"
    if named:
        why += f"; what names it ({', '.join(named)}) is unreachable"
    return why


def _shadowed_by(world: World, ab: Abstract, e):
    """The earlier ending that always wins where e's `when` may hold when `end = true` resolves
    the endings (the abstract interpretation's box), or None."""
    b = refine(e.when, ab.resolve_tested())
    if b is None:
        return None
    for x in world.resolvable:
        if x is e:
            return None
        if x.when is None:
            return x.id
        b = refine(x.when, b, False)
        if b is None:
            return x.id
    return None


def _namers(world: World, ending) -> list[str]:
    """What names an ending (or `end = true`, for True): choices, `next` entries, rules."""
    out = []
    for r in world.rooms.values():
        for c in r.choices:
            if c.end == ending and c.end.__class__ is ending.__class__:
                out.append(c.key)
            out.extend(f"{c.key}.next[{i}]" for i, n in enumerate(c.next)
                       if n.end == ending and n.end.__class__ is ending.__class__)
    out.extend(f"rule {x.id!r}" for x in world.rules if x.end == ending and x.end.__class__ is ending.__class__)
    return out


def _into(world: World) -> dict:
    """{room id: what leads into it}: choices (go, call), `next` entries, rules (go)."""
    out: dict = {}
    for r in world.rooms.values():
        for c in r.choices:
            if c.go is not None and c.end is None:
                out.setdefault(c.go, []).append(c.key)
            for i, n in enumerate(c.next):
                if n.go is not None:
                    out.setdefault(n.go, []).append(f"{c.key}.next[{i}]")
            if c.back:
                out.setdefault("\0back", []).append(c.key)
    for x in world.rules:
        if x.go is not None:
            out.setdefault(x.go, []).append(f"rule {x.id!r}")
    if out.get("\0back"):
        for caller in {c.room for r in world.rooms.values() for c in r.choices if c.call}:
            out.setdefault(caller, []).append("a `back` choice")
    return out


def _from_exploration(world: World, ex: Exploration, item):
    """The witness route of `item` in an exploration, or None."""
    kind = item[0]
    if kind == "room":
        w = ex.rooms.get(item[1])
        return None if w is None else ex.route_via(w)
    if kind == "choice":
        sid = ex.choices.get(item[1])
        return None if sid is None else ex.route(sid)
    if kind == "text":
        w = ex.texts.get((item[1], item[2]))
        return None if w is None else ex.route_via(w)
    w = ex.endings.get(item[1])
    return None if w is None else ex.route_via(w)


def _seed_for(world: World, item, route, seed: int | None, dice: bool):
    """A seed with which `route` shows `item` through the engine, or None."""
    tries = [seed] if seed is not None else ([0] + list(range(1, SEED_TRIES)) if dice else [0])
    for s in tries:
        if shows(world, item, route, s):
            return s
    return None


def _outcomes(world: World, node, box) -> int:
    """How many dice outcomes an expression rolls, at most (the product over its random() calls,
    with their bounds as wide as the declared state allows)."""
    n = 1
    if node.op == "call" and node.value == "random":
        a, b = (eval_interval(x, box) for x in node.args)
        n = max(a[1], b[1]) - min(a[0], b[0]) + 1
    for x in node.args:
        n *= _outcomes(world, x, box)
    return n


def dice_outcomes(world: World) -> int:
    """The most dice outcomes one move can branch into (1 without dice): what the exploration over
    every outcome (seed None) enumerates per move."""
    box = declared_box(world)
    most = 1
    for r in world.rooms.values():
        for c in r.choices:
            n = 1
            for e in effects_in(c.effects):
                n *= _outcomes(world, e.value, box)
            most = max(most, n)
    return most


def _room_distances(world: World) -> dict:
    """Room-graph distance (ignoring conditions) of each room from the start."""
    dist = {world.start: 0}
    frontier = [world.start]
    while frontier:
        nxt = []
        for rid in frontier:
            for c in world.rooms[rid].choices:
                for go in [c.go] + [n.go for n in c.next]:
                    if go is not None and go not in dist:
                        dist[go] = dist[rid] + 1
                        nxt.append(go)
        frontier = nxt
    return dist


def _from_walkthroughs(world: World, open_items: list, verdicts: dict, left) -> None:
    """Witness what the world's walkthroughs (tests/*.toml) show, for the items in `open_items`."""
    from pathlib import Path

    from ..core.errors import AdventureError
    from ..world.walkthrough import load_walkthrough

    folder = Path(world.path) / "tests" if world.path else None
    if not open_items or folder is None or not folder.is_dir():
        return
    for path in sorted(folder.glob("*.toml"))[:200]:
        budget = left()
        if not open_items or (budget is not None and budget <= 0):
            return
        try:
            wt = load_walkthrough(path, world)
        except (AdventureError, OSError):
            continue  # `adventure test` reports a broken walkthrough; here it only helps
        route = join_days(list(wt.days) + [list(wt.moves)])
        for k in range(len(route) + 1):
            if k < len(route) and route[k] == DAY:
                continue
            prefix = route[:k]
            for it in [it for it in open_items if shows(world, it, prefix, wt.seed)]:
                verdicts[it] = Verdict(it[0], item_name(it), "reachable", tuple(prefix), wt.seed, "walkthrough")
                open_items.remove(it)


def analyse(world: World, *, seed: int | None = None, max_states: int = 500_000,
            max_seconds: float | None = 60.0) -> Analysis:
    """Verdicts for every item (see the module docstring). `seed`: explore the games of that seed
    only (as `check --seed`); the budget bounds the exploration and the witness search together."""
    t0 = time.monotonic()
    deadline = None if max_seconds is None else t0 + max_seconds
    an = Analysis(world)
    an.seed = 0 if seed is None else seed
    dice = world_rolls(world)

    ab = an.abstract = abstract(world)
    boxes = ab.ending_boxes()
    every = items(world)
    possible = {}
    for it in every:
        k = it[0]
        possible[it] = (ab.room_possible(it[1]) if k == "room" else ab.choice_possible(_choice(world, it[1]))
                        if k == "choice" else ab.text_possible(it[1], it[2]) if k == "text"
                        else ab.ending_possible(it[1], boxes))
    an.stages["abstract"] = time.monotonic() - t0
    verdicts = an.verdicts
    for it in every:
        if not possible[it]:
            verdicts[it] = Verdict(it[0], item_name(it), "unreachable", by="abstract",
                                   why=_why_unreachable(world, ab, it))

    def left() -> float | None:
        return None if deadline is None else max(0.0, deadline - time.monotonic())

    def settle(ex: Exploration, by: str) -> None:
        for it in every:
            if it in verdicts and verdicts[it].status != "unknown":
                continue
            route = _from_exploration(world, ex, it)
            if route is None:
                continue
            s = _seed_for(world, it, route, seed, dice)
            if s is None:
                verdicts[it] = Verdict(it[0], item_name(it), "unknown", by=by,
                                       why=f"reached over some rolls of the dice, but no seed below {SEED_TRIES} replays the route")
            else:
                verdicts[it] = Verdict(it[0], item_name(it), "reachable", tuple(route), s, by)

    def exact(ex: Exploration) -> None:
        an.exact = True
        settle(ex, "exploration")
        for it in every:
            if it not in verdicts:
                verdicts[it] = Verdict(it[0], item_name(it), "unreachable", by="exploration",
                                       why="no state of the finished exploration reaches it")

    # 2. the exact exploration, within part of the budget; over every dice outcome it branches
    # into each roll, so a move with more than MAX_OUTCOMES outcomes would take one state's
    # expansion past any budget: then it only starts (and says why)
    t1 = time.monotonic()
    first = min(max_states, EXACT_FIRST)
    skip = seed is None and dice and dice_outcomes(world) > MAX_OUTCOMES
    if skip:
        first = 0
        an.notes.append(f"the exact exploration was skipped: one move can roll {dice_outcomes(world):,} dice "
                        f"outcomes (more than {MAX_OUTCOMES:,}); the witness search follows seed {an.seed}")
    budget = left()
    ex = an.exploration = explore(world, seed=seed, max_states=first,
                                  max_seconds=None if budget is None else budget * 0.3)
    an.stages["exploration"] = time.monotonic() - t1
    if ex.complete:
        exact(ex)
    else:
        settle(ex, "exploration")
        # 2b. the world's own walkthroughs: routes its author wrote down (a secret ending three days
        # deep, say), each prefix a candidate witness, replayed like any other
        _from_walkthroughs(world, [it for it in every if it not in verdicts], verdicts, left)
        # 3. the witness search for what is still open
        t2 = time.monotonic()
        search_seed = an.seed
        W = an.witnesses = Witnesses(world, search_seed)
        # rooms nearest the start first (their states start the searches for what lies beyond),
        # then choices, texts and endings
        dist = _room_distances(world)
        open_ = sorted((it for it in every if it not in verdicts),
                       key=lambda it: (("room", "choice", "text", "ending").index(it[0]),
                                       dist.get(it[1].partition(".")[0], 0) if it[0] != "ending" else 0))
        spent = 0
        limit = max_states
        # the witnesses found are checked through the engine after the search: a share of the
        # budget is kept for that (1.3 s for 9,300 witnesses at 2,000 rooms)
        stop = None if deadline is None else deadline - CHECK_SHARE * max_seconds
        # a pass with a small budget each, then a greedy one (deep goals: a clock to run up),
        # then a patient one; in the first two, no item takes more than SLICE times its share of
        # the time left (thousands of items open at 2,000 rooms, where one that fails can take a
        # second)
        for pass_, (cap, weight) in enumerate(((FIRST_PASS, 2), (FIRST_PASS * 5, 50), (max(FIRST_PASS, limit // 4), 2))):
            W.weight = weight
            for i, it in enumerate(open_):
                now = time.monotonic()
                if it in W.found or spent >= limit or (stop is not None and now > stop):
                    continue
                until = stop if stop is None or pass_ == 2 else min(stop, now + SLICE * (stop - now) / (len(open_) - i))
                before = W.expanded
                W.seek(it, min(cap, limit - spent), until)
                spent += W.expanded - before
            open_ = [it for it in open_ if it not in W.found]
        # each witness is replayed through the engine (states on their shared prefixes once)
        for it, route in W.check(it for it in every if it not in verdicts).items():
            verdicts[it] = Verdict(it[0], item_name(it), "reachable", tuple(route), search_seed, "search")
        an.stages["search"] = time.monotonic() - t2
        # the rest of the budget to the exact exploration, if something is still open
        if any(it not in verdicts or verdicts[it].status == "unknown" for it in every) and not skip and first < max_states:
            budget = left()
            if budget is None or budget > 1:
                t3 = time.monotonic()
                ex2 = explore(world, seed=seed, max_states=max_states, max_seconds=budget)
                an.stages["exploration"] += time.monotonic() - t3
                if ex2.complete or len(ex2.keys) > len(ex.keys):
                    ex = an.exploration = ex2
                if ex.complete:
                    exact(ex)
                else:
                    settle(ex, "exploration")
    for it in every:
        if it not in verdicts:
            why = (f"the exploration stopped at its budget ({ex.states:,} states, every play of up to {ex.depth} "
                   f"moves covered) and the witness search did not reach it; it is not proved unreachable either")
            if an.notes:
                why = "; ".join(an.notes) + "; the witness search did not reach it, and it is not proved unreachable"
            verdicts[it] = Verdict(it[0], item_name(it), "unknown", why=why)
    # world order
    an.verdicts = {it: verdicts[it] for it in every}
    an.seconds = time.monotonic() - t0
    return an


# ---------------------------------------------------------------- findings


def analysis_findings(world: World, an: Analysis) -> list[Finding]:
    """What `check` reports: when the exploration finished, exactly what it always reported
    (findings.py); otherwise the static findings, the soft-locks and bound hits found (with their
    routes), and the proved verdicts: unreachable-*, and always-true / always-false where the
    abstract interpretation proves a reachable condition constant."""
    ex = an.exploration
    if an.exact and ex is not None:
        return sorted(static_findings(world) + exploration_findings(world, ex), key=_order(world))
    out = static_findings(world)
    if ex is not None:
        out += exploration_findings(world, ex)  # the partial exploration: soft-locks, bounds
    seen_locks = {f.key for f in out if f.code == "soft-lock"}
    W = an.witnesses
    if W is not None:
        for rid, key in W.softlocks.items():
            if rid in seen_locks:
                continue
            room = world.rooms[rid]
            route = W.route(key)
            out.append(_finding("soft-lock", room.file, room.line, (rid,),
                                f"the player can be stuck in room {rid!r} with no choice available ({_route_text(route)})",
                                "give the room a way out: a choice with no `if`, or one whose `if` holds here", route))
    lines = _Lines(world)
    v = an.verdicts
    ab = an.abstract
    for rid in world.room_order:
        room = world.rooms[rid]
        if v[("room", rid)].status == "unreachable":
            out.append(_finding("unreachable-room", room.file, room.line, (rid,), f"room {rid!r} can never be reached",
                                v[("room", rid)].why))
            continue
        for i, t in enumerate(room.text_if):
            path = (rid, "text_if", i)
            x = v[("text", rid, i)]
            if x.status == "unreachable":
                out.append(_finding("unreachable-text", room.file, t.line, path,
                                    f"this text is never shown: {x.why}", "check the condition, or remove the text"))
            elif x.status == "reachable" and ab.truth("text", (rid, i)) == TRUE:
                out.append(_finding("always-true", room.file, lines.line(room.file, path + ("if",), t.line), path + ("if",),
                                    f"{t.source!r} holds every time the player enters {rid!r}",
                                    "move the text into the room's `text`, or check the condition"))
        for i, c in enumerate(room.choices):
            path = (rid, "choice", i)
            x = v[("choice", c.key)]
            if x.status == "unreachable":
                out.append(_finding("unreachable-choice", c.file, c.line, path, f"choice {c.id!r} can never be taken: {x.why}",
                                    "check the condition against the effects that lead here"))
            elif x.status == "reachable" and c.cond is not None and ab.truth("choice", c) == TRUE:
                out.append(_finding("always-true", c.file, lines.line(c.file, path + ("if",), c.line), path + ("if",),
                                    f"choice {c.id!r}: {c.cond_source!r} holds every time the player is in {rid!r}",
                                    "remove the `if`, or check the condition"))
    for k, e in enumerate(world.endings):
        x = v[("ending", e.id)]
        if x.status == "unreachable":
            out.append(_finding("unreachable-ending", e.file, e.line, ("ending", k),
                                f"ending {e.id!r} can never be reached: {x.why}",
                                "check the `when` and the choices that end the game"))
    # a finding once: the partial exploration and the verdicts may both report the same thing
    uniq, seen = [], set()
    for f in out:
        key = (f.code, f.key)
        if key not in seen:
            seen.add(key)
            uniq.append(f)
    return sorted(uniq, key=_order(world))


def check(world: World, *, seed: int | None = None, max_states: int = 500_000,
          max_seconds: float | None = 60.0) -> tuple[Analysis, list[Finding]]:
    """What `adventure check` finds, for every front end that checks (the command, the language
    server): the verdicts' findings, then the accessibility warnings, then the lint warnings."""
    from .accessibility import accessibility_findings
    from .lint import lint_findings

    an = analyse(world, seed=seed, max_states=max_states, max_seconds=max_seconds)
    found = analysis_findings(world, an)
    found += accessibility_findings(world)  # warnings: text that reads badly aloud or in braille
    found += lint_findings(world, an.abstract)  # warnings: endings that forget the last act, dead {if}s
    return an, found

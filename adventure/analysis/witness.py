"""Goal-directed search for witnesses: a concrete play that reaches a room, makes a choice
available, shows a text or reaches an ending, found without exploring every state before it.

One search tree is kept for the whole run (`Witnesses.parent`: each state found, with the state
and choice it was first reached by), over the explorer's own successor function (explore.py's
fast path when the world packs into an int, else the general one: the same semantics `check`'s
exact exploration and `route` use, which tests/test_explore.py holds equal to the engine). Every
state the search expands or enters marks every item it witnesses, whatever the search was looking
for, so one search toward a deep ending witnesses everything along its way.

For each item not yet witnessed (and not proved unreachable by absint.py), `seek` runs a weighted
best-first search toward it, with a budget of expansions, from the start, from the states where
its room (or a room leading there) was entered, and from the found states its guide ranks best
(where a search toward another item left off may be far along this one's way). The guide is the
item's own pattern database (pdb.ItemPattern, made on first use): distances in an abstraction
that keeps the room, what the item's condition reads (visit counts too), the flags and counters
the doors on the way read and those guarding the choices that set them, and the turn as two
layers. So a door behind a flag set in another area leads the search to the flag first, and a flag
the item needs unset is not set on the way. It is read straight from the packed key (decoding a
key costs more than the rest of a step). A guide of infinity prunes a state: from it the item
cannot be reached. `use_patterns = False` falls back to the relaxed-planning bound of routes.py
(`_Bound`, summed over a goal's parts), which ignores the conditions on the way to a room.

On a big world (more than PATTERN_MAX_CHOICES choices) a table covers only the rooms nearest the
item (pdb.ItemPattern's region; built in 5 to 30 ms at 2,000 rooms), and an item's first search
is a short one guided by the room-graph distance alone: most items are witnessed on the way to
others, and a room that is not goes on with its table (the searches beyond it start there).

Witnesses are checked through the engine (`check`): each state on their routes is played once,
from the start, with the search's seed (at 2,000 rooms the routes are a thousand moves long, and
replaying each from the start took minutes).

Dice: the search follows one seed (the explorer's PRNG state is part of the state), so every
witness replays exactly with `engine.replay(world, route, seed)`. An item reachable only with
other rolls is not found here; the exact exploration over every outcome (explore.py, seed None)
covers it when the world is small enough, and otherwise it stays unknown.
"""

from __future__ import annotations

import heapq
import time
from itertools import chain

from ..core.engine import step
from ..core.model import World
from .explore import Explorer, _Env
from .fastsearch import FastSearch
from .fastsearch import applies as fast_applies
from .pdb import ItemPattern, WorldIndex
from .routes import INF, _Bound

__all__ = ["Witnesses"]


def _choice(world: World, key: str):
    rid, _, cid = key.partition(".")
    return world.rooms[rid].by_id[cid]

PATTERN_MAX_CHOICES = 5_000  # above this, an item's first search is a short one by room distance
TABLE = 12_000  # abstract states in an item's table (pdb.ItemPattern's limit)
FIRST_LOOK = 30  # expansions, at most, of an item's first search on a big world
BIG_TABLE = 4_000  # the same, above PATTERN_MAX_CHOICES
SAMPLE = 4_000  # states already found that a search may start from are picked among this many
STATE_EVERY = 8  # _state(): the engine states of the tree this many moves apart are kept
CHECKPOINT = 64  # route(): the routes of the states this many moves apart are kept
WEIGHT = 2  # f = g + WEIGHT * h: a weighted best-first search, between A* (1) and greedy (large)


class _Visits:
    """A key's visit counts, read one slot at a time (Codec.decode unpacks every counted room:
    0.5 ms a call at 2,000 rooms, more than the rest of a step). Iterating unpacks them all."""

    __slots__ = ("key", "codec", "every")

    def __init__(self, key, codec, every):
        self.key = key
        self.codec = codec
        self.every = every

    def __getitem__(self, slot: int) -> int:
        f = self.codec.visit_field.get(slot)
        if f is None:
            return 0
        key = self.key
        if f[0] == 0:
            return ((key[0] if self.codec.has_tail else key) >> f[1]) & f[2]
        return key[f[1]]

    def __iter__(self):
        return iter(self.every(self.key))

    def __len__(self) -> int:
        return self.codec.n_slots


def _visits_unpacker(codec):
    """key -> its visit counts, a list by slot, as Codec.decode gives them: when the capped counts
    lie side by side with one width of 1, 2, 4 or 8 bits, bytes at a time through a table (the
    explorer copies the counts when a move enters a counted room: half the moves at 2,000 rooms)."""
    vcap = codec.vcap
    slow = lambda key: codec.decode(key)[2]  # noqa: E731
    if not vcap:
        return slow
    w = vcap[0][2].bit_length()
    s0 = vcap[0][1]
    if w not in (1, 2, 4, 8) or any(sh != s0 + k * w or mask != (1 << w) - 1 for k, (_, sh, mask) in enumerate(vcap)):
        return slow
    table = [tuple((b >> (w * j)) & ((1 << w) - 1) for j in range(8 // w)) for b in range(256)]
    count = len(vcap)
    nbytes = (count * w + 7) // 8
    every = (1 << (count * w)) - 1
    slots = [r for r, _, _ in vcap]
    direct = slots == list(range(codec.n_slots))
    vfree = [(r, codec.visit_field[r][1]) for r in codec.vfree]
    n_slots, tail = codec.n_slots, codec.has_tail

    def visits(key):
        x = key[0] if tail else key
        vals = list(chain.from_iterable(map(table.__getitem__, ((x >> s0) & every).to_bytes(nbytes, "little"))))
        del vals[count:]
        if direct:
            return vals
        out = [0] * n_slots
        for r, v in zip(slots, vals):
            out[r] = v
        for r, k in vfree:
            out[r] = key[k]
        return out

    return visits


def _unpacker(codec):
    """key -> (room index, values tuple, _Visits, used mask, turn, rng): Codec.decode without
    unpacking the visit counts."""
    bools, bounded, free = codec.bools, codec.bounded, codec.free
    n_vars, tail, room_mask = codec.n_vars, codec.has_tail, codec.room_mask
    used_shift, used_mask = codec.used_shift, codec.used_mask
    tf, rf = codec.turn_field, codec.rng_field
    every = _visits_unpacker(codec)

    def unpack(key):
        x = key[0] if tail else key
        values = [0] * n_vars
        for i, sh in bools:
            values[i] = bool((x >> sh) & 1)
        for i, lo, sh, mask in bounded:
            values[i] = ((x >> sh) & mask) + lo
        for k, i in enumerate(free, 1):
            values[i] = key[k]
        turn = 0 if tf is None else ((x >> tf[1]) & tf[2]) if tf[0] == 0 else key[tf[1]]
        rng = key[rf[1]] if rf is not None else 0
        return x & room_mask, tuple(values), _Visits(key, codec, every), (x >> used_shift) & used_mask, turn, rng

    return unpack


class Witnesses:
    """The witness search's tree and what it has seen. Items are keyed as in verdicts.py:
    ("room", id), ("choice", "room.choice"), ("text", room, i), ("ending", id)."""

    def __init__(self, world: World, seed: int = 0):
        self.world = world
        self.seed = seed
        self.ex = ex = Explorer(world, seed)
        self.unpack = _unpacker(ex.codec)
        if fast_applies(ex):
            self.successors = FastSearch(ex).moves
        elif ex.general:
            self.successors = ex.successors
        else:  # Explorer.successors, without unpacking every visit count
            unpack = self.unpack
            expand = ex._expand
            self.successors = lambda key: [(m[0].g, m[2], m[1]) for m in expand(key, *unpack(key), None, None)[0]]
        self.start = ex.start_key()
        self.parent: dict = {self.start: None}
        self.depths: dict = {self.start: 0}  # moves from the start (the witness routes are long)
        self._routes: dict = {}  # key -> its route, for keys CHECKPOINT moves apart
        self._played: dict | None = None
        self._recent: dict = {}  # key -> (engine State, or None if the engine refuses)
        self.found: dict = {}  # item -> ("state", key) or ("move", parent key, g)
        self.softlocks: dict = {}  # room id -> key
        self.expanded = 0
        self.entered: set = set()
        self.by_g = ex.by_g
        self.room_ids = ex.room_ids
        self.texts = [[(("text", rid, i), t) for i, t in enumerate(tests)]
                      for rid, tests in zip(ex.room_ids, ex.text_tests)]
        self._base = None
        self.weight = WEIGHT
        self.patterns: dict = {}  # item -> its guide (ItemPattern), made on first use
        self._index = None  # what every guide of the world reads (pdb.WorldIndex), made once
        # the per-item tables simulate choices' own effects only: rules, `enter`, `next` and
        # branches (a world that is not plain) would mislead them, so such worlds use routes' bound
        self.use_patterns = world.plain
        # on a big world a table costs 5 to 10 ms (a region of the world, pdb.ItemPattern) and
        # routes' bound 0.3 ms a state: an item's first search there is a short one guided by the
        # room-graph distance alone (most items are found on the way to others), its later ones
        # by its table
        self.big = sum(len(r.choices) for r in world.rooms.values()) > PATTERN_MAX_CHOICES
        self.table_limit = BIG_TABLE if self.big else TABLE
        self.table_seconds = 0.0
        self._sought: set = set()
        self._room_guides: dict = {}
        codec = ex.codec
        self._counts = 0
        for _, sh, mask in codec.vcap:
            self._counts |= mask << sh
        if codec.turn_kind == "cap":
            self._counts |= codec.turn_mask << codec.turn_shift
        self._enter(None, -1, self.start)

    # -- routes
    def route(self, key) -> list[str]:
        """The choice ids from the start to `key`. The routes of the states every CHECKPOINT
        moves deep are kept (as tuples), so the routes of thousands of items, each thousands of
        moves long at 2,000 rooms, are copied rather than walked."""
        out = []
        by_g = self.by_g
        parent = self.parent
        depths = self.depths
        saved = self._routes
        while True:
            if key in saved:
                head = saved[key]
                break
            p = parent[key]
            if p is None:
                head = ()
                break
            if depths[key] % CHECKPOINT == 0:
                head = saved[key] = tuple(self.route(p[0])) + (by_g[p[1]].choice.id,)
                break
            key, g = p
            out.append(by_g[g].choice.id)
        out.reverse()
        return list(head) + out

    def witness(self, item) -> list[str] | None:
        w = self.found.get(item)
        if w is None:
            return None
        if w[0] == "state":
            return self.route(w[1])
        if w[2] < 0:
            return []
        return self.route(w[1]) + [self.by_g[w[2]].choice.id]

    # -- checking through the engine
    def _state(self, key):
        """The engine's State after route(key) from the start with this search's seed, or None if
        the engine refuses a move on the way. The states of the tree every STATE_EVERY moves are
        kept (an engine State at 2,000 rooms is 11 KB: its visit counts), and those of the routes
        played last, so checking the witnesses (verdicts.py checks them in world order: those of
        neighbours share most of their routes) costs a few engine steps each, not one per move."""
        from ..core.engine import start
        from ..core.errors import ChoiceError

        memo = self._played
        if memo is None:
            memo = self._played = {self.start: start(self.world, self.seed).state}
        recent = self._recent
        path = []  # (key, the move into it), from `key` back to a state already played
        k = key
        while k not in recent and k not in memo:
            parent, g = self.parent[k]
            path.append((k, g))
            k = parent
        st = recent[k] if k in recent else memo[k]
        if len(recent) > 4 * STATE_EVERY * CHECKPOINT:
            recent.clear()
        by_g = self.by_g
        depths = self.depths
        for k, g in reversed(path):
            if st is not None:
                try:
                    st = step(self.world, st, by_g[g].choice.id).state
                except ChoiceError:
                    st = None
            recent[k] = st
            if depths[k] % STATE_EVERY == 0:
                memo[k] = st
        return st

    def check(self, items) -> dict:
        """{item: its witness route, a tuple} for those of `items` whose witness the engine confirms
        (`shows`); the engine states kept for the check are let go after it."""
        out = {}
        try:
            for it in items:
                if it in self.found and self.shows(it):
                    out[it] = tuple(self.witness(it))
        finally:
            self._played = None
            self._recent = {}
        return out

    def shows(self, item) -> bool:
        """Whether this search's witness for `item`, replayed through the engine with its seed,
        shows the item: the same test as verdicts.shows (the engine from the start, one move at a
        time), with the states along the tree played once for every witness."""
        from ..core.engine import available_choices
        from ..core.errors import ChoiceError
        from .semantics import entered

        w = self.found.get(item)
        if w is None:
            return False
        world = self.world
        if w[0] == "state":
            st, came = self._state(w[1]), None
        elif w[2] < 0:
            st = self._state(self.start)
            came = world.start == item[1] if world.plain else True
        else:
            before = self._state(w[1])
            if before is None:
                return False
            c = self.by_g[w[2]].choice
            try:
                out = step(world, before, c.id)
            except ChoiceError:
                return False
            st = out.state
            came = world.rooms[before.room].by_id[c.id].go is not None if world.plain else entered(out)
        if st is None:
            return False
        kind = item[0]
        if kind == "ending":
            return st.ending == item[1]
        if st.ending is not None:
            return False
        if kind == "choice":
            return item[1] in {c.key for c in available_choices(world, st)}
        if st.room != item[1] or not came:
            return False
        return kind == "room" or bool(world.rooms[item[1]].text_if[item[2]].test(st))

    # -- marking
    def _enter(self, parent, g: int, key) -> None:
        """Mark the room entered and the texts shown by the move (parent, g) into `key`."""
        if key in self.entered:
            return
        self.entered.add(key)
        codec = self.ex.codec
        found = self.found
        room = (key[0] if codec.has_tail else key) & codec.room_mask
        item = ("room", self.room_ids[room])
        if item not in found:
            found[item] = ("move", parent, g, key)
        texts = self.texts[room]
        if texts and any(t[0] not in found for t in texts):  # decoding costs more than the rest
            _, values, visits, _, turn, _ = self.unpack(key)
            env = _Env(values, visits, turn)
            for item, test in texts:
                if item not in found and test(env):
                    found[item] = ("move", parent, g)

    def expand(self, key) -> list:
        """The moves from `key`, marking the choices available there, the endings they reach,
        the rooms and texts they enter, and a soft-lock if there are none."""
        self.expanded += 1
        moves = self.successors(key)
        found = self.found
        parent = self.parent
        by_g = self.by_g
        if not moves:
            rid = self.room_ids[self.unpack(key)[0]]
            self.softlocks.setdefault(rid, key)
        for g, nk, end in moves:
            c = by_g[g]
            item = ("choice", c.choice.key)
            if item not in found:
                found[item] = ("state", key)
            if end is not None:
                item = ("ending", end)
                if item not in found:
                    found[item] = ("move", key, g)
                continue
            if nk not in parent:
                parent[nk] = (key, g)
                self.depths[nk] = self.depths[key] + 1
            if c.go >= 0:
                self._enter(key, g, nk)
        return moves

    # -- the goal-directed search
    def bound(self, item):
        """The lower bound (routes._Bound) on moves from a state to `item`."""
        w = self.world
        if self._base is None:
            self._base = _Bound(w, self.ex, None, (), additive=True)
        base = self._base
        kind = item[0]
        if kind == "ending":
            return _Bound(w, self.ex, item[1], shared=base, additive=True)
        if kind == "choice":
            rid, _, cid = item[1].partition(".")
            return _Bound(w, self.ex, None, [w.rooms[rid].by_id[cid]], shared=base, additive=True)
        into = self._into(item[1])
        if kind == "room":
            return _Bound(w, self.ex, None, into, shared=base, additive=True)
        cond = w.rooms[item[1]].text_if[item[2]].cond
        return _Bound(w, self.ex, None, into, [cond], shared=base, additive=True)

    def pattern(self, item):
        """h(key): the item's pattern database (pdb.ItemPattern) read straight from a packed key."""
        p = self.patterns.get(item)
        if p is None:
            w = self.world
            kind = item[0]
            if kind == "ending":
                e = w.ending(item[1])
                ends = [c for r in w.rooms.values() for c in r.choices if c.end is not None]
                targets = [(w.rooms[c.room].index, (c.cond,), 1) for c in ends if c.end == item[1]]
                if e.when is not None or e is w.endings[-1]:
                    targets += [(w.rooms[c.room].index, (c.cond, e.when), 1) for c in ends if c.end is True]
            elif kind == "choice":
                c = _choice(w, item[1])
                targets = [(w.rooms[c.room].index, (c.cond,), 0)]
            else:
                conds = (w.rooms[item[1]].text_if[item[2]].cond,) if kind == "text" else ()
                targets = [(w.rooms[item[1]].index, conds, 0)]
            codec = self.ex.codec
            caps = {slot: cap for slot, cap in self.ex.vcap.items() if cap is not None and slot in codec.visit_field}
            t0 = time.monotonic()
            if self._index is None:
                self._index = WorldIndex(w, w.rooms[w.start].index)
            pdb = ItemPattern(w, targets, w.rooms[w.start].index, caps, limit=self.table_limit, index=self._index,
                               min_rooms=30 if self.big else 60)
            self.table_seconds += time.monotonic() - t0
            fields = [codec.visit_field[i[1]] if isinstance(i, tuple) else codec.value_field[i] for i in pdb.pattern]
            tf = codec.turn_field
            tail = codec.has_tail
            mask = codec.room_mask

            def p(key):
                x = key[0] if tail else key
                vals = [((x >> f[1]) & f[2]) + f[3] if f[0] == 0 else key[f[1]] for f in fields]
                turn = None if tf is None else ((x >> tf[1]) & tf[2]) if tf[0] == 0 else key[tf[1]]
                return pdb(x & mask, vals, turn)

            p.blind = pdb.blind
            p.table = pdb
            self.patterns[item] = p
        return p

    def depth(self, key) -> int:
        return self.depths[key]

    def near(self, item) -> list:
        """States already found close to `item`, to start its search from: where its room was
        entered, or the rooms with a choice leading there (besides the start)."""
        w = self.world
        kind = item[0]
        rid = item[1].partition(".")[0] if kind == "choice" else item[1] if kind in ("room", "text") else None
        rooms = []
        if rid is not None:
            rooms.append(rid)
            rooms.extend(c.room for c in self._into(rid))
        else:
            rooms.extend(c.room for r in w.rooms.values() for c in r.choices if c.end is not None)
        out = []
        for r in dict.fromkeys(rooms):
            f = self.found.get(("room", r))
            if f is not None:
                out.append(self.start if f[2] < 0 else f[3])
        return out

    def best(self, h, sample: int = SAMPLE, keep: int = 4) -> list:
        """The states already found that the guide `h` ranks best (among a sample of them): where a
        search toward another item left off may be far along the way to this one."""
        keys = list(self.parent)
        if len(keys) > sample:
            keys = keys[::len(keys) // sample]
        scored = sorted((hk, i) for i, hk in enumerate(map(h, keys)) if hk < INF)
        return [keys[i] for _, i in scored[:keep]]

    def _into(self, rid: str) -> list:
        into = self.__dict__.setdefault("_into_map", None)
        if into is None:
            into = self._into_map = {}
            for r in self.world.rooms.values():
                for c in r.choices:
                    if c.go is not None and c.end is None:
                        into.setdefault(c.go, []).append(c)
        return into.get(rid, [])

    def _room_guide(self, item):
        """h(key): the room-graph distance (conditions ignored) from the key's room to the item's
        room (for an ending, to the rooms of the choices that may end the game there); one
        breadth-first search per room, shared by the items there."""
        w = self.world
        kind = item[0]
        if kind == "ending":
            e = w.ending(item[1])
            rooms = tuple(sorted({w.rooms[c.room].index for r in w.rooms.values() for c in r.choices
                                  if c.end == item[1] or (c.end is True and (e.when is not None or e is w.endings[-1]))}))
        else:
            rooms = (w.rooms[item[1].partition(".")[0] if kind == "choice" else item[1]].index,)
        h = self._room_guides.get(rooms)
        if h is None:
            if self._index is None:
                self._index = WorldIndex(w, w.rooms[w.start].index)
            d = self._index.bfs(list(rooms), self._index.radj)
            codec = self.ex.codec
            tail, mask = codec.has_tail, codec.room_mask
            h = self._room_guides[rooms] = lambda key: d[(key[0] if tail else key) & mask]
        return h

    def seek(self, item, max_expanded: int, deadline: float | None = None, near: bool = True) -> bool:
        """Weighted best-first search toward `item` from the start, and from the states found near
        it (`near`); True once it is witnessed."""
        found = self.found
        if item in found:
            return True
        if self.big and item not in self._sought:  # a first look: most items are found on the way
            self._sought.add(item)
            if self._seek(item, self._room_guide(item), min(max_expanded, FIRST_LOOK), deadline, near, rank=False):
                return True
            if item[0] != "room":  # a room is where the searches for what lies beyond start: on now
                return False
        if self.use_patterns:
            p = self.pattern(item)
            if not p.blind:
                return self._seek(item, p, max_expanded, deadline, near)
            # the table forgets what the item itself needs (a clock in minutes): routes' bound
            # counts the moves a counter needs to get there
        bound = self.bound(item)
        codec = self.ex.codec
        memo: dict = {}
        # the bound reads the room, the values and the once-only choices taken, not the visit
        # counts, the turn or the dice: states that differ only in those share it
        keep = ~self._counts
        unpack = self.unpack
        n_free = 1 + len(codec.free)
        tail = codec.has_tail
        weight = self.weight
        # `turn >= K` is bounded by K - turn when the turn is kept: then it is part of the key
        with_turn = codec.turn_kind != "none"

        def h(key) -> float:
            if with_turn:
                mk = key
            else:
                mk = key & keep if not tail else (key[0] & keep,) + key[1:n_free]
            v = memo.get(mk)
            if v is None:
                room, values, _, used, turn, _ = unpack(key)
                v = memo[mk] = bound(room, values, used, turn if with_turn else None)
            return v

        return self._seek(item, h, max_expanded, deadline, near, rank=False)  # h decodes: ranking costs

    def _seek(self, item, h, max_expanded: int, deadline: float | None, near: bool, rank: bool = True) -> bool:
        found = self.found
        weight = self.weight
        heap = []
        seen = set()
        tie = 0
        for k in [self.start] + (self.near(item) + (self.best(h) if rank else []) if near else []):
            if k in seen:
                continue
            seen.add(k)
            hk = h(k)
            if hk < INF:
                g0 = self.depth(k)
                tie += 1
                heap.append((g0 + weight * hk, g0, tie, k))
        heapq.heapify(heap)
        n = 0
        while heap:
            _, g, _, key = heapq.heappop(heap)
            n += 1
            if n > max_expanded:
                return False
            if deadline is not None and not n & 255 and time.monotonic() > deadline:
                return False
            for _, nk, end in self.expand(key):
                if item in found:
                    return True
                if end is not None or nk in seen:
                    continue
                seen.add(nk)
                hn = h(nk)
                if hn == INF:
                    continue
                tie += 1
                heapq.heappush(heap, (g + 1 + weight * hn, g + 1, tie, nk))
            if item in found:
                return True
        return False

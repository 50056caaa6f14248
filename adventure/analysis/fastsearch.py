"""The fast path of explore.py's breadth-first search, for worlds whose whole abstract state packs
into one int (`applies`: no unbounded counter, no exactly kept count, no dice).

Keys stay plain ints; nothing is decoded while searching. Each condition, and each choice's list
of effects, is compiled once per distinct expression into a function of the key: when the fields
it reads (and writes) lie within a window of at most `MAX_WINDOW` bits, a table indexed by those
bits, `T[x >> sh & m]`, filled by running closures over every value of the window (within
`TABLE_BUDGET` entries a search); otherwise a closure over the key behind the same indexing
(`_Call`, with sh 0 and m -1). Nothing is generated as source text: as in expr.compile_node, the
expressions become closures, and the tables are filled by calling them.

A move is then `(x & keep) | ET[x >> esh & em] | add` (effects, room, once-bit), plus the rarer
steps its `kind` asks for (turn and visits bumps, bound hits, endings). Rooms whose choices are
all repeatable, few, and read a narrow window get a table from that window to the set of enabled
choices (a bit mask) and, per mask, the tuple of moves: their states are expanded without testing
choices one by one. What the general search records per move (condition outcomes, the first state
where each choice is available) is counted per room and mask or per choice, and turned into the
Exploration's dicts, in the general search's order, at the end.

Memory: every new state's parent is the state being expanded, so there is no key-to-id map; keys
go in an `array("q")`, and what is known of each key (found; or found by a choice that stays in a
room with texts, and not yet entered, since a room's texts are evaluated once per state entered)
in a bytearray indexed by key when the key space is small (`DENSE_BITS`), else in a dict.

Used by explore.py only (`Explorer.run`); tests/test_explore.py checks it against the general path.
"""

from __future__ import annotations

import time
from array import array
from collections import defaultdict

from ..core.expr import INT_MAX, INT_MIN, Node

__all__ = ["FastSearch", "applies", "NO_STATE"]

NO_STATE = -1  # the parent of the start state, and the move that made it
MAX_WINDOW = 10  # widest bit window compiled into a table (2**10 entries)
TABLE_BUDGET = 1 << 18  # table entries built per search, at most; then closures
MAX_ROOM_CHOICES = 8  # rooms with more choices are tested choice by choice
DENSE_BITS = 24  # keys of at most this many bits are marked in a bytearray (16 MB at most)

# kinds of move that need more than the common path
K_TBUMP = 1  # the turn is tracked (capped): every move bumps it
K_OOB = 2  # the effects can hit a bound
K_END = 4  # the choice ends the game
K_VBUMP = 8  # entering a room whose (capped) visits are tracked
K_PRE = K_TBUMP | K_OOB | K_END | K_VBUMP
K_TEXT = 16  # entering a room with texts
K_STAYTEXT = 32  # staying in a room with texts


def applies(xp) -> bool:
    """Whether Explorer xp can use the fast path: every part of the state in the int, no dice, and
    a plain world (`World.plain`) of one day (no persistent values) whose every ending `end = true`
    can pick (no by-name ending). The fast path compiles the short move of a plain world only; any
    other world takes the general search, which drives the engine's own moves (semantics.py)."""
    w = xp.world
    if not w.plain or xp.persist or len(w.resolvable) != len(w.endings):
        return False
    return not xp.codec.has_tail and not any(c.dice for c in xp.by_g)


def _sat(x: int) -> int:
    return INT_MAX if x > INT_MAX else INT_MIN if x < INT_MIN else x


def _div(a: int, b: int) -> int:
    return a // b if b else 0


def _mod(a: int, b: int) -> int:
    return a % b if b else 0


class _Call:
    """A closure over the whole key behind table indexing: `_Call(f)[x] == f(x)` (used with
    shift 0 and mask -1, so the index is the key itself)."""

    __slots__ = ("f",)

    def __init__(self, f):
        self.f = f

    def __getitem__(self, x):
        return self.f(x)


class _Compiler:
    """Compiles expressions of one world into functions of the packed key (see the module doc)."""

    def __init__(self, xp):
        codec = xp.codec
        self.codec = codec
        self.budget = TABLE_BUDGET
        self.cond_cache: dict = {}
        self.effects_cache: dict = {}

    # -- where a name lives in the key: (shift, mask, lo), or None for an untracked count (0)
    def field(self, n: Node):
        codec = self.codec
        if n.op == "var":
            f = codec.value_field[n.value]
        elif n.op == "visits":
            f = codec.visit_field.get(n.value)
        else:
            f = codec.turn_field
        if f is None:
            return None
        return f[1], f[2], f[3]

    def reads(self, n: Node, out: list) -> list:
        if n.op in ("var", "visits", "turn"):
            f = self.field(n)
            if f is not None:
                out.append(f)
        for a in n.args:
            self.reads(a, out)
        return out

    def scalar(self, n: Node):
        """A function of the key with the value of n (flags as 0/1), as expr.compile_node."""
        op = n.op
        if op == "lit":
            c = n.value
            return lambda x: c
        if op in ("var", "visits", "turn"):
            f = self.field(n)
            if f is None:
                return lambda x: 0
            sh, m, lo = f
            if lo:
                return lambda x: ((x >> sh) & m) + lo
            return lambda x: (x >> sh) & m
        args = [self.scalar(a) for a in n.args]
        if op == "not":
            (a,) = args
            return lambda x: not a(x)
        if op == "neg":
            (a,) = args
            return lambda x: _sat(-a(x))
        if op == "call":
            name = n.value
            if name == "abs":
                (a,) = args
                return lambda x: _sat(abs(a(x)))
            a, b = args
            if name == "min":
                return lambda x: min(a(x), b(x))
            if name == "max":
                return lambda x: max(a(x), b(x))
            raise ValueError("random() has no place on the fast path")
        a, b = args
        table = {
            "and": lambda x: a(x) and b(x),
            "or": lambda x: a(x) or b(x),
            "==": lambda x: a(x) == b(x),
            "!=": lambda x: a(x) != b(x),
            "<": lambda x: a(x) < b(x),
            "<=": lambda x: a(x) <= b(x),
            ">": lambda x: a(x) > b(x),
            ">=": lambda x: a(x) >= b(x),
            "+": lambda x: _sat(a(x) + b(x)),
            "-": lambda x: _sat(a(x) - b(x)),
            "*": lambda x: _sat(a(x) * b(x)),
            "/": lambda x: _div(a(x), b(x)),
            "%": lambda x: _mod(a(x), b(x)),
        }
        return table[op]

    def window(self, fields: list):
        """(shift, width) of the smallest bit window holding all the fields, or (0, 0)."""
        if not fields:
            return 0, 0
        lo = min(sh for sh, _, _ in fields)
        hi = max(sh + m.bit_length() for sh, m, _ in fields)
        return lo, hi - lo

    def _take(self, width: int) -> bool:
        """Whether a table of 2**width entries may be built (within the search's budget)."""
        if width > MAX_WINDOW or (1 << width) > self.budget:
            return False
        self.budget -= 1 << width
        return True

    def cond(self, n: Node | None):
        """(T, sh, m): the truth of n for key x is T[x >> sh & m] (truthy or not)."""
        if n is None:
            return (True,), 0, 0
        got = self.cond_cache.get(n)
        if got is None:
            sh, w = self.window(self.reads(n, []))
            if self._take(w):
                f = self.scalar(n)
                got = tuple([bool(f(d << sh)) for d in range(1 << w)]), sh, (1 << w) - 1
            else:
                got = _Call(self.pred(n)), 0, -1
            self.cond_cache[n] = got
        return got

    def pred(self, n: Node):
        """A function of the key, truthy when n holds: `and`, `or` and `not` over the parts, each
        part from a table when it reads a narrow window, else a closure."""
        op = n.op
        if op in ("and", "or", "not"):
            args = [self.pred(a) for a in n.args]
            if op == "not":
                (a,) = args
                return lambda x: not a(x)
            a, b = args
            if op == "and":
                return lambda x: a(x) and b(x)
            return lambda x: a(x) or b(x)
        sh, w = self.window(self.reads(n, []))
        if self._take(w):
            f = self.scalar(n)
            T = tuple([bool(f(d << sh)) for d in range(1 << w)])
            m = (1 << w) - 1
            return lambda x: T[x >> sh & m]
        return self.scalar(n)

    def effect(self, e):
        """(step, fields) for one effect: step(x) -> (x with e applied, the unclamped value when it
        hit a bound, else None); fields: those it reads and writes."""
        _, fsh, fm, flo = self.codec.value_field[e.var.index]
        f = self.scalar(e.value)
        fields = self.reads(e.value, [(fsh, fm, flo)])
        clr = ~(fm << fsh)
        if e.var.type == "bool":
            def step(x):
                return (x & clr) | ((1 if f(x) else 0) << fsh), None
            return step, fields
        lo, hi, op = e.var.lo, e.var.hi, e.op

        def step(x):
            v = f(x)
            if op == "+=":
                v = _sat(((x >> fsh) & fm) + flo + v)
            elif op == "-=":
                v = _sat(((x >> fsh) & fm) + flo - v)
            hit = None
            if v < lo:
                hit, v = v, lo
            elif v > hi:
                hit, v = v, hi
            return (x & clr) | ((v - flo) << fsh), hit
        return step, fields

    def effects(self, effects: tuple):
        """(ET, OB, sh, m, clear) for a choice's effects, run in order (engine semantics, values
        clamped to their bounds): for key x and d = x >> sh & m, `(x & ~clear) | ET[d]` is the key
        with the effects applied, and OB[d] the (effect index, unclamped value) of those that hit
        a bound. OB is None when no effect can hit one.

        One table over the window of all the effects when it is narrow enough; else a closure
        over the key that runs each effect from its own table (or closure)."""
        if not effects:
            return (0,), None, 0, 0, 0
        ck = tuple((e.var.index, e.op, e.value) for e in effects)
        got = self.effects_cache.get(ck)
        if got is not None:
            return got
        steps = []
        fields: list = []
        wmask = 0
        for e in effects:
            step, fl = self.effect(e)
            steps.append((step, fl))
            fields += fl
            wmask |= fl[0][1] << fl[0][0]
        may_hit = any(e.var.type == "int" for e in effects)
        sh, w = self.window(fields)
        if self._take(w):
            def run(x):
                hits = ()
                for j, (step, _) in enumerate(steps):
                    x, hit = step(x)
                    if hit is not None:
                        hits += ((j, hit),)
                return x, hits

            m = (1 << w) - 1
            clear = m << sh
            et = []
            ob = []
            for d in range(1 << w):
                y, hits = run(d << sh)
                et.append(y & clear)
                ob.append(hits)
            got = (tuple(et), tuple(ob) if may_hit and any(ob) else None, sh, m, clear)
        else:
            parts = []
            for step, fl in steps:
                psh, pw = self.window(fl)
                if self._take(pw):
                    pm = (1 << pw) - 1
                    rows = [step(d << psh) for d in range(1 << pw)]
                    parts.append((tuple(y & (pm << psh) for y, _ in rows), tuple(h for _, h in rows),
                                  psh, pm, ~(pm << psh), None))
                else:
                    parts.append((None, None, 0, 0, 0, step))
            last = [None, ()]  # the last key run, and its hits: OB[x] comes right after ET[x]

            def run(x):
                x0 = x
                hits = ()
                for j, (T, H, psh, pm, pclr, step) in enumerate(parts):
                    if T is None:
                        x, hit = step(x)
                    else:
                        d = x >> psh & pm
                        x = (x & pclr) | T[d]
                        hit = H[d]
                    if hit is not None:
                        hits += ((j, hit),)
                last[0], last[1] = x0, hits
                return x & wmask

            def hits(x):
                if last[0] != x:
                    run(x)
                return last[1]

            got = (_Call(run), _Call(hits) if may_hit else None, 0, -1, wmask)
        self.effects_cache[ck] = got
        return got


class FastSearch:
    """Explorer.run for the worlds `applies` accepts: same search, same Exploration. One per search.

    A room whose choices are all repeatable, at most `MAX_ROOM_CHOICES` of them, with conditions
    that together read a window of at most `MAX_WINDOW` bits, gets a table from that window to
    the set of its enabled choices (a bit mask, filled as met), shared by the rooms with the same
    conditions, and per mask the tuple of moves (built the first time the room shows it): such a
    state is expanded without testing its choices one by one, and the condition outcomes are
    counted once per state (per mask) instead of per choice. Other rooms test choice by choice.
    """

    def __init__(self, xp):
        self.xp = xp
        world = xp.world
        codec = xp.codec
        comp = _Compiler(xp)
        self.compiler = comp
        full = (1 << codec.bits) - 1
        self.turn = None
        kind0 = 0
        if codec.turn_kind == "cap":
            self.turn = (codec.turn_shift, codec.turn_mask, xp.turn_cap)
            kind0 |= K_TBUMP
        # texts of each room: (text number, T, sh, m)
        self.text_info: list = []  # text number -> (room id, index)
        self.rtexts: list = []
        for rid in xp.room_ids:
            lst = []
            for i, t in enumerate(world.rooms[rid].text_if):
                T, sh, m = comp.cond(t.cond)
                lst.append((len(self.text_info), T, sh, m))
                self.text_info.append((rid, i))
            self.rtexts.append(tuple(lst))
        # endings in order: (id, T, sh, m, conds key), T None for one without `when`
        self.end_tests = []
        for e in world.endings:
            if e.when is None:
                self.end_tests.append((e.id, None, 0, 0, None))
            else:
                T, sh, m = comp.cond(e.when)
                self.end_tests.append((e.id, T, sh, m, ("ending", e.id)))
        # each choice as a move: (g, ET, esh, em, keep, add, kind, dest); the key after the move
        # is (x & keep) | ET[x >> esh & em] | add, then what `kind` asks for, from aux[g]
        self.aux: list = []  # per choice: (key, OB, visits bump, end, out-of-bounds keys)
        # each room's choices for testing one by one: (once bit, CT, csh, cm, g, move)
        self.rchs: list = []
        # each room's table, or None: [RT, sh, m, tests, then per mask: moves, count]; RT maps
        # the window to the index of the mask's moves in this list (4 + 2 * mask), None until met
        self.rinfo: list = []
        ints: dict = {}
        tables: dict = {}
        for r, lst in enumerate(xp.room_choices):
            out = []
            for c in lst:
                ch = c.choice
                CT, csh, cm = comp.cond(ch.cond)
                ET, OB, esh, em, clear = comp.effects(ch.effects)
                kind = kind0
                add = c.once_bit << codec.used_shift
                if OB is not None:
                    kind |= K_OOB
                vbump = None
                if c.end is not None:
                    kind |= K_END
                elif c.go >= 0:
                    clear |= codec.room_mask
                    add |= c.go
                    slot = xp.room_slot[c.go]
                    vf = codec.visit_field.get(slot)
                    if vf is not None:
                        kind |= K_VBUMP
                        vbump = (vf[1], vf[2], xp.vcap[slot])
                    if self.rtexts[c.go]:
                        kind |= K_TEXT
                elif self.rtexts[r]:
                    kind |= K_STAYTEXT
                okeys = tuple((ch.key, j) for j in range(len(ch.effects)))
                self.aux.append((ch.key, OB, vbump, c.end, okeys))
                # equal ints as one object: fewer distinct objects to fetch per move in big worlds
                desc = tuple(ints.setdefault(v, v) if type(v) is int else v for v in (
                    c.g, ET, esh, em, full & ~clear, add, kind, c.go if c.end is None else -1))
                out.append((c.once_bit << codec.used_shift, CT, csh, cm, c.g, desc))
            self.rchs.append(tuple(out))
            self.rinfo.append(self._room_table(comp, lst, out, tables))

    def _room_table(self, comp, lst, out, tables):
        """The room's table (see the class doc and `rinfo`), or None to test choice by choice."""
        if len(lst) > MAX_ROOM_CHOICES or any(c.once_bit for c in lst):
            return None
        conds = tuple(c.choice.cond for c in lst)
        got = tables.get(conds)
        if got is None:
            if any(type(o[1]) is not tuple for o in out):
                return None
            fields: list = []
            for n in conds:
                if n is not None:
                    comp.reads(n, fields)
            sh, w = comp.window(fields)
            if w > MAX_WINDOW:
                return None
            got = tables[conds] = ([None] * (1 << w), sh, (1 << w) - 1, tuple(o[1:4] for o in out))
        RT, sh, m, tests = got
        return [RT, sh, m, tests] + [None, 0] * (1 << len(lst))

    @staticmethod
    def _mask(tests, y: int) -> int:
        """The enabled choices (bit j for the room's choice j) in a key whose window is y."""
        mask = 0
        for j, (CT, csh, cm) in enumerate(tests):
            if CT[y >> csh & cm]:
                mask |= 1 << j
        return mask

    def _enabled(self, x: int) -> list:
        """The moves enabled in key x (as the search finds them, without counting)."""
        r = x & self.xp.codec.room_mask
        ri = self.rinfo[r]
        if ri is not None:
            RT, rsh, rm, tests = ri[:4]
            m = self._mask(tests, (x >> rsh & rm) << rsh)
            return [self.rchs[r][j][5] for j in range(len(tests)) if m >> j & 1]
        return [desc for ob, CT, csh, cm, g, desc in self.rchs[r] if not x & ob and CT[x >> csh & cm]]

    def _enter(self, x: int, room: int, witness: tuple, ttrue, tfalse, texts) -> None:
        """A room's texts on entering state x (the general search's `_texts`)."""
        info = self.text_info
        for tid, T, sh, m in self.rtexts[room]:
            if T[x >> sh & m]:
                n = ttrue[tid]
                if not n and info[tid] not in texts:
                    texts[info[tid]] = witness
                ttrue[tid] = n + 1
            else:
                tfalse[tid] += 1

    def _resolve(self, y: int, conds) -> str:
        """The ending an `end = true` choice reaches from y (values after its effects, the turn
        after the move, visits before it), counting the `when` outcomes (general `_resolve`)."""
        for eid, T, sh, m, ck in self.end_tests:
            if T is None:
                return eid
            ok = T[y >> sh & m]
            if conds is not None:
                conds[ck][0 if ok else 1] += 1
            if ok:
                return eid
        return self.end_tests[-1][0]

    def moves(self, key: int) -> list:
        """The moves from a state as Explorer.successors gives them, from the same tables and
        steps as the search (routes.py searches with it; the tests hold it equal)."""
        out = []
        x = key
        for g, ET, esh, em, keep, add, kind, dest in self._enabled(x):
            aux = self.aux[g]
            nk = (x & keep) | ET[x >> esh & em] | add
            if kind & K_TBUMP:
                tsh, tm, tcap = self.turn
                if (nk >> tsh) & tm < tcap:
                    nk += 1 << tsh
            if kind & K_END:
                end = aux[3]
                out.append((g, None, self._resolve(nk, None) if end is True else end))
                continue
            if kind & K_VBUMP:
                vsh, vm, vcap = aux[2]
                if (nk >> vsh) & vm < vcap:
                    nk += 1 << vsh
            out.append((g, nk, None))
        return out

    def run(self, max_states: int, max_seconds: float | None, until, t0: float) -> "object":

        xp = self.xp
        world = xp.world
        codec = xp.codec
        ex = xp.new_exploration()
        conds = ex.conds

        start = xp.start_key()
        keys = array("q", [start]) if codec.bits <= 63 else [start]
        ex.keys = keys
        parent, via = ex.parent, ex.via
        parent.append(NO_STATE)
        via.append(NO_STATE)
        # what is known of each key: 0 not found, 1 found, 2 found by a choice that stays in a room
        # with texts and not yet entered. A bytearray indexed by key when the key space is small
        # enough (one byte a key, no hashing), else a dict that reads 0 for keys not in it.
        if codec.bits <= DENSE_BITS and 1 << codec.bits <= 64 * (max_states + 1):
            seen = bytearray(1 << codec.bits)
        else:
            seen = defaultdict(int)
        seen[start] = 1
        n_rooms = len(xp.room_ids)
        G = len(xp.by_g)
        NT = len(self.text_info)
        room_ids = xp.room_ids
        rooms = ex.rooms
        texts = ex.texts
        endings = ex.endings
        end_targets = ex.end_targets
        out_of_bounds = ex.out_of_bounds
        softlocks = ex.softlocks
        start_room = start & codec.room_mask
        rooms[world.start] = (NO_STATE, NO_STATE)
        rseen = bytearray(n_rooms)
        rseen[start_room] = 1
        ttrue = [0] * NT
        tfalse = [0] * NT
        self._enter(start, start_room, (NO_STATE, NO_STATE), ttrue, tfalse, texts)
        # rooms tested choice by choice: times each choice was enabled, not tried (taken once),
        # and states expanded in each room
        ct = [0] * G
        skips = [0] * G
        rexp = [0] * n_rooms
        first = [NO_STATE] * G  # the first state where each choice was enabled
        rchs = self.rchs
        rinfo = self.rinfo
        auxs = self.aux
        rtexts = self.rtexts
        text_info = self.text_info
        RM = codec.room_mask
        turn = self.turn
        enter = self._enter
        resolve = self._resolve
        room_mask = self._mask
        keys_append = keys.append
        parent_append = parent.append
        via_append = via.append
        softlock_count = 0

        level_end = 1
        depth = 0
        head = 0
        nst = 1
        stopped = ""
        while head < nst:
            if stopped:
                break
            if head == level_end:
                depth += 1
                level_end = nst
            if nst > max_states:
                stopped = "states"
                break
            if max_seconds is not None and head & 255 == 0 and time.monotonic() - t0 > max_seconds:
                stopped = "seconds"
                break
            sid = head
            head += 1
            x = keys[sid]
            r = x & RM
            L = rinfo[r]
            if L is not None:
                i = x >> L[1] & L[2]
                RT = L[0]
                j = RT[i]
                if j is None:
                    j = RT[i] = 4 + 2 * room_mask(L[3], i << L[1])
                L[j + 1] += 1
                mv = L[j]
                if mv is None:  # the first state of this room with these choices enabled
                    m = (j - 4) >> 1
                    mv = L[j] = tuple([rchs[r][b][5] for b in range(len(rchs[r])) if m >> b & 1])
                    for d in mv:
                        if first[d[0]] == NO_STATE:
                            first[d[0]] = sid
                    if not mv and room_ids[r] not in softlocks:
                        softlocks[room_ids[r]] = sid
            else:
                rexp[r] += 1
                mv = []
                for ob, CT, csh, cm, g, d in rchs[r]:
                    if x & ob:
                        skips[g] += 1
                        continue
                    if CT[x >> csh & cm]:
                        n = ct[g]
                        if not n:
                            first[g] = sid
                        ct[g] = n + 1
                        mv.append(d)
                if not mv:
                    softlock_count += 1
                    if room_ids[r] not in softlocks:
                        softlocks[room_ids[r]] = sid
            for g, ET, esh, em, keep, add, kind, dest in mv:
                d = x >> esh & em
                nk = (x & keep) | ET[d] | add
                if kind & K_PRE:
                    aux = auxs[g]
                    if kind & K_TBUMP:
                        tsh, tm, tcap = turn
                        if (nk >> tsh) & tm < tcap:
                            nk += 1 << tsh
                    if kind & K_OOB:
                        hits = aux[1][d]
                        if hits:
                            okeys = aux[4]
                            for j, v in hits:
                                if okeys[j] not in out_of_bounds:
                                    out_of_bounds[okeys[j]] = (sid, v)
                    if kind & K_END:
                        ck, _, _, end, _ = aux
                        ending = resolve(nk, conds) if end is True else end
                        s = end_targets.get(ck)
                        if s is None:
                            s = end_targets[ck] = set()
                        s.add(ending)
                        if ending not in endings:
                            endings[ending] = (sid, g)
                            if until is not None and until <= endings.keys():
                                stopped = "found"
                        continue
                    if kind & K_VBUMP:
                        vsh, vm, vcap = aux[2]
                        if (nk >> vsh) & vm < vcap:
                            nk += 1 << vsh
                s = seen[nk]
                if s:
                    if s == 2 and dest >= 0:  # entering a state first found by staying
                        seen[nk] = 1
                        enter(nk, dest, (sid, g), ttrue, tfalse, texts)
                    continue
                keys_append(nk)
                parent_append(sid)
                via_append(g)
                nst += 1
                if dest >= 0:
                    seen[nk] = 1
                    if not rseen[dest]:
                        rseen[dest] = 1
                        rooms[room_ids[dest]] = (sid, g)
                    if kind & K_TEXT:
                        for tid, T, sh, m in rtexts[dest]:
                            if T[nk >> sh & m]:
                                n = ttrue[tid]
                                if not n and text_info[tid] not in texts:
                                    texts[text_info[tid]] = (sid, g)
                                ttrue[tid] = n + 1
                            else:
                                tfalse[tid] += 1
                else:
                    seen[nk] = 2 if kind & K_STAYTEXT else 1

        # counts into the Exploration's dicts
        by_g = xp.by_g
        for g in sorted((g for g in range(G) if first[g] != NO_STATE), key=lambda g: (first[g], g)):
            ex.choices[by_g[g].choice.key] = first[g]
        for r, lst in enumerate(xp.room_choices):
            L = rinfo[r]
            if L is None:
                for c in lst:
                    if c.choice.cond is not None:
                        g = c.g
                        cc = conds[("choice", c.choice.key)]
                        cc[0] += ct[g]
                        cc[1] += rexp[r] - skips[g] - ct[g]
                continue
            cnt = L[5::2]
            softlock_count += cnt[0]
            total = sum(cnt)
            for j, c in enumerate(lst):
                if c.choice.cond is not None:
                    t = sum(n for m, n in enumerate(cnt) if m >> j & 1)
                    cc = conds[("choice", c.choice.key)]
                    cc[0] += t
                    cc[1] += total - t
        for tid, (rid, i) in enumerate(text_info):
            cc = conds[("text", rid, i)]
            cc[0] += ttrue[tid]
            cc[1] += tfalse[tid]
        ex.softlock_count = softlock_count
        ex.expanded = head
        ex.states = nst
        ex.depth = depth
        if stopped:
            ex.stopped = stopped
        else:
            ex.complete = True
        ex.seconds = time.monotonic() - t0
        return ex

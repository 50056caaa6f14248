"""Load a world folder of TOML into frozen model objects, reporting every problem at once.

Each problem names the file, the line and the key path, and carries a hint. Nothing in a world is
executed: conditions and effects go through the closed expression language in expr.py.
"""

from __future__ import annotations

import gc
import os
import re
from pathlib import Path

from ..core.errors import ExprError, Problem, WorldError
from ..core.expr import KEYWORDS, Scope, Var, compile_effect, compile_node, enum_type, parse_condition, parse_effect
from . import cache, files
from .files import MAX_FILE_BYTES
from ..core.record import LazyLine
from ..core.model import Ending, Rule, StateVar, World
from ..core.suggest import did_you_mean
from ..core.text import Template, compile_text, escape_line, one_line
from .rooms import CHOICE_KEYS, ID, MAX_ID, MAX_TEXT, ROOM_KEYS, TEXT_IF_KEYS, RoomReader, flat
from .rooms import type_name as _type_name

TYPE_CHECKING = False  # typing costs start-up time; checkers read this as True
if TYPE_CHECKING:
    from .locate import Locator

__all__ = ["load_world", "find_world", "shipped_worlds", "MAX_FILE_BYTES", "MAX_TEXT",
           # every key the format has, read by schema.py (the room keys are read in rooms.py)
           "WORLD_KEYS", "ENDING_KEYS", "ENDING_RESULTS", "BOUND_KEYS", "RULE_KEYS", "BLOCK_KEYS", "ROOM_KEYS",
           "TEXT_IF_KEYS", "CHOICE_KEYS", "ID", "NAME", "MAX_ID", "IFID", "MAX_ENUM"]

MAX_ROOMS = 200_000
MAX_PROBLEMS = 1000  # a load stops looking after this many
# fullmatch: `$` would let a trailing newline through
NAME = re.compile(r"[a-z_][a-z0-9_]*")

WORLD_KEYS = ("id", "title", "start", "author", "intro", "unavailable", "version", "show_changes", "ifid", "blurb")
# the Treaty of Babel: an IFID is 8 to 63 capital letters, digits and '-'; a new story's is a UUID
IFID = re.compile(r"[A-Z0-9-]{8,63}")
ENDING_KEYS = ("id", "title", "text", "when", "secret", "by_name", "score", "result")
# an ending's `result`, for agent benchmarks (leave it out for an ending that is neither)
ENDING_RESULTS = ("won", "lost")
BOUND_KEYS = ("default", "min", "max", "hidden", "one_of", "persist", "clamp")
RULE_KEYS = ("id", "when", "do", "text", "go", "end", "once")
BLOCK_KEYS = ("choice",)
MAX_ENUM = 64  # names in one enum


def _here_worlds() -> list[Path]:
    """Where shipped worlds live: inside the installed package, or beside it in a checkout."""
    pkg = Path(__file__).resolve().parent.parent  # adventure/
    return [p for p in (pkg / "_worlds", pkg.parent / "worlds") if p.is_dir()]


def shipped_worlds() -> dict[str, Path]:
    out: dict[str, Path] = {}
    for base in _here_worlds():
        for d in sorted(base.iterdir()):
            if (d / "world.toml").is_file():
                out.setdefault(d.name, d)
    return out


def find_world(name_or_path: str | os.PathLike) -> Path:
    """A world folder from a path, or the name of a shipped world. Raises WorldError if neither."""
    p = Path(name_or_path)
    if p.is_file() and p.name == "world.toml":
        return p.parent
    shipped = shipped_worlds()
    if p.is_dir():
        # a bare name that is a shipped world's, where a folder of that name holds no world (the
        # saves folder of that world, say), means the shipped world
        if str(name_or_path) in shipped and not (p / "world.toml").exists():
            return shipped[str(name_or_path)]
        return p
    if str(name_or_path) in shipped:
        return shipped[str(name_or_path)]
    s = did_you_mean(str(name_or_path), shipped)
    hint = f"did you mean {s!r}?" if s else "shipped worlds: " + ", ".join(shipped) if shipped else ""
    raise WorldError([Problem(files.display(name_or_path), None, "", "no such world folder or shipped world", hint)])


class _Lines:
    """A file's Locator, built on first use: only problems and the model's `.line` ask for it."""

    __slots__ = ("text", "_loc")

    def __init__(self, text: str):
        self.text = text
        self._loc: Locator | None = None

    @property
    def loc(self) -> Locator:
        if self._loc is None:
            from .locate import Locator  # only for problems and `.line`

            self._loc = Locator(self.text)
        return self._loc


class _File:
    def __init__(self, path: Path, rel: str, name: str, text: str, data: dict):
        self.path = path
        self.rel = rel
        self.name = name
        self.text = text
        self.data = data
        self.lines = _Lines(text)

    @property
    def loc(self) -> Locator:
        return self.lines.loc

    def line(self, path: tuple) -> LazyLine:
        """The line of `path`, resolved when the model object's `.line` is read."""
        return LazyLine(self.lines, path)


class _Loader(RoomReader):
    def __init__(self, root: Path, use_cache: bool = True):
        self.root = root
        self.use_cache = use_cache
        self.from_cache = False
        self.problems: list[Problem] = []
        self.files: dict[str, str] = {}
        self.scope: Scope | None = None
        self.blocks: dict = {}
        # each distinct source is parsed once per load (the scope is fixed for a load, so this is
        # exact); a failure is kept too, and reported again at every place the source occurs
        self._texts: dict[str, Template | ExprError] = {}
        self._conds: dict[str, tuple | ExprError | RecursionError] = {}
        self._effects: dict[str, tuple | ExprError | RecursionError] = {}
        self._effect_lists: dict[tuple, tuple] = {}  # a choice's `do` -> (effects, runs, writes)

    # -- reporting
    def problem(self, f: _File | str, path: tuple, message: str, hint: str = "", line: int | None = None) -> None:
        if isinstance(f, _File):
            rel = f.rel
            if line is None:
                line = f.loc.line(path)
        else:
            rel = f
        from .locate import keypath

        self.problems.append(Problem(rel, line, keypath(path), message, hint))
        if len(self.problems) >= MAX_PROBLEMS:
            self.problems.append(files.too_many(self.root, MAX_PROBLEMS))
            raise WorldError(self.sorted_problems())

    def expr_problem(self, f: _File, path: tuple, err: ExprError) -> None:
        caret = ""
        if err.source:
            caret = f"in {err.source!r}, column {err.pos + 1}"
        self.problem(f, path, err.message, caret)

    def room_hint(self, suggestion: str | None, room_index: dict) -> str:
        if suggestion:
            return f"did you mean {suggestion!r}?"
        if self.rooms_incomplete:
            return "or it is in a room file that failed to load"
        return "rooms: " + ", ".join(list(room_index)[:12]) + (", ..." if len(room_index) > 12 else "")

    def sorted_problems(self) -> list[Problem]:
        """World file first, then room files in name order; by line within a file."""
        order = {f: i for i, f in enumerate(self.files)}
        return sorted(self.problems, key=lambda p: (order.get(p.file, len(order)), p.file, p.line or 0))

    # -- reading
    def parse(self, r: files.Raw, cached: dict | None) -> _File | None:
        if cached is not None:
            return _File(r.path, r.rel, r.name, r.text, cached[r.name])
        data, err = files.parse_toml(r.text)
        if err is not None:
            msg, hint, line = err
            self.problem(r.rel, (), msg, hint, line=line)
            return None
        return _File(r.path, r.rel, r.name, r.text, data)

    # -- typed access
    def check_id(self, f: _File, path: tuple, v: str | None, what: str) -> None:
        """Report an id (of the world, an ending or a choice) that is empty, too long or not made of
        letters, digits, '-' and '_'. None: missing or of the wrong type, already reported."""
        if v is None:
            return
        hint = f"ids use letters, digits, '-' and '_', at most {MAX_ID} of them"
        if not v:
            self.problem(f, path, f"{what} is empty", hint)
        elif len(v) > MAX_ID:
            self.problem(f, path, f"{what} is {len(v):,} characters; the limit is {MAX_ID}", hint)
        elif not ID.fullmatch(v):
            self.problem(f, path, f"{what} {v!r} must use letters, digits, '-' and '_'", hint)

    def unknown_keys(self, f: _File, table: dict, allowed, path: tuple, what: str) -> None:
        for k in table:
            if k not in allowed:
                s = did_you_mean(k, allowed)
                hint = f"did you mean {s!r}?" if s else f"{what} keys are: {', '.join(allowed)}"
                self.problem(f, path + (k,), f"unknown key {k!r} in {what}", hint)

    def get(self, f: _File, table: dict, key: str, types, path: tuple, required: bool = False, default=None):
        if key not in table:
            if required:
                self.problem(f, path, f"missing required key {key!r}")
            return default
        v = table[key]
        want = types if types.__class__ is tuple else (types,)
        # TOML gives exactly these types (no subclasses); type(True) is bool, so a flag is no number
        if type(v) not in want:
            names = " or ".join(_type_name(t()) if t is not bool else "true/false" for t in want)
            self.problem(f, path + (key,), f"expected {names}, got {_type_name(v)}")
            return default
        if type(v) is str and len(v) > MAX_TEXT:
            self.problem(f, path + (key,), f"text is {len(v):,} characters; the limit is {MAX_TEXT:,}")
            return default
        return v

    def text(self, f: _File, table: dict, key: str, path: tuple, required: bool = False) -> Template | None:
        s = self.get(f, table, key, str, path, required)
        if s is None:
            return None
        t = self._compiled_text(s)
        if t.__class__ is ExprError:
            self.expr_problem(f, path + (key,), t)
            return None
        return t

    def _parsed_condition(self, src: str):
        """(node, test) or the error, parsed once per distinct source in this load."""
        r = self._conds.get(src)
        if r is None:
            self._conds[src] = r = self._parse(parse_condition, compile_node, src)
        return r

    def _parsed_effect(self, src: str):
        """(Effect, run) or the error, parsed once per distinct source in this load."""
        r = self._effects.get(src)
        if r is None:
            self._effects[src] = r = self._parse(parse_effect, compile_effect, src)
        return r

    def _parse(self, parse, compile_, src: str):
        try:
            x = parse(flat(src), self.scope)
            return (x, compile_(x))
        except (ExprError, RecursionError) as err:
            return err

    def _report(self, f: _File, path: tuple, err) -> None:
        if isinstance(err, ExprError):
            self.expr_problem(f, path, err)
        else:
            self.problem(f, path, "expression nested too deeply")

    def condition(self, f: _File, src, path: tuple):
        r = self._parsed_condition(src)
        if r.__class__ is tuple:
            return r
        self._report(f, path, r)
        return None, None

    def effect(self, f: _File, src: str, path: tuple):
        """(Effect, compiled run) or None after reporting the problem."""
        r = self._parsed_effect(src)
        if r.__class__ is tuple:
            return r
        self._report(f, path, r)
        return None

    # -- the world
    def run(self) -> World:
        root = self.root
        reader = files.WorldReader(root, self.problems, MAX_PROBLEMS)
        got = reader.read()
        if got is None:
            raise WorldError(self.sorted_problems())
        wraw, room_raws = got
        room_paths = reader.room_paths
        self.files, self.size, self.content_hash = reader.files, reader.size, reader.content_hash
        raws = ([wraw] if wraw is not None else []) + room_raws
        # every file read: the parsed tables may come from the cache, keyed on the content hash
        cached = None
        if self.use_cache and not self.problems and self.size >= cache.MIN_BYTES:
            cached = cache.read(self.content_hash, [r.name for r in raws])
        self.from_cache = cached is not None
        wf = self.parse(wraw, cached) if wraw is not None else None
        room_files = [rf for rf in (self.parse(r, cached) for r in room_raws) if rf is not None]
        self.parsed = ([wf] if wf is not None else []) + room_files
        # a room file that failed to read may hold the rooms other files name: don't call those missing
        self.rooms_incomplete = len(room_files) < len(room_paths)
        if wf is None:
            raise WorldError(self.sorted_problems())
        data = wf.data
        self.unknown_keys(wf, data, ("world", "state", "ending", "rule", "block"), (), "world.toml")

        w = self.get(wf, data, "world", dict, (), required=True, default={})
        self.unknown_keys(wf, w, WORLD_KEYS, ("world",), "[world]")
        wid = self.get(wf, w, "id", str, ("world",), required=True, default=None)
        self.check_id(wf, ("world", "id"), wid, "the world's id")
        wid = wid or ""
        title = one_line(self.get(wf, w, "title", str, ("world",), required=True, default=""))
        start = self.get(wf, w, "start", str, ("world",), required=True, default="")
        author = one_line(self.get(wf, w, "author", str, ("world",), default=""))
        version = one_line(self.get(wf, w, "version", str, ("world",), default=""))
        ifid = self.get(wf, w, "ifid", str, ("world",), default="")
        if ifid and not IFID.fullmatch(ifid):
            hint = ("write it in capitals" if IFID.fullmatch(ifid.upper())
                    else "a UUID such as `python -c 'import uuid; print(str(uuid.uuid4()).upper())'`")
            self.problem(wf, ("world", "ifid"), f"{escape_line(ifid)!r} is not an IFID: 8 to 63 capital letters, digits and '-'", hint)
            ifid = ""
        blurb = self.get(wf, w, "blurb", str, ("world",), default="")
        unavailable = self.get(wf, w, "unavailable", str, ("world",), default="hide")
        if unavailable not in ("hide", "grey"):
            self.problem(wf, ("world", "unavailable"), f"must be \"hide\" or \"grey\", not {unavailable!r}")
            unavailable = "hide"
        self.unavailable = unavailable

        # declared state
        show_changes = self.get(wf, w, "show_changes", bool, ("world",), default=True)
        vars_: list[StateVar] = []
        st = self.get(wf, data, "state", dict, (), default={})
        for name, spec in st.items():
            path = ("state", name)
            if not NAME.fullmatch(name) or len(name) > MAX_ID:
                self.problem(wf, path, f"{name!r} is not a valid name", f"names use lower-case letters, digits and '_', start with a letter or '_', and have at most {MAX_ID} characters")
                continue
            if name in KEYWORDS:
                self.problem(wf, path, f"{name!r} is a word of the expression language", "choose another name")
                continue
            lo = hi = None
            hidden = not show_changes
            names: tuple = ()
            persist = clamp = False
            if isinstance(spec, dict):
                self.unknown_keys(wf, spec, BOUND_KEYS, path, "a declaration table")
                hidden = self.get(wf, spec, "hidden", bool, path, default=hidden)
                persist = self.get(wf, spec, "persist", bool, path, default=False)
                clamp = self.get(wf, spec, "clamp", bool, path, default=False)
                if "one_of" in spec:
                    got = self.enum(wf, spec, path)
                    if got is None:
                        continue
                    names, default = got
                    vars_.append(StateVar(name, len(vars_), "enum", default, 0, len(names) - 1, wf.rel, wf.line(path),
                                          hidden, names, persist, False))
                    continue
                default = self.get(wf, spec, "default", (bool, int), path, required=True, default=0)
                if clamp and (isinstance(default, bool) or ("min" not in spec and "max" not in spec)):
                    self.problem(wf, path + ("clamp",), "'clamp' is for a counter with a 'min' or 'max'")
                if isinstance(default, bool):
                    typ = "bool"
                    for k in ("min", "max"):
                        if k in spec:
                            self.problem(wf, path + (k,), f"a flag has no bounds; {k!r} is for counters")
                else:
                    typ = "int"
                    lo = self.get(wf, spec, "min", int, path)
                    hi = self.get(wf, spec, "max", int, path)
                    if lo is not None and hi is not None and lo > hi:
                        self.problem(wf, path, f"min {lo} is greater than max {hi}")
                    elif (lo is not None and default < lo) or (hi is not None and default > hi):
                        self.problem(wf, path + ("default",), f"default {default} is outside the bounds [{lo}, {hi}]")
            elif isinstance(spec, bool):
                default, typ = spec, "bool"
            elif isinstance(spec, int):
                default, typ = spec, "int"
            else:
                self.problem(wf, path, f"expected true/false (a flag), a whole number (a counter) or {{ default = 0, min = 0, max = 9 }}, got {_type_name(spec)}")
                continue
            if typ == "int" and abs(default) > 2**63 - 1:
                self.problem(wf, path, "default is outside the 64-bit range")
                continue
            vars_.append(StateVar(name, len(vars_), typ, default, lo, hi, wf.rel, wf.line(path), hidden, (), persist, clamp))
        self.var_index = {v.name: v.index for v in vars_}

        # rooms: collect ids first so expressions and `go` can name any room
        raw_rooms: list[tuple[str, dict, _File]] = []
        seen: dict[str, _File] = {}
        if not room_paths:
            self.problem(files.display(root / "rooms"), (), "no room files found", "put rooms in rooms/*.toml")
        for rf in room_files:
            for rid, body in rf.data.items():
                if not isinstance(body, dict):
                    self.problem(rf, (rid,), f"expected a room table [{escape_line(rid)}], got {_type_name(body)}", "room files hold only [room] tables")
                    continue
                if not NAME.fullmatch(rid) or len(rid) > MAX_ID:
                    self.problem(rf, (rid,), f"room id {rid!r} is not valid", f"room ids use lower-case letters, digits and '_' (so visits.<room> can name them); the limit is {MAX_ID} characters")
                    continue
                if rid in seen:
                    other = seen[rid]
                    self.problem(rf, (rid,), f"room {rid!r} is defined twice", f"also in {other.rel}:{other.loc.line((rid,))}")
                    continue
                seen[rid] = rf
                raw_rooms.append((rid, body, rf))
        if len(raw_rooms) > MAX_ROOMS:
            self.problem(wf, (), f"{len(raw_rooms):,} rooms; the limit is {MAX_ROOMS:,}")
            raise WorldError(self.sorted_problems())
        room_index = {rid: i for i, (rid, _, _) in enumerate(raw_rooms)}
        # each room id as one string object: `go` and `start` name rooms by these very objects, so
        # looking a room up compares identities, not characters (in a big world the characters
        # of a separate copy are rarely in the CPU's caches)
        self.room_key = {rid: rid for rid in room_index}
        self.scope = Scope({v.name: Var(v.index, enum_type(v.values) if v.values else v.type, v.lo, v.hi, v.values)
                            for v in vars_}, room_index, {})

        if not start and "start" in w:
            self.problem(wf, ("world", "start"), "the start room is empty", "name the room the game starts in")
        elif start and start not in room_index:
            s = did_you_mean(start, room_index)
            self.problem(wf, ("world", "start"), f"start room {start!r} does not exist", self.room_hint(s, room_index))

        intro = self.text(wf, w, "intro", ("world",))

        # endings
        endings: list[Ending] = []
        raw_endings = self.get(wf, data, "ending", list, (), default=[])
        ending_ids: set[str] = set()
        last_auto = max((i for i, e in enumerate(raw_endings) if not (isinstance(e, dict) and e.get("by_name") is True)),
                        default=-1)
        if raw_endings and last_auto < 0:
            self.problem(wf, (), "every ending is by name", "leave 'by_name' out of one ending, at least: `end = true` needs one to pick")
        if not raw_endings:
            self.problem(wf, (), "the world has no [[ending]]", "add at least one; the last one has no 'when' and catches every other case")
        for i, e in enumerate(raw_endings):
            path = ("ending", i)
            if not isinstance(e, dict):
                self.problem(wf, path, "expected a table [[ending]]")
                continue
            self.unknown_keys(wf, e, ENDING_KEYS, path, "[[ending]]")
            eid = self.get(wf, e, "id", str, path, required=True, default=None)
            self.check_id(wf, path + ("id",), eid, "an ending's id")
            eid = eid or ""
            if eid in ending_ids:
                self.problem(wf, path + ("id",), f"ending id {eid!r} is used twice")
            ending_ids.add(eid)
            etitle = one_line(self.get(wf, e, "title", str, path, required=True, default=""))
            etext = self.text(wf, e, "text", path, required=True)
            src = flat(self.get(wf, e, "when", str, path))
            node = test = None
            by_name = self.get(wf, e, "by_name", bool, path, default=False)
            last = i == last_auto
            if by_name:
                if src is not None:
                    self.problem(wf, path + ("when",), "a by-name ending has no 'when'",
                                 "it is reached only when a choice or rule names it; remove 'when' or 'by_name'")
                    src = None
            elif src is not None:
                if last:
                    self.problem(wf, path + ("when",), "the last ending must have no 'when'", "it catches every case the endings above do not")
                node, test = self.condition(wf, src, path + ("when",))
            elif not last:
                self.problem(wf, path, f"ending {eid!r} has no 'when' but is not the last ending", "only the last ending may catch everything; add a 'when' or move it last")
            secret = self.get(wf, e, "secret", bool, path, default=False)
            score, result = self._ending_outcome(wf, e, path)
            endings.append(Ending(eid, etitle, etext or Template("", ("",)), node, src or "", test, secret, wf.rel,
                                  wf.line(path), score, result, by_name))

        self.blocks = self.read_blocks(wf, data)
        rooms: dict = {}  # room id -> Room
        for rid, body, rf in raw_rooms:
            room = self.room(rid, body, rf, room_index, ending_ids)
            if room is not None:
                rooms[rid] = room
        rules = self.rules(wf, data, room_index, ending_ids)

        if self.problems:
            raise WorldError(self.sorted_problems())
        seen = _seen_slots(rooms, rules)
        return World(
            id=wid, title=title, author=author, intro=intro, start=self.room_key.get(start, start), unavailable=unavailable,
            vars=tuple(vars_), rooms=rooms, room_order=tuple(room_index), endings=tuple(endings),
            path=str(root), content_hash=self.content_hash, version=version, scope=self.scope,
            files=self.files, ifid=ifid, blurb=blurb, rules=rules, seen=seen,
            blocks={name: (bf.rel, bf.loc.line(("block", name))) for name, (bf, _) in self.blocks.items()},
        )

    def enum(self, wf, spec: dict, path: tuple):
        """(names, default index) of `{ one_of = [...], default = "..." }`, or None after reporting."""
        names = self.get(wf, spec, "one_of", list, path, default=None)
        if names is None:
            return None
        if not names or len(names) > MAX_ENUM:
            self.problem(wf, path + ("one_of",), f"an enum has 1 to {MAX_ENUM} names, not {len(names)}")
            return None
        for n in names:
            if type(n) is not str or not NAME.fullmatch(n) or len(n) > MAX_ID or n in KEYWORDS:
                self.problem(wf, path + ("one_of",), f"{n!r} cannot name a value",
                             "names use lower-case letters, digits and '_', and are not words of the language")
                return None
        if len(set(names)) != len(names):
            self.problem(wf, path + ("one_of",), "a name is listed twice")
            return None
        for k in ("min", "max"):
            if k in spec:
                self.problem(wf, path + (k,), f"an enum has no bounds; {k!r} is for counters")
        default = spec.get("default", names[0])
        if default not in names:
            self.problem(wf, path + ("default",), f"default {default!r} is not one of {', '.join(names)}")
            return None
        return tuple(names), names.index(default)

    def read_blocks(self, wf, data: dict) -> dict:
        """name -> (file, raw choice tables) of world.toml's [block.NAME] tables."""
        out = {}
        raw = self.get(wf, data, "block", dict, (), default={})
        for name, body in raw.items():
            path = ("block", name)
            if not NAME.fullmatch(name) or len(name) > MAX_ID:
                self.problem(wf, path, f"{name!r} is not a valid block name", "lower-case letters, digits and '_'")
                continue
            if type(body) is not dict:
                self.problem(wf, path, f"expected a table [block.{name}] with [[block.{name}.choice]]")
                continue
            self.unknown_keys(wf, body, BLOCK_KEYS, path, "a block")
            choices = self.get(wf, body, "choice", list, path, required=True, default=[])
            for i, c in enumerate(choices):
                if type(c) is not dict:
                    self.problem(wf, path + ("choice", i), f"expected a table [[block.{name}.choice]]")
            out[name] = (wf, choices)
        return out

    def rules(self, wf, data: dict, room_index: dict, ending_ids: set) -> tuple:
        """The world's [[rule]] tables."""
        out = []
        ids: set = set()
        for i, r in enumerate(self.get(wf, data, "rule", list, (), default=[])):
            path = ("rule", i)
            if type(r) is not dict:
                self.problem(wf, path, "expected a table [[rule]]")
                continue
            n_before = len(self.problems)
            self.unknown_keys(wf, r, RULE_KEYS, path, "[[rule]]")
            rid = self.get(wf, r, "id", str, path, required=True, default=None)
            self.check_id(wf, path + ("id",), rid, "a rule's id")
            if rid in ids:
                self.problem(wf, path + ("id",), f"rule id {rid!r} is used twice")
            ids.add(rid)
            src = self.get(wf, r, "when", str, path, required=True)
            node = test = None
            if src is not None:
                src = flat(src)
                node, test = self.condition(wf, src, path + ("when",))
            steps, runs, _ = self._effects_of(r.get("do"), r, path, wf)
            text = self.text(wf, r, "text", path) if "text" in r else None
            go = self.destination_go(r.get("go"), r, path, wf, room_index)
            end = self.destination_end(r.get("end"), r, path, wf, ending_ids)
            if "go" in r and "end" in r:
                self.problem(wf, path, "a rule has 'go' or 'end', not both")
            once = self.get(wf, r, "once", bool, path, default=False)
            if len(self.problems) != n_before or node is None:
                continue
            out.append(Rule(rid, node, src, test, steps, runs, text, go, end, once, wf.rel, wf.line(path)))
        return tuple(out)

    def _ending_outcome(self, f: _File, e: dict, path: tuple) -> tuple[int, str | None]:
        """An ending's `score` (a whole number, default 0) and `result` ("won", "lost" or None),
        checked here rather than by get() so that each problem carries a hint."""
        score = e.get("score", 0)
        if type(score) is not int:  # TOML gives exactly int; true/false is no score
            self.problem(f, path + ("score",), f"expected a whole number, got {_type_name(score)}",
                         "a score is a whole number, without quotes, such as score = 10; leaving it out means 0")
            score = 0
        result = e.get("result")
        if result is not None and result not in ENDING_RESULTS:
            if type(result) is str:
                s = did_you_mean(result[:40], ENDING_RESULTS)
                shown = escape_line(result[:40]) + ("..." if len(result) > 40 else "")
                self.problem(f, path + ("result",), f"result must be \"won\" or \"lost\", not {shown!r}",
                             f"did you mean {s!r}?" if s else "leave result out for an ending that is neither")
            else:
                self.problem(f, path + ("result",), f"expected a string, got {_type_name(result)}",
                             'result is "won" or "lost"; leave it out for an ending that is neither')
            result = None
        return score, result

    def _template(self, s) -> Template | None:
        """The compiled text of a valid string, or None if `text()` would report a problem."""
        if type(s) is not str or len(s) > MAX_TEXT:
            return None
        t = self._compiled_text(s)
        return None if t.__class__ is ExprError else t

    def _compiled_text(self, s: str):
        """The Template of a text, or the ExprError it raised: compiled once per distinct text in
        this load."""
        t = self._texts.get(s)
        if t is None:
            try:
                t = compile_text(s, self.scope if self.scope is not None else self.var_index)
            except ExprError as e:
                t = e
            self._texts[s] = t
        return t


def _seen_slots(rooms: dict, rules: tuple) -> tuple:
    """Give each owner of varying text (see variation.py) its slot in State.seen; the owners, in
    slot order."""
    owners = []
    for r in rooms.values():
        if r.text.varies or any(t.text.varies for t in r.text_if):
            r.seen = len(owners)
            owners.append(("room", r.id))
        for c in r.choices:
            if c.say.varies or (c.reply is not None and c.reply.varies) or (c.why is not None and c.why.varies):
                c.seen = len(owners)
                owners.append(("choice", c.key))
    for rule in rules:
        if rule.text is not None and rule.text.varies:
            rule.seen = len(owners)
            owners.append(("rule", rule.id))
    return tuple(owners)


def load_world(path: str | os.PathLike) -> World:
    """Load a world folder (or a shipped world's name). Raises WorldError listing every problem."""
    root = find_world(path)
    # the load makes many objects and no garbage cycles: full collections over them are wasted time
    enabled = gc.isenabled()
    gc.disable()
    try:
        loader = _Loader(root)
        try:
            world = loader.run()
        except WorldError:
            if not loader.from_cache:
                raise
            # the cached tables do not make a valid world (the cache file was damaged or edited,
            # since its world loaded without problems when it was written): load from the TOML
            loader = _Loader(root, use_cache=False)
            world = loader.run()
        if not loader.from_cache and loader.size >= cache.MIN_BYTES:
            cache.write(loader.content_hash, {f.name: f.data for f in loader.parsed})
        return world
    finally:
        if enabled:
            gc.enable()

"""Load a world folder of TOML into frozen model objects, reporting every problem at once.

Each problem names the file, the line and the key path, and carries a hint. Nothing in a world is
executed: conditions and effects go through the closed expression language in expr.py.
"""

from __future__ import annotations

import gc
import hashlib
import os
import re
from pathlib import Path

try:  # the compiled wheel is faster; the stdlib parser is the same grammar
    import tomli as toml
except ImportError:  # pragma: no cover
    import tomllib as toml

from ..core.errors import ExprError, Problem, WorldError
from ..core.expr import KEYWORDS, Scope, Var, compile_effect, compile_node, parse_condition, parse_effect
from . import cache
from ..core.record import LazyLine
from ..core.model import Ending, StateVar, World
from ..core.suggest import did_you_mean
from ..core.text import Template, compile_text
from .rooms import CHOICE_KEYS, ID, MAX_TEXT, ROOM_KEYS, TEXT_IF_KEYS, RoomReader
from .rooms import type_name as _type_name

TYPE_CHECKING = False  # typing costs start-up time; checkers read this as True
if TYPE_CHECKING:
    from .locate import Locator

__all__ = ["load_world", "find_world", "shipped_worlds", "MAX_FILE_BYTES", "MAX_TEXT",
           # every key the format has, read by schema.py (the room keys are read in rooms.py)
           "WORLD_KEYS", "ENDING_KEYS", "BOUND_KEYS", "ROOM_KEYS", "TEXT_IF_KEYS", "CHOICE_KEYS", "ID", "NAME"]

MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_ROOMS = 200_000
NAME = re.compile(r"^[a-z_][a-z0-9_]*$")

WORLD_KEYS = ("id", "title", "start", "author", "intro", "unavailable", "version", "show_changes")
ENDING_KEYS = ("id", "title", "text", "when", "secret")
BOUND_KEYS = ("default", "min", "max", "hidden")


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
    if p.is_dir():
        return p
    shipped = shipped_worlds()
    if str(name_or_path) in shipped:
        return shipped[str(name_or_path)]
    s = did_you_mean(str(name_or_path), shipped)
    hint = f"did you mean {s!r}?" if s else "shipped worlds: " + ", ".join(shipped) if shipped else ""
    raise WorldError([Problem(str(name_or_path), None, "", "no such world folder or shipped world", hint)])


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


class _Raw:
    __slots__ = ("path", "rel", "name", "text")

    def __init__(self, path: Path, rel: str, name: str, text: str):
        self.path = path
        self.rel = rel
        self.name = name  # relative to the world folder, as hashed
        self.text = text


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
        self.real_root = root.resolve()
        self.problems: list[Problem] = []
        self.hasher = hashlib.sha256()
        self.size = 0
        self.files: dict[str, str] = {}
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
    def read(self, path: Path) -> _Raw | None:
        """Read, hash and decode one file; the TOML is parsed later (or taken from the cache)."""
        rel = str(path)
        try:
            real = path.resolve()
            if not real.is_relative_to(self.real_root):
                self.problem(rel, (), "is a link to a file outside the world folder", "worlds may only read their own files")
                return None
            size = real.stat().st_size
        except OSError as e:
            self.problem(rel, (), f"cannot be read: {e.strerror or e}")
            return None
        if size > MAX_FILE_BYTES:
            self.problem(rel, (), f"is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}")
            return None
        try:
            raw = real.read_bytes()
        except OSError as e:
            self.problem(rel, (), f"cannot be read: {e.strerror or e}")
            return None
        name = os.path.relpath(real, self.real_root)
        self.hasher.update(name.encode() + b"\0" + raw + b"\0")
        self.size += len(raw)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            line = raw[: e.start].count(b"\n") + 1
            self.problem(rel, (), f"is not valid UTF-8 (byte {e.start})", "save the file as UTF-8", line=line)
            return None
        self.files[rel] = text
        return _Raw(path, rel, name, text)

    def parse(self, r: _Raw, cached: dict | None) -> _File | None:
        if cached is not None:
            return _File(r.path, r.rel, r.name, r.text, cached[r.name])
        rel, text = r.rel, r.text
        try:
            data = toml.loads(text)
        except toml.TOMLDecodeError as e:
            line = getattr(e, "lineno", None)
            msg = getattr(e, "msg", None) or str(e)
            if line is None:
                m = re.search(r"line (\d+)", str(e))
                line = int(m.group(1)) if m else None
                msg = re.sub(r"\s*\(at line \d+, column \d+\)", "", msg)
            hint = ("a string is not closed on this line" if "'\\n'" in msg
                    else "check quotes, brackets and '=' on this line")
            self.problem(rel, (), f"TOML syntax error: {msg}", hint, line=line)
            return None
        except RecursionError:
            self.problem(rel, (), "TOML nested too deeply to read")
            return None
        return _File(r.path, rel, r.name, text, data)

    # -- typed access
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
            x = parse(src, self.scope)
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
        wf_path = root / "world.toml"
        if not wf_path.is_file():
            raise WorldError([Problem(str(root), None, "", "has no world.toml", "a world folder holds world.toml and rooms/*.toml; `adventure new PATH` makes one")])
        wraw = self.read(wf_path)
        room_paths = sorted((root / "rooms").rglob("*.toml")) if (root / "rooms").is_dir() else []
        room_raws = [r for r in (self.read(p) for p in room_paths) if r is not None]
        self.content_hash = self.hasher.hexdigest()
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
        self.unknown_keys(wf, data, ("world", "state", "ending"), (), "world.toml")

        w = self.get(wf, data, "world", dict, (), required=True, default={})
        self.unknown_keys(wf, w, WORLD_KEYS, ("world",), "[world]")
        wid = self.get(wf, w, "id", str, ("world",), required=True, default="")
        if wid and not ID.match(wid):
            self.problem(wf, ("world", "id"), f"id {wid!r} must use letters, digits, '-' and '_'")
        title = self.get(wf, w, "title", str, ("world",), required=True, default="")
        start = self.get(wf, w, "start", str, ("world",), required=True, default="")
        author = self.get(wf, w, "author", str, ("world",), default="")
        version = self.get(wf, w, "version", str, ("world",), default="")
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
            if not NAME.match(name):
                self.problem(wf, path, f"{name!r} is not a valid name", "names use lower-case letters, digits and '_', and start with a letter or '_'")
                continue
            if name in KEYWORDS:
                self.problem(wf, path, f"{name!r} is a word of the expression language", "choose another name")
                continue
            lo = hi = None
            hidden = not show_changes
            if isinstance(spec, dict):
                self.unknown_keys(wf, spec, BOUND_KEYS, path, "a declaration table")
                default = self.get(wf, spec, "default", (bool, int), path, required=True, default=0)
                hidden = self.get(wf, spec, "hidden", bool, path, default=hidden)
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
            vars_.append(StateVar(name, len(vars_), typ, default, lo, hi, wf.rel, wf.line(path), hidden))
        self.var_index = {v.name: v.index for v in vars_}

        # rooms: collect ids first so expressions and `go` can name any room
        raw_rooms: list[tuple[str, dict, _File]] = []
        seen: dict[str, _File] = {}
        if not room_paths:
            self.problem(str(root / "rooms"), (), "no room files found", "put rooms in rooms/*.toml")
        for rf in room_files:
            for rid, body in rf.data.items():
                if not isinstance(body, dict):
                    self.problem(rf, (rid,), f"expected a room table [{rid}], got {_type_name(body)}", "room files hold only [room] tables")
                    continue
                if not NAME.match(rid):
                    self.problem(rf, (rid,), f"room id {rid!r} is not valid", "room ids use lower-case letters, digits and '_' (so visits.<room> can name them)")
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
        self.scope = Scope({v.name: Var(v.index, v.type, v.lo, v.hi) for v in vars_}, room_index, {})

        if start and start not in room_index:
            s = did_you_mean(start, room_index)
            self.problem(wf, ("world", "start"), f"start room {start!r} does not exist", self.room_hint(s, room_index))

        intro = self.text(wf, w, "intro", ("world",))

        # endings
        endings: list[Ending] = []
        raw_endings = self.get(wf, data, "ending", list, (), default=[])
        ending_ids: set[str] = set()
        if not raw_endings:
            self.problem(wf, (), "the world has no [[ending]]", "add at least one; the last one has no 'when' and catches every other case")
        for i, e in enumerate(raw_endings):
            path = ("ending", i)
            if not isinstance(e, dict):
                self.problem(wf, path, "expected a table [[ending]]")
                continue
            self.unknown_keys(wf, e, ENDING_KEYS, path, "[[ending]]")
            eid = self.get(wf, e, "id", str, path, required=True, default="")
            if eid and not ID.match(eid):
                self.problem(wf, path + ("id",), f"ending id {eid!r} must use letters, digits, '-' and '_'")
            if eid in ending_ids:
                self.problem(wf, path + ("id",), f"ending id {eid!r} is used twice")
            ending_ids.add(eid)
            etitle = self.get(wf, e, "title", str, path, required=True, default="")
            etext = self.text(wf, e, "text", path, required=True)
            src = self.get(wf, e, "when", str, path)
            node = test = None
            last = i == len(raw_endings) - 1
            if src is not None:
                if last:
                    self.problem(wf, path + ("when",), "the last ending must have no 'when'", "it catches every case the endings above do not")
                node, test = self.condition(wf, src, path + ("when",))
            elif not last:
                self.problem(wf, path, f"ending {eid!r} has no 'when' but is not the last ending", "only the last ending may catch everything; add a 'when' or move it last")
            secret = self.get(wf, e, "secret", bool, path, default=False)
            endings.append(Ending(eid, etitle, etext or Template("", ("",)), node, src or "", test, secret, wf.rel, wf.line(path)))

        rooms: dict = {}  # room id -> Room
        for rid, body, rf in raw_rooms:
            room = self.room(rid, body, rf, room_index, ending_ids)
            if room is not None:
                rooms[rid] = room

        if self.problems:
            raise WorldError(self.sorted_problems())
        return World(
            id=wid, title=title, author=author, intro=intro, start=self.room_key.get(start, start), unavailable=unavailable,
            vars=tuple(vars_), rooms=rooms, room_order=tuple(room_index), endings=tuple(endings),
            path=str(root), content_hash=self.content_hash, version=version, scope=self.scope,
            files=self.files,
        )

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
                t = compile_text(s, self.var_index)
            except ExprError as e:
                t = e
            self._texts[s] = t
        return t


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

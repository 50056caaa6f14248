"""Replays: a run that proves its moves, and reports its times.

A replay is JSON lines: a header (engine version, world id and content hash, seed, category,
start state hash), then one line per move (choice id, times, state hash after the move), per
restart (for the next ending of the `all` category, or after an undo or a load) and per practice
aid used, and a footer (ending, moves, times, splits, practice). Every line carries `chain`, a hash
of the line and of the chain of the line before it, so a line edited, removed or moved by hand is
noticed; it is a checksum anyone can recompute, not a signature.

`verify_replay` re-simulates a replay headless. PROVED: the moves, the state after each, the
ending(s), the category reached. REPORTED (checked only for consistency with the move lines): the
times, and with them the split times; the practice mark. See docs/speedrun.md.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import time
from pathlib import Path

from ..core.engine import EndingReached, RoomEntered, start, step
from ..core.errors import ChoiceError, ReplayError
from ..core.model import World
from ..core.record import Record
from ..world.fileio import clean_stale_temps, publish, temp_path, write_all
from .files import shown, why

__all__ = ["REPLAY_VERSION", "ReplayWriter", "read_header", "read_replay", "verify_replay", "Verified", "replay_dir",
           "Splits", "chain", "dumps_line", "CHAIN_START", "AIDS", "category_problem"]

REPLAY_FORMAT = "adventure-replay"
# 2: state hashes count visits only of the rooms expressions read
# 3: a chain on every line; restart lines say why; practice aids have lines of their own
REPLAY_VERSION = 3
MAX_REPLAY_BYTES = 32 * 1024 * 1024
MAX_TIME = 1e9  # seconds (31 years): any time in a replay is a finite number from 0 to this
MAX_COUNT = 10 ** 9  # move numbers and counts
MAX_NAME = 200  # choice ids, ending ids, split names, categories
CHAIN_START = "adventure-replay"
AIDS = (":undo", ":load", ":state", ":why")
RESTART_REASONS = ("next", "practice")  # next: the `all` category goes on to its next ending
_WORLD_ID = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$")  # as world.loader.ID, at most 64
_HEX = re.compile(r"^[0-9a-f]{1,128}$")


def replay_dir(saves_root: Path, world: World) -> Path:
    return Path(saves_root) / world.id / "replays"


def dumps_line(doc: dict) -> str:
    """A replay line as written: compact JSON, keys in the order given, UTF-8 text as it is."""
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False)


def _chain_of(prev: str, body: bytes) -> str:
    return hashlib.sha256(prev.encode("ascii", "replace") + b"\n" + body).hexdigest()[:16]


# a line ends with its chain: ...,"chain":"<16 hex>"}
_CHAIN_TAIL = re.compile(rb',"chain":"([0-9a-f]{16})"\}\s*$')


def chain(prev: str, doc: dict) -> str:
    """The chain value of a line: the first 16 hex digits of SHA-256 over the previous line's chain,
    a newline, and this line as written without its chain (`dumps_line` of every other key, in
    order). Public, so anyone can check it, and so anyone can recompute it: it catches hand edits
    and damage; it proves nothing about who wrote the line."""
    body = dumps_line({k: v for k, v in doc.items() if k != "chain"})
    return _chain_of(prev, body.encode("utf-8", "surrogatepass"))


class Splits:
    """Where a run splits: on the first entry into each room in the run (or, if the world marks
    rooms with `split = true`, into those rooms only), and at each ending. The `all` category's
    restarts for the next ending begin a new round of first entries (`reset`). The speedrun session
    and `verify_replay` both use this, so the splits of a replay follow from its move lines."""

    def __init__(self, world: World):
        self.only = frozenset(r.id for r in world.rooms.values() if r.split)
        self.start = world.start
        self.seen = {world.start}

    def reset(self) -> None:
        self.seen = {self.start}

    def take(self, events) -> tuple[list[str], set[str]]:
        """(the splits these events take, in order; the rooms entered for the first time)."""
        names, first = [], set()
        for ev in events:
            if isinstance(ev, RoomEntered):
                if ev.room not in self.seen:
                    self.seen.add(ev.room)
                    first.add(ev.room)
                    if not self.only or ev.room in self.only:
                        names.append(ev.room)
            elif isinstance(ev, EndingReached):
                names.append(f"ending:{ev.ending}")
        return names, first


def _t(t: float) -> float:
    return float(round(max(0.0, float(t)), 3))


class ReplayWriter:
    """Writes a replay line by line as the run goes, so a crash keeps every finished move.

    Lines are written whole (a failed write is cut back to the last whole line), the file is
    created under a temporary name and linked into place, never over an existing file
    (FileExistsError), and stale temporary files of killed writers are removed from the folder.
    With `lazy`, the file appears with the first line after the header: a run abandoned before its
    first move leaves nothing, but the folder is tried (a header-sized file written and removed) at
    once, so a full or read-only folder is found before the run starts. Any other failure to write
    raises ReplayError; after one, the writer records nothing more (`failed` says why)."""

    def __init__(self, path: Path, world: World, seed: int, category: str, practice: bool = False,
                 lazy: bool = False):
        from .. import __version__

        self.path = Path(path)
        self.world = world
        self.moves = 0
        self.practice = practice
        self.splits: list[dict] = []
        self.failed: str | None = None
        self._chain = CHAIN_START
        self._fd: int | None = None
        self._size = 0
        self._pending: bytes | None = None
        folder = self.path.parent
        head = self._line({
            "type": "header", "format": REPLAY_FORMAT, "version": REPLAY_VERSION, "engine": __version__,
            "world": {"id": world.id, "title": world.title, "hash": world.content_hash},
            "seed": seed, "category": category, "start_hash": start(world, seed).state.hash(),
            "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        })
        try:
            folder.mkdir(parents=True, exist_ok=True)
            if os.path.lexists(self.path):
                raise FileExistsError(17, "a replay is never overwritten", str(self.path))
            clean_stale_temps(folder)
            if lazy:
                self._pending = head
                self._probe(head)
            else:
                self._create(head)
        except FileExistsError:
            raise
        except OSError as e:
            raise ReplayError(f"cannot record the run in {shown(folder)}: {why(e)}") from None

    # -- the file
    def _line(self, doc: dict) -> bytes:
        doc["chain"] = self._chain = chain(self._chain, doc)
        return (dumps_line(doc) + "\n").encode("utf-8")

    def _probe(self, data: bytes) -> None:
        tmp = temp_path(self.path)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            try:
                write_all(fd, data)
                os.fsync(fd)
            finally:
                os.close(fd)
        finally:
            os.unlink(tmp)

    def _create(self, data: bytes) -> None:
        tmp = temp_path(self.path)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o644)
        try:
            try:
                write_all(fd, data)
                os.fsync(fd)
            except BaseException:
                os.unlink(tmp)
                raise
            publish(tmp, self.path)
        except BaseException:
            os.close(fd)
            raise
        self._fd, self._size = fd, len(data)

    def _write(self, doc: dict) -> None:
        if self.failed:
            raise ReplayError(self.failed)
        if self._fd is None and self._pending is None:
            raise ReplayError(f"{shown(self.path)}: the replay is closed")
        data = self._line(doc)
        try:
            if self._fd is None:  # lazy: the first line after the header creates the file
                base = self.path
                for k in range(2, 100):
                    try:
                        self._create(self._pending + data)
                        break
                    except FileExistsError:  # another run took the name meanwhile: the next one
                        self.path = base.with_name(f"{base.stem}-{k}{base.suffix}")
                else:
                    raise FileExistsError(17, "no free name", str(base))
                self._pending = None
                return
            try:
                write_all(self._fd, data)
            except OSError:
                os.ftruncate(self._fd, self._size)  # never leave half a line
                raise
            self._size += len(data)
        except OSError as e:
            self.failed = f"could not write the replay {shown(self.path)}: {why(e)}"
            self.abandon()
            raise ReplayError(self.failed) from None

    # -- the lines
    def move(self, choice_id: str, state_hash: str, t_game: float, t_real: float) -> None:
        self.moves += 1
        self._write({"type": "move", "n": self.moves, "choice": choice_id,
                     "t_game": _t(t_game), "t_real": _t(t_real), "hash": state_hash})

    def restart(self, t_game: float, t_real: float, reason: str = "next") -> None:
        """A new segment from the start: `next` for the next ending of the `all` category,
        `practice` after an undo or a load (the moves back to where the player is follow)."""
        if reason not in RESTART_REASONS:
            raise ValueError(f"restart reason {reason!r}")
        self._write({"type": "restart", "reason": reason, "after": self.moves,
                     "t_game": _t(t_game), "t_real": _t(t_real)})

    def aid(self, command: str, t_game: float, t_real: float) -> None:
        """A practice aid was used (:undo, :load, :state, :why): the run is practice."""
        if command not in AIDS:
            raise ValueError(f"practice aid {command!r}")
        self.practice = True
        self._write({"type": "aid", "command": command, "after": self.moves, "t_game": _t(t_game), "t_real": _t(t_real)})

    def split(self, name: str, t_game: float, t_real: float) -> None:
        self.splits.append({"name": name, "move": self.moves, "t_game": _t(t_game), "t_real": _t(t_real)})

    def finish(self, ending: str | None, t_game: float, t_real: float, endings: list[str] | None = None) -> Path:
        self._write({"type": "footer", "ending": ending, "endings": endings if endings is not None else
                     ([ending] if ending else []), "moves": self.moves, "t_game": _t(t_game),
                     "t_real": _t(t_real), "splits": self.splits, "practice": self.practice})
        try:
            os.fsync(self._fd)
        except OSError as e:
            self.failed = f"could not write the replay {shown(self.path)}: {why(e)}"
            raise ReplayError(self.failed) from None
        finally:
            self.abandon()
        return self.path

    def abandon(self) -> None:
        """Stop writing. What was written stays (an unfinished run, if it has moves); a lazy
        replay with no move yet leaves nothing."""
        self._pending = None
        if self._fd is not None:
            fd, self._fd = self._fd, None
            try:
                os.close(fd)
            except OSError:
                pass

    @property
    def recording(self) -> bool:
        return self.failed is None and (self._fd is not None or self._pending is not None)


# ---------------------------------------------------------------- reading


class _Reader:
    """The lines of a replay file, read one at a time and checked field by field. Raises
    ReplayError for anything malformed, naming the file, the line and the key. After the lines:
    `footer` (or None), `cut_off` (the last line was cut off by a crash), `chain_broken` (the first
    line whose chain does not match, or None)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.name = shown(path)
        self.footer: dict | None = None
        self.cut_off = False
        self.chain_broken: int | None = None
        self._chain = CHAIN_START
        self._read = self._lineno = 0
        self._f = _open(self.path, self.name)
        try:
            first = self._next_doc()
            if first is None or first[1].get("type") != "header" or first[1].get("format") != REPLAY_FORMAT:
                raise ReplayError(f"{self.name}: not an adventure replay (no header line)")
            self.header = self._header(first[1])
            self._check_chain(*first)
        except BaseException:
            self._f.close()
            raise

    def _next_doc(self) -> tuple[int, dict, bytes] | None:
        while True:
            raw = self._f.readline(MAX_REPLAY_BYTES + 1)
            self._read += len(raw)
            if not raw:
                return None
            self._lineno += 1
            if self._read > MAX_REPLAY_BYTES:
                raise ReplayError(f"{self.name}: too large for a replay (limit {MAX_REPLAY_BYTES:,} bytes)")
            if not raw.strip():
                continue
            i = self._lineno
            try:
                d = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError:
                raise ReplayError(f"{self.name}:{i}: not UTF-8 text") from None
            except (ValueError, RecursionError):
                if not raw.endswith(b"\n") and i > 1:
                    self.cut_off = True  # the last line, cut off by a crash: the run is unfinished
                    return None
                raise ReplayError(f"{self.name}:{i}: not a JSON line") from None
            if not isinstance(d, dict):
                raise ReplayError(f"{self.name}:{i}: expected a JSON object")
            return i, d, raw

    def _check_chain(self, i: int, d: dict, raw: bytes) -> None:
        c = d.get("chain")
        if not isinstance(c, str) or not _HEX.match(c):
            raise ReplayError(f"{self.name}:{i}: 'chain' is missing or not a hex string")
        if self.chain_broken is None:
            m = _CHAIN_TAIL.search(raw)
            if m is None or m.group(1) != c.encode("ascii") or _chain_of(self._chain, raw[:m.start()] + b"}") != c:
                self.chain_broken = i
        self._chain = c  # the next line chains on what this one says, so one edit is reported once

    # -- fields
    def _bad(self, i: int, msg: str) -> ReplayError:
        return ReplayError(f"{self.name}:{i}: {msg}")

    def _str(self, i, d, key, limit=MAX_NAME, what="line", optional=False):
        v = d.get(key)
        if optional and v is None:
            return None
        if not isinstance(v, str) or not v or len(v) > limit:
            raise self._bad(i, f"{what}: {key!r} is missing or not a text of 1 to {limit} characters")
        return v

    def _int(self, i, d, key, what="line"):
        v = d.get(key)
        if type(v) is not int or not 0 <= v <= MAX_COUNT:
            raise self._bad(i, f"{what}: {key!r} is missing or not a whole number from 0 to {MAX_COUNT:,}")
        return v

    def _time(self, i, d, key, what="line"):
        v = d.get(key)
        if type(v) not in (int, float):
            raise self._bad(i, f"{what}: {key!r} is missing or not a number of seconds")
        if not 0 <= v <= MAX_TIME:  # NaN fails both comparisons; a huge int is compared, not converted
            raise self._bad(i, f"{what}: {key!r} is {shown(v, 40)}; times are finite numbers of seconds "
                               f"from 0 to {MAX_TIME:.0e}")
        return v

    def _header(self, h: dict) -> dict:
        name = self.name
        if h.get("version") != REPLAY_VERSION:
            from .. import __version__

            eng = h.get("engine")
            by = f", recorded by engine {shown(eng, 20)!r}" if isinstance(eng, str) else ""
            raise ReplayError(f"{name}: replay format {shown(h.get('version'), 20)}{by}; this engine ({__version__}) "
                              f"reads format {REPLAY_VERSION} (verify a replay with the engine version that recorded it)")
        w = h.get("world")
        if not isinstance(w, dict):
            raise self._bad(1, "header: 'world' is missing or not an object")
        wid = w.get("id")
        if not isinstance(wid, str) or not _WORLD_ID.match(wid):
            raise self._bad(1, f"header: world 'id' {shown(wid, 70)!r} is not a world id (1 to 64 letters, "
                               "digits, '-' and '_'): a replay names a shipped world, never a path (give the world's "
                               "folder with --world PATH)")
        self._str(1, w, "hash", 128, "header: world")
        if not isinstance(w.get("title", ""), str):
            raise self._bad(1, "header: world 'title' is not a text")
        if type(h.get("seed")) is not int:
            raise self._bad(1, "header: 'seed' is missing or not a whole number")
        self._str(1, h, "engine", 40, "header")
        self._str(1, h, "category", MAX_NAME, "header")
        self._str(1, h, "start_hash", 128, "header")
        return h

    def _line(self, i: int, d: dict) -> dict:
        kind = d.get("type")
        if kind == "move":
            self._int(i, d, "n", "move")
            self._str(i, d, "choice", MAX_NAME, "move")
            self._str(i, d, "hash", 128, "move")
        elif kind in ("restart", "aid"):
            self._int(i, d, "after", kind)
            if kind == "restart" and d.get("reason") not in RESTART_REASONS:
                raise self._bad(i, f"restart: 'reason' is {shown(d.get('reason'), 40)!r}, not one of {', '.join(RESTART_REASONS)}")
            if kind == "aid" and d.get("command") not in AIDS:
                raise self._bad(i, f"aid: 'command' is {shown(d.get('command'), 40)!r}, not one of {', '.join(AIDS)}")
        elif kind == "footer":
            self._footer(i, d)
        elif kind == "header":
            raise self._bad(i, "a second header line")
        else:
            raise self._bad(i, f"unknown line type {shown(kind, 40)!r} (header, move, restart, aid, footer)")
        self._time(i, d, "t_game", kind)
        self._time(i, d, "t_real", kind)
        return d

    def _footer(self, i: int, d: dict) -> None:
        self._int(i, d, "moves", "footer")
        if "ending" not in d:
            raise self._bad(i, "footer: 'ending' is missing (an ending id, or null)")
        self._str(i, d, "ending", MAX_NAME, "footer", optional=True)
        es = d.get("endings")
        if not isinstance(es, list) or not all(isinstance(e, str) and 0 < len(e) <= MAX_NAME for e in es):
            raise self._bad(i, "footer: 'endings' is missing or not a list of ending ids")
        if type(d.get("practice")) is not bool:
            raise self._bad(i, "footer: 'practice' is missing or not true/false")
        sp = d.get("splits")
        if not isinstance(sp, list):
            raise self._bad(i, "footer: 'splits' is missing or not a list")
        for k, s in enumerate(sp, 1):
            if not isinstance(s, dict):
                raise self._bad(i, f"footer: splits[{k}] is not an object")
            what = f"footer: splits[{k}]"
            self._str(i, s, "name", MAX_NAME, what)
            self._int(i, s, "move", what)
            self._time(i, s, "t_game", what)
            self._time(i, s, "t_real", what)

    def lines(self):
        """(line number, checked line) for each line between the header and the footer."""
        try:
            while True:
                got = self._next_doc()
                if got is None:
                    return
                i, d, raw = got
                if self.footer is not None:
                    raise self._bad(i, "a line after the footer")
                self._line(i, d)
                self._check_chain(i, d, raw)
                if d["type"] == "footer":
                    self.footer = dict(d, line=i)
                    continue
                yield i, d
        finally:
            self._f.close()


def _open(path: Path, name: str):
    """The replay file, opened for reading; only a regular file of at most MAX_REPLAY_BYTES (a FIFO
    or a device would block or never end)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise ReplayError(f"no replay at {name}") from None
    except OSError as e:
        raise ReplayError(f"{name}: cannot be read: {why(e)}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise ReplayError(f"{name}: not a regular file")
        if st.st_size > MAX_REPLAY_BYTES:
            raise ReplayError(f"{name}: too large for a replay (limit {MAX_REPLAY_BYTES:,} bytes)")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_header(path: Path) -> dict:
    """The checked header line of a replay (the rest is not read). Raises ReplayError."""
    r = _Reader(path)
    r._f.close()
    return r.header


def read_replay(path: Path) -> tuple[dict, list[dict], dict | None]:
    """(header, the lines between header and footer, footer or None), each line with its `line`
    number. Raises ReplayError for anything malformed. Says nothing about whether the replay holds:
    that is verify_replay."""
    r = _Reader(path)
    lines = [dict(d, line=i) for i, d in r.lines()]
    return r.header, lines, r.footer


class Verified(Record):
    """What `verify_replay` found: ok, or the message naming the first thing that does not hold.
    splits: ((name, move, t_game, t_real), ...) as the move lines give them. unfinished: the replay
    has no footer (abandoned, interrupted, or its last line cut off), so no verdict on the run."""

    __slots__ = _fields = ("ok", "message", "moves", "ending", "t_game", "t_real", "category",
                           "practice", "endings", "splits", "unfinished")
    _defaults = {"moves": 0, "ending": None, "t_game": None, "t_real": None, "category": "",
                 "practice": False, "endings": (), "splits": (), "unfinished": False}


def verify_replay(path: Path, world: World) -> Verified:
    """Re-simulate a replay on `world`. ok=False names the first thing that does not hold. Raises
    ReplayError if the file cannot be read as a replay. Bounded: one engine step per move line."""
    from .. import __version__

    r = _Reader(path)
    try:
        return _verify(r, world, __version__)
    finally:
        r._f.close()


def _verify(r: _Reader, world: World, version: str) -> Verified:
    h = r.header
    cat = h["category"]

    def no(msg: str, n: int = 0) -> Verified:
        return Verified(False, msg, n, category=cat)

    if h["world"]["id"] != world.id:
        return no(f"header: world is {h['world']['id']!r}, not {world.id!r}")
    if h["engine"] != version:
        return no(f"header: recorded with engine {shown(h['engine'], 40)!r}, this is {version!r}")
    if h["world"]["hash"] != world.content_hash:
        return no(f"header: world hash {shown(h['world']['hash'][:16])} does not match this world's "
                  f"{world.content_hash[:16]} (the world was edited, or it is another version)")
    seed = h["seed"]
    state = start(world, seed).state
    if state.hash() != h["start_hash"]:
        return no("header: start state hash does not match the seed")
    splits = Splits(world)
    expect: list[tuple] = []
    endings: list[str] = []
    aids: list[tuple[int, str]] = []
    n = 0
    last_g = last_r = 0.0
    for i, m in r.lines():
        kind = m["type"]
        tg, tr = m["t_game"], m["t_real"]
        if tg < last_g or tr < last_r:
            return no(f"line {i} ({kind}): times go backwards", n)
        last_g, last_r = tg, tr
        if kind == "move":
            n += 1
            where = f"move {n} (line {i}, {shown(m['choice'], 60)!r})"
            if m["n"] != n:
                return no(f"{where}: numbered {m['n']}, expected {n}", n)
            try:
                out = step(world, state, m["choice"])
            except ChoiceError as e:
                return no(f"{where}: diverges: {shown(e)}", n)
            state = out.state
            if state.hash() != m["hash"]:
                return no(f"{where}: diverges: state hash {shown(m['hash'], 20)} recorded, {state.hash()} re-simulated", n)
            expect.extend((name, n, tg, tr) for name in splits.take(out.events)[0])
            continue
        if m["after"] != n:
            return no(f"line {i} ({kind}): says it comes after move {m['after']}, but it comes after move {n}", n)
        if kind == "restart" and m["reason"] == "next":
            if cat != "all" or state.ending is None:
                return no(f"line {i}: a restart for the next ending, but "
                          + ("the category is not 'all'" if cat != "all" else "no ending was reached"), n)
            endings.append(state.ending)
            if not category_problem(world, "all", endings):
                return no(f"line {i}: a restart after every ending was reached (the run was over)", n)
            splits.reset()
        elif state.ending is not None:
            return no(f"line {i} ({kind}): after the ending {state.ending!r}, where only a restart for the "
                      "next ending or the footer can follow", n)
        else:
            aids.append((i, m["command"] if kind == "aid" else "a practice restart"))
        if kind == "restart":
            state = start(world, seed).state
    f = r.footer
    if f is None:
        how = "its last line was cut off" if r.cut_off else "no footer"
        return Verified(False, f"incomplete: {how} after {n} move(s): the run was abandoned or interrupted",
                        n, category=cat, unfinished=True)
    fl = f["line"]
    if state.ending is not None:
        endings.append(state.ending)
    if f["moves"] != n:
        return no(f"footer (line {fl}): says {f['moves']} moves, the replay has {n}", n)
    if f["ending"] != state.ending:
        return no(f"footer (line {fl}): says ending {shown(f['ending'], 60)!r}, re-simulation reaches {state.ending!r}", n)
    if f["endings"] != endings:
        return no(f"footer (line {fl}): lists endings {shown(f['endings'], 200)}, re-simulation reaches {endings!r}", n)
    problem = category_problem(world, cat, endings)
    if problem:
        return no(f"category {shown(cat, 60)!r}: {problem}", n)
    if (f["t_game"], f["t_real"]) != (last_g, last_r):
        return no(f"footer (line {fl}): times {f['t_game']}, {f['t_real']} are not those of the last move "
                  f"({last_g}, {last_r})", n)
    got = [(s["name"], s["move"], s["t_game"], s["t_real"]) for s in f["splits"]]
    if got and got != expect:
        k = next((k for k, (a, b) in enumerate(zip(got, expect)) if a != b), min(len(got), len(expect)))
        said = f"says {_split_text(got[k])}" if k < len(got) else "has no more"
        given = f"the move lines give {_split_text(expect[k])}" if k < len(expect) else "the move lines give no more"
        return no(f"footer (line {fl}): split {k + 1} {said}, {given}", n)
    if aids and not f["practice"]:
        i, what = aids[0]
        return no(f"footer (line {fl}): says practice false, but line {i} records {what}", n)
    if r.chain_broken is not None:
        return no(f"line {r.chain_broken}: its chain does not match: the line was edited, or lines removed or "
                  "reordered, after the run was recorded", n)
    return Verified(True, "verified", n, state.ending, float(last_g), float(last_r), cat,
                    bool(f["practice"] or aids), tuple(endings), tuple(expect))


def _split_text(s: tuple) -> str:
    name, move, tg, tr = s
    return f"{shown(name, 60)!r} at move {move}, {tg} / {tr} s"


def category_problem(world: World, category: str, endings: list[str]) -> str:
    """Why a run with these endings does not complete `category` ('' when it does)."""
    ids = [e.id for e in world.endings]
    if category == "any":
        return "" if endings else "no ending reached"
    if category == "all":
        missing = [i for i in ids if i not in endings]
        return f"endings not reached: {', '.join(missing)}" if missing else ""
    if category.startswith("ending:"):
        want = category.split(":", 1)[1]
        if want not in ids:
            return f"the world has no ending {shown(want, 60)!r}"
        return "" if endings and endings[-1] == want else f"the run ends with {endings[-1] if endings else 'no ending'!r}, not {want!r}"
    return "unknown category (any, all, or ending:<id>)"

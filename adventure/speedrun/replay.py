"""Replays: a run that proves itself.

A replay is JSON lines: a header (engine version, world id and content hash, seed, category,
start state hash), one line per move (choice id, times, state hash after the move), and a footer
(ending, moves, times, splits). `verify` re-simulates it headless: the moves and the state they
lead to are proved; the times are only as reported.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from ..core.record import Record
from ..core.engine import start, step
from ..core.errors import ChoiceError, ReplayError
from ..core.model import World

__all__ = ["REPLAY_VERSION", "ReplayWriter", "read_replay", "verify_replay", "Verified", "replay_dir"]

REPLAY_FORMAT = "adventure-replay"
REPLAY_VERSION = 2  # 2: state hashes count visits only of the rooms expressions read
MAX_REPLAY_BYTES = 32 * 1024 * 1024


def replay_dir(saves_root: Path, world: World) -> Path:
    return Path(saves_root) / world.id / "replays"


class ReplayWriter:
    """Writes a replay line by line as the run goes, so a crash keeps every finished move."""

    def __init__(self, path: Path, world: World, seed: int, category: str, practice: bool = False):
        from .. import __version__

        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.world = world
        self.moves = 0
        self.practice = practice
        self.splits: list[dict] = []
        self._f = open(self.path, "x", encoding="utf-8")
        self._write({
            "type": "header", "format": REPLAY_FORMAT, "version": REPLAY_VERSION, "engine": __version__,
            "world": {"id": world.id, "title": world.title, "hash": world.content_hash},
            "seed": seed, "category": category, "start_hash": start(world, seed).state.hash(),
            "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        })

    def _write(self, doc: dict) -> None:
        self._f.write(json.dumps(doc, separators=(",", ":"), ensure_ascii=False) + "\n")
        self._f.flush()

    def move(self, choice_id: str, state_hash: str, t_game: float, t_real: float) -> None:
        self.moves += 1
        self._write({"type": "move", "n": self.moves, "choice": choice_id,
                     "t_game": round(t_game, 3), "t_real": round(t_real, 3), "hash": state_hash})

    def restart(self, t_game: float, t_real: float) -> None:
        """A new segment from the start (the all-endings category allows restarts)."""
        self._write({"type": "restart", "after": self.moves, "t_game": round(t_game, 3), "t_real": round(t_real, 3)})

    def split(self, name: str, t_game: float, t_real: float) -> None:
        self.splits.append({"name": name, "move": self.moves, "t_game": round(t_game, 3), "t_real": round(t_real, 3)})

    def finish(self, ending: str | None, t_game: float, t_real: float, endings: list[str] | None = None) -> Path:
        self._write({"type": "footer", "ending": ending, "endings": endings if endings is not None else
                     ([ending] if ending else []), "moves": self.moves, "t_game": round(t_game, 3),
                     "t_real": round(t_real, 3), "splits": self.splits, "practice": self.practice})
        self._f.flush()
        os.fsync(self._f.fileno())
        self._f.close()
        return self.path

    def abandon(self) -> None:
        if not self._f.closed:
            self._f.close()


def read_replay(path: Path) -> tuple[dict, list[dict], dict | None]:
    """(header, moves, footer or None). Raises ReplayError for anything malformed."""
    try:
        if path.stat().st_size > MAX_REPLAY_BYTES:
            raise ReplayError(f"{path}: too large for a replay (limit {MAX_REPLAY_BYTES:,} bytes)")
        lines = path.read_bytes().decode("utf-8").splitlines()
    except FileNotFoundError:
        raise ReplayError(f"no replay at {path}") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ReplayError(f"{path}: cannot be read: {e}") from None
    docs = []
    for i, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
        except (ValueError, RecursionError):
            raise ReplayError(f"{path}:{i}: not a JSON line") from None
        if not isinstance(d, dict):
            raise ReplayError(f"{path}:{i}: expected a JSON object")
        docs.append((i, d))
    if not docs or docs[0][1].get("type") != "header" or docs[0][1].get("format") != REPLAY_FORMAT:
        raise ReplayError(f"{path}: not an adventure replay (no header line)")
    header = docs[0][1]
    if header.get("version") != REPLAY_VERSION:
        from .. import __version__

        eng = header.get("engine")
        by = f", recorded by engine {str(eng)[:20]!r}" if isinstance(eng, str) else ""
        raise ReplayError(f"{path}: replay format {header.get('version')!r}{by}; this engine ({__version__}) reads "
                          f"format {REPLAY_VERSION} (verify a replay with the engine version that recorded it)")
    w = header.get("world")
    if (not isinstance(w, dict) or not isinstance(w.get("id"), str) or not isinstance(w.get("hash"), str)
            or not isinstance(header.get("seed"), int) or isinstance(header.get("seed"), bool)
            or not isinstance(header.get("start_hash"), str)):
        raise ReplayError(f"{path}:1: header is missing fields or has wrong types")
    moves, footer = [], None
    for i, d in docs[1:]:
        kind = d.get("type")
        if footer is not None:
            raise ReplayError(f"{path}:{i}: line after the footer")
        if kind == "move":
            if not isinstance(d.get("choice"), str) or not isinstance(d.get("hash"), str):
                raise ReplayError(f"{path}:{i}: move line is missing 'choice' or 'hash'")
            for k in ("t_game", "t_real"):
                if not isinstance(d.get(k), (int, float)) or isinstance(d.get(k), bool):
                    raise ReplayError(f"{path}:{i}: move line has no number {k!r}")
            d = dict(d, line=i)
            moves.append(d)
        elif kind == "restart":
            moves.append(dict(d, line=i))
        elif kind == "footer":
            footer = dict(d, line=i)
        else:
            raise ReplayError(f"{path}:{i}: unknown line type {kind!r}")
    return header, moves, footer


class Verified(Record):
    """What `verify_replay` found: ok, or the message naming the first thing that does not hold."""

    __slots__ = _fields = ("ok", "message", "moves", "ending", "t_game", "t_real", "category",
                           "practice", "endings")
    _defaults = {"moves": 0, "ending": None, "t_game": None, "t_real": None, "category": "",
                 "practice": False, "endings": ()}


def verify_replay(path: Path, world: World) -> Verified:
    """Re-simulate a replay on `world`. ok=False names the first thing that does not hold."""
    from .. import __version__

    header, moves, footer = read_replay(path)
    if header["world"]["id"] != world.id:
        return Verified(False, f"header: world is {header['world']['id']!r}, not {world.id!r}")
    if header.get("engine") != __version__:
        return Verified(False, f"header: recorded with engine {header.get('engine')!r}, this is {__version__!r}")
    if header["world"]["hash"] != world.content_hash:
        return Verified(False, f"header: world hash {header['world']['hash'][:16]} does not match this world's "
                               f"{world.content_hash[:16]} (the world was edited, or it is another version)")
    state = start(world, header["seed"]).state
    if state.hash() != header["start_hash"]:
        return Verified(False, "header: start state hash does not match the seed")
    last_g = last_r = 0.0
    endings: list[str] = []
    n = 0
    for m in moves:
        if m.get("type") == "restart":
            if state.ending is not None:
                endings.append(state.ending)
            state = start(world, header["seed"]).state
            continue
        n += 1
        where = f"move {n} (line {m['line']}, {m['choice']!r})"
        if m.get("n") != n:
            return Verified(False, f"{where}: numbered {m.get('n')!r}, expected {n}")
        try:
            state = step(world, state, m["choice"]).state
        except ChoiceError as e:
            return Verified(False, f"{where}: diverges: {e}")
        if state.hash() != m["hash"]:
            return Verified(False, f"{where}: diverges: state hash {m['hash']} recorded, {state.hash()} re-simulated")
        if m["t_game"] < last_g or m["t_real"] < last_r:
            return Verified(False, f"{where}: times go backwards")
        last_g, last_r = m["t_game"], m["t_real"]
    if state.ending is not None:
        endings.append(state.ending)
    if footer is None:
        return Verified(False, f"incomplete: no footer after {n} moves (the run was not finished)", n)
    fl = footer["line"]
    if footer.get("moves") != n:
        return Verified(False, f"footer (line {fl}): says {footer.get('moves')!r} moves, the replay has {n}")
    if footer.get("ending") != state.ending:
        return Verified(False, f"footer (line {fl}): says ending {footer.get('ending')!r}, re-simulation reaches {state.ending!r}")
    if footer.get("endings", endings) != endings:
        return Verified(False, f"footer (line {fl}): lists endings {footer.get('endings')!r}, re-simulation reaches {endings!r}")
    cat = str(header.get("category", "any"))
    problem = category_problem(world, cat, endings)
    if problem:
        return Verified(False, f"category {cat!r}: {problem}")
    tg, tr = footer.get("t_game"), footer.get("t_real")
    if not all(isinstance(t, (int, float)) and not isinstance(t, bool) for t in (tg, tr)) or tg < last_g or tr < last_r:
        return Verified(False, f"footer (line {footer['line']}): times missing or earlier than the last move")
    return Verified(True, "verified", n, state.ending, float(tg), float(tr), cat,
                    bool(footer.get("practice", False)), tuple(endings))


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
            return f"the world has no ending {want!r}"
        return "" if endings and endings[-1] == want else f"the run ends with {endings[-1] if endings else 'no ending'!r}, not {want!r}"
    return "unknown category (any, all, or ending:<id>)"

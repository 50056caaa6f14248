"""Saves and the endings gallery: versioned JSON, written atomically, read defensively.

A save records the world's id and content hash, the seed and the log of choice ids, plus the state
reached. Loading replays the log: on the same world it must reproduce the saved state exactly (so
an edited or damaged save is caught); on an edited world it replays the log on the new world and
reports what changed, or refuses naming the move that no longer plays.
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path


from ..core.record import Record
from ..core.errors import ChoiceError, SaveError
from ..world.fileio import atomic_write
from .game import Game, v1_state_hash
from ..core.model import World

__all__ = ["SAVE_VERSION", "save_dir", "slot_path", "write_save", "read_save", "load_game",
           "list_saves", "atomic_write", "Gallery", "LoadReport"]

SAVE_FORMAT = "adventure-save"
# 2: state hashes count visits only of the rooms expressions read (format 1 saves still load)
SAVE_VERSION = 2
MIN_LOADABLE = 1
MAX_SAVE_BYTES = 8 * 1024 * 1024
SLOT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


def _checkout_saves() -> Path | None:
    """`saves/` of a checkout of this project, when the package runs from one."""
    top = Path(__file__).resolve().parents[2]
    if (top / "pyproject.toml").is_file() and (top / "saves").is_dir() and (top / "adventure").is_dir():
        return top / "saves"
    return None


def save_dir(explicit: str | os.PathLike | None = None) -> Path:
    """Where saves go: --saves, else $ADVENTURE_SAVES, else a checkout's saves/, else XDG data."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("ADVENTURE_SAVES")
    if env:
        return Path(env)
    co = _checkout_saves()
    if co is not None:
        return co
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "adventure" / "saves"


def slot_path(root: Path, world: World, slot: str) -> Path:
    """The file for a named slot. Names cannot contain path separators or dots, so cannot escape."""
    if not SLOT.match(slot or ""):
        raise SaveError(f"bad save name {slot!r}: use up to 64 letters, digits, '-' and '_'")
    return Path(root) / world.id / f"{slot}.json"


def save_blob(game: Game, slot: str) -> bytes:
    from .. import __version__

    doc = {
        "format": SAVE_FORMAT,
        "version": SAVE_VERSION,
        "min_version": SAVE_VERSION,  # format 1 engines hash states differently
        "engine": __version__,
        "slot": slot,
        "saved_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "world": {"id": game.world.id, "title": game.world.title, "hash": game.world.content_hash},
        "seed": game.seed,
        "log": list(game.log),
        "room": game.state.room,
        "turn": game.state.turn,
        "state": game.state.to_json(),
        "state_hash": game.state.hash(),
    }
    return (json.dumps(doc, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def write_save(root: Path, game: Game, slot: str) -> Path:
    path = slot_path(root, game.world, slot)
    try:
        atomic_write(path, save_blob(game, slot))
    except OSError as e:
        raise SaveError(f"could not write {path}: {e.strerror or e}; the previous save is untouched") from None
    return path


def read_save(path: Path) -> dict:
    """Read and check a save file's structure. Raises SaveError; never modifies the file."""
    try:
        size = path.stat().st_size
        if size > MAX_SAVE_BYTES:
            raise SaveError(f"{path}: {size:,} bytes is too large for a save (limit {MAX_SAVE_BYTES:,})")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SaveError(f"no save at {path}") from None
    except OSError as e:
        raise SaveError(f"{path}: cannot be read: {e.strerror or e}") from None
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise SaveError(f"{path}: not a save file (damaged or not JSON); it was left as it is") from None
    if not isinstance(doc, dict) or doc.get("format") != SAVE_FORMAT:
        raise SaveError(f"{path}: not an adventure save file; it was left as it is")
    v = doc.get("version")
    if not isinstance(v, int) or isinstance(v, bool):
        raise SaveError(f"{path}: save has no format version")
    if v > SAVE_VERSION and doc.get("min_version", v) > SAVE_VERSION:
        raise SaveError(f"{path}: save format {v} needs a newer engine (this one reads up to {SAVE_VERSION})")
    if v < MIN_LOADABLE:
        raise SaveError(f"{path}: save format {v} is too old (this engine reads {MIN_LOADABLE} to {SAVE_VERSION})")
    w = doc.get("world")
    log = doc.get("log")
    seed = doc.get("seed")
    if (not isinstance(w, dict) or not isinstance(w.get("id"), str) or not isinstance(w.get("hash"), str)
            or not isinstance(log, list) or not all(isinstance(m, str) for m in log)
            or not isinstance(seed, int) or isinstance(seed, bool)
            or not isinstance(doc.get("state_hash"), str)):
        raise SaveError(f"{path}: save file is damaged (missing or wrong-typed fields); it was left as it is")
    return doc


class LoadReport(Record):
    """A loaded game, whether its log had to be replayed on an edited world, and what changed."""

    __slots__ = _fields = ("game", "migrated", "note")

    def __init__(self, game: Game, migrated: bool, note: str):
        self.game = game
        self.migrated = migrated
        self.note = note


def load_game(path: Path, world: World) -> LoadReport:
    """Rebuild the game a save describes, on `world`. Raises SaveError with the reason if it can't."""
    doc = read_save(path)
    if doc["world"]["id"] != world.id:
        raise SaveError(f"{path}: this save belongs to world {doc['world']['id']!r}, not {world.id!r}")
    game = Game(world, doc["seed"])
    same = doc["world"]["hash"] == world.content_hash
    try:
        game.load_log(doc["log"])
    except ChoiceError as e:
        if same:
            raise SaveError(f"{path}: save is damaged: {e}") from None
        raise SaveError(f"{path}: the world has changed since this save and its moves no longer play: {e}") from None
    if same:
        got = game.state.hash() if doc["version"] >= 2 else v1_state_hash(world, doc["seed"], doc["log"])
        if got != doc["state_hash"]:
            raise SaveError(f"{path}: save is damaged or was edited: its moves do not lead to the state it records")
        return LoadReport(game, False, "")
    old = doc.get("state") if isinstance(doc.get("state"), dict) else {}
    changes = []
    old_room = old.get("room")
    if old_room != game.state.room:
        changes.append(f"room {old_room!r} is now {game.state.room!r}")
    old_vals = old.get("values")
    names = [v.name for v in world.vars]
    if isinstance(old_vals, list) and len(old_vals) == len(names):
        for name, a, b in zip(names, old_vals, game.state.values):
            if a != b:
                changes.append(f"{name} {a} -> {b}")
    note = (f"The world has changed since this save; its {len(doc['log'])} moves were replayed on the new version"
            + (": " + "; ".join(changes[:8]) if changes else ", with the same result."))
    return LoadReport(game, True, note)


def list_saves(root: Path, world: World) -> list[tuple[str, dict | None]]:
    """(slot, document or None if unreadable) for each save of this world, newest first."""
    folder = Path(root) / world.id
    if not folder.is_dir():
        return []
    out = []
    for p in sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True):
        if p.name == "endings.json":
            continue
        try:
            out.append((p.stem, read_save(p)))
        except SaveError:
            out.append((p.stem, None))
    return out


class Gallery:
    """The endings this player has seen in a world, kept across playthroughs."""

    def __init__(self, root: Path, world: World):
        self.world = world
        self.path = Path(root) / world.id / "endings.json"
        self.seen: dict[str, str] = {}
        try:
            doc = json.loads(self.path.read_text("utf-8"))
            if isinstance(doc, dict) and isinstance(doc.get("seen"), dict):
                self.seen = {k: str(v) for k, v in doc["seen"].items() if isinstance(k, str)}
        except (OSError, ValueError, UnicodeDecodeError, RecursionError):
            pass  # no gallery yet, or a damaged one: start empty, rewrite on the next ending

    def record(self, ending_id: str) -> bool:
        """Note an ending as seen; True if it is new. Raises SaveError if it cannot be kept on
        disk (it still counts as seen for this session, and the next ending tries again)."""
        if ending_id in self.seen:
            return False
        self.seen[ending_id] = time.strftime("%Y-%m-%d")
        try:
            atomic_write(self.path, (json.dumps({"world": self.world.id, "seen": self.seen}, indent=1) + "\n").encode())
        except OSError as e:
            raise SaveError(f"could not keep the endings gallery in {self.path}: {e.strerror or e}") from None
        return True

    def lines(self) -> list[str]:
        out = []
        for e in self.world.endings:
            if e.id in self.seen:
                out.append(f"  [x] {e.title}")
            elif e.secret:
                out.append("  [ ] ??? (secret)")
            else:
                out.append(f"  [ ] {e.title}")
        n = sum(1 for e in self.world.endings if e.id in self.seen)
        out.append(f"  {n} of {len(self.world.endings)} endings seen; {len(self.world.endings) - n} remain.")
        return out

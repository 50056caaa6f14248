"""Saves and the endings gallery: versioned JSON, written atomically, read defensively.

A save records the world's id and content hash, the seed and the log of choice ids, plus the state
reached. Loading replays the log: on the same world it must reproduce the saved state exactly (so
an edited or damaged save is caught); on an edited world it replays the log on the new world and
reports what changed, or refuses naming the move that no longer plays.

Where saves live (docs/security.md says why): one folder per world, `<root>/<key>/`, where the key
is the world's id for a shipped world and `<id>~<digest of its folder's real path>` for any other,
so a world that copies another's id cannot reach its saves, and an edited world in the same place
still finds them. In that folder the engine's own files (`autosave.json`, `endings.json`, files
kept aside such as `autosave.damaged.json`) sit at the top, and the player's named saves in
`slots/`, so no name a player types can take an engine file's place.
"""

from __future__ import annotations

import errno
import functools
import hashlib
import json
import os
import re
import stat
import time
from pathlib import Path


from ..core.record import Record
from ..core.errors import ChoiceError, SaveError
from ..world.fileio import atomic_write
from .game import Game, v1_state_hash
from .savedoc import FORMAT_VERSION, MAX_MOVES, SAVE_FORMAT, TooNew, check_doc
from ..core.model import World

__all__ = ["Memory", "memory_path", "SAVE_VERSION", "MAX_SAVE_BYTES", "MAX_SAVE_MOVES", "save_dir", "world_key", "world_dir", "slot_path",
           "autosave_path", "gallery_path", "write_save", "write_autosave", "read_save", "load_game", "list_saves",
           "keep_aside", "open_saves", "atomic_write", "Gallery", "LoadReport", "SaveEntry", "TooNew",
           "WorldChanged"]

SAVE_VERSION = FORMAT_VERSION
MAX_SAVE_BYTES = 8 * 1024 * 1024
MAX_SAVE_MOVES = MAX_MOVES  # read and written alike: see savedoc.MAX_MOVES
SLOT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
# The engine's files at the top of a world's folder. Any other engine file there must have a dot
# in its stem (as autosave.damaged.json has): a slot-like name there is an old save, and
# open_saves moves it into slots/.
AUTOSAVE = "autosave.json"
GALLERY = "endings.json"
MEMORY = "memory.json"  # what a world's persistent values were when its last game left them
SLOTS = "slots"


def _checkout_saves() -> Path | None:
    """`saves/` of a checkout of this project, when the package runs from one."""
    top = Path(__file__).resolve().parents[2]
    if (top / "pyproject.toml").is_file() and (top / "saves").is_dir() and (top / "adventure").is_dir():
        return top / "saves"
    return None


def save_dir(explicit: str | os.PathLike | None = None) -> Path:
    """Where saves go: --saves, else $ADVENTURE_SAVES, else a checkout's saves/, else the user data
    folder of this system (platformdirs: ~/.local/share/adventure/saves or $XDG_DATA_HOME on Linux,
    ~/Library/Application Support/adventure/saves on macOS, %LOCALAPPDATA%\\adventure\\saves on
    Windows). Versions up to 0.2 used the XDG folder on every system: while the new folder does
    not exist and that one does, saves stay there, so none is lost when the default moves."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("ADVENTURE_SAVES")
    if env:
        return Path(env)
    co = _checkout_saves()
    if co is not None:
        return co
    import platformdirs  # only here: --saves, $ADVENTURE_SAVES and a checkout never need it

    new = Path(platformdirs.user_data_dir("adventure", appauthor=False)) / "saves"
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    old = Path(base) / "adventure" / "saves"
    if old != new and old.is_dir() and not new.exists():
        return old
    return new


# ---------------------------------------------------------------- where a world's files are


def _real(path) -> str:
    return os.path.normcase(os.path.realpath(path))


@functools.lru_cache(maxsize=64)
def _key(world_id: str, path: str) -> str:
    from ..world.loader import shipped_worlds

    real = _real(path)
    shipped = shipped_worlds().get(world_id)
    if shipped is not None and _real(shipped) == real:
        return world_id  # a shipped world keeps its saves across upgrades and reinstalls
    digest = hashlib.sha256(world_id.encode() + b"\0" + os.fsencode(real)).hexdigest()[:12]
    return f"{world_id[:64]}~{digest}"


def world_key(world: World) -> str:
    """The name of the world's save folder: its id if it is a shipped world, else its id and a
    digest of where its folder really is (no id can contain '~', so the two never meet)."""
    return _key(world.id, world.path)


def world_dir(root: Path, world: World) -> Path:
    return Path(root) / world_key(world)


def slot_path(root: Path, world: World, slot: str) -> Path:
    """The file for a named slot. Names cannot contain path separators or dots, so cannot escape."""
    if not SLOT.match(slot or ""):
        raise SaveError(f"bad save name {slot!r}: use up to 64 letters, digits, '-' and '_'")
    return world_dir(root, world) / SLOTS / f"{slot}.json"


def autosave_path(root: Path, world: World) -> Path:
    return world_dir(root, world) / AUTOSAVE


def gallery_path(root: Path, world: World) -> Path:
    return world_dir(root, world) / GALLERY


def memory_path(root: Path, world: World) -> Path:
    return world_dir(root, world) / MEMORY


# ---------------------------------------------------------------- writing


def save_blob(game: Game, slot: str) -> bytes:
    """The save file's bytes. Raises SaveError for a game too long to save: nothing is written
    that read_save would refuse."""
    from .. import __version__

    log = game.log
    if len(log) > MAX_SAVE_MOVES:
        raise SaveError(f"this game is {len(log):,} moves long, too long to save: a save holds at most "
                        f"{MAX_SAVE_MOVES:,} moves")
    if sum(map(len, log)) + 4 * len(log) > MAX_SAVE_BYTES:  # at least this many bytes: refuse before encoding
        raise SaveError(f"this game's moves are too long to save in {MAX_SAVE_BYTES:,} bytes")
    doc = {
        "format": SAVE_FORMAT,
        "version": SAVE_VERSION,
        "min_version": SAVE_VERSION,  # format 1 engines hash states differently
        "engine": __version__,
        "slot": slot,
        "saved_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "world": {"id": game.world.id, "title": game.world.title, "hash": game.world.content_hash},
        "seed": game.seed,
        "log": list(log),
        "room": game.state.room,
        "turn": game.state.turn,
        "state": game.state.to_json(),
        "state_hash": game.state.hash(),
    }
    if game.carried:
        doc["carried"] = dict(game.carried)
    else:  # nothing format 3 added: format 2 engines can read it
        doc["version"] = doc["min_version"] = 2
    try:
        check_doc(doc, max_moves=MAX_SAVE_MOVES)
    except SaveError as e:  # pragma: no cover - a bug: the engine made a document it would refuse
        raise SaveError(f"this game cannot be saved: {e}") from None
    blob = (json.dumps(doc, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
    if len(blob) > MAX_SAVE_BYTES:
        raise SaveError(f"this game's save would be {len(blob):,} bytes, too long to save: the limit is "
                        f"{MAX_SAVE_BYTES:,}")
    return blob


def _write(path: Path, game: Game, slot: str) -> Path:
    try:
        atomic_write(path, save_blob(game, slot))
    except SaveError as e:
        raise SaveError(f"{e}; the previous save is untouched") from None
    except OSError as e:
        raise SaveError(f"could not write {path}: {e.strerror or e}; the previous save is untouched") from None
    return path


def write_save(root: Path, game: Game, slot: str) -> Path:
    return _write(slot_path(root, game.world, slot), game, slot)


def write_autosave(root: Path, game: Game) -> Path:
    return _write(autosave_path(root, game.world), game, "autosave")


# ---------------------------------------------------------------- reading


def read_save(path: Path) -> dict:
    """Read and check a save file, every field by type and range. Raises SaveError (TooNew for a
    newer engine's format) naming the file; never modifies it."""
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):  # a fifo or a device would block or never end
            raise SaveError(f"{path}: not a regular file, so not a save; it was left as it is")
        if st.st_size > MAX_SAVE_BYTES:
            raise SaveError(f"{path}: {st.st_size:,} bytes is too large for a save (limit {MAX_SAVE_BYTES:,})")
        with open(path, "rb") as f:
            raw = f.read(MAX_SAVE_BYTES + 1)  # the file may grow after stat()
    except FileNotFoundError:
        raise SaveError(f"no save at {path}") from None
    except OSError as e:
        raise SaveError(f"{path}: cannot be read: {e.strerror or e}") from None
    if len(raw) > MAX_SAVE_BYTES:
        raise SaveError(f"{path}: too large for a save (limit {MAX_SAVE_BYTES:,} bytes)")
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise SaveError(f"{path}: not a save file (damaged or not JSON); it was left as it is") from None
    if not isinstance(doc, dict) or doc.get("format") != SAVE_FORMAT:
        raise SaveError(f"{path}: not an adventure save file; it was left as it is")
    try:
        return check_doc(doc, max_moves=MAX_SAVE_MOVES)
    except TooNew as e:
        raise TooNew(f"{path}: {e}") from None
    except SaveError as e:
        raise SaveError(f"{path}: save file is damaged: {e}; it was left as it is") from None


class WorldChanged(SaveError):
    """A save of an earlier version of the world whose moves no longer play on this one."""


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
    game = Game(world, doc["seed"], doc.get("carried"))
    same = doc["world"]["hash"] == world.content_hash
    try:
        game.load_log(doc["log"])
    except ChoiceError as e:
        if same:
            raise SaveError(f"{path}: save is damaged: {e}") from None
        raise WorldChanged(f"{path}: the world has changed since this save and its moves no longer play: {e}") from None
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


class SaveEntry(Record):
    """One named save as :saves lists it: its document, or why it cannot be loaded."""

    __slots__ = _fields = ("slot", "path", "doc", "problem")

    def __init__(self, slot: str, path: Path, doc: dict | None, problem: str):
        self.slot = slot
        self.path = path
        self.doc = doc
        self.problem = problem


def list_saves(root: Path, world: World) -> list[SaveEntry]:
    """Each named save of this world, newest first; one that cannot be read has doc None and the
    reason in `problem`. Only files named as a slot can be named are listed."""
    folder = world_dir(root, world) / SLOTS
    try:
        files = [p for p in folder.iterdir() if p.suffix == ".json" and SLOT.match(p.stem)]
    except OSError:
        return []
    dated = []
    for p in files:
        try:
            dated.append((p.stat().st_mtime, p))
        except OSError:  # gone since the listing
            continue
    out = []
    for _, p in sorted(dated, key=lambda t: (-t[0], t[1].name)):
        try:
            out.append(SaveEntry(p.stem, p, read_save(p), ""))
        except SaveError as e:
            out.append(SaveEntry(p.stem, p, None, str(e)))
    return out


# ---------------------------------------------------------------- never overwrite, never delete


def _move(src: Path, names, copy: bool = False) -> Path:
    """Move (or copy) `src` to the first of `names` (paths) that is free; never replaces a file.
    Raises OSError if it cannot."""
    last: OSError | None = None
    for dst in names:
        dst.parent.mkdir(parents=True, exist_ok=True)
        if copy:
            try:
                fd = os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                continue
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(src.read_bytes())
                    f.flush()
                    os.fsync(f.fileno())
            except BaseException:
                os.unlink(dst)
                raise
            return dst
        try:
            os.link(src, dst)  # fails if dst exists: no moment where a file is replaced
        except FileExistsError:
            continue
        except OSError as e:
            if e.errno not in (errno.EPERM, errno.EXDEV, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS, errno.EMLINK):
                raise
            last = e
            if dst.exists():  # a filesystem without hard links: check, then rename
                continue
            os.rename(src, dst)
            return dst
        os.unlink(src)
        return dst
    raise last or OSError(errno.EEXIST, f"no free name for {src.name} in {src.parent}")


def _numbered(folder: Path, stem: str, limit: int = 1000):
    yield folder / f"{stem}.json"
    for k in range(2, limit):
        yield folder / f"{stem}-{k}.json"


def keep_aside(path: Path, reason: str = "damaged") -> Path:
    """Move a file this engine cannot use out of the way, never over another: autosave.json becomes
    autosave.damaged.json, then autosave.damaged-2.json, ... Returns the new path; OSError if it
    cannot be moved."""
    return _move(path, _numbered(path.parent, f"{path.stem}.{reason}"))


def _small_file(path: Path) -> bytes:
    """A file's bytes if it is a regular file of at most MAX_SAVE_BYTES; else ValueError."""
    st = path.stat()
    if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_SAVE_BYTES:
        raise ValueError("not a small regular file")
    with open(path, "rb") as f:
        return f.read(MAX_SAVE_BYTES)


def _is_save(path: Path) -> bool:
    try:
        doc = json.loads(_small_file(path).decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return False
    return isinstance(doc, dict) and doc.get("format") == SAVE_FORMAT


def open_saves(root: Path, world: World) -> list[str]:
    """Bring an old world folder (before the layout above) into the layout, losing nothing; returns
    what the player should be told. Safe to call every time: once done, it finds nothing to do.

    A shipped world's folder is the old one: its named saves move into slots/ (one whose name is
    already taken there keeps both, the old one as NAME-old). Any other world had shared the old
    folder `<root>/<id>/` with every world of that id: it gets copies of the saves made with
    exactly its content, and the old folder is left as it was."""
    folder = world_dir(root, world)
    try:
        if folder.name == world.id:
            return _move_old_slots(folder)
        old = Path(root) / world.id
        from ..world.loader import shipped_worlds

        if folder.exists() or not old.is_dir() or world.id in shipped_worlds():
            return []
        return _copy_old_saves(old, folder, world)
    except OSError as e:
        return [f"Your saves could not be moved into the new layout ({e.strerror or e}); they are untouched."]


def _move_old_slots(folder: Path) -> list[str]:
    notes = []
    try:
        old = sorted(p for p in folder.glob("*.json") if SLOT.match(p.stem) and p.is_file())
    except OSError:
        return []
    for p in old:
        if p.name == AUTOSAVE or (p.name in (GALLERY, MEMORY) and not _is_save(p)):
            continue  # the engine's own files stay; an endings.json that is a save was `:save endings`
        slots = folder / SLOTS
        first = slots / p.name
        again = (slots / f"{p.stem[:56]}-old{'' if k == 1 else f'-{k}'}.json" for k in range(1, 1000))
        dst = _move(p, [first, *again])
        if dst != first:
            notes.append(f"An old save named {p.stem!r} is now {dst.stem!r}: a newer save has its name.")
    return notes


def _copy_old_saves(old: Path, folder: Path, world: World) -> list[str]:
    mine, others = 0, 0
    for p in sorted(old.glob("*.json")):
        if not SLOT.match(p.stem) or not p.is_file():
            continue
        try:
            doc = read_save(p)
        except SaveError:
            continue  # a gallery, or damaged: not this world's to take
        if doc["world"]["id"] != world.id or doc["world"]["hash"] != world.content_hash:
            others += 1
            continue
        dst = folder / (AUTOSAVE if p.name == AUTOSAVE else f"{SLOTS}/{p.name}")
        _move(p, [dst], copy=True)
        mine += 1
    folder.mkdir(parents=True, exist_ok=True)  # done: the next start does not look again
    if not mine and not others:
        return []
    note = f"This world's saves now live in {folder}."
    if mine:
        note += f" It copied {mine} save(s) made with this very version of it from the old shared folder {old}."
    if others:
        note += (f" {old} holds {others} other save(s) for worlds with id {world.id!r}, made with other versions"
                 f" or by other worlds; they are left there (copy one into {folder / SLOTS} to try it).")
    return [note]


class Memory:
    """The persistent values (`persist = true`) a world's last game left, for the next new game:
    kept in memory.json beside the saves, written atomically whenever one changes."""

    def __init__(self, root: Path, world: World):
        self.world = world
        self.path = memory_path(root, world)
        self.names = [v.name for v in world.vars if v.persist]
        self.defaults = {v.name: v.default for v in world.vars if v.persist}
        self.values: dict = {}
        if not self.names:
            return
        try:
            doc = json.loads(_small_file(self.path).decode("utf-8"))
            vals = doc.get("values") if isinstance(doc, dict) else None
            if isinstance(vals, dict):  # the engine checks each value against its declaration
                self.values = {k: v for k, v in vals.items() if k in self.names and v.__class__ in (int, bool)}
        except OSError:
            pass  # none yet, or a folder that cannot be read: the games start from the defaults
        except (ValueError, UnicodeDecodeError, RecursionError):
            try:
                keep_aside(self.path)  # not ours to read: kept, and a fresh memory starts
            except OSError:
                pass  # and if it cannot be moved, it is left as it is (remember() then says why)

    def remember(self, values: dict) -> bool:
        """Keep these persistent values; True if they changed. Raises SaveError when the file
        cannot be written (the values still count for this session)."""
        if not self.names or values == {**self.defaults, **self.values}:
            return False  # nothing new to keep (no file is written for values at their defaults)
        self.values = dict(values)
        try:
            atomic_write(self.path, (json.dumps({"world": self.world.id, "values": self.values}, indent=1) + "\n").encode())
        except OSError as e:
            raise SaveError(f"could not keep what carries over to the next game in {self.path}: {e.strerror or e}") from None
        return True

    def forget(self) -> None:
        """Start the next games from the defaults: the file is kept aside, not deleted."""
        self.values = {}
        if self.path.exists():
            keep_aside(self.path, "forgotten")


class Gallery:
    """The endings this player has seen in a world, kept across playthroughs."""

    def __init__(self, root: Path, world: World):
        self.world = world
        self.path = gallery_path(root, world)
        self.seen: dict[str, str] = {}
        self.unreadable = False  # a file is there but is not a gallery: keep it aside before writing
        try:
            doc = json.loads(_small_file(self.path).decode("utf-8"))
            if not (isinstance(doc, dict) and isinstance(doc.get("seen"), dict)):
                raise ValueError("not a gallery")
            self.seen = {k: str(v)[:100] for k, v in doc["seen"].items() if isinstance(k, str)}
        except FileNotFoundError:
            pass  # no gallery yet
        except (OSError, ValueError, UnicodeDecodeError, RecursionError):
            self.unreadable = True

    def record(self, ending_id: str) -> bool:
        """Note an ending as seen; True if it is new. Raises SaveError if it cannot be kept on
        disk (it still counts as seen for this session, and the next ending tries again)."""
        if ending_id in self.seen:
            return False
        self.seen[ending_id] = time.strftime("%Y-%m-%d")
        try:
            if self.unreadable and self.path.exists():
                keep_aside(self.path)
            self.unreadable = False
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

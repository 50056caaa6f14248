"""A parse cache for large worlds: the TOML tables of a world's files, as JSON, keyed on its content hash.

Parsing TOML is most of the cost of loading a big world; reading the same tables back from JSON is
about 15 times faster. The cache holds only the parsed tables (what `tomli.loads` returned for each
file): the loader validates and compiles them exactly as it does tables fresh from TOML, so a cache
entry can only ever stand for data the world's own files produce.

- Where: `$XDG_CACHE_HOME/adventure/worlds/<content hash>.json`, else `~/.cache/adventure/worlds/`,
  never in the world folder. `ADVENTURE_NO_CACHE=1` turns it off (no reads, no writes);
  `ADVENTURE_CACHE_DIR` names another folder.
- What: JSON only (it cannot run code); nothing is eval'd or unpickled.
- When: worlds of at least MIN_BYTES of TOML, after a load without problems.
- How much: an entry of more than MAX_ENTRY_BYTES is not written (nor read); after each write,
  the least recently used entries (by modification time, which a hit refreshes) are removed
  until all of them take at most MAX_TOTAL_BYTES, and so are temporary files that a crashed
  write left more than an hour ago. Only files named like entries are ever removed.
- Safety: the file must be a regular file owned by this user and not writable by others; its header
  must name this cache format, this engine version and the content hash it is keyed on; a checksum
  covers the tables, one per file the world has. Anything else, or any error in reading, is a miss:
  the world is loaded from its TOML as if there were no cache. Only tables of strings, whole
  numbers, true/false, arrays and tables are written (what TOML gives for a valid world), and the
  loader checks the type of every value it reads; if tables from the cache make a world with any
  problem, the loader starts again from the TOML (see loader.load_world).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import time
from pathlib import Path

from .fileio import atomic_write

__all__ = ["MIN_BYTES", "MAX_ENTRY_BYTES", "MAX_TOTAL_BYTES", "FORMAT", "cache_dir", "read", "write"]

FORMAT = 1
MIN_BYTES = 64_000  # smaller worlds parse in a few milliseconds (All-Hands, 98 KB, is cached)
MAX_ENTRY_BYTES = 64 * 1024 * 1024  # the 100,000-room benchmark world's entry is 63 MB
MAX_TOTAL_BYTES = 256 * 1024 * 1024
STALE_SECONDS = 3600  # a temporary file older than this was left by a write that crashed
_ENTRY = re.compile(r"[0-9a-f]{64}\.json")
_TEMP = re.compile(r"\.[0-9a-f]{64}\.json\..*\.tmp", re.S)


def _enabled() -> bool:
    return os.environ.get("ADVENTURE_NO_CACHE", "") in ("", "0")


def cache_dir() -> Path:
    explicit = os.environ.get("ADVENTURE_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME")
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".cache"
    return root / "adventure" / "worlds"


def _path(content_hash: str) -> Path | None:
    if len(content_hash) != 64 or not all(c in "0123456789abcdef" for c in content_hash):
        return None
    return cache_dir() / f"{content_hash}.json"


def _version() -> str:
    from .. import __version__

    return __version__


def _checksum(body: bytes) -> str:
    """Of the body's bytes as written and read (no decoding and encoding again)."""
    return hashlib.sha256(body).hexdigest()


_PLAIN = (str, int, bool)


def _plain(v, depth: int = 0) -> bool:
    """Only what TOML gives for a world: str, int, bool, list and dict with str keys (no float,
    null or date), nested no deeper than the loader's own limits allow."""
    if depth > 60:
        return False
    t = type(v)
    if t is dict:
        for k, x in v.items():
            tx = type(x)
            if tx is str or tx is int or tx is bool:
                continue
            if type(k) is not str or not _plain(x, depth + 1):
                return False
        return True
    if t is list:
        for x in v:
            tx = type(x)
            if tx is str or tx is int or tx is bool:
                continue
            if not _plain(x, depth + 1):
                return False
        return True
    return t in _PLAIN


def read(content_hash: str, names: list[str]) -> dict | None:
    """The cached tables {file name: data} for exactly these files, or None (a miss)."""
    if not _enabled():
        return None
    path = _path(content_hash)
    if path is None:
        return None
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            return None
        if hasattr(os, "getuid") and st.st_uid != os.getuid():
            return None
        if st.st_size > MAX_ENTRY_BYTES:
            return None
        with os.fdopen(fd, "rb", closefd=False) as f:
            blob = f.read(MAX_ENTRY_BYTES + 1)
        if len(blob) > MAX_ENTRY_BYTES:
            return None
        header, sep, body = blob.partition(b"\n")
        if not sep:
            return None
        head = json.loads(header.decode("utf-8"))
        if (type(head) is not dict or head.get("format") != FORMAT or head.get("engine") != _version()
                or head.get("hash") != content_hash
                or head.get("checksum") != _checksum(body)):
            return None
        files = json.loads(body.decode("utf-8"))
        if type(files) is not dict or sorted(files) != sorted(names):
            return None
        for data in files.values():
            if type(data) is not dict:
                return None
        # the tables are not walked here: the loader checks the type of every value it reads, and
        # a load from the cache that finds any problem is done again from the TOML
        try:
            os.utime(fd)  # used now: the last entry to be evicted
        except (OSError, NotImplementedError):
            pass
        return files
    except (OSError, ValueError, RecursionError, UnicodeDecodeError):
        return None
    finally:
        os.close(fd)


def write(content_hash: str, files: dict) -> None:
    """Store the tables, atomically. Quietly does nothing if they are not plain JSON or on any error."""
    if not _enabled():
        return
    path = _path(content_hash)
    if path is None:
        return
    try:
        # called after a miss: an entry already there is damaged or from another engine version,
        # and is replaced (keeping it would make every later load a miss)
        if not all(type(d) is dict and _plain(d) for d in files.values()):
            return
        body = json.dumps(files, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        header = json.dumps({"format": FORMAT, "engine": _version(), "hash": content_hash,
                             "checksum": _checksum(body)})
        blob = header.encode("utf-8") + b"\n" + body
        if len(blob) > MAX_ENTRY_BYTES:
            return
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        atomic_write(path, blob)
        _evict(path.parent, path.name)
    except (OSError, ValueError, RecursionError):
        pass


def _evict(folder: Path, keep: str) -> None:
    """Remove the least recently used entries until they take at most MAX_TOTAL_BYTES (never
    `keep`, the one just written), and temporary files older than STALE_SECONDS. Only regular
    files of this user named like entries are looked at."""
    uid = os.getuid() if hasattr(os, "getuid") else None
    entries = []
    stale = []
    now = time.time()
    with os.scandir(folder) as it:
        for e in it:
            entry = _ENTRY.fullmatch(e.name)
            if not entry and not _TEMP.fullmatch(e.name):
                continue
            try:
                st = e.stat(follow_symlinks=False)
            except OSError:
                continue
            if not stat.S_ISREG(st.st_mode) or (uid is not None and st.st_uid != uid):
                continue
            if entry:
                entries.append((st.st_mtime_ns, e.name, st.st_size))
            elif now - st.st_mtime > STALE_SECONDS:
                stale.append(e.name)
    total = sum(size for _, _, size in entries)
    for _, name, size in sorted(entries):  # the least recently used first
        if total <= MAX_TOTAL_BYTES:
            break
        if name == keep:
            continue
        stale.append(name)
        total -= size
    for name in stale:
        try:
            os.unlink(folder / name)
        except OSError:
            pass

"""Par (the proved fewest moves to each ending) remembered per world content and seed, so that
`adventure runs` answers at once and `adventure route` does not search twice for the same world.

- Where: `<cache folder>/par/<content hash>-<seed>.json`, beside the parse cache (world/cache.py:
  `ADVENTURE_CACHE_DIR`, `$XDG_CACHE_HOME/adventure`, `~/.cache/adventure`); `ADVENTURE_NO_CACHE=1`
  turns it off. Written atomically (world/fileio.atomic_write).
- What: JSON, `{"format", "content_hash", "seed", "par": {ending: moves}, "open": {ending: budget}}`:
  `par` holds only proved results (a shortest route found, or -1 for proved unreachable); `open`
  the endings a search with that budget (states expanded) could not settle, so that the same
  small budget is not spent again on every call. Anything malformed is a miss.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ..core.model import World
from ..world.cache import cache_dir
from ..world.fileio import atomic_write

__all__ = ["read", "record", "path"]

FORMAT = 1


def _enabled() -> bool:
    return os.environ.get("ADVENTURE_NO_CACHE", "") in ("", "0")


def path(world: World, seed: int) -> Path | None:
    h = world.content_hash
    if not h or not all(c in "0123456789abcdef" for c in h) or not isinstance(seed, int):
        return None
    return cache_dir().parent / "par" / f"{h}-{seed}.json"


def read(world: World, seed: int = 0) -> dict:
    """{"par": {ending: moves or -1}, "open": {ending: budget}} for this world and seed (empty
    when nothing is cached)."""
    empty = {"par": {}, "open": {}}
    p = path(world, seed)
    if p is None or not _enabled():
        return empty
    try:
        doc = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return empty
    if (not isinstance(doc, dict) or doc.get("format") != FORMAT or doc.get("content_hash") != world.content_hash
            or doc.get("seed") != seed):
        return empty
    ids = {e.id for e in world.endings}
    par = doc.get("par")
    opened = doc.get("open")
    if not isinstance(par, dict) or not isinstance(opened, dict):
        return empty
    out = {"par": {}, "open": {}}
    for k, v in par.items():
        if k in ids and isinstance(v, int) and not isinstance(v, bool) and v >= -1:
            out["par"][k] = v
    for k, v in opened.items():
        if k in ids and isinstance(v, int) and not isinstance(v, bool) and v >= 0:
            out["open"][k] = v
    return out


def record(world: World, seed: int, par: dict | None = None, opened: dict | None = None) -> None:
    """Add proved pars ({ending: moves, or -1 for unreachable}) and unsettled endings
    ({ending: budget}) to the cache; a proved par replaces an open entry."""
    p = path(world, seed)
    if p is None or not _enabled():
        return
    doc = read(world, seed)
    doc["par"].update(par or {})
    for k, v in (opened or {}).items():
        if k not in doc["par"]:
            doc["open"][k] = max(v, doc["open"].get(k, 0))
    for k in doc["par"]:
        doc["open"].pop(k, None)
    data = {"format": FORMAT, "content_hash": world.content_hash, "seed": seed, **doc}
    try:
        atomic_write(p, json.dumps(data, sort_keys=True).encode("utf-8"))
    except OSError:
        pass  # a cache that cannot be written is only slower

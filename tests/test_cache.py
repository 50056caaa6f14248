"""The parse cache (adventure/world/cache.py): a hit loads the same world as the TOML; a damaged, edited,
foreign or disabled cache is never used; nothing here depends on timing."""

import json
import os
import shutil
from pathlib import Path

import pytest

from adventure import Game, load_world
from adventure.world import cache

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def cached(tmp_path, monkeypatch):
    """A copy of the tutorial (small, so the size threshold is lowered) and an empty cache folder."""
    d = tmp_path / "cache"
    monkeypatch.setenv("ADVENTURE_CACHE_DIR", str(d))
    monkeypatch.delenv("ADVENTURE_NO_CACHE", raising=False)
    monkeypatch.setattr(cache, "MIN_BYTES", 0)
    world = tmp_path / "tutorial"
    shutil.copytree(ROOT / "worlds" / "tutorial", world)
    return world, d


def _playthrough(world) -> list[str]:
    g = Game(world, seed=3)
    hashes = [g.state_hash()]
    for _ in range(40):
        opts = [o for o in g.options() if o.enabled]
        if not opts or g.state.ending is not None:
            break
        g.choose(opts[len(hashes) % len(opts)].id)
        hashes.append(g.state_hash())
    return hashes


def _same(a, b) -> None:
    assert a == b  # every room, choice, text, ending and line number
    assert a.content_hash == b.content_hash
    assert [r.line for r in a.rooms.values()] == [r.line for r in b.rooms.values()]
    assert _playthrough(a) == _playthrough(b)


def _entry(d: Path) -> Path:
    (f,) = d.glob("*.json")
    return f


def test_a_hit_loads_the_same_world(cached):
    world, d = cached
    fresh = load_world(world)
    f = _entry(d)
    assert f.name == fresh.content_hash + ".json"
    assert not (world / f.name).exists() and not list(world.rglob("*.json"))  # never in the world folder
    head, body = f.read_text().split("\n", 1)
    assert json.loads(head)["hash"] == fresh.content_hash
    _same(load_world(world), fresh)


@pytest.mark.parametrize("damage", ["empty", "garbage", "truncated", "bad checksum", "pickle bytes"])
def test_a_damaged_entry_is_a_miss(cached, damage):
    world, d = cached
    fresh = load_world(world)
    f = _entry(d)
    text = f.read_text()
    f.write_bytes({"empty": b"", "garbage": b"\x00\xff{not json", "truncated": text[: len(text) // 2].encode(),
                   "bad checksum": text.replace('"title"', '"titel"', 1).encode(),
                   "pickle bytes": b"\x80\x04\x95cos\nsystem\n."}[damage])
    _same(load_world(world), fresh)
    assert f.read_text() == text  # the damaged entry was written again


def test_an_edited_entry_with_a_good_checksum_cannot_make_an_invalid_world(cached):
    world, d = cached
    fresh = load_world(world)
    f = _entry(d)
    head, body = f.read_text().split("\n", 1)
    files = json.loads(body)
    for data in files.values():
        for room in data.values():
            if isinstance(room, dict) and "choice" in room:
                room["choice"][0]["go"] = "nowhere"
                room["choice"][0]["end"] = None
                room["bogus"] = 1.5
    body = json.dumps(files)
    h = json.loads(head)
    h["checksum"] = cache._checksum(body.encode())
    f.write_text(json.dumps(h) + "\n" + body)
    _same(load_world(world), fresh)  # the loader found problems in the cached tables: TOML again


def test_an_entry_for_other_files_or_another_version_is_a_miss(cached, monkeypatch):
    world, d = cached
    fresh = load_world(world)
    f = _entry(d)
    head, body = f.read_text().split("\n", 1)
    h = json.loads(head)
    h["engine"] = "0.0.0-other"
    f.write_text(json.dumps(h) + "\n" + body)
    assert cache.read(fresh.content_hash, list(json.loads(body))) is None
    _same(load_world(world), fresh)
    # the stale entry was replaced by this version's (an upgrade must not make every load a miss)
    assert json.loads(f.read_text().split("\n", 1)[0])["engine"] == cache._version()
    assert cache.read(fresh.content_hash, list(json.loads(body))) is not None
    # a changed world has another content hash: its own entry
    (world / "world.toml").write_text((world / "world.toml").read_text() + "\n# edited\n")
    edited = load_world(world)
    assert edited.content_hash != fresh.content_hash
    assert len(list(d.glob("*.json"))) == 2


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_an_entry_others_can_write_is_not_used(cached):
    world, d = cached
    fresh = load_world(world)
    f = _entry(d)
    os.chmod(f, 0o666)
    names = list(json.loads(f.read_text().split("\n", 1)[1]))
    assert cache.read(fresh.content_hash, names) is None
    os.chmod(f, 0o600)
    assert cache.read(fresh.content_hash, names) is not None


def test_no_cache_env_var(cached, monkeypatch):
    world, d = cached
    monkeypatch.setenv("ADVENTURE_NO_CACHE", "1")
    load_world(world)
    assert not d.exists() or not list(d.glob("*.json"))


def test_small_worlds_are_not_cached(cached, monkeypatch):
    world, d = cached
    monkeypatch.setattr(cache, "MIN_BYTES", 10**9)
    load_world(world)
    assert not d.exists() or not list(d.glob("*.json"))


def test_problems_are_reported_the_same_and_nothing_is_cached(cached, tmp_path):
    world, d = cached
    (world / "rooms" / "zz.toml").write_text('[zz]\ntitle = "Z"\ntext = "z"\n[[zz.choice]]\nid = "a"\nsay = "A"\ngo = "nowhere"\n')
    from adventure import WorldError

    with pytest.raises(WorldError) as e:
        load_world(world)
    assert "nowhere" in str(e.value) and "zz.toml:7" in str(e.value)
    assert not d.exists() or not list(d.glob("*.json"))


# ---------------------------------------------------------------- bounded size


def _variant(world: Path, i: int) -> None:
    """Make the world's content (so its hash and cache entry) the i-th of several."""
    wt = world / "world.toml"
    wt.write_text(wt.read_text().split("\n# variant")[0] + f"\n# variant {i}\n")


def test_an_entry_over_the_per_entry_cap_is_not_written(cached, monkeypatch):
    world, d = cached
    monkeypatch.setattr(cache, "MAX_ENTRY_BYTES", 1000)
    load_world(world)
    assert not d.exists() or not list(d.glob("*.json"))


def test_the_cache_evicts_the_least_recently_used_entries(cached, monkeypatch):
    """Entries are used in the order 0, 1, 2 (then 0 is read again); with room for two, writing a
    fourth evicts the least recently used: 1, then 2. Recency is set explicitly (no clock)."""
    world, d = cached
    hashes = []
    for i in range(3):
        _variant(world, i)
        hashes.append(load_world(world).content_hash)
    size = max(f.stat().st_size for f in d.glob("*.json"))
    for n, h in enumerate(hashes):
        os.utime(d / f"{h}.json", ns=(10**18 + n, 10**18 + n))
    (d / "notes.txt").write_text("not an entry")
    (d / ("f" * 64 + ".txt")).write_text("not an entry either")
    _variant(world, 0)
    load_world(world)  # a hit: entry 0 becomes the most recently used
    assert (d / f"{hashes[0]}.json").stat().st_mtime_ns > 10**18 + 2
    monkeypatch.setattr(cache, "MAX_TOTAL_BYTES", int(size * 2.5))
    _variant(world, 3)
    fourth = load_world(world).content_hash
    left = {f.name[:-5] for f in d.glob("*.json")}
    assert left == {hashes[0], fourth}
    assert (d / "notes.txt").exists() and (d / ("f" * 64 + ".txt")).exists()  # only entries are removed


def test_a_stale_temporary_file_is_removed(cached):
    world, d = cached
    load_world(world)
    tmp = d / ("." + "a" * 64 + ".json.x1y2.tmp")
    tmp.write_bytes(b"half a write")
    os.utime(tmp, (1, 1))  # long ago: its writer is gone
    fresh = d / ("." + "b" * 64 + ".json.x1y2.tmp")
    fresh.write_bytes(b"a write under way")
    _variant(world, 9)
    load_world(world)
    assert not tmp.exists() and fresh.exists()


def test_a_fifo_in_the_cache_is_a_miss_not_a_hang(cached):
    import subprocess
    import sys

    world, d = cached
    h = load_world(world).content_hash
    (d / f"{h}.json").unlink()
    os.mkfifo(d / f"{h}.json")
    code = ("import sys\nfrom adventure.world import cache\ncache.MIN_BYTES = 0\n"
            "from adventure import load_world\nprint(load_world(sys.argv[1]).id)\n")
    r = subprocess.run([sys.executable, "-c", code, str(world)], capture_output=True, text=True, timeout=30,
                       env=dict(os.environ, ADVENTURE_CACHE_DIR=str(d)))
    assert r.returncode == 0 and r.stdout.strip() == "tutorial", r.stderr

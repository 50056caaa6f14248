"""A mutational fuzzer of save files: real saves, damaged byte by byte and field by field, fed to
every reader a player reaches (load_game, list_saves, :saves, :load, --continue, Game.set_state).

Whatever the input: only SaveError escapes; no file is deleted or changed (an autosave that cannot
be loaded may only move aside, bytes intact); and the work is bounded, counted in engine steps, not
timed (at most two replays of the file's log, itself at most MAX_SAVE_MOVES long), with an alarm
that fails a call that hangs outright (a fifo, a runaway loop).
"""

import contextlib
import json
import signal
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import adventure.play.game as game_module
from adventure import Game, load_world
from adventure.core.errors import SaveError
from adventure.play.saves import MAX_SAVE_MOVES, list_saves, load_game, save_blob, write_save
from adventure.play.session import Session

from conftest import WORLDS, quick_and_full

WORLD = load_world(WORLDS / "tutorial")
HANG = 60  # seconds: not a speed limit, a hang detector


def _seed_saves() -> list[bytes]:
    """Real saves: a new game, a game under way, a finished one, a long loop, and a format-1 save."""
    from adventure.play.game import v1_state_hash

    out = []
    for seed, log in [(0, []), (3, ["feed-gull", "up", "oil"]), (1, ["up", "up", "wait"]),
                      (7, ["feed-gull"] + ["wave"] * 30), (2**63, ["kettle", "up"])]:
        g = Game(WORLD, seed)
        for m in log:
            g.choose(m)
        out.append(save_blob(g, "x"))
    doc = json.loads(out[1])
    doc.update(version=1, min_version=1, state_hash=v1_state_hash(WORLD, 3, doc["log"]))
    out.append(json.dumps(doc).encode())
    return out


SEEDS = _seed_saves()
GOOD = SEEDS[1]
CHOICE_IDS = sorted({c.id for r in WORLD.rooms.values() for c in r.choices})

nested = st.recursive(st.none() | st.integers(-3, 3), lambda c: st.lists(c, max_size=2) | st.dictionaries(st.text(max_size=2), c, max_size=2), max_leaves=6)
odd_values = st.one_of(
    st.sampled_from([None, True, False, 0, -1, 1, 2, 3, 2**31, 2**63, -(2**63) - 1, 2**64, 10**400, -(10**400),
                     1.5, 2.0, float("nan"), float("inf"), "", "2", "3", "²", "①", "٣", "\x1b[2J", "\u202e", "x" * 5000,
                     [], [1], ["up"], {}, {"id": "tutorial"}, {"id": "tutorial", "hash": 3}]),
    st.integers(), st.floats(allow_nan=True), st.text(max_size=20), nested,
    st.lists(st.sampled_from(CHOICE_IDS), max_size=12),
    st.just([[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]),
)
FIELDS = ["format", "version", "min_version", "engine", "slot", "saved_at", "world", "seed", "log", "room", "turn",
          "state", "state_hash", ("world", "id"), ("world", "hash"), ("world", "title"), ("state", "room"),
          ("state", "values"), ("state", "turn"), ("log", 0), ("log", -1), ("state", "values", 0), "unknown"]


@st.composite
def json_mutant(draw) -> bytes:
    doc = json.loads(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(FIELDS))
        path = path if isinstance(path, tuple) else (path,)
        parent = doc
        for k in path[:-1]:
            parent = parent.get(k) if isinstance(parent, dict) else None
        last = path[-1]
        if isinstance(parent, dict):
            if last in parent and draw(st.integers(0, 4)) == 0:
                del parent[last]
            else:
                parent[last] = draw(odd_values)
        elif isinstance(parent, list) and parent and isinstance(last, int):
            parent[last] = draw(odd_values)
    try:
        return json.dumps(doc, allow_nan=True).encode()
    except ValueError:  # an int past Python's digit limit cannot even be written
        return json.dumps({**doc, "seed": "too big"}).encode()


@st.composite
def byte_mutant(draw) -> bytes:
    raw = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["flip", "cut", "insert", "truncate", "splice", "digit"]))
        i = draw(st.integers(0, max(0, len(raw) - 1)))
        if op == "flip" and raw:
            raw[i] ^= 1 << draw(st.integers(0, 7))
        elif op == "cut":
            del raw[i:i + draw(st.integers(1, 40))]
        elif op == "insert":
            raw[i:i] = draw(st.binary(min_size=1, max_size=8) | st.sampled_from([b"{", b"}", b'"', b"\\", b"\xff", b"[" * 60]))
        elif op == "truncate":
            del raw[i:]
        elif op == "splice":
            other = draw(st.sampled_from(SEEDS))
            j = draw(st.integers(0, len(other) - 1))
            raw[i:i] = other[j:j + draw(st.integers(1, 200))]
        elif op == "digit" and raw:
            raw[i] = ord(draw(st.sampled_from("0123456789-.eE")))
    return bytes(raw)


mutants = st.one_of(json_mutant(), json_mutant(), byte_mutant())  # twice the JSON: bytes mostly break the JSON


def tree(root: Path) -> dict:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def moves_in(blob: bytes) -> int:
    try:
        log = json.loads(blob).get("log")
        return len(log) if isinstance(log, list) else 0
    except Exception:
        return 0


@contextlib.contextmanager
def bounded(blob: bytes):
    """Count the engine steps the block takes (one per replayed move) and fail it if it hangs."""
    count = [0]
    real_step, real_replay = game_module.step, game_module.replay

    def step(*a, **k):
        count[0] += 1
        return real_step(*a, **k)

    def replay(world, log, seed=0):
        count[0] += len(log)
        return real_replay(world, log, seed)

    def hang(*_):
        raise TimeoutError(f"a save reader hung for {HANG} s")

    game_module.step, game_module.replay = step, replay
    old = signal.signal(signal.SIGALRM, hang)
    signal.alarm(HANG)
    try:
        yield count
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
        game_module.step, game_module.replay = real_step, real_replay
    n = moves_in(blob)
    assert count[0] <= 2 * (min(n, MAX_SAVE_MOVES) + 1), (count[0], n)


def attack(blob: bytes) -> None:
    with tempfile.TemporaryDirectory() as d:
        root = Path(d)
        folder = root / "tutorial"
        (folder / "slots").mkdir(parents=True)
        (folder / "slots" / "x.json").write_bytes(blob)
        (folder / "slots" / "good.json").write_bytes(GOOD)
        (folder / "autosave.json").write_bytes(blob)
        before = tree(root)
        with bounded(blob):
            try:
                load_game(folder / "slots" / "x.json", WORLD)
            except SaveError:
                pass
        with bounded(blob):
            rows = {e.slot: e for e in list_saves(root, WORLD)}
            assert set(rows) == {"x", "good"} and rows["good"].doc is not None
            assert (rows["x"].doc is None) == bool(rows["x"].problem)
        with bounded(blob):
            look = Session(WORLD, root, autosave=False)
            look.handle(":saves")
            look.handle(":load x")
        with bounded(blob):
            s = Session(WORLD, root)  # what --continue does
            blocks = s.opening(resume=True)
            assert blocks
        after = tree(root)
        for name, data in before.items():  # nothing deleted, nothing changed...
            if name != "tutorial/autosave.json":
                assert after.get(name) == data, name
        if after.get("tutorial/autosave.json") != blob:  # ...an autosave that did not load moved aside
            aside = [k for k in after if k.startswith("tutorial/autosave.") and k not in before]
            assert len(aside) == 1 and after[aside[0]] == blob and "tutorial/autosave.json" not in after
            assert blocks[0][0] == "error" and f"kept as {aside[0].split('/')[1]}" in blocks[0][1]
        try:
            doc = json.loads(blob)
        except (ValueError, RecursionError):
            return
        g = Game(WORLD)
        with bounded(blob):
            try:
                g.set_state(doc)
            except SaveError:
                assert g.log == []


@quick_and_full(250, 5000)
def test_mutated_saves_raise_only_save_error_and_lose_nothing(examples):
    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(mutants)
    def check(blob):
        attack(blob)

    check()


def test_the_seeds_themselves_load(tmp_path):
    for blob in SEEDS:
        p = tmp_path / "s.json"
        p.write_bytes(blob)
        load_game(p, WORLD)


def test_a_log_over_the_limit_is_refused_before_any_move_is_replayed(tmp_path):
    doc = json.loads(GOOD)
    doc["log"] = ["wave"] * (MAX_SAVE_MOVES + 1)
    blob = json.dumps(doc).encode()
    p = write_save(tmp_path, Game(WORLD), "s")
    p.write_bytes(blob)
    with bounded(b"{}") as steps:  # zero moves allowed: it must not replay any
        with pytest.raises(SaveError, match="at most 100,000"):
            load_game(p, WORLD)
    assert steps[0] == 0


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="needs fifos")
def test_a_fifo_where_the_autosave_should_be_does_not_hang_the_player(tmp_path):
    import os

    (tmp_path / "tutorial" / "slots").mkdir(parents=True)
    os.mkfifo(tmp_path / "tutorial" / "autosave.json")
    os.mkfifo(tmp_path / "tutorial" / "slots" / "f.json")
    os.mkfifo(tmp_path / "tutorial" / "endings.json")
    with bounded(b"{}"):
        s = Session(WORLD, tmp_path)
        out = s.opening(resume=True)
        assert "not a regular file" in out[0][1]
        assert "not a regular file" in "\n".join(t for _, t in s.handle(":saves"))

"""A mutational fuzzer of replay files: real recorded runs (a clean one, an all-endings one with its
restarts, a practice one with aid lines), mutated in their bytes, their JSON fields (wrong types,
NaN and infinities, huge numbers, control characters), their splits and the order of their
lines, optionally with the chain recomputed (as a cheater with a script would) so the mutation
reaches the deeper checks. What must hold for every input:

- read_replay raises nothing but ReplayError; verify_replay returns a Verified or raises
  ReplayError; `runs` (collect_all and the command) never raises and never crashes;
- bounded work: verification takes at most one engine step per line of the file (counted, not
  timed: the tests never assert wall-clock times);
- a mutation that changes what any line says, with the chain not recomputed, never verifies;
- whatever verifies says only what re-simulation gives: moves, ending, splits from the move lines.

Quick slice in the default run; `pytest -m slow` runs the long one. docs/speedrun.md has figures."""

import io
import json
import tempfile
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adventure import load_world
from adventure.core.errors import ReplayError
from adventure.speedrun import replay as replay_mod
from adventure.speedrun.replay import read_replay, verify_replay
from adventure.speedrun.runs import collect_all
from adventure.speedrun.session import SpeedrunSession

from conftest import WORLDS, quick_and_full
from test_speedrun import FakeClock, play

SETTINGS = dict(deadline=None, suppress_health_check=list(HealthCheck), derandomize=False)
TUTORIAL = load_world(WORLDS.parent / "tests" / "worlds" / "frozen" / "tutorial-2025")  # its routes are pinned below


def _secret_seed():
    from adventure import play_moves

    return next(k for k in range(100)
                if play_moves(TUTORIAL, ["feed-gull", "up", "up", "light", "wait"], seed=k).state.ending == "storm-keeper")


def _record(category, moves, seed=0):
    with tempfile.TemporaryDirectory() as d:
        clock = FakeClock()
        s = SpeedrunSession(TUTORIAL, Path(d), seed=seed, category=category, clock=clock)
        play(s, clock, moves)
        assert s.finished
        return s.last_replay.read_bytes()


CORPUS = {
    "clean": _record("ending:beacon", ["climb", "keep", "light", "wait"]),
    "all": _record("all", ["climb", "keep", "wait", "climb", "keep", "light", "wait",
                           "gull", "climb", "keep", "light", "wait"], seed=_secret_seed()),
    "practice": _record("any", ["climb", ":state", "down", ":undo", "keep", "wait"]),
}
KEYS = ["type", "format", "version", "engine", "world", "id", "title", "hash", "seed", "category", "start_hash",
        "n", "choice", "t_game", "t_real", "reason", "after", "command", "ending", "endings", "moves", "splits",
        "name", "move", "practice", "chain"]

scalars = st.one_of(
    st.none(), st.booleans(),
    st.integers(), st.sampled_from([-1, 0, 1, 2, 3, 4, 12, 10 ** 9, 10 ** 9 + 1, 2 ** 63, 10 ** 30, -10 ** 30]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([float("nan"), float("inf"), float("-inf"), 1e308, -0.0, 5e-324, 0.5, 1.5, 6.0]),
    st.text(max_size=30),
    st.sampled_from(["", "up", "down", "wait", "light", "beacon", "dark", "storm-keeper", "any", "all",
                     "ending:beacon", "ending:nope", "next", "practice", ":undo", ":state", "move", "restart",
                     "aid", "footer", "header", "tutorial", "/etc", "../x", "\x1b[2J\n\u202e", "0" * 16, "x" * 500]),
)
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                      st.dictionaries(st.sampled_from(KEYS), inner, max_size=4)),
                      max_leaves=8)


def rechain(docs):
    prev = replay_mod.CHAIN_START
    for d in docs:
        if isinstance(d, dict):
            d.pop("chain", None)
            d["chain"] = prev = replay_mod.chain(prev, d)
    return docs


@st.composite
def mutated(draw):
    """(bytes of a mutated replay, whether it still says exactly what the original says)."""
    base = CORPUS[draw(st.sampled_from(sorted(CORPUS)))]
    docs = [json.loads(ln) for ln in base.decode().splitlines()]
    kind = draw(st.sampled_from(["bytes", "field", "split", "lines", "field", "split"]))
    if kind == "bytes":
        b = bytearray(base)
        for _ in range(draw(st.integers(1, 4))):
            op = draw(st.sampled_from(["flip", "insert", "delete", "truncate"]))
            i = draw(st.integers(0, max(0, len(b) - 1)))
            if op == "flip" and b:
                b[i] ^= 1 << draw(st.integers(0, 7))
            elif op == "insert":
                b[i:i] = draw(st.binary(min_size=1, max_size=8))
            elif op == "delete":
                del b[i:i + draw(st.integers(1, 40))]
            else:
                del b[i:]
        data = bytes(b)
    else:
        if kind == "field":
            d = docs[draw(st.integers(0, len(docs) - 1))]
            target = d["world"] if "world" in d and draw(st.booleans()) else d
            key = draw(st.sampled_from(sorted(target) + KEYS))
            if draw(st.integers(0, 5)) == 0:
                target.pop(key, None)
            else:
                target[key] = draw(values)
        elif kind == "split":
            sp = docs[-1]["splits"]
            if sp and draw(st.booleans()):
                s = sp[draw(st.integers(0, len(sp) - 1))]
                s[draw(st.sampled_from(["name", "move", "t_game", "t_real"]))] = draw(values)
            else:
                docs[-1]["splits"] = draw(st.one_of(values, st.lists(values, max_size=3)))
        else:
            op = draw(st.sampled_from(["delete", "duplicate", "swap", "reverse", "shuffle"]))
            i, j = draw(st.integers(0, len(docs) - 1)), draw(st.integers(0, len(docs) - 1))
            if op == "delete":
                del docs[i]
            elif op == "duplicate":
                docs.insert(j, json.loads(json.dumps(docs[i])))
            elif op == "swap":
                docs[i], docs[j] = docs[j], docs[i]
            elif op == "reverse":
                docs[min(i, j):max(i, j) + 1] = docs[min(i, j):max(i, j) + 1][::-1]
            else:
                docs = draw(st.permutations(docs))
        if draw(st.booleans()):
            rechain(docs)
        data = "".join(replay_mod.dumps_line(d) + "\n" for d in docs).encode("utf-8", "surrogatepass")
    return base, data


def _docs(data):
    try:
        # lines end at b"\n" only, as the reader reads them (splitlines would also break at U+0085
        # inside a JSON string: found by this fuzzer)
        return [json.loads(ln) for ln in data.decode("utf-8").split("\n") if ln.strip()]
    except ValueError:
        return None


def check_one(base, data, folder, with_command=False):
    p = folder / "tutorial" / "replays" / "r.jsonl"
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data)
    try:
        read_replay(p)
    except ReplayError:
        pass
    steps = [0]
    real_step = replay_mod.step

    def counting_step(*a):
        steps[0] += 1
        return real_step(*a)

    with mock.patch.object(replay_mod, "step", counting_step):
        try:
            v = verify_replay(p, TUTORIAL)
        except ReplayError:
            v = None
    assert steps[0] <= data.count(b"\n") + 1  # bounded: at most one engine step per line
    if v is not None:
        assert isinstance(v.ok, bool) and isinstance(v.message, str)
        if v.ok:
            # what verifies says only what re-simulation gives ...
            assert v.moves == sum(1 for d in _docs(data) if d.get("type") == "move")
            assert v.ending in {e.id for e in TUTORIAL.endings}
            assert all(0 <= t <= replay_mod.MAX_TIME for t in (v.t_game, v.t_real))
            assert [s[2] for s in v.splits] == sorted(s[2] for s in v.splits)
            # ... and an edit that changes what a line says verifies only with the chain recomputed
            orig = _docs(base)
            now = _docs(data)
            if now != orig:
                assert [d.get("chain") for d in now] != [d.get("chain") for d in orig], "an edit passed an unchanged chain"
    runs, others = collect_all(TUTORIAL, folder)
    assert len(runs) + len(others) == 1
    if with_command:
        from adventure.cli.main import main

        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            rc = main(["runs", "tutorial", "--saves", str(folder)])
        assert rc == 0, err.getvalue()
        assert "\x1b" not in out.getvalue() and "\u202e" not in out.getvalue()


def test_the_corpus_verifies(tmp_path):
    for name, data in CORPUS.items():
        p = tmp_path / f"{name}.jsonl"
        p.write_bytes(data)
        v = verify_replay(p, TUTORIAL)
        assert v.ok, (name, v.message)
        assert v.practice == (name == "practice")


@quick_and_full(120, 6000)
def test_mutated_replays_only_ever_give_replay_error_or_not_verified(examples):
    @settings(max_examples=examples, **SETTINGS)
    @given(mutated(), st.integers(0, 9))
    def check(case, k):
        base, data = case
        with tempfile.TemporaryDirectory() as d:
            check_one(base, data, Path(d), with_command=(k == 0))

    check()


@pytest.mark.parametrize("stride", [pytest.param(29, id="quick"), pytest.param(1, id="full", marks=pytest.mark.slow)])
@pytest.mark.parametrize("name", sorted(CORPUS))
def test_every_single_byte_flip_and_truncation_of_a_real_replay(tmp_path, name, stride):
    """The smallest mutations, exhaustively under `slow` (every 29th byte in the quick run): each
    byte's lowest bit flipped, and the file cut off at each byte, of each corpus replay."""
    base = CORPUS[name]
    for i in range(0, len(base), stride):
        for data in (base[:i] + bytes([base[i] ^ 1]) + base[i + 1:], base[:i]):
            check_one(base, data, tmp_path)

"""Mutational fuzzing of the world loader and of `serve`'s requests (tests/fuzzing.py), in a
subprocess under an address-space limit and a generous timeout. A quick slice runs by default;
the long runs are `pytest -m slow`. A failure prints the seed and the mutations that made it."""

import json
import os
import resource
import subprocess
import sys

from conftest import ROOT, quick_and_full

MB = 1024 * 1024
FUZZER = ROOT / "tests" / "fuzzing.py"


def fuzz(kind: str, seed: int, n: int, timeout: int) -> dict:
    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (1024 * MB, 1024 * MB))

    r = subprocess.run([sys.executable, str(FUZZER), kind, str(seed), str(n)], capture_output=True, text=True,
                       timeout=timeout, preexec_fn=limit, cwd=ROOT, env=dict(os.environ, ADVENTURE_NO_CACHE="1"))
    assert r.returncode == 0, (r.stdout[-3000:] + r.stderr[-3000:])
    return json.loads(r.stdout.splitlines()[-1])


@quick_and_full(100, 3000)
def test_mutated_worlds_raise_only_world_error(examples):
    """Mutants of the shipped and fixture worlds (bytes, lines, keys, values, headers, huge
    numbers, deep nesting, odd Unicode, odd files): load_world raises only WorldError whose
    problems are one line each, every load returns within its budget, inside 1 GB."""
    for seed in range(max(1, examples // 500)):
        n = min(examples, 500)
        got = fuzz("worlds", seed, n, timeout=60 + n)
        assert sum(got["counts"].values()) == n
        assert got["counts"]["loaded"] and got["counts"]["refused"]  # both paths are exercised


@quick_and_full(150, 6000)
def test_mutated_serve_requests_get_json_answers(examples):
    """Mutants of valid requests (fields dropped, added, retyped; lines cut, doubled, bit-flipped;
    states and saves edited): every response is a JSON object, never an internal error."""
    for seed in range(max(1, examples // 1500)):
        n = min(examples, 1500)
        got = fuzz("serve", seed, n, timeout=60 + n // 10)
        counts = got["counts"]
        assert counts.get("ok") and counts.get("parse_error") and counts.get("invalid_params")


def test_set_state_with_a_version_that_is_not_a_number_is_bad_state():
    """Found by the serve fuzzer (an internal_error then); play/savedoc.py checks it now."""
    from adventure.api.serve import Server

    s = Server("tutorial")
    state = s.handle('{"op": "state"}')["result"]["state"]
    state["version"] = None
    r = s.handle(json.dumps({"op": "set_state", "state": state}))
    assert r["error"]["code"] == "bad_state", r

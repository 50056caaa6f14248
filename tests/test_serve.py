"""`adventure serve --stdio`: the JSON-lines protocol in process (Server.handle), over pipes (a real
subprocess and examples/play.sh), and under random and malformed input."""

import io
import json
import os
import shutil
import subprocess

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adventure.speedrun.replay import verify_replay
from adventure.api.serve import ERROR_CODES, OPS, Server, serve_stdio

from conftest import ROOT, WORLDS
from test_cli import adventure_cmd, run


@pytest.fixture(scope="module")
def world():
    from adventure import load_world

    return load_world(WORLDS / "tutorial")


@pytest.fixture
def server(world):
    return Server(world, seed=0)


def ask(server, **req):
    resp = server.handle(json.dumps(req))
    assert resp["id"] == req.get("id") and resp["ok"] in (True, False)
    json.dumps(resp, allow_nan=False)  # what goes on the wire is strict JSON
    return resp


def ok(server, **req):
    resp = ask(server, **req)
    assert resp["ok"], resp
    return resp["result"]


def err(server, code, line=None, **req):
    resp = server.handle(line) if line is not None else ask(server, **req)
    assert resp["ok"] is False and resp["error"]["code"] == code, resp
    assert code in ERROR_CODES and resp["error"]["message"]
    return resp["error"]["message"]


# ---------------------------------------------------------------- ops


def test_a_whole_game_over_the_protocol(server):
    info = ok(server, id=1, op="info")
    assert info["world"]["id"] == "tutorial" and info["actions"] == 6 and set(info["ops"]) == set(OPS)
    r = ok(server, id=2, op="reset", seed=3)
    assert r["info"]["room"] == "kitchen" and r["info"]["action_mask"] == [1, 1, 1, 0, 0, 0]
    assert r["observation"].startswith("The Lighthouse Keeper's Tuesday")
    r = ok(server, id="a", op="step", choice="feed-gull")
    assert r["reward"] == 0.0 and r["terminated"] is False and r["info"]["events"][0]["type"] == "reply"
    r = ok(server, id=3, op="step", action=2)  # "Climb the stairs", the third option now
    assert r["info"]["room"] == "stairs"
    ch = ok(server, op="choices")
    assert [c["id"] for c in ch["choices"]] == ["oil", "up", "down"] and ch["done"] is False
    h = ok(server, op="hash")
    assert h["moves"] == 2 and len(h["hash"]) == 16
    for c in ("up", "light"):
        ok(server, op="step", choice=c)
    r = ok(server, op="step", choice="wait")
    # the tutorial scores its endings, so the reward is the score: beacon 5, storm-keeper 10
    assert r["terminated"] and r["reward"] in (5.0, 10.0) and r["info"]["ending"] in ("beacon", "storm-keeper")
    err(server, "episode_over", op="step", choice="wait")
    assert ok(server, op="quit") == {"bye": True} and server.done


def test_state_and_set_state_round_trip_exactly(server):
    ok(server, op="reset", seed=9)
    ok(server, op="step", choice="feed-gull")
    st_ = ok(server, op="state")["state"]
    first = ok(server, op="step", choice="up")
    ok(server, op="step", choice="up")
    r = ok(server, op="set_state", state=st_)
    assert r["info"]["moves"] == 1 and r["info"]["room"] == "kitchen"
    assert ok(server, op="step", choice="up") == first
    st_["state_hash"] = "ffffffffffffffff"
    err(server, "bad_state", op="set_state", state=st_)
    err(server, "invalid_params", op="set_state", state="not an object")
    err(server, "invalid_params", op="set_state")


def test_save_and_load_are_strings_not_paths(server, tmp_path):
    ok(server, op="reset", seed=2)
    ok(server, op="step", choice="feed-gull")
    saved = ok(server, op="save")["save"]
    assert json.loads(saved)["format"] == "adventure-save"
    h = ok(server, op="hash")["hash"]
    ok(server, op="step", choice="up")
    r = ok(server, op="load", save=saved)
    assert r["info"]["state_hash"] == h
    for bad in ("{not json", "[]", json.dumps({"format": "adventure-save"}), str(tmp_path / "x.json"), "/etc/passwd"):
        err(server, "bad_state", op="load", save=bad)
    err(server, "invalid_params", op="load", save={"a": 1})
    err(server, "invalid_params", op="save", path="/tmp/somewhere")  # no such parameter
    assert list(tmp_path.iterdir()) == []


def test_walkthrough_and_replay_ops(server, world, tmp_path):
    ok(server, op="reset", seed=0)
    w = ok(server, op="walkthrough", ending="beacon")
    assert w["route"] == ["up", "up", "light", "wait"] and w["ending"] == "beacon" and w["from"] == "start"
    ok(server, op="step", choice="up")
    w = ok(server, op="walkthrough", **{"from": "here"})  # the nearest ending that rewards (dark scores 0)
    assert w["route"] == ["up", "light", "wait"] and w["ending"] == "beacon"
    w = ok(server, op="walkthrough", ending="dark", **{"from": "here"})
    assert w["route"] == ["up", "wait"] and w["ending"] == "dark"
    for c in w["route"]:
        ok(server, op="step", choice=c)
    text = ok(server, op="replay")["replay"]
    (tmp_path / "r.jsonl").write_text(text)
    v = verify_replay(tmp_path / "r.jsonl", world)
    assert v.ok and v.ending == "dark" and v.moves == 3
    err(server, "invalid_params", op="walkthrough", ending="nowhere")
    err(server, "invalid_params", op="walkthrough", **{"from": "there"})
    err(server, "invalid_params", op="walkthrough", max_states=0)
    ok(server, op="reset", seed=0)
    err(server, "no_route", op="walkthrough", ending="beacon", max_states=1)


@pytest.mark.parametrize("req,code", [
    ({"op": "step"}, "invalid_params"),
    ({"op": "step", "choice": "up", "action": 0}, "invalid_params"),
    ({"op": "step", "choice": 3}, "invalid_params"),
    ({"op": "step", "action": "0"}, "invalid_params"),
    ({"op": "step", "action": True}, "invalid_params"),
    ({"op": "step", "action": -1}, "invalid_params"),
    ({"op": "step", "action": 3}, "choice_unavailable"),
    ({"op": "step", "choice": "jump"}, "choice_unavailable"),
    ({"op": "step", "choice": "x" * 5000}, "invalid_params"),
    ({"op": "reset", "seed": -1}, "invalid_params"),
    ({"op": "reset", "seed": 2**64}, "invalid_params"),
    ({"op": "reset", "seed": 1.5}, "invalid_params"),
    ({"op": "reset", "sede": 1}, "invalid_params"),
    ({"op": "hash", "x": 1}, "invalid_params"),
    ({"op": "Step"}, "unknown_op"),
    ({"op": 3}, "invalid_request"),
    ({"id": 1}, "invalid_request"),
    ({"id": [1], "op": "hash"}, "invalid_request"),
    ({"id": 1.5, "op": "hash"}, "invalid_request"),
    ({"id": True, "op": "hash"}, "invalid_request"),
])
def test_wrong_requests_get_error_responses_and_change_nothing(server, req, code):
    before = ok(server, op="state")
    resp = server.handle(json.dumps(req))
    assert resp["ok"] is False and resp["error"]["code"] == code, resp
    if isinstance(req.get("id"), (str, int)) and not isinstance(req.get("id"), bool):
        assert resp["id"] == req["id"]
    else:
        assert resp["id"] is None
    assert ok(server, op="state") == before


@pytest.mark.parametrize("line,code", [
    ("not json", "parse_error"),
    ("{", "parse_error"),
    ("[1, 2]", "invalid_request"),
    ("null", "invalid_request"),
    ('"op"', "invalid_request"),
    (b"\xff\xfe{}", "parse_error"),
    ("[" * 100_000 + "]" * 100_000, "parse_error"),
    ('{"id": 1, "op": "hash", "seed": ' + "9" * 5000 + "}", "parse_error"),
    ('{"op": "hash"} trailing', "parse_error"),
    ("NaN", "invalid_request"),
    ("\ud800", "parse_error"),
])
def test_malformed_lines_get_error_responses(server, line, code):
    err(server, code, line=line)
    assert ok(server, op="hash")["moves"] == 0  # and the server goes on


def test_blank_lines_are_skipped(server):
    assert server.handle("") is None and server.handle("   \t") is None


# ---------------------------------------------------------------- random input never breaks it


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.binary(max_size=200), st.text(max_size=200)))
def test_random_lines_never_crash_the_server(server, line):
    resp = server.handle(line)
    if resp is not None:
        assert resp["ok"] is False and resp["error"]["code"] != "internal_error", resp
        json.dumps(resp)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(list(OPS) + ["nope"]),
                          st.dictionaries(st.sampled_from(["seed", "choice", "action", "state", "save", "ending",
                                                           "from", "max_states", "id", "x"]), json_values, max_size=3)),
                max_size=8))
def test_random_requests_never_crash_the_server(world, reqs):
    server = Server(world, seed=0, max_steps=20)
    for op, params in reqs:
        if op == "walkthrough":
            params.pop("max_states", None)  # keep searches small: the tutorial's default is quick
        resp = server.handle(json.dumps(dict(params, op=op)))
        assert resp is not None and resp["ok"] in (True, False)
        if not resp["ok"]:
            assert resp["error"]["code"] in ERROR_CODES and resp["error"]["code"] != "internal_error", resp
        json.dumps(resp, allow_nan=False)
        if server.done:
            break


# ---------------------------------------------------------------- over pipes


def test_serve_stdio_skips_an_over_long_line_and_goes_on(world):
    server = Server(world, seed=0, max_line=1000)
    stdin = io.BytesIO(b'{"id": 1, "op": "hash"}\n' + b"x" * 5000 + b"\n" + b'{"id": 2, "op": "quit"}\n'
                       + b'{"id": 3, "op": "hash"}\n')
    stdout = io.BytesIO()
    assert serve_stdio(server, stdin, stdout) == 0
    lines = [json.loads(x) for x in stdout.getvalue().splitlines()]
    assert [(x["id"], x["ok"]) for x in lines] == [(1, True), (None, False), (2, True)]  # nothing after quit
    assert lines[1]["error"]["code"] == "line_too_long"


def test_a_real_session_reaches_an_ending_and_survives_a_malformed_line():
    reqs = ['{"id": 1, "op": "reset", "seed": 0}', "this is not JSON", '{"id": 2, "op": "step", "choice": "up"}',
            '{"id": 3, "op": "step", "choice": "up"}', '{"id": 4, "op": "step", "choice": "wait"}']
    r = run(["serve", "--stdio", str(WORLDS / "tutorial")], stdin="\n".join(reqs) + "\n")
    assert r.returncode == 0 and r.stderr == "", r.stderr
    out = [json.loads(x) for x in r.stdout.splitlines()]
    assert len(out) == 5 and out[1] == {"id": None, "ok": False, "error": out[1]["error"]}
    assert out[1]["error"]["code"] == "parse_error"
    assert out[-1]["result"]["terminated"] and out[-1]["result"]["info"]["ending"] == "dark"


def test_a_huge_line_over_a_pipe_gets_an_error_not_a_crash():
    stdin = b'{"id": 0, "op": "hash", "pad": "' + b"y" * (3 << 20) + b'"}\n{"id": 1, "op": "hash"}\n'
    p = subprocess.run(adventure_cmd() + ["serve", "--stdio", "tutorial"], input=stdin, capture_output=True, timeout=60)
    assert p.returncode == 0 and b"Traceback" not in p.stderr
    out = [json.loads(x) for x in p.stdout.splitlines()]
    assert out[0]["error"]["code"] == "line_too_long" and out[1]["ok"] is True


def test_play_sh_drives_a_session_to_an_ending():
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("no bash")
    env = dict(os.environ, ADVENTURE=" ".join(adventure_cmd()), PYTHONPATH=str(ROOT))
    for args, ending in [([], "beacon"), (["tutorial", "dark"], "dark")]:
        p = subprocess.run([bash, str(ROOT / "examples" / "play.sh")] + args, capture_output=True, text=True,
                           env=env, timeout=120)
        assert p.returncode == 0, p.stdout + p.stderr
        assert f"reached the ending: {ending}" in p.stdout and '"code":"parse_error"' in p.stdout


@pytest.mark.parametrize("args,msg", [
    (["serve", "tutorial"], "say --stdio"),
    (["serve", "--stdio", "nowhere-world"], "no such world"),
    (["serve", "--stdio", "tutorial", "--target", "nope"], "no ending 'nope'"),
    (["serve", "--stdio", "tutorial", "--seed", "-1"], "seed"),
    (["serve", "--stdio", "tutorial", "--max-steps", "0"], "at least 1"),
])
def test_bad_serve_usage_exits_2_with_one_message(args, msg):
    r = run(args)
    assert r.returncode == 2 and msg in r.stderr and "Traceback" not in r.stderr


def test_end_of_input_ends_the_server_quietly():
    r = run(["serve", "--stdio", "tutorial"], stdin="")
    assert r.returncode == 0 and r.stdout == "" and r.stderr == ""


@pytest.mark.parametrize("field,value", [("version", "3"), ("version", None), ("version", [2]), ("version", 2.5),
                                         ("min_version", "1"), ("world", {"id": "tutorial", "hash": 3}),
                                         ("state", "x"), ("seed", 2**64), ("log", ["up", 3])])
def test_set_state_with_a_wrong_typed_field_is_bad_state_not_internal_error(server, field, value):
    """`"version": "3"` in set_state answered internal_error (a TypeError comparing str with int)."""
    ok(server, op="reset", seed=1)
    ok(server, op="step", choice="up")
    doc = ok(server, op="state")["state"]
    h = ok(server, op="hash")["hash"]
    for op, key, payload in (("set_state", "state", {**doc, field: value}),
                             ("load", "save", json.dumps({**json.loads(ok(server, op="save")["save"]), field: value}))):
        err(server, "bad_state", op=op, **{key: payload})
        assert ok(server, op="hash")["hash"] == h  # the game is unchanged


@pytest.mark.parametrize("line", ['{"op":"step","choice":"\\u00b2"}', '{"op":"step","choice":"\\u2460"}',
                                  '{"op":"step","action":' + "9" * 5000 + '}',
                                  '{"op":"reset","seed":' + "9" * 4000 + '}',
                                  '{"op":"step","action":"2"}', '{"op":"step","action":1e400}',
                                  '{"op":"set_state","state":{"version":' + "9" * 4000 + '}}'])
def test_numbers_in_any_form_get_an_error_response(server, line):
    resp = server.handle(line)
    assert resp["ok"] is False and resp["error"]["code"] in ("parse_error", "invalid_params", "choice_unavailable",
                                                             "bad_state"), resp

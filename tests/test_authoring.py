"""The authoring tools: deep check (findings with file and line), graph, randomtest, new, schema."""

import json
import os
import re
import shutil

import pytest

from adventure import WorldError, load_world
from adventure.analysis.findings import CODES, findings
from adventure.cli.main import main
from adventure.analysis.explore import explore

from conftest import FIXTURES, WORLDS, write_world

LINT = FIXTURES / "lint"
LINT_WORLDS = sorted(p for p in LINT.iterdir() if p.is_dir())
BUDGETS = {"budget": 200}  # fixtures explored with a small state budget on purpose


def lint(folder):
    world = load_world(folder)
    ex = explore(world, max_states=BUDGETS.get(folder.name, 100_000))
    return world, ex, findings(world, ex)


# ---------------------------------------------------------------- check


def test_three_findings_exactly():
    """An unreachable room, a soft-lock and an unused flag: exactly those, each with file and line."""
    _, ex, found = lint(LINT / "three-findings")
    assert ex.complete
    got = sorted((f.code, os.path.basename(f.file), f.line) for f in found)
    assert got == [("flag-unused", "world.toml", 10), ("soft-lock", "hall.toml", 22), ("unreachable-room", "attic.toml", 1)]


@pytest.mark.parametrize("folder", LINT_WORLDS, ids=[p.name for p in LINT_WORLDS])
def test_lint_fixture_findings(folder):
    _, _, found = lint(folder)
    got = [str(f).replace(str(folder) + os.sep, "") for f in found]
    want = (folder / "expected.txt").read_text().splitlines()
    assert got == want
    for f in found:
        assert f.file and f.line, str(f)
        assert CODES[f.code] == f.severity


def test_soft_lock_and_bounds_routes_replay():
    from adventure.core.engine import available_choices, replay

    world, _, found = lint(LINT / "three-findings")
    (lock,) = [f for f in found if f.code == "soft-lock"]
    state = replay(world, lock.route).state
    assert state.room == "cellar" and not available_choices(world, state)
    world, _, found = lint(LINT / "state")
    (oob,) = [f for f in found if f.code == "out-of-bounds"]
    assert oob.route == ("heal", "heal") and replay(world, oob.route).state.values[world.var("hp").index] == 3


def test_check_exit_codes_and_output(capsys):
    n = len(load_world(WORLDS / "tutorial").endings)
    assert main(["check", str(WORLDS / "tutorial")]) == 0
    out = capsys.readouterr().out
    assert "every reachable state explored" in out and f"{n} of {n} endings reached" in out
    assert "No problems found." in out
    assert main(["check", str(LINT / "three-findings")]) == 1
    out = capsys.readouterr().out
    assert "[unreachable-room]" in out and "[soft-lock]" in out and "[flag-unused]" in out
    assert "2 errors, 1 warning." in out
    assert main(["check", str(LINT / "conditions")]) == 0  # warnings only
    capsys.readouterr()
    assert main(["check", str(FIXTURES / "invalid" / "three-problems")]) == 2
    assert "the world does not load" in capsys.readouterr().err


def test_check_json(capsys):
    assert main(["check", "--json", str(LINT / "three-findings")]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["ok"] is False and doc["errors"] == []
    assert {f["code"] for f in doc["findings"]} == {"unreachable-room", "soft-lock", "flag-unused"}
    for f in doc["findings"]:
        assert set(f) == {"code", "severity", "file", "line", "key", "message", "hint", "route"}
    s = doc["summary"]
    assert (s["rooms"], s["choices"], s["endings"], s["reachable_endings"]) == (3, 5, 1, 1)
    assert s["states_explored"] == 4 and s["exploration"]["complete"] is True and s["words"] > 0
    assert main(["check", "--json", str(LINT / "dice")]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["ok"] is True and doc["findings"] == [] and doc["summary"]["reachable_endings"] == 2


def test_check_budget_claims_only_what_it_proved(capsys):
    """The exploration stops at its budget, so it claims nothing unreachable by itself; what the
    abstract interpretation proves (room 'never' is an orphan, `n < 0` never holds as n only rises)
    is reported whatever the budget, and the soft-lock the exploration saw too."""
    assert main(["check", str(LINT / "budget"), "--max-states", "200"]) == 1
    out = capsys.readouterr().out
    assert "stopped at the state budget" in out
    assert "[soft-lock]" in out and "room 'never' can never be reached" in out
    assert "choice 'rope' can never be taken" in out and "0 unknown" in out
    # the exploration alone (findings.py's old entry point) still claims nothing it did not prove
    _, ex, found = lint(LINT / "budget")
    assert not ex.complete and [f.code for f in found] == ["soft-lock"]


def test_check_seed_follows_one_game(capsys):
    """With --seed the dice fall as in that game: the jackpot needs a six from one roll."""
    world = load_world(LINT / "dice")
    lucky = next(s for s in range(100) if "jackpot" in explore(world, seed=s).endings)
    unlucky = next(s for s in range(100) if "jackpot" not in explore(world, seed=s).endings)
    assert main(["check", "--json", "--seed", str(unlucky), str(LINT / "dice")]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert [(f["code"], f["key"]) for f in doc["findings"]] == [("unreachable-ending", "ending[0]")]
    assert main(["check", "--seed", str(lucky), str(LINT / "dice")]) == 0
    assert f"games started with --seed {lucky}" in capsys.readouterr().out


def test_check_bad_options_exit_2(capsys):
    assert main(["check", str(WORLDS / "tutorial"), "--max-states", "0"]) == 2
    assert "--max-states" in capsys.readouterr().err


# ---------------------------------------------------------------- graph

TRICKY = '''
[world]
id = "tricky"
title = "Say \\"hi\\" \\\\ back <b>#1</b> {{x}}"
start = "node"
[state]
f = false
[[ending]]
id = "the-end"
title = "The \\"End\\"\\nline two"
when = "f"
text = "x"
[[ending]]
id = "other"
title = "Other; -> [x] {y}"
text = "y"
'''
TRICKY_ROOMS = {"rooms": '''
[node]
title = "Node \\\\N \\\\l \\"quoted\\""
text = "n"
[[node.choice]]
id = "to-edge"
say = "Go \\"there\\" \\\\ now | pipe <tag> #hash `tick` é"
if = "not f"
go = "edge"
[[node.choice]]
id = "finish"
say = "Finish"
end = true
[edge]
title = "edge"
text = "e"
[[edge.choice]]
id = "set"
say = "Set"
do = "f = true"
go = "end"
[end]
title = "end"
text = "e"
[[end.choice]]
id = "named"
say = "Named"
end = "other"
'''}


def dot_tokens(src):
    tok = re.compile(r'\s*(?:(?P<str>"(?:[^"\\]|\\.)*")|(?P<id>[A-Za-z_][A-Za-z0-9_]*|-?\d+(?:\.\d+)?)|(?P<p>->|[{}\[\];,=]))')
    i, out = 0, []
    while i < len(src):
        if src[i:].strip() == "":
            break
        m = tok.match(src, i)
        assert m, f"bad DOT at {src[i:i + 40]!r}"
        kind = m.lastgroup
        out.append((kind, m.group(kind)))
        i = m.end()
    return out


def parse_dot(src):
    """A strict parser for the DOT subset `graph` writes; returns ({node: attrs}, [(a, b, attrs)])."""
    t = dot_tokens(src)
    pos = 0

    def take(kind=None, text=None):
        nonlocal pos
        k, v = t[pos]
        assert (kind is None or k == kind) and (text is None or v == text), (k, v, kind, text, pos)
        pos += 1
        return v

    def ident():
        k, v = t[pos]
        take()
        assert k in ("id", "str")
        return unquote(v) if k == "str" else v

    def attrs():
        out = {}
        take("p", "[")
        while t[pos] != ("p", "]"):
            k = ident()
            take("p", "=")
            out[k] = ident()
            if t[pos] == ("p", ","):
                take()
        take("p", "]")
        return out

    nodes, edges = {}, []
    take("id", "digraph")
    if t[pos][0] in ("id", "str"):
        ident()
    take("p", "{")
    while t[pos] != ("p", "}"):
        if t[pos] in (("id", "node"), ("id", "edge"), ("id", "graph")):
            take()
            attrs()
        else:
            a = ident()
            if t[pos] == ("p", "="):
                take()
                ident()
            elif t[pos] == ("p", "->"):
                take()
                b = ident()
                edges.append((a, b, attrs() if t[pos] == ("p", "[") else {}))
            else:
                nodes[a] = attrs() if t[pos] == ("p", "[") else {}
        take("p", ";")
    take("p", "}")
    assert pos == len(t)
    return nodes, edges


def unquote(s):
    body = s[1:-1]
    return re.sub(r"\\(.)", lambda m: {"n": "\n"}.get(m.group(1), m.group(1)), body)


def test_graph_dot_escapes_and_parses(tmp_path, capsys):
    write_world(tmp_path, TRICKY, TRICKY_ROOMS)
    world = load_world(tmp_path)
    assert main(["graph", str(tmp_path)]) == 0
    src = capsys.readouterr().out
    nodes, edges = parse_dot(src)
    assert nodes["room:node"]["label"] == 'Node \\N \\l "quoted"\n(node)'
    assert nodes["ending:the-end"]["label"] == 'The "End" line two\n[the-end]'  # a title is one line
    assert nodes["ending:the-end"]["shape"] == "doubleoctagon"
    labels = {(a, b): e for a, b, e in edges}
    go = labels[("room:node", "room:edge")]
    assert go["label"].startswith('Go "there" \\ now | pipe <tag>') and go["style"] == "dashed"
    # end = true in 'node' (where f is false) reaches only 'other'; named endings point at themselves
    assert ("room:node", "ending:other") in labels and ("room:node", "ending:the-end") not in labels
    assert ("room:end", "ending:other") in labels
    # without exploring, end = true points at every ending it could select
    assert main(["graph", "--no-explore", str(tmp_path)]) == 0
    _, edges = parse_dot(capsys.readouterr().out)
    assert ("room:node", "ending:the-end") in {(a, b) for a, b, _ in edges}
    assert len(nodes) == len(world.rooms) + len(world.endings)


def test_graph_dot_greys_unreachable_rooms(capsys):
    assert main(["graph", str(LINT / "three-findings")]) == 0
    nodes, _ = parse_dot(capsys.readouterr().out)
    assert nodes["room:attic"].get("color") == "grey" and "color" not in nodes["room:hall"]


def test_graph_mermaid(tmp_path, capsys):
    write_world(tmp_path, TRICKY, TRICKY_ROOMS)
    assert main(["graph", str(tmp_path), "--format", "mermaid"]) == 0
    out = capsys.readouterr().out.splitlines()
    title = load_world(tmp_path).title
    assert out[:4] == ["---", "title: " + json.dumps(title, ensure_ascii=False), "---", "flowchart LR"]
    label = r'"[^"<>#`]*(?:(?:<br/>|#\w+;)[^"<>#`]*)*"'
    node = re.compile(rf"^  n\d+(?:\[{label}\]|\(\[{label}\]\)|\{{\{{{label}\}}\}})$")
    edge = re.compile(rf"^  n\d+ (?:-->|-\.->)\|{label}\| n\d+$")
    for line in out[4:]:
        assert node.match(line) or edge.match(line) or line.startswith("  class"), line
    text = "\n".join(out)
    assert "#quot;there#quot;" in text and "#lt;tag#gt;" in text and "#35;hash" in text and "#96;tick#96;" in text


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
@pytest.mark.parametrize("world", ["tutorial", "tricky"])
def test_graph_svg_with_dot(world, tmp_path):
    folder = WORLDS / "tutorial"
    if world == "tricky":
        folder = write_world(tmp_path / "w", TRICKY, TRICKY_ROOMS)
    out = tmp_path / "map.svg"
    assert main(["graph", str(folder), "-o", str(out)]) == 0
    svg = out.read_text()
    assert svg.lstrip().startswith("<?xml") and "</svg>" in svg


def test_graph_without_dot_names_the_fix(monkeypatch, tmp_path, capsys):
    import adventure.cli.graph as graph

    monkeypatch.setattr(graph.shutil, "which", lambda name: None)
    assert main(["graph", str(WORLDS / "tutorial"), "--format", "svg", "-o", str(tmp_path / "m.svg")]) == 2
    err = capsys.readouterr().err
    assert "apt-get install graphviz" in err and "Traceback" not in err
    assert not (tmp_path / "m.svg").exists()


# ---------------------------------------------------------------- randomtest


def test_randomtest_is_deterministic_for_a_seed(capsys):
    from adventure.cli.randomtest import random_test

    world = load_world(WORLDS / "tutorial")
    a = random_test(world, 200, seed=5)
    b = random_test(world, 200, seed=5)
    assert a == b
    assert a != random_test(world, 200, seed=6)
    assert sum(a.endings.values()) == 200 and not a.failures
    # run k of seed S is run 0 of seed S+k
    moves = []
    random_test(world, 3, seed=10, on_moves=lambda s, m: moves.append((s, m)))
    assert random_test(world, 1, seed=12, on_moves=lambda s, m: moves.append((s, m))) is not None
    assert moves[2] == moves[3]
    args = ["randomtest", str(WORLDS / "tutorial"), "--runs", "300", "--seed", "3", "--json"]
    assert main(args) == 0
    first = json.loads(capsys.readouterr().out)
    assert main(args) == 0
    second = json.loads(capsys.readouterr().out)
    first.pop("seconds"), second.pop("seconds")
    assert first == second
    assert main(["randomtest", str(LINT / "dice"), "--runs", "300", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["coverage"] == {"rooms": [2, 2], "choices": [4, 4], "texts": [1, 1], "endings": [2, 2]}
    assert sum(doc["endings"].values()) == 300 and 0 < doc["endings"]["jackpot"] < 150


def test_randomtest_reports_coverage_gaps(capsys):
    assert main(["randomtest", str(LINT / "three-findings"), "--runs", "50"]) == 1  # the cellar traps games
    out = capsys.readouterr().out
    assert "never entered" in out and "room 'attic'" in out and "choice 'attic.down'" in out


def test_randomtest_failures_print_a_seed_that_reproduces_them(capsys):
    folder = LINT / "budget"
    assert main(["randomtest", str(folder), "--runs", "40", "--seed", "100", "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    stuck = [f for f in doc["failures"] if f["kind"] == "soft-lock"]
    assert stuck and all(f["room"] == "pit" for f in stuck)
    f = stuck[0]
    assert main(["randomtest", str(folder), "--runs", "1", "--seed", str(f["seed"]), "--json"]) == 1
    again = json.loads(capsys.readouterr().out)["failures"]
    assert again == [f]
    assert main(["randomtest", str(folder), "--runs", "1", "--seed", str(f["seed"])]) == 1
    out = capsys.readouterr().out
    assert "soft-lock in room 'pit': 1 game" in out and f"shortest, seed {f['seed']}:" in out
    assert f"reproduce: adventure randomtest {folder} --runs 1 --seed {f['seed']} --moves" in out


def test_randomtest_max_moves_is_a_failure(capsys):
    assert main(["randomtest", str(LINT / "budget"), "--runs", "20", "--max-moves", "2", "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert any(f["kind"] == "max-moves" and len(f["moves"]) == 2 for f in doc["failures"])


def test_randomtest_reports_a_game_that_raises(monkeypatch, capsys):
    import adventure.core.engine as engine

    real = engine.step
    calls = {"n": 0}

    def flaky(world, state, cid):
        calls["n"] += 1
        if calls["n"] == 7:
            raise RuntimeError("boom")
        return real(world, state, cid)

    monkeypatch.setattr(engine, "step", flaky)
    assert main(["randomtest", str(WORLDS / "tutorial"), "--runs", "5", "--json"]) == 1
    (f,) = json.loads(capsys.readouterr().out)["failures"]
    assert f["kind"] == "error" and "RuntimeError: boom" in f["message"] and isinstance(f["seed"], int)


def test_randomtest_bad_arguments(capsys):
    assert main(["randomtest", str(WORLDS / "tutorial"), "--runs", "0"]) == 2
    assert "--runs" in capsys.readouterr().err


# ---------------------------------------------------------------- new


def test_new_world_checks_clean_and_its_walkthroughs_pass(tmp_path, capsys):
    path = tmp_path / "My Great_world"
    assert main(["new", str(path)]) == 0
    capsys.readouterr()
    world = load_world(path)
    assert world.id == "my-great_world" and world.title == "My Great world"
    assert main(["check", str(path)]) == 0
    assert "No problems found." in capsys.readouterr().out
    assert main(["test", str(path)]) == 0
    out = capsys.readouterr().out
    assert "3 passed, 0 failed" in out
    # every TOML file points editors at the schema written beside it
    for f in path.rglob("*.toml"):
        first = f.read_text().splitlines()[0]
        m = re.match(r"#:schema (\S+)$", first)
        assert m, f
        assert (f.parent / m.group(1)).resolve().is_file()


def test_new_refuses_a_folder_with_something_in_it(tmp_path, capsys):
    (tmp_path / "w").mkdir()
    (tmp_path / "w" / "notes.txt").write_text("mine")
    assert main(["new", str(tmp_path / "w")]) == 2
    assert "not empty" in capsys.readouterr().err
    assert [p.name for p in (tmp_path / "w").iterdir()] == ["notes.txt"]
    (tmp_path / "f").write_text("x")
    assert main(["new", str(tmp_path / "f")]) == 2
    (tmp_path / "empty").mkdir()
    assert main(["new", str(tmp_path / "empty"), "--title", 'A "Quoted" Title']) == 0
    assert load_world(tmp_path / "empty").title == 'A "Quoted" Title'


# ---------------------------------------------------------------- schema


def test_schema_keys_are_the_loaders_keys():
    from adventure.world import loader, rooms, walkthrough
    from adventure.world.schema import WORLD_FILE_KEYS, room_schema, walkthrough_schema, world_schema

    w, r, wt = world_schema(), room_schema(), walkthrough_schema()
    defs = r["definitions"]
    pairs = [
        (w["properties"], WORLD_FILE_KEYS),
        (w["properties"]["world"]["properties"], loader.WORLD_KEYS),
        (w["definitions"]["ending"]["properties"], loader.ENDING_KEYS),
        (w["definitions"]["declaration"]["properties"], loader.BOUND_KEYS),
        (defs["room"]["properties"], loader.ROOM_KEYS),
        (defs["choice"]["properties"], loader.CHOICE_KEYS),
        (defs["text_if"]["properties"], loader.TEXT_IF_KEYS),
        (wt["properties"], walkthrough.KEYS),
        (wt["properties"]["expect"]["properties"], walkthrough.EXPECT_KEYS),
        (w["definitions"]["rule"]["properties"], loader.RULE_KEYS),
        (w["definitions"]["block"]["properties"], loader.BLOCK_KEYS),
        (defs["next"]["properties"], rooms.NEXT_KEYS),
        (_step_table(defs)["properties"], rooms.STEP_KEYS),
    ]
    for props, keys in pairs:
        assert set(props) == set(keys)
    # a block's choices are a room's choices, in both schemas
    assert w["definitions"]["choice"] == defs["choice"] and w["definitions"]["step"] == defs["step"]
    for obj in (w, w["properties"]["world"], w["definitions"]["ending"], defs["room"], defs["choice"], wt,
                w["definitions"]["rule"], w["definitions"]["block"], defs["next"], _step_table(defs)):
        assert obj["additionalProperties"] is False


def _step_table(defs):
    """The table form of a step (the other form is an effect string)."""
    (table,) = [s for s in defs["step"]["anyOf"] if s.get("type") == "object"]
    return table


def test_schema_describes_every_key():
    from adventure.world.schema import undescribed

    assert undescribed() == [], "describe these keys in adventure/world/schema.py"


def test_schema_top_level_keys_are_what_the_loader_accepts(tmp_path):
    from adventure.world.schema import WORLD_FILE_KEYS

    write_world(tmp_path, "zzz = 1\n" + MINIMAL_WORLD, {"r": MINIMAL_ROOM})
    with pytest.raises(WorldError) as e:
        load_world(tmp_path)
    (p,) = e.value.problems
    assert p.hint == "world.toml keys are: " + ", ".join(WORLD_FILE_KEYS)


MINIMAL_WORLD = '''[world]
id = "w"
title = "W"
start = "r"
author = "A"
intro = "I"
unavailable = "grey"
version = "1"
show_changes = false
ifid = "0F3C2A5E-1111-4A2B-9C3D-123456789ABC"
blurb = "b"
[state]
f = false
k = { one_of = ["x", "y"], default = "y" }
[state.n]
default = 0
min = 0
max = 3
hidden = false
persist = true
clamp = true
[state.m]
one_of = ["x", "y"]
hidden = true
[[ending]]
id = "e0"
title = "E0"
text = "zero"
by_name = true
[[ending]]
id = "e1"
title = "E1"
when = "f"
secret = true
score = 3
result = "won"
text = "one"
[[ending]]
id = "e2"
title = "E2"
text = "two"
[[rule]]
id = "r1"
when = "f"
do = ["n += 1"]
text = "t"
go = "r"
once = true
[[rule]]
id = "r2"
when = "n > 2 and m == y"
end = "e0"
[block.b]
[[block.b.choice]]
id = "z"
say = "Z"
back = true
'''
MINIMAL_ROOM = '''[r]
title = "R"
text = "r"
split = true
enter = ["n += 1"]
use = ["b"]
[[r.text_if]]
if = "f"
text = "t"
[[r.choice]]
id = "a"
say = "A"
if = "not f"
show = "hide"
once = true
do = ["f = true", "n += 1"]
reply = "ok"
go = "r"
[[r.choice]]
id = "b"
say = "B"
end = true
[[r.choice]]
id = "c"
say = "C"
if = "f"
why = "because"
call = "r"
[[r.choice.do]]
if = "f"
do = ["n += 1"]
else = ["n -= 1"]
[[r.choice]]
id = "d"
say = "D"
back = true
[[r.choice]]
id = "e"
say = "E"
[[r.choice.next]]
if = "f"
end = "e0"
[[r.choice.next]]
go = "r"
'''


def _without(text, header, key):
    """Remove `key = ...` from the first table headed `header` that has it; a key written as
    tables of its own (`[[r.choice.next]]` under `[[r.choice]]`, `[[block.b.choice]]` under
    `[block.b]`) goes with those tables."""
    lines = text.splitlines()
    inside = False
    for i, line in enumerate(lines):
        if line.startswith("["):
            inside = line == header
        elif inside and line.split("=")[0].strip() == key:
            return "\n".join(lines[:i] + lines[i + 1:]) + "\n"
    sub = header.strip("[]") + "." + key
    kept, dropping, found = [], False, False
    for line in lines:
        if line.startswith("["):
            name = line.strip("[]")
            dropping = name == sub or name.startswith(sub + ".")
            found = found or dropping
        if not dropping:
            kept.append(line)
    if found:
        return "\n".join(kept) + "\n"
    raise AssertionError(f"{key} not in {header}")


def _needed(schema, present, key):
    """Whether `schema` rejects its table without `key` when it has the keys `present`: `key` is
    required, or it is the only way left to satisfy an anyOf/oneOf of required keys."""
    if key in schema.get("required", ()):
        return True
    rest = set(present) - {key}
    alts = schema.get("anyOf") or schema.get("oneOf")
    return bool(alts) and not any(set(a["required"]) <= rest for a in alts)


def _keys_of(text, header, key):
    """The keys of the first table headed `header` that has `key` (the table _without takes it
    from), with those written as sub-tables."""
    import tomli

    tables = [tomli.loads(text)]
    for part in header.strip("[]").split("."):
        found = []
        for t in tables:
            v = t.get(part)
            found.extend(v if isinstance(v, list) else [] if v is None else [v])
        tables = found
    return next(set(t) for t in tables if key in t)


def test_schema_required_keys_are_what_the_loader_requires(tmp_path):
    """Remove each key from a world that uses every key: it still loads exactly when the schema
    says the key is optional."""
    from adventure.world import loader, rooms
    from adventure.world.schema import room_schema, world_schema

    w, r = world_schema(), room_schema()
    defs, wdefs = r["definitions"], w["definitions"]
    load_world(write_world(tmp_path / "whole", MINIMAL_WORLD, {"r": MINIMAL_ROOM}))
    cases = [
        ("world", "[world]", loader.WORLD_KEYS, w["properties"]["world"]),
        # `when` and `by_name`: which endings may lack them depends on the others (the last
        # automatic ending has no `when`; turning a by-name ending automatic puts two without one)
        ("world", "[[ending]]", [k for k in loader.ENDING_KEYS if k not in ("when", "by_name")], wdefs["ending"]),
        ("world", "[state.n]", [k for k in loader.BOUND_KEYS if k != "one_of"], wdefs["declaration"]),
        ("world", "[state.m]", ["one_of", "hidden"], wdefs["declaration"]),
        ("world", "[[rule]]", loader.RULE_KEYS, wdefs["rule"]),
        ("world", "[block.b]", loader.BLOCK_KEYS, wdefs["block"]),
        ("room", "[r]", [k for k in loader.ROOM_KEYS if k not in ("text_if", "choice")], defs["room"]),
        ("room", "[[r.text_if]]", loader.TEXT_IF_KEYS, defs["text_if"]),
        ("room", "[[r.choice]]", loader.CHOICE_KEYS, defs["choice"]),
        # `if`: only the last entry may lack one
        ("room", "[[r.choice.next]]", [k for k in rooms.NEXT_KEYS if k != "if"], defs["next"]),
        ("room", "[[r.choice.do]]", rooms.STEP_KEYS, _step_table(defs)),
    ]
    n = 0
    for which, header, keys, schema in cases:
        for key in keys:
            d = tmp_path / f"{n}"
            n += 1
            wt, rt = MINIMAL_WORLD, MINIMAL_ROOM
            present = _keys_of(wt if which == "world" else rt, header, key)
            if which == "world":
                wt = _without(wt, header, key)
            else:
                rt = _without(rt, header, key)
            write_world(d, wt, {"r": rt})
            try:
                load_world(d)
                loads = True
            except WorldError:
                loads = False
            assert loads == (not _needed(schema, present, key)), (header, key)
    # the array tables: a room needs choices, and may have no text_if
    assert "choice" in defs["room"]["required"] and "text_if" not in defs["room"]["required"]


def test_schema_command_prints_valid_json(capsys, tmp_path):
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "adventure world.toml"
    assert main(["schema", "--room", "-o", str(tmp_path / "room.json")]) == 0
    assert json.loads((tmp_path / "room.json").read_text())["title"] == "adventure room file"
    assert main(["schema", "--walkthrough"]) == 0
    assert json.loads(capsys.readouterr().out)["required"] == ["moves"]


def test_shipped_and_scaffold_files_validate_against_the_schema(tmp_path):
    jsonschema = pytest.importorskip("jsonschema")
    import tomli

    from adventure.world.schema import SCHEMAS

    main(["new", str(tmp_path / "w")])
    folders = [WORLDS / "tutorial", tmp_path / "w"] + ([WORLDS / "allhands"] if (WORLDS / "allhands").is_dir() else [])
    for name, make in SCHEMAS.items():
        jsonschema.Draft7Validator.check_schema(make())
    checked = 0
    for folder in folders:
        for which, pattern in (("world", "world.toml"), ("room", "rooms/*.toml"), ("walkthrough", "tests/*.toml")):
            v = jsonschema.Draft7Validator(SCHEMAS[which]())
            for f in folder.glob(pattern):
                errors = [e.message for e in v.iter_errors(tomli.loads(f.read_text()))]
                assert not errors, (f, errors)
                checked += 1
    assert checked >= 8
    bad = {"hall": {"title": "t", "text": "x", "choice": [{"id": "a", "say": "b", "go": "x", "end": True, "sya": 1}]}}
    assert len(list(jsonschema.Draft7Validator(SCHEMAS["room"]()).iter_errors(bad))) == 2


def test_schema_patterns_match_whole_ids_as_the_loader_does():
    """JSON Schema patterns match anywhere in a string: the schema's id and name patterns are
    anchored, and say what the loader says of empty, long or odd ids and names."""
    from adventure.world.schema import SCHEMAS

    found = []

    def walk(x):
        if isinstance(x, dict):
            if "pattern" in x:
                found.append(x)
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    for make in SCHEMAS.values():
        walk(make())
    assert found
    from adventure.world.loader import IFID

    for s in found:
        p = s["pattern"]
        if p == f"^{IFID.pattern}$":  # not an id: the Treaty of Babel's form, in capitals
            assert re.search(p, "0F3C2A5E-1111-4A2B-9C3D-123456789ABC") and not re.search(p, "0f3c2a5e-1111")
            continue
        for bad in ("has space", "", "x" * 65, "é"):
            ok = re.search(p, bad) is not None and len(bad) <= s.get("maxLength", 10**9) and len(bad) >= s.get("minLength", 0)
            assert not ok, (p, bad)
        assert re.search(p, "ok_1") and len("ok_1") <= s.get("maxLength", 64)

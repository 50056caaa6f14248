"""Resource bounds: what a hostile world (or request) can make a command spend. Each command is
run in a subprocess under an address-space limit (`RLIMIT_AS`) and a generous timeout: it must
answer, without a traceback, inside both. No test asserts a wall-clock time."""

import json
import os
import re
import resource
import subprocess
import sys

import pytest

from conftest import ROOT, write_world

MB = 1024 * 1024

WORLD = '''[world]
id = "w"
title = "W"
start = "r"
[state]
x = 0
[[ending]]
id = "e"
title = "E"
text = "t"
'''


def bounded(args, *, mem=500 * MB, timeout=60, stdin=None, env=None):
    """Run `python -m adventure ARGS` with at most `mem` bytes of address space."""
    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (mem, mem))

    e = dict(os.environ, NO_COLOR="1", **(env or {}))
    return subprocess.run([sys.executable, "-m", "adventure", *args], input=stdin, capture_output=True,
                          text=True, timeout=timeout, preexec_fn=limit, cwd=ROOT, env=e)


def no_traceback(r):
    """No Python traceback and no bare exception (MemoryError) on stderr."""
    assert "Traceback" not in r.stderr and not re.search(r"^\w*Error\b", r.stderr, re.M), r.stderr[-2000:]


# ---------------------------------------------------------------- 8: dice inside one move


def dice_world(tmp_path, calls=3):
    do = " + ".join(["random(1, 1000)"] * calls)
    return write_world(tmp_path / "dice", WORLD, {"r": f'''[r]
title = "R"
text = "x"
[[r.choice]]
id = "roll"
say = "roll"
do = "x = {do}"
go = "r"
[[r.choice]]
id = "out"
say = "out"
end = true
'''})


@pytest.mark.parametrize("command", ["check", "graph"])
def test_dice_products_keep_the_budget(tmp_path, command):
    """Three random(1, 1000) in one effect: a billion outcomes per move. `check` samples them,
    says it did, and stops at its time budget, inside 500 MB; `graph` reads the abstract
    interpretation (dice as ranges), which has no budget to keep."""
    w = dice_world(tmp_path)
    r = bounded([command, str(w)] + (["--max-seconds", "1"] if command == "check" else []), timeout=60)
    no_traceback(r)
    assert r.returncode in (0, 1), r.stderr
    if command == "check":
        # it says what it did not do: skipped or sampled the outcomes, or stopped at the budget
        assert any(w in r.stdout for w in ("exploration was skipped", "stopped at the time budget", "sampled")), r.stdout


def test_dice_products_are_sampled_and_marked(tmp_path):
    from adventure import load_world
    from adventure.analysis.explore import MAX_OUTCOMES, Explorer

    world = load_world(dice_world(tmp_path, calls=2))
    xp = Explorer(world)
    c = xp.room_choices[0][0]
    outs, sampled = xp.outcomes(c, world.defaults, [0] * len(world.tracked), 0, 0, [])
    assert sampled and 2 < len(outs) <= MAX_OUTCOMES
    got = {v[0] for v, _ in outs}
    assert min(got) == 2 and max(got) == 2000  # the extremes are always among the samples
    assert got <= set(range(2, 2001))
    ex = xp.run(max_states=50)
    assert not ex.complete and ex.stopped in ("states", "dice")


def test_the_state_budget_holds_inside_one_expansion(tmp_path):
    """One state whose moves alone exceed the budget (101 choices of 1,000 rolls each) stops the
    search inside that state, instead of taking all its moves first."""
    from adventure import load_world
    from adventure.analysis.explore import MAX_MOVES, explore

    choices = "".join(f'[[r.choice]]\nid = "c{i}"\nsay = "c"\ndo = "x = random(1, 1000)"\ngo = "r"\n'
                      for i in range(MAX_MOVES // 1000 + 1))
    w = write_world(tmp_path / "w", WORLD, {"r": '[r]\ntitle = "R"\ntext = "x"\n' + choices + '[[r.choice]]\nid = "out"\nsay = "o"\nend = true\n'})
    ex = explore(load_world(w), max_states=10)
    assert not ex.complete and ex.stopped == "states"
    assert ex.states <= 10 + 1


# ---------------------------------------------------------------- 9: only regular files are read


ROOM = '''[r]
title = "R"
text = "x"
[[r.choice]]
id = "out"
say = "out"
end = true
'''


def small_world(tmp_path, name="w"):
    return write_world(tmp_path / name, WORLD, {"r": ROOM})


def test_a_fifo_in_rooms_is_a_problem_not_a_hang(tmp_path):
    w = small_world(tmp_path)
    os.mkfifo(w / "rooms" / "pipe.toml")
    r = bounded(["check", str(w), "--load-only"], timeout=30)
    no_traceback(r)
    assert r.returncode == 2
    assert "pipe.toml" in r.stderr and "not a regular file" in r.stderr, r.stderr


def test_a_fifo_as_world_toml_is_a_problem_not_a_hang(tmp_path):
    w = small_world(tmp_path)
    (w / "world.toml").unlink()
    os.mkfifo(w / "world.toml")
    r = bounded(["check", str(w), "--load-only"], timeout=30)
    no_traceback(r)
    assert r.returncode == 2 and "world.toml" in r.stderr and "not a regular file" in r.stderr, r.stderr


def test_a_character_device_in_rooms_is_not_read(tmp_path):
    import stat

    w = small_world(tmp_path)
    try:
        os.mknod(w / "rooms" / "zero.toml", stat.S_IFCHR | 0o600, os.makedev(1, 5))  # /dev/zero
    except (PermissionError, OSError) as e:
        pytest.skip(f"cannot make a device here: {e}")
    r = bounded(["check", str(w), "--load-only"], timeout=30)
    no_traceback(r)
    assert r.returncode == 2 and "zero.toml" in r.stderr and "not a regular file" in r.stderr, r.stderr


def test_a_folder_named_like_a_room_file(tmp_path):
    from adventure import WorldError, load_world

    w = small_world(tmp_path)
    (w / "rooms" / "odd.toml").mkdir()
    with pytest.raises(WorldError, match="odd.toml: is not a regular file"):
        load_world(w)


def test_a_fifo_walkthrough_is_a_problem_not_a_hang(tmp_path):
    w = small_world(tmp_path)
    (w / "tests").mkdir()
    os.mkfifo(w / "tests" / "pipe.toml")
    r = bounded(["test", str(w)], timeout=30)
    no_traceback(r)
    assert r.returncode == 2 and "pipe.toml" in r.stderr and "not a regular file" in r.stderr, r.stderr


# ---------------------------------------------------------------- 10: size caps, checked before reading


def test_a_world_over_the_total_cap_is_refused_before_reading(tmp_path):
    """Nine sparse files of 15 MB (each under the per-file cap, 135 MB in all): refused from their
    sizes alone, inside 200 MB of address space."""
    w = small_world(tmp_path)
    for i in range(9):
        with open(w / "rooms" / f"big{i}.toml", "wb") as f:
            f.truncate(15 * 1000 * 1000)
    r = bounded(["check", str(w), "--load-only"], mem=200 * MB, timeout=60)
    no_traceback(r)
    assert r.returncode == 2 and "the limit is 134,217,728" in r.stderr, r.stderr


def test_the_world_caps_are_checked_from_sizes(tmp_path, monkeypatch):
    from adventure import WorldError, load_world
    from adventure.world import files

    w = small_world(tmp_path)
    (w / "rooms" / "more.toml").write_text(ROOM.replace("[r]", "[s]").replace("[[r.", "[[s."))
    monkeypatch.setattr(files, "MAX_WORLD_BYTES", 200)
    read = []
    real = files.read_regular
    monkeypatch.setattr(files, "read_regular", lambda *a, **k: read.append(a) or real(*a, **k))
    with pytest.raises(WorldError, match=r"the world's files are [\d,]+ bytes; the limit is 200") as e:
        load_world(w)
    assert not read  # nothing was read
    assert all(p.hint for p in e.value.problems)
    monkeypatch.setattr(files, "MAX_WORLD_BYTES", 10**6)
    monkeypatch.setattr(files, "MAX_FILES", 1)
    with pytest.raises(WorldError, match="more than 1 room file"):
        load_world(w)


def test_a_file_over_the_per_file_cap_is_refused(tmp_path):
    from adventure import WorldError, load_world

    w = small_world(tmp_path)
    with open(w / "rooms" / "big.toml", "wb") as f:
        f.truncate(17 * MB)
    with pytest.raises(WorldError, match="big.toml: is 17,825,792 bytes; the limit is 16,777,216"):
        load_world(w)


@pytest.mark.parametrize("kind", ["tables", "dotted"])
def test_toml_that_would_take_gigabytes_to_parse_is_refused(tmp_path, kind):
    """A few MB of distinct table headers, or of long dotted keys, take the TOML parser hundreds of
    times their size in memory: refused from a count of their structure, before parsing."""
    w = small_world(tmp_path)
    if kind == "tables":
        lines = (f"[k{i}.a.b.c]\n" for i in range(600_000))
    else:
        lines = (f"k{i}" + ".a" * 200 + " = 1\n" for i in range(6_000))
    (w / "rooms" / "dense.toml").write_text("".join(lines))
    r = bounded(["check", str(w), "--load-only"], mem=500 * MB, timeout=60)
    no_traceback(r)
    assert r.returncode == 2 and "dense.toml" in r.stderr, r.stderr


CONSTRUCTS = {  # TOML the parser makes much of, a few bytes at a time
    "arrays": lambda n: "x = [" + "[]," * n + "]\n",
    "inline tables": lambda n: "x = [" + "{a=1}," * n + "]\n",
    "nested arrays": lambda n: "x = [" + "[[[[]]]]," * n + "]\n",
    "keys": lambda n: "".join(f"k{i}=1\n" for i in range(n)),
    "strings": lambda n: "x = [" + '"",' * n + "]\n",
    "numbers": lambda n: "x = [" + "1000000000000," * n + "]\n",
    "tables": lambda n: "".join(f"[k{i}]\n" for i in range(n)),
    "repeated arrays of tables": lambda n: "[[a.b]]\n" * n,
    "arrays of tables": lambda n: "".join(f"[[k{i}.a.b.c]]\n" for i in range(n)),
    "deep tables": lambda n: "".join(f"[k{i}.a.b.c.d.e.f.g.h.i]\n" for i in range(n)),
    "dotted keys": lambda n: "".join(f"k{i}.a.b.c.d.e.f.g.h.i=1\n" for i in range(n)),
    "dotted inline keys": lambda n: "x = [" + "{a.b.c.d.e.f.g.h.i.j=1}," * n + "]\n",
}


@pytest.mark.parametrize("kind", list(CONSTRUCTS))
def test_parse_cost_bounds_what_the_parser_takes(kind):
    """files.parse_cost is at least the parser's peak memory (tracemalloc) for each costly
    construct, at the longest key paths allowed."""
    import tracemalloc

    try:
        import tomli as toml
    except ImportError:
        import tomllib as toml
    from adventure.world import files

    src = CONSTRUCTS[kind](3000)
    raw = src.encode()
    assert files.long_key(raw) is None
    tracemalloc.start()
    try:
        toml.loads(src)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert files.parse_cost(raw) >= peak, (files.parse_cost(raw), peak)


def test_a_long_dotted_key_is_refused_with_its_line(tmp_path):
    from adventure import WorldError, load_world

    w = small_world(tmp_path)
    (w / "rooms" / "r.toml").write_text(ROOM + "\n" + "s" + ".a" * 11 + ' = "x"\n')
    with pytest.raises(WorldError) as e:
        load_world(w)
    (p,) = [p for p in e.value.problems if "dotted" in p.message]
    assert p.file.endswith("r.toml") and p.line == 9 and "more than 10 dotted parts" in p.message and p.hint
    (w / "rooms" / "r.toml").write_text(ROOM.replace('text = "x"', 'text = "' + "And. " * 50 + '"'))
    load_world(w)  # sentences are not keys


def test_a_loop_of_symbolic_links_is_a_problem(tmp_path):
    from adventure import WorldError, load_world

    w = small_world(tmp_path)
    (w / "rooms" / "loop.toml").symlink_to("loop.toml")
    with pytest.raises(WorldError, match="loop.toml: is a loop of symbolic links"):
        load_world(w)


def test_a_load_stops_after_a_thousand_problems(tmp_path):
    """Problems cost memory and lines of output: a load reports at most MAX_PROBLEMS."""
    from adventure import WorldError, load_world
    from adventure.world.loader import MAX_PROBLEMS

    w = small_world(tmp_path)
    (w / "rooms" / "r.toml").write_text(ROOM +
                                        "".join(f'[bad{i}]\ntitle = 1\n' for i in range(3000)))
    with pytest.raises(WorldError) as e:
        load_world(w)
    assert len(e.value.problems) == MAX_PROBLEMS + 1
    assert "stopped looking" in e.value.problems[-1].message


# ---------------------------------------------------------------- 11: serve's request budgets

HARD = {"a": '''[a]
title = "A"
text = "a"
[[a.choice]]
id = "up"
say = "up"
do = "x += 1"
go = "a"
[[a.choice]]
id = "side"
say = "side"
do = "y += 1"
go = "a"
[[a.choice]]
id = "end"
say = "end"
if = "x * y == 999999937"
end = "far"
'''}  # the ending needs a billion moves; the search cannot prove it unreachable


def hard_world(tmp_path):
    return write_world(tmp_path / "hard", WORLD.replace("x = 0", "x = 0\ny = 0").replace('start = "r"', 'start = "a"').replace(
        '[[ending]]\nid = "e"', '[[ending]]\nid = "far"\ntitle = "Far"\ntext = "t"\nwhen = "x * y == 999999937"\n[[ending]]\nid = "e"'), HARD)


def test_serve_refuses_a_walkthrough_budget_it_cannot_answer_in_seconds(tmp_path):
    from adventure.api.serve import MAX_SEARCH

    w = hard_world(tmp_path)
    lines = [{"id": 1, "op": "walkthrough", "ending": "far", "max_states": 5_000_000},
             {"id": 2, "op": "walkthrough", "ending": "far", "max_states": MAX_SEARCH + 1},
             {"id": 3, "op": "walkthrough", "ending": "far", "max_states": 20_000},
             {"id": 4, "op": "hash"}]
    r = bounded(["serve", "--stdio", str(w)], stdin="".join(json.dumps(x) + "\n" for x in lines),
                mem=500 * MB, timeout=120)
    no_traceback(r)
    got = [json.loads(x) for x in r.stdout.splitlines()]
    assert [g["id"] for g in got] == [1, 2, 3, 4]
    assert got[0]["error"]["code"] == got[1]["error"]["code"] == "invalid_params"
    assert f"{MAX_SEARCH:,}" in got[0]["error"]["message"]
    assert got[2]["error"]["code"] == "no_route"  # a budget within the cap is searched, and answered
    assert got[3]["ok"]


def test_serve_stops_a_walkthrough_at_its_time_budget(tmp_path, monkeypatch):
    from adventure.api import serve

    monkeypatch.setattr(serve, "MAX_SECONDS", 0.2)
    s = serve.Server(str(hard_world(tmp_path)))
    before = s.handle('{"op": "hash"}')
    r = s.handle('{"id": 1, "op": "walkthrough", "ending": "far"}')
    assert r["error"]["code"] == "no_route" and "0.2 seconds" in r["error"]["message"], r
    assert s.handle('{"op": "hash"}') == before  # nothing changed; the server goes on


def test_the_time_limit_fires_again_when_its_exception_is_swallowed():
    """A signal handler's exception raised inside a __del__ is printed and lost: the timer repeats
    until the block ends, so the next one stops the search (this once failed in the full suite)."""
    import subprocess
    import sys

    code = '''
from adventure.api.serve import _OutOfTime, _time_limit
swallowed = 0
try:
    with _time_limit(0.05):
        try:
            while True:
                pass
        except _OutOfTime:
            swallowed += 1  # as if lost in a destructor
        while True:
            pass
except _OutOfTime:
    print("stopped", swallowed)
'''
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30, cwd=ROOT)
    assert r.stdout.strip() == "stopped 1", r.stderr

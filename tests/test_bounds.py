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
    """Three random(1, 1000) in one effect: a billion outcomes per move. The exploration samples
    them, says it did, and stops at its time budget, inside 500 MB."""
    w = dice_world(tmp_path)
    r = bounded([command, str(w), "--max-seconds", "1"], timeout=60)
    no_traceback(r)
    assert r.returncode in (0, 1), r.stderr
    if command == "check":
        assert "stopped at the time budget" in r.stdout or "sampled" in r.stdout, r.stdout


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

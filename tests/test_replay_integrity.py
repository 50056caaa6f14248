"""Speedrun integrity: what a cheating runner or a careless player did to replays, `verify` and
`runs`, each caught. Items of the adversarial pass: 15 (unwritable saves), 16 (raw text reaching the
terminal), 17 (a header naming a path), 18 (fields verify did not prove), 19 (abandoned runs and
stale temporary files)."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from adventure.core.errors import ReplayError
from adventure.speedrun.replay import read_replay, verify_replay
from adventure.speedrun.runs import collect
from adventure.speedrun.session import SpeedrunSession

from conftest import ROOT, WORLDS, write_world
from test_speedrun import FakeClock, play

BEACON = ["climb", "keep", "light", "wait"]
DARK = ["climb", "keep", "wait"]


def record(world, saves, moves=BEACON, category="any", think=1.5):
    clock = FakeClock()
    s = SpeedrunSession(world, saves, category=category, clock=clock)
    play(s, clock, moves, think=think)
    assert s.finished, "the run did not finish"
    return s.last_replay


def docs_of(path):
    return [json.loads(ln) for ln in Path(path).read_text().splitlines()]


def rechain(docs):
    """What a cheater with a script does after editing: recompute every line's chain."""
    from adventure.speedrun.replay import CHAIN_START, chain

    prev = CHAIN_START
    for d in docs:
        d.pop("chain", None)
        d["chain"] = prev = chain(prev, d)
    return docs


def write_docs(path, docs):
    """Lines as the writer writes them (compact JSON, keys in order, the chain last)."""
    from adventure.speedrun.replay import dumps_line

    Path(path).write_text("".join(dumps_line(d) + "\n" for d in docs))
    return Path(path)


def adventure(args, stdin="", cwd=None, timeout=60, preexec=None):
    code = ("import sys; from adventure.cli.main import main; sys.exit(main(sys.argv[1:]))"
            if preexec is None else preexec + "\nimport sys; from adventure.cli.main import main; sys.exit(main(sys.argv[1:]))")
    env = dict(os.environ, PYTHONPATH=str(ROOT), COLUMNS="100")
    return subprocess.run([sys.executable, "-c", code] + args, input=stdin, capture_output=True, text=True,
                          cwd=cwd, timeout=timeout, env=env)


def no_traceback(r):
    assert "Traceback" not in r.stderr and "Traceback" not in r.stdout, r.stderr[-2000:]


# ------------------------------------------------------------------ 15: saves folder not writable

# a process whose files cannot grow past N bytes: a full disk, portably (works as root, where
# permissions do not stop writes); SIGXFSZ ignored so that the write fails with EFBIG instead
FSIZE = "import resource, signal; signal.signal(signal.SIGXFSZ, signal.SIG_IGN); resource.setrlimit(resource.RLIMIT_FSIZE, ({n}, {n}))"


@pytest.mark.parametrize("how", ["file-in-the-way", "read-only", "full"])
def test_speedrun_on_an_unwritable_saves_folder_stops_before_the_run_with_one_message(tmp_path, how):
    saves = tmp_path / "saves"
    pre = None
    if how == "file-in-the-way":
        saves.write_text("not a folder")
    elif how == "read-only":
        if os.geteuid() == 0:
            pytest.skip("root writes into read-only folders; 'full' and 'file-in-the-way' cover this as root")
        saves.mkdir()
        saves.chmod(0o555)
    else:
        pre = FSIZE.format(n=0)
    r = adventure(["play", "tutorial", "--plain", "--speedrun", "--saves", str(saves)], stdin="climb\nkeep\nwait\n", preexec=pre)
    no_traceback(r)
    assert r.returncode == 2, (r.returncode, r.stderr)
    msg = r.stderr.strip()
    assert len(msg.splitlines()) == 1, msg
    assert str(saves) in msg and "--saves" in msg, msg
    assert "THE KITCHEN" not in r.stdout  # the run did not start
    folder = saves / "tutorial" / "replays"
    left = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
    assert left == [], left  # no 0-byte replay, no temporary file


def test_disk_filling_up_mid_run_warns_plays_on_and_leaves_a_replay_that_reads(tmp_path, tutorial):
    # room for the header and two move lines, then the disk is full
    sizes = [len(ln) + 1 for ln in record(tutorial, tmp_path / "probe").read_text().splitlines()]
    limit = sizes[0] + sizes[1] + sizes[2] + 20
    saves = tmp_path / "saves"
    r = adventure(["play", "tutorial", "--plain", "--speedrun", "--saves", str(saves)],
                  stdin="\n".join(BEACON) + "\n", preexec=FSIZE.format(n=limit))
    no_traceback(r)
    assert r.returncode == 0, r.stderr
    assert "NOT being recorded" in r.stdout, r.stdout
    assert "A Light in the Window" in r.stdout  # the game went on to its ending
    files = list((saves / "tutorial" / "replays").iterdir())
    assert [p.suffix for p in files] == [".jsonl"], files  # no temporary file left behind
    header, moves, footer = read_replay(files[0])  # complete lines only: it reads
    assert len(moves) == 2 and footer is None
    v = verify_replay(files[0], tutorial)
    assert not v.ok and v.unfinished and v.moves == 2
    runs, bad = collect(tutorial, saves)
    assert runs == [] and [why for _, why in bad] == [v.message]


def test_runs_lss_to_a_missing_folder_says_which_folder(tmp_path, tutorial):
    record(tutorial, tmp_path)
    target = tmp_path / "no" / "such" / "pb.lss"
    r = adventure(["runs", "tutorial", "--saves", str(tmp_path), "--lss", str(target)])
    no_traceback(r)
    assert r.returncode == 2
    assert str(target.parent) in r.stderr and "does not exist" in r.stderr, r.stderr


def test_runs_lss_never_clobbers_a_file_and_writes_atomically(tmp_path, tutorial):
    record(tutorial, tmp_path)
    target = tmp_path / "pb.lss"
    target.write_text("LiveSplit's own history")
    r = adventure(["runs", "tutorial", "--saves", str(tmp_path), "--lss", str(target)])
    no_traceback(r)
    assert r.returncode == 2 and "--force" in r.stderr, r.stderr
    assert target.read_text() == "LiveSplit's own history"
    r = adventure(["runs", "tutorial", "--saves", str(tmp_path), "--lss", str(target), "--force"])
    assert r.returncode == 0, r.stderr
    assert target.read_text().startswith("<?xml") and sorted(os.listdir(tmp_path)) == ["pb.lss", "tutorial"]


# ------------------------------------------------------------------ 17: the header never names a path

def test_verify_never_takes_the_header_world_id_as_a_path(tmp_path, tutorial):
    good = docs_of(record(tutorial, tmp_path / "saves"))
    # a folder in the working directory named like a world id, with a FIFO for a room file: read
    # as a path, it hangs verify; and paths
    (tmp_path / "evil" / "rooms").mkdir(parents=True)
    (tmp_path / "evil" / "world.toml").write_text((WORLDS / "tutorial" / "world.toml").read_text())
    os.mkfifo(tmp_path / "evil" / "rooms" / "a.toml")
    for wid in ("evil", "/etc", "../../etc"):
        docs = [dict(d) for d in good]
        docs[0] = dict(docs[0], world=dict(docs[0]["world"], id=wid))
        p = write_docs(tmp_path / "r.jsonl", docs)
        r = adventure(["verify", str(p)], cwd=tmp_path, timeout=30)
        no_traceback(r)
        assert r.returncode == 2, (wid, r.stderr)
        assert "--world" in r.stderr and "shipped" in r.stderr, r.stderr


def test_verify_with_an_explicit_world_folder(tmp_path, tutorial):
    import shutil

    shutil.copytree(WORLDS / "tutorial", tmp_path / "mine")
    p = record(tutorial, tmp_path / "saves")
    r = adventure(["verify", str(p), "--world", str(tmp_path / "mine")])
    assert r.returncode == 0 and "verified" in r.stdout, r.stderr


def test_verify_refuses_a_replay_that_is_not_a_regular_file(tmp_path):
    os.mkfifo(tmp_path / "r.jsonl")
    r = adventure(["verify", str(tmp_path / "r.jsonl")], timeout=30)
    no_traceback(r)
    assert r.returncode == 2 and "not a regular file" in r.stderr, r.stderr


# ------------------------------------------------------------------ 18: every field checked

@pytest.fixture
def beacon_run(tutorial, tmp_path):
    return docs_of(record(tutorial, tmp_path / "saves", category="ending:beacon"))


def verdict(tutorial, tmp_path, docs, raw=None):
    """ReplayError's message, or the Verified."""
    p = tmp_path / "x.jsonl"
    if raw is not None:
        p.write_text(raw)
    else:
        write_docs(p, docs)
    try:
        return verify_replay(p, tutorial)
    except ReplayError as e:
        return str(e)


@pytest.mark.parametrize("const", ["NaN", "Infinity", "-Infinity", "1e400"])
@pytest.mark.parametrize("where", ["footer", "move"])
def test_times_that_are_not_finite_numbers_are_refused(tutorial, tmp_path, beacon_run, const, where):
    i = -1 if where == "footer" else 2
    beacon_run[i]["t_game"] = 12345.5
    raw = "".join(json.dumps(d, separators=(",", ":")) + "\n" for d in beacon_run).replace("12345.5", const)
    out = verdict(tutorial, tmp_path, None, raw)
    assert isinstance(out, str), out
    assert f":{len(beacon_run) if where == 'footer' else 3}:" in out and "t_game" in out, out


def test_verify_command_on_a_nan_footer_exits_2_without_traceback(tmp_path, beacon_run):
    raw = "".join(json.dumps(d) + "\n" for d in beacon_run)
    p = tmp_path / "nan.jsonl"
    p.write_text(raw[: raw.rindex('"t_game"')] + '"t_game":NaN,' + raw[raw.rindex('"t_real"'):])
    r = adventure(["verify", str(p)])
    no_traceback(r)
    assert r.returncode == 2 and "t_game" in r.stderr


@pytest.mark.parametrize("bad", [-1.0, 10 ** 30, 1e300, True, "1.5", None])
def test_times_out_of_range_or_of_the_wrong_type_are_refused(tutorial, tmp_path, beacon_run, bad):
    beacon_run[1]["t_real"] = bad
    out = verdict(tutorial, tmp_path, beacon_run)
    assert isinstance(out, str) and ":2:" in out and "t_real" in out, out


def test_times_going_backwards_are_caught(tutorial, tmp_path, beacon_run):
    beacon_run[2]["t_game"] = 0.5  # before move 1's
    v = verdict(tutorial, tmp_path, rechain(beacon_run))
    assert not v.ok and "backwards" in v.message


@pytest.mark.parametrize("delta", [-1.0, 1.0])
def test_footer_times_must_be_those_of_the_last_move(tutorial, tmp_path, beacon_run, delta):
    beacon_run[-1]["t_game"] += delta  # the run finished with the last move: its time is the footer's
    v = verdict(tutorial, tmp_path, rechain(beacon_run))
    assert not v.ok and "footer" in v.message and "last move" in v.message, v.message


def test_an_edited_split_time_is_caught_even_with_the_chain_recomputed(tutorial, tmp_path, beacon_run):
    assert beacon_run[-1]["splits"][1]["t_game"] == 3.0
    beacon_run[-1]["splits"][1]["t_game"] = 1.6  # a fake gold on the lamp room
    v = verdict(tutorial, tmp_path, rechain(beacon_run))
    assert not v.ok and "split" in v.message, v.message


@pytest.mark.parametrize("splits", [5, "x", [5], [{"name": 5, "move": 1, "t_game": 1.5, "t_real": 1.75}],
                                    [{"name": "stairs"}], {"name": "stairs"}])
def test_splits_of_the_wrong_shape_are_refused_and_runs_does_not_crash(tutorial, tmp_path, beacon_run, splits):
    beacon_run[-1]["splits"] = splits
    out = verdict(tutorial, tmp_path, rechain(beacon_run))
    assert isinstance(out, str) and "splits" in out, out
    folder = tmp_path / "saves" / "tutorial" / "replays"
    write_docs(folder / "zz.jsonl", beacon_run)
    runs, bad = collect(tutorial, tmp_path / "saves")
    assert len(runs) == 1 and [p.name for p, _ in bad] == ["zz.jsonl"]


def test_runs_uses_splits_proved_by_the_move_lines(tutorial, tmp_path, beacon_run):
    v = verdict(tutorial, tmp_path, beacon_run)
    assert v.ok and v.splits == (("stairs", 1, 1.5, 1.5), ("lamp_room", 2, 3.0, 3.25), ("ending:beacon", 4, 6.0, 6.75))
    # a replay may carry no splits (the API's do not): they are re-derived from the move lines
    beacon_run[-1]["splits"] = []
    v2 = verdict(tutorial, tmp_path, rechain(beacon_run))
    assert v2.ok and v2.splits == v.splits


def test_a_practice_run_cannot_be_turned_into_a_clean_one(tutorial, tmp_path):
    for aids in ([":undo"], [":state"], [":why 1"]):
        clock = FakeClock()
        s = SpeedrunSession(tutorial, tmp_path / "saves", category="any", clock=clock)
        play(s, clock, ["climb", "down", ":undo", "keep", "wait"] if aids == [":undo"] else
             ["climb"] + aids + ["keep", "wait"])
        docs = docs_of(s.last_replay)
        assert docs[-1]["practice"] is True
        assert any(d["type"] == "aid" and d["command"] == aids[0].split()[0] for d in docs), docs
        docs[-1]["practice"] = False
        v = verdict(tutorial, tmp_path, rechain(docs))
        assert not v.ok and "practice" in v.message and aids[0].split()[0] in v.message, v.message


@pytest.mark.parametrize("line,key,value", [
    (0, "seed", 1.5), (0, "seed", True), (0, "category", 5), (0, "start_hash", None), (0, "engine", 2),
    (0, "world", "tutorial"), (0, "world", {"id": "tutorial"}), (0, "world", {"id": 3, "hash": "x"}),
    (1, "n", "1"), (1, "n", 1.0), (1, "choice", 7), (1, "hash", []), (1, "type", None), (1, "chain", 5),
    (-1, "moves", "4"), (-1, "moves", -4), (-1, "ending", 3), (-1, "endings", "beacon"), (-1, "endings", [1]),
    (-1, "practice", "false"), (-1, "practice", 0), (-1, "splits", None),
])
def test_every_field_has_its_type_checked(tutorial, tmp_path, beacon_run, line, key, value):
    if key != "chain":
        beacon_run[line][key] = value
        rechain(beacon_run)
    else:
        rechain(beacon_run)[line][key] = value
    out = verdict(tutorial, tmp_path, beacon_run)
    assert isinstance(out, str) or not out.ok, out
    if isinstance(out, str):
        assert key in out or "header" in out, out


def test_an_edited_line_breaks_the_chain_and_what_a_recomputed_chain_does_not_prove(tutorial, tmp_path, beacon_run):
    # shave a second off every time: consistent, so only the chain tells
    for d in beacon_run[1:]:
        for k in ("t_game", "t_real"):
            if k in d:
                d[k] = max(0.0, d[k] - 1.0)
        for s in d.get("splits", []):
            s["t_game"], s["t_real"] = max(0.0, s["t_game"] - 1.0), max(0.0, s["t_real"] - 1.0)
    v = verdict(tutorial, tmp_path, beacon_run)
    assert not v.ok and "line 2" in v.message and "chain" in v.message, v.message
    # ... but the chain is a checksum, not a signature: recomputed, the forged times verify
    # (times are only ever what the runner's machine reported; docs/speedrun.md says so)
    v = verdict(tutorial, tmp_path, rechain(beacon_run))
    assert v.ok and v.t_game == 5.0


def test_lines_out_of_order_or_removed_are_caught(tutorial, tmp_path, beacon_run):
    swapped = beacon_run[:1] + [beacon_run[2], beacon_run[1]] + beacon_run[3:]
    assert not verdict(tutorial, tmp_path, swapped).ok
    assert not verdict(tutorial, tmp_path, beacon_run[:2] + beacon_run[3:]).ok


# ------------------------------------------------------------------ 19: abandoned runs, stale temporary files

def test_an_abandoned_run_without_moves_leaves_no_replay(tutorial, tmp_path):
    s = SpeedrunSession(tutorial, tmp_path, category="ending:beacon", clock=FakeClock())
    s.handle("climb")
    s.handle(":restart")  # Ctrl-R
    s.handle(":quit")
    files = sorted((tmp_path / "tutorial" / "replays").iterdir())
    assert len(files) == 1, files  # the one-move attempt; nothing for the run without a move
    v = verify_replay(files[0], tutorial)
    assert v.unfinished and v.moves == 1 and v.category == "ending:beacon"


def test_runs_lists_unfinished_runs_apart_under_their_own_category(tutorial, tmp_path):
    record(tutorial, tmp_path, DARK, category="ending:dark")
    s = SpeedrunSession(tutorial, tmp_path, category="ending:beacon", clock=FakeClock())
    s.handle("climb")
    s.handle(":quit")
    r = adventure(["runs", "tutorial", "--saves", str(tmp_path)])
    assert r.returncode == 0, r.stderr
    out = r.stdout
    head, _, rest = out.partition("\nending:dark\n")
    dark_section = rest.split("\n\n")[0]
    assert "beacon" not in dark_section, out
    assert "1 unfinished" in head, out
    unfinished = out[out.index("Unfinished"):]
    assert "ending:beacon" in unfinished and "1 move" in unfinished, out


def _temp(folder, pid, age=0.0, name="20260101-000000-any.jsonl"):
    p = folder / f".{name}.{pid}-0123abcd.tmp"
    p.write_text('{"type":"hea')
    if age:
        t = time.time() - age
        os.utime(p, (t, t))
    return p


def _dead_pid():
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_stale_temporary_files_are_cleaned_on_the_next_write_and_never_counted(tutorial, tmp_path):
    folder = tmp_path / "tutorial" / "replays"
    folder.mkdir(parents=True)
    dead = _temp(folder, _dead_pid())
    old = _temp(folder, os.getppid(), age=120, name="b.jsonl")  # a live pid, but a minute old
    fresh = _temp(folder, os.getppid(), name="c.jsonl")  # a write under way in another process
    foreign = folder / ".notes.tmp"  # not our naming pattern: never touched
    foreign.write_text("x")
    runs, bad = collect(tutorial, tmp_path)
    assert runs == [] and bad == []  # temporary files are not replays
    record(tutorial, tmp_path)
    assert not dead.exists() and not old.exists()
    assert fresh.exists() and foreign.exists()
    runs, bad = collect(tutorial, tmp_path)
    assert len(runs) == 1 and bad == []


KILLED_WRITER = """
import sys, time
sys.path.insert(0, {root!r})
from adventure import load_world
from adventure.speedrun.session import SpeedrunSession
world = load_world({world!r})
t = [0.0]
def clock():
    t[0] += 0.25
    return t[0]
print("ready", flush=True)
while True:
    s = SpeedrunSession(world, {saves!r}, category="any", clock=clock)
    for m in ("climb", "keep", "light", "wait"):
        s.handle(m)
    s.handle(":restart")
"""


def killed_writers(tutorial, tmp_path, kills):
    import random

    saves = tmp_path / "saves"
    script = KILLED_WRITER.format(root=str(ROOT), world=str(WORLDS / "tutorial"), saves=str(saves))
    rnd = random.Random(1)
    for _ in range(kills):
        proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE)
        proc.stdout.readline()
        time.sleep(rnd.uniform(0, 0.05))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
    folder = saves / "tutorial" / "replays"
    replays = sorted(folder.glob("*.jsonl"))
    assert replays
    for p in replays:
        v = verify_replay(p, tutorial)  # never a ReplayError: every line a writer left is whole
        assert v.ok or v.unfinished, (p, v.message)
        assert v.moves > 0, p  # an attempt with no move leaves no file
    record(tutorial, saves)  # the next write cleans what the killed writers left
    assert [p.name for p in folder.iterdir() if p.suffix != ".jsonl"] == []


def test_killed_writers_leave_only_replays_that_read(tutorial, tmp_path):
    killed_writers(tutorial, tmp_path, 6)


@pytest.mark.slow
def test_killed_writers_leave_only_replays_that_read_long(tutorial, tmp_path):
    killed_writers(tutorial, tmp_path, 150)


# ------------------------------------------------------------------ 16: nothing raw reaches the terminal

EVIL_WORLD = '''[world]
id = "evil"
title = "Evil\\u001b[2J\\nverified FORGED-TITLE \\u202eemit"
start = "hall"
[[ending]]
id = "out"
title = "Out\\u001b]0;pwn\\u0007\\nNOT VERIFIED FORGED-ENDING\\u202e"
text = "bye"
'''
EVIL_ROOMS = {"hall": '''[hall]
title = "Hall\\u001b[31m\\n  PB  FORGED-SPLIT\\u202e"
text = "A hall."
[[hall.choice]]
id = "go"
say = "Go"
go = "den"
[den]
title = "Den\\u001b[31m\\n  PB  FORGED-SPLIT\\u2028emit\\u202e"
text = "A den."
[[den.choice]]
id = "leave"
say = "Leave"
end = "out"
'''}


FORGED = ("verified FORGED", "NOT VERIFIED FORGED", "PB  FORGED", "emit", "x.jsonl")


def test_runs_and_verify_neutralise_world_text_and_file_names(tmp_path):
    from adventure import load_world

    wdir = write_world(tmp_path / "evil", EVIL_WORLD, EVIL_ROOMS)
    world = load_world(wdir)
    saves = tmp_path / "saves"
    p = record(world, saves, ["go", "leave"])
    evil = p.with_name("a\x1b[2J\nverified FORGED-NAME \u202ex.jsonl")
    p.rename(evil)
    # and one that does not verify, so its name and message are printed too
    docs = docs_of(evil)
    docs[1]["hash"] = "0" * 16
    write_docs(evil.with_name("b\x1b]0;t\x07\nNOT VERIFIED FORGED-BAD\u202e.jsonl"), rechain(docs))
    outs = [adventure(["runs", str(wdir), "--saves", str(saves)]),
            adventure(["verify", str(evil), "--world", str(wdir)]),
            adventure(["verify", str(evil.with_name("b\x1b]0;t\x07\nNOT VERIFIED FORGED-BAD\u202e.jsonl")), "--world", str(wdir)])]
    for r in outs:
        no_traceback(r)
        for text in (r.stdout, r.stderr):
            assert "\x1b" not in text and "\u202e" not in text and "\x07" not in text, text
            for ln in text.splitlines():  # no line forged by a newline in a title or a file name
                assert not ln.lstrip().startswith(FORGED), ln
    assert outs[0].returncode == 0 and outs[1].returncode == 0 and outs[2].returncode == 1


# ------------------------------------------------------------------ practice aids in the replay

def test_a_save_played_with_another_seed_cannot_be_loaded_into_a_run(tutorial, tmp_path):
    from adventure.play.session import Session

    other = Session(tutorial, tmp_path, seed=5, autosave=False)
    other.handle("climb")
    other.handle(":save elsewhere")
    clock = FakeClock()
    s = SpeedrunSession(tutorial, tmp_path, seed=0, category="any", clock=clock)
    out = s.handle(":load elsewhere")
    assert any(style == "error" and "seed 5" in text for style, text in out), out
    assert s.game.log == [] and not s.practice
    play(s, clock, DARK)
    v = verify_replay(s.last_replay, tutorial)
    assert v.ok and not v.practice, v.message


def test_undo_in_the_all_category_still_verifies_as_practice(tutorial_2025, tmp_path):
    from test_speedrun import _secret_ok

    seed = next(k for k in range(50) if _secret_ok(tutorial_2025, k))
    clock = FakeClock()
    s = SpeedrunSession(tutorial_2025, tmp_path, seed=seed, category="all", clock=clock)
    play(s, clock, ["climb", "keep", "wait",
                    "climb", "down", ":undo", "keep", "light", "wait",
                    "gull", "climb", "keep", "light", "wait"])
    v = verify_replay(s.last_replay, tutorial_2025)
    assert v.ok and v.practice and v.endings == ("dark", "beacon", "storm-keeper"), v.message
    kinds = [d["type"] + (":" + d.get("reason", d.get("command", ""))) for d in docs_of(s.last_replay)
             if d["type"] in ("restart", "aid")]
    assert kinds == ["restart:next", "aid::undo", "restart:practice", "restart:next"]


def test_two_runs_started_in_the_same_second_do_not_lose_a_replay(tutorial, tmp_path):
    clock = FakeClock()
    a = SpeedrunSession(tutorial, tmp_path, category="ending:dark", clock=clock)
    b = SpeedrunSession(tutorial, tmp_path, category="ending:dark", clock=clock)  # no file yet: same name
    play(a, clock, DARK)
    play(b, clock, DARK)
    assert a.last_replay != b.last_replay
    assert verify_replay(a.last_replay, tutorial).ok and verify_replay(b.last_replay, tutorial).ok

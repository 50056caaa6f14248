"""The installed `adventure` command, run as a subprocess: exit codes, messages, no tracebacks."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, WORLDS


def adventure_cmd():
    exe = shutil.which("adventure", path=str(Path(sys.executable).parent)) or shutil.which("adventure")
    return [exe] if exe else [sys.executable, "-m", "adventure"]


def run(args, stdin="", env=None, cwd=None):
    e = dict(os.environ, **(env or {}))
    return subprocess.run(adventure_cmd() + args, input=stdin, capture_output=True, text=True, env=e, cwd=cwd, timeout=60)


def test_piped_play_prints_the_story_and_exits_0(tmp_path):
    r = run(["play", "tutorial", "--plain", "--saves", str(tmp_path)], stdin="1\n1\n")
    assert r.returncode == 0, r.stderr
    assert "THE KITCHEN" in r.stdout and "The stove coughs" in r.stdout and "The gull accepts" in r.stdout
    assert r.stderr == ""
    assert not list(tmp_path.rglob("autosave.json"))  # a script autosaves only when asked (--autosave)


def test_play_to_an_ending_and_commands(tmp_path):
    r = run(["play", "tutorial", "--plain", "--saves", str(tmp_path)],
            stdin="climb\n:save here\nkeep\n:undo\n:load here\n2\nwait\n:endings\n:frobnicate\n9\n:quit\n")
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "Saved as 'here'" in out and "Undone." in out and "Loaded 'here'" in out
    assert "*** Lights Out ***" in out and "[x] Lights Out" in out
    assert "unknown command :frobnicate" in out
    assert "the game is over" in out


def test_check_clean_world_exits_0():
    r = run(["check", str(WORLDS / "tutorial")])
    assert r.returncode == 0 and "No problems found" in r.stdout


def test_check_broken_world_exits_2_one_line_per_problem():
    r = run(["check", str(FIXTURES / "invalid" / "three-problems")])
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 4 and lines[-1].startswith("3 problems")
    assert "world.toml:4:" in lines[0] and "attic.toml:2:" in lines[1] and "hall.toml:15:" in lines[2]
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize("args,msg", [
    (["play", "nowhere-world"], "no such world folder"),
    (["check"], "the following arguments are required"),
    (["frobnicate", "--x"], "unrecognized arguments"),
    (["play", "tutorial", "--seed", "x"], "invalid int value"),
])
def test_bad_usage_exits_2_without_traceback(args, msg):
    r = run(args)
    assert r.returncode == 2
    assert msg in r.stderr and "Traceback" not in r.stderr


def test_corrupt_autosave_continue_gives_a_message(tmp_path):
    (tmp_path / "tutorial").mkdir()
    (tmp_path / "tutorial" / "autosave.json").write_text("{not json")
    r = run(["play", "tutorial", "--plain", "--continue", "--saves", str(tmp_path)], stdin="")
    assert "not a save file" in r.stdout and "kept as autosave.damaged.json" in r.stdout
    assert "THE KITCHEN" in r.stdout  # and a new game starts
    assert (tmp_path / "tutorial" / "autosave.damaged.json").read_text() == "{not json"
    assert "Traceback" not in r.stderr


def test_test_command_runs_walkthroughs():
    r = run(["test", str(WORLDS / "tutorial")])
    assert r.returncode == 0 and "4 passed, 0 failed" in r.stdout


def test_python_dash_m_and_version():
    r = subprocess.run([sys.executable, "-m", "adventure", "--version"], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0 and r.stdout.startswith("adventure ")


def test_closed_stdout_is_quiet(tmp_path):
    p = subprocess.Popen(adventure_cmd() + ["play", "tutorial", "--plain", "--saves", str(tmp_path)],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdout.close()
    _, err = p.communicate(b"1\n" * 50, timeout=30)
    assert b"Traceback" not in err

"""`adventure play --screen-reader` in a real pseudo-terminal: what a screen reader hears is the
text written, in order and once; so nothing is drawn, moved or repainted."""

import io
import os
import re
import sys

import pexpect
import pytest

from conftest import ROOT
from test_tui import adventure_exe

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")

ESCAPE_OR_CONTROL = re.compile("[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # all but \n and \r


def spawn(tmp_path, seen, *extra, env=None):
    exe = adventure_exe()
    cmd, args = (exe, []) if exe else (sys.executable, ["-m", "adventure"])
    args += ["play", "tutorial", "--saves", str(tmp_path), *extra]
    e = dict(os.environ, TERM="xterm-256color")
    e.update(env or {})
    e.pop("NO_COLOR", None)  # colour would be allowed: the mode must not use it anyway
    child = pexpect.spawn(cmd, args, env=e, cwd=str(ROOT), dimensions=(20, 60), encoding="utf-8", timeout=20)
    child.logfile_read = seen
    return child


def play(child, moves):
    for m in moves:
        child.expect_exact("> ")
        child.send(m + "\r")


@pytest.mark.parametrize("how", ["--screen-reader", "ADVENTURE_SCREEN_READER=1", "TERM=dumb"])
def test_screen_reader_mode_in_a_terminal_plays_to_an_ending_as_plain_lines(tmp_path, how):
    extra, env = ([how], None) if how.startswith("--") else ([], dict([how.split("=")]))
    seen = io.StringIO()
    child = spawn(tmp_path, seen, *extra, env=env)
    play(child, ["climb"])
    child.expect("Keep climbing")
    child.expect_exact("> ")
    child.sendeof()  # Ctrl-D: saves and leaves
    child.expect("Goodbye")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    child = spawn(tmp_path, seen, *extra, env=env)
    child.expect_exact("Continue where you left off (The Stairs, move 1)? [Y/n] ")
    child.send("y\r")
    child.expect("Continuing from your autosave, move 1")
    play(child, ["keep", "3", "light", "wait"])
    child.expect("Ending: A Light in the Window")
    play(child, [":quit"])
    child.expect("Goodbye")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    out = seen.getvalue()
    assert not ESCAPE_OR_CONTROL.search(out), ascii(ESCAPE_OR_CONTROL.search(out).group())  # no escape sequence
    lines = [ln for ln in out.replace("\r\n", "\n").replace("\r", "\n").split("\n") if ln.strip()]
    assert not any(ln.isupper() for ln in lines), [ln for ln in lines if ln.isupper()]  # no title in capitals
    assert "The Lamp Room" in lines and "The Lighthouse Keeper's Tuesday" in lines
    # no status line, and nothing said twice: each room's title once per entry (the Stairs: on
    # entry, and on continuing), each choice once per listing (the Lamp Room's: on entry, and
    # after the lamp is lit)
    assert "|" not in out and not re.search(r"\bmove 0\b", out)
    assert lines.count("The Stairs") == 2 and lines.count("The Lamp Room") == 1
    assert lines.count("2. Wait for the boat") == 2
    assert "Error: 3 is not available now." in lines and "It needs: turn >= 3" in lines
    assert [ln for ln in lines if ln.startswith("3. Give up")] == [
        "3. Give up and swim for the mainland (not available)", "3. Give up and swim for the mainland"]

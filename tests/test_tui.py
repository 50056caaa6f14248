"""The terminal player, headless (prompt_toolkit pipe input) and in a real pseudo-terminal."""

import io
import os
import re
import shutil
import signal
import sys
from pathlib import Path

import pexpect
import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.data_structures import Size
from prompt_toolkit.document import Document
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output.plain_text import PlainTextOutput

from adventure.play.session import Session
from adventure.play.tui import ChoiceCompleter, run_tui

from conftest import ROOT


class SizedOutput(PlainTextOutput):
    """Plain text out, from a terminal of `rows` x `columns` (PlainTextOutput says 40 x 80)."""

    def __init__(self, f, rows=40, columns=80):
        super().__init__(f)
        self.size = Size(rows=rows, columns=columns)

    def get_size(self):
        return self.size


def drive(session, keys, size=None, **kw):
    buf = io.StringIO()
    with create_pipe_input() as inp:
        inp.send_text(keys)
        inp.pipe.close_write()  # then the end of input, as Ctrl-D: a test that runs out of keys ends
        out = PlainTextOutput(buf) if size is None else SizedOutput(buf, *size)
        with create_app_session(input=inp, output=out):
            code = run_tui(session, input=inp, output=out, **kw)
    return code, buf.getvalue()


def spy_toolbars(monkeypatch):
    """The PromptSessions run_tui makes, to read their toolbars."""
    import adventure.play.tui as tui

    seen = []

    class Spy(tui.PromptSession):
        def __init__(self, *a, **k):
            super().__init__(*a, **k)
            self.shown = []  # (the prompt's message, the toolbar) as each prompt starts
            seen.append(self)

        def prompt(self, message=None, **k):
            self.shown.append(("".join(t for _, t in message), self.bottom_toolbar()))
            return super().prompt(message, **k)
    monkeypatch.setattr(tui, "PromptSession", Spy)
    return seen


def test_headless_play_save_undo_and_ctrl_d(tutorial, tmp_path):
    s = Session(tutorial, tmp_path)
    code, out = drive(s, "1\r2\r:save first\r:undo\r\x04", offer_continue=False)
    assert code == 0
    assert "The stove coughs" in out and "The Stairs" in out
    assert "Saved as 'first'" in out and "Undone. Back to move 1." in out
    assert "Saved. Goodbye." in out
    assert (tmp_path / "tutorial" / "slots" / "first.json").is_file()
    # Ctrl-D autosaved the position after the undo
    s2 = Session(tutorial, tmp_path)
    code, out = drive(s2, "\r:state\r:quit\r")
    assert "Continuing from your autosave, move 1." in out
    assert "kettle_on = true" in out


def test_ctrl_c_cancels_the_line_not_the_game(tutorial, tmp_path):
    s = Session(tutorial, tmp_path, autosave=False)
    code, out = drive(s, "3\x03" + "1\r:quit\r", offer_continue=False)
    assert code == 0 and "The stove coughs" in out and s.game.log == ["kettle"]


def test_why_explains_a_greyed_choice(tutorial, tmp_path):
    s = Session(tutorial, tmp_path, autosave=False)
    code, out = drive(s, "3\r2\r:why 3\r:why 1\r:quit\r", offer_continue=False)
    assert "Choice 3 needs: turn >= 3" in out and "False now: turn >= 3" in out
    assert "Choice 1 is available." in out


def test_completer(tutorial, tmp_path):
    s = Session(tutorial, tmp_path, autosave=False)
    c = ChoiceCompleter(s)

    def comp(text):
        return [x.text for x in c.get_completions(Document(text), None)]
    assert comp("gull") == ["Give the gull your biscuit"]
    assert comp("") == ["Put the kettle on", "Give the gull your biscuit", "Climb the stairs"]
    assert comp(":un") == [":undo"]
    assert comp(":s") == [":save", ":saves", ":state"]
    s.command(":save alpha")
    s.command(":save beta")
    assert sorted(comp(":load ")) == ["alpha", "beta"]
    assert comp(":load al") == ["alpha"]


def adventure_exe():
    return shutil.which("adventure", path=str(Path(sys.executable).parent)) or shutil.which("adventure")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_real_command_in_a_pseudo_terminal(tmp_path):
    exe = adventure_exe()
    cmd, args = (exe, []) if exe else (sys.executable, ["-m", "adventure"])
    args += ["play", "tutorial", "--saves", str(tmp_path)]
    env = dict(os.environ, TERM="xterm", NO_COLOR="1", PROMPT_TOOLKIT_NO_CPR="1")

    seen = io.StringIO()

    def start():
        child = pexpect.spawn(cmd, args, env=env, cwd=str(ROOT), dimensions=(30, 90), encoding="utf-8", timeout=20)
        child.logfile_read = seen
        return child

    child = start()
    child.expect("Climb the stairs")
    child.expect(">")  # the prompt is ready
    child.send("3\r")
    child.expect("The Stairs")
    child.send("2\r")
    child.expect("The Lamp Room")
    child.send(":save tower\r")
    child.expect("Saved as 'tower'")
    child.send(":quit\r")
    child.expect("Goodbye")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    child = start()
    child.expect(r"Continue where you left off\? \[Y/n\]")
    child.send("n\r")
    child.expect("The Kitchen")
    child.send(":load tower\r")
    child.expect("Loaded 'tower', move 2")
    child.expect("The Lamp Room")
    child.send(":state\r")
    child.expect("room lamp_room, turn 2")
    child.expect(">")
    child.send("\x04")  # Ctrl-D
    child.expect("Goodbye")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    # NO_COLOR: styles may be bold, but no colour escape sequences reach the terminal
    assert not re.search(r"\x1b\[[0-9;]*(3[0-7]|9[0-7]|38;5;[0-9]+)m", seen.getvalue())


def tree(root):
    return {str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("key", ["\x03", "\x04"], ids=["ctrl-c", "ctrl-d"])
def test_ctrl_c_or_ctrl_d_at_the_continue_prompt_leaves_and_touches_nothing(tutorial, tmp_path, key):
    """Either key used to start a new game, and the goodbye autosave then replaced the game the player
    had been asked about with move 0."""
    s = Session(tutorial, tmp_path)
    for m in ("climb", "keep"):
        s.handle(m)
    before = tree(tmp_path)
    s2 = Session(tutorial, tmp_path)
    code, out = drive(s2, key + "\x04")  # the Ctrl-D after it would leave a game started by mistake
    assert code == 0 and "Continue where you left off?" in out
    assert "A round room" not in out and "Put the kettle on" not in out  # no game was started
    assert tree(tmp_path) == before


def test_the_toolbar_neutralises_control_and_bidi_characters(tmp_path):
    """The toolbar printed a room's title as it came, U+202E (right-to-left override) included."""
    from adventure import load_world
    from conftest import write_world

    evil = "\\u202e\\u202a\\u2066\\u2069\\u200e\\u200f\\u061c\\u001b[31m"
    w = write_world(tmp_path / "w", f'[world]\nid = "b"\ntitle = "World{evil}"\nstart = "r"\n[state]\nn = 0\n'
                    '[[ending]]\nid = "e"\ntitle = "E"\ntext = "x"\n',
                    {"r": f'[r]\ntitle = "Room{evil}"\ntext = "x"\n[[r.choice]]\nid = "c"\nsay = "Go{evil}"\nend = true\n'})
    s = Session(load_world(w), tmp_path / "s", autosave=False)
    seen = []
    import adventure.play.tui as tui

    real = tui.PromptSession

    class Spy(real):
        def __init__(self, *a, **k):
            super().__init__(*a, **k)
            seen.append(self)

    tui.PromptSession = Spy
    try:
        code, out = drive(s, ":quit\r", offer_continue=False)
    finally:
        tui.PromptSession = real
    bar = seen[0].bottom_toolbar()
    assert "Room" in bar and "World" in bar
    bad = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")  # not \r
    assert not bad.search(bar), ascii(bar)
    assert not bad.search(out), ascii(out)
    labels = [c.display_text for c in ChoiceCompleter(s).get_completions(Document(""), None)]
    assert len(labels) == 1 and labels[0].startswith("Go") and not bad.search(labels[0])


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
@pytest.mark.parametrize("key", ["\x03", "\x04"], ids=["ctrl-c", "ctrl-d"])
def test_ctrl_c_or_ctrl_d_at_the_continue_prompt_in_a_pseudo_terminal(tmp_path, key):
    exe = adventure_exe()
    cmd, args = (exe, []) if exe else (sys.executable, ["-m", "adventure"])
    args += ["play", "tutorial", "--saves", str(tmp_path)]
    env = dict(os.environ, TERM="xterm", NO_COLOR="1", PROMPT_TOOLKIT_NO_CPR="1")

    def start():
        return pexpect.spawn(cmd, args, env=env, cwd=str(ROOT), dimensions=(30, 90), encoding="utf-8", timeout=20)

    child = start()
    child.expect(">")
    child.send("3\r")
    child.expect("The Stairs")
    child.expect(">")
    child.send("\x04")
    child.expect("Goodbye")
    child.expect(pexpect.EOF)
    child.close()
    before = tree(tmp_path)
    assert any(k.endswith("autosave.json") for k in before)

    child = start()
    child.expect(r"Continue where you left off\? \[Y/n\]")
    child.send(key)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert tree(tmp_path) == before


# ---------------------------------------------------------------- narrow terminals (issue #19)

LONG = (
    '[world]\nid = "narrow"\ntitle = "The Extremely Long and Winding Title of This Small World"\nstart = "r"\n'
    'unavailable = "grey"\n[state]\nlit = false\n'
    '[[ending]]\nid = "e"\ntitle = "E"\ntext = "Done."\n',
    {"r": '[r]\ntitle = "The Long Room"\ntext = "Short."\n'
          '[[r.choice]]\nid = "watch"\nsay = "Keep on watching the screen share while somebody else is presenting"\n'
          'go = "r"\n'
          '[[r.choice]]\nid = "lamp"\nsay = "Accept the offer, and log off from Lanternfish for ever"\n'
          'if = "lit"\nend = true\n'
          '[[r.choice]]\nid = "light"\nsay = "Light it"\ndo = "lit = true"\n'
          + "".join(f'[[r.choice]]\nid = "c{i}"\nsay = "Choice number {i} with quite a long label to wrap around"\n'
                    f'go = "r"\n' for i in range(7))})


def test_at_60_columns_labels_wrap_under_themselves_and_the_toolbar_ends_in_an_ellipsis(tmp_path, monkeypatch):
    """At 60 columns the terminal split long labels mid-word ("watchin / g", "(no / t available)")
    and cut the toolbar before the move count and :help."""
    from adventure import load_world
    from conftest import write_world

    world = load_world(write_world(tmp_path / "w", *LONG))
    bars = spy_toolbars(monkeypatch)
    s = Session(world, tmp_path / "s", autosave=False)
    code, out = drive(s, "1\r\r\r\r:quit\r", size=(20, 60), offer_continue=False)  # Enter at each "more"
    story = out[:out.index("Goodbye")]
    lines = [ln.rstrip("\r") for ln in story.split("\n") if "|" not in ln]  # the toolbar is drawn in there too
    assert max(len(ln.rstrip()) for ln in lines) <= 60, [ln for ln in lines if len(ln.rstrip()) > 60]
    # every label is there with its words whole, continued under its first word
    text = "\n".join(lines)
    assert "  2. Accept the offer, and log off from Lanternfish for\n     ever (not available)" in text, text
    assert "  1. Keep on watching the screen share while somebody else\n     is presenting" in text, text
    assert "  10. Choice number 6 with quite a long label to wrap\n      around" in text, text
    bar = bars[0].bottom_toolbar()
    assert len(bar) <= 59 and bar.endswith("\u2026"), bar
    assert "move 1" in bar and ":help" in bar and bar.startswith(" The Long Room  |  move 1"), bar


def test_the_toolbar_shortens_the_room_title_last_and_never_the_move_count_or_help(tutorial, tmp_path, monkeypatch):
    bars = spy_toolbars(monkeypatch)
    s = Session(tutorial, tmp_path, autosave=False)
    drive(s, ":quit\r", size=(20, 60), offer_continue=False)
    ps = bars[0]
    assert ps.bottom_toolbar() == " The Kitchen  |  move 0  |  :help  |  The Lighthouse Keepe\u2026"
    for columns, want in [(100, " The Kitchen  |  move 0  |  :help  |  The Lighthouse Keeper's Tuesday"),
                          (40, " The Kitchen  |  move 0  |  :help"), (30, " The Ki\u2026  |  move 0  |  :help"),
                          (15, " move 0  |  :help")]:
        ps.output.size = Size(rows=20, columns=columns)
        assert ps.bottom_toolbar() == want


# ---------------------------------------------------------------- long output (issue #19)


def allhands_session(root, **kw):
    from adventure import load_world

    return Session(load_world("allhands"), root, **kw)


def test_output_taller_than_the_screen_stops_at_a_more_prompt_with_its_start_in_view(tmp_path):
    """The intro and the first room (about 45 lines) scrolled the title off a 40-line screen."""
    s = allhands_session(tmp_path, autosave=False)
    code, out = drive(s, "\r:quit\r", size=(40, 100), offer_continue=False)
    first, _, rest = out.partition("-- more: Enter --")
    assert rest, "no more prompt"
    shown = first.strip("\r\n").split("\n")
    assert shown[0].strip() == "All-Hands" and len(shown) <= 38, shown  # the title, and room for the prompt
    # it stops at a paragraph's end: here the choices come whole after Enter
    assert "The Kitchen Table" in first and "Join from the link" not in first
    assert "  1. Join from the link" in rest and "  5. Glance at last night's" in rest


def test_at_a_more_prompt_ctrl_c_shows_the_rest_and_typed_text_comes_back(tmp_path):
    s = allhands_session(tmp_path, autosave=False)
    code, out = drive(s, "\x03:quit\r", size=(20, 60), offer_continue=False)
    assert "-- more" in out and "Join from the link" in out.partition("-- more")[2]
    s = allhands_session(tmp_path, autosave=False)
    drive(s, "3\r\r\r\r", size=(20, 60), offer_continue=False)  # "3" at the first "more", then Enter at the prompt
    assert s.game.log == ["feed-cat"], s.game.log


def test_look_shows_the_room_again_in_the_terminal(tmp_path):
    s = allhands_session(tmp_path, autosave=False)
    code, out = drive(s, "\x03:look\r\x03:quit\r", size=(40, 100), offer_continue=False)
    assert out.count("The Kitchen Table") >= 2


def expect_answering_cpr(child, pattern):
    """child.expect(pattern), answering prompt_toolkit's cursor position requests on the way as a
    terminal does (with the cursor at the top left): only then does it know the screen's height,
    and draw the toolbar."""
    patterns = [re.escape("\x1b[6n")] + (pattern if isinstance(pattern, list) else [pattern])
    while child.expect(patterns) == 0:
        child.send("\x1b[1;1R")


def expect_reading_on(child, pattern):
    """expect_answering_cpr, pressing Enter at each "more" prompt on the way."""
    while True:
        expect_answering_cpr(child, [re.escape("-- more: Enter --"), pattern])
        if child.after != "-- more: Enter --":
            return
        child.send("\r")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="finds the player's process id in /proc")
@pytest.mark.parametrize("where", ["prompt", "more"])
def test_sigterm_restores_the_terminal_and_keeps_the_autosave(tmp_path, tutorial, where):
    """`kill -TERM` left the terminal in raw mode, with the toolbar under the shell's prompt; at a
    "more" prompt it printed a traceback."""
    exe = adventure_exe()
    cmd = [exe] if exe else [sys.executable, "-m", "adventure"]
    script = '"$@"; echo "[exit $?]"; stty -a; echo "[stty done]"'
    env = dict(os.environ, TERM="xterm", NO_COLOR="1")
    env.pop("PROMPT_TOOLKIT_NO_CPR", None)
    seen = io.StringIO()
    child = pexpect.spawn("sh", ["-c", script, "sh", *cmd, "play", "tutorial", "--saves", str(tmp_path)],
                          env=env, cwd=str(ROOT), dimensions=(12, 80), encoding="utf-8", timeout=20)
    child.logfile_read = seen
    expect_reading_on(child, "Climb the stairs")
    expect_answering_cpr(child, "move 0")  # the toolbar is drawn
    child.send("3\r")
    expect_reading_on(child, "Keep climbing")
    expect_answering_cpr(child, "move 1")
    if where == "more":
        child.send(":help\r")  # taller than 12 lines
        expect_answering_cpr(child, re.escape("-- more: Enter --"))
        expect_answering_cpr(child, "move 1")
    player = int(Path(f"/proc/{child.pid}/task/{child.pid}/children").read_text().split()[0])
    os.kill(player, signal.SIGTERM)
    expect_answering_cpr(child, r"\[exit (\d+)\]")
    assert child.match.group(1) == "143"  # 128 + SIGTERM: it says it was stopped
    after_kill = seen.getvalue()
    assert "Traceback" not in after_kill
    child.expect(r"\[stty done\]")
    stty = child.before
    child.expect(pexpect.EOF)
    # the terminal is back in the mode the shell left it in: line editing and echo on
    assert re.search(r"(?<![-\w])icanon\b", stty) and re.search(r"(?<![-\w])echo\b", stty), stty
    # after the toolbar was last drawn, the screen below the prompt was erased (\x1b[J), taking
    # it down, and the goodbye written
    last = after_kill[after_kill.rindex("move 1"):]
    assert "\x1b[J" in last and "Goodbye" in last, ascii(last)
    # and the autosave is the game as it was
    s = Session(tutorial, tmp_path)
    s.resume()
    assert s.game.log == ["up"]


def test_ctrl_d_at_a_more_prompt_saves_and_leaves(tutorial, tmp_path):
    s = Session(tutorial, tmp_path)
    code, out = drive(s, "\r3\r:help\r\x04", size=(12, 80), offer_continue=False)
    assert code == 0 and "Saved. Goodbye." in out and ":look" not in out.rpartition("-- more")[2]
    s = Session(tutorial, tmp_path)
    s.resume()
    assert s.game.log == ["up"]


def test_the_toolbar_at_the_continue_question_shows_the_saved_game(tutorial, tmp_path, monkeypatch):
    """Under "Continue where you left off?" the toolbar showed the new game: the first room, move 0."""
    s = Session(tutorial, tmp_path)
    s.handle("climb")
    s.handle("keep")
    bars = spy_toolbars(monkeypatch)
    code, out = drive(Session(tutorial, tmp_path), "\r:quit\r")
    question, bar = bars[0].shown[0]
    assert question.startswith("Continue where you left off?")
    assert "The Lamp Room" in bar and "move 2" in bar and "move 0" not in bar, bar
    assert bars[0].shown[1][0] == "> " and "The Lamp Room  |  move 2" in bars[0].shown[1][1]


def test_a_game_finished_at_an_ending_is_not_offered_to_continue(tutorial, tmp_path):
    s = Session(tutorial, tmp_path)
    for m in ("climb", "keep", "wait"):
        s.handle(m)
    code, out = drive(Session(tutorial, tmp_path), ":quit\r")
    assert "Continue where you left off" not in out and "The Kitchen" in out


def test_a_world_edited_during_a_more_prompt_is_reloaded_after_it(tmp_path, monkeypatch):
    """The reload that --watch asks for while a "more" prompt is up is done once the output is
    shown (it was dropped)."""
    import shutil

    import adventure.play.tui as tui
    from adventure import load_world
    from conftest import WORLDS

    w = tmp_path / "w"
    shutil.copytree(WORLDS / "tutorial", w)
    s = Session(load_world(w), tmp_path / "s", autosave=False)
    steps = []

    def fake_watch(session, ps, stop, interval=0.4):
        """End the first "more" prompt as the watcher does on an edit; then, at the next "> "
        prompt, type :quit."""
        def at(text):
            while not stop.wait(0.01):
                app = ps.app
                if app.is_running and app.loop is not None and text in str(ps.message):
                    return app
        app = at("more")
        steps.append("more")
        app.loop.call_soon_threadsafe(lambda: app.is_running and app.exit(result=tui.RELOAD))
        at("> ")
        steps.append("prompt")
        inp.send_text(":quit\r")
    monkeypatch.setattr(tui, "_watch", fake_watch)
    buf = io.StringIO()
    with create_pipe_input() as inp:
        out = SizedOutput(buf, 12, 80)
        with create_app_session(input=inp, output=out):
            run_tui(s, input=inp, output=out, watch=True, offer_continue=False)
    text = buf.getvalue()
    assert steps == ["more", "prompt"]
    assert "Reloaded The Lighthouse Keeper's Tuesday; replayed 0 move(s)." in text

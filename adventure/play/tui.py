"""The terminal player: one prompt_toolkit PromptSession, styled text, completion, a toolbar.

Everything a player can do is decided by Session (session.py); this module only draws it. World
text goes out as FormattedText fragments, never as markup, and was stripped of control characters
when the world loaded, so a world cannot send escape sequences to the terminal.
"""

from __future__ import annotations

import signal
import threading
import time

from prompt_toolkit import PromptSession, print_formatted_text
from prompt_toolkit.completion import Completer, Completion
from prompt_toolkit.formatted_text import FormattedText, split_lines
from prompt_toolkit.history import InMemoryHistory
from prompt_toolkit.key_binding import KeyBindings
from prompt_toolkit.output import ColorDepth
from prompt_toolkit.styles import Style

from .saves import list_saves
from ..core.narration import Block
from .session import COMMANDS, Session
from ..core.text import clean, hang, hang_line, wrap

STYLE = Style.from_dict({
    "title": "bold ansibrightcyan",
    "intro": "italic",
    "text": "",
    "reply": "ansiyellow",
    "change": "ansibrightblack",
    "ending": "bold ansibrightmagenta",
    "choice": "",
    "number": "bold",
    "grey": "ansibrightblack",
    "info": "ansigreen",
    "error": "ansired",
    "prompt": "bold",
    "more": "reverse",
    "bottom-toolbar": "noreverse bg:ansiblack ansiwhite",
})


class ChoiceCompleter(Completer):
    """Completes commands after ':', save names after ':load '/':save ', else choice labels."""

    def __init__(self, session: Session):
        self.session = session

    def get_completions(self, document, complete_event):
        text = document.text_before_cursor
        if text.startswith(":"):
            name, sep, arg = text.partition(" ")
            if not sep:
                for cmd, help_ in COMMANDS.items():
                    if cmd.startswith(name.lower()):
                        yield Completion(cmd, start_position=-len(name), display_meta=help_.split("  ")[-1])
                return
            if name in (":load", ":save"):
                for entry in list_saves(self.session.saves_root, self.session.world):
                    if entry.slot.startswith(arg):  # slot names are letters, digits, '-' and '_'
                        yield Completion(entry.slot, start_position=-len(arg))
            return
        low = text.lower().strip()
        for label in self.session.labels():  # cleaned: they go into the input line
            if low and low not in label.lower():
                continue
            yield Completion(label, start_position=-len(text))


def fragments(blocks: list[Block], width: int) -> list[tuple[str, str]]:
    """The blocks as styled text wrapped to `width`: no line is longer, so the terminal never
    splits a word; a choice's label wraps under itself, past its number."""
    out: list[tuple[str, str]] = []
    for style, text in blocks:
        text = clean(text)  # defence in depth: saves, replays and typed input reach here too
        if style == "title":
            out.append(("", "\n"))
            out.append(("class:title", hang_line(text, width) + "\n"))
        elif style in ("choice", "grey"):
            num, _, label = text.partition(" ")
            first = "  " + num + " "
            out.append(("class:number" if style == "choice" else "class:grey", first))
            out.append((f"class:{style}", hang(label, width, first)[len(first):] + "\n"))
        elif style in ("text", "intro", "reply", "ending"):
            out.append((f"class:{style}", wrap(text, width) + "\n\n"))
        else:
            out.append((f"class:{style}", hang_line(text, width) + "\n"))
    return out


SEP = "  |  "


def fit_bar(parts: list[str], width: int, shrink: tuple[int, ...]) -> str:
    """The toolbar: `parts` apart by SEP in `width` cells. When they do not fit, the parts listed
    in `shrink` are shortened in that order, each ending in an ellipsis (or left out if that leaves
    nothing of it); the others (the move count, `:help`) always stay whole."""
    from prompt_toolkit.utils import get_cwidth

    parts = [clean(p) for p in parts]  # titles come from the world: no control or bidi characters
    for i in shrink:
        parts[i] = parts[i][:width + 1]  # a title 100,000 characters long is measured no further
    for i in shrink:
        over = get_cwidth(" " + SEP.join(p for p in parts if p)) - width
        if over <= 0:
            break
        p = parts[i]
        room = get_cwidth(p) - over - 1  # cells left for what is kept of it, before the ellipsis
        keep = max(0, min(len(p), room))
        while keep > 0 and get_cwidth(p[:keep]) > room:
            keep -= 1
        parts[i] = p[:keep].rstrip() + "\u2026" if keep >= 2 else ""
    return " " + SEP.join(p for p in parts if p)


def _bindings() -> KeyBindings:
    kb = KeyBindings()

    @kb.add("c-r")
    def _(event):
        """One-key restart: a new speedrun, or :restart in normal play."""
        event.app.exit(result=":restart")

    return kb


def _watch(session: Session, ps: PromptSession, stop: threading.Event, interval: float = 0.4) -> None:
    """Poll the world's files; on a change, end the current prompt with the internal :reload."""
    snap = session.world_files()
    while not stop.wait(interval):
        now = session.world_files()
        if now != snap:
            snap = now
            app = ps.app
            if app.is_running and app.loop is not None:
                app.loop.call_soon_threadsafe(lambda: app.is_running and app.exit(result=RELOAD))


RELOAD = "\0reload"


def run_tui(session: Session, color: bool = True, clock: bool = False, resume: bool = False,
            offer_continue: bool = True, input=None, output=None, watch: bool = False) -> int:
    started = time.monotonic()
    depth = None if color else ColorDepth.DEPTH_1_BIT

    timed = hasattr(session, "timer_text")

    saved = None  # at the continue question: (room title, moves) of the game it is about

    def toolbar():
        width = ps.output.get_size().columns - 1
        if timed:
            return fit_bar([session.timer_text(), "Ctrl-R new run"], width, (1,))
        if saved is not None:
            return fit_bar([f"Saved game: {saved[0] or '?'}", f"move {saved[1]}", session.world.title], width, (2, 0))
        s = session.game.state
        where = session.world.rooms[s.room].title if s.ending is None else "The End"
        parts = [where, f"move {s.turn}"]
        if clock:
            el = int(time.monotonic() - started)
            parts.append(f"{time.strftime('%H:%M')}  played {el // 60}:{el % 60:02d}")
        parts += [":help", session.world.title]
        return fit_bar(parts, width, (len(parts) - 1, 0))

    ps: PromptSession = PromptSession(
        completer=ChoiceCompleter(session), history=InMemoryHistory(), bottom_toolbar=toolbar,
        style=STYLE, color_depth=depth, complete_while_typing=False,
        refresh_interval=0.1 if timed else 1 if clock else 0, input=input, output=output, key_bindings=_bindings(),
    )

    typed = ""  # text to put back in the next prompt (typed at a "more" prompt, or before a reload)
    reload = []  # the world changed during a "more" prompt
    term = []  # the signal that asked us to end (SIGTERM; 0 for Ctrl-D at a "more" prompt), once it came

    def show(blocks, page: bool = not timed):
        """Print blocks. Output taller than the screen stops after each screenful at a "more"
        prompt, so its start (the title) is read before it scrolls away: Enter shows the next
        screenful, Ctrl-C the rest at once; text typed there comes back in the next prompt."""
        nonlocal typed
        if not blocks:
            return
        size = ps.output.get_size()
        lines = list(split_lines(fragments(blocks, min(100, size.columns) - 2)))
        height = size.rows - 2  # the prompt's line and the toolbar's stay on screen
        while page and height >= 3 and len(lines) > height + 1 and not term:
            # stop after the last blank line of the screenful, if not too far up (a paragraph, the
            # list of choices, stays whole)
            cut = next((i + 1 for i in range(height - 1, height // 2, -1) if not _text(lines[i])), height)
            _print(lines[:cut], "\n")
            lines = lines[cut:]
            try:
                more = ps.prompt([("class:more", "-- more: Enter --")])
            except KeyboardInterrupt:
                break
            except EOFError:  # Ctrl-D (or SIGTERM) here too: leave, after an autosave
                term.append(0)
                return
            if more == RELOAD:  # the world changed: reload once this output is shown
                reload.append(True)
                more = ps.default_buffer.text
            if more.strip():
                typed = more.strip()
        _print(lines)

    def _print(lines, end=""):
        out: list = []
        for i, ln in enumerate(lines):
            if i:
                out.append(("", "\n"))
            out.extend(ln)
        print_formatted_text(FormattedText(out), style=STYLE, color_depth=depth, output=ps.output, end=end)

    def stop_on_signal(signum, frame):
        """SIGTERM: end the prompt as Ctrl-D does, so that prompt_toolkit puts the terminal back
        (no raw mode, no toolbar left under the shell's prompt); the loop then leaves."""
        term.append(signum)
        app = ps.app
        if app.is_running and app.loop is not None:
            app.loop.call_soon_threadsafe(lambda: app.is_running and app.exit(exception=EOFError()))

    previous = _catch(signal.SIGTERM, stop_on_signal)
    try:
        saved = session.saved_game() if not resume and offer_continue else None
        if saved is not None:  # a game to continue: not one finished at an ending
            try:
                answer = ps.prompt([("class:prompt", "Continue where you left off? [Y/n] ")])
            except (EOFError, KeyboardInterrupt):
                # neither yes nor no: leave, and touch nothing (a new game would replace the autosave)
                show([("info", "Goodbye. Nothing was changed.")])
                return 128 + term[0] if term and term[0] else 0
            saved = None
            resume = answer.strip().lower() in ("", "y", "yes")
        stop = threading.Event()
        if watch:  # from the first screen on (an edit during its "more" prompts is not missed)
            threading.Thread(target=_watch, args=(session, ps, stop), daemon=True).start()
        show(session.opening(resume))
        if watch:
            show([("info", f"Watching {session.world.path} for changes.")])
        while not session.done:
            if term:  # it came while we were not at the prompt, or at a "more" prompt
                show(session.handle(":quit"))
                break
            if reload:
                reload.clear()
                show(session.reload())
                continue
            if timed:
                session.prompt_started()
            try:
                line = ps.prompt([("class:prompt", "> ")], default=typed)
                typed = ""
            except KeyboardInterrupt:  # Ctrl-C cancels the line being typed
                continue
            except EOFError:  # Ctrl-D (or SIGTERM) leaves, after an autosave
                show(session.handle(":quit"))
                break
            finally:
                if timed:
                    session.prompt_ended()
            if line == RELOAD:  # the world changed under us: keep what was typed, reload, go on
                typed = ps.default_buffer.text
                show(session.reload())
                continue
            show(session.handle(line))
        stop.set()
        show([("info", "Saved. Goodbye.")] if session.autosave else [("info", "Goodbye.")])
        return 128 + term[0] if term and term[0] else 0
    finally:
        _catch(signal.SIGTERM, previous)


def _text(line) -> str:
    return "".join(f[1] for f in line).strip()


def _catch(signum, handler):
    """Install a signal handler; returns the one it replaces (None where it cannot: not the main
    thread, or no such signal on this system)."""
    if handler is None:
        return None
    try:
        return signal.signal(signum, handler)
    except (ValueError, OSError, AttributeError):
        return None

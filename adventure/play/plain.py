"""The plain player: choices from standard input, plain text to standard output.

It imports no terminal library, so games can be scripted and piped:
`printf '1\n2\n' | adventure play tutorial --plain`.

It is also the screen-reader player (`play --screen-reader`, `reader=True`): text in the order it
happens, each thing once, never redrawn; no toolbar or clock; titles as written (not in capitals,
which some screen readers spell out letter by letter); "Error:" in words; one numbered choice a
line; and paragraphs not broken into lines, so a braille display or a reader's line review gets
whole sentences.
"""

from __future__ import annotations

import sys

from ..core.narration import Block
from .session import Session
from ..core.text import clean, hang, paragraphs, terminal_columns, wrap


def render_plain(blocks: list[Block], width: int) -> str:
    out = []
    for style, text in blocks:
        text = clean(text)  # defence in depth: saves, replays and typed input reach here too
        if style == "title":
            out.append("\n" + text.upper() if text else "")
        elif style in ("choice", "grey"):
            num, _, label = text.partition(" ")
            out.append(hang(label, width, "  " + num + " "))
        elif style == "error":
            out.append("! " + text)  # messages are not wrapped: a script may look for them
        elif style in ("text", "intro", "reply", "ending"):
            out.append(wrap(text, width) + "\n")
        else:
            out.append(text)
    return "\n".join(out)


def render_reader(blocks: list[Block]) -> str:
    """The blocks for a screen reader: see the module's docstring."""
    out = []
    for style, text in blocks:
        text = clean(text)
        if style == "title":
            out.append("\n" + text if text else "")
        elif style == "error":
            out.append("Error: " + text)
        elif style == "ending" and text.startswith("*** ") and text.endswith(" ***"):
            out.append("Ending: " + text[4:-4] + "\n")
        elif style in ("text", "intro", "reply", "ending"):
            out.append("\n\n".join(paragraphs(text)) + "\n")
        else:
            out.append(" ".join(text.split()) if style in ("choice", "grey") else text)
    return "\n".join(out)


def run_plain(session: Session, stdin=None, stdout=None, resume: bool = False, watch: bool = False,
              reader: bool = False, offer_continue: bool = False) -> int:
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    width = min(100, terminal_columns()) - 2
    interactive = stdin.isatty()

    def show(blocks):
        if blocks:
            stdout.write((render_reader(blocks) if reader else render_plain(blocks, width)) + "\n")
            stdout.flush()

    saved = session.saved_game() if interactive and offer_continue and not resume else None
    if saved is not None:  # as the terminal player asks it, in one line, written once
        where = f" ({saved[0]}, move {saved[1]})" if saved[0] else ""
        stdout.write(f"Continue where you left off{clean(where)}? [Y/n] ")
        stdout.flush()
        try:
            answer = stdin.readline()
        except KeyboardInterrupt:
            answer = ""
        else:
            if answer:
                resume = answer.strip().lower() in ("", "y", "yes")
        if not answer:  # Ctrl-C or Ctrl-D: neither yes nor no, so leave touching nothing
            stdout.write("\nGoodbye. Nothing was changed.\n")
            stdout.flush()
            return 0
    show(session.opening(resume))
    timed = hasattr(session, "prompt_started")
    snap = session.world_files() if watch else None
    while not session.done:
        if watch and session.world_files() != snap:  # plain mode notices edits between moves
            snap = session.world_files()
            show(session.reload())
        if interactive:
            stdout.write("> ")
            stdout.flush()
        if timed:
            session.prompt_started()
        try:
            line = stdin.readline()
        except KeyboardInterrupt:
            stdout.write("\n")
            continue
        finally:
            if timed:
                session.prompt_ended()
        if not line:
            if interactive:  # Ctrl-D leaves, as in the terminal player: with an autosave
                stdout.write("\n")
                show(session.handle(":quit"))
            break
        if not interactive and line.strip():
            stdout.write(f"> {clean(line.strip())}\n")
        show(session.handle(line))
    if interactive:
        show([("info", "Saved. Goodbye.")] if session.autosave else [("info", "Goodbye.")])
    return 0

"""The plain player: choices from standard input, plain text to standard output.

It imports no terminal library, so games can be scripted and piped:
`printf '1\n2\n' | adventure play tutorial --plain`.
"""

from __future__ import annotations

import sys

from ..core.narration import Block
from .session import Session
from ..core.text import clean, terminal_columns, wrap


def render_plain(blocks: list[Block], width: int) -> str:
    out = []
    for style, text in blocks:
        text = clean(text)  # defence in depth: saves, replays and typed input reach here too
        if style == "title":
            out.append("\n" + text.upper() if text else "")
        elif style in ("choice", "grey"):
            out.append("  " + text)
        elif style == "error":
            out.append("! " + text)
        elif style in ("text", "intro", "reply", "ending"):
            out.append(wrap(text, width) + "\n")
        else:
            out.append(text)
    return "\n".join(out)


def run_plain(session: Session, stdin=None, stdout=None, resume: bool = False, watch: bool = False) -> int:
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    width = min(100, terminal_columns()) - 2
    interactive = stdin.isatty()

    def show(blocks):
        if blocks:
            stdout.write(render_plain(blocks, width) + "\n")
            stdout.flush()

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
            break
        if not interactive and line.strip():
            stdout.write(f"> {clean(line.strip())}\n")
        show(session.handle(line))
    return 0

"""The command line: `main(argv) -> int`. Each subcommand lives in adventure/cli/<name>.py
with `add_arguments(parser)` and `run(args) -> int`, imported only when used, so start-up stays fast.

Exit codes: 0 success, 1 the checked thing failed, 2 bad usage or bad input.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys


# name -> one-line help. Order is the order shown by --help.
COMMANDS = {
    "play": "play a world (the default when no command is given)",
    "check": "load a world and report every problem in it",
    "test": "run a world's walkthrough files (tests/*.toml)",
    "worlds": "list the shipped worlds",
    "route": "the shortest route to each ending (par for speedruns)",
    "verify": "re-simulate a speedrun replay and say whether it holds",
    "runs": "personal bests, golds and sum of best from your verified replays",
    "graph": "draw a world's map of rooms and endings (DOT, Mermaid, SVG, PNG)",
    "randomtest": "play many seeded random games; report endings, coverage and failures",
    "new": "start a new world from a small working example",
    "schema": "print the JSON Schema of world files, for editors",
    "serve": "play a world over JSON lines on standard input/output (--stdio), for programs",
    "export": "write a world as one self-contained HTML page (--html), or a zip for itch.io (--zip)",
    "completion": "print a shell completion script (bash, zsh or fish)",
    "lsp": "the language server for world files, for editors (needs the 'lsp' extra)",
    "mcp": "play worlds as a Model Context Protocol server, for LLM agents (needs the 'mcp' extra)",
}

DEFAULT_WORLD = "allhands"


class _Formatter(argparse.HelpFormatter):
    """argparse's help layout, sized from the terminal without importing shutil (and the
    compression modules it imports): argparse makes a formatter for every add_argument."""

    def __init__(self, prog, indent_increment=2, max_help_position=24, width=None):
        if width is None:
            from ..core.text import terminal_columns

            width = terminal_columns() - 2
        super().__init__(prog, indent_increment, max_help_position, width)


class _Parser(argparse.ArgumentParser):
    def __init__(self, *a, **kw):
        kw.setdefault("formatter_class", _Formatter)
        super().__init__(*a, **kw)

    def error(self, message):  # exit 2 with one readable line, as argparse does, plus a hint
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n(try '{self.prog} --help')\n")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser. With `command`, only that subcommand gets its arguments (and only its module is
    imported); the others are still listed by `--help`, from COMMANDS."""
    from .version import VersionAction

    p = _Parser(prog="adventure", description="Play and write interactive fiction in the terminal.")
    p.add_argument("--version", action=VersionAction)
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, help_ in COMMANDS.items():
        sp = sub.add_parser(name, help=help_, description=help_)
        if command is None or name == command:
            _module(name).add_arguments(sp)
    return p


def _module(name: str):
    return importlib.import_module(f".{name}", __package__)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0] not in COMMANDS and not argv[0].startswith("-")):
        argv = ["play"] + argv
    elif argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version"):
        argv = ["play"] + argv
    if argv[0] in COMMANDS:
        # the command is known before parsing: build only its parser, as `adventure COMMAND`
        # (what the subcommand's parser would be, without the other eleven)
        name = argv[0]
        parser = _Parser(prog=f"adventure {name}", description=COMMANDS[name])
        _module(name).add_arguments(parser)
        args = parser.parse_args(argv[1:])
        args.command = name
    else:
        # --help and --version: the whole tree (--help lists every command from COMMANDS
        # without importing their modules)
        args = build_parser("").parse_args(argv)
    global _quick_exit
    # `play` keeps no file open when it returns, except a speedrun's replay file
    _quick_exit = args.command == "play" and not getattr(args, "speedrun", False)
    try:
        return int(_module(args.command).run(args) or 0)
    except _adventure_error() as e:
        from ..core.text import clean

        msg = clean(str(e))
        print(f"adventure: {msg}" if "\n" not in msg else msg, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader went away (e.g. `adventure ... | head`); leave quietly
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return 0


def _adventure_error():
    from ..core.errors import AdventureError

    return AdventureError


_quick_exit = False


def _can_skip_teardown() -> bool:
    """True when ending the process at once loses nothing: the command said so (no file left
    open), no exit handler is registered and no other thread runs."""
    if not _quick_exit:
        return False
    try:
        import atexit

        if atexit._ncallbacks() != 0:
            return False
    except AttributeError:  # not CPython
        return False
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        return False
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return False
    return True


def entry() -> None:
    rc = main()
    # Interpreter teardown frees every object of the loaded world one by one (about 15 ms for
    # 10,000 rooms) and unloads every module: skip it when nothing is pending.
    if _can_skip_teardown():
        os._exit(rc)
    sys.exit(rc)

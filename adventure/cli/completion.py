"""adventure completion bash|zsh|fish: print a shell completion script for `adventure`.

The script is generated from the command line's own parser (cli/main.py's `build_parser`, every
command with its options) by shtab, an optional dependency (`pip install
'adventure-engine[completion]'`) that only this command imports. It completes commands, options,
the values of options with fixed choices, files and folders where a command takes them, and the
shipped worlds' names wherever a command takes a world (a folder completes there too). The names
are written into the script when it is generated, so completing costs the shell no Python.

Install it once (then open a new shell):

    bash:  adventure completion bash > ~/.local/share/bash-completion/completions/adventure
    zsh:   adventure completion zsh > ~/.zfunc/_adventure   (with fpath=(~/.zfunc $fpath) before compinit)
    fish:  adventure completion fish > ~/.config/fish/completions/adventure.fish
"""

from __future__ import annotations

import sys

SHELLS = ("bash", "zsh", "fish")
# positional arguments and option metavars -> what completes there
_WORLD_DESTS = {"world", "world_name"}
_FILE = ("file", "files", "FILE", "FILES", "REPLAY", "SAVE")
_DIR = ("path", "DIR", "FOLDER")


def add_arguments(p) -> None:
    p.add_argument("shell", choices=SHELLS, help="the shell to print the script for")
    p.epilog = ("Install: bash: adventure completion bash > ~/.local/share/bash-completion/completions/adventure; "
                "zsh: adventure completion zsh > ~/.zfunc/_adventure (a folder in $fpath); "
                "fish: adventure completion fish > ~/.config/fish/completions/adventure.fish")


def _world_completer(names: list[str]) -> dict:
    """A shtab completer: the shipped worlds' names, then folders."""
    words = " ".join(names)
    return {
        # bash: a name with "_dir" in it tells shtab's script to complete folders as file names
        # (a "/" and no space after one)
        "bash": "_adventure_compgen_world_dirs",
        "zsh": "_adventure_worlds",
        "fish": "(_adventure_worlds)",
        "preamble": {
            "bash": ("# $1: the word being completed\n"
                     "_adventure_compgen_world_dirs() {\n"
                     f"  compgen -W \"{words}\" -- \"$1\"\n"
                     "  compgen -d -- \"$1\"\n"
                     "}\n"),
            "zsh": ("_adventure_worlds() {\n"
                    f"  _alternative 'worlds:shipped world:({words})' 'folders:world folder:_files -/'\n"
                    "}\n"),
            "fish": ("function _adventure_worlds\n"
                     + "".join(f"  printf '%s\\tshipped world\\n' {n}\n" for n in names)
                     + "  __fish_complete_directories (commandline -ct)\n"
                     "end\n"),
        },
    }


def _annotate(parser, shtab, worlds: dict) -> None:
    """Tell shtab what completes where, walking the parser tree."""
    import argparse

    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                _annotate(sub, shtab, worlds)
            continue
        if action.choices or action.nargs == 0:
            continue  # fixed choices complete by themselves; flags take no value
        if action.dest in _WORLD_DESTS:
            action.complete = worlds
        elif action.dest in _FILE or action.metavar in _FILE:
            action.complete = shtab.FILE
        elif action.dest in _DIR or action.metavar in _DIR:
            action.complete = shtab.DIRECTORY


def script(shell: str) -> str:
    """The completion script for `shell` (bash, zsh or fish)."""
    from ..core.errors import AdventureError

    try:
        import shtab
    except ImportError:
        raise AdventureError("`adventure completion` needs shtab: pip install 'adventure-engine[completion]' "
                             "(or pip install shtab)") from None
    from ..world.loader import shipped_worlds
    from .main import build_parser

    parser = build_parser(None)
    _annotate(parser, shtab, _world_completer(sorted(shipped_worlds())))
    return shtab.complete(parser, shell=shell)


def run(args) -> int:
    sys.stdout.write(script(args.shell))
    return 0

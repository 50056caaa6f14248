"""adventure lsp: the language server for world files, on standard input/output.

Diagnostics as you type (the loader's problems and `check`'s findings, in `check`'s words), go to
definition of rooms, endings, flags and counters, completion of their names, hover. It needs
pygls: `pip install 'adventure-engine[lsp]'`. docs/authoring.md ("Editor support") shows how to
attach it to VS Code, Neovim and Helix. The server lives in adventure/author/lsp.py.
"""

from __future__ import annotations


def add_arguments(p) -> None:
    from ..author.workspace import DEFAULT_MAX_SECONDS, DEFAULT_MAX_STATES

    p.add_argument("--stdio", action="store_true",
                   help="speak LSP on standard input/output (the default, and the only transport; accepted "
                        "because editors pass it)")
    p.add_argument("--max-states", type=int, default=DEFAULT_MAX_STATES, metavar="N",
                   help=f"explore at most N states for check's findings (default {DEFAULT_MAX_STATES:,}); "
                        f"0: report load problems and findings that need no exploration only")
    p.add_argument("--max-seconds", type=float, default=DEFAULT_MAX_SECONDS, metavar="S",
                   help=f"explore for at most S seconds (default {DEFAULT_MAX_SECONDS:g})")


def run(args) -> int:
    from ..core.errors import AdventureError

    if args.max_states < 0 or args.max_seconds <= 0:
        raise AdventureError("--max-states must be 0 or more, and --max-seconds more than 0")
    try:
        from ..author.lsp import serve
    except ImportError as e:
        if (e.name or "").split(".")[0] in ("pygls", "lsprotocol", "cattrs", "attrs"):
            raise AdventureError("`adventure lsp` needs pygls: pip install 'adventure-engine[lsp]' "
                                 "(or pip install 'pygls>=2,<3')") from None
        raise
    serve(max_states=args.max_states, max_seconds=args.max_seconds)
    return 0

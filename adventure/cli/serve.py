"""adventure serve --stdio [WORLD]: play a world over JSON lines on standard input and output."""

from __future__ import annotations

import argparse
import sys


def _count(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid count: {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {n}")
    return n


def _seed(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid seed: {text!r}") from None
    if not 0 <= n < 1 << 64:
        raise argparse.ArgumentTypeError(f"a seed is from 0 to 2**64-1, not {n}")
    return n


def add_arguments(p) -> None:
    p.add_argument("world", nargs="?", default=None, help="a world folder, or a shipped world's name (default: allhands)")
    p.add_argument("--stdio", action="store_true", help="serve JSON lines on standard input/output (the one transport; required)")
    p.add_argument("--seed", type=_seed, default=0, help="seed of the first episode (default 0)")
    p.add_argument("--max-steps", type=_count, default=500, metavar="N", help="steps before an episode is truncated (default 500)")
    p.add_argument("--target", metavar="ENDING", action="append",
                   help="an ending that rewards 1 (repeatable; default: every ending does)")
    p.add_argument("--max-line", type=_count, default=None, metavar="BYTES",
                   help="longest request line accepted (default 1 MiB)")
    p.add_argument("--hide-ids", action="store_true",
                   help="show options by number and label only; a step's choice is then a label (docs/api.md)")


def run(args) -> int:
    from .main import DEFAULT_WORLD
    from ..world.loader import load_world
    from ..api.serve import MAX_LINE, Server, serve_stdio

    if not args.stdio:
        print("adventure serve: say --stdio: JSON lines on standard input and output is the one transport "
              "(see docs/api.md)", file=sys.stderr)
        return 2
    world = load_world(args.world or DEFAULT_WORLD)
    server = Server(world, seed=args.seed, max_steps=args.max_steps, target=args.target,
                    max_line=args.max_line or MAX_LINE, hide_ids=args.hide_ids)
    return serve_stdio(server, sys.stdin.buffer, sys.stdout.buffer)

"""adventure play [WORLD]: the terminal player when standard input is a terminal, else plain."""

from __future__ import annotations

import argparse
import os
import sys


def add_arguments(p) -> None:
    p.add_argument("world", nargs="?", default=None, help="a world folder, or a shipped world's name (default: allhands)")
    p.add_argument("--plain", action="store_true", help="plain text on standard input/output (no terminal UI)")
    p.add_argument("--seed", type=int, default=0, help="seed for the game's random numbers (default 0)")
    p.add_argument("--saves", metavar="DIR", help="save folder (default: $ADVENTURE_SAVES, a checkout's saves/, or the user data folder)")
    p.add_argument("--no-color", action="store_true", help="no colours (NO_COLOR is respected too)")
    p.add_argument("--clock", action="store_true", help="show a clock in the toolbar")
    p.add_argument("--new", action="store_true", help="start a new game without offering to continue the last one")
    p.add_argument("--continue", dest="cont", action="store_true", help="continue from the last autosave")
    p.add_argument("--forget", action="store_true",
                   help="a new game with no memory: values the world keeps between games (persist = true) start from their defaults")
    p.add_argument("--autosave", action=argparse.BooleanOptionalAction, default=None,
                   help="autosave after every move (default: only when standard input is a terminal, so a "
                        "script never replaces your game)")
    p.add_argument("--watch", action="store_true", help="reload the world when its files change, keeping your place")
    p.add_argument("--speedrun", action="store_true", help="timed run: brief text, splits, a verifiable replay")
    p.add_argument("--category", default=None, help="speedrun category: any, all, or an ending id (default any; "
                                                     "only with --speedrun)")
    p.add_argument("--livesplit", nargs="?", const="", metavar="HOST:PORT",
                   help="with --speedrun: drive LiveSplit through its TCP server (Control > Start TCP Server; "
                        "default 127.0.0.1:16834): start, splits, game time, reset")
    p.add_argument("--livesplit-ws", nargs="?", const="", metavar="HOST:PORT",
                   help="with --speedrun: listen for LiveSplit One (in its Settings, connect to server "
                        "ws://127.0.0.1:16835, the default) and drive it the same way")
    p.add_argument("--screen-reader", action="store_true",
                   help="output for screen readers: linear text, no toolbar or colour, titles as written "
                        "(also ADVENTURE_SCREEN_READER=1, and TERM=dumb)")


def screen_reader(args) -> bool:
    """--screen-reader, else ADVENTURE_SCREEN_READER (1, yes, true; 0, no, false turn it off even
    for a dumb terminal), else on for TERM=dumb, where the terminal player cannot draw."""
    if args.screen_reader:
        return True
    env = os.environ.get("ADVENTURE_SCREEN_READER", "").strip().lower()
    if env in ("1", "yes", "true", "on"):
        return True
    if env in ("0", "no", "false", "off"):
        return False
    return os.environ.get("TERM") == "dumb"


def run(args) -> int:
    if args.category is not None and not args.speedrun:
        print("adventure play: --category names a speedrun's category: use it with --speedrun", file=sys.stderr)
        return 2
    from .main import DEFAULT_WORLD
    from ..world.loader import load_world
    from ..play.saves import save_dir
    from ..play.session import Session

    live = args.livesplit is not None or args.livesplit_ws is not None
    if live and not args.speedrun:
        from ..core.errors import AdventureError

        which = "--livesplit" if args.livesplit is not None else "--livesplit-ws"
        raise AdventureError(f"{which} times a speedrun: add --speedrun (and --category if not any)")
    if live:  # the addresses are checked before anything is loaded; the network is imported only now
        from ..speedrun import livesplit as ls

        tcp = ls.parse_address(args.livesplit, ls.LIVESPLIT_PORT, "--livesplit") if args.livesplit is not None else None
        ws = (ls.parse_address(args.livesplit_ws, ls.LIVESPLIT_ONE_PORT, "--livesplit-ws", allow_any_port=True)
              if args.livesplit_ws is not None else None)
    world = load_world(args.world or DEFAULT_WORLD)
    # the world lives as long as this process: keep the garbage collector from walking its objects
    # again and again (after a big world's load, the first collection alone took 50 ms)
    import gc

    gc.freeze()
    link = None
    if args.speedrun:
        from ..speedrun.session import SpeedrunSession, parse_category

        parse_category(world, args.category)  # a wrong category is said before any link is opened
        if live:
            links = []
            if tcp is not None:
                links.append(ls.LiveSplitClient(tcp))
                links[-1].wait()  # at most a second or so, before the run: its outcome opens the game
            if ws is not None:
                links.append(ls.LiveSplitOneServer(ws))
            link = ls.Links(links)
        try:
            session = SpeedrunSession(world, save_dir(args.saves), seed=args.seed, category=args.category, link=link)
        except BaseException:
            if link is not None:
                link.close(0)
            raise
        args.new, args.cont = True, False
    else:
        # a script (standard input not a terminal) plays without autosaving unless asked: it must
        # not replace the game a player left
        autosave = args.autosave if args.autosave is not None else sys.stdin.isatty()
        session = Session(world, save_dir(args.saves), seed=args.seed, autosave=autosave, forget=args.forget)
    reader = screen_reader(args)
    try:
        if not (args.plain or reader) and sys.stdin.isatty() and sys.stdout.isatty():
            from ..play.tui import run_tui

            color = not (args.no_color or os.environ.get("NO_COLOR"))
            return run_tui(session, color=color, clock=args.clock, resume=args.cont,
                           offer_continue=not (args.new or args.cont), watch=args.watch)
        from ..play.plain import run_plain

        return run_plain(session, resume=args.cont, watch=args.watch, reader=reader,
                         offer_continue=not (args.new or args.cont))
    finally:
        if link is not None:
            link.close()  # what is queued is sent first (at most a second a link)

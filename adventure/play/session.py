"""What a player types, and what is shown back: shared by the terminal UI and the plain player.

A Session turns a line of input (a choice or a `:command`) into a list of styled blocks
`(style, text)`. Front ends only decide how a style looks; everything else is decided here, so the
plain player and the terminal player behave the same.
"""

from __future__ import annotations

from pathlib import Path

from ..core.errors import AdventureError, ChoiceError, SaveError
from ..core.expr import explain
from ..core.model import Env, World
from ..core.narration import Block, choice_blocks, event_blocks
from ..core.text import clean
from .game import Game, typed_number
from .saves import Gallery, list_saves, load_game, slot_path, write_save

__all__ = ["Session", "COMMANDS"]

COMMANDS = {
    ":help": "list these commands",
    ":save": ":save [NAME]  save the game (default name: quicksave)",
    ":load": ":load [NAME]  load a save (default: quicksave)",
    ":saves": "list the saves of this world",
    ":undo": "take back the last move (as far back as the start)",
    ":restart": "start the world again from the beginning",
    ":endings": "the endings you have seen in this world",
    ":state": "show every flag and counter (for authors)",
    ":why": ":why N  say which part of greyed-out choice N's condition is false",
    ":quit": "save and leave (Ctrl-D does the same)",
}


END_INFO: Block = ("info", "The end. :restart to play again, :endings to see what you have found, :quit to leave.")


def _fmt(v) -> str:
    return ("true" if v else "false") if isinstance(v, bool) else str(v)


class Session:
    """A player's session with one world: the game, its saves, its gallery, and the commands."""

    def __init__(self, world: World, saves_root: Path, seed: int = 0, autosave: bool = True):
        self.world = world
        self.saves_root = Path(saves_root)
        self.game = Game(world, seed)
        self.autosave = autosave
        self.gallery = Gallery(self.saves_root, world)
        self.done = False

    # -- what to show
    def opening(self, resume: bool = False) -> list[Block]:
        """The first screen: a new game, or (resume=True) the last autosave if it loads."""
        if resume:
            try:
                return self.resume()
            except AdventureError as e:
                return [("error", str(e))] + event_blocks(self.game.opening) + self.choice_blocks()
        return event_blocks(self.game.opening) + self.choice_blocks()

    def resume(self) -> list[Block]:
        """Load the autosave. A damaged one is moved aside (never overwritten) and SaveError raised."""
        path = slot_path(self.saves_root, self.world, "autosave")
        try:
            report = load_game(path, self.world)
        except SaveError as e:
            if path.is_file():
                aside = path.with_name("autosave.damaged.json")
                try:
                    path.replace(aside)
                    raise SaveError(f"{e} (kept as {aside.name}; starting a new game)") from None
                except OSError:
                    pass
            raise
        self.game = report.game
        out = [("info", f"Continuing from your autosave, move {len(self.game.log)}.")]
        if report.note:
            out.append(("info", report.note))
        return out + self.here()

    def here(self) -> list[Block]:
        return event_blocks(self.game.describe()) + self.choice_blocks()

    def choice_blocks(self) -> list[Block]:
        if self.game.over:
            return [END_INFO]
        return choice_blocks(self.game.options(), self.game.state.values)

    def labels(self) -> list[str]:
        """The enabled choices' labels as shown (control and bidi characters removed)."""
        vals = self.game.state.values
        return [clean(o.choice.say.render(vals)) for o in self.game.options() if o.enabled]

    def can_continue(self) -> bool:
        try:
            return slot_path(self.saves_root, self.world, "autosave").is_file()
        except SaveError:
            return False

    # -- live reload (`play --watch`)
    def world_files(self) -> dict[str, tuple[float, int]]:
        """A snapshot of the world's files, to notice edits."""
        root = Path(self.world.path)
        out = {}
        for p in [root / "world.toml", *sorted((root / "rooms").rglob("*.toml"))]:
            try:
                st = p.stat()
                out[str(p)] = (st.st_mtime, st.st_size)
            except OSError:
                pass
        return out

    def reload(self) -> list[Block]:
        """Load the world again and replay the moves so far on it. On any problem, say so and play
        on with the version already loaded."""
        from ..world.loader import load_world
        from ..core.errors import WorldError

        try:
            world = load_world(self.world.path)
        except WorldError as e:
            return ([("error", f"The world has {len(e.problems)} problem(s); still playing the last version that loaded:")]
                    + [("error", "  " + str(p)) for p in e.problems[:20]])
        game = Game(world, self.game.seed)
        try:
            game.load_log(self.game.log)
        except ChoiceError as e:
            return [("error", f"Reloaded, but your moves no longer play on it ({e}); still playing the last version.")]
        self.world = world
        self.game = game
        self.gallery = Gallery(self.saves_root, world)
        return [("info", f"Reloaded {world.title}; replayed {len(game.log)} move(s).")] + self.here()

    # -- input
    def handle(self, line: str) -> list[Block]:
        line = line.strip()
        if not line:
            return []
        if line.startswith(":"):
            return self.command(line)
        try:
            cid = self.game.resolve(line)
            events = self.game.choose(cid)
        except ChoiceError as e:
            return [("error", str(e))]
        out = event_blocks(events)
        if self.game.over:
            try:
                if self.gallery.record(self.game.state.ending):
                    out.append(("info", "A new ending for your gallery (:endings)."))
            except SaveError as e:
                out.append(("error", str(e)))
        out.extend(self._autosave())
        return out + self.choice_blocks()

    def _autosave(self) -> list[Block]:
        if not self.autosave:
            return []
        try:
            write_save(self.saves_root, self.game, "autosave")
        except SaveError as e:
            return [("error", f"autosave failed: {e}")]
        return []

    def command(self, line: str) -> list[Block]:
        name, _, arg = line.partition(" ")
        arg = arg.strip()
        name = name.lower()
        if name not in COMMANDS:
            from ..core.suggest import did_you_mean

            s = did_you_mean(name, COMMANDS)
            return [("error", f"unknown command {name}" + (f"; did you mean {s}?" if s else "; :help lists them"))]
        try:
            return getattr(self, "cmd_" + name[1:])(arg)
        except AdventureError as e:
            return [("error", str(e))]

    def cmd_help(self, arg: str) -> list[Block]:
        rows = [("info", f"{k:<9} {v.split('  ')[-1]}") for k, v in COMMANDS.items()]
        return [("info", "Type a choice's number or part of its label. Commands:")] + rows

    def cmd_save(self, arg: str) -> list[Block]:
        slot = arg or "quicksave"
        path = write_save(self.saves_root, self.game, slot)
        return [("info", f"Saved as {slot!r} ({path}).")]

    def cmd_load(self, arg: str) -> list[Block]:
        slot = arg or "quicksave"
        report = load_game(slot_path(self.saves_root, self.world, slot), self.world)
        self.game = report.game
        out = [("info", f"Loaded {slot!r}, move {len(self.game.log)}.")]
        if report.note:
            out.append(("info", report.note))
        return out + self.here()

    def cmd_saves(self, arg: str) -> list[Block]:
        rows = list_saves(self.saves_root, self.world)
        if not rows:
            return [("info", f"No saves yet for this world (they go in {self.saves_root / self.world.id}).")]
        out = [("info", "Saves:")]
        for slot, doc in rows:
            if doc is None:
                out.append(("error", f"  {slot}: damaged, cannot be loaded"))
            else:
                room = self.world.rooms.get(doc.get("room", ""))
                where = room.title if room else str(doc.get("room"))
                out.append(("info", f"  {slot:<12} move {len(doc['log']):>3}  {where}  {doc.get('saved_at', '')}"))
        return out

    def cmd_undo(self, arg: str) -> list[Block]:
        if not self.game.undo():
            return [("error", "Nothing to undo: this is the start.")]
        return [("info", f"Undone. Back to move {len(self.game.log)}.")] + self.here()

    def cmd_restart(self, arg: str) -> list[Block]:
        events = self.game.restart()
        return [("info", "Starting again.")] + event_blocks(events) + self.choice_blocks()

    def cmd_endings(self, arg: str) -> list[Block]:
        return [("info", f"Endings of {self.world.title}:")] + [("info", ln) for ln in self.gallery.lines()]

    def cmd_state(self, arg: str) -> list[Block]:
        s = self.game.state
        out = [("info", f"room {s.room}, turn {s.turn}")]
        for v in self.world.vars:
            out.append(("info", f"  {v.name} = {_fmt(s.values[v.index])}"))
        return out

    def cmd_why(self, arg: str) -> list[Block]:
        opts = self.game.options()
        n = typed_number(arg)
        if n is None or not 1 <= n <= len(opts):
            return [("error", f":why takes a choice number from 1 to {len(opts)}")]
        o = opts[n - 1]
        if o.enabled:
            return [("info", f"Choice {n} is available.")]
        s = self.game.state
        env = Env(s.values, s.visits, s.turn)
        parts = explain(o.choice.cond, o.choice.cond_source, env)
        return [("info", f"Choice {n} needs: {o.choice.cond_source}"),
                ("info", "False now: " + "; ".join(parts))]

    def cmd_quit(self, arg: str) -> list[Block]:
        self.done = True
        return self._autosave()

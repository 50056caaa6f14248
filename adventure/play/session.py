"""What a player types, and what is shown back: shared by the terminal UI and the plain player.

A Session turns a line of input (a choice or a `:command`) into a list of styled blocks
`(style, text)`. Front ends only decide how a style looks; everything else is decided here, so the
plain player and the terminal player behave the same.
"""

from __future__ import annotations

from pathlib import Path

from ..core.errors import AdventureError, ChoiceError, SaveError
from ..core.expr import explain
from ..core.engine import label, persistent_values, reason
from ..core.model import World
from ..core.narration import Block, choice_blocks, event_blocks
from ..core.text import clean
from .game import Game, NotAvailable, typed_number
from .saves import (Gallery, Memory, TooNew, autosave_path, keep_aside, list_saves, load_game, open_saves, read_save,
                    slot_path, world_dir, write_autosave, write_save, WorldChanged)

__all__ = ["Session", "COMMANDS"]

COMMANDS = {
    ":help": "list these commands",
    ":look": "show the room (or the ending) and its choices again",
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


# what a player may type without the colon, and the command it means
BARE_WORDS = {name[1:]: name for name in COMMANDS} | {"exit": ":quit", "?": ":help"}

END_INFO: Block = ("info", "The end. :restart to play again, :endings to see what you have found, :quit to leave.")


def _ending_of(doc: dict) -> str | None:
    """The ending a save's game is over at, or None: its recorded state says (a field the
    engine does not otherwise read, so checked here)."""
    st = doc.get("state")
    end = st.get("ending") if isinstance(st, dict) else None
    return end[:200] if isinstance(end, str) and end else None


def _fmt(v) -> str:
    return ("true" if v else "false") if isinstance(v, bool) else str(v)


class Session:
    """A player's session with one world: the game, its saves, its gallery, and the commands."""

    def __init__(self, world: World, saves_root: Path, seed: int = 0, autosave: bool = True, forget: bool = False):
        self.world = world
        self.saves_root = Path(saves_root)
        self.autosave = autosave
        self.notes = open_saves(self.saves_root, world)  # an old save folder: into the new layout
        self.memory = Memory(self.saves_root, world)  # what the last game left (persist = true)
        if forget:
            self.memory.forget()
        self.game = Game(world, seed, self.memory.values)
        self.gallery = Gallery(self.saves_root, world)
        self.done = False
        self._unsaved = False  # the game changed and the autosave does not have it yet
        self._autosave_checked = False  # the autosave already there was looked at before replacing it

    # -- what to show
    def opening(self, resume: bool = False) -> list[Block]:
        """The first screen: a new game, or (resume=True) the last autosave if it loads."""
        notes: list[Block] = [("info", n) for n in self.notes]
        self.notes = []
        if resume:
            try:
                return notes + self.resume()
            except AdventureError as e:
                return notes + [("error", str(e))] + event_blocks(self.game.opening) + self.choice_blocks()
        return notes + event_blocks(self.game.opening) + self.choice_blocks()

    def resume(self) -> list[Block]:
        """Load the autosave. One that cannot be loaded is moved aside (never overwritten, never
        deleted) and SaveError raised, saying where it went."""
        path = autosave_path(self.saves_root, self.world)
        try:
            report = load_game(path, self.world)
        except SaveError as e:
            self._autosave_checked = True
            if path.is_file():
                raise SaveError(f"{e} ({self._set_aside(path, e)}; starting a new game)") from None
            raise
        self._autosave_checked = True
        self.game = report.game
        out = [("info", f"Continuing from your autosave, move {len(self.game.log)}.")]
        if report.note:
            out.append(("info", report.note))
        return out + self.here()

    def _set_aside(self, path: Path, why: SaveError) -> str:
        """Keep an autosave this engine cannot use under a new name; if even that fails, stop
        autosaving rather than write over it. Says which, for the player."""
        try:
            reason = "newer" if isinstance(why, TooNew) else "outdated" if isinstance(why, WorldChanged) else "damaged"
            aside = keep_aside(path, reason)
        except OSError as e:
            self.autosave = False
            return (f"it could not be moved aside ({e.strerror or e}), so autosave is off for this game "
                    f"and {path} stays as it is")
        return f"kept as {aside.name} in {aside.parent}"

    def _check_old_autosave(self) -> list[Block]:
        """Before the first autosave replaces the file: if what is there cannot be read (damaged, or
        from a newer engine), keep it aside instead of writing over it."""
        self._autosave_checked = True
        path = autosave_path(self.saves_root, self.world)
        if not path.is_file():
            return []
        try:
            read_save(path)
        except SaveError as e:
            return [("error", f"The autosave already here cannot be read by this engine: {e} "
                              f"({self._set_aside(path, e)}).")]
        return []

    def here(self) -> list[Block]:
        return event_blocks(self.game.describe()) + self.choice_blocks()

    def choice_blocks(self) -> list[Block]:
        if self.game.over:
            return [END_INFO]
        return choice_blocks(self.game.options(), self.game.state)

    def labels(self) -> list[str]:
        """The enabled choices' labels as shown (control and bidi characters removed)."""
        s = self.game.state
        return [clean(label(s, o.choice)) for o in self.game.options() if o.enabled]

    def can_continue(self) -> bool:
        """Whether there is a game to offer to continue: an autosave, not one finished at an
        ending (one that cannot be read is offered: continuing says what is wrong and keeps it)."""
        return self.saved_game() is not None

    def saved_game(self) -> tuple[str, int] | None:
        """Where the autosave left off, as (room title, moves), for the continue question; None
        when there is no autosave, or its game is over; ("", 0) when it cannot be read."""
        path = autosave_path(self.saves_root, self.world)
        if not path.is_file():
            return None
        try:
            doc = read_save(path)
        except SaveError:
            return ("", 0)
        if _ending_of(doc) is not None:
            return None
        room = self.world.rooms.get(doc.get("room", ""))
        return (room.title if room else "", len(doc["log"]))

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
            return self.refused(line, e)
        out = event_blocks(events)
        if self.memory.names:
            try:
                self.memory.remember(persistent_values(self.world, self.game.state))
            except SaveError as e:
                out.append(("error", str(e)))
        if self.game.over:
            try:
                if self.gallery.record(self.game.state.ending):
                    out.append(("info", "A new ending for your gallery (:endings)."))
            except SaveError as e:
                out.append(("error", str(e)))
        out.extend(self._changed())
        return out + self.choice_blocks()

    def refused(self, line: str, e: ChoiceError) -> list[Block]:
        """What to say when a line is not a move: why a greyed-out choice cannot be taken, the
        command meant by a word typed without its colon, or the engine's message."""
        if isinstance(e, NotAvailable):
            return [("error", str(e) + ".")] + self._why(e.number, "It")
        word, _, rest = line.strip().partition(" ")
        cmd = BARE_WORDS.get(word.lower())
        if cmd is not None and not self.game.names_a_choice(line):
            typed = f"{cmd} {clean(rest.strip())}".rstrip()
            return [("error", f"{clean(word)!r} is not a choice here. Commands start with a colon: type {typed}"
                              + ("" if cmd == ":help" else " (:help lists them all)") + ".")]
        return [("error", str(e))]

    def _changed(self) -> list[Block]:
        """The game moved (a choice, undo, load or restart): bring the autosave up to date, so that
        after a crash the game is where the player left it."""
        self._unsaved = True
        return self._autosave()

    def _autosave(self) -> list[Block]:
        if not self.autosave:
            return []
        out = [] if self._autosave_checked else self._check_old_autosave()
        if not self.autosave:  # what was there could not be kept aside: leave it be
            return out
        try:
            write_autosave(self.saves_root, self.game)
            self._unsaved = False
        except SaveError as e:
            out.append(("error", f"autosave failed: {e}"))
        return out

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

    def cmd_look(self, arg: str) -> list[Block]:
        return self.here()

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
        return out + self._changed() + self.here()

    def cmd_saves(self, arg: str) -> list[Block]:
        rows = list_saves(self.saves_root, self.world)
        if not rows:
            return [("info", f"No saves yet for this world (they go in {world_dir(self.saves_root, self.world) / 'slots'}).")]
        out = [("info", f"Saves (in {world_dir(self.saves_root, self.world) / 'slots'}):")]
        for e in rows:
            if e.doc is None:
                out.append(("error", f"  {e.slot}: cannot be loaded: {e.problem}"))
            else:
                room = self.world.rooms.get(e.doc.get("room", ""))  # checked: a string if there
                where = room.title if room else str(e.doc.get("room"))
                end = _ending_of(e.doc)
                if end is not None:
                    ending = next((x for x in self.world.endings if x.id == end), None)
                    where = "ending: " + (ending.title if ending else end)
                out.append(("info", f"  {e.slot:<12} move {len(e.doc['log']):>3}  {where}  {e.doc.get('saved_at', '')}"))
        return out

    def cmd_undo(self, arg: str) -> list[Block]:
        if not self.game.undo():
            return [("error", "Nothing to undo: this is the start.")]
        return [("info", f"Undone. Back to move {len(self.game.log)}.")] + self._changed() + self.here()

    def cmd_restart(self, arg: str) -> list[Block]:
        events = self.game.restart(self.memory.values)
        return [("info", "Starting again.")] + self._changed() + event_blocks(events) + self.choice_blocks()

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
        return self._why(n, f"Choice {n}")

    def _why(self, n: int, name: str) -> list[Block]:
        """Why choice `n` is greyed out: its condition, and the parts of it that are false now."""
        o = self.game.options()[n - 1]
        if o.enabled:
            return [("info", f"Choice {n} is available.")]
        s = self.game.state
        out = []
        why = reason(s, o.choice)
        if why:  # the author's words first; the condition only as a pointer
            out.append(("info", f"{name}: {clean(why)}"))
            if o.choice.cond is not None:
                out.append(("info", f"(its condition: {o.choice.cond_source})"))
            return out
        if o.choice.cond is not None:
            parts = explain(o.choice.cond, o.choice.cond_source, s)
            if parts:
                out.append(("info", f"{name} needs: {o.choice.cond_source}"))
                out.append(("info", "False now: " + "; ".join(parts)))
        return out or [("info", f"{name} is not available now.")]

    def cmd_quit(self, arg: str) -> list[Block]:
        self.done = True
        # every change was autosaved as it happened: write only what a failed autosave missed, so
        # leaving a game that has not moved never replaces the one saved before
        return self._autosave() if self._unsaved else []

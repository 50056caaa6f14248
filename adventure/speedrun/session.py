"""Speedrun mode: three clocks, splits, a replay written as you play, practice marking.

Clocks: moves (proved by the replay), in-game time (time spent at the prompt, so the speed of
printing and of the machine does not count) and real time (wall clock since the run began).
"""

from __future__ import annotations

import time
from pathlib import Path

from ..core.engine import RoomEntered, start, step
from ..core.errors import AdventureError, ChoiceError, ReplayError, SaveError
from ..core.model import World
from .replay import AIDS as PRACTICE_AIDS, ReplayWriter, Splits, replay_dir
from ..core.narration import Block, event_blocks
from ..play.session import Session

__all__ = ["SpeedrunSession", "parse_category", "fmt_time"]


def parse_category(world: World, category: str | None) -> str:
    """'any', 'all' or 'ending:<id>' (a bare ending id is accepted too). Raises AdventureError."""
    c = (category or "any").strip()
    ids = [e.id for e in world.endings]
    if c in ("any", "all"):
        return c
    if c.startswith("ending:"):
        c = c.split(":", 1)[1]
    if c in ids:
        return f"ending:{c}"
    from ..core.suggest import did_you_mean

    s = did_you_mean(c, ids)
    raise AdventureError(f"unknown speedrun category {category!r}: use any, all, or an ending id"
                         + (f" (did you mean {s!r}?)" if s else f" ({', '.join(ids)})"))


def fmt_time(t: float) -> str:
    m, s = divmod(max(0.0, t), 60)
    return f"{int(m)}:{s:06.3f}"


class SpeedrunSession(Session):
    """A Session that times itself and records every move to a replay.

    The replay file appears with the run's first move (a run abandoned before it leaves nothing),
    but the saves folder is tried when the run starts: if it cannot be written (full, read-only,
    not a folder) the constructor raises ReplayError naming it, before anything is played. If
    writing fails later, the player is told that the run is no longer recorded and plays on.

    `link`, if given, is told about the run as it happens (speedrun.livesplit: LiveSplit and
    LiveSplit One): `link.event(kind, t)` with kind "start" (a new run), "prompt" and "unprompt"
    (the in-game clock starts and stops, at `t`) and "split" (at in-game time `t`); its
    `notes()` are shown to the player and its `status()` on the toolbar. It never blocks."""

    def __init__(self, world: World, saves_root: Path, seed: int = 0, category: str = "any", clock=time.monotonic,
                 link=None):
        super().__init__(world, saves_root, seed, autosave=False)
        self.category = parse_category(world, category)
        self.clock = clock
        self.seed = seed
        self.writer: ReplayWriter | None = None
        self.last_replay: Path | None = None
        self.not_recorded: str | None = None
        self.link = None
        try:
            self.new_run()
        except ReplayError as e:
            raise ReplayError(f"{e}; nothing was played. Give a folder you can write with --saves DIR "
                              "(or free some space) and start again") from None
        self.link = link
        self._live("start")

    # -- the run
    def new_run(self) -> None:
        """Start a new run (abandoning the one under way). Raises ReplayError if its replay cannot be
        created; the run is then set up but not recorded."""
        if self.writer is not None and self.finished is None:
            self.writer.abandon()
        self.writer = None
        self.game.restart()
        self.t0 = self.clock()
        self._live("start")
        self.game_time = 0.0
        self._prompt_at: float | None = None
        self.practice = False
        self.endings: list[str] = []
        self.splits = Splits(self.world)
        self.moves = 0
        self.read = {self.world.start}  # rooms whose text was shown in this run (brief mode)
        self.finished: tuple[float, float] | None = None
        self.not_recorded = None
        stamp = time.strftime("%Y%m%d-%H%M%S")
        folder = replay_dir(self.saves_root, self.world)
        name = f"{stamp}-{self.category.replace(':', '-')}"
        path = folder / f"{name}.jsonl"
        k = 1
        while path.exists():
            k += 1
            path = folder / f"{name}-{k}.jsonl"
        try:
            self.writer = ReplayWriter(path, self.world, self.game.seed, self.category, lazy=True)
        except (ReplayError, FileExistsError) as e:
            self.not_recorded = str(e)
            raise ReplayError(str(e)) from None

    def _record(self, what: str, *args) -> list[Block]:
        """Call the replay writer's `what`. On failure, say once that the run is no longer
        recorded, and play on."""
        if self.writer is None:
            return []
        try:
            getattr(self.writer, what)(*args)
            return []
        except ReplayError as e:
            self.writer = None
            self.not_recorded = str(e)
            return [("error", f"{e}. This run is NOT being recorded from here on: play on for practice, "
                              "or free some space (or use --saves DIR) and :restart for a recorded run.")]

    def _live(self, kind: str, t: float = 0.0) -> None:
        if self.link is not None:
            self.link.event(kind, t)

    def link_notes(self) -> list[Block]:
        """What the live timers have to say (connected, lost...), one block a note."""
        return [] if self.link is None else [(style, text) for style, text in self.link.notes()]

    def prompt_started(self) -> None:
        if self.finished is None:
            self._prompt_at = self.clock()
            self._live("prompt", self.game_time)

    def prompt_ended(self) -> None:
        if self._prompt_at is not None:
            self.game_time += self.clock() - self._prompt_at
            self._prompt_at = None
            self._live("unprompt", self.game_time)

    def t_game(self) -> float:
        if self.finished:
            return self.finished[0]
        extra = self.clock() - self._prompt_at if self._prompt_at is not None else 0.0
        return self.game_time + extra

    def t_real(self) -> float:
        return self.finished[1] if self.finished else self.clock() - self.t0

    def timer_text(self) -> str:
        flag = "  PRACTICE" if self.practice else ""
        done = "  FINISHED" if self.finished else ""
        off = "  NOT RECORDED" if self.writer is None and not self.finished else ""
        live = self.link.status() if self.link is not None else ""
        return (f"{self.category}  moves {self.moves}  "
                f"IGT {fmt_time(self.t_game())}  RTA {fmt_time(self.t_real())}{flag}{done}{off}{live}")

    # -- what is shown: brief mode (a room's text only on its first entry in the run)
    def opening(self, resume: bool = False) -> list[Block]:
        return [("info", f"Speedrun: {self.category}. The clock runs while you are at the prompt. "
                         ":restart starts a new run.")] + self.link_notes() + super().opening(False)

    # -- input
    def handle(self, line: str) -> list[Block]:
        out = self._handle(line)
        return out + self.link_notes() if self.link is not None else out

    def _handle(self, line: str) -> list[Block]:
        line = line.strip()
        if not line:
            return []
        if line.startswith(":"):
            name = line.split()[0].lower()
            if name == ":restart":
                try:
                    self.new_run()
                    out = [("info", "New run.")]
                except ReplayError as e:
                    out = [("error", f"{e}. This run is NOT being recorded: fix that and :restart.")]
                return out + event_blocks(self.game.opening) + self.choice_blocks()
            if name in PRACTICE_AIDS and self.finished is None:
                return self._aid(name, line)
            return super().handle(line)
        if self.finished is not None:
            return [("error", "The run is over: :restart for a new one, :quit to leave.")]
        try:
            cid = self.game.resolve(line)
            events = self.game.choose(cid)
        except ChoiceError as e:
            return self.refused(line, e)
        tg, tr = self.t_game(), self.t_real()
        out = self._moved(cid, events, tg, tr)
        shown = []
        for ev in events:
            if isinstance(ev, RoomEntered):
                if ev.room in self.read:  # brief: a room's text once a run, whatever the leg
                    ev = RoomEntered(ev.room, ev.title, "")
                self.read.add(ev.room)
            shown.append(ev)
        blocks = [b for b in event_blocks(shown) if b != ("text", "")] + out
        if self.game.over:
            return blocks + self._ending(tg, tr)
        return blocks + self.choice_blocks()

    def _moved(self, cid: str, events, tg: float, tr: float) -> list[Block]:
        """Record a move and the splits it takes."""
        self.moves += 1
        out = self._record("move", cid, self.game.state.hash(), tg, tr)
        names, self._first = self.splits.take(events)
        for name in names:
            out += self._split(name, tg, tr)
        return out

    def _split(self, name: str, tg: float, tr: float) -> list[Block]:
        self._live("split", tg)
        return self._record("split", name, tg, tr)

    def _ending(self, tg: float, tr: float) -> list[Block]:
        """The game has reached an ending: the next one of the `all` category, or the end of the run."""
        ending = self.game.state.ending
        self.endings.append(ending)
        out: list[Block] = []
        try:
            self.gallery.record(ending)
        except SaveError as e:
            out.append(("error", str(e)))  # the run goes on; its replay is what matters
        if self.category == "all" and not all(e.id in self.endings for e in self.world.endings):
            out += self._record("restart", tg, tr, "next")
            left = sum(1 for e in self.world.endings if e.id not in self.endings)
            self.game.restart()
            self.splits.reset()
            here = [b for b in self.here() if b[0] != "text"]  # brief: the start room was read
            return out + [("info", f"{left} ending(s) to go. Back to the start.")] + here
        return out + self._finish(ending, tg, tr)

    def _aid(self, name: str, line: str) -> list[Block]:
        """Undo, load and the author's aids make this a practice run, with a line in the replay
        saying so. The replay stays verifiable: after an undo or a load it records a restart and
        the moves that lead to where the player now is."""
        before, game = list(self.game.log), self.game
        out = super().handle(line)
        if self.game.seed != self.seed:  # its moves would not replay from this run's start
            other, self.game = self.game.seed, game
            return [("error", f"that save was played with seed {other}, this run with seed {self.seed}: "
                              "it cannot be loaded into this run")]
        tg, tr = self.t_game(), self.t_real()
        self.practice = True
        rec = self._record("aid", name, tg, tr)
        if self.game.log != before:
            rec += self._record("restart", tg, tr, "practice")
            state = start(self.world, self.seed).state
            for m in self.game.log:
                o = step(self.world, state, m)
                state = o.state
                self.moves += 1
                rec += self._record("move", m, state.hash(), tg, tr)
                for split in self.splits.take(o.events)[0]:
                    rec += self._split(split, tg, tr)
            if self.game.over:
                return out + rec + self._ending(tg, tr)
        return out + rec

    def _finish(self, ending: str, tg: float, tr: float) -> list[Block]:
        self.finished = (tg, tr)
        self._prompt_at = None
        out = self._record("finish", ending, tg, tr, list(self.endings))
        if self.writer is not None and not out:
            self.last_replay = self.writer.path
        verdict = "PRACTICE (not a record)" if self.practice else "a clean run"
        where = (f"Replay: {self.last_replay}" if self.writer is not None and not out else
                 "It was not recorded: no replay.")
        return out + [("ending", f"Run complete: {self.moves} moves, in-game {fmt_time(tg)}, real {fmt_time(tr)}"),
                      ("info", f"This was {verdict}. {where}"),
                      ("info", ":restart for another run, :quit to leave.")]

    def cmd_quit(self, arg: str) -> list[Block]:
        self.done = True
        if self.writer is not None and self.finished is None:
            self.writer.abandon()
        return []

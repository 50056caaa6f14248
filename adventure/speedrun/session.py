"""Speedrun mode: three clocks, splits, a replay written as you play, practice marking.

Clocks: moves (proved by the replay), in-game time (time spent at the prompt, so the speed of
printing and of the machine does not count) and real time (wall clock since the run began).
"""

from __future__ import annotations

import time
from pathlib import Path

from ..core.engine import RoomEntered, start, step
from ..core.errors import AdventureError, ChoiceError, SaveError
from ..core.model import World
from .replay import ReplayWriter, replay_dir
from ..core.narration import Block, event_blocks
from ..play.session import Session

__all__ = ["SpeedrunSession", "parse_category", "fmt_time"]

PRACTICE_AIDS = (":undo", ":load", ":state", ":why")


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
    """A Session that times itself and records every move to a replay."""

    def __init__(self, world: World, saves_root: Path, seed: int = 0, category: str = "any", clock=time.monotonic):
        super().__init__(world, saves_root, seed, autosave=False)
        self.category = parse_category(world, category)
        self.clock = clock
        self.split_rooms = {r.id for r in world.rooms.values() if r.split}
        self.writer: ReplayWriter | None = None
        self.last_replay: Path | None = None
        self.new_run()

    # -- the run
    def new_run(self) -> None:
        if self.writer is not None and self.finished is None:
            self.writer.abandon()
        self.game.restart()
        self.t0 = self.clock()
        self.game_time = 0.0
        self._prompt_at: float | None = None
        self.practice = False
        self.endings: list[str] = []
        self.seen = {self.world.start}  # rooms entered in this leg (splits; `all` restarts a leg)
        self.read = {self.world.start}  # rooms whose text was shown in this run (brief mode)
        self.finished: tuple[float, float] | None = None
        stamp = time.strftime("%Y%m%d-%H%M%S")
        folder = replay_dir(self.saves_root, self.world)
        name = f"{stamp}-{self.category.replace(':', '-')}"
        path = folder / f"{name}.jsonl"
        k = 1
        while path.exists():
            k += 1
            path = folder / f"{name}-{k}.jsonl"
        self.writer = ReplayWriter(path, self.world, self.game.seed, self.category)

    def prompt_started(self) -> None:
        if self.finished is None:
            self._prompt_at = self.clock()

    def prompt_ended(self) -> None:
        if self._prompt_at is not None:
            self.game_time += self.clock() - self._prompt_at
            self._prompt_at = None

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
        return (f"{self.category}  moves {self.writer.moves if self.writer else 0}  "
                f"IGT {fmt_time(self.t_game())}  RTA {fmt_time(self.t_real())}{flag}{done}")

    # -- what is shown: brief mode (a room's text only on its first entry in the run)
    def opening(self, resume: bool = False) -> list[Block]:
        return [("info", f"Speedrun: {self.category}. The clock runs while you are at the prompt. "
                         ":restart starts a new run.")] + super().opening(False)

    # -- input
    def handle(self, line: str) -> list[Block]:
        line = line.strip()
        if not line:
            return []
        if line.startswith(":"):
            name = line.split()[0].lower()
            if name == ":restart":
                self.new_run()
                return [("info", "New run.")] + event_blocks(self.game.opening) + self.choice_blocks()
            if name in PRACTICE_AIDS and self.finished is None:
                before = list(self.game.log)
                out = super().handle(line)
                self._mark_practice(before)
                return out
            return super().handle(line)
        if self.finished is not None:
            return [("error", "The run is over: :restart for a new one, :runs for your bests.")]
        try:
            cid = self.game.resolve(line)
            events = self.game.choose(cid)
        except ChoiceError as e:
            return self.refused(line, e)
        tg, tr = self.t_game(), self.t_real()
        self.writer.move(cid, self.game.state.hash(), tg, tr)
        out = []
        for ev in events:
            if isinstance(ev, RoomEntered):
                first = ev.room not in self.seen
                self.seen.add(ev.room)
                if first and (not self.split_rooms or ev.room in self.split_rooms):
                    self.writer.split(ev.room, tg, tr)
                if ev.room in self.read:
                    ev = RoomEntered(ev.room, ev.title, "")
                self.read.add(ev.room)
            out.append(ev)
        blocks = [b for b in event_blocks(out) if b != ("text", "")]
        if self.game.over:
            ending = self.game.state.ending
            self.endings.append(ending)
            try:
                self.gallery.record(ending)
            except SaveError as e:
                blocks.append(("error", str(e)))  # the run goes on; its replay is what matters
            self.writer.split(f"ending:{ending}", tg, tr)
            if self.category == "all" and not all(e.id in self.endings for e in self.world.endings):
                self.writer.restart(tg, tr)
                left = sum(1 for e in self.world.endings if e.id not in self.endings)
                self.game.restart()
                self.seen = {self.world.start}
                here = [b for b in self.here() if b[0] != "text"]  # brief: the start room was read
                return blocks + [("info", f"{left} ending(s) to go. Back to the start.")] + here
            return blocks + self._finish(ending, tg, tr)
        return blocks + self.choice_blocks()

    def _mark_practice(self, before: list[str]) -> None:
        """Undo, load and the author's aids make this a practice run. The replay stays verifiable:
        it records a restart and the moves that lead to where the player now is."""
        self.practice = True
        self.writer.practice = True
        if self.game.log != before:
            tg, tr = self.t_game(), self.t_real()
            self.writer.restart(tg, tr)
            state = start(self.world, self.game.seed).state
            for m in self.game.log:
                state = step(self.world, state, m).state
                self.writer.move(m, state.hash(), tg, tr)

    def _finish(self, ending: str, tg: float, tr: float) -> list[Block]:
        self.finished = (tg, tr)
        self._prompt_at = None
        try:
            self.last_replay = self.writer.finish(ending, tg, tr, list(self.endings))
        except OSError as e:
            return [("error", f"could not finish the replay: {e}")]
        verdict = "PRACTICE (not a record)" if self.practice else "a clean run"
        return [("ending", f"Run complete: {self.writer.moves} moves, in-game {fmt_time(tg)}, real {fmt_time(tr)}"),
                ("info", f"This was {verdict}. Replay: {self.last_replay}"),
                ("info", ":restart for another run, :quit to leave.")]

    def cmd_quit(self, arg: str) -> list[Block]:
        self.done = True
        if self.writer is not None and self.finished is None:
            self.writer.abandon()
        return []


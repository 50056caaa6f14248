"""A rule-based state machine drives a session through random interleavings of choose, undo,
save, load, restart and reload, checking the engine's promises after every step."""

import shutil
import tempfile
from pathlib import Path

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule

from adventure import load_world
from adventure.core.engine import start, step
from adventure.play.session import Session

from conftest import WORLDS


class PlayerMachine(RuleBasedStateMachine):
    slots = Bundle("slots")

    def __init__(self):
        super().__init__()
        self.dir = Path(tempfile.mkdtemp())
        shutil.copytree(WORLDS / "tutorial", self.dir / "w")
        self.session = Session(load_world(self.dir / "w"), self.dir / "saves", seed=5, autosave=False)
        self.history = [self.session.game.state]  # the model: every state since the start
        self.saved = {}

    def teardown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    @property
    def game(self):
        return self.session.game

    @rule(pick=st.integers(0, 10))
    def choose(self, pick):
        enabled = [o for o in self.game.options() if o.enabled]
        if not enabled:
            return
        self.session.handle(str(self.game.options().index(enabled[pick % len(enabled)]) + 1))
        self.history.append(self.game.state)

    @rule()
    def undo(self):
        self.session.handle(":undo")
        if len(self.history) > 1:
            self.history.pop()
        assert self.game.state == self.history[-1]  # undo returns exactly the previous state

    @rule(target=slots, name=st.sampled_from(["a", "b", "c"]))
    def save(self, name):
        self.session.handle(f":save {name}")
        self.saved[name] = (self.game.state, list(self.history))
        return name

    @rule(name=slots)
    def load(self, name):
        self.session.handle(f":load {name}")
        state, hist = self.saved[name]
        assert self.game.state == state  # load returns exactly the saved state
        self.history = list(hist)

    @rule()
    def restart(self):
        self.session.handle(":restart")
        self.history = [self.history[0]]
        assert self.game.state == self.history[0]

    @rule()
    def reload(self):
        self.session.reload()
        assert self.game.state == self.history[-1]  # an unchanged world reloads to the same place

    @invariant()
    def state_is_reachable(self):
        # the state is exactly the one the engine reaches by playing the log from the start
        s = start(self.game.world, self.game.seed).state
        for m in self.game.log:
            s = step(self.game.world, s, m).state
        assert s == self.game.state
        assert len(self.game.log) == len(self.history) - 1


PlayerMachine.TestCase.settings = settings(max_examples=40, stateful_step_count=30, deadline=None)
TestPlayer = PlayerMachine.TestCase

"""A Gymnasium-style environment: programs play a world the way reinforcement-learning agents expect.

    from adventure.env import AdventureEnv
    env = AdventureEnv("tutorial", max_steps=100)
    obs, info = env.reset(seed=0)
    obs, reward, terminated, truncated, info = env.step(0)      # the first option shown
    obs, reward, terminated, truncated, info = env.step("up")   # or a choice id

It follows current Gymnasium conventions (`reset(seed=None, options=None) -> (obs, info)`,
`step(action) -> (obs, reward, terminated, truncated, info)`). Gymnasium is optional: when it can
be imported, `AdventureEnv` subclasses `gymnasium.Env` and its spaces are gymnasium spaces; when
not, it is a plain class with small stand-in spaces of the same shape. docs/api.md has the details.

- Observation: the text a player would be shown after the move (what happened, then the numbered
  options), a `str`; the space is `Text` with a charset covering every character the world's text
  and the environment's own wording can produce, and a `max_length` no observation can exceed.
- Action: `Discrete(n)`, n the largest number of choices any room has; action i is the option
  shown as number i+1 (options are the enabled and greyed-out choices, in the room's order).
  `info["action_mask"]` marks the ones that can be taken. A choice id (`str`; with `hide_ids`, a
  label) is accepted too.
- Reward: sparse: on reaching an ending, its `score` when the world gives endings scores (so an
  episode's return is its score, as in Jericho and TextWorld), else +1 for any ending; or +1 for
  `target` endings only; or a per-ending `rewards` dict; 0 otherwise; minus `step_penalty` every step.
- `terminated` when an ending is reached (or no choice is left); `truncated` after `max_steps`.
- Agent benchmarks: `info` carries score, max_score, won, lost, admissible_commands, par and
  efficiency (benchmark.py); `hide_ids=True` shows options by number and label only.
"""

from __future__ import annotations

import math
import operator
import secrets
import string
from pathlib import Path

from ..core.engine import Changed, EndingReached, Intro, Reply, RoomEntered, RuleFired
from ..core.errors import AdventureError, ChoiceError, ReplayError
from ..play.game import Game
from ..core.model import World
from ..core.rng import seed_state
from ..core.suggest import did_you_mean
from ..core.text import paragraphs
from .benchmark import (PAR_STATES, Pars, admissible, efficiency, labels_of_route, max_score, outcome,
                        resolve_label, scored, shown_choices)

try:  # optional: `pip install 'adventure[gym]'`
    import gymnasium as _gym
    import numpy as _np
except ImportError:  # pragma: no cover - exercised in a subprocess by the tests
    _gym = _np = None

__all__ = ["AdventureEnv", "EpisodeOver", "NoRoute", "HAVE_GYMNASIUM", "ENV_ID", "render_observation",
           "events_to_json", "Discrete", "Text"]

HAVE_GYMNASIUM = _gym is not None
REPLAY_CATEGORY = "any"
ENV_ID = "adventure/Adventure-v0"
STUCK_TEXT = "There is nothing you can do here."
_NUMBER = 20  # the most characters an integer slot can render: -9223372036854775807


class EpisodeOver(ChoiceError):
    """step() after the episode ended (or before the first reset)."""


class NoRoute(AdventureError):
    """walkthrough() found no route to the ending asked for."""


# ---------------------------------------------------------------- observations


def events_to_json(events, hidden: bool = False) -> list[dict]:
    """Engine events as JSON-able dicts, each with a "type": intro, reply, rule, changed, room, ending.
    Changes to variables the world declares `hidden` are left out unless `hidden=True`."""
    out = []
    for ev in events:
        if isinstance(ev, Changed) and getattr(ev, "hidden", False) and not hidden:
            continue
        if isinstance(ev, Intro):
            out.append({"type": "intro", "title": ev.title, "author": ev.author, "text": ev.text})
        elif isinstance(ev, Reply):
            out.append({"type": "reply", "text": ev.text})
        elif isinstance(ev, RuleFired):
            out.append({"type": "rule", "rule": ev.rule, "text": ev.text})
        elif isinstance(ev, Changed):
            out.append({"type": "changed", "name": ev.name, "old": ev.old, "new": ev.new})
        elif isinstance(ev, RoomEntered):
            out.append({"type": "room", "room": ev.room, "title": ev.title, "text": ev.text})
        elif isinstance(ev, EndingReached):
            out.append({"type": "ending", "ending": ev.ending, "title": ev.title, "text": ev.text})
    return out


def _para(text: str) -> str:
    return "\n\n".join(paragraphs(text))


def render_observation(events, choices: list[dict], note: str | None = None) -> str:
    """The text of an observation: the events as a player sees them, a note (for an invalid
    action), then the options numbered from 1 (`choices` as from `Game.choices()`)."""
    from ..core.narration import event_blocks

    parts = []
    for style, text in event_blocks(events):
        if style == "ending":
            parts.append(text)
        elif style in ("intro", "text", "reply"):
            p = _para(text)
            if p:
                parts.append(p)
        elif text:
            parts.append(text)
    if note:
        parts.append("! " + note)
    if choices:
        parts.append("\n".join(f"{c['index'] + 1}. {c['label']}" + ("" if c["enabled"] else " (not available)")
                               for c in choices))
    return "\n\n".join(parts)


def _templates(world: World):
    if world.intro is not None:
        yield world.intro
    for r in world.rooms.values():
        yield r.text
        for t in r.text_if:
            yield t.text
        for c in r.choices:
            yield c.say
            if c.reply is not None:
                yield c.reply
    for e in world.endings:
        yield e.text


def _text_bounds(world: World) -> tuple[frozenset, int]:
    """(charset, max_length) for observations of this world.

    Every observation is made of distinct pieces (the intro, one reply, one room's text and
    conditional paragraphs, one ending, one room's options, one change per declared name, a note),
    each at most once, so the sum of all pieces is a bound. Values render as ASCII digits, `-`,
    `true`/`false`; the environment's own words are ASCII: printable ASCII is always included.
    """
    chars = set(string.printable)
    total = 200 + len(world.title) + len(world.author) + len(STUCK_TEXT)
    for t in _templates(world):
        chars.update(t.source)
        total += len(t.source) + _NUMBER * len(t.parts) + 4
    for r in world.rooms.values():
        chars.update(r.title)
        total += len(r.title) + 4 + 24 * len(r.choices)
    for e in world.endings:
        chars.update(e.title)
        total += len(e.title) + 10
    for v in world.vars:
        total += len(v.name) + 2 * _NUMBER + 8
    chars.update(world.title)
    chars.update(world.author)
    return frozenset(chars), total + 1000  # 1000: the note of an invalid action (bounded below)


# ---------------------------------------------------------------- stand-in spaces


class Discrete:
    """`gymnasium.spaces.Discrete(n)`'s stand-in when gymnasium is not installed."""

    def __init__(self, n: int):
        import random

        self.n = int(n)
        self.start = 0
        self._rng = random.Random()

    def seed(self, seed: int | None = None) -> list:
        import random

        self._rng = random.Random(seed)
        return [seed]

    def sample(self, mask=None) -> int:
        if mask is None:
            return self._rng.randrange(self.n)
        ok = [i for i, m in enumerate(mask) if m]
        return self._rng.choice(ok) if ok else 0

    def contains(self, x) -> bool:
        try:
            i = operator.index(x)
        except TypeError:
            return False
        return 0 <= i < self.n

    __contains__ = contains

    def __repr__(self) -> str:
        return f"Discrete({self.n})"


class Text:
    """`gymnasium.spaces.Text`'s stand-in when gymnasium is not installed."""

    def __init__(self, max_length: int, *, min_length: int = 1, charset=frozenset(string.printable)):
        self.max_length = int(max_length)
        self.min_length = int(min_length)
        self.character_set = frozenset(charset)

    def contains(self, x) -> bool:
        return (isinstance(x, str) and self.min_length <= len(x) <= self.max_length
                and all(c in self.character_set for c in x))

    __contains__ = contains

    def __repr__(self) -> str:
        return f"Text({self.min_length}, {self.max_length}, charset={len(self.character_set)} characters)"


# ---------------------------------------------------------------- the environment


def _load(world) -> World:
    if isinstance(world, World):
        return world
    from ..world.loader import load_world

    return load_world(world)


def _seed(seed) -> int:
    if isinstance(seed, bool):
        raise AdventureError("a seed is a non-negative integer, not a bool")
    try:
        s = operator.index(seed)
    except TypeError:
        raise AdventureError(f"a seed is a non-negative integer, not {type(seed).__name__}") from None
    if s < 0:
        raise AdventureError(f"a seed is a non-negative integer, not {s}")
    return int(s)


def _next_seed(s: int) -> int:
    return seed_state(s) & 0xFFFF_FFFF


class _AdventureEnv:
    """A world as a Gymnasium-style environment (see the module's docstring and docs/api.md).

    `AdventureEnv` is this class, plus `gymnasium.Env` as a base when gymnasium is installed.
    """

    metadata = {"render_modes": ["ansi", "human"], "render_fps": 1}

    def __init__(self, world="allhands", *, max_steps: int | None = 500, target=None, rewards=None,
                 step_penalty: float = 0.0, invalid_action: str = "ignore", invalid_penalty: float = 0.0,
                 replay_dir=None, render_mode: str | None = None, hide_ids: bool = False,
                 par_states: int = PAR_STATES):
        """`world`: a loaded World, a world folder, or a shipped world's name.

        max_steps: steps before `truncated` (None: no limit). target: an ending id, or a list of
        them, that rewards +1 (default: an ending rewards its score if the world gives endings
        scores, else every ending rewards +1). rewards: {ending id: reward} instead (endings not
        named give 0). step_penalty: subtracted from every step's reward.
        invalid_action: "ignore" (a masked or unknown action leaves the game as it was, costs a step
        and `invalid_penalty`, and `info["invalid"]` says why) or "raise" (ChoiceError, no step
        counted). replay_dir: write every finished episode there as a replay file.
        hide_ids: show options by number and label only (info, messages, walkthroughs); a str
        action is then a label. par_states: the search budget for `info["par"]` when the par cache
        has none (0: the cache only).
        """
        self.world = w = _load(world)
        self.endings = [e.id for e in w.endings]
        if max_steps is not None:
            if isinstance(max_steps, bool) or not isinstance(max_steps, int) or max_steps < 1:
                raise AdventureError(f"max_steps is a positive integer or None, not {max_steps!r}")
        self.max_steps = max_steps
        if target is not None and rewards is not None:
            raise AdventureError("give target or rewards, not both")
        if isinstance(target, str):
            target = [target]
        if target is not None and (not isinstance(target, (list, tuple)) or not target):
            raise AdventureError("target is an ending id or a non-empty list of them")
        self.target = None if target is None else tuple(self._ending_id(t) for t in target)
        if rewards is not None:
            if not isinstance(rewards, dict):
                raise AdventureError("rewards is a dict of {ending id: number}")
            rewards = {self._ending_id(k): self._number(f"reward for {k!r}", v) for k, v in rewards.items()}
        self.rewards = rewards
        self.step_penalty = self._number("step_penalty", step_penalty)
        self.invalid_penalty = self._number("invalid_penalty", invalid_penalty)
        if invalid_action not in ("ignore", "raise"):
            raise AdventureError(f"invalid_action is 'ignore' or 'raise', not {invalid_action!r}")
        self.invalid_action = invalid_action
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise AdventureError(f"render_mode is one of {self.metadata['render_modes']} or None, not {render_mode!r}")
        self.render_mode = render_mode
        if not isinstance(hide_ids, bool):
            raise AdventureError(f"hide_ids is True or False, not {hide_ids!r}")
        self.hide_ids = hide_ids
        if isinstance(par_states, bool) or not isinstance(par_states, int) or par_states < 0:
            raise AdventureError(f"par_states is a whole number of states, 0 or more, not {par_states!r}")
        self.pars = Pars(w, par_states)
        self.max_score = max_score(w)
        self._scored = scored(w)
        self.replay_dir = Path(replay_dir) if replay_dir is not None else None
        self.n_actions = max(len(r.choices) for r in w.rooms.values())
        charset, max_length = _text_bounds(w)
        if _gym is not None:
            self.action_space = _gym.spaces.Discrete(self.n_actions)
            self.observation_space = _gym.spaces.Text(max_length, min_length=0, charset=charset)
        else:
            self.action_space = Discrete(self.n_actions)
            self.observation_space = Text(max_length, min_length=0, charset=charset)
        self.game: Game | None = None
        self.episode = 0
        self.steps = 0
        self.practice = False
        self.last_replay: Path | None = None
        self._next: int | None = None
        self._done = False
        self._obs = ""
        self._route_cache: dict = {}
        self._choices: list[dict] = []

    # -- configuration helpers
    def _ending_id(self, e) -> str:
        if not isinstance(e, str) or e not in self.endings:
            hint = did_you_mean(e[:100], self.endings) if isinstance(e, str) else None
            shown = ascii(e[:60]) if isinstance(e, str) else repr(e)[:60]
            raise AdventureError(f"no ending {shown} in world {self.world.id!r}"
                                 + (f" (did you mean {hint!r}?)" if hint else f"; endings: {', '.join(self.endings)}"))
        return e

    @staticmethod
    def _number(what: str, x) -> float:
        if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x):
            raise AdventureError(f"{what} must be a finite number, not {x!r}")
        return float(x)

    # -- the Gymnasium API
    def reset(self, *, seed: int | None = None, options: dict | None = None):
        """Start an episode. seed: the game's seed (the dice); without one, the next seed of a
        chain started by the last seed given (or by fresh entropy if none was ever given).
        options: {"state": a get_state() dict} starts the episode from that state instead."""
        if seed is not None:
            seed = _seed(seed)
        self._seed_np(seed)
        if options is not None and not isinstance(options, dict):
            raise AdventureError("options is a dict or None")
        options = dict(options or {})
        state = options.pop("state", None)
        if options:
            raise AdventureError(f"unknown reset option(s): {', '.join(map(str, options))} (known: state)")
        if seed is None:
            seed = self._next if self._next is not None else secrets.randbits(32)
        self._next = _next_seed(seed)
        self.episode += 1
        self.game = Game(self.world, seed)
        self.steps = 0
        self.practice = False
        self.last_replay = None
        self._refresh()
        self._done = self._stuck()
        if state is not None:
            return self.set_state(state)  # if it raises, the episode starts from the seed as usual
        obs = self._observe(self.game.events)
        return obs, self._info(self.game.events)

    def step(self, action):
        """Take an action: an int (option index, as shown, from 0) or a choice id (str; a label with
        `hide_ids`)."""
        g = self.game
        if g is None:
            raise EpisodeOver("call reset() before step()")
        if self._done:
            raise EpisodeOver("the episode is over; call reset() to start another")
        cid, invalid = self._resolve(action)
        if invalid is not None and self.invalid_action == "raise":
            raise ChoiceError(invalid)
        self.steps += 1
        reward = 0.0 - self.step_penalty
        if invalid is not None:
            events: tuple = ()
            reward -= self.invalid_penalty
        else:
            events = g.choose(cid)
            self._refresh()
            if g.state.ending is not None:
                reward += self._ending_reward(g.state.ending)
        terminated = g.over or self._stuck()
        truncated = not terminated and self.max_steps is not None and self.steps >= self.max_steps
        self._done = terminated or truncated
        info = self._info(events, invalid)
        if self._done and self.replay_dir is not None:
            try:
                self.last_replay = self._auto_replay()
                info["replay"] = str(self.last_replay)
            except ReplayError as e:  # the move stands; say why there is no replay
                info["replay_error"] = str(e)
        return self._observe(events, invalid), reward, terminated, truncated, info

    def render(self):
        if self.render_mode == "ansi":
            return self._obs
        if self.render_mode == "human":
            print(self._obs)
        return None

    def close(self) -> None:
        pass

    def _seed_np(self, seed) -> None:  # gymnasium's np_random; see AdventureEnv below
        pass

    # -- reading
    @property
    def done(self) -> bool:
        """True once the episode has terminated or been truncated."""
        return self._done

    def choices(self) -> list[dict]:
        """The options shown now (index, id, label, enabled; no id with `hide_ids`)."""
        self._game()
        return shown_choices(self._choices, self.hide_ids)

    def action_mask(self):
        """1 for each action that can be taken now, 0 otherwise (numpy int8 with gymnasium)."""
        mask = [0] * self.n_actions
        if not self._done:
            for c in self._choices:
                if c["enabled"]:
                    mask[c["index"]] = 1
        return _np.array(mask, dtype=_np.int8) if _np is not None else mask

    def admissible_commands(self) -> list[str]:
        """The commands that can be given now (TextWorld's name for them): the available choices'
        ids, or their labels with `hide_ids`; none once the episode is over."""
        self._game()
        return [] if self._done else admissible(self._choices, self.hide_ids)

    def state_hash(self) -> str:
        return self._game().state_hash()

    def get_state(self) -> dict:
        """The episode as a JSON-able dict (Game.get_state() plus the step count)."""
        doc = self._game().get_state()
        doc["env"] = {"steps": self.steps}
        return doc

    def set_state(self, doc: dict):
        """Restore a get_state() dict exactly (the game's dice included); returns (obs, info).

        The episode goes on from there: `steps` is restored too, and a replay of it is marked as
        practice (its moves are still proved from the start)."""
        g = Game(self.world, 0)
        g.set_state(doc)  # raises SaveError, leaving this environment as it was
        env = doc.get("env") if isinstance(doc.get("env"), dict) else {}
        steps = env.get("steps")
        if isinstance(steps, bool) or not isinstance(steps, int) or steps < len(g.log):
            steps = len(g.log)
        if self.game is None:
            self.episode += 1
            self._next = _next_seed(g.seed)
        self.game = g
        self._refresh()
        self.steps = steps
        self.practice = True
        terminated = g.over or self._stuck()
        self._done = terminated or (self.max_steps is not None and steps >= self.max_steps)
        events = g.describe()
        return self._observe(events), self._info(events)

    # -- routes
    def walkthrough(self, ending: str | None = None, *, from_here: bool = False,
                    max_states: int = 1_000_000) -> list:
        """A shortest list of choice ids reaching `ending` (default: the nearest rewarded one) with
        this episode's seed, from the start of the episode, or from the current state with
        `from_here=True`. Found by adventure.routes' A* search over the engine's states, with at
        most `max_states` states expanded per ending; raises NoRoute if it is not found (saying
        whether it was proved unreachable). With `hide_ids`, the moves are labels (or an option
        index, where an earlier option has the same label): what step() takes."""
        return self.route(ending, from_here=from_here, max_states=max_states)[1]

    def route(self, ending: str | None = None, *, from_here: bool = False,
              max_states: int = 1_000_000) -> tuple[str, list]:
        """(the ending reached, the moves): walkthrough() with the ending it leads to."""
        if ending is not None:
            ending = self._ending_id(ending)
        if isinstance(max_states, bool) or not isinstance(max_states, int) or max_states < 1:
            raise AdventureError(f"max_states is a positive integer, not {max_states!r}")
        g = self._game()
        if from_here and g.over:
            raise NoRoute(f"the game is over (ending {g.state.ending!r})")
        wanted = [ending] if ending is not None else (
            [e for e in self.endings if self._ending_reward(e) > 0] or list(self.endings))
        routes, complete = self._search(g, from_here, max_states, wanted)
        found = [(e, routes[e]) for e in wanted if e in routes]
        if found:
            # each route is a shortest one to its ending, so the shortest of them is the nearest
            e, moves = min(found, key=lambda x: len(x[1]))
            if self.hide_ids:
                from ..core.engine import start

                first = g.state if from_here else start(self.world, g.seed).state
                return e, labels_of_route(self.world, first, list(moves))
            return e, list(moves)
        what = f"ending {ending!r}" if ending is not None else "a rewarded ending"
        why = ("the search was complete: it cannot be reached" if complete
               else f"none within {max_states:,} states; try a larger max_states")
        raise NoRoute(f"no route to {what} with seed {g.seed}{' from here' if from_here else ''}: {why}")

    def _search(self, g: Game, from_here: bool, max_states: int, wanted: list[str]) -> tuple[dict, bool]:
        """Routes to the wanted endings by A* (adventure.routes); complete is True when every
        ending not found was proved unreachable."""
        from ..analysis.routes import shortest_route

        routes, complete = {}, True
        for e in wanted:
            key = (g.seed, e, max_states)
            if not from_here and key in self._route_cache:
                r = self._route_cache[key]
            else:
                r = shortest_route(self.world, e, seed=g.seed, max_states=max_states,
                                   start_state=g.state if from_here else None)
                if not from_here:
                    if len(self._route_cache) >= 64:
                        self._route_cache.pop(next(iter(self._route_cache)))
                    self._route_cache[key] = r
            if r.route is not None:
                routes[e] = r.route
            else:
                complete = complete and r.proved
        return routes, complete

    # -- replays
    def write_replay(self, path) -> Path:
        """Write this episode, from its start, as a replay file that `adventure verify` (and
        adventure.replay.verify_replay) re-simulates. Move times are written as 0. An episode
        that reached no ending is written too, but verify reports that it reached none. Never
        overwrites a file: ReplayError if `path` exists."""
        try:
            return self._write_replay(Path(path))
        except FileExistsError:
            raise ReplayError(f"{path} already exists; a replay is never overwritten") from None

    def _write_replay(self, path: Path) -> Path:
        from ..speedrun.replay import ReplayWriter

        g = self._game()
        try:
            w = ReplayWriter(path, self.world, g.seed, REPLAY_CATEGORY, practice=self.practice)
        except FileExistsError:
            raise
        except OSError as e:
            raise ReplayError(f"could not write {path}: {e.strerror or e}") from None
        try:
            for cid, st in zip(g.log, g.history[1:]):
                w.move(cid, st.hash(), 0.0, 0.0)
            return w.finish(g.state.ending, 0.0, 0.0)
        except OSError as e:
            raise ReplayError(f"could not write {path}: {e.strerror or e}") from None
        finally:
            w.abandon()

    def _auto_replay(self) -> Path:
        g = self._game()
        base = f"{self.world.id}-ep{self.episode:06d}-seed{g.seed}"
        for n in range(1000):
            try:
                return self._write_replay(self.replay_dir / (base + (f"-{n}" if n else "") + ".jsonl"))
            except FileExistsError:
                continue
        raise ReplayError(f"too many replays named {base}*.jsonl in {self.replay_dir}")

    # -- internals
    def _game(self) -> Game:
        if self.game is None:
            raise EpisodeOver("call reset() first")
        return self.game

    def _refresh(self) -> None:
        self._choices = self.game.choices()

    def _stuck(self) -> bool:
        return not self.game.over and not any(c["enabled"] for c in self._choices)

    def _ending_reward(self, ending: str) -> float:
        if self.rewards is not None:
            return self.rewards.get(ending, 0.0)
        if self.target is not None:
            return 1.0 if ending in self.target else 0.0
        if self._scored:  # the author's scores say which endings are better than others
            return float(self.world.ending(ending).score)
        return 1.0

    def _resolve(self, action) -> tuple[str | None, str | None]:
        """(choice id, None) for a valid action, else (None, why it is not; with `hide_ids`, in
        words that name no id)."""
        opts = self._choices
        if isinstance(action, str) and self.hide_ids:
            return resolve_label(opts, action)
        if isinstance(action, str):
            for c in opts:
                if c["id"] == action:
                    return (c["id"], None) if c["enabled"] else (None, f"choice {action!r} is not available now")
            shown = ascii(action[:40]) + ("..." if len(action) > 40 else "")
            hint = did_you_mean(action[:100], [c["id"] for c in opts if c["enabled"]])
            return None, f"no choice {shown} here" + (f" (did you mean {hint!r}?)" if hint else "")
        if isinstance(action, bool):
            raise TypeError("an action is an int (option index) or a str (choice id), not a bool")
        try:
            i = operator.index(action)
        except TypeError:
            raise TypeError(f"an action is an int (option index) or a str (choice id), not {type(action).__name__}") from None
        if not 0 <= i < len(opts):
            return None, f"action {i} is not an option here: there are {len(opts)} (0 to {len(opts) - 1})"
        c = opts[i]
        if not c["enabled"]:
            name = ascii(c["label"][:40]) if self.hide_ids else repr(c["id"])
            return None, f"action {i} ({name}) is not available now"
        return c["id"], None

    def _observe(self, events, note: str | None = None) -> str:
        g = self.game
        choices = self._choices
        text = render_observation(events, choices, note)
        if self._done and not g.over:
            if self._stuck():
                text = (text + "\n\n" if text else "") + STUCK_TEXT
        self._obs = text[:self.observation_space.max_length]
        return self._obs

    def _info(self, events, invalid: str | None = None) -> dict:
        g = self.game
        ending = g.state.ending
        par = self.pars(g.seed, ending) if ending is not None else None
        info = {
            "choices": shown_choices(self._choices, self.hide_ids),
            "action_mask": self.action_mask(),
            "room": g.state.room,
            "ending": ending,
            "moves": len(g.log),
            "steps": self.steps,
            "state_hash": g.state_hash(),
            "seed": g.seed,
            "events": events_to_json(events),
            # the benchmark keys (docs/api.md, "Agent benchmarks")
            **outcome(self.world, ending),
            "max_score": self.max_score,
            "admissible_commands": self.admissible_commands(),
            "par": par,
            "efficiency": efficiency(par, len(g.log)),
        }
        if invalid is not None:
            info["invalid"] = invalid
        if self._stuck():
            info["stuck"] = True
        return info


if _gym is not None:

    class AdventureEnv(_AdventureEnv, _gym.Env):
        def _seed_np(self, seed) -> None:
            _gym.Env.reset(self, seed=seed)  # seeds self.np_random as gymnasium expects

    if ENV_ID not in _gym.registry:  # gymnasium.make("adventure/Adventure-v0", world="tutorial")
        _gym.register(id=ENV_ID, entry_point="adventure.env:AdventureEnv")

else:

    class AdventureEnv(_AdventureEnv):  # pragma: no cover - exercised in a subprocess by the tests
        pass

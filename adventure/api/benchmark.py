"""What agent benchmarks read after each move, after TextWorld's and Jericho's conventions: the
score and the highest score, won or lost, the commands that can be given now, and how the moves
made compare with par. Shared by the environment (env.py, and so `adventure serve`) and the MCP
server (mcp.py), so that the three report the same numbers.

With ids hidden (`hide_ids`), an agent sees a world as a player does: options by number and
label. Choice ids are written by the world's author for saves and walkthroughs, and they can give
away what a label keeps back (`id = "wrong-door"`), so they are left out of everything shown, and
a command names an option by its label instead.

Par is the proved fewest moves to the ending reached, for the episode's seed (docs/api.md, "Agent
benchmarks"): read from the par cache (analysis/parcache.py, which `adventure route` and
`adventure runs` fill), else searched for with a small budget (PAR_STATES), else unknown (None).
"""

from __future__ import annotations

from ..core.engine import label, options, step
from ..core.model import State, World
from ..core.suggest import did_you_mean
from ..core.text import clean

__all__ = ["PAR_STATES", "PAR_SECONDS", "Pars", "max_score", "outcome", "efficiency", "label_key",
           "shown_choices", "admissible", "resolve_label", "labels_of_route"]

# the search for a par not in the cache: bounded in states, not time, so that whether a par is
# found does not depend on the machine's load (a benchmark's numbers must repeat); 5,000 states
# take well under a second on the shipped worlds. PAR_SECONDS only guards against a world whose
# moves are very slow.
PAR_STATES = 5_000
PAR_SECONDS = 10.0
_MEMO = 4096  # pars remembered per world in one process


def max_score(world: World) -> int:
    """The highest score of any ending (0 when none has a score)."""
    return max(e.score for e in world.endings)


def scored(world: World) -> bool:
    """Whether the world gives any ending a score (then the default reward is the score)."""
    return any(e.score for e in world.endings)


def outcome(world: World, ending: str | None) -> dict:
    """score, won and lost of the ending reached (0, False, False while the game goes on)."""
    if ending is None:
        return {"score": 0, "won": False, "lost": False}
    e = world.ending(ending)
    return {"score": e.score, "won": e.result == "won", "lost": e.result == "lost"}


def efficiency(par: int | None, moves: int) -> float | None:
    """par / moves: 1.0 for a run as short as can be; None unless both are known."""
    if par is None or moves <= 0:
        return None
    return par / moves


# ---------------------------------------------------------------- choices without ids


def label_key(label: str) -> str:
    """A label as typed labels are compared: control characters removed, case and spacing aside
    (as the duplicate-label check in analysis/accessibility.py compares them)."""
    return " ".join(clean(label).casefold().split())


def shown_choices(choices: list[dict], hide_ids: bool) -> list[dict]:
    """Copies of `Game.choices()` entries, without their ids when they are hidden."""
    if not hide_ids:
        return [dict(c) for c in choices]
    return [{k: v for k, v in c.items() if k != "id"} for c in choices]


def admissible(choices: list[dict], hide_ids: bool) -> list[str]:
    """The commands that can be given now: the enabled choices' ids, or their labels."""
    return [c["label"] if hide_ids else c["id"] for c in choices if c["enabled"]]


def _short(s: str, n: int = 40) -> str:
    return ascii(s[:n]) + ("..." if len(s) > n else "")


def resolve_label(choices: list[dict], text: str) -> tuple[str | None, str | None]:
    """(choice id, None) for the option whose label `text` is (case and spacing aside; of two
    with one label, the first available, as a player typing it gets), else (None, why not). The
    reason names options by number and label only."""
    key = label_key(text)
    hits = [c for c in choices if label_key(c["label"]) == key]
    for c in hits:
        if c["enabled"]:
            return c["id"], None
    if hits:
        c = hits[0]
        return None, f"option {c['index'] + 1} ({_short(c['label'])}) is not available now"
    hint = did_you_mean(text[:100], [c["label"] for c in choices if c["enabled"]])
    return None, (f"no option {_short(text)} here" + (f" (did you mean {hint!r}?)" if hint else "")
                  + "; give an option's label or number")


def labels_of_route(world: World, state: State, route: list[str]) -> list:
    """A route of choice ids, from `state`, as the commands that take it with ids hidden: each
    move's label, or its option index (from 0) when an earlier available option has the same
    label (the label would take that one)."""
    out: list = []
    for cid in route:
        shown = [(i, o, label_key(label(state, o.choice))) for i, o in enumerate(options(world, state))]
        i, o, key = next(x for x in shown if x[1].id == cid)
        first = next(j for j, p, k in shown if p.enabled and k == key)
        out.append(label(state, o.choice) if first == i else i)
        state = step(world, state, cid).state
    return out


# ---------------------------------------------------------------- par


class Pars:
    """Proved pars of one world's endings, by seed: from the par cache, else a search of at most
    `states` states (0: the cache only), else None. Remembered in the process; the cache gets
    what is searched for seed 0 (the seed `adventure runs` reads), so that other seeds, one per
    episode in a training loop, leave no files behind. A world without dice has one par per
    ending whatever the seed, so every seed reads and fills seed 0's entry."""

    def __init__(self, world: World, states: int = PAR_STATES):
        from ..analysis.explore import _uses_random

        self.world = world
        self.states = states
        self.dice = any(_uses_random(e.value) for r in world.rooms.values() for c in r.choices for e in c.effects)
        self._memo: dict = {}

    def __call__(self, seed: int, ending: str) -> int | None:
        seed = seed if self.dice else 0
        key = (seed, ending)
        if key not in self._memo:
            if len(self._memo) >= _MEMO:
                self._memo.pop(next(iter(self._memo)))
            self._memo[key] = self._find(seed, ending)
        return self._memo[key]

    def _find(self, seed: int, ending: str) -> int | None:
        from ..analysis import parcache

        cached = parcache.read(self.world, seed)
        n = cached["par"].get(ending)
        if n is not None:
            return n if n >= 0 else None
        if self.states <= 0 or cached["open"].get(ending, -1) >= self.states:
            return None  # not searched, or a search as large already failed
        from ..analysis.routes import shortest_route

        r = shortest_route(self.world, ending, seed, max_states=self.states, max_seconds=PAR_SECONDS)
        if r.route is not None:
            n = len(r.route)
        elif r.proved:
            n = -1
        if seed == 0:
            if n is not None:
                parcache.record(self.world, 0, {ending: n})
            elif r.stopped == "states":  # not when the clock stopped it: another run may finish
                parcache.record(self.world, 0, opened={ending: self.states})
        return n if n is not None and n >= 0 else None

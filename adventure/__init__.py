"""adventure: a state-machine engine for interactive fiction in the terminal.

The public API: load a world, start a game, list choices, choose, read the events.

    >>> import adventure
    >>> world = adventure.load_world("tutorial")
    >>> game = adventure.Game(world, seed=0)
    >>> [c.id for c in game.options()][:2]
    ['kettle', 'feed-gull']

The names below are imported on first use (PEP 562), so that `python -m adventure` pays only for
the modules of the command it runs. Type checkers see them through the `TYPE_CHECKING` imports
(the package ships `py.typed`).

The distribution is called "adventure-engine" on PyPI (`pip install adventure-engine`): the name
"adventure" belongs to another project, a Colossal Cave port whose import name is also
`adventure`. Both cannot live in one environment.
"""

# `typing` is not imported at run time (start-up time, docs/performance.md); type checkers treat
# any TYPE_CHECKING as true
TYPE_CHECKING = False

__version__ = "0.3.0"
__distribution__ = "adventure-engine"

if TYPE_CHECKING:  # what the lazy names below are, for type checkers; never imported at run time
    from typing import Any

    from .core.engine import (Changed, EndingReached, Intro, Option, Outcome, Reply, RoomEntered,
                              available_choices, describe, options, start, step)
    from .core.engine import replay as play_moves
    from .core.errors import (AdventureError, ChoiceError, ExprError, Problem, ReplayError, SaveError,
                              WorldError)
    from .core.model import Choice, Ending, Room, State, World
    from .play.game import Game
    from .world.loader import find_world, load_world, shipped_worlds

# public name -> (module, attribute in it)
_LAZY = {
    **{n: ("core.engine", n) for n in ("Changed", "EndingReached", "Intro", "Option", "Outcome", "Reply",
                                  "RoomEntered", "available_choices", "describe", "options", "start",
                                  "step")},
    "play_moves": ("core.engine", "replay"),
    **{n: ("core.errors", n) for n in ("AdventureError", "ChoiceError", "ExprError", "Problem",
                                  "ReplayError", "SaveError", "WorldError")},
    "Game": ("play.game", "Game"),
    **{n: ("world.loader", n) for n in ("find_world", "load_world", "shipped_worlds")},
    **{n: ("core.model", n) for n in ("Choice", "Ending", "Room", "State", "World")},
}

__all__ = [
    "__version__", "__distribution__",
    "load_world", "find_world", "shipped_worlds",
    "World", "Room", "Choice", "Ending", "State",
    "Game", "start", "step", "options", "available_choices", "describe", "play_moves",
    "Outcome", "Option", "Intro", "RoomEntered", "Reply", "Changed", "EndingReached",
    "AdventureError", "WorldError", "Problem", "ExprError", "SaveError", "ReplayError", "ChoiceError",
]


def __getattr__(name: str) -> "Any":
    import importlib

    spec = _LAZY.get(name)
    if spec is not None:
        value = getattr(importlib.import_module(f".{spec[0]}", __name__), spec[1])
        globals()[name] = value
        return value
    # `adventure.core`, `adventure.env` and the like, as attributes of the package
    try:
        return importlib.import_module(f".{name}", __name__)
    except ModuleNotFoundError as e:
        if e.name != f"{__name__}.{name}":
            raise
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

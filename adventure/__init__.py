"""adventure: a state-machine engine for interactive fiction in the terminal.

The public API: load a world, start a game, list choices, choose, read the events.

    >>> import adventure
    >>> world = adventure.load_world("tutorial")
    >>> game = adventure.Game(world, seed=0)
    >>> [c.id for c in game.options()][:2]
    ['kettle', 'feed-gull']
"""

__version__ = "0.1.0"

from .engine import (Changed, EndingReached, Intro, Option, Outcome, Reply, RoomEntered,
                     available_choices, describe, options, start, step)
from .engine import replay as play_moves  # `adventure.replay` is the replay-file module
from .errors import (AdventureError, ChoiceError, ExprError, Problem, ReplayError, SaveError,
                     WorldError)
from .game import Game
from .loader import find_world, load_world, shipped_worlds
from .model import Choice, Ending, Room, State, World

__all__ = [
    "__version__",
    "load_world", "find_world", "shipped_worlds",
    "World", "Room", "Choice", "Ending", "State",
    "Game", "start", "step", "options", "available_choices", "describe", "play_moves",
    "Outcome", "Option", "Intro", "RoomEntered", "Reply", "Changed", "EndingReached",
    "AdventureError", "WorldError", "Problem", "ExprError", "SaveError", "ReplayError", "ChoiceError",
]

"""`adventure.env.AdventureEnv`, the documented import path of the environment, which lives in
`adventure.api.env`."""

from .api.env import *  # noqa: F401,F403
from .api.env import __all__  # noqa: F401

"""One error hierarchy: everything a user can cause is an AdventureError with a readable message."""

from __future__ import annotations

from .record import Record

__all__ = [
    "AdventureError",
    "WorldError",
    "Problem",
    "ExprError",
    "SaveError",
    "ReplayError",
    "ChoiceError",
]


class AdventureError(Exception):
    """Base of every error the engine raises on bad input. Its str() is the message for users."""


class Problem(Record):
    """One thing wrong with a world: where it is, what is wrong, and a hint to fix it."""

    __slots__ = _fields = ("file", "line", "key", "message", "hint")

    def __init__(self, file: str, line: int | None, key: str, message: str, hint: str = ""):
        self.file = file
        self.line = line
        self.key = key
        self.message = message
        self.hint = hint

    def to_json(self) -> dict:
        return {f: getattr(self, f) for f in self._fields}

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        key = f" {self.key}:" if self.key else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}:{key} {self.message}{hint}"


class WorldError(AdventureError):
    """A world could not be loaded. Carries every problem found, not only the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class ExprError(AdventureError):
    """An expression could not be parsed or type-checked. `pos` is a 0-based column in `source`."""

    def __init__(self, message: str, source: str = "", pos: int = 0):
        self.message = message
        self.source = source
        self.pos = pos
        super().__init__(f"{message} at column {pos + 1} of {source!r}" if source else message)


class SaveError(AdventureError):
    """A save file is missing, corrupt, foreign, or no longer plays on the current world."""


class ReplayError(AdventureError):
    """A replay file is corrupt or does not match the world or engine it claims."""


class ChoiceError(AdventureError):
    """A choice was asked for that is not available in the current state."""

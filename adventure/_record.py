"""A light base for the engine's immutable value classes: `__slots__`, equality, hash and repr.

It replaces attrs on the play path, where building objects and defining classes both cost time.
Subclasses list their fields in `_fields` (the constructor's order); `_eq` names the fields that
equality and the hash compare (default: all), `_repr` those the repr shows (default: `_eq`).
The values are not changed after construction by anything in adventure (they are values, as the
attrs frozen classes they replace were).
"""

from __future__ import annotations

__all__ = ["Record"]


class Record:
    __slots__ = ()
    _fields: tuple = ()
    _eq: tuple | None = None
    _repr: tuple | None = None

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        if cls.__dict__.get("_eq") is None:
            cls._eq = cls._fields
        if cls.__dict__.get("_repr") is None:
            cls._repr = cls._eq
        if "_h" in cls.__dict__.get("__slots__", ()):
            cls.__hash__ = Record._cached_hash

    def _key(self) -> tuple:
        return tuple([getattr(self, f) for f in self._eq])

    def __eq__(self, other):
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._key() == other._key()

    def __ne__(self, other):
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._key() != other._key()

    def __hash__(self):
        return hash((self.__class__.__name__,) + self._key())

    def _cached_hash(self):
        # classes with an `_h` slot keep their hash: content (nodes, choices, texts) is hashed
        # often, and recursively, as dict keys by the solvers
        try:
            return self._h
        except AttributeError:
            h = self._h = hash((self.__class__.__name__,) + self._key())
            return h

    def __repr__(self):
        return f"{self.__class__.__name__}(" + ", ".join(f"{f}={getattr(self, f)!r}" for f in self._repr) + ")"


class LazyLine:
    """The line of a key path in a file, found only when asked (a Locator scan costs time)."""

    __slots__ = ("_src", "path")

    def __init__(self, src, path: tuple):
        self._src = src  # anything with .loc (a Locator), built on first use
        self.path = path

    def resolve(self) -> int | None:
        return self._src.loc.line(self.path)

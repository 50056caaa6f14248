"""The one base of the package's value classes: `__slots__`, a constructor, equality, hash, repr.

Why not attrs: on this machine `import attrs` costs 37 ms (the play path's whole start-up budget is
about 120 ms), a frozen attrs instance takes 2.5 times as long to build (500 ns against 195 ns),
and each class definition about 0.4 ms. So every value class in adventure is a Record:

    class Finding(Record):
        __slots__ = _fields = ("code", "message", "hint")
        _defaults = {"hint": ""}

Fields are given by position or by name, in `_fields` order; `_defaults` names the optional ones
(a default that is a class, such as `dict`, is called for each new object). Classes built on
every move (State, events, options) write their own `__init__`, which is faster. `_eq` names the
fields that equality and the hash compare (default: all), `_repr` those the repr shows (default:
`_eq`). Values are not changed after construction: nothing in adventure assigns to a Record's
field once it is handed out (the engine fills in a State before it returns it).
"""

from __future__ import annotations

__all__ = ["Record"]


class Record:
    __slots__ = ()
    _fields: tuple = ()
    _eq: tuple | None = None
    _repr: tuple | None = None
    _defaults: dict = {}

    def __init__(self, *args, **kw):
        fields = self._fields
        if len(args) > len(fields):
            raise TypeError(f"{self.__class__.__name__} takes {len(fields)} fields, got {len(args)}")
        for f, v in zip(fields, args):
            setattr(self, f, v)
        for f, v in kw.items():
            if f not in fields or fields.index(f) < len(args):
                raise TypeError(f"{self.__class__.__name__}: unexpected or repeated field {f!r}")
            setattr(self, f, v)
        for f in fields[len(args):]:
            if f not in kw:
                if f not in self._defaults:
                    raise TypeError(f"{self.__class__.__name__}: missing field {f!r}")
                d = self._defaults[f]
                setattr(self, f, d() if isinstance(d, type) else d)

    def to_dict(self) -> dict:
        return {f: getattr(self, f) for f in self._fields}

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

"""Steps: what a choice's `do`, a room's `enter` and a rule's `do` run, in order.

A step is an Effect (expr.py: `x += 1`) or a Branch (`{ if = "...", do = [...], else = [...] }`),
whose condition reads the values as they are when it is reached. Steps compile into the same
kind of closure as effects: a function of the State being made (`env.v` a list), so the engine
runs a branch exactly as it runs an effect.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from .expr import Effect, Node
from .record import Record

__all__ = ["Branch", "compile_branch", "effects_in", "slots_written", "MAX_NEST"]

MAX_NEST = 8


class Branch(Record):
    """`if` (a condition, its source and compiled test), `then` and `other`: tuples of steps, and
    `run_then`, `run_other`: their compiled closures."""

    __slots__ = ("cond", "source", "test", "then", "other", "run_then", "run_other", "_h")
    _fields = ("cond", "source", "test", "then", "other", "run_then", "run_other")
    _eq = ("cond", "source", "then", "other")


def compile_branch(b: Branch) -> Callable:
    test, then, other = b.test, b.run_then, b.run_other

    def run(env):
        for f in (then if test(env) else other):
            f(env)
    return run


def effects_in(steps) -> Iterator[Effect]:
    """Every Effect in steps, branches opened (for what reads `.var`, `.value`)."""
    for s in steps:
        if s.__class__ is Branch:
            yield from effects_in(s.then)
            yield from effects_in(s.other)
        else:
            yield s


def conditions_in(steps) -> Iterator[tuple[Node, str]]:
    """(node, source) of every branch condition in steps."""
    for s in steps:
        if s.__class__ is Branch:
            yield s.cond, s.source
            yield from conditions_in(s.then)
            yield from conditions_in(s.other)


def slots_written(steps) -> tuple[int, ...]:
    return tuple(sorted({e.var.index for e in effects_in(steps)}))

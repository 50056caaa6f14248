"""The interval domain of the abstract interpretation (absint.py, absmove.py): a value's interval
(a flag's within [0, 1]: FALSE, TRUE or EITHER), an expression's interval over a box, a box
narrowed by a condition, and the join of boxes. A box is a tuple of intervals (see absint._mk).
"""

from __future__ import annotations

from ..core.expr import INT_MAX, INT_MIN, Node

__all__ = ["eval_interval", "refine", "join", "FALSE", "TRUE", "EITHER", "WIDEN_AFTER"]

FALSE = (0, 0)
TRUE = (1, 1)
EITHER = (0, 1)
WIDEN_AFTER = 8
_NEG = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "=="}
_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


def _sat(x: int) -> int:
    return INT_MAX if x > INT_MAX else INT_MIN if x < INT_MIN else x


def _div(x, y):
    out = []
    if y[0] <= 0 <= y[1]:
        out.append((0, 0))  # division by zero gives 0
    for lo, hi in ((y[0], min(y[1], -1)), (max(y[0], 1), y[1])):
        if lo > hi:
            continue
        qs = [_sat(a // b) for a in x for b in (lo, hi)]
        out.append((min(qs), max(qs)))
    return (min(o[0] for o in out), max(o[1] for o in out))


def _mod(x, y):
    out = []
    if y[0] <= 0 <= y[1]:
        out.append((0, 0))  # remainder by zero gives 0
    if y[1] >= 1:
        hi = y[1] - 1
        out.append((0, min(hi, x[1]) if x[0] >= 0 else hi))
    if y[0] <= -1:
        lo = y[0] + 1
        out.append((max(lo, x[0]) if x[1] <= 0 else lo, 0))
    return (min(o[0] for o in out), max(o[1] for o in out))


def eval_interval(n: Node, box) -> tuple[int, int]:
    """The interval of values `n` can take over `box` (flags as 0/1: FALSE, TRUE or EITHER)."""
    op = n.op
    if op == "lit":
        v = n.value
        return (int(v), int(v))
    if op == "var":
        return box[n.value]
    if op == "visits":
        return box[box[-2][0] + n.value]
    if op == "turn":
        return box[-1]
    if op == "not":
        a = eval_interval(n.args[0], box)
        return (1 - a[1], 1 - a[0])
    if op == "and":
        a = eval_interval(n.args[0], box)
        if a == FALSE:
            return FALSE
        b = eval_interval(n.args[1], box)
        return (min(a[0], b[0]), min(a[1], b[1]))
    if op == "or":
        a = eval_interval(n.args[0], box)
        if a == TRUE:
            return TRUE
        b = eval_interval(n.args[1], box)
        return (max(a[0], b[0]), max(a[1], b[1]))
    if op == "neg":
        a = eval_interval(n.args[0], box)
        return (_sat(-a[1]), _sat(-a[0]))
    if op == "call":
        args = [eval_interval(a, box) for a in n.args]
        name = n.value
        if name == "abs":
            (a,) = args
            if a[0] >= 0:
                return a
            if a[1] <= 0:
                return (_sat(-a[1]), _sat(-a[0]))
            return (0, _sat(max(-a[0], a[1])))
        a, b = args
        if name == "min":
            return (min(a[0], b[0]), min(a[1], b[1]))
        if name == "max":
            return (max(a[0], b[0]), max(a[1], b[1]))
        return (min(a[0], b[0]), max(a[1], b[1]))  # random(lo, hi): bounds in either order
    a = eval_interval(n.args[0], box)
    b = eval_interval(n.args[1], box)
    if op == "+":
        return (_sat(a[0] + b[0]), _sat(a[1] + b[1]))
    if op == "-":
        return (_sat(a[0] - b[1]), _sat(a[1] - b[0]))
    if op == "*":
        ps = [_sat(x * y) for x in a for y in b]
        return (min(ps), max(ps))
    if op == "/":
        return _div(a, b)
    if op == "%":
        return _mod(a, b)
    # comparisons
    if op == "==":
        if a[0] == a[1] == b[0] == b[1]:
            return TRUE
        return FALSE if a[1] < b[0] or b[1] < a[0] else EITHER
    if op == "!=":
        if a[0] == a[1] == b[0] == b[1]:
            return FALSE
        return TRUE if a[1] < b[0] or b[1] < a[0] else EITHER
    if op == "<":
        return TRUE if a[1] < b[0] else FALSE if a[0] >= b[1] else EITHER
    if op == "<=":
        return TRUE if a[1] <= b[0] else FALSE if a[0] > b[1] else EITHER
    if op == ">":
        return TRUE if a[0] > b[1] else FALSE if a[1] <= b[0] else EITHER
    if op == ">=":
        return TRUE if a[0] >= b[1] else FALSE if a[1] < b[0] else EITHER
    raise ValueError(f"unknown operator {op!r}")


def _mk(values, visits, turn) -> tuple:
    """A box: a tuple of intervals, the declared values (by index), then the counted visits (by
    slot), then a marker `(number of values,)` that says where the visits start, then the turn."""
    return tuple(values) + tuple(visits) + ((len(values),), turn)


def _target(n: Node, box):
    if n.op == "var":
        return n.value
    if n.op == "visits":
        return box[-2][0] + n.value
    if n.op == "turn":
        return len(box) - 1
    return None


def _constrain(op: str, x, y):
    lo, hi = x
    if op == "<":
        hi = min(hi, y[1] - 1)
    elif op == "<=":
        hi = min(hi, y[1])
    elif op == ">":
        lo = max(lo, y[0] + 1)
    elif op == ">=":
        lo = max(lo, y[0])
    elif op == "==":
        lo, hi = max(lo, y[0]), min(hi, y[1])
    elif op == "!=" and y[0] == y[1]:
        if lo == y[0]:
            lo += 1
        if hi == y[0]:
            hi -= 1
    return (lo, hi) if lo <= hi else None


def refine(n: Node | None, box, want: bool = True):
    """The box narrowed to the states where `n` evaluates to `want` (a sound superset of them),
    or None when there are none."""
    if box is None:
        return None
    if n is None:
        return box if want else None
    v = eval_interval(n, box)
    if v == (FALSE if want else TRUE):
        return None
    if v == (TRUE if want else FALSE):
        return box
    op = n.op
    if op == "not":
        return refine(n.args[0], box, not want)
    if op in ("and", "or"):
        if (op == "and") == want:  # both sides must be `want`
            return refine(n.args[1], refine(n.args[0], box, want), want)
        return join(refine(n.args[0], box, want), refine(n.args[1], box, want))
    if op == "var":
        b = list(box)
        b[n.value] = TRUE if want else FALSE
        return tuple(b)
    if op in _NEG:
        cop = op if want else _NEG[op]
        a, c = n.args
        ia, ic = _target(a, box), _target(c, box)
        if ia is None and ic is None:
            return box
        va, vc = eval_interval(a, box), eval_interval(c, box)
        na = _constrain(cop, va, vc)
        nc = _constrain(_FLIP[cop], vc, va)
        if na is None or nc is None:
            return None
        b = list(box)
        if ia is not None:
            b[ia] = _meet(b[ia], na)
            if b[ia] is None:
                return None
        if ic is not None:
            b[ic] = _meet(b[ic], nc)
            if b[ic] is None:
                return None
        return tuple(b)
    return box


def _meet(x, y):
    lo, hi = max(x[0], y[0]), min(x[1], y[1])
    return (lo, hi) if lo <= hi else None


def join(a, b):
    if a is None:
        return b
    if b is None or a == b:
        return a
    out = []
    for x, y in zip(a, b):
        if x is y or x == y:
            out.append(x)
        else:
            out.append((min(x[0], y[0]), max(x[1], y[1])))
    return tuple(out)

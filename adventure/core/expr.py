"""The closed expression language for conditions and effects.

Source text is tokenised, parsed into a small tree, type-checked against the world's declared
names, and compiled into plain Python closures. Nothing here calls eval or touches Python's own
semantics: the grammar is an allow-list, and every operator is implemented below.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable

from .record import Record
from .errors import ExprError

__all__ = ["Node", "Effect", "Scope", "Var", "enum_type", "type_word", "parse_condition", "parse_effect", "parse_value", "explain", "names_read"]

MAX_LEN = 2000
MAX_DEPTH = 50
INT_MAX = 2**63 - 1
INT_MIN = -(2**63 - 1)
KEYWORDS = frozenset({"and", "or", "not", "true", "false", "turn", "visits", "min", "max", "abs", "random"})
FUNCS = {"min": 2, "max": 2, "abs": 1, "random": 2}

_TOKEN = re.compile(
    r"\s*(?:(?P<int>\d+)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<op>==|!=|<=|>=|\+=|-=|[-+*/%<>()=,.]))"
)


class Token(Record):
    __slots__ = _fields = ("kind", "text", "pos")  # kind: "int", "name", "op", "end"

    def __init__(self, kind: str, text: str, pos: int):
        self.kind = kind
        self.text = text
        self.pos = pos


def tokenize(src: str) -> list[Token]:
    if len(src) > MAX_LEN:
        raise ExprError(f"expression is longer than {MAX_LEN} characters", src[:40] + "...", 0)
    out: list[Token] = []
    i = 0
    n = len(src)
    while i < n:
        if src[i:].strip() == "":
            break
        m = _TOKEN.match(src, i)
        if not m:
            j = i
            while j < n and src[j].isspace():
                j += 1
            raise ExprError(f"unexpected character {src[j]!r}" + _foreign(src, j), src, j)
        kind = m.lastgroup or "op"
        text = m.group(kind)
        out.append(Token(kind, text, m.start(kind)))
        i = m.end()
    out.append(Token("end", "", n))
    return out


_FOREIGN = (("&&", "write 'and' instead of '&&'"), ("||", "write 'or' instead of '||'"),
            ("!", "write 'not x' instead of '!x' ('!=' is fine)"), ("&", "write 'and'"), ("|", "write 'or'"),
            ('"', "names and values need no quotes"), ("'", "names and values need no quotes"),
            ("$", "write the name alone, without '$'"))


def _foreign(src: str, j: int) -> str:
    """A hint for syntax from Ink, ChoiceScript, JavaScript or Python."""
    for text, hint in _FOREIGN:
        if src.startswith(text, j):
            return f"; {hint}"
    return ""


class Node(Record):
    """A parsed expression. `op` names the form; `args` are child nodes; `value` a literal or slot."""

    __slots__ = ("op", "args", "value", "type", "start", "end", "_h")
    _fields = ("op", "args", "value", "type", "start", "end")

    def _key(self) -> tuple:
        return (self.op, self.args, self.value, self.type, self.start, self.end)

    def __init__(self, op: str, args: tuple = (), value: object = None, type: str = "int",
                 start: int = 0, end: int = 0):
        self.op = op
        self.args = args
        self.value = value
        self.type = type
        self.start = start
        self.end = end


class Var(Record):
    """A declared name as expressions see it. type: "bool", "int", or an enum's type
    ("enum:calm,tense": one of those names, held as its index; see `enum_type`)."""

    __slots__ = ("index", "type", "lo", "hi", "values", "_h")
    _fields = ("index", "type", "lo", "hi", "values")
    _defaults = {"lo": None, "hi": None, "values": ()}

    def __init__(self, index: int, type: str, lo: int | None = None, hi: int | None = None,
                 values: tuple = ()):
        self.index = index
        self.type = type
        self.lo = lo
        self.hi = hi
        self.values = values  # an enum's names, in order


def enum_type(values) -> str:
    """The type of an enum with these names: two enums with the same names compare."""
    return "enum:" + ",".join(values)


def type_word(t: str) -> str:
    if t == "bool":
        return "a flag"
    if t == "int":
        return "a number"
    return "one of " + ", ".join(t[5:].split(","))


class Scope(Record):
    """The names an expression may use: declared state (name -> Var) and room ids (name -> index).

    slots: room id -> its slot in `State.visits`. Only rooms whose visits some expression reads are
    counted (copying one count per room on every move costs too much in big worlds), so the loader
    passes an empty dict and the parser gives each room a slot when an expression first names it.
    Without `slots`, every room is counted, in its own index (for tests and tools)."""

    __slots__ = _fields = ("vars", "rooms", "slots")

    def __init__(self, vars: dict[str, Var], rooms: dict[str, int], slots: dict[str, int] | None = None):
        self.vars = vars
        self.rooms = rooms
        self.slots = dict(rooms) if slots is None else slots


class _Parser:
    def __init__(self, src: str, scope: Scope, allow_random: bool):
        self.src = src
        self.toks = tokenize(src)
        self.i = 0
        self.scope = scope
        self.allow_random = allow_random
        self.depth = 0

    # -- helpers
    def peek(self) -> Token:
        return self.toks[self.i]

    def take(self) -> Token:
        t = self.toks[self.i]
        self.i += 1
        return t

    def expect(self, text: str) -> Token:
        t = self.peek()
        if t.text != text or t.kind == "end":
            self.fail(f"expected {text!r}" + (f" but found {t.text!r}" if t.text else " but the expression ended"), t.pos)
        return self.take()

    def fail(self, msg: str, pos: int) -> None:
        raise ExprError(msg, self.src, pos)

    def nest(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.fail(f"expression is nested more than {MAX_DEPTH} deep", self.peek().pos)

    def check(self, node: Node, want: str, what: str) -> Node:
        if node.type != want:
            hint = ""
            if node.type.startswith("enum:"):
                hint = "; compare it with == or != (e.g. 'mood == calm')"
            self.fail(f"{what} needs {'a flag (true/false)' if want == 'bool' else 'a number'}, "
                      f"but {self.src[node.start:node.end]!r} is {type_word(node.type)}{hint}",
                      node.start)
        return node

    # -- grammar, loosest first
    def expr(self) -> Node:
        self.nest()
        left = self.and_()
        while self.peek().text == "or" and self.peek().kind == "name":
            self.take()
            right = self.and_()
            self.check(left, "bool", "'or'")
            self.check(right, "bool", "'or'")
            left = Node("or", (left, right), type="bool", start=left.start, end=right.end)
        self.depth -= 1
        return left

    def and_(self) -> Node:
        left = self.not_()
        while self.peek().text == "and" and self.peek().kind == "name":
            self.take()
            right = self.not_()
            self.check(left, "bool", "'and'")
            self.check(right, "bool", "'and'")
            left = Node("and", (left, right), type="bool", start=left.start, end=right.end)
        return left

    def not_(self) -> Node:
        t = self.peek()
        if t.kind == "name" and t.text == "not":
            self.take()
            self.nest()
            inner = self.not_()
            self.depth -= 1
            self.check(inner, "bool", "'not'")
            return Node("not", (inner,), type="bool", start=t.pos, end=inner.end)
        return self.cmp()

    def cmp(self) -> Node:
        left = self.sum()
        t = self.peek()
        if t.kind == "op" and t.text in ("==", "!=", "<", "<=", ">", ">="):
            self.take()
            right = self.enum_value(left) or self.sum()
            if t.text in ("==", "!="):
                if left.type != right.type:
                    self.fail(f"'{t.text}' compares {type_word(left.type)} with {type_word(right.type)}", t.pos)
            else:
                self.check(left, "int", f"'{t.text}'")
                self.check(right, "int", f"'{t.text}'")
            nxt = self.peek()
            if nxt.kind == "op" and nxt.text in ("==", "!=", "<", "<=", ">", ">="):
                self.fail("comparisons cannot be chained; join them with 'and'", nxt.pos)
            return Node(t.text, (left, right), type="bool", start=left.start, end=right.end)
        if t.kind == "op" and t.text == "=":
            self.fail("'=' assigns; to compare, write '=='", t.pos)
        return left

    def enum_value(self, left: Node) -> Node | None:
        """A name of `left`'s enum, standing right of '==' or '=' (names of values come before
        names of state there), as the literal of its index; None when the next token is not one."""
        t = self.peek()
        if not left.type.startswith("enum:") or t.kind != "name":
            return None
        values = left.type[5:].split(",")
        if t.text not in values:
            if t.text not in self.scope.vars and t.text not in KEYWORDS:
                self.fail(f"{t.text!r} is not one of {', '.join(values)}" + _hint(t.text, values), t.pos)
            return None
        self.take()
        return Node("lit", value=values.index(t.text), type=left.type, start=t.pos, end=t.pos + len(t.text))

    def sum(self) -> Node:
        left = self.term()
        while self.peek().kind == "op" and self.peek().text in ("+", "-"):
            t = self.take()
            right = self.term()
            self.check(left, "int", f"'{t.text}'")
            self.check(right, "int", f"'{t.text}'")
            left = Node(t.text, (left, right), type="int", start=left.start, end=right.end)
        return left

    def term(self) -> Node:
        left = self.unary()
        while self.peek().kind == "op" and self.peek().text in ("*", "/", "%"):
            t = self.take()
            right = self.unary()
            self.check(left, "int", f"'{t.text}'")
            self.check(right, "int", f"'{t.text}'")
            left = Node(t.text, (left, right), type="int", start=left.start, end=right.end)
        return left

    def unary(self) -> Node:
        t = self.peek()
        if t.kind == "op" and t.text == "-":
            self.take()
            self.nest()
            inner = self.unary()
            self.depth -= 1
            self.check(inner, "int", "'-'")
            return Node("neg", (inner,), type="int", start=t.pos, end=inner.end)
        return self.atom()

    def atom(self) -> Node:
        t = self.take()
        end = t.pos + len(t.text)
        if t.kind == "int":  # saturates; more than 19 digits is never read (Python reads at most 4,300)
            digits = t.text.lstrip("0")
            value = INT_MAX if len(digits) > 19 else min(int(digits or "0"), INT_MAX)
            return Node("lit", value=value, type="int", start=t.pos, end=end)
        if t.kind == "op" and t.text == "(":
            inner = self.expr()
            close = self.expect(")")
            return Node(inner.op, inner.args, inner.value, inner.type, t.pos, close.pos + 1)
        if t.kind == "name":
            name = t.text
            if name in ("true", "false"):
                return Node("lit", value=name == "true", type="bool", start=t.pos, end=end)
            if name in ("True", "False", "TRUE", "FALSE"):
                self.fail(f"write {name.lower()!r} in lower case", t.pos)
            if name == "turn":
                return Node("turn", type="int", start=t.pos, end=end)
            if name == "visits":
                self.expect(".")
                r = self.take()
                if r.kind != "name":
                    self.fail("expected a room id after 'visits.'", r.pos)
                if r.text not in self.scope.rooms:
                    self.fail(f"unknown room {r.text!r}" + _hint(r.text, self.scope.rooms), r.pos)
                slots = self.scope.slots
                slot = slots.get(r.text)
                if slot is None:
                    slot = slots[r.text] = len(slots)
                return Node("visits", value=slot, type="int", start=t.pos, end=r.pos + len(r.text))
            if name in FUNCS:
                return self.call(t)
            if name in KEYWORDS:
                self.fail(f"{name!r} cannot stand here", t.pos)
            var = self.scope.vars.get(name)
            if var is None:
                self.fail(f"undeclared name {name!r}" + _hint(name, self.scope.vars) +
                          "; declare it in [state] in world.toml", t.pos)
            return Node("var", value=var.index, type=var.type, start=t.pos, end=end)
        if t.kind == "end":
            self.fail("the expression ends too soon", t.pos)
        self.fail(f"unexpected {t.text!r}", t.pos)
        raise AssertionError  # unreachable

    def call(self, t: Token) -> Node:
        name = t.text
        if name == "random" and not self.allow_random:
            self.fail("random() may only be used in effects, not in conditions", t.pos)
        self.expect("(")
        args = [self.check(self.expr(), "int", f"{name}()")]
        while self.peek().text == ",":
            self.take()
            args.append(self.check(self.expr(), "int", f"{name}()"))
        close = self.expect(")")
        if len(args) != FUNCS[name]:
            self.fail(f"{name}() takes {FUNCS[name]} argument{'s' if FUNCS[name] > 1 else ''}, not {len(args)}", t.pos)
        return Node("call", tuple(args), value=name, type="int", start=t.pos, end=close.pos + 1)

    def finish(self, node: Node) -> Node:
        t = self.peek()
        if t.kind != "end":
            self.fail(f"unexpected {t.text!r} after the end of the expression", t.pos)
        return node


def _hint(name: str, known) -> str:
    from .suggest import did_you_mean

    s = did_you_mean(name, known)
    return f" (did you mean {s!r}?)" if s else ""


def parse_condition(src: str, scope: Scope) -> Node:
    """Parse a condition; it must be a flag expression and may not use random()."""
    p = _Parser(src, scope, allow_random=False)
    if p.peek().kind == "end":
        p.fail("the condition is empty", 0)
    node = p.finish(p.expr())
    if node.type != "bool":
        p.fail("a condition must be true or false, but this is a number (compare it, e.g. 'x > 0')", 0)
    return node


def parse_value(src: str, scope: Scope, allow_random: bool = True) -> Node:
    p = _Parser(src, scope, allow_random)
    if p.peek().kind == "end":
        p.fail("the expression is empty", 0)
    return p.finish(p.expr())


class Effect(Record):
    """`name = expr`, `name += expr` or `name -= expr`, parsed."""

    __slots__ = ("source", "name", "var", "op", "value", "_h")
    _fields = ("source", "name", "var", "op", "value")

    def __init__(self, source: str, name: str, var: Var, op: str, value: Node):
        self.source = source
        self.name = name
        self.var = var
        self.op = op
        self.value = value


def parse_effect(src: str, scope: Scope) -> Effect:
    p = _Parser(src, scope, allow_random=True)
    t = p.take()
    if t.kind != "name":
        p.fail("an effect starts with a declared name, e.g. 'dread += 1'", t.pos)
    if t.text in KEYWORDS:
        p.fail(f"{t.text!r} cannot be assigned to", t.pos)
    var = scope.vars.get(t.text)
    if var is None:
        p.fail(f"undeclared name {t.text!r}" + _hint(t.text, scope.vars) + "; declare it in [state] in world.toml", t.pos)
    op = p.take()
    if op.kind != "op" or op.text not in ("=", "+=", "-="):
        hint = "; to compare, use 'if', not 'do'" if op.text == "==" else ""
        p.fail(f"expected '=', '+=' or '-=' after {t.text!r}{hint}", op.pos)
    if p.peek().kind == "end":
        p.fail("the effect has no value after " + repr(op.text), p.peek().pos)
    if op.text != "=" and var.type != "int":
        if var.type == "bool":
            p.fail(f"'{op.text}' needs a counter, but {t.text!r} is a flag; use '{t.text} = true'", op.pos)
        p.fail(f"'{op.text}' needs a counter, but {t.text!r} is {type_word(var.type)}; "
               f"use '{t.text} = {var.values[0]}'", op.pos)
    target = Node("var", value=var.index, type=var.type, start=t.pos, end=t.pos + len(t.text))
    value = p.finish(p.enum_value(target) or p.expr())
    if value.type != var.type:
        what = {"bool": "a flag", "int": "a counter"}.get(var.type, type_word(var.type))
        p.fail(f"{t.text!r} is {what} but the value is {type_word(value.type)}", value.start)
    return Effect(src, t.text, var, op.text, value)


# ---------------------------------------------------------------- compilation into closures


def _sat(x: int) -> int:
    if x > INT_MAX:
        return INT_MAX
    if x < INT_MIN:
        return INT_MIN
    return x


def _div(a: int, b: int) -> int:
    return a // b if b else 0


def _mod(a: int, b: int) -> int:
    return a % b if b else 0


_CMP = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt,
        ">=": operator.ge}


def _binary(op: str, a: Callable, b: Callable) -> Callable:
    if op == "and":
        return lambda env: a(env) and b(env)
    if op == "or":
        return lambda env: a(env) or b(env)
    if op == "==":
        return lambda env: a(env) == b(env)
    if op == "!=":
        return lambda env: a(env) != b(env)
    if op == "<":
        return lambda env: a(env) < b(env)
    if op == "<=":
        return lambda env: a(env) <= b(env)
    if op == ">":
        return lambda env: a(env) > b(env)
    if op == ">=":
        return lambda env: a(env) >= b(env)
    if op == "+":
        return lambda env: _sat(a(env) + b(env))
    if op == "-":
        return lambda env: _sat(a(env) - b(env))
    if op == "*":
        return lambda env: _sat(a(env) * b(env))
    if op == "/":
        return lambda env: _div(a(env), b(env))
    if op == "%":
        return lambda env: _mod(a(env), b(env))
    raise ValueError(f"unknown operator {op!r}")


def _leaf_binary(n: Node) -> Callable | None:
    """One closure, with no calls inside, for the commonest shapes: a flag or counter against a
    number or another flag or counter (`coins >= 3`, `lamp and key`, `not lamp`). Evaluating
    `a(env) >= b(env)` costs three calls; these cost one. None for any other shape."""
    op = n.op
    if op == "not":
        (x,) = n.args
        if x.op == "var":
            i = x.value
            return lambda env: not env.v[i]
        return None
    if op not in _CMP and op not in ("and", "or"):
        return None
    x, y = n.args
    if x.op == "var" and y.op == "lit":
        i, c = x.value, y.value
        if op == "==":
            return lambda env: env.v[i] == c
        if op == "!=":
            return lambda env: env.v[i] != c
        if op == "<":
            return lambda env: env.v[i] < c
        if op == "<=":
            return lambda env: env.v[i] <= c
        if op == ">":
            return lambda env: env.v[i] > c
        if op == ">=":
            return lambda env: env.v[i] >= c
        return None  # `x and true`: rare; the general form does
    if x.op == "var" and y.op == "var":
        i, j = x.value, y.value
        if op == "and":
            return lambda env: env.v[i] and env.v[j]
        if op == "or":
            return lambda env: env.v[i] or env.v[j]
        f = _CMP[op]
        return lambda env: f(env.v[i], env.v[j])
    if x.op == "visits" and y.op == "lit" and op in _CMP:
        i, c, f = x.value, y.value, _CMP[op]
        return lambda env: f(env.visits[i], c)
    if x.op == "turn" and y.op == "lit" and op in _CMP:
        c, f = y.value, _CMP[op]
        return lambda env: f(env.turn, c)
    return None


def compile_node(n: Node) -> Callable:
    """Turn a node into a function of an env (with .v values, .visits, .turn, .random)."""
    op = n.op
    if op == "lit":
        c = n.value
        return lambda env: c
    if op == "var":
        i = n.value
        return lambda env: env.v[i]
    if op == "visits":
        i = n.value
        return lambda env: env.visits[i]
    if op == "turn":
        return lambda env: env.turn
    fast = _leaf_binary(n)
    if fast is not None:
        return fast
    args = [compile_node(a) for a in n.args]
    if op == "not":
        (a,) = args
        return lambda env: not a(env)
    if op == "neg":
        (a,) = args
        return lambda env: _sat(-a(env))
    if op == "call":
        name = n.value
        if name == "abs":
            (a,) = args
            return lambda env: _sat(abs(a(env)))
        a, b = args
        if name == "min":
            return lambda env: min(a(env), b(env))
        if name == "max":
            return lambda env: max(a(env), b(env))
        return lambda env: env.random(a(env), b(env))
    a, b = args
    return _binary(op, a, b)


def compile_effect(e: Effect) -> Callable:
    """An effect becomes a function that updates env.v (a list) in place, clamping to bounds."""
    i = e.var.index
    lo, hi = e.var.lo, e.var.hi
    if e.value.op == "lit" and (e.var.type == "bool" or e.op == "="):
        c = e.value.value
        if e.var.type == "int" and e.op == "=":
            c = c if lo is None or c >= lo else lo
            c = c if hi is None or c <= hi else hi

        def run(env):
            env.v[i] = c
        return run
    if e.value.op == "lit" and lo is not None and hi is not None:
        # x += k within [lo, hi]: saturating first cannot change what the clamp gives
        k = e.value.value if e.op == "+=" else -e.value.value

        def run(env):
            v = env.v
            x = v[i] + k
            v[i] = lo if x < lo else hi if x > hi else x
        return run
    f = compile_node(e.value)
    if e.op == "=":
        if e.var.type == "bool":
            def run(env):
                env.v[i] = f(env)
            return run
        calc = f
    elif e.op == "+=":
        def calc(env):
            return _sat(env.v[i] + f(env))
    else:
        def calc(env):
            return _sat(env.v[i] - f(env))
    if lo is None and hi is None:
        def run(env):
            env.v[i] = calc(env)
        return run
    lo_ = INT_MIN if lo is None else lo
    hi_ = INT_MAX if hi is None else hi

    def run(env):
        x = calc(env)
        env.v[i] = lo_ if x < lo_ else hi_ if x > hi_ else x
    return run


# ---------------------------------------------------------------- analysis


def names_read(n: Node, out: set[int] | None = None) -> set[int]:
    """Slots of declared state that an expression reads."""
    out = set() if out is None else out
    if n.op == "var":
        out.add(n.value)
    for a in n.args:
        names_read(a, out)
    return out


def explain(n: Node, src: str, env) -> list[str]:
    """The parts of a false condition that make it false, as source slices, for ':why'."""
    f = compile_node(n)
    if f(env):
        return []
    if n.op == "and":
        return explain(n.args[0], src, env) + explain(n.args[1], src, env)
    if n.op == "or":
        return [f"{src[n.start:n.end]} (neither side holds)"]
    return [src[n.start:n.end]]

"""Text that changes with the state: the pieces of a Template besides plain text and value slots.

    {name}              a declared value (an enum shows its name)    {turn}  {visits.room}
    {if COND: A|B}      A when COND holds, else B (B may be left out)
    {sequence: A|B|C}   A, then B, then C for ever      {cycle: A|B|C}    A, B, C, A, ...
    {once: A|B|C}       A, B, C, then nothing           {shuffle: A|B|C}  one at random each time

Which alternative shows depends on a count the engine keeps per owner of varying text (a room's
entries, a choice's takings, a rule's firings: State.seen); a shuffle's pick is a function of the
game's generator state, the piece's place in its text and that count, so the same game shows the
same words, and no dice of `random()` are used up. Parsing is a small recursive descent over the
source; conditions go through the closed expression language (expr.py), nothing else is read.
"""

from __future__ import annotations

from .errors import ExprError
from .expr import KEYWORDS, Scope, compile_node, parse_condition, parse_value
from .record import Record
from .rng import pick

__all__ = ["Value", "Turn", "Visits", "IfText", "Alternatives", "KINDS", "parse_parts"]

KINDS = ("sequence", "cycle", "once", "shuffle")
MAX_NEST = 8

# syntax from Ink and ChoiceScript, recognised to say what to write here
_INK = {"&": "cycle", "~": "shuffle", "!": "once"}


class Value(Record):
    """An enum's value, shown by name."""

    __slots__ = _fields = ("index", "names")

    def show(self, values, env, count) -> str:
        return self.names[values[self.index]]


class Turn(Record):
    __slots__ = _fields = ()

    def show(self, values, env, count) -> str:
        return str(env.turn) if env is not None else "0"


class Visits(Record):
    __slots__ = _fields = ("slot",)

    def show(self, values, env, count) -> str:
        return str(env.visits[self.slot]) if env is not None else "0"


class IfText(Record):
    """`{if COND: A|B}`. `then` and `other` are Templates."""

    __slots__ = ("cond", "source", "test", "then", "other", "_h")
    _fields = ("cond", "source", "test", "then", "other")
    _eq = ("cond", "source", "then", "other")

    def show(self, values, env, count) -> str:
        # without a State (a label listed outside a game) the condition reads the values alone
        holds = self.test(env) if env is not None else False
        return (self.then if holds else self.other).render(values, env, count)


class Alternatives(Record):
    """`{kind: A|B|...}`; `key` is the piece's offset in its text (a shuffle's pick reads it)."""

    __slots__ = ("kind", "alts", "key", "_h")
    _fields = ("kind", "alts", "key")

    def index(self, env, count: int) -> int | None:
        n = len(self.alts)
        k = self.kind
        if k == "sequence":
            return count if count < n else n - 1
        if k == "cycle":
            return count % n
        if k == "once":
            return count if count < n else None
        x = env.rng if env is not None else 0
        if x.__class__ is not int:  # the analysis forces dice with an object there: the words do not matter to it
            x = 0
        return pick(x, self.key, count, n)

    def show(self, values, env, count) -> str:
        i = self.index(env, count)
        return "" if i is None else self.alts[i].render(values, env, count)


def _one_line(msg: str) -> str:
    """A message quoting the author's text, safe on one line: what is not printable escaped
    (text.escape_line's rule; this module may not import text), long quotes cut."""
    if msg.isprintable():
        return msg
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" if ord(c) < 256 else f"\\u{ord(c):04x}"
                   for c in msg)


def _cut(quote: str) -> str:
    """The author's text as a message quotes it: enough to find it."""
    return quote if len(quote) <= 40 else quote[:40] + "..."


class _Parser:
    def __init__(self, src: str, scope: Scope, make):
        self.src = src
        self.scope = scope
        self.make = make  # parts -> Template (text.py's class; passed in to keep imports one-way)
        self.depth = 0

    def fail(self, msg: str, pos: int) -> None:
        src = self.src
        raise ExprError(_one_line(msg), src[max(0, pos - 20):pos + 20], min(20, pos))

    def parts(self, i: int, inner: bool) -> tuple[list, int]:
        """Parts from i up to the end (or, inside braces, up to a top-level '|' or '}')."""
        src, n = self.src, len(self.src)
        parts: list = []
        buf: list[str] = []
        while i < n:
            c = src[i]
            if c == "{":
                if src.startswith("{{", i):
                    buf.append("{")
                    i += 2
                    continue
                if buf:
                    parts.append("".join(buf))
                    buf = []
                piece, i = self.brace(i)
                parts.append(piece)
                continue
            if c == "}":
                if inner:  # inside braces a '}' always closes
                    break
                if src.startswith("}}", i):
                    buf.append("}")
                    i += 2
                    continue
                self.fail("a lone brace in text (write {{ or }} for a literal brace)", i)
            if c == "|" and inner:
                break
            buf.append(c)
            i += 1
        if buf:
            parts.append("".join(buf))
        return parts, i

    def brace(self, start: int):
        """The piece of the `{...}` at `start`; returns (piece, index after its '}')."""
        src = self.src
        j = start + 1
        while j < len(src) and src[j] not in ":|{}":
            j += 1
        head = src[start + 1:j]
        stop = src[j] if j < len(src) else ""
        word = head.strip()
        if stop == "}" or stop == "":
            if stop == "":
                self.fail("a '{' is never closed (write {{ for a literal brace)", start)
            return self.slot(word, start), j + 1
        if stop == "{":
            self.fail(f"unexpected '{{' inside {{{_cut(head)}...}} (write {{{{ for a literal brace)", j)
        if stop == "|":
            if start and src[start - 1] == "@":
                self.fail("ChoiceScript's @{x a|b} is written {if x: a|b} here", start)
            lead = word[:1]
            kind = _INK.get(lead, "sequence")
            self.fail(f"write {{{kind}: ...}} for alternatives (Ink's {{{lead if lead in _INK else ''}a|b}} is not this format's syntax)", start)
        # stop == ":"
        if word in KINDS:
            return self.alternatives(word, start, j + 1)
        if word.startswith("if ") or word.startswith("if\t"):
            return self.if_text(word[3:].strip(), start, j + 1)
        self.fail(f"{{{_cut(word)}: ...}} is not a kind of text; write {{if {_cut(word)}: A|B}} for a condition, or one of "
                  + ", ".join(f"{{{k}: A|B}}" for k in KINDS), start)
        raise AssertionError

    def slot(self, word: str, start: int):
        scope = self.scope
        if word in ("turn",):
            return Turn()
        if word.startswith("visits.") or word.startswith("visits "):
            try:
                node = parse_value(word, scope, allow_random=False)
            except ExprError as e:
                self.fail(e.message, start + 1 + e.pos)
            return Visits(node.value)
        var = scope.vars.get(word)
        if var is not None:
            return Value(var.index, var.values) if var.values else var.index
        from .suggest import did_you_mean

        if word[:1] in _INK or word.startswith("@") or word.startswith("$"):
            self.fail(f"{{{_cut(word)}}} is syntax from another format; write a declared name, e.g. {{gold}}, "
                      "or {if cond: A|B}", start)
        names = list(scope.vars) + ["turn"]
        s = did_you_mean(word, names)
        hint = f" (did you mean {{{s}}}?)" if s else " (write {{ and }} for literal braces)"
        self.fail(f"text names {{{_cut(word)}}}, which is not declared in [state]{hint}", start)

    def alts(self, i: int) -> tuple[list, int]:
        """The alternatives from i to the closing '}'; returns (Templates, index after it)."""
        self.depth += 1
        if self.depth > MAX_NEST:
            self.fail(f"text variations are nested more than {MAX_NEST} deep", i)
        out = []
        while True:
            parts, i = self.parts(i, inner=True)
            # `{cycle: a | b}`: the spaces around an alternative are layout, not text
            if parts and parts[0].__class__ is str:
                parts[0] = parts[0].lstrip()
            if parts and parts[-1].__class__ is str:
                parts[-1] = parts[-1].rstrip()
            out.append(self.make([p for p in parts if p != ""]))
            if i >= len(self.src):
                self.fail("a '{' is never closed", i - 1)
            c = self.src[i]
            i += 1
            if c == "}":
                break
        self.depth -= 1
        return out, i

    def alternatives(self, kind: str, start: int, i: int):
        alts, i = self.alts(i)
        if len(alts) < 2 and kind != "once":
            self.fail(f"{{{kind}: ...}} needs two or more alternatives, split by '|'", start)
        return Alternatives(kind, tuple(alts), start), i

    def if_text(self, cond: str, start: int, i: int):
        if not cond:
            self.fail("{if ...} needs a condition before ':'", start)
        try:
            node = parse_condition(cond, self.scope)
        except ExprError as e:
            at = self.src.find(cond, start)
            self.fail(e.message, at + e.pos)
        alts, end = self.alts(i)
        if len(alts) > 2:
            self.fail("{if COND: A|B} has at most two alternatives: A when it holds, B when not", start)
        other = alts[1] if len(alts) == 2 else self.make([""])
        return IfText(node, cond, compile_node(node), alts[0], other), end


def parse_parts(src: str, scope: Scope, make) -> list:
    """The parts of a text (str, int value slots, and the pieces above). Raises ExprError."""
    p = _Parser(src, scope, make)
    parts, _ = p.parts(0, inner=False)
    return parts

"""What a careful player would find wrong in a world that plays: findings about what the text and
the endings say, from the abstract interpretation (absint.py: per-room boxes of intervals). Both
are warnings. A box over-approximates the states, so a condition it calls constant is constant:
text-contradicts-state is never made from a guess (what the boxes cannot decide is left alone);
ending-ignores-choice may name an ending the boxes cannot rule out but no play picks there.

Codes:
  ending-ignores-choice   a choice (or a `next` entry, or a rule) ends the game with `end = true`
                          after its own `do` changed some values, and an ending that `end = true`
                          may pick there reads none of them: not in its `when`, not in the `when`s
                          tested before it, not in its text. The player's last act is forgotten
                          (the All-Hands case: accepting an offer after merging the pull request
                          ended in the merge's ending, which never mentions the offer).
  text-contradicts-state  an inline `{if COND: A|B}` whose COND is constant everywhere the text is
                          shown: A never shows (COND never holds there) or B never shows (COND
                          always holds), so one branch is dead text, and usually the other says
                          something the author meant only for some states. Read on the state the
                          text is shown in: a room's `text` (on entering, or looking) in the room's
                          `present` box, a `text_if` paragraph in that box narrowed by its `if`, a
                          choice's label where it is offered (a greyed-out one: anywhere in the
                          room), its `why` where it is greyed out, its `reply` after its `do`, a
                          rule's text after its steps, an ending's text where it is reached;
                          an `{if}` nested in a branch is read where that branch shows.

`{name}` slots are not judged: a slot shows the value as it is, so it cannot say something false
about it (a slot that is always the same number is a style question, not a contradiction).
"""

from __future__ import annotations

from ..core.expr import INT_MAX, names_read
from ..core.model import World
from ..core.steps import effects_in
from ..core.variation import Alternatives, IfText
from ..world.locate import Locator, keypath
from .absint import Abstract, abstract
from .absmove import _Mover
from .findings import Finding
from .intervals import FALSE, TRUE, _sat, eval_interval, join, refine

__all__ = ["lint_findings", "CODES"]

CODES = {"ending-ignores-choice": "warning", "text-contradicts-state": "warning"}


def lint_findings(world: World, ab: Abstract | None = None) -> list[Finding]:
    """The endings that forget the last act, and the inline conditions that are constant where
    their text is shown; in file order."""
    ab = abstract(world) if ab is None else ab
    lines = _Lines(world)
    out = _ending_findings(world, ab, lines) + _text_findings(world, ab, lines)
    files = list(world.files)
    return sorted(out, key=lambda f: (files.index(f.file) if f.file in files else len(files), f.file, f.line or 0))


def _finding(code, file, line, path, message, hint) -> Finding:
    return Finding(code, CODES[code], file, line, keypath(path), message, hint)


class _Lines:
    """The line of a key, and of an `{if COND:` inside the text at that key."""

    def __init__(self, world: World):
        self.world = world
        self.locs: dict[str, Locator] = {}

    def line(self, file: str, path: tuple, default=None, passage: str | None = None):
        text = self.world.files.get(file)
        if text is None:
            return default
        loc = self.locs.get(file)
        if loc is None:
            loc = self.locs[file] = Locator(text)
        start = loc.lines.get(tuple(path))
        if start is None:
            return default
        if passage:
            src = text.splitlines()
            for n in range(start - 1, min(len(src), start + 400)):
                if passage in src[n]:
                    return n + 1
        return start


# ---------------------------------------------------------------- the steps, over boxes


def _steps(ab: Abstract, box, steps):
    """The box after steps (effects and branches), or None."""
    return _Mover(ab).steps(box, steps)


def _tick(box):
    """The box with the turn advanced (after a move's steps)."""
    if box is None:
        return None
    t = box[-1]
    return box[:-1] + ((_sat(t[0] + 1), _sat(t[1] + 1)),)


def _changed(world: World, before, after, steps) -> list[int]:
    """The values the steps may change from `before` to `after` (persistent ones left out: they
    carry into the next game, so the ending is not the only place that reads them)."""
    out = []
    for i in sorted({e.var.index for e in effects_in(steps)}):
        if world.vars[i].persist:
            continue
        x, y = before[i], after[i]
        if x[0] == x[1] and x == y:  # set to what it already was, every time
            continue
        out.append(i)
    return out


def _rule_boxes(world: World, ab: Abstract) -> dict:
    """{rule id: the box where it may fire}: the join of every box a move may leave the player in
    (a plain world has no rules), narrowed by its `when`."""
    if not world.rules:
        return {}
    fire = getattr(ab, "fire_boxes", None)
    if fire is not None:
        return fire
    anywhere = None
    for b in list(ab.entry.values()) + list(ab.present.values()):
        anywhere = join(anywhere, b)
    return {x.id: refine(x.when, anywhere) for x in world.rules}


# ---------------------------------------------------------------- ending-ignores-choice


def _resolution(world: World, box) -> list[tuple]:
    """[(ending, the values its pick reads)] for each ending `end = true` may pick over `box`:
    what the `when`s tested up to it read, and its text."""
    out = []
    read: set[int] = set()
    tested = box
    res = world.resolvable
    for k, e in enumerate(res):
        if tested is None:
            break
        if e.when is not None:
            names_read(e.when, read)
        last = k == len(res) - 1
        if e.when is None or last or refine(e.when, tested) is not None:
            out.append((e, read | e.text.slots))
        tested = refine(e.when, tested, False) if e.when is not None else None
    return out


def _ends(world: World, ab: Abstract):
    """(what, file, line, key path, steps, box before its steps, box where `end = true` resolves)
    for every choice, `next` entry and rule that may end the game with `end = true`."""
    for rid in world.room_order:
        room = world.rooms[rid]
        for i, c in enumerate(room.choices):
            if c.end is not True and not any(n.end is True for n in c.next):
                continue
            if not c.effects:
                continue
            before = ab.choice_box(c)
            if before is None or (c.back and ab.general and not ab.back_to.get(rid)):
                continue
            after = _tick(_steps(ab, before, c.effects))
            if after is None:
                continue
            if c.end is True:
                yield f"choice {c.key!r}", c.file, c.line, (rid, "choice", i), c.effects, before, after
                continue
            rest = after
            for j, n in enumerate(c.next):
                here = refine(n.cond, rest)
                rest = refine(n.cond, rest, False) if n.cond is not None else None
                if here is not None and n.end is True:
                    yield (f"choice {c.key!r} (its `next` entry {j + 1})", c.file, c.line, (rid, "choice", i),
                           c.effects, before, here)
    boxes = _rule_boxes(world, ab)
    for k, x in enumerate(world.rules):
        if x.end is not True or not x.steps:
            continue
        before = boxes.get(x.id)
        after = _steps(ab, before, x.steps)
        if before is not None and after is not None:
            yield f"rule {x.id!r}", x.file, x.line, ("rule", k), x.steps, before, after


def _ending_findings(world: World, ab: Abstract, lines: _Lines) -> list[Finding]:
    out = []
    for what, file, line, path, steps, before, after in _ends(world, ab):
        changed = _changed(world, before, after, steps)
        if not changed:
            continue
        forgets = [e for e, read in _resolution(world, after) if read.isdisjoint(changed)]
        if not forgets:
            continue
        names = [world.vars[i].name for i in changed]
        vals = _and(names)
        ends = _and([repr(e.id) for e in forgets])
        one = len(forgets) == 1
        if len(names) == 1:
            reads = f"it does not read {vals}" if one else f"none of them reads {vals}"
        else:
            reads = f"it reads none of {vals}" if one else f"none of them reads any of {vals}"
        out.append(_finding(
            "ending-ignores-choice", file, line, path,
            f"{what} ends the game with `end = true` after changing {vals}, but `end = true` can pick "
            f"{ends} there, and {reads} "
            f"(not in its text, nor in a `when` tested on the way to it): the player's last act is forgotten",
            f"name the ending this act leads to (end = \"id\"), or read {names[0]} in "
            f"{'its' if one else 'their'} `when` or text"))
    return out


def _and(xs: list[str]) -> str:
    return xs[0] if len(xs) == 1 else ", ".join(xs[:-1]) + " and " + xs[-1]


# ---------------------------------------------------------------- text-contradicts-state


def _shows(t) -> bool:
    """Whether a branch shows anything (an empty `B` in `{if C: A}` does not)."""
    for p in t.parts:
        if p.__class__ is not str or p.strip():
            return True
    return False


def _dead(t, box, found: list) -> None:
    """Collect (IfText, truth) for each `{if}` of Template t constant over box."""
    if box is None:
        return
    for p in t.parts:
        cls = p.__class__
        if cls is IfText:
            v = eval_interval(p.cond, box)
            if v == FALSE and _shows(p.then):
                found.append((p, False))
            elif v == TRUE and _shows(p.other):
                found.append((p, True))
            if v != FALSE:
                _dead(p.then, refine(p.cond, box), found)
            if v != TRUE:
                _dead(p.other, refine(p.cond, box, False), found)
        elif cls is Alternatives:
            for a in p.alts:
                _dead(a, box, found)


def _texts(world: World, ab: Abstract):
    """(file, key path, default line, what, where, Template, box) for every text the player reads
    that may hold an `{if}`, with the box of the states it is shown in."""
    for rid in world.room_order:
        room = world.rooms[rid]
        present = ab.present.get(rid)
        if present is None:
            continue
        where = f"in room {rid!r}"
        yield room.file, (rid, "text"), room.line, f"room {rid!r}'s text", where, room.text, present
        for i, t in enumerate(room.text_if):
            yield (room.file, (rid, "text_if", i, "text"), t.line, f"room {rid!r}'s text_if[{i}] ({t.source})",
                   f"where it shows ({t.source})", t.text, refine(t.cond, present))
        for i, c in enumerate(room.choices):
            if c.back and ab.general and not ab.back_to.get(rid):
                continue
            path = (rid, "choice", i)
            taken = ab.choice_box(c)
            label_box = present if c.show == "grey" else taken
            yield c.file, path + ("say",), c.line, f"choice {c.key!r}'s label", "where it is offered", c.say, label_box
            if c.why is not None and c.cond is not None:
                yield (c.file, path + ("why",), c.line, f"choice {c.key!r}'s why", "where it is greyed out", c.why,
                       refine(c.cond, present, False))
            if c.reply is not None and taken is not None:
                yield (c.file, path + ("reply",), c.line, f"choice {c.key!r}'s reply", "after its `do`", c.reply,
                       _tick(_steps(ab, taken, c.effects)))
    boxes = _rule_boxes(world, ab)
    for k, x in enumerate(world.rules):
        if x.text is not None:
            yield (x.file, ("rule", k, "text"), x.line, f"rule {x.id!r}'s text", "when it fires", x.text,
                   _steps(ab, boxes.get(x.id), x.steps))
    reached = _ending_reached(world, ab)
    for k, e in enumerate(world.endings):
        yield e.file, ("ending", k, "text"), e.line, f"ending {e.id!r}'s text", "where it is reached", e.text, reached.get(e.id)


def _ending_reached(world: World, ab: Abstract) -> dict:
    """{ending id: the box of the states it is reached in}: by name, and by `end = true`."""
    out: dict = {}
    if ab.general:
        out.update(ab.named)
    else:
        for r in world.rooms.values():
            for c in r.choices:
                if isinstance(c.end, str):
                    b = ab.choice_box(c)
                    if b is not None:
                        out[c.end] = join(out.get(c.end), ab.after(c, b))
    tested = ab.ending_boxes()
    res = world.resolvable
    for k, e in enumerate(res):
        b = tested.get(e.id)
        if b is None:
            continue
        here = b if k == len(res) - 1 else refine(e.when, b)  # the last is picked when none holds
        out[e.id] = join(out.get(e.id), here)
    return out


def _text_findings(world: World, ab: Abstract, lines: _Lines) -> list[Finding]:
    out = []
    seen = set()
    for file, path, default, what, where, t, box in _texts(world, ab):
        if box is None or not t.dynamic:
            continue
        found: list = []
        _dead(t, box, found)
        for p, holds in found:
            key = (file, path, p.source)
            if key in seen:
                continue
            seen.add(key)
            line = lines.line(file, path, default, p.source)
            if holds:
                msg = (f"{what}: {{if {p.source}: ...}} always holds {where}, so its other branch is never shown")
                hint = "drop the condition and keep the first branch, or check what leads here"
            else:
                msg = (f"{what}: {{if {p.source}: ...}} never holds {where}, so its first branch is never shown")
                hint = "remove the branch, or check the condition against what leads here"
            out.append(_finding("text-contradicts-state", file, line, path, msg + _values(world, p.cond, box), hint))
    return out


def _values(world: World, cond, box) -> str:
    """What the box says of the values the condition reads: ' (met_renata is always false there)'."""
    parts = []
    for i in sorted(names_read(cond)):
        v = world.vars[i]
        lo, hi = box[i]
        if v.type == "bool":
            if lo == hi:
                parts.append(f"{v.name} is always {'true' if lo else 'false'}")
        elif v.values:
            if lo == hi:
                parts.append(f"{v.name} is always {v.values[lo]}")
        elif lo == hi:
            parts.append(f"{v.name} is always {lo}")
        else:
            rng = f"at least {lo}" if hi >= INT_MAX else f"between {lo} and {hi}"
            parts.append(f"{v.name} is {rng}")
    return f" ({'; '.join(parts)} there)" if parts else ""

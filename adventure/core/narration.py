"""What the player reads of a move: engine events and choices as styled blocks `(style, text)`.

Pure text, shared by every front end (terminal, plain, the API's observations), the walkthrough
checker and the benchmark, so they cannot drift apart. Styles: title intro text reply change
ending choice grey info error; a front end decides only how a style looks.
"""

from __future__ import annotations

from .engine import Changed, EndingReached, Intro, Reply, RoomEntered, RuleFired, label, reason

__all__ = ["Block", "event_blocks", "choice_blocks"]

Block = tuple  # (style, text)


def event_blocks(events) -> list[Block]:
    if len(events) == 1:  # the commonest move: into a room, nothing else to say
        ev = events[0]
        if ev.__class__ is RoomEntered:
            return [("title", ev.title), ("text", ev.text)]
    out: list[Block] = []
    changes = []
    for ev in events:
        cls = ev.__class__  # the event classes are final: compare classes, most frequent first
        if cls is RoomEntered:
            if changes:
                out.append(("change", _changes_text(changes)))
                changes = []
            out.append(("title", ev.title))
            out.append(("text", ev.text))
        elif cls is Changed:
            if not ev.hidden:
                changes.append(ev)
        elif cls is Reply or cls is RuleFired:
            out.append(("reply", ev.text))
        elif cls is EndingReached:
            if changes:
                out.append(("change", _changes_text(changes)))
                changes = []
            out.append(("ending", f"*** {ev.title} ***"))
            out.append(("text", ev.text))
        elif cls is Intro:
            out.append(("title", ev.title))
            if ev.author:
                out.append(("info", f"by {ev.author}"))
            if ev.text:
                out.append(("intro", ev.text))
    if changes:
        out.append(("change", _changes_text(changes)))
    return out




def choice_blocks(opts, state) -> list[Block]:
    """The numbered choices shown for these options (`engine.options` in `state`), greyed-out ones
    marked with the author's reason (`why`) when there is one."""
    out = []
    n = 0
    for o in opts:
        n += 1
        text = o.label
        if text is None:
            text = label(state, o.choice)
        if o.enabled:
            out.append(("choice", f"{n}. {text}"))
        else:
            out.append(("grey", f"{n}. {text} ({reason(state, o.choice) or 'not available'})"))
    return out


def _change_text(c) -> str:
    new = c.new
    if new.__class__ is str:  # an enum's value, by name
        return f"{c.name}: {new}"
    if new.__class__ is bool:
        return f"{c.name}: {'true' if new else 'false'}"
    d = new - c.old
    return f"{c.name} +{d}" if d > 0 else f"{c.name} -{-d}"


def _changes_text(changes) -> str:
    """"(coins +2, lamp: true)": the changes a move made, as the player sees them."""
    if len(changes) == 1:
        return "(" + _change_text(changes[0]) + ")"
    return "(" + ", ".join(map(_change_text, changes)) + ")"

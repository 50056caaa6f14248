"""JSON Schemas (draft-07) of the world format, for editors that validate and complete TOML with
JSON Schema (taplo, and the editors built on it such as Even Better TOML).

The properties of every table are generated from the loader's own key lists (WORLD_KEYS,
CHOICE_KEYS, ... in loader.py, and walkthrough.py's KEYS), so the schema cannot drift from what
the loader accepts: a key added to the loader still appears here (undescribed until someone adds
its description below, which tests/test_authoring.py insists on).
"""

from __future__ import annotations

from . import loader
from . import walkthrough
from ..core.expr import MAX_LEN

__all__ = ["world_schema", "room_schema", "walkthrough_schema", "undescribed", "SCHEMAS", "WORLD_FILE_KEYS", "DRAFT"]

DRAFT = "http://json-schema.org/draft-07/schema#"
# the top-level tables of world.toml (loader.py checks them in _Loader.run)
WORLD_FILE_KEYS = ("world", "state", "ending")

_TEXT = {"type": "string", "maxLength": loader.MAX_TEXT}
_COND = {"type": "string", "minLength": 1, "maxLength": MAX_LEN}
_SHOW = {"type": "string", "enum": ["hide", "grey"]}
# JSON Schema patterns match anywhere in a string (and ECMA's `$` only at its very end)
_ID = {"type": "string", "pattern": f"^{loader.ID.pattern}$", "minLength": 1, "maxLength": loader.MAX_ID}
_NAME_PATTERN = f"^{loader.NAME.pattern}$"
_NAME = {"type": "string", "pattern": _NAME_PATTERN, "maxLength": loader.MAX_ID}


def _d(schema: dict, text: str) -> dict:
    return {**schema, "description": text}


# key -> (schema, required); one table per key list in loader.py
WORLD = {
    "id": (_d(_ID, "Stable identifier of the world (letters, digits, '-', '_'), recorded in saves and replays."), True),
    "title": (_d({"type": "string"}, "Shown when the game starts."), True),
    "start": (_d(_NAME, "Id of the room the game starts in."), True),
    "author": (_d({"type": "string"}, "Shown under the title."), False),
    "intro": (_d(_TEXT, "Text shown once, before the first room. {name} shows a flag or counter."), False),
    "unavailable": (_d(_SHOW, "What a player sees of a choice whose `if` is false: nothing (\"hide\", the default) "
                              "or the choice greyed out (\"grey\"). A choice's `show` overrides it."), False),
    "version": (_d({"type": "string"}, "The author's version label for the world; informational."), False),
    "show_changes": (_d({"type": "boolean"}, "After each move the player sees what changed, e.g. (dread +1). "
                                             "false hides that for every flag and counter (each can opt back in "
                                             "with hidden = false). Default true."), False),
}
ENDING = {
    "id": (_d(_ID, "Stable identifier, unique among endings; `end = \"id\"` names it."), True),
    "title": (_d({"type": "string"}, "Shown when the ending is reached and in the endings gallery."), True),
    "text": (_d(_TEXT, "The ending's prose."), True),
    "when": (_d(_COND, "Condition: `end = true` takes the first ending whose `when` holds. Every ending but "
                       "the last has one; the last has none and catches the rest."), False),
    "secret": (_d({"type": "boolean"}, "Hidden in the gallery (shown as ???) until reached."), False),
}
ROOM = {
    "title": (_d({"type": "string"}, "Shown as the room's heading."), True),
    "text": (_d(_TEXT, "Shown each time the player enters the room."), True),
    "text_if": (None, False),  # filled in below: an array of TEXT_IF tables
    "choice": (None, True),  # an array of CHOICE tables
    "split": (_d({"type": "boolean"}, "A speedrun split point: if any room sets it, speedruns split only on first "
                                      "entry into those rooms (see docs/speedrun.md)."), False),
}
TEXT_IF = {
    "if": (_d(_COND, "Condition: the text is shown after the room's text when this holds on entering."), True),
    "text": (_d(_TEXT, "The conditional paragraph."), True),
}
CHOICE = {
    "id": (_d(_ID, "Stable id, unique within its room. Saves, replays and walkthroughs name choices by it."), True),
    "say": (_d({"type": "string"}, "The label shown to the player. {name} shows a flag or counter."), True),
    "if": (_d(_COND, "Condition: the choice is available only while this holds."), False),
    "show": (_d(_SHOW, "Overrides the world's `unavailable` for this choice."), False),
    "once": (_d({"type": "boolean"}, "Once taken, the choice is gone for the rest of the game."), False),
    "do": ({"description": "Effects applied in order when the choice is taken: `name = expr`, `name += expr`, "
                           "`name -= expr`.",
            "anyOf": [_COND, {"type": "array", "items": _COND}]}, False),
    "reply": (_d(_TEXT, "Shown after the effects are applied."), False),
    "go": (_d(_NAME,
              "Room to move to. Without `go` or `end` the player stays where they are."), False),
    "end": ({"description": "true: end the game with the first ending whose `when` holds; a string: the id of "
                            "the ending to reach. Not together with `go`.",
             "anyOf": [{"const": True}, _ID]}, False),
}
DECLARATION = {
    "default": ({"type": ["boolean", "integer"],
                 "description": "The starting value: true/false for a flag, a whole number for a counter."}, True),
    "min": (_d({"type": "integer"}, "Counters only: effects never take the counter below this."), False),
    "max": (_d({"type": "integer"}, "Counters only: effects never take the counter above this."), False),
    "hidden": (_d({"type": "boolean"}, "Changes to this flag or counter are not announced to the player after a "
                                       "move (default: the opposite of [world] show_changes)."), False),
}
WALKTHROUGH = {
    "name": (_d({"type": "string"}, "What this walkthrough shows; printed by `adventure test`."), False),
    "seed": (_d({"type": "integer"}, "Seed for the game's dice (default 0)."), False),
    "moves": (_d({"type": "array", "items": {"type": "string"}}, "Choice ids, in the order they are taken."), True),
    "expect": (None, False),
}
EXPECT = {
    "ending": (_d({"type": "string"}, "The ending reached, or \"none\" if the game must still be going."), False),
    "room": (_d({"type": "string"}, "The room the player is in at the end."), False),
    "state": (_d({"type": "object", "additionalProperties": {"type": ["boolean", "integer"]}},
                 "Values of flags and counters at the end."), False),
    "text": ({"description": "Text that must appear somewhere in the transcript.",
              "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}, False),
}


_UNDESCRIBED: set = set()


def _table(keys, spec: dict, what: str, overrides: dict | None = None) -> dict:
    """An object schema with exactly `keys` (a loader key list), described by `spec`.

    A key the loader accepts that `spec` does not describe still goes in (so the schema never
    rejects what the loader accepts), with no constraint; `undescribed()` lists such keys, and a
    test insists it is empty."""
    overrides = overrides or {}
    props = {}
    required = []
    for k in keys:
        if k not in spec:
            _UNDESCRIBED.add(f"{what} {k}")
            props[k] = overrides.get(k, {"description": f"{k} (see docs/format.md)"})
            continue
        schema, req = spec[k]
        props[k] = overrides.get(k, schema)
        if req:
            required.append(k)
    return {"type": "object", "properties": props, "required": required, "additionalProperties": False}


def _defs() -> dict:
    text_if = _table(loader.TEXT_IF_KEYS, TEXT_IF, "text_if")
    choice = _table(loader.CHOICE_KEYS, CHOICE, "choice")
    choice["not"] = {"required": ["go", "end"]}
    room = _table(loader.ROOM_KEYS, ROOM, "room", {
        "text_if": {"type": "array", "items": {"$ref": "#/definitions/text_if"},
                    "description": "Conditional paragraphs, shown after `text`, in order, for each whose `if` holds."},
        "choice": {"type": "array", "minItems": 1, "items": {"$ref": "#/definitions/choice"},
                   "description": "The choices offered in this room, in order."},
    })
    room["description"] = "A room: its id is the table's name."
    return {"room": room, "text_if": text_if, "choice": choice}


def world_schema() -> dict:
    """The schema of world.toml."""
    world = _table(loader.WORLD_KEYS, WORLD, "[world]")
    ending = _table(loader.ENDING_KEYS, ENDING, "[[ending]]")
    declaration = _table(loader.BOUND_KEYS, DECLARATION, "declaration table")
    state = {
        "type": "object",
        "description": "Every flag and counter the world uses, with its default: true/false (a flag), a whole "
                       "number (a counter), or a table such as { default = 0, min = 0, max = 5 } (a counter "
                       "with bounds) or { default = false, hidden = true }.",
        "propertyNames": {"pattern": _NAME_PATTERN, "maxLength": loader.MAX_ID},
        "additionalProperties": {"anyOf": [{"type": "boolean"}, {"type": "integer"},
                                           {"$ref": "#/definitions/declaration"}]},
    }
    spec = {
        "world": ({**world, "description": "Title, start room and options of the world."}, True),
        "state": (state, False),
        "ending": ({"type": "array", "minItems": 1, "items": {"$ref": "#/definitions/ending"},
                    "description": "The endings, in order: `end = true` takes the first whose `when` holds."}, True),
    }
    top = _table(WORLD_FILE_KEYS, spec, "world.toml")
    return {"$schema": DRAFT, "title": "adventure world.toml", **top,
            "definitions": {"declaration": declaration, "ending": ending}}


def room_schema() -> dict:
    """The schema of a room file (rooms/*.toml): tables named by room id."""
    return {
        "$schema": DRAFT,
        "title": "adventure room file",
        "description": "One or more rooms, each a table keyed by the room's id.",
        "type": "object",
        "propertyNames": {"pattern": _NAME_PATTERN, "maxLength": loader.MAX_ID},
        "additionalProperties": {"$ref": "#/definitions/room"},
        "definitions": _defs(),
    }


def walkthrough_schema() -> dict:
    """The schema of a walkthrough file (tests/*.toml)."""
    expect = _table(walkthrough.EXPECT_KEYS, EXPECT, "[expect]")
    top = _table(walkthrough.KEYS, WALKTHROUGH, "walkthrough", {"expect": {**expect, "description": "What must hold at the end."}})
    return {"$schema": DRAFT, "title": "adventure walkthrough", **top}


SCHEMAS = {"world": world_schema, "room": room_schema, "walkthrough": walkthrough_schema}


def undescribed() -> list[str]:
    """Keys the loader accepts that this module has no description of (should be none)."""
    _UNDESCRIBED.clear()
    for make in SCHEMAS.values():
        make()
    return sorted(_UNDESCRIBED)

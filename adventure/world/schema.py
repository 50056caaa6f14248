"""JSON Schemas of the world format, for editors that validate and complete TOML with JSON Schema
(taplo, and the editors built on it such as Even Better TOML).

They use only the vocabulary of JSON Schema Draft 4, which is what taplo documents: a single
value is a one-value `enum` (not `const`), and the names of tables keyed by id are checked with
`patternProperties` and `additionalProperties: false` (not `propertyNames`). They are valid, and
mean the same, under every later draft. tests/test_editors.py checks both with taplo itself.

`for_world(which, world)` specialises a schema to one world: room ids, ending ids, choice ids and
flag names become enums, so an editor completes `go`, `end`, `start`, a walkthrough's moves and
simple conditions, and flags a name that does not exist.

The properties of every table are generated from the loader's own key lists (WORLD_KEYS,
CHOICE_KEYS, ... in loader.py, and walkthrough.py's KEYS), so the schema cannot drift from what
the loader accepts: a key added to the loader still appears here (undescribed until someone adds
its description below, which tests/test_authoring.py insists on).
"""

from __future__ import annotations

from . import loader, rooms
from . import walkthrough
from ..core.expr import MAX_LEN

__all__ = ["world_schema", "room_schema", "walkthrough_schema", "undescribed", "SCHEMAS", "WORLD_FILE_KEYS", "DRAFT",
           "for_world", "DRAFT4_KEYWORDS"]

DRAFT = "http://json-schema.org/draft-04/schema#"
# every keyword of JSON Schema Draft 4 (validation and metadata); the schemas use no other
DRAFT4_KEYWORDS = frozenset({
    "$schema", "$ref", "id", "title", "description", "default", "definitions", "type", "enum", "allOf", "anyOf",
    "oneOf", "not", "multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum", "maxLength",
    "minLength", "pattern", "items", "additionalItems", "maxItems", "minItems", "uniqueItems", "maxProperties",
    "minProperties", "required", "properties", "patternProperties", "additionalProperties", "dependencies",
    "format",
})
# the top-level tables of world.toml (loader.py checks them in _Loader.run)
WORLD_FILE_KEYS = ("world", "state", "ending", "rule", "block")

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
    "ifid": (_d({"type": "string", "pattern": f"^{loader.IFID.pattern}$"},
                "The story's IFID (Treaty of Babel): a UUID in capitals, made once by `adventure new` and kept "
                "for every version; archives and the exported web page (ifiction:ifid) carry it."), False),
    "blurb": (_d(_TEXT, "A paragraph that tells a reader what the story is: the exported page's description."), False),
}
ENDING = {
    "id": (_d(_ID, "Stable identifier, unique among endings; `end = \"id\"` names it."), True),
    "title": (_d({"type": "string"}, "Shown when the ending is reached and in the endings gallery."), True),
    "text": (_d(_TEXT, "The ending's prose."), True),
    "when": (_d(_COND, "Condition: `end = true` takes the first ending whose `when` holds. Every ending but "
                       "the last has one; the last has none and catches the rest."), False),
    "secret": (_d({"type": "boolean"}, "Hidden in the gallery (shown as ???) until reached."), False),
    "score": (_d({"type": "integer"}, "Points for reaching this ending, for agents and benchmarks (default 0): the "
                                      "environment's info reports it, and its default reward is the score when any "
                                      "ending has one."), False),
    "result": (_d({"type": "string", "enum": list(loader.ENDING_RESULTS)},
                  "\"won\" or \"lost\", for agents and benchmarks (info's `won` and `lost`); leave it out for an "
                  "ending that is neither."), False),
    "by_name": (_d({"type": "boolean"}, "Reached only when a choice, a `next` entry or a rule names it "
                                        "(`end = \"id\"`): never picked by `end = true`. It has no `when` and "
                                        "need not be last."), False),
}
ROOM = {
    "title": (_d({"type": "string"}, "Shown as the room's heading."), True),
    "text": (_d(_TEXT, "Shown each time the player enters the room."), True),
    "text_if": (None, False),  # filled in below: an array of TEXT_IF tables
    "choice": (None, True),  # an array of CHOICE tables
    "split": (_d({"type": "boolean"}, "A speedrun split point: if any room sets it, speedruns split only on first "
                                      "entry into those rooms (see docs/speedrun.md)."), False),
    "enter": (None, False),  # steps, below
    "use": (_d({"type": "array", "items": _NAME, "uniqueItems": True},
               "Blocks ([block.NAME] in world.toml) whose choices this room offers after its own, as its own "
               "choices."), False),
}
TEXT_IF = {
    "if": (_d(_COND, "Condition: the text is shown after the room's text when this holds on entering."), True),
    "text": (_d(_TEXT, "The conditional paragraph."), True),
}
CHOICE = {
    "id": (_d(_ID, "Stable id, unique within its room. Saves, replays and walkthroughs name choices by it."), True),
    "say": (_d({"type": "string"}, "The label shown to the player. {name} shows a flag or counter."), True),
    "if": (_d(_COND, "Condition: the choice is available only while this holds."), False),
    "why": (_d(_TEXT, "Why the choice is not available, in your words: shown beside it greyed out (a choice with "
                      "`why` greys out unless `show` says otherwise) and by :why. Needs `if`."), False),
    "show": (_d(_SHOW, "Overrides the world's `unavailable` for this choice."), False),
    "once": (_d({"type": "boolean"}, "Once taken, the choice is gone for the rest of the game."), False),
    "do": (None, False),  # steps, below
    "reply": (_d(_TEXT, "Shown after the effects are applied."), False),
    "go": (_d(_NAME,
              "Room to move to. Without `go`, `end`, `next`, `call` or `back` the player stays where they are."),
           False),
    "end": ({"description": "true: end the game with the first ending whose `when` holds; a string: the id of "
                            "the ending to reach. Not together with `go`, `next`, `call` or `back`.",
             "anyOf": [{"enum": [True]}, _ID]}, False),
    "next": (None, False),  # an array of NEXT tables
    "call": (_d(_NAME, "Room to visit and come back from: enter it, remembering this room on the return stack "
                       "(a choice with `back = true` returns). Offered only while the stack holds fewer than "
                       "8 rooms."), False),
    "back": (_d({"type": "boolean"}, "true: return to the room the last `call` left (popping the return stack); "
                                     "offered only when there is one. Returning is an entry: `enter` runs, the "
                                     "text shows."), False),
}
NEXT = {
    "if": (_d(_COND, "Condition, read after the choice's `do`: the first entry whose `if` holds decides. Every "
                     "entry but the last has one; the last has none and decides the rest."), False),
    "go": (_d(_NAME, "Room to move to when this entry decides."), False),
    "end": ({"description": "Ending when this entry decides: true (the first ending whose `when` holds) or an "
                            "ending's id.",
             "anyOf": [{"enum": [True]}, _ID]}, False),
}
STEP = {
    "if": (_d(_COND, "Condition, read with the values as they are when the step is reached."), True),
    "do": (None, True),  # steps
    "else": (None, False),
}
RULE = {
    "id": (_d(_ID, "Stable identifier, unique among rules."), True),
    "when": (_d(_COND, "Condition, read after every move that has not ended the game: the rule fires while it "
                       "holds."), True),
    "do": (None, False),  # steps
    "text": (_d(_TEXT, "Shown when the rule fires, after the move's changes."), False),
    "go": (_d(_NAME, "Room the player is moved to when the rule fires (the later rules still run)."), False),
    "end": ({"description": "Ends the game when the rule fires: true (the first ending whose `when` holds) or an "
                            "ending's id. No later rule runs.",
             "anyOf": [{"enum": [True]}, _ID]}, False),
    "once": (_d({"type": "boolean"}, "true: fires at most once a game. Default false: after every move while "
                                     "`when` holds."), False),
}
BLOCK = {
    "choice": (None, True),  # an array of CHOICE tables
}
DECLARATION = {
    # required unless `one_of` is given (see world_schema)
    "default": ({"type": ["boolean", "integer", "string"],
                 "description": "The starting value: true/false for a flag, a whole number for a counter, one of "
                                "the names of `one_of` for an enum (default: the first)."}, False),
    "min": (_d({"type": "integer"}, "Counters only: effects never take the counter below this."), False),
    "max": (_d({"type": "integer"}, "Counters only: effects never take the counter above this."), False),
    "hidden": (_d({"type": "boolean"}, "Changes to this flag or counter are not announced to the player after a "
                                       "move (default: the opposite of [world] show_changes)."), False),
    "one_of": (_d({"type": "array", "items": _NAME, "minItems": 1, "maxItems": loader.MAX_ENUM, "uniqueItems": True},
                  "An enum: the value is one of these names. Conditions compare it with `==`/`!=` (`mood == calm`), "
                  "effects set it (`mood = wild`), `{mood}` shows the name."), False),
    "persist": (_d({"type": "boolean"}, "The value outlives a playthrough: the next new game of this world on this "
                                        "machine starts from the value the last game left."), False),
    "clamp": (_d({"type": "boolean"}, "Counters with `min` or `max` only: you mean effects to stop at the bounds, so "
                                      "`check` does not warn when they do."), False),
}
WALKTHROUGH = {
    "name": (_d({"type": "string"}, "What this walkthrough shows; printed by `adventure test`."), False),
    "seed": (_d({"type": "integer"}, "Seed for the game's dice (default 0)."), False),
    "days": (_d({"type": "array", "items": {"type": "array", "items": {"type": "string"}}},
                "Games played before `moves`, each a list of choice ids: each day is a new game that starts from "
                "the persistent values the day before left. The transcript covers every day."), False),
    "moves": (_d({"type": "array", "items": {"type": "string"}}, "Choice ids, in the order they are taken."), True),
    "expect": (None, False),
}
EXPECT = {
    "ending": (_d({"type": "string"}, "The ending reached, or \"none\" if the game must still be going."), False),
    "room": (_d({"type": "string"}, "The room the player is in at the end."), False),
    "state": (_d({"type": "object", "additionalProperties": {"type": ["boolean", "integer", "string"]}},
                 "Values of flags, counters and enums (by name) at the end."), False),
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
    out = {"type": "object", "properties": props, "additionalProperties": False}
    if required:  # Draft 4: `required` is never empty
        out["required"] = required
    return out


# at most one of these moves a choice (`back = false` does not count)
_MOVES = ("go", "end", "next", "call", "back")


def _one_move(choice: dict) -> None:
    """A choice moves by at most one of _MOVES: go and end in `not` (the message editors show for
    the common mistake), every other pair in `allOf`."""
    def both(a, b):
        clash = {"required": [a, b]}
        if "back" in (a, b):
            clash["properties"] = {"back": {"enum": [True]}}
        return clash

    choice["not"] = both("go", "end")
    pairs = [(a, b) for i, a in enumerate(_MOVES) for b in _MOVES[i + 1:] if (a, b) != ("go", "end")]
    choice["allOf"] = [{"not": both(a, b)} for a, b in pairs]


def _steps(what: str) -> dict:
    return {"description": what + " Each step is an effect (`name = expr`, `name += expr`, `name -= expr`) or a "
                                  "table { if = \"COND\", do = [steps], else = [steps] }; they run in order.",
            "anyOf": [_COND, {"type": "array", "items": {"$ref": "#/definitions/step"}}]}


def _defs() -> dict:
    """The definitions both schemas share: a choice (in rooms and in blocks), a `next` entry, a
    step, and a room's conditional paragraph."""
    text_if = _table(loader.TEXT_IF_KEYS, TEXT_IF, "text_if")
    nxt = _table(rooms.NEXT_KEYS, NEXT, "next entry")
    nxt["description"] = "One case of a choice's `next`: `if` (all but the last), then `go` or `end`."
    nxt["oneOf"] = [{"required": ["go"]}, {"required": ["end"]}]
    step = _table(rooms.STEP_KEYS, STEP, "conditional step", {
        "do": _steps("The steps to run when `if` holds."),
        "else": _steps("The steps to run when `if` does not hold."),
    })
    step = {"description": "A step: an effect, or a conditional step.",
            "anyOf": [_COND, {**step, "description": "A conditional step: `do` when `if` holds, else `else`."}]}
    choice = _table(loader.CHOICE_KEYS, CHOICE, "choice", {
        "do": _steps("Steps run when the choice is taken."),
        "next": {"type": "array", "minItems": 1, "items": {"$ref": "#/definitions/next"},
                 "description": "Where the choice leads, decided after its `do`: the first entry whose `if` holds "
                                "(the last entry has no `if`)."},
    })
    choice["dependencies"] = {"why": ["if"]}
    _one_move(choice)
    room = _table(loader.ROOM_KEYS, ROOM, "room", {
        "text_if": {"type": "array", "items": {"$ref": "#/definitions/text_if"},
                    "description": "Conditional paragraphs, shown after `text`, in order, for each whose `if` holds."},
        "choice": {"type": "array", "minItems": 1, "items": {"$ref": "#/definitions/choice"},
                   "description": "The choices offered in this room, in order."},
        "enter": _steps("Steps run every time the player enters the room (after the move's own effects; the start "
                        "room at the start of a game)."),
    })
    room["description"] = "A room: its id is the table's name."
    return {"room": room, "text_if": text_if, "choice": choice, "next": nxt, "step": step}


def world_schema() -> dict:
    """The schema of world.toml."""
    world = _table(loader.WORLD_KEYS, WORLD, "[world]")
    ending = _table(loader.ENDING_KEYS, ENDING, "[[ending]]")
    ending["not"] = {"required": ["when", "by_name"], "properties": {"by_name": {"enum": [True]}}}
    declaration = _table(loader.BOUND_KEYS, DECLARATION, "declaration table")
    declaration["anyOf"] = [{"required": ["default"]}, {"required": ["one_of"]}]
    rule = _table(loader.RULE_KEYS, RULE, "[[rule]]", {"do": _steps("Steps run when the rule fires.")})
    rule["not"] = {"required": ["go", "end"]}
    block = _table(loader.BLOCK_KEYS, BLOCK, "[block.NAME]", {
        "choice": {"type": "array", "minItems": 1, "items": {"$ref": "#/definitions/choice"},
                   "description": "The block's choices: the same keys as a room's."},
    })
    block["description"] = "Choices that rooms share: a room's `use = [\"NAME\"]` adds them to its own."
    state = {
        "type": "object",
        "description": "Every flag, counter and enum the world uses, with its default: true/false (a flag), a whole "
                       "number (a counter), or a table such as { default = 0, min = 0, max = 5 } (a counter "
                       "with bounds), { default = false, hidden = true } or { one_of = [\"calm\", \"wild\"] } "
                       "(an enum).",
        # Draft 4 has no propertyNames: a name must match the pattern, and nothing else may appear
        "patternProperties": {_NAME_PATTERN: {"anyOf": [{"type": "boolean"}, {"type": "integer"},
                                                        {"$ref": "#/definitions/declaration"}]}},
        "additionalProperties": False,
    }
    spec = {
        "world": ({**world, "description": "Title, start room and options of the world."}, True),
        "state": (state, False),
        "ending": ({"type": "array", "minItems": 1, "items": {"$ref": "#/definitions/ending"},
                    "description": "The endings, in order: `end = true` takes the first whose `when` holds."}, True),
        "rule": ({"type": "array", "items": {"$ref": "#/definitions/rule"},
                  "description": "Rules tried in order after every move that has not ended the game."}, False),
        "block": ({"type": "object", "patternProperties": {_NAME_PATTERN: {"$ref": "#/definitions/block"}},
                   "additionalProperties": False,
                   "description": "Reusable choices, by name: [block.NAME] with [[block.NAME.choice]]."}, False),
    }
    top = _table(WORLD_FILE_KEYS, spec, "world.toml")
    defs = _defs()
    return {"$schema": DRAFT, "title": "adventure world.toml", **top,
            "definitions": {"declaration": declaration, "ending": ending, "rule": rule, "block": block,
                            "choice": defs["choice"], "next": defs["next"], "step": defs["step"]}}


def room_schema() -> dict:
    """The schema of a room file (rooms/*.toml): tables named by room id."""
    return {
        "$schema": DRAFT,
        "title": "adventure room file",
        "description": "One or more rooms, each a table keyed by the room's id.",
        "type": "object",
        "patternProperties": {_NAME_PATTERN: {"$ref": "#/definitions/room"}},
        "additionalProperties": False,
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


def _one_of(names, schema: dict) -> dict:
    """`schema` restricted to `names` (sorted); no names: nothing is valid, as the loader would say
    (Draft 4: an `enum` is never empty)."""
    names = sorted(set(names))
    return {**schema, "enum": names} if names else {**schema, "not": {}}


def _or_flag(cond: dict, flags: list[str]) -> dict:
    """A condition that may be any expression, offered the world's flags as whole conditions (an
    editor completes an `enum` inside `anyOf`; validation is unchanged)."""
    if not flags:
        return cond
    return {"description": cond.get("description", ""),
            "anyOf": [{k: v for k, v in cond.items() if k != "description"}, {"enum": sorted(flags)}]}


def _choice_names(defs: dict, rooms: list, endings: list, flags: list) -> None:
    """A choice's and a `next` entry's destinations as the world's rooms and endings."""
    choice = defs["choice"]["properties"]
    choice["go"] = _one_of(rooms, choice["go"])
    choice["call"] = _one_of(rooms, choice["call"])
    choice["end"] = {"description": choice["end"]["description"], "anyOf": [{"enum": [True]}, _one_of(endings, _ID)]}
    choice["if"] = _or_flag(choice["if"], flags)
    nxt = defs["next"]["properties"]
    nxt["go"] = _one_of(rooms, nxt["go"])
    nxt["end"] = {"description": nxt["end"]["description"], "anyOf": [{"enum": [True]}, _one_of(endings, _ID)]}
    nxt["if"] = _or_flag(nxt["if"], flags)


def for_world(which: str, world) -> dict:
    """The schema `which` ("world", "room" or "walkthrough") with the ids and names of `world` (a
    loaded World) as enums. A name the world does not have is then an error in the editor, so
    regenerate it when rooms, endings, blocks, choices or flags are added (`adventure schema WORLD --write`)."""
    schema = SCHEMAS[which]()
    rooms = list(world.rooms)
    endings = [e.id for e in world.endings]
    flags = [v.name for v in world.vars if v.type == "bool"]
    note = (f" Generated for the world {world.id!r} by `adventure schema`: its rooms, endings, blocks, choices and "
            f"flags are enums; regenerate it after adding any.")
    schema["title"] = f"{schema['title']} ({world.id})"
    schema["description"] = schema.get("description", "") + note
    if which == "world":
        defs = schema["definitions"]
        world_props = schema["properties"]["world"]["properties"]
        world_props["start"] = _one_of(rooms, world_props["start"])
        ending = defs["ending"]["properties"]
        ending["when"] = _or_flag(ending["when"], flags)
        rule = defs["rule"]["properties"]
        rule["when"] = _or_flag(rule["when"], flags)
        rule["go"] = _one_of(rooms, rule["go"])
        rule["end"] = {"description": rule["end"]["description"], "anyOf": [{"enum": [True]}, _one_of(endings, _ID)]}
        _choice_names(defs, rooms, endings, flags)
    elif which == "room":
        defs = schema["definitions"]
        _choice_names(defs, rooms, endings, flags)
        use = defs["room"]["properties"]["use"]
        defs["room"]["properties"]["use"] = {**use, "items": _one_of(world.blocks, use["items"])}
        text_if = defs["text_if"]["properties"]
        text_if["if"] = _or_flag(text_if["if"], flags)
    elif which == "walkthrough":
        props = schema["properties"]
        choice_ids = [c.id for room in world.rooms.values() for c in room.choices]
        moves = _one_of(choice_ids, {"type": "string"})
        props["moves"] = {**props["moves"], "items": moves}
        props["days"] = {**props["days"], "items": {"type": "array", "items": moves}}
        expect = props["expect"]["properties"]
        expect["ending"] = _one_of(endings + ["none"], expect["ending"])
        expect["room"] = _one_of(rooms, expect["room"])
        expect["state"] = {**expect["state"], "additionalProperties": False,
                           "properties": {v.name: _value_schema(v) for v in world.vars}}
    return schema


def _value_schema(var) -> dict:
    if var.values:
        return {"type": "string", "enum": list(var.values)}
    return {"type": "boolean" if var.type == "bool" else "integer"}

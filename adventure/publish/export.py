"""A loaded World as JSON for the JavaScript runtime, and the one-file HTML page that plays it.

The JSON is compiled from the model (the parsed expression trees, the compiled text templates,
the visit slots), never from the TOML, so the page plays exactly the world the Python engine
loaded. Integers outside JavaScript's safe range (|n| > 2**53 - 1) are written as decimal strings;
the runtime reads them as BigInt.

Format (FORMAT, FORMAT_VERSION 2), every list in the model's order:

    {"format": "adventure-web", "version": 2, "id", "title", "author", "world_version",
     "content_hash", "ifid", "blurb", "intro": TEXT|null, "start": ROOM,
     "vars": [[name, "bool"|"int"|"enum", default, min|null, max|null, hidden, names, persist], ...],
     "tracked": number of visit slots, "seen": number of State.seen slots (World.seen),
     "rooms": [{"id", "title", "text": TEXT, "text_if": [[COND, TEXT], ...], "vslot",
                "enter": [STEP, ...], "seen": SLOT,
                "choices": [{"id", "say": TEXT, "if": COND|null, "grey": bool, "once": bool,
                             "do": [STEP, ...], "reply": TEXT|null, "why": TEXT|null,
                             "go": ROOM|null, "end": true|ENDING_ID|null, "next": [NEXT, ...],
                             "call": bool, "back": bool, "seen": SLOT}]}],
     "rules": [{"id", "when": COND, "do": [STEP, ...], "text": TEXT|null, "go": ROOM|null,
                "end": true|ENDING_ID|null, "once": bool, "seen": SLOT}],
     "endings": [{"id", "title", "text": TEXT, "when": COND|null, "secret": bool, "by_name": bool}]}

Version 2 (the second language, issue #16) added: the vars' `names` (an enum's value names, its
value being the index; [] for flags and counters) and `persist` (carried to the next game); "seen";
a room's `enter` and `seen`; a choice's `why`, `next`, `call`, `back` and `seen` (its `do` holds
steps, and `writes` is gone: a move compares every value); "rules"; an ending's `by_name`.

ROOM is a room's index in "rooms"; SLOT an index into State.seen, or -1 when the owner's texts
do not vary. A choice with `call` enters `go`, pushing the room it leaves on the return stack; one
with `back` enters the room it pops. A by-name ending is never picked by `end: true`.

STEP: [var, "="|"+="|"-=", EXPR] (an effect), or {"if": COND, "do": [STEP, ...], "else": [STEP, ...]}.
NEXT: {"if": COND|null, "go": ROOM|null, "end": true|ENDING_ID|null} (the last has no "if").

TEXT is a string (no slots) or a list of parts, rendered one after another:
    "words"                      as written
    i (a number)                 var i's value (true/false, or the number)
    ["name", i]                  enum var i's value, by name
    ["turn"]  ["visits", slot]   the turn; a room's visits
    ["if", COND, TEXT, TEXT]     the first TEXT when COND holds, else the second
    ["alt", kind, key, [TEXT, ...]]  kind "sequence", "cycle", "once" or "shuffle" picks one of
                                 the TEXTs by its owner's count (State.seen); a shuffle by
                                 rng.pick(state's rng, key, count, n)
A list holding anything but strings and numbers has its spaces tidied after rendering (text.py's
`_tidy`), at each level of nesting.

EXPR/COND is a tree: ["lit", v] ["var", i] ["visits", slot] ["turn"] ["not", a] ["neg", a]
["call", "min"|"max"|"abs"|"random", a, ...] or [op, a, b] for and or == != < <= > >= + - * / %.
An enum compares and is assigned as its index (["lit", 2]).
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import json
import re
import zipfile
from pathlib import Path

FORMAT = "adventure-web"
FORMAT_VERSION = 2
SAFE = 2**53 - 1
HERE = Path(__file__).resolve().parent
IFID = re.compile(r"^[A-Z0-9-]{8,63}$")

__all__ = ["FORMAT", "FORMAT_VERSION", "world_doc", "world_json", "export_html", "export_zip"]


def _int(v):
    """An int as JSON can carry it to JavaScript exactly: a number when safe, else a string."""
    if v is None or v.__class__ is bool:
        return v
    return v if -SAFE <= v <= SAFE else str(v)


def _text(t):
    if t is None:
        return None
    if t._const is not None:
        return t._const
    return [_part(p) for p in t.parts]


def _part(p):
    from ..core.variation import Alternatives, IfText, Turn, Value, Visits

    cls = p.__class__
    if cls is str:
        return p
    if cls is int:
        return p
    if cls is Value:
        return ["name", p.index]
    if cls is Turn:
        return ["turn"]
    if cls is Visits:
        return ["visits", p.slot]
    if cls is IfText:
        return ["if", _expr(p.cond), _text(p.then), _text(p.other)]
    if cls is Alternatives:
        return ["alt", p.kind, p.key, [_text(a) for a in p.alts]]
    raise TypeError(f"no web form for a text part {cls.__name__}")


def _steps(steps) -> list:
    from ..core.steps import Branch

    return [{"if": _expr(s.cond), "do": _steps(s.then), "else": _steps(s.other)} if s.__class__ is Branch
            else [s.var.index, s.op, _expr(s.value)] for s in steps]


def _dest(go, end, order):
    return {"go": order[go] if go is not None else None, "end": end}


def _expr(n):
    op = n.op
    if op == "lit":
        return ["lit", _int(n.value)]
    if op in ("var", "visits"):
        return [op, n.value]
    if op == "turn":
        return ["turn"]
    if op == "call":
        return ["call", n.value] + [_expr(a) for a in n.args]
    return [op] + [_expr(a) for a in n.args]


def world_doc(world, ifid: str | None = None, blurb: str | None = None) -> dict:
    """The world as a JSON-able dict (see the module's docstring)."""
    ifid = (ifid or world.ifid or "").strip().upper() or None
    if ifid is not None and not IFID.match(ifid):
        raise ValueError(f"IFID {ifid!r} is not valid: use 8 to 63 capital letters, digits and '-' (a UUID)")
    order = {rid: i for i, rid in enumerate(world.room_order)}
    rooms = []
    for rid in world.room_order:
        r = world.rooms[rid]
        choices = []
        for c in r.choices:
            choices.append({
                "id": c.id, "say": _text(c.say), "if": _expr(c.cond) if c.cond is not None else None,
                "grey": c.show == "grey", "once": bool(c.once), "do": _steps(c.effects),
                "reply": _text(c.reply), "why": _text(c.why),
                "go": order[c.go] if c.go is not None and c.end is None else None,
                "end": c.end, "next": [dict(_dest(n.go, n.end, order), **{"if": _expr(n.cond) if n.cond is not None else None})
                                       for n in c.next],
                "call": bool(c.call), "back": bool(c.back), "seen": c.seen,
            })
        rooms.append({"id": r.id, "title": r.title, "text": _text(r.text),
                      "text_if": [[_expr(t.cond), _text(t.text)] for t in r.text_if],
                      "vslot": r.vslot, "enter": _steps(r.enter), "seen": r.seen, "choices": choices})
    rules = [dict(_dest(u.go, u.end, order), id=u.id, when=_expr(u.when), do=_steps(u.steps), text=_text(u.text),
                  once=bool(u.once), seen=u.seen) for u in world.rules]
    return {
        "format": FORMAT, "version": FORMAT_VERSION,
        "id": world.id, "title": world.title, "author": world.author, "world_version": world.version,
        "content_hash": world.content_hash, "ifid": ifid, "blurb": blurb or world.blurb or None,
        "intro": _text(world.intro), "start": order[world.start],
        "vars": [[v.name, v.type, _int(v.default), _int(v.lo), _int(v.hi), bool(v.hidden), list(v.values),
                  bool(v.persist)] for v in world.vars],
        "tracked": len(world.tracked), "seen": len(world.seen),
        "rooms": rooms, "rules": rules,
        "endings": [{"id": e.id, "title": e.title, "text": _text(e.text),
                     "when": _expr(e.when) if e.when is not None else None, "secret": bool(e.secret),
                     "by_name": bool(e.by_name)}
                    for e in world.endings],
    }


def world_json(world, doc: dict | None = None, **kw) -> str:
    """world_doc (or `doc`, made by it) as compact JSON, safe to put inside a <script> element:
    '<', '>' and '&' are escaped, so no world text can close the element or open a comment."""
    if doc is None:
        doc = world_doc(world, **kw)
    s = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    return s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def asset(name: str) -> str:
    return (HERE / name).read_text("utf-8")


def _csp_hash(s: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"


def _plain(t) -> str:
    """A text template's words for a <meta> description (slots left out)."""
    if t is None:
        return ""
    if isinstance(t, str):
        return " ".join(t.split())
    return " ".join("".join(p for p in t if isinstance(p, str)).split())


def export_html(world, ifid: str | None = None, blurb: str | None = None) -> str:
    """The whole page: world JSON, runtime, player and styles inline; nothing fetched, ever."""
    from .. import __version__

    doc = world_doc(world, ifid=ifid, blurb=blurb)
    data = world_json(world, doc)
    css = asset("player.css")
    runtime = asset("runtime.js")
    player = asset("player.js")
    # the page may run only its own inline code and styles: no network, no injected markup runs
    csp = ("default-src 'none'; img-src data:; style-src " + _csp_hash(css) + "; script-src "
           + _csp_hash(runtime) + " " + _csp_hash(player) + "; base-uri 'none'; form-action 'none'")
    esc = html.escape
    meta = []
    if doc["author"]:
        meta.append(f'<meta name="author" content="{esc(doc["author"])}">')
    desc = doc["blurb"] or _plain(doc["intro"])
    if desc:
        if len(desc) > 300:
            desc = desc[:297].rsplit(" ", 1)[0] + "..."
        meta.append(f'<meta name="description" content="{esc(desc)}">')
    if doc["ifid"]:
        meta.append(f'<meta property="ifiction:ifid" content="{esc(doc["ifid"])}">')
    byline = f"by {doc['author']}" if doc["author"] else ""
    fields = {
        "TITLE": esc(doc["title"] or doc["id"]), "BYLINE": esc(byline), "META": "\n".join(meta),
        "CSP": esc(csp), "GENERATOR": esc(f"adventure {__version__}"), "CSS": css,
        "WORLD": data, "RUNTIME": runtime, "PLAYER": player,
    }
    page = asset("page.html")
    return re.sub(r"\{\{([A-Z]+)\}\}", lambda m: fields[m.group(1)], page)


def export_zip(world, **kw) -> bytes:
    """A zip holding index.html (what itch.io plays in the browser)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        info = zipfile.ZipInfo("index.html", date_time=(2020, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        z.writestr(info, export_html(world, **kw))
    return buf.getvalue()

"""A loaded World as JSON for the JavaScript runtime, and the one-file HTML page that plays it.

The JSON is compiled from the model (the parsed expression trees, the compiled text templates,
the visit slots), never from the TOML, so the page plays exactly the world the Python engine
loaded. Integers outside JavaScript's safe range (|n| > 2**53 - 1) are written as decimal strings;
the runtime reads them as BigInt.

Format (FORMAT, FORMAT_VERSION 1), every list in the model's order:

    {"format": "adventure-web", "version": 1, "id", "title", "author", "world_version",
     "content_hash", "ifid", "blurb", "intro": TEXT|null, "start": ROOM,
     "vars": [[name, "bool"|"int", default, min|null, max|null, hidden], ...],
     "tracked": number of visit slots,
     "rooms": [{"id", "title", "text": TEXT, "text_if": [[COND, TEXT], ...], "vslot",
                "choices": [{"id", "say": TEXT, "if": COND|null, "grey": bool, "once": bool,
                             "do": [[var, "="|"+="|"-=", EXPR], ...], "writes": [var, ...],
                             "reply": TEXT|null, "go": ROOM|null, "end": true|ENDING_ID|null}]}],
     "endings": [{"id", "title", "text": TEXT, "when": COND|null, "secret": bool}]}

TEXT is a string (no slots) or a list of strings and var indices; ROOM a room's index in
"rooms"; EXPR/COND a tree: ["lit", v] ["var", i] ["visits", slot] ["turn"] ["not", a] ["neg", a]
["call", "min"|"max"|"abs"|"random", a, ...] or [op, a, b] for and or == != < <= > >= + - * / %.
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
FORMAT_VERSION = 1
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
    return [p if p.__class__ is str else int(p) for p in t.parts]


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
                "grey": c.show == "grey", "once": bool(c.once),
                "do": [[e.var.index, e.op, _expr(e.value)] for e in c.effects],
                "writes": list(c.writes), "reply": _text(c.reply),
                "go": order[c.go] if c.go is not None and c.end is None else None,
                "end": c.end,
            })
        rooms.append({"id": r.id, "title": r.title, "text": _text(r.text),
                      "text_if": [[_expr(t.cond), _text(t.text)] for t in r.text_if],
                      "vslot": r.vslot, "choices": choices})
    return {
        "format": FORMAT, "version": FORMAT_VERSION,
        "id": world.id, "title": world.title, "author": world.author, "world_version": world.version,
        "content_hash": world.content_hash, "ifid": ifid, "blurb": blurb or world.blurb or None,
        "intro": _text(world.intro), "start": order[world.start],
        "vars": [[v.name, v.type, _int(v.default), _int(v.lo), _int(v.hi), bool(v.hidden)] for v in world.vars],
        "tracked": len(world.tracked),
        "rooms": rooms,
        "endings": [{"id": e.id, "title": e.title, "text": _text(e.text),
                     "when": _expr(e.when) if e.when is not None else None, "secret": bool(e.secret)}
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

"""adventure graph WORLD: the room map as Graphviz DOT, Mermaid, SVG or PNG.

Rooms are boxes, endings are their own (double-edged) nodes. Each choice that moves is an edge
labelled with the choice's text; a choice with an `if` is drawn dashed. `end = "id"` points at
that ending; `end = true` points at the endings it can resolve to by the abstract interpretation
(analysis/absint.py: no budget, so the map is the same on every machine), or every ending it could
select with --no-explore. Rooms and endings proved unreachable are drawn grey, and choices proved
never taken grey, dotted and labelled "(never) ...". SVG and PNG are made by Graphviz's `dot` program.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

FORMATS = ("dot", "mermaid", "svg", "png")


def add_arguments(p) -> None:
    p.add_argument("world", help="a world folder, or a shipped world's name")
    p.add_argument("--format", choices=FORMATS, default=None,
                   help="dot (default), mermaid, svg or png (svg and png need Graphviz's `dot`); "
                        "guessed from -o's extension when not given")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    p.add_argument("--no-explore", action="store_true",
                   help="draw every ending an `end = true` could select, without the analysis of which are reachable")


# ---------------------------------------------------------------- the graph, independent of format


class Graph:
    """Nodes and edges of the map. Node ids are "room:<id>" and "ending:<id>"."""

    def __init__(self, title: str):
        self.title = title
        self.nodes: list[dict] = []  # id, label, kind ("room"/"ending"/"start"), reachable (bool|None)
        self.edges: list[dict] = []  # src, dst, label, conditional


def build(world, ex=None, ab=None) -> Graph:
    """The map of a world; `ex` (an Exploration) or `ab` (analysis/absint.Abstract, the same on
    every machine) refines `end = true` targets and greys out what it proved unreachable, rooms,
    endings and choices alike (an edge proved never taken is grey, dotted, and labelled so)."""
    proved = ex is not None and ex.complete
    g = Graph(world.title)
    ends = _abstract_ends(world, ab) if ab is not None else None
    ending_ok = None
    if ab is not None:
        boxes = ab.ending_boxes()
        ending_ok = {e.id: ab.ending_possible(e.id, boxes) for e in world.endings}
    for rid in world.room_order:
        r = world.rooms[rid]
        reach = (rid in ex.rooms) if proved else (False if ab is not None and not ab.room_possible(rid) else None)
        g.nodes.append({"id": f"room:{rid}", "label": f"{r.title}\n({rid})", "kind": "start" if rid == world.start else "room",
                        "reachable": reach})
    for e in world.endings:
        reach = (e.id in ex.endings) if proved else (False if ending_ok is not None and not ending_ok[e.id] else None)
        g.nodes.append({"id": f"ending:{e.id}", "label": f"{e.title}\n[{e.id}]", "kind": "ending",
                        "reachable": reach})
    # endings `end = true` can select, in order: up to and including the first without `when`
    selectable = []
    for e in world.resolvable:
        selectable.append(e.id)
        if e.when is None:
            break
    for rid in world.room_order:
        for c in world.rooms[rid].choices:
            label = " ".join(c.say.source.split())
            cond = c.cond is not None
            never = ab is not None and not ab.choice_possible(c)
            if never:
                label = "(never) " + label
            if c.go is not None:
                g.edges.append({"src": f"room:{rid}", "dst": f"room:{c.go}", "label": ("call: " if c.call else "") + label,
                                "conditional": cond, "never": never})
            elif c.next or c.back:
                _moves_edges(world, g, rid, c, label, cond, never, selectable, ab)
            elif c.end is not None:
                if c.end is True:
                    if proved:
                        targets = [e for e in selectable if e in ex.end_targets.get(c.key, ())]
                    elif ends is not None and not never:
                        targets = [e for e in selectable if e in ends[c.key]]
                    else:
                        targets = selectable
                else:
                    targets = [c.end]
                for t in targets:
                    # `end = true` reaches an ending with a `when` only while that holds
                    when = c.end is True and world.ending(t).when is not None
                    g.edges.append({"src": f"room:{rid}", "dst": f"ending:{t}", "label": label, "conditional": cond or when,
                                    "never": never})
    for rule in world.rules:  # a rule fires after a move anywhere: drawn from a node of its own
        if rule.go is None and rule.end is None:
            continue
        never = ab is not None and rule.id not in getattr(ab, "fires", {rule.id})
        g.nodes.append({"id": f"rule:{rule.id}", "label": f"rule {rule.id}\nwhen {rule.when_source}", "kind": "rule",
                        "reachable": False if never else None})
        dsts = ([f"room:{rule.go}"] if rule.go is not None else
                [f"ending:{t}" for t in (selectable if rule.end is True else [rule.end])])
        for d in dsts:
            g.edges.append({"src": f"rule:{rule.id}", "dst": d, "label": ("(never) " if never else "") + rule.when_source,
                            "conditional": True, "never": never})
    return g


def _moves_edges(world, g, rid, c, label, cond, never, selectable, ab) -> None:
    """The edges of a choice that moves by `next` (one per entry, labelled with its `if`) or `back`
    (one to each room a `call` may have left: analysis/absmove.back_targets)."""
    if c.back:
        from ..analysis.absmove import back_targets

        for r in back_targets(world).get(rid, ()):
            g.edges.append({"src": f"room:{rid}", "dst": f"room:{r}", "label": "back: " + label, "conditional": True,
                            "never": never})
        return
    for n in c.next:
        lab = label + (f" [if {n.source}]" if n.cond is not None else "")
        if n.go is not None:
            dsts = [f"room:{n.go}"]
        else:
            dsts = [f"ending:{t}" for t in (selectable if n.end is True else [n.end])]
        for d in dsts:
            g.edges.append({"src": f"room:{rid}", "dst": d, "label": lab, "conditional": cond or n.cond is not None,
                            "never": never})


def _abstract_ends(world, ab) -> dict:
    """{choice key: the endings an `end = true` choice may resolve to}, by the abstract
    interpretation: those whose `when` may hold, with every earlier `when` false, after it."""
    from ..analysis.absint import refine

    out = {}
    for r in world.rooms.values():
        for c in r.choices:
            if c.end is not True:
                continue
            b = ab.choice_box(c)
            if ab.general:  # where any `end = true` resolves (the move's steps may branch)
                tested = ab.resolve_box if b is not None else None
            else:
                tested = ab.after(c, b) if b is not None else None
            got = []
            for e in world.resolvable:
                if refine(e.when, tested) is not None:
                    got.append(e.id)
                tested = refine(e.when, tested, False) if e.when is not None else None
            out[c.key] = got
    return out


# ---------------------------------------------------------------- DOT


def dot_string(s: str) -> str:
    """A DOT double-quoted string: backslashes and quotes escaped, newlines as \\n (centred lines).

    In DOT, a backslash in a label starts an escape (\\N is the node's name, \\l a left-justified
    line), so every backslash in the text is doubled."""
    s = s.replace("\\", "\\\\").replace('"', '\\"')
    s = s.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return f'"{s}"'


def to_dot(g: Graph) -> str:
    out = ["digraph world {",
           f"  label={dot_string(g.title)};",
           "  labelloc=t;",
           '  fontname="Helvetica";',
           "  rankdir=LR;",
           '  node [shape=box, style="rounded", fontname="Helvetica"];',
           '  edge [fontname="Helvetica", fontsize=10];']
    for n in g.nodes:
        attrs = [f"label={dot_string(n['label'])}"]
        if n["kind"] == "ending":
            attrs.append("shape=doubleoctagon")
        elif n["kind"] == "start":
            attrs.append('style="rounded,bold"')
        if n["reachable"] is False:
            attrs.append("color=grey fontcolor=grey")
        out.append(f"  {dot_string(n['id'])} [{', '.join(attrs)}];")
    for e in g.edges:
        attrs = [f"label={dot_string(_clip(e['label']))}"]
        if e.get("never"):
            attrs.append("style=dotted color=grey fontcolor=grey")
        elif e["conditional"]:
            attrs.append("style=dashed")
        out.append(f"  {dot_string(e['src'])} -> {dot_string(e['dst'])} [{', '.join(attrs)}];")
    out.append("}")
    return "\n".join(out) + "\n"


def _clip(s: str, n: int = 48) -> str:
    return s if len(s) <= n else s[: n - 1].rstrip() + "…"


# ---------------------------------------------------------------- Mermaid


def mermaid_label(s: str) -> str:
    """A quoted Mermaid label: quotes and markup characters as entity codes, lines joined by <br/>."""
    parts = [" ".join(x.split()) for x in s.split("\n")]
    esc = []
    for p in parts:
        q = []
        for ch in p:
            if ch == '"':
                q.append("#quot;")
            elif ch == "#":
                q.append("#35;")
            elif ch == "<":
                q.append("#lt;")
            elif ch == ">":
                q.append("#gt;")
            elif ch in "`":
                q.append("#96;")
            else:
                q.append(ch)
        esc.append("".join(q))
    return '"' + "<br/>".join(esc) + '"'


def to_mermaid(g: Graph) -> str:
    ids = {n["id"]: f"n{i}" for i, n in enumerate(g.nodes)}
    out = ["---", f"title: {json.dumps(g.title, ensure_ascii=False)}", "---", "flowchart LR"]
    grey = []
    for n in g.nodes:
        nid = ids[n["id"]]
        lab = mermaid_label(n["label"])
        if n["kind"] == "ending":
            out.append(f"  {nid}{{{{{lab}}}}}")
        elif n["kind"] == "start":
            out.append(f"  {nid}([{lab}])")
        else:
            out.append(f"  {nid}[{lab}]")
        if n["reachable"] is False:
            grey.append(nid)
    for e in g.edges:
        arrow = "-.->" if e["conditional"] else "-->"
        out.append(f"  {ids[e['src']]} {arrow}|{mermaid_label(_clip(e['label']))}| {ids[e['dst']]}")
    if grey:
        out.append("  classDef unreachable stroke:#999,color:#999")
        out.append(f"  class {','.join(grey)} unreachable")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- command


def render_with_dot(dot_src: str, fmt: str) -> bytes:
    exe = shutil.which("dot")
    if exe is None:
        from ..core.errors import AdventureError

        raise AdventureError(f"--format {fmt} needs Graphviz's `dot` program, which is not installed "
                             "(install it with `apt-get install graphviz`, `brew install graphviz` or from "
                             "graphviz.org; or use --format dot or --format mermaid)")
    p = subprocess.run([exe, f"-T{fmt}"], input=dot_src.encode("utf-8"), capture_output=True, timeout=300)
    if p.returncode != 0:
        from ..core.errors import AdventureError

        raise AdventureError(f"dot failed: {p.stderr.decode('utf-8', 'replace').strip()}")
    return p.stdout


def run(args) -> int:
    from .output import cleaned

    with cleaned():
        return _run(args)


def _run(args) -> int:
    from ..core.errors import AdventureError
    from ..world.loader import load_world

    fmt = args.format
    if fmt is None:
        ext = Path(args.output).suffix.lower().lstrip(".") if args.output else ""
        fmt = {"gv": "dot", "dot": "dot", "mmd": "mermaid", "mermaid": "mermaid", "svg": "svg", "png": "png"}.get(ext, "dot")
    world = load_world(args.world)
    ab = None
    if not args.no_explore:
        # the abstract interpretation, not a time-budgeted exploration: the same map on every
        # machine, however busy
        from ..analysis.absint import abstract

        ab = abstract(world)
    g = build(world, None, ab)
    from ..core.text import clean

    # labels are escaped for the format as they are made; clean() is for what a terminal shows
    if fmt == "mermaid":
        data = clean(to_mermaid(g)).encode("utf-8")
    else:
        src = clean(to_dot(g))
        data = src.encode("utf-8") if fmt == "dot" else render_with_dot(src, fmt)
    if args.output:
        try:
            Path(args.output).write_bytes(data)
        except OSError as e:
            raise AdventureError(f"cannot write {args.output}: {e.strerror or e}") from None
        print(f"wrote {args.output} ({fmt}, {len(g.nodes)} nodes, {len(g.edges)} edges)", file=sys.stderr)
    else:
        if fmt == "png" and sys.stdout.isatty():
            raise AdventureError("PNG is binary: write it to a file with -o map.png")
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0

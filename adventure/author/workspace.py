"""What the language server knows about a world, without any editor protocol: diagnostics (the
loader's problems and `check`'s findings, word for word), and an index of the world's rooms,
endings, blocks and declared values (flags, counters, enums and their names) for definitions,
completion and hover.

Diagnostics come from the real loader and the real `check`, run on the editor's buffers: the
world folder is mirrored into a temporary folder (world.toml and rooms/, each file rewritten only
when it changed), the open buffers overlaid on it, and the mirror loaded. Paths in the messages
are mapped back to the real files. The mirror is the loader's ordinary input, so nothing in
world/loader.py had to change.

The index reads each file on its own (tomli, and `world.locate` for lines), so it keeps working
while another file, or this one, does not parse: a file that does not parse keeps the entries of
its last good text.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

from ..core.record import Record

__all__ = ["Diagnostic", "Site", "Mirror", "Index", "ContextAt", "find_root", "world_files", "check",
           "cursor_context", "resolve", "completions", "hover_text"]

# a budget for the exploration behind check's findings (check's own default is 500,000 and 60 s)
DEFAULT_MAX_STATES = 100_000
DEFAULT_MAX_SECONDS = 2.0
NAME = r"[a-z_][a-z0-9_]*"
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?")
_ID_CHARS = re.compile(r"[A-Za-z0-9_.-]*")
# `go = "x"`, `start = "x"`, `call = "x"`, `end = "x"` (also inside an inline table, as in a
# `next` entry): the key, then a string
_REF = re.compile(r"""(?:^|[\s{,])(go|start|call|end)\s*=\s*"([^"]*)"?""")
# `use = ["a", "b"]`: the strings after it name blocks
_USE = re.compile(r"""(?:^|[\s{,])use\s*=\s*\[""")
_STRING = re.compile(r'"([^"]*)"?')
# an enum's value: `name == val`, `name != val` in a condition, `name = val` in an effect
_VALUE_AFTER = re.compile(r"([a-z_][a-z0-9_]*)\s*(?:==|!=|=)\s*$")
# keys whose strings are expressions
_EXPR_KEY = re.compile(r"""^\s*(?:if|when|do|enter|else)\s*=|[{,]\s*(?:if|when|do|else)\s*=""")
# the condition of a `{if COND: ...}` in a text, up to the cursor
_TEXT_IF = re.compile(r"\{if\s[^{}:|]*$")
WORDS = ("and", "or", "not", "true", "false", "turn", "visits", "min", "max", "abs", "random")


class Diagnostic(Record):
    """One problem, as `check` prints it: `message` is its line without the leading `file:line: `."""

    __slots__ = _fields = ("file", "line", "severity", "message", "code")
    _defaults = {"code": ""}


class Site(Record):
    """Where a room, an ending, a block, a state variable or an enum's value is defined, and what
    to say about it. A value's site is its enum's declaration."""

    __slots__ = _fields = ("name", "kind", "file", "line", "detail", "source")
    _defaults = {"detail": "", "source": ""}


def find_root(path: Path, overlays: dict | None = None) -> Path | None:
    """The world folder a file belongs to: the nearest folder above it with a world.toml."""
    overlays = overlays or {}
    for d in (path.parent, *path.parent.parents):
        if (d / "world.toml").is_file() or (d / "world.toml") in overlays:
            return d
    return None


def world_files(root: Path, overlays: dict | None = None) -> list[Path]:
    """The files the loader reads: world.toml and rooms/**/*.toml (on disk or open in the editor)."""
    found = {root / "world.toml"} if (root / "world.toml").is_file() else set()
    if (root / "rooms").is_dir():
        found.update((root / "rooms").rglob("*.toml"))
    for p in overlays or ():
        if p == root / "world.toml" or (p.suffix == ".toml" and p.is_relative_to(root / "rooms")):
            found.add(p)
    return sorted(found)


class Mirror:
    """A temporary copy of a world folder with the editor's buffers in place of the files."""

    def __init__(self, root: Path):
        self.root = root
        self.dir = Path(tempfile.mkdtemp(prefix="adventure-lsp-"))
        self._sig: dict[Path, tuple] = {}  # rel -> what was written there last

    def sync(self, overlays: dict[Path, str]) -> None:
        wanted = set()
        for src in world_files(self.root, overlays):
            rel = src.relative_to(self.root)
            wanted.add(rel)
            dst = self.dir / rel
            if src in overlays:
                text = overlays[src]
                sig: tuple = ("text", text)
            elif src.is_symlink():  # as it is: the loader judges where it points
                sig = ("link", os.readlink(src))
            else:
                try:
                    st = src.stat()
                except OSError:
                    continue
                sig = ("disk", st.st_mtime_ns, st.st_size)
            if self._sig.get(rel) == sig and (dst.exists() or dst.is_symlink()):
                continue
            dst.parent.mkdir(parents=True, exist_ok=True)
            if dst.exists() or dst.is_symlink():
                dst.unlink()
            if sig[0] == "text":
                dst.write_text(sig[1], encoding="utf-8")
            elif sig[0] == "link":
                os.symlink(sig[1], dst)
            else:
                try:
                    shutil.copyfile(src, dst)
                except OSError:
                    continue
            self._sig[rel] = sig
        for rel in list(self._sig):
            if rel not in wanted:
                (self.dir / rel).unlink(missing_ok=True)
                del self._sig[rel]

    def real(self, file: str) -> Path:
        """The real file for a path in a message about the mirror."""
        p = Path(file)
        try:
            rel = p.relative_to(self.dir)
        except ValueError:
            return p
        return self.root / "world.toml" if rel == Path(".") else self.root / rel

    def close(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


def _text_after_location(item) -> str:
    """The line `check` prints for a Problem or a Finding, without its `file:line: `."""
    where = f"{item.file}:{item.line}" if item.line else item.file
    text = str(item)
    return text[len(where) + 2:] if text.startswith(where + ": ") else text


def check(mirror: Mirror, overlays: dict[Path, str], *, explore_world: bool = True,
          max_states: int = DEFAULT_MAX_STATES, max_seconds: float | None = DEFAULT_MAX_SECONDS) -> list[Diagnostic]:
    """Load the world from the mirror (the editor's buffers over the folder), and check it as
    `adventure check` does: the load's problems if it does not load, else check's findings."""
    from ..core.errors import WorldError
    from ..world.loader import load_world

    mirror.sync(overlays)
    try:
        world = load_world(mirror.dir)
    except WorldError as e:
        return [Diagnostic(mirror.real(p.file), p.line, "error", _text_after_location(p)) for p in e.problems]
    if explore_world:  # as `adventure check` does, within the editor's budget
        from ..analysis.verdicts import check as check_world

        found = check_world(world, max_states=max_states, max_seconds=max_seconds)[1]
    else:  # what needs no search: the static findings
        from ..analysis.findings import findings

        found = findings(world, None)
    return [Diagnostic(mirror.real(f.file), f.line, f.severity, _text_after_location(f), f.code)
            for f in found]


class Index:
    """Rooms, endings and state variables of one world, from each file's last text that parsed."""

    def __init__(self, root: Path):
        self.root = root
        self._by_file: dict[Path, tuple[str, dict]] = {}  # file -> (text, {kind: {name: Site}})

    def update(self, path: Path, text: str) -> None:
        old = self._by_file.get(path)
        if old is not None and old[0] == text:
            return
        import tomli

        try:
            data = tomli.loads(text)
        except tomli.TOMLDecodeError:
            # keep the last good entries of this file; the first time, the file on disk's
            if old is None:
                try:
                    disk = path.read_text(encoding="utf-8")
                    self._by_file[path] = (text, self._sites(path, disk, tomli.loads(disk)))
                except (OSError, UnicodeDecodeError, tomli.TOMLDecodeError):
                    pass
            return
        self._by_file[path] = (text, self._sites(path, text, data))

    def forget(self, path: Path) -> None:
        self._by_file.pop(path, None)

    def refresh(self, overlays: dict[Path, str]) -> None:
        """Read every file of the world: the editor's buffer where there is one, else the disk."""
        files = world_files(self.root, overlays)
        for p in list(self._by_file):
            if p not in files:
                self.forget(p)
        for p in files:
            text = overlays.get(p)
            if text is None:
                try:
                    text = p.read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError):
                    continue
            self.update(p, text)

    def _sites(self, path: Path, text: str, data: dict) -> dict:
        from ..world.locate import Locator

        lines = Locator(text).lines
        src = text.splitlines()

        def source(line):
            return src[line - 1].strip() if line and 0 < line <= len(src) else ""

        out: dict[str, dict[str, Site]] = {"room": {}, "ending": {}, "state": {}, "block": {}, "value": {}}
        if path.name == "world.toml" and path.parent == self.root:
            for i, e in enumerate(data.get("ending") or []):
                if isinstance(e, dict) and isinstance(e.get("id"), str):
                    line = lines.get(("ending", i), lines.get(("ending", i, "id"), 1))
                    out["ending"].setdefault(e["id"], Site(e["id"], "ending", path, line, str(e.get("title", ""))))
            state = data.get("state")
            for name, v in (state.items() if isinstance(state, dict) else ()):
                line = lines.get(("state", name), 1)
                out["state"][name] = Site(name, "state", path, line, _describe_var(name, v), source(line))
                names = v.get("one_of") if isinstance(v, dict) else None
                for value in (names if isinstance(names, list) else ()):
                    if isinstance(value, str):
                        out["value"][f"{name}:{value}"] = Site(value, "value", path, line,
                                                               f"a value of {_describe_var(name, v)}", source(line))
            blocks = data.get("block")
            for name, b in (blocks.items() if isinstance(blocks, dict) else ()):
                line = lines.get(("block", name), 1)
                ids = [c.get("id") for c in (b.get("choice") or []) if isinstance(c, dict)] if isinstance(b, dict) else []
                ids = [str(i) for i in ids if i is not None]
                detail = f"{len(ids)} choice{'s' if len(ids) != 1 else ''}" + (f": {', '.join(ids)}" if ids else "")
                out["block"][name] = Site(name, "block", path, line, detail, source(line))
        else:
            for rid, room in data.items():
                if isinstance(room, dict):
                    line = lines.get((rid,), 1)
                    out["room"][rid] = Site(rid, "room", path, line, str(room.get("title", "")), source(line))
        return out

    def sites(self, kind: str) -> dict[str, Site]:
        merged: dict[str, Site] = {}
        for path in sorted(self._by_file):
            for name, site in self._by_file[path][1][kind].items():
                merged.setdefault(name, site)
        return merged


def _describe_var(name: str, v) -> str:
    if isinstance(v, dict) and isinstance(v.get("one_of"), list):
        names = [str(n) for n in v["one_of"]]
        default = v.get("default", names[0] if names else "")
        persist = " (persistent)" if v.get("persist") else ""
        return f"enum {name}, one of {', '.join(names)}; default {default}{persist}"
    if isinstance(v, dict):
        default, lo, hi = v.get("default"), v.get("min"), v.get("max")
        hidden = " (hidden)" if v.get("hidden") else ""
        hidden += " (persistent)" if v.get("persist") else ""
    else:
        default, lo, hi, hidden = v, None, None, ""
    if isinstance(default, bool):
        return f"flag {name}, default {str(default).lower()}{hidden}"
    bounds = ""
    if lo is not None or hi is not None:
        bounds = f", from {'-inf' if lo is None else lo} to {'+inf' if hi is None else hi}"
    return f"counter {name}, default {default}{bounds}{hidden}"


class ContextAt(Record):
    """What is at a position in a world file. kind: "room", "ending", "block", "name" (a state
    variable, `visits.<room>`), "value" (right of `==`, `!=` or an effect's `=`: an enum's value
    if `owner`, the name on the left, is an enum), or "" for nothing known; prefix: the part
    before the cursor; word: all of it; start and end: its columns."""

    __slots__ = _fields = ("kind", "prefix", "word", "start", "end", "owner")
    _defaults = {"owner": ""}


def cursor_context(line: str, col: int) -> ContextAt:
    """What the cursor at column `col` of `line` is on (0-based columns)."""
    col = max(0, min(col, len(line)))
    for m in _REF.finditer(line):
        start, end = m.start(2), m.end(2)
        if start <= col <= end:
            kind = "ending" if m.group(1) == "end" else "room"
            return ContextAt(kind, line[start:col], line[start:end], start, end)
    use = _USE.search(line)
    if use is not None:
        for m in _STRING.finditer(line, use.end()):
            start, end = m.start(1), m.end(1)
            if start <= col <= end:
                return ContextAt("block", line[start:col], line[start:end], start, end)
    # an identifier in an expression (if, when, do) or in a {name} of a text
    left = col
    while left > 0 and (line[left - 1].isalnum() or line[left - 1] in "_."):
        left -= 1
    m = _IDENT.match(line, left)
    end = m.end() if m else col
    word = line[left:end]
    before = line[:left]
    in_expr = bool(_EXPR_KEY.search(line)) and before.count('"') % 2 == 1
    in_text = before.endswith("{") and not before.endswith("{{") and not re.search(r"=\s*\{$", before.rstrip())
    in_text_if = not in_expr and before.count('"') % 2 == 1 and _TEXT_IF.search(before) is not None
    if (in_expr or in_text or in_text_if) and (not word or not word[0].isdigit()):
        if in_expr or in_text_if:
            v = _VALUE_AFTER.search(before)
            if v is not None:
                return ContextAt("value", line[left:col], word, left, end, v.group(1))
        return ContextAt("name", line[left:col], word, left, end)
    return ContextAt("", "", word, left, end)


def resolve(index: Index, ctx: ContextAt) -> Site | None:
    """The definition of what the cursor is on, if the world has one."""
    if ctx.kind == "room":
        return index.sites("room").get(ctx.word)
    if ctx.kind == "ending":
        return index.sites("ending").get(ctx.word)
    if ctx.kind == "block":
        return index.sites("block").get(ctx.word)
    if ctx.kind == "value":
        site = index.sites("value").get(f"{ctx.owner}:{ctx.word}")
        if site is not None or _is_enum(index, ctx.owner):
            return site
        # not an enum: the right-hand side is an ordinary expression
    if ctx.kind in ("name", "value") or (ctx.kind == "" and ctx.word):
        if ctx.word.startswith("visits."):
            return index.sites("room").get(ctx.word[len("visits."):])
        if ctx.kind in ("name", "value") or ctx.word in index.sites("state"):
            return index.sites("state").get(ctx.word)
    return None


def completions(index: Index, ctx: ContextAt) -> list[tuple[str, str, str]]:
    """(label, kind, detail) of what may be written at the cursor, filtered by what is typed."""
    if ctx.kind == "room":
        items = [(name, "room", s.detail) for name, s in index.sites("room").items()]
    elif ctx.kind == "ending":
        items = [(name, "ending", s.detail) for name, s in index.sites("ending").items()]
    elif ctx.kind == "block":
        items = [(name, "block", s.detail) for name, s in index.sites("block").items()]
    elif ctx.kind == "value" and _is_enum(index, ctx.owner):
        items = [(s.name, "value", s.detail) for key, s in index.sites("value").items()
                 if key.startswith(ctx.owner + ":")]
    elif ctx.kind in ("name", "value"):
        if ctx.prefix.startswith("visits."):
            items = [(f"visits.{name}", "visits", f"times the player entered {s.detail or name}")
                     for name, s in index.sites("room").items()]
        else:
            items = [(name, "state", s.detail) for name, s in index.sites("state").items()]
            items += [("turn", "word", "the number of moves made"),
                      ("visits.", "word", "visits.<room>: times the player entered a room")]
    else:
        return []
    return sorted((i for i in items if i[0].startswith(ctx.prefix)), key=lambda i: i[0])


def _is_enum(index: Index, name: str) -> bool:
    site = index.sites("state").get(name)
    return site is not None and site.detail.startswith("enum ")


def hover_text(site: Site) -> str:
    """Markdown for a hover over a reference to `site`."""
    where = f"{site.file.name}:{site.line}" if site.kind != "room" else f"{site.file.parent.name}/{site.file.name}:{site.line}"
    if site.kind == "state":
        return f"**{site.detail}**\n\n```toml\n[state]\n{site.source}\n```\n\ndeclared at {where}"
    if site.kind == "value":
        return f"**{site.name}**: {site.detail}\n\n```toml\n[state]\n{site.source}\n```\n\ndeclared at {where}"
    if site.kind == "block":
        return f"block **{site.name}**: {site.detail}\n\ndefined at {where}"
    if site.kind == "room":
        return f"room **{site.name}**: {site.detail}\n\ndefined at {where}"
    return f"ending **{site.name}**: {site.detail}\n\ndefined at {where}"

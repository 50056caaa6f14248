"""The language server for world files, `adventure lsp`: pygls (an optional dependency,
`pip install 'adventure-engine[lsp]'`) on standard input/output.

- Diagnostics as you type: the loader's problems and `check`'s findings, with the words `check`
  prints, for every file of the world, computed from the editor's buffers (workspace.check).
  A check starts `delay` seconds after the last change, so a burst of typing costs one; the
  exploration behind the findings has a budget (`--max-states`, `--max-seconds`), beyond which
  it claims nothing unreachable, as `check` does.
- Go to definition: from `go = "room"`, `call = "room"`, `start = "room"` (also in `next`
  entries) and `visits.room` to the room's table, from `end = "ending"` to its `[[ending]]`, from
  a name in `use = [...]` to its `[block.NAME]`, from a flag, counter or enum in a condition, an
  effect or a `{name}` in a text, and from an enum's value (`mood == calm`), to its line in
  `[state]`.
- Completion of room ids, ending ids, block names, flag, counter and enum names (and
  `visits.<room>`, `turn`), and an enum's values after `==`, `!=` or an effect's `=`.
- Hover: a flag's, counter's or enum's declaration; an enum value's enum; a room's or an
  ending's title; a block's choices.

A world file is any world.toml, or a .toml under a rooms/ folder beside one.
"""

from __future__ import annotations

import asyncio
import atexit
import threading
from pathlib import Path

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from . import workspace as ws

_KINDS = {
    "room": types.CompletionItemKind.Module,
    "ending": types.CompletionItemKind.EnumMember,
    "state": types.CompletionItemKind.Variable,
    "visits": types.CompletionItemKind.Property,
    "word": types.CompletionItemKind.Keyword,
    "block": types.CompletionItemKind.Class,
    "value": types.CompletionItemKind.EnumMember,
}
_SEVERITY = {"error": types.DiagnosticSeverity.Error, "warning": types.DiagnosticSeverity.Warning}


class _World:
    """One world folder the editor has files of: its mirror, its index, what was published."""

    def __init__(self, root: Path):
        self.root = root
        self.mirror = ws.Mirror(root)
        self.index = ws.Index(root)
        self.published: set[Path] = set()
        self.task: asyncio.Task | None = None
        # one check at a time on the mirror: a cancelled task's thread may still be running
        self.lock = threading.Lock()

    def check(self, overlays: dict[Path, str], **options) -> list[ws.Diagnostic]:
        with self.lock:
            return ws.check(self.mirror, overlays, **options)


class AdventureLanguageServer(LanguageServer):
    def __init__(self, *, max_states: int = ws.DEFAULT_MAX_STATES, max_seconds: float | None = ws.DEFAULT_MAX_SECONDS,
                 delay: float = 0.3):
        from .. import __version__

        super().__init__("adventure", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Full)
        self.max_states = max_states
        self.max_seconds = max_seconds
        self.delay = delay
        self.worlds: dict[Path, _World] = {}
        atexit.register(self.close)

    def close(self) -> None:
        for w in self.worlds.values():
            with w.lock:
                w.mirror.close()

    # -- documents
    def overlays(self, root: Path) -> dict[Path, str]:
        out = {}
        for uri, doc in list(self.workspace.text_documents.items()):
            path = _path(uri)
            if path is not None and path.is_relative_to(root):
                out[path] = doc.source
        return out

    def world_of(self, uri: str) -> _World | None:
        path = _path(uri)
        if path is None or path.suffix != ".toml":
            return None
        root = ws.find_root(path, {p: "" for p in map(_path, self.workspace.text_documents) if p})
        if root is None or not (path == root / "world.toml" or path.is_relative_to(root / "rooms")):
            return None
        w = self.worlds.get(root)
        if w is None:
            w = self.worlds[root] = _World(root)
            w.index.refresh(self.overlays(root))
        return w

    def changed(self, uri: str) -> None:
        w = self.world_of(uri)
        if w is None:
            return
        path = _path(uri)
        doc = self.workspace.get_text_document(uri)
        w.index.update(path, doc.source)
        if w.task is not None and not w.task.done():
            w.task.cancel()
        w.task = asyncio.get_running_loop().create_task(self._check_later(w))

    async def _check_later(self, w: _World) -> None:
        await asyncio.sleep(self.delay)
        overlays = self.overlays(w.root)
        try:
            found = await asyncio.to_thread(w.check, overlays, explore_world=self.max_states > 0,
                                            max_states=self.max_states, max_seconds=self.max_seconds)
        except Exception as e:  # a bug: say so in the editor's log, and keep serving
            self.window_log_message(types.LogMessageParams(
                type=types.MessageType.Error, message=f"adventure lsp: checking {w.root} failed: {e!r}"))
            return
        self.publish(w, found)

    def publish(self, w: _World, found: list[ws.Diagnostic]) -> None:
        by_file: dict[Path, list[types.Diagnostic]] = {}
        for d in found:
            path = d.file if Path(d.file).is_relative_to(w.root) else w.root / "world.toml"
            by_file.setdefault(Path(path), []).append(self._diagnostic(path, d))
        for path in sorted(set(by_file) | w.published):
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
                uri=from_fs_path(str(path)), diagnostics=by_file.get(path, [])))
        w.published = set(by_file)

    def _diagnostic(self, path: Path, d: ws.Diagnostic) -> types.Diagnostic:
        lines = self._lines(path)
        n = (d.line or 1) - 1
        text = lines[n] if 0 <= n < len(lines) else ""
        units = self.workspace.position_codec.client_num_units
        start = units(text[: len(text) - len(text.lstrip())])
        end = units(text.rstrip("\r\n"))
        rng = types.Range(start=types.Position(line=max(n, 0), character=start),
                          end=types.Position(line=max(n, 0), character=max(end, start)))
        return types.Diagnostic(range=rng, message=d.message, severity=_SEVERITY.get(d.severity),
                                code=d.code or None, source="adventure check")

    def _lines(self, path: Path) -> list[str]:
        doc = self.workspace.text_documents.get(from_fs_path(str(path)))
        if doc is not None:
            return list(doc.lines)
        try:
            return path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            return []

    # -- positions
    def context(self, uri: str, position: types.Position) -> tuple[_World | None, ws.ContextAt | None]:
        w = self.world_of(uri)
        if w is None:
            return None, None
        doc = self.workspace.get_text_document(uri)
        pos = doc.position_from_client_units(position)
        lines = doc.lines
        if not 0 <= pos.line < len(lines):
            return w, None
        return w, ws.cursor_context(lines[pos.line].rstrip("\r\n"), pos.character)

    def location(self, site: ws.Site) -> types.Location:
        lines = self._lines(site.file)
        n = max(site.line - 1, 0)
        text = lines[n] if n < len(lines) else ""
        end = self.workspace.position_codec.client_num_units(text.rstrip("\r\n"))
        return types.Location(uri=from_fs_path(str(site.file)),
                              range=types.Range(start=types.Position(line=n, character=0),
                                                end=types.Position(line=n, character=end)))


def _path(uri: str) -> Path | None:
    fs = to_fs_path(uri)
    return Path(fs).absolute() if fs else None


def make_server(**options) -> AdventureLanguageServer:
    server = AdventureLanguageServer(**options)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: AdventureLanguageServer, params: types.DidOpenTextDocumentParams):
        ls.changed(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: AdventureLanguageServer, params: types.DidChangeTextDocumentParams):
        ls.changed(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: AdventureLanguageServer, params: types.DidSaveTextDocumentParams):
        ls.changed(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: AdventureLanguageServer, params: types.DidCloseTextDocumentParams):
        # the file on disk is the world's again
        w = ls.world_of(params.text_document.uri)
        if w is not None:
            w.index.refresh(ls.overlays(w.root))
            if w.task is not None and not w.task.done():
                w.task.cancel()
            w.task = asyncio.get_running_loop().create_task(ls._check_later(w))

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    def definition(ls: AdventureLanguageServer, params: types.DefinitionParams):
        w, ctx = ls.context(params.text_document.uri, params.position)
        if w is None or ctx is None:
            return None
        site = ws.resolve(w.index, ctx)
        return ls.location(site) if site is not None else None

    @server.feature(types.TEXT_DOCUMENT_COMPLETION,
                    types.CompletionOptions(trigger_characters=['"', ".", "{", " ", "="]))
    def completion(ls: AdventureLanguageServer, params: types.CompletionParams):
        w, ctx = ls.context(params.text_document.uri, params.position)
        if w is None or ctx is None:
            return None
        items = [types.CompletionItem(label=label, kind=_KINDS.get(kind), detail=detail or None)
                 for label, kind, detail in ws.completions(w.index, ctx)]
        return types.CompletionList(is_incomplete=False, items=items)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: AdventureLanguageServer, params: types.HoverParams):
        w, ctx = ls.context(params.text_document.uri, params.position)
        if w is None or ctx is None:
            return None
        site = ws.resolve(w.index, ctx)
        if site is None:
            return None
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=ws.hover_text(site)))

    return server


def serve(**options) -> None:
    """Run the language server on standard input/output until the client says exit."""
    make_server(**options).start_io()

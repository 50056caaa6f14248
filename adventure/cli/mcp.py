"""adventure mcp [FOLDER...]: play worlds as a Model Context Protocol server on standard
input/output, for LLM agents (Claude Desktop, Claude Code, and other MCP clients).

Tools: worlds, new_game, look, choose, undo, state, walkthrough (docs/mcp.md). The shipped worlds
can be played, and the world folders given here, each by its folder's name. It needs the `mcp`
SDK: `pip install 'adventure-engine[mcp]'`. The server lives in adventure/api/mcp.py.
"""

from __future__ import annotations

from pathlib import Path


def add_arguments(p) -> None:
    p.add_argument("folders", nargs="*", metavar="FOLDER",
                   help="world folders the client may play too, by folder name (the shipped worlds always can)")
    p.add_argument("--stdio", action="store_true",
                   help="speak MCP on standard input/output (the default, and the only transport)")


def run(args) -> int:
    from ..core.errors import AdventureError

    worlds: dict[str, Path] = {}
    for f in args.folders:
        folder = Path(f)
        if folder.is_file() and folder.name == "world.toml":
            folder = folder.parent
        if not (folder / "world.toml").is_file():
            raise AdventureError(f"{f}: not a world folder (no world.toml in it)")
        name = folder.resolve().name
        if name in worlds:
            raise AdventureError(f"two world folders are named {name!r}; the client names worlds by folder name")
        worlds[name] = folder.resolve()
    try:
        import mcp.server.mcpserver  # noqa: F401
    except ImportError:
        raise AdventureError("`adventure mcp` needs the MCP SDK: pip install 'adventure-engine[mcp]' "
                             "(or pip install 'mcp>=2,<3')") from None
    from ..api.mcp import serve

    serve(worlds)
    return 0

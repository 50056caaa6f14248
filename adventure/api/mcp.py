"""`adventure mcp`: play worlds as a Model Context Protocol server, for LLM agents (docs/mcp.md).

Tools: `worlds`, `new_game(world, seed)`, `look`, `choose(choice)`, `undo`, `state` and
`walkthrough(ending, from_here)`. A game is a `play.Game` (so `undo` is the game's own); the
observation is the text `AdventureEnv` shows (`render_observation`), and the walkthrough is the
A* search behind `adventure route` (`analysis.routes.shortest_route`).

`Session` is the game logic and needs nothing else; `make_server` wraps it in the official `mcp`
SDK (an optional dependency, `pip install 'adventure-engine[mcp]'`), which only `adventure mcp`
imports. As with `adventure serve`, nothing a client sends is used as a file name: `new_game`
opens the shipped worlds and the folders given on the command line, by name.
"""

from __future__ import annotations

from pathlib import Path

from ..core.errors import AdventureError

__all__ = ["Session", "make_server", "serve", "INSTRUCTIONS"]

INSTRUCTIONS = (
    "Interactive fiction. Call `worlds` to see what can be played, `new_game` to start one, then read the "
    "observation and `choose` an option by its id or by the number shown. `look` shows where you are, `undo` "
    "takes back a move, `state` shows the flags and counters, and `walkthrough` gives a shortest route to an "
    "ending (a spoiler)."
)
MAX_ROUTE_STATES = 2_000_000


class Session:
    """One player's game, driven by name: what each MCP tool does, as plain methods returning
    JSON-able dicts. Raises AdventureError (with a readable message) for anything it refuses."""

    def __init__(self, worlds: dict[str, Path] | None = None):
        from ..world.loader import shipped_worlds

        self.worlds: dict[str, Path] = dict(shipped_worlds())
        self.worlds.update(worlds or {})
        self.world = None
        self.game = None
        self._loaded: dict[str, object] = {}

    # -- tools
    def list_worlds(self) -> dict:
        return {"worlds": sorted(self.worlds)}

    def new_game(self, world: str = "allhands", seed: int = 0) -> dict:
        from ..play.game import Game

        if world not in self.worlds:
            from ..core.suggest import did_you_mean

            hint = did_you_mean(world[:100], list(self.worlds)) if isinstance(world, str) else None
            raise AdventureError(f"no world {str(world)[:60]!r}" + (f" (did you mean {hint!r}?)" if hint else "")
                                 + f"; worlds: {', '.join(sorted(self.worlds))}")
        if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2 ** 64:
            raise AdventureError("seed is a whole number from 0 to 2**64-1")
        w = self._loaded.get(world)
        if w is None:
            from ..world.loader import load_world

            w = self._loaded[world] = load_world(self.worlds[world])
        self.world = w
        self.game = Game(w, seed)
        return self._view(self.game.events, intro=True)

    def look(self) -> dict:
        g = self._game()
        return self._view(g.describe())

    def choose(self, choice: str) -> dict:
        g = self._game()
        if g.over:
            raise AdventureError(f"the game is over (ending {g.state.ending!r}); call new_game or undo")
        options = g.choices()
        cid = str(choice).strip()
        match = next((c for c in options if c["id"] == cid), None)
        if match is None and cid.isdigit() and 1 <= int(cid) <= len(options):
            match = options[int(cid) - 1]
        if match is None:
            from ..core.suggest import did_you_mean

            hint = did_you_mean(cid[:100], [c["id"] for c in options if c["enabled"]])
            raise AdventureError(f"no choice {cid[:60]!r} here" + (f" (did you mean {hint!r}?)" if hint else "")
                                 + "; give a choice's id or the number shown")
        if not match["enabled"]:
            raise AdventureError(f"choice {match['id']!r} is not available now")
        return self._view(g.choose(match["id"]))

    def undo(self) -> dict:
        g = self._game()
        if not g.undo():
            raise AdventureError("nothing to undo: this is the start of the game")
        return self._view(g.describe())

    def state(self) -> dict:
        g = self._game()
        return {"world": self.world.id, "seed": g.seed, "room": g.state.room, "ending": g.state.ending,
                "over": g.over, "moves": list(g.log), "values": dict(g.values()), "state_hash": g.state_hash()}

    def walkthrough(self, ending: str | None = None, from_here: bool = True) -> dict:
        from ..analysis.routes import shortest_route

        g = self._game()
        endings = [e.id for e in self.world.endings]
        if ending is not None and ending not in endings:
            raise AdventureError(f"no ending {str(ending)[:60]!r}; endings: {', '.join(endings)}")
        if from_here and g.over:
            raise AdventureError(f"the game is over (ending {g.state.ending!r})")
        best = None
        proved = True
        for e in [ending] if ending is not None else endings:
            r = shortest_route(self.world, e, seed=g.seed, max_states=MAX_ROUTE_STATES,
                               start_state=g.state if from_here else None)
            if r.route is not None and (best is None or len(r.route) < len(best[1])):
                best = (e, list(r.route))
            elif r.route is None:
                proved = proved and r.proved
        if best is None:
            what = f"ending {ending!r}" if ending else "any ending"
            why = "it cannot be reached" if proved else "none found within the search's budget"
            raise AdventureError(f"no route to {what} {'from here' if from_here else 'from the start'}: {why}")
        return {"ending": best[0], "route": best[1], "from": "here" if from_here else "start", "seed": g.seed}

    # -- helpers
    def _game(self):
        if self.game is None:
            raise AdventureError("no game yet: call new_game first")
        return self.game

    def _view(self, events, intro: bool = False) -> dict:
        from .env import render_observation

        g = self.game
        choices = [] if g.over else g.choices()
        return {"observation": render_observation(events, choices), "room": g.state.room,
                "ending": g.state.ending, "over": g.over, "moves": len(g.log),
                "choices": [{"number": c["index"] + 1, "id": c["id"], "label": c["label"], "available": c["enabled"]}
                            for c in choices]}


def make_server(session: Session):
    """The MCP server (mcp.server.mcpserver.MCPServer) with one tool per Session method."""
    from mcp.server.mcpserver import MCPServer
    from mcp.server.mcpserver.exceptions import ToolError
    from mcp_types import ToolAnnotations

    from .. import __version__

    server = MCPServer(name="adventure", title="adventure: interactive fiction", version=__version__,
                       instructions=INSTRUCTIONS, log_level="WARNING")
    read_only = ToolAnnotations(read_only_hint=True, open_world_hint=False)
    moves = ToolAnnotations(read_only_hint=False, destructive_hint=False, open_world_hint=False)

    def call(method, *args):
        try:
            return method(*args)
        except AdventureError as e:
            raise ToolError(str(e)) from None

    @server.tool(annotations=read_only)
    def worlds() -> dict:
        """The worlds that can be played: new_game takes one of these names."""
        return call(session.list_worlds)

    @server.tool(annotations=moves)
    def new_game(world: str = "allhands", seed: int = 0) -> dict:
        """Start a new game of `world` (a name from `worlds`) with `seed` for its dice. Returns the opening
        observation and the choices."""
        return call(session.new_game, world, seed)

    @server.tool(annotations=read_only)
    def look() -> dict:
        """Where you are now: the room's text and the choices, numbered from 1."""
        return call(session.look)

    @server.tool(annotations=moves)
    def choose(choice: str) -> dict:
        """Take a choice, named by its id or by the number shown. Returns what happened and the new choices."""
        return call(session.choose, choice)

    @server.tool(annotations=moves)
    def undo() -> dict:
        """Take back the last move."""
        return call(session.undo)

    @server.tool(annotations=read_only)
    def state() -> dict:
        """The game's state: room, flags and counters, the moves made, the ending if one was reached."""
        return call(session.state)

    @server.tool(annotations=read_only)
    def walkthrough(ending: str | None = None, from_here: bool = True) -> dict:
        """A shortest list of choice ids to `ending` (default: the nearest ending), from the current state
        (or from the start with from_here=false), for this game's seed. A spoiler."""
        return call(session.walkthrough, ending, from_here)

    return server


def serve(worlds: dict[str, Path] | None = None) -> None:
    """Run the MCP server on standard input/output until the client disconnects."""
    make_server(Session(worlds)).run("stdio")

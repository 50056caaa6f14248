"""`adventure mcp`: play worlds as a Model Context Protocol server, for LLM agents (docs/mcp.md).

Tools: `worlds`, `new_game(world, seed, hide_ids)`, `look`, `choose(choice)`, `undo`, `state` and
`walkthrough(ending, from_here)`. A game is a `play.Game` (so `undo` is the game's own); the
observation is the text `AdventureEnv` shows (`render_observation`), the benchmark keys of a view
(score, won, par, ...) are the environment's (benchmark.py), and the walkthrough is the A* search
behind `adventure route` (`analysis.routes.shortest_route`). With `hide_ids`, choices are named
by number and label only, as a player sees them.

`Session` is the game logic and needs nothing else; `make_server` wraps it in the official `mcp`
SDK (an optional dependency, `pip install 'adventure-engine[mcp]'`), which only `adventure mcp`
imports. As with `adventure serve`, nothing a client sends is used as a file name: `new_game`
opens the shipped worlds and the folders given on the command line, by name.
"""

from __future__ import annotations

from pathlib import Path

from ..core.errors import AdventureError
from ..core.engine import label

__all__ = ["Session", "make_server", "serve", "INSTRUCTIONS"]

INSTRUCTIONS = (
    "Interactive fiction. Call `worlds` to see what can be played, `new_game` to start one, then read the "
    "observation and `choose` an option by its id (or its label, in a game started with hide_ids) or by the "
    "number shown. `look` shows where you are, `undo` "
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
        self.hide_ids = False
        self.pars = None
        self._loaded: dict[str, tuple] = {}  # world name -> (World, its Pars, remembered across games)

    # -- tools
    def list_worlds(self) -> dict:
        return {"worlds": sorted(self.worlds)}

    def new_game(self, world: str = "allhands", seed: int = 0, hide_ids: bool = False) -> dict:
        from ..play.game import Game
        from .benchmark import Pars

        if world not in self.worlds:
            from ..core.suggest import did_you_mean

            hint = did_you_mean(world[:100], list(self.worlds)) if isinstance(world, str) else None
            raise AdventureError(f"no world {str(world)[:60]!r}" + (f" (did you mean {hint!r}?)" if hint else "")
                                 + f"; worlds: {', '.join(sorted(self.worlds))}")
        if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2 ** 64:
            raise AdventureError("seed is a whole number from 0 to 2**64-1")
        if not isinstance(hide_ids, bool):
            raise AdventureError("hide_ids is true or false")
        loaded = self._loaded.get(world)
        if loaded is None:
            from ..world.loader import load_world

            w = load_world(self.worlds[world])
            loaded = self._loaded[world] = (w, Pars(w))
        self.world, self.pars = loaded
        self.hide_ids = hide_ids
        self.game = Game(self.world, seed)
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
        from ..play.game import typed_number  # int() refuses some digits (²) and very long numbers

        n = typed_number(cid)
        number = options[n - 1] if n is not None and 1 <= n <= len(options) else None
        if self.hide_ids and number is None:  # a label, then: never an id
            from .benchmark import resolve_label

            got, why = resolve_label(options, cid)
            if got is None:
                raise AdventureError(why)
            match = next(c for c in options if c["id"] == got)
        elif self.hide_ids:
            match = number
        else:
            match = next((c for c in options if c["id"] == cid), number)
        if match is None:
            from ..core.suggest import did_you_mean

            hint = did_you_mean(cid[:100], [c["id"] for c in options if c["enabled"]])
            raise AdventureError(f"no choice {cid[:60]!r} here" + (f" (did you mean {hint!r}?)" if hint else "")
                                 + "; give a choice's id or the number shown")
        if not match["enabled"]:
            raise AdventureError(f"option {match['index'] + 1} ({match['label'][:60]!r}) is not available now"
                                 if self.hide_ids else f"choice {match['id']!r} is not available now")
        return self._view(g.choose(match["id"]))

    def undo(self) -> dict:
        g = self._game()
        if not g.undo():
            raise AdventureError("nothing to undo: this is the start of the game")
        return self._view(g.describe())

    def state(self) -> dict:
        g = self._game()
        moves = list(g.log)
        if self.hide_ids:  # each move's label as it was shown (history[i] is the state before move i)
            moves = [label(h, self.world.rooms[h.room].by_id[m]) for m, h in zip(g.log, g.history)]
        return {"world": self.world.id, "seed": g.seed, "room": g.state.room, "ending": g.state.ending,
                "over": g.over, "moves": moves, "values": dict(g.values()), "state_hash": g.state_hash()}

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
        earlier = False
        for e in [ending] if ending is not None else endings:
            r = shortest_route(self.world, e, seed=g.seed, max_states=MAX_ROUTE_STATES,
                               start_state=g.state if from_here else None)
            if r.route is not None and (best is None or len(r.route) < len(best[1])):
                best = (e, list(r.route))
            elif r.route is None:
                proved = proved and r.proved
                earlier = earlier or r.earlier_day
        if best is None:
            what = f"ending {ending!r}" if ending else "any ending"
            why = "it cannot be reached" if proved else "none found within the search's budget"
            if proved and earlier:  # persistent values from an earlier game would be needed
                why = "not in one game from the start: it needs an earlier day"
            raise AdventureError(f"no route to {what} {'from here' if from_here else 'from the start'}: {why}")
        route = best[1]
        if self.hide_ids:
            from ..core.engine import start
            from .benchmark import labels_of_route

            route = labels_of_route(self.world, g.state if from_here else start(self.world, g.seed).state, route)
        return {"ending": best[0], "route": route, "from": "here" if from_here else "start", "seed": g.seed}

    # -- helpers
    def _game(self):
        if self.game is None:
            raise AdventureError("no game yet: call new_game first")
        return self.game

    def _view(self, events, intro: bool = False) -> dict:
        from .benchmark import admissible, efficiency, max_score, outcome
        from .env import render_observation

        g = self.game
        choices = [] if g.over else g.choices()
        shown = [{"number": c["index"] + 1, "id": c["id"], "label": c["label"], "available": c["enabled"]}
                 for c in choices]
        if self.hide_ids:
            for c in shown:
                del c["id"]
        ending = g.state.ending
        par = self.pars(g.seed, ending) if ending is not None else None
        # the environment's benchmark keys; `moves` is the game's, so a move undone does not count
        return {"observation": render_observation(events, choices), "room": g.state.room,
                "ending": ending, "over": g.over, "moves": len(g.log), "choices": shown,
                **outcome(self.world, ending), "max_score": max_score(self.world),
                "admissible_commands": admissible(choices, self.hide_ids), "par": par,
                "efficiency": efficiency(par, len(g.log))}


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
    def new_game(world: str = "allhands", seed: int = 0, hide_ids: bool = False) -> dict:
        """Start a new game of `world` (a name from `worlds`) with `seed` for its dice. Returns the opening
        observation and the choices. hide_ids: choices are shown and chosen by number or label only."""
        return call(session.new_game, world, seed, hide_ids)

    @server.tool(annotations=read_only)
    def look() -> dict:
        """Where you are now: the room's text and the choices, numbered from 1."""
        return call(session.look)

    @server.tool(annotations=moves)
    def choose(choice: str) -> dict:
        """Take a choice, named by its id (its label when ids are hidden) or by the number shown. Returns what
        happened and the new choices."""
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

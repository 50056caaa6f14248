"""`adventure serve --stdio`: the environment's operations as JSON lines, for programs in any language.

One request per line on standard input, one response per line on standard output, in order:

    {"id": 1, "op": "step", "choice": "kettle"}
    {"id": 1, "ok": true, "result": {"observation": "...", "reward": 0.0, ...}}

A request that cannot be served (bad JSON, not UTF-8, too long, an unknown op, a wrong type, a choice
that is not available) gets `{"id": ..., "ok": false, "error": {"code": ..., "message": ...}}` and
the server reads the next line. Nothing in a request is evaluated, imported or used as a path.
The protocol is documented in docs/api.md; `Server.handle` is the whole of it, without I/O.
"""

from __future__ import annotations

import json
import signal
import sys
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO, Callable

from .env import AdventureEnv, EpisodeOver, NoRoute
from ..core.errors import AdventureError, ChoiceError, ReplayError, SaveError
from ..core.model import World
from ..core.suggest import did_you_mean

__all__ = ["Server", "serve_stdio", "PROTOCOL", "MAX_LINE", "ERROR_CODES"]

PROTOCOL = 1
MAX_LINE = 1 << 20  # bytes in one request line
MAX_SEED = (1 << 64) - 1
# a walkthrough's budget, so that one request cannot hold the server for long: at most MAX_SEARCH
# states searched for each ending (the default too), and at most MAX_SECONDS in all
MAX_SEARCH = 100_000
MAX_SECONDS = 5.0
MAX_ID = 200  # characters of a string id

ERROR_CODES = {
    "parse_error": "the line is not JSON (or not UTF-8)",
    "line_too_long": "the line is longer than the server's limit",
    "invalid_request": "not a JSON object, or its id or op is missing or of the wrong type",
    "unknown_op": "no such op",
    "invalid_params": "a parameter is unknown, missing, or of the wrong type or range",
    "choice_unavailable": "that choice or action cannot be taken now (the game is unchanged)",
    "episode_over": "the episode has ended; send reset",
    "bad_state": "a state or save that is malformed, for another world, or does not replay",
    "no_route": "no route to that ending was found",
    "internal_error": "a bug in the server; the request had no effect and the server goes on",
}


class _OutOfTime(BaseException):
    """The request's time budget ran out (a BaseException: no `except Exception` swallows it)."""


@contextmanager
def _time_limit(seconds: float):
    """Raise _OutOfTime in this block after `seconds`, where the server can keep time: in the
    main thread, on a system with interval timers (elsewhere the state budget alone holds)."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_alarm(signum, frame):
        raise _OutOfTime

    old = signal.signal(signal.SIGALRM, on_alarm)
    # then every 50 ms until the block ends: an exception raised while a destructor runs is
    # printed and lost, and the next one must stop the request
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.05)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


class RequestError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def _short(s: str, n: int = 60) -> str:
    """A string from a request, quoted in ASCII and cut short, to quote in an error message."""
    return ascii(s[:n]) + ("..." if len(s) > n else "")


def _int(v: Any, name: str, lo: int, hi: int) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise RequestError("invalid_params", f"{name} must be an integer, not {type(v).__name__}")
    if not lo <= v <= hi:
        raise RequestError("invalid_params", f"{name} must be from {lo} to {hi:,}")
    return v


def _str(v: Any, name: str, limit: int = 1000) -> str:
    if not isinstance(v, str):
        raise RequestError("invalid_params", f"{name} must be a string, not {type(v).__name__}")
    if len(v) > limit:
        raise RequestError("invalid_params", f"{name} is longer than {limit:,} characters")
    return v


def _params(op: str, params: dict, allowed: tuple[str, ...]) -> None:
    for k in params:
        if k not in allowed:
            hint = did_you_mean(k[:100], allowed)
            known = ", ".join(allowed) if allowed else "none"
            raise RequestError("invalid_params", f"{op}: unknown parameter {_short(k)}"
                               + (f" (did you mean {hint!r}?)" if hint else f"; it takes: {known}"))


def _info_json(info: dict) -> dict:
    out = dict(info)
    out["action_mask"] = [int(x) for x in info["action_mask"]]
    return out


class Server:
    """The protocol without I/O: `handle(line)` returns the response (a dict), never raises."""

    def __init__(self, world: World | str, *, seed: int = 0, max_steps: int | None = 500,
                 target=None, max_line: int = MAX_LINE, hide_ids: bool = False):
        self.env = AdventureEnv(world, max_steps=max_steps, target=target, invalid_action="raise",
                                hide_ids=hide_ids)
        self.env.reset(seed=seed)
        self.max_line = max_line
        self.done = False

    # -- the protocol
    def handle(self, line: bytes | str) -> dict | None:
        """The response to one request line; None for a blank line (which is skipped)."""
        rid = None
        try:
            if isinstance(line, str):
                try:
                    line = line.encode("utf-8")
                except UnicodeEncodeError:  # lone surrogates
                    raise RequestError("parse_error", "the line is not valid UTF-8") from None
            if len(line) > self.max_line:
                raise RequestError("line_too_long", f"a request line is at most {self.max_line:,} bytes")
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError:
                raise RequestError("parse_error", "the line is not valid UTF-8") from None
            if not text.strip():
                return None
            try:
                req = json.loads(text)
            except RecursionError:
                raise RequestError("parse_error", "the JSON is nested too deeply") from None
            except ValueError as e:
                raise RequestError("parse_error", f"not JSON: {str(e)[:200]}") from None
            if not isinstance(req, dict):
                raise RequestError("invalid_request", 'a request is a JSON object, like {"id": 1, "op": "choices"}')
            rid = req.get("id")
            if rid is not None and not (isinstance(rid, str) and len(rid) <= MAX_ID
                                        or isinstance(rid, int) and not isinstance(rid, bool) and abs(rid) <= MAX_SEED):
                rid = None
                raise RequestError("invalid_request", f"id must be a string (up to {MAX_ID} characters), an integer or null")
            op = req.get("op")
            if not isinstance(op, str):
                raise RequestError("invalid_request", 'a request needs "op", a string; ops: ' + ", ".join(OPS))
            fn = OPS.get(op)
            if fn is None:
                hint = did_you_mean(op[:100], OPS)
                raise RequestError("unknown_op", f"no op {_short(op)}" + (f" (did you mean {hint!r}?)" if hint else
                                                                          "; ops: " + ", ".join(OPS)))
            params = {k: v for k, v in req.items() if k not in ("id", "op")}
            result = fn(self, params)
            return {"id": rid, "ok": True, "result": result}
        except RequestError as e:
            return self._error(rid, e.code, e.message)
        except EpisodeOver as e:
            return self._error(rid, "episode_over", str(e))
        except ChoiceError as e:
            return self._error(rid, "choice_unavailable", str(e))
        except SaveError as e:
            return self._error(rid, "bad_state", str(e))
        except NoRoute as e:
            return self._error(rid, "no_route", str(e))
        except AdventureError as e:
            return self._error(rid, "invalid_params", str(e))
        except Exception as e:  # a bug: answer, note it on stderr, and go on serving
            print(f"adventure serve: internal error: {type(e).__name__}: {e}", file=sys.stderr)
            return self._error(rid, "internal_error", f"internal error ({type(e).__name__}); the request had no effect")

    @staticmethod
    def _error(rid, code: str, message: str) -> dict:
        return {"id": rid, "ok": False, "error": {"code": code, "message": message}}

    # -- results
    def _position(self, obs: str, info: dict) -> dict:
        return {"observation": obs, "info": _info_json(info)}

    def _here(self) -> dict:
        env = self.env
        g = env.game
        return {"choices": env.choices(), "action_mask": [int(x) for x in env.action_mask()],
                "admissible_commands": env.admissible_commands(),
                "room": g.state.room, "ending": g.state.ending, "moves": len(g.log), "steps": env.steps,
                "done": env.done}

    # -- ops (each takes the request's other keys)
    def op_info(self, p: dict) -> dict:
        _params("info", p, ())
        w = self.env.world
        from .. import __version__

        return {"protocol": PROTOCOL, "engine": __version__,
                "world": {"id": w.id, "title": w.title, "hash": w.content_hash},
                "endings": [{"id": e.id, "title": e.title, "secret": e.secret, "score": e.score,
                             "result": e.result} for e in w.endings],
                "max_score": self.env.max_score, "hide_ids": self.env.hide_ids,
                "actions": self.env.n_actions, "max_steps": self.env.max_steps,
                "target": list(self.env.target) if self.env.target else None,
                "max_line": self.max_line, "ops": list(OPS)}

    def op_reset(self, p: dict) -> dict:
        _params("reset", p, ("seed",))
        seed = _int(p["seed"], "seed", 0, MAX_SEED) if p.get("seed") is not None else None
        return self._position(*self.env.reset(seed=seed))

    def op_step(self, p: dict) -> dict:
        _params("step", p, ("choice", "action"))
        if ("choice" in p) == ("action" in p):
            raise RequestError("invalid_params", 'step takes one of "choice" (a choice id) or "action" (an option index from 0)')
        a = _str(p["choice"], "choice", 200) if "choice" in p else _int(p["action"], "action", 0, 1 << 31)
        obs, reward, terminated, truncated, info = self.env.step(a)
        return {"observation": obs, "reward": reward, "terminated": terminated, "truncated": truncated,
                "info": _info_json(info)}

    def op_choices(self, p: dict) -> dict:
        _params("choices", p, ())
        return self._here()

    def op_state(self, p: dict) -> dict:
        _params("state", p, ())
        return {"state": self.env.get_state()}

    def op_set_state(self, p: dict) -> dict:
        _params("set_state", p, ("state",))
        if not isinstance(p.get("state"), dict):
            raise RequestError("invalid_params", 'set_state takes "state": an object as returned by the state op')
        return self._position(*self.env.set_state(p["state"]))

    def op_save(self, p: dict) -> dict:
        _params("save", p, ())
        from ..play.saves import save_blob

        return {"save": save_blob(self.env.game, "serve").decode("utf-8"), "moves": len(self.env.game.log)}

    def op_load(self, p: dict) -> dict:
        _params("load", p, ("save",))
        text = _str(p.get("save"), "save", self.max_line)
        try:
            doc = json.loads(text)
        except (ValueError, RecursionError):
            raise SaveError("the save is not JSON (damaged, or not a save)") from None
        if not isinstance(doc, dict):
            raise SaveError("the save is not a JSON object")
        return self._position(*self.env.set_state(doc))

    def op_hash(self, p: dict) -> dict:
        _params("hash", p, ())
        return {"hash": self.env.state_hash(), "moves": len(self.env.game.log)}

    def op_walkthrough(self, p: dict) -> dict:
        _params("walkthrough", p, ("ending", "from", "max_states"))
        ending = _str(p["ending"], "ending", 200) if p.get("ending") is not None else None
        where = p.get("from", "start")
        if where not in ("start", "here"):
            raise RequestError("invalid_params", 'from is "start" (the default) or "here"')
        max_states = _int(p["max_states"], "max_states", 1, MAX_SEARCH) if "max_states" in p else MAX_SEARCH
        g = self.env.game
        try:
            with _time_limit(MAX_SECONDS):
                # the moves as step takes them (labels with hidden ids); the search replays its route
                reached, route = self.env.route(ending, from_here=where == "here", max_states=max_states)
        except _OutOfTime:
            raise NoRoute(f"no route found within {MAX_SECONDS:g} seconds, the server's limit") from None
        except NoRoute as e:
            if max_states < MAX_SEARCH:
                raise
            raise NoRoute(str(e).replace("; try a larger max_states", " (the server's limit)")) from None
        return {"ending": reached, "route": route, "from": where, "seed": g.seed}

    def op_replay(self, p: dict) -> dict:
        _params("replay", p, ())
        with tempfile.TemporaryDirectory(prefix="adventure-serve-") as d:
            path = Path(d) / "episode.jsonl"
            try:
                self.env.write_replay(path)
                text = path.read_text("utf-8")
            except OSError as e:
                raise ReplayError(f"could not write the replay: {e.strerror or e}") from None
        return {"replay": text, "moves": len(self.env.game.log), "ending": self.env.game.state.ending}

    def op_quit(self, p: dict) -> dict:
        _params("quit", p, ())
        self.done = True
        return {"bye": True}


OPS: dict[str, Callable[[Server, dict], dict]] = {
    "info": Server.op_info,
    "reset": Server.op_reset,
    "step": Server.op_step,
    "choices": Server.op_choices,
    "state": Server.op_state,
    "set_state": Server.op_set_state,
    "save": Server.op_save,
    "load": Server.op_load,
    "hash": Server.op_hash,
    "walkthrough": Server.op_walkthrough,
    "replay": Server.op_replay,
    "quit": Server.op_quit,
}


def dumps(resp: dict) -> bytes:
    """One response line. ASCII only: any other character (an id echoed from a request included) is
    a JSON escape, so nothing the server writes can act on a terminal that happens to show it."""
    return json.dumps(resp, ensure_ascii=True, separators=(",", ":"), allow_nan=False).encode("ascii") + b"\n"


def serve_stdio(server: Server, stdin: BinaryIO, stdout: BinaryIO) -> int:
    """Serve requests from `stdin` until end of input or `quit`. Returns the exit status (0)."""
    limit = server.max_line
    while not server.done:
        line = stdin.readline(limit + 1)
        if not line:
            break
        if len(line) > limit and not line.endswith(b"\n"):
            while True:  # skip the rest of the over-long line, a bounded chunk at a time
                more = stdin.readline(1 << 16)
                if not more or more.endswith(b"\n"):
                    break
            resp = Server._error(None, "line_too_long", f"a request line is at most {limit:,} bytes")
        else:
            resp = server.handle(line.rstrip(b"\r\n"))
        if resp is None:
            continue
        try:
            data = dumps(resp)
        except (TypeError, ValueError):  # a bug (say, a non-finite number): still one line, still JSON
            data = dumps(Server._error(resp.get("id"), "internal_error", "internal error: the response could not be encoded"))
        stdout.write(data)
        stdout.flush()
    return 0

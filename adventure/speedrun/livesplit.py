"""Live timers: LiveSplit and LiveSplit One, told about a speedrun as it happens.

- **LiveSplit** is the server and we are its client: `LiveSplitClient` connects to LiveSplit
  Server (Control > Start TCP Server, port 16834) and sends its text commands, one a line
  (`starttimer`, `split`, `setgametime 0:01:02.345`, ...).
- **LiveSplit One** runs in a browser and connects to us: `LiveSplitOneServer` listens (on
  127.0.0.1:16835 by default) and sends each command as a WebSocket text message. LiveSplit One
  hands those messages to livesplit-core's server protocol, which reads JSON commands
  (`{"command":"split"}`, `{"command":"setGameTime","time":"0:01:02.345"}`), so that is what it
  gets. The WebSocket part (RFC 6455: the opening handshake, unmasked text frames out, masked
  frames in, ping, close) is written here with the standard library (socket, selectors, hashlib,
  base64): it is about 150 lines, and an optional package (`websockets`) would have to be
  installed, be kept working across its major versions, and bring asyncio into a program whose
  terminal front end runs its own event loop.

What is sent, and when (SpeedrunSession calls `event`):

  start     a new run (and Ctrl-R): reset; start the timer; game time initialised, paused, set to 0
  prompt    the prompt is ready: game time set to our in-game time, then resumed
  unprompt  Enter was pressed: game time paused, then set to our in-game time
  split     game time set to the split's in-game time, then split

Our in-game time counts only time at the prompt, so LiveSplit's game time runs exactly while
ours does (it ticks while you think, stands while the game prints) and, because it is paused and
set to our value before every split, each split time, and the final time (the ending is the last
split), is the replay's in-game time to the millisecond, whatever the latency of the link.

Nothing here may stop or slow a run: the session only puts commands in a queue, and one thread
per link sends them, with short timeouts. A link that cannot connect, or drops, leaves one note
for the player (`notes`), and the run goes on; LiveSplit is tried again at the next new run.
This module is imported only when `--livesplit` or `--livesplit-ws` is given.
"""

from __future__ import annotations

import base64
import hashlib
import json
import queue
import re
import select
import selectors
import socket
import threading
import time

from ..core.errors import AdventureError
from ..core.record import Record
from ..core.text import clean

__all__ = ["Address", "parse_address", "commands", "LiveSplitClient", "LiveSplitOneServer", "Links",
           "LIVESPLIT_PORT", "LIVESPLIT_ONE_PORT"]

LIVESPLIT_PORT = 16834  # LiveSplit Server's default
LIVESPLIT_ONE_PORT = 16835  # ours, for LiveSplit One: LiveSplit's own default plus one
CONNECT_TIMEOUT = 1.0  # seconds to connect to LiveSplit (it is usually on this machine)
SEND_TIMEOUT = 2.0  # seconds a send to LiveSplit may take before the link is given up
HANDSHAKE_TIMEOUT = 5.0  # seconds a WebSocket client has to finish its opening handshake
MAX_CLIENTS = 8
MAX_PENDING = 1 << 20  # bytes waiting for one WebSocket client: more, and it is dropped
MAX_FRAME = 1 << 16  # bytes of one frame from a client (LiveSplit One's replies are tiny)
WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455, section 1.3


# ---------------------------------------------------------------- addresses

class Address(Record):
    """Where a link goes (LiveSplit) or listens (for LiveSplit One)."""

    __slots__ = _fields = ("host", "port")

    def text(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


_HOST = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?")


def parse_address(text: str | None, default_port: int, option: str, allow_any_port: bool = False) -> Address:
    """HOST:PORT, [IPv6]:PORT, :PORT or PORT; '' is 127.0.0.1 and the default port. Port 0 (the
    system picks a free one) only where `allow_any_port`. Raises AdventureError saying what is
    expected."""
    s = (text or "").strip()
    default = f"127.0.0.1:{default_port}"
    problem = f"{option} takes HOST:PORT, :PORT or PORT (default {default}), not {clean(s)[:80]!r}"
    if ":" not in s:  # perhaps a world's name, taken as the option's value
        problem += f" (a world goes before the options: adventure play WORLD --speedrun {option})"
    if not s:
        return Address("127.0.0.1", default_port)
    if s.isdigit():
        host, port = "127.0.0.1", s
    else:
        m = re.fullmatch(r"\[([0-9A-Fa-f:.]+)\]:(\d{1,5})|([^:\[\]]*):(\d{1,5})", s)
        if m is None:
            raise AdventureError(problem)
        host, port = (m.group(1), m.group(2)) if m.group(1) else (m.group(3) or "127.0.0.1", m.group(4))
        if not m.group(1) and not _HOST.fullmatch(host):
            raise AdventureError(problem)
    n = int(port)
    if not (0 if allow_any_port else 1) <= n <= 65535:
        lowest = 0 if allow_any_port else 1
        raise AdventureError(f"{option}: port {n} is not a port ({lowest} to 65535)")
    return Address(host, n)


# ---------------------------------------------------------------- what is sent

def game_time(t: float) -> str:
    """Seconds as H:MM:SS.mmm, rounded to the millisecond as the replay rounds them."""
    ms = round(round(max(0.0, float(t)), 3) * 1000)
    s, ms = divmod(ms, 1000)
    m, s = divmod(s, 60)
    h, m = divmod(m, 60)
    return f"{h}:{m:02d}:{s:02d}.{ms:03d}"


def _steps(kind: str, t: float) -> list[tuple]:
    if kind == "start":
        return [("reset",), ("start",), ("init",), ("pause",), ("set", 0.0)]
    if kind == "prompt":
        return [("set", t), ("resume",)]
    if kind == "unprompt":
        return [("pause",), ("set", t)]
    if kind == "split":
        return [("set", t), ("split",)]
    raise ValueError(kind)


# LiveSplit Server's text commands. It has no command to initialise game time: its setgametime does.
_LIVESPLIT = {"reset": "reset", "start": "starttimer", "init": None, "pause": "pausegametime",
              "resume": "unpausegametime", "set": "setgametime", "split": "split"}
# livesplit-core's server protocol, which LiveSplit One speaks
_LSO = {"reset": "reset", "start": "start", "init": "initializeGameTime", "pause": "pauseGameTime",
        "resume": "resumeGameTime", "set": "setGameTime", "split": "split"}


def commands(kind: str, t: float = 0.0, dialect: str = "livesplit") -> list[str]:
    """The messages an event becomes: LiveSplit Server text commands (dialect 'livesplit') or
    livesplit-core server protocol JSON (dialect 'lso', for LiveSplit One)."""
    out = []
    for step in _steps(kind, t):
        if dialect == "livesplit":
            name = _LIVESPLIT[step[0]]
            if name is not None:
                out.append(f"{name} {game_time(step[1])}" if step[0] == "set" else name)
        else:
            doc = {"command": _LSO[step[0]]}
            if step[0] == "set":
                doc["time"] = game_time(step[1])
            out.append(json.dumps(doc, separators=(",", ":")))
    return out


def _why(e: BaseException) -> str:
    if isinstance(e, socket.timeout):
        return "no answer in time"
    if isinstance(e, socket.gaierror):
        return "unknown host"
    if isinstance(e, ConnectionRefusedError):
        return "connection refused"
    if isinstance(e, OSError) and e.strerror:
        return e.strerror[0].lower() + e.strerror[1:]
    return str(e) or e.__class__.__name__


# ---------------------------------------------------------------- the links

_STOP = object()


class _Link:
    """A queue of messages and a thread that sends them. The session's thread only calls
    `event`, `notes` and `status`, which never block."""

    dialect = "livesplit"  # or "lso": see `commands`

    def __init__(self):
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._notes: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        self.down = False  # shown on the toolbar
        self.sent: list[str] = []  # every message sent, for tests (bounded)

    def note(self, style: str, text: str) -> None:
        with self._lock:
            self._notes.append((style, clean(text)))

    def notes(self) -> list[tuple[str, str]]:
        """The notes for the player since the last call: ('info' | 'error', one line)."""
        with self._lock:
            out, self._notes = self._notes, []
        return out

    def status(self) -> str:
        return ""

    def event(self, kind: str, t: float = 0.0) -> None:
        self._queue.put((kind, commands(kind, t, self.dialect)))
        self._wake()

    def _wake(self) -> None:
        pass

    def _sent(self, msg: str) -> None:
        if len(self.sent) < 100_000:
            self.sent.append(msg)

    def close(self, timeout: float = 1.0) -> None:
        """Send what is queued (for at most `timeout` seconds), then stop."""
        self._queue.put(_STOP)
        self._wake()
        thread = getattr(self, "_thread", None)
        if thread is not None:
            thread.join(timeout)


class LiveSplitClient(_Link):
    """A client of LiveSplit Server: text commands, each ended by CR LF, over TCP.

    The first connection is tried as soon as the client is made (`wait` waits for its outcome);
    one that fails or drops is tried again at the next new run, silently. Anything LiveSplit
    says back is read and ignored."""

    dialect = "livesplit"

    def __init__(self, address: Address, connect_timeout: float = CONNECT_TIMEOUT,
                 send_timeout: float = SEND_TIMEOUT):
        super().__init__()
        self.address = address
        self.connect_timeout = connect_timeout
        self.send_timeout = send_timeout
        self._sock: socket.socket | None = None
        self._warned = False
        self._settled = threading.Event()
        self._thread = threading.Thread(target=self._run, name="livesplit-tcp", daemon=True)
        self._thread.start()

    def wait(self, timeout: float = CONNECT_TIMEOUT + 0.5) -> bool:
        """Wait (at most `timeout` s) for the first connection's outcome; True if connected."""
        self._settled.wait(timeout)
        return self._sock is not None

    def status(self) -> str:
        return "  LIVESPLIT OFF" if self.down else ""

    def _connect(self, first: bool) -> None:
        where = self.address.text()
        try:
            sock = socket.create_connection((self.address.host, self.address.port), timeout=self.connect_timeout)
        except OSError as e:
            self.down = True
            if not self._warned:
                self._warned = True
                self.note("error", f"LiveSplit: cannot connect to {where} ({_why(e)}). Is its server started "
                                   "(Control > Start TCP Server)? The run goes on without it; it is tried "
                                   "again at the next new run (Ctrl-R).")
            return
        sock.settimeout(self.send_timeout)
        self._sock, self.down = sock, False
        if first or self._warned:
            self.note("info", f"LiveSplit: connected to {where}.")
        self._warned = False

    def _lost(self, e: BaseException) -> None:
        try:
            self._sock.close()
        except OSError:
            pass
        self._sock, self.down = None, True
        if not self._warned:
            self._warned = True
            self.note("error", f"LiveSplit: the link to {self.address.text()} was lost ({_why(e)}). The run goes "
                               "on without it; it is tried again at the next new run (Ctrl-R).")

    def _drain(self) -> None:
        """Read what LiveSplit said (replies to nothing we asked; ignored), and notice a close."""
        sock = self._sock
        while sock is not None:
            readable, _, _ = select.select([sock], [], [], 0)
            if not readable:
                return
            data = sock.recv(4096)
            if not data:
                raise ConnectionResetError(0, "LiveSplit closed the connection")

    def _run(self) -> None:
        self._connect(first=True)
        self._settled.set()
        while True:
            item = self._queue.get()
            if item is _STOP:
                break
            kind, lines = item
            if self._sock is None:
                if kind != "start":
                    continue  # dropped: LiveSplit is tried again when a new run starts
                self._connect(first=False)
                if self._sock is None:
                    continue
            try:
                self._drain()
                for line in lines:
                    self._sock.sendall((line + "\r\n").encode("utf-8"))
                    self._sent(line)
            except OSError as e:
                self._lost(e)
        if self._sock is not None:
            try:
                self._sock.close()
            except OSError:
                pass
            self._sock = None


class _Client:
    """One WebSocket connection to our server."""

    __slots__ = ("sock", "peer", "inbuf", "out", "open", "closing", "deadline")

    def __init__(self, sock: socket.socket, peer: str):
        self.sock, self.peer = sock, peer
        self.inbuf = bytearray()
        self.out = bytearray()
        self.open = False  # the handshake is done
        self.closing = False  # close once `out` is sent
        self.deadline: float | None = time.monotonic() + HANDSHAKE_TIMEOUT  # to finish the handshake

    def close_soon(self) -> None:
        """Close once what is pending is sent, or in a few seconds if it is not read."""
        self.closing = True
        self.deadline = time.monotonic() + HANDSHAKE_TIMEOUT


def frame(payload: bytes, opcode: int = 0x1) -> bytes:
    """A server's frame (FIN set, not masked)."""
    n = len(payload)
    if n < 126:
        head = bytes([0x80 | opcode, n])
    elif n < 1 << 16:
        head = bytes([0x80 | opcode, 126]) + n.to_bytes(2, "big")
    else:
        head = bytes([0x80 | opcode, 127]) + n.to_bytes(8, "big")
    return head + payload


def accept_key(key: str) -> str:
    return base64.b64encode(hashlib.sha1((key + WS_GUID).encode("ascii")).digest()).decode("ascii")


def _http(status: str, body: str, extra: str = "") -> bytes:
    data = body.encode("utf-8")
    return (f"HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {len(data)}\r\n"
            f"{extra}Connection: close\r\n\r\n").encode("ascii") + data


class LiveSplitOneServer(_Link):
    """A WebSocket server for LiveSplit One: it sends each command as a text message to every
    connected client, and to one that connects during a run, the run so far first (its game
    time then matches ours; its real time starts when it connects). What clients send (LiveSplit
    One answers every command) is read and ignored. One thread, non-blocking sockets."""

    dialect = "lso"

    def __init__(self, address: Address, max_clients: int = MAX_CLIENTS):
        super().__init__()
        self.address = address
        self.max_clients = max_clients
        self.history: list[bytes] = []  # the frames of the run under way, for a client that connects late
        self.clients: list[_Client] = []
        self._thread = None
        try:
            self._listener = socket.create_server((address.host, address.port),
                                                  family=socket.AF_INET6 if ":" in address.host else socket.AF_INET)
        except OSError as e:
            self.down = True
            self.note("error", f"LiveSplit One: cannot listen on {address.text()} ({_why(e)}). The run goes on "
                               "without it.")
            return
        self._listener.setblocking(False)
        self.address = Address(address.host, self._listener.getsockname()[1])
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._wake_w.setblocking(False)
        self.note("info", f"LiveSplit One: in its Settings, connect to server {self.url()}")
        self._thread = threading.Thread(target=self._run, name="livesplit-one", daemon=True)
        self._thread.start()

    def url(self) -> str:
        host = self.address.host
        if host in ("0.0.0.0", "::"):
            host = "THIS-MACHINE'S-ADDRESS"
        return f"ws://[{host}]:{self.address.port}" if ":" in host else f"ws://{host}:{self.address.port}"

    def _wake(self) -> None:
        if self._thread is None:
            return
        try:
            self._wake_w.send(b"\0")
        except OSError:  # full: a wake-up is pending anyway; closed: the server has stopped
            pass

    # -- the thread
    def _run(self) -> None:
        sel = self._sel = selectors.DefaultSelector()
        sel.register(self._listener, selectors.EVENT_READ, None)
        sel.register(self._wake_r, selectors.EVENT_READ, None)
        deadline = None
        try:
            while True:
                for key, mask in sel.select(timeout=0.25):
                    if key.fileobj is self._listener:
                        self._accept(sel)
                    elif key.fileobj is self._wake_r:
                        try:
                            while self._wake_r.recv(4096):
                                pass
                        except OSError:
                            pass
                    else:
                        c = key.data
                        if c not in self.clients:  # dropped earlier in this round
                            continue
                        if mask & selectors.EVENT_READ:
                            self._read(c)
                        if mask & selectors.EVENT_WRITE and c in self.clients:
                            self._write(c)
                stop = self._take_queue()
                if stop and deadline is None:
                    deadline = time.monotonic() + 1.0
                    for c in self.clients:
                        if c.open:
                            c.out += frame(b"\x03\xe9", 0x8)  # close, 1001: going away
                        c.close_soon()
                now = time.monotonic()
                for c in list(self.clients):
                    if c.deadline is not None and now > c.deadline:
                        self._drop(c, None)
                    elif len(c.out) > MAX_PENDING:
                        self._drop(c, "it did not keep up")
                    elif c.closing and not c.out:
                        self._drop(c, None)
                for c in self.clients:
                    sel.modify(c.sock, selectors.EVENT_READ | (selectors.EVENT_WRITE if c.out else 0), c)
                if deadline is not None and (not self.clients or now > deadline):
                    break
        finally:
            for c in list(self.clients):
                self._drop(c, None)
            for s in (self._listener, self._wake_r, self._wake_w):
                try:
                    s.close()
                except OSError:
                    pass
            sel.close()

    def _take_queue(self) -> bool:
        stop = False
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return stop
            if item is _STOP:
                stop = True
                continue
            kind, texts = item
            frames = b"".join(frame(t.encode("utf-8")) for t in texts)
            if kind == "start":
                self.history = []
            self.history.append(frames)
            for c in self.clients:
                if c.open and not c.closing:
                    c.out += frames
            for t in texts:
                self._sent(t)

    def _accept(self, sel) -> None:
        while True:
            try:
                sock, peer = self._listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                return
            if len(self.clients) >= self.max_clients:
                sock.close()
                continue
            sock.setblocking(False)
            c = _Client(sock, Address(str(peer[0]), int(peer[1])).text())
            self.clients.append(c)
            sel.register(sock, selectors.EVENT_READ, c)

    def _drop(self, c: _Client, why: str | None) -> None:
        if c in self.clients:
            self.clients.remove(c)
            try:
                self._sel.unregister(c.sock)
            except (KeyError, ValueError, AttributeError):
                pass
        try:
            c.sock.close()
        except OSError:
            pass
        if c.open and why is not None:
            self.note("error", f"LiveSplit One ({c.peer}) disconnected ({why}). The run goes on; it can "
                               "connect again at any time.")

    def _write(self, c: _Client) -> None:
        try:
            n = c.sock.send(c.out)
            del c.out[:n]
        except (BlockingIOError, InterruptedError):
            pass
        except OSError as e:
            self._drop(c, _why(e))

    def _read(self, c: _Client) -> None:
        try:
            data = c.sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError as e:
            self._drop(c, _why(e))
            return
        if not data:
            self._drop(c, "it closed the connection")
            return
        if c.closing:
            return
        c.inbuf += data
        if not c.open:
            self._handshake(c)
        if c.open:
            self._frames(c)

    def _handshake(self, c: _Client) -> None:
        end = c.inbuf.find(b"\r\n\r\n")
        if end < 0:
            if len(c.inbuf) > 8192:
                c.out += _http("431 Request Header Fields Too Large", "request too large\n")
                c.close_soon()
            return
        head = bytes(c.inbuf[:end]).decode("latin-1")
        del c.inbuf[: end + 4]
        lines = head.split("\r\n")
        headers = {}
        for line in lines[1:]:
            name, sep, value = line.partition(":")
            if sep:
                headers[name.strip().lower()] = value.strip()
        key = headers.get("sec-websocket-key", "")
        try:
            ok_key = len(base64.b64decode(key, validate=True)) == 16
        except ValueError:
            ok_key = False
        if not lines[0].startswith("GET ") or "websocket" not in headers.get("upgrade", "").lower() or not ok_key:
            c.out += _http("400 Bad Request", "This is adventure's timer server for LiveSplit One: in LiveSplit "
                                              f"One's Settings, connect to server ws://{headers.get('host', '')}\n")
            c.close_soon()
            return
        if headers.get("sec-websocket-version", "13") != "13":
            c.out += _http("426 Upgrade Required", "WebSocket version 13 only\n", "Sec-WebSocket-Version: 13\r\n")
            c.close_soon()
            return
        c.out += (b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  b"Sec-WebSocket-Accept: " + accept_key(key).encode("ascii") + b"\r\n\r\n")
        c.open, c.deadline = True, None
        c.out += b"".join(self.history)  # the run so far
        self.note("info", f"LiveSplit One connected ({c.peer}).")

    def _frames(self, c: _Client) -> None:
        """Read the client's frames: pings are answered, a close is answered and ends the
        connection, anything else (LiveSplit One's replies) is ignored."""
        buf = c.inbuf
        while len(buf) >= 2:
            b0, b1 = buf[0], buf[1]
            opcode, masked, n = b0 & 0x0F, b1 & 0x80, b1 & 0x7F
            pos = 2
            if n == 126:
                if len(buf) < 4:
                    return
                n, pos = int.from_bytes(buf[2:4], "big"), 4
            elif n == 127:
                if len(buf) < 10:
                    return
                n, pos = int.from_bytes(buf[2:10], "big"), 10
            if not masked or n > MAX_FRAME or b0 & 0x70:
                # clients must mask their frames (RFC 6455, 5.1); no extension was agreed
                c.out += frame((1002 if n <= MAX_FRAME else 1009).to_bytes(2, "big"), 0x8)
                c.close_soon()
                del buf[:]
                return
            if len(buf) < pos + 4 + n:
                return
            mask = buf[pos:pos + 4]
            payload = bytes(b ^ mask[i % 4] for i, b in enumerate(buf[pos + 4:pos + 4 + n]))
            del buf[:pos + 4 + n]
            if opcode == 0x9:  # ping
                c.out += frame(payload[:125], 0xA)
            elif opcode == 0x8:  # close: answer with its code, then close
                c.out += frame(payload[:2], 0x8)
                c.close_soon()
                self.note("error", f"LiveSplit One ({c.peer}) disconnected. The run goes on; it can connect "
                                   "again at any time.")
                c.open = False  # said once
                return


class Links:
    """Several links as one (LiveSplit and LiveSplit One together)."""

    def __init__(self, links: list):
        self.links = links

    def event(self, kind: str, t: float = 0.0) -> None:
        for link in self.links:
            link.event(kind, t)

    def notes(self) -> list[tuple[str, str]]:
        return [n for link in self.links for n in link.notes()]

    def status(self) -> str:
        return "".join(link.status() for link in self.links)

    def close(self, timeout: float = 1.0) -> None:
        for link in self.links:
            link.close(timeout)

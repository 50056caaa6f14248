"""Live timers: LiveSplit (we are a client of its TCP server) and LiveSplit One (a WebSocket
client of ours), with fake ones on loopback. Every socket here is on 127.0.0.1, has a timeout, and
every thread is joined with a timeout: a test that fails does not hang. No wall-clock time is
asserted: runs are timed with a fake clock, and "does not block" is shown by ordering (a sender
held on an Event while the whole run is played)."""

import base64
import json
import os
import socket
import subprocess
import sys
import threading
import time

import pytest

from adventure.core.errors import AdventureError
from adventure.speedrun import livesplit as ls
from adventure.speedrun.replay import read_replay, verify_replay
from adventure.speedrun.session import SpeedrunSession

from conftest import ROOT
from test_speedrun import FakeClock, play

BEACON = ["climb", "keep", "light", "wait"]  # splits: stairs, lamp_room, ending:beacon
WAIT = 10.0  # seconds any one network step of a test may take before it fails


class FakeLiveSplit:
    """LiveSplit Server's stand-in: a TCP listener on 127.0.0.1 (port 0: a free one) that takes
    up to `accept` connections one after another and keeps each one's lines. `hang_up_after`:
    close the first connection after that many lines."""

    def __init__(self, accept=1, hang_up_after=None):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.accept, self.hang_up_after = accept, hang_up_after
        self.conns: list[list[str]] = []
        self.hung_up = threading.Event()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        deadline = time.monotonic() + 3 * WAIT
        while len(self.conns) < self.accept and not self.stopping.is_set() and time.monotonic() < deadline:
            try:
                conn, _ = self.sock.accept()
            except (socket.timeout, OSError):
                continue
            lines: list[str] = []
            self.conns.append(lines)
            conn.settimeout(WAIT)
            buf = b""
            with conn:
                while True:
                    try:
                        data = conn.recv(4096)
                    except OSError:
                        break
                    if not data:
                        break
                    buf += data
                    while b"\r\n" in buf:
                        line, buf = buf.split(b"\r\n", 1)
                        lines.append(line.decode("utf-8"))
                    if self.hang_up_after is not None and len(self.conns) == 1 and len(lines) >= self.hang_up_after:
                        break
            if len(self.conns) == 1 and self.hang_up_after is not None:
                self.hung_up.set()

    def stop(self):
        self.stopping.set()
        self.thread.join(3 * WAIT)
        assert not self.thread.is_alive()
        self.sock.close()


def closed_port():
    """A loopback port where nothing listens."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def eventually(pred, what):
    deadline = time.monotonic() + WAIT
    while not pred():
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.01)


def as_livesplit_sees_it(lines):
    """Run the commands through a model of LiveSplit's game time (LiveSplitState: SetGameTime,
    IsGameTimePaused): the game time of each split, and whether it was standing still then (so
    that the time is exactly the one set, whatever the latency)."""
    running, paused, gt, splits = False, False, None, []
    for line in lines:
        cmd, _, arg = line.partition(" ")
        if cmd == "reset":
            running, paused, gt, splits = False, False, None, []
        elif cmd == "starttimer":
            running = True
        elif cmd == "pausegametime":
            paused = True
        elif cmd == "unpausegametime":
            paused = False
        elif cmd == "setgametime":
            gt = arg
        elif cmd == "split":
            assert running and paused, f"split while game time runs: {lines}"
            splits.append(gt)
        else:
            raise AssertionError(f"not a command of LiveSplit Server: {line!r}")
    return splits


def play_shown(session, clock, lines, think=1.5):
    """As test_speedrun.play, keeping what is shown (the links' notes come with it)."""
    shown = []
    for line in lines:
        session.prompt_started()
        clock.t += think
        session.prompt_ended()
        shown += session.handle(line)
        clock.t += 0.25
    return shown


def replay_split_times(path):
    _, _, footer = read_replay(path)
    return [ls.game_time(x["t_game"]) for x in footer["splits"]], footer


# ------------------------------------------------------------------ what is sent

def test_commands_and_game_time_format():
    assert ls.game_time(0) == "0:00:00.000"
    assert ls.game_time(3723.4567) == "1:02:03.457"
    assert ls.game_time(59.9996) == "0:01:00.000"  # rounded as the replay rounds, never "0:00:60"
    assert ls.game_time(-1) == "0:00:00.000"
    assert ls.commands("start") == ["reset", "starttimer", "pausegametime", "setgametime 0:00:00.000"]
    assert ls.commands("split", 1.5) == ["setgametime 0:00:01.500", "split"]
    assert ls.commands("prompt", 2) == ["setgametime 0:00:02.000", "unpausegametime"]
    assert ls.commands("unprompt", 2) == ["pausegametime", "setgametime 0:00:02.000"]
    assert [json.loads(m) for m in ls.commands("start", dialect="lso")] == [
        {"command": "reset"}, {"command": "start"}, {"command": "initializeGameTime"},
        {"command": "pauseGameTime"}, {"command": "setGameTime", "time": "0:00:00.000"}]
    assert [json.loads(m) for m in ls.commands("prompt", 1.5, "lso")] == [
        {"command": "setGameTime", "time": "0:00:01.500"}, {"command": "resumeGameTime"}]


@pytest.mark.parametrize("text,want", [
    ("", ("127.0.0.1", 16834)), ("9000", ("127.0.0.1", 9000)), (":9000", ("127.0.0.1", 9000)),
    ("example.org:1", ("example.org", 1)), ("[::1]:16834", ("::1", 16834)), ("10.0.0.2:65535", ("10.0.0.2", 65535))])
def test_addresses(text, want):
    a = ls.parse_address(text, 16834, "--livesplit")
    assert (a.host, a.port) == want


@pytest.mark.parametrize("text", ["tutorial", "a:b", "host:99999", "x y:3", ":0", "\x1b[31m:1", "[zz]:1", "a:1:2"])
def test_bad_addresses_say_what_is_expected(text):
    with pytest.raises(AdventureError, match="--livesplit") as e:
        ls.parse_address(text, 16834, "--livesplit")
    assert "\x1b" not in str(e.value)


# ------------------------------------------------------------------ LiveSplit (TCP)

def test_a_fake_livesplit_gets_the_start_the_splits_and_the_final_game_time(tutorial, tmp_path):
    server = FakeLiveSplit()
    link = ls.LiveSplitClient(ls.Address("127.0.0.1", server.port))
    assert link.wait(WAIT)
    clock = FakeClock()
    s = SpeedrunSession(tutorial, tmp_path, category="ending:beacon", clock=clock, link=link)
    notes = s.opening()
    assert ("info", f"LiveSplit: connected to 127.0.0.1:{server.port}.") in notes
    play(s, clock, BEACON, think=1.5, print_time=0.25)
    link.close(WAIT)
    server.stop()
    lines = server.conns[0]
    assert lines[:4] == ["reset", "starttimer", "pausegametime", "setgametime 0:00:00.000"]
    assert lines.count("split") == 3
    # LiveSplit's game time at each split is the replay's in-game time of that split, the last
    # one (the ending) being the final time
    want, footer = replay_split_times(s.last_replay)
    assert as_livesplit_sees_it(lines) == want == ["0:00:01.500", "0:00:03.000", "0:00:06.000"]
    assert want[-1] == ls.game_time(footer["t_game"])
    # between splits game time runs exactly while ours does: resumed at each prompt, paused after
    assert lines[4:10] == ["setgametime 0:00:00.000", "unpausegametime", "pausegametime", "setgametime 0:00:01.500",
                           "setgametime 0:00:01.500", "split"]
    assert lines[-2:] == ["setgametime 0:00:06.000", "split"]  # nothing is resumed after the end
    assert verify_replay(s.last_replay, tutorial).ok


def test_ctrl_r_resets_livesplit_and_starts_it_again(tutorial, tmp_path):
    server = FakeLiveSplit()
    link = ls.LiveSplitClient(ls.Address("127.0.0.1", server.port))
    clock = FakeClock()
    s = SpeedrunSession(tutorial, tmp_path, clock=clock, link=link)
    play(s, clock, ["climb", ":restart", "climb", "keep"])  # :restart is what Ctrl-R sends
    link.close(WAIT)
    server.stop()
    lines = server.conns[0]
    starts = [i for i, x in enumerate(lines) if x == "starttimer"]
    assert len(starts) == 2 and lines[starts[1] - 1] == "reset"
    assert lines[starts[1]:starts[1] + 3] == ["starttimer", "pausegametime", "setgametime 0:00:00.000"]
    # the new run's game time starts from 0 again: its first split is at 1.5 s
    assert as_livesplit_sees_it(lines) == ["0:00:01.500", "0:00:03.000"]


def test_an_unreachable_livesplit_gives_one_warning_and_the_run_completes_and_verifies(tutorial, tmp_path):
    link = ls.LiveSplitClient(ls.Address("127.0.0.1", closed_port()))
    assert not link.wait(WAIT)
    clock = FakeClock()
    s = SpeedrunSession(tutorial, tmp_path, clock=clock, link=link)
    shown = s.opening()
    for line in ["climb", ":restart"] + BEACON:  # the new run tries again, silently
        s.prompt_started()
        clock.t += 1.0
        s.prompt_ended()
        shown += s.handle(line)
    link.close(WAIT)
    shown += s.link_notes()
    warnings = [b for b in shown if "LiveSplit" in b[1]]
    assert len(warnings) == 1 and warnings[0][0] == "error", warnings
    assert "cannot connect to 127.0.0.1" in warnings[0][1] and "connection refused" in warnings[0][1]
    assert "LIVESPLIT OFF" in s.timer_text()
    assert s.finished and verify_replay(s.last_replay, tutorial).ok


def test_a_livesplit_that_hangs_up_gives_one_warning_and_a_new_run_connects_again(tutorial, tmp_path):
    server = FakeLiveSplit(accept=2, hang_up_after=10)  # the start, the first prompt and the first move
    link = ls.LiveSplitClient(ls.Address("127.0.0.1", server.port))
    clock = FakeClock()
    s = SpeedrunSession(tutorial, tmp_path, clock=clock, link=link)
    shown = play_shown(s, clock, ["climb"])
    assert server.hung_up.wait(WAIT)
    shown += play_shown(s, clock, ["keep"])
    eventually(lambda: link.down, "the lost link noticed")
    shown += play_shown(s, clock, ["light", ":restart"])
    eventually(lambda: len(server.conns) == 2, "a new connection at the new run")
    shown += play_shown(s, clock, ["climb"])
    link.close(WAIT)
    server.stop()
    shown += s.link_notes()
    lost = [b for b in shown if "LiveSplit" in b[1] and b[0] == "error"]
    assert len(lost) == 1 and "was lost" in lost[0][1], shown
    assert ("info", f"LiveSplit: connected to 127.0.0.1:{server.port}.") in shown
    assert server.conns[1][:2] == ["reset", "starttimer"]
    assert not link.down and "LIVESPLIT" not in s.timer_text()


def test_a_stuck_livesplit_never_holds_up_the_run(tutorial, tmp_path, monkeypatch):
    """The sender is held inside sendall (as by a LiveSplit that stopped reading) while the
    whole run is played: the session only queues."""
    server = FakeLiveSplit()
    link = ls.LiveSplitClient(ls.Address("127.0.0.1", server.port))
    assert link.wait(WAIT)
    held, release = threading.Event(), threading.Event()
    real = link._sock.sendall

    senders = set()

    def stuck(data):
        senders.add(threading.current_thread().name)
        held.set()
        release.wait(WAIT)
        return real(data)

    monkeypatch.setattr(link, "_sock", _Wrapped(link._sock, stuck))
    clock = FakeClock()
    s = SpeedrunSession(tutorial, tmp_path, clock=clock, link=link)
    assert held.wait(WAIT)  # the sender is stuck on the start
    play(s, clock, BEACON)
    assert s.finished and verify_replay(s.last_replay, tutorial).ok  # ... and the run is over
    assert held.is_set() and not release.is_set()
    release.set()
    link.close(WAIT)
    server.stop()
    assert senders == {"livesplit-tcp"}  # never the player's thread
    assert as_livesplit_sees_it(server.conns[0]) == ["0:00:01.500", "0:00:03.000", "0:00:06.000"]


class _Wrapped:
    def __init__(self, sock, sendall):
        self._sock, self.sendall = sock, sendall

    def __getattr__(self, name):
        return getattr(self._sock, name)


# ------------------------------------------------------------------ LiveSplit One (WebSocket)

class WsClient:
    """A WebSocket client, as LiveSplit One's browser is one: the opening handshake, masked frames
    out, unmasked frames in."""

    def __init__(self, port, path="/"):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
        self.key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {self.key}\r\n"
                           "Sec-WebSocket-Version: 13\r\nOrigin: https://one.livesplit.org\r\n\r\n").encode())
        self.buf = b""
        head = self._until(b"\r\n\r\n").decode("latin-1")
        self.status = head.split("\r\n")[0]
        self.headers = {k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in head.split("\r\n")[1:])}

    def _until(self, sep):
        while sep not in self.buf:
            data = self.sock.recv(4096)
            assert data, "the server closed the connection"
            self.buf += data
        out, self.buf = self.buf.split(sep, 1)
        return out

    def _exactly(self, n):
        while len(self.buf) < n:
            data = self.sock.recv(4096)
            assert data, "the server closed the connection"
            self.buf += data
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def recv(self):
        """(opcode, payload) of the next frame."""
        b0, b1 = self._exactly(2)
        assert b1 & 0x80 == 0, "a server's frames are not masked"
        assert b0 & 0x80, "one frame a message"
        n = b1 & 0x7F
        if n == 126:
            n = int.from_bytes(self._exactly(2), "big")
        elif n == 127:
            n = int.from_bytes(self._exactly(8), "big")
        return b0 & 0x0F, self._exactly(n)

    def texts_until_close(self, limit=10_000):
        out = []
        for _ in range(limit):
            op, payload = self.recv()
            if op == 0x8:
                return out, payload
            assert op == 0x1, op
            out.append(payload.decode("utf-8"))
        raise AssertionError("no close frame")

    def send(self, payload: bytes, opcode=0x1):
        mask = os.urandom(4)
        n = len(payload)
        head = bytes([0x80 | opcode]) + (bytes([0x80 | n]) if n < 126 else bytes([0x80 | 126]) + n.to_bytes(2, "big"))
        self.sock.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))


def lso_as_steps(messages):
    """LiveSplit One's JSON commands as the LiveSplit Server commands that mean the same."""
    same = {"reset": "reset", "start": "starttimer", "pauseGameTime": "pausegametime", "split": "split",
            "resumeGameTime": "unpausegametime", "setGameTime": "setgametime"}
    out = []
    for m in messages:
        doc = json.loads(m)
        if doc["command"] == "initializeGameTime":
            continue  # LiveSplit's setgametime initialises game time; LiveSplit One has a command
        out.append(same[doc["command"]] + (f" {doc['time']}" if "time" in doc else ""))
    return out


def test_a_websocket_client_gets_the_same_run_as_livesplit(tutorial, tmp_path):
    server = FakeLiveSplit()
    tcp = ls.LiveSplitClient(ls.Address("127.0.0.1", server.port))
    assert tcp.wait(WAIT)
    ws = ls.LiveSplitOneServer(ls.Address("127.0.0.1", 0))
    assert ws.address.port > 0 and ws.url() == f"ws://127.0.0.1:{ws.address.port}"
    client = WsClient(ws.address.port)
    assert client.status == "HTTP/1.1 101 Switching Protocols"
    assert client.headers["sec-websocket-accept"] == ls.accept_key(client.key)
    # RFC 6455's own example of the accept key
    assert ls.accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
    clock = FakeClock()
    link = ls.Links([tcp, ws])
    s = SpeedrunSession(tutorial, tmp_path, category="ending:beacon", clock=clock, link=link)
    eventually(lambda: ws.clients and ws.clients[0].open, "the handshake")
    opening = s.opening()
    assert ("info", f"LiveSplit One: in its Settings, connect to server {ws.url()}") in opening
    assert ("info", f"LiveSplit: connected to 127.0.0.1:{server.port}.") in opening
    play(s, clock, BEACON[:2])
    client.send(b'{"success":null}')  # LiveSplit One answers every command: read and ignored
    client.send(b"hello", opcode=0x9)  # a ping is answered with a pong
    play(s, clock, BEACON[2:])
    link.close(WAIT)
    server.stop()
    got, pong = [], None
    for _ in range(10_000):
        op, payload = client.recv()
        if op == 0x8:
            assert payload[:2] == (1001).to_bytes(2, "big")  # going away
            break
        if op == 0xA:
            pong = payload
            continue
        got.append(payload.decode("utf-8"))
    assert pong == b"hello"
    client.sock.close()
    assert got[:5] == ['{"command":"reset"}', '{"command":"start"}', '{"command":"initializeGameTime"}',
                       '{"command":"pauseGameTime"}', '{"command":"setGameTime","time":"0:00:00.000"}']
    assert lso_as_steps(got) == server.conns[0]  # the same sequence, in LiveSplit One's words
    want, _ = replay_split_times(s.last_replay)
    assert as_livesplit_sees_it(lso_as_steps(got)) == want


def test_a_late_websocket_client_gets_the_run_so_far_and_may_come_and_go(tutorial, tmp_path):
    ws = ls.LiveSplitOneServer(ls.Address("127.0.0.1", 0))
    clock = FakeClock()
    s = SpeedrunSession(tutorial, tmp_path, clock=clock, link=ws)
    shown = play_shown(s, clock, BEACON[:2])
    eventually(lambda: len(ws.sent) >= 5 + 2 * 6, "the first two moves handed to the thread")
    late = WsClient(ws.address.port)
    late_port = late.sock.getsockname()[1]
    assert late.status.startswith("HTTP/1.1 101")
    eventually(lambda: ws.clients and ws.clients[0].open, "the handshake")
    late.send(b"\x03\xe8", opcode=0x8)  # it leaves (close, 1000) ...
    op, payload = late.recv()
    while op == 0x1:  # (the run so far, sent before the close was read)
        op, payload = late.recv()
    assert op == 0x8 and payload == b"\x03\xe8"
    late.sock.close()
    eventually(lambda: not ws.clients, "the client gone")
    again = WsClient(ws.address.port)  # ... and comes back
    again_port = again.sock.getsockname()[1]
    shown += play_shown(s, clock, BEACON[2:])
    ws.close(WAIT)
    got, _ = again.texts_until_close()
    again.sock.close()
    want, _ = replay_split_times(s.last_replay)
    assert as_livesplit_sees_it(lso_as_steps(got)) == want  # caught up: the run so far, then the rest
    notes = [b for b in shown + s.link_notes() if "LiveSplit One" in b[1]]
    assert notes == [("info", f"LiveSplit One: in its Settings, connect to server {ws.url()}"),
                     ("info", f"LiveSplit One connected (127.0.0.1:{late_port})."),
                     ("error", f"LiveSplit One (127.0.0.1:{late_port}) disconnected. The run goes on; "
                               "it can connect again at any time."),
                     ("info", f"LiveSplit One connected (127.0.0.1:{again_port}).")], notes


def test_what_is_not_a_websocket_handshake_gets_a_readable_answer_and_the_run_goes_on(tutorial, tmp_path):
    ws = ls.LiveSplitOneServer(ls.Address("127.0.0.1", 0))
    clock = FakeClock()
    s = SpeedrunSession(tutorial, tmp_path, clock=clock, link=ws)
    with socket.create_connection(("127.0.0.1", ws.address.port), timeout=WAIT) as c:
        c.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")  # a browser pointed at the address
        answer = b""
        while True:
            data = c.recv(4096)
            if not data:
                break
            answer += data
    assert answer.startswith(b"HTTP/1.1 400 Bad Request") and b"LiveSplit One" in answer
    with socket.create_connection(("127.0.0.1", ws.address.port), timeout=WAIT) as c:
        c.sendall(b"\x16\x03\x01" + os.urandom(200) + b"\r\n\r\n")  # TLS, or noise
        assert c.recv(4096).startswith(b"HTTP/1.1 400")
    bad = WsClient(ws.address.port)
    bad.sock.sendall(b"\x81\x05hello")  # a client's frame that is not masked: closed with 1002
    op, payload = bad.recv()
    while op == 0x1:
        op, payload = bad.recv()
    assert op == 0x8 and payload == (1002).to_bytes(2, "big")
    bad.sock.close()
    play(s, clock, BEACON)
    ws.close(WAIT)
    assert s.finished and verify_replay(s.last_replay, tutorial).ok


def test_the_websocket_server_is_bounded(monkeypatch):
    """A client that never finishes its handshake is closed; one over the limit is refused; a
    frame over 64 KiB is refused with 1009."""
    monkeypatch.setattr(ls, "HANDSHAKE_TIMEOUT", 0.2)
    ws = ls.LiveSplitOneServer(ls.Address("127.0.0.1", 0), max_clients=2)
    try:
        idle = socket.create_connection(("127.0.0.1", ws.address.port), timeout=WAIT)
        assert idle.recv(1) == b""  # closed by the server, not by the timeout of this recv
        idle.close()
        big = WsClient(ws.address.port)
        other = WsClient(ws.address.port)
        eventually(lambda: len(ws.clients) == 2, "two clients")
        with socket.create_connection(("127.0.0.1", ws.address.port), timeout=WAIT) as third:
            assert third.recv(1) == b""  # the third is refused
        big.sock.sendall(bytes([0x82, 0x80 | 127]) + (1 << 20).to_bytes(8, "big") + os.urandom(4))
        op, payload = big.recv()
        assert op == 0x8 and payload == (1009).to_bytes(2, "big")
        big.sock.close()
        other.sock.close()
    finally:
        ws.close(WAIT)
    assert not ws._thread.is_alive()


def test_a_websocket_port_in_use_gives_one_warning_and_the_run_goes_on(tutorial, tmp_path):
    taken = socket.create_server(("127.0.0.1", 0))
    try:
        ws = ls.LiveSplitOneServer(ls.Address("127.0.0.1", taken.getsockname()[1]))
        clock = FakeClock()
        s = SpeedrunSession(tutorial, tmp_path, clock=clock, link=ws)
        shown = s.opening()
        play(s, clock, BEACON)
        ws.close(WAIT)
    finally:
        taken.close()
    warnings = [b for b in shown if "LiveSplit One" in b[1]]
    assert len(warnings) == 1 and warnings[0][0] == "error" and "cannot listen on 127.0.0.1" in warnings[0][1]
    assert s.finished and verify_replay(s.last_replay, tutorial).ok


# ------------------------------------------------------------------ the command

def adventure(args, stdin="", timeout=60):
    env = dict(os.environ, PYTHONPATH=str(ROOT), COLUMNS="100")
    return subprocess.run([sys.executable, "-m", "adventure"] + args, input=stdin, capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=str(ROOT))


def test_the_command_drives_a_fake_livesplit(tmp_path):
    server = FakeLiveSplit()
    r = adventure(["play", "tutorial", "--speedrun", "--category", "beacon", "--plain", "--saves", str(tmp_path),
                   "--livesplit", f"127.0.0.1:{server.port}"], stdin="\n".join(BEACON) + "\n")
    server.stop()
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    assert f"LiveSplit: connected to 127.0.0.1:{server.port}." in r.stdout and "Run complete" in r.stdout
    lines = server.conns[0]
    assert lines[:2] == ["reset", "starttimer"] and lines.count("split") == 3
    replay = next(tmp_path.rglob("*.jsonl"))
    want, _ = replay_split_times(replay)
    assert as_livesplit_sees_it(lines) == want
    v = adventure(["verify", str(replay)])
    assert v.returncode == 0, v.stdout + v.stderr


def test_the_command_with_livesplit_closed_warns_once_and_the_run_verifies(tmp_path):
    r = adventure(["play", "tutorial", "--speedrun", "--plain", "--saves", str(tmp_path),
                   "--livesplit", f":{closed_port()}"], stdin="climb\n:restart\n" + "\n".join(BEACON) + "\n")
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    warned = [ln for ln in (r.stdout + r.stderr).splitlines() if "LiveSplit" in ln]
    assert len(warned) == 1 and "cannot connect" in warned[0], warned
    assert "Run complete" in r.stdout
    replays = sorted(tmp_path.rglob("*.jsonl"))
    assert len(replays) == 2  # the abandoned run (one move) and the complete one
    assert any(verify_replay(p, __import__("adventure").load_world("tutorial")).ok for p in replays)


def test_the_command_serves_livesplit_one(tmp_path):
    """`--livesplit-ws :0` (a free port): the address is shown at the start, a WebSocket client
    connects before the first move and gets the run as it is played."""
    import queue

    proc = subprocess.Popen([sys.executable, "-m", "adventure", "play", "tutorial", "--speedrun", "--plain",
                             "--saves", str(tmp_path), "--livesplit-ws", ":0"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=str(ROOT),
                            env=dict(os.environ, PYTHONPATH=str(ROOT), COLUMNS="100"))
    lines: queue.Queue = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(ln) for ln in proc.stdout] + [lines.put(None)], daemon=True)
    reader.start()
    try:
        url = None
        while url is None:
            line = lines.get(timeout=WAIT)
            assert line is not None, proc.stderr.read()
            if "connect to server ws://" in line:
                url = line.split("connect to server ")[1].strip()
        host, port = url[len("ws://"):].rsplit(":", 1)
        assert host == "127.0.0.1" and int(port) > 0
        client = WsClient(int(port))
        assert client.status.startswith("HTTP/1.1 101")
        proc.stdin.write("\n".join(BEACON) + "\n")
        proc.stdin.close()
        got, code = client.texts_until_close()
        client.sock.close()
        assert proc.wait(WAIT) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(WAIT)
        reader.join(WAIT)
    out = []
    while not lines.empty():
        out.append(lines.get())
    assert any("LiveSplit One connected (127.0.0.1:" in (ln or "") for ln in out)
    assert got[:2] == ['{"command":"reset"}', '{"command":"start"}'] and code[:2] == (1001).to_bytes(2, "big")
    want, _ = replay_split_times(next(tmp_path.rglob("*.jsonl")))
    assert as_livesplit_sees_it(lso_as_steps(got)) == want and len(want) == 3


@pytest.mark.parametrize("args,expect", [
    (["--livesplit"], "--livesplit times a speedrun: add --speedrun"),
    (["--livesplit-ws", ":0"], "--livesplit-ws times a speedrun: add --speedrun"),
    (["--speedrun", "--livesplit", "nowhere"], "--livesplit takes HOST:PORT"),
    (["--speedrun", "--livesplit-ws", "h:70000"], "--livesplit-ws: port 70000 is not a port"),
    (["--speedrun", "--category", "nope", "--livesplit", f":{16834}"], "unknown speedrun category"),
])
def test_bad_livesplit_options_give_one_message(tmp_path, args, expect):
    r = adventure(["play", "tutorial", "--plain", "--saves", str(tmp_path)] + args, stdin="")
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    assert r.stderr.startswith("adventure: ") and expect in r.stderr and r.stderr.count("\n") == 1, r.stderr
    assert not list(tmp_path.rglob("*.jsonl"))


def test_a_speedrun_without_live_timers_imports_no_network(tmp_path):
    code = ("import sys; from adventure.cli.main import main\n"
            f"main(['play', 'tutorial', '--speedrun', '--plain', '--saves', {str(tmp_path)!r}])\n"
            "print(sorted(m for m in ('socket', 'selectors', 'adventure.speedrun.livesplit') if m in sys.modules))")
    r = subprocess.run([sys.executable, "-c", code], input="climb\n", capture_output=True, text=True, timeout=60,
                       env=dict(os.environ, PYTHONPATH=str(ROOT)), cwd=str(ROOT))
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().splitlines()[-1] == "[]"


def test_ctrl_r_in_the_terminal_player_starts_a_new_run_on_the_timers(tutorial, tmp_path):
    from test_tui import drive

    class Recorder:
        def __init__(self):
            self.events = []

        def event(self, kind, t=0.0):
            self.events.append((kind, round(t, 3)))

        def notes(self):
            return []

        def status(self):
            return ""

    rec = Recorder()
    s = SpeedrunSession(tutorial, tmp_path, link=rec, clock=FakeClock())
    code, out = drive(s, "climb\r\x12climb\r:quit\r", offer_continue=False)
    assert code == 0 and "New run." in out
    kinds = [k for k, _ in rec.events]
    assert kinds == ["start", "prompt", "unprompt", "split", "prompt", "unprompt", "start",
                     "prompt", "unprompt", "split", "prompt", "unprompt"], kinds

"""Mutational fuzzers, run by tests/test_fuzz.py in a subprocess under an address-space limit.

    python tests/fuzzing.py worlds SEED N     # N mutants of the shipped and fixture worlds
    python tests/fuzzing.py serve SEED N      # N mutated request lines for `adventure serve`

Each mutant is made by a random.Random(SEED) stream, so a run is reproduced by its seed; the
first failure is printed with the mutations that made it and the process exits 1. On success it
prints a JSON summary. What is asserted:

- worlds: `load_world` raises nothing but WorldError, and returns within LOAD_SECONDS (an
  interval timer; memory is held by the caller's rlimit); a world that loads is explored with
  a small budget, which must return too.
- serve: every response is one JSON object with `ok`, an error code from ERROR_CODES, and never
  `internal_error`.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sys
import tempfile
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["ADVENTURE_NO_CACHE"] = "1"  # a mutant's load must not write (or read) the parse cache

LOAD_SECONDS = 20

SEEDS = [ROOT / "worlds" / "tutorial", ROOT / "worlds" / "allhands"] + sorted(
    p for group in ("valid", "lint") for p in (ROOT / "tests" / "worlds" / group).iterdir() if p.is_dir())

KEYS = ["id", "title", "start", "author", "intro", "unavailable", "version", "show_changes", "text", "when",
        "secret", "text_if", "choice", "split", "say", "if", "show", "once", "do", "reply", "go", "end",
        "default", "min", "max", "hidden", "world", "state", "ending"]
ODD = ["\x1b[31m", "\u202e", "\n", "\r", "\t", "\x00", "\x7f", "\x9b", "\ufeff", "\u200f", "\u2028", "\U0001f600",
       "e\u0301", "\ud7ff", "\uffff", "ǅ", "İ", "ß", "{", "}", "{{", "}}", "{n}", "\\", '"', "'"]


def _toml_str(s: str) -> str:
    out = []
    for ch in s:
        o = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif o < 32 or o == 127 or 0xD800 <= o <= 0xDFFF:
            out.append(f"\\u{o:04x}" if o < 0xD800 or o > 0xDFFF else "?")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _value(r: random.Random) -> str:
    """A TOML value, often a hostile one."""
    k = r.randrange(22)
    if k == 0:
        return str(r.choice([0, 1, -1, 2**63 - 1, -(2**63), 2**63, 2**64 + 7, 10**30]))
    if k == 1:
        return r.choice("123456789") + "".join(r.choice("0123456789") for _ in range(r.choice([19, 20, 400, 4301, 6000])))
    if k == 2:
        return r.choice(["true", "false", "1.5", "nan", "inf", "-0.0", "1979-05-27", "07:32:00", "0x7fffffffffffffff"])
    if k == 3:
        return _toml_str("".join(r.choice(ODD) for _ in range(r.randrange(1, 12))))
    if k == 4:
        return _toml_str("x" * r.choice([0, 1, 1000, 99_999, 100_001]))
    if k == 5:
        d = r.choice([3, 40, 400, 3000])
        return "[" * d + "]" * d
    if k == 6:
        d = r.choice([3, 40, 400])
        return "{a = " * d + "1" + "}" * d
    if k == 7:
        return "[" + ", ".join(_value(r) for _ in range(r.randrange(4))) + "]"
    if k == 8:
        return "{ default = " + r.choice(["0", "true", '"x"', "[]"]) + ", min = " + r.choice(["0", "5", "-9"]) + ", max = " + r.choice(["3", "-1", "99"]) + " }"
    if k == 9:
        return _toml_str(r.choice(["random(1, 1000) + random(1, 1000) + random(1, 1000)", "random(-9223372036854775807, 9223372036854775807)",
                                   "n * n * n * n", "visits.kitchen > 1 and turn < 2", "not not not true", "(" * 60 + "1" + ")" * 60,
                                   "n / 0 + n % 0", "abs(-9223372036854775807 - 1)", "min(1)", "x ==", "random(1, 6) > 3",
                                   "n = random(1, 1000) * random(1, 1000)", "n += 9223372036854775807", "__import__('os')"]))
    if k == 10:
        return '"""' + "\n".join(r.choice(["a", "{n}", "\x1b", "\\u202e", "{{", ""]) for _ in range(r.randrange(5))) + '"""'
    if k == 11:
        return "'" + r.choice(["", "x", "{", "\\n"]) + "'"
    return r.choice(['"hide"', '"grey"', '"kitchen"', '"nowhere"', '""', '"beacon"', "true", "0", '"e"', '"r"', '"x\\n"'])


def _key(r: random.Random) -> str:
    k = r.randrange(6)
    if k == 0:
        return r.choice(KEYS)
    if k == 1:
        return _toml_str("".join(r.choice(ODD) for _ in range(r.randrange(1, 6))))
    if k == 2:
        return ".".join(r.choice(["a", "b", "choice", "r"]) for _ in range(r.choice([2, 5, 11, 40])))
    if k == 3:
        return "x" * r.choice([1, 64, 65, 300])
    return r.choice(KEYS) + r.choice(["", "s", "_", "-x", "2"])


def _mutate_text(r: random.Random, text: str, other: str) -> tuple[str, str]:
    """One mutation of a file's text; (new text, what was done)."""
    lines = text.split("\n")
    k = r.randrange(13)
    i = r.randrange(len(lines)) if lines else 0
    if k == 0 and lines:
        del lines[i]
        what = f"delete line {i + 1}"
    elif k == 1 and lines:
        lines.insert(i, lines[r.randrange(len(lines))])
        what = f"duplicate a line at {i + 1}"
    elif k == 2 and len(lines) > 1:
        j = r.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
        what = f"swap lines {i + 1} and {j + 1}"
    elif k in (3, 4):
        cand = [n for n, ln in enumerate(lines) if "=" in ln and not ln.lstrip().startswith("#")]
        if cand:
            n = r.choice(cand)
            key, _, _ = lines[n].partition("=")
            lines[n] = f"{key.rstrip()} = {_value(r)}"
            what = f"value on line {n + 1}"
        else:
            what = "no value"
    elif k == 5:
        cand = [n for n, ln in enumerate(lines) if "=" in ln]
        if cand:
            n = r.choice(cand)
            _, _, val = lines[n].partition("=")
            lines[n] = f"{_key(r)} ={val}"
            what = f"key on line {n + 1}"
        else:
            what = "no key"
    elif k == 6:
        cand = [n for n, ln in enumerate(lines) if ln.lstrip().startswith("[")]
        if cand:
            n = r.choice(cand)
            lines[n] = r.choice(["[" + _key(r) + "]", "[[" + _key(r) + "]]", lines[n] + lines[n], "[", lines[n].replace("[", "[[", 1)])
            what = f"header on line {n + 1}"
        else:
            what = "no header"
    elif k == 7:
        lines.insert(i, f"{_key(r)} = {_value(r)}")
        what = f"insert a key at {i + 1}"
    elif k == 8:
        o = other.split("\n")
        a = r.randrange(len(o))
        lines[i:i] = o[a:a + r.randrange(1, 30)]
        what = f"splice another file at {i + 1}"
    elif k == 9:
        n = r.choice([10, 1000, 20_000])
        lines.append("".join(f"[t{j}.a]\n" if j % 2 else f'k{j} = "v"\n' for j in range(n)))
        what = f"append {n} tables and keys"
    elif k == 10:
        lines.insert(i, "".join(r.choice(ODD) for _ in range(r.randrange(1, 8))))
        what = f"insert odd characters at {i + 1}"
    elif k == 11:
        lines = lines[: r.randrange(len(lines) + 1)]
        what = "truncate"
    else:
        what = "no change"
    return "\n".join(lines), what


def _mutate_bytes(r: random.Random, data: bytes) -> tuple[bytes, str]:
    b = bytearray(data)
    k = r.randrange(4)
    if not b:
        return bytes([r.randrange(256)]), "one byte"
    i = r.randrange(len(b))
    if k == 0:
        b[i] ^= 1 << r.randrange(8)
        return bytes(b), f"flip a bit at byte {i}"
    if k == 1:
        b[i:i] = bytes(r.randrange(256) for _ in range(r.randrange(1, 8)))
        return bytes(b), f"insert bytes at {i}"
    if k == 2:
        del b[i:i + r.randrange(1, 40)]
        return bytes(b), f"delete bytes at {i}"
    b[i:i] = r.choice([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x00", b"\xef\xbb\xbf"])
    return bytes(b), f"bad UTF-8 at {i}"


def _mutate_files(r: random.Random, w: Path) -> str:
    try:
        return _mutate_files_(r, w)
    except OSError as e:  # the file is already there, or rooms/ is gone
        return f"a file mutation that could not be made ({e.strerror})"


def _mutate_files_(r: random.Random, w: Path) -> str:
    rooms = w / "rooms"
    files = sorted(rooms.glob("*.toml"))
    k = r.randrange(7)
    if k == 0 and files:
        f = r.choice(files)
        name = r.choice([b"a\nb.toml", b"\x1b[31m.toml", b"\xff\xfe.toml", "\u202e.toml".encode(), b".toml", b" .toml"])
        os.rename(f, os.path.join(os.fsencode(rooms), name))
        return f"rename {f.name} to {name!r}"
    if k == 1:
        os.mkfifo(rooms / "fifo.toml")
        return "a FIFO in rooms/"
    if k == 2:
        (rooms / "dir.toml").mkdir()
        return "a folder named dir.toml"
    if k == 3:
        (rooms / "loop.toml").symlink_to("loop.toml")
        return "a symlink loop"
    if k == 4:
        (rooms / "empty.toml").write_bytes(b"")
        return "an empty room file"
    if k == 5:
        (rooms / "out.toml").symlink_to("/etc/hostname")
        return "a link outside"
    shutil.rmtree(rooms)
    return "no rooms/"


class _Timeout(BaseException):
    pass


def _alarm(signum, frame):
    raise _Timeout


def fuzz_worlds(seed: int, n: int) -> dict:
    from adventure import WorldError, load_world
    from adventure.analysis.explore import explore

    r = random.Random(seed)
    signal.signal(signal.SIGALRM, _alarm)
    counts = {"loaded": 0, "refused": 0}
    texts = {p: {f.relative_to(p): f.read_bytes() for f in p.rglob("*.toml")} for p in SEEDS}
    with tempfile.TemporaryDirectory(prefix="adventure-fuzz-") as tmp:
        for k in range(n):
            src = r.choice(SEEDS)
            w = Path(tmp) / f"w{k}"
            for rel, data in texts[src].items():
                (w / rel).parent.mkdir(parents=True, exist_ok=True)
                (w / rel).write_bytes(data)
            done = []
            for _ in range(r.randrange(1, 5)):
                files = sorted(p for p in w.rglob("*.toml") if p.is_file() and not p.is_symlink())
                if not files:
                    break
                f = r.choice(files)
                other = texts[r.choice(SEEDS)]
                other_text = r.choice(list(other.values())).decode("utf-8", "replace")
                op = r.randrange(10)
                if op < 7:
                    t, what = _mutate_text(r, f.read_bytes().decode("utf-8", "replace"), other_text)
                    f.write_bytes(t.encode("utf-8", "surrogatepass"))
                elif op < 9:
                    data, what = _mutate_bytes(r, f.read_bytes())
                    f.write_bytes(data)
                else:
                    what = _mutate_files(r, w)
                done.append(f"{f.relative_to(w)}: {what}")
            signal.setitimer(signal.ITIMER_REAL, LOAD_SECONDS)
            try:
                world = load_world(w)
                explore(world, max_states=300, max_seconds=2)
                counts["loaded"] += 1
            except WorldError as e:
                assert e.problems and all(p.file for p in e.problems)
                for p in e.problems:  # every problem can be written as one line
                    assert "\n" not in str(p) and "\x1b" not in str(p), repr(str(p))
                    str(p).encode("utf-8")
                counts["refused"] += 1
            except BaseException as e:  # noqa: BLE001 - the point of the fuzzer
                signal.setitimer(signal.ITIMER_REAL, 0)
                print(f"mutant {k} of seed {seed} (from {src.name}): {'; '.join(done)}")
                print("raised " + ("a timeout" if isinstance(e, _Timeout) else type(e).__name__))
                traceback.print_exc()
                raise SystemExit(1)
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            shutil.rmtree(w, ignore_errors=True)
    return counts


# ---------------------------------------------------------------- serve


BASE = [
    {"op": "info"}, {"op": "reset", "seed": 3}, {"op": "step", "choice": "up"}, {"op": "step", "action": 0},
    {"op": "choices"}, {"op": "state"}, {"op": "hash"}, {"op": "save"}, {"op": "walkthrough", "max_states": 2000},
    {"op": "walkthrough", "ending": "beacon", "from": "here", "max_states": 1000}, {"op": "replay"},
    {"op": "set_state", "state": {"format": "adventure-state", "seed": 0, "log": ["up"], "state_hash": "x"}},
    {"op": "load", "save": "{}"},
]
JUNK = [None, True, False, 0, -1, 1.5, 2**64, -(2**70), 10**400, "", "x" * 10_000, "\ud800", "\x1b[2J", "up", [], {},
        [1, [2, [3]]], {"a": {"b": {}}}, float("inf")]


def _mutate_request(r: random.Random, req: dict, server_state: dict) -> str:
    req = json.loads(json.dumps(req))
    if server_state.get("state") is not None and r.random() < 0.3:
        st = json.loads(json.dumps(server_state["state"]))
        if st and r.random() < 0.7:
            key = r.choice(list(st))
            st[key] = r.choice(JUNK + [st[key]])
        req = {"op": "set_state", "state": st}
    if server_state.get("save") is not None and r.random() < 0.2:
        s = server_state["save"]
        i = r.randrange(len(s) + 1)
        req = {"op": "load", "save": s[:i] + r.choice(["", "x", "}", '"', "\\u0000"]) + s[i + r.randrange(3):]}
    for _ in range(r.randrange(0, 3)):
        k = r.randrange(6)
        if k == 0 and req:
            req.pop(r.choice(list(req)))
        elif k == 1:
            req[r.choice(["id", "op", "seed", "choice", "action", "ending", "from", "max_states", "state", "save", "zzz"])] = r.choice(JUNK)
        elif k == 2:
            req["op"] = r.choice(["Step", "stpe", "", "quit2", "walkthrough", "info "])
        elif k == 3:
            req["id"] = r.choice([1, "a", None, 2**63, "x" * 300, [1]])
        elif k == 4 and "max_states" in req:
            req["max_states"] = r.choice([1, 100_000, 100_001, 5_000_000])
    try:
        line = json.dumps(req, allow_nan=True)
    except (TypeError, ValueError):
        line = str(req)
    k = r.randrange(20)
    if k < 2:
        b = bytearray(line.encode("utf-8", "surrogatepass"))
        if b:
            i = r.randrange(len(b))
            b[i] = r.randrange(256)
        return b.decode("latin-1")
    if k < 4:
        return line[: r.randrange(len(line) + 1)]
    if k == 4:
        return line + line
    if k == 5:
        return "[" * r.choice([10, 1000, 100_000]) + line
    return line


def fuzz_serve(seed: int, n: int) -> dict:
    from adventure.api import serve
    from adventure.api.serve import ERROR_CODES, Server, dumps

    serve.MAX_SECONDS = 0.5  # the budget is tests/test_bounds.py's business; keep the fuzzer quick
    r = random.Random(seed)
    counts: dict = {}
    server = None
    for k in range(n):
        if k % 60 == 0:
            server = Server(r.choice(["tutorial", "allhands"]), seed=r.randrange(2**64))
        base = r.choice(BASE)
        line = _mutate_request(r, base, server_state={"state": getattr(server, "_last_state", None),
                                                      "save": getattr(server, "_last_save", None)})
        try:
            resp = server.handle(line.encode("latin-1") if r.random() < 0.1 else line)
            if resp is None:
                continue
            back = json.loads(dumps(resp))
            assert isinstance(back, dict) and isinstance(back.get("ok"), bool), back
            if not back["ok"]:
                code = back["error"]["code"]
                assert code in ERROR_CODES and code != "internal_error", back
                counts[code] = counts.get(code, 0) + 1
            else:
                counts["ok"] = counts.get("ok", 0) + 1
                res = back["result"]
                if "state" in res:
                    server._last_state = res["state"]
                if "save" in res:
                    server._last_save = res["save"]
            if server.done:
                server = Server("tutorial")
        except BaseException:  # noqa: BLE001
            print(f"request {k} of seed {seed}: {line[:500]!r}")
            traceback.print_exc()
            raise SystemExit(1)
    return counts


if __name__ == "__main__":
    kind, seed, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    result = (fuzz_worlds if kind == "worlds" else fuzz_serve)(seed, n)
    print(json.dumps({"kind": kind, "seed": seed, "n": n, "counts": result}))

"""`adventure lsp`, driven over stdio with JSON-RPC as an editor would: open a world file with a
typo and receive the diagnostic `check` prints; go to a definition; complete room ids, endings and
state names; hover. The framing (Content-Length headers) is written here, so the test depends on
the protocol, not on a client library. Skipped when pygls is not installed."""

import json
import queue
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from conftest import ROOT, WORLDS

pytest.importorskip("pygls")

TIMEOUT = 60  # seconds to wait for any one message: a safety net, not a measurement


class Client:
    """A minimal LSP client over a subprocess's stdin/stdout."""

    def __init__(self, *args: str):
        self.proc = subprocess.Popen([sys.executable, "-m", "adventure", "lsp", "--stdio", *args],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     cwd=ROOT)
        self.messages: queue.Queue = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        out = self.proc.stdout
        while True:
            headers = {}
            while True:
                line = out.readline()
                if not line:
                    return
                line = line.decode("ascii").strip()
                if not line:
                    break
                k, v = line.split(":", 1)
                headers[k.lower()] = v.strip()
            body = out.read(int(headers["content-length"]))
            self.messages.put(json.loads(body))

    def send(self, msg: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **msg}).encode()
        self.proc.stdin.write(f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
        self.proc.stdin.flush()

    def notify(self, method: str, params) -> None:
        self.send({"method": method, "params": params})

    def request(self, method: str, params):
        self.next_id += 1
        rid = self.next_id
        self.send({"id": rid, "method": method, "params": params})
        msg = self.wait(lambda m: m.get("id") == rid and "method" not in m)
        assert "error" not in msg, msg
        return msg["result"]

    def wait(self, pred):
        while True:
            try:
                msg = self.messages.get(timeout=TIMEOUT)
            except queue.Empty:
                raise AssertionError("no message from the server: " + self.proc.stderr.read1(10000).decode())
            if pred(msg):
                return msg

    def diagnostics(self, uri: str) -> list[dict]:
        """The next diagnostics published for `uri`."""
        msg = self.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                        and m["params"]["uri"] == uri)
        return msg["params"]["diagnostics"]

    def close(self) -> int:
        self.request("shutdown", None)
        self.notify("exit", None)
        try:
            return self.proc.wait(timeout=TIMEOUT)
        finally:
            for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
                stream.close()


@pytest.fixture
def world(tmp_path):
    folder = tmp_path / "tutorial"
    shutil.copytree(WORLDS / "tutorial", folder)
    return folder


@pytest.fixture
def client(world):
    c = Client()
    c.request("initialize", {"processId": None, "rootUri": world.as_uri(), "capabilities": {}})
    c.notify("initialized", {})
    yield c
    assert c.close() == 0


def open_doc(client, path: Path, text: str | None = None) -> str:
    uri = path.as_uri()
    client.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "toml", "version": 1, "text": path.read_text() if text is None else text}})
    return uri


def position_of(text: str, needle: str, offset: int = 0) -> dict:
    i = text.index(needle) + offset
    line = text.count("\n", 0, i)
    return {"line": line, "character": i - (text.rfind("\n", 0, i) + 1)}


def check_lines(folder: Path) -> list[str]:
    r = subprocess.run([sys.executable, "-m", "adventure", "check", str(folder)], capture_output=True, text=True,
                       cwd=ROOT)
    return (r.stdout + r.stderr).splitlines()


def test_a_typo_in_the_buffer_gets_the_diagnostic_check_prints(client, world, tmp_path):
    kitchen = world / "rooms" / "kitchen.toml"
    good = kitchen.read_text()
    typo = good.replace('go = "stairs"', 'go = "stairz"', 1)
    assert typo != good
    uri = open_doc(client, kitchen, typo)  # the buffer has the typo; the file on disk does not
    (diag,) = client.diagnostics(uri)
    # what `adventure check` prints for the same text
    shutil.copytree(world, tmp_path / "saved")
    (tmp_path / "saved" / "rooms" / "kitchen.toml").write_text(typo)
    (line,) = [x for x in check_lines(tmp_path / "saved") if "stairz" in x]
    where, message = line.split(": ", 1)
    assert message == diag["message"] == "kitchen.choice[3].go: room 'stairz' does not exist (did you mean 'stairs'?)"
    assert diag["severity"] == 1 and diag["range"]["start"]["line"] == int(where.rsplit(":", 1)[1]) - 1
    assert typo.splitlines()[diag["range"]["start"]["line"]].strip() == 'go = "stairz"'
    # fixing the buffer clears it
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2},
                                             "contentChanges": [{"text": good}]})
    assert client.diagnostics(uri) == []


def test_check_findings_come_with_checks_words(client, world, tmp_path):
    """A world that loads but has a finding: the warning `check` prints, on the line it names."""
    world_toml = world / "world.toml"
    text = world_toml.read_text().replace("[state]\n", "[state]\nspare = false\n", 1)
    uri = open_doc(client, world_toml, text)
    diags = client.diagnostics(uri)
    world_toml.write_text(text)
    expected = [x.split(": ", 1)[1] for x in check_lines(world) if "spare" in x]
    assert [d["message"] for d in diags if "spare" in d["message"]] == expected
    assert expected and expected[0].startswith("warning:") and "[flag-unused]" in expected[0]


def test_completion_definition_and_hover(client, world):
    kitchen = world / "rooms" / "kitchen.toml"
    text = kitchen.read_text()
    # the user is typing a new choice: `go = "la`
    typing = text + '\n[[kitchen.choice]]\nid = "x"\nsay = "X"\ngo = "la'
    uri = open_doc(client, kitchen, typing)
    end = {"line": typing.count("\n"), "character": len('go = "la')}
    result = client.request("textDocument/completion", {"textDocument": {"uri": uri}, "position": end})
    assert [i["label"] for i in result["items"]] == ["lamp_room"]
    # every room, with its title
    empty = {"line": end["line"], "character": len('go = "')}
    items = client.request("textDocument/completion", {"textDocument": {"uri": uri}, "position": empty})["items"]
    assert [i["label"] for i in items] == ["gallery", "kitchen", "lamp_room", "logbook", "stairs"]
    assert {i["label"]: i.get("detail") for i in items}["lamp_room"] == "The Lamp Room"

    # definition of a room: its table in another file
    pos = position_of(typing, 'go = "stairs"', len('go = "s'))
    (loc,) = _locations(client.request("textDocument/definition", {"textDocument": {"uri": uri}, "position": pos}))
    tower = (world / "rooms" / "tower.toml").read_text().splitlines()
    assert loc["uri"] == (world / "rooms" / "tower.toml").as_uri()
    assert tower[loc["range"]["start"]["line"]].strip() == "[stairs]"

    # a state name in a condition: completion, definition in [state], hover with the declaration
    world_text = (world / "world.toml").read_text()
    pos = position_of(typing, '"luck += random', 3)  # after `lu` of luck, in an effect
    items = client.request("textDocument/completion", {"textDocument": {"uri": uri}, "position": pos})["items"]
    assert [i["label"] for i in items] == ["luck"]
    (loc,) = _locations(client.request("textDocument/definition", {"textDocument": {"uri": uri}, "position": pos}))
    assert loc["uri"] == (world / "world.toml").as_uri()
    assert world_text.splitlines()[loc["range"]["start"]["line"]].startswith("luck = ")
    # in a {name} of a text, and the hover
    pos = position_of(typing, "{luck} times", 3)
    (loc2,) = _locations(client.request("textDocument/definition", {"textDocument": {"uri": uri}, "position": pos}))
    assert loc2 == loc
    hover = client.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": pos})
    assert "counter luck, default 0" in hover["contents"]["value"]
    assert "luck = " in hover["contents"]["value"]
    # visits.<room> completes to the rooms
    pos = position_of(typing, "visits.kitchen", len("visits.ki"))
    items = client.request("textDocument/completion", {"textDocument": {"uri": uri}, "position": pos})["items"]
    assert [i["label"] for i in items] == ["visits.kitchen"]


def test_ending_ids_complete_and_lead_to_their_ending(client, world):
    tower = world / "rooms" / "tower.toml"
    text = tower.read_text()
    assert 'end = "' in text or "end = true" in text
    typing = text + '\n[[lamp_room.choice]]\nid = "y"\nsay = "Y"\nend = "'
    uri = open_doc(client, tower, typing)
    pos = {"line": typing.count("\n"), "character": len('end = "')}
    items = client.request("textDocument/completion", {"textDocument": {"uri": uri}, "position": pos})["items"]
    assert [i["label"] for i in items] == ["beacon", "dark", "signalled", "storm-keeper"]
    typing += 'beacon"\n'
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2},
                                             "contentChanges": [{"text": typing}]})
    pos = {"line": pos["line"], "character": len('end = "be')}
    (loc,) = _locations(client.request("textDocument/definition", {"textDocument": {"uri": uri}, "position": pos}))
    lines = (world / "world.toml").read_text().splitlines()
    n = loc["range"]["start"]["line"]
    assert lines[n].strip() == "[[ending]]" and 'id = "beacon"' in lines[n + 1]


def _locations(result):
    return result if isinstance(result, list) else [result]


def test_lsp_without_pygls_is_one_readable_error(tmp_path):
    (tmp_path / "pygls").mkdir()
    (tmp_path / "pygls" / "__init__.py").write_text("raise ImportError('no pygls here', name='pygls')\n")
    env = {"PYTHONPATH": f"{tmp_path}:{ROOT}", "PATH": "/usr/bin:/bin"}
    r = subprocess.run([sys.executable, "-m", "adventure", "lsp"], capture_output=True, text=True, cwd=tmp_path,
                       env=env, stdin=subprocess.DEVNULL)
    assert r.returncode == 2 and "pip install 'adventure-engine[lsp]'" in r.stderr
    assert "Traceback" not in r.stderr


def test_only_the_lsp_command_imports_pygls():
    code = ("import sys; from adventure.cli.main import main; main(['worlds']); "
            "print(any(m.split('.')[0] in ('pygls', 'lsprotocol') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True).stdout
    assert out.split()[-1] == "False"


def test_blocks_calls_and_enum_values(tmp_path):
    """The second language: block names in `use`, rooms in `call`, enum values after `==`."""
    folder = tmp_path / "timeloop"
    shutil.copytree(Path(__file__).parent / "worlds" / "timeloop", folder)
    c = Client()
    c.request("initialize", {"processId": None, "rootUri": folder.as_uri(), "capabilities": {}})
    c.notify("initialized", {})
    try:
        town = folder / "rooms" / "town.toml"
        typing = town.read_text() + '\n[cellar]\ntitle = "C"\ntext = "c"\nuse = ["st'
        uri = open_doc(c, town, typing)
        end = {"line": typing.count("\n"), "character": len('use = ["st')}
        items = c.request("textDocument/completion", {"textDocument": {"uri": uri}, "position": end})["items"]
        assert [(i["label"], i["detail"]) for i in items] == [("street", "2 choices: square, notebook")]
        pos = position_of(typing, 'use = ["street"]', len('use = ["s'))
        (loc,) = _locations(c.request("textDocument/definition", {"textDocument": {"uri": uri}, "position": pos}))
        lines = (folder / "world.toml").read_text().splitlines()
        assert loc["uri"] == (folder / "world.toml").as_uri() and lines[loc["range"]["start"]["line"]] == "[block.street]"
        # an enum's values complete after ==, and hover says which enum
        typing += '"]\n[[cellar.choice]]\nid = "x"\nsay = "X"\nif = "mood == '
        c.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2},
                                           "contentChanges": [{"text": typing}]})
        end = {"line": typing.count("\n"), "character": len('if = "mood == ')}
        items = c.request("textDocument/completion", {"textDocument": {"uri": uri}, "position": end})["items"]
        assert [i["label"] for i in items] == ["calm", "certain", "uneasy"]
        pos = position_of(typing, "\"mood == uneasy\", do", len("\"mood == un"))
        hover = c.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": pos})
        assert "a value of enum mood, one of calm, uneasy, certain" in hover["contents"]["value"]
    finally:
        assert c.close() == 0

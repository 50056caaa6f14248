"""`adventure mcp`: the Model Context Protocol server, driven over stdio by the official client
library (and once with raw JSON-RPC lines), playing the tutorial to an ending. The Session tests
need nothing but adventure; the server tests skip when the `mcp` SDK is not installed."""

import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT, WORLDS

from adventure.api.mcp import Session
from adventure.core.errors import AdventureError


# ---------------------------------------------------------------- the game logic, no MCP


def test_a_session_plays_the_tutorial_to_an_ending_with_undo():
    s = Session()
    assert {"tutorial", "allhands"} <= set(s.list_worlds()["worlds"])
    with pytest.raises(AdventureError, match="call new_game first"):
        s.look()
    view = s.new_game("tutorial", 0)
    assert view["room"] == "kitchen" and view["observation"].startswith("The Lighthouse Keeper's Tuesday")
    assert [c["number"] for c in view["choices"]] == list(range(1, len(view["choices"]) + 1))
    route = s.walkthrough("beacon", from_here=False)
    assert route == {"ending": "beacon", "route": ["up", "up", "light", "wait"], "from": "start", "seed": 0}
    stairs = s.choose("up")
    n = next(c["number"] for c in stairs["choices"] if c["id"] == "up")
    assert n != 1
    s.choose(str(n))  # by the number shown
    assert s.state()["moves"] == ["up", "up"]
    assert s.undo()["moves"] == 1
    s.choose("up")
    rest = s.walkthrough("beacon")["route"]
    assert rest == ["light", "wait"]
    for c in rest:
        view = s.choose(c)
    assert view["ending"] == "beacon" and view["over"] and view["choices"] == []
    assert "A Light in the Window" in view["observation"]
    st = s.state()
    assert st["ending"] == "beacon" and st["over"] and st["values"]["lamp_lit"] is True
    with pytest.raises(AdventureError, match="the game is over"):
        s.choose("wait")


def test_a_session_refuses_with_readable_messages():
    s = Session()
    with pytest.raises(AdventureError, match="did you mean 'tutorial'"):
        s.new_game("tutorail")
    with pytest.raises(AdventureError, match="no world"):
        s.new_game("/etc")  # a client names worlds; it never gives paths
    with pytest.raises(AdventureError, match="seed"):
        s.new_game("tutorial", -1)
    s.new_game("tutorial")
    with pytest.raises(AdventureError, match="nothing to undo"):
        s.undo()
    with pytest.raises(AdventureError, match="did you mean 'kettle'"):
        s.choose("kettel")
    with pytest.raises(AdventureError, match="no ending"):
        s.walkthrough("nowhere")


def test_folders_given_on_the_command_line_can_be_played(tmp_path):
    import shutil

    shutil.copytree(WORLDS / "tutorial", tmp_path / "mine")
    s = Session({"mine": tmp_path / "mine"})
    assert "mine" in s.list_worlds()["worlds"]
    assert s.new_game("mine")["room"] == "kitchen"


# ---------------------------------------------------------------- over stdio


def _text(result) -> dict:
    (content,) = result.content
    return json.loads(content.text)


def test_the_mcp_client_plays_the_tutorial_to_an_ending():
    pytest.importorskip("mcp.server.mcpserver")
    import anyio
    from mcp import ClientSession
    from mcp.client.stdio import StdioServerParameters, stdio_client

    async def play():
        # the test's own environment: the SDK's default would drop ADVENTURE_CACHE_DIR, and the server
        # writes a par it searches for to the par cache
        params = StdioServerParameters(command=sys.executable, args=["-m", "adventure", "mcp"], cwd=str(ROOT),
                                       env=dict(os.environ))
        with open(os.devnull, "w") as quiet:
            async with stdio_client(params, errlog=quiet) as (read, write):
                async with ClientSession(read, write) as session:
                    init = await session.initialize()
                    assert init.server_info.name == "adventure"
                    tools = {t.name for t in (await session.list_tools()).tools}
                    assert tools == {"worlds", "new_game", "look", "choose", "undo", "state", "walkthrough"}
                    start = _text(await session.call_tool("new_game", {"world": "tutorial", "seed": 0}))
                    assert start["room"] == "kitchen"
                    # a wrong move is an error result the model can read; the game is unchanged
                    bad = await session.call_tool("choose", {"choice": "jump"})
                    assert bad.is_error and "jump" in bad.content[0].text
                    route = _text(await session.call_tool("walkthrough", {"ending": "beacon"}))["route"]
                    assert route == ["up", "up", "light", "wait"]
                    views = [_text(await session.call_tool("choose", {"choice": c})) for c in route[:3]]
                    undone = _text(await session.call_tool("undo", {}))
                    assert undone["moves"] == 2 and undone["room"] == "lamp_room"
                    for c in route[2:]:
                        last = _text(await session.call_tool("choose", {"choice": c}))
                    looked = _text(await session.call_tool("look", {}))
                    state = _text(await session.call_tool("state", {}))
                    return views, last, looked, state

    views, last, looked, state = anyio.run(play)
    assert views[-1]["room"] == "lamp_room"
    assert last["ending"] == "beacon" and last["over"] and "A Light in the Window" in last["observation"]
    assert looked["ending"] == "beacon"
    assert state["moves"] == ["up", "up", "light", "wait"] and state["ending"] == "beacon"


def test_raw_json_rpc_lines_over_stdio():
    """What any MCP client sends: newline-delimited JSON-RPC, each request answered in turn."""
    pytest.importorskip("mcp.server.mcpserver")
    proc = subprocess.Popen([sys.executable, "-m", "adventure", "mcp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, cwd=ROOT)

    def send(msg):
        proc.stdin.write(json.dumps({"jsonrpc": "2.0", **msg}) + "\n")
        proc.stdin.flush()

    def reply(rid):
        while True:
            line = proc.stdout.readline()
            assert line, "the server closed its output"
            msg = json.loads(line)
            if msg.get("id") == rid:
                return msg

    try:
        send({"id": 1, "method": "initialize", "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                                                           "clientInfo": {"name": "test", "version": "0"}}})
        assert reply(1)["result"]["serverInfo"]["name"] == "adventure"
        send({"method": "notifications/initialized"})
        send({"id": 2, "method": "tools/call", "params": {"name": "new_game", "arguments": {"world": "tutorial"}}})
        assert json.loads(reply(2)["result"]["content"][0]["text"])["room"] == "kitchen"
        send({"id": 3, "method": "tools/call", "params": {"name": "choose", "arguments": {"choice": "up"}}})
        assert json.loads(reply(3)["result"]["content"][0]["text"])["room"] == "stairs"
    finally:
        proc.stdin.close()
        assert proc.wait(timeout=60) == 0
        proc.stdout.close()


def test_mcp_bad_folder_and_missing_sdk_are_one_readable_error(tmp_path):
    r = subprocess.run([sys.executable, "-m", "adventure", "mcp", str(tmp_path)], capture_output=True, text=True,
                       cwd=ROOT, stdin=subprocess.DEVNULL)
    assert r.returncode == 2 and "not a world folder" in r.stderr and "Traceback" not in r.stderr
    (tmp_path / "mcp").mkdir()
    (tmp_path / "mcp" / "__init__.py").write_text("raise ImportError('no mcp here', name='mcp')\n")
    env = {"PYTHONPATH": f"{tmp_path}:{ROOT}", "PATH": "/usr/bin:/bin"}
    r = subprocess.run([sys.executable, "-m", "adventure", "mcp"], capture_output=True, text=True, cwd=tmp_path,
                       env=env, stdin=subprocess.DEVNULL)
    assert r.returncode == 2 and "pip install 'adventure-engine[mcp]'" in r.stderr and "Traceback" not in r.stderr


def test_only_the_mcp_command_imports_the_sdk():
    code = ("import sys; from adventure.cli.main import main; main(['worlds']); "
            "print(any(m.split('.')[0] in ('mcp', 'pydantic', 'anyio') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True).stdout
    assert out.split()[-1] == "False"

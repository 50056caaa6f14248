"""Agent-benchmark conventions (after TextWorld and Jericho): endings' score and result in the
world format, and what the environment, `adventure serve` and the MCP server report with them:
score, max_score, won, lost, admissible commands, par and efficiency; and `hide_ids`, which shows
options by number and label only.

Most tests play tests/worlds/valid/scored, whose choice ids all start with "zq-" (no label
contains that), so that a shown id is found by a plain substring search."""

import json
import pytest

from adventure import WorldError, load_world
from adventure.analysis import parcache
from adventure.api.env import AdventureEnv
from adventure.api.mcp import Session
from adventure.api.serve import Server
from adventure.core.errors import AdventureError

from conftest import FIXTURES, write_world
from test_cli import run

SCORED = FIXTURES / "valid" / "scored"
ID_MARK = "zq-"  # every choice id of the scored world starts with it; no text or label has it


@pytest.fixture
def scored():
    return load_world(SCORED)


@pytest.fixture
def par_cache(tmp_path, monkeypatch):
    """A par cache of the test's own: the par cache lives beside the parse cache."""
    monkeypatch.setenv("ADVENTURE_CACHE_DIR", str(tmp_path / "cache" / "worlds"))
    monkeypatch.delenv("ADVENTURE_NO_CACHE", raising=False)
    return tmp_path / "cache" / "par"


# ---------------------------------------------------------------- the world format


def test_endings_carry_score_and_result_with_defaults(scored, tutorial):
    got = {e.id: (e.score, e.result) for e in scored.endings}
    assert got == {"rich": (10, "won"), "drowned": (-5, "lost"), "home": (1, None)}
    assert {e.id: (e.score, e.result) for e in tutorial.endings} == {
        "storm-keeper": (10, "won"), "beacon": (5, "won"), "dark": (0, "lost"), "signalled": (0, None)}
    lamp = load_world(FIXTURES / "valid" / "lamp")  # a world without either key
    assert all((e.score, e.result) == (0, None) for e in lamp.endings)


def test_bad_score_and_result_are_each_a_problem_with_a_hint():
    """tests/worlds/invalid/ending-outcome holds the exact messages; here, what each must carry."""
    with pytest.raises(WorldError) as e:
        load_world(FIXTURES / "invalid" / "ending-outcome")
    problems = {(p.line, p.key): p for p in e.value.problems}
    assert sorted(k for _, k in problems) == sorted(
        f"ending[{i}].{k}" for i in range(3) for k in ("score", "result"))
    for p in e.value.problems:
        assert p.file.endswith("ending-outcome/world.toml") and p.line and p.hint, str(p)
    by_key = {p.key: p for p in e.value.problems}
    assert "did you mean 'won'?" in by_key["ending[0].result"].hint  # result = "win"
    assert "got a string" in by_key["ending[0].score"].message  # score = "10"
    assert "got true/false" in by_key["ending[2].score"].message  # score = true: a flag is no number


# ---------------------------------------------------------------- the environment's info


def play(env, moves):
    out = []
    for m in moves:
        out.append(env.step(m))
    return out


def test_info_at_the_start_and_at_each_kind_of_ending(scored, par_cache):
    env = AdventureEnv(scored)
    obs, info = env.reset(seed=0)
    assert {k: info[k] for k in ("score", "max_score", "won", "lost", "par", "efficiency", "moves")} == {
        "score": 0, "max_score": 10, "won": False, "lost": False, "par": None, "efficiency": None, "moves": 0}
    assert info["admissible_commands"] == ["zq-wait", "zq-open", "zq-jump"]
    # a won ending, one move longer than par (open, key, chest)
    *_, (obs, reward, terminated, truncated, info) = play(env, ["zq-wait", "zq-open", "zq-key", "zq-chest"])
    assert terminated and info["ending"] == "rich"
    assert (info["score"], info["won"], info["lost"], info["moves"]) == (10, True, False, 4)
    assert info["par"] == 3 and info["efficiency"] == 0.75
    assert info["admissible_commands"] == [] and reward == 10.0
    # a lost ending with a score below zero, at par
    env.reset(seed=0)
    _, reward, _, _, info = env.step("zq-jump")
    assert (info["score"], info["won"], info["lost"], info["par"], info["efficiency"]) == (-5, False, True, 1, 1.0)
    assert reward == -5.0
    # an ending that is neither won nor lost
    env.reset(seed=0)
    *_, (_, reward, _, _, info) = play(env, ["zq-open", "zq-home"])
    assert (info["score"], info["won"], info["lost"], info["efficiency"]) == (1, False, False, 1.0) and reward == 1.0


def test_admissible_commands_are_what_the_mask_allows(scored):
    env = AdventureEnv(scored)
    env.reset(seed=0)
    info = env.step("zq-open")[4]
    shown = [c for c in info["choices"] if c["enabled"]]
    assert info["admissible_commands"] == [c["id"] for c in shown] == ["zq-key", "zq-home"]
    assert [int(x) for x in info["action_mask"]][:3] == [1, 0, 1]  # the chest is greyed out: no key yet
    assert env.admissible_commands() == info["admissible_commands"]
    truncated = AdventureEnv(scored, max_steps=1)
    truncated.reset(seed=0)
    info = truncated.step("zq-wait")[4]
    assert info["admissible_commands"] == [] and env.admissible_commands() != []  # the episode is over


def test_the_tutorial_efficiency_against_its_par(tutorial, par_cache):
    env = AdventureEnv(tutorial)
    env.reset(seed=0)
    route = env.walkthrough("beacon")
    info = play(env, route)[-1][4]
    assert info["par"] == len(route) == 4 and info["efficiency"] == 1.0 and info["won"] and info["score"] == 5
    env.reset(seed=0)
    info = play(env, ["kettle"] + route)[-1][4]  # one move more than needed
    assert info["ending"] == "beacon" and info["par"] == 4 and info["efficiency"] == 0.8
    env.reset(seed=0)
    info = play(env, ["up", "up", "wait"])[-1][4]
    assert info["lost"] and not info["won"] and info["score"] == 0 and info["max_score"] == 10


def test_par_is_read_from_the_par_cache_and_searched_only_within_budget(scored, par_cache):
    route = ["zq-wait", "zq-open", "zq-key", "zq-chest"]
    # par_states=0: the cache only, and it is empty
    env = AdventureEnv(scored, par_states=0)
    env.reset(seed=0)
    info = play(env, route)[-1][4]
    assert info["par"] is None and info["efficiency"] is None and not par_cache.exists()
    # a par in the cache for this world's content is used as it is (2 is wrong on purpose: proof it was read)
    parcache.record(scored, 0, {"rich": 2})
    env = AdventureEnv(scored, par_states=0)
    env.reset(seed=7)  # the world rolls no dice, so every seed has seed 0's par
    info = play(env, route)[-1][4]
    assert info["par"] == 2 and info["efficiency"] == 0.5


def test_a_searched_par_goes_into_the_par_cache(scored, par_cache):
    env = AdventureEnv(scored)
    env.reset(seed=3)
    assert play(env, ["zq-open", "zq-key", "zq-chest"])[-1][4]["par"] == 3
    assert parcache.read(scored, 0)["par"] == {"rich": 3}  # what `adventure runs` reads
    for bad in ({"par_states": -1}, {"par_states": 1.5}, {"hide_ids": "yes"}, {"hide_ids": 1}):
        with pytest.raises(AdventureError, match=next(iter(bad))):
            AdventureEnv(scored, **bad)


def test_the_default_reward_is_the_score_only_when_the_world_scores_endings(scored, tmp_path):
    lamp = load_world(FIXTURES / "valid" / "lamp")
    env = AdventureEnv(lamp)
    env.reset(seed=0)
    _, reward, terminated, _, info = env.step("leave")
    assert terminated and reward == 1.0 and info["score"] == 0 and info["max_score"] == 0
    # target and rewards still decide when given
    env = AdventureEnv(scored, target="home")
    env.reset(seed=0)
    assert env.step("zq-jump")[1] == 0.0
    env = AdventureEnv(scored, rewards={"drowned": 2})
    env.reset(seed=0)
    assert env.step("zq-jump")[1] == 2.0


# ---------------------------------------------------------------- hide_ids


def everything_shown(obs, info) -> str:
    return obs + "\n" + json.dumps(info, default=str)


def test_hide_ids_shows_no_id_and_takes_labels_and_numbers(scored):
    env = AdventureEnv(scored, hide_ids=True)
    obs, info = env.reset(seed=0)
    seen = [everything_shown(obs, info)]
    assert info["admissible_commands"] == ["Wait", "Open the gate", "Jump into the well"]
    assert all("id" not in c for c in info["choices"]) and all("id" not in c for c in env.choices())
    # an id is not a command; the message echoes what was sent, and suggests no id
    info = env.step("zq-open")[4]
    assert info["invalid"] == "no option 'zq-open' here; give an option's label or number" and info["moves"] == 0
    for action, why in [("Opne the gate", "did you mean 'Open the gate'?"), (7, "action 7 is not an option")]:
        obs, reward, terminated, truncated, info = env.step(action)
        assert why in info["invalid"] and info["moves"] == 0, info["invalid"]
        seen.append(everything_shown(obs, info))
    obs, _, _, _, info = env.step("  open THE   gate ")  # a label, case and spacing aside
    assert info["room"] == "yard"
    seen.append(everything_shown(obs, info))
    obs, _, _, _, info = env.step("Open the chest")  # greyed out: named by number and label
    assert info["invalid"] == "option 2 ('Open the chest') is not available now"
    seen.append(everything_shown(obs, info))
    obs, _, _, _, info = env.step(1)  # an index: "Open the chest" is greyed out
    assert info["invalid"] == "action 1 ('Open the chest') is not available now"
    seen.append(everything_shown(obs, info))
    route = env.walkthrough("rich", from_here=True)
    assert route == ["Take the key", "Open the chest"]
    seen.append(json.dumps(route))
    for m in route:
        obs, reward, terminated, truncated, info = env.step(m)
        seen.append(everything_shown(obs, info))
    assert terminated and info["ending"] == "rich" and info["won"]
    assert env.walkthrough() == ["Open the gate", "Go home"]  # the nearest ending that rewards: home scores 1
    assert not [s for s in seen if ID_MARK in s]


def test_hide_ids_walkthrough_names_an_option_by_index_where_its_label_is_taken(tmp_path):
    """Two options with one label: the label takes the first available one, so a route through
    the second names it by its index instead."""
    world = write_world(tmp_path / "w", '[world]\nid = "w"\ntitle = "W"\nstart = "r"\n'
                        '[[ending]]\nid = "e"\ntitle = "E"\ntext = "e"\n', {"r": (
                            '[r]\ntitle = "R"\ntext = "r"\n'
                            '[[r.choice]]\nid = "a"\nsay = "Go on"\nreply = "Round again."\n'
                            '[[r.choice]]\nid = "b"\nsay = "Go on"\nend = "e"\n')})
    env = AdventureEnv(world, hide_ids=True)
    env.reset(seed=0)
    assert env.walkthrough() == [1]
    assert env.step("go on")[4]["room"] == "r"  # the label took the first
    assert env.step(1)[2] is True


# ---------------------------------------------------------------- adventure serve and MCP


def test_serve_reports_the_benchmark_keys_and_hides_ids(scored, par_cache):
    server = Server(scored, seed=0, hide_ids=True)
    info = server.handle('{"id": 1, "op": "info"}')["result"]
    assert info["max_score"] == 10 and info["hide_ids"] is True
    assert {e["id"]: (e["score"], e["result"]) for e in info["endings"]}["home"] == (1, None)
    wrong = server.handle('{"op": "step", "choice": "zq-open"}')  # an id is not a command here
    assert wrong["error"] == {"code": "choice_unavailable",
                              "message": "no option 'zq-open' here; give an option's label or number"}
    lines = [server.handle(json.dumps(r)) for r in (
        {"op": "choices"}, {"op": "step", "choice": "Open the gate"},
        {"op": "walkthrough", "ending": "rich", "from": "here"},
        {"op": "step", "choice": "Take the key"}, {"op": "step", "choice": "Open the chest"})]
    assert lines[0]["result"]["admissible_commands"] == ["Wait", "Open the gate", "Jump into the well"]
    assert lines[2]["result"]["route"] == ["Take the key", "Open the chest"] and lines[2]["result"]["ending"] == "rich"
    end = lines[-1]["result"]
    assert end["terminated"] and end["reward"] == 10.0
    assert {k: end["info"][k] for k in ("score", "max_score", "won", "lost", "par", "efficiency")} == {
        "score": 10, "max_score": 10, "won": True, "lost": False, "par": 3, "efficiency": 1.0}
    assert not [x for x in lines if ID_MARK in json.dumps(x)]


def test_adventure_serve_hide_ids_over_a_pipe():
    reqs = ['{"id": 1, "op": "step", "choice": "jump into the well"}', '{"id": 2, "op": "quit"}']
    r = run(["serve", "--stdio", str(SCORED), "--hide-ids"], stdin="".join(x + "\n" for x in reqs))
    assert r.returncode == 0, r.stderr
    step = json.loads(r.stdout.splitlines()[0])["result"]
    assert step["info"]["ending"] == "drowned" and step["info"]["lost"] and step["reward"] == -5.0
    assert ID_MARK not in r.stdout


def test_mcp_views_carry_the_benchmark_keys(par_cache):
    s = Session({"scored": SCORED})
    view = s.new_game("scored", 0)
    assert (view["score"], view["max_score"], view["won"], view["par"]) == (0, 10, False, None)
    assert view["admissible_commands"] == ["zq-wait", "zq-open", "zq-jump"]
    for c in ("zq-open", "zq-key", "zq-chest"):
        view = s.choose(c)
    assert {k: view[k] for k in ("ending", "score", "won", "lost", "moves", "par", "efficiency")} == {
        "ending": "rich", "score": 10, "won": True, "lost": False, "moves": 3, "par": 3, "efficiency": 1.0}
    assert view["admissible_commands"] == []


def test_mcp_with_hidden_ids_shows_none_and_takes_labels(par_cache):
    s = Session({"scored": SCORED})
    with pytest.raises(AdventureError, match="hide_ids"):
        s.new_game("scored", 0, hide_ids="yes")
    seen = [s.new_game("scored", 0, hide_ids=True)]
    assert seen[0]["admissible_commands"] == ["Wait", "Open the gate", "Jump into the well"]
    assert all("id" not in c for c in seen[0]["choices"])
    with pytest.raises(AdventureError) as e:  # an id is not a command; the message only echoes it
        s.choose("zq-open")
    assert str(e.value) == "no option 'zq-open' here; give an option's label or number"
    with pytest.raises(AdventureError, match="did you mean 'Open the gate'") as e:
        s.choose("open the gat")
    seen.append(str(e.value))
    seen.append(s.choose("2"))  # by number
    with pytest.raises(AdventureError, match="option 2 \\('Open the chest'\\) is not available now") as e:
        s.choose("Open the chest")
    seen.append(str(e.value))
    seen.append(s.walkthrough("rich"))
    assert seen[-1]["route"] == ["Take the key", "Open the chest"]
    seen.append(s.walkthrough("rich", from_here=False))
    seen.append(s.choose("take the key"))
    seen.append(s.choose("Open the chest"))
    seen.append(s.state())
    assert seen[-1]["moves"] == ["Open the gate", "Take the key", "Open the chest"]
    assert seen[-2]["won"] and seen[-2]["efficiency"] == 1.0
    assert not [x for x in seen if ID_MARK in json.dumps(x)]


def test_the_mcp_new_game_tool_takes_hide_ids():
    """The SDK's tool schema passes hide_ids on to the session (the server in process; test_mcp.py
    has the stdio transport)."""
    pytest.importorskip("mcp.server.mcpserver")
    import anyio

    from adventure.api.mcp import make_server

    server = make_server(Session({"scored": SCORED}))

    async def play():
        tools = {t.name: t for t in await server.list_tools()}
        assert "hide_ids" in tools["new_game"].input_schema["properties"]
        start = await server.call_tool("new_game", {"world": "scored", "hide_ids": True})
        end = await server.call_tool("choose", {"choice": "Jump into the well"})
        return [json.loads(r.content[0].text) for r in (start, end)]

    start, end = anyio.run(play)
    assert start["admissible_commands"] == ["Wait", "Open the gate", "Jump into the well"]
    assert end["ending"] == "drowned" and end["lost"] and end["score"] == -5
    assert ID_MARK not in json.dumps([start, end])

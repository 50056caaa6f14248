"""The Gymnasium-style environment: random agents, Gymnasium's own checker, rewards, limits, state,
walkthroughs and replays; and the plain class when gymnasium is not installed."""

import collections
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adventure import ChoiceError, SaveError, load_world
from adventure.api.env import STUCK_TEXT, AdventureEnv, EpisodeOver, NoRoute
from adventure.core.errors import AdventureError
from adventure.speedrun.replay import verify_replay

from conftest import ROOT, WORLDS, write_world
from strategies import worlds, write


def random_agent(env, episodes, seed=0):
    """The ten-line random agent: a random allowed action until the episode ends."""
    rng, endings = random.Random(seed), collections.Counter()
    for episode in range(episodes):
        obs, info = env.reset(seed=episode)
        terminated = truncated = False
        while not (terminated or truncated):
            action = rng.choice([i for i, ok in enumerate(info["action_mask"]) if ok])
            obs, reward, terminated, truncated, info = env.step(action)
        endings[info["ending"]] += 1
    return endings


def test_random_agent_reaches_every_tutorial_ending_in_1000_episodes():
    env = AdventureEnv(WORLDS / "tutorial", max_steps=200)
    endings = random_agent(env, 1000)
    assert set(endings) == {"storm-keeper", "beacon", "dark", "signalled"}, endings  # none truncated either
    assert sum(endings.values()) == 1000


def allhands():
    return load_world(WORLDS / "allhands")


def test_random_agent_plays_1000_allhands_episodes_without_error():
    world = allhands()
    env = AdventureEnv(world, max_steps=300)
    endings = random_agent(env, 1000)
    assert sum(endings.values()) == 1000 and set(endings) <= set(env.endings) | {None}
    assert len(endings) >= len(world.endings) // 2, dict(endings)


@pytest.mark.slow
def test_random_agent_reaches_every_allhands_ending_with_enough_episodes():
    """Issue 7's criterion, "with enough episodes": the same ten-line agent on the flagship world
    until every ending has been seen. 1,000 episodes reach 10 or 11 of the 12 (three endings need
    a long, specific day that a random player finds about once in a thousand); with seed 0 the
    last one arrives before episode 20,000. The cap keeps a regression from running forever."""
    world = allhands()
    env = AdventureEnv(world, max_steps=300)
    rng, seen, want = random.Random(0), collections.Counter(), {e.id for e in world.endings}
    episode = 0
    while set(seen) != want and episode < 40_000:
        obs, info = env.reset(seed=episode)
        terminated = truncated = False
        while not (terminated or truncated):
            obs, reward, terminated, truncated, info = env.step(
                rng.choice([i for i, ok in enumerate(info["action_mask"]) if ok]))
        seen[info["ending"]] += 1
        episode += 1
    assert set(seen) == want, f"after {episode:,} episodes, never reached: {sorted(want - set(seen))}"


# ---------------------------------------------------------------- Gymnasium


def test_gymnasium_check_env_passes():
    gym = pytest.importorskip("gymnasium")
    from gymnasium.utils.env_checker import check_env

    for name in ("tutorial", "allhands"):
        if name == "allhands":
            allhands()
        env = AdventureEnv(WORLDS / name)
        assert isinstance(env, gym.Env)
        check_env(env, skip_render_check=True)  # render modes are checked through gym.make below
        check_env(AdventureEnv(WORLDS / name, render_mode="ansi"), skip_render_check=True)
    made = gym.make("adventure/Adventure-v0", world=str(WORLDS / "tutorial"))
    check_env(made.unwrapped)
    obs, info = made.reset(seed=0)
    assert obs in made.observation_space
    assert made.action_space.sample(mask=info["action_mask"]) in (0, 1, 2)


def test_without_gymnasium_it_is_a_plain_class():
    code = """
import sys
sys.modules["gymnasium"] = None  # as if it were not installed
from adventure.api.env import AdventureEnv, HAVE_GYMNASIUM, Discrete, Text
env = AdventureEnv(sys.argv[1], max_steps=50)
assert not HAVE_GYMNASIUM and isinstance(env.action_space, Discrete) and isinstance(env.observation_space, Text)
assert [b.__name__ for b in type(env).__mro__][1:] == ["_AdventureEnv", "object"]
obs, info = env.reset(seed=0)
assert info["action_mask"] == [1, 1, 1, 0, 0, 0] and obs in env.observation_space
env.action_space.seed(1)
while True:
    obs, r, te, tr, info = env.step(env.action_space.sample(mask=info["action_mask"]))
    assert obs in env.observation_space
    if te or tr:
        break
print(info["ending"], te, tr, type(info["action_mask"]).__name__)
"""
    r = subprocess.run([sys.executable, "-c", code, str(WORLDS / "tutorial")], capture_output=True, text=True,
                       cwd=ROOT, timeout=60, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert r.returncode == 0, r.stderr
    ending, te, tr, mask = r.stdout.split()
    assert mask == "list" and (te, tr) in (("True", "False"), ("False", "True"))


# ---------------------------------------------------------------- the API


def test_reset_and_step_follow_the_gymnasium_signatures(tutorial):
    env = AdventureEnv(tutorial)
    out = env.reset(seed=0, options=None)
    assert isinstance(out, tuple) and len(out) == 2 and isinstance(out[0], str) and isinstance(out[1], dict)
    assert out[0].startswith("The Lighthouse Keeper's Tuesday") and "1. Put the kettle on" in out[0]
    res = env.step(0)
    assert len(res) == 5
    obs, reward, terminated, truncated, info = res
    assert type(reward) is float and terminated is False and truncated is False
    assert set(info) >= {"choices", "action_mask", "room", "ending", "moves", "state_hash", "steps", "seed", "events"}
    assert info["events"][0] == {"type": "reply", "text": "The stove coughs, then commits."}


def test_actions_by_index_and_by_choice_id_do_the_same(tutorial):
    a, b = AdventureEnv(tutorial), AdventureEnv(tutorial)
    a.reset(seed=4)
    b.reset(seed=4)
    for idx, cid in [(1, "feed-gull"), (2, "up"), (1, "up"), (0, "light"), (1, "wait")]:
        ra, rb = a.step(idx), b.step(cid)
        assert ra[0] == rb[0] and ra[1:4] == rb[1:4] and ra[4]["state_hash"] == rb[4]["state_hash"]
    # the tutorial scores its endings, so the reward is the score: beacon 5, storm-keeper 10
    assert ra[2] is True and ra[4]["ending"] in ("beacon", "storm-keeper") and ra[1] in (5.0, 10.0)


def test_invalid_actions_are_ignored_counted_and_explained(tutorial):
    env = AdventureEnv(tutorial, max_steps=3, invalid_penalty=0.5)
    obs, info = env.reset(seed=0)
    h = info["state_hash"]
    for bad, why in [(3, "not an option here"), ("jump", "no choice 'jump' here"), ("x" * 1000, "no choice")]:
        obs, reward, terminated, truncated, info = env.step(bad)
        assert why in info["invalid"] and info["state_hash"] == h and reward == -0.5 and info["moves"] == 0
        assert obs.startswith("! ") and obs in env.observation_space
    assert truncated and not terminated and info["steps"] == 3


def test_masked_action_is_invalid_and_raise_mode_raises(tutorial):
    env = AdventureEnv(tutorial, invalid_action="raise")
    env.reset(seed=0)
    env.step("up")
    env.step("up")
    with pytest.raises(ChoiceError, match="not available now"):
        env.step(2)  # "jump" is greyed out until turn 3
    assert env.steps == 2
    with pytest.raises(TypeError):
        env.step(1.5)
    with pytest.raises(TypeError):
        env.step(True)


def test_terminated_on_an_ending_truncated_at_the_step_limit_and_no_step_after(tutorial):
    env = AdventureEnv(tutorial, max_steps=2)
    env.reset(seed=0)
    assert env.step("up")[2:4] == (False, False)
    obs, reward, terminated, truncated, info = env.step("down")
    assert (terminated, truncated, reward, info["ending"]) == (False, True, 0.0, None)
    assert list(info["action_mask"]) == [0] * 6 and env.done
    with pytest.raises(EpisodeOver):
        env.step(0)
    env = AdventureEnv(tutorial, max_steps=3)
    env.reset(seed=0)
    for c in ("up", "up"):
        env.step(c)
    obs, reward, terminated, truncated, info = env.step("wait")  # the ending wins over the limit
    assert (terminated, truncated, info["ending"]) == (True, False, "dark")
    assert obs.startswith("*** Lights Out ***")
    with pytest.raises(EpisodeOver):
        env.step("wait")
    with pytest.raises(EpisodeOver):
        AdventureEnv(tutorial).step(0)  # before reset


@pytest.mark.parametrize("kwargs,rewards", [
    ({}, {"dark": 0.0, "beacon": 5.0}),  # the tutorial's ending scores (dark: 0, the default)
    ({"target": "beacon"}, {"dark": 0.0, "beacon": 1.0}),
    ({"target": ["beacon", "dark"]}, {"dark": 1.0, "beacon": 1.0}),
    ({"rewards": {"dark": -1, "storm-keeper": 5}}, {"dark": -1.0, "beacon": 0.0}),
    ({"step_penalty": 0.25}, {"dark": -0.25, "beacon": 4.75}),
])
def test_rewards_are_sparse_by_default_and_configurable(tutorial, kwargs, rewards):
    routes = {"dark": ["up", "up", "wait"], "beacon": ["up", "up", "light", "wait"]}
    for ending, route in routes.items():
        env = AdventureEnv(tutorial, **kwargs)
        env.reset(seed=0)
        got = [env.step(c)[1] for c in route]
        pen = kwargs.get("step_penalty", 0.0)
        assert got[:-1] == [-pen] * (len(route) - 1)
        assert got[-1] == rewards[ending]


@pytest.mark.parametrize("kwargs,msg", [
    ({"target": "nowhere"}, "no ending 'nowhere'"),
    ({"target": "becon"}, "did you mean 'beacon'"),
    ({"rewards": {"dark": float("nan")}}, "finite"),
    ({"rewards": ["dark"]}, "dict"),
    ({"target": "dark", "rewards": {"dark": 1}}, "not both"),
    ({"max_steps": 0}, "max_steps"),
    ({"invalid_action": "explode"}, "invalid_action"),
    ({"render_mode": "rgb_array"}, "render_mode"),
    ({"step_penalty": "1"}, "step_penalty"),
])
def test_bad_configuration_is_one_readable_error(tutorial, kwargs, msg):
    with pytest.raises(AdventureError, match=msg):
        AdventureEnv(tutorial, **kwargs)


def test_bad_reset_arguments_are_readable_errors(tutorial):
    env = AdventureEnv(tutorial)
    for seed in (-1, "3", 1.5, True):
        with pytest.raises(AdventureError, match="seed"):
            env.reset(seed=seed)
    with pytest.raises(AdventureError, match="unknown reset option"):
        env.reset(options={"difficulty": 3})


def test_seeds_make_episodes_deterministic_and_unseeded_resets_follow_a_chain(tutorial):
    def play(env, seed):
        obs, info = env.reset(seed=seed)
        out = [obs]
        for c in ("feed-gull", "up", "down"):
            out.append(env.step(c)[0])
        return out, info["seed"]

    a, b = AdventureEnv(tutorial), AdventureEnv(tutorial)
    assert play(a, 11) == play(b, 11)
    assert play(a, None) == play(b, None)  # the seed after 11, the same for both
    lucks = {AdventureEnv(tutorial).reset(seed=s)[1]["seed"] for s in range(5)}
    assert lucks == set(range(5))
    chained = [a.reset()[1]["seed"] for _ in range(5)]
    assert len(set(chained)) == 5


def test_dice_differ_between_seeds(tutorial):
    lucks = set()
    for s in range(20):
        env = AdventureEnv(tutorial)
        env.reset(seed=s)
        lucks.add(env.step("feed-gull")[4]["events"][-1]["new"])
    assert len(lucks) > 2


def test_get_state_set_state_resume_exactly(tutorial):
    env = AdventureEnv(tutorial, max_steps=10)
    env.reset(seed=8)
    env.step("up")
    env.step("down")
    saved = json.loads(json.dumps(env.get_state()))
    after = [env.step(c) for c in ("feed-gull", "up", "up", "light", "wait")]
    other = AdventureEnv(tutorial, max_steps=10)
    obs, info = other.set_state(saved)
    assert info["steps"] == 2 and info["room"] == "kitchen" and obs.startswith("The Kitchen")
    again = [other.step(c) for c in ("feed-gull", "up", "up", "light", "wait")]
    for x, y in zip(after, again):
        assert x[0] == y[0] and x[1:4] == y[1:4] and x[4]["state_hash"] == y[4]["state_hash"]
    # reset(options={"state": ...}) starts an episode there
    obs2, info2 = AdventureEnv(tutorial).reset(options={"state": saved})
    assert obs2 == obs and info2["state_hash"] == info["state_hash"]


def test_set_state_refuses_a_tampered_state_and_keeps_the_episode(tutorial):
    env = AdventureEnv(tutorial)
    env.reset(seed=0)
    env.step("up")
    doc = env.get_state()
    doc["state"]["values"][3] = 3  # more oil than the moves give
    doc["state_hash"] = "0123456789abcdef"
    with pytest.raises(SaveError):
        env.set_state(doc)
    assert env.game.log == ["up"] and env.steps == 1


@settings(max_examples=40, deadline=None)
@given(worlds(), st.integers(0, 2**32), st.lists(st.one_of(st.integers(0, 5), st.sampled_from(["ch0", "ch1", "zz"])),
                                                   max_size=30), st.integers(0, 30))
def test_random_worlds_random_actions_state_round_trip_and_observations_in_space(files, seed, actions, cut):
    with tempfile.TemporaryDirectory() as d:
        world = load_world(write(Path(d), files))
        env = AdventureEnv(world, max_steps=25)
        obs, info = env.reset(seed=seed)
        assert obs in env.observation_space
        trace, saved = [], None
        for n, a in enumerate(actions):
            if n == cut:
                saved = env.get_state()
                trace = []
            if env.done:
                break
            obs, reward, terminated, truncated, info = env.step(a)
            assert obs in env.observation_space and env.action_space.contains(len(info["choices"]) - 1 if info["choices"] else 0)
            assert len(info["action_mask"]) == env.action_space.n
            if info.get("stuck"):
                assert terminated and STUCK_TEXT in obs
            trace.append((obs, reward, terminated, truncated, info["state_hash"]))
        if saved is not None:
            env.set_state(json.loads(json.dumps(saved)))
            replayed = []
            for a in actions[cut:cut + len(trace)]:
                obs, reward, terminated, truncated, info = env.step(a)
                replayed.append((obs, reward, terminated, truncated, info["state_hash"]))
            assert replayed == trace


def test_a_dead_end_terminates_with_stuck(tmp_path):
    root = write_world(tmp_path / "w", """
[world]
id = "dead"
title = "Dead End"
start = "hall"

[state]
pressed = false

[[ending]]
id = "out"
title = "Out"
text = "Out."
""", {"hall": """
[hall]
title = "Hall"
text = "A button."

[[hall.choice]]
id = "press"
say = "Press the button"
if = "not pressed"
do = "pressed = true"
reply = "Click."

[[hall.choice]]
id = "leave"
say = "Leave"
if = "not pressed"
end = true
"""})
    env = AdventureEnv(root)
    env.reset(seed=0)
    obs, reward, terminated, truncated, info = env.step("press")
    assert terminated and not truncated and info["stuck"] and info["ending"] is None and reward == 0.0
    assert obs.endswith(STUCK_TEXT) and obs in env.observation_space


# ---------------------------------------------------------------- walkthroughs


def shortest(world, seed, ending, max_depth=20):
    """Breadth-first over the engine's own states, for the tutorial: visits only change text there,
    and `turn` is only compared with 3, so states equal but for those are merged."""
    from adventure.core.engine import available_choices, start, step

    def key(s):
        return (s.room, s.values, s.used, s.rng, min(s.turn, 3))

    frontier = [(start(world, seed).state, [])]
    seen = {key(frontier[0][0])}
    for _ in range(max_depth):
        nxt = []
        for s, route in frontier:
            for c in available_choices(world, s):
                s2 = step(world, s, c.id).state
                if s2.ending == ending:
                    return route + [c.id]
                if s2.ending is None and key(s2) not in seen:
                    seen.add(key(s2))
                    nxt.append((s2, route + [c.id]))
        frontier = nxt
    return None


def test_walkthroughs_are_shortest_and_reach_their_ending(tutorial):
    for seed in range(8):
        env = AdventureEnv(tutorial)
        env.reset(seed=seed)
        for e in ("storm-keeper", "beacon", "dark"):
            route = env.walkthrough(e)
            assert len(route) == len(shortest(tutorial, seed, e)), (seed, e, route)
            env.reset(seed=seed)
            for c in route:
                obs, reward, terminated, truncated, info = env.step(c)
            assert terminated and info["ending"] == e and reward == tutorial.ending(e).score
    env = AdventureEnv(tutorial, target="beacon")
    env.reset(seed=0)
    assert env.walkthrough() == ["up", "up", "light", "wait"]  # the nearest rewarded ending
    env = AdventureEnv(tutorial)
    env.reset(seed=0)
    assert env.walkthrough() == ["up", "up", "light", "wait"]  # dark scores 0: it does not reward
    env = AdventureEnv(tutorial, target=["beacon", "dark"])
    env.reset(seed=0)
    assert env.walkthrough() == ["up", "up", "wait"]  # the nearest ending that rewards
    with pytest.raises(AdventureError, match="no ending"):
        env.walkthrough("nowhere")


def test_walkthrough_says_when_an_ending_cannot_be_reached(tmp_path):
    root = write_world(tmp_path / "w", """
[world]
id = "locked"
title = "Locked"
start = "hall"

[state]
key = false

[[ending]]
id = "treasure"
title = "Treasure"
when = "key"
text = "Gold."

[[ending]]
id = "nothing"
title = "Nothing"
text = "Dust."
""", {"hall": """
[hall]
title = "Hall"
text = "A locked chest."

[[hall.choice]]
id = "open"
say = "Open the chest"
end = true
"""})
    env = AdventureEnv(root)
    env.reset(seed=0)
    assert env.walkthrough("nothing") == ["open"]
    with pytest.raises(NoRoute, match="complete: it cannot be reached"):
        env.walkthrough("treasure")


def test_walkthrough_from_here(tutorial):
    env = AdventureEnv(tutorial)
    env.reset(seed=0)
    for c in ("up", "up", "light", "down"):
        env.step(c)
    route = env.walkthrough("beacon", from_here=True)
    assert route == ["up", "wait"]
    for c in route:
        *_, info = env.step(c)
    assert info["ending"] == "beacon"
    with pytest.raises(NoRoute, match="game is over"):
        env.walkthrough(from_here=True)
    fresh = AdventureEnv(tutorial)
    fresh.reset(seed=0)
    with pytest.raises(NoRoute, match="within 1 states"):  # a search budget too small to find it
        fresh.walkthrough("beacon", max_states=1)
    assert fresh.walkthrough("beacon") == ["up", "up", "light", "wait"]


# ---------------------------------------------------------------- replays


def test_every_episode_is_written_as_a_replay_that_verifies(tutorial, tmp_path):
    env = AdventureEnv(tutorial, max_steps=60, replay_dir=tmp_path)
    endings = random_agent(env, 25, seed=3)
    files = sorted(tmp_path.glob("*.jsonl"))
    assert len(files) == 25
    verified = collections.Counter()
    for f in files:
        v = verify_replay(f, tutorial)
        assert v.ok, (f, v.message)
        verified[v.ending] += 1
    assert verified == endings


def test_truncated_and_practice_episodes_as_replays(tutorial, tmp_path):
    env = AdventureEnv(tutorial, max_steps=2, replay_dir=tmp_path)
    env.reset(seed=1)
    env.step("up")
    *_, info = env.step("down")
    v = verify_replay(Path(info["replay"]), tutorial)
    assert not v.ok and "no ending" in v.message  # the moves replay; the run just did not finish
    env = AdventureEnv(tutorial)
    env.reset(seed=2)
    env.step("up")
    saved = env.get_state()
    env.step("down")
    env.set_state(saved)
    for c in ("up", "wait"):
        env.step(c)
    path = env.write_replay(tmp_path / "practice.jsonl")
    v = verify_replay(path, tutorial)
    assert v.ok and v.practice and v.moves == 3 and v.ending == "dark"
    with pytest.raises(AdventureError, match="already exists"):
        env.write_replay(path)

"""A random agent: plays episodes of a world through the environment, picking among the actions the
mask allows, and counts the endings it reaches.

    python examples/random_agent.py [WORLD] [EPISODES]      # default: allhands, 1000
"""

import collections
import random
import sys

from adventure.env import AdventureEnv


def play(world="allhands", episodes=1000, seed=0, max_steps=200):
    env, rng, endings = AdventureEnv(world, max_steps=max_steps), random.Random(seed), collections.Counter()
    for episode in range(episodes):
        obs, info = env.reset(seed=seed + episode)
        terminated = truncated = False
        while not (terminated or truncated):
            action = rng.choice([i for i, ok in enumerate(info["action_mask"]) if ok])
            obs, reward, terminated, truncated, info = env.step(action)
        endings[info["ending"]] += 1  # None when truncated
    return endings


if __name__ == "__main__":
    world = sys.argv[1] if len(sys.argv) > 1 else "allhands"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    counts = play(world, n)
    for ending, count in counts.most_common():
        print(f"{count:6}  {ending}")
    ids = [e.id for e in AdventureEnv(world).world.endings]
    missing = [e for e in ids if e not in counts]
    print(f"{len(ids) - len(missing)} of {len(ids)} endings reached in {n} episodes"
          + (f"; not reached: {', '.join(missing)}" if missing else ""))

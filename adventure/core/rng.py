"""The game's own small PRNG. Its whole state is one 64-bit integer kept in State, so saves,
replays and the route solver are deterministic on every machine."""

from __future__ import annotations

MASK = (1 << 64) - 1


def seed_state(seed: int) -> int:
    """Spread any integer seed over 64 bits (splitmix64 finaliser); never returns 0."""
    z = (seed * 0x9E3779B97F4A7C15 + 0x632BE59BD9B4E019) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    z ^= z >> 31
    return z or 0x9E3779B97F4A7C15


def next_state(x: int) -> tuple[int, int]:
    """xorshift64*: returns (new state, 64-bit output)."""
    x ^= x >> 12
    x ^= (x << 25) & MASK
    x ^= x >> 27
    return x, (x * 0x2545F4914F6CDD1D) & MASK


def roll(x: int, lo: int, hi: int) -> tuple[int, int]:
    """A whole number in [lo, hi] (bounds in either order) and the new generator state."""
    if lo > hi:
        lo, hi = hi, lo
    x, out = next_state(x)
    return x, lo + out % (hi - lo + 1)


def pick(x: int, key: int, count: int, n: int) -> int:
    """One of n, from a generator state, a place and a count, without advancing the generator:
    a shuffled text's choice, the same whenever the same state is shown."""
    return seed_state((x ^ (key << 32) ^ count) & MASK) % n

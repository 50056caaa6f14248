"""Generate worlds shaped like authored ones, for the analysis benchmark (benchmarks/analysis.py).

    python benchmarks/gen_realistic.py 200 OUT_DIR [SEED]   # writes OUT_DIR/world.toml and OUT_DIR/rooms/

Deterministic (its own PRNG): the same size and seed always give the same files (the seed defaults
to the size). Unlike gen.py's world
(three flags, two small counters: a state space linear in the rooms), these have the state of a
real day: 20 to 40 flags, six bounded counters (a `time` clock in minutes that only rises, dread,
trust, coins, energy, a chapter counter), once-only choices that learn things and take items,
`visits.<room>` and `turn` in conditions, dice (`random(0, 2)`, `random(1, 6)`), and 20 to 2,000
rooms in areas: a hub per area, rooms on a walk through it, doors between areas gated by flags,
and endings decided by flags and counters in order. Their exact state spaces are astronomically
large (every flag doubles it, the clock multiplies it by hundreds). A few items are impossible on
purpose, as authors' mistakes are: a choice that needs `trust > 12` (its max is 10), a room only
behind it, and an ending whose `when` contradicts a bound.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

MASK = (1 << 64) - 1


class Rng:
    def __init__(self, seed: int):
        self.x = (seed * 0x9E3779B97F4A7C15 + 1) & MASK or 1

    def next(self) -> int:
        x = self.x
        x ^= x >> 12
        x ^= (x << 25) & MASK
        x ^= x >> 27
        self.x = x
        return (x * 0x2545F4914F6CDD1D) & MASK

    def below(self, n: int) -> int:
        return self.next() % n

    def pick(self, xs):
        return xs[self.below(len(xs))]


def q(s: str) -> str:
    return json.dumps(s)


COUNTERS = {"time": (0, 0, 1440), "dread": (0, 0, 20), "trust": (3, -5, 10), "coins": (2, 0, 9),
            "energy": (5, 0, 5), "chapter": (0, 0, 6)}


def world(n: int, seed: int | None = None) -> dict:
    """{relative path: TOML text} for a world of n rooms; `seed` another world of the same size
    (default: the size itself, as before seeds existed)."""
    rng = Rng(n if seed is None else seed)
    n_flags = min(40, 20 + n // 100)
    flags = [f"f{i}" for i in range(n_flags)]
    area_size = max(5, min(25, n // 8))
    areas = [list(range(a, min(n, a + area_size))) for a in range(0, n, area_size)]
    area_of = {r: k for k, rs in enumerate(areas) for r in rs}
    # the flag that opens each area's door: learned (once) in a room of the area before it
    key_of = {k: flags[(areas[k - 1][-1] * 7 + 3) % n_flags] for k in range(1, len(areas))}
    w = ["[world]", 'id = "realistic"', f'title = "A Realistic Day ({n} rooms)"', 'start = "r0"', "", "[state]"]
    for f in flags:
        w.append(f"{f} = false")
    for c, (d, lo, hi) in COUNTERS.items():
        w.append(f"{c} = {{ default = {d}, min = {lo}, max = {hi} }}")
    endings = [
        ("dawn", f"{flags[1]} and {flags[2]} and trust >= 6"),
        ("burnout", "dread >= 12 and energy <= 1"),
        ("rich", f"coins >= 8 and {flags[3]}"),
        ("late", "time >= 600"),
        ("impossible", "trust > 10"),  # contradicts trust's max: an author's mistake
        ("plain", None),
    ]
    for eid, when in endings:
        w += ["", "[[ending]]", f'id = "{eid}"', f'title = "{eid.title()}"', f"text = {q('It ends: ' + eid + '.')}"]
        if when:
            w.append(f"when = {q(when)}")
    files = {"world.toml": "\n".join(w) + "\n"}
    rooms_out: dict[int, list[str]] = {}
    for r in range(n):
        k = area_of[r]
        rs = areas[k]
        i = rs.index(r)
        hub = rs[0]
        lines = [f"[r{r}]", f'title = "Room {r}"', f"text = {q(f'Room {r}. The clock says {{time}}.')}"]
        if rng.below(2):
            lines += [f"[[r{r}.text_if]]", f"if = {q(f'visits.r{r} > 1')}", 'text = "You have been here before."']
        if rng.below(3) == 0:
            f = rng.pick(flags)
            lines += [f"[[r{r}.text_if]]", f"if = {q(f + ' and dread >= 3')}", 'text = "It feels worse now."']
        choices = []
        nxt = rs[(i + 1) % len(rs)]
        choices.append(("walk", "Walk on", None, False, ["time += 5"], f"r{nxt}", None))
        if r != hub:
            choices.append(("hub", "Back to the hub", None, False, ["time += 2"], f"r{hub}", None))
        # learn something, once
        f = flags[(r * 7 + 3) % n_flags]
        g = flags[(r * 11 + 5) % n_flags]
        choices.append(("learn", "Look closely", f"not {f}", True, [f"{f} = true", "dread += 1", "time += 10"], None, None))
        if rng.below(2):
            choices.append(("trade", "Trade", f"coins >= 2 and {g}", True,
                            ["coins -= 2", "trust += 2", "time += 15"], None, None))
        if rng.below(3) == 0:
            choices.append(("gamble", "Roll the dice", "energy > 0", False,
                            ["coins += random(0, 2)", "energy -= 1", "time += 5"], None, None))
        if rng.below(4) == 0:
            choices.append(("rest", "Rest", f"visits.r{r} > 1 and energy < 5", True,
                            ["energy += 2", "time += 30"], None, None))
        # a door to the next area, behind its key
        if i == len(rs) - 1 and k + 1 < len(areas):
            choices.append(("door", "Through the door", f"{key_of[k + 1]} or turn >= 40", False,
                            ["chapter += 1", "time += 5"], f"r{areas[k + 1][0]}", None))
        if i == 1 and k > 0:
            choices.append(("return", "Go back through", None, False, ["time += 5"], f"r{areas[k - 1][0]}", None))
        if rng.below(5) == 0:
            other = rng.below(n)
            if area_of[other] <= k:
                choices.append(("shortcut", "A shortcut", f"{g} and dread < 8", False, ["time += 3"], f"r{other}", None))
        if rng.below(6) == 0:
            choices.append(("argue", "Argue", "trust > 0", True, ["trust -= 3", "dread += 2"], None, None))
        if rng.below(10) == 0 or r == n - 1:
            choices.append(("finish", "Call it a day", "time >= 60", False, [], None, True))
        if r == 2 % n:
            choices.append(("secret", "Open the sealed door", "trust > 12", False, [], f"r{n}", None))
        rooms_out[r] = _choices(lines, r, choices)
    # the room only behind the impossible choice
    rooms_out[n] = _choices([f"[r{n}]", 'title = "Sealed"', 'text = "Nobody gets here."'], n,
                            [("leave", "Leave", None, False, [], "r0", None)])
    per_file = 100
    for a in range(0, n + 1, per_file):
        files[f"rooms/part{a // per_file:03d}.toml"] = "\n".join(
            "\n".join(rooms_out[r]) for r in range(a, min(n + 1, a + per_file))) + "\n"
    return files


def _choices(lines: list[str], r: int, choices: list) -> list[str]:
    for cid, say, cond, once, effects, go, end in choices:
        lines += ["", f"[[r{r}.choice]]", f'id = "{cid}"', f"say = {q(say)}"]
        if cond:
            lines.append(f"if = {q(cond)}")
        if once:
            lines.append("once = true")
        if effects:
            lines.append("do = [" + ", ".join(q(e) for e in effects) + "]")
        if go:
            lines.append(f'go = "{go}"')
        if end:
            lines.append("end = true")
    lines.append("")
    return lines


def generate(n: int, out: Path, seed: int | None = None) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    (out / "rooms").mkdir(exist_ok=True)
    for p in (out / "rooms").glob("*.toml"):
        p.unlink()
    for rel, text in world(n, seed).items():
        (out / rel).write_text(text, encoding="utf-8")
    return out


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print(__doc__.split("\n\n")[1].strip(), file=sys.stderr)
        return 2
    generate(int(argv[0]), Path(argv[1]), int(argv[2]) if len(argv) == 3 else None)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

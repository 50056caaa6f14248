"""Generate the benchmark world: the same synthetic story as an adventure world folder and as Ink.

    python benchmarks/gen.py 1000 OUT_DIR          # writes OUT_DIR/world/, OUT_DIR/world2/ and OUT_DIR/story.ink

The generator is deterministic: the same size always gives byte-identical files (its own PRNG,
no `random` module, no clock, no dict-order surprises). Both outputs describe the same story:

- rooms r0 .. r{N-1}, each with a title, a paragraph of prose (some with `{coins}` in it) and, in
  about half the rooms, a conditional paragraph;
- exactly three sticky choices a room: the first is always available and walks on to the next
  room (so every room is reachable and no room is a dead end); the second and third have
  conditions on flags and counters and effects on them, and lead to pseudo-random rooms; in about
  one room in eight the third choice ends the game, either through the ending rules (`end = true`)
  or by naming an ending;
- state: three flags (lamp, keyring, badge) and two bounded counters (coins 0..7, heat 0..3), so
  at most 8 * 8 * 4 = 256 value combinations per room, and a state space that grows linearly with
  the number of rooms (millions of states at 10,000 rooms);
- four endings, picked by rules evaluated in order, the last one catching everything.

The Ink version uses the same names: `VAR` for each flag and counter, one knot per room, `+`
(sticky) choices with the same conditions, `~` lines for effects (bounded counters are clamped with
MIN/MAX exactly as the engine clamps them), and a `finale` knot that picks the ending with the same
rules in the same order. Conditions use no visits, turns or randomness, so the two stories have the
same reachable states (room plus values) and the same choices available in each: benchmarks/run.py
checks this by playing both with the same choice sequence.
"""

from __future__ import annotations

import sys
from pathlib import Path

MASK = (1 << 64) - 1
ROOMS_PER_FILE = 250

FLAGS = ("lamp", "keyring", "badge")
COUNTERS = {"coins": (0, 7), "heat": (0, 3)}

ADJ = ("brass", "quiet", "flooded", "narrow", "painted", "hollow", "crooked", "amber", "dusty",
       "salt", "copper", "velvet", "lower", "upper", "sunken", "glass", "iron", "paper", "green",
       "cold")
NOUN = ("hall", "stair", "gallery", "vault", "landing", "archive", "cellar", "chapel", "workshop",
        "pantry", "corridor", "attic", "cloister", "kitchen", "library", "yard", "tower", "well",
        "study", "loft")
WORDS = ("the", "light", "falls", "across", "a", "floor", "of", "old", "boards", "and", "somewhere",
         "water", "drips", "into", "bucket", "that", "nobody", "empties", "dust", "hangs", "in",
         "air", "like", "it", "is", "waiting", "for", "permission", "to", "settle", "door", "creaks",
         "when", "you", "look", "at", "wall", "has", "been", "painted", "twice", "both", "times",
         "badly", "draught", "smells", "rain", "candle", "stubs", "line", "shelf", "clock", "stopped",
         "quarter", "past", "something")

ENDINGS = (
    # id, title, when (None for the last), text
    ("rich", "The Counting House", "coins >= 6 and badge",
     "You leave with your pockets heavy and your badge polished. Nobody asks where the coins came from."),
    ("burned", "Too Close to the Fire", "heat >= 3",
     "The heat finds you before the exit does. You remember the smell of copper and very little else."),
    ("lit", "Lamplighter", "lamp and keyring",
     "Lamp in one hand, keys in the other, you let yourself out by the front door like the owner."),
    ("plain", "Another Tuesday", None,
     "You find a door, and then a street, and then the rest of an ordinary day."),
)


class Rng:
    """splitmix64: tiny, portable, and the same on every machine."""

    def __init__(self, seed: int):
        self.x = seed & MASK

    def next(self) -> int:
        self.x = (self.x + 0x9E3779B97F4A7C15) & MASK
        z = self.x
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def below(self, n: int) -> int:
        return self.next() % n

    def pick(self, seq):
        return seq[self.below(len(seq))]


# ---------------------------------------------------------------- the story, language-neutral
#
# A room is a dict: id, title, text, text_if (cond, text) or None, choices: list of dicts with
# id, say, cond (str or None), effects (list of (name, op, int|bool)), reply (str or None),
# go (room id) or end (True or an ending id).


def _prose(rng: Rng, n_words: int) -> str:
    words = [rng.pick(WORDS) for _ in range(n_words)]
    out, sentence = [], []
    for i, w in enumerate(words):
        sentence.append(w)
        if len(sentence) >= 6 and (rng.below(4) == 0 or i == len(words) - 1):
            s = " ".join(sentence)
            out.append(s[0].upper() + s[1:] + ".")
            sentence = []
    if sentence:
        s = " ".join(sentence)
        out.append(s[0].upper() + s[1:] + ".")
    return " ".join(out)


_CONDS = (
    "not lamp", "lamp", "keyring", "not keyring", "coins >= 2", "coins < 5", "heat < 3",
    "lamp and coins >= 1", "keyring or badge", "not badge and heat <= 1", "coins >= 3 and not keyring",
    "heat >= 1 or lamp", "badge",
)
_EFFECTS = (
    [("lamp", "=", True)],
    [("keyring", "=", True)],
    [("badge", "=", True), ("coins", "-=", 2)],
    [("coins", "+=", 1)],
    [("coins", "+=", 2), ("heat", "+=", 1)],
    [("heat", "+=", 1)],
    [("heat", "-=", 1), ("coins", "-=", 1)],
    [("lamp", "=", False), ("coins", "+=", 3)],
    [("keyring", "=", False), ("heat", "-=", 2)],
    [("badge", "=", False)],
)
_TEXT_IF = (
    ("lamp", "Your lamp throws long shadows up the walls."),
    ("heat >= 2", "The air is hot enough to make your eyes water."),
    ("keyring and not badge", "Your keys rattle at every step."),
    ("coins >= 5", "Your pockets clink when you move; you now carry {coins} coins."),
)


def story(n: int) -> dict:
    """The synthetic story with n rooms, as plain data. Deterministic in n."""
    rng = Rng(0xAD7E + n)
    titles = [f"The {rng.pick(ADJ).capitalize()} {rng.pick(NOUN).capitalize()}" for _ in range(n)]
    rooms = []
    for i in range(n):
        text = _prose(rng, 24 + rng.below(24))
        if rng.below(4) == 0:
            text += " You count your coins again: {coins}."
        text_if = rng.pick(_TEXT_IF) if rng.below(2) == 0 else None
        nxt = (i + 1) % n
        c1 = {"id": "on", "say": f"Walk on to {titles[nxt].lower()}",
              "cond": None, "effects": [("coins", "+=", 1)] if rng.below(3) == 0 else [],
              "reply": None, "go": f"r{nxt}", "end": None}
        c2 = {"id": "try", "say": rng.pick(("Search the shelves", "Try the side door", "Climb the ladder",
                                            "Open the cupboard", "Follow the draught")),
              "cond": rng.pick(_CONDS), "effects": list(rng.pick(_EFFECTS)),
              "reply": rng.pick((None, "You now carry {coins} coins.", "Something shifts behind you.")),
              "go": f"r{rng.below(n)}", "end": None}
        if rng.below(8) == 0:
            kind = rng.below(3)
            if kind == 0:
                c3 = {"id": "leave", "say": "Leave for good", "cond": rng.pick(("coins >= 2", "lamp", None)),
                      "effects": [], "reply": None, "go": None, "end": True}
            elif kind == 1:
                c3 = {"id": "leave", "say": "Step into the fire", "cond": "heat >= 2",
                      "effects": [("heat", "+=", 1)], "reply": "It is hotter than it looked.",
                      "go": None, "end": "burned"}
            else:
                c3 = {"id": "leave", "say": "Slip out quietly", "cond": "keyring",
                      "effects": [], "reply": None, "go": None, "end": True}
        else:
            c3 = {"id": "back", "say": f"Take the passage marked {rng.below(900) + 100}",
                  "cond": rng.pick(_CONDS), "effects": list(rng.pick(_EFFECTS)),
                  "reply": None, "go": f"r{rng.below(n)}", "end": None}
        if rng.below(5) == 0:
            c2["say"] += " (you have {coins} coins)"
        rooms.append({"id": f"r{i}", "title": titles[i], "text": text, "text_if": text_if,
                      "choices": [c1, c2, c3]})
    return {
        "n": n,
        "title": f"Benchmark Manor ({n:,} rooms)",
        "intro": "A generated house for measuring engines. Every room has three ways on.",
        "rooms": rooms,
    }


# ---------------------------------------------------------------- TOML


def _q(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _effect_src(name: str, op: str, v) -> str:
    if isinstance(v, bool):
        return f"{name} = {'true' if v else 'false'}"
    return f"{name} {op} {v}"


# The second language on the same house (world2/): an enum, a rule, a block every room uses,
# conditional steps, `enter`, `why`, and inline variation in every room's text. Measured against
# world/ in the same run (benchmarks/run.py), not against Ink.
LANG2_HEAD = """
weather = { one_of = ["dry", "wet", "stormy"] }

[block.rest]
[[block.rest.choice]]
id = "rest"
say = "{sequence: Rest a moment|Rest again}"
do = [{ if = "coins > 0", do = ["coins -= 1"], else = ["heat += 1"] }]
reply = "{cycle: You rest.|You rest a little longer.|You sit until your legs stop aching.}"

[[rule]]
id = "cool"
when = "heat >= 3"
text = "{cycle: The air cools.|A draught cools the room.}"
do = ["heat = 0", { if = "weather == stormy", do = ["weather = dry"], else = ["weather = stormy"] }]
"""


def write_toml(st: dict, out: Path, lang2: bool = False) -> None:
    n = st["n"]
    (out / "rooms").mkdir(parents=True, exist_ok=True)
    lines = [
        "# Generated by benchmarks/gen.py: do not edit.",
        "[world]",
        f'id = "bench{n}"',
        f"title = {_q(st['title'])}",
        'author = "benchmarks/gen.py"',
        'start = "r0"',
        f"intro = {_q(st['intro'])}",
        "",
        "[state]",
    ]
    lines += [f"{f} = false" for f in FLAGS]
    lines += [f"{c} = {{ default = 0, min = {lo}, max = {hi} }}" for c, (lo, hi) in COUNTERS.items()]
    if lang2:
        lines += LANG2_HEAD.strip("\n").splitlines()
    for eid, title, when, text in ENDINGS:
        lines += ["", "[[ending]]", f'id = "{eid}"', f"title = {_q(title)}"]
        if when:
            lines.append(f"when = {_q(when)}")
        lines.append(f"text = {_q(text)}")
    (out / "world.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")

    n_files = max(4, -(-n // ROOMS_PER_FILE))
    per = -(-n // n_files)
    for k in range(n_files):
        chunk = st["rooms"][k * per:(k + 1) * per]
        if not chunk:
            continue
        buf = [f"# Generated by benchmarks/gen.py: rooms {k * per} to {k * per + len(chunk) - 1}."]
        for r in chunk:
            rid = r["id"]
            text = r["text"]
            if lang2:
                text += " {if weather == wet: The floor is wet.|{sequence: |It looks familiar.}} {if weather == stormy: Thunder.}"
            buf += ["", f"[{rid}]", f"title = {_q(r['title'])}", f"text = {_q(text)}"]
            if lang2:
                buf.append('use = ["rest"]')
                if int(rid[1:]) % 4 == 0:
                    buf.append('enter = [{ if = "weather == dry", do = ["weather = wet"] }]')
            if r["text_if"]:
                cond, text = r["text_if"]
                buf += [f"[[{rid}.text_if]]", f"if = {_q(cond)}", f"text = {_q(text)}"]
            for c in r["choices"]:
                buf += [f"[[{rid}.choice]]", f'id = "{c["id"]}"', f"say = {_q(c['say'])}"]
                if c["cond"]:
                    buf.append(f"if = {_q(c['cond'])}")
                    if lang2:
                        buf.append(f"why = {_q('You need ' + c['cond'] + '.')}")
                if c["effects"]:
                    buf.append("do = [" + ", ".join(_q(_effect_src(*e)) for e in c["effects"]) + "]")
                if c["reply"]:
                    buf.append(f"reply = {_q(c['reply'])}")
                if c["go"]:
                    buf.append(f'go = "{c["go"]}"')
                elif c["end"] is True:
                    buf.append("end = true")
                else:
                    buf.append(f'end = "{c["end"]}"')
        (out / "rooms" / f"part{k:03d}.toml").write_text("\n".join(buf) + "\n", encoding="utf-8")


# ---------------------------------------------------------------- Ink


def _ink_effect(name: str, op: str, v) -> str:
    if isinstance(v, bool):
        return f"~ {name} = {'true' if v else 'false'}"
    lo, hi = COUNTERS[name]
    if op == "+=":
        return f"~ {name} = MIN({name} + {v}, {hi})"
    if op == "-=":
        return f"~ {name} = MAX({name} - {v}, {lo})"
    return f"~ {name} = {v}"


def write_ink(st: dict, path: Path) -> None:
    lines = ["// Generated by benchmarks/gen.py: do not edit."]
    lines += [f"VAR {f} = false" for f in FLAGS]
    lines += [f"VAR {c} = 0" for c in COUNTERS]
    lines += ["", st["title"], st["intro"], "-> r0", ""]
    for r in st["rooms"]:
        lines += [f"=== {r['id']} ===", r["title"], r["text"]]
        if r["text_if"]:
            cond, text = r["text_if"]
            lines.append(f"{{{cond}: {text}}}")
        for c in r["choices"]:
            cond = f"{{{c['cond']}}} " if c["cond"] else ""
            lines.append(f"+ {cond}[{c['say']}]")
            lines += ["    " + _ink_effect(*e) for e in c["effects"]]
            if c["reply"]:
                lines.append("    " + c["reply"])
            if c["go"]:
                lines.append(f"    -> {c['go']}")
            elif c["end"] is True:
                lines.append("    -> finale")
            else:
                lines.append(f"    -> ending_{c['end']}")
        lines.append("")
    lines += ["=== finale ===", "{"]
    for eid, _title, when, _text in ENDINGS:
        lines.append(f"- {when}: -> ending_{eid}" if when else f"- else: -> ending_{eid}")
    lines += ["}", ""]
    for eid, title, _when, text in ENDINGS:
        # a line starting with '*' would be a choice in Ink: escape it
        lines += [f"=== ending_{eid} ===", f"\\*** {title} ***", text, "-> END", ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def generate(n: int, out: Path) -> None:
    """Write out/world/ (TOML) and out/story.ink for the n-room story."""
    st = story(n)
    write_toml(st, out / "world")
    write_toml(st, out / "world2", lang2=True)
    write_ink(st, out / "story.ink")


def main(argv: list[str]) -> int:
    if len(argv) != 2 or not argv[0].isdigit():
        print(__doc__.split("\n\n")[1].strip(), file=sys.stderr)
        return 2
    generate(int(argv[0]), Path(argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

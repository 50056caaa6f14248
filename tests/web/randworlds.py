"""Random worlds in the second language (issue #16), for the web runtime's conformance suite.

    python tests/web/randworlds.py OUT_DIR [--worlds N] [--seed S]

tests/strategies.py draws plain worlds for Hypothesis; these are drawn from a plain
random.Random(seed), so the same seed writes the same worlds, and they use every construct
together: enums (compared, assigned from each other, shown), persistent values, nested
conditional steps with dice, `enter`, blocks, `next`, call/back, `why`, rules that go and end
(by name and by `end = true`), once-only rules, by-name endings, and text whose variations nest
and leave spaces for the tidy to take. A world the loader rejects is drawn again.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

KINDS = ("sequence", "cycle", "once", "shuffle")
WORDS = ("ash", "bell", "rain", "Salt.", "a door", "the well", "\u00e9t\u00e9", "x\u00a0y", "\ufeff")


def q(s: str) -> str:
    """A TOML basic string."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


class Draw:
    def __init__(self, rnd: random.Random, rooms: list[str]):
        self.r = rnd
        self.rooms = rooms

    def cond(self, depth: int = 0) -> str:
        r = self.r
        k = r.randrange(9 if depth < 2 else 7)
        if k == 0:
            return r.choice(["f0", "f1", "not f0", "not f1"])
        if k == 1:
            return f"c{r.randrange(2)} {r.choice(['<', '<=', '>', '>=', '==', '!='])} {r.randint(-1, 6)}"
        if k == 2:
            return f"mood {r.choice(['==', '!='])} {r.choice(['calm', 'tense', 'wild'])}"
        if k == 3:
            return f"mood {r.choice(['==', '!='])} echo"
        if k == 4:
            return f"turn % {r.randint(2, 4)} == {r.randrange(2)}"
        if k == 5:
            return f"visits.{r.choice(self.rooms)} > {r.randrange(3)}"
        if k == 6:
            return f"c0 + c1 * 2 > {r.randint(0, 9)}"
        return f"({self.cond(depth + 1)}) {r.choice(['and', 'or'])} ({self.cond(depth + 1)})"

    def effect(self) -> str:
        r = self.r
        return r.choice([
            "f0 = true", "f0 = not f0", "f1 = c0 > 2", "c0 += 1", "c0 -= 1", f"c1 += {r.randint(1, 3)}",
            "c1 = random(0, 5)", "c0 = random(6, -2)", "mood = wild", "mood = calm", "mood = tense", "echo = mood",
            "mood = echo", "big += 2",
        ])

    def steps(self, n: int, depth: int = 0) -> str:
        out = []
        for _ in range(n):
            if depth < 3 and self.r.random() < 0.3:
                br = f'{{ if = {q(self.cond())}, do = [{self.steps(self.r.randint(0, 2), depth + 1)}]'
                if self.r.random() < 0.6:
                    br += f", else = [{self.steps(self.r.randint(1, 2), depth + 1)}]"
                out.append(br + " }")
            else:
                out.append(q(self.effect()))
        return ", ".join(out)

    def text(self, depth: int = 0, pieces: int | None = None) -> str:
        r = self.r
        out = []
        for _ in range(r.randint(1, 4) if pieces is None else pieces):
            k = r.randrange(12 if depth < 3 else 6)
            if k < 2:
                out.append(r.choice(WORDS))
            elif k == 2:
                out.append(r.choice([" ", "  ", "\n", " \n", "\t"]))
            elif k == 3:
                # literal braces only outside braces: inside, a '}' always closes
                out.append(r.choice(["{c0}", "{c1}", "{f1}", "{mood}", "{echo}", "{turn}", "{big}"]
                                    + (["{{lit}}"] if depth == 0 else [])))
            elif k == 4:
                out.append(f"{{visits.{r.choice(self.rooms)}}}")
            elif k == 5:
                out.append(r.choice(WORDS) + " ")
            elif k < 8:
                alts = [self.alt(depth) for _ in range(r.randint(1, 2))]
                out.append(f"{{if {self.cond(1)}: {'|'.join(alts)}}}")
            else:
                kind = r.choice(KINDS)
                n = r.randint(1 if kind == "once" else 2, 4)
                out.append(f"{{{kind}: {'|'.join(self.alt(depth) for _ in range(n))}}}")
        return "".join(out)

    def alt(self, depth: int) -> str:
        """An alternative: often empty or spaced, sometimes nested."""
        r = self.r.random()
        if r < 0.15:
            return ""
        if r < 0.25:
            return "  "
        return self.text(depth + 1, self.r.randint(1, 2))


def world(rnd: random.Random) -> dict[str, str]:
    """The files of one world: {relative path: text}."""
    n = rnd.randint(3, 6)
    rooms = [f"r{i}" for i in range(n)]
    d = Draw(rnd, rooms)
    endings = ["e_by", "e_when", "e_last"]
    toml = [f'[world]\nid = "rand2"\ntitle = "Random"\nstart = "r0"\nunavailable = {q(rnd.choice(["hide", "grey"]))}',
            f"intro = {q(d.text())}", "", "[state]",
            f"f0 = {{ default = false, persist = {str(rnd.random() < 0.5).lower()} }}", "f1 = true",
            "c0 = { default = 0, min = -2, max = 6, persist = true }", "c1 = { default = 1, min = 0, max = 9, clamp = true }",
            "big = { default = 9007199254740985, persist = true }",
            f'mood = {{ one_of = ["calm", "tense", "wild"], persist = {str(rnd.random() < 0.5).lower()} }}',
            'echo = { one_of = ["calm", "tense", "wild"], default = "tense" }', ""]

    def dest() -> str:
        k = rnd.randrange(10)
        if k < 4:
            return f"go = {q(rnd.choice(rooms))}"
        if k == 4:
            return rnd.choice(["end = true", f"end = {q(rnd.choice(endings))}"])
        if k == 5:
            entries = [f'{{ if = {q(d.cond())}, {rnd.choice(["end = true", "end = " + q(rnd.choice(endings)), "go = " + q(rnd.choice(rooms))])} }}'
                       for _ in range(rnd.randint(0, 2))]
            return f'next = [{", ".join(entries + ["{ go = " + q(rnd.choice(rooms)) + " }"])}]'
        if k == 6:
            return f"call = {q(rnd.choice(rooms))}"
        if k == 7:
            return "back = true"
        return ""

    def choice(table: str, cid: str) -> list[str]:
        out = [f"[[{table}]]", f"id = {q(cid)}", f"say = {q(d.text())}"]
        if rnd.random() < 0.4:
            out.append(f"if = {q(d.cond())}")
            if rnd.random() < 0.5:
                out.append(f"why = {q(d.text())}")
        if rnd.random() < 0.15:
            out.append("once = true")
        if rnd.random() < 0.7:
            out.append(f"do = [{d.steps(rnd.randint(1, 3))}]")
        if rnd.random() < 0.5:
            out.append(f"reply = {q(d.text())}")
        out.append(dest())
        return out + [""]

    toml += ["[block.common]"] + choice("block.common.choice", "b_back") + choice("block.common.choice", "b_go")
    for i in range(rnd.randint(0, 4)):
        rule = ["[[rule]]", f'id = "u{i}"', f"when = {q(d.cond())}"]
        if rnd.random() < 0.7:
            rule.append(f"do = [{d.steps(rnd.randint(1, 2))}]")
        if rnd.random() < 0.7:
            rule.append(f"text = {q(d.text())}")
        k = rnd.randrange(5)
        if k == 0:
            rule.append(rnd.choice(["end = true", f"end = {q(rnd.choice(endings))}"]))
        elif k == 1:
            rule.append(f"go = {q(rnd.choice(rooms))}")
        if rnd.random() < 0.5:
            rule.append("once = true")
        toml += rule + [""]
    toml += ["[[ending]]", 'id = "e_by"', 'title = "By name"', f"text = {q(d.text())}", "by_name = true", "",
             "[[ending]]", 'id = "e_when"', 'title = "When"', f"when = {q(d.cond())}", f"text = {q(d.text())}", "",
             "[[ending]]", 'id = "e_last"', 'title = "Last"', f"text = {q(d.text())}", ""]
    body = []
    for rid in rooms:
        body += [f"[{rid}]", f'title = "Room {rid}"', f"text = {q(d.text())}"]
        if rnd.random() < 0.5:
            body.append(f"enter = [{d.steps(rnd.randint(1, 2))}]")
        if rnd.random() < 0.6:
            body.append('use = ["common"]')
        if rnd.random() < 0.3:
            body += [f"[[{rid}.text_if]]", f"if = {q(d.cond())}", f"text = {q(d.text())}"]
        body.append("")
        for j in range(rnd.randint(1, 4)):
            body += choice(f"{rid}.choice", f"c{j}")
    return {"world.toml": "\n".join(toml), "rooms/rooms.toml": "\n".join(body)}


def write_worlds(out: Path, count: int, seed: int = 0) -> list[Path]:
    """`count` loadable worlds under `out` (out/w0, out/w1, ...); their folders."""
    import adventure
    from adventure.core.errors import WorldError

    rnd = random.Random(seed)
    made = []
    tries = 0
    while len(made) < count:
        tries += 1
        if tries > count * 50:
            raise RuntimeError("the generator keeps drawing worlds the loader rejects")
        root = out / f"w{len(made)}"
        for rel, text in world(rnd).items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text, "utf-8")
        try:
            adventure.load_world(root)
        except WorldError:
            continue
        made.append(root)
    return made


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--worlds", type=int, default=10)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args(argv)
    for p in write_worlds(Path(a.out), a.worlds, a.seed):
        print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main())

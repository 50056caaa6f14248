"""Hypothesis strategies for random valid worlds, written out as TOML folders."""

import json

from hypothesis import strategies as st


def q(s: str) -> str:
    return json.dumps(s)


@st.composite
def cond(draw, flags, counters, rooms, depth=0):
    opts = []
    if flags:
        opts.append(lambda: draw(st.sampled_from(flags)))
        opts.append(lambda: "not " + draw(st.sampled_from(flags)))
    if counters:
        opts.append(lambda: f"{draw(st.sampled_from(counters))} {draw(st.sampled_from(['<', '<=', '>', '>=', '==', '!=']))} {draw(st.integers(-3, 5))}")
    opts.append(lambda: f"visits.{draw(st.sampled_from(rooms))} > {draw(st.integers(0, 2))}")
    opts.append(lambda: f"turn >= {draw(st.integers(0, 6))}")
    if depth < 2:
        opts.append(lambda: f"({draw(cond(flags, counters, rooms, depth + 1))}) {draw(st.sampled_from(['and', 'or']))} ({draw(cond(flags, counters, rooms, depth + 1))})")
    return draw(st.sampled_from(opts))()


@st.composite
def effect(draw, flags, counters):
    opts = []
    if flags:
        opts.append(lambda: f"{draw(st.sampled_from(flags))} = {draw(st.sampled_from(['true', 'false']))}")
    if counters:
        c = lambda: draw(st.sampled_from(counters))
        opts.append(lambda: f"{c()} += {draw(st.integers(1, 3))}")
        opts.append(lambda: f"{c()} -= {draw(st.integers(1, 3))}")
        opts.append(lambda: f"{c()} = random(0, {draw(st.integers(0, 4))})")
        opts.append(lambda: f"{c()} = {c()} * 2 - 1")
    return draw(st.sampled_from(opts))() if opts else None


@st.composite
def worlds(draw):
    """A dict {relative path: TOML text} for a random valid world."""
    n_rooms = draw(st.integers(1, 5))
    rooms = [f"r{i}" for i in range(n_rooms)]
    flags = [f"f{i}" for i in range(draw(st.integers(0, 3)))]
    counters = [f"c{i}" for i in range(draw(st.integers(0, 3)))]
    n_end = draw(st.integers(1, 3))
    w = ["[world]", 'id = "rand"', 'title = "Random"', f'start = "{rooms[0]}"',
         f'unavailable = "{draw(st.sampled_from(["hide", "grey"]))}"', "", "[state]"]
    for f in flags:
        w.append(f"{f} = {draw(st.sampled_from(['true', 'false']))}")
    for c in counters:
        if draw(st.booleans()):
            w.append(f"{c} = {{ default = 1, min = 0, max = {draw(st.integers(1, 4))} }}")
        else:
            w.append(f"{c} = {draw(st.integers(-2, 2))}")
    for i in range(n_end):
        w += ["", "[[ending]]", f'id = "e{i}"', f'title = "Ending {i}"', f"text = {q('The end, with c0 at {c0}.' if counters else 'The end.')}"]
        if i < n_end - 1:
            w.append(f"when = {q(draw(cond(flags, counters, rooms)))}")
    files = {"world.toml": "\n".join(w) + "\n"}
    ends = [f"e{i}" for i in range(n_end)]
    for r in rooms:
        lines = [f"[{r}]", f'title = "Room {r}"', f"text = {q('You are in ' + r + '.')}"]
        for k in range(draw(st.integers(0, 2))):
            lines += [f"[[{r}.text_if]]", f"if = {q(draw(cond(flags, counters, rooms)))}", f'text = "Extra {k}."']
        for k in range(draw(st.integers(1, 4))):
            lines += [f"[[{r}.choice]]", f'id = "ch{k}"', f'say = "Option {k}"']
            if k > 0 and draw(st.booleans()):
                lines.append(f"if = {q(draw(cond(flags, counters, rooms)))}")
            if draw(st.booleans()):
                lines.append("once = true")
            effs = [e for e in (draw(effect(flags, counters)) for _ in range(draw(st.integers(0, 2)))) if e]
            if effs:
                lines.append("do = [" + ", ".join(q(e) for e in effs) + "]")
            if draw(st.booleans()):
                lines.append(f'reply = "Reply {k}."')
            target = draw(st.sampled_from(["go", "go", "end", "stay"]))
            if target == "go":
                lines.append(f'go = "{draw(st.sampled_from(rooms))}"')
            elif target == "end":
                lines.append("end = true" if draw(st.booleans()) else f'end = "{draw(st.sampled_from(ends))}"')
        files[f"rooms/{r}.toml"] = "\n".join(lines) + "\n"
    return files


def write(root, files):
    (root / "rooms").mkdir(parents=True, exist_ok=True)
    for p in (root / "rooms").glob("*.toml"):
        p.unlink()
    for rel, text in files.items():
        (root / rel).write_text(text)
    return root


@st.composite
def steps(draw, flags, counters, rooms, enum, depth=0):
    """A `do` list of the second language: effects, and now and then a conditional step."""
    out = []
    for _ in range(draw(st.integers(0, 2))):
        if depth < 2 and draw(st.integers(0, 3)) == 0:
            t = {"if": draw(cond2(flags, counters, rooms, enum)), "do": draw(steps(flags, counters, rooms, enum, depth + 1))}
            if draw(st.booleans()):
                t["else"] = draw(steps(flags, counters, rooms, enum, depth + 1))
            out.append(t)
        elif enum and draw(st.integers(0, 3)) == 0:
            out.append(f"m = {draw(st.sampled_from(['a', 'b', 'c']))}")
        else:
            e = draw(effect(flags, counters))
            if e:
                out.append(e)
    return out


@st.composite
def cond2(draw, flags, counters, rooms, enum):
    if enum and draw(st.integers(0, 3)) == 0:
        return f"m {draw(st.sampled_from(['==', '!=']))} {draw(st.sampled_from(['a', 'b', 'c']))}"
    return draw(cond(flags, counters, rooms))


def toml_steps(xs) -> str:
    def one(x):
        if isinstance(x, str):
            return q(x)
        parts = [f"if = {q(x['if'])}", f"do = {toml_steps(x['do'])}"]
        if "else" in x:
            parts.append(f"else = {toml_steps(x['else'])}")
        return "{ " + ", ".join(parts) + " }"
    return "[" + ", ".join(one(x) for x in xs) + "]"


@st.composite
def worlds2(draw, persist=True, max_rooms=4, max_rules=2):
    """A random valid world of the second language: conditional steps, `enter`, rules (once, go,
    end), `next`, call/back, an enum, a by-name ending, a block, and (with `persist`) a persistent
    counter, besides everything `worlds` draws."""
    n_rooms = draw(st.integers(1, max_rooms))
    rooms = [f"r{i}" for i in range(n_rooms)]
    flags = [f"f{i}" for i in range(draw(st.integers(0, 2)))]
    counters = [f"c{i}" for i in range(draw(st.integers(0, 2)))]
    enum = draw(st.booleans())
    keep = persist and draw(st.booleans())
    n_end = draw(st.integers(1, 3))
    w = ["[world]", 'id = "rand2"', 'title = "Random"', f'start = "{rooms[0]}"', "", "[state]"]
    for f in flags:
        w.append(f"{f} = {draw(st.sampled_from(['true', 'false']))}")
    for c in counters:
        w.append(f"{c} = {{ default = 1, min = 0, max = {draw(st.integers(1, 4))}"
                 f"{', clamp = true' if draw(st.booleans()) else ''} }}")
    if keep:
        w.append("p = { default = 0, min = 0, max = 2, persist = true }")
        counters = counters + ["p"]
    if enum:
        w.append('m = { one_of = ["a", "b", "c"], default = "a" }')
    for i in range(n_end):
        w += ["", "[[ending]]", f'id = "e{i}"', f'title = "Ending {i}"', 'text = "The end."']
        if i < n_end - 1:
            w.append(f"when = {q(draw(cond2(flags, counters, rooms, enum)))}")
    by_name = draw(st.booleans())
    if by_name:
        w += ["", "[[ending]]", 'id = "named"', 'title = "Named"', 'text = "By name."', "by_name = true"]
    ends = [f"e{i}" for i in range(n_end)] + (["named"] if by_name else [])
    for k in range(draw(st.integers(0, max_rules))):
        w += ["", "[[rule]]", f'id = "rule{k}"', f"when = {q(draw(cond2(flags, counters, rooms, enum)))}"]
        s = draw(steps(flags, counters, rooms, enum))
        if s:
            w.append(f"do = {toml_steps(s)}")
        if draw(st.booleans()):
            w.append("once = true")
        if draw(st.booleans()):
            w.append(f'text = "Rule {k} fires."')
        what = draw(st.sampled_from(["none", "none", "go", "end"]))
        if what == "go":
            w.append(f'go = "{draw(st.sampled_from(rooms))}"')
        elif what == "end":
            w.append("end = true" if draw(st.booleans()) else f'end = "{draw(st.sampled_from(ends))}"')
    block = draw(st.booleans())
    if block:
        w += ["", "[block.out]", "[[block.out.choice]]", 'id = "bk"', 'say = "Back."', "back = true"]
    files = {"world.toml": "\n".join(w) + "\n"}
    for r in rooms:
        lines = [f"[{r}]", f'title = "Room {r}"', 'text = "{cycle: In|Again in} a room."']
        if draw(st.integers(0, 2)) == 0:
            s = draw(steps(flags, counters, rooms, enum))
            if s:
                lines.append(f"enter = {toml_steps(s)}")
        if block and draw(st.booleans()):
            lines.append('use = ["out"]')
        for k in range(draw(st.integers(0, 1))):
            lines += [f"[[{r}.text_if]]", f"if = {q(draw(cond2(flags, counters, rooms, enum)))}", f'text = "Extra {k}."']
        for k in range(draw(st.integers(1, 3))):
            lines += [f"[[{r}.choice]]", f'id = "ch{k}"', f'say = "Option {k}"']
            if k > 0 and draw(st.booleans()):
                lines.append(f"if = {q(draw(cond2(flags, counters, rooms, enum)))}")
            if draw(st.integers(0, 3)) == 0:
                lines.append("once = true")
            s = draw(steps(flags, counters, rooms, enum))
            if s:
                lines.append(f"do = {toml_steps(s)}")
            target = draw(st.sampled_from(["go", "go", "end", "stay", "next", "call", "back"]))
            if target == "go":
                lines.append(f'go = "{draw(st.sampled_from(rooms))}"')
            elif target == "end":
                lines.append("end = true" if draw(st.booleans()) else f'end = "{draw(st.sampled_from(ends))}"')
            elif target == "next":
                ent = []
                for _ in range(draw(st.integers(0, 2))):
                    c = q(draw(cond2(flags, counters, rooms, enum)))
                    ent.append(f'{{ if = {c}, go = "{draw(st.sampled_from(rooms))}" }}' if draw(st.booleans())
                               else f'{{ if = {c}, end = "{draw(st.sampled_from(ends))}" }}')
                ent.append(f'{{ go = "{draw(st.sampled_from(rooms))}" }}')
                lines.append(f"next = [{', '.join(ent)}]")
            elif target == "call":
                lines.append(f'call = "{draw(st.sampled_from(rooms))}"')
            elif target == "back":
                lines.append("back = true")
        files[f"rooms/{r}.toml"] = "\n".join(lines) + "\n"
    return files

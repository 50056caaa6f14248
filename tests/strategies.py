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

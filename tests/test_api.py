"""The public Python API (Game.choices/events/get_state/set_state/state_hash), and every example in
docs/api.md run as written: python blocks must print their `output` block, and the protocol
transcript is replayed against a real `adventure serve --stdio` process."""

import io
import json
import re
import tempfile
from contextlib import redirect_stdout
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import adventure
from adventure import Game, SaveError, load_world

from conftest import ROOT
from strategies import worlds, write
from test_cli import run

API_MD = ROOT / "docs" / "api.md"
FENCE = re.compile(r"^```([\w-]*)[ \t]*\n(.*?)^```[ \t]*$", re.S | re.M)


def doc_blocks():
    text = API_MD.read_text("utf-8")
    return [(m.group(1), m.group(2), text.count("\n", 0, m.start()) + 1) for m in FENCE.finditer(text)]


# ---------------------------------------------------------------- docs/api.md


def test_every_python_example_in_api_md_runs_and_prints_what_the_page_says(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # examples must not depend on (or litter) the working folder
    blocks = doc_blocks()
    ns: dict = {"__name__": "api_md"}
    ran = checked = 0
    for i, (lang, body, line) in enumerate(blocks):
        if lang == "output":
            assert i > 0 and blocks[i - 1][0] == "python", f"docs/api.md:{line}: an output block must follow a python block"
        if lang != "python":
            continue
        out = io.StringIO()
        with redirect_stdout(out):
            exec(compile(body, f"docs/api.md:{line}", "exec"), ns)
        ran += 1
        if i + 1 < len(blocks) and blocks[i + 1][0] == "output":
            want = blocks[i + 1][1]
            assert out.getvalue().rstrip("\n") == want.rstrip("\n"), f"docs/api.md:{blocks[i + 1][2]}: output differs"
            checked += 1
    assert ran >= 8 and checked >= 8  # the page's examples are all found (a broken fence would hide some)


def subset(want, got, where="response"):
    """Every key shown in `want` is in `got` with the same value (lists must match exactly in length)."""
    if isinstance(want, dict):
        assert isinstance(got, dict), f"{where}: expected an object, got {got!r}"
        for k, v in want.items():
            assert k in got, f"{where}: no key {k!r} in {got!r}"
            subset(v, got[k], f"{where}.{k}")
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), f"{where}: {got!r} is not like {want!r}"
        for n, (a, b) in enumerate(zip(want, got)):
            subset(a, b, f"{where}[{n}]")
    else:
        assert want == got and type(want) is type(got), f"{where}: {got!r}, the docs say {want!r}"


def test_protocol_transcript_in_api_md_against_a_real_server():
    pairs = []
    for lang, body, line in doc_blocks():
        if lang == "jsonl":
            lines = [ln for ln in body.splitlines() if ln.strip()]
            assert len(lines) % 2 == 0, f"docs/api.md:{line}: requests and responses must alternate"
            pairs += list(zip(lines[0::2], lines[1::2]))
    assert len(pairs) >= 10
    r = run(["serve", "--stdio", "tutorial"], stdin="".join(req + "\n" for req, _ in pairs))
    assert r.returncode == 0, r.stderr
    got = r.stdout.splitlines()
    assert len(got) == len(pairs)
    for (req, want), line in zip(pairs, got):
        subset(json.loads(want), json.loads(line), f"response to {req}")


# ---------------------------------------------------------------- Game


def test_choices_list_shown_options_with_ids_labels_and_enabled(tutorial):
    g = Game(tutorial, seed=0)
    assert [c["id"] for c in g.choices()] == ["kettle", "feed-gull", "up"]
    g.choose("up")
    g.choose("up")
    ch = {c["id"]: c for c in g.choices()}
    assert ch["jump"]["enabled"] is False and ch["light"]["enabled"] is True  # greyed out: turn >= 3
    assert [c["index"] for c in g.choices()] == [0, 1, 2, 3, 4, 5]
    assert ch["light"]["label"] == "Light the lamp"
    json.dumps(g.choices())  # JSON-able
    g.choose("wait")
    assert g.choices() == [] and g.over


def test_events_follow_every_kind_of_move(tutorial):
    g = Game(tutorial, seed=0)
    assert type(g.events[0]).__name__ == "Intro"
    assert g.choose("up") == g.events and g.events[-1].room == "stairs"
    g.undo()
    assert [type(e).__name__ for e in g.events] == ["RoomEntered"] and g.events[0].room == "kitchen"
    g.choose("kettle")
    assert g.restart() == g.events and type(g.events[0]).__name__ == "Intro"


def test_get_state_is_json_and_set_state_restores_dice_exactly(tutorial):
    a = Game(tutorial, seed=5)
    a.choose("up")
    doc = json.loads(json.dumps(a.get_state()))
    b = Game(tutorial, seed=99)
    b.set_state(doc)
    assert b.seed == 5 and b.log == ["up"] and b.state == a.state and b.state_hash() == a.state_hash()
    # the dice go on the same way after the restore
    for g in (a, b):
        g.choose("down")
        g.choose("feed-gull")
    assert a.state == b.state and a.values()["luck"] == b.values()["luck"]
    # undo history is rebuilt too
    assert b.undo() and b.state == a.history[-2]


@pytest.mark.parametrize("change,msg", [
    (lambda d: d.update(state_hash="0" * 16), "does not replay"),
    (lambda d: d.update(log=["up", "nowhere"]), "move 2"),
    (lambda d: d.update(log="up"), "no log"),
    (lambda d: d.update(seed="5"), "no integer seed"),
    (lambda d: d.update(seed=True), "no integer seed"),
    (lambda d: d["world"].update(id="allhands"), "belongs to world 'allhands'"),
    (lambda d: d.update(format="something-else"), "not a game state"),
    (lambda d: d.pop("world"), "no world id"),
    (lambda d: d.pop("state_hash"), "no state_hash"),
])
def test_set_state_refuses_bad_documents_and_leaves_the_game_alone(tutorial, change, msg):
    g = Game(tutorial, seed=1)
    g.choose("up")
    doc = g.get_state()
    g.choose("up")
    before = (g.state, list(g.log), g.seed)
    change(doc)
    with pytest.raises(SaveError, match=msg):
        g.set_state(doc)
    assert (g.state, g.log, g.seed) == before


def test_set_state_accepts_the_contents_of_a_save_file(tutorial, tmp_path):
    from adventure.play.saves import write_save

    g = Game(tutorial, seed=3)
    g.choose("feed-gull")
    path = write_save(tmp_path, g, "slot")
    h = Game(tutorial)
    h.set_state(json.loads(path.read_text()))
    assert h.state == g.state


def test_set_state_rejects_non_dicts(tutorial):
    for bad in (None, [], "state", 3):
        with pytest.raises(SaveError):
            Game(tutorial).set_state(bad)


@settings(max_examples=40, deadline=None)
@given(worlds(), st.integers(0, 2**32), st.lists(st.integers(0, 100), max_size=30), st.data())
def test_get_state_set_state_round_trips_any_reachable_state(files, seed, picks, data):
    with tempfile.TemporaryDirectory() as d:
        world = load_world(write(Path(d), files))
        g = Game(world, seed)
        for p in picks:
            enabled = [c["id"] for c in g.choices() if c["enabled"]]
            if not enabled:
                break
            g.choose(enabled[p % len(enabled)])
        doc = json.loads(json.dumps(g.get_state()))
        h = Game(world, data.draw(st.integers(0, 2**32)))
        h.set_state(doc)
        assert h.state == g.state and h.log == g.log and h.state_hash() == g.state_hash()
        assert h.choices() == g.choices()


def test_the_api_is_exported():
    for name in ("load_world", "Game", "ChoiceError", "SaveError", "AdventureError", "State"):
        assert name in adventure.__all__ and hasattr(adventure, name)

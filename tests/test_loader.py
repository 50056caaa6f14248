"""The loader: fixture folders of valid worlds (with transcripts) and invalid ones (with the
expected problems: file, line, key path, message), plus properties over arbitrary bytes."""

import io
import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adventure import WorldError, load_world
from adventure.play.plain import run_plain
from adventure.play.session import Session

from conftest import FIXTURES, WORLDS

INVALID = sorted((FIXTURES / "invalid").iterdir())
VALID = sorted((FIXTURES / "valid").iterdir())


@pytest.mark.parametrize("folder", INVALID, ids=[p.name for p in INVALID])
def test_invalid_world_reports_each_problem(folder):
    with pytest.raises(WorldError) as e:
        load_world(folder)
    got = [str(p).replace(str(folder) + os.sep, "") for p in e.value.problems]
    want = (folder / "expected.txt").read_text().splitlines()
    assert len(got) == len(want), "\n".join(got)
    for g, w in zip(got, want):
        assert g.startswith(w), f"\n got: {g}\nwant: {w}"
    for p in e.value.problems:  # every problem names its file and line
        assert p.file and p.line, str(p)


@pytest.mark.parametrize("folder", VALID, ids=[p.name for p in VALID])
def test_valid_world_plays_its_transcript(folder, tmp_path):
    world = load_world(folder)
    out = io.StringIO()
    session = Session(world, tmp_path, autosave=False)
    run_plain(session, stdin=io.StringIO((folder / "moves.txt").read_text()), stdout=out)
    assert out.getvalue() == (folder / "transcript.txt").read_text()


def test_shipped_worlds_load():
    for folder in sorted(WORLDS.iterdir()):
        if (folder / "world.toml").is_file():
            load_world(folder)


def test_missing_world_has_a_hint(tmp_path):
    with pytest.raises(WorldError, match="no such world"):
        load_world(tmp_path / "nope")
    with pytest.raises(WorldError, match="did you mean 'tutorial'"):
        load_world("tutorail")
    with pytest.raises(WorldError, match="has no world.toml"):
        load_world(tmp_path)


def test_link_outside_world_is_refused(tmp_path):
    src = FIXTURES / "valid" / "lamp"
    w = tmp_path / "w"
    (w / "rooms").mkdir(parents=True)
    (w / "world.toml").write_text((src / "world.toml").read_text())
    outside = tmp_path / "secret.toml"
    outside.write_text((src / "rooms" / "hall.toml").read_text())
    (w / "rooms" / "hall.toml").symlink_to(outside)
    with pytest.raises(WorldError, match="outside the world folder"):
        load_world(w)


def test_control_characters_are_neutralised(tmp_path):
    src = FIXTURES / "valid" / "lamp"
    w = tmp_path / "w"
    (w / "rooms").mkdir(parents=True)
    (w / "world.toml").write_text((src / "world.toml").read_text())
    hall = (src / "rooms" / "hall.toml").read_text().replace("A hall.", "A \\u001b[31mred\\u001b]0;pwned\\u0007 hall.\\u202e")
    (w / "rooms" / "hall.toml").write_text(hall)
    world = load_world(w)
    text = world.rooms["hall"].text.render(world.defaults)
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert text == "A [31mred]0;pwned hall."


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400))
def test_any_bytes_raise_only_world_error(tmp_path, data):
    (tmp_path / "rooms").mkdir(exist_ok=True)
    (tmp_path / "world.toml").write_bytes(data)
    (tmp_path / "rooms" / "r.toml").write_bytes(data[::-1])
    try:
        load_world(tmp_path)
    except WorldError:
        pass


TOML_BITS = ['[world]', 'id = "x"', 'title = "T"', 'start = "r"', '[state]', 'f = true', 'n = 0', '[[ending]]',
             'id = "e"', 'title = "E"', 'text = "t"', 'when = "f"', '[r]', 'text = "R"', '[[r.choice]]', 'say = "go"',
             'go = "r"', 'end = true', 'do = "n += 1"', 'if = "n > 1"', 'x = [1, 2', '"""', 'once = 3']


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(TOML_BITS), max_size=25), st.lists(st.sampled_from(TOML_BITS), max_size=25))
def test_toml_soup_raises_only_world_error(tmp_path, w, r):
    (tmp_path / "rooms").mkdir(exist_ok=True)
    (tmp_path / "world.toml").write_text("\n".join(w))
    (tmp_path / "rooms" / "r.toml").write_text("\n".join(r))
    try:
        load_world(tmp_path)
    except WorldError as e:
        assert e.problems


# ---------------------------------------------------------------- hostile names and numbers


def lamp_copy(tmp_path, world=None, hall=None):
    """The lamp fixture, with world.toml and rooms/hall.toml edited by (old, new) pairs."""
    src = FIXTURES / "valid" / "lamp"
    w = tmp_path / "w"
    (w / "rooms").mkdir(parents=True)
    wt, ht = (src / "world.toml").read_text(), (src / "rooms" / "hall.toml").read_text()
    for old, new in world or ():
        assert old in wt
        wt = wt.replace(old, new)
    for old, new in hall or ():
        assert old in ht
        ht = ht.replace(old, new)
    (w / "world.toml").write_text(wt)
    (w / "rooms" / "hall.toml").write_text(ht)
    return w


def one_problem(w, match, whole_file=False):
    """The load fails with a problem matching `match`, with a file, a line or key (unless it is
    about the whole file), and a hint."""
    with pytest.raises(WorldError) as e:
        load_world(w)
    found = [p for p in e.value.problems if re.search(match, str(p))]
    assert found, "\n".join(map(str, e.value.problems))
    for p in found:
        assert p.file and (p.line or p.key or whole_file) and p.hint, str(p)
    return found[0]


HOSTILE_IDS = {
    "empty start": ([('start = "hall"', 'start = ""')], None, r"world\.start: .*empty"),
    "empty world id": ([('id = "fx"', 'id = ""')], None, r"world\.id: .*empty"),
    "empty ending id": ([('id = "lit"', 'id = ""')], None, r"ending\[0\]\.id: .*empty"),
    "empty choice id": (None, [('id = "light"', 'id = ""')], r"hall\.choice\[0\]\.id: .*empty"),
    "world id with a newline": ([('id = "fx"', 'id = "fx\\n"')], None, r"world\.id: .*must use"),
    "ending id with a newline": ([('id = "lit"', 'id = "lit\\n"')], None, r"ending\[0\]\.id: .*must use"),
    "choice id with a newline": (None, [('id = "light"', 'id = "light\\n"')], r"hall\.choice\[0\]\.id: .*must use"),
    "state name with a newline": ([("n = 0", '"n\\n" = 0')], None, r"is not a valid name"),
    "room id with a newline": ([('start = "hall"', 'start = "hall\\n"')], [("[hall]", '["hall\\n"]'), ("[[hall.", '[["hall\\n".')],
                               r"room id .* is not valid"),
    "a 300-character world id": ([('id = "fx"', f'id = "{"x" * 300}"')], None, r"world\.id: .*300 characters; the limit is 64"),
    "a 300-character ending id": ([('id = "lit"', f'id = "{"x" * 300}"')], None, r"ending\[0\]\.id: .*the limit is 64"),
    "a 300-character choice id": (None, [('id = "light"', f'id = "{"x" * 300}"')], r"choice\[0\]\.id: .*the limit is 64"),
    "a 300-character room id": ([('start = "hall"', f'start = "{"h" * 300}"')], [("[hall]", f"[{'h' * 300}]"), ("[[hall.", f"[[{'h' * 300}.")],
                                r"the limit is 64"),
    "a number of 5,000 digits": ([("n = 0", "n = " + "1" * 5000)], None, r"world\.toml:8: .*more than 4,300 digits"),
}


@pytest.mark.parametrize("case", list(HOSTILE_IDS))
def test_hostile_ids_and_numbers_are_world_errors(tmp_path, case):
    world, hall, match = HOSTILE_IDS[case]
    one_problem(lamp_copy(tmp_path, world, hall), match)


def test_a_number_of_5000_digits_in_an_expression_saturates(monkeypatch):
    from adventure.core import expr

    monkeypatch.setattr(expr, "MAX_LEN", 10_000)
    scope = expr.Scope({"n": expr.Var(0, "int")}, {})
    node = expr.parse_condition("n < " + "9" * 5000, scope)
    assert node.args[1].value == expr.INT_MAX


def test_a_walkthrough_with_a_number_of_5000_digits(tmp_path):
    from adventure.world.walkthrough import load_walkthrough

    world = load_world(FIXTURES / "valid" / "lamp")
    f = tmp_path / "wt.toml"
    f.write_text('moves = ["light"]\nseed = ' + "7" * 5000 + "\n")
    with pytest.raises(WorldError) as e:
        load_walkthrough(f, world)
    (p,) = e.value.problems
    assert p.line == 2 and "4,300 digits" in p.message and p.hint


def test_a_room_file_name_that_is_not_utf8(tmp_path):
    w = lamp_copy(tmp_path)
    os.rename(w / "rooms" / "hall.toml", os.path.join(os.fsencode(w / "rooms"), b"h\xffall.toml"))
    p = one_problem(w, r"not valid UTF-8", whole_file=True)
    assert "\\udcff" in p.file and "\udcff" not in str(p)  # shown escaped: it can be printed


def test_a_world_folder_without_search_permission(tmp_path):
    """Root reads any folder: as root, the load runs without the capabilities that allow that."""
    import shutil
    import subprocess
    import sys

    prefix = []
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("running as root without setpriv: permissions cannot be denied")
        prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]
    w = tmp_path / "w"
    shutil.copytree(FIXTURES / "valid" / "lamp", w)
    os.chmod(w, 0o600)  # readable, not searchable
    code = ("import sys\nfrom adventure import load_world, WorldError\n"
            "try:\n    load_world(sys.argv[1])\nexcept WorldError as e:\n    print(e)\n")
    try:
        r = subprocess.run(prefix + [sys.executable, "-c", code, str(w)], capture_output=True, text=True, timeout=60)
    finally:
        os.chmod(w, 0o755)
    assert "Traceback" not in r.stderr, r.stderr
    assert "cannot be read: Permission denied" in r.stdout and "(check that" in r.stdout, r.stdout


def test_a_room_key_with_a_line_break_is_shown_on_one_line(tmp_path):
    """Found by tests/fuzzing.py: a top-level key of a room file that is not a table."""
    w = lamp_copy(tmp_path, hall=[("[hall]", '"\\u001b[31mx\\nFORGED" = [1]\n[hall]')])
    p = one_problem(w, "expected a room table")
    assert "\n" not in str(p) and "\x1b" not in str(p) and "\\n" in p.message


def test_a_shipped_name_beats_a_folder_of_that_name_that_holds_no_world(tmp_path, monkeypatch):
    """In the saves folder, `tutorial/` is the tutorial's saves: `adventure play tutorial` there
    still means the shipped world; a folder that holds a world.toml is still taken as given."""
    from adventure import find_world, shipped_worlds

    monkeypatch.chdir(tmp_path)
    (tmp_path / "tutorial").mkdir()
    assert find_world("tutorial") == shipped_worlds()["tutorial"]
    (tmp_path / "tutorial" / "world.toml").write_text("")
    assert find_world("tutorial") == Path("tutorial")

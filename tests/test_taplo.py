"""The JSON Schemas in editors: taplo (the TOML toolkit under Even Better TOML) validates every
shipped world against `adventure schema`, honours the `#:schema` lines `adventure new` writes, and
the schemas keep to Draft 4, the JSON Schema version taplo documents. The taplo tests skip only
when no taplo binary can be found (`pip install taplo` puts one beside the interpreter)."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import WORLDS

from adventure import load_world, shipped_worlds
from adventure.cli.main import main
from adventure.world.schema import DRAFT, DRAFT4_KEYWORDS, SCHEMAS, for_world

PATTERNS = {"world": ["world.toml"], "room": ["rooms/*.toml"], "walkthrough": ["tests/*.toml"]}


def taplo_binary() -> str | None:
    here = Path(sys.executable).parent / "taplo"
    return str(here) if here.is_file() else shutil.which("taplo")


@pytest.fixture(scope="module")
def taplo():
    exe = taplo_binary()
    if exe is None:
        pytest.skip("taplo is not installed (pip install taplo)")
    return exe


def run_taplo(taplo, files, schema: Path | None = None, cwd=None) -> subprocess.CompletedProcess:
    cmd = [taplo, "check", "--no-auto-config", "--colors", "never"]
    if schema is not None:
        cmd += ["--schema", schema.resolve().as_uri()]
    return subprocess.run(cmd + [str(f) for f in files], capture_output=True, text=True, cwd=cwd,
                          env={"PATH": "/usr/bin:/bin", "RUST_LOG": "warn"})


def keywords(schema, found=None) -> set[str]:
    """Every keyword used anywhere in a schema (names under properties/definitions are not)."""
    found = set() if found is None else found
    if isinstance(schema, dict):
        for k, v in schema.items():
            found.add(k)
            if k in ("properties", "patternProperties", "definitions"):
                for sub in v.values():
                    keywords(sub, found)
            elif k in ("items", "not", "additionalProperties", "additionalItems") and isinstance(v, dict):
                keywords(v, found)
            elif k in ("anyOf", "allOf", "oneOf") or (k == "items" and isinstance(v, list)):
                for sub in v:
                    keywords(sub, found)
    return found


def all_schemas():
    yield from ((name, make()) for name, make in SCHEMAS.items())
    for world_name in sorted(shipped_worlds()):
        world = load_world(world_name)
        yield from ((f"{name} for {world_name}", for_world(name, world)) for name in SCHEMAS)


def test_the_schemas_use_only_draft4_keywords():
    for name, schema in all_schemas():
        assert schema["$schema"] == DRAFT == "http://json-schema.org/draft-04/schema#"
        assert keywords(schema) <= DRAFT4_KEYWORDS, (name, keywords(schema) - DRAFT4_KEYWORDS)
        # and Draft 4's own rules: `required` and `enum` are never empty
        text = json.dumps(schema)
        assert '"required": []' not in text and '"enum": []' not in text, name


def test_the_schemas_are_valid_draft4_and_draft7():
    jsonschema = pytest.importorskip("jsonschema")
    for name, schema in all_schemas():
        jsonschema.Draft4Validator.check_schema(schema)
        jsonschema.Draft7Validator.check_schema(schema)


def write_schemas(folder: Path, world=None) -> dict[str, Path]:
    out = {}
    for name, make in SCHEMAS.items():
        out[name] = folder / f"{name}.json"
        out[name].write_text(json.dumps(make() if world is None else for_world(name, world)))
    return out


@pytest.mark.parametrize("world_name", sorted(shipped_worlds()))
def test_taplo_validates_every_shipped_world(taplo, tmp_path, world_name):
    """Each file against the generic schema and against the schema made for its world: valid, and
    taplo says nothing at all (no warning about a keyword it does not know)."""
    folder = shipped_worlds()[world_name]
    world = load_world(folder)
    for label, world_arg in (("generic", None), ("for-world", world)):
        (tmp_path / label).mkdir()
        schemas = write_schemas(tmp_path / label, world_arg)
        for which, patterns in PATTERNS.items():
            files = [f for p in patterns for f in sorted(folder.glob(p))]
            if not files:
                continue
            r = run_taplo(taplo, files, schemas[which], cwd=tmp_path)
            assert r.returncode == 0, (label, which, r.stderr)
            noise = [line for line in (r.stdout + r.stderr).splitlines() if line.strip()]
            assert not noise, (label, which, noise)


def test_taplo_reports_what_the_schema_forbids(taplo, tmp_path):
    schemas = write_schemas(tmp_path, load_world(WORLDS / "tutorial"))
    bad = tmp_path / "bad.toml"
    bad.write_text('[hall]\ntitle = "H"\ntext = "x"\n'
                   '[[hall.choice]]\nid = "a"\nsay = "b"\nend = false\nsya = 1\n'
                   '[[hall.choice]]\nid = "c"\nsay = "d"\ngo = "kitchen"\nend = true\n'
                   '[[hall.choice]]\nid = "e"\nsay = "f"\ngo = "kitchn"\n'
                   '["Bad-Name"]\ntitle = "H"\ntext = "x"\nchoice = [{id = "a", say = "b"}]\n')
    r = run_taplo(taplo, [bad], schemas["room"], cwd=tmp_path)
    assert r.returncode == 1
    out = r.stderr
    assert "'sya' was unexpected" in out  # an unknown key
    assert "false is not valid under any of the schemas listed in the 'anyOf' keyword" in out  # end = false
    assert '"Bad-Name"' in out  # a room id that is not a name (patternProperties)
    assert '{"required":["go","end"]} is not allowed' in out  # go and end together
    assert '"kitchn" is not one of' in out  # the world's rooms, as an enum


def test_new_worlds_point_taplo_at_their_schema(taplo, tmp_path, capsys):
    """`adventure new` writes schema/*.json and a `#:schema` line at the top of each file: taplo
    finds the schema from the file alone, and `adventure schema WORLD --write` specialises it."""
    w = tmp_path / "w"
    assert main(["new", str(w)]) == 0
    files = sorted(w.rglob("*.toml"))
    assert len(files) >= 5
    r = run_taplo(taplo, files, cwd=w)
    assert r.returncode == 0, r.stderr
    hall = w / "rooms" / "hall.toml"
    good = hall.read_text()
    hall.write_text(good.replace('go = "study"', 'go = "stduy"', 1))
    assert run_taplo(taplo, [hall], cwd=w).returncode == 0  # the generic schema knows no rooms
    hall.write_text(good)
    capsys.readouterr()
    assert main(["schema", str(w), "--write"]) == 0
    assert "schema/room.json" in capsys.readouterr().out
    hall.write_text(good.replace('go = "study"', 'go = "stduy"', 1))
    r = run_taplo(taplo, [hall], cwd=w)
    assert r.returncode == 1 and '"stduy" is not one of ["hall","study"]' in r.stderr


def test_schema_for_a_world_names_its_rooms_endings_choices_and_flags():
    world = load_world(WORLDS / "tutorial")
    rooms, endings = sorted(world.rooms), sorted(e.id for e in world.endings)
    flags = sorted(v.name for v in world.vars if v.type == "bool")
    room = for_world("room", world)
    choice = room["definitions"]["choice"]["properties"]
    assert choice["go"]["enum"] == rooms
    assert {"enum": [True]} in choice["end"]["anyOf"]
    assert [s["enum"] for s in choice["end"]["anyOf"] if s.get("type") == "string"] == [endings]
    assert {"enum": flags} in choice["if"]["anyOf"]
    top = for_world("world", world)
    assert top["properties"]["world"]["properties"]["start"]["enum"] == rooms
    wt = for_world("walkthrough", world)
    assert wt["properties"]["moves"]["items"]["enum"] == sorted({c.id for r in world.rooms.values() for c in r.choices})
    expect = wt["properties"]["expect"]["properties"]
    assert expect["ending"]["enum"] == sorted(endings + ["none"]) and expect["room"]["enum"] == rooms
    assert set(expect["state"]["properties"]) == {v.name for v in world.vars}
    assert expect["state"]["additionalProperties"] is False


def test_schema_command_with_a_world(capsys, tmp_path):
    assert main(["schema", "tutorial", "--room"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["title"] == "adventure room file (tutorial)"
    assert "lamp_room" in doc["definitions"]["choice"]["properties"]["go"]["enum"]
    # --write: into a folder of the author's, never into a shipped world
    assert main(["schema", "tutorial", "--write"]) == 2
    assert "shipped world" in capsys.readouterr().err
    assert main(["schema", "--write"]) == 2
    assert "needs a WORLD" in capsys.readouterr().err
    assert main(["schema", "nowhere"]) == 2
    assert "no such world" in capsys.readouterr().err
    shutil.copytree(WORLDS / "tutorial", tmp_path / "t")
    assert main(["schema", str(tmp_path / "t"), "--room", "--write"]) == 2
    assert main(["schema", str(tmp_path / "t"), "--write"]) == 0
    assert sorted(p.name for p in (tmp_path / "t" / "schema").iterdir()) == ["room.json", "walkthrough.json",
                                                                          "world.json"]

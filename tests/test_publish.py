"""adventure export and the JavaScript runtime: the page's content, and conformance with the
Python engine move by move (tests/web/conformance.mjs, skipped only when node is absent)."""

from __future__ import annotations

import html
import os
import importlib.util
import io
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

import adventure
from adventure.cli import main
from adventure.publish import export_html, export_zip, world_doc, world_json

HERE = Path(__file__).resolve().parent
WEB = HERE / "web"
EDGE = WEB / "worlds" / "edge"
LANG2 = WEB / "worlds" / "lang2"  # every construct of the second language (#16)
TIMELOOP = HERE / "worlds" / "timeloop"
NODE = shutil.which("node")
needs_node = pytest.mark.skipif(NODE is None, reason="node is not installed: the JavaScript runtime cannot be run")


def _traces_module():
    spec = importlib.util.spec_from_file_location("web_traces", WEB / "traces.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _randworlds(out: Path, count: int, seed: int) -> list[str]:
    spec = importlib.util.spec_from_file_location("web_randworlds", WEB / "randworlds.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return [str(p) for p in mod.write_worlds(out, count, seed)]


def conformance(tmp_path, plan) -> dict:
    """Run the node harness on [(world, games, first seed[, days]), ...]; its report (a dict).
    `days`: how many games a random trace may play in a row, each starting from the persistent
    values the one before left."""
    tr = _traces_module()
    argv = [NODE, str(WEB / "conformance.mjs")]
    for k, (name, games, seed, *days) in enumerate(plan):
        world = adventure.load_world(name)
        wj, tj = tmp_path / f"w{k}.json", tmp_path / f"t{k}.json"
        wj.write_text(world_json(world))
        tj.write_text(json.dumps(tr.traces(world, games, seed, days=days[0] if days else 1)))
        argv += [str(wj), str(tj)]
    r = subprocess.run(argv, capture_output=True, text=True, timeout=1800)
    assert r.stdout, r.stderr
    return json.loads(r.stdout)


# ---------------------------------------------------------------- the page


def test_page_is_one_self_contained_file():
    page = export_html(adventure.load_world("allhands"))
    assert page.startswith("<!DOCTYPE html>")
    # nothing is fetched: no external script, style, font, image or link
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "@import" not in page and "url(" not in page
    assert "<title>All-Hands</title>" in page
    assert '<meta name="author" content="the adventure team">' in page
    assert '<meta property="ifiction:ifid" content="3AF0A330-ED6A-4869-B404-17B109F57AEF">' in page
    assert "default-src 'none'" in html.unescape(page)
    assert len(page.encode()) <= 400_000


def test_world_text_is_never_markup():
    world = adventure.load_world(str(EDGE))
    page = export_html(world)
    # the title, intro and texts hold <script> and </script>: none survives as markup
    assert page.count("<script") == 3  # the JSON, the runtime, the player
    assert page.count("</script>") == 3
    assert "<script>alert" not in page and "</script><script>" not in page
    assert "<title>Edge &lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt; &amp; Cases</title>" in page
    data = re.search(r'<script type="application/json" id="world-data">(.*?)</script>', page, re.S).group(1)
    assert "<" not in data and ">" not in data
    doc = json.loads(data)
    assert doc["title"] == world.title and "\x1b" not in json.dumps(doc["intro"])


def test_world_doc_matches_the_model():
    world = adventure.load_world("tutorial")
    doc = world_doc(world)
    assert doc["format"] == "adventure-web" and doc["version"] == 2
    assert [r["id"] for r in doc["rooms"]] == list(world.room_order)
    assert doc["start"] == list(world.room_order).index(world.start)
    assert [e["id"] for e in doc["endings"]] == [e.id for e in world.endings]
    assert doc["tracked"] == len(world.tracked)
    oil = next(v for v in doc["vars"] if v[0] == "oil")
    assert oil == ["oil", "int", 2, 0, 3, False, [], False]
    # integers beyond 2**53 travel as strings, so JavaScript reads them exactly
    edge = world_doc(adventure.load_world(str(EDGE)))
    b = next(v for v in edge["vars"] if v[0] == "b")
    assert b[3:5] == ["-9223372036854775808", "9223372036854775807"]


def test_ifid_and_blurb_metadata(tmp_path):
    ifid = "0F3C2A5E-1111-4A2B-9C3D-123456789ABC"
    page = export_html(adventure.load_world("tutorial"), ifid=ifid.lower(), blurb="A lamp, a gull & a storm.")
    assert f'<meta property="ifiction:ifid" content="{ifid}">' in page
    assert '<meta name="description" content="A lamp, a gull &amp; a storm.">' in page
    with pytest.raises(ValueError):
        world_doc(adventure.load_world("tutorial"), ifid="not an ifid!")
    # `ifid` and `blurb` in world.toml's [world] table are the world's own
    w = tmp_path / "w"
    shutil.copytree(adventure.find_world("tutorial"), w)
    toml = (w / "world.toml").read_text()
    toml = re.sub(r'(?m)^(ifid|blurb) = .*\n', "", toml)  # the tutorial's own
    (w / "world.toml").write_text(toml.replace('[world]\n', f'[world]\nifid = "{ifid}"\nblurb = "Tea."\n', 1))
    world = adventure.load_world(w)
    assert (world.ifid, world.blurb) == (ifid, "Tea.")
    assert world_doc(world)["ifid"] == ifid and world_doc(world)["blurb"] == "Tea."
    assert f'<meta property="ifiction:ifid" content="{ifid}">' in export_html(world)


def test_zip_holds_index_html():
    data = export_zip(adventure.load_world("tutorial"))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.namelist() == ["index.html"]
        assert z.read("index.html").decode().startswith("<!DOCTYPE html>")


def test_export_command(tmp_path, capsys):
    out = tmp_path / "game.html"
    assert main(["export", "tutorial", "--html", "-o", str(out)]) == 0
    assert "The Lighthouse Keeper" in out.read_text()
    assert main(["export", "tutorial", "--zip", "-o", str(tmp_path / "game.zip")]) == 0
    assert zipfile.is_zipfile(tmp_path / "game.zip")
    assert main(["export", "tutorial", "--ifid", "x", "-o", str(tmp_path / "bad.html")]) == 2
    assert not (tmp_path / "bad.html").exists()
    capsys.readouterr()
    assert main(["export", "tutorial", "-o", "-"]) == 0


def test_export_is_shareable_and_fails_cleanly(tmp_path, capsys):
    """The page is readable by others (as the umask allows), an unwritable path is one message and
    exit 2, and a world's title reaches the terminal neutralised."""
    world = tmp_path / "w"
    shutil.copytree(adventure.find_world("tutorial"), world)
    wt = world / "world.toml"
    wt.write_text(wt.read_text().replace('title = "', 'title = "\\u001b[31m\\u202e', 1))
    old = os.umask(0o022)
    try:
        assert main(["export", str(world), "-o", str(tmp_path / "game.html")]) == 0
    finally:
        os.umask(old)
    assert (tmp_path / "game.html").stat().st_mode & 0o777 == 0o644
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\u202e" not in err and "wrote" in err
    # a folder that cannot be made: its parent is a file
    assert main(["export", "tutorial", "-o", str(tmp_path / "game.html" / "game.html")]) == 2
    err = capsys.readouterr().err
    assert "cannot write" in err and "Traceback" not in err


# ---------------------------------------------------------------- conformance with the Python engine


@needs_node
def test_runtime_sha256_and_json_match_python():
    probe = ("const A = require(process.argv[1]); const s = process.argv[2];"
             "process.stdout.write(JSON.stringify([A.sha256hex(s), A.pyjson(JSON.parse(process.argv[3]), true)]))")
    import hashlib

    for s in ["", "abc", "x" * 55, "y" * 56, "z" * 64, "é€😀\u2028", "a" * 1000]:
        obj = {"b": [1, True, None, s], "a": s}
        r = subprocess.run([NODE, "-e", probe, str(Path(adventure.__file__).parent / "publish" / "runtime.js"), s, json.dumps(obj)],
                           capture_output=True, text=True, check=True)
        got_hash, got_json = json.loads(r.stdout)
        assert got_hash == hashlib.sha256(s.encode()).hexdigest()
        assert got_json == json.dumps(obj, separators=(",", ":"), sort_keys=True)


@needs_node
def test_integer_operations_match_python(tmp_path):
    """+ - * / % neg abs on pairs around 0, 2**53 and 2**63, against expr.py's own functions."""
    import random

    from adventure.core.expr import INT_MAX, _div, _mod, _sat

    rnd = random.Random(17)
    edges = [0, 1, -1, 2, -2, 3, -7, 7, 2**31, 2**32 + 1, 2**53 - 1, -(2**53 - 1), 2**53, -(2**53), 2**53 + 1,
             2**62, INT_MAX, -INT_MAX, INT_MAX - 1, -(2**63)]
    vals = edges + [rnd.randint(-2**64, 2**64) for _ in range(60)] + [rnd.randint(-2**20, 2**20) for _ in range(60)]
    pairs = [(a, b) for a in vals for b in vals]
    ops = {"add": lambda a, b: _sat(a + b), "sub": lambda a, b: _sat(a - b), "mul": lambda a, b: _sat(a * b),
           "div": _div, "mod": _mod, "neg": lambda a, b: _sat(-a), "abs": lambda a, b: _sat(abs(a))}
    want = {k: [str(f(a, b)) for a, b in pairs] for k, f in ops.items()}
    (tmp_path / "pairs.json").write_text(json.dumps([[str(a), str(b)] for a, b in pairs]))
    probe = ("const A = require(process.argv[1]); const I = A._int;"
             "const P = JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8')).map(p => p.map(x => I.norm(BigInt(x))));"
             "const out = {}; for (const k of ['add','sub','mul','div','mod','neg','abs'])"
             " out[k] = P.map(([a, b]) => { const r = I[k](a, b); if (typeof r === 'number' && !Number.isSafeInteger(r)) throw new Error(k); "
             " if (typeof r === 'bigint' && r >= -9007199254740991n && r <= 9007199254740991n) throw new Error('not canonical ' + k); return String(r); });"
             "process.stdout.write(JSON.stringify(out));")
    r = subprocess.run([NODE, "-e", probe, str(Path(adventure.__file__).parent / "publish" / "runtime.js"), str(tmp_path / "pairs.json")],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    got = json.loads(r.stdout)
    for k in ops:
        bad = [(pairs[i], want[k][i], got[k][i]) for i in range(len(pairs)) if want[k][i] != got[k][i]]
        assert not bad, (k, bad[:3])


@needs_node
def test_conformance_fast_slice(tmp_path):
    """300 random games per shipped world, every walkthrough, and the edge-case world."""
    names = list(adventure.shipped_worlds())
    report = conformance(tmp_path, [(n, 300, 0) for n in names] + [(str(EDGE), 300, 0)])
    assert report["differing_games"] == 0, report["first_differences"]
    assert report["games"] == 300 * (len(names) + 1)
    assert report["walkthroughs"] >= 14
    assert report["moves"] > 10_000


@needs_node
def test_conformance_second_language(tmp_path):
    """The second language (#16): the time-loop world and the construct-by-construct world, random
    games of up to five days each (persistence carried from day to day), and their multi-day
    walkthroughs; the trace compares rule texts, greyed choices' reasons, enum names, shuffles."""
    report = conformance(tmp_path, [(str(TIMELOOP), 200, 0, 5), (str(LANG2), 300, 0, 5)])
    assert report["differing_games"] == 0, report["first_differences"]
    assert report["games"] == 500 and report["walkthroughs"] >= 3
    assert report["moves"] > 10_000


@needs_node
def test_conformance_random_second_language_worlds(tmp_path):
    """Random worlds that use every construct together (tests/web/randworlds.py), 30 random games
    of up to four days in each."""
    worlds = _randworlds(tmp_path / "worlds", 12, 0)
    report = conformance(tmp_path, [(w, 30, 0, 4) for w in worlds])
    assert report["differing_games"] == 0, report["first_differences"]
    assert report["games"] == 12 * 30 and report["moves"] > 10_000


@pytest.mark.slow
@needs_node
def test_conformance_random_second_language_worlds_many(tmp_path):
    """30 more random worlds of the second language, 40 games of up to five days in each."""
    worlds = _randworlds(tmp_path / "worlds", 30, 1000)
    report = conformance(tmp_path, [(w, 40, 1000, 5) for w in worlds])
    print(json.dumps({k: report[k] for k in ("games", "moves", "differing_games", "ms")}))
    assert report["differing_games"] == 0, report["first_differences"]


@needs_node
def test_runtime_tidy_and_pick_match_python():
    """text._tidy (Python's idea of whitespace, not JavaScript's) and rng.pick (64-bit, BigInt)."""
    import random

    from adventure.core.rng import pick
    from adventure.core.text import _tidy

    rnd = random.Random(5)
    chars = [" ", " ", "\t", "\n", "a", "\ufeff", "\xa0", "\u2028", "\x1c", "\u3000", "b"]
    texts = ["".join(rnd.choice(chars) for _ in range(rnd.randint(0, 12))) for _ in range(400)]
    picks = [[rnd.getrandbits(64), rnd.randint(0, 100_000), rnd.randint(0, 1000), rnd.randint(1, 9)] for _ in range(400)]
    probe = ("const A = require(process.argv[1]); const I = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
             "process.stdout.write(JSON.stringify([I[0].map(A.tidy), I[1].map(([x, k, c, n]) => A.pick(BigInt(x), k, c, n))]))")
    r = subprocess.run([NODE, "-e", probe, str(Path(adventure.__file__).parent / "publish" / "runtime.js")],
                       input=json.dumps([texts, [[str(x), k, c, n] for x, k, c, n in picks]]),
                       capture_output=True, text=True, check=True)
    tidied, picked = json.loads(r.stdout)
    assert tidied == [_tidy(t) for t in texts]
    assert picked == [pick(x, k, c, n) for x, k, c, n in picks]


def test_world_doc_second_language():
    doc = world_doc(adventure.load_world(str(TIMELOOP)))
    assert doc["version"] == 2
    mood = next(v for v in doc["vars"] if v[0] == "mood")
    assert mood == ["mood", "enum", 0, 0, 2, False, ["calm", "uneasy", "certain"], False]
    assert [v[0] for v in doc["vars"] if v[7]] == ["day", "knows_rope", "knows_key"]
    assert [r["id"] for r in doc["rules"]] == ["toll", "ninth"] and doc["rules"][1]["end"] == "loop"
    assert [e["by_name"] for e in doc["endings"]] == [True, False]
    inn = doc["rooms"][0]
    assert inn["enter"] == [{"if": [">", ["var", 1], ["lit", 1]], "do": [[5, "=", ["lit", 1]]], "else": []}]
    assert [c["id"] for c in inn["choices"]] == ["sleep", "square", "notebook"]  # the block's, after
    assert inn["choices"][2]["call"] and inn["text"][0][:3] == ["alt", "sequence", 0]
    lift = next(c for r in doc["rooms"] for c in r["choices"] if c["id"] == "lift")
    assert lift["next"][0] == {"if": [">", ["var", 0], ["lit", 7]], "go": None, "end": "loop"}


@pytest.mark.slow
@needs_node
def test_conformance_ten_thousand_games(tmp_path):
    """At least 10,000 random games across the shipped worlds (plus 2,000 of the edge world, and
    3,000 of the second language's, of up to five days each)."""
    names = list(adventure.shipped_worlds())
    per = -(-10_000 // len(names))
    report = conformance(tmp_path, [(n, per, 100_000) for n in names] + [(str(EDGE), 2000, 100_000)]
                         + [(str(TIMELOOP), 1000, 100_000, 5), (str(LANG2), 2000, 100_000, 5)])
    print(json.dumps({k: report[k] for k in ("games", "walkthroughs", "moves", "differing_games", "ms")}))
    assert report["differing_games"] == 0, report["first_differences"]
    assert report["games"] >= 10_000 + 2000 + 3000

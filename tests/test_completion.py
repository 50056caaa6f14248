"""`adventure completion bash|zsh|fish`: scripts generated from the parser, checked by the shells
themselves (each shell's test skips when the shell is not installed)."""

import shutil
import subprocess
import sys

import pytest

from conftest import ROOT

pytest.importorskip("shtab")


def script(shell: str) -> str:
    r = subprocess.run([sys.executable, "-m", "adventure", "completion", shell], capture_output=True, text=True,
                       cwd=ROOT)
    assert r.returncode == 0, r.stderr
    return r.stdout


@pytest.fixture(scope="module")
def bash_script(tmp_path_factory):
    if not shutil.which("bash"):
        pytest.skip("no bash")
    path = tmp_path_factory.mktemp("completion") / "adventure.bash"
    path.write_text(script("bash"))
    return path


# Completes the words given as bash would on <TAB>: finds the function `complete -p` registered
# for `adventure`, sets COMP_WORDS and COMP_CWORD, calls it and prints COMPREPLY, one per line.
BASH_DRIVER = r'''
source "$1"; shift
spec=$(complete -p adventure) || exit 3
fn=$(sed -E 's/.* -F ([^ ]+) .*/\1/' <<< "$spec")
COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}; COMPREPLY=()
"$fn" adventure "${@: -1}" "${@: -2:1}"
printf '%s\n' "${COMPREPLY[@]}"
'''


def bash_complete(path, *words: str, cwd=None) -> list[str]:
    r = subprocess.run(["bash", "--norc", "--noprofile", "-c", BASH_DRIVER, "bash", str(path), "adventure", *words],
                       capture_output=True, text=True, cwd=cwd or ROOT / "docs")
    assert r.returncode == 0, r.stderr
    return [w for w in r.stdout.split("\n") if w]


def test_the_bash_script_is_valid_bash(bash_script):
    r = subprocess.run(["bash", "-n", str(bash_script)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_bash_completes_a_command(bash_script):
    assert bash_complete(bash_script, "pl") == ["play"]
    assert sorted(bash_complete(bash_script, "c")) == ["check", "completion"]


def test_bash_completes_options_choices_and_world_names(bash_script, tmp_path):
    assert bash_complete(bash_script, "play", "--pl") == ["--plain"]
    assert bash_complete(bash_script, "--v") == ["--version"]
    assert bash_complete(bash_script, "graph", "tutorial", "--format", "m") == ["mermaid"]
    assert bash_complete(bash_script, "completion", "f") == ["fish"]
    # a world: the shipped names, and folders
    assert bash_complete(bash_script, "check", "tu") == ["tutorial"]
    (tmp_path / "tumbleweed").mkdir()
    assert sorted(bash_complete(bash_script, "play", "tu", cwd=tmp_path)) == ["tumbleweed", "tutorial"]


def test_the_zsh_script_is_valid_zsh():
    if not shutil.which("zsh"):
        pytest.skip("no zsh")
    text = script("zsh")
    assert text.startswith("#compdef adventure")
    r = subprocess.run(["zsh", "-n"], input=text, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    from adventure import shipped_worlds

    assert f"'worlds:shipped world:({' '.join(sorted(shipped_worlds()))})'" in text


def test_fish_completes_commands_options_and_worlds(tmp_path):
    if not shutil.which("fish"):
        pytest.skip("no fish")
    path = tmp_path / "adventure.fish"
    path.write_text(script("fish"))
    assert subprocess.run(["fish", "-n", str(path)], capture_output=True).returncode == 0

    def complete(line: str) -> list[str]:
        r = subprocess.run(["fish", "--no-config", "-c", f"source {path}; complete -C'{line}'"], capture_output=True,
                           text=True, cwd=tmp_path)
        assert r.returncode == 0, r.stderr
        return [w.split("\t")[0] for w in r.stdout.splitlines()]

    assert complete("adventure pl") == ["play"]
    assert complete("adventure play --pl") == ["--plain"]
    assert complete("adventure check tu") == ["tutorial"]


def test_completion_without_shtab_is_one_readable_error(tmp_path):
    """shtab is optional: without it the command says how to get it, and nothing else breaks."""
    (tmp_path / "shtab.py").write_text("raise ImportError('no shtab here')\n")
    env = {"PYTHONPATH": f"{tmp_path}:{ROOT}", "PATH": "/usr/bin:/bin"}
    r = subprocess.run([sys.executable, "-m", "adventure", "completion", "bash"], capture_output=True, text=True,
                       cwd=tmp_path, env=env)
    assert r.returncode == 2 and "pip install 'adventure-engine[completion]'" in r.stderr
    assert "Traceback" not in r.stderr and r.stdout == ""
    r = subprocess.run([sys.executable, "-m", "adventure", "completion", "tcsh"], capture_output=True, text=True,
                       cwd=tmp_path, env=env)
    assert r.returncode == 2 and "invalid choice" in r.stderr


def test_only_the_completion_command_imports_shtab():
    code = ("import sys; from adventure.cli.main import main; main(['worlds']); "
            "print('shtab' in sys.modules, 'adventure.cli.completion' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True).stdout
    assert out.split()[-2:] == ["False", "False"]

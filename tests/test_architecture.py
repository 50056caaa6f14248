"""The house rules of docs/architecture.md, checked on the code: which subpackage may import
which, no import cycles, no file over 800 lines, a pure core."""

import ast
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "adventure"

# subpackage -> the subpackages it may import (besides itself); "" is the package root
# (`adventure/__init__.py`: `__version__` and the lazy public names)
MAY_IMPORT = {
    "core": set(),
    "world": {"core", ""},
    "analysis": {"core", "world", ""},
    "play": {"core", "world", ""},
    "speedrun": {"core", "world", "play", ""},
    "api": {"core", "world", "analysis", "play", "speedrun", ""},
    "publish": {"core", "world", ""},
    "author": {"core", "world", "analysis", ""},
    "cli": {"core", "world", "analysis", "play", "speedrun", "api", "publish", "author", ""},
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """Every adventure module this file imports, at the top or inside a function (a lazy import
    is still a dependency)."""
    mod = module_name(path)
    pkg = mod.split(".") if path.name == "__init__.py" else mod.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = pkg[: len(pkg) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("adventure"):
                continue
            for alias in node.names:  # `from . import loader` names a module
                sub = f"{target}.{alias.name}"
                found.add(sub if (ROOT / (sub.replace(".", "/") + ".py")).exists() else target)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("adventure"))
    found.discard(mod)
    return found


def graph() -> dict[str, set[str]]:
    return {module_name(p): imports_of(p) for p in PACKAGE.rglob("*.py")}


def layer(mod: str) -> str:
    parts = mod.split(".")
    return parts[1] if len(parts) > 1 and (PACKAGE / parts[1]).is_dir() else ""


def test_each_subpackage_imports_only_what_it_may():
    wrong = []
    for mod, deps in graph().items():
        src = layer(mod)
        if src not in MAY_IMPORT:
            continue  # the package root and its shims (adventure.env) name the public API
        for dep in deps:
            dst = layer(dep)
            if dst != src and dst not in MAY_IMPORT[src]:
                wrong.append(f"{mod} imports {dep}")
    assert not wrong, "\n".join(wrong)


def test_every_module_lives_in_a_subpackage():
    """The tree shows the architecture: only the package's face and its entry points sit at the top."""
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert top == ["__init__.py", "__main__.py", "env.py"], top
    assert set(MAY_IMPORT) >= {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}


def test_no_import_cycles():
    g = graph()
    # modules that a package's __init__ re-exports depend on it only through that face: walk
    # module to module
    state: dict[str, int] = {}
    cycles = []

    def visit(m: str, stack: list[str]) -> None:
        state[m] = 1
        stack.append(m)
        for d in sorted(g.get(m, ())):
            if d == "adventure" or d not in g:
                continue
            if state.get(d) == 1:
                cycles.append(" -> ".join(stack[stack.index(d):] + [d]))
            elif d not in state:
                visit(d, stack)
        stack.pop()
        state[m] = 2

    for m in sorted(g):
        if m not in state:
            visit(m, [])
    assert not cycles, "\n".join(cycles)


def test_no_file_over_800_lines():
    long = {str(p.relative_to(ROOT)): n for p in list(PACKAGE.rglob("*.py")) + list((ROOT / "tests").glob("*.py"))
            + list((ROOT / "benchmarks").glob("*.py")) if (n := len(p.read_text().splitlines())) > 800}
    assert not long, long


def test_the_core_imports_nothing_else():
    """`import adventure.core.engine` loads no module of adventure outside adventure.core (the
    package's own __init__, which only names the public API lazily, aside)."""
    code = ("import sys, adventure.core.engine\n"
            "print('\\n'.join(m for m in sys.modules if m.startswith('adventure')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True).stdout
    loaded = set(out.split())
    assert "adventure.core.engine" in loaded
    outside = {m for m in loaded if m != "adventure" and not m.startswith("adventure.core")}
    assert not outside, outside

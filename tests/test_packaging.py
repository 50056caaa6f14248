"""Packaging: the distribution's name and metadata, `adventure --version`, the typed public API."""

import ast
import subprocess
import sys

import tomli

from conftest import ROOT

import adventure


def pyproject() -> dict:
    return tomli.loads((ROOT / "pyproject.toml").read_text())


def test_the_distribution_is_not_called_adventure_and_says_why():
    project = pyproject()["project"]
    # "adventure" on PyPI is a Colossal Cave port whose package is also `adventure`
    assert project["name"] == adventure.__distribution__ == "adventure-engine"
    assert project["scripts"] == {"adventure": "adventure.cli:entry"}
    readme = (ROOT / "README.md").read_text()
    assert "pip install adventure-engine" in readme and "Colossal Cave" in readme


def test_metadata_the_version_the_licence_and_the_extras():
    data = pyproject()
    project = data["project"]
    # one version, written in adventure/__init__.py
    assert project["dynamic"] == ["version"] and "version" not in project
    assert data["tool"]["hatch"]["version"]["path"] == "adventure/__init__.py"
    assert project["license"] == "MIT"
    for f in project["license-files"]:
        assert "Copyright (c) 2026 the adventure authors" in (ROOT / f).read_text()
    assert (ROOT / "adventure" / "py.typed").is_file()
    assert "Typing :: Typed" in project["classifiers"]
    extras = project["optional-dependencies"]
    for extra, dist in (("lsp", "pygls"), ("mcp", "mcp"), ("completion", "shtab")):
        assert any(req.startswith(dist) for req in extras[extra]), extra
    # the base install stays small: the integrations are extras
    assert not any(req.startswith(("pygls", "mcp", "shtab", "taplo")) for req in project["dependencies"])


def test_version_names_the_distribution():
    r = subprocess.run([sys.executable, "-m", "adventure", "--version"], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0
    assert r.stdout == f"adventure {adventure.__version__} (adventure-engine)\n"


def test_version_warns_when_the_other_adventure_is_installed_too(tmp_path):
    """The Colossal Cave port's metadata, as pip would leave it beside this package."""
    info = tmp_path / "adventure-1.7.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: adventure\nVersion: 1.7\n")
    (info / "top_level.txt").write_text("adventure\nadventure/tests\n")
    env = {"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"}
    r = subprocess.run([sys.executable, "-m", "adventure", "--version"], capture_output=True, text=True, cwd=ROOT,
                       env=env)
    assert r.returncode == 0 and r.stdout.startswith("adventure ")
    assert "also installed by the distribution adventure" in r.stderr
    assert "Traceback" not in r.stderr


def _type_checking_imports(tree: ast.Module) -> set[str]:
    names = set()
    for node in tree.body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for imp in node.body:
                if isinstance(imp, ast.ImportFrom) and imp.level:
                    names.update(a.asname or a.name for a in imp.names)
    return names


def test_every_public_name_has_a_type_for_type_checkers():
    """Each lazy public name is imported under TYPE_CHECKING from the module it is loaded from at
    run time, so mypy and editors see its real type (the package ships py.typed)."""
    tree = ast.parse((ROOT / "adventure" / "__init__.py").read_text())
    typed = _type_checking_imports(tree)
    public = {n for n in adventure.__all__ if not n.startswith("__")}
    assert public <= typed, public - typed
    assert set(adventure._LAZY) == public
    for name in public:
        module, attr = adventure._LAZY[name]
        assert getattr(adventure, name) is getattr(__import__(f"adventure.{module}", fromlist=[attr]), attr)


def test_import_adventure_imports_nothing_else():
    code = ("import sys; before = set(sys.modules); import adventure; "
            "print(sorted(m for m in set(sys.modules) - before))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True).stdout
    assert ast.literal_eval(out) == ["adventure"]

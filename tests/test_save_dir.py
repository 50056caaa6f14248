"""Where saves go by default: the user data folder platformdirs gives for this system (issue #19),
with the overrides kept, and the folder of earlier versions (XDG's, on every system) still read."""

import subprocess
import sys

import pytest

import adventure.play.saves as saves
from adventure.play.saves import save_dir

from conftest import ROOT


@pytest.fixture
def installed(monkeypatch, tmp_path):
    """As after `pip install .`: not a checkout, no $ADVENTURE_SAVES; platformdirs' folder in tmp."""
    monkeypatch.delenv("ADVENTURE_SAVES", raising=False)
    monkeypatch.setattr(saves, "_checkout_saves", lambda: None)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    new = tmp_path / "platform" / "adventure"
    import platformdirs

    monkeypatch.setattr(platformdirs, "user_data_dir", lambda app, appauthor=None, **k: str(tmp_path / "platform" / app))
    return new / "saves", tmp_path / "xdg" / "adventure" / "saves"


def test_the_default_is_the_platforms_user_data_folder(installed):
    new, old = installed
    assert save_dir() == new


def test_saves_in_the_folder_of_earlier_versions_are_still_found(installed):
    """On macOS and Windows the default moved (from ~/.local/share/adventure/saves): a player's
    saves there must not disappear."""
    new, old = installed
    (old / "allhands").mkdir(parents=True)
    assert save_dir() == old
    new.mkdir(parents=True)  # once the new folder is in use, it is the one
    assert save_dir() == new


def test_the_overrides_come_first(installed, monkeypatch, tmp_path):
    new, old = installed
    (old / "allhands").mkdir(parents=True)
    assert save_dir(tmp_path / "x") == tmp_path / "x"
    monkeypatch.setenv("ADVENTURE_SAVES", str(tmp_path / "env"))
    assert save_dir() == tmp_path / "env"
    monkeypatch.setattr(saves, "_checkout_saves", lambda: ROOT / "saves")
    monkeypatch.delenv("ADVENTURE_SAVES")
    assert save_dir() == ROOT / "saves"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the XDG folder is Linux's own")
def test_on_linux_the_folder_does_not_move(monkeypatch, tmp_path):
    monkeypatch.delenv("ADVENTURE_SAVES", raising=False)
    monkeypatch.setattr(saves, "_checkout_saves", lambda: None)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert save_dir() == tmp_path / "xdg" / "adventure" / "saves"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert save_dir() == tmp_path / "home" / ".local" / "share" / "adventure" / "saves"


def test_platformdirs_is_imported_only_for_the_default_folder():
    code = ("import sys; from adventure.play.saves import save_dir; import adventure.play.session, adventure.play.tui; "
            "save_dir('x'); assert 'platformdirs' not in sys.modules, 'imported early'; "
            "import os; os.environ.pop('ADVENTURE_SAVES', None); "
            "import adventure.play.saves as s; s._checkout_saves = lambda: None; save_dir(); "
            "assert 'platformdirs' in sys.modules")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr


def test_platformdirs_is_a_dependency():
    import tomllib

    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert any(d.startswith("platformdirs") for d in deps)

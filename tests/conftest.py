from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WORLDS = ROOT / "worlds"
FIXTURES = Path(__file__).resolve().parent / "worlds"


@pytest.fixture
def tutorial():
    from adventure import load_world

    return load_world(WORLDS / "tutorial")


FROZEN_TUTORIAL = ROOT / "tests" / "worlds" / "frozen" / "tutorial-2025"


@pytest.fixture(scope="session")
def tutorial_2025():
    """The tutorial as it was before the second language (three endings, no rules): tests that
    pin its routes, splits and hashes play this copy, which does not change with the tutorial."""
    from adventure import load_world

    return load_world(FROZEN_TUTORIAL)


def write_world(root: Path, world_toml: str, rooms: dict[str, str]) -> Path:
    """Write a world folder from TOML strings; returns its path."""
    (root / "rooms").mkdir(parents=True, exist_ok=True)
    (root / "world.toml").write_text(world_toml)
    for name, text in rooms.items():
        (root / "rooms" / f"{name}.toml").write_text(text)
    return root


@pytest.fixture(autouse=True, scope="session")
def _private_parse_cache(tmp_path_factory):
    """Keep the test suite off the user's parse cache (~/.cache/adventure)."""
    import os

    old = os.environ.get("ADVENTURE_CACHE_DIR")
    os.environ["ADVENTURE_CACHE_DIR"] = str(tmp_path_factory.mktemp("parse-cache"))
    yield
    if old is None:
        os.environ.pop("ADVENTURE_CACHE_DIR", None)
    else:
        os.environ["ADVENTURE_CACHE_DIR"] = old


def quick_and_full(quick: int, full: int):
    """Run a property test twice over: `quick` examples in the default run, `full` under the
    `slow` marker. The test takes `examples` and runs its own @given check that many times."""
    return pytest.mark.parametrize("examples", [pytest.param(quick, id="quick"),
                                                pytest.param(full, id="full", marks=pytest.mark.slow)])

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WORLDS = ROOT / "worlds"
FIXTURES = Path(__file__).resolve().parent / "worlds"


@pytest.fixture
def tutorial():
    from adventure import load_world

    return load_world(WORLDS / "tutorial")


def write_world(root: Path, world_toml: str, rooms: dict[str, str]) -> Path:
    """Write a world folder from TOML strings; returns its path."""
    (root / "rooms").mkdir(parents=True, exist_ok=True)
    (root / "world.toml").write_text(world_toml)
    for name, text in rooms.items():
        (root / "rooms" / f"{name}.toml").write_text(text)
    return root

"""The command line: argument parsing and one module per subcommand (`adventure/cli/<name>.py`)."""

from .main import entry, main

__all__ = ["entry", "main"]

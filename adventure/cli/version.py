"""`adventure --version`: the engine's version, and the distribution that installed it.

The distribution is "adventure-engine"; "adventure" on PyPI is another project (a Colossal Cave
port) whose import package is also `adventure`. Installed into one environment, the two write
into the same `adventure/` folder, and whichever came last wins. The version line names the
distribution, and a warning (on standard error) names any other distribution that claims the `adventure` package.
Only `--version` pays for reading the installed metadata.
"""

from __future__ import annotations

import argparse
import sys


def version_line() -> str:
    from .. import __distribution__, __version__

    return f"adventure {__version__} ({__distribution__})"


def clash_warning() -> str | None:
    """A warning when another installed distribution also provides the `adventure` package."""
    from .. import __distribution__

    try:
        from importlib.metadata import packages_distributions

        owners = set(packages_distributions().get("adventure", ()))
    except Exception:  # unreadable metadata must not break --version
        owners = set()
    others = sorted(o for o in owners if _normal(o) != _normal(__distribution__))
    if not others:
        return None
    return (f"adventure: warning: the `adventure` package is also installed by the distribution "
            f"{', '.join(others)}: the two overwrite each other's files. Install {__distribution__} in "
            f"an environment of its own (python -m venv, or pipx).")


def _normal(name: str) -> str:
    import re

    return re.sub(r"[-_.]+", "-", name).lower()


class VersionAction(argparse.Action):
    """argparse's "version" action, with the line computed only when `--version` is given."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS,
                 help="show the version and the distribution that installed it, and exit"):
        super().__init__(option_strings=option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        sys.stdout.write(version_line() + "\n")
        warning = clash_warning()
        if warning:
            sys.stdout.flush()
            sys.stderr.write(warning + "\n")
        parser.exit()

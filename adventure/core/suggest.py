"""'Did you mean' hints for misspelt keys, names and ids."""

from __future__ import annotations

from collections.abc import Iterable



def did_you_mean(word: str, known: Iterable[str]) -> str | None:
    """The known word closest to `word`, if one is close enough to be a likely typo."""
    import difflib  # only when a hint is wanted: it costs start-up time

    known = [k for k in known if isinstance(k, str)]
    best = difflib.get_close_matches(word, known, n=1, cutoff=0.6)
    if best:
        return best[0]
    low = {k.lower(): k for k in known}
    return low.get(word.lower())

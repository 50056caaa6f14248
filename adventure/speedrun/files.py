"""What the speedrun tools say about files and names: `why` a write failed, in a few words, and
`shown`, a name or a title made safe to print on one line. Writing itself is world/fileio.py's."""

from __future__ import annotations

import errno

from ..core.text import clean

__all__ = ["why", "shown"]


def why(e: OSError) -> str:
    """An OSError in a few words (the file name is said by the caller)."""
    if e.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return "the disk is full" if e.errno == errno.ENOSPC else (
            "over the disk quota" if e.errno == errno.EDQUOT else "the file size limit is reached")
    if e.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if e.errno == errno.EROFS:
        return "it is on a read-only file system"
    if e.errno == errno.ENOTDIR:
        return "part of that path is a file, not a folder"
    if e.errno == errno.ENOENT:
        return "that folder does not exist"
    return e.strerror or str(e)


def shown(s: object, limit: int = 300) -> str:
    """Text from a world, a replay or a file name, made safe to print on one line: control and
    bidirectional characters removed (core.text.clean), line breaks shown as \\n, and cut at
    `limit` characters."""
    s = clean(str(s)).replace("\n", "\\n").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return s if len(s) <= limit else s[: limit - 3] + "..."

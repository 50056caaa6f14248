"""The files the speedrun tools write, and their names on screen.

Temporary files are named `.<final name>.<pid>-<8 hex>.tmp` beside the file they become, so a
writer killed half-way leaves something recognisable: the next write into that folder removes the
ones whose writer is gone or that are over a minute old (our writes live for milliseconds), and
nothing lists or counts them. Files are created without ever replacing an existing one, unless
asked to. `shown` makes a name or a title safe to print on one line.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import time
from pathlib import Path

from ..core.text import clean

__all__ = ["TEMP", "temp_path", "clean_stale_temps", "write_new", "publish", "sync_folder", "why", "shown"]

# .<name>.jsonl|lss.<pid>-<8 hex>.tmp: only our own temporary files match
TEMP = re.compile(r"^\..+\.(?:jsonl|lss)\.(\d{1,10})-[0-9a-f]{8}\.tmp$")
STALE_SECONDS = 60.0


def temp_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")


def _pid_gone(pid: int) -> bool:
    if pid == os.getpid():
        return False
    if pid <= 0:
        return True
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return True
    except (OverflowError, ValueError):  # not a number a process can have
        return True
    except OSError:  # PermissionError: it exists, another user's
        return False
    return False


def clean_stale_temps(folder: Path, now: float | None = None) -> int:
    """Remove our temporary files in `folder` whose writer is gone or that are over a minute old.
    Returns how many were removed; never raises (a folder that cannot be listed is left alone)."""
    now = time.time() if now is None else now
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for e in entries:
        m = TEMP.match(e.name)
        if m is None:
            continue
        try:
            st = e.stat(follow_symlinks=False)
            if _pid_gone(int(m.group(1))) or now - st.st_mtime > STALE_SECONDS:
                os.unlink(e.path)
                removed += 1
        except OSError:
            continue
    return removed


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


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        if n <= 0:  # pragma: no cover - a regular file does not do this
            raise OSError(errno.EIO, "short write")
        view = view[n:]


def sync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError:  # pragma: no cover - some file systems refuse to sync a folder
        pass


def publish(tmp: Path, path: Path, replace: bool = False) -> None:
    """Give the finished temporary file `tmp` its name `path`: never over an existing file unless
    `replace` (FileExistsError). On failure `tmp` is removed."""
    try:
        if replace:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)  # fails if `path` exists: no window in which it could be clobbered
            except FileExistsError:
                raise
            except OSError as e:
                if e.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
                    raise
                # a file system without hard links: the check and the rename are two steps
                if os.path.lexists(path):
                    raise FileExistsError(errno.EEXIST, "exists", str(path)) from None
                os.rename(tmp, path)
                return
            os.unlink(tmp)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    sync_folder(path.parent)


def write_new(path: Path, data: bytes, replace: bool = False) -> None:
    """Write `data` to `path` atomically: a temporary file beside it, flushed to disk, then named.
    Never replaces an existing file unless `replace` (FileExistsError). Stale temporary files of
    ours in that folder are removed first. Raises OSError; leaves nothing behind when it does."""
    clean_stale_temps(path.parent)
    tmp = temp_path(path)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        try:
            write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    publish(tmp, path, replace)


def shown(s: object, limit: int = 300) -> str:
    """Text from a world, a replay or a file name, made safe to print on one line: control and
    bidirectional characters removed (core.text.clean), line breaks shown as \\n, and cut at
    `limit` characters."""
    s = clean(str(s)).replace("\n", "\\n").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return s if len(s) <= limit else s[: limit - 3] + "..."

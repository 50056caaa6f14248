"""Writing files so that a crash never leaves a half-written one: saves, galleries, the parse
cache, pars, replays, exported pages.

A file is written to a temporary file beside it, flushed to disk, then named. Temporary files are
named `.<final name>.<pid>-<8 hex>.tmp`, so a writer killed half-way leaves something
recognisable: the next write into that folder removes the ones whose writer is gone or that are
over a minute old (our writes live for milliseconds), and nothing lists or counts them.
`write_new` never replaces an existing file unless asked; `atomic_write` replaces it.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import time
from pathlib import Path

__all__ = ["TEMP", "temp_path", "clean_stale_temps", "write_all", "sync_folder", "publish", "write_new",
           "atomic_write"]

# .<name>.<pid>-<8 hex>.tmp: only our own temporary files match
TEMP = re.compile(r"^\..+\.(\d{1,10})-[0-9a-f]{8}\.tmp$")
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
        _discard(tmp)
        raise
    sync_folder(path.parent)


def _discard(tmp: Path) -> None:
    try:
        os.unlink(tmp)
    except OSError:
        pass


def write_new(path: Path, data: bytes, replace: bool = False, mode: int = 0o644) -> None:
    """Write `data` to `path` atomically: a temporary file beside it, flushed to disk, then named.
    Never replaces an existing file unless `replace` (FileExistsError). Stale temporary files of
    ours in that folder are removed first. `mode` is the new file's (less the umask). Raises
    OSError; leaves nothing behind when it does."""
    clean_stale_temps(path.parent)
    tmp = temp_path(path)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        try:
            write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        _discard(tmp)
        raise
    publish(tmp, path, replace)


def atomic_write(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Replace `path` with `data` (its folder made if need be): a crash at any moment leaves either
    the old file or the new one, never a mixture. Private by default (saves, caches); a file made
    to be shared passes mode 0o666 (less the umask)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_new(path, data, replace=True, mode=mode)

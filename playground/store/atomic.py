"""Atomic, private file writes (RELIABILITY.md §4.1).

A write goes to a temporary file in the target's own folder, is flushed and fsynced, made 0600,
and moved over the target with `os.replace`, after which the folder is fsynced. A crash or a
``kill -9`` at any moment leaves either the old file or the new one, never half of one; a
failure leaves the old file untouched and no temporary file behind.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import time
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700
TEMP_PREFIX = ".tmp-"
TEMP_SUFFIX = ".part"

_REPLACE_RETRIES = (0.05, 0.1, 0.2, 0.4, 0.8)
"""Backoff for Windows sharing violations (an indexer or antivirus holding the target)."""


def ensure_private_dir(path: Path) -> Path:
    """Create `path` (and parents) if missing; every folder this creates is 0700 (``mkdir``
    gives missing parents the umask's mode, so they are set one by one)."""
    if not path.is_dir():
        missing = [path, *(p for p in path.parents if not p.exists())]
        path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        for folder in missing:
            with contextlib.suppress(OSError):
                folder.chmod(DIR_MODE)
    return path


def _fsync_dir(folder: Path) -> None:
    if sys.platform == "win32":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _replace(source: str, target: str) -> None:
    for delay in (*_REPLACE_RETRIES, None):
        try:
            os.replace(source, target)
            return
        except PermissionError:
            if delay is None or sys.platform != "win32":
                raise
            time.sleep(delay)


def atomic_write_bytes(path: Path, data: bytes, *, mode: int = FILE_MODE) -> Path:
    """Replace the file at `path` with `data`, atomically. A symlink keeps pointing at its
    (updated) target. Returns the real path written.

    Raises:
        OSError: the write failed (disk full, read-only folder, permissions); the old file, if
            any, is intact.
    """
    real = Path(os.path.realpath(path))
    folder = ensure_private_dir(real.parent)
    fd, temp = tempfile.mkstemp(dir=folder, prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, mode)
        _replace(temp, str(real))
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _fsync_dir(folder)
    return real


def atomic_write_text(path: Path, text: str, *, mode: int = FILE_MODE) -> Path:
    """`atomic_write_bytes` for UTF-8 text."""
    return atomic_write_bytes(path, text.encode("utf-8"), mode=mode)


def clean_stale_temps(folder: Path, *, older_than_s: float = 86_400.0) -> int:
    """Delete temporary files a crashed write left in `folder`; returns how many."""
    removed = 0
    cutoff = time.time() - older_than_s
    try:
        entries = list(folder.glob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}"))
    except OSError:
        return 0
    for entry in entries:
        try:
            if entry.stat().st_mtime < cutoff:
                entry.unlink()
                removed += 1
        except OSError:
            continue
    return removed

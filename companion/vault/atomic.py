"""Crash-safe private writes for our own files (SECURITY §2.4)."""
from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

TEMP_PREFIX = ".tmp-"

Opener = Callable[[int], BinaryIO]


def _default_opener(fd: int) -> BinaryIO:
    return os.fdopen(fd, "wb")


def atomic_write(path: Path, data: bytes, opener: Opener = _default_opener) -> None:
    """Write ``data`` to ``path`` so that a crash leaves either the old or the new file.

    The temp file is created 0600 in the same folder, flushed and fsynced, then renamed
    over the target, then the folder is fsynced. On any error the temp file is removed and
    the target is untouched. ``opener`` exists so tests can inject failing files (C9).
    """
    folder = path.parent
    temp = folder / f"{TEMP_PREFIX}{path.name}.{secrets.token_hex(6)}"
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    try:
        with opener(fd) as handle:
            view = memoryview(data)
            while view:
                written = handle.write(view)
                if not written:
                    raise OSError("short write")
                view = view[written:]
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except FileNotFoundError:
            pass
        raise
    fsync_dir(folder)


def fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_stale_temps(folder: Path) -> int:
    """Temp files left by a crash mid-write are debris: the target was never replaced."""
    removed = 0
    for entry in folder.glob(TEMP_PREFIX + "*"):
        try:
            entry.unlink()
            removed += 1
        except OSError:
            pass
    return removed

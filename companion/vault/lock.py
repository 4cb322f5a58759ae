"""One writer per profile: an OS file lock that dies with its process.

``flock``/``LockFileEx`` locks are released by the kernel when the holder exits, even on
SIGKILL, so a crashed process never leaves a lock that blocks the next one; the PID written
inside is only for the message.
"""
from __future__ import annotations

import errno
import os
from pathlib import Path

from companion.vault.errors import FolderNotWritable, ProfileAlreadyOpen

LOCK_NAME = ".lock"

if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError as exc:
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                return False
            raise

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


class ProfileLock:
    """Held while a profile is open; ``release`` (or process death) frees it."""

    def __init__(self, folder: Path, label: str) -> None:
        self.path = folder / LOCK_NAME
        self._fd: int | None = None
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except PermissionError:
            raise FolderNotWritable(label) from None
        except OSError as exc:
            if exc.errno in (errno.EROFS, errno.EACCES):
                raise FolderNotWritable(label) from None
            raise
        if not _try_lock(fd):
            pid = _read_pid(fd)
            os.close(fd)
            raise ProfileAlreadyOpen(label, pid)
        self._fd = fd

    def record_pid(self) -> None:
        """Written only after a successful unlock, so a failed attempt changes no file (A1)."""
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            os.pwrite(self._fd, str(os.getpid()).encode("ascii"), 0)

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            _unlock(fd)
        finally:
            os.close(fd)


def _read_pid(fd: int) -> int | None:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
        return int(text) if text.isdigit() else None
    except OSError:
        return None

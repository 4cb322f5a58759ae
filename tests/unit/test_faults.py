"""Our own writers under failure (C8, C9): the target keeps its old content, no debris."""
from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from companion.vault import atomic, keyslots
from companion.vault.atomic import TEMP_PREFIX, atomic_write
from companion.vault.errors import WrongSecret
from tests.unit.vaultkit import OTHER_PASSPHRASE, PASSPHRASE, folder_state, make_profile, unlock

OLD = b"the previous, complete content\n" * 3
NEW = bytes(range(256)) * 6  # 1536 bytes, about the size of keyslots.json


class FailingFile:
    """A file that accepts ``limit`` bytes and then fails like a full disk (KeePassXC FailDevice)."""

    def __init__(self, fd: int, limit: int, fail_on: str = "write") -> None:
        self._file = os.fdopen(fd, "wb", buffering=0)
        self.limit = limit
        self.fail_on = fail_on
        self.written = 0

    def write(self, data) -> int:
        room = self.limit - self.written
        if room <= 0:
            raise OSError(errno.ENOSPC, "No space left on device (injected)")
        count = self._file.write(bytes(data[:room]))  # a short write, as a filling disk gives
        self.written += count
        return count

    def flush(self) -> None:
        if self.fail_on == "flush":
            raise OSError(errno.EIO, "I/O error on flush (injected)")
        self._file.flush()

    def fileno(self) -> int:
        return self._file.fileno()

    def __enter__(self) -> "FailingFile":
        return self

    def __exit__(self, *exc: object) -> None:
        self._file.close()


def _debris(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(TEMP_PREFIX))


def test_failure_after_every_byte_count_leaves_the_old_file(tmp_path):
    target = tmp_path / "keyslots.json"
    target.write_bytes(OLD)
    for limit in range(len(NEW)):
        with pytest.raises(OSError):
            atomic_write(target, NEW, opener=lambda fd, limit=limit: FailingFile(fd, limit))
        assert target.read_bytes() == OLD, f"failure after {limit} bytes changed the target"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["keyslots.json"], f"debris after {limit} bytes"
    atomic_write(target, NEW, opener=lambda fd: FailingFile(fd, len(NEW)))  # exactly enough room
    assert target.read_bytes() == NEW
    assert os.stat(target).st_mode & 0o777 == 0o600


def test_failure_when_there_was_no_file_leaves_none(tmp_path):
    target = tmp_path / "export.json"
    for limit in (0, 1, len(NEW) // 2, len(NEW) - 1):
        with pytest.raises(OSError):
            atomic_write(target, NEW, opener=lambda fd, limit=limit: FailingFile(fd, limit))
        assert list(tmp_path.iterdir()) == []


def test_failure_on_flush_fsync_or_rename_leaves_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "keyslots.json"
    target.write_bytes(OLD)

    with pytest.raises(OSError):
        atomic_write(target, NEW, opener=lambda fd: FailingFile(fd, len(NEW), fail_on="flush"))
    assert target.read_bytes() == OLD and _debris(tmp_path) == []

    def broken(*args: object) -> None:
        raise OSError(errno.EIO, "injected")

    with monkeypatch.context() as patch:
        patch.setattr(atomic.os, "fsync", broken)
        with pytest.raises(OSError):
            atomic_write(target, NEW)
    assert target.read_bytes() == OLD and _debris(tmp_path) == []

    with monkeypatch.context() as patch:
        patch.setattr(atomic.os, "replace", broken)
        with pytest.raises(OSError):
            atomic_write(target, NEW)
    assert target.read_bytes() == OLD and _debris(tmp_path) == []


def test_failed_directory_fsync_is_reported_and_never_leaves_a_partial_file(tmp_path, monkeypatch):
    target = tmp_path / "keyslots.json"
    target.write_bytes(OLD)
    real_fsync = os.fsync

    def fsync_files_only(fd: int) -> None:
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            raise OSError(errno.EIO, "injected directory fsync failure")
        real_fsync(fd)

    monkeypatch.setattr(atomic.os, "fsync", fsync_files_only)
    with pytest.raises(OSError):
        atomic_write(target, NEW)
    assert target.read_bytes() == NEW  # renamed before the folder fsync: complete, not partial
    assert _debris(tmp_path) == []


def test_file_size_limit_in_a_child_leaves_the_old_file(tmp_path):
    """RLIMIT_FSIZE makes the kernel refuse the write (EFBIG), like a quota or a full disk."""
    target = tmp_path / "keyslots.json"
    target.write_bytes(OLD)
    script = f"""
import errno, resource, signal, sys
from pathlib import Path
from companion.vault.atomic import atomic_write
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
try:
    atomic_write(Path({str(target)!r}), b"n" * 20000)
except OSError as exc:
    print("refused", errno.errorcode.get(exc.errno, exc.errno))
    sys.exit(0)
print("written")
"""
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["refused", "EFBIG"], result.stdout
    assert target.read_bytes() == OLD
    assert _debris(tmp_path) == []


def test_failed_key_slot_write_keeps_the_old_passphrase(store, monkeypatch):
    profile = make_profile(store)
    original = profile.keyslots.read_bytes()
    real_write = keyslots.atomic_write

    with unlock(store, profile) as session:
        for limit in (0, 100, len(original) // 2, len(original) - 1):
            monkeypatch.setattr(
                keyslots,
                "atomic_write",
                lambda path, data, limit=limit: real_write(path, data, lambda fd: FailingFile(fd, limit)),
            )
            with pytest.raises(OSError):
                session.change_passphrase(PASSPHRASE, OTHER_PASSPHRASE)
            assert profile.keyslots.read_bytes() == original
            assert _debris(profile.folder) == []
        monkeypatch.setattr(keyslots, "atomic_write", real_write)
        session.change_passphrase(PASSPHRASE, OTHER_PASSPHRASE)  # the session is still usable

    with pytest.raises(WrongSecret):
        unlock(store, profile, PASSPHRASE)
    with unlock(store, profile, OTHER_PASSPHRASE) as session:
        assert session.verify().ok


def test_temp_debris_is_removed_at_the_next_unlock(store):
    profile = make_profile(store)
    debris = profile.folder / f"{TEMP_PREFIX}keyslots.json.0123456789ab"
    debris.write_bytes(b'{"half": ')
    others = folder_state(profile.folder, exclude={debris.name, ".lock"})
    with unlock(store, profile) as session:
        assert session.verify().ok
    assert not debris.exists()
    assert set(folder_state(profile.folder, exclude={".lock"})) == set(others)

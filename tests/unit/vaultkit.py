"""Helpers shared by the vault and CLI tests (not a test module)."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from companion.vault import keyslots, passphrase
from companion.vault.kdf import FLOOR
from companion.vault.keyring import KeyRing
from companion.vault.secrets_input import Secret
from companion.vault.store import ProfileStore
from tests.conftest import OTHER_PASSPHRASE, PASSPHRASE

__all__ = ["OTHER_PASSPHRASE", "PASSPHRASE", "Profile", "make_profile"]

KEYSLOTS = keyslots.FILE_NAME
VAULT = "vault.db"


@dataclass
class Profile:
    id: str
    nickname: str
    folder: Path
    recovery_code: str
    passphrase: str

    @property
    def keyslots(self) -> Path:
        return self.folder / KEYSLOTS

    @property
    def vault(self) -> Path:
        return self.folder / VAULT


def make_profile(
    store: ProfileStore, nickname: str = "Alice", text: str = PASSPHRASE, **fields: Any
) -> Profile:
    """A closed profile: only vault.db, keyslots.json and .lock in its folder."""
    session, code = store.create(nickname, text, **fields)
    with session:
        profile = Profile(session.profile_id, session.nickname, session.folder, code, text)
    return profile


def unlock(store: ProfileStore, profile: Profile, text: str | None = None):
    return store.unlock(profile.id, Secret.passphrase(profile.passphrase if text is None else text))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def folder_state(folder: Path, exclude: set[str] = frozenset()) -> dict[str, str]:
    """Every file under ``folder`` and the hash of its content."""
    return {
        str(p.relative_to(folder)): sha256(p)
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name not in exclude
    }


def data_key(profile: Profile, secret: bytes | None = None, slot_type: str = "passphrase") -> bytearray:
    """The DEK behind a slot, unwrapped with the module's own function."""
    slot_file = keyslots.read(profile.folder).slot_file
    if secret is None:
        secret = passphrase.normalize(profile.passphrase)
    for slot in slot_file.of_type(slot_type):
        dek = keyslots.unwrap(slot_file.profile_id, slot, secret, FLOOR)
        if dek is not None:
            return dek
    raise AssertionError(f"no {slot_type} slot opens with that secret")


def keyring_for(profile: Profile) -> KeyRing:
    return KeyRing(data_key(profile))


def keyslots_json(profile: Profile) -> dict[str, Any]:
    return json.loads(profile.keyslots.read_text(encoding="ascii"))


class CallCounter:
    """Replaces a function with a counting wrapper."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, owner: object, name: str) -> None:
        self.calls = 0
        real = getattr(owner, name)

        def counting(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(owner, name, counting)


def count_derivations(monkeypatch: pytest.MonkeyPatch) -> CallCounter:
    """Counts Argon2 runs (every KEK goes through companion.vault.kdf.derive)."""
    from companion.vault import kdf

    return CallCounter(monkeypatch, kdf, "derive")


def count_database_opens(monkeypatch: pytest.MonkeyPatch) -> CallCounter:
    from companion.vault import store

    return CallCounter(monkeypatch, store, "open_database")


def flip(path: Path, offset: int, mask: int = 0x01) -> bytes:
    data = bytearray(path.read_bytes())
    data[offset] ^= mask
    path.write_bytes(bytes(data))
    return bytes(data)


def grow_database(store: ProfileStore, profile: Profile, rows: int = 60, size: int = 3000) -> int:
    """Adds a filler table of random blobs; returns the page count of the closed file."""
    import os

    with unlock(store, profile) as session:
        with session.transaction() as conn:
            conn.execute("CREATE TABLE filler(x BLOB)")
            conn.executemany("INSERT INTO filler VALUES (?)", [(os.urandom(size),) for _ in range(rows)])
    size_bytes = profile.vault.stat().st_size
    assert size_bytes % 4096 == 0
    return size_bytes // 4096

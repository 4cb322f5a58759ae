"""Profiles on disk: list, create and unlock. One folder per profile, named by its UUID."""
from __future__ import annotations

import secrets
import shutil
import unicodedata
import uuid
from pathlib import Path

from companion.vault import keyslots, passphrase
from companion.vault.atomic import remove_stale_temps
from companion.vault.db import DB_FILE_NAME, check_driver, open_database
from companion.vault.errors import (
    DamagedFile,
    InvalidProfileName,
    MissingKeyFile,
    ProfileNotFound,
    WrongSecret,
)
from companion.vault.kdf import FLOOR, KdfPolicy, default_policy
from companion.vault.keyring import KeyRing, wipe
from companion.vault.lock import ProfileLock
from companion.vault.migrations import migrate
from companion.vault.paths import ensure_private_dir, profiles_dir
from companion.vault.recovery import new_recovery_key, parse_code
from companion.vault.records import ProfileInfo
from companion.vault.secrets_input import Secret
from companion.vault.session import VaultSession, validate_birth_date, validate_sex

MAX_NICKNAME = 40
_FORBIDDEN_NAME_CHARS = set('/\\:*?"<>|')


def validate_nickname(name: str) -> str:
    """The nickname is the one plaintext label; it must never be usable as a path."""
    cleaned = unicodedata.normalize("NFC", name).strip()
    if not cleaned:
        raise InvalidProfileName("the profile name is empty")
    if len(cleaned) > MAX_NICKNAME:
        raise InvalidProfileName(f"the profile name is longer than {MAX_NICKNAME} characters")
    if cleaned in (".", "..") or ".." in cleaned:
        raise InvalidProfileName("the profile name may not contain '..'")
    bad = [ch for ch in cleaned if ch in _FORBIDDEN_NAME_CHARS or unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp")]
    if bad:
        shown = "".join(sorted({repr(ch)[1:-1] for ch in bad}))
        raise InvalidProfileName(f"the profile name may not contain {shown}: use letters, digits and spaces")
    return cleaned


class ProfileStore:
    """The profiles under one home folder."""

    def __init__(self, home: Path, policy: KdfPolicy | None = None) -> None:
        self.home = home
        self._policy = policy

    @property
    def policy(self) -> KdfPolicy:
        if self._policy is None:
            ensure_private_dir(self.home)
            self._policy = default_policy(self.home / "kdf-calibration.json")
        return self._policy

    @property
    def root(self) -> Path:
        return profiles_dir(self.home)

    # ---- listing -------------------------------------------------------------------------
    def profiles(self) -> list[ProfileInfo]:
        if not self.root.is_dir():
            return []
        found = []
        for folder in sorted(self.root.iterdir()):
            if not folder.is_dir() or not _is_uuid(folder.name):
                continue
            if not (folder / keyslots.FILE_NAME).exists():
                if (folder / DB_FILE_NAME).exists():
                    found.append(ProfileInfo(folder.name, None, folder, "key file missing"))
                continue
            try:
                loaded = keyslots.read(folder)
            except DamagedFile:
                found.append(ProfileInfo(folder.name, None, folder, "key file damaged"))
                continue
            nickname = loaded.slot_file.nickname
            problem = None if loaded.slot_file.profile_id == folder.name else "key file belongs elsewhere"
            found.append(ProfileInfo(folder.name, nickname, folder, problem))
        return sorted(found, key=lambda p: (p.label.casefold(), p.id))

    def find(self, name: str) -> ProfileInfo:
        wanted = unicodedata.normalize("NFC", name).strip().casefold()
        for info in self.profiles():
            if info.id == name or (info.nickname and info.nickname.casefold() == wanted):
                return info
        raise ProfileNotFound(name)

    # ---- creating ------------------------------------------------------------------------
    def create(
        self,
        nickname: str,
        passphrase_text: str,
        *,
        full_name: str | None = None,
        birth_date: str | None = None,
        sex_at_birth: str | None = None,
    ) -> tuple[VaultSession, str]:
        """A new profile, unlocked; returns it with the recovery code to show once."""
        check_driver()
        nickname = validate_nickname(nickname)
        if any(p.nickname and p.nickname.casefold() == nickname.casefold() for p in self.profiles()):
            raise InvalidProfileName(f"a profile named {nickname!r} exists already")
        full_name = (full_name or nickname).strip()
        birth = validate_birth_date(birth_date)
        sex = validate_sex(sex_at_birth)
        passphrase.check(passphrase_text, [nickname, *full_name.split()])

        profile_id = str(uuid.uuid4())
        ensure_private_dir(self.root)
        folder = self.root / profile_id
        folder.mkdir(mode=0o700)
        lock = ProfileLock(folder, nickname)
        dek = bytearray(secrets.token_bytes(32))
        keyring = KeyRing(dek)
        try:
            key, code = new_recovery_key()
            secret = bytearray(passphrase.normalize(passphrase_text))
            try:
                pass_slot = keyslots.wrap(profile_id, "passphrase", "Owner passphrase", secret, dek, self.policy.target)
            finally:
                wipe(secret)
            rec_slot = keyslots.wrap(profile_id, "recovery", "Recovery code", key, dek, FLOOR)
            slot_file = keyslots.KeySlotFile(profile_id, nickname, keyslots.now_iso(), (pass_slot, rec_slot))
            conn = open_database(folder / DB_FILE_NAME, keyring.sqlcipher_key_hex(), create=True)
            migrate(conn)
            with conn.transaction():
                now = keyslots.now_iso()
                conn.executemany(
                    "INSERT INTO meta (key, value) VALUES (?, ?)",
                    [("profile_id", profile_id), ("created_at", now)],
                )
                conn.execute(
                    "INSERT INTO profile (id, full_name, birth_date, sex_at_birth, updated_at) VALUES (1, ?, ?, ?, ?)",
                    (full_name, birth, sex, now),
                )
                conn.execute(
                    "INSERT INTO audit (at, event, actor_role) VALUES (?, 'profile_created', 'owner')", (now,)
                )
            slot_bytes = keyslots.serialize(slot_file, keyring)
            keyslots.atomic_write(folder / keyslots.FILE_NAME, slot_bytes)
        except BaseException:
            keyring.wipe()
            lock.release()
            shutil.rmtree(folder, ignore_errors=True)
            raise
        session = VaultSession(
            folder=folder,
            slot_file=slot_file,
            slot_bytes=slot_bytes,
            opened_with=pass_slot,
            connection=conn,
            keyring=keyring,
            lock=lock,
            policy=self.policy,
        )
        return session, code

    # ---- unlocking -----------------------------------------------------------------------
    def unlock(self, profile: ProfileInfo | str, secret: Secret) -> VaultSession:
        info = profile if isinstance(profile, ProfileInfo) else self.find(profile)
        folder = info.folder
        if not (folder / keyslots.FILE_NAME).exists():
            raise MissingKeyFile(info.label)
        if not (folder / DB_FILE_NAME).exists():
            raise DamagedFile(DB_FILE_NAME, "the file is missing")
        check_driver()
        lock = ProfileLock(folder, info.label)
        try:
            session = self._open_locked(folder, secret, lock)
        except BaseException:
            lock.release()
            raise
        return session

    def _open_locked(self, folder: Path, secret: Secret, lock: ProfileLock) -> VaultSession:
        remove_stale_temps(folder)
        loaded = keyslots.read(folder)
        slot_file = loaded.slot_file
        if slot_file.profile_id != folder.name:
            raise DamagedFile(keyslots.FILE_NAME, "it belongs to another profile")
        if secret.kind == "recovery":
            secret_bytes = bytearray(parse_code(secret.text))
            candidates = slot_file.of_type("recovery")
        else:
            secret_bytes = bytearray(passphrase.normalize(secret.text))
            candidates = slot_file.of_type("passphrase") + slot_file.of_type("caregiver")
        try:
            # Refuse weak parameters in any candidate before running Argon2 on one (A4).
            for slot in candidates:
                if not slot.kdf.at_least(self.policy.floor):
                    raise keyslots.KdfBelowPolicy()
            dek, used = None, None
            for slot in candidates:
                dek = keyslots.unwrap(slot_file.profile_id, slot, secret_bytes, self.policy.floor)
                if dek is not None:
                    used = slot
                    break
        finally:
            wipe(secret_bytes)
        if dek is None or used is None:
            raise WrongSecret(secret.kind)
        keyring = KeyRing(dek)
        try:
            loaded.verify_mac(keyring)
            conn = open_database(folder / DB_FILE_NAME, keyring.sqlcipher_key_hex())
            try:
                row = conn.execute("SELECT value FROM meta WHERE key = 'profile_id'").fetchone()
                if row is None or row[0] != slot_file.profile_id:
                    raise DamagedFile(DB_FILE_NAME, "it belongs to another profile")
                migrate(conn)
            except BaseException:
                conn.close(checkpoint=False)
                raise
        except BaseException:
            keyring.wipe()
            raise
        session = VaultSession(
            folder=folder,
            slot_file=slot_file,
            slot_bytes=loaded.raw,
            opened_with=used,
            connection=conn,
            keyring=keyring,
            lock=lock,
            policy=self.policy,
        )
        lock.record_pid()
        if secret.kind == "passphrase":
            session.upgrade_slot_if_weak(secret.text)
        session.record_audit("unlock", slot_type=used.type)
        return session


def _is_uuid(text: str) -> bool:
    try:
        return str(uuid.UUID(text)) == text
    except ValueError:
        return False

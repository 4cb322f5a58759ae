"""An unlocked profile: its connection, its keys, its role and the key-slot operations."""
from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from companion.vault import keyslots, passphrase
from companion.vault.db import DB_FILE_NAME, GuardedConnection, open_database
from companion.vault.errors import (
    DamagedFile,
    InvalidProfileName,
    ReadOnlyAccess,
    VaultClosed,
    VaultError,
    WrongSecret,
)
from companion.vault.kdf import FLOOR, KdfPolicy
from companion.vault.keyring import KeyRing, wipe
from companion.vault.lock import ProfileLock
from companion.vault.migrations import schema_version
from companion.vault.recovery import new_recovery_key
from companion.vault.records import AuditEvent, ProfileRecord, SlotSummary, VerifyReport

SEXES = ("female", "male")


def summarize(slot: keyslots.Slot) -> SlotSummary:
    return SlotSummary(
        id=slot.id,
        type=slot.type,
        role=slot.role,
        label=slot.label,
        memory_kib=slot.kdf.memory_kib,
        iterations=slot.kdf.iterations,
        lanes=slot.kdf.lanes,
        created=slot.created,
    )


def validate_birth_date(text: str | None, today: date | None = None) -> str | None:
    if text in (None, ""):
        return None
    try:
        born = date.fromisoformat(str(text))
    except ValueError:
        raise InvalidProfileName(f"birth date {text!r} is not a date in the form YYYY-MM-DD") from None
    today = today or date.today()
    if born > today or born.year < 1900:
        raise InvalidProfileName("birth date must be between 1900 and today")
    return born.isoformat()


def validate_sex(text: str | None) -> str | None:
    if text in (None, ""):
        return None
    if text not in SEXES:
        raise InvalidProfileName("sex at birth must be 'female' or 'male'")
    return text


class VaultSession:
    """Owns the connection, the key ring and the profile lock until :meth:`close`."""

    def __init__(
        self,
        *,
        folder: Path,
        slot_file: keyslots.KeySlotFile,
        slot_bytes: bytes,
        opened_with: keyslots.Slot,
        connection: GuardedConnection,
        keyring: KeyRing,
        lock: ProfileLock,
        policy: KdfPolicy,
    ) -> None:
        self.folder = folder
        self._slot_file = slot_file
        self._slot_bytes = slot_bytes
        self.opened_with = opened_with
        self._conn: GuardedConnection | None = connection
        self._keyring: KeyRing | None = keyring
        self._lock = lock
        self._policy = policy

    # ---- identity ------------------------------------------------------------------------
    @property
    def profile_id(self) -> str:
        return self._slot_file.profile_id

    @property
    def nickname(self) -> str:
        return self._slot_file.nickname

    @property
    def role(self) -> str:
        return self.opened_with.role

    @property
    def read_only(self) -> bool:
        return self.role != "owner"

    @property
    def closed(self) -> bool:
        return self._conn is None

    @property
    def connection(self) -> GuardedConnection:
        if self._conn is None:
            raise VaultClosed()
        return self._conn

    def _ring(self) -> KeyRing:
        if self._keyring is None:
            raise VaultClosed()
        return self._keyring

    # ---- writing -------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[GuardedConnection]:
        """A write by the person; caregivers are read-only."""
        if self.read_only:
            raise ReadOnlyAccess()
        with self.connection.transaction() as conn:
            yield conn

    def record_audit(self, event: str, **detail: int | str) -> None:
        """Audit rows are the app's own bookkeeping, so read-only sessions write them too."""
        with self.connection.transaction() as conn:
            conn.execute(
                "INSERT INTO audit (at, event, actor_role, detail) VALUES (?, ?, ?, ?)",
                (keyslots.now_iso(), event, self.role, json.dumps(detail, sort_keys=True)),
            )

    def audit_events(self, limit: int = 50) -> list[AuditEvent]:
        rows = self.connection.execute(
            "SELECT at, event, actor_role, detail FROM audit ORDER BY id DESC LIMIT ?", (limit,)
        ).fetchall()
        return [AuditEvent(r[0], r[1], r[2], json.loads(r[3])) for r in rows]

    # ---- the profile record ----------------------------------------------------------------
    def profile(self) -> ProfileRecord:
        row = self.connection.execute(
            "SELECT full_name, birth_date, sex_at_birth FROM profile WHERE id = 1"
        ).fetchone()
        if row is None:
            raise DamagedFile("vault.db", "the profile record is missing")
        return ProfileRecord(row[0], row[1], row[2])

    def update_profile(
        self, *, full_name: str | None = None, birth_date: str | None = None, sex_at_birth: str | None = None
    ) -> ProfileRecord:
        current = self.profile()
        name = current.full_name if full_name is None else full_name.strip()
        if not name or len(name) > 200:
            raise InvalidProfileName("the name must have 1 to 200 characters")
        born = current.birth_date if birth_date is None else validate_birth_date(birth_date)
        sex = current.sex_at_birth if sex_at_birth is None else validate_sex(sex_at_birth)
        with self.transaction() as conn:
            conn.execute(
                "UPDATE profile SET full_name = ?, birth_date = ?, sex_at_birth = ?, updated_at = ? WHERE id = 1",
                (name, born, sex, keyslots.now_iso()),
            )
        return ProfileRecord(name, born, sex)

    # ---- key slots -----------------------------------------------------------------------
    def slots(self) -> list[SlotSummary]:
        return [summarize(s) for s in self._slot_file.slots]

    def _context_words(self) -> list[str]:
        words = [self.nickname]
        try:
            words += self.profile().full_name.split()
        except VaultError:
            pass
        return words

    def _require_owner(self) -> None:
        if self.read_only:
            raise ReadOnlyAccess()

    def _verify_owner_passphrase(self, current: str) -> None:
        """Step-up authentication: the owner's passphrase must open the passphrase slot."""
        secret = bytearray(passphrase.normalize(current))
        try:
            for slot in self._slot_file.of_type("passphrase"):
                dek = keyslots.unwrap(self.profile_id, slot, secret, FLOOR)
                if dek is not None:
                    wipe(dek)
                    return
        finally:
            wipe(secret)
        raise WrongSecret("passphrase")

    def _save_slots(self, new_file: keyslots.KeySlotFile) -> None:
        path = self.folder / keyslots.FILE_NAME
        try:
            on_disk = path.read_bytes()
        except FileNotFoundError:
            on_disk = b""
        if on_disk != self._slot_bytes:
            # Another program changed the key file since we opened it: never write over it.
            raise DamagedFile(keyslots.FILE_NAME, "it was changed by another program while open")
        data = keyslots.serialize(new_file, self._ring())
        keyslots.atomic_write(path, data)
        self._slot_file, self._slot_bytes = new_file, data

    def _wrap(self, slot_type: str, label: str, secret_text: str | bytes, slot_id: str | None = None) -> keyslots.Slot:
        if isinstance(secret_text, bytes):
            secret = bytearray(secret_text)
            params = FLOOR  # a random recovery key: its entropy makes KDF cost irrelevant
        else:
            secret = bytearray(passphrase.normalize(secret_text))
            params = self._policy.target
        try:
            return keyslots.wrap(
                self.profile_id, slot_type, label, secret, self._ring().data_key(), params, slot_id
            )
        finally:
            wipe(secret)

    def change_passphrase(self, current: str, new: str) -> None:
        """Rewrap the passphrase slot; the database is not touched."""
        self._require_owner()
        passphrase.check(new, self._context_words())
        self._verify_owner_passphrase(current)
        old = self._slot_file.of_type("passphrase")[0]
        slot = self._wrap("passphrase", old.label, new, slot_id=old.id)
        self._save_slots(self._slot_file.with_slot(slot))
        self.record_audit("passphrase_changed")

    def reset_passphrase_with_recovery(self, new: str) -> str:
        """After a recovery-code unlock: a new passphrase and a new recovery code (the old one stops)."""
        if self.opened_with.type != "recovery":
            raise VaultError("a passphrase reset needs the recovery code")
        passphrase.check(new, self._context_words())
        old = self._slot_file.of_type("passphrase")[0]
        key, code = new_recovery_key()
        pass_slot = self._wrap("passphrase", old.label, new, slot_id=old.id)
        rec_slot = self._wrap("recovery", "Recovery code", key)
        updated = self._slot_file.with_slot(pass_slot)
        for stale in self._slot_file.of_type("recovery"):
            updated = updated.without(stale.id)
        self._save_slots(updated.with_slot(rec_slot))
        self.opened_with = pass_slot
        self.record_audit("passphrase_reset_with_recovery_code")
        return code

    def regenerate_recovery_code(self, current: str) -> str:
        self._require_owner()
        self._verify_owner_passphrase(current)
        key, code = new_recovery_key()
        updated = self._slot_file
        for stale in self._slot_file.of_type("recovery"):
            updated = updated.without(stale.id)
        self._save_slots(updated.with_slot(self._wrap("recovery", "Recovery code", key)))
        self.record_audit("recovery_code_regenerated")
        return code

    def add_caregiver(self, owner_passphrase: str, label: str, caregiver_passphrase: str) -> SlotSummary:
        self._require_owner()
        label = label.strip()
        if not label or len(label) > 60 or any(ord(ch) < 32 for ch in label):
            raise InvalidProfileName("the caregiver's name must have 1 to 60 characters")
        passphrase.check(caregiver_passphrase, self._context_words() + [label])
        self._verify_owner_passphrase(owner_passphrase)
        slot = self._wrap("caregiver", label, caregiver_passphrase)
        self._save_slots(self._slot_file.with_slot(slot))
        self.record_audit("caregiver_added", caregivers=len(self._slot_file.of_type("caregiver")))
        return summarize(slot)

    def remove_caregiver(self, owner_passphrase: str, slot_id: str) -> None:
        self._require_owner()
        slot = self._slot_file.slot(slot_id)
        if slot.type != "caregiver":
            raise VaultError("only caregiver access can be removed")
        self._verify_owner_passphrase(owner_passphrase)
        self._save_slots(self._slot_file.without(slot_id))
        self.record_audit("caregiver_removed", caregivers=len(self._slot_file.of_type("caregiver")))

    def upgrade_slot_if_weak(self, secret_text: str) -> bool:
        """Rewrap the slot just used when it is weaker than the current policy (A4)."""
        used = self.opened_with
        if used.type == "recovery" or not self._policy.needs_upgrade(used.kdf):
            return False
        slot = self._wrap(used.type, used.label, secret_text, slot_id=used.id)
        self._save_slots(self._slot_file.with_slot(slot))
        self.opened_with = slot
        return True

    # ---- checks and closing --------------------------------------------------------------
    def verify(self) -> VerifyReport:
        conn = self.connection
        integrity = [str(r[0]) for r in conn.execute("PRAGMA integrity_check").fetchall()]
        cipher = [" ".join(str(c) for c in r) for r in conn.execute("PRAGMA cipher_integrity_check").fetchall()]
        version = str(conn.execute("PRAGMA cipher_version").fetchone()[0])
        return VerifyReport(schema_version(conn), integrity, cipher, version, self.slots())

    def spawn_worker(self) -> "WorkerSession":
        """A view of this session with its own connection, for one background thread.

        DESIGN §7: each thread opens its own connection. The worker shares identity and role
        but owns no keys and no lock: closing it closes only its connection.
        """
        key_hex = self._ring().sqlcipher_key_hex()
        conn = open_database(self.folder / DB_FILE_NAME, key_hex, verify_pages=False)
        del key_hex
        return WorkerSession(self, conn)

    def close(self) -> None:
        """Checkpoint, close the connection, wipe the keys, release the lock (in that order)."""
        try:
            if self._conn is not None:
                self._conn.close(checkpoint=True)
        finally:
            self._conn = None
            if self._keyring is not None:
                self._keyring.wipe()
            self._keyring = None
            self._lock.release()
            gc.collect()

    @property
    def keys_wiped(self) -> bool:
        return self._keyring is None

    def __enter__(self) -> "VaultSession":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<VaultSession {self.profile_id} role={self.role} closed={self.closed}>"


class WorkerSession(VaultSession):
    """What :meth:`VaultSession.spawn_worker` returns: same profile, own connection."""

    def __init__(self, parent: VaultSession, connection: GuardedConnection) -> None:  # noqa: D107
        self._parent = parent
        self.folder = parent.folder
        self._slot_file = parent._slot_file
        self._slot_bytes = parent._slot_bytes
        self.opened_with = parent.opened_with
        self._conn = connection
        self._keyring = None
        self._lock = parent._lock
        self._policy = parent._policy

    def spawn_worker(self) -> "WorkerSession":
        return self._parent.spawn_worker()

    def close(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            conn.close(checkpoint=False)

    def __repr__(self) -> str:
        return f"<WorkerSession {self.profile_id} role={self.role} closed={self.closed}>"

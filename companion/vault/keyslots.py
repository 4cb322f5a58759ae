"""``keyslots.json``: the data key wrapped once per secret (passphrase, recovery, caregiver).

Each slot: KEK = Argon2id(secret, salt, params stored in the slot); wrapped = AES-256-GCM(KEK,
nonce, DEK) with associated data = file format + version + profile id + the slot's header
(id, type, role, label, KDF parameters, salt), so a swapped, edited or downgraded slot fails
to unwrap (SECURITY §2.1).

The whole file carries two seals: ``checksum`` (SHA-256 of everything else, detects damage
without any secret) and ``mac`` (HMAC under a sub-key of the DEK, detects a deliberate edit
once a slot has been opened). The file must also be byte-identical to its canonical form,
so every single flipped byte is caught.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path


from companion.vault import kdf
from companion.vault.atomic import Opener, _default_opener, atomic_write
from companion.vault.errors import DamagedFile, KdfBelowPolicy, VaultError
from companion.vault.keyring import KeyRing, wipe

FILE_NAME = "keyslots.json"
FORMAT = "health-companion-keyslots"
VERSION = 1
MAX_FILE_BYTES = 256 * 1024
SLOT_TYPES = ("passphrase", "recovery", "caregiver")
ROLES = {"passphrase": "owner", "recovery": "owner", "caregiver": "read-only"}


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: object, expected_len: int | None = None) -> bytes:
    if not isinstance(text, str):
        raise ValueError("not text")
    data = base64.b64decode(text.encode("ascii"), validate=True)
    if expected_len is not None and len(data) != expected_len:
        raise ValueError("wrong length")
    return data


def now_iso() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


@dataclass(frozen=True)
class Slot:
    id: str
    type: str
    label: str
    kdf: kdf.KdfParams
    salt: bytes
    nonce: bytes
    wrapped: bytes
    created: str

    @property
    def role(self) -> str:
        return ROLES[self.type]

    def header(self) -> dict[str, object]:
        return {
            "id": self.id,
            "type": self.type,
            "role": self.role,
            "label": self.label,
            "kdf": self.kdf.to_json(),
            "salt": _b64(self.salt),
            "created": self.created,
        }

    def to_json(self) -> dict[str, object]:
        return {**self.header(), "nonce": _b64(self.nonce), "wrapped": _b64(self.wrapped)}


@dataclass(frozen=True)
class KeySlotFile:
    profile_id: str
    nickname: str
    created: str
    slots: tuple[Slot, ...] = field(default_factory=tuple)

    def slot(self, slot_id: str) -> Slot:
        for slot in self.slots:
            if slot.id == slot_id:
                return slot
        raise VaultError(f"no key slot {slot_id}")

    def of_type(self, slot_type: str) -> list[Slot]:
        return [s for s in self.slots if s.type == slot_type]

    def with_slot(self, slot: Slot) -> "KeySlotFile":
        others = tuple(s for s in self.slots if s.id != slot.id)
        return replace(self, slots=others + (slot,))

    def without(self, slot_id: str) -> "KeySlotFile":
        return replace(self, slots=tuple(s for s in self.slots if s.id != slot_id))

    def body(self) -> dict[str, object]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "profile_id": self.profile_id,
            "nickname": self.nickname,
            "created": self.created,
            "slots": [s.to_json() for s in self.slots],
        }


def _canonical(obj: object) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def _pretty(obj: object) -> bytes:
    return (json.dumps(obj, sort_keys=True, indent=2, ensure_ascii=True) + "\n").encode("ascii")


def _aad(profile_id: str, slot: Slot) -> bytes:
    return _canonical({"format": FORMAT, "version": VERSION, "profile_id": profile_id, "slot": slot.header()})


# ---- wrapping ---------------------------------------------------------------------------

# cryptography is imported inside the functions that use it: listing profiles on the unlock
# window needs no crypto, and the import is a measurable part of cold start (bench/run.py).


def wrap(
    profile_id: str,
    slot_type: str,
    label: str,
    secret: bytes | bytearray,
    dek: bytearray,
    params: kdf.KdfParams,
    slot_id: str | None = None,
) -> Slot:
    if slot_type not in SLOT_TYPES:
        raise ValueError(slot_type)
    draft = Slot(
        id=slot_id or secrets.token_hex(8),
        type=slot_type,
        label=label,
        kdf=params,
        salt=os.urandom(16),
        nonce=os.urandom(12),
        wrapped=b"",
        created=now_iso(),
    )
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # noqa: PLC0415

    kek = kdf.derive(secret, draft.salt, params)
    try:
        wrapped = AESGCM(bytes(kek)).encrypt(draft.nonce, bytes(dek), _aad(profile_id, draft))
    finally:
        wipe(kek)
    return replace(draft, wrapped=wrapped)


def unwrap(profile_id: str, slot: Slot, secret: bytes | bytearray, floor: kdf.KdfParams) -> bytearray | None:
    """The DEK if ``secret`` opens ``slot``; ``None`` if it does not."""
    if not slot.kdf.at_least(floor):
        raise KdfBelowPolicy()
    from cryptography.exceptions import InvalidTag  # noqa: PLC0415
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # noqa: PLC0415

    kek = kdf.derive(secret, slot.salt, slot.kdf)
    try:
        dek = AESGCM(bytes(kek)).decrypt(slot.nonce, slot.wrapped, _aad(profile_id, slot))
    except InvalidTag:
        return None
    finally:
        wipe(kek)
    return bytearray(dek)


# ---- the file ---------------------------------------------------------------------------

def serialize(slot_file: KeySlotFile, keyring: KeyRing) -> bytes:
    body = slot_file.body()
    sealed = {**body, "mac": _b64(keyring.keyslot_mac(_canonical(body)))}
    sealed["checksum"] = hashlib.sha256(_canonical(sealed)).hexdigest()
    return _pretty(sealed)


def write(folder: Path, slot_file: KeySlotFile, keyring: KeyRing, opener: Opener = _default_opener) -> None:
    atomic_write(folder / FILE_NAME, serialize(slot_file, keyring), opener)


def _parse_slot(raw: object) -> Slot:
    if not isinstance(raw, dict):
        raise ValueError("slot")
    params = raw["kdf"]
    if not isinstance(params, dict) or params.get("name") != kdf.KDF_NAME:
        raise ValueError("kdf")
    numbers = [params.get(k) for k in ("memory_kib", "iterations", "lanes")]
    if not all(type(n) is int and 0 < n < 2**32 for n in numbers):
        raise ValueError("kdf numbers")
    slot_type, label, slot_id, created = raw["type"], raw["label"], raw["id"], raw["created"]
    if slot_type not in SLOT_TYPES or raw.get("role") != ROLES[slot_type]:
        raise ValueError("type")
    if not all(isinstance(v, str) for v in (label, slot_id, created)):
        raise ValueError("text")
    return Slot(
        id=slot_id,
        type=slot_type,
        label=label,
        kdf=kdf.KdfParams(*numbers),  # type: ignore[arg-type]
        salt=_unb64(raw["salt"]),
        nonce=_unb64(raw["nonce"], 12),
        wrapped=_unb64(raw["wrapped"], 48),
        created=created,
    )


@dataclass(frozen=True)
class LoadedSlots:
    slot_file: KeySlotFile
    mac: bytes
    body_bytes: bytes
    raw: bytes

    def verify_mac(self, keyring: KeyRing) -> None:
        if not hmac.compare_digest(keyring.keyslot_mac(self.body_bytes), self.mac):
            raise DamagedFile(FILE_NAME, "its seal does not match")


def parse(data: bytes) -> LoadedSlots:
    """Check the checksum and canonical form and build the typed file; DamagedFile otherwise."""
    if len(data) > MAX_FILE_BYTES:
        raise DamagedFile(FILE_NAME, "too large")
    try:
        sealed = json.loads(data.decode("ascii"))
        if not isinstance(sealed, dict):
            raise ValueError("not an object")
        if _pretty(sealed) != data:
            raise ValueError("not canonical")
        checksum = sealed.pop("checksum")
        if not isinstance(checksum, str) or not hmac.compare_digest(
            hashlib.sha256(_canonical(sealed)).hexdigest(), checksum
        ):
            raise ValueError("checksum")
        mac = _unb64(sealed.pop("mac"), 32)
        if sealed.get("format") != FORMAT:
            raise ValueError("format")
        if sealed.get("version") != VERSION:
            raise ValueError("version")
        slots = sealed["slots"]
        if not isinstance(slots, list):
            raise ValueError("slots")
        slot_file = KeySlotFile(
            profile_id=str(sealed["profile_id"]),
            nickname=str(sealed["nickname"]),
            created=str(sealed["created"]),
            slots=tuple(_parse_slot(s) for s in slots),
        )
        if _canonical(slot_file.body()) != _canonical(sealed):
            raise ValueError("unexpected fields")
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, binascii.Error, RecursionError) as exc:
        raise DamagedFile(FILE_NAME) from exc
    return LoadedSlots(slot_file=slot_file, mac=mac, body_bytes=_canonical(slot_file.body()), raw=data)


def read(folder: Path) -> LoadedSlots:
    path = folder / FILE_NAME
    with open(path, "rb") as handle:
        data = handle.read(MAX_FILE_BYTES + 1)
    return parse(data)

"""The unlocked data key and the sub-keys derived from it, held in wipeable buffers.

CPython cannot promise that no copy survives (SECURITY §2.5); we keep the keys in
``bytearray`` objects owned here, overwrite them on lock, and refuse repr and pickling.
"""
from __future__ import annotations

import ctypes
import hashlib
import hmac


SQLCIPHER_LABEL = b"health-companion/v1/sqlcipher-page-key"
KEYSLOT_MAC_LABEL = b"health-companion/v1/keyslots-mac"
BACKUP_LABEL = b"health-companion/v1/backup-envelope"


def wipe(buffer: bytearray) -> None:
    if buffer:
        ctypes.memset((ctypes.c_char * len(buffer)).from_buffer(buffer), 0, len(buffer))


def _hkdf(key: bytearray, label: bytes) -> bytearray:
    from cryptography.hazmat.primitives import hashes  # noqa: PLC0415 - see keyslots.py
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF  # noqa: PLC0415
    return bytearray(HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label).derive(bytes(key)))


class KeyRing:
    """Owns the DEK of one unlocked profile."""

    __slots__ = ("_dek", "_buffers")

    def __init__(self, dek: bytearray) -> None:
        if len(dek) != 32:
            raise ValueError("data key must be 32 bytes")
        self._dek = dek
        self._buffers: list[bytearray] = [dek]

    @property
    def wiped(self) -> bool:
        return all(not any(buf) for buf in self._buffers)

    def data_key(self) -> bytearray:
        return self._dek

    def sqlcipher_key_hex(self) -> str:
        # A str cannot be wiped; callers build it at the last moment and drop it (SECURITY §2.2).
        sub = _hkdf(self._dek, SQLCIPHER_LABEL)
        try:
            return sub.hex()
        finally:
            wipe(sub)

    def keyslot_mac(self, body: bytes) -> bytes:
        sub = _hkdf(self._dek, KEYSLOT_MAC_LABEL)
        try:
            return hmac.new(bytes(sub), body, hashlib.sha256).digest()
        finally:
            wipe(sub)

    def wipe(self) -> None:
        for buf in self._buffers:
            wipe(buf)

    def __repr__(self) -> str:
        return "<KeyRing (redacted)>"

    def __reduce__(self) -> object:
        raise TypeError("a KeyRing cannot be pickled")

"""Recovery codes: 128 random bits as grouped Crockford base32 with a check value.

``XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX``: 26 characters of key (130 bits, two zero pad bits)
and 2 check characters (the 130-bit value modulo the prime 1021), so a typo is caught before
Argon2 runs: every single mistyped character and every swap of two neighbouring characters is
caught for certain (10 bits of a hash would miss about one typo in a thousand).
Crockford's alphabet has no I, L, O or U; on input they are read as 1, 1, 0 (U is refused).
"""
from __future__ import annotations

import secrets

from companion.vault.errors import RecoveryCodeTypo

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
_ALIASES = {"O": "0", "I": "1", "L": "1"}
KEY_BYTES = 16
KEY_CHARS = 26
CHECK_CHARS = 2
GROUP = 4
CHECK_MODULUS = 1021  # the largest prime below 32 ** CHECK_CHARS


def _check(key: bytes) -> str:
    # A changed character k places from the end changes the value by d * 32**k (0 < |d| < 32),
    # a swap of neighbours by d * 31 * 32**k: neither is ever a multiple of the prime 1021.
    value = (int.from_bytes(key, "big") << 2) % CHECK_MODULUS
    return ALPHABET[value >> 5] + ALPHABET[value & 31]


def _encode_key(key: bytes) -> str:
    number = int.from_bytes(key, "big") << 2
    chars = []
    for _ in range(KEY_CHARS):
        chars.append(ALPHABET[number & 31])
        number >>= 5
    return "".join(reversed(chars))


def format_code(key: bytes) -> str:
    raw = _encode_key(key) + _check(key)
    return "-".join(raw[i : i + GROUP] for i in range(0, len(raw), GROUP))


def new_recovery_key() -> tuple[bytes, str]:
    """A fresh random key and the code a person writes down."""
    key = secrets.token_bytes(KEY_BYTES)
    return key, format_code(key)


def parse_code(text: str) -> bytes:
    """The key behind a typed code; :class:`RecoveryCodeTypo` if it cannot be one."""
    cleaned = "".join(ch for ch in text.upper() if ch not in " -\t\r\n")
    cleaned = "".join(_ALIASES.get(ch, ch) for ch in cleaned)
    if len(cleaned) != KEY_CHARS + CHECK_CHARS or any(ch not in _VALUE for ch in cleaned):
        raise RecoveryCodeTypo()
    number = 0
    for ch in cleaned[:KEY_CHARS]:
        number = (number << 5) | _VALUE[ch]
    if number & 0b11:
        raise RecoveryCodeTypo()
    key = (number >> 2).to_bytes(KEY_BYTES, "big")
    if _check(key) != cleaned[KEY_CHARS:]:
        raise RecoveryCodeTypo()
    return key


def looks_like_recovery_code(text: str) -> bool:
    cleaned = "".join(ch for ch in text.upper() if ch not in " -")
    return len(cleaned) == KEY_CHARS + CHECK_CHARS and all(
        ch in _VALUE or ch in _ALIASES for ch in cleaned
    )

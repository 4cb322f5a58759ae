"""Argon2id key derivation with parameters that travel with each key slot.

Floor (refused below, before Argon2 runs): 64 MiB, t=3, p=4 — RFC 9106's second
recommended option and Bitwarden's default (SECURITY §2.1). The default for new passphrase
slots is calibrated on this machine to about half a second.
"""
from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path


from companion.vault.atomic import atomic_write

KDF_NAME = "argon2id"
KEY_LENGTH = 32
MIB = 1024  # memory is counted in KiB


@dataclass(frozen=True)
class KdfParams:
    memory_kib: int
    iterations: int
    lanes: int

    def cost(self) -> int:
        return self.memory_kib * self.iterations

    def at_least(self, other: "KdfParams") -> bool:
        return (
            self.memory_kib >= other.memory_kib
            and self.iterations >= other.iterations
            and self.lanes >= other.lanes
        )

    def to_json(self) -> dict[str, object]:
        return {"name": KDF_NAME, **asdict(self)}


FLOOR = KdfParams(memory_kib=64 * MIB, iterations=3, lanes=4)
MEMORY_CAP_KIB = 1024 * MIB
TARGET_SECONDS = 0.5


def derive(secret: bytes | bytearray, salt: bytes, params: KdfParams) -> bytearray:
    """Argon2id(secret, salt) → 32-byte key; callers must check the floor first."""
    # Imported on use, like all of cryptography in the vault: it is part of cold start.
    from cryptography.hazmat.primitives.kdf.argon2 import Argon2id  # noqa: PLC0415

    kdf = Argon2id(
        salt=salt,
        length=KEY_LENGTH,
        iterations=params.iterations,
        lanes=params.lanes,
        memory_cost=params.memory_kib,
    )
    return bytearray(kdf.derive(bytes(secret)))


def calibrate(target_seconds: float = TARGET_SECONDS) -> KdfParams:
    """Scale memory from the floor so that one derivation takes about ``target_seconds``.

    Memory (not iterations) grows first because it is what makes GPU guessing expensive.
    """
    salt = os.urandom(16)
    timings = []
    for _ in range(2):  # the first run pays for page faults; take the faster
        started = time.perf_counter()
        derive(b"calibration", salt, FLOOR)
        timings.append(time.perf_counter() - started)
    floor_seconds = max(min(timings), 1e-3)
    scale = target_seconds / floor_seconds
    if scale <= 1:
        return FLOOR
    memory = int(FLOOR.memory_kib * scale) // (16 * MIB) * (16 * MIB)
    memory = max(FLOOR.memory_kib, min(memory, MEMORY_CAP_KIB))
    return KdfParams(memory_kib=memory, iterations=FLOOR.iterations, lanes=FLOOR.lanes)


@dataclass(frozen=True)
class KdfPolicy:
    """What new passphrase slots get (``target``) and what is refused (below ``floor``)."""

    target: KdfParams
    floor: KdfParams = FLOOR

    def needs_upgrade(self, params: KdfParams) -> bool:
        # Half the target's cost is enough: calibration is noisy and rewrapping on every
        # small difference would rewrite the key file at each unlock.
        return params.cost() * 2 < self.target.cost() or params.memory_kib < self.floor.memory_kib


def default_policy(cache: Path | None = None) -> KdfPolicy:
    """Calibrated policy, measured once per machine and remembered in ``cache``.

    ``COMPANION_KDF=floor`` uses the floor (tests, very slow machines); it cannot go below
    the floor, so it weakens nothing the policy allows.
    """
    if os.environ.get("COMPANION_KDF") == "floor":
        return KdfPolicy(target=FLOOR)
    if cache is not None:
        try:
            stored = json.loads(cache.read_text(encoding="utf-8"))
            params = KdfParams(int(stored["memory_kib"]), int(stored["iterations"]), int(stored["lanes"]))
            if params.at_least(FLOOR) and params.memory_kib <= MEMORY_CAP_KIB:
                return KdfPolicy(target=params)
        except (OSError, ValueError, KeyError, TypeError):
            pass
    params = calibrate()
    if cache is not None:
        try:
            atomic_write(cache, json.dumps(asdict(params)).encode("ascii"))
        except OSError:
            pass
    return KdfPolicy(target=params)

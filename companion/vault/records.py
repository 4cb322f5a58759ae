"""Plain records the vault hands out (no Qt, no connection inside)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SlotSummary:
    id: str
    type: str
    role: str
    label: str
    memory_kib: int
    iterations: int
    lanes: int
    created: str

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "type": self.type,
            "role": self.role,
            "label": self.label,
            "kdf": {
                "name": "argon2id",
                "memory_kib": self.memory_kib,
                "iterations": self.iterations,
                "lanes": self.lanes,
            },
            "created": self.created,
        }


@dataclass(frozen=True)
class ProfileInfo:
    """What can be known about a profile without unlocking it."""

    id: str
    nickname: str | None
    folder: Path
    problem: str | None = None

    @property
    def label(self) -> str:
        return self.nickname or self.id


@dataclass(frozen=True)
class ProfileRecord:
    full_name: str
    birth_date: str | None
    sex_at_birth: str | None


@dataclass(frozen=True)
class AuditEvent:
    at: str
    event: str
    actor_role: str
    detail: dict[str, object]


@dataclass(frozen=True)
class VerifyReport:
    schema_version: int
    integrity_check: list[str]
    cipher_integrity_check: list[str]
    cipher_version: str
    slots: list[SlotSummary]

    @property
    def ok(self) -> bool:
        return self.integrity_check == ["ok"] and not self.cipher_integrity_check

"""A secret as typed by a person: which kind it is and its text."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

SecretKind = Literal["passphrase", "recovery"]


@dataclass(frozen=True, repr=False)
class Secret:
    kind: SecretKind
    text: str

    def __repr__(self) -> str:
        return f"Secret({self.kind}, redacted)"

    @classmethod
    def passphrase(cls, text: str) -> "Secret":
        return cls("passphrase", text)

    @classmethod
    def recovery(cls, text: str) -> "Secret":
        return cls("recovery", text)

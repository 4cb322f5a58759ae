"""The project's own exceptions: each carries one sentence a person can act on.

The message is shown to users and printed by the CLI, so it must never quote health data,
file contents or secrets; it may name a file of ours (``vault.db``) or a profile nickname.
"""
from __future__ import annotations


class CompanionError(Exception):
    """Base of every error the app reports to a person instead of crashing."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message

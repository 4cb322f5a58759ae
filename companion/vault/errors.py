"""Errors the vault reports. Messages name our own files, never health data or secrets."""
from __future__ import annotations

from companion.errors import CompanionError


class VaultError(CompanionError):
    """Something about a profile's vault that a person must know about."""


class WrongSecret(VaultError):
    def __init__(self, kind: str = "passphrase") -> None:
        if kind == "recovery":
            super().__init__("wrong passphrase or recovery code: the recovery code does not open this profile")
        else:
            super().__init__("wrong passphrase: it does not open this profile")


class RecoveryCodeTypo(VaultError):
    def __init__(self) -> None:
        super().__init__(
            "that recovery code has a typo (its check characters do not match); check each group again"
        )


class DamagedFile(VaultError):
    """A file of the vault fails its checks: damaged on disk or altered by someone."""

    def __init__(self, file_name: str, detail: str = "") -> None:
        self.file_name = file_name
        suffix = f" ({detail})" if detail else ""
        super().__init__(
            f"{file_name} is damaged or was altered{suffix}; nothing was changed. "
            "Restore the profile from a backup."
        )


class MissingKeyFile(VaultError):
    def __init__(self, profile_label: str) -> None:
        super().__init__(
            f"keyslots.json is missing for profile {profile_label}: without it the vault cannot be "
            "unlocked. Restore the profile folder from a backup."
        )


class KdfBelowPolicy(VaultError):
    def __init__(self) -> None:
        super().__init__(
            "keyslots.json is damaged or was altered: its key-derivation parameters are below "
            "policy, so it was refused before use"
        )


class ProfileAlreadyOpen(VaultError):
    def __init__(self, label: str, pid: int | None) -> None:
        who = f" (process {pid})" if pid else ""
        super().__init__(
            f"profile {label} is already open in another window or command{who}; close it there first"
        )


class ProfileNotFound(VaultError):
    def __init__(self, name: str) -> None:
        super().__init__(f"no profile named {name!r}; 'companion profile list' shows the profiles")


class InvalidProfileName(VaultError):
    pass


class WeakPassphrase(VaultError):
    pass


class ReadOnlyAccess(VaultError):
    def __init__(self) -> None:
        super().__init__("caregiver access is read-only: this change needs the profile owner's passphrase")


class DiskFull(VaultError):
    def __init__(self) -> None:
        super().__init__("the disk is full: the change was not saved. Free some space and try again")


class StorageFailed(VaultError):
    def __init__(self) -> None:
        super().__init__(
            "the disk reported an error while saving (it may be full, or removed); the change was not saved"
        )


class NewerVault(VaultError):
    def __init__(self, found: int, supported: int) -> None:
        super().__init__(
            f"this profile was saved by a newer version of Health Companion (schema {found}; this "
            f"version reads up to {supported}). Update the app to open it"
        )


class EncryptionUnavailable(VaultError):
    def __init__(self, detail: str) -> None:
        super().__init__(
            f"encryption is not available ({detail}); refusing to start rather than store data unencrypted"
        )


class ForbiddenStatement(VaultError):
    def __init__(self) -> None:
        super().__init__("refused a database statement that could write unencrypted data")


class VaultClosed(VaultError):
    def __init__(self) -> None:
        super().__init__("the profile is locked; unlock it again")


class FolderNotWritable(VaultError):
    def __init__(self, label: str) -> None:
        super().__init__(
            f"the folder of profile {label} cannot be written (read-only disk or missing permission); "
            "nothing was changed"
        )

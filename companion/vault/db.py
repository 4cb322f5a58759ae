"""Opening a profile's SQLCipher database with a raw key, in the order SECURITY §2.2 sets.

Only this module talks to the SQLCipher driver; the rest of the app gets a
:class:`GuardedConnection` that refuses statements which could write plaintext.
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import sqlcipher3

from companion.vault.errors import (
    DamagedFile,
    DiskFull,
    EncryptionUnavailable,
    FolderNotWritable,
    ForbiddenStatement,
    StorageFailed,
    VaultClosed,
)

DB_FILE_NAME = "vault.db"
EXPECTED_CIPHER_SETTINGS = {
    "cipher_page_size": "4096",
    "cipher_hmac_algorithm": "HMAC_SHA512",
    "cipher_plaintext_header_size": "0",
}
BUSY_TIMEOUT_MS = 5000
# With ten or more statements kept prepared, every insert of a large transaction runs ~3× slower
# (SQLCipher 4.19 via sqlcipher3 0.6.4: 50k observation rows 0.6 s → 1.9 s; bench/sqlcipher_inserts.py),
# so the driver keeps only a few. Re-preparing a statement costs microseconds.
STATEMENT_CACHE = 5

# Statements that could create or leave an unencrypted copy (SECURITY §2.2, test G10).
_FORBIDDEN = [
    re.compile(r"\bKEY\s*(=\s*)?(''|\"\")", re.IGNORECASE),
    re.compile(r"\brekey\b", re.IGNORECASE),
    re.compile(r"cipher_plaintext_header_size", re.IGNORECASE),
    re.compile(r"\bsqlcipher_export\b", re.IGNORECASE),
    re.compile(r"\bATTACH\b", re.IGNORECASE),
    re.compile(r"\bVACUUM\s+INTO\b", re.IGNORECASE),
]

driver: ModuleType = sqlcipher3


def check_driver(module: ModuleType | None = None) -> str:
    """Refuse to run on a driver without SQLCipher or with on-disk temp files (G9)."""
    module = module or driver
    try:
        probe = module.connect(":memory:")
    except Exception as exc:  # noqa: BLE001 - any failure means we cannot encrypt
        raise EncryptionUnavailable(type(exc).__name__) from None
    try:
        rows = probe.execute("PRAGMA cipher_version").fetchall()
        version = rows[0][0] if rows else ""
        if not version:
            raise EncryptionUnavailable("the SQLite library has no SQLCipher")
        options = {r[0] for r in probe.execute("PRAGMA compile_options").fetchall()}
        if not ({"TEMP_STORE=2", "TEMP_STORE=3"} & options):
            raise EncryptionUnavailable("SQLCipher was built without in-memory temp storage")
        return str(version)
    finally:
        probe.close()


def is_disk_full(exc: BaseException) -> bool:
    return "database or disk is full" in str(exc).lower()


def is_io_error(exc: BaseException) -> bool:
    # What SQLite reports when a write hits RLIMIT_FSIZE, a yanked USB stick or a bad sector.
    return "disk i/o error" in str(exc).lower()


def is_damage(exc: BaseException) -> bool:
    text = str(exc).lower()
    return any(
        marker in text
        for marker in ("file is not a database", "malformed", "hmac", "corrupt", "disk image")
    )


class GuardedConnection:
    """The one way the app runs SQL on a vault: guarded statements, explicit transactions."""

    def __init__(self, raw: Any, path: Path) -> None:
        self._raw = raw
        self.path = path

    @property
    def closed(self) -> bool:
        return self._raw is None

    def _conn(self) -> Any:
        if self._raw is None:
            raise VaultClosed()
        return self._raw

    @staticmethod
    def _check(sql: str) -> None:
        for pattern in _FORBIDDEN:
            if pattern.search(sql):
                raise ForbiddenStatement()

    def execute(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> Any:
        self._check(sql)
        try:
            return self._conn().execute(sql, params)
        except driver.DatabaseError as exc:
            raise self._translate(exc) from None

    def executemany(self, sql: str, rows: Any) -> Any:
        self._check(sql)
        try:
            return self._conn().executemany(sql, rows)
        except driver.DatabaseError as exc:
            raise self._translate(exc) from None

    def _translate(self, exc: BaseException) -> BaseException:
        if is_disk_full(exc):
            return DiskFull()
        if is_io_error(exc):
            return StorageFailed()
        if is_damage(exc):
            return DamagedFile(DB_FILE_NAME)
        return exc

    @contextmanager
    def transaction(self) -> Iterator["GuardedConnection"]:
        """BEGIN IMMEDIATE … COMMIT; ROLLBACK on any error (one writer, no half writes)."""
        conn = self._conn()
        try:
            conn.execute("BEGIN IMMEDIATE")
        except driver.DatabaseError as exc:
            raise self._translate(exc) from None
        try:
            yield self
        except BaseException:
            try:
                conn.execute("ROLLBACK")
            except driver.DatabaseError:
                pass
            raise
        try:
            conn.execute("COMMIT")
        except driver.DatabaseError as exc:
            try:
                conn.execute("ROLLBACK")
            except driver.DatabaseError:
                pass
            raise self._translate(exc) from None

    def checkpoint(self) -> None:
        self._conn().execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self, checkpoint: bool = True) -> None:
        if self._raw is None:
            return
        try:
            if checkpoint:
                try:
                    self.checkpoint()
                except driver.DatabaseError:
                    pass
        finally:
            self._raw.close()
            self._raw = None

    def rekey_raw(self, key_hex: str) -> None:
        """The only rekey the app issues: to another random raw key, never to ''."""
        if not re.fullmatch(r"[0-9a-f]{64}", key_hex):
            raise ForbiddenStatement()
        self._conn().execute(f"PRAGMA rekey = \"x'{key_hex}'\"")


def _open_error(exc: BaseException, path: Path) -> Exception:
    if is_disk_full(exc):
        return DiskFull()
    if "readonly" in str(exc).lower() or "unable to open" in str(exc).lower():
        return FolderNotWritable(path.parent.name)
    return DamagedFile(DB_FILE_NAME)


def _make_private(path: Path) -> None:
    """0600 whatever the umask of the process that called us (the CLI and tests harden it)."""
    if os.name != "posix":
        return
    for candidate in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            os.chmod(candidate, 0o600)
        except FileNotFoundError:
            pass


def _authenticate_wal_read_only(path: Path, key_hex: str) -> None:
    """Check every page, the -wal's included, through a read-only connection first.

    Closing a read-write connection checkpoints the -wal into the database, so a damaged or
    foreign -wal would be copied over a good vault.db and then deleted. A read-only
    connection never checkpoints: when a check fails, vault.db and the -wal stay as they
    were (B3, B4).
    """
    raw = driver.connect(path.absolute().as_uri() + "?mode=ro", uri=True, isolation_level=None)
    try:
        raw.execute("PRAGMA cipher_memory_security = ON")
        raw.execute("PRAGMA cipher_log_level = NONE")
        raw.execute(f"PRAGMA key = \"x'{key_hex}'\"")
        raw.execute("SELECT count(*) FROM sqlite_master").fetchall()
        if raw.execute("PRAGMA cipher_integrity_check").fetchall():
            raise DamagedFile(DB_FILE_NAME, "a page fails its authentication check")
    finally:
        raw.close()


def open_database(path: Path, key_hex: str, *, create: bool = False, verify_pages: bool = True) -> GuardedConnection:
    """Open ``path`` with a raw 256-bit key and apply the checklist; DamagedFile on failure.

    The key has already been authenticated by AES-GCM in the key slot, so a failure to read
    page 1 means the file is damaged, not that the key is wrong. ``verify_pages=False`` is for
    a second connection of a session that has just verified every page.
    """
    if not create and not path.exists():
        raise DamagedFile(DB_FILE_NAME, "the file is missing")
    if not create and path.stat().st_size == 0:
        # SQLite would take an empty file for a new database and write one over it (B2, B4).
        raise DamagedFile(DB_FILE_NAME, "the file is empty")
    if create and path.exists():
        raise DamagedFile(DB_FILE_NAME, "a database already exists there")
    if not re.fullmatch(r"[0-9a-f]{64}", key_hex):
        raise ValueError("raw key must be 64 hex digits")
    wal = path.with_name(path.name + "-wal")
    if verify_pages and not create and wal.exists() and wal.stat().st_size > 0:
        try:
            _authenticate_wal_read_only(path, key_hex)
        except driver.DatabaseError as exc:
            raise _open_error(exc, path) from None
    # The UI unlocks in a worker thread and hands the session to the main thread, which is
    # then its only user; the one-writer rule, not this flag, keeps use single-threaded.
    raw = driver.connect(str(path), isolation_level=None, check_same_thread=False, cached_statements=STATEMENT_CACHE)
    try:
        raw.execute("PRAGMA cipher_memory_security = ON")
        raw.execute("PRAGMA cipher_log_level = NONE")
        raw.execute(f"PRAGMA key = \"x'{key_hex}'\"")
        raw.execute("SELECT count(*) FROM sqlite_master").fetchall()
        settings = {
            name: str(raw.execute(f"PRAGMA {name}").fetchone()[0]) for name in EXPECTED_CIPHER_SETTINGS
        }
        if settings != EXPECTED_CIPHER_SETTINGS:
            raise DamagedFile(DB_FILE_NAME, "unexpected encryption settings")
        if not raw.execute("PRAGMA cipher_version").fetchone()[0]:
            raise DamagedFile(DB_FILE_NAME, "opened without SQLCipher")
        if str(raw.execute("PRAGMA journal_mode = WAL").fetchone()[0]).lower() != "wal":
            raise DamagedFile(DB_FILE_NAME, "cannot use write-ahead logging")
        for pragma in (
            "synchronous = FULL",
            "temp_store = MEMORY",
            "secure_delete = ON",
            "foreign_keys = ON",
            "trusted_schema = OFF",
            f"busy_timeout = {BUSY_TIMEOUT_MS}",
        ):
            raw.execute(f"PRAGMA {pragma}")
        _make_private(path)
        if verify_pages and not create:
            failures = raw.execute("PRAGMA cipher_integrity_check").fetchall()
            if failures:
                raise DamagedFile(DB_FILE_NAME, "a page fails its authentication check")
    except DamagedFile:
        raw.close()
        raise
    except driver.DatabaseError as exc:
        raw.close()
        raise _open_error(exc, path) from None
    return GuardedConnection(raw, path)

"""Schema migrations: numbered steps, one transaction each, recorded in ``user_version``."""
from __future__ import annotations

from collections.abc import Callable

from companion.vault.db import GuardedConnection
from companion.vault.errors import NewerVault

Step = Callable[[GuardedConnection], None]


def _v1(conn: GuardedConnection) -> None:
    conn.execute(
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT"
    )
    conn.execute(
        """CREATE TABLE profile (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            full_name TEXT NOT NULL,
            birth_date TEXT,
            sex_at_birth TEXT CHECK (sex_at_birth IN ('female', 'male')),
            updated_at TEXT NOT NULL
        ) STRICT"""
    )
    # Audit rows record what happened, never health data: event code, role, counts.
    conn.execute(
        """CREATE TABLE audit (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            event TEXT NOT NULL,
            actor_role TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT '{}'
        ) STRICT"""
    )


MIGRATIONS: list[tuple[int, Step]] = [(1, _v1)]
LATEST = MIGRATIONS[-1][0]


def schema_version(conn: GuardedConnection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: GuardedConnection) -> int:
    """Bring the schema to :data:`LATEST`; refuse a vault newer than this app."""
    current = schema_version(conn)
    if current > LATEST:
        raise NewerVault(current, LATEST)
    for version, step in MIGRATIONS:
        if version <= current:
            continue
        with conn.transaction():
            step(conn)
            conn.execute(f"PRAGMA user_version = {int(version)}")
        current = version
    return current

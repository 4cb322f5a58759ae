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


def _v2(conn: GuardedConnection) -> None:
    """Imported source files and genomes (DESIGN §5).

    No file names are stored (SECURITY: import file names are canary-sensitive): a document is
    known by its sha256, size and format. Its bytes are kept in chunks of at most 4 MiB,
    zlib-compressed unless the file already was (gzip, zip, bzip2).
    """
    conn.execute(
        """CREATE TABLE document (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            sha256 TEXT NOT NULL UNIQUE CHECK (length(sha256) = 64),
            size INTEGER NOT NULL CHECK (size >= 0),
            format TEXT,
            compression TEXT NOT NULL CHECK (compression IN ('zlib', 'none')),
            created_at TEXT NOT NULL
        ) STRICT"""
    )
    conn.execute(
        """CREATE TABLE document_chunk (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES document (id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            data BLOB NOT NULL,
            UNIQUE (document_id, seq)
        ) STRICT"""
    )
    conn.execute(
        """CREATE TABLE genome (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES document (id),
            format TEXT NOT NULL,
            format_label TEXT NOT NULL,
            declared_build INTEGER,
            build INTEGER,
            build_source TEXT NOT NULL,
            strand TEXT NOT NULL,
            sex TEXT CHECK (sex IN ('female', 'male')),
            x_heterozygosity REAL,
            y_called INTEGER NOT NULL DEFAULT 0,
            markers INTEGER NOT NULL,
            called INTEGER NOT NULL,
            call_rate REAL NOT NULL,
            duplicates INTEGER NOT NULL,
            skipped INTEGER NOT NULL,
            sample TEXT,
            is_primary INTEGER NOT NULL DEFAULT 0 CHECK (is_primary IN (0, 1)),
            imported_at TEXT NOT NULL,
            knowledge_version TEXT NOT NULL,
            warnings TEXT NOT NULL DEFAULT '[]',
            chunk_encoding INTEGER NOT NULL
        ) STRICT"""
    )
    # One genome per (file, sample); at most one primary genome per profile.
    conn.execute("CREATE UNIQUE INDEX genome_source ON genome (document_id, coalesce(sample, ''))")
    conn.execute("CREATE UNIQUE INDEX genome_one_primary ON genome (is_primary) WHERE is_primary = 1")
    # All calls, compactly: chunks in the order the file gave them, each with its range so a
    # position lookup opens only the chunks that can hold it (chrom NULL = mixed chromosomes).
    conn.execute(
        """CREATE TABLE genome_chunk (
            id INTEGER PRIMARY KEY,
            genome_id INTEGER NOT NULL REFERENCES genome (id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            chrom TEXT,
            first_pos INTEGER NOT NULL,
            last_pos INTEGER NOT NULL,
            n INTEGER NOT NULL,
            data BLOB NOT NULL,
            UNIQUE (genome_id, seq)
        ) STRICT"""
    )
    conn.execute("CREATE INDEX genome_chunk_range ON genome_chunk (genome_id, chrom, first_pos)")
    # Only the calls at knowledge-base positions, for instant lookup.
    conn.execute(
        """CREATE TABLE genome_call (
            id INTEGER PRIMARY KEY,
            genome_id INTEGER NOT NULL REFERENCES genome (id) ON DELETE CASCADE,
            marker_id TEXT NOT NULL,
            chrom TEXT NOT NULL,
            pos INTEGER NOT NULL,
            genotype TEXT NOT NULL
        ) STRICT"""
    )
    conn.execute("CREATE INDEX genome_call_marker ON genome_call (genome_id, marker_id)")
    conn.execute("CREATE INDEX genome_call_position ON genome_call (genome_id, chrom, pos)")


def _v3(conn: GuardedConnection) -> None:
    """Lifestyle and vitals observations, and goals (issue 5; DESIGN §5).

    One row per observation, LOINC-coded, the value in the type's canonical unit next to the
    value and unit as entered. Times are UTC ``YYYY-MM-DDTHH:MM:SSZ`` (sortable as text) with the
    source's UTC offset kept, so days are the person's local days. ``(source, type, source_id)``
    is unique: re-importing an export adds nothing, and a deleted row (``deleted_at``, kept for
    undo) stays deleted when its file is imported again. ``batch`` names the import that added
    a row, so an import can be undone as a whole.
    """
    conn.execute(
        """CREATE TABLE observation (
            id INTEGER PRIMARY KEY,
            type TEXT NOT NULL,
            loinc TEXT,
            value REAL,
            value_code TEXT,
            entered_value REAL,
            unit TEXT NOT NULL,
            start_utc TEXT NOT NULL CHECK (length(start_utc) = 20),
            end_utc TEXT CHECK (end_utc IS NULL OR end_utc >= start_utc),
            utc_offset INTEGER NOT NULL DEFAULT 0,
            source TEXT NOT NULL,
            source_id TEXT NOT NULL,
            batch INTEGER,
            created_at TEXT NOT NULL,
            updated_at TEXT,
            deleted_at TEXT,
            CHECK (value IS NOT NULL OR value_code IS NOT NULL),
            UNIQUE (source, type, source_id)
        ) STRICT"""
    )
    # Queries over all types use this index too (type IN (…) AND start_utc range). No index on
    # start_utc alone or on batch: each made imports slower, for a query that is rare (undoing an
    # import scans the table once).
    conn.execute("CREATE INDEX observation_type_time ON observation (type, start_utc)")
    # A goal's value is in the type's canonical unit; the unit it was set in is kept for display.
    conn.execute(
        """CREATE TABLE goal (
            id INTEGER PRIMARY KEY,
            type TEXT NOT NULL,
            target TEXT NOT NULL CHECK (target IN ('at_most', 'at_least', 'daily_total', 'weekly_total')),
            value REAL NOT NULL,
            entered_value REAL NOT NULL,
            unit TEXT NOT NULL,
            created_at TEXT NOT NULL,
            deleted_at TEXT
        ) STRICT"""
    )
    # One current goal per type and kind: setting a new one retires the old (deleted_at).
    conn.execute("CREATE UNIQUE INDEX goal_current ON goal (type, target) WHERE deleted_at IS NULL")


def _v4(conn: GuardedConnection) -> None:
    """The person's own answers to the risk calculators' questions (issue 6).

    One row per input key of ``companion.risk.inputs.KEYS`` (``on_bp_treatment``, ``diabetes``,
    family history, ethnicity …), the value as JSON (true/false, a number or a choice), so each
    question is asked once. Measurements are not kept here: they live in ``observation`` with
    their dates.
    """
    conn.execute(
        """CREATE TABLE risk_answer (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL CHECK (json_valid(value)),
            updated_at TEXT NOT NULL
        ) STRICT"""
    )


def _v5(conn: GuardedConnection) -> None:
    """The device a reading came from (Apple Health's ``sourceName``: "Anna's iPhone", "Anna's
    Apple Watch"), so that steps a phone and a watch both counted are not added up
    (``aggregate.daily``). NULL where the source has one device (typed, CSV, Fitbit…)."""
    conn.execute("ALTER TABLE observation ADD COLUMN device TEXT")


MIGRATIONS: list[tuple[int, Step]] = [(1, _v1), (2, _v2), (3, _v3), (4, _v4), (5, _v5)]
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

#!/usr/bin/env python3
"""SQLCipher insert speed: 50k observation rows through a bare SQLCipher connection and through
one set up as ``open_database`` + ``migrate`` set it up (same schema, rows and transaction).

Found on 2026-11-22: with ten or more statements in the driver's prepared-statement cache, every
insert of a large transaction ran ~3× slower (0.6 s → 1.9 s here). ``open_database`` now keeps
the cache at ``STATEMENT_CACHE`` (5); this benchmark shows the two connections side by side so a
regression is seen at once.

    python3 bench/sqlcipher_inserts.py
"""
from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

if Path(sys.prefix).resolve() != (ROOT / ".venv").resolve():
    from run import ensure_venv

    sys.exit(subprocess.run([str(ensure_venv()), __file__, *sys.argv[1:]]).returncode)

import sqlcipher3  # noqa: E402

from companion.vault.db import open_database  # noqa: E402
from companion.vault.migrations import _v3, migrate  # noqa: E402

INSERT = (
    "INSERT OR IGNORE INTO observation (type, loinc, value, value_code, entered_value, unit, start_utc, end_utc, "
    "utc_offset, source, source_id, batch, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"
)
KEY = "ab" * 32


def _rows(n: int) -> list[tuple]:
    t0 = dt.datetime(2020, 1, 1)
    stamp = "%Y-%m-%dT%H:%M:%SZ"
    return [("steps", "55423-8", 100.0, None, 100.0, "1", (t0 + dt.timedelta(minutes=10 * i)).strftime(stamp),
             (t0 + dt.timedelta(minutes=10 * i + 5)).strftime(stamp), 0, "Apple Health",
             hashlib.sha256(str(i).encode()).hexdigest()[:32], 1, "2026-01-01T00:00:00Z") for i in range(n)]  # fmt: skip


class _Plain:
    def __init__(self, raw: object) -> None:
        self.raw = raw

    def execute(self, sql: str, params: tuple = ()) -> object:
        return self.raw.execute(sql, params)  # type: ignore[attr-defined]


def _bare(path: Path) -> object:
    raw = sqlcipher3.connect(str(path), isolation_level=None)
    raw.execute("PRAGMA cipher_memory_security = ON")
    raw.execute(f"PRAGMA key = \"x'{KEY}'\"")
    raw.execute("PRAGMA journal_mode = WAL")
    for pragma in ("synchronous = FULL", "temp_store = MEMORY", "secure_delete = ON", "foreign_keys = ON",
                   "trusted_schema = OFF"):  # fmt: skip
        raw.execute(f"PRAGMA {pragma}")
    _v3(_Plain(raw))  # type: ignore[arg-type]
    return raw


def _app(path: Path) -> object:
    guarded = open_database(path, KEY, create=True)
    migrate(guarded)
    return guarded._conn()


def _time(raw: object, rows: list[tuple]) -> float:
    started = time.perf_counter()
    raw.execute("BEGIN IMMEDIATE")  # type: ignore[attr-defined]
    raw.executemany(INSERT, rows)  # type: ignore[attr-defined]
    raw.execute("COMMIT")  # type: ignore[attr-defined]
    return time.perf_counter() - started


def main() -> None:
    rows = _rows(50_000)
    results: dict[str, list[float]] = {"bare SQLCipher connection": [], "open_database + migrate": []}
    for _ in range(3):
        for label, opener in (("bare SQLCipher connection", _bare), ("open_database + migrate", _app)):
            with tempfile.TemporaryDirectory() as tmp:
                raw = opener(Path(tmp) / "vault.db")
                results[label].append(_time(raw, rows))
                raw.close()  # type: ignore[attr-defined]
    for label, times in results.items():
        best = min(times)
        print(f"{label:<28} 50,000 rows  best {best:5.2f} s  ({best / 50_000 * 1e6:4.0f} µs a row)")


if __name__ == "__main__":
    main()

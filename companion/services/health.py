"""Importing a health export into the vault: the lifestyle readers joined to the store.

One import is one transaction (``store.add_many``): a bad file, an error part-way or a cancel
leaves the vault unchanged. Records the reader cannot parse and records the store refuses are
both counted by reason, so the summary tells a person what was left out and why.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, tzinfo
from pathlib import Path
from typing import Any

from companion.lifestyle import import_worker, store
from companion.lifestyle.importers import CsvMapping, read_health_file
from companion.lifestyle.importers.common import CancelToken, Progress
from companion.lifestyle.importers.detect import APPLE
from companion.vault.errors import ReadOnlyAccess


@dataclass(frozen=True)
class HealthImportResult:
    format: str  # "Apple Health", "Fitbit", "Google Fit" or "CSV"
    imported: int
    skipped_duplicates: int
    rejected: list[tuple[str, int]]  # reason, count; most frequent first
    ignored: int  # records of kinds the app does not keep (energy burned, distance …)
    batch: int | None  # undo the whole import with store.delete_batch(session, batch)

    @property
    def rejected_total(self) -> int:
        return sum(n for _, n in self.rejected)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "imported": self.imported,
            "skipped": self.skipped_duplicates,
            "rejected": self.rejected_total,
            "rejected_reasons": [{"reason": reason, "count": n} for reason, n in self.rejected],
            "ignored": self.ignored,
        }


def import_health_file(
    session: Any,
    path: str | Path,
    *,
    csv_mapping: CsvMapping | None = None,
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
    assume_tz: tzinfo | None = None,
) -> HealthImportResult:
    """Read ``path`` (format told by content) and store its records in one transaction."""
    if session.read_only:
        raise ReadOnlyAccess()  # before reading a byte
    with read_health_file(path, csv_mapping=csv_mapping, progress=progress, cancel=cancel,
                          assume_tz=assume_tz) as stream:  # fmt: skip
        if stream.format == APPLE and stream.size >= import_worker.WORKER_MIN_BYTES and import_worker.available():
            stream.close()
            return _import_in_worker(session, Path(path), progress, cancel, assume_tz)
        counts = store.add_many(session, stream.records(), cancel=cancel)
        parse_problems = dict(stream.problems.counts)
        ignored = stream.ignored
        fmt = stream.format
    return _result(fmt, counts, parse_problems, ignored)


def _import_in_worker(session: Any, path: Path, progress: Progress | None, cancel: CancelToken | None,
                      assume_tz: tzinfo | None) -> HealthImportResult:
    """A large Apple Health export: read and checked in a second process while this one stores it
    (same records, same counts, same errors as in one process; ``import_worker``)."""
    birth = session.profile().birth_date
    job = import_worker.WorkerJob(path, date.fromisoformat(birth) if birth else None, store.utc_now(), assume_tz)
    report = import_worker.WorkerReport()
    chunks = import_worker.checked_rows(job, report, progress, cancel)
    counts = store.add_checked(session, chunks, report.rejected, cancel)
    return _result(report.format, counts, report.problems, report.ignored)


def _result(fmt: str, counts: store.ImportCounts, parse_problems: dict[str, int], ignored: int) -> HealthImportResult:
    rejected = Counter(dict(counts.rejected))
    rejected.update(parse_problems)
    return HealthImportResult(fmt, counts.imported, counts.skipped_duplicates, rejected.most_common(), ignored,
                              counts.batch)  # fmt: skip

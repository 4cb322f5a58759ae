"""The one entry point: ``read_health_file(path)`` → a :class:`HealthStream` of RawRecords.

The format is detected from the content when the stream is made, and whole-file problems that
can be seen before parsing (a hostile zip, an XML bomb in the prolog, a CSV without a mapping)
raise :class:`HealthImportError` at once. The records themselves are read lazily, in bounded
memory; a whole-file error found later (malformed XML halfway) raises from the iteration, so a
caller that stores everything in one transaction stores nothing. Problems with single records
are counted in ``stream.problems``; records of types the app does not keep in ``stream.ignored``.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import tzinfo
from pathlib import Path

from companion.lifestyle.importers import apple_health, csv_import, fitbit, google_fit
from companion.lifestyle.importers.archive import Bundle, is_zip
from companion.lifestyle.importers.common import CancelToken, Problems, Progress, Ticker
from companion.lifestyle.importers.detect import APPLE, CSV, FITBIT, GOOGLE_FIT, detect
from companion.lifestyle.importers.errors import CsvMappingRequired, HealthImportError
from companion.lifestyle.importers.safe_xml import SafeXml
from companion.lifestyle.records import RawRecord

BATCH = 5000


class HealthStream:
    """A detected export, read once. Use as a context manager (or exhaust ``records()``)."""

    def __init__(self, path: Path, fmt: str, container: str, *, csv_mapping: csv_import.CsvMapping | None,
                 progress: Progress | None, cancel: CancelToken | None, assume_tz: tzinfo | None) -> None:
        self.path = path
        self.file_name = path.name
        self.format = fmt  # "Apple Health", "Fitbit", "Google Fit" or "CSV"; also RawRecord.source
        self.container = container  # "file", "zip" or "folder"
        self.problems = Problems()
        self._counters: dict[str, int] = {}
        self._csv_mapping = csv_mapping
        self._progress = progress
        self._cancel = cancel
        self._assume_tz = assume_tz
        self._bundle: Bundle | None = None
        self._used = False
        if container in ("zip", "folder") or fmt in (FITBIT, GOOGLE_FIT):
            self._bundle = Bundle(path, self.file_name)
        try:
            self._check_early()
        except BaseException:
            self.close()
            raise

    @property
    def ignored(self) -> int:
        """Records of types the app does not keep (energy, distance, in-bed time…), skipped on purpose."""
        return self._counters.get("ignored", 0)

    @property
    def rejected(self) -> int:
        return self.problems.total

    @property
    def size(self) -> int:
        """Bytes to read: the file's, or the archive's members' (uncompressed)."""
        return self._bundle.total if self._bundle is not None else _size(self.path)

    def _check_early(self) -> None:
        if self.format == CSV and self._csv_mapping is None:
            raise CsvMappingRequired(self.file_name)
        if self.format == APPLE:
            # the DTD sits at the top: refuse a bomb before the caller opens a transaction
            if self._bundle is not None:
                member = apple_health.find_export_member(self._bundle)
                head = self._bundle.head(member, 256 * 1024)
            else:
                with open(self.path, "rb") as f:
                    head = f.read(256 * 1024)
            xml = SafeXml(self.file_name)
            xml.feed(head)

    def records(self) -> Iterator[RawRecord]:
        """Every record, one by one; may raise HealthImportError or HealthImportCancelled."""
        if self._used:
            raise RuntimeError("a HealthStream is read once")
        self._used = True
        try:
            yield from self._records()
        finally:
            self.close()

    def batches(self, size: int = BATCH) -> Iterator[list[RawRecord]]:
        batch: list[RawRecord] = []
        for record in self.records():
            batch.append(record)
            if len(batch) >= size:
                yield batch
                batch = []
        if batch:
            yield batch

    def _records(self) -> Iterator[RawRecord]:
        ticker = Ticker(self.file_name, self.size, self._progress, self._cancel)
        if self.format == APPLE:
            if self._bundle is not None:
                yield from apple_health.read_apple_bundle(self._bundle, ticker, self.problems, self._assume_tz,
                                                          self._counters)
            else:
                yield from apple_health.read_apple_xml(self.path, self.file_name, ticker, self.problems,
                                                       self._assume_tz, self._counters)
        elif self.format == FITBIT:
            assert self._bundle is not None
            yield from fitbit.read_fitbit(self._bundle, ticker, self.problems, self._assume_tz, self._counters)
        elif self.format == GOOGLE_FIT:
            assert self._bundle is not None
            yield from google_fit.read_google_fit(self._bundle, ticker, self.problems, self._assume_tz,
                                                  self._counters)
        else:
            assert self._csv_mapping is not None
            yield from csv_import.read(self.path, self._csv_mapping, problems=self.problems,
                                       progress=self._progress, cancel=self._cancel, assume_tz=self._assume_tz)

    def close(self) -> None:
        if self._bundle is not None:
            self._bundle.close()

    def __enter__(self) -> HealthStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def read_health_file(path: str | os.PathLike[str], *, csv_mapping: csv_import.CsvMapping | None = None,
                     progress: Progress | None = None, cancel: CancelToken | None = None,
                     assume_tz: tzinfo | None = None) -> HealthStream:
    """Open an Apple Health, Fitbit, Google Fit or CSV export (file, zip or folder) for reading.

    ``assume_tz`` is the zone of times written without one (Fitbit, Google Fit, most CSVs);
    by default the computer's. Raises HealthImportError for a file that cannot be one of these,
    CsvMappingRequired for a table given without ``csv_mapping``.
    """
    path = Path(path)
    detected = detect(path)
    if detected.format == CSV and is_zip(path):  # pragma: no cover - detect() never says CSV for a zip
        raise HealthImportError(path.name, "is a zip holding no export we can read")
    return HealthStream(path, detected.format, detected.container, csv_mapping=csv_mapping, progress=progress,
                        cancel=cancel, assume_tz=assume_tz)

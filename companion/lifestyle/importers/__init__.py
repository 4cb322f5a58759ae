"""Streaming readers of lifestyle exports: Apple Health, Fitbit, Google Fit and any CSV.

Parsing only: each reader yields :class:`~companion.lifestyle.records.RawRecord`s as the source
wrote them; validation, unit conversion and storage are the store's. Start at
:func:`read_health_file`; the CSV mapping dialog uses :func:`preview` and :class:`CsvMapping`.
"""
from __future__ import annotations

from companion.lifestyle.importers.common import Problems
from companion.lifestyle.importers.csv_import import CsvMapping, CsvPreview, preview
from companion.lifestyle.importers.detect import APPLE, CSV, FITBIT, GOOGLE_FIT, Detected, detect
from companion.lifestyle.importers.errors import CsvMappingRequired, HealthImportCancelled, HealthImportError
from companion.lifestyle.importers.stream import HealthStream, read_health_file

__all__ = [
    "APPLE",
    "CSV",
    "FITBIT",
    "GOOGLE_FIT",
    "CsvMapping",
    "CsvMappingRequired",
    "CsvPreview",
    "Detected",
    "HealthImportCancelled",
    "HealthImportError",
    "HealthStream",
    "Problems",
    "detect",
    "preview",
    "read_health_file",
]

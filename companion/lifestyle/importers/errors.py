"""Errors the lifestyle importers report for a whole file.

Messages name the file (and a line where there is one) and say what is wrong in words a person
can act on. They never quote the file's contents: a line of an export is health data, and the
content of a hostile file (an external entity pointing at ``/etc/passwd``) must not travel on in
a message, a log or a traceback.
"""
from __future__ import annotations

from companion.errors import CompanionError


class HealthImportError(CompanionError):
    """A file could not be read as a health export; nothing from it may be stored."""

    def __init__(self, file_name: str, reason: str, line: int | None = None) -> None:
        self.file_name = file_name
        self.reason = reason
        self.line = line
        where = f"{file_name}, line {line}" if line is not None else file_name
        super().__init__(f"{where}: {reason}")


class CsvMappingRequired(HealthImportError):
    """A CSV file was given without saying which columns hold the date, type, value and unit."""

    def __init__(self, file_name: str) -> None:
        super().__init__(
            file_name, "is a table (CSV); choose which columns hold the date, the measurement and its value"
        )


class HealthImportCancelled(CompanionError):
    """The person cancelled the import; nothing was stored."""

    exit_code = 130

    def __init__(self, file_name: str) -> None:
        self.file_name = file_name
        super().__init__(f"reading {file_name} was cancelled; nothing was stored")

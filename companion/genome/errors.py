"""Errors the genome readers report.

Messages name the file (and a line number where there is one) and say what is wrong in words
a person can act on. They never quote the file's contents: a line of a genome file is health
data, and it would end up in logs and screenshots.
"""
from __future__ import annotations

from companion.errors import CompanionError


class GenomeImportError(CompanionError):
    """A file could not be read as genome raw data; nothing was stored."""

    def __init__(self, file_name: str, reason: str, line: int | None = None) -> None:
        self.file_name = file_name
        self.line = line
        self.reason = reason
        where = f"{file_name}, line {line}" if line is not None else file_name
        super().__init__(f"{where}: {reason}")


class NotGenomeFile(GenomeImportError):
    """The content is not any genome raw-data format we know."""

    def __init__(self, file_name: str, detail: str = "") -> None:
        self.file_name = file_name
        self.line = None
        self.reason = "is not a genome raw-data file" + (f" ({detail})" if detail else "")
        CompanionError.__init__(self, f"{file_name} {self.reason}")


class SampleRequired(GenomeImportError):
    """A VCF with several people's genotypes: one of ``samples`` must be chosen."""

    def __init__(self, file_name: str, samples: tuple[str, ...], info: object = None) -> None:
        self.samples = samples
        self.info = info
        super().__init__(
            file_name,
            f"the file holds the genotypes of {len(samples)} people (samples); choose the one to import",
        )


class GenomeImportCancelled(CompanionError):
    """The person cancelled the import; nothing was stored."""

    exit_code = 130

    def __init__(self, file_name: str) -> None:
        self.file_name = file_name
        super().__init__(f"reading {file_name} was cancelled; nothing was stored")

"""Genome services for the UI and the CLI: import into a vault, analyze a file, look up calls.

Plain functions over a vault session and a path; progress and cancel come from the caller
(DESIGN §7) and are passed to the reader. Nothing here touches Qt.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from operator import itemgetter
from pathlib import Path
from typing import Any

from companion.genome.annotate import Annotator
from companion.genome.model import Call, CancelToken, GenomeSummary, Progress
from companion.genome.reader import analyze, read_genome
from companion.genome.store import normal_id, save_genome
from companion.vault.errors import ReadOnlyAccess

_ID = itemgetter(0)


@dataclass(frozen=True)
class ImportResult:
    genome_id: int
    summary: GenomeSummary
    already_imported: bool
    annotated: int  # calls stored at knowledge-base positions
    is_primary: bool = False


def import_genome(
    session: Any,
    path: str | Path,
    *,
    sample: str | None = None,
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
) -> ImportResult:
    """Read ``path`` and store it in the session's vault in one transaction (or not at all)."""
    if session.read_only:
        raise ReadOnlyAccess()  # before reading a byte
    path = Path(path)
    stream = read_genome(path, sample=sample, progress=progress, cancel=cancel)
    saved = save_genome(session, path, stream, annotator=Annotator(), cancel=cancel)
    return ImportResult(saved.genome_id, saved.summary, saved.already_imported, saved.annotated, saved.is_primary)


def summary_dict(summary: GenomeSummary) -> dict[str, Any]:
    """The flat JSON object of ``companion analyze --json`` (later issues add keys to it)."""
    source = summary.source
    return {
        "format": source.format,
        "format_label": source.format_label,
        "build": summary.build,
        "build_source": summary.build_source,
        "declared_build": source.declared_build,
        "sex": summary.sex,
        "markers": summary.markers,
        "called": summary.called,
        "call_rate": round(summary.call_rate, 6),
        "duplicates": summary.duplicates,
        "skipped": summary.skipped,
        "x_heterozygosity": None if summary.x_heterozygosity is None else round(summary.x_heterozygosity, 6),
        "y_called": summary.y_called,
        "strand": source.strand,
        "samples": list(source.samples),
        "sample": source.sample,
        "warnings": list(summary.warnings),
    }


def knowledge_calls_in_file(
    path: str | Path,
    *,
    sample: str | None = None,
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
) -> tuple[GenomeSummary, list[Call]]:
    """Read a file without storing anything: its summary and its calls at knowledge-base
    positions (the same calls an import keeps in ``genome_call``)."""
    stream = read_genome(Path(path), sample=sample, progress=progress, cancel=cancel)
    annotator = Annotator()
    annotator.start(stream.info)
    for batch in stream.batches():
        annotator.scan(batch)
    summary = stream.summary()
    if annotator.needs_position_pass(summary.build):
        # Rare: the header names another build than the positions show. Read again, collecting
        # the positions of every build (nothing was kept, so this is the only way back to them).
        again = read_genome(Path(path), sample=sample, cancel=cancel)
        annotator = Annotator()
        annotator.start(replace(again.info, declared_build=None))
        for batch in again.batches():
            annotator.scan(batch)
    return summary, annotator.finish(summary.build)


def analyze_file(path: str | Path, *, sample: str | None = None) -> dict[str, Any]:
    """Read a genome file without storing anything."""
    return summary_dict(analyze(Path(path), sample=sample))


def genotypes_in_file(
    path: str | Path,
    marker_ids: Iterable[str],
    *,
    sample: str | None = None,
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
) -> tuple[GenomeSummary, dict[str, Call | None]]:
    """The call for each marker id (rsIDs in any case, vendor ids), read straight from the file."""
    wanted = {normal_id(m): m for m in marker_ids}
    keys = frozenset(wanted)
    found: dict[str, Call] = {}
    stream = read_genome(Path(path), sample=sample, progress=progress, cancel=cancel)
    for batch in stream.batches():
        direct = keys.intersection(map(_ID, batch))
        split = keys.intersection(";".join(map(_ID, batch)).split(";")) - direct
        if direct:
            for call in batch:
                if call[0] in direct:
                    found.setdefault(call[0], call)
        if split:
            for call in batch:
                if ";" in call[0]:
                    for part in call[0].split(";"):
                        if part in split:
                            found.setdefault(part, call)
    summary = stream.summary()
    return summary, {original: found.get(key) for key, original in wanted.items()}

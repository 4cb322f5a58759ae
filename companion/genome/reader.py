"""Read a genome raw-data file of any supported format: ``read_genome`` and ``analyze``."""
from __future__ import annotations

import os
from collections.abc import Iterator

from companion.genome.consumer import ConsumerReader
from companion.genome.detect import LABELS, detect
from companion.genome.errors import GenomeImportError, SampleRequired
from companion.genome.model import Call, CancelToken, GenomeSummary, Progress, SourceInfo
from companion.genome.qc import QC
from companion.genome.source import TextSource
from companion.genome.vcf import VcfReader

__all__ = ["GenomeReader", "analyze", "read_genome"]


class GenomeReader:
    """A file being read (the GenomeStream of model.py): ``info`` at once, ``batches()`` once,
    then ``summary()``. Closes the file when ``batches()`` ends, fails or is abandoned."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        sample: str | None = None,
        progress: Progress | None = None,
        cancel: CancelToken | None = None,
        batch_size: int = 50_000,
    ) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be positive")
        self._source = TextSource(path, progress=progress, cancel=cancel)
        self._done = False
        self._started = False
        try:
            det = detect(self._source.head(), self._source.name)
            if det.format == "vcf":
                self._qc = QC("vcf")
                try:
                    self._vcf: VcfReader | None = VcfReader(self._source, self._qc, batch_size, sample)
                except SampleRequired as exc:
                    h = exc.samples
                    exc.info = SourceInfo("vcf", LABELS["vcf"], None, samples=h)
                    raise
                hdr = self._vcf.header
                self.info = SourceInfo(
                    format="vcf",
                    format_label=LABELS["vcf"],
                    declared_build=hdr.contig_build or hdr.declared_build,
                    samples=hdr.samples,
                    sample=self._vcf.sample,
                    header_notes=tuple(hdr.notes),
                )
                self._consumer: ConsumerReader | None = None
            else:
                if sample is not None:
                    raise GenomeImportError(
                        self._source.name, "a sample can only be chosen in a VCF; this is a consumer array file"
                    )
                self._qc = QC("consumer")
                self._vcf = None
                self._consumer = ConsumerReader(self._source, det, self._qc, batch_size)
                self.info = SourceInfo(
                    format=det.format,
                    format_label=det.label,
                    declared_build=det.declared_build,
                    header_notes=det.header_notes,
                )
        except BaseException:
            self._source.close()
            raise

    @property
    def file_name(self) -> str:
        return self._source.name

    def batches(self) -> Iterator[list[Call]]:
        if self._started:
            raise RuntimeError("batches() can be iterated only once")
        self._started = True
        try:
            inner = self._vcf.batches() if self._vcf is not None else self._consumer.batches()  # type: ignore[union-attr]
            yield from inner
            self._done = True
            if self._source.progress is not None:
                self._source.progress(self._source.total, self._source.total)
        finally:
            self._source.close()

    def close(self) -> None:
        self._source.close()

    def summary(self) -> GenomeSummary:
        if not self._done:
            raise RuntimeError("summary() is known only after every batch was read")
        qc = self._qc
        info = self.info
        warnings: list[str] = []
        from_positions = qc.build_from_positions()
        if info.format == "vcf":
            assert self._vcf is not None
            hdr = self._vcf.header
            if hdr.contig_build is not None:
                build, build_source = hdr.contig_build, "contigs"
            elif hdr.declared_build is not None:
                build, build_source = hdr.declared_build, "header"
            elif from_positions is not None:
                build, build_source = from_positions, "positions"
            else:
                build, build_source = None, "unknown"
            if from_positions is not None and build is not None and from_positions != build:
                warnings.append(
                    f"the header says build {build} but marker positions match build {from_positions}; "
                    "check where the file came from"
                )
        else:
            declared = info.declared_build
            if from_positions is not None and declared is not None and from_positions != declared:
                build, build_source = from_positions, "positions"
                warnings.append(
                    f"the header says build {declared} but marker positions match build {from_positions}; "
                    f"build {from_positions} is used"
                )
            elif declared is not None:
                build, build_source = declared, "header"
            elif from_positions is not None:
                build, build_source = from_positions, "positions"
            else:
                build, build_source = None, "unknown"
        sex, x_het = qc.sex(build)
        warnings = qc.warnings() + (self._vcf.warnings() if self._vcf is not None else []) + warnings
        return GenomeSummary(
            source=info,
            build=build,
            build_source=build_source,
            sex=sex,
            markers=qc.markers,
            called=qc.called,
            duplicates=qc.duplicates,
            skipped=qc.skipped,
            x_heterozygosity=x_het,
            y_called=qc.y_called,
            warnings=tuple(warnings),
        )


def read_genome(
    path: str | os.PathLike[str],
    *,
    sample: str | None = None,
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
    batch_size: int = 50_000,
) -> GenomeReader:
    """Open ``path`` and tell its format; read the calls with ``batches()``.

    Raises GenomeImportError (SampleRequired for a multi-sample VCF without ``sample``) at
    once for what the header shows, and from ``batches()`` for what the rows show;
    GenomeImportCancelled when ``cancel.cancelled`` turns true.
    """
    return GenomeReader(path, sample=sample, progress=progress, cancel=cancel, batch_size=batch_size)


def analyze(path: str | os.PathLike[str], *, sample: str | None = None) -> GenomeSummary:
    """Read the whole file without storing anything and return what was learnt."""
    stream = read_genome(path, sample=sample)
    for _ in stream.batches():
        pass
    return stream.summary()

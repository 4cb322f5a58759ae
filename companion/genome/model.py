"""The shapes genome data takes between the readers, the QC and the vault.

Calls travel as plain tuples in batches, because millions of objects would cost seconds:
``(marker_id, chrom, pos, genotype)``

- ``marker_id``: ``"rs123"``, a vendor id such as ``"i3000001"``, several ids joined by ``;``
  (VCF), or ``""`` when the file has none.
- ``chrom``: canonical ``"1"``…``"22"``, ``"X"``, ``"Y"``, ``"MT"`` (``chr`` prefixes removed,
  Ancestry's 23/24/25/26 mapped to X/Y/X/MT; 25 = the X pseudo-autosomal region).
- ``pos``: 1-based position on the file's build.
- ``genotype``: allele strings joined by ``/`` — ``"A/G"``, ``"I/D"``, ``"A/AT"`` (VCF), a
  single allele for haploid calls (``"A"``), ``"."`` for a missing allele in a partial call
  (``"./A"``), and ``""`` for a no-call. Alleles are on the forward strand of ``build``.

A batch is either a ``list`` of such tuples (VCF) or a :class:`CallBatch`, which holds the same
calls as four columns (consumer files): the store and the annotator read columns directly, so
the 640k tuples of an array file are never built. :func:`columns_of` gives columns of either.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Protocol, overload

Call = tuple[str, str, int, str]
Progress = Callable[[int, int], None]

CHROMOSOMES = tuple([str(n) for n in range(1, 23)] + ["X", "Y", "MT"])

_ID, _CHROM, _POS, _GT = (itemgetter(i) for i in range(4))


class CallBatch(Sequence[Call]):
    """Calls as four equally long columns; iterating yields the usual tuples."""

    __slots__ = ("ids", "chroms", "positions", "genotypes")

    def __init__(self, ids: list[str], chroms: list[str], positions: list[int], genotypes: list[str]) -> None:
        self.ids = ids
        self.chroms = chroms
        self.positions = positions
        self.genotypes = genotypes

    def __len__(self) -> int:
        return len(self.ids)

    def __iter__(self) -> Iterator[Call]:
        return zip(self.ids, self.chroms, self.positions, self.genotypes)

    @overload
    def __getitem__(self, index: int) -> Call: ...
    @overload
    def __getitem__(self, index: slice) -> CallBatch: ...
    def __getitem__(self, index: int | slice) -> Call | CallBatch:
        if isinstance(index, slice):
            return CallBatch(self.ids[index], self.chroms[index], self.positions[index], self.genotypes[index])
        return (self.ids[index], self.chroms[index], self.positions[index], self.genotypes[index])

    def __eq__(self, other: object) -> bool:
        if isinstance(other, CallBatch):
            return columns_of(self) == columns_of(other)
        if isinstance(other, list):
            return list(self) == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"CallBatch({len(self)} calls)"

    def extend(self, other: CallBatch) -> None:
        self.ids.extend(other.ids)
        self.chroms.extend(other.chroms)
        self.positions.extend(other.positions)
        self.genotypes.extend(other.genotypes)


def columns_of(batch: Sequence[Call]) -> tuple[list[str], list[str], list[int], list[str]]:
    """``(ids, chroms, positions, genotypes)`` of a batch, without copying a CallBatch."""
    if isinstance(batch, CallBatch):
        return batch.ids, batch.chroms, batch.positions, batch.genotypes
    return (list(map(_ID, batch)), list(map(_CHROM, batch)), list(map(_POS, batch)), list(map(_GT, batch)))


class CancelToken(Protocol):
    @property
    def cancelled(self) -> bool: ...


@dataclass(frozen=True)
class SourceInfo:
    """What is known from the file's header, before any call is read."""

    format: str  # "23andme", "ancestry", "myheritage", "ftdna", "livingdna", "vcf"
    format_label: str  # "23andMe", "AncestryDNA", … for people
    declared_build: int | None  # 36, 37, 38 from the header, or None
    samples: tuple[str, ...] = ()  # VCF sample names; () for consumer files
    sample: str | None = None  # the chosen VCF sample
    strand: str = "forward"  # as the vendor reports it
    header_notes: tuple[str, ...] = ()  # e.g. chip or converter version lines


@dataclass(frozen=True)
class GenomeSummary:
    """The result of reading a whole file: identity, quality and what was inferred."""

    source: SourceInfo
    build: int | None  # declared or detected
    build_source: str  # "header", "positions", "contigs" or "unknown"
    sex: str | None  # "female", "male" or None when it cannot be told
    markers: int  # rows with a usable chromosome and position (duplicates counted once)
    called: int  # markers with a genotype
    duplicates: int  # rows dropped because the same marker came again
    skipped: int  # unmapped rows (chromosome or position 0 / --)
    x_heterozygosity: float | None = None  # share of heterozygous non-PAR X calls
    y_called: int = 0
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def call_rate(self) -> float:
        return self.called / self.markers if self.markers else 0.0


class GenomeStream(Protocol):
    """A file being read: ``info`` at once, ``batches()`` once, then ``summary()``."""

    info: SourceInfo

    def batches(self) -> Iterator[Sequence[Call]]: ...

    def summary(self) -> GenomeSummary: ...

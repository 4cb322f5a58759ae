"""Where the caller gets genotypes from: a lookup by rsID or by GRCh38 position.

Array files (GRCh37) can be asked only by rsID; a GRCh38 VCF by position (and by rsID when its
ID column has them). ``lookup_from_calls`` builds such a lookup from stored calls
``(marker_id, chrom, pos, genotype)`` (``companion.genome.model``) and the genome's build.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from companion.genome.model import Call


@dataclass(frozen=True)
class Genotype:
    """One call as the file gave it: alleles in file order ("." = a missing allele).

    ``("A", "G")`` diploid, ``("A",)`` haploid, ``()`` no-call; arrays write indels as
    ``"D"``/``"I"``, a VCF as the bases of REF/ALT (``("T", "TA")``).
    """

    alleles: tuple[str, ...]
    marker: str = ""

    @classmethod
    def parse(cls, text: str, marker: str = "") -> Genotype:
        text = text.strip()
        if not text:
            return cls((), marker)
        return cls(tuple(a.strip().upper() for a in text.split("/")), marker)

    @property
    def is_call(self) -> bool:
        return any(a != "." for a in self.alleles)

    def __str__(self) -> str:
        return "/".join(self.alleles) if self.alleles else "no call"


class GenotypeLookup(Protocol):
    """What the caller asks of a genome. ``None`` = the file has nothing there."""

    def by_rsid(self, rsid: str) -> Genotype | None: ...

    def by_position(self, chrom: str, pos38: int) -> Genotype | None: ...


def _merged(calls: list[Genotype]) -> Genotype | None:
    """One genotype for a position the file lists more than once, or None when they disagree.

    Split multi-allelic VCF records give e.g. ``T/C`` and ``T/T`` at one position: the call
    that holds every other call's (homozygous) allele wins; anything else is a conflict.
    """
    called = [g for g in calls if g.is_call]
    if not called:
        return calls[0] if calls else None
    distinct = list(dict.fromkeys(called))
    if len(distinct) == 1:
        return distinct[0]
    for candidate in distinct:
        others = [g for g in distinct if g is not candidate]
        if all(len(set(g.alleles)) == 1 and g.alleles[0] in candidate.alleles for g in others):
            return candidate
    return None


class CallsLookup:
    """A ``GenotypeLookup`` over calls held in memory (only the few hundred PGx calls are needed)."""

    def __init__(self, calls: Iterable[Call], build: int | None,
                 grch37_positions: Mapping[tuple[str, int], int] | None = None) -> None:
        self.build = build
        self._rsid: dict[str, Genotype] = {}
        self._position: dict[tuple[str, int], list[Genotype]] = {}
        # GRCh38 → GRCh37 for genomes on build 37, once positions.tsv carries position_grch37
        self._to37 = grch37_positions if build == 37 else None
        for marker_id, chrom, pos, genotype in calls:
            g = Genotype.parse(genotype, marker_id or f"{chrom}:{pos}")
            for part in marker_id.split(";") if marker_id else ():
                key = part.strip().lower()
                if key.startswith("rs") and (key not in self._rsid or not self._rsid[key].is_call):
                    self._rsid[key] = g
            self._position.setdefault((chrom, int(pos)), []).append(g)

    def by_rsid(self, rsid: str) -> Genotype | None:
        return self._rsid.get(rsid.lower())

    def by_position(self, chrom: str, pos38: int) -> Genotype | None:
        if self.build == 38:
            calls = self._position.get((chrom, pos38))
        elif self._to37 is not None and (chrom, pos38) in self._to37:
            calls = self._position.get((chrom, self._to37[(chrom, pos38)]))
        else:
            return None  # positions of another build mean nothing here
        return _merged(calls) if calls else None


def lookup_from_calls(calls: Iterable[Call], build: int | None,
                      grch37_positions: Mapping[tuple[str, int], int] | None = None) -> CallsLookup:
    """The lookup for a stored genome: rsIDs always, positions only when they are GRCh38
    (or GRCh37 with a GRCh38 → GRCh37 position map)."""
    return CallsLookup(calls, build, grch37_positions)

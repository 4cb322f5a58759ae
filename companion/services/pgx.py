"""What a person's genome says about medicines: the genome store and reader joined to the
pharmacogenomics caller (``companion.pgx``), for the CLI and the Genes & medicines page.

The caller reads only the calls at knowledge-base positions, which an import keeps apart
(``genome_call``), so answering for a stored genome reads no chunk and takes well under a second.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from companion.genome.annotate import load_positions
from companion.genome.model import CancelToken, GenomeSummary, Progress
from companion.genome.service import knowledge_calls_in_file
from companion.genome.store import GenomeRecord, get_genome, knowledge_calls, primary_genome
from companion.pgx import DrugAnswer, GeneResult, PgxKnowledge, analyze, drug_answer, load_knowledge, lookup_from_calls
from companion.pgx.messages import CPIC_DISCLAIMER

__all__ = ["CPIC_DISCLAIMER", "GenomeMedicines", "drug_names", "knowledge", "medicines_for_file", "medicines_for_genome"]


@lru_cache(maxsize=1)
def knowledge() -> PgxKnowledge:
    """The PGx knowledge base, loaded once (~0.1 s)."""
    return load_knowledge()


@dataclass(frozen=True)
class GenomeMedicines:
    """One genome's PGx results, with the drug question answered from them."""

    results: tuple[GeneResult, ...]
    build: int | None
    sex: str | None
    genome: GenomeRecord | None = None  # None when read from a file without storing

    def gene(self, name: str) -> GeneResult | None:
        return next((r for r in self.results if r.gene == name), None)

    def drug(self, name: str) -> DrugAnswer:
        return drug_answer(knowledge(), self.results, name)

    def to_json(self) -> list[dict[str, Any]]:
        return [r.to_json() for r in self.results]


@lru_cache(maxsize=1)
def _grch37_of() -> dict[tuple[str, int], int]:
    """GRCh38 (chrom, pos) → GRCh37 pos of every knowledge position that lifts over."""
    return {(p.chromosome, p.position): p.position_grch37 for p in load_positions().rows if p.position_grch37}


def _medicines(calls: list, build: int | None, sex: str | None, genome: GenomeRecord | None) -> GenomeMedicines:
    lookup = lookup_from_calls(calls, build, _grch37_of() if build == 37 else None)
    results = analyze(knowledge(), lookup, sex=sex)
    return GenomeMedicines(tuple(results), build, sex, genome)


def medicines_for_genome(session: Any, genome_id: int | None = None) -> GenomeMedicines | None:
    """Results for a stored genome (the primary one by default); None when there is no genome."""
    record = get_genome(session, genome_id) if genome_id is not None else primary_genome(session)
    if record is None:
        return None
    return _medicines(knowledge_calls(session, record.id), record.build, record.sex, record)


def medicines_for_file(
    path: str | Path,
    *,
    sample: str | None = None,
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
) -> tuple[GenomeSummary, GenomeMedicines]:
    """Results for a file read without storing anything (``companion analyze``)."""
    summary, calls = knowledge_calls_in_file(path, sample=sample, progress=progress, cancel=cancel)
    return summary, _medicines(calls, summary.build, summary.sex, None)


def drug_names() -> list[str]:
    """Every drug the guidance data names, for completion in a search box."""
    k = knowledge()
    names = {rec.drug for rec in k.recommendations} | {d for g in k.guidelines for d in g.drugs}
    return sorted(names, key=str.casefold)

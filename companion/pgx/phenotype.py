"""Diplotype → phenotype, activity score and CPIC lookup key, from the gene's CPIC table.

The table pairs allele *values* (function, or activity value for CYP2C9 / CYP2D6 / DPYD); a
hemizygous G6PD or an MT-RNR1 call has one value. An allele CPIC gives no function to is read
as the value the table itself maps to "Indeterminate" (never as normal); a gene whose table has
no such value gives no phenotype.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from companion.pgx.knowledge import GeneDefinition, PhenotypeResult, PhenotypeTable

INDETERMINATE = "Indeterminate"


@dataclass(frozen=True)
class PhenotypeCall:
    result: PhenotypeResult | None
    unknown: tuple[str, ...]  # alleles without a CPIC function


def table_name(gene: GeneDefinition, allele: str) -> str:
    """The name the phenotype table uses (SLCO1B1 ``*45.001`` → ``*45``)."""
    return gene.suballeles.get(allele, allele)


def _indeterminate_value(gene: GeneDefinition, table: PhenotypeTable, copies: int) -> str | None:
    ref = table.alleles.get(table_name(gene, gene.reference.name))
    values = sorted({a.value for a in table.alleles.values()})
    for value in values:
        key = (value,) if copies == 1 else tuple(sorted((value, ref.value if ref else value)))
        result = table.results.get(key)
        if result is not None and result.phenotype == INDETERMINATE:
            return value
    return None


def phenotype_of(gene: GeneDefinition, alleles: Sequence[str]) -> PhenotypeCall:
    table = gene.phenotype
    if table is None:
        return PhenotypeCall(None, ())
    values: list[str | None] = []
    unknown = []
    for name in alleles:
        entry = table.alleles.get(table_name(gene, name))
        values.append(entry.value if entry else None)
        if entry is None:
            unknown.append(name)
    if unknown:
        substitute = _indeterminate_value(gene, table, len(alleles))
        if substitute is None:
            return PhenotypeCall(None, tuple(unknown))
        values = [substitute if v is None else v for v in values]
    key = tuple(sorted(v for v in values if v is not None))
    return PhenotypeCall(table.results.get(key), tuple(unknown))


def activity_number(score: str | None) -> float | None:
    """``"1.5"`` → 1.5; ``"n/a"``, ``"≥3.0"`` or None → None."""
    if score is None:
        return None
    try:
        return float(score)
    except ValueError:
        return None

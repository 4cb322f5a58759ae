"""Variant-list calling for DPYD, RYR1 and CACNA1S (PharmCAT's DPYD matcher, NOTES.md §2.6, §3).

Unphased data cannot say which variants share a chromosome, so these genes are not matched as
star-allele pairs: every defined variant found is listed (twice when homozygous) and the gene
result comes from the two lowest-function variants, presumed to be on different chromosomes
(DPYD: the two lowest activity values; RYR1/CACNA1S: any MH-associated allele).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from companion.pgx import messages
from companion.pgx.knowledge import GeneDefinition, allowed_bases
from companion.pgx.matcher import Matcher, natural_key
from companion.pgx.observe import Observation

VARIANT_LIST_GENES = frozenset({"DPYD", "RYR1", "CACNA1S"})
# Lowest function first, in the functions' own words (CPIC: any MH-associated allele → MHS).
_FUNCTION_ORDER = ("Malignant Hyperthermia associated", "Uncertain function", "Normal function")
# DPYD HapB3 is decided by the intronic SNP; the exonic one only stands in when it is missing.
HAPB3_INTRONIC = "rs75017182"
HAPB3_EXONIC = "rs56038477"


@dataclass
class VariantCall:
    found: list[str] = field(default_factory=list)  # allele names, once per copy
    unexplained: list[str] = field(default_factory=list)  # position labels with an unnamed variant
    notes: list[str] = field(default_factory=list)
    tested_by_proxy: set[str] = field(default_factory=set)  # HapB3 read from the exonic SNP


def rank(gene: GeneDefinition, name: str) -> tuple[float, tuple[tuple[int, int | str], ...]]:
    """Sort key: lowest function first (an allele without a value sorts last)."""
    table = gene.phenotype
    entry = table.alleles.get(name) if table else None
    if entry is None:
        return (99.0, natural_key(name))
    if table is not None and table.method == "activity_score":
        try:
            return (float(entry.value), natural_key(name))
        except ValueError:
            return (98.0, natural_key(name))
    order = _FUNCTION_ORDER.index(entry.value) if entry.value in _FUNCTION_ORDER else len(_FUNCTION_ORDER)
    return (float(order), natural_key(name))


def lowest_pair(gene: GeneDefinition, found: list[str], copies: int = 2) -> tuple[str, ...]:
    """The two lowest-function alleles found, filled up with the reference."""
    chosen = sorted(found, key=lambda n: rank(gene, n))[:copies]
    chosen += [gene.reference.name] * (copies - len(chosen))
    return tuple(sorted(chosen, key=natural_key))


def _by_rsid(gene: GeneDefinition, rsid: str) -> int | None:
    return next((p.pos for p in gene.positions if p.rsid == rsid), None)


def call_variants(gene: GeneDefinition, obs: Observation, matcher: Matcher) -> VariantCall:
    out = VariantCall()
    single: dict[tuple[int, str], str] = {}
    multi = []
    for allele in gene.alleles[1:]:
        variant_at = matcher.variant_positions(allele)
        if len(variant_at) == 1:
            (pos,) = variant_at
            for base in allowed_bases(allele.bases[pos]):
                if base != matcher.fill[pos]:
                    single[(pos, base)] = allele.name
        elif variant_at:
            multi.append(allele)
    intronic = _by_rsid(gene, HAPB3_INTRONIC) if gene.gene == "DPYD" else None
    exonic = _by_rsid(gene, HAPB3_EXONIC) if gene.gene == "DPYD" else None
    hapb3 = next((a.name for a in multi if intronic in a.bases and exonic in a.bases), None)
    for pos in sorted(obs.calls):
        for base in obs.calls[pos]:
            if base == matcher.fill[pos] or pos == exonic:
                continue
            name = single.get((pos, base))
            if name is None:
                out.unexplained.append(gene.by_pos[pos].label)
            else:
                out.found.append(name)
    if hapb3 is not None and exonic is not None and intronic is not None:
        intronic_only = next((n for (pos, _), n in single.items() if pos == intronic), None)
        _hapb3(obs, matcher, out, hapb3, intronic_only, intronic, exonic)
    return out


def _hapb3(obs: Observation, matcher: Matcher, out: VariantCall, hapb3: str, intronic_only: str | None,
           intronic: int, exonic: int) -> None:
    exonic_copies = sum(b != matcher.fill[exonic] for b in obs.calls.get(exonic, ()))
    intronic_copies = out.found.count(intronic_only) if intronic_only else 0
    if intronic in obs.calls:
        if exonic_copies and not intronic_copies:
            out.notes.append(messages.hapb3_exonic_only())
        if exonic in obs.calls and intronic_only is not None:
            # both SNPs read: HapB3 for the copies that carry both, the intronic allele for the rest
            for _ in range(min(intronic_copies, exonic_copies)):
                out.found[out.found.index(intronic_only)] = hapb3
    elif exonic in obs.calls:
        out.tested_by_proxy.add(hapb3)
        if intronic_only is not None:
            out.tested_by_proxy.add(intronic_only)
        if exonic_copies:
            out.found += [hapb3] * exonic_copies
            out.notes.append(messages.hapb3_from_exonic())

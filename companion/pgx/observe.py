"""Reading one gene's defining positions from a genome, in the definition's own allele terms.

A position is either *called* (one or two alleles, each one the definition knows) or *missing*.
Nothing is ever assumed to be the reference: a position the file lacks, a no-call, a half call,
an array ``D``/``I`` that cannot be placed, or bases the definition does not use are missing, and
each reason is noted.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from companion.pgx import messages
from companion.pgx.genotypes import Genotype, GenotypeLookup
from companion.pgx.knowledge import GeneDefinition, Position

# PharmCAT reads an undocumented base in these genes as the reference (with a warning) so that
# toxicity guidance is not lost (NOTES.md §2.1); elsewhere such a base prevents a call.
UNDOCUMENTED_AS_REFERENCE = frozenset({"CACNA1S", "DPYD", "G6PD", "NUDT15", "RYR1", "TPMT"})
HAPLOID_GENES = frozenset({"MT-RNR1"})  # chrM; G6PD (chrX) depends on the person's sex


@dataclass
class Observation:
    gene: GeneDefinition
    calls: dict[int, tuple[str, ...]] = field(default_factory=dict)  # position → alleles (1 or 2)
    via: dict[int, str] = field(default_factory=dict)  # position → "position" or "rsid"
    missing: list[Position] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    undocumented: list[Position] = field(default_factory=list)  # kept undocumented bases
    haploid: bool = False
    extra: dict[str, str] = field(default_factory=dict)  # extra positions (label → genotype)

    @property
    def available(self) -> frozenset[int]:
        return frozenset(self.calls)

    def missing_positions(self) -> frozenset[int]:
        return frozenset(p.pos for p in self.missing)


def _fetch(lookup: GenotypeLookup, position: Position) -> tuple[Genotype | None, str]:
    found = lookup.by_position(position.chrom, position.pos)
    if found is not None and found.is_call:
        return found, "position"
    if position.rsid:
        by_id = lookup.by_rsid(position.rsid)
        if by_id is not None and by_id.is_call:
            return by_id, "rsid"
    return None, ""


def _ignored(gene: GeneDefinition, position: Position, alleles: tuple[str, ...]) -> bool:
    """A record PharmCAT does not read: another variant written at the same coordinate."""
    for pos, ref, alts in gene.exemptions.ignored_positions:
        if pos == position.pos and set(alleles) <= {ref, *alts} and not set(alleles) <= set(position.alleles):
            return True
    return False


def normalise(gene: GeneDefinition, position: Position, genotype: Genotype, via: str,
              notes: list[str]) -> tuple[str, ...] | None:
    """The call in the definition's alleles, or None (missing) with the reason noted."""
    alleles = genotype.alleles[:2] if len(genotype.alleles) > 2 else genotype.alleles
    label = position.label
    if "." in alleles:
        seen = [a for a in alleles if a != "."]
        if any(a != position.ref for a in seen):
            notes.append(messages.half_call_variant(label))
        return None
    if {"D", "I"} & set(alleles) and not set(alleles) <= set(position.alleles):
        if position.is_snv or len(position.alleles) != 2 or len({len(a) for a in position.alleles}) != 2:
            notes.append(messages.indel_unplaceable(label, genotype))
            return None
        short, long = sorted(position.alleles, key=len)
        alleles = tuple(short if a == "D" else long if a == "I" else a for a in alleles)
    known = set(position.alleles)
    if set(alleles) <= known:
        return alleles
    if via == "rsid":
        notes.append(messages.unexpected_bases_array(label, genotype, position))
        return None
    if _ignored(gene, position, alleles):
        return None
    unknown = [a for a in alleles if a not in known]
    if position.is_snv and all(len(a) == 1 and a in "ACGT" for a in unknown):
        if gene.gene in UNDOCUMENTED_AS_REFERENCE:
            notes.append(messages.undocumented_as_reference(label, genotype))
            return tuple(position.ref if a in unknown else a for a in alleles)
        notes.append(messages.undocumented_base(label, genotype))
        return alleles  # kept: no allele can explain it, so the gene is not called
    notes.append(messages.unexpected_representation(label, genotype, position))
    return None


def _haploidy(obs: Observation, sex: str | None) -> None:
    """Decide whether the gene is read as one copy (chrM; chrX in men) and make calls agree."""
    gene = obs.gene.gene
    one_copy = gene in HAPLOID_GENES or (obs.gene.chromosome == "X" and sex == "male")
    if not one_copy and obs.gene.chromosome == "X" and obs.calls:
        one_copy = all(len(a) == 1 for a in obs.calls.values())
    obs.haploid = one_copy
    for pos, alleles in list(obs.calls.items()):
        position = obs.gene.by_pos[pos]
        if one_copy:
            if len(set(alleles)) > 1:
                del obs.calls[pos]
                obs.missing.append(position)
                obs.notes.append(messages.mixed_one_copy_call(position.label, gene))
            else:
                obs.calls[pos] = alleles[:1]
        elif len(alleles) == 1:
            if obs.gene.chromosome == "X":
                obs.calls[pos] = (alleles[0], alleles[0])
            else:
                del obs.calls[pos]
                obs.missing.append(position)
                obs.notes.append(messages.single_allele_autosome(position.label))


def observe(gene: GeneDefinition, lookup: GenotypeLookup, sex: str | None = None) -> Observation:
    obs = Observation(gene=gene)
    for position in gene.positions:
        genotype, via = _fetch(lookup, position)
        alleles = normalise(gene, position, genotype, via, obs.notes) if genotype is not None else None
        if alleles is None:
            obs.missing.append(position)
            continue
        obs.calls[position.pos] = alleles
        obs.via[position.pos] = via
        if any(a not in position.alleles for a in alleles):
            obs.undocumented.append(position)
    _haploidy(obs, sex)
    obs.missing.sort(key=lambda p: p.pos)
    for position in gene.exemptions.extra_positions:
        genotype, _ = _fetch(lookup, position)
        if genotype is not None:
            obs.extra[position.label] = str(genotype)
    return obs

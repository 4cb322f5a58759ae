"""The pharmacogenomics knowledge: allele definitions, phenotype tables and CPIC recommendations.

Read from ``resources/knowledge/pgx/definitions/`` (built by
``resources/knowledge/build_pgx_definitions.py``; provenance in its ``SOURCES.md``). Plain frozen
dataclasses; nothing here interprets a genome.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from companion import RESOURCES
from companion.errors import CompanionError

DEFINITIONS = RESOURCES / "knowledge" / "pgx" / "definitions"
FORMAT = 1
IUPAC: Mapping[str, frozenset[str]] = {
    "A": frozenset("A"), "C": frozenset("C"), "G": frozenset("G"), "T": frozenset("T"),
    "R": frozenset("AG"), "Y": frozenset("CT"), "S": frozenset("CG"), "W": frozenset("AT"),
    "K": frozenset("GT"), "M": frozenset("AC"), "B": frozenset("CGT"), "D": frozenset("AGT"),
    "H": frozenset("ACT"), "V": frozenset("ACG"), "N": frozenset("ACGT"),
}


class PgxKnowledgeError(CompanionError):
    def __init__(self, detail: str) -> None:
        super().__init__(f"the medicines knowledge that came with the app is missing or damaged ({detail})")


@dataclass(frozen=True)
class Position:
    """One GRCh38 position that defines alleles of a gene (VCF-style, indels left-anchored)."""

    chrom: str
    pos: int
    rsid: str | None
    ref: str
    alts: tuple[str, ...]
    hgvs: str | None = None

    @property
    def alleles(self) -> tuple[str, ...]:
        return (self.ref, *self.alts)

    @property
    def is_snv(self) -> bool:
        return all(len(a) == 1 for a in self.alleles)

    @property
    def label(self) -> str:
        """How a person or a report names it: the rsID, else chromosome:position."""
        return self.rsid or f"chr{self.chrom}:{self.pos}"


def allowed_bases(base: str) -> frozenset[str]:
    """What a definition cell accepts: an IUPAC code is either of its bases, anything else itself."""
    return IUPAC.get(base, frozenset((base,))) if len(base) == 1 else frozenset((base,))


@dataclass(frozen=True, eq=False)  # holds dicts: compared and hashed by identity
class NamedAllele:
    """A star allele or named variant: the base it requires at each position it defines."""

    name: str
    id: str | None
    reference: bool
    bases: Mapping[int, str]  # position → VCF allele (IUPAC codes allowed); others = reference

    @property
    def positions(self) -> frozenset[int]:
        return frozenset(self.bases)


@dataclass(frozen=True)
class Exemptions:
    """PharmCAT's gene-specific switches (``exemptions.json``)."""

    ignored_alleles: frozenset[str] = frozenset()
    ignored_positions: tuple[tuple[int, str, tuple[str, ...]], ...] = ()  # (pos, ref, alts) not read
    extra_positions: tuple[Position, ...] = ()
    required_positions: frozenset[int] = frozenset()
    unphased_priorities: tuple[tuple[frozenset[str], str], ...] = ()  # (diplotypes, the one to pick)
    amp1_alleles: tuple[str, ...] = ()
    amp1_positions: frozenset[int] = frozenset()


@dataclass(frozen=True)
class AlleleValue:
    value: str  # what the diplotype table pairs: function, or activity value for AS genes
    function: str  # CPIC clinical function, for people
    activity: str | None  # activity value (AS genes only)


@dataclass(frozen=True)
class PhenotypeResult:
    values: tuple[str, ...]  # the sorted allele values (one for hemizygous calls)
    phenotype: str
    activity_score: str | None
    lookup_key: str


@dataclass(frozen=True, eq=False)  # holds dicts: compared and hashed by identity
class PhenotypeTable:
    method: str  # "function" or "activity_score"
    alleles: Mapping[str, AlleleValue]
    results: Mapping[tuple[str, ...], PhenotypeResult]
    data_version: str | None


@dataclass(frozen=True)
class Message:
    """A PharmCAT curated message and the conditions under which it applies."""

    rule: str
    gene: str | None
    diplotypes: tuple[str, ...]
    haplotypes_called: tuple[str, ...]
    haplotypes_missing: tuple[str, ...]
    variants_missing: tuple[str, ...]
    variants: tuple[str, ...]
    drugs: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class Source:
    file: str
    repository: str
    path: str
    commit: str


@dataclass(frozen=True, eq=False)  # holds dicts: compared and hashed by identity
class GeneDefinition:
    gene: str
    chromosome: str
    build: str
    data_version: str | None
    positions: tuple[Position, ...]
    alleles: tuple[NamedAllele, ...]  # the reference first
    suballeles: Mapping[str, str]
    exemptions: Exemptions
    unreadable_alleles: tuple[str, ...]
    phenotype: PhenotypeTable | None
    messages: tuple[Message, ...]
    sources: tuple[Source, ...]
    by_pos: Mapping[int, Position] = field(default_factory=dict, compare=False, repr=False)

    @property
    def reference(self) -> NamedAllele:
        return self.alleles[0]

    def allele(self, name: str) -> NamedAllele | None:
        return next((a for a in self.alleles if a.name == name), None)


@dataclass(frozen=True)
class Guideline:
    id: str
    name: str
    source: str
    annotation_version: int | None
    data_version: str
    date: str
    url: str
    genes: tuple[str, ...]
    drugs: tuple[str, ...]
    pmids: tuple[str, ...]
    source_file: Source


@dataclass(frozen=True, eq=False)  # holds dicts: compared and hashed by identity
class Recommendation:
    guideline: Guideline
    id: str
    drug: str
    lookup: Mapping[str, str]  # gene → phenotype / activity score / "No Result"
    population: str | None
    strength: str | None  # CPIC classification: Strong, Moderate, Optional, No recommendation
    text: str
    implications: tuple[str, ...]
    alternate_drug: bool


@dataclass(frozen=True, eq=False)  # holds dicts: compared and hashed by identity
class PgxKnowledge:
    genes: Mapping[str, GeneDefinition]
    guidelines: tuple[Guideline, ...]
    recommendations: tuple[Recommendation, ...]
    drug_messages: tuple[Message, ...]

    @property
    def drugs(self) -> tuple[str, ...]:
        return tuple(sorted({d for g in self.guidelines for d in g.drugs}))

    def guidelines_for(self, drug: str) -> tuple[Guideline, ...]:
        wanted = drug.strip().lower()
        return tuple(g for g in self.guidelines if wanted in (d.lower() for d in g.drugs))

    def recommendations_for(self, guideline: Guideline, drug: str) -> tuple[Recommendation, ...]:
        wanted = drug.strip().lower()
        return tuple(r for r in self.recommendations if r.guideline is guideline and r.drug.lower() == wanted)


# -- loading ----------------------------------------------------------------------------------

def _source(raw: Mapping[str, Any]) -> Source:
    return Source(file=raw["file"], repository=raw["repository"], path=raw["path"], commit=raw["commit"])


def _message(raw: Mapping[str, Any]) -> Message:
    return Message(
        rule=raw["rule"],
        gene=raw.get("gene"),
        diplotypes=tuple(raw["diplotypes"]),
        haplotypes_called=tuple(raw["haplotypes_called"]),
        haplotypes_missing=tuple(raw["haplotypes_missing"]),
        variants_missing=tuple(raw["variants_missing"]),
        variants=tuple(raw["variants"]),
        drugs=tuple(raw["drugs"]),
        text=raw["text"],
    )


def _position(chrom: str, raw: Mapping[str, Any]) -> Position:
    return Position(chrom=chrom, pos=int(raw["pos"]), rsid=raw.get("rsid"), ref=raw["ref"],
                    alts=tuple(raw["alts"]), hgvs=raw.get("hgvs"))


def _phenotype(raw: Mapping[str, Any] | None) -> PhenotypeTable | None:
    if raw is None:
        return None
    alleles = {name: AlleleValue(value=a["value"], function=a["function"], activity=a.get("activity"))
               for name, a in raw["alleles"].items()}
    results = {}
    for r in raw["results"]:
        values = tuple(r["values"])
        results[values] = PhenotypeResult(values=values, phenotype=r["phenotype"],
                                          activity_score=r.get("activity_score"), lookup_key=r["lookup_key"])
    return PhenotypeTable(method=raw["method"], alleles=alleles, results=results, data_version=raw.get("data_version"))


def gene_from_json(raw: Mapping[str, Any]) -> GeneDefinition:
    if raw.get("format") != FORMAT:
        raise PgxKnowledgeError(f"unknown format of {raw.get('gene')}")
    chrom = raw["chromosome"]
    positions = tuple(_position(chrom, p) for p in raw["positions"])
    alleles = tuple(
        NamedAllele(name=a["name"], id=a.get("id"), reference=a["reference"],
                    bases={int(pos): base for pos, base in a["bases"].items()})
        for a in raw["alleles"]
    )
    ex = raw["exemptions"]
    exemptions = Exemptions(
        ignored_alleles=frozenset(ex["ignored_alleles"]),
        ignored_positions=tuple((int(p["pos"]), p["ref"], tuple(p["alts"])) for p in ex["ignored_positions"]),
        extra_positions=tuple(_position(chrom, p) for p in ex["extra_positions"]),
        required_positions=frozenset(int(p) for p in ex["required_positions"]),
        unphased_priorities=tuple((frozenset(p["diplotypes"]), p["pick"]) for p in ex["unphased_priorities"]),
        amp1_alleles=tuple(ex["amp1_alleles"]),
        amp1_positions=frozenset(int(p) for p in ex["amp1_positions"]),
    )
    return GeneDefinition(
        gene=raw["gene"],
        chromosome=chrom,
        build=raw["build"],
        data_version=raw.get("data_version"),
        positions=positions,
        alleles=alleles,
        suballeles=dict(raw["suballeles"]),
        exemptions=exemptions,
        unreadable_alleles=tuple(raw["unreadable_alleles"]),
        phenotype=_phenotype(raw.get("phenotype")),
        messages=tuple(_message(m) for m in raw["messages"]),
        sources=tuple(_source(s) for s in raw["sources"]),
        by_pos={p.pos: p for p in positions},
    )


def _guidelines(
    raw: Mapping[str, Any],
) -> tuple[tuple[Guideline, ...], tuple[Recommendation, ...], tuple[Message, ...]]:
    if raw.get("format") != FORMAT:
        raise PgxKnowledgeError("unknown format of guidelines.json")
    texts: list[str] = raw["texts"]
    guidelines = {}
    for g in raw["guidelines"]:
        guidelines[g["id"]] = Guideline(
            id=g["id"], name=g["name"], source=g["source"], annotation_version=g.get("annotation_version"),
            data_version=g["data_version"], date=g["date"], url=g["url"], genes=tuple(g["genes"]),
            drugs=tuple(g["drugs"]), pmids=tuple(g["pmids"]), source_file=_source(g["source_file"]),
        )
    recommendations = tuple(
        Recommendation(
            guideline=guidelines[r["guideline"]], id=r["id"], drug=r["drug"], lookup=dict(r["lookup"]),
            population=r.get("population"), strength=r.get("strength"), text=texts[r["recommendation"]],
            implications=tuple(texts[i] for i in r["implications"]), alternate_drug=bool(r["alternate_drug"]),
        )
        for r in raw["recommendations"]
    )
    return tuple(guidelines.values()), recommendations, tuple(_message(m) for m in raw["drug_messages"])


def load_knowledge(folder: Path | None = None) -> PgxKnowledge:
    """Read every gene file and the guidelines (about 0.2 s); callers keep the result."""
    folder = DEFINITIONS if folder is None else folder
    try:
        genes = {}
        for path in sorted((folder / "genes").glob("*.json")):
            gene = gene_from_json(json.loads(path.read_text(encoding="utf-8")))
            genes[gene.gene] = gene
        guidelines, recommendations, drug_messages = _guidelines(
            json.loads((folder / "guidelines.json").read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError) as exc:
        raise PgxKnowledgeError(type(exc).__name__) from exc
    if not genes:
        raise PgxKnowledgeError("no gene definitions")
    return PgxKnowledge(genes=genes, guidelines=guidelines, recommendations=recommendations,
                        drug_messages=drug_messages)

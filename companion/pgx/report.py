"""What the pharmacogenomics layer reports: one result per gene, with its CPIC guidance.

``GeneResult.to_json()`` is a public contract (``companion analyze --json``)::

    {"gene", "diplotypes": ["*1/*2", ...], "phenotype", "activity_score",
     "missing_positions": [...], "caveats": [...], "drugs": [{"drug", "recommendation", "strength"}]}

plus extra keys (``status``, ``implications``, ``guideline``, ``url`` …).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# GeneResult.status
CALLED = "called"  # a phenotype is claimed (caveats may apply)
AMBIGUOUS = "ambiguous"  # several results remain possible; none is claimed
NO_MATCH = "no_match"  # no pair of defined alleles explains the genotypes
NOT_CALLED = "not_called"  # read, but a rule prevents a call (e.g. a required position is missing)
NOT_IN_FILE = "not_in_file"  # none of the gene's positions are in the file
CLINICAL_TEST_NEEDED = "clinical_test_needed"  # CYP2D6 copy number, HLA typing


@dataclass(frozen=True)
class DrugGuidance:
    drug: str
    recommendation: str
    strength: str | None
    implications: tuple[str, ...]
    population: str | None
    lookup: dict[str, str]  # the CPIC lookup key used, per gene
    guideline: str
    guideline_date: str
    url: str
    pmids: tuple[str, ...]
    notes: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "drug": self.drug,
            "recommendation": self.recommendation,
            "strength": self.strength,
            "implications": list(self.implications),
            "population": self.population,
            "lookup": dict(self.lookup),
            "guideline": self.guideline,
            "guideline_date": self.guideline_date,
            "url": self.url,
            "pmids": list(self.pmids),
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class GeneResult:
    gene: str
    status: str
    diplotypes: tuple[str, ...] = ()
    phenotype: str | None = None
    activity_score: float | None = None
    lookup_key: str | None = None  # what CPIC tables are searched with
    possible_phenotypes: tuple[str, ...] = ()  # when ambiguous
    possible_keys: tuple[str, ...] = ()  # lookup keys of every possibility (one when called)
    missing_positions: tuple[str, ...] = ()
    untested_alleles: tuple[str, ...] = ()
    variants_found: tuple[str, ...] = ()  # DPYD / RYR1 / CACNA1S
    allele_functions: dict[str, str] = field(default_factory=dict)
    extra_positions: dict[str, str] = field(default_factory=dict)
    caveats: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # PharmCAT's general notes for the gene
    drugs: tuple[DrugGuidance, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "gene": self.gene,
            "diplotypes": list(self.diplotypes),
            "phenotype": self.phenotype,
            "activity_score": self.activity_score,
            "missing_positions": list(self.missing_positions),
            "caveats": list(self.caveats),
            "drugs": [d.to_json() for d in self.drugs],
            "status": self.status,
            "lookup_key": self.lookup_key,
            "possible_phenotypes": list(self.possible_phenotypes),
            "untested_alleles": list(self.untested_alleles),
            "variants_found": list(self.variants_found),
            "allele_functions": dict(self.allele_functions),
            "extra_positions": dict(self.extra_positions),
            "notes": list(self.notes),
        }

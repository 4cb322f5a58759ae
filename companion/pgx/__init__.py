"""Pharmacogenomics: star-allele diplotypes, phenotypes and CPIC drug guidance from a genome.

Plain Python (no Qt, no vault). Typical use::

    knowledge = load_knowledge()
    lookup = lookup_from_calls(calls, build)        # or any GenotypeLookup
    results = analyze(knowledge, lookup, sex=sex)   # one GeneResult per gene
    answer = drug_answer(knowledge, results, "clopidogrel")
"""
from __future__ import annotations

from companion.pgx.analysis import analyze, call_gene, wanted_markers
from companion.pgx.drugs import DrugAnswer, drug_answer
from companion.pgx.genotypes import CallsLookup, Genotype, GenotypeLookup, lookup_from_calls
from companion.pgx.knowledge import PgxKnowledge, PgxKnowledgeError, load_knowledge
from companion.pgx.report import DrugGuidance, GeneResult

__all__ = [
    "CallsLookup",
    "DrugAnswer",
    "DrugGuidance",
    "GeneResult",
    "Genotype",
    "GenotypeLookup",
    "PgxKnowledge",
    "PgxKnowledgeError",
    "analyze",
    "call_gene",
    "drug_answer",
    "load_knowledge",
    "lookup_from_calls",
    "wanted_markers",
]

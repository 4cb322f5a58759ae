"""CPIC recommendation lookup: a drug and every gene's lookup key → the matching table rows.

A guideline keys on all its genes at once (amitriptyline: CYP2C19 + CYP2D6; thiopurines:
NUDT15 + TPMT). A gene this file cannot show is looked up as CPIC's ``"No Result"``, as PharmCAT
does; a gene with several possible results is looked up once per possibility. Keys are matched
exactly; when no row matches, nothing is guessed.
"""
from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass

from companion.pgx import messages
from companion.pgx.knowledge import Guideline, PgxKnowledge, Recommendation
from companion.pgx.report import DrugGuidance

NO_RESULT = "No Result"


@dataclass(frozen=True)
class Outcome:
    """The rows found for one combination of possible gene results."""

    guideline: Guideline
    keys: Mapping[str, str]
    recommendations: tuple[Recommendation, ...]

    def same_advice(self, other: Outcome) -> bool:
        return _advice(self) == _advice(other)


def _advice(outcome: Outcome) -> frozenset[tuple[str | None, str, str | None]]:
    return frozenset((r.population, r.text, r.strength) for r in outcome.recommendations)


def outcomes(knowledge: PgxKnowledge, guideline: Guideline, drug: str,
             gene_keys: Mapping[str, tuple[str, ...]]) -> list[Outcome]:
    """One outcome per combination of the guideline's genes' possible keys."""
    rows = knowledge.recommendations_for(guideline, drug)
    choices = [gene_keys.get(gene) or (NO_RESULT,) for gene in guideline.genes]
    out = []
    for combination in itertools.product(*choices):
        keys = dict(zip(guideline.genes, combination, strict=True))
        found = tuple(r for r in rows if dict(r.lookup) == keys)
        out.append(Outcome(guideline, keys, found))
    return out


def drug_guidance(recommendation: Recommendation, keys: Mapping[str, str],
                  unseen: tuple[str, ...], drug_notes: tuple[str, ...]) -> DrugGuidance:
    g = recommendation.guideline
    notes = [messages.gene_assumed_no_result(gene) for gene in unseen if keys.get(gene) == NO_RESULT]
    notes += drug_notes
    notes.append(messages.recommendation_source(g.name, g.date))
    return DrugGuidance(
        drug=recommendation.drug,
        recommendation=recommendation.text,
        strength=recommendation.strength,
        implications=recommendation.implications,
        population=recommendation.population,
        lookup=dict(keys),
        guideline=g.name,
        guideline_date=g.date,
        url=g.url,
        pmids=g.pmids,
        notes=tuple(notes),
    )


def drug_notes(knowledge: PgxKnowledge, drug: str) -> tuple[str, ...]:
    """PharmCAT's drug-level messages (e.g. phenytoin and HLA-B, the warfarin algorithm)."""
    wanted = drug.lower()
    return tuple(m.text for m in knowledge.drug_messages if m.text and wanted in (d.lower() for d in m.drugs))


def settled(found: list[Outcome]) -> Outcome | None:
    """The outcome when every possibility gives the same advice (and some advice), else None."""
    if not found or not found[0].recommendations:
        return None
    return found[0] if all(o.same_advice(found[0]) for o in found[1:]) else None

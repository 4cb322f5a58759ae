""""Does my genome change anything for this drug?" — answered for any drug in the CPIC data."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from companion.pgx import messages
from companion.pgx import report as r
from companion.pgx.analysis import gene_keys
from companion.pgx.guidance import NO_RESULT, Outcome, drug_guidance, drug_notes, outcomes, settled
from companion.pgx.knowledge import PgxKnowledge
from companion.pgx.report import DrugGuidance, GeneResult

# DrugAnswer.status
GUIDANCE = "guidance"  # guidance applies to this person's result
DEPENDS = "depends"  # the file leaves several results, and their guidance differs
NO_GUIDANCE = "no_guidance"  # the drug is in no CPIC guideline of this data
NOT_VISIBLE = "not_visible"  # the genes that matter cannot be read from this file
NO_RECOMMENDATION = "no_recommendation"  # a guideline exists but has no row for this result


@dataclass(frozen=True)
class Possibility:
    keys: dict[str, str]  # a combination of possible gene results
    guidance: tuple[DrugGuidance, ...]


@dataclass(frozen=True)
class DrugAnswer:
    drug: str
    status: str
    summary: str
    genes: tuple[str, ...]  # the genes CPIC looks at for this drug
    unseen_genes: tuple[str, ...]  # of those, the ones this file cannot show
    guidance: tuple[DrugGuidance, ...] = ()
    possibilities: tuple[Possibility, ...] = ()
    notes: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "drug": self.drug,
            "status": self.status,
            "summary": self.summary,
            "genes": list(self.genes),
            "unseen_genes": list(self.unseen_genes),
            "guidance": [g.to_json() for g in self.guidance],
            "possibilities": [
                {"keys": p.keys, "guidance": [g.to_json() for g in p.guidance]} for p in self.possibilities
            ],
            "notes": list(self.notes),
            "disclaimer": messages.CPIC_DISCLAIMER,
        }


def _seen(result: GeneResult | None) -> bool:
    return result is not None and result.status in (r.CALLED, r.AMBIGUOUS)


def drug_answer(knowledge: PgxKnowledge, results: Sequence[GeneResult], drug: str) -> DrugAnswer:
    name = drug.strip()
    guidelines = knowledge.guidelines_for(name)
    if not guidelines:
        return DrugAnswer(name, NO_GUIDANCE, messages.drug_no_guidance(name), (), ())
    name = next(d for d in guidelines[0].drugs if d.lower() == name.lower())
    by_gene = {res.gene: res for res in results}
    genes = tuple(sorted({g for gl in guidelines for g in gl.genes}))
    unseen = tuple(g for g in genes if not _seen(by_gene.get(g)))
    notes = drug_notes(knowledge, name)
    if len(unseen) == len(genes):
        return DrugAnswer(name, NOT_VISIBLE, messages.drug_not_visible(name, genes), genes, unseen, notes=notes)
    keys = gene_keys(results)
    found: list[Outcome] = []
    for guideline in guidelines:
        found += outcomes(knowledge, guideline, name, keys)
    hits = [o for o in found if o.recommendations]
    if not hits:
        return DrugAnswer(name, NO_RECOMMENDATION, messages.drug_no_row(name), genes, unseen, notes=notes)
    one = settled(found)
    if one is not None:
        guidance = tuple(drug_guidance(rec, one.keys, unseen, notes) for rec in one.recommendations)
        seen = [g for g in genes if g not in unseen]
        return DrugAnswer(name, GUIDANCE, messages.drug_guidance(name, seen), genes, unseen, guidance=guidance,
                          notes=notes)
    possibilities = tuple(
        Possibility(dict(o.keys), tuple(drug_guidance(rec, o.keys, unseen, notes) for rec in o.recommendations))
        for o in found
    )
    ambiguous = [g for g in genes if len(keys.get(g, (NO_RESULT,))) > 1]
    return DrugAnswer(name, DEPENDS, messages.drug_depends(name, ambiguous or genes), genes, unseen,
                      possibilities=possibilities, notes=notes)

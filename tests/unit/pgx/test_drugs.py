""""Does my genome change anything for this drug?" for drugs in and out of the CPIC data."""
from __future__ import annotations

from companion.pgx import analyze, drug_answer, messages
from companion.pgx import drugs as d
from companion.pgx.knowledge import PgxKnowledge
from tests.unit.pgx.generate import DictLookup, genotypes, haplotype


def _all_reference(knowledge: PgxKnowledge, skip: set[str] = frozenset()) -> DictLookup:  # type: ignore[assignment]
    positions = {}
    for gene in knowledge.genes.values():
        if gene.gene in skip:
            continue
        h = haplotype(gene, gene.reference)
        if gene.gene == "CYP2C19":  # *1 needs rs3758581 G, as almost everyone has
            h = haplotype(gene, gene.allele("*1"))  # type: ignore[arg-type]
        copies = [h] if gene.gene == "MT-RNR1" else [h, h]
        for pos, gt in genotypes(gene, *copies).items():
            positions[(gene.chromosome, pos)] = gt
    return DictLookup(positions=positions)


def test_every_drug_in_the_data_gets_an_answer(knowledge: PgxKnowledge) -> None:
    results = analyze(knowledge, _all_reference(knowledge), sex="female")
    statuses = {}
    for drug in knowledge.drugs:
        answer = drug_answer(knowledge, results, drug)
        statuses[drug] = answer.status
        assert answer.summary
        assert answer.to_json()["disclaimer"] == messages.CPIC_DISCLAIMER
        if answer.status == d.GUIDANCE:
            assert answer.guidance and all(g.recommendation for g in answer.guidance)
    assert statuses["clopidogrel"] == d.GUIDANCE
    assert statuses["abacavir"] == d.NOT_VISIBLE  # HLA-B
    assert statuses["codeine"] == d.NOT_VISIBLE  # CYP2D6
    assert statuses["warfarin"] == d.NO_RECOMMENDATION  # an algorithm, no table rows
    assert statuses["amitriptyline"] == d.GUIDANCE  # CYP2C19, with CYP2D6 as "No Result"


def test_drug_outside_the_data(knowledge: PgxKnowledge) -> None:
    answer = drug_answer(knowledge, [], "paracetamol")
    assert answer.status == d.NO_GUIDANCE and answer.genes == ()


def test_drug_names_are_matched_without_case(knowledge: PgxKnowledge) -> None:
    results = analyze(knowledge, _all_reference(knowledge), genes=["CYP2C19"])
    assert drug_answer(knowledge, results, "  Clopidogrel ").drug == "clopidogrel"


def test_gene_missing_from_the_file_cannot_show(knowledge: PgxKnowledge) -> None:
    results = analyze(knowledge, _all_reference(knowledge, skip={"CYP2C19"}))
    answer = drug_answer(knowledge, results, "clopidogrel")
    assert answer.status == d.NOT_VISIBLE and answer.unseen_genes == ("CYP2C19",)


def test_phenytoin_carries_the_hla_b_note(knowledge: PgxKnowledge) -> None:
    results = analyze(knowledge, _all_reference(knowledge), genes=["CYP2C9", "HLA-B"])
    answer = drug_answer(knowledge, results, "phenytoin")
    assert answer.status == d.GUIDANCE
    assert "HLA-B" in answer.unseen_genes
    note = next(m.text for m in knowledge.drug_messages if "phenytoin" in m.drugs)
    assert note in answer.notes


def test_ambiguous_gene_gives_possibilities(knowledge: PgxKnowledge) -> None:
    """CYP2C19 from an array without rs28399504: *2/*17 ties with *2/*4 (IM vs PM)."""
    gene = knowledge.genes["CYP2C19"]
    h2, h17 = (haplotype(gene, gene.allele(n)) for n in ("*2", "*17"))  # type: ignore[arg-type]
    calls = genotypes(gene, h2, h17)
    tested = {p.pos for p in gene.positions if p.pos in gene.exemptions.amp1_positions}
    lookup = DictLookup(rsids={gene.by_pos[p].rsid: gt for p, gt in calls.items() if p in tested})
    results = analyze(knowledge, lookup, genes=["CYP2C19"])
    assert set(results[0].diplotypes) == {"*2/*17", "*2/*4"}
    assert results[0].phenotype is None and len(results[0].possible_phenotypes) == 2
    answer = drug_answer(knowledge, results, "clopidogrel")
    assert answer.status == d.DEPENDS
    assert {p.keys["CYP2C19"] for p in answer.possibilities} == set(results[0].possible_phenotypes)
    assert all(p.guidance for p in answer.possibilities)

"""Diplotype → phenotype / activity score / lookup key, checked row by row against the shared
CPIC phenotype tables (read at test time, not copied), and the gene-specific CPIC rules."""
from __future__ import annotations

import pytest

from companion.pgx import call_gene
from companion.pgx import report as r
from companion.pgx.knowledge import PgxKnowledge
from companion.pgx.phenotype import INDETERMINATE, phenotype_of
from tests.unit.pgx.generate import builder, by_position, genotypes, haplotype, needs_shared, shared_json

pytestmark = needs_shared()
TABLE_FILES = {
    "ABCG2": "ABCG2.json", "CACNA1S": "CACNA1S.json", "CFTR": "CFTR.json", "CYP2B6": "CYP2B6.json",
    "CYP2C19": "CYP2C19.json", "CYP2C9": "CYP2C9.json", "CYP2D6": "CYP2D6.json", "CYP3A4": "CYP3A4.json",
    "CYP3A5": "CYP3A5.json", "DPYD": "DPYD.json", "G6PD": "G6PD.json", "IFNL3": "IFNL3.json",
    "MT-RNR1": "MT_RNR1.json", "NAT2": "NAT2.json", "NUDT15": "NUDT15.json", "SLCO1B1": "SLCO1B1.json",
    "TPMT": "TPMT.json", "UGT1A1": "UGT1A1.json", "VKORC1": "VKORC1.json",
}


def _names(gene: str, row: dict) -> list[str]:
    fixes = builder().FIXES
    names = []
    for name, count in row["diplotypekey"].items():
        names += [fixes.get((gene, name), name)] * int(count)
    return names


@pytest.mark.parametrize("gene_name", sorted(TABLE_FILES))
def test_every_cpic_diplotype_row(knowledge: PgxKnowledge, gene_name: str) -> None:
    gene = knowledge.genes[gene_name]
    table = shared_json(f"phenotypes/{TABLE_FILES[gene_name]}")
    for row in table["diplotypes"]:
        call = phenotype_of(gene, _names(gene_name, row))
        assert call.result is not None, row["diplotype"]
        got = (call.result.phenotype, call.result.activity_score, call.result.lookup_key)
        assert got == (row["generesult"], row.get("activityScore"), row["lookupkey"]), row["diplotype"]


def test_ryr1_functions_from_2026_and_any_mh_allele_means_mhs(knowledge: PgxKnowledge) -> None:
    """RYR1: functions from the 2026 extract; the 2023 table's rule (any MH-associated allele →
    MHS, otherwise Uncertain Susceptibility) applied to them."""
    gene = knowledge.genes["RYR1"]
    functions = shared_json("phenotypes/RYR1.allele_functions.json")["haplotypes"]
    old = shared_json("phenotypes/RYR1.json")
    assert {n: gene.phenotype.alleles[n].value for n in functions} == functions  # type: ignore[union-attr]
    for name, function in functions.items():
        call = phenotype_of(gene, ["Reference", name])
        mh = function == "Malignant Hyperthermia associated"
        expected = "Malignant Hyperthermia Susceptibility" if mh else "Uncertain Susceptibility"
        assert call.result is not None and call.result.phenotype == expected, name
    unchanged = {n for n, f in old["haplotypes"].items() if functions.get(n) == f}
    for row in old["diplotypes"]:
        if set(row["diplotypekey"]) <= unchanged:
            call = phenotype_of(gene, _names("RYR1", row))
            assert call.result is not None and call.result.phenotype == row["generesult"], row["diplotype"]


def test_alleles_without_cpic_function_are_indeterminate_never_normal(knowledge: PgxKnowledge) -> None:
    checked = 0
    for gene in knowledge.genes.values():
        table = gene.phenotype
        if table is None or not table.results:
            continue
        for allele in gene.alleles:
            name = gene.suballeles.get(allele.name, allele.name)
            if name in table.alleles:
                continue
            call = phenotype_of(gene, [gene.reference.name, allele.name])
            assert call.unknown == (allele.name,)
            assert call.result is None or call.result.phenotype == INDETERMINATE, (gene.gene, allele.name)
            checked += 1
    assert checked >= 90  # CYP2C9 *76+, NUDT15 *10+, TPMT *42-*44, SLCO1B1 *50+, CYP2D6, CYP3A4 …


def test_activity_score_genes_key_on_the_score(knowledge: PgxKnowledge) -> None:
    """CYP2C9 *1/*3 and *2/*2 share a lookup key (1.0); *1/*2 (1.5) does not."""
    gene = knowledge.genes["CYP2C9"]
    a, b, c = (phenotype_of(gene, d.split("/")).result for d in ("*1/*3", "*2/*2", "*1/*2"))
    assert a and b and c
    assert a.lookup_key == b.lookup_key == a.activity_score
    assert c.lookup_key != a.lookup_key


def _dpyd_row(names: list[str]) -> dict:
    rows = shared_json("phenotypes/DPYD.json")["diplotypes"]
    return next(row for row in rows if sorted(_names("DPYD", row)) == sorted(names))


def test_dpyd_two_lowest_variants_and_homozygous_counts_twice(knowledge: PgxKnowledge) -> None:
    gene = knowledge.genes["DPYD"]
    values = shared_json("phenotypes/DPYD.json")["activityValues"]
    by_value: dict[str, list[str]] = {}
    for name, value in values.items():
        if name != "Reference" and "HapB3" not in name and "1129-5923" not in name:
            by_value.setdefault(value, []).append(name)
    no_function, decreased, normal = by_value["0.0"][0], by_value["0.5"][0], by_value["1.0"][0]
    ref_h = haplotype(gene, gene.reference)
    # three variants unphased: normal + decreased + no function → the two lowest (0 + 0.5)
    h1 = haplotype(gene, gene.allele(no_function))  # type: ignore[arg-type]
    h2 = haplotype(gene, gene.allele(decreased))  # type: ignore[arg-type]
    h3 = haplotype(gene, gene.allele(normal))  # type: ignore[arg-type]
    mixed = {p: (h1[p] if h1[p] != ref_h[p] else h3[p]) for p in ref_h}
    result = call_gene(gene, by_position(gene, genotypes(gene, mixed, h2)))
    row = _dpyd_row([no_function, decreased])
    assert result.status == r.CALLED
    assert (result.phenotype, result.lookup_key) == (row["generesult"], row["lookupkey"])
    assert sorted(result.variants_found) == sorted([no_function, decreased, normal])
    # homozygous decreased counts twice
    result = call_gene(gene, by_position(gene, genotypes(gene, h2, h2)))
    row = _dpyd_row([decreased, decreased])
    assert (result.phenotype, result.lookup_key) == (row["generesult"], row["lookupkey"])
    assert list(result.variants_found) == [decreased, decreased]


def test_tpmt_star3a_beats_3b_plus_3c_and_says_so(knowledge: PgxKnowledge) -> None:
    gene = knowledge.genes["TPMT"]
    h3b, h3c = (haplotype(gene, gene.allele(n)) for n in ("*3B", "*3C"))  # type: ignore[arg-type]
    result = call_gene(gene, by_position(gene, genotypes(gene, h3b, h3c)))
    assert result.diplotypes == ("*1/*3A",)
    message = next(m.text for m in gene.messages if m.diplotypes == ("*1/*3A",))
    assert message in result.caveats
    expected = phenotype_of(gene, ["*1", "*3A"]).result
    assert expected and result.phenotype == expected.phenotype


def test_g6pd_hemizygous_heterozygous_and_homozygous(knowledge: PgxKnowledge) -> None:
    gene = knowledge.genes["G6PD"]
    table = shared_json("phenotypes/G6PD.json")["diplotypes"]
    expected = {tuple(sorted(_names("G6PD", row))): row["generesult"] for row in table}
    deficient = next(a.name for a in gene.alleles[1:]
                     if gene.phenotype.alleles.get(a.name) and  # type: ignore[union-attr]
                     gene.phenotype.alleles[a.name].value == "III/Deficient")  # type: ignore[union-attr]
    ref, var = haplotype(gene, gene.reference), haplotype(gene, gene.allele(deficient))  # type: ignore[arg-type]
    male = call_gene(gene, by_position(gene, genotypes(gene, var)), sex="male")
    assert male.diplotypes == (deficient,) and male.phenotype == expected[(deficient,)]
    male_hom = call_gene(gene, by_position(gene, genotypes(gene, var, var)), sex="male")
    assert male_hom.diplotypes == (deficient,)
    female = call_gene(gene, by_position(gene, genotypes(gene, ref, var)), sex="female")
    assert female.phenotype == expected[tuple(sorted((gene.reference.name, deficient)))] == "Variable"
    female_hom = call_gene(gene, by_position(gene, genotypes(gene, var, var)), sex="female")
    assert female_hom.phenotype == expected[(deficient, deficient)]


def test_mt_rnr1_from_chrm_positions(knowledge: PgxKnowledge) -> None:
    gene = knowledge.genes["MT-RNR1"]
    table = {row["diplotype"]: row["generesult"] for row in shared_json("phenotypes/MT_RNR1.json")["diplotypes"]}
    h = haplotype(gene, gene.allele("m.1555A>G"))  # type: ignore[arg-type]
    result = call_gene(gene, by_position(gene, genotypes(gene, h)))
    assert result.diplotypes == ("m.1555A>G",) and result.phenotype == table["m.1555A>G"]
    hetero = {p: f"{gene.by_pos[p].ref}/{b}" if b != gene.by_pos[p].ref else b for p, b in h.items()}
    mixed = call_gene(gene, by_position(gene, hetero))
    assert mixed.status != r.CALLED or mixed.phenotype == table["Reference"]
    assert any("heteroplasmic" in c for c in mixed.caveats)

"""CPIC recommendation lookup, checked against the shared guideline files read at test time."""
from __future__ import annotations

import glob
from pathlib import Path

import pytest

from companion.pgx import analyze, call_gene
from companion.pgx import report as r
from companion.pgx.guidance import NO_RESULT, outcomes
from companion.pgx.knowledge import PgxKnowledge
from tests.unit.pgx.generate import (
    SHARED_PGX,
    DictLookup,
    builder,
    genotypes,
    haplotype,
    needs_shared,
    shared_json,
)

pytestmark = needs_shared()


def _shared_rows() -> list[tuple[dict, dict, str]]:
    """(guideline, recommendation, drug) for every row of every shared CPIC guideline file."""
    rows = []
    for path in sorted(glob.glob(str(SHARED_PGX / "guidelines" / "cpic" / "*.json"))):
        data = shared_json(f"guidelines/cpic/{Path(path).name}")
        for rec in data["recommendations"] or ():
            for chemical in rec["relatedChemicals"]:
                rows.append((data["guideline"], rec, chemical["name"]))
    return rows


def test_every_shared_recommendation_is_found_by_its_lookup_key(knowledge: PgxKnowledge) -> None:
    plain = builder().plain_text
    rows = _shared_rows()
    assert len(rows) > 2000
    by_id = {g.id: g for g in knowledge.guidelines}
    for guideline, rec, drug in rows:
        keys = {gene: (key,) for gene, key in rec["lookupKey"].items()}
        found = outcomes(knowledge, by_id[guideline["id"]], drug, keys)
        assert len(found) == 1
        texts = {(x.text, x.strength, x.population) for x in found[0].recommendations}
        expected = (plain(rec["text"]["html"]), (rec["classification"] or {}).get("term"), rec["population"])
        assert expected in texts, (drug, rec["lookupKey"])


def _expected(drug: str, keys: dict[str, str]) -> set[tuple[str, str | None]]:
    plain = builder().plain_text
    return {
        (plain(rec["text"]["html"]), (rec["classification"] or {}).get("term"))
        for guideline, rec, d in _shared_rows() if d == drug and rec["lookupKey"] == keys
    }


def _table_key(gene: str, diplotype: str) -> str:
    fixes = builder().FIXES
    name = {"MT-RNR1": "MT_RNR1.json"}.get(gene, f"{gene}.json")
    for row in shared_json(f"phenotypes/{name}")["diplotypes"]:
        names = sorted(fixes.get((gene, n), n) for n, c in row["diplotypekey"].items() for _ in range(int(c)))
        if names == sorted(diplotype.split("/")):
            return row["lookupkey"]
    raise AssertionError(f"{gene} {diplotype} is not in the shared table")


def _lookup(knowledge: PgxKnowledge, diplotypes: dict[str, str]) -> DictLookup:
    positions = {}
    for gene_name, dip in diplotypes.items():
        gene = knowledge.genes[gene_name]
        haps = [haplotype(gene, gene.allele(n)) for n in dip.split("/")]  # type: ignore[arg-type]
        for pos, gt in genotypes(gene, *haps).items():
            positions[(gene.chromosome, pos)] = gt
    return DictLookup(positions=positions)


@pytest.mark.parametrize(("gene_name", "diplotype"), [
    ("CYP2C19", "*2/*2"), ("CYP2C19", "*1/*17"), ("CYP2C9", "*1/*3"), ("CYP3A5", "*1/*3"),
    ("SLCO1B1", "*5/*5"), ("UGT1A1", "*28/*28"), ("CYP2B6", "*6/*6"),
    ("ABCG2", "rs2231142 variant (T)/rs2231142 variant (T)"),
])
def test_gene_results_carry_the_cpic_rows_for_their_key(
    knowledge: PgxKnowledge, gene_name: str, diplotype: str,
) -> None:
    result = analyze(knowledge, _lookup(knowledge, {gene_name: diplotype}), genes=[gene_name])[0]
    assert result.status == r.CALLED and result.diplotypes == (diplotype,)
    assert result.lookup_key == _table_key(gene_name, diplotype)
    assert result.drugs
    for guidance in result.drugs:
        assert guidance.lookup[gene_name] == result.lookup_key
        assert (guidance.recommendation, guidance.strength) in _expected(guidance.drug, guidance.lookup)
        assert guidance.url.startswith("https://") and guidance.guideline_date and guidance.pmids


def test_amitriptyline_keys_on_cyp2c19_with_cyp2d6_no_result(knowledge: PgxKnowledge) -> None:
    results = analyze(knowledge, _lookup(knowledge, {"CYP2C19": "*2/*2", "CYP2D6": "*1/*4"}))
    cyp2c19 = next(x for x in results if x.gene == "CYP2C19")
    cyp2d6 = next(x for x in results if x.gene == "CYP2D6")
    assert cyp2d6.status == r.CLINICAL_TEST_NEEDED and cyp2d6.drugs == ()
    amitriptyline = [d for d in cyp2c19.drugs if d.drug == "amitriptyline"]
    keys = {"CYP2C19": _table_key("CYP2C19", "*2/*2"), "CYP2D6": NO_RESULT}
    assert amitriptyline and all(d.lookup == keys for d in amitriptyline)
    assert {(d.recommendation, d.strength) for d in amitriptyline} == _expected("amitriptyline", keys)
    assert any("CYP2D6" in note for d in amitriptyline for note in d.notes)


def test_thiopurines_key_on_nudt15_and_tpmt_together(knowledge: PgxKnowledge) -> None:
    results = analyze(knowledge, _lookup(knowledge, {"TPMT": "*1/*3A", "NUDT15": "*1/*3"}))
    tpmt = next(x for x in results if x.gene == "TPMT")
    keys = {"NUDT15": _table_key("NUDT15", "*1/*3"), "TPMT": _table_key("TPMT", "*1/*3A")}
    for drug in ("azathioprine", "mercaptopurine", "thioguanine"):
        rows = [d for d in tpmt.drugs if d.drug == drug]
        assert rows and all(d.lookup == keys for d in rows)
        assert {(d.recommendation, d.strength) for d in rows} == _expected(drug, keys)


def test_dpyd_activity_score_is_the_lookup_key(knowledge: PgxKnowledge) -> None:
    gene = knowledge.genes["DPYD"]
    name = "c.1905+1G>A (*2A)"
    result = call_gene(gene, _lookup(knowledge, {"DPYD": f"Reference/{name}"}))
    assert result.lookup_key == _table_key("DPYD", f"Reference/{name}") == "1.0"
    full = analyze(knowledge, _lookup(knowledge, {"DPYD": f"Reference/{name}"}), genes=["DPYD"])[0]
    for drug in ("capecitabine", "fluorouracil"):
        rows = [d for d in full.drugs if d.drug == drug]
        assert {(d.recommendation, d.strength) for d in rows} == _expected(drug, {"DPYD": "1.0"})

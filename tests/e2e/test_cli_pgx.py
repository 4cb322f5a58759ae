"""``companion analyze --json``'s ``pgx`` key and ``companion pgx drug|genes`` through a subprocess."""
from __future__ import annotations

from pathlib import Path

import pytest

from companion import RESOURCES
from tests.conftest import PASSPHRASE
from tests.e2e.test_cli_genome import CAREGIVER_PASSPHRASE, write_genome

# CYP2C19*2 (PharmVar): rs12769205 G and rs4244285 A on rs3758581 G, the common allele that *1
# needs too (the GRCh38 reference there is *38's A).
STAR1_STAR2 = {"rs3758581": "1/1", "rs12769205": "0/1", "rs4244285": "0/1"}
STAR2_STAR2 = {"rs3758581": "1/1", "rs12769205": "1/1", "rs4244285": "1/1"}
GENE_KEYS = {"gene", "diplotypes", "phenotype", "activity_score", "missing_positions", "caveats", "drugs"}
DRUG_KEYS = {"drug", "recommendation", "strength"}


def panel_vcf(path: Path, variants: dict[str, str]) -> Path:
    """A GRCh38 VCF holding every knowledge-base SNV position, homozygous reference except the
    given rsIDs (rsID -> "0/1" or "1/1"), like a clinical PGx panel or a PharmCAT input."""
    lines = ["##fileformat=VCFv4.2", "##reference=GRCh38", '##FORMAT=<ID=GT,Number=1,Type=String,Description="GT">',
             "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tPERSON"]  # fmt: skip
    seen = set()
    for row in (RESOURCES / "knowledge" / "pgx" / "positions.tsv").read_text(encoding="utf-8").splitlines():
        if row.startswith(("#", "gene\t")):
            continue
        gene, rsid, chrom, pos38, _pos37, ref, alts, *_ = row.split("\t")
        alt = alts.split(",")[0]
        if (chrom, pos38) in seen or len(ref) != 1 or len(alt) != 1 or chrom == "MT":
            continue
        seen.add((chrom, pos38))
        gt = variants.get(rsid, "0/0")
        lines.append(f"chr{chrom}\t{pos38}\t{rsid or '.'}\t{ref}\t{alt}\t50\tPASS\t.\tGT\t{gt}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_analyze_json_has_the_pgx_contract(cli, inputs):
    result = cli.json("analyze", str(panel_vcf(inputs / "panel.vcf", STAR1_STAR2)))
    genes = {g["gene"]: g for g in result["pgx"]}
    for gene in genes.values():
        assert GENE_KEYS <= set(gene)
        for drug in gene["drugs"]:
            assert DRUG_KEYS <= set(drug)
    cyp2c19 = genes["CYP2C19"]
    assert cyp2c19["diplotypes"] == ["*1/*2"] and cyp2c19["phenotype"] == "Intermediate Metabolizer"
    assert any(d["drug"] == "clopidogrel" and d["strength"] for d in cyp2c19["drugs"])
    assert genes["CYP2D6"]["phenotype"] is None
    assert any("clinical test is needed" in c for c in genes["CYP2D6"]["caveats"])


def test_pgx_drug_answers_for_the_stored_genome(cli, inputs):
    cli.create("Alice")
    secret = cli.secret_file("alice.pass", PASSPHRASE)
    missing = cli.fails("pgx", "drug", "clopidogrel", "--profile", "Alice", "--passphrase-file", secret)
    assert "no genome yet" in missing
    cli.ok("import", "genome", str(panel_vcf(inputs / "panel.vcf", STAR2_STAR2)), "--profile", "Alice",
           "--passphrase-file", secret)  # fmt: skip

    clopidogrel = cli.json("pgx", "drug", "clopidogrel", "--profile", "Alice", "--passphrase-file", secret, "--json")
    assert clopidogrel["status"] == "guidance" and clopidogrel["genes"] == ["CYP2C19"]
    guidance = clopidogrel["guidance"]  # one row per population CPIC distinguishes
    assert guidance and all(g["lookup"] == {"CYP2C19": "Poor Metabolizer"} and g["strength"] for g in guidance)
    assert len({g["population"] for g in guidance}) == len(guidance) and clopidogrel["disclaimer"]

    text = cli.ok("pgx", "drug", "Clopidogrel", "--profile", "Alice", "--passphrase-file", secret).stdout
    assert "CYP2C19" in text and all(g["recommendation"] in text for g in guidance)

    aspirin = cli.json("pgx", "drug", "aspirin", "--profile", "Alice", "--passphrase-file", secret, "--json")
    assert aspirin["status"] == "no_guidance"
    codeine = cli.json("pgx", "drug", "codeine", "--profile", "Alice", "--passphrase-file", secret, "--json")
    assert codeine["status"] == "not_visible" and codeine["unseen_genes"] == ["CYP2D6"]

    genes = cli.json("pgx", "genes", "--profile", "Alice", "--passphrase-file", secret, "--json")
    assert {g["gene"]: g["diplotypes"] for g in genes}["CYP2C19"] == ["*2/*2"]


def test_a_caregiver_can_read_the_medicine_answers(cli, inputs):
    cli.create("Alice")
    owner = cli.secret_file("owner", PASSPHRASE)
    care = cli.secret_file("care", CAREGIVER_PASSPHRASE)
    cli.ok("import", "genome", str(write_genome(inputs / "g.txt")), "--profile", "Alice", "--passphrase-file", owner)
    cli.ok("profile", "add-caregiver", "Alice", "--passphrase-file", owner, "--caregiver-passphrase-file", care)
    answer = cli.json("pgx", "drug", "simvastatin", "--profile", "Alice", "--passphrase-file", care, "--json")
    assert answer["genes"] == ["SLCO1B1"] and answer["status"] in ("guidance", "depends")


@pytest.mark.parametrize("args", [("pgx",), ("pgx", "drug"), ("pgx", "drug", "x", "--profile", "Alice")])
def test_pgx_usage_errors_are_one_line(cli, args):
    cli.create("Alice")
    line = cli.fails(*args, code=2)
    assert "\n" not in line.strip()


def test_analyze_json_pgx_block_for_a_23andme_file(cli, inputs):
    result = cli.json("analyze", str(write_genome(inputs / "genome_v5.txt")))
    assert result["format"] == "23andme" and result["build"] == 37
    genes = {g["gene"]: g for g in result["pgx"]}
    assert all(GENE_KEYS <= set(g) for g in genes.values())
    slco1b1 = genes["SLCO1B1"]  # the file holds rs4149056 T/C and no other SLCO1B1 position
    assert slco1b1["missing_positions"] and slco1b1["phenotype"] is None
    assert genes["CYP2C19"]["diplotypes"] == [] and genes["CYP2C19"]["status"] == "not_in_file"

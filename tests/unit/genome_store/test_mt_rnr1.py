"""MT-RNR1 from a stored genome: positions.tsv holds every position the PGx caller reads (MT-RNR1's
chrM positions among them), so an import keeps those calls and the caller can call MT-RNR1."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from companion.genome.annotate import load_positions
from companion.genome.service import import_genome
from companion.genome.store import knowledge_calls
from companion.pgx import load_knowledge, wanted_markers
from companion.services.pgx import medicines_for_genome
from tests.conftest import ROOT, SHARED
from tests.unit.genome.generate import HEADER_23ANDME

BUILDER = ROOT / "resources" / "knowledge" / "build_pgx_positions.py"
PHENOTYPE_FILE = SHARED / "data" / "pgx" / "phenotypes" / "MT_RNR1.json"
GENE = "MT-RNR1"
M1555 = "m.1555A>G"

MT_ROWS = [p for p in load_positions().rows if p.gene == GENE]



@pytest.fixture(scope="module")
def cpic_result():
    """diplotype name → (phenotype, lookup key), read from the shared phenotype file."""
    if not PHENOTYPE_FILE.is_file():
        pytest.skip("the shared PGx data (shared/data/pgx) is not beside the checkout")
    data = json.loads(PHENOTYPE_FILE.read_text(encoding="utf-8"))
    return {row["diplotype"]: (row["generesult"], row["lookupkey"]) for row in data["diplotypes"]}


def _vcf38(path: Path, chrom: str, gt_at_1555: str) -> Path:
    """A GRCh38 VCF with a call at every MT-RNR1 position: the reference, or at m.1555 ``gt_at_1555``."""
    lines = [
        "##fileformat=VCFv4.2",
        "##contig=<ID=chr1,length=248956422>",
        f"##contig=<ID={chrom},length=16569>",
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1",
        "chr1\t1000\trs11\tA\tG\t50\tPASS\t.\tGT\t0/1",
    ]
    for p in MT_ROWS:
        gt = gt_at_1555 if p.position == 1555 else "0"
        lines.append(f"{chrom}\t{p.position}\t.\t{p.ref}\t{p.alts[0]}\t50\tPASS\t.\tGT\t{gt}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _23andme(path: Path, base_at_1555: str) -> Path:
    """A 23andMe file (GRCh37) with MT rows at every MT-RNR1 position, one letter each, vendor ids."""
    lines = [HEADER_23ANDME.format(build=37), "rs3094315\t1\t752566\tAG"]
    for i, p in enumerate(MT_ROWS):
        lines.append(f"i{5_000_001 + i}\tMT\t{p.position}\t{base_at_1555 if p.position == 1555 else p.ref}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --- positions.tsv and the caller -----------------------------------------------------------


def test_positions_tsv_holds_every_marker_the_caller_reads():
    rsids, sites = wanted_markers(load_knowledge())
    rows = load_positions().rows
    assert sorted(sites - {(p.chromosome, p.position) for p in rows}) == []
    assert sorted(rsids - {p.rsid for p in rows if p.rsid}) == []


def test_mt_rnr1_rows_are_the_callers_positions_on_mt_with_the_same_number_on_both_builds():
    gene = load_knowledge().genes[GENE]
    assert gene.chromosome == "MT"
    expected = sorted((p.chrom, p.pos, p.ref, tuple(p.alts)) for p in gene.positions)
    assert sorted((p.chromosome, p.position, p.ref, p.alts) for p in MT_ROWS) == expected
    assert len(MT_ROWS) == 20 and any(p.position == 1555 and p.alts == ("G",) for p in MT_ROWS)
    for p in MT_ROWS:  # the rCRS on GRCh38 and on GRCh37 (Ensembl / 1000 Genomes "MT")
        assert p.position_grch37 == p.position and not p.rsid
        assert (p.role, p.source_file) == ("defining", "MT_RNR1.json") and p.source_version and p.source_date


def test_the_builder_reads_mt_rnr1_positions_from_the_allele_names(tmp_path):
    spec = importlib.util.spec_from_file_location("build_pgx_positions", BUILDER)
    builder = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(builder)
    haplotypes = {name: "some risk" for name in ("Reference", "m.1555A>G", "m.807A>G", "m.807A>C", "m.961T>del")}
    (tmp_path / "MT_RNR1.json").write_text(
        json.dumps({"gene": GENE, "version": "2030-01-02-03-04", "haplotypes": haplotypes}), encoding="utf-8"
    )
    assert builder.collect_mt_rnr1(tmp_path) == [
        (GENE, "", "MT", "807", "A", "C,G", "defining", "MT_RNR1.json", "2030-01-02-03-04", "2030-01-02"),
        (GENE, "", "MT", "1555", "A", "G", "defining", "MT_RNR1.json", "2030-01-02-03-04", "2030-01-02"),
    ]  # the deletion has no VCF position the caller reads
    with pytest.raises(SystemExit, match="MT_RNR1.json"):
        builder.collect_mt_rnr1(tmp_path / "nowhere")


# --- stored genomes -------------------------------------------------------------------------


@pytest.mark.parametrize(("chrom", "gt"), [("chrM", "1"), ("chrM", "1/1"), ("MT", "1")])
def test_a_grch38_vcf_with_m1555a_g_calls_mt_rnr1_from_the_stored_genome(session, inputs, cpic_result, chrom, gt):
    result = import_genome(session, _vcf38(inputs / "wgs.vcf", chrom, gt))
    assert result.summary.build == 38
    kept = knowledge_calls(session, result.genome_id)
    assert {(c, p) for _, c, p, _ in kept} >= {("MT", p.position) for p in MT_ROWS}
    mt_rnr1 = medicines_for_genome(session).gene(GENE)
    assert mt_rnr1 is not None and mt_rnr1.status == "called", mt_rnr1
    assert mt_rnr1.diplotypes == (M1555,) and not mt_rnr1.missing_positions
    assert (mt_rnr1.phenotype, mt_rnr1.lookup_key) == cpic_result[M1555]
    assert mt_rnr1.drugs  # the aminoglycoside guidance


@pytest.mark.parametrize("kind", ["vcf38", "23andme"])
def test_a_reference_only_mt_file_gives_the_reference_result(session, inputs, cpic_result, kind):
    path = _vcf38(inputs / "ref.vcf", "chrM", "0") if kind == "vcf38" else _23andme(inputs / "ref.txt", "A")
    import_genome(session, path)
    mt_rnr1 = medicines_for_genome(session).gene(GENE)
    assert mt_rnr1 is not None and mt_rnr1.status == "called", mt_rnr1
    assert mt_rnr1.diplotypes == ("Reference",)
    assert (mt_rnr1.phenotype, mt_rnr1.lookup_key) == cpic_result["Reference"]


def test_a_23andme_file_keeps_its_mt_calls_and_they_call_mt_rnr1(session, inputs, cpic_result):
    result = import_genome(session, _23andme(inputs / "genome.txt", "G"))
    assert result.summary.build == 37
    kept = knowledge_calls(session, result.genome_id)
    mt = sorted((m, p, g) for m, c, p, g in kept if c == "MT")
    assert [p for _, p, _ in mt] == sorted(p.position for p in MT_ROWS)  # matched by GRCh37 position
    assert ("i5000019", 1555, "G") in mt
    mt_rnr1 = medicines_for_genome(session).gene(GENE)
    assert mt_rnr1 is not None and mt_rnr1.status == "called", mt_rnr1
    assert mt_rnr1.diplotypes == (M1555,) and not mt_rnr1.missing_positions
    assert (mt_rnr1.phenotype, mt_rnr1.lookup_key) == cpic_result[M1555]

"""Genotype sources: stored calls → lookup, and reading them in the definitions' terms."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from companion.genome.reader import read_genome
from companion.pgx import analyze, call_gene, lookup_from_calls, wanted_markers
from companion.pgx import report as r
from companion.pgx.genotypes import Genotype
from companion.pgx.knowledge import PgxKnowledge, load_knowledge
from companion.pgx.observe import normalise, observe
from tests.unit.pgx.generate import ROOT, DictLookup, by_position, genotypes, haplotype

SAMPLES = ROOT.parent / "shared" / "data" / "samples"

KNOWLEDGE = load_knowledge()


def test_genotype_text_forms() -> None:
    assert Genotype.parse("a/g").alleles == ("A", "G")
    assert Genotype.parse("A").alleles == ("A",)
    assert Genotype.parse("").alleles == () and not Genotype.parse("").is_call
    assert Genotype.parse("./T").is_call and not Genotype.parse("./.").is_call


def test_array_lookup_answers_by_rsid_only() -> None:
    lookup = lookup_from_calls([("rs776746", "7", 99270539, "C/C"), ("i3000001", "7", 1, "A/A")], 37)
    assert str(lookup.by_rsid("RS776746")) == "C/C"
    assert lookup.by_position("7", 99672916) is None  # a GRCh38 position means nothing on build 37
    assert lookup.by_rsid("rs1") is None


def test_grch37_positions_once_mapped() -> None:
    lookup = lookup_from_calls([("", "7", 99270539, "C/T")], 37, grch37_positions={("7", 99672916): 99270539})
    assert str(lookup.by_position("7", 99672916)) == "C/T"


def test_vcf_lookup_by_position_and_each_id() -> None:
    lookup = lookup_from_calls([("rs1;rs776746", "7", 99672916, "T/C")], 38)
    assert str(lookup.by_position("7", 99672916)) == "T/C"
    assert str(lookup.by_rsid("rs776746")) == "T/C"


def test_split_multiallelic_records_are_merged_or_dropped() -> None:
    lookup = lookup_from_calls([("", "6", 5, "T/T"), ("", "6", 5, "T/C"), ("", "6", 6, "C/T"), ("", "6", 6, "T/G")], 38)
    assert str(lookup.by_position("6", 5)) == "T/C"
    assert lookup.by_position("6", 6) is None  # C/G or something else: not guessed


def test_array_indel_d_i_is_placed_when_unambiguous(knowledge: PgxKnowledge) -> None:
    cyp3a5 = knowledge.genes["CYP3A5"]
    star7 = next(p for p in cyp3a5.positions if p.alleles == ("T", "TA"))
    notes: list[str] = []
    assert normalise(cyp3a5, star7, Genotype.parse("D/I"), "rsid", notes) == ("T", "TA")
    ugt = knowledge.genes["UGT1A1"]
    repeat = next(p for p in ugt.positions if len(p.alts) > 1)
    assert normalise(ugt, repeat, Genotype.parse("D/I"), "rsid", notes) is None
    assert notes and repeat.label in notes[-1]


def test_unusable_calls_are_missing_with_a_reason(knowledge: PgxKnowledge) -> None:
    gene = knowledge.genes["CYP2C19"]
    p = next(x for x in gene.positions if x.rsid == "rs4244285")  # G>A
    notes: list[str] = []
    assert normalise(gene, p, Genotype.parse("./G"), "position", notes) is None and not notes
    assert normalise(gene, p, Genotype.parse("./A"), "position", notes) is None and "variant" in notes[-1]
    assert normalise(gene, p, Genotype.parse("C/T"), "rsid", notes) is None and "strand" in notes[-1]
    assert normalise(gene, p, Genotype.parse("G/GT"), "position", notes) is None
    assert normalise(gene, p, Genotype.parse("G/A"), "position", notes) == ("G", "A")


def test_male_x_and_mitochondrial_calls(knowledge: PgxKnowledge) -> None:
    g6pd = knowledge.genes["G6PD"]
    p = next(x for x in g6pd.positions if x.is_snv)
    het = DictLookup(positions={("X", p.pos): f"{p.ref}/{p.alts[0]}"})
    obs = observe(g6pd, het, sex="male")
    assert p.pos not in obs.calls and any("male" in n for n in obs.notes)
    assert observe(g6pd, DictLookup(positions={("X", p.pos): p.ref}), sex=None).haploid


def test_stored_consumer_calls_end_to_end(knowledge: PgxKnowledge) -> None:
    """A 23andMe-like genome (GRCh37, rsIDs) with CYP2C19 *2/*2 and TPMT *3A: array calls only."""
    rsids, _ = wanted_markers(knowledge)
    calls = []
    for gene_name, alleles in (("CYP2C19", ("*2", "*2")), ("TPMT", ("*1", "*3A"))):
        gene = knowledge.genes[gene_name]
        gts = genotypes(gene, *(haplotype(gene, gene.allele(a)) for a in alleles))  # type: ignore[arg-type]
        for pos, gt in gts.items():
            rsid = gene.by_pos[pos].rsid
            if rsid and gene.exemptions.amp1_positions and pos in gene.exemptions.amp1_positions:
                assert rsid in rsids
                calls.append((rsid, gene.chromosome, pos - 400_000, gt))  # any GRCh37 position
    results = {x.gene: x for x in analyze(knowledge, lookup_from_calls(calls, 37), genes=["CYP2C19", "TPMT"])}
    assert results["CYP2C19"].diplotypes == ("*2/*2",) and results["CYP2C19"].status == r.CALLED
    assert results["TPMT"].diplotypes == ("*1/*3A",) and results["TPMT"].status == r.CALLED
    assert results["CYP2C19"].drugs and results["CYP2C19"].missing_positions


def test_json_contract(knowledge: PgxKnowledge) -> None:
    gene = knowledge.genes["CYP2C19"]
    h = haplotype(gene, gene.allele("*2"))  # type: ignore[arg-type]
    out = [x.to_json() for x in analyze(knowledge, by_position(gene, genotypes(gene, h, h)), genes=["CYP2C19"])]
    first = json.loads(json.dumps(out))[0]
    assert {"gene", "diplotypes", "phenotype", "activity_score", "missing_positions", "caveats", "drugs"} <= set(first)
    assert first["diplotypes"] == ["*2/*2"] and isinstance(first["missing_positions"], list)
    assert all({"drug", "recommendation", "strength"} <= set(d) for d in first["drugs"])
    assert all(isinstance(d["recommendation"], str) and "<" not in d["recommendation"][:1] for d in first["drugs"])


_ALLELE = st.sampled_from(["A", "C", "G", "T", "D", "I", ".", "TA", "CAT", "N", "AT", ""])


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(KNOWLEDGE.genes)), st.data())
def test_any_genotype_text_is_read_or_noted(gene_name: str, data: st.DataObject) -> None:
    gene = KNOWLEDGE.genes[gene_name]
    positions = data.draw(st.lists(st.sampled_from(gene.positions), max_size=6, unique=True))
    calls = {}
    for p in positions:
        alleles = data.draw(st.lists(_ALLELE, min_size=0, max_size=3))
        calls[(p.chrom, p.pos)] = "/".join(alleles)
    via_rsid = data.draw(st.booleans())
    lookup = DictLookup(rsids={gene.by_pos[pos].rsid: gt for (_, pos), gt in calls.items() if gene.by_pos[pos].rsid}) \
        if via_rsid else DictLookup(positions=calls)
    result = call_gene(gene, lookup, sex=data.draw(st.sampled_from([None, "male", "female"])))
    assert result.status in (r.CALLED, r.AMBIGUOUS, r.NO_MATCH, r.NOT_CALLED, r.NOT_IN_FILE, r.CLINICAL_TEST_NEEDED)
    read = len(gene.positions) - len(result.missing_positions)
    assert read <= len(positions)
    json.dumps(result.to_json())


_PHARMCAT_VCF = SAMPLES / "vcf" / "pharmcat_example_grch38_pgx.vcf"


def _vcf_with(tmp_path: Path, genotypes_by_id: dict[str, str]) -> Path:
    """PharmCAT's own GRCh38 positions VCF (all 0/0) with some genotypes changed."""
    lines = []
    for line in _PHARMCAT_VCF.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if not line.startswith("#") and fields[2] in genotypes_by_id:
            fields[9] = genotypes_by_id[fields[2]]
        lines.append("\t".join(fields))
    path = tmp_path / "pgx.vcf"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.skipif(not _PHARMCAT_VCF.exists(), reason="shared sample VCFs are not available")
def test_pharmcat_positions_vcf_read_by_the_genome_reader(knowledge: PgxKnowledge, tmp_path: Path) -> None:
    """Every position of PharmCAT's example VCF is read in the definitions' own VCF form
    (indels and the UGT1A1 TA repeat included), and genotypes written in it are called."""
    path = _vcf_with(tmp_path, {"rs12769205": "1/1", "rs4244285": "1/1", "rs3758581": "1/1",
                                "rs3064744": "0/2", "rs776746": "0/1"})
    stream = read_genome(path)
    calls = [c for batch in stream.batches() for c in batch]
    summary = stream.summary()
    results = {x.gene: x for x in analyze(knowledge, lookup_from_calls(calls, summary.build), sex="female")}
    for gene in knowledge.genes:
        if gene != "MT-RNR1":  # PharmCAT does not read chrM
            assert results[gene].missing_positions == (), gene
    assert results["CYP2C19"].diplotypes == ("*2/*2",)
    assert results["UGT1A1"].diplotypes == ("*1/*28",)
    assert results["CYP3A5"].diplotypes == ("*1/*3",)
    assert results["TPMT"].diplotypes == ("*1/*1",) and results["TPMT"].status == r.CALLED

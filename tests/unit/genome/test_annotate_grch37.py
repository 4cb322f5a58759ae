"""GRCh37 coordinates of the knowledge base's positions, and matching by position on build 37.

positions.tsv's ``position_grch37`` is made at build time by lifting the GRCh38 positions over
with Ensembl's GRCh38-to-GRCh37 chain (resources/knowledge/build_pgx_positions.py). The mapper
is tested on small chains written here, and on the real chain file when
``PGX_LIFTOVER_CHAIN`` names it (it is not in the repository). The committed coordinates are
checked against GRCh37 positions known independently of that chain.
"""
from __future__ import annotations

import importlib.util
import os
import random
from pathlib import Path

import pytest

from companion.genome.annotate import (
    COLUMNS,
    FILE_COLUMNS,
    Annotator,
    KnowledgeFileError,
    load_positions,
    parse_positions,
)
from companion.genome.model import SourceInfo
from tests.conftest import ROOT, SHARED
from tests.unit.genome.generate import GRCH37_LENGTHS
from tests.unit.vaultkit import make_profile, unlock

BUILDER = ROOT / "resources" / "knowledge" / "build_pgx_positions.py"
DEFINITIONS = SHARED / "data" / "pgx" / "allele_definitions"
CHAIN = Path(os.environ.get("PGX_LIFTOVER_CHAIN", "") or "/nonexistent")
needs_chain = pytest.mark.skipif(
    not CHAIN.is_file(), reason="PGX_LIFTOVER_CHAIN does not name the GRCh38-to-GRCh37 chain file"
)

# GRCh37 positions known independently of the chain file. CYP2C19*2 and *17 are the issue's
# own examples; SLCO1B1 rs4149056 at chr12:21331549 is the GRCh37 coordinate the array tests
# use. The rest, one per gene, are from PyPGx 0.27.0 (PyPI, MIT licence),
# pypgx/api/data/variant-table.csv, columns rsID, Chromosome, GRCh38Position, GRCh37Position.
# (All 742 positions.tsv positions that table lists agree with the liftover.)
KNOWN_GRCH37 = [
    ("rs4244285", "10", 94781859, 96541616),  # CYP2C19*2
    ("rs12248560", "10", 94761900, 96521657),  # CYP2C19*17
    ("rs4149056", "12", 21178615, 21331549),  # SLCO1B1
    ("rs2231142", "4", 88131171, 89052323),  # ABCG2
    ("rs1800559", "1", 201060815, 201029943),  # CACNA1S
    ("rs397508256", "7", 117509035, 117149089),  # CFTR
    ("rs34223104", "19", 40991224, 41497129),  # CYP2B6
    ("rs114071557", "10", 94938683, 96698440),  # CYP2C9
    ("rs1440526469", "22", 42126578, 42522580),  # CYP2D6
    ("rs67666821", "7", 99758183, 99355806),  # CYP3A4
    ("rs41303343", "7", 99652770, 99250393),  # CYP3A5
    ("rs3093200", "19", 15878779, 15989589),  # CYP4F2
    ("rs114096998", "1", 97078987, 97544543),  # DPYD
    ("rs137852348", "X", 154532203, 153760418),  # G6PD
    ("rs12979860", "19", 39248147, 39738787),  # IFNL3
    ("rs45477599", "8", 18400073, 18257583),  # NAT2
    ("rs769369441", "13", 48037748, 48611884),  # NUDT15
    ("rs193922747", "19", 38440802, 38931442),  # RYR1
    ("rs139257324", "12", 21172734, 21325668),  # SLCO1B1
    ("rs1142345", "6", 18130687, 18130918),  # TPMT
    ("rs887829", "2", 233759924, 234668570),  # UGT1A1
    ("rs9923231", "16", 31096368, 31107689),  # VKORC1
]

GRCH38_CHR1 = 248_956_422


@pytest.fixture(scope="module")
def builder():
    spec = importlib.util.spec_from_file_location("build_pgx_positions", BUILDER)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


# --- the committed coordinates -------------------------------------------------------------


def test_committed_grch37_coordinates_match_known_ones():
    positions = load_positions()
    for rsid, chrom, pos38, pos37 in KNOWN_GRCH37:
        [row] = [p for p in positions.by_rsid(rsid) if p.position == pos38]
        assert (row.chromosome, row.position, row.position_grch37) == (chrom, pos38, pos37), rsid
        assert row.position_on(37) == pos37 and row.position_on(38) == pos38 and row.position_on(36) is None
        assert row in positions.at(chrom, pos37, 37) and row in positions.at(chrom, pos38, 38)
        assert row not in positions.at(chrom, pos37, 38)


def test_grch37_column_is_whole_and_unambiguous():
    positions = load_positions()
    rows = positions.rows
    lifted = [p for p in rows if p.position_grch37 is not None]
    assert len(lifted) >= 0.95 * len(rows)  # 1202 of 1202 when this was written
    assert any(not p.rsid for p in lifted)  # rows without an rsID get one too: the point of it
    # one GRCh38 position, one GRCh37 position, both ways
    to37: dict[tuple[str, int], set[int]] = {}
    to38: dict[tuple[str, int], set[int]] = {}
    for p in lifted:
        to37.setdefault((p.chromosome, p.position), set()).add(p.position_grch37)
        to38.setdefault((p.chromosome, p.position_grch37), set()).add(p.position)
    assert all(len(v) == 1 for v in to37.values()) and all(len(v) == 1 for v in to38.values())
    text = (ROOT / "resources" / "knowledge" / "pgx" / "positions.tsv").read_text(encoding="utf-8")
    header = "".join(line for line in text.splitlines() if line.startswith("#"))
    for word in ("GRCh38_to_GRCh37.chain.gz", "Ensembl", "CrossMap-0.3.9.tar.gz",
                 "6bee5bfdd6defc0fb2bd388ef51819c32bbfae1d3e7a3345aa5ebbdc3dd492b1"):  # fmt: skip
        assert word in header
    sources = (ROOT / "resources" / "knowledge" / "pgx" / "SOURCES.md").read_text(encoding="utf-8")
    for word in ("position_grch37", "GRCh38_to_GRCh37.chain.gz", "CrossMap 0.3.9", "no restrictions"):
        assert word in sources


def test_a_file_without_the_grch37_column_still_loads_and_a_bad_one_does_not():
    row38 = "G\trs1\t1\t100\tA\tG\tdefining\tG_translation.json\tv1\t2025-01-01"
    [old] = parse_positions("\t".join(COLUMNS) + "\n" + row38 + "\n").rows
    assert old.position_grch37 is None and old.position_on(37) is None
    new_header = "\t".join(FILE_COLUMNS)
    [new] = parse_positions(f"{new_header}\nG\trs1\t1\t100\t90\tA\tG\tdefining\tG_translation.json\tv1\t2025-01-01\n").rows
    assert (new.position, new.position_grch37) == (100, 90)
    [empty] = parse_positions(f"{new_header}\nG\trs1\t1\t100\t\tA\tG\tdefining\tG_translation.json\tv1\t2025-01-01\n").rows
    assert empty.position_grch37 is None
    for bad in ("x", "0", "-5"):
        with pytest.raises(KnowledgeFileError):
            parse_positions(f"{new_header}\nG\trs1\t1\t100\t{bad}\tA\tG\tdefining\tG_translation.json\tv1\t2025-01-01\n")
    with pytest.raises(KnowledgeFileError):  # the new header with a row of the old layout
        parse_positions(f"{new_header}\n{row38}\n")


# --- the chain-file mapper -----------------------------------------------------------------

# Source chr1 of 1000 bases. Chain 1 ('+'): blocks [100,150) -> [200,250), gap of 10 source and
# 5 target bases, [160,200) -> [255,295). Chain 2 ('-' onto chr1 of size 1000): [300,320) ->
# reverse-strand [0,20), i.e. + strand [980,1000). Chains 3 and 4 overlap at [400,410) (two
# targets). Chain 5 maps [500,510) onto chr2. Chain 6 is chain 1's block [600,610) written
# twice, as "1" and "chr1". Chain 7 maps [700,710) onto chr1 and onto a fix patch.
TOY_CHAIN = """\
chain 100 chr1 1000 + 100 200 chr1 1000 + 200 295 1
50 10 5
40

chain 50 chr1 1000 + 300 320 chr1 1000 - 0 20 2
20

chain 10 chr1 1000 + 400 410 chr1 1000 + 600 610 3
10

chain 10 chr1 1000 + 400 410 chr1 1000 + 800 810 4
10

chain 10 chr1 1000 + 500 510 chr2 1000 + 500 510 5
10

chain 10 1 1000 + 600 610 1 1000 + 650 660 6
10

chain 10 chr1 1000 + 600 610 chr1 1000 + 650 660 6
10

chain 10 chr1 1000 + 700 710 chr1 1000 + 720 730 7
10

chain 10 chr1 1000 + 700 710 HG999_PATCH 1000 + 760 770 8
10
"""


def test_the_mapper_converts_between_one_based_positions_and_zero_based_blocks(builder):
    points = [("1", p) for p in (100, 101, 150, 151, 160, 161, 200, 201)]
    hits = builder.lift(TOY_CHAIN.splitlines(), points)
    # 1-based 101 is 0-based 100, the first base of the first block -> 0-based 200 = 1-based 201
    assert [h.position for h in hits[("1", 101)]] == [201]
    assert [h.position for h in hits[("1", 150)]] == [250]  # the block's last base
    assert hits[("1", 100)] == [] and hits[("1", 151)] == [] and hits[("1", 160)] == []  # outside, in the gap
    assert [h.position for h in hits[("1", 161)]] == [256]  # after 10 source and 5 target gap bases
    assert [h.position for h in hits[("1", 200)]] == [295]
    assert hits[("1", 201)] == []


def test_the_mapper_takes_only_one_plus_strand_place_on_the_same_chromosome(builder):
    hits = builder.lift(TOY_CHAIN.splitlines(), [("1", p) for p in (120, 301, 320, 405, 505, 605, 705)])

    def lifted(pos: int, ref: str = "A") -> tuple[str, str]:
        return builder.grch37_position(hits[("1", pos)], "1", pos, ref)

    assert lifted(120) == ("220", "mapped")
    # '-' strand: 1-based 301 is 0-based 300 -> reverse 0 -> + strand 0-based 999 -> 1000
    assert [(h.position, h.strand) for h in hits[("1", 301)]] == [(1000, "-")]
    assert [h.position for h in hits[("1", 320)]] == [981]
    assert lifted(301) == ("", "maps to the - strand")
    assert lifted(405) == ("", "covered by more than one chain")
    assert lifted(505) == ("", "maps to another chromosome")
    assert lifted(605) == ("655", "mapped")  # the same block named "1" and "chr1" counts once
    assert lifted(705) == ("725", "mapped")  # the fix patch is not a place a GRCh37 file uses
    nowhere = builder.lift(TOY_CHAIN.splitlines(), [("1", 999), ("5", 120)])
    assert builder.grch37_position(nowhere[("1", 999)], "1", 999, "A") == ("", "not in any aligned block")
    assert nowhere[("5", 120)] == []


def test_an_indel_maps_only_when_its_reference_allele_lies_in_one_block(builder):
    hits = builder.lift(TOY_CHAIN.splitlines(), [("1", 148), ("1", 149)])
    assert builder.grch37_position(hits[("1", 148)], "1", 148, "CAT") == ("248", "mapped")  # 148..150
    assert builder.grch37_position(hits[("1", 149)], "1", 149, "CAT") == ("", "reference allele crosses an alignment gap")
    assert builder.grch37_position(hits[("1", 149)], "1", 149, "CA") == ("249", "mapped")


@pytest.mark.parametrize(
    "text",
    [
        "chain 1 chr1 1000 + 0 10 chr1 1000 + 0 10 1\n9\n",  # blocks short of the chain's end
        "chain 1 chr1 1000 + 0 10 chr1 1000 + 0 10 1\n5 1 1\n",  # no final block
        "5 1 1\n",  # data outside a chain
        "chain 1 chr1 1000 - 0 10 chr1 1000 + 0 10 1\n10\n",  # source on the - strand
        "chain 1 chr1 1000 + 0 2000 chr1 1000 + 0 2000 1\n2000\n",  # past the sequence's end
        "chain 1 chr1 1000 + 0 10 chr1 1000 + 0 10 1\n5 x 1\n5\n",
    ],
)
def test_a_damaged_chain_file_is_refused(builder, text):
    with pytest.raises(builder.ChainError):
        builder.lift(text.splitlines(), [("1", 5)])


@needs_chain
def test_the_real_chain_maps_the_build_markers_to_their_grch37_positions(builder):
    """qc.BUILD_MARKERS (the snps package's table) gives GRCh37 and GRCh38 positions of a few
    rsIDs: an independent check of the mapper on the real chain. Their chromosomes: 1, 1, 3 and X
    (rs3094315's chr1:752566 is also in the FTDNA sample file of shared/data/samples)."""
    from companion.genome.qc import BUILD_MARKERS

    by_build = {rsid: {b: p for p, b in table.items()} for rsid, table in BUILD_MARKERS.items()}
    chromosomes = {"rs3094315": "1", "rs2341354": "1", "rs11928389": "3", "rs1329546": "X", "rs2500347": "1"}
    lines, _ = builder._open_chain(CHAIN)
    hits = builder.lift(lines, [(c, by_build[r][38]) for r, c in chromosomes.items()])
    for rsid in ("rs3094315", "rs2341354", "rs11928389", "rs1329546"):
        chrom, pos38 = chromosomes[rsid], by_build[rsid][38]
        assert builder.grch37_position(hits[(chrom, pos38)], chrom, pos38, "A") == (str(by_build[rsid][37]), "mapped")
    # rs2500347 lies on a '-' strand chain: the arithmetic gives its GRCh37 position, but such
    # places are not recorded
    found = [h for h in hits[("1", by_build["rs2500347"][38])] if h.chromosome == "1"]
    assert [(h.position, h.strand) for h in found] == [(by_build["rs2500347"][37], "-")]
    assert builder.grch37_position(hits[("1", by_build["rs2500347"][38])], "1", by_build["rs2500347"][38], "A")[0] == ""


@needs_chain
@pytest.mark.skipif(not DEFINITIONS.is_dir(), reason="the shared PGx data is not beside the checkout")
def test_the_committed_grch37_column_is_what_the_chain_gives(builder, capsys):
    assert builder.main(["--check", "--chain", str(CHAIN)]) == 0
    assert "GRCh37 liftover" in capsys.readouterr().err


@pytest.mark.skipif(not DEFINITIONS.is_dir(), reason="the shared PGx data is not beside the checkout")
def test_check_without_the_chain_says_what_it_skipped(builder, capsys, monkeypatch):
    monkeypatch.delenv(builder.CHAIN_ENV, raising=False)
    assert builder.main(["--check"]) == 0
    assert "not re-derived (skipped)" in capsys.readouterr().err


def test_an_unknown_chain_file_is_refused(builder, tmp_path):
    other = tmp_path / "other.chain"
    other.write_text(TOY_CHAIN, encoding="ascii")
    with pytest.raises(SystemExit, match="sha256"):
        builder.liftover([("G", "", "1", "120", "A", "G", "defining", "f", "v", "d")], other)


# --- the annotator -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rows():
    positions = load_positions()
    cyp2c19 = next(p for p in positions.by_rsid("rs4244285"))
    no_rsid = next(p for p in positions.of_gene("G6PD") if not p.rsid and p.position_grch37)
    indel = next(p for p in positions.of_gene("CYP2C9") if not p.rsid and len(p.ref) > 1 and p.position_grch37)
    dpyd = next(p for p in positions.of_gene("DPYD") if p.rsid and p.position_grch37)
    chosen = [cyp2c19, no_rsid, indel, dpyd]
    nuclear = [p for p in positions.rows if p.chromosome != "MT"]  # MT is the rCRS on both builds
    sites38 = {(p.chromosome, p.position) for p in nuclear}
    sites37 = {(p.chromosome, p.position_grch37) for p in nuclear}
    # a nuclear GRCh37 coordinate is never also a GRCh38 one, so the tests below say something
    assert not sites38 & sites37
    return chosen


def test_build_37_calls_match_by_their_grch37_position_only(rows):
    annotator = Annotator()
    at37 = [("", p.chromosome, p.position_grch37, "A/G") for p in rows]
    at38 = [("", p.chromosome, p.position, "A/G") for p in rows]
    elsewhere = [("", "11", rows[0].position_grch37, "A/A"), ("rs1", "10", rows[0].position_grch37 + 1, "A/A")]
    annotator.scan(at37 + at38 + elsewhere)
    assert annotator.finish(37) == at37
    assert annotator.finish(38) == at38
    assert annotator.finish(36) == [] and annotator.finish(None) == []
    for call in at37:
        assert annotator.matches(call, 37) and not annotator.matches(call, 38)
    assert annotator.match_all(at37 + at38, 37) == at37
    assert annotator.match_all(at37 + at38, 38) == at38


def test_rsid_matching_is_the_same_on_every_build(rows):
    annotator = Annotator()
    calls = [(p.rsid, "1", 5 + i, "C/C") for i, p in enumerate(rows) if p.rsid]
    calls.append(("rs5;" + rows[0].rsid, "2", 7, "T/T"))
    annotator.scan(calls)
    for build in (36, 37, 38, None):
        assert annotator.finish(build) == calls


@pytest.mark.parametrize(
    ("declared", "scanned"),
    [(37, {37}), (38, {38}), (36, set()), (None, {37, 38})],
)
def test_the_declared_build_narrows_the_scan_and_a_second_pass_makes_up_for_it(rows, declared, scanned):
    at = {b: [("", p.chromosome, p.position_on(b), "A/G") for p in rows] for b in (37, 38)}
    for build in (36, 37, 38, None):
        annotator = Annotator()
        annotator.start(SourceInfo("vcf", "VCF", declared, samples=("S",), sample="S"))
        calls = at[37] + at[38]
        annotator.scan(calls)
        assert annotator.needs_position_pass(build) == (build in (37, 38) and build not in scanned)
        if annotator.needs_position_pass(build):
            annotator.scan_positions(calls)
        assert annotator.finish(build) == at.get(build, []), (declared, build)


def test_a_column_batch_is_scanned_from_its_columns(rows):
    class Columns(list):
        """Calls that also have id and position columns, as a reader's column batch has."""

        def __init__(self, calls):
            super().__init__(calls)
            self.ids = [c[0] for c in calls]
            self.positions = [c[2] for c in calls]

    calls = [("rs1", "1", 5, "A/A"), ("", rows[0].chromosome, rows[0].position_grch37, "A/G"),
             (rows[3].rsid, "1", 9, "C/C")]  # fmt: skip
    annotator = Annotator()
    annotator.start(SourceInfo("23andme", "23andMe", 37))
    annotator.scan(Columns(calls))
    assert annotator.finish(37) == calls[1:]


# --- whole files, through the real reader and store ----------------------------------------

GRCH38_LENGTHS = {"1": GRCH38_CHR1, "10": 133_797_422, "X": 156_040_895}


def _vcf(path: Path, records: list[tuple[str, int, str, str, str]], build: int | None, seed: int = 7) -> Path:
    """A single-sample VCF: ``records`` (chrom, pos, id, ref, alt) among seeded filler SNVs, with
    contig lengths of ``build`` (none when build is None)."""
    rng = random.Random(seed)
    head = ["##fileformat=VCFv4.2", "##source=companion-test"]
    if build == 37:
        head += [f"##contig=<ID={i + 1},length={n}>" for i, n in enumerate(GRCH37_LENGTHS)]
        head.append("##contig=<ID=X,length=155270560>")
    elif build == 38:
        head += [f"##contig=<ID={c},length={n}>" for c, n in GRCH38_LENGTHS.items()]
    head += ['##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
             "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1"]  # fmt: skip
    filler = []
    for chrom in ("1", "10", "X"):
        for _ in range(150):
            ref, alt = rng.sample("ACGT", 2)
            rid = f"rs{rng.randrange(10**9, 2 * 10**9)}" if rng.random() < 0.3 else "."
            filler.append((chrom, rng.randrange(1_000_000, 90_000_000), rid, ref, alt))
    order = {"1": 1, "10": 10, "X": 23}
    body = sorted(set(filler) | set(records), key=lambda r: (order[r[0]], r[1]))
    lines = head + [f"{c}\t{p}\t{i}\t{r}\t{a}\t50\tPASS\t.\tGT\t0/1" for c, p, i, r, a in body]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def session(store):
    profile = make_profile(store, "Grace")
    with unlock(store, profile) as s:
        yield s


def _matched(session, genome_id: int) -> set[tuple[str, str, int]]:
    rows_ = session.connection.execute("SELECT marker_id, chrom, pos FROM genome_call WHERE genome_id = ?", (genome_id,))
    return set(rows_.fetchall())


def test_a_grch37_vcf_without_ids_is_matched_by_grch37_position(session, tmp_path, rows):
    from companion.genome.service import analyze_file, import_genome

    alt = {id(p): (p.alts[0] if p.alts else "N") for p in rows}
    at37 = [(p.chromosome, p.position_grch37, ".", p.ref, alt[id(p)]) for p in rows]
    at38 = [(p.chromosome, p.position, ".", p.ref, alt[id(p)]) for p in rows]
    path37 = _vcf(tmp_path / "wgs37.vcf", at37 + at38, build=37)
    assert analyze_file(path37)["build"] == 37
    result = import_genome(session, path37)
    assert result.summary.build == 37
    assert _matched(session, result.genome_id) == {("", c, p) for c, p, *_ in at37}
    assert result.annotated == len(rows)

    # the same records in a file whose contigs say GRCh38: now the GRCh38 numbers count
    path38 = _vcf(tmp_path / "wgs38.vcf", at37 + at38, build=38)
    result38 = import_genome(session, path38)
    assert result38.summary.build == 38
    assert _matched(session, result38.genome_id) == {("", c, p) for c, p, *_ in at38}


def test_rsids_match_in_a_vcf_of_either_build_and_an_unknown_build_matches_by_rsid_only(session, tmp_path, rows):
    from companion.genome.service import import_genome

    records = [("10", 1_234_567, "rs4244285", "G", "A"), ("1", 2_345_678, "rs12;" + rows[3].rsid, "C", "T"),
               (rows[0].chromosome, rows[0].position_grch37, ".", "G", "A")]  # fmt: skip
    expected_ids = {("rs4244285", "10", 1_234_567), ("rs12;" + rows[3].rsid, "1", 2_345_678)}
    for build, seed in ((37, 1), (38, 2), (None, 3)):
        result = import_genome(session, _vcf(tmp_path / f"ids{build}.vcf", records, build=build, seed=seed))
        assert result.summary.build == build
        found = _matched(session, result.genome_id)
        by_position = {("", rows[0].chromosome, rows[0].position_grch37)} if build == 37 else set()
        assert found == expected_ids | by_position, build

"""import_genome / analyze_file / genotypes_in_file with the real readers."""
from __future__ import annotations

import gzip
import uuid

import pytest

pytest.importorskip("companion.genome.reader")

from companion.genome.errors import GenomeImportCancelled, GenomeImportError, SampleRequired  # noqa: E402
from companion.genome.reader import read_genome  # noqa: E402
from companion.genome.service import (  # noqa: E402
    analyze_file,
    genotypes_in_file,
    import_genome,
    knowledge_calls_in_file,
)
from companion.genome.store import (  # noqa: E402
    document_bytes,
    genotypes,
    get_genome,
    iter_calls,
    knowledge_calls,
    list_genomes,
)
from tests.unit.genome.generate import BUILD_MARKERS, HEADER_23ANDME, write_23andme  # noqa: E402
from tests.unit.genome_store.fakes import Token  # noqa: E402
from tests.unit.genome_store.test_store import counts  # noqa: E402
from tests.unit.test_store import _hits  # noqa: E402
from tests.unit.vaultkit import make_profile, unlock  # noqa: E402

VCF38 = """##fileformat=VCFv4.2
##contig=<ID=chr1,length=248956422>
##contig=<ID=chr10,length=133797422>
##contig=<ID=chr12,length=133275309>
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tNA1\tNA2
chr1\t1000\trs11\tA\tG\t50\tPASS\t.\tGT\t0/1\t1/1
chr10\t94761900\t.\tC\tT\t50\tPASS\t.\tGT\t0/1\t0/0
chr12\t21178615\trs4149056\tT\tC\t50\tPASS\t.\tGT\t1/1\t0/1
"""



def test_import_stores_exactly_what_the_reader_reads(session, inputs):
    path = write_23andme(inputs / "g.txt", 20_000, seed=3)
    expected = [c for batch in read_genome(path).batches() for c in batch]
    progress = []
    result = import_genome(session, path, progress=lambda done, total: progress.append((done, total)))
    assert not result.already_imported and result.is_primary and progress
    assert [c for chunk in iter_calls(session, result.genome_id) for c in chunk] == expected
    record = get_genome(session, result.genome_id)
    assert record.markers == result.summary.markers == analyze_file(path)["markers"]
    assert document_bytes(session, record.document_id) == path.read_bytes()
    again = import_genome(session, path)
    assert again.already_imported and again.genome_id == result.genome_id
    assert again.summary.markers == result.summary.markers and again.summary.sex == result.summary.sex


def test_a_gzipped_download_is_kept_as_downloaded(session, inputs):
    plain = write_23andme(inputs / "g.txt", 5_000, seed=4)
    path = inputs / "g.txt.gz"
    path.write_bytes(gzip.compress(plain.read_bytes()))
    result = import_genome(session, path)
    record = get_genome(session, result.genome_id)
    assert document_bytes(session, record.document_id) == path.read_bytes()
    assert session.connection.execute("SELECT compression FROM document").fetchone()[0] == "none"


def test_vcf_samples_and_grch38_positions(session, inputs):
    path = inputs / "family.vcf"
    path.write_text(VCF38, encoding="utf-8")
    with pytest.raises(SampleRequired):
        import_genome(session, path)
    one = import_genome(session, path, sample="NA1")
    assert one.summary.build == 38 and one.annotated == 2  # rs4149056 by id, chr10:94761900 by position
    two = import_genome(session, path, sample="NA2")
    assert two.genome_id != one.genome_id and not two.is_primary
    assert import_genome(session, path, sample="NA1").already_imported
    assert counts(session)["document"] == 1 and [g.sample for g in list_genomes(session)] == ["NA1", "NA2"]
    assert genotypes(session, one.genome_id, ["rs4149056"])["rs4149056"][3] == "C/C"
    assert genotypes(session, two.genome_id, ["rs4149056"])["rs4149056"][3] == "T/C"
    summary, calls = genotypes_in_file(path, ["rs11", "rs4149056", "rs9"], sample="NA2")
    assert summary.source.sample == "NA2"
    assert calls == {"rs11": ("rs11", "1", 1000, "G/G"), "rs4149056": ("rs4149056", "12", 21178615, "T/C"), "rs9": None}


def test_cancel_during_reading_stores_nothing(session, inputs):
    path = write_23andme(inputs / "g.txt", 120_000, seed=5)
    before = counts(session)
    token = Token()

    def progress(done, total):
        token.cancelled = True

    with pytest.raises(GenomeImportCancelled):
        import_genome(session, path, progress=progress, cancel=token)
    assert counts(session) == before


def test_no_file_name_and_no_marker_id_in_plaintext_after_a_real_import(store, sandbox, inputs):
    profile = make_profile(store, "Canary")
    tag = uuid.uuid4().hex[:10]
    name = f"genome_CANARY_{tag}_v5_Full.txt"
    marker = f"rs98{int(tag, 16) % 10**12:012d}"
    path = write_23andme(inputs / "tmp.txt", 3_000, seed=6)
    lines = path.read_text(encoding="utf-8").splitlines()
    first = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    lines.insert(first, f"{marker}\t7\t117559590\tAG")
    (inputs / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    with unlock(store, profile) as session:
        result = import_genome(session, inputs / name)
        assert genotypes(session, result.genome_id, [marker])[marker] == (marker, "7", 117559590, "A/G")
        assert _hits(sandbox, name) == [] and _hits(sandbox, marker) == []
    assert _hits(sandbox, name) == [] and _hits(sandbox, marker) == [] and _hits(sandbox, tag) == []


def test_a_file_without_genotype_rows_is_refused_and_nothing_is_stored(session, inputs):
    path = inputs / "header_only.txt"
    path.write_text(
        "# This data file generated by 23andMe at: Mon Jan  6 10:11:12 2020\n"
        "# We are using reference human assembly build 37 (also known as Annotation Release 104).\n"
        + "# a comment\n" * 1000 + "# rsid\tchromosome\tposition\tgenotype\n"
    )
    assert analyze_file(path)["markers"] == 0  # analysing says what is there ...
    before = counts(session)
    with pytest.raises(GenomeImportError, match="holds no genotype rows, so nothing was stored"):
        import_genome(session, path)  # ... importing keeps nothing
    assert counts(session) == before


def test_knowledge_calls_of_a_file_are_those_an_import_keeps(session, inputs):
    path = inputs / "family.vcf"
    path.write_text(VCF38, encoding="utf-8")
    kept = knowledge_calls(session, import_genome(session, path, sample="NA1").genome_id)
    summary, read = knowledge_calls_in_file(path, sample="NA1")
    assert read == kept and summary.build == 38
    assert sorted(c[2] for c in read) == [21178615, 94761900]  # by rsID, and by position without one


def test_knowledge_calls_of_a_file_whose_header_names_the_wrong_build(inputs):
    # A 23andMe header says build 37, the build markers' positions say 38: the build becomes 38
    # and the vendor-id row at CYP2C19's GRCh38 rs12248560 position is found by a second read.
    rows = [(rsid, chrom, by_build[38]) for rsid, chrom, by_build in BUILD_MARKERS]
    rows.append(("i5000001", "10", 94_761_900))
    path = inputs / "lying.txt"
    path.write_text(HEADER_23ANDME.format(build=37) + "".join(f"{r}\t{c}\t{p}\tCT\n" for r, c, p in rows))
    summary, read = knowledge_calls_in_file(path)
    assert (summary.build, summary.build_source) == (38, "positions")
    assert read == [("i5000001", "10", 94_761_900, "C/T")]

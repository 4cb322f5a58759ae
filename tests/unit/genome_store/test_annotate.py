"""The PGx positions file: built by a committed script from the shared data, loads, names sources."""
from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from companion.genome.annotate import (
    COLUMNS,
    POSITIONS_FILE,
    Annotator,
    KnowledgeFileError,
    load_positions,
    parse_positions,
)
from tests.conftest import ROOT, SHARED

BUILDER = ROOT / "resources" / "knowledge" / "build_pgx_positions.py"
DEFINITIONS = SHARED / "data" / "pgx" / "allele_definitions"


def test_the_positions_file_loads_and_every_row_names_its_source():
    positions = load_positions()
    assert len(positions.rows) > 1000
    for row in positions.rows:
        assert row.source_file.endswith(".json") and row.source_version and row.source_date, row
        assert row.gene and row.chromosome and row.position > 0
        assert row.role in ("defining", "extra")
    assert (POSITIONS_FILE.parent / "SOURCES.md").is_file()
    sources = (POSITIONS_FILE.parent / "SOURCES.md").read_text(encoding="utf-8")
    for word in ("PharmCAT", "5431bf1187e50383df7e7db18ef67b36fc8b562e", "MPL-2.0", "CC0", "2025-11-05"):
        assert word in sources
    assert positions.version.startswith("pgx-positions 2025-11-05")
    assert {"CYP2C19", "CYP2C9", "SLCO1B1", "DPYD", "TPMT", "VKORC1", "G6PD"} <= set(positions.genes())
    [slco] = positions.by_rsid("rs4149056")
    assert (slco.gene, slco.chromosome, slco.position, slco.ref) == ("SLCO1B1", "12", 21178615, "T")
    assert any(p.rsid == "rs12777823" and p.role == "extra" for p in positions.of_gene("cyp2c9"))


@pytest.mark.skipif(not DEFINITIONS.is_dir(), reason="the shared PGx data is not beside the checkout")
def test_the_committed_file_is_what_the_builder_makes(tmp_path):
    fresh = tmp_path / "positions.tsv"
    subprocess.run([sys.executable, str(BUILDER), str(DEFINITIONS), str(fresh)], check=True, capture_output=True)
    assert fresh.read_text(encoding="utf-8") == POSITIONS_FILE.read_text(encoding="utf-8")
    check = subprocess.run([sys.executable, str(BUILDER), "--check"], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


def test_the_builder_takes_rsid_position_and_version_from_each_file(tmp_path):
    spec = importlib.util.spec_from_file_location("build_pgx_positions", BUILDER)
    builder = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(builder)
    (tmp_path / "GENE1_translation.json").write_text(
        """{"gene": "GENE1", "version": "2030-01-01-00-00", "modificationDate": "2029-12-31T10:00:00Z",
        "genomeBuild": "GRCh38.p14", "variants": [
          {"chromosome": "chrM", "position": 1555, "rsid": "rs267606617", "ref": "A", "alts": ["G"]},
          {"chromosome": "chr2", "position": 20, "rsid": null, "ref": "CT", "alts": ["C", "CTT"]}]}""",
        encoding="utf-8",
    )
    rows = builder.collect(tmp_path)
    assert rows == [
        ("GENE1", "", "2", "20", "CT", "C,CTT", "defining", "GENE1_translation.json", "2030-01-01-00-00", "2029-12-31"),
        ("GENE1", "rs267606617", "MT", "1555", "A", "G", "defining", "GENE1_translation.json",
         "2030-01-01-00-00", "2029-12-31"),
    ]  # fmt: skip
    parsed = parse_positions(builder.render(rows))
    assert [p.rsid for p in parsed.rows] == ["", "rs267606617"]
    (tmp_path / "GENE2_translation.json").write_text(
        '{"gene": "GENE2", "genomeBuild": "GRCh37", "variants": []}', encoding="utf-8"
    )
    with pytest.raises(ValueError, match="not GRCh38"):
        builder.collect(tmp_path)


def test_a_row_without_its_source_does_not_load():
    header = "\t".join(COLUMNS)
    good = "G\trs1\t1\t100\tA\tG\tdefining\tG_translation.json\tv1\t2025-01-01"
    assert len(parse_positions(f"{header}\n{good}\n").rows) == 1
    for bad in (
        "G\trs1\t1\t100\tA\tG\tdefining\t\tv1\t2025-01-01",
        "G\trs1\t1\t100\tA\tG\tdefining\tG_translation.json\t\t2025-01-01",
        "G\trs1\t1\tx\tA\tG\tdefining\tG_translation.json\tv1\t2025-01-01",
        "G\trsX\t1\t100\tA\tG\tdefining\tG_translation.json\tv1\t2025-01-01",
        "G\trs1\t1\t100",
    ):
        with pytest.raises(KnowledgeFileError):
            parse_positions(f"{header}\n{bad}\n")
    with pytest.raises(KnowledgeFileError):
        parse_positions("gene\trsid\n")


def test_matching_by_rsid_on_any_build_and_by_position_on_grch38():
    annotator = Annotator()
    batch = [
        ("rs4149056", "12", 21331549, "T/C"),  # GRCh37 coordinates, known rsID
        ("", "10", 94761900, "C/T"),  # CYP2C19 rs12248560's GRCh38 position, no id
        ("rs1", "10", 94761901, "A/A"),
        ("rs5;rs12248560", "10", 1, "C/C"),
    ]
    annotator.scan(batch)
    assert annotator.finish(37) == [batch[0], batch[3]]
    assert annotator.finish(38) == [batch[0], batch[1], batch[3]]
    assert annotator.finish(None) == [batch[0], batch[3]]
    annotator.scan([])  # harmless

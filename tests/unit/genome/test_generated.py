"""The generators used by the tests and bench/ produce what they promise, and we read it."""
from __future__ import annotations

from pathlib import Path

from companion.genome.reader import analyze, read_genome
from tests.unit.genome.generate import write_23andme, write_vcf_gz


def test_generated_23andme_female_and_male(tmp_path: Path) -> None:
    f = analyze(write_23andme(tmp_path / "f.txt", 50_000, seed=1, sex="female"))
    m = analyze(write_23andme(tmp_path / "m.txt", 50_000, seed=1, sex="male"))
    assert (f.markers, f.source.format, f.build, f.sex) == (50_000, "23andme", 37, "female")
    assert (m.markers, m.sex, m.build_source) == (50_000, "male", "header")
    assert 0.97 < f.call_rate < 1.0 and f.x_heterozygosity and f.x_heterozygosity > 0.2
    assert m.x_heterozygosity == 0.0 and m.y_called > 0 and not m.duplicates


def test_generated_build36_detected_from_header_and_positions(tmp_path: Path) -> None:
    p = write_23andme(tmp_path / "b36.txt", 20_000, seed=2, build=36)
    assert analyze(p).build == 36
    text = p.read_text().replace("build 36", "build ??")
    p.write_text(text)
    s = analyze(p)
    assert (s.build, s.build_source) == (36, "positions")


def test_generated_vcf(tmp_path: Path) -> None:
    p = write_vcf_gz(tmp_path / "v.vcf.gz", 30_000, seed=4)
    stream = read_genome(p, batch_size=7_000)
    calls = [c for b in stream.batches() for c in b]
    s = stream.summary()
    assert s.markers == len(calls) and (s.build, s.build_source) == (37, "contigs")
    assert any("/" in c[3] and len(c[3]) > 3 for c in calls)  # indels
    assert any(c[3] == "" for c in calls) and any(c[0] == "" for c in calls)

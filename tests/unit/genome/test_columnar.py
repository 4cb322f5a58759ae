"""The numpy path of the consumer reader gives exactly what the string paths give, or declines."""
from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from companion.genome import columnar, consumer
from companion.genome.errors import GenomeImportError
from companion.genome.model import CHROMOSOMES
from companion.genome.reader import read_genome
from tests.conftest import SAMPLES
from tests.unit.genome.generate import write_23andme

CONSUMER_SAMPLES = sorted(
    p for folder in ("23andme", "ancestry", "myheritage", "ftdna", "livingdna") if (SAMPLES / folder).is_dir()
    for p in (SAMPLES / folder).iterdir() if p.is_file()
)  # fmt: skip


class _Declines:
    @staticmethod
    def columns(*_args: object) -> None:
        return None


def _read(path: Path, numpy_path: bool, monkeypatch: pytest.MonkeyPatch) -> tuple:
    with monkeypatch.context() as m:
        if not numpy_path:
            m.setattr(consumer, "_columnar", lambda: _Declines)
        try:
            stream = read_genome(path)
            calls = [c for batch in stream.batches() for c in batch]
        except GenomeImportError as exc:
            return ("error", str(exc), exc.line)
        return calls, stream.summary()


def _same_both_ways(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple:
    fast = _read(path, True, monkeypatch)
    assert fast == _read(path, False, monkeypatch)
    return fast


def test_a_generated_array_file_reads_the_same_both_ways(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls, summary = _same_both_ways(write_23andme(tmp_path / "g.txt", 60_000, seed=3), monkeypatch)
    assert summary.markers == len(calls) == 60_000


@pytest.mark.skipif(not CONSUMER_SAMPLES, reason="shared/data/samples is not here")
def test_every_consumer_sample_reads_the_same_both_ways(monkeypatch: pytest.MonkeyPatch) -> None:
    for path in CONSUMER_SAMPLES:
        _same_both_ways(path, monkeypatch)


def test_the_numpy_path_takes_plain_rows_and_declines_the_rest() -> None:
    rows = "rs1\t1\t100\tAG\ni5\tX\t2000\t--\nrs9\tMT\t7\tA\n"
    ids, chroms, positions, genotypes, keys = columnar.columns(rows, "\t", 4, 300_000_000)
    assert (ids, chroms, positions, genotypes) == (["rs1", "i5", "rs9"], ["1", "X", "MT"], [100, 2000, 7],
                                                   ["A/G", "", "A"])  # fmt: skip
    assert keys.tolist() == [(1 << 32) | 100, (23 << 32) | 2000, (25 << 32) | 7]
    for text in (
        "# comment\n" + rows,  # a comment line
        rows + "\n",  # a blank line
        "rs1\tchr1\t100\tAG\n",  # a spelling of three or more characters
        "rs1\t1\t0\tAG\n",  # position 0: unmapped, counted by the string path
        "rs1\t1\t300000001\tAG\n",  # beyond the largest position
        "rs1\t1\t1e5\tAG\n",
        "rs1\t1\t100\tAX\n",
        "rs1\t1\t100\tAG\tX\n",  # a fifth column
        "rs1\t1\t100\n",
        "\t1\t100\tAG\n",  # no id
        "rs 1\t1\t100\tAG\n",
        "rs1\t1\t100\tAG",  # no final newline
        "rs1\t1\t100\tAGT\n",
        "rs1\t1\t\tAG\n",
        "rs1\t0\t100\tAG\n",
        "rsé\t1\t100\tAG\n",
    ):
        assert columnar.columns(text, "\t", 4, 300_000_000) is None, text


def test_two_allele_columns_and_commas() -> None:
    got = columnar.columns("rs1,1,5,A,G\nrs2,26,9,0,0\n", ",", 5, 300_000_000)
    assert got is not None and got[3] == ["A/G", ""] and got[1] == ["1", "MT"]
    assert columnar.columns("rs1,1,5,AG,G\n", ",", 5, 300_000_000) is None
    assert columnar.columns("rs1,1,5,,G\n", ",", 5, 300_000_000) is None


any_row = st.tuples(
    st.sampled_from(["rs1", "rs22", "i3", "rs1", "VG5", "x.y:z-1", ""]),
    st.sampled_from([*CHROMOSOMES, "23", "26", "M", "XY", "0", "--", "chr2", "Z"]),
    st.sampled_from(["1", "7", "100", "99999999", "300000000", "300000001", "0", "--", "12a", ""]),
    st.sampled_from(["AA", "AG", "--", "DI", "A", "-", "00", "0 0", "", "N", "AGT"]),
)
plain_row = st.tuples(  # rows the numpy path takes, repeats included
    st.from_regex(r"(rs|i)[0-9]{1,4}|[A-Za-z0-9_.:-]{1,12}", fullmatch=True),
    st.sampled_from([*CHROMOSOMES, "23", "24", "25", "26", "M", "XY"]),
    st.integers(1, 300_000_000).map(str),
    st.sampled_from(["AA", "AG", "--", "DI", "A", "-", "00", "0", "D", "CT", "A-", "0G"]),
)


@settings(max_examples=150, deadline=None)
@given(st.data(), st.sampled_from(["\t", ","]), st.booleans())
def test_generated_rows_read_the_same_both_ways(data: st.DataObject, sep: str, header: bool) -> None:
    plain = data.draw(st.booleans())
    rows = data.draw(st.lists(plain_row if plain else any_row, min_size=1, max_size=40))
    lines = [sep.join(r) for r in rows]
    text = ("# rsid\tchromosome\tposition\tgenotype\n" if header else "") + "\n".join(lines) + "\n"
    if plain:
        assert columnar.columns("\n".join(lines) + "\n", sep, 4, 300_000_000) is not None
    with tempfile.TemporaryDirectory() as d, pytest.MonkeyPatch.context() as mp:
        p = Path(d) / "g.txt"
        p.write_text("# This data file generated by 23andMe at: Mon Jan  6 10:11:12 2020\n" + text)
        _same_both_ways(p, mp)  # an error (even "not a genome file") must be the same error too

"""The QC's duplicate rule on consumer columns: a marker repeats when its id, or its chromosome
and position, came before; the first one is kept, in any chunk and on any path."""
from __future__ import annotations

import numpy as np
import pytest

from companion.genome.qc import CHROM_INDEX, QC


def _feed(qc: QC, rows: list[tuple[str, str, int, str]], with_keys: bool) -> list[tuple]:
    ids, chroms, pos, gts = (list(col) for col in zip(*rows))
    keys = np.array([CHROM_INDEX[c] << 32 | p for _, c, p, _ in rows], np.int64) if with_keys else None
    return list(qc.feed_columns(ids, chroms, pos, gts, keys))


@pytest.mark.parametrize("with_keys", [True, False])
def test_repeats_across_chunks_are_dropped_and_the_rest_kept(with_keys: bool) -> None:
    qc = QC("consumer")
    assert _feed(qc, [("rs1", "1", 10, "A/A"), ("rs2", "1", 20, "C/C")], with_keys) == \
        [("rs1", "1", 10, "A/A"), ("rs2", "1", 20, "C/C")]
    # sorted positions, but rs1 came before: dropped; rs3 kept
    assert _feed(qc, [("rs3", "1", 30, "G/G"), ("rs1", "1", 40, "T/T")], with_keys) == [("rs3", "1", 30, "G/G")]
    # after that, the set of ids seen is still exact: new ids pass, old ones do not
    assert _feed(qc, [("rs4", "2", 5, "A/C")], with_keys) == [("rs4", "2", 5, "A/C")]
    assert _feed(qc, [("rs2", "2", 6, "A/C"), ("rs5", "2", 7, "A/C")], with_keys) == [("rs5", "2", 7, "A/C")]
    # a repeat inside one chunk, and a position that came before under another id
    assert _feed(qc, [("rs6", "2", 8, "A/A"), ("rs6", "2", 9, "A/A"), ("rs7", "1", 30, "C/C")], with_keys) == \
        [("rs6", "2", 8, "A/A")]
    assert (qc.markers, qc.duplicates) == (6, 4)


def _x_calls(qc: QC, positions: range, genotype: str) -> None:
    rows = [(f"rs{p}", "X", p, genotype) for p in positions]
    ids, chroms, pos, gts = (list(col) for col in zip(*rows))
    qc.feed_columns(ids, chroms, pos, gts)


def test_sex_needs_x_calls_spread_over_the_chromosome_or_one_allele_calls() -> None:
    bunched = QC("consumer")  # a pharmacogene panel: 100 homozygous calls inside one gene
    _x_calls(bunched, range(154_531_000, 154_551_000, 200), "A/A")
    assert bunched.sex(38) == (None, 0.0)
    spread = QC("consumer")  # the same number of calls across 50 Mb
    _x_calls(spread, range(10_000_000, 60_000_000, 500_000), "A/A")
    assert spread.sex(38) == ("male", 0.0)
    het = QC("consumer")
    _x_calls(het, range(10_000_000, 60_000_000, 500_000), "A/G")
    assert het.sex(38) == ("female", 1.0)
    haploid = QC("consumer")  # one allele written per call: the caller says one X
    _x_calls(haploid, range(154_531_000, 154_551_000, 200), "A")
    assert haploid.sex(38)[0] == "male"

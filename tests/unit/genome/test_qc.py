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

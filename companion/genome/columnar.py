"""Columns of a chunk of consumer array text in a few numpy passes: the reader's fastest path.

A chunk qualifies only when every line is a plain data row: exactly ``width`` fields split by
``sep``; a marker id of ``[A-Za-z0-9_.:-]``; a chromosome spelled in one or two characters
(``1``…``22``, ``X``, ``Y``, ``MT``, ``M``, ``XY``, Ancestry's ``23``…``26``); a position of one
to nine digits from 1 to ``max_pos``; and a genotype that ``GENOTYPE`` knows, in one column of
one or two characters or in two one-letter allele columns. Anything else — a comment, a blank
line, an unmapped row, ``chr1``, a quote, a mistake — returns ``None`` and the chunk goes to the
string paths of ``consumer.py``, which apply the same grammar and know line numbers. So the
result never depends on which path read a chunk; tests compare the paths on the same text.

Why numpy: splitting 640k rows into Python strings and checking them one by one is most of an
import's time; here the separators are found once, every field is located by index arithmetic,
and chromosome and genotype are looked up by their two bytes in 64k-entry tables.
"""
from __future__ import annotations

import numpy as np

from companion.genome.model import CHROMOSOMES

_NEWLINE = 10
_DIGITS = 9  # 300,000,000 has nine digits


def _two_byte_code(text: str) -> int:
    raw = text.encode("ascii")
    return raw[0] << 8 | (raw[1] if len(raw) == 2 else 0)


def _tables() -> tuple[np.ndarray, np.ndarray, tuple[str, ...], np.ndarray]:
    from companion.genome.consumer import CHROM, GENOTYPE  # noqa: PLC0415 - consumer imports this module lazily

    chrom_lut = np.zeros(1 << 16, np.uint8)  # two bytes -> 1-based index into CHROMOSOMES; 0 = not here
    for spelling, canonical in CHROM.items():
        if 1 <= len(spelling) <= 2:
            chrom_lut[_two_byte_code(spelling)] = CHROMOSOMES.index(canonical) + 1
    vocab = ("",) + tuple(sorted(set(GENOTYPE.values()) - {""}))
    gt_lut = np.zeros(1 << 16, np.uint8)  # two bytes -> 1 + index into vocab; 0 = not here
    for raw, genotype in GENOTYPE.items():
        if 1 <= len(raw) <= 2:
            gt_lut[_two_byte_code(raw)] = vocab.index(genotype) + 1
    return chrom_lut, gt_lut, vocab


_CHROM_LUT, _GT_LUT, _VOCAB = _tables()
_ID_BYTES = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:-"
_CHROM_NAMES = ("",) + CHROMOSOMES
_VOCAB_ARRAY = np.array(_VOCAB, dtype=object)
_POWERS = (10 ** np.arange(_DIGITS - 1, -1, -1, dtype=np.int64)).astype(np.float64)
_LANE_OFFSETS = np.arange(-_DIGITS, 0, dtype=np.int32)
# _KEEP[length] keeps the last ``length`` of the nine lanes
_KEEP = (np.arange(_DIGITS)[None, :] >= (_DIGITS - np.arange(_DIGITS + 1))[:, None]).astype(np.uint8)

Columns = tuple[list[str], list[str], list[int], list[str], np.ndarray]


def columns(text: str, sep: str, width: int, max_pos: int) -> Columns | None:
    """``(ids, chroms, positions, genotypes, keys)`` of ``text`` (whole lines), or ``None``.

    ``keys`` is ``chromosome index << 32 | position`` per row (the QC's duplicate key)."""
    try:
        data = text.encode("ascii")
    except UnicodeEncodeError:
        return None
    if not data.endswith(b"\n"):
        return None
    a = np.frombuffer(data, np.uint8)
    s = ord(sep)
    is_sep = (a == s) | (a == _NEWLINE)
    seps = np.flatnonzero(is_sep).astype(np.int32)  # a chunk is far below 2 GB
    if len(seps) == 0 or len(seps) % width:
        return None
    fields = seps.reshape(-1, width)
    ends = fields[:, -1]
    # Every row must end in the newline and have no newline inside: then each line holds
    # exactly width - 1 separators.
    if not (a[ends] == _NEWLINE).all() or (a[fields[:, :-1]] == _NEWLINE).any():
        return None
    starts = np.empty(len(ends), np.int32)
    starts[0] = 0
    starts[1:] = ends[:-1] + 1

    if (fields[:, 0] - starts < 1).any():  # an empty marker id
        return None
    # Every id with the separator after it, gathered into one blob: ``id\tid\t…``.
    id_len = fields[:, 0] + 1 - starts
    offsets = np.cumsum(id_len) - id_len
    ids_blob = a[np.arange(int(offsets[-1] + id_len[-1]), dtype=np.int32) + np.repeat(starts - offsets, id_len)]
    ids_text = ids_blob.tobytes()
    if ids_text.translate(None, _ID_BYTES).replace(sep.encode(), b""):  # a byte no id may hold
        return None

    chrom_at, chrom_len = fields[:, 0] + 1, fields[:, 1] - fields[:, 0] - 1
    if chrom_len.min() < 1 or chrom_len.max() > 2:
        return None
    second = np.where(chrom_len == 2, a[chrom_at + 1], 0)
    chrom_idx = _CHROM_LUT[(a[chrom_at].astype(np.int32) << 8) | second]
    if not chrom_idx.all():
        return None

    pos_end, pos_len = fields[:, 2], fields[:, 2] - fields[:, 1] - 1
    if pos_len.min() < 1 or pos_len.max() > _DIGITS:
        return None
    # Nine bytes ending at each position's end; those before the field are zeroed. The first
    # row's lanes may reach below index 0: numpy wraps them to the chunk's end, and they are
    # zeroed all the same.
    digits = (a[pos_end[:, None] + _LANE_OFFSETS] - np.uint8(48)) * _KEEP[pos_len]
    if digits.max() > 9:  # not a digit (uint8 wraps below 0 to above 9)
        return None
    positions = (digits.astype(np.float64) @ _POWERS).astype(np.int64)  # exact: below 2**53
    if positions.min() < 1 or positions.max() > max_pos:
        return None

    g_at = fields[:, 2] + 1
    if width == 4:
        g_len = fields[:, 3] - g_at
        if g_len.min() < 1 or g_len.max() > 2:
            return None
        second = np.where(g_len == 2, a[g_at + 1], 0)
    else:  # two one-letter allele columns
        if ((fields[:, 3] - g_at) != 1).any() or ((fields[:, 4] - fields[:, 3]) != 2).any():
            return None
        second = a[fields[:, 3] + 1]
    gt_idx = _GT_LUT[(a[g_at].astype(np.int32) << 8) | second]
    if not gt_idx.all():
        return None

    ids = ids_text.decode("ascii").split(sep)
    ids.pop()
    keys = (chrom_idx.astype(np.int64) << 32) | positions
    return ids, _chrom_names(chrom_idx), positions.tolist(), _VOCAB_ARRAY[gt_idx - 1].tolist(), keys


def _chrom_names(chrom_idx: np.ndarray) -> list[str]:
    """Names per row, built run by run: files are sorted, so a chunk holds one or two runs."""
    cuts = (np.flatnonzero(chrom_idx[1:] != chrom_idx[:-1]) + 1).tolist()
    if len(cuts) > 64:  # an unsorted chunk: row by row
        return list(map(_CHROM_NAMES.__getitem__, chrom_idx.tolist()))
    names: list[str] = []
    for start, end in zip([0, *cuts], [*cuts, len(chrom_idx)]):
        names += [_CHROM_NAMES[chrom_idx[start]]] * (end - start)
    return names

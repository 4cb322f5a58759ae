"""Streaming reader of consumer array files: 23andMe, AncestryDNA, MyHeritage, FTDNA, Living DNA.

Speed: a megabyte of text is split into columns with a few C-level string operations
(``str.replace``/``str.split`` and list slicing), then every column is checked and
canonicalised in bulk (``map`` over dicts, ``join`` + ``isdigit``). Only when a chunk does not
pass this fast path (a comment, a blank line, an unmapped row, an error) is it parsed again line
by line, which is where skips are counted and errors get their line number. Both paths apply
the same grammar, so the result never depends on which one ran.
"""
from __future__ import annotations

import functools
import gc
import operator
import re
from collections.abc import Iterator

from companion.genome.detect import CSV4, CSV5, TAB4, TAB5, WS4, WS5, Detected, is_column_header, split_fields
from companion.genome.errors import GenomeImportError
from companion.genome.model import CallBatch
from companion.genome.qc import QC
from companion.genome.source import KiB, MiB, TextSource

MAX_LINE = 4 * KiB
MAX_BYTES = 100 * MiB  # uncompressed; real files are 15-25 MB
MAX_LINES = 5_000_000
MAX_POS = 300_000_000
MAX_HEADER = 256 * KiB  # header lines looked for at the start of a chunk

# Chromosome spellings -> canonical. AncestryDNA: 23 = X, 24 = Y, 25 = X pseudo-autosomal, 26 = MT.
CHROM: dict[str, str] = {}
for _c in [str(n) for n in range(1, 23)] + ["X", "Y", "MT"]:
    CHROM[_c] = _c
    CHROM["chr" + _c] = _c
    CHROM["Chr" + _c] = _c
    CHROM["CHR" + _c] = _c
CHROM.update({"M": "MT", "chrM": "MT", "chrMT": "MT", "ChrM": "MT", "23": "X", "24": "Y", "25": "X", "26": "MT",
              "XY": "X", "chrXY": "X"})
SKIP_VALUES = frozenset({"0", "--", "-", "00"})  # unmapped probes: chromosome or position missing

_BASES = "ACGTDI"
_NOCALL = "-0"


def _genotype_table() -> dict[str, str]:
    table: dict[str, str] = {"": ""}
    for a in _BASES:
        table[a] = a
        for b in _BASES:
            table[a + b] = f"{a}/{b}"
        for n in _NOCALL:
            table[a + n] = f"{a}/."
            table[n + a] = f"./{a}"
    for n in _NOCALL:
        table[n] = ""
        for m in _NOCALL:
            table[n + m] = ""
    table["0 0"] = ""
    del table[""]
    return table


GENOTYPE = _genotype_table()


def genotype_of(raw: str) -> str | None:
    return GENOTYPE.get(raw)


@functools.cache
def _columnar():  # noqa: ANN202 - the module; numpy (~0.1 s to import) loads only when a file is read
    from companion.genome import columnar  # noqa: PLC0415

    return columnar


def _header_length(text: str) -> int:
    """Length of the leading lines that are comments, blank or a column header."""
    end = 0
    while end < len(text) and end < MAX_HEADER:
        nl = text.find("\n", end)
        if nl < 0:
            break
        line = text[end:nl].strip()
        if line and line[0] != "#" and not is_column_header(line):
            break
        end = nl + 1
    return end


_ID_RE = re.compile(r"[A-Za-z0-9_.:\-]+\Z")
_IDS_RE = re.compile(r"[A-Za-z0-9_.:\-]*\Z")

_LAYOUT = {
    TAB4: ("\t", 4),
    TAB5: ("\t", 5),
    WS4: ("\t", 4),
    WS5: ("\t", 5),
    CSV4: (",", 4),
    CSV5: (",", 5),
}


class _Slow(Exception):
    """The fast path declines a chunk; the line-by-line path takes it."""


class ConsumerReader:
    def __init__(self, source: TextSource, detected: Detected, qc: QC, batch_size: int) -> None:
        self.source = source
        self.detected = detected
        self.qc = qc
        self.batch_size = batch_size
        self.sep, self.width = _LAYOUT[detected.layout]
        self.quoted = detected.layout in (CSV4, CSV5)
        self.rows = 0
        source.set_limits(max_line=MAX_LINE, max_bytes=MAX_BYTES)

    # -- the fast path ------------------------------------------------------------------
    def _fast(self, text: str) -> tuple[list[str], list[str], list[int], list[str]]:
        sep, w = self.sep, self.width
        if self.quoted and '"' in text:
            text = text.replace('"', "")
        n = text.count("\n")
        f = text.replace("\n", sep + "\n" + sep).split(sep)
        s = w + 1
        if len(f) != s * n + 1 or f[w::s].count("\n") != n:
            raise _Slow
        ids = f[0:-1:s]
        ps = f[2::s]
        if w == 4:
            raw = f[3::s]
        else:
            a1, a2 = f[3::s], f[4::s]
            if len("".join(a1)) != n or len("".join(a2)) != n:
                raise _Slow
            raw = list(map(operator.add, a1, a2))
        try:
            chroms = list(map(CHROM.__getitem__, f[1::s]))
            gts = list(map(GENOTYPE.__getitem__, raw))
        except KeyError:
            raise _Slow from None
        pj = "".join(ps)
        if not (pj.isascii() and pj.isdigit()):
            raise _Slow
        try:
            pos = list(map(int, ps))
        except ValueError:  # an empty position: the line path says where
            raise _Slow from None
        if min(pos) < 1 or max(pos) > MAX_POS:
            raise _Slow
        ij = "".join(ids)
        if not (ij.isascii() and ij.isalnum()) and not _IDS_RE.match(ij):
            raise _Slow
        if "" in ids:
            raise _Slow
        return ids, chroms, pos, gts

    # -- the line-by-line path ------------------------------------------------------------
    def _slow(self, text: str, first_line: int) -> tuple[list[str], list[str], list[int], list[str]]:
        ids: list[str] = []
        chroms: list[str] = []
        pos: list[int] = []
        gts: list[str] = []
        name = self.source.name
        w = self.width
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        for k, line in enumerate(lines):
            n = first_line + k
            if len(line) > MAX_LINE:
                raise GenomeImportError(name, "the line is longer than 4 KB, which no genome raw-data file has", n)
            s = line.strip()
            if not s or s[0] == "#":
                continue
            fields = split_fields(s, self.detected.layout)
            if len(fields) != w or (w == 5 and (len(fields[3]) != 1 or len(fields[4]) != 1)):
                if is_column_header(s):
                    continue  # FTDNA: a second column-header line between the autosomes and X
                what = "marker, chromosome, position and genotype" if w == 4 else \
                    "marker, chromosome, position and two alleles"
                if len(fields) != w:
                    raise GenomeImportError(name, f"expected {w} columns ({what}), found {len(fields)}", n)
                raise GenomeImportError(name, "each allele column must hold one letter", n)
            rid, ch, ps = fields[0], fields[1], fields[2]
            if ch in SKIP_VALUES or ps in SKIP_VALUES:
                self.qc.skipped += 1
                continue
            chrom = CHROM.get(ch)
            if chrom is None:
                if is_column_header(s):
                    continue
                raise GenomeImportError(name, "the chromosome must be 1-22, X, Y or MT (or 23-26)", n)
            if not (ps.isascii() and ps.isdigit()):
                raise GenomeImportError(name, "the position must be a whole number from 1 to 300,000,000", n)
            p = int(ps)
            if p == 0:
                self.qc.skipped += 1
                continue
            if p > MAX_POS:
                raise GenomeImportError(name, "the position must be a whole number from 1 to 300,000,000", n)
            if not _ID_RE.match(rid):
                raise GenomeImportError(
                    name, "the marker name must be an rsID or a vendor id (letters, digits, _ . : -)", n
                )
            raw = fields[3] if w == 4 else fields[3] + fields[4]
            g = GENOTYPE.get(raw)
            if g is None:
                raise GenomeImportError(name, "genotype letters must be A, C, G, T, D, I, - or 0", n)
            ids.append(rid)
            chroms.append(chrom)
            pos.append(p)
            gts.append(g)
        return ids, chroms, pos, gts

    def _parse(self, text: str, first_line: int, depth: int) -> list[tuple]:
        """Columns of ``text``: the numpy path, the string fast path, or halves of the text, or
        line by line for small pieces. Each item is ``(ids, chroms, positions, genotypes, keys)``
        with ``keys`` None unless the numpy path made them."""
        if depth == 0:
            head = _header_length(text)
            if head:  # comments and column headers read line by line, the rows after them in bulk
                rest = self._parse(text[head:], first_line + text.count("\n", 0, head), 0) if head < len(text) else []
                return [(*self._slow(text[:head], first_line), None), *rest]
            plain = text.replace('"', "") if self.quoted and '"' in text else text
            cols = _columnar().columns(plain, self.sep, self.width, MAX_POS)
            if cols is not None:
                return [cols]
        try:
            return [(*self._fast(text), None)]
        except _Slow:
            pass
        mid = text.find("\n", len(text) // 2) + 1
        if len(text) < 8 * KiB or depth > 16 or mid <= 0 or mid >= len(text):
            return [(*self._slow(text, first_line), None)]
        head, tail = text[:mid], text[mid:]
        return self._parse(head, first_line, depth + 1) + self._parse(tail, first_line + head.count("\n"), depth + 1)

    def _parsed(self) -> Iterator[list[tuple]]:
        for first_line, text in self.source.chunks():
            if first_line > MAX_LINES:
                raise GenomeImportError(
                    self.source.name, f"has more than {MAX_LINES:,} lines, more than any genome raw-data file"
                )
            yield self._parse(text, first_line, 0)

    def batches(self) -> Iterator[CallBatch]:
        pending = CallBatch([], [], [], [])
        size = self.batch_size
        for parsed in self._parsed():
            gc_was_on = gc.isenabled()
            gc.disable()  # only strings and ints are made here: no cycles to collect
            try:
                for cols in parsed:
                    self.rows += len(cols[0])
                    if cols[0]:
                        pending.extend(self.qc.feed_columns(*cols))
            finally:
                if gc_was_on:
                    gc.enable()
            while len(pending) >= size:
                yield pending[:size]
                pending = pending[size:]
        if len(pending):
            yield pending

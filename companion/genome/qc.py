"""Running quality statistics, fed batch by batch while a file is read.

It also removes repeated markers (the first one is kept) so that readers can hand on what
it returns. Consumer arrays: a marker repeats when its id, or its chromosome and position,
came before (sets of ids and of ``chrom_index << 32 | pos`` ints). VCF: several records at one
position are normal (split multi-allelic sites, an indel starting where a SNV is), so only a
record repeating the same position *and* genotype is a duplicate; since VCFs are sorted, that is
checked against the records of the current position, with a compact per-chromosome history
(array of positions + genotype references, ~12 bytes a record) for out-of-order records.
"""
from __future__ import annotations

import operator
from array import array
from bisect import bisect_left
from collections.abc import Iterable
from itertools import islice
from typing import Any

from companion.genome.model import CHROMOSOMES, Call, CallBatch

CHROM_INDEX = {c: i + 1 for i, c in enumerate(CHROMOSOMES)}
_OFFSET = {c: i << 32 for c, i in CHROM_INDEX.items()}
_SPECIAL = frozenset({"X", "Y", "MT"})
_FIRST_SPECIAL_KEY = min(_OFFSET[c] for c in _SPECIAL)

# Pseudo-autosomal regions of X (1-based, inclusive) per build. GRCh37/GRCh38 from the
# Genome Reference Consortium; NCBI36 from Ensembl 54.
PAR_X = {
    36: ((1, 2_709_520), (154_584_238, 154_913_754)),
    37: ((60_001, 2_699_520), (154_931_044, 155_260_560)),
    38: ((10_001, 2_781_479), (155_701_383, 156_030_895)),
}

# Marker positions per build, used when a header states no build. Table from the snps library
# (apriha/snps, BSD-3), snps/snps.py BUILD_MARKER_SNPS, as quoted in FORMATS.md §1; the last two
# rows were verified in the samples (rs4477212, rs3131972).
BUILD_MARKERS: dict[str, dict[int, int]] = {
    "rs3094315": {742_429: 36, 752_566: 37, 817_186: 38},
    "rs11928389": {50_908_372: 36, 50_927_009: 37, 50_889_578: 38},
    "rs2500347": {143_649_677: 36, 144_938_320: 37, 148_946_169: 38},
    "rs964481": {27_566_744: 36, 27_656_823: 37, 27_638_706: 38},
    "rs2341354": {908_436: 36, 918_573: 37, 983_193: 38},
    "rs3850290": {22_315_141: 36, 23_245_301: 37, 22_776_092: 38},
    "rs1329546": {135_302_086: 36, 135_474_420: 37, 136_392_261: 38},
    "rs4477212": {72_017: 36, 82_154: 37},
    "rs3131972": {742_584: 36, 752_721: 37},
}
_BUILD_IDS = frozenset(BUILD_MARKERS)

SEX_X_HET_THRESHOLD = 0.03  # as snps: more than 3% heterozygous non-PAR X calls => female
SEX_MIN_X_CALLS = 20  # fewer called non-PAR X markers than this say nothing about sex
SEX_MIN_Y_ROWS = 20
SEX_MIN_X_SPAN = 10_000_000  # non-PAR X calls must spread over 10 Mb (X is ~155 Mb) to tell sex
SEX_Y_CALLED_THRESHOLD = 0.3  # as snps: more than 30% of Y rows called => male


def is_het(g: str) -> bool:
    a, sep, b = g.partition("/")
    return bool(sep) and a != b and a != "." and b != "." and "/" not in b


class QC:
    def __init__(self, kind: str) -> None:
        self.kind = kind  # "consumer" or "vcf"
        self.markers = 0
        self.called = 0
        self.duplicates = 0
        self.skipped = 0
        self.y_rows = 0
        self.y_called = 0
        self.haploid_het = 0  # heterozygous calls on MT or Y
        self.x_pos = array("i")
        self.x_kind = bytearray()  # 0 homozygous, 1 heterozygous, 2 one allele (haploid)
        self._x_kinds: dict[str, int] = {}  # genotype -> its x_kind, worked out once
        self.build_votes: dict[int, int] = {}
        self.notes: list[str] = []
        self._ids: set[str] = set()
        self._kept_ids: list[list[str]] = []  # the ids in _ids, chunk by chunk (references only)
        self._keys: set[int] = set()  # positions that came out of order
        self._key_hist = array("q")  # positions in order, ascending
        self._max_key = -1
        # VCF duplicate bookkeeping
        self._chrom: str | None = None
        self._pos = -1
        self._here: set[str] = set()
        self._hist_pos: dict[str, array] = {}
        self._hist_gt: dict[str, list[str]] = {}
        self._max_pos: dict[str, int] = {}
        self._late: dict[tuple[str, int], set[str]] = {}

    # -- consumer files ---------------------------------------------------------------------
    def feed_columns(
        self, ids: list[str], chroms: list[str], pos: list[int], gts: list[str], keys: Any = None
    ) -> CallBatch:
        """Count and de-duplicate one chunk's columns. ``keys``: ``chrom_index << 32 | pos`` per
        row as a numpy int64 array, when the columnar reader has it (saves building it here)."""
        n = len(ids)
        if keys is not None:
            ascending = bool(keys[0] > self._max_key) and bool((keys[1:] > keys[:-1]).all())
            key_list: list[int] | None = None
        else:
            key_list = list(map(operator.add, pos, map(_OFFSET.__getitem__, chroms)))
            ascending = key_list[0] > self._max_key and all(map(operator.lt, key_list, islice(key_list, 1, None)))
        # Sorted input (the usual case): positions strictly increase past everything seen, so
        # none can repeat; they are kept in a sorted array instead of a set (less memory, faster).
        # The ids are all new if the set grows by all of them; if not (rare), the set is rebuilt
        # from the ids kept so far and the chunk goes row by row.
        fast = ascending
        if fast:
            before = len(self._ids)
            self._ids.update(ids)
            if len(self._ids) - before != n:
                self._ids = set().union(*self._kept_ids)
                fast = False
        if fast:
            if key_list is None:
                self._key_hist.frombytes(keys.astype("=i8", copy=False).tobytes())
                self._max_key = int(keys[-1])
            else:
                self._key_hist.extend(key_list)
                self._max_key = key_list[-1]
            batch = CallBatch(ids, chroms, pos, gts)
            self._kept_ids.append(ids)
        else:
            if key_list is None:
                key_list = keys.tolist()
            keep_ids: list[str] = []
            keep_chroms: list[str] = []
            keep_pos: list[int] = []
            keep_gts: list[str] = []
            seen_ids, extra, hist = self._ids, self._keys, self._key_hist
            for rid, ch, p, g, key in zip(ids, chroms, pos, gts, key_list):
                if rid in seen_ids or key in extra:
                    self.duplicates += 1
                    continue
                if key <= self._max_key:
                    i = bisect_left(hist, key)
                    if i < len(hist) and hist[i] == key:
                        self.duplicates += 1
                        continue
                    extra.add(key)
                else:
                    hist.append(key)
                    self._max_key = key
                seen_ids.add(rid)
                keep_ids.append(rid)
                keep_chroms.append(ch)
                keep_pos.append(p)
                keep_gts.append(g)
            batch = CallBatch(keep_ids, keep_chroms, keep_pos, keep_gts)
            self._kept_ids.append(keep_ids)
        self.markers += len(batch)
        self.called += len(batch) - batch.genotypes.count("")
        if fast and key_list is None:
            # Sorted keys: the X, Y and MT rows, if any, are the last ones.
            first = int(keys.searchsorted(_FIRST_SPECIAL_KEY))
            if first < n:
                self._special(r for r in batch[first:] if r[1] in _SPECIAL)
        elif not _SPECIAL.isdisjoint(batch.chroms):
            self._special(r for r in batch if r[1] in _SPECIAL)
        if not _BUILD_IDS.isdisjoint(batch.ids):
            self._votes(r for r in batch if r[0] in _BUILD_IDS)
        return batch

    # -- VCF -------------------------------------------------------------------------------
    def feed_calls(self, calls: list[Call]) -> list[Call]:
        keep: list[Call] = []
        append = keep.append
        cur_chrom, cur_pos, here = self._chrom, self._pos, self._here
        hist_pos = self._hist_pos.get(cur_chrom) if cur_chrom else None
        hist_gt = self._hist_gt.get(cur_chrom) if cur_chrom else None
        special = False
        for call in calls:
            _, ch, p, g = call
            if ch != cur_chrom:
                if cur_chrom is not None:
                    self._max_pos[cur_chrom] = cur_pos
                cur_chrom = ch
                if ch in _SPECIAL:
                    special = True
                if ch in self._max_pos:  # the chromosome comes back: an unsorted file
                    hist_pos, hist_gt = self._hist_pos[ch], self._hist_gt[ch]
                    cur_pos = self._max_pos[ch]
                    here = set(hist_gt[bisect_left(hist_pos, cur_pos):])
                else:
                    hist_pos = self._hist_pos[ch] = array("i")
                    hist_gt = self._hist_gt[ch] = []
                    cur_pos = p
                    here = set()
            if p == cur_pos:
                if g in here:
                    self.duplicates += 1
                    continue
                here.add(g)
            elif p > cur_pos:
                cur_pos = p
                here = {g}
            else:
                if self._late_seen(ch, p, g):
                    self.duplicates += 1
                    continue
                append(call)
                continue
            hist_pos.append(p)  # type: ignore[union-attr]
            hist_gt.append(g)  # type: ignore[union-attr]
            append(call)
        self._chrom, self._pos, self._here = cur_chrom, cur_pos, here
        if cur_chrom is not None:
            self._max_pos[cur_chrom] = cur_pos
        self.markers += len(keep)
        self.called += sum(1 for c in keep if c[3])
        if keep and (special or keep[0][1] in _SPECIAL):
            self._special(c for c in keep if c[1] in _SPECIAL)
        for c in keep:
            if c[0] in _BUILD_IDS:
                self._votes(c for c in keep if c[0] in _BUILD_IDS)
                break
        return keep

    def _late_seen(self, ch: str, p: int, g: str) -> bool:
        """An out-of-order record: was this position and genotype seen before?"""
        hp, hg = self._hist_pos[ch], self._hist_gt[ch]
        i = bisect_left(hp, p)
        while i < len(hp) and hp[i] == p:
            if hg[i] == g:
                return True
            i += 1
        late = self._late.setdefault((ch, p), set())
        if g in late:
            return True
        late.add(g)
        return False

    # -- shared ------------------------------------------------------------------------------
    def _special(self, rows: Iterable[Call]) -> None:
        kinds = self._x_kinds
        for _, ch, p, g in rows:
            if ch == "X":
                if g:
                    self.x_pos.append(p)
                    kind = kinds.get(g)
                    if kind is None:
                        kind = kinds[g] = 1 if is_het(g) else (2 if "/" not in g else 0)
                    self.x_kind.append(kind)
            elif ch == "Y":
                self.y_rows += 1
                if g:
                    self.y_called += 1
                    if is_het(g):
                        self.haploid_het += 1
            elif g and is_het(g):  # MT
                self.haploid_het += 1

    def _votes(self, rows: Iterable[Call]) -> None:
        for rid, _, p, _ in rows:
            build = BUILD_MARKERS.get(rid, {}).get(p)
            if build:
                self.build_votes[build] = self.build_votes.get(build, 0) + 1

    def build_from_positions(self) -> int | None:
        if not self.build_votes:
            return None
        ranked = sorted(self.build_votes.items(), key=lambda kv: -kv[1])
        if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
            return None
        return ranked[0][0]

    def x_heterozygosity(self, build: int | None) -> tuple[float | None, int]:
        """Share of heterozygous calls among called non-PAR X markers, and how many there were."""
        het, called, _, _ = self._x_counts(build)
        return (het / called if called else None), called

    def _x_counts(self, build: int | None) -> tuple[int, int, int, int]:
        """Non-PAR X: heterozygous, called, one-allele (haploid) calls, and the span they cover."""
        (a1, b1), (a2, b2) = PAR_X.get(build or 37, PAR_X[37])
        called = het = haploid = 0
        low, high = 1 << 62, -1
        for p, kind in zip(self.x_pos, self.x_kind):
            if a1 <= p <= b1 or a2 <= p <= b2:
                continue
            called += 1
            het += kind == 1
            haploid += kind == 2
            low, high = min(low, p), max(high, p)
        return het, called, haploid, max(0, high - low)

    def sex(self, build: int | None) -> tuple[str | None, float | None]:
        het, called, haploid, span = self._x_counts(build)
        x_het = het / called if called else None
        # Heterozygosity tells sex only over many independent sites: calls bunched in one gene
        # (a pharmacogene panel's G6PD) are all homozygous in most women too. Calls written with
        # one allele are the caller's own statement of one X.
        if called >= SEX_MIN_X_CALLS and x_het is not None:
            if haploid * 2 > called:
                return "male", x_het
            if span >= SEX_MIN_X_SPAN:
                return ("female" if x_het > SEX_X_HET_THRESHOLD else "male"), x_het
        if self.y_rows >= SEX_MIN_Y_ROWS:
            return ("male" if self.y_called / self.y_rows > SEX_Y_CALLED_THRESHOLD else "female"), x_het
        return None, x_het

    def warnings(self) -> list[str]:
        out: list[str] = []
        if self.markers == 0:
            out.append("the file holds no genotype rows")
        if self.duplicates:
            out.append(f"{self.duplicates:,} markers appeared more than once; the first of each was kept")
        if self.skipped:
            out.append(f"{self.skipped:,} rows without a chromosome or position were skipped")
        if self.haploid_het:
            out.append(
                f"{self.haploid_het:,} heterozygous calls on MT or Y, where one allele is expected; "
                "treat those calls with caution"
            )
        return out + self.notes

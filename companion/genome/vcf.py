"""Streaming VCF reader (plain, gzip or BGZF): one sample's calls as ``(id, chrom, pos, genotype)``.

The hot loop splits a line once, looks the chromosome up in a dict and the genotype up in a
cache keyed by ``(REF, ALT, GT)`` (SNVs repeat the same few combinations), so a record costs
one ``split``, one ``int`` and a few dict lookups. Parsing of REF/ALT/GT happens only on a
cache miss, and that is also where everything is checked.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from companion.genome.detect import declared_build
from companion.genome.errors import GenomeImportError, SampleRequired
from companion.genome.model import CHROMOSOMES, Call
from companion.genome.qc import QC
from companion.genome.source import MiB, TextSource

MAX_LINE = 1 * MiB
MAX_BYTES = 64 * 1024 * MiB  # uncompressed; a gVCF may be several GB
MAX_POS = 300_000_000
_CACHE_LIMIT = 200_000

CHROM: dict[str, str] = {}
for _c in CHROMOSOMES:
    for _name in (_c, "chr" + _c, "Chr" + _c, "CHR" + _c):
        CHROM[_name] = _c
CHROM.update({"M": "MT", "chrM": "MT", "chrMT": "MT"})
# RefSeq accessions (NC_000001.10 = GRCh37 chr1, .11 = GRCh38; NC_012920.1 = rCRS MT)
for _i, _c in enumerate([str(n) for n in range(1, 23)] + ["X", "Y"], start=1):
    for _v in range(8, 15):
        CHROM[f"NC_{_i:06d}.{_v}"] = _c
CHROM["NC_012920.1"] = "MT"

CHR1_LENGTH = {247_249_719: 36, 249_250_621: 37, 248_956_422: 38}
_ASSEMBLY = re.compile(r"assembly=\"?([^,>\"]+)")
_LENGTH = re.compile(r"length=(\d+)")
_CONTIG_ID = re.compile(r"ID=([^,>]+)")
_BASES = frozenset("ACGTN")
_REF_BLOCK_ALTS = frozenset({"<*>", "<NON_REF>", "<X>"})
_SYMBOLIC = {"<DEL>": "D", "<INS>": "I", "<*>": ".", "<NON_REF>": ".", "<X>": "."}
REF_BLOCK = "\x00ref-block"  # sentinel: a gVCF reference block, not a marker
BAD_INDEX = "\x00bad"  # marks an allele number beyond the record's alleles
_NO_CALLS = {"", ".", "./.", ".|.", "./././.", "././."}


@dataclass
class VcfHeader:
    samples: tuple[str, ...] = ()
    contig_build: int | None = None
    declared_build: int | None = None
    notes: list[str] = field(default_factory=list)
    header_lines: int = 0


def _alleles(ref: str, alt: str) -> list[str] | None:
    """[REF, ALT...] as genotype letters, or None when REF/ALT are not alleles."""
    ref = ref.upper()
    if ref != "." and not _BASES.issuperset(ref):
        return None
    out = [ref]
    if alt == ".":
        return out
    for a in alt.split(","):
        if a.startswith("<"):
            if not a.endswith(">") or len(a) > 64:
                return None
            out.append(_SYMBOLIC.get(a, a))
        elif a == "*":
            out.append("*")
        elif "[" in a or "]" in a:
            out.append(a if len(a) <= 256 else a[:256])  # a breakend
        else:
            up = a.upper()
            if not up or not _BASES.issuperset(up):
                return None
            out.append(up)
    return out


def genotype_from(ref: str, alt: str, gt: str) -> str | None:
    """The canonical genotype for a record, REF_BLOCK, or None when REF/ALT/GT are malformed."""
    if alt in _REF_BLOCK_ALTS or (alt.startswith("<") and all(a in _REF_BLOCK_ALTS for a in alt.split(","))):
        return REF_BLOCK
    alleles = _alleles(ref, alt)
    if alleles is None:
        return None
    if gt in _NO_CALLS:
        return ""
    parts = gt.replace("|", "/").split("/")
    if len(parts) > 4:
        return None
    out: list[str] = []
    for part in parts:
        if part == ".":
            out.append(".")
            continue
        if not (part.isascii() and part.isdigit()):
            return None
        i = int(part)
        if i >= len(alleles):
            out.append(BAD_INDEX)  # an allele the record does not list: read as missing, counted
            continue
        a = alleles[i]
        out.append("." if a == "." else a)
    if all(a == "." or a is BAD_INDEX for a in out):
        return BAD_INDEX + "" if BAD_INDEX in out else ""
    return "/".join(out)


class VcfReader:
    def __init__(self, source: TextSource, qc: QC, batch_size: int, sample: str | None) -> None:
        self.source = source
        self.qc = qc
        self.batch_size = batch_size
        self.ref_blocks = 0
        self.other_contigs = 0
        self.bad_alleles = 0
        source.set_limits(max_line=MAX_LINE, max_bytes=MAX_BYTES)
        self._chunks = source.chunks()
        self._rest: tuple[int, list[str]] | None = None
        self.header = self._read_header()
        samples = self.header.samples
        if not samples:
            raise GenomeImportError(
                source.name, "is a VCF without genotype columns (sites only): it holds no person's genotypes"
            )
        if sample is None:
            if len(samples) > 1:
                raise SampleRequired(source.name, samples)
            sample = samples[0]
        elif sample not in samples:
            raise GenomeImportError(source.name, "the chosen sample is not in the file")
        self.sample = sample
        self.column = 9 + samples.index(sample)

    def _read_header(self) -> VcfHeader:
        h = VcfHeader()
        name = self.source.name
        seen_format = False
        for first_line, text in self._chunks:
            lines = text.split("\n")
            lines.pop()  # text ends with "\n"
            for k, line in enumerate(lines):
                n = first_line + k
                if len(line) > MAX_LINE:
                    raise GenomeImportError(name, "the line is longer than 1 MB, which no VCF header has", n)
                if line.startswith("##"):
                    if n == 1 or not seen_format:
                        seen_format = seen_format or line.startswith("##fileformat=VCF")
                    self._meta(line, h)
                    continue
                if line.startswith("#CHROM"):
                    cols = line.rstrip("\t ").split("\t")
                    if cols[:8] != ["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO"]:
                        raise GenomeImportError(name, "the VCF column header is not CHROM, POS, ID, REF, ALT, …", n)
                    if len(cols) > 9 and cols[8] != "FORMAT":
                        raise GenomeImportError(name, "the VCF column after INFO must be FORMAT", n)
                    h.samples = tuple(cols[9:])
                    if len(set(h.samples)) != len(h.samples):
                        raise GenomeImportError(name, "two samples of the VCF have the same name", n)
                    h.header_lines = n
                    self._rest = (n + 1, lines[k + 1:])
                    return h
                if not line.strip():
                    continue
                raise GenomeImportError(name, "the VCF header ends without its #CHROM column line", n)
        raise GenomeImportError(name, "the VCF header ends without its #CHROM column line")

    @staticmethod
    def _meta(line: str, h: VcfHeader) -> None:
        low = line.lower()
        if low.startswith("##contig="):
            m = _CONTIG_ID.search(line)
            cid = m.group(1) if m else ""
            if CHROM.get(cid) == "1":
                lm = _LENGTH.search(line)
                if lm and int(lm.group(1)[:12]) in CHR1_LENGTH:
                    h.contig_build = CHR1_LENGTH[int(lm.group(1)[:12])]
                am = _ASSEMBLY.search(line)
                if am and h.contig_build is None:
                    h.contig_build = declared_build(am.group(1))
        elif low.startswith("##reference="):
            b = declared_build(line[12:])
            if b is not None and h.declared_build is None:
                h.declared_build = b
        elif low.startswith(("##source=", "##dragenversion", "##gatkcommandline")) and len(h.notes) < 5:
            tool = line[2:].split("=", 1)[0] if not low.startswith("##source=") else line[9:]
            tool = re.sub(r"[^\w .:-]", "", tool)[:40]
            if tool:
                h.notes.append(tool)

    def batches(self) -> Iterator[list[Call]]:
        name = self.source.name
        col = self.column
        maxsplit = col + 1
        need = col + 1
        chrom_of = CHROM.get
        cache: dict[tuple[str, str, str], str] = {}
        cache_get = cache.get
        out: list[Call] = []
        append = out.append
        size = self.batch_size
        last_fmt = "GT"
        gt_index = 0
        qc = self.qc

        def chunks() -> Iterator[tuple[int, list[str]]]:
            if self._rest is not None:
                yield self._rest
                self._rest = None
            for first_line, text in self._chunks:
                lines = text.split("\n")
                lines.pop()
                yield first_line, lines

        for first_line, lines in chunks():
            if lines and max(map(len, lines)) > MAX_LINE:
                k = next(i for i, ln in enumerate(lines) if len(ln) > MAX_LINE)
                raise GenomeImportError(name, "the line is longer than 1 MB, which no VCF record has", first_line + k)
            for line in lines:
                f = line.split("\t", maxsplit)
                if len(f) < need:
                    if not line.strip() or line[0] == "#":
                        continue
                    raise GenomeImportError(
                        name, f"a VCF record needs {need} columns, this one has {len(f)}", first_line + lines.index(line)
                    )
                ch = chrom_of(f[0])
                if ch is None:
                    if f[0][:1] == "#":
                        continue
                    self.other_contigs += 1
                    continue
                ps = f[1]
                if not ps.isdigit():
                    raise GenomeImportError(
                        name, "the position must be a whole number from 1 to 300,000,000", first_line + lines.index(line)
                    )
                pos = int(ps)
                if pos > MAX_POS or pos < 1:
                    if pos == 0:
                        qc.skipped += 1
                        continue
                    raise GenomeImportError(
                        name, "the position must be a whole number from 1 to 300,000,000", first_line + lines.index(line)
                    )
                fmt = f[8]
                if fmt != last_fmt:
                    keys = fmt.split(":")
                    gt_index = keys.index("GT") if "GT" in keys else -1
                    last_fmt = fmt
                if gt_index == 0:
                    gt = f[col].split(":", 1)[0]
                elif gt_index < 0:
                    gt = ""
                else:
                    parts = f[col].split(":")
                    gt = parts[gt_index] if gt_index < len(parts) else ""
                key = (f[3], f[4], gt)
                g = cache_get(key)
                if g is None:
                    g = genotype_from(f[3], f[4], gt)
                    if g is None:
                        raise GenomeImportError(
                            name,
                            "REF, ALT or the genotype (GT) is not valid VCF (bases A, C, G, T, N; GT allele numbers "
                            "the record lists)",
                            first_line + lines.index(line),
                        )
                    if BAD_INDEX in g:
                        self.bad_alleles += 1
                        g = "/".join("." if a == BAD_INDEX else a for a in g.split("/"))
                        if g.strip("./") == "":
                            g = ""
                    elif len(cache) < _CACHE_LIMIT:
                        cache[key] = g
                if g is REF_BLOCK:
                    self.ref_blocks += 1
                    continue
                rid = f[2]
                append(("" if rid == "." else rid, ch, pos, g))
            if len(out) >= size:
                kept = qc.feed_calls(out)
                out = []
                append = out.append
                for i in range(0, len(kept), size):
                    yield kept[i:i + size]
        if out:
            kept = qc.feed_calls(out)
            for i in range(0, len(kept), size):
                yield kept[i:i + size]

    def warnings(self) -> list[str]:
        out: list[str] = []
        if self.ref_blocks:
            out.append(f"{self.ref_blocks:,} gVCF reference blocks (no variant) were not counted as markers")
        if self.other_contigs:
            out.append(
                f"{self.other_contigs:,} records on other contigs (unplaced, decoy or alternative sequences) "
                "were skipped"
            )
        if self.bad_alleles:
            out.append(
                f"{self.bad_alleles:,} genotypes named an allele their record does not list; "
                "those alleles were read as missing"
            )
        return out

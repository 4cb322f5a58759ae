#!/usr/bin/env python3
"""Build ``resources/knowledge/pgx/positions.tsv`` from PharmCAT's allele-definition files.

One row per variant position that defines a PGx allele (``<GENE>_translation.json``,
``variants``), plus the extra positions PharmCAT reports for a gene (``exemptions.json``,
``extraPositions``), plus MT-RNR1's positions, which PharmCAT has no allele-definition file for:
they are read from the allele names of its phenotype file (``m.1555A>G``) by the same function
the caller's definitions are built with (``build_pgx_definitions.mt_rnr1_definition``), so an
import keeps every call the caller (``companion/pgx``) reads. Every row names the file it came
from and that file's version and date.

    python resources/knowledge/build_pgx_positions.py [--chain CHAIN] [--phenotypes DIR] [--check] \\
        [SOURCE_DIR] [OUT_FILE]

SOURCE_DIR defaults to ``../shared/data/pgx/allele_definitions`` beside the checkout, the
phenotype files (``--phenotypes``) to ``phenotypes`` beside SOURCE_DIR. The output is
deterministic (sorted, no timestamps), so rebuilding from the same data gives the same bytes;
``--check`` exits 1 when the committed file differs from a fresh build.

GRCh37 coordinates (column ``position_grch37``): the source data is GRCh38 only, so each
position is lifted over with Ensembl's GRCh38-to-GRCh37 chain file (provenance in ``CHAIN``
below and in SOURCES.md). The chain file is not in the repository; pass it with ``--chain PATH``
or ``PGX_LIFTOVER_CHAIN=PATH``. To get it (PyPI only; the file is in CrossMap's old sdist):

    pip download --no-deps --no-binary :all: -d /tmp/crossmap CrossMap==0.3.9
    tar xzf /tmp/crossmap/CrossMap-0.3.9.tar.gz -C /tmp/crossmap \\
        CrossMap-0.3.9/data/human/GRCh38_to_GRCh37.chain.gz

Its sha256 must be ``CHAIN.sha256``. Without a chain file the GRCh38 part is rebuilt and the
GRCh37 column is carried over from the committed file (``--check`` then says it did not
re-derive that column). A position gets a GRCh37 coordinate only when its whole reference
allele lies inside one aligned block of exactly one chain, onto the same primary-assembly
chromosome and the ``+`` strand; anything else is left empty rather than guessed. MT is the
rCRS (NC_012920.1) on both sides of that chain, which maps it onto itself base for base; the
build checks that every MT position keeps its number (SOURCES.md says why).
"""
from __future__ import annotations

import gzip
import hashlib
import importlib.util
import json
import os
import re
import sys
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from types import ModuleType
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "pgx" / "allele_definitions"
DEFAULT_OUT = ROOT / "resources" / "knowledge" / "pgx" / "positions.tsv"
CHAIN_ENV = "PGX_LIFTOVER_CHAIN"

# exemptions.json carries no version field; it comes from the same PharmCAT commit as the
# translation files (shared/data/pgx/SOURCES.md, source A).
EXEMPTIONS_VERSION = "PharmCAT 5431bf1187e50383df7e7db18ef67b36fc8b562e"
EXEMPTIONS_DATE = "2025-11-19"

# One column list for the writer and the loader (companion/genome/annotate.py).
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
from companion.genome.annotate import FILE_COLUMNS  # noqa: E402

# MT-RNR1 is parsed by the definitions builder's own function, so the two cannot disagree.
_DEFINITIONS_BUILDER = Path(__file__).resolve().with_name("build_pgx_definitions.py")
MT_GENE = "MT-RNR1"


class ChainSource(NamedTuple):
    name: str
    sha256: str
    origin: str
    package: str
    path: str
    package_sha256: str
    licence: str


# The only chain file the builder accepts: an unknown file would need its provenance here first.
CHAIN = ChainSource(
    name="GRCh38_to_GRCh37.chain.gz",
    sha256="6bee5bfdd6defc0fb2bd388ef51819c32bbfae1d3e7a3345aa5ebbdc3dd492b1",
    origin="Ensembl assembly mapping, ftp.ensembl.org/pub/assembly_mapping/homo_sapiens/",
    package="CrossMap 0.3.9 (PyPI sdist CrossMap-0.3.9.tar.gz, GPL-3.0; its data/readme.txt: "
    "downloaded from Ensembl's assembly_mapping folder)",
    path="CrossMap-0.3.9/data/human/GRCh38_to_GRCh37.chain.gz",
    package_sha256="e20a4653e9fc313ac0f5a6cfc37b42e83c3cf2b42f9483706cfb9ec9ff72c74c",
    licence="Ensembl data: 'Ensembl imposes no restrictions on access to, or use of, the data "
    "provided' (ensembl.org/info/about/legal/disclaimer.html)",
)

HEADER = f"""\
# PGx positions of interest: every variant position that defines a star allele or that
# PharmCAT reports for a gene, and MT-RNR1's positions (from the allele names of PharmCAT's
# MT_RNR1.json phenotype file). position_grch38: GRCh38, 1-based, VCF-style left-anchored;
# MT is the rCRS (NC_012920.1). Built by resources/knowledge/build_pgx_positions.py from
# PharmCAT's allele definitions and phenotype files (CPIC/PharmVar content); provenance,
# licence and citation in SOURCES.md beside this file.
# position_grch37: position_grch38 lifted over to GRCh37 with Ensembl's {CHAIN.name}
# (Ensembl assembly mapping; Ensembl data, no restrictions on use),
# sha256 {CHAIN.sha256},
# taken from {CHAIN.path} in the PyPI sdist
# CrossMap-0.3.9.tar.gz, sha256 {CHAIN.package_sha256}.
# Empty when the reference allele does not lie in one aligned block of exactly one chain onto
# the same primary-assembly chromosome, on the + strand.
"""

_RSID = re.compile(r"rs[0-9]+")


def canonical_chromosome(name: str) -> str:
    chrom = name[3:] if name.lower().startswith("chr") else name
    chrom = chrom.upper()
    return "MT" if chrom == "M" else chrom


def _row(gene: str, variant: dict, role: str, source_file: str, version: str, date: str) -> tuple[str, ...]:
    rsid = variant.get("rsid") or ""
    if rsid and not _RSID.fullmatch(rsid):
        raise ValueError(f"{source_file}: unexpected rsID {rsid!r}")
    position = int(variant["position"])
    if position <= 0:
        raise ValueError(f"{source_file}: bad position {position}")
    return (
        gene,
        rsid,
        canonical_chromosome(str(variant["chromosome"])),
        str(position),
        str(variant.get("ref") or ""),
        ",".join(variant.get("alts") or ()),
        role,
        source_file,
        version,
        date,
    )


def collect(source: Path) -> list[tuple[str, ...]]:
    """The GRCh38 rows (without ``position_grch37``), sorted."""
    rows: dict[tuple[str, str, str, str], tuple[str, ...]] = {}
    files = sorted(source.glob("*_translation.json"))
    if not files:
        raise SystemExit(f"no *_translation.json files in {source}")
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not str(data.get("genomeBuild", "")).startswith("GRCh38"):
            raise ValueError(f"{path.name}: not GRCh38 ({data.get('genomeBuild')!r})")
        gene = data["gene"]
        version = str(data.get("version") or "")
        date = str(data.get("modificationDate") or "")[:10]
        for variant in data["variants"]:
            row = _row(gene, variant, "defining", path.name, version, date)
            rows.setdefault((row[0], row[2], row[3], row[1]), row)
    exemptions = source / "exemptions.json"
    if exemptions.exists():
        data = json.loads(exemptions.read_text(encoding="utf-8"))
        for gene, entry in sorted(data.items()):
            for variant in entry.get("extraPositions") or ():
                row = _row(gene, variant, "extra", exemptions.name, EXEMPTIONS_VERSION, EXEMPTIONS_DATE)
                rows.setdefault((row[0], row[2], row[3], row[1]), row)
    return sorted(rows.values(), key=lambda r: (r[0], r[2], int(r[3]), r[1]))


def _definitions_builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_pgx_definitions", _DEFINITIONS_BUILDER)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {_DEFINITIONS_BUILDER}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def collect_mt_rnr1(phenotypes: Path) -> list[tuple[str, ...]]:
    """MT-RNR1's rows (without ``position_grch37``): the positions the caller reads for it.

    PharmCAT has no MT-RNR1 allele-definition file; the positions are the single-base
    substitutions named in its phenotype file, on chrM (the rCRS). The deletions it also names
    (``m.961T>del`` …) cannot be written as a VCF position from the name alone, so the caller
    does not read them and they are not listed here either."""
    definitions = _definitions_builder()
    name = definitions.PHENOTYPE_FILE[MT_GENE]
    path = phenotypes / name
    if not path.is_file():
        raise SystemExit(f"no {name} in {phenotypes} (pass --phenotypes DIR)")
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("gene") != MT_GENE:
        raise ValueError(f"{name}: names gene {data.get('gene')!r}")
    version = str(data.get("version") or "")
    # The phenotype file has no modificationDate; its version is the data's timestamp.
    if not re.fullmatch(r"\d{4}-\d\d-\d\d(-\d\d-\d\d)?", version):
        raise ValueError(f"{name}: version {version!r} is not a date")
    definition = definitions.mt_rnr1_definition(data)
    if definition["chromosome"] != "MT":
        raise ValueError(f"{name}: MT-RNR1 is not on MT ({definition['chromosome']!r})")
    variants = [
        {"chromosome": "MT", "position": p["pos"], "rsid": p["rsid"], "ref": p["ref"], "alts": p["alts"]}
        for p in definition["positions"]
    ]
    rows = [_row(MT_GENE, v, "defining", name, version, version[:10]) for v in variants]
    return sorted(rows, key=lambda r: (r[0], r[2], int(r[3]), r[1]))


# --- liftover -----------------------------------------------------------------------------
# A chain file (genome.ucsc.edu/goldenPath/help/chain.html) is a list of chains:
#   chain score tName tSize tStrand tStart tEnd qName qSize qStrand qStart qEnd id
# followed by lines "size dt dq" and a last line "size": ungapped blocks of `size` bases, then
# `dt` bases only in the source (t, here GRCh38) and `dq` only in the target (q, GRCh37).
# Coordinates are 0-based, half-open; on a '-' qStrand, q coordinates count from the end of the
# reverse-complemented target sequence.


class ChainError(ValueError):
    """A chain file that does not parse or whose blocks do not add up."""


class Hit(NamedTuple):
    """One aligned block covering a source position."""

    chromosome: str  # target chromosome, canonical
    position: int  # target position, 1-based, on the target's + strand
    strand: str  # the chain's qStrand
    block_last: int  # the block's last source position, 1-based


def _chains(lines: Iterable[str]) -> Iterator[tuple[list[str], list[tuple[int, int, int]]]]:
    header: list[str] | None = None
    blocks: list[tuple[int, int, int]] = []
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        fields = line.split()
        if fields[0] == "chain":
            if header is not None:
                raise ChainError(f"line {number}: a chain starts before the last one ended")
            if len(fields) not in (12, 13):
                raise ChainError(f"line {number}: a chain header has 12 or 13 fields")
            header, blocks = fields, []
            continue
        if header is None:
            raise ChainError(f"line {number}: alignment data outside a chain")
        try:
            numbers = [int(f) for f in fields]
        except ValueError:
            raise ChainError(f"line {number}: not a number") from None
        if len(numbers) == 3:
            blocks.append((numbers[0], numbers[1], numbers[2]))
        elif len(numbers) == 1:
            blocks.append((numbers[0], 0, 0))
            yield header, blocks
            header = None
        else:
            raise ChainError(f"line {number}: an alignment line has 1 or 3 numbers")
    if header is not None:
        raise ChainError("the last chain has no final block")


def lift(lines: Iterable[str], points: Iterable[tuple[str, int]]) -> dict[tuple[str, int], list[Hit]]:
    """Every block of every chain that covers each ``(chromosome, 1-based position)``; the same
    block under two spellings of a chromosome's name (``10``, ``chr10``) counts once."""
    wanted_sets: dict[str, set[int]] = {}
    for chrom, pos in points:
        wanted_sets.setdefault(canonical_chromosome(chrom), set()).add(pos)
    wanted = {chrom: sorted(positions) for chrom, positions in wanted_sets.items()}
    hits: dict[tuple[str, int], list[Hit]] = {(c, p): [] for c, ps in wanted.items() for p in ps}
    for header, blocks in _chains(lines):
        t_name, t_strand, q_name, q_strand = header[2], header[4], header[7], header[9]
        t_size, t_start, t_end = int(header[3]), int(header[5]), int(header[6])
        q_size, q_start, q_end = int(header[8]), int(header[10]), int(header[11])
        if t_strand != "+" or q_strand not in ("+", "-"):
            raise ChainError(f"chain {header[12:] or header[1]}: unexpected strands {t_strand}/{q_strand}")
        if not (0 <= t_start <= t_end <= t_size and 0 <= q_start <= q_end <= q_size):
            raise ChainError(f"chain {header[12:] or header[1]}: coordinates out of range")
        t, q = t_start, q_start
        chrom, target = canonical_chromosome(t_name), canonical_chromosome(q_name)
        positions = wanted.get(chrom)
        for size, dt, dq in blocks:
            if positions:
                # 0-based [t, t + size) holds the 1-based positions t + 1 .. t + size
                for pos in positions[bisect_left(positions, t + 1) : bisect_right(positions, t + size)]:
                    offset = q + (pos - 1 - t)  # 0-based, on the chain's q strand
                    on_plus = offset + 1 if q_strand == "+" else q_size - offset
                    hit = Hit(target, on_plus, q_strand, t + size)
                    if hit not in hits[(chrom, pos)]:  # Ensembl lists each chain as "10" and "chr10"
                        hits[(chrom, pos)].append(hit)
            t += size + dt
            q += size + dq
        if t != t_end or q != q_end:
            raise ChainError(f"chain {header[12:] or header[1]}: blocks do not add up to its ends")
    return hits


PRIMARY = frozenset([str(n) for n in range(1, 23)] + ["X", "Y", "MT"])


def grch37_position(hits: list[Hit], chromosome: str, position: int, ref: str) -> tuple[str, str]:
    """``(position or "", reason)`` for one row: only a unique, same-chromosome '+' mapping of
    the whole reference allele counts. Blocks onto sequences outside the primary assembly
    (Ensembl's GRCh37 fix patches such as ``HG1490_PATCH``) are not places a GRCh37 genome
    file uses, so they are left out before counting."""
    hits = [h for h in hits if h.chromosome in PRIMARY]
    if not hits:
        return "", "not in any aligned block"
    if len(hits) > 1:
        return "", "covered by more than one chain"
    hit = hits[0]
    if hit.chromosome != chromosome:
        return "", "maps to another chromosome"
    if hit.strand != "+":
        return "", "maps to the - strand"
    if position + max(len(ref), 1) - 1 > hit.block_last:
        return "", "reference allele crosses an alignment gap"
    return str(hit.position), "mapped"


def _open_chain(path: Path) -> tuple[list[str], str]:
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data.decode("ascii").splitlines(), digest


def liftover(rows: list[tuple[str, ...]], chain: Path) -> tuple[dict[tuple[str, str, str], str], Counter[str]]:
    """GRCh37 positions keyed by ``(chromosome, position_grch38, ref)``, and why rows got none."""
    lines, digest = _open_chain(chain)
    if digest != CHAIN.sha256:
        raise SystemExit(f"{chain}: sha256 {digest} is not the recorded {CHAIN.name} ({CHAIN.sha256})")
    hits = lift(lines, ((r[2], int(r[3])) for r in rows))
    result: dict[tuple[str, str, str], str] = {}
    reasons: Counter[str] = Counter()
    for row in rows:
        found = hits[(row[2], int(row[3]))]
        value, reason = grch37_position(found, row[2], int(row[3]), row[4])
        if row[2] == "MT" and value != row[3]:
            # GRCh38's chrM and GRCh37's MT are both the rCRS: anything but the same number means
            # the chain's GRCh37 MT is another sequence (UCSC hg19's chrM is NC_001807).
            raise SystemExit(f"{chain}: MT:{row[3]} maps to {value or 'nothing'}, not onto itself")
        result[(row[2], row[3], row[4])] = value
        reasons[reason] += 1
        if any(h.chromosome not in PRIMARY for h in found):
            reasons["also covered by a chain onto a non-primary sequence (left out)"] += 1
    return result, reasons


def committed_grch37(path: Path) -> dict[tuple[str, str, str], str]:
    """The GRCh37 column of an existing positions file (empty when it has none)."""
    if not path.exists():
        return {}
    header: list[str] | None = None
    result: dict[tuple[str, str, str], str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        fields = line.split("\t")
        if header is None:
            header = fields
            if "position_grch37" not in header:
                return {}
            continue
        rec = dict(zip(header, fields))
        result[(rec["chromosome"], rec["position_grch38"], rec["ref"])] = rec["position_grch37"]
    return result


def render(rows: list[tuple[str, ...]], grch37: Mapping[tuple[str, str, str], str] | None = None) -> str:
    grch37 = grch37 or {}
    lines = [HEADER.rstrip("\n"), "\t".join(FILE_COLUMNS)]
    for row in rows:
        lines.append("\t".join(row[:4] + (grch37.get((row[2], row[3], row[4]), ""),) + row[4:]))
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    check = "--check" in argv
    args = [a for a in argv if a != "--check"]
    chain_arg = os.environ.get(CHAIN_ENV) or None
    options: dict[str, str] = {}
    for option in ("--chain", "--phenotypes"):
        if option in args:
            at = args.index(option)
            if at + 1 >= len(args):
                print(f"{option} needs a path", file=sys.stderr)
                return 2
            options[option] = args[at + 1]
            del args[at : at + 2]
    chain_arg = options.get("--chain", chain_arg)
    source = Path(args[0]) if args else DEFAULT_SOURCE
    out = Path(args[1]) if len(args) > 1 else DEFAULT_OUT
    phenotypes = Path(options["--phenotypes"]) if "--phenotypes" in options else source.parent / "phenotypes"
    rows = sorted(collect(source) + collect_mt_rnr1(phenotypes), key=lambda r: (r[0], r[2], int(r[3]), r[1]))
    if chain_arg:
        if not Path(chain_arg).is_file():
            print(f"no chain file at {chain_arg}", file=sys.stderr)
            return 2
        grch37, reasons = liftover(rows, Path(chain_arg))
        summary = ", ".join(f"{n} {reason}" for reason, n in sorted(reasons.items(), key=lambda kv: -kv[1]))
        print(f"GRCh37 liftover of {len(rows)} positions: {summary}", file=sys.stderr)
    else:
        grch37 = committed_grch37(DEFAULT_OUT)
        missing = sum(1 for r in rows if (r[2], r[3], r[4]) not in grch37)
        note = f"no chain file (--chain PATH or {CHAIN_ENV}): GRCh37 column carried over from {DEFAULT_OUT.name}"
        if missing:
            note += f"; {missing} positions are not in it and get none - rebuild with the chain file"
        print(note, file=sys.stderr)
    text = render(rows, grch37)
    if check:
        current = out.read_text(encoding="utf-8") if out.exists() else ""
        if current != text:
            print(f"{out} is out of date; rebuild it", file=sys.stderr)
            return 1
        if chain_arg:
            print(f"{out} is up to date (GRCh38 rows and GRCh37 liftover)", file=sys.stderr)
        else:
            print(f"{out}: GRCh38 part is up to date; GRCh37 liftover not re-derived (skipped)", file=sys.stderr)
        return 0
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(f"wrote {len(rows)} positions to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

#!/usr/bin/env python3
"""Build ``resources/knowledge/pgx/positions.tsv`` from PharmCAT's allele-definition files.

One row per variant position that defines a PGx allele (``<GENE>_translation.json``,
``variants``), plus the extra positions PharmCAT reports for a gene (``exemptions.json``,
``extraPositions``). Every row names the file it came from and that file's version and date.

    python resources/knowledge/build_pgx_positions.py [SOURCE_DIR] [OUT_FILE]

SOURCE_DIR defaults to ``../shared/data/pgx/allele_definitions`` beside the checkout. The
output is deterministic (sorted, no timestamps), so rebuilding from the same data gives the
same bytes; ``--check`` exits 1 when the committed file differs from a fresh build.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "pgx" / "allele_definitions"
DEFAULT_OUT = ROOT / "resources" / "knowledge" / "pgx" / "positions.tsv"

# exemptions.json carries no version field; it comes from the same PharmCAT commit as the
# translation files (shared/data/pgx/SOURCES.md, source A).
EXEMPTIONS_VERSION = "PharmCAT 5431bf1187e50383df7e7db18ef67b36fc8b562e"
EXEMPTIONS_DATE = "2025-11-19"

# One column list for the writer and the loader (companion/genome/annotate.py).
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
from companion.genome.annotate import COLUMNS  # noqa: E402

HEADER = """\
# PGx positions of interest: every variant position that defines a star allele or that
# PharmCAT reports for a gene. Coordinates are GRCh38 (1-based, VCF-style left-anchored).
# Built by resources/knowledge/build_pgx_positions.py from PharmCAT's allele definitions
# (CPIC/PharmVar content); provenance, licence and citation in SOURCES.md beside this file.
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


def render(rows: list[tuple[str, ...]]) -> str:
    lines = [HEADER.rstrip("\n"), "\t".join(COLUMNS)]
    lines += ["\t".join(row) for row in rows]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    check = "--check" in argv
    args = [a for a in argv if a != "--check"]
    source = Path(args[0]) if args else DEFAULT_SOURCE
    out = Path(args[1]) if len(args) > 1 else DEFAULT_OUT
    text = render(collect(source))
    if check:
        current = out.read_text(encoding="utf-8") if out.exists() else ""
        if current != text:
            print(f"{out} is out of date; rebuild it", file=sys.stderr)
            return 1
        return 0
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(f"wrote {len(text.splitlines()) - HEADER.count(chr(10)) - 1} positions to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

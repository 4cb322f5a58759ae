"""Genotypes made from the allele definitions, and a lookup over them, for the pgx tests."""
from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any

from companion.pgx.genotypes import Genotype
from companion.pgx.knowledge import GeneDefinition, NamedAllele, Position, allowed_bases

ROOT = Path(__file__).resolve().parents[3]
SHARED_PGX = ROOT.parent / "shared" / "data" / "pgx"
BUILDER = ROOT / "resources" / "knowledge" / "build_pgx_definitions.py"


class DictLookup:
    """A ``GenotypeLookup`` over plain dicts: (chrom, pos) → "A/G", rsID → "A/G"."""

    def __init__(self, positions: Mapping[tuple[str, int], str] | None = None,
                 rsids: Mapping[str, str] | None = None) -> None:
        self.positions = dict(positions or {})
        self.rsids = dict(rsids or {})

    def by_rsid(self, rsid: str) -> Genotype | None:
        text = self.rsids.get(rsid)
        return None if text is None else Genotype.parse(text, rsid)

    def by_position(self, chrom: str, pos38: int) -> Genotype | None:
        text = self.positions.get((chrom, pos38))
        return None if text is None else Genotype.parse(text, f"{chrom}:{pos38}")


def fill_base(gene: GeneDefinition, position: Position) -> str:
    """The base an allele has where its definition is empty (the reference's, IUPAC → VCF ref)."""
    base = gene.reference.bases.get(position.pos, position.ref)
    return position.ref if len(allowed_bases(base)) > 1 else base


def haplotype(gene: GeneDefinition, allele: NamedAllele) -> dict[int, str]:
    """One chromosome carrying the allele: its bases where defined (IUPAC: the reference base
    when allowed, else the first), the reference elsewhere."""
    out = {}
    for p in gene.positions:
        fill = fill_base(gene, p)
        if p.pos in allele.bases:
            accepted = allowed_bases(allele.bases[p.pos])
            out[p.pos] = fill if fill in accepted else sorted(accepted)[0]
        else:
            out[p.pos] = fill
    return out


def genotypes(gene: GeneDefinition, *haplotypes: dict[int, str]) -> dict[int, str]:
    """Unphased genotype text per position ("A" for one copy, "A/G" for two)."""
    return {p.pos: "/".join(h[p.pos] for h in haplotypes) for p in gene.positions}


def by_position(gene: GeneDefinition, calls: Mapping[int, str], drop: Iterable[int] = ()) -> DictLookup:
    """A GRCh38 VCF-like lookup (every position, minus ``drop``)."""
    dropped = set(drop)
    return DictLookup(positions={(gene.chromosome, pos): gt for pos, gt in calls.items() if pos not in dropped})


def by_rsid(gene: GeneDefinition, calls: Mapping[int, str], drop: Iterable[int] = ()) -> DictLookup:
    """An array-like lookup: rsIDs only, so positions without an rsID are invisible."""
    dropped = set(drop)
    return DictLookup(rsids={gene.by_pos[pos].rsid: gt for pos, gt in calls.items()
                             if gene.by_pos[pos].rsid and pos not in dropped})


@lru_cache(maxsize=64)
def shared_json(name: str) -> Any:
    return json.loads((SHARED_PGX / name).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def builder() -> ModuleType:
    """The knowledge build script as a module (its HTML → text and name fixes)."""
    spec = importlib.util.spec_from_file_location("build_pgx_definitions", BUILDER)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def needs_shared() -> Any:
    import pytest

    return pytest.mark.skipif(not SHARED_PGX.is_dir(), reason="shared/data/pgx is not available")

"""The knowledge base's positions of interest, and matching a genome's calls against them.

The positions come from ``resources/knowledge/pgx/positions.tsv`` (built from PharmCAT's
allele definitions; provenance in ``SOURCES.md`` beside it). They are **GRCh38** only.

Matching, done inside the import's batch loop:

- **by rsID, on any build**: the call's marker id (each part of a VCF ``rs1;rs2`` id) is one of
  the knowledge base's rsIDs. This is how consumer array files (GRCh37) are matched.
- **by GRCh38 position, only when the genome's build is 38**: the call's chromosome and
  position equal a knowledge-base position, whatever its id (VCFs often have none).
  GRCh37 (or 36) position matching would need the knowledge base's coordinates on those builds,
  which the shared data does not give (it holds GRCh38 only); rsID matching covers array files,
  and the 207 positions without an rsID can only be matched in a GRCh38 file.

The build is often known only after the whole file has been read (detected from positions), so
:meth:`Annotator.scan` keeps every call that matches by rsID *or* by a GRCh38 position number —
two C-level set intersections per batch, then a filter only over batches with a hit — and
:meth:`Annotator.finish` drops the position-only matches once the build is known not to be 38.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from pathlib import Path

from companion import RESOURCES
from companion.genome.model import Call, SourceInfo

POSITIONS_FILE = RESOURCES / "knowledge" / "pgx" / "positions.tsv"
COLUMNS = (
    "gene",
    "rsid",
    "chromosome",
    "position_grch38",
    "ref",
    "alts",
    "role",
    "source_file",
    "source_version",
    "source_date",
)

_ID = itemgetter(0)
_POS = itemgetter(2)


class KnowledgeFileError(ValueError):
    """A knowledge file that does not load: a packaging bug, not the person's input."""


@dataclass(frozen=True)
class Position:
    gene: str
    rsid: str  # "" when the definition has none
    chromosome: str
    position: int  # GRCh38, 1-based
    ref: str
    alts: tuple[str, ...]
    role: str  # "defining" or "extra"
    source_file: str
    source_version: str
    source_date: str


@dataclass(frozen=True)
class Positions:
    rows: tuple[Position, ...]
    version: str  # the knowledge version stored with each genome

    def genes(self) -> tuple[str, ...]:
        return tuple(sorted({p.gene for p in self.rows}))

    def by_rsid(self, rsid: str) -> tuple[Position, ...]:
        return tuple(p for p in self.rows if p.rsid == rsid)

    def of_gene(self, gene: str) -> tuple[Position, ...]:
        gene = gene.upper()
        return tuple(p for p in self.rows if p.gene.upper() == gene)


def parse_positions(text: str, name: str = "positions.tsv") -> Positions:
    rows: list[Position] = []
    header: list[str] | None = None
    versions: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line or line.startswith("#"):
            continue
        fields = line.split("\t")
        if header is None:
            header = fields
            if tuple(header) != COLUMNS:
                raise KnowledgeFileError(f"{name} line {number}: unexpected columns")
            continue
        if len(fields) != len(COLUMNS):
            raise KnowledgeFileError(f"{name} line {number}: {len(fields)} fields, expected {len(COLUMNS)}")
        rec = dict(zip(COLUMNS, fields))
        try:
            position = int(rec["position_grch38"])
        except ValueError:
            raise KnowledgeFileError(f"{name} line {number}: position is not a number") from None
        if not (rec["gene"] and rec["chromosome"] and position > 0):
            raise KnowledgeFileError(f"{name} line {number}: gene, chromosome and position are required")
        if not (rec["source_file"] and rec["source_version"] and rec["source_date"]):
            raise KnowledgeFileError(f"{name} line {number}: the row does not name its source")
        if rec["rsid"] and not (rec["rsid"].startswith("rs") and rec["rsid"][2:].isdigit()):
            raise KnowledgeFileError(f"{name} line {number}: malformed rsID")
        versions.add(rec["source_version"])
        rows.append(
            Position(
                gene=rec["gene"],
                rsid=rec["rsid"],
                chromosome=rec["chromosome"],
                position=position,
                ref=rec["ref"],
                alts=tuple(a for a in rec["alts"].split(",") if a),
                role=rec["role"],
                source_file=rec["source_file"],
                source_version=rec["source_version"],
                source_date=rec["source_date"],
            )
        )
    if header is None or not rows:
        raise KnowledgeFileError(f"{name}: no positions")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    data_version = max((v for v in versions if v[:1].isdigit()), default="unknown")
    return Positions(tuple(rows), f"pgx-positions {data_version} ({digest})")


@lru_cache(maxsize=4)
def load_positions(path: Path = POSITIONS_FILE) -> Positions:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise KnowledgeFileError(f"cannot read the knowledge file {path.name}: {exc.strerror}") from None
    return parse_positions(text, path.name)


class Annotator:
    """Finds the calls at knowledge-base positions while a genome streams past."""

    def __init__(self, positions: Positions | None = None) -> None:
        self.positions = positions or load_positions()
        self.version = self.positions.version
        self._rsids = frozenset(p.rsid for p in self.positions.rows if p.rsid)
        self._numbers = frozenset(p.position for p in self.positions.rows)
        self._grch38 = frozenset((p.chromosome, p.position) for p in self.positions.rows)
        self._found: list[Call] = []
        self._multi_ids = True  # VCF ids such as "rs1;rs2"
        self._by_number = True  # collect GRCh38 position candidates while scanning

    def start(self, info: SourceInfo) -> None:
        """Tune the scan to the file: consumer files have one id per marker, and a file whose
        header declares build 36 or 37 needs no GRCh38 position candidates (should the build
        turn out to be 38 after all, :meth:`needs_position_pass` says so)."""
        self._multi_ids = info.format == "vcf"
        self._by_number = info.declared_build not in (36, 37)

    def scan(self, batch: list[Call]) -> None:
        """Remember this batch's candidate calls (the hot path: a few set operations)."""
        ids = list(map(_ID, batch))
        hits = self._rsids.intersection(ids)
        numbers = self._numbers.intersection(map(_POS, batch)) if self._by_number else frozenset()
        split: frozenset[str] | set[str] = frozenset()
        if self._multi_ids:
            joined = ";".join(ids)
            if joined.count(";") >= len(ids):  # some id has a ';' in it
                split = self._rsids.intersection(joined.split(";")) - hits
        if not (hits or numbers or split):
            return
        if numbers:
            found = [c for c in batch if c[0] in hits or c[2] in numbers]
        else:
            found = [c for c in batch if c[0] in hits]
        if split:  # an rsID only inside a multi-id VCF marker ("rs1;rs2")
            found += [
                c for c in batch
                if ";" in c[0] and c[0] not in hits and c[2] not in numbers and not split.isdisjoint(c[0].split(";"))
            ]  # fmt: skip
        self._found.extend(found)

    def needs_position_pass(self, build: int | None) -> bool:
        """True when the scan skipped GRCh38 positions but the genome is on build 38."""
        return build == 38 and not self._by_number

    def scan_positions(self, calls: list[Call]) -> None:
        """The second pass :meth:`needs_position_pass` asks for (rare: a header that lied)."""
        numbers = self._numbers.intersection(map(_POS, calls))
        if numbers:
            self._found.extend(c for c in calls if c[2] in numbers)

    def matches(self, call: Call, build: int | None) -> bool:
        if not self._rsids.isdisjoint(call[0].split(";")):
            return True
        return build == 38 and (call[1], call[2]) in self._grch38

    def finish(self, build: int | None) -> list[Call]:
        """The calls that match, now that the genome's build is known; each call once."""
        seen: set[Call] = set()
        result = []
        for call in self._found:
            if call not in seen and self.matches(call, build):
                seen.add(call)
                result.append(call)
        return result

    def match_all(self, calls: Iterable[Call], build: int | None) -> list[Call]:
        """Scan and finish in one go (for a genome already stored)."""
        batch = list(calls)
        self._found = []
        self._multi_ids = self._by_number = True
        self.scan(batch)
        return self.finish(build)

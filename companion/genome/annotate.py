"""The knowledge base's positions of interest, and matching a genome's calls against them.

The positions come from ``resources/knowledge/pgx/positions.tsv`` (built from PharmCAT's
allele definitions; provenance in ``SOURCES.md`` beside it). Each has a **GRCh38** position
and, where it lifts over cleanly (Ensembl's GRCh38-to-GRCh37 chain, at build time), a
**GRCh37** one; the rest have no GRCh37 coordinate (``position_grch37`` is ``None``).

Matching, done inside the import's batch loop:

- **by rsID, on any build**: the call's marker id (each part of a VCF ``rs1;rs2`` id) is one of
  the knowledge base's rsIDs. This is how consumer array files (GRCh37) are matched.
- **by position, on build 37 or 38**: the call's chromosome and position equal a knowledge-base
  position *on the genome's build*, whatever its id (VCFs often have none). A GRCh38 number
  means nothing in a GRCh37 file and the other way round; build 36 (and an unknown build) has
  no position matching.

The build is often known only after the whole file has been read (detected from positions), so
:meth:`Annotator.scan` keeps every call that matches by rsID *or* by a position number of a
build the file may be on — two C-level set intersections per batch (the numbers of both builds
are one set), then a filter only over batches with a hit — and :meth:`Annotator.finish` keeps
the position-only matches whose chromosome and position are the knowledge base's on the build
that turned out to be the genome's. A header that declares 37 or 38 narrows the scan to that
build's numbers (36: none); :meth:`Annotator.needs_position_pass` asks for a second pass over
the stored calls when the build turns out to be one whose numbers were not scanned.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
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
# The file's layout: COLUMNS plus the GRCh37 position, which may be empty. A file with COLUMNS
# alone (no GRCh37 column) also loads; its positions then have no GRCh37 coordinates.
FILE_COLUMNS = COLUMNS[:4] + ("position_grch37",) + COLUMNS[4:]
BUILDS = (37, 38)  # the builds whose positions the knowledge base has

_ID = itemgetter(0)
_POS = itemgetter(2)


def _indexes(values: list, wanted: Iterable) -> set[int]:
    """Every index of each wanted value (a few per batch) in ``values``."""
    found: set[int] = set()
    for value in wanted:
        i = -1
        try:
            while True:
                i = values.index(value, i + 1)
                found.add(i)
        except ValueError:
            pass
    return found


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
    position_grch37: int | None = None  # 1-based; None where the GRCh38 position does not lift over

    def position_on(self, build: int | None) -> int | None:
        """The position on ``build`` (37 or 38); None on any other build or where there is none."""
        return self.position if build == 38 else self.position_grch37 if build == 37 else None


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

    def at(self, chromosome: str, position: int, build: int | None) -> tuple[Position, ...]:
        """The positions at ``chromosome:position`` on ``build`` (37 or 38)."""
        return tuple(p for p in self.rows if p.chromosome == chromosome and p.position_on(build) == position)


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
            if tuple(header) not in (FILE_COLUMNS, COLUMNS):
                raise KnowledgeFileError(f"{name} line {number}: unexpected columns")
            continue
        if len(fields) != len(header):
            raise KnowledgeFileError(f"{name} line {number}: {len(fields)} fields, expected {len(header)}")
        rec = dict(zip(header, fields))
        try:
            position = int(rec["position_grch38"])
            grch37 = int(rec["position_grch37"]) if rec.get("position_grch37") else None
        except ValueError:
            raise KnowledgeFileError(f"{name} line {number}: position is not a number") from None
        if not (rec["gene"] and rec["chromosome"] and position > 0):
            raise KnowledgeFileError(f"{name} line {number}: gene, chromosome and position are required")
        if grch37 is not None and grch37 <= 0:
            raise KnowledgeFileError(f"{name} line {number}: bad GRCh37 position")
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
                position_grch37=grch37,
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
        rows = self.positions.rows
        self._rsids = frozenset(p.rsid for p in rows if p.rsid)
        # (chromosome, position) on each build, and the bare numbers the scan intersects with
        self._sites: dict[int, frozenset[tuple[str, int]]] = {
            build: frozenset((p.chromosome, n) for p in rows if (n := p.position_on(build)) is not None)
            for build in BUILDS
        }
        self._numbers_of = {build: frozenset(n for _, n in sites) for build, sites in self._sites.items()}
        self._all_numbers = frozenset().union(*self._numbers_of.values())
        self._found: list[Call] = []
        self._multi_ids = True  # VCF ids such as "rs1;rs2"
        self._numbers = self._all_numbers  # the position numbers the scan collects candidates for
        self._scanned: frozenset[int] = frozenset(BUILDS)  # the builds whose numbers those are

    def start(self, info: SourceInfo) -> None:
        """Tune the scan to the file: consumer files have one id per marker, and a header that
        declares a build narrows the position candidates to that build's numbers (none for 36).
        Should the build turn out to be another after all, :meth:`needs_position_pass` says so."""
        self._multi_ids = info.format == "vcf"
        declared = info.declared_build
        if declared in BUILDS:
            self._scanned = frozenset((declared,))
        elif declared == 36:
            self._scanned = frozenset()
        else:
            self._scanned = frozenset(BUILDS)
        self._numbers = frozenset().union(*(self._numbers_of[b] for b in self._scanned))

    def scan(self, batch: Sequence[Call]) -> None:
        """Remember this batch's candidate calls (the hot path: a few set operations).

        ``batch`` is a list of call tuples, or any sequence of calls that also has ``ids`` and
        ``positions`` columns (a column batch), which are then read directly."""
        ids = getattr(batch, "ids", None)
        columns = ids is not None
        if not columns:
            ids = list(map(_ID, batch))
        hits = self._rsids.intersection(ids)
        if self._numbers:
            numbers = self._numbers.intersection(batch.positions if columns else map(_POS, batch))  # type: ignore[attr-defined]
        else:
            numbers = frozenset()
        split: frozenset[str] | set[str] = frozenset()
        if self._multi_ids:
            joined = ";".join(ids)
            if joined.count(";") >= len(ids):  # some id has a ';' in it
                split = self._rsids.intersection(joined.split(";"))  # with ``hits``: "rs1" and "rs5;rs1"
        if not (hits or numbers or split):
            return
        if columns:  # only the matching calls' tuples, found by C-level list scans
            rows = _indexes(ids, hits) | _indexes(batch.positions, numbers)  # type: ignore[attr-defined]
            found = [batch[i] for i in sorted(rows)]
        elif numbers:
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
        """True when the genome is on build 37 or 38 but the scan skipped that build's positions."""
        return build in BUILDS and build not in self._scanned

    def scan_positions(self, calls: Sequence[Call]) -> None:
        """The second pass :meth:`needs_position_pass` asks for (rare: a header that lied).
        It collects candidates at the numbers of either build; :meth:`finish` sorts them out."""
        numbers = self._all_numbers.intersection(map(_POS, calls))
        if numbers:
            self._found.extend(c for c in calls if c[2] in numbers)

    def matches(self, call: Call, build: int | None) -> bool:
        if not self._rsids.isdisjoint(call[0].split(";")):
            return True
        sites = self._sites.get(build)  # type: ignore[arg-type]
        return sites is not None and (call[1], call[2]) in sites

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
        self._multi_ids = True
        self._numbers, self._scanned = self._all_numbers, frozenset(BUILDS)
        self.scan(batch)
        return self.finish(build)

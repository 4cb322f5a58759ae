"""Genomes inside the vault: the source file, every call compactly, and the calls that matter.

Schema (migration 2): ``document`` + ``document_chunk`` keep the imported file's bytes (≤ 4 MiB
chunks, zlib unless the file was already compressed) known only by sha256, size and format —
never by its name. ``genome`` holds what the reader concluded; ``genome_chunk`` holds all calls
in the order the file gave them, ≤ 50 000 per chunk, each chunk one chromosome where the file
allows it (``chrom`` NULL = mixed) with its first/last position, so a position lookup opens only
the chunks that can hold it; ``genome_call`` holds only the calls at knowledge-base positions.

Chunk encoding 2 (zstd level 1; encoding 1, the same payload zlib-compressed, is still read):

    header  <IIII  n, len(ids), len(genotypes), len(chromosomes)
    n × uint32 LE  positions
    ids            marker ids joined by "\\n"
    genotypes      genotypes joined by "\\n"
    chromosomes    joined by "\\n", only in mixed chunks (else the chunk's ``chrom``)

Saving is one short write transaction at the end: the file is hashed first (the same file twice
is recognised before anything is parsed), the calls are encoded while the reader streams them
and compressed on a worker thread (zlib and zstd release the GIL), and only then is everything written
at once. On any error or cancel nothing is written.
"""
from __future__ import annotations

import hashlib
import itertools
import json
import struct
import sys
import zlib

import zstandard
from array import array
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from companion.errors import CompanionError
from companion.genome.annotate import Annotator
from companion.genome.errors import GenomeImportCancelled, GenomeImportError
from companion.genome.model import Call, CallBatch, CancelToken, GenomeStream, GenomeSummary, SourceInfo, columns_of
from companion.vault import keyslots
from companion.vault.errors import DamagedFile, ReadOnlyAccess

DOCUMENT_CHUNK_BYTES = 4 * 1024 * 1024
CHUNK_CALLS = 50_000
CHUNK_ENCODING = 2  # zstd: 3× faster than zlib level 1 and 15 % smaller on genome data (bench/)
ZSTD_LEVEL = 1
MAX_RUNS_PER_BATCH = 16  # more chromosome changes than this in a batch → one mixed chunk
ZLIB_LEVEL = 1  # level 6 takes ~6× the time for ~10 % less space
_HEADER = struct.Struct("<IIII")
_COMPRESSED_MAGIC = (b"\x1f\x8b", b"PK\x03\x04", b"PK\x05\x06", b"BZh", b"\xfd7zXZ\x00", b"\x28\xb5\x2f\xfd")


class GenomeNotFound(CompanionError):
    def __init__(self, genome_id: int) -> None:
        super().__init__(f"there is no genome {genome_id} in this profile")


@dataclass(frozen=True)
class GenomeRecord:
    """One stored genome, as ``list_genomes`` returns it."""

    id: int
    document_id: int
    format: str
    format_label: str
    declared_build: int | None
    build: int | None
    build_source: str
    strand: str
    sex: str | None
    x_heterozygosity: float | None
    y_called: int
    markers: int
    called: int
    call_rate: float
    duplicates: int
    skipped: int
    sample: str | None
    is_primary: bool
    imported_at: str
    knowledge_version: str
    warnings: tuple[str, ...]
    annotated: int
    sha256: str
    size: int

    def summary(self) -> GenomeSummary:
        source = SourceInfo(
            format=self.format,
            format_label=self.format_label,
            declared_build=self.declared_build,
            samples=(self.sample,) if self.sample else (),
            sample=self.sample,
            strand=self.strand,
        )
        return GenomeSummary(
            source=source,
            build=self.build,
            build_source=self.build_source,
            sex=self.sex,
            markers=self.markers,
            called=self.called,
            duplicates=self.duplicates,
            skipped=self.skipped,
            x_heterozygosity=self.x_heterozygosity,
            y_called=self.y_called,
            warnings=self.warnings,
        )


@dataclass(frozen=True)
class SaveResult:
    genome_id: int
    summary: GenomeSummary
    already_imported: bool
    annotated: int  # calls at knowledge-base positions
    is_primary: bool


# ---- the file's bytes ------------------------------------------------------------------------

def _read_error(path: Path, exc: OSError) -> GenomeImportError:
    return GenomeImportError(path.name, f"cannot be read ({exc.strerror or type(exc).__name__})")


def fingerprint(path: Path) -> tuple[str, int, bool]:
    """sha256, size, and whether the bytes are already compressed (gzip, zip, bzip2, xz, zstd)."""
    digest = hashlib.sha256()
    size = 0
    head = b""
    try:
        with open(path, "rb") as handle:
            while block := handle.read(DOCUMENT_CHUNK_BYTES):
                if not size:
                    head = block[:8]
                digest.update(block)
                size += len(block)
    except OSError as exc:
        raise _read_error(path, exc) from None
    return digest.hexdigest(), size, head.startswith(_COMPRESSED_MAGIC)


def _document_blocks(path: Path, compress: bool, cancel: CancelToken | None) -> tuple[str, list[bytes]]:
    """The file in ≤ 4 MiB blocks (compressed or not) and the sha256 of what was read."""
    digest = hashlib.sha256()
    blocks = []
    try:
        with open(path, "rb") as handle:
            while block := handle.read(DOCUMENT_CHUNK_BYTES):
                if cancel is not None and cancel.cancelled:
                    raise GenomeImportCancelled(path.name)
                digest.update(block)
                blocks.append(zlib.compress(block, ZLIB_LEVEL) if compress else block)
    except OSError as exc:
        raise _read_error(path, exc) from None
    return digest.hexdigest(), blocks


# ---- call chunks -----------------------------------------------------------------------------

@dataclass
class _Chunk:
    chrom: str | None
    first_pos: int
    last_pos: int
    n: int
    data: Future[bytes]


def _positions(values: Iterable[int]) -> bytes:
    packed = array("I", values)
    if sys.byteorder == "big":
        packed.byteswap()
    return packed.tobytes()


def encode_chunk(calls: Sequence[Call], chrom: str | None) -> tuple[bytes, int, int]:
    """The uncompressed payload of one chunk, and its first and last (lowest, highest) position."""
    id_col, chrom_col, positions, gt_col = columns_of(calls)
    ids = "\n".join(id_col).encode("utf-8")
    genotypes = "\n".join(gt_col).encode("utf-8")
    chroms = b"" if chrom is not None else "\n".join(chrom_col).encode("utf-8")
    header = _HEADER.pack(len(positions), len(ids), len(genotypes), len(chroms))
    payload = b"".join((header, _positions(positions), ids, genotypes, chroms))
    return payload, min(positions), max(positions)


def _compress_chunk(payload: bytes) -> bytes:
    return zstandard.ZstdCompressor(level=ZSTD_LEVEL).compress(payload)


def _inflate(data: bytes, encoding: int) -> bytes:
    try:
        if encoding == 2:
            return zstandard.ZstdDecompressor().decompress(data)  # our frames state their size
        if encoding == 1:
            return zlib.decompress(data)
    except (zlib.error, zstandard.ZstdError):
        raise DamagedFile("vault.db", "a genome chunk cannot be decoded") from None
    raise DamagedFile("vault.db", f"a genome chunk has an unknown encoding ({encoding})")


def decode_chunk(data: bytes, chrom: str | None, encoding: int = CHUNK_ENCODING) -> list[Call]:
    return _decode_raw(_inflate(data, encoding), chrom)


def _encoding(session, genome_id: int) -> int:
    row = session.connection.execute("SELECT chunk_encoding FROM genome WHERE id = ?", (int(genome_id),)).fetchone()
    if row is None:
        raise GenomeNotFound(genome_id)
    return int(row[0])


def _decode_raw(raw: bytes, chrom: str | None) -> list[Call]:
    try:
        n, n_ids, n_gts, n_chroms = _HEADER.unpack_from(raw)
        offset = _HEADER.size
        positions = array("I")
        positions.frombytes(raw[offset : offset + 4 * n])
        if sys.byteorder == "big":
            positions.byteswap()
        offset += 4 * n
        ids = raw[offset : offset + n_ids].decode("utf-8").split("\n")
        offset += n_ids
        genotypes = raw[offset : offset + n_gts].decode("utf-8").split("\n")
        offset += n_gts
        if chrom is None:
            chroms: Iterable[str] = raw[offset : offset + n_chroms].decode("utf-8").split("\n")
        else:
            chroms = itertools.repeat(chrom, n)
        calls = list(zip(ids, chroms, positions.tolist(), genotypes))
    except (struct.error, UnicodeDecodeError):
        raise DamagedFile("vault.db", "a genome chunk cannot be decoded") from None
    if len(calls) != n or len(ids) != n or len(genotypes) != n:
        raise DamagedFile("vault.db", "a genome chunk is incomplete")
    return calls


def _runs(batch: CallBatch) -> list[tuple[str | None, CallBatch]]:
    """Split a batch where the chromosome changes (sorted files); too many changes → one mixed run."""
    chroms = batch.chroms
    first = chroms[0]
    if chroms[-1] == first and chroms.count(first) == len(chroms):
        return [(first, batch)]
    runs: list[tuple[str | None, CallBatch]] = []
    start = 0
    for chrom, group in itertools.groupby(chroms):
        length = len(list(group))
        runs.append((chrom, batch[start : start + length]))
        start += length
        if len(runs) > MAX_RUNS_PER_BATCH:
            return [(None, batch)]
    return runs


class _ChunkWriter:
    def __init__(self, executor: ThreadPoolExecutor) -> None:
        self._executor = executor
        self.chunks: list[_Chunk] = []

    def add(self, calls: Sequence[Call]) -> None:
        batch = calls if isinstance(calls, CallBatch) else CallBatch(*columns_of(calls))
        for start in range(0, len(batch), CHUNK_CALLS):
            part = batch[start : start + CHUNK_CALLS] if len(batch) > CHUNK_CALLS else batch
            for chrom, calls in _runs(part):
                payload, first, last = encode_chunk(calls, chrom)
                future = self._executor.submit(_compress_chunk, payload)
                self.chunks.append(_Chunk(chrom, first, last, len(calls), future))


# ---- saving ----------------------------------------------------------------------------------

def _check_cancel(cancel: CancelToken | None, path: Path) -> None:
    if cancel is not None and cancel.cancelled:
        raise GenomeImportCancelled(path.name)


def _existing(conn, sha256: str, sample: str | None) -> tuple[int | None, int | None]:
    row = conn.execute("SELECT id FROM document WHERE sha256 = ?", (sha256,)).fetchone()
    if row is None:
        return None, None
    genome = conn.execute(
        "SELECT id FROM genome WHERE document_id = ? AND coalesce(sample, '') = ?", (row[0], sample or "")
    ).fetchone()
    return int(row[0]), (int(genome[0]) if genome else None)


def save_genome(
    session,
    path: Path,
    stream: GenomeStream,
    *,
    annotator: Annotator | None = None,
    cancel: CancelToken | None = None,
) -> SaveResult:
    """Store ``stream`` (read from ``path``) in ``session``'s vault: all of it, or nothing."""
    if session.read_only:
        raise ReadOnlyAccess()
    path = Path(path)
    annotator = annotator or Annotator()
    sha256, size, already_compressed = fingerprint(path)
    sample = stream.info.sample
    document_id, genome_id = _existing(session.connection, sha256, sample)
    if genome_id is not None:
        close = getattr(stream, "close", None)
        if callable(close):
            close()  # nothing more is read from a file already stored
        record = get_genome(session, genome_id)
        return SaveResult(genome_id, record.summary(), True, record.annotated, record.is_primary)

    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="genome-store")
    try:
        document: Future[tuple[str, list[bytes]]] | None = None
        if document_id is None and not already_compressed:
            document = executor.submit(_document_blocks, path, True, cancel)
        writer = _ChunkWriter(executor)
        annotator.start(stream.info)
        for batch in stream.batches():
            _check_cancel(cancel, path)
            if batch:
                annotator.scan(batch)
                writer.add(batch)
        summary = stream.summary()
        if summary.markers == 0:  # a header-only or comment-only file: nothing worth keeping
            raise GenomeImportError(path.name, "holds no genotype rows, so nothing was stored")
        if annotator.needs_position_pass(summary.build):
            for chunk in writer.chunks:
                annotator.scan_positions(decode_chunk(chunk.data.result(), chunk.chrom))
        matches = annotator.finish(summary.build)
        _check_cancel(cancel, path)
        blocks: list[bytes] | None = None
        if document is not None:
            read_sha, blocks = document.result()
            if read_sha != sha256:
                raise GenomeImportError(path.name, "changed while it was being imported; nothing was stored")
        chunks = [(c.chrom, c.first_pos, c.last_pos, c.n, c.data.result()) for c in writer.chunks]
        _check_cancel(cancel, path)
        return _write(session, path, stream.info, summary, sha256, size, already_compressed,
                      document_id, blocks, chunks, matches, annotator.version, cancel)  # fmt: skip
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def _write(
    session,
    path: Path,
    info: SourceInfo,
    summary: GenomeSummary,
    sha256: str,
    size: int,
    already_compressed: bool,
    document_id: int | None,
    blocks: list[bytes] | None,
    chunks: list[tuple[str | None, int, int, int, bytes]],
    matches: list[Call],
    knowledge_version: str,
    cancel: CancelToken | None,
) -> SaveResult:
    now = keyslots.now_iso()
    with session.transaction() as conn:
        if document_id is None:
            cur = conn.execute(
                "INSERT INTO document (kind, sha256, size, format, compression, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                ("genome", sha256, size, info.format, "none" if already_compressed else "zlib", now),
            )
            document_id = int(cur.lastrowid)
            if blocks is None:  # already compressed: copied as it is, hashed again on the way
                digest = hashlib.sha256()
                try:
                    with open(path, "rb") as handle:
                        seq = 0
                        while block := handle.read(DOCUMENT_CHUNK_BYTES):
                            _check_cancel(cancel, path)
                            digest.update(block)
                            conn.execute(
                                "INSERT INTO document_chunk (document_id, seq, data) VALUES (?, ?, ?)",
                                (document_id, seq, block),
                            )
                            seq += 1
                except OSError as exc:
                    raise _read_error(path, exc) from None
                if digest.hexdigest() != sha256:
                    raise GenomeImportError(path.name, "changed while it was being imported; nothing was stored")
            else:
                conn.executemany(
                    "INSERT INTO document_chunk (document_id, seq, data) VALUES (?, ?, ?)",
                    ((document_id, seq, block) for seq, block in enumerate(blocks)),
                )
        has_primary = conn.execute("SELECT 1 FROM genome WHERE is_primary = 1").fetchone() is not None
        cur = conn.execute(
            """INSERT INTO genome (document_id, format, format_label, declared_build, build, build_source,
                   strand, sex, x_heterozygosity, y_called, markers, called, call_rate, duplicates,
                   skipped, sample, is_primary, imported_at, knowledge_version, warnings, chunk_encoding)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                document_id, info.format, info.format_label, info.declared_build, summary.build,
                summary.build_source, info.strand, summary.sex, summary.x_heterozygosity, summary.y_called,
                summary.markers, summary.called, summary.call_rate, summary.duplicates, summary.skipped,
                info.sample, 0 if has_primary else 1, now, knowledge_version,
                json.dumps(list(summary.warnings), ensure_ascii=False), CHUNK_ENCODING,
            ),
        )  # fmt: skip
        genome_id = int(cur.lastrowid)
        conn.executemany(
            "INSERT INTO genome_chunk (genome_id, seq, chrom, first_pos, last_pos, n, data) VALUES (?, ?, ?, ?, ?, ?, ?)",
            ((genome_id, seq, *chunk) for seq, chunk in enumerate(chunks)),
        )
        conn.executemany(
            "INSERT INTO genome_call (genome_id, marker_id, chrom, pos, genotype) VALUES (?, ?, ?, ?, ?)",
            ((genome_id, *call) for call in matches),
        )
        _check_cancel(cancel, path)
        # Counts only: never the file's name, markers or genotypes.
        detail = {
            "genome_id": genome_id,
            "markers": summary.markers,
            "called": summary.called,
            "annotated": len(matches),
            "chunks": len(chunks),
        }
        conn.execute(
            "INSERT INTO audit (at, event, actor_role, detail) VALUES (?, ?, ?, ?)",
            (now, "genome_imported", session.role, json.dumps(detail, sort_keys=True)),
        )
    return SaveResult(genome_id, summary, False, len(matches), not has_primary)


# ---- reading back ----------------------------------------------------------------------------

_RECORD_SQL = """
    SELECT g.id, g.document_id, g.format, g.format_label, g.declared_build, g.build, g.build_source,
           g.strand, g.sex, g.x_heterozygosity, g.y_called, g.markers, g.called, g.call_rate,
           g.duplicates, g.skipped, g.sample, g.is_primary, g.imported_at, g.knowledge_version,
           g.warnings, (SELECT count(*) FROM genome_call c WHERE c.genome_id = g.id), d.sha256, d.size
    FROM genome g JOIN document d ON d.id = g.document_id
"""


def _record(row: tuple) -> GenomeRecord:
    values = list(row)
    values[17] = bool(values[17])
    values[20] = tuple(json.loads(values[20]))
    return GenomeRecord(*values)


def list_genomes(session) -> list[GenomeRecord]:
    rows = session.connection.execute(_RECORD_SQL + " ORDER BY g.id").fetchall()
    return [_record(r) for r in rows]


def get_genome(session, genome_id: int) -> GenomeRecord:
    row = session.connection.execute(_RECORD_SQL + " WHERE g.id = ?", (int(genome_id),)).fetchone()
    if row is None:
        raise GenomeNotFound(genome_id)
    return _record(row)


def primary_genome(session) -> GenomeRecord | None:
    row = session.connection.execute(_RECORD_SQL + " WHERE g.is_primary = 1").fetchone()
    return _record(row) if row else None


def set_primary(session, genome_id: int) -> None:
    with session.transaction() as conn:
        if conn.execute("SELECT 1 FROM genome WHERE id = ?", (int(genome_id),)).fetchone() is None:
            raise GenomeNotFound(genome_id)
        conn.execute("UPDATE genome SET is_primary = 0 WHERE is_primary = 1 AND id != ?", (int(genome_id),))
        conn.execute("UPDATE genome SET is_primary = 1 WHERE id = ?", (int(genome_id),))


def delete_genome(session, genome_id: int) -> None:
    """Delete a genome, its calls and (when no other genome uses it) its source file."""
    with session.transaction() as conn:
        row = conn.execute("SELECT document_id, is_primary FROM genome WHERE id = ?", (int(genome_id),)).fetchone()
        if row is None:
            raise GenomeNotFound(genome_id)
        document_id, was_primary = row
        conn.execute("DELETE FROM genome WHERE id = ?", (int(genome_id),))
        if conn.execute("SELECT 1 FROM genome WHERE document_id = ?", (document_id,)).fetchone() is None:
            conn.execute("DELETE FROM document WHERE id = ?", (document_id,))
        if was_primary:
            conn.execute("UPDATE genome SET is_primary = 1 WHERE id = (SELECT min(id) FROM genome)")
        conn.execute(
            "INSERT INTO audit (at, event, actor_role, detail) VALUES (?, ?, ?, ?)",
            (keyslots.now_iso(), "genome_deleted", session.role, json.dumps({"genome_id": int(genome_id)})),
        )


def _chunks(session, genome_id: int, where: str = "", params: tuple = ()) -> Iterator[list[Call]]:
    cursor = session.connection.execute(
        f"SELECT chrom, data FROM genome_chunk WHERE genome_id = ? {where} ORDER BY seq", (int(genome_id), *params)
    )
    encoding = _encoding(session, genome_id)
    for chrom, data in cursor.fetchall():
        yield decode_chunk(data, chrom, encoding)


def iter_calls(session, genome_id: int) -> Iterator[list[Call]]:
    """Every stored call, in the order the file gave them, a chunk at a time."""
    get_genome(session, genome_id)
    yield from _chunks(session, genome_id)


def calls_in_range(session, genome_id: int, chrom: str, start: int, end: int | None = None) -> list[Call]:
    """Calls on ``chrom`` with ``start <= pos <= end`` (on the genome's own build)."""
    end = start if end is None else end
    found = []
    for calls in _chunks(
        session, genome_id, "AND (chrom = ? OR chrom IS NULL) AND first_pos <= ? AND last_pos >= ?", (chrom, end, start)
    ):
        found += [c for c in calls if c[1] == chrom and start <= c[2] <= end]
    return found


def normal_id(marker_id: str) -> str:
    """``RS123`` → ``rs123``; other ids as given."""
    marker_id = marker_id.strip()
    return marker_id.lower() if marker_id[:2].lower() == "rs" and marker_id[2:].isdigit() else marker_id


def knowledge_calls(session, genome_id: int) -> list[Call]:
    """The genome's calls at knowledge-base positions, kept apart at import for instant access."""
    get_genome(session, genome_id)
    rows = session.connection.execute(
        "SELECT marker_id, chrom, pos, genotype FROM genome_call WHERE genome_id = ? ORDER BY id", (int(genome_id),)
    ).fetchall()
    return [tuple(row) for row in rows]  # type: ignore[misc]


def genotypes(session, genome_id: int, marker_ids: Iterable[str]) -> dict[str, Call | None]:
    """The call for each marker id (``rs…``, vendor ids; each part of a VCF ``a;b`` id), or None.

    The knowledge-base calls (``genome_call``) answer at once; other ids scan the chunks.
    """
    wanted = {normal_id(m): m for m in marker_ids}
    result: dict[str, Call | None] = {original: None for original in wanted.values()}
    if not wanted:
        return result
    rows = knowledge_calls(session, genome_id)
    missing = dict(wanted)
    for row in rows:
        for part in row[0].split(";"):
            if part in missing:
                result[missing.pop(part)] = tuple(row)  # type: ignore[assignment]
    if not missing:
        return result
    needles = {key: key.encode("utf-8") for key in missing}
    encoding = _encoding(session, genome_id)
    for chrom, data in session.connection.execute(
        "SELECT chrom, data FROM genome_chunk WHERE genome_id = ? ORDER BY seq", (int(genome_id),)
    ).fetchall():
        raw = _inflate(data, encoding)
        if not any(needle in raw for needle in needles.values()):
            continue
        for call in _decode_raw(raw, chrom):
            mid = call[0]
            key = mid if mid in missing else next((p for p in mid.split(";") if p in missing), None) if ";" in mid else None
            if key is not None:
                result[missing.pop(key)] = call
                needles.pop(key, None)
                if not missing:
                    return result
    return result


def document_bytes(session, document_id: int) -> bytes:
    """The imported file's bytes as they were (for recomputing results, and for tests)."""
    row = session.connection.execute("SELECT compression FROM document WHERE id = ?", (int(document_id),)).fetchone()
    if row is None:
        raise DamagedFile("vault.db", "a document is missing")
    blocks = session.connection.execute(
        "SELECT data FROM document_chunk WHERE document_id = ? ORDER BY seq", (int(document_id),)
    ).fetchall()
    if row[0] == "zlib":
        return b"".join(zlib.decompress(b[0]) for b in blocks)
    return b"".join(b[0] for b in blocks)


"""Genome storage in the vault: round trip, dedupe, all-or-nothing, primary rules, lookups."""
from __future__ import annotations

import gzip
import hashlib
import json
import random
import uuid

import pytest

from companion.genome import store as gstore
from companion.genome.errors import GenomeImportCancelled, GenomeImportError
from companion.genome.model import SourceInfo
from companion.genome.store import (
    GenomeNotFound,
    calls_in_range,
    delete_genome,
    document_bytes,
    genotypes,
    get_genome,
    iter_calls,
    list_genomes,
    primary_genome,
    save_genome,
    set_primary,
)
from companion.vault.errors import ReadOnlyAccess
from tests.conftest import PASSPHRASE
from tests.unit.genome_store.fakes import FakeStream, Token, write_23andme
from tests.unit.test_store import _hits
from tests.unit.vaultkit import make_profile, unlock

TABLES = ("document", "document_chunk", "genome", "genome_chunk", "genome_call", "audit")

# Knowledge-base positions (resources/knowledge/pgx/positions.tsv): rsID and GRCh38 position.
SLCO1B1 = ("rs4149056", "12", 21178615)
CYP2C19 = ("rs12248560", "10", 94761900)
G6PD_NO_RSID = ("X", 154532046)


def sample_calls(n: int = 40, seed: int = 1) -> list:
    rng = random.Random(seed)
    calls = []
    pos = 1000
    for i in range(n):
        chrom = ["1", "1", "2", "X", "MT"][min(4, i * 5 // n)]
        pos += rng.randint(1, 500)
        gt = rng.choice(["A/A", "A/G", "G/G", "", "C/T"]) if chrom != "MT" else rng.choice(["A", "G", ""])
        mid = f"rs{1000 + i}" if i % 7 else f"i{700000 + i}"
        calls.append((mid, chrom, pos, gt))
    calls.insert(5, (SLCO1B1[0], "12", 21331549, "T/C"))  # a GRCh37 position, matched by rsID
    calls.insert(9, ("rs55", "3", 500, "A/T"))
    return calls


def counts(session) -> dict[str, int]:
    conn = session.connection
    return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}



def test_calls_round_trip_through_chunks_in_file_order(session, inputs, monkeypatch):
    monkeypatch.setattr(gstore, "CHUNK_CALLS", 6)  # many chunks, split inside batches
    calls = sample_calls(60)
    calls[20:26] = [("rs9" + str(i), c, 100 + i, "A/C") for i, c in enumerate("X1X2X1")]  # unsorted run
    path = write_23andme(inputs / "a.txt", calls)
    result = save_genome(session, path, FakeStream(calls, batch_size=13))
    assert not result.already_imported and result.is_primary
    stored = [c for chunk in iter_calls(session, result.genome_id) for c in chunk]
    assert stored == calls
    rows = session.connection.execute(
        "SELECT chrom, first_pos, last_pos, n FROM genome_chunk WHERE genome_id = ? ORDER BY seq", (result.genome_id,)
    ).fetchall()
    assert sum(r[3] for r in rows) == len(calls) and max(r[3] for r in rows) <= 6
    assert any(r[0] is None for r in rows) or len(rows) > len(calls) // 6  # single-chrom runs, maybe mixed
    for chrom, first, last, _n in rows:
        assert first <= last
    record = get_genome(session, result.genome_id)
    assert (record.format, record.format_label, record.build, record.sex) == ("23andme", "23andMe", 37, "female")
    assert record.markers == len(calls) and record.warnings == ("a warning",)
    assert record.sha256 == hashlib.sha256(path.read_bytes()).hexdigest() and record.size == path.stat().st_size
    assert document_bytes(session, record.document_id) == path.read_bytes()
    assert session.connection.execute("SELECT compression FROM document").fetchone()[0] == "zlib"


def test_mixed_chromosome_batches_become_mixed_chunks(session, inputs, monkeypatch):
    monkeypatch.setattr(gstore, "MAX_RUNS_PER_BATCH", 2)
    calls = [(f"rs{i}", ["1", "2", "3"][i % 3], 10 + i, "A/A") for i in range(1, 30)]
    path = write_23andme(inputs / "m.txt", calls)
    gid = save_genome(session, path, FakeStream(calls, batch_size=10)).genome_id
    chroms = {r[0] for r in session.connection.execute("SELECT chrom FROM genome_chunk")}
    assert chroms == {None}
    assert [c for chunk in iter_calls(session, gid) for c in chunk] == calls
    assert calls_in_range(session, gid, "2", 11, 20) == [c for c in calls if c[1] == "2" and 11 <= c[2] <= 20]


def test_a_compressed_file_is_kept_as_it_is(session, inputs):
    calls = sample_calls()
    plain = write_23andme(inputs / "p.txt", calls)
    path = inputs / "p.txt.gz"
    path.write_bytes(gzip.compress(plain.read_bytes()))
    gid = save_genome(session, path, FakeStream(calls)).genome_id
    record = get_genome(session, gid)
    assert session.connection.execute("SELECT compression FROM document").fetchone()[0] == "none"
    assert document_bytes(session, record.document_id) == path.read_bytes()


def test_large_files_are_kept_in_4_mib_chunks(session, inputs):
    calls = sample_calls()
    path = write_23andme(inputs / "big.txt", calls)
    with open(path, "a", encoding="utf-8") as handle:  # comment padding: 9 MiB, 3 chunks
        handle.write(("# " + "x" * 1021 + "\n") * 9 * 1024)
    gid = save_genome(session, path, FakeStream(calls)).genome_id
    document_id = get_genome(session, gid).document_id
    assert session.connection.execute("SELECT count(*) FROM document_chunk").fetchone()[0] == 3
    assert document_bytes(session, document_id) == path.read_bytes()


def test_the_same_file_twice_is_recognised_and_writes_nothing(session, inputs):
    calls = sample_calls()
    path = write_23andme(inputs / "g.txt", calls)
    first = save_genome(session, path, FakeStream(calls))
    before = counts(session)
    copy = inputs / "renamed copy.txt"
    copy.write_bytes(path.read_bytes())
    again = FakeStream(calls)
    second = save_genome(session, copy, again)
    assert second.already_imported and second.genome_id == first.genome_id
    assert second.summary.markers == first.summary.markers and second.annotated == first.annotated
    assert counts(session) == before
    assert not again.consumed, "a known file is not parsed again"


def test_another_sample_of_the_same_file_shares_its_document(session, inputs):
    calls = sample_calls()
    path = write_23andme(inputs / "multi.vcf", calls)
    vcf = lambda s: SourceInfo("vcf", "VCF", 38, samples=("NA1", "NA2"), sample=s)  # noqa: E731
    one = save_genome(session, path, FakeStream(calls, info=vcf("NA1"), build=38))
    two = save_genome(session, path, FakeStream(calls, info=vcf("NA2"), build=38))
    again = save_genome(session, path, FakeStream(calls, info=vcf("NA2"), build=38))
    assert one.genome_id != two.genome_id and again.already_imported and again.genome_id == two.genome_id
    assert counts(session)["document"] == 1
    assert [g.sample for g in list_genomes(session)] == ["NA1", "NA2"]


@pytest.mark.parametrize("where", ["first batch", "mid-stream"])
def test_an_error_mid_stream_leaves_the_vault_unchanged(session, inputs, where):
    calls = sample_calls()
    kept = write_23andme(inputs / "kept.txt", calls[:10])
    save_genome(session, kept, FakeStream(calls[:10]))
    before = counts(session)
    path = write_23andme(inputs / "bad.txt", calls)
    with pytest.raises(GenomeImportError, match="line"):
        save_genome(session, path, FakeStream(calls, fail_after=0 if where == "first batch" else 3))
    assert counts(session) == before
    assert [g.markers for g in list_genomes(session)] == [10]


@pytest.mark.parametrize("when", ["while reading", "while writing"])
def test_cancel_leaves_the_vault_unchanged(session, inputs, monkeypatch, when):
    before = counts(session)
    calls = sample_calls()
    path = write_23andme(inputs / "c.txt", calls)
    token = Token()
    if when == "while reading":
        stream = FakeStream(calls, on_batch=lambda n: setattr(token, "cancelled", n >= 2))
    else:  # cancelled after every row was inserted, before the commit
        stream = FakeStream(calls)
        conn = session.connection
        real = conn.executemany

        def executemany(sql, rows):
            if "INSERT INTO genome_call" in sql:
                token.cancelled = True
            return real(sql, rows)

        monkeypatch.setattr(conn, "executemany", executemany)
    with pytest.raises(GenomeImportCancelled):
        save_genome(session, path, stream, cancel=token)
    assert counts(session) == before


def test_a_failing_write_leaves_the_vault_unchanged(session, inputs, monkeypatch):
    from companion.vault.errors import DiskFull

    before = counts(session)
    calls = sample_calls()
    conn = session.connection
    real = conn.execute

    def execute(sql, params=()):
        if "INSERT INTO audit" in sql:
            raise DiskFull()
        return real(sql, params)

    monkeypatch.setattr(conn, "execute", execute)
    with pytest.raises(DiskFull):
        save_genome(session, write_23andme(inputs / "d.txt", calls), FakeStream(calls))
    monkeypatch.undo()
    assert counts(session) == before


def test_a_caregiver_cannot_import(store, profile, inputs):
    with unlock(store, profile) as owner:
        owner.add_caregiver(PASSPHRASE, "Maria", "violet kettle mountain harbour")
    from companion.vault.secrets_input import Secret

    calls = sample_calls()
    path = write_23andme(inputs / "g.txt", calls)
    with store.unlock(profile.id, Secret.passphrase("violet kettle mountain harbour")) as caregiver:
        before = counts(caregiver)
        with pytest.raises(ReadOnlyAccess):
            save_genome(caregiver, path, FakeStream(calls))
        assert counts(caregiver) == before


def test_first_genome_is_primary_and_primary_moves(session, inputs):
    ids = []
    for n in (10, 20, 30):
        calls = sample_calls(n, seed=n)
        ids.append(save_genome(session, write_23andme(inputs / f"{n}.txt", calls), FakeStream(calls)).genome_id)
    assert [g.is_primary for g in list_genomes(session)] == [True, False, False]
    set_primary(session, ids[2])
    assert primary_genome(session).id == ids[2]
    assert [g.is_primary for g in list_genomes(session)] == [False, False, True]
    with pytest.raises(GenomeNotFound):
        set_primary(session, 999)
    delete_genome(session, ids[2])  # the primary goes: the oldest remaining one takes over
    assert [(g.id, g.is_primary) for g in list_genomes(session)] == [(ids[0], True), (ids[1], False)]
    delete_genome(session, ids[0])
    delete_genome(session, ids[1])
    assert list_genomes(session) == [] and primary_genome(session) is None
    left = counts(session)
    assert all(left[t] == 0 for t in TABLES if t != "audit")
    with pytest.raises(GenomeNotFound):
        delete_genome(session, ids[0])


def test_lookup_by_rsid_and_by_position(session, inputs):
    calls = sample_calls()
    path = write_23andme(inputs / "g.txt", calls)
    result = save_genome(session, path, FakeStream(calls))
    assert result.annotated == 1  # rs4149056, by rsID on build 37
    stored = session.connection.execute("SELECT marker_id, chrom, pos, genotype FROM genome_call").fetchall()
    assert stored == [(SLCO1B1[0], "12", 21331549, "T/C")]
    found = genotypes(session, result.genome_id, ["RS4149056", "rs55", "i700000", "rs1", "rs1008"])
    assert found == {
        "RS4149056": (SLCO1B1[0], "12", 21331549, "T/C"),
        "rs55": ("rs55", "3", 500, "A/T"),
        "i700000": calls[0],
        "rs1": None,
        "rs1008": next(c for c in calls if c[0] == "rs1008"),
    }
    one = calls[12]
    assert calls_in_range(session, result.genome_id, one[1], one[2]) == [one]
    assert calls_in_range(session, result.genome_id, "22", 1, 10**9) == []
    span = [c for c in calls if c[1] == "1" and 1000 <= c[2] <= 4000]
    assert calls_in_range(session, result.genome_id, "1", 1000, 4000) == span
    with pytest.raises(GenomeNotFound):
        genotypes(session, 42, ["rs1"])


def test_grch38_genomes_are_annotated_by_position_too(session, inputs):
    calls = [
        ("", "10", CYP2C19[2], "C/T"),  # no id: matched by position
        ("rs1;rs12248560x", "X", 5, "A"),
        ("rs77;" + SLCO1B1[0], "12", 21178615, "T/T"),  # multi-id VCF marker
        ("", "X", G6PD_NO_RSID[1], "A"),  # a position with no rsID at all
        ("", "11", CYP2C19[2], "C/C"),  # right number, wrong chromosome
    ]
    vcf = SourceInfo("vcf", "VCF", 38, samples=("S",), sample="S")
    path = write_23andme(inputs / "w.txt", calls, build=38)
    gid = save_genome(session, path, FakeStream(calls, info=vcf, build=38)).genome_id
    matched = session.connection.execute("SELECT marker_id, chrom, pos FROM genome_call ORDER BY id").fetchall()
    assert matched == [("", "10", CYP2C19[2]), ("rs77;rs4149056", "12", 21178615), ("", "X", G6PD_NO_RSID[1])]
    assert genotypes(session, gid, [SLCO1B1[0]])[SLCO1B1[0]] == calls[2]
    # The same calls on build 37: position numbers mean nothing there, only the rsID counts.
    path37 = write_23andme(inputs / "w37.txt", calls, build=37)
    gid37 = save_genome(session, path37, FakeStream(calls, info=vcf, build=37)).genome_id
    assert get_genome(session, gid37).annotated == 1


def test_audit_records_counts_only(session, inputs):
    calls = sample_calls()
    path = write_23andme(inputs / "my-genome.txt", calls)
    gid = save_genome(session, path, FakeStream(calls)).genome_id
    event = session.audit_events(1)[0]
    assert event.event == "genome_imported"
    assert event.detail == {"genome_id": gid, "markers": len(calls), "called": get_genome(session, gid).called,
                            "annotated": 1, "chunks": event.detail["chunks"]}  # fmt: skip
    assert all(isinstance(v, int) for v in event.detail.values())


def test_no_file_name_and_no_marker_in_plaintext(store, sandbox, inputs):
    profile = make_profile(store, "Canary")
    tag = uuid.uuid4().hex[:10]
    name = f"genome-CANARY-{tag}.txt"
    marker = f"rs99{int(tag, 16) % 10**12:012d}"
    calls = sample_calls()
    calls.insert(3, (marker, "7", 117559590, "A/G"))
    path = write_23andme(inputs / name, calls)
    assert not path.is_relative_to(sandbox)
    with unlock(store, profile) as session:
        gid = save_genome(session, path, FakeStream(calls)).genome_id
        assert genotypes(session, gid, [marker])[marker] == calls[3]
        # Not in any column of any table (the database's own view, decrypted) ...
        for table in [r[0] for r in session.connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]:
            for row in session.connection.execute(f"SELECT * FROM {table}").fetchall():
                text = json.dumps([c if not isinstance(c, bytes) else c.hex() for c in row])
                assert name not in text and "CANARY" not in text and tag not in text, table
        assert _hits(sandbox, name) == [] and _hits(sandbox, marker) == [], "plaintext while unlocked"
    # ... and not in any file under the sandbox, in any encoding.
    assert _hits(sandbox, name) == []
    assert _hits(sandbox, marker) == []
    assert _hits(sandbox, f"CANARY-{tag}") == []


def test_file_that_cannot_be_read_is_an_import_error(session, inputs):
    with pytest.raises(GenomeImportError, match="missing.txt"):
        save_genome(session, inputs / "missing.txt", FakeStream([]))


def test_a_header_saying_37_on_a_grch38_file_still_gets_position_matches(session, inputs):
    calls = [("rs1", "1", 5, "A/A"), ("", "10", CYP2C19[2], "C/T"), ("rs4149056", "12", 21178615, "T/T")]
    path = write_23andme(inputs / "lied.txt", calls)
    info = SourceInfo("23andme", "23andMe", 37)  # the summary says 38 (detected from positions)
    gid = save_genome(session, path, FakeStream(calls, info=info, build=38)).genome_id
    matched = session.connection.execute("SELECT marker_id, pos FROM genome_call ORDER BY id").fetchall()
    assert sorted(matched) == sorted([("", CYP2C19[2]), ("rs4149056", 21178615)])
    assert get_genome(session, gid).annotated == 2


def test_chunks_written_with_the_first_encoding_stay_readable(session, inputs, monkeypatch):
    # Genomes imported before zstd (chunk encoding 1, zlib) must read exactly as new ones do.
    import zlib

    calls = sample_calls(40)
    path = write_23andme(inputs / "old.txt", calls)
    monkeypatch.setattr(gstore, "CHUNK_ENCODING", 1)
    monkeypatch.setattr(gstore, "_compress_chunk", lambda payload: zlib.compress(payload, 1))
    old = save_genome(session, path, FakeStream(calls, batch_size=13))
    monkeypatch.undo()
    assert session.connection.execute(
        "SELECT chunk_encoding FROM genome WHERE id = ?", (old.genome_id,)).fetchone()[0] == 1
    assert [c for chunk in iter_calls(session, old.genome_id) for c in chunk] == calls
    marker = calls[17][0]
    assert genotypes(session, old.genome_id, [marker])[marker] == calls[17]
    raw = session.connection.execute("SELECT data FROM genome_chunk WHERE genome_id = ?", (old.genome_id,)).fetchone()[0]
    assert zlib.decompress(raw)  # really zlib, not zstd
    with pytest.raises(gstore.DamagedFile):
        gstore.decode_chunk(raw, None, 7)

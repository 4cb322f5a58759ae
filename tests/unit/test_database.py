"""The SQLCipher file: raw-key invariants (A9), tampering and truncation (B1-B4), read-only
folders (B5), SQLite disk full (C7), the driver guard (G9) and the plaintext guard (G10)."""
from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import sqlcipher3

from companion.vault import db
from companion.vault.db import check_driver, open_database
from companion.vault.errors import (
    DamagedFile,
    DiskFull,
    EncryptionUnavailable,
    FolderNotWritable,
    ForbiddenStatement,
    MissingKeyFile,
    VaultError,
)
from companion.vault.kdf import FLOOR, KdfPolicy
from companion.vault.keyring import KeyRing
from companion.vault.secrets_input import Secret
from companion.vault.store import ProfileStore
from tests.conftest import companion_cmd
from tests.unit.vaultkit import (
    PASSPHRASE,
    data_key,
    flip,
    folder_state,
    grow_database,
    make_profile,
    sha256,
    unlock,
)

PAGE = 4096


# ---- A9 -----------------------------------------------------------------------------------

def test_database_file_is_encrypted_with_the_raw_key_only(store):
    profile = make_profile(store)
    before = folder_state(profile.folder)
    assert profile.vault.read_bytes()[:16] != b"SQLite format 3\x00"

    plain = sqlite3.connect(profile.vault)
    try:
        with pytest.raises(sqlite3.DatabaseError, match="file is not a database"):
            plain.execute("SELECT count(*) FROM sqlite_master").fetchall()
    finally:
        plain.close()

    for key in (os.urandom(32).hex(), None):
        raw = sqlcipher3.connect(str(profile.vault))
        try:
            if key is None:  # the passphrase itself as a SQLCipher passphrase key
                raw.execute("PRAGMA key = 'correct horse battery staple'")
            else:
                raw.execute(f"PRAGMA key = \"x'{key}'\"")
            with pytest.raises(sqlcipher3.DatabaseError, match="file is not a database"):
                raw.execute("SELECT count(*) FROM sqlite_master").fetchall()
        finally:
            raw.close()

    with pytest.raises(DamagedFile, match="vault.db"):
        open_database(profile.vault, os.urandom(32).hex())
    assert folder_state(profile.folder) == before

    ring = KeyRing(data_key(profile))
    assert ring.sqlcipher_key_hex() != bytes(ring.data_key()).hex()  # a sub-key, not the DEK


def test_cipher_settings_and_pragmas(store):
    profile = make_profile(store)
    with unlock(store, profile) as session:
        conn = session.connection

        def pragma(name: str) -> str:
            return str(conn.execute(f"PRAGMA {name}").fetchone()[0])

        assert pragma("cipher_version").startswith("4.")
        assert pragma("cipher_page_size") == "4096"
        assert pragma("cipher_hmac_algorithm") == "HMAC_SHA512"
        assert pragma("journal_mode") == "wal"
        assert pragma("synchronous") == "2"  # FULL
        assert pragma("temp_store") == "2"  # MEMORY
        assert pragma("secure_delete") == "1"
        assert pragma("foreign_keys") == "1"
        assert pragma("trusted_schema") == "0"
        assert int(pragma("busy_timeout")) >= 1000
        with pytest.raises(ForbiddenStatement):  # even reading it goes through the guard
            pragma("cipher_plaintext_header_size")

    # The file itself, read with the key and nothing else: SQLCipher 4 defaults, no plaintext header.
    raw = sqlcipher3.connect(str(profile.vault))
    try:
        raw.execute(f"PRAGMA key = \"x'{KeyRing(data_key(profile)).sqlcipher_key_hex()}'\"")
        assert raw.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] >= 3
        settings = {
            name: str(raw.execute(f"PRAGMA {name}").fetchone()[0])
            for name in ("cipher_page_size", "cipher_hmac_algorithm", "cipher_plaintext_header_size", "cipher_kdf_algorithm")
        }
    finally:
        raw.close()
    assert settings == {
        "cipher_page_size": "4096",
        "cipher_hmac_algorithm": "HMAC_SHA512",
        "cipher_plaintext_header_size": "0",
        "cipher_kdf_algorithm": "PBKDF2_HMAC_SHA512",
    }
    assert settings.items() >= db.EXPECTED_CIPHER_SETTINGS.items()


# ---- B1 -----------------------------------------------------------------------------------

@pytest.mark.parametrize("where", ["first", "middle", "last"])
@pytest.mark.parametrize("in_page", [2000, PAGE - 10], ids=["content", "page-mac"])
def test_flipped_byte_in_a_page_is_damage_and_nothing_is_written(store, monkeypatch, where, in_page):
    profile = make_profile(store)
    pages = grow_database(store, profile)
    assert pages > 40
    page = {"first": 0, "middle": pages // 2, "last": pages - 1}[where]
    flip(profile.vault, page * PAGE + in_page)
    before = folder_state(profile.folder)

    with pytest.raises(DamagedFile) as caught:
        unlock(store, profile)

    assert "vault.db is damaged or was altered" in str(caught.value)
    assert folder_state(profile.folder) == before


# ---- B2 -----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "new_size",
    [
        lambda n: 0,
        lambda n: PAGE,
        lambda n: 2 * PAGE,
        lambda n: (n // 2) * PAGE,
        lambda n: (n - 1) * PAGE,
        lambda n: 100,
        lambda n: PAGE + 904,
        lambda n: n * PAGE - 100,
    ],
    ids=["0", "1-page", "2-pages", "half", "all-but-one", "100-bytes", "5000-bytes", "minus-100"],
)
def test_truncated_database_is_damage_and_nothing_is_written(store, new_size):
    profile = make_profile(store)
    pages = grow_database(store, profile)
    size = new_size(pages)
    with open(profile.vault, "r+b") as handle:
        handle.truncate(size)
    before = folder_state(profile.folder)

    with pytest.raises(DamagedFile) as caught:
        unlock(store, profile)

    assert "vault.db" in str(caught.value)
    assert folder_state(profile.folder) == before
    assert profile.vault.stat().st_size == size


# ---- B3 -----------------------------------------------------------------------------------

def _pad(batch: int, n: int) -> bytes:
    return hashlib.sha256(f"{batch}/{n}".encode()).digest() * 16


def _write_batches(session, batches: range) -> None:
    for batch in batches:
        with session.transaction() as conn:
            conn.executemany(
                "INSERT INTO t (batch, n, pad) VALUES (?, ?, ?)", [(batch, n, _pad(batch, n)) for n in range(10)]
            )


@pytest.fixture
def crashed_copy(store, sandbox):
    """A profile whose last 20 commits live only in its -wal, copied while the writer had it open.

    Batch 0 is checkpointed into vault.db; batches 1..20 are WAL frames.
    """
    profile = make_profile(store)
    with unlock(store, profile) as session:
        session.connection.execute("PRAGMA wal_autocheckpoint = 0")
        with session.transaction() as conn:
            conn.execute("CREATE TABLE t (batch INTEGER, n INTEGER, pad BLOB)")
        _write_batches(session, range(0, 1))
        session.connection.checkpoint()
        _write_batches(session, range(1, 21))
        wal = profile.folder / "vault.db-wal"
        assert wal.stat().st_size > 20 * PAGE
        snapshot = {name: (profile.folder / name).read_bytes() for name in ("keyslots.json", "vault.db", "vault.db-wal")}

    counter = iter(range(1000))

    def make(wal_bytes: bytes | None = None) -> tuple[ProfileStore, Path]:
        home = sandbox / f"copy{next(counter)}"
        folder = home / "profiles" / profile.id
        folder.mkdir(parents=True)
        for name, data in snapshot.items():
            (folder / name).write_bytes(data)
        if wal_bytes is not None:
            (folder / "vault.db-wal").write_bytes(wal_bytes)
        return ProfileStore(home, KdfPolicy(target=FLOOR)), folder

    make.profile = profile  # type: ignore[attr-defined]
    make.wal = snapshot["vault.db-wal"]  # type: ignore[attr-defined]
    return make


def _batches_if_opened(copy_store: ProfileStore, profile_id: str) -> list[int] | None:
    """The batches a copy opens with (checked complete and unmixed), or None if refused as damaged."""
    try:
        session = copy_store.unlock(profile_id, Secret.passphrase(PASSPHRASE))
    except DamagedFile:
        return None
    with session:
        assert session.verify().ok
        rows = session.connection.execute("SELECT batch, n, pad FROM t ORDER BY batch, n").fetchall()
    batches = sorted({r[0] for r in rows})
    assert batches == list(range(len(batches))), "a gap: commits applied out of order"
    for batch, n, pad in rows:
        assert pad == _pad(batch, n), "mixed content"
    assert len(rows) == 10 * len(batches), "a half-applied commit"
    return batches


def test_intact_wal_of_a_crashed_writer_is_replayed(crashed_copy):
    copy_store, _ = crashed_copy()
    assert _batches_if_opened(copy_store, crashed_copy.profile.id) == list(range(21))


@pytest.mark.parametrize("offset", [10, 40, 32 + 24 + 100, "middle", "last-frame"])
def test_corrupted_wal_opens_the_last_good_state_or_is_refused(crashed_copy, offset):
    wal = bytearray(crashed_copy.wal)
    position = {"middle": len(wal) // 2, "last-frame": len(wal) - 100}.get(offset, offset)
    wal[position] ^= 0x01
    copy_store, folder = crashed_copy(bytes(wal))

    batches = _batches_if_opened(copy_store, crashed_copy.profile.id)

    if batches is None:  # refused: nothing may have been changed
        assert (folder / "vault.db-wal").read_bytes() == bytes(wal)
    else:
        assert batches[:1] == [0], "the checkpointed commit was lost"
        assert len(batches) <= 21


def test_foreign_wal_is_refused_and_leaves_both_files_alone(crashed_copy, home):
    other_store = ProfileStore(home.parent / "other-home", KdfPolicy(target=FLOOR))
    other = make_profile(other_store, "Bob")
    with unlock(other_store, other) as session:
        session.connection.execute("PRAGMA wal_autocheckpoint = 0")
        with session.transaction() as conn:
            conn.execute("CREATE TABLE t (batch INTEGER, n INTEGER, pad BLOB)")
        _write_batches(session, range(99, 101))
        foreign_wal = (other.folder / "vault.db-wal").read_bytes()
    copy_store, folder = crashed_copy(foreign_wal)
    before = folder_state(folder, exclude={"vault.db-shm", ".lock"})

    batches = _batches_if_opened(copy_store, crashed_copy.profile.id)

    if batches is None:
        # The refused open must not have checkpointed the foreign frames into vault.db.
        assert folder_state(folder, exclude={"vault.db-shm", ".lock"}) == before
        (folder / "vault.db-wal").unlink()
        (folder / "vault.db-shm").unlink(missing_ok=True)
        assert _batches_if_opened(copy_store, crashed_copy.profile.id) == [0]
    else:
        assert 99 not in batches


# ---- B4 -----------------------------------------------------------------------------------

def _garbage_keyslots(folder: Path) -> None:
    (folder / "keyslots.json").write_bytes(b"{}\n")


def _half_keyslots(folder: Path) -> None:
    data = (folder / "keyslots.json").read_bytes()
    (folder / "keyslots.json").write_bytes(data[: len(data) // 2])


def _not_a_database(folder: Path) -> None:
    (folder / "vault.db").write_bytes(os.urandom(5 * PAGE))


def _plain_sqlite(folder: Path) -> None:
    (folder / "vault.db").unlink()
    conn = sqlite3.connect(folder / "vault.db")
    conn.execute("CREATE TABLE meta (key TEXT, value TEXT)")
    conn.commit()
    conn.close()


def _empty_database(folder: Path) -> None:
    (folder / "vault.db").write_bytes(b"")


def _missing_database(folder: Path) -> None:
    (folder / "vault.db").unlink()


@pytest.mark.parametrize(
    "damage",
    [_garbage_keyslots, _half_keyslots, _not_a_database, _plain_sqlite, _empty_database, _missing_database],
    ids=lambda f: f.__name__.strip("_"),
)
def test_failed_open_never_recreates_or_deletes_anything(store, home, damage):
    profile = make_profile(store)
    damage(profile.folder)
    before = folder_state(home)

    with pytest.raises(VaultError) as caught:
        unlock(store, profile)

    assert isinstance(caught.value, (DamagedFile, MissingKeyFile)), repr(caught.value)
    assert folder_state(home) == before


# ---- B5 -----------------------------------------------------------------------------------

def _run_as_nobody(argv: list[str], env: dict[str, str], stdin: bytes, cwd: Path) -> subprocess.CompletedProcess:
    def demote() -> None:
        os.setgid(65534)
        os.setuid(65534)

    return subprocess.run(argv, input=stdin, capture_output=True, env=env, cwd=cwd, preexec_fn=demote, timeout=60)


@pytest.mark.parametrize("lock_file", [True, False], ids=["with-lock-file", "no-lock-file"])
def test_read_only_profile_folder_is_a_clear_error_and_writes_nothing(lock_file, sandbox):
    if os.geteuid() != 0:
        pytest.skip("covered by test_read_only_profile_folder_in_process when not root")
    # Root ignores permission bits, so the command runs as 'nobody' on a folder it owns but
    # cannot write; the base folder is outside the root-only pytest temp tree.
    base = Path(tempfile.mkdtemp(prefix="companion-ro-", dir="/tmp"))
    try:
        os.chmod(base, 0o711)
        home = base / "companion"
        profile = make_profile(ProfileStore(home, KdfPolicy(target=FLOOR)))
        if not lock_file:
            (profile.folder / ".lock").unlink()
        for root, dirs, files in os.walk(base):
            for name in dirs + files:
                os.chown(os.path.join(root, name), 65534, 65534)
        (base / "home").mkdir(mode=0o700)
        os.chown(base / "home", 65534, 65534)
        env = dict(os.environ, COMPANION_HOME=str(home), HOME=str(base / "home"), TMPDIR=str(base / "home"))
        probe = _run_as_nobody([sys.executable, "-c", "import companion.vault.store"], env, b"", base)
        if probe.returncode != 0:
            pytest.skip("an unprivileged user cannot run this Python here")
        os.chmod(profile.folder, 0o500)
        before = folder_state(base)

        result = _run_as_nobody(
            [*companion_cmd(), "profile", "verify", "Alice", "--passphrase-file", "-"],
            env,
            PASSPHRASE.encode(),
            base,
        )

        stderr = result.stderr.decode()
        assert result.returncode == 1, stderr
        assert stderr.count("\n") == 1 and stderr.startswith("companion: error:"), stderr
        assert "cannot be written" in stderr
        assert "Traceback" not in stderr
        assert folder_state(base) == before
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_read_only_profile_folder_in_process(store):
    if os.geteuid() == 0:
        pytest.skip("root ignores permission bits; the 'nobody' subprocess test covers this")
    profile = make_profile(store)
    (profile.folder / ".lock").unlink()
    before = folder_state(profile.folder)
    os.chmod(profile.folder, 0o500)
    try:
        with pytest.raises(FolderNotWritable, match="cannot be written"):
            unlock(store, profile)
    finally:
        os.chmod(profile.folder, 0o700)
    assert folder_state(profile.folder) == before


# ---- C7 -----------------------------------------------------------------------------------

def test_sqlite_disk_full_rolls_back_and_the_vault_keeps_working(store):
    profile = make_profile(store)
    with unlock(store, profile) as session:
        conn = session.connection
        with session.transaction() as tx:
            tx.execute("CREATE TABLE filler (x BLOB)")
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages + 3}")

        with pytest.raises(DiskFull) as caught:
            with session.transaction() as tx:
                tx.execute("INSERT INTO filler VALUES (?)", (b"small",))
                tx.execute("INSERT INTO filler VALUES (?)", (os.urandom(60_000),))

        assert "disk is full" in str(caught.value)
        assert conn.execute("SELECT count(*) FROM filler").fetchone()[0] == 0, "not rolled back"
        assert session.verify().ok
        with session.transaction() as tx:
            tx.execute("INSERT INTO filler VALUES (?)", (b"x" * 100,))
        conn.execute("PRAGMA max_page_count = 1000000")  # space comes back
        with session.transaction() as tx:
            tx.execute("INSERT INTO filler VALUES (?)", (os.urandom(60_000),))
    with unlock(store, profile) as session:
        assert session.verify().ok
        assert session.connection.execute("SELECT count(*) FROM filler").fetchone()[0] == 2


# ---- G9 -----------------------------------------------------------------------------------

def test_driver_guard_refuses_plain_sqlite():
    with pytest.raises(EncryptionUnavailable, match="refusing to start"):
        check_driver(sqlite3)


def test_driver_guard_accepts_sqlcipher():
    version = check_driver(sqlcipher3)
    assert version.startswith("4.")


class _DriverWithout:
    """sqlcipher3 with one answer changed."""

    DatabaseError = sqlcipher3.DatabaseError

    def __init__(self, drop_compile_option: str | None = None, fail: bool = False) -> None:
        self.drop, self.fail = drop_compile_option, fail

    def connect(self, *args, **kwargs):
        if self.fail:
            raise OSError("cannot load the library")
        real = sqlcipher3.connect(*args, **kwargs)
        drop = self.drop

        class Conn:
            def execute(self, sql, *a):
                cursor = real.execute(sql, *a)
                if sql == "PRAGMA compile_options":
                    return _Rows([r for r in cursor.fetchall() if r[0] != drop])
                return cursor

            def close(self):
                real.close()

        return Conn()


class _Rows:
    def __init__(self, rows):
        self.rows = rows

    def fetchall(self):
        return self.rows


def test_driver_guard_refuses_on_disk_temp_store_and_broken_driver():
    with pytest.raises(EncryptionUnavailable, match="temp"):
        check_driver(_DriverWithout("TEMP_STORE=2"))  # type: ignore[arg-type]
    with pytest.raises(EncryptionUnavailable):
        check_driver(_DriverWithout(fail=True))  # type: ignore[arg-type]


def test_store_refuses_to_create_a_profile_without_sqlcipher(store, home, monkeypatch):
    monkeypatch.setattr(db, "driver", sqlite3)
    with pytest.raises(EncryptionUnavailable):
        store.create("Alice", PASSPHRASE)
    root = home / "profiles"
    assert not root.exists() or not any(root.iterdir())


# ---- G10 ----------------------------------------------------------------------------------

FORBIDDEN = [
    "ATTACH DATABASE '{x}' AS p KEY ''",
    'attach database "{x}" as p key ""',
    "ATTACH '{x}' AS p",
    "SELECT sqlcipher_export('p')",
    "PRAGMA rekey = ''",
    "PRAGMA p.rekey=''",
    "PRAGMA cipher_plaintext_header_size = 32",
    "VACUUM INTO '{x}'",
]


@pytest.mark.parametrize("template", FORBIDDEN)
def test_plaintext_statements_are_refused(store, sandbox, monkeypatch, template):
    profile = make_profile(store)
    monkeypatch.chdir(sandbox / "tmp")
    target = sandbox / "tmp" / "x.db"
    sql = template.format(x=target)
    with unlock(store, profile) as session:
        conn = session.connection
        with pytest.raises(ForbiddenStatement, match="unencrypted"):
            conn.execute(sql)
        with pytest.raises(ForbiddenStatement):
            conn.executemany(sql, [()])
        with pytest.raises(ForbiddenStatement):
            with session.transaction() as tx:
                tx.execute(sql)
        with pytest.raises(ForbiddenStatement):
            conn.rekey_raw("")
        assert conn.execute("PRAGMA database_list").fetchall()[-1][1] == "main"
        assert session.verify().ok
    assert not target.exists()
    assert not (sandbox / "tmp" / "x.db").exists()
    assert {p.name for p in profile.folder.iterdir()} <= {"vault.db", "keyslots.json", ".lock"}
    assert sha256(profile.keyslots)


def test_database_files_private_even_with_a_loose_umask(store):
    import os
    import stat

    from tests.conftest import PASSPHRASE

    old = os.umask(0o022)
    try:
        session, _ = store.create("Umask", PASSPHRASE)
        folder = session.folder
        session.close()
    finally:
        os.umask(old)
    for name in ("vault.db",):
        mode = stat.S_IMODE((folder / name).stat().st_mode)
        assert mode == 0o600, (name, oct(mode))


def test_io_error_is_reported_clearly():
    from companion.vault.db import GuardedConnection, driver
    from companion.vault.errors import StorageFailed

    conn = GuardedConnection(None, None)  # type: ignore[arg-type]
    assert isinstance(conn._translate(driver.OperationalError("disk I/O error")), StorageFailed)

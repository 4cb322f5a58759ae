"""A child process for the crash and concurrency tests (C1, C2, D1, D2).

    python vault_child.py MODE HOME PROFILE_ID [ARGS...]

Secrets come on standard input, one per line; every acknowledgement is one line on standard
output, flushed only after the change it reports was committed. The parent kills it with
SIGKILL at random moments, so nothing here cleans up on purpose.
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from companion.vault.db import DB_FILE_NAME, open_database
from companion.vault.errors import WrongSecret
from companion.vault.kdf import FLOOR, KdfPolicy
from companion.vault.secrets_input import Secret
from companion.vault.store import ProfileStore

BATCH = 10
MAX_SECONDS = 120  # a child the parent forgot still goes away


def ack(*words: object) -> None:
    sys.stdout.write(" ".join(str(w) for w in words) + "\n")
    sys.stdout.flush()


def secret_lines(count: int) -> list[str]:
    return [sys.stdin.readline().rstrip("\n") for _ in range(count)]


def store(home: str) -> ProfileStore:
    return ProfileStore(Path(home), KdfPolicy(target=FLOOR))


def writer(home: str, profile_id: str) -> None:
    """Commit batches of 10 rows forever; print the committed row total after each commit."""
    [text] = secret_lines(1)
    session = store(home).unlock(profile_id, Secret.passphrase(text))
    with session.transaction() as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS t (batch INTEGER NOT NULL, n INTEGER NOT NULL)")
    conn = session.connection
    total = conn.execute("SELECT count(*) FROM t").fetchone()[0]
    batch = (conn.execute("SELECT max(batch) FROM t").fetchone()[0] or 0) + 1
    started = time.monotonic()
    while time.monotonic() - started < MAX_SECONDS:
        with session.transaction() as tx:
            tx.executemany("INSERT INTO t (batch, n) VALUES (?, ?)", [(batch, n) for n in range(BATCH)])
        total += BATCH
        batch += 1
        ack(total)


def passwd(home: str, profile_id: str) -> None:
    """Change the passphrase back and forth between the two given; print which one is current."""
    first, second = secret_lines(2)
    names = {first: "A", second: "B"}
    the_store = store(home)
    for current in (first, second):
        try:
            session = the_store.unlock(profile_id, Secret.passphrase(current))
            break
        except WrongSecret:
            continue
    else:
        raise SystemExit("neither passphrase opens the profile")
    ack("current", names[current])
    started = time.monotonic()
    while time.monotonic() - started < MAX_SECONDS:
        new = second if current == first else first
        session.change_passphrase(current, new)
        current = new
        ack("current", names[current])


def passwd_crash(home: str, profile_id: str, point: str) -> None:
    """Change the passphrase once and SIGKILL ourselves at ``point`` of the key-file rewrite."""
    import signal

    from companion.vault import atomic, keyslots

    first, second = secret_lines(2)
    session = store(home).unlock(profile_id, Secret.passphrase(first))

    def die(*_: object) -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    real_replace, real_write = os.replace, keyslots.atomic_write

    class HalfWrite:
        def __init__(self, fd: int) -> None:
            self._file = os.fdopen(fd, "wb", buffering=0)

        def write(self, data: memoryview) -> int:
            self._file.write(bytes(data[: len(data) // 2]))
            os.fsync(self._file.fileno())
            die()
            return 0

        def __enter__(self) -> "HalfWrite":
            return self

        def __exit__(self, *exc: object) -> None:
            self._file.close()

    def replace_then_die(source: object, target: object) -> None:
        real_replace(source, target)
        die()

    if point == "mid-write":
        keyslots.atomic_write = lambda path, data, opener=None: real_write(path, data, HalfWrite)
    elif point == "before-replace":
        atomic.os.replace = die
    elif point == "after-replace":
        atomic.os.replace = replace_then_die
    elif point == "before-dir-fsync":
        atomic.fsync_dir = die
    else:
        raise SystemExit(f"unknown point {point}")
    ack("ready")
    session.change_passphrase(first, second)
    ack("changed without dying")


def hold(home: str, profile_id: str) -> None:
    """Unlock and keep the profile open until killed."""
    [text] = secret_lines(1)
    session = store(home).unlock(profile_id, Secret.passphrase(text))
    ack("ready", os.getpid(), session.profile_id)
    time.sleep(MAX_SECONDS)


def raw_writer(home: str, profile_id: str, writer_id: str, commits: str, go_file: str) -> None:
    """Bypass the profile lock: open vault.db directly with the SQLCipher key (D2).

    Prints ``open``, waits for ``go_file`` to exist (so two writers start together), then
    commits with a short pause between transactions, as a person's edits would come.
    """
    [key_hex] = secret_lines(1)
    conn = open_database(Path(home) / "profiles" / profile_id / DB_FILE_NAME, key_hex)
    with conn.transaction():
        conn.execute("CREATE TABLE IF NOT EXISTS w (writer INTEGER NOT NULL, batch INTEGER NOT NULL, n INTEGER NOT NULL)")
    ack("open")
    deadline = time.monotonic() + 60
    while not Path(go_file).exists():
        if time.monotonic() > deadline:
            raise SystemExit("no go")
        time.sleep(0.005)
    for batch in range(int(commits)):
        with conn.transaction():
            conn.executemany(
                "INSERT INTO w (writer, batch, n) VALUES (?, ?, ?)", [(int(writer_id), batch, n) for n in range(BATCH)]
            )
        ack(writer_id, batch)
        time.sleep(0.001)
    conn.close()


MODES = {
    "writer": writer,
    "passwd": passwd,
    "passwd-crash": passwd_crash,
    "hold": hold,
    "raw-writer": raw_writer,
}

if __name__ == "__main__":
    MODES[sys.argv[1]](*sys.argv[2:])

"""One writer per profile (D1) and the database's own safety with two writers (D2)."""
from __future__ import annotations

import subprocess

import pytest

from companion.vault.errors import ProfileAlreadyOpen
from companion.vault.keyring import KeyRing
from companion.vault.lock import ProfileLock
from tests.conftest import companion_cmd
from tests.e2e.children import Child
from tests.unit.vaultkit import PASSPHRASE, data_key, folder_state, make_profile, unlock


def test_second_unlock_in_the_same_process_is_refused(store):
    profile = make_profile(store)
    with unlock(store, profile) as first:
        with pytest.raises(ProfileAlreadyOpen, match="already open"):
            unlock(store, profile)
        with pytest.raises(ProfileAlreadyOpen):
            ProfileLock(profile.folder, "Alice")
        assert first.verify().ok  # the first session is unaffected
    with unlock(store, profile) as again:
        assert again.verify().ok


def test_profile_open_in_another_process_is_refused_then_recovered_after_kill(store, home, tmp_path):
    profile = make_profile(store)
    holder = Child("hold", home, profile.id, stdin=PASSPHRASE + "\n", log=tmp_path / "child.log")
    try:
        holder.wait_first_line()
        assert holder.lines[0].split()[:2] == ["ready", str(holder.pid)]
        before = folder_state(profile.folder)

        with pytest.raises(ProfileAlreadyOpen) as caught:
            unlock(store, profile)
        message = str(caught.value)
        assert "already open" in message and f"process {holder.pid}" in message

        cli = subprocess.run(
            [*companion_cmd(), "profile", "verify", "Alice", "--passphrase-file", "-"],
            input=PASSPHRASE,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert cli.returncode == 1
        assert cli.stderr.count("\n") == 1 and cli.stderr.startswith("companion: error:")
        assert "already open" in cli.stderr
        assert folder_state(profile.folder) == before
    finally:
        holder.kill()

    assert holder.process.returncode == -9
    with unlock(store, profile) as session:  # the kernel dropped the dead holder's lock
        assert session.verify().ok
    assert (profile.folder / ".lock").read_text() != str(holder.pid)


@pytest.mark.timeout(120)
def test_two_writers_bypassing_the_guard_lose_nothing(store, home, tmp_path):
    profile = make_profile(store)
    key_hex = KeyRing(data_key(profile)).sqlcipher_key_hex()
    commits = 200
    go = tmp_path / "go"
    writers = [
        Child(
            "raw-writer", home, profile.id, str(i), str(commits), str(go), stdin=key_hex + "\n", log=tmp_path / f"w{i}.log"
        )
        for i in (1, 2)
    ]
    for writer in writers:
        writer.wait_first_line()
    go.touch()
    codes = [w.finish(timeout=100) for w in writers]
    logs = [(tmp_path / f"w{i}.log").read_text() for i in (1, 2)]
    assert codes == [0, 0], logs
    assert logs == ["", ""], logs  # no "database is locked" or anything else on stderr
    for i, writer in zip((1, 2), writers):
        assert writer.lines == ["open"] + [f"{i} {b}" for b in range(commits)]

    with unlock(store, profile) as session:
        assert session.verify().ok
        rows = session.connection.execute(
            "SELECT writer, count(*), count(DISTINCT batch) FROM w GROUP BY writer ORDER BY writer"
        ).fetchall()
        order = [r[0] for r in session.connection.execute("SELECT writer FROM w ORDER BY rowid")]
    assert rows == [(1, 10 * commits, commits), (2, 10 * commits, commits)]
    switches = sum(1 for a, b in zip(order, order[1:]) if a != b)
    assert switches >= 2, "the two writers never overlapped, so nothing was tested"

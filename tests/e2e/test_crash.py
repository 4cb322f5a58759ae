"""kill -9 during writes (C1) and during passphrase changes (C2)."""
from __future__ import annotations

import random
import time

import pytest

from companion.vault import keyslots
from companion.vault.atomic import TEMP_PREFIX
from companion.vault.errors import WrongSecret
from companion.vault.secrets_input import Secret
from tests.e2e.children import Child
from tests.unit.vaultkit import OTHER_PASSPHRASE, PASSPHRASE, make_profile, unlock

KILLS = 20


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_kill_during_writes_loses_no_acknowledged_commit(store, home, tmp_path):
    profile = make_profile(store)
    rnd = random.Random(20261122)
    acknowledged = 0
    kills_before_first_commit = 0

    for trial in range(KILLS):
        child = Child("writer", home, profile.id, stdin=PASSPHRASE + "\n", log=tmp_path / "child.log")
        if trial % 5 == 0:
            time.sleep(rnd.uniform(0.0, 0.8))  # maybe during start-up, unlock or WAL recovery
        else:
            child.wait_first_line()
            time.sleep(rnd.uniform(0.0, 0.25))
        child.kill()
        if child.lines:
            acknowledged = max(acknowledged, int(child.lines[-1]))
        else:
            kills_before_first_commit += 1

        with unlock(store, profile) as session:
            report = session.verify()
            assert report.integrity_check == ["ok"], (trial, report.integrity_check)
            assert report.cipher_integrity_check == [], (trial, report.cipher_integrity_check)
            conn = session.connection
            has_table = conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 't'").fetchone()[0]
            rows = conn.execute("SELECT count(*) FROM t").fetchone()[0] if has_table else 0
            partial = conn.execute("SELECT count(*) FROM (SELECT batch FROM t GROUP BY batch HAVING count(*) != 10)").fetchone()[0] if has_table else 0
        assert rows >= acknowledged, f"trial {trial}: {rows} rows but {acknowledged} acknowledged"
        assert rows % 10 == 0 and partial == 0, f"trial {trial}: a half-committed batch ({rows} rows)"
        assert sorted(p.name for p in profile.folder.iterdir() if p.name.startswith(TEMP_PREFIX)) == []

    assert acknowledged >= 10 * (KILLS // 2), "the children committed too little for the test to mean much"
    assert kills_before_first_commit < KILLS


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_kill_during_passphrase_change_leaves_an_openable_key_file(store, home, tmp_path):
    profile = make_profile(store)
    rnd = random.Random(4242)
    changes = 0

    for trial in range(10):
        child = Child("passwd", home, profile.id, stdin=f"{PASSPHRASE}\n{OTHER_PASSPHRASE}\n", log=tmp_path / "child.log")
        child.wait_first_line()
        time.sleep(rnd.uniform(0.0, 1.2))
        child.kill()
        changes += max(0, len(child.lines) - 1)

        loaded = keyslots.read(profile.folder)  # parses: DamagedFile would fail the test
        assert sorted(s.type for s in loaded.slot_file.slots) == ["passphrase", "recovery"]
        opening = []
        for text in (PASSPHRASE, OTHER_PASSPHRASE):
            try:
                with unlock(store, profile, text) as session:
                    assert session.verify().ok
                opening.append(text)
            except WrongSecret:
                pass
        assert len(opening) == 1, f"trial {trial}: {len(opening)} passphrases open the profile"
        if child.lines:
            last = child.lines[-1]
            assert last in ("current A", "current B")
        with store.unlock(profile.id, Secret.recovery(profile.recovery_code)) as session:
            assert session.verify().ok
        leftovers = [p.name for p in profile.folder.iterdir() if p.name.startswith(TEMP_PREFIX)]
        assert leftovers == [], f"trial {trial}: temp debris after the next unlock: {leftovers}"

    assert changes >= 3, "too few passphrase changes happened for the test to mean much"


@pytest.mark.parametrize(
    ("point", "survivor"),
    [
        ("mid-write", PASSPHRASE),
        ("before-replace", PASSPHRASE),
        ("after-replace", OTHER_PASSPHRASE),
        ("before-dir-fsync", OTHER_PASSPHRASE),
    ],
    ids=["mid-write", "before-replace", "after-replace", "before-dir-fsync"],
)
def test_kill_at_each_point_of_the_key_file_rewrite(store, home, tmp_path, point, survivor):
    profile = make_profile(store)
    child = Child("passwd-crash", home, profile.id, point, stdin=f"{PASSPHRASE}\n{OTHER_PASSPHRASE}\n", log=tmp_path / "child.log")
    code = child.finish()
    assert child.lines == ["ready"], (child.lines, (tmp_path / "child.log").read_text())
    assert code == -9
    if point in ("mid-write", "before-replace"):
        assert [p.name for p in profile.folder.iterdir() if p.name.startswith(TEMP_PREFIX)], "no temp file: the kill came too early"

    keyslots.read(profile.folder)
    loser = OTHER_PASSPHRASE if survivor == PASSPHRASE else PASSPHRASE
    with pytest.raises(WrongSecret):
        unlock(store, profile, loser)
    with unlock(store, profile, survivor) as session:
        assert session.verify().ok
    assert [p.name for p in profile.folder.iterdir() if p.name.startswith(TEMP_PREFIX)] == []
    with store.unlock(profile.id, Secret.recovery(profile.recovery_code)) as session:
        assert session.verify().ok

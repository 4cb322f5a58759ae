"""Profiles on disk: unsafe names, no plaintext outside the vault, and the golden v1 vault."""
from __future__ import annotations

import base64
import importlib.util
import shutil
import uuid
from pathlib import Path

import pytest

from companion.vault import keyslots
from companion.vault.errors import InvalidProfileName
from companion.vault.migrations import LATEST
from companion.vault.records import ProfileRecord
from companion.vault.secrets_input import Secret
from tests.conftest import ROOT
from tests.unit.vaultkit import PASSPHRASE, make_profile, unlock

GOLDEN = ROOT / "tests" / "data" / "golden" / "v1"


# ---- profile names ------------------------------------------------------------------------

@pytest.mark.parametrize(
    "name",
    ["../x", "/", "a/b", "x\0y", "..", "a\\b", ".", "", "   ", "a" * 41, "a:b", "x\ny", "a\u202eb", "..hidden"],
    ids=repr,
)
def test_unsafe_profile_names_are_refused_and_create_nothing(store, home, sandbox, name):
    before = sorted(p.relative_to(sandbox) for p in sandbox.rglob("*"))
    with pytest.raises(InvalidProfileName):
        store.create(name, PASSPHRASE)
    root = home / "profiles"
    assert not root.exists() or list(root.iterdir()) == []
    assert sorted(p.relative_to(sandbox) for p in sandbox.rglob("*")) == before


def test_profile_names_are_unique_ignoring_case(store):
    make_profile(store, "Alice")
    with pytest.raises(InvalidProfileName, match="exists"):
        store.create("alice", PASSPHRASE)
    assert len(store.profiles()) == 1


def test_profile_folder_is_named_by_uuid_not_by_name(store):
    profile = make_profile(store, "Alice Ünal")
    assert profile.folder.name == profile.id == str(uuid.UUID(profile.id))
    assert [p.nickname for p in store.profiles()] == ["Alice Ünal"]


# ---- no plaintext ---------------------------------------------------------------------------

def _encodings(marker: str) -> list[bytes]:
    raw = marker.encode("utf-8")
    forms = [raw, marker.encode("utf-16-le"), marker.encode("utf-16-be")]
    for shift in range(3):  # base64 of the marker at each alignment, edges cut off
        encoded = base64.b64encode(b"\0" * shift + raw)
        skip = -(-shift * 4 // 3) + 1
        forms.append(encoded[skip:-4])
    return forms


def _hits(root: Path, marker: str) -> list[str]:
    forms = _encodings(marker)
    found = []
    for path in sorted(root.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            found += [f"{path.relative_to(root)} (form {i})" for i, form in enumerate(forms) if form in data]
    return found


def test_the_scanner_finds_a_planted_marker_in_every_form(tmp_path):
    marker = "Zyx-CANARY-7F3A-planted"
    for i, form in enumerate(_encodings(marker)):
        (tmp_path / f"f{i}").write_bytes(b"prefix" + form + b"suffix")
    (tmp_path / "b64").write_bytes(base64.b64encode(b"ab" + marker.encode() + b"cd"))
    assert len(_hits(tmp_path, marker)) >= len(_encodings(marker)) + 1


def test_no_plaintext_of_the_record_anywhere_in_the_sandbox(store, sandbox):
    marker = f"Zyx-CANARY-7F3A-{uuid.uuid4().hex[:12]}"
    birth = "1961-07-23"
    profile = make_profile(store, "Alice", birth_date=birth, sex_at_birth="female")
    with unlock(store, profile) as session:
        session.update_profile(full_name=marker)
        assert session.profile().full_name == marker
        assert _hits(sandbox, marker) == [], "plaintext while unlocked (db, -wal, -shm, temp)"
    assert _hits(sandbox, marker) == []
    assert _hits(sandbox, birth) == []
    slot_text = profile.keyslots.read_text()
    for secret in (birth, "19610723", "female", marker, PASSPHRASE, profile.recovery_code):
        assert secret not in slot_text
    assert _hits(sandbox, PASSPHRASE) == []
    with unlock(store, profile) as session:  # it is really stored, just not in the clear
        assert session.profile() == ProfileRecord(marker, birth, "female")


# ---- golden v1 vault ----------------------------------------------------------------------

def _golden_constants():
    spec = importlib.util.spec_from_file_location("make_golden_vault", ROOT / "tests" / "data" / "make_golden_vault.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def golden_store(tmp_path):
    from companion.vault.kdf import FLOOR, KdfPolicy
    from companion.vault.store import ProfileStore

    copy = tmp_path / "golden"
    shutil.copytree(GOLDEN, copy)
    return ProfileStore(copy, KdfPolicy(target=FLOOR))


def test_golden_vault_is_committed_as_expected():
    folders = list((GOLDEN / "profiles").iterdir())
    assert len(folders) == 1
    assert sorted(p.name for p in folders[0].iterdir()) == ["keyslots.json", "vault.db"]
    keyslots.parse((folders[0] / "keyslots.json").read_bytes())  # still canonical and sealed


def test_golden_v1_vault_opens_with_its_passphrase(golden_store):
    golden = _golden_constants()
    [info] = golden_store.profiles()
    assert (info.nickname, info.problem) == (golden.NICKNAME, None)

    with golden_store.unlock(golden.NICKNAME, Secret.passphrase(golden.PASSPHRASE)) as session:
        report = session.verify()
        assert report.ok
        assert golden.SCHEMA_VERSION <= report.schema_version == LATEST  # opening migrates it
        assert session.profile() == ProfileRecord(golden.FULL_NAME, golden.BIRTH_DATE, golden.SEX_AT_BIRTH)
        assert sorted(s.type for s in session.slots()) == ["passphrase", "recovery"]
        assert session.connection.execute("SELECT value FROM meta WHERE key = 'profile_id'").fetchone()[0] == info.id
        assert "profile_created" in [e.event for e in session.audit_events()]


def test_golden_v1_vault_opens_with_its_recovery_code(golden_store):
    golden = _golden_constants()
    code = (GOLDEN / "RECOVERY_CODE.txt").read_text(encoding="ascii").strip()
    with golden_store.unlock(golden.NICKNAME, Secret.recovery(code)) as session:
        assert session.opened_with.type == "recovery"
        assert session.verify().ok
        assert session.profile().full_name == golden.FULL_NAME


def test_worker_session_has_its_own_connection(store):
    from tests.conftest import PASSPHRASE

    session, _ = store.create("Worker", PASSPHRASE, full_name="Main Name")
    worker = session.spawn_worker()
    try:
        assert worker.connection is not session.connection
        assert worker.profile().full_name == "Main Name"
        worker.update_profile(full_name="Written By Worker")
        assert session.profile().full_name == "Written By Worker"  # same database
    finally:
        worker.close()
    assert worker.closed and not session.closed
    assert session.profile().full_name == "Written By Worker"  # the main session keeps working
    session.close()


def test_worker_of_a_caregiver_session_is_read_only(store):
    import pytest

    from companion.vault.errors import ReadOnlyAccess
    from companion.vault.secrets_input import Secret
    from tests.conftest import PASSPHRASE

    owner, _ = store.create("Cared", PASSPHRASE)
    owner.add_caregiver(PASSPHRASE, "Maria", "violet kettle mountain harbour")
    owner.close()
    carer = store.unlock("Cared", Secret.passphrase("violet kettle mountain harbour"))
    worker = carer.spawn_worker()
    with pytest.raises(ReadOnlyAccess):
        worker.update_profile(full_name="Nope")
    worker.close()
    carer.close()

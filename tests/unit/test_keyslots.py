"""Key slots: wrong secrets (A1), tampering (A3), KDF downgrade (A4), swaps (A5), missing file."""
from __future__ import annotations

import json
import os
import shutil
from dataclasses import replace

import pytest

from companion.vault import keyslots, passphrase
from companion.vault.errors import (
    DamagedFile,
    KdfBelowPolicy,
    MissingKeyFile,
    VaultError,
    WrongSecret,
)
from companion.vault.kdf import FLOOR, KdfParams, KdfPolicy
from companion.vault.keyring import KeyRing
from companion.vault.recovery import format_code, parse_code
from companion.vault.secrets_input import Secret
from companion.vault.store import ProfileStore
from tests.unit.vaultkit import (
    OTHER_PASSPHRASE,
    PASSPHRASE,
    count_database_opens,
    count_derivations,
    data_key,
    folder_state,
    keyslots_json,
    make_profile,
    unlock,
)

WEAK = KdfParams(memory_kib=8, iterations=1, lanes=1)


# ---- A1 -----------------------------------------------------------------------------------

def test_wrong_passphrase_is_refused_and_touches_nothing(store, monkeypatch):
    profile = make_profile(store)
    before = folder_state(profile.folder)
    opens = count_database_opens(monkeypatch)

    with pytest.raises(WrongSecret) as caught:
        unlock(store, profile, OTHER_PASSPHRASE)

    assert "wrong passphrase" in str(caught.value)
    assert opens.calls == 0, "the database must not be opened for a wrong passphrase"
    assert folder_state(profile.folder) == before
    with unlock(store, profile) as session:  # the lock was released
        assert session.role == "owner"


def test_wrong_recovery_code_with_valid_checksum_is_refused(store, monkeypatch):
    profile = make_profile(store)
    before = folder_state(profile.folder)
    other_code = format_code(os.urandom(16))  # well formed, checksum fine, another key
    opens = count_database_opens(monkeypatch)

    with pytest.raises(WrongSecret) as caught:
        store.unlock(profile.id, Secret.recovery(other_code))

    assert "wrong passphrase" in str(caught.value)
    assert opens.calls == 0
    assert folder_state(profile.folder) == before


# ---- A3 -----------------------------------------------------------------------------------

def _field_offsets(text: bytes, needle: bytes) -> range:
    """Byte offsets of the value that follows ``needle`` (a JSON key and its quote)."""
    start = text.index(needle) + len(needle)
    end = text.index(b'"', start)
    return range(start, end)


def test_every_flipped_byte_of_keyslots_fails_closed(store):
    profile = make_profile(store, "Alice")
    original = profile.keyslots.read_bytes()
    assert 1000 < len(original) < 4000
    others = folder_state(profile.folder, exclude={keyslots.FILE_NAME})
    outcome: dict[int, VaultError] = {}

    try:
        for offset in range(len(original)):
            tampered = bytearray(original)
            tampered[offset] ^= 0x01
            profile.keyslots.write_bytes(bytes(tampered))
            try:
                unlock(store, profile).close()
            except (DamagedFile, WrongSecret, KdfBelowPolicy) as exc:
                outcome[offset] = exc
            except Exception as exc:  # noqa: BLE001 - the point of the test
                pytest.fail(f"byte {offset} flipped: {type(exc).__name__} escaped: {exc}")
            else:
                pytest.fail(f"byte {offset} flipped: the profile unlocked anyway")
            assert profile.keyslots.read_bytes() == bytes(tampered), f"byte {offset}: key file rewritten"
            assert folder_state(profile.folder, exclude={keyslots.FILE_NAME}) == others, f"byte {offset}"
    finally:
        profile.keyslots.write_bytes(original)

    damaged = {o for o, exc in outcome.items() if isinstance(exc, DamagedFile)}
    assert len(damaged) >= 0.99 * len(original)
    for offset in damaged:
        message = str(outcome[offset])
        assert "keyslots.json is damaged or was altered" in message, (offset, message)

    named = {
        "nickname": _field_offsets(original, b'"nickname": "'),
        "salt": _field_offsets(original, b'"salt": "'),
        "wrapped": _field_offsets(original, b'"wrapped": "'),
        "nonce": _field_offsets(original, b'"nonce": "'),
        "memory_kib": range(original.index(b'"memory_kib": ') + 14, original.index(b'"memory_kib": ') + 19),
    }
    for field, offsets in named.items():
        assert offsets, field
        for offset in offsets:
            assert offset in damaged, f"a flipped byte in {field} (offset {offset}) was not reported as damage"

    with unlock(store, profile) as session:  # the original still works
        assert session.verify().ok


def test_a_few_byte_flips_with_other_masks_fail_closed_too(store):
    profile = make_profile(store)
    original = profile.keyslots.read_bytes()
    for offset in range(0, len(original), 97):
        for mask in (0x80, 0xFF, 0x20):
            tampered = bytearray(original)
            tampered[offset] ^= mask
            profile.keyslots.write_bytes(bytes(tampered))
            with pytest.raises(DamagedFile, match="keyslots.json"):
                unlock(store, profile)
    profile.keyslots.write_bytes(original)


# ---- A4 -----------------------------------------------------------------------------------

def _reseal_with(profile, slot_type: str, new_slot_for) -> bytes:
    """Replace one slot and seal the file correctly (checksum and MAC) with the real DEK."""
    loaded = keyslots.read(profile.folder)
    if slot_type == "passphrase":
        secret = passphrase.normalize(profile.passphrase)
    else:
        secret = parse_code(profile.recovery_code)
    dek = data_key(profile, secret, slot_type)
    old = loaded.slot_file.of_type(slot_type)[0]
    new_slot = new_slot_for(loaded.slot_file.profile_id, old, secret, dek)
    data = keyslots.serialize(loaded.slot_file.with_slot(new_slot), KeyRing(bytearray(dek)))
    keyslots.parse(data)  # a well-formed, correctly sealed file: only the policy can refuse it
    profile.keyslots.write_bytes(data)
    return data


def _rewrapped_weak(profile_id, old, secret, dek):
    return keyslots.wrap(profile_id, old.type, old.label, secret, dek, WEAK, slot_id=old.id)


def _params_edited(profile_id, old, secret, dek):
    return replace(old, kdf=WEAK)


@pytest.mark.parametrize("slot_type", ["passphrase", "recovery"])
@pytest.mark.parametrize("downgrade", [_rewrapped_weak, _params_edited], ids=["rewrapped", "params-edited"])
def test_kdf_downgrade_is_refused_before_argon2(store, monkeypatch, slot_type, downgrade):
    profile = make_profile(store)
    _reseal_with(profile, slot_type, downgrade)
    [changed] = [s for s in keyslots_json(profile)["slots"] if s["type"] == slot_type]
    assert changed["kdf"] == {"name": "argon2id", "memory_kib": 8, "iterations": 1, "lanes": 1}
    before = folder_state(profile.folder)
    derivations = count_derivations(monkeypatch)
    opens = count_database_opens(monkeypatch)
    secret = Secret.passphrase(PASSPHRASE) if slot_type == "passphrase" else Secret.recovery(profile.recovery_code)

    with pytest.raises(KdfBelowPolicy) as caught:
        store.unlock(profile.id, secret)

    assert "below policy" in str(caught.value)
    assert derivations.calls == 0, "Argon2 ran on a slot below the floor"
    assert opens.calls == 0
    assert folder_state(profile.folder) == before


def test_slot_below_policy_target_is_rewrapped_after_unlock(home):
    floor_store = ProfileStore(home, KdfPolicy(target=FLOOR))
    profile = make_profile(floor_store)
    target = KdfParams(memory_kib=128 * 1024, iterations=4, lanes=4)
    stronger = ProfileStore(home, KdfPolicy(target=target))

    with stronger.unlock(profile.id, Secret.passphrase(PASSPHRASE)) as session:
        assert session.opened_with.kdf == target

    slots = {s["type"]: s["kdf"] for s in keyslots_json(profile)["slots"]}
    assert slots["passphrase"]["memory_kib"] == 128 * 1024
    assert slots["passphrase"]["iterations"] == 4
    assert slots["recovery"]["memory_kib"] == FLOOR.memory_kib  # random key: floor is enough
    with floor_store.unlock(profile.id, Secret.passphrase(PASSPHRASE)) as session:
        assert session.verify().ok
    with floor_store.unlock(profile.id, Secret.recovery(profile.recovery_code)) as session:
        assert session.verify().ok


@pytest.mark.parametrize(
    ("params", "upgrade"),
    [
        (FLOOR, False),  # within the 2x tolerance of a 128 MiB/t=3 target
        (KdfParams(64 * 1024, 2, 4), True),  # less than half the target's cost
        (KdfParams(32 * 1024, 12, 4), True),  # less memory than the floor, however many passes
        (KdfParams(128 * 1024, 3, 4), False),
    ],
)
def test_needs_upgrade_rule(params, upgrade):
    policy = KdfPolicy(target=KdfParams(128 * 1024, 3, 4))
    assert policy.needs_upgrade(params) is upgrade


# ---- A5 -----------------------------------------------------------------------------------

def test_key_file_of_another_profile_is_refused(store, monkeypatch):
    alice = make_profile(store, "Alice")
    bob = make_profile(store, "Bob", OTHER_PASSPHRASE)
    shutil.copyfile(alice.keyslots, bob.keyslots)
    bob_before = folder_state(bob.folder)
    opens = count_database_opens(monkeypatch)
    derivations = count_derivations(monkeypatch)

    for text in (PASSPHRASE, OTHER_PASSPHRASE):
        with pytest.raises(DamagedFile, match="keyslots.json"):
            store.unlock(bob.id, Secret.passphrase(text))

    assert opens.calls == 0 and derivations.calls == 0
    assert folder_state(bob.folder) == bob_before
    listed = {p.id: p.problem for p in store.profiles()}
    assert listed[bob.id] == "key file belongs elsewhere"


def test_slot_moved_into_another_profiles_file_does_not_unwrap(store, monkeypatch):
    alice = make_profile(store, "Alice")
    bob = make_profile(store, "Bob", OTHER_PASSPHRASE)
    alice_slot = keyslots.read(alice.folder).slot_file.of_type("passphrase")[0]
    bob_file = keyslots.read(bob.folder).slot_file
    bob_ring = KeyRing(data_key(bob))
    # A correctly sealed Bob file that carries Alice's passphrase slot.
    bob.keyslots.write_bytes(keyslots.serialize(bob_file.with_slot(alice_slot), bob_ring))
    before = folder_state(bob.folder)
    opens = count_database_opens(monkeypatch)

    with pytest.raises(WrongSecret):
        store.unlock(bob.id, Secret.passphrase(PASSPHRASE))

    assert opens.calls == 0, "Bob's database was opened with Alice's passphrase"
    assert folder_state(bob.folder) == before


# ---- missing key file -----------------------------------------------------------------------

def test_missing_key_file_is_reported_and_listed(store):
    profile = make_profile(store, "Alice")
    profile.keyslots.unlink()
    before = folder_state(profile.folder)

    with pytest.raises(MissingKeyFile) as caught:
        store.unlock(profile.id, Secret.passphrase(PASSPHRASE))

    assert "keyslots.json is missing" in str(caught.value)
    assert "backup" in str(caught.value)
    assert folder_state(profile.folder) == before
    assert not profile.keyslots.exists()
    [info] = store.profiles()
    assert (info.id, info.problem) == (profile.id, "key file missing")


def test_key_file_checksum_is_over_the_whole_file(store):
    """A re-indented but otherwise valid file is refused: only the canonical bytes are accepted."""
    profile = make_profile(store)
    data = json.loads(profile.keyslots.read_text())
    profile.keyslots.write_text(json.dumps(data, indent=4, sort_keys=True) + "\n")
    with pytest.raises(DamagedFile, match="keyslots.json"):
        unlock(store, profile)

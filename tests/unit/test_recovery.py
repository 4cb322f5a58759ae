"""Recovery codes (A7): the code format, typo detection before Argon2, and the reset flow."""
from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from companion.vault import recovery
from companion.vault.errors import RecoveryCodeTypo, VaultError, WrongSecret
from companion.vault.recovery import ALPHABET, format_code, looks_like_recovery_code, new_recovery_key, parse_code
from companion.vault.secrets_input import Secret
from tests.unit.vaultkit import (
    OTHER_PASSPHRASE,
    PASSPHRASE,
    count_database_opens,
    count_derivations,
    folder_state,
    make_profile,
    unlock,
)

CODE_SHAPE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){6}$")
keys = st.binary(min_size=16, max_size=16)


# ---- the format -----------------------------------------------------------------------------

def test_new_code_round_trips_and_has_the_documented_shape():
    key, code = new_recovery_key()
    assert len(key) == 16
    assert CODE_SHAPE.match(code), code
    assert parse_code(code) == key
    assert looks_like_recovery_code(code)


@pytest.mark.parametrize(
    "key",
    [bytes(16), b"\xff" * 16, bytes(range(16)), b"\x80" + bytes(15)],
    ids=["zeros", "ones", "counting", "top-bit"],
)
def test_edge_keys_round_trip(key):
    assert parse_code(format_code(key)) == key


def test_typed_variants_are_read_as_the_same_code():
    key = bytes(range(16))
    code = format_code(key)
    plain = code.replace("-", "")
    variants = [
        code.lower(),
        plain,
        " ".join(code.split("-")),
        "  " + code + "\n",
        code.replace("-", " - "),
        plain.replace("0", "O").replace("1", "I"),
        plain.replace("1", "l").lower(),
        plain.replace("1", "L"),
    ]
    assert "0" in plain and "1" in plain  # so the alias variants really differ
    for variant in variants:
        assert parse_code(variant) == key, variant


@pytest.mark.parametrize(
    "text",
    ["", "ABCD", "U" * 28, "!" * 28, format_code(bytes(16)) + "0", format_code(bytes(16))[:-1]],
)
def test_malformed_codes_are_typos(text):
    with pytest.raises(RecoveryCodeTypo):
        parse_code(text)


def test_nonzero_pad_bits_are_refused():
    code = format_code(bytes(16)).replace("-", "")
    # The 26th character carries the last 3 key bits and 2 zero pad bits.
    last = ALPHABET.index(code[25])
    bad = code[:25] + ALPHABET[last | 1] + code[26:]
    assert bad != code
    with pytest.raises(RecoveryCodeTypo):
        parse_code(bad)


@settings(max_examples=300, deadline=None)
@given(keys)
def test_format_and_parse_round_trip(key):
    code = format_code(key)
    assert CODE_SHAPE.match(code)
    assert parse_code(code) == key
    assert parse_code(code.lower().replace("-", " ")) == key


@settings(max_examples=60, deadline=None)
@given(keys)
@example(bytes(16))
def test_every_single_character_substitution_is_caught(key):
    raw = format_code(key).replace("-", "")
    for position in range(len(raw)):
        for replacement in ALPHABET:
            if replacement == raw[position]:
                continue
            typo = raw[:position] + replacement + raw[position + 1 :]
            with pytest.raises(RecoveryCodeTypo):
                parse_code(typo)


@settings(max_examples=60, deadline=None)
@given(keys)
def test_every_swap_of_neighbouring_characters_is_caught(key):
    raw = format_code(key).replace("-", "")
    for position in range(len(raw) - 1):
        if raw[position] == raw[position + 1]:
            continue
        typo = raw[:position] + raw[position + 1] + raw[position] + raw[position + 2 :]
        with pytest.raises(RecoveryCodeTypo):
            parse_code(typo)


def test_check_is_a_real_function_of_the_key():
    assert recovery._check(bytes(16)) != recovery._check(b"\x00" * 15 + b"\x01")


# ---- the flow (A7) ------------------------------------------------------------------------

def test_recovery_unlock_resets_passphrase_and_replaces_the_code(store):
    profile = make_profile(store)
    old_code = profile.recovery_code

    with store.unlock(profile.id, Secret.recovery(old_code)) as session:
        assert session.opened_with.type == "recovery"
        new_code = session.reset_passphrase_with_recovery(OTHER_PASSPHRASE)
        assert session.opened_with.type == "passphrase"
    assert CODE_SHAPE.match(new_code)
    assert new_code != old_code

    with pytest.raises(WrongSecret):
        store.unlock(profile.id, Secret.recovery(old_code))
    with pytest.raises(WrongSecret):
        unlock(store, profile, PASSPHRASE)
    with store.unlock(profile.id, Secret.recovery(new_code)) as session:
        assert session.verify().ok
    with unlock(store, profile, OTHER_PASSPHRASE) as session:
        assert len([s for s in session.slots() if s.type == "recovery"]) == 1
        assert session.verify().ok


def test_reset_needs_a_recovery_unlock(store):
    profile = make_profile(store)
    with unlock(store, profile) as session:
        with pytest.raises(VaultError):
            session.reset_passphrase_with_recovery(OTHER_PASSPHRASE)


def test_mistyped_recovery_code_is_caught_before_argon2(store, monkeypatch):
    profile = make_profile(store)
    raw = profile.recovery_code.replace("-", "")
    replacement = "Z" if raw[5] != "Z" else "Y"
    typo = raw[:5] + replacement + raw[6:]
    before = folder_state(profile.folder)
    derivations = count_derivations(monkeypatch)
    opens = count_database_opens(monkeypatch)

    with pytest.raises(RecoveryCodeTypo) as caught:
        store.unlock(profile.id, Secret.recovery(typo))

    assert "typo" in str(caught.value)
    assert derivations.calls == 0
    assert opens.calls == 0
    assert folder_state(profile.folder) == before

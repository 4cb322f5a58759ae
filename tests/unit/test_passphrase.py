"""Passphrases: NFKC (A2), changing one (A6) and the policy (A8)."""
from __future__ import annotations

import random
import unicodedata

import pytest

from companion.vault import passphrase
from companion.vault.db import open_database
from companion.vault.errors import WeakPassphrase, WrongSecret
from companion.vault.keyring import KeyRing
from companion.vault.recovery import parse_code
from companion.vault.secrets_input import Secret
from tests.unit.vaultkit import (
    OTHER_PASSPHRASE,
    PASSPHRASE,
    data_key,
    folder_state,
    make_profile,
    unlock,
)


# ---- A2 -----------------------------------------------------------------------------------

COMPOSED = "caf\u00e9 cr\u00e8me br\u00fbl\u00e9e monsoon"
DECOMPOSED = unicodedata.normalize("NFD", COMPOSED)
ASCII_DIGITS = "orbit 2024 lantern 7391 fjord"
FULLWIDTH_DIGITS = "orbit \uff12\uff10\uff12\uff14 lantern \uff17\uff13\uff19\uff11 fjord"


def test_the_spellings_really_differ():
    assert COMPOSED != DECOMPOSED and len(DECOMPOSED) > len(COMPOSED)
    assert ASCII_DIGITS != FULLWIDTH_DIGITS
    assert passphrase.normalize(COMPOSED) == passphrase.normalize(DECOMPOSED)
    assert passphrase.normalize(FULLWIDTH_DIGITS) == ASCII_DIGITS.encode()


@pytest.mark.parametrize(
    ("created", "typed", "opens"),
    [
        (COMPOSED, DECOMPOSED, True),
        (DECOMPOSED, COMPOSED, True),
        (ASCII_DIGITS, FULLWIDTH_DIGITS, True),
        (FULLWIDTH_DIGITS, ASCII_DIGITS, True),
        (COMPOSED, COMPOSED.replace("monsoon", "typhoon"), False),
        (COMPOSED, "cafe creme brulee monsoon", False),  # accents are not dropped
    ],
    ids=["composed>decomposed", "decomposed>composed", "ascii>fullwidth", "fullwidth>ascii", "other-word", "no-accents"],
)
def test_unicode_normalisation_before_the_kdf(store, created, typed, opens):
    profile = make_profile(store, "Alice", created)
    if opens:
        with unlock(store, profile, typed) as session:
            assert session.role == "owner"
    else:
        with pytest.raises(WrongSecret):
            unlock(store, profile, typed)


# ---- A6 -----------------------------------------------------------------------------------

def test_passphrase_change_rewraps_only_the_key_slot(store):
    profile = make_profile(store)
    dek_before = bytes(data_key(profile))
    slots_before = profile.keyslots.read_bytes()

    with unlock(store, profile) as session:
        session.change_passphrase(PASSPHRASE, OTHER_PASSPHRASE)
    assert profile.keyslots.read_bytes() != slots_before

    with pytest.raises(WrongSecret):
        unlock(store, profile, PASSPHRASE)
    with unlock(store, profile, OTHER_PASSPHRASE) as session:
        assert session.verify().ok
        assert [e.event for e in session.audit_events()][:2] == ["unlock", "passphrase_changed"]
    with store.unlock(profile.id, Secret.recovery(profile.recovery_code)) as session:
        assert session.verify().ok

    # Not rekeyed: both slots still hold the same data key, and it opens the database.
    dek_new = bytes(data_key(profile, passphrase.normalize(OTHER_PASSPHRASE)))
    dek_recovery = bytes(data_key(profile, parse_code(profile.recovery_code), "recovery"))
    assert dek_new == dek_recovery == dek_before
    conn = open_database(profile.vault, KeyRing(bytearray(dek_recovery)).sqlcipher_key_hex())
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'profile_id'").fetchone()
        assert row[0] == profile.id
    finally:
        conn.close()


def test_passphrase_change_touches_no_database_page_but_its_audit_row(store):
    """Between unlock and close, only the audit row and keyslots.json change."""
    profile = make_profile(store)
    with unlock(store, profile) as session:
        pages_before = session.connection.execute("PRAGMA page_count").fetchone()[0]
        profile_before = session.profile()
        session.change_passphrase(PASSPHRASE, OTHER_PASSPHRASE)
        assert session.connection.execute("PRAGMA page_count").fetchone()[0] == pages_before
        assert session.profile() == profile_before


def test_passphrase_change_needs_the_current_passphrase(store):
    profile = make_profile(store)
    with unlock(store, profile) as session:
        slots = profile.keyslots.read_bytes()
        with pytest.raises(WrongSecret):
            session.change_passphrase("not the passphrase at all", OTHER_PASSPHRASE)
        with pytest.raises(WeakPassphrase):
            session.change_passphrase(PASSPHRASE, "password1234")
        assert profile.keyslots.read_bytes() == slots
    with unlock(store, profile, PASSPHRASE):
        pass


# ---- A8 -----------------------------------------------------------------------------------

def _long_passphrase(length: int, seed: int) -> str:
    rnd = random.Random(seed)
    words = [w for w in passphrase._words() if "-" not in w]
    text = ""
    while len(text) < length:
        text += rnd.choice(words) + " "
    text = text[:length]
    assert len(text) == length
    return text


LONG_64 = _long_passphrase(64, 1)
LONG_1024 = _long_passphrase(1024, 2)
NICK = "Qwyxa"  # a name no generated word contains


@pytest.mark.parametrize(
    ("text", "accepted", "reason"),
    [
        ("", False, "at least 12"),
        ("Tr0ub4dor&3", False, "at least 12"),  # 11 characters, however mixed
        ("zq8#Kp2!mW4", False, "at least 12"),
        ("password1234", False, "Too easy"),
        ("iloveyou1234", False, "Too easy"),
        ("qwertyuiop123", False, "Too easy"),
        ("passwordpassword", False, "Too easy"),
        ("aaaaaaaaaaaaaaaa", False, "Too easy"),
        ("qwyxa orbit lantern fjord", False, "name"),
        ("my QWYXA passphrase is long", False, "name"),
        ("x" * 4097, False, "at most"),
        (PASSPHRASE, True, "Strength"),
        (OTHER_PASSPHRASE, True, "Strength"),  # lower-case words only: no composition rule
        (LONG_64, True, "Strength"),
        (LONG_1024, True, "Strength"),
    ],
    ids=lambda v: v[:20] if isinstance(v, str) else None,
)
def test_policy_table(text, accepted, reason):
    verdict = passphrase.assess(text, [NICK])
    assert verdict.acceptable is accepted, verdict
    assert reason in verdict.reason
    if accepted:
        passphrase.check(text, [NICK])
    else:
        with pytest.raises(WeakPassphrase, match="passphrase refused"):
            passphrase.check(text, [NICK])


def test_weak_passphrase_creates_nothing(store, home):
    for text in ("short", "password1234", "alice plum tractor whistle"):
        with pytest.raises(WeakPassphrase):
            store.create("Alice", text)
    root = home / "profiles"
    assert not root.exists() or not any(root.iterdir())


def test_full_name_words_count_as_context(store):
    with pytest.raises(WeakPassphrase, match="name"):
        store.create("Mum", "margaret orbit lantern fjord", full_name="Margaret Example")


@pytest.mark.parametrize("text", [LONG_64, LONG_1024], ids=["64", "1024"])
def test_long_passphrases_are_used_whole(store, text):
    profile = make_profile(store, NICK, text)
    position = min(1000, len(text) - 2)
    changed = text[:position] + ("Z" if text[position] != "Z" else "Y") + text[position + 1 :]
    truncated = text[:-1]
    before = folder_state(profile.folder)

    for wrong in (changed, truncated, text[:64]):
        if wrong == text:
            continue
        with pytest.raises(WrongSecret):
            unlock(store, profile, wrong)
    assert folder_state(profile.folder) == before
    with unlock(store, profile, text) as session:
        assert session.verify().ok


def _split_words(text: str, words: frozenset[str], count: int) -> list[str] | None:
    """Split a hyphen-joined passphrase into ``count`` list words (some words hold hyphens)."""
    if count == 0:
        return [] if text == "" else None
    parts = text.split("-")
    for take in range(1, len(parts) + 1):
        head = "-".join(parts[:take])
        if head in words:
            rest = _split_words("-".join(parts[take:]), words, count - 1)
            if rest is not None:
                return [head, *rest]
    return None


def test_generated_passphrases_are_six_list_words_and_pass_the_policy():
    words = frozenset(passphrase._words())
    assert len(words) == 7776
    seen = set()
    for _ in range(20):
        text = passphrase.generate()
        assert _split_words(text, words, 6) is not None, text
        assert passphrase.assess(text, ["Alice"]).acceptable, text
        seen.add(text)
    assert len(seen) == 20


def test_a_generated_passphrase_never_hides_the_profile_name(monkeypatch):
    # "chalice" holds "alice": the first draw is refused for Alice and a second is made.
    draws = iter(["stilt", "chalice", "neglector", "aliens", "unclip", "stainable",
                  "stilt", "chasm", "neglector", "aliens", "unclip", "stainable"])
    monkeypatch.setattr(passphrase.secrets, "choice", lambda _words: next(draws))
    text = passphrase.generate(6, ["Alice"])
    assert text == "stilt-chasm-neglector-aliens-unclip-stainable"
    assert next(draws, None) is None


def test_generated_passphrase_unlocks_a_profile(store):
    text = passphrase.generate()
    profile = make_profile(store, NICK, text)
    with unlock(store, profile, text) as session:
        assert session.role == "owner"

"""Passphrase policy (SECURITY: ≥12 characters, zxcvbn score ≥3, not the profile name) and a
word-passphrase generator."""
from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from companion import RESOURCES

from companion.vault.errors import WeakPassphrase

MIN_LENGTH = 12
MAX_LENGTH = 4096
MIN_SCORE = 3
# zxcvbn refuses long input and is quadratic; a long passphrase is judged on its first part,
# which is conservative (more characters only add strength).
ZXCVBN_WINDOW = 64
WORDLIST = RESOURCES / "wordlists" / "eff_large_wordlist.txt"

STRENGTH_WORDS = ("very weak", "weak", "fair", "strong", "very strong")


@dataclass(frozen=True)
class Assessment:
    score: int  # 0..4, zxcvbn's scale
    acceptable: bool
    reason: str  # why it is refused, or a short word about its strength

    @property
    def label(self) -> str:
        return STRENGTH_WORDS[self.score]


def normalize(passphrase: str) -> bytes:
    """NFKC so that the same passphrase typed on another keyboard or OS unlocks (A2)."""
    return unicodedata.normalize("NFKC", passphrase).encode("utf-8")


def assess(passphrase: str, context_words: list[str] | tuple[str, ...] = ()) -> Assessment:
    """Judge a new passphrase; the reason is one sentence a person understands."""
    from zxcvbn import zxcvbn  # noqa: PLC0415 - 30 ms of dictionaries, needed only for new passphrases
    text = unicodedata.normalize("NFKC", passphrase)
    if len(text) < MIN_LENGTH:
        score = 0 if not text else min(zxcvbn(text[:ZXCVBN_WINDOW])["score"], 2)
        return Assessment(score, False, f"Use at least {MIN_LENGTH} characters (now {len(text)}).")
    if len(text) > MAX_LENGTH:
        return Assessment(4, False, f"Use at most {MAX_LENGTH} characters.")
    lowered = text.casefold()
    for word in context_words:
        word_cf = word.strip().casefold()
        if len(word_cf) >= 3 and word_cf in lowered:
            return Assessment(1, False, "Do not use the profile's name in the passphrase.")
    words = [w for w in context_words if w.strip()]
    result = zxcvbn(text[:ZXCVBN_WINDOW], user_inputs=words)
    score = int(result["score"])
    if score < MIN_SCORE:
        feedback = result.get("feedback") or {}
        hint = feedback.get("warning") or " ".join(feedback.get("suggestions") or [])
        reason = "Too easy to guess." + (f" {hint}" if hint else " Add more uncommon words.")
        return Assessment(score, False, reason.strip())
    return Assessment(score, True, f"Strength: {STRENGTH_WORDS[score]}.")


def check(passphrase: str, context_words: list[str] | tuple[str, ...] = ()) -> None:
    verdict = assess(passphrase, context_words)
    if not verdict.acceptable:
        raise WeakPassphrase(f"passphrase refused: {verdict.reason}")


@lru_cache(maxsize=1)
def _words() -> tuple[str, ...]:
    words = tuple(w.strip() for w in WORDLIST.read_text(encoding="utf-8").splitlines() if w.strip())
    if len(words) != 7776:
        raise RuntimeError("the EFF word list is incomplete")
    return words


def generate(word_count: int = 6, context_words: list[str] | tuple[str, ...] = ()) -> str:
    """Six EFF words ≈ 77 bits; hyphens keep it easy to read aloud and type.

    A draw can by chance hide the person's name ("chalice" holds "alice"), which the policy
    refuses, so draw again until the policy accepts it for these context words.
    """
    words = _words()
    while True:
        text = "-".join(secrets.choice(words) for _ in range(word_count))
        if assess(text, context_words).acceptable:
            return text

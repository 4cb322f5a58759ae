"""Fixtures of the genome-store tests: Alice's profile, unlocked, and a downloads folder."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.vaultkit import make_profile, unlock


@pytest.fixture
def profile(store):
    return make_profile(store, "Alice")


@pytest.fixture
def session(store, profile):
    with unlock(store, profile) as s:
        yield s


@pytest.fixture
def inputs(tmp_path_factory) -> Path:
    """Input files live outside the sandbox, as a person's download folder would."""
    return tmp_path_factory.mktemp("downloads")

"""Fixtures of the lifestyle tests: Alice (born 1980-02-03), unlocked, and a fixed clock."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from tests.unit.vaultkit import make_profile, unlock

NOW = datetime(2024, 6, 15, 12, 0, tzinfo=UTC)
CEST = timezone(timedelta(hours=2))


@pytest.fixture
def profile(store):
    return make_profile(store, "Alice", birth_date="1980-02-03", sex_at_birth="female")


@pytest.fixture
def session(store, profile):
    with unlock(store, profile) as s:
        yield s

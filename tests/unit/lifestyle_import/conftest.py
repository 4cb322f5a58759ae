"""Shared fixtures: the real sample exports (skipped when shared/ is absent) and helpers."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import pytest

from companion.lifestyle.importers import HealthStream, read_health_file
from companion.lifestyle.records import RawRecord
from tests.conftest import SAMPLES


@pytest.fixture
def samples() -> Path:
    if not SAMPLES.is_dir():
        pytest.skip("shared sample files are not present")
    return SAMPLES


def read_all(path: Path, **kw: object) -> tuple[HealthStream, list[RawRecord]]:
    stream = read_health_file(path, **kw)  # type: ignore[arg-type]
    with stream:
        records = list(stream.records())
    return stream, records


def kinds(records: Iterable[RawRecord]) -> Counter[str]:
    return Counter(r.kind for r in records)

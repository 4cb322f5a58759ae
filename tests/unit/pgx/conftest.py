from __future__ import annotations

import pytest

from companion.pgx.knowledge import PgxKnowledge, load_knowledge


@pytest.fixture(scope="session")
def knowledge() -> PgxKnowledge:
    return load_knowledge()

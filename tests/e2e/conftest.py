"""Fixtures of the command-line tests: a ``Cli`` runner in the sandbox and a downloads folder."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.test_cli_profile import Cli


@pytest.fixture
def cli(sandbox: Path) -> Cli:
    return Cli(sandbox)


@pytest.fixture
def inputs(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("downloads")

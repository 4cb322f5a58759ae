"""Process hardening (G6): no core dumps, owner-only files."""
from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX limits and core files")

# A permissive start: the soft core limit raised to the hard one, as a shell with
# `ulimit -c unlimited` would give, so that hardening has something to undo.
PRELUDE = """
import ctypes, os, resource
hard = resource.getrlimit(resource.RLIMIT_CORE)[1]
resource.setrlimit(resource.RLIMIT_CORE, (hard, hard))
"""


def _run(code: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", PRELUDE + code], cwd=cwd, capture_output=True, text=True, timeout=60)


def _cores(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.startswith("core")]


def test_harden_process_sets_core_limit_dumpable_and_umask(tmp_path):
    result = _run(
        """
from companion.hardening import harden_process
harden_process()
print(resource.getrlimit(resource.RLIMIT_CORE))
print(ctypes.CDLL(None).prctl(3, 0, 0, 0, 0) if hasattr(os, "uname") and os.uname().sysname == "Linux" else 0)
print(oct(os.umask(0)))
""",
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:3] == ["(0, 0)", "0", "0o77"]


def test_files_created_after_hardening_are_owner_only(tmp_path):
    result = _run(
        """
from companion.hardening import harden_process
harden_process()
open("made-after", "w").close()
os.mkdir("dir-after")
""",
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "made-after").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "dir-after").stat().st_mode & 0o777 == 0o700


@pytest.mark.parametrize("hardened", [False, True], ids=["control", "hardened"])
def test_crash_leaves_no_core_file_once_hardened(tmp_path, hardened):
    code = "from companion.hardening import harden_process\nharden_process()\n" if hardened else ""
    result = _run(code + "os.abort()\n", tmp_path)
    assert result.returncode == -signal.SIGABRT, result.stderr
    cores = _cores(tmp_path)
    for core in cores:
        core.unlink()  # several MB each
    if hardened:
        assert cores == [], "a hardened process left a core dump"
    elif not cores:
        pytest.skip("this machine writes no core file even without hardening (core_pattern or hard limit)")

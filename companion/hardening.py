"""Process-wide protections applied once at start-up (SECURITY §2.5, §2.3).

Plain Python, no Qt: both the app and the CLI call :func:`harden_process` first.
"""
from __future__ import annotations

import ctypes
import os
import sys

PR_SET_DUMPABLE = 4


def disable_core_dumps() -> None:
    """A core dump of an unlocked process would hold the data key and decrypted pages."""
    try:
        import resource
    except ImportError:  # Windows: no core files by default
        return
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
        except (OSError, AttributeError):
            pass


def harden_process() -> None:
    """Owner-only files by default and no core dumps."""
    os.umask(0o077)
    disable_core_dumps()

#!/usr/bin/env python3
"""Bootstrap: create or reuse .venv, install the project, then open the app or run the tests.

    python3 run.py          open Health Companion
    python3 run.py test     run the whole test suite (extra arguments go to pytest)

Only the standard library is used here, so this works on a fresh Python 3.11.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_venv() -> Path:
    """Install the project (with its test tools) into .venv unless this pyproject is in already.

    One environment for both commands keeps them cheap; the test tools are small.
    """
    if sys.version_info < (3, 11):
        sys.exit(f"Health Companion needs Python 3.11 or newer (this is {sys.version.split()[0]}).")
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    stamp = VENV / ".installed-pyproject"
    python = venv_python()
    if python.exists() and stamp.exists() and stamp.read_text() == wanted:
        return python
    if not python.exists():
        print("Creating the virtual environment in .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("Installing Health Companion and its dependencies (first run only) ...", flush=True)
    pip = [str(python), "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run(pip + ["install", "--upgrade", "pip"], check=True)
    subprocess.run(pip + ["install", "-e", ".[test]"], check=True, cwd=ROOT)
    stamp.write_text(wanted)
    return python


def warn_missing_qt_libraries() -> None:
    """Qt's X11 plugin needs a few system libraries that minimal Linux installs lack."""
    if not sys.platform.startswith("linux") or not os.environ.get("DISPLAY") or os.environ.get("QT_QPA_PLATFORM"):
        return
    import ctypes.util

    missing = [lib for lib in ("xcb-cursor", "xcb-icccm", "xcb-keysyms", "xkbcommon-x11") if not ctypes.util.find_library(lib)]
    if missing:
        print(
            "Qt needs these system libraries to open a window: " + ", ".join("lib" + m for m in missing)
            + ". On Debian/Ubuntu: sudo apt-get install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxkbcommon-x11-0",
            file=sys.stderr,
        )


def main(argv: list[str]) -> int:
    python = ensure_venv()
    if argv[:1] == ["test"]:
        command = [str(python), "-m", "pytest", *argv[1:]]
    else:
        if not argv:
            warn_missing_qt_libraries()
        command = [str(python), "-m", "companion", *argv]
    return subprocess.run(command, cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

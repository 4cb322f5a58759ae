"""Starting, reading and killing the vault_child.py processes (not a test module)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

CHILD = Path(__file__).with_name("vault_child.py")


class Child:
    """One child: its acknowledgement lines are collected by a thread as they arrive."""

    def __init__(self, mode: str, home: Path, profile_id: str, *args: str, stdin: str, log: Path) -> None:
        self._log = open(log, "ab")
        self.process = subprocess.Popen(
            [sys.executable, str(CHILD), mode, str(home), profile_id, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
            env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"),
        )
        assert self.process.stdin is not None
        self.process.stdin.write(stdin)
        self.process.stdin.close()
        self.lines: list[str] = []
        self.first_line = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    @property
    def pid(self) -> int:
        return self.process.pid

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if line.endswith("\n"):  # a line cut by the kill is no acknowledgement
                self.lines.append(line.strip())
                self.first_line.set()

    def wait_first_line(self, timeout: float = 30) -> None:
        if not self.first_line.wait(timeout):
            self.kill()
            raise AssertionError(f"child gave no acknowledgement in {timeout} s; see {self._log.name}")

    def kill(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.finish()

    def finish(self, timeout: float = 60) -> int:
        code = self.process.wait(timeout)
        self._reader.join(timeout)
        self._log.close()
        return code

"""D1: a second app instance hands off to the first and exits; a stale lock left by a
killed instance is recovered."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from companion.ui.single_instance import SingleInstance


def test_second_guard_asks_first_to_activate(qtbot, home: Path):
    from companion.ui.app import make_application

    make_application([])
    home.mkdir(parents=True, exist_ok=True)
    first = SingleInstance(home)
    assert first.acquire()
    second = SingleInstance(home)
    try:
        with qtbot.waitSignal(first.activation_did_request, timeout=5000):
            assert not second.acquire()
    finally:
        first.release()
    third = SingleInstance(home)
    assert third.acquire()  # released lock can be taken again
    third.release()


def _app_env(sandbox: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        COMPANION_HOME=str(sandbox / "companion"),
        HOME=str(sandbox / "home"),
        TMPDIR=str(sandbox / "tmp"),
        COMPANION_KDF="floor",
    )
    return env


def _start_app(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "companion"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_lock(lock: Path, proc: subprocess.Popen[str], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if lock.exists() and lock.stat().st_size > 0:
            time.sleep(1.0)  # give it time to start listening
            return
        if proc.poll() is not None:
            raise AssertionError(f"app exited early: {proc.stderr.read() if proc.stderr else ''}")
        time.sleep(0.1)
    raise AssertionError("the app did not take its lock")


@pytest.mark.slow
def test_second_process_hands_off_and_stale_lock_recovered(sandbox: Path):
    env = _app_env(sandbox)
    lock = sandbox / "companion" / "app.lock"
    first = _start_app(env)
    try:
        _wait_for_lock(lock, first)
        second = _start_app(env)
        out, err = second.communicate(timeout=30)
        assert second.returncode == 0
        assert "already open" in err
        assert first.poll() is None  # the first keeps running
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    assert lock.exists()  # the killed instance left its lock behind
    third = _start_app(env)
    try:
        time.sleep(3.0)
        assert third.poll() is None, third.stderr.read() if third.stderr else ""
    finally:
        third.send_signal(signal.SIGKILL)
        third.wait(timeout=10)

#!/usr/bin/env python3
"""Benchmarks for the foundation: one command prints a table of figures and ratios.

    python3 bench/run.py

Re-runs itself inside .venv (created by run.py) so it measures the installed app.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

if Path(sys.prefix).resolve() != (ROOT / ".venv").resolve():
    from run import ensure_venv

    python = ensure_venv()
    sys.exit(subprocess.run([str(python), __file__, *sys.argv[1:]]).returncode)

BARE_WINDOW = """
import time; t0 = time.perf_counter()
from PySide6.QtWidgets import QApplication, QWidget
from PySide6.QtCore import QTimer
app = QApplication([])
w = QWidget(); w.show()
QTimer.singleShot(0, app.quit); app.exec()
print(time.perf_counter() - t0)
"""

APP_WINDOW = """
import time; t0 = time.perf_counter()
from companion.hardening import harden_process
harden_process()
from companion.ui.app import make_application
from companion.ui.controller import AppController
from companion.ui.single_instance import SingleInstance
from companion.ui.tasks import TaskRunner
from companion.settings import Settings
from companion.vault.db import check_driver
from companion.vault.paths import companion_home, ensure_private_dir
from companion.vault.store import ProfileStore
from PySide6.QtCore import QTimer
app = make_application([])
home = ensure_private_dir(companion_home())
guard = SingleInstance(home); guard.acquire()
check_driver()
controller = AppController(ProfileStore(home), Settings(home), TaskRunner())
controller.start()
assert controller.current_window is not None
QTimer.singleShot(0, app.quit); app.exec()
print(time.perf_counter() - t0)
guard.release()
"""


def median_of(fn, runs: int) -> float:
    return statistics.median(fn() for _ in range(runs))


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def subprocess_seconds(code: str, env: dict[str, str]) -> float:
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    from companion.vault import kdf
    from companion.vault.secrets_input import Secret
    from companion.vault.store import ProfileStore

    rows: list[tuple[str, str, str, str]] = []
    salt = os.urandom(16)
    floor = median_of(lambda: timed(lambda: kdf.derive(b"bench passphrase", salt, kdf.FLOOR)), 5)
    params = kdf.calibrate()
    calibrated = median_of(lambda: timed(lambda: kdf.derive(b"bench passphrase", salt, params)), 5)
    rows.append(("Argon2id at the floor (64 MiB, t=3, p=4)", f"{floor * 1000:.0f} ms", "", ""))
    rows.append((
        f"Argon2id calibrated ({params.memory_kib // 1024} MiB, t={params.iterations}, p={params.lanes})",
        f"{calibrated * 1000:.0f} ms", "target 0.3–0.8 s", "ok" if 0.3 <= calibrated <= 0.8 else "OUT",
    ))

    passphrase = "bench horse battery staple"
    with tempfile.TemporaryDirectory() as tmp:
        store = ProfileStore(Path(tmp), kdf.KdfPolicy(target=params))
        t0 = time.perf_counter()
        session, _ = store.create("Timing", passphrase)
        create_s = time.perf_counter() - t0
        with session.transaction() as conn:
            conn.execute("CREATE TABLE filler (x BLOB)")
            conn.executemany("INSERT INTO filler VALUES (randomblob(4000))", [()] * 12_500)  # ~50 MB
        session.close()
        size_mb = (Path(session.folder) / "vault.db").stat().st_size / 1e6

        def unlock_once() -> float:
            start = time.perf_counter()
            store.unlock("Timing", Secret.passphrase(passphrase)).close()
            return time.perf_counter() - start

        unlock_s = median_of(unlock_once, 5)
        rows.append(("Create a profile (2 key slots, schema, first rows)", f"{create_s * 1000:.0f} ms", "", ""))
        rows.append((f"Unlock a {size_mb:.0f} MB vault (KDF + open + HMAC check of every page)",
                     f"{unlock_s * 1000:.0f} ms", "target ≤ 1 s", "ok" if unlock_s <= 1.0 else "OUT"))

        # With a profile present the app opens on the unlock window (DESIGN §10's measure).
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", COMPANION_HOME=tmp)
        bare = median_of(lambda: subprocess_seconds(BARE_WINDOW, env), 5)
        app = median_of(lambda: subprocess_seconds(APP_WINDOW, env), 5)
        rows.append(("Cold start: bare PySide6 window (peer)", f"{bare * 1000:.0f} ms", "", ""))
        rows.append(("Cold start: app to its unlock window", f"{app * 1000:.0f} ms",
                     f"{app / bare:.2f}× bare (budget ≤ 1.5×)", "ok" if app <= 1.5 * bare else "OUT"))

    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'median':>8}  {'vs peer / budget':<28} verdict")
    for name, value, ratio, verdict in rows:
        print(f"{name:<{width}}  {value:>8}  {ratio:<28} {verdict}")


if __name__ == "__main__":
    main()

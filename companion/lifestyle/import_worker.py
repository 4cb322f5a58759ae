"""Reading and checking a large export in a second process while this one stores it.

A million-record Apple Health export costs about as much to parse and check (pyexpat calls
Python for every element) as to insert into SQLCipher, and both hold the GIL, so threads do not
overlap them. A child process reads the file and validates each record; this process stores the
rows it sends, so the two halves run on two cores (issue 5: 1M records within 15 s).

What crosses between the processes: the file's path and the checking rules (birth date, "now")
going in; checked rows, counts and progress coming back, through the child's standard input and output
(pipes) — never a file, and never the vault key (the child does not open the vault). The child
is a fresh interpreter (``python -m companion.lifestyle.import_worker``: no copy of this
process's memory, so no keys; and not ``multiprocessing``, whose "spawn" re-imports the
caller's main module and fails from any script without a ``__main__`` guard), hardened like the
app (no core dumps), with its standard error discarded (a crash must not print data). A whole-file error in the child comes back as the same :class:`HealthImportError`, so a
bad file is refused exactly as in one process; cancelling stops the child.
"""
from __future__ import annotations

import os
import pickle
import subprocess
import sys
import traceback
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import IO, Any

from companion.lifestyle.importers.common import CancelToken, Progress
from companion.lifestyle.importers.errors import HealthImportCancelled, HealthImportError

WORKER_MIN_BYTES = 48 << 20  # below this, starting a process (~0.5 s) costs more than it saves
ROWS_PER_MESSAGE = 5_000
_ROWS, _DONE, _FAILED, _CRASHED = "rows", "done", "failed", "crashed"


@dataclass(frozen=True)
class WorkerJob:
    """What the child needs: the file and the rules a record is checked against."""

    path: Path
    birth_date: date | None
    now: datetime
    assume_tz: tzinfo | None


@dataclass
class WorkerReport:
    """Filled in as the child's messages arrive; complete once :func:`checked_rows` is exhausted."""

    format: str = ""
    problems: dict[str, int] = field(default_factory=dict)  # the reader's, by reason
    rejected: Counter[str] = field(default_factory=Counter)  # the checker's, by reason
    ignored: int = 0


def _child(job: WorkerJob, out: IO[bytes]) -> None:
    """Runs in the child: read, check, send. Every outcome ends with exactly one final message."""
    from companion.lifestyle import types, validate
    from companion.lifestyle.importers import read_health_file

    def send(message: tuple[Any, ...]) -> None:
        pickle.dump(message, out, protocol=pickle.HIGHEST_PROTOCOL)

    try:
        checker = validate.Checker(types.registry(), job.birth_date, job.now)
        rejected: Counter[str] = Counter()
        progress = [0, 0]

        def note_progress(done: int, total: int) -> None:
            progress[0], progress[1] = done, total

        with read_health_file(job.path, progress=note_progress, assume_tz=job.assume_tz) as stream:
            rows: list[Any] = []
            check = checker.check_compact
            for record in stream.records():
                row = check(record)
                if isinstance(row, str):
                    rejected[row] += 1
                else:
                    rows.append(row)
                    if len(rows) >= ROWS_PER_MESSAGE:
                        send((_ROWS, rows, progress[0], progress[1]))
                        rows = []
            send((_ROWS, rows, progress[0], progress[1]))
            send((_DONE, stream.format, dict(stream.problems.counts), dict(rejected), stream.ignored))
    except HealthImportError as exc:
        send((_FAILED, exc.file_name, exc.reason, exc.line))
    except Exception as exc:  # noqa: BLE001 - reported by type and code lines only: a message may quote data
        send((_CRASHED, type(exc).__name__, "".join(traceback.format_tb(exc.__traceback__, limit=-3))))
    out.flush()


def available() -> bool:
    """A frozen app has no ``python -m``: it imports in one process."""
    return not getattr(sys, "frozen", False)


def checked_rows(job: WorkerJob, report: WorkerReport, progress: Progress | None = None,
                 cancel: CancelToken | None = None) -> Iterator[list[Any]]:
    """Lists of :data:`~companion.lifestyle.validate.CompactRow` from a child process, in file
    order; ``report`` is complete when this is exhausted. Raises what reading the file raised."""
    package_root = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
    child = subprocess.Popen(  # noqa: S603 - our own interpreter and module, no shell
        [sys.executable, "-m", __name__], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL, env=env, cwd=package_root,
    )
    assert child.stdin is not None and child.stdout is not None
    try:
        pickle.dump(job, child.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        child.stdin.close()
        while True:
            if cancel is not None and cancel.cancelled:
                raise HealthImportCancelled(job.path.name)
            try:
                message = pickle.load(child.stdout)
            except (EOFError, pickle.UnpicklingError):
                raise HealthImportError(job.path.name, "could not be read: the reading process stopped") from None
            kind = message[0]
            if kind == _ROWS:
                if progress is not None:
                    progress(message[2], message[3])
                yield message[1]
            elif kind == _DONE:
                report.format, report.problems, rejected, report.ignored = message[1], message[2], message[3], message[4]
                report.rejected.update(rejected)
                return
            elif kind == _FAILED:
                raise HealthImportError(message[1], message[2], message[3])
            else:
                raise RuntimeError(f"the import process failed ({message[1]})\n{message[2]}")
    finally:
        child.stdout.close()
        if child.poll() is None:
            child.kill()
        child.wait(timeout=10)


def _main() -> None:
    from companion.hardening import harden_process

    harden_process()
    job = pickle.load(sys.stdin.buffer)
    _child(job, sys.stdout.buffer)


if __name__ == "__main__":
    _main()

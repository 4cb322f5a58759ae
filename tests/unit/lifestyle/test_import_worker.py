"""A large Apple Health export is read and checked in a second process (``import_worker``): it
must store exactly what the one-process import stores, refuse the same bad files with the same
message, leave the vault unchanged on an error or a cancel, and report progress."""
from __future__ import annotations

from pathlib import Path

import pytest

from companion.lifestyle import import_worker
from companion.lifestyle import store as obs_store
from companion.lifestyle.importers.errors import HealthImportCancelled, HealthImportError
from companion.services.health import import_health_file
from tests.unit.lifestyle_import.generate import write_apple_health
from tests.unit.vaultkit import make_profile, unlock

pytestmark = pytest.mark.slow


@pytest.fixture
def worker_always(monkeypatch: pytest.MonkeyPatch) -> list[import_worker.WorkerJob]:
    """Every Apple Health import goes through the worker; the jobs started are recorded."""
    jobs: list[import_worker.WorkerJob] = []
    real = import_worker.checked_rows

    def recording(job, *args, **kwargs):
        jobs.append(job)
        return real(job, *args, **kwargs)

    monkeypatch.setattr(import_worker, "WORKER_MIN_BYTES", 0)
    monkeypatch.setattr(import_worker, "checked_rows", recording)
    return jobs


def _stored(session) -> list[dict]:
    return [{**o.to_json(), "source_id": o.source_id, "entered": (o.entered_value, o.entered_unit)}
            for o in obs_store.observations(session)]


def test_the_worker_stores_what_one_process_stores(tmp_path: Path, store, monkeypatch, worker_always) -> None:
    path = tmp_path / "export.xml"
    write_apple_health(path, 3000, seed=3)
    bob = make_profile(store, "Bob", birth_date="1950-01-01")
    carol = make_profile(store, "Carol", birth_date="1950-01-01")
    with unlock(store, bob) as session:
        via_worker = import_health_file(session, path)
        rows_worker = _stored(session)
    assert len(worker_always) == 1
    monkeypatch.setattr(import_worker, "WORKER_MIN_BYTES", 1 << 62)
    with unlock(store, carol) as session:
        in_process = import_health_file(session, path)
        rows_in_process = _stored(session)
    assert len(worker_always) == 1  # the second import did not start the worker
    assert via_worker.to_json() == in_process.to_json()
    assert via_worker.imported > 1000
    assert rows_worker == rows_in_process


def test_a_reimport_through_the_worker_adds_nothing(tmp_path: Path, session, worker_always) -> None:
    path = tmp_path / "export.xml"
    write_apple_health(path, 800, seed=4)
    first = import_health_file(session, path)
    again = import_health_file(session, path)
    assert first.imported > 0 and again.imported == 0
    assert again.skipped_duplicates == first.imported


def test_a_file_broken_half_way_is_refused_whole_with_the_same_message(tmp_path: Path, session, worker_always) -> None:
    whole = tmp_path / "export.xml"
    write_apple_health(whole, 2000, seed=5)
    data = whole.read_bytes()
    cut = tmp_path / "cut.xml"
    cut.write_bytes(data[: len(data) * 3 // 4])
    with pytest.raises(HealthImportError) as in_worker:
        import_health_file(session, cut)
    assert len(worker_always) == 1
    assert obs_store.observations(session) == []
    assert "cut.xml" in str(in_worker.value) and "not well-formed" in str(in_worker.value)
    import_worker.WORKER_MIN_BYTES = 1 << 62  # restored by monkeypatch at teardown
    with pytest.raises(HealthImportError) as in_process:
        import_health_file(session, cut)
    assert str(in_worker.value) == str(in_process.value)
    assert in_worker.value.line == in_process.value.line


class CancelAfter:
    def __init__(self, polls: int) -> None:
        self.polls = polls

    @property
    def cancelled(self) -> bool:
        self.polls -= 1
        return self.polls < 0


def test_cancel_stops_the_worker_and_stores_nothing(tmp_path: Path, session, worker_always) -> None:
    path = tmp_path / "export.xml"
    write_apple_health(path, 12_000, seed=6)
    with pytest.raises((HealthImportCancelled, obs_store.ImportCancelled)):
        import_health_file(session, path, cancel=CancelAfter(3))
    assert obs_store.observations(session) == []


def test_progress_rises_to_the_whole_file(tmp_path: Path, session, worker_always) -> None:
    path = tmp_path / "export.xml"
    write_apple_health(path, 12_000, seed=7)
    seen: list[tuple[int, int]] = []
    import_health_file(session, path, progress=lambda done, total: seen.append((done, total)))
    assert len(seen) >= 2
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert seen[-1][0] == seen[-1][1] == path.stat().st_size


def test_the_worker_gets_the_path_and_the_rules_but_no_key(tmp_path: Path, session, worker_always) -> None:
    path = tmp_path / "export.xml"
    write_apple_health(path, 300, seed=8)
    import_health_file(session, path)
    (job,) = worker_always
    assert set(vars(job)) == {"path", "birth_date", "now", "assume_tz"}
    assert job.path == path and str(job.birth_date) == "1980-02-03"

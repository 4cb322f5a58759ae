"""The entry point: detection by content, progress, cancel, batches, errors that name the file."""
from __future__ import annotations

import gzip
import shutil
import zipfile
from pathlib import Path

import pytest

from companion.errors import CompanionError
from companion.lifestyle.importers import (
    APPLE,
    CSV,
    FITBIT,
    GOOGLE_FIT,
    HealthImportCancelled,
    HealthImportError,
    detect,
    read_health_file,
)
from companion.lifestyle.importers.safe_xml import expat_version
from tests.unit.lifestyle_import.generate import write_apple_health, write_apple_zip


class Token:
    def __init__(self, after: int = 0) -> None:
        self.after = after
        self.asked = 0

    @property
    def cancelled(self) -> bool:
        self.asked += 1
        return self.asked > self.after


def test_detection_is_by_content_not_name(samples: Path, tmp_path: Path) -> None:
    cases = {
        "apple-health/ahp_export_2024.xml": APPLE,
        "apple-health/ahp_export.zip": APPLE,
        "fitbit/fitport_user-site-export/weight/weight-2017-07-05.json": FITBIT,
        "google-fit/starsep_Daily Summaries.csv": GOOGLE_FIT,
    }
    for i, (rel, fmt) in enumerate(cases.items()):
        renamed = tmp_path / f"download{i}.dat"
        shutil.copy(samples / rel, renamed)
        assert detect(renamed).format == fmt, rel
    assert detect(samples / "fitbit" / "fitport_user-site-export").format == FITBIT
    assert detect(samples / "apple-health" / "healthkit2sqlite_zip").format == APPLE
    assert detect(samples / "23andme" / "snps_23andme.txt").format == CSV


@pytest.mark.parametrize("content, match", [
    (b"", "is empty"),
    (b"   \n\n", "is empty"),
    (gzip.compress(b"<HealthData/>"), "compressed file of a kind that is not read"),
    (b"<?xml version='1.0'?><svg/>", "XML file, but not an Apple Health export"),
    (b'{"resourceType": "Bundle"}', "JSON file, but not a Fitbit or Google Fit export"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(100), "binary data"),
])
def test_files_that_are_no_export(tmp_path: Path, content: bytes, match: str) -> None:
    path = tmp_path / "export.xml"
    path.write_bytes(content)
    with pytest.raises(HealthImportError, match=match) as info:
        read_health_file(path)
    assert isinstance(info.value, CompanionError) and str(info.value).startswith("export.xml")


def test_missing_file_and_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(HealthImportError, match="does not exist"):
        read_health_file(tmp_path / "gone.zip")
    (tmp_path / "empty").mkdir()
    with pytest.raises(HealthImportError, match="folder holding no Apple Health"):
        read_health_file(tmp_path / "empty")
    path = tmp_path / "other.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("notes.txt", "hello")
    with pytest.raises(HealthImportError, match="zip holding no Apple Health"):
        read_health_file(path)


@pytest.mark.parametrize("zipped", [False, True])
def test_progress_reaches_the_total_and_only_grows(tmp_path: Path, zipped: bool) -> None:
    path = tmp_path / ("export.zip" if zipped else "export.xml")
    (write_apple_zip if zipped else write_apple_health)(path, 6000)
    seen: list[tuple[int, int]] = []
    with read_health_file(path, progress=lambda d, t: seen.append((d, t))) as stream:
        n = sum(1 for _ in stream.records())
    total = path.stat().st_size
    assert n > 0 and seen[0] == (0, total) and seen[-1] == (total, total)
    assert all(t == total for _, t in seen)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


@pytest.mark.parametrize("fmt", ["xml", "zip", "fitbit"])
def test_cancel(tmp_path: Path, samples: Path, fmt: str) -> None:
    if fmt == "fitbit":
        path = samples / "fitbit" / "fitport_user-site-export"
    else:
        path = tmp_path / f"export.{fmt}"
        (write_apple_zip if fmt == "zip" else write_apple_health)(path, 8000)
    token = Token(after=2)
    with pytest.raises(HealthImportCancelled) as info:
        with read_health_file(path, cancel=token) as stream:
            for _ in stream.records():
                pass
    assert info.value.exit_code == 130 and path.name in str(info.value)


def test_batches_and_single_use(tmp_path: Path) -> None:
    path = tmp_path / "export.xml"
    write_apple_health(path, 3000)
    with read_health_file(path) as stream:
        batches = list(stream.batches(500))
    assert all(len(b) == 500 for b in batches[:-1]) and 0 < len(batches[-1]) <= 500
    with read_health_file(path) as stream:
        assert sum(len(b) for b in batches) == sum(1 for _ in stream.records())
        with pytest.raises(RuntimeError):
            list(stream.records())


def test_expat_has_its_own_amplification_limit() -> None:
    """Defence in depth under our entity refusal (expat 2.4.1+ limits entity amplification)."""
    assert expat_version() >= (2, 4, 1)

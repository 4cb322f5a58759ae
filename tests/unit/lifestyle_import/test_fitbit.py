"""Fitbit account archive: the real user-site-export sample and generated files."""
from __future__ import annotations

import json
import shutil
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from companion.lifestyle.importers import FITBIT, HealthImportError, read_health_file
from tests.unit.lifestyle_import.conftest import kinds, read_all

SYDNEY = ZoneInfo("Australia/Sydney")


def test_sample_folder(samples: Path) -> None:
    stream, records = read_all(samples / "fitbit" / "fitport_user-site-export", assume_tz=SYDNEY)
    assert stream.format == FITBIT == "Fitbit" and stream.container == "folder"
    counts = kinds(records)
    assert counts["heart_rate"] == 4028
    assert counts["steps"] == 7  # 356 minutes in the file, 349 of them 0
    assert counts["sleep_hours"] == 36  # 38 logs, 2 of them naps
    assert counts["weight"] == 21 and counts["height"] == 1
    assert "resting_heart_rate" not in counts  # the sample's year holds only the 0.0 placeholders
    assert stream.rejected == 0

    weight = min((r for r in records if r.kind == "weight"), key=lambda r: r.start)
    assert (weight.value, weight.unit) == (193.9, "lb")  # 193.9 / BMI 28.08 = 6.9: pounds
    assert weight.start == datetime(2017, 7, 5, 12, 44, tzinfo=SYDNEY)
    (height,) = [r for r in records if r.kind == "height"]
    assert (height.value, height.unit) == (177.0, "cm")
    sleep = next(r for r in records if r.kind == "sleep_hours" and r.start.date().isoformat() == "2015-06-15"
                 and r.start.hour == 23)
    assert sleep.value == pytest.approx(608 / 60, abs=1e-4) and sleep.unit == "h"
    hr = min((r for r in records if r.kind == "heart_rate"), key=lambda r: r.start)
    assert hr.unit == "count/min" and hr.start.tzinfo is SYDNEY


def test_sample_as_zip_reads_the_same(samples: Path, tmp_path: Path) -> None:
    folder = samples / "fitbit" / "fitport_user-site-export"
    archive = Path(shutil.make_archive(str(tmp_path / "MyFitbitData"), "zip", folder.parent, folder.name))
    _, from_folder = read_all(folder, assume_tz=SYDNEY)
    stream, from_zip = read_all(archive, assume_tz=SYDNEY)
    assert stream.container == "zip"
    assert sorted(r.source_id for r in from_zip) == sorted(r.source_id for r in from_folder)


def test_ids_do_not_depend_on_the_zone(samples: Path) -> None:
    folder = samples / "fitbit" / "fitport_user-site-export"
    _, a = read_all(folder, assume_tz=SYDNEY)
    _, b = read_all(folder, assume_tz=timezone.utc)
    assert [r.source_id for r in a] == [r.source_id for r in b]
    assert a[0].start != b[0].start


def _write(folder: Path, name: str, entries: object) -> None:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(entries, indent=2).replace('": ', '" : '))


@pytest.fixture
def export(tmp_path: Path) -> Path:
    folder = tmp_path / "user-site-export"
    _write(folder, "resting_heart_rate-2019-05-16.json", [
        {"dateTime": "05/16/19 00:00:00", "value": {"date": "05/16/19", "value": 58.4, "error": 6.8}},
        {"dateTime": "05/17/19 00:00:00", "value": {"date": None, "value": 0.0, "error": 0.0}},
    ])
    _write(folder, "moderately_active_minutes-2019-05-16.json", [
        {"dateTime": "05/16/19 00:00:00", "value": "23"}, {"dateTime": "05/17/19 00:00:00", "value": "0"}])
    _write(folder, "very_active_minutes-2019-05-16.json", [{"dateTime": "05/16/19 00:00:00", "value": "12"}])
    _write(folder, "lightly_active_minutes-2019-05-16.json", [{"dateTime": "05/16/19 00:00:00", "value": "200"}])
    _write(folder, "weight-2019-05-16.json", [
        {"logId": 1, "weight": 80.2, "bmi": 24.8, "date": "05/16/19", "time": "07:00:00", "source": "Aria"},
        {"logId": 2, "weight": 80.0, "date": "05/17/19", "time": "07:00:00", "source": "API"},
    ])
    _write(folder, "steps-2019-05-16.json", [
        {"dateTime": "05/16/19 08:00:00", "value": "90"},
        {"dateTime": "13/45/19 08:01:00", "value": "12"},
        {"dateTime": "05/16/19 08:02:00", "value": "lots"},
    ])
    _write(folder, "distance-2019-05-16.json", [{"dateTime": "05/16/19 08:00:00", "value": "6100"}])
    return folder


def test_generated_metrics(export: Path) -> None:
    berlin = ZoneInfo("Europe/Berlin")
    stream, records = read_all(export, assume_tz=berlin)
    got = sorted((r.kind, r.value, r.unit) for r in records)
    assert got == [
        ("active_minutes", 12.0, "min"), ("active_minutes", 23.0, "min"),  # lightly active is not counted
        ("resting_heart_rate", 58.4, "count/min"),  # the 0.0 placeholder is skipped
        ("steps", 90.0, "count"),
        ("weight", 80.2, "kg"),  # 80.2 / 24.8 = 3.2: kilograms
    ]
    rhr = next(r for r in records if r.kind == "resting_heart_rate")
    assert rhr.start == datetime(2019, 5, 16, tzinfo=berlin) and rhr.end == datetime(2019, 5, 17, tzinfo=berlin)
    steps = next(r for r in records if r.kind == "steps")
    assert steps.end - steps.start == timedelta(minutes=1)  # type: ignore[operator]
    assert stream.problems.counts == {"date or time could not be read": 1, "value is not a number": 1,
                                      "weight unit could not be told (no BMI beside it)": 1}


def test_single_file_is_read_alone(export: Path) -> None:
    stream, records = read_all(export / "weight-2019-05-16.json", assume_tz=timezone.utc)
    assert stream.format == FITBIT and [r.kind for r in records] == ["weight"]


def test_invalid_json_is_refused_whole(export: Path) -> None:
    (export / "heart_rate-2019-05-16.json").write_text('[{"dateTime" : "05/16/19 08:00:00", "value" : {"bpm" : 7')
    with pytest.raises(HealthImportError, match="heart_rate-2019-05-16.json, which is not valid JSON"):
        read_all(export)


def test_zip_checks_apply(export: Path, tmp_path: Path) -> None:
    path = tmp_path / "fitbit.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for f in export.iterdir():
            zf.write(f, f"user-site-export/{f.name}")
        zf.writestr("../escape.json", "[]")
    with pytest.raises(HealthImportError, match="outside its folder"):
        read_health_file(path)


def test_folder_links_are_not_followed(export: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    _write(outside, "heart_rate-2019-05-16.json", [{"dateTime": "05/16/19 08:00:00", "value": {"bpm": 70}}])
    (export / "heart_rate-2019-05-16.json").symlink_to(outside / "heart_rate-2019-05-16.json")
    (export / "linked").symlink_to(outside, target_is_directory=True)
    _, records = read_all(export, assume_tz=timezone.utc)
    assert "heart_rate" not in kinds(records)


def test_oversized_file_is_refused(export: Path) -> None:
    entries = [{"dateTime": "05/16/19 08:00:00", "value": {"bpm": 70, "confidence": 3}}] * 300_000
    _write(export, "heart_rate-2019-05-16.json", entries)
    assert (export / "heart_rate-2019-05-16.json").stat().st_size > 16 << 20
    with pytest.raises(HealthImportError, match="larger than 16 MB"):
        read_all(export, assume_tz=timezone.utc)

"""Google Fit Takeout: the real daily-summary sample and generated Takeout folders."""
from __future__ import annotations

import json
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from companion.lifestyle.importers import GOOGLE_FIT, read_health_file
from tests.unit.lifestyle_import.conftest import kinds, read_all

PARIS = ZoneInfo("Europe/Paris")
HEADER = ("Date,Move Minutes count,Calories (kcal),Distance (m),Heart Points,Heart Minutes,"
          "Average heart rate (bpm),Max heart rate (bpm),Min heart rate (bpm),Step count,"
          "Average weight (kg),Max weight (kg),Min weight (kg),Sleep duration (ms)\n")


def test_sample_daily_summaries(samples: Path) -> None:
    stream, records = read_all(samples / "google-fit" / "starsep_Daily Summaries.csv", assume_tz=PARIS)
    assert stream.format == GOOGLE_FIT == "Google Fit"
    (weight,) = records
    assert (weight.kind, weight.value, weight.unit) == ("weight", 64.321, "kg")
    assert weight.start == datetime(2020, 11, 19, tzinfo=PARIS) and weight.end == datetime(2020, 11, 20, tzinfo=PARIS)


def _points(type_name: str, points: list[tuple[int, list[dict[str, float]]]]) -> dict:
    return {"Data Source": f"derived:{type_name}:com.google.android.gms:merged", "Data Points": [
        {"fitValue": [{"value": v} for v in values], "originDataSourceId": "", "startTimeNanos": t,
         "endTimeNanos": t, "dataTypeName": type_name, "modifiedTimeMillis": t // 1_000_000}
        for t, values in points]}


def _takeout(root: Path, with_weights: bool = True) -> Path:
    fit = root / "Takeout" / "Fit"
    (fit / "Daily activity metrics").mkdir(parents=True)
    (fit / "Daily activity metrics" / "Daily activity metrics.csv").write_text(
        HEADER
        + "2021-03-01,45,2100.5,5400.2,30,25,71.2,120,55,6512,70.5,70.9,70.1,27000000\n"
        + "2021-03-02,,,,,,,,,,,,,\n"
        + "2021-03-03,10,1900,800,0,0,,,,1200,,,,\n"
        + "not a date,1,1,1,1,1,1,1,1,1,1,1,1,1\n")
    # a per-day table repeats the daily one and is not read
    (fit / "Daily activity metrics" / "2021-03-01.csv").write_text(
        "Start time,End time,Move Minutes count,Step count\n07:00:00.000+01:00,07:15:00.000+01:00,5,600\n")
    (fit / "All Data").mkdir()
    t = int(datetime(2021, 3, 1, 7, 30, tzinfo=timezone.utc).timestamp()) * 1_000_000_000
    bp = _points("com.google.blood_pressure", [(t, [{"fpVal": 128.0}, {"fpVal": 82.0}, {"intVal": 1}])])
    (fit / "All Data" / "raw_com.google.blood_pressure_com.example.json").write_text(json.dumps(bp))
    if with_weights:
        weights = _points("com.google.weight", [(t, [{"fpVal": 70.4}]), (t + 86_400_000_000_000, [{"fpVal": 70.6}])])
        (fit / "All Data" / "derived_com.google.weight_com.google.android.g.json").write_text(json.dumps(weights))
        # the same weighings again in a raw file: read once
        (fit / "All Data" / "raw_com.google.weight_com.example.json").write_text(json.dumps(weights))
    (fit / "All Data" / "derived_com.google.step_count.delta.json").write_text(
        json.dumps(_points("com.google.step_count.delta", [(t, [{"intVal": 100}])])))
    return root / "Takeout"


def test_takeout_folder(tmp_path: Path) -> None:
    stream, records = read_all(_takeout(tmp_path), assume_tz=PARIS)
    assert stream.format == GOOGLE_FIT and stream.container == "folder"
    got = sorted((r.kind, r.value, r.unit, r.start.date().isoformat()) for r in records)
    assert got == [
        ("active_minutes", 25.0, "min", "2021-03-01"),
        ("diastolic_bp", 82.0, "mmHg", "2021-03-01"),
        ("heart_rate", 71.2, "count/min", "2021-03-01"),
        ("sleep_hours", 7.5, "h", "2021-03-01"),
        ("steps", 1200.0, "count", "2021-03-03"),
        ("steps", 6512.0, "count", "2021-03-01"),
        ("systolic_bp", 128.0, "mmHg", "2021-03-01"),
        ("weight", 70.4, "kg", "2021-03-01"),  # the weighings, not the table's daily average
        ("weight", 70.6, "kg", "2021-03-02"),
    ]
    assert stream.problems.counts == {"date or time could not be read": 1}
    bp = next(r for r in records if r.kind == "systolic_bp")
    assert bp.start == datetime(2021, 3, 1, 7, 30, tzinfo=timezone.utc)


def test_table_weight_used_when_no_weighings(tmp_path: Path) -> None:
    _, records = read_all(_takeout(tmp_path, with_weights=False), assume_tz=PARIS)
    assert [(r.value, r.unit) for r in records if r.kind == "weight"] == [(70.5, "kg")]


def test_takeout_zip_matches_folder(tmp_path: Path) -> None:
    folder = _takeout(tmp_path / "a")
    path = tmp_path / "takeout-20210401.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(folder.rglob("*")):
            if f.is_file():
                zf.write(f, f.relative_to(folder.parent).as_posix())
    _, from_folder = read_all(folder, assume_tz=PARIS)
    stream, from_zip = read_all(path, assume_tz=PARIS)
    assert stream.container == "zip"
    assert sorted(r.source_id for r in from_zip) == sorted(r.source_id for r in from_folder)
    assert kinds(from_zip) == kinds(from_folder)


def test_reimport_ids_are_stable(tmp_path: Path) -> None:
    folder = _takeout(tmp_path)
    with read_health_file(folder, assume_tz=PARIS) as a:
        first = [r.source_id for r in a.records()]
    with read_health_file(folder, assume_tz=timezone.utc) as b:
        second = [r.source_id for r in b.records()]
    assert first == second and len(set(first)) == len(first)


def test_large_streams_we_do_not_read_are_not_loaded(tmp_path: Path) -> None:
    folder = _takeout(tmp_path)
    t = 1_614_583_800_000_000_000
    big = _points("com.google.heart_rate.bpm", [(t + i * 1_000_000_000, [{"fpVal": 70.0}]) for i in range(120_000)])
    path = folder / "Fit" / "All Data" / "raw_com.google.heart_rate.bpm_com.example.json"
    path.write_text(json.dumps(big))
    assert path.stat().st_size > 16 << 20
    stream, records = read_all(folder, assume_tz=PARIS)
    assert kinds(records)["heart_rate"] == 1  # the daily mean only

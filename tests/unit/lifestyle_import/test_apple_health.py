"""Apple Health: real sample exports, generated exports, and the mapping rules."""
from __future__ import annotations

import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from companion.lifestyle.importers import APPLE, HealthImportError, read_health_file
from companion.lifestyle.importers.apple_health import QUANTITY_KINDS, hk_date
from tests.unit.lifestyle_import.conftest import kinds, read_all
from tests.unit.lifestyle_import.generate import write_apple_health, write_apple_zip

HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<HealthData locale="en_GB">\n'
TAIL = "</HealthData>\n"


def rec(hk_type: str, value: str, start: str = "2024-03-01 08:00:00 +0100", end: str | None = None,
        unit: str = "", source: str = "Phone", children: str = "") -> str:
    u = f' unit="{unit}"' if unit else ""
    body = f">{children}</Record>" if children else "/>"
    return (f' <Record type="{hk_type}" sourceName="{source}"{u} creationDate="{start}" startDate="{start}" '
            f'endDate="{end or start}" value="{value}"{body}\n')


def export(tmp_path: Path, body: str, name: str = "export.xml") -> Path:
    path = tmp_path / name
    path.write_text(HEAD + body + TAIL, encoding="utf-8")
    return path


# -- real samples -------------------------------------------------------------------------------------
def test_2024_sample_heart_rate_exercise_and_sleep(samples: Path) -> None:
    stream, records = read_all(samples / "apple-health" / "ahp_export_2024.xml")
    assert stream.format == APPLE == "Apple Health" and stream.container == "file"
    assert kinds(records) == {"heart_rate": 2, "active_minutes": 1, "sleep_hours": 1}
    hr = [r for r in records if r.kind == "heart_rate"]
    assert [(r.value, r.unit) for r in hr] == [(74.0, "count/min"), (75.0, "count/min")]
    assert hr[0].start == datetime(2024, 1, 1, 1, 1, 36, tzinfo=timezone(timedelta(hours=2)))
    sleep = next(r for r in records if r.kind == "sleep_hours")
    # only the Watch's AsleepCore interval counts; the iPhone's InBed is not sleep
    assert sleep.value == pytest.approx(12.5 / 60, abs=1e-4) and sleep.unit == "h"
    assert sleep.start == hk_date("2024-01-01 03:27:53 +0200") and sleep.end == hk_date("2024-01-01 03:40:23 +0200")
    assert stream.rejected == 0 and stream.ignored == 4  # 2 energy, 1 stand time, 1 in bed
    assert all(r.source == "Apple Health" and len(r.source_id) == 32 for r in records)


def test_2016_sample_with_inline_dtd(samples: Path) -> None:
    stream, records = read_all(samples / "apple-health" / "tdda_export6s3sample_v3_dtd.xml")
    assert kinds(records)["steps"] == 10
    assert all(r.unit == "count" for r in records if r.kind == "steps")
    # two ActivitySummary days and one Workout day, no AppleExerciseTime records to prefer
    active = sorted((r for r in records if r.kind == "active_minutes"), key=lambda r: r.start)
    assert [(r.value, r.unit) for r in active] == [(pytest.approx(31.7368, abs=1e-3), "min"), (89.0, "min"),
                                                  (6.0, "min")]
    assert stream.rejected == 0


@pytest.mark.parametrize("name", ["healthkit2sqlite_export_inline_route.xml", "healthkit2sqlite_zip"])
def test_withings_and_routes_sample(samples: Path, name: str) -> None:
    stream, records = read_all(samples / "apple-health" / name)
    assert stream.format == APPLE
    assert kinds(records) == {"heart_rate": 1, "active_minutes": 3}  # BMI is not kept; routes are skipped


@pytest.mark.parametrize("name", ["ahp_export.zip", "k0rventen_export_v13_with_routes.zip",
                                  "k0rventen_export_v13_localized_name.zip"])
def test_zip_samples(samples: Path, name: str) -> None:
    stream, records = read_all(samples / "apple-health" / name)
    assert stream.format == APPLE and stream.container == "zip" and records
    assert stream.rejected == 0


def test_localized_member_name_reads_the_same_as_export_xml(samples: Path) -> None:
    _, a = read_all(samples / "apple-health" / "k0rventen_export_v13_with_routes.zip")
    _, b = read_all(samples / "apple-health" / "k0rventen_export_v13_localized_name.zip")
    assert a == b
    counts = kinds(a)
    assert counts["heart_rate"] == 400 and counts["steps"] == 400 and counts["active_minutes"] == 400
    assert counts["height"] == 3 and counts["sleep_hours"] == 24
    assert counts["resting_heart_rate"] == 292  # 293 Records, one an exact repeat


# -- generated exports --------------------------------------------------------------------------------
@pytest.mark.parametrize("dtd", [True, False])
def test_generated_export_counts(tmp_path: Path, dtd: bool) -> None:
    path = tmp_path / "export.xml"
    summary = write_apple_health(path, 4000, seed=3, dtd=dtd)
    stream, records = read_all(path)
    counts = kinds(records)
    for kind in ("heart_rate", "steps", "resting_heart_rate", "weight", "glucose"):
        assert counts[kind] == summary.mapped[kind], kind
    minutes = [r for r in records if r.kind == "active_minutes"]
    per_minute = [r for r in minutes if r.end - r.start == timedelta(minutes=1)]  # type: ignore[operator]
    assert len(per_minute) == summary.mapped["active_minutes"]
    # summaries and workouts only on days the per-minute records do not cover
    record_days = {r.start.date() for r in per_minute}
    assert all(r.start.date() not in record_days for r in minutes if r not in per_minute)
    # every reading once, though each is written at top level and again inside a Correlation
    assert counts["systolic_bp"] == counts["diastolic_bp"] == summary.bp_pairs
    assert counts["sleep_hours"] == summary.sleep_nights
    assert all(r.value == pytest.approx(2.75 + 5 / 3 + 2.5, abs=1e-3) for r in records if r.kind == "sleep_hours")
    assert stream.rejected == 0
    assert len({r.source_id for r in records}) == len(records)


def test_generated_zip_with_junk_and_cda(tmp_path: Path) -> None:
    path = tmp_path / "export.zip"
    summary = write_apple_zip(path, 2000, seed=5)
    stream, records = read_all(path)
    assert stream.container == "zip" and kinds(records)["heart_rate"] == summary.mapped["heart_rate"]


def test_reimport_gives_the_same_ids(tmp_path: Path) -> None:
    path = tmp_path / "export.xml"
    write_apple_health(path, 3000, seed=9)
    _, first = read_all(path)
    _, second = read_all(path)
    assert [r.source_id for r in first] == [r.source_id for r in second]


def test_ids_do_not_depend_on_the_zone_the_export_was_written_in(tmp_path: Path) -> None:
    """The same samples exported on a phone set to another zone get other strings, not other ids."""
    here = export(tmp_path, rec("HKQuantityTypeIdentifierHeartRate", "70", "2024-03-01 08:00:00 +0100",
                                unit="count/min"), "a.xml")
    there = export(tmp_path, rec("HKQuantityTypeIdentifierHeartRate", "70", "2024-03-01 02:00:00 -0500",
                                 unit="count/min"), "b.xml")
    (a,) = read_all(here)[1]
    (b,) = read_all(there)[1]
    assert a.start == b.start and a.source_id == b.source_id


# -- mapping rules ------------------------------------------------------------------------------------
def test_every_mapped_type(tmp_path: Path) -> None:
    body = "".join(rec(hk, "1.5", unit="x") for hk in QUANTITY_KINDS)
    _, records = read_all(export(tmp_path, body))
    assert sorted(r.kind for r in records) == sorted(QUANTITY_KINDS.values())


def test_glucose_molar_unit_is_spelled_plainly(tmp_path: Path) -> None:
    body = rec("HKQuantityTypeIdentifierBloodGlucose", "5.6", unit="mmol&lt;180.1558800000541&gt;/L")
    ((record,),) = [read_all(export(tmp_path, body))[1]]
    assert (record.kind, record.value, record.unit) == ("glucose", 5.6, "mmol/L")


def test_correlation_only_readings_are_kept_once(tmp_path: Path) -> None:
    sys_rec = rec("HKQuantityTypeIdentifierBloodPressureSystolic", "128", unit="mmHg")
    dia_rec = rec("HKQuantityTypeIdentifierBloodPressureDiastolic", "82", unit="mmHg")
    corr = (' <Correlation type="HKCorrelationTypeIdentifierBloodPressure" sourceName="Phone" '
            'startDate="2024-03-01 08:00:00 +0100" endDate="2024-03-01 08:00:00 +0100">\n'
            f"  {sys_rec}  {dia_rec} </Correlation>\n")
    # a trimmed file with the Correlation only, and a real-style one with top-level copies first
    for body in (corr, sys_rec + dia_rec + corr, corr + sys_rec + dia_rec):
        _, records = read_all(export(tmp_path, body))
        assert sorted((r.kind, r.value) for r in records) == [("diastolic_bp", 82.0), ("systolic_bp", 128.0)]


def test_sleep_nights_join_overlapping_sources_and_skip_in_bed(tmp_path: Path) -> None:
    t = "HKCategoryTypeIdentifierSleepAnalysis"
    v = "HKCategoryValueSleepAnalysis"
    body = (
        rec(t, v + "InBed", "2024-03-01 22:00:00 +0100", "2024-03-02 07:00:00 +0100")
        + rec(t, v + "AsleepCore", "2024-03-01 23:00:00 +0100", "2024-03-02 01:00:00 +0100", source="Watch")
        + rec(t, v + "Awake", "2024-03-02 01:00:00 +0100", "2024-03-02 01:30:00 +0100", source="Watch")
        + rec(t, v + "AsleepDeep", "2024-03-02 01:30:00 +0100", "2024-03-02 03:00:00 +0100", source="Watch")
        + rec(t, v + "AsleepREM", "2024-03-02 03:00:00 +0100", "2024-03-02 06:00:00 +0100", source="Watch")
        # a sleep app says asleep 23:30-02:00: overlaps the Watch, adds nothing new but 01:00-01:30
        + rec(t, v + "Asleep", "2024-03-01 23:30:00 +0100", "2024-03-02 02:00:00 +0100", source="App")
        # the next night, after midnight
        + rec(t, v + "AsleepUnspecified", "2024-03-03 00:30:00 +0100", "2024-03-03 07:00:00 +0100")
        + rec(t, "HKCategoryValueSleepAnalysisSomethingNew", "2024-03-03 00:30:00 +0100")
    )
    stream, records = read_all(export(tmp_path, body))
    nights = [(r.start.date().isoformat(), r.value) for r in records]
    assert nights == [("2024-03-01", 7.0), ("2024-03-03", 6.5)]
    assert stream.problems.counts == {"sleep value not recognised": 1}
    assert stream.ignored == 2  # in bed, awake


def test_summaries_and_workouts_fill_only_days_without_exercise_records(tmp_path: Path) -> None:
    body = (
        rec("HKQuantityTypeIdentifierAppleExerciseTime", "1", "2024-03-01 08:00:00 +0100", unit="min")
        + ' <Workout workoutActivityType="HKWorkoutActivityTypeRunning" duration="30" durationUnit="min" '
          'sourceName="Watch" startDate="2024-03-01 18:00:00 +0100" endDate="2024-03-01 18:30:00 +0100"/>\n'
        + ' <Workout workoutActivityType="HKWorkoutActivityTypeRunning" duration="25" durationUnit="min" '
          'sourceName="Watch" startDate="2024-03-02 18:00:00 +0100" endDate="2024-03-02 18:25:00 +0100"/>\n'
        + ' <Workout workoutActivityType="HKWorkoutActivityTypeWalking" duration="40" durationUnit="min" '
          'sourceName="Watch" startDate="2024-03-03 18:00:00 +0100" endDate="2024-03-03 18:40:00 +0100"/>\n'
        + ' <ActivitySummary dateComponents="2024-03-01" appleExerciseTime="31"/>\n'
        + ' <ActivitySummary dateComponents="2024-03-02" appleExerciseTime="27"/>\n'
        + ' <ActivitySummary dateComponents="2024-03-03" appleExerciseTime="0"/>\n'
    )
    _, records = read_all(export(tmp_path, ' <ExportDate value="2024-04-01 10:00:00 +0100"/>\n' + body))
    got = sorted((r.start.date().isoformat(), r.value) for r in records)
    # day 1: the per-minute record; day 2: the summary; day 3: the summary says 0, the workout counts
    assert got == [("2024-03-01", 1.0), ("2024-03-02", 27.0), ("2024-03-03", 40.0)]
    summary = next(r for r in records if r.value == 27.0)
    assert summary.start == datetime(2024, 3, 2, tzinfo=timezone(timedelta(hours=1)))
    assert summary.end == summary.start + timedelta(days=1)


def test_bad_records_are_counted_not_raised(tmp_path: Path) -> None:
    hr = "HKQuantityTypeIdentifierHeartRate"
    body = (
        rec(hr, "70", unit="count/min")
        + rec(hr, "seventy", unit="count/min")
        + rec(hr, "nan", unit="count/min")
        + rec(hr, "70", "yesterday", unit="count/min")
        + rec(hr, "70", "2024-03-01 08:00:00", unit="count/min")  # no offset
        + ' <Record type="HKQuantityTypeIdentifierHeartRate" sourceName="x" startDate="2024-03-01 08:00:00 +0100" '
          'endDate="2024-03-01 08:00:00 +0100"/>\n'
        + rec("HKQuantityTypeIdentifierActiveEnergyBurned", "oops", unit="kcal")  # ignored, not rejected
    )
    stream, records = read_all(export(tmp_path, body))
    assert len(records) == 1
    assert stream.problems.counts == {
        "value is not a number": 1, "value is not a finite number": 1, "date or time could not be read": 2,
        "value is missing": 1,
    }
    assert stream.problems.first_line["value is not a number"] == 4
    assert stream.ignored == 1


def test_vertical_tabs_of_old_exports_are_dropped(tmp_path: Path) -> None:
    path = tmp_path / "export.xml"
    body = rec("HKQuantityTypeIdentifierStepCount", "12", unit="count").replace('sourceName="Phone"',
                                                                                  'sourceName="Ph\x0bone"')
    path.write_bytes((HEAD + body + TAIL).encode())
    _, records = read_all(path)
    assert [r.value for r in records] == [12.0]


# -- bad files -----------------------------------------------------------------------------------------
def test_truncated_export_is_refused_naming_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "export.xml"
    write_apple_health(path, 500)
    data = path.read_bytes()
    cut = tmp_path / "cut.xml"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(HealthImportError) as info:
        read_all(cut)
    assert info.value.file_name == "cut.xml" and "cut.xml" in str(info.value)
    assert "not well-formed" in str(info.value) and info.value.line is not None


def test_malformed_xml_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "export.xml"
    path.write_text(HEAD + ' <Record type="a" value="1"><oops></Record>\n' + TAIL)
    with pytest.raises(HealthImportError, match=r"export.xml, line 3: is not well-formed XML"):
        read_all(path)


def test_other_xml_roots_are_refused(tmp_path: Path) -> None:
    cda = tmp_path / "export_cda.xml"
    cda.write_text('<?xml version="1.0"?>\n<ClinicalDocument xmlns="urn:hl7-org:v3"></ClinicalDocument>\n')
    with pytest.raises(HealthImportError, match="clinical-document copy"):
        read_health_file(cda)
    # HealthData mentioned in a comment, but the root is something else
    sneaky = tmp_path / "x.xml"
    sneaky.write_text('<?xml version="1.0"?>\n<!-- <HealthData> -->\n<Record type="x"/>\n')
    with pytest.raises(HealthImportError, match="not an Apple Health export"):
        read_all(sneaky)


def test_zip_with_only_the_cda_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("apple_health_export/export_cda.xml", "<?xml version='1.0'?><ClinicalDocument/>")
    with pytest.raises(HealthImportError, match="no Apple Health, Fitbit or Google Fit export"):
        read_health_file(path)


def test_zip_with_two_exports_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("a/export.xml", HEAD + TAIL)
        zf.writestr("b/export.xml", HEAD + TAIL)
    with pytest.raises(HealthImportError, match="2 Apple Health exports"):
        read_health_file(path)


def test_state_kept_until_the_end_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from companion.lifestyle.importers import apple_health

    monkeypatch.setattr(apple_health, "_MAX_WORKOUTS", 2)
    workouts = "".join(
        f' <Workout workoutActivityType="HKWorkoutActivityTypeRunning" duration="30" durationUnit="min" '
        f'sourceName="Watch" startDate="2024-03-0{d} 18:00:00 +0100" endDate="2024-03-0{d} 18:30:00 +0100"/>\n'
        for d in range(1, 6))
    t = "HKCategoryTypeIdentifierSleepAnalysis"
    far = rec(t, "HKCategoryValueSleepAnalysisAsleepCore", "9999-03-01 23:00:00 +0100", "9999-03-02 01:00:00 +0100")
    # 300 one-minute pieces with gaps, written twice (600 > 512 kept): merged as they come, same total
    first = datetime(2024, 3, 1, 20, tzinfo=timezone.utc)
    fmt = "%Y-%m-%d %H:%M:%S %z"
    naps = "".join(
        rec(t, "HKCategoryValueSleepAnalysisAsleepCore", (first + timedelta(minutes=2 * i)).strftime(fmt),
            (first + timedelta(minutes=2 * i + 1)).strftime(fmt))
        for i in range(300))
    stream, records = read_all(export(tmp_path, workouts + far + naps + naps))
    assert kinds(records) == {"active_minutes": 2, "sleep_hours": 1}
    assert next(r.value for r in records if r.kind == "sleep_hours") == 5.0  # 300 distinct minutes
    assert stream.ignored == 3 and stream.problems.counts == {"date or time could not be read": 1}


def test_each_record_names_its_device_so_a_phone_and_a_watch_are_not_added_up(tmp_path: Path) -> None:
    steps = "HKQuantityTypeIdentifierStepCount"
    body = (rec(steps, "120", "2024-03-01 08:00:00 +0100", "2024-03-01 08:05:00 +0100", "count", "Anna's iPhone")
            + rec(steps, "118", "2024-03-01 08:00:30 +0100", "2024-03-01 08:05:30 +0100", "count", "Anna's Apple Watch"))
    _, records = read_all(export(tmp_path, body))
    assert [(r.value, r.device) for r in records] == [(120.0, "Anna's iPhone"), (118.0, "Anna's Apple Watch")]

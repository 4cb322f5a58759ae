"""Generators of realistic synthetic lifestyle exports, for tests and for ``bench/``.

Nothing here is anyone's data: values come from a seeded RNG, so the same arguments always give
the same bytes.

- ``write_apple_health(path, n_records, seed=1, ...)``: an Apple Health ``export.xml`` the way an
  iPhone + Apple Watch writes it (HealthKit Export Version 13): XML declaration, the inline
  ``<!DOCTYPE HealthData [...]>`` with element and attribute declarations (no entities),
  ``ExportDate``, ``Me``, then ``n_records`` ``Record`` elements grouped by type the way Apple
  orders them (heart rate, energy, distance and steps dominate; escaped ``<<HKDevice …>>`` device
  strings; ``MetadataEntry`` and HRV ``InstantaneousBeatsPerMinute`` children), blood-pressure
  ``Correlation``s whose Records also appear at top level, ``Workout``s with statistics and a
  route reference, and one ``ActivitySummary`` per day. Returns a :class:`AppleSummary` of what
  an importer should find.
- ``write_apple_zip(path, n_records, seed=1, member="apple_health_export/export.xml", junk=True)``:
  the same inside ``export.zip``, with ``export_cda.xml``, a route GPX and macOS junk.
"""
from __future__ import annotations

import random
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TextIO

DTD = """<!DOCTYPE HealthData [
<!-- HealthKit Export Version: 13 -->
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary|ClinicalRecord)*)>
<!ATTLIST HealthData
  locale CDATA #REQUIRED
>
<!ELEMENT ExportDate EMPTY>
<!ATTLIST ExportDate
  value CDATA #REQUIRED
>
<!ELEMENT Me EMPTY>
<!ATTLIST Me
  HKCharacteristicTypeIdentifierDateOfBirth                   CDATA #REQUIRED
  HKCharacteristicTypeIdentifierBiologicalSex                 CDATA #REQUIRED
  HKCharacteristicTypeIdentifierBloodType                     CDATA #REQUIRED
  HKCharacteristicTypeIdentifierFitzpatrickSkinType           CDATA #REQUIRED
  HKCharacteristicTypeIdentifierCardioFitnessMedicationsUse   CDATA #REQUIRED
>
<!ELEMENT Record ((MetadataEntry|HeartRateVariabilityMetadataList)*)>
<!ATTLIST Record
  type          CDATA #REQUIRED
  unit          CDATA #IMPLIED
  value         CDATA #IMPLIED
  sourceName    CDATA #REQUIRED
  sourceVersion CDATA #IMPLIED
  device        CDATA #IMPLIED
  creationDate  CDATA #IMPLIED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
>
<!-- Note: Any Records that appear as children of a correlation also appear as top-level records in this document. -->
<!ELEMENT Correlation ((MetadataEntry|Record)*)>
<!ATTLIST Correlation
  type          CDATA #REQUIRED
  sourceName    CDATA #REQUIRED
  sourceVersion CDATA #IMPLIED
  device        CDATA #IMPLIED
  creationDate  CDATA #IMPLIED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
>
<!ELEMENT Workout ((MetadataEntry|WorkoutEvent|WorkoutRoute|WorkoutStatistics)*)>
<!ATTLIST Workout
  workoutActivityType   CDATA #REQUIRED
  duration              CDATA #IMPLIED
  durationUnit          CDATA #IMPLIED
  totalDistance         CDATA #IMPLIED
  totalDistanceUnit     CDATA #IMPLIED
  totalEnergyBurned     CDATA #IMPLIED
  totalEnergyBurnedUnit CDATA #IMPLIED
  sourceName            CDATA #REQUIRED
  sourceVersion         CDATA #IMPLIED
  device                CDATA #IMPLIED
  creationDate          CDATA #IMPLIED
  startDate             CDATA #REQUIRED
  endDate               CDATA #REQUIRED
>
<!ELEMENT WorkoutStatistics EMPTY>
<!ATTLIST WorkoutStatistics
  type                 CDATA #REQUIRED
  startDate            CDATA #REQUIRED
  endDate              CDATA #REQUIRED
  average              CDATA #IMPLIED
  minimum              CDATA #IMPLIED
  maximum              CDATA #IMPLIED
  sum                  CDATA #IMPLIED
  unit                 CDATA #IMPLIED
>
<!ELEMENT WorkoutRoute ((MetadataEntry|FileReference)*)>
<!ATTLIST WorkoutRoute
  sourceName    CDATA #REQUIRED
  sourceVersion CDATA #IMPLIED
  device        CDATA #IMPLIED
  creationDate  CDATA #IMPLIED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
>
<!ELEMENT FileReference EMPTY>
<!ATTLIST FileReference
  path CDATA #REQUIRED
>
<!ELEMENT ActivitySummary EMPTY>
<!ATTLIST ActivitySummary
  dateComponents           CDATA #IMPLIED
  activeEnergyBurned       CDATA #IMPLIED
  activeEnergyBurnedGoal   CDATA #IMPLIED
  activeEnergyBurnedUnit   CDATA #IMPLIED
  appleMoveTime            CDATA #IMPLIED
  appleMoveTimeGoal        CDATA #IMPLIED
  appleExerciseTime        CDATA #IMPLIED
  appleExerciseTimeGoal    CDATA #IMPLIED
  appleStandHours          CDATA #IMPLIED
  appleStandHoursGoal      CDATA #IMPLIED
>
<!ELEMENT MetadataEntry EMPTY>
<!ATTLIST MetadataEntry
  key   CDATA #REQUIRED
  value CDATA #REQUIRED
>
<!ELEMENT HeartRateVariabilityMetadataList (InstantaneousBeatsPerMinute*)>
<!ELEMENT InstantaneousBeatsPerMinute EMPTY>
<!ATTLIST InstantaneousBeatsPerMinute
  bpm  CDATA #REQUIRED
  time CDATA #REQUIRED
>
]>
"""

WATCH = ("Jo\u2019s Apple\u00a0Watch", "10.2",
         "&lt;&lt;HKDevice: 0x3012772a0&gt;, name:Apple Watch, manufacturer:Apple Inc., model:Watch, "
         "hardware:Watch6,7, software:10.2&gt;")
PHONE = ("Jo\u2019s iPhone", "17.2",
         "&lt;&lt;HKDevice: 0x300d45e00&gt;, name:iPhone, manufacturer:Apple Inc., model:iPhone, "
         "hardware:iPhone14,2, software:17.2&gt;")
SCALE = ("Health Mate", "6.4.1", None)

# (HK type, unit, share of records, source, value maker, kind an importer maps it to or None)
_MIX: list[tuple[str, str, float, tuple[str, str, str | None], str, str | None]] = [
    ("HKQuantityTypeIdentifierHeartRate", "count/min", 0.30, WATCH, "hr", "heart_rate"),
    ("HKQuantityTypeIdentifierActiveEnergyBurned", "kcal", 0.20, WATCH, "kcal", None),
    ("HKQuantityTypeIdentifierBasalEnergyBurned", "kcal", 0.12, WATCH, "kcal", None),
    ("HKQuantityTypeIdentifierDistanceWalkingRunning", "km", 0.10, PHONE, "km", None),
    ("HKQuantityTypeIdentifierStepCount", "count", 0.12, PHONE, "steps", "steps"),
    ("HKQuantityTypeIdentifierAppleExerciseTime", "min", 0.06, WATCH, "one", "active_minutes"),
    ("HKQuantityTypeIdentifierAppleStandTime", "min", 0.04, WATCH, "one", None),
    ("HKQuantityTypeIdentifierHeartRateVariabilitySDNN", "ms", 0.01, WATCH, "hrv", None),
    ("HKQuantityTypeIdentifierRestingHeartRate", "count/min", 0.01, WATCH, "rhr", "resting_heart_rate"),
    ("HKQuantityTypeIdentifierBodyMass", "kg", 0.01, SCALE, "kg", "weight"),
    ("HKQuantityTypeIdentifierBloodGlucose", "mg/dL", 0.005, PHONE, "glucose", "glucose"),
    ("HKCategoryTypeIdentifierSleepAnalysis", "", 0.025, WATCH, "sleep", "sleep_hours"),
]
SYSTOLIC = "HKQuantityTypeIdentifierBloodPressureSystolic"
DIASTOLIC = "HKQuantityTypeIdentifierBloodPressureDiastolic"
_BP_SHARE = 0.005  # of n_records, each a Correlation with two children (+ two top-level Records)

TZ = timezone(timedelta(hours=2))
START = datetime(2017, 1, 1, 0, 0, 0, tzinfo=TZ)  # 3000 days on, still before 2025-04


@dataclass
class AppleSummary:
    """What an importer should read from the generated file."""

    records: int = 0  # top-level Record elements written
    mapped: Counter[str] = field(default_factory=Counter)  # mapped top-level Records per kind
    sleep_nights: int = 0
    bp_pairs: int = 0
    workouts: int = 0
    days: int = 0


def _d(t: datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%S %z")


def _attrs(kind: str, source: tuple[str, str, str | None], unit: str, start: datetime, end: datetime,
           value: str) -> str:
    name, version, device = source
    dev = f' device="{device}"' if device else ""
    u = f' unit="{unit}"' if unit else ""
    return (f'type="{kind}" sourceName="{name}" sourceVersion="{version}"{dev}{u} '
            f'creationDate="{_d(end + timedelta(seconds=7))}" startDate="{_d(start)}" endDate="{_d(end)}" '
            f'value="{value}"')


def write_apple_health(path: str | Path, n_records: int, seed: int = 1, *, dtd: bool = True,
                       locale: str = "en_GB") -> AppleSummary:
    """Write a synthetic export.xml with about ``n_records`` top-level Records."""
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        return _write(out, n_records, seed, dtd=dtd, locale=locale)


def _write(out: TextIO, n_records: int, seed: int, *, dtd: bool, locale: str) -> AppleSummary:
    rng = random.Random(seed)
    summary = AppleSummary()
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    if dtd:
        out.write(DTD)
    out.write(f'<HealthData locale="{locale}">\n <ExportDate value="{_d(START + timedelta(days=3000))}"/>\n')
    out.write(' <Me HKCharacteristicTypeIdentifierDateOfBirth="1970-01-01" '
              'HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexFemale" '
              'HKCharacteristicTypeIdentifierBloodType="HKBloodTypeNotSet" '
              'HKCharacteristicTypeIdentifierFitzpatrickSkinType="HKFitzpatrickSkinTypeNotSet" '
              'HKCharacteristicTypeIdentifierCardioFitnessMedicationsUse="None"/>\n')
    n_bp = max(1, int(n_records * _BP_SHARE)) if n_records >= 10 else 1
    bp_times: list[tuple[datetime, int, int]] = []
    write = out.write
    for kind, unit, share, source, maker, mapped in _MIX:
        count = max(1, int(n_records * share))
        if maker == "sleep":
            count = min(count - count % 4, 4 * 3000)
        step = timedelta(seconds=max(60, int(3000 * 86400 / max(count, 1))))
        t = START + timedelta(seconds=rng.randrange(3600))
        lines: list[str] = []
        i = 0
        while i < count:
            if maker == "sleep":
                # a night: in bed, then three asleep stages with an awake gap
                night = START + timedelta(days=i // 4, hours=22, minutes=rng.randrange(60))
                parts = [
                    ("HKCategoryValueSleepAnalysisInBed", night, night + timedelta(hours=8)),
                    ("HKCategoryValueSleepAnalysisAsleepCore", night + timedelta(minutes=15),
                     night + timedelta(hours=3)),
                    ("HKCategoryValueSleepAnalysisAsleepDeep", night + timedelta(hours=3, minutes=20),
                     night + timedelta(hours=5)),
                    ("HKCategoryValueSleepAnalysisAsleepREM", night + timedelta(hours=5),
                     night + timedelta(hours=7, minutes=30)),
                ]
                for value, s, e in parts:
                    lines.append(f' <Record {_attrs(kind, source, unit, s, e, value)}/>\n')
                summary.sleep_nights += 1
                i += 4
                continue
            t += step
            end = t + timedelta(seconds=60 if maker in ("one", "steps", "kcal", "km") else 0)
            value = _value(rng, maker)
            attrs = _attrs(kind, source, unit, t, end, value)
            if maker == "hr":
                lines.append(f' <Record {attrs}>\n  <MetadataEntry key="HKMetadataKeyHeartRateMotionContext" '
                             f'value="{rng.randrange(3)}"/>\n </Record>\n')
            elif maker == "hrv":
                beats = "".join(
                    f'   <InstantaneousBeatsPerMinute bpm="{rng.randrange(55, 80)}" time="{t:%I:%M:%S},{j:02d} PM"/>\n'
                    for j in range(6))
                lines.append(f' <Record {attrs}>\n  <HeartRateVariabilityMetadataList>\n{beats}'
                             '  </HeartRateVariabilityMetadataList>\n </Record>\n')
            else:
                lines.append(f' <Record {attrs}/>\n')
            i += 1
            if len(lines) >= 2000:
                write("".join(lines))
                lines.clear()
        write("".join(lines))
        summary.records += count
        if mapped:
            summary.mapped[mapped] += count
    # blood pressure: two top-level Records per reading, then the Correlations wrapping copies
    for i in range(n_bp):
        t = START + timedelta(hours=7, seconds=i * 3000 * 86400 // n_bp)
        bp_times.append((t, rng.randrange(105, 150), rng.randrange(65, 95)))
    for kind, idx in ((SYSTOLIC, 1), (DIASTOLIC, 2)):
        write("".join(f' <Record {_attrs(kind, SCALE, "mmHg", t, t, str(v[idx - 1]))}/>\n'
                      for t, *v in bp_times))
        summary.records += n_bp
        summary.mapped["systolic_bp" if idx == 1 else "diastolic_bp"] += n_bp
    for t, sys_v, dia_v in bp_times:
        write(f' <Correlation type="HKCorrelationTypeIdentifierBloodPressure" sourceName="{SCALE[0]}" '
              f'sourceVersion="{SCALE[1]}" creationDate="{_d(t)}" startDate="{_d(t)}" endDate="{_d(t)}">\n'
              f'  <Record {_attrs(SYSTOLIC, SCALE, "mmHg", t, t, str(sys_v))}/>\n'
              f'  <Record {_attrs(DIASTOLIC, SCALE, "mmHg", t, t, str(dia_v))}/>\n'
              ' </Correlation>\n')
    summary.bp_pairs = n_bp
    n_workouts = max(1, n_records // 2000)
    for i in range(n_workouts):
        s = START + timedelta(days=i * 3 % 3000, hours=18)
        minutes = 20 + rng.random() * 40
        e = s + timedelta(minutes=minutes)
        write(f' <Workout workoutActivityType="HKWorkoutActivityTypeRunning" duration="{minutes!r}" '
              f'durationUnit="min" sourceName="{WATCH[0]}" sourceVersion="{WATCH[1]}" device="{WATCH[2]}" '
              f'creationDate="{_d(e)}" startDate="{_d(s)}" endDate="{_d(e)}">\n'
              '  <MetadataEntry key="HKIndoorWorkout" value="0"/>\n'
              '  <MetadataEntry key="HKWeatherTemperature" value="56 degF"/>\n'
              f'  <WorkoutStatistics type="HKQuantityTypeIdentifierDistanceWalkingRunning" startDate="{_d(s)}" '
              f'endDate="{_d(e)}" sum="{minutes / 6:.3f}" unit="km"/>\n'
              f'  <WorkoutRoute sourceName="{PHONE[0]}" sourceVersion="{PHONE[1]}" creationDate="{_d(e)}" '
              f'startDate="{_d(s)}" endDate="{_d(e)}">\n'
              f'   <FileReference path="/workout-routes/route_{s:%Y-%m-%d_%I.%M%p}.gpx"/>\n'
              '  </WorkoutRoute>\n </Workout>\n')
    summary.workouts = n_workouts
    n_days = max(1, min(3000, n_records // 300))
    for i in range(n_days):
        d = (START + timedelta(days=i)).date()
        write(f' <ActivitySummary dateComponents="{d.isoformat()}" activeEnergyBurned="{rng.random() * 900:.3f}" '
              'activeEnergyBurnedGoal="600" activeEnergyBurnedUnit="kcal" appleMoveTime="0" appleMoveTimeGoal="0" '
              f'appleExerciseTime="{rng.randrange(90)}" appleExerciseTimeGoal="30" '
              f'appleStandHours="{rng.randrange(16)}" appleStandHoursGoal="12"/>\n')
    summary.days = n_days
    write("</HealthData>\n")
    return summary


def _value(rng: random.Random, maker: str) -> str:
    if maker == "hr":
        return str(rng.randrange(50, 160))
    if maker == "rhr":
        return str(rng.randrange(48, 70))
    if maker == "kcal":
        return f"{rng.random() * 2:.3f}"
    if maker == "km":
        return f"{rng.random() * 0.1:.5f}"
    if maker == "steps":
        return str(rng.randrange(1, 180))
    if maker == "one":
        return "1"
    if maker == "hrv":
        return f"{20 + rng.random() * 60:.4f}"
    if maker == "kg":
        return f"{70 + rng.random() * 5:.2f}"
    if maker == "glucose":
        return str(rng.randrange(80, 140))
    raise ValueError(maker)


def write_apple_zip(path: str | Path, n_records: int, seed: int = 1, *,
                    member: str = "apple_health_export/export.xml", junk: bool = True) -> AppleSummary:
    """Write ``export.zip`` as the Health app shares it (plus macOS junk when ``junk``)."""
    path = Path(path)
    xml_path = path.with_suffix(".xml.tmp")
    summary = write_apple_health(xml_path, n_records, seed)
    try:
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("apple_health_export/", b"")
            zf.write(xml_path, member)
            zf.writestr("apple_health_export/export_cda.xml",
                        '<?xml version="1.0" encoding="UTF-8"?>\n<ClinicalDocument xmlns="urn:hl7-org:v3">'
                        "</ClinicalDocument>\n")
            zf.writestr("apple_health_export/workout-routes/route_2019-01-01_6.00pm.gpx",
                        '<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="Apple Health Export">'
                        "</gpx>\n")
            if junk:
                zf.writestr("apple_health_export/.DS_Store", b"\x00\x00\x00\x01Bud1" + bytes(64))
                zf.writestr("__MACOSX/apple_health_export/._export.xml", b"\x00\x05\x16\x07" + bytes(60))
    finally:
        xml_path.unlink()
    return summary


if __name__ == "__main__":  # pragma: no cover - a helper for bench runs by hand
    import sys

    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    print(write_apple_health(sys.argv[1], n))

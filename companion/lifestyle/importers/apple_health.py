"""Apple Health ``export.xml`` (alone or inside ``export.zip``), streamed in bounded memory.

The file is fed to a hardened expat parser (:mod:`.safe_xml`) a megabyte at a time; only start
tags are looked at and nothing is kept of an element once its tag is read, so memory does not
grow with the file. What is read (HealthKit identifiers checked against Apple's documentation):

- ``Record`` of the quantity types in :data:`QUANTITY_KINDS`, one observation each, value and
  unit as written (Apple's ``mmol<180.15…>/L`` is written ``mmol/L``);
- ``HKCategoryTypeIdentifierSleepAnalysis``: the asleep values (unspecified, core, deep, REM,
  and the pre-iOS 16 ``Asleep``) are joined per night — noon to noon, local time — as the
  union of their intervals over all sources (a Watch and a sleep app overlap), one
  ``sleep_hours`` record per night; ``InBed`` and ``Awake`` are not sleep;
- blood-pressure ``Correlation``s: their child Records are also written at top level, so a
  child is read only when the same reading was not already seen;
- ``ActivitySummary.appleExerciseTime`` and ``Workout`` durations fill ``active_minutes`` on
  days that have no ``AppleExerciseTime`` records (each counts the same minutes once);
- everything else (energy, distance, stand hours, routes, ECGs, clinical records) is skipped.

HealthKit has no type for smoking, fruit and vegetables, HbA1c, lipids or creatinine: those
come from lab results, not from an Apple Health export.
"""
from __future__ import annotations

import functools
import hashlib
import itertools
import math
import pyexpat
import re
import zipfile
from sys import intern
from collections.abc import Iterator
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import IO

from companion.lifestyle.importers import common
from companion.lifestyle.importers.archive import Bundle, Member, compressed_magic
from companion.lifestyle.importers.common import Problems, Ticker, epoch, make_record, record_id
from companion.lifestyle.importers.errors import HealthImportError
from companion.lifestyle.importers.safe_xml import MAX_DEPTH, SafeXml
from companion.lifestyle.records import RawRecord

SOURCE = "Apple Health"
CHUNK = 256 << 10  # also bounds how deep one chunk can nest before the depth check (~10 MB)

QUANTITY_KINDS: dict[str, str] = {
    "HKQuantityTypeIdentifierBodyMass": "weight",
    "HKQuantityTypeIdentifierHeight": "height",
    "HKQuantityTypeIdentifierWaistCircumference": "waist",
    "HKQuantityTypeIdentifierBloodPressureSystolic": "systolic_bp",
    "HKQuantityTypeIdentifierBloodPressureDiastolic": "diastolic_bp",
    "HKQuantityTypeIdentifierHeartRate": "heart_rate",
    "HKQuantityTypeIdentifierRestingHeartRate": "resting_heart_rate",
    "HKQuantityTypeIdentifierStepCount": "steps",
    "HKQuantityTypeIdentifierAppleExerciseTime": "active_minutes",
    "HKQuantityTypeIdentifierBloodGlucose": "glucose",
    "HKQuantityTypeIdentifierNumberOfAlcoholicBeverages": "alcohol_drinks",
}
SLEEP_TYPE = "HKCategoryTypeIdentifierSleepAnalysis"
ASLEEP = frozenset({
    "HKCategoryValueSleepAnalysisAsleep",  # before iOS 16
    "HKCategoryValueSleepAnalysisAsleepUnspecified",
    "HKCategoryValueSleepAnalysisAsleepCore",
    "HKCategoryValueSleepAnalysisAsleepDeep",
    "HKCategoryValueSleepAnalysisAsleepREM",
})
NOT_ASLEEP = frozenset({"HKCategoryValueSleepAnalysisInBed", "HKCategoryValueSleepAnalysisAwake"})
# kinds a Correlation may wrap (blood pressure, food): few records, so their ids are remembered
_DEDUPED = frozenset(QUANTITY_KINDS.values()) - {"heart_rate", "steps", "active_minutes"}
_MAX_SEEN = 500_000
_MAX_WORKOUTS = 200_000  # kept until the end (for days without exercise minutes): a bound on memory
FIRST_YEAR, LAST_YEAR = 1900, 2100  # day-keyed state is kept only for plausible dates
_TOP_LEVEL = frozenset({"Workout", "ActivitySummary", "ExportDate"})  # two readings a day for 300 years
_HALF_DAY = timedelta(hours=12)
_MOLAR = re.compile(r"<[^>]*>")
_fromiso = datetime.fromisoformat

UNKNOWN_SLEEP = "sleep value not recognised"
NOT_EXPORT = "is not an Apple Health export (its first element is not HealthData)"


def hk_date(text: str) -> datetime:
    """``2019-06-11 15:00:00 +0200`` → an aware datetime; raises ValueError (also without an offset)."""
    if len(text) == 25 and text[19] == " ":
        moment = _fromiso(text[:19] + text[20:])
    else:
        moment = _fromiso(text.strip().replace(" +", "+").replace(" -", "-"))
    if moment.tzinfo is None:
        raise ValueError("no offset")
    return moment


class _Reader:
    """Element handlers and the state kept between them (nights, summaries, workouts)."""

    def __init__(self, xml: SafeXml, problems: Problems, assume_tz: tzinfo | None) -> None:
        self.xml = xml
        self.problems = problems
        self.assume_tz = assume_tz
        self.out: list[RawRecord] = []
        self.starts = 0
        self._ends = itertools.count()
        self.ignored = 0
        self.zone: tzinfo | None = None  # from ExportDate, for day-only dates
        self.nights: dict[date, list] = {}  # night -> [intervals, first start, last end]
        self.exercise_days: set[str] = set()
        self.summary_minutes: dict[str, str] = {}
        self.workouts: list[tuple[str, datetime, datetime, float, str, str]] = []
        self.seen_ids: set[str] = set()
        self._install(xml.parser)

    def _install(self, parser: pyexpat.XMLParserType) -> None:
        """Set the element handlers: closures over locals, since they run for every element."""
        kinds_get = QUANTITY_KINDS.get
        out_append = self.out.append
        fromiso = _fromiso
        blake2b = hashlib.blake2b
        isfinite = math.isfinite
        make = make_record
        low_volume = _DEDUPED
        seen = self.seen_ids
        exercise_days = self.exercise_days
        problem = self._problem

        def start(name: str, attrs: dict[str, str]) -> None:
            starts = self.starts = self.starts + 1
            if starts == 1 and name != "HealthData":
                self.xml.refuse(NOT_EXPORT)
            if name != "Record":
                if name in _TOP_LEVEL:
                    self.top_level(name, attrs)
                return
            hk_type = attrs.get("type")
            kind = kinds_get(hk_type)  # type: ignore[arg-type]
            if kind is None:
                if hk_type == SLEEP_TYPE:
                    self.sleep(attrs)
                else:
                    self.ignored += 1
                return
            try:
                start_text = attrs["startDate"]
                end_text = attrs.get("endDate", start_text)
                if len(start_text) == 25 and start_text[19] == " ":
                    begin = fromiso(start_text[:19] + start_text[20:])
                else:
                    begin = hk_date(start_text)
                if end_text == start_text:
                    finish = begin
                elif len(end_text) == 25 and end_text[19] == " ":
                    finish = fromiso(end_text[:19] + end_text[20:])
                else:
                    finish = hk_date(end_text)
                if begin.tzinfo is None or finish.tzinfo is None:
                    raise ValueError("no offset")
                stamp = int(begin.timestamp())
                end_stamp = stamp if finish is begin else int(finish.timestamp())
            except (KeyError, ValueError, OverflowError):
                problem(common.BAD_DATE)
                return
            value_text = attrs.get("value")
            if value_text is None:
                problem(common.MISSING_VALUE)
                return
            try:
                value = float(value_text)
            except ValueError:
                problem(common.BAD_VALUE)
                return
            if not isfinite(value):
                problem(common.NOT_FINITE)
                return
            unit = attrs.get("unit", "")
            if "<" in unit:
                unit = _MOLAR.sub("", unit)
            device = intern(attrs.get("sourceName", ""))  # one string object per device: pickled and bound once
            key = f"{hk_type}\x1f{device}\x1f{stamp}\x1f{end_stamp}\x1f{value_text}\x1f{unit}"
            sid = blake2b(key.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
            if kind in low_volume:
                # Correlation children repeat top-level Records: read each reading once
                if sid in seen:
                    return
                if len(seen) < _MAX_SEEN:
                    seen.add(sid)
            elif kind == "active_minutes":
                if FIRST_YEAR <= begin.year <= LAST_YEAR:  # bounds the set, whatever the file
                    exercise_days.add(start_text[:10])
            out_append(make(kind, value, unit, begin, finish, SOURCE, sid, device or None))

        parser.StartElementHandler = start
        # End tags only need counting (depth = starts - ends, checked per chunk): next(counter, name)
        # through functools.partial runs in C, with no Python frame per element.
        parser.EndElementHandler = functools.partial(next, self._ends)

    @property
    def depth(self) -> int:
        ends: int = self._ends.__reduce__()[1][0]  # type: ignore[index,assignment]
        return self.starts - ends

    def check_depth(self) -> None:
        """Called after each chunk: nesting deeper than Apple's few levels is refused (expat's
        memory grows with open elements: 5 million nested tags in 15 MB would take 600 MB)."""
        if self.depth > MAX_DEPTH:
            self.xml.refuse("is nested too deeply to be a health export; it was not read")

    def top_level(self, name: str, attrs: dict[str, str]) -> None:
        if name == "Workout":
            self.workout(attrs)
        elif name == "ActivitySummary":
            self.activity_summary(attrs)
        elif name == "ExportDate":
            try:
                self.zone = hk_date(attrs.get("value", "")).tzinfo
            except ValueError:
                pass

    def _problem(self, reason: str) -> None:
        self.problems.add(reason, self.xml.parser.CurrentLineNumber)

    def sleep(self, attrs: dict[str, str]) -> None:
        value = attrs.get("value", "")
        if value not in ASLEEP:
            if value in NOT_ASLEEP:
                self.ignored += 1
            else:
                self._problem(UNKNOWN_SLEEP)
            return
        span = self._span(attrs)
        if span is None or span[1] < span[0]:
            if span is not None:
                self._problem(common.BAD_DATE)
            return
        start, end = span
        if not FIRST_YEAR <= start.year <= LAST_YEAR:
            self._problem(common.BAD_DATE)  # keeps the nights kept below bounded, whatever the file
            return
        night = (start.replace(tzinfo=None) - _HALF_DAY).date()
        entry = self.nights.get(night)
        if entry is None:
            self.nights[night] = [[(epoch(start), epoch(end))], start, end]
            return
        intervals = entry[0]
        intervals.append((epoch(start), epoch(end)))
        if len(intervals) > 512:
            intervals[:] = _merged(intervals)
        if start < entry[1]:
            entry[1] = start
        if end > entry[2]:
            entry[2] = end

    def activity_summary(self, attrs: dict[str, str]) -> None:
        day = attrs.get("dateComponents")
        minutes = attrs.get("appleExerciseTime")
        if not day or minutes is None:
            return
        try:
            if not FIRST_YEAR <= date.fromisoformat(day).year <= LAST_YEAR:
                raise ValueError("year")
            value = float(minutes)
        except ValueError:
            self._problem(common.BAD_VALUE)
            return
        if math.isfinite(value) and value > 0:
            self.summary_minutes[day] = minutes

    def _span(self, attrs: dict[str, str]) -> tuple[datetime, datetime] | None:
        """An element's start and end, or None (counted as a bad date) when either cannot be read."""
        try:
            return hk_date(attrs["startDate"]), hk_date(attrs["endDate"])
        except (KeyError, ValueError):
            self._problem(common.BAD_DATE)
            return None

    def workout(self, attrs: dict[str, str]) -> None:
        duration = attrs.get("duration")
        if duration is None:
            return
        span = self._span(attrs)
        if span is None:
            return
        start, end = span
        try:
            value = float(duration)
        except ValueError:
            self._problem(common.BAD_VALUE)
            return
        if math.isfinite(value) and value > 0:
            if len(self.workouts) >= _MAX_WORKOUTS or not FIRST_YEAR <= start.year <= LAST_YEAR:
                self.ignored += 1
                return
            self.workouts.append((attrs["startDate"][:10], start, end, value, attrs.get("durationUnit", "min"),
                                  attrs.get("sourceName", "")))

    # -- after the last element --------------------------------------------------------------------
    def finish(self) -> list[RawRecord]:
        out: list[RawRecord] = []
        for night in sorted(self.nights):
            intervals, first, last = self.nights[night]
            hours = round(_union_seconds(intervals) / 3600, 4)
            sid = record_id("sleep_hours", night.isoformat(), epoch(first), epoch(last), hours)
            out.append(RawRecord("sleep_hours", hours, "h", first, last, SOURCE, sid))
        zone = self.zone if self.zone is not None else self.assume_tz
        covered = set(self.exercise_days)
        for day in sorted(self.summary_minutes):
            if day in covered:
                continue
            minutes = self.summary_minutes[day]
            start, end = common.day_span(date.fromisoformat(day), zone)
            out.append(RawRecord("active_minutes", float(minutes), "min", start, end, SOURCE,
                                 record_id("ActivitySummary", day, minutes)))
        covered.update(self.summary_minutes)
        for day, start, end, value, unit, source_name in self.workouts:
            if day in covered:
                continue
            out.append(RawRecord("active_minutes", value, unit, start, end, SOURCE,
                                 record_id("Workout", source_name, epoch(start), epoch(end), repr(value), unit)))
        return out


def _merged(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The union of ``intervals`` as sorted, disjoint intervals."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(intervals):
        if out and start <= out[-1][1]:
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def _union_seconds(intervals: list[tuple[int, int]]) -> int:
    return sum(end - start for start, end in _merged(intervals))


def find_export_member(bundle: Bundle) -> Member:
    """The export.xml of an export.zip or folder, whatever its localised name (``导出.xml``)."""
    found: list[Member] = []
    for member in bundle:
        lower = member.name.lower()
        if not lower.endswith(".xml") or "/workout-routes/" in f"/{lower}" or "clinical-records/" in lower:
            continue
        head = bundle.head(member, 4096)
        if compressed_magic(head):
            raise HealthImportError(bundle.file_name, "is a zip holding another compressed archive; it was not opened")
        if looks_like_export(head):
            found.append(member)
    if not found:
        raise HealthImportError(bundle.file_name, "holds no Apple Health export.xml")
    if len(found) > 1:
        raise HealthImportError(
            bundle.file_name, f"holds {len(found)} Apple Health exports; import one export.zip at a time"
        )
    return found[0]


def looks_like_export(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf")
    return b"<HealthData" in text or b"<!DOCTYPE HealthData" in text


def read_xml_stream(stream: IO[bytes], file_name: str, size: int, ticker: Ticker, problems: Problems,
                    assume_tz: tzinfo | None, counters: dict[str, int], scale: float = 1.0) -> Iterator[RawRecord]:
    """Records of one export.xml stream; ``scale`` turns its bytes into progress units."""
    xml = SafeXml(file_name)
    reader = _Reader(xml, problems, assume_tz)
    done = 0
    while True:
        ticker(int(done * scale))
        try:
            chunk = stream.read(CHUNK)
        except (OSError, EOFError, ValueError, zipfile.BadZipFile):
            raise HealthImportError(file_name, "could not be read to the end (damaged or cut short)") from None
        if not chunk:
            break
        done += len(chunk)
        xml.feed(chunk)
        reader.check_depth()
        if reader.out:
            yield from reader.out
            reader.out.clear()
    xml.feed(b"", True)
    yield from reader.out
    reader.out.clear()
    yield from reader.finish()
    counters["ignored"] = counters.get("ignored", 0) + reader.ignored
    ticker(int(size * scale))


def read_apple_xml(path: Path, file_name: str, ticker: Ticker, problems: Problems, assume_tz: tzinfo | None,
                   counters: dict[str, int]) -> Iterator[RawRecord]:
    """Records of a plain export.xml."""
    try:
        stream = open(path, "rb")  # noqa: SIM115 - closed by the with below
        size = path.stat().st_size
    except OSError:
        raise HealthImportError(file_name, "cannot be read (missing, a folder, or permission denied)") from None
    with stream:
        yield from read_xml_stream(stream, file_name, size, ticker, problems, assume_tz, counters)


def read_apple_bundle(bundle: Bundle, ticker: Ticker, problems: Problems, assume_tz: tzinfo | None,
                      counters: dict[str, int]) -> Iterator[RawRecord]:
    """Records of the export member of an export.zip (or an unzipped apple_health_export folder)."""
    member = find_export_member(bundle)
    scale = bundle.total / member.size if member.size else 1.0
    with bundle.open(member) as stream:
        yield from read_xml_stream(stream, bundle.file_name, member.size, ticker, problems, assume_tz, counters,
                                   scale)

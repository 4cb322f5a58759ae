"""Fitbit account archive (``user-site-export/`` or Takeout's ``Global Export Data/``), folder or zip.

Each file is one JSON array for one metric and period; the metric is the part of the file name
before the date (``steps-2017-11-02.json``) because steps and distance look alike inside.
What is read:

- ``steps-*``: per-minute counts (minutes with 0 carry no steps and are skipped) → ``steps``;
- ``heart_rate-*``: ``value.bpm`` → ``heart_rate`` (``count/min``);
- ``resting_heart_rate-*``: ``value.value`` per day → ``resting_heart_rate``; the 0.0
  placeholders of days without data are skipped;
- ``moderately_active_minutes-*`` and ``very_active_minutes-*`` → ``active_minutes`` per day
  (lightly active minutes are not moderate-or-vigorous activity);
- ``weight-*``: in the account's unit, which the file does not name: told from ``weight / bmi``
  (kg/m² gives 2–4.4 for kg, 4.4–10 for lb); without a BMI the record is rejected;
- ``height-*``: millimetres → ``height`` in cm;
- ``sleep-*``: main sleeps (naps are skipped) → ``sleep_hours`` from ``minutesAsleep``.

Times are local wall-clock times without a zone: they are read in ``assume_tz`` (or the
computer's zone), while record ids use the text as written, so a re-import in another zone
still matches.
"""
from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone, tzinfo

from companion.lifestyle.importers import common
from companion.lifestyle.importers.archive import Bundle, Member
from companion.lifestyle.importers.common import Problems, Ticker, record_id
from companion.lifestyle.importers.errors import HealthImportError
from companion.lifestyle.records import RawRecord

SOURCE = "Fitbit"
MAX_FILE = 16 << 20  # a busy heart-rate day is about 2 MB; parsed JSON takes ~10x its size
_NAME = re.compile(r"^(?P<metric>[a-z_]+)-(?:\d{4}-\d{2}-\d{2}|\d+)\.json$")
METRICS = frozenset({
    "steps", "heart_rate", "resting_heart_rate", "moderately_active_minutes", "very_active_minutes",
    "weight", "height", "sleep",
})
_MINUTE = timedelta(minutes=1)

UNKNOWN_WEIGHT_UNIT = "weight unit could not be told (no BMI beside it)"


def metric_of(member: Member) -> str | None:
    match = _NAME.match(member.base)
    return match.group("metric") if match else None


class _Zones:
    """Naive local times to aware ones, the zone looked up once per hour of the day."""

    def __init__(self, assume_tz: tzinfo | None) -> None:
        self.assume_tz = assume_tz
        self.cache: dict[tuple[int, int, int, int], tzinfo] = {}

    def aware(self, naive: datetime) -> datetime:
        if self.assume_tz is not None:
            return naive.replace(tzinfo=self.assume_tz)
        key = (naive.year, naive.month, naive.day, naive.hour)
        zone = self.cache.get(key)
        if zone is None:
            zone = common.attach_zone(naive, None).tzinfo or timezone.utc
            self.cache[key] = zone
        return naive.replace(tzinfo=zone)


def us_datetime(text: str) -> datetime:
    """``05/21/18 14:24:59`` (US order, two-digit year) → a naive datetime; raises ValueError."""
    if len(text) != 17 or text[2] != "/" or text[5] != "/" or text[8] != " ":
        raise ValueError(text)
    return datetime(2000 + int(text[6:8]), int(text[0:2]), int(text[3:5]),
                    int(text[9:11]), int(text[12:14]), int(text[15:17]))


def us_date(text: str) -> date:
    """``05/21/18`` → a date; raises ValueError."""
    if len(text) != 8 or text[2] != "/" or text[5] != "/":
        raise ValueError(text)
    return date(2000 + int(text[6:8]), int(text[0:2]), int(text[3:5]))


def _number(value: object) -> float:
    if isinstance(value, bool) or value is None:
        raise ValueError("not a number")
    number = float(value) if isinstance(value, (int, float)) else float(str(value).strip())
    if not math.isfinite(number):
        raise ValueError("not finite")
    return number


def _load(bundle: Bundle, member: Member) -> list[object] | None:
    data = bundle.read(member, MAX_FILE)
    try:
        parsed = json.loads(data)
    except (ValueError, RecursionError):
        raise HealthImportError(bundle.file_name, f"holds {member.base}, which is not valid JSON") from None
    return parsed if isinstance(parsed, list) else None


def read_fitbit(bundle: Bundle, ticker: Ticker, problems: Problems, assume_tz: tzinfo | None,
                counters: dict[str, int]) -> Iterator[RawRecord]:
    """Records of every Fitbit file of the bundle that holds a metric we keep."""
    zones = _Zones(assume_tz)
    done = 0
    for member in bundle:
        ticker(done)
        done += member.packed
        if not member.base.lower().endswith(".json"):
            continue
        metric = metric_of(member)
        if metric not in METRICS:
            continue
        entries = _load(bundle, member)
        if entries is None:
            problems.add("file is not a list of Fitbit entries")
            continue
        reader = _READERS[metric]
        for entry in entries:
            if not isinstance(entry, dict):
                problems.add(common.BAD_ROW)
                continue
            try:
                record = reader(metric, entry, zones, problems)
            except (KeyError, ValueError, TypeError, OverflowError, ZeroDivisionError):
                problems.add(common.BAD_VALUE)
                continue
            if record is None:
                counters["ignored"] = counters.get("ignored", 0) + 1
            else:
                yield record
    ticker(bundle.total)


def _series_time(entry: dict, zones: _Zones, problems: Problems) -> tuple[str, datetime] | None:
    text = entry.get("dateTime")
    if not isinstance(text, str):
        problems.add(common.BAD_DATE)
        return None
    try:
        return text, zones.aware(us_datetime(text))
    except ValueError:
        problems.add(common.BAD_DATE)
        return None


def _steps(metric: str, entry: dict, zones: _Zones, problems: Problems) -> RawRecord | None:
    when = _series_time(entry, zones, problems)
    if when is None:
        return None
    value = _number(entry["value"])
    if value == 0:
        return None
    text, start = when
    return RawRecord("steps", value, "count", start, start + _MINUTE, SOURCE,
                     record_id("fitbit", metric, text, entry["value"]))


def _heart_rate(metric: str, entry: dict, zones: _Zones, problems: Problems) -> RawRecord | None:
    when = _series_time(entry, zones, problems)
    if when is None:
        return None
    bpm = _number(entry["value"]["bpm"])
    text, start = when
    return RawRecord("heart_rate", bpm, "count/min", start, start, SOURCE, record_id("fitbit", metric, text, bpm))


def _daily(metric: str, entry: dict, zones: _Zones, problems: Problems) -> RawRecord | None:
    when = _series_time(entry, zones, problems)
    if when is None:
        return None
    text, moment = when
    raw = entry["value"]
    if metric == "resting_heart_rate":
        value = _number(raw["value"]) if isinstance(raw, dict) else _number(raw)
        kind, unit = "resting_heart_rate", "count/min"
    else:
        value = _number(raw)
        kind, unit = "active_minutes", "min"
    if value == 0:
        return None  # Fitbit's placeholder for a day without data
    start, end = common.day_span(moment.date(), zones.assume_tz)
    return RawRecord(kind, value, unit, start, end, SOURCE, record_id("fitbit", metric, text, value))


def _weight(metric: str, entry: dict, zones: _Zones, problems: Problems) -> RawRecord | None:
    weight = _number(entry["weight"])
    clock = str(entry.get("time", "00:00:00"))
    try:
        naive = datetime.combine(us_date(str(entry["date"])), datetime.strptime(clock, "%H:%M:%S").time())
    except (KeyError, ValueError):
        problems.add(common.BAD_DATE)
        return None
    bmi = entry.get("bmi")
    unit = None
    if bmi is not None:
        ratio = weight / _number(bmi) if _number(bmi) > 0 else 0
        if 1.5 <= ratio < 4.4:
            unit = "kg"
        elif 4.4 <= ratio <= 11:
            unit = "lb"
    if unit is None:
        problems.add(UNKNOWN_WEIGHT_UNIT)
        return None
    moment = zones.aware(naive)
    sid = record_id("fitbit", "weight", entry.get("logId") or f"{entry['date']} {clock}", weight)
    return RawRecord("weight", weight, unit, moment, moment, SOURCE, sid)


def _height(metric: str, entry: dict, zones: _Zones, problems: Problems) -> RawRecord | None:
    when = _series_time(entry, zones, problems)
    if when is None:
        return None
    millimetres = _number(entry["value"])
    if millimetres == 0:
        return None
    text, moment = when
    return RawRecord("height", millimetres / 10, "cm", moment, moment, SOURCE,
                     record_id("fitbit", metric, text, millimetres))


def _sleep(metric: str, entry: dict, zones: _Zones, problems: Problems) -> RawRecord | None:
    if entry.get("mainSleep") is False:
        return None  # a nap
    try:
        start = zones.aware(datetime.fromisoformat(str(entry["startTime"])))
        end = zones.aware(datetime.fromisoformat(str(entry["endTime"])))
    except (KeyError, ValueError):
        problems.add(common.BAD_DATE)
        return None
    minutes = _number(entry["minutesAsleep"])
    hours = round(minutes / 60, 4)
    sid = record_id("fitbit", "sleep", entry.get("logId") or entry["startTime"], minutes)
    return RawRecord("sleep_hours", hours, "h", start, end, SOURCE, sid)


_READERS = {
    "steps": _steps,
    "heart_rate": _heart_rate,
    "resting_heart_rate": _daily,
    "moderately_active_minutes": _daily,
    "very_active_minutes": _daily,
    "weight": _weight,
    "height": _height,
    "sleep": _sleep,
}

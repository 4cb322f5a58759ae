"""Google Fit in Google Takeout: the daily-summary table and ``All Data`` JSON, folder or zip.

- The daily table (``Daily activity metrics.csv``, formerly ``Daily Summaries.csv``; one row
  a day, columns only for metrics the user has, in any order, so read by header name):
  ``Step count`` → ``steps``, ``Heart Minutes`` (minutes of moderate or vigorous activity) →
  ``active_minutes``, ``Average heart rate (bpm)`` → ``heart_rate`` (the day's mean),
  ``Sleep duration (ms)`` → ``sleep_hours``, ``Average weight (kg)`` → ``weight`` unless the
  weighings themselves come from ``All Data``. Empty cells mean "no data".
- ``All Data/*.json`` (``{"Data Source": …, "Data Points": [...]}``, times in nanoseconds since
  1970): weight (kg), height (m, read as cm), blood pressure (mmHg) and blood glucose (mmol/L)
  points; the same point written in a raw and a derived file is read once.

The per-day 15-minute tables and sessions repeat what the daily table holds and are skipped.
"""
from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterator
from datetime import date, datetime, timezone, tzinfo

from companion.lifestyle.importers import common
from companion.lifestyle.importers.archive import Bundle, Member
from companion.lifestyle.importers.common import Problems, Ticker, record_id
from companion.lifestyle.importers.detect import is_google_fit_json, is_google_fit_summary
from companion.lifestyle.importers.errors import HealthImportError
from companion.lifestyle.records import RawRecord

SOURCE = "Google Fit"
MAX_TABLE = 64 << 20  # one row a day: a few hundred kB for ten years
MAX_POINTS = 16 << 20  # weight, height, blood pressure, glucose: a few points a day at most
_SOURCE_TYPE = re.compile(rb'"Data Source"\s*:\s*"[^":]*:([A-Za-z0-9_.]+)')

# daily-table column -> (kind, unit, factor)
SUMMARY_COLUMNS: dict[str, tuple[str, str, float]] = {
    "Step count": ("steps", "count", 1.0),
    "Heart Minutes": ("active_minutes", "min", 1.0),
    "Average heart rate (bpm)": ("heart_rate", "count/min", 1.0),
    "Sleep duration (ms)": ("sleep_hours", "h", 1 / 3_600_000),
    "Average weight (kg)": ("weight", "kg", 1.0),
}
# All Data type -> [(kind, unit, factor) per fitValue position]
POINT_TYPES: dict[str, list[tuple[str, str, float]]] = {
    "com.google.weight": [("weight", "kg", 1.0)],
    "com.google.height": [("height", "cm", 100.0)],
    "com.google.blood_pressure": [("systolic_bp", "mmHg", 1.0), ("diastolic_bp", "mmHg", 1.0)],
    "com.google.blood_glucose": [("glucose", "mmol/L", 1.0)],
}


def read_google_fit(bundle: Bundle, ticker: Ticker, problems: Problems, assume_tz: tzinfo | None,
                    counters: dict[str, int]) -> Iterator[RawRecord]:
    """Records of every Google Fit file of the bundle that we read."""
    tables: list[Member] = []
    seen: set[str] = set()
    weights_from_points = False
    done = 0
    for member in bundle:
        lower = member.base.lower()
        if lower.endswith(".csv"):
            if is_google_fit_summary(bundle.head(member, 4096)):
                tables.append(member)
            continue
        if not lower.endswith(".json"):
            continue
        ticker(done)
        done += member.packed
        head = bundle.head(member, 64 * 1024)
        if not is_google_fit_json(head):
            continue
        source_type = _SOURCE_TYPE.search(head)
        if source_type is None or source_type.group(1).decode() not in POINT_TYPES:
            continue  # heart-rate and step streams can be large and repeat the daily table
        for record in _points(bundle, member, problems, seen):
            weights_from_points = weights_from_points or record.kind == "weight"
            yield record
    for member in tables:
        ticker(done)
        done += member.packed
        data = bundle.read(member, MAX_TABLE)
        yield from _table(data, member, problems, assume_tz, skip_weight=weights_from_points, counters=counters)
    ticker(bundle.total)


def _points(bundle: Bundle, member: Member, problems: Problems, seen: set[str]) -> Iterator[RawRecord]:
    try:
        doc = json.loads(bundle.read(member, MAX_POINTS))
    except (ValueError, RecursionError):
        raise HealthImportError(bundle.file_name, f"holds {member.base}, which is not valid JSON") from None
    points = doc.get("Data Points") if isinstance(doc, dict) else None
    if not isinstance(points, list):
        return
    for point in points:
        if not isinstance(point, dict):
            continue
        layout = POINT_TYPES.get(str(point.get("dataTypeName", "")))
        if layout is None:
            continue
        try:
            start_ns = int(point["startTimeNanos"])
            end_ns = int(point.get("endTimeNanos", start_ns))
            start = datetime.fromtimestamp(start_ns / 1e9, timezone.utc)
            end = datetime.fromtimestamp(end_ns / 1e9, timezone.utc)
        except (KeyError, TypeError, ValueError, OverflowError, OSError):
            problems.add(common.BAD_DATE)
            continue
        fit_values = point.get("fitValue")
        if not isinstance(fit_values, list):
            problems.add(common.MISSING_VALUE)
            continue
        for position, (kind, unit, factor) in enumerate(layout):
            if position >= len(fit_values):
                problems.add(common.MISSING_VALUE)
                break
            try:
                raw = fit_values[position]["value"]
                number = raw["fpVal"] if "fpVal" in raw else raw["intVal"]
                value = float(number) * factor
            except (KeyError, TypeError, ValueError):
                problems.add(common.BAD_VALUE)
                continue
            if not math.isfinite(value):
                problems.add(common.NOT_FINITE)
                continue
            sid = record_id("googlefit", kind, start_ns, end_ns, repr(float(number)))
            if sid in seen:
                continue
            seen.add(sid)
            yield RawRecord(kind, value, unit, start, end if end_ns != start_ns else start, SOURCE, sid)


def _table(data: bytes, member: Member, problems: Problems, assume_tz: tzinfo | None, *, skip_weight: bool,
           counters: dict[str, int]) -> Iterator[RawRecord]:
    text = data.decode("utf-8-sig", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader, [])]
    columns = [(i, SUMMARY_COLUMNS[h]) for i, h in enumerate(header) if h in SUMMARY_COLUMNS
               and not (skip_weight and SUMMARY_COLUMNS[h][0] == "weight")]
    try:
        date_index = header.index("Date")
    except ValueError:
        return
    for line, row in enumerate(reader, start=2):
        if not any(c.strip() for c in row):
            continue
        try:
            day = date.fromisoformat(row[date_index].strip())
        except (ValueError, IndexError):
            problems.add(common.BAD_DATE, line)
            continue
        start, end = common.day_span(day, assume_tz)
        for index, (kind, unit, factor) in columns:
            cell = row[index].strip() if index < len(row) else ""
            if not cell:
                continue
            try:
                value = common.parse_number(cell, comma_decimal=False) * factor
            except ValueError:
                problems.add(common.BAD_VALUE, line)
                continue
            if value == 0 and kind in ("steps", "active_minutes", "sleep_hours"):
                counters["ignored"] = counters.get("ignored", 0) + 1
                continue
            if kind == "sleep_hours":
                value = round(value, 4)
            yield RawRecord(kind, value, unit, start, end, SOURCE, record_id("googlefit-day", kind, day, cell))

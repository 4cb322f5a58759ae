"""Checks one observation before it is stored: type, unit, plausible value, a real time.

A record that fails is not an error of the whole import: it is skipped and counted under one of
the reasons below (issue 5, "Bad input"). The reasons are shown to people as they are.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from companion.lifestyle import units
from companion.lifestyle.records import RawRecord
from companion.lifestyle.types import ObservationType, Registry

UNKNOWN_TYPE = "unknown type"
UNKNOWN_UNIT = "unknown unit"
NOT_A_NUMBER = "not a number"
IMPOSSIBLE_VALUE = "impossible value"
NO_TIME_ZONE = "time without a time zone"
IN_FUTURE = "time in the future"
BEFORE_BIRTH = "time before birth"
END_BEFORE_START = "end before start"
CODED_TYPE = "needs an answer, not a number"
NO_SOURCE_ID = "no source id"

FUTURE_GRACE = timedelta(minutes=10)  # a watch's clock a few minutes ahead is not a future reading
EARLIEST = date(1900, 1, 1)  # profiles cannot be born earlier (vault.session.validate_birth_date)
UTC_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
_MISSING: Any = object()
_FINITE = float("inf")


# The stored form of a record that passed, in column order of store._INSERT:
# (type, loinc, value, value_code, entered_value, unit, start_utc, end_utc, utc_offset, source,
#  source_id, batch, created_at, device). A plain tuple: a million records pass through here.
Row = tuple[Any, ...]
# (type, loinc, value, entered_value, unit, start_epoch, end_epoch, utc_offset, source, source_id, device)
CompactRow = tuple[Any, ...]


def utc_text(moment: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ``: fixed width, so text order is time order."""
    return utc_text_of_epoch(moment.timestamp())


_EPOCH = date(1970, 1, 1)
_DAYS: dict[int, str] = {}  # day number → "YYYY-MM-DD"; only plausible days reach it (after the checks)
_HOURS_MINUTES = [f"T{h:02d}:{m:02d}:" for h in range(24) for m in range(60)]
_SECONDS = [f"{s:02d}Z" for s in range(60)]


def utc_text_of_epoch(seconds: float) -> str:
    """:func:`utc_text` from seconds since 1970: two table lookups instead of a zone conversion and
    a format (a third of the time of checking a record, on a million-record import)."""
    day, second = divmod(int(seconds // 1), 86400)
    prefix = _DAYS.get(day)
    if prefix is None:
        prefix = _DAYS[day] = (_EPOCH + timedelta(days=day)).isoformat()
    minute, second = divmod(second, 60)
    return prefix + _HOURS_MINUTES[minute] + _SECONDS[second]


class Checker:
    """Validates records against one registry, one birth date and one "now"; caches unit factors."""

    def __init__(self, registry: Registry, birth_date: date | None, now: datetime) -> None:
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        self.registry = registry
        self.earliest = max(birth_date or EARLIEST, EARLIEST)
        self.latest = now + FUTURE_GRACE
        self.latest_epoch = self.latest.timestamp()
        self._offset_minutes: dict[timedelta, int] = {}  # a file has a handful of UTC offsets
        self._factors: dict[tuple[str, str], tuple[float, float] | None] = {}
        self._types = {t.name: t for t in registry}

    def factor(self, otype: ObservationType, unit: str) -> tuple[float, float] | None:
        key = (otype.name, unit)
        if key not in self._factors:
            try:
                self._factors[key] = units.factor(otype, unit)
            except units.UnknownUnit:
                self._factors[key] = None
        return self._factors[key]

    def when(self, start: datetime, end: datetime | None) -> str | tuple[str, str | None, int]:
        """``(start_utc, end_utc, utc_offset)`` or the reason the times are refused."""
        times = self.when_epochs(start, end)
        if isinstance(times, str):
            return times
        return utc_text_of_epoch(times[0]), None if times[1] is None else utc_text_of_epoch(times[1]), times[2]

    def when_epochs(self, start: datetime, end: datetime | None) -> str | tuple[float, float | None, int]:
        """:meth:`when` with the times as seconds since 1970 (the import worker's compact form)."""
        # Compared as seconds since 1970, not as aware datetimes (each comparison of those converts
        # both sides); an instant reading's end is its start, worked out once.
        offset = start.utcoffset() if isinstance(start, datetime) else None
        if offset is None:
            return NO_TIME_ZONE
        begin = start.timestamp()
        if end is None or end is start:
            finish = None if end is None else begin
        elif not isinstance(end, datetime) or end.utcoffset() is None:
            return NO_TIME_ZONE
        else:
            finish = end.timestamp()
        if begin > self.latest_epoch or (finish is not None and finish > self.latest_epoch):
            return IN_FUTURE
        # The person's own calendar day at that moment, against their birth date.
        if start.date() < self.earliest:
            return BEFORE_BIRTH
        if finish is not None and finish < begin:
            return END_BEFORE_START
        minutes = self._offset_minutes.get(offset)
        if minutes is None:
            minutes = self._offset_minutes[offset] = int(offset.total_seconds() // 60)
        return begin, finish, minutes

    def check(self, record: RawRecord, batch: int | None = None, created: str = "") -> Row | str:
        """The row to store for ``record``, or the reason it is refused."""
        row = self.check_compact(record)
        if isinstance(row, str):
            return row
        return finish_row(row, batch, created)

    def check_compact(self, record: RawRecord) -> CompactRow | str:
        """:meth:`check` without batch and creation time and with times as seconds since 1970:
        what the import worker sends (cheap to pickle); :func:`finish_row` makes it a Row."""
        otype = self._types.get(record.kind)
        if otype is None:
            return UNKNOWN_TYPE
        if otype.coded:
            return CODED_TYPE
        value = record.value
        if type(value) is float:
            if not -_FINITE < value < _FINITE:  # NaN and the infinities fail: math.isfinite without a call
                return NOT_A_NUMBER
        elif not units.is_number(value):
            return NOT_A_NUMBER
        unit = record.unit if isinstance(record.unit, str) else ""
        factor = self._factors.get((otype.name, unit), _MISSING)
        if factor is _MISSING:
            factor = self.factor(otype, unit)
        if factor is None:
            return UNKNOWN_UNIT
        canonical = factor[0] * value + factor[1]
        span = otype.range
        if span is None or not span.min <= canonical <= span.max:
            return IMPOSSIBLE_VALUE
        times = self.when_epochs(record.start, record.end)
        if isinstance(times, str):
            return times
        if not record.source_id or not isinstance(record.source_id, str):
            return NO_SOURCE_ID
        return (otype.name, otype.loinc, canonical, float(value), unit, times[0], times[1], times[2],
                record.source, record.source_id, record.device)  # fmt: skip


def finish_row(row: CompactRow, batch: int | None, created: str) -> Row:
    kind, loinc, canonical, value, unit, start, end, offset, source, source_id, device = row
    return (kind, loinc, canonical, None, value, unit, utc_text_of_epoch(start),
            None if end is None else utc_text_of_epoch(end), offset, source, source_id, batch, created, device)  # fmt: skip

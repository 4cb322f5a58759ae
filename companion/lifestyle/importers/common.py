"""What every importer shares: the problem tally, progress and cancel, ids, dates and numbers."""
from __future__ import annotations

import dataclasses
import hashlib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import Protocol

from companion.lifestyle.importers.errors import HealthImportCancelled
from companion.lifestyle.records import RawRecord

Progress = Callable[[int, int], None]


class CancelToken(Protocol):
    @property
    def cancelled(self) -> bool: ...


# Reasons a single record is rejected. Fixed wording: a reason never quotes the file.
BAD_DATE = "date or time could not be read"
BAD_VALUE = "value is not a number"
MISSING_VALUE = "value is missing"
NOT_FINITE = "value is not a finite number"
UNKNOWN_TYPE = "measurement type not recognised"
UNKNOWN_UNIT = "unit could not be told"
BAD_ROW = "row has fewer columns than the header"


@dataclass
class Problems:
    """Records a parser skipped, counted by reason, with the first line (where known) of each."""

    counts: dict[str, int] = field(default_factory=dict)
    first_line: dict[str, int] = field(default_factory=dict)

    def add(self, reason: str, line: int | None = None) -> None:
        self.counts[reason] = self.counts.get(reason, 0) + 1
        if line is not None and reason not in self.first_line:
            self.first_line[reason] = line

    @property
    def total(self) -> int:
        return sum(self.counts.values())


class Ticker:
    """Calls ``progress(done, total)`` and checks the cancel token, once per chunk of work."""

    __slots__ = ("file_name", "progress", "cancel", "total")

    def __init__(self, file_name: str, total: int, progress: Progress | None, cancel: CancelToken | None) -> None:
        self.file_name = file_name
        self.total = max(total, 0)
        self.progress = progress
        self.cancel = cancel

    def __call__(self, done: int) -> None:
        if self.cancel is not None and self.cancel.cancelled:
            raise HealthImportCancelled(self.file_name)
        if self.progress is not None:
            self.progress(min(done, self.total), self.total)


def _record_maker() -> Callable[..., RawRecord]:
    """RawRecord's constructor, or a 3x faster equivalent while RawRecord stays a plain frozen dataclass.

    A frozen dataclass sets each field through ``object.__setattr__``; filling ``__dict__``
    directly gives an equal object. Used only if RawRecord has exactly the expected fields, a
    ``__dict__`` and no ``__post_init__``, so a later change to it falls back to the real thing.
    """
    names = [f.name for f in dataclasses.fields(RawRecord)]
    if (names != ["kind", "value", "unit", "start", "end", "source", "source_id", "device"]
            or hasattr(RawRecord, "__post_init__") or hasattr(RawRecord, "__slots__")):
        return RawRecord
    new = object.__new__

    def make(kind: str, value: float, unit: str, start: datetime, end: datetime | None, source: str,
             source_id: str, device: str | None = None) -> RawRecord:
        record = new(RawRecord)
        record.__dict__.update(kind=kind, value=value, unit=unit, start=start, end=end, source=source,
                               source_id=source_id, device=device)
        return record

    return make


make_record = _record_maker()


def record_id(*parts: object) -> str:
    """A stable 128-bit id from the fields that identify one observation in its source."""
    text = "\x1f".join(str(p) for p in parts)
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def epoch(moment: datetime) -> int:
    """Whole seconds since 1970 (UTC): the same instant gives the same id whatever the zone it was written in."""
    return math.floor(moment.timestamp())


# -- numbers ------------------------------------------------------------------------------------
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


def parse_number(text: str, *, comma_decimal: bool | None = None) -> float:
    """A finite float from ``text``; ``"8,164"`` is 8164 unless ``comma_decimal``; raises ValueError."""
    s = text.strip().replace("\u00a0", "").replace(" ", "")
    if not s:
        raise ValueError("empty")
    if "," in s:
        if "." in s:
            # the later separator is the decimal one: "1.234,5" or "1,234.5"
            if s.rfind(",") > s.rfind("."):
                s = s.replace(".", "").replace(",", ".")
            else:
                s = s.replace(",", "")
        elif comma_decimal is True:
            s = s.replace(",", ".")
        elif comma_decimal is False or _THOUSANDS.match(s):
            s = s.replace(",", "")
        else:
            s = s.replace(",", ".")
    value = float(s)
    if not math.isfinite(value):
        raise ValueError("not finite")
    return value


# -- dates ----------------------------------------------------------------------------------------
def local_zone() -> tzinfo:
    """The computer's zone now (a fixed offset); used only when ``assume_tz`` is not given."""
    zone = datetime.now().astimezone().tzinfo
    return zone if zone is not None else timezone.utc


def attach_zone(naive: datetime, assume_tz: tzinfo | None) -> datetime:
    """A wall-clock time written without an offset, read in ``assume_tz`` or the computer's zone.

    Without ``assume_tz`` the computer's rules for that date apply (so summer dates get summer
    time), which is what a person means by "the time my tracker showed".
    """
    if assume_tz is not None:
        return naive.replace(tzinfo=assume_tz)
    try:
        return naive.astimezone()
    except (OverflowError, OSError, ValueError):
        return naive.replace(tzinfo=timezone.utc)


def day_span(day: date, zone: tzinfo | None) -> tuple[datetime, datetime]:
    """Midnight to midnight of ``day`` as aware datetimes."""
    start = attach_zone(datetime.combine(day, time()), zone)
    end = attach_zone(datetime.combine(day + timedelta(days=1), time()), zone)
    return start, end

"""Observations combined by day, week (ISO, Monday first) or month, by each type's rule.

Days are the person's local days at the time of each observation (the UTC offset the source
gave), so a walk at 23:30 in Berlin counts for that day. The database groups by day; weeks and
months are folded from days here. Rules (``aggregate`` in the types file):

- ``sum``: steps, active minutes, drinks, servings — the period's total, each hour taken from
  the device that counted most in it (a phone and a watch count the same walk);
- ``mean``: vitals and laboratory values — the mean of all readings in the period;
- ``daily_total_mean``: sleep — each day's total, averaged over the days that have data.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from companion.errors import CompanionError
from companion.lifestyle import types as types_
from companion.lifestyle import validate

PERIODS = ("day", "week", "month")
_MARGIN = timedelta(hours=14)  # the widest UTC offset: a local day starts up to 14 h from UTC midnight


@dataclass(frozen=True)
class Bucket:
    start: date  # first day of the period
    end: date  # first day after it
    value: float  # by the type's rule: total, mean, or mean daily total
    total: float
    mean: float
    min: float
    max: float
    count: int  # readings
    days: int  # days with at least one reading


@dataclass(frozen=True)
class Day:
    """One local day of a type: the sum, number, lowest and highest of its values (canonical unit)."""

    day: date
    total: float
    count: int
    min: float
    max: float


def period_start(day: date, period: str) -> date:
    if period == "day":
        return day
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    raise CompanionError(f"a period is one of {', '.join(PERIODS)}")


def period_end(start: date, period: str) -> date:
    if period == "day":
        return start + timedelta(days=1)
    if period == "week":
        return start + timedelta(days=7)
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1)


def period_for_span(first: date, last: date) -> str:
    """Day points up to about three months, weeks up to two years, months beyond."""
    span = (last - first).days
    return "day" if span <= 92 else "week" if span <= 732 else "month"


def daily(session: Any, kind: str, since: date | None = None, until: date | None = None) -> list[Day]:
    """Per local day: total, count, min, max of ``kind``'s values (canonical unit), ``since <= day < until``."""
    otype = types_.get(kind)
    if otype.coded:
        raise CompanionError(f"{otype.label.lower()} is an answer, not a number: it has no totals or means")
    local = "printf('%+d minutes', utc_offset)"
    where = "type = ? AND deleted_at IS NULL"
    params: list[Any] = [otype.name]
    if since is not None:
        where += " AND start_utc >= ?"
        params.append(validate.utc_text(datetime.combine(since, time(), UTC) - _MARGIN))
    if until is not None:
        where += " AND start_utc < ?"
        params.append(validate.utc_text(datetime.combine(until, time(), UTC) + _MARGIN))
    if otype.aggregate == "sum":
        # A phone and a watch carried together both count the same steps. Per local hour, the
        # device that counted most stands for that hour (Apple's Health app instead merges by a
        # source priority the export does not carry); hours are then added up. One device (or
        # none: typed, CSV) gives the plain total.
        sql = (
            f"SELECT day, sum(total), sum(n), min(low), max(high) FROM ("
            f" SELECT day, max(total) AS total, sum(n) AS n, min(low) AS low, max(high) AS high FROM ("
            f"  SELECT date(start_utc, {local}) AS day, strftime('%H', start_utc, {local}) AS hour,"
            f"   sum(value) AS total, count(*) AS n, min(value) AS low, max(value) AS high"
            f"  FROM observation WHERE {where} GROUP BY day, hour, coalesce(device, '')"
            f" ) GROUP BY day, hour"
            f") GROUP BY day ORDER BY day"
        )
    else:
        sql = (
            f"SELECT date(start_utc, {local}) AS day, sum(value), count(*), min(value), max(value)"
            f" FROM observation WHERE {where} GROUP BY day ORDER BY day"
        )
    days = []
    for day_text, total, count, low, high in session.connection.execute(sql, tuple(params)).fetchall():
        day = date.fromisoformat(day_text)
        if (since is None or day >= since) and (until is None or day < until):
            days.append(Day(day, float(total), int(count), float(low), float(high)))
    return days


def _fold(days: Iterable[Day], period: str, rule: str) -> list[Bucket]:
    buckets: list[Bucket] = []
    group: list[Day] = []

    def close() -> None:
        start = period_start(group[0].day, period)
        total = sum(d.total for d in group)
        count = sum(d.count for d in group)
        mean = total / count
        value = {"sum": total, "mean": mean, "daily_total_mean": total / len(group)}[rule]
        buckets.append(Bucket(start, period_end(start, period), value, total, mean, min(d.min for d in group),
                              max(d.max for d in group), count, len(group)))  # fmt: skip

    for day in days:
        if group and period_start(day.day, period) != period_start(group[0].day, period):
            close()
            group = []
        group.append(day)
    if group:
        close()
    return buckets


def aggregate(
    session: Any, kind: str, period: str = "day", since: date | None = None, until: date | None = None
) -> list[Bucket]:
    """``kind`` combined per ``period`` ("day", "week", "month"), oldest first; periods without data are left out.

    ``since``/``until`` are local days (``until`` excluded); a partial first or last period holds
    only the days inside them.
    """
    if period not in PERIODS:
        raise CompanionError(f"a period is one of {', '.join(PERIODS)}")
    otype = types_.get(kind)
    return _fold(daily(session, otype.name, since, until), period, otype.aggregate)


def total_between(session: Any, kind: str, since: date, until: date) -> float:
    """The sum of ``kind`` over local days ``since <= day < until`` (for weekly and daily goals)."""
    return sum(d.total for d in daily(session, kind, since, until))

"""What a trend chart shows, worked out in plain Python: the buckets (day, week or month, chosen by
the span shown), the reference bands of ``resources/knowledge/lifestyle/ranges.json``, goal lines,
medication start/stop markers and a summary in words. The chart widget only draws the result.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from enum import Enum
from functools import cached_property

from companion.lifestyle.ranges import Band, Person, Threshold, band_for, thresholds_for

DAY_SPAN_MAX = 92  # up to about three months, one point a day
MIN_ALL_DAYS = 30  # "All" shows at least this many days
WEEK_SPAN_MAX = 2 * 366  # up to two years, one point a week; longer spans, one a month


class Resolution(str, Enum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


@dataclass(frozen=True)
class Reading:
    """One stored value in the type's canonical unit (``kind`` is a short type name)."""

    kind: str
    at: datetime  # timezone-aware
    value: float


@dataclass(frozen=True)
class Measure:
    """How a type is combined and worded on a chart."""

    kind: str
    label: str
    unit: str  # as written after a number: "kg", "steps a day"
    daily: str  # "mean" of the day's values, or their "sum" (steps, minutes, sleep)
    per_week: bool = False  # one plotted value is a week's total (active minutes)
    decimals: int = 0
    change_unit: str = ""  # written after a change: "down 1.2 kg"


MEASURES: dict[str, Measure] = {
    m.kind: m
    for m in (
        Measure("systolic_bp", "Top number (systolic)", "mmHg", "mean"),
        Measure("diastolic_bp", "Bottom number (diastolic)", "mmHg", "mean"),
        Measure("weight", "Weight", "kg", "mean", decimals=1, change_unit="kg"),
        Measure("resting_heart_rate", "Resting heart rate", "beats a minute", "mean"),
        Measure("heart_rate", "Heart rate", "beats a minute", "mean"),
        Measure("steps", "Steps", "steps a day", "sum"),
        Measure("active_minutes", "Active minutes", "minutes a week", "sum", per_week=True),
        Measure("sleep_hours", "Sleep", "hours a night", "sum", decimals=1, change_unit="hours"),
    )
}


@dataclass(frozen=True)
class ChartSpec:
    key: str
    title: str
    kinds: tuple[str, ...]
    axis_label: str
    subject: str  # as in "your average {subject} this month"


CHARTS: dict[str, ChartSpec] = {
    c.key: c
    for c in (
        ChartSpec("blood_pressure", "Blood pressure", ("systolic_bp", "diastolic_bp"), "mmHg", "blood pressure"),
        ChartSpec("weight", "Weight", ("weight",), "kg", "weight"),
        ChartSpec("resting_heart_rate", "Resting heart rate", ("resting_heart_rate",), "beats a minute", "resting heart rate"),
        ChartSpec("heart_rate", "Heart rate (any time)", ("heart_rate",), "beats a minute", "heart rate"),
        ChartSpec("steps", "Steps", ("steps",), "steps a day", "steps"),
        ChartSpec("active_minutes", "Active minutes", ("active_minutes",), "minutes a week", "active minutes"),
        ChartSpec("sleep_hours", "Sleep", ("sleep_hours",), "hours a night", "sleep"),
    )
}


def chart_for_kind(kind: str) -> ChartSpec | None:
    for spec in CHARTS.values():
        if kind in spec.kinds:
            return spec
    return None


# ---- buckets ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Bucket:
    start: date
    end: date  # exclusive
    value: float
    readings: int
    days: int  # days with at least one reading
    low: float  # the lowest and highest day value inside (for the hover text)
    high: float
    partial: bool  # the bucket runs past the last day of data (this week so far)

    @property
    def middle(self) -> datetime:
        span = (self.end - self.start).days
        return datetime.combine(self.start, datetime.min.time()) + timedelta(days=span / 2)


def choose_resolution(start: date, end: date) -> Resolution:
    days = (end - start).days
    if days <= DAY_SPAN_MAX:
        return Resolution.DAY
    if days <= WEEK_SPAN_MAX:
        return Resolution.WEEK
    return Resolution.MONTH


def bucket_start(day: date, resolution: Resolution) -> date:
    if resolution is Resolution.DAY:
        return day
    if resolution is Resolution.WEEK:
        return day - timedelta(days=day.weekday())  # weeks start on Monday (ISO 8601)
    return day.replace(day=1)


def bucket_end(start: date, resolution: Resolution) -> date:
    if resolution is Resolution.DAY:
        return start + timedelta(days=1)
    if resolution is Resolution.WEEK:
        return start + timedelta(days=7)
    return date(start.year + (start.month == 12), start.month % 12 + 1, 1)


def local_day(at: datetime, tz: tzinfo | None) -> date:
    """The reading's day: in ``tz`` if given, else in the UTC offset its source gave (the
    person's own day where it was measured, DESIGN §5)."""
    return at.astimezone(tz).date() if tz is not None else at.date()


def day_values(readings: Iterable[Reading], measure: Measure, tz: tzinfo | None = None) -> dict[date, tuple[float, int]]:
    """Each day's value (mean or total of its readings) and how many readings made it."""
    sums: dict[date, float] = {}
    counts: dict[date, int] = {}
    for reading in readings:
        day = local_day(reading.at, tz)
        sums[day] = sums.get(day, 0.0) + reading.value
        counts[day] = counts.get(day, 0) + 1
    if measure.daily == "sum":
        return {day: (sums[day], counts[day]) for day in sums}
    return {day: (sums[day] / counts[day], counts[day]) for day in sums}


def aggregate(
    days: dict[date, tuple[float, int]], measure: Measure, resolution: Resolution, last_day: date | None = None
) -> list[Bucket]:
    """Buckets in time order. A bucket's value is the mean of its days' values, except for
    per-week totals (active minutes), where it is the week's total: a month is shown as its
    total scaled to seven days. Weekly totals are never shown per day."""
    if measure.per_week and resolution is Resolution.DAY:
        resolution = Resolution.WEEK
    if not days:
        return []
    last_day = last_day or max(days)
    grouped: dict[date, list[tuple[float, int]]] = {}
    members_now: list[tuple[float, int]] = []
    bucket_stop = date.min
    for day in sorted(days):  # in order, so a new bucket starts only when a day passes the last one's end
        if day >= bucket_stop:
            first = bucket_start(day, resolution)
            bucket_stop = bucket_end(first, resolution)
            members_now = grouped[first] = []
        members_now.append(days[day])
    buckets = []
    for start, members in grouped.items():
        end = bucket_end(start, resolution)
        values = [value for value, _ in members]
        total = sum(values)
        if measure.per_week:
            covered = (min(end, last_day + timedelta(days=1)) - start).days
            value = total if resolution is Resolution.WEEK else total * 7 / max(covered, 1)
        else:
            value = total / len(values)
        buckets.append(
            Bucket(
                start=start,
                end=end,
                value=value,
                readings=sum(count for _, count in members),
                days=len(members),
                low=min(values),
                high=max(values),
                partial=start <= last_day < end - timedelta(days=1),
            )
        )
    return buckets


# ---- goals and medicines ----------------------------------------------------------------------
@dataclass(frozen=True)
class GoalLine:
    kind: str
    value: float
    label: str  # "Your goal: under 130"


@dataclass(frozen=True)
class MedicationMarker:
    at: datetime
    label: str  # "Started lisinopril"
    started: bool = True


# ---- the chart --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Series:
    kind: str
    label: str
    buckets: tuple[Bucket, ...]


@dataclass(frozen=True)
class TrendChartData:
    spec: ChartSpec
    start: date
    end: date  # inclusive: the last day shown
    resolution: Resolution
    series: tuple[Series, ...]
    bands: tuple[Band, ...] = ()
    thresholds: tuple[Threshold, ...] = ()
    goals: tuple[GoalLine, ...] = ()
    markers: tuple[MedicationMarker, ...] = ()
    summary: str = ""
    sources: tuple[str, ...] = field(default=())

    @property
    def empty(self) -> bool:
        return not any(s.buckets for s in self.series)


@dataclass(frozen=True)
class TrendInput:
    """Everything one chart needs, kept by the widget so zooming can re-bucket without the vault."""

    spec: ChartSpec
    days: dict[str, dict[date, tuple[float, int]]]  # kind -> day -> (value, readings)
    person: Person = Person()
    goals: tuple[GoalLine, ...] = ()
    markers: tuple[MedicationMarker, ...] = ()
    today: date | None = None

    # Worked out once per data, not on every zoom or pan (ten years of days are scanned for each).
    @cached_property
    def first_day(self) -> date | None:
        firsts = [min(d) for d in self.days.values() if d]
        return min(firsts) if firsts else None

    @cached_property
    def last_day(self) -> date | None:
        lasts = [max(d) for d in self.days.values() if d]
        return max(lasts) if lasts else None

    @cached_property
    def summary(self) -> str:
        """The words under the chart: they depend on the data, not on the span shown."""
        return summarize(self, self.today or date.today())


def prepare(
    spec: ChartSpec,
    readings: Iterable[Reading],
    *,
    person: Person = Person(),
    goals: Sequence[GoalLine] = (),
    markers: Sequence[MedicationMarker] = (),
    today: date | None = None,
    tz: tzinfo | None = None,
) -> TrendInput:
    by_kind: dict[str, list[Reading]] = {kind: [] for kind in spec.kinds}
    for reading in readings:
        if reading.kind in by_kind:
            by_kind[reading.kind].append(reading)
    days = {kind: day_values(rows, MEASURES[kind], tz) for kind, rows in by_kind.items()}
    return TrendInput(
        spec,
        days,
        person,
        tuple(g for g in goals if g.kind in spec.kinds),
        tuple(markers),
        today,
    )


def build(data: TrendInput, start: date | None = None, end: date | None = None) -> TrendChartData:
    """The chart for ``start``..``end`` (inclusive; default: all the data), bucketed by span."""
    today = data.today or date.today()
    first, last = data.first_day, data.last_day
    end = end or max(last or today, today)
    if start is None:  # everything, but never less than a month: one day's points on an hour axis say little
        start = min(first or end, end - timedelta(days=MIN_ALL_DAYS))
    if start > end:
        start, end = end, start
    resolution = choose_resolution(start, end)
    series = []
    for kind in data.spec.kinds:
        measure = MEASURES[kind]
        # Whole buckets around the edges so the first and last points are not half-weeks.
        lo = bucket_start(start, resolution)
        hi = bucket_end(bucket_start(end, resolution), resolution)
        inside = {day: v for day, v in data.days.get(kind, {}).items() if lo <= day < hi}
        buckets = aggregate(inside, measure, resolution, last_day=min(today, hi - timedelta(days=1)))
        series.append(Series(kind, measure.label if len(data.spec.kinds) > 1 else data.spec.title, tuple(buckets)))
    bands = tuple(b for b in (band_for(kind, data.person) for kind in data.spec.kinds) if b is not None)
    thresholds = tuple(t for kind in data.spec.kinds for t in thresholds_for(kind))
    sources = tuple(dict.fromkeys(b.source for b in bands))
    in_view = tuple(m for m in data.markers if start <= m.at.date() <= end)
    return TrendChartData(
        data.spec,
        start,
        end,
        resolution,
        tuple(series),
        bands,
        thresholds,
        data.goals,
        in_view,
        data.summary if data.today is not None else summarize(data, today),
        sources,
    )


# ---- words ------------------------------------------------------------------------------------
def month_bounds(day: date) -> tuple[date, date]:
    start = day.replace(day=1)
    return start, bucket_end(start, Resolution.MONTH)


def period_mean(days: dict[date, tuple[float, int]], measure: Measure, start: date, end: date) -> float | None:
    """The mean over ``start``..``end`` (exclusive) as one plotted value would show it."""
    inside = {d: v for d, v in days.items() if start <= d < end}
    if not inside:
        return None
    values = [value for value, _ in inside.values()]
    if measure.per_week:
        covered = (min(end, max(inside) + timedelta(days=1)) - start).days
        return sum(values) * 7 / max(covered, 1)
    return sum(values) / len(values)


def format_value(value: float, measure: Measure) -> str:
    if measure.decimals:
        return f"{value:,.{measure.decimals}f}"
    return f"{round(value):,}"


def _change(now: float, before: float, measure: Measure) -> float:
    return round(now - before, measure.decimals) if measure.decimals else float(round(now) - round(before))


def change_words(changes: Sequence[float], measures: Sequence[Measure]) -> str:
    """"down 6/3", "up 1.2 kg", "the same as last month", or each number's own direction."""
    if all(c == 0 for c in changes):
        return "the same as last month"
    signs = {c > 0 for c in changes if c != 0}
    if len(signs) == 1 and all(c != 0 for c in changes):
        amounts = "/".join(format_value(abs(c), m) for c, m in zip(changes, measures))
        unit = f" {measures[0].change_unit}" if len(measures) == 1 and measures[0].change_unit else ""
        return f"{'up' if signs == {True} else 'down'} {amounts}{unit} from last month"
    parts = []
    for change, measure, name in zip(changes, measures, ("top number", "bottom number")):
        word = "unchanged" if change == 0 else ("up " if change > 0 else "down ") + format_value(abs(change), measure)
        parts.append(f"{name} {word}")
    return ", ".join(parts) + " from last month"


def summarize(data: TrendInput, today: date) -> str:
    spec = data.spec
    measures = [MEASURES[k] for k in spec.kinds]
    this_start, this_end = month_bounds(today)
    last_start, _ = month_bounds(this_start - timedelta(days=1))
    now = [period_mean(data.days.get(k, {}), m, this_start, this_end) for k, m in zip(spec.kinds, measures)]
    before = [period_mean(data.days.get(k, {}), m, last_start, this_start) for k, m in zip(spec.kinds, measures)]
    subject = spec.subject
    if any(v is None for v in now):
        if all(v is not None for v in before):
            return f"No {subject} readings this month yet. Last month's average: {_numbers(before, measures, spec)}."
        if data.last_day is None:
            return f"No {subject} readings yet."
        return f"No {subject} readings this month yet."
    text = f"Your average {subject} this month: {_numbers(now, measures, spec)}"
    if all(v is not None for v in before):
        changes = [_change(n, b, m) for n, b, m in zip(now, before, measures)]  # type: ignore[arg-type]
        text += ", " + change_words(changes, measures)
    return text + "."


def _numbers(values: Sequence[float | None], measures: Sequence[Measure], spec: ChartSpec) -> str:
    numbers = "/".join(format_value(v or 0.0, m) for v, m in zip(values, measures))
    unit = spec.axis_label
    return f"{numbers} {unit}" if unit != "mmHg" else numbers


def hover_text(series: Series, bucket: Bucket, resolution: Resolution, unit: str) -> str:
    """What the chart says when the pointer rests on a point."""
    measure = MEASURES[series.kind]
    if resolution is Resolution.MONTH:
        when = bucket.start.strftime("%B %Y")
    elif (bucket.end - bucket.start).days == 1:
        when = bucket.start.strftime("%a %d %b %Y")
    else:
        last = bucket.end - timedelta(days=1)
        when = f"week of {bucket.start.strftime('%d %b')} to {last.strftime('%d %b %Y')}"
    averaged = bucket.days > 1 and not (measure.per_week and resolution is Resolution.WEEK)
    averaged = averaged or (measure.daily == "mean" and bucket.readings > 1)
    count = f"{bucket.readings} reading" + ("s" if bucket.readings != 1 else "")
    text = f"{series.label}\n{when}\n{'average ' if averaged else ''}{format_value(bucket.value, measure)} {unit} ({count})"
    if bucket.partial:
        text += "\nso far: this period is not over"
    return text

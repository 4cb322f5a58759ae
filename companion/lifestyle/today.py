"""What the Today page shows, worked out in plain Python from day values and goals: the latest
values, each goal's progress, and the readings that need attention (words in today_messages)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from companion.lifestyle import today_messages as words
from companion.lifestyle import types as types_
from companion.lifestyle.ranges import Person, load_ranges
from companion.lifestyle.trends import MEASURES, MedicationMarker, format_value

DayValues = Mapping[date, tuple[float, int]]  # day -> (value, readings), as trends.day_values
RECENT_DAYS = 7
STALE_GOAL_DAYS = 30
BP_PAIR = ("systolic_bp", "diastolic_bp")


@dataclass(frozen=True)
class Goal:
    """A row of the vault's ``goal`` table (value in the type's canonical unit); stored and read
    by :mod:`companion.lifestyle.goals`, followed by :func:`goal_progress` (the one rule)."""

    id: int
    type: str
    target: str  # at_most, at_least, daily_total, weekly_total
    value: float
    entered_value: float
    unit: str  # as it was set
    created_at: str = ""


@dataclass(frozen=True)
class GoalProgress:
    goals: tuple[Goal, ...]  # two for a blood-pressure goal (systolic and diastolic)
    title: str
    status: str
    fraction: float | None  # 0..1 for a progress bar; None where a bar would mislead
    met: bool | None  # None: no data to tell


@dataclass(frozen=True)
class Attention:
    kind: str
    text: str
    urgent: bool = False


def recent(days: DayValues, today: date, span: int = RECENT_DAYS) -> dict[date, tuple[float, int]]:
    first = today - timedelta(days=span - 1)
    return {d: v for d, v in days.items() if first <= d <= today}


def mean_of(days: DayValues) -> float | None:
    return sum(v for v, _ in days.values()) / len(days) if days else None


def readings_in(days: DayValues) -> int:
    return sum(n for _, n in days.values())


def _unit_words(kind: str) -> str:
    otype = types_.registry().get(kind)
    unit = otype.unit if otype is not None and otype.unit else ""
    return {"/min": "beats a minute", "h": "hours", "min": "minutes", "steps": "steps"}.get(unit, unit)


def _number(kind: str, value: float) -> str:
    measure = MEASURES.get(kind)
    return format_value(value, measure) if measure else f"{value:,g}"


_SINGULAR = {"minutes": "minute", "hours": "hour", "steps": "step"}


def _value_words(kind: str, value: float) -> str:
    number, unit = _number(kind, value), _unit_words(kind)
    if number == "1":
        unit = _SINGULAR.get(unit, unit)
    return f"{number} {unit}".strip()


# ---- goals ----------------------------------------------------------------------------------------
def goal_progress(goals: Sequence[Goal], day_values: Mapping[str, DayValues], today: date) -> list[GoalProgress]:
    """One entry per goal, with systolic and diastolic "at most" goals joined into one."""
    progress = []
    by_key = {(g.type, g.target): g for g in goals}
    bp = [by_key.get((kind, "at_most")) for kind in BP_PAIR]
    for goal in goals:
        if goal in bp and all(bp):
            if goal.type == BP_PAIR[0]:
                progress.append(_bp_goal(bp[0], bp[1], day_values, today))  # type: ignore[arg-type]
            continue
        progress.append(_one_goal(goal, day_values.get(goal.type, {}), today))
    return progress


def _bp_goal(systolic: Goal, diastolic: Goal, day_values: Mapping[str, DayValues], today: date) -> GoalProgress:
    title = words.BP_GOAL_TITLE.format(value=f"{systolic.value:g}/{diastolic.value:g}")
    means = [mean_of(recent(day_values.get(kind, {}), today)) for kind in BP_PAIR]
    if means[0] is None or means[1] is None:
        return GoalProgress((systolic, diastolic), title, words.GOAL_NO_DATA, None, None)
    met = means[0] <= systolic.value and means[1] <= diastolic.value
    shown = f"{round(means[0])}/{round(means[1])}"
    status = words.GOAL_AVERAGE.format(value=shown) + " — " + (words.GOAL_MET if met else words.GOAL_NOT_MET)
    return GoalProgress((systolic, diastolic), title, status, None, met)


def goal_title(goal: Goal) -> str:
    otype = types_.registry().get(goal.type)
    label = otype.label if otype is not None else goal.type
    if goal.target in ("daily_total", "weekly_total"):
        noun = words.TOTAL_NOUNS.get(goal.type, label.lower())
        return words.GOAL_TITLES[goal.target].format(value=f"{goal.value:,g}", noun=noun)
    return words.GOAL_TITLES[goal.target].format(label=label, value=f"{goal.entered_value:,g} {goal.unit}".strip())


def _one_goal(goal: Goal, days: DayValues, today: date) -> GoalProgress:
    title = goal_title(goal)
    if goal.target == "weekly_total":
        monday = today - timedelta(days=today.weekday())
        done = sum(v for d, (v, _) in days.items() if monday <= d <= today)
        status = words.GOAL_WEEK.format(done=_number(goal.type, done), goal=_value_words(goal.type, goal.value))
        return GoalProgress((goal,), title, status, min(done / goal.value, 1.0) if goal.value else None, done >= goal.value)
    if goal.target == "daily_total":
        done = days.get(today, (0.0, 0))[0]
        status = words.GOAL_DAY.format(done=_number(goal.type, done), goal=_value_words(goal.type, goal.value))
        return GoalProgress((goal,), title, status, min(done / goal.value, 1.0) if goal.value else None, done >= goal.value)
    week = recent(days, today)
    if goal.type == "weight" and days:
        latest_day = max(days)
        value = days[latest_day][0]
        met = value <= goal.value if goal.target == "at_most" else value >= goal.value
        status = words.GOAL_LATEST.format(value=_value_words(goal.type, value))
        status += " — " + (words.GOAL_MET if met else words.GOAL_TO_GO.format(left=_value_words(goal.type, abs(value - goal.value))))
        return GoalProgress((goal,), title, status, None, met)
    average = mean_of(week)
    if average is None:
        return GoalProgress((goal,), title, words.GOAL_NO_DATA, None, None)
    met = average <= goal.value if goal.target == "at_most" else average >= goal.value
    status = words.GOAL_AVERAGE.format(value=_value_words(goal.type, average)) + " — " + (words.GOAL_MET if met else words.GOAL_NOT_MET)
    return GoalProgress((goal,), title, status, None, met)


# ---- attention --------------------------------------------------------------------------------
def attention(day_values: Mapping[str, DayValues], goals: Sequence[Goal], today: date) -> list[Attention]:
    """Readings worth a word, most serious first. Averages need readings on at least two days."""
    found: list[Attention] = []
    found += _blood_pressure(day_values, today)
    heart = recent(day_values.get("resting_heart_rate", {}), today)
    average = mean_of(heart)
    low, high = _healthy("resting_heart_rate")
    if average is not None and len(heart) >= 2:
        if high is not None and average > high:
            found.append(Attention("resting_heart_rate", words.HR_HIGH.format(value=round(average))))
        elif low is not None and average < low:
            found.append(Attention("resting_heart_rate", words.HR_LOW.format(value=round(average))))
    sleep = recent(day_values.get("sleep_hours", {}), today)
    average = mean_of(sleep)
    low, _ = _healthy("sleep_hours")
    if average is not None and low is not None and len(sleep) >= 3 and average < low:
        found.append(Attention("sleep_hours", words.SLEEP_SHORT.format(value=f"{average:.1f}")))
    for goal in goals:
        days = day_values.get(goal.type, {})
        last = max(days) if days else None
        if goal.target in ("at_most", "at_least") and last is not None and (today - last).days > STALE_GOAL_DAYS:
            label = (types_.registry().get(goal.type) or goal).label if goal.type not in BP_PAIR else "blood pressure"  # type: ignore[union-attr]
            text = words.GOAL_NO_RECENT.format(what=str(label).lower(), days=(today - last).days)
            if all(a.text != text for a in found):
                found.append(Attention(goal.type, text))
    return sorted(found, key=lambda a: not a.urgent)


def _healthy(kind: str) -> tuple[float | None, float | None]:
    band = load_ranges()["ranges"].get(kind, {}).get("healthy", {})
    return band.get("low"), band.get("high")


def _thresholds(kind: str) -> list[float]:
    return [float(t["value"]) for t in load_ranges()["ranges"].get(kind, {}).get("thresholds", [])]


def _blood_pressure(day_values: Mapping[str, DayValues], today: date) -> list[Attention]:
    systolic = recent(day_values.get("systolic_bp", {}), today)
    diastolic = recent(day_values.get("diastolic_bp", {}), today)
    if not systolic or not diastolic:
        return []
    s_mean, d_mean = mean_of(systolic) or 0.0, mean_of(diastolic) or 0.0
    (s1, s2), (d1, d2) = _thresholds("systolic_bp"), _thresholds("diastolic_bp")
    shown = f"{round(s_mean)}/{round(d_mean)}"
    several_days = len(systolic) >= 2 and readings_in(systolic) >= 2
    if not several_days:
        last_day = max(systolic)
        if systolic[last_day][0] >= s1 or diastolic.get(last_day, (0.0, 0))[0] >= d1:
            return [Attention("systolic_bp", words.BP_ONE_HIGH.format(bp=shown))]
        return []
    if s_mean >= s2 or d_mean >= d2:
        return [Attention("systolic_bp", words.BP_STAGE2.format(bp=shown) + " " + words.BP_FOOTNOTE, urgent=True)]
    if s_mean >= s1 or d_mean >= d1:
        return [Attention("systolic_bp", words.BP_STAGE1.format(bp=shown) + " " + words.BP_FOOTNOTE)]
    return []


# ---- loading (runs in a worker thread, on the worker session's own connection) ----------------
@dataclass(frozen=True)
class Latest:
    kind: str  # a short type name, or "blood_pressure" for the pair
    label: str
    value: str  # "128/82 mmHg", "72.5 kg"
    at: datetime
    source: str


@dataclass(frozen=True)
class TodayData:
    today: date
    latest: tuple[Latest, ...]
    day_values: dict[str, dict[date, tuple[float, int]]]
    goals: tuple[Goal, ...]
    progress: tuple[GoalProgress, ...]
    attention: tuple[Attention, ...]
    person: Person
    has_readings: bool  # False: show the first-use hint
    # Medicine start/stop lines on the charts: filled here once medicines are recorded (a later issue).
    markers: tuple[MedicationMarker, ...] = ()


LATEST_ORDER = (
    "weight", "resting_heart_rate", "heart_rate", "steps", "active_minutes", "sleep_hours", "glucose", "hba1c",
    "total_cholesterol", "ldl", "hdl", "triglycerides", "creatinine", "waist", "height", "alcohol_drinks",
    "cigarettes_per_day", "smoking_status", "fruit_veg_servings",
)  # fmt: skip


def age_on(birth: str | None, today: date) -> int | None:
    if not birth:
        return None
    born = date.fromisoformat(birth)
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def latest_values(found: Mapping[str, Any]) -> list[Latest]:
    """The newest stored value of each type, blood pressure first as one "128/82"."""
    rows = []
    systolic, diastolic = found.get("systolic_bp"), found.get("diastolic_bp")
    if systolic is not None and diastolic is not None:
        rows.append(Latest("blood_pressure", "Blood pressure", f"{systolic.value:.0f}/{diastolic.value:.0f} mmHg", systolic.start, systolic.source))
    for kind in LATEST_ORDER:
        obs = found.get(kind)
        if obs is None:
            continue
        otype = types_.get(kind)
        if otype.coded:
            answer = otype.answer_by_code(obs.code) if obs.code else None
            value = answer.display if answer else "—"
        else:
            value = _value_words(kind, obs.value) if kind in MEASURES else f"{obs.value:,.4g} {obs.unit}"
        rows.append(Latest(kind, otype.label, value, obs.start, obs.source))
    return rows


def load_today(session: Any, now: datetime) -> TodayData:
    """Everything the Today page shows, from one read of the vault (days grouped by the database)."""
    from companion.lifestyle import aggregate, goals, store  # the vault layer stays out of the pure helpers above

    today = now.date()
    day_values: dict[str, dict[date, tuple[float, int]]] = {}
    for kind, measure in MEASURES.items():
        if types_.registry().get(kind) is None:
            continue
        days = aggregate.daily(session, kind)
        if measure.daily == "sum":
            day_values[kind] = {d.day: (d.total, d.count) for d in days}
        else:
            day_values[kind] = {d.day: (d.total / d.count, d.count) for d in days}
    current = tuple(goals.goals(session))
    found = store.latest(session)
    height = found.get("height")
    person = Person(age_on(session.profile().birth_date, today), height.value / 100 if height and height.value else None)
    anything = bool(found)  # latest() looks at every type
    return TodayData(
        today,
        tuple(latest_values(found)),
        day_values,
        current,
        tuple(goal_progress(current, day_values, today)),
        tuple(attention(day_values, current, today)),
        person,
        anything,
    )

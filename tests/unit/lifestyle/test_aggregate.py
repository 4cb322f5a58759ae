"""Day, week and month aggregation by local day and by each type's rule; goals and their progress."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from companion.errors import CompanionError
from companion.lifestyle import aggregate, goals, store
from companion.lifestyle.today import load_today
from companion.lifestyle.records import RawRecord
from tests.unit.lifestyle.conftest import CEST, NOW

NEW_YORK = timezone(timedelta(hours=-4))


def put(session, kind, value, unit, start, sid):
    return store.add_many(session, [RawRecord(kind, value, unit, start, None, "CSV", sid)], now=NOW)


def test_days_are_the_person_s_local_days(session):
    put(session, "steps", 1000, "count", datetime(2024, 3, 4, 23, 30, tzinfo=CEST), "a")  # 21:30 UTC
    put(session, "steps", 500, "count", datetime(2024, 3, 4, 0, 30, tzinfo=CEST), "b")  # 22:30 UTC the day before
    put(session, "steps", 200, "count", datetime(2024, 3, 4, 21, 0, tzinfo=NEW_YORK), "c")  # 01:00 UTC next day
    days = aggregate.aggregate(session, "steps", "day")
    assert [(b.start, b.value, b.count) for b in days] == [(date(2024, 3, 4), 1700, 3)]


def test_a_phone_and_a_watch_counting_the_same_walk_are_not_added_up(session):
    def steps(device, hour, minute, value):
        at = datetime(2024, 3, 4, hour, minute, tzinfo=CEST)
        return RawRecord("steps", value, "count", at, at + timedelta(minutes=5), "Apple Health",
                         f"{device}{hour}{minute}", device)

    records = [
        steps("Anna's iPhone", 9, 0, 1000), steps("Anna's iPhone", 9, 30, 1200),  # 9 h: both carried
        steps("Anna's Apple Watch", 9, 1, 1100), steps("Anna's Apple Watch", 9, 31, 1300),
        steps("Anna's iPhone", 14, 0, 700),  # 14 h: the watch was charging
        steps("Anna's Apple Watch", 18, 0, 400),  # 18 h: the phone stayed home
    ]
    store.add_many(session, records, now=NOW)
    (day,) = aggregate.daily(session, "steps")
    assert day.total == 2400 + 700 + 400  # per hour the device that counted most; hours added
    assert day.count == 6
    put(session, "steps", 50, "count", datetime(2024, 3, 4, 20, tzinfo=CEST), "typed-in")  # one source, no device
    assert aggregate.daily(session, "steps")[0].total == 3550


def test_rules_sum_mean_and_mean_daily_total(session):
    for day in (4, 5, 6):
        for hour, steps in ((8, 1000), (18, 3000)):
            put(session, "steps", steps, "count", datetime(2024, 3, day, hour, tzinfo=CEST), f"s{day}{hour}")
            put(session, "heart_rate", steps / 50, "bpm", datetime(2024, 3, day, hour, tzinfo=CEST), f"h{day}{hour}")
        for part, hours in ((1, 5), (4, 2)):  # two sleep segments a night: 7 h
            put(session, "sleep_hours", hours, "h", datetime(2024, 3, day, part, tzinfo=CEST), f"z{day}{part}")
    (steps,) = aggregate.aggregate(session, "steps", "week")
    assert (steps.start, steps.end, steps.value, steps.mean, steps.days) == (date(2024, 3, 4), date(2024, 3, 11), 12000, 2000, 3)
    (pulse,) = aggregate.aggregate(session, "heart_rate", "week")
    assert (pulse.value, pulse.min, pulse.max, pulse.count) == (40, 20, 60, 6)
    (sleep,) = aggregate.aggregate(session, "sleep_hours", "month")
    assert (sleep.start, sleep.value, sleep.total) == (date(2024, 3, 1), 7, 21)
    assert [b.value for b in aggregate.aggregate(session, "sleep_hours", "day")] == [7, 7, 7]


def test_weeks_start_on_monday_and_months_on_the_first(session):
    for i, day in enumerate([date(2024, 1, 28), date(2024, 1, 29), date(2024, 2, 4), date(2024, 2, 5), date(2024, 5, 31)]):
        put(session, "weight", 70 + i, "kg", datetime.combine(day, datetime.min.time(), CEST).replace(hour=8), f"w{i}")
    weeks = aggregate.aggregate(session, "weight", "week")
    assert [b.start for b in weeks] == [date(2024, 1, 22), date(2024, 1, 29), date(2024, 2, 5), date(2024, 5, 27)]
    assert [b.value for b in weeks] == [70, 71.5, 73, 74]
    months = aggregate.aggregate(session, "weight", "month")
    assert [(b.start, b.end) for b in months] == [(date(2024, 1, 1), date(2024, 2, 1)), (date(2024, 2, 1), date(2024, 3, 1)),
                                                  (date(2024, 5, 1), date(2024, 6, 1))]  # fmt: skip
    within = aggregate.aggregate(session, "weight", "day", since=date(2024, 1, 29), until=date(2024, 2, 5))
    assert [b.start for b in within] == [date(2024, 1, 29), date(2024, 2, 4)]


def test_deleted_entries_and_coded_types_are_not_aggregated(session):
    obs = store.add(session, "weight", 80, "kg", datetime(2024, 3, 4, 8, tzinfo=CEST), now=NOW)
    store.delete(session, obs.id)
    assert aggregate.aggregate(session, "weight") == []
    with pytest.raises(CompanionError, match="answer"):
        aggregate.aggregate(session, "smoking_status")
    with pytest.raises(CompanionError, match="period"):
        aggregate.aggregate(session, "weight", "fortnight")


def test_the_period_is_chosen_by_span():
    start = date(2024, 1, 1)
    assert aggregate.period_for_span(start, start + timedelta(days=30)) == "day"
    assert aggregate.period_for_span(start, start + timedelta(days=400)) == "week"
    assert aggregate.period_for_span(start, start + timedelta(days=3650)) == "month"


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    readings=st.lists(
        st.tuples(st.integers(0, 200 * 24), st.integers(0, 5000), st.sampled_from([-8, -4, 0, 2, 9, 14])),
        min_size=1, max_size=60,
    )
)  # fmt: skip
def test_every_period_holds_the_same_total(session, readings):
    session.connection.execute("DELETE FROM observation")
    base = datetime(2023, 6, 1, tzinfo=UTC)
    records = [
        RawRecord("steps", steps, "count", (base + timedelta(hours=hour)).astimezone(timezone(timedelta(hours=tz))),
                  None, "CSV", f"r{i}")
        for i, (hour, steps, tz) in enumerate(readings)
    ]
    store.add_many(session, records, now=NOW)
    expected = sum(steps for _, steps, _ in readings)
    for period in ("day", "week", "month"):
        buckets = aggregate.aggregate(session, "steps", period)
        assert sum(b.total for b in buckets) == expected
        assert sum(b.count for b in buckets) == len(readings)
        assert all(b.start < b.end and aggregate.period_start(b.start, period) == b.start for b in buckets)


# ---- goals -----------------------------------------------------------------------------------

def test_goals_are_set_replaced_and_removed(session):
    first = goals.set_goal(session, "active_minutes", "weekly_total", 150)
    second = goals.set_goal(session, "active_minutes", "weekly_total", 2.5, "h")
    assert second.value == 150 and (second.entered_value, second.unit) == (2.5, "h")
    weight = goals.set_goal(session, "29463-7", "at_most", 165, "lb")
    assert weight.type == "weight" and weight.value == pytest.approx(74.843, abs=1e-3)
    assert [g.id for g in goals.goals(session)] == [second.id, weight.id]
    assert goals.get_goal(session, first.id).id == first.id
    goals.remove_goal(session, weight.id)
    assert goals.goals(session) == [second]
    for bad in (("weight", "weekly_total", 70, None), ("smoking_status", "at_most", 1, None),
                ("weight", "below", 70, None), ("weight", "at_most", 0, None), ("weight", "at_most", 9000, None),
                ("weight", "at_most", 70, "mmHg")):  # fmt: skip
        with pytest.raises(CompanionError):
            goals.set_goal(session, *bad)


def test_goal_progress_on_the_today_page_follows_the_one_rule(session):
    """Goals are stored by ``goals`` and followed by ``today.goal_progress`` (there is no second rule)."""
    goals.set_goal(session, "active_minutes", "weekly_total", 150)
    goals.set_goal(session, "steps", "daily_total", 10000)
    goals.set_goal(session, "systolic_bp", "at_most", 130)
    goals.set_goal(session, "diastolic_bp", "at_most", 80)
    now = datetime(2024, 3, 6, 21, tzinfo=CEST)  # a Wednesday evening

    def progress() -> dict[str, object]:
        return {p.goals[0].type: p for p in load_today(session, now).progress}

    assert progress()["systolic_bp"].met is None  # no readings yet; one entry for the pair
    for day, mins in ((3, 60), (4, 30), (5, 45), (6, 45)):  # Sunday 3rd is last week
        put(session, "active_minutes", mins, "min", datetime(2024, 3, day, 18, tzinfo=CEST), f"m{day}")
    put(session, "steps", 12000, "count", datetime(2024, 3, 6, 20, tzinfo=CEST), "s6")
    store.add_blood_pressure(session, 128, 84, at=datetime(2024, 3, 6, 8, tzinfo=CEST), now=NOW)
    found = progress()
    week, day, bp = found["active_minutes"], found["steps"], found["systolic_bp"]
    assert (week.met, week.fraction) == (False, 0.8) and "120 of 150" in week.status
    assert (day.met, day.fraction) == (True, 1.0) and "12,000 of 10,000" in day.status
    assert len(bp.goals) == 2 and bp.met is False  # 128 is under 130 but 84 is over 80
    assert "128/84" in bp.status
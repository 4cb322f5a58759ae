"""The Today page's plain-Python part: goal progress and what needs attention."""
from __future__ import annotations

from datetime import date, timedelta

from companion.lifestyle import today as t
from companion.lifestyle.today import Goal

TODAY = date(2026, 11, 22)  # a Sunday
MONDAY = date(2026, 11, 16)


def days(values: list[float], end: date = TODAY) -> dict[date, tuple[float, int]]:
    return {end - timedelta(days=i): (v, 1) for i, v in enumerate(values)}


BP_GOALS = [Goal(1, "systolic_bp", "at_most", 130, 130, "mmHg"), Goal(2, "diastolic_bp", "at_most", 80, 80, "mmHg")]


def test_blood_pressure_goal_is_one_line_from_two_goals():
    values = {"systolic_bp": days([126, 128, 130]), "diastolic_bp": days([78, 80, 79])}
    (progress,) = t.goal_progress(BP_GOALS, values, TODAY)
    assert progress.title == "Blood pressure: 130/80 or lower"
    assert progress.status == "Average of the last 7 days: 128/79 — Goal met"
    assert progress.met and progress.fraction is None


def test_weekly_active_minutes_count_from_monday():
    goal = Goal(3, "active_minutes", "weekly_total", 150, 150, "min")
    values = {"active_minutes": days([30] * 10)}  # 7 days this week, 3 last week
    (progress,) = t.goal_progress([goal], values, TODAY)
    assert progress.title == "150 active minutes a week"
    assert progress.status == "210 of 150 minutes so far this week"
    assert progress.fraction == 1.0 and progress.met
    (midweek,) = t.goal_progress([goal], {"active_minutes": days([30, 30], end=date(2026, 11, 18))}, date(2026, 11, 18))
    assert midweek.fraction == 0.4 and not midweek.met


def test_daily_steps_and_weight_goals():
    steps = Goal(4, "steps", "daily_total", 8000, 8000, "steps")
    weight = Goal(5, "weight", "at_most", 75, 165, "lb")
    values = {"steps": {TODAY: (5400.0, 3)}, "weight": days([76.2])}
    step_progress, weight_progress = t.goal_progress([steps, weight], values, TODAY)
    assert step_progress.status == "5,400 of 8,000 steps today" and step_progress.fraction == 0.675
    assert weight_progress.title == "Weight: 165 lb or less"  # as the person set it
    assert weight_progress.status == "Latest: 76.2 kg — 1.2 kg to go"


def test_goal_without_recent_readings():
    (progress,) = t.goal_progress(BP_GOALS, {}, TODAY)
    assert progress.met is None and progress.status == "No readings in the last 7 days"


def test_attention_for_stage_1_and_stage_2_averages():
    stage1 = {"systolic_bp": days([134, 132]), "diastolic_bp": days([84, 82])}
    (item,) = t.attention(stage1, [], TODAY)
    assert "average 133/83" in item.text and "stage 1" in item.text and not item.urgent
    stage2 = {"systolic_bp": days([150, 146]), "diastolic_bp": days([92, 90])}
    (item,) = t.attention(stage2, [], TODAY)
    assert "stage 2" in item.text and "Talk to your doctor" in item.text and item.urgent


def test_one_high_reading_asks_for_another_not_a_category():
    (item,) = t.attention({"systolic_bp": days([150]), "diastolic_bp": days([95])}, [], TODAY)
    assert "all from one day, average 150/95" in item.text and "One day is not enough" in item.text
    assert t.attention({"systolic_bp": days([118]), "diastolic_bp": days([76])}, [], TODAY) == []


def test_attention_for_heart_rate_sleep_and_a_stale_goal():
    values = {
        "resting_heart_rate": days([104, 106]),
        "sleep_hours": days([6.0, 6.2, 6.1]),
        "weight": days([80], end=TODAY - timedelta(days=40)),
    }
    goals = [Goal(5, "weight", "at_most", 75, 75, "kg")]
    texts = [a.text for a in t.attention(values, goals, TODAY)]
    assert any("105 beats a minute, above the usual 60 to 100" in x for x in texts)
    assert any("6.1 hours a night" in x for x in texts)
    assert any(x.startswith("No weight reading for 40 days") for x in texts)


def test_nothing_for_readings_in_range():
    values = {"resting_heart_rate": days([64, 66]), "sleep_hours": days([7.5, 8, 7.2])}
    assert t.attention(values, [], TODAY) == []


def test_one_of_a_counted_unit_is_singular():
    assert t._value_words("active_minutes", 1.0) == "1 minute"
    assert t._value_words("active_minutes", 2.0) == "2 minutes"

"""Trend data: buckets chosen by span, per-day and per-week values, bands with their sources,
summaries in words, hover text; and the module stays plain Python."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from companion.lifestyle import ranges
from companion.lifestyle import trends as t
from companion.lifestyle.trends import CHARTS, MEASURES, Person, Reading, Resolution

UTC = timezone.utc
TODAY = date(2026, 11, 22)  # a Sunday


def at(day: date, hour: int = 8) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def bp(day: date, systolic: float, diastolic: float, hour: int = 8) -> list[Reading]:
    return [Reading("systolic_bp", at(day, hour), systolic), Reading("diastolic_bp", at(day, hour), diastolic)]


def chart_input(key: str, readings: list[Reading], **kwargs) -> t.TrendInput:
    return t.prepare(CHARTS[key], readings, today=TODAY, tz=UTC, **kwargs)


# ---- resolution ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("days", "expected"),
    [(0, Resolution.DAY), (31, Resolution.DAY), (92, Resolution.DAY), (93, Resolution.WEEK), (365, Resolution.WEEK),
     (732, Resolution.WEEK), (733, Resolution.MONTH), (3650, Resolution.MONTH)],
)
def test_resolution_follows_the_span(days, expected):
    assert t.choose_resolution(TODAY - timedelta(days=days), TODAY) is expected


def test_buckets_start_on_monday_and_first_of_month():
    assert t.bucket_start(date(2026, 11, 22), Resolution.WEEK) == date(2026, 11, 16)
    assert t.bucket_end(date(2026, 11, 16), Resolution.WEEK) == date(2026, 11, 23)
    assert t.bucket_start(date(2026, 12, 31), Resolution.MONTH) == date(2026, 12, 1)
    assert t.bucket_end(date(2026, 12, 1), Resolution.MONTH) == date(2027, 1, 1)


def test_ten_years_of_daily_data_become_about_120_monthly_points():
    start = TODAY - timedelta(days=3652)
    readings = [Reading("weight", at(start + timedelta(days=i)), 80.0) for i in range(3653)]
    chart = t.build(chart_input("weight", readings))
    assert chart.resolution is Resolution.MONTH
    assert 120 <= len(chart.series[0].buckets) <= 122


# ---- values -------------------------------------------------------------------------------------
def test_several_readings_a_day_are_averaged_for_blood_pressure():
    readings = bp(TODAY, 130, 80, 7) + bp(TODAY, 140, 90, 19)
    chart = t.build(chart_input("blood_pressure", readings), TODAY - timedelta(days=6), TODAY)
    systolic = chart.series[0].buckets[-1]
    assert (systolic.value, systolic.readings, systolic.days) == (135, 2, 1)


def test_steps_are_a_day_total_and_a_week_shows_the_mean_day():
    monday = date(2026, 11, 9)
    readings = [Reading("steps", at(monday, 9), 3000), Reading("steps", at(monday, 17), 2000)]
    readings += [Reading("steps", at(monday + timedelta(days=1)), 7000)]
    days = t.day_values(readings, MEASURES["steps"], UTC)
    assert days[monday] == (5000, 2)
    week = t.aggregate(days, MEASURES["steps"], Resolution.WEEK, last_day=TODAY)
    assert week[0].value == 6000 and week[0].days == 2 and not week[0].partial


def test_active_minutes_are_weekly_totals_even_when_the_span_is_short():
    monday = date(2026, 11, 16)
    readings = [Reading("active_minutes", at(monday + timedelta(days=i)), 30) for i in range(5)]
    chart = t.build(chart_input("active_minutes", readings), TODAY - timedelta(days=20), TODAY)
    assert chart.resolution is Resolution.DAY  # the span says day…
    last = chart.series[0].buckets[-1]
    assert (last.start, last.value) == (monday, 150)  # …but a weekly total is never shown per day


def test_a_month_of_active_minutes_is_shown_per_week():
    readings = [Reading("active_minutes", at(date(2026, 9, 1) + timedelta(days=i)), 20) for i in range(30)]
    buckets = t.aggregate(t.day_values(readings, MEASURES["active_minutes"], UTC), MEASURES["active_minutes"], Resolution.MONTH, TODAY)
    assert buckets[0].value == pytest.approx(140)  # 20 a day = 140 a week


def test_the_running_week_is_marked_partial():
    wednesday = date(2026, 11, 18)
    readings = [Reading("steps", at(wednesday), 5000)]
    data = t.prepare(CHARTS["steps"], readings, today=wednesday, tz=UTC)
    chart = t.build(data, wednesday - timedelta(days=200), wednesday)
    assert chart.resolution is Resolution.WEEK
    assert chart.series[0].buckets[-1].partial


def test_days_follow_the_given_time_zone():
    late = datetime(2026, 11, 21, 23, 30, tzinfo=UTC)
    plus_two = timezone(timedelta(hours=2))
    days = t.day_values([Reading("weight", late, 70)], MEASURES["weight"], plus_two)
    assert list(days) == [date(2026, 11, 22)]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(min_value=0, max_value=800), st.floats(min_value=0, max_value=30000, allow_nan=False)),
        min_size=1,
        max_size=80,
    ),
    st.sampled_from(list(Resolution)),
)
def test_buckets_keep_every_reading_and_stay_within_the_day_values(rows, resolution):
    readings = [Reading("steps", at(TODAY - timedelta(days=d)), v) for d, v in rows]
    days = t.day_values(readings, MEASURES["steps"], UTC)
    buckets = t.aggregate(days, MEASURES["steps"], resolution, TODAY)
    assert sum(b.readings for b in buckets) == len(readings)
    assert [b.start for b in buckets] == sorted(b.start for b in buckets)
    for bucket in buckets:
        assert bucket.low - 1e-6 <= bucket.value <= bucket.high + 1e-6


# ---- ranges -------------------------------------------------------------------------------------
def test_every_range_names_a_source_with_url_and_quote():
    data = ranges.load_ranges()
    for kind, entry in data["ranges"].items():
        source = data["sources"][entry["source"]]
        assert source["url"].startswith("https://"), kind
        assert len(source["quote"]) > 40, kind
        assert source["citation"] and source["short"] and source["checked"], kind


def test_range_numbers_appear_in_their_quotes():
    """A cheap guard against typos: each band edge is written in the sentence it came from."""
    data = ranges.load_ranges()
    for kind, entry in data["ranges"].items():
        quote = data["sources"][entry["source"]]["quote"].replace(",", "").replace(" ", "")
        bands = [entry.get("healthy") or entry.get("from_bmi")] + [g["healthy"] for g in entry.get("by_age", [])]
        for band in filter(None, bands):
            for edge in (band["low"], band["high"]):
                if edge is not None:
                    assert f"{edge:g}" in quote, (kind, edge)


def test_blood_pressure_band_is_the_2017_acc_aha_normal():
    band = ranges.band_for("systolic_bp")
    assert (band.low, band.high, band.source) == (None, 120, "2017 ACC/AHA guideline")
    assert ranges.band_for("diastolic_bp").high == 80
    assert [x.value for x in ranges.thresholds_for("systolic_bp")] == [130, 140]


def test_bands_that_need_age_or_height():
    assert ranges.band_for("steps") is None
    assert (ranges.band_for("steps", Person(age=70)).low, ranges.band_for("steps", Person(age=70)).high) == (6000, 8000)
    assert ranges.band_for("steps", Person(age=45)).low == 8000
    assert ranges.band_for("weight") is None
    weight = ranges.band_for("weight", Person(height_m=1.70))
    assert (weight.low, weight.high) == (53.5, 72.2)
    assert ranges.band_for("systolic_bp", Person(age=12)) is None  # adult ranges only
    assert ranges.band_for("glucose") is None


def test_goals_and_markers_reach_the_chart():
    readings = bp(TODAY - timedelta(days=3), 128, 82)
    goals = [t.GoalLine("systolic_bp", 130, "Your goal: under 130"), t.GoalLine("weight", 70, "Your goal: 70 kg")]
    markers = [
        t.MedicationMarker(at(TODAY - timedelta(days=10)), "Started lisinopril"),
        t.MedicationMarker(at(TODAY - timedelta(days=400)), "Stopped amlodipine", started=False),
    ]
    chart = t.build(chart_input("blood_pressure", readings, goals=goals, markers=markers), TODAY - timedelta(days=30), TODAY)
    assert [g.label for g in chart.goals] == ["Your goal: under 130"]
    assert [m.label for m in chart.markers] == ["Started lisinopril"]  # only those in view


# ---- words --------------------------------------------------------------------------------------
def test_blood_pressure_summary_in_words():
    readings = bp(date(2026, 10, 5), 134, 85) + bp(date(2026, 10, 20), 134, 85)
    readings += bp(date(2026, 11, 3), 130, 83) + bp(date(2026, 11, 10), 126, 81)
    chart = t.build(chart_input("blood_pressure", readings))
    assert chart.summary == "Your average blood pressure this month: 128/82, down 6/3 from last month."


def test_summary_when_the_numbers_move_apart_or_stay():
    readings = bp(date(2026, 10, 5), 130, 80) + bp(date(2026, 11, 3), 132, 78)
    assert t.build(chart_input("blood_pressure", readings)).summary == (
        "Your average blood pressure this month: 132/78, top number up 2, bottom number down 2 from last month."
    )
    same = bp(date(2026, 10, 5), 120, 75) + bp(date(2026, 11, 3), 120, 75)
    assert t.build(chart_input("blood_pressure", same)).summary.endswith("the same as last month.")


def test_weight_and_steps_summaries_carry_their_units():
    weights = [Reading("weight", at(date(2026, 10, 10)), 74.0), Reading("weight", at(date(2026, 11, 10)), 72.8)]
    assert t.build(chart_input("weight", weights)).summary == (
        "Your average weight this month: 72.8 kg, down 1.2 kg from last month."
    )
    steps = [Reading("steps", at(date(2026, 11, 10)), 7450)]
    assert t.build(chart_input("steps", steps)).summary == "Your average steps this month: 7,450 steps a day."


def test_summary_without_readings_this_month():
    readings = bp(date(2026, 10, 5), 134, 85)
    assert t.build(chart_input("blood_pressure", readings)).summary == (
        "No blood pressure readings this month yet. Last month's average: 134/85."
    )
    assert t.build(chart_input("blood_pressure", [])).summary == "No blood pressure readings yet."
    assert t.build(chart_input("blood_pressure", [])).empty


def test_hover_text_names_the_period_and_how_many_readings():
    readings = bp(TODAY, 130, 80, 7) + bp(TODAY, 140, 90, 19)
    chart = t.build(chart_input("blood_pressure", readings), TODAY - timedelta(days=6), TODAY)
    text = t.hover_text(chart.series[0], chart.series[0].buckets[-1], chart.resolution, "mmHg")
    assert text == "Top number (systolic)\nSun 22 Nov 2026\naverage 135 mmHg (2 readings)"
    weekly = t.build(chart_input("blood_pressure", readings), TODAY - timedelta(days=300), TODAY)
    text = t.hover_text(weekly.series[1], weekly.series[1].buckets[-1], weekly.resolution, "mmHg")
    assert "week of 16 Nov to 22 Nov 2026" in text and "85 mmHg" in text


# ---- shape --------------------------------------------------------------------------------------
def test_the_pure_modules_import_neither_qt_nor_matplotlib():
    code = (
        "import sys, companion.lifestyle.trends, companion.lifestyle.today, companion.lifestyle.quick_entry;"
        "import companion.lifestyle.ranges as r; r.load_ranges();"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'matplotlib', 'companion') and 'ui' in m.split('.') or m.split('.')[0] in ('PySide6', 'matplotlib')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert json.loads(out.replace("'", '"')) == []


def test_bands_say_what_they_wait_for():
    assert ranges.band_needs("steps", Person()) == "age"
    assert ranges.band_needs("weight", Person(age=50)) == "height"
    assert ranges.band_needs("weight", Person(height_m=1.7)) is None
    assert ranges.band_needs("systolic_bp", Person()) is None

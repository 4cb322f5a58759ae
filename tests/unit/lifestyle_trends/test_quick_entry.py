"""The quick entry bar's parser: everyday words, units, times; clear messages; never a crash."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from companion.lifestyle.quick_entry import BLOOD_PRESSURE, QuickEntryError, parse

NOW = datetime(2026, 11, 22, 9, 15, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("text", "kind", "values", "unit"),
    [
        ("weight 72.5 kg", "weight", (72.5,), "kg"),
        ("Weight 72,5kg", "weight", (72.5,), "kg"),
        ("weight 72.50", "weight", (72.5,), None),  # a decimal, not a clock
        ("weight 160 lb", "weight", (160.0,), "lb"),
        ("bp 128/82", BLOOD_PRESSURE, (128.0, 82.0), None),
        ("BP 128 / 82 mmHg", BLOOD_PRESSURE, (128.0, 82.0), "mmHg"),
        ("blood pressure: 135/85", BLOOD_PRESSURE, (135.0, 85.0), None),
        ("steps 8000", "steps", (8000.0,), None),
        ("sleep 7.5 h", "sleep_hours", (7.5,), "h"),
        ("pulse 64", "heart_rate", (64.0,), None),
        ("resting heart rate 58 bpm", "resting_heart_rate", (58.0,), "bpm"),
        ("active_minutes 30 min", "active_minutes", (30.0,), "min"),
        ("glucose 5.4 mmol/L", "glucose", (5.4,), "mmol/L"),
        ("smoking never", "smoking_status", ("never",), None),
        ("8480-6 120", "systolic_bp", (120.0,), None),
    ],
)
def test_entries_people_type(text, kind, values, unit):
    entry = parse(text, NOW)
    assert (entry.kind, entry.values, entry.unit, entry.at) == (kind, values, unit, None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("weight 72 yesterday", datetime(2026, 11, 21, 9, 15, tzinfo=timezone.utc)),
        ("bp 128/82 at 7:30", datetime(2026, 11, 22, 7, 30, tzinfo=timezone.utc)),
        ("bp 128/82 yesterday at 7 pm", datetime(2026, 11, 21, 19, 0, tzinfo=timezone.utc)),
        ("pulse 70 2026-11-20 08:05", datetime(2026, 11, 20, 8, 5, tzinfo=timezone.utc)),
        ("sleep 7 h on 2026-11-19", datetime(2026, 11, 19, 9, 15, tzinfo=timezone.utc)),
    ],
)
def test_times(text, expected):
    assert parse(text, NOW).at == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "for example"),
        ("foo 12", "not something I can record"),
        ("weight", "Add the number"),
        ("weight 72 parsecs", "not a unit I know for weight"),
        ("bp 128", "two numbers with a slash"),
        ("smoking", "Say which"),
        ("smoking sometimes-ish", "must be one of"),
        ("bp 120/80 at 25:00", "not a time of day"),
        ("weight 70 2026-02-31", "not a date"),
        ("weight " + "9" * 300, "too long"),
    ],
)
def test_messages_say_what_to_write(text, says):
    with pytest.raises(QuickEntryError, match=says):
        parse(text, NOW)


def test_read_back_in_words():
    assert parse("bp 128/82", NOW).words() == "Blood pressure: 128/82 mmHg"
    assert parse("weight 72.5", NOW).words() == "Weight: 72.5 kg"
    assert parse("pulse 64", NOW).words() == "Heart rate: 64 beats a minute"
    assert parse("smoking never", NOW).words().startswith("Smoking status: never")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_any_text_parses_or_says_why(text):
    try:
        entry = parse(text, NOW)
    except QuickEntryError as exc:
        assert str(exc)
    else:
        assert entry.values


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["weight", "bp", "steps", "sleep", "pulse"]),
    st.floats(min_value=0, max_value=99999, allow_nan=False).map(lambda v: round(v, 2)),
    st.sampled_from(["", " yesterday", " at 6:45", " today"]),
)
def test_generated_entries_round_trip(word, value, when):
    text = f"bp {value}/{max(value / 2, 1):.0f}{when}" if word == "bp" else f"{word} {value}{when}"
    entry = parse(text, NOW)
    assert entry.values[0] == pytest.approx(value)

"""Words of the Today and Measurements pages, in one place so they can be reviewed together.
(Medical sentences — attention, goal progress — are in ``companion.lifestyle.today_messages``.)"""
from __future__ import annotations

from typing import Any

TODAY_TITLE = "Today"
LATEST_TITLE = "Latest measurements"
GOALS_TITLE = "Your goals"
GOALS_BUTTON = "Set or change goals…"
ATTENTION_TITLE = "What needs attention"
TRENDS_TITLE = "Trends"
IMPORT_BUTTON = "Import from Apple Health, Fitbit, Google Fit or a CSV file…"
READ_ONLY = "Caregiver access is read-only: only the profile owner can add or change measurements and goals."
FIRST_USE = (
    "Start by typing a measurement above, for example “bp 128/82” or “weight 72.5 kg”, and press "
    "Enter. It is saved in your encrypted record on this computer."
)
NO_LATEST = "No measurements yet."
NO_GOALS = "No goals yet. A goal can be, for example, 150 active minutes a week or blood pressure 130/80 or lower."
NOTHING = "Nothing needs your attention right now."
NOTHING_YET = "Once you add measurements, anything worth talking to your doctor about shows here."
LOAD_FAILED = "Your measurements could not be read ({reason}). Lock and unlock to try again."
SAVED = "Saved: {what}, {when}."
ADDED = "Added {what}"
DELETED = "Deleted {what}"
CHANGED = "Changed {what}"
UNDONE = "Undone: {what}."
NOTHING_TO_UNDO = "Nothing to undo."
UNDO_FAILED = "Could not undo: {reason}."

MEASUREMENTS_TITLE = "Measurements"
MEASUREMENTS_INTRO = (
    "Every measurement in your record, newest first, with where it came from. Select one to change "
    "or delete it; a deletion can be undone."
)
ALL_TYPES = "All types"
CHANGE_BUTTON = "Change…"
DELETE_BUTTON = "Delete"
UNDO_BUTTON = "Undo"
MEASUREMENTS_READ_ONLY = "Caregiver access is read-only: you can look at the measurements but not change them."
SHOWING_NEWEST = "Showing the newest {shown:,}; older ones stay in your record."
NO_MEASUREMENTS = "No measurements yet."

SOURCE_WORDS = {
    "typed": "typed in",
    "Apple Health": "from Apple Health",
    "Fitbit": "from Fitbit",
    "Google Fit": "from Google Fit",
    "CSV": "from a CSV file",
}


def source_words(source: str) -> str:
    return SOURCE_WORDS.get(source, f"from {source}")


def not_saved(exc: Exception) -> str:
    text = str(exc).rstrip(".")
    if not text:
        return "Not saved."
    if "not saved" in text:  # the store's own words: "weight not saved: impossible value"
        return text[0].upper() + text[1:] + "."
    return "Not saved: " + text[0].lower() + text[1:] + "."


def goal_line_label(goal: Any, unit: str) -> str:
    """The chart legend's words for a goal line ("Your goal: 75 kg or lower")."""
    how = {"at_most": "or lower", "at_least": "or higher", "daily_total": "a day", "weekly_total": "a week"}
    unit = UNIT_WORDS.get(unit, unit)
    return " ".join(p for p in ("Your goal:", f"{goal.value:,g}", unit, how.get(goal.target, "")) if p)


UNIT_WORDS = {"/min": "beats a minute", "min": "minutes", "h": "hours"}
NEEDS_AGE = "No healthy range is shaded: it depends on age. Add your date of birth under Settings to see it."
NEEDS_HEIGHT = "No healthy range is shaded: it depends on your height. Add a height measurement (for example “height 170 cm”) to see it."

"""The Today page's typed entries: "weight 72.5 kg", "bp 128/82", "sleep 7.5 h yesterday",
"smoking never" — parsed into a type, value(s), unit and optional time. Plain Python; the store
validates the values (range, time) when they are saved."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from companion.errors import CompanionError
from companion.lifestyle import types as types_
from companion.lifestyle import units
from companion.lifestyle.types import ObservationType

BLOOD_PRESSURE = "blood_pressure"  # not a stored type: two observations, systolic and diastolic
MAX_LENGTH = 200

# Everyday words for the types, beside their short names and labels (longest match wins).
ALIASES: dict[str, str] = {
    "bp": BLOOD_PRESSURE,
    "blood pressure": BLOOD_PRESSURE,
    "pressure": BLOOD_PRESSURE,
    "pulse": "heart_rate",
    "hr": "heart_rate",
    "heart rate": "heart_rate",
    "resting pulse": "resting_heart_rate",
    "resting hr": "resting_heart_rate",
    "resting heart rate": "resting_heart_rate",
    "weigh": "weight",
    "sleep": "sleep_hours",
    "slept": "sleep_hours",
    "active": "active_minutes",
    "activity": "active_minutes",
    "exercise": "active_minutes",
    "alcohol": "alcohol_drinks",
    "drinks": "alcohol_drinks",
    "smoking": "smoking_status",
    "smoker": "smoking_status",
    "cigarettes": "cigarettes_per_day",
    "fruit and veg": "fruit_veg_servings",
    "fruit": "fruit_veg_servings",
    "veg": "fruit_veg_servings",
    "sugar": "glucose",
    "blood sugar": "glucose",
    "a1c": "hba1c",
    "cholesterol": "total_cholesterol",
    "tg": "triglycerides",
}
UNIT_WORDS = {"/min": "beats a minute"}
EXAMPLES = "weight 72.5 kg, bp 128/82, steps 8000, sleep 7.5 h"

_NUMBER = r"\d{1,6}(?:[.,]\d{1,3})?"
_BP = re.compile(rf"^({_NUMBER})\s*/\s*({_NUMBER})(?:\s+(.*))?$")
_VALUE = re.compile(rf"^({_NUMBER})(?:\s*(.*))?$")
# A clock needs a colon ("7:30") or "at" ("at 7.30", "at 7 pm"): "72.50" stays a weight.
_CLOCK = re.compile(r"(?:^|\s)(?:at\s+(\d{1,2})(?:[:.](\d{2}))?|(\d{1,2}):(\d{2}))\s*(am|pm)?$")
_ISO_DAY = re.compile(r"(?:^|\s)(?:on\s+)?(\d{4}-\d{2}-\d{2})$")
_DAY_WORD = re.compile(r"(?:^|\s)(today|yesterday)$")


class QuickEntryError(CompanionError):
    """The text could not be read; the message says what to write instead."""


@dataclass(frozen=True)
class QuickEntry:
    kind: str  # a registry short name, or BLOOD_PRESSURE
    values: tuple[float | str, ...]  # (systolic, diastolic) for blood pressure
    unit: str | None  # as typed; None: the type's usual unit
    at: datetime | None  # None: now

    def words(self) -> str:
        """How the entry is read back to the person: "blood pressure 128/82 mmHg"."""
        if self.kind == BLOOD_PRESSURE:
            numbers = "/".join(_number_words(v) for v in self.values)
            return f"Blood pressure: {numbers} {self.unit or 'mmHg'}"
        otype = types_.get(self.kind)
        value = self.values[0]
        if otype.coded:
            return f"{otype.label}: {otype.answer(str(value)).display.lower()}"
        unit = self.unit or otype.unit or ""
        return f"{otype.label}: {_number_words(value)} {UNIT_WORDS.get(unit, unit)}".strip()


def _number_words(value: float | str) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def type_names() -> dict[str, str]:
    """Every phrase that names a type, lower case → short name."""
    names: dict[str, str] = {}
    for otype in types_.registry():
        names[otype.name] = otype.name
        names[otype.name.replace("_", " ")] = otype.name
        names[otype.label.lower()] = otype.name
    names.update(ALIASES)
    return names


def _split_type(text: str) -> tuple[str, str]:
    lowered = text.lower()
    for phrase in sorted(type_names(), key=len, reverse=True):
        if lowered == phrase or lowered.startswith(phrase + " ") or lowered.startswith(phrase + ":"):
            return type_names()[phrase], text[len(phrase):].lstrip(" :")
    first = text.split()[0] if text.split() else text
    try:  # a LOINC code works too ("8480-6 120"), as on the command line
        return types_.registry().resolve(first).name, text[len(first):].lstrip(" :")
    except CompanionError:
        pass
    raise QuickEntryError(f"“{first[:30]}” is not something I can record. Try for example: {EXAMPLES}.")


def _split_time(rest: str, now: datetime) -> tuple[str, datetime | None]:
    """Take a trailing "yesterday", "at 7:30", "2026-11-20" (or a day and a clock) off ``rest``."""
    clock: time | None = None
    day: date | None = None
    match = _CLOCK.search(rest)
    if match:
        hour = int(match.group(1) or match.group(3))
        minute, half = int(match.group(2) or match.group(4) or 0), match.group(5)
        if half:
            if not 1 <= hour <= 12:
                raise QuickEntryError(f"{hour} {half} is not a time of day.")
            hour = hour % 12 + (12 if half == "pm" else 0)
        if hour > 23 or minute > 59:
            raise QuickEntryError(f"{match.group(0).strip()} is not a time of day.")
        clock = time(hour, minute)
        rest = rest[: match.start()].strip()
    for pattern in (_DAY_WORD, _ISO_DAY):
        match = pattern.search(rest)
        if match:
            word = match.group(1)
            if word == "today":
                day = now.date()
            elif word == "yesterday":
                day = now.date() - timedelta(days=1)
            else:
                try:
                    day = date.fromisoformat(word)
                except ValueError:
                    raise QuickEntryError(f"{word} is not a date.") from None
            rest = rest[: match.start()].strip()
            break
    if clock is None and day is None:
        return rest, None
    moment = datetime.combine(day or now.date(), clock or now.time())
    return rest, moment.replace(tzinfo=now.tzinfo)


def _unit(otype: ObservationType, text: str) -> str | None:
    text = text.strip()
    if not text:
        return None
    if not units.accepts(otype, text):
        accepted = otype.accepted_units()
        usual = ", ".join(accepted[:1] + sorted(accepted[1:], key=len)[:3])
        raise QuickEntryError(f"“{text[:20]}” is not a unit I know for {otype.label.lower()}. Use {usual}.")
    return text


def parse(text: str, now: datetime) -> QuickEntry:
    """Read one entry; ``now`` (timezone-aware) resolves "yesterday" and "at 7:30"."""
    text = " ".join(text.strip().split())
    if not text:
        raise QuickEntryError(f"Type what you measured, for example: {EXAMPLES}.")
    if len(text) > MAX_LENGTH:
        raise QuickEntryError("That is too long for one entry.")
    kind, rest = _split_type(text)
    rest, at = _split_time(rest, now)
    if kind == BLOOD_PRESSURE:
        match = _BP.match(rest)
        if not match:
            raise QuickEntryError("Write blood pressure as two numbers with a slash, for example: bp 128/82.")
        unit = _unit(types_.get("systolic_bp"), match.group(3) or "")
        return QuickEntry(BLOOD_PRESSURE, (_number(match.group(1)), _number(match.group(2))), unit, at)
    otype = types_.get(kind)
    if otype.coded:
        if not rest:
            keys = ", ".join(a.key.replace("_", " ") for a in otype.answers)
            raise QuickEntryError(f"Say which: {otype.label.lower()} {keys}.")
        try:
            answer = otype.answer(rest)
        except CompanionError as exc:
            raise QuickEntryError(str(exc).capitalize() + ".") from None
        return QuickEntry(kind, (answer.key,), None, at)
    match = _VALUE.match(rest)
    if not match:
        raise QuickEntryError(f"Add the number after “{otype.label.lower()}”, for example: {_example(otype)}.")
    return QuickEntry(kind, (_number(match.group(1)),), _unit(otype, match.group(2) or ""), at)


def _example(otype: ObservationType) -> str:
    samples = {"weight": "weight 72.5 kg", "steps": "steps 8000", "sleep_hours": "sleep 7.5 h"}
    return samples.get(otype.name, f"{otype.name.replace('_', ' ')} 10 {otype.unit or ''}".strip())

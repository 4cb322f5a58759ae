"""The healthy ranges of ``resources/knowledge/lifestyle/ranges.json`` (each with its quoted
source; provenance in ``ranges.SOURCES.md``): the band a chart shades and the lines "what needs
attention" compares against, for an adult of a given age and height."""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from companion import RESOURCES

RANGES_FILE = RESOURCES / "knowledge" / "lifestyle" / "ranges.json"


@dataclass(frozen=True)
class Band:
    kind: str
    low: float | None  # None: open below (drawn from the axis bottom)
    high: float | None  # None: open above
    label: str
    source: str  # short citation shown under the chart


@dataclass(frozen=True)
class Threshold:
    kind: str
    value: float
    label: str


@dataclass(frozen=True)
class Person:
    """What the bands depend on: age in years and the latest height in metres, when known."""

    age: int | None = None
    height_m: float | None = None


@lru_cache(maxsize=1)
def load_ranges() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(RANGES_FILE.read_text(encoding="utf-8"))
    if data.get("format") != 1:
        raise ValueError(f"{RANGES_FILE.name}: unknown format {data.get('format')!r}")
    for kind, entry in data["ranges"].items():
        if entry.get("source") not in data["sources"]:
            raise ValueError(f"{RANGES_FILE.name}: range {kind!r} names no known source")
    return data


def short_source(source_id: str) -> str:
    return str(load_ranges()["sources"][source_id]["short"])


def band_for(kind: str, person: Person = Person()) -> Band | None:
    """The healthy band for an adult, or None when the type has none or it needs what we lack."""
    entry = load_ranges()["ranges"].get(kind)
    if entry is None or (person.age is not None and person.age < 18):
        return None
    source = short_source(entry["source"])
    if "healthy" in entry:
        band = entry["healthy"]
        return Band(kind, band["low"], band["high"], band["label"], source)
    if "by_age" in entry:
        if person.age is None:
            return None
        for group in entry["by_age"]:
            high_age = group["age_max"] if group["age_max"] is not None else math.inf
            if group["age_min"] <= person.age <= high_age:
                band = group["healthy"]
                return Band(kind, band["low"], band["high"], band["label"], source)
        return None
    if "from_bmi" in entry:
        if not person.height_m:
            return None
        bmi = entry["from_bmi"]
        square = person.height_m**2
        return Band(kind, round(bmi["low"] * square, 1), round(bmi["high"] * square, 1), bmi["label"], source)
    return None


def band_needs(kind: str, person: Person) -> str | None:
    """"age" or "height" when the type's band depends on what the profile does not say yet."""
    entry = load_ranges()["ranges"].get(kind, {})
    if "by_age" in entry and person.age is None:
        return "age"
    if "from_bmi" in entry and not person.height_m:
        return "height"
    return None


def thresholds_for(kind: str) -> list[Threshold]:
    entry = load_ranges()["ranges"].get(kind, {})
    return [Threshold(kind, float(t["value"]), t["label"]) for t in entry.get("thresholds", [])]

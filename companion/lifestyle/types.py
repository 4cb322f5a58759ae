"""The registry of observation types: LOINC code, units, plausible range, aggregation rule.

Read from ``resources/knowledge/lifestyle/observation_types.json``, which keeps, for each type,
the page its LOINC code was verified on and the reasoning behind its range. Nothing here touches
the vault; :func:`registry` is loaded once and shared.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from companion import RESOURCES
from companion.errors import CompanionError

TYPES_FILE = RESOURCES / "knowledge" / "lifestyle" / "observation_types.json"
FORMAT = 1
AGGREGATES = ("sum", "mean", "daily_total_mean", "last")
_LOINC = re.compile(r"\d{1,7}-\d")


class LifestyleKnowledgeError(CompanionError):
    def __init__(self, detail: str) -> None:
        super().__init__(f"the observation types that came with the app are missing or damaged ({detail})")


class UnknownType(CompanionError):
    def __init__(self, text: str) -> None:
        shown = text if len(text) <= 40 and text.isprintable() else "that type"
        super().__init__(f"{shown!r} is not an observation type; 'companion log types' lists them")


@dataclass(frozen=True)
class Answer:
    """One answer of a coded type (smoking status), with its SNOMED CT code."""

    key: str
    snomed: str
    display: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Range:
    """Values outside ``[min, max]`` (canonical unit) are rejected as impossible."""

    min: float
    max: float
    reasoning: str

    def holds(self, value: float) -> bool:
        return self.min <= value <= self.max


@dataclass(frozen=True)
class AffineUnit:
    """A unit related to the canonical one by ``canonical = scale * value + offset`` (HbA1c)."""

    scale: float
    offset: float
    source: str


@dataclass(frozen=True, eq=False)  # identity: one object per type, usable as a cache key
class ObservationType:
    name: str  # the short name: "weight", "systolic_bp", …
    label: str  # for people
    loinc: str | None  # None only where LOINC has no single code (fruit_veg_servings)
    display: str
    unit: str | None  # canonical unit as shown ("kg", "mmHg", "mg/dL"); None for coded types
    ucum: str | None  # the canonical unit in UCUM ("mm[Hg]", "{steps}")
    units: Mapping[str, str]  # accepted spelling (lower case) → pint expression
    spellings: tuple[str, ...]  # the accepted spellings as written in the types file, for people
    affine_units: Mapping[str, AffineUnit]
    molar_mass: float | None  # g/mol, for mg/dL ↔ mmol/L
    range: Range | None
    aggregate: str  # one of AGGREGATES
    answers: tuple[Answer, ...]
    alternate_codes: tuple[str, ...]

    @property
    def coded(self) -> bool:
        return bool(self.answers)

    def accepted_units(self) -> list[str]:
        """The unit spellings accepted on entry, canonical first (for help texts and the UI)."""
        seen = [self.unit] if self.unit else []
        for spelling in self.spellings:
            if spelling.lower() != (self.unit or "").lower() and not spelling.startswith(("[", "{")):
                seen.append(spelling)
        return seen

    def answer(self, text: str) -> Answer:
        """The answer a person typed: its key, an alias, its SNOMED code or its display text."""
        wanted = text.strip().lower().replace(" ", "_").replace("-", "_")
        for answer in self.answers:
            if wanted in (answer.key, answer.snomed, answer.display.lower().replace(" ", "_"), *answer.aliases):
                return answer
        keys = ", ".join(a.key for a in self.answers)
        raise CompanionError(f"the {self.label.lower()} must be one of: {keys}")

    def answer_by_code(self, snomed: str) -> Answer | None:
        return next((a for a in self.answers if a.snomed == snomed), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "type": self.name,
            "label": self.label,
            "loinc": self.loinc,
            "display": self.display,
            "unit": self.unit,
            "ucum": self.ucum,
            "units": self.accepted_units(),
            "range": None if self.range is None else {"min": self.range.min, "max": self.range.max},
            "aggregate": self.aggregate,
            "answers": [a.key for a in self.answers],
        }


class Registry:
    """All observation types, by short name and by LOINC code."""

    def __init__(self, version: str, types: tuple[ObservationType, ...]) -> None:
        self.version = version
        self.types = types
        self._by_name = {t.name: t for t in types}
        self._by_code: dict[str, ObservationType] = {}
        for t in types:
            for code in (t.loinc, *t.alternate_codes):
                if code:
                    self._by_code.setdefault(code, t)

    def __iter__(self) -> Iterator[ObservationType]:
        return iter(self.types)

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def get(self, name: str) -> ObservationType | None:
        return self._by_name.get(name)

    def resolve(self, text: str) -> ObservationType:
        """A short name (any case) or a LOINC code (its own or an accepted alternate)."""
        key = text.strip()
        found = self._by_name.get(key.lower())
        if found is None and _LOINC.fullmatch(key):
            found = self._by_code.get(key)
        if found is None:
            raise UnknownType(text)
        return found


def _type(raw: Mapping[str, Any]) -> ObservationType:
    name = str(raw["name"])
    aggregate = str(raw["aggregate"])
    if aggregate not in AGGREGATES:
        raise LifestyleKnowledgeError(f"{name}: unknown aggregate {aggregate!r}")
    loinc = raw.get("loinc")
    if loinc is not None and not _LOINC.fullmatch(str(loinc)):
        raise LifestyleKnowledgeError(f"{name}: {loinc!r} is not a LOINC code")
    span = raw.get("range")
    answers = tuple(
        Answer(str(a["key"]), str(a["snomed"]), str(a["display"]), tuple(str(x) for x in a.get("aliases", ())))
        for a in raw.get("answers", ())
    )
    if not answers and (span is None or raw.get("unit") is None):
        raise LifestyleKnowledgeError(f"{name}: a measured type needs a unit and a range")
    molar = raw.get("molar_mass")
    return ObservationType(
        name=name,
        label=str(raw["label"]),
        loinc=None if loinc is None else str(loinc),
        display=str(raw["display"]),
        unit=raw.get("unit"),
        ucum=raw.get("ucum"),
        units={str(k).lower(): str(v) for k, v in raw.get("units", {}).items()},
        spellings=tuple(str(k) for k in [*raw.get("units", {}), *raw.get("affine_units", {})]),
        affine_units={
            str(k).lower(): AffineUnit(float(v["scale"]), float(v["offset"]), str(v["source"]))
            for k, v in raw.get("affine_units", {}).items()
        },
        molar_mass=None if molar is None else float(molar["g_per_mol"]),
        range=None if span is None else Range(float(span["min"]), float(span["max"]), str(span["reasoning"])),
        aggregate=aggregate,
        answers=answers,
        alternate_codes=tuple(raw.get("alternate_codes", {})),
    )


def load(path: Path = TYPES_FILE) -> Registry:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise LifestyleKnowledgeError(type(exc).__name__) from None
    if data.get("format") != FORMAT:
        raise LifestyleKnowledgeError(f"format {data.get('format')!r}, expected {FORMAT}")
    try:
        types = tuple(_type(raw) for raw in data["types"])
    except (KeyError, TypeError, ValueError) as exc:
        raise LifestyleKnowledgeError(f"{type(exc).__name__}: {exc}") from None
    if len({t.name for t in types}) != len(types):
        raise LifestyleKnowledgeError("a type name appears twice")
    return Registry(str(data["version"]), types)


@lru_cache(maxsize=1)
def registry() -> Registry:
    """The shipped registry, loaded once."""
    return load()


def get(name: str) -> ObservationType:
    """The type with this short name; :class:`UnknownType` otherwise."""
    found = registry().get(name)
    if found is None:
        raise UnknownType(name)
    return found

"""What every risk calculator shares: the result it returns and the errors it raises.

A calculator is a pure function from the normalised inputs of :mod:`companion.risk.inputs` to a
:class:`RiskResult`. It never clamps: a value outside the range its source validated is refused
with :class:`OutsideValidatedRange`, whose message a patient can read ("This calculator is
validated for ages 40–79; you entered 35."). It echoes the value the
person just typed back to them, on their screen or terminal; these messages are never logged.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from companion.errors import CompanionError

Value = float | int | str | bool | None


class InputError(CompanionError):
    """An unknown key, a missing required key, or a value of the wrong kind; names the key."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


class MissingInput(InputError):
    def __init__(self, key: str, alternatives: tuple[str, ...] = (), what: str = "") -> None:
        also = f" (or {' and '.join(alternatives)})" if alternatives else ""
        named = f", {what}," if what else ""
        super().__init__(key, f"missing input: {key}{named}{also} is needed by this calculator")


class OutsideValidatedRange(CompanionError):
    """The inputs are well formed but outside what the calculator's source validated."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


def check_range(values: Mapping[str, Any], key: str, low: float, high: float, what: str, unit: str = "", source: str = "") -> float:
    """The value of ``key`` if ``low <= value <= high``; else a plain-words refusal.

    ``what`` is the plural noun a person reads ("ages", "total cholesterol values")."""
    value = values.get(key)
    if value is None:
        raise MissingInput(key)
    number = float(value)
    if not low <= number <= high:
        shown_unit = f" {unit}" if unit else ""
        by = f" ({source})" if source else ""
        raise OutsideValidatedRange(
            key,
            f"This calculator is validated for {what} {_fmt(low)}–{_fmt(high)}{shown_unit}{by}; "
            f"you entered {_fmt(number)}{shown_unit}.",
        )
    return number


def require(values: Mapping[str, Any], key: str, *alternatives: str) -> Any:
    """The value of ``key``; a :class:`MissingInput` naming it (and its alternatives) if absent."""
    value = values.get(key)
    if value is None:
        raise MissingInput(key, alternatives)
    return value


def shown_value(value: float, decimals: int) -> str:
    """A categorised value (BMI, eGFR, waist-to-height) for display: cut to ``decimals``, not
    rounded, so the number shown lies in the same band as the category. Every band edge (18.5,
    25, 60, 0.5 …) has no more decimals than shown; rounding 59.6 up to "60" would print a value
    of one band beside the name of the next."""
    scale = 10**decimals
    return f"{math.floor(value * scale + 1e-9) / scale:.{decimals}f}"


def _fmt(number: float) -> str:
    return f"{number:g}"


@dataclass(frozen=True)
class RiskResult:
    """``results`` holds full-precision numbers (risks in percent) under the CLI's keys;
    rounding is for the presentation layer only (SPEC §0)."""

    calculator: str
    results: dict[str, Value]
    warnings: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {"calculator": self.calculator, "results": dict(self.results), "warnings": list(self.warnings)}


@dataclass(frozen=True)
class Calculator:
    """One calculator as the CLI and the Risks page see it.

    ``uses``: every input key it reads (including alternative units), so a known key it does
    not read can be listed in the warnings. ``compute`` takes normalised inputs.
    ``optimal`` (for risk calculators) returns the same person's inputs with optimal risk
    factors, per the calculator's source, for the "someone your age with optimal risk factors"
    comparison; ``None`` when the source defines no such profile.
    """

    name: str
    title: str
    uses: frozenset[str]
    compute: Callable[[Mapping[str, Any]], RiskResult]
    source: str
    optimal: Callable[[Mapping[str, Any]], dict[str, Any]] | None = None
    notes: tuple[str, ...] = field(default=())

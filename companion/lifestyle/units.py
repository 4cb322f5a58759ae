"""Unit conversion for observations, both ways, with pint; mg/dL ↔ mmol/L by the analyte's molar mass.

Every conversion an observation needs is linear (``canonical = scale * value + offset``; the
offset is non-zero only for HbA1c's IFCC mmol/mol, an affine master equation pint cannot express).
So pint is asked once per (type, unit) and the factor is cached: importing a million records
costs one multiply each, not a pint call. The registry is built lazily, on the first conversion.
"""
from __future__ import annotations

import math
import threading
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from companion.errors import CompanionError
from companion.lifestyle.types import ObservationType

if TYPE_CHECKING:
    import pint

_EXTRA_UNITS = (
    "pack = 20 * count",  # of cigarettes
)
_lock = threading.Lock()
_registry: Any = None


class UnknownUnit(CompanionError):
    def __init__(self, otype: ObservationType, unit: str) -> None:
        shown = unit if len(unit) <= 20 and unit.isprintable() else "that unit"
        accepted = ", ".join(otype.accepted_units()[:6]) or "no unit"
        super().__init__(f"{shown!r} is not a unit for {otype.label.lower()} (use {accepted})")


def ureg() -> pint.UnitRegistry:
    """The one pint registry, built on first use (it takes ~0.3 s)."""
    global _registry
    with _lock:
        if _registry is None:
            import pint

            registry: pint.UnitRegistry = pint.UnitRegistry(cache_folder=None)
            for line in _EXTRA_UNITS:
                registry.define(line)
            _registry = registry
        return _registry


def spelling(unit: str) -> str:
    """How a unit is looked up: trimmed, lower case, inner spaces collapsed."""
    return " ".join(unit.strip().lower().split())


def convert_quantity(value: float, from_unit: str, to_unit: str, molar_mass: float | None = None) -> float:
    """``value`` in pint expression ``from_unit`` as ``to_unit``; molar mass in g/mol links mass and substance."""
    registry = ureg()
    quantity = registry.Quantity(value, from_unit)
    if molar_mass is not None:
        mw = registry.Quantity(molar_mass, "gram / mole")
        return float(quantity.to(to_unit, "chemistry", mw=mw).magnitude)
    return float(quantity.to(to_unit).magnitude)


def _pint_expression(otype: ObservationType, unit: str) -> str | None:
    key = spelling(unit)
    if key in otype.units:
        return otype.units[key]
    if otype.unit and key == otype.unit.lower():
        return otype.units.get(key)
    if not otype.units or otype.units.get((otype.unit or "").lower()) == "count":
        return None  # counts take only their listed spellings: "%" must not pass for steps
    try:
        registry = ureg()
        parsed = registry.parse_units(unit.strip())
    except Exception:  # noqa: BLE001 - pint raises several kinds for text it cannot read
        return None
    canonical = registry.parse_units(otype.units[(otype.unit or "").lower()])
    if parsed.dimensionality != canonical.dimensionality:
        return None
    return str(parsed)


@lru_cache(maxsize=1024)
def factor(otype: ObservationType, unit: str) -> tuple[float, float]:
    """``(scale, offset)`` with ``canonical = scale * value + offset`` for ``unit``; UnknownUnit if it is not one."""
    if otype.coded or otype.unit is None:
        raise UnknownUnit(otype, unit)
    key = spelling(unit)
    affine = otype.affine_units.get(key)
    if affine is not None:
        return affine.scale, affine.offset
    expression = _pint_expression(otype, unit)
    if expression is None:
        raise UnknownUnit(otype, unit)
    target = otype.units[otype.unit.lower()]
    try:
        scale = convert_quantity(1.0, expression, target, otype.molar_mass)
    except Exception:  # noqa: BLE001 - a dimensionality error means this is not a unit of the type
        raise UnknownUnit(otype, unit) from None
    return scale, 0.0


def to_canonical(otype: ObservationType, value: float, unit: str) -> float:
    scale, offset = factor(otype, unit)
    return scale * value + offset


def from_canonical(otype: ObservationType, value: float, unit: str) -> float:
    scale, offset = factor(otype, unit)
    return (value - offset) / scale


def convert(otype: ObservationType, value: float, from_unit: str, to_unit: str) -> float:
    """A value of ``otype`` from one accepted unit to another (``lb`` → ``kg``, ``mg/dL`` → ``mmol/L``…)."""
    return from_canonical(otype, to_canonical(otype, value, from_unit), to_unit)


def accepts(otype: ObservationType, unit: str) -> bool:
    try:
        factor(otype, unit)
    except UnknownUnit:
        return False
    return True


def is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)

"""Clinical risk calculators: pure functions from a person's numbers to cited absolute risks.

Each calculator module exposes ``CALCULATORS``, a tuple of :class:`~companion.risk.base.Calculator`;
:func:`calculate` checks and normalises the inputs, runs one, and lists the known keys it did
not use as warnings (the ``companion risk NAME --input FILE.json`` contract).
"""
from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import import_module
from typing import Any

from companion.risk.base import Calculator, InputError, MissingInput, OutsideValidatedRange, RiskResult
from companion.risk.inputs import given_keys, normalise, parse_inputs

_MODULES = {
    "pce": "companion.risk.pce",
    "prevent": "companion.risk.prevent",
    "qrisk3": "companion.risk.qrisk3",
    "findrisc": "companion.risk.findrisc",
    "egfr": "companion.risk.egfr",
    "bmi": "companion.risk.body",
    "whtr": "companion.risk.body",
    "gail": "companion.risk.gail",
    "cha2ds2_vasc": "companion.risk.cha2ds2_vasc",
}
NAMES = tuple(_MODULES)


@cache
def calculator(name: str) -> Calculator:
    module = _MODULES.get(name)
    if module is None:
        raise InputError("", f"unknown calculator {name[:40]!r}; choose one of {', '.join(NAMES)}")
    for candidate in import_module(module).CALCULATORS:
        if candidate.name == name:
            return candidate
    raise LookupError(name)


def calculate(name: str, raw: Mapping[str, Any]) -> RiskResult:
    """Run calculator ``name`` on ``raw`` (JSON-like) inputs."""
    calc = calculator(name)
    values = normalise(parse_inputs(raw))
    result = calc.compute(values)
    unused = sorted(given_keys(raw) - calc.uses)
    extra = tuple(f"input {key} is not used by {calc.title}" for key in unused)
    return RiskResult(result.calculator, result.results, result.warnings + extra)


__all__ = ["NAMES", "Calculator", "InputError", "MissingInput", "OutsideValidatedRange", "RiskResult", "calculate", "calculator"]

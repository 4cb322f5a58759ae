"""CHA2DS2-VASc: stroke-risk points for people with atrial fibrillation, 0–9.

Lip GYH, Nieuwlaat R, Pisters R, Lane DA, Crijns HJGM. Refining clinical risk stratification for
predicting stroke and thromboembolism in atrial fibrillation using a novel risk factor-based
approach: the Euro Heart Survey on Atrial Fibrillation. Chest 2010;137:263-272,
doi:10.1378/chest.09-1584.

Congestive heart failure / LV dysfunction 1; Hypertension 1; Age ≥ 75 2; Diabetes 1; prior
Stroke / TIA / thromboembolism 2; Vascular disease (prior MI, peripheral artery disease, aortic
plaque) 1; Age 65–74 1; Sex category female 1. Age in completed years. Later guidelines treat
female sex as a risk modifier rather than a risk factor on its own.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from companion.risk.base import Calculator, InputError, RiskResult, require

SOURCE = "Lip GYH et al. Chest 2010;137:263-272 (doi:10.1378/chest.09-1584)"
AF_WARNING = "CHA2DS2-VASc is meant for people with atrial fibrillation; for anyone else the score has no stated meaning."
NO_AF_WARNING = (
    "You said you do not have atrial fibrillation: CHA2DS2-VASc is meant only for people who do, "
    "so this score has no stated meaning for you."
)
ONE_POINT = ("congestive_heart_failure", "hypertension", "diabetes", "vascular_disease_mi_pad_aortic_plaque")


def age_points(age_years: float) -> int:
    years = math.floor(age_years)  # completed years
    if years >= 75:
        return 2
    if years >= 65:
        return 1
    return 0


def compute(values: Mapping[str, Any]) -> RiskResult:
    age = float(require(values, "age_years"))
    if age < 0:
        raise InputError("age_years", "input age_years must be 0 or more")
    score = age_points(age) + (1 if require(values, "sex") == "female" else 0)
    score += sum(1 for key in ONE_POINT if require(values, key))
    score += 2 if require(values, "prior_stroke_tia_thromboembolism") else 0
    warning = NO_AF_WARNING if values.get("atrial_fibrillation") is False else AF_WARNING
    return RiskResult("cha2ds2_vasc", {"score": score}, (warning,))


CALCULATORS = (
    Calculator(
        name="cha2ds2_vasc",
        title="CHA2DS2-VASc (stroke risk points in atrial fibrillation)",
        uses=frozenset({"age_years", "sex", "prior_stroke_tia_thromboembolism", "atrial_fibrillation", *ONE_POINT}),
        compute=compute,
        source=SOURCE,
        notes=("For people with atrial fibrillation only.", "Age in completed years."),
    ),
)

"""FINDRISC, the Finnish Diabetes Risk Score: the 8-question form, 0–26 points.

Lindström J, Tuomilehto J. The Diabetes Risk Score: a practical tool to predict type 2 diabetes
risk. Diabetes Care 2003;26:725-731, doi:10.2337/diacare.26.3.725; and the Finnish Diabetes
Association's "Type 2 diabetes risk assessment form" (Tuomilehto and Lindström), which adds the
family-history question to the paper's 7 items. The form's bands are inclusive at both printed
ends (BMI 25–30 → 1 point, so 25 and 30 both score 1); age is in completed years.

Each total falls in one of the form's five bands, printed with the band's approximate 10-year
risk of type 2 diabetes (1 in 100, 1 in 25, 1 in 6, 1 in 3, 1 in 2: shown as 1, 4, 17, 33 and
50 %). That figure belongs to the band, not to the person. The form gives no age limits (the
paper's derivation sample was aged 35–64), so none is imposed.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from companion.risk.base import Calculator, InputError, RiskResult, require
from companion.risk.body import HEIGHT_KEYS, WAIST_KEYS, WEIGHT_KEYS, body_mass_index, required_positive

SOURCE = (
    "Lindström J, Tuomilehto J. Diabetes Care 2003;26:725-731 (doi:10.2337/diacare.26.3.725); "
    "Finnish Diabetes Association type 2 diabetes risk assessment form (8 questions)"
)
# (lowest total in the band, category key, the form's approximate 10-year risk in percent)
BANDS = (
    (21, "very_high", 50),
    (15, "high", 33),
    (12, "moderate", 17),
    (7, "slightly_elevated", 4),
    (0, "low", 1),
)
WAIST_BANDS_CM = {"male": (94.0, 102.0), "female": (80.0, 88.0)}  # 3 points from .. to, inclusive
FAMILY_POINTS = {"none": 0, "second_degree": 3, "first_degree": 5}
BAND_RISK_WARNING = (
    "diabetes_10yr_percent is the approximate 10-year risk of type 2 diabetes printed on the form "
    "for everyone in this band of points, not a personal estimate."
)


def age_points(age_years: float) -> int:
    years = math.floor(age_years)  # completed years
    if years < 45:
        return 0
    if years <= 54:
        return 2
    if years <= 64:
        return 3
    return 4


def bmi_points(bmi_kg_m2: float) -> int:
    if bmi_kg_m2 < 25.0:
        return 0
    if bmi_kg_m2 <= 30.0:
        return 1
    return 3


def waist_points(waist_cm: float, sex: str) -> int:
    low, high = WAIST_BANDS_CM[sex]
    if waist_cm < low:
        return 0
    if waist_cm <= high:
        return 3
    return 4


def band(points: int) -> tuple[str, int]:
    """The category key and the form's approximate 10-year risk (percent) of a total."""
    for lowest, category, percent in BANDS:
        if points >= lowest:
            return category, percent
    raise ValueError(points)


def compute(values: Mapping[str, Any]) -> RiskResult:
    age = float(require(values, "age_years"))
    if age < 0:
        raise InputError("age_years", "input age_years must be 0 or more")
    sex = require(values, "sex")
    points = (
        age_points(age)
        + bmi_points(body_mass_index(values))
        + waist_points(required_positive(values, "waist_cm", "waist_in"), sex)
        + (0 if require(values, "physically_active_30min_daily") else 2)
        + (0 if require(values, "eats_vegetables_fruit_berries_daily") else 1)
        + (2 if require(values, "ever_regular_bp_medication") else 0)
        + (5 if require(values, "ever_high_blood_glucose") else 0)
        + FAMILY_POINTS[require(values, "family_history_diabetes")]
    )
    category, percent = band(points)
    return RiskResult(
        "findrisc",
        {"points": points, "category": category, "diabetes_10yr_percent": percent},
        (BAND_RISK_WARNING,),
    )


CALCULATORS = (
    Calculator(
        name="findrisc",
        title="FINDRISC (Finnish Diabetes Risk Score)",
        uses=frozenset({
            "age_years", "sex", "bmi_kg_m2", *WEIGHT_KEYS, *HEIGHT_KEYS, *WAIST_KEYS,
            "physically_active_30min_daily", "eats_vegetables_fruit_berries_daily",
            "ever_regular_bp_medication", "ever_high_blood_glucose", "family_history_diabetes",
        }),  # fmt: skip
        compute=compute,
        source=SOURCE,
        notes=(
            "Bands are inclusive at both printed ends; age in completed years.",
            "The 10-year figure is the band's approximate risk printed on the form.",
        ),
    ),
)

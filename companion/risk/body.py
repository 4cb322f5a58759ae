"""Body-size measures: body-mass index (WHO classes) and waist-to-height ratio (NICE bands).

BMI = weight (kg) ÷ height (m)², classified by the WHO adult classification: WHO Technical
Report Series 894, *Obesity: preventing and managing the global epidemic* (2000), and WHO
Expert Consultation, *Appropriate body-mass index for Asian populations*, Lancet
2004;363:157-163, doi:10.1016/S0140-6736(03)15268-3. NICE's lower thresholds for some family
backgrounds: NICE guideline CG189/NG246, *Obesity: identification, assessment and management*.

Waist-to-height ratio = waist ÷ height (same unit), banded as in the NICE obesity guideline
(CG189, 2022 update): 0.4–0.49 healthy, 0.5–0.59 increased, 0.6 or more high. NICE gives no
band below 0.4, and suggests the ratio for adults with a BMI under 35.

Both classify the unrounded value (24.996 is "normal range", not "pre-obese"); rounding is for
display only. Neither is valid for children or in pregnancy.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from companion.risk.base import Calculator, InputError, MissingInput, OutsideValidatedRange, RiskResult
from companion.risk.inputs import BMI_AGREEMENT
from companion.risk.inputs import bmi as bmi_from

BMI_SOURCE = "WHO Technical Report Series 894 (2000); WHO expert consultation, Lancet 2004;363:157-163"
WHTR_SOURCE = "NICE guideline on obesity (CG189, 2022 update): waist-to-height ratio"

# (lower bound, inclusive; category key): the WHO adult classes
BMI_CLASSES = (
    (40.0, "obese_class_iii"),
    (35.0, "obese_class_ii"),
    (30.0, "obese_class_i"),
    (25.0, "pre_obese"),
    (18.5, "normal_range"),
)
UNDERWEIGHT = "underweight"
WHTR_BANDS = ((0.6, "high"), (0.5, "increased"), (0.4, "healthy"))

# QRISK3 ethnic groups (companion.risk.inputs.ETHNICITIES) that NICE names as having a higher
# risk at a lower BMI: South Asian, Chinese, other Asian, Black African, African-Caribbean.
LOWER_THRESHOLD_ETHNICITIES = frozenset(
    {"indian", "pakistani", "bangladeshi", "other_asian", "chinese", "black_caribbean", "black_african"}
)
LOWER_THRESHOLDS_WARNING = (
    "For people of South Asian, Chinese, other Asian, Middle Eastern, Black African or "
    "African-Caribbean family background, NICE uses lower thresholds: overweight from a BMI of 23 "
    "and obesity from 27.5. This category uses the WHO cut-offs (25 and 30)."
)
NO_WHTR_BAND_WARNING = "NICE gives no band for a waist-to-height ratio below 0.4."
WHTR_BMI_35_WARNING = "NICE suggests the waist-to-height ratio for people with a BMI under 35; yours is 35 or more."

WEIGHT_KEYS = ("weight_kg", "weight_lb")
HEIGHT_KEYS = ("height_cm", "height_in")
WAIST_KEYS = ("waist_cm", "waist_in")


def required_positive(values: Mapping[str, Any], key: str, *alternatives: str) -> float:
    """The value of ``key``, which must be a length, weight or level above zero."""
    value = values.get(key)
    if value is None:
        raise MissingInput(key, alternatives)
    if value <= 0:
        also = f" (or {' or '.join(alternatives)})" if alternatives else ""
        raise InputError(key, f"input {key}{also} must be more than 0")
    return float(value)


def bmi_category(bmi_kg_m2: float) -> str:
    """The WHO adult class of an unrounded BMI."""
    for lower, category in BMI_CLASSES:
        if bmi_kg_m2 >= lower:
            return category
    return UNDERWEIGHT


def whtr_category(ratio: float) -> str | None:
    """The NICE band of an unrounded waist-to-height ratio; ``None`` below 0.4 (no band)."""
    for lower, category in WHTR_BANDS:
        if ratio >= lower:
            return category
    return None




def body_mass_index(values: Mapping[str, Any]) -> float:
    """BMI from weight and height when both are given, else the given ``bmi_kg_m2``.

    A given BMI that disagrees with the given weight and height is refused (which one is meant?)."""
    given_bmi = values.get("bmi_kg_m2")
    both = values.get("weight_kg") is not None and values.get("height_cm") is not None
    if given_bmi is not None and not both:
        return required_positive(values, "bmi_kg_m2")
    if given_bmi is None and values.get("weight_kg") is None and values.get("height_cm") is None:
        raise MissingInput("bmi_kg_m2", ("weight_kg", "height_cm"))
    weight = required_positive(values, "weight_kg", "weight_lb")
    height = required_positive(values, "height_cm", "height_in")
    derived = bmi_from(weight, height)
    if given_bmi is not None and abs(given_bmi - derived) > BMI_AGREEMENT:
        raise InputError("bmi_kg_m2", "bmi_kg_m2 does not match weight and height; give one or the other")
    return derived


ADULT_AGE = 18  # WHO's classes and NICE's bands are for adults; children are judged by growth charts


def _adults_only(values: Mapping[str, Any]) -> None:
    age = values.get("age_years")
    if age is not None and age < ADULT_AGE:
        raise OutsideValidatedRange(
            "age_years", f"This calculator's bands are for adults aged {ADULT_AGE} and over; you entered {age:g} years. "
            "A child's weight is judged with growth charts.")


def compute_bmi(values: Mapping[str, Any]) -> RiskResult:
    _adults_only(values)
    value = body_mass_index(values)
    warnings: tuple[str, ...] = ()
    if values.get("ethnicity") in LOWER_THRESHOLD_ETHNICITIES:
        warnings = (LOWER_THRESHOLDS_WARNING,)
    return RiskResult("bmi", {"bmi_kg_m2": value, "category": bmi_category(value)}, warnings)


def compute_whtr(values: Mapping[str, Any]) -> RiskResult:
    _adults_only(values)
    waist = required_positive(values, "waist_cm", "waist_in")
    height = required_positive(values, "height_cm", "height_in")
    ratio = waist / height
    category = whtr_category(ratio)
    warnings: list[str] = []
    if category is None:
        warnings.append(NO_WHTR_BAND_WARNING)
    bmi_value = values.get("bmi_kg_m2")
    if bmi_value is not None and bmi_value >= 35.0:
        warnings.append(WHTR_BMI_35_WARNING)
    return RiskResult("whtr", {"whtr": ratio, "category": category}, tuple(warnings))


CALCULATORS = (
    Calculator(
        name="bmi",
        title="Body-mass index (WHO adult classes)",
        uses=frozenset({*WEIGHT_KEYS, *HEIGHT_KEYS, "bmi_kg_m2", "ethnicity", "age_years"}),
        compute=compute_bmi,
        source=BMI_SOURCE,
        notes=(
            "Classified on the unrounded value.",
            "Not for children or in pregnancy.",
        ),
    ),
    Calculator(
        name="whtr",
        title="Waist-to-height ratio (NICE bands)",
        # weight and BMI are read only to say when NICE would not suggest the ratio (BMI 35+)
        uses=frozenset({*WAIST_KEYS, *HEIGHT_KEYS, *WEIGHT_KEYS, "bmi_kg_m2", "age_years"}),
        compute=compute_whtr,
        source=WHTR_SOURCE,
        notes=(
            "Classified on the unrounded value; no band below 0.4.",
            "Measure the waist midway between the lowest rib and the top of the hip bone.",
        ),
    ),
)

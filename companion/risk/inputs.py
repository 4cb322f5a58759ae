"""The calculators' input keys (the CLI's ``--input FILE.json`` contract) and their normalisation.

Every key any calculator knows is declared here once, with its kind. :func:`parse_inputs`
refuses an unknown key or a value of the wrong kind, naming the key; :func:`normalise` turns the
alternative units into the canonical ones (cholesterol mmol/L → mg/dL, creatinine µmol/L →
mg/dL, inches and pounds → cm and kg) and derives BMI from height and weight, so a calculator
reads one unit only. Conversion factors are the ones the peer packages use (SPEC §0): one factor
throughout, never mixed.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from companion.risk.base import InputError

CHOLESTEROL_MMOL_PER_MG_DL = 0.02586  # preventr and PooledCohort (SPEC §0); mg/dL = mmol/L ÷ this
CREATININE_UMOL_PER_MG_DL = 88.4  # preventr, kidney.epi (SPEC §0)
CM_PER_INCH = 2.54
KG_PER_LB = 0.45359237
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Key:
    name: str
    kind: str  # "number", "integer", "bool", "bool_or_unknown", "choice", "count_or_unknown", "number_or_unknown"
    description: str
    unit: str = ""
    choices: tuple[str, ...] = ()
    aliases: Mapping[str, str] | None = None  # accepted spelling → canonical choice


def _k(name: str, kind: str, description: str, unit: str = "", choices: tuple[str, ...] = (), aliases: Mapping[str, str] | None = None) -> Key:
    return Key(name, kind, description, unit, choices, aliases)


RACES = (
    "white", "african_american", "hispanic_us_born", "hispanic_foreign_born", "chinese", "japanese",
    "filipino", "hawaiian", "other_pacific_islander", "other_asian", "american_indian_alaska_native",
    "other", UNKNOWN,
)
ETHNICITIES = (  # QRISK3's ethrisk 1–9, in that order
    "white_or_not_stated", "indian", "pakistani", "bangladeshi", "other_asian", "black_caribbean",
    "black_african", "chinese", "other",
)
SMOKING_STATUSES = ("non_smoker", "ex_smoker", "light_smoker", "moderate_smoker", "heavy_smoker")  # QRISK3 smoke_cat 0–4
PREVENT_MODELS = ("base", "uacr", "hba1c", "sdi", "full")
FAMILY_HISTORY_DIABETES = ("none", "second_degree", "first_degree")

KEYS: dict[str, Key] = {k.name: k for k in (
    _k("sex", "choice", "sex at birth", choices=("female", "male")),
    _k("age_years", "number", "age", "years"),
    _k("race", "choice", "race (PCE: African American or not; Gail: the NCI tool's groups)", choices=RACES,
       aliases={"black": "african_american", "african-american": "african_american", "asian": "other_asian"}),
    _k("total_cholesterol_mg_dl", "number", "total cholesterol", "mg/dL"),
    _k("total_cholesterol_mmol_l", "number", "total cholesterol", "mmol/L"),
    _k("hdl_cholesterol_mg_dl", "number", "HDL cholesterol", "mg/dL"),
    _k("hdl_cholesterol_mmol_l", "number", "HDL cholesterol", "mmol/L"),
    _k("cholesterol_hdl_ratio", "number", "total cholesterol ÷ HDL cholesterol"),
    _k("systolic_bp_mm_hg", "number", "systolic blood pressure", "mmHg"),
    _k("systolic_bp_sd_mm_hg", "number", "standard deviation of at least two recent systolic readings", "mmHg"),
    _k("on_bp_treatment", "bool", "takes medicine for high blood pressure"),
    _k("on_statin", "bool", "takes a statin"),
    _k("current_smoker", "bool", "smokes now"),
    _k("smoking_status", "choice", "QRISK3 smoking level", choices=SMOKING_STATUSES,
       aliases={"non": "non_smoker", "never": "non_smoker", "ex": "ex_smoker", "former": "ex_smoker",
                "light": "light_smoker", "moderate": "moderate_smoker", "heavy": "heavy_smoker"}),
    _k("diabetes", "bool", "has diabetes"),
    _k("diabetes_type1", "bool", "has type 1 diabetes"),
    _k("diabetes_type2", "bool", "has type 2 diabetes"),
    _k("bmi_kg_m2", "number", "body-mass index", "kg/m²"),
    _k("height_cm", "number", "height", "cm"),
    _k("height_in", "number", "height", "in"),
    _k("weight_kg", "number", "weight", "kg"),
    _k("weight_lb", "number", "weight", "lb"),
    _k("waist_cm", "number", "waist circumference", "cm"),
    _k("waist_in", "number", "waist circumference", "in"),
    _k("egfr_ml_min_1_73m2", "number", "estimated glomerular filtration rate", "mL/min/1.73 m²"),
    _k("serum_creatinine_mg_dl", "number", "serum creatinine", "mg/dL"),
    _k("serum_creatinine_umol_l", "number", "serum creatinine", "µmol/L"),
    _k("uacr_mg_g", "number", "urine albumin-to-creatinine ratio", "mg/g"),
    _k("hba1c_percent", "number", "HbA1c", "%"),
    _k("sdi_decile", "integer", "Social Deprivation Index decile (1–10)"),
    _k("model", "choice", "PREVENT model family", choices=PREVENT_MODELS),
    _k("ethnicity", "choice", "QRISK3 ethnic group", choices=ETHNICITIES,
       aliases={"white": "white_or_not_stated", "not_stated": "white_or_not_stated"}),
    _k("atrial_fibrillation", "bool", "atrial fibrillation"),
    _k("atypical_antipsychotic", "bool", "takes an atypical antipsychotic"),
    _k("regular_corticosteroids", "bool", "takes regular steroid tablets"),
    _k("erectile_dysfunction", "bool", "erectile dysfunction diagnosed or treated"),
    _k("migraine", "bool", "migraines"),
    _k("rheumatoid_arthritis", "bool", "rheumatoid arthritis"),
    _k("ckd_stage_3_to_5", "bool", "chronic kidney disease stage 3, 4 or 5"),
    _k("severe_mental_illness", "bool", "severe mental illness"),
    _k("sle", "bool", "systemic lupus erythematosus"),
    _k("family_history_chd_lt60", "bool", "angina or heart attack in a parent, brother or sister before 60"),
    _k("townsend_score", "number", "Townsend deprivation score of the postcode (UK)"),
    _k("physically_active_30min_daily", "bool", "at least 30 minutes of physical activity every day"),
    _k("eats_vegetables_fruit_berries_daily", "bool", "eats vegetables, fruit or berries every day"),
    _k("ever_regular_bp_medication", "bool", "has ever taken blood-pressure medicine regularly"),
    _k("ever_high_blood_glucose", "bool", "has ever been found to have high blood glucose"),
    _k("family_history_diabetes", "choice", "relatives with diabetes", choices=FAMILY_HISTORY_DIABETES),
    _k("current_age_years", "number", "current age (Gail)", "years"),
    _k("projection_age_years", "number", "age to project the risk to (Gail)", "years"),
    _k("number_of_biopsies", "count_or_unknown", "breast biopsies, or \"unknown\""),
    _k("atypical_hyperplasia", "bool_or_unknown", "atypical hyperplasia in a biopsy (true/false/\"unknown\")"),
    _k("age_at_menarche_years", "number_or_unknown", "age at first period, or \"unknown\"", "years"),
    _k("age_at_first_live_birth_years", "number_or_unknown", "age at first live birth, \"nulliparous\" or \"unknown\"", "years"),
    _k("first_degree_relatives_with_breast_cancer", "count_or_unknown", "mother, sisters, daughters with breast cancer, or \"unknown\""),
    _k("congestive_heart_failure", "bool", "heart failure or reduced heart pumping"),
    _k("hypertension", "bool", "high blood pressure"),
    _k("prior_stroke_tia_thromboembolism", "bool", "earlier stroke, mini-stroke (TIA) or blood clot"),
    _k("vascular_disease_mi_pad_aortic_plaque", "bool", "heart attack, peripheral artery disease or aortic plaque"),
)}
NULLIPAROUS = "nulliparous"
# Numbers are measurements above zero, except these (a Townsend score is negative in affluent
# areas; a standard deviation of identical readings is 0).
_MAY_BE_NEGATIVE = frozenset({"townsend_score"})
_MAY_BE_ZERO = frozenset({"systolic_bp_sd_mm_hg"})


def parse_inputs(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Check every key is known and every value of its kind; ``null`` means "not given"."""
    if not isinstance(raw, Mapping):
        raise InputError("", "the input must be a JSON object of key: value pairs")
    parsed: dict[str, Any] = {}
    for name, value in raw.items():
        key = KEYS.get(name)
        if key is None:
            raise InputError(str(name), f"unknown input key: {str(name)[:60]!r} (see docs/RISK_CALCULATORS.md for the keys)")
        if value is None:
            continue
        parsed[name] = _parse_value(key, value)
    return parsed


def _parse_value(key: Key, value: Any) -> Any:
    def wrong(expected: str) -> InputError:
        return InputError(key.name, f"input {key.name} must be {expected}")

    if key.kind == "bool":
        if not isinstance(value, bool):
            raise wrong("true or false")
        return value
    if key.kind == "bool_or_unknown":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() == UNKNOWN:
            return UNKNOWN
        raise wrong('true, false or "unknown"')
    if key.kind == "choice":
        text = value.strip().lower().replace(" ", "_") if isinstance(value, str) else None
        text = (key.aliases or {}).get(text, text) if text is not None else None
        if text not in key.choices:
            raise wrong("one of " + ", ".join(key.choices))
        return text
    if isinstance(value, str) and value.strip().lower() == UNKNOWN and key.kind in ("count_or_unknown", "number_or_unknown"):
        return UNKNOWN
    if key.name == "age_at_first_live_birth_years" and isinstance(value, str) and value.strip().lower() in (NULLIPAROUS, "no_births", "none"):
        return NULLIPAROUS
    extra = ' or "nulliparous"' if key.name == "age_at_first_live_birth_years" else ""
    extra += ' or "unknown"' if key.kind.endswith("_or_unknown") else ""
    try:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise wrong(f"a number{extra}")
        number = float(value)
    except OverflowError:  # a JSON integer of hundreds of digits
        raise wrong(f"a number of a sensible size{extra}") from None
    if key.kind in ("integer", "count_or_unknown"):
        if number != int(number):
            raise wrong("a whole number")
        if number < 0:
            raise wrong("a count of 0 or more" if key.kind == "count_or_unknown" else "0 or more")
        return int(number)
    if key.name not in _MAY_BE_NEGATIVE and (number < 0 or (number == 0 and key.name not in _MAY_BE_ZERO)):
        raise wrong("more than 0" if key.name not in _MAY_BE_ZERO else "0 or more")
    return number


_ALTERNATIVES = (  # (canonical, alternative, alternative → canonical)
    ("total_cholesterol_mg_dl", "total_cholesterol_mmol_l", lambda v: v / CHOLESTEROL_MMOL_PER_MG_DL),
    ("hdl_cholesterol_mg_dl", "hdl_cholesterol_mmol_l", lambda v: v / CHOLESTEROL_MMOL_PER_MG_DL),
    ("serum_creatinine_mg_dl", "serum_creatinine_umol_l", lambda v: v / CREATININE_UMOL_PER_MG_DL),
    ("height_cm", "height_in", lambda v: v * CM_PER_INCH),
    ("weight_kg", "weight_lb", lambda v: v * KG_PER_LB),
    ("waist_cm", "waist_in", lambda v: v * CM_PER_INCH),
)
ALTERNATIVE_OF = {alternative: canonical for canonical, alternative, _ in _ALTERNATIVES}


def normalise(values: Mapping[str, Any]) -> dict[str, Any]:
    """One unit per quantity. Both units for one quantity is an error (which one is meant?)."""
    out = dict(values)
    for canonical, alternative, convert in _ALTERNATIVES:
        if alternative in out:
            if canonical in out:
                raise InputError(alternative, f"give {canonical} or {alternative}, not both")
            out[canonical] = convert(out.pop(alternative))
    if out.get("height_cm") and out.get("weight_kg"):
        _derive(out, "bmi_kg_m2", bmi(out["weight_kg"], out["height_cm"]), BMI_AGREEMENT, "weight and height")
    if out.get("total_cholesterol_mg_dl") and out.get("hdl_cholesterol_mg_dl"):
        ratio = out["total_cholesterol_mg_dl"] / out["hdl_cholesterol_mg_dl"]
        _derive(out, "cholesterol_hdl_ratio", ratio, RATIO_AGREEMENT, "total and HDL cholesterol")
    return out


BMI_AGREEMENT = 0.5  # kg/m²: a BMI rounded to a whole number still agrees with its weight and height
RATIO_AGREEMENT = 0.1  # a ratio written to one decimal still agrees with its two cholesterols


def _derive(out: dict[str, Any], key: str, derived: float, tolerance: float, source: str) -> None:
    """Fill ``key`` from the values it is made of, or refuse a given value that contradicts them
    (which one would the calculator have used? silently either is wrong)."""
    given = out.get(key)
    if given is None:
        out[key] = derived
    elif abs(given - derived) > tolerance:
        raise InputError(key, f"input {key} does not agree with the {source} given (they make {derived:.1f}); give one or the other")


def bmi(weight_kg: float, height_cm: float) -> float:
    """WHO: weight (kg) ÷ height (m)²."""
    metres = height_cm / 100.0
    return weight_kg / (metres * metres)


def given_keys(raw: Mapping[str, Any]) -> set[str]:
    """The keys a person supplied, alternative units named by their canonical key too."""
    keys = {k for k, v in raw.items() if v is not None}
    return keys | {ALTERNATIVE_OF[k] for k in keys if k in ALTERNATIVE_OF}

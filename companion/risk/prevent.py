"""AHA PREVENT equations (2023): 10- and 30-year risk of total CVD, ASCVD, heart failure, CHD, stroke.

Khan SS, Matsushita K, Sang Y, et al. Development and Validation of the American Heart
Association's Predicting Risk of Cardiovascular Disease EVENTs (PREVENT) Equations. Circulation
2024;149:430-449, doi:10.1161/CIRCULATIONAHA.123.067626. Adults 30-79 without known CVD.

Equation (SPEC §2.1-2.2): x = Σ coefficient × predictor, risk = 1 / (1 + e^−x), with the
predictors of :func:`predictors` (age centred at 55 per 10 years, non-HDL and HDL cholesterol in
mmol/L at 0.02586 per mg/dL, piecewise SBP, BMI and eGFR). The 2,670 coefficients (5 families × 2
horizons × 2 sexes × 5 outcomes) are read from ``resources/knowledge/risk/prevent_coefficients.json``,
which ``build_prevent_coefficients.py`` beside it parses from the research notes' tables (SPEC §2.3;
a test checks the two are equal). Results are returned at full precision.

Choices, each with its reason:

- **Model family.** ``model`` picks one of base, uacr, hba1c, sdi, full. Without it, preventr's
  rule (SPEC §2.2): none of UACR, HbA1c, SDI given → base; exactly one → that add-on model; two or
  more → full, with the missing-value terms for whatever is absent. A warning says which was used.
  An add-on or full model asked for by name also uses the missing-value term for an absent input.
- **Missing SDI.** The published missing-value term is used for every outcome, as preventr does;
  bcjaeger/PooledCohort copies an AHA web-calculator quirk (women's ASCVD treating a missing SDI as
  deciles 1-3) that we do not copy (SPEC §2.5).
- **Ranges** are preventr's, taken from the paper (SPEC §2.5): age 30-79, total cholesterol
  130-320 mg/dL, HDL 20-100, SBP 90-180, BMI 18.5-39.9, eGFR 15-140, UACR 0.1-25000 mg/g, HbA1c
  4.5-15 %, SDI decile 1-10. A value outside is refused, never clamped (optional ones too).
- **eGFR** is ``egfr_ml_min_1_73m2``, or computed from serum creatinine with CKD-EPI 2021 (the
  race-free equation PREVENT was built with), with a warning saying so.
- **30-year risks above age 59** are returned, with a warning: the 30-year equations were
  developed for ages 30-59 (preventr warns likewise).
- **Optimal profile** (:func:`optimal`): we found none in the PREVENT paper or the AHA PREVENT
  calculator. The PREVENT Risk Age calculator defines one: "Optimal risk factor levels are
  defined as: Non-HDL-C = 120 mg/dL; SBP = 110 mm Hg; eGFR = 90 mL/min/1.73m2; in an individual
  without diabetes, who doesn't smoke, and is not on anti-hypertensive or statin therapy" (stored
  copy at https://weightlossdigest.news/PREVENT, a page presenting itself as that tool; its paper
  was not retrievable here). We use those levels, with total cholesterol 170 and HDL 50 mg/dL:
  non-HDL 120 as defined, HDL from the 2013 ACC/AHA tools' optimal profile (also about PREVENT's
  HDL centring value, 1.3 mmol/L = 50.3 mg/dL). The definition names no BMI (the risk-age tool
  uses the total-CVD model, which has no BMI term), so the person's own BMI is kept; it changes
  only the heart-failure figures. Optional inputs are dropped and the base model is used, the
  model the definition was made for.
"""
from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from companion import RESOURCES
from companion.risk.base import Calculator, InputError, MissingInput, OutsideValidatedRange, RiskResult, check_range, require
from companion.risk.egfr import ckd_epi_2021
from companion.risk.inputs import CHOLESTEROL_MMOL_PER_MG_DL, PREVENT_MODELS, bmi

COEFFICIENTS_FILE = RESOURCES / "knowledge" / "risk" / "prevent_coefficients.json"
OUTCOMES = ("cvd", "ascvd", "hf", "chd", "stroke")
HORIZONS = (10, 30)
RESULT_KEYS = tuple(f"{outcome}_{years}yr_percent" for years in HORIZONS for outcome in OUTCOMES)
RANGES_SOURCE = "PREVENT, as implemented by preventr"
OPTIONAL = {  # family → (input key, words for a person)
    "uacr": ("uacr_mg_g", "urine albumin-to-creatinine ratio (UACR)"),
    "hba1c": ("hba1c_percent", "HbA1c"),
    "sdi": ("sdi_decile", "Social Deprivation Index (SDI) decile"),
}
FAMILY_USES = {"base": (), "uacr": ("uacr",), "hba1c": ("hba1c",), "sdi": ("sdi",), "full": ("uacr", "hba1c", "sdi")}
OPTIMAL = {  # PREVENT Risk Age's optimal levels (see the module docstring)
    "total_cholesterol_mg_dl": 170.0,
    "hdl_cholesterol_mg_dl": 50.0,
    "systolic_bp_mm_hg": 110.0,
    "egfr_ml_min_1_73m2": 90.0,
    "on_bp_treatment": False,
    "on_statin": False,
    "current_smoker": False,
    "diabetes": False,
    "model": "base",
}


@cache
def coefficients() -> dict[str, Any]:
    """models[family][horizon][sex][outcome][term], from the knowledge file."""
    data: dict[str, Any] = json.loads(COEFFICIENTS_FILE.read_text(encoding="utf-8"))
    if data.get("format") != 1:
        raise ValueError(f"{COEFFICIENTS_FILE.name}: unknown format {data.get('format')!r}")
    models: dict[str, Any] = data["models"]
    count = sum(len(terms) for family in models.values() for horizon in family.values() for sex in horizon.values() for terms in sex.values())
    if count != data["count"] or sorted(models) != sorted(PREVENT_MODELS):
        raise ValueError(f"{COEFFICIENTS_FILE.name}: {count} coefficients in {sorted(models)}")
    return models


@dataclass(frozen=True)
class Person:
    """The PREVENT inputs in the equations' units; ``None`` for an optional input not given."""

    sex: str
    age: float
    total_cholesterol_mg_dl: float
    hdl_cholesterol_mg_dl: float
    sbp: float
    bp_treated: bool
    statin: bool
    diabetes: bool
    smoker: bool
    bmi: float
    egfr: float
    uacr_mg_g: float | None = None
    hba1c_percent: float | None = None
    sdi_decile: int | None = None


def predictors(person: Person) -> dict[str, float]:
    """Every PREVENT predictor (SPEC §2.1); a model reads the ones its coefficients name."""
    age10 = (person.age - 55.0) / 10.0
    nonhdl = (person.total_cholesterol_mg_dl - person.hdl_cholesterol_mg_dl) * CHOLESTEROL_MMOL_PER_MG_DL - 3.5
    hdl = (person.hdl_cholesterol_mg_dl * CHOLESTEROL_MMOL_PER_MG_DL - 1.3) / 0.3
    sbp_hi = (max(person.sbp, 110.0) - 130.0) / 20.0
    bmi_hi = (max(person.bmi, 30.0) - 30.0) / 5.0
    egfr_lo = (min(person.egfr, 60.0) - 60.0) / -15.0
    dm, smoker, bptx, statin = (float(flag) for flag in (person.diabetes, person.smoker, person.bp_treated, person.statin))
    hba1c = person.hba1c_percent
    sdi = person.sdi_decile
    return {
        "constant": 1.0,
        "age10": age10,
        "age10_sq": age10 * age10,
        "nonhdl": nonhdl,
        "hdl": hdl,
        "sbp_lo": (min(person.sbp, 110.0) - 110.0) / 20.0,
        "sbp_hi": sbp_hi,
        "dm": dm,
        "smoker": smoker,
        "bmi_lo": (min(person.bmi, 30.0) - 25.0) / 5.0,
        "bmi_hi": bmi_hi,
        "egfr_lo": egfr_lo,
        "egfr_hi": (max(person.egfr, 60.0) - 90.0) / -15.0,
        "bptx": bptx,
        "statin": statin,
        "bptx_x_sbp_hi": bptx * sbp_hi,
        "statin_x_nonhdl": statin * nonhdl,
        "age10_x_nonhdl": age10 * nonhdl,
        "age10_x_hdl": age10 * hdl,
        "age10_x_sbp_hi": age10 * sbp_hi,
        "age10_x_dm": age10 * dm,
        "age10_x_smoker": age10 * smoker,
        "age10_x_bmi_hi": age10 * bmi_hi,
        "age10_x_egfr_lo": age10 * egfr_lo,
        "ln_uacr": math.log(person.uacr_mg_g) if person.uacr_mg_g is not None else 0.0,
        "uacr_missing": 1.0 if person.uacr_mg_g is None else 0.0,
        "hba1c_dm": hba1c - 5.3 if hba1c is not None and person.diabetes else 0.0,
        "hba1c_nodm": hba1c - 5.3 if hba1c is not None and not person.diabetes else 0.0,
        "hba1c_missing": 1.0 if hba1c is None else 0.0,
        "sdi_4_6": 1.0 if sdi is not None and 4 <= sdi <= 6 else 0.0,
        "sdi_7_10": 1.0 if sdi is not None and sdi >= 7 else 0.0,
        "sdi_missing": 1.0 if sdi is None else 0.0,
    }


def risks(person: Person, family: str) -> dict[str, float]:
    """Probabilities (0-1) keyed ``{outcome}_{years}yr`` for one model family."""
    terms = predictors(person)
    out: dict[str, float] = {}
    for years in HORIZONS:
        by_outcome = coefficients()[family][str(years)][person.sex]
        for outcome in OUTCOMES:
            x = math.fsum(coefficient * terms[name] for name, coefficient in by_outcome[outcome].items())
            out[f"{outcome}_{years}yr"] = 1.0 / (1.0 + math.exp(-x))
    return out


def compute(values: Mapping[str, Any]) -> RiskResult:
    warnings: list[str] = []
    sex = require(values, "sex")
    age = check_range(values, "age_years", 30, 79, "ages", "years", RANGES_SOURCE)
    total = check_range(values, "total_cholesterol_mg_dl", 130, 320, "total cholesterol values", "mg/dL", RANGES_SOURCE)
    hdl = check_range(values, "hdl_cholesterol_mg_dl", 20, 100, "HDL cholesterol values", "mg/dL", RANGES_SOURCE)
    sbp = check_range(values, "systolic_bp_mm_hg", 90, 180, "systolic blood pressures", "mmHg", RANGES_SOURCE)
    flags = {key: bool(require(values, key)) for key in ("on_bp_treatment", "on_statin", "current_smoker", "diabetes")}
    body_mass = _bmi(values)
    egfr = _egfr(values, age, sex, warnings)
    given = {family: values.get(key) is not None for family, (key, _) in OPTIONAL.items()}
    uacr = check_range(values, "uacr_mg_g", 0.1, 25000, "urine albumin-to-creatinine ratios", "mg/g", RANGES_SOURCE) if given["uacr"] else None
    hba1c = check_range(values, "hba1c_percent", 4.5, 15, "HbA1c values", "%", RANGES_SOURCE) if given["hba1c"] else None
    sdi = int(check_range(values, "sdi_decile", 1, 10, "SDI deciles", "", RANGES_SOURCE)) if given["sdi"] else None
    family = values.get("model") or _select_family(given, warnings)
    if family not in PREVENT_MODELS:
        raise InputError("model", "input model must be one of " + ", ".join(PREVENT_MODELS))
    used = FAMILY_USES[family]
    for name in OPTIONAL:
        words = OPTIONAL[name][1]
        if name in used and not given[name]:
            warnings.append(f"No {words} was given, so the {family} model's term for a missing {words} was used.")
        if name not in used and given[name]:
            warnings.append(f"The {words} you gave is not used by the PREVENT {family} model.")
    person = Person(
        sex=sex, age=age, total_cholesterol_mg_dl=total, hdl_cholesterol_mg_dl=hdl, sbp=sbp,
        bp_treated=flags["on_bp_treatment"], statin=flags["on_statin"], diabetes=flags["diabetes"],
        smoker=flags["current_smoker"], bmi=body_mass, egfr=egfr,
        uacr_mg_g=uacr if "uacr" in used else None,
        hba1c_percent=hba1c if "hba1c" in used else None,
        sdi_decile=sdi if "sdi" in used else None,
    )
    if age > 59:
        warnings.append(
            f"The 30-year PREVENT equations were developed for ages 30–59; at {age:g} the 30-year "
            "risks are an extrapolation and less certain."
        )
    probabilities = risks(person, family)
    results: dict[str, Any] = {f"{key}_percent": 100.0 * p for key, p in probabilities.items()}
    results["model"] = family
    return RiskResult("prevent", results, tuple(warnings))


def _select_family(given: Mapping[str, bool], warnings: list[str]) -> str:
    """preventr's rule (SPEC §2.2): none → base, one → that add-on model, two or more → full."""
    named = [name for name, present in given.items() if present]
    family = "base" if not named else named[0] if len(named) == 1 else "full"
    had = ", ".join(OPTIONAL[name][1] for name in named) or "none of UACR, HbA1c and SDI"
    warnings.append(
        f"Used the PREVENT {family} model (given: {had}). The model is chosen as preventr does: "
        "the base model when none of UACR, HbA1c and SDI is given, the add-on model for the one "
        "given, the full model when two or more are given."
    )
    return family


def _bmi(values: Mapping[str, Any]) -> float:
    value = values.get("bmi_kg_m2")
    if value is None:
        raise MissingInput("bmi_kg_m2", ("height_cm", "weight_kg"), "body-mass index")
    height, weight = values.get("height_cm"), values.get("weight_kg")
    derived = height and weight and math.isclose(float(value), bmi(weight, height))
    if derived and not 18.5 <= value <= 39.9:
        raise OutsideValidatedRange(
            "bmi_kg_m2",
            f"This calculator is validated for body-mass indexes 18.5–39.9 kg/m² ({RANGES_SOURCE}); "
            f"the BMI from your height and weight is {value:.1f} kg/m².",
        )
    return check_range(values, "bmi_kg_m2", 18.5, 39.9, "body-mass indexes", "kg/m²", RANGES_SOURCE)


def _egfr(values: Mapping[str, Any], age: float, sex: str, warnings: list[str]) -> float:
    if values.get("egfr_ml_min_1_73m2") is not None:
        if values.get("serum_creatinine_mg_dl") is not None:
            warnings.append("Serum creatinine was not used: the eGFR you gave was used instead.")
        return check_range(values, "egfr_ml_min_1_73m2", 15, 140, "eGFR values", "mL/min/1.73 m²", RANGES_SOURCE)
    creatinine = values.get("serum_creatinine_mg_dl")
    if creatinine is None:
        raise MissingInput("egfr_ml_min_1_73m2", ("serum_creatinine_mg_dl",), "kidney function (eGFR)")
    if creatinine <= 0:
        raise InputError("serum_creatinine_mg_dl", "input serum_creatinine_mg_dl must be more than 0")
    egfr = ckd_epi_2021(float(creatinine), age, sex)
    if not 15 <= egfr <= 140:
        raise OutsideValidatedRange(
            "serum_creatinine_mg_dl",
            f"This calculator is validated for eGFR values 15–140 mL/min/1.73 m² ({RANGES_SOURCE}); "
            f"the eGFR computed from your creatinine is {egfr:.1f} mL/min/1.73 m².",
        )
    warnings.append(
        f"eGFR was computed from your serum creatinine with the CKD-EPI 2021 equation (without race), "
        f"as PREVENT was built with: {egfr:.1f} mL/min/1.73 m²."
    )
    return egfr


def optimal(values: Mapping[str, Any]) -> dict[str, Any]:
    """The same person (sex, age, BMI) with PREVENT Risk Age's optimal levels; base model."""
    dropped = (
        "total_cholesterol_mmol_l", "hdl_cholesterol_mmol_l", "cholesterol_hdl_ratio", "serum_creatinine_mg_dl",
        "serum_creatinine_umol_l", "uacr_mg_g", "hba1c_percent", "sdi_decile",
    )
    person = {key: value for key, value in values.items() if key not in dropped}
    person.update(OPTIMAL)
    return person


CALCULATORS = (
    Calculator(
        name="prevent",
        title="AHA PREVENT equations (2023)",
        uses=frozenset({
            "sex", "age_years", "total_cholesterol_mg_dl", "total_cholesterol_mmol_l", "hdl_cholesterol_mg_dl",
            "hdl_cholesterol_mmol_l", "systolic_bp_mm_hg", "on_bp_treatment", "on_statin", "current_smoker",
            "diabetes", "bmi_kg_m2", "height_cm", "height_in", "weight_kg", "weight_lb", "egfr_ml_min_1_73m2",
            "serum_creatinine_mg_dl", "serum_creatinine_umol_l", "uacr_mg_g", "hba1c_percent", "sdi_decile", "model",
        }),
        compute=compute,
        source=(
            "Khan SS, Matsushita K, Sang Y, et al. Development and Validation of the American Heart Association's "
            "PREVENT Equations. Circulation 2024;149:430-449, doi:10.1161/CIRCULATIONAHA.123.067626"
        ),
        optimal=optimal,
        notes=(
            "Race-free, sex-specific equations for adults 30–79 without known heart disease.",
            "Optimal comparison: PREVENT Risk Age's optimal levels (non-HDL 120 mg/dL, SBP 110, eGFR 90, "
            "no diabetes, no smoking, no blood-pressure medicine or statin), your own BMI, base model.",
        ),
    ),
)

"""CKD-EPI 2021 creatinine equation, without race, and the KDIGO GFR category.

Inker LA, Eneanya ND, Coresh J, et al. New Creatinine- and Cystatin C-Based Equations to
Estimate GFR without Race. N Engl J Med 2021;385:1737-1749, doi:10.1056/NEJMoa2102953.
Categories: KDIGO 2012 Clinical Practice Guideline for the Evaluation and Management of Chronic
Kidney Disease, Kidney Int Suppl 2013;3:1-150 (G1 ≥ 90, G2 60–89, G3a 45–59, G3b 30–44,
G4 15–29, G5 < 15 mL/min/1.73 m²), applied to the unrounded value as kidney.epi's
``nephro.gfr_category`` does.

Ages 18–100, as martingmayer/preventr (``calc_egfr``) accepts: the equation is for adults, and
kidney.epi also treats 100 as its upper age. Creatinine µmol/L ÷ 88.4 = mg/dL (preventr,
kidney.epi). The result is full precision; preventr rounds it to a whole number and kidney.epi
to 2 decimals, for display.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from companion.lifestyle import types as types_
from companion.risk.base import Calculator, InputError, RiskResult, check_range, require

_KAPPA = {"female": 0.7, "male": 0.9}
_ALPHA = {"female": -0.241, "male": -0.302}

SOURCE = "Inker LA et al. N Engl J Med 2021;385:1737-1749 (doi:10.1056/NEJMoa2102953); KDIGO 2012 GFR categories"
MIN_AGE, MAX_AGE = 18.0, 100.0
# (lowest eGFR in the category, inclusive; category)
CATEGORIES = ((90.0, "G1"), (60.0, "G2"), (45.0, "G3a"), (30.0, "G3b"), (15.0, "G4"))
LOWEST = "G5"


def ckd_epi_2021(creatinine_mg_dl: float, age_years: float, sex: str) -> float:
    """eGFR in mL/min/1.73 m² = 142 × min(Scr/κ, 1)^α × max(Scr/κ, 1)^−1.200 × 0.9938^age × 1.012 [female]."""
    ratio = creatinine_mg_dl / _KAPPA[sex]
    egfr = 142.0 * min(ratio, 1.0) ** _ALPHA[sex] * max(ratio, 1.0) ** -1.200 * 0.9938**age_years
    return egfr * 1.012 if sex == "female" else egfr


def gfr_category(egfr_ml_min_1_73m2: float) -> str:
    """The KDIGO GFR category (G1…G5) of an unrounded eGFR."""
    for lowest, category in CATEGORIES:
        if egfr_ml_min_1_73m2 >= lowest:
            return category
    return LOWEST


# The measurement log's limit (observation_types.json: beyond reported end-stage kidney failure):
# a µmol/L value typed as mg/dL (88 for 1.0) would otherwise give an eGFR of 0.4, "G5".
MAX_CREATININE_MG_DL = types_.get("creatinine").range.max  # type: ignore[union-attr]


def compute(values: Mapping[str, Any]) -> RiskResult:
    creatinine = require(values, "serum_creatinine_mg_dl", "serum_creatinine_umol_l")
    if creatinine <= 0:
        raise InputError("serum_creatinine_mg_dl", "input serum_creatinine_mg_dl (or serum_creatinine_umol_l) must be more than 0")
    if creatinine > MAX_CREATININE_MG_DL:
        raise InputError(
            "serum_creatinine_mg_dl",
            f"a creatinine above {MAX_CREATININE_MG_DL:g} mg/dL is not a real result; was it in µmol/L? "
            "Then give it as serum_creatinine_umol_l")
    sex = require(values, "sex")
    age = check_range(values, "age_years", MIN_AGE, MAX_AGE, "ages", "years", "adults")
    egfr = ckd_epi_2021(float(creatinine), age, sex)
    return RiskResult("egfr", {"egfr_ml_min_1_73m2": egfr, "category": gfr_category(egfr)})


CALCULATORS = (
    Calculator(
        name="egfr",
        title="eGFR (CKD-EPI 2021 creatinine equation, without race)",
        uses=frozenset({"serum_creatinine_mg_dl", "serum_creatinine_umol_l", "age_years", "sex"}),
        compute=compute,
        source=SOURCE,
        notes=(
            "Category from the unrounded value.",
            "A GFR category alone is not a diagnosis of chronic kidney disease (KDIGO needs the "
            "finding to last more than 3 months, and G1–G2 count only with signs of kidney damage).",
        ),
    ),
)

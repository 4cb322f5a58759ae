"""ACC/AHA 2013 Pooled Cohort Equations (PCE): 10-year risk of a first hard ASCVD event.

Goff DC Jr, Lloyd-Jones DM, Bennett G, et al. 2013 ACC/AHA Guideline on the Assessment of
Cardiovascular Risk. Circulation 2014;129(25 Suppl 2):S49-S73, doi:10.1161/01.cir.0000437741.48606.98
(Table A of the full report: coefficients and a worked example). Outcome: nonfatal myocardial
infarction, coronary death, or fatal or nonfatal stroke within 10 years; adults 40-79 without ASCVD.

risk = 1 − S0 ^ exp(Σ coefficient × term − mean), per race-sex group (SPEC §1.1).

**One coefficient set** (SPEC §1.2, §9.1): the guideline's Table A coefficients and baseline
survivals exactly as printed, with the group means at four decimals (−29.1817, 86.6081, 61.1816,
19.5425), of which Table A prints the two-decimal rounding (−29.18, 86.61, 61.18, 19.54). This is
preventr's ``pce_orig`` (martingmayer/preventr ``R/other_models.R``) and reproduces its published
test values exactly. The higher-precision Cerner/bcjaeger variant (S0 0.96652, 0.95334, 0.91436,
0.89536 and re-estimated African-American-women coefficients, SPEC §1.3) is not used anywhere;
it differs by up to about 0.2 percentage point, most for African-American women.

Worked example (Table A: 55 years, TC 213, HDL 50, untreated SBP 120, non-smoker, no diabetes):
2.1 % white women, 3.0 % African-American women, 6.1 % African-American men. For white men the
guideline prints 5.3 %, because it rounds the individual sum down to 60.69 before subtracting the
mean 61.18 (1 − 0.9144^exp(60.69 − 61.18) = 5.33 %); evaluated exactly (sum 60.6995) the risk is
5.38 %, which is what we return (bcjaeger/PooledCohort's test asserts 5.4 %).

Race: ``african_american`` uses the African-American equations; every other answer (white, any
other group, "unknown" or none) uses the white equations, as the guideline advises for people who
are neither, with a warning unless the answer was ``white``.

Ranges: age 40-79 (guideline), total cholesterol 130-320 mg/dL, HDL 20-100 mg/dL, SBP 90-200 mmHg
(ACC's ASCVD Risk Estimator Plus, Cerner, bcjaeger, CVrisk; SPEC §1.5). preventr stops SBP at 180
as a clinical judgement (above 180 is hypertensive urgency), not a limit of the equations; we keep
the equations' 200. Values outside are refused, never clamped.

Categories (2018 cholesterol and 2019 primary-prevention ACC/AHA guidelines, SPEC §1.5): < 5 %
low, 5 to < 7.5 % borderline, 7.5 to < 20 % intermediate, ≥ 20 % high.

Optimal profile (:func:`optimal`): the same age, sex and race with total cholesterol 170 mg/dL,
HDL 50 mg/dL, SBP 110 mmHg untreated, not smoking, no diabetes: the "optimal risk factors" behind
the "Optimal ASCVD Risk" of ACC's ASCVD Risk Estimator Plus (tools.acc.org/ASCVD-Risk-Estimator),
the 2013 guideline's companion tool. The guideline's own wording was not retrievable here; the
values are corroborated numerically: the estimator's recorded output for a 55-year-old white man
(SBP 130 untreated, TC 200, HDL 50, no smoking or diabetes) is 5.7 % now and 3.6 % optimal, and
these equations give 5.74 % and, with these optimal values, 3.57 %.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from companion.risk.base import Calculator, RiskResult, check_range, require

RANGES_SOURCE = "2013 ACC/AHA Pooled Cohort Equations"
AFRICAN_AMERICAN = "african_american"
WHITE = "white"


@dataclass(frozen=True)
class Group:
    """One race-sex group's row of Table A (coefficients named after SPEC §1.1's terms)."""

    ln_age: float
    ln_age_sq: float
    ln_tc: float
    ln_age_ln_tc: float
    ln_hdl: float
    ln_age_ln_hdl: float
    ln_treated_sbp: float
    ln_age_ln_treated_sbp: float
    ln_untreated_sbp: float
    ln_age_ln_untreated_sbp: float
    smoker: float
    ln_age_smoker: float
    diabetes: float
    mean: float
    baseline_survival: float


# Guideline Table A, means at four decimals (see the module docstring).
GROUPS: dict[tuple[str, str], Group] = {
    ("female", WHITE): Group(-29.799, 4.884, 13.540, -3.114, -13.578, 3.149, 2.019, 0.0, 1.957, 0.0, 7.574, -1.665, 0.661, -29.1817, 0.9665),
    ("female", AFRICAN_AMERICAN): Group(17.114, 0.0, 0.940, 0.0, -18.920, 4.475, 29.291, -6.432, 27.820, -6.087, 0.691, 0.0, 0.874, 86.6081, 0.9533),
    ("male", WHITE): Group(12.344, 0.0, 11.853, -2.664, -7.990, 1.769, 1.797, 0.0, 1.764, 0.0, 7.837, -1.795, 0.658, 61.1816, 0.9144),
    ("male", AFRICAN_AMERICAN): Group(2.469, 0.0, 0.302, 0.0, -0.307, 0.0, 1.916, 0.0, 1.809, 0.0, 0.549, 0.0, 0.645, 19.5425, 0.8954),
}
CATEGORIES = ((5.0, "low"), (7.5, "borderline"), (20.0, "intermediate"), (math.inf, "high"))
OPTIMAL = {
    "total_cholesterol_mg_dl": 170.0,
    "hdl_cholesterol_mg_dl": 50.0,
    "systolic_bp_mm_hg": 110.0,
    "on_bp_treatment": False,
    "current_smoker": False,
    "diabetes": False,
}


def individual_sum(group: Group, age: float, total: float, hdl: float, sbp: float, treated: bool, smoker: bool, diabetes: bool) -> float:
    """Σ coefficient × term (SPEC §1.1)."""
    ln_age, ln_tc, ln_hdl, ln_sbp = math.log(age), math.log(total), math.log(hdl), math.log(sbp)
    if treated:
        sbp_terms = group.ln_treated_sbp * ln_sbp + group.ln_age_ln_treated_sbp * ln_age * ln_sbp
    else:
        sbp_terms = group.ln_untreated_sbp * ln_sbp + group.ln_age_ln_untreated_sbp * ln_age * ln_sbp
    return math.fsum((
        group.ln_age * ln_age,
        group.ln_age_sq * ln_age * ln_age,
        group.ln_tc * ln_tc,
        group.ln_age_ln_tc * ln_age * ln_tc,
        group.ln_hdl * ln_hdl,
        group.ln_age_ln_hdl * ln_age * ln_hdl,
        sbp_terms,
        group.smoker * smoker,
        group.ln_age_smoker * ln_age * smoker,
        group.diabetes * diabetes,
    ))


def ten_year_risk(group: Group, *args: Any) -> float:
    """Probability (0–1); ``args`` as for :func:`individual_sum`."""
    return 1.0 - group.baseline_survival ** math.exp(individual_sum(group, *args) - group.mean)


def category(percent: float) -> str:
    return next(name for upper, name in CATEGORIES if percent < upper)


def compute(values: Mapping[str, Any]) -> RiskResult:
    warnings: list[str] = []
    sex = require(values, "sex")
    age = check_range(values, "age_years", 40, 79, "ages", "years", RANGES_SOURCE)
    total = check_range(values, "total_cholesterol_mg_dl", 130, 320, "total cholesterol values", "mg/dL", RANGES_SOURCE)
    hdl = check_range(values, "hdl_cholesterol_mg_dl", 20, 100, "HDL cholesterol values", "mg/dL", RANGES_SOURCE)
    sbp = check_range(values, "systolic_bp_mm_hg", 90, 200, "systolic blood pressures", "mmHg", RANGES_SOURCE)
    treated, smoker, diabetes = (bool(require(values, key)) for key in ("on_bp_treatment", "current_smoker", "diabetes"))
    race = values.get("race")
    equations = AFRICAN_AMERICAN if race == AFRICAN_AMERICAN else WHITE
    if race is None or race == "unknown":
        warnings.append(
            "Race was not given or is unknown, so the equations for white people were used, as the "
            "guideline advises when the equations do not fit. They were built for white and African American people; for "
            "others the risk may be over- or underestimated."
        )
    elif race not in (WHITE, AFRICAN_AMERICAN):
        warnings.append(
            "The Pooled Cohort Equations were built for white and African American people only; as the "
            "guideline advises, the equations for white people were used. For other groups the risk may "
            "be over- or underestimated."
        )
    percent = 100.0 * ten_year_risk(GROUPS[(sex, equations)], age, total, hdl, sbp, treated, smoker, diabetes)
    return RiskResult("pce", {"ascvd_10yr_percent": percent, "category": category(percent)}, tuple(warnings))


def optimal(values: Mapping[str, Any]) -> dict[str, Any]:
    """The same person (sex, age, race) with the 2013 ACC/AHA tools' optimal risk factors."""
    dropped = ("total_cholesterol_mmol_l", "hdl_cholesterol_mmol_l", "cholesterol_hdl_ratio")
    person = {key: value for key, value in values.items() if key not in dropped}
    person.update(OPTIMAL)
    return person


CALCULATORS = (
    Calculator(
        name="pce",
        title="ACC/AHA Pooled Cohort Equations (2013)",
        uses=frozenset({
            "sex", "age_years", "race", "total_cholesterol_mg_dl", "total_cholesterol_mmol_l", "hdl_cholesterol_mg_dl",
            "hdl_cholesterol_mmol_l", "systolic_bp_mm_hg", "on_bp_treatment", "current_smoker", "diabetes",
        }),
        compute=compute,
        source=(
            "Goff DC Jr, Lloyd-Jones DM, et al. 2013 ACC/AHA Guideline on the Assessment of Cardiovascular Risk. "
            "Circulation 2014;129(25 Suppl 2):S49-S73, doi:10.1161/01.cir.0000437741.48606.98 (Table A)"
        ),
        optimal=optimal,
        notes=(
            "Guideline Table A coefficients with the group means at four decimals (as preventr); one set, never mixed.",
            "Races other than African American use the equations for white people, as the guideline advises.",
            "Optimal comparison: total cholesterol 170 mg/dL, HDL 50 mg/dL, SBP 110 mmHg untreated, no smoking, no diabetes.",
        ),
    ),
)

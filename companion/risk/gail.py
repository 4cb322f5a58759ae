"""Gail model (NCI Breast Cancer Risk Assessment Tool, BCRAT): absolute risk of invasive breast cancer.

Gail MH, Brinton LA, Byar DP, et al. Projecting individualized probabilities of developing breast
cancer for white females who are being examined annually. JNCI 1989;81:1879-1886,
doi:10.1093/jnci/81.24.1879; with the updates NCI's tool uses: Costantino JP et al. JNCI
1999;91:1541, doi:10.1093/jnci/91.18.1541; Gail MH et al. JNCI 2007;99:1782,
doi:10.1093/jnci/djm223 (African-American women, CARE); Matsuno RK et al. JNCI 2011;103:951,
doi:10.1093/jnci/djr154 (Asian and Pacific Islander women); Banegas MP et al. JNCI
2017;109:djw215, doi:10.1093/jnci/djw215 (Hispanic women). The recoding, relative risks and the
year-by-year integration follow CRAN package BCRA 2.1.2 (``recode.check``, ``relative.risk``,
``absolute.risk``), which implements NCI's tool; its constants are in
``resources/knowledge/risk/gail_tables.json`` (see ``gail_SOURCES.md``).

Limits. BCRA accepts current ages 20 to under 90; NCI's online tool "only calculates risk for
women 35 years of age or older" (cancer.gov/bcrisktool, "About the tool"). This calculator follows
the tool: current age 35–85. The upper limit 85 is the last age whose 5-year projection stays
within BCRA's projection limit of 90 (T1 + 5 ≤ 90). A projection age must be after the current age
and at most 90.

Answers of "unknown" are taken as BCRA and the tool take them: unknown biopsies, age at menarche,
age at first birth or relatives count as the lowest-risk category; unknown atypical hyperplasia
after a biopsy multiplies the risk by 1.00. The tool's own eligibility questions (no history of
breast cancer, DCIS, LCIS or chest radiation for Hodgkin lymphoma; no BRCA1/2 mutation or related
syndrome) have no inputs here, so every result repeats them as a warning.

Inconsistent answers are refused with an :class:`InputError` naming the key, as BCRA flags them:
menarche after the current age, first birth before menarche or after the current age, an atypical
hyperplasia answer without a biopsy. One deliberate difference: BCRA skips the first-birth checks
for African-American women (whose model has no first-birth term); an impossible answer is refused
here whatever the race.

The "average woman" risk (same age and race, the race's own rates without relative risks; for
White and other/unknown women the 1992–96 average-rate tables) is the comparison NCI's tool shows;
there is no "optimal risk factors" profile, so ``optimal`` is ``None``.
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
from companion.risk.inputs import NULLIPAROUS, UNKNOWN

TABLES_FILE = RESOURCES / "knowledge" / "risk" / "gail_tables.json"
SOURCE = "NCI Breast Cancer Risk Assessment Tool (Gail model; Gail MH et al. JNCI 1989;81:1879), as in CRAN BCRA 2.1.2"
TOOL = "NCI's Breast Cancer Risk Assessment Tool"
MIN_AGE, MAX_AGE, MAX_PROJECTION_AGE = 35.0, 85.0, 90.0
BCRA_MIN_AGE = 20.0

# inputs.RACES → BCRA race code (recode.check: CharRace)
RACE_CODES = {
    "white": 1, "african_american": 2, "hispanic_us_born": 3, "other": 4, UNKNOWN: 4,
    "american_indian_alaska_native": 4, "hispanic_foreign_born": 5, "chinese": 6, "japanese": 7,
    "filipino": 8, "hawaiian": 9, "other_pacific_islander": 10, "other_asian": 11,
}
AVERAGE_WHITE_RACES = frozenset({1, 4})
HISPANIC = frozenset({3, 5})
ASIAN = frozenset(range(6, 12))
HYPERPLASIA_RR = {False: 0.93, True: 1.82, None: 1.00}

ELIGIBILITY_WARNING = (
    "The Gail model is not for women who have had breast cancer, DCIS or LCIS, or chest radiation for "
    "Hodgkin lymphoma, or who carry a BRCA1/BRCA2 mutation or a related genetic syndrome (NCI)."
)
# NCI's notes on the tool's validity (cancer.gov/bcrisktool, "About the calculator")
RACE_WARNINGS = {
    4: "For American Indian/Alaska Native and other or unknown groups the estimate uses the model for White "
       "women and may be inaccurate (NCI).",
    5: "The tool may underestimate the risk of Hispanic women born outside the United States (NCI).",
}
BLACK_BIOPSY_WARNING = "The tool may underestimate the risk of Black women who have had a biopsy (NCI)."

UNKNOWN_MEANS = {  # recode.check: code 99
    "number_of_biopsies": "no biopsy",
    "atypical_hyperplasia": "neither raising nor lowering the risk",
    "age_at_menarche_years": "14 or older",
    "age_at_first_live_birth_years": "before 20",
    "first_degree_relatives_with_breast_cancer": "none",
}

KEYS = ("current_age_years", "age_years", "projection_age_years", "sex", "race", "number_of_biopsies",
        "atypical_hyperplasia", "age_at_menarche_years", "age_at_first_live_birth_years",
        "first_degree_relatives_with_breast_cancer")


@dataclass(frozen=True)
class BcraProfile:
    """BCRA's inputs; ``None`` is BCRA's code 99 (unknown)."""

    race: int
    biopsies: int | None
    hyperplasia: bool | None
    menarche_age: float | None
    first_birth_age: float | str | None  # a number, NULLIPAROUS (98) or None (99)
    relatives: int | None


@cache
def tables() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(TABLES_FILE.read_text(encoding="utf-8"))
    return data


def model_for(race: int) -> dict[str, Any]:
    for model in tables()["models"]:
        if race in model["races"]:
            return dict(model)
    raise InputError("race", f"no Gail model for race code {race}")


def categories(p: BcraProfile, current_age: float) -> tuple[int, int, int, int, float]:
    """``recode.check``: (NB, AM, AF, NR, hyperplasia factor) after the race-specific recodes.

    Raises :class:`InputError` for BCRA's inconsistencies, naming the key."""
    nb = 0 if not p.biopsies else min(p.biopsies, 2)
    if nb == 0 and p.hyperplasia is not None:
        raise InputError("atypical_hyperplasia", "atypical_hyperplasia can only be answered after at least one biopsy; leave it out or \"unknown\"")
    r_hyp = 1.0 if nb == 0 else HYPERPLASIA_RR[p.hyperplasia]

    am = 0
    if p.menarche_age is not None:
        if p.menarche_age > current_age:
            raise InputError("age_at_menarche_years", "age_at_menarche_years is later than the current age")
        am = 0 if p.menarche_age >= 14 else 1 if p.menarche_age >= 12 else 2

    af = 0  # under 20, or unknown
    if p.first_birth_age == NULLIPAROUS:
        af = 2
    elif isinstance(p.first_birth_age, float):
        if p.menarche_age is not None and p.first_birth_age < p.menarche_age:
            raise InputError("age_at_first_live_birth_years", "age_at_first_live_birth_years is earlier than the age at menarche")
        if p.first_birth_age > current_age:
            raise InputError("age_at_first_live_birth_years", "age_at_first_live_birth_years is later than the current age")
        af = 0 if p.first_birth_age < 20 else 1 if p.first_birth_age < 25 else 2 if p.first_birth_age < 30 else 3

    nr = 0 if not p.relatives else min(p.relatives, 2)

    if p.race == 2:  # CARE model: no first-birth term; menarche < 12 pooled with 12–13
        af, am = 0, min(am, 1)
    if p.race in HISPANIC:  # SFBCS model
        nb, nr = min(nb, 1), min(nr, 1)
        if af == 2 and p.first_birth_age != NULLIPAROUS:
            af = 1
        elif af == 3:
            af = 2
        if p.race == 3:
            am = 0
    if p.race in ASIAN:  # AABCS model
        nr = min(nr, 1)
    return nb, am, af, nr, r_hyp


def relative_risks(p: BcraProfile, current_age: float) -> tuple[float, float]:
    """``relative.risk``: (RR at ages under 50, RR at 50 and over)."""
    nb, am, af, nr, r_hyp = categories(p, current_age)
    beta = model_for(p.race)["beta"]
    lp1 = (nb * beta["biopsies"] + am * beta["menarche"] + af * beta["first_birth"] + nr * beta["relatives"]
           + af * nr * beta["first_birth_x_relatives"] + math.log(r_hyp))
    return math.exp(lp1), math.exp(lp1 + nb * beta["biopsies_age_ge_50"])


def absolute_risk_percent(t1: float, t2: float, p: BcraProfile, *, average: bool = False) -> float:
    """``absolute.risk``: percent chance of invasive breast cancer between ages ``t1`` and ``t2``.

    ``average`` gives the average woman of the same race (Avg_White = 1). Ages as BCRA allows:
    20 ≤ t1 < t2 ≤ 90."""
    if not BCRA_MIN_AGE <= t1 < MAX_PROJECTION_AGE or not t1 < t2 <= MAX_PROJECTION_AGE:
        raise ValueError(f"BCRA projects from an age of 20 to under 90 to a later age of at most 90, not {t1:g} to {t2:g}")
    if average:
        factors = (1.0, 1.0)
        rates = tables()["average_white_rates"] if p.race in AVERAGE_WHITE_RACES else tables()["rates"][str(p.race)]
    else:
        rr = relative_risks(p, t1)
        one_minus_ar = model_for(p.race)["one_minus_attributable_risk"]
        factors = (one_minus_ar[0] * rr[0], one_minus_ar[1] * rr[1])
        rates = tables()["rates"][str(p.race)]
    return 100.0 * integrate(t1, t2, rates["incidence"], rates["competing_mortality"], factors)


def integrate(t1: float, t2: float, incidence: list[float], mortality: list[float], factors: tuple[float, float]) -> float:
    """Step through single years of age from floor(t1) to t2, the first and last steps partial."""
    first = math.floor(t1)
    steps = math.ceil(t2) - first
    risk = cumulative = 0.0
    for j in range(steps):
        if steps == 1:
            length = t2 - t1
        elif j == 0:
            length = 1.0 - (t1 - first)
        elif j == steps - 1:
            length = t2 - math.floor(t2) if t2 > math.floor(t2) else 1.0
        else:
            length = 1.0
        year = first + j
        band = (year - 20) // 5
        h1 = incidence[band] * factors[0 if year < 50 else 1]
        hazard = h1 + mortality[band]
        risk += h1 / hazard * math.exp(-cumulative) * (1.0 - math.exp(-hazard * length))
        cumulative += hazard * length
    return risk


def compute(values: Mapping[str, Any]) -> RiskResult:
    sex = require(values, "sex")
    if sex != "female":
        raise OutsideValidatedRange("sex", "This calculator is validated for women; you entered male.")
    age_key = "current_age_years" if values.get("current_age_years") is not None else "age_years"
    if values.get(age_key) is None:
        raise MissingInput("current_age_years", ("age_years",))
    if age_key == "current_age_years" and values.get("age_years") not in (None, values["current_age_years"]):
        raise InputError("current_age_years", "current_age_years and age_years differ; give one")
    t1 = check_range(values, age_key, MIN_AGE, MAX_AGE, "ages", source=TOOL)
    profile, warnings = profile_from(values)

    results: dict[str, Any] = {}
    horizons = {"5yr": t1 + 5.0, "to_age_90": MAX_PROJECTION_AGE}
    projection = values.get("projection_age_years")
    if projection is not None:
        if projection <= t1:
            raise InputError("projection_age_years", "projection_age_years must be later than the current age")
        if projection > MAX_PROJECTION_AGE:
            raise OutsideValidatedRange(
                "projection_age_years", f"This calculator projects risk up to age 90 ({TOOL}); you entered {projection:g}."
            )
        horizons["to_projection_age"] = float(projection)
    for label, t2 in horizons.items():
        results[f"risk_{label}_percent"] = absolute_risk_percent(t1, t2, profile)
    for label, t2 in horizons.items():
        results[f"average_risk_{label}_percent"] = absolute_risk_percent(t1, t2, profile, average=True)
    return RiskResult("gail", results, tuple(warnings))


def profile_from(values: Mapping[str, Any]) -> tuple[BcraProfile, list[str]]:
    """Inputs → BCRA profile; every key is required, "unknown" is an answer."""
    for key in ("race", "number_of_biopsies", "age_at_menarche_years", "age_at_first_live_birth_years",
                "first_degree_relatives_with_breast_cancer"):
        require(values, key)
    race = RACE_CODES[values["race"]]
    biopsies = known(values["number_of_biopsies"])
    hyperplasia_given = values.get("atypical_hyperplasia")
    if biopsies and hyperplasia_given is None:
        raise MissingInput("atypical_hyperplasia", what="true, false or \"unknown\" after a biopsy")
    menarche = positive_age(values, "age_at_menarche_years")
    first_birth = values["age_at_first_live_birth_years"]
    first_birth = first_birth if first_birth in (UNKNOWN, NULLIPAROUS) else positive_age(values, "age_at_first_live_birth_years")
    profile = BcraProfile(
        race=race, biopsies=biopsies, hyperplasia=known(hyperplasia_given),
        menarche_age=menarche, first_birth_age=known(first_birth),
        relatives=known(values["first_degree_relatives_with_breast_cancer"]),
    )
    warnings = [ELIGIBILITY_WARNING]
    if race in RACE_WARNINGS:
        warnings.append(RACE_WARNINGS[race])
    if race == 2 and biopsies:
        warnings.append(BLACK_BIOPSY_WARNING)
    unknown = [f"{key} as {meaning}" for key, meaning in UNKNOWN_MEANS.items() if values.get(key) == UNKNOWN]
    if unknown:
        warnings.append("\"unknown\" counted as NCI's tool counts it: " + "; ".join(unknown) + ".")
    return profile, warnings


def known(value: Any) -> Any:
    return None if value == UNKNOWN else value


def positive_age(values: Mapping[str, Any], key: str) -> float | None:
    value = values[key]
    if value == UNKNOWN:
        return None
    if value <= 0:
        raise InputError(key, f"input {key} must be an age above 0")
    return float(value)


CALCULATORS = (
    Calculator(
        name="gail",
        title="Gail model (NCI Breast Cancer Risk Assessment Tool)",
        uses=frozenset(KEYS),
        compute=compute,
        source=SOURCE,
        optimal=None,
        notes=(
            "The comparison is the average woman of the same age and race (average_risk_* keys), as NCI's tool shows.",
            "For women 35–85 without a history of breast cancer, DCIS, LCIS or chest radiation, and without a BRCA1/2 mutation.",
        ),
    ),
)

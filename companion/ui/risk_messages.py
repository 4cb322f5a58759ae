"""Plain-language words of the Risks page, in one place so they can be reviewed.

The numbers, categories and the explanation paragraph come from ``companion.risk`` and
``companion.services.risk``; these words only name the inputs and frame the results for a person
who is not a clinician. Numbers are rounded here, for display only (the results keep full
precision).
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from companion.risk.base import shown_value

TITLE = "Risks"
HEADING = "Your health risks"
INTRO = (
    "The calculators doctors use, worked out on your own numbers from your profile and your log. "
    "Choose one on the left; change any number to see what happens."
)
LOADING = "Reading your numbers… this takes a moment."
LOAD_FAILED = "Your numbers could not be read ({reason}). Nothing was changed."
TRY_AGAIN = "Try again"
CHOOSER_NAME = "Calculators"
CHOOSER_HINT = "Use the arrow keys to choose a calculator"

INPUTS_TITLE = "Your numbers"
INPUTS_HINT = "Change any value to see how the result changes. Values you change here are not added to your log."
NEED_PREFIX = "To calculate this we need: "
NOTHING_MISSING = ""
SAVE_ANSWERS = "Save my answers"
SAVE_ANSWERS_TIP = "Keep your yes/no answers so you are not asked again. Measurements are not saved here."
SAVE_READ_ONLY_TIP = "Caregivers can look and try values, but cannot save answers for this person."
SAVED_ANSWERS = "✓ Your answers are saved."
NOTHING_TO_SAVE = "There are no answers to save yet."
NOT_SAVED = "Your answers could not be saved: {reason}"

RESULT_DETAILS_TITLE = "What the result means"
REFUSAL_TITLE = "No result for these numbers"
STALE = "⚠ More than a year old — worth measuring again"
CHANGED_BY_YOU = "✎ changed here (not saved)"
DERIVED_HERE = "worked out from the values above"
NOT_GIVEN = "not given yet"
NO_VALUE = "not given"
YES, NO, DONT_KNOW = "Yes", "No", "I don't know"
CHOOSE = "Choose…"
UNIT_NAME = "Unit for {what}"
EXPLANATION_TITLE = "What this means"
WARNINGS_TITLE = "Good to know"
OTHER_RESULTS = "Other results from this calculator"
SOURCE = "Source: {source}"

WHAT_IF_TITLE = "What if…?"
WHAT_IF_INTRO = (
    "Move a slider or tick a box to see how the result would change. This is only a try-out: "
    "your numbers above stay as they are."
)
WHAT_IF_RESET = "Reset"
WHAT_IF_SAME = "With your own numbers: {value}"
WHAT_IF_WAITING = "Fill in the values the result needs first; then you can try changes here."
WHAT_IF_AFTER_REFUSAL = "There is no result for your numbers above, so there is nothing to try out yet."
WHAT_IF_NEEDS = "Add your {what} above to try this."
WHAT_IF_NO_RESULT = "No result for these numbers: {reason}"

GENETICS_TITLE = "Genetic findings related to this risk"
GENETICS_TEXT = (
    "Genetic results that matter for this risk — for example a variant that causes familial "
    "hypercholesterolaemia (inherited high cholesterol) — will be shown here, beside the number. "
    "They are never mixed into the calculation: the equation above uses only the numbers listed."
)
GENETICS_EMPTY = "Nothing to show yet."

# ---- the inputs ------------------------------------------------------------------------------
# (label beside the field, how the "we need" line names it)
FIELDS: dict[str, tuple[str, str]] = {
    "sex": ("Sex at birth", "your sex at birth"),
    "age_years": ("Age", "your age"),
    "current_age_years": ("Age", "your age"),
    "projection_age_years": ("Risk up to the age of", "the age to work the risk out to"),
    "race": ("Race or family background", "your race or family background"),
    "ethnicity": ("Ethnic group", "your ethnic group"),
    "total_cholesterol_mg_dl": ("Total cholesterol", "your total cholesterol"),
    "hdl_cholesterol_mg_dl": ("HDL cholesterol (the “good” cholesterol)", "your HDL cholesterol"),
    "cholesterol_hdl_ratio": ("Cholesterol ÷ HDL ratio", "your cholesterol to HDL ratio"),
    "systolic_bp_mm_hg": ("Blood pressure, top number (systolic)", "your blood pressure (the top number)"),
    "systolic_bp_sd_mm_hg": ("How much your top blood pressure number varies", "how much your blood pressure varies"),
    "on_bp_treatment": ("Do you take medicine for high blood pressure?", "whether you take blood-pressure medicine"),
    "on_statin": ("Do you take a statin (cholesterol medicine)?", "whether you take a statin"),
    "current_smoker": ("Do you smoke?", "whether you smoke"),
    "smoking_status": ("Smoking", "whether and how much you smoke"),
    "diabetes": ("Do you have diabetes?", "whether you have diabetes"),
    "diabetes_type1": ("Do you have type 1 diabetes?", "whether you have type 1 diabetes"),
    "diabetes_type2": ("Do you have type 2 diabetes?", "whether you have type 2 diabetes"),
    "bmi_kg_m2": ("Body-mass index (BMI)", "your BMI (or your height and weight)"),
    "height_cm": ("Height", "your height"),
    "weight_kg": ("Weight", "your weight"),
    "waist_cm": ("Waist", "your waist measurement"),
    "egfr_ml_min_1_73m2": ("Kidney function (eGFR)", "your kidney function (eGFR)"),
    "serum_creatinine_mg_dl": ("Creatinine (blood test)", "your creatinine blood test"),
    "uacr_mg_g": ("Urine albumin-to-creatinine ratio", "your urine albumin test"),
    "hba1c_percent": ("HbA1c (long-term blood sugar)", "your HbA1c"),
    "sdi_decile": ("Social Deprivation Index of your area (1–10)", "your area's Social Deprivation Index"),
    "model": ("Which PREVENT model", "the PREVENT model"),
    "townsend_score": ("Townsend score of your postcode (UK)", "your postcode's Townsend score"),
    "atrial_fibrillation": ("Do you have atrial fibrillation (an irregular heartbeat)?", "whether you have atrial fibrillation"),
    "atypical_antipsychotic": ("Do you take an atypical antipsychotic medicine?", "whether you take an atypical antipsychotic"),
    "regular_corticosteroids": ("Do you take steroid tablets regularly?", "whether you take steroid tablets"),
    "erectile_dysfunction": ("Erectile dysfunction diagnosed or treated?", "whether you have erectile dysfunction"),
    "migraine": ("Do you have migraines?", "whether you have migraines"),
    "rheumatoid_arthritis": ("Do you have rheumatoid arthritis?", "whether you have rheumatoid arthritis"),
    "ckd_stage_3_to_5": ("Chronic kidney disease, stage 3, 4 or 5?", "whether you have chronic kidney disease"),
    "severe_mental_illness": ("Severe mental illness?", "whether you have a severe mental illness"),
    "sle": ("Lupus (SLE)?", "whether you have lupus"),
    "family_history_chd_lt60": ("Angina or heart attack in a parent, brother or sister before 60?",
                                "whether a close relative had heart disease before 60"),
    "physically_active_30min_daily": ("At least 30 minutes of activity every day?", "whether you are active 30 minutes a day"),
    "eats_vegetables_fruit_berries_daily": ("Vegetables, fruit or berries every day?", "whether you eat vegetables or fruit every day"),
    "ever_regular_bp_medication": ("Ever taken blood-pressure medicine regularly?", "whether you ever took blood-pressure medicine"),
    "ever_high_blood_glucose": ("Ever been told your blood sugar was high?", "whether your blood sugar was ever high"),
    "family_history_diabetes": ("Relatives with diabetes", "which relatives have diabetes"),
    "number_of_biopsies": ("Breast biopsies you have had", "how many breast biopsies you have had"),
    "atypical_hyperplasia": ("Atypical hyperplasia found in a biopsy?", "whether a biopsy found atypical hyperplasia"),
    "age_at_menarche_years": ("Age at your first period", "your age at your first period"),
    "age_at_first_live_birth_years": ("Age when your first child was born", "your age when your first child was born"),
    "first_degree_relatives_with_breast_cancer": ("Mother, sisters or daughters with breast cancer",
                                                   "how many close relatives had breast cancer"),
    "congestive_heart_failure": ("Heart failure (a weak heart pump)?", "whether you have heart failure"),
    "hypertension": ("High blood pressure (diagnosed)?", "whether you have high blood pressure"),
    "prior_stroke_tia_thromboembolism": ("Ever had a stroke, mini-stroke or blood clot?", "whether you had a stroke or clot"),
    "vascular_disease_mi_pad_aortic_plaque": ("Heart attack, artery disease in the legs, or aortic plaque?",
                                              "whether you had a heart attack or artery disease"),
}

CHOICES: dict[str, dict[str, str]] = {
    "sex": {"female": "Female", "male": "Male"},
    "race": {
        "white": "White", "african_american": "African American / Black", "hispanic_us_born": "Hispanic, born in the US",
        "hispanic_foreign_born": "Hispanic, born outside the US", "chinese": "Chinese", "japanese": "Japanese",
        "filipino": "Filipino", "hawaiian": "Native Hawaiian", "other_pacific_islander": "Other Pacific Islander",
        "other_asian": "Other Asian", "american_indian_alaska_native": "American Indian or Alaska Native",
        "other": "Other", "unknown": "Prefer not to say / not known",
    },
    "ethnicity": {
        "white_or_not_stated": "White, or not stated", "indian": "Indian", "pakistani": "Pakistani",
        "bangladeshi": "Bangladeshi", "other_asian": "Other Asian", "black_caribbean": "Black Caribbean",
        "black_african": "Black African", "chinese": "Chinese", "other": "Other",
    },
    "smoking_status": {
        "non_smoker": "Never smoked", "ex_smoker": "Used to smoke", "light_smoker": "Smoke fewer than 10 a day",
        "moderate_smoker": "Smoke 10 to 19 a day", "heavy_smoker": "Smoke 20 or more a day",
    },
    "model": {
        "base": "Base model", "uacr": "With urine albumin", "hba1c": "With HbA1c", "sdi": "With area deprivation",
        "full": "Full model",
    },
    "family_history_diabetes": {
        "none": "None", "second_degree": "Grandparent, aunt, uncle or first cousin",
        "first_degree": "Parent, brother, sister or child",
    },
}
NULLIPAROUS = "No children"


def field_label(key: str, description: str = "") -> str:
    return FIELDS.get(key, (description or key.replace("_", " ").capitalize(), ""))[0]


def field_noun(key: str, description: str = "") -> str:
    noun = FIELDS.get(key, ("", ""))[1]
    return noun or "your " + (description or key.replace("_", " "))


def choice_label(key: str, choice: str) -> str:
    return CHOICES.get(key, {}).get(choice, choice.replace("_", " ").capitalize())


def need_line(nouns: Iterable[str]) -> str:
    names = list(dict.fromkeys(nouns))
    return NEED_PREFIX + ", ".join(names) + "." if names else NOTHING_MISSING


# ---- results ---------------------------------------------------------------------------------
CATEGORIES: dict[str, str] = {
    # PCE (2018 ACC/AHA cholesterol guideline risk groups)
    "low": "Low risk", "borderline": "Borderline risk", "intermediate": "Intermediate risk", "high": "High risk",
    # FINDRISC
    "slightly_elevated": "Slightly raised risk", "moderate": "Moderate risk", "very_high": "Very high risk",
    # BMI (WHO)
    "underweight": "Underweight", "normal_range": "Healthy weight", "pre_obese": "Overweight",
    "obese_class_i": "Obesity, class I", "obese_class_ii": "Obesity, class II", "obese_class_iii": "Obesity, class III",
    # waist-to-height (NICE)
    "healthy": "Healthy", "increased": "Increased health risk",
    # eGFR (KDIGO G stages)
    "G1": "Normal or high kidney function (G1)", "G2": "Mildly reduced kidney function (G2)",
    "G3a": "Mildly to moderately reduced kidney function (G3a)", "G3b": "Moderately to severely reduced kidney function (G3b)",
    "G4": "Severely reduced kidney function (G4)", "G5": "Kidney failure (G5)",
}
CATEGORY_BY_CALCULATOR = {("whtr", "high"): "High health risk"}

# what "N in 100" people have, per result key
EVENTS: dict[str, str] = {
    "ascvd_10yr_percent": "have a heart attack or stroke in the next 10 years",
    "ascvd_30yr_percent": "have a heart attack or stroke in the next 30 years",
    "cvd_10yr_percent": "have a heart attack, stroke or heart failure in the next 10 years",
    "cvd_30yr_percent": "have a heart attack, stroke or heart failure in the next 30 years",
    "hf_10yr_percent": "develop heart failure in the next 10 years",
    "hf_30yr_percent": "develop heart failure in the next 30 years",
    "chd_10yr_percent": "have a heart attack or other coronary heart disease in the next 10 years",
    "chd_30yr_percent": "have a heart attack or other coronary heart disease in the next 30 years",
    "stroke_10yr_percent": "have a stroke in the next 10 years",
    "stroke_30yr_percent": "have a stroke in the next 30 years",
    "diabetes_10yr_percent": "develop type 2 diabetes in the next 10 years",
    "risk_5yr_percent": "develop breast cancer in the next 5 years",
    "risk_to_age_90_percent": "develop breast cancer by the age of 90",
    "risk_to_projection_age_percent": "develop breast cancer by the age you chose",
}
# QRISK3's "cardiovascular disease" is coronary heart disease, ischaemic stroke or TIA (no heart
# failure, unlike PREVENT's total CVD under the same key)
EVENTS_BY_CALCULATOR = {("qrisk3", "cvd_10yr_percent"): "have a heart attack or stroke in the next 10 years"}
DEFAULT_EVENT = "have this happen"


def event(calculator: str, key: str | None) -> str:
    return EVENTS_BY_CALCULATOR.get((calculator, str(key))) or EVENTS.get(str(key), DEFAULT_EVENT)
RESULT_LABELS: dict[str, str] = {
    "ascvd_10yr_percent": "Heart attack or stroke, 10 years",
    "ascvd_30yr_percent": "Heart attack or stroke, 30 years",
    "cvd_10yr_percent": "Any heart disease or stroke, 10 years",
    "cvd_30yr_percent": "Any heart disease or stroke, 30 years",
    "hf_10yr_percent": "Heart failure, 10 years", "hf_30yr_percent": "Heart failure, 30 years",
    "chd_10yr_percent": "Coronary heart disease, 10 years", "chd_30yr_percent": "Coronary heart disease, 30 years",
    "stroke_10yr_percent": "Stroke, 10 years", "stroke_30yr_percent": "Stroke, 30 years",
    "diabetes_10yr_percent": "Type 2 diabetes, 10 years (approximate, for everyone with these points)",
    "risk_5yr_percent": "Breast cancer, 5 years", "risk_to_age_90_percent": "Breast cancer, up to age 90",
    "risk_to_projection_age_percent": "Breast cancer, up to the age you chose",
    "average_risk_5yr_percent": "An average woman your age, 5 years",
    "average_risk_to_age_90_percent": "An average woman your age, up to age 90",
    "average_risk_to_projection_age_percent": "An average woman your age, up to the age you chose",
    "points": "Points", "score": "Score", "model": "Model used",
}
# calculators without a percentage: (result key, unit shown after the number, decimals)
VALUE_RESULTS: dict[str, tuple[str, str, int]] = {
    "bmi": ("bmi_kg_m2", "kg/m²", 1),
    "whtr": ("whtr", "", 2),
    "egfr": ("egfr_ml_min_1_73m2", "mL/min/1.73 m²", 0),
    "cha2ds2_vasc": ("score", "points", 0),
    "findrisc": ("points", "points", 0),
}
# result keys as calculators' warnings name them
RESULT_WORDS = {
    "diabetes_10yr_percent": "the 10-year diabetes risk",
    "ascvd_10yr_percent": "the 10-year risk", "cvd_10yr_percent": "the 10-year risk",
    "cvd_30yr_percent": "the 30-year risk", "risk_5yr_percent": "the 5-year risk",
    "risk_to_age_90_percent": "the risk up to age 90",
}
VALUE_NAMES = {
    "bmi": "Your body-mass index", "whtr": "Your waist-to-height ratio", "egfr": "Your kidney function (eGFR)",
    "cha2ds2_vasc": "Your CHA₂DS₂-VASc score", "findrisc": "Your FINDRISC score",
}
ARRAY_YOU = "People like you"


def category_label(calculator: str, category: str | None) -> str:
    if not category:
        return ""
    return CATEGORY_BY_CALCULATOR.get((calculator, category)) or CATEGORIES.get(category, category.replace("_", " ").capitalize())


def percent(value: float) -> str:
    """A risk rounded for display: one decimal ("7.4 %"), never a false 0 or 100."""
    if value < 0.05:
        return "less than 0.1\u00a0%"
    if value > 99.95:
        return "more than 99.9\u00a0%"
    return f"{value:.1f}\u00a0%"  # a no-break space: "7.4" and "%" stay on one line


def number(value: float, decimals: int) -> str:
    return shown_value(value, decimals)  # cut, not rounded: the number stays in its category's band


def people(value: float) -> str:
    """How many in 100, in words a person reads aloud ("about 7", "fewer than 1")."""
    if value < 0.5:
        return "fewer than 1"
    rounded = round(value)
    return f"{rounded}" if abs(value - rounded) < 0.05 else f"about {rounded}"


def in_100(value: float, event: str) -> str:
    return f"Out of 100 people like you, {people(value)} would {event}."


def array_description(value: float, event: str, who: str = "people like you") -> str:
    """The icon array in words, for screen readers and the text beside it."""
    exact = percent(value)
    return (
        f"Icon picture of 100 {who}: {people(value)} of them ({exact}) are filled in — they would "
        f"{event}. The other {people(100 - value)} are not filled in."
    )


def legend(event: str) -> str:
    return f"Each figure is one person. Coloured in: would {event}. Grey: would not."


def comparison_line(value: float, who: str) -> str:
    return f"For {who}: {percent(value)}."


def what_if_line(changes: list[str], value: str) -> str:
    if not changes:
        return WHAT_IF_SAME.format(value=value)
    return "If " + " and ".join(changes) + f": {value}"


def what_if_change(key: str, shown: str) -> str:
    return {
        "systolic_bp_mm_hg": f"your blood pressure were {shown}",
        "total_cholesterol_mg_dl": f"your total cholesterol were {shown}",
        "hdl_cholesterol_mg_dl": f"your HDL cholesterol were {shown}",
        "weight_kg": f"you weighed {shown}",
        "bmi_kg_m2": f"your BMI were {shown}",
        "current_smoker": "you smoked" if shown == YES else "you did not smoke",
        "on_statin": "you took a statin" if shown == YES else "you did not take a statin",
        "smoking_status": f"your smoking were: {shown.lower()}",
    }.get(key, f"{field_label(key).lower()} were {shown}")


WHAT_IF_LABELS = {
    "systolic_bp_mm_hg": "Blood pressure (top number)",
    "total_cholesterol_mg_dl": "Total cholesterol",
    "hdl_cholesterol_mg_dl": "HDL cholesterol",
    "weight_kg": "Weight",
    "bmi_kg_m2": "BMI",
    "current_smoker": "I smoke",
    "on_statin": "I take a statin",
    "smoking_status": "Smoking",
}


def origin_words(note: str, stale: bool) -> str:
    return note + ("\n" + STALE if stale else "")


def plain_keys(text: str, descriptions: dict[str, str]) -> str:
    """A calculator's message with its key names ("townsend_score") in words.

    "key (words) …" keeps only the words the message already gives; a bare key becomes its
    description from the input table."""
    keys = [k for k in descriptions if "_" in k or k == "sle"]  # "diabetes" in a sentence is a word, not a key
    if not keys:
        return text
    names = "|".join(sorted((re.escape(k) for k in keys), key=len, reverse=True))
    text = re.sub(rf"\b(?:{names}) \(([^)]*)\)", r"\1", text)
    text = re.sub(rf"\b({names})\b", lambda m: descriptions[m.group(1)], text)
    return text[:1].upper() + text[1:]

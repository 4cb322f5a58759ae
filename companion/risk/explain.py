"""Plain-language paragraphs for the calculators' results, at or below an 8th-grade reading level.

Each paragraph says what the number means ("Out of 100 people like you, about 7 will …"), how
certain it is (an estimate from studies of groups of people; it cannot say what will happen to
one person; the source), how it compares with the optimal or average figure when there is one,
and what to talk about with a doctor. ``tests/unit/risk/test_readability.py`` measures every
paragraph with textstat (Flesch-Kincaid grade ≤ 8).

The words claim nothing the sources do not. The "talk with your doctor" advice is what the
guidelines behind each calculator ask for:

- Heart risk (PCE, PREVENT): the 2019 ACC/AHA primary-prevention guideline (Arnett DK et al.
  Circulation 2019;140:e596-e646, doi:10.1161/CIR.0000000000000678; executive summary
  e563-e595, doi:10.1161/CIR.0000000000000677): adults 40-75 "should undergo 10-year ASCVD risk
  estimation and have a clinician-patient risk discussion before starting on pharmacological
  therapy, such as antihypertensive therapy, a statin, or aspirin"; and the 2018 AHA/ACC
  cholesterol guideline's checklist for that discussion (Grundy SM et al. Circulation
  2019;139:e1082-e1143, doi:10.1161/CIR.0000000000000625, Table 7): review diet, physical
  activity, weight and tobacco use.
- QRISK3: NICE guideline NG238 (2023), Cardiovascular disease: risk assessment and reduction,
  which uses QRISK3 to start a discussion of lifestyle changes and of statins.
- FINDRISC: the Finnish Diabetes Association's risk form, whose bands and "1 in 6" style risks
  are quoted as printed (companion.risk.findrisc).
- eGFR: KDIGO 2012 — a low eGFR counts as chronic kidney disease only when it lasts more than
  3 months (companion.risk.egfr notes).
- BMI and waist-to-height: the WHO adult classes and the NICE bands (companion.risk.body); NICE
  CG189 asks for BMI to be read with care in very muscular adults.
- Gail: NCI's Breast Cancer Risk Assessment Tool asks people who are not health professionals
  to discuss the result and their own risk with their doctor (cancer.gov/bcrisktool).
- CHA2DS2-VASc: Lip GYH et al. Chest 2010;137:263-272 built the score to guide the choice of
  medicine to prevent blood clots (thromboprophylaxis) in atrial fibrillation.
"""
from __future__ import annotations

from companion.risk.base import RiskResult, shown_value

# What each headline risk is a risk of, in plain words (calculator → (people, event, years)).
EVENTS = {
    "pce": ("people", "have a heart attack or stroke", "10 years"),
    "prevent": ("people", "have a heart attack, a stroke or heart failure", "10 years"),
    "qrisk3": ("people", "have a heart attack or stroke", "10 years"),
    "gail": ("women", "get breast cancer", "5 years"),
}
HEADLINES = {
    "pce": "ascvd_10yr_percent",
    "prevent": "cvd_10yr_percent",
    "qrisk3": "cvd_10yr_percent",
    "findrisc": "diabetes_10yr_percent",
    "gail": "risk_5yr_percent",
}
COMPARISONS = {
    "pce": "someone your age and sex with optimal risk factors",
    "prevent": "someone your age and sex with optimal risk factors",
    "qrisk3": "a healthy person of your age, sex and ethnic group",
    "gail": "an average woman of your age and race",
}
SOURCES = {
    "pce": "It comes from the Pooled Cohort Equations of the American Heart Association and the American College of Cardiology (2013).",
    "prevent": "It comes from the PREVENT equations of the American Heart Association (2023).",
    "qrisk3": "It comes from QRISK3, which was built from the health records of millions of people in England (2017).",
    "gail": "It comes from the Breast Cancer Risk Assessment Tool of the US National Cancer Institute (the Gail model).",
}
HEART_DOCTOR = (
    "Talk with your doctor about this number before you decide on any medicine for blood pressure or "
    "cholesterol. You can also talk about food, activity, weight and smoking."
)
DOCTOR = {
    "pce": HEART_DOCTOR,
    "prevent": HEART_DOCTOR,
    "qrisk3": HEART_DOCTOR,
    "gail": "The National Cancer Institute asks you to talk with your doctor about this number and your own risk.",
}
ESTIMATE = (
    "This number is an estimate. It is based on large studies of groups of people. "
    "It cannot say what will happen to you."
)

FINDRISC_BANDS = {  # category → (name on the form, the form's "1 in N" risk)
    "low": ("low", "1 in 100"),
    "slightly_elevated": ("slightly high", "1 in 25"),
    "moderate": ("moderate", "1 in 6"),
    "high": ("high", "1 in 3"),
    "very_high": ("very high", "1 in 2"),
}
BMI_CLASSES = {  # WHO adult classes (companion.risk.body)
    "underweight": "below 18.5, which the WHO calls underweight",
    "normal_range": "from 18.5 to under 25, which the WHO calls the normal range",
    "pre_obese": "from 25 to under 30, which the WHO calls overweight",
    "obese_class_i": "from 30 to under 35, which the WHO calls obese (class 1)",
    "obese_class_ii": "from 35 to under 40, which the WHO calls obese (class 2)",
    "obese_class_iii": "40 or more, which the WHO calls obese (class 3)",
}
WHTR_BANDS = {  # NICE CG189 (2022 update)
    "healthy": "from 0.4 to 0.49. NICE says this has no extra health risk",
    "increased": "from 0.5 to 0.59. NICE says this means more health risks",
    "high": "0.6 or more. NICE says this means high health risks",
    None: "below 0.4. NICE does not give a band this low",
}
GFR_CATEGORIES = {  # KDIGO 2012 names, in plain words
    "G1": ("90 or more", "normal or high"),
    "G2": ("60 to 89", "a little low"),
    "G3a": ("45 to 59", "a little to fairly low"),
    "G3b": ("30 to 44", "fairly to very low"),
    "G4": ("15 to 29", "very low"),
    "G5": ("below 15", "kidney failure"),
}


def explain(calculator: str, result: RiskResult | None, optimal_percent: float | None, refusal: str | None = None) -> str:
    """The plain-language paragraph for ``result`` (``None``: the calculator refused the inputs)."""
    if result is None:
        return refused(refusal)
    parts = {
        "findrisc": _findrisc,
        "egfr": _egfr,
        "bmi": _bmi,
        "whtr": _whtr,
        "cha2ds2_vasc": _cha2ds2_vasc,
    }
    if calculator in parts:
        return parts[calculator](result)
    if calculator in EVENTS:
        return _risk(calculator, result, optimal_percent)
    return ESTIMATE


def refused(reason: str | None = None) -> str:
    """For a refusal: why there is no number, and what to do (the reason is shown on its own)."""
    return (
        "We cannot give you a number from these values. "
        + ("A value is missing or does not fit, as the note says. " if reason else "")
        + "Each tool was only tested on some kinds of people and values. Outside them, its number could be wrong. "
        "Add or fix the value if you can, or ask your doctor which tool suits you."
    )


def people_count(percent: float, per: int) -> str:
    """``percent`` as a count out of ``per`` (100 or 1,000), for words such as "about 7"."""
    count = round(percent * per / 100.0)
    if count < 1:
        return "fewer than 1"
    if count >= per:
        return "almost all"
    return f"about {count}"


def _scale(*percents: float | None) -> int:
    """Out of 1,000 when a figure would round to under 1 out of 100; else out of 100."""
    return 1000 if any(p is not None and p < 1.0 for p in percents) else 100


def _risk(calculator: str, result: RiskResult, optimal_percent: float | None) -> str:
    who, event, years = EVENTS[calculator]
    percent = float(result.results[HEADLINES[calculator]])  # type: ignore[arg-type]
    per = _scale(percent, optimal_percent)
    per_text = "100" if per == 100 else "1,000"
    sentences = [f"Out of {per_text} {who} like you, {people_count(percent, per)} will {event} in the next {years}."]
    if calculator == "gail" and result.results.get("risk_to_age_90_percent") is not None:
        lifetime = float(result.results["risk_to_age_90_percent"])  # type: ignore[arg-type]
        sentences.append(f"By age 90, {people_count(lifetime, 100)} out of 100 will get it.")
    sentences.append(ESTIMATE)
    sentences.append(SOURCES[calculator])
    if optimal_percent is not None:
        sentences.append(_compare(calculator, percent, optimal_percent, per))
    sentences.append(DOCTOR[calculator])
    return " ".join(sentences)


def _compare(calculator: str, percent: float, other: float, per: int) -> str:
    mine, theirs = round(percent * per / 100.0), round(other * per / 100.0)
    label = COMPARISONS[calculator]
    per_text = "100" if per == 100 else "1,000"
    said = f"For {label}, it would be {people_count(other, per)} out of {per_text}."
    if mine > theirs:
        return said + " Your number is higher."
    if mine < theirs:
        return said + " Your number is lower."
    return said + " That is about the same as yours."


def _findrisc(result: RiskResult) -> str:
    points = result.results["points"]
    name, one_in = FINDRISC_BANDS[str(result.results["category"])]
    return " ".join((
        f"Your score is {points} {_points(points)} out of 26. The form calls this {name} risk.",
        f"About {one_in} people with a score like yours will get type 2 diabetes in the next 10 years.",
        "This is the number for everyone in your band of points, not just for you.",
        "It comes from a study of people in Finland, so it is a guess, not a promise.",
        "Talk with your doctor about your score. Ask if a blood sugar test is right for you.",
    ))  # fmt: skip


def _egfr(result: RiskResult) -> str:
    value = float(result.results["egfr_ml_min_1_73m2"])  # type: ignore[arg-type]
    band, words = GFR_CATEGORIES[str(result.results["category"])]
    return " ".join((
        f"Your eGFR is about {shown_value(value, 0)}. It is a guess at how well your kidneys clean your blood.",
        "It is worked out from a blood test called creatinine, and from your age and sex.",
        f"Kidney guidelines call a value of {band} {words} (group {result.results['category']}).",
        "One test does not show kidney disease. Doctors look at tests over at least 3 months.",
        "Talk with your doctor about this result and if the test should be done again.",
    ))  # fmt: skip


def _bmi(result: RiskResult) -> str:
    value = float(result.results["bmi_kg_m2"])  # type: ignore[arg-type]
    return " ".join((
        f"Your body-mass index (BMI) is {shown_value(value, 1)}. It compares your weight with your height.",
        f"Yours is {BMI_CLASSES[str(result.results['category'])]}.",
        "BMI is a rough guide. It does not measure fat. For example, a very strong, muscular person can have a high BMI.",
        "Talk with your doctor about what a healthy weight is for you.",
    ))  # fmt: skip


def _whtr(result: RiskResult) -> str:
    ratio = float(result.results["whtr"])  # type: ignore[arg-type]
    category = result.results.get("category")
    return " ".join((
        f"Your waist is {shown_value(ratio, 2)} times your height.",
        f"Yours is {WHTR_BANDS[category if isinstance(category, str) else None]}.",
        "This is a rough guide for adults. It is not for children or in pregnancy.",
        "Talk with your doctor about what it means for you.",
    ))  # fmt: skip


def _cha2ds2_vasc(result: RiskResult) -> str:
    score = result.results["score"]
    return " ".join((
        f"Your score is {score} {_points(score)} out of 9.",
        "The score is only for people with atrial fibrillation, a kind of uneven heartbeat.",
        "More points mean a higher chance of a stroke. It cannot say what will happen to you.",
        "Doctors use it to help decide, with you, if medicine to prevent blood clots is right for you.",
        "Talk with your doctor about your score.",
    ))  # fmt: skip


def _points(n: object) -> str:
    return "point" if n == 1 else "points"

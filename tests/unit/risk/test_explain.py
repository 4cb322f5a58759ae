"""The plain-language paragraphs: what the number means, how sure it is, the comparison, the doctor."""
from __future__ import annotations

import pytest

from companion.risk import calculate
from companion.risk.base import RiskResult
from companion.risk.explain import (
    BMI_CLASSES,
    ESTIMATE,
    FINDRISC_BANDS,
    GFR_CATEGORIES,
    WHTR_BANDS,
    explain,
    people_count,
)


def heart(calculator: str, percent: float) -> RiskResult:
    key = {"pce": "ascvd_10yr_percent", "prevent": "cvd_10yr_percent", "qrisk3": "cvd_10yr_percent"}[calculator]
    return RiskResult(calculator, {key: percent})


def test_a_heart_risk_says_how_many_out_of_100_people_like_you():
    text = explain("pce", heart("pce", 7.2), None)
    assert text.startswith("Out of 100 people like you, about 7 will have a heart attack or stroke in the next 10 years.")
    assert ESTIMATE in text and "Pooled Cohort Equations" in text
    assert "Talk with your doctor about this number before you decide on any medicine" in text
    assert "optimal" not in text  # no comparison without an optimal figure


@pytest.mark.parametrize(("calculator", "event", "source"), [
    ("pce", "have a heart attack or stroke", "Pooled Cohort Equations"),
    ("prevent", "have a heart attack, a stroke or heart failure", "PREVENT equations"),
    ("qrisk3", "have a heart attack or stroke", "QRISK3"),
])  # fmt: skip
def test_each_heart_calculator_names_its_event_and_source(calculator, event, source):
    text = explain(calculator, heart(calculator, 12.4), 3.0)
    assert f"about 12 will {event} in the next 10 years" in text and source in text


def test_a_small_risk_is_counted_out_of_1000():
    text = explain("pce", heart("pce", 0.64), None)
    assert text.startswith("Out of 1,000 people like you, about 6 will")
    assert explain("pce", heart("pce", 0.02), None).startswith("Out of 1,000 people like you, fewer than 1 will")


def test_the_comparison_uses_one_scale_for_both_numbers():
    text = explain("pce", heart("pce", 5.4), 0.7)
    assert text.startswith("Out of 1,000 people like you, about 54 will")
    assert "For someone your age and sex with optimal risk factors, it would be about 7 out of 1,000. Your number is higher." in text


@pytest.mark.parametrize(("mine", "optimal", "verdict"), [
    (9.0, 3.0, "Your number is higher."),
    (2.0, 3.0, "Your number is lower."),
    (3.2, 2.8, "That is about the same as yours."),
])  # fmt: skip
def test_the_comparison_says_higher_lower_or_the_same(mine, optimal, verdict):
    assert verdict in explain("prevent", heart("prevent", mine), optimal)


def test_qrisk3_compares_with_a_healthy_person():
    assert "For a healthy person of your age, sex and ethnic group, it would be about 4 out of 100." in explain(
        "qrisk3", heart("qrisk3", 10.0), 4.2)


def test_gail_gives_5_years_to_age_90_and_the_average_woman():
    result = calculate("gail", {
        "sex": "female", "age_years": 45, "race": "white", "number_of_biopsies": 0, "age_at_menarche_years": 12,
        "age_at_first_live_birth_years": 25, "first_degree_relatives_with_breast_cancer": 1,
    })  # fmt: skip
    average = result.results["average_risk_5yr_percent"]
    text = explain("gail", result, average)
    five, ninety = result.results["risk_5yr_percent"], result.results["risk_to_age_90_percent"]
    assert text.startswith(f"Out of 1,000 women like you, about {round(five * 10)} will get breast cancer in the next 5 years.")
    assert f"By age 90, about {round(ninety)} out of 100 will get it." in text
    assert f"For an average woman of your age and race, it would be about {round(average * 10)} out of 1,000." in text
    assert "National Cancer Institute asks you to talk with your doctor" in text


def test_people_count_words():
    assert people_count(7.4, 100) == "about 7"
    assert people_count(0.3, 100) == "fewer than 1"
    assert people_count(0.3, 1000) == "about 3"
    assert people_count(99.7, 100) == "almost all"


@pytest.mark.parametrize("category", list(FINDRISC_BANDS))
def test_findrisc_explains_the_band_as_printed_on_the_form(category):
    name, one_in = FINDRISC_BANDS[category]
    text = explain("findrisc", RiskResult("findrisc", {"points": 13, "category": category, "diabetes_10yr_percent": 17}), None)
    assert f"The form calls this {name} risk." in text
    assert f"About {one_in} people with a score like yours will get type 2 diabetes in the next 10 years." in text
    assert "not just for you" in text and "blood sugar test" in text


@pytest.mark.parametrize("category", list(GFR_CATEGORIES))
def test_egfr_names_the_kdigo_category_and_that_one_test_is_not_a_diagnosis(category):
    text = explain("egfr", RiskResult("egfr", {"egfr_ml_min_1_73m2": 52.4, "category": category}), None)
    band, words = GFR_CATEGORIES[category]
    assert "Your eGFR is about 52." in text and f"{band} {words} (group {category})" in text
    assert "One test does not show kidney disease" in text


@pytest.mark.parametrize("category", list(BMI_CLASSES))
def test_bmi_names_the_who_class(category):
    text = explain("bmi", RiskResult("bmi", {"bmi_kg_m2": 27.345, "category": category}), None)
    assert "Your body-mass index (BMI) is 27.3." in text and BMI_CLASSES[category] in text
    assert "does not measure fat" in text


@pytest.mark.parametrize("category", list(WHTR_BANDS))
def test_waist_to_height_names_the_nice_band_or_its_absence(category):
    text = explain("whtr", RiskResult("whtr", {"whtr": 0.523, "category": category}), None)
    assert "Your waist is 0.52 times your height." in text and WHTR_BANDS[category] in text


def test_cha2ds2_vasc_is_for_atrial_fibrillation_and_blood_clot_medicine():
    text = explain("cha2ds2_vasc", RiskResult("cha2ds2_vasc", {"score": 3}), None)
    assert "Your score is 3 points out of 9." in text and "atrial fibrillation" in text
    assert "medicine to prevent blood clots" in text


def test_a_refusal_explains_why_there_is_no_number():
    text = explain("pce", None, None, refusal="This calculator is validated for ages 40–79 years; you entered 35 years.")
    assert text.startswith("We cannot give you a number from these values.") and "as the note says" in text
    assert "ask your doctor" in text
    assert "as the note says" not in explain("pce", None, None)


@pytest.mark.parametrize("calculator", ["pce", "prevent", "qrisk3", "findrisc", "egfr", "bmi", "whtr", "gail", "cha2ds2_vasc"])
def test_every_paragraph_sends_the_person_to_their_doctor(calculator):
    results = {
        "pce": heart("pce", 8.0), "prevent": heart("prevent", 8.0), "qrisk3": heart("qrisk3", 8.0),
        "findrisc": RiskResult("findrisc", {"points": 3, "category": "low", "diabetes_10yr_percent": 1}),
        "egfr": RiskResult("egfr", {"egfr_ml_min_1_73m2": 95.0, "category": "G1"}),
        "bmi": RiskResult("bmi", {"bmi_kg_m2": 22.0, "category": "normal_range"}),
        "whtr": RiskResult("whtr", {"whtr": 0.45, "category": "healthy"}),
        "gail": RiskResult("gail", {"risk_5yr_percent": 1.2, "risk_to_age_90_percent": 11.0}),
        "cha2ds2_vasc": RiskResult("cha2ds2_vasc", {"score": 0}),
    }  # fmt: skip
    assert "doctor" in explain(calculator, results[calculator], None)


def test_a_categorised_value_is_shown_inside_its_category():
    # eGFR 59.58 is G3a (45-59): "about 60" would name a G2 value beside the G3a words
    result = calculate("egfr", {"serum_creatinine_mg_dl": 1.36, "age_years": 60, "sex": "male"})
    assert result.results["category"] == "G3a"
    assert "Your eGFR is about 59." in explain("egfr", result, None)
    just_under = calculate("bmi", {"bmi_kg_m2": 24.9992})
    assert just_under.results["category"] == "normal_range"
    assert "is 24.9." in explain("bmi", just_under, None)

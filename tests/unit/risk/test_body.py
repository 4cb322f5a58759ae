"""BMI (WHO classes) and waist-to-height ratio (NICE bands): values, boundaries, units, warnings."""
from __future__ import annotations

import pytest

from companion.risk import InputError, MissingInput, OutsideValidatedRange, calculate, calculator
from companion.risk.body import LOWER_THRESHOLDS_WARNING, NO_WHTR_BAND_WARNING, WHTR_BMI_35_WARNING, bmi_category, whtr_category


def bmi(**raw: object) -> float:
    return calculate("bmi", raw).results["bmi_kg_m2"]


@pytest.mark.parametrize(
    ("raw", "preventr"),
    [
        ({"weight_kg": 70, "height_cm": 175}, 22.9),
        ({"weight_kg": 111, "height_cm": 188}, 31.4),
        ({"weight_lb": 154, "height_in": 70}, 22.1),
        ({"weight_lb": 242, "height_in": 67}, 37.9),
    ],
)
def test_preventr_calc_bmi_values(raw, preventr):
    # martingmayer/preventr tests/testthat/test-helpers.R ("BMI calculation works"), which rounds
    # half-up to 1 decimal and uses 703 × lb / in² for non-metric input; we convert lb and in with
    # the exact factors, a difference below 0.01 kg/m².
    value = bmi(**raw)
    assert round(value, 1) == preventr
    if "weight_lb" in raw:
        assert abs(value - 703 * raw["weight_lb"] / raw["height_in"] ** 2) < 0.01


def test_full_precision():
    assert bmi(weight_kg=70, height_cm=175) == pytest.approx(70 / 1.75**2, rel=1e-15)


@pytest.mark.parametrize(
    ("value", "category"),
    [(15.0, "underweight"), (18.49, "underweight"), (18.5, "normal_range"), (24.99, "normal_range"),
     (24.996, "normal_range"), (25.0, "pre_obese"), (29.999, "pre_obese"), (30.0, "obese_class_i"),
     (34.99, "obese_class_i"), (35.0, "obese_class_ii"), (39.99, "obese_class_ii"), (40.0, "obese_class_iii"),
     (55.0, "obese_class_iii")],
)  # fmt: skip
def test_who_classes_on_the_unrounded_value(value, category):
    assert bmi_category(value) == category


def test_a_given_bmi_is_classified_and_must_agree_with_weight_and_height():
    assert calculate("bmi", {"bmi_kg_m2": 24.996}).results == {"bmi_kg_m2": 24.996, "category": "normal_range"}
    assert bmi(bmi_kg_m2=23, weight_kg=70, height_cm=175) == pytest.approx(22.857, abs=1e-3)
    with pytest.raises(InputError, match="does not agree") as error:
        bmi(bmi_kg_m2=30, weight_kg=70, height_cm=175)
    assert error.value.key == "bmi_kg_m2"


def test_missing_and_impossible_measurements():
    with pytest.raises(MissingInput, match=r"bmi_kg_m2 \(or weight_kg and height_cm\)"):
        bmi()
    with pytest.raises(MissingInput, match=r"height_cm \(or height_in\)"):
        bmi(weight_kg=70)
    with pytest.raises(MissingInput, match=r"weight_kg \(or weight_lb\)"):
        bmi(height_in=70)
    for raw, key in (({"weight_kg": 70, "height_cm": 0}, "height_cm"), ({"weight_kg": 70, "height_cm": -170}, "height_cm"),
                     ({"weight_kg": 0, "height_cm": 170}, "weight_kg"), ({"bmi_kg_m2": 0}, "bmi_kg_m2")):  # fmt: skip
        with pytest.raises(InputError, match="more than 0") as error:
            bmi(**raw)
        assert error.value.key == key


@pytest.mark.parametrize("ethnicity", ["indian", "pakistani", "bangladeshi", "other_asian", "chinese", "black_caribbean", "black_african"])
def test_nice_lower_thresholds_are_mentioned_for_the_groups_nice_names(ethnicity):
    result = calculate("bmi", {"weight_kg": 70, "height_cm": 175, "ethnicity": ethnicity})
    assert result.warnings == (LOWER_THRESHOLDS_WARNING,)
    assert result.results["category"] == "normal_range"  # the WHO class is still the one given


@pytest.mark.parametrize("ethnicity", [None, "white_or_not_stated", "other"])
def test_no_threshold_warning_otherwise(ethnicity):
    assert calculate("bmi", {"weight_kg": 70, "height_cm": 175, "ethnicity": ethnicity}).warnings == ()


def test_whtr_value_and_units():
    result = calculate("whtr", {"waist_cm": 80, "height_cm": 170})
    assert result.results == {"whtr": pytest.approx(80 / 170, rel=1e-15), "category": "healthy"}
    assert calculate("whtr", {"waist_in": 35, "height_in": 70}).results["whtr"] == pytest.approx(0.5)
    assert calculate("whtr", {"waist_in": 35, "height_cm": 177.8}).results["whtr"] == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("ratio", "category"),
    [(0.39, None), (0.4, "healthy"), (0.4999, "healthy"), (0.5, "increased"), (0.5999, "increased"),
     (0.6, "high"), (0.8, "high")],
)  # fmt: skip
def test_nice_bands_on_the_unrounded_value(ratio, category):
    assert whtr_category(ratio) == category


def test_below_0_4_has_no_band_and_says_so():
    result = calculate("whtr", {"waist_cm": 60, "height_cm": 170})
    assert result.results["category"] is None
    assert result.warnings == (NO_WHTR_BAND_WARNING,)


def test_whtr_mentions_nice_bmi_limit_when_the_bmi_is_35_or_more():
    assert calculate("whtr", {"waist_cm": 110, "height_cm": 170, "bmi_kg_m2": 36}).warnings == (WHTR_BMI_35_WARNING,)
    assert calculate("whtr", {"waist_cm": 110, "height_cm": 170, "weight_kg": 105}).warnings == (WHTR_BMI_35_WARNING,)
    assert calculate("whtr", {"waist_cm": 100, "height_cm": 170, "weight_kg": 95}).warnings == ()


def test_whtr_missing_and_impossible():
    with pytest.raises(MissingInput, match=r"waist_cm \(or waist_in\)"):
        calculate("whtr", {"height_cm": 170})
    with pytest.raises(MissingInput, match=r"height_cm \(or height_in\)"):
        calculate("whtr", {"waist_cm": 80})
    with pytest.raises(InputError, match="more than 0"):
        calculate("whtr", {"waist_cm": 80, "height_cm": 0})


def test_registry_entries():
    for name in ("bmi", "whtr"):
        calc = calculator(name)
        assert calc.optimal is None and calc.source
    assert "WHO" in calculator("bmi").source and "NICE" in calculator("whtr").source
    assert calculate("bmi", {"weight_kg": 70, "height_cm": 175, "waist_cm": 80}).warnings == (
        "input waist_cm is not used by Body-mass index (WHO adult classes)",
    )


@pytest.mark.parametrize("name", ["bmi", "whtr"])
def test_children_are_refused_adults_are_not(name):
    body = {"weight_kg": 40, "height_cm": 150, "waist_cm": 65}
    with pytest.raises(OutsideValidatedRange, match="adults aged 18 and over") as error:
        calculate(name, {**body, "age_years": 12})
    assert error.value.key == "age_years"
    assert calculate(name, {**body, "age_years": 18}).results

"""CKD-EPI 2021: published values from two peer packages, KDIGO categories, units and ranges."""
from __future__ import annotations

import pytest

from companion.risk import InputError, MissingInput, OutsideValidatedRange, calculate, calculator
from companion.risk.egfr import ckd_epi_2021, gfr_category


def egfr(**raw: object) -> float:
    return calculate("egfr", raw).results["egfr_ml_min_1_73m2"]


def test_kidney_epi_reference_example():
    # scientific-tools-org/kidney.epi docs/reference/egfr.ckdepi.cr.2021.html:
    # egfr.ckdepi.cr.2021(creatinine = 1.4, age = 60, sex = "Male", creatinine_units = "mg/dl") → 57.54 (2 dp)
    assert round(egfr(serum_creatinine_mg_dl=1.4, age_years=60, sex="male"), 2) == 57.54


@pytest.mark.parametrize(
    ("raw", "whole"),
    [
        ({"serum_creatinine_mg_dl": 1.5, "age_years": 55, "sex": "female"}, 41),
        ({"serum_creatinine_mg_dl": 1.5, "age_years": 55, "sex": "male"}, 55),
        ({"serum_creatinine_mg_dl": 1.5, "age_years": 43, "sex": "male"}, 59),
        ({"serum_creatinine_mg_dl": 1.5, "age_years": 43, "sex": "female"}, 44),
        ({"serum_creatinine_umol_l": 102, "age_years": 43, "sex": "female"}, 60),
        ({"serum_creatinine_umol_l": 111, "age_years": 77, "sex": "male"}, 59),
    ],
)
def test_preventr_test_helpers_values(raw, whole):
    # martingmayer/preventr tests/testthat/test-helpers.R ("CKD-EPI function works"): calc_egfr
    # rounds half-up to a whole number; we keep full precision.
    value = egfr(**raw)
    assert int(value + 0.5) == whole
    assert value != whole


def test_full_precision_and_the_function_other_helpers_import():
    value = egfr(serum_creatinine_mg_dl=1.4, age_years=60, sex="male")
    assert value == ckd_epi_2021(1.4, 60, "male") == pytest.approx(57.5393905342542, rel=1e-12)


def test_both_branches_of_the_spline():
    # below κ the exponent is α, above it −1.200; at κ both factors are 1
    assert ckd_epi_2021(0.7, 40, "female") == pytest.approx(142 * 0.9938**40 * 1.012)
    assert ckd_epi_2021(0.9, 40, "male") == pytest.approx(142 * 0.9938**40)
    assert ckd_epi_2021(0.5, 40, "female") == pytest.approx(142 * (0.5 / 0.7) ** -0.241 * 0.9938**40 * 1.012)
    assert ckd_epi_2021(2.0, 40, "male") == pytest.approx(142 * (2.0 / 0.9) ** -1.2 * 0.9938**40)


def test_micromoles_are_divided_by_88_4():
    assert egfr(serum_creatinine_umol_l=88.4, age_years=50, sex="male") == pytest.approx(ckd_epi_2021(1.0, 50, "male"))


@pytest.mark.parametrize(
    ("value", "category"),
    [(120, "G1"), (90, "G1"), (89.99, "G2"), (60, "G2"), (59.99, "G3a"), (45, "G3a"), (44.99, "G3b"),
     (30, "G3b"), (29.99, "G4"), (15, "G4"), (14.99, "G5"), (3, "G5")],
)  # fmt: skip
def test_kdigo_categories_on_the_unrounded_value(value, category):
    assert gfr_category(value) == category


def test_the_result_carries_its_category():
    result = calculate("egfr", {"serum_creatinine_mg_dl": 1.4, "age_years": 60, "sex": "male"})
    assert result.results["category"] == "G3a"
    assert set(result.results) == {"egfr_ml_min_1_73m2", "category"}


@pytest.mark.parametrize("age", [18, 100, 18.0, 99.9])
def test_ages_18_to_100_are_accepted(age):
    assert egfr(serum_creatinine_mg_dl=1.0, age_years=age, sex="female") > 0


@pytest.mark.parametrize("age", [17.99, 100.5, 5])
def test_ages_outside_18_to_100_are_refused_in_plain_words(age):
    with pytest.raises(OutsideValidatedRange) as error:
        egfr(serum_creatinine_mg_dl=1.0, age_years=age, sex="female")
    assert error.value.key == "age_years"
    assert "validated for ages 18–100 years" in error.value.message


def test_an_age_below_zero_is_not_an_age():
    with pytest.raises(InputError, match="age_years must be more than 0"):
        egfr(serum_creatinine_mg_dl=1.0, age_years=-1, sex="female")


@pytest.mark.parametrize("raw", [{"serum_creatinine_mg_dl": 0}, {"serum_creatinine_mg_dl": -1}, {"serum_creatinine_umol_l": 0}])
def test_creatinine_must_be_above_zero(raw):
    with pytest.raises(InputError, match="more than 0") as error:
        egfr(**raw, age_years=50, sex="male")
    assert error.value.key == next(iter(raw))  # the key the person gave, whatever its unit


def test_missing_and_doubled_inputs():
    with pytest.raises(MissingInput, match=r"serum_creatinine_mg_dl \(or serum_creatinine_umol_l\)"):
        egfr(age_years=50, sex="male")
    with pytest.raises(MissingInput, match="sex"):
        egfr(serum_creatinine_mg_dl=1.0, age_years=50)
    with pytest.raises(MissingInput, match="age_years"):
        egfr(serum_creatinine_mg_dl=1.0, sex="male")
    with pytest.raises(InputError, match="not both"):
        egfr(serum_creatinine_mg_dl=1.0, serum_creatinine_umol_l=88.4, age_years=50, sex="male")


def test_unused_keys_are_listed():
    result = calculate("egfr", {"serum_creatinine_mg_dl": 1.0, "age_years": 50, "sex": "male", "bmi_kg_m2": 24})
    assert result.warnings == ("input bmi_kg_m2 is not used by eGFR (CKD-EPI 2021 creatinine equation, without race)",)


def test_registry_entry():
    calc = calculator("egfr")
    assert calc.optimal is None and "NEJMoa2102953" in calc.source
    assert calc.uses == {"serum_creatinine_mg_dl", "serum_creatinine_umol_l", "age_years", "sex"}


def test_a_micromole_value_typed_as_milligrams_is_refused_with_a_hint():
    # 88 µmol/L is 1.0 mg/dL; read as 88 mg/dL it would give an eGFR of 0.4 ("G5")
    with pytest.raises(InputError, match="was it in µmol/L"):
        egfr(serum_creatinine_mg_dl=88, age_years=50, sex="male")
    assert egfr(serum_creatinine_umol_l=88, age_years=50, sex="male") > 80

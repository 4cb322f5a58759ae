"""FINDRISC: each item's points at the form's boundaries, the bands, and whole-form examples."""
from __future__ import annotations

import pytest

from companion.risk import MissingInput, calculate, calculator
from companion.risk.findrisc import BAND_RISK_WARNING, age_points, band, bmi_points, waist_points

LOWEST = {
    "age_years": 40, "sex": "female", "bmi_kg_m2": 22.0, "waist_cm": 70.0,
    "physically_active_30min_daily": True, "eats_vegetables_fruit_berries_daily": True,
    "ever_regular_bp_medication": False, "ever_high_blood_glucose": False, "family_history_diabetes": "none",
}  # fmt: skip


def points(**changes: object) -> int:
    return calculate("findrisc", {**LOWEST, **changes}).results["points"]


# parrotsoft/findrisc-streamlit tests/test_ask_calc.py (SPEC §4) asserts all of these values.
@pytest.mark.parametrize(("age", "expected"), [(44, 0), (45, 2), (53, 2), (55, 3), (64, 3), (65, 4)])
def test_age_boundaries_of_the_peer_tests(age, expected):
    assert age_points(age) == expected


@pytest.mark.parametrize(("age", "expected"), [(44.99, 0), (54.9, 2), (64.99, 3), (0, 0), (104, 4)])
def test_age_counts_completed_years(age, expected):
    assert age_points(age) == expected


@pytest.mark.parametrize(("bmi", "expected"), [(24, 0), (26, 1), (30, 1), (31, 3)])
def test_bmi_boundaries_of_the_peer_tests(bmi, expected):
    assert bmi_points(bmi) == expected


@pytest.mark.parametrize(("bmi", "expected"), [(24.99, 0), (25.0, 1), (30.0, 1), (30.01, 3), (30.1, 3)])
def test_bmi_bands_are_inclusive_at_the_printed_ends(bmi, expected):
    # parrotsoft scores exactly 25 as 0 (it tests 25 < BMI <= 30); the form prints "25–30" → 1.
    assert bmi_points(bmi) == expected


@pytest.mark.parametrize(
    ("sex", "waist", "expected"),
    [("male", 93, 0), ("male", 94, 3), ("male", 102, 3), ("male", 103, 4),
     ("female", 79, 0), ("female", 80, 3), ("female", 88, 3), ("female", 89, 4)],
)  # fmt: skip
def test_waist_boundaries_of_the_peer_tests(sex, waist, expected):
    assert waist_points(waist, sex) == expected


@pytest.mark.parametrize(
    ("sex", "waist", "expected"),
    [("male", 93.9, 0), ("male", 102.1, 4), ("female", 79.9, 0), ("female", 88.1, 4)],
)
def test_waist_between_whole_centimetres(sex, waist, expected):
    assert waist_points(waist, sex) == expected


@pytest.mark.parametrize(
    ("total", "category", "percent"),
    [(0, "low", 1), (6, "low", 1), (7, "slightly_elevated", 4), (11, "slightly_elevated", 4),
     (12, "moderate", 17), (14, "moderate", 17), (15, "high", 33), (20, "high", 33),
     (21, "very_high", 50), (26, "very_high", 50)],
)  # fmt: skip
def test_bands(total, category, percent):
    # parrotsoft labels a total of 7 "low"; the form puts 7 in "slightly elevated" (SPEC §4).
    assert band(total) == (category, percent)


@pytest.mark.parametrize(
    ("key", "value", "added"),
    [("physically_active_30min_daily", False, 2), ("eats_vegetables_fruit_berries_daily", False, 1),
     ("ever_regular_bp_medication", True, 2), ("ever_high_blood_glucose", True, 5),
     ("family_history_diabetes", "second_degree", 3), ("family_history_diabetes", "first_degree", 5)],
)  # fmt: skip
def test_answer_points(key, value, added):
    assert points() == 0
    assert points(**{key: value}) == added


def test_whole_form_examples_of_elucenia_tool_findrisc():
    """Elucenia/tool-findrisc examples.json: the three worked people and their totals."""
    man = calculate("findrisc", {**LOWEST, "age_years": 58, "bmi_kg_m2": 27, "waist_cm": 98, "sex": "male",
                                 "physically_active_30min_daily": False, "eats_vegetables_fruit_berries_daily": False})  # fmt: skip
    assert man.results == {"points": 10, "category": "slightly_elevated", "diabetes_10yr_percent": 4}
    woman = calculate("findrisc", {**LOWEST, "age_years": 50, "bmi_kg_m2": 27, "waist_cm": 85,
                                   "physically_active_30min_daily": False, "eats_vegetables_fruit_berries_daily": False,
                                   "family_history_diabetes": "second_degree"})  # fmt: skip
    assert woman.results == {"points": 12, "category": "moderate", "diabetes_10yr_percent": 17}
    everything = calculate("findrisc", {
        "age_years": 70, "sex": "male", "bmi_kg_m2": 33, "waist_cm": 110, "physically_active_30min_daily": False,
        "eats_vegetables_fruit_berries_daily": False, "ever_regular_bp_medication": True,
        "ever_high_blood_glucose": True, "family_history_diabetes": "first_degree",
    })  # fmt: skip
    assert everything.results == {"points": 26, "category": "very_high", "diabetes_10yr_percent": 50}
    assert isinstance(everything.results["points"], int)


def test_the_band_risk_is_said_to_be_the_bands():
    assert calculate("findrisc", LOWEST).warnings == (BAND_RISK_WARNING,)
    assert "approximate" in BAND_RISK_WARNING


def test_bmi_from_weight_and_height_and_waist_in_inches():
    measured = {k: v for k, v in LOWEST.items() if k not in ("bmi_kg_m2", "waist_cm")}
    # 85 kg at 175 cm is BMI 27.76 → 1 point; 37 in = 93.98 cm (man) → 0; 37.5 in = 95.25 cm → 3
    result = calculate("findrisc", {**measured, "sex": "male", "weight_kg": 85, "height_cm": 175, "waist_in": 37})
    assert result.results["points"] == 1
    assert not [w for w in result.warnings if "not used" in w]
    assert calculate("findrisc", {**measured, "sex": "male", "weight_lb": 187.4, "height_in": 68.9, "waist_in": 37.5}).results["points"] == 4


def test_missing_answers_are_named():
    for key in LOWEST:
        if key == "bmi_kg_m2":
            continue
        with pytest.raises(MissingInput) as error:
            calculate("findrisc", {k: v for k, v in LOWEST.items() if k != key})
        assert error.value.key == key
    with pytest.raises(MissingInput, match=r"bmi_kg_m2 \(or weight_kg and height_cm\)"):
        calculate("findrisc", {k: v for k, v in LOWEST.items() if k != "bmi_kg_m2"})
    with pytest.raises(MissingInput, match="waist_cm"):
        calculate("findrisc", {k: v for k, v in LOWEST.items() if k != "waist_cm"})


def test_impossible_measurements_are_refused_with_their_key():
    from companion.risk import InputError

    for key, value in (("waist_cm", 0), ("bmi_kg_m2", -3), ("age_years", -1)):
        with pytest.raises(InputError) as error:
            calculate("findrisc", {**LOWEST, key: value})
        assert error.value.key == key


def test_registry_entry():
    calc = calculator("findrisc")
    assert calc.optimal is None
    assert "Diabetes Care 2003" in calc.source

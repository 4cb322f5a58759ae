"""CHA2DS2-VASc (Lip 2010): each item's points, age bands, the 0–9 range and the AF warning."""
from __future__ import annotations

import itertools

import pytest

from companion.risk import InputError, MissingInput, calculate, calculator
from companion.risk.cha2ds2_vasc import AF_WARNING, NO_AF_WARNING

NONE = {
    "age_years": 50, "sex": "male", "congestive_heart_failure": False, "hypertension": False, "diabetes": False,
    "prior_stroke_tia_thromboembolism": False, "vascular_disease_mi_pad_aortic_plaque": False,
}  # fmt: skip


def score(**changes: object) -> int:
    return calculate("cha2ds2_vasc", {**NONE, **changes}).results["score"]


@pytest.mark.parametrize(
    ("key", "value", "points"),
    [("congestive_heart_failure", True, 1), ("hypertension", True, 1), ("diabetes", True, 1),
     ("prior_stroke_tia_thromboembolism", True, 2), ("vascular_disease_mi_pad_aortic_plaque", True, 1),
     ("sex", "female", 1)],
)  # fmt: skip
def test_each_item(key, value, points):
    assert score() == 0
    assert score(**{key: value}) == points


@pytest.mark.parametrize(("age", "points"), [(64, 0), (64.99, 0), (65, 1), (74, 1), (74.9, 1), (75, 2), (95, 2)])
def test_age_bands_in_completed_years(age, points):
    assert score(age_years=age) == points


def test_range_is_0_to_9():
    flags = ("congestive_heart_failure", "hypertension", "diabetes", "prior_stroke_tia_thromboembolism",
             "vascular_disease_mi_pad_aortic_plaque")  # fmt: skip
    seen = set()
    for answers in itertools.product((False, True), repeat=len(flags)):
        for age, sex in itertools.product((50, 70, 80), ("male", "female")):
            seen.add(score(age_years=age, sex=sex, **dict(zip(flags, answers, strict=True))))
    assert seen == set(range(10))
    assert score(age_years=80, sex="female", **dict.fromkeys(flags, True)) == 9


def test_always_says_it_is_for_atrial_fibrillation():
    assert calculate("cha2ds2_vasc", NONE).warnings == (AF_WARNING,)
    assert calculate("cha2ds2_vasc", {**NONE, "atrial_fibrillation": True}).warnings == (AF_WARNING,)
    assert calculate("cha2ds2_vasc", {**NONE, "atrial_fibrillation": False}).warnings == (NO_AF_WARNING,)
    assert "atrial fibrillation" in AF_WARNING


def test_missing_and_impossible():
    for key in NONE:
        with pytest.raises(MissingInput) as error:
            calculate("cha2ds2_vasc", {k: v for k, v in NONE.items() if k != key})
        assert error.value.key == key
    with pytest.raises(InputError, match="age_years must be more than 0"):
        score(age_years=-1)


def test_registry_entry():
    calc = calculator("cha2ds2_vasc")
    assert calc.optimal is None and "Chest 2010" in calc.source
    assert calculate("cha2ds2_vasc", {**NONE, "bmi_kg_m2": 22}).warnings[-1].startswith("input bmi_kg_m2 is not used")

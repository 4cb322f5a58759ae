"""The shared input contract (companion.risk.inputs): keys and kinds, parsing, unit normalisation.

It also pins the fixes of bugs a review found: huge integers, heights and weights of zero or less,
and "Unknown" in any case.
"""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from companion.risk import NAMES, InputError, calculate, calculator
from companion.risk.inputs import (
    ALTERNATIVE_OF,
    CHOLESTEROL_MMOL_PER_MG_DL,
    CM_PER_INCH,
    CREATININE_UMOL_PER_MG_DL,
    KEYS,
    KG_PER_LB,
    NULLIPAROUS,
    UNKNOWN,
    given_keys,
    normalise,
    parse_inputs,
)

KINDS = {"number", "integer", "bool", "bool_or_unknown", "choice", "count_or_unknown", "number_or_unknown"}


# ---- the key table -------------------------------------------------------------------------

def test_every_key_is_declared_once_with_a_known_kind_and_a_description():
    for name, key in KEYS.items():
        assert key.name == name
        assert key.kind in KINDS, name
        assert key.description, name
        assert bool(key.choices) == (key.kind == "choice"), name
        for alias, canonical in (key.aliases or {}).items():
            assert canonical in key.choices, (name, alias)


def test_every_alternative_unit_and_its_canonical_key_are_keys():
    for alternative, canonical in ALTERNATIVE_OF.items():
        assert alternative in KEYS and canonical in KEYS
        assert KEYS[alternative].kind == KEYS[canonical].kind == "number"


def test_conversion_factors_are_the_peers():
    assert CHOLESTEROL_MMOL_PER_MG_DL == 0.02586  # preventr, PooledCohort (SPEC §0)
    assert CREATININE_UMOL_PER_MG_DL == 88.4  # preventr, kidney.epi
    assert CM_PER_INCH == 2.54 and KG_PER_LB == 0.45359237  # exact by definition


# ---- parse_inputs --------------------------------------------------------------------------

def test_an_unknown_key_is_named():
    with pytest.raises(InputError, match="unknown input key: 'age'") as error:
        parse_inputs({"age": 50})
    assert error.value.key == "age"


def test_a_long_unknown_key_is_cut_in_the_message():
    with pytest.raises(InputError) as error:
        parse_inputs({"x" * 500: 1})
    assert len(error.value.message) < 200


def test_not_an_object():
    for raw in ([], "text", 3, None):
        with pytest.raises(InputError, match="JSON object"):
            parse_inputs(raw)  # type: ignore[arg-type]


def test_null_means_not_given():
    assert parse_inputs({"age_years": None, "sex": "female"}) == {"sex": "female"}
    assert given_keys({"age_years": None, "sex": "female"}) == {"sex"}


@pytest.mark.parametrize(
    ("key", "value"),
    [("age_years", "55"), ("age_years", True), ("age_years", [55]), ("age_years", float("nan")),
     ("age_years", float("inf")), ("on_statin", 1), ("on_statin", "yes"), ("on_statin", "true"),
     ("sex", "woman"), ("sex", 1), ("sdi_decile", 2.5), ("number_of_biopsies", -1), ("number_of_biopsies", 1.5),
     ("atypical_hyperplasia", 0), ("age_at_menarche_years", "twelve"), ("family_history_diabetes", "yes")],
)  # fmt: skip
def test_a_value_of_the_wrong_kind_names_its_key(key, value):
    with pytest.raises(InputError, match=f"input {key} must be") as error:
        parse_inputs({key: value})
    assert error.value.key == key


def test_values_of_each_kind():
    parsed = parse_inputs({
        "age_years": 55, "systolic_bp_mm_hg": 120.5, "on_statin": False, "sdi_decile": 3.0,
        "number_of_biopsies": "Unknown", "first_degree_relatives_with_breast_cancer": 2,
        "atypical_hyperplasia": "unknown", "age_at_menarche_years": 12.5,
        "age_at_first_live_birth_years": " Nulliparous ", "sex": " Female ", "race": "Black",
        "smoking_status": "never", "ethnicity": "not stated", "family_history_diabetes": "First degree",
    })  # fmt: skip
    assert parsed == {
        "age_years": 55.0, "systolic_bp_mm_hg": 120.5, "on_statin": False, "sdi_decile": 3,
        "number_of_biopsies": UNKNOWN, "first_degree_relatives_with_breast_cancer": 2,
        "atypical_hyperplasia": UNKNOWN, "age_at_menarche_years": 12.5,
        "age_at_first_live_birth_years": NULLIPAROUS, "sex": "female", "race": "african_american",
        "smoking_status": "non_smoker", "ethnicity": "white_or_not_stated", "family_history_diabetes": "first_degree",
    }  # fmt: skip
    assert isinstance(parsed["age_years"], float) and isinstance(parsed["sdi_decile"], int)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(sorted(KEYS)),
        st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.floats(allow_nan=True, allow_infinity=True)
        | st.text(max_size=12) | st.sampled_from(["unknown", "female", "male", "none", "nulliparous"])
        | st.lists(st.integers(), max_size=2),
        max_size=8,
    )
)
def test_any_json_value_parses_or_is_refused_with_its_key(raw):
    try:
        parsed = parse_inputs(raw)
    except InputError as error:
        assert error.key in raw
        return
    for name, value in parsed.items():
        assert raw[name] is not None
        assert value is not None
    try:
        normalise(parsed)
    except InputError as error:
        assert error.key in raw


@pytest.mark.parametrize("key", ["age_years", "sdi_decile"])
def test_a_huge_integer_is_an_input_error(key):
    raw = json.loads('{"%s": 1%s}' % (key, "0" * 400))
    with pytest.raises(InputError):
        parse_inputs(raw)


def test_unknown_is_read_the_same_way_for_every_or_unknown_kind():
    assert parse_inputs({"atypical_hyperplasia": "Unknown"}) == {"atypical_hyperplasia": UNKNOWN}


# ---- normalise -----------------------------------------------------------------------------

def test_alternative_units_become_the_canonical_ones():
    values = normalise(parse_inputs({
        "total_cholesterol_mmol_l": 5.0, "hdl_cholesterol_mmol_l": 1.3, "serum_creatinine_umol_l": 88.4,
        "height_in": 70, "weight_lb": 154, "waist_in": 35,
    }))  # fmt: skip
    assert values["total_cholesterol_mg_dl"] == pytest.approx(5.0 / 0.02586)
    assert values["hdl_cholesterol_mg_dl"] == pytest.approx(1.3 / 0.02586)
    assert values["serum_creatinine_mg_dl"] == pytest.approx(1.0)
    assert values["height_cm"] == pytest.approx(177.8) and values["waist_cm"] == pytest.approx(88.9)
    assert values["weight_kg"] == pytest.approx(154 * 0.45359237)
    assert not set(values) & set(ALTERNATIVE_OF)  # only canonical units are left


def test_both_units_for_one_quantity_is_refused_naming_the_alternative():
    with pytest.raises(InputError, match="give height_cm or height_in, not both") as error:
        normalise(parse_inputs({"height_cm": 170, "height_in": 67}))
    assert error.value.key == "height_in"


def test_derived_bmi_and_cholesterol_ratio():
    values = normalise(parse_inputs({"weight_kg": 70, "height_cm": 175, "total_cholesterol_mg_dl": 200, "hdl_cholesterol_mg_dl": 50}))
    assert values["bmi_kg_m2"] == pytest.approx(70 / 1.75**2)
    assert values["cholesterol_hdl_ratio"] == pytest.approx(4.0)


def test_a_given_bmi_or_ratio_that_agrees_is_kept_and_one_that_contradicts_is_refused():
    values = normalise(parse_inputs({"bmi_kg_m2": 23, "weight_kg": 70, "height_cm": 175,
                                     "cholesterol_hdl_ratio": 4, "total_cholesterol_mg_dl": 200, "hdl_cholesterol_mg_dl": 50}))  # fmt: skip
    assert values["bmi_kg_m2"] == 23 and values["cholesterol_hdl_ratio"] == 4
    # weight and height make 22.9, total and HDL make 4.0: which would a calculator have used?
    with pytest.raises(InputError, match="bmi_kg_m2 does not agree with the weight and height") as error:
        normalise(parse_inputs({"bmi_kg_m2": 30, "weight_kg": 70, "height_cm": 175}))
    assert error.value.key == "bmi_kg_m2"
    with pytest.raises(InputError, match="cholesterol_hdl_ratio does not agree") as error:
        normalise(parse_inputs({"cholesterol_hdl_ratio": 3, "total_cholesterol_mg_dl": 200, "hdl_cholesterol_mg_dl": 50}))
    assert error.value.key == "cholesterol_hdl_ratio"


def test_imperial_bmi_is_within_0_01_of_preventrs_703():
    for lb, inches in ((154, 70), (242, 67), (120, 60), (300, 75)):
        values = normalise(parse_inputs({"weight_lb": lb, "height_in": inches}))
        assert abs(values["bmi_kg_m2"] - 703 * lb / inches**2) < 0.01


@pytest.mark.parametrize("raw", [{"height_cm": -170, "weight_kg": 70}, {"height_cm": 0, "weight_kg": 70}, {"height_cm": 170, "weight_kg": -70}])
def test_a_height_or_weight_of_zero_or_less_is_refused(raw):
    with pytest.raises(InputError):
        normalise(parse_inputs(raw))


def test_given_keys_name_alternative_units_by_their_canonical_key_too():
    assert given_keys({"height_in": 70, "weight_kg": 70, "sex": None}) == {"height_in", "height_cm", "weight_kg"}


# ---- the registry --------------------------------------------------------------------------

def test_unused_keys_are_warnings_after_the_calculators_own():
    result = calculate("bmi", {"weight_kg": 70, "height_in": 70, "sex": "male", "age_years": 40, "diabetes": True})
    assert result.warnings == (
        "input diabetes is not used by Body-mass index (WHO adult classes)",
        "input sex is not used by Body-mass index (WHO adult classes)",
    )


def test_an_unknown_calculator_is_an_input_error():
    with pytest.raises(InputError, match="unknown calculator 'nope'"):
        calculator("nope")


@pytest.mark.parametrize("name", NAMES)
def test_every_key_a_calculator_uses_is_a_known_key(name):
    from companion.risk import _MODULES

    if importlib.util.find_spec(_MODULES[name]) is None:
        pytest.skip(f"the module for {name} is not written yet")
    assert calculator(name).uses <= set(KEYS)


# ---- the documentation ---------------------------------------------------------------------

DOC = Path(__file__).resolve().parents[3] / "docs" / "RISK_CALCULATORS.md"


def test_every_key_is_in_the_documented_table():
    rows = {line.split("|")[1].strip() for line in DOC.read_text(encoding="utf-8").splitlines() if line.startswith("| `")}
    missing = [name for name in KEYS if f"`{name}`" not in rows]
    assert not missing, f"add these keys to docs/RISK_CALCULATORS.md: {missing}"


def test_every_calculator_has_a_documented_section():
    text = DOC.read_text(encoding="utf-8")
    assert all(f"### `{name}`" in text for name in NAMES)

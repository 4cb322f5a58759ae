"""Unit conversion both ways: known factors, substance-specific molar conversions, round trips."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from companion.lifestyle import types, units
from companion.lifestyle.units import UnknownUnit


def t(name):
    return types.get(name)


@pytest.mark.parametrize(
    ("name", "value", "unit", "canonical"),
    [
        ("weight", 1, "lb", 0.45359237),  # the international avoirdupois pound, exactly
        ("weight", 180, "lbs", 81.6466266),
        ("weight", 1, "st", 6.35029318),
        ("weight", 500, "g", 0.5),
        ("height", 1, "in", 2.54),
        ("height", 6, "ft", 182.88),
        ("height", 1.75, "m", 175),
        ("waist", 32, "inches", 81.28),
        ("systolic_bp", 16, "kPa", 120.0099),  # 1 mmHg = 133.322 Pa
        ("heart_rate", 60, "bpm", 60),
        ("active_minutes", 1.5, "h", 90),
        ("sleep_hours", 450, "min", 7.5),
        ("cigarettes_per_day", 1, "pack", 20),
        ("steps", 1234, "count", 1234),
    ],
)
def test_known_conversions(name, value, unit, canonical):
    assert units.to_canonical(t(name), value, unit) == pytest.approx(canonical, rel=1e-6)


@pytest.mark.parametrize(
    ("name", "mg_dl", "mmol_l"),
    [
        ("glucose", 100, 5.551), ("glucose", 126, 6.994),  # 180.156 g/mol: 1 mmol/L = 18.0156 mg/dL
        ("total_cholesterol", 200, 5.173), ("hdl", 40, 1.0345), ("ldl", 130, 3.362),  # factor 38.67
        ("triglycerides", 150, 1.6936),  # triolein: factor 88.57
    ],
)  # fmt: skip
def test_mg_dl_and_mmol_l_use_each_analyte_s_molar_mass(name, mg_dl, mmol_l):
    assert units.convert(t(name), mg_dl, "mg/dL", "mmol/L") == pytest.approx(mmol_l, rel=1e-3)
    assert units.to_canonical(t(name), mmol_l, "mmol/L") == pytest.approx(mg_dl, rel=1e-3)


def test_creatinine_mg_dl_to_umol_l_is_the_laboratory_factor_88_4():
    assert units.convert(t("creatinine"), 1, "mg/dL", "µmol/L") == pytest.approx(88.4, abs=0.05)
    assert units.convert(t("creatinine"), 1, "mg/dL", "umol/L") == pytest.approx(88.4, abs=0.05)
    assert units.to_canonical(t("creatinine"), 80, "μmol/L") == pytest.approx(0.905, abs=0.001)


def test_hba1c_ifcc_mmol_mol_by_the_master_equation():
    assert units.to_canonical(t("hba1c"), 48, "mmol/mol") == pytest.approx(6.542)
    assert units.convert(t("hba1c"), 6.5, "%", "mmol/mol") == pytest.approx(47.54, abs=0.01)


def test_unit_spelling_is_forgiving_about_case_and_spaces():
    assert units.to_canonical(t("glucose"), 5.5, " MMOL/l ") == pytest.approx(99.09, abs=0.01)
    assert units.to_canonical(t("systolic_bp"), 120, "mm Hg") == 120
    assert units.to_canonical(t("weight"), 10, "ounce") == pytest.approx(0.2835, abs=1e-4)  # any mass pint knows


@pytest.mark.parametrize(
    ("name", "unit"),
    [("steps", "%"), ("steps", "kg"), ("weight", "mmol/L"), ("weight", "cm"), ("glucose", "kg"), ("glucose", "mmol"),
     ("hba1c", "mg/dL"), ("heart_rate", "mmHg"), ("weight", ""), ("weight", "zork"), ("smoking_status", "count"),
     ("alcohol_drinks", "l"), ("height", "kg")],
)  # fmt: skip
def test_units_of_another_kind_are_unknown(name, unit):
    assert not units.accepts(t(name), unit)
    with pytest.raises(UnknownUnit):
        units.to_canonical(t(name), 1, unit)


NUMERIC = [x for x in types.registry() if not x.coded]
PAIRS = [(x, u) for x in NUMERIC for u in x.accepted_units()]


@settings(max_examples=300, deadline=None)
@given(pair=st.sampled_from(PAIRS), value=st.floats(min_value=1e-3, max_value=1e6, allow_nan=False))
def test_round_trip_through_the_canonical_unit(pair, value):
    otype, unit = pair
    assert units.from_canonical(otype, units.to_canonical(otype, value, unit), unit) == pytest.approx(value, rel=1e-9)


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_round_trip_between_any_two_units_of_a_type(data):
    otype = data.draw(st.sampled_from([x for x in NUMERIC if len(x.accepted_units()) > 1]))
    first, second = data.draw(st.permutations(otype.accepted_units()))[:2]
    value = data.draw(st.floats(min_value=1e-3, max_value=1e6, allow_nan=False))
    there = units.convert(otype, value, first, second)
    assert units.convert(otype, there, second, first) == pytest.approx(value, rel=1e-9)


@given(kg=st.floats(min_value=0.5, max_value=650))
def test_kg_lb_agrees_with_pint_directly(kg):
    lb = units.convert(t("weight"), kg, "kg", "lb")
    assert lb == pytest.approx(units.convert_quantity(kg, "kilogram", "pound"))
    assert lb == pytest.approx(kg / 0.45359237)

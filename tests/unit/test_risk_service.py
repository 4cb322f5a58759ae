"""The Risks page's domain side: forms filled from a real unlocked vault, saved answers, evaluations."""
from __future__ import annotations

import math
import statistics
from datetime import UTC, date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from companion.lifestyle import store as log
from companion.risk import NAMES, calculate, calculator
from companion.risk.base import InputError
from companion.risk.egfr import ckd_epi_2021
from companion.risk.inputs import ALTERNATIVE_OF, KEYS, bmi
from companion.risk.qrisk3 import DISCLAIMER
from companion.services import risk
from companion.services.risk import (
    REQUIRED,
    STALE_AFTER,
    WHAT_IF,
    evaluate,
    fields_of,
    form_for,
    save_answers,
    saved_answers,
)
from companion.vault.errors import ReadOnlyAccess
from companion.vault.secrets_input import Secret
from tests.conftest import PASSPHRASE
from tests.unit.vaultkit import make_profile, unlock

NOW = datetime(2024, 6, 15, 12, 0, tzinfo=UTC)
TODAY = NOW.date()
CAREGIVER = "violet kettle mountain harbour"


def at(year: int, month: int, day: int, hour: int = 9) -> datetime:
    return datetime(year, month, day, hour, 0, tzinfo=UTC)


@pytest.fixture
def profile(store):
    return make_profile(store, "Bob", birth_date="1969-03-10", sex_at_birth="male")


@pytest.fixture
def session(store, profile):
    with unlock(store, profile) as s:
        yield s


# ---- the form ------------------------------------------------------------------------------------

def test_the_form_fills_the_profile_and_the_latest_log_values_with_their_dates(session):
    log.add(session, "total_cholesterol", 200, "mg/dL", at(2024, 1, 10), now=NOW)
    log.add(session, "total_cholesterol", 5.5, "mmol/L", at(2024, 5, 2), now=NOW)  # the latest, stored in mg/dL
    log.add(session, "hdl", 50, "mg/dL", at(2024, 5, 2), now=NOW)
    log.add_blood_pressure(session, 128, 82, at=at(2024, 6, 1), now=NOW)

    form = form_for(session, "pce", TODAY)

    assert form.calculator == "pce" and form.title == "Heart attack and stroke risk (PCE)"
    assert form.fields == fields_of("pce") and form.required == REQUIRED["pce"]
    age, sex = form.filled["age_years"], form.filled["sex"]
    assert (age.value, age.origin, age.measured_at, age.stale) == (55, "profile", None, False)
    assert (sex.value, sex.origin, sex.note) == ("male", "profile", "from your profile")
    total = form.filled["total_cholesterol_mg_dl"]
    assert total.value == pytest.approx(5.5 / 0.02586, rel=1e-3)  # the log's molar mass differs slightly from PCE's factor
    assert (total.origin, total.measured_at, total.stale) == ("measurement", at(2024, 5, 2), False)
    assert total.note == "from your log, 2 May 2024"
    assert form.filled["systolic_bp_mm_hg"].value == 128 and form.filled["hdl_cholesterol_mg_dl"].value == 50
    assert form.missing == ("on_bp_treatment", "current_smoker", "diabetes")
    assert list(form.filled) == [k for k in form.fields if k in form.filled]  # in field order


def test_a_value_measured_more_than_a_year_ago_is_stale(session):
    log.add(session, "hdl", 50, "mg/dL", at(2022, 6, 1), now=NOW)
    log.add(session, "total_cholesterol", 200, "mg/dL", at(2023, 6, 16), now=NOW)  # 365 days before today
    log.add(session, "systolic_bp", 130, "mmHg", at(2023, 6, 15), now=NOW)  # 366 days

    filled = form_for(session, "pce", TODAY).filled

    assert STALE_AFTER.days == 365
    assert filled["hdl_cholesterol_mg_dl"].stale
    assert filled["hdl_cholesterol_mg_dl"].note == "from your log, 1 June 2022, more than a year ago"
    assert not filled["total_cholesterol_mg_dl"].stale
    assert filled["systolic_bp_mm_hg"].stale
    assert not form_for(session, "pce", date(2023, 1, 1)).filled["hdl_cholesterol_mg_dl"].stale


def test_without_a_birth_date_or_sex_the_form_names_them_missing(store):
    bare = make_profile(store, "Carol")
    with unlock(store, bare) as session:
        form = form_for(session, "egfr", TODAY)
    assert form.filled == {} and form.missing == ("sex", "age_years", "serum_creatinine_mg_dl")


def test_bmi_is_calculated_from_weight_and_height_and_is_as_old_as_the_older(session):
    log.add(session, "weight", 80, "kg", at(2024, 6, 1), now=NOW)
    log.add(session, "height", 175, "cm", at(2021, 1, 5), now=NOW)

    form = form_for(session, "qrisk3", TODAY)

    value = form.filled["bmi_kg_m2"]
    assert value.value == pytest.approx(bmi(80, 175)) and value.origin == "calculated"
    assert value.measured_at == at(2021, 1, 5) and value.stale
    assert value.note == "calculated from your weight (1 June 2024) and height (5 January 2021, more than a year ago)"
    assert form.filled["weight_kg"].origin == "measurement" and not form.filled["weight_kg"].stale
    assert "bmi_kg_m2" not in form.missing


def test_qrisk3_gets_the_cholesterol_ratio_and_prevent_gets_egfr_from_creatinine(session):
    log.add(session, "total_cholesterol", 200, "mg/dL", at(2024, 5, 2), now=NOW)
    log.add(session, "hdl", 40, "mg/dL", at(2024, 4, 2), now=NOW)
    log.add(session, "creatinine", 1.1, "mg/dL", at(2024, 3, 1), now=NOW)

    ratio = form_for(session, "qrisk3", TODAY).filled["cholesterol_hdl_ratio"]
    assert ratio.value == pytest.approx(5.0) and ratio.origin == "calculated" and ratio.measured_at == at(2024, 4, 2)

    prevent = form_for(session, "prevent", TODAY)
    egfr = prevent.filled["egfr_ml_min_1_73m2"]
    assert "serum_creatinine_mg_dl" not in prevent.fields
    assert egfr.value == pytest.approx(ckd_epi_2021(1.1, 54, "male"))  # age at the test: 54 (birthday 10 March)
    assert egfr.origin == "calculated" and egfr.measured_at == at(2024, 3, 1)
    assert egfr.note == "calculated with CKD-EPI 2021 from your creatinine of 1.1 mg/dL (1 March 2024)"
    assert form_for(session, "egfr", TODAY).filled["serum_creatinine_mg_dl"].value == pytest.approx(1.1)


def test_smoking_status_from_the_log(session):
    log.add(session, "smoking_status", "never", at=at(2024, 6, 1), now=NOW)
    assert form_for(session, "pce", TODAY).filled["current_smoker"].value is False
    assert form_for(session, "qrisk3", TODAY).filled["smoking_status"].value == "non_smoker"

    log.add(session, "smoking_status", "current_every_day", at=at(2024, 6, 2), now=NOW)
    assert form_for(session, "pce", TODAY).filled["current_smoker"].value is True
    qrisk3 = form_for(session, "qrisk3", TODAY)
    assert "smoking_status" in qrisk3.missing  # QRISK3's level needs the number a day

    log.add(session, "cigarettes_per_day", 15, at=at(2024, 6, 3), now=NOW)
    level = form_for(session, "qrisk3", TODAY).filled["smoking_status"]
    assert (level.value, level.origin, level.measured_at) == ("moderate_smoker", "calculated", at(2024, 6, 2))
    log.add(session, "cigarettes_per_day", 20, at=at(2024, 6, 4), now=NOW)
    assert form_for(session, "qrisk3", TODAY).filled["smoking_status"].value == "heavy_smoker"
    log.add(session, "smoking_status", "former", at=at(2024, 6, 5), now=NOW)
    assert form_for(session, "qrisk3", TODAY).filled["smoking_status"].value == "ex_smoker"


def test_qrisk3_sbp_spread_is_the_sd_of_daily_averages_over_the_last_year(session):
    log.add_blood_pressure(session, 150, 90, at=at(2022, 1, 1), now=NOW)  # too old: not used
    log.add_blood_pressure(session, 130, 80, at=at(2024, 3, 1, 8), now=NOW)
    assert "systolic_bp_sd_mm_hg" not in form_for(session, "qrisk3", TODAY).filled  # one day in the last year
    log.add_blood_pressure(session, 134, 80, at=at(2024, 3, 1, 8), now=NOW)
    assert "systolic_bp_sd_mm_hg" not in form_for(session, "qrisk3", TODAY).filled  # still one day
    log.add_blood_pressure(session, 120, 80, at=at(2024, 4, 1), now=NOW)
    log.add_blood_pressure(session, 140, 80, at=at(2024, 6, 10), now=NOW)

    spread = form_for(session, "qrisk3", TODAY).filled["systolic_bp_sd_mm_hg"]

    assert spread.value == pytest.approx(statistics.stdev([132, 120, 140]))
    assert spread.origin == "calculated" and spread.measured_at == at(2024, 6, 10) and not spread.stale
    assert spread.note == "calculated from your systolic readings on 3 days between 1 March 2024 and 10 June 2024 (one average a day)"
    assert "systolic_bp_sd_mm_hg" not in form_for(session, "pce", TODAY).fields


# ---- saved answers -------------------------------------------------------------------------------

def test_saved_answers_fill_the_form_and_persist_across_lock_and_unlock(store, profile):
    with unlock(store, profile) as session:
        save_answers(session, {"on_bp_treatment": False, "diabetes": True, "family_history_diabetes": "First degree",
                               "race": "black"})  # fmt: skip
    with unlock(store, profile) as session:
        answers = saved_answers(session)
        form = form_for(session, "pce", TODAY)
    assert answers == {"on_bp_treatment": False, "diabetes": True, "family_history_diabetes": "first_degree",
                       "race": "african_american"}  # fmt: skip
    assert form.filled["diabetes"].origin == "answer" and form.filled["diabetes"].value is True
    assert form.filled["diabetes"].note.startswith("your answer, ")
    assert form.filled["race"].value == "african_american"
    assert "diabetes" not in form.missing and "current_smoker" in form.missing


def test_measurements_and_profile_fields_are_not_saved_as_answers(session):
    save_answers(session, {"systolic_bp_mm_hg": 130.0, "age_years": 60, "weight_kg": 80.0, "on_statin": True})
    assert saved_answers(session) == {"on_statin": True}
    assert log.observations(session) == []  # nor as measurements
    save_answers(session, {"on_statin": None})
    assert saved_answers(session) == {}


def test_a_bad_answer_is_refused_naming_the_key(session):
    with pytest.raises(InputError) as unknown:
        save_answers(session, {"smoker": True})
    assert unknown.value.key == "smoker"
    with pytest.raises(InputError) as wrong:
        save_answers(session, {"diabetes": "yes"})
    assert wrong.value.key == "diabetes"
    assert saved_answers(session) == {}


def test_an_unchanged_answer_keeps_its_date(session):
    save_answers(session, {"diabetes": False}, now=at(2024, 1, 1))
    save_answers(session, {"diabetes": False}, now=at(2024, 6, 1))
    assert form_for(session, "pce", TODAY).filled["diabetes"].note == "your answer, 1 January 2024"
    save_answers(session, {"diabetes": True}, now=at(2024, 6, 1))
    assert form_for(session, "pce", TODAY).filled["diabetes"].note == "your answer, 1 June 2024"


def test_a_smoking_answer_newer_than_the_log_wins_and_an_older_one_does_not(session):
    log.add(session, "smoking_status", "never", at=at(2024, 6, 1), now=NOW)
    save_answers(session, {"current_smoker": True}, now=at(2024, 6, 10))

    assert form_for(session, "pce", TODAY).filled["current_smoker"].origin == "answer"
    qrisk3 = form_for(session, "qrisk3", TODAY)
    assert "smoking_status" in qrisk3.missing  # the log's "non smoker" contradicts the newer answer

    log.add(session, "smoking_status", "never", at=at(2024, 6, 12), now=NOW)
    pce = form_for(session, "pce", TODAY).filled["current_smoker"]
    assert (pce.value, pce.origin) == (False, "measurement")


def test_a_caregiver_reads_the_answers_but_cannot_change_them(store, profile):
    with store.unlock(profile.id, Secret.passphrase(PASSPHRASE)) as owner:
        owner.add_caregiver(PASSPHRASE, "Maria", CAREGIVER)
        save_answers(owner, {"diabetes": False})
    with store.unlock(profile.id, Secret.passphrase(CAREGIVER)) as caregiver:
        with pytest.raises(ReadOnlyAccess):
            save_answers(caregiver, {"diabetes": True})
        assert saved_answers(caregiver) == {"diabetes": False}
        assert form_for(caregiver, "pce", TODAY).filled["diabetes"].value is False


def test_answers_are_kept_in_a_strict_table_of_migration_4(session):
    save_answers(session, {"migraine": True})
    sql = session.connection.execute("SELECT sql FROM sqlite_master WHERE name = 'risk_answer'").fetchone()[0]
    assert sql.rstrip().endswith("STRICT")
    assert session.connection.execute("SELECT key, value FROM risk_answer").fetchall() == [("migraine", "true")]


# ---- which fields, which are required --------------------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
def test_fields_are_the_calculators_inputs_in_canonical_units(name):
    fields = fields_of(name)
    assert len(set(fields)) == len(fields)
    assert set(fields) <= calculator(name).uses and not set(fields) & set(ALTERNATIVE_OF)
    assert REQUIRED[name] <= set(fields)
    assert set(WHAT_IF[name]) <= set(fields)
    assert set(fields) == calculator(name).uses - set(ALTERNATIVE_OF) - risk.HIDDEN.get(name, frozenset())


TYPICAL = {  # exactly the required keys of each calculator, for a typical person
    "pce": {"sex": "male", "age_years": 55, "total_cholesterol_mg_dl": 213.0, "hdl_cholesterol_mg_dl": 50.0,
            "systolic_bp_mm_hg": 120.0, "on_bp_treatment": False, "current_smoker": False, "diabetes": False},
    "prevent": {"sex": "female", "age_years": 50, "total_cholesterol_mg_dl": 200.0, "hdl_cholesterol_mg_dl": 45.0,
                "systolic_bp_mm_hg": 160.0, "on_bp_treatment": True, "on_statin": False, "current_smoker": False,
                "diabetes": True, "bmi_kg_m2": 35.0, "egfr_ml_min_1_73m2": 90.0},
    "qrisk3": {"sex": "female", "age_years": 64, "smoking_status": "non_smoker", "bmi_kg_m2": 25.0,
               "cholesterol_hdl_ratio": 4.0, "systolic_bp_mm_hg": 180.0},
    "findrisc": {"sex": "female", "age_years": 50, "bmi_kg_m2": 27.0, "waist_cm": 85.0,
                 "physically_active_30min_daily": False, "eats_vegetables_fruit_berries_daily": True,
                 "ever_regular_bp_medication": False, "ever_high_blood_glucose": False, "family_history_diabetes": "none"},
    "egfr": {"sex": "male", "age_years": 60, "serum_creatinine_mg_dl": 1.1},
    "bmi": {"weight_kg": 80.0, "height_cm": 175.0},
    "whtr": {"waist_cm": 90.0, "height_cm": 175.0},
    "gail": {"sex": "female", "age_years": 45, "race": "white", "number_of_biopsies": 0, "age_at_menarche_years": 12,
             "age_at_first_live_birth_years": 25, "first_degree_relatives_with_breast_cancer": 1},
    "cha2ds2_vasc": {"sex": "female", "age_years": 70, "congestive_heart_failure": False, "hypertension": True,
                     "diabetes": False, "vascular_disease_mi_pad_aortic_plaque": False,
                     "prior_stroke_tia_thromboembolism": False},
}  # fmt: skip


@pytest.mark.parametrize("name", NAMES)
def test_the_required_keys_are_enough_and_each_one_is_needed(name):
    assert set(TYPICAL[name]) == REQUIRED[name]
    complete = evaluate(name, TYPICAL[name])
    assert complete.result is not None and complete.refusal is None, complete.refusal
    for key in sorted(REQUIRED[name]):
        without = evaluate(name, {k: v for k, v in TYPICAL[name].items() if k != key})
        assert without.result is None and without.refusal_key == key, (key, without.refusal)
        assert key in without.refusal  # type: ignore[operator]
        assert without.explanation.startswith("We cannot give you a number")


# ---- evaluating ------------------------------------------------------------------------------------

def test_a_heart_risk_has_its_headline_and_the_optimal_comparison():
    evaluation = evaluate("pce", TYPICAL["pce"])
    expected = calculate("pce", TYPICAL["pce"]).results["ascvd_10yr_percent"]
    optimal = calculate("pce", calculator("pce").optimal(TYPICAL["pce"])).results["ascvd_10yr_percent"]  # type: ignore[misc]
    assert evaluation.headline_key == "ascvd_10yr_percent" and evaluation.headline_percent == expected
    assert evaluation.optimal_percent == optimal and optimal < expected
    assert evaluation.comparison_label == "someone your age and sex with optimal risk factors"
    assert evaluation.explanation.startswith("Out of 100 people like you, about 5 will have a heart attack or stroke")


@pytest.mark.parametrize(("name", "headline", "label"), [
    ("prevent", "cvd_10yr_percent", "someone your age and sex with optimal risk factors"),
    ("qrisk3", "cvd_10yr_percent", "a healthy person of your age, sex and ethnic group"),
    ("gail", "risk_5yr_percent", "an average woman of your age and race"),
    ("findrisc", "diabetes_10yr_percent", None),
    ("egfr", None, None), ("bmi", None, None), ("whtr", None, None), ("cha2ds2_vasc", None, None),
])  # fmt: skip
def test_headlines_and_comparisons(name, headline, label):
    evaluation = evaluate(name, TYPICAL[name])
    assert evaluation.headline_key == headline and evaluation.comparison_label == label
    if headline is None:
        assert evaluation.headline_percent is None and evaluation.optimal_percent is None
    else:
        assert evaluation.headline_percent == evaluation.result.results[headline]  # type: ignore[union-attr]
    if name == "gail":
        assert evaluation.optimal_percent == evaluation.result.results["average_risk_5yr_percent"]  # type: ignore[union-attr]


def test_qrisk3_shows_its_licence_disclaimer_first():
    assert evaluate("qrisk3", TYPICAL["qrisk3"]).warnings[0] == DISCLAIMER


def test_a_refusal_outside_the_validated_range_names_the_limit():
    evaluation = evaluate("pce", {**TYPICAL["pce"], "age_years": 35})
    assert evaluation.result is None and evaluation.headline_percent is None and evaluation.warnings == ()
    assert evaluation.refusal_key == "age_years" and "validated for ages 40–79" in evaluation.refusal  # type: ignore[operator]
    gail = evaluate("gail", {**TYPICAL["gail"], "number_of_biopsies": 1})
    assert gail.refusal_key == "atypical_hyperplasia"


def test_the_what_if_weight_moves_a_recalculated_bmi():
    person = {**TYPICAL["qrisk3"], "bmi_kg_m2": 30.0, "weight_kg": 80.0, "height_cm": 175.0}  # a stale BMI beside them
    now = evaluate("qrisk3", person)
    assert now.headline_percent == evaluate("qrisk3", {**TYPICAL["qrisk3"], "bmi_kg_m2": bmi(80.0, 175.0)}).headline_percent
    lighter = evaluate("qrisk3", {**person, "weight_kg": 70.0})
    assert lighter.headline_percent < now.headline_percent  # type: ignore[operator]
    ratio = evaluate("qrisk3", {**TYPICAL["qrisk3"], "total_cholesterol_mg_dl": 200.0, "hdl_cholesterol_mg_dl": 40.0})
    assert ratio.headline_percent == pytest.approx(evaluate("qrisk3", {**TYPICAL["qrisk3"], "cholesterol_hdl_ratio": 5.0}).headline_percent)


@pytest.mark.parametrize("name", [n for n in NAMES if WHAT_IF[n]])
def test_every_what_if_key_changes_the_headline_or_the_result(name):
    base = {**TYPICAL[name], "weight_kg": 80.0, "height_cm": 175.0} if "weight_kg" in WHAT_IF[name] else TYPICAL[name]
    if "cholesterol_hdl_ratio" in base:  # the form calculates QRISK3's ratio from total and HDL cholesterol
        base = {**{k: v for k, v in base.items() if k != "cholesterol_hdl_ratio"},
                "total_cholesterol_mg_dl": 200.0, "hdl_cholesterol_mg_dl": 50.0}  # fmt: skip
    before = evaluate(name, base).result
    changes = {"systolic_bp_mm_hg": 150.0, "total_cholesterol_mg_dl": 250.0, "hdl_cholesterol_mg_dl": 35.0,
               "current_smoker": True, "smoking_status": "heavy_smoker", "weight_kg": 105.0}  # fmt: skip
    for key in WHAT_IF[name]:
        after = evaluate(name, {**base, key: changes[key]}).result
        assert after is not None and after.results != before.results, key  # type: ignore[union-attr]


def test_keys_the_calculator_does_not_read_are_ignored_and_unknown_ones_refused():
    assert evaluate("bmi", {**TYPICAL["bmi"], "diabetes": True}).warnings == ()
    unknown = evaluate("bmi", {**TYPICAL["bmi"], "cholesterol": 200})
    assert unknown.refusal_key == "cholesterol" and "unknown input key" in unknown.refusal  # type: ignore[operator]
    assert evaluate("framingham", {}).refusal is not None


VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**400), 10**400), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8), st.sampled_from(["unknown", "nulliparous", "female", "male", "white", "never", "none", "full"]),
    st.lists(st.integers(), max_size=2),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(NAMES), values=st.dictionaries(st.sampled_from(sorted(KEYS)) | st.text(max_size=6), VALUES, max_size=12))
def test_evaluate_never_raises(name, values):
    evaluation = evaluate(name, values)
    assert (evaluation.result is None) == (evaluation.refusal is not None)
    assert evaluation.explanation
    if evaluation.headline_percent is not None:
        assert math.isfinite(evaluation.headline_percent)

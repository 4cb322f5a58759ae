"""``companion risk NAME --input FILE.json [--json]`` through a real subprocess (no profile needed)."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from companion.risk import NAMES
from companion.risk.inputs import KEYS
from tests.e2e.test_cli_profile import Cli

OUTPUT_KEYS = {"calculator", "results", "warnings"}
ERROR_KEYS = {"calculator", "results", "warnings", "error", "key"}

OWN = {
    "findrisc": (
        {"age_years": 58, "sex": "male", "weight_kg": 85, "height_cm": 175, "waist_cm": 98,
         "physically_active_30min_daily": False, "eats_vegetables_fruit_berries_daily": False,
         "ever_regular_bp_medication": False, "ever_high_blood_glucose": False, "family_history_diabetes": "none"},
        {"points": 10, "category": "slightly_elevated", "diabetes_10yr_percent": 4},
    ),
    "egfr": (
        {"serum_creatinine_mg_dl": 1.4, "age_years": 60, "sex": "male"},
        {"egfr_ml_min_1_73m2": 57.5393905342542, "category": "G3a"},  # kidney.epi: 57.54
    ),
    "bmi": ({"weight_kg": 70, "height_cm": 175}, {"bmi_kg_m2": 22.857142857142858, "category": "normal_range"}),
    "whtr": ({"waist_in": 35, "height_in": 70}, {"whtr": 0.5, "category": "increased"}),
    "cha2ds2_vasc": (
        {"age_years": 72, "sex": "female", "congestive_heart_failure": False, "hypertension": True, "diabetes": False,
         "prior_stroke_tia_thromboembolism": False, "vascular_disease_mi_pad_aortic_plaque": False},
        {"score": 3},
    ),
}  # fmt: skip


class RiskCli:
    def __init__(self, cli: Cli, folder: Path) -> None:
        self.cli = cli
        self.folder = folder

    def file(self, content: object, name: str = "inputs.json") -> str:
        path = self.folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
        return str(path)

    def json(self, name: str, content: object) -> dict:
        return self.cli.json("risk", name, "--input", self.file(content))  # type: ignore[return-value]

    def error(self, name: str, content: object) -> tuple[str, dict]:
        """The one stderr line and the JSON error object printed on stdout with --json."""
        path = self.file(content)
        line = self.cli.fails("risk", name, "--input", path, code=1)
        result = self.cli.run("risk", name, "--input", path, "--json")
        assert result.returncode == 1 and result.stderr.splitlines() == [line]
        shown = json.loads(result.stdout)
        assert set(shown) == ERROR_KEYS and shown["calculator"] == name
        assert shown["results"] == {} and shown["warnings"] == []
        assert line == f"companion: error: {shown['error']}"
        return line, shown


@pytest.fixture
def risk(cli: Cli, inputs: Path) -> RiskCli:
    return RiskCli(cli, inputs)


@pytest.mark.parametrize("name", sorted(OWN))
def test_each_calculator_end_to_end_with_json(risk, name):
    raw, expected = OWN[name]
    shown = risk.json(name, raw)
    assert set(shown) == OUTPUT_KEYS and shown["calculator"] == name
    assert shown["results"] == expected
    assert all(isinstance(w, str) for w in shown["warnings"])


def test_json_carries_the_calculators_warnings(risk):
    assert "approximate" in risk.json("findrisc", OWN["findrisc"][0])["warnings"][0]
    assert "atrial fibrillation" in risk.json("cha2ds2_vasc", OWN["cha2ds2_vasc"][0])["warnings"][0]
    assert risk.json("whtr", {"waist_cm": 60, "height_cm": 170})["results"]["category"] is None


def test_text_output_is_short_and_rounded(risk):
    out = risk.cli.ok("risk", "egfr", "--input", risk.file(OWN["egfr"][0])).stdout.splitlines()
    assert out[0].startswith("eGFR (CKD-EPI 2021")
    assert "  egfr_ml_min_1_73m2: 57.5" in out and "  category: G3a" in out
    assert out[-1].startswith("  source: Inker LA")
    text = risk.cli.ok("risk", "findrisc", "--input", risk.file(OWN["findrisc"][0])).stdout
    assert "  points: 10\n" in text and "  diabetes_10yr_percent: 4%\n" in text and "  warning: " in text
    assert "  whtr: 0.5\n" in risk.cli.ok("risk", "whtr", "--input", risk.file(OWN["whtr"][0])).stdout


def test_an_unused_key_is_a_warning(risk):
    shown = risk.json("bmi", {"weight_kg": 70, "height_cm": 175, "systolic_bp_mm_hg": 120})
    assert shown["results"]["category"] == "normal_range"
    assert shown["warnings"] == ["input systolic_bp_mm_hg is not used by Body-mass index (WHO adult classes)"]
    text = risk.cli.ok("risk", "bmi", "--input", risk.file({"weight_kg": 70, "height_cm": 175, "systolic_bp_mm_hg": 120})).stdout
    assert "  warning: input systolic_bp_mm_hg is not used" in text


def test_an_unknown_key_is_named(risk):
    line, shown = risk.error("egfr", {**OWN["egfr"][0], "creatinine": 1.2})
    assert "unknown input key: 'creatinine'" in line
    assert shown["key"] == "creatinine"


def test_a_missing_key_is_named(risk):
    raw = {k: v for k, v in OWN["egfr"][0].items() if k != "sex"}
    line, shown = risk.error("egfr", raw)
    assert line == "companion: error: missing input: sex is needed by this calculator"
    assert shown["key"] == "sex"
    line, shown = risk.error("findrisc", {k: v for k, v in OWN["findrisc"][0].items() if k != "waist_cm"})
    assert "waist_cm (or waist_in)" in line and shown["key"] == "waist_cm"


def test_a_value_of_the_wrong_kind_is_named(risk):
    line, shown = risk.error("cha2ds2_vasc", {**OWN["cha2ds2_vasc"][0], "diabetes": "yes"})
    assert "input diabetes must be true or false" in line and shown["key"] == "diabetes"


def test_outside_the_validated_range(risk):
    line, shown = risk.error("egfr", {**OWN["egfr"][0], "age_years": 16})
    assert line == "companion: error: This calculator is validated for ages 18–100 years (adults); you entered 16 years."
    assert shown["key"] == "age_years"


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ('{"age_years": 60,', "is not JSON (Expecting property name enclosed in double quotes, line 1 column 18)"),
        ("[1, 2]", "must hold one JSON object"),
        ("", "is not JSON"),
        (b"\xff\xfe{}", "is not UTF-8 text"),
        ('{"sex": "male", "sex": "female"}', "gives 'sex' twice"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        (b"{}" + b" " * (1024 * 1024), "larger than 1 MB"),
    ],
)
def test_a_bad_input_file_is_one_line_and_a_json_error(risk, content, words):
    line, shown = risk.error("egfr", content)
    assert words in line and "inputs.json" in line
    assert shown["key"] is None


def test_a_missing_input_file(risk):
    line = risk.cli.fails("risk", "bmi", "--input", str(risk.folder / "nowhere.json"), code=1)
    assert line == "companion: error: cannot read the input file nowhere.json: No such file or directory"


def test_a_byte_order_mark_is_fine(risk):
    assert risk.cli.json("risk", "bmi", "--input", risk.file(b'\xef\xbb\xbf{"bmi_kg_m2": 31}'))["results"]["category"] == "obese_class_i"


def test_usage_errors(risk):
    assert "invalid choice: 'framingham'" in risk.cli.fails("risk", "framingham", "--input", risk.file({}), code=2)
    assert "--input" in risk.cli.fails("risk", "bmi", code=2)
    assert "risk" in risk.cli.ok("--help").stdout


def test_nothing_is_written_to_the_companion_home(risk, home):
    risk.json("bmi", {"weight_kg": 70, "height_cm": 175})
    assert not any(home.iterdir())


# ---- the other helpers' calculators, through the same verb -----------------------------------
# Their unit tests check the numbers; these check that the verb carries them, at the published rounding.

PCE_EXAMPLE = {  # Goff 2013 guideline, Table A worked example: 2.1 % for a white woman (SPEC §1.4)
    "age_years": 55, "sex": "female", "race": "white", "total_cholesterol_mg_dl": 213, "hdl_cholesterol_mg_dl": 50,
    "systolic_bp_mm_hg": 120, "on_bp_treatment": False, "current_smoker": False, "diabetes": False,
}  # fmt: skip
PREVENT_EXAMPLE = {  # Khan 2024 supplement Table S12: base 10-year total CVD 14.68 % (female) (SPEC §2.4)
    "age_years": 50, "sex": "female", "total_cholesterol_mg_dl": 200, "hdl_cholesterol_mg_dl": 45,
    "systolic_bp_mm_hg": 160, "on_bp_treatment": True, "diabetes": True, "current_smoker": False,
    "bmi_kg_m2": 35, "egfr_ml_min_1_73m2": 90, "on_statin": False,
}  # fmt: skip
QRISK3_PERSON = {
    "age_years": 64, "sex": "male", "ethnicity": "white_or_not_stated", "smoking_status": "ex_smoker",
    "bmi_kg_m2": 27, "cholesterol_hdl_ratio": 4.5, "systolic_bp_mm_hg": 140, "systolic_bp_sd_mm_hg": 8,
    "townsend_score": 0,
}  # fmt: skip
GAIL_PERSON = {
    "sex": "female", "current_age_years": 50, "race": "white", "number_of_biopsies": 1, "atypical_hyperplasia": False,
    "age_at_menarche_years": 12, "age_at_first_live_birth_years": 28, "first_degree_relatives_with_breast_cancer": 1,
}  # fmt: skip


def test_pce_end_to_end(risk):
    if _missing("pce"):
        pytest.skip("companion.risk.pce is not written yet")
    shown = risk.json("pce", PCE_EXAMPLE)
    assert round(shown["results"]["ascvd_10yr_percent"], 1) == 2.1 and shown["results"]["category"] == "low"
    line, error = risk.error("pce", {**PCE_EXAMPLE, "age_years": 35})
    assert "validated for ages 40–79" in line and error["key"] == "age_years"


def test_prevent_end_to_end(risk):
    if _missing("prevent"):
        pytest.skip("companion.risk.prevent is not written yet")
    shown = risk.json("prevent", PREVENT_EXAMPLE)
    assert round(shown["results"]["cvd_10yr_percent"], 2) == 14.68
    assert "  cvd_10yr_percent: 14.7%" in risk.cli.ok("risk", "prevent", "--input", risk.file(PREVENT_EXAMPLE)).stdout


def test_qrisk3_end_to_end_carries_the_clinrisk_disclaimer(risk):
    if _missing("qrisk3"):
        pytest.skip("companion.risk.qrisk3 is not written yet")
    shown = risk.json("qrisk3", QRISK3_PERSON)
    assert 0 < shown["results"]["cvd_10yr_percent"] < 100
    assert "ClinRisk" in shown["warnings"][0]
    line, error = risk.error("qrisk3", {**QRISK3_PERSON, "age_years": 90})
    assert error["key"] == "age_years" and "25–84" in line


def test_gail_end_to_end(risk):
    if _missing("gail"):
        pytest.skip("companion.risk.gail is not written yet")
    results = risk.json("gail", GAIL_PERSON)["results"]
    assert 0 < results["risk_5yr_percent"] < results["risk_to_age_90_percent"] < 100
    assert 0 < results["average_risk_5yr_percent"] < results["risk_5yr_percent"]


def _missing(name: str) -> bool:
    from companion.risk import _MODULES

    return importlib.util.find_spec(_MODULES[name]) is None


@pytest.mark.parametrize("name", NAMES)
def test_every_registered_calculator_answers_an_empty_object_with_a_missing_key(risk, name):
    """Whatever a calculator needs, {} names a missing key: a CompanionError, never an internal error."""
    if _missing(name):
        pytest.skip(f"companion.risk module for {name} is not written yet")
    line, shown = risk.error(name, {})
    assert "missing input: " in line
    assert shown["key"] in KEYS

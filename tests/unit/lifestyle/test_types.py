"""The observation-type registry and its knowledge file: every code sourced, every range reasoned."""
from __future__ import annotations

import json
import re

import pytest

from companion.lifestyle import types, units
from companion.lifestyle.types import UnknownType

NAMES = [
    "weight", "height", "waist", "systolic_bp", "diastolic_bp", "heart_rate", "resting_heart_rate", "steps",
    "active_minutes", "sleep_hours", "alcohol_drinks", "smoking_status", "cigarettes_per_day",
    "fruit_veg_servings", "glucose", "hba1c", "total_cholesterol", "hdl", "ldl", "triglycerides", "creatinine",
]  # fmt: skip
# The codes DESIGN §5 and issue 5 name, and the ones verified for this registry (provenance file).
CODES = {
    "weight": "29463-7", "height": "8302-2", "waist": "8280-0", "systolic_bp": "8480-6", "diastolic_bp": "8462-4",
    "heart_rate": "8867-4", "resting_heart_rate": "40443-4", "steps": "55423-8", "active_minutes": "55411-3",
    "sleep_hours": "93832-4", "alcohol_drinks": "74013-4", "smoking_status": "72166-2",
    "cigarettes_per_day": "64218-1", "fruit_veg_servings": None, "glucose": "2339-0", "hba1c": "4548-4",
    "total_cholesterol": "2093-3", "hdl": "2085-9", "ldl": "13457-7", "triglycerides": "2571-8",
    "creatinine": "2160-0",
}  # fmt: skip


def raw_types():
    return json.loads(types.TYPES_FILE.read_text(encoding="utf-8"))["types"]


def test_the_registry_has_exactly_the_issue_types():
    assert [t.name for t in types.registry()] == NAMES
    assert {t.name: t.loinc for t in types.registry()} == CODES


@pytest.mark.parametrize("raw", raw_types(), ids=lambda r: r["name"])
def test_every_code_has_a_source_and_every_range_a_reason(raw):
    if raw["loinc"]:
        assert re.fullmatch(r"\d{1,7}-\d", raw["loinc"])
        assert raw["loinc_sources"], "a LOINC code needs the page it was verified on"
        urls = [s for s in raw["loinc_sources"] if s.startswith(("http://", "https://"))]
        assert urls or raw.get("verification"), "a source that is not a page says how it was verified"
    else:
        assert raw.get("verification"), "a type without a LOINC code says why"
    if raw.get("answers"):
        assert raw["answers_source"].startswith("https://")
        assert all(re.fullmatch(r"\d{6,18}", a["snomed"]) for a in raw["answers"])
        return
    span = raw["range"]
    assert span["min"] < span["max"] and len(span["reasoning"]) > 30
    assert raw["unit"] and raw["ucum"] and raw["aggregate"] in types.AGGREGATES
    if "molar_mass" in raw:
        assert raw["molar_mass"]["g_per_mol"] > 0 and "http" in raw["molar_mass"]["source"]


def test_smoking_status_is_coded_with_the_us_core_snomed_answers():
    smoking = types.get("smoking_status")
    assert smoking.coded and smoking.unit is None and smoking.range is None
    codes = {a.key: a.snomed for a in smoking.answers}
    assert codes["never"] == "266919005" and codes["former"] == "8517006"
    assert codes["current_every_day"] == "449868002" and codes["current_some_days"] == "428041000124106"
    assert smoking.answer("Never").key == "never"
    assert smoking.answer("8517006").key == "former"
    assert smoking.answer("ex-smoker").key == "former"
    with pytest.raises(Exception, match="must be one of"):
        smoking.answer("sometimes maybe")


def test_types_resolve_by_short_name_or_loinc_code():
    reg = types.registry()
    assert reg.resolve("Weight").name == "weight"
    assert reg.resolve("8480-6").name == "systolic_bp"
    assert reg.resolve("41950-7").name == "steps"  # an accepted alternate code
    assert reg.resolve("18262-6").name == "ldl"
    for text in ("frob", "1234-5", "", "x" * 500, "\x00"):
        with pytest.raises(UnknownType):
            reg.resolve(text)


@pytest.mark.parametrize("otype", [t for t in types.registry() if not t.coded], ids=lambda t: t.name)
def test_every_accepted_unit_converts_and_the_canonical_one_is_the_identity(otype):
    assert units.factor(otype, otype.unit) == (1.0, 0.0)
    for spelling in otype.accepted_units():
        scale, _ = units.factor(otype, spelling)
        assert scale > 0
    assert otype.range.holds(otype.range.min) and not otype.range.holds(otype.range.max * 1.01 + 1)


def test_json_form_lists_units_and_answers():
    shown = {t["type"]: t for t in (x.to_json() for x in types.registry())}
    assert shown["glucose"]["units"] == ["mg/dL", "mmol/L"]
    assert shown["smoking_status"]["answers"][:4] == ["current_every_day", "current_some_days", "former", "never"]
    assert shown["fruit_veg_servings"]["loinc"] is None


def test_a_damaged_types_file_is_refused(tmp_path):
    bad = tmp_path / "types.json"
    bad.write_text("{", encoding="utf-8")
    with pytest.raises(types.LifestyleKnowledgeError):
        types.load(bad)
    data = json.loads(types.TYPES_FILE.read_text(encoding="utf-8"))
    data["types"][0]["loinc"] = "not-a-code"
    bad.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(types.LifestyleKnowledgeError, match="LOINC"):
        types.load(bad)
    data = json.loads(types.TYPES_FILE.read_text(encoding="utf-8"))
    data["types"].append(data["types"][0])
    bad.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(types.LifestyleKnowledgeError, match="twice"):
        types.load(bad)

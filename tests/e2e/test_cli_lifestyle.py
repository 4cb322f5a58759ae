"""``companion log types``, ``log add`` and ``logs`` through a real subprocess."""
from __future__ import annotations

from tests.conftest import PASSPHRASE
from tests.e2e.test_cli_profile import Cli

CAREGIVER_PASSPHRASE = "velvet quarry lantern mosaic"
LOG_KEYS = {"type", "loinc", "value", "unit", "at", "source"}


def owner(cli: Cli) -> list[str]:
    return ["--profile", "Alice", "--passphrase-file", cli.secret_file("alice.pass", PASSPHRASE)]


def test_log_types_lists_the_types_with_codes_and_units(cli):
    listed = cli.json("log", "types")
    assert len(listed) == 21
    by_type = {t["type"]: t for t in listed}
    assert by_type["weight"]["loinc"] == "29463-7" and by_type["weight"]["unit"] == "kg"
    assert "lb" in by_type["weight"]["units"]
    assert by_type["systolic_bp"]["loinc"] == "8480-6" and by_type["diastolic_bp"]["loinc"] == "8462-4"
    assert by_type["steps"]["loinc"] == "55423-8" and by_type["smoking_status"]["answers"]
    text = cli.ok("log", "types").stdout
    assert text.splitlines()[0].startswith("weight") and "29463-7" in text and len(text.splitlines()) == 21


def test_add_then_list_as_json(cli):
    cli.create("Alice")
    added = cli.json("log", "add", "weight", "180", "lb", "--at", "2024-05-01T08:30:00+02:00", *owner(cli))
    assert [set(a) for a in added] == [LOG_KEYS]
    assert added[0]["value"] == 81.646627 and added[0]["unit"] == "kg"
    assert added[0]["at"] == "2024-05-01T08:30:00+02:00" and added[0]["source"] == "typed"
    cli.ok("log", "add", "8867-4", "64", "bpm", "--at", "2024-05-02T07:00:00+02:00", *owner(cli))  # by LOINC code
    cli.ok("log", "add", "steps", "8000", "--at", "2024-05-03", *owner(cli))  # default unit, local midnight
    cli.ok("log", "add", "glucose", "5.5", "mmol/L", "--at", "2024-05-04T07:00:00Z", *owner(cli))
    cli.ok("log", "add", "smoking_status", "never", "--at", "2024-05-04T07:00:00Z", *owner(cli))

    logs = cli.json("logs", *owner(cli))
    assert all(set(entry) == LOG_KEYS for entry in logs)
    assert [e["type"] for e in logs] == ["weight", "heart_rate", "steps", "glucose", "smoking_status"]
    assert logs[1] == {"type": "heart_rate", "loinc": "8867-4", "value": 64.0, "unit": "/min",
                       "at": "2024-05-02T07:00:00+02:00", "source": "typed"}  # fmt: skip
    assert logs[3]["value"] == 99.0858 and logs[3]["unit"] == "mg/dL"
    assert logs[4]["value"] == "never" and logs[4]["unit"] is None

    assert [e["type"] for e in cli.json("logs", *owner(cli), "--type", "glucose")] == ["glucose"]
    assert [e["type"] for e in cli.json("logs", *owner(cli), "--type", "2339-0")] == ["glucose"]
    since = cli.json("logs", *owner(cli), "--since", "2024-05-02T12:00:00+02:00")
    assert [e["type"] for e in since] == ["steps", "glucose", "smoking_status"]
    text = cli.ok("logs", *owner(cli)).stdout.splitlines()
    assert text[0] == "2024-05-01 08:30  Weight: 81.6 kg (180 lb)  [typed]"


def test_a_blood_pressure_reading_in_one_go(cli):
    cli.create("Alice")
    added = cli.json("log", "add", "blood_pressure", "128/82", "mmHg", "--at", "2024-05-01T08:30:00Z", *owner(cli))
    assert [(a["type"], a["value"], a["loinc"]) for a in added] == [("systolic_bp", 128.0, "8480-6"), ("diastolic_bp", 82.0, "8462-4")]
    out = cli.ok("log", "add", "bp", "130/85", "--at", "2024-05-02T08:30:00Z", *owner(cli)).stdout
    assert out.splitlines()[0].startswith("Saved 2024-05-02 08:30  Blood pressure, systolic: 130 mmHg")
    assert len(cli.json("logs", *owner(cli))) == 4


def test_bad_entries_fail_with_one_line_and_store_nothing(cli):
    cli.create("Alice")
    cases = [
        (("weight", "0", "kg"), "impossible value"),
        (("weight", "2000", "kg"), "impossible value"),
        (("blood_pressure", "400/20", "mmHg"), "impossible value"),
        (("bp", "128", "mmHg"), "systolic/diastolic"),
        (("weight", "70", "furlong"), "unknown unit"),
        (("weight", "heavy", "kg"), "not a number"),
        (("glucose", "5.5", "mmol"), "mg/dL, mmol/L"),
        (("mood", "5", "count"), "is not an observation type"),
        (("smoking_status", "maybe"), "must be one of"),
    ]
    for args, words in cases:
        line = cli.fails("log", "add", *args, "--at", "2024-05-01T08:00:00Z", *owner(cli))
        assert words in line, line
    assert "time in the future" in cli.fails("log", "add", "weight", "70", "kg", "--at", "2999-01-01", *owner(cli))
    assert "before birth" in cli.fails("log", "add", "weight", "70", "kg", "--at", "1970-01-01", *owner(cli))
    assert "--at must be a date" in cli.fails("log", "add", "weight", "70", "kg", "--at", "yesterday", *owner(cli), code=2)
    assert cli.json("logs", *owner(cli)) == []


def test_log_add_needs_the_secret_from_a_file_and_a_caregiver_cannot_add(cli):
    cli.create("Alice")
    assert "--passphrase-file" in cli.fails("log", "add", "weight", "70", "kg", "--profile", "Alice")
    cli.fails("log", "add", "weight", "70", "kg", "--profile", "Alice", "--passphrase", PASSPHRASE, code=2)
    cli.ok("profile", "add-caregiver", "Alice", "--label", "Maria", "--passphrase-file", cli.secret_file("a", PASSPHRASE),
           "--caregiver-passphrase-file", cli.secret_file("c", CAREGIVER_PASSPHRASE))  # fmt: skip
    cli.ok("log", "add", "weight", "70", "kg", "--at", "2024-05-01", *owner(cli))
    caregiver = ["--profile", "Alice", "--passphrase-file", "-"]
    line = cli.fails("log", "add", "weight", "71", "kg", *caregiver, stdin=CAREGIVER_PASSPHRASE + "\n")
    assert "read-only" in line
    assert len(cli.json("logs", *caregiver, stdin=CAREGIVER_PASSPHRASE + "\n")) == 1

"""``companion import health`` through a real subprocess: counts, re-import, bad files, CSV."""
from __future__ import annotations

from tests.conftest import PASSPHRASE
from tests.e2e.test_cli_lifestyle import CAREGIVER_PASSPHRASE, owner
from tests.unit.lifestyle_import.generate import write_apple_health, write_apple_zip

BOMB = """<?xml version="1.0"?>
<!DOCTYPE HealthData [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
<HealthData locale="en_GB"><Record type="HKQuantityTypeIdentifierStepCount" value="&d;"/></HealthData>
"""


def _stored(cli, since: str = "1900-01-01") -> list[dict]:
    return cli.json("logs", *owner(cli), "--since", since, "--json")


def test_import_counts_then_a_reimport_adds_nothing(cli, inputs):
    cli.create("Alice")
    summary = write_apple_health(inputs / "export.xml", 2_000, seed=3)
    first = cli.json("import", "health", str(inputs / "export.xml"), *owner(cli), "--json")
    assert first["format"] == "Apple Health" and first["imported"] > 0 and first["skipped"] == 0
    stored = _stored(cli)
    assert len(stored) == first["imported"] and {row["source"] for row in stored} == {"Apple Health"}

    zipped = write_apple_zip(inputs / "export.zip", 2_000, seed=3)  # the same records, zipped
    assert zipped.records == summary.records
    again = cli.json("import", "health", str(inputs / "export.zip"), *owner(cli), "--json")
    assert again["imported"] == 0 and again["skipped"] == first["imported"]
    assert len(_stored(cli)) == first["imported"]

    text = cli.ok("import", "health", str(inputs / "export.xml"), *owner(cli)).stdout
    assert text.startswith("Imported from Apple Health into Alice: 0 new")


def test_a_bad_file_is_refused_whole_with_one_line(cli, inputs):
    cli.create("Alice")
    (inputs / "export.xml").write_text(BOMB, encoding="utf-8")
    line = cli.fails("import", "health", str(inputs / "export.xml"), *owner(cli))
    assert "export.xml" in line and "\n" not in line.strip()
    assert _stored(cli) == []


def test_a_csv_with_its_columns_named(cli, inputs):
    cli.create("Alice")  # born 1980: the 2024 rows are after birth
    (inputs / "scale.csv").write_text(
        "Date,Weight (kg)\n2024-01-02 07:30,81.2\n2024-01-09 07:31,80.6\n2024-01-16 07:29,0\n", encoding="utf-8"
    )
    result = cli.json("import", "health", str(inputs / "scale.csv"), *owner(cli), "--csv-date", "Date",
                      "--csv-value", "Weight (kg)", "--csv-type", "weight", "--csv-unit", "kg", "--json")  # fmt: skip
    assert (result["format"], result["imported"], result["rejected"]) == ("CSV", 2, 1)  # weight 0 is impossible
    weights = [row["value"] for row in _stored(cli)]
    assert sorted(weights) == [80.6, 81.2]


def test_a_caregiver_cannot_import(cli, inputs):
    cli.create("Alice")
    owner_secret = cli.secret_file("owner", PASSPHRASE)
    care = cli.secret_file("care", CAREGIVER_PASSPHRASE)
    cli.ok("profile", "add-caregiver", "Alice", "--passphrase-file", owner_secret, "--caregiver-passphrase-file", care)
    write_apple_health(inputs / "export.xml", 200, seed=4)
    line = cli.fails("import", "health", str(inputs / "export.xml"), "--profile", "Alice", "--passphrase-file", care)
    assert "read-only" in line

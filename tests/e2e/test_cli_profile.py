"""The ``companion profile`` verbs through a real subprocess, as a person would run them."""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from companion import __version__
from companion.cli import build_parser
from companion.vault.migrations import LATEST
from tests.conftest import OTHER_PASSPHRASE, PASSPHRASE, companion_cmd
from tests.unit.vaultkit import sha256

CAREGIVER_PASSPHRASE = "velvet quarry lantern mosaic"
CODE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){6}$")


class Cli:
    def __init__(self, sandbox: Path) -> None:
        self.sandbox = sandbox
        self.env = dict(os.environ)  # the sandbox fixture set COMPANION_HOME, HOME, TMPDIR, XDG_*
        assert self.env["COMPANION_HOME"] == str(sandbox / "companion")
        assert self.env["COMPANION_KDF"] == "floor"
        self.secrets = sandbox / "secrets"
        self.secrets.mkdir(mode=0o700)

    def secret_file(self, name: str, text: str) -> str:
        path = self.secrets / name
        path.write_text(text + "\n", encoding="utf-8")
        return str(path)

    def run(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*companion_cmd(), *args], input=stdin, capture_output=True, text=True, env=self.env, timeout=60
        )

    def ok(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        result = self.run(*args, stdin=stdin)
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""
        return result

    def json(self, *args: str, stdin: str | None = None) -> object:
        return json.loads(self.ok(*args, "--json", stdin=stdin).stdout)

    def fails(self, *args: str, stdin: str | None = None, code: int | None = None) -> str:
        """The command fails with one line on stderr and no traceback; returns that line."""
        result = self.run(*args, stdin=stdin)
        assert result.returncode != 0, result.stdout
        if code is not None:
            assert result.returncode == code, result.stderr
        assert "Traceback" not in result.stderr + result.stdout
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and result.stderr.endswith("\n"), result.stderr
        assert lines[0].startswith("companion: error:"), lines[0]
        return lines[0]

    def create(self, name: str = "Alice", text: str = PASSPHRASE) -> dict:
        return self.json(
            "profile", "create", name, "--birth-date", "1980-02-03", "--sex", "female",
            "--passphrase-file", self.secret_file(f"{name}.pass", text),
        )  # fmt: skip

    def verify(self, name: str, text: str) -> dict:
        return self.json("profile", "verify", name, "--passphrase-file", "-", stdin=text + "\n")


def test_version(cli):
    result = cli.ok("--version")
    assert result.stdout.strip() == f"companion {__version__}"


def test_create_list_and_verify(cli):
    created = cli.create("Alice")
    assert set(created) == {"profile", "id", "recovery_code"}
    assert created["profile"] == "Alice"
    assert CODE.match(created["recovery_code"])

    listed = cli.json("profile", "list")
    assert listed == [{"profile": "Alice", "id": created["id"], "problem": None}]

    report = cli.verify("Alice", PASSPHRASE)
    assert report["ok"] is True
    assert report["id"] == created["id"]
    assert report["schema_version"] == LATEST
    assert report["integrity_check"] == ["ok"] and report["cipher_integrity_check"] == []
    assert report["opened_with"] == "passphrase"
    assert [s["type"] for s in report["key_slots"]] == ["passphrase", "recovery"]
    assert all(s["kdf"]["memory_kib"] >= 64 * 1024 for s in report["key_slots"])
    assert PASSPHRASE not in json.dumps(report) and created["recovery_code"] not in json.dumps(report)

    text = cli.ok("profile", "verify", "Alice", "--passphrase-file", "-", stdin=PASSPHRASE).stdout
    assert "Profile Alice: OK" in text


def test_wrong_passphrase_is_one_line_and_changes_nothing(cli, sandbox):
    created = cli.create("Alice")
    folder = sandbox / "companion" / "profiles" / created["id"]
    hashes = (sha256(folder / "vault.db"), sha256(folder / "keyslots.json"))

    line = cli.fails("profile", "verify", "Alice", "--passphrase-file", "-", stdin=OTHER_PASSPHRASE, code=1)

    assert "wrong passphrase" in line
    assert (sha256(folder / "vault.db"), sha256(folder / "keyslots.json")) == hashes


def test_passwd_with_the_old_passphrase(cli):
    cli.create("Alice")
    result = cli.ok(
        "profile", "passwd", "Alice",
        "--passphrase-file", cli.secret_file("old", PASSPHRASE),
        "--new-passphrase-file", cli.secret_file("new", OTHER_PASSPHRASE),
    )  # fmt: skip
    assert "Passphrase changed." in result.stdout

    assert "wrong passphrase" in cli.fails("profile", "verify", "Alice", "--passphrase-file", "-", stdin=PASSPHRASE)
    assert cli.verify("Alice", OTHER_PASSPHRASE)["ok"] is True


def test_passwd_with_the_recovery_code_issues_a_new_code(cli):
    old_code = cli.create("Alice")["recovery_code"]
    result = cli.json(
        "profile", "passwd", "Alice",
        "--recovery-code-file", cli.secret_file("code", old_code),
        "--new-passphrase-file", cli.secret_file("new", OTHER_PASSPHRASE),
    )  # fmt: skip
    new_code = result["recovery_code"]
    assert result["passphrase_changed"] is True
    assert CODE.match(new_code) and new_code != old_code

    line = cli.fails("profile", "verify", "Alice", "--recovery-code-file", "-", stdin=old_code)
    assert "wrong passphrase" in line
    report = cli.json("profile", "verify", "Alice", "--recovery-code-file", "-", stdin=new_code.lower())
    assert report["ok"] is True and report["opened_with"] == "recovery"
    assert cli.verify("Alice", OTHER_PASSPHRASE)["ok"] is True
    cli.fails("profile", "verify", "Alice", "--passphrase-file", "-", stdin=PASSPHRASE)

    text = cli.ok(
        "profile", "passwd", "Alice",
        "--recovery-code-file", "-",
        "--new-passphrase-file", cli.secret_file("third", PASSPHRASE),
        stdin=new_code,
    ).stdout  # fmt: skip
    assert "no longer works" in text
    [third_code] = [word for word in text.split() if CODE.match(word)]
    assert third_code != new_code


def test_recovery_code_with_a_typo_is_reported_as_a_typo(cli):
    code = cli.create("Alice")["recovery_code"]
    typo = ("Z" if code[0] != "Z" else "Y") + code[1:]
    assert "typo" in cli.fails("profile", "verify", "Alice", "--recovery-code-file", "-", stdin=typo)


def test_add_caregiver_and_open_with_the_caregivers_passphrase(cli):
    cli.create("Alice")
    result = cli.ok(
        "profile", "add-caregiver", "Alice",
        "--passphrase-file", cli.secret_file("owner", PASSPHRASE),
        "--caregiver-passphrase-file", cli.secret_file("carer", CAREGIVER_PASSPHRASE),
        "--label", "Daughter",
    )  # fmt: skip
    assert "Daughter" in result.stdout

    report = cli.verify("Alice", CAREGIVER_PASSPHRASE)
    assert report["ok"] is True
    assert report["opened_with"] == "caregiver"
    [carer] = [s for s in report["key_slots"] if s["type"] == "caregiver"]
    assert (carer["label"], carer["role"]) == ("Daughter", "read-only")
    assert cli.verify("Alice", PASSPHRASE)["opened_with"] == "passphrase"

    line = cli.fails(
        "profile", "add-caregiver", "Alice",
        "--passphrase-file", cli.secret_file("wrong-owner", CAREGIVER_PASSPHRASE),
        "--caregiver-passphrase-file", cli.secret_file("carer2", "quiet meadow falcon tundra"),
    )  # fmt: skip
    assert "read-only" in line  # the caregiver passphrase opens as caregiver, who cannot grant access


def test_list_shows_a_profile_whose_key_file_is_missing(cli, sandbox):
    created = cli.create("Alice")
    (sandbox / "companion" / "profiles" / created["id"] / "keyslots.json").unlink()
    assert cli.json("profile", "list") == [{"profile": None, "id": created["id"], "problem": "key file missing"}]
    assert "[key file missing]" in cli.ok("profile", "list").stdout
    line = cli.fails("profile", "verify", created["id"], "--passphrase-file", "-", stdin=PASSPHRASE)
    assert "keyslots.json is missing" in line


def test_damaged_key_file_is_one_line(cli, sandbox):
    created = cli.create("Alice")
    path = sandbox / "companion" / "profiles" / created["id"] / "keyslots.json"
    data = bytearray(path.read_bytes())
    data[200] ^= 1
    path.write_bytes(bytes(data))
    line = cli.fails("profile", "verify", created["id"], "--passphrase-file", "-", stdin=PASSPHRASE)
    assert "keyslots.json is damaged or was altered" in line
    assert cli.json("profile", "list")[0]["problem"] == "key file damaged"


@pytest.mark.parametrize(
    ("args", "stdin", "needle", "code"),
    [
        (["profile", "verify", "Nobody", "--passphrase-file", "-"], PASSPHRASE, "no profile named", 1),
        (["profile", "verify", "Alice", "--passphrase-file", "/nonexistent/pass"], None, "cannot read the passphrase file", 1),
        (["profile", "verify", "Alice", "--passphrase-file", "-"], "\n", "is empty", 1),
        (["profile", "verify", "Alice"], None, "give --passphrase-file", 2),
        (["profile", "create", "Bob", "--passphrase-file", "-"], "password1234", "passphrase refused", 1),
        (["profile", "create", "Bob", "--passphrase-file", "-"], "bob orbit lantern fjord", "name", 1),
        (["profile", "create", "../x", "--passphrase-file", "-"], PASSPHRASE, "may not contain", 1),
        (["profile", "create", "Alice", "--passphrase-file", "-"], OTHER_PASSPHRASE, "exists already", 1),
        (["profile", "create", "Bob", "--birth-date", "1980-13-45", "--passphrase-file", "-"], PASSPHRASE, "birth date", 1),
        (["profile", "passwd", "Alice", "--passphrase-file", "-", "--new-passphrase-file", "-"], PASSPHRASE, "only one secret", 2),
        (["profile", "frobnicate"], None, "invalid choice", 2),
        (["profile", "verify", "Alice", "--passphrase", PASSPHRASE], None, "unrecognized arguments", 2),
        (["profile", "create", "Bob", "--pass", PASSPHRASE], None, "unrecognized arguments", 2),
        (["profile", "verify", "Alice", "--recovery-code", "ABCD"], None, "unrecognized arguments", 2),
        (["profile", "passwd", "Alice", "--new-passphrase", PASSPHRASE], None, "unrecognized arguments", 2),
        (["profile", "verify", "Alice", "--password", PASSPHRASE], None, "unrecognized arguments", 2),
    ],
    ids=lambda v: " ".join(v[:3]) if isinstance(v, list) else None,
)
def test_errors_are_one_line_without_traceback(cli, sandbox, args, stdin, needle, code):
    cli.create("Alice")
    before = sorted(p.relative_to(sandbox) for p in sandbox.rglob("*"))
    line = cli.fails(*args, stdin=stdin, code=code)
    assert needle in line
    after = sorted(p.relative_to(sandbox) for p in sandbox.rglob("*"))
    assert after == before  # a refused command creates nothing


def _all_options(parser: argparse.ArgumentParser, path: str = "companion") -> dict[str, list[str]]:
    found = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.update(_all_options(sub, f"{path} {name}"))
        else:
            found.setdefault(path, []).extend(action.option_strings)
    return found


def test_no_option_takes_a_secret_on_the_command_line():
    options = _all_options(build_parser())
    assert "companion profile verify" in options and "companion profile passwd" in options
    secretish = re.compile(r"pass|secret|code|key|pin", re.IGNORECASE)
    for command, strings in options.items():
        for option in strings:
            if secretish.search(option):
                assert option.endswith("-file"), f"{command} {option} would take a secret on argv"
    assert build_parser().allow_abbrev is False


def test_unrecognized_arguments_are_not_echoed(sandbox):
    import subprocess

    from tests.conftest import companion_cmd

    env = dict(__import__("os").environ, COMPANION_HOME=str(sandbox / "companion"), COMPANION_KDF="floor")
    result = subprocess.run(
        companion_cmd() + ["profile", "list", "--passphrase", "hunter2-secret-value"],
        env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2
    assert "hunter2-secret-value" not in result.stderr + result.stdout
    assert len(result.stderr.strip().splitlines()) == 1

"""The ``companion`` command: no arguments opens the app; verbs work headless (DESIGN §8).

Secrets come only from files or standard input (``-``), never from the command line. Errors
print one line and exit non-zero; no traceback reaches the terminal.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from companion import __version__
from companion.errors import CompanionError
from companion.hardening import harden_process
from companion.risk import NAMES as RISK_CALCULATORS
from companion.vault.paths import companion_home
from companion.vault.secrets_input import Secret
from companion.vault.store import ProfileStore

if TYPE_CHECKING:
    from companion.lifestyle.store import Observation
    from companion.pgx import GeneResult

MAX_SECRET_BYTES = 64 * 1024
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 70


class UsageError(CompanionError):
    exit_code = EXIT_USAGE


class OneLineParser(argparse.ArgumentParser):
    def __init__(self, *args: object, **kwargs: object) -> None:
        # No abbreviated options: '--passphrase SECRET' must be a usage error, not be taken
        # for '--passphrase-file SECRET' (secrets never come from the command line).
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def error(self, message: str) -> NoReturn:
        if message.startswith("unrecognized arguments"):
            # They are not echoed: a mistyped option may be followed by a secret.
            message = "unrecognized arguments (not repeated here in case they hold a secret)"
        raise UsageError(f"{message} (see '{self.prog} --help')")


# ---- secrets -------------------------------------------------------------------------------

class SecretReader:
    """Reads secret files; standard input can be used for one of them per command."""

    def __init__(self) -> None:
        self._stdin_used = False

    def read(self, source: str, what: str) -> str:
        if source == "-":
            if self._stdin_used:
                raise UsageError("only one secret can come from standard input ('-')")
            self._stdin_used = True
            data = sys.stdin.buffer.read(MAX_SECRET_BYTES + 1)
        else:
            try:
                with open(source, "rb") as handle:
                    data = handle.read(MAX_SECRET_BYTES + 1)
            except OSError as exc:
                raise CompanionError(f"cannot read the {what} file: {exc.strerror}") from None
        if len(data) > MAX_SECRET_BYTES:
            raise CompanionError(f"the {what} file is too large")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise CompanionError(f"the {what} file is not UTF-8 text") from None
        if text.endswith("\r\n"):
            text = text[:-2]
        elif text.endswith("\n"):
            text = text[:-1]
        if not text:
            raise CompanionError(f"the {what} file is empty")
        return text

    def unlock_secret(self, args: argparse.Namespace) -> Secret:
        if args.recovery_code_file:
            return Secret.recovery(self.read(args.recovery_code_file, "recovery code"))
        if args.passphrase_file:
            return Secret.passphrase(self.read(args.passphrase_file, "passphrase"))
        raise UsageError("give --passphrase-file or --recovery-code-file (a path, or - for standard input)")


def _add_secret_options(parser: argparse.ArgumentParser, recovery: bool = True) -> None:
    parser.add_argument("--passphrase-file", metavar="PATH|-", help="file holding the passphrase, or - for stdin")
    if recovery:
        parser.add_argument("--recovery-code-file", metavar="PATH|-", help="file holding the recovery code")


def _add_profile_options(parser: argparse.ArgumentParser) -> None:
    """The profile a verb opens and where its secret comes from (never the command line)."""
    parser.add_argument("--profile", required=True, metavar="NAME")
    _add_secret_options(parser)


def _print_json(data: object) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


# ---- profile verbs -------------------------------------------------------------------------

def cmd_profile_create(store: ProfileStore, args: argparse.Namespace, secrets: SecretReader) -> int:
    if not args.passphrase_file:
        raise UsageError("give --passphrase-file (a path, or - for standard input)")
    text = secrets.read(args.passphrase_file, "passphrase")
    session, code = store.create(
        args.name, text, full_name=args.full_name, birth_date=args.birth_date, sex_at_birth=args.sex
    )
    with session:
        result = {"profile": session.nickname, "id": session.profile_id, "recovery_code": code}
    if args.json:
        _print_json(result)
    else:
        print(f"Created profile {result['profile']} ({result['id']}).")
        print("Recovery code (shown only now; write it down and keep it somewhere safe):")
        print(f"  {code}")
    return 0


def cmd_profile_list(store: ProfileStore, args: argparse.Namespace, secrets: SecretReader) -> int:
    rows = [{"profile": p.nickname, "id": p.id, "problem": p.problem} for p in store.profiles()]
    if args.json:
        _print_json(rows)
    elif not rows:
        print("No profiles yet. Create one with 'companion profile create NAME --passphrase-file -'.")
    else:
        for row in rows:
            note = f"  [{row['problem']}]" if row["problem"] else ""
            print(f"{row['profile'] or '(unknown)'}  {row['id']}{note}")
    return 0


def cmd_profile_verify(store: ProfileStore, args: argparse.Namespace, secrets: SecretReader) -> int:
    with store.unlock(args.name, secrets.unlock_secret(args)) as session:
        report = session.verify()
        result = {
            "profile": session.nickname,
            "id": session.profile_id,
            "ok": report.ok,
            "schema_version": report.schema_version,
            "integrity_check": report.integrity_check,
            "cipher_integrity_check": report.cipher_integrity_check,
            "cipher_version": report.cipher_version,
            "opened_with": session.opened_with.type,
            "key_slots": [s.to_json() for s in report.slots],
        }
    if args.json:
        _print_json(result)
    else:
        print(f"Profile {result['profile']}: {'OK' if report.ok else 'DAMAGED'}")
        print(f"  schema version {report.schema_version}; SQLCipher {report.cipher_version}")
        print(f"  integrity check: {', '.join(report.integrity_check)}")
        print(f"  page authentication (HMAC): {'ok' if not report.cipher_integrity_check else 'FAILED'}")
        print("  key slots:")
        for slot in report.slots:
            print(
                f"    {slot.type:<10} {slot.role:<9} {slot.label}  "
                f"(argon2id {slot.memory_kib // 1024} MiB, t={slot.iterations}, p={slot.lanes})"
            )
    return 0 if report.ok else EXIT_ERROR


def cmd_profile_passwd(store: ProfileStore, args: argparse.Namespace, secrets: SecretReader) -> int:
    secret = secrets.unlock_secret(args)
    if not args.new_passphrase_file:
        raise UsageError("give --new-passphrase-file (a path, or - for standard input)")
    new = secrets.read(args.new_passphrase_file, "new passphrase")
    with store.unlock(args.name, secret) as session:
        if secret.kind == "recovery":
            code: str | None = session.reset_passphrase_with_recovery(new)
        else:
            session.change_passphrase(secret.text, new)
            code = None
    if args.json:
        _print_json({"profile": session.nickname, "passphrase_changed": True, "recovery_code": code})
    else:
        print("Passphrase changed.")
        if code:
            print("The old recovery code no longer works. New recovery code (shown only now):")
            print(f"  {code}")
    return 0


def cmd_profile_add_caregiver(store: ProfileStore, args: argparse.Namespace, secrets: SecretReader) -> int:
    if not args.passphrase_file or not args.caregiver_passphrase_file:
        raise UsageError("give --passphrase-file (the owner's) and --caregiver-passphrase-file")
    owner = secrets.read(args.passphrase_file, "passphrase")
    caregiver = secrets.read(args.caregiver_passphrase_file, "caregiver passphrase")
    with store.unlock(args.name, Secret.passphrase(owner)) as session:
        slot = session.add_caregiver(owner, args.label, caregiver)
    if args.json:
        _print_json({"profile": session.nickname, "slot": slot.to_json()})
    else:
        print(f"Caregiver access added for {slot.label} (read-only).")
    return 0


def cmd_profile_remove_caregiver(store: ProfileStore, args: argparse.Namespace, secrets: SecretReader) -> int:
    if not args.passphrase_file:
        raise UsageError("give --passphrase-file (the owner's)")
    owner = secrets.read(args.passphrase_file, "passphrase")
    with store.unlock(args.name, Secret.passphrase(owner)) as session:
        session.remove_caregiver(owner, args.slot_id)
    print("Caregiver access removed.")
    return 0


def cmd_generate_passphrase(store: ProfileStore, args: argparse.Namespace, secrets: SecretReader) -> int:
    from companion.vault.passphrase import generate

    print(generate(args.words, [args.name] if args.name else []))
    return 0


# ---- genome verbs --------------------------------------------------------------------------

_MARKER_ID = re.compile(r"[A-Za-z0-9_.:-]{1,100}")


def _genome_file(text: str) -> Path:
    path = Path(text)
    if not path.is_file():
        what = "does not exist" if not path.exists() else "is not a file"
        raise CompanionError(f"{path.name or text} {what}")
    return path


def _percent(rate: float) -> str:
    return f"{rate * 100:.1f}%"


def _describe(data: dict) -> str:
    build = f"build {data['build']}" if data.get("build") else "build unknown"
    sex = data.get("sex") or "sex not determined"
    return (
        f"{data['format_label']} ({build}, {sex}): {data['markers']:,} markers, "
        f"{data['called']:,} called ({_percent(data['call_rate'])})"
    )


def cmd_analyze(store: ProfileStore, args: argparse.Namespace, secrets: SecretReader) -> int:
    path = _genome_file(args.file)
    from companion.genome.service import summary_dict
    from companion.services.pgx import medicines_for_file

    summary, medicines = medicines_for_file(path, sample=args.sample)
    result = {**summary_dict(summary), "pgx": medicines.to_json()}
    if args.json:
        _print_json(result)
    else:
        print(_describe(result))
        if len(result["samples"]) > 1:
            print(f"  sample {result['sample']} of {len(result['samples'])}")
        for warning in result["warnings"]:
            print(f"  warning: {warning}")
        _print_genes(medicines.results)
    return 0


def _print_genes(results: Sequence[GeneResult]) -> None:
    """Genes read, one line each; genes not read, one line per reason."""
    print("Genes and medicines (CPIC):")
    unread: dict[str, list[str]] = {}
    for r in results:
        if r.status == "called":
            print(f"  {r.gene:<8} {', '.join(r.diplotypes)}: {r.phenotype or 'no CPIC phenotype for this gene'}")
        elif r.status == "ambiguous":
            possible = ", ".join(r.possible_phenotypes) or ", ".join(r.diplotypes)
            print(f"  {r.gene:<8} several results possible: {possible}")
        else:
            reason = {
                "clinical_test_needed": "not visible in a genotype file (a clinical test is needed)",
                "not_in_file": "none of their positions are in this file",
            }.get(r.status, "read, but no call could be made")
            unread.setdefault(reason, []).append(r.gene)
    for reason, genes in unread.items():
        print(f"  {', '.join(genes)}: {reason}")


def cmd_import_genome(store: ProfileStore, args: argparse.Namespace, secrets: SecretReader) -> int:
    path = _genome_file(args.file)
    from companion.genome.service import import_genome, summary_dict

    secret = secrets.unlock_secret(args)
    with store.unlock(args.profile, secret) as session:
        imported = import_genome(session, path, sample=args.sample)
        nickname = session.nickname
    result = {
        "profile": nickname,
        "genome_id": imported.genome_id,
        "already_imported": imported.already_imported,
        "primary": imported.is_primary,
        "annotated": imported.annotated,
        **summary_dict(imported.summary),
    }
    if args.json:
        _print_json(result)
    elif imported.already_imported:
        print(f"This file was already imported into {nickname} (genome {imported.genome_id}); nothing was added.")
    else:
        print(f"Imported into {nickname} as genome {imported.genome_id}{' (primary)' if imported.is_primary else ''}:")
        print(f"  {_describe(result)}")
        print(f"  {imported.annotated:,} calls at knowledge-base positions")
    return 0


def _stored_medicines(store: ProfileStore, args: argparse.Namespace, secrets: SecretReader):
    from companion.services.pgx import medicines_for_genome

    secret = secrets.unlock_secret(args)
    with store.unlock(args.profile, secret) as session:
        medicines = medicines_for_genome(session)
        nickname = session.nickname
    if medicines is None:
        raise CompanionError(f"{nickname} has no genome yet: import one with 'companion import genome FILE --profile {args.profile}'")
    return medicines


def cmd_pgx_drug(store: ProfileStore, args: argparse.Namespace, secrets: SecretReader) -> int:
    medicines = _stored_medicines(store, args, secrets)
    answer = medicines.drug(args.drug)
    if args.json:
        _print_json(answer.to_json())
        return 0
    print(answer.summary)
    for g in answer.guidance:
        who = f" — for {g.population}" if g.population and g.population.lower() != "general" else ""
        print(f"  {g.drug}{who} ({', '.join(f'{gene}: {key}' for gene, key in g.lookup.items())})")
        print(f"    {g.recommendation}")
        print(f"    strength: {g.strength or 'not given'} — {g.guideline}, {g.guideline_date}")
    for possibility in answer.possibilities:
        keys = ", ".join(f"{gene}: {key}" for gene, key in possibility.keys.items())
        print(f"  if {keys}:")
        for g in possibility.guidance:
            print(f"    {g.recommendation} (strength: {g.strength or 'not given'})")
    for note in answer.notes:
        print(f"  note: {note}")
    from companion.services.pgx import CPIC_DISCLAIMER

    print(CPIC_DISCLAIMER)
    return 0


def cmd_pgx_genes(store: ProfileStore, args: argparse.Namespace, secrets: SecretReader) -> int:
    medicines = _stored_medicines(store, args, secrets)
    if args.json:
        _print_json(medicines.to_json())
    else:
        _print_genes(medicines.results)
    return 0


def cmd_import_health(store: ProfileStore, args: argparse.Namespace, secrets: SecretReader) -> int:
    path = Path(args.file)
    if not path.exists():
        raise CompanionError(f"{path.name or args.file} does not exist")
    from companion.lifestyle.importers import CsvMappingRequired
    from companion.services.health import import_health_file

    mapping = _csv_mapping(args)
    secret = secrets.unlock_secret(args)
    with store.unlock(args.profile, secret) as session:
        try:
            result = import_health_file(session, path, csv_mapping=mapping)
        except CsvMappingRequired:
            mapping = _suggested_mapping(path)
            result = import_health_file(session, path, csv_mapping=mapping)
        nickname = session.nickname
    if args.json:
        _print_json({"profile": nickname, **result.to_json()})
        return 0
    print(f"Imported from {result.format} into {nickname}: {result.imported:,} new, "
          f"{result.skipped_duplicates:,} already there, {result.rejected_total:,} rejected")  # fmt: skip
    for reason, n in result.rejected:
        print(f"  rejected {n:,}: {reason}")
    if result.ignored:
        print(f"  {result.ignored:,} records of kinds the app does not keep were left out")
    return 0


def _csv_mapping(args: argparse.Namespace):  # noqa: ANN202 - CsvMapping, imported lazily
    if not args.csv_date:
        return None
    from companion.lifestyle.importers import CsvMapping

    return CsvMapping(date_column=args.csv_date, value_column=args.csv_value, kind_column=args.csv_type_column,
                      kind=args.csv_type, unit_column=args.csv_unit_column, unit=args.csv_unit)  # fmt: skip


def _suggested_mapping(path: Path):  # noqa: ANN202
    from companion.lifestyle.importers import preview

    suggested = preview(path).suggested
    if suggested is None:
        raise UsageError(
            f"{path.name} is a table: say which columns hold what with --csv-date COLUMN --csv-value COLUMN "
            "and --csv-type TYPE or --csv-type-column COLUMN (and --csv-unit UNIT or --csv-unit-column COLUMN)"
        )
    return suggested


def cmd_genotype(store: ProfileStore, args: argparse.Namespace, secrets: SecretReader) -> int:
    for marker in args.rsids:
        if not _MARKER_ID.fullmatch(marker):
            raise UsageError("a marker id is letters, digits and . _ : - only, such as rs4149056")
    path = _genome_file(args.file)
    from companion.genome.service import genotypes_in_file

    summary, calls = genotypes_in_file(path, args.rsids, sample=args.sample)
    rows = []
    for marker, call in calls.items():
        row: dict = {"rsid": marker, "found": call is not None, "marker_id": None, "chrom": None, "pos": None,
                     "genotype": None}  # fmt: skip
        if call is not None:  # a no-call is found with genotype null
            row.update(marker_id=call[0], chrom=call[1], pos=call[2], genotype=call[3] or None)
        rows.append(row)
    if args.json:
        _print_json({"format": summary.source.format, "build": summary.build, "calls": rows})
    else:
        build = f"build {summary.build}" if summary.build else "build unknown"
        print(f"{summary.source.format_label}, {build}")
        for row in rows:
            if not row["found"]:
                print(f"{row['rsid']}\tnot in this file")
            else:
                print(f"{row['rsid']}\t{row['chrom']}:{row['pos']}\t{row['genotype'] or 'no call'}")
    return 0


# ---- lifestyle verbs -----------------------------------------------------------------------

BLOOD_PRESSURE_WORDS = ("blood_pressure", "bp")


def _moment(text: str, what: str) -> datetime:
    """An ISO 8601 date or date-time from the command line; without an offset it is local time."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{what} must be a date or date-time like 2024-05-01 or 2024-05-01T08:30") from None
    return moment if moment.tzinfo is not None else moment.astimezone()


def _number_text(value: float) -> str:
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}".removesuffix(".0")
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _describe_observation(obs: Observation) -> str:
    when = obs.start.strftime("%Y-%m-%d %H:%M")
    from companion.lifestyle.types import get as get_type

    label = get_type(obs.type).label
    if obs.answer is not None:
        shown = get_type(obs.type).answer(obs.answer).display
    else:
        shown = f"{_number_text(obs.value or 0.0)} {obs.unit}"
        if obs.entered_unit and obs.entered_unit.lower() != (obs.unit or "").lower() and obs.entered_value is not None:
            shown += f" ({_number_text(obs.entered_value)} {obs.entered_unit})"
    return f"{when}  {label}: {shown}  [{obs.source}]"


def cmd_log_types(store: ProfileStore, args: argparse.Namespace, secrets: SecretReader) -> int:
    from companion.lifestyle.types import registry

    kinds = list(registry())
    if args.json:
        _print_json([t.to_json() for t in kinds])
        return 0
    for t in kinds:
        units = ", ".join(a.key for a in t.answers) if t.coded else ", ".join(t.accepted_units()[:5])
        print(f"{t.name:<20} {t.loinc or '(no LOINC code)':<9} {t.label} [{units}]")
    return 0


def cmd_log_add(store: ProfileStore, args: argparse.Namespace, secrets: SecretReader) -> int:
    from companion.lifestyle import store as observations

    at = _moment(args.at, "--at") if args.at else None
    secret = secrets.unlock_secret(args)
    with store.unlock(args.profile, secret) as session:
        if args.type.strip().lower() in BLOOD_PRESSURE_WORDS:
            parts = args.value.split("/")
            try:
                systolic, diastolic = (float(p.replace(",", ".")) for p in parts)
            except ValueError:
                raise UsageError("a blood pressure is written systolic/diastolic, like 128/82") from None
            saved = list(observations.add_blood_pressure(session, systolic, diastolic, args.unit or "mmHg", at))
        else:
            saved = [observations.add(session, args.type, args.value, args.unit, at)]
    if args.json:
        _print_json([obs.to_json() for obs in saved])
    else:
        for obs in saved:
            print(f"Saved {_describe_observation(obs)}")
    return 0


def cmd_logs(store: ProfileStore, args: argparse.Namespace, secrets: SecretReader) -> int:
    from companion.lifestyle import store as observations
    from companion.lifestyle.types import registry

    kinds = [registry().resolve(args.type).name] if args.type else None
    since = _moment(args.since, "--since") if args.since else None
    secret = secrets.unlock_secret(args)
    with store.unlock(args.profile, secret) as session:
        found = observations.observations(session, types=kinds, since=since)
    if args.json:
        _print_json([obs.to_json() for obs in found])
    elif not found:
        print("No entries.")
    else:
        for obs in found:
            print(_describe_observation(obs))
    return 0


# ---- risk calculators ----------------------------------------------------------------------

MAX_RISK_INPUT_BYTES = 1024 * 1024


def _risk_input(text: str) -> dict:
    """The JSON object in the ``--input`` file; one-line errors name the file, never its contents."""
    name = Path(text).name or text
    try:
        with open(text, "rb") as handle:
            data = handle.read(MAX_RISK_INPUT_BYTES + 1)
    except OSError as exc:
        raise CompanionError(f"cannot read the input file {name}: {exc.strerror}") from None
    if len(data) > MAX_RISK_INPUT_BYTES:
        raise CompanionError(f"the input file {name} is larger than 1 MB")

    def unique_keys(pairs: list[tuple[str, object]]) -> dict:
        seen: set[str] = set()
        for key, _ in pairs:  # which value is meant? json would keep the last one silently
            if key in seen:
                raise CompanionError(f"the input file {name} gives {key[:60]!r} twice")
            seen.add(key)
        return dict(pairs)

    try:
        raw = json.loads(data.decode("utf-8-sig"), object_pairs_hook=unique_keys)
    except UnicodeDecodeError:
        raise CompanionError(f"the input file {name} is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise CompanionError(f"the input file {name} is not JSON ({exc.msg}, line {exc.lineno} column {exc.colno})") from None
    except ValueError:  # an integer longer than Python's 4,300-digit limit
        raise CompanionError(f"the input file {name} holds a number too long to read") from None
    except RecursionError:
        raise CompanionError(f"the input file {name} is nested too deeply") from None
    if not isinstance(raw, dict):
        raise CompanionError(f'the input file {name} must hold one JSON object, like {{"age_years": 55}}')
    return raw


def _risk_text(value: object, key: str) -> str:
    """A result rounded for reading: percentages to 0.1, other numbers as measurements."""
    if isinstance(value, bool) or value is None:
        return "none" if value is None else str(value).lower()
    if isinstance(value, float):
        return f"{value:.1f}%" if key.endswith("_percent") else _number_text(value)
    if isinstance(value, int) and key.endswith("_percent"):
        return f"{value}%"
    return str(value)


def cmd_risk(store: ProfileStore, args: argparse.Namespace, secrets: SecretReader) -> int:
    from companion.risk import calculate, calculator

    try:
        result = calculate(args.calculator, _risk_input(args.input))
    except CompanionError as exc:
        if args.json:  # scripts read the error from stdout too; stderr still gets the one line
            key = getattr(exc, "key", None) or None
            _print_json({"calculator": args.calculator, "results": {}, "warnings": [], "error": exc.message, "key": key})
        raise
    if args.json:
        _print_json(result.as_json())
        return 0
    calc = calculator(args.calculator)
    print(calc.title)
    for key, value in result.results.items():
        print(f"  {key}: {_risk_text(value, key)}")
    for warning in result.warnings:
        print(f"  warning: {warning}")
    print(f"  source: {calc.source}")
    return 0


# ---- parser --------------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="companion", description="Health Companion. With no command, opens the app.")
    parser.add_argument("--version", action="version", version=f"companion {__version__}")
    verbs = parser.add_subparsers(dest="verb", parser_class=OneLineParser)

    profile = verbs.add_parser("profile", help="create, list, verify and manage profiles")
    actions = profile.add_subparsers(dest="action", required=True, parser_class=OneLineParser)

    create = actions.add_parser("create", help="create a profile (prints its recovery code once)")
    create.add_argument("name", help="profile name shown on the unlock screen (stored unencrypted)")
    create.add_argument("--birth-date", metavar="YYYY-MM-DD")
    create.add_argument("--sex", choices=["female", "male"], help="sex at birth")
    create.add_argument("--full-name", help="full name, stored encrypted (default: the profile name)")
    _add_secret_options(create, recovery=False)
    create.add_argument("--json", action="store_true")
    create.set_defaults(handler=cmd_profile_create)

    listing = actions.add_parser("list", help="list profiles (no unlock needed)")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_profile_list)

    verify = actions.add_parser("verify", help="unlock and run SQLCipher's integrity and HMAC checks")
    verify.add_argument("name")
    _add_secret_options(verify)
    verify.add_argument("--json", action="store_true")
    verify.set_defaults(handler=cmd_profile_verify)

    passwd = actions.add_parser("passwd", help="change the passphrase (or reset it with the recovery code)")
    passwd.add_argument("name")
    _add_secret_options(passwd)
    passwd.add_argument("--new-passphrase-file", metavar="PATH|-")
    passwd.add_argument("--json", action="store_true")
    passwd.set_defaults(handler=cmd_profile_passwd)

    caregiver = actions.add_parser("add-caregiver", help="give a caregiver read-only access with their own passphrase")
    caregiver.add_argument("name")
    _add_secret_options(caregiver, recovery=False)
    caregiver.add_argument("--caregiver-passphrase-file", metavar="PATH|-")
    caregiver.add_argument("--label", default="Caregiver", help="who the caregiver is, e.g. 'Daughter'")
    caregiver.add_argument("--json", action="store_true")
    caregiver.set_defaults(handler=cmd_profile_add_caregiver)

    remove = actions.add_parser("remove-caregiver", help="remove a caregiver's access")
    remove.add_argument("name")
    remove.add_argument("slot_id", help="the slot id shown by 'profile verify'")
    _add_secret_options(remove, recovery=False)
    remove.set_defaults(handler=cmd_profile_remove_caregiver)

    generate = actions.add_parser("generate-passphrase", help="print a random six-word passphrase")
    generate.add_argument("--words", type=int, default=6, choices=range(5, 13), metavar="N")
    generate.add_argument("--name", default="", help="the profile's name, kept out of the passphrase")
    generate.set_defaults(handler=cmd_generate_passphrase)

    analyze = verbs.add_parser("analyze", help="read a genome raw-data file without storing it")
    analyze.add_argument("file", metavar="FILE")
    analyze.add_argument("--sample", metavar="NAME", help="the VCF sample to read (multi-sample files)")
    analyze.add_argument("--json", action="store_true")
    analyze.set_defaults(handler=cmd_analyze)

    importing = verbs.add_parser("import", help="import data into a profile")
    kinds = importing.add_subparsers(dest="kind", required=True, parser_class=OneLineParser)
    genome = kinds.add_parser("genome", help="import a genome raw-data file (23andMe, AncestryDNA, …, VCF)")
    genome.add_argument("file", metavar="FILE")
    _add_profile_options(genome)
    genome.add_argument("--sample", metavar="NAME", help="the VCF sample to import (multi-sample files)")
    genome.add_argument("--json", action="store_true")
    genome.set_defaults(handler=cmd_import_genome)
    health = kinds.add_parser("health", help="import Apple Health, Fitbit, Google Fit or CSV measurements")
    health.add_argument("file", metavar="FILE", help="export.zip, export.xml, a Fitbit or Takeout folder/zip, or a CSV")
    _add_profile_options(health)
    health.add_argument("--csv-date", metavar="COLUMN", help="CSV: the column holding the date (name or 0-based number)")
    health.add_argument("--csv-value", metavar="COLUMN", help="CSV: the column holding the value")
    health.add_argument("--csv-type", metavar="TYPE", help="CSV: the type of every row (see 'companion log types')")
    health.add_argument("--csv-type-column", metavar="COLUMN", help="CSV: the column holding each row's type")
    health.add_argument("--csv-unit", metavar="UNIT", help="CSV: the unit of every row")
    health.add_argument("--csv-unit-column", metavar="COLUMN", help="CSV: the column holding each row's unit")
    health.add_argument("--json", action="store_true")
    health.set_defaults(handler=cmd_import_health)

    genotype = verbs.add_parser("genotype", help="print the calls for given rsIDs, read from a genome file")
    genotype.add_argument("file", metavar="FILE")
    genotype.add_argument("rsids", metavar="RSID", nargs="+")
    genotype.add_argument("--sample", metavar="NAME", help="the VCF sample to read (multi-sample files)")
    genotype.add_argument("--json", action="store_true")
    genotype.set_defaults(handler=cmd_genotype)

    pgx = verbs.add_parser("pgx", help="what the profile's genome says about medicines (CPIC)")
    pgx_verbs = pgx.add_subparsers(dest="action", required=True, parser_class=OneLineParser)
    drug = pgx_verbs.add_parser("drug", help="does my genome change anything for this drug?")
    drug.add_argument("drug", metavar="NAME")
    _add_profile_options(drug)
    drug.add_argument("--json", action="store_true")
    drug.set_defaults(handler=cmd_pgx_drug)
    genes = pgx_verbs.add_parser("genes", help="one line per gene: diplotype and phenotype")
    _add_profile_options(genes)
    genes.add_argument("--json", action="store_true")
    genes.set_defaults(handler=cmd_pgx_genes)

    log = verbs.add_parser("log", help="lifestyle and vitals: the types, and adding an entry")
    log_verbs = log.add_subparsers(dest="action", required=True, parser_class=OneLineParser)
    log_types = log_verbs.add_parser("types", help="list the observation types (short name, LOINC code, units)")
    log_types.add_argument("--json", action="store_true")
    log_types.set_defaults(handler=cmd_log_types)
    log_add = log_verbs.add_parser(
        "add", help="add an entry: TYPE VALUE UNIT, e.g. 'weight 72.5 kg', 'blood_pressure 128/82 mmHg', 'smoking_status never'"
    )
    log_add.add_argument("type", metavar="TYPE", help="a short name from 'companion log types', or a LOINC code")
    log_add.add_argument("value", metavar="VALUE")
    log_add.add_argument("unit", metavar="UNIT", nargs="?", help="the unit of VALUE (default: the type's own unit)")
    log_add.add_argument("--at", metavar="DATETIME", help="when, ISO 8601 (default: now; no offset means local time)")
    _add_profile_options(log_add)
    log_add.add_argument("--json", action="store_true")
    log_add.set_defaults(handler=cmd_log_add)

    logs = verbs.add_parser("logs", help="list lifestyle and vitals entries")
    _add_profile_options(logs)
    logs.add_argument("--since", metavar="DATE", help="only entries from then on (ISO 8601 date or date-time)")
    logs.add_argument("--type", metavar="TYPE", help="only this type (short name or LOINC code)")
    logs.add_argument("--json", action="store_true")
    logs.set_defaults(handler=cmd_logs)

    risk = verbs.add_parser("risk", help="run a clinical risk calculator on a JSON file of inputs (no profile needed)")
    risk.add_argument("calculator", metavar="NAME", choices=RISK_CALCULATORS, help=", ".join(RISK_CALCULATORS))
    risk.add_argument("--input", required=True, metavar="FILE.json", help="the inputs (see docs/RISK_CALCULATORS.md)")
    risk.add_argument("--json", action="store_true")
    risk.set_defaults(handler=cmd_risk)
    return parser


def main(argv: list[str] | None = None) -> int:
    harden_process()
    argv = sys.argv[1:] if argv is None else argv
    try:
        args = build_parser().parse_args(argv)
        if args.verb is None:
            from companion.ui.app import run_app

            return run_app()
        store = ProfileStore(companion_home())
        return int(args.handler(store, args, SecretReader()))
    except CompanionError as exc:
        print(f"companion: error: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("companion: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - never a traceback with data in it on the terminal
        print(f"companion: internal error ({type(exc).__name__}); please report it", file=sys.stderr)
        return EXIT_INTERNAL

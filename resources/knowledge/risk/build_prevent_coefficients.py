#!/usr/bin/env python3
"""Build ``resources/knowledge/risk/prevent_coefficients.json`` from the PREVENT tables of SPEC.md.

The AHA PREVENT equations (Khan SS et al., Circulation 2024;149:430-449) have 2,670 published
coefficients: 5 model families (base, uacr, hba1c, sdi, full) x 10- and 30-year horizons x
female/male x 5 outcomes (total CVD, ASCVD, heart failure, CHD, stroke). The research notes
``shared/data/calculators/SPEC.md`` §2.3 hold them as markdown tables, transcribed from the paper's
supplement and compared there with martingmayer/preventr ``R/sysdata.rda`` and
bcjaeger/PooledCohort ``data-raw/coefs_prevent.xlsx`` (identical to 1e-9). This script parses
those tables (nothing is retyped), checks their shape, and writes one JSON file with provenance:

    python resources/knowledge/risk/build_prevent_coefficients.py [--check] [SPEC_MD] [OUT_FILE]

SPEC_MD defaults to ``../shared/data/calculators/SPEC.md`` beside the checkout. The output is
deterministic (SPEC order, no timestamps); ``--check`` exits 1 when the committed file differs
from a fresh build.
"""
from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
DEFAULT_SPEC = ROOT.parent / "shared" / "data" / "calculators" / "SPEC.md"
DEFAULT_OUT = ROOT / "resources" / "knowledge" / "risk" / "prevent_coefficients.json"

FAMILIES = {"Base": "base", "Full": "full", "UACR": "uacr", "HbA1c": "hba1c", "SDI": "sdi"}
OUTCOMES = ("cvd", "ascvd", "hf", "chd", "stroke")
SEXES = ("female", "male")
HORIZONS = ("10", "30")
COLUMN = re.compile(r"^(F|M) (CVD|ASCVD|HF|CHD|stroke)$")
PRIMARY_HEADING = re.compile(r"^#### 2\.3\.(\d+) (Base|Full|UACR|HbA1c|SDI)\b.*?(10|30)-year$")
SECONDARY_HEADING = re.compile(r"^(Base|Full|UACR|HbA1c|SDI) (10|30)-year:$")
SECTION_START = "### 2.3 Coefficient tables"
SECTION_END = "### 2.4 "

BASE_TERMS = (
    "age10", "nonhdl", "hdl", "sbp_lo", "sbp_hi", "dm", "smoker", "bmi_lo", "bmi_hi", "egfr_lo",
    "egfr_hi", "bptx", "statin", "bptx_x_sbp_hi", "statin_x_nonhdl", "age10_x_nonhdl",
    "age10_x_hdl", "age10_x_sbp_hi", "age10_x_dm", "age10_x_smoker", "age10_x_bmi_hi",
    "age10_x_egfr_lo", "constant",
)
ADD_ON_TERMS = {
    "base": (),
    "uacr": ("ln_uacr", "uacr_missing"),
    "hba1c": ("hba1c_dm", "hba1c_nodm", "hba1c_missing"),
    "sdi": ("sdi_4_6", "sdi_7_10", "sdi_missing"),
    "full": ("sdi_4_6", "sdi_7_10", "sdi_missing", "ln_uacr", "uacr_missing", "hba1c_dm", "hba1c_nodm", "hba1c_missing"),
}
EXPECTED_COUNT = 2670

SOURCE = {
    "citation": (
        "Khan SS, Matsushita K, Sang Y, et al. Development and Validation of the American Heart "
        "Association's Predicting Risk of Cardiovascular Disease EVENTs (PREVENT) Equations. "
        "Circulation. 2024;149:430-449."
    ),
    "doi": "10.1161/CIRCULATIONAHA.123.067626",
    "tables": "Supplemental Excel file, Tables S12A-J (coefficients)",
    "licence": "not stated by the source (published regression coefficients)",
    "transcribed_from": "shared/data/calculators/SPEC.md §2.3 (research notes), parsed by build_prevent_coefficients.py",
    "cross_checked": (
        "SPEC.md §2.3 states all 2,670 values equal martingmayer/preventr R/sysdata.rda and "
        "bcjaeger/PooledCohort data-raw/coefs_prevent.xlsx to 1e-9; the unit tests reproduce the "
        "published risks of preventr tests/testthat/test-estimate_risk.R and test-other_models.R and "
        "bcjaeger/PooledCohort tests/testthat/test-predict_*.R for every family, outcome and horizon"
    ),
}


def term_name(label: str) -> str:
    """``age10 × nonhdl`` → ``age10_x_nonhdl``; ``age10_sq (30-yr only)`` → ``age10_sq``."""
    label = label.removesuffix(" (30-yr only)").strip()
    name = label.replace(" × ", "_x_")
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise ValueError(f"unexpected term label {label!r}")
    return name


def cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def tables(lines: Iterable[str]) -> Iterator[tuple[str, str, list[str], list[tuple[str, list[str]]]]]:
    """(family, horizon, column headers, [(term, values)]) for each PREVENT table of SPEC §2.3."""
    inside = False
    key: tuple[str, str] | None = None
    header: list[str] | None = None
    rows: list[tuple[str, list[str]]] = []

    def flush() -> Iterator[tuple[str, str, list[str], list[tuple[str, list[str]]]]]:
        if key is not None and header is not None and rows:
            yield key[0], key[1], header, list(rows)

    for raw in lines:
        line = raw.rstrip("\n")
        if line.startswith(SECTION_START):
            inside = True
            continue
        if not inside:
            continue
        if line.startswith(SECTION_END):
            yield from flush()
            return
        heading = PRIMARY_HEADING.match(line) or SECONDARY_HEADING.match(line)
        if heading:
            yield from flush()
            groups = heading.groups()[-2:]
            key, header, rows = (FAMILIES[groups[0]], groups[1]), None, []
            continue
        if line.startswith("#"):
            yield from flush()
            key, header, rows = None, None, []
            continue
        if not line.startswith("|") or key is None:
            continue
        row = cells(line)
        if row[0] == "term":
            header = row[1:]
        elif set(line) <= set("|-: "):
            continue
        else:
            rows.append((term_name(row[0]), row[1:]))
    raise ValueError(f"SPEC.md: section {SECTION_END!r} not found after {SECTION_START!r}")


def parse(spec_text: str) -> dict[str, dict[str, dict[str, dict[str, dict[str, float]]]]]:
    """models[family][horizon][sex][outcome][term] = coefficient, in SPEC order; shape checked."""
    models: dict[str, dict[str, dict[str, dict[str, dict[str, float]]]]] = {}
    count = 0
    for family, horizon, header, rows in tables(spec_text.splitlines()):
        columns = []
        for title in header:
            match = COLUMN.match(title)
            if match is None:
                raise ValueError(f"{family} {horizon}-year: unexpected column {title!r}")
            columns.append(("female" if match[1] == "F" else "male", match[2].lower()))
        for term, values in rows:
            if len(values) != len(columns):
                raise ValueError(f"{family} {horizon}-year {term}: {len(values)} values for {len(columns)} columns")
            for (sex, outcome), text in zip(columns, values, strict=True):
                coefficients = models.setdefault(family, {}).setdefault(horizon, {}).setdefault(sex, {}).setdefault(outcome, {})
                if term in coefficients:
                    raise ValueError(f"{family} {horizon}-year {sex} {outcome}: {term} twice")
                coefficients[term] = float(text)
                count += 1
    check_shape(models, count)
    return models


def expected_terms(family: str, horizon: str) -> list[str]:
    terms = list(BASE_TERMS[:-1]) + list(ADD_ON_TERMS[family]) + ["constant"]
    if horizon == "30":
        terms.insert(1, "age10_sq")
    return terms


def check_shape(models: dict[str, dict[str, dict[str, dict[str, dict[str, float]]]]], count: int) -> None:
    if count != EXPECTED_COUNT:
        raise ValueError(f"SPEC.md §2.3: {count} coefficients, expected {EXPECTED_COUNT}")
    if sorted(models) != sorted(FAMILIES.values()):
        raise ValueError(f"SPEC.md §2.3: families {sorted(models)}")
    for family, horizons in models.items():
        if sorted(horizons) != list(HORIZONS):
            raise ValueError(f"{family}: horizons {sorted(horizons)}")
        for horizon, sexes in horizons.items():
            want = expected_terms(family, horizon)
            for sex in SEXES:
                if sorted(sexes.get(sex, {})) != sorted(OUTCOMES):
                    raise ValueError(f"{family} {horizon}-year {sex}: outcomes {sorted(sexes.get(sex, {}))}")
                for outcome in OUTCOMES:
                    if sorted(sexes[sex][outcome]) != sorted(want):
                        raise ValueError(f"{family} {horizon}-year {sex} {outcome}: terms differ from {want}")


def render(models: dict[str, dict[str, dict[str, dict[str, dict[str, float]]]]]) -> str:
    """The JSON text: provenance, then one line per (family, horizon, sex, outcome)."""
    head = {
        "format": 1,
        "about": (
            "AHA PREVENT equations: logistic models, risk = 1 / (1 + exp(-x)), x = sum of coefficient x "
            "predictor (the predictor 'constant' is 1). models[family][horizon_years][sex][outcome][term]. "
            "Predictor definitions: companion/risk/prevent.py and SPEC.md §2.1. Generated by "
            "build_prevent_coefficients.py; do not edit by hand."
        ),
        "source": SOURCE,
        "count": EXPECTED_COUNT,
    }
    lines = [json.dumps(head, ensure_ascii=False, indent=1)[:-2] + ",", ' "models": {']
    family_items = list(models.items())
    for f_index, (family, horizons) in enumerate(family_items):
        lines.append(f"  {json.dumps(family)}: {{")
        for h_index, horizon in enumerate(HORIZONS):
            lines.append(f"   {json.dumps(horizon)}: {{")
            for s_index, sex in enumerate(SEXES):
                lines.append(f"    {json.dumps(sex)}: {{")
                for o_index, outcome in enumerate(OUTCOMES):
                    comma = "," if o_index < len(OUTCOMES) - 1 else ""
                    body = json.dumps(horizons[horizon][sex][outcome])
                    lines.append(f"     {json.dumps(outcome)}: {body}{comma}")
                lines.append("    }" + ("," if s_index < len(SEXES) - 1 else ""))
            lines.append("   }" + ("," if h_index < len(HORIZONS) - 1 else ""))
        lines.append("  }" + ("," if f_index < len(family_items) - 1 else ""))
    lines += [" }", "}", ""]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent))  # run as a script, and loaded by tests from its path
    from spec_build import run

    return run(argv, lambda text: render(parse(text)), DEFAULT_SPEC, DEFAULT_OUT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

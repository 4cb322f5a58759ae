#!/usr/bin/env python3
"""Build ``qrisk3_coefficients.json`` from the research notes' QRISK3-2017 tables.

The numbers are parsed from §3.2 of ``shared/data/calculators/SPEC.md`` (the double-precision
values of the literals in ClinRisk's open-source ``cvd_female_raw`` / ``cvd_male_raw``), never
retyped. They were cross-checked, literal by literal, against YanLiUK/QRISK3
``inst/extdata/QRISK3_2017_src.txt`` (commit ea5d30e3); see ``qrisk3_SOURCES.md``.

    python resources/knowledge/risk/qrisk3_build.py [--check] [SPEC.md] [OUT.json]

SPEC.md defaults to ``../shared/data/calculators/SPEC.md`` beside the checkout; when it is absent
the script prints "skipped" and exits 0. ``--check`` exits 1 when the committed file differs.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # a script, also loaded by tests from its path
from spec_build import run, section, tables  # noqa: E402

ROOT = Path(__file__).resolve().parents[3]
DEFAULT_SPEC = ROOT.parent / "shared" / "data" / "calculators" / "SPEC.md"
DEFAULT_OUT = Path(__file__).resolve().parent / "qrisk3_coefficients.json"
SEXES = {"female": "#### 3.2.1 Female", "male": "#### 3.2.2 Male"}
_SMOKE_INDICATOR = re.compile(r"\[smoke_cat=(\d) [a-z]+\]")


def term_name(label: str) -> str:
    """SPEC's "age_1 × [smoke_cat=1 ex]" → "age_1*smoke_cat=1"; "age_1 × b_AF" → "age_1*b_AF"."""
    label = _SMOKE_INDICATOR.sub(lambda m: f"smoke_cat={m.group(1)}", label)
    return "*".join(part.strip() for part in label.split("×"))


def parse_sex(block: str) -> dict[str, Any]:
    survivor = re.search(r"S0 \(10-year\) = ([0-9.eE+-]+)", block)
    if survivor is None:
        raise ValueError("no S0 line")
    centring, ethnicity, smoking, terms = tables(block)
    eth = [float(v) for _, v in ethnicity]
    smoke = [float(v) for _, v in smoking]
    if len(eth) != 9 or len(smoke) != 5 or eth[0] != 0.0 or smoke[0] != 0.0:
        raise ValueError("ethnicity / smoking tables are not 9 and 5 rows starting at 0")
    return {
        "survivor_10yr": float(survivor.group(1)),
        "centring": {name: float(v) for name, v in centring},
        "ethnicity": eth,
        "smoking": smoke,
        "terms": {term_name(name): float(v) for name, v in terms},
    }


def build(spec_text: str) -> str:
    qrisk = section(spec_text, "## 3. QRISK3-2017")
    data: dict[str, Any] = {
        "format": 1,
        "source": {
            "algorithm": "QRISK3-2017 (ClinRisk Ltd, https://qrisk.org), cvd_female_raw / cvd_male_raw, surv = 10",
            "licence": "LGPL-3.0 with ClinRisk's additional terms (disclaimer with every displayed score)",
            "paper": "Hippisley-Cox J, Coupland C, Brindle P. BMJ 2017;357:j2099. doi:10.1136/bmj.j2099",
            "transcribed_from": "shared/data/calculators/SPEC.md §3.2 by resources/knowledge/risk/qrisk3_build.py",
            "cross_checked_with": "YanLiUK/QRISK3 inst/extdata/QRISK3_2017_src.txt @ ea5d30e3fca682f2f2e5ced48b6a009e7acc9e72",
            "ethnicity_order": "ethrisk 1-9 (inputs.ETHNICITIES)",
            "smoking_order": "smoke_cat 0-4 (inputs.SMOKING_STATUSES)",
        },
    }
    for sex, heading in SEXES.items():
        data[sex] = parse_sex(section(qrisk, heading))
    return json.dumps(data, indent=1) + "\n"


def main(argv: list[str]) -> int:
    return run(argv, build, DEFAULT_SPEC, DEFAULT_OUT)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

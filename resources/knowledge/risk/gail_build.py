#!/usr/bin/env python3
"""Build ``gail_tables.json`` (NCI BCRAT / Gail model constants) from the research notes.

The numbers are parsed from §7.2–7.5 of ``shared/data/calculators/SPEC.md``, which transcribes
CRAN package BCRA 2.1.2 (``R/absolute.risk.R``, ``R/relative.risk.R``), never retyped. They were
cross-checked, value by value, against cran/BCRA ``R/absolute.risk.R`` (commit 5d3b2314) and
``R/relative.risk.R`` (commit e0d20efd); see ``gail_SOURCES.md``.

    python resources/knowledge/risk/gail_build.py [--check] [SPEC.md] [OUT.json]

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
DEFAULT_OUT = Path(__file__).resolve().parent / "gail_tables.json"
AGE_BANDS = tuple(f"{a}-{a + 4}" for a in range(20, 90, 5))  # 14 five-year bands, 20–89
BETA_COLUMNS = ("biopsies", "menarche", "first_birth", "relatives", "biopsies_age_ge_50", "first_birth_x_relatives")
RACE_CODES = tuple(range(1, 12))


def model_races(label: str) -> list[int]:
    """"White (1) and Other (4)" → [1, 4]; "Asian/Pacific Islander (6-11)" → [6, ..., 11]."""
    races: list[int] = []
    for group in re.findall(r"\((\d+)(?:-(\d+))?\)", label):
        first = int(group[0])
        last = int(group[1]) if group[1] else first
        races.extend(range(first, last + 1))
    if not races:
        raise ValueError(f"no race codes in {label!r}")
    return races


def by_band(rows: list[list[str]]) -> list[list[float]]:
    if [row[0] for row in rows] != list(AGE_BANDS):
        raise ValueError("rate table does not list the 14 bands 20-24 … 85-89 in order")
    return [[float(v) for v in row[1:]] for row in rows]


def build(spec_text: str) -> str:
    gail = section(spec_text, "## 7. Gail model")
    (beta_rows,) = tables(section(gail, "### 7.2 Relative risk"))
    (ar_rows,) = tables(section(gail, "### 7.3 Absolute risk"))
    (incidence,) = tables(section(gail, "### 7.4 Incidence"))
    mortality, average = tables(section(gail, "### 7.5 Competing mortality"))

    models: list[dict[str, Any]] = []
    one_minus_ar = {tuple(model_races(label)): [float(a), float(b)] for label, a, b in ar_rows}
    for label, *betas in beta_rows:
        races = model_races(label)
        models.append({
            "label": label,
            "races": races,
            "beta": dict(zip(BETA_COLUMNS, (float(b) for b in betas), strict=True)),
            "one_minus_attributable_risk": one_minus_ar[tuple(races)],  # [age < 50, age >= 50]
        })
    lambda1 = by_band(incidence)
    lambda2 = by_band(mortality)
    rates = {str(race): {"incidence": [band[race - 1] for band in lambda1],
                         "competing_mortality": [band[race - 1] for band in lambda2]}
             for race in RACE_CODES}
    avg = by_band(average)
    data = {
        "format": 1,
        "source": {
            "model": "NCI Breast Cancer Risk Assessment Tool (Gail model), as implemented by CRAN BCRA 2.1.2",
            "papers": [
                "Gail MH et al. JNCI 1989;81:1879-1886. doi:10.1093/jnci/81.24.1879",
                "Costantino JP et al. JNCI 1999;91:1541-1548. doi:10.1093/jnci/91.18.1541",
                "Gail MH et al. JNCI 2007;99:1782. doi:10.1093/jnci/djm223",
                "Matsuno RK et al. JNCI 2011;103:951-961. doi:10.1093/jnci/djr154",
                "Banegas MP et al. JNCI 2017;109:djw215. doi:10.1093/jnci/djw215",
            ],
            "transcribed_from": "shared/data/calculators/SPEC.md §7.2-7.5 by resources/knowledge/risk/gail_build.py",
            "cross_checked_with": "cran/BCRA R/absolute.risk.R @ 5d3b23148f4accd8f4fcdcff4156b6eec005f358, R/relative.risk.R @ e0d20efd92c0be08bf6d941833da4c8feb5c9c63",
            "race_codes": "BCRA: 1 white, 2 African-American, 3 Hispanic US-born, 4 other/unknown, 5 Hispanic foreign-born, 6 Chinese, 7 Japanese, 8 Filipino, 9 Hawaiian, 10 other Pacific Islander, 11 other Asian",
            "rates": "per woman-year, by five-year age band 20-24 ... 85-89",
        },
        "age_bands": list(AGE_BANDS),
        "models": models,
        "rates": rates,
        "average_white_rates": {  # the "average woman" rates for races 1 and 4 (SEER / NCHS 1992-96)
            "incidence": [row[0] for row in avg],
            "competing_mortality": [row[1] for row in avg],
        },
    }
    return json.dumps(data, indent=1) + "\n"


def main(argv: list[str]) -> int:
    return run(argv, build, DEFAULT_SPEC, DEFAULT_OUT)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

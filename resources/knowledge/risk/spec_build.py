"""The command line the risk-table builders share: ``builder.py [SPEC.md [OUT.json]] [--check]``.

Each builder parses tables out of the research notes (``shared/data/calculators/SPEC.md``) into
a JSON file; ``--check`` rebuilds in memory and fails if the shipped file differs.
"""
from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path


def run(argv: list[str], build: Callable[[str], str], default_spec: Path, default_out: Path) -> int:
    check = "--check" in argv
    args = [arg for arg in argv if arg != "--check"]
    spec = Path(args[0]) if args else default_spec
    out = Path(args[1]) if len(args) > 1 else default_out
    if not spec.is_file():
        print(f"skipped: {spec} is absent")
        return 0
    text = build(spec.read_text(encoding="utf-8"))
    if check:
        if not out.exists() or out.read_text(encoding="utf-8") != text:
            print(f"{out} differs from a fresh build from {spec}; rebuild it", file=sys.stderr)
            return 1
        print(f"{out.name} matches {spec.name}")
        return 0
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out}")
    return 0

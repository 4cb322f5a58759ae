"""What the risk-table builders share: reading SPEC.md's sections and tables, and the command line: ``builder.py [SPEC.md [OUT.json]] [--check]``.

Each builder parses tables out of the research notes (``shared/data/calculators/SPEC.md``) into
a JSON file; ``--check`` rebuilds in memory and fails if the shipped file differs.
"""
from __future__ import annotations

import re
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


def section(text: str, heading: str) -> str:
    """The lines from ``heading`` to the next heading of the same or a higher level."""
    start = text.index(heading)
    level = heading.split(" ")[0]
    rest = text[start + len(heading):]
    ends = [m.start() for m in re.finditer(r"^#{1,%d} " % len(level), rest, flags=re.M)]
    return rest[: ends[0]] if ends else rest


def tables(block: str) -> list[list[list[str]]]:
    """Each markdown table of ``block`` as rows of cells, header and rule rows dropped."""
    found: list[list[list[str]]] = []
    current: list[list[str]] = []
    for line in block.splitlines() + [""]:
        if line.startswith("|"):
            current.append([c.strip() for c in line.strip().strip("|").split("|")])
        elif current:
            found.append(current[2:])
            current = []
    return found

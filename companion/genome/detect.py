"""Tell the format of a genome file from its first lines (never from its name).

Vendor banners and column layouts follow FORMATS.md §1–2 (shared/data/samples); the keys
are those the ``snps`` library's detector uses (``23andMe``, ``AncestryDNA``, ``RSID`` on line 1,
``famfinder``, ``MyHeritage``, ``Living DNA``), plus the column layout of the first data row so
that files with a missing or edited banner are still recognised.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from companion.genome.errors import NotGenomeFile

LABELS = {
    "23andme": "23andMe",
    "ancestry": "AncestryDNA",
    "myheritage": "MyHeritage",
    "ftdna": "FamilyTreeDNA",
    "livingdna": "Living DNA",
    "vcf": "VCF",
}

# layouts of consumer files: how to split a line, and how many fields a row has
TAB4, TAB5, WS4, WS5, CSV4, CSV5 = "tab4", "tab5", "ws4", "ws5", "csv4", "csv5"

_BUILD_PATTERNS = (
    (re.compile(r"\bbuild[\s_:=-]*(3[678])\b|\bbuild[\s_:=-]*(3[678])\.\d"), None),
    (re.compile(r"grch[\s_-]*(3[78])"), None),
    (re.compile(r"\bncbi[\s_-]*(36)\b"), None),
    (re.compile(r"\bhg(18|19|38)\b"), {"18": 36, "19": 37, "38": 38}),
    (re.compile(r"\bb(37)\b|hs37d5|g1k[._]?v?37|human_g1k_v37"), {"37": 37}),
)
_NOTE_PATTERNS = (
    re.compile(r"array version:\s*[\w.]{1,20}", re.I),
    re.compile(r"converter version:\s*[\w.]{1,20}", re.I),
    re.compile(r"file version:\s*[\w.]{1,20}", re.I),
    re.compile(r"^##(?:format|chip)=[\w.-]{1,30}$", re.I),
)
_ID_CHARS = re.compile(r"[A-Za-z0-9_.:\-]{1,100}\Z")
_COLUMN_WORDS = {"rsid", "name", "snp", "snpid", "snp_name", "marker", "id"}


@dataclass(frozen=True)
class Detected:
    format: str
    layout: str  # one of the layouts above, or "vcf"
    declared_build: int | None
    header_notes: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return LABELS[self.format]


def declared_build(text: str) -> int | None:
    """The build a header states in words, or None (FORMATS.md §1 'Declared build')."""
    low = text.lower()
    found: list[tuple[int, int]] = []
    for pattern, mapping in _BUILD_PATTERNS:
        for m in pattern.finditer(low):
            value = next((g for g in m.groups() if g), None)
            if value is None:
                if mapping is None:
                    continue
                value = "37"
            build = mapping[value] if mapping else int(value)
            found.append((m.start(), build))
    if not found:
        return None
    found.sort()
    return found[0][1]


def split_fields(line: str, layout: str) -> list[str]:
    if layout in (CSV4, CSV5):
        return line.replace('"', "").split(",")
    if layout in (TAB4, TAB5):
        parts = line.split("\t")
        width = 4 if layout == TAB4 else 5
        if len(parts) != width:
            parts = line.split()
        return parts
    return line.split()


def _layout_of(line: str) -> str | None:
    if "\t" not in line and ("," in line or '"' in line):
        n = len(line.replace('"', "").split(","))
        return {4: CSV4, 5: CSV5}.get(n)
    if "\t" in line:
        n = len(line.split("\t"))
        if n in (4, 5) and all(p.strip() == p and p for p in line.split("\t")):
            return TAB4 if n == 4 else TAB5
    n = len(line.split())
    return {4: WS4, 5: WS5}.get(n)


def is_column_header(line: str) -> bool:
    stripped = line.lstrip("#").strip().replace('"', "").lower()
    first = re.split(r"[\t ,]+", stripped, maxsplit=1)[0] if stripped else ""
    return first in _COLUMN_WORDS and "chrom" in stripped


def _plausible_row(fields: list[str]) -> bool:
    from companion.genome.consumer import CHROM, SKIP_VALUES, genotype_of

    if len(fields) not in (4, 5):
        return False
    rid, chrom, pos = fields[0], fields[1], fields[2]
    if not _ID_CHARS.match(rid):
        return False
    if chrom not in CHROM and chrom not in SKIP_VALUES:
        return False
    if not (pos.isascii() and pos.isdigit()) and pos not in SKIP_VALUES:
        return False
    raw = fields[3] if len(fields) == 4 else fields[3] + fields[4]
    return genotype_of(raw) is not None


def detect(head: str, file_name: str) -> Detected:
    """The format of a file whose text starts with ``head``; NotGenomeFile when none fits."""
    lines = head.split("\n")
    if len(lines) > 1:
        lines = lines[:-1]  # the last piece may be cut in the middle
    first = next((ln for ln in lines if ln.strip()), "")
    if first.startswith("##fileformat=VCF") or first.startswith("#CHROM\tPOS\tID\tREF\tALT"):
        return Detected("vcf", "vcf", None)
    if first.startswith("##fileformat=") and "myheritage" not in first.lower():
        raise NotGenomeFile(file_name, "its header names another file format")

    comments: list[str] = []
    column_header: str | None = None
    data: list[str] = []
    for ln in lines[:2000]:
        s = ln.strip()
        if not s:
            continue
        if s.startswith("#"):
            if data:
                continue
            comments.append(s)
            if is_column_header(s):
                column_header = s.lstrip("#").strip()
            continue
        if is_column_header(s):
            if column_header is None or not data:
                column_header = s
            continue
        data.append(s)
        if len(data) >= 3:
            break
    banner = "\n".join(comments)
    low = (banner + "\n" + (column_header or "")).lower()

    layout: str | None = None
    if data:
        layout = _layout_of(data[0])
        if layout is None or not _plausible_row(split_fields(data[0], layout)):
            # the multi-separator AncestryDNA variant: runs of tabs and spaces
            alt = {TAB4: WS4, TAB5: WS5}.get(layout or "", None)
            ws = len(data[0].split())
            alt = alt or ({4: WS4, 5: WS5}.get(ws))
            if alt is None or not _plausible_row(split_fields(data[0], alt)):
                raise NotGenomeFile(file_name, "its first data line is not a marker, chromosome, position and genotype")
            layout = alt
    elif column_header is not None:
        layout = _layout_of(column_header)
    elif comments:
        # a comment block only (a header whose data rows are missing): the vendor's layout
        for word, default in (("23andme", TAB4), ("ancestrydna", WS5), ("myheritage", CSV4),
                              ("famfinder", CSV5), ("living dna", TAB4)):
            if word in low:
                layout = default
                break
    if layout is None:
        raise NotGenomeFile(file_name)

    if "23andme" in low:
        fmt = "23andme"
    elif "ancestrydna" in low or "ancestry.com" in low:
        fmt = "ancestry"
    elif "myheritage" in low:
        fmt = "myheritage"
    elif "famfinder" in low or "familytreedna" in low or "family tree dna" in low:
        fmt = "ftdna"
    elif "living dna" in low or "livingdna" in low:
        fmt = "livingdna"
    elif layout in (CSV4, CSV5):
        fmt = "ftdna"  # quoted RSID,CHROMOSOME,POSITION,RESULT with no banner: current Family Finder
    elif layout in (TAB5, WS5):
        fmt = "ancestry"
    else:
        fmt = "23andme"  # the 4-column TAB layout other tools also write

    if layout in (TAB4, TAB5) and fmt == "ancestry":
        # AncestryDNA rows may be separated by runs of whitespace anywhere in the file
        layout = WS5 if layout == TAB5 else WS4
    notes: list[str] = []
    for c in comments:
        for pattern in _NOTE_PATTERNS:
            m = pattern.search(c)
            if m:
                notes.append(m.group(0).lstrip("#"))
    return Detected(fmt, layout, declared_build(banner), tuple(notes))

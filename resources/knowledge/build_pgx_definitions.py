#!/usr/bin/env python3
"""Build ``resources/knowledge/pgx/definitions/`` from the shared PharmCAT/CPIC data.

What the star-allele caller (``companion/pgx``) needs, in compact JSON, one record per line:

- ``genes/<GENE>.json``: positions (GRCh38), named alleles (the base each requires, IUPAC codes
  kept), PharmCAT's gene exemptions, allele function / activity values, the diplotype →
  phenotype table and PharmCAT's curated messages for the gene;
- ``guidelines.json``: every CPIC recommendation (drug, lookup key, plain-text recommendation,
  strength, implications, population) with its guideline's name, date, link and PMIDs.

Every output names its source files (repository, path, commit, sha256). Nothing medical is
written here that is not in the sources; the few reconciliations are listed in ``FIXES`` and in
``definitions/SOURCES.md``.

    python resources/knowledge/build_pgx_definitions.py [--check] [SOURCE_DIR] [OUT_DIR]

SOURCE_DIR defaults to ``../shared/data/pgx`` beside the checkout; when it is absent the script
prints "skipped" and exits 0. ``--check`` rebuilds in memory and exits 1 when the committed
files differ. The output is deterministic (no timestamps).
"""
from __future__ import annotations

import hashlib
import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "pgx"
DEFAULT_OUT = ROOT / "resources" / "knowledge" / "pgx" / "definitions"
FORMAT = 1

# The phenotype file of each gene (MT-RNR1 has no allele-definition file; its positions are
# read from the HGVS names of its phenotype file, see mt_rnr1_definition()).
PHENOTYPE_FILE = {"MT-RNR1": "MT_RNR1.json"}
# RYR1: the 2023 phenotype file gives the diplotype table, the 2026 extract the allele functions
# (shared/data/pgx/SOURCES.md, caveat 4).
RYR1_FUNCTIONS = "RYR1.allele_functions.json"
# Reconciliations between files of different dates, each named in the source notes.
FIXES = {
    # SOURCES.md caveat 4 / NOTES.md §6.2: the 2023 G6PD phenotype file spells the allele
    # "Telti/Kobe", the 2025 definition "Telti, Kobe".
    ("G6PD", "Telti/Kobe"): "Telti, Kobe",
}
# MT-RNR1 names are HGVS on NC_012920.1 (rCRS, the GRCh38 chrM): m.<pos><ref>><alt>.
_MT_SNV = re.compile(r"m\.(\d+)([ACGT])>([ACGT])")
_RSID = re.compile(r"rs[0-9]+")


# -- provenance -------------------------------------------------------------------------------

def provenance_table(source: Path) -> dict[str, dict[str, str]]:
    """file (relative to SOURCE_DIR) → repository, path and commit, read from its SOURCES.md."""
    table: dict[str, dict[str, str]] = {}
    text = (source / "SOURCES.md").read_text(encoding="utf-8")
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 4 or not re.fullmatch(r"`[\w./-]+\.(json|tsv)`", cells[0]):
            continue
        name = cells[0].strip("`")
        path_cell = cells[2]
        commit = re.search(r"`([0-9a-f]{40})`", cells[3])
        path = re.search(r"`([^`]+)`", path_cell)
        if not commit or not path:
            continue
        fork = "madhavajay/PharmCAT" in path_cell
        repo = "github.com/madhavajay/PharmCAT" if fork else "github.com/PharmGKB/PharmCAT"
        table[name] = {"repository": repo, "path": path.group(1), "commit": commit.group(1)}
    return table


class Sources:
    """Reads source files and remembers each one's provenance for the output that used it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.table = provenance_table(root)

    def load(self, name: str, used: list[dict[str, str]]) -> Any:
        path = self.root / name
        raw = path.read_bytes()
        entry = self.table.get(name)
        if entry is None:
            raise SystemExit(f"{name} has no provenance row in {self.root / 'SOURCES.md'}")
        record = {"file": name, **entry, "sha256": hashlib.sha256(raw).hexdigest()}
        if record not in used:
            used.append(record)
        return json.loads(raw)


# -- plain text from the guideline HTML -----------------------------------------------------

class _PlainText(HTMLParser):
    """HTML → plain text: tags dropped, entities decoded, paragraphs and list items kept apart.

    Nothing is executed or fetched; script/style content is dropped; a link keeps its text and
    its address in brackets (http/https addresses only).
    """

    _BLOCKS: ClassVar[frozenset[str]] = frozenset(
        {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "tr"})
    _HIDDEN: ClassVar[frozenset[str]] = frozenset({"script", "style", "template"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._href: list[str | None] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._HIDDEN:
            self._hidden += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n\n")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag == "br":
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append(" ")
        elif tag == "a":
            self._href.append(dict(attrs).get("href"))

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n\n")
        elif tag == "a" and self._href:
            href = self._href.pop()
            if href and href.startswith(("http://", "https://")):
                self.parts.append(f" ({href})")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def plain_text(html: str | None) -> str:
    if not html:
        return ""
    parser = _PlainText()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts).replace("\xa0", " ")
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


# -- genes ------------------------------------------------------------------------------------

def canonical_chromosome(name: str) -> str:
    chrom = name[3:] if name.lower().startswith("chr") else name
    chrom = chrom.upper()
    return "MT" if chrom == "M" else chrom


def _position(variant: dict) -> dict:
    rsid = variant.get("rsid") or None
    if rsid and not _RSID.fullmatch(rsid):
        raise ValueError(f"unexpected rsID {rsid!r}")
    return {
        "pos": int(variant["position"]),
        "rsid": rsid,
        "ref": variant["ref"],
        "alts": list(variant.get("alts") or ()),
        "hgvs": variant.get("chromosomeHgvsName"),
        "cpic_alleles": {k: v for k, v in sorted((variant.get("cpicToVcfAlleleMap") or {}).items())},
    }


def _allele(named: dict, positions: list[dict]) -> dict:
    bases = {str(positions[i]["pos"]): base for i, base in enumerate(named["alleles"]) if base is not None}
    return {"name": named["name"], "id": named.get("id"), "reference": bool(named.get("reference")), "bases": bases}


def _exemptions(entry: dict | None) -> dict:
    entry = entry or {}
    return {
        "ignored_alleles": sorted(entry.get("ignoredAlleles") or ()),
        # (position, ref, alts): a record at this position written like this is not read
        "ignored_positions": [
            {"pos": int(v["position"]), "ref": v["ref"], "alts": list(v.get("alts") or ())}
            for v in entry.get("ignoredPositions") or ()
        ],
        "extra_positions": [_position(v) for v in entry.get("extraPositions") or ()],
        "required_positions": sorted(int(p) for p in entry.get("requiredPositions") or ()),
        "unphased_priorities": [
            {"diplotypes": sorted(p["list"]), "pick": p["pick"]} for p in entry.get("unphasedDiplotypePriorities") or ()
        ],
        "amp1_alleles": list(entry.get("amp1Alleles") or ()),
        "amp1_positions": sorted(int(p) for p in entry.get("amp1Positions") or ()),
    }


def translation_definition(data: dict, exemption: dict | None) -> dict:
    if not str(data.get("genomeBuild", "")).startswith("GRCh38"):
        raise ValueError(f"{data['gene']}: not GRCh38")
    positions = [_position(v) for v in data["variants"]]
    alleles = [_allele(a, positions) for a in data["namedAlleles"]]
    refs = [a for a in alleles if a["reference"]]
    if len(refs) != 1 or alleles[0] is not refs[0]:
        raise ValueError(f"{data['gene']}: expected one reference allele, first")
    return {
        "chromosome": canonical_chromosome(data["chromosome"]),
        "build": data["genomeBuild"],
        "data_version": data.get("version"),
        "positions": positions,
        "alleles": alleles,
        "suballeles": dict(sorted((data.get("suballelesMap") or {}).items())),
        "exemptions": _exemptions(exemption),
        "unreadable_alleles": [],
    }


def mt_rnr1_definition(phenotype: dict) -> dict:
    """MT-RNR1 positions and alleles from the HGVS names in its phenotype file.

    Only single-base substitutions can be written as a VCF position from a name alone; the
    deletions (``m.961T>del`` …) need their anchor base and are listed as unreadable.
    """
    snvs: list[tuple[int, str, str, str]] = []
    unreadable = []
    for name in phenotype["haplotypes"]:
        if name == "Reference":
            continue
        m = _MT_SNV.fullmatch(name)
        if m:
            snvs.append((int(m.group(1)), m.group(2), m.group(3), name))
        else:
            unreadable.append(name)
    by_pos: dict[int, dict] = {}
    for pos, ref, alt, _ in sorted(snvs):
        entry = by_pos.setdefault(
            pos, {"pos": pos, "rsid": None, "ref": ref, "alts": [], "hgvs": None, "cpic_alleles": {}})
        if entry["ref"] != ref:
            raise ValueError(f"MT-RNR1: two reference bases at m.{pos}")
        entry["alts"].append(alt)
    positions = [by_pos[p] for p in sorted(by_pos)]
    for p in positions:
        p["hgvs"] = "m." + str(p["pos"]) + p["ref"] + ">" + ",".join(p["alts"])
    reference = {str(p["pos"]): p["ref"] for p in positions}
    alleles = [{"name": "Reference", "id": None, "reference": True, "bases": reference}]
    for pos, _, alt, name in sorted(snvs, key=lambda s: (s[0], s[2])):
        alleles.append({"name": name, "id": None, "reference": False, "bases": {str(pos): alt}})
    return {
        "chromosome": "MT",
        "build": "GRCh38 (chrM = rCRS, NC_012920.1)",
        "data_version": phenotype.get("version"),
        "positions": positions,
        "alleles": alleles,
        "suballeles": {},
        "exemptions": _exemptions(None),
        "unreadable_alleles": sorted(unreadable),
    }


def _clean(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


def phenotype_section(gene: str, data: dict, functions: dict | None) -> dict:
    """Allele values and the diplotype table, folded to one row per pair of allele values.

    Every CPIC diplotype row's result is fixed by its two alleles' values (function, or activity
    value for activity-score genes); the fold is checked row by row, so nothing is lost.
    """
    haplotypes = dict(functions["haplotypes"] if functions else data["haplotypes"])
    named = {a["name"]: a for a in data.get("namedAlleles") or ()}
    activity = bool(data.get("activityValues"))
    table_values = dict(data["haplotypes"])
    for (fix_gene, old), new in FIXES.items():
        if fix_gene == gene:
            for mapping in (haplotypes, table_values):
                if old in mapping:
                    mapping[new] = mapping.pop(old)
    alleles = {}
    for name in sorted(haplotypes):
        info = named.get(name) or {}
        alleles[name] = {
            "value": haplotypes[name],
            "function": _clean(info.get("functionValue")) or haplotypes[name],
            "activity": _clean(info.get("activityValue")) if activity else None,
        }
    results: dict[tuple[str, ...], dict] = {}
    for row in data.get("diplotypes") or ():
        values: list[str] = []
        for name, count in row["diplotypekey"].items():
            name = FIXES.get((gene, name), name)
            values += [table_values[name]] * int(count)
        key = tuple(sorted(values))
        result = {
            "values": list(key),
            "phenotype": row["generesult"],
            "activity_score": _clean(row.get("activityScore")),
            "lookup_key": row["lookupkey"],
        }
        if results.setdefault(key, result) != result:
            raise ValueError(f"{gene}: diplotype {row['diplotype']} breaks the allele-value fold")
    return {
        "method": "activity_score" if activity else "function",
        "data_version": data.get("version"),
        "alleles": alleles,
        "results": [results[k] for k in sorted(results)],
        "diplotype_rows": len(data.get("diplotypes") or ()),
    }


def _message(msg: dict) -> dict:
    m = msg["matches"]
    return {
        "rule": msg["rule_name"],
        "gene": m.get("gene"),
        "diplotypes": list(m.get("dips") or ()),
        "haplotypes_called": list(m.get("hapsCalled") or ()),
        "haplotypes_missing": list(m.get("hapsMissing") or ()),
        "variants_missing": list(m.get("variantsMissing") or ()),
        "variants": list(m.get("variant") or ()),
        "drugs": sorted(m.get("drugs") or ()),
        "kind": msg.get("exception_type"),
        "text": plain_text(msg["message"]),
    }


def build_genes(src: Sources) -> dict[str, dict]:
    exemptions_used: list[dict[str, str]] = []
    exemptions = {e["gene"]: e for e in src.load("allele_definitions/exemptions.json", exemptions_used).values()}
    messages_used: list[dict[str, str]] = []
    messages = [_message(m) for m in src.load("pharmcat/messages.json", messages_used)]
    genes: dict[str, dict] = {}
    files = sorted((src.root / "allele_definitions").glob("*_translation.json"))
    names = [f.name[: -len("_translation.json")] for f in files] + ["MT-RNR1"]
    for gene in sorted(names):
        used: list[dict[str, str]] = []
        pheno_name = PHENOTYPE_FILE.get(gene, f"{gene}.json")
        pheno = src.load(f"phenotypes/{pheno_name}", used) if (src.root / "phenotypes" / pheno_name).exists() else None
        if gene == "MT-RNR1":
            assert pheno is not None
            definition = mt_rnr1_definition(pheno)
        else:
            data = src.load(f"allele_definitions/{gene}_translation.json", used)
            if data["gene"] != gene:
                raise ValueError(f"{gene}: file names gene {data['gene']}")
            definition = translation_definition(data, exemptions.get(gene))
            if gene in exemptions:
                used += [u for u in exemptions_used if u not in used]
        functions = src.load(f"phenotypes/{RYR1_FUNCTIONS}", used) if gene == "RYR1" else None
        gene_messages = [m for m in messages if m["gene"] == gene]
        if gene_messages:
            used += [u for u in messages_used if u not in used]
        genes[gene] = {
            "format": FORMAT,
            "gene": gene,
            "sources": used,
            "licence": "MPL-2.0 (derived from PharmCAT files); underlying CPIC content CC0 1.0",
            **definition,
            "phenotype": phenotype_section(gene, pheno, functions) if pheno else None,
            "messages": gene_messages,
        }
    return genes


# -- guidelines -------------------------------------------------------------------------------

class _Texts:
    """One copy of each recommendation and implication text; records hold its index."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self._index: dict[str, int] = {}

    def add(self, text: str) -> int:
        if text not in self._index:
            self._index[text] = len(self.items)
            self.items.append(text)
        return self._index[text]


def build_guidelines(src: Sources) -> dict:
    used: list[dict[str, str]] = []
    guidelines = []
    records = []
    texts = _Texts()
    for path in sorted((src.root / "guidelines" / "cpic").glob("*.json")):
        name = f"guidelines/cpic/{path.name}"
        file_used: list[dict[str, str]] = []
        data = src.load(name, file_used)
        used += file_used
        g = data["guideline"]
        version = str(data.get("version") or "")
        for rec in data.get("recommendations") or ():
            for chemical in rec["relatedChemicals"]:
                records.append({
                    "guideline": g["id"],
                    "id": rec["id"],
                    "drug": chemical["name"],
                    "lookup": dict(sorted(rec["lookupKey"].items())),
                    "population": rec.get("population"),
                    "strength": (rec.get("classification") or {}).get("term"),
                    "recommendation": texts.add(plain_text((rec.get("text") or {}).get("html"))),
                    "implications": [texts.add(plain_text(i)) for i in rec.get("implications") or ()],
                    "alternate_drug": bool(rec.get("alternateDrugAvailable")),
                    "dosing_information": bool(rec.get("dosingInformation")),
                    "other_guidance": bool(rec.get("otherPrescribingGuidance")),
                })
        guidelines.append({
            "id": g["id"],
            "name": g["name"],
            "source": g["source"],
            "annotation_version": g.get("version"),
            "data_version": version,
            "date": version[:10],
            "url": g["url"],
            "genes": sorted(x["symbol"] for x in g["relatedGenes"]),
            "drugs": sorted(x["name"] for x in g["relatedChemicals"]),
            "pmids": [c["pmid"] for c in data.get("citations") or () if c.get("pmid")],
            "citations": [
                {"pmid": c.get("pmid"), "title": c.get("title"), "journal": c.get("journal"), "year": c.get("year")}
                for c in data.get("citations") or ()
            ],
            "source_file": file_used[0],
        })
    messages_used: list[dict[str, str]] = []
    drug_messages = [_message(m) for m in src.load("pharmcat/messages.json", messages_used)]
    drug_messages = [m for m in drug_messages if m["drugs"] and not m["diplotypes"] and not m["gene"]]
    return {
        "format": FORMAT,
        "sources": used + messages_used,
        "licence": "CPIC content CC0 1.0 (ClinPGx data usage policy); files derived from PharmCAT (MPL-2.0)",
        "guidelines": guidelines,
        "recommendations": records,
        "drug_messages": drug_messages,
        # recommendation and implication texts, referred to by index from each record
        "texts": texts.items,
    }


# -- output -----------------------------------------------------------------------------------

def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def render(document: dict) -> str:
    """JSON with one record a line (short diffs): nested objects open up, records stay whole."""
    return _render(document, 0) + "\n"


def _render(value: Any, depth: int) -> str:
    if isinstance(value, dict) and depth < 3 and any(isinstance(v, (dict, list)) for v in value.values()):
        return "{\n" + ",\n".join(f"{_dump(k)}:{_render(v, depth + 1)}" for k, v in value.items()) + "\n}"
    if isinstance(value, list) and value and all(isinstance(v, (dict, str)) for v in value):
        return "[\n" + ",\n".join(_dump(v) for v in value) + "\n]"
    return _dump(value)


def build(source: Path) -> dict[str, str]:
    """Relative output path → file text."""
    src = Sources(source)
    out = {f"genes/{gene}.json": render(doc) for gene, doc in build_genes(src).items()}
    out["guidelines.json"] = render(build_guidelines(src))
    return out


def main(argv: list[str]) -> int:
    check = "--check" in argv
    args = [a for a in argv if a != "--check"]
    source = Path(args[0]) if args else DEFAULT_SOURCE
    out_dir = Path(args[1]) if len(args) > 1 else DEFAULT_OUT
    if not source.is_dir():
        print(f"skipped: {source} is absent")
        return 0
    files = build(source)
    if check:
        stale = [name for name, text in files.items()
                 if not (out_dir / name).exists() or (out_dir / name).read_text(encoding="utf-8") != text]
        present = {p.relative_to(out_dir).as_posix() for p in out_dir.rglob("*.json")} if out_dir.exists() else set()
        stale += sorted(present - set(files))
        if stale:
            print(f"{out_dir} is out of date ({', '.join(stale[:5])}); rebuild it", file=sys.stderr)
            return 1
        print(f"{len(files)} files up to date")
        return 0
    for name, text in files.items():
        path = out_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    print(f"wrote {len(files)} files to {out_dir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

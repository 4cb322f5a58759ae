"""Plain-language words of the Genes & medicines page, in one place so they can be reviewed.

The medical content itself (phenotypes, CPIC recommendations) comes from the knowledge data and
``companion.pgx.messages``; these words only explain it for a person who is not a clinician.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

TITLE = "Genes & medicines"
HEADING = "Your genes and medicines"
INTRO = (
    "Some genes change how your body handles certain medicines. Below is what your genome file "
    "shows for each of these genes, and what the CPIC guidelines (written for doctors and "
    "pharmacists) say about the medicines they affect."
)
EMPTY = (
    "Import your genome on the Genome page first. Once a genome file is imported, this page "
    "shows which medicines may work differently for you."
)
GO_TO_GENOME = "Go to the Genome page"
LOADING = "Reading your genes… this takes a moment."
SEARCH_TITLE = "Check a medicine"
SEARCH_PLACEHOLDER = "Type a medicine name, for example clopidogrel, and press Enter"
SEARCH_BUTTON = "Check"
NO_GUIDANCE_MEANING = (
    "This does not mean the medicine is safe or unsafe for you: CPIC simply has no gene-based "
    "advice for it. Check the spelling if you expected an answer."
)
DEPENDS_MEANING = "A clinical pharmacogenetic test would tell which of these applies to you."
RECOMMENDATIONS_BUTTON = "What CPIC recommends for these medicines"
DETAILS_BUTTON = "Details: how sure this is, and what is missing"
AFFECTED_BY_GENE = "Medicines this gene affects:"
CHECK_EACH = "Check each one above to see what CPIC says for your result."
CHECK_POSSIBILITIES = "Check each one above to see what CPIC says for each possible result."
NO_RESULT_NO_ADVICE = "No recommendation can be given without a result."
NO_DRUGS = "No CPIC guidance in this app's data uses this gene."
SEEN_NOT_A_RESULT = "What your file shows (not a result: copy number and HLA types cannot be seen)"

# tone of a gene card: the words carry the meaning, the colour only repeats it
NOTABLE, TYPICAL, UNCERTAIN, UNSEEN = "notable", "typical", "uncertain", "unseen"
TONE_TAGS = {
    NOTABLE: "Worth knowing",
    TYPICAL: "Usual result",
    UNCERTAIN: "Not certain",
    UNSEEN: "Not readable from your file",
}

# phenotype → (plain sentence, tone)
PHENOTYPES: dict[str, tuple[str, str]] = {
    "Normal Metabolizer": (
        "Normal metabolizer: your body breaks down these medicines at the usual rate.", TYPICAL),
    "Rapid Metabolizer": (
        "Rapid metabolizer: your body breaks down some medicines a little faster than usual.", NOTABLE),
    "Ultrarapid Metabolizer": (
        "Ultrarapid metabolizer: your body breaks down some medicines much faster than usual.", NOTABLE),
    "Intermediate Metabolizer": (
        "Intermediate metabolizer: your body breaks down some medicines more slowly than usual.", NOTABLE),
    "Likely Intermediate Metabolizer": (
        "Likely intermediate metabolizer: your body probably breaks down some medicines more slowly than usual.",
        NOTABLE),
    "Possible Intermediate Metabolizer": (
        "Possibly an intermediate metabolizer: your body may break down some medicines a little more slowly "
        "than usual.", NOTABLE),
    "Poor Metabolizer": (
        "Poor metabolizer: your body breaks down some medicines much more slowly.", NOTABLE),
    "Likely Poor Metabolizer": (
        "Likely poor metabolizer: your body probably breaks down some medicines much more slowly.", NOTABLE),
    "Normal Function": (
        "Normal function: this gene's transporter works as usual.", TYPICAL),
    "Increased Function": (
        "Increased function: this gene's transporter works more than usual.", NOTABLE),
    "Decreased Function": (
        "Decreased function: this gene's transporter works less than usual, so more of some medicines can stay "
        "in your blood.", NOTABLE),
    "Possible Decreased Function": (
        "Possibly decreased function: this gene's transporter may work less than usual.", NOTABLE),
    "Poor Function": (
        "Poor function: this gene's transporter works much less than usual, so more of some medicines can stay "
        "in your blood.", NOTABLE),
    "Indeterminate": (
        "Cannot be told: the variants found have no known effect, so no type can be given.", UNCERTAIN),
    "Normal": (
        "Normal: your red blood cells have the usual G6PD activity.", TYPICAL),
    "Deficient": (
        "G6PD deficient: some medicines can harm your red blood cells, so doctors choose others.", NOTABLE),
    "Deficient with CNSHA": (
        "G6PD deficient, with lasting anaemia (CNSHA): some medicines can harm your red blood cells, so doctors "
        "choose others.", NOTABLE),
    "Variable": (
        "Variable: G6PD activity may be low in some of your red blood cells.", NOTABLE),
    "Uncertain Susceptibility": (
        "No known risk variant found for a rare reaction to some anaesthetics (malignant hyperthermia). "
        "This cannot fully rule it out.", TYPICAL),
    "Malignant Hyperthermia Susceptibility": (
        "Risk of malignant hyperthermia: some anaesthetic gases and succinylcholine can cause a serious reaction. "
        "Tell any surgeon or anaesthetist.", NOTABLE),
    "normal risk of aminoglycoside-induced hearing loss": (
        "Usual risk: no variant linked to hearing loss from aminoglycoside antibiotics (such as gentamicin) "
        "was found.", TYPICAL),
    "increased risk of aminoglycoside-induced hearing loss": (
        "Higher risk: aminoglycoside antibiotics (such as gentamicin) can harm your hearing, so doctors choose "
        "others when they can.", NOTABLE),
    "uncertain risk of aminoglycoside-induced hearing loss": (
        "Uncertain: the variant found has an unclear effect on hearing with aminoglycoside antibiotics.", UNCERTAIN),
    "ivacaftor non-responsive in CF patients": (
        "No ivacaftor-responsive variant found. This only matters for people with cystic fibrosis.", TYPICAL),
    "ivacaftor responsive in CF patients": (
        "An ivacaftor-responsive variant was found. This matters for people with cystic fibrosis.", NOTABLE),
    "-1639 GG": (
        "Usual sensitivity to warfarin (VKORC1 -1639 GG).", TYPICAL),
    "-1639 AG": (
        "Somewhat more sensitive to warfarin (VKORC1 -1639 AG): a lower dose is often enough.", NOTABLE),
    "-1639 AA": (
        "More sensitive to warfarin (VKORC1 -1639 AA): a lower dose is usually enough.", NOTABLE),
}
# where a gene's reference type carries a name that would sound unusual
GENE_PHENOTYPES: dict[tuple[str, str], tuple[str, str]] = {
    ("NAT2", "Rapid Metabolizer"): (
        "Rapid acetylator: your body clears some medicines, such as isoniazid, at the usual fast rate.", TYPICAL),
}
NO_PHENOTYPE = "CPIC gives no type for this gene on its own; doctors read the result together with other genes."

GENE_ABOUT: dict[str, str] = {
    "ABCG2": "A transporter that moves rosuvastatin (a cholesterol medicine) and other substances out of cells.",
    "CACNA1S": "A muscle gene. Rare variants cause a serious reaction to some anaesthetics (malignant hyperthermia).",
    "CFTR": "The cystic fibrosis gene. Some variants decide whether ivacaftor works for people with cystic fibrosis.",
    "CYP2B6": "A liver enzyme that breaks down efavirenz (an HIV medicine) and, in part, sertraline.",
    "CYP2C19": "A liver enzyme that breaks down clopidogrel (a blood thinner), several antidepressants and "
               "stomach-acid medicines such as omeprazole.",
    "CYP2C9": "A liver enzyme that breaks down warfarin, phenytoin and some painkillers such as ibuprofen.",
    "CYP2D6": "A liver enzyme that handles many common medicines, including codeine, tramadol, tamoxifen and "
              "several antidepressants.",
    "CYP3A4": "A liver enzyme that breaks down many medicines.",
    "CYP3A5": "A liver enzyme that breaks down tacrolimus, a medicine given after an organ transplant.",
    "CYP4F2": "An enzyme that handles vitamin K; its result fine-tunes the warfarin dose.",
    "DPYD": "An enzyme that breaks down fluorouracil and capecitabine, two cancer medicines.",
    "G6PD": "An enzyme that protects red blood cells. With too little of it, some medicines can harm them.",
    "HLA-A": "An immune-system gene. Some types cause severe skin reactions to carbamazepine.",
    "HLA-B": "An immune-system gene. Some types cause severe reactions to abacavir, allopurinol, carbamazepine "
             "or phenytoin.",
    "IFNL3": "An immune gene that predicts how well older hepatitis C treatments (peginterferon) work.",
    "MT-RNR1": "A gene in the mitochondria. Some variants make aminoglycoside antibiotics harmful to hearing.",
    "NAT2": "A liver enzyme that clears isoniazid (a tuberculosis medicine) and some others.",
    "NUDT15": "An enzyme that handles azathioprine and mercaptopurine, used for immune conditions and some cancers.",
    "RYR1": "A muscle gene. Rare variants cause a serious reaction to some anaesthetics (malignant hyperthermia).",
    "SLCO1B1": "A transporter that carries statins (cholesterol medicines) into the liver.",
    "TPMT": "An enzyme that handles azathioprine and mercaptopurine, used for immune conditions and some cancers.",
    "UGT1A1": "An enzyme that clears bilirubin and some medicines, such as atazanavir (an HIV medicine).",
    "VKORC1": "The target of warfarin (a blood thinner); its variant changes how much warfarin is needed.",
}

# GeneResult.status → (short confidence label, one plain sentence)
CONFIDENCE: dict[str, tuple[str, str]] = {
    "called": ("Read from your file", "This result was read from your file."),
    "ambiguous": ("Several results possible",
                  "Your file fits more than one result, so none is claimed. A clinical test can tell them apart."),
    "no_match": ("No known match",
                 "The variants in your file match no known combination, so no result is given."),
    "not_called": ("Could not be read", "Positions this gene needs are missing from your file."),
    "not_in_file": ("Not in your file",
                    "Your file does not include this gene's positions. A clinical test can read it."),
    "clinical_test_needed": ("Needs a clinical test",
                             "Your file cannot show this gene fully: that needs copy-number or HLA typing, "
                             "so a clinical test is needed."),
}
CALLED_WITH_GAPS = ("Read from your file, with gaps",
                    "This result was read from your file, but some positions are missing (see Details).")

POPULATIONS = {
    "pediatrics": "children",
    "child >40kg_adult": "adults, and children over 40 kg",
    "adults": "adults",
    "NVI": "people treated for a stroke or other neurovascular condition",
    "CVI ACS PCI": "people with heart disease treated for acute coronary syndrome or with a stent (PCI)",
    "CVI non-ACS non-PCI": "people with heart disease, without acute coronary syndrome or a stent",
    "CBZ naive": "people not yet taking carbamazepine",
    "CBZ use >3mos": "people taking carbamazepine for more than 3 months",
    "CBZ-no alternatives": "when there is no alternative to carbamazepine",
    "OXC naive": "people not yet taking oxcarbazepine",
    "OXC use >3 mos": "people taking oxcarbazepine for more than 3 months",
    "PHT naive": "people not yet taking phenytoin",
    "PHT use >3mos": "people taking phenytoin for more than 3 months",
}
STRENGTHS = {"Optional": "Optional (weaker evidence)"}


def phenotype_words(gene: str, phenotype: str | None) -> tuple[str, str]:
    """A plain sentence for a called phenotype, and its tone."""
    if phenotype is None:
        return NO_PHENOTYPE, TYPICAL
    return GENE_PHENOTYPES.get((gene, phenotype)) or PHENOTYPES.get(phenotype) or (f"Result: {phenotype}.", NOTABLE)


def lower_phenotype(phenotype: str) -> str:
    """"Poor Metabolizer" → "poor metabolizer", for use inside a sentence; codes stay as they are."""
    return " ".join(word.lower() if word.istitle() else word for word in phenotype.split())


def population_words(population: str | None) -> str | None:
    if population in (None, "", "general"):
        return None
    return POPULATIONS.get(population, population)


def strength_words(strength: str | None) -> str | None:
    if strength in (None, "", "N/A"):
        return None
    return STRENGTHS.get(strength, strength)


def names(items: Iterable[str]) -> str:
    return ", ".join(items)


def affected_medicines(count: int) -> str:
    return "Medicines this affects:" if count != 1 else "Medicine this affects:"


def possibility_heading(keys: dict[str, str]) -> str:
    return "If your result is " + " and ".join(f"{gene} {value}" for gene, value in keys.items()) + ":"


def not_visible_meaning(genes: Sequence[str]) -> str:
    return f"Ask your doctor or pharmacist about a pharmacogenetic test for {names(genes)}."


def source_line(guideline: str, date: str, url: str) -> str:
    return f"Source: {guideline} ({date}). {url}"


def results_from(label: str, imported: str) -> str:
    return f"Results from your {label} file, imported {imported}."


def _genes(count: int) -> str:
    return "1 gene" if count == 1 else f"{count} genes"


def summary(genes_by_tone: dict[str, list[str]]) -> str:
    """A few sentences over the cards: what stands out, what is usual, what cannot be read."""
    notable, typical = genes_by_tone.get(NOTABLE, []), genes_by_tone.get(TYPICAL, [])
    uncertain, unseen = genes_by_tone.get(UNCERTAIN, []), genes_by_tone.get(UNSEEN, [])
    parts = []
    if notable:
        parts.append(f"{_genes(len(notable))} {'has a result' if len(notable) == 1 else 'have results'} "
                     f"worth knowing about: {names(notable)}.")
    elif typical:
        parts.append("None of the results that could be read is unusual.")
    if typical:
        parts.append(f"{_genes(len(typical))} {'shows' if len(typical) == 1 else 'show'} the usual result.")
    if uncertain:
        parts.append(f"For {_genes(len(uncertain))} the result is not certain: {names(uncertain)}.")
    if unseen:
        parts.append(f"{_genes(len(unseen))} cannot be read from your file.")
    return " ".join(parts)

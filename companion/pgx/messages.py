"""Every sentence the pharmacogenomics layer says to a person, in one place for review.

Medical content (phenotypes, recommendations, PharmCAT's curated messages) comes from the
knowledge files; these sentences only say what the file could and could not show.
"""
from __future__ import annotations

from collections.abc import Iterable

from companion.pgx.genotypes import Genotype
from companion.pgx.knowledge import Position

CLINICAL_TEST_NEEDED = "copy number / HLA typing not visible in this file — a clinical test is needed"
CPIC_DISCLAIMER = (
    "CPIC guidelines help clinicians decide; they do not replace a clinician's judgement. "
    "Do not change a medicine without talking to your doctor or pharmacist."
)
CHECK_FOR_UPDATES = "CPIC updates its guidance; check cpicpgx.org for the current version."
PHASE_UNKNOWN = (
    "Which chromosome each variant sits on is not known from this file; the most specific explanation is shown."
)


def _names(names: Iterable[str], limit: int = 8) -> str:
    items = list(names)
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


# -- reading the file -------------------------------------------------------------------------

def half_call_variant(label: str) -> str:
    return f"{label}: the file shows a variant on one chromosome but no call on the other; the position was not used."


def indel_unplaceable(label: str, genotype: Genotype) -> str:
    return (f"{label}: the file writes this insertion/deletion as {genotype}, which cannot be matched to "
            "one defined allele here; the position was not used.")


def unexpected_bases_array(label: str, genotype: Genotype, position: Position) -> str:
    expected = "/".join(position.alleles)
    return (f"{label}: the file has {genotype} where the definition expects {expected} (perhaps the other "
            "DNA strand or another probe); the position was not used.")


def undocumented_as_reference(label: str, genotype: Genotype) -> str:
    return (f"{label}: {genotype} includes a base no defined allele has; as PharmCAT does for this gene, "
            "it was read as the reference so that safety guidance is not lost.")


def undocumented_base(label: str, genotype: Genotype) -> str:
    return f"{label}: {genotype} includes a base no defined allele has, so no star allele can be assigned."


def unexpected_representation(label: str, genotype: Genotype, position: Position) -> str:
    expected = "/".join(position.alleles)
    return (f"{label}: the file writes this variant as {genotype}, not in the definition's VCF form "
            f"({expected}, left-aligned); the position was not used.")


def mixed_one_copy_call(label: str, gene: str) -> str:
    if gene == "MT-RNR1":
        return f"{label}: a mixed (heteroplasmic) mitochondrial call; the position was not used."
    return f"{label}: two different alleles on the X chromosome of a male file; the position was not used."


def single_allele_autosome(label: str) -> str:
    return f"{label}: only one allele was given for a position with two copies; the position was not used."


# -- what the call can claim ------------------------------------------------------------------

def not_visible(gene: str) -> str:
    return f"None of the {gene} positions this app reads are in your file."


def missing_positions(gene: str, count: int, total: int) -> str:
    return f"{count} of the {total} positions that define {gene} alleles are not in your file."


def untested_alleles(names: Iterable[str]) -> str:
    return f"Alleles that could not be tested (their positions are missing): {_names(names)}."


def cannot_rule_out(names: Iterable[str]) -> str:
    return (f"Clinically important alleles could be present but hidden at missing positions: {_names(names)}. "
            "The result is therefore not confirmed.")


def reference_means_not_found(reference: str) -> str:
    return f"{reference} here means that none of the tested variants was found, not that the gene was fully read."


def tie(count: int) -> str:
    return f"{count} diplotypes explain the genotypes equally well; phase or more positions would be needed to choose."


def no_match() -> str:
    return ("The genotypes at this gene's positions do not match any combination of two defined alleles "
            "(a rare or new allele, or variants on one chromosome); no phenotype can be given.")


def more_diplotypes(count: int) -> str:
    return f"{count} further possible diplotypes are not listed."


def required_missing(labels: Iterable[str]) -> str:
    return f"Positions this gene needs for any call are missing: {_names(labels)}."


def phenotypes_differ(phenotypes: Iterable[str]) -> str:
    return f"The possible results differ ({_names(phenotypes)}), so no phenotype is claimed."


def unknown_function(names: Iterable[str]) -> str:
    return f"CPIC assigns no function to {_names(names)}; the result is indeterminate."


def priority_pick(picked: str) -> str:
    return f"Several diplotypes fit; {picked} is shown as PharmCAT does, because it is the most frequent."


def slco1b1_fallback(label: str, genotype: str) -> str:
    return (f"The full SLCO1B1 star alleles could not be determined; as PharmCAT does, the result is based on "
            f"{label} ({genotype}) alone.")


def unreadable_alleles(names: Iterable[str]) -> str:
    return f"These alleles cannot be read from a genotype file here: {_names(names)}."


def one_copy(gene: str) -> str:
    if gene == "MT-RNR1":
        return "MT-RNR1 is mitochondrial DNA: one call per position. Mixed (heteroplasmic) calls cannot be read."
    return f"{gene} is on the X chromosome and was read as one copy (one X chromosome)."


def x_two_copies_unknown_sex(gene: str) -> str:
    return (f"{gene} is on the X chromosome; the file gives two copies and the person's sex was not given, "
            "so it was read as two X chromosomes.")


def unnamed_variant(label: str, gene: str) -> str:
    return f"{label}: a variant no defined allele names; read as the reference, as PharmCAT does for {gene}."


def variant_list(variants: Iterable[str]) -> str:
    return (f"Variants found: {_names(variants)}. Without phase, the two lowest-function variants are "
            "presumed to be on different chromosomes, as CPIC and PharmCAT do.")


# -- DPYD HapB3 (NOTES.md §2.6) ---------------------------------------------------------------

def hapb3_exonic_only() -> str:
    return ("c.1236G>A was found but the intronic c.1129-5923C>G that defines HapB3 was not; "
            "HapB3 was not called.")


def hapb3_from_exonic() -> str:
    return ("The intronic c.1129-5923C>G position is missing; HapB3 was inferred from c.1236G>A, "
            "which usually but not always travels with it.")


# -- guidance ---------------------------------------------------------------------------------

def gene_assumed_no_result(gene: str) -> str:
    return f"This recommendation does not take {gene} into account: your file cannot show it."


def recommendation_source(name: str, date: str) -> str:
    return f"{name}, CPIC data of {date}. {CHECK_FOR_UPDATES}"


def drug_guidance(drug: str, genes: Iterable[str]) -> str:
    return f"CPIC guidance for {drug} applies to your result for {', '.join(genes)}."


def drug_no_guidance(drug: str) -> str:
    return f"There is no CPIC guidance for {drug} in this app's data."


def drug_not_visible(drug: str, genes: Iterable[str]) -> str:
    return (f"CPIC guidance for {drug} depends on {', '.join(genes)}, which your file cannot show; "
            "a clinical test is needed.")


def drug_depends(drug: str, genes: Iterable[str]) -> str:
    return (f"CPIC guidance for {drug} depends on {', '.join(genes)}, and your file leaves more than one "
            "possible result; the possibilities are listed.")


def drug_no_row(drug: str) -> str:
    return (f"CPIC has a guideline for {drug}, but it has no table entry for your result in this app's data "
            "(for example a dosing algorithm, or a result CPIC did not list).")

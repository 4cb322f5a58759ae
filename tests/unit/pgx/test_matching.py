"""Heterozygous compounds, missing positions and genotypes no allele explains, for every gene."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from companion.pgx import call_gene, messages
from companion.pgx import report as r
from companion.pgx.knowledge import GeneDefinition, PgxKnowledge, load_knowledge
from companion.pgx.matcher import Matcher, natural_key
from companion.pgx.observe import UNDOCUMENTED_AS_REFERENCE, observe
from companion.pgx.phenotype import phenotype_of
from companion.pgx.variants import VARIANT_LIST_GENES
from tests.unit.pgx.generate import by_position, by_rsid, fill_base, genotypes, haplotype

KNOWLEDGE = load_knowledge()
KNOWLEDGE_NO_MATCH = messages.no_match()
GENES = sorted(KNOWLEDGE.genes)
DIPLOID = [g for g in GENES if g != "MT-RNR1"]


def _names(gene: GeneDefinition) -> list[str]:
    return [a.name for a in gene.alleles if a.name not in gene.exemptions.ignored_alleles]


def _calls(gene: GeneDefinition, *names: str) -> dict[int, str]:
    return genotypes(gene, *(haplotype(gene, gene.allele(n)) for n in names))  # type: ignore[arg-type]


@pytest.mark.parametrize("gene_name", DIPLOID)
def test_each_allele_heterozygous_with_the_reference(knowledge: PgxKnowledge, gene_name: str) -> None:
    gene = knowledge.genes[gene_name]
    ref = gene.reference.name
    for name in _names(gene)[1:]:
        result = call_gene(gene, by_position(gene, _calls(gene, ref, name)), sex="female")
        expected = "/".join(sorted((ref, name), key=natural_key))
        assert result.diplotypes == (expected,), (name, result.diplotypes, result.caveats)


@pytest.mark.parametrize("gene_name", DIPLOID)
def test_compound_heterozygotes_get_the_most_specific_explanation(knowledge: PgxKnowledge, gene_name: str) -> None:
    """Any two alleles, unphased: the call explains the genotype, and it is the truth unless a
    more specific explanation (a higher score) exists, as PharmCAT decides."""
    gene = knowledge.genes[gene_name]
    names = _names(gene)

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.sampled_from(names), st.sampled_from(names))
    def check(a: str, b: str) -> None:
        lookup = by_position(gene, _calls(gene, a, b))
        result = call_gene(gene, lookup, sex="female")
        if gene_name in VARIANT_LIST_GENES:
            matcher = Matcher(gene, observe(gene, lookup, "female"))
            variants = [n for n in (a, b) if matcher.variant_positions(gene.allele(n))]  # type: ignore[arg-type]
            if all(len(matcher.variant_positions(gene.allele(n))) == 1 for n in variants):  # type: ignore[arg-type]
                assert sorted(result.variants_found) == sorted(variants), (a, b)
            return
        matcher = Matcher(gene, observe(gene, lookup, "female"))
        truth = (matcher.candidates[a], matcher.candidates[b])
        assert matcher.viable(*truth)
        assert result.diplotypes, (a, b, result.caveats)
        truth_name = "/".join(sorted((a, b), key=natural_key))
        if truth_name not in result.diplotypes:
            top = [d.split("/") for d in result.diplotypes]
            score = truth[0].score + truth[1].score
            scores = [matcher.candidates[x].score + matcher.candidates[y].score for x, y in top]
            assert all(s >= score for s in scores), (a, b)
            if any(s == score for s in scores):  # NAT2: an equal tie settled by PharmCAT's priority list
                assert any(c.startswith("Several diplotypes fit") for c in result.caveats), (a, b)
        fallback = any("alone" in c for c in result.caveats)  # SLCO1B1: rs4149056 looked up alone
        for dip in result.diplotypes if not fallback else ():
            x, y = dip.split("/")
            assert matcher.viable(matcher.candidates[x], matcher.candidates[y])

    check()


def _phenotype_changing(gene: GeneDefinition) -> list[str]:
    """Clinically relevant alleles whose heterozygous presence changes the reference's result."""
    relevant = list(gene.exemptions.amp1_alleles) or _names(gene)[1:]
    ref = gene.reference.name
    base = phenotype_of(gene, [ref, ref]).result
    out = []
    for name in relevant:
        call = phenotype_of(gene, [ref, name]).result
        if base and call and call.lookup_key != base.lookup_key:
            out.append(name)
    return out


@pytest.mark.parametrize("gene_name", [g for g in DIPLOID if g not in ("CYP2D6",)])
def test_missing_positions_are_never_read_as_reference(knowledge: PgxKnowledge, gene_name: str) -> None:
    gene = knowledge.genes[gene_name]
    changing = _phenotype_changing(gene)
    if not changing:
        pytest.skip(f"no {gene_name} allele changes the reference result")
    ref = gene.reference.name
    if gene_name == "CYP2C19":
        ref = "*1"
    for name in changing[:10]:
        allele = gene.allele(name)
        matcher = Matcher(gene, observe(gene, by_position(gene, _calls(gene, ref, ref)), "female"))
        hidden = matcher.variant_positions(allele)  # type: ignore[arg-type]
        lookup = by_position(gene, _calls(gene, ref, ref), drop=hidden)
        result = call_gene(gene, lookup, sex="female")
        labels = {gene.by_pos[p].label for p in hidden}
        assert labels <= set(result.missing_positions)
        if len(hidden) == len(gene.positions):  # a one-position gene: nothing left to read
            assert result.status == r.NOT_IN_FILE and result.phenotype is None
            continue
        if result.status == r.NOT_CALLED:  # NAT2: a required position is missing
            assert set(labels) & {gene.by_pos[p].label for p in gene.exemptions.required_positions}
            continue
        assert name in result.untested_alleles
        if result.status == r.CALLED:
            # only SLCO1B1's rs4149056 fallback (PharmCAT) may still claim a result
            assert gene_name == "SLCO1B1" and any("alone" in c for c in result.caveats), (name, result)
        else:
            assert result.status == r.AMBIGUOUS and result.phenotype is None, (name, result.status)
            assert len(result.possible_phenotypes) > 1


@pytest.mark.parametrize("gene_name", ["CYP4F2", "IFNL3"])
def test_missing_positions_without_a_phenotype_table(knowledge: PgxKnowledge, gene_name: str) -> None:
    """No CPIC table: the diplotype itself is what must not be claimed."""
    gene = knowledge.genes[gene_name]
    ref = gene.reference.name
    for name in _names(gene)[1:]:
        matcher = Matcher(gene, observe(gene, by_position(gene, _calls(gene, ref, ref)), None))
        hidden = matcher.variant_positions(gene.allele(name))  # type: ignore[arg-type]
        result = call_gene(gene, by_position(gene, _calls(gene, ref, ref), drop=hidden))
        if len(hidden) == len(gene.positions):
            assert result.status == r.NOT_IN_FILE
        else:
            assert result.status == r.AMBIGUOUS and f"{ref}/{name}" in result.diplotypes, name


def test_cyp3a5_without_rs776746_is_not_called_star1(knowledge: PgxKnowledge) -> None:
    gene = knowledge.genes["CYP3A5"]
    rs776746 = next(p.pos for p in gene.positions if p.rsid == "rs776746")
    result = call_gene(gene, by_rsid(gene, _calls(gene, "*1", "*1"), drop={rs776746}))
    assert result.phenotype is None and "*1/*3" in result.diplotypes and "*3/*3" in result.diplotypes
    assert "rs776746" in result.missing_positions


def test_cyp2c19_all_reference_is_star38(knowledge: PgxKnowledge) -> None:
    gene = knowledge.genes["CYP2C19"]
    result = call_gene(gene, by_position(gene, _calls(gene, "*38", "*38")))
    assert result.diplotypes == ("*38/*38",) and result.phenotype == "Normal Metabolizer"
    rs3758581 = next(p.pos for p in gene.positions if p.rsid == "rs3758581")
    without = call_gene(gene, by_position(gene, _calls(gene, "*38", "*38"), drop={rs3758581}))
    assert set(without.diplotypes) == {"*1/*1", "*1/*38", "*38/*38"}  # a tie, all Normal Metabolizer
    assert without.phenotype == "Normal Metabolizer"
    message = next(m.text for m in gene.messages if m.variants_missing == ("rs3758581",))
    assert message in without.caveats


def test_cyp2c19_star17_with_rs3758581_a_is_not_callable(knowledge: PgxKnowledge) -> None:
    gene = knowledge.genes["CYP2C19"]
    calls = _calls(gene, "*38", "*38")
    rs12248560 = next(p.pos for p in gene.positions if p.rsid == "rs12248560")
    calls[rs12248560] = "C/T"
    assert call_gene(gene, by_position(gene, calls)).status == r.NO_MATCH


def _snv_position(gene: GeneDefinition) -> int:
    return next(p.pos for p in gene.positions if p.is_snv and len(p.alleles) < 4)


@pytest.mark.parametrize("gene_name", GENES)
def test_undocumented_base_is_no_match_or_reference_for_toxicity_genes(knowledge: PgxKnowledge, gene_name: str) -> None:
    gene = knowledge.genes[gene_name]
    ref = "*1" if gene_name == "CYP2C19" else gene.reference.name
    calls = _calls(gene, ref) if gene_name == "MT-RNR1" else _calls(gene, ref, ref)
    pos = _snv_position(gene)
    position = gene.by_pos[pos]
    novel = next(b for b in "ACGT" if b not in position.alleles)
    calls[pos] = novel if gene_name == "MT-RNR1" else f"{fill_base(gene, position)}/{novel}"
    result = call_gene(gene, by_position(gene, calls), sex="female")
    if gene_name in UNDOCUMENTED_AS_REFERENCE:
        assert result.status == r.CALLED and any("read as the reference" in c for c in result.caveats)
    elif gene_name == "CYP2D6":
        assert result.status == r.CLINICAL_TEST_NEEDED and result.diplotypes == ()
    elif gene_name == "SLCO1B1" and position.rsid != "rs4149056":
        # PharmCAT's fallback: the star alleles fail, rs4149056 alone is looked up
        assert result.status == r.CALLED and any("alone" in c for c in result.caveats)
        assert any(c == KNOWLEDGE_NO_MATCH for c in result.caveats)
    else:
        assert result.status == r.NO_MATCH and result.phenotype is None and result.diplotypes == ()
    # from an array the same base is more likely the other strand: the position is dropped
    array = call_gene(gene, by_rsid(gene, calls), sex="female") if position.rsid else None
    if array is not None:
        assert position.label in array.missing_positions


@pytest.mark.parametrize("gene_name", DIPLOID)
def test_no_call_anywhere_is_not_in_file(knowledge: PgxKnowledge, gene_name: str) -> None:
    gene = knowledge.genes[gene_name]
    result = call_gene(gene, by_position(gene, {}))
    assert result.status in (r.NOT_IN_FILE, r.CLINICAL_TEST_NEEDED) and result.diplotypes == ()
    assert len(result.missing_positions) == len(gene.positions)

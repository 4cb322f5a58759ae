"""Every allele of every gene, homozygous, is called as that allele's homozygous diplotype.

From a GRCh38 VCF (every position) the call must be exactly ``X/X`` (or a tie documented in
``DOCUMENTED_TIES``). From an array (rsIDs only) the positions without an rsID must be listed as
missing, never read as the reference; an allele that needs them is then either still seen, or
only "cannot be ruled out", or (for alleles outside the clinically tested AMP tier 1 set of genes
that name one) listed as untested.
"""
from __future__ import annotations

import pytest

from companion.pgx import call_gene
from companion.pgx import report as r
from companion.pgx.knowledge import GeneDefinition, PgxKnowledge, load_knowledge
from companion.pgx.matcher import Matcher
from companion.pgx.observe import observe
from companion.pgx.phenotype import phenotype_of
from tests.unit.pgx.generate import by_position, by_rsid, genotypes, haplotype

# Homozygous genotypes the definitions cannot tell apart (allele → the other diplotypes that tie).
# None today: every allele's own homozygous genotype is explained most specifically by itself.
DOCUMENTED_TIES: dict[tuple[str, str], set[str]] = {}
GENES = sorted(load_knowledge().genes)


def _alleles(gene: GeneDefinition) -> list[str]:
    return [a.name for a in gene.alleles if a.name not in gene.exemptions.ignored_alleles]


def _homozygous(gene: GeneDefinition, name: str) -> tuple[dict[int, str], str]:
    h = haplotype(gene, gene.allele(name))  # type: ignore[arg-type]
    if gene.gene == "MT-RNR1":
        return genotypes(gene, h), name
    return genotypes(gene, h, h), f"{name}/{name}"


@pytest.mark.parametrize("gene_name", GENES)
def test_every_allele_homozygous_from_grch38_positions(knowledge: PgxKnowledge, gene_name: str) -> None:
    gene = knowledge.genes[gene_name]
    for name in _alleles(gene):
        calls, expected = _homozygous(gene, name)
        result = call_gene(gene, by_position(gene, calls), sex="female")
        assert result.missing_positions == (), (name, result.missing_positions)
        documented = DOCUMENTED_TIES.get((gene_name, name), set())
        assert set(result.diplotypes) == {expected} | documented, (name, result.diplotypes)
        if gene_name == "CYP2D6":
            assert result.status == r.CLINICAL_TEST_NEEDED and result.phenotype is None
        elif not documented:
            assert result.status == r.CALLED, (name, result.status, result.caveats)
            call = phenotype_of(gene, expected.split("/"))
            assert result.lookup_key == (call.result.lookup_key if call.result else None)


@pytest.mark.parametrize("gene_name", GENES)
def test_every_allele_homozygous_from_rsids(knowledge: PgxKnowledge, gene_name: str) -> None:
    gene = knowledge.genes[gene_name]
    no_rsid = {p.label for p in gene.positions if not p.rsid}
    for name in _alleles(gene):
        calls, expected = _homozygous(gene, name)
        lookup = by_rsid(gene, calls)
        result = call_gene(gene, lookup, sex="female")
        assert no_rsid <= set(result.missing_positions), name
        if len(no_rsid) == len(gene.positions):
            assert result.status == r.NOT_IN_FILE and result.diplotypes == ()
            continue
        matcher = Matcher(gene, observe(gene, lookup, "female"))
        hidden = matcher.variant_positions(gene.allele(name)) & matcher.obs.missing_positions()  # type: ignore[arg-type]
        if not hidden:
            assert expected in result.diplotypes, (name, result.diplotypes)
            continue
        # the allele needs positions an array cannot see: it must not be claimed as seen …
        assert name in result.untested_alleles, name
        if expected in result.diplotypes:  # … unless what is visible still identifies it
            continue
        if result.status == r.CALLED and gene_name not in ("SLCO1B1",):
            # a claim is only made when the gene names its clinically tested alleles and this is not one
            assert gene.exemptions.amp1_alleles and name not in gene.exemptions.amp1_alleles, (name, result)
        else:
            assert result.status in (r.AMBIGUOUS, r.CALLED, r.CLINICAL_TEST_NEEDED), (name, result.status)

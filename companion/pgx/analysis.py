"""From a genome's genotypes to one result per gene, with the CPIC guidance each result earns.

Per gene: read the positions (``observe``), match star alleles (``matcher``) or list variants
(``variants``, DPYD / RYR1 / CACNA1S), add what missing positions leave open, look the
phenotype up (``phenotype``), and only when a single phenotype remains, claim it and attach the
CPIC recommendations (``guidance``).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from companion.pgx import messages
from companion.pgx import report as r
from companion.pgx.genotypes import GenotypeLookup
from companion.pgx.guidance import NO_RESULT, drug_guidance, drug_notes, outcomes, settled
from companion.pgx.knowledge import GeneDefinition, Message, PgxKnowledge
from companion.pgx.matcher import Diplotype, Matcher, diplotype, natural_key
from companion.pgx.observe import Observation, observe
from companion.pgx.phenotype import PhenotypeCall, activity_number, phenotype_of
from companion.pgx.report import DrugGuidance, GeneResult
from companion.pgx.variants import VARIANT_LIST_GENES, call_variants, lowest_pair

# Copy number (deletions, duplications, hybrids) decides CYP2D6 and no genotype file shows it;
# PharmCAT too takes CYP2D6 only as an outside call (NOTES.md §4).
COPY_NUMBER_GENES = frozenset({"CYP2D6"})
# SLCO1B1: when the star alleles cannot be called, PharmCAT looks rs4149056 up alone (NOTES.md §2.6).
SLCO1B1_KEY_SNP = "rs4149056"
MAX_DIPLOTYPES_SHOWN = 12


def wanted_markers(knowledge: PgxKnowledge) -> tuple[frozenset[str], frozenset[tuple[str, int]]]:
    """The rsIDs and GRCh38 (chromosome, position) pairs the caller reads, to fetch them at once."""
    rsids, positions = set(), set()
    for gene in knowledge.genes.values():
        for p in (*gene.positions, *gene.exemptions.extra_positions):
            positions.add((p.chrom, p.pos))
            if p.rsid:
                rsids.add(p.rsid)
    return frozenset(rsids), frozenset(positions)


def analyze(knowledge: PgxKnowledge, lookup: GenotypeLookup, *, sex: str | None = None,
            genes: Iterable[str] | None = None) -> list[GeneResult]:
    """One result per gene (all genes of the knowledge, and the guideline genes it cannot read)."""
    names = sorted(genes) if genes is not None else sorted(knowledge.genes)
    results = [call_gene(knowledge.genes[name], lookup, sex) for name in names if name in knowledge.genes]
    guideline_genes = {g for guideline in knowledge.guidelines for g in guideline.genes}
    unreadable = sorted(guideline_genes - set(knowledge.genes))
    if genes is not None:
        unreadable = [g for g in unreadable if g in names]
    results += [GeneResult(gene=g, status=r.CLINICAL_TEST_NEEDED, caveats=(messages.CLINICAL_TEST_NEEDED,))
                for g in unreadable]
    keys = gene_keys(results)
    return [attach_drugs(knowledge, result, keys) for result in results]


def gene_keys(results: Iterable[GeneResult]) -> dict[str, tuple[str, ...]]:
    """Each gene's possible CPIC lookup keys; ``"No Result"`` for a gene the file cannot show."""
    keys: dict[str, tuple[str, ...]] = {}
    for result in results:
        if result.status == r.CALLED and result.lookup_key is not None:
            keys[result.gene] = (result.lookup_key,)
        elif result.status == r.AMBIGUOUS and result.possible_keys:
            keys[result.gene] = result.possible_keys
        else:
            keys[result.gene] = (NO_RESULT,)
    return keys


def attach_drugs(knowledge: PgxKnowledge, result: GeneResult, keys: dict[str, tuple[str, ...]]) -> GeneResult:
    if result.status != r.CALLED or result.lookup_key is None:
        return result
    found: list[DrugGuidance] = []
    for guideline in knowledge.guidelines:
        if result.gene not in guideline.genes:
            continue
        unseen = tuple(g for g in guideline.genes if keys.get(g, (NO_RESULT,)) == (NO_RESULT,))
        for drug in guideline.drugs:
            outcome = settled(outcomes(knowledge, guideline, drug, {**keys, result.gene: (result.lookup_key,)}))
            if outcome is None:
                continue
            notes = drug_notes(knowledge, drug)
            found += [drug_guidance(rec, outcome.keys, unseen, notes) for rec in outcome.recommendations]
    found.sort(key=lambda d: (d.drug, d.population or ""))
    return replace(result, drugs=tuple(found))


# -- one gene ---------------------------------------------------------------------------------

def call_gene(gene: GeneDefinition, lookup: GenotypeLookup, sex: str | None = None) -> GeneResult:
    obs = observe(gene, lookup, sex)
    base = _Base(gene, obs, sex)
    if not obs.calls:
        status = r.CLINICAL_TEST_NEEDED if gene.gene in COPY_NUMBER_GENES else r.NOT_IN_FILE
        extra = (messages.CLINICAL_TEST_NEEDED,) if status == r.CLINICAL_TEST_NEEDED else ()
        return base.result(status, caveats=(*extra, messages.not_visible(gene.gene)))
    matcher = Matcher(gene, obs)
    required = sorted(p for p in gene.exemptions.required_positions if p not in obs.calls)
    if required:
        return base.result(r.NOT_CALLED, caveats=(messages.required_missing(gene.by_pos[p].label for p in required),))
    if gene.gene in VARIANT_LIST_GENES:
        return _variant_list(base, matcher)
    return _star_alleles(base, matcher)


class _Base:
    """What every result of a gene carries: missing positions, reading notes, PharmCAT messages."""

    def __init__(self, gene: GeneDefinition, obs: Observation, sex: str | None) -> None:
        self.gene = gene
        self.obs = obs
        self.caveats: list[str] = list(obs.notes)
        if obs.missing and obs.calls:
            self.caveats.append(messages.missing_positions(gene.gene, len(obs.missing), len(gene.positions)))
        if gene.unreadable_alleles:
            self.caveats.append(messages.unreadable_alleles(gene.unreadable_alleles))
        if obs.haploid and obs.calls:
            self.caveats.append(messages.one_copy(gene.gene))
        elif gene.chromosome == "X" and obs.calls and sex is None:
            self.caveats.append(messages.x_two_copies_unknown_sex(gene.gene))

    def result(self, status: str, *, diplotypes: Sequence[Diplotype] = (), call: PhenotypeCall | None = None,
               possible: Sequence[PhenotypeCall] = (), untested: Sequence[str] = (), caveats: Sequence[str] = (),
               variants_found: Sequence[str] = ()) -> GeneResult:
        res = call.result if call else None
        names = {n for d in diplotypes for n in d.alleles}
        table = self.gene.phenotype
        functions = {n: table.alleles[n].function for n in sorted(names, key=natural_key)
                     if table and n in table.alleles}
        general, specific = _messages(self.gene, self.obs, diplotypes, untested)
        if status == r.NOT_IN_FILE:
            specific = []
        shown = [d.name for d in diplotypes[:MAX_DIPLOTYPES_SHOWN]]
        more = len(diplotypes) - len(shown)
        all_caveats = [*self.caveats, *caveats, *specific]
        if more > 0:
            all_caveats.append(messages.more_diplotypes(more))
        keys = tuple(dict.fromkeys(p.result.lookup_key for p in possible if p.result))
        return GeneResult(
            gene=self.gene.gene,
            status=status,
            diplotypes=tuple(shown),
            phenotype=res.phenotype if res else None,
            activity_score=activity_number(res.activity_score) if res else None,
            lookup_key=res.lookup_key if res else None,
            possible_phenotypes=tuple(dict.fromkeys(p.result.phenotype for p in possible if p.result))
            if status == r.AMBIGUOUS else (),
            possible_keys=keys if status in (r.AMBIGUOUS, r.CALLED) else (),
            missing_positions=tuple(p.label for p in self.obs.missing),
            untested_alleles=tuple(untested),
            variants_found=tuple(variants_found),
            allele_functions=functions,
            extra_positions=dict(self.obs.extra),
            caveats=tuple(dict.fromkeys(all_caveats)),
            notes=tuple(general),
        )


def _claim(base: _Base, diplotypes: list[Diplotype], calls: list[PhenotypeCall], untested: list[str],
           caveats: list[str], *, top: int, variants_found: Sequence[str] = ()) -> GeneResult:
    """CALLED when every possibility gives the same lookup key, else AMBIGUOUS.

    ``calls[:top]`` are the phenotypes of the matched diplotypes, the rest of what cannot be ruled out.
    """
    caveats = list(caveats)
    keys = {(c.result.lookup_key if c.result else None) for c in calls}
    unknown = sorted({n for c in calls[:top] for n in c.unknown}, key=natural_key)
    if unknown:
        caveats.append(messages.unknown_function(unknown))
    if len(keys) == 1:
        return base.result(r.CALLED, diplotypes=diplotypes, call=calls[0], possible=calls[:1], untested=untested,
                           caveats=caveats, variants_found=variants_found)
    phenotypes = list(dict.fromkeys(c.result.phenotype if c.result else "unknown" for c in calls))
    caveats.append(messages.phenotypes_differ(phenotypes))
    return base.result(r.AMBIGUOUS, diplotypes=diplotypes, possible=calls, untested=untested, caveats=caveats,
                       variants_found=variants_found)


def _relevant(gene: GeneDefinition) -> list[str]:
    """Alleles whose absence must be shown before a result is claimed: AMP tier 1 where the
    data names them, otherwise every allele."""
    return list(gene.exemptions.amp1_alleles) or [a.name for a in gene.alleles]


def _star_alleles(base: _Base, matcher: Matcher) -> GeneResult:
    gene, obs = base.gene, base.obs
    match = matcher.match()
    untested = matcher.untested()
    caveats: list[str] = []
    if untested:
        caveats.append(messages.untested_alleles(untested))
    if gene.gene in COPY_NUMBER_GENES:
        caveats.insert(0, messages.CLINICAL_TEST_NEEDED)
        return base.result(r.CLINICAL_TEST_NEEDED, diplotypes=match.top, untested=untested, caveats=caveats)
    if not match.top:
        caveats.append(messages.no_match())
        return _slco1b1_fallback(base, matcher, untested, caveats) or base.result(
            r.NO_MATCH, untested=untested, caveats=caveats)
    if match.priority_pick:
        caveats.append(messages.priority_pick(match.priority_pick))
    elif len(match.top) > 1:
        caveats.append(messages.tie(len(match.top)))
    hidden = matcher.cannot_rule_out(match.top, _relevant(gene))
    if hidden:
        caveats.append(messages.cannot_rule_out(sorted({n for d in hidden for n in d.alleles} - {
            n for d in match.top for n in d.alleles}, key=natural_key)))
    possible = [*match.top, *hidden]
    if gene.phenotype is None:  # no CPIC table (CYP4F2): only the diplotype itself can be claimed
        status = r.CALLED if len(possible) == 1 else r.AMBIGUOUS
        return base.result(status, diplotypes=possible, untested=untested, caveats=caveats)
    calls = [phenotype_of(gene, d.alleles) for d in possible]
    if obs.missing and any(gene.reference.name in d.alleles for d in match.top):
        caveats.append(messages.reference_means_not_found(gene.reference.name))
    if sum(len(set(a)) > 1 for a in obs.calls.values()) > 1:
        caveats.append(messages.PHASE_UNKNOWN)
    result = _claim(base, possible, calls, untested, caveats, top=len(match.top))
    top_keys = {c.result.lookup_key if c.result else None for c in calls[:len(match.top)]}
    if result.status == r.AMBIGUOUS and len(top_keys) == 1:
        # the doubt comes from untested positions, not from a tie: PharmCAT's rs4149056 fallback
        return _slco1b1_fallback(base, matcher, untested, caveats) or result
    return result


def _variant_list(base: _Base, matcher: Matcher) -> GeneResult:
    gene = base.gene
    vc = call_variants(gene, base.obs, matcher)
    caveats = list(vc.notes)
    for label in vc.unexplained:
        caveats.append(messages.unnamed_variant(label, gene.gene))
    untested = [n for n in matcher.untested() if n not in vc.tested_by_proxy]
    if untested:
        caveats.append(messages.untested_alleles(untested))
    if vc.found:
        caveats.append(messages.variant_list(sorted(vc.found, key=natural_key)))
    pair = lowest_pair(gene, vc.found)
    calls = [phenotype_of(gene, pair)]
    relevant = set(_relevant(gene))
    hidden = [n for n in untested if n in relevant]
    for name in hidden:
        for extra in ([name], [name, name]):
            calls.append(phenotype_of(gene, lowest_pair(gene, [*vc.found, *extra])))
    if hidden and len({c.result.lookup_key if c.result else None for c in calls}) > 1:
        caveats.append(messages.cannot_rule_out(hidden))
    return _claim(base, [diplotype(pair)], calls, untested, caveats, top=1,
                  variants_found=sorted(vc.found, key=natural_key))


def _slco1b1_fallback(base: _Base, matcher: Matcher, untested: list[str], reasons: list[str]) -> GeneResult | None:
    gene, obs = base.gene, base.obs
    if gene.gene != "SLCO1B1":
        return None
    position = next((p for p in gene.positions if p.rsid == SLCO1B1_KEY_SNP), None)
    if position is None or position.pos not in obs.calls:
        return None
    only_here = [a.name for a in gene.alleles[1:] if matcher.variant_positions(a) == {position.pos}]
    if len(only_here) != 1:
        return None
    names = [gene.reference.name if b == matcher.fill[position.pos] else only_here[0] for b in obs.calls[position.pos]]
    if any(b not in (matcher.fill[position.pos], *position.alts) for b in obs.calls[position.pos]):
        return None
    call = phenotype_of(gene, names)
    genotype = "/".join(obs.calls[position.pos])
    caveats = [*reasons, messages.slco1b1_fallback(position.label, genotype)]
    return base.result(r.CALLED, diplotypes=[diplotype(names)], call=call, possible=[call], untested=untested,
                       caveats=caveats)


def _messages(gene: GeneDefinition, obs: Observation, diplotypes: Sequence[Diplotype],
              untested: Sequence[str]) -> tuple[list[str], list[str]]:
    """PharmCAT's curated messages for this gene: (general notes, ones this result triggers)."""
    called = {n for d in diplotypes for n in d.alleles}
    dips = {tuple(sorted(d.alleles)) for d in diplotypes}
    missing_rsids = {p.rsid for p in obs.missing if p.rsid}
    variant_rsids = {
        gene.by_pos[pos].rsid for pos, alleles in obs.calls.items()
        if any(a != gene.by_pos[pos].ref for a in alleles)
    }
    general, specific = [], []
    for m in gene.messages:
        if not m.text:
            continue
        conditions = _conditions(m, called, dips, missing_rsids, variant_rsids, set(untested))
        if conditions is None:
            general.append(m.text)
        elif conditions:
            specific.append(m.text)
    return general, specific


def _conditions(m: Message, called: set[str], dips: set[tuple[str, ...]], missing_rsids: set[str],
                variant_rsids: set[str | None], untested: set[str]) -> bool | None:
    """None: the message has no condition (a general note); else whether all its conditions hold."""
    checks = []
    if m.diplotypes:
        checks.append(any(tuple(sorted(d.split("/"))) in dips for d in m.diplotypes))
    if m.haplotypes_called:
        checks.append(any(h.strip() in called for entry in m.haplotypes_called for h in entry.split(";")))
    if m.haplotypes_missing:
        checks.append(any(h in untested for h in m.haplotypes_missing))
    if m.variants_missing:
        checks.append(all(v in missing_rsids for v in m.variants_missing))
    if m.variants:
        checks.append(all(v in variant_rsids for v in m.variants))
    if not checks:
        return None
    return all(checks)

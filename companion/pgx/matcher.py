"""Star-allele matching from unphased genotypes, in the manner of PharmCAT's NamedAlleleMatcher.

- Positions missing from the file are dropped from every allele; an allele left with no
  position is not considered (NOTES.md §2.2). A definition's empty cell means the reference base.
- A diplotype is a pair of alleles whose required bases, taken together, give the observed
  genotype at every available position (IUPAC codes accept either base). This is the same set
  PharmCAT finds by pairing phase permutations, computed per position instead.
- Each diplotype scores the sum of its alleles' scores (the positions each defines, among those
  read); the highest score wins, so the most specific explanation wins, and equal scores are a tie.

``cannot_rule_out`` adds what PharmCAT does not: diplotypes in which an allele whose variant
positions are missing replaces a called one, so that absent data is never read as *1.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from companion.pgx.knowledge import IUPAC, GeneDefinition, NamedAllele, allowed_bases
from companion.pgx.observe import Observation

_DIGITS = re.compile(r"(\d+)")


@lru_cache(maxsize=4096)
def natural_key(name: str) -> tuple[tuple[int, int | str], ...]:
    """``*2`` before ``*10``; names otherwise in character order (``Reference`` before ``c.…``)."""
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in _DIGITS.split(name) if part)


@dataclass(frozen=True)
class Diplotype:
    alleles: tuple[str, ...]  # two names (one for a single-copy gene), in natural order
    score: int

    @property
    def name(self) -> str:
        return "/".join(self.alleles)


def diplotype(names: Iterable[str], score: int = 0) -> Diplotype:
    return Diplotype(tuple(sorted(names, key=natural_key)), score)


@dataclass(frozen=True)
class Candidate:
    """An allele restricted to the positions the file has."""

    allele: NamedAllele
    allowed: dict[int, frozenset[str]]  # available defined position → accepted bases
    score: int

    @property
    def name(self) -> str:
        return self.allele.name


@dataclass
class MatchResult:
    top: list[Diplotype]  # the best-scoring diplotypes (several = a tie)
    considered: dict[str, Candidate]  # alleles that could be matched at all
    priority_pick: str | None = None  # NAT2: the tie resolved by exemptions.json


class Matcher:
    """Matching for one gene and one observation."""

    def __init__(self, gene: GeneDefinition, obs: Observation) -> None:
        self.gene = gene
        self.obs = obs
        self.calls = obs.calls
        ref = gene.reference
        # PharmCAT fills an empty cell with the reference allele's base, or with the position's
        # VCF ref where the reference allele itself carries an IUPAC code (CYP2D6).
        self.fill = {}
        for p in gene.positions:
            base = ref.bases.get(p.pos, p.ref)
            self.fill[p.pos] = p.ref if len(base) == 1 and base in IUPAC and len(IUPAC[base]) > 1 else base
        available = obs.available
        self.het = frozenset(p for p, a in self.calls.items() if len(set(a)) > 1)
        self.off_fill = frozenset(p for p, a in self.calls.items() if self.fill[p] not in a)
        self.candidates: dict[str, Candidate] = {}
        for allele in gene.alleles:
            if allele.name in gene.exemptions.ignored_alleles:
                continue
            allowed = {p: allowed_bases(b) for p, b in allele.bases.items() if p in available}
            self.candidates[allele.name] = Candidate(allele, allowed, len(allowed))

    def allowed(self, c: Candidate, pos: int) -> frozenset[str]:
        return c.allowed.get(pos) or frozenset((self.fill[pos],))

    def compatible(self, c: Candidate) -> bool:
        if not self.off_fill <= c.allowed.keys():
            return False
        return all(c.allowed[p] & set(self.calls[p]) for p in c.allowed)

    def viable(self, x: Candidate, y: Candidate | None) -> bool:
        """Do x and y together give the observed genotype everywhere? (y None: one copy.)"""
        if y is None:
            return self.compatible(x)
        for p in self.het | self.off_fill | x.allowed.keys() | y.allowed.keys():
            g1, g2 = self.calls[p]
            ax, ay = self.allowed(x, p), self.allowed(y, p)
            if not ((g1 in ax and g2 in ay) or (g2 in ax and g1 in ay)):
                return False
        return True

    def match(self) -> MatchResult:
        missing = bool(self.obs.missing)
        considered = {
            name: c for name, c in self.candidates.items()
            if (c.score > 0 or not missing) and self.compatible(c)
        }
        found: list[Diplotype] = []
        names = sorted(considered, key=natural_key)
        if self.obs.haploid:
            found = [diplotype([n], considered[n].score) for n in names]
        else:
            for i, a in enumerate(names):
                for b in names[i:]:
                    if self.viable(considered[a], considered[b]):
                        found.append(diplotype([a, b], considered[a].score + considered[b].score))
        if not found:
            return MatchResult([], considered)
        best = max(d.score for d in found)
        top = sorted((d for d in found if d.score == best), key=lambda d: tuple(map(natural_key, d.alleles)))
        pick = None
        if len(top) > 1:
            tied = frozenset(d.name for d in top)
            for diplotypes, chosen in self.gene.exemptions.unphased_priorities:
                if diplotypes == tied:
                    top = [d for d in top if d.name == chosen]
                    pick = chosen
        return MatchResult(top, considered, pick)

    # -- what missing positions leave open ------------------------------------------------------

    def variant_positions(self, allele: NamedAllele) -> frozenset[int]:
        """Positions where the allele requires something other than the reference base."""
        return frozenset(p for p, b in allele.bases.items() if self.fill[p] not in allowed_bases(b))

    def untested(self) -> list[str]:
        """Alleles (not the reference) with a variant position the file lacks."""
        missing = self.obs.missing_positions()
        return [
            a.name for a in self.gene.alleles
            if not a.reference and a.name not in self.gene.exemptions.ignored_alleles
            and self.variant_positions(a) & missing
        ]

    def cannot_rule_out(self, top: list[Diplotype], relevant: Iterable[str]) -> list[Diplotype]:
        """Diplotypes, other than ``top``, in which untested relevant alleles take a strand's place."""
        wanted = set(relevant)
        hidden = [self.candidates[n] for n in self.untested() if n in wanted and n in self.candidates]
        hidden = [c for c in hidden if self.compatible(c)]
        if not hidden:
            return []
        # alleles whose remaining positions are the same behave the same: test each shape once
        shapes: dict[frozenset[tuple[int, frozenset[str]]], list[Candidate]] = {}
        for c in hidden:
            shapes.setdefault(frozenset(c.allowed.items()), []).append(c)
        seen = {d.alleles for d in top}
        out: list[Diplotype] = []
        for d in top:
            slots = [[[self.candidates[n]], *shapes.values()] for n in d.alleles]
            if self.obs.haploid:
                groups: Iterable[tuple[list[Candidate], list[Candidate] | None]] = ((xs, None) for xs in slots[0])
            else:
                groups = ((xs, ys) for xs in slots[0] for ys in slots[1])
            for xs, ys in groups:
                if not self.viable(xs[0], ys[0] if ys else None):
                    continue
                others: list[Candidate | None] = list(ys) if ys else [None]
                for x in xs:
                    for y in others:
                        names = [x.name] if y is None else [x.name, y.name]
                        alt = diplotype(names, x.score + (y.score if y else 0))
                        if alt.alleles not in seen:
                            seen.add(alt.alleles)
                            out.append(alt)
        return out

"""Pieces of the Genes & medicines page: one card per gene, CPIC recommendation blocks and the
answer to "does my genome change anything for this drug?"."""
from __future__ import annotations

import html
from collections.abc import Callable, Sequence

from companion.pgx import report as r
from companion.pgx.drugs import DEPENDS, GUIDANCE, NO_GUIDANCE, NOT_VISIBLE, DrugAnswer
from companion.pgx.report import DrugGuidance, GeneResult
from companion.services.pgx import CPIC_DISCLAIMER
from companion.ui import medicines_messages as words
from companion.ui.qt import QFrame, QHBoxLayout, QLabel, Qt, QVBoxLayout, QWidget
from companion.ui.widgets.expander import Expander

# dark enough for text on a light background (WCAG AA); the tag's words say the same thing
TONE_COLOURS = {words.NOTABLE: "#8a5300", words.TYPICAL: "#2e6b31", words.UNCERTAIN: "#4a5563",
                words.UNSEEN: "#5c5c5c"}


def text_label(text: str, *, bold: bool = False, italic: bool = False, scale: float = 1.0) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if bold or italic or scale != 1.0:
        font = label.font()
        font.setBold(bold)
        font.setItalic(italic)
        font.setPointSizeF(font.pointSizeF() * scale)
        label.setFont(font)
    return label


def tone_of(result: GeneResult) -> str:
    if result.status in (r.NOT_IN_FILE, r.CLINICAL_TEST_NEEDED):
        return words.UNSEEN
    if result.status != r.CALLED:
        return words.UNCERTAIN
    return words.phenotype_words(result.gene, result.phenotype)[1]


def confidence(result: GeneResult) -> tuple[str, str]:
    if result.status == r.CALLED and result.missing_positions:
        return words.CALLED_WITH_GAPS
    return words.CONFIDENCE.get(result.status, (result.status, ""))


def headline(result: GeneResult) -> str:
    """The phenotype in plain words, or what stands in its place."""
    if result.status == r.CALLED:
        return words.phenotype_words(result.gene, result.phenotype)[0]
    if result.status == r.AMBIGUOUS and result.possible_phenotypes:
        options = " or ".join(words.lower_phenotype(p) for p in result.possible_phenotypes)
        return f"Several results are possible: {options}."
    return confidence(result)[1]


# -- recommendations ---------------------------------------------------------------------------

def _grouped(guidance: Sequence[DrugGuidance]) -> list[tuple[list[str], DrugGuidance]]:
    """Drugs that share the very same recommendation (e.g. seven anaesthetics) are shown once."""
    groups: dict[tuple[object, ...], tuple[list[str], DrugGuidance]] = {}
    for item in guidance:
        key = (item.recommendation, item.strength, item.population, item.implications, item.guideline,
               item.guideline_date, item.notes)
        if key in groups:
            groups[key][0].append(item.drug)
        else:
            groups[key] = ([item.drug], item)
    return list(groups.values())


def add_guidance(layout: QVBoxLayout, guidance: Sequence[DrugGuidance]) -> None:
    """CPIC recommendation blocks: text, strength, guideline name and date, and the disclaimer."""
    for drugs, item in _grouped(guidance):
        block = QFrame()
        block.setObjectName("guidanceBlock")
        block.setStyleSheet("QFrame#guidanceBlock { border-top: 1px solid palette(mid); }")
        column = QVBoxLayout(block)
        column.setContentsMargins(0, 8, 0, 4)
        column.setSpacing(4)
        column.addWidget(text_label(words.names(drugs), bold=True, scale=1.1))
        population = words.population_words(item.population)
        if population:
            column.addWidget(text_label(f"For {population}"))
        column.addWidget(text_label(f"CPIC recommends: {item.recommendation.strip()}"))
        strength = words.strength_words(item.strength)
        if strength:
            column.addWidget(text_label(f"How strong the advice is: {strength}"))
        for implication in item.implications:
            column.addWidget(text_label(f"What it means: {implication}"))
        for note in item.notes:
            if not note.startswith(item.guideline):  # the source line below says it
                column.addWidget(text_label(note))
        source = text_label(words.source_line(item.guideline, item.guideline_date, item.url))
        source.setAccessibleName("Source of this recommendation")
        column.addWidget(source)
        column.addWidget(text_label(CPIC_DISCLAIMER, italic=True))
        layout.addWidget(block)


# -- gene cards --------------------------------------------------------------------------------

def _details(result: GeneResult) -> Callable[[QVBoxLayout], None]:
    def build(layout: QVBoxLayout) -> None:
        if result.diplotypes:
            if result.status == r.CLINICAL_TEST_NEEDED:
                how = words.SEEN_NOT_A_RESULT
            elif len(result.diplotypes) == 1:
                how = "Your result in gene terms"
            else:
                how = "Possible results in gene terms"
            layout.addWidget(text_label(f"{how}: {words.names(result.diplotypes)}"))
        if result.activity_score is not None:
            layout.addWidget(text_label(f"Activity score: {result.activity_score:g}"))
        if result.possible_phenotypes:
            layout.addWidget(text_label(f"Possible types: {words.names(result.possible_phenotypes)}"))
        if result.allele_functions:
            functions = "; ".join(f"{name}: {what}" for name, what in result.allele_functions.items())
            layout.addWidget(text_label(f"What each allele does: {functions}"))
        if result.variants_found:
            layout.addWidget(text_label(f"Variants found: {words.names(result.variants_found)}"))
        for caveat in result.caveats:
            layout.addWidget(text_label(f"• {caveat}"))
        if result.missing_positions:
            missing = text_label(f"Positions not in your file ({len(result.missing_positions)}): "
                                 f"{words.names(result.missing_positions)}")
            missing.setAccessibleName("Missing positions")
            layout.addWidget(missing)
        else:
            layout.addWidget(text_label("Every position this app reads for this gene is in your file."))
        if result.untested_alleles:
            layout.addWidget(text_label(f"Alleles that could not be tested: {words.names(result.untested_alleles)}"))
        for note in result.notes:
            layout.addWidget(text_label(f"Note: {note}"))
    return build


class GeneCard(QFrame):
    """One gene: its type in plain words, what the gene does, how sure, the medicines it
    affects with CPIC's recommendations, and the details (collapsed)."""

    def __init__(self, result: GeneResult, gene_drugs: Sequence[str], on_drug: Callable[[str], None]) -> None:
        super().__init__()
        self.result = result
        self.tone = tone_of(result)
        self.setObjectName("geneCard")
        self.setStyleSheet(
            "QFrame#geneCard { border: 1px solid palette(mid); border-radius: 6px; background: palette(base);"
            f" border-left: 6px solid {TONE_COLOURS[self.tone]}; }}"
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 12, 10)
        layout.setSpacing(6)

        top = QHBoxLayout()
        self.name_label = text_label(result.gene, bold=True, scale=1.35)
        self.name_label.setWordWrap(False)
        self.tag_label = text_label(words.TONE_TAGS[self.tone], bold=True)
        self.tag_label.setWordWrap(False)
        self.tag_label.setStyleSheet(f"color: {TONE_COLOURS[self.tone]};")
        top.addWidget(self.name_label)
        top.addStretch(1)
        top.addWidget(self.tag_label)
        layout.addLayout(top)

        self.headline_label = text_label(headline(result), bold=True, scale=1.1)
        layout.addWidget(self.headline_label)
        about = words.GENE_ABOUT.get(result.gene)
        if about:
            layout.addWidget(text_label(f"What this gene does: {about}"))
        sure, sentence = confidence(result)
        how_sure = f"How sure: {sure}."
        plain_call = result.status == r.CALLED and not result.missing_positions
        if sentence and not plain_call and sentence != self.headline_label.text():
            how_sure += f" {sentence}"
        self.confidence_label = text_label(how_sure)
        layout.addWidget(self.confidence_label)

        drugs = sorted({d.drug for d in result.drugs}, key=str.casefold)
        self.medicines_label = QLabel()
        self.medicines_label.setWordWrap(True)
        self.medicines_label.setTextFormat(Qt.TextFormat.RichText)
        self.medicines_label.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.medicines_label.linkActivated.connect(lambda link: on_drug(link.removeprefix("drug:")))
        self.medicines_label.setAccessibleName(f"Medicines {result.gene} affects")
        shown = drugs or list(gene_drugs)
        links = ", ".join(f'<a href="drug:{html.escape(d)}">{html.escape(d)}</a>' for d in shown)
        if not shown:
            text = html.escape(words.NO_DRUGS)
        elif drugs:
            text = f"{html.escape(words.affected_medicines(len(drugs)))} {links}"
        else:
            after = {r.CALLED: words.CHECK_EACH, r.AMBIGUOUS: words.CHECK_POSSIBILITIES}.get(
                result.status, words.NO_RESULT_NO_ADVICE)
            text = f"{html.escape(words.AFFECTED_BY_GENE)} {links}. {html.escape(after)}"
        self.medicines_label.setText(text)
        layout.addWidget(self.medicines_label)

        self.recommendations: Expander | None = None
        if result.drugs:
            self.recommendations = Expander(
                f"{words.RECOMMENDATIONS_BUTTON} ({len(drugs)})", lambda lay: add_guidance(lay, result.drugs)
            )
            self.recommendations.toggle.setAccessibleName(f"{words.RECOMMENDATIONS_BUTTON} — {result.gene}")
            layout.addWidget(self.recommendations)
        self.details = Expander(words.DETAILS_BUTTON, _details(result))
        self.details.toggle.setAccessibleName(f"Details for {result.gene}")
        layout.addWidget(self.details)
        self.setAccessibleName(f"{result.gene}: {words.TONE_TAGS[self.tone]}. {self.headline_label.text()}")


# -- the drug question -------------------------------------------------------------------------

def add_answer(layout: QVBoxLayout, answer: DrugAnswer) -> QLabel:
    """The answer for one drug; returns its summary label."""
    summary = text_label(answer.summary, bold=True)
    summary.setAccessibleName("Answer")
    layout.addWidget(summary)
    if answer.status == NO_GUIDANCE:
        layout.addWidget(text_label(words.NO_GUIDANCE_MEANING))
        return summary
    if answer.status == NOT_VISIBLE:
        layout.addWidget(text_label(words.not_visible_meaning(answer.unseen_genes)))
    for note in answer.notes:
        layout.addWidget(text_label(note))
    if answer.status == GUIDANCE:
        add_guidance(layout, answer.guidance)
    elif answer.status == DEPENDS:
        layout.addWidget(text_label(words.DEPENDS_MEANING))
        for possibility in answer.possibilities:
            layout.addWidget(text_label(words.possibility_heading(possibility.keys), bold=True))
            holder = QWidget()
            inner = QVBoxLayout(holder)
            inner.setContentsMargins(16, 0, 0, 0)
            add_guidance(inner, possibility.guidance)
            layout.addWidget(holder)
    else:
        layout.addWidget(text_label(CPIC_DISCLAIMER, italic=True))
    return summary

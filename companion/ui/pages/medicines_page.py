"""Genes & medicines page: one card per pharmacogene and a "check a medicine" search, worked out
in the background from the primary genome (``companion.services.pgx``)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from companion.pgx.drugs import DrugAnswer
from companion.services.pgx import CPIC_DISCLAIMER, GenomeMedicines, drug_names, knowledge, medicines_for_genome
from companion.ui import medicines_messages as words
from companion.ui.pages.background_load import BackgroundLoad
from companion.ui.pages.genome_page import imported_words
from companion.ui.pages.medicines_cards import GeneCard, add_answer, text_label
from companion.ui.qt import (
    QCompleter,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QShowEvent,
    QStackedWidget,
    QStringListModel,
    Qt,
    QVBoxLayout,
    QWidget,
)
from companion.ui.tasks import CancelToken, TaskRunner
from companion.ui.widgets.page_scroll import page_scroll
from companion.ui.widgets.text import heading, paragraph
from companion.vault.session import VaultSession

CARD_ORDER = {words.NOTABLE: 0, words.UNCERTAIN: 1, words.TYPICAL: 2, words.UNSEEN: 3}


@dataclass(frozen=True)
class Loaded:
    medicines: GenomeMedicines | None
    drug_names: tuple[str, ...]
    gene_drugs: dict[str, tuple[str, ...]]  # every drug CPIC names for a gene, for genes without a result


def load_medicines(session: Any) -> Loaded:
    """Runs in the thread pool, on the worker session's own connection (DESIGN §7)."""
    worker = session.spawn_worker()
    try:
        medicines = medicines_for_genome(worker)
    finally:
        worker.close()
    gene_drugs: dict[str, set[str]] = {}
    for guideline in knowledge().guidelines:
        for gene in guideline.genes:
            gene_drugs.setdefault(gene, set()).update(guideline.drugs)
    by_gene = {gene: tuple(sorted(drugs, key=str.casefold)) for gene, drugs in gene_drugs.items()}
    return Loaded(medicines, tuple(drug_names()), by_gene)


class MedicinesPage(QWidget):
    title = words.TITLE

    def __init__(
        self, session: VaultSession, tasks: TaskRunner, show_genome: Callable[[], None], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.session, self.tasks = session, tasks
        self.medicines: GenomeMedicines | None = None
        self.answer: DrugAnswer | None = None
        self.answer_summary: QLabel | None = None
        self.loader = BackgroundLoad(self, tasks, self.load)

        # -- working ----------------------------------------------------------------------
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setAccessibleName("Working")
        self.busy.setMaximumWidth(360)
        loading = QWidget()
        loading_layout = QVBoxLayout(loading)
        loading_layout.addWidget(paragraph(words.LOADING))
        loading_layout.addWidget(self.busy)
        loading_layout.addStretch(1)
        self.loading = loading

        # -- no genome --------------------------------------------------------------------
        self.empty = QWidget()
        self.go_to_genome = QPushButton(words.GO_TO_GENOME)
        self.go_to_genome.setAccessibleName(words.GO_TO_GENOME)
        self.go_to_genome.clicked.connect(show_genome)
        self.go_to_genome.setAutoDefault(True)  # Enter presses it when it has focus, as in a dialog
        empty_layout = QVBoxLayout(self.empty)
        self.empty_label = paragraph(words.EMPTY)
        empty_layout.addWidget(self.empty_label)
        empty_layout.addWidget(self.go_to_genome, 0, Qt.AlignmentFlag.AlignLeft)
        empty_layout.addStretch(1)

        # -- failed -----------------------------------------------------------------------
        self.failure = QWidget()
        self.failure_label = paragraph("")
        self.failure_label.setAccessibleName("Problem")
        retry = QPushButton("Try again")
        retry.clicked.connect(self.load)
        failure_layout = QVBoxLayout(self.failure)
        failure_layout.addWidget(self.failure_label)
        failure_layout.addWidget(retry, 0, Qt.AlignmentFlag.AlignLeft)
        failure_layout.addStretch(1)

        # -- results ----------------------------------------------------------------------
        self.source_label = paragraph("")
        disclaimer = text_label(CPIC_DISCLAIMER, bold=True)
        disclaimer.setObjectName("disclaimer")
        disclaimer.setStyleSheet(
            "QLabel#disclaimer { border: 1px solid palette(mid); border-radius: 4px; padding: 8px;"
            " background: palette(alternate-base); }"
        )
        self.search_field = QLineEdit()
        self.search_field.setPlaceholderText(words.SEARCH_PLACEHOLDER)
        self.search_field.setAccessibleName("Medicine name")
        self.search_field.setClearButtonEnabled(True)
        self.search_field.returnPressed.connect(self.search)
        self.drug_list = QStringListModel([])
        self.completer = QCompleter(self.drug_list, self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.completer.activated.connect(self._completion_chosen)
        self.search_field.setCompleter(self.completer)
        self.search_button = QPushButton(words.SEARCH_BUTTON)
        self.search_button.setAccessibleName("Check this medicine")
        self.search_button.clicked.connect(self.search)
        self.search_button.setAutoDefault(True)
        self.search_box = QGroupBox(words.SEARCH_TITLE)
        row = QHBoxLayout()
        row.addWidget(self.search_field, 1)
        row.addWidget(self.search_button)
        self.answer_holder = QWidget()
        self.answer_layout = QVBoxLayout(self.answer_holder)
        self.answer_layout.setContentsMargins(0, 4, 0, 0)
        search_layout = QVBoxLayout(self.search_box)
        search_layout.addLayout(row)
        search_layout.addWidget(self.answer_holder)
        self.summary_label = text_label("", bold=True)
        self.summary_label.setAccessibleName("Summary")
        self.cards = QVBoxLayout()
        self.cards.setSpacing(10)

        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setSpacing(10)
        body_layout.addWidget(paragraph(words.INTRO))
        body_layout.addWidget(self.source_label)
        body_layout.addWidget(disclaimer)
        body_layout.addWidget(self.search_box)
        body_layout.addWidget(self.summary_label)
        body_layout.addLayout(self.cards)
        body_layout.addStretch(1)
        self.scroll = page_scroll(body)
        self.results = self.scroll

        self.blank = QWidget()  # after a lock: nothing at all
        self.states = QStackedWidget()
        for state in (self.blank, self.loading, self.empty, self.failure, self.results):
            self.states.addWidget(state)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(words.HEADING))
        layout.addWidget(self.states, 1)
        self.setTabOrder(self.search_field, self.search_button)

    # ---- loading -------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt naming
        super().showEvent(event)
        self.loader.shown()

    def refresh(self) -> None:
        """The genomes changed (an import, another primary): work the results out again."""
        self.loader.refresh()

    @property
    def loading_now(self) -> bool:
        return self.loader.running

    def load(self) -> None:
        self.states.setCurrentWidget(self.loading)
        session = self.session

        def work(progress: Any, cancel: CancelToken) -> Loaded:
            return load_medicines(session)

        self.loader.start(work, self._loaded, self._failed)

    def _loaded(self, loaded: Loaded) -> None:
        self._drop_results()
        self.medicines = loaded.medicines
        if loaded.medicines is None:
            self.states.setCurrentWidget(self.empty)
            return
        self.drug_list.setStringList(list(loaded.drug_names))
        record = loaded.medicines.genome
        if record is not None:
            self.source_label.setText(words.results_from(record.format_label, imported_words(record.imported_at)))
        cards = [GeneCard(result, loaded.gene_drugs.get(result.gene, ()), self.check_drug)
                 for result in loaded.medicines.results]
        cards.sort(key=lambda card: CARD_ORDER[card.tone])  # stable: the caller's gene order within a tone
        tones: dict[str, list[str]] = {}
        for card in cards:
            self.cards.addWidget(card)
            tones.setdefault(card.tone, []).append(card.result.gene)
        self.summary_label.setText(words.summary(tones))
        self.states.setCurrentWidget(self.results)
        if self.search_field.text().strip():
            self.search()

    def _failed(self, exc: BaseException) -> None:
        self.failure_label.setText(
            f"Your results could not be worked out ({type(exc).__name__}). Your genome is unchanged."
        )
        self.states.setCurrentWidget(self.failure)

    # ---- cards ---------------------------------------------------------------------------
    def gene_cards(self) -> list[GeneCard]:
        found = (self.cards.itemAt(i).widget() for i in range(self.cards.count()))
        return [card for card in found if isinstance(card, GeneCard)]

    def card(self, gene: str) -> GeneCard | None:
        return next((card for card in self.gene_cards() if card.result.gene == gene), None)

    # ---- the drug question ---------------------------------------------------------------
    def check_drug(self, name: str) -> None:
        """A medicine named on a card: answer it in the search box and bring that into view."""
        self.search_field.setText(name)
        self.search()
        self.scroll.ensureWidgetVisible(self.search_box)

    def _completion_chosen(self, name: str) -> None:
        self.search_field.setText(name)  # the field may hear of the choice after this slot
        self.search()

    def search(self, *_: object) -> None:
        self._clear_answer()
        name = self.search_field.text().strip()
        if not name or self.medicines is None:
            return
        self.answer = self.medicines.drug(name)
        self.answer_summary = add_answer(self.answer_layout, self.answer)

    def _clear_answer(self) -> None:
        self.answer, self.answer_summary = None, None
        _drop_widgets(self.answer_layout)

    # ---- lock ----------------------------------------------------------------------------
    def _drop_results(self) -> None:
        self.medicines = None
        self._clear_answer()
        _drop_widgets(self.cards)
        self.summary_label.clear()
        self.source_label.clear()
        self.drug_list.setStringList([])

    def clear(self) -> None:
        self.loader.stop()
        self._drop_results()
        self.search_field.clear()
        self.states.setCurrentWidget(self.blank)


def _drop_widgets(layout: QVBoxLayout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget()
        if widget is not None:
            widget.hide()  # gone now, not at the next event-loop turn
            widget.deleteLater()

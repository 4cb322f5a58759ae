"""Genome page: import a raw-data file (dialog or drag & drop, with progress and cancel), one
summary card per stored genome, and a variant lookup by rsID or knowledge-base gene."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from companion.genome import store as genome_store
from companion.genome.annotate import Positions, load_positions
from companion.genome.errors import GenomeImportCancelled, SampleRequired
from companion.genome.service import ImportResult, import_genome
from companion.genome.store import GenomeRecord
from companion.errors import CompanionError
from companion.ui.file_dialogs import choose_file_to_open
from companion.ui.qt import (
    QAbstractItemView,
    QDragEnterEvent,
    QDropEvent,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    Signal,
)
from companion.ui.tasks import CancelToken, Task, TaskRunner
from companion.ui.widgets.text import heading, paragraph
from companion.vault.session import VaultSession

FILE_FILTERS = [
    "Genome raw data (*.txt *.csv *.zip *.gz *.bgz *.bz2 *.vcf)",
    "All files (*)",
]
INTRO = (
    "Import the raw-data file you downloaded from 23andMe, AncestryDNA, MyHeritage, "
    "FamilyTreeDNA or Living DNA, or a VCF file from a sequencing service. It is read on this "
    "computer and kept encrypted; it is never sent anywhere."
)
SEX_WORDS = {"female": "female (two X chromosomes)", "male": "male (X and Y chromosomes)", None: "could not be told"}


def build_words(record: GenomeRecord) -> str:
    names = {36: "NCBI36 (hg18)", 37: "GRCh37 (hg19)", 38: "GRCh38"}
    if record.build is None:
        return "unknown"
    how = {"header": "stated in the file", "positions": "worked out from positions", "contigs": "from the file's contigs"}
    return f"{names.get(record.build, record.build)}, {how.get(record.build_source, record.build_source)}"


def imported_words(iso: str) -> str:
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso


class GenomeCard(QGroupBox):
    def __init__(self, record: GenomeRecord, make_primary: Any, read_only: bool) -> None:
        title = record.format_label + (f" — sample {record.sample}" if record.sample else "")
        super().__init__(title + ("  (primary)" if record.is_primary else ""))
        self.record = record
        form = QFormLayout(self)
        form.addRow("Reference build:", QLabel(build_words(record)))
        form.addRow("Sex from the DNA:", QLabel(SEX_WORDS.get(record.sex, record.sex or "")))
        form.addRow("Markers:", QLabel(f"{record.markers:,}"))
        form.addRow("Call rate:", QLabel(f"{record.call_rate * 100:.1f}% of markers have a result"))
        form.addRow("Imported:", QLabel(imported_words(record.imported_at)))
        if record.warnings:
            notes = paragraph("Notes: " + " ".join(record.warnings))
            form.addRow(notes)
        if not record.is_primary and not read_only:
            button = QPushButton("Use this one for results")
            button.clicked.connect(lambda: make_primary(record.id))
            form.addRow(button)


class GenomePage(QWidget):
    title = "Genome"
    genome_did_change = Signal()  # a genome was added or another one made primary

    def __init__(self, session: VaultSession, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.tasks = session, tasks
        self._task: Task | None = None
        self._positions: Positions | None = None
        self.setAcceptDrops(not session.read_only)

        self.import_button = QPushButton("Import a genome file…")
        self.import_button.clicked.connect(self.choose_and_import)
        self.drop_hint = QLabel("…or drag the file onto this page.")
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Import progress")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel_import)
        self.status = paragraph("")
        self.status.setAccessibleName("Import status")
        top = QHBoxLayout()
        top.addWidget(self.import_button)
        top.addWidget(self.drop_hint, 1)
        busy = QHBoxLayout()
        busy.addWidget(self.progress, 1)
        busy.addWidget(self.cancel_button)
        self._set_busy(False)

        self.cards = QVBoxLayout()
        cards_holder = QWidget()
        cards_holder.setLayout(self.cards)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(cards_holder)
        scroll.setMinimumHeight(180)

        lookup_box = QGroupBox("Look up a variant")
        self.lookup_field = QLineEdit()
        self.lookup_field.setPlaceholderText("an rsID such as rs4244285, or a gene such as CYP2C19")
        self.lookup_field.setAccessibleName("rsID or gene name")
        self.lookup_field.returnPressed.connect(self.look_up)
        self.lookup_button = QPushButton("Look up")
        self.lookup_button.clicked.connect(self.look_up)
        self.results = QTableWidget(0, 4)
        self.results.setHorizontalHeaderLabels(["Marker", "Position", "Your genotype", "What the knowledge base says"])
        self.results.horizontalHeader().setStretchLastSection(True)
        self.results.verticalHeader().setVisible(False)
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.setAccessibleName("Lookup results")
        self.lookup_note = paragraph("")
        self.lookup_note.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        # Wrapped labels inside a group box get too little height from Qt's layout; two lines fit.
        self.lookup_note.setMinimumHeight(self.lookup_note.fontMetrics().lineSpacing() * 2 + 4)
        self.results.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.lookup_field, 1)
        row.addWidget(self.lookup_button)
        lookup_layout = QVBoxLayout(lookup_box)
        lookup_layout.addLayout(row)
        lookup_layout.addWidget(self.lookup_note)
        lookup_layout.addWidget(self.results, 1)

        layout = QVBoxLayout(self)
        layout.addWidget(heading("Your genome"))
        layout.addWidget(paragraph(INTRO))
        if session.read_only:
            self.import_button.setEnabled(False)
            self.drop_hint.setText("Caregiver access is read-only: only the profile owner can import.")
        layout.addLayout(top)
        layout.addLayout(busy)
        layout.addWidget(self.status)
        layout.addWidget(scroll, 2)
        layout.addWidget(lookup_box, 3)
        self.refresh()

    # ---- cards ---------------------------------------------------------------------------
    def _drop_cards(self) -> None:
        while self.cards.count():
            widget = self.cards.takeAt(0).widget()
            if widget is not None:
                widget.hide()  # gone now, not at the next event-loop turn
                widget.deleteLater()

    def refresh(self) -> None:
        self._drop_cards()
        records = genome_store.list_genomes(self.session)
        if not records:
            self.cards.addWidget(paragraph("No genome file yet."))
        for record in records:
            self.cards.addWidget(GenomeCard(record, self.make_primary, self.session.read_only))
        self.cards.addStretch(1)
        self.lookup_button.setEnabled(bool(records))

    def card_titles(self) -> list[str]:
        return [
            self.cards.itemAt(i).widget().title()
            for i in range(self.cards.count())
            if isinstance(self.cards.itemAt(i).widget(), GenomeCard)
        ]

    def make_primary(self, genome_id: int) -> None:
        genome_store.set_primary(self.session, genome_id)
        self.refresh()
        self.genome_did_change.emit()

    # ---- importing -----------------------------------------------------------------------
    def choose_and_import(self) -> None:
        path = choose_file_to_open(self, "Choose your genome raw-data file", FILE_FILTERS)
        if path is not None:
            self.import_file(path)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt naming
        urls = event.mimeData().urls()
        if len(urls) == 1 and urls[0].isLocalFile() and self._task is None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt naming
        urls = event.mimeData().urls()
        if len(urls) == 1 and urls[0].isLocalFile():
            event.acceptProposedAction()
            self.import_file(Path(urls[0].toLocalFile()))

    def _set_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self.import_button.setEnabled(not busy and not self.session.read_only)
        if busy:
            self.progress.setRange(0, 0)

    def import_file(self, path: Path, sample: str | None = None) -> None:
        if self._task is not None or self.session.read_only:
            return
        self._set_busy(True)
        self.status.setText("Reading your file… you can keep using the app.")
        parent = self.session

        def work(progress: Any, cancel: CancelToken) -> ImportResult:
            worker = parent.spawn_worker()  # its own connection in this thread (DESIGN §7)
            try:
                return import_genome(worker, path, sample=sample, progress=progress, cancel=cancel)
            finally:
                worker.close()

        self._task = self.tasks.run(work, self._imported, lambda exc: self._failed(exc, path))
        self._task.relay.progressed.connect(self._progressed)

    def _progressed(self, done: int, total: int) -> None:
        if total > 0:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(1000 * min(done, total) / total))

    def cancel_import(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self.status.setText("Cancelling…")

    def _imported(self, result: ImportResult) -> None:
        self._task = None
        self._set_busy(False)
        summary = result.summary
        if result.already_imported:
            self.status.setText("This file was imported before; nothing was added.")
        else:
            self.status.setText(
                f"Imported {summary.source.format_label}: {summary.markers:,} markers, "
                f"{summary.call_rate * 100:.1f}% with a result."
            )
        self.refresh()
        if not result.already_imported:
            self.genome_did_change.emit()

    def _failed(self, exc: BaseException, path: Path) -> None:
        self._task = None
        self._set_busy(False)
        if isinstance(exc, GenomeImportCancelled):
            self.status.setText("Import cancelled; nothing was stored.")
            return
        if isinstance(exc, SampleRequired) and exc.samples:
            choice, ok = QInputDialog.getItem(
                self, "Whose genome?", "This file holds several people's genomes. Choose yours:", list(exc.samples), 0, False
            )
            if ok and choice:
                self.import_file(path, sample=choice)
            else:
                self.status.setText("Import cancelled; nothing was stored.")
            return
        if isinstance(exc, CompanionError):
            text = str(exc).rstrip(".")
            self.status.setText(f"Could not import: {text}. Nothing was stored.")
        else:
            self.status.setText(f"The file could not be imported ({type(exc).__name__}). Nothing was stored.")

    # ---- lookup --------------------------------------------------------------------------
    def positions(self) -> Positions:
        if self._positions is None:
            self._positions = load_positions()
        return self._positions

    def look_up(self) -> None:
        query = self.lookup_field.text().strip()
        primary = genome_store.primary_genome(self.session)
        self.results.setRowCount(0)
        if not query or primary is None:
            self.lookup_note.setText("Import a genome file first." if primary is None else "")
            return
        positions = self.positions()
        gene_rows = positions.of_gene(query)
        if gene_rows:
            ids = sorted({p.rsid for p in gene_rows if p.rsid})
            self.lookup_note.setText(
                f"{query.upper()}: the knowledge base has {len(gene_rows)} positions ({len(ids)} with an rsID). "
                "Below are the ones your file has."
            )
        elif query.lower().startswith(("rs", "i")) and query[1:].lstrip("sS").isdigit():
            ids = [query]
            self.lookup_note.setText("")
        else:
            self.lookup_note.setText(f"{query} is neither an rsID nor a gene in the knowledge base.")
            return
        calls = genome_store.genotypes(self.session, primary.id, ids)
        shown = 0
        for marker in ids:
            call = calls.get(marker)
            about = positions.by_rsid(genome_store.normal_id(marker))
            if gene_rows and call is None:
                continue  # for a gene, list only what the file has
            row = self.results.rowCount()
            self.results.insertRow(row)
            self.results.setItem(row, 0, QTableWidgetItem(marker))
            self.results.setItem(row, 1, QTableWidgetItem(f"chr{call[1]}:{call[2]:,}" if call else "—"))
            genotype = (call[3] or "no result (no-call)") if call else "not in your file"
            self.results.setItem(row, 2, QTableWidgetItem(genotype))
            if about:
                genes = ", ".join(sorted({p.gene for p in about}))
                source = about[0]
                text = f"A position that defines {genes} variants for medicines (from {source.source_file}, {source.source_date})."
            else:
                text = "Not in the knowledge base yet."
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            self.results.setItem(row, 3, item)
            shown += 1
        if gene_rows and shown == 0:
            self.lookup_note.setText(f"Your file has none of the {query.upper()} positions the knowledge base knows.")
        for column in range(3):
            self.results.resizeColumnToContents(column)

    # ---- lock ----------------------------------------------------------------------------
    def clear(self) -> None:
        if self._task is not None:
            self._task.cancel()
        self._drop_cards()
        self.results.setRowCount(0)
        self.lookup_field.clear()
        self.lookup_note.clear()
        self.status.clear()

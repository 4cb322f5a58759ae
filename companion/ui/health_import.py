"""Importing a health export from the UI: choose the file (or drop it on Today), read it off the UI
thread with progress and Cancel, ask for the columns of a CSV, then say what was added with an
"Undo this import" button. One import is one transaction (``import_health_file``): an error or a
cancel leaves the vault as it was."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from companion.errors import CompanionError
from companion.lifestyle import store
from companion.lifestyle.importers import CsvMapping, CsvMappingRequired, HealthImportCancelled, HealthImportError, preview
from companion.lifestyle.importers.csv_import import AMBIGUOUS_DATES
from companion.services.health import HealthImportResult, import_health_file
from companion.ui.csv_mapping_dialog import CsvMappingDialog
from companion.ui.file_dialogs import choose_file_to_open
from companion.ui.lifestyle_messages import source_words
from companion.ui.qt import QDialog, QDialogButtonBox, QObject, QProgressBar, QPushButton, QVBoxLayout, QWidget, Signal
from companion.ui.tasks import CancelToken, Cancelled, Task, TaskRunner
from companion.ui.widgets.text import heading, paragraph
from companion.vault.session import VaultSession

FILE_FILTERS = [
    "Health exports (*.zip *.xml *.csv *.tsv *.txt)",
    "All files (*)",
]
CHOOSE_TITLE = "Choose your health export (Apple Health export.zip, Fitbit or Google Takeout zip, or a CSV file)"
DIALOG_TITLE = "Import health data"
READING = "Reading {name}… This can take a minute for a large export. You can cancel at any time."
CANCELLING = "Cancelling…"
CANCELLED = "Import of {name} cancelled; nothing was stored."
FAILED = "Could not import {name}: {reason}. Nothing was stored."
FAILED_UNKNOWN = "{name} could not be imported ({error}). Nothing was stored."
UNDO_BUTTON = "Undo this import"
UNDOING = "Removing what this import added…"
UNDONE = "Undone: the {count} removed. Your record is as it was before the import."
UNDO_FAILED = "Could not undo the import: {reason}."
ASK_DATE_ORDER = "The dates in {name} could be day first or month first. Choose how they are written."


def count_words(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def summary_words(result: HealthImportResult) -> str:
    """'1,507 new measurements from Apple Health; 12 were already there; 3 left out: …'."""
    source = source_words(result.format)
    if result.imported:
        parts = [f"{count_words(result.imported, 'new measurement', 'new measurements')} {source}"]
    else:
        parts = [f"Nothing new {source}"]
    if result.skipped_duplicates:
        was = "was" if result.skipped_duplicates == 1 else "were"
        parts.append(f"{result.skipped_duplicates:,} {was} already there")
    if result.rejected:
        reasons = ", ".join(f"{reason} ({n:,})" for reason, n in result.rejected)
        parts.append(f"{result.rejected_total:,} left out: {reasons}")
    text = "; ".join(parts) + "."
    if result.ignored:
        text += (f" {count_words(result.ignored, 'record', 'records')} of kinds the app does not keep "
                 "(such as energy burned or distance) were passed over.")
    return text


class ImportDialog(QDialog):
    """One window for one import: progress and Cancel while reading, then the summary and Undo."""

    cancel_did_request = Signal()
    undo_did_request = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(DIALOG_TITLE)
        self.setMinimumWidth(520)
        self.running = False
        layout = QVBoxLayout(self)
        self.heading = heading(DIALOG_TITLE)
        self.message = paragraph("")
        self.message.setAccessibleName("Import status")
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Import progress")
        self.buttons = QDialogButtonBox()
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.undo_button = QPushButton(UNDO_BUTTON)
        self.buttons.addButton(self.undo_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.cancel_button.clicked.connect(self.reject)
        self.close_button.clicked.connect(self.accept)
        self.undo_button.clicked.connect(self.undo_did_request)
        layout.addWidget(self.heading)
        layout.addWidget(self.message)
        layout.addWidget(self.progress)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

    def show_running(self, text: str) -> None:
        self.running = True
        self.message.setText(text)
        self.progress.setRange(0, 0)  # busy until the first report says how much there is
        self.progress.show()
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        self.undo_button.hide()
        self.close_button.hide()
        self.cancel_button.setFocus()
        self._fit()

    def show_progress(self, done: int, total: int) -> None:
        if total > 0:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(1000 * min(done, total) / total))

    def show_finished(self, text: str, can_undo: bool) -> None:
        self.running = False
        self.message.setText(text)
        self.progress.hide()
        self.cancel_button.hide()
        self.undo_button.setVisible(can_undo)
        self.undo_button.setEnabled(can_undo)
        self.close_button.show()
        self.close_button.setDefault(True)
        self.close_button.setFocus()
        self._fit()

    def _fit(self) -> None:
        """Room for every line of the new text and the buttons below it."""
        self.layout().activate()
        self.resize(self.width(), max(self.height(), self.layout().totalHeightForWidth(self.width())))

    def reject(self) -> None:
        """Cancel, Escape or the window's close button: while reading, that is a cancel."""
        if self.running:
            self.cancel_button.setEnabled(False)
            self.message.setText(CANCELLING)
            self.cancel_did_request.emit()
            return  # closes once the import has rolled back and said so
        super().reject()


class HealthImporter(QObject):
    """Runs imports for one unlocked session; pages listen to ``observations_did_change``."""

    observations_did_change = Signal()  # an import added measurements, or one was undone

    def __init__(self, session: VaultSession, tasks: TaskRunner, parent_widget: QWidget | None = None) -> None:
        super().__init__(parent_widget)
        self.session, self.tasks, self.parent_widget = session, tasks, parent_widget
        self.dialog: ImportDialog | None = None
        self.mapping_dialog: CsvMappingDialog | None = None
        self.last_result: HealthImportResult | None = None
        self._task: Task | None = None

    @property
    def busy(self) -> bool:
        return self._task is not None

    def choose_and_import(self) -> None:
        if self.busy or self.session.read_only:
            return
        path = choose_file_to_open(self.parent_widget, CHOOSE_TITLE, FILE_FILTERS)
        if path is not None:
            self.import_file(path)

    def import_file(self, path: Path, mapping: CsvMapping | None = None) -> None:
        if self.busy or self.session.read_only:
            return
        dialog = self._dialog()
        dialog.show_running(READING.format(name=path.name))
        parent = self.session

        def work(progress: Any, cancel: CancelToken) -> HealthImportResult:
            worker = parent.spawn_worker()  # its own connection in this thread (DESIGN §7)
            try:
                return import_health_file(worker, path, csv_mapping=mapping, progress=progress, cancel=cancel)
            finally:
                worker.close()

        self._task = self.tasks.run(work, self._imported, lambda exc: self._failed(exc, path, mapping))
        self._task.relay.progressed.connect(dialog.show_progress)

    def _dialog(self) -> ImportDialog:
        if self.dialog is None:
            self.dialog = ImportDialog(self.parent_widget)
            self.dialog.cancel_did_request.connect(self.cancel)
            self.dialog.undo_did_request.connect(self.undo_last)
            self.dialog.finished.connect(self._dialog_closed)
        self.dialog.open()
        return self.dialog

    def _dialog_closed(self) -> None:
        if self.dialog is not None and not self.busy:
            self.dialog.deleteLater()
            self.dialog = None

    def cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()

    def _imported(self, result: HealthImportResult) -> None:
        self._task = None
        self.last_result = result
        if self.dialog is not None:
            self.dialog.show_finished(summary_words(result), can_undo=bool(result.imported and result.batch is not None))
        if result.imported:
            self.observations_did_change.emit()

    def _failed(self, exc: BaseException, path: Path, mapping: CsvMapping | None = None) -> None:
        self._task = None
        dialog = self.dialog
        if isinstance(exc, CsvMappingRequired):
            self._ask_for_columns(path)
            return
        if mapping is not None and isinstance(exc, HealthImportError) and exc.reason == AMBIGUOUS_DATES:
            self._ask_for_columns(path, mapping, ASK_DATE_ORDER.format(name=path.name))
            return
        if isinstance(exc, (HealthImportCancelled, Cancelled)):
            text = CANCELLED.format(name=path.name)
        elif isinstance(exc, HealthImportError):
            text = FAILED.format(name=path.name, reason=exc.reason.rstrip("."))
        elif isinstance(exc, CompanionError):
            text = FAILED.format(name=path.name, reason=str(exc).rstrip("."))
        else:
            text = FAILED_UNKNOWN.format(name=path.name, error=type(exc).__name__)
        if dialog is not None:
            dialog.show_finished(text, can_undo=False)

    # ---- CSV ----------------------------------------------------------------------------
    def _ask_for_columns(self, path: Path, start: CsvMapping | None = None, note: str = "") -> None:
        try:
            table = preview(path)
        except CompanionError as exc:
            self._failed(exc, path)
            return
        if self.dialog is not None:
            self.dialog.hide()
        self.mapping_dialog = CsvMappingDialog(path.name, table, self.parent_widget, start=start, note=note)
        self.mapping_dialog.accepted.connect(lambda: self._columns_chosen(path))
        self.mapping_dialog.rejected.connect(self._columns_refused)
        self.mapping_dialog.open()
        if note:
            self.mapping_dialog.date_order.setFocus()

    def _columns_chosen(self, path: Path) -> None:
        dialog, self.mapping_dialog = self.mapping_dialog, None
        assert dialog is not None
        mapping = dialog.mapping()
        dialog.deleteLater()
        self.import_file(path, mapping)

    def _columns_refused(self) -> None:
        dialog, self.mapping_dialog = self.mapping_dialog, None
        if dialog is not None:
            dialog.deleteLater()
        if self.dialog is not None:
            self.dialog.running = False
            self.dialog.reject()

    # ---- undo ---------------------------------------------------------------------------
    def undo_last(self) -> None:
        result = self.last_result
        if result is None or result.batch is None or self.busy:
            return
        batch = result.batch
        if self.dialog is not None:
            self.dialog.undo_button.setEnabled(False)
            self.dialog.message.setText(UNDOING)
        parent = self.session

        def work(progress: Any, cancel: CancelToken) -> int:
            worker = parent.spawn_worker()
            try:
                return store.delete_batch(worker, batch)
            finally:
                worker.close()

        self._task = self.tasks.run(work, self._undone, self._undo_failed)

    def _undone(self, count: int) -> None:
        self._task = None
        self.last_result = None
        if self.dialog is not None:
            self.dialog.show_finished(UNDONE.format(count=count_words(count, "measurement was", "measurements were")),
                                      can_undo=False)
        self.observations_did_change.emit()

    def _undo_failed(self, exc: BaseException) -> None:
        self._task = None
        reason = str(exc).rstrip(".") if isinstance(exc, CompanionError) else type(exc).__name__
        if self.dialog is not None:
            self.dialog.show_finished(UNDO_FAILED.format(reason=reason), can_undo=True)

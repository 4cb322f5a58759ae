"""Measurements: the log of every entry, newest first, with its source; change or delete one
(a blood pressure's two numbers go together), and Undo (button or Ctrl+Z)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from companion.errors import CompanionError
from companion.lifestyle import store
from companion.lifestyle import types as types_
from companion.lifestyle.today import Latest, latest_values
from companion.ui import lifestyle_messages as words
from companion.ui.entry_dialogs import EditEntryDialog
from companion.ui.pages.background_load import BackgroundLoad, undo_on_ctrl_z
from companion.ui.qt import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QEvent,
    QKeyEvent,
    QKeySequence,
    QObject,
    QLabel,
    QPushButton,
    QShowEvent,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    Signal,
)
from companion.ui.tasks import CancelToken, TaskRunner
from companion.ui.undo import UndoStack, undo_in_words
from companion.ui.widgets.text import heading, paragraph
from companion.vault.session import VaultSession

LIMIT = 1000  # rows shown; older ones stay in the record (and in exports)
COLUMNS = ["When", "Measurement", "Value", "Entered as", "Source"]
PAIR = ("systolic_bp", "diastolic_bp")


@dataclass(frozen=True)
class Entry:
    """One row of the log: one observation, or a blood pressure's two."""

    observations: tuple[Any, ...]
    shown: Latest

    @property
    def ids(self) -> list[int]:
        return [o.id for o in self.observations]

    @property
    def entered(self) -> str:
        parts = []
        for obs in self.observations:
            if obs.entered_value is not None and obs.entered_unit and obs.entered_unit != obs.unit:
                parts.append(f"{obs.entered_value:,g} {obs.entered_unit}")
        return " / ".join(parts)


def pair_entries(rows: list[Any]) -> list[Entry]:
    """Join each systolic reading with the diastolic one of the same time and source."""
    entries: list[Entry] = []
    waiting: dict[tuple[str, str, str], Any] = {}
    for obs in rows:
        if obs.type in PAIR:
            other_type = PAIR[1] if obs.type == PAIR[0] else PAIR[0]
            key = (obs.start.isoformat(), obs.source, other_type)
            other = waiting.pop(key, None)
            if other is None:
                waiting[(obs.start.isoformat(), obs.source, obs.type)] = obs
                entries.append(Entry((obs,), _shown({obs.type: obs})))  # replaced below if paired
                continue
            systolic, diastolic = (obs, other) if obs.type == PAIR[0] else (other, obs)
            index = next(i for i, e in enumerate(entries) if e.observations == (other,))
            entries[index] = Entry((systolic, diastolic), _shown({PAIR[0]: systolic, PAIR[1]: diastolic}))
        else:
            entries.append(Entry((obs,), _shown({obs.type: obs})))
    return entries


def _shown(found: dict[str, Any]) -> Latest:
    values = latest_values(found)
    if values:
        return values[0]
    (obs,) = found.values()  # one number of a blood pressure stored alone
    otype = types_.get(obs.type)
    return Latest(obs.type, otype.label, f"{obs.value:g} {obs.unit}", obs.start, obs.source)


def load_entries(session: Any, kind: str | None) -> tuple[list[Entry], bool]:
    kinds = None if kind is None else (list(PAIR) if kind == "blood_pressure" else [kind])
    rows = store.observations(session, types=kinds, newest_first=True, limit=LIMIT + 1)
    return pair_entries(rows[:LIMIT]), len(rows) > LIMIT


class MeasurementsPage(QWidget):
    title = words.MEASUREMENTS_TITLE
    observations_did_change = Signal()

    def __init__(
        self,
        session: VaultSession,
        tasks: TaskRunner,
        undo: UndoStack,
        now: Callable[[], datetime],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session, self.tasks, self.undo_stack, self.now = session, tasks, undo, now
        self.entries: list[Entry] = []
        self.loader = BackgroundLoad(self, tasks, self.load)

        self.type_box = QComboBox()
        self.type_box.setAccessibleName("Show which measurements")
        self.type_box.addItem(words.ALL_TYPES, None)
        self.type_box.addItem("Blood pressure", "blood_pressure")
        for otype in types_.registry():
            if otype.name not in PAIR:
                self.type_box.addItem(otype.label, otype.name)
        self.type_box.currentIndexChanged.connect(self.load)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAccessibleName("Measurements")
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda *_: self.change_selected())
        self.change_button = QPushButton(words.CHANGE_BUTTON)
        self.change_button.clicked.connect(self.change_selected)
        self.delete_button = QPushButton(words.DELETE_BUTTON)
        self.delete_button.setToolTip("Delete the selected measurement (Delete key); Undo brings it back")
        self.delete_button.clicked.connect(self.delete_selected)
        self.undo_button = QPushButton(words.UNDO_BUTTON)
        self.undo_button.setToolTip("Undo the last change (Ctrl+Z)")
        self.undo_button.clicked.connect(self.undo)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Measurements status")

        filter_row = QHBoxLayout()
        filter_row.addWidget(QLabel("Show:"))
        filter_row.addWidget(self.type_box)
        filter_row.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.change_button)
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.undo_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(words.MEASUREMENTS_TITLE))
        layout.addWidget(paragraph(words.MEASUREMENTS_INTRO))
        if session.read_only:
            note = paragraph(words.MEASUREMENTS_READ_ONLY)
            note.setStyleSheet("font-weight: bold;")
            layout.addWidget(note)
        layout.addLayout(filter_row)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

        self.table.installEventFilter(self)
        undo.stack_did_change.connect(self._buttons)
        self._buttons()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt naming
        """The Delete key on the table deletes the selected row (Undo brings it back)."""
        if watched is self.table and event.type() == QEvent.Type.KeyPress and event.matches(QKeySequence.StandardKey.Delete):
            self.delete_selected()
            return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt naming
        if not undo_on_ctrl_z(event, self.undo):
            super().keyPressEvent(event)

    # ---- loading -------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt naming
        super().showEvent(event)
        self.loader.shown()

    def refresh(self) -> None:
        self.loader.refresh()

    def load(self, *_: object) -> None:
        parent, kind = self.session, self.type_box.currentData()

        def work(progress: Any, cancel: CancelToken) -> tuple[list[Entry], bool]:
            worker = parent.spawn_worker()
            try:
                return load_entries(worker, kind)
            finally:
                worker.close()

        self.loader.start(work, lambda result: self._loaded(*result), self._failed)

    @property
    def loading_now(self) -> bool:
        return self.loader.running

    def _loaded(self, entries: list[Entry], more: bool) -> None:
        self.entries = entries
        now = self.now()
        self.table.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            shown = entry.shown
            moment = shown.at.astimezone(now.tzinfo)
            cells = [moment.strftime("%Y-%m-%d %H:%M"), shown.label, shown.value, entry.entered, words.source_words(shown.source)]
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        if not entries:
            self.status.setText(words.NO_MEASUREMENTS)
        elif more:
            self.status.setText(words.SHOWING_NEWEST.format(shown=LIMIT))
        self._buttons()

    def _failed(self, exc: BaseException) -> None:
        self.status.setText(words.LOAD_FAILED.format(reason=str(exc) if isinstance(exc, CompanionError) else type(exc).__name__))

    def row_texts(self) -> list[str]:
        return [" | ".join(self.table.item(r, c).text() for c in range(3)) for r in range(self.table.rowCount())]

    # ---- changing ------------------------------------------------------------------------
    def selected(self) -> Entry | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.entries[rows[0].row()] if rows and rows[0].row() < len(self.entries) else None

    def _selection_changed(self) -> None:
        self._buttons()

    def _buttons(self) -> None:
        writable = not self.session.read_only
        chosen = self.selected() is not None
        self.change_button.setEnabled(writable and chosen)
        self.delete_button.setEnabled(writable and chosen)
        self.undo_button.setEnabled(writable and self.undo_stack.top is not None)

    def delete_selected(self) -> None:
        entry = self.selected()
        if entry is None or self.session.read_only:
            return
        session, ids = self.session, entry.ids
        try:
            for obs_id in ids:
                store.delete(session, obs_id)
        except CompanionError as exc:
            self.status.setText(words.UNDO_FAILED.format(reason=exc))
            return
        what = f"{entry.shown.label.lower()} {entry.shown.value}"
        self.undo_stack.push(words.DELETED.format(what=what), lambda: [store.restore(session, i) for i in ids])
        self.status.setText(words.DELETED.format(what=what) + ".")
        self._changed()

    def change_selected(self) -> None:
        entry = self.selected()
        if entry is None or self.session.read_only:
            return
        dialog = EditEntryDialog(entry.observations, self.now, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        session = self.session
        try:
            befores = [store.edit(session, obs.id, value=value, unit=unit, at=dialog.moment(), now=self.now())[0]
                       for obs, (value, unit) in zip(entry.observations, dialog.values())]  # fmt: skip
        except CompanionError as exc:
            self.status.setText(words.not_saved(exc))
            return
        what = f"{entry.shown.label.lower()} {entry.shown.value}"
        self.undo_stack.push(words.CHANGED.format(what=what), lambda: [store.restore_version(session, b) for b in befores])
        self.status.setText(words.CHANGED.format(what=what) + ".")
        self._changed()

    def undo(self) -> None:
        if self.session.read_only:
            return
        outcome = undo_in_words(self.undo_stack)
        self.status.setText(outcome.text)
        if outcome.undone:
            self._changed()

    def _changed(self) -> None:
        self.observations_did_change.emit()
        self.refresh()

    # ---- lock ----------------------------------------------------------------------------
    def clear(self) -> None:
        self.loader.stop()
        self.entries = []
        self.table.clearContents()
        self.table.setRowCount(0)
        self.status.clear()

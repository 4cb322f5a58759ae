"""Keyboard-first entry of a measurement ("bp 128/82" and Enter) with a form as the alternative
(type, value, unit and date/time pickers). Both hand a parsed :class:`QuickEntry` to the page,
which saves it; the bar then says what was saved and offers Undo."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from companion.lifestyle import quick_entry, types as types_
from companion.lifestyle.quick_entry import BLOOD_PRESSURE, QuickEntry, QuickEntryError
from companion.ui.qt import (
    QComboBox,
    QCompleter,
    QDateTime,
    QDateTimeEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QKeyEvent,
    QKeySequence,
    QLabel,
    QLineEdit,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)

PLACEHOLDER = "Type a measurement, e.g. bp 128/82 or weight 72.5 kg, and press Enter"
HINT = "Also: steps 8000 · sleep 7.5 h yesterday · pulse 64 at 7:30 · weight 160 lb"
FORM_HIDDEN_TYPES = {"systolic_bp", "diastolic_bp"}  # entered together as "Blood pressure"
ERROR_STYLE = "color: #a00000; font-weight: bold;"


class EntryField(QLineEdit):
    """Ctrl+Z undoes typing while there is typing to undo; then it reaches the page, whose Undo
    takes back the last saved entry."""

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt naming
        if event.matches(QKeySequence.StandardKey.Undo) and not self.isUndoAvailable():
            event.ignore()
            return
        super().keyPressEvent(event)


class QuickEntryBar(QWidget):
    entry_did_request = Signal(object)  # a QuickEntry to save
    undo_did_request = Signal()

    def __init__(self, now: Callable[[], datetime], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.now = now
        self.field = EntryField()
        self.field.setPlaceholderText(PLACEHOLDER)
        self.field.setAccessibleName("Quick entry: type a measurement")
        self.field.setClearButtonEnabled(True)
        self.field.setMinimumHeight(34)
        font = self.field.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.field.setFont(font)
        self.field.returnPressed.connect(self.submit)
        completer = QCompleter(sorted({p for p in quick_entry.type_names() if "_" not in p}), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.field.setCompleter(completer)
        self.add_button = QPushButton("Add")
        self.add_button.setAccessibleName("Add this measurement")
        self.add_button.clicked.connect(self.submit)
        self.form_button = QPushButton("Use a form…")
        self.form_button.setCheckable(True)
        self.form_button.setToolTip("Pick the type, value, unit, date and time instead of typing")
        self.hint = QLabel(HINT)
        self.hint.setStyleSheet("color: palette(placeholder-text);")
        self.feedback = QLabel("")
        self.feedback.setWordWrap(True)
        self.feedback.setAccessibleName("Entry result")
        self.undo_button = QPushButton("Undo")
        self.undo_button.setAccessibleName("Undo the last change")
        self.undo_button.setToolTip("Undo the last change (Ctrl+Z)")
        self.undo_button.clicked.connect(self.undo_did_request.emit)
        self.undo_button.hide()
        self.feedback.hide()  # shown with something to say, so an empty line takes no room

        row = QHBoxLayout()
        row.addWidget(self.field, 1)
        row.addWidget(self.add_button)
        row.addWidget(self.form_button)
        said = QHBoxLayout()
        said.addWidget(self.feedback, 1)
        said.addWidget(self.undo_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.hint)
        layout.addLayout(said)

    def submit(self) -> None:
        if not self.field.isEnabled():
            return
        try:
            entry = quick_entry.parse(self.field.text(), self.now())
        except QuickEntryError as exc:
            self.show_error(str(exc))
            return
        self.entry_did_request.emit(entry)

    def show_error(self, text: str) -> None:
        self.feedback.setStyleSheet(ERROR_STYLE)
        self.feedback.setText(text)
        self.feedback.show()
        self.undo_button.hide()
        self.field.setFocus()

    def show_saved(self, text: str, can_undo: bool, clear_field: bool = True) -> None:
        self.feedback.setStyleSheet("")
        self.feedback.setText(text)
        self.feedback.show()
        self.undo_button.setVisible(can_undo)
        if clear_field:
            self.field.setText("")  # not clear(): setText also empties the field's own undo history
        self.field.setFocus()

    def set_read_only(self, explanation: str) -> None:
        for widget in (self.field, self.add_button, self.form_button):
            widget.setEnabled(False)
        self.field.setPlaceholderText(explanation)
        self.hint.setText(explanation)
        self.hint.setStyleSheet("font-weight: bold;")

    def clear(self) -> None:
        self.field.setText("")
        self.feedback.clear()
        self.feedback.hide()
        self.undo_button.hide()


class EntryForm(QGroupBox):
    """The same entries with pickers, for people who prefer not to type them."""

    entry_did_request = Signal(object)
    entry_did_fail = Signal(str)  # why the form's values cannot be read

    def __init__(self, now: Callable[[], datetime], parent: QWidget | None = None) -> None:
        super().__init__("Add a measurement with a form", parent)
        self.now = now
        self.type_box = QComboBox()
        self.type_box.setAccessibleName("Type of measurement")
        self.type_box.addItem("Blood pressure", BLOOD_PRESSURE)
        for otype in types_.registry():
            if otype.name not in FORM_HIDDEN_TYPES:
                self.type_box.addItem(otype.label, otype.name)
        self.value_field = QLineEdit()
        self.value_field.setAccessibleName("Value")
        self.second_field = QLineEdit()
        self.second_field.setAccessibleName("Bottom number (diastolic)")
        self.answer_box = QComboBox()
        self.answer_box.setAccessibleName("Answer")
        self.unit_box = QComboBox()
        self.unit_box.setAccessibleName("Unit")
        self.when = QDateTimeEdit()
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.when.setAccessibleName("Date and time")
        self.save_button = QPushButton("Save")
        self.save_button.clicked.connect(self.submit)
        values = QHBoxLayout()
        values.addWidget(self.value_field)
        self.slash = QLabel("/")
        values.addWidget(self.slash)
        values.addWidget(self.second_field)
        values.addWidget(self.answer_box)
        values.addWidget(self.unit_box)
        form = QFormLayout(self)
        form.addRow("Type:", self.type_box)
        form.addRow("Value:", values)
        form.addRow("When:", self.when)
        form.addRow(self.save_button)
        self.type_box.currentIndexChanged.connect(self._type_changed)
        self._type_changed()
        self.reset_time()

    def reset_time(self) -> None:
        moment = self.now()
        self.when.setDateTime(QDateTime.fromSecsSinceEpoch(int(moment.timestamp())))

    def kind(self) -> str:
        return str(self.type_box.currentData())

    def _type_changed(self) -> None:
        kind = self.kind()
        pair = kind == BLOOD_PRESSURE
        otype = types_.get("systolic_bp" if pair else kind)
        self.second_field.setVisible(pair)
        self.slash.setVisible(pair)
        self.value_field.setVisible(not otype.coded)
        self.value_field.setAccessibleName("Top number (systolic)" if pair else "Value")
        self.unit_box.setVisible(not otype.coded)
        self.answer_box.setVisible(otype.coded)
        self.answer_box.clear()
        for answer in otype.answers:
            self.answer_box.addItem(answer.display, answer.key)
        self.unit_box.clear()
        self.unit_box.addItems(otype.accepted_units()[:8])

    def submit(self) -> None:
        kind = self.kind()
        moment = datetime.fromtimestamp(self.when.dateTime().toSecsSinceEpoch()).astimezone()
        if kind == BLOOD_PRESSURE:
            text = f"bp {self.value_field.text()}/{self.second_field.text()} {self.unit_box.currentText()}"
        elif types_.get(kind).coded:
            text = f"{kind} {self.answer_box.currentData()}"
        else:
            text = f"{kind} {self.value_field.text()} {self.unit_box.currentText()}"
        try:
            entry = quick_entry.parse(text, self.now())
        except QuickEntryError as exc:
            self.value_field.setFocus()
            self.entry_did_fail.emit(str(exc))
            return
        self.entry_did_request.emit(QuickEntry(entry.kind, entry.values, entry.unit, moment))

    def clear(self) -> None:
        self.value_field.clear()
        self.second_field.clear()
        self.reset_time()

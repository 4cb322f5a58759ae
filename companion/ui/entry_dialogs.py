"""Change one measurement: its value(s), unit and time (a blood pressure's two numbers together)."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from companion.lifestyle import types as types_
from companion.ui.qt import (
    QComboBox,
    QDateTime,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QWidget,
)


class EditEntryDialog(QDialog):
    def __init__(self, observations: Sequence[Any], now: Callable[[], datetime], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Change a measurement")
        self.observations = list(observations)
        self.fields: list[tuple[QLineEdit | QComboBox, QComboBox | None]] = []
        form = QFormLayout(self)
        for obs in self.observations:
            otype = types_.get(obs.type)
            if otype.coded:
                answers = QComboBox()
                for answer in otype.answers:
                    answers.addItem(answer.display, answer.key)
                if obs.answer:
                    answers.setCurrentIndex(max(answers.findData(obs.answer), 0))
                form.addRow(f"{otype.label}:", answers)
                self.fields.append((answers, None))
                continue
            value = QLineEdit(f"{obs.entered_value:g}" if obs.entered_value is not None else f"{obs.value:g}")
            value.setAccessibleName(otype.label)
            unit = QComboBox()
            unit.addItems(otype.accepted_units()[:8])
            entered = obs.entered_unit or otype.unit or ""
            if unit.findText(entered) < 0:
                unit.insertItem(0, entered)
            unit.setCurrentText(entered)
            unit.setAccessibleName(f"{otype.label} unit")
            form.addRow(f"{otype.label}:", value)
            form.addRow("Unit:", unit)
            self.fields.append((value, unit))
        self.when = QDateTimeEdit(QDateTime.fromSecsSinceEpoch(int(self.observations[0].start.timestamp())))
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.when.setMaximumDateTime(QDateTime.fromSecsSinceEpoch(int(now().timestamp())))
        self.when.setAccessibleName("Date and time")
        form.addRow("When:", self.when)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> list[tuple[str, str | None]]:
        """Each observation's new value (as typed, or an answer key) and unit."""
        found = []
        for field, unit in self.fields:
            if isinstance(field, QComboBox):
                found.append((str(field.currentData()), None))
            else:
                found.append((field.text(), unit.currentText() if unit is not None else None))
        return found

    def moment(self) -> datetime:
        return datetime.fromtimestamp(self.when.dateTime().toSecsSinceEpoch()).astimezone()

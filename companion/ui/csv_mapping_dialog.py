"""Which columns of a CSV file hold the date, the value, the type and the unit: a preview of the
first rows and a choice per role, started from the importer's guess. OK waits until it is complete."""
from __future__ import annotations

from companion.lifestyle import types as types_
from companion.lifestyle.importers import CsvMapping, CsvPreview
from companion.lifestyle.importers.csv_import import KINDS, Column, kind_of, unit_in_header
from companion.ui.qt import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QRadioButton,
    QShowEvent,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from companion.ui.widgets.text import heading, paragraph

TITLE = "Which columns hold what?"
INTRO = (
    "{name} is a table. Here are its first rows. Tell the app which column holds the date, which "
    "holds the value, what was measured and in which unit. Nothing is stored until you press Import."
)
WIDE_CHOICE = "Read the columns as found: {columns}"
DATE_ORDERS = [("Work it out from the file", None), ("Day first (31/12/2024)", True), ("Month first (12/31/2024)", False)]
CHOOSE = "— choose —"


class CsvMappingDialog(QDialog):
    def __init__(self, file_name: str, preview: CsvPreview, parent: QWidget | None = None, *,
                 start: CsvMapping | None = None, note: str = "") -> None:
        super().__init__(parent)
        self.preview = preview
        self.setWindowTitle(TITLE)
        self.setModal(True)
        self.setMinimumWidth(640)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(TITLE))
        layout.addWidget(paragraph(INTRO.format(name=file_name)))
        self.note = paragraph(note)  # why the dialog is asking again
        self.note.setAccessibleName("Why this is asked again")
        self.note.setStyleSheet("font-weight: bold;")
        self.note.setVisible(bool(note))
        layout.addWidget(self.note)

        self.table = QTableWidget(len(preview.rows), len(preview.headers))
        self.table.setHorizontalHeaderLabels(preview.headers)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAccessibleName("The first rows of the file")
        self.table.verticalHeader().setVisible(False)
        for r, row in enumerate(preview.rows):
            for c, text in enumerate(row[: len(preview.headers)]):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        shown_rows = min(6, max(2, len(preview.rows)))  # enough rows to see what each column holds
        self.table.setMinimumHeight(
            self.table.verticalHeader().defaultSectionSize() * shown_rows
            + self.table.horizontalHeader().sizeHint().height() + 2 * self.table.frameWidth() + 2
        )
        layout.addWidget(self.table, 1)

        suggested = preview.suggested
        self.wide_box: QCheckBox | None = None
        if suggested is not None and suggested.values:
            names = ", ".join(f"{col} ({types_.get(kind).label.lower()})" for col, kind in suggested.values.items())
            self.wide_box = QCheckBox(WIDE_CHOICE.format(columns=names))
            self.wide_box.setChecked(True)
            self.wide_box.setAccessibleName("Read the columns as found")
            self.wide_box.toggled.connect(self._update)
            layout.addWidget(self.wide_box)

        date_group = QGroupBox("When each measurement was taken")
        grid = QGridLayout(date_group)
        self.date_box = self._columns_box("Date column")
        self.date_order = QComboBox()
        self.date_order.setAccessibleName("How dates are written")
        for text, value in DATE_ORDERS:
            self.date_order.addItem(text, value)
        if preview.day_first is not None:
            self.date_order.setCurrentIndex(1 if preview.day_first else 2)
        grid.addWidget(self._label("&Date:", self.date_box), 0, 0)
        grid.addWidget(self.date_box, 0, 1)
        grid.addWidget(self._label("Dates are &written:", self.date_order), 1, 0)
        grid.addWidget(self.date_order, 1, 1)
        grid.setColumnStretch(1, 1)
        layout.addWidget(date_group)

        self.long_box = QGroupBox("One measurement a row")
        long_grid = QGridLayout(self.long_box)
        self.value_box = self._columns_box("Value column")
        long_grid.addWidget(self._label("&Value:", self.value_box), 0, 0)
        long_grid.addWidget(self.value_box, 0, 1, 1, 2)

        self.kind_from_column = QRadioButton("Type from the column")
        self.kind_fixed = QRadioButton("One type for every row")
        self.kind_column_box = self._columns_box("Type column")
        self.kind_box = QComboBox()
        self.kind_box.setAccessibleName("Type of every row")
        self.kind_box.addItem(CHOOSE, None)
        for name in KINDS:
            kind_type = types_.get(name)
            if not kind_type.coded:
                self.kind_box.addItem(kind_type.label, name)
        self._pair(self.kind_from_column, self.kind_fixed)
        long_grid.addWidget(QLabel("What was measured:"), 1, 0)
        long_grid.addWidget(self.kind_from_column, 1, 1)
        long_grid.addWidget(self.kind_column_box, 1, 2)
        long_grid.addWidget(self.kind_fixed, 2, 1)
        long_grid.addWidget(self.kind_box, 2, 2)

        self.unit_from_column = QRadioButton("Unit from the column")
        self.unit_fixed = QRadioButton("One unit for every row")
        self.unit_column_box = self._columns_box("Unit column")
        self.unit_box = QComboBox()
        self.unit_box.setEditable(True)
        self.unit_box.setAccessibleName("Unit of every row")
        self._pair(self.unit_from_column, self.unit_fixed)
        long_grid.addWidget(QLabel("Unit:"), 3, 0)
        long_grid.addWidget(self.unit_from_column, 3, 1)
        long_grid.addWidget(self.unit_column_box, 3, 2)
        long_grid.addWidget(self.unit_fixed, 4, 1)
        long_grid.addWidget(self.unit_box, 4, 2)
        long_grid.setColumnStretch(2, 1)
        layout.addWidget(self.long_box)

        self.hint = paragraph("")
        self.hint.setAccessibleName("What is still missing")
        layout.addWidget(self.hint)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Import")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self._start_from(start or suggested)
        if note:  # asked again because the file could not tell: a person must choose
            self.date_order.removeItem(0)
            self.date_order.setPlaceholderText(CHOOSE)
            self.date_order.setCurrentIndex(-1)
        self.date_order.currentIndexChanged.connect(self._update)
        for box in (self.date_box, self.value_box, self.kind_column_box, self.kind_box, self.unit_column_box):
            box.currentIndexChanged.connect(self._update)
        self.value_box.currentIndexChanged.connect(self._suggest_unit)
        self.kind_box.currentIndexChanged.connect(self._fill_units)
        self.unit_box.currentTextChanged.connect(self._update)
        for button in (self.kind_from_column, self.kind_fixed, self.unit_from_column, self.unit_fixed):
            button.toggled.connect(self._update)
        self._update()
        self.date_box.setFocus()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt naming
        """Tall enough for every wrapped line (Qt sizes a dialog before wrapping its labels)."""
        super().showEvent(event)
        self.layout().activate()
        self.resize(self.width(), max(self.height(), self.layout().totalHeightForWidth(self.width())))

    # ---- building ------------------------------------------------------------------------
    def _columns_box(self, name: str) -> QComboBox:
        box = QComboBox()
        box.setAccessibleName(name)
        box.addItem(CHOOSE, None)
        for index, header in enumerate(self.preview.headers):
            box.addItem(header, index)
        return box

    def _label(self, text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(buddy)  # Alt+letter moves to the field
        return label

    def _pair(self, first: QRadioButton, second: QRadioButton) -> None:
        group = QButtonGroup(self)
        group.addButton(first)
        group.addButton(second)
        first.setChecked(True)

    def _select(self, box: QComboBox, column: Column | None) -> None:
        if column is None:
            return
        index = column if isinstance(column, int) else self._header_index(column)
        if index is not None:
            box.setCurrentIndex(box.findData(index))

    def _header_index(self, name: str) -> int | None:
        lowered = [h.lower() for h in self.preview.headers]
        return lowered.index(name.lower()) if name.lower() in lowered else None

    def _start_from(self, suggested: CsvMapping | None) -> None:
        if suggested is None:
            self._fill_units()
            return
        self._select(self.date_box, suggested.date_column)
        self._select(self.value_box, suggested.value_column)
        if suggested.kind_column is not None:
            self._select(self.kind_column_box, suggested.kind_column)
        elif suggested.kind is not None:
            self.kind_fixed.setChecked(True)
            self.kind_box.setCurrentIndex(max(0, self.kind_box.findData(suggested.kind)))
        elif suggested.values:  # a wide table: its first value column, as a start for the long form
            column, kind = next(iter(suggested.values.items()))
            self._select(self.value_box, column)
            self.kind_fixed.setChecked(True)
            self.kind_box.setCurrentIndex(max(0, self.kind_box.findData(kind)))
        self._fill_units()
        if suggested.unit_column is not None:
            self._select(self.unit_column_box, suggested.unit_column)
        elif suggested.unit is not None:
            self.unit_fixed.setChecked(True)
            self.unit_box.setCurrentText(suggested.unit)
        else:
            self._suggest_unit()

    def _fill_units(self, *_: object) -> None:
        kind = self.kind_box.currentData()
        typed = self.unit_box.currentText()
        self.unit_box.blockSignals(True)
        self.unit_box.clear()
        if kind is not None:
            self.unit_box.addItems(types_.get(kind).accepted_units())
        self.unit_box.blockSignals(False)
        if kind is None and typed:
            self.unit_box.setCurrentText(typed)
        self._suggest_unit()
        self._update()

    def _suggest_unit(self, *_: object) -> None:
        """A value column named ``Weight (lb)`` tells its unit; a type column then is a fixed unit."""
        index = self.value_box.currentData()
        if index is None:
            return
        header = self.preview.headers[index]
        unit = unit_in_header(header)
        if unit is not None:
            self.unit_fixed.setChecked(True)
            self.unit_box.setCurrentText(unit)
            if self.kind_fixed.isChecked() and self.kind_box.currentData() is None and (kind := kind_of(header)):
                self.kind_box.setCurrentIndex(max(0, self.kind_box.findData(kind)))
        elif self.unit_column_box.currentData() is None and self.kind_fixed.isChecked():
            self.unit_fixed.setChecked(True)

    # ---- state ---------------------------------------------------------------------------
    @property
    def wide(self) -> bool:
        return self.wide_box is not None and self.wide_box.isChecked()

    def missing(self) -> str:
        """What is still to choose, in words; empty when the mapping is complete."""
        if self.date_box.currentData() is None:
            return "Choose the column with the date."
        if self.date_order.currentIndex() < 0:
            return "Choose how the dates are written: day first or month first."
        if self.wide:
            return ""
        if self.value_box.currentData() is None:
            return "Choose the column with the value."
        if self.kind_from_column.isChecked() and self.kind_column_box.currentData() is None:
            return "Choose the column that says what was measured, or one type for every row."
        if self.kind_fixed.isChecked() and self.kind_box.currentData() is None:
            return "Choose what was measured."
        if self.unit_from_column.isChecked() and self.unit_column_box.currentData() is None:
            return "Choose the column with the unit, or one unit for every row."
        if self.unit_fixed.isChecked() and not self.unit_box.currentText().strip():
            return "Choose the unit."
        return ""

    def _update(self, *_: object) -> None:
        self.long_box.setEnabled(not self.wide)
        self.kind_column_box.setEnabled(self.kind_from_column.isChecked())
        self.kind_box.setEnabled(self.kind_fixed.isChecked())
        self.unit_column_box.setEnabled(self.unit_from_column.isChecked())
        self.unit_box.setEnabled(self.unit_fixed.isChecked())
        missing = self.missing()
        self.hint.setText(missing)
        self.ok_button.setEnabled(not missing)

    def _column(self, box: QComboBox) -> Column:
        index = int(box.currentData())
        return self.preview.headers[index] if self.preview.has_header else index

    def mapping(self) -> CsvMapping:
        """The mapping chosen; only when :meth:`missing` is empty."""
        assert not self.missing()
        common = dict(
            date_column=self._column(self.date_box),
            day_first=self.date_order.currentData(),
            has_header=self.preview.has_header,
        )
        if self.wide:
            assert self.preview.suggested is not None
            return CsvMapping(values=dict(self.preview.suggested.values), **common)  # type: ignore[arg-type]
        return CsvMapping(
            value_column=self._column(self.value_box),
            kind_column=self._column(self.kind_column_box) if self.kind_from_column.isChecked() else None,
            kind=self.kind_box.currentData() if self.kind_fixed.isChecked() else None,
            unit_column=self._column(self.unit_column_box) if self.unit_from_column.isChecked() else None,
            unit=self.unit_box.currentText().strip() if self.unit_fixed.isChecked() else None,
            **common,  # type: ignore[arg-type]
        )

"""The what-if controls of the Risks page: a slider, checkbox or list for one calculator input.

Each starts at the person's own value and returns to it on Reset; moving it tries out another
value without ever changing the person's numbers. Kept apart from the page
(``companion.ui.pages.risks_page``), which builds one per input the calculator lets the person
try out and works the what-if result out from their values.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from companion.risk.inputs import KEYS
from companion.ui import risk_messages as words
from companion.ui.qt import QCheckBox, QComboBox, QHBoxLayout, QLabel, QSlider, Qt, QWidget, Signal
from companion.ui.widgets.risk_inputs import unit_of
from companion.ui.widgets.text import set_description, set_enabled, set_text


@dataclass(frozen=True)
class SliderSpec:
    low: float
    high: float
    scale: int = 1  # slider positions per canonical unit


# Ranges for trying out values: the span people are usually told to aim for or come from. A
# value outside a calculator's validated range is refused in words, as in the form.
SLIDERS: dict[str, SliderSpec] = {
    "systolic_bp_mm_hg": SliderSpec(90, 200),
    "total_cholesterol_mg_dl": SliderSpec(100, 400),
    "hdl_cholesterol_mg_dl": SliderSpec(20, 120),
    "weight_kg": SliderSpec(30, 250),
    "bmi_kg_m2": SliderSpec(15, 50, 10),
}


class WhatIfControl(QWidget):
    moved = Signal()

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.label = words.WHAT_IF_LABELS.get(key, words.field_label(key))
        self.base: Any = None
        self.unit_name = ""  # the unit the form shows this quantity in
        self.per_canonical = 1.0
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.slider: QSlider | None = None
        self.check: QCheckBox | None = None
        self.box: QComboBox | None = None
        self.shown = QLabel("")
        self.shown.setMinimumWidth(110)
        self.shown.setWordWrap(True)
        self.name_label = QLabel(self.label)
        kind = KEYS[key].kind if key in KEYS else "number"
        if kind == "bool":
            self.check = QCheckBox(self.label)
            self.check.setAccessibleName(f"What if: {self.label}")
            self.check.toggled.connect(lambda _on: self.moved.emit())
            row.addWidget(self.check)
            row.addStretch(1)
        elif kind == "choice":
            self.box = QComboBox()
            self.box.setAccessibleName(f"What if: {self.label}")
            for choice in KEYS[key].choices:
                self.box.addItem(words.choice_label(key, choice), choice)
            self.box.currentIndexChanged.connect(lambda _i: self.moved.emit())
            self.name_label.setMinimumWidth(150)
            row.addWidget(self.name_label)
            row.addWidget(self.box, 1)
        else:
            self.spec = SLIDERS.get(key, SliderSpec(0, 300))
            self.slider = QSlider(Qt.Orientation.Horizontal)
            self.slider.setAccessibleName(f"What if: {self.label}")
            self.slider.setPageStep(10 * self.spec.scale)
            self.slider.valueChanged.connect(self._slid)
            self.name_label.setMinimumWidth(150)
            self.name_label.setWordWrap(True)
            row.addWidget(self.name_label)
            row.addWidget(self.slider, 1)
            row.addWidget(self.shown)

    def focus_widget(self) -> QWidget:
        return self.slider or self.check or self.box  # type: ignore[return-value]

    def set_base(self, value: Any) -> None:
        """The person's own value: where the control starts and returns to on Reset."""
        self.base = value
        set_enabled(self, value is not None or self.check is not None)
        self._show(value)

    def _show(self, value: Any) -> None:
        for widget in (self.slider, self.check, self.box):
            if widget is not None:
                widget.blockSignals(True)
        if self.slider is not None:
            low, high = self.spec.low, self.spec.high
            if value is not None:  # the range always holds the person's own value
                low, high = min(low, float(value)), max(high, float(value))
            lowest, highest = round(low * self.spec.scale), round(high * self.spec.scale)
            if (self.slider.minimum(), self.slider.maximum()) != (lowest, highest):
                self.slider.setRange(lowest, highest)
            if value is not None and self.slider.value() != round(float(value) * self.spec.scale):
                self.slider.setValue(round(float(value) * self.spec.scale))
            shown = self.text_for(value) if value is not None else ""
            set_description(self.slider, shown)
            if value is None:
                shown = words.WHAT_IF_NEEDS.format(what=words.field_noun(self.key).removeprefix("your "))
            set_text(self.shown, shown)
        if self.check is not None and self.check.isChecked() != bool(value):
            self.check.setChecked(bool(value))
        if self.box is not None:
            index = max(0, self.box.findData(value))
            if self.box.currentIndex() != index:
                self.box.setCurrentIndex(index)
        for widget in (self.slider, self.check, self.box):
            if widget is not None:
                widget.blockSignals(False)

    def _slid(self, position: int) -> None:
        set_text(self.shown, self.text_for(self.value()))
        assert self.slider is not None
        set_description(self.slider, self.shown.text())
        self.moved.emit()

    def reset(self) -> None:
        self._show(self.base)

    def value(self) -> Any:
        if self.slider is not None:
            return self.slider.value() / self.spec.scale
        if self.check is not None:
            return self.check.isChecked()
        assert self.box is not None
        return self.box.currentData()

    def text_for(self, value: Any) -> str:
        """The value as the person reads it, in the unit the form shows."""
        if isinstance(value, bool):
            return words.YES if value else words.NO
        if isinstance(value, str):
            return words.choice_label(self.key, value)
        shown = float(value) * self.per_canonical
        decimals = 2 if self.per_canonical < 0.5 else (1 if self.key == "bmi_kg_m2" else 0)
        unit = self.unit_name or unit_of(self.key)
        return f"{shown:.{decimals}f} {unit}".strip()

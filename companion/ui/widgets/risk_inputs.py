"""The input editors of the Risks page: one per calculator input, typed in canonical units.

A number box whose lowest position reads "not given" (with a mg/dL ↔ mmol/L or µmol/L switch
for cholesterol and creatinine, and "I don't know" / "No children" for Gail's answers), Yes / No
(/ I don't know) buttons, and a list of choices; ``make_editor`` picks one from the input's kind
in ``companion.risk.inputs``. Kept apart from the page (``companion.ui.pages.risks_page``), which
lays them out and reacts to their ``edited`` signal.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from companion.risk.inputs import CHOLESTEROL_MMOL_PER_MG_DL, CREATININE_UMOL_PER_MG_DL, KEYS, NULLIPAROUS, UNKNOWN
from companion.services import risk as service
from companion.ui import risk_messages as words
from companion.ui.qt import QButtonGroup, QComboBox, QDoubleSpinBox, QHBoxLayout, QLabel, QRadioButton, QWidget, Signal


@dataclass(frozen=True)
class NumberSpec:
    """How a number is typed: the range the box allows (wider than any calculator's, so a value
    outside a calculator's validated range can be entered and refused in words), decimals, step."""

    low: float
    high: float
    decimals: int
    step: float = 1.0


NUMBER_SPECS: dict[str, NumberSpec] = {
    "age_years": NumberSpec(1, 120, 0),
    "current_age_years": NumberSpec(1, 120, 0),
    "projection_age_years": NumberSpec(1, 120, 0),
    "total_cholesterol_mg_dl": NumberSpec(20, 2000, 0),
    "hdl_cholesterol_mg_dl": NumberSpec(5, 300, 0),
    "cholesterol_hdl_ratio": NumberSpec(0.5, 30, 1, 0.1),
    "systolic_bp_mm_hg": NumberSpec(50, 300, 0),
    "systolic_bp_sd_mm_hg": NumberSpec(0, 100, 1),
    "bmi_kg_m2": NumberSpec(8, 120, 1, 0.1),
    "height_cm": NumberSpec(50, 250, 1),
    "weight_kg": NumberSpec(20, 400, 1, 0.5),
    "waist_cm": NumberSpec(30, 250, 1),
    "egfr_ml_min_1_73m2": NumberSpec(1, 250, 0),
    "serum_creatinine_mg_dl": NumberSpec(0.1, 30, 2, 0.05),
    "uacr_mg_g": NumberSpec(0.1, 10000, 1),
    "hba1c_percent": NumberSpec(3, 20, 1, 0.1),
    "sdi_decile": NumberSpec(1, 10, 0),
    "townsend_score": NumberSpec(-15, 20, 2, 0.5),
    "number_of_biopsies": NumberSpec(0, 20, 0),
    "age_at_menarche_years": NumberSpec(5, 25, 0),
    "age_at_first_live_birth_years": NumberSpec(10, 60, 0),
    "first_degree_relatives_with_breast_cancer": NumberSpec(0, 20, 0),
}
DEFAULT_SPEC = NumberSpec(0, 10000, 2)


@dataclass(frozen=True)
class Unit:
    name: str
    per_canonical: float  # shown value = canonical value × this
    spec: NumberSpec


# The two units the issue asks for: cholesterol and creatinine in mg/dL or mmol/L (µmol/L), with
# the one conversion factor the calculators use (companion.risk.inputs).
UNITS: dict[str, tuple[Unit, ...]] = {
    "total_cholesterol_mg_dl": (Unit("mg/dL", 1.0, NUMBER_SPECS["total_cholesterol_mg_dl"]),
                                Unit("mmol/L", CHOLESTEROL_MMOL_PER_MG_DL, NumberSpec(0.5, 52, 2, 0.1))),
    "hdl_cholesterol_mg_dl": (Unit("mg/dL", 1.0, NUMBER_SPECS["hdl_cholesterol_mg_dl"]),
                              Unit("mmol/L", CHOLESTEROL_MMOL_PER_MG_DL, NumberSpec(0.1, 7.8, 2, 0.05))),
    "serum_creatinine_mg_dl": (Unit("mg/dL", 1.0, NUMBER_SPECS["serum_creatinine_mg_dl"]),
                               Unit("µmol/L", CREATININE_UMOL_PER_MG_DL, NumberSpec(9, 2650, 0))),
}


def unit_of(key: str) -> str:
    unit = KEYS[key].unit if key in KEYS else ""
    return "" if unit == "%" and key != "hba1c_percent" else unit


class FieldEditor(QWidget):
    """One input: ``value()`` in the canonical unit, ``None`` when not given."""

    edited = Signal()  # the person changed it (never emitted by set_value)

    def __init__(self, key: str, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key, self.label = key, label
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(0, 0, 0, 0)

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    def focus_widgets(self) -> list[QWidget]:
        raise NotImplementedError


class NumberEditor(FieldEditor):
    """A spin box whose lowest position reads "not given"; a unit switch where the issue asks for
    one; for Gail's answers, a second box for "I don't know" / "No children"."""

    def __init__(self, key: str, label: str, unit: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(key, label, parent)
        self.units = UNITS.get(key, (Unit(unit_of(key), 1.0, NUMBER_SPECS.get(key, DEFAULT_SPEC)),))
        self.unit = next((u for u in self.units if u.name == unit), self.units[0])
        self._canonical: float | None = None
        self._special: str | None = None  # "unknown" / "nulliparous"
        self.integer = KEYS[key].kind in ("integer", "count_or_unknown") if key in KEYS else False
        self.spin = QDoubleSpinBox()
        self.spin.setAccessibleName(label)
        self.spin.setSpecialValueText(words.NO_VALUE)
        self.spin.setMinimumWidth(110)
        self.spin.valueChanged.connect(self._typed)
        self.row.addWidget(self.spin)
        self.unit_box: QComboBox | None = None
        if len(self.units) > 1:
            self.unit_box = QComboBox()
            self.unit_box.setAccessibleName(words.UNIT_NAME.format(what=label))
            for u in self.units:
                self.unit_box.addItem(u.name, u.name)
            self.unit_box.setCurrentIndex(self.units.index(self.unit))
            self.unit_box.currentIndexChanged.connect(self._unit_chosen)
            self.row.addWidget(self.unit_box)
        elif self.unit.name:
            unit_label = QLabel(self.unit.name)
            self.row.addWidget(unit_label)
        self.special_box: QComboBox | None = None
        specials = self._specials()
        if specials:
            self.special_box = QComboBox()
            self.special_box.setAccessibleName(f"{label}: a number or another answer")
            self.special_box.addItem("A number", None)
            for value, text in specials:
                self.special_box.addItem(text, value)
            self.special_box.currentIndexChanged.connect(self._special_chosen)
            self.row.addWidget(self.special_box)
        self.row.addStretch(1)
        self._apply_unit()

    def _specials(self) -> list[tuple[str, str]]:
        kind = KEYS[self.key].kind if self.key in KEYS else ""
        found = []
        if kind.endswith("_or_unknown"):
            found.append((UNKNOWN, words.DONT_KNOW))
        if self.key == "age_at_first_live_birth_years":
            found.append((NULLIPAROUS, words.NULLIPAROUS))
        return found

    def _apply_unit(self) -> None:
        spec = self.unit.spec
        step = 10.0 ** -spec.decimals
        self.spin.blockSignals(True)
        self.spin.setDecimals(spec.decimals)
        self.spin.setRange(spec.low - step, spec.high)  # the lowest position is "not given"
        self.spin.setSingleStep(spec.step)
        self.spin.setValue(self.spin.minimum() if self._canonical is None else self._canonical * self.unit.per_canonical)
        self.spin.blockSignals(False)

    def _typed(self, shown: float) -> None:
        if shown <= self.spin.minimum():
            self._canonical = None
        else:
            canonical = shown / self.unit.per_canonical
            self._canonical = float(round(canonical)) if self.integer else canonical
        self.edited.emit()

    def _unit_chosen(self, index: int) -> None:
        self.unit = self.units[index]
        self._apply_unit()  # the stored value stays exact; only its display changes

    def _special_chosen(self, index: int) -> None:
        assert self.special_box is not None
        self._special = self.special_box.itemData(index)
        self.spin.setEnabled(self._special is None)
        self.edited.emit()

    def value(self) -> Any:
        if self._special is not None:
            return self._special
        if self._canonical is None:
            return None
        return int(self._canonical) if self.integer else self._canonical

    def set_value(self, value: Any) -> None:
        special = value if isinstance(value, str) else None
        if self.special_box is not None:
            self.special_box.blockSignals(True)
            index = self.special_box.findData(special)
            self.special_box.setCurrentIndex(max(0, index))
            self.special_box.blockSignals(False)
        self._special = special if self.special_box is not None else None
        self.spin.setEnabled(self._special is None)
        self._canonical = None if value is None or isinstance(value, str) else float(value)
        self._apply_unit()

    def focus_widgets(self) -> list[QWidget]:
        return [w for w in (self.spin, self.unit_box, self.special_box) if w is not None]


class YesNoEditor(FieldEditor):
    """Yes / No (/ I don't know) buttons; none pressed means "not answered yet", which a single
    checkbox could not tell from "no"."""

    def __init__(self, key: str, label: str, with_unknown: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(key, label, parent)
        self.group = QButtonGroup(self)
        self.buttons: dict[Any, QRadioButton] = {}
        options: list[tuple[Any, str]] = [(True, words.YES), (False, words.NO)]
        if with_unknown:
            options.append((UNKNOWN, words.DONT_KNOW))
        for value, text in options:
            button = QRadioButton(text)
            button.setAccessibleName(f"{label} {text}")
            self.group.addButton(button)
            self.buttons[value] = button
            self.row.addWidget(button)
        self.row.addStretch(1)
        self.group.buttonClicked.connect(lambda _button: self.edited.emit())

    def value(self) -> Any:
        for value, button in self.buttons.items():
            if button.isChecked():
                return value
        return None

    def set_value(self, value: Any) -> None:
        self.group.setExclusive(False)  # the only way to show none pressed again
        for option, button in self.buttons.items():
            button.setChecked(value is not None and option == value and type(option) is type(value))
        self.group.setExclusive(True)

    def choose(self, value: Any) -> None:
        """Press the button for ``value``, as a click would."""
        self.buttons[value].click()

    def focus_widgets(self) -> list[QWidget]:
        return list(self.buttons.values())


class ChoiceEditor(FieldEditor):
    def __init__(self, key: str, label: str, parent: QWidget | None = None) -> None:
        super().__init__(key, label, parent)
        self.box = QComboBox()
        self.box.setAccessibleName(label)
        self.box.addItem(words.CHOOSE, None)
        for choice in KEYS[key].choices:
            self.box.addItem(words.choice_label(key, choice), choice)
        self.box.currentIndexChanged.connect(lambda _i: self.edited.emit())
        self.row.addWidget(self.box)
        self.row.addStretch(1)

    def value(self) -> Any:
        return self.box.currentData()

    def set_value(self, value: Any) -> None:
        self.box.blockSignals(True)
        self.box.setCurrentIndex(max(0, self.box.findData(value)))
        self.box.blockSignals(False)

    def choose(self, value: Any) -> None:
        self.box.setCurrentIndex(self.box.findData(value))

    def focus_widgets(self) -> list[QWidget]:
        return [self.box]


def make_editor(key: str, unit: str | None = None) -> FieldEditor:
    label = words.field_label(key, KEYS[key].description if key in KEYS else "")
    kind = KEYS[key].kind if key in KEYS else "number"
    if kind == "bool":
        return YesNoEditor(key, label)
    if kind == "bool_or_unknown":
        return YesNoEditor(key, label, with_unknown=True)
    if kind == "choice":
        return ChoiceEditor(key, label)
    return NumberEditor(key, label, unit)


def is_answer(key: str) -> bool:
    """Kept by "Save my answers": the person's answers, not measurements or the profile's fields."""
    return key in service.ANSWER_KEYS

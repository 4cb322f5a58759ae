"""Set, change and remove goals: blood pressure, weight, active minutes a week, steps a day,
sleep, resting heart rate. Each change can be undone (the Today page's Undo and Ctrl+Z)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from companion.errors import CompanionError
from companion.lifestyle import goals as goals_
from companion.lifestyle import types as types_
from companion.lifestyle.today import BP_PAIR, Goal, goal_title
from companion.ui.qt import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from companion.ui.undo import UndoStack
from companion.ui.widgets.text import paragraph


@dataclass(frozen=True)
class GoalChoice:
    label: str
    kinds: tuple[str, ...]  # two for blood pressure
    target: str
    defaults: tuple[str, ...]  # suggested numbers, as text; the person changes them


CHOICES = (
    GoalChoice("Blood pressure: top and bottom number at most", BP_PAIR, "at_most", ("130", "80")),
    GoalChoice("Active minutes a week", ("active_minutes",), "weekly_total", ("150",)),
    GoalChoice("Steps a day", ("steps",), "daily_total", ("8000",)),
    GoalChoice("Weight: at most (to lose weight)", ("weight",), "at_most", ("",)),
    GoalChoice("Weight: at least (to gain weight)", ("weight",), "at_least", ("",)),
    GoalChoice("Sleep a night: at least", ("sleep_hours",), "at_least", ("7",)),
    GoalChoice("Resting heart rate: at most", ("resting_heart_rate",), "at_most", ("",)),
)
INTRO = (
    "A goal is yours to choose, ideally with your doctor. The suggestions (130/80, 150 active "
    "minutes a week, 7 hours of sleep) come from the guidelines named on the charts."
)


def describe(goals: list[Goal]) -> list[tuple[str, tuple[Goal, ...]]]:
    """Each goal as the person reads it; systolic and diastolic "at most" goals as one line."""
    by_key = {(g.type, g.target): g for g in goals}
    pair = tuple(by_key.get((kind, "at_most")) for kind in BP_PAIR)
    rows: list[tuple[str, tuple[Goal, ...]]] = []
    for goal in goals:
        if all(pair) and goal in pair:
            if goal is pair[0]:
                rows.append((f"Blood pressure: {pair[0].entered_value:g}/{pair[1].entered_value:g} or lower", pair))  # type: ignore[union-attr]
            continue
        rows.append((goal_title(goal), (goal,)))
    return rows


class GoalsDialog(QDialog):
    goals_did_change = Signal()

    def __init__(self, session: Any, undo: UndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.undo_stack = session, undo
        self.setWindowTitle("Your goals")
        self.setMinimumWidth(520)
        self.goal_list = QListWidget()
        self.goal_list.setAccessibleName("Current goals")
        self.remove_button = QPushButton("Remove this goal")
        self.remove_button.clicked.connect(self.remove_selected)
        self.goal_list.itemSelectionChanged.connect(self._buttons)

        self.choice_box = QComboBox()
        self.choice_box.setAccessibleName("Kind of goal")
        for choice in CHOICES:
            self.choice_box.addItem(choice.label)
        self.value_fields = [QLineEdit(), QLineEdit()]
        self.value_fields[0].setAccessibleName("Goal value")
        self.value_fields[1].setAccessibleName("Bottom number")
        self.slash = QLabel("/")
        self.unit_box = QComboBox()
        self.unit_box.setAccessibleName("Goal unit")
        self.save_button = QPushButton("Save this goal")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.message = paragraph("")
        self.message.setAccessibleName("Goal message")
        values = QHBoxLayout()
        values.addWidget(self.value_fields[0])
        values.addWidget(self.slash)
        values.addWidget(self.value_fields[1])
        values.addWidget(self.unit_box)
        new_box = QGroupBox("Set a goal (it replaces one of the same kind)")
        form = QFormLayout(new_box)
        form.addRow("Goal:", self.choice_box)
        form.addRow("Value:", values)
        form.addRow(self.save_button)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).clicked.connect(self.accept)

        layout = QVBoxLayout(self)
        layout.addWidget(paragraph(INTRO))
        layout.addWidget(QLabel("Current goals:"))
        layout.addWidget(self.goal_list)
        layout.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(new_box)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.choice_box.currentIndexChanged.connect(self._choice_changed)
        self._choice_changed()
        if session.read_only:
            for widget in (self.choice_box, self.save_button, self.remove_button, *self.value_fields, self.unit_box):
                widget.setEnabled(False)
            self.message.setText("Caregiver access is read-only: only the profile owner can change goals.")
        self.reload()

    # ---- showing -------------------------------------------------------------------------
    def reload(self) -> None:
        self.goal_list.clear()
        for text, goals in describe(goals_.goals(self.session)):
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, [g.id for g in goals])
            self.goal_list.addItem(item)
        self._buttons()

    def goal_texts(self) -> list[str]:
        return [self.goal_list.item(i).text() for i in range(self.goal_list.count())]

    def _buttons(self) -> None:
        self.remove_button.setEnabled(not self.session.read_only and bool(self.goal_list.selectedItems()))

    def choice(self) -> GoalChoice:
        return CHOICES[self.choice_box.currentIndex()]

    def choose(self, label_start: str) -> None:
        for index, choice in enumerate(CHOICES):
            if choice.label.startswith(label_start):
                self.choice_box.setCurrentIndex(index)
                return
        raise KeyError(label_start)

    def _choice_changed(self) -> None:
        choice = self.choice()
        pair = len(choice.kinds) == 2
        self.value_fields[1].setVisible(pair)
        self.slash.setVisible(pair)
        for field, default in zip(self.value_fields, choice.defaults + ("",)):
            field.setText(default)
        otype = types_.get(choice.kinds[0])
        self.unit_box.clear()
        self.unit_box.addItems([u for u in otype.accepted_units() if len(u) <= 6][:6])

    # ---- changing ------------------------------------------------------------------------
    def save(self) -> None:
        choice = self.choice()
        unit = self.unit_box.currentText()
        before = {(g.type, g.target): g for g in goals_.goals(self.session)}
        made: list[goals_.Goal] = []
        try:
            numbers = [float(f.text().replace(",", ".")) for f in self.value_fields[: len(choice.kinds)]]
            for kind, number in zip(choice.kinds, numbers):
                made.append(goals_.set_goal(self.session, kind, choice.target, number, unit))
        except ValueError:
            self.message.setText("Type a number for the goal, for example " + (choice.defaults[0] or "75") + ".")
            self._take_back(made, before)
            return
        except CompanionError as exc:
            self.message.setText(f"Not saved: {exc}.")
            self._take_back(made, before)
            return
        replaced = [before[(g.type, g.target)] for g in made if (g.type, g.target) in before]
        session = self.session
        self.undo_stack.push(
            f"Set the goal “{describe(made)[0][0]}”",
            lambda: self._restore(session, made, replaced),
        )
        self.message.setText(f"Saved: {describe(made)[0][0]}.")
        self.reload()
        self.goals_did_change.emit()

    def _take_back(self, made: list[Any], before: dict[tuple[str, str], Any]) -> None:
        """A blood pressure goal is set whole or not at all."""
        self._restore(self.session, made, [before[(g.type, g.target)] for g in made if (g.type, g.target) in before])

    @staticmethod
    def _restore(session: Any, made: list[Any], replaced: list[Any]) -> None:
        for goal in made:
            goals_.remove_goal(session, goal.id)
        for goal in replaced:
            goals_.set_goal(session, goal.type, goal.target, goal.entered_value, goal.unit)

    def remove_selected(self) -> None:
        items = self.goal_list.selectedItems()
        if not items or self.session.read_only:
            return
        ids = list(items[0].data(Qt.ItemDataRole.UserRole))
        text = items[0].text()
        removed = [goals_.remove_goal(self.session, goal_id) for goal_id in ids]
        session = self.session
        self.undo_stack.push(
            f"Removed the goal “{text}”",
            lambda: [goals_.set_goal(session, g.type, g.target, g.entered_value, g.unit) for g in removed],
        )
        self.message.setText(f"Removed: {text}.")
        self.reload()
        self.goals_did_change.emit()


def open_goals(session: Any, undo: UndoStack, parent: QWidget, changed: Callable[[], None]) -> GoalsDialog:
    """Window-modal and not blocking: the lock procedure closes it like any vault dialog."""
    dialog = GoalsDialog(session, undo, parent)
    dialog.goals_did_change.connect(changed)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog

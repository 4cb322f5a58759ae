"""Undo for the person's own edits of measurements and goals: each write pushes how to take it
back; the newest is undone first. Shared by the pages that write, emptied on lock."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from companion.errors import CompanionError
from companion.ui import lifestyle_messages as words
from companion.ui.qt import QObject, Signal

MAX_STEPS = 50


@dataclass(frozen=True)
class UndoStep:
    label: str  # what was done, as the person would say it: "Deleted weight 72.5 kg"
    undo: Callable[[], object]


class UndoStack(QObject):
    stack_did_change = Signal()
    step_did_undo = Signal(str)  # the label of the step undone

    def __init__(self) -> None:
        super().__init__()
        self._steps: list[UndoStep] = []

    def push(self, label: str, undo: Callable[[], object]) -> None:
        self._steps.append(UndoStep(label, undo))
        del self._steps[:-MAX_STEPS]
        self.stack_did_change.emit()

    @property
    def top(self) -> UndoStep | None:
        return self._steps[-1] if self._steps else None

    def undo(self) -> str | None:
        """Undo the newest step; its label, or None when there was nothing to undo."""
        if not self._steps:
            return None
        step = self._steps.pop()
        try:
            step.undo()
        finally:
            self.stack_did_change.emit()
        self.step_did_undo.emit(step.label)
        return step.label

    def clear(self) -> None:
        self._steps.clear()
        self.stack_did_change.emit()


@dataclass(frozen=True)
class UndoOutcome:
    text: str  # what to tell the person: "Undone: …", "Nothing to undo.", "Could not undo: …"
    undone: bool
    failed: bool


def undo_in_words(stack: UndoStack) -> UndoOutcome:
    """Undo the newest step and say what happened (the Today and Measurements pages' Undo)."""
    try:
        label = stack.undo()
    except CompanionError as exc:
        return UndoOutcome(words.UNDO_FAILED.format(reason=exc), undone=False, failed=True)
    if label is None:
        return UndoOutcome(words.NOTHING_TO_UNDO, undone=False, failed=False)
    return UndoOutcome(words.UNDONE.format(what=label), undone=True, failed=False)

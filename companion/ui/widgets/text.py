"""Text building blocks shared by windows: a heading and a wrapping paragraph; and setters that
change a widget's text, accessible description or enabled state only when it really changes
(for views refreshed on every keystroke, such as the Risks page and its what-if controls)."""
from __future__ import annotations

from companion.ui.qt import QLabel, QWidget


def heading(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.5)
    font.setBold(True)
    label.setFont(font)
    label.setWordWrap(True)
    return label


def paragraph(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


# Setters called only for a real change: the result and the what-if panel are refreshed on every
# keystroke and slider step, and an unchanged label need not be laid out and repainted. (Written
# when PySide6 6.12.0 was found to lose a reference to None per such call; 6.11.3 is pinned.)
def set_text(label: QLabel, text: str) -> None:
    if label.text() != text:
        label.setText(text)


def set_enabled(widget: QWidget, enabled: bool) -> None:
    if widget.isEnabled() != enabled:
        widget.setEnabled(enabled)


def set_description(widget: QWidget, text: str) -> None:
    if widget.accessibleDescription() != text:
        widget.setAccessibleDescription(text)

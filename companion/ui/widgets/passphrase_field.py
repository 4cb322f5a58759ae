"""A new-passphrase entry: two fields, a live strength meter with the reason, and a generator."""
from __future__ import annotations

from collections.abc import Callable

from companion.ui.qt import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
    Signal,
)
from companion.vault import passphrase as policy

METER_COLOURS = ("#b2182b", "#d6604d", "#e08214", "#4d9221", "#276419")  # red → green, with text too


class PassphraseEntry(QWidget):
    """Emits ``validity_did_change(bool)`` whenever the pair becomes (un)acceptable."""

    validity_did_change = Signal(bool)

    def __init__(self, context_words: Callable[[], list[str]] = list, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context_words = context_words
        self.first = QLineEdit()
        self.first.setEchoMode(QLineEdit.EchoMode.Password)
        self.first.setAccessibleName("New passphrase")
        self.second = QLineEdit()
        self.second.setEchoMode(QLineEdit.EchoMode.Password)
        self.second.setAccessibleName("Repeat the new passphrase")
        self.show_button = QPushButton("Show")
        self.show_button.setCheckable(True)
        self.show_button.toggled.connect(self._toggle_visible)
        self.generate_button = QPushButton("Make one for me")
        self.generate_button.setToolTip("Six random words: strong and easy to write down")
        self.generate_button.clicked.connect(self.generate)
        self.meter = QProgressBar()
        self.meter.setRange(0, 4)
        self.meter.setTextVisible(False)
        self.meter.setFixedHeight(10)
        self.meter.setAccessibleName("Passphrase strength")
        self.reason = QLabel(f"Use at least {policy.MIN_LENGTH} characters. A few unusual words work well.")
        self.reason.setWordWrap(True)
        self.match = QLabel("")

        form = QFormLayout()
        row = QHBoxLayout()
        row.addWidget(self.first, 1)
        row.addWidget(self.show_button)
        form.addRow("New passphrase:", row)
        form.addRow("Type it again:", self.second)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.meter)
        layout.addWidget(self.reason)
        layout.addWidget(self.match)
        layout.addWidget(self.generate_button)
        self.first.textChanged.connect(self._update)
        self.second.textChanged.connect(self._update)
        self._valid = False

    def _toggle_visible(self, visible: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if visible else QLineEdit.EchoMode.Password
        self.first.setEchoMode(mode)
        self.second.setEchoMode(mode)
        self.show_button.setText("Hide" if visible else "Show")

    def generate(self) -> None:
        words = policy.generate(context_words=self._context_words())
        self.show_button.setChecked(True)
        self.first.setText(words)
        self.second.setText(words)

    def _update(self) -> None:
        verdict = policy.assess(self.first.text(), self._context_words())
        self.meter.setValue(verdict.score if self.first.text() else 0)
        colour = METER_COLOURS[verdict.score]
        self.meter.setStyleSheet(f"QProgressBar::chunk {{ background: {colour}; }}")
        self.reason.setText(verdict.reason if not verdict.acceptable else f"Good. {verdict.reason}")
        matches = self.first.text() == self.second.text()
        if self.second.text() and not matches:
            self.match.setText("The two passphrases are not the same yet.")
        else:
            self.match.setText("")
        valid = verdict.acceptable and matches
        if valid != self._valid:
            self._valid = valid
            self.validity_did_change.emit(valid)

    @property
    def valid(self) -> bool:
        return self._valid

    def text(self) -> str:
        return self.first.text()

    def clear(self) -> None:
        self.first.clear()
        self.second.clear()
        self.show_button.setChecked(False)

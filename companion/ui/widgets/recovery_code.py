"""Showing a recovery code once, and asking for a few of its groups back."""
from __future__ import annotations

import secrets

from companion.ui.qt import (
    QFont,
    QFontDatabase,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from companion.vault.recovery import GROUP

RECOVERY_EXPLANATION = (
    "This recovery code is the only way back in if you forget your passphrase. "
    "Write it on paper and keep it somewhere safe, such as with your important documents. "
    "It is shown only now."
)


def code_font() -> QFont:
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPointSizeF(max(font.pointSizeF(), 10) * 1.4)
    font.setBold(True)
    return font


class RecoveryCodeView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.explanation = QLabel(RECOVERY_EXPLANATION)
        self.explanation.setWordWrap(True)
        self.code_label = QLabel("")
        self.code_label.setFont(code_font())
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.code_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code_label.setAccessibleName("Recovery code")
        self.code_label.setFrameShape(QLabel.Shape.Box)
        self.code_label.setMargin(16)
        self.code_label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.explanation.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.MinimumExpanding)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.explanation)
        layout.addSpacing(12)
        layout.addWidget(self.code_label)

    def show_code(self, code: str) -> None:
        self.code_label.setText(code)

    def clear(self) -> None:
        self.code_label.clear()


class RecoveryCodeCheck(QWidget):
    """Asks for two groups of the code; emits ``confirmation_did_change(bool)``."""

    confirmation_did_change = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._groups: list[str] = []
        self.asked: tuple[int, int] = (0, 1)
        self.intro = QLabel("To be sure it is written down correctly, type two groups of your recovery code.")
        self.intro.setWordWrap(True)
        self.first = QLineEdit()
        self.second = QLineEdit()
        for field in (self.first, self.second):
            field.setMaxLength(GROUP + 2)
            field.setFont(code_font())
            field.textChanged.connect(self._update)
        self.form = QFormLayout()
        self.form.addRow("Group", self.first)
        self.form.addRow("Group", self.second)
        self.status = QLabel("")
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addWidget(self.status)
        self._ok = False

    def ask_for(self, code: str) -> None:
        self._groups = code.split("-")
        picks = sorted(secrets.SystemRandom().sample(range(len(self._groups)), 2))
        self.asked = (picks[0], picks[1])
        self.form.labelForField(self.first).setText(f"Group {picks[0] + 1}:")
        self.form.labelForField(self.second).setText(f"Group {picks[1] + 1}:")
        self.first.clear()
        self.second.clear()
        self._update()

    def _update(self) -> None:
        def norm(text: str) -> str:
            return text.strip().upper().replace("O", "0").replace("I", "1").replace("L", "1")

        ok = bool(self._groups) and (
            norm(self.first.text()) == self._groups[self.asked[0]]
            and norm(self.second.text()) == self._groups[self.asked[1]]
        )
        both_typed = len(self.first.text().strip()) >= GROUP and len(self.second.text().strip()) >= GROUP
        self.status.setText("" if ok or not both_typed else "That does not match. Check the code you wrote down.")
        if ok != self._ok:
            self._ok = ok
            self.confirmation_did_change.emit(ok)

    @property
    def confirmed(self) -> bool:
        return self._ok

    def clear(self) -> None:
        self._groups = []
        self.first.clear()
        self.second.clear()

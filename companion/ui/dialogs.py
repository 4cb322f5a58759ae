"""Dialogs that ask for secrets: change passphrase, confirm with passphrase, add caregiver,
reset after a recovery-code unlock, and show a new recovery code."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from companion.ui import messages
from companion.ui.qt import QDialog, QDialogButtonBox, QFormLayout, QLineEdit, QVBoxLayout, QWidget
from companion.ui.tasks import TaskRunner
from companion.ui.widgets.passphrase_field import PassphraseEntry
from companion.ui.widgets.recovery_code import RecoveryCodeCheck, RecoveryCodeView
from companion.ui.widgets.text import heading, paragraph
from companion.vault.errors import VaultError


def password_field(name: str) -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setAccessibleName(name)
    return field


class TaskDialog(QDialog):
    """A dialog whose OK runs vault work in the background and shows the error inline."""

    def __init__(self, title: str, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.setMinimumWidth(460)
        self.tasks = tasks
        self.result_value: Any = None
        self.layout_ = QVBoxLayout(self)
        self.error = paragraph("")
        self.error.setObjectName("error")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)

    def add_passphrase_entry(self, context_words: Callable[[], list[str]]) -> PassphraseEntry:
        """A new-passphrase entry; OK stays disabled until the passphrase is acceptable."""
        entry = PassphraseEntry(context_words)
        self.layout_.addWidget(entry)
        self.ok_button.setEnabled(False)
        entry.validity_did_change.connect(self.ok_button.setEnabled)
        return entry

    def finish_layout(self) -> None:
        self.layout_.addWidget(self.error)
        self.layout_.addWidget(self.buttons)

    def work(self) -> Callable[[], Any]:
        raise NotImplementedError

    def _submit(self) -> None:
        try:
            job = self.work()
        except VaultError as exc:
            self._failed(exc)
            return
        self.ok_button.setEnabled(False)
        self.error.setText("Working…")
        self.tasks.run(lambda progress, cancel: job(), self._done, self._failed)

    def _done(self, value: Any) -> None:
        self.result_value = value
        self.error.setText("")
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        text = str(exc) if isinstance(exc, VaultError) else f"That did not work ({type(exc).__name__})."
        self.error.setText(text[:1].upper() + text[1:])
        self.ok_button.setEnabled(True)
        self.on_failed()

    def on_failed(self) -> None:
        """Clear secret fields after a failure so they are typed again."""


class ChangePassphraseDialog(TaskDialog):
    def __init__(self, session: Any, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__("Change passphrase", tasks, parent)
        self.session = session
        self.current = password_field("Current passphrase")
        form = QFormLayout()
        form.addRow("Current passphrase:", self.current)
        self.layout_.addLayout(form)
        self.entry = self.add_passphrase_entry(lambda: [session.nickname])
        self.finish_layout()

    def work(self) -> Callable[[], Any]:
        current, new = self.current.text(), self.entry.text()
        self.current.clear()
        return lambda: self.session.change_passphrase(current, new)

    def on_failed(self) -> None:
        self.current.setFocus()


class ConfirmPassphraseDialog(TaskDialog):
    """Step-up authentication: re-enter the owner's passphrase, then run ``action``."""

    def __init__(self, title: str, explanation: str, action: Callable[[str], Any], tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(title, tasks, parent)
        self.action = action
        self.layout_.addWidget(paragraph(explanation))
        self.current = password_field("Your passphrase")
        form = QFormLayout()
        form.addRow("Your passphrase:", self.current)
        self.layout_.addLayout(form)
        self.finish_layout()

    def work(self) -> Callable[[], Any]:
        current = self.current.text()
        self.current.clear()
        return lambda: self.action(current)


class AddCaregiverDialog(TaskDialog):
    def __init__(self, session: Any, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__("Add caregiver access", tasks, parent)
        self.session = session
        self.layout_.addWidget(paragraph(messages.CAREGIVER_EXPLANATION))
        self.label = QLineEdit()
        self.label.setPlaceholderText("e.g. Maria (daughter)")
        self.label.setAccessibleName("Caregiver's name")
        self.owner = password_field("Your passphrase")
        form = QFormLayout()
        form.addRow("Caregiver's name:", self.label)
        self.layout_.addLayout(form)
        self.layout_.addWidget(paragraph("The caregiver's own passphrase:"))
        self.entry = self.add_passphrase_entry(lambda: [session.nickname, self.label.text()])
        form2 = QFormLayout()
        form2.addRow("Your passphrase (to confirm):", self.owner)
        self.layout_.addLayout(form2)
        self.finish_layout()

    def work(self) -> Callable[[], Any]:
        label, caregiver, owner = self.label.text(), self.entry.text(), self.owner.text()
        self.owner.clear()
        return lambda: self.session.add_caregiver(owner, label, caregiver)


class ResetPassphraseDialog(TaskDialog):
    """After a recovery-code unlock: a new passphrase is required; returns the new code."""

    def __init__(self, session: Any, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__("Choose a new passphrase", tasks, parent)
        self.session = session
        self.layout_.addWidget(heading("Choose a new passphrase"))
        self.layout_.addWidget(paragraph(messages.RESET_INTRO))
        self.entry = self.add_passphrase_entry(lambda: [session.nickname])
        self.finish_layout()

    def work(self) -> Callable[[], Any]:
        new = self.entry.text()
        self.entry.clear()
        return lambda: self.session.reset_passphrase_with_recovery(new)


class NewRecoveryCodeDialog(QDialog):
    """Shows a freshly issued recovery code; OK only once two groups are typed back."""

    def __init__(self, code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Your new recovery code")
        self.setModal(True)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Your new recovery code"))
        self.view = RecoveryCodeView()
        self.view.show_code(code)
        self.check = RecoveryCodeCheck()
        self.check.ask_for(code)
        layout.addWidget(self.view)
        layout.addWidget(self.check)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setEnabled(False)
        self.check.confirmation_did_change.connect(self.ok_button.setEnabled)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)

    def done(self, result: int) -> None:  # noqa: D401 - Qt override
        self.view.clear()
        self.check.clear()
        super().done(result)

"""The unlock window: choose a profile, type the passphrase (or the recovery code)."""
from __future__ import annotations

import math
from collections.abc import Callable

from companion.settings import LAST_PROFILE_ID, Settings
from companion.ui import messages
from companion.ui.qt import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from companion.ui.tasks import TaskRunner
from companion.ui.widgets.text import heading, paragraph
from companion.vault.errors import VaultError, WrongSecret
from companion.vault.records import ProfileInfo
from companion.vault.secrets_input import Secret
from companion.vault.session import VaultSession
from companion.vault.store import ProfileStore
from companion.vault.throttle import UnlockThrottle


class UnlockWindow(QWidget):
    """Emits ``session_did_unlock(session)`` or ``new_profile_did_request``."""

    session_did_unlock = Signal(object)
    new_profile_did_request = Signal()

    def __init__(
        self,
        store: ProfileStore,
        settings: Settings,
        tasks: TaskRunner,
        throttle: UnlockThrottle,
        notice: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.settings, self.tasks, self.throttle = store, settings, tasks, throttle
        self.setWindowTitle("Health Companion — unlock")
        self.setMinimumSize(480, 360)
        self.profile_box = QComboBox()
        self.profile_box.setAccessibleName("Profile")
        self.secret_field = QLineEdit()
        self.secret_field.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret_field.setAccessibleName("Passphrase")
        self.use_recovery = QCheckBox("Use my recovery code instead")
        self.use_recovery.toggled.connect(self._mode_changed)
        self.unlock_button = QPushButton("Unlock")
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.unlock)
        self.secret_field.returnPressed.connect(self.unlock)
        self.new_button = QPushButton("New profile…")
        self.new_button.clicked.connect(self.new_profile_did_request.emit)
        self.notice = paragraph(notice)
        self.error = paragraph("")
        self.error.setObjectName("error")
        self.error.setStyleSheet("color: palette(highlighted-text); background: #b2182b; padding: 6px;")
        self.error.hide()
        self.secret_label = QLabel("Passphrase:")

        form = QFormLayout()
        form.addRow("Profile:", self.profile_box)
        form.addRow(self.secret_label, self.secret_field)
        form.addRow("", self.use_recovery)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 24, 32, 24)
        layout.addWidget(heading(messages.UNLOCK_TITLE))
        layout.addWidget(self.notice)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self._wait_timer = QTimer(self)
        self._wait_timer.setInterval(250)
        self._wait_timer.timeout.connect(self._refresh_wait)
        self._busy = False
        self.reload_profiles()

    def reload_profiles(self) -> None:
        self.profile_box.clear()
        last = self.settings.get(LAST_PROFILE_ID)
        for info in self.store.profiles():
            label = info.label + (f"  ({info.problem})" if info.problem else "")
            self.profile_box.addItem(label, info)
            if info.id == last:
                self.profile_box.setCurrentIndex(self.profile_box.count() - 1)
        self.secret_field.setFocus()

    def selected_profile(self) -> ProfileInfo | None:
        info = self.profile_box.currentData()
        return info if isinstance(info, ProfileInfo) else None

    def _mode_changed(self, recovery: bool) -> None:
        self.secret_label.setText("Recovery code:" if recovery else "Passphrase:")
        self.secret_field.setAccessibleName("Recovery code" if recovery else "Passphrase")
        self.secret_field.setEchoMode(QLineEdit.EchoMode.Normal if recovery else QLineEdit.EchoMode.Password)
        self.secret_field.setPlaceholderText("XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX" if recovery else "")
        self.secret_field.clear()
        self.secret_field.setFocus()

    def show_error(self, text: str) -> None:
        self.error.setText(text[:1].upper() + text[1:])
        self.error.show()

    def unlock(self) -> None:
        if self._busy or self.throttle.seconds_left() > 0:
            return
        info = self.selected_profile()
        if info is None:
            self.show_error("Choose a profile first.")
            return
        text = self.secret_field.text()
        if not text:
            self.show_error("Type your passphrase first." if not self.use_recovery.isChecked() else "Type your recovery code first.")
            return
        secret = Secret.recovery(text) if self.use_recovery.isChecked() else Secret.passphrase(text)
        self.secret_field.clear()  # the widget must not keep the secret (SECURITY §2.5)
        self._set_busy(True)
        store = self.store

        def work(progress: Callable[[int, int], None], cancel: object) -> VaultSession:
            return store.unlock(info, secret)

        self.tasks.run(work, self._unlocked, self._failed)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.unlock_button.setEnabled(not busy)
        self.unlock_button.setText(messages.UNLOCKING if busy else "Unlock")
        self.secret_field.setEnabled(not busy)
        if not busy:
            self.secret_field.setFocus()

    def _unlocked(self, session: VaultSession) -> None:
        self._set_busy(False)
        self.throttle.succeeded()
        self.error.hide()
        self.settings.set(LAST_PROFILE_ID, session.profile_id)
        self.session_did_unlock.emit(session)

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        if isinstance(exc, VaultError):
            if isinstance(exc, WrongSecret):
                self.throttle.failed()
            self.show_error(str(exc))
        else:
            self.show_error(f"Could not unlock ({type(exc).__name__}).")
        self._refresh_wait()

    def _refresh_wait(self) -> None:
        left = self.throttle.seconds_left()
        if left > 0:
            self.unlock_button.setEnabled(False)
            self.unlock_button.setText(f"Wait {math.ceil(left)} s")
            self._wait_timer.start()
        else:
            self._wait_timer.stop()
            if not self._busy:
                self.unlock_button.setEnabled(True)
                self.unlock_button.setText("Unlock")
